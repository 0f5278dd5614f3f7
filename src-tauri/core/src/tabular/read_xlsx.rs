//! The XLSX reader: the first visible worksheet, read cell by cell into
//! sparse rows (a crafted file cannot make it allocate the rectangle between
//! far-apart cells), every value as the text the import code wants: whole
//! numbers without ".0", dates as yyyy-mm-dd.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx, XlsxError};
use chrono::NaiveTime;

use super::columns::column_letters;
use super::read::{too_many_rows, RawRows, MAX_IMPORT_ROWS};
use crate::error::{Error, Result};
use crate::text::clean;

/// More columns than any real import has; guards memory against a crafted
/// XLSX that puts one cell in column XFD of every row.
const MAX_COLUMNS: u32 = 1024;

pub(super) fn read_xlsx(file: &str, bytes: &[u8]) -> Result<RawRows> {
    // The reader is meant never to panic on bad input, but the contract of
    // `read_table_bytes` must not depend on a third-party parser being perfect.
    std::panic::catch_unwind(|| read_xlsx_cells(file, bytes)).unwrap_or_else(|_| {
        Err(Error::invalid(
            file,
            "tệp Excel bị hỏng hoặc không đúng định dạng .xlsx",
        ))
    })
}

fn xlsx_read_error(file: &str, e: XlsxError) -> Error {
    let message = match e {
        XlsxError::Password => "tệp Excel có mật khẩu; hãy bỏ mật khẩu rồi thử lại".to_string(),
        XlsxError::Zip(_) => "tệp không phải tệp Excel .xlsx hợp lệ (có thể bị hỏng hoặc là loại tệp khác)".to_string(),
        e => format!("không đọc được tệp Excel: {e}"),
    };
    Error::invalid(file, message)
}

fn read_xlsx_cells(file: &str, bytes: &[u8]) -> Result<RawRows> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| xlsx_read_error(file, e))?;
    let sheets = workbook.sheets_metadata();
    let worksheets = || sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    let Some(sheet) = worksheets()
        .find(|s| s.visible == SheetVisible::Visible)
        .or_else(|| worksheets().next())
    else {
        return Err(Error::invalid(file, "tệp Excel không có trang tính nào"));
    };
    let name = sheet.name.clone();
    let mut reader = workbook
        .worksheet_cells_reader(&name)
        .map_err(|e| xlsx_read_error(file, e))?;
    // Sparse rows: a crafted file with cells far apart must not allocate the
    // whole rectangle between them.
    let mut grid: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
    while let Some(cell) = reader.next_cell().map_err(|e| xlsx_read_error(file, e))? {
        let text = clean(&xlsx_text(cell.get_value()));
        if text.is_empty() {
            continue;
        }
        let (row, col) = cell.get_position();
        if col >= MAX_COLUMNS {
            return Err(Error::invalid(
                file,
                format!(
                    "dòng {}: có dữ liệu ở cột {}, quá xa; bảng nhập chỉ được có tối đa {MAX_COLUMNS} cột",
                    u64::from(row) + 1,
                    column_letters(col as usize)
                ),
            ));
        }
        grid.entry(row).or_default().push((col, text));
        if grid.len() > MAX_IMPORT_ROWS + 1 {
            return Err(too_many_rows(file));
        }
    }
    Ok(grid
        .into_iter()
        .map(|(row, cells)| {
            let width = cells.iter().map(|(c, _)| *c as usize + 1).max().unwrap_or(0);
            let mut line = vec![String::new(); width];
            for (c, text) in cells {
                line[c as usize] = text;
            }
            (row as usize + 1, line)
        })
        .collect())
}

/// The text of an XLSX cell as the import code wants it.
fn xlsx_text<'a>(value: &'a DataRef<'_>) -> Cow<'a, str> {
    match value {
        DataRef::Empty => Cow::Borrowed(""),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cow::Borrowed(s),
        DataRef::SharedString(s) => Cow::Borrowed(s),
        DataRef::Int(i) => Cow::Owned(i.to_string()),
        DataRef::Float(f) => Cow::Owned(number_text(*f)),
        DataRef::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
        DataRef::Error(e) => Cow::Owned(e.to_string()),
        DataRef::DateTime(dt) => {
            let serial = dt.as_f64();
            // Beyond 9999-12-31 chrono's arithmetic inside calamine could
            // overflow; such a "date" is shown as the number it is.
            if dt.is_duration() || !(0.0..2_958_466.0).contains(&serial) {
                return Cow::Owned(duration_or_number(serial, dt.is_duration()));
            }
            match dt.as_datetime() {
                Some(t) if serial < 1.0 => Cow::Owned(t.format("%H:%M:%S").to_string()),
                Some(t) if t.time() == NaiveTime::MIN => Cow::Owned(t.format("%Y-%m-%d").to_string()),
                Some(t) => Cow::Owned(t.format("%Y-%m-%d %H:%M:%S").to_string()),
                None => Cow::Owned(number_text(serial)),
            }
        }
    }
}

fn duration_or_number(serial: f64, duration: bool) -> String {
    if duration && serial.is_finite() && (0.0..1e9).contains(&serial) {
        let secs = (serial * 86_400.0).round() as u64;
        format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    } else {
        number_text(serial)
    }
}

/// Whole numbers without ".0" (Excel stores every number as a float).
fn number_text(f: f64) -> String {
    if f == 0.0 {
        "0".to_string()
    } else if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else {
        f.to_string()
    }
}

#[cfg(test)]
mod tests {
    use crate::tabular::{read_table_bytes, xlsx_bytes, Cell};

    use super::*;

    #[test]
    fn garbage_named_xlsx_is_an_error_not_a_panic() {
        let valid = xlsx_bytes("S", &["a", "b"], &[vec![Cell::from("x"), Cell::Int(1)]]).unwrap();
        let mut inputs: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"not a spreadsheet at all".to_vec(),
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00garbage".to_vec(),
            (0..4096u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
                .collect(),
        ];
        // Truncations and corruptions of a real file.
        for cut in (0..valid.len()).step_by(97) {
            inputs.push(valid[..cut].to_vec());
            let mut flipped = valid.clone();
            flipped[cut] ^= 0x5A;
            inputs.push(flipped);
        }
        for (i, input) in inputs.iter().enumerate() {
            let outcome = std::panic::catch_unwind(|| read_table_bytes("rác.xlsx", input));
            let result = outcome.unwrap_or_else(|_| panic!("input {i} panicked"));
            if let Err(e) = result {
                assert!(e.to_string().starts_with("rác.xlsx: "), "{e}");
            }
        }
        let err = read_table_bytes("rác.xlsx", b"not a spreadsheet")
            .unwrap_err()
            .to_string();
        assert!(err.contains("không phải tệp Excel .xlsx hợp lệ"), "{err}");
    }

    #[test]
    fn whole_numbers_without_a_fraction() {
        assert_eq!(number_text(123.0), "123");
        assert_eq!(number_text(-0.0), "0");
        assert_eq!(number_text(1.5), "1.5");
    }
}

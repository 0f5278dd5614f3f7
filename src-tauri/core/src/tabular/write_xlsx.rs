//! The XLSX writer: one sheet with a bold, frozen header row and an
//! autofilter, column widths fitted to the content, dates as real Excel
//! dates and numbers as numbers; every text cell a string cell, never a
//! formula.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError as WriteError};

use super::write::Cell;
use crate::error::{Error, Result};
use crate::text::clean;

/// XLSX export: one sheet named `sheet` (made valid for Excel), bold header
/// row with an autofilter and frozen, column widths fitted to the content
/// (at most 60), dates as real Excel dates shown dd/mm/yyyy, ints as numbers;
/// every text cell is a string cell, never a formula.
pub fn write_xlsx(path: &Path, sheet: &str, headers: &[&str], rows: &[Vec<Cell>]) -> Result<()> {
    let file = path.display().to_string();
    let bytes = workbook(sheet, headers, rows)
        .and_then(|mut wb| wb.save_to_buffer())
        .map_err(|e| xlsx_write_error(&file, e))?;
    crate::files::write_file(path, &bytes, None)
}

/// [`write_xlsx`] into memory (a download from the UI).
pub fn xlsx_bytes(sheet: &str, headers: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>> {
    workbook(sheet, headers, rows)
        .and_then(|mut wb| wb.save_to_buffer())
        .map_err(|e| xlsx_write_error(sheet, e))
}

fn xlsx_write_error(what: &str, e: WriteError) -> Error {
    Error::Xlsx {
        what: what.to_owned(),
        source: e,
    }
}

fn workbook(sheet: &str, headers: &[&str], rows: &[Vec<Cell>]) -> std::result::Result<Workbook, WriteError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(sheet))?;
    let bold = Format::new().set_bold();
    let date_format = Format::new().set_num_format("dd/mm/yyyy");

    // Header cells get room for the autofilter button.
    let mut widths: Vec<usize> = headers.iter().map(|h| text_width(h) + 3).collect();
    for (c, header) in headers.iter().enumerate() {
        ws.write_string_with_format(0, col_num(c)?, *header, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| WriteError::RowColumnLimitError)?;
        if widths.len() < row.len() {
            widths.resize(row.len(), 0);
        }
        for (c, cell) in row.iter().enumerate() {
            let col = col_num(c)?;
            let width = match cell {
                Cell::Text(s) => {
                    ws.write_string(r, col, s)?;
                    text_width(s)
                }
                // Excel numbers are doubles: beyond 2^53 keep the digits as text.
                Cell::Int(i) if i.unsigned_abs() <= 1 << 53 => {
                    ws.write_number(r, col, *i as f64)?;
                    i.to_string().len()
                }
                Cell::Int(i) => {
                    ws.write_string(r, col, i.to_string())?;
                    i.to_string().len()
                }
                Cell::Date(d) => {
                    match excel_date(*d) {
                        Some(x) => ws.write_datetime_with_format(r, col, &x, &date_format)?,
                        None => ws.write_string(r, col, crate::dates::vi(*d))?,
                    };
                    10
                }
                Cell::Empty => 0,
            };
            widths[c] = widths[c].max(width);
        }
    }
    for (c, width) in widths.iter().enumerate() {
        ws.set_column_width(col_num(c)?, (width + 1).clamp(6, 60) as f64)?;
    }
    if !headers.is_empty() {
        let last_row = u32::try_from(rows.len()).map_err(|_| WriteError::RowColumnLimitError)?;
        ws.autofilter(0, 0, last_row, col_num(headers.len() - 1)?)?;
        ws.set_freeze_panes(1, 0)?;
    }
    Ok(wb)
}

fn col_num(c: usize) -> std::result::Result<u16, WriteError> {
    u16::try_from(c).map_err(|_| WriteError::RowColumnLimitError)
}

/// Excel dates run from 1900 to 9999; others are written as text.
fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok()?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).ok()
}

/// Characters of the longest line: a fair estimate of the width Excel needs
/// for NFC Vietnamese text in its default font.
fn text_width(s: &str) -> usize {
    s.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

/// A name Excel accepts: no `[]:*?/\`, no apostrophe at either end, 1 to 31
/// characters.
fn sheet_name(sheet: &str) -> String {
    let name: String = clean(sheet)
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                '-'
            } else {
                c
            }
        })
        .take(31)
        .collect();
    let name = name.trim_matches(|c: char| c == '\'' || c.is_whitespace());
    if name.is_empty() {
        "Dữ liệu".to_string()
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Reader, Xlsx};
    use unicode_normalization::UnicodeNormalization;

    use crate::tabular::tests::{cells, date};
    use crate::tabular::{parse_count, parse_date, read_table, read_table_bytes};

    use super::*;

    #[test]
    fn xlsx_round_trips_text_numbers_and_dates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("văn bản.xlsx");
        let nfd_title: String = "Kế hoạch tổ chức Đại hội".nfd().collect();
        let rows = vec![
            vec![
                Cell::from("05-KH/HU"),
                Cell::Text(nfd_title),
                Cell::Date(date(2024, 2, 29)),
                Cell::Int(2000),
            ],
            vec![Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty],
            vec![
                Cell::from("45-CT/TW"),
                Cell::from("Chỉ thị: «x»"),
                Cell::Date(date(1930, 2, 3)),
                Cell::from(Some(7u32)),
            ],
            vec![
                Cell::from("1-TB/TU"),
                Cell::from(None::<String>),
                Cell::Date(date(1899, 1, 1)),
                Cell::Int(-3),
            ],
        ];
        write_xlsx(
            &path,
            "Văn bản: 2024/25",
            &["Số ký hiệu", "Trích yếu", "Ngày", "Số bản"],
            &rows,
        )
        .unwrap();

        let table = read_table(&path).unwrap();
        assert_eq!(table.headers, ["Số ký hiệu", "Trích yếu", "Ngày", "Số bản"]);
        assert_eq!(table.rows.len(), 3, "the empty row is skipped");
        assert_eq!(table.rows[0].line, 2);
        assert_eq!(
            cells(&table.rows[0]),
            ["05-KH/HU", "Kế hoạch tổ chức Đại hội", "2024-02-29", "2000"]
        );
        assert_eq!(table.rows[1].line, 4, "line numbers stay true to the sheet");
        assert_eq!(cells(&table.rows[1]), ["45-CT/TW", "Chỉ thị: «x»", "1930-02-03", "7"]);
        assert_eq!(table.rows[2].line, 5);
        assert_eq!(cells(&table.rows[2]), ["1-TB/TU", "", "01/01/1899", "-3"]);
        assert_eq!(parse_date(&table.rows[0].cells[2]), Ok(date(2024, 2, 29)));
        assert_eq!(parse_count(&table.rows[0].cells[3]), Ok(2000));

        // The same from memory.
        let bytes = xlsx_bytes(
            "Văn bản",
            &["Số ký hiệu"],
            &rows[..1].iter().map(|r| r[..1].to_vec()).collect::<Vec<_>>(),
        )
        .unwrap();
        let table = read_table_bytes("upload.XLSX", &bytes).unwrap();
        assert_eq!(cells(&table.rows[0]), ["05-KH/HU"]);
    }

    #[test]
    fn xlsx_sheet_has_frozen_bold_header_with_autofilter_and_fitted_widths() {
        let long = "x".repeat(200);
        let bytes = xlsx_bytes(
            "a/b",
            &["Mã", "Ghi chú"],
            &[vec![Cell::from("CB1"), Cell::from(long.as_str())]],
        )
        .unwrap();
        let workbook = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
        assert_eq!(workbook.sheet_names(), ["a-b"], "invalid characters replaced");
        // calamine does not read view settings: look at the parts themselves.
        let (Some(sheet), Some(styles)) = (
            unzip_part(&bytes, "xl/worksheets/sheet1.xml"),
            unzip_part(&bytes, "xl/styles.xml"),
        ) else {
            eprintln!("skipped: the unzip tool is not installed");
            return;
        };
        assert!(sheet.contains(r#"<autoFilter ref="A1:B2"/>"#), "{sheet}");
        assert!(sheet.contains(r#"state="frozen""#), "{sheet}");
        assert!(
            sheet.contains(r#"width="60.7109375""#),
            "long column capped at 60: {sheet}"
        );
        assert!(styles.contains("<b/>"), "{styles}");
    }

    /// Reads one part of a ZIP archive with the `unzip` tool; `None` when the
    /// tool is not installed.
    fn unzip_part(bytes: &[u8], part: &str) -> Option<String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.xlsx");
        std::fs::write(&path, bytes).unwrap();
        let out = std::process::Command::new("unzip")
            .arg("-p")
            .arg(&path)
            .arg(part)
            .output()
            .ok()?;
        assert!(out.status.success(), "unzip failed on {part}: {out:?}");
        Some(String::from_utf8(out.stdout).unwrap())
    }

    #[test]
    fn xlsx_opens_in_libreoffice() {
        let Some(office) = ["libreoffice", "soffice"].into_iter().find(|p| {
            std::process::Command::new(p)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        }) else {
            eprintln!("skipped: LibreOffice is not installed");
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("units.xlsx");
        let rows = vec![vec![
            Cell::from("Chi bộ Hương Khê"),
            Cell::Int(2000),
            Cell::Date(date(2024, 8, 2)),
        ]];
        write_xlsx(&path, "Đơn vị", &["Tên", "Số bản", "Ngày"], &rows).unwrap();
        let status = std::process::Command::new(office)
            .args(["--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76"])
            .arg("--outdir")
            .arg(dir.path())
            .arg(&path)
            .output()
            .unwrap();
        assert!(status.status.success(), "{status:?}");
        let csv = std::fs::read_to_string(dir.path().join("units.csv")).unwrap();
        assert!(csv.contains("Chi bộ Hương Khê,2000,02/08/2024"), "{csv}");
    }

    #[test]
    fn xlsx_text_that_looks_like_a_formula_stays_a_string_cell() {
        use std::io::Read;
        let bytes = xlsx_bytes(
            "Đơn vị",
            &["Tên", "Điện thoại", "Số bản"],
            &[vec![Cell::from("=1+1"), Cell::from("+84 912"), Cell::Int(-1)]],
        )
        .unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
        let mut sheet = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_string(&mut sheet)
            .unwrap();
        assert!(
            !sheet.contains("<f>") && !sheet.contains("<f "),
            "no formula cell: {sheet}"
        );
        let table = read_table_bytes("x.xlsx", &bytes).unwrap();
        assert_eq!(cells(&table.rows[0]), ["=1+1", "+84 912", "-1"]);
    }

    #[test]
    fn sheet_names_excel_accepts() {
        assert_eq!(sheet_name("  'Đơn vị: [2024]*'  "), "Đơn vị- -2024--");
        assert_eq!(sheet_name("'"), "Dữ liệu");
        assert_eq!(sheet_name(&"ư".repeat(40)).chars().count(), 31);
    }
}

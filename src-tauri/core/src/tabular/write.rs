//! Writing exports: the [`Cell`] of an export, the CSV writer (UTF-8 with
//! BOM, CRLF, dates dd/mm/yyyy), and the neutralising of text a spreadsheet
//! would run as a formula, undone when the file is imported back.

use std::borrow::Cow;
use std::io::Write;

use chrono::NaiveDate;

use super::UTF8_BOM;
use crate::error::Result;

/// One cell of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Date(NaiveDate),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(i: i64) -> Cell {
        Cell::Int(i)
    }
}

impl From<u32> for Cell {
    fn from(i: u32) -> Cell {
        Cell::Int(i64::from(i))
    }
}

impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Cell {
        Cell::Date(d)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Cell {
        v.map_or(Cell::Empty, Into::into)
    }
}

/// Characters that make a spreadsheet read a cell as a formula (or a
/// formula's continuation) when a CSV file is opened.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell a spreadsheet would run as a formula (`=…`, `+…`, `-…`,
/// `@…`, or a leading tab or carriage return) gets a leading `'`, which
/// Excel and LibreOffice show as text; other text is unchanged. Numbers are
/// written as numbers, never through this: a negative count stays `-1`.
/// The import takes the `'` off again ([`formula_unescape`]), so an export
/// reads back as it was.
pub fn formula_safe(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_START) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Undoes [`formula_safe`] on a cell read from a CSV file.
pub(super) fn formula_unescape(cell: String) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest.to_owned(),
        _ => cell,
    }
}

impl Cell {
    fn csv_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(s) => formula_safe(s),
            Cell::Int(i) => Cow::Owned(i.to_string()),
            Cell::Date(d) => Cow::Owned(crate::dates::vi(*d)),
            Cell::Empty => Cow::Borrowed(""),
        }
    }
}

/// CSV export: UTF-8 with BOM (so that Excel opens Vietnamese correctly),
/// comma-separated, CRLF line ends, a header row, dates as dd/mm/yyyy and
/// numbers without thousands separators (so that the file imports back);
/// text that would run as a formula is neutralised ([`formula_safe`]).
pub fn write_csv(mut w: impl Write, headers: &[&str], rows: &[Vec<Cell>]) -> Result<()> {
    w.write_all(UTF8_BOM)?;
    let mut out = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(w);
    out.write_record(headers).map_err(std::io::Error::from)?;
    for row in rows {
        out.write_record(row.iter().map(|c| c.csv_text().into_owned()))
            .map_err(std::io::Error::from)?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::tabular::tests::{cells, date};
    use crate::tabular::{parse_date, read_table, read_table_bytes};

    use super::*;

    #[test]
    fn csv_export_has_bom_commas_and_vietnamese_dates_and_reads_back() {
        let mut out = Vec::new();
        let rows = vec![
            vec![
                Cell::from("HU"),
                Cell::from("Huyện ủy, Hương Khê"),
                Cell::Date(date(2022, 8, 2)),
                Cell::Int(2000),
            ],
            vec![Cell::from("CB1"), Cell::from("Chi bộ \"1\""), Cell::Empty, Cell::Int(0)],
        ];
        write_csv(&mut out, &["Mã", "Tên", "Ngày", "Số bản"], &rows).unwrap();
        assert!(out.starts_with(UTF8_BOM));
        let text = std::str::from_utf8(&out[3..]).unwrap();
        assert_eq!(
            text,
            "Mã,Tên,Ngày,Số bản\r\nHU,\"Huyện ủy, Hương Khê\",02/08/2022,2000\r\nCB1,\"Chi bộ \"\"1\"\"\",,0\r\n"
        );

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("xuất.csv");
        write_csv(
            std::fs::File::create(&path).unwrap(),
            &["Mã", "Tên", "Ngày", "Số bản"],
            &rows,
        )
        .unwrap();
        let table = read_table(&path).unwrap();
        assert_eq!(
            cells(&table.rows[0]),
            ["HU", "Huyện ủy, Hương Khê", "02/08/2022", "2000"]
        );
        assert_eq!(parse_date(&table.rows[0].cells[2]), Ok(date(2022, 8, 2)));
    }

    #[test]
    fn csv_cells_that_would_run_as_formulas_get_a_quote_and_read_back_as_they_were() {
        let rows = vec![
            vec![
                Cell::from("=HYPERLINK(\"http://x\",\"Bấm\")"),
                Cell::from("+84 912 111 222"),
                Cell::from("-Kế hoạch"),
                Cell::from("@SUM(A1)"),
                Cell::Int(-1),
                Cell::from("05-KH/HU"),
                Cell::Date(date(2022, 8, 2)),
            ],
            vec![
                Cell::from("\tx"),
                Cell::from("\r=1"),
                Cell::from("'=1"),
                Cell::from("a=b"),
                Cell::Int(3),
                Cell::Empty,
                Cell::Empty,
            ],
        ];
        let headers = ["A", "B", "C", "D", "E", "F", "G"];
        let mut out = Vec::new();
        write_csv(&mut out, &headers, &rows).unwrap();
        let text = std::str::from_utf8(&out[3..]).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(
            lines[1],
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"Bấm\"\")\",'+84 912 111 222,'-Kế hoạch,'@SUM(A1),-1,05-KH/HU,02/08/2022"
        );
        assert!(lines[2].starts_with("'\tx,\"'\r=1\",'=1,a=b,3"), "{:?}", lines[2]);
        // The import takes the quote off again: an export reads back as it was.
        let table = read_table_bytes("x.csv", &out).unwrap();
        assert_eq!(
            cells(&table.rows[0])[..4],
            [
                "=HYPERLINK(\"http://x\",\"Bấm\")",
                "+84 912 111 222",
                "-Kế hoạch",
                "@SUM(A1)"
            ]
        );
    }
}

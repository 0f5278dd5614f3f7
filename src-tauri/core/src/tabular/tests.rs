//! Helpers shared by the unit tests of the tabular rooms.

use chrono::NaiveDate;

use super::TableRow;

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub(super) fn cells(row: &TableRow) -> Vec<&str> {
    row.cells.iter().map(String::as_str).collect()
}

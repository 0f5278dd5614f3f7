//! Spreadsheet files in and out, for bulk import and export.
//!
//! Reading (`read`, `read_csv`, `read_xlsx`): a CSV or XLSX file as clerks
//! save it from Excel becomes a [`Table`] of cleaned NFC strings with the row
//! numbers a spreadsheet user sees. Header matching (`columns`):
//! [`Columns::map`] finds the expected fields in the header row in any order,
//! whatever the case, diacritics or language of the header. Parsers
//! (`parse`): [`parse_date`] and [`parse_count`] read dates and counts as
//! Vietnamese users type them. Every problem is an [`Issue`] at
//! file:row:column with a Vietnamese sentence (`issue`).
//!
//! Writing (`write`, `write_xlsx`, `rows`): [`write_csv`] (UTF-8 with BOM so
//! that Excel shows Vietnamese correctly, formula-like text neutralised by
//! [`formula_safe`]), [`write_xlsx`] / [`xlsx_bytes`] (real dates and numbers,
//! bold frozen header with an autofilter), and [`write_rows`]: any list of
//! records as CSV, for the command line's `--format csv`.
//!
//! This module knows nothing of units or documents: the import code gives it
//! the list of [`Field`]s and turns cells into records itself.

mod columns;
mod issue;
mod parse;
mod read;
mod read_csv;
mod read_xlsx;
mod rows;
mod write;
mod write_xlsx;

#[cfg(test)]
mod tests;

pub use columns::{Columns, Field};
pub use issue::Issue;
pub use parse::{parse_count, parse_date};
pub use read::{
    read_table, read_table_as, read_table_bytes, Table, TableRow, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, MAX_XLSX_UNPACKED,
};
pub use rows::write_rows;
pub use write::{formula_safe, write_csv, Cell};
pub use write_xlsx::{write_xlsx, xlsx_bytes};

/// The byte order mark that makes Excel read a CSV file as UTF-8.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

//! Checking a file row by row: the issues found (each at file:row:column),
//! which rows are bad, and each row's outcome.

use std::collections::HashSet;

use super::report::{RowAction, RowOutcome};
use crate::tabular::{Columns, Issue, Table, TableRow};
use crate::text;

/// Collects issues for one file.
pub(super) struct Checker<'t> {
    table: &'t Table,
    cols: Columns,
    pub issues: Vec<Issue>,
    pub bad_rows: HashSet<usize>,
}

impl<'t> Checker<'t> {
    pub(super) fn new(table: &'t Table, cols: Columns, warnings: Vec<Issue>) -> Checker<'t> {
        Checker {
            table,
            cols,
            issues: warnings,
            bad_rows: HashSet::new(),
        }
    }

    pub(super) fn error(&mut self, row: &TableRow, field: &str, message: String) {
        self.bad_rows.insert(row.line);
        self.issues.push(Issue {
            file: self.table.file.clone(),
            row: u32::try_from(row.line).unwrap_or(u32::MAX),
            column: self.cols.header(field).map(str::to_owned),
            message,
            warning: false,
        });
    }

    pub(super) fn warn(&mut self, row: &TableRow, field: &str, message: String) {
        self.issues.push(Issue {
            file: self.table.file.clone(),
            row: u32::try_from(row.line).unwrap_or(u32::MAX),
            column: self.cols.header(field).map(str::to_owned),
            message,
            warning: true,
        });
    }

    pub(super) fn get(&self, row: &'t TableRow, field: &str) -> &'t str {
        self.cols.get(row, field)
    }

    pub(super) fn opt(&self, row: &'t TableRow, field: &str) -> Option<String> {
        text::clean_opt(Some(self.get(row, field)))
    }

    /// True when the file has a column for `field`.
    pub(super) fn has(&self, field: &str) -> bool {
        self.cols.has(field)
    }

    pub(super) fn is_bad(&self, row: &TableRow) -> bool {
        self.bad_rows.contains(&row.line)
    }
}

pub(super) fn outcome(row: &TableRow, key: &str, name: &str, action: RowAction) -> RowOutcome {
    RowOutcome {
        row: u32::try_from(row.line).unwrap_or(u32::MAX),
        key: key.to_owned(),
        name: name.to_owned(),
        action,
    }
}

/// Compares a file value with the register's: equal ignoring an empty cell.
pub(super) fn same(file: &Option<String>, stored: &Option<String>) -> bool {
    file.is_none() || file == stored
}

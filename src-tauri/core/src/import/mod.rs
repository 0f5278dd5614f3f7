//! Bulk import and export of the two registers (units, documents) as CSV or
//! XLSX. An import is checked whole first — every problem reported with
//! file, row and column — and written in one transaction only when there is
//! none; re-importing the same file changes nothing and says so.

//!
//! - `report`: what an import says (each row's outcome, the issues);
//! - `columns`: the fields an import looks for, the headers an export writes;
//! - `checker`: issues and outcomes collected row by row;
//! - `units`, `documents`: the checks and the writes of each register.

mod checker;
mod columns;
mod documents;
mod report;
mod units;

use std::path::Path;

use crate::db::{Actor, Store};
use crate::error::{Error, Result};
use crate::tabular::{self, Cell, Columns, Table};

use columns::{DOC_FIELDS, DOC_HEADERS, UNIT_FIELDS, UNIT_HEADERS};
pub use report::{ChosenFile, ImportReport, Register, RowAction, RowOutcome};

impl Store {
    /// Imports a CSV or XLSX file (by extension).
    pub fn import_file(
        &mut self,
        actor: &Actor,
        register: Register,
        path: &Path,
        dry_run: bool,
    ) -> Result<ImportReport> {
        let table = tabular::read_table(path)?;
        self.import_table(actor, register, &table, dry_run)
    }

    /// Imports a file the user chose in the window, read here from its path
    /// (never sent through the window); messages name it by its file name.
    pub fn import_chosen(
        &mut self,
        actor: &Actor,
        register: Register,
        path: &Path,
        dry_run: bool,
    ) -> Result<ImportReport> {
        let table = tabular::read_table_as(path, &ChosenFile::name_of(path))?;
        self.import_table(actor, register, &table, dry_run)
    }

    /// Checks every row, then writes all of them in one transaction, or
    /// nothing when there is any error or this is a dry run.
    pub fn import_table(
        &mut self,
        actor: &Actor,
        register: Register,
        table: &Table,
        dry_run: bool,
    ) -> Result<ImportReport> {
        let fields = match register {
            Register::Units => UNIT_FIELDS,
            Register::Documents => DOC_FIELDS,
        };
        let (cols, warnings) = match Columns::map(table, fields) {
            Ok(found) => found,
            Err(issues) => {
                return Ok(ImportReport {
                    file: table.file.clone(),
                    register,
                    rows: Vec::new(),
                    issues,
                    new_kinds: Vec::new(),
                    written: false,
                })
            }
        };
        let mut report = self.attempt(actor, |dao| {
            let report = match register {
                Register::Units => units::check_units(dao, table, cols, warnings)?,
                Register::Documents => documents::check_documents(dao, table, cols, warnings)?,
            };
            let commit = report.is_ok() && !dry_run && report.rows.iter().any(|r| r.action == RowAction::Add);
            Ok((report, commit))
        })?;
        report.written = report.is_ok() && !dry_run && report.rows.iter().any(|r| r.action == RowAction::Add);
        Ok(report)
    }

    fn export_rows(&self, register: Register) -> Result<(&'static [&'static str], Vec<Vec<Cell>>)> {
        let opt = |s: &Option<String>| s.clone().map(Cell::Text).unwrap_or(Cell::Empty);
        Ok(match register {
            Register::Units => {
                let rows = self
                    .list_units()?
                    .into_iter()
                    .map(|u| {
                        vec![
                            Cell::Text(u.code.clone()),
                            Cell::Text(u.name.clone()),
                            opt(&u.parent),
                            opt(&u.kind),
                            opt(&u.short_name),
                            opt(&u.phone),
                            opt(&u.secretary),
                            opt(&u.deputy),
                            opt(&u.address),
                        ]
                    })
                    .collect();
                (UNIT_HEADERS, rows)
            }
            Register::Documents => {
                let rows = self
                    .list_documents()?
                    .into_iter()
                    .map(|d| {
                        vec![
                            Cell::Text(d.symbol),
                            Cell::Text(d.title),
                            d.issued_on.map(Cell::Date).unwrap_or(Cell::Empty),
                            Cell::Int(i64::from(d.copies_received)),
                            Cell::Text(d.classification.label().to_owned()),
                            Cell::Int(d.copies_on_hand),
                        ]
                    })
                    .collect();
                (DOC_HEADERS, rows)
            }
        })
    }

    /// A register as the file `out` asks for: CSV or XLSX by its extension.
    pub fn export_bytes(&self, register: Register, out: &Path) -> Result<Vec<u8>> {
        let (headers, rows) = self.export_rows(register)?;
        bytes_by_extension(out, register, headers, &rows)
    }

    /// An empty file with the register's columns, for users to fill in; CSV
    /// or XLSX by the extension of `out`.
    pub fn template_bytes(register: Register, out: &Path) -> Result<Vec<u8>> {
        let headers = match register {
            Register::Units => UNIT_HEADERS,
            Register::Documents => &DOC_HEADERS[..5],
        };
        bytes_by_extension(out, register, headers, &[])
    }
}

fn bytes_by_extension(out: &Path, register: Register, headers: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>> {
    let ext = out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let sheet = match register {
        Register::Units => "Đơn vị",
        Register::Documents => "Văn bản",
    };
    match ext.as_deref() {
        Some("xlsx") => tabular::xlsx_bytes(sheet, headers, rows),
        Some("csv") => {
            let mut bytes = Vec::new();
            tabular::write_csv(&mut bytes, headers, rows)?;
            Ok(bytes)
        }
        _ => Err(Error::invalid(
            "out",
            format!("{}: chỉ xuất được tệp .csv hoặc .xlsx", out.display()),
        )),
    }
}

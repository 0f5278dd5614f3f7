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
use crate::progress::{self, Phase, Unwatched, Watch};
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
    /// Tells `watch` how many rows are checked, then written.
    pub fn import_chosen(
        &mut self,
        actor: &Actor,
        register: Register,
        path: &Path,
        dry_run: bool,
        watch: &mut dyn Watch,
    ) -> Result<ImportReport> {
        let table = tabular::read_table_as(path, &ChosenFile::name_of(path))?;
        self.import_table_watched(actor, register, &table, dry_run, watch)
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
        self.import_table_watched(actor, register, table, dry_run, &mut Unwatched)
    }

    /// [`Store::import_table`], telling `watch` how many rows are checked
    /// ([`Phase::Check`]), then written ([`Phase::Save`]); a watch that asks
    /// to stop ends it with [`Error::Halted`] and nothing written.
    pub fn import_table_watched(
        &mut self,
        actor: &Actor,
        register: Register,
        table: &Table,
        dry_run: bool,
        watch: &mut dyn Watch,
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
        let mut rows = Rows {
            watch,
            total: table.rows.len(),
            write: !dry_run,
        };
        let mut report = self.attempt(actor, |dao| {
            let report = match register {
                Register::Units => units::check_units(dao, table, cols, warnings, &mut rows)?,
                Register::Documents => documents::check_documents(dao, table, cols, warnings, &mut rows)?,
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
                            if d.term.is_empty() {
                                Cell::Empty
                            } else {
                                Cell::Text(d.term)
                            },
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
            Register::Documents => &DOC_HEADERS[..6],
        };
        bytes_by_extension(out, register, headers, &[])
    }
}

/// How far an import is, told to its watch: rows checked, then rows written.
pub(super) struct Rows<'w> {
    watch: &'w mut dyn Watch,
    total: usize,
    /// Whether the new rows are written (not a check-only run).
    write: bool,
}

impl Rows<'_> {
    /// Before checking row `done` (counted from 0).
    fn checking(&mut self, done: usize) -> Result<()> {
        self.step(Phase::Check, done, self.total)
    }

    /// Before writing new row `done` of `of`; the checks are all done.
    fn writing(&mut self, done: usize, of: usize) -> Result<()> {
        if done == 0 {
            progress::finished(self.watch, Phase::Check, self.total);
        }
        if self.write {
            self.step(Phase::Save, done, of)
        } else if self.watch.stop() {
            // A check-only run writes too, to meet the database's own
            // refusals, and rolls back: that is still checking.
            Err(Error::Halted)
        } else {
            Ok(())
        }
    }

    fn step(&mut self, phase: Phase, done: usize, of: usize) -> Result<()> {
        if progress::next(self.watch, phase, done, of) {
            Ok(())
        } else {
            Err(Error::Halted)
        }
    }

    /// After the last write (or the checks of a check-only run).
    fn done(&mut self, written: usize) {
        if self.write && written > 0 {
            progress::finished(self.watch, Phase::Save, written);
        } else {
            progress::finished(self.watch, Phase::Check, self.total);
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Step;

    /// Records the steps; asks to stop once `stop_at` rows are checked.
    #[derive(Default)]
    struct Steps {
        seen: Vec<Step>,
        stop_at: Option<u64>,
    }

    impl Watch for Steps {
        fn step(&mut self, step: Step) {
            self.seen.push(step);
        }
        fn stop(&self) -> bool {
            matches!((self.stop_at, self.seen.last()), (Some(at), Some(s)) if s.done >= at)
        }
    }

    fn units_file(n: usize) -> Table {
        let mut csv = String::from("Mã,Tên,Mã cấp trên,Loại\nHT,Đảng bộ tỉnh Hà Tĩnh,,Đảng bộ tỉnh\n");
        for i in 1..n {
            csv.push_str(&format!("CB{i:03},Chi bộ thôn {i},HT,Chi bộ\n"));
        }
        tabular::read_table_bytes("don-vi.csv", csv.as_bytes()).expect("a CSV table")
    }

    fn phases(steps: &[Step], phase: Phase) -> Vec<(u64, u64)> {
        steps
            .iter()
            .filter(|s| s.phase == phase)
            .map(|s| (s.done, s.total))
            .collect()
    }

    #[test]
    fn an_import_tells_how_many_rows_are_checked_then_written_and_stops_when_asked() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(&dir.path().join("t.sqlite3")).expect("open");
        let actor = Actor::new("thu", "test");
        let table = units_file(40);

        // A check-only run: rows checked, 0 to 40, and nothing written.
        let mut steps = Steps::default();
        let report = store
            .import_table_watched(&actor, Register::Units, &table, true, &mut steps)
            .expect("checked");
        assert!(report.is_ok() && !report.written, "{:?}", report.issues);
        let checked = phases(&steps.seen, Phase::Check);
        assert_eq!(checked.first(), Some(&(0, 40)));
        assert_eq!(checked.last(), Some(&(40, 40)));
        assert!(checked.iter().map(|s| s.0).is_sorted(), "{checked:?}");
        assert!(phases(&steps.seen, Phase::Save).is_empty(), "a check writes nothing");

        // Stopped while checking: nothing written.
        let mut stopping = Steps {
            stop_at: Some(10),
            ..Steps::default()
        };
        let stopped = store.import_table_watched(&actor, Register::Units, &table, false, &mut stopping);
        assert!(matches!(stopped, Err(Error::Halted)), "{stopped:?}");
        assert!(store.list_units().expect("units").is_empty(), "nothing half-saved");

        // The import: rows checked, then the 40 new units written.
        let mut steps = Steps::default();
        let report = store
            .import_table_watched(&actor, Register::Units, &table, false, &mut steps)
            .expect("imported");
        assert!(report.written);
        assert_eq!(phases(&steps.seen, Phase::Check).last(), Some(&(40, 40)));
        let written = phases(&steps.seen, Phase::Save);
        assert_eq!((written.first(), written.last()), (Some(&(0, 40)), Some(&(40, 40))));
        let first_write = steps.seen.iter().position(|s| s.phase == Phase::Save);
        let last_check = steps.seen.iter().rposition(|s| s.phase == Phase::Check);
        assert!(last_check < first_write, "checked first, then written");
        assert_eq!(store.list_units().expect("units").len(), 40);
    }
}

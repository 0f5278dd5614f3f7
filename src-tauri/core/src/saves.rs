//! Saving what the user asks for — a printed list, a spreadsheet, an export of
//! a register, the delivery slips — to a file, written once for the app and
//! the command line: which bytes for which list and format, written through
//! [`crate::files`] (atomic, never over the register or a backup), and one
//! audit row per saved file (what, in which format, by whom, to which file),
//! committed with the rename: no row for a file that was not saved.
//!
//! Actions logged: `print.<list>` for a PDF, `export.<list>` for a
//! spreadsheet or JSON, where `<list>` is `outstanding`, `calls`,
//! `reminders`, `register` (the transfer register), `slips`, `units` or
//! `documents`. Empty templates hold no data and are not logged.

use std::path::Path;

use chrono::NaiveDate;
use serde_json::{json, Value};

use crate::db::{Actor, Store};
use crate::error::{Error, Result};
use crate::files;
use crate::import::Register;
use crate::model::{OutstandingQuery, PrintList, SaveFormat};
use crate::progress::{Unwatched, Watch};

impl Store {
    /// Writes `bytes` to `path` and logs `action` with `detail` and the
    /// file's path, in one transaction with the rename.
    pub fn save_file(&mut self, actor: &Actor, path: &Path, bytes: &[u8], action: &str, detail: Value) -> Result<()> {
        let staged = files::stage(path, bytes, Some(self.path()))?;
        let mut detail = detail;
        if let Value::Object(map) = &mut detail {
            map.insert("file".into(), json!(path.display().to_string()));
        }
        self.write(actor, |dao| {
            dao.log(action, None, &detail)?;
            staged.commit()
        })
    }

    /// A list printed from the outstanding filters: every list as PDF, the
    /// outstanding list also as XLSX or CSV.
    pub fn save_list(
        &mut self,
        actor: &Actor,
        list: PrintList,
        query: &OutstandingQuery,
        format: SaveFormat,
        path: &Path,
    ) -> Result<()> {
        self.save_list_watched(actor, list, query, format, path, &mut Unwatched)
    }

    /// [`Store::save_list`], telling `watch` how far a PDF is laid out and
    /// stopping between two of its chunks when it asks to
    /// ([`Error::Halted`]: no file written, nothing logged).
    pub fn save_list_watched(
        &mut self,
        actor: &Actor,
        list: PrintList,
        query: &OutstandingQuery,
        format: SaveFormat,
        path: &Path,
        watch: &mut dyn Watch,
    ) -> Result<()> {
        let bytes = match (format, list) {
            (SaveFormat::Pdf, _) => self.list_printout(list, query)?.pdf_watched(watch)?,
            (SaveFormat::Xlsx, PrintList::Outstanding) => self.outstanding_xlsx(query)?,
            (SaveFormat::Csv, PrintList::Outstanding) => {
                let mut bytes = Vec::new();
                self.outstanding_csv(query, &mut bytes)?;
                bytes
            }
            _ => return Err(Error::invalid("format", "danh sách này chỉ lưu được dạng PDF")),
        };
        let name = match list {
            PrintList::Outstanding => "outstanding",
            PrintList::Calls => "calls",
            PrintList::Reminders => "reminders",
        };
        let detail = json!({ "format": format.extension(), "query": query });
        self.save_file(actor, path, &bytes, &action(format, name), detail)
    }

    /// The outstanding list as JSON (the command line's `outstanding
    /// --format json --out FILE`): the rows of [`Store::outstanding`],
    /// logged as `export.outstanding` with the format and the filters.
    pub fn save_outstanding_json(&mut self, actor: &Actor, query: &OutstandingQuery, path: &Path) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(&self.outstanding(query)?)?;
        let detail = json!({ "format": "json", "query": query });
        self.save_file(actor, path, &bytes, "export.outstanding", detail)
    }

    /// A study campaign's summary (with `subtree`, of the units under it)
    /// as PDF or XLSX, logged as `print.study` or `export.study`.
    pub fn save_study(
        &mut self,
        actor: &Actor,
        campaign: &str,
        subtree: Option<&str>,
        format: SaveFormat,
        path: &Path,
    ) -> Result<()> {
        let bytes = match format {
            SaveFormat::Pdf => self.study_pdf(campaign, subtree)?,
            SaveFormat::Xlsx => self.study_xlsx(campaign, subtree)?,
            SaveFormat::Csv => {
                return Err(Error::invalid(
                    "format",
                    "báo cáo học tập chỉ lưu được dạng PDF hoặc Excel",
                ))
            }
        };
        let detail = json!({ "format": format.extension(), "campaign": campaign, "subtree": subtree });
        self.save_file(actor, path, &bytes, &action(format, "study"), detail)
    }

    /// One of the registers kept for a period, as PDF or XLSX.
    pub fn save_register(
        &mut self,
        actor: &Actor,
        register: PeriodRegister,
        from: NaiveDate,
        to: NaiveDate,
        format: SaveFormat,
        path: &Path,
    ) -> Result<()> {
        self.save_register_watched(actor, register, from, to, format, path, &mut Unwatched)
    }

    /// [`Store::save_register`], telling `watch` how far a PDF is laid out
    /// and stopping between two of its chunks when it asks to
    /// ([`Error::Halted`]: no file written, nothing logged).
    #[allow(clippy::too_many_arguments)]
    pub fn save_register_watched(
        &mut self,
        actor: &Actor,
        register: PeriodRegister,
        from: NaiveDate,
        to: NaiveDate,
        format: SaveFormat,
        path: &Path,
        watch: &mut dyn Watch,
    ) -> Result<()> {
        let bytes = match (format, register) {
            (SaveFormat::Pdf, PeriodRegister::Transfer) => self.register_printout(from, to)?.pdf_watched(watch)?,
            (SaveFormat::Pdf, PeriodRegister::Classified) => {
                self.classified_register_printout(from, to)?.pdf_watched(watch)?
            }
            (SaveFormat::Pdf, PeriodRegister::Copies) => self.copy_register_printout(from, to)?.pdf_watched(watch)?,
            (SaveFormat::Xlsx, PeriodRegister::Transfer) => self.register_xlsx(from, to)?,
            (SaveFormat::Xlsx, PeriodRegister::Classified) => self.classified_register_xlsx(from, to)?,
            (SaveFormat::Xlsx, PeriodRegister::Copies) => self.copy_register_xlsx(from, to)?,
            (SaveFormat::Csv, _) => {
                return Err(Error::invalid(
                    "format",
                    format!("{} lưu được dạng PDF hoặc Excel", register.name()),
                ))
            }
        };
        let detail = json!({ "format": format.extension(), "from": from, "to": to });
        self.save_file(actor, path, &bytes, &action(format, register.logged_as()), detail)
    }

    /// The delivery slips of a batch (every unit's, or one `unit`'s),
    /// `per_page` (1 or 2) per A4 page.
    pub fn save_slips(
        &mut self,
        actor: &Actor,
        batch: &str,
        unit: Option<&str>,
        per_page: u8,
        path: &Path,
    ) -> Result<()> {
        self.save_slips_watched(actor, batch, unit, per_page, path, &mut Unwatched)
    }

    /// [`Store::save_slips`], telling `watch` how far the PDF is laid out
    /// and stopping between two of its chunks when it asks to
    /// ([`Error::Halted`]: no file written, nothing logged).
    pub fn save_slips_watched(
        &mut self,
        actor: &Actor,
        batch: &str,
        unit: Option<&str>,
        per_page: u8,
        path: &Path,
        watch: &mut dyn Watch,
    ) -> Result<()> {
        let bytes = self.slip_layout(batch, unit, per_page)?.0.pdf_watched(watch)?;
        let detail = json!({ "format": "pdf", "batch": batch, "unit": unit, "per_page": per_page });
        self.save_file(actor, path, &bytes, "print.slips", detail)
    }

    /// A register (units or documents), CSV or XLSX by the file's extension.
    pub fn save_export(&mut self, actor: &Actor, register: Register, path: &Path) -> Result<()> {
        let bytes = self.export_bytes(register, path)?;
        let name = match register {
            Register::Units => "units",
            Register::Documents => "documents",
        };
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let detail = json!({ "format": ext });
        self.save_file(actor, path, &bytes, &format!("export.{name}"), detail)
    }

    /// An empty template of a register, CSV or XLSX by the file's extension;
    /// `register_path`, when known, is never written over.
    pub fn save_template(register: Register, path: &Path, register_path: Option<&Path>) -> Result<()> {
        files::write_file(path, &Store::template_bytes(register, path)?, register_path)
    }
}

/// `print.<what>` for a PDF, `export.<what>` for a data file.
/// The registers kept for a period (`Store::save_register`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodRegister {
    /// The outgoing transfer register (sổ chuyển giao).
    Transfer,
    /// The register of classified documents sent (sổ đăng ký văn bản mật đi).
    Classified,
    /// The copy register of classified documents (sổ theo dõi bản số).
    Copies,
}

impl PeriodRegister {
    /// Its name in messages.
    fn name(self) -> &'static str {
        match self {
            PeriodRegister::Transfer => "sổ chuyển giao",
            PeriodRegister::Classified => "sổ đăng ký văn bản mật đi",
            PeriodRegister::Copies => "sổ theo dõi bản số",
        }
    }

    /// Its name in the audit log's action (`print.register`, `export.copy_register`, …).
    fn logged_as(self) -> &'static str {
        match self {
            PeriodRegister::Transfer => "register",
            PeriodRegister::Classified => "classified_register",
            PeriodRegister::Copies => "copy_register",
        }
    }
}

fn action(format: SaveFormat, what: &str) -> String {
    match format {
        SaveFormat::Pdf => format!("print.{what}"),
        SaveFormat::Xlsx | SaveFormat::Csv => format!("export.{what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asks to stop before the first step.
    struct StopAtOnce;

    impl Watch for StopAtOnce {
        fn stop(&self) -> bool {
            true
        }
    }

    #[test]
    fn a_save_stopped_while_laid_out_writes_no_file_and_logs_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(&dir.path().join("t.sqlite3")).expect("open");
        let actor = Actor::new("thu", "test");
        store.load_demo(&actor).expect("sample data");
        let query = OutstandingQuery::default();
        let out = dir.path().join("ds.pdf");
        let logged = |store: &Store| {
            store
                .read(|dao| {
                    let mut n = 0;
                    dao.each_log_row(|row| {
                        n += usize::from(row.action == "print.outstanding");
                        Ok(())
                    })?;
                    Ok(n)
                })
                .expect("log")
        };

        let stopped = store.save_list_watched(
            &actor,
            PrintList::Outstanding,
            &query,
            SaveFormat::Pdf,
            &out,
            &mut StopAtOnce,
        );
        assert!(matches!(stopped, Err(Error::Halted)), "{stopped:?}");
        assert!(!out.exists(), "no file");
        assert_eq!(logged(&store), 0, "nothing logged");

        store
            .save_list(&actor, PrintList::Outstanding, &query, SaveFormat::Pdf, &out)
            .expect("saved");
        assert!(std::fs::read(&out).expect("the file").starts_with(b"%PDF"));
        assert_eq!(logged(&store), 1);
    }
}

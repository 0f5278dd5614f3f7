//! What an import says: the outcome of every row, every issue at
//! file:row:column, and one sentence for the user.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::tabular::Issue;

/// A file chosen for import in the window: what the window shows of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChosenFile {
    /// The file name, without its folder.
    pub name: String,
    /// Size in bytes.
    #[ts(type = "number")]
    pub size: u64,
}

impl ChosenFile {
    /// The file at `path`, which must exist.
    pub fn of(path: &Path) -> Result<ChosenFile> {
        let size = std::fs::metadata(path)
            .map_err(|e| crate::files::io_error(path, e, "đọc"))?
            .len();
        Ok(ChosenFile {
            name: ChosenFile::name_of(path),
            size,
        })
    }

    pub(crate) fn name_of(path: &Path) -> String {
        path.file_name()
            .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
    }
}

/// Which register a file feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Register {
    Units,
    Documents,
}

/// What happens to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RowAction {
    /// A new record.
    Add,
    /// Already in the register with the same values.
    Unchanged,
    /// Refused: see the issues of this row.
    Error,
}

/// The outcome of one data row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RowOutcome {
    pub row: u32,
    /// Unit code or document symbol.
    pub key: String,
    pub name: String,
    pub action: RowAction,
}

/// The preview (or the result) of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub file: String,
    pub register: Register,
    pub rows: Vec<RowOutcome>,
    /// Errors and warnings, each at file:row:column.
    pub issues: Vec<Issue>,
    /// Unit kinds the import creates.
    pub new_kinds: Vec<String>,
    /// True when the rows were written (not a dry run, no error).
    pub written: bool,
}

impl ImportReport {
    pub fn error_count(&self) -> usize {
        self.issues.iter().filter(|i| !i.warning).count()
    }

    pub fn is_ok(&self) -> bool {
        self.error_count() == 0
    }

    fn count(&self, action: RowAction) -> usize {
        self.rows.iter().filter(|r| r.action == action).count()
    }

    /// One Vietnamese sentence for the user.
    pub fn summary(&self, dry_run: bool) -> String {
        let (added, same) = (self.count(RowAction::Add), self.count(RowAction::Unchanged));
        if !self.is_ok() {
            return format!("{}: {} lỗi; không ghi dòng nào.", self.file, self.error_count());
        }
        if added == 0 {
            return format!("{}: không có gì thay đổi — {same} dòng đã có trong sổ.", self.file);
        }
        let verb = if dry_run { "sẽ thêm" } else { "đã thêm" };
        let mut s = format!("{}: {verb} {added} dòng, {same} dòng đã có.", self.file);
        if !self.new_kinds.is_empty() {
            s.push_str(&format!(" Loại đơn vị mới: {}.", self.new_kinds.join(", ")));
        }
        s
    }
}

//! Reorganisation plans: a whole official reorganisation (the mapping table
//! of old units to their successors, CSV or XLSX) applied in one step, on
//! one date, with one reason.
//!
//! - this file: what a plan says back (`PlanReport`: every row's outcome,
//!   every issue at file:row:column, the counts, the open receipts that
//!   change hands), the `Store` API, and the apply: one transaction that
//!   runs the single reorganisations (`reorganise`) and adds the new units
//!   (`insert_unit`) in the order found, or nothing at all;
//! - `rows`: each row read on its own;
//! - `check`: the rows checked whole, turned into steps;
//! - `outcome`: the counts, the receipts changing hands, each row's sentence;
//! - `order`: the order in which the steps can run, found on the tree in
//!   memory (and what can never run: cycles, orphans).

mod check;
mod order;
mod outcome;
mod rows;

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{insert_unit, reorganise};
use crate::db::{Actor, Dao, Store};
use crate::error::{Error, Result};
use crate::model::{Change, NewUnit, Reorganisation, Unit};
use crate::tabular::{self, Columns, Field, Issue, Table};
use crate::text;

use check::Step;
use order::Op;

/// The columns of a plan (English or Vietnamese headers).
pub const PLAN_FIELDS: &[Field] = &[
    Field {
        name: "old_code",
        aliases: &["Mã cũ", "Mã đơn vị cũ"],
        required: true,
    },
    Field {
        name: "new_code",
        aliases: &["Mã mới", "Mã đơn vị mới"],
        required: true,
    },
    Field {
        name: "new_name",
        aliases: &["Tên mới", "Tên đơn vị mới"],
        required: false,
    },
    Field {
        name: "new_parent",
        aliases: &["Mã cấp trên mới", "Cấp trên mới"],
        required: false,
    },
    Field {
        name: "new_kind",
        aliases: &["Loại mới", "Loại đơn vị mới"],
        required: false,
    },
    Field {
        name: "primary",
        aliases: &["Chính", "Đơn vị chính"],
        required: false,
    },
];

/// The headers of a plan template (Vietnamese; a plan accepts them).
pub const PLAN_HEADERS: &[&str] = &["Mã cũ", "Mã mới", "Tên mới", "Mã cấp trên mới", "Loại mới", "Chính"];

/// What becomes of the old unit of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PlanAction {
    /// Merged into the row's new unit (with the other old units naming it).
    Merge,
    /// Split: the row's new unit is one of several successors.
    Split,
    /// Stays, renamed and/or moved (or unchanged), the new code its own.
    InPlace,
    /// Closed without successor.
    Close,
    /// Refused: see the issues of this row.
    Error,
}

/// The outcome of one row of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanRow {
    pub row: u32,
    pub old_code: String,
    pub new_code: Option<String>,
    pub action: PlanAction,
    /// True when the new unit does not exist yet and the plan adds it.
    pub creates: bool,
    /// A Vietnamese sentence: "Sáp nhập «XA» vào «XN» (đơn vị mới)".
    pub summary: String,
}

/// How many of each change a plan makes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanCounts {
    /// New units, opened on the plan's date.
    pub created: u32,
    /// Old units merged into another.
    pub merged: u32,
    /// Old units split into several.
    pub split: u32,
    pub renamed: u32,
    /// Units moved under another parent by a row of the plan.
    pub moved: u32,
    /// Old units closed without successor.
    pub closed: u32,
    /// Units that pass, with their closed parent, to its (primary) successor.
    pub children_moved: u32,
    /// Open receipts that pass to a successor.
    pub receipts: u32,
}

/// Open receipts of an old unit that pass to its (primary) successor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Handover {
    pub from: String,
    pub to: String,
    pub receipts: u32,
}

/// The check (or the result) of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanReport {
    pub file: String,
    pub on: NaiveDate,
    pub reason: Option<String>,
    pub rows: Vec<PlanRow>,
    /// Errors and warnings, each at file:row:column.
    pub issues: Vec<Issue>,
    pub counts: PlanCounts,
    /// Open receipts changing hands, old unit by old unit.
    pub handovers: Vec<Handover>,
    /// True when the plan was applied (not a dry run, no error).
    pub written: bool,
    /// The tree from the plan's date on, as the plan would leave it: given
    /// by a check without errors made for the window (`reorganise_plan_chosen`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub after: Option<Vec<Unit>>,
}

impl PlanReport {
    pub fn error_count(&self) -> usize {
        self.issues.iter().filter(|i| !i.warning).count()
    }

    pub fn is_ok(&self) -> bool {
        self.error_count() == 0
    }

    /// The report in Vietnamese, one line per figure.
    pub fn summary(&self, dry_run: bool) -> String {
        if !self.is_ok() {
            return format!("{}: {} lỗi; không thay đổi gì.", self.file, self.error_count());
        }
        let n = |v: u32| text::thousands(i64::from(v));
        let c = &self.counts;
        let head = if dry_run {
            "chạy thử, chưa ghi gì; khi áp dụng"
        } else {
            "đã áp dụng"
        };
        let mut s = format!(
            "{}: {head} từ ngày {} ({} dòng):\n",
            self.file,
            crate::dates::vi(self.on),
            n(self.rows.len() as u32)
        );
        for (label, v) in [
            ("Tạo mới", c.created),
            ("Sáp nhập", c.merged),
            ("Chia tách", c.split),
            ("Đổi tên", c.renamed),
            ("Chuyển cấp trên", c.moved),
            ("Giải thể", c.closed),
            ("Đơn vị trực thuộc chuyển theo", c.children_moved),
            ("Phiếu chưa xác nhận chuyển sang đơn vị kế tục", c.receipts),
        ] {
            s.push_str(&format!("  {label}: {}\n", n(v)));
        }
        for h in &self.handovers {
            s.push_str(&format!("    {} → {}: {} phiếu\n", h.from, h.to, n(h.receipts)));
        }
        s.truncate(s.trim_end().len());
        s
    }
}

/// An empty plan with its columns, for users to fill in; CSV or XLSX by the
/// extension of `out`.
pub fn template_bytes(out: &Path) -> Result<Vec<u8>> {
    let ext = out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("xlsx") => tabular::xlsx_bytes("Phương án sắp xếp", PLAN_HEADERS, &[]),
        Some("csv") => {
            let mut bytes = Vec::new();
            tabular::write_csv(&mut bytes, PLAN_HEADERS, &[])?;
            Ok(bytes)
        }
        _ => Err(Error::invalid(
            "out",
            format!("{}: chỉ tạo được tệp .csv hoặc .xlsx", out.display()),
        )),
    }
}

impl Store {
    /// Checks a plan file (CSV or XLSX, by extension) and applies it on
    /// `on` in one transaction, or changes nothing when any row is wrong or
    /// this is a dry run (which runs the whole plan and rolls it back).
    pub fn reorganise_plan(
        &mut self,
        actor: &Actor,
        path: &Path,
        on: NaiveDate,
        reason: Option<String>,
        dry_run: bool,
    ) -> Result<PlanReport> {
        let table = tabular::read_table(path)?;
        self.reorganise_plan_table(actor, &table, on, reason, dry_run)
    }

    /// `reorganise_plan` for a file the user chose in the window; messages
    /// name it by its file name.
    pub fn reorganise_plan_chosen(
        &mut self,
        actor: &Actor,
        path: &Path,
        on: NaiveDate,
        reason: Option<String>,
        dry_run: bool,
    ) -> Result<PlanReport> {
        let table = tabular::read_table_as(path, &crate::import::ChosenFile::name_of(path))?;
        self.plan_table(actor, &table, on, reason, dry_run, dry_run)
    }

    /// `reorganise_plan` for a table already read.
    pub fn reorganise_plan_table(
        &mut self,
        actor: &Actor,
        table: &Table,
        on: NaiveDate,
        reason: Option<String>,
        dry_run: bool,
    ) -> Result<PlanReport> {
        self.plan_table(actor, table, on, reason, dry_run, false)
    }

    /// The plan of `table`; with `tree`, a run without errors also gives
    /// the tree from the date on (before it is rolled back or committed).
    fn plan_table(
        &mut self,
        actor: &Actor,
        table: &Table,
        on: NaiveDate,
        reason: Option<String>,
        dry_run: bool,
        tree: bool,
    ) -> Result<PlanReport> {
        let reason = text::clean_opt(reason.as_deref());
        let mut report = PlanReport {
            file: table.file.clone(),
            on,
            reason: reason.clone(),
            rows: Vec::new(),
            issues: Vec::new(),
            counts: PlanCounts::default(),
            handovers: Vec::new(),
            written: false,
            after: None,
        };
        let (cols, warnings) = match Columns::map(table, PLAN_FIELDS) {
            Ok(found) => found,
            Err(issues) => {
                report.issues = issues;
                return Ok(report);
            }
        };
        let report = self.attempt(actor, |dao| {
            let checked = check::check(dao, table, &cols, on)?;
            report.rows = checked.rows;
            report.issues = warnings;
            report.issues.extend(checked.issues);
            report.counts = checked.counts;
            report.handovers = checked.handovers;
            if !report.is_ok() {
                return Ok((report, false));
            }
            for step in &checked.steps {
                if let Err(e) = run(dao, step, on, reason.as_deref()) {
                    match e {
                        Error::Invalid { message, .. } | Error::Conflict { message, .. } => {
                            report
                                .issues
                                .push(cols.error(&table.rows[step.row], step.field, message));
                            return Ok((report, false));
                        }
                        e => return Err(e),
                    }
                }
            }
            if tree {
                report.after = Some(super::tree_on(dao, on)?);
            }
            report.written = !dry_run;
            Ok((report, !dry_run))
        })?;
        Ok(report)
    }
}

/// Runs one step of a plan through the single reorganisation it stands for.
fn run(dao: &Dao<'_>, step: &Step, on: NaiveDate, reason: Option<&str>) -> Result<()> {
    let change = match &step.op {
        Op::Create { code, parent } => {
            let unit = NewUnit {
                code: code.clone(),
                name: step.name.clone().unwrap_or_default(),
                parent: parent.clone(),
                kind: step.kind.clone(),
                opened_on: Some(on),
                ..NewUnit::default()
            };
            insert_unit(dao, &unit)?;
            return Ok(());
        }
        Op::Rename { code } => Change::Rename {
            code: code.clone(),
            name: step.name.clone().unwrap_or_default(),
            short_name: None,
        },
        Op::Move { code, parent } => Change::Move {
            code: code.clone(),
            parent: Some(parent.clone()),
        },
        Op::Merge { from, into } => Change::Merge {
            from: vec![from.clone()],
            into: into.clone(),
        },
        Op::Split { from, into } => Change::Split {
            from: from.clone(),
            into: into.clone(),
        },
        Op::Close { code } => Change::Close { code: code.clone() },
    };
    reorganise(
        dao,
        &Reorganisation {
            change,
            on,
            reason: reason.map(str::to_owned),
        },
    )
}

#[cfg(test)]
mod tests;

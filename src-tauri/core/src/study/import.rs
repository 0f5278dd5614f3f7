//! Many units' study figures at once from a CSV or XLSX file, as the
//! registers are imported: every row checked with the same rules as one
//! report (each problem at FILE:ROW:COLUMN), and all of them written in one
//! transaction (one log row per unit) only when the whole file holds no
//! error; a dry run checks and writes nothing.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::{Actor, Store};
use crate::error::{Error, Result};
use crate::model::StudyReportInput;
use crate::tabular::{self, Columns, Field, Issue, Table};
use crate::text;

/// The columns of a study figures file (English or Vietnamese headers).
/// Field names are those of `StudyReportInput`, so a refusal of a field
/// names its column.
const FIELDS: &[Field] = &[
    Field {
        name: "unit",
        aliases: &["Mã đơn vị", "Mã", "unit_code"],
        required: true,
    },
    Field {
        name: "members",
        aliases: &["Tổng số đảng viên", "Tổng số", "Đảng viên"],
        required: true,
    },
    Field {
        name: "attended",
        aliases: &["Dự học", "Số dự học", "Tham dự"],
        required: true,
    },
    Field {
        name: "made_up",
        aliases: &["Học bù", "Số học bù"],
        required: false,
    },
    Field {
        name: "absent_excused",
        aliases: &["Vắng có lý do", "absent"],
        required: false,
    },
    Field {
        name: "absent_reason",
        aliases: &["Lý do vắng"],
        required: false,
    },
    Field {
        name: "sessions",
        aliases: &["Số buổi", "Số lớp", "Số buổi học"],
        required: false,
    },
    Field {
        name: "held_on",
        aliases: &["Ngày học", "Ngày học đầu tiên", "held"],
        required: false,
    },
    Field {
        name: "masses",
        aliases: &["Lượt quần chúng", "Quần chúng"],
        required: false,
    },
    Field {
        name: "programme",
        aliases: &["Chương trình hành động", "Số ký hiệu chương trình"],
        required: false,
    },
];

/// The headers a template carries, in the order of `FIELDS`.
pub const TEMPLATE_HEADERS: &[&str] = &[
    "Mã đơn vị",
    "Tổng số đảng viên",
    "Dự học",
    "Học bù",
    "Vắng có lý do",
    "Lý do vắng",
    "Số buổi",
    "Ngày học",
    "Lượt quần chúng",
    "Chương trình hành động",
];

/// What an import of study figures did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StudyImport {
    pub file: String,
    pub campaign: String,
    /// Units whose figures the file holds.
    pub units: u32,
    /// Of those, units that had reported before (their figures replaced).
    pub replaced: u32,
    pub issues: Vec<Issue>,
    /// True when the figures were written (no error, not a dry run).
    pub written: bool,
}

impl StudyImport {
    pub fn is_ok(&self) -> bool {
        self.issues.iter().all(|i| i.warning)
    }
}

/// A whole number cell: empty is `None`; a negative number reaches the
/// rules as one (refused there, naming the column).
fn number(raw: &str) -> std::result::Result<Option<i32>, String> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let n = tabular::parse_count(digits)?;
    let n = i32::try_from(n).map_err(|_| format!("số «{t}» quá lớn"))?;
    Ok(Some(if negative { -n } else { n }))
}

impl Store {
    /// An empty figures file with its columns (and, one per line, the
    /// units that must report), CSV or XLSX by the extension of `out`.
    pub fn study_template_bytes(&self, campaign: &str, out: &Path) -> Result<Vec<u8>> {
        let units: Vec<Vec<tabular::Cell>> = self
            .study_summary(campaign, None)?
            .into_iter()
            .filter(|r| r.level == crate::model::StudyLevel::Unit)
            .map(|r| vec![tabular::Cell::Text(r.unit_code)])
            .collect();
        match out
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("xlsx") => tabular::xlsx_bytes("Học tập", TEMPLATE_HEADERS, &units),
            Some("csv") => {
                let mut bytes = Vec::new();
                tabular::write_csv(&mut bytes, TEMPLATE_HEADERS, &units)?;
                Ok(bytes)
            }
            _ => Err(Error::invalid(
                "out",
                format!("{}: chỉ ghi được tệp .csv hoặc .xlsx", out.display()),
            )),
        }
    }

    /// Imports study figures for `campaign` from a CSV or XLSX file.
    pub fn import_study(&mut self, actor: &Actor, campaign: &str, path: &Path, dry_run: bool) -> Result<StudyImport> {
        let table = tabular::read_table(path)?;
        self.import_study_table(actor, campaign, &table, dry_run)
    }

    /// Imports study figures from a table already read.
    pub fn import_study_table(
        &mut self,
        actor: &Actor,
        campaign: &str,
        table: &Table,
        dry_run: bool,
    ) -> Result<StudyImport> {
        let mut out = StudyImport {
            file: table.file.clone(),
            campaign: text::clean(campaign),
            units: 0,
            replaced: 0,
            issues: Vec::new(),
            written: false,
        };
        let (cols, warnings) = match Columns::map(table, FIELDS) {
            Ok(found) => found,
            Err(issues) => {
                out.issues = issues;
                return Ok(out);
            }
        };
        out.issues = warnings;
        let mut out = self.attempt(actor, |dao| {
            // The campaign first: an unknown one is refused as a whole.
            super::campaign_for(dao, "campaign", campaign)?;
            let mut first: HashMap<String, usize> = HashMap::new();
            for row in &table.rows {
                let mut bad = false;
                let mut error = |field: &str, message: String, issues: &mut Vec<Issue>| {
                    bad = true;
                    issues.push(cols.error(row, field, message));
                };
                let unit = text::clean(cols.get(row, "unit"));
                if unit.is_empty() {
                    error("unit", "Mã đơn vị không được để trống".into(), &mut out.issues);
                } else if let Some(line) = first.get(&unit) {
                    error(
                        "unit",
                        format!("Đơn vị «{unit}» trùng với dòng {line}"),
                        &mut out.issues,
                    );
                } else {
                    first.insert(unit.clone(), row.line);
                }
                let figure = |field: &str, issues: &mut Vec<Issue>| -> Option<i32> {
                    match number(cols.get_opt(row, field).unwrap_or("")) {
                        Ok(n) => n,
                        Err(why) => {
                            issues.push(cols.error(row, field, why));
                            None
                        }
                    }
                };
                let before = out.issues.len();
                let members = figure("members", &mut out.issues);
                let attended = figure("attended", &mut out.issues);
                let made_up = figure("made_up", &mut out.issues);
                let absent_excused = figure("absent_excused", &mut out.issues);
                let sessions = figure("sessions", &mut out.issues);
                let masses = figure("masses", &mut out.issues);
                for (field, value) in [("members", members), ("attended", attended)] {
                    if value.is_none() && out.issues.len() == before {
                        out.issues.push(cols.error(row, field, "Chưa ghi số"));
                    }
                }
                let held_on = match cols.get_opt(row, "held_on").map(str::trim).filter(|s| !s.is_empty()) {
                    None => None,
                    Some(d) => match tabular::parse_date(d) {
                        Ok(d) => Some(d),
                        Err(why) => {
                            out.issues.push(cols.error(row, "held_on", why));
                            None
                        }
                    },
                };
                if bad || out.issues.len() > before {
                    continue;
                }
                let input = StudyReportInput {
                    campaign: campaign.to_owned(),
                    unit,
                    members: members.unwrap_or(0),
                    attended: attended.unwrap_or(0),
                    made_up: made_up.unwrap_or(0),
                    absent_excused: absent_excused.unwrap_or(0),
                    absent_reason: cols.get_opt(row, "absent_reason").map(str::to_owned),
                    sessions,
                    held_on,
                    masses: masses.unwrap_or(0),
                    programme: cols.get_opt(row, "programme").map(str::to_owned),
                };
                // The same rules as one report; a refusal names its column.
                match super::report(dao, &input) {
                    Ok(r) => {
                        out.units += 1;
                        out.replaced += u32::from(r.replaced);
                    }
                    Err(Error::Invalid { field, message }) => out.issues.push(cols.error(row, &field, message)),
                    Err(e) => return Err(e),
                }
            }
            let commit = out.is_ok() && !dry_run && out.units > 0;
            Ok((out, commit))
        })?;
        out.written = out.is_ok() && !dry_run && out.units > 0;
        Ok(out)
    }
}

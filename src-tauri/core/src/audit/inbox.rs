//! Replaying the inbox (what parent offices handed us) against the register:
//! each inbox receipt's status is the one the `inbox.batch` row of the
//! latest packet that brought it lists (its receipts' uid, code and status),
//! until a confirmation or an undo is made here (`inbox.confirm`,
//! `inbox.undo`): from then on the parent's packets no longer set it, as
//! `upsert_inbox_receipt` does. An inbox receipt no row names is reported,
//! unless an `inbox.batch` row from before the states were listed could
//! have brought it.
//!
//! The recalls parent offices sent (`inbox_recall`) likewise: each is the
//! `inbox.recall` rows of the packets that brought it (its code, due day,
//! the copies asked back and those the parent had back), and a copy whose
//! return was recorded here (`inbox.return`) stays brought back whatever a
//! later packet says, as `upsert_inbox_recall` keeps it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;

use serde::Deserialize;

use super::Problem;
use crate::db::Dao;
use crate::error::Result;
use crate::model::ReceiptStatus;
use crate::print::display_code;

struct InboxLog {
    row: i64,
    code: String,
    status: String,
    /// Confirmed or undone here: the parent's packets no longer set it.
    set_here: bool,
}

#[derive(Deserialize)]
struct InboxBatch {
    /// (receipt uid, code, status) of each receipt taken into the inbox.
    states: Option<Vec<(String, String, String)>>,
}

#[derive(Deserialize)]
struct InboxChange {
    code: Option<String>,
    status: Option<String>,
}

/// A recall of the inbox as its log rows leave it.
struct RecallLog {
    /// The latest row that named it.
    row: i64,
    code: String,
    due_on: Option<NaiveDate>,
    /// Each copy asked back: brought back, as the last packet naming it said.
    copies: BTreeMap<u32, bool>,
    /// Copies whose return was recorded here.
    returned_here: BTreeSet<u32>,
}

#[derive(Deserialize)]
struct InboxRecallRow {
    code: String,
    due_on: Option<NaiveDate>,
    #[serde(default)]
    copies: Vec<u32>,
    #[serde(default)]
    returned: Vec<u32>,
}

#[derive(Deserialize)]
struct InboxReturnRow {
    code: String,
    #[serde(default)]
    copies: Vec<u32>,
}

/// What the log says of the inbox, row by row.
#[derive(Default)]
pub(super) struct InboxReplay {
    /// By receipt uid.
    receipts: HashMap<String, InboxLog>,
    /// An `inbox.batch` row without the states of its receipts was seen.
    unlisted: bool,
    /// By recall uid.
    recalls: HashMap<String, RecallLog>,
}

impl InboxReplay {
    /// Takes one `inbox.*` row.
    pub(super) fn feed(
        &mut self,
        row: i64,
        action: &str,
        entity: Option<&str>,
        detail: &str,
    ) -> serde_json::Result<()> {
        match (action, entity) {
            ("inbox.batch", _) => {
                let d: InboxBatch = serde_json::from_str(detail)?;
                let Some(states) = d.states else {
                    self.unlisted = true;
                    return Ok(());
                };
                for (uid, code, status) in states {
                    let e = self.receipts.entry(uid).or_insert(InboxLog {
                        row,
                        code,
                        status: String::new(),
                        set_here: false,
                    });
                    if !e.set_here {
                        e.status = status;
                        e.row = row;
                    }
                }
            }
            ("inbox.confirm" | "inbox.undo", Some(uid)) => {
                let d: InboxChange = serde_json::from_str(detail)?;
                let status = match (action, d.status) {
                    ("inbox.undo", _) => ReceiptStatus::Pending.as_str().to_owned(),
                    (_, Some(s)) => s,
                    (_, None) => ReceiptStatus::Confirmed.as_str().to_owned(),
                };
                let e = self.receipts.entry(uid.to_owned()).or_insert(InboxLog {
                    row,
                    code: d.code.unwrap_or_default(),
                    status: String::new(),
                    set_here: true,
                });
                e.status = status;
                e.set_here = true;
                e.row = row;
            }
            ("inbox.recall", Some(uid)) => {
                let d: InboxRecallRow = serde_json::from_str(detail)?;
                let e = self.recall(uid, row, &d.code);
                e.due_on = d.due_on;
                for n in d.copies {
                    e.copies.insert(n, d.returned.contains(&n));
                }
            }
            ("inbox.return", Some(uid)) => {
                let d: InboxReturnRow = serde_json::from_str(detail)?;
                let e = self.recall(uid, row, &d.code);
                e.returned_here.extend(d.copies);
            }
            _ => {}
        }
        Ok(())
    }

    /// The recall `uid` as replayed so far, now last named at `row`.
    fn recall(&mut self, uid: &str, row: i64, code: &str) -> &mut RecallLog {
        let e = self.recalls.entry(uid.to_owned()).or_insert_with(|| RecallLog {
            row,
            code: code.to_owned(),
            due_on: None,
            copies: BTreeMap::new(),
            returned_here: BTreeSet::new(),
        });
        e.row = row;
        e
    }

    /// Compares the inbox with the replayed log; the first difference.
    pub(super) fn check(mut self, dao: &Dao<'_>) -> Result<Option<Problem>> {
        if let Some(problem) = self.check_recalls(dao)? {
            return Ok(Some(problem));
        }
        let label = |s: &str| ReceiptStatus::parse(s).map_or_else(|| s.to_owned(), |s| s.label().to_owned());
        for r in dao.inbox_states()? {
            let place = format!(
                "phiếu nhận {} trong hộp đến (đợt «{}» cấp trên giao, đơn vị {})",
                display_code(&r.code),
                r.batch,
                r.unit_code
            );
            let Some(log) = self.receipts.remove(&r.uid) else {
                if self.unlisted {
                    continue;
                }
                return Ok(Some(Problem::state(format!(
                    "{place} có trong sổ nhưng nhật ký không ghi gói nào mang phiếu này đến"
                ))));
            };
            if log.status != r.status {
                return Ok(Some(Problem {
                    row: Some(log.row),
                    message: format!(
                        "{place}: trạng thái trong sổ là «{}», nhật ký ghi «{}» (dòng {})",
                        label(&r.status),
                        label(&log.status),
                        log.row
                    ),
                }));
            }
        }
        if let Some(log) = self.receipts.values().min_by_key(|l| l.row) {
            return Ok(Some(Problem::at(
                log.row,
                format!(
                    "nhật ký ghi phiếu nhận {} của hộp đến, nhưng phiếu đó không còn trong sổ",
                    display_code(&log.code)
                ),
            )));
        }
        Ok(None)
    }

    /// The recalls of the inbox against their log rows: each one's code, due
    /// day, copies, and which of them are brought back.
    fn check_recalls(&mut self, dao: &Dao<'_>) -> Result<Option<Problem>> {
        let numbers = |set: &BTreeSet<u32>| {
            if set.is_empty() {
                "không có".to_owned()
            } else {
                set.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
            }
        };
        for r in dao.inbox_recalls()? {
            let place = format!("đợt thu hồi «{}» trong hộp đến (văn bản {})", r.code, r.symbol);
            let Some(log) = self.recalls.remove(&r.uid) else {
                return Ok(Some(Problem::state(format!(
                    "{place} có trong sổ nhưng nhật ký không ghi gói nào mang đợt này đến"
                ))));
            };
            let copies = dao.inbox_recall_copies(&r.uid)?;
            let held: BTreeSet<u32> = copies.iter().map(|c| c.copy.number).collect();
            let back: BTreeSet<u32> = copies
                .iter()
                .filter(|c| c.copy.returned_on.is_some())
                .map(|c| c.copy.number)
                .collect();
            let logged: BTreeSet<u32> = log
                .copies
                .keys()
                .copied()
                .chain(log.returned_here.iter().copied())
                .collect();
            let logged_back: BTreeSet<u32> = log
                .copies
                .iter()
                .filter(|(_, back)| **back)
                .map(|(n, _)| *n)
                .chain(log.returned_here.iter().copied())
                .collect();
            let differs = if log.code != r.code {
                Some(format!("mã trong sổ là «{}», nhật ký ghi «{}»", r.code, log.code))
            } else if log.due_on.is_some_and(|due| due != r.due_on) {
                Some("hạn trong sổ khác hạn nhật ký ghi".to_owned())
            } else if held != logged {
                Some(format!(
                    "bản số trong sổ: {}; nhật ký ghi: {}",
                    numbers(&held),
                    numbers(&logged)
                ))
            } else if back != logged_back {
                Some(format!(
                    "bản số đã thu về trong sổ: {}; nhật ký ghi: {}",
                    numbers(&back),
                    numbers(&logged_back)
                ))
            } else {
                None
            };
            if let Some(why) = differs {
                return Ok(Some(Problem {
                    row: Some(log.row),
                    message: format!("{place}: {why} (dòng {})", log.row),
                }));
            }
        }
        if let Some(log) = self.recalls.values().min_by_key(|l| l.row) {
            return Ok(Some(Problem::at(
                log.row,
                format!(
                    "nhật ký ghi đợt thu hồi «{}» của hộp đến, nhưng đợt đó không còn trong sổ",
                    log.code
                ),
            )));
        }
        Ok(None)
    }
}

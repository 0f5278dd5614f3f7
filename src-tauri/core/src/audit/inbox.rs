//! Replaying the inbox (what parent offices handed us) against the register:
//! each inbox receipt's status is the one the `inbox.batch` row of the
//! latest packet that brought it lists (its receipts' uid, code and status),
//! until a confirmation or an undo is made here (`inbox.confirm`,
//! `inbox.undo`): from then on the parent's packets no longer set it, as
//! `upsert_inbox_receipt` does. An inbox receipt no row names is reported,
//! unless an `inbox.batch` row from before the states were listed could
//! have brought it.

use std::collections::HashMap;

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

/// What the log says of the inbox, row by row.
#[derive(Default)]
pub(super) struct InboxReplay {
    /// By receipt uid.
    receipts: HashMap<String, InboxLog>,
    /// An `inbox.batch` row without the states of its receipts was seen.
    unlisted: bool,
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
            _ => {}
        }
        Ok(())
    }

    /// Compares the inbox with the replayed log; the first difference.
    pub(super) fn check(mut self, dao: &Dao<'_>) -> Result<Option<Problem>> {
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
}

//! Replaying the numbered copies of classified documents against the
//! register: each copy's state is the one its last row of the log left it
//! in — `copies.hand` (out, with the unit it names), `batch.cancel` (back in
//! the office, for the copies still out with that batch), `recall.return`
//! (returned), `copies.destroy` (destroyed) — and a copy no row moved is in
//! the office. A copy marked destroyed, returned or handed to another unit
//! behind the app's back is named.
//!
//! The log names a document by its symbol: when two numbered documents share
//! a symbol (one per committee term), their copies cannot be told apart by
//! the log and are not checked.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use super::Problem;
use crate::db::Dao;
use crate::error::Result;

/// What the log says of one copy: its state, the unit holding it while out,
/// the batch it went out with, and the row that said so.
struct CopyLog {
    row: i64,
    state: &'static str,
    holder: Option<String>,
    batch_uid: Option<String>,
}

#[derive(Deserialize)]
struct Handed {
    copies: Vec<HandedTo>,
}

#[derive(Deserialize)]
struct HandedTo {
    unit: String,
    document: String,
    numbers: Vec<u32>,
}

#[derive(Deserialize)]
struct Moved {
    symbol: String,
    copies: Vec<u32>,
}

/// What the log says of the numbered copies, row by row.
#[derive(Default)]
pub(super) struct CopyReplay {
    /// By (symbol, number).
    copies: HashMap<(String, u32), CopyLog>,
}

fn state_label(state: &str) -> &str {
    match state {
        "in_office" => "ở văn phòng",
        "out" => "đang ở đơn vị",
        "returned" => "đã nộp lại",
        "destroyed" => "đã tiêu hủy",
        other => other,
    }
}

impl CopyReplay {
    /// Takes one row of the log (its hash already checked).
    pub(super) fn feed(
        &mut self,
        row: i64,
        action: &str,
        entity: Option<&str>,
        detail: &str,
    ) -> serde_json::Result<()> {
        match action {
            "copies.hand" => {
                let d: Handed = serde_json::from_str(detail)?;
                for to in d.copies {
                    for n in to.numbers {
                        self.copies.insert(
                            (to.document.clone(), n),
                            CopyLog {
                                row,
                                state: "out",
                                holder: Some(to.unit.clone()),
                                batch_uid: entity.map(str::to_owned),
                            },
                        );
                    }
                }
            }
            "batch.cancel" => {
                for c in self.copies.values_mut() {
                    if c.state == "out" && c.batch_uid.is_some() && c.batch_uid.as_deref() == entity {
                        *c = CopyLog {
                            row,
                            state: "in_office",
                            holder: None,
                            batch_uid: None,
                        };
                    }
                }
            }
            "recall.return" | "copies.destroy" => {
                let d: Moved = serde_json::from_str(detail)?;
                let state = if action == "recall.return" {
                    "returned"
                } else {
                    "destroyed"
                };
                for n in d.copies {
                    self.copies.insert(
                        (d.symbol.clone(), n),
                        CopyLog {
                            row,
                            state,
                            holder: None,
                            batch_uid: None,
                        },
                    );
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Compares the copies in the register with the replayed log; the first difference.
    pub(super) fn check(mut self, dao: &Dao<'_>) -> Result<Option<Problem>> {
        let copies = dao.copy_states()?;
        let mut documents: HashMap<&str, HashSet<i64>> = HashMap::new();
        for c in &copies {
            documents.entry(c.symbol.as_str()).or_default().insert(c.document_id);
        }
        for c in &copies {
            if documents.get(c.symbol.as_str()).is_some_and(|ids| ids.len() > 1) {
                continue;
            }
            let log = self.copies.remove(&(c.symbol.clone(), c.number));
            let (want, holder, row) = match &log {
                Some(l) => (l.state, l.holder.as_deref(), Some(l.row)),
                None => ("in_office", None, None),
            };
            let what = format!("bản số {:02} của văn bản {}", c.number, c.symbol);
            let problem = |message: String| match row {
                Some(row) => Problem::at(row, message),
                None => Problem::state(message),
            };
            if c.state != want {
                let logged = match row {
                    Some(_) => format!("nhật ký ghi {}", state_label(want)),
                    None => "nhật ký không ghi việc nào chuyển bản này".to_owned(),
                };
                return Ok(Some(problem(format!(
                    "{what}: trong sổ {}, {logged}",
                    state_label(&c.state)
                ))));
            }
            if want == "out" && c.holder.as_deref() != holder {
                return Ok(Some(problem(format!(
                    "{what}: trong sổ đang ở đơn vị {}, nhật ký ghi giao cho {}",
                    c.holder.as_deref().unwrap_or("?"),
                    holder.unwrap_or("?")
                ))));
            }
        }
        let shared: HashSet<&str> = documents
            .iter()
            .filter(|(_, ids)| ids.len() > 1)
            .map(|(s, _)| *s)
            .collect();
        let missing = self
            .copies
            .iter()
            .filter(|((symbol, _), _)| !shared.contains(symbol.as_str()))
            .min_by_key(|(_, l)| l.row);
        if let Some(((symbol, n), l)) = missing {
            return Ok(Some(Problem::at(
                l.row,
                format!("nhật ký ghi bản số {n:02} của văn bản {symbol}, nhưng bản đó không có trong sổ"),
            )));
        }
        Ok(None)
    }
}

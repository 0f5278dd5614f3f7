//! Queries of recalls between offices: at the parent, the recalls that go
//! down to a child office (with the copies its subtree holds); at the
//! child, the recalls it was sent (`inbox_recall`) and the returns recorded
//! there, which go up.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::copies::{recall_row, RecallRow, RECALL_COLUMNS};
use super::{now_utc, Dao};
use crate::error::Result;

/// One copy a recall asks back: its number, the unit holding it, and when
/// it came back (as the office that says it knows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RecalledCopy {
    pub number: u32,
    pub unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned_by: Option<String>,
}

/// A recall a parent office sent, as kept here.
pub(crate) struct InboxRecall {
    pub uid: String,
    pub origin: String,
    pub code: String,
    pub symbol: String,
    pub made_on: NaiveDate,
    pub due_on: NaiveDate,
    pub reason: String,
    pub from_name: String,
}

/// A copy of an inbox recall, with whether its return was recorded here.
pub(crate) struct InboxRecallCopy {
    pub copy: RecalledCopy,
    pub set_here: bool,
}

const INBOX_RECALL: &str = "SELECT uid, origin, code, symbol, made_on, due_on, reason, from_name FROM inbox_recall";

fn inbox_recall(r: &rusqlite::Row<'_>) -> rusqlite::Result<InboxRecall> {
    Ok(InboxRecall {
        uid: r.get(0)?,
        origin: r.get(1)?,
        code: r.get(2)?,
        symbol: r.get(3)?,
        made_on: r.get(4)?,
        due_on: r.get(5)?,
        reason: r.get(6)?,
        from_name: r.get(7)?,
    })
}

impl Dao<'_> {
    /// Ids of the recalls asking a copy back from a unit among `units` (a
    /// JSON array of codes).
    pub(crate) fn recalls_for_units(&self, units: &str) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT rc.recall_id FROM recall_copy rc JOIN receipt r ON r.id = rc.receipt_id
             JOIN unit u ON u.id = r.unit_id
             WHERE u.code IN (SELECT value FROM json_each(?1)) ORDER BY rc.recall_id",
        )?;
        let rows = stmt
            .query_map([units], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Ids of the recalls made or brought back here between the audit rows
    /// `cursor` and `last`.
    pub(crate) fn recalls_logged_between(&self, cursor: i64, last: i64) -> Result<Vec<i64>> {
        let mut ids = self.ids_logged_between(
            "SELECT id FROM recall WHERE uid = ?1",
            cursor,
            last,
            &["recall.create", "recall.return"],
        )?;
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    /// A recall with the copies it asks back from units among `units`.
    pub(crate) fn recall_meta(&self, id: i64, units: &str) -> Result<Option<(RecallRow, Vec<RecalledCopy>)>> {
        let Some(row) = self
            .conn
            .query_row(&format!("{RECALL_COLUMNS} WHERE rc.id = ?1"), [id], recall_row)
            .optional()?
        else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT rc.number, u.code, rc.returned_on, rc.returned_by
             FROM recall_copy rc JOIN receipt r ON r.id = rc.receipt_id JOIN unit u ON u.id = r.unit_id
             WHERE rc.recall_id = ?1 AND u.code IN (SELECT value FROM json_each(?2)) ORDER BY rc.number",
        )?;
        let copies = stmt
            .query_map(params![id, units], |r| {
                Ok(RecalledCopy {
                    number: r.get(0)?,
                    unit: r.get(1)?,
                    returned_on: r.get(2)?,
                    returned_by: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some((row, copies)))
    }

    /// Our recall with this uid.
    pub(crate) fn recall_by_uid(&self, uid: &str) -> Result<Option<RecallRow>> {
        Ok(self
            .conn
            .query_row(&format!("{RECALL_COLUMNS} WHERE rc.uid = ?1"), [uid], recall_row)
            .optional()?)
    }

    /// Keeps a recall the parent `origin` sent, and its copies as it says:
    /// a copy whose return was recorded here keeps that record.
    pub(crate) fn upsert_inbox_recall(&self, r: &InboxRecall, copies: &[RecalledCopy]) -> Result<()> {
        self.conn.execute(
            "INSERT INTO inbox_recall (uid, origin, code, symbol, made_on, due_on, reason, from_name, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (uid) DO UPDATE SET due_on = excluded.due_on, reason = excluded.reason",
            params![
                r.uid,
                r.origin,
                r.code,
                r.symbol,
                r.made_on,
                r.due_on,
                r.reason,
                r.from_name,
                now_utc()
            ],
        )?;
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO inbox_recall_copy (recall_uid, number, unit_code, returned_on, returned_by)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (recall_uid, number) DO UPDATE SET unit_code = excluded.unit_code,
                 returned_on = CASE WHEN set_here = 1 THEN returned_on ELSE excluded.returned_on END,
                 returned_by = CASE WHEN set_here = 1 THEN returned_by ELSE excluded.returned_by END",
        )?;
        for c in copies {
            stmt.execute(params![r.uid, c.number, c.unit, c.returned_on, c.returned_by])?;
        }
        Ok(())
    }

    /// The recall a parent sent with this code (the latest, if two parents
    /// used the same code).
    pub(crate) fn inbox_recall_by_code(&self, code: &str) -> Result<Option<InboxRecall>> {
        Ok(self
            .conn
            .query_row(
                &format!("{INBOX_RECALL} WHERE code = ?1 ORDER BY received_at DESC LIMIT 1"),
                [code],
                inbox_recall,
            )
            .optional()?)
    }

    /// Every recall parents sent, the latest due first.
    pub(crate) fn inbox_recalls(&self) -> Result<Vec<InboxRecall>> {
        let mut stmt = self
            .conn
            .prepare(&format!("{INBOX_RECALL} ORDER BY due_on DESC, code"))?;
        let rows = stmt.query_map([], inbox_recall)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The copies of an inbox recall, by number.
    pub(crate) fn inbox_recall_copies(&self, uid: &str) -> Result<Vec<InboxRecallCopy>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT number, unit_code, returned_on, returned_by, set_here FROM inbox_recall_copy
             WHERE recall_uid = ?1 ORDER BY number",
        )?;
        let rows = stmt
            .query_map([uid], |r| {
                Ok(InboxRecallCopy {
                    copy: RecalledCopy {
                        number: r.get(0)?,
                        unit: r.get(1)?,
                        returned_on: r.get(2)?,
                        returned_by: r.get(3)?,
                    },
                    set_here: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Records here a copy of an inbox recall brought back.
    pub(crate) fn set_inbox_return(&self, uid: &str, number: u32, on: NaiveDate, by: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE inbox_recall_copy SET returned_on = ?3, returned_by = ?4, set_here = 1
             WHERE recall_uid = ?1 AND number = ?2",
            params![uid, number, on, by],
        )?;
        Ok(())
    }

    /// Uids of the recalls `origin` sent with a return recorded here.
    pub(crate) fn inbox_recalls_returned_here(&self, origin: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT r.uid FROM inbox_recall r JOIN inbox_recall_copy c ON c.recall_uid = r.uid
             WHERE r.origin = ?1 AND c.set_here = 1 ORDER BY r.uid",
        )?;
        let rows = stmt
            .query_map([origin], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

//! The tables of numbered copies of classified documents: `doc_copy` (each
//! copy's state now), `receipt_copy` (which copies went with which
//! receipt), `recall` and `recall_copy`, `destruction`. Which copies may be
//! handed, returned or destroyed is a rule of `crate::copies`,
//! `crate::recalls` and `crate::destruction`.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};

use super::stored::stored;
use super::{new_uid, now_utc, Dao};
use crate::error::{Error, Result};
use crate::model::{BoardMember, Classification, CopyEvent, CopyEventKind, CopyRow, CopyState, HeldCopy};

/// A copy state as stored; nothing else is read as one.
fn copy_state(s: &str) -> Option<CopyState> {
    CopyState::ALL.into_iter().find(|c| c.as_str() == s)
}

/// A JSON array of copy numbers in column `i` (from `json_group_array`).
pub(crate) fn numbers_json(r: &Row<'_>, i: usize) -> rusqlite::Result<Vec<u32>> {
    let text: Option<String> = r.get(i)?;
    match text {
        None => Ok(Vec::new()),
        Some(t) => serde_json::from_str(&t)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))),
    }
}

/// A recall as stored.
pub(crate) struct RecallRow {
    pub id: i64,
    pub uid: String,
    pub code: String,
    pub document_id: i64,
    pub symbol: String,
    pub batch: Option<String>,
    pub made_on: NaiveDate,
    pub due_on: NaiveDate,
    pub reason: String,
}

/// A copy a recall asks back: who held it, and whether it came back.
pub(crate) struct RecallCopy {
    pub number: u32,
    pub receipt_id: i64,
    pub unit_code: String,
    pub returned_on: Option<NaiveDate>,
    /// The copy is still out with the receipt the recall found it with.
    pub still_out: bool,
}

/// A copy a recall still waits for on a day, for the outstanding list.
pub(crate) struct OpenRecallCopy {
    pub code: String,
    pub document_id: i64,
    pub symbol: String,
    pub reason: String,
    pub made_on: NaiveDate,
    pub due_on: NaiveDate,
    pub unit_id: i64,
    pub number: u32,
}

pub(super) const RECALL_COLUMNS: &str =
    "SELECT rc.id, rc.uid, rc.code, rc.document_id, d.symbol, b.code AS batch, rc.made_on,
        rc.due_on, rc.reason FROM recall rc JOIN document d ON d.id = rc.document_id
        LEFT JOIN batch b ON b.id = rc.batch_id";

pub(super) fn recall_row(r: &Row<'_>) -> rusqlite::Result<RecallRow> {
    Ok(RecallRow {
        id: r.get("id")?,
        uid: r.get("uid")?,
        code: r.get("code")?,
        document_id: r.get("document_id")?,
        symbol: r.get("symbol")?,
        batch: r.get("batch")?,
        made_on: r.get("made_on")?,
        due_on: r.get("due_on")?,
        reason: r.get("reason")?,
    })
}

impl Dao<'_> {
    /// Registers copies `numbers` of a document, in the office since `day`.
    pub(crate) fn insert_copies(&self, document_id: i64, numbers: &[u32], day: NaiveDate) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO doc_copy (document_id, number, state, since) VALUES (?1, ?2, 'in_office', ?3)",
        )?;
        for n in numbers {
            stmt.execute(params![document_id, n, day])?;
        }
        Ok(())
    }

    /// Adds `n` to the copies a document was received with.
    pub(crate) fn add_copies_received(&self, document_id: i64, n: u32) -> Result<()> {
        self.conn.execute(
            "UPDATE document SET copies_received = copies_received + ?1 WHERE id = ?2",
            params![n, document_id],
        )?;
        Ok(())
    }

    /// True when the document is kept by numbered copy.
    pub(crate) fn has_numbered_copies(&self, document_id: i64) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM doc_copy WHERE document_id = ?1)",
            [document_id],
            |r| r.get(0),
        )?)
    }

    /// Every copy of a document, by number, with its holder and batch.
    pub(crate) fn copies_of(&self, document_id: i64) -> Result<Vec<CopyRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.number, c.state, c.since, u.code AS unit_code, b.code AS batch
             FROM doc_copy c LEFT JOIN receipt r ON r.id = c.receipt_id
             LEFT JOIN unit u ON u.id = r.unit_id LEFT JOIN batch b ON b.id = r.batch_id
             WHERE c.document_id = ?1 ORDER BY c.number",
        )?;
        let rows = stmt
            .query_map([document_id], |r| {
                let number: u32 = r.get("number")?;
                let state = stored(r, "doc_copy", "state", i64::from(number), copy_state)?;
                Ok(CopyRow {
                    copy: number,
                    state,
                    holder: (state == CopyState::Out).then(|| r.get("unit_code")).transpose()?,
                    batch: match state {
                        CopyState::Out | CopyState::Returned => r.get("batch")?,
                        _ => None,
                    },
                    since: r.get("since")?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Hands copies `numbers` out with a receipt on `day`.
    pub(crate) fn hand_copies(&self, receipt_id: i64, document_id: i64, numbers: &[u32], day: NaiveDate) -> Result<()> {
        let mut out = self.conn.prepare_cached(
            "UPDATE doc_copy SET state = 'out', receipt_id = ?1, since = ?2
             WHERE document_id = ?3 AND number = ?4 AND state IN ('in_office', 'returned')",
        )?;
        let mut line = self
            .conn
            .prepare_cached("INSERT INTO receipt_copy (receipt_id, document_id, number) VALUES (?1, ?2, ?3)")?;
        for n in numbers {
            if out.execute(params![receipt_id, day, document_id, n])? != 1 {
                return Err(Error::conflict(
                    "copy_numbers",
                    format!("Bản số {n:02} không còn ở văn phòng"),
                ));
            }
            line.execute(params![receipt_id, document_id, n])?;
        }
        Ok(())
    }

    /// The receipt of each unit in a batch (unit id → receipt id).
    pub(crate) fn receipts_by_unit(&self, batch_uid: &str) -> Result<std::collections::HashMap<i64, i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.unit_id, r.id FROM receipt r JOIN batch b ON b.id = r.batch_id WHERE b.uid = ?1",
        )?;
        let map = stmt
            .query_map([batch_uid], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(map)
    }

    /// Copy numbers of a document handed with a receipt.
    pub(crate) fn receipt_copies(&self, receipt_id: i64, document_id: i64) -> Result<Vec<u32>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT number FROM receipt_copy WHERE receipt_id = ?1 AND document_id = ?2 ORDER BY number",
        )?;
        let n = stmt
            .query_map(params![receipt_id, document_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(n)
    }

    /// Records which copies of a receipt arrived (`None`: not recorded).
    pub(crate) fn set_arrived(&self, receipt_id: i64, document_id: i64, arrived: Option<&[u32]>) -> Result<()> {
        let json = arrived.map(|a| serde_json::json!(a).to_string());
        self.conn.execute(
            "UPDATE receipt_copy SET arrived = CASE WHEN ?3 IS NULL THEN NULL
                 ELSE number IN (SELECT value FROM json_each(?3)) END
             WHERE receipt_id = ?1 AND document_id = ?2",
            params![receipt_id, document_id, json],
        )?;
        Ok(())
    }

    /// Forgets which copies of a receipt arrived (its confirmation undone).
    pub(crate) fn clear_arrived(&self, receipt_id: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE receipt_copy SET arrived = NULL WHERE receipt_id = ?1",
            [receipt_id],
        )?;
        Ok(())
    }

    /// Puts the copies out with a cancelled batch back in the office;
    /// returns how many.
    pub(crate) fn release_batch_copies(&self, batch_id: i64, day: NaiveDate) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE doc_copy SET state = 'in_office', since = ?2
             WHERE state = 'out' AND receipt_id IN (SELECT id FROM receipt WHERE batch_id = ?1)",
            params![batch_id, day],
        )?)
    }

    /// Copies of a document out now (number, receipt id), only those of a
    /// batch when given.
    pub(crate) fn copies_out(&self, document_id: i64, batch_id: Option<i64>) -> Result<Vec<(u32, i64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.number, c.receipt_id FROM doc_copy c JOIN receipt r ON r.id = c.receipt_id
             WHERE c.document_id = ?1 AND c.state = 'out' AND (?2 IS NULL OR r.batch_id = ?2) ORDER BY c.number",
        )?;
        let rows = stmt
            .query_map(params![document_id, batch_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// True when a recall already has this code.
    pub(crate) fn recall_code_taken(&self, code: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM recall WHERE code = ?1)", [code], |r| {
                r.get(0)
            })?)
    }

    /// Writes a recall and the copies it asks back; returns its uid.
    pub(crate) fn insert_recall(&self, r: &RecallRow, batch_id: Option<i64>, copies: &[(u32, i64)]) -> Result<String> {
        let uid = new_uid();
        self.conn.execute(
            "INSERT INTO recall (uid, code, document_id, batch_id, made_on, due_on, reason, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                uid,
                r.code,
                r.document_id,
                batch_id,
                r.made_on,
                r.due_on,
                r.reason,
                now_utc()
            ],
        )?;
        let id = self.conn.last_insert_rowid();
        let mut stmt = self
            .conn
            .prepare_cached("INSERT INTO recall_copy (recall_id, number, receipt_id) VALUES (?1, ?2, ?3)")?;
        for (n, receipt) in copies {
            stmt.execute(params![id, n, receipt])?;
        }
        Ok(uid)
    }

    /// The recall with this code, or `NotFound`.
    pub(crate) fn recall_by_code(&self, code: &str) -> Result<RecallRow> {
        self.conn
            .query_row(&format!("{RECALL_COLUMNS} WHERE rc.code = ?1"), [code], recall_row)
            .optional()?
            .ok_or_else(|| Error::not_found("Đợt thu hồi", code))
    }

    /// Every recall, newest first.
    pub(crate) fn recalls(&self) -> Result<Vec<RecallRow>> {
        let mut stmt = self
            .conn
            .prepare(&format!("{RECALL_COLUMNS} ORDER BY rc.made_on DESC, rc.id DESC"))?;
        let rows = stmt.query_map([], recall_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The copies a recall asks back, by number.
    pub(crate) fn recall_copies(&self, recall_id: i64, document_id: i64) -> Result<Vec<RecallCopy>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT rc.number, rc.receipt_id, u.code, rc.returned_on,
                    (c.state = 'out' AND c.receipt_id = rc.receipt_id) AS still_out
             FROM recall_copy rc JOIN receipt r ON r.id = rc.receipt_id JOIN unit u ON u.id = r.unit_id
             JOIN doc_copy c ON c.document_id = ?2 AND c.number = rc.number
             WHERE rc.recall_id = ?1 ORDER BY rc.number",
        )?;
        let rows = stmt
            .query_map(params![recall_id, document_id], |r| {
                Ok(RecallCopy {
                    number: r.get(0)?,
                    receipt_id: r.get(1)?,
                    unit_code: r.get(2)?,
                    returned_on: r.get(3)?,
                    still_out: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Records a copy back in the office for a recall.
    pub(crate) fn return_copy(&self, recall: &RecallRow, number: u32, on: NaiveDate, by: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE recall_copy SET returned_on = ?3, returned_by = ?4 WHERE recall_id = ?1 AND number = ?2",
            params![recall.id, number, on, by],
        )?;
        self.conn.execute(
            "UPDATE doc_copy SET state = 'returned', since = ?3 WHERE document_id = ?1 AND number = ?2",
            params![recall.document_id, number, on],
        )?;
        Ok(())
    }

    /// Copies recalls still waited for on `day` (made by then, not back by
    /// then and still out with the unit), of the recalls `codes` (a JSON
    /// array) or of all.
    pub(crate) fn open_recall_copies(&self, day: NaiveDate, codes: Option<&str>) -> Result<Vec<OpenRecallCopy>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT rc.code, d.symbol, rc.reason, rc.made_on, rc.due_on, r.unit_id, x.number, rc.document_id
             FROM recall rc JOIN recall_copy x ON x.recall_id = rc.id
             JOIN receipt r ON r.id = x.receipt_id JOIN document d ON d.id = rc.document_id
             JOIN doc_copy c ON c.document_id = rc.document_id AND c.number = x.number
             WHERE rc.made_on <= ?1
               AND ((x.returned_on IS NULL AND c.state = 'out' AND c.receipt_id = x.receipt_id)
                    OR x.returned_on > ?1)
               AND (?2 IS NULL OR rc.code IN (SELECT value FROM json_each(?2)))
             ORDER BY rc.code, r.unit_id, x.number",
        )?;
        let rows = stmt
            .query_map(params![day, codes], |r| {
                Ok(OpenRecallCopy {
                    code: r.get(0)?,
                    symbol: r.get(1)?,
                    reason: r.get(2)?,
                    made_on: r.get(3)?,
                    due_on: r.get(4)?,
                    unit_id: r.get(5)?,
                    number: r.get(6)?,
                    document_id: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Writes a destruction record and marks its copies destroyed; returns its uid.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn insert_destruction(
        &self,
        document_id: i64,
        numbers: &[u32],
        decision: &str,
        on: NaiveDate,
        place: Option<&str>,
        method: &str,
        members: &[BoardMember],
    ) -> Result<String> {
        let uid = new_uid();
        self.conn.execute(
            "INSERT INTO destruction (uid, document_id, decision, done_on, place, method, members, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                uid,
                document_id,
                decision,
                on,
                place,
                method,
                serde_json::to_string(members)?,
                now_utc()
            ],
        )?;
        let id = self.conn.last_insert_rowid();
        let mut stmt = self.conn.prepare_cached(
            "UPDATE doc_copy SET state = 'destroyed', destruction_id = ?1, since = ?2
             WHERE document_id = ?3 AND number = ?4 AND state IN ('in_office', 'returned')",
        )?;
        for n in numbers {
            if stmt.execute(params![id, on, document_id, n])? != 1 {
                return Err(Error::conflict(
                    "copies",
                    format!("Bản số {n:02} không còn ở văn phòng"),
                ));
            }
        }
        Ok(uid)
    }

    /// The classified copies a unit holds now.
    pub(crate) fn copies_held(&self, unit_id: i64) -> Result<Vec<HeldCopy>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.id, d.symbol, d.classification, c.number, b.code, c.since
             FROM batch b CROSS JOIN receipt r ON r.batch_id = b.id AND r.unit_id = ?1
             JOIN doc_copy c ON c.receipt_id = r.id JOIN document d ON d.id = c.document_id
             WHERE c.state = 'out' ORDER BY d.symbol, c.number",
        )?;
        let rows = stmt
            .query_map([unit_id], |r| {
                Ok(HeldCopy {
                    symbol: r.get(1)?,
                    classification: stored(
                        r,
                        "document",
                        "classification",
                        r.get(0)?,
                        super::documents::classification,
                    )?,
                    copy: r.get(3)?,
                    batch: r.get(4)?,
                    since: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

impl Dao<'_> {
    /// The uid of a receipt.
    pub(crate) fn receipt_uid(&self, receipt_id: i64) -> Result<String> {
        Ok(self
            .conn
            .query_row("SELECT uid FROM receipt WHERE id = ?1", [receipt_id], |r| {
                Ok(super::uid::uid_of(r.get_ref(0)?))
            })?)
    }
}

/// Every movement of the numbered copies between two days (inclusive), by
/// document symbol, then day, then handed before returned before destroyed.
const EVENTS: &str = "
    SELECT b.handed_on AS day, 'handed' AS kind, 0 AS k, d.id AS doc, d.symbol, d.classification,
           json_group_array(c.number) AS numbers, u.code AS unit_code,
           (SELECT v.name FROM unit_version v WHERE v.unit_id = u.id AND v.valid_from <= b.handed_on
            ORDER BY v.valid_from DESC LIMIT 1) AS unit_name,
           b.code AS reference, r.signed_by AS person
    FROM receipt_copy c
    JOIN receipt r ON r.id = c.receipt_id
    JOIN batch b ON b.id = r.batch_id
    JOIN document d ON d.id = c.document_id
    JOIN unit u ON u.id = r.unit_id
    WHERE b.cancelled_at IS NULL AND b.handed_on BETWEEN ?1 AND ?2
    GROUP BY r.id, d.id
    UNION ALL
    SELECT rc.returned_on, 'returned', 1, d.id, d.symbol, d.classification,
           json_group_array(rc.number), u.code,
           (SELECT v.name FROM unit_version v WHERE v.unit_id = u.id AND v.valid_from <= rc.returned_on
            ORDER BY v.valid_from DESC LIMIT 1),
           k.code, rc.returned_by
    FROM recall_copy rc
    JOIN recall k ON k.id = rc.recall_id
    JOIN document d ON d.id = k.document_id
    JOIN receipt r ON r.id = rc.receipt_id
    JOIN unit u ON u.id = r.unit_id
    WHERE rc.returned_on BETWEEN ?1 AND ?2
    GROUP BY k.id, r.id, rc.returned_on, rc.returned_by
    UNION ALL
    SELECT x.done_on, 'destroyed', 2, d.id, d.symbol, d.classification,
           json_group_array(c.number), NULL, NULL, x.decision, NULL
    FROM doc_copy c
    JOIN destruction x ON x.id = c.destruction_id
    JOIN document d ON d.id = c.document_id
    WHERE x.done_on BETWEEN ?1 AND ?2
    GROUP BY x.id
    ORDER BY symbol, doc, day, k, unit_code";

impl Dao<'_> {
    /// The copy register's lines between two days (inclusive).
    pub(crate) fn copy_events(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<CopyEvent>> {
        let mut stmt = self.conn.prepare_cached(EVENTS)?;
        let mut rows = stmt.query(params![from, to])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let kind: String = r.get("kind")?;
            let classification: String = r.get("classification")?;
            let mut numbers = numbers_json(r, 6)?;
            numbers.sort_unstable();
            out.push(CopyEvent {
                on: r.get("day")?,
                symbol: r.get("symbol")?,
                classification: Classification::parse(&classification).ok_or_else(|| {
                    Error::invalid("classification", format!("độ mật «{classification}» không hợp lệ"))
                })?,
                kind: CopyEventKind::stored(&kind)
                    .ok_or_else(|| Error::invalid("kind", format!("loại «{kind}» không hợp lệ")))?,
                numbers,
                unit_code: r.get("unit_code")?,
                unit_name: r.get("unit_name")?,
                reference: r.get("reference")?,
                person: r.get("person")?,
            });
        }
        Ok(out)
    }
}

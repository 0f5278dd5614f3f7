//! The `batch` and `batch_document` tables: batches with the counts every
//! screen shares, and the write of a handout as `batches::plan_batch`
//! planned it (the batch, its documents, one receipt per unit with a fresh
//! receipt code, and the receipts' lines).

use chrono::NaiveDate;
use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{params, OptionalExtension, Row};

use super::uid::uid_value;
use super::{new_uid, now_utc, stored, Dao};
use crate::error::{Error, Result};
use crate::model::{Batch, DeliveryMethod};
use crate::{receipt_code, text};

impl FromSql for DeliveryMethod {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        stored::text(value, "method", DeliveryMethod::parse)
    }
}

impl ToSql for DeliveryMethod {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

/// A handout as planned: every row it writes, checked against the rules
/// (`batches::plan_batch`), and what its audit row says of a shortage.
#[derive(Debug, Clone)]
pub(crate) struct BatchPlan {
    pub code: String,
    pub title: String,
    pub handed_on: NaiveDate,
    pub due_on: NaiveDate,
    pub method: DeliveryMethod,
    /// Copies per document, all recipients together; documents no unit
    /// gets are left out.
    pub documents: Vec<(i64, i64)>,
    /// One per receiving unit, in unit id order.
    pub receipts: Vec<PlannedReceipt>,
    /// "symbol: cần …, còn …" for each document handed beyond its copies.
    pub short: Vec<String>,
    /// Why it is handed anyway (required when `short` is not empty).
    pub over_stock_reason: Option<String>,
}

/// One unit's receipt in a [`BatchPlan`].
#[derive(Debug, Clone)]
pub(crate) struct PlannedReceipt {
    pub unit_id: i64,
    pub must_confirm: bool,
    /// The sum of its lines.
    pub copies: i64,
    /// (document id, copies), in the order of the batch's documents;
    /// documents this unit does not get are left out.
    pub lines: Vec<(i64, u32)>,
}

/// A receipt as written: what the audit log's digest of a batch covers.
#[derive(Debug, Clone)]
pub(crate) struct WrittenReceipt {
    pub uid: String,
    pub code: String,
    pub unit_id: i64,
    pub must_confirm: bool,
    pub copies: i64,
}

/// The counts every screen, the CLI and the printouts share (one definition):
/// `recipients` are all receiving units, `must_confirm` those that must
/// confirm (not "for information"), `open` those of them still open —
/// pending, partial or declined, the rows of the outstanding list today —
/// and `confirmed` = `must_confirm` − `open`. Kept in the batch row
/// (`receipts_total`, `receipts_info`, `receipts_open`: written with the
/// receipts and by every confirmation and undo, checked by `verify`), never
/// recounted from the receipts.
const COLUMNS: &str = concat!(
    "b.id, b.uid, b.code, b.title, b.handed_on, b.due_on, b.method, b.recorded_by,
     b.receipts_total AS recipients, b.receipts_info AS info, b.receipts_open AS open,
     (SELECT coalesce(sum(copies), 0) FROM batch_document bd WHERE bd.batch_id = b.id) AS copies,
     (SELECT group_concat(",
    shown_symbol!(),
    ", char(10)) FROM batch_document bd JOIN document d ON d.id = bd.document_id
      WHERE bd.batch_id = b.id) AS documents"
);

/// `COLUMNS` counted over the receipts of some units only (`:units`, a JSON
/// array of unit ids): a secretary's view of the batches their unit received.
const UNITS_COLUMNS: &str = concat!(
    "b.id, b.uid, b.code, b.title, b.handed_on, b.due_on, b.method, b.recorded_by,
     (SELECT count(*) FROM receipt r WHERE r.batch_id = b.id AND r.unit_id IN own) AS recipients,
     (SELECT count(*) FROM receipt r WHERE r.batch_id = b.id AND r.unit_id IN own AND r.must_confirm = 0) AS info,
     (SELECT count(*) FROM receipt r WHERE r.batch_id = b.id AND r.unit_id IN own
        AND r.status <> 'confirmed' AND r.must_confirm = 1) AS open,
     (SELECT coalesce(sum(r.copies), 0) FROM receipt r WHERE r.batch_id = b.id AND r.unit_id IN own) AS copies,
     (SELECT group_concat(symbol, char(10)) FROM (
        SELECT DISTINCT ",
    shown_symbol!(),
    " AS symbol FROM receipt r JOIN receipt_line l ON l.receipt_id = r.id
        JOIN document d ON d.id = l.document_id WHERE r.batch_id = b.id AND r.unit_id IN own ORDER BY 1))
       AS documents"
);

fn from_row(r: &Row<'_>) -> rusqlite::Result<(i64, Batch)> {
    let docs: Option<String> = r.get("documents")?;
    let recipients: u32 = r.get("recipients")?;
    let must_confirm = recipients.saturating_sub(r.get("info")?);
    let open: u32 = r.get("open")?;
    let code: String = r.get("code")?;
    Ok((
        r.get("id")?,
        Batch {
            uid: r.get("uid")?,
            method: stored::get(r, "method", "batch", || format!("đợt «{code}»"))?,
            code,
            title: r.get("title")?,
            handed_on: r.get("handed_on")?,
            due_on: r.get("due_on")?,
            documents: docs
                .map(|d| d.split('\n').map(str::to_owned).collect())
                .unwrap_or_default(),
            recipients,
            must_confirm,
            open,
            confirmed: must_confirm.saturating_sub(open),
            copies: r.get("copies")?,
            recorded_by: r.get("recorded_by")?,
        },
    ))
}

impl Dao<'_> {
    /// The live batches, newest first.
    pub(crate) fn batches(&self) -> Result<Vec<Batch>> {
        let sql =
            format!("SELECT {COLUMNS} FROM batch b WHERE b.cancelled_at IS NULL ORDER BY b.handed_on DESC, b.id DESC");
        let mut stmt = self.conn.prepare(&sql)?;
        let batches = stmt
            .query_map([], from_row)?
            .map(|r| r.map(|(_, b)| b))
            .collect::<rusqlite::Result<_>>()?;
        Ok(batches)
    }

    /// The live batches in which one of `units` (a JSON array of unit ids)
    /// has a receipt, newest first, with the figures of those receipts only.
    pub(crate) fn batches_of_units(&self, units: &str) -> Result<Vec<Batch>> {
        let sql = format!(
            "WITH own(id) AS (SELECT value FROM json_each(:units))
             SELECT {UNITS_COLUMNS} FROM batch b
             WHERE b.cancelled_at IS NULL
               AND EXISTS (SELECT 1 FROM receipt r WHERE r.batch_id = b.id AND r.unit_id IN own)
             ORDER BY b.handed_on DESC, b.id DESC"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let batches = stmt
            .query_map(&[(":units", &units)], from_row)?
            .map(|r| r.map(|(_, b)| b))
            .collect::<rusqlite::Result<_>>()?;
        Ok(batches)
    }

    /// The live batch with this code, and its id.
    pub(crate) fn batch_by_code(&self, code: &str) -> Result<(i64, Batch)> {
        let sql = format!("SELECT {COLUMNS} FROM batch b WHERE b.code = ?1 AND b.cancelled_at IS NULL");
        self.conn
            .prepare_cached(&sql)?
            .query_row([text::clean(code)], from_row)
            .optional()?
            .ok_or_else(|| Error::not_found("Đợt cấp phát", code))
    }

    /// Whether a batch, live or cancelled, has this code.
    pub(crate) fn batch_code_taken(&self, code: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM batch WHERE code = ?1)", [code], |r| {
                r.get(0)
            })?)
    }

    /// Writes a planned handout: the batch (recorded by the transaction's
    /// actor), its documents, and its receipts, each with a receipt code no
    /// other receipt has (nor any receipt of the inbox), and their lines. Returns the batch's uid and the
    /// receipts as written, in id order.
    pub(crate) fn insert_batch(&self, plan: &BatchPlan) -> Result<(String, Vec<WrittenReceipt>)> {
        let actor = self.actor()?;
        let uid = new_uid();
        // Its counts as the receipts below make them: every receipt is new,
        // so pending, and open when it must be confirmed.
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        let info = count(plan.receipts.iter().filter(|r| !r.must_confirm).count());
        let total = count(plan.receipts.len());
        self.conn.execute(
            "INSERT INTO batch (uid, code, title, handed_on, due_on, method, recorded_by, created_at,
                                receipts_total, receipts_info, receipts_open)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                uid,
                plan.code,
                plan.title,
                plan.handed_on,
                plan.due_on,
                plan.method,
                actor.name,
                now_utc(),
                total,
                info,
                total - info
            ],
        )?;
        let batch_id = self.conn.last_insert_rowid();
        let mut add_doc = self
            .conn
            .prepare_cached("INSERT INTO batch_document (batch_id, document_id, copies) VALUES (?1, ?2, ?3)")?;
        for &(document_id, copies) in &plan.documents {
            add_doc.execute(params![batch_id, document_id, copies])?;
        }
        let mut code_taken = self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM receipt WHERE code = ?1) OR EXISTS (SELECT 1 FROM inbox_receipt WHERE code = ?1)",
            )?;
        let mut add_receipt = self.conn.prepare_cached(
            "INSERT INTO receipt (uid, batch_id, unit_id, code, must_confirm, copies) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        let mut add_line = self
            .conn
            .prepare_cached("INSERT INTO receipt_line (receipt_id, document_id, quantity) VALUES (?1, ?2, ?3)")?;
        let mut rng = rand::rng();
        // One prefix for the batch's codes: they go to one region of the
        // code's index instead of a page each (see `receipt_code`).
        let prefix = receipt_code::Prefix::draw(&mut rng);
        let mut written = Vec::with_capacity(plan.receipts.len());
        for receipt in &plan.receipts {
            let code = loop {
                let c = receipt_code::generate_in(prefix, &mut rng);
                if !code_taken.query_row([&c], |r| r.get::<_, bool>(0))? {
                    break c;
                }
            };
            let receipt_uid = new_uid();
            add_receipt.execute(params![
                uid_value(&receipt_uid),
                batch_id,
                receipt.unit_id,
                code,
                receipt.must_confirm,
                receipt.copies
            ])?;
            let receipt_id = self.conn.last_insert_rowid();
            for &(document_id, quantity) in &receipt.lines {
                add_line.execute(params![receipt_id, document_id, quantity])?;
            }
            written.push(WrittenReceipt {
                uid: receipt_uid,
                code,
                unit_id: receipt.unit_id,
                must_confirm: receipt.must_confirm,
                copies: receipt.copies,
            });
        }
        Ok((uid, written))
    }

    /// Marks a batch cancelled, with the reason.
    pub(crate) fn cancel_batch(&self, batch_id: i64, reason: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE batch SET cancelled_at = ?1, cancel_reason = ?2 WHERE id = ?3",
            params![now_utc(), reason, batch_id],
        )?;
        Ok(())
    }

    /// Sets a batch's title and due date.
    pub(crate) fn update_batch(&self, batch_id: i64, title: &str, due_on: NaiveDate) -> Result<()> {
        self.conn.execute(
            "UPDATE batch SET title = ?1, due_on = ?2 WHERE id = ?3",
            params![title, due_on, batch_id],
        )?;
        Ok(())
    }

    /// Ids of the live batches in which one of `units` (a JSON array of unit
    /// ids) has a receipt.
    pub(crate) fn batches_received_by(&self, units: &str) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT b.id FROM batch b WHERE EXISTS (
                 SELECT 1 FROM receipt r WHERE r.batch_id = b.id AND r.unit_id IN (SELECT value FROM json_each(?1)))",
        )?;
        let ids = stmt
            .query_map([units], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }
}

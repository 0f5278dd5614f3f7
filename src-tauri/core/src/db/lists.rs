//! The queries behind the lists and the dashboard: receipts as they stood
//! on a day (the as-of status), the open receipts the outstanding list
//! groups, a batch's figures and confirmations over time, one unit's
//! receipts, and what the lists need of the unit tree (where merged units
//! went, the last name of a closed one).
//!
//! For today (the common case) the open receipts are read through the
//! partial index `receipt_open_idx` only; for a day in the past the query
//! also reads the receipts confirmed after that day, which were still open
//! then.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::types::ToSql;
use rusqlite::OptionalExtension;

use super::{stored, today, Dao};
use crate::error::{Error, Result};
use crate::model::{ReceiptStatus, UnitReceipt};
use crate::text;

use super::receipts::ConfirmedVia;

/// A receipt's status on day `:day`: a confirmation (or partial receipt, or
/// refusal) signed after that day had not happened yet.
const STATUS_ON_DAY: &str = "CASE WHEN r.status <> 'pending'
           AND coalesce(r.signed_on, substr(r.entered_at, 1, 10)) > :day
      THEN 'pending' ELSE r.status END";

/// SQL that reads receipts as they stood on day `:day`: the status then and
/// whether the receipt was open then.
struct AsOf {
    status: &'static str,
    open: &'static str,
}

/// Chooses the SQL for `day`: today or later reads the current status and
/// only open receipts (the partial index); an earlier day rewinds.
fn as_of_sql(day: NaiveDate) -> AsOf {
    if day >= today() {
        AsOf {
            status: "r.status",
            open: "r.status <> 'confirmed' AND r.must_confirm = 1",
        }
    } else {
        AsOf {
            status: STATUS_ON_DAY,
            open: "r.must_confirm = 1 AND (r.status <> 'confirmed'
                   OR coalesce(r.signed_on, substr(r.entered_at, 1, 10)) > :day)",
        }
    }
}

/// A must-confirm receipt open on a day, as read, before grouping. Its
/// batch is an index into `OpenReceipts::batches`, read once per batch.
#[derive(Debug, Clone)]
pub(crate) struct OpenReceipt {
    pub unit_id: i64,
    pub batch: usize,
    /// Its copies, or only those of the documents filtered on.
    pub copies: u32,
    pub receipt_code: String,
    /// The status on the day.
    pub status: ReceiptStatus,
}

/// A live batch with open receipts on the day.
#[derive(Debug, Clone)]
pub(crate) struct OpenBatch {
    pub code: String,
    pub title: String,
    pub handed: NaiveDate,
    pub due: NaiveDate,
}

/// The open receipts of a day and the batches they belong to.
#[derive(Debug, Clone, Default)]
pub(crate) struct OpenReceipts {
    pub batches: Vec<OpenBatch>,
    pub receipts: Vec<OpenReceipt>,
}

/// A batch's receipts counted: the must-confirm ones by status, and those
/// for information (whatever their status).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ReceiptCounts {
    pub info: u32,
    pub confirmed: u32,
    pub partial: u32,
    pub declined: u32,
    pub pending: u32,
}

impl ReceiptCounts {
    fn add(&mut self, status: ReceiptStatus, n: u32) {
        match status {
            ReceiptStatus::Confirmed => self.confirmed += n,
            ReceiptStatus::Partial => self.partial += n,
            ReceiptStatus::Declined => self.declined += n,
            ReceiptStatus::Pending => self.pending += n,
        }
    }
}

/// The figures of one batch before its receipts are counted.
#[derive(Debug, Clone)]
pub(crate) struct BatchHeading {
    pub code: String,
    pub title: String,
    pub handed_on: NaiveDate,
    pub due_on: NaiveDate,
    pub copies: u32,
}

/// The open-receipts query with the optional batch and document filters.
/// It reads the receipt table only (today: the partial index alone); the
/// batches are read once each afterwards (`Dao::open_receipts`).
fn open_receipts_sql(day: NaiveDate, by_batch: bool, by_document: bool) -> String {
    let AsOf { status, open } = as_of_sql(day);
    let copies = if by_document {
        "(SELECT sum(l.quantity) FROM receipt_line l
          WHERE l.receipt_id = r.id AND l.document_id IN (SELECT value FROM json_each(:docs)))"
    } else {
        "r.copies"
    };
    let mut sql = format!(
        "SELECT r.unit_id, r.batch_id, {copies} AS copies, r.code AS receipt_code, {status} AS status
         FROM receipt r WHERE {open}"
    );
    if by_batch {
        sql.push_str(" AND r.batch_id IN (SELECT value FROM json_each(:batches))");
    }
    if by_document {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM receipt_line l WHERE l.receipt_id = r.id
                            AND l.document_id IN (SELECT value FROM json_each(:docs)))",
        );
    }
    sql
}

impl Dao<'_> {
    /// For every unit merged or split away on or before `day`, the unit
    /// that had finally taken its place by then (a merge dated later has
    /// not happened yet on `day`).
    pub(crate) fn successors(&self, day: NaiveDate) -> Result<HashMap<i64, i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, successor_id FROM unit WHERE successor_id IS NOT NULL AND closed_on <= ?1")?;
        let next: HashMap<i64, i64> = stmt
            .query_map([day], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = HashMap::with_capacity(next.len());
        for &start in next.keys() {
            let mut last = start;
            // Follow the chain; the step bound guards against a cycle.
            for _ in 0..next.len() {
                match next.get(&last) {
                    Some(&n) => last = n,
                    None => break,
                }
            }
            out.insert(start, last);
        }
        Ok(out)
    }

    /// Must-confirm receipts of live batches not confirmed (yet), counted
    /// per unit: what passes to a successor when the unit closes.
    pub(crate) fn open_receipts_per_unit(&self) -> Result<HashMap<i64, u32>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.unit_id, count(*) FROM receipt r JOIN batch b ON b.id = r.batch_id
             WHERE r.status <> 'confirmed' AND r.must_confirm = 1 AND b.cancelled_at IS NULL
             GROUP BY r.unit_id",
        )?;
        let counts = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(counts)
    }

    /// Code and last name of a unit missing from a day's tree (closed by then).
    pub(crate) fn last_label(&self, unit_id: i64) -> Result<(String, String)> {
        Ok(self.conn.query_row(
            "SELECT u.code, v.name FROM unit u JOIN unit_version v ON v.unit_id = u.id
             WHERE u.id = ?1 ORDER BY (v.valid_from < u.closed_on) DESC, v.valid_from DESC LIMIT 1",
            [unit_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// Ids of the documents a filter names (`text::split_term`): with the
    /// symbol alone every committee term's of that symbol, with
    /// `SYMBOL@TERM` that term's only. Never empty: none is `NotFound`.
    pub(crate) fn document_ids(&self, given: &str) -> Result<Vec<i64>> {
        let (symbol, term) = crate::text::split_term(given).map_err(|why| Error::invalid("document", why))?;
        let (symbol, term) = (text::clean(symbol), term.map(text::clean));
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM document WHERE symbol = ?1 AND (?2 IS NULL OR term = ?2)")?;
        let ids = stmt
            .query_map(rusqlite::params![&symbol, &term], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        if ids.is_empty() {
            return Err(Error::not_found(
                "Văn bản",
                match term {
                    Some(term) => format!("{symbol} (khóa {term})"),
                    None => symbol,
                },
            ));
        }
        Ok(ids)
    }

    /// Must-confirm receipts of live batches handed by `day` and open on
    /// it, with their status then; only those of `batches` and holding one
    /// of `documents` (JSON arrays of ids) when given.
    pub(crate) fn open_receipts(
        &self,
        day: NaiveDate,
        batches: Option<&str>,
        documents: Option<&str>,
    ) -> Result<OpenReceipts> {
        let sql = open_receipts_sql(day, batches.is_some(), documents.is_some());
        let mut params: Vec<(&str, &dyn ToSql)> = Vec::new();
        if sql.contains(":day") {
            params.push((":day", &day));
        }
        if let Some(b) = &batches {
            params.push((":batches", b));
        }
        if let Some(d) = &documents {
            params.push((":docs", d));
        }
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params.as_slice())?;
        // Batch ids to indexes into `batches`; a batch's row is read when
        // its first receipt comes, and a cancelled batch, or one handed
        // after the day, keeps `None` and its receipts are left out.
        let mut index: HashMap<i64, Option<usize>> = HashMap::new();
        let mut batch_stmt = self.conn.prepare_cached(
            "SELECT code, title, handed_on, due_on FROM batch
             WHERE id = ?1 AND cancelled_at IS NULL AND handed_on <= ?2",
        )?;
        let mut out = OpenReceipts::default();
        while let Some(r) = rows.next()? {
            let batch_id: i64 = r.get(1)?;
            let at = match index.get(&batch_id) {
                Some(&at) => at,
                None => {
                    let batch = batch_stmt
                        .query_row(rusqlite::params![batch_id, day], |b| {
                            Ok(OpenBatch {
                                code: b.get(0)?,
                                title: b.get(1)?,
                                handed: b.get(2)?,
                                due: b.get(3)?,
                            })
                        })
                        .optional()?;
                    let at = batch.map(|b| {
                        out.batches.push(b);
                        out.batches.len() - 1
                    });
                    index.insert(batch_id, at);
                    at
                }
            };
            let Some(batch) = at else { continue };
            let code: String = r.get(3)?;
            out.receipts.push(OpenReceipt {
                unit_id: r.get(0)?,
                batch,
                copies: r.get(2)?,
                status: stored::get(r, "status", "receipt", || format!("phiếu {code}"))?,
                receipt_code: code,
            });
        }
        Ok(out)
    }

    /// Live batches worth showing on `day`: those with a receipt still open,
    /// and those handed in the 60 days before; newest first.
    pub(crate) fn current_batches(&self, day: NaiveDate) -> Result<Vec<i64>> {
        let open = as_of_sql(day).open;
        let sql = format!(
            "SELECT b.id FROM batch b
             WHERE b.cancelled_at IS NULL AND b.handed_on <= :day
               AND (b.handed_on >= date(:day, '-60 days')
                    OR b.id IN (SELECT r.batch_id FROM receipt r WHERE {open}))
             ORDER BY b.handed_on DESC, b.id DESC"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let ids = stmt
            .query_map(&[(":day", &day)], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    /// Code, title, dates and copies handed of a batch; with `units` (a JSON
    /// array of unit ids), the copies of those units' receipts only.
    pub(crate) fn batch_heading(&self, batch_id: i64, units: Option<&str>) -> Result<BatchHeading> {
        Ok(self.conn.query_row(
            "SELECT b.code, b.title, b.handed_on, b.due_on,
                    CASE WHEN ?2 IS NULL
                         THEN (SELECT coalesce(sum(copies), 0) FROM batch_document d WHERE d.batch_id = b.id)
                         ELSE (SELECT coalesce(sum(r.copies), 0) FROM receipt r
                               WHERE r.batch_id = b.id AND r.unit_id IN (SELECT value FROM json_each(?2)))
                    END
             FROM batch b WHERE b.id = ?1",
            rusqlite::params![batch_id, units],
            |r| {
                Ok(BatchHeading {
                    code: r.get(0)?,
                    title: r.get(1)?,
                    handed_on: r.get(2)?,
                    due_on: r.get(3)?,
                    copies: r.get(4)?,
                })
            },
        )?)
    }

    /// A batch's receipts counted on `day`: the must-confirm ones by their
    /// status then, and those for information; over the receipts of `units`
    /// (a JSON array of unit ids) only when given. From today on, for every
    /// unit, no receipt row is read (`receipt_counts_now`).
    pub(crate) fn receipt_counts(&self, batch_id: i64, day: NaiveDate, units: Option<&str>) -> Result<ReceiptCounts> {
        if day >= today() && units.is_none() {
            return self.receipt_counts_now(batch_id);
        }
        let sql = format!(
            "SELECT {STATUS_ON_DAY} AS status, r.must_confirm, count(*), min(r.code) AS code FROM receipt r
             WHERE r.batch_id = :batch
               AND (:units IS NULL OR r.unit_id IN (SELECT value FROM json_each(:units)))
             GROUP BY 1, 2"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let params: [(&str, &dyn ToSql); 3] = [(":batch", &batch_id), (":day", &day), (":units", &units)];
        let mut counts = ReceiptCounts::default();
        let mut rows = stmt.query(&params[..])?;
        while let Some(r) = rows.next()? {
            let n: u32 = r.get(2)?;
            if !r.get::<_, bool>(1)? {
                counts.info += n;
                continue;
            }
            let status = stored::receipt_status(r)?;
            counts.add(status, n);
        }
        Ok(counts)
    }

    /// `receipt_counts` as of now, for every unit: the batch row's counters
    /// (kept with every receipt written, confirmed or undone) and its open
    /// receipts by status from their partial index. A province's 1,800
    /// current batches are counted without reading their 3.5 million receipts.
    pub(crate) fn receipt_counts_now(&self, batch_id: i64) -> Result<ReceiptCounts> {
        let (total, info, open): (u32, u32, u32) = self.conn.query_row(
            "SELECT receipts_total, receipts_info, receipts_open FROM batch WHERE id = ?1",
            [batch_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let mut counts = ReceiptCounts {
            info,
            confirmed: total.saturating_sub(info).saturating_sub(open),
            ..ReceiptCounts::default()
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.status, count(*), min(r.code) AS code FROM receipt r
             WHERE r.batch_id = ?1 AND r.status <> 'confirmed' AND r.must_confirm = 1
             GROUP BY 1",
        )?;
        let mut rows = stmt.query([batch_id])?;
        while let Some(r) = rows.next()? {
            let status = stored::receipt_status(r)?;
            counts.add(status, r.get(1)?);
        }
        Ok(counts)
    }

    /// The must-confirm receipts of a batch: (unit id, confirmed on `day`).
    pub(crate) fn confirmed_on_day(&self, batch_id: i64, day: NaiveDate) -> Result<Vec<(i64, bool)>> {
        let sql = format!(
            "SELECT r.unit_id, {STATUS_ON_DAY} = 'confirmed' FROM receipt r
             WHERE r.batch_id = :batch AND r.must_confirm = 1"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let receipts = stmt
            .query_map(&[(":batch", &batch_id as &dyn ToSql), (":day", &day)], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, bool>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(receipts)
    }

    /// Confirmed must-confirm receipts of a batch per day signed, in day
    /// order; over the receipts of `units` (a JSON array of unit ids) only
    /// when given.
    pub(crate) fn confirmations_per_day(&self, batch_id: i64, units: Option<&str>) -> Result<Vec<(NaiveDate, u32)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT coalesce(signed_on, substr(entered_at, 1, 10)) AS day, count(*) FROM receipt
             WHERE batch_id = ?1 AND must_confirm = 1 AND status = 'confirmed'
               AND (?2 IS NULL OR unit_id IN (SELECT value FROM json_each(?2)))
             GROUP BY day ORDER BY day",
        )?;
        let days = stmt
            .query_map(rusqlite::params![batch_id, units], |r| {
                Ok((r.get::<_, NaiveDate>(0)?, r.get::<_, u32>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(days)
    }

    /// Every receipt of a unit in a live batch, newest batch first; the
    /// figures of the day (`days_overdue`, `tier`, `days_late`) are left at
    /// 0 for the caller to count.
    pub(crate) fn receipts_of_unit_history(&self, unit_id: i64) -> Result<Vec<UnitReceipt>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT b.code, b.title, b.handed_on, b.due_on, r.copies, r.code AS receipt_code, r.must_confirm,
                    r.status, r.signed_by, r.signed_on, r.confirm_method, r.on_behalf, r.note
             FROM batch b CROSS JOIN receipt r ON r.batch_id = b.id AND r.unit_id = ?1
             WHERE b.cancelled_at IS NULL
             ORDER BY b.handed_on DESC, b.id DESC",
        )?;
        let rows = stmt
            .query_map([unit_id], |r| {
                let code: String = r.get("receipt_code")?;
                let row = || format!("phiếu {code}");
                Ok(UnitReceipt {
                    batch: r.get(0)?,
                    batch_title: r.get(1)?,
                    handed: r.get(2)?,
                    due: r.get("due_on")?,
                    copies: r.get("copies")?,
                    must_confirm: r.get("must_confirm")?,
                    status: stored::get(r, "status", "receipt", row)?,
                    signed_by: r.get("signed_by")?,
                    signed_on: r.get("signed_on")?,
                    method: stored::get::<Option<ConfirmedVia>>(r, "confirm_method", "receipt", row)?
                        .map(|m| m.as_str().to_owned()),
                    on_behalf: r.get("on_behalf")?,
                    note: r.get("note")?,
                    days_overdue: 0,
                    tier: 0,
                    days_late: 0,
                    receipt_code: code,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

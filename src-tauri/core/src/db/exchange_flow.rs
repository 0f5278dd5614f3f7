//! What flows between offices, as the db layer reads and writes it: a
//! batch with the receipts of some units (sent down), the inbox of batches
//! a parent handed us (`inbox_batch`, `inbox_receipt`, `inbox_line`) with
//! their confirmations made here (sent up), and the receipts a packet
//! finds by their uid. The rules are in `crate::exchange`.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::receipts::detail_row;
use super::uid::{get_uid, uid_value};
use super::{now_utc, stored, ConfirmedVia, Dao};
use crate::error::Result;
use crate::model::{ReceiptDetail, ReceiptLine, ReceiptStatus};

/// A document as it travels: metadata only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DocMeta {
    pub uid: String,
    pub symbol: String,
    pub term: String,
    /// None for a Tuyệt mật document: its summary never travels.
    pub title: Option<String>,
    pub issued_on: Option<String>,
    pub classification: String,
}

/// A document's metadata from a row with the columns `doc` (its uid),
/// `symbol`, `term`, `doc_title`, `issued_on` and `classification`; the
/// title of a Tuyệt mật document is left out.
pub(crate) fn doc_meta(r: &rusqlite::Row<'_>) -> rusqlite::Result<DocMeta> {
    let classification: String = r.get("classification")?;
    Ok(DocMeta {
        uid: r.get("doc")?,
        symbol: r.get("symbol")?,
        term: r.get("term")?,
        title: (classification != crate::model::Classification::Absolute.as_str())
            .then(|| r.get("doc_title"))
            .transpose()?,
        issued_on: r.get("issued_on")?,
        classification,
    })
}

/// One line of a receipt as it travels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct LineMeta {
    pub document: String,
    pub symbol: String,
    pub quantity: u32,
    pub received: Option<u32>,
}

/// The confirmation columns of a receipt, as they travel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Signed {
    pub status: String,
    pub signed_by: Option<String>,
    pub signed_on: Option<String>,
    pub entered_at: Option<String>,
    pub method: Option<String>,
    pub on_behalf: bool,
    pub note: Option<String>,
}

/// A receipt of a batch sent down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ReceiptMeta {
    pub uid: String,
    pub code: String,
    pub unit: String,
    pub must_confirm: bool,
    pub lines: Vec<LineMeta>,
    #[serde(flatten)]
    pub signed: Signed,
}

/// A batch sent down, with the receipts of the child's subtree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct BatchMeta {
    pub uid: String,
    pub code: String,
    pub title: String,
    pub handed_on: String,
    pub due_on: String,
    pub method: String,
    pub cancelled: bool,
    pub receipts: Vec<ReceiptMeta>,
}

/// An inbox receipt as this office confirms it.
#[derive(Debug, Clone)]
pub(crate) struct InboxReceipt {
    pub uid: String,
    pub code: String,
    pub batch_code: String,
    pub origin: String,
    pub unit_code: String,
    pub handed_on: chrono::NaiveDate,
    pub status: ReceiptStatus,
    /// (document id, line).
    pub lines: Vec<(i64, LineMeta)>,
    pub signed: Signed,
}

/// A row of `giaonhan inbox`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct InboxRow {
    pub batch: String,
    pub title: String,
    /// The office that handed it (its unit's name as it sent it).
    pub from: String,
    pub unit_code: String,
    pub receipt_code: String,
    pub handed: String,
    pub due: String,
    pub status: ReceiptStatus,
    pub must_confirm: bool,
    pub signed_by: Option<String>,
    pub signed_on: Option<String>,
}

/// A receipt of ours a packet names by uid.
#[derive(Debug, Clone)]
pub(crate) struct OwnReceipt {
    pub id: i64,
    pub status: ReceiptStatus,
    pub unit_code: String,
    pub batch_code: String,
    pub handed_on: chrono::NaiveDate,
    /// Its last confirmation or undo came in a packet (`Dao::log_receipt_event`),
    /// so a packet may change it again.
    pub set_by_packet: bool,
}

const INBOX: &str = "SELECT r.uid, r.code, b.code AS batch_code, b.title, b.origin, r.unit_code, b.handed_on,
        r.status, r.set_here, r.signed_by, r.signed_on, r.entered_at, r.confirm_method, r.on_behalf, r.note
     FROM inbox_receipt r JOIN inbox_batch b ON b.uid = r.batch_uid";

fn inbox_row(r: &Row<'_>) -> rusqlite::Result<InboxReceipt> {
    let code: String = r.get("code")?;
    let status: ReceiptStatus = stored::get(r, "status", "inbox_receipt", || format!("phiếu {code}"))?;
    Ok(InboxReceipt {
        uid: r.get("uid")?,
        batch_code: r.get("batch_code")?,
        origin: r.get("origin")?,
        unit_code: r.get("unit_code")?,
        handed_on: r.get("handed_on")?,
        signed: Signed {
            status: status.as_str().to_owned(),
            signed_by: r.get("signed_by")?,
            signed_on: r.get("signed_on")?,
            entered_at: r.get("entered_at")?,
            method: stored::get::<Option<ConfirmedVia>>(r, "confirm_method", "inbox_receipt", || {
                format!("phiếu {code}")
            })?
            .map(|m| m.as_str().to_owned()),
            on_behalf: r.get("on_behalf")?,
            note: r.get("note")?,
        },
        status,
        code,
        lines: Vec::new(),
    })
}

impl Dao<'_> {
    /// Uids of the batches (live and cancelled) with a receipt for one of
    /// `units` (a JSON array of unit codes), oldest first.
    pub(crate) fn batches_for_unit_codes(&self, units: &str) -> Result<Vec<(String, bool)>> {
        let mut stmt = self.conn.prepare(
            "SELECT b.uid, b.cancelled_at IS NOT NULL FROM batch b WHERE EXISTS (
                 SELECT 1 FROM unit u CROSS JOIN receipt r ON r.batch_id = b.id AND r.unit_id = u.id
                 WHERE u.code IN (SELECT value FROM json_each(?1)))
             ORDER BY b.id",
        )?;
        let rows = stmt
            .query_map([units], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The uid of the batch of a receipt of ours.
    pub(crate) fn batch_uid_of_receipt(&self, receipt_uid: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT b.uid FROM receipt r JOIN batch b ON b.id = r.batch_id WHERE r.uid = ?1")?
            .query_row([uid_value(receipt_uid)], |r| r.get(0))
            .optional()?)
    }

    /// A batch with the receipts of `units` (JSON array of codes) and their
    /// lines, and the documents those lines name.
    pub(crate) fn batch_meta(&self, batch_uid: &str, units: &str) -> Result<Option<(BatchMeta, Vec<DocMeta>)>> {
        let batch = self
            .conn
            .query_row(
                "SELECT id, uid, code, title, handed_on, due_on, method, cancelled_at IS NOT NULL FROM batch WHERE uid = ?1",
                [batch_uid],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        BatchMeta {
                            uid: r.get(1)?,
                            code: r.get(2)?,
                            title: r.get(3)?,
                            handed_on: r.get(4)?,
                            due_on: r.get(5)?,
                            method: r.get(6)?,
                            cancelled: r.get(7)?,
                            receipts: Vec::new(),
                        },
                    ))
                },
            )
            .optional()?;
        let Some((batch_id, mut batch)) = batch else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare(
            "SELECT r.uid, r.code, u.code AS unit, r.must_confirm, r.status, r.signed_by, r.signed_on, r.entered_at,
                    r.confirm_method, r.on_behalf, r.note,
                    d.uid AS doc, d.symbol, d.term, d.title AS doc_title, d.issued_on, d.classification,
                    l.quantity, l.received
             FROM receipt r JOIN unit u ON u.id = r.unit_id JOIN receipt_line l ON l.receipt_id = r.id
             JOIN document d ON d.id = l.document_id
             WHERE r.batch_id = ?1 AND u.code IN (SELECT value FROM json_each(?2)) ORDER BY r.id, d.symbol",
        )?;
        let mut rows = stmt.query(params![batch_id, units])?;
        let mut docs: Vec<DocMeta> = Vec::new();
        while let Some(r) = rows.next()? {
            let uid = get_uid(r, "uid")?;
            if batch.receipts.last().is_none_or(|x| x.uid != uid) {
                batch.receipts.push(ReceiptMeta {
                    uid,
                    code: r.get("code")?,
                    unit: r.get("unit")?,
                    must_confirm: r.get("must_confirm")?,
                    lines: Vec::new(),
                    signed: Signed {
                        status: r.get("status")?,
                        signed_by: r.get("signed_by")?,
                        signed_on: r.get("signed_on")?,
                        entered_at: r.get("entered_at")?,
                        method: r.get("confirm_method")?,
                        on_behalf: r.get("on_behalf")?,
                        note: r.get("note")?,
                    },
                });
            }
            let doc: String = r.get("doc")?;
            let symbol: String = r.get("symbol")?;
            if !docs.iter().any(|d| d.uid == doc) {
                docs.push(doc_meta(r)?);
            }
            if let Some(last) = batch.receipts.last_mut() {
                last.lines.push(LineMeta {
                    document: doc,
                    symbol,
                    quantity: r.get("quantity")?,
                    received: r.get("received")?,
                });
            }
        }
        Ok(Some((batch, docs)))
    }

    /// A receipt of ours by its uid (in any batch).
    pub(crate) fn own_receipt(&self, uid: &str) -> Result<Option<(OwnReceipt, bool)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT r.id, r.code, r.status, r.set_by_packet, u.code AS unit, b.code AS batch, b.handed_on,
                        b.cancelled_at IS NOT NULL AS cancelled
                 FROM receipt r JOIN unit u ON u.id = r.unit_id JOIN batch b ON b.id = r.batch_id WHERE r.uid = ?1",
                [uid_value(uid)],
                |r| {
                    Ok((
                        OwnReceipt {
                            id: r.get("id")?,
                            status: stored::get(r, "status", "receipt", || format!("phiếu {uid}"))?,
                            unit_code: r.get("unit")?,
                            batch_code: r.get("batch")?,
                            handed_on: r.get("handed_on")?,
                            set_by_packet: r.get("set_by_packet")?,
                        },
                        r.get("cancelled")?,
                    ))
                },
            )
            .optional()?)
    }

    /// The local id of a document by its uid, or by its symbol and term.
    pub(crate) fn document_id_for(&self, uid: &str, symbol: &str, term: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM document WHERE uid = ?1
                 UNION ALL SELECT id FROM document WHERE symbol = ?2 AND term = ?3 LIMIT 1",
                params![uid, symbol, term],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Writes or refreshes an inbox batch (a cancelled one stays cancelled).
    pub(crate) fn upsert_inbox_batch(&self, origin: &str, b: &BatchMeta, from: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO inbox_batch (uid, origin, code, title, handed_on, due_on, method, from_name, cancelled, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (uid) DO UPDATE SET title = excluded.title, due_on = excluded.due_on,
                 from_name = excluded.from_name, cancelled = max(cancelled, excluded.cancelled)",
            params![b.uid, origin, b.code, b.title, b.handed_on, b.due_on, b.method, from, b.cancelled, now_utc()],
        )?;
        Ok(())
    }

    /// Writes an inbox receipt, or refreshes the confirmation the parent
    /// recorded unless one was recorded here.
    pub(crate) fn upsert_inbox_receipt(&self, batch_uid: &str, r: &ReceiptMeta, own: bool) -> Result<()> {
        let s = &r.signed;
        self.conn.execute(
            "INSERT INTO inbox_receipt (uid, batch_uid, code, unit_code, own, must_confirm, status, signed_by, signed_on,
                                        entered_at, confirm_method, on_behalf, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
             ON CONFLICT (uid) DO UPDATE SET must_confirm = excluded.must_confirm,
                 status = excluded.status, signed_by = excluded.signed_by, signed_on = excluded.signed_on,
                 entered_at = excluded.entered_at, confirm_method = excluded.confirm_method,
                 on_behalf = excluded.on_behalf, note = excluded.note
             WHERE inbox_receipt.set_here = 0",
            params![
                r.uid, batch_uid, r.code, r.unit, own, r.must_confirm, s.status, s.signed_by, s.signed_on,
                s.entered_at, s.method, s.on_behalf, s.note
            ],
        )?;
        Ok(())
    }

    /// Writes an inbox line (its received count from the parent unless the
    /// receipt was confirmed here).
    pub(crate) fn upsert_inbox_line(&self, receipt_uid: &str, document_id: i64, l: &LineMeta) -> Result<()> {
        self.conn.execute(
            "INSERT INTO inbox_line (receipt_uid, document_id, quantity, received) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (receipt_uid, document_id) DO UPDATE SET quantity = excluded.quantity,
                 received = CASE WHEN (SELECT set_here FROM inbox_receipt WHERE uid = ?1) = 1
                                 THEN inbox_line.received ELSE excluded.received END",
            params![receipt_uid, document_id, l.quantity, l.received],
        )?;
        Ok(())
    }

    /// Inbox receipts found by code, or by batch code and unit code.
    pub(crate) fn inbox_receipts(
        &self,
        code: Option<&str>,
        batch_unit: Option<(&str, &str)>,
    ) -> Result<Vec<InboxReceipt>> {
        let mut found = match (code, batch_unit) {
            (Some(code), _) => {
                let mut stmt = self
                    .conn
                    .prepare(&format!("{INBOX} WHERE r.code = ?1 AND b.cancelled = 0"))?;
                let rows = stmt
                    .query_map([code], inbox_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                rows
            }
            (None, Some((batch, unit))) => {
                let mut stmt = self.conn.prepare(&format!(
                    "{INBOX} WHERE b.code = ?1 AND r.unit_code = ?2 AND b.cancelled = 0"
                ))?;
                let rows = stmt
                    .query_map([batch, unit], inbox_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                rows
            }
            (None, None) => Vec::new(),
        };
        let mut lines = self.conn.prepare_cached(
            "SELECT l.document_id, d.uid, d.symbol, l.quantity, l.received FROM inbox_line l
             JOIN document d ON d.id = l.document_id WHERE l.receipt_uid = ?1 ORDER BY d.symbol",
        )?;
        for r in &mut found {
            r.lines = lines
                .query_map([&r.uid], |x| {
                    Ok((
                        x.get(0)?,
                        LineMeta {
                            document: x.get(1)?,
                            symbol: x.get(2)?,
                            quantity: x.get(3)?,
                            received: x.get(4)?,
                        },
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
        }
        Ok(found)
    }

    /// Inbox receipts by uid (the confirmations to send up).
    pub(crate) fn inbox_receipt_by_uid(&self, uid: &str) -> Result<Option<InboxReceipt>> {
        let code: Option<String> = self
            .conn
            .query_row("SELECT code FROM inbox_receipt WHERE uid = ?1", [uid], |r| r.get(0))
            .optional()?;
        Ok(match code {
            Some(code) => self.inbox_receipts(Some(&code), None)?.into_iter().next(),
            None => None,
        })
    }

    /// Uids of the inbox receipts from `origin` confirmed (or undone) here.
    pub(crate) fn inbox_set_here(&self, origin: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT r.uid FROM inbox_receipt r JOIN inbox_batch b ON b.uid = r.batch_uid
             WHERE b.origin = ?1 AND r.set_here = 1 ORDER BY r.rowid",
        )?;
        let rows = stmt
            .query_map([origin], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Records a confirmation made here on an inbox receipt (status pending
    /// clears it), with the copies received per line.
    pub(crate) fn write_inbox_confirmation(&self, uid: &str, s: &Signed, lines: &[(i64, Option<u32>)]) -> Result<()> {
        let actor = self.actor()?;
        self.conn.execute(
            "UPDATE inbox_receipt SET status = ?1, signed_by = ?2, signed_on = ?3, entered_at = ?4, confirm_method = ?5,
                    on_behalf = ?6, note = ?7, recorded_by = ?8, set_here = 1 WHERE uid = ?9",
            params![s.status, s.signed_by, s.signed_on, s.entered_at, s.method, s.on_behalf, s.note, actor.name, uid],
        )?;
        let mut set = self
            .conn
            .prepare_cached("UPDATE inbox_line SET received = ?1 WHERE receipt_uid = ?2 AND document_id = ?3")?;
        for (document_id, received) in lines {
            set.execute(params![received, uid, document_id])?;
        }
        Ok(())
    }

    /// Whether a batch code is one of the inbox (live).
    pub(crate) fn inbox_batch_code_exists(&self, code: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM inbox_batch WHERE code = ?1 AND cancelled = 0)",
            [code],
            |r| r.get(0),
        )?)
    }

    /// The inbox as `giaonhan inbox` lists it: newest batches first.
    pub(crate) fn inbox_rows(&self) -> Result<Vec<InboxRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT b.code, b.title, b.from_name, r.unit_code, r.code AS rcode, b.handed_on, b.due_on, r.status,
                    r.must_confirm, r.signed_by, r.signed_on
             FROM inbox_receipt r JOIN inbox_batch b ON b.uid = r.batch_uid WHERE b.cancelled = 0
             ORDER BY b.handed_on DESC, b.code, r.own DESC, r.unit_code",
        )?;
        let rows = stmt
            .query_map([], |r| {
                let code: String = r.get("rcode")?;
                Ok(InboxRow {
                    batch: r.get(0)?,
                    title: r.get(1)?,
                    from: r.get(2)?,
                    unit_code: r.get(3)?,
                    handed: r.get(5)?,
                    due: r.get(6)?,
                    status: stored::get(r, "status", "inbox_receipt", || format!("phiếu {code}"))?,
                    receipt_code: code,
                    must_confirm: r.get(8)?,
                    signed_by: r.get(9)?,
                    signed_on: r.get(10)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// An inbox receipt by its (parsed) code, as the confirm dialog shows a
    /// receipt: the parent's batch, our unit's name on the day it was
    /// handed, and the documents (never a Tuyệt mật summary). None when the
    /// inbox has no live receipt with that code.
    pub(crate) fn inbox_receipt_detail(&self, code: &str) -> Result<Option<ReceiptDetail>> {
        let found = self
            .conn
            .query_row(
                "SELECT r.uid, r.code, b.code AS batch, b.title, b.handed_on, b.due_on, r.unit_code,
                        COALESCE(v.name, r.unit_code) AS name, r.must_confirm, r.status, r.signed_by, r.signed_on,
                        r.confirm_method, r.on_behalf, r.note, 0 AS has_signature, r.recorded_by,
                        NULL AS signer_account
                 FROM inbox_receipt r JOIN inbox_batch b ON b.uid = r.batch_uid
                 LEFT JOIN unit u ON u.code = r.unit_code
                 LEFT JOIN unit_version v ON v.unit_id = u.id AND v.valid_from <= b.handed_on AND b.handed_on < v.valid_to
                 WHERE r.code = ?1 AND b.cancelled = 0",
                [code],
                |r| Ok((r.get::<_, String>("uid")?, detail_row(r, "inbox_receipt", code)?)),
            )
            .optional()?;
        let Some((uid, mut detail)) = found else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.symbol, d.title, d.classification, l.quantity, l.received FROM inbox_line l
             JOIN document d ON d.id = l.document_id WHERE l.receipt_uid = ?1 ORDER BY d.symbol",
        )?;
        detail.lines = stmt
            .query_map([&uid], |r| {
                Ok(ReceiptLine {
                    symbol: r.get(0)?,
                    title: crate::model::shown_title(&r.get::<_, String>(2)?, r.get(1)?),
                    quantity: r.get(3)?,
                    received: r.get(4)?,
                    copy_numbers: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Some(detail))
    }
}

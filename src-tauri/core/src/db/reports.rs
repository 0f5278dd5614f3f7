//! The queries behind the printed reports: the heads and lines of a batch's
//! delivery slips, the documents named on a reminder, and the rows of the
//! outgoing transfer register. They return what is stored; what a printout
//! may show of it (no Tuyệt mật summary, the notes column) is decided in
//! `crate::reports`. The letterhead is a setting (`settings`).

use chrono::NaiveDate;
use rusqlite::params;

use super::documents::classification;
use super::stored::stored;
use super::Dao;
use crate::error::Result;
use crate::model::{Classification, ReceiptStatus};

/// The head of one delivery slip: a receipt of the batch, its unit and the
/// unit's parent, named as they stood on the handout day.
#[derive(Debug, Clone)]
pub(crate) struct SlipHead {
    pub receipt_id: i64,
    pub receipt_code: String,
    pub unit_code: String,
    pub unit_name: String,
    pub parent_name: Option<String>,
}

/// One document on a slip, as stored.
#[derive(Debug, Clone)]
pub(crate) struct SlipDocument {
    pub symbol: String,
    pub title: String,
    pub classification: Classification,
    pub copies: u32,
    /// Numbered copies handed (classified documents).
    pub copy_numbers: Vec<u32>,
}

/// One document handed to one unit, as the transfer register lists it.
#[derive(Debug, Clone)]
pub(crate) struct RegisterRow {
    pub batch: String,
    pub batch_title: String,
    pub handed: NaiveDate,
    pub symbol: String,
    pub issued: Option<NaiveDate>,
    pub title: String,
    pub classification: Classification,
    pub unit_code: String,
    pub unit_name: String,
    pub quantity: u32,
    pub received: Option<u32>,
    pub signed_by: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub status: ReceiptStatus,
    pub on_behalf: bool,
    pub must_confirm: bool,
    /// Numbered copies handed (classified documents).
    pub copy_numbers: Vec<u32>,
}

impl Dao<'_> {
    /// The slips of batch `batch_id` handed on `handed` (only `unit`'s when
    /// given): in the order of the tree that day (parent's name, then the
    /// unit's, then its code).
    pub(crate) fn slip_heads(&self, batch_id: i64, handed: NaiveDate, unit: Option<&str>) -> Result<Vec<SlipHead>> {
        let mut stmt = self.conn.prepare(
            "SELECT r.id, r.code, u.code AS unit_code, v.name, pv.name AS parent_name
             FROM receipt r JOIN unit u ON u.id = r.unit_id
             JOIN unit_version v ON v.unit_id = u.id AND v.valid_from <= ?2 AND ?2 < v.valid_to
             LEFT JOIN unit_version pv ON pv.unit_id = v.parent_id AND pv.valid_from <= ?2 AND ?2 < pv.valid_to
             WHERE r.batch_id = ?1 AND (?3 IS NULL OR u.code = ?3)
             ORDER BY pv.sort_key, v.sort_key, u.code",
        )?;
        let heads = stmt
            .query_map(params![batch_id, handed, unit], |r| {
                Ok(SlipHead {
                    receipt_id: r.get(0)?,
                    receipt_code: r.get(1)?,
                    unit_code: r.get(2)?,
                    unit_name: r.get(3)?,
                    parent_name: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(heads)
    }

    /// The documents of one receipt, by symbol.
    pub(crate) fn slip_documents(&self, receipt_id: i64) -> Result<Vec<SlipDocument>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.id, d.symbol, d.title, l.quantity, d.classification,
                    (SELECT json_group_array(number) FROM (SELECT c.number FROM receipt_copy c
                     WHERE c.receipt_id = l.receipt_id AND c.document_id = l.document_id ORDER BY c.number))
                    AS copy_numbers
             FROM receipt_line l
             JOIN document d ON d.id = l.document_id WHERE l.receipt_id = ?1 ORDER BY d.symbol",
        )?;
        let lines = stmt
            .query_map([receipt_id], |r| {
                let id: i64 = r.get("id")?;
                Ok(SlipDocument {
                    symbol: r.get("symbol")?,
                    title: r.get("title")?,
                    classification: stored(r, "document", "classification", id, classification)?,
                    copies: r.get("quantity")?,
                    copy_numbers: super::copies::numbers_json(r, 5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(lines)
    }

    /// The symbols and copies of the receipt with this code, by symbol (the
    /// lines of a reminder).
    pub(crate) fn reminder_documents(&self, receipt_code: &str) -> Result<Vec<(String, u32)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.symbol, l.quantity FROM receipt r JOIN receipt_line l ON l.receipt_id = r.id
             JOIN document d ON d.id = l.document_id WHERE r.code = ?1 ORDER BY d.symbol",
        )?;
        let lines = stmt
            .query_map([receipt_code], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(lines)
    }

    /// Every document handed to every unit in live batches between two days
    /// (inclusive), in the order of the outgoing transfer register: by
    /// handout day and batch, then the unit as named that day, then symbol.
    pub(crate) fn register_rows(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<RegisterRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id AS receipt_id, d.id AS document_id,
                    b.code, b.title, b.handed_on, d.symbol, d.issued_on, d.title AS doc_title, d.classification,
                    u.code AS unit_code, v.name, l.quantity, l.received, r.signed_by, r.signed_on, r.status,
                    r.on_behalf, r.must_confirm,
                    (SELECT json_group_array(number) FROM (SELECT c.number FROM receipt_copy c
                     WHERE c.receipt_id = r.id AND c.document_id = d.id ORDER BY c.number)) AS copy_numbers
             FROM batch b
             JOIN receipt r ON r.batch_id = b.id
             JOIN receipt_line l ON l.receipt_id = r.id
             JOIN document d ON d.id = l.document_id
             JOIN unit u ON u.id = r.unit_id
             JOIN unit_version v ON v.unit_id = u.id AND v.valid_from <= b.handed_on AND b.handed_on < v.valid_to
             WHERE b.cancelled_at IS NULL AND b.handed_on BETWEEN ?1 AND ?2
             ORDER BY b.handed_on, b.code, v.sort_key, u.code, d.symbol",
        )?;
        let rows = stmt
            .query_map(params![from, to], |r| {
                let receipt: i64 = r.get("receipt_id")?;
                let document: i64 = r.get("document_id")?;
                Ok(RegisterRow {
                    batch: r.get("code")?,
                    batch_title: r.get("title")?,
                    handed: r.get("handed_on")?,
                    symbol: r.get("symbol")?,
                    issued: r.get("issued_on")?,
                    title: r.get("doc_title")?,
                    classification: stored(r, "document", "classification", document, classification)?,
                    unit_code: r.get("unit_code")?,
                    unit_name: r.get("name")?,
                    quantity: r.get("quantity")?,
                    received: r.get("received")?,
                    signed_by: r.get("signed_by")?,
                    signed_on: r.get("signed_on")?,
                    status: stored(r, "receipt", "status", receipt, ReceiptStatus::parse)?,
                    on_behalf: r.get("on_behalf")?,
                    must_confirm: r.get("must_confirm")?,
                    copy_numbers: super::copies::numbers_json(r, 18)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Actor, Store};

    #[test]
    fn an_unknown_status_or_classification_stops_the_register_and_the_slips() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = Store::open(&dir.path().join("t.sqlite3")).expect("open");
        s.load_demo(&Actor::new("văn thư", "test")).expect("demo");
        let to = crate::dates::today();
        let from = to - chrono::Days::new(60);
        let batch = s.list_batches().expect("batches").remove(0).code;
        assert!(!s.register_lines(from, to).expect("register").is_empty());
        let raw = s.connection();
        // The schema's CHECKs refuse these values: only an edit outside the app gets them in.
        raw.pragma_update(None, "ignore_check_constraints", true)
            .expect("pragma");

        // Once an ordinary line with no note.
        raw.execute("UPDATE receipt SET state = 'lost' WHERE id = 1", [])
            .expect("corrupt");
        let msg = s.register_lines(from, to).expect_err("unknown status").to_string();
        assert!(
            msg.contains("bảng receipt") && msg.contains("dòng 1") && msg.contains("«lost»"),
            "{msg}"
        );
        raw.execute("UPDATE receipt SET state = 0 WHERE id = 1", [])
            .expect("repair");

        // Once printed with its summary, as an ordinary document.
        raw.execute("UPDATE document SET classification = 'tuyet mat'", [])
            .expect("corrupt");
        let msg = s
            .register_lines(from, to)
            .expect_err("unknown classification")
            .to_string();
        assert!(msg.contains("bảng document") && msg.contains("«tuyet mat»"), "{msg}");
        let msg = s.slip_pages(&batch, None, 1).expect_err("slips").to_string();
        assert!(msg.contains("bảng document") && msg.contains("«tuyet mat»"), "{msg}");
    }
}

//! The `document` table: the register of documents with their copies on
//! hand (received minus handed out in live batches, always computed). What
//! a symbol means, which summaries may be shown and what a new document
//! must hold are rules of `crate::documents`.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};

use super::stored::stored;
use super::Dao;
use crate::error::{Error, Result};
use crate::model::{Classification, Document};
use crate::text;

/// A classification as stored (`normal`, `secret`, `top_secret`,
/// `absolute`); nothing else, not even a label, is read as one.
pub(crate) fn classification(s: &str) -> Option<Classification> {
    Classification::ALL.into_iter().find(|c| c.as_str() == s)
}

/// Copies received: those entered, and those of the inbox receipts addressed
/// to our own unit (the received count when partial, none when declined).
macro_rules! received {
    () => {
        "(d.copies_received + coalesce((
        SELECT sum(CASE r.status WHEN 'declined' THEN 0 ELSE coalesce(l.received, l.quantity) END)
        FROM inbox_line l JOIN inbox_receipt r ON r.uid = l.receipt_uid JOIN inbox_batch ib ON ib.uid = r.batch_uid
        WHERE l.document_id = d.id AND r.own = 1 AND ib.cancelled = 0), 0))"
    };
}

const COLUMNS: &str = concat!(
    "d.id, d.uid, d.symbol, d.doc_type, d.issuer, d.term, d.title, d.issued_on, d.classification, ",
    received!(),
    " AS copies_received, ",
    // A document kept by numbered copy has on hand the copies in the
    // office (never handed, or returned); destroyed ones are gone.
    "CASE WHEN EXISTS (SELECT 1 FROM doc_copy c WHERE c.document_id = d.id)
     THEN (SELECT count(*) FROM doc_copy c WHERE c.document_id = d.id AND c.state IN ('in_office', 'returned'))
     ELSE ",
    received!(),
    " - coalesce((SELECT sum(bd.copies) FROM batch_document bd JOIN batch b ON b.id = bd.batch_id
                 WHERE bd.document_id = d.id AND b.cancelled_at IS NULL), 0) END AS on_hand"
);

/// A document as stored, with its id. Its `warnings` are left empty: they
/// are a rule about its symbol (`documents::with_warnings`), not a fact kept.
fn from_row(r: &Row<'_>) -> rusqlite::Result<(i64, Document)> {
    let id: i64 = r.get("id")?;
    Ok((
        id,
        Document {
            uid: r.get("uid")?,
            symbol: r.get("symbol")?,
            doc_type: r.get::<_, Option<String>>("doc_type")?.unwrap_or_default(),
            issuer: r.get::<_, Option<String>>("issuer")?.unwrap_or_default(),
            term: r.get("term")?,
            title: r.get("title")?,
            warnings: Vec::new(),
            issued_on: r.get::<_, Option<NaiveDate>>("issued_on")?,
            classification: stored(r, "document", "classification", id, classification)?,
            copies_received: r.get("copies_received")?,
            copies_on_hand: r.get("on_hand")?,
        },
    ))
}

/// The columns of a new document.
pub(crate) struct DocumentInsert<'a> {
    pub uid: &'a str,
    pub symbol: &'a str,
    pub number: &'a str,
    pub doc_type: &'a str,
    pub issuer: &'a str,
    pub term: &'a str,
    pub title: &'a str,
    pub issued_on: Option<NaiveDate>,
    pub classification: Classification,
    pub copies_received: u32,
}

impl Dao<'_> {
    /// Uids of the documents handed (in live batches) to one of `units` (a
    /// JSON array of unit ids).
    pub(crate) fn documents_of_units(&self, units: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT d.uid FROM batch b
             CROSS JOIN receipt r ON r.batch_id = b.id AND r.unit_id IN (SELECT value FROM json_each(?1))
             JOIN receipt_line l ON l.receipt_id = r.id JOIN document d ON d.id = l.document_id
             WHERE b.cancelled_at IS NULL",
        )?;
        let uids = stmt
            .query_map([units], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(uids)
    }

    /// The document with this symbol (id and record; the latest term's
    /// when several terms used it), or `NotFound`.
    pub(crate) fn document_by_symbol(&self, symbol: &str) -> Result<(i64, Document)> {
        let sql = format!("SELECT {COLUMNS} FROM document d WHERE d.symbol = ?1 ORDER BY d.id DESC LIMIT 1");
        self.conn
            .prepare_cached(&sql)?
            .query_row([text::clean(symbol)], from_row)
            .optional()?
            .ok_or_else(|| Error::not_found("Văn bản", symbol))
    }

    /// The document chosen by `uid` when given (and only if it has this
    /// symbol), else the latest term's of this symbol (numbers run per
    /// committee term, so one symbol may name several documents).
    pub(crate) fn document_chosen(&self, symbol: &str, uid: Option<&str>) -> Result<Option<(i64, Document)>> {
        let Some(uid) = uid else {
            return match self.document_by_symbol(symbol) {
                Ok(found) => Ok(Some(found)),
                Err(Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            };
        };
        let sql = format!("SELECT {COLUMNS} FROM document d WHERE d.uid = ?1");
        let found = self.conn.prepare_cached(&sql)?.query_row([uid], from_row).optional()?;
        Ok(found.filter(|(_, doc)| doc.symbol == text::clean(symbol)))
    }

    /// Every document, newest first (by date of issue, then by entry).
    pub(crate) fn documents(&self) -> Result<Vec<Document>> {
        let sql = format!("SELECT {COLUMNS} FROM document d ORDER BY d.issued_on DESC, d.id DESC");
        let mut stmt = self.conn.prepare(&sql)?;
        let docs = stmt
            .query_map([], from_row)?
            .map(|r| r.map(|(_, d)| d))
            .collect::<rusqlite::Result<_>>()?;
        Ok(docs)
    }

    /// The document of this symbol in this committee term, if registered.
    pub(crate) fn document_of_term(&self, symbol: &str, term: &str) -> Result<Option<(i64, Document)>> {
        let sql = format!("SELECT {COLUMNS} FROM document d WHERE d.symbol = ?1 AND d.term = ?2");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(params![symbol, term], from_row)
            .optional()?)
    }

    /// True when the register has this symbol in this term.
    pub(crate) fn document_in_term(&self, symbol: &str, term: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM document WHERE symbol = ?1 AND term = ?2)")?
            .query_row(params![symbol, term], |r| r.get(0))?)
    }

    /// Writes a new document.
    pub(crate) fn insert_document_row(&self, d: &DocumentInsert<'_>) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO document (uid, symbol, number, doc_type, issuer, term, title, issued_on, classification,
                                   copies_received, search_key, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                d.uid,
                d.symbol,
                d.number,
                d.doc_type,
                d.issuer,
                d.term,
                d.title,
                d.issued_on,
                d.classification.as_str(),
                d.copies_received,
                text::search_key(&format!("{} {}", d.symbol, d.title)),
                crate::dates::now_utc()
            ])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::model::NewDocument;
    use crate::{Actor, Store};

    #[test]
    fn an_unknown_classification_is_reported_not_read_as_ordinary() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = Store::open(&dir.path().join("t.sqlite3")).expect("open");
        let doc = NewDocument {
            symbol: "05-KH/HU".into(),
            title: "Kế hoạch".into(),
            ..NewDocument::default()
        };
        s.add_document(&Actor::new("t", "test"), doc).expect("add");
        let raw = s.connection();
        // The schema's CHECK refuses the value: only an edit outside the app gets it in.
        raw.pragma_update(None, "ignore_check_constraints", true)
            .expect("pragma");
        raw.execute("UPDATE document SET classification = 'mat' WHERE id = 1", [])
            .expect("corrupt");
        let err = s.list_documents().expect_err("a corrupt row is refused");
        let msg = err.to_string();
        assert!(
            msg.contains("bảng document") && msg.contains("dòng 1") && msg.contains("«mat»"),
            "{msg}"
        );
    }
}

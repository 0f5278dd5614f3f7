//! The documents register: symbols such as `05-KH/HU`, classification, and
//! copies on hand (received minus handed out, always computed).
//!
//! The summary (trích yếu) of a Tuyệt mật document is kept, but never leaves
//! the register in a file, a printout or the command line's output: every
//! list of documents, slip, register and export shows `ABSOLUTE_SUMMARY`
//! instead (`shown_title`). Only the documents screen of the staff (see
//! `access`) shows it.
//!
//! The rows are read and written through the db layer (`db::documents`).

use serde_json::json;

use crate::db::{new_uid, Actor, Dao, DocumentInsert, Store};
use crate::error::{Error, Result};
use crate::model::{Document, NewDocument};
use crate::text;

/// A document symbol split into its parts: `05-KH/HU` → 05, KH, HU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub number: String,
    pub doc_type: String,
    pub issuer: String,
}

/// Document types of the party (NQ nghị quyết, CT chỉ thị, …).
const KNOWN_TYPES: &[&str] = &[
    "NQ", "CT", "KL", "QĐ", "QC", "HD", "KH", "CV", "TB", "ĐA", "BC", "TTr", "CTr", "TT", "BB", "QyĐ", "HĐ", "GM", "PC",
];

/// Issuing bodies seen often; others are accepted with a warning.
const KNOWN_BODIES: &[&str] = &[
    "TW", "VPTW", "BTCTW", "BTGTW", "BTGDVTW", "UBKTTW", "BDVTW", "BNCTW", "ĐUQSTW", "ĐUCA", "ĐUCQTW", "TU", "VPTU",
    "BTCTU", "BTGTU", "BTGDVTU", "UBKTTU", "BDVTU", "BNCTU", "HU", "QU", "TXU", "THU", "ĐU", "ĐUK", "CB", "BCĐ", "BCS",
    "ĐĐ",
];

impl Symbol {
    /// Visible warnings for a type or body this register does not know.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if !KNOWN_TYPES.contains(&self.doc_type.as_str()) {
            w.push(format!(
                "loại văn bản «{}» chưa có trong danh mục; vẫn nhận",
                self.doc_type
            ));
        }
        let body = self.issuer.split(['-', '/']).next().unwrap_or("");
        if !KNOWN_BODIES.contains(&body) {
            w.push(format!(
                "cơ quan ban hành «{}» chưa có trong danh mục; vẫn nhận",
                self.issuer
            ));
        }
        w
    }

    /// Parses `NUMBER-TYPE/BODY`; the error says what is wrong.
    pub fn parse(s: &str) -> std::result::Result<Symbol, String> {
        let (number, rest) = s.split_once('-').ok_or_else(|| {
            format!("«{s}» thiếu dấu «-» giữa số và loại văn bản (dạng SỐ-LOẠI/CƠ QUAN, ví dụ 05-KH/HU)")
        })?;
        let (doc_type, issuer) = rest.split_once('/').ok_or_else(|| {
            format!("«{s}» thiếu dấu «/» trước cơ quan ban hành (dạng SỐ-LOẠI/CƠ QUAN, ví dụ 05-KH/HU)")
        })?;
        if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("số văn bản «{number}» phải là chữ số"));
        }
        if doc_type.is_empty() || !doc_type.chars().all(char::is_alphabetic) {
            return Err(format!("loại văn bản «{doc_type}» phải là chữ cái (NQ, CT, KH, …)"));
        }
        let body_ok = !issuer.is_empty()
            && issuer
                .split(['-', '/'])
                .all(|part| !part.is_empty() && part.chars().all(char::is_alphanumeric));
        if !body_ok {
            return Err(format!("cơ quan ban hành «{issuer}» không hợp lệ"));
        }
        Ok(Symbol {
            number: number.into(),
            doc_type: doc_type.into(),
            issuer: issuer.into(),
        })
    }
}

// The rule that hides a Tuyệt mật summary belongs to the data itself (the
// db layer applies it to every slip line it reads), so it lives in the model.
pub use crate::model::{shown_title, ABSOLUTE_SUMMARY};

/// `doc` with the warnings its symbol earns (a type or issuing body this
/// register does not know).
pub(crate) fn with_warnings(mut doc: Document) -> Document {
    doc.warnings = Symbol::parse(&doc.symbol).map(|s| s.warnings()).unwrap_or_default();
    doc
}

/// Adds a document inside the caller's transaction: a well-formed symbol
/// (`NUMBER-TYPE/BODY`) not yet in the register for its term, and a summary.
pub(crate) fn insert_document(dao: &Dao<'_>, input: &NewDocument) -> Result<Document> {
    let symbol = insert_document_rows(dao, input)?;
    Ok(with_warnings(dao.document_by_symbol(&symbol)?.1))
}

/// [`insert_document`] without reading the new document back: for an import
/// of thousands of documents. Returns the cleaned symbol.
pub(crate) fn insert_document_rows(dao: &Dao<'_>, input: &NewDocument) -> Result<String> {
    let symbol = text::clean(&input.symbol);
    if symbol.is_empty() {
        return Err(Error::invalid("symbol", "Số ký hiệu không được để trống"));
    }
    let parts = Symbol::parse(&symbol).map_err(|why| Error::invalid("symbol", format!("Số ký hiệu sai: {why}")))?;
    let title = text::clean(&input.title);
    if title.is_empty() {
        return Err(Error::invalid("title", "Trích yếu không được để trống"));
    }
    let term = text::clean_opt(input.term.as_deref()).unwrap_or_default();
    if dao.document_in_term(&symbol, &term)? {
        let in_term = if term.is_empty() {
            String::new()
        } else {
            format!(" khóa {term}")
        };
        return Err(Error::conflict(
            "symbol",
            format!("Văn bản «{symbol}» đã có trong sổ{in_term}"),
        ));
    }
    let uid = new_uid();
    dao.insert_document_row(&DocumentInsert {
        uid: &uid,
        symbol: &symbol,
        number: &parts.number,
        doc_type: &parts.doc_type,
        issuer: &parts.issuer,
        term: &term,
        title: &title,
        issued_on: input.issued_on,
        classification: input.classification,
        copies_received: input.copies_received,
    })?;
    let (id, _) = dao.document_by_symbol(&symbol)?;
    crate::copies::number_new_document(
        dao,
        id,
        input.classification,
        input.copies_received,
        input.issued_on.unwrap_or_else(crate::dates::today),
    )?;
    dao.log(
        "document.add",
        Some(&uid),
        &json!({ "symbol": symbol, "title": title, "issued_on": input.issued_on,
                 "classification": input.classification.as_str(), "copies_received": input.copies_received }),
    )?;
    Ok(symbol)
}

impl Store {
    pub fn add_document(&mut self, actor: &Actor, doc: NewDocument) -> Result<Document> {
        self.write(actor, |dao| insert_document(dao, &doc))
    }

    /// The register, newest first, as it may be printed or exported: no
    /// Tuyệt mật summary (see `ABSOLUTE_SUMMARY`).
    pub fn list_documents(&self) -> Result<Vec<Document>> {
        let mut docs = self.documents_with_summaries()?;
        for d in &mut docs {
            d.title = shown_title(d.classification.as_str(), std::mem::take(&mut d.title));
        }
        Ok(docs)
    }

    /// The uid of the document of `symbol` registered in committee term
    /// `term` (a symbol's numbers run per term), if the register has it.
    pub fn document_uid_of_term(&self, symbol: &str, term: &str) -> Result<Option<String>> {
        let (symbol, term) = (crate::text::clean(symbol), crate::text::clean(term));
        Ok(self
            .read(|dao| dao.document_of_term(&symbol, &term))?
            .map(|(_, d)| d.uid))
    }

    /// The register, newest first, with every summary: only for the screen
    /// of those allowed to read them (`access`).
    pub(crate) fn documents_with_summaries(&self) -> Result<Vec<Document>> {
        let docs = self.read(|dao| dao.documents())?;
        Ok(docs.into_iter().map(with_warnings).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_parse_into_parts() {
        let s = Symbol::parse("05-KH/HU").expect("parse");
        assert_eq!(
            s,
            Symbol {
                number: "05".into(),
                doc_type: "KH".into(),
                issuer: "HU".into()
            }
        );
        assert_eq!(Symbol::parse("369-CV/BTGTU").expect("parse").issuer, "BTGTU");
        assert_eq!(Symbol::parse("399-QĐ/TW").expect("parse").doc_type, "QĐ");
        assert_eq!(Symbol::parse("12-CTr/TU").expect("parse").doc_type, "CTr");
    }

    #[test]
    fn malformed_symbols_say_why() {
        assert!(Symbol::parse("05KH/HU").expect_err("no dash").contains('-'));
        assert!(Symbol::parse("05-KH-HU").expect_err("no slash").contains('/'));
        assert!(Symbol::parse("A5-KH/HU").expect_err("number").contains("chữ số"));
        assert!(Symbol::parse("05-/HU").is_err());
        assert!(Symbol::parse("05-KH/").is_err());
    }
}

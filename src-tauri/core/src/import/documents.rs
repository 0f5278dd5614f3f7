//! Importing documents: each row checked (symbol, summary, date, copies,
//! classification, committee term), a document already in the register with
//! the same values left unchanged (with a "Khóa" column, the row's term's
//! document of the symbol; without, the latest term's), and the new ones
//! written only when the whole file holds no error.

use std::collections::HashMap;

use super::checker::{outcome, Checker};
use super::report::{ImportReport, Register, RowAction};
use crate::db::Dao;
use crate::documents::{insert_document_rows, Symbol, ABSOLUTE_SUMMARY};
use crate::error::{Error, Result};
use crate::model::{Classification, NewDocument};
use crate::tabular::{self, Columns, Issue, Table};
use crate::text;

use super::Rows;

/// Checks every row of a documents file and, when none has an error, adds
/// the new documents in the caller's transaction.
pub(super) fn check_documents(
    dao: &Dao<'_>,
    table: &Table,
    cols: Columns,
    warnings: Vec<Issue>,
    progress: &mut Rows<'_>,
) -> Result<ImportReport> {
    let mut ck = Checker::new(table, cols, warnings);
    let mut rows = Vec::with_capacity(table.rows.len());
    // A symbol recurs once per committee term: (symbol, term) is the key.
    let mut first_row: HashMap<(String, String), usize> = HashMap::new();
    let mut new_docs = Vec::new();
    for (i, row) in table.rows.iter().enumerate() {
        progress.checking(i)?;
        let symbol = text::clean(ck.get(row, "symbol"));
        let title = text::clean(ck.get(row, "title"));
        // With a "Khóa" column each row names its term (an empty cell: a
        // document registered without one); without it, the latest term's.
        let term = ck.has("term").then(|| ck.opt(row, "term").unwrap_or_default());
        let key = (symbol.clone(), term.clone().unwrap_or_default());
        if symbol.is_empty() {
            ck.error(row, "symbol", "Số ký hiệu không được để trống".into());
        } else if let Err(why) = Symbol::parse(&symbol) {
            ck.error(row, "symbol", format!("Số ký hiệu sai: {why}"));
        } else if let Some(&first) = first_row.get(&key) {
            ck.error(row, "symbol", format!("Văn bản «{symbol}» trùng với dòng {first}"));
        } else {
            first_row.insert(key, row.line);
            for w in Symbol::parse(&symbol).map(|s| s.warnings()).unwrap_or_default() {
                ck.warn(row, "symbol", w);
            }
        }
        if title.is_empty() {
            ck.error(row, "title", "Trích yếu không được để trống".into());
        }
        let issued_on = match ck.opt(row, "date") {
            None => None,
            Some(d) => match tabular::parse_date(&d) {
                Ok(d) => Some(d),
                Err(why) => {
                    ck.error(row, "date", why);
                    None
                }
            },
        };
        let copies = match ck.opt(row, "copies") {
            None => 0,
            Some(c) => tabular::parse_count(&c).unwrap_or_else(|why| {
                ck.error(row, "copies", why);
                0
            }),
        };
        let classification = match ck.opt(row, "classification") {
            None => Classification::Normal,
            Some(c) => Classification::parse(&c).unwrap_or_else(|| {
                ck.error(
                    row,
                    "classification",
                    format!("Độ mật «{c}» không hợp lệ: Thường, Mật, Tối mật, Tuyệt mật"),
                );
                Classification::Normal
            }),
        };
        if ck.is_bad(row) {
            rows.push(outcome(row, &symbol, &title, RowAction::Error));
            continue;
        }
        let input = NewDocument {
            symbol: symbol.clone(),
            title: title.clone(),
            issued_on,
            copies_received: copies,
            classification,
            term: term.clone().filter(|t| !t.is_empty()),
        };
        // With its term, that term's document; without, the latest term's.
        let existing = match &term {
            Some(term) => dao
                .document_of_term(&symbol, term)?
                .ok_or_else(|| Error::not_found("Văn bản", symbol.clone())),
            None => dao.document_by_symbol(&symbol),
        };
        match existing {
            Ok((_, d)) => {
                let diffs = [
                    // An export stands a placeholder for a Tuyệt mật summary.
                    (
                        "title",
                        d.title != title
                            && !(d.classification == Classification::Absolute && title == ABSOLUTE_SUMMARY),
                    ),
                    ("date", issued_on.is_some() && d.issued_on != issued_on),
                    ("copies", copies != 0 && d.copies_received != copies),
                    ("classification", d.classification != classification),
                ];
                for (field, differs) in diffs {
                    if differs {
                        ck.error(
                            row,
                            field,
                            format!("Văn bản «{symbol}» đã có trong sổ với giá trị khác"),
                        );
                    }
                }
                let action = if ck.is_bad(row) {
                    RowAction::Error
                } else {
                    RowAction::Unchanged
                };
                rows.push(outcome(row, &symbol, &title, action));
            }
            Err(Error::NotFound { .. }) => {
                rows.push(outcome(row, &symbol, &title, RowAction::Add));
                new_docs.push(input);
            }
            Err(e) => return Err(e),
        }
    }
    let ok = ck.issues.iter().all(|i| i.warning);
    let mut written = 0;
    if ok {
        for (n, d) in new_docs.iter().enumerate() {
            progress.writing(n, new_docs.len())?;
            insert_document_rows(dao, d)?;
            written += 1;
        }
    }
    progress.done(written);
    Ok(ImportReport {
        file: table.file.clone(),
        register: Register::Documents,
        rows,
        issues: ck.issues,
        new_kinds: Vec::new(),
        written: false,
    })
}

//! Numbered copies of classified documents (bản số): a classified document
//! is registered with its copies numbered 1..N (more ranges may be added
//! when copies arrive in another delivery); a batch hands each recipient
//! the next free numbers, or numbers chosen for it, and never a copy that
//! is out; a confirmation may say which numbers arrived. The queries are
//! `db/copies.rs`; recalls and destruction records are `recalls` and
//! `destruction`.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde_json::json;

use crate::db::{Actor, BatchPlan, Dao, Store};
use crate::error::{Error, Result};
use crate::model::{Classification, Confirmation, CopyRow, HeldCopy, NewBatch};
use crate::text;

/// Most copies one register line may number (a guard against "1-999999999").
const MAX_COPIES: u32 = 100_000;

/// Parses copy numbers as typed: "3,4", "1-20", "1-5, 9" (sorted, without
/// repeats); `field` names the input in the error.
pub fn parse_numbers(field: &str, s: &str) -> Result<Vec<u32>> {
    let bad = |part: &str| Error::invalid(field, format!("Bản số «{part}» không hợp lệ (ví dụ: 3,4 hoặc 1-20)"));
    let mut out = BTreeSet::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (part, part),
        };
        let a: u32 = a.parse().map_err(|_| bad(part))?;
        let b: u32 = b.parse().map_err(|_| bad(part))?;
        if a == 0 || b < a || b - a >= MAX_COPIES || out.len() as u32 + (b - a) >= MAX_COPIES {
            return Err(bad(part));
        }
        out.extend(a..=b);
    }
    if out.is_empty() {
        return Err(Error::invalid(field, "Chưa ghi bản số nào"));
    }
    Ok(out.into_iter().collect())
}

/// Numbers a new classified document's copies 1..N, in the office from `day`
/// (a document of ordinary classification is not kept by number).
pub(crate) fn number_new_document(
    dao: &Dao<'_>,
    document_id: i64,
    classification: Classification,
    copies: u32,
    day: NaiveDate,
) -> Result<()> {
    if classification == Classification::Normal || copies == 0 {
        return Ok(());
    }
    let numbers: Vec<u32> = (1..=copies).collect();
    dao.insert_copies(document_id, &numbers, day)
}

/// The numbers each recipient of a batch gets of each numbered document:
/// (unit id, document id, numbers).
pub(crate) type Assigned = Vec<(i64, i64, Vec<u32>)>;

/// Works out the copy numbers of a planned batch: those chosen for a unit
/// first (as many as it gets, each in the office and chosen once), then the
/// next free numbers for the others, in the order of the recipients. Reads only.
pub(crate) fn plan_copies(dao: &Dao<'_>, input: &NewBatch, plan: &BatchPlan) -> Result<Assigned> {
    let mut out = Vec::new();
    let field = "copy_numbers";
    // The batch's documents by symbol (one per symbol: a symbol may name a
    // document of each committee term, the batch holds one of them).
    let mut in_batch = Vec::with_capacity(plan.documents.len());
    for &(doc_id, _) in &plan.documents {
        in_batch.push((dao.symbol_of_document(doc_id)?, doc_id));
    }
    for chosen in &input.copy_numbers {
        let symbol = text::clean(&chosen.symbol);
        let Some(&(_, id)) = in_batch.iter().find(|(s, _)| s.as_deref() == Some(symbol.as_str())) else {
            return Err(Error::invalid(field, format!("Văn bản «{symbol}» không có trong đợt")));
        };
        if !dao.has_numbered_copies(id)? {
            return Err(Error::invalid(
                field,
                format!("Văn bản «{symbol}» không quản lý theo bản số"),
            ));
        }
    }
    for &(doc_id, _) in &plan.documents {
        if !dao.has_numbered_copies(doc_id)? {
            continue;
        }
        let symbol = dao
            .symbol_of_document(doc_id)?
            .ok_or_else(|| Error::not_found("Văn bản", doc_id.to_string()))?;
        let mut free: BTreeSet<u32> = dao
            .copies_of(doc_id)?
            .into_iter()
            .filter(|c| c.state.in_office())
            .map(|c| c.copy)
            .collect();
        let wants = |unit_id: i64| -> u32 {
            plan.receipts
                .iter()
                .find(|r| r.unit_id == unit_id)
                .and_then(|r| r.lines.iter().find(|(d, _)| *d == doc_id))
                .map_or(0, |&(_, q)| q)
        };
        let mut chosen_units = Vec::new();
        for chosen in input.copy_numbers.iter().filter(|c| text::clean(&c.symbol) == symbol) {
            let unit = dao.unit_for(field, &chosen.unit, plan.handed_on)?;
            let q = wants(unit.id);
            if q == 0 || chosen_units.contains(&unit.id) {
                return Err(Error::invalid(
                    field,
                    format!(
                        "Đơn vị «{}» không nhận văn bản {symbol} trong đợt, hoặc được chọn bản số hai lần",
                        unit.unit.code
                    ),
                ));
            }
            let numbers: BTreeSet<u32> = chosen.numbers.iter().copied().collect();
            if numbers.len() != q as usize {
                return Err(Error::invalid(
                    field,
                    format!(
                        "Đơn vị «{}» nhận {q} bản {symbol} nhưng được chọn {} bản số",
                        unit.unit.code,
                        numbers.len()
                    ),
                ));
            }
            for n in &numbers {
                if !free.remove(n) {
                    return Err(Error::conflict(
                        field,
                        format!("Bản số {n:02} của văn bản {symbol} không ở văn phòng (đang ở đơn vị, đã tiêu hủy, chưa đăng ký hoặc đã chọn cho đơn vị khác)"),
                    ));
                }
            }
            chosen_units.push(unit.id);
            out.push((unit.id, doc_id, numbers.into_iter().collect()));
        }
        let need: u32 = plan
            .receipts
            .iter()
            .filter(|r| !chosen_units.contains(&r.unit_id))
            .map(|r| wants(r.unit_id))
            .sum();
        if need as usize > free.len() {
            return Err(Error::invalid(
                "documents",
                format!(
                    "Văn bản mật {symbol}: cần {need} bản số, tại văn phòng còn {} bản",
                    free.len()
                ),
            ));
        }
        for r in plan.receipts.iter().filter(|r| !chosen_units.contains(&r.unit_id)) {
            let q = wants(r.unit_id) as usize;
            if q > 0 {
                let numbers: Vec<u32> = free.iter().take(q).copied().collect();
                for n in &numbers {
                    free.remove(n);
                }
                out.push((r.unit_id, doc_id, numbers));
            }
        }
    }
    Ok(out)
}

/// Hands the planned copy numbers out with the batch's receipts and logs
/// them (`copies.hand`, one row for the batch).
pub(crate) fn hand_copies(dao: &Dao<'_>, batch_uid: &str, plan: &BatchPlan, assigned: &Assigned) -> Result<()> {
    if assigned.is_empty() {
        return Ok(());
    }
    let receipts = dao.receipts_by_unit(batch_uid)?;
    let mut logged = Vec::with_capacity(assigned.len());
    for (unit_id, doc_id, numbers) in assigned {
        let receipt = receipts
            .get(unit_id)
            .copied()
            .ok_or_else(|| Error::not_found("Phiếu giao", unit_id.to_string()))?;
        dao.hand_copies(receipt, *doc_id, numbers, plan.handed_on)?;
        let (unit, _) = dao.last_label(*unit_id)?;
        logged.push(json!({ "unit": unit, "document": dao.symbol_of_document(*doc_id)?, "numbers": numbers }));
    }
    dao.log(
        "copies.hand",
        Some(batch_uid),
        &json!({ "batch": plan.code, "copies": logged }),
    )
}

/// For a confirmation of `receipt_id`: the copies received of each numbered
/// document named in `c.copies` (checked against those handed with it).
pub(crate) fn arrived_counts(dao: &Dao<'_>, receipt_id: i64, c: &Confirmation) -> Result<Vec<(i64, Vec<u32>)>> {
    let mut out = Vec::new();
    // The receipt's own documents: of a symbol used in several committee
    // terms, the one it handed.
    let lines = dao.receipt_lines(receipt_id)?;
    for named in &c.copies {
        let symbol = text::clean(&named.symbol);
        let Some(&(doc_id, _)) = lines.iter().find(|(_, line)| line.symbol == symbol) else {
            return Err(Error::invalid(
                "copies",
                format!("Phiếu này không giao văn bản «{symbol}»"),
            ));
        };
        let handed = dao.receipt_copies(receipt_id, doc_id)?;
        if handed.is_empty() {
            return Err(Error::invalid(
                "copies",
                format!("Phiếu này không giao bản số nào của văn bản «{symbol}»"),
            ));
        }
        let numbers: BTreeSet<u32> = named.numbers.iter().copied().collect();
        if let Some(n) = numbers.iter().find(|n| !handed.contains(n)) {
            return Err(Error::invalid(
                "copies",
                format!(
                    "Bản số {n:02} của văn bản {symbol} không giao theo phiếu này (đã giao: {})",
                    crate::model::copy_list(&handed)
                ),
            ));
        }
        out.push((doc_id, numbers.into_iter().collect()));
    }
    Ok(out)
}

/// Records which numbered copies of a confirmed receipt arrived: those
/// named, or all of each document not named (none when declined). Logs
/// `receipt.copies` when the receipt has numbered copies.
pub(crate) fn record_arrivals(
    dao: &Dao<'_>,
    receipt_id: i64,
    receipt_uid: &str,
    named: &[(i64, Vec<u32>)],
    declined: bool,
    lines: &[i64],
) -> Result<()> {
    let mut logged = Vec::new();
    for &doc_id in lines {
        let handed = dao.receipt_copies(receipt_id, doc_id)?;
        if handed.is_empty() {
            continue;
        }
        let arrived: Vec<u32> = match named.iter().find(|(d, _)| *d == doc_id) {
            _ if declined => Vec::new(),
            Some((_, numbers)) => numbers.clone(),
            None => handed.clone(),
        };
        dao.set_arrived(receipt_id, doc_id, Some(&arrived))?;
        logged.push(json!({ "document": dao.symbol_of_document(doc_id)?, "handed": handed, "arrived": arrived }));
    }
    if logged.is_empty() {
        return Ok(());
    }
    dao.log("receipt.copies", Some(receipt_uid), &json!({ "copies": logged }))
}

impl Store {
    /// Every numbered copy of a document and where it is: the one `uid`
    /// names, else the latest term's of `symbol`.
    pub fn copies(&self, symbol: &str, uid: Option<&str>) -> Result<Vec<CopyRow>> {
        self.read(|dao| {
            let (id, _) = dao
                .document_chosen(symbol, uid)?
                .ok_or_else(|| Error::not_found("Văn bản", symbol))?;
            dao.copies_of(id)
        })
    }

    /// Registers more numbered copies of a classified document (another
    /// delivery): numbers not yet registered; the copies received grow with
    /// them. The document is the one `uid` names, else the latest term's.
    pub fn add_copies(
        &mut self,
        actor: &Actor,
        symbol: &str,
        uid: Option<&str>,
        numbers: &[u32],
        on: Option<NaiveDate>,
    ) -> Result<Vec<CopyRow>> {
        self.write(actor, |dao| {
            let (id, doc) = dao
                .document_chosen(symbol, uid)?
                .ok_or_else(|| Error::not_found("Văn bản", symbol))?;
            if doc.classification == Classification::Normal {
                return Err(Error::invalid(
                    "symbol",
                    format!("Văn bản «{}» không phải văn bản mật, không đánh bản số", doc.symbol),
                ));
            }
            let taken: Vec<u32> = dao.copies_of(id)?.into_iter().map(|c| c.copy).collect();
            if let Some(n) = numbers.iter().find(|n| taken.contains(n)) {
                return Err(Error::conflict(
                    "copies",
                    format!("Bản số {n:02} của văn bản {} đã có trong sổ", doc.symbol),
                ));
            }
            let day = on.unwrap_or_else(crate::dates::today);
            dao.insert_copies(id, numbers, day)?;
            let n = u32::try_from(numbers.len()).unwrap_or(u32::MAX);
            dao.add_copies_received(id, n)?;
            dao.log(
                "copies.add",
                Some(&doc.uid),
                &json!({ "symbol": doc.symbol, "numbers": numbers, "on": day }),
            )?;
            dao.copies_of(id)
        })
    }

    /// The classified copies a unit holds now.
    pub fn copies_held(&self, unit_code: &str) -> Result<Vec<HeldCopy>> {
        self.read(|dao| {
            let unit = dao.unit_for("unit", unit_code, crate::dates::today())?;
            dao.copies_held(unit.id)
        })
    }
}

//! Recalls (thu hồi): a recall names a classified document (or only its
//! copies of one batch) and a due date; every unit holding copies of it
//! must bring them back. Returns are recorded per copy (a copy the unit
//! does not hold is refused), a returned copy is back in the office, and a
//! unit that returned fewer stays in the outstanding list with the numbers
//! still out (rows of kind `recall`, merged into the list by `outstanding`).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde_json::json;

use crate::db::copies::RecallRow;
use crate::db::{today, Actor, Dao, Store};
use crate::error::{Error, Result};
use crate::model::{
    copy_list, NewRecall, OutstandingQuery, OutstandingRow, Recall, RecallReturn, ReceiptStatus, ReceivedRecall,
    RowKind, Tiers,
};
use crate::tree::Tree;
use crate::{dates, receipt_code, text};

/// Makes a recall inside the caller's transaction: every copy of the
/// document out now (of the batch, when named) is asked back by the due date.
pub(crate) fn make(dao: &Dao<'_>, input: &NewRecall) -> Result<Recall> {
    let code = text::clean(&input.code);
    if code.is_empty() {
        return Err(Error::invalid("code", "Mã đợt thu hồi không được để trống"));
    }
    let reason = text::clean(&input.reason);
    if reason.is_empty() {
        return Err(Error::invalid("reason", "Cần ghi lý do thu hồi"));
    }
    let made_on = input.made_on.unwrap_or_else(today);
    if input.due_on < made_on {
        return Err(Error::invalid(
            "due_on",
            format!(
                "Hạn thu hồi {} trước ngày thu hồi {}",
                dates::vi(input.due_on),
                dates::vi(made_on)
            ),
        ));
    }
    if dao.recall_code_taken(&code)? || dao.batch_code_taken(&code)? {
        return Err(Error::conflict("code", format!("Mã «{code}» đã dùng cho một đợt khác")));
    }
    let Some((document_id, doc)) = dao.document_chosen(&input.symbol, input.uid.as_deref())? else {
        return Err(Error::invalid(
            "symbol",
            format!("Văn bản «{}» không có trong sổ", input.symbol.trim()),
        ));
    };
    let batch = match input.batch.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        Some(b) => Some(dao.batch_by_code(b).map_err(|e| match e {
            Error::NotFound { .. } => Error::invalid("batch", format!("Đợt «{b}» không tồn tại")),
            e => e,
        })?),
        None => None,
    };
    let out = dao.copies_out(document_id, batch.as_ref().map(|(id, _)| *id))?;
    if out.is_empty() {
        return Err(Error::invalid(
            "symbol",
            format!("Không có bản nào của văn bản {} đang ở đơn vị để thu hồi", doc.symbol),
        ));
    }
    let row = RecallRow {
        id: 0,
        uid: String::new(),
        code: code.clone(),
        document_id,
        symbol: doc.symbol.clone(),
        batch: batch.as_ref().map(|(_, b)| b.code.clone()),
        made_on,
        due_on: input.due_on,
        reason: reason.clone(),
    };
    let uid = dao.insert_recall(&row, batch.as_ref().map(|(id, _)| *id), &out)?;
    let numbers: Vec<u32> = out.iter().map(|(n, _)| *n).collect();
    dao.log(
        "recall.create",
        Some(&uid),
        &json!({ "code": code, "symbol": doc.symbol, "batch": row.batch, "made_on": made_on,
                 "due_on": input.due_on, "reason": reason, "copies": numbers }),
    )?;
    recall(dao, &code)
}

/// A recall with its progress.
fn recall(dao: &Dao<'_>, code: &str) -> Result<Recall> {
    let r = dao.recall_by_code(code)?;
    let copies = dao.recall_copies(r.id, r.document_id)?;
    Ok(Recall {
        code: r.code,
        symbol: r.symbol,
        batch: r.batch,
        made_on: r.made_on,
        due_on: r.due_on,
        reason: r.reason,
        copies: copies.iter().map(|c| c.number).collect(),
        missing: copies
            .iter()
            .filter(|c| c.returned_on.is_none() && c.still_out)
            .map(|c| c.number)
            .collect(),
    })
}

/// What every return must say, checked the same way for a recall of ours
/// and for one a parent office sent: who brought the copies (named), the
/// day (today by default, not before the recall was made), and at least
/// one copy; the copy numbers in order, each once.
pub(crate) fn checked_return(input: &RecallReturn, made_on: NaiveDate) -> Result<(String, NaiveDate, Vec<u32>)> {
    let by = text::clean(&input.by);
    if by.is_empty() {
        return Err(Error::invalid("by", "Cần ghi tên người nộp lại"));
    }
    let on = input.on.unwrap_or_else(today);
    if on < made_on {
        return Err(Error::invalid(
            "on",
            format!(
                "Ngày nộp lại {} trước ngày thu hồi {}",
                dates::vi(on),
                dates::vi(made_on)
            ),
        ));
    }
    if input.copies.is_empty() {
        return Err(Error::invalid("copies", "Chưa ghi bản số nào được nộp lại"));
    }
    let mut numbers = input.copies.clone();
    numbers.sort_unstable();
    numbers.dedup();
    Ok((by, on, numbers))
}

/// Records copies brought back for a recall, inside the caller's
/// transaction: each must be one the recall asks of that unit and still
/// out with it.
pub(crate) fn take_back(dao: &Dao<'_>, input: &RecallReturn) -> Result<Recall> {
    let r = dao
        .recall_by_code(text::clean(&input.code).as_str())
        .map_err(|e| match e {
            Error::NotFound { .. } => {
                Error::invalid("code", format!("Đợt thu hồi «{}» không tồn tại", input.code.trim()))
            }
            e => e,
        })?;
    let (by, on, numbers) = checked_return(input, r.made_on)?;
    let copies = dao.recall_copies(r.id, r.document_id)?;
    // The unit: named, or the one of the slip the copies went out with.
    let (unit, receipt) = match input.receipt_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(raw) => {
            let code = receipt_code::parse(raw).map_err(|e| Error::invalid("receipt_code", format!("«{raw}»: {e}")))?;
            let Some((found, _)) = dao.receipt_by_code(&code)? else {
                return Err(Error::invalid(
                    "receipt_code",
                    format!("Không có phiếu nào mang mã nhận {code}"),
                ));
            };
            (found.unit_code, Some(found.id))
        }
        None => (dao.unit_for("unit", &input.unit, today())?.unit.code, None),
    };
    // A unit holds the copies of the units merged into it.
    let holders: Vec<String> = match receipt {
        Some(_) => vec![unit.clone()],
        None => dao.own_units(&unit)?.into_iter().map(|(_, code)| code).collect(),
    };
    let holds = |c: &crate::db::copies::RecallCopy| holders.contains(&c.unit_code);
    for n in &numbers {
        let held = copies.iter().find(|c| {
            c.number == *n
                && holds(c)
                && c.returned_on.is_none()
                && c.still_out
                && receipt.is_none_or(|id| id == c.receipt_id)
        });
        if held.is_none() {
            let now: Vec<u32> = copies
                .iter()
                .filter(|c| holds(c) && c.returned_on.is_none() && c.still_out)
                .map(|c| c.number)
                .collect();
            let holds = if now.is_empty() {
                "không còn giữ bản nào phải nộp".to_owned()
            } else {
                format!("đang giữ bản số {}", copy_list(&now))
            };
            return Err(Error::invalid(
                "copies",
                format!(
                    "Đơn vị {unit} không giữ bản số {n:02} của văn bản {} trong đợt thu hồi {} ({holds})",
                    r.symbol, r.code
                ),
            ));
        }
    }
    for n in &numbers {
        dao.return_copy(&r, *n, on, &by)?;
    }
    dao.log(
        "recall.return",
        Some(&r.uid),
        &json!({ "code": r.code, "symbol": r.symbol, "unit": unit, "copies": numbers, "by": by, "on": on }),
    )?;
    recall(dao, &r.code)
}

/// The recall codes among `query.batches` and whether any batch codes are
/// left (when every code named is a recall's, the receipts are left out).
pub(crate) fn split_codes(dao: &Dao<'_>, query: &OutstandingQuery) -> Result<(Vec<String>, Option<OutstandingQuery>)> {
    let mut recalls = Vec::new();
    let mut batches = Vec::new();
    for code in &query.batches {
        if dao.recall_code_taken(code)? {
            recalls.push(code.clone());
        } else {
            batches.push(code.clone());
        }
    }
    let rest = (query.batches.is_empty() || !batches.is_empty()).then(|| OutstandingQuery {
        batches,
        ..query.clone()
    });
    Ok((recalls, rest))
}

/// The outstanding list's recall rows, merged into `rows` in tree order:
/// one per recall and unit still holding copies on the day, with the
/// numbers still out. `recalls` are the codes asked for (all when the
/// query names no batch; none when it names only batches).
pub(crate) fn merge_rows(
    dao: &Dao<'_>,
    query: &OutstandingQuery,
    recalls: &[String],
    tiers: &Tiers,
    rows: &mut Vec<OutstandingRow>,
) -> Result<()> {
    if !query.batches.is_empty() && recalls.is_empty() {
        return Ok(());
    }
    // A document filter keeps the recalls of that document only.
    let day = query.as_of.unwrap_or_else(today);
    let codes = (!recalls.is_empty()).then(|| json!(recalls).to_string());
    let open = dao.open_recall_copies(day, codes.as_deref())?;
    if open.is_empty() {
        return Ok(());
    }
    let tree = dao.tree_on(day)?;
    let subtree = match &query.subtree {
        Some(code) if !code.trim().is_empty() => Some(dao.unit_for("subtree", code, day)?.id),
        _ => None,
    };
    let documents = crate::outstanding::document_filter(dao, query)?;
    // (recall code, shown unit, holding unit) → its copies still out; a
    // merged unit's copies show under its successor, as its receipts do.
    let successors = dao.successors(day)?;
    let mut grouped: BTreeMap<(String, i64, i64), Vec<&crate::db::copies::OpenRecallCopy>> = BTreeMap::new();
    for c in &open {
        let shown = successors.get(&c.unit_id).copied().unwrap_or(c.unit_id);
        grouped.entry((c.code.clone(), shown, c.unit_id)).or_default().push(c);
    }
    let label = |id: i64| -> Result<(String, String)> {
        match tree.get(id) {
            Some(n) => Ok((n.code.clone(), n.name.clone())),
            None => dao.last_label(id),
        }
    };
    let mut extra = Vec::new();
    for ((_, unit_id, holder), copies) in grouped {
        let first = copies[0];
        if subtree.is_some_and(|root| !tree.within(unit_id, root))
            || documents.as_ref().is_some_and(|ids| !ids.contains(&first.document_id))
        {
            continue;
        }
        let days = crate::outstanding::days_overdue(first.due_on, day);
        let tier = tiers.tier_of(days);
        if (query.overdue_only && days == 0) || query.tier.is_some_and(|t| t != tier) {
            continue;
        }
        let (unit_code, unit_name) = label(unit_id)?;
        let original = (holder != unit_id).then(|| label(holder)).transpose()?;
        let (group_code, group_name) = match tree.get(tree.group_of(unit_id)) {
            Some(g) => (g.code.clone(), g.name.clone()),
            None => (unit_code.clone(), unit_name.clone()),
        };
        let numbers: Vec<u32> = copies.iter().map(|c| c.number).collect();
        extra.push(OutstandingRow {
            batch: first.code.clone(),
            batch_title: format!("Thu hồi {}: {}", first.symbol, first.reason),
            unit_code,
            unit_name,
            group_code,
            group_name,
            secretary: dao.secretaries_on(day, &json!([unit_id]).to_string())?.remove(&unit_id),
            phone: tree.get(unit_id).and_then(|n| n.phone.clone()),
            handed: first.made_on,
            due: first.due_on,
            days_overdue: days,
            tier,
            copies: u32::try_from(numbers.len()).unwrap_or(u32::MAX),
            receipt_code: String::new(),
            status: ReceiptStatus::Pending,
            in_place_of: original.as_ref().map(|(code, _)| code.clone()),
            in_place_of_name: original.map(|(_, name)| name),
            kind: RowKind::Recall,
            copies_missing: numbers,
        });
    }
    if extra.is_empty() {
        return Ok(());
    }
    rows.extend(extra);
    sort_in_tree_order(&tree, rows);
    Ok(())
}

/// Orders rows by their unit's place in the tree (units not in it last),
/// keeping the order of rows of one unit: receipts, then recalls.
fn sort_in_tree_order(tree: &Tree, rows: &mut [OutstandingRow]) {
    let ranks: HashMap<&str, u32> = tree.ranks_by_code();
    let mut keyed: Vec<(u32, usize)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (ranks.get(r.unit_code.as_str()).copied().unwrap_or(u32::MAX), i))
        .collect();
    keyed.sort();
    let order: Vec<OutstandingRow> = keyed.iter().map(|&(_, i)| rows[i].clone()).collect();
    rows.clone_from_slice(&order);
}

impl Store {
    /// Makes a recall (see `make`).
    pub fn create_recall(&mut self, actor: &Actor, input: NewRecall) -> Result<Recall> {
        self.write(actor, |dao| make(dao, &input))
    }

    /// Records copies brought back for a recall.
    /// Records copies brought back: for a recall of ours, or for one a
    /// parent office sent (its code; the return then travels up to it).
    pub fn return_copies(&mut self, actor: &Actor, input: RecallReturn) -> Result<Recall> {
        self.write(actor, |dao| {
            let code = text::clean(&input.code);
            if !dao.recall_code_taken(&code)? {
                if let Some(r) = dao.inbox_recall_by_code(&code)? {
                    return crate::exchange::recall::take_back_here(dao, &r, &input);
                }
            }
            take_back(dao, &input)
        })
    }

    /// The recalls parent offices sent, a row per unit of ours holding
    /// copies of them.
    pub fn received_recall_rows(&self) -> Result<Vec<ReceivedRecall>> {
        self.read(crate::exchange::recall::received_rows)
    }

    /// The recalls parent offices sent, with the copies our units must
    /// bring back and those still missing.
    pub fn received_recalls(&self) -> Result<Vec<Recall>> {
        self.read(|dao| {
            dao.inbox_recalls()?
                .iter()
                .map(|r| crate::exchange::recall::inbox_view(dao, r))
                .collect()
        })
    }

    /// Every recall with its progress, newest first.
    pub fn recalls(&self) -> Result<Vec<Recall>> {
        self.read(|dao| dao.recalls()?.iter().map(|r| recall(dao, &r.code)).collect())
    }
}

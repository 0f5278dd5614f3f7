//! Recalls of classified copies between offices. Down: a recall of the
//! parent's with the copies the units of the child's subtree hold, and
//! again whenever copies come back at the parent. The child keeps it in its
//! inbox (`inbox_recall`), records there the copies its units bring back
//! (`recall return` with the parent's code), and those returns go up like
//! confirmations: the parent records each copy as brought back, through the
//! same checks as a return typed there; a copy it already has back, or one
//! the unit does not hold, is logged and left.

use std::collections::BTreeMap;

use serde_json::json;

use super::down::Applying;
use super::events::{CopyReturnEvent, Event, RecallEvent, V};
use crate::db::exchange::{PeerRow, SiteRow};
use crate::db::exchange_recall::{InboxRecall, RecalledCopy};
use crate::db::{today, Dao};
use crate::error::{Error, Result};
use crate::model::{Recall, RecallReturn, ReceivedRecall};

/// The recalls for a child office: with `first`, every one asking a copy
/// back from its subtree (`units`, a JSON array of codes); otherwise those
/// made or brought back here between the audit rows `cursor` and `last`.
pub(super) fn gather_down(
    dao: &Dao<'_>,
    site: &SiteRow,
    units: &str,
    (first, cursor, last): (bool, i64, i64),
) -> Result<Vec<Event>> {
    let touching = dao.recalls_for_units(units)?;
    let ids: Vec<i64> = if first {
        touching
    } else {
        dao.recalls_logged_between(cursor, last)?
            .into_iter()
            .filter(|id| touching.contains(id))
            .collect()
    };
    let mut events = Vec::new();
    for id in ids {
        let Some((r, copies)) = dao.recall_meta(id, units)? else {
            continue;
        };
        events.push(Event::Recall(RecallEvent {
            v: V,
            uid: r.uid,
            code: r.code,
            symbol: r.symbol,
            made_on: r.made_on,
            due: r.due_on,
            reason: r.reason,
            from: site.name.clone(),
            copies,
        }));
    }
    Ok(events)
}

/// Keeps a recall the parent sent (the copies of our subtree only).
pub(super) fn apply_recall(
    dao: &Dao<'_>,
    ctx: &mut Applying,
    site: &SiteRow,
    origin: &PeerRow,
    r: &RecallEvent,
) -> Result<()> {
    if let Some(c) = r.copies.iter().find(|c| c.number == 0) {
        return Err(Error::invalid(
            "packet",
            format!(
                "đợt thu hồi {}: bản số {} của đơn vị {} không hợp lệ",
                r.code, c.number, c.unit
            ),
        ));
    }
    let subtree = ctx.subtree(dao, site)?;
    let copies: Vec<RecalledCopy> = r.copies.iter().filter(|c| subtree.contains(&c.unit)).cloned().collect();
    let recall = InboxRecall {
        uid: r.uid.clone(),
        origin: origin.id.clone(),
        code: r.code.clone(),
        symbol: r.symbol.clone(),
        made_on: r.made_on,
        due_on: r.due,
        reason: r.reason.clone(),
        from_name: r.from.clone(),
    };
    dao.upsert_inbox_recall(&recall, &copies)?;
    let numbers: Vec<u32> = copies.iter().map(|c| c.number).collect();
    let back: Vec<u32> = copies
        .iter()
        .filter(|c| c.returned_on.is_some())
        .map(|c| c.number)
        .collect();
    dao.log(
        "inbox.recall",
        Some(&r.uid),
        &json!({ "code": r.code, "symbol": r.symbol, "from": r.from, "origin": origin.unit_code,
                 "due_on": r.due, "copies": numbers, "returned": back }),
    )
}

/// A recall of our inbox as the recall list shows it.
pub(crate) fn inbox_view(dao: &Dao<'_>, r: &InboxRecall) -> Result<Recall> {
    let copies = dao.inbox_recall_copies(&r.uid)?;
    Ok(Recall {
        code: r.code.clone(),
        symbol: r.symbol.clone(),
        batch: None,
        made_on: r.made_on,
        due_on: r.due_on,
        reason: r.reason.clone(),
        copies: copies.iter().map(|c| c.copy.number).collect(),
        missing: copies
            .iter()
            .filter(|c| c.copy.returned_on.is_none())
            .map(|c| c.copy.number)
            .collect(),
    })
}

/// The recalls parent offices sent, one row per unit of ours holding
/// copies, in the order of the recalls (latest due first) and unit codes.
pub(crate) fn received_rows(dao: &Dao<'_>) -> Result<Vec<ReceivedRecall>> {
    let day = today();
    let mut rows = Vec::new();
    for r in dao.inbox_recalls()? {
        let mut by_unit: BTreeMap<String, (Vec<u32>, Vec<u32>)> = BTreeMap::new();
        for c in dao.inbox_recall_copies(&r.uid)? {
            let (copies, missing) = by_unit.entry(c.copy.unit.clone()).or_default();
            copies.push(c.copy.number);
            if c.copy.returned_on.is_none() {
                missing.push(c.copy.number);
            }
        }
        for (unit_code, (copies, missing)) in by_unit {
            let unit_name = match dao.unit_for("unit", &unit_code, day) {
                Ok(u) => u.unit.name,
                Err(_) => unit_code.clone(),
            };
            rows.push(ReceivedRecall {
                code: r.code.clone(),
                symbol: r.symbol.clone(),
                from: r.from_name.clone(),
                made_on: r.made_on,
                due_on: r.due_on,
                reason: r.reason.clone(),
                unit_code,
                unit_name,
                copies,
                missing,
            });
        }
    }
    Ok(rows)
}

/// Records copies brought back here for a recall a parent office sent,
/// inside the caller's transaction: each must be one the recall asks of
/// that unit (or of a unit merged into it) and not back yet.
pub(crate) fn take_back_here(dao: &Dao<'_>, r: &InboxRecall, input: &RecallReturn) -> Result<Recall> {
    let (by, on, numbers) = crate::recalls::checked_return(input, r.made_on)?;
    let unit = dao.unit_for("unit", &input.unit, today())?.unit.code;
    let holders: Vec<String> = dao.own_units(&unit)?.into_iter().map(|(_, code)| code).collect();
    let copies = dao.inbox_recall_copies(&r.uid)?;
    for n in &numbers {
        let held = copies
            .iter()
            .any(|c| c.copy.number == *n && holders.contains(&c.copy.unit) && c.copy.returned_on.is_none());
        if !held {
            return Err(Error::invalid(
                "copies",
                format!(
                    "Đơn vị {unit} không giữ bản số {n:02} của văn bản {} trong đợt thu hồi {} của {}",
                    r.symbol, r.code, r.from_name
                ),
            ));
        }
    }
    for n in &numbers {
        dao.set_inbox_return(&r.uid, *n, on, &by)?;
    }
    dao.log(
        "inbox.return",
        Some(&r.uid),
        &json!({ "code": r.code, "symbol": r.symbol, "unit": unit, "copies": numbers, "by": by, "on": on }),
    )?;
    inbox_view(dao, r)
}

/// The returns recorded here on recalls the parent `peer` sent: every one
/// with `uids` None (the first packet), otherwise those of these recalls.
pub(super) fn gather_up(dao: &Dao<'_>, peer: &PeerRow, uids: Option<Vec<String>>) -> Result<Vec<Event>> {
    let uids = match uids {
        Some(u) => u,
        None => dao.inbox_recalls_returned_here(&peer.id)?,
    };
    let recalls = dao.inbox_recalls()?;
    let mut events = Vec::new();
    for uid in uids {
        let Some(r) = recalls.iter().find(|r| r.uid == uid) else {
            continue;
        };
        if r.origin != peer.id {
            continue;
        }
        let copies: Vec<RecalledCopy> = dao
            .inbox_recall_copies(&uid)?
            .into_iter()
            .filter(|c| c.set_here)
            .map(|c| c.copy)
            .collect();
        if !copies.is_empty() {
            events.push(Event::CopyReturn(CopyReturnEvent {
                v: V,
                recall: uid,
                code: r.code.clone(),
                copies,
            }));
        }
    }
    Ok(events)
}

/// Records the copies a child office says came back, as returns typed here
/// would be (who brought them, the day), grouped by unit, day and bearer.
pub(super) fn apply_return(dao: &Dao<'_>, origin: &PeerRow, r: &CopyReturnEvent, packet: &str) -> Result<()> {
    let ignore = |what: serde_json::Value, why: &str| {
        dao.log(
            "exchange.ignored",
            Some(&r.recall),
            &json!({ "recall": r.code, "copies": what, "origin": origin.unit_code, "packet": packet, "reason": why }),
        )
    };
    let Some(recall) = dao.recall_by_uid(&r.recall)? else {
        return ignore(json!(null), "đợt thu hồi không có trong sổ");
    };
    let ours = dao.recall_copies(recall.id, recall.document_id)?;
    let mut groups: BTreeMap<(String, chrono::NaiveDate, String), Vec<u32>> = BTreeMap::new();
    for c in &r.copies {
        let (Some(on), Some(by)) = (c.returned_on, c.returned_by.clone()) else {
            continue;
        };
        let open = ours
            .iter()
            .any(|o| o.number == c.number && o.returned_on.is_none() && o.still_out);
        if !open {
            // Back here already (recorded at this office, or by an earlier packet).
            continue;
        }
        if !dao.unit_within(&c.unit, &origin.unit_code, today())? {
            ignore(json!([c.number]), "đơn vị không thuộc văn phòng gửi gói")?;
            continue;
        }
        groups.entry((c.unit.clone(), on, by)).or_default().push(c.number);
    }
    for ((unit, on, by), copies) in groups {
        let input = RecallReturn {
            code: recall.code.clone(),
            unit,
            receipt_code: None,
            copies: copies.clone(),
            by: format!("{by} (qua văn phòng {})", origin.unit_code),
            on: Some(on),
        };
        match crate::recalls::take_back(dao, &input) {
            Ok(_) => {}
            Err(Error::Invalid { message, .. }) => ignore(json!(copies), &message)?,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

//! Up: what a child office sends its parent — the confirmations (and
//! undoings) recorded here on the receipts the parent handed, the state
//! of its own batches (`report`: every receipt's status), and the study
//! figures on the parent's campaigns (`study`), and the copies brought back
//! here for the parent's recalls (`recall`) — and how the
//! parent applies them: the receipt becomes confirmed as signed at the
//! child, recorded as coming by packet, unless the parent's own office
//! recorded a confirmation of it (that one stands; the packet's is logged
//! as ignored); a report replaces what that office reported of the batch,
//! which the consolidated outstanding list reads.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde_json::json;

use super::events::{ConfirmationEvent, Event, ReportEvent, V};
use crate::db::exchange::{PeerRow, SiteRow};
use crate::db::{now_utc, ConfirmationRow, ConfirmedVia, Dao, LineCount};
use crate::error::Result;
use crate::model::{ConfirmMethod, ReceiptStatus};

/// The confirmations and reports for the parent peer since `cursor` (the
/// first packet: every confirmation recorded here, every live batch).
pub(super) fn gather(dao: &Dao<'_>, site: &SiteRow, peer: &PeerRow, cursor: i64) -> Result<(Vec<Event>, i64)> {
    let (changes, last) = dao.changes_after(
        cursor,
        &[
            "inbox.confirm",
            "inbox.undo",
            "inbox.return",
            "batch.",
            "receipt.",
            "study.report",
        ],
    )?;
    let mut seen = BTreeSet::new();
    let mut confirmations: Vec<String> = Vec::new();
    let mut batches: Vec<String> = Vec::new();
    let mut studied: Vec<String> = Vec::new();
    let mut returned: Option<Vec<String>> = None;
    if cursor == 0 {
        confirmations = dao.inbox_set_here(&peer.id)?;
        batches = dao.live_batch_uids()?;
        studied = dao.study_reports_on_campaigns_from(&peer.id)?;
    } else {
        let mut returns = Vec::new();
        for c in changes {
            let Some(uid) = c.entity_uid else { continue };
            if c.action == "inbox.return" {
                if !returns.contains(&uid) {
                    returns.push(uid);
                }
            } else if c.action.starts_with("study.") {
                if seen.insert(uid.clone()) {
                    studied.push(uid);
                }
            } else if c.action.starts_with("inbox.") {
                if seen.insert(uid.clone()) {
                    confirmations.push(uid);
                }
            } else {
                let batch = if c.action.starts_with("batch.") {
                    Some(uid)
                } else {
                    dao.batch_uid_of_receipt(&uid)?
                };
                if let Some(b) = batch.filter(|b| seen.insert(b.clone())) {
                    batches.push(b);
                }
            }
        }
        returned = Some(returns);
    }
    let mut events = Vec::new();
    for uid in confirmations {
        let Some(r) = dao.inbox_receipt_by_uid(&uid)? else {
            continue;
        };
        if r.origin != peer.id {
            continue;
        }
        events.push(Event::Confirmation(ConfirmationEvent {
            v: V,
            receipt: r.uid,
            code: r.code,
            signed: r.signed,
            received: r.lines.into_iter().map(|(_, l)| l).collect(),
        }));
    }
    for uid in batches {
        if let Some(report) = dao.report_meta(&uid)? {
            events.push(Event::Report(ReportEvent { v: V, report }));
        }
    }
    events.extend(super::study::gather_up(dao, site, peer, studied)?);
    events.extend(super::recall::gather_up(dao, peer, returned)?);
    Ok((events, last))
}

/// Keeps what a child office reports of one of its own batches.
pub(super) fn apply_report(dao: &Dao<'_>, origin: &PeerRow, r: &ReportEvent) -> Result<()> {
    let r = &r.report;
    dao.replace_remote(&origin.id, r)?;
    let open = r
        .receipts
        .iter()
        .filter(|x| x.must_confirm && x.status != ReceiptStatus::Confirmed.as_str())
        .count();
    dao.log(
        "exchange.report",
        Some(&r.batch),
        &json!({ "from": origin.unit_code, "batch": r.code, "receipts": r.receipts.len(), "open": open,
                 "cancelled": r.cancelled }),
    )
}

/// Applies a confirmation from a child office to our receipt, through the
/// same writes and audit rows as a confirmation made here (`packet` names
/// the packet for the log); `dao` acts as that office.
pub(super) fn apply_confirmation(dao: &Dao<'_>, origin: &PeerRow, c: &ConfirmationEvent, packet: &str) -> Result<()> {
    let ignore = |why: &str| {
        dao.log(
            "exchange.ignored",
            Some(&c.receipt),
            &json!({ "receipt": c.code, "origin": origin.unit_code, "packet": packet, "reason": why }),
        )
    };
    let Some((receipt, cancelled)) = dao.own_receipt(&c.receipt)? else {
        return ignore("phiếu nhận không có trong sổ");
    };
    if cancelled {
        return ignore("đợt đã huỷ");
    }
    if !dao.unit_within(&receipt.unit_code, &origin.unit_code, crate::dates::today())? {
        return ignore("đơn vị nhận không thuộc văn phòng gửi gói");
    }
    if receipt.status != ReceiptStatus::Pending && !receipt.set_by_packet {
        return ignore("đã xác nhận tại văn phòng này");
    }
    let Some(status) = ReceiptStatus::parse(&c.signed.status) else {
        return ignore("trạng thái không rõ");
    };
    if status == ReceiptStatus::Pending {
        if receipt.status == ReceiptStatus::Pending {
            return Ok(());
        }
        let (uid, by, on) = dao.clear_confirmation(receipt.id)?;
        return dao.log_receipt_event(
            "receipt.undo",
            &uid,
            &json!({ "batch": receipt.batch_code, "unit": receipt.unit_code, "was": receipt.status.as_str(),
                     "by": by, "on": on, "reason": format!("huỷ xác nhận tại văn phòng {} ({packet})", origin.unit_code) }),
        );
    }
    let lines = dao
        .receipt_lines(receipt.id)?
        .into_iter()
        .map(|(document_id, line)| LineCount {
            document_id,
            listed: line.quantity,
            got: c
                .received
                .iter()
                .find(|l| l.symbol == line.symbol)
                .and_then(|l| l.received)
                .unwrap_or(line.quantity),
            stored: line.received,
        })
        .collect();
    let on = c
        .signed
        .signed_on
        .as_deref()
        .and_then(|s| s.parse::<NaiveDate>().ok())
        .unwrap_or(receipt.handed_on);
    crate::receipts::record(
        dao,
        &ConfirmationRow {
            receipt_id: receipt.id,
            unit: receipt.unit_code.clone(),
            in_place_of: None,
            status,
            by: c.signed.signed_by.clone().unwrap_or_else(|| origin.unit_code.clone()),
            on,
            entered_at: c.signed.entered_at.clone().unwrap_or_else(now_utc),
            method: ConfirmedVia::Method(ConfirmMethod::Remote),
            on_behalf: c.signed.on_behalf,
            note: c.signed.note.clone(),
            signature: None,
            signer_account: None,
            lines,
        },
    )
}

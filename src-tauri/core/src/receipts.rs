//! Confirming receipt: a unit signs for a batch (fully, partly, or
//! declines it), in person, from a returned slip or remotely, possibly on
//! behalf of the unit or in place of units merged into it ("nhận thay");
//! and undoing a confirmation. The rules live here; the writes are
//! `Dao::write_confirmation` and `Dao::clear_confirmation`.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::dates;
use crate::db::{now_utc, today, Actor, ConfirmationRow, ConfirmedVia, Dao, LineCount, ReceiptRef, Store};
use crate::error::{Error, Result};
use crate::model::{Batch, Confirmation, ReceiptDetail, ReceiptStatus};
use crate::{receipt_code, text};

/// The receipts a confirmation speaks for: the one named by its code, or
/// the unit's own in the batch plus those of units merged into it (it
/// signs in their place: "nhận thay"). Returns the batch, the code of the
/// unit that signs, and the receipts.
fn receipts_for(dao: &Dao<'_>, c: &Confirmation) -> Result<(Batch, String, Vec<ReceiptRef>)> {
    if let Some(raw) = c.receipt_code.as_deref().filter(|s| !s.trim().is_empty()) {
        let code =
            receipt_code::parse(raw).map_err(|e| Error::invalid("receipt_code", format!("«{}»: {e}", raw.trim())))?;
        let Some((receipt, batch)) = dao.receipt_by_code(&code)? else {
            return Err(Error::invalid(
                "receipt_code",
                format!("Không có phiếu nào mang mã nhận {code}"),
            ));
        };
        let (_, batch) = dao.batch_by_code(&batch)?;
        return Ok((batch, receipt.unit_code.clone(), vec![receipt]));
    }
    let (batch_id, batch) = dao.batch_by_code(&c.batch).map_err(|e| match e {
        Error::NotFound { .. } => Error::invalid("batch", format!("Đợt «{}» không tồn tại", c.batch)),
        e => e,
    })?;
    let unit = dao.unit_for("unit_code", &c.unit_code, today())?;
    let found = dao.receipts_of_unit(batch_id, unit.id)?;
    if found.is_empty() {
        return Err(Error::invalid(
            "unit_code",
            format!("Đơn vị «{}» không nhận đợt «{}»", unit.unit.code, batch.code),
        ));
    }
    Ok((batch, unit.unit.code, found))
}

/// Records a confirmation by the transaction's actor (the operator);
/// `signer_account` names the account of the person who signed, when
/// known (a PIN at the office, a signed-in secretary).
pub(crate) fn confirm(dao: &Dao<'_>, c: &Confirmation, signer_account: Option<&str>) -> Result<()> {
    let actor = dao.actor()?;
    if let Some(found) = crate::exchange::inbox::inbox_target(dao, c)? {
        return crate::exchange::inbox::confirm(dao, c, &found);
    }
    let (batch, unit_code, found) = receipts_for(dao, c)?;
    let by = text::clean(&c.by);
    if by.is_empty() {
        return Err(Error::invalid("by", "Cần ghi tên người ký nhận"));
    }
    let on = c.on.unwrap_or_else(today);
    check_signature_date(on, batch.handed_on)?;
    let open: Vec<&ReceiptRef> = found.iter().filter(|r| r.status != ReceiptStatus::Confirmed).collect();
    if open.is_empty() {
        return Err(Error::conflict(
            "unit_code",
            format!("Đơn vị «{unit_code}» đã xác nhận đợt «{}» rồi", batch.code),
        ));
    }
    let decline = text::clean_opt(c.decline.as_deref());
    let method = match c.method {
        Some(m) => ConfirmedVia::Method(m),
        None if actor.method == "cli" => ConfirmedVia::Cli,
        None => ConfirmedVia::App,
    };
    // Signing for the unit without being its secretary is recorded as such.
    let secretary = dao.unit_on(&unit_code, on).ok().and_then(|u| u.unit.secretary);
    let on_behalf = c.on_behalf || secretary.is_some_and(|s| text::search_key(&s) != text::search_key(&by));
    let note = text::clean_opt(c.note.as_deref());
    let signature = c.signature.as_deref().map(signature_png).transpose()?;
    for receipt in open {
        let lines = dao.receipt_lines(receipt.id)?;
        let arrived = crate::copies::arrived_counts(dao, receipt.id, c)?;
        for dq in &c.quantities {
            let symbol = text::clean(&dq.symbol);
            if !lines.iter().any(|(_, l)| l.symbol == symbol) {
                return Err(Error::invalid(
                    "quantities",
                    format!("Văn bản «{symbol}» không có trong phiếu này"),
                ));
            }
        }
        let counts: Vec<LineCount> = lines
            .iter()
            .map(|(document_id, line)| LineCount {
                document_id: *document_id,
                listed: line.quantity,
                got: arrived
                    .iter()
                    .find(|(d, _)| d == document_id)
                    .map(|(_, numbers)| u32::try_from(numbers.len()).unwrap_or(u32::MAX))
                    .or_else(|| {
                        c.quantities
                            .iter()
                            .find(|dq| text::clean(&dq.symbol) == line.symbol)
                            .map(|dq| dq.quantity)
                    })
                    .unwrap_or(line.quantity),
                stored: line.received,
            })
            .collect();
        let short = counts.iter().any(|l| l.got != l.listed);
        let status = match (&decline, short) {
            (Some(_), _) => ReceiptStatus::Declined,
            (None, true) => ReceiptStatus::Partial,
            (None, false) => ReceiptStatus::Confirmed,
        };
        record(
            dao,
            &ConfirmationRow {
                receipt_id: receipt.id,
                unit: unit_code.clone(),
                in_place_of: (receipt.unit_code != unit_code).then(|| receipt.unit_code.clone()),
                status,
                by: by.clone(),
                on,
                entered_at: now_utc(),
                method,
                on_behalf,
                note: decline.clone().or_else(|| note.clone()),
                signature: signature.clone(),
                signer_account: signer_account.map(str::to_owned),
                lines: counts,
            },
        )?;
        let docs: Vec<i64> = lines.iter().map(|(d, _)| *d).collect();
        let uid = dao.receipt_uid(receipt.id)?;
        crate::copies::record_arrivals(
            dao,
            receipt.id,
            &uid,
            &arrived,
            status == ReceiptStatus::Declined,
            &docs,
        )?;
    }
    Ok(())
}

/// Writes one confirmation and its `receipt.confirm` audit row: the one
/// path of every confirmation, from a click in the app to a bulk loader
/// (the scale generator of the benchmarks) confirming millions, so that
/// both write exactly the same. Runs in the caller's transaction.
pub fn record(dao: &Dao<'_>, c: &ConfirmationRow) -> Result<()> {
    let uid = dao.write_confirmation(c)?;
    dao.log_receipt_event("receipt.confirm", &uid, &ConfirmLog::of(c))
}

/// The detail of a `receipt.confirm` row: what the confirmation set, not
/// what the receipt (the row's entity) already names. The batch and the
/// unit are the receipt's; the signing unit is named only when it signs in
/// place of a unit merged into it. Fields at their usual value are left
/// out: status "confirmed" (the replay reads a confirmation without status
/// as confirmed, as the first versions wrote it), no note, no account, no
/// signature, not on behalf. A province's ten years log four million of
/// these, so the bytes count (about 80 instead of 260).
#[derive(Serialize)]
struct ConfirmLog<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    in_place_of: Option<&'a str>,
    by: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    signer_account: Option<&'a str>,
    on: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    method: &'static str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    on_behalf: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signature_sha256: Option<String>,
    /// (document id, copies listed, copies received) of each line that
    /// did not arrive as listed; empty when every copy arrived.
    received: Vec<(i64, u32, u32)>,
}

impl<'a> ConfirmLog<'a> {
    fn of(c: &'a ConfirmationRow) -> ConfirmLog<'a> {
        ConfirmLog {
            unit: c.in_place_of.as_ref().map(|_| c.unit.as_str()),
            in_place_of: c.in_place_of.as_deref(),
            by: &c.by,
            signer_account: c.signer_account.as_deref(),
            on: c.on,
            status: (c.status != ReceiptStatus::Confirmed).then(|| c.status.as_str()),
            method: c.method.as_str(),
            on_behalf: c.on_behalf,
            note: c.note.as_deref(),
            signature_sha256: c.signature.as_ref().map(|png| hex::encode(Sha256::digest(png))),
            received: c
                .lines
                .iter()
                .filter(|l| l.got != l.listed)
                .map(|l| (l.document_id, l.listed, l.got))
                .collect(),
        }
    }
}

/// Puts confirmed, partial or declined receipts back to pending; the reason
/// and the old values stay in the log.
pub(crate) fn undo(dao: &Dao<'_>, c: &Confirmation, reason: &str) -> Result<()> {
    let reason = text::clean(reason);
    if reason.is_empty() {
        return Err(Error::invalid("reason", "Cần ghi lý do huỷ xác nhận"));
    }
    if let Some(found) = crate::exchange::inbox::inbox_target(dao, c)? {
        return crate::exchange::inbox::undo(dao, &found, &reason);
    }
    let (batch, unit_code, found) = receipts_for(dao, c)?;
    let done: Vec<&ReceiptRef> = found.iter().filter(|r| r.status != ReceiptStatus::Pending).collect();
    if done.is_empty() {
        return Err(Error::invalid(
            "unit_code",
            format!("Đơn vị «{unit_code}» chưa xác nhận đợt «{}»", batch.code),
        ));
    }
    for receipt in done {
        let (uid, by, on) = dao.clear_confirmation(receipt.id)?;
        dao.clear_arrived(receipt.id)?;
        dao.log_receipt_event(
            "receipt.undo",
            &uid,
            &json!({ "batch": batch.code, "unit": receipt.unit_code, "was": receipt.status.as_str(),
                     "by": by, "on": on, "reason": reason }),
        )?;
    }
    Ok(())
}

/// Largest drawn signature accepted (a PNG of a signature pad is a few KiB).
const MAX_SIGNATURE_BYTES: usize = 512 * 1024;

/// Decodes a drawn signature sent as a PNG data URL; refuses anything else.
fn signature_png(data_url: &str) -> Result<Vec<u8>> {
    use base64::Engine;
    let bad = |why: &str| Error::invalid("signature", format!("Chữ ký vẽ không hợp lệ: {why}"));
    let b64 = data_url
        .strip_prefix("data:image/png;base64,")
        .ok_or_else(|| bad("cần ảnh PNG"))?;
    if b64.len() > MAX_SIGNATURE_BYTES * 4 / 3 + 4 {
        return Err(bad("ảnh quá lớn"));
    }
    let png = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| bad("dữ liệu hỏng"))?;
    if !png.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(bad("không phải tệp PNG"));
    }
    Ok(png)
}

/// A signature cannot predate the handout nor lie in the future.
fn check_signature_date(on: NaiveDate, handed: NaiveDate) -> Result<()> {
    if on < handed {
        return Err(Error::invalid(
            "on",
            format!("Ngày ký {} trước ngày giao {}", dates::vi(on), dates::vi(handed)),
        ));
    }
    if on > today() {
        return Err(Error::invalid("on", format!("Ngày ký {} ở tương lai", dates::vi(on))));
    }
    Ok(())
}

impl Store {
    /// Records that a unit received a batch (fully, partly) or declined it.
    pub fn confirm(&mut self, actor: &Actor, confirmation: Confirmation) -> Result<()> {
        self.write(actor, |dao| confirm(dao, &confirmation, None))
    }

    /// Undoes a confirmation; needs a reason, which is logged.
    pub fn undo_confirmation(&mut self, actor: &Actor, receipt: Confirmation, reason: &str) -> Result<()> {
        self.write(actor, |dao| undo(dao, &receipt, reason))
    }

    /// The receipt with this code (typed or scanned from a slip): one of
    /// ours, or else one of the inbox (a parent office's slip), which
    /// confirms the same way.
    pub fn receipt(&self, code: &str) -> Result<ReceiptDetail> {
        self.read(|dao| {
            if let Ok(parsed) = receipt_code::parse(code) {
                if dao.receipt_by_code(&parsed)?.is_none() {
                    if let Some(detail) = dao.inbox_receipt_detail(&parsed)? {
                        return Ok(detail);
                    }
                }
            }
            dao.receipt_detail(code)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batches::tests::{batch, date, setup};
    use crate::model::{DocQty, NewUnit, OutstandingQuery};

    #[test]
    fn confirmation_needs_a_name_and_a_sane_date() {
        let (_d, mut s, a) = setup();
        s.create_batch(&a, batch("B")).expect("batch");
        let mut c = Confirmation {
            batch: "B".into(),
            unit_code: "X1".into(),
            by: " ".into(),
            on: None,
            ..Default::default()
        };
        assert!(matches!(s.confirm(&a, c.clone()), Err(Error::Invalid { field, .. }) if field == "by"));
        c.by = "Lê Thị B".into();
        c.on = Some(date(2022, 8, 1));
        assert!(matches!(s.confirm(&a, c.clone()), Err(Error::Invalid { field, .. }) if field == "on"));
        c.unit_code = "X".into();
        c.on = None;
        assert!(matches!(s.confirm(&a, c), Err(Error::Invalid { field, .. }) if field == "unit_code"));
    }

    #[test]
    fn partial_declined_on_behalf_and_by_code() {
        let (_d, mut s, a) = setup();
        s.add_unit(
            &a,
            NewUnit {
                code: "X3".into(),
                name: "Chi bộ thôn Ba".into(),
                parent: Some("X".into()),
                ..Default::default()
            },
        )
        .expect("unit");
        s.set_signer(
            &a,
            crate::model::NewSigner {
                code: "X1".into(),
                role: crate::model::SignerRole::Secretary,
                name: "Nguyễn Văn Bí".into(),
                from_on: None,
            },
        )
        .expect("secretary");
        let b = s.create_batch(&a, batch("B")).expect("batch");
        assert_eq!(b.recipients, 3);
        let rows = s.outstanding(&OutstandingQuery::default()).expect("list");
        let code_of = |unit: &str| {
            rows.iter()
                .find(|r| r.unit_code == unit)
                .map(|r| r.receipt_code.clone())
                .expect("row")
        };

        // X1: a deputy signs in person; recorded as on behalf.
        let c = Confirmation {
            batch: "B".into(),
            unit_code: "X1".into(),
            by: "Lê Phó".into(),
            ..Default::default()
        };
        s.confirm(&a, c).expect("deputy confirms");
        let d = s.receipt(&code_of("X1")).expect("detail");
        assert_eq!((d.status, d.on_behalf), (ReceiptStatus::Confirmed, true));

        // X2: by receipt code from a returned slip, one copy short.
        let c = Confirmation {
            receipt_code: Some(code_of("X2").to_lowercase()),
            by: "Trần Thị B".into(),
            method: Some(crate::model::ConfirmMethod::Slip),
            quantities: vec![DocQty {
                symbol: "05-KH/HU".into(),
                quantity: 1,
                uid: None,
            }],
            note: Some("Thiếu 1 bản".into()),
            ..Default::default()
        };
        s.confirm(&a, c).expect("partial");
        let d = s.receipt(&code_of("X2")).expect("detail");
        assert_eq!(d.status, ReceiptStatus::Partial);
        assert_eq!(d.lines[0].received, Some(1));
        assert_eq!(d.method.as_deref(), Some("slip"));

        // X3 declines.
        let c = Confirmation {
            batch: "B".into(),
            unit_code: "X3".into(),
            by: "Phạm C".into(),
            decline: Some("Không đúng đối tượng".into()),
            ..Default::default()
        };
        s.confirm(&a, c).expect("decline");

        let left: Vec<(String, ReceiptStatus)> = s
            .outstanding(&OutstandingQuery::default())
            .expect("list")
            .into_iter()
            .map(|r| (r.unit_code, r.status))
            .collect();
        assert_eq!(
            left,
            vec![
                ("X3".to_owned(), ReceiptStatus::Declined),
                ("X2".to_owned(), ReceiptStatus::Partial)
            ]
        );

        // A typo in the code is caught before any lookup.
        let mut typo: Vec<char> = code_of("X3").chars().collect();
        typo[2] = if typo[2] == 'A' { 'B' } else { 'A' };
        let c = Confirmation {
            receipt_code: Some(typo.into_iter().collect()),
            by: "X".into(),
            ..Default::default()
        };
        assert!(matches!(s.confirm(&a, c), Err(Error::Invalid { field, .. }) if field == "receipt_code"));

        // Undo needs a reason.
        let sel = Confirmation {
            batch: "B".into(),
            unit_code: "X1".into(),
            ..Default::default()
        };
        assert!(s.undo_confirmation(&a, sel.clone(), " ").is_err());
        s.undo_confirmation(&a, sel, "Ký nhầm đợt").expect("undo");
        assert_eq!(
            s.receipt(&code_of("X1")).expect("detail").status,
            ReceiptStatus::Pending
        );
        s.verify().expect("chain holds");
    }

    /// The batch's counts kept in its row (what the batch list shows after
    /// a confirmation) follow every confirmation, partial one, decline and
    /// undo, and always equal a recount of its receipts.
    #[test]
    fn the_batch_counts_follow_each_confirmation_and_undo() {
        let (_d, mut s, a) = setup();
        s.add_unit(
            &a,
            NewUnit {
                code: "X3".into(),
                name: "Chi bộ thôn Ba".into(),
                parent: Some("X".into()),
                ..Default::default()
            },
        )
        .expect("unit");
        let mut b = batch("B");
        b.subtrees = vec![];
        b.units = vec!["X1".into(), "X2".into()];
        b.info_units = vec!["X3".into()];
        s.create_batch(&a, b).expect("batch");
        let stored = |s: &Store| -> (i64, i64, i64) {
            s.connection()
                .query_row(
                    "SELECT receipts_total, receipts_info, receipts_open FROM batch WHERE code = 'B'",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .expect("counts")
        };
        let recount = |s: &Store| -> (i64, i64, i64) {
            s.connection()
                .query_row(
                    "SELECT count(*), sum(must_confirm = 0), sum(must_confirm = 1 AND status <> 'confirmed')
                     FROM receipt",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .expect("recount")
        };
        let shown = |s: &Store| {
            let b = s.list_batches().expect("batches").remove(0);
            (b.recipients, b.must_confirm, b.open, b.confirmed)
        };
        let check = |s: &Store, counts: (i64, i64, i64), list: (u32, u32, u32, u32)| {
            assert_eq!(stored(s), counts);
            assert_eq!(recount(s), counts);
            assert_eq!(shown(s), list);
        };
        check(&s, (3, 1, 2), (3, 2, 2, 0));

        let sel = |unit: &str| Confirmation {
            batch: "B".into(),
            unit_code: unit.into(),
            by: "Lê Thị B".into(),
            ..Default::default()
        };
        s.confirm(&a, sel("X1")).expect("confirm");
        check(&s, (3, 1, 1), (3, 2, 1, 1));
        // Partial and declined receipts stay open.
        let mut short = sel("X2");
        short.quantities = vec![DocQty {
            symbol: "05-KH/HU".into(),
            quantity: 1,
            uid: None,
        }];
        s.confirm(&a, short).expect("partial");
        check(&s, (3, 1, 1), (3, 2, 1, 1));
        // "For information" receipts confirmed change no open count.
        s.confirm(&a, sel("X3")).expect("info confirmed");
        check(&s, (3, 1, 1), (3, 2, 1, 1));
        // Completing a partial receipt closes it.
        s.confirm(&a, sel("X2")).expect("complete");
        check(&s, (3, 1, 0), (3, 2, 0, 2));
        s.undo_confirmation(&a, sel("X1"), "Ký nhầm").expect("undo");
        check(&s, (3, 1, 1), (3, 2, 1, 1));
        s.undo_confirmation(&a, sel("X3"), "Ký nhầm").expect("undo info");
        check(&s, (3, 1, 1), (3, 2, 1, 1));
        let mut decline = sel("X1");
        decline.decline = Some("Không đúng đối tượng".into());
        s.confirm(&a, decline).expect("decline");
        check(&s, (3, 1, 1), (3, 2, 1, 1));
        s.undo_confirmation(&a, sel("X1"), "Nhầm").expect("undo decline");
        check(&s, (3, 1, 1), (3, 2, 1, 1));
        s.verify().expect("the counts replay");
    }

    #[test]
    fn a_drawn_signature_is_stored_with_the_receipt() {
        let (_d, mut s, a) = setup();
        s.create_batch(&a, batch("B")).expect("batch");
        // The smallest valid PNG header is enough for the check.
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        use base64::Engine;
        let url = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(png)
        );
        let mut c = Confirmation {
            batch: "B".into(),
            unit_code: "X1".into(),
            by: "Lê A".into(),
            ..Default::default()
        };
        c.signature = Some("data:image/jpeg;base64,AAAA".into());
        assert!(matches!(s.confirm(&a, c.clone()), Err(Error::Invalid { field, .. }) if field == "signature"));
        c.signature = Some(url);
        s.confirm(&a, c).expect("confirm with signature");
        let stored: Vec<u8> = s
            .connection()
            .query_row("SELECT signature FROM receipt WHERE signed_by = 'Lê A'", [], |r| {
                r.get(0)
            })
            .expect("blob");
        assert_eq!(stored, png);
        let code: String = s
            .connection()
            .query_row("SELECT code FROM receipt WHERE signed_by = 'Lê A'", [], |r| r.get(0))
            .expect("code");
        assert!(s.receipt(&code).expect("detail").has_signature);
        s.verify().expect("chain holds");
    }

    /// A bulk loader's confirmation (a `ConfirmationRow` handed to
    /// `record`) writes what `Store::confirm` writes for the same signature:
    /// the receipt's columns, its lines and its audit row.
    #[test]
    fn a_bulk_confirmation_writes_what_a_click_writes() {
        let (_d, mut s, a) = setup();
        s.create_batch(&a, batch("B")).expect("batch");
        let c = Confirmation {
            batch: "B".into(),
            unit_code: "X1".into(),
            by: "Lê Thị Hoa".into(),
            on: Some(date(2022, 8, 5)),
            method: Some(crate::model::ConfirmMethod::Slip),
            quantities: vec![DocQty {
                symbol: "05-KH/HU".into(),
                quantity: 1,
                uid: None,
            }],
            note: Some("Thiếu 1 bản".into()),
            ..Default::default()
        };
        s.confirm(&a, c).expect("click");
        let row = |s: &Store, unit: &str| -> Vec<rusqlite::types::Value> {
            s.connection()
                .query_row(
                    "SELECT r.status, r.signed_by, r.signed_on, r.entered_at, r.confirm_method, r.on_behalf, r.note,
                            r.signature, r.recorded_by, r.signer_account, group_concat(l.received)
                     FROM receipt r JOIN unit u ON u.id = r.unit_id JOIN receipt_line l ON l.receipt_id = r.id
                     WHERE u.code = ?1 GROUP BY r.id",
                    [unit],
                    |r| (0..11).map(|i| r.get(i)).collect(),
                )
                .expect("row")
        };
        let clicked = row(&s, "X1");
        let entered_at: String = s
            .connection()
            .query_row("SELECT entered_at FROM receipt WHERE signed_by IS NOT NULL", [], |r| {
                r.get(0)
            })
            .expect("entered");

        s.write(&a, |dao| {
            let (batch_id, _) = dao.batch_by_code("B")?;
            let x2 = dao.unit_by_code("X2")?.id;
            let receipt = dao.receipts_of_unit(batch_id, x2)?.remove(0);
            let (document_id, line) = dao.receipt_lines(receipt.id)?.remove(0);
            record(
                dao,
                &ConfirmationRow {
                    receipt_id: receipt.id,
                    unit: "X2".into(),
                    in_place_of: None,
                    status: ReceiptStatus::Partial,
                    by: "Lê Thị Hoa".into(),
                    on: date(2022, 8, 5),
                    entered_at: entered_at.clone(),
                    method: ConfirmedVia::Method(crate::model::ConfirmMethod::Slip),
                    on_behalf: false,
                    note: Some("Thiếu 1 bản".into()),
                    signature: None,
                    signer_account: None,
                    lines: vec![LineCount {
                        document_id,
                        listed: line.quantity,
                        got: 1,
                        stored: line.received,
                    }],
                },
            )
        })
        .expect("bulk");
        assert_eq!(row(&s, "X2"), clicked);

        let details: Vec<serde_json::Value> = {
            let conn = s.connection();
            let mut stmt = conn
                .prepare("SELECT detail FROM audit_log WHERE action = 'receipt.confirm' ORDER BY id")
                .expect("prepare");
            let rows = stmt.query_map([], |r| r.get::<_, String>(0)).expect("query");
            rows.map(|d| serde_json::from_str(&d.expect("detail")).expect("json"))
                .collect()
        };
        let [clicked, bulk] = <[serde_json::Value; 2]>::try_from(details).expect("two rows");
        assert_eq!(bulk, clicked);
        assert!(clicked.get("unit").is_none(), "the receipt names its unit: {clicked}");
        s.verify().expect("the log replays to the register");
    }
}

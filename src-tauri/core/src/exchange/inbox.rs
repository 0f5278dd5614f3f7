//! The inbox: the receipts a parent office handed to our unit or to units
//! under it, as its packets brought them. They are confirmed here with the
//! same `confirm` as our own receipts (by the code on the parent's slip, or
//! by batch and unit), fully, partly, declined or on behalf, and undone
//! with a reason; each change is one audit row (`inbox.confirm`,
//! `inbox.undo`) and goes up in the next packet.
//!
//! A code is looked up among our own receipts first; a code that is both
//! ours and the inbox's is refused as ambiguous (our own codes are made to
//! avoid the inbox's, but a parent's code may arrive after ours was made).

use serde_json::json;

use crate::db::exchange_flow::{InboxReceipt, InboxRow, Signed};
use crate::db::{now_utc, today, ConfirmedVia, Dao, Store};
use crate::error::{Error, Result};
use crate::model::{Confirmation, ReceiptStatus};
use crate::{dates, receipt_code, text};

/// Which receipts a confirmation names when they are in the inbox: None
/// when it names our own receipts (or nothing the inbox has).
pub(crate) fn inbox_target(dao: &Dao<'_>, c: &Confirmation) -> Result<Option<Vec<InboxReceipt>>> {
    if let Some(raw) = c.receipt_code.as_deref().filter(|s| !s.trim().is_empty()) {
        let Ok(code) = receipt_code::parse(raw) else {
            return Ok(None);
        };
        let found = dao.inbox_receipts(Some(&code), None)?;
        if found.is_empty() {
            return Ok(None);
        }
        if dao.receipt_by_code(&code)?.is_some() {
            return Err(Error::conflict(
                "receipt_code",
                format!(
                    "Mã nhận {code} vừa là phiếu của sổ này vừa là phiếu đợt «{}» cấp trên giao; \
                     hãy chọn theo đợt và đơn vị (--batch, --unit)",
                    found[0].batch_code
                ),
            ));
        }
        return Ok(Some(found));
    }
    let batch = text::clean(&c.batch);
    if batch.is_empty() || dao.batch_code_taken(&batch)? || !dao.inbox_batch_code_exists(&batch)? {
        return Ok(None);
    }
    let unit = text::clean(&c.unit_code);
    let found = dao.inbox_receipts(None, Some((&batch, &unit)))?;
    if found.is_empty() {
        return Err(Error::invalid(
            "unit_code",
            format!("Đơn vị «{unit}» không nhận đợt «{batch}» của cấp trên"),
        ));
    }
    Ok(Some(found))
}

/// Confirms inbox receipts (the rules of `receipts::confirm`).
pub(crate) fn confirm(dao: &Dao<'_>, c: &Confirmation, found: &[InboxReceipt]) -> Result<()> {
    let actor = dao.actor()?;
    let by = text::clean(&c.by);
    if by.is_empty() {
        return Err(Error::invalid("by", "Cần ghi tên người ký nhận"));
    }
    let on = c.on.unwrap_or_else(today);
    for r in found {
        if on < r.handed_on {
            return Err(Error::invalid(
                "on",
                format!("Ngày ký {} trước ngày giao {}", dates::vi(on), dates::vi(r.handed_on)),
            ));
        }
    }
    if on > today() {
        return Err(Error::invalid("on", format!("Ngày ký {} ở tương lai", dates::vi(on))));
    }
    let open: Vec<&InboxReceipt> = found.iter().filter(|r| r.status != ReceiptStatus::Confirmed).collect();
    if open.is_empty() {
        return Err(Error::conflict(
            "unit_code",
            format!(
                "Đơn vị «{}» đã xác nhận đợt «{}» rồi",
                found[0].unit_code, found[0].batch_code
            ),
        ));
    }
    let decline = text::clean_opt(c.decline.as_deref());
    let method = match c.method {
        Some(m) => ConfirmedVia::Method(m),
        None if actor.method == "cli" => ConfirmedVia::Cli,
        None => ConfirmedVia::App,
    };
    let note = text::clean_opt(c.note.as_deref());
    for r in open.iter().copied() {
        for dq in &c.quantities {
            let symbol = text::clean(&dq.symbol);
            if !r.lines.iter().any(|(_, l)| l.symbol == symbol) {
                return Err(Error::invalid(
                    "quantities",
                    format!("Văn bản «{symbol}» không có trong phiếu này"),
                ));
            }
        }
        let counts: Vec<(i64, String, u32, u32)> = r
            .lines
            .iter()
            .map(|(id, l)| {
                let got = c
                    .quantities
                    .iter()
                    .find(|dq| text::clean(&dq.symbol) == l.symbol)
                    .map_or(l.quantity, |dq| dq.quantity);
                (*id, l.symbol.clone(), l.quantity, got)
            })
            .collect();
        let short = counts.iter().any(|(_, _, listed, got)| got != listed);
        let status = match (&decline, short) {
            (Some(_), _) => ReceiptStatus::Declined,
            (None, true) => ReceiptStatus::Partial,
            (None, false) => ReceiptStatus::Confirmed,
        };
        let signed = Signed {
            status: status.as_str().to_owned(),
            signed_by: Some(by.clone()),
            signed_on: Some(on.to_string()),
            entered_at: Some(now_utc()),
            method: Some(method.as_str().to_owned()),
            on_behalf: c.on_behalf,
            note: decline.clone().or_else(|| note.clone()),
        };
        let lines: Vec<(i64, Option<u32>)> = counts
            .iter()
            .map(|(id, _, listed, got)| (*id, (got != listed).then_some(*got)))
            .collect();
        dao.write_inbox_confirmation(&r.uid, &signed, &lines)?;
        dao.log(
            "inbox.confirm",
            Some(&r.uid),
            &json!({ "batch": r.batch_code, "unit": r.unit_code, "code": r.code, "by": by, "on": on,
                     "status": signed.status, "method": signed.method, "on_behalf": c.on_behalf, "note": signed.note,
                     "received": counts.iter().map(|(_, s, listed, got)| json!([s, listed, got])).collect::<Vec<_>>() }),
        )?;
    }
    Ok(())
}

/// Puts inbox receipts back to pending, with a reason.
pub(crate) fn undo(dao: &Dao<'_>, found: &[InboxReceipt], reason: &str) -> Result<()> {
    let done: Vec<&InboxReceipt> = found.iter().filter(|r| r.status != ReceiptStatus::Pending).collect();
    if done.is_empty() {
        return Err(Error::invalid(
            "unit_code",
            format!(
                "Đơn vị «{}» chưa xác nhận đợt «{}»",
                found[0].unit_code, found[0].batch_code
            ),
        ));
    }
    for r in done {
        let lines: Vec<(i64, Option<u32>)> = r.lines.iter().map(|(id, _)| (*id, None)).collect();
        let cleared = Signed {
            status: ReceiptStatus::Pending.as_str().to_owned(),
            ..Signed::default()
        };
        dao.write_inbox_confirmation(&r.uid, &cleared, &lines)?;
        dao.log(
            "inbox.undo",
            Some(&r.uid),
            &json!({ "batch": r.batch_code, "unit": r.unit_code, "code": r.code, "was": r.status.as_str(),
                     "by": r.signed.signed_by, "on": r.signed.signed_on, "reason": reason }),
        )?;
    }
    Ok(())
}

impl Store {
    /// What the parent offices handed us, newest batches first.
    pub fn inbox(&self) -> Result<Vec<InboxRow>> {
        self.read(|dao| dao.inbox_rows())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batches::tests::{batch, setup};
    use crate::db::exchange::PeerRow;
    use crate::db::exchange_flow::{BatchMeta, LineMeta, ReceiptMeta};
    use crate::model::OutstandingQuery;

    /// A parent's receipt code equal to one of ours is refused as ambiguous
    /// by code; by batch and unit it confirms the inbox receipt, and our
    /// own receipt is left as it was.
    #[test]
    fn an_inbox_code_equal_to_a_local_one_is_ambiguous() {
        let (_d, mut s, a) = setup();
        s.create_batch(&a, batch("B")).expect("batch");
        let local = s.outstanding(&OutstandingQuery::default()).expect("list")[0]
            .receipt_code
            .clone();
        put_inbox_receipt(&mut s, &a, &local);
        assert_eq!(s.list_documents().expect("docs")[0].copies_on_hand, 10 + 3 - 4);

        let by_code = Confirmation {
            receipt_code: Some(local.clone()),
            by: "Lê Văn A".into(),
            ..Confirmation::default()
        };
        let err = s.confirm(&a, by_code).expect_err("ambiguous");
        assert!(err.to_string().contains("--batch"), "{err}");

        let by_batch = Confirmation {
            batch: "P1".into(),
            unit_code: "X".into(),
            by: "Lê Văn A".into(),
            quantities: vec![crate::model::DocQty {
                symbol: "05-KH/HU".into(),
                quantity: 2,
                uid: None,
            }],
            ..Confirmation::default()
        };
        s.confirm(&a, by_batch).expect("inbox confirm");
        let rows = s.inbox().expect("inbox");
        assert_eq!(rows[0].status, ReceiptStatus::Partial);
        assert_eq!(s.list_documents().expect("docs")[0].copies_on_hand, 10 + 2 - 4);
        assert!(s
            .outstanding(&OutstandingQuery::default())
            .expect("list")
            .iter()
            .any(|r| r.receipt_code == local));
        s.verify().expect("the log replays");
    }

    /// Puts a parent's batch P1 with one receipt (unit X, 3 copies of
    /// 05-KH/HU, receipt code `code`) into the inbox, as a packet would.
    fn put_inbox_receipt(s: &mut Store, a: &crate::db::Actor, code: &str) {
        s.write(a, |dao| {
            let parent = PeerRow {
                id: "parent-site".into(),
                unit_code: "HT".into(),
                name: "Tỉnh".into(),
                public_key: [1; 32],
                relation: "parent".into(),
                acked: 0,
                removed: false,
            };
            dao.upsert_peer(&parent)?;
            let (doc, _) = dao.document_by_symbol("05-KH/HU")?;
            let b = BatchMeta {
                uid: "pb".into(),
                code: "P1".into(),
                title: "Đợt của tỉnh".into(),
                handed_on: "2022-08-01".into(),
                due_on: "2022-08-20".into(),
                method: "in_person".into(),
                cancelled: false,
                receipts: vec![],
            };
            dao.upsert_inbox_batch(&parent.id, &b, "Tỉnh")?;
            let line = LineMeta {
                document: "d".into(),
                symbol: "05-KH/HU".into(),
                quantity: 3,
                received: None,
            };
            let r = ReceiptMeta {
                uid: "pr".into(),
                code: code.to_owned(),
                unit: "X".into(),
                must_confirm: true,
                lines: vec![line.clone()],
                signed: Signed {
                    status: "pending".into(),
                    ..Signed::default()
                },
            };
            dao.upsert_inbox_receipt("pb", &r, true)?;
            dao.upsert_inbox_line("pr", doc, &line)?;
            dao.log(
                "inbox.batch",
                Some("pb"),
                &json!({ "code": "P1", "receipts": 1, "states": [["pr", code, "pending"]] }),
            )
        })
        .expect("inbox");
    }

    /// An inbox receipt's method or status edited outside the app is
    /// reported as corrupt, naming the table, the column, the value and the
    /// receipt, wherever the inbox is read; never shown or sent up as it is.
    #[test]
    fn an_unknown_inbox_method_or_status_is_reported_not_read() {
        let (_d, mut s, a) = setup();
        let code = loop {
            let c = receipt_code::generate(&mut rand::rng());
            if s.receipt(&c).is_err() {
                break c;
            }
        };
        put_inbox_receipt(&mut s, &a, &code);
        s.confirm(
            &a,
            Confirmation {
                receipt_code: Some(code.clone()),
                by: "Lê Văn A".into(),
                ..Confirmation::default()
            },
        )
        .expect("confirmed");
        let row = format!("phiếu {code}");
        let corrupt = |got: Result<()>, column: &str, value: &str| {
            let err = got.expect_err("refused");
            assert!(matches!(err, Error::Corrupt(_)), "{err:?}");
            let msg = err.to_string();
            for part in [
                "bảng inbox_receipt",
                &format!("cột {column}"),
                &format!("«{value}»"),
                &row,
            ] {
                assert!(msg.contains(part), "{part} not in: {msg}");
            }
        };
        s.connection()
            .execute("UPDATE inbox_receipt SET confirm_method = 'fax'", [])
            .expect("tamper");
        corrupt(s.receipt(&code).map(|_| ()), "confirm_method", "fax");
        let by_code = Confirmation {
            receipt_code: Some(code.clone()),
            ..Confirmation::default()
        };
        let undo = |s: &mut Store| s.undo_confirmation(&a, by_code.clone(), "Ký nhầm");
        corrupt(undo(&mut s), "confirm_method", "fax");
        s.connection()
            .execute("UPDATE inbox_receipt SET confirm_method = 'in_person'", [])
            .expect("tamper");
        s.receipt(&code).expect("a known method reads");

        let conn = s.connection();
        conn.pragma_update(None, "ignore_check_constraints", true)
            .expect("pragma");
        conn.execute("UPDATE inbox_receipt SET status = 'lost'", [])
            .expect("tamper");
        conn.pragma_update(None, "ignore_check_constraints", false)
            .expect("pragma");
        corrupt(s.receipt(&code).map(|_| ()), "status", "lost");
        corrupt(s.inbox().map(|_| ()), "status", "lost");
        corrupt(undo(&mut s), "status", "lost");
    }

    /// `verify` replays the inbox: a status changed behind the app's back
    /// is named with its receipt and the log row it contradicts, whether
    /// the parent's packet set it last or a confirmation made here.
    #[test]
    fn verify_names_an_inbox_status_changed_behind_the_apps_back() {
        let (dir, mut s, a) = setup();
        let code = receipt_code::generate(&mut rand::rng());
        let code = code.as_str();
        put_inbox_receipt(&mut s, &a, code);
        s.verify().expect("as the packet left it");
        let raw = || rusqlite::Connection::open(dir.path().join("t.sqlite3")).expect("raw open");
        let tamper = |sql: &str| raw().execute_batch(sql).expect(sql);
        tamper("UPDATE inbox_receipt SET status = 'confirmed', signed_by = 'Kẻ gian'");
        let err = s.verify().expect_err("tampered").to_string();
        let shown = format!("{}-{}", &code[..4], &code[4..]);
        for part in [shown.as_str(), "hộp đến", "«P1»", "«Đã xác nhận»", "«Chưa xác nhận»"] {
            assert!(err.contains(part), "{part} not in: {err}");
        }
        tamper("UPDATE inbox_receipt SET status = 'pending', signed_by = NULL");
        s.verify().expect("put back");

        let c = Confirmation {
            receipt_code: Some(code.into()),
            by: "Lê Văn A".into(),
            decline: Some("Không đúng đối tượng".into()),
            ..Confirmation::default()
        };
        s.confirm(&a, c).expect("declined here");
        s.verify().expect("the decline is logged");
        tamper("UPDATE inbox_receipt SET status = 'confirmed'");
        let err = s.verify().expect_err("tampered").to_string();
        assert!(err.contains("«Đã xác nhận»") && err.contains("«Từ chối nhận»"), "{err}");
    }

    /// The confirm dialog finds a parent's slip by its code, with the
    /// documents it lists, and confirms it like one of ours.
    #[test]
    fn an_inbox_receipt_is_found_by_its_code_and_confirmed_by_it() {
        let (_d, mut s, a) = setup();
        s.create_batch(&a, batch("B")).expect("batch");
        let code = loop {
            let c = receipt_code::generate(&mut rand::rng());
            if s.receipt(&c).is_err() {
                break c;
            }
        };
        assert!(s.receipt(&code).is_err(), "not there before the packet");
        put_inbox_receipt(&mut s, &a, &code);
        let shown = format!("{}-{}", &code[..4], &code[4..]).to_lowercase();
        let detail = s.receipt(&shown).expect("found by the code on the slip");
        assert_eq!((detail.batch.as_str(), detail.unit_code.as_str()), ("P1", "X"));
        assert_eq!(detail.batch_title, "Đợt của tỉnh");
        assert_eq!(detail.status, ReceiptStatus::Pending);
        assert_eq!(detail.lines.len(), 1);
        assert_eq!(
            (detail.lines[0].symbol.as_str(), detail.lines[0].quantity),
            ("05-KH/HU", 3)
        );

        let confirmation = Confirmation {
            batch: detail.batch.clone(),
            unit_code: detail.unit_code.clone(),
            receipt_code: Some(detail.receipt_code.clone()),
            by: "Lê Văn A".into(),
            ..Confirmation::default()
        };
        s.confirm(&a, confirmation).expect("confirmed by its code");
        assert_eq!(s.receipt(&code).expect("again").status, ReceiptStatus::Confirmed);
        assert_eq!(s.inbox().expect("inbox")[0].status, ReceiptStatus::Confirmed);
        s.verify().expect("the log replays");
    }
}

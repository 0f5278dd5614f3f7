//! Tests of the audit log's checks: each edit behind the app's back (through
//! a second, raw connection to the same file) is named by `verify`.

use std::path::PathBuf;

use chrono::NaiveDate;
use rusqlite::Connection;

use super::*;
use crate::accounts::{NewAccount, Role};
use crate::model::{Confirmation, DocQty, NewBatch, NewDocument, NewUnit, OutstandingQuery};
use crate::Actor;

/// A commune with three branches, one batch, and each kind of confirmation:
/// X1 confirmed, X2 partial (1 of 2 copies), X3 pending; one account.
fn register() -> (tempfile::TempDir, PathBuf, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.sqlite3");
    let mut s = Store::open(&path).expect("open");
    let a = Actor::new("văn thư", "test");
    for (code, parent) in [("X", None), ("X1", Some("X")), ("X2", Some("X")), ("X3", Some("X"))] {
        s.add_unit(
            &a,
            NewUnit {
                code: code.into(),
                name: format!("Chi bộ {code}"),
                parent: parent.map(Into::into),
                ..NewUnit::default()
            },
        )
        .expect("unit");
    }
    s.add_document(
        &a,
        NewDocument {
            symbol: "05-KH/HU".into(),
            title: "Kế hoạch".into(),
            copies_received: 20,
            ..Default::default()
        },
    )
    .expect("doc");
    s.create_batch(
        &a,
        NewBatch {
            code: "B".into(),
            title: "Học tập".into(),
            handed_on: NaiveDate::from_ymd_opt(2024, 3, 1),
            due_on: NaiveDate::from_ymd_opt(2024, 3, 8),
            documents: vec![DocQty {
                symbol: "05-KH/HU".into(),
                quantity: 2,
                uid: None,
            }],
            subtrees: vec!["X".into()],
            ..NewBatch::default()
        },
    )
    .expect("batch");
    let confirm = |unit: &str, qty: Option<u32>| Confirmation {
        batch: "B".into(),
        unit_code: unit.into(),
        by: "Nguyễn Văn A".into(),
        on: NaiveDate::from_ymd_opt(2024, 3, 5),
        quantities: qty
            .map(|q| {
                vec![DocQty {
                    symbol: "05-KH/HU".into(),
                    quantity: q,
                    uid: None,
                }]
            })
            .unwrap_or_default(),
        ..Default::default()
    };
    s.confirm(&a, confirm("X1", None)).expect("confirm");
    s.confirm(&a, confirm("X2", Some(1))).expect("partial");
    s.confirm(&a, confirm("X3", None)).expect("confirm");
    s.undo_confirmation(
        &a,
        Confirmation {
            batch: "B".into(),
            unit_code: "X3".into(),
            ..Default::default()
        },
        "Ký nhầm",
    )
    .expect("undo");
    s.add_account(
        None,
        &a,
        NewAccount {
            username: "hoa".into(),
            display_name: "Nguyễn Thị Hoa".into(),
            role: Role::Clerk,
            unit: None,
            password: "mật khẩu dài".into(),
            pin: None,
        },
    )
    .expect("account");
    (dir, path, s)
}

fn code_of(s: &Store, unit: &str) -> String {
    s.connection()
        .query_row(
            "SELECT r.code FROM receipt r JOIN unit u ON u.id = r.unit_id WHERE u.code = ?1",
            [unit],
            |r| r.get(0),
        )
        .expect("receipt code")
}

/// Runs `sql` through a raw connection, as someone with the file would.
fn tamper(path: &std::path::Path, sql: &str) {
    Connection::open(path)
        .expect("raw open")
        .execute_batch(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn problem(s: &Store) -> Problem {
    let v = s.verify_log(None).expect("verify runs");
    assert!(!v.ok);
    let p = v.problem.expect("a problem");
    assert!(matches!(s.verify(), Err(Error::Tampered { .. })));
    p
}

#[test]
fn an_untouched_register_verifies_and_reports_its_head() {
    let (_d, _p, s) = register();
    let v = s.verify_log(None).expect("verify");
    assert_eq!(v.problem, None);
    assert!(v.ok);
    let (id, hash): (i64, String) = s
        .connection()
        .query_row(
            "SELECT id, lower(hex(hash)) FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("last row");
    assert_eq!(v.rows, id as u64);
    assert_eq!(v.head, Some(Head { id, hash: hash.clone() }));
    assert_eq!(
        s.log_head().expect("head").map(|h| h.check_code().to_owned()),
        Some(hash[..12].to_owned())
    );
    assert_eq!(s.verify().expect("verify"), v.rows);
    let json = serde_json::to_value(&v).expect("json");
    assert_eq!(json["ok"], true);
    assert_eq!(json["head"]["id"], id);
    assert!(json.get("problem").is_none());
}

/// A confirmation's row keeps what it set and not what its receipt names
/// (of its lines only those that did not arrive as listed); its uid, hash,
/// time and receipt are kept as bytes and a number. Copies changed behind
/// the app's back on a line the row leaves out are still named.
#[test]
fn a_confirmation_is_logged_compactly() {
    let (_d, path, s) = register();
    type Stored = (i64, String, i64, i64, String, String, String);
    let rows: Vec<Stored> = s
        .connection()
        .prepare(
            "SELECT id, typeof(detail), length(hash), length(entity_uid),
                    typeof(uid) || ' ' || typeof(hash) || ' ' || typeof(entity_uid) || ' ' || typeof(action_code),
                    typeof(at), at
             FROM audit_log WHERE action = 'receipt.confirm' ORDER BY id",
        )
        .expect("prepare")
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get::<_, rusqlite::types::Value>(6).map(|v| format!("{v:?}"))?,
            ))
        })
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    assert_eq!(rows.len(), 3);
    for (_, _, hash_len, entity_len, types, at_type, at) in &rows {
        assert_eq!((*hash_len, *entity_len), (32, 16));
        assert_eq!(
            (types.as_str(), at_type.as_str()),
            ("null blob blob integer", "integer"),
            "no uid of its own, the action as a number: {at}"
        );
    }
    let detail = |id: i64| s.read(|dao| dao.log_action_at(id)).expect("detail").1;
    // A plain confirmation is kept in short and read back as the JSON its
    // hash covers.
    assert_eq!(rows[0].1, "blob");
    let short: i64 = s
        .connection()
        .query_row("SELECT length(detail) FROM audit_log WHERE id = ?1", [rows[0].0], |r| {
            r.get(0)
        })
        .expect("length");
    assert!(short < 30, "{short} bytes");
    let full: serde_json::Value = serde_json::from_str(&detail(rows[0].0)).expect("JSON");
    let doc: i64 = s
        .connection()
        .query_row("SELECT id FROM document WHERE symbol = '05-KH/HU'", [], |r| r.get(0))
        .expect("document");
    assert_eq!(
        full,
        serde_json::json!({ "by": "Nguyễn Văn A", "on": "2024-03-05", "method": "app", "received": [] })
    );
    // One that is not plain stays JSON text.
    assert_eq!(rows[1].1, "text");
    let partial: serde_json::Value = serde_json::from_str(&detail(rows[1].0)).expect("JSON");
    assert_eq!(partial["status"], "partial");
    assert_eq!(partial["received"], serde_json::json!([[doc, 2, 1]]));
    assert_eq!(s.verify_log(None).expect("verify").problem.map(|p| p.message), None);

    tamper(
        &path,
        "UPDATE receipt_line SET received = 1 WHERE receipt_id = (SELECT r.id FROM receipt r JOIN unit u
             ON u.id = r.unit_id WHERE u.code = 'X1')",
    );
    let p = problem(&s);
    assert!(
        p.message.contains("số bản đã nhận trong sổ là «05-KH/HU: nhận 1 bản»"),
        "{}",
        p.message
    );
}

#[test]
fn a_short_confirmation_rewritten_behind_the_apps_back_is_named() {
    let (_d, path, s) = register();
    let row: i64 = s
        .connection()
        .query_row(
            "SELECT min(id) FROM audit_log WHERE action = 'receipt.confirm' AND typeof(detail) = 'blob'",
            [],
            |r| r.get(0),
        )
        .expect("a short row");
    // Another signer in the same short form: it reads back as valid JSON,
    // but not the JSON the row's hash covers.
    tamper(
        &path,
        &format!(
            "DROP TRIGGER audit_log_no_update;
             UPDATE audit_log SET detail = CAST('[\"Kẻ gian\",19787,3]' AS BLOB) WHERE id = {row};
             CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;"
        ),
    );
    assert_eq!(problem(&s).row, Some(row));
}

#[test]
fn a_receipt_marked_confirmed_behind_the_apps_back_is_named() {
    let (_d, path, s) = register();
    let code = code_of(&s, "X3");
    tamper(
        &path,
        "UPDATE receipt SET state = 1, signed_by = 'Kẻ gian'
         WHERE unit_id = (SELECT id FROM unit WHERE code = 'X3')",
    );
    let p = problem(&s);
    let shown = format!("{}-{}", &code[..4], &code[4..]);
    assert!(p.message.contains(&shown), "{}", p.message);
    assert!(
        p.message.contains("trạng thái trong sổ là «Đã xác nhận»") && p.message.contains("«Chưa xác nhận»"),
        "{}",
        p.message
    );
    assert!(p.message.contains("X3") && p.message.contains("«B»"), "{}", p.message);
    assert!(p.row.is_some(), "the undo row is named");
}

/// A receipt confirmed here, marked behind the app's back as set by a
/// packet (which would let a child office's packet overwrite it), is named
/// with the row of its confirmation.
#[test]
fn a_receipt_marked_as_set_by_packet_behind_the_apps_back_is_named() {
    let (_d, path, s) = register();
    let row: i64 = s
        .connection()
        .query_row(
            "SELECT max(id) FROM audit_log WHERE action = 'receipt.confirm'
               AND entity_uid = (SELECT uid FROM receipt WHERE unit_id = (SELECT id FROM unit WHERE code = 'X1'))",
            [],
            |r| r.get(0),
        )
        .expect("row");
    tamper(
        &path,
        "UPDATE receipt SET set_by_packet = 1 WHERE unit_id = (SELECT id FROM unit WHERE code = 'X1')",
    );
    let p = problem(&s);
    assert!(
        p.message
            .contains("lần xác nhận cuối trong sổ là «nhận qua gói của văn phòng cấp dưới»")
            && p.message.contains("«ghi tại văn phòng này»"),
        "{}",
        p.message
    );
    assert!(p.message.contains("X1"), "{}", p.message);
    assert_eq!(p.row, Some(row));
}

#[test]
fn a_changed_signer_and_changed_copies_are_named() {
    let (_d, path, s) = register();
    tamper(
        &path,
        "UPDATE receipt SET signed_by = 'Trần Văn B' WHERE unit_id = (SELECT id FROM unit WHERE code = 'X1')",
    );
    let p = problem(&s);
    assert!(
        p.message.contains("người ký nhận trong sổ là «Trần Văn B»") && p.message.contains("«Nguyễn Văn A»"),
        "{}",
        p.message
    );
    tamper(
        &path,
        "UPDATE receipt SET signed_by = 'Nguyễn Văn A' WHERE unit_id = (SELECT id FROM unit WHERE code = 'X1');
         UPDATE receipt_line SET received = 2 WHERE receipt_id = (SELECT r.id FROM receipt r JOIN unit u
             ON u.id = r.unit_id WHERE u.code = 'X2')",
    );
    let p = problem(&s);
    assert!(
        p.message.contains("số bản đã nhận trong sổ là «05-KH/HU: nhận 2 bản»")
            && p.message.contains("«05-KH/HU: nhận 1 bản»"),
        "{}",
        p.message
    );
}

#[test]
fn receipts_added_or_handed_to_another_unit_are_found() {
    let (_d, path, s) = register();
    tamper(
        &path,
        "INSERT INTO receipt (uid, batch_id, unit_id, code, must_confirm, copies)
         SELECT 'fake', batch_id, (SELECT id FROM unit WHERE code = 'X'), 'ZZZZZZZZ', 1, 2 FROM receipt LIMIT 1",
    );
    let p = problem(&s);
    assert!(
        p.message.contains("đợt «B»: sổ có 4 phiếu nhận, nhật ký ghi 3 phiếu"),
        "{}",
        p.message
    );
    tamper(
        &path,
        "DELETE FROM receipt WHERE uid = 'fake';
         UPDATE receipt SET unit_id = (SELECT id FROM unit WHERE code = 'X')
         WHERE unit_id = (SELECT id FROM unit WHERE code = 'X3')",
    );
    let p = problem(&s);
    assert!(p.message.contains("danh sách phiếu nhận"), "{}", p.message);
}

#[test]
fn batch_counts_that_differ_from_a_recount_are_named() {
    let (_d, path, s) = register();
    tamper(
        &path,
        "UPDATE batch SET receipts_open = receipts_open - 1 WHERE code = 'B'",
    );
    let p = problem(&s);
    assert!(
        p.message
            .contains("đợt «B»: số phiếu ghi trong dòng của đợt (3 phiếu, 0 để biết, 1 chưa xác nhận)")
            && p.message
                .contains("số đếm lại từ các phiếu (3 phiếu, 0 để biết, 2 chưa xác nhận)"),
        "{}",
        p.message
    );
    tamper(
        &path,
        "UPDATE batch SET receipts_open = receipts_open + 1, receipts_info = 1 WHERE code = 'B'",
    );
    let p = problem(&s);
    assert!(p.message.contains("1 để biết"), "{}", p.message);
}

#[test]
fn an_account_made_administrator_is_named() {
    let (_d, path, s) = register();
    tamper(&path, "UPDATE account SET role = 'admin' WHERE username = 'hoa'");
    let p = problem(&s);
    assert!(
        p.message
            .contains("tài khoản «hoa»: vai trò trong sổ là «Quản trị», nhật ký ghi «Văn thư»"),
        "{}",
        p.message
    );
    tamper(
        &path,
        "UPDATE account SET role = 'clerk', disabled = 1 WHERE username = 'hoa'",
    );
    let p = problem(&s);
    assert!(p.message.contains("đã bị vô hiệu hoá"), "{}", p.message);
}

#[test]
fn dropped_or_foreign_triggers_are_named() {
    let (_d, path, s) = register();
    tamper(&path, "DROP TRIGGER audit_log_no_delete");
    let p = problem(&s);
    assert!(
        p.message.contains("«audit_log_no_delete»") && p.message.contains("bị xoá"),
        "{}",
        p.message
    );
    tamper(
        &path,
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT 1; END;",
    );
    assert!(problem(&s).message.contains("bị thay đổi"));
    tamper(
        &path,
        "DROP TRIGGER audit_log_no_delete;
         CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;",
    );
    s.verify().expect("the schema's trigger again");
    tamper(
        &path,
        "CREATE TRIGGER sneaky AFTER UPDATE ON receipt BEGIN SELECT 1; END;",
    );
    assert!(problem(&s).message.contains("trigger lạ «sneaky»"));
}

#[test]
fn a_gap_in_the_ids_is_named_and_a_cut_tail_fails_the_expected_head() {
    let (_d, path, s) = register();
    let head = s.log_head().expect("head").expect("rows");
    let code = head.check_code().to_owned();
    let v = s.verify_log(Some(&code)).expect("verify");
    assert!(v.ok, "{:?}", v.problem);
    assert_eq!(v.expected.as_ref().map(|e| e.id), Some(head.id));
    // Upper case and the whole hash are accepted too.
    assert!(s.verify_log(Some(&head.hash.to_uppercase())).expect("verify").ok);

    // Later rows do not matter: the expected row is still in the chain.
    let mut s = s;
    s.set_tiers(&Actor::new("t", "test"), &crate::model::Tiers { days: vec![2, 8, 15] })
        .expect("a later change");
    assert!(s.verify_log(Some(&code)).expect("verify").ok);
    let later = s.log_head().expect("head").expect("rows");
    let later_code = later.check_code().to_owned();

    // Cut the tail: the chain alone still holds (and so does the state:
    // the cut row changed a setting only), but the printed head is gone.
    tamper(
        &path,
        &format!(
            "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id >= {}",
            later.id
        ),
    );
    tamper(
        &path,
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;",
    );
    let v = s.verify_log(None).expect("verify");
    assert!(v.ok, "{:?}", v.problem);
    assert!(
        s.verify_log(Some(&code)).expect("verify").ok,
        "the earlier head is still there"
    );
    let v = s.verify_log(Some(&later_code)).expect("verify");
    assert!(!v.ok);
    assert!(
        v.problem
            .expect("problem")
            .message
            .contains(&format!("mã kiểm tra {later_code}")),
        "the missing head is named"
    );

    // A row cut from the middle leaves a gap.
    tamper(
        &path,
        "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 3",
    );
    let p = problem(&s);
    assert_eq!(p.row, Some(4));
    assert!(p.message.contains("thiếu dòng 3"), "{}", p.message);
}

#[test]
fn a_bad_expected_code_is_refused_before_any_check() {
    let (_d, _p, s) = register();
    for bad in ["abc", "zzzzzzzzzzzzzz", "0123456789a"] {
        assert!(
            matches!(s.verify_log(Some(bad)), Err(Error::Invalid { field, .. }) if field == "expect"),
            "{bad}"
        );
    }
}

#[test]
fn old_rows_replay_what_they_allow() {
    let (_d, path, s) = register();
    // A confirmation logged as the first versions did: no status, no copies.
    let conn = Connection::open(&path).expect("raw open");
    let uid: String = conn
        .query_row(
            "SELECT r.uid FROM receipt r JOIN unit u ON u.id = r.unit_id WHERE u.code = 'X3'",
            [],
            |r| Ok(crate::db::uid::uid_of(r.get_ref(0)?)),
        )
        .expect("uid");
    drop(conn);
    let mut s = s;
    s.write(&Actor::new("cũ", "test"), |dao| {
        dao.conn.execute(
            "UPDATE receipt SET state = 1, signed_by = 'Lê C', signed_day = '2024-03-06'
             WHERE uid = ?1",
            [crate::db::uid::uid_value(&uid)],
        )?;
        // The batch's counts as step 7 of the schema fills them for such a register.
        dao.conn.execute(
            "UPDATE batch SET receipts_open = receipts_open - 1 WHERE code = 'B'",
            [],
        )?;
        dao.log(
            "receipt.confirm",
            Some(&uid),
            &serde_json::json!({ "batch": "B", "unit": "X3", "by": "Lê C", "on": "2024-03-06" }),
        )
    })
    .expect("old-style row");
    s.verify().expect("an old row replays");
    assert_eq!(
        s.outstanding(&OutstandingQuery::default()).expect("list").len(),
        1,
        "only X2 (partial) is open"
    );
}

//! The audit log through the `giaonhan` command line, attacked the way someone
//! with the file would: rows cut from the end (only a printed check code
//! shows it: `verify --expect`), a row cut from the middle, a receipt edited by
//! a direct `UPDATE`, a dropped trigger; `verify --format json`; the check code
//! at the foot of every printed list, read back with `pdftotext`; and every
//! saved list logged, never written over the register.

use std::path::Path;

use giaonhan_tests::cli::{fails, ok, run, temp_db};
use giaonhan_tests::fixtures::supervised;
use giaonhan_tests::readers::pdf_text;
use serde_json::Value;

fn verify_json(db: &Path) -> Value {
    let out = run(db, &["verify", "--format", "json"]);
    serde_json::from_slice(&out.stdout).expect("verify prints JSON")
}

/// The check code of the log's head now: what a list printed now carries.
fn head_code(db: &Path) -> String {
    let v = verify_json(db);
    v["head"]["hash"].as_str().expect("a head")[..12].to_owned()
}

/// Runs SQL on the file directly, behind the app's back.
fn tamper(db: &Path, sql: &str) {
    rusqlite::Connection::open(db)
        .expect("open the file directly")
        .execute_batch(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

const NO_DELETE_TRIGGER: &str = "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;";

/// The check code printed at the foot of every page of a PDF list.
fn printed_code(pdf: &Path) -> String {
    let text = pdf_text(pdf);
    let pages: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    let codes: Vec<String> = pages
        .iter()
        .map(|page| {
            let at = page
                .find("Mã kiểm tra sổ: ")
                .unwrap_or_else(|| panic!("no check code on a page of {}:\n{page}", pdf.display()));
            page[at + "Mã kiểm tra sổ: ".len()..].chars().take(12).collect()
        })
        .collect();
    assert!(
        codes.windows(2).all(|w| w[0] == w[1]),
        "one code on every page: {codes:?}"
    );
    codes[0].clone()
}

#[test]
fn json_report_and_a_clean_register() {
    let (_dir, db) = temp_db();
    supervised(&db);
    let v = verify_json(&db);
    assert_eq!(v["ok"], true, "{v}");
    let rows = v["rows"].as_u64().expect("rows");
    assert!(rows > 10);
    assert_eq!(v["head"]["id"].as_u64(), Some(rows));
    let hash = v["head"]["hash"].as_str().expect("hash");
    assert_eq!(hash.len(), 64);
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(v.get("problem").is_none());
    let text = ok(&db, &["verify"]);
    assert!(
        text.contains("nguyên vẹn") && text.contains("khớp với dữ liệu sổ") && text.contains(&hash[..12]),
        "{text}"
    );
    // The head as printed, in upper case, or whole: all accepted.
    ok(&db, &["verify", "--expect", &hash[..12]]);
    ok(&db, &["verify", "--expect", &hash.to_uppercase()]);
    let err = fails(&db, &["verify", "--expect", "abc"]);
    assert!(err.contains("mã kiểm tra"), "{err}");
}

#[test]
fn every_printed_list_carries_the_check_code_and_anchors_the_log() {
    let (dir, db) = temp_db();
    supervised(&db);
    let mut printed = Vec::new();
    for (name, args) in [
        (
            "outstanding.pdf",
            vec!["outstanding", "--format", "pdf", "--as-of", "2025-08-30"],
        ),
        ("calls.pdf", vec!["calls", "--as-of", "2025-08-30"]),
        (
            "register.pdf",
            vec![
                "register",
                "--from",
                "2025-08-01",
                "--to",
                "2025-08-31",
                "--format",
                "pdf",
            ],
        ),
    ] {
        let before = head_code(&db);
        let pdf = dir.path().join(name);
        let mut args = args;
        args.extend(["--out", pdf.to_str().expect("path")]);
        ok(&db, &args);
        let code = printed_code(&pdf);
        assert_eq!(code, before, "{name} carries the head it was drawn up at");
        printed.push(code);
    }
    // Each print was logged (it moved the head on), with its file.
    assert_eq!(printed.iter().collect::<std::collections::BTreeSet<_>>().len(), 3);
    let conn = rusqlite::Connection::open(&db).expect("open");
    let logged: Vec<(String, String, String)> = conn
        .prepare(
            "SELECT action, method, json_extract(detail, '$.file') FROM audit_log
             WHERE action LIKE 'print.%' OR action LIKE 'export.%' ORDER BY id",
        )
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
        .expect("print rows");
    let actions: Vec<&str> = logged.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(actions, ["print.outstanding", "print.calls", "print.register"]);
    assert!(logged.iter().all(|(_, m, _)| m == "cli"));
    assert!(logged[1].2.ends_with("calls.pdf"), "{:?}", logged[1]);

    // A paper copy checks the register: every printed code is still there.
    for code in &printed {
        let out = ok(&db, &["verify", "--expect", code]);
        assert!(out.contains(code), "{out}");
    }
}

#[test]
fn a_cut_log_fails_the_printed_check_code() {
    let (dir, db) = temp_db();
    supervised(&db);
    // A change that the replay does not look at (a setting), then a printout.
    ok(&db, &["tiers", "--days", "2,8,15"]);
    let pdf = dir.path().join("list.pdf");
    ok(
        &db,
        &["outstanding", "--format", "pdf", "--out", pdf.to_str().expect("path")],
    );
    let code = printed_code(&pdf);
    let v = verify_json(&db);
    let printed_row = v["head"]["id"].as_i64().expect("id") - 1;

    // Later work does not matter.
    ok(
        &db,
        &[
            "unconfirm",
            "--batch",
            "Đợt 1/2025",
            "--unit",
            "HK-01",
            "--reason",
            "Ký nhầm",
        ],
    );
    ok(&db, &["verify", "--expect", &code]);

    // Cut the log back to before the printout: the chain alone still holds
    // (and the register matches what is left, once the undo and the batch's
    // open count are put back by hand), but the printed code is gone.
    let conn = rusqlite::Connection::open(&db).expect("open");
    let hk01: i64 = conn
        .query_row(
            "SELECT r.id FROM receipt r JOIN unit u ON u.id = r.unit_id JOIN batch b ON b.id = r.batch_id
             WHERE u.code = 'HK-01' AND b.code = 'Đợt 1/2025'",
            [],
            |r| r.get(0),
        )
        .expect("receipt");
    drop(conn);
    tamper(
        &db,
        &format!(
            "DROP TRIGGER audit_log_no_delete;
             DELETE FROM audit_log WHERE id >= {printed_row};
             {NO_DELETE_TRIGGER}
             UPDATE receipt SET state = 1, signed_by = 'Nguyễn Thị Hoa', signed_day = '2025-08-05'
             WHERE id = {hk01};
             UPDATE batch SET receipts_open = receipts_open - 1 WHERE code = 'Đợt 1/2025';"
        ),
    );
    ok(&db, &["verify"]);
    let err = fails(&db, &["verify", "--expect", &code]);
    assert!(err.contains(&format!("mã kiểm tra {code}")), "{err}");
    let v: Value =
        serde_json::from_slice(&run(&db, &["verify", "--format", "json", "--expect", &code]).stdout).expect("json");
    assert_eq!(v["ok"], false);
    assert!(v["problem"]["message"].as_str().expect("message").contains(&code));
}

#[test]
fn a_gap_an_edited_receipt_and_a_dropped_trigger_are_named() {
    let (_dir, db) = temp_db();
    supervised(&db);

    // A receipt marked confirmed behind the app's back.
    tamper(
        &db,
        "UPDATE receipt SET state = 1, signed_by = 'Kẻ gian'
         WHERE unit_id = (SELECT id FROM unit WHERE code = 'HK-02')",
    );
    let err = fails(&db, &["verify"]);
    assert!(
        err.contains("đơn vị HK-02")
            && err.contains("trạng thái trong sổ là «Đã xác nhận»")
            && err.contains("«Chưa xác nhận»"),
        "{err}"
    );
    let v = verify_json(&db);
    assert_eq!(v["ok"], false);
    assert!(v["problem"]["message"].as_str().expect("message").contains("HK-02"));
    tamper(
        &db,
        "UPDATE receipt SET state = 0, signed_by = NULL
         WHERE unit_id = (SELECT id FROM unit WHERE code = 'HK-02')",
    );
    ok(&db, &["verify"]);

    // The trigger that keeps the log append-only, dropped.
    tamper(&db, "DROP TRIGGER audit_log_no_delete");
    let err = fails(&db, &["verify"]);
    assert!(err.contains("audit_log_no_delete"), "{err}");

    // A row cut from the middle.
    tamper(&db, &format!("DELETE FROM audit_log WHERE id = 5; {NO_DELETE_TRIGGER}"));
    let err = fails(&db, &["verify"]);
    assert!(err.contains("dòng 6") && err.contains("thiếu dòng 5"), "{err}");
    let v = verify_json(&db);
    assert_eq!(v["problem"]["row"], 6);
}

#[test]
fn saved_lists_never_replace_the_register() {
    let (dir, db) = temp_db();
    supervised(&db);
    let before = std::fs::read(&db).expect("read");
    let rows_before = verify_json(&db)["rows"].clone();
    let wal = format!("{}-wal", db.display());
    let backup = dir.path().join("ban-sao.sqlite3");
    std::fs::copy(&db, &backup).expect("a backup kept beside it");
    for out in [db.to_str().expect("path"), &wal, backup.to_str().expect("path")] {
        let err = fails(&db, &["outstanding", "--format", "pdf", "--out", out]);
        assert!(err.contains("tên tệp khác"), "{err}");
    }
    // A database under an export's name is still a database.
    let disguised = dir.path().join("so-cu.csv");
    std::fs::copy(&db, &disguised).expect("copy");
    let err = fails(&db, &["doc", "export", "--out", disguised.to_str().expect("path")]);
    assert!(err.contains("cơ sở dữ liệu") && err.contains("tên tệp khác"), "{err}");
    assert_eq!(std::fs::read(&db).expect("read"), before, "the register is untouched");
    assert_eq!(
        verify_json(&db)["rows"],
        rows_before,
        "nothing logged for a refused save"
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.ends_with(".tmp")),
        "no temporary file left: {names:?}"
    );
}

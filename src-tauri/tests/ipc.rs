//! IPC tests: the real app (same `run_app_with`, configuration and
//! capabilities) on Tauri's mock runtime, invoked the way the UI invokes it —
//! JSON arguments that go through Tauri's deserialisation and the capability
//! check — against a real SQLite file in a temporary directory opened with
//! `Store::open` (the harness in `common/`, shared with `ipc_backup.rs`).

mod common;

use chrono::{Days, Local};
use common::{invoke_from, Harness};
use giaonhan::Store;
use serde_json::{json, Value};
use tauri::{Manager, WebviewWindowBuilder};

fn days_from_today(days: i64) -> String {
    let today = Local::now().date_naive();
    let day = if days >= 0 {
        today.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        today.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    day.expect("date in range").format("%Y-%m-%d").to_string()
}

/// A commune party committee with two branches and one document.
fn seed(h: &Harness) {
    h.ok(
        "add_unit",
        json!({ "unit": { "code": "HK", "name": "Đảng bộ xã Hương Khê", "parent": null, "kind": "Đảng bộ cơ sở" } }),
    );
    h.ok(
        "add_unit",
        json!({ "unit": { "code": "HK-01", "name": "Chi bộ thôn Đông Trung", "parent": "HK", "kind": "Chi bộ" } }),
    );
    h.ok(
        "add_unit",
        json!({ "unit": { "code": "HK-02", "name": "Chi bộ thôn Ấp Thượng", "parent": "HK", "kind": "Chi bộ" } }),
    );
    h.ok(
        "add_document",
        json!({ "doc": {
            "symbol": "05-KH/HU",
            "title": "Kế hoạch học tập, quán triệt nghị quyết",
            "issued_on": "2025-01-15",
            "copies_received": 50,
            "classification": "normal"
        } }),
    );
}

#[test]
fn app_status_reports_the_database_and_first_run() {
    let h = Harness::new();
    let status = h.ok("app_status", json!({}));
    assert_eq!(status["is_empty"], json!(true), "{status}");
    let shown = status["db_path"].as_str().expect("db_path is a string");
    assert!(shown.ends_with("sogiaonhan.sqlite3"), "{shown}");
    assert!(h.db.exists());
}

#[test]
fn add_unit_returns_the_unit_and_lists_it() {
    let h = Harness::new();
    let unit = h.ok(
        "add_unit",
        json!({ "unit": { "code": "HK", "name": "Đảng bộ xã Hương Khê", "parent": null, "kind": "Đảng bộ cơ sở" } }),
    );
    assert_eq!(unit["code"], "HK");
    assert_eq!(unit["name"], "Đảng bộ xã Hương Khê");
    assert_eq!(unit["depth"], 0);
    assert_eq!(unit["kind"], "Đảng bộ cơ sở");

    let child = h.ok(
        "add_unit",
        json!({ "unit": { "code": "HK-01", "name": "Chi bộ thôn Đông Trung", "parent": "HK", "kind": "Chi bộ",
                          "secretary": "Trần Thị Hoa" } }),
    );
    assert_eq!(child["parent"], "HK");
    assert_eq!(child["depth"], 1);

    let units = h.ok("list_units", json!({}));
    let codes: Vec<&str> = units
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|u| u["code"].as_str())
        .collect();
    assert_eq!(codes, ["HK", "HK-01"]);
    assert_eq!(units[1]["depth"], 1, "{units}");
    assert_eq!(units[0]["children"], 1, "{units}");
    // The list carries what a tree and a picker show of each unit; the
    // whole unit (contacts, signers) comes on its own, for any day.
    assert!(
        units[1].get("secretary").is_none() && units[1].get("uid").is_none(),
        "{units}"
    );
    assert_eq!(h.ok("units_as_of", json!({ "day": "2000-01-01" })), units);
    let whole = h.ok("get_unit", json!({ "code": "HK-01", "asOf": "2000-01-01" }));
    assert_eq!(whole["secretary"], "Trần Thị Hoa", "{whole}");
    assert!(whole["uid"].is_string(), "{whole}");
    assert_eq!(h.ok("get_unit", json!({ "code": "HK-01" })), whole);
    assert_eq!(h.ok("app_status", json!({}))["is_empty"], json!(false));

    let kinds = h.ok("list_kinds", json!({}));
    let names: Vec<&str> = kinds
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|k| k["name"].as_str())
        .collect();
    assert!(names.contains(&"Chi bộ") && names.contains(&"Đảng bộ cơ sở"), "{kinds}");
}

#[test]
fn invalid_unit_is_refused_with_the_field_and_nothing_written() {
    let h = Harness::new();
    let err = h.err(
        "add_unit",
        json!({ "unit": { "code": "HK", "name": "   ", "parent": null, "kind": null } }),
    );
    assert_eq!(err["kind"], "invalid", "{err}");
    assert_eq!(err["field"], "name", "{err}");
    assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()), "{err}");
    assert_eq!(h.ok("list_units", json!({})), json!([]));

    let err = h.err(
        "add_unit",
        json!({ "unit": { "code": "HK-09", "name": "Chi bộ 9", "parent": "KHONG-CO", "kind": null } }),
    );
    assert_eq!(err["kind"], "invalid", "{err}");
    assert_eq!(err["field"], "parent", "{err}");
    assert_eq!(h.ok("list_units", json!({})), json!([]));
}

#[test]
fn duplicate_unit_code_is_a_conflict_on_code() {
    let h = Harness::new();
    let unit = json!({ "unit": { "code": "HK", "name": "Đảng bộ xã Hương Khê", "parent": null, "kind": null } });
    h.ok("add_unit", unit.clone());
    let err = h.err("add_unit", unit);
    assert_eq!(err["kind"], "conflict", "{err}");
    assert_eq!(err["field"], "code", "{err}");
}

#[test]
fn malformed_arguments_are_refused_before_the_core() {
    let h = Harness::new();
    // Missing argument, and a wrong type: Tauri's deserialisation refuses both.
    assert!(h.invoke("add_unit", json!({})).is_err());
    assert!(h.invoke("add_unit", json!({ "unit": { "code": 5 } })).is_err());
    assert!(h
        .invoke(
            "outstanding",
            json!({ "query": { "batches": [], "as_of": "not a date" } })
        )
        .is_err());
    assert_eq!(h.ok("list_units", json!({})), json!([]));
}

#[test]
fn core_loop_batch_outstanding_confirm() {
    let h = Harness::new();
    seed(&h);

    let docs = h.ok("list_documents", json!({}));
    assert_eq!(docs[0]["symbol"], "05-KH/HU", "{docs}");

    let handed = days_from_today(-10);
    let due = days_from_today(-3);
    let batch = h.ok(
        "create_batch",
        json!({ "batch": {
            "code": "D1-2025",
            "title": "Đợt 1 năm 2025",
            "handed_on": handed,
            "due_on": due,
            "documents": [{ "symbol": "05-KH/HU", "quantity": 2 }],
            "units": [],
            "subtrees": ["HK"]
        } }),
    );
    assert_eq!(batch["code"], "D1-2025");
    assert_eq!(batch["recipients"], 2, "the two branches under HK: {batch}");
    assert_eq!(batch["confirmed"], 0);

    let batches = h.ok("list_batches", json!({}));
    assert_eq!(batches.as_array().map(Vec::len), Some(1), "{batches}");

    let rows = h.ok("outstanding", json!({ "query": { "batches": [], "as_of": null } }));
    let rows = rows.as_array().expect("an array").clone();
    let mut units: Vec<&str> = rows.iter().filter_map(|r| r["unit_code"].as_str()).collect();
    units.sort_unstable();
    assert_eq!(units, ["HK-01", "HK-02"]);
    for row in &rows {
        assert_eq!(row["batch"], "D1-2025");
        assert_eq!(row["days_overdue"], 3, "{row}");
        assert_eq!(row["copies"], 2, "{row}");
        assert_eq!(row["status"], "pending", "{row}");
    }

    // Counted against a chosen day: not yet due means 0 days overdue.
    let early = h.ok(
        "outstanding",
        json!({ "query": { "batches": ["D1-2025"], "as_of": days_from_today(-5) } }),
    );
    assert!(
        early
            .as_array()
            .expect("an array")
            .iter()
            .all(|r| r["days_overdue"] == 0),
        "{early}"
    );

    let confirmed = h.ok(
        "confirm_receipt",
        json!({ "confirmation": {
            "batch": "D1-2025",
            "unit_code": "HK-01",
            "by": "Nguyễn Thị Hoa",
            "on": null
        } }),
    );
    assert_eq!(confirmed, Value::Null);

    let rows = h.ok(
        "outstanding",
        json!({ "query": { "batches": ["D1-2025"], "as_of": null } }),
    );
    let units: Vec<&str> = rows
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|r| r["unit_code"].as_str())
        .collect();
    assert_eq!(units, ["HK-02"]);

    let batches = h.ok("list_batches", json!({}));
    assert_eq!(batches[0]["confirmed"], 1, "{batches}");
}

#[test]
fn batch_with_due_before_handout_is_refused() {
    let h = Harness::new();
    seed(&h);
    let err = h.err(
        "create_batch",
        json!({ "batch": {
            "code": "D2",
            "title": "Đợt sai hạn",
            "handed_on": "2025-03-10",
            "due_on": "2025-03-01",
            "documents": [{ "symbol": "05-KH/HU", "quantity": 1 }],
            "units": ["HK-01"],
            "subtrees": []
        } }),
    );
    assert_eq!(err["kind"], "invalid", "{err}");
    assert!(err["field"].is_string(), "the error names a field: {err}");
    assert_eq!(h.ok("list_batches", json!({})), json!([]));
}

#[test]
fn confirming_an_unknown_receipt_is_an_error() {
    let h = Harness::new();
    seed(&h);
    let err = h.err(
        "confirm_receipt",
        json!({ "confirmation": { "batch": "KHONG-CO", "unit_code": "HK-01", "by": "Lê Văn An", "on": null } }),
    );
    assert!(err["kind"].is_string() && err["message"].is_string(), "{err}");
}

#[test]
fn demo_data_loads_through_ipc() {
    let h = Harness::new();
    assert_eq!(h.ok("load_demo", json!({})), Value::Null);
    assert_eq!(h.ok("app_status", json!({}))["is_empty"], json!(false));
    let batches = h.ok("list_batches", json!({}));
    assert_eq!(batches.as_array().map(Vec::len), Some(2), "{batches}");
}

#[test]
fn slips_preview_as_pages_for_a_batch_or_one_unit() {
    let h = Harness::new();
    h.ok("load_demo", json!({}));
    let batches = h.ok("list_batches", json!({}));
    let batch = &batches[0];
    let code = batch["code"].as_str().expect("a batch code");
    // The pages go to the window's channel; the reply says whether the
    // layout ran to the end, how many pages were sent and are in all, and
    // the units.
    let slips = |unit: Option<&str>, per_page: u8| {
        h.ok(
            "preview_slips",
            json!({ "batch": code, "perPage": per_page, "unit": unit, "pages": "__CHANNEL__:1", "progress": "__CHANNEL__:2" }),
        )
    };
    let preview = slips(None, 1);
    let recipients = batch["recipients"].as_u64().expect("recipients");
    assert_eq!(preview[0], json!(true), "{preview}");
    assert_eq!(preview[1], json!(recipients), "a page per slip sent");
    assert_eq!(preview[2], json!(recipients), "a page per slip in all");
    assert_eq!(preview[3].as_array().map(Vec::len), Some(recipients as usize));
    let rows = h.ok("outstanding", json!({ "query": { "batches": [code], "subtree": null, "document": null, "overdue_only": false, "tier": null, "as_of": null } }));
    let unit = rows[0]["unit_code"].as_str().expect("an open unit");
    let one = slips(Some(unit), 1);
    assert_eq!((&one[1], &one[2]), (&json!(1), &json!(1)), "one unit's slip");
    assert_eq!(one[3][0]["code"], json!(unit));
    let err = h.err(
        "preview_slips",
        json!({ "batch": code, "perPage": 3, "pages": "__CHANNEL__:1", "progress": "__CHANNEL__:2" }),
    );
    assert_eq!(err["field"], json!("per_page"), "{err}");
}

#[test]
fn other_windows_are_not_granted_the_commands() {
    let h = Harness::new();
    let other = WebviewWindowBuilder::new(h.main.app_handle(), "other", Default::default())
        .build()
        .expect("create a second window");
    let refused = invoke_from(&other, "list_units", json!({}));
    assert!(
        refused.is_err(),
        "a window without a capability must not call commands: {refused:?}"
    );
    // The main window still can.
    assert_eq!(h.ok("list_units", json!({})), json!([]));
}

fn account(username: &str, role: &str, unit: Option<&str>, pin: Option<&str>) -> Value {
    json!({ "account": {
        "username": username, "display_name": format!("Người {username}"), "role": role,
        "unit": unit, "password": "mat-khau-dai", "pin": pin
    } })
}

#[test]
fn once_an_admin_exists_every_command_needs_a_login_and_the_right_role() {
    let h = Harness::new();
    seed(&h);
    let status = h.ok("auth_status", json!({}));
    assert_eq!(
        status["accounts_exist"],
        json!(false),
        "a single-user register works without accounts"
    );
    let session = h.ok("create_first_admin", account("admin", "admin", None, None));
    assert_eq!(session["account"]["role"], json!("admin"));
    h.ok("add_account", account("lanhdao", "supervisor", None, None));
    h.ok(
        "add_account",
        account("bithu", "secretary", Some("HK-01"), Some("2468")),
    );
    h.ok("logout", json!({}));

    let err = h.err("list_units", json!({}));
    assert_eq!(err["kind"], json!("forbidden"), "{err}");

    // A supervisor reads but changes nothing.
    h.ok("login", json!({ "username": "lanhdao", "password": "mat-khau-dai" }));
    h.ok("list_units", json!({}));
    let err = h.err(
        "add_unit",
        json!({ "unit": { "code": "X", "name": "Chi bộ X", "parent": null, "kind": null } }),
    );
    assert_eq!(err["kind"], json!("forbidden"), "{err}");

    // A secretary confirms for their own unit only.
    h.ok("logout", json!({}));
    h.ok("login", json!({ "username": "admin", "password": "mat-khau-dai" }));
    h.ok(
        "create_batch",
        json!({ "batch": {
            "code": "D1", "title": "Đợt 1", "handed_on": days_from_today(-3), "due_on": days_from_today(4),
            "documents": [{ "symbol": "05-KH/HU", "quantity": 1 }], "units": [], "subtrees": ["HK"]
        } }),
    );
    h.ok("logout", json!({}));
    h.ok("login", json!({ "username": "bithu", "password": "mat-khau-dai" }));
    let other = json!({ "confirmation": { "batch": "D1", "unit_code": "HK-02", "by": "Người bithu", "on": null } });
    assert_eq!(h.err("confirm_receipt", other)["kind"], json!("forbidden"));
    let own = json!({ "confirmation": { "batch": "D1", "unit_code": "HK-01", "by": "Người bithu", "on": null } });
    h.ok("confirm_receipt", own);

    // At the office: the clerk's window, the secretary's PIN.
    h.ok("logout", json!({}));
    h.ok("login", json!({ "username": "admin", "password": "mat-khau-dai" }));
    h.ok(
        "undo_confirmation",
        json!({
            "receipt": { "batch": "D1", "unit_code": "HK-01", "by": "", "on": null }, "reason": "Thử lại bằng PIN"
        }),
    );
    let c = json!({ "batch": "D1", "unit_code": "HK-01", "by": "", "on": null });
    let err = h.err(
        "confirm_with_pin",
        json!({ "username": "bithu", "pin": "1111", "confirmation": c }),
    );
    assert_eq!(err["field"], json!("pin"), "{err}");
    h.ok(
        "confirm_with_pin",
        json!({ "username": "bithu", "pin": "2468", "confirmation": c }),
    );
    let wrong_unit = json!({ "batch": "D1", "unit_code": "HK-02", "by": "", "on": null });
    let err = h.err(
        "confirm_with_pin",
        json!({ "username": "bithu", "pin": "2468", "confirmation": wrong_unit }),
    );
    assert_eq!(err["kind"], json!("forbidden"), "{err}");
}

#[test]
fn the_session_locks_after_the_idle_time() {
    let h = Harness::new();
    seed(&h);
    h.ok("create_first_admin", account("admin", "admin", None, None));
    h.ok("list_units", json!({}));
    // An idle lock of 0 minutes: the next command finds the session idle.
    let conn = rusqlite::Connection::open(&h.db).expect("open the database");
    conn.execute("INSERT INTO setting (key, value) VALUES ('idle_lock_minutes', '0')", [])
        .expect("setting");
    let err = h.err("list_units", json!({}));
    assert_eq!(err["kind"], json!("forbidden"), "{err}");
    assert!(err["message"].as_str().unwrap_or("").contains("tự khoá"), "{err}");
    assert_eq!(h.ok("auth_status", json!({}))["session"], json!(null), "signed out");
    h.ok("login", json!({ "username": "admin", "password": "mat-khau-dai" }));
}

/// A batch D1 of 05-KH/HU to HK-01 and HK-02, as the admin (signed in).
fn hand_out(h: &Harness) {
    h.ok(
        "create_batch",
        json!({ "batch": {
            "code": "D1", "title": "Đợt 1", "handed_on": days_from_today(-3), "due_on": days_from_today(4),
            "documents": [{ "symbol": "05-KH/HU", "quantity": 1 }], "units": [], "subtrees": ["HK"]
        } }),
    );
}

fn receipt_status(db: &std::path::Path, batch: &str, unit: &str) -> String {
    let conn = rusqlite::Connection::open(db).expect("open the database");
    conn.query_row(
        "SELECT r.status FROM receipt r JOIN batch b ON b.id = r.batch_id JOIN unit u ON u.id = r.unit_id
         WHERE b.code = ?1 AND u.code = ?2",
        [batch, unit],
        |r| r.get(0),
    )
    .expect("the receipt")
}

/// A supervisor may not confirm. Signing out and in again while the window
/// keeps asking to confirm must never find the moment between the role check
/// and the session (where the old code fell back to "no session: single
/// user" and confirmed unchecked).
#[test]
fn signing_out_during_a_confirmation_never_skips_the_role_check() {
    let h = Harness::new();
    seed(&h);
    h.ok("create_first_admin", account("admin", "admin", None, None));
    h.ok("add_account", account("lanhdao", "supervisor", None, None));
    hand_out(&h);
    h.ok("logout", json!({}));
    h.ok("login", json!({ "username": "lanhdao", "password": "mat-khau-dai" }));
    let stop = std::sync::atomic::AtomicBool::new(false);
    let confirm = json!({ "confirmation": { "batch": "D1", "unit_code": "HK-01", "by": "Ai đó", "on": null } });
    let window = h.main.clone();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let login = json!({ "username": "lanhdao", "password": "mat-khau-dai" });
            for _ in 0..25 {
                invoke_from(&window, "logout", json!({})).expect("logout");
                invoke_from(&window, "login", login.clone()).expect("login");
            }
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        });
        let mut tries = 0;
        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
            let err = h.err("confirm_receipt", confirm.clone());
            assert_eq!(err["kind"], json!("forbidden"), "{err}");
            tries += 1;
        }
        assert!(tries > 0);
    });
    assert_eq!(receipt_status(&h.db, "D1", "HK-01"), "pending", "nothing was confirmed");
}

#[test]
fn the_first_administrator_is_refused_once_any_account_exists() {
    let h = Harness::new();
    seed(&h);
    // A clerk made with the command line (another connection to the file); no administrator.
    let mut cli = Store::open(&h.db).expect("open the file as the command line does");
    cli.add_account(
        None,
        &giaonhan::Actor::cli(),
        serde_json::from_value(account("vanthu", "clerk", None, None)["account"].clone()).expect("new account"),
    )
    .expect("a clerk from the command line");
    let status = h.ok("auth_status", json!({}));
    assert_eq!(status["accounts_exist"], json!(true), "{status}");
    assert_eq!(status["needs_admin"], json!(false), "{status}");
    let err = h.err("create_first_admin", account("ke-gian", "admin", None, None));
    assert_eq!(err["kind"], json!("forbidden"), "{err}");
    assert_eq!(
        h.ok("auth_status", json!({}))["session"],
        json!(null),
        "nobody signed in"
    );
    assert_eq!(h.err("list_units", json!({}))["kind"], json!("forbidden"));
    assert!(cli.account("ke-gian").expect("read").is_none(), "nothing written");
}

#[test]
fn a_secretary_reads_only_their_own_unit() {
    let h = Harness::new();
    seed(&h);
    h.ok(
        "add_document",
        json!({ "doc": {
            "symbol": "07-NQ/HU", "title": "Nghị quyết tuyệt mật về nhân sự", "issued_on": "2025-01-20",
            "copies_received": 5, "classification": "absolute"
        } }),
    );
    h.ok(
        "add_document",
        json!({ "doc": {
            "symbol": "08-CT/HU", "title": "Chỉ thị mật cho thôn Ấp Thượng", "issued_on": "2025-01-21",
            "copies_received": 5, "classification": "secret"
        } }),
    );
    h.ok("create_first_admin", account("admin", "admin", None, None));
    h.ok(
        "add_account",
        account("bithu", "secretary", Some("HK-01"), Some("2468")),
    );
    hand_out(&h);
    h.ok(
        "create_batch",
        json!({ "batch": {
            "code": "D2", "title": "Đợt 2", "handed_on": days_from_today(-2), "due_on": days_from_today(5),
            "documents": [{ "symbol": "07-NQ/HU", "quantity": 1 }], "units": ["HK-01"], "subtrees": []
        } }),
    );
    h.ok(
        "create_batch",
        json!({ "batch": {
            "code": "D3", "title": "Đợt 3", "handed_on": days_from_today(-1), "due_on": days_from_today(6),
            "documents": [{ "symbol": "08-CT/HU", "quantity": 1 }], "units": ["HK-02"], "subtrees": []
        } }),
    );
    let other_code = h.ok("unit_receipts", json!({ "code": "HK-02" }))[0]["receipt_code"].clone();
    let docs = h.ok("list_documents", json!({}));
    let title = |docs: &Value, symbol: &str| -> Value {
        docs.as_array()
            .and_then(|d| d.iter().find(|d| d["symbol"] == symbol))
            .map(|d| d["title"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(
        title(&docs, "07-NQ/HU"),
        json!("Nghị quyết tuyệt mật về nhân sự"),
        "the staff read it on screen"
    );
    h.ok("logout", json!({}));
    h.ok("login", json!({ "username": "bithu", "password": "mat-khau-dai" }));

    let rows = h.ok("outstanding", json!({ "query": {} }));
    let units: Vec<&str> = rows
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["unit_code"].as_str())
        .collect();
    assert_eq!(units, ["HK-01", "HK-01"], "D1 and D2 of HK-01 only: {rows}");
    // The page the window draws counts only what the secretary may read.
    let page = h.ok("outstanding_page", json!({ "query": {}, "offset": 0, "limit": 1 }));
    assert_eq!(page["rows"].as_array().map(Vec::len), Some(1), "{page}");
    assert_eq!(page["rows"][0]["unit_code"], "HK-01", "{page}");
    assert_eq!(page["total"]["lines"], 2, "{page}");
    assert_eq!(page["total"]["units"], 1, "{page}");
    assert_eq!(page["groups"].as_array().map(Vec::len), Some(1), "{page}");
    let batches = h.ok("list_batches", json!({}));
    let codes: Vec<&str> = batches
        .as_array()
        .expect("batches")
        .iter()
        .filter_map(|b| b["code"].as_str())
        .collect();
    assert_eq!(codes, ["D2", "D1"], "not D3: {batches}");
    let d1 = &batches[1];
    assert_eq!(
        (d1["recipients"].clone(), d1["open"].clone()),
        (json!(1), json!(1)),
        "{d1}"
    );
    let stats = h.ok("batch_stats", json!({ "batches": ["D1"], "as_of": null }));
    assert_eq!(stats[0]["units"], json!(1), "{stats}");
    let err = h.err("batch_stats", json!({ "batches": ["D3"], "as_of": null }));
    assert_eq!(err["kind"], json!("forbidden"), "{err}");
    let groups = h.ok("group_completion", json!({ "batch": "D1", "as_of": null }));
    assert_eq!(groups[0]["units"], json!(1), "{groups}");
    let flags = h.ok("unit_flags", json!({ "as_of": null }));
    assert!(
        flags
            .as_array()
            .expect("flags")
            .iter()
            .all(|f| f["unit_code"] == "HK-01"),
        "{flags}"
    );
    h.ok("unit_receipts", json!({ "code": "HK-01" }));
    let err = h.err("unit_receipts", json!({ "code": "HK-02" }));
    assert_eq!(err["kind"], json!("forbidden"), "{err}");
    let err = h.err("get_receipt", json!({ "code": other_code }));
    assert_eq!(err["kind"], json!("forbidden"), "another unit's receipt code: {err}");

    let docs = h.ok("list_documents", json!({}));
    let symbols: Vec<&str> = docs
        .as_array()
        .expect("docs")
        .iter()
        .filter_map(|d| d["symbol"].as_str())
        .collect();
    assert_eq!(symbols.len(), 2, "05-KH/HU and 07-NQ/HU, not 08-CT/HU: {docs}");
    assert!(!symbols.contains(&"08-CT/HU"), "{docs}");
    assert_eq!(title(&docs, "07-NQ/HU"), json!(giaonhan::documents::ABSOLUTE_SUMMARY));
    assert!(
        !docs.to_string().contains("tuyệt mật về nhân sự"),
        "the summary never reaches a secretary: {docs}"
    );
}

#[test]
fn disabled_accounts_are_refused_and_an_admin_manages_accounts() {
    let h = Harness::new();
    seed(&h);
    h.ok("create_first_admin", account("admin", "admin", None, None));
    h.ok("add_account", account("vanthu", "clerk", None, None));
    h.ok(
        "add_account",
        account("bithu", "secretary", Some("HK-01"), Some("2468")),
    );
    hand_out(&h);
    h.ok("logout", json!({}));
    h.ok("login", json!({ "username": "vanthu", "password": "mat-khau-dai" }));
    h.ok("list_units", json!({}));
    let change = |kind: &str, username: &str| json!({ "change": { "kind": kind, "username": username } });
    let err = h.err("change_account", change("disable", "bithu"));
    assert_eq!(err["kind"], json!("forbidden"), "a clerk manages no account: {err}");

    // Disabled from the command line while signed in: the next action ends the session.
    let mut cli = Store::open(&h.db).expect("open the file as the command line does");
    cli.change_account(
        &giaonhan::Actor::cli(),
        giaonhan::accounts::AccountChange::Disable {
            username: "vanthu".into(),
        },
    )
    .expect("disable from the command line");
    let err = h.err("list_units", json!({}));
    assert_eq!(err["kind"], json!("forbidden"), "{err}");
    assert!(err["message"].as_str().unwrap_or("").contains("vô hiệu hoá"), "{err}");
    assert_eq!(h.ok("auth_status", json!({}))["session"], json!(null));
    let err = h.err("login", json!({ "username": "vanthu", "password": "mat-khau-dai" }));
    assert!(err["message"].as_str().unwrap_or("").contains("vô hiệu hoá"), "{err}");

    // The administrator disables the secretary: their PIN signs nothing.
    h.ok("login", json!({ "username": "admin", "password": "mat-khau-dai" }));
    let a = h.ok("change_account", change("disable", "bithu"));
    assert_eq!(a["disabled"], json!(true), "{a}");
    let c = json!({ "batch": "D1", "unit_code": "HK-01", "by": "", "on": null });
    let err = h.err(
        "confirm_with_pin",
        json!({ "username": "bithu", "pin": "2468", "confirmation": c }),
    );
    assert!(err["message"].as_str().unwrap_or("").contains("vô hiệu hoá"), "{err}");
    assert_eq!(receipt_status(&h.db, "D1", "HK-01"), "pending");
    h.ok("change_account", change("enable", "bithu"));
    h.ok("change_account", change("enable", "vanthu"));

    // Lock the PIN, unlock it, reset it.
    for _ in 0..5 {
        h.err(
            "confirm_with_pin",
            json!({ "username": "bithu", "pin": "0000", "confirmation": c }),
        );
    }
    let listed = h.ok("list_accounts", json!({}));
    let bithu = listed
        .as_array()
        .and_then(|a| a.iter().find(|a| a["username"] == "bithu"))
        .cloned()
        .expect("listed");
    assert_eq!(bithu["locked"], json!(true), "{bithu}");
    let a = h.ok("change_account", change("unlock", "bithu"));
    assert_eq!(a["locked"], json!(false), "{a}");
    h.ok(
        "change_account",
        json!({ "change": { "kind": "reset", "username": "bithu", "password": null, "pin": "97531" } }),
    );
    h.err(
        "confirm_with_pin",
        json!({ "username": "bithu", "pin": "2468", "confirmation": c }),
    );
    h.ok(
        "confirm_with_pin",
        json!({ "username": "bithu", "pin": "97531", "confirmation": c }),
    );
    let code = h.ok("unit_receipts", json!({ "code": "HK-01" }))[0]["receipt_code"].clone();
    let detail = h.ok("get_receipt", json!({ "code": code }));
    assert_eq!(detail["recorded_by"], json!("admin"), "the operator: {detail}");
    assert_eq!(detail["signer_account"], json!("bithu"), "the signer: {detail}");
    h.ok("logout", json!({}));
    h.ok("login", json!({ "username": "vanthu", "password": "mat-khau-dai" }));
}

#[test]
fn wrong_passwords_over_all_accounts_are_limited() {
    let h = Harness::new();
    seed(&h);
    h.ok("create_first_admin", account("admin", "admin", None, None));
    h.ok("add_account", account("vanthu", "clerk", None, None));
    h.ok("logout", json!({}));
    // Twenty wrong tries spread over names, known and unknown: no account is locked.
    for i in 0..20 {
        let username = match i % 4 {
            0 => "admin".to_owned(),
            1 => "vanthu".to_owned(),
            _ => format!("doan-{i}"),
        };
        let err = h.err("login", json!({ "username": username, "password": "doan-bua" }));
        assert!(
            err["message"].as_str().unwrap_or("").contains("Sai tên đăng nhập"),
            "{err}"
        );
    }
    let err = h.err("login", json!({ "username": "admin", "password": "mat-khau-dai" }));
    assert_eq!(err["kind"], json!("forbidden"), "{err}");
    assert!(
        err["message"].as_str().unwrap_or("").contains("quá 20 lần"),
        "even the right password waits: {err}"
    );
}

/// Saves and imports in the window go through the Rust side: a save into
/// `GIAONHAN_SAVE_DIR` never replaces a file and is logged; an import reads
/// the file chosen (from `GIAONHAN_OPEN_DIR`, standing in for the dialog)
/// from its path, and the window only ever sees its name and size.
#[test]
fn saves_are_logged_and_imports_read_the_chosen_file_in_rust() {
    let saves = tempfile::tempdir().expect("saves folder");
    let inputs = tempfile::tempdir().expect("inputs folder");
    std::env::set_var("GIAONHAN_SAVE_DIR", saves.path());
    std::env::set_var("GIAONHAN_OPEN_DIR", inputs.path());
    let h = Harness::new();
    seed(&h);

    let query = json!({ "batches": [], "subtree": null, "document": null, "overdue_only": false, "tier": null,
                        "as_of": "2025-08-30" });
    // The channel the window passes for the progress of a long PDF.
    let args = json!({ "list": "outstanding", "query": query, "format": "pdf", "progress": "__CHANNEL__:1" });
    // A new register prints nothing before the office gives its letterhead.
    assert_eq!(h.ok("get_letterhead", json!({})), Value::Null);
    let refused = h.err("save_list", args.clone());
    assert_eq!(refused["field"], "letterhead", "{refused}");
    let letterhead = giaonhan::print::Letterhead::sample();
    h.ok("set_letterhead", json!({ "letterhead": letterhead }));
    assert_eq!(h.ok("get_letterhead", json!({}))["place"], letterhead.place);
    let first = h.ok("save_list", args.clone());
    let second = h.ok("save_list", args);
    assert_ne!(first, second, "the second save takes a fresh name");
    assert!(second
        .as_str()
        .expect("path")
        .ends_with("danh-sach-chua-xac-nhan-2025-08-30 (2).pdf"));
    let saved = h.ok(
        "save_register",
        json!({ "register": "units", "template": false, "xlsx": false }),
    );
    let csv = std::fs::read_to_string(saved.as_str().expect("path")).expect("the export");
    assert!(csv.contains("Chi bộ thôn Đông Trung"), "{csv}");
    let conn = rusqlite::Connection::open(&h.db).expect("open");
    let logged: Vec<(String, String, String)> = conn
        .prepare(
            "SELECT action, method, json_extract(detail, '$.file') FROM audit_log
             WHERE action LIKE 'print.%' OR action LIKE 'export.%' ORDER BY id",
        )
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
        .expect("rows");
    assert_eq!(
        logged
            .iter()
            .map(|(a, m, _)| (a.as_str(), m.as_str()))
            .collect::<Vec<_>>(),
        [
            ("print.outstanding", "app"),
            ("print.outstanding", "app"),
            ("export.units", "app")
        ]
    );
    assert_eq!(json!(logged[1].2), second);

    // Import: nothing chosen yet, then a file named in the unattended folder.
    let err = h.err(
        "import_register",
        json!({ "register": "units", "dryRun": true, "progress": "__CHANNEL__:1" }),
    );
    assert_eq!(err["field"], json!("file"), "{err}");
    let units = "Mã,Tên,Mã cấp trên,Loại\nHK-03,Chi bộ thôn Trung Hòa,HK,Chi bộ\n";
    std::fs::write(inputs.path().join("don-vi.csv"), units).expect("write");
    let chosen = h.ok("choose_import_file", json!({ "name": "don-vi.csv" }));
    assert_eq!(chosen, json!({ "name": "don-vi.csv", "size": units.len() }));
    let report = h.ok(
        "import_register",
        json!({ "register": "units", "dryRun": false, "progress": "__CHANNEL__:1" }),
    );
    assert_eq!(report["file"], json!("don-vi.csv"));
    assert_eq!(report["written"], json!(true), "{report}");
    for outside in ["../don-vi.csv", "/etc/passwd", "a/b.csv"] {
        let err = h.err("choose_import_file", json!({ "name": outside }));
        assert_eq!(err["field"], json!("file"), "{outside}: {err}");
    }
    std::env::remove_var("GIAONHAN_SAVE_DIR");
    std::env::remove_var("GIAONHAN_OPEN_DIR");
}

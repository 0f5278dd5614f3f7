//! IPC tests: the real app (same `run_app`, configuration and capabilities) on
//! Tauri's mock runtime, invoked the way the UI invokes it — JSON arguments that
//! go through Tauri's deserialisation and the capability check — against a real
//! SQLite file in a temporary directory opened with `Store::open`.

use chrono::{Days, Local};
use giaonhan::Store;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};

/// One app over its own database file.
struct Harness {
    _dir: tempfile::TempDir,
    db: std::path::PathBuf,
    _app: App<MockRuntime>,
    main: WebviewWindow<MockRuntime>,
}

impl Harness {
    fn new() -> Harness {
        let dir = tempfile::tempdir().expect("create temp dir");
        let db = dir.path().join("data").join("sogiaonhan.sqlite3");
        let store = Store::open(&db).expect("open a new database in the temp dir");
        let app = sogiaonhan_app_lib::run_app(mock_builder(), sogiaonhan_app_lib::context(), store)
            .expect("build the app on the mock runtime");
        // `App::run` would create the configured windows; create "main" the same
        // way, from its entry in tauri.conf.json.
        let config = app
            .config()
            .app
            .windows
            .iter()
            .find(|w| w.label == "main")
            .expect("tauri.conf.json configures the window \"main\"")
            .clone();
        let main = WebviewWindowBuilder::from_config(app.handle(), &config)
            .and_then(|b| b.build())
            .expect("create the main window");
        Harness {
            _dir: dir,
            db,
            _app: app,
            main,
        }
    }

    /// Invokes `cmd` from the main window with JSON `args`.
    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        invoke_from(&self.main, cmd, args)
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    fn err(&self, cmd: &str, args: Value) -> Value {
        match self.invoke(cmd, args) {
            Ok(v) => panic!("{cmd} should fail but returned {v}"),
            Err(e) => e,
        }
    }
}

fn invoke_from(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: if cfg!(windows) {
            "http://tauri.localhost"
        } else {
            "tauri://localhost"
        }
        .parse()
        .expect("valid URL"),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    tauri::test::get_ipc_response(window, request)
        .map(|body| body.deserialize::<Value>().expect("the response body is JSON"))
}

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
        json!({ "unit": { "code": "HK-01", "name": "Chi bộ thôn Đông Trung", "parent": "HK", "kind": "Chi bộ" } }),
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

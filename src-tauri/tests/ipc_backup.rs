//! IPC tests of backups, restore and recovery: the real app (`run_app_with`,
//! configuration and capabilities) on Tauri's mock runtime, against real files
//! in a temporary directory — the list of automatic backups, their settings, a
//! backup to a file, a restore that reopens the store (and is refused while a
//! second store has the register open), who may do which, the recovery state
//! of a database that could not be opened, the banner of a failed automatic
//! backup until dismissed, and damage found by the start backup turning the
//! window to recovery; a register from an older version saying so until
//! upgraded, then open.

mod common;

use std::path::{Path, PathBuf};

use common::{temp_db, Harness};
use giaonhan::backup::BackupReason;
use giaonhan::Store;
use giaonhan_tests::badfile::damage_an_index;
use serde_json::{json, Value};
use sogiaonhan_app_lib::AppState;
use tauri::Manager;

fn add_unit(h: &Harness, code: &str) {
    h.ok(
        "add_unit",
        json!({ "unit": { "code": code, "name": format!("Chi bộ thôn {code}"), "parent": null, "kind": "Chi bộ" } }),
    );
}

fn unit_codes(h: &Harness) -> Vec<String> {
    let units = h.ok("list_units", json!({}));
    units
        .as_array()
        .expect("an array")
        .iter()
        .map(|u| u["code"].as_str().expect("code").to_owned())
        .collect()
}

/// The start backup, as the app makes it (its first: always due).
fn automatic_backup(db: &Path) -> giaonhan::backup::BackupInfo {
    let stop = std::sync::atomic::AtomicBool::new(false);
    let outcome = giaonhan::backup::automatic(db, BackupReason::Start, &stop);
    outcome
        .made
        .unwrap_or_else(|| panic!("an automatic backup: {:?}", outcome.alert))
}

#[test]
fn backups_are_listed_kept_made_and_restored_through_ipc() {
    let (dir, db) = temp_db();
    let h = Harness::open(&db);
    add_unit(&h, "HK-01");
    assert_eq!(h.ok("list_backups", json!({})), json!([]));
    let made = automatic_backup(&db);
    let listed = h.ok("list_backups", json!({}));
    assert_eq!(listed[0]["file_name"], made.file_name.as_str(), "{listed}");
    assert_eq!(listed[0]["reason"], "start");

    let settings = h.ok("backup_settings", json!({}));
    assert_eq!(settings, json!({ "keep": 10, "keep_migrate": 5, "interval_hours": 24 }));
    h.ok(
        "set_backup_settings",
        json!({ "settings": { "keep": 4, "keep_migrate": 2, "interval_hours": 12 } }),
    );
    assert_eq!(h.ok("backup_settings", json!({}))["keep"], 4);
    let refused = h.err(
        "set_backup_settings",
        json!({ "settings": { "keep": 0, "keep_migrate": 2, "interval_hours": 12 } }),
    );
    assert_eq!(refused["field"], "backup_keep", "{refused}");

    // A backup now, into the unattended save folder.
    let saves = dir.path().join("saves");
    std::fs::create_dir_all(&saves).expect("saves folder");
    std::env::set_var("GIAONHAN_SAVE_DIR", &saves);
    let saved = h.ok("backup_now", json!({}));
    let saved = PathBuf::from(saved.as_str().expect("the saved path"));
    assert!(saved.starts_with(&saves) && saved.is_file(), "{}", saved.display());

    // Restore: the store is reopened on the restored file.
    add_unit(&h, "HK-02");
    let restored = h.ok("restore_backup", json!({ "fileName": made.file_name }));
    let replaced = PathBuf::from(restored["replaced"].as_str().expect("replaced path"));
    assert!(replaced.is_file(), "{restored}");
    assert_eq!(unit_codes(&h), ["HK-01"]);
    add_unit(&h, "HK-03");

    // Only files of the backups folder, by name.
    let refused = h.err("restore_backup", json!({ "fileName": "../sogiaonhan.sqlite3" }));
    assert_eq!(refused["kind"], "not_found", "{refused}");
}

#[test]
fn a_clerk_backs_up_but_only_an_admin_restores() {
    let (_dir, db) = temp_db();
    let h = Harness::open(&db);
    let made = automatic_backup(&db);
    let account = |username: &str, role: &str| {
        json!({ "account": {
            "username": username, "display_name": format!("Người {username}"), "role": role,
            "unit": null, "password": "mat-khau-dai", "pin": null
        } })
    };
    h.ok("create_first_admin", account("quantri", "admin"));
    h.ok("add_account", account("vanthu", "clerk"));
    h.ok("logout", json!({}));
    h.ok("login", json!({ "username": "vanthu", "password": "mat-khau-dai" }));
    assert_eq!(h.ok("list_backups", json!({})).as_array().map(Vec::len), Some(1));
    let refused = h.err("restore_backup", json!({ "fileName": made.file_name }));
    assert_eq!(refused["kind"], "forbidden", "{refused}");
    let refused = h.err(
        "set_backup_settings",
        json!({ "settings": { "keep": 3, "keep_migrate": 2, "interval_hours": 24 } }),
    );
    assert_eq!(refused["kind"], "forbidden", "{refused}");
    h.ok("logout", json!({}));
    h.ok("login", json!({ "username": "quantri", "password": "mat-khau-dai" }));
    h.ok("restore_backup", json!({ "fileName": made.file_name }));
    // The backup predates the accounts: a single-user register again.
    let auth = h.ok("auth_status", json!({}));
    assert_eq!(auth["accounts_exist"], false, "{auth}");
}

#[test]
fn a_database_that_does_not_open_offers_its_backups_and_restores() {
    let (_dir, db) = temp_db();
    // The register through the core (an app's managed state outlives the
    // app on the mock runtime, and its open store would keep the register
    // locked against the restore below).
    let made = {
        let mut store = Store::open(&db).expect("create");
        let unit: giaonhan::model::NewUnit = serde_json::from_value(
            json!({ "code": "HK-01", "name": "Chi bộ thôn HK-01", "parent": null, "kind": "Chi bộ" }),
        )
        .expect("a unit");
        store
            .add_unit(&giaonhan::Actor::new("test", "test"), unit)
            .expect("unit");
        automatic_backup(&db)
    };
    let content = "không phải cơ sở dữ liệu\n".repeat(20).into_bytes();
    std::fs::write(&db, &content).expect("spoil");
    let problem = Store::open(&db).expect_err("refused").to_string();
    let h = Harness::recovering(&db, &problem);

    let rec = h.ok("recovery_status", json!({}));
    assert_eq!(rec["problem"], problem.as_str());
    assert_eq!(rec["db_path"], db.display().to_string().as_str());
    assert_eq!(rec["backups"][0]["file_name"], made.file_name.as_str(), "{rec}");
    let refused = h.err("list_units", json!({}));
    assert_eq!(refused["kind"], "database", "{refused}");
    assert_eq!(std::fs::read(&db).expect("read"), content, "untouched until restored");

    let restored = h.ok("restore_backup", json!({ "fileName": made.file_name }));
    let replaced = PathBuf::from(restored["replaced"].as_str().expect("replaced"));
    assert_eq!(
        std::fs::read(&replaced).expect("read"),
        content,
        "moved aside unchanged"
    );
    assert_eq!(h.ok("recovery_status", json!({})), Value::Null);
    assert_eq!(unit_codes(&h), ["HK-01"]);
}

#[test]
fn a_failed_automatic_backup_is_shown_until_dismissed() {
    let (_dir, db) = temp_db();
    let h = Harness::open(&db);
    let state = h.main.state::<AppState>();
    assert_eq!(
        h.ok("backup_status", json!({})),
        json!({ "alert": null, "recovering": false })
    );
    // A file where the backups folder should be: the start backup fails.
    std::fs::write(giaonhan::backup::backup_dir(&db), b"not a folder").expect("block the folder");
    state.automatic_backup(BackupReason::Start).expect("ran");
    let status = h.ok("backup_status", json!({}));
    assert_eq!(status["alert"]["damaged"], false, "{status}");
    assert!(
        status["alert"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Sao lưu tự động không thành công")),
        "{status}"
    );
    h.ok("dismiss_backup_alert", json!({}));
    assert_eq!(h.ok("backup_status", json!({}))["alert"], Value::Null);
}

#[test]
fn damage_found_by_the_start_backup_turns_the_window_to_recovery() {
    let (_dir, db) = temp_db();
    let good = {
        let mut store = Store::open(&db).expect("create");
        store
            .set_backup_settings(
                &giaonhan::Actor::new("test", "test"),
                &giaonhan::backup::BackupSettings {
                    keep: 10,
                    keep_migrate: 5,
                    interval_hours: 0,
                },
            )
            .expect("a backup at every start");
        automatic_backup(&db)
    };
    damage_an_index(&db);
    let h = Harness::open(&db);
    let state = h.main.state::<AppState>();
    state.automatic_backup(BackupReason::Start).expect("ran");
    let status = h.ok("backup_status", json!({}));
    assert_eq!(status["recovering"], true, "{status}");
    assert_eq!(status["alert"]["damaged"], true, "{status}");
    let rec = h.ok("recovery_status", json!({}));
    assert!(
        rec["problem"].as_str().is_some_and(|p| p.contains("trang hỏng")),
        "{rec}"
    );
    assert_eq!(rec["backups"][1]["file_name"], good.file_name.as_str(), "{rec}");
    assert_eq!(rec["backups"][0]["check"], "damaged", "{rec}");
    assert_eq!(h.err("list_units", json!({}))["kind"], "database");
    h.ok("restore_backup", json!({ "fileName": good.file_name }));
    assert_eq!(
        h.ok("backup_status", json!({})),
        json!({ "alert": null, "recovering": false })
    );
}

#[test]
fn a_restore_is_refused_while_another_store_has_the_register_open() {
    let (_dir, db) = temp_db();
    let h = Harness::open(&db);
    add_unit(&h, "HK-01");
    let made = automatic_backup(&db);
    add_unit(&h, "HK-02");
    // Another window (a second store on the same file).
    let other = Store::open(&db).expect("a second store");
    let refused = h.err("restore_backup", json!({ "fileName": made.file_name }));
    assert_eq!(refused["kind"], "io", "{refused}");
    assert!(
        refused["message"].as_str().is_some_and(|m| m.contains("đang được mở")),
        "{refused}"
    );
    // Nothing moved, and the app goes on with the register as it was.
    assert_eq!(unit_codes(&h), ["HK-01", "HK-02"]);
    add_unit(&h, "HK-03");
    drop(other);
    h.ok("restore_backup", json!({ "fileName": made.file_name }));
    assert_eq!(unit_codes(&h), ["HK-01"]);
}

#[test]
fn a_register_from_an_older_version_says_so_until_upgraded_then_opens() {
    let (_dir, db) = temp_db();
    std::fs::create_dir_all(db.parent().expect("a folder")).expect("create the folder");
    giaonhan::db::create_at_version(&db, 1).expect("a register as version 1 left it");
    let from = giaonhan::backup::upgrade_pending(&db).expect("an upgrade is due");
    let h = Harness::upgrading(&db, from);
    let status = h.ok("upgrade_status", json!({}));
    assert_eq!(status["from_version"], 1, "{status}");
    assert_eq!(status["to_version"], giaonhan::db::SCHEMA_VERSION, "{status}");
    assert_eq!(status["step"], "backup", "{status}");
    assert_eq!(status["db_path"], db.display().to_string(), "{status}");
    assert_eq!(h.ok("recovery_status", json!({})), Value::Null, "not in recovery");

    h.main.state::<AppState>().finish_upgrade().expect("upgraded");
    assert_eq!(h.ok("upgrade_status", json!({})), Value::Null);
    assert_eq!(h.ok("recovery_status", json!({})), Value::Null);
    assert_eq!(h.ok("app_status", json!({}))["is_empty"], true);
    assert_eq!(giaonhan::backup::upgrade_pending(&db), None, "upgraded once");
}

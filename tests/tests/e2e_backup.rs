//! End-to-end tests of backups through the real window (plumbing in
//! `giaonhan_tests::e2e`): on the sample register, the "Sao lưu" screen lists
//! the automatic backup made at start, backs up now (into `GIAONHAN_SAVE_DIR`),
//! restores the start backup behind a confirmation (a unit added afterwards by
//! the CLI is gone, and kept in the replaced file), and sets how many backups
//! are kept. Then a corrupt database: the window opens on the recovery screen,
//! which names the problem and the file; the file stays byte-for-byte as it was
//! until "Khôi phục bản sao lưu mới nhất" moves it aside and the register is
//! back. A start backup that fails shows a banner on every screen and on the
//! "Sao lưu" screen until dismissed; damage that only the full check finds
//! (the start backup's copy is marked damaged, then the register is checked)
//! turns the window to the recovery screen; and a register file that is gone
//! while backups exist opens the recovery screen, never a new empty register.
//! A register from an older version is upgraded behind a window that says
//! so (its file and version, the step, the time taken), then opens as usual.
//! The SQLite files are read directly; screenshots go to
//! `target/e2e-artifacts/`.
#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};
use std::process::Command;

use fantoccini::Client;
use giaonhan_tests::e2e::*;
use serde_json::json;

fn giaonhan(db: &Path, args: &[&str]) {
    let out = Command::new(giaonhan_tests::binary("giaonhan"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("GIAONHAN_DB")
        .output()
        .expect("run giaonhan");
    assert!(
        out.status.success(),
        "giaonhan {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn unit_codes(db: &Path) -> Vec<String> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open read-only");
    let mut stmt = conn.prepare("SELECT code FROM unit ORDER BY code").expect("prepare");
    let codes = stmt
        .query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
        .expect("codes");
    codes
}

/// The file names of the rows of `#backups-table`, reopening the screen until
/// at least one is listed (the start backup runs beside the window).
async fn listed_backups(c: &Client) -> Vec<String> {
    until("an automatic backup in the list", || async {
        open_screen(c, "backups").await;
        let names = js(
            c,
            "return [...document.querySelectorAll('#backups-table tbody tr[data-file-name]')]\
             .map((r) => r.dataset.fileName);",
            vec![],
        )
        .await;
        let names: Vec<String> = serde_json::from_value(names).unwrap_or_default();
        (!names.is_empty()).then_some(names)
    })
    .await
}

/// Waits for `#status` to contain `part` (after a reload of the window).
async fn wait_status(c: &Client, part: &str) -> String {
    until(&format!("#status to say {part:?}"), || async {
        if let Some(err) = shown_error(c).await {
            panic!("the app showed an error: {err}");
        }
        let now = status_text(c).await;
        now.contains(part).then_some(now)
    })
    .await
}

#[test]
fn back_up_and_restore_from_the_backups_screen() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let saves = tempfile::tempdir().expect("temp dir");
    // Inherited by tauri-driver and the app: saves go there without a dialog.
    std::env::set_var("GIAONHAN_SAVE_DIR", saves.path());
    let rt = runtime();
    let (db, _work) = rt.block_on(async {
        let s = start_with(|db, _| giaonhan(db, &["demo"])).await;
        let c = &s.client;
        // Start-up ends on the outstanding screen (a register with data);
        // navigating before that would be undone by it.
        wait_visible(c, "#screen-outstanding").await;

        // ---- the start backup is listed; back up now ----
        let listed = listed_backups(c).await;
        assert!(listed[0].ends_with("-start-good.sqlite3"), "{listed:?}");
        let start_backup = listed[0].clone();
        let said = submit_until_status(c, "#backup-now").await;
        assert!(said.starts_with("Đã sao lưu vào "), "{said}");
        let saved = PathBuf::from(said.trim_start_matches("Đã sao lưu vào ").trim_end_matches('.'));
        assert!(saved.starts_with(saves.path()), "{}", saved.display());
        assert_eq!(unit_codes(&saved), unit_codes(&s.db), "the copy holds the register");
        screenshot(c, "backups-screen").await;

        // ---- a change after the start backup, then restore it ----
        giaonhan(
            &s.db,
            &["unit", "add", "--code", "E2E-SAU", "--name", "Chi bộ thêm sau sao lưu"],
        );
        assert!(unit_codes(&s.db).contains(&"E2E-SAU".to_owned()));
        click(
            c,
            &format!("#backups-table button.restore[data-file-name=\"{start_backup}\"]"),
        )
        .await;
        until("the restore confirmation", || async {
            (js(c, "return !!document.querySelector('#restore-dialog')?.open;", vec![]).await == json!(true))
                .then_some(())
        })
        .await;
        let question = text(c, "#restore-what").await;
        assert!(question.contains("thư mục replaced"), "{question}");
        screenshot(c, "backups-restore-confirm").await;
        click(c, "#restore-confirm").await;
        let said = wait_status(c, "Đã khôi phục bản sao lưu").await;
        assert!(said.contains(&start_backup), "{said}");
        assert!(said.contains("replaced"), "{said}");
        screenshot(c, "backups-restored").await;

        // ---- how many are kept ----
        open_screen(c, "backups").await;
        type_into(c, "#backup-keep", "3").await;
        let said = submit_until_status(c, "#backup-keep-submit").await;
        assert!(said.contains("giữ lại 3"), "{said}");
        s.finish().await
    });

    let codes = unit_codes(&db);
    assert!(
        !codes.contains(&"E2E-SAU".to_owned()),
        "restored to before the change: {codes:?}"
    );
    assert!(!codes.is_empty());
    let replaced: Vec<PathBuf> = std::fs::read_dir(db.parent().expect("folder").join("replaced"))
        .expect("the replaced folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sqlite3"))
        .collect();
    assert_eq!(replaced.len(), 1, "{replaced:?}");
    assert!(unit_codes(&replaced[0]).contains(&"E2E-SAU".to_owned()), "kept aside");
    let conn = rusqlite::Connection::open(&db).expect("open");
    let keep: String = conn
        .query_row("SELECT value FROM setting WHERE key = 'backup_keep'", [], |r| r.get(0))
        .expect("the setting");
    assert_eq!(keep, "3");
    std::env::remove_var("GIAONHAN_SAVE_DIR");
}

#[test]
fn a_corrupt_database_opens_the_recovery_screen_and_restores_the_latest_backup() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let rt = runtime();
    let bad = std::sync::Mutex::new(Vec::new());
    let (db, _work) = rt.block_on(async {
        let s = start_with(|db, _| {
            giaonhan(db, &["demo"]);
            let store = giaonhan::Store::open(db).expect("open");
            store
                .auto_backup(giaonhan::backup::BackupReason::Daily)
                .expect("an automatic backup");
            drop(store);
            giaonhan_tests::badfile::spoil("corrupt", db);
            *bad.lock().expect("lock") = std::fs::read(db).expect("read the bad file");
        })
        .await;
        let c = &s.client;
        let bad = bad.lock().expect("lock").clone();

        wait_visible(c, "#screen-recovery").await;
        let problem = text(c, "#recovery-problem").await;
        assert!(problem.contains(&*s.db.to_string_lossy()), "names the file: {problem}");
        assert!(problem.contains("không mở được tệp dữ liệu"), "{problem}");
        assert!(text(c, "#recovery-file").await.contains("được giữ nguyên"));
        assert!(!visible(c, "#nav-units").await, "no register screens in recovery");
        assert!(text(c, "#recovery-latest").await.contains("Hằng ngày"));
        screenshot(c, "recovery-screen").await;
        assert_eq!(std::fs::read(&s.db).expect("read"), bad, "byte for byte while offered");

        click(c, "#recovery-restore-latest").await;
        let said = wait_status(c, "Đã khôi phục bản sao lưu").await;
        wait_visible(c, "#nav-units").await;
        assert!(!visible(c, "#screen-recovery").await);
        screenshot(c, "recovery-restored").await;
        let replaced = said
            .split("Dữ liệu trước đó được giữ tại ")
            .nth(1)
            .map(|p| PathBuf::from(p.trim_end_matches('.')))
            .expect("the message names the replaced file");
        assert_eq!(std::fs::read(&replaced).expect("read"), bad, "moved aside, unchanged");
        s.finish().await
    });
    assert!(unit_codes(&db).len() > 3, "the sample register is back");
}

/// The last row of the audit log: (action, detail).
fn last_audit(db: &Path) -> (String, String) {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open read-only");
    conn.query_row(
        "SELECT action, detail FROM audit_log ORDER BY id DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .expect("the last audit row")
}

#[test]
fn a_failed_start_backup_shows_a_banner_on_every_screen_until_dismissed() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let rt = runtime();
    rt.block_on(async {
        let s = start_with(|db, _| {
            giaonhan(db, &["demo"]);
            // A file where the backups folder should be: the start backup fails.
            std::fs::write(giaonhan::backup::backup_dir(db), b"not a folder").expect("block the folder");
        })
        .await;
        let c = &s.client;
        wait_visible(c, "#screen-outstanding").await;
        wait_visible(c, "#backup-alert").await;
        let said = text(c, "#backup-alert-text").await;
        assert!(said.contains("Sao lưu tự động không thành công"), "{said}");
        assert!(said.contains("backups"), "says which folder: {said}");
        screenshot(c, "backup-banner").await;
        // On every screen.
        for screen in ["units", "documents", "dashboard"] {
            open_screen(c, screen).await;
            assert!(visible(c, "#backup-alert").await, "the banner on {screen}");
        }
        // And on the "Sao lưu" screen, which the banner opens.
        click(c, "#backup-alert-open").await;
        wait_visible(c, "#screen-backups").await;
        wait_visible(c, "#backups-alert").await;
        assert!(text(c, "#backups-alert").await.contains("không thành công"));
        screenshot(c, "backup-banner-backups-screen").await;
        // Dismissed: gone from every screen, and it stays gone.
        click(c, "#backup-alert-dismiss").await;
        until("the banner to go", || async {
            (!visible(c, "#backup-alert").await).then_some(())
        })
        .await;
        open_screen(c, "units").await;
        tokio::time::sleep(std::time::Duration::from_secs(6)).await;
        assert!(!visible(c, "#backup-alert").await, "dismissed for good");
        s.finish().await
    });
}

#[test]
fn damage_found_by_the_start_backup_opens_the_recovery_screen() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let rt = runtime();
    let (db, _work) = rt.block_on(async {
        let s = start_with(|db, _| {
            giaonhan(db, &["demo"]);
            giaonhan(db, &["backup", "--interval-hours", "0", "--auto"]);
            giaonhan_tests::badfile::damage_an_index(db);
        })
        .await;
        let c = &s.client;
        // The window opens on the register (the quick check misses this
        // damage), then the start backup's check finds it.
        wait_visible(c, "#screen-recovery").await;
        let problem = text(c, "#recovery-problem").await;
        assert!(problem.contains("trang hỏng"), "{problem}");
        assert!(!visible(c, "#nav-units").await, "no register screens in recovery");
        let table = text(c, "#recovery-backups").await;
        assert!(table.contains("Hỏng") && table.contains("Tốt"), "{table}");
        screenshot(c, "recovery-damaged-page").await;
        click(c, "#recovery-restore-latest").await;
        wait_status(c, "Đã khôi phục bản sao lưu").await;
        wait_visible(c, "#nav-units").await;
        s.finish().await
    });
    let conn = rusqlite::Connection::open(&db).expect("open");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check");
    assert_eq!(check, "ok", "the good copy is back");
}

#[test]
fn a_missing_register_with_backups_opens_the_recovery_screen_not_an_empty_register() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let rt = runtime();
    let (db, _work) = rt.block_on(async {
        let s = start_with(|db, _| {
            giaonhan(db, &["demo"]);
            giaonhan(db, &["backup", "--auto"]);
            for suffix in ["", "-wal", "-shm"] {
                let mut name = db.as_os_str().to_os_string();
                name.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(name));
            }
        })
        .await;
        let c = &s.client;
        wait_visible(c, "#screen-recovery").await;
        assert_eq!(text(c, "#recovery-heading").await, "Không tìm thấy tệp dữ liệu");
        let problem = text(c, "#recovery-problem").await;
        assert!(problem.contains(&*s.db.to_string_lossy()), "names the file: {problem}");
        assert!(problem.contains("bản sao lưu tốt mới nhất"), "{problem}");
        assert!(text(c, "#recovery-file").await.contains("không tạo sổ mới"));
        assert!(!visible(c, "#nav-units").await, "no register screens");
        assert!(!s.db.exists(), "no new empty register was created");
        screenshot(c, "recovery-missing-file").await;

        click(c, "#recovery-restore-latest").await;
        let said = wait_status(c, "Đã khôi phục bản sao lưu").await;
        assert!(!said.contains("replaced"), "nothing was replaced: {said}");
        wait_visible(c, "#nav-units").await;
        screenshot(c, "recovery-missing-restored").await;
        s.finish().await
    });
    assert!(unit_codes(&db).len() > 3, "the sample register is back");
    let (action, detail) = last_audit(&db);
    assert_eq!(action, "backup.restore", "{detail}");
}

#[test]
fn a_register_from_an_older_version_opens_after_an_upgrade_the_window_tells_of() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let rt = runtime();
    let from = giaonhan::db::SCHEMA_VERSION - 1;
    // A restore under way holds the register: the upgrade, its backup made,
    // waits for it, so the window can be looked at while it upgrades.
    let restore = std::cell::RefCell::new(None);
    let (db, _work) = rt.block_on(async {
        let s = start_prepared(|db, _| {
            std::fs::create_dir_all(db.parent().expect("a folder")).expect("create the folder");
            giaonhan::db::create_at_version(db, from).expect("a register as the last version left it");
            *restore.borrow_mut() = Some(giaonhan::db::lock::exclusive(db).expect("hold the register"));
        })
        .await;
        let c = &s.client;
        wait_visible(c, "#screen-upgrade").await;
        assert_eq!(text(c, "#upgrade-heading").await, "Đang nâng cấp sổ…");
        let why = text(c, "#upgrade-why").await;
        assert!(why.contains(&*s.db.to_string_lossy()), "names the file: {why}");
        assert!(why.contains(&format!("cấu trúc {from}")), "{why}");
        until("the upgrade's second step", || async {
            text(c, "#upgrade-step").await.contains("Bước 2/2").then_some(())
        })
        .await;
        assert!(text(c, "#upgrade-time").await.starts_with("Đã chạy"));
        assert_eq!(
            js(
                c,
                "return document.querySelector('#upgrade-progress').hasAttribute('value');",
                vec![]
            )
            .await,
            serde_json::Value::Bool(false),
            "the upgrade itself has no share to show, unlike its backup's copy"
        );
        assert!(!visible(c, "#nav-units").await, "no register screens while it upgrades");
        screenshot(c, "upgrade-waiting").await;

        restore.borrow_mut().take();
        // The usual start: an empty register offers the sample data.
        wait_visible(c, "#demo-offer").await;
        assert!(visible(c, "#nav-units").await);
        assert_eq!(count(c, "#screen-upgrade").await, 0, "the upgrade screen is gone");
        s.finish().await
    });
    let conn = rusqlite::Connection::open(&db).expect("open");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, giaonhan::db::SCHEMA_VERSION, "upgraded");
    let backups = giaonhan::backup::list(&db).expect("backups");
    assert!(
        backups
            .iter()
            .any(|b| b.reason == giaonhan::backup::BackupReason::Migrate),
        "the file as it was is kept: {backups:?}"
    );
}

//! Tests of the register as the app holds it: what a register that did not
//! open refuses and offers, the right each save needs, the import that reads
//! only the chosen file, backups and a restore with the session they end,
//! and the names the save dialog suggests.

use std::time::Instant;

use chrono::NaiveDate;

use super::*;
use crate::accounts::Role;
use crate::backup::UpgradeStep;
use crate::error::{ApiError, ErrorKind};
use crate::model::{NewUnit, OutstandingQuery, PrintList};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn open_host() -> (tempfile::TempDir, Host) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("data").join("t.sqlite3")).expect("open");
    (dir, Host::new(store))
}

fn add_unit(host: &Host, code: &str) {
    let unit = NewUnit {
        code: code.into(),
        name: format!("Chi bộ {code}"),
        ..Default::default()
    };
    host.with(Action::EditRegisters, |s, g| s.add_unit(&g.actor, unit))
        .expect("add a unit");
}

/// The actions of the audit log, oldest first, read from the file.
fn logged(host: &Host) -> Vec<String> {
    let conn = rusqlite::Connection::open(host.db_path()).expect("open the file");
    let mut stmt = conn
        .prepare("SELECT action FROM audit_log ORDER BY id")
        .expect("prepare");
    let rows = stmt.query_map([], |r| r.get(0)).expect("query");
    rows.collect::<rusqlite::Result<_>>().expect("rows")
}

fn account(username: &str, role: Role) -> NewAccount {
    NewAccount {
        username: username.into(),
        display_name: format!("Người {username}"),
        role,
        unit: None,
        password: "mat-khau-dai".into(),
        pin: None,
    }
}

#[test]
fn a_register_that_did_not_open_refuses_all_but_recovery_and_says_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("t.sqlite3");
    let host = Host::recovering(db.clone(), "tệp bị hỏng".into());
    assert!(!host.is_open());
    assert_eq!(host.db_path(), db);

    let err = host
        .with(Action::Read, |s, _| s.list_units())
        .expect_err("no register to read");
    let api = ApiError::from(err);
    assert_eq!(api.kind, ErrorKind::Database);
    assert_eq!(
        api.message,
        "Chưa mở được tệp dữ liệu (tệp bị hỏng); hãy khôi phục một bản sao lưu."
    );
    assert!(matches!(host.grant(Action::Read), Err(Error::NotOpen { .. })));
    assert!(matches!(
        host.backup_now(&Actor::app(), &dir.path().join("b.sqlite3")),
        Err(Error::NotOpen { problem: None })
    ));
    // Nothing to back up automatically, and no file was made for it.
    host.automatic_backup(BackupReason::Start).expect("skipped");
    assert!(!backup::backup_dir(&db).exists());

    assert!(host.backup_status().expect("status").recovering);
    let recovery = host.recovery().expect("recovery").expect("in recovery");
    assert_eq!(recovery.problem, "tệp bị hỏng");
    assert!(recovery.backups.is_empty());
}

#[test]
fn an_open_register_is_not_in_recovery() {
    let (_dir, host) = open_host();
    assert!(host.is_open());
    assert_eq!(host.recovery().expect("recovery"), None);
    let status = host.backup_status().expect("status");
    assert!(!status.recovering && status.alert.is_none());
}

#[test]
fn printing_needs_the_print_right_and_a_spreadsheet_the_export_right() {
    assert_eq!(save_action(SaveFormat::Pdf), Action::Print);
    assert_eq!(save_action(SaveFormat::Xlsx), Action::Export);
    assert_eq!(save_action(SaveFormat::Csv), Action::Export);

    let (_dir, host) = open_host();
    add_unit(&host, "HK");
    host.create_first_admin(account("admin", Role::Admin)).expect("admin");
    let secretary = NewAccount {
        unit: Some("HK".into()),
        ..account("thu", Role::Secretary)
    };
    host.with(Action::ManageAccounts, |s, g| {
        s.add_account(g.session.as_ref(), &g.actor, secretary)
    })
    .expect("secretary");
    host.sign_out();
    assert!(matches!(host.grant_save(SaveFormat::Pdf), Err(Error::Forbidden(_))));
    host.login("thu", "mat-khau-dai").expect("login");
    for format in [SaveFormat::Pdf, SaveFormat::Xlsx, SaveFormat::Csv] {
        assert!(
            matches!(host.grant_save(format), Err(Error::Forbidden(_))),
            "{format:?}"
        );
    }
    host.sign_out();
    host.login("admin", "mat-khau-dai").expect("login");
    let grant = host.grant_save(SaveFormat::Csv).expect("an administrator exports");
    assert_eq!(grant.actor.name, "admin");
}

#[test]
fn an_import_reads_only_the_file_chosen_before() {
    let (dir, host) = open_host();
    let err = host
        .import_chosen(Register::Units, true, |_| ())
        .expect_err("nothing chosen");
    assert!(matches!(&err, Error::Invalid { field, .. } if field == "file"), "{err}");

    let file = dir.path().join("don-vi.csv");
    std::fs::write(&file, "code,name,parent,kind\nHK,Đảng bộ xã Hương Khê,,\n").expect("write");
    let chosen = host.choose_import(file).expect("choose");
    assert_eq!(chosen.name, "don-vi.csv");
    let report = host.import_chosen(Register::Units, true, |_| ()).expect("dry run");
    assert!(report.is_ok() && !report.written, "{report:?}");
    assert!(host
        .with(Action::Read, |s, _| s.list_units())
        .expect("units")
        .is_empty());
    host.import_chosen(Register::Units, false, |_| ()).expect("import");
    let units = host.with(Action::Read, |s, _| s.list_units()).expect("units");
    assert_eq!(units.len(), 1);

    let missing = host.choose_import(dir.path().join("khong-co.csv"));
    assert!(missing.is_err(), "a file that is not there is not chosen");
}

#[test]
fn a_template_is_saved_unlogged_and_never_over_the_register() {
    let (dir, host) = open_host();
    let out = dir.path().join("mau-nhap-don-vi.csv");
    host.save_register(&Actor::app(), Register::Units, true, &out)
        .expect("template");
    assert!(out.exists());
    let over = host.save_register(&Actor::app(), Register::Units, true, host.db_path());
    assert!(over.is_err(), "the register itself is never written over");

    let export = dir.path().join("don-vi.xlsx");
    add_unit(&host, "HK");
    host.save_register(&Actor::app(), Register::Units, false, &export)
        .expect("export");
    let actions = logged(&host);
    assert!(actions.iter().any(|a| a == "export.units"), "{actions:?}");
    assert!(!actions.iter().any(|a| a.contains("template")), "{actions:?}");
}

#[test]
fn back_up_now_copies_and_logs_and_a_restore_signs_out() {
    let (dir, host) = open_host();
    add_unit(&host, "HK");
    let out = dir.path().join("ban-sao.sqlite3");
    host.backup_now(&Actor::app(), &out).expect("back up now");
    assert!(out.exists());
    let actions = logged(&host);
    assert!(actions.iter().any(|a| a == "backup.manual"), "{actions:?}");

    host.automatic_backup(BackupReason::Start).expect("start backup");
    let backups = host.with(Action::Backup, |s, _| s.backups()).expect("backups");
    let made = backups.first().expect("an automatic backup").clone();
    add_unit(&host, "HK-01");
    host.create_first_admin(account("admin", Role::Admin)).expect("admin");
    assert!(host.auth_status().expect("status").session.is_some());

    assert!(host.restore("khong-co.sqlite3").is_err());
    assert!(host.is_open(), "a refused restore leaves the register open");

    let restored = host.restore(&made.file_name).expect("restore");
    assert!(restored.replaced.is_some());
    assert!(host.is_open());
    let status = host.auth_status().expect("status");
    assert!(status.session.is_none() && !status.accounts_exist, "{status:?}");
    let units = host.with(Action::Read, |s, _| s.list_units()).expect("units");
    assert_eq!(units.iter().map(|u| u.code.as_str()).collect::<Vec<_>>(), ["HK"]);
}

#[test]
fn the_save_dialog_suggests_names_by_list_day_and_period() {
    let query = OutstandingQuery {
        as_of: Some(day(2025, 2, 16)),
        ..Default::default()
    };
    assert_eq!(
        list_file_name(PrintList::Outstanding, SaveFormat::Pdf, &query),
        "danh-sach-chua-xac-nhan-2025-02-16.pdf"
    );
    assert_eq!(
        list_file_name(PrintList::Calls, SaveFormat::Pdf, &query),
        "danh-sach-lien-he-2025-02-16.pdf"
    );
    assert_eq!(
        list_file_name(PrintList::Reminders, SaveFormat::Pdf, &query),
        "giay-nhac-2025-02-16.pdf"
    );
    let today = crate::dates::today().format("%Y-%m-%d").to_string();
    assert_eq!(
        list_file_name(PrintList::Outstanding, SaveFormat::Xlsx, &OutstandingQuery::default()),
        format!("danh-sach-chua-xac-nhan-{today}.xlsx")
    );
    assert_eq!(
        register_book_file_name(day(2025, 1, 1), day(2025, 3, 31), SaveFormat::Xlsx),
        "so-chuyen-giao-2025-01-01-2025-03-31.xlsx"
    );
    assert_eq!(register_file_name(Register::Units, false, false), "don-vi.csv");
    assert_eq!(register_file_name(Register::Units, true, true), "mau-nhap-don-vi.xlsx");
    assert_eq!(register_file_name(Register::Documents, false, true), "van-ban.xlsx");
    assert_eq!(
        register_file_name(Register::Documents, true, false),
        "mau-nhap-van-ban.csv"
    );
    assert_eq!(slips_file_name("D1-2025", None), "phieu-giao-nhan-d1-2025.pdf");
    assert_eq!(
        slips_file_name("Đ2/2025", Some("HK-01")),
        "phieu-giao-nhan-d2-2025-hk-01.pdf"
    );
    let noon = day(2025, 2, 16).and_hms_opt(9, 30, 5).expect("time");
    assert_eq!(backup_file_name(noon), "sogiaonhan-20250216-093005.sqlite3");
}

#[test]
fn an_unattended_import_names_a_plain_file_in_its_folder() {
    let dir = Path::new("/nhap");
    assert_eq!(
        file_in_folder(dir, "don-vi.csv").expect("plain"),
        dir.join("don-vi.csv")
    );
    for bad in ["../don-vi.csv", "a/don-vi.csv", "/etc/passwd", "..", ".", ""] {
        let err = file_in_folder(dir, bad).expect_err(bad);
        assert!(
            matches!(&err, Error::Invalid { field, .. } if field == "file"),
            "{bad}: {err}"
        );
    }
}

#[test]
fn the_start_backup_waits_for_the_first_screen_or_its_time_limit() {
    let (_dir, host) = open_host();
    let host = std::sync::Arc::new(host);
    // Never shown: the wait ends at its limit.
    let started = std::time::Instant::now();
    host.wait_first_screen(Duration::from_millis(50)).expect("wait");
    assert!(started.elapsed() >= Duration::from_millis(50));

    // Shown from another thread (the window's request): the wait ends then,
    // long before its limit.
    let waiter = {
        let host = std::sync::Arc::clone(&host);
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            host.wait_first_screen(Duration::from_secs(600)).expect("wait");
            started.elapsed()
        })
    };
    std::thread::sleep(Duration::from_millis(20));
    host.first_screen_shown().expect("shown");
    let waited = waiter.join().expect("the waiting thread");
    assert!(waited < Duration::from_secs(600), "{waited:?}");
    // Once shown, later waits return at once.
    host.wait_first_screen(Duration::from_secs(600)).expect("wait");
}

#[test]
fn a_register_from_an_older_version_is_upgraded_while_the_window_waits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("cu.sqlite3");
    crate::db::create_at_version(&db, 1).expect("a register as version 1 left it");
    assert_eq!(backup::upgrade_pending(&db), Some(1));
    // A restore under way holds the register: the upgrade, its backup made,
    // waits for it, so what the window sees meanwhile can be looked at.
    let restore = crate::db::lock::exclusive(&db).expect("hold the register");
    let host = Host::upgrading(db.clone(), 1);
    assert!(!host.is_open());
    let host = &host;
    std::thread::scope(|scope| {
        let upgrader = scope.spawn(|| host.finish_upgrade());
        let (sent, served) = std::sync::mpsc::channel();
        scope.spawn(move || {
            let status = host.store().and_then(|s| s.status());
            let _ = sent.send(status);
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        let status = loop {
            let status = host.upgrade_status().expect("status").expect("an upgrade under way");
            if status.step == UpgradeStep::Upgrade || Instant::now() > deadline {
                break status;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(status.step, UpgradeStep::Upgrade, "its backup made, the upgrade waits");
        assert_eq!(status.backup_percent, None, "no share of a copy once it is made");
        assert_eq!(
            (status.from_version, i64::from(status.to_version)),
            (1, crate::db::SCHEMA_VERSION)
        );
        assert_eq!(status.db_path, db.display().to_string());
        assert_eq!(host.recovery().expect("recovery"), None, "not a register in recovery");
        assert!(
            served.recv_timeout(Duration::from_millis(300)).is_err(),
            "a request for the store waits for the upgrade"
        );
        drop(restore);
        upgrader.join().expect("no panic").expect("upgraded");
        let status = served
            .recv_timeout(Duration::from_secs(20))
            .expect("the request went on");
        assert!(status.expect("served").is_empty, "{:?}", host.recovery());
    });
    assert_eq!(host.upgrade_status().expect("status"), None);
    assert!(host.is_open());
    assert_eq!(crate::db::backup::stored_version(&db), Some(crate::db::SCHEMA_VERSION));
    assert_eq!(backup::upgrade_pending(&db), None, "upgraded once");
    let backups = backup::list(&db).expect("backups");
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert_eq!(backups[0].reason, BackupReason::Migrate);
}

#[test]
fn a_request_refused_before_sign_in_leaves_the_first_view_read_ahead() {
    // The window asks for the first view as its page starts, before it
    // knows whether someone must sign in first.
    let (_dir, host) = open_host();
    host.with(Action::EditRegisters, |s, g| s.load_demo(&g.actor))
        .expect("the sample register");
    host.create_first_admin(account("admin", Role::Admin)).expect("admin");
    host.sign_out();
    host.prepare_first_view().expect("read ahead");
    let query = OutstandingQuery {
        as_of: Some(crate::dates::today()),
        ..OutstandingQuery::default()
    };
    host.outstanding_page(&query, 0, FIRST_VIEW_ROWS)
        .expect_err("nobody signed in");
    assert!(host.first_view.lock().expect("lock").is_some(), "still kept");
    host.login("admin", "mat-khau-dai").expect("login");
    let first = host.outstanding_page(&query, 0, FIRST_VIEW_ROWS).expect("first view");
    assert!(host.first_view.lock().expect("lock").is_none(), "served once");
    let now = host
        .with(Action::Read, |s, g| {
            s.outstanding_page_for(g, &query, 0, FIRST_VIEW_ROWS)
        })
        .expect("read now");
    assert_eq!(first, now);
}

#[test]
fn the_first_view_read_ahead_is_served_once_and_only_while_still_true() {
    let (_dir, host) = open_host();
    // A copy of the register before the sample data, restored at the end.
    host.automatic_backup(BackupReason::Start).expect("start backup");
    let empty = host.with(Action::Backup, |s, _| s.backups()).expect("backups")[0].clone();
    host.with(Action::EditRegisters, |s, g| s.load_demo(&g.actor))
        .expect("the sample register");
    let query = OutstandingQuery {
        as_of: Some(crate::dates::today()),
        ..OutstandingQuery::default()
    };
    let fresh = |host: &Host| {
        host.with(Action::Read, |s, g| {
            s.outstanding_page_for(g, &query, 0, FIRST_VIEW_ROWS)
        })
        .expect("read now")
    };
    host.prepare_first_view().expect("read ahead");
    let first = host.outstanding_page(&query, 0, FIRST_VIEW_ROWS).expect("first view");
    assert_eq!(first, fresh(&host), "what the window gets is the list as it is");
    assert!(!first.rows.is_empty(), "the sample register has open receipts");

    // Read ahead, then a receipt confirmed: the window sees it confirmed.
    host.prepare_first_view().expect("read ahead");
    let row = &first.rows[0];
    let confirmation = Confirmation {
        batch: row.batch.clone(),
        unit_code: row.unit_code.clone(),
        by: "Nguyễn Văn An".into(),
        ..Confirmation::default()
    };
    host.with(Action::ConfirmOwnUnit, |s, g| s.confirm_by(g, confirmation))
        .expect("confirmed");
    let after = host.outstanding_page(&query, 0, FIRST_VIEW_ROWS).expect("first view");
    assert_eq!(after, fresh(&host));
    assert_eq!(after.total.lines + 1, first.total.lines, "one line fewer");

    // Another list, or another part of it, is never the view read ahead.
    host.prepare_first_view().expect("read ahead");
    let overdue = OutstandingQuery {
        overdue_only: true,
        ..query.clone()
    };
    let page = host.outstanding_page(&overdue, 0, FIRST_VIEW_ROWS).expect("overdue");
    let now = host
        .with(Action::Read, |s, g| {
            s.outstanding_page_for(g, &overdue, 0, FIRST_VIEW_ROWS)
        })
        .expect("read now");
    assert_eq!(page, now);

    // Read ahead, then another register restored in its place.
    host.prepare_first_view().expect("read ahead");
    host.restore(&empty.file_name).expect("restore");
    let restored = host.outstanding_page(&query, 0, FIRST_VIEW_ROWS).expect("first view");
    assert_eq!(
        restored.total.lines, 0,
        "the restored register's list, not the one read ahead"
    );
}

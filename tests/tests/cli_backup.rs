//! Backups and restore through the `giaonhan` command line, on real files: a
//! manual backup and its restore (the replaced database kept aside, both
//! logged), the list of automatic backups and their settings, the automatic
//! backup (`backup --auto`: skipped when a good one is recent, checked and
//! marked, pruning that keeps the newest good copy), a restore refused while
//! a second real process holds the register open, a missing register (every
//! command but `init` fails and creates nothing), and bad database files
//! (corrupt, truncated, from a newer version, random bytes): each is refused
//! with a message naming it, stays byte-for-byte as it was, the latest
//! automatic backup is offered, and restoring it works.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use giaonhan::backup::BackupReason;
use giaonhan::Store;
use giaonhan_tests::badfile::{damage_an_index, expected_message, spoil};
use giaonhan_tests::cli::{fails, host_path, missing_db, names, ok, temp_db};
use giaonhan_tests::disk::Tmpfs;
use giaonhan_tests::stored::{last_audit, unit_codes, AuditRow};
use serde_json::Value;

fn add_unit(db: &Path, code: &str) {
    ok(
        db,
        &["unit", "add", "--code", code, "--name", &format!("Chi bộ thôn {code}")],
    );
}

/// The line of `out` that starts with `prefix`, without it.
fn after<'a>(out: &'a str, prefix: &str) -> &'a str {
    out.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in:\n{out}"))
        .trim()
}

#[test]
fn a_manual_backup_restores_and_the_replaced_database_is_kept() {
    let (dir, db) = temp_db();
    add_unit(&db, "HK-01");
    let copy = dir.path().join("ban sao").join("sổ 2026.sqlite3");
    let out = ok(&db, &["backup", "--out", &copy.to_string_lossy()]);
    assert_eq!(host_path(&out), copy);
    add_unit(&db, "HK-02");

    let out = ok(&db, &["restore", &copy.to_string_lossy()]);
    let replaced = host_path(after(&out, "Tệp dữ liệu trước khi khôi phục được giữ tại "));
    assert!(replaced.starts_with(dir.path().join("replaced")), "{out}");
    assert_eq!(unit_codes(&db), ["HK-01"], "the restored data is at the usual path");
    assert_eq!(
        unit_codes(&replaced),
        ["HK-01", "HK-02"],
        "nothing of the replaced file is lost"
    );
    // The restored database is used as before.
    add_unit(&db, "HK-03");
    ok(&db, &["verify"]);
}

#[test]
fn backups_are_listed_and_the_keep_setting_prunes_them() {
    let (_dir, db) = temp_db();
    add_unit(&db, "HK-01");
    let out = ok(&db, &["backups"]);
    assert!(out.contains("Chưa có bản sao lưu tự động"), "{out}");

    ok(&db, &["backup", "--keep", "2"]);
    {
        let store = Store::open(&db).expect("open");
        for _ in 0..3 {
            store.auto_backup(BackupReason::Start).expect("automatic backup");
        }
    }
    let listed: Value = serde_json::from_str(&ok(&db, &["backups", "--format", "json"])).expect("JSON");
    let listed = listed.as_array().expect("an array");
    assert_eq!(listed.len(), 2, "kept the last 2: {listed:?}");
    for b in listed {
        assert_eq!(b["reason"], "start");
        assert!(b["file_name"].as_str().is_some_and(|n| n.starts_with("cli-")), "{b}");
        assert!(host_path(b["path"].as_str().expect("path")).is_file());
    }
    let same: Value = serde_json::from_str(&ok(&db, &["backup", "--list", "--format", "json"])).expect("JSON");
    assert_eq!(same.as_array(), Some(listed));
    let text = ok(&db, &["backup", "--list"]);
    assert_eq!(text.lines().count(), 2, "{text}");

    let err = fails(&db, &["backup", "--keep", "0"]);
    assert!(err.contains("từ 1 đến"), "{err}");
    let err = fails(&db, &["backup", "--interval-hours", "100000"]);
    assert!(err.contains("backup_interval_hours"), "{err}");
    let err = fails(&db, &["backup"]);
    assert!(err.contains("--out"), "{err}");
}

#[test]
fn restore_refuses_a_file_that_is_not_a_backup() {
    let (dir, db) = temp_db();
    add_unit(&db, "HK-01");
    let before = std::fs::read(&db).expect("read");
    let notes = dir.path().join("ghi-chu.sqlite3");
    std::fs::write(&notes, "Danh sách chi bộ\n".repeat(20)).expect("write");
    let err = fails(&db, &["restore", &notes.to_string_lossy()]);
    assert!(names(&err, &notes), "names the file: {err}");
    assert!(err.contains("không phải tệp cơ sở dữ liệu"), "{err}");
    assert_eq!(std::fs::read(&db).expect("read"), before, "the database is untouched");
    assert!(!dir.path().join("replaced").exists());
    let err = fails(&db, &["restore", &db.to_string_lossy()]);
    assert!(err.contains("chính tệp dữ liệu"), "{err}");
}

/// A database with a unit and one automatic backup, then made bad as `kind` says.
fn bad_database(kind: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (dir, db) = temp_db();
    add_unit(&db, "HK-01");
    let backup = {
        let store = Store::open(&db).expect("open");
        PathBuf::from(store.auto_backup(BackupReason::Start).expect("backup").path)
    };
    spoil(kind, &db);
    (dir, db, backup)
}

fn check_refused_offered_and_restored(kind: &str) {
    let expect = expected_message(kind);
    let (dir, db, backup) = bad_database(kind);
    let bad = std::fs::read(&db).expect("read the bad file");

    let err = fails(&db, &["unit", "list", "--format", "json"]);
    assert!(names(&err, &db), "{kind}: names the file: {err}");
    assert!(err.contains(expect), "{kind}: says what is wrong: {err}");
    assert!(names(&err, &backup), "{kind}: offers the latest backup: {err}");
    assert!(err.contains("restore"), "{kind}: says how to restore: {err}");
    assert_eq!(std::fs::read(&db).expect("read"), bad, "{kind}: byte for byte");
    // The listing works on a database that does not open.
    assert!(names(&ok(&db, &["backups"]), &backup));

    let out = ok(&db, &["restore", &backup.to_string_lossy()]);
    let replaced = host_path(after(&out, "Tệp dữ liệu trước khi khôi phục được giữ tại "));
    assert!(replaced.starts_with(dir.path()), "{kind}: {out}");
    assert_eq!(
        std::fs::read(&replaced).expect("read"),
        bad,
        "{kind}: moved aside unchanged"
    );
    assert_eq!(unit_codes(&db), ["HK-01"], "{kind}: the backup's data is back");
    ok(&db, &["verify"]);
}

#[test]
fn a_corrupt_database_is_refused_untouched_and_restored() {
    check_refused_offered_and_restored("corrupt");
}

#[test]
fn a_truncated_database_is_refused_untouched_and_restored() {
    check_refused_offered_and_restored("truncated");
}

#[test]
fn a_database_from_a_newer_version_is_refused_untouched_and_restored() {
    check_refused_offered_and_restored("newer");
}

#[test]
fn random_bytes_named_like_the_database_are_refused_untouched_and_restored() {
    check_refused_offered_and_restored("random");
}

fn listed(db: &Path) -> Vec<Value> {
    let v: Value = serde_json::from_str(&ok(db, &["backups", "--format", "json"])).expect("JSON");
    v.as_array().expect("an array").clone()
}

#[test]
fn backups_and_restores_are_logged_with_the_file_and_the_replaced_head() {
    let (dir, db) = temp_db();
    add_unit(&db, "HK-01");
    let copy = dir.path().join("ban-sao.sqlite3");
    ok(&db, &["backup", "--out", &copy.to_string_lossy()]);
    let AuditRow { method, action, detail } = last_audit(&db);
    assert_eq!((method.as_str(), action.as_str()), ("cli", "backup.manual"));
    assert!(detail.contains("ban-sao.sqlite3"), "{detail}");
    add_unit(&db, "HK-02");
    let conn = rusqlite::Connection::open(&db).expect("open");
    let (id, hash): (i64, String) = conn
        .query_row(
            "SELECT id, lower(hex(hash)) FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("head");
    drop(conn);

    let out = ok(&db, &["restore", &copy.to_string_lossy()]);
    assert!(out.contains(&hash) && out.contains(&id.to_string()), "{out}");
    let AuditRow { method, action, detail } = last_audit(&db);
    assert_eq!((method.as_str(), action.as_str()), ("cli", "backup.restore"));
    assert!(detail.contains("ban-sao.sqlite3") && detail.contains(&hash), "{detail}");
    ok(&db, &["verify"]);
}

#[test]
fn the_automatic_backup_is_skipped_while_a_good_one_is_recent() {
    let (_dir, db) = temp_db();
    add_unit(&db, "HK-01");
    let out = ok(&db, &["backup", "--auto"]);
    assert!(out.starts_with("tốt\t"), "{out}");
    assert_eq!(last_audit(&db).action, "backup.start");
    for _ in 0..3 {
        let out = ok(&db, &["backup", "--auto"]);
        assert!(out.contains("Chưa đến lúc sao lưu tự động"), "{out}");
    }
    let backups = listed(&db);
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert_eq!(backups[0]["check"], "good");
    assert!(
        backups[0]["file_name"]
            .as_str()
            .is_some_and(|n| n.ends_with("-start-good.sqlite3")),
        "{backups:?}"
    );
    // Interval 0: one at every start.
    ok(&db, &["backup", "--interval-hours", "0"]);
    ok(&db, &["backup", "--auto"]);
    assert_eq!(listed(&db).len(), 2);
}

#[test]
fn damaged_copies_are_marked_and_pruning_keeps_the_newest_good_one() {
    let (_dir, db) = temp_db();
    add_unit(&db, "HK-01");
    ok(&db, &["backup", "--keep", "2", "--interval-hours", "0"]);
    ok(&db, &["backup", "--auto"]);
    let good = listed(&db)[0]["file_name"].as_str().expect("name").to_owned();
    damage_an_index(&db);
    // The register still opens (the quick check misses this damage) …
    ok(&db, &["unit", "list", "--format", "json"]);
    for _ in 0..4 {
        // … but every copy of it fails the full check, and says so.
        let err = fails(&db, &["backup", "--auto"]);
        assert!(err.contains("bị hỏng"), "{err}");
        assert!(err.contains("trang hỏng"), "the register itself is checked: {err}");
    }
    let backups = listed(&db);
    let checks: Vec<&str> = backups.iter().map(|b| b["check"].as_str().expect("check")).collect();
    assert_eq!(checks, ["damaged", "damaged", "good"], "{backups:?}");
    assert_eq!(
        backups[2]["file_name"],
        good.as_str(),
        "the newest good copy outlived the limit"
    );
    let text = ok(&db, &["backups"]);
    assert_eq!(text.matches("HỎNG").count(), 2, "{text}");
    // Restoring a damaged copy is refused; the good one restores.
    let damaged = backups[0]["path"].as_str().expect("path");
    let err = fails(&db, &["restore", damaged]);
    assert!(err.contains("kiểm tra toàn vẹn thất bại"), "{err}");
    ok(&db, &["restore", backups[2]["path"].as_str().expect("path")]);
    assert_eq!(unit_codes(&db), ["HK-01"]);
}

/// A second real process holding the register open (`hold_register`); it
/// lets go when dropped.
struct Holder(std::process::Child);

impl Holder {
    fn start(mode: &str, db: &Path) -> Holder {
        let mut child = Command::new(giaonhan_tests::binary("hold_register"))
            .arg(mode)
            .arg(db)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start hold_register");
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().expect("stdout"))
            .read_line(&mut line)
            .expect("read");
        assert_eq!(line.trim(), "open", "the holder opened the register");
        Holder(child)
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        drop(self.0.stdin.take());
        let _ = self.0.wait();
    }
}

fn folder_listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read the folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_restore_is_refused_while_another_process_has_the_register_open() {
    let (dir, db) = temp_db();
    add_unit(&db, "HK-01");
    let copy = dir.path().join("ban-sao.sqlite3");
    ok(&db, &["backup", "--out", &copy.to_string_lossy()]);
    add_unit(&db, "HK-02");
    for mode in ["store", "sqlite"] {
        let holder = Holder::start(mode, &db);
        let before = folder_listing(dir.path());
        let bytes = std::fs::read(&db).expect("read");
        let err = fails(&db, &["restore", &copy.to_string_lossy()]);
        assert!(
            err.contains("đang được mở") || err.contains("chương trình khác"),
            "{mode}: {err}"
        );
        assert!(err.contains("chưa có tệp nào bị di chuyển"), "{mode}: {err}");
        assert_eq!(folder_listing(dir.path()), before, "{mode}: nothing moved");
        assert_eq!(std::fs::read(&db).expect("read"), bytes, "{mode}: untouched");
        assert_eq!(unit_codes(&db), ["HK-01", "HK-02"]);
        drop(holder);
    }
    ok(&db, &["restore", &copy.to_string_lossy()]);
    assert_eq!(unit_codes(&db), ["HK-01"]);
}

#[test]
fn on_a_missing_register_every_command_but_init_fails_and_creates_nothing() {
    let (dir, db) = missing_db();
    let out = dir.path().join("out.pdf");
    let out = out.to_string_lossy();
    let commands: &[&[&str]] = &[
        &["unit", "list", "--format", "json"],
        &["unit", "add", "--code", "HK", "--name", "Đảng bộ xã Hương Khê"],
        &["unit", "search", "huong", "--format", "json"],
        &["unit", "export", "--out", "don-vi.csv"],
        &["doc", "add", "--symbol", "05-KH/HU", "--title", "Kế hoạch"],
        &["doc", "list", "--format", "json"],
        &["batch", "list"],
        &["confirm", "--batch", "D1", "--unit", "HK", "--by", "A"],
        &["receipt", "7K3M9QXR"],
        &["outstanding", "--format", "json"],
        &["reminders", "--out", &out],
        &["calls", "--out", &out],
        &[
            "register",
            "--from",
            "2025-01-01",
            "--to",
            "2025-12-31",
            "--format",
            "pdf",
            "--out",
            &out,
        ],
        &["stats"],
        &["tiers"],
        &["letterhead"],
        &["account", "list", "--format", "json"],
        &["demo"],
        &["verify"],
        &["backup", "--out", &out],
        &["backup", "--auto"],
        &["backup", "--keep", "3"],
    ];
    for args in commands {
        let err = fails(&db, args);
        assert!(names(&err, &db), "{args:?} names the path: {err}");
        assert!(err.contains("không tìm thấy tệp dữ liệu"), "{args:?}: {err}");
        assert!(err.contains("init"), "{args:?} says how to create one: {err}");
        assert!(folder_listing(dir.path()).is_empty(), "{args:?} created nothing");
    }
    // Listing backups creates nothing either, and says there are none.
    assert!(ok(&db, &["backups"]).contains("Chưa có bản sao lưu"));
    assert!(folder_listing(dir.path()).is_empty());
    // Only init creates the register.
    ok(&db, &["init"]);
    assert!(db.is_file());
    ok(&db, &["unit", "list", "--format", "json"]);
}

#[test]
fn a_missing_register_with_backups_offers_the_latest_good_one() {
    let (dir, db) = temp_db();
    add_unit(&db, "HK-01");
    ok(&db, &["backup", "--auto"]);
    let good = listed(&db)[0]["path"].as_str().expect("path").to_owned();
    let moved = dir.path().join("moved.sqlite3");
    std::fs::rename(&db, &moved).expect("move the register away");
    let err = fails(&db, &["unit", "list", "--format", "json"]);
    assert!(err.contains(&good), "offers the latest good backup: {err}");
    assert!(err.contains("restore"), "{err}");
    assert!(!db.exists(), "nothing created");
    ok(&db, &["restore", &good]);
    assert_eq!(unit_codes(&db), ["HK-01"]);
}

#[test]
fn the_default_register_missing_is_refused_too() {
    let home = tempfile::tempdir().expect("temp dir");
    let data = home.path().join("data");
    let out = Command::new(giaonhan_tests::binary("giaonhan"))
        .args(["unit", "list", "--format", "json"])
        .env_remove("GIAONHAN_DB")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", &data)
        .output()
        .expect("run giaonhan");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let expected = data.join("SoGiaoNhan").join("sogiaonhan.sqlite3");
    assert!(names(&err, &expected), "names the default path: {err}");
    assert!(!data.exists(), "not even the folder is created");
}

#[test]
fn a_backup_that_does_not_fit_is_refused_before_anything_is_written() {
    let (dir, db) = temp_db();
    ok(&db, &["demo"]);
    let Some(disk) = Tmpfs::mount(&dir.path().join("usb"), "1m") else {
        eprintln!("cli_backup: cannot mount a tmpfs (not root?): free-space test skipped");
        return;
    };
    let out = disk.dir().join("ban-sao.sqlite3");
    let err = fails(&db, &["backup", "--out", &out.to_string_lossy()]);
    assert!(err.contains("không đủ chỗ trống"), "{err}");
    assert!(names(&err, disk.dir()) && err.contains("MB"), "{err}");
    assert!(folder_listing(disk.dir()).is_empty(), "nothing written");
}

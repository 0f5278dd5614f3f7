//! Backups and restore through the `giaonhan` command line, on real files: a
//! manual backup and its restore (the replaced database kept aside), the list
//! of automatic backups and the `backup_keep` setting, and bad database files
//! (corrupt, truncated, from a newer version, random bytes): each is refused
//! with a message naming it, stays byte-for-byte as it was, the latest
//! automatic backup is offered, and restoring it works.

use std::path::{Path, PathBuf};

use giaonhan::backup::BackupReason;
use giaonhan::Store;
use giaonhan_tests::badfile::{expected_message, spoil};
use giaonhan_tests::cli::{fails, ok, temp_db};
use serde_json::Value;

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
    assert_eq!(out.trim(), copy.to_string_lossy());
    add_unit(&db, "HK-02");

    let out = ok(&db, &["restore", &copy.to_string_lossy()]);
    let replaced = PathBuf::from(after(&out, "Tệp dữ liệu trước khi khôi phục được giữ tại "));
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
        assert!(Path::new(b["path"].as_str().expect("path")).is_file());
    }
    let same: Value = serde_json::from_str(&ok(&db, &["backup", "--list", "--format", "json"])).expect("JSON");
    assert_eq!(same.as_array(), Some(listed));
    let text = ok(&db, &["backup", "--list"]);
    assert_eq!(text.lines().count(), 2, "{text}");

    let err = fails(&db, &["backup", "--keep", "0"]);
    assert!(err.contains("từ 1 đến"), "{err}");
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
    assert!(err.contains(&*notes.to_string_lossy()), "names the file: {err}");
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
    assert!(err.contains(&*db.to_string_lossy()), "{kind}: names the file: {err}");
    assert!(err.contains(expect), "{kind}: says what is wrong: {err}");
    assert!(
        err.contains(&*backup.to_string_lossy()),
        "{kind}: offers the latest backup: {err}"
    );
    assert!(err.contains("restore"), "{kind}: says how to restore: {err}");
    assert_eq!(std::fs::read(&db).expect("read"), bad, "{kind}: byte for byte");
    // The listing works on a database that does not open.
    assert!(ok(&db, &["backups"]).contains(&*backup.to_string_lossy()));

    let out = ok(&db, &["restore", &backup.to_string_lossy()]);
    let replaced = PathBuf::from(after(&out, "Tệp dữ liệu trước khi khôi phục được giữ tại "));
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

//! Tests of the desktop binary `sogiaonhan` that need no window: without a
//! display, it refuses a data file it cannot use, says why on stderr (and which
//! automatic backup to restore, and how), exits with a failure code and leaves
//! the file byte-for-byte untouched. (With a display, the window opens on the
//! recovery screen instead: see `e2e_backup.rs`.)

use std::process::Command;

#[test]
fn the_app_refuses_a_file_that_is_not_a_database() {
    let dir = tempfile::tempdir().expect("create temp dir");
    let db = dir.path().join("notes.sqlite3");
    let content = "Sổ tay ghi chép, không phải cơ sở dữ liệu\n".repeat(10).into_bytes();
    std::fs::write(&db, &content).expect("write");

    let out = Command::new(giaonhan_tests::binary("sogiaonhan"))
        .arg("--db")
        .arg(&db)
        // No one is there to close a message box.
        .env("GIAONHAN_NO_DIALOG", "1")
        .env_remove("GIAONHAN_DB")
        // No display: with one, the window would open on the recovery screen.
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run sogiaonhan");
    assert_eq!(out.status.code(), Some(1), "exit code");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&*db.to_string_lossy()),
        "stderr names the file: {stderr}"
    );
    assert_eq!(std::fs::read(&db).expect("read back"), content, "byte for byte");
}

#[test]
fn the_app_refuses_a_missing_db_argument_value() {
    let out = Command::new(giaonhan_tests::binary("sogiaonhan"))
        .arg("--db")
        .env("GIAONHAN_NO_DIALOG", "1")
        .output()
        .expect("run sogiaonhan");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--db"));
}

/// Bad files (corrupt, truncated, newer version, random bytes) next to an
/// automatic backup: refused with the problem, the file and the backup named.
#[test]
fn the_app_refuses_bad_files_untouched_and_offers_the_latest_backup() {
    for kind in ["corrupt", "truncated", "newer", "random"] {
        let dir = tempfile::tempdir().expect("create temp dir");
        let db = dir.path().join("sogiaonhan.sqlite3");
        let backup = {
            let mut store = giaonhan::Store::open(&db).expect("create");
            store
                .load_demo(&giaonhan::Actor::new("test", "test"))
                .expect("sample data");
            let made = store
                .auto_backup(giaonhan::backup::BackupReason::Start)
                .expect("automatic backup");
            made.path
        };
        giaonhan_tests::badfile::spoil(kind, &db);
        let bad = std::fs::read(&db).expect("read the bad file");

        let out = Command::new(giaonhan_tests::binary("sogiaonhan"))
            .arg("--db")
            .arg(&db)
            .env("GIAONHAN_NO_DIALOG", "1")
            .env_remove("GIAONHAN_DB")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .output()
            .expect("run sogiaonhan");
        assert_eq!(out.status.code(), Some(1), "{kind}: exit code");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&*db.to_string_lossy()),
            "{kind}: names the file: {stderr}"
        );
        let expect = giaonhan_tests::badfile::expected_message(kind);
        assert!(stderr.contains(expect), "{kind}: says what is wrong: {stderr}");
        assert!(stderr.contains(&backup), "{kind}: offers the latest backup: {stderr}");
        assert!(stderr.contains("restore"), "{kind}: says how to restore: {stderr}");
        assert_eq!(std::fs::read(&db).expect("read back"), bad, "{kind}: byte for byte");
    }
}

//! Tests of the desktop binary `sogiaonhan` that need no window: it refuses a data
//! file it cannot use before opening any window, says why on stderr, exits with a
//! failure code and leaves the file byte-for-byte untouched.

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

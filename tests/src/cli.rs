//! Running the real `giaonhan` binary on a database file, as a user or an
//! outside script would: `--db PATH`, no `GIAONHAN_DB` from the environment.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary folder and a new, empty register inside it, created with
/// `giaonhan init` (every other command refuses a missing file).
pub fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let (dir, path) = missing_db();
    ok(&path, &["init"]);
    (dir, path)
}

/// A temporary folder and a database path inside it, not created.
pub fn missing_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("create temp dir");
    let path = dir.path().join("cli.sqlite3");
    (dir, path)
}

/// Runs `giaonhan --db DB args…`.
pub fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(crate::binary("giaonhan"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("GIAONHAN_DB")
        .output()
        .expect("run giaonhan")
}

/// Runs and expects success; returns stdout.
pub fn ok(db: &Path, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(
        out.status.success(),
        "giaonhan {args:?} failed ({}):\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

/// Runs and expects failure explained on stderr; returns stderr.
pub fn fails(db: &Path, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(
        !out.status.success(),
        "giaonhan {args:?} should fail; stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    assert!(!stderr.trim().is_empty(), "the error is explained on stderr");
    stderr
}

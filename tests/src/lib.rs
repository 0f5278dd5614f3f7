//! Helpers shared by the integration and end-to-end tests of Sổ Giao Nhận:
//! where the built binaries are, where artifacts go, and reading a database file
//! directly (without the core) to see what really was stored; and, in [`e2e`],
//! the plumbing of the end-to-end tests that drive the real window.

use std::path::{Path, PathBuf};

pub mod badfile;
pub mod cli;
#[cfg(target_os = "linux")]
pub mod e2e;
pub mod fixtures;
pub mod readers;
pub mod rng;

/// The directory holding the workspace's built binaries (`target/debug`), derived
/// from the running test executable (`target/debug/deps/<test>-<hash>`).
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("path of the running test binary");
    let deps = exe.parent().expect("the test binary lives in a directory");
    let dir = if deps.ends_with("deps") {
        deps.parent().expect("deps/ has a parent")
    } else {
        deps
    };
    dir.to_path_buf()
}

/// A built binary of the workspace, e.g. `giaonhan` or `sogiaonhan`. Panics with
/// a clear message when it has not been built (`cargo build --workspace --bins`).
pub fn binary(name: &str) -> PathBuf {
    let path = bin_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "{} is missing: build the binaries first with `cargo build --workspace --bins` \
         (`make test` does this)",
        path.display()
    );
    path
}

/// The workspace root (parent of this crate).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace root")
        .to_path_buf()
}

/// Where tests leave files for people to look at (screenshots, logs):
/// `target/e2e-artifacts`, created when missing.
pub fn artifacts_dir() -> PathBuf {
    let bin = bin_dir();
    let target = bin.parent().map(PathBuf::from).unwrap_or(bin);
    let dir = target.join("e2e-artifacts");
    std::fs::create_dir_all(&dir).expect("create target/e2e-artifacts");
    dir
}

/// Every text value stored in any table of the database at `path`, read through
/// a separate read-only connection: lets a test check what reached the file (a
/// name in NFC, no NFD anywhere) without depending on the schema's layout.
pub fn stored_texts(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open the database read-only");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("list the tables");
    let mut texts = Vec::new();
    for table in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{table}\""))
            .expect("select a table");
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).expect("query a table");
        while let Some(row) = rows.next().expect("read a row") {
            for i in 0..columns {
                if let Ok(rusqlite::types::ValueRef::Text(t)) = row.get_ref(i) {
                    texts.push(String::from_utf8_lossy(t).into_owned());
                }
            }
        }
    }
    texts
}

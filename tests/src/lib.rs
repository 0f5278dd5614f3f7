//! Helpers and fixtures shared by the integration and end-to-end tests of Sổ
//! Giao Nhận, written once: where the built binaries are and where artifacts
//! go (here); running the CLI ([`cli`]); registers filled through it
//! ([`fixtures`]) or through the core ([`wide`]); bad database files
//! ([`badfile`]); a small tmpfs ([`disk`]); reading a database file directly,
//! without the core, to see what really was stored ([`stored`]); reading back
//! PDFs and spreadsheets ([`readers`]); a real S3 server for the exchange
//! hub ([`seaweed`]); offices that trade packets ([`offices`]) and packets
//! signed again by hand ([`packets`]); and, in [`e2e`], the plumbing of the end-to-end tests
//! that drive the real window.

use std::path::PathBuf;

pub mod badfile;
pub mod cli;
pub mod disk;
#[cfg(target_os = "linux")]
pub mod e2e;
pub mod fixtures;
pub mod offices;
pub mod packets;
pub mod readers;
pub mod rng;
#[cfg(unix)]
pub mod seaweed;
pub mod stored;
pub mod wide;

pub use stored::stored_texts;

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

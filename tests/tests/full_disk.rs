//! Full disk: the database lives on a tiny filesystem the test mounts (an 8 MiB
//! tmpfs), which is then filled but for a little room. A batch that does not
//! fit must fail with a clear Vietnamese message (the CLI's stderr, and the
//! core's `Error::DiskFull` of kind `io`), leave the database exactly as it
//! was (same counts, same audit chain) and still open; once space is freed,
//! the same batch goes through.
//!
//! Mounting needs root (as in CI and here). Without it the test falls back to
//! something real but weaker: a file-size limit (RLIMIT_FSIZE) on the CLI
//! process, which SQLite sees as a write error (EFBIG) rather than a full disk,
//! so only "fails, explains, changes nothing, still opens" is checked then.

use std::path::Path;
use std::process::{Command, Output};

use giaonhan::model::{NewBatch, NewUnit};
use giaonhan::{ApiError, Error, ErrorKind, Store};
use giaonhan_tests::disk::Tmpfs;
use giaonhan_tests::wide;

const COMMITTEES: usize = 6;
const BRANCHES: usize = 50;
/// Room left on the filesystem after filling it: enough to open the database
/// and record a small change, far too little for a batch to 300 branches.
const ROOM: u64 = 96 * 1024;

/// A province with COMMITTEES × BRANCHES branches and two documents.
fn register(db: &Path) {
    wide::register(db, ("T", "Đảng bộ tỉnh Hà Tĩnh"), COMMITTEES, BRANCHES, 10_000);
}

/// The batch to every branch of the province.
fn big_batch() -> NewBatch {
    wide::big_batch("D1-2025", "Đợt 1 năm 2025", "T")
}

fn batch_args() -> Vec<String> {
    wide::batch_args(&big_batch())
}

/// What must not change: row counts, the audit chain's length and last hash,
/// and the outcome of the integrity check.
fn snapshot(db: &Path) -> (Vec<i64>, String, u64) {
    let (store, chain) = wide::assert_sound(db);
    let conn = store.connection();
    let counts = [
        "unit",
        "document",
        "batch",
        "batch_document",
        "receipt",
        "receipt_line",
        "audit_log",
    ]
    .iter()
    .map(|t| {
        conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .expect("count")
    })
    .collect();
    let last: String = conn
        .query_row("SELECT hex(hash) FROM audit_log ORDER BY id DESC LIMIT 1", [], |r| {
            r.get(0)
        })
        .expect("last audit hash");
    (counts, last, chain)
}

fn cli(db: &Path, args: &[String], file_size_limit: Option<u64>) -> Output {
    let mut cmd = Command::new(giaonhan_tests::binary("giaonhan"));
    cmd.arg("--db").arg(db).args(args).env_remove("GIAONHAN_DB");
    if let Some(limit) = file_size_limit {
        use std::os::unix::process::CommandExt;
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                let lim = libc::rlimit {
                    rlim_cur: limit,
                    rlim_max: limit,
                };
                // Ignore SIGXFSZ so that a write past the limit fails with
                // EFBIG instead of killing the process.
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    cmd.output().expect("run giaonhan")
}

#[test]
fn a_batch_that_does_not_fit_on_a_full_disk_fails_clearly_and_changes_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let Some(disk) = Tmpfs::mount(&tmp.path().join("disk"), "8m") else {
        file_size_limit_fallback(tmp.path());
        return;
    };
    let db = disk.dir().join("so-giao-nhan.sqlite3");
    register(&db);
    let before = snapshot(&db);
    let filler = disk.fill(ROOM);

    // What a user of the command line sees.
    let out = cli(&db, &batch_args(), None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "the batch cannot fit; stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        stderr.contains("ổ đĩa") && stderr.contains("đầy"),
        "clear message: {stderr}"
    );
    assert!(stderr.contains("chưa được ghi"), "says nothing was recorded: {stderr}");
    assert!(
        !stderr.contains("database or disk is full"),
        "no raw SQLite text: {stderr}"
    );
    assert_eq!(snapshot(&db), before, "unchanged after the CLI's attempt");

    // What the app gets from the core.
    {
        let mut store = Store::open(&db).expect("opens on a full disk");
        let err = store
            .create_batch(&wide::clerk(), big_batch())
            .expect_err("does not fit");
        assert!(matches!(err, Error::DiskFull(_)), "{err:?}");
        let api = ApiError::from(err);
        assert_eq!(api.kind, ErrorKind::Io);
        // A small change still fits: the register is not stuck.
        store
            .add_unit(
                &wide::clerk(),
                NewUnit {
                    code: "X1-99".into(),
                    name: "Chi bộ thôn Ấp Thượng".into(),
                    parent: Some("X1".into()),
                    ..NewUnit::default()
                },
            )
            .expect("a small change fits in the room left");
    }
    let (mut counts, _, chain) = snapshot(&db);
    counts[0] -= 1; // the unit just added…
    counts[6] -= 1; // …and its audit row
    assert_eq!(counts, before.0, "no part of the batch was stored");
    assert!(chain > before.2, "the chain grew by the unit only");

    // Space freed: the same batch is recorded, whole.
    std::fs::remove_file(filler).expect("free the space");
    let out = cli(&db, &batch_args(), None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let store = Store::open(&db).expect("open");
    let batch = &store.list_batches().expect("batches")[0];
    assert_eq!((batch.recipients, batch.copies), (301, 903));
    store.verify().expect("chain");
    drop(store);
    drop(disk);
}

/// Without the right to mount: the CLI may not write past 64 KiB into any
/// file, so the write-ahead log cannot hold the batch.
fn file_size_limit_fallback(dir: &Path) {
    eprintln!("full_disk: cannot mount a tmpfs here (not root?); using a file-size limit instead");
    let db = dir.join("so-giao-nhan.sqlite3");
    register(&db);
    let before = snapshot(&db);
    let out = cli(&db, &batch_args(), Some(64 * 1024));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the batch cannot fit");
    assert!(stderr.starts_with("giaonhan: "), "explained on stderr: {stderr}");
    assert_eq!(snapshot(&db), before, "unchanged");
}

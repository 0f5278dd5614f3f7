//! Two instances on one database file: two command lines writing at once, a
//! writer blocked too long by another, and the desktop app open while the
//! command line writes. The file is never corrupted, and nobody sees SQLite's
//! raw "database is locked".
//!
//! Decision: safe concurrent access, not a single instance. The command line
//! is meant to run next to the open app (scripts, imports, an administrator's
//! `giaonhan verify`), and a second window on the same file is harmless:
//! SQLite in WAL mode lets readers go on while one writer writes, every user
//! action is one IMMEDIATE transaction (the audit chain's previous hash is read
//! under the write lock, so two writers cannot fork it), and a writer waits up
//! to the busy timeout (5 s) for the other. Opening an up-to-date file takes no
//! write lock, so a window opens even while another one writes. A writer still
//! blocked after the timeout gets `Error::Busy`: "sổ đang được dùng ở một cửa
//! sổ hoặc chương trình khác…", and nothing is written.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use std::time::{Duration, Instant};

use giaonhan::model::{DocQty, NewBatch};
use giaonhan::Store;
use giaonhan_tests::{cli, wide};

const BRANCHES: usize = 30;
const ROUNDS: usize = 12;

/// A commune with BRANCHES branches and two documents.
fn register(db: &Path) {
    wide::register(db, ("X", "Đảng bộ xã Hương Khê"), 0, BRANCHES, 100_000);
}

/// Integrity, whole batches and the audit chain; returns the chain's length.
fn assert_sound(db: &Path) -> u64 {
    let (store, chain) = wide::assert_sound(db);
    let broken: i64 = store
        .connection()
        .query_row(
            "SELECT count(*) FROM batch b
             WHERE NOT EXISTS (SELECT 1 FROM receipt r WHERE r.batch_id = b.id)
                OR (SELECT count(*) FROM receipt r WHERE r.batch_id = b.id)
                   <> (SELECT json_extract(detail, '$.recipients') FROM audit_log
                       WHERE action = 'batch.create' AND entity_uid = unhex(replace(b.uid, '-', '')))",
            [],
            |r| r.get(0),
        )
        .expect("whole batches");
    assert_eq!(broken, 0, "every batch is whole");
    chain
}

fn count(db: &Path, sql: &str) -> i64 {
    let store = Store::open(db).expect("open");
    store.connection().query_row(sql, [], |r| r.get(0)).expect(sql)
}

/// The batch `code` to every branch of the commune.
fn batch_args(code: &str) -> Vec<String> {
    wide::batch_args(&wide::big_batch(code, "Đợt cấp phát học tập nghị quyết", "X"))
}

fn run(db: &Path, args: &[String]) -> Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    cli::run(db, &args)
}

#[test]
fn two_command_lines_writing_at_once_never_corrupt_the_file() {
    let (_dir, db) = cli::temp_db();
    register(&db);
    let chain_before = assert_sound(&db);

    // One clerk records batches and confirms them, another adds units and
    // documents, a third reads the outstanding list: all at the same time.
    let batches = {
        let db = db.clone();
        std::thread::spawn(move || {
            for i in 0..ROUNDS {
                let code = format!("A{i}");
                let out = run(&db, &batch_args(&code));
                assert!(
                    out.status.success(),
                    "batch {code}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let confirm =
                    ["confirm", "--batch", &code, "--unit", "X-01", "--by", "Nguyễn Thị Hoa"].map(String::from);
                let out = run(&db, &confirm);
                assert!(
                    out.status.success(),
                    "confirm {code}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        })
    };
    let registers = {
        let db = db.clone();
        std::thread::spawn(move || {
            for i in 0..ROUNDS {
                let code = format!("X-B{i}");
                let args = [
                    "unit",
                    "add",
                    "--code",
                    &code,
                    "--name",
                    "Chi bộ thôn Ấp Thượng",
                    "--parent",
                    "X",
                ]
                .map(String::from);
                let out = run(&db, &args);
                assert!(
                    out.status.success(),
                    "unit {code}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let symbol = format!("{:02}-HD/TU", i + 10);
                let args = [
                    "doc",
                    "add",
                    "--symbol",
                    &symbol,
                    "--title",
                    "Hướng dẫn",
                    "--copies",
                    "5",
                ]
                .map(String::from);
                let out = run(&db, &args);
                assert!(
                    out.status.success(),
                    "doc {symbol}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        })
    };
    let reader = {
        let db = db.clone();
        std::thread::spawn(move || {
            for _ in 0..ROUNDS {
                let out = run(&db, &["outstanding", "--format", "json"].map(String::from));
                assert!(
                    out.status.success(),
                    "outstanding: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("a whole JSON list");
            }
        })
    };
    for t in [batches, registers, reader] {
        t.join().expect("a command failed");
    }

    let chain = assert_sound(&db);
    assert_eq!(
        chain,
        chain_before + 4 * ROUNDS as u64,
        "one audit row per action, none lost"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM batch"), ROUNDS as i64);
    assert_eq!(
        count(&db, "SELECT count(*) FROM receipt WHERE status = 'confirmed'"),
        ROUNDS as i64
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM unit WHERE code LIKE 'X-B%'"),
        ROUNDS as i64
    );
}

#[test]
fn a_writer_blocked_too_long_is_told_clearly_and_readers_go_on() {
    let (_dir, db) = cli::temp_db();
    register(&db);
    let chain_before = assert_sound(&db);

    // Another program holds the write lock (as a long import would).
    let other = rusqlite::Connection::open(&db).expect("second connection");
    other.execute_batch("BEGIN IMMEDIATE").expect("take the write lock");

    // Reading and opening do not wait for it.
    let started = Instant::now();
    let list = cli::ok(&db, &["unit", "list", "--format", "json"]);
    assert!(list.contains("X-01"));
    assert!(started.elapsed() < Duration::from_secs(3), "a reader is not blocked");

    // A writer waits for the busy timeout, then says why, in Vietnamese.
    let started = Instant::now();
    let stderr = cli::fails(
        &db,
        &[
            "unit",
            "add",
            "--code",
            "X-99",
            "--name",
            "Chi bộ thôn Mới",
            "--parent",
            "X",
        ],
    );
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(4),
        "waited for the other writer first ({waited:?})"
    );
    assert!(
        stderr.contains("đang được dùng ở một cửa sổ hoặc chương trình khác"),
        "clear message: {stderr}"
    );
    assert!(stderr.contains("chưa được ghi"), "says nothing was recorded: {stderr}");
    assert!(!stderr.contains("locked"), "no raw SQLite text: {stderr}");

    // The lock released, the same command goes through.
    other.execute_batch("ROLLBACK").expect("release");
    drop(other);
    cli::ok(
        &db,
        &[
            "unit",
            "add",
            "--code",
            "X-99",
            "--name",
            "Chi bộ thôn Mới",
            "--parent",
            "X",
        ],
    );
    assert_eq!(assert_sound(&db), chain_before + 1);
}

/// The app, killed at the end of the test even when it fails.
struct App(Child);

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// True once process `pid` holds `file` open (Linux: its /proc fd links).
#[cfg(target_os = "linux")]
fn holds_open(pid: u32, file: &Path) -> bool {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return false;
    };
    fds.flatten()
        .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|target| target == file))
}

#[cfg(target_os = "linux")]
#[test]
fn the_app_and_the_command_line_share_the_file() {
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        eprintln!("two_instances: no display, app part skipped (`make test` runs it under xvfb-run)");
        return;
    }
    let (dir, db) = cli::temp_db();
    register(&db);
    let db = db.canonicalize().expect("absolute path");
    let app_log = dir.path().join("app.stderr");

    // Another writer holds the lock while the app starts: it opens anyway.
    let other = rusqlite::Connection::open(&db).expect("second connection");
    other.execute_batch("BEGIN IMMEDIATE").expect("take the write lock");
    let mut app = App(Command::new(giaonhan_tests::binary("sogiaonhan"))
        .arg("--db")
        .arg(&db)
        .env("GIAONHAN_NO_DIALOG", "1")
        .env_remove("GIAONHAN_DB")
        .stdout(Stdio::null())
        .stderr(Stdio::from(std::fs::File::create(&app_log).expect("app log")))
        .spawn()
        .expect("start the app"));
    // The app holds the file open; it must still run after the busy timeout
    // (5 s) has passed with the lock still taken.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !holds_open(app.0.id(), &db) {
        if let Some(status) = app.0.try_wait().expect("poll the app") {
            let stderr = std::fs::read_to_string(&app_log).unwrap_or_default();
            panic!("the app stopped ({status}): {stderr}");
        }
        assert!(Instant::now() < deadline, "the app did not open the file");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs(6));
    let stderr = std::fs::read_to_string(&app_log).unwrap_or_default();
    assert!(app.0.try_wait().expect("poll").is_none(), "the app runs: {stderr}");
    other.execute_batch("ROLLBACK").expect("release");
    drop(other);

    // The command line writes while the app is open.
    for i in 0..5 {
        let code = format!("B{i}");
        let out = run(&db, &batch_args(&code));
        assert!(
            out.status.success(),
            "batch {code}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    cli::ok(
        &db,
        &["confirm", "--batch", "B0", "--unit", "X-02", "--by", "Trần Văn Nam"],
    );
    assert!(app.0.try_wait().expect("poll").is_none(), "the app is still running");
    drop(app);

    assert_sound(&db);
    assert_eq!(count(&db, "SELECT count(*) FROM batch"), 5);
    let batch = NewBatch {
        code: "B5".into(),
        title: "Sau khi đóng ứng dụng".into(),
        documents: vec![DocQty {
            symbol: "01-NQ/TU".into(),
            quantity: 1,
            uid: None,
        }],
        subtrees: vec!["X".into()],
        ..NewBatch::default()
    };
    let mut store = Store::open(&db).expect("open after the app");
    store.create_batch(&wide::clerk(), batch).expect("still writable");
}

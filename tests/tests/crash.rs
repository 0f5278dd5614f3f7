//! Crash test: a worker process (`src/bin/crash_worker.rs`) acts at random on a
//! real database file — batches with many recipients and documents, full and
//! partial confirmations, undo, renames, moves, merges — and is killed with
//! SIGKILL at a random moment, hundreds of times. After every kill the file
//! must open through `Store::open`, pass `PRAGMA integrity_check`, hold every
//! batch whole or not at all (receipts, lines, copies and the audit row agree),
//! keep every batch the worker saw recorded, and its audit chain must verify.
//!
//! `CRASH_KILLS` (default 200) sets the number of kills, `CRASH_SEED` replays a
//! seed; `CRASH_MAX_SECONDS` (default 90) bounds the run on a slow machine. The
//! seed fixes every action and every kill delay; where a kill lands inside an
//! action still depends on timing, so a replay is close, not identical.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use giaonhan::Store;
use giaonhan_tests::rng::Rng;
use rusqlite::Connection;

const DEFAULT_KILLS: u64 = 200;
const DEFAULT_MAX_SECONDS: u64 = 90;
/// A kill lands this long (at most) after the worker has opened the file.
const MAX_KILL_DELAY_MS: u64 = 100;

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

fn worker() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crash_worker"));
    cmd.env_remove("GIAONHAN_DB");
    cmd
}

#[test]
fn nothing_is_lost_when_the_process_is_killed_at_random() {
    let seed = env_u64("CRASH_SEED").unwrap_or_else(Rng::clock_seed);
    let kills = env_u64("CRASH_KILLS").unwrap_or(DEFAULT_KILLS);
    let budget = Duration::from_secs(env_u64("CRASH_MAX_SECONDS").unwrap_or(DEFAULT_MAX_SECONDS));
    eprintln!("crash test: seed {seed} (replay with CRASH_SEED={seed}), {kills} kills");

    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("so-giao-nhan.sqlite3");
    let intent = dir.path().join("so-giao-nhan.sqlite3.intent");
    let stderr_log = dir.path().join("worker.stderr");
    let setup = worker().arg("setup").arg(&db).output().expect("run crash_worker setup");
    assert!(
        setup.status.success(),
        "setup failed: {}",
        String::from_utf8_lossy(&setup.stderr)
    );

    let mut rng = Rng::new(seed);
    let started = Instant::now();
    let mut done = 0;
    let (mut starting, mut checking) = (Duration::ZERO, Duration::ZERO);
    for run in 0..kills {
        if started.elapsed() > budget {
            eprintln!("crash test: time budget reached after {done} kills");
            break;
        }
        let log = std::fs::File::create(&stderr_log).expect("worker stderr log");
        let spawned = Instant::now();
        let mut child = worker()
            .arg("run")
            .arg(&db)
            .arg(rng.next_u64().to_string())
            .arg(run.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start crash_worker");
        let context = || {
            let stderr = std::fs::read_to_string(&stderr_log).unwrap_or_default();
            format!("seed {seed}, run {run}; worker stderr: {stderr}")
        };

        // Kill only once the worker is acting: opening the file is read-only
        // vetting and would make the kills land in the same place.
        let mut ready = String::new();
        let stdout = child.stdout.take().expect("worker stdout");
        BufReader::new(stdout)
            .read_line(&mut ready)
            .expect("read worker stdout");
        if ready.trim() != "ready" {
            let status = child.wait().expect("wait for worker");
            panic!("worker did not start ({status}): {}", context());
        }
        starting += spawned.elapsed();
        std::thread::sleep(Duration::from_millis(rng.range(0, MAX_KILL_DELAY_MS)));
        if let Some(status) = child.try_wait().expect("poll worker") {
            panic!("worker stopped by itself ({status}): {}", context());
        }
        child.kill().expect("SIGKILL the worker");
        child.wait().expect("reap the worker");
        done += 1;

        let checked = Instant::now();
        if let Err(problem) = check(&db, &intent) {
            panic!("after kill {done}: {problem}\n{}", context());
        }
        checking += checked.elapsed();
    }

    // The kills must have interrupted real work, not an idle process.
    let conn = Connection::open(&db).expect("open");
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
    let batches = count("SELECT count(*) FROM batch");
    let settled = count("SELECT count(*) FROM receipt WHERE status <> 'pending'");
    let events = count("SELECT count(*) FROM unit_event");
    let undone = count("SELECT count(*) FROM audit_log WHERE action = 'receipt.undo'");
    eprintln!(
        "crash test: {done} kills in {:.1}s (worker start {:.1}s, checks {:.1}s); {batches} batches, \
         {} receipts ({settled} settled, {undone} undone), {events} reorganisations",
        started.elapsed().as_secs_f64(),
        starting.as_secs_f64(),
        checking.as_secs_f64(),
        count("SELECT count(*) FROM receipt"),
    );
    if done >= 50 {
        assert!(
            batches >= 10 && settled >= 10 && events >= 5 && undone >= 1,
            "too little work between kills"
        );
    }
}

/// Everything that must hold after a kill; the first problem found.
fn check(db: &Path, intent: &Path) -> Result<(), String> {
    // The way the app and the CLI open the file (recovers the WAL).
    let store = Store::open(db).map_err(|e| format!("Store::open: {e}"))?;
    let conn = store.connection();
    let one =
        |sql: &str| -> Result<i64, String> { conn.query_row(sql, [], |r| r.get(0)).map_err(|e| format!("{sql}: {e}")) };

    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if integrity != "ok" {
        return Err(format!("integrity_check: {integrity}"));
    }
    if one("SELECT count(*) FROM pragma_foreign_key_check")? != 0 {
        return Err("foreign_key_check found dangling references".into());
    }

    // Every batch whole: receipts, lines, per-document copies, audit row.
    let whole = [
        (
            "a batch without receipts",
            "SELECT count(*) FROM batch b WHERE NOT EXISTS (SELECT 1 FROM receipt r WHERE r.batch_id = b.id)",
        ),
        (
            "a batch without documents",
            "SELECT count(*) FROM batch b WHERE NOT EXISTS (SELECT 1 FROM batch_document d WHERE d.batch_id = b.id)",
        ),
        (
            "a receipt whose copies are not the sum of its lines",
            "SELECT count(*) FROM receipt r
             WHERE r.copies <> (SELECT coalesce(sum(l.quantity), 0) FROM receipt_line l WHERE l.receipt_id = r.id)",
        ),
        (
            "a batch document whose copies are not the sum over its receipts",
            "SELECT count(*) FROM batch_document bd
             WHERE bd.copies <> (SELECT coalesce(sum(l.quantity), 0) FROM receipt r
                                 JOIN receipt_line l ON l.receipt_id = r.id
                                 WHERE r.batch_id = bd.batch_id AND l.document_id = bd.document_id)",
        ),
        (
            "a receipt line of a document the batch does not hand out",
            "SELECT count(*) FROM receipt_line l JOIN receipt r ON r.id = l.receipt_id
             WHERE NOT EXISTS (SELECT 1 FROM batch_document bd
                               WHERE bd.batch_id = r.batch_id AND bd.document_id = l.document_id)",
        ),
        (
            "a batch without exactly one batch.create audit row",
            "SELECT count(*) FROM batch b LEFT JOIN
                 (SELECT entity_uid, count(*) AS n FROM audit_log WHERE action = 'batch.create' GROUP BY entity_uid) a
                 ON a.entity_uid = unhex(replace(b.uid, '-', ''))
             WHERE a.n IS NOT 1",
        ),
        (
            "a batch.create audit row without its batch",
            "SELECT count(*) FROM audit_log a
             WHERE a.action = 'batch.create' AND NOT EXISTS (SELECT 1 FROM batch b WHERE unhex(replace(b.uid, '-', '')) = a.entity_uid)",
        ),
        (
            "a batch whose receipts differ from the recipients its audit row recorded",
            "SELECT count(*) FROM audit_log a JOIN batch b ON unhex(replace(b.uid, '-', '')) = a.entity_uid
             WHERE a.action = 'batch.create'
               AND json_extract(a.detail, '$.recipients') <> (SELECT count(*) FROM receipt r WHERE r.batch_id = b.id)",
        ),
        (
            "a cancelled batch without its audit row, or the reverse",
            "SELECT abs((SELECT count(*) FROM batch WHERE cancelled_at IS NOT NULL)
                      - (SELECT count(*) FROM audit_log WHERE action = 'batch.cancel'))",
        ),
        (
            "a reorganisation without its audit row, or the reverse",
            "SELECT abs((SELECT count(*) FROM unit_event)
                      - (SELECT count(*) FROM audit_log WHERE action IN
                         ('unit.rename', 'unit.move', 'unit.merge', 'unit.absorb', 'unit.split', 'unit.close')))",
        ),
    ];
    for (what, sql) in whole {
        let n = one(sql)?;
        if n != 0 {
            return Err(format!("{what} ({n})"));
        }
    }

    // Each receipt's state is the one its last confirm/undo audit row recorded.
    let mut last: HashMap<String, (String, Option<String>)> = HashMap::new();
    {
        let mut stmt = conn
            .prepare(
                // A full confirmation's row leaves its status out.
                // The log keeps a uid as its 16 bytes: both sides as hex.
                "SELECT hex(entity_uid), action,
                        CASE action WHEN 'receipt.confirm' THEN coalesce(json_extract(detail, '$.status'), 'confirmed') END
                 FROM audit_log
                 WHERE action IN ('receipt.confirm', 'receipt.undo') ORDER BY id",
            )
            .map_err(|e| e.to_string())?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?)))
            .map_err(|e| e.to_string())?;
        for row in rows {
            let (uid, action, status) = row.map_err(|e| e.to_string())?;
            last.insert(uid, (action, status));
        }
    }
    let mut stmt = conn
        .prepare("SELECT hex(uid), code, status FROM receipt")
        .map_err(|e| e.to_string())?;
    let receipts = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })
        .map_err(|e| e.to_string())?;
    for receipt in receipts {
        let (uid, code, status) = receipt.map_err(|e| e.to_string())?;
        let expected = match last.get(&uid) {
            Some((action, Some(logged))) if action == "receipt.confirm" => logged.as_str(),
            _ => "pending",
        };
        if status != expected {
            return Err(format!("receipt {code} is {status} but its audit log says {expected}"));
        }
    }
    drop(stmt);

    // Unit histories still tile time: no gap, no overlap.
    let mut stmt = conn
        .prepare("SELECT unit_id, valid_from, valid_to FROM unit_version ORDER BY unit_id, valid_from")
        .map_err(|e| e.to_string())?;
    let versions = stmt
        .query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })
        .map_err(|e| e.to_string())?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(|e| e.to_string())?;
    let mut previous: Option<(i64, String)> = None;
    for (unit, from, to) in versions {
        let expected_from = match &previous {
            Some((u, end)) if *u == unit => end.clone(),
            Some((_, end)) if end != "9999-12-31" => return Err(format!("unit {unit}: history ends at {end}")),
            _ => "0000-01-01".to_owned(),
        };
        if from != expected_from {
            return Err(format!(
                "unit {unit}: a version starts at {from}, expected {expected_from}"
            ));
        }
        previous = Some((unit, to));
    }
    if let Some((unit, end)) = previous.filter(|(_, end)| end != "9999-12-31") {
        return Err(format!("unit {unit}: history ends at {end}"));
    }
    drop(stmt);

    // Every batch the worker saw recorded is there, with what it had.
    let intents = std::fs::read_to_string(intent).unwrap_or_default();
    for line in intents.lines() {
        let parts: Vec<&str> = line.split(' ').collect();
        let ["batch", code, recipients, copies] = parts.as_slice() else {
            return Err(format!("bad intent line {line:?}"));
        };
        let found: Option<(i64, i64)> = conn
            .query_row(
                "SELECT (SELECT count(*) FROM receipt r WHERE r.batch_id = b.id),
                        (SELECT coalesce(sum(copies), 0) FROM batch_document d WHERE d.batch_id = b.id)
                 FROM batch b WHERE b.code = ?1",
                [code],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .ok();
        let expected = (recipients.parse().unwrap_or(-1), copies.parse().unwrap_or(-1));
        if found != Some(expected) {
            return Err(format!("batch {code} was recorded as {expected:?}, now {found:?}"));
        }
    }

    store.verify().map_err(|e| format!("audit chain: {e}"))?;
    Ok(())
}

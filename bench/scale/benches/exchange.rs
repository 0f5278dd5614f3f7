//! The exchange at province scale: a month of packets from 950 commune
//! offices (each confirming the province's weekly batch and reporting its
//! own batches to its ten branches) applied by the province's register in
//! one `sync receive`, next to a raw-SQLite baseline that writes the same
//! rows (the reported receipts, the confirmed receipts and the packet
//! records, one transaction per packet, synced at each commit as the app's
//! `synchronous = FULL`) on a copy of the same file.
//! Figures, not assertions; see BENCHMARKS.md (goal: ≤ 60 s).
//!
//! Then the other direction on the province's register that has taken the
//! month: a new batch to every commune and one `sync send` writing a packet
//! for each of the 950 offices, next to raw SQLite reading the same
//! receipts and recording the same number of packets.
//!
//! Run: `make bench`, or `cargo bench -p giaonhan-scale --bench exchange`.
//! The registers and packets are made once into `target/bench/exchange/`
//! (minutes); `GIAONHAN_BENCH_COMMUNES` makes fewer communes (into a folder
//! of their own), for a quick look.

use std::path::{Path, PathBuf};
use std::time::Instant;

use giaonhan::exchange::{packet, Outcome};
use giaonhan::model::{DocQty, NewBatch, NewDocument};
use giaonhan::{Actor, Store};
use giaonhan_scale::exchange::{self, Month};
use rusqlite::{params, Connection};
use serde_json::Value;

type Res<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn workspace_target() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target")
}

/// The month's folder, made when missing (a `done` file marks it complete).
fn month_dir(month: &Month) -> Res<PathBuf> {
    let dir = workspace_target().join(format!("bench/exchange-{}x{}", month.communes, month.weeks));
    if dir.join("done").exists() {
        return Ok(dir);
    }
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    println!("making {} (a month of {} communes) …", dir.display(), month.communes);
    let started = Instant::now();
    exchange::make(&dir, month, &mut |stage, done, total| {
        println!("  [{:>5.0} s] {stage} {done}/{total}", started.elapsed().as_secs_f64());
    })?;
    std::fs::write(dir.join("done"), b"")?;
    Ok(dir)
}

fn copy_register(from: &Path, to: &Path) -> Res<()> {
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", to.display()));
        if side.exists() {
            std::fs::remove_file(side)?;
        }
    }
    std::fs::copy(from, to)?;
    Ok(())
}

/// A packet's events, read straight from the file (no signature check:
/// the baseline writes rows, nothing else).
fn events(bytes: &[u8]) -> Res<(String, i64, String, Vec<Value>)> {
    let opened = packet::open(bytes).map_err(|r| r.to_string())?;
    let h = &opened.header;
    // magic | u32 header length | header | u32 body length | body | signature
    let at = packet::MAGIC.len();
    let header_len = u32::from_le_bytes(bytes[at..at + 4].try_into()?) as usize;
    let body_at = at + 4 + header_len;
    let body_len = u32::from_le_bytes(bytes[body_at..body_at + 4].try_into()?) as usize;
    let body = &bytes[body_at + 4..body_at + 4 + body_len];
    Ok((
        h.origin.id.clone(),
        h.seq,
        packet::hash(bytes),
        serde_json::from_slice(body)?,
    ))
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// The same rows, written with the fewest statements: per packet one
/// transaction that replaces the reported batches' rows, updates the
/// confirmed receipts and records the packet.
fn raw(conn: &mut Connection, files: &[PathBuf]) -> Res<(usize, usize)> {
    let mut packets: Vec<(String, i64, String, Vec<Value>, String)> = Vec::new();
    for f in files {
        let bytes = std::fs::read(f)?;
        let (origin, seq, hash, events) = events(&bytes)?;
        packets.push((origin, seq, hash, events, f.display().to_string()));
    }
    packets.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    let (mut rows, mut confirmed) = (0, 0);
    for (origin, seq, hash, events, file) in &packets {
        let tx = conn.transaction()?;
        {
            let mut delete = tx.prepare_cached("DELETE FROM remote_receipt WHERE site = ?1 AND batch_uid = ?2")?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO remote_receipt (site, uid, code, batch_uid, batch_code, batch_title, handed_on,
                   due_on, unit_code, unit_name, group_code, group_name, must_confirm, status, signed_by,
                   signed_on, copies) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
                   ?15, ?16, ?17)",
            )?;
            let mut confirm = tx.prepare_cached(
                "UPDATE receipt SET state = CASE ?2 WHEN 'pending' THEN 0 WHEN 'confirmed' THEN 1
                                                 WHEN 'partial' THEN 2 ELSE 3 END,
                   signed_by = ?3, signed_day = unixepoch(?4) / 86400, entered = ?5, method_code = 2
                 WHERE uid = ?1",
            )?;
            for e in events {
                match e.get("kind").and_then(Value::as_str) {
                    Some("report") => {
                        let batch = text(e, "batch");
                        delete.execute(params![origin, batch])?;
                        for r in e["receipts"].as_array().into_iter().flatten() {
                            insert.execute(params![
                                origin,
                                text(r, "uid"),
                                text(r, "code"),
                                batch,
                                text(e, "code"),
                                text(e, "title"),
                                text(e, "handed_on"),
                                text(e, "due_on"),
                                text(r, "unit_code"),
                                text(r, "unit_name"),
                                text(r, "group_code"),
                                text(r, "group_name"),
                                r["must_confirm"].as_bool().unwrap_or(true),
                                text(r, "status"),
                                text(r, "signed_by"),
                                text(r, "signed_on"),
                                r["copies"].as_i64().unwrap_or(0),
                            ])?;
                            rows += 1;
                        }
                    }
                    Some("confirmation") => {
                        confirmed += confirm.execute(params![
                            text(e, "receipt"),
                            text(e, "status"),
                            text(e, "signed_by"),
                            text(e, "signed_on"),
                            text(e, "entered_at"),
                        ])?;
                    }
                    _ => {}
                }
            }
            tx.execute(
                "INSERT INTO packet_in (origin, seq, hash, applied_at, file_name, events)
                 VALUES (?1, ?2, ?3, '2026-11-30T00:00:00Z', ?4, ?5)",
                params![origin, seq, hash, file, events.len() as i64],
            )?;
        }
        tx.commit()?;
    }
    Ok((rows, confirmed))
}

/// A batch of a new document to every commune, then one `sync send`
/// (into `DIR/send`); the time of the send and the packets written.
fn time_send(store: &mut Store, dir: &Path) -> Res<(std::time::Duration, usize)> {
    let actor = Actor::new("bench", "bench");
    let communes: Vec<String> = store
        .peers()?
        .into_iter()
        .filter(|p| p.relation == "child")
        .map(|p| p.unit)
        .collect();
    store.add_document(
        &actor,
        NewDocument {
            symbol: "99-CT/TU".to_owned(),
            title: "Chỉ thị về tăng cường công tác bảo vệ bí mật nhà nước".to_owned(),
            copies_received: 10 * communes.len() as u32,
            ..NewDocument::default()
        },
    )?;
    store.create_batch(
        &actor,
        NewBatch {
            code: "T99".to_owned(),
            title: "Chỉ thị tháng 11".to_owned(),
            documents: vec![DocQty {
                symbol: "99-CT/TU".to_owned(),
                quantity: 10,
                uid: None,
            }],
            units: communes,
            ..NewBatch::default()
        },
    )?;
    let out = dir.join("send");
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    std::fs::create_dir_all(&out)?;
    let started = Instant::now();
    let sent = store.sync_send(&actor, &out)?;
    Ok((started.elapsed(), sent.len()))
}

fn bytes_per_packet(dir: &Path) -> Res<usize> {
    let sizes: Vec<u64> = std::fs::read_dir(dir)?
        .map(|e| Ok(e?.metadata()?.len()))
        .collect::<std::io::Result<_>>()?;
    Ok((sizes.iter().sum::<u64>() / sizes.len().max(1) as u64) as usize)
}

/// The send's rows in raw SQLite: each commune's receipt of the newest
/// batch with its lines and document read, and a packet of the same size
/// recorded, in one transaction; and the same files written as the app
/// writes them (synced, renamed into place, the folder synced).
fn raw_send(conn: &mut Connection, packets: usize, size: usize, dir: &Path) -> Res<(std::time::Duration, usize)> {
    use std::io::Write;
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let peers: Vec<(String, String)> = conn
        .prepare("SELECT id, unit_code FROM peer WHERE relation = 'child' ORDER BY unit_code")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let blob = vec![0u8; size];
    let started = Instant::now();
    let tx = conn.transaction()?;
    let mut read = 0;
    {
        let mut receipt = tx.prepare_cached(
            "SELECT r.uid, r.code, r.copies, r.status, l.quantity, d.uid, d.symbol, d.title, d.issued_on
             FROM receipt r JOIN unit u ON u.id = r.unit_id
             JOIN receipt_line l ON l.receipt_id = r.id JOIN document d ON d.id = l.document_id
             WHERE r.batch_id = (SELECT max(id) FROM batch) AND u.code = ?1",
        )?;
        let mut insert = tx.prepare_cached(
            "INSERT INTO packet_out (recipient, seq, hash, written_at, cursor, bytes)
             VALUES (?1, 1000, '', '2026-11-30T00:00:00Z', 0, ?2)",
        )?;
        for (id, unit) in peers.iter().take(packets) {
            let mut rows = receipt.query(params![unit])?;
            while rows.next()?.is_some() {
                read += 1;
            }
            insert.execute(params![id, blob])?;
        }
    }
    tx.commit()?;
    for (_, unit) in peers.iter().take(packets) {
        let tmp = dir.join(format!(".{unit}.tmp"));
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&blob)?;
        f.sync_all()?;
        std::fs::rename(&tmp, dir.join(format!("{unit}.sgnpkt")))?;
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok((started.elapsed(), read))
}

fn main() -> Res<()> {
    let mut month = Month::province();
    if let Some(n) = std::env::var("GIAONHAN_BENCH_COMMUNES")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        month.communes = n;
    }
    let dir = month_dir(&month)?;
    let up = dir.join("up");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&up)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    files.sort();
    let bytes: u64 = files.iter().filter_map(|f| f.metadata().ok()).map(|m| m.len()).sum();
    println!(
        "\n{} communes × {} weeks: {} packets, {:.1} MB",
        month.communes,
        month.weeks,
        files.len(),
        bytes as f64 / 1e6
    );

    let work = dir.join("province-work.sqlite3");
    copy_register(&dir.join("province.sqlite3"), &work)?;
    let mut store = Store::open(&work)?;
    let started = Instant::now();
    let received = store.sync_receive(&Actor::new("bench", "bench"), &up)?;
    let app = started.elapsed();
    let applied = received
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Applied { .. }))
        .count();
    let events: u64 = received
        .iter()
        .map(|r| match r.outcome {
            Outcome::Applied { events, .. } => events,
            _ => 0,
        })
        .sum();
    let other = received.len() - applied;
    let (send, sent) = time_send(&mut store, &dir)?;
    drop(store);

    let raw_file = dir.join("province-raw.sqlite3");
    copy_register(&dir.join("province.sqlite3"), &raw_file)?;
    let mut conn = Connection::open(&raw_file)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    let started = Instant::now();
    let (rows, confirmed) = raw(&mut conn, &files)?;
    let raw_time = started.elapsed();
    let (raw_send, raw_sent) = raw_send(
        &mut conn,
        sent,
        bytes_per_packet(&dir.join("send"))?,
        &dir.join("send-raw"),
    )?;

    println!(
        "{:<44} {:>7} {:>11} {:>11} {:>8}   goal",
        "figure", "packets", "app", "raw", "ratio"
    );
    println!(
        "{:<44} {:>7} {:>9.2} s {:>9.2} s {:>7.2}×   ≤ 60 s",
        "sync receive, a month of every commune",
        applied,
        app.as_secs_f64(),
        raw_time.as_secs_f64(),
        app.as_secs_f64() / raw_time.as_secs_f64().max(1e-9)
    );
    println!(
        "  {events} events applied ({other} files not applied); raw wrote {rows} reported receipts and {confirmed} confirmations"
    );
    println!(
        "{:<44} {:>7} {:>9.2} s {:>9.2} s {:>7.2}×   —",
        "sync send, a new batch to every commune",
        sent,
        send.as_secs_f64(),
        raw_send.as_secs_f64(),
        send.as_secs_f64() / raw_send.as_secs_f64().max(1e-9)
    );
    println!("  raw read {raw_sent} receipts, recorded as many packets of the same size and wrote their files");
    Ok(())
}

//! Province-scale figures: each operation of the store timed on the province
//! register (≈ 10,000 units, 12 million receipt lines), next to a raw-SQLite
//! baseline measured in the same run on the same file (the fewest SQL
//! statements that give the same answer, run directly through rusqlite), with
//! the ratio. Figures, not assertions; see BENCHMARKS.md.
//!
//! Run: `make bench`, or `cargo bench -p giaonhan-scale --bench province`.
//! `GIAONHAN_BENCH_DB` names the province file; by default
//! `target/bench/province.sqlite3`, generated (seed 1) when missing. Writes
//! go to a copy of it (`…-work.sqlite3`), so the generated file stays as made.
//! `GIAONHAN_BENCH_ONLY` (comma-separated: `lists` for the outstanding list,
//! dashboard and printouts, `search`, `batch`, `confirm` (which records the
//! batches it confirms in), `bytes`) runs only those figures; opening the
//! file (which upgrades an older one) is always timed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use giaonhan::model::{Confirmation, DocQty, NewBatch, NewDocument, OutstandingQuery, PrintList};
use giaonhan::{text, Actor, Store};
use giaonhan_scale::Size;
use rusqlite::{params, Connection, OptionalExtension};

type Res<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Median of `runs` runs of `f`, and what the last run returned.
fn time<T>(runs: usize, mut f: impl FnMut(usize) -> Res<T>) -> Res<(Duration, T)> {
    let mut samples = Vec::with_capacity(runs);
    let mut last = None;
    for i in 0..runs {
        let t = Instant::now();
        let out = f(i)?;
        samples.push(t.elapsed());
        last = Some(out);
    }
    let last = last.ok_or("no runs")?;
    Ok((median(samples), last))
}

/// Medians of `runs` runs each of `app` and `raw`, taken in turns (app,
/// raw, app, …), so that neither runs on pages the other's runs warmed
/// more; and what the last run of each returned.
fn time_in_turns<A, B>(
    runs: usize,
    mut app: impl FnMut(usize) -> Res<A>,
    mut raw: impl FnMut(usize) -> Res<B>,
) -> Res<((Duration, A), (Duration, B))> {
    let (mut a, mut b) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    let (mut last_a, mut last_b) = (None, None);
    for i in 0..runs {
        let t = Instant::now();
        last_a = Some(app(i)?);
        a.push(t.elapsed());
        let t = Instant::now();
        last_b = Some(raw(i)?);
        b.push(t.elapsed());
    }
    Ok((
        (median(a), last_a.ok_or("no runs")?),
        (median(b), last_b.ok_or("no runs")?),
    ))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// One line of the report: figure, app, raw baseline, ratio, goal.
fn report(name: &str, rows: usize, app: Duration, raw: Duration, goal: &str) {
    println!(
        "{:<44} {:>7} {:>11.2} ms {:>11.2} ms {:>7.2}×   {goal}",
        name,
        rows,
        ms(app),
        ms(raw),
        app.as_secs_f64() / raw.as_secs_f64().max(1e-9)
    );
}

fn workspace_target() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target")
}

/// The province file, generated when missing.
fn province_file() -> Res<PathBuf> {
    let path = match std::env::var_os("GIAONHAN_BENCH_DB") {
        Some(p) => PathBuf::from(p),
        None => workspace_target().join("bench/province.sqlite3"),
    };
    if !path.exists() {
        println!("generating {} (seed 1), this takes a while …", path.display());
        let mut store = Store::open(&path)?;
        let started = Instant::now();
        let summary = giaonhan_scale::generate(
            &mut store,
            &Actor::new("bench", "bench"),
            &Size::province(),
            1,
            &mut |p| {
                if p.stage != "batches" || p.done % 300 == 0 || p.done == p.total {
                    println!(
                        "  [{:>5.0} s] {} {}/{}, {} lines",
                        started.elapsed().as_secs_f64(),
                        p.stage,
                        p.done,
                        p.total,
                        p.lines
                    );
                }
            },
        )?;
        println!("  {summary:?} in {:.0} s", started.elapsed().as_secs_f64());
    }
    Ok(path)
}

/// The outstanding list in one SQL statement: open receipts with their batch,
/// the unit's name, grassroots group, secretary and phone on `day`, in tree
/// order (sort keys along the path from the root), then due date. A receipt
/// of a unit closed by a merge is placed under its successor (one merge
/// deep: the generated history has one).
const RAW_OUTSTANDING: &str = "WITH RECURSIVE t(id, grp, path) AS (
     SELECT v.unit_id, NULL, v.sort_key FROM unit_version v JOIN unit u ON u.id = v.unit_id
     WHERE v.parent_id IS NULL AND v.valid_from <= :day AND :day < v.valid_to
       AND u.opened_on <= :day AND :day < u.closed_on
     UNION ALL
     SELECT v.unit_id, coalesce(t.grp, v.unit_id), t.path || x'00' || v.sort_key
     FROM unit_version v JOIN t ON v.parent_id = t.id JOIN unit u ON u.id = v.unit_id
     WHERE v.valid_from <= :day AND :day < v.valid_to AND u.opened_on <= :day AND :day < u.closed_on
 )
 SELECT b.code, b.title, u.code, v.name, g.code, gv.name,
        (SELECT s.name FROM unit_signer s WHERE s.unit_id = u.id AND s.role = 'secretary'
           AND coalesce(s.from_on, '0000-01-01') <= :day AND :day < coalesce(s.to_on, '9999-12-31')
         ORDER BY s.from_on DESC LIMIT 1),
        u.phone, b.handed_on, b.due_on, r.copies, r.code, r.status
 FROM receipt r JOIN batch b ON b.id = r.batch_id
 JOIN unit u ON u.id = r.unit_id
 JOIN t ON t.id = CASE WHEN u.closed_on <= :day THEN u.successor_id ELSE u.id END
 JOIN unit_version v ON v.unit_id = u.id AND v.valid_from <= :day AND :day < v.valid_to
 JOIN unit g ON g.id = coalesce(t.grp, u.id)
 JOIN unit_version gv ON gv.unit_id = g.id AND gv.valid_from <= :day AND :day < gv.valid_to
 WHERE r.status <> 'confirmed' AND r.must_confirm = 1 AND b.cancelled_at IS NULL AND b.handed_on <= :day
   AND (:batch IS NULL OR r.batch_id = :batch)
 ORDER BY t.path, u.code, b.due_on, b.code";

fn raw_outstanding(conn: &Connection, day: NaiveDate, batch: Option<i64>) -> Res<usize> {
    let mut stmt = conn.prepare_cached(RAW_OUTSTANDING)?;
    let mut rows = stmt.query(rusqlite::named_params! { ":day": day, ":batch": batch })?;
    let mut n = 0;
    while let Some(r) = rows.next()? {
        // Read every column, as the store does.
        for i in 0..13 {
            let _: rusqlite::types::Value = r.get(i)?;
        }
        n += 1;
    }
    Ok(n)
}

/// Rows of the outstanding screen's first view.
const FIRST_VIEW: u32 = 200;

/// The first view in raw SQL: the subtotals per committee (the totals are
/// their sum), and the first rows (the whole list's statement with a LIMIT).
fn raw_first_view(conn: &Connection, day: NaiveDate) -> Res<usize> {
    // Subtotals per committee: group the whole list's rows.
    let grouped = format!(
        "SELECT grp, count(*), count(DISTINCT unit), sum(copies) FROM (
           SELECT g.code AS grp, u.code AS unit, r.copies AS copies {}
         ) GROUP BY grp",
        &RAW_OUTSTANDING[RAW_OUTSTANDING.find(" FROM receipt r").ok_or("FROM")?
            ..RAW_OUTSTANDING.rfind(" ORDER BY").ok_or("ORDER BY")?]
    );
    let head = &RAW_OUTSTANDING[..RAW_OUTSTANDING.find(" SELECT b.code").ok_or("SELECT")?];
    let mut n = 0;
    let mut stmt = conn.prepare_cached(&format!("{head} {grouped}"))?;
    let mut groups = stmt.query(rusqlite::named_params! { ":day": day, ":batch": None::<i64> })?;
    while groups.next()?.is_some() {}
    let mut stmt = conn.prepare_cached(&format!("{RAW_OUTSTANDING} LIMIT {}", FIRST_VIEW + 1))?;
    let mut rows = stmt.query(rusqlite::named_params! { ":day": day, ":batch": None::<i64> })?;
    while let Some(r) = rows.next()? {
        for i in 0..13 {
            let _: rusqlite::types::Value = r.get(i)?;
        }
        n += 1;
    }
    Ok(n)
}

/// Raw batch recording: the leaves under the committees, then the batch, its
/// documents, one INSERT per receipt (the code is random with a check
/// character, made in Rust), all lines in one INSERT … SELECT, one audit row.
fn raw_batch(conn: &Connection, code: &str, roots: &[i64], docs: &[(i64, u32)], day: NaiveDate) -> Res<usize> {
    let tx = conn.unchecked_transaction()?;
    let mut leaves: Vec<i64> = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "WITH RECURSIVE sub(id) AS (
                 SELECT value FROM json_each(?1)
                 UNION SELECT v.unit_id FROM unit_version v JOIN sub ON v.parent_id = sub.id
                 WHERE v.valid_from <= ?2 AND ?2 < v.valid_to)
             SELECT s.id FROM sub s WHERE NOT EXISTS (
                 SELECT 1 FROM unit_version v WHERE v.parent_id = s.id AND v.valid_from <= ?2 AND ?2 < v.valid_to)
             ORDER BY s.id",
        )?;
        let roots = serde_json::to_string(roots)?;
        for id in stmt.query_map(params![roots, day], |r| r.get(0))? {
            leaves.push(id?);
        }
    }
    tx.execute(
        "INSERT INTO batch (uid, code, title, handed_on, due_on, recorded_by, created_at,
                            receipts_total, receipts_open)
         VALUES (?1, ?2, 'Đợt đo', ?3, ?3, 'bench', '2026-01-01T00:00:00.000Z', ?4, ?4)",
        params![uuid::Uuid::now_v7().to_string(), code, day, leaves.len() as i64],
    )?;
    let batch = tx.last_insert_rowid();
    let per_unit: u32 = docs.iter().map(|d| d.1).sum();
    let values: Vec<String> = docs.iter().map(|(d, q)| format!("({d}, {q})")).collect();
    tx.execute(
        &format!(
            "INSERT INTO batch_document (batch_id, document_id, copies)
             SELECT ?1, column1, column2 * ?2 FROM (VALUES {})",
            values.join(", ")
        ),
        params![batch, leaves.len() as i64],
    )?;
    {
        let mut rng = rand::rng();
        let prefix = giaonhan::receipt_code::Prefix::draw(&mut rng);
        let mut add = tx.prepare_cached(
            "INSERT INTO receipt (uid, batch_id, unit_id, code, must_confirm, copies) VALUES (?1, ?2, ?3, ?4, 1, ?5)",
        )?;
        for unit in &leaves {
            // The batch's codes share a prefix, as the store's do; a code
            // taken already is drawn again.
            loop {
                let rcode = giaonhan::receipt_code::generate_in(prefix, &mut rng);
                match add.execute(params![
                    &uuid::Uuid::now_v7().as_bytes()[..],
                    batch,
                    unit,
                    rcode,
                    per_unit
                ]) {
                    Ok(_) => break,
                    Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ConstraintViolation => {
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }
    tx.execute(
        &format!(
            "INSERT INTO receipt_line (receipt_id, document_id, quantity)
             SELECT r.id, d.column1, d.column2 FROM receipt r, (VALUES {}) d WHERE r.batch_id = ?1",
            values.join(", ")
        ),
        [batch],
    )?;
    raw_audit(&tx, "batch.create", code)?;
    tx.commit()?;
    Ok(leaves.len())
}

/// One audit row chained to the previous one, as the store writes it (the
/// hash over the previous hash, the uid and the time in text form; the hash
/// and the uid kept as bytes, the time as milliseconds).
fn raw_audit(conn: &Connection, action: &str, detail: &str) -> Res<()> {
    use sha2::{Digest, Sha256};
    let prev: String = conn
        .query_row(
            "SELECT lower(hex(hash)) FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_default();
    let at = "2026-01-01T00:00:00.000Z";
    let detail = serde_json::json!({ "detail": detail }).to_string();
    let canonical = serde_json::json!([prev, "", at, "bench", "bench", action, null, detail]).to_string();
    let hash = Sha256::digest(canonical.as_bytes());
    conn.prepare_cached(
        "INSERT INTO audit_log (at, actor, method, action_code, detail, hash)
         VALUES (?1, 'bench', 'bench', CASE ?2 WHEN 'receipt.confirm' THEN 1 WHEN 'receipt.undo' THEN 2 ELSE ?2 END,
                 ?3, ?4)",
    )?
    .execute(params![1_767_225_600_000_i64, action, detail, &hash[..]])?;
    Ok(())
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Whether `GIAONHAN_BENCH_ONLY` (when set) names this figure.
fn wanted(figure: &str) -> bool {
    std::env::var("GIAONHAN_BENCH_ONLY").map_or(true, |only| only.split(',').any(|f| f.trim() == figure))
}

fn main() -> Res<()> {
    let province = province_file()?;
    let work = province.with_file_name(format!(
        "{}-work.sqlite3",
        province.file_stem().and_then(|s| s.to_str()).unwrap_or("province")
    ));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", work.display()));
    }
    let size = file_size(&province);
    println!("province file: {:.2} GB; writes go to a copy of it", size as f64 / 1e9);
    std::fs::copy(&province, &work)?;

    // Opening: the store vets the file (header, quick check, version) first.
    let t = Instant::now();
    let raw = Connection::open(&work)?;
    let _: i64 = raw.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let raw_open = t.elapsed();
    drop(raw);
    let t = Instant::now();
    let mut store = Store::open(&work)?;
    let store_open = t.elapsed();
    // The generator gives no letterhead, and nothing prints without one: the
    // province board's, on the copy.
    if store.letterhead_setting()?.is_none() {
        store.set_letterhead(&Actor::new("bench", "bench"), &giaonhan::print::Letterhead::sample())?;
    }
    let raw = Connection::open(&work)?;
    raw.busy_timeout(Duration::from_secs(5))?;
    let conn = &raw;
    let actor = Actor::new("bench", "bench");
    let today = giaonhan::db::today();

    let count = |sql: &str| -> Res<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
    let lines = count("SELECT count(*) FROM receipt_line")?;
    let receipts = count("SELECT count(*) FROM receipt")?;
    let units = count("SELECT count(*) FROM unit")?;
    let open = count("SELECT count(*) FROM receipt WHERE status <> 'confirmed' AND must_confirm = 1")?;
    println!("{units} units, {receipts} receipts, {lines} receipt lines, {open} open receipts; as of {today}\n");
    println!(
        "{:<44} {:>7} {:>14} {:>14} {:>8}   goal",
        "figure", "rows", "store", "raw SQLite", "ratio"
    );
    report("open the file (vet + pragmas + schema)", 0, store_open, raw_open, "—");

    if wanted("lists") {
        // The window asks for the first view right after opening the file,
        // with every cache cold (SQLite's pages, the core's tree of the day):
        // one call on a fresh store, next to one raw query on a fresh
        // connection.
        let fresh = Store::open(&work)?;
        let t = Instant::now();
        let shown = fresh
            .outstanding_page(&OutstandingQuery::default(), 0, FIRST_VIEW + 1)?
            .rows
            .len();
        let cold = t.elapsed();
        drop(fresh);
        let fresh_raw = Connection::open(&work)?;
        let t = Instant::now();
        raw_first_view(&fresh_raw, today)?;
        let cold_raw = t.elapsed();
        drop(fresh_raw);
        report(
            "outstanding first view, first call after opening",
            shown,
            cold,
            cold_raw,
            "—",
        );
        // Outstanding list, whole province and one batch: the batch with the most
        // open receipts.
        let (app, rows) = time(5, |_| Ok(store.outstanding(&OutstandingQuery::default())?.len()))?;
        let (base, raw_rows) = time(5, |_| raw_outstanding(conn, today, None))?;
        report("outstanding list, whole province", rows, app, base, "≤ 1.5× raw");
        // What the screen asks for first: the totals, each committee's
        // subtotal and the first 200 rows (and one more, to know whether the
        // last committee goes on).
        let (app, shown) = time(9, |_| {
            Ok(store
                .outstanding_page(&OutstandingQuery::default(), 0, FIRST_VIEW + 1)?
                .rows
                .len())
        })?;
        let (base, _) = time(9, |_| raw_first_view(conn, today))?;
        report(
            "outstanding first view (totals + 200 rows), whole province",
            shown,
            app,
            base,
            "≤ 50 ms",
        );
        if rows != raw_rows {
            println!("    (raw query gave {raw_rows} rows)");
        }
        let (batch_id, batch_code): (i64, String) = conn.query_row(
            "SELECT b.id, b.code FROM receipt r JOIN batch b ON b.id = r.batch_id
         WHERE r.status <> 'confirmed' AND r.must_confirm = 1 GROUP BY b.id ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let one = OutstandingQuery {
            batches: vec![batch_code.clone()],
            ..OutstandingQuery::default()
        };
        let (app, rows) = time(9, |_| Ok(store.outstanding(&one)?.len()))?;
        let (base, _) = time(9, |_| raw_outstanding(conn, today, Some(batch_id)))?;
        report(
            &format!("outstanding list, one batch ({batch_code})"),
            rows,
            app,
            base,
            "≤ 50 ms, ≤ 1.5× raw",
        );

        // Dashboard numbers of that batch.
        let (app, stats) = time(9, |_| Ok(store.batch_stats(std::slice::from_ref(&batch_code), None)?))?;
        let (base, _) = time(9, |_| {
            Ok(conn
            .prepare_cached(
                "SELECT b.code, b.title, b.handed_on, b.due_on,
                        (SELECT sum(copies) FROM batch_document d WHERE d.batch_id = b.id),
                        sum(r.must_confirm = 0), sum(r.must_confirm = 1), sum(r.must_confirm AND r.status = 'confirmed'),
                        sum(r.must_confirm AND r.status = 'partial'), sum(r.must_confirm AND r.status = 'declined'),
                        sum(r.must_confirm AND r.status = 'pending')
                 FROM batch b JOIN receipt r ON r.batch_id = b.id WHERE b.id = ?1",
            )?
            .query_row([batch_id], |r| r.get::<_, i64>(6))?)
        })?;
        report("dashboard numbers, one batch", stats.len(), app, base, "—");

        // Printed list and spreadsheet of about 4,000 rows: newest batches first,
        // skipping those that would overshoot 4,400 rows, until 3,600.
        let mut codes: Vec<String> = Vec::new();
        let mut ids: Vec<i64> = Vec::new();
        {
            let mut stmt = conn.prepare(
                "SELECT b.id, b.code, count(*) FROM receipt r JOIN batch b ON b.id = r.batch_id
             WHERE r.status <> 'confirmed' AND r.must_confirm = 1 GROUP BY b.id ORDER BY b.handed_on DESC, b.id DESC",
            )?;
            let mut total = 0i64;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let n: i64 = r.get(2)?;
                if total + n > 4400 {
                    continue;
                }
                ids.push(r.get(0)?);
                codes.push(r.get(1)?);
                total += n;
                if total >= 3600 {
                    break;
                }
            }
        }
        let list = OutstandingQuery {
            batches: codes.clone(),
            ..OutstandingQuery::default()
        };
        let list_rows = store.outstanding(&list)?.len();
        let raw_list = |_: usize| -> Res<usize> {
            let mut n = 0;
            for &id in &ids {
                n += raw_outstanding(conn, today, Some(id))?;
            }
            Ok(n)
        };
        let (base, _) = time(3, raw_list)?;
        let (app, pdf) = time(3, |_| Ok(store.list_printout(PrintList::Outstanding, &list)?.pdf()?))?;
        report(
            &format!("outstanding PDF ({} pages)", count_pages(&pdf)),
            list_rows,
            app,
            base,
            "≤ 2 s",
        );
        let (app, _) = time(3, |_| Ok(store.outstanding_xlsx(&list)?))?;
        report("outstanding XLSX", list_rows, app, base, "—");
    }

    if wanted("search") {
        // Unit search as you type, without diacritics: slowest query's median.
        let mut worst = (Duration::ZERO, Duration::ZERO, "", 0);
        for q in [
            "huong",
            "huong khe",
            "chi bo thon",
            "dang bo xa tan",
            "cs04",
            "to dan pho 3",
            "hoa hai",
        ] {
            let (app, rows) = time(21, |_| Ok(store.search_units(q, 50)?.len()))?;
            let k = text::search_key(q);
            let (key, prefix, word) = (format!("%{k}%"), format!("{k}%"), format!("% {k}%"));
            let (base, _) = time(21, |_| {
                let mut stmt = conn.prepare_cached(
                    "SELECT u.code, v.name FROM unit u
                 JOIN unit_version v ON v.unit_id = u.id AND v.valid_from <= date('now') AND date('now') < v.valid_to
                 WHERE v.search_key LIKE ?1 AND u.opened_on <= date('now') AND date('now') < u.closed_on
                 ORDER BY CASE WHEN v.search_key LIKE ?2 THEN 0 WHEN v.search_key LIKE ?3 THEN 1 ELSE 2 END,
                          v.sort_key, u.code
                 LIMIT 50",
                )?;
                let n = stmt
                    .query_map([&key, &prefix, &word], |r| r.get::<_, String>(0))?
                    .count();
                Ok(n)
            })?;
            if app > worst.0 {
                worst = (app, base, q, rows);
            }
        }
        report(
            &format!("unit search, slowest of 7 («{}»)", worst.2),
            worst.3,
            worst.0,
            worst.1,
            "≤ 5 ms",
        );
        // The store keeps the day's search keys, read with the day's tree,
        // while no unit changes: the first key typed after a change reads
        // both again. A change is simulated by moving the counter the unit
        // triggers move.
        let q = worst.2;
        let (mut samples, mut rows) = (Vec::new(), 0);
        for _ in 0..11 {
            conn.execute("UPDATE unit_epoch SET n = n + 1", [])?;
            let t = Instant::now();
            rows = store.search_units(q, 50)?.len();
            samples.push(t.elapsed());
        }
        let app = median(samples);
        report(
            &format!("unit search, first key after a unit change («{q}»)"),
            rows,
            app,
            worst.1,
            "—",
        );
        // After opening, the first screen's tree has read the keys too.
        let fresh = Store::open(&work)?;
        fresh.outstanding_page(&OutstandingQuery::default(), 0, FIRST_VIEW + 1)?;
        let t = Instant::now();
        let rows = fresh.search_units(q, 50)?.len();
        let app = t.elapsed();
        drop(fresh);
        report(
            &format!("unit search, first key after the first view («{q}»)"),
            rows,
            app,
            worst.1,
            "—",
        );
    }

    if wanted("batch") || wanted("confirm") {
        // Recording a batch of 5,000 recipients × 5 documents: the branches of
        // the first open grassroots organisations up to 5,000 (as the tree
        // stands today), five new documents.
        let mut roots: Vec<(i64, String)> = Vec::new();
        let mut reached = 0i64;
        {
            let mut stmt = conn.prepare(
                "SELECT u.id, u.code, (SELECT count(*) FROM unit_version c JOIN unit cu ON cu.id = c.unit_id
                                       WHERE c.parent_id = u.id AND c.valid_to = '9999-12-31'
                                         AND cu.closed_on = '9999-12-31')
             FROM unit u JOIN unit_kind k ON k.id = u.kind_id
             WHERE k.name = 'Đảng bộ cơ sở' AND u.closed_on = '9999-12-31' ORDER BY u.code",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                roots.push((r.get(0)?, r.get(1)?));
                reached += r.get::<_, i64>(2)?;
                if reached >= 4950 {
                    break;
                }
            }
        }
        let mut doc_ids = Vec::new();
        for i in 0..5 {
            let symbol = format!("{}-KH/BTGDVTU", 9000 + i);
            store.add_document(
                &actor,
                NewDocument {
                    symbol: symbol.clone(),
                    title: "Tài liệu đo tốc độ ghi đợt cấp phát".into(),
                    issued_on: Some(today),
                    copies_received: 1_000_000,
                    ..NewDocument::default()
                },
            )?;
            doc_ids.push((
                conn.query_row("SELECT id FROM document WHERE symbol = ?1", [&symbol], |r| {
                    r.get::<_, i64>(0)
                })?,
                2u32,
            ));
        }
        let root_ids: Vec<i64> = roots.iter().map(|r| r.0).collect();
        let ((app, made), (base, raw_recipients)) = time_in_turns(
            7,
            |i| {
                Ok(store.create_batch(
                    &actor,
                    NewBatch {
                        code: format!("Đo tốc độ {i}"),
                        title: "Đợt đo tốc độ".into(),
                        handed_on: Some(today),
                        due_on: Some(today),
                        documents: (0..5)
                            .map(|d| DocQty {
                                symbol: format!("{}-KH/BTGDVTU", 9000 + d),
                                quantity: 2,
                                uid: None,
                            })
                            .collect(),
                        subtrees: roots.iter().map(|r| r.1.clone()).collect(),
                        ..NewBatch::default()
                    },
                )?)
            },
            |i| raw_batch(conn, &format!("Đo thô {i}"), &root_ids, &doc_ids, today),
        )?;
        report(
            &format!("record a batch, {} units × 5 documents", made.recipients),
            made.recipients as usize * 5,
            app,
            base,
            "≤ 150 ms",
        );
        if raw_recipients != made.recipients as usize {
            println!("    (raw batch reached {raw_recipients} units)");
        }
    }

    if wanted("confirm") {
        // Confirming one receipt by its code (a different one each run).
        let pending: Vec<String> = {
            let mut stmt = conn.prepare(
                "SELECT r.code FROM receipt r JOIN batch b ON b.id = r.batch_id
             WHERE r.status = 'pending' AND r.must_confirm = 1 AND b.code LIKE 'Đo %' LIMIT 80",
            )?;
            let codes = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            codes
        };
        // With the app's durability (synchronous = FULL: the commit waits for
        // the disk), then with both connections at synchronous = NORMAL, which
        // leaves out the disk's flush and shows the work of the code itself.
        for (k, (sync, name)) in [
            ("FULL", "confirm one receipt"),
            ("NORMAL", "confirm one receipt, commit without fsync"),
        ]
        .into_iter()
        .enumerate()
        {
            store.connection().pragma_update(None, "synchronous", sync)?;
            conn.pragma_update(None, "synchronous", sync)?;
            let ours = |i: usize| pending[k * 40 + i].clone();
            let theirs = |i: usize| pending[k * 40 + 20 + i].clone();
            let (app, _) = time(15, |i| {
                Ok(store.confirm(
                    &actor,
                    Confirmation {
                        receipt_code: Some(ours(i)),
                        by: "Nguyễn Văn Đo".into(),
                        ..Confirmation::default()
                    },
                )?)
            })?;
            let (base, _) = time(15, |i| {
                let tx = conn.unchecked_transaction()?;
                tx.prepare_cached(
                    "UPDATE receipt SET state = 1, signed_by = 'Nguyễn Văn Đo', signed_day = unixepoch(?1) / 86400,
                            entered = 1767225600000, method_code = 3 WHERE code = ?2",
                )?
                .execute(params![today, theirs(i)])?;
                // The batch's open count, kept in its row as the store keeps it.
                tx.prepare_cached(
                    "UPDATE batch SET receipts_open = receipts_open - 1
                     WHERE id = (SELECT batch_id FROM receipt WHERE code = ?1)",
                )?
                .execute([theirs(i)])?;
                raw_audit(&tx, "receipt.confirm", &theirs(i))?;
                tx.commit()?;
                Ok(())
            })?;
            report(name, 1, app, base, "≤ 0.5 ms");
        }
        store.connection().pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
    }

    if wanted("bytes") {
        // Bytes per receipt line: the whole file, next to the lines' own table.
        let page_size: i64 = count("PRAGMA page_size")?;
        let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let file_bytes = file_size(&province) as f64;
        let own: Option<i64> = conn
            .query_row("SELECT sum(pgsize) FROM dbstat WHERE name = 'receipt_line'", [], |r| {
                r.get(0)
            })
            .optional()
            .ok()
            .flatten();
        println!(
            "{:<44} {:>7} {:>11.1} B  {:>11} {:>8}   ≤ 120 B",
            "database bytes per receipt line",
            lines,
            file_bytes / lines as f64,
            own.map(|b| format!("{:.1} B", b as f64 / lines as f64))
                .unwrap_or_else(|| "n/a".into()),
            own.map(|b| format!("{:.2}×", file_bytes / b as f64))
                .unwrap_or_default()
        );
        if let Ok(mut stmt) =
            conn.prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 12")
        {
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            let parts: Vec<String> = rows
                .filter_map(|r| r.ok())
                .map(|(n, b)| format!("{n} {:.1}", b as f64 / lines as f64))
                .collect();
            println!("    bytes per line by table and index: {}", parts.join(", "));
        }
        let _ = page_size * pages;
    }

    drop(store);
    drop(raw);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", work.display()));
    }
    let _ = std::fs::remove_dir_all(giaonhan::backup::backup_dir(&work));
    Ok(())
}

/// Pages of a PDF, counted from its page objects.
fn count_pages(pdf: &[u8]) -> usize {
    let needle = b"/Type /Page";
    let compact = b"/Type/Page";
    pdf.windows(needle.len())
        .filter(|w| *w == needle)
        .count()
        .max(pdf.windows(compact.len()).filter(|w| *w == compact).count())
        .saturating_sub(1)
}

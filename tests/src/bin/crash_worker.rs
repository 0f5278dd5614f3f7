//! The child process of the crash test (`tests/tests/crash.rs`): acts like a
//! busy clerk on a real database file through the `giaonhan` library, at
//! random and without end, until the test kills it with SIGKILL.
//!
//!   crash_worker setup DB         a province tree and a few documents
//!   crash_worker run DB SEED RUN  random actions: new batches with many
//!                                 recipients and documents, confirmations
//!                                 (full, partial, declined), undo, renames,
//!                                 moves, merges, closures, new units, and
//!                                 the odd cancelled or edited batch
//!
//! `run` prints `ready` once the database is open, then acts. After each batch
//! it has created it appends `batch CODE RECIPIENTS COPIES` to `DB.intent`, so
//! the test can check that a batch reported as recorded survived the kill
//! whole. Refusals (invalid input, a unit closed that day, …) are normal and
//! skipped; any other error stops the worker with exit code 2.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{Days, NaiveDate};
use giaonhan::db::today;
use giaonhan::model::{Change, Confirmation, DocQty, NewBatch, NewDocument, NewUnit, Reorganisation, UnitQty};
use giaonhan::{Actor, Error, Store};
use giaonhan_tests::rng::Rng;

/// Grassroots committees under the province, and branches under each.
const COMMITTEES: usize = 8;
const BRANCHES: usize = 10;
/// Documents in the register; each has copies enough for every batch.
const DOCUMENTS: usize = 8;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["setup", db] => setup(Path::new(db)),
        ["run", db, seed, run] => match (seed.parse::<u64>(), run.parse::<u64>()) {
            (Ok(seed), Ok(run)) => work(Path::new(db), seed, run),
            _ => Err("SEED and RUN are numbers".to_owned()),
        },
        _ => Err("usage: crash_worker setup DB | crash_worker run DB SEED RUN".to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("crash_worker: {e}");
            ExitCode::from(2)
        }
    }
}

fn actor() -> Actor {
    Actor::new("Văn thư kiểm thử", "test")
}

fn symbol(d: usize) -> String {
    format!("{:02}-NQ/TU", d + 1)
}

fn setup(db: &Path) -> Result<(), String> {
    let mut store = Store::open(db).map_err(|e| e.to_string())?;
    let a = actor();
    let unit = |code: String, name: String, parent: Option<String>, kind: &str| NewUnit {
        code,
        name,
        parent,
        kind: Some(kind.to_owned()),
        ..NewUnit::default()
    };
    store
        .add_unit(
            &a,
            unit("T".into(), "Đảng bộ tỉnh Hà Tĩnh".into(), None, "Đảng bộ tỉnh"),
        )
        .map_err(|e| e.to_string())?;
    for c in 1..=COMMITTEES {
        let code = format!("H{c:02}");
        let name = format!("Đảng bộ xã Hương Khê {c}");
        store
            .add_unit(&a, unit(code.clone(), name, Some("T".into()), "Đảng bộ cơ sở"))
            .map_err(|e| e.to_string())?;
        for b in 1..=BRANCHES {
            let name = format!("Chi bộ thôn Đông Trung {c}.{b}");
            store
                .add_unit(&a, unit(format!("{code}-{b:02}"), name, Some(code.clone()), "Chi bộ"))
                .map_err(|e| e.to_string())?;
        }
    }
    for d in 0..DOCUMENTS {
        let doc = NewDocument {
            symbol: symbol(d),
            title: format!("Nghị quyết số {} về học tập và làm theo", d + 1),
            copies_received: 100_000_000,
            ..NewDocument::default()
        };
        store.add_document(&a, doc).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// What the worker knows of the tree, refreshed after each reorganisation.
struct Tree {
    /// Open units without children (they receive batches).
    leaves: Vec<String>,
    /// Open units with children.
    parents: Vec<String>,
}

fn tree(store: &Store) -> Result<Tree, Error> {
    let units = store.list_units()?;
    let (parents, leaves): (Vec<_>, Vec<_>) = units.into_iter().partition(|u| u.children > 0);
    Ok(Tree {
        leaves: leaves.into_iter().map(|u| u.code).collect(),
        parents: parents.into_iter().map(|u| u.code).collect(),
    })
}

fn days_ago(n: u64) -> NaiveDate {
    today().checked_sub_days(Days::new(n)).unwrap_or_else(today)
}

/// A receipt code picked at random among receipts of live batches, pending
/// ones or settled ones.
fn random_receipt(store: &Store, rng: &mut Rng, pending: bool) -> Result<Option<String>, Error> {
    let conn = store.connection();
    let max: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM receipt", [], |r| r.get(0))?;
    if max == 0 {
        return Ok(None);
    }
    let from = rng.range(1, max as u64) as i64;
    let sql = if pending {
        "SELECT r.code FROM receipt r JOIN batch b ON b.id = r.batch_id
         WHERE r.id >= ?1 AND r.status = 'pending' AND b.cancelled_at IS NULL ORDER BY r.id LIMIT 1"
    } else {
        "SELECT r.code FROM receipt r JOIN batch b ON b.id = r.batch_id
         WHERE r.id >= ?1 AND r.status <> 'pending' AND b.cancelled_at IS NULL ORDER BY r.id LIMIT 1"
    };
    use rusqlite::OptionalExtension;
    Ok(conn.query_row(sql, [from], |r| r.get(0)).optional()?)
}

fn work(db: &Path, seed: u64, run: u64) -> Result<(), String> {
    let mut store = Store::open(db).map_err(|e| e.to_string())?;
    let intent_path = PathBuf::from(format!("{}.intent", db.display()));
    let mut intent = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&intent_path)
        .map_err(|e| format!("{}: {e}", intent_path.display()))?;
    let mut rng = Rng::new(seed);
    let a = actor();
    let mut known = tree(&store).map_err(|e| e.to_string())?;
    println!("ready");

    for n in 0u64.. {
        let roll = rng.below(100);
        let outcome: Result<(), Error> = if roll < 20 {
            new_batch(&mut store, &a, &mut rng, &known, run, n).and_then(|(code, recipients, copies)| {
                // One write call: the line is whole in the file or absent.
                intent
                    .write_all(format!("batch {code} {recipients} {copies}\n").as_bytes())
                    .map_err(Error::Io)
            })
        } else if roll < 65 {
            confirm(&mut store, &a, &mut rng)
        } else if roll < 75 {
            match random_receipt(&store, &mut rng, false) {
                Ok(Some(code)) => {
                    let sel = Confirmation {
                        receipt_code: Some(code),
                        ..Confirmation::default()
                    };
                    store.undo_confirmation(&a, sel, "Ký nhầm đơn vị")
                }
                other => other.map(|_| ()),
            }
        } else if roll < 95 {
            let done = reorganise(&mut store, &a, &mut rng, &known, run, n);
            known = tree(&store).map_err(|e| e.to_string())?;
            done
        } else if roll < 97 {
            let code = format!("R{run}-{}", rng.below(n + 1));
            store.cancel_batch(&a, &code, "Giao nhầm đợt")
        } else {
            let code = format!("R{run}-{}", rng.below(n + 1));
            let due = Some(days_ago(rng.below(5)));
            store
                .edit_batch(&a, &code, Some("Đợt cấp phát (đã sửa)"), due, "Lùi hạn")
                .map(|_| ())
        };
        match outcome {
            Ok(()) => {}
            // Refusals a clerk meets every day; nothing was written.
            Err(Error::Invalid { .. } | Error::Conflict { .. } | Error::NotFound { .. }) => {}
            Err(e) => return Err(format!("action {n} of run {run}: {e}")),
        }
    }
    Ok(())
}

/// A batch to a few subtrees, the whole province, or units one by one, with
/// one to five documents; returns (code, recipients, copies) once recorded.
fn new_batch(
    store: &mut Store,
    a: &Actor,
    rng: &mut Rng,
    known: &Tree,
    run: u64,
    n: u64,
) -> Result<(String, u32, u32), Error> {
    let code = format!("R{run}-{n}");
    let handed = days_ago(rng.range(0, 60));
    let due = handed.checked_add_days(Days::new(rng.range(3, 30)));
    let mut batch = NewBatch {
        code: code.clone(),
        title: format!("Đợt cấp phát {code}: học tập nghị quyết"),
        handed_on: Some(handed),
        due_on: due,
        over_stock_reason: Some("Kiểm thử".into()),
        ..NewBatch::default()
    };
    let kind = rng.below(20);
    if kind == 0 {
        batch.subtrees.push("T".into());
    } else if kind < 14 {
        for _ in 0..rng.range(1, 2) {
            if let Some(p) = rng.pick(&known.parents) {
                batch.subtrees.push(p.clone());
            }
        }
    } else {
        for _ in 0..rng.range(5, 30) {
            if let Some(u) = rng.pick(&known.leaves) {
                if !batch.units.contains(u) {
                    batch.units.push(u.clone());
                }
            }
        }
    }
    let mut docs: Vec<usize> = (0..DOCUMENTS).collect();
    for _ in 0..DOCUMENTS - rng.range(1, 5) as usize {
        docs.remove(rng.below(docs.len() as u64) as usize);
    }
    for &d in &docs {
        batch.documents.push(DocQty {
            symbol: symbol(d),
            quantity: rng.range(1, 3) as u32,
            uid: None,
        });
    }
    if let (Some(u), true) = (batch.units.first(), rng.chance(30)) {
        batch.overrides.push(UnitQty {
            unit: u.clone(),
            symbol: symbol(docs[0]),
            quantity: rng.range(1, 9) as u32,
        });
    }
    if rng.chance(20) {
        if let Some(u) = rng.pick(&known.leaves) {
            if !batch.units.contains(u) {
                batch.info_units.push(u.clone());
            }
        }
    }
    let made = store.create_batch(a, batch)?;
    Ok((made.code, made.recipients, made.copies))
}

fn confirm(store: &mut Store, a: &Actor, rng: &mut Rng) -> Result<(), Error> {
    let Some(code) = random_receipt(store, rng, true)? else {
        return Ok(());
    };
    let mut c = Confirmation {
        receipt_code: Some(code.clone()),
        by: "Nguyễn Thị Hoa".into(),
        ..Confirmation::default()
    };
    match rng.below(10) {
        // Partly received: one document short.
        0 | 1 => {
            let detail = store.receipt(&code)?;
            if let Some(line) = rng.pick(&detail.lines) {
                c.quantities.push(DocQty {
                    symbol: line.symbol.clone(),
                    quantity: line.quantity.saturating_sub(1),
                    uid: None,
                });
            }
        }
        2 => c.decline = Some("Không đúng đối tượng".into()),
        3 => {
            c.on_behalf = true;
            c.by = "Lê Văn Phó".into();
        }
        _ => {}
    }
    store.confirm(a, c)
}

fn reorganise(store: &mut Store, a: &Actor, rng: &mut Rng, known: &Tree, run: u64, n: u64) -> Result<(), Error> {
    let on = days_ago(rng.range(0, 40));
    let leaf = |rng: &mut Rng| rng.pick(&known.leaves).cloned().unwrap_or_default();
    let change = match rng.below(5) {
        0 => Change::Rename {
            code: leaf(rng),
            name: format!("Chi bộ thôn Trung Hòa {run}.{n}"),
            short_name: None,
        },
        1 => Change::Move {
            code: leaf(rng),
            parent: rng.pick(&known.parents).cloned(),
        },
        2 => Change::Merge {
            from: vec![leaf(rng)],
            into: leaf(rng),
        },
        3 => Change::Close { code: leaf(rng) },
        _ => {
            // New branches keep the tree from shrinking away. They open
            // before any date a reorganisation uses: closing or merging a
            // unit on the day it opened is refused today with SQLite's raw
            // "CHECK constraint failed" instead of a clear message.
            let parent = rng.pick(&known.parents).cloned();
            let unit = NewUnit {
                code: format!("N{run}-{n}"),
                name: format!("Chi bộ thôn Ấp Thượng {run}.{n}"),
                parent,
                kind: Some("Chi bộ".into()),
                opened_on: Some(days_ago(100)),
                ..NewUnit::default()
            };
            return store.add_unit(a, unit).map(|_| ());
        }
    };
    store.reorganise(
        a,
        Reorganisation {
            change,
            on,
            reason: Some("Sắp xếp lại tổ chức".into()),
        },
    )
}

//! Unit search as the user types, on 10,000 units with Vietnamese names:
//! prints the median time per query through the store and, measured in the
//! same run on the same file, the fewest SQL statements that give the same
//! rows through plain rusqlite, with the ratio. Figures, not assertions.
//!
//! Run: `cargo bench -p giaonhan --bench search`

use std::time::{Duration, Instant};

use giaonhan::model::NewUnit;
use giaonhan::{text, Actor, Store};

const GIVEN: &[&str] = &[
    "Hương", "Khê", "Hòa", "Đông", "Trung", "Phúc", "Thành", "Sen", "An", "Bình", "Lộc", "Thạch",
];
const PLACE: &[&str] = &[
    "Hà", "Tân", "Xuân", "Mỹ", "Đức", "Quang", "Kỳ", "Cẩm", "Nghi", "Sơn", "Vĩnh", "Long",
];

fn name(i: usize) -> String {
    format!(
        "{} {} {}",
        GIVEN[i % GIVEN.len()],
        PLACE[(i / GIVEN.len()) % PLACE.len()],
        i
    )
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time(runs: usize, mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut rows = 0;
    let samples = (0..runs)
        .map(|_| {
            let t = Instant::now();
            rows = f();
            t.elapsed()
        })
        .collect();
    (median(samples), rows)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let mut store = Store::open(&dir.path().join("bench.sqlite3"))?;
    let actor = Actor::new("bench", "bench");
    let t = Instant::now();
    store.write(&actor, |_| Ok(()))?;
    // 950 grassroots committees with about ten branches each.
    let mut units = Vec::with_capacity(10_000);
    units.push(NewUnit {
        code: "T".into(),
        name: "Đảng bộ tỉnh".into(),
        ..NewUnit::default()
    });
    for c in 0..950 {
        units.push(NewUnit {
            code: format!("C{c}"),
            name: format!("Đảng bộ xã {}", name(c)),
            parent: Some("T".into()),
            ..NewUnit::default()
        });
        for b in 0..10 {
            units.push(NewUnit {
                code: format!("C{c}-{b}"),
                name: format!("Chi bộ thôn {}", name(c * 10 + b)),
                parent: Some(format!("C{c}")),
                ..NewUnit::default()
            });
        }
    }
    let table = giaonhan::tabular::Table {
        file: "bench".into(),
        header_line: 1,
        headers: ["code", "name", "parent", "kind"].map(String::from).to_vec(),
        rows: units
            .iter()
            .enumerate()
            .map(|(i, u)| giaonhan::tabular::TableRow {
                line: i + 2,
                cells: vec![
                    u.code.clone(),
                    u.name.clone(),
                    u.parent.clone().unwrap_or_default(),
                    "Chi bộ".into(),
                ],
            })
            .collect(),
    };
    let report = store.import_table(&actor, giaonhan::import::Register::Units, &table, false)?;
    println!(
        "import of {} units: {:.0} ms ({} errors)",
        units.len(),
        t.elapsed().as_secs_f64() * 1e3,
        report.error_count()
    );

    println!(
        "{:<14} {:>6} {:>12} {:>12} {:>7}",
        "query", "rows", "store", "raw SQL", "ratio"
    );
    for q in ["huong", "huong khe", "thon hoa", "dang bo xa duc", "c94", "hoa hai"] {
        let (app, rows) = time(50, || store.search_units(q, 50).map(|r| r.len()).unwrap_or(0));
        let key = format!("%{}%", text::search_key(q));
        let (raw, raw_rows) = time(50, || {
            let conn = store.connection();
            let mut stmt = match conn.prepare_cached(
                "SELECT u.code, v.name FROM unit u
                 JOIN unit_version v ON v.unit_id = u.id AND v.valid_from <= date('now') AND date('now') < v.valid_to
                 WHERE v.search_key LIKE ?1 ORDER BY v.sort_key LIMIT 50",
            ) {
                Ok(s) => s,
                Err(_) => return 0,
            };
            stmt.query_map([&key], |r| r.get::<_, String>(0))
                .map(|it| it.count())
                .unwrap_or(0)
        });
        println!(
            "{:<14} {:>6} {:>9.2} ms {:>9.2} ms {:>6.2}×   (raw rows {raw_rows})",
            q,
            rows,
            app.as_secs_f64() * 1e3,
            raw.as_secs_f64() * 1e3,
            app.as_secs_f64() / raw.as_secs_f64().max(1e-9)
        );
    }
    Ok(())
}

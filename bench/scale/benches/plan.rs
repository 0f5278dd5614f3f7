//! The country's 2025 reorganisation as one plan: ≈ 10,400 rows (63
//! provinces, 700 districts, ≈ 9,700 communes → 34 provinces, 3,300
//! communes, every district closed), checked (a dry run, which runs the
//! whole plan and rolls it back) and applied in one transaction on a
//! register of the old tree, then `verify`. Figures, not assertions; see
//! BENCHMARKS.md.
//!
//! Run: `cargo bench -p giaonhan-scale --bench plan`. The register is made
//! in a temporary folder each run (seed 1).

use std::time::Instant;

use giaonhan::{Actor, Store};
use giaonhan_scale::plan::{country, plan_day, CountrySize};

type Res<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Res<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("country.sqlite3");
    let mut store = Store::open(&path)?;
    let actor = Actor::new("bench", "bench");
    let size = CountrySize::country();
    let c = country(&size, 1);
    let t = Instant::now();
    c.load(&mut store, &actor)?;
    println!(
        "old tree: {} units imported in {:.2} s",
        c.units.len(),
        t.elapsed().as_secs_f64()
    );
    let table = c.plan_table("sap-xep-2025.csv");
    let reason = Some("Sắp xếp đơn vị hành chính 2025".to_owned());

    let t = Instant::now();
    let report = store.reorganise_plan_table(&actor, &table, plan_day(), reason.clone(), true)?;
    let dry = t.elapsed();
    if !report.is_ok() {
        let first: Vec<String> = report.issues.iter().take(5).map(ToString::to_string).collect();
        return Err(format!("the plan has errors: {}", first.join("; ")).into());
    }
    let t = Instant::now();
    let report = store.reorganise_plan_table(&actor, &table, plan_day(), reason, false)?;
    let apply = t.elapsed();
    let t = Instant::now();
    let verified = store.verify_log(None)?;
    let verify = t.elapsed();
    let c = &report.counts;
    println!(
        "plan: {} rows; created {}, merged {}, split {}, renamed {}, moved {}, closed {}, followed {}",
        table.rows.len(),
        c.created,
        c.merged,
        c.split,
        c.renamed,
        c.moved,
        c.closed,
        c.children_moved
    );
    println!(
        "{:<48} {:>9.2} s",
        "check + dry run (whole plan, rolled back)",
        dry.as_secs_f64()
    );
    println!(
        "{:<48} {:>9.2} s",
        "check + apply (one transaction)",
        apply.as_secs_f64()
    );
    println!(
        "{:<48} {:>9.2} s   ({} log rows, {})",
        "verify afterwards",
        verify.as_secs_f64(),
        verified.rows,
        if verified.problem.is_none() { "clean" } else { "PROBLEM" }
    );
    Ok(())
}

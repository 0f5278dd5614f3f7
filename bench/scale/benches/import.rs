//! The registers' imports at 10,000 rows: the country's tree before 2025
//! (63 provinces, 700 districts, 9,660 communes, each with a secretary and a
//! phone: 10,423 units) as a CSV file, and 10,000 documents, each checked
//! first (the preview: a dry run) and then imported, into a new register in a
//! temporary folder, from the file as `giaonhan unit import` reads it.
//! Figures, not assertions; see BENCHMARKS.md.
//!
//! Run: `cargo bench -p giaonhan-scale --bench import` (release).

use std::fmt::Write as _;
use std::time::Instant;

use giaonhan::import::Register;
use giaonhan::{Actor, Store};
use giaonhan_scale::plan::{country, CountrySize};

type Res<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// A CSV field, quoted when it must be.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn main() -> Res<()> {
    let dir = tempfile::tempdir()?;
    let actor = Actor::new("bench", "bench");

    let c = country(&CountrySize::country(), 1);
    let mut units = String::from("Mã,Tên,Mã cấp trên,Loại,Điện thoại,Bí thư\n");
    for (i, [code, name, parent, kind]) in c.units.iter().enumerate() {
        let row = [
            code.clone(),
            name.clone(),
            parent.clone(),
            kind.clone(),
            format!("0239 {:03} {:04}", i % 1000, (i * 37) % 10_000),
            format!("Nguyễn Văn Bình {i}"),
        ];
        let _ = writeln!(units, "{}", row.map(|f| field(&f)).join(","));
    }
    let units_csv = dir.path().join("don-vi.csv");
    std::fs::write(&units_csv, &units)?;

    let mut docs = String::from("Số ký hiệu,Trích yếu,Ngày,Số bản,Độ mật\n");
    for i in 0..10_000 {
        let _ = writeln!(
            docs,
            "{}-KH/TU,\"Kế hoạch tổ chức học tập, quán triệt và triển khai thực hiện nghị quyết số {i}\",{:02}/{:02}/20{:02},{},{}",
            i + 1,
            1 + i % 28,
            1 + i % 12,
            15 + i % 11,
            10 + i % 90,
            if i % 29 == 0 { "Mật" } else { "" }
        );
    }
    let docs_csv = dir.path().join("van-ban.csv");
    std::fs::write(&docs_csv, &docs)?;

    println!("{:<40} {:>7} {:>9}", "figure", "rows", "time");
    for (register, file, what) in [
        (Register::Units, &units_csv, "units"),
        (Register::Documents, &docs_csv, "documents"),
    ] {
        let path = dir.path().join(format!("{what}.sqlite3"));
        let mut store = Store::open(&path)?;
        for dry_run in [true, false] {
            let t = Instant::now();
            let report = store.import_file(&actor, register, file, dry_run)?;
            let secs = t.elapsed().as_secs_f64();
            if !report.is_ok() {
                let first: Vec<String> = report.issues.iter().take(3).map(ToString::to_string).collect();
                return Err(format!("{what}: the file has errors: {}", first.join("; ")).into());
            }
            let label = if dry_run { "check first (dry run)" } else { "import" };
            println!(
                "{:<40} {:>7} {:>7.2} s",
                format!("{what}: {label}"),
                report.rows.len(),
                secs
            );
        }
    }
    Ok(())
}

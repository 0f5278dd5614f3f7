//! Long printouts timed at about 1,000, 4,000 and 21,000 rows: the
//! outstanding list, the call list and the transfer register as PDF, the
//! reminder slips and the slips of a 5,000-unit batch, each in a child
//! process of its own so that its peak memory (VmHWM) is its own. The rows are
//! made up here in the shape of the province register's (about 22 rows per
//! grassroots committee, Vietnamese names, a tenth partial or declined), so
//! the figures measure the printer, not the database. Figures, not
//! assertions; see BENCHMARKS.md.
//!
//! Run: `cargo bench -p giaonhan-scale --bench print` (release).
//! `GIAONHAN_BENCH_PRINT=outstanding:21343` prints one list of one size.

use std::process::Command;
use std::time::Instant;

use chrono::NaiveDate;
use giaonhan::model::{OutstandingRow, ReceiptStatus};
use giaonhan::print::{self, Letterhead, RegisterLine, Reminder, Slip, SlipBatch, SlipLine};

type Res<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const CHILD: &str = "GIAONHAN_BENCH_PRINT";

const PLACES: [&str; 12] = [
    "Hương Khê",
    "Hương Phố",
    "Thạch Hà",
    "Đức Thọ",
    "Cẩm Xuyên",
    "Nghi Xuân",
    "Kỳ Anh",
    "Can Lộc",
    "Lộc Hà",
    "Vũ Quang",
    "Hồng Lĩnh",
    "Thành Sen",
];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// `n` open receipts in the province's shape: committees of ≈ 22 rows,
/// branches with one to three open receipts each.
fn outstanding_rows(n: usize) -> Vec<OutstandingRow> {
    (0..n)
        .map(|i| {
            let group = i / 22;
            let unit = i / 2;
            let place = PLACES[group % PLACES.len()];
            OutstandingRow {
                batch: format!("ĐỢT {}/2026", 100 + i % 7),
                batch_title: "Học tập, quán triệt Nghị quyết Hội nghị Trung ương".into(),
                unit_code: format!("CB{unit:05}"),
                unit_name: format!(
                    "Chi bộ thôn {} {place} số {unit}",
                    ["Đông", "Tây", "Nam", "Bắc"][unit % 4]
                ),
                group_code: format!("DB{group:04}"),
                group_name: format!("Đảng bộ xã {place} {group}"),
                secretary: Some(format!("Nguyễn Văn Hùng {unit}")),
                phone: Some(format!("0912 {:03} {:03}", unit % 1000, (unit * 7) % 1000)),
                handed: date(2026, 10, 1),
                due: date(2026, 10, 20),
                days_overdue: (i % 40) as u32,
                tier: (i % 3) as u8,
                copies: 1 + (i % 5) as u32,
                receipt_code: "7K3M9QXR".into(),
                status: match i % 10 {
                    0 => ReceiptStatus::Partial,
                    1 => ReceiptStatus::Declined,
                    _ => ReceiptStatus::Pending,
                },
                in_place_of: None,
                in_place_of_name: None,
                kind: Default::default(),
                copies_missing: Vec::new(),
            }
        })
        .collect()
}

fn register_lines(n: usize) -> Vec<RegisterLine> {
    (0..n)
        .map(|i| RegisterLine {
            batch: format!("ĐỢT {}/2026", i / 500),
            batch_title: "Học tập, quán triệt Nghị quyết Hội nghị Trung ương".into(),
            handed: date(2026, 10, 1),
            symbol: format!("{}-KH/TU", 10 + i % 90),
            issued: Some(date(2026, 9, 15)),
            title: "Kế hoạch tổ chức học tập, quán triệt và triển khai thực hiện nghị quyết".into(),
            classification: String::new(),
            unit_code: format!("CB{i:05}"),
            unit_name: format!("Chi bộ thôn {} số {i}", PLACES[i % PLACES.len()]),
            copies: 1 + (i % 3) as u32,
            signed_by: (i % 4 != 0).then(|| format!("Trần Thị Lan {i}")),
            signed_on: (i % 4 != 0).then(|| date(2026, 10, 5)),
            note: String::new(),
        })
        .collect()
}

fn reminders(n: usize) -> Vec<Reminder> {
    let rows = outstanding_rows(n);
    rows.chunk_by(|a, b| a.unit_code == b.unit_code)
        .map(|unit| Reminder {
            unit_code: unit[0].unit_code.clone(),
            unit_name: unit[0].unit_name.clone(),
            secretary: unit[0].secretary.clone(),
            tier: 1,
            receipts: unit
                .iter()
                .map(|r| (r.clone(), vec!["05-KH/TU: 2 bản".to_owned()]))
                .collect(),
        })
        .collect()
}

fn slips(n: usize) -> Vec<Slip> {
    (0..n)
        .map(|i| Slip {
            unit_code: format!("CB{i:05}"),
            unit_name: format!("Chi bộ thôn {} số {i}", PLACES[i % PLACES.len()]),
            parent_name: Some(format!("Đảng bộ xã {}", PLACES[(i / 10) % PLACES.len()])),
            receipt_code: "7K3M9QXR".into(),
            lines: (0..3)
                .map(|d| SlipLine {
                    symbol: format!("{}-KH/TU", 10 + d),
                    title: "Kế hoạch tổ chức học tập, quán triệt nghị quyết".into(),
                    copies: 2,
                    copy_numbers: String::new(),
                })
                .collect(),
        })
        .collect()
}

/// Peak resident memory of this process so far, in MB (VmHWM).
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Prints one printout of one size; the parent reads the last line.
fn child(spec: &str) -> Res<()> {
    let (kind, rows) = spec.split_once(':').ok_or("KIND:ROWS")?;
    let rows: usize = rows.parse()?;
    let lh = Letterhead::sample();
    let day = date(2026, 11, 30);
    let subtitle = vec!["Tính đến ngày 30/11/2026".to_owned()];
    let started = Instant::now();
    let pdf = match kind {
        "outstanding" => print::outstanding_list(&lh, day, subtitle, &outstanding_rows(rows))?.pdf()?,
        "calls" => print::call_list(&lh, day, subtitle, &outstanding_rows(rows))?.pdf()?,
        "register" => print::register_book(&lh, date(2026, 1, 1), day, &register_lines(rows))?.pdf()?,
        "reminders" => print::reminders(&lh, day, &reminders(rows))?.pdf()?,
        "slips" => {
            let batch = SlipBatch {
                code: "ĐỢT 101/2026".into(),
                title: "Học tập, quán triệt Nghị quyết".into(),
                handed_on: date(2026, 10, 1),
                due_on: date(2026, 10, 20),
            };
            print::slips_pdf(&lh, &batch, &slips(rows), 2)?
        }
        other => return Err(format!("unknown printout {other}").into()),
    };
    let secs = started.elapsed().as_secs_f64();
    println!("{secs:.3} {} {:.0} {}", count_pages(&pdf), peak_mb(), pdf.len());
    Ok(())
}

/// Pages of a PDF, counted from its page objects.
fn count_pages(pdf: &[u8]) -> usize {
    let needle = b"/Type /Page\n";
    let compact = b"/Type/Page/";
    pdf.windows(needle.len())
        .filter(|w| *w == needle)
        .count()
        .max(pdf.windows(compact.len()).filter(|w| *w == compact).count())
}

fn main() -> Res<()> {
    if let Ok(spec) = std::env::var(CHILD) {
        return child(&spec);
    }
    let me = std::env::current_exe()?;
    println!(
        "{:<12} {:>7} {:>7} {:>9} {:>9} {:>10}",
        "printout", "rows", "pages", "time", "peak", "µs/row"
    );
    let only = std::env::var("GIAONHAN_BENCH_ONLY").unwrap_or_default();
    for kind in ["outstanding", "calls", "register", "reminders", "slips"] {
        if !only.is_empty() && !only.split(',').any(|k| k == kind) {
            continue;
        }
        let sizes: &[usize] = if kind == "slips" {
            &[1000, 5000]
        } else {
            &[1000, 4000, 21343]
        };
        for &rows in sizes {
            let out = Command::new(&me).env(CHILD, format!("{kind}:{rows}")).output()?;
            let text = String::from_utf8_lossy(&out.stdout);
            if !out.status.success() {
                println!(
                    "{kind:<12} {rows:>7}  failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
                continue;
            }
            let fields: Vec<&str> = text.lines().last().unwrap_or("").split(' ').collect();
            if let [secs, pages, peak, _bytes] = fields[..] {
                let secs: f64 = secs.parse()?;
                println!(
                    "{kind:<12} {rows:>7} {pages:>7} {:>7.2} s {peak:>6} MB {:>10.0}",
                    secs,
                    secs * 1e6 / rows as f64
                );
            }
        }
    }
    Ok(())
}

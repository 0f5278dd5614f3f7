//! The printed outstanding list at the size a province sends upward: 4,000
//! rows over 40 grassroots committees, laid out to PDF (and to the SVG pages of
//! the preview) by the bundled engine. Prints the median of a few runs, the
//! page count and the file size; figures, not assertions (goal: ≤ 2 s).
//!
//! Run: `cargo bench -p giaonhan --bench lists`

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use giaonhan::model::{OutstandingRow, ReceiptStatus};
use giaonhan::print::{outstanding_list, Letterhead};

const ROWS: usize = 4_000;
const GROUPS: usize = 40;

fn rows() -> Vec<OutstandingRow> {
    let day = |d| NaiveDate::from_ymd_opt(2026, 10, d).unwrap_or_default();
    (0..ROWS)
        .map(|i| {
            let g = i * GROUPS / ROWS;
            OutstandingRow {
                batch: format!("Đợt {}/2026", 1 + i % 3),
                batch_title: "Học tập Nghị quyết Trung ương 13".into(),
                unit_code: format!("CB{i:05}"),
                unit_name: format!("Chi bộ thôn Hương Đông {i}"),
                group_code: format!("X{g:03}"),
                group_name: format!("Đảng bộ xã Thạch Hà {g}"),
                secretary: Some("Nguyễn Thị Hằng".into()),
                phone: Some("0912 345 678".into()),
                handed: day(1),
                due: day(8),
                days_overdue: 20,
                tier: 3,
                copies: 3,
                receipt_code: "7K3M9QXA".into(),
                status: ReceiptStatus::Pending,
                in_place_of: None,
                in_place_of_name: None,
                kind: giaonhan::model::RowKind::Receipt,
                copies_missing: Vec::new(),
            }
        })
        .collect()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() -> Result<(), giaonhan::Error> {
    let rows = rows();
    let letterhead = Letterhead::sample();
    let as_of = NaiveDate::from_ymd_opt(2026, 10, 28).unwrap_or_default();
    let subtitle = vec!["(Tất cả các đợt)".to_owned(), "Tính đến ngày 28/10/2026".to_owned()];
    let mut pdf_times = Vec::new();
    let mut svg_times = Vec::new();
    let mut size = 0;
    let mut pages = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let pdf = outstanding_list(&letterhead, as_of, subtitle.clone(), &rows)?.pdf()?;
        pdf_times.push(t.elapsed());
        size = pdf.len();
        let t = Instant::now();
        pages = outstanding_list(&letterhead, as_of, subtitle.clone(), &rows)?
            .pages()?
            .len();
        svg_times.push(t.elapsed());
    }
    println!(
        "outstanding list PDF, {ROWS} rows: {:.2} s median of 3 ({pages} pages, {} KB)",
        median(pdf_times).as_secs_f64(),
        size / 1024
    );
    println!(
        "outstanding list preview (SVG pages), {ROWS} rows: {:.2} s median of 3",
        median(svg_times).as_secs_f64()
    );
    Ok(())
}

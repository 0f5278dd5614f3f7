//! The printed report of a study campaign ("Báo cáo kết quả học tập, quán
//! triệt …"), PDF in the party layout and XLSX, from the summary rows
//! (`crate::study::summary`): a table per grassroots committee with its
//! subtotal, the total line, the units that have not reported with the days
//! past the period's end, and the signature block. Figures in Vietnamese
//! format ("35.599/35.900 đảng viên (99,16%)").

use serde::Serialize;

use super::{compile, place_date, Letterhead};
use crate::model::{Campaign, StudyLevel, StudyRow};
use crate::study::{coverage_vi, rate_hundredths, rate_vi};
use crate::tabular::{xlsx_bytes, Cell};
use crate::text::thousands;
use crate::Result;

const TEMPLATE: &str = include_str!("study.typ");

#[derive(Serialize)]
struct Signature {
    role: String,
    note: &'static str,
}

#[derive(Serialize)]
struct Group {
    heading: String,
    rows: Vec<[String; 6]>,
    subtotal: [String; 6],
}

#[derive(Serialize)]
struct Data<'a> {
    letterhead: &'a Letterhead,
    date_line: String,
    title: String,
    subtitle: Vec<String>,
    headers: [&'static str; 6],
    groups: Vec<Group>,
    total: [String; 6],
    sentence: String,
    missing_heading: &'static str,
    missing: Vec<String>,
    signatures: Vec<Signature>,
}

fn num(n: u32) -> String {
    thousands(i64::from(n))
}

/// "35.599/35.900" and "99,16%" of a row.
fn cells(r: &StudyRow) -> (String, String) {
    (
        format!("{}/{}", num(r.took_part), num(r.members)),
        format!(
            "{}%",
            rate_vi(rate_hundredths(u64::from(r.took_part), u64::from(r.members)))
        ),
    )
}

/// One line of a table: number, name, sessions, took part / members, rate, masses.
fn line(first: String, name: String, r: &StudyRow) -> [String; 6] {
    let (part, rate) = cells(r);
    [first, name, num(r.sessions), part, rate, num(r.masses)]
}

/// The report as a PDF; `day` is the date of the report.
pub fn study_pdf(letterhead: &Letterhead, c: &Campaign, rows: &[StudyRow], day: chrono::NaiveDate) -> Result<Vec<u8>> {
    letterhead.check()?;
    let mut groups: Vec<Group> = Vec::new();
    let mut missing = Vec::new();
    let mut total = [
        "".to_owned(),
        "".to_owned(),
        "".to_owned(),
        "".to_owned(),
        "".to_owned(),
        "".to_owned(),
    ];
    let mut sentence = String::new();
    for r in rows {
        match r.level {
            StudyLevel::Committee => groups.push(Group {
                heading: format!(
                    "{} ({}/{} đơn vị đã báo cáo)",
                    r.unit_name,
                    num(r.units_reported.unwrap_or(0)),
                    num(r.units.unwrap_or(0))
                ),
                rows: Vec::new(),
                subtotal: line(String::new(), "Cộng".to_owned(), r),
            }),
            StudyLevel::Unit => {
                let Some(g) = groups.last_mut() else { continue };
                let n = (g.rows.len() + 1).to_string();
                if r.reported {
                    g.rows.push(line(n, r.unit_name.clone(), r));
                } else {
                    let late = match r.days_overdue {
                        Some(d) if d > 0 => format!("quá hạn {} ngày", num(d)),
                        _ => "chưa đến hạn".to_owned(),
                    };
                    g.rows.push([
                        n,
                        r.unit_name.clone(),
                        String::new(),
                        "Chưa báo cáo".to_owned(),
                        String::new(),
                        String::new(),
                    ]);
                    missing.push(format!("{} ({}), {late}", r.unit_name, r.unit_code));
                }
            }
            StudyLevel::Total => {
                total = line(String::new(), "TỔNG CỘNG".to_owned(), r);
                sentence = format!(
                    "Tổng cộng {} đơn vị, {} đã báo cáo: {} buổi (lớp), {} tham gia, {} lượt quần chúng.",
                    num(r.units.unwrap_or(0)),
                    num(r.units_reported.unwrap_or(0)),
                    num(r.sessions),
                    coverage_vi(r.took_part, r.members),
                    num(r.masses)
                );
            }
        }
    }
    let mut subtitle = vec![c.title.clone()];
    if !c.documents.is_empty() {
        subtitle.push(format!("Văn bản: {}", c.documents.join(", ")));
    }
    subtitle.push(format!(
        "Thời gian: từ {} đến {}",
        crate::dates::vi(c.from),
        crate::dates::vi(c.to)
    ));
    let data = Data {
        letterhead,
        date_line: place_date(&letterhead.place, day),
        title: "Báo cáo kết quả học tập, quán triệt".to_owned(),
        subtitle,
        headers: ["STT", "Đơn vị", "Số buổi", "Đảng viên tham gia", "Tỷ lệ", "Quần chúng"],
        groups,
        total,
        sentence,
        missing_heading: "Các đơn vị chưa báo cáo:",
        missing,
        signatures: vec![
            Signature {
                role: "Người lập biểu".into(),
                note: "(Ký, ghi rõ họ tên)",
            },
            Signature {
                role: letterhead.signer_title.clone(),
                note: "(Ký tên, đóng dấu)",
            },
        ],
    };
    compile(TEMPLATE, &[("data.json", serde_json::to_vec(&data)?)]).map(|(pdf, _)| pdf)
}

const HEADERS: [&str; 12] = [
    "Cấp",
    "Mã đơn vị",
    "Tên đơn vị",
    "Đã báo cáo",
    "Tổng số đảng viên",
    "Đảng viên tham gia",
    "Tỷ lệ (%)",
    "Số buổi",
    "Lượt quần chúng",
    "Số đơn vị",
    "Số đơn vị đã báo cáo",
    "Số ngày quá hạn",
];

/// The summary as a spreadsheet: one row per summary row, numbers as numbers
/// (the rate as text with its decimal comma, as printed).
pub fn study_xlsx(rows: &[StudyRow]) -> Result<Vec<u8>> {
    let int = |n: Option<u32>| n.map_or(Cell::Empty, |n| Cell::Int(i64::from(n)));
    let lines: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            let level = match r.level {
                StudyLevel::Unit => "Đơn vị",
                StudyLevel::Committee => "Đảng bộ cơ sở",
                StudyLevel::Total => "Tổng cộng",
            };
            vec![
                Cell::from(level),
                Cell::from(r.unit_code.as_str()),
                Cell::from(r.unit_name.as_str()),
                Cell::from(if r.reported { "Có" } else { "Chưa" }),
                int(Some(r.members)),
                int(Some(r.took_part)),
                Cell::Text(rate_vi(rate_hundredths(u64::from(r.took_part), u64::from(r.members)))),
                int(Some(r.sessions)),
                int(Some(r.masses)),
                int(r.units),
                int(r.units_reported),
                int(r.days_overdue),
            ]
        })
        .collect();
    xlsx_bytes("Kết quả học tập", &HEADERS, &lines)
}

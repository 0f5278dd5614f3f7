//! The printed report of a study campaign ("Báo cáo kết quả học tập, quán
//! triệt …"), PDF in the party layout and XLSX, from the summary rows
//! (`crate::study::summary`): a table per grassroots committee with its
//! subtotal, the total line, the units that have not reported with the days
//! past the period's end, and the signature block. Figures in Vietnamese
//! format ("35.599/35.900 đảng viên (99,16%)").

use serde::Serialize;

use super::printout::{Printout, PAGES_ITEMS};
use super::{compile, place_date, short_date, Letterhead};
use crate::model::{Campaign, StudyLevel, StudyRow};
use crate::study::{coverage_vi, rate_hundredths, rate_vi};
use crate::tabular::{xlsx_bytes, Cell};
use crate::text::thousands;
use crate::Result;

const TEMPLATE: &str = include_str!("study.typ");
const REMINDERS: &str = include_str!("study_reminders.typ");

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
                    let name = match &r.office {
                        Some(office) => format!("{} (báo cáo qua {office})", r.unit_name),
                        None => r.unit_name.clone(),
                    };
                    g.rows.push(line(n, name, r));
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

const HEADERS: [&str; 13] = [
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
    "Văn phòng báo cáo",
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
                r.office.as_deref().map_or(Cell::Empty, Cell::from),
            ]
        })
        .collect();
    xlsx_bytes("Kết quả học tập", &HEADERS, &lines)
}

/// A unit that has not reported, for its reminder slip.
#[derive(Debug, Clone, Serialize)]
pub struct StudyReminder {
    pub unit_code: String,
    pub unit_name: String,
    pub secretary: Option<String>,
    /// Days past the period's end (0: not yet due).
    pub days_overdue: u32,
    /// Escalation tier of those days (the outstanding list's tiers).
    pub tier: u8,
}

#[derive(Serialize)]
struct ReminderUnit<'a> {
    unit_code: &'a str,
    unit_name: &'a str,
    secretary: Option<&'a str>,
    tier_line: Option<String>,
    intro: String,
}

#[derive(Serialize)]
struct RemindersData<'a> {
    letterhead: &'a Letterhead,
    date_line: String,
    title: &'static str,
    campaign: String,
    asked: &'static str,
    items: [&'static str; 7],
    how_to: &'static str,
    signer_title: &'a str,
}

/// Reminder slips for the units of a campaign that have not reported: a
/// page per unit, with the campaign, the days past its end and the figures
/// to report, as a form the secretary fills in and sends back. Laid out some
/// units at a time, as the receipt reminders are (`Printout`).
pub fn study_reminders(
    letterhead: &Letterhead,
    c: &Campaign,
    units: &[StudyReminder],
    as_of: chrono::NaiveDate,
) -> Result<Printout> {
    letterhead.check()?;
    if units.is_empty() {
        return Err(crate::Error::invalid(
            "campaign",
            format!(
                "Mọi đơn vị của đợt học tập {} đã báo cáo: không có giấy nhắc nào để in",
                c.code
            ),
        ));
    }
    let units = units
        .iter()
        .map(|u| {
            let late = if u.days_overdue > 0 {
                format!(
                    "đợt học tập đã kết thúc ngày {}, quá hạn {} ngày",
                    short_date(c.to),
                    num(u.days_overdue)
                )
            } else {
                format!("hạn báo cáo là ngày {}", short_date(c.to))
            };
            serde_json::to_value(ReminderUnit {
                unit_code: &u.unit_code,
                unit_name: &u.unit_name,
                secretary: u.secretary.as_deref(),
                tier_line: (u.tier > 1).then(|| format!("(Nhắc lần {})", u.tier)),
                intro: format!(
                    "Đến ngày {}, {} chưa gửi báo cáo kết quả học tập, quán triệt ({late}).",
                    short_date(as_of),
                    u.unit_name
                ),
            })
        })
        .collect::<serde_json::Result<_>>()?;
    let mut campaign = format!(
        "Đợt học tập, quán triệt: {} (mã {}), từ ngày {} đến ngày {}",
        c.title,
        c.code,
        short_date(c.from),
        short_date(c.to)
    );
    if !c.documents.is_empty() {
        campaign.push_str(&format!("; văn bản: {}", c.documents.join(", ")));
    }
    let data = RemindersData {
        letterhead,
        date_line: place_date(&letterhead.place, as_of),
        title: "GIẤY NHẮC BÁO CÁO KẾT QUẢ HỌC TẬP, QUÁN TRIỆT",
        campaign,
        asked: "Đề nghị đồng chí ghi các số liệu dưới đây và gửi lại văn phòng:",
        items: [
            "Số buổi (lớp) đã tổ chức; ngày học buổi đầu tiên",
            "Tổng số đảng viên của đơn vị",
            "Số đảng viên dự học",
            "Số đảng viên học bù",
            "Số đảng viên vắng có lý do; lý do",
            "Số lượt quần chúng tham dự",
            "Chương trình hành động đã ban hành (số, ký hiệu)",
        ],
        how_to: "Nơi có phần mềm Sổ Giao Nhận có thể nhập số liệu ngay trên máy; văn phòng cấp trên nhận được qua gói trao đổi.",
        signer_title: &letterhead.signer_title,
    };
    Ok(Printout::in_pieces(REMINDERS, "units", &data, units)?.in_chunks_of(PAGES_ITEMS))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::super::testing::{page_count, pdf_text};
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    /// Reminder slips laid out a few units at a time are the pages of one
    /// layout: a page per unit, in order, each addressed to its unit.
    #[test]
    fn reminder_slips_laid_out_in_chunks_are_those_of_one_layout() {
        let lh = Letterhead::sample();
        let campaign = Campaign {
            code: "HT-NQ5".into(),
            title: "Học tập, quán triệt Nghị quyết Trung ương 5".into(),
            documents: vec!["05-NQ/TW".into()],
            batch: None,
            from: date(2026, 9, 1),
            to: date(2026, 9, 30),
            units: 30,
            units_reported: 7,
        };
        let units: Vec<StudyReminder> = (1..=23)
            .map(|i| StudyReminder {
                unit_code: format!("CB{i:03}"),
                unit_name: format!("Chi bộ thôn Phú Ưng {i}"),
                secretary: (i % 3 != 0).then(|| "Nguyễn Thị Hằng".to_owned()),
                days_overdue: 40,
                tier: 3,
            })
            .collect();
        let slips = |chunk| {
            study_reminders(&lh, &campaign, &units, date(2026, 11, 9))
                .expect("slips")
                .in_chunks_of(chunk)
                .pdf()
                .expect("pdf")
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let (whole, chunked) = (dir.path().join("whole.pdf"), dir.path().join("chunked.pdf"));
        std::fs::write(&whole, slips(usize::MAX)).expect("write");
        std::fs::write(&chunked, slips(4)).expect("write");
        assert_eq!(page_count(&chunked), units.len());
        assert_eq!(page_count(&whole), units.len());
        let (a, b) = (pdf_text(&whole), pdf_text(&chunked));
        let pages: Vec<&str> = b.split('\u{c}').take(units.len()).collect();
        for (i, (page, one)) in pages.iter().zip(a.split('\u{c}')).enumerate() {
            assert_eq!(*page, one, "page {} as in one layout", i + 1);
            assert!(
                page.contains(&format!("Chi bộ thôn Phú Ưng {}", i + 1)),
                "page {}",
                i + 1
            );
            assert!(page.contains("(Nhắc lần 3)"), "page {}", i + 1);
        }
    }
}

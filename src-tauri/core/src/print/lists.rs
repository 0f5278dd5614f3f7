//! Printed lists in the party layout: the outstanding list (grouped by
//! grassroots committee with subtotals), the call list and the registers of
//! documents handed out, kept and transferred. Each builder formats every
//! text here (dates dd/mm/yyyy, thousands with a dot) and hands the template
//! plain data: a table's items, rows of known height marked (`fit_rows`),
//! cut in sections; a [`Printout`] then becomes a PDF, or SVG pages for the
//! preview.

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use super::fit::{Fit, Style};
use super::printout::Printout;
use super::{place_date, short_date, Letterhead};
use crate::model::{OutstandingRow, ReceiptStatus};
use crate::text::{roman, thousands};
use crate::Result;

const LISTS: &str = include_str!("lists.typ");

/// A list's group heading begins a new page once this many items have been
/// laid out since the last such page (about 15 pages; lists shorter than
/// this are never broken early). Each such part of the table is a page run
/// of its own, which typst lays out beside the others on every core: a
/// compilation holds two (see `lay_out`). Cut anywhere else, a layout would
/// depend on where the one before it ended, and could not start before it.
const SECTION_ITEMS: usize = 250;

/// A list's printout: its table's items (rows of known height marked, see
/// `fit_rows`), cut in sections.
fn table(data: &ListData, mut items: Vec<Item>) -> Result<Printout> {
    fit_rows(data, &mut items);
    let items = items
        .par_iter()
        .map(serde_json::to_value)
        .collect::<serde_json::Result<_>>()?;
    Ok(Printout::in_pieces(LISTS, "items", data, items)?
        .with_data("cell", serde_json::to_value(CELL)?)
        .in_sections_of(SECTION_ITEMS))
}

/// One item of a list's table: a group's heading, a row, a group's
/// subtotal, or the total at the end.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Item {
    Heading {
        text: String,
    },
    Row {
        cells: Vec<Option<Cell>>,
        /// The lines of the row's tallest plain cell, and of the main text
        /// of its tallest cell with a note line under it (0: none), when
        /// they are sure; otherwise typst measures the row (`fit_rows`).
        #[serde(skip_serializing_if = "Option::is_none")]
        lines: Option<[usize; 2]>,
    },
    Subtotal {
        text: String,
    },
    Total {
        text: String,
    },
}

/// How a list's table sets its cells, in points: the template lays them out
/// with it (`d.cell`) and `fit_rows` measures their text with it.
#[derive(Serialize)]
struct CellStyle {
    size: f64,
    /// The italic note line under a cell's main text.
    note_size: f64,
    inset_x: f64,
    inset_y: f64,
    /// The most lines of a cell whose height the template is given (see
    /// `fit_rows`); a row with a taller cell is measured.
    most_lines: usize,
}

const CELL: CellStyle = CellStyle {
    size: 11.0,
    note_size: 10.0,
    inset_x: 3.0,
    inset_y: 4.0,
    most_lines: 4,
};

/// Marks the rows whose height is known without measuring them (see
/// `print/fit.rs`): the template gives those rows the height their tallest
/// cell takes, from the number of lines of the table's text in it (and
/// whether a note line follows them).
fn fit_rows(data: &ListData, items: &mut [Item]) {
    let [_, right, _, left] = data.letterhead.margins_mm;
    let page_mm = if data.landscape { 297.0 } else { 210.0 };
    let widths: Vec<f64> = data.columns.iter().map(|c| f64::from(c.width)).collect();
    let line_mm = page_mm - f64::from(left) - f64::from(right);
    // On every core, a shaper (and its plans) per few thousand rows.
    items.par_chunks_mut(FIT_ITEMS).for_each(|items| {
        let fit = Fit::new(line_mm, &widths, CELL.inset_x);
        for item in items {
            if let Item::Row { cells, lines } = item {
                *lines = known_lines(&fit, cells);
            }
        }
    });
}

/// Rows whose lines one shaper counts.
const FIT_ITEMS: usize = 2_000;

/// The lines of a row's tallest plain cell and of the main text of its
/// tallest noted cell (0: none), when every cell's are sure.
fn known_lines(fit: &Fit, cells: &[Option<Cell>]) -> Option<[usize; 2]> {
    if cells.len() != fit.columns() {
        return None;
    }
    let lines = |k: usize, text: &str| {
        fit.lines(k, text, CELL.size, Style::Regular)
            .filter(|&n| n <= CELL.most_lines)
    };
    let (mut plain, mut noted) = (0, 0);
    for (k, cell) in cells.iter().enumerate() {
        match cell {
            None => {}
            Some(Cell::Text(text)) | Some(Cell::Noted { main: text, note: None }) => {
                plain = plain.max(if text.is_empty() { 0 } else { lines(k, text)? });
            }
            Some(Cell::Noted { main, note: Some(note) }) => {
                (fit.lines(k, note, CELL.note_size, Style::Italic) == Some(1)).then_some(())?;
                noted = noted.max(lines(k, main)?);
            }
        }
    }
    (plain + noted > 0).then_some([plain, noted])
}

/// The table's items: each group's heading, rows and subtotal, then the total.
fn items(groups: Vec<Group>, total: Option<String>) -> Vec<Item> {
    let mut out = Vec::new();
    for g in groups {
        out.extend(g.heading.map(|text| Item::Heading { text }));
        out.extend(g.rows.into_iter().map(|cells| Item::Row { cells, lines: None }));
        out.extend(g.subtotal.map(|text| Item::Subtotal { text }));
    }
    out.extend(total.map(|text| Item::Total { text }));
    out
}

#[derive(Serialize)]
struct Column {
    title: &'static str,
    /// Millimetres; 0 takes the remaining width.
    width: f32,
    align: &'static str,
}

const fn col(title: &'static str, width: f32, align: &'static str) -> Column {
    Column { title, width, align }
}

/// A cell: plain text, or a line with a smaller italic note under it.
#[derive(Serialize)]
#[serde(untagged)]
enum Cell {
    Text(String),
    Noted { main: String, note: Option<String> },
}

#[derive(Serialize)]
struct Group {
    heading: Option<String>,
    rows: Vec<Vec<Option<Cell>>>,
    subtotal: Option<String>,
}

#[derive(Serialize)]
struct Signature {
    role: String,
    note: &'static str,
}

#[derive(Serialize)]
struct ListData<'a> {
    letterhead: &'a Letterhead,
    landscape: bool,
    date_line: String,
    title: &'static str,
    subtitle: Vec<String>,
    columns: Vec<Column>,
    signatures: Vec<Signature>,
}

fn num(n: u32) -> String {
    thousands(i64::from(n))
}

fn signatures(letterhead: &Letterhead) -> Vec<Signature> {
    vec![
        Signature {
            role: "Người lập biểu".into(),
            note: "(Ký, ghi rõ họ tên)",
        },
        Signature {
            role: letterhead.signer_title.clone(),
            note: "(Ký tên, đóng dấu)",
        },
    ]
}

/// The status note under a unit's name: partial, declined, in place of.
pub fn status_note(row: &OutstandingRow) -> Option<String> {
    let mut notes = Vec::new();
    match row.status {
        ReceiptStatus::Partial => notes.push("nhận thiếu".to_owned()),
        ReceiptStatus::Declined => notes.push("từ chối nhận".to_owned()),
        _ => {}
    }
    if let (Some(code), Some(name)) = (&row.in_place_of, &row.in_place_of_name) {
        notes.push(format!("nhận thay cho {name} ({code})"));
    }
    (!notes.is_empty()).then(|| notes.join("; "))
}

/// One group per run of rows of the same grassroots committee, headed
/// "I. Đảng bộ xã …"; `lay_out` gives each group's table rows and subtotal.
fn committee_groups(
    rows: &[OutstandingRow],
    mut lay_out: impl FnMut(&[OutstandingRow]) -> (Vec<Vec<Option<Cell>>>, Option<String>),
) -> Vec<Group> {
    rows.chunk_by(|a, b| a.group_code == b.group_code)
        .enumerate()
        .map(|(i, group)| {
            let (rows, subtotal) = lay_out(group);
            Group {
                heading: Some(format!("{}. {}", roman(i + 1), group[0].group_name)),
                rows,
                subtotal,
            }
        })
        .collect()
}

fn count_units<'a>(rows: impl IntoIterator<Item = &'a OutstandingRow>) -> usize {
    let mut codes: Vec<&str> = rows.into_iter().map(|r| r.unit_code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    codes.len()
}

fn tally(rows: &[OutstandingRow], label: &str) -> String {
    let copies: i64 = rows.iter().map(|r| i64::from(r.copies)).sum();
    format!(
        "{label}: {} đơn vị, {} lượt chưa xác nhận, {} bản",
        thousands(count_units(rows) as i64),
        thousands(rows.len() as i64),
        thousands(copies)
    )
}

/// The outstanding list: grouped by grassroots committee with subtotals.
/// `subtitle` describes the filters ("Đợt …", "Tính đến ngày …").
pub fn outstanding_list(
    letterhead: &Letterhead,
    as_of: NaiveDate,
    subtitle: Vec<String>,
    rows: &[OutstandingRow],
) -> Result<Printout> {
    letterhead.check()?;
    let mut n = 0;
    let groups = committee_groups(rows, |group| {
        let cells = group
            .iter()
            .map(|r| {
                n += 1;
                vec![
                    Some(Cell::Text(n.to_string())),
                    Some(Cell::Noted {
                        main: r.unit_name.clone(),
                        note: status_note(r),
                    }),
                    r.secretary.clone().map(Cell::Text),
                    r.phone.clone().map(Cell::Text),
                    Some(Cell::Text(r.batch.clone())),
                    Some(Cell::Text(short_date(r.due))),
                    (r.days_overdue > 0).then(|| Cell::Text(num(r.days_overdue))),
                    Some(Cell::Text(num(r.copies))),
                    None,
                ]
            })
            .collect();
        (cells, Some(tally(group, "Cộng")))
    });
    let data = ListData {
        letterhead,
        landscape: true,
        date_line: place_date(&letterhead.place, as_of),
        title: "Danh sách đơn vị chưa xác nhận đã nhận tài liệu",
        subtitle,
        columns: vec![
            col("STT", 10.0, "center"),
            col("Đơn vị", 0.0, "left"),
            col("Bí thư", 38.0, "left"),
            col("Điện thoại", 26.0, "left"),
            col("Đợt", 30.0, "left"),
            col("Hạn xác nhận", 22.0, "center"),
            col("Số ngày quá hạn", 18.0, "right"),
            col("Số bản", 14.0, "right"),
            col("Ghi chú", 30.0, "left"),
        ],
        signatures: signatures(letterhead),
    };
    let total = (!rows.is_empty()).then(|| tally(rows, "Tổng cộng"));
    table(&data, items(groups, total))
}

/// The call list: one row per unit with its secretary, phone and everything
/// it has outstanding, and an empty column for the result of the call.
pub fn call_list(
    letterhead: &Letterhead,
    as_of: NaiveDate,
    subtitle: Vec<String>,
    rows: &[OutstandingRow],
) -> Result<Printout> {
    letterhead.check()?;
    let mut n = 0;
    let groups = committee_groups(rows, |group| {
        let cells = group
            .chunk_by(|a, b| a.unit_code == b.unit_code)
            .map(|unit| {
                n += 1;
                let first = &unit[0];
                let owed = unit
                    .iter()
                    .map(|r| {
                        if r.days_overdue > 0 {
                            format!("{} (quá hạn {} ngày)", r.batch, num(r.days_overdue))
                        } else {
                            format!("{} (hạn {})", r.batch, short_date(r.due))
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                vec![
                    Some(Cell::Text(n.to_string())),
                    Some(Cell::Text(first.unit_name.clone())),
                    first.secretary.clone().map(Cell::Text),
                    first.phone.clone().map(Cell::Text),
                    Some(Cell::Text(owed)),
                    None,
                ]
            })
            .collect();
        (cells, None)
    });
    let data = ListData {
        letterhead,
        landscape: false,
        date_line: place_date(&letterhead.place, as_of),
        title: "Danh sách liên hệ đơn vị chưa xác nhận",
        subtitle,
        columns: vec![
            col("STT", 10.0, "center"),
            col("Đơn vị", 0.0, "left"),
            col("Bí thư", 32.0, "left"),
            col("Điện thoại", 25.0, "left"),
            col("Chưa xác nhận", 40.0, "left"),
            col("Kết quả liên hệ", 25.0, "left"),
        ],
        signatures: signatures(letterhead),
    };
    let total = (!rows.is_empty()).then(|| format!("Tổng cộng: {} đơn vị", thousands(count_units(rows) as i64)));
    table(&data, items(groups, total))
}

/// One line of the outgoing transfer register: a document handed to a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterLine {
    pub batch: String,
    pub batch_title: String,
    pub handed: NaiveDate,
    pub symbol: String,
    pub issued: Option<NaiveDate>,
    pub title: String,
    /// "Mật", "Tối mật", "Tuyệt mật", or empty.
    pub classification: String,
    pub unit_code: String,
    pub unit_name: String,
    pub copies: u32,
    pub signed_by: Option<String>,
    pub signed_on: Option<NaiveDate>,
    /// Partial, declined, on behalf, for information.
    pub note: String,
}

/// The outgoing transfer register (sổ chuyển giao văn bản) for a period,
/// one section per batch.
pub fn register_book(
    letterhead: &Letterhead,
    from: NaiveDate,
    to: NaiveDate,
    lines: &[RegisterLine],
) -> Result<Printout> {
    titled_register_book("Sổ chuyển giao văn bản", letterhead, from, to, lines)
}

/// The register of classified documents sent (sổ đăng ký văn bản mật đi):
/// the transfer register's lines of Mật, Tối mật and Tuyệt mật documents,
/// their copy numbers in the notes, never a Tuyệt mật summary.
pub fn classified_register_book(
    letterhead: &Letterhead,
    from: NaiveDate,
    to: NaiveDate,
    lines: &[RegisterLine],
) -> Result<Printout> {
    titled_register_book("Sổ đăng ký văn bản mật đi", letterhead, from, to, lines)
}

fn titled_register_book(
    title: &'static str,
    letterhead: &Letterhead,
    from: NaiveDate,
    to: NaiveDate,
    lines: &[RegisterLine],
) -> Result<Printout> {
    letterhead.check()?;
    let mut n = 0;
    let groups = lines
        .chunk_by(|a, b| a.batch == b.batch)
        .map(|batch| {
            let first = &batch[0];
            Group {
                heading: Some(format!(
                    "{}: {} (ngày chuyển {})",
                    first.batch,
                    first.batch_title,
                    short_date(first.handed)
                )),
                rows: batch
                    .iter()
                    .map(|l| {
                        n += 1;
                        let signed = l.signed_by.as_ref().map(|by| Cell::Noted {
                            main: by.clone(),
                            note: l.signed_on.map(short_date),
                        });
                        vec![
                            Some(Cell::Text(n.to_string())),
                            Some(Cell::Text(short_date(l.handed))),
                            Some(Cell::Noted {
                                main: l.symbol.clone(),
                                note: (!l.classification.is_empty()).then(|| l.classification.clone()),
                            }),
                            l.issued.map(|d| Cell::Text(short_date(d))),
                            Some(Cell::Text(l.title.clone())),
                            Some(Cell::Text(l.unit_name.clone())),
                            Some(Cell::Text(num(l.copies))),
                            signed,
                            (!l.note.is_empty()).then(|| Cell::Text(l.note.clone())),
                        ]
                    })
                    .collect(),
                subtotal: None,
            }
        })
        .collect();
    let copies: i64 = lines.iter().map(|l| i64::from(l.copies)).sum();
    let data = period_register(
        letterhead,
        title,
        from,
        to,
        vec![
            col("STT", 10.0, "center"),
            col("Ngày chuyển", 22.0, "center"),
            col("Số, ký hiệu", 28.0, "left"),
            col("Ngày văn bản", 22.0, "center"),
            col("Trích yếu nội dung", 0.0, "left"),
            col("Nơi nhận", 48.0, "left"),
            col("Số bản", 14.0, "right"),
            col("Ký nhận", 34.0, "left"),
            col("Ghi chú", 24.0, "left"),
        ],
    );
    let total = (!lines.is_empty()).then(|| {
        format!(
            "Tổng cộng: {} lượt chuyển, {} bản",
            thousands(lines.len() as i64),
            thousands(copies)
        )
    });
    table(&data, items(groups, total))
}

/// The frame of a register kept for a period: landscape, dated today, the
/// period under the title, the office's signature.
fn period_register<'a>(
    letterhead: &'a Letterhead,
    title: &'static str,
    from: NaiveDate,
    to: NaiveDate,
    columns: Vec<Column>,
) -> ListData<'a> {
    ListData {
        letterhead,
        landscape: true,
        date_line: place_date(&letterhead.place, crate::db::today()),
        title,
        subtitle: vec![format!("Từ ngày {} đến ngày {}", short_date(from), short_date(to))],
        columns,
        signatures: signatures(letterhead),
    }
}

/// The copy register (sổ theo dõi bản số tài liệu mật) for a period: one
/// section per document, a line per movement of its numbered copies.
pub fn copy_register_book(
    letterhead: &Letterhead,
    from: NaiveDate,
    to: NaiveDate,
    events: &[crate::model::CopyEvent],
) -> Result<Printout> {
    letterhead.check()?;
    let mut n = 0;
    let groups = events
        .chunk_by(|a, b| a.symbol == b.symbol)
        .map(|doc| Group {
            heading: Some(format!("{} ({})", doc[0].symbol, doc[0].classification.label())),
            rows: doc
                .iter()
                .map(|e| {
                    n += 1;
                    let unit = e.unit_code.as_ref().map(|code| Cell::Noted {
                        main: e.unit_name.clone().unwrap_or_default(),
                        note: Some(code.clone()),
                    });
                    vec![
                        Some(Cell::Text(n.to_string())),
                        Some(Cell::Text(short_date(e.on))),
                        Some(Cell::Text(crate::model::copy_list(&e.numbers))),
                        Some(Cell::Text(e.kind.label().to_owned())),
                        unit,
                        Some(Cell::Text(e.reference.clone())),
                        e.person.clone().map(Cell::Text),
                    ]
                })
                .collect(),
            subtotal: None,
        })
        .collect();
    let copies: usize = events.iter().map(|e| e.numbers.len()).sum();
    let data = period_register(
        letterhead,
        "Sổ theo dõi bản số tài liệu mật",
        from,
        to,
        vec![
            col("STT", 10.0, "center"),
            col("Ngày", 22.0, "center"),
            col("Bản số", 40.0, "left"),
            col("Việc", 24.0, "left"),
            col("Đơn vị", 0.0, "left"),
            col("Căn cứ", 48.0, "left"),
            col("Người ký nhận, nộp lại", 42.0, "left"),
        ],
    );
    let total = (!events.is_empty()).then(|| {
        format!(
            "Tổng cộng: {} lượt, {} bản",
            thousands(events.len() as i64),
            thousands(copies as i64)
        )
    });
    table(&data, items(groups, total))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::super::reminders::{reminders, Reminder};
    use super::super::testing::*;
    use super::*;
    use crate::db::audit::Head;
    use crate::progress::{Phase, Unwatched, Watch};

    const COMMUNES: [&str; 8] = [
        "Hương Khê",
        "Hương Phố",
        "Thành Sen",
        "Đức Thọ",
        "Ấp Tân",
        "Ưng Hòa",
        "Nghi Xuân",
        "Cẩm Xuyên",
    ];

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    /// `n` rows over eight committees, each branch named "Chi bộ thôn Phú Ưng N".
    fn rows(n: usize) -> Vec<OutstandingRow> {
        let per_group = n.div_ceil(COMMUNES.len());
        (1..=n)
            .map(|i| {
                let commune = COMMUNES[(i - 1) / per_group];
                OutstandingRow {
                    batch: "Đợt 2/2022".into(),
                    batch_title: "Học tập Nghị quyết Trung ương 5".into(),
                    unit_code: format!("CB{i:04}"),
                    unit_name: format!("Chi bộ thôn Phú Ưng {i}"),
                    group_code: commune.to_uppercase(),
                    group_name: format!("Đảng bộ xã {commune}"),
                    secretary: Some("Nguyễn Thị Hằng".into()),
                    phone: Some("0912 345 678".into()),
                    handed: date(2022, 8, 2),
                    due: date(2022, 8, 9),
                    days_overdue: 12,
                    tier: 2,
                    copies: 3,
                    receipt_code: "7K3M9QXA".into(),
                    status: if i % 50 == 0 {
                        ReceiptStatus::Partial
                    } else {
                        ReceiptStatus::Pending
                    },
                    in_place_of: None,
                    in_place_of_name: None,
                    kind: crate::model::RowKind::Receipt,
                    copies_missing: Vec::new(),
                }
            })
            .collect()
    }

    /// The outstanding list of `rows(n)` on 21/08/2022.
    fn list_of(n: usize) -> Printout {
        let subtitle = vec!["Tính đến ngày 21/08/2022".into()];
        outstanding_list(&Letterhead::sample(), date(2022, 8, 21), subtitle, &rows(n)).expect("list")
    }

    fn write_pdf(printout: &Printout, name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let (pdf, warnings) = printout.pdf_with_warnings().expect("pdf");
        assert!(warnings.is_empty(), "{warnings:?}");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(name);
        std::fs::write(&path, pdf).expect("write pdf");
        (dir, path)
    }

    /// Records each step of a printout and stops once `stop_at` items are done.
    struct Steps {
        seen: Vec<(Phase, u64, u64)>,
        stop_at: Option<u64>,
    }

    impl Watch for Steps {
        fn step(&mut self, step: crate::progress::Step) {
            self.seen.push((step.phase, step.done, step.total));
        }
        fn stop(&self) -> bool {
            matches!((self.stop_at, self.seen.last()), (Some(at), Some((_, done, _))) if *done >= at)
        }
    }

    #[test]
    fn a_list_laid_out_in_chunks_prints_the_pages_of_one_layout() {
        let list = |chunk| list_of(300).in_chunks_of(chunk);
        let (_whole_dir, whole) = write_pdf(&list(usize::MAX), "whole.pdf");
        // Small chunks, written to PDF five pages at a time and joined.
        let chunked = list(40).in_parts_of(5);
        let mut steps = Steps {
            seen: Vec::new(),
            stop_at: None,
        };
        let pdf = chunked.pdf_watched(&mut steps).expect("pdf in chunks");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("chunked.pdf");
        std::fs::write(&path, pdf).expect("write pdf");

        let pages = page_count(&path);
        assert_eq!(pages, page_count(&whole), "as many pages as one layout");
        let info = |pdf: &std::path::Path| crate::print::testing::run_tool("pdfinfo", &[pdf.as_os_str()]);
        // The parts joined read as one document: the same information as
        // the one-layout PDF but for the tags and the size.
        let same_info = |pdf: &std::path::Path| -> Vec<String> {
            info(pdf)
                .lines()
                .filter(|l| !l.starts_with("Tagged:") && !l.starts_with("File size:"))
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(same_info(&path), same_info(&whole));
        assert!(pages >= 12, "{pages} pages, several per chunk");
        // Progress: items placed, from 0 to all 317 (300 rows, 8 headings,
        // 8 subtotals, the total), one step per chunk.
        let done: Vec<u64> = steps.seen.iter().map(|s| s.1).collect();
        assert!(
            steps.seen.iter().all(|s| s.0 == Phase::Print && s.2 == 317),
            "{:?}",
            steps.seen
        );
        assert_eq!((done.first(), done.last()), (Some(&0), Some(&317)), "{done:?}");
        assert!(done.len() > 8 && done.is_sorted(), "a step per chunk: {done:?}");

        let text = pdf_text(&path);
        let page_texts: Vec<&str> = text.split('\u{c}').take(pages).collect();
        let whole_text = pdf_text(&whole);
        let whole_pages: Vec<&str> = whole_text.split('\u{c}').take(pages).collect();
        for (i, page) in page_texts.iter().enumerate() {
            assert_eq!(*page, whole_pages[i], "page {} as in one layout", i + 1);
            assert!(
                page.contains("Bí thư") && page.contains("Ghi chú"),
                "table header on page {}",
                i + 1
            );
            let first = page.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
            if i == 0 {
                assert!(
                    first.starts_with("ĐẢNG BỘ TỈNH HÀ TĨNH"),
                    "no page number on page 1: {first:?}"
                );
            } else {
                assert_eq!(first, (i + 1).to_string(), "page number on page {}", i + 1);
                assert!(!page.contains("ĐẢNG CỘNG SẢN VIỆT NAM"), "letterhead only on page 1");
            }
            assert_eq!(
                page.contains("NGƯỜI LẬP BIỂU"),
                i + 1 == pages,
                "signatures on the last page only (page {})",
                i + 1
            );
        }
        for s in [
            "VIII. Đảng bộ xã Cẩm Xuyên",
            "Tổng cộng: 300 đơn vị, 300 lượt chưa xác nhận, 900 bản",
        ] {
            assert!(text.contains(s), "{s:?} missing");
        }
        let mut seen = Vec::new();
        for line in text.lines() {
            if let Some(rest) = line.split("Chi bộ thôn Phú Ưng ").nth(1) {
                let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
                seen.push(n.parse::<usize>().expect("row number"));
            }
        }
        assert_eq!(seen, (1..=300).collect::<Vec<_>>(), "rows complete, once, in order");

        // The preview gets the same pages a chunk at a time.
        let mut shown = Vec::new();
        chunked
            .pages_each(&mut Unwatched, |pages| shown.push(pages.len()))
            .expect("svg in chunks");
        assert!(shown.len() > 8, "{shown:?}");
        assert_eq!(shown.iter().sum::<usize>(), pages);

        // Asked to stop, it stops between two chunks.
        let mut steps = Steps {
            seen: Vec::new(),
            stop_at: Some(1),
        };
        let err = chunked.pdf_watched(&mut steps).expect_err("stopped");
        assert!(matches!(err, crate::Error::Halted), "{err:?}");
        assert_eq!(steps.seen.len(), 2, "stopped after the first chunk: {:?}", steps.seen);
    }

    /// The row numbers ("Chi bộ thôn Phú Ưng N") on each page of a PDF.
    fn rows_by_page(pdf: &std::path::Path) -> Vec<Vec<usize>> {
        let text = pdf_text(pdf);
        let pages: Vec<&str> = text.split('\u{c}').take(page_count(pdf)).collect();
        pages
            .iter()
            .map(|page| {
                page.split("Chi bộ thôn Phú Ưng ")
                    .skip(1)
                    .filter_map(|rest| {
                        rest.chars()
                            .take_while(char::is_ascii_digit)
                            .collect::<String>()
                            .parse()
                            .ok()
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_long_list_begins_a_group_on_a_new_page_once_a_section_is_full() {
        // Eight committees of 38 rows: 40 items each with heading and subtotal.
        let list = || list_of(304);
        let (_plain_dir, plain) = write_pdf(&list().in_sections_of(usize::MAX), "plain.pdf");
        let (_whole_dir, whole) = write_pdf(&list().in_sections_of(100).in_chunks_of(usize::MAX), "whole.pdf");
        let (_chunked_dir, chunked) = write_pdf(&list().in_sections_of(100).in_chunks_of(30), "chunked.pdf");
        // Compilations of a section each (up to 120 items), two laid out side
        // by side, their pages numbered afterwards.
        let (_side_dir, side) = write_pdf(&list().in_sections_of(100).in_chunks_of(60), "side.pdf");

        // Sections of at least 100 items: committees IV (rows 115–152) and
        // VII (rows 229–266) begin a new page; no other page ends early.
        let pages = rows_by_page(&whole);
        let tops: Vec<usize> = pages.iter().filter_map(|rows| rows.first().copied()).collect();
        assert!(tops.contains(&115) && tops.contains(&229), "{pages:?}");
        for (i, rows) in pages.iter().enumerate().skip(1) {
            if let (Some(&first), Some(&before)) = (rows.first(), pages[i - 1].last()) {
                assert_eq!(first, before + 1, "rows in order across pages {i} and {}", i + 1);
            }
        }
        let plain_pages = rows_by_page(&plain);
        assert!(
            !plain_pages.iter().any(|rows| rows.first() == Some(&115)),
            "{plain_pages:?}"
        );
        assert!(pages.len() >= plain_pages.len());
        assert_eq!(
            pages.concat(),
            (1..=304).collect::<Vec<_>>(),
            "rows complete, once, in order"
        );
        assert_eq!(plain_pages.concat(), pages.concat());

        // Laid out a few items at a time, the pages are those of one layout.
        let text = |pdf: &std::path::Path| -> Vec<String> { pdf_text(pdf).split('\u{c}').map(str::to_owned).collect() };
        assert_eq!(text(&chunked), text(&whole));
        assert_eq!(text(&side), text(&whole));
        let whole_text = text(&whole).concat();
        for (i, page) in text(&whole).iter().enumerate().take(pages.len()).skip(1) {
            assert!(page.contains("Bí thư"), "table header on page {}", i + 1);
            let first = page.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
            assert_eq!(first, (i + 1).to_string(), "page number on page {}", i + 1);
        }
        assert!(whole_text.contains("NGƯỜI LẬP BIỂU"));
    }

    #[test]
    fn rows_given_their_height_lay_out_as_when_typst_measures_them() {
        let lh = Letterhead::sample();
        let day = date(2022, 8, 21);
        let mut rows = rows(160);
        for (i, r) in rows.iter_mut().enumerate() {
            match i % 7 {
                1 => {
                    r.unit_name = format!(
                        "{} thuộc Đảng bộ xã Hương Khê, tỉnh Hà Tĩnh, có tên dài hơn một dòng của cột đơn vị",
                        r.unit_name
                    )
                }
                2 => r.secretary = Some("Nguyễn Thị Phương Thảo Hoàng Lan".into()),
                3 => r.status = ReceiptStatus::Declined,
                4 => r.secretary = None,
                5 => {
                    r.unit_name = format!(
                        "{} WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
                        r.unit_name
                    )
                }
                _ => {}
            }
        }
        // The call list's column of what is owed breaks inside its words
        // ("2/2022"): those rows are measured.
        for (printout, kinds) in [
            (
                outstanding_list(&lh, day, vec!["Tính đến ngày 21/08/2022".into()], &rows).expect("list"),
                vec![
                    Some([1, 0]),
                    Some([2, 0]),
                    Some([3, 0]),
                    Some([1, 1]),
                    Some([2, 1]),
                    None,
                ],
            ),
            (
                call_list(&lh, day, vec!["(Tất cả các đợt)".into()], &rows).expect("calls"),
                vec![None],
            ),
        ] {
            let lines: BTreeSet<Option<[usize; 2]>> = printout
                .items()
                .iter()
                .filter(|it| it["kind"] == "row")
                .map(|it| it.get("lines").and_then(|l| serde_json::from_value(l.clone()).ok()))
                .collect();
            let fitted = printout.pages().expect("pages with rows of given height");
            let measured = printout.without_fitted_rows().pages().expect("pages measured");
            assert_eq!(fitted.len(), measured.len(), "pages ({lines:?})");
            for (i, (a, b)) in fitted.iter().zip(&measured).enumerate() {
                assert!(a == b, "page {} differs from the measured layout ({lines:?})", i + 1);
            }
            assert!(
                lines.is_superset(&kinds.into_iter().collect()),
                "rows of known height: {lines:?}"
            );
        }
    }

    #[test]
    fn a_thousand_row_outstanding_list_prints_complete_across_pages() {
        let lh = Letterhead::sample();
        let subtitle = vec!["(Đợt: Đợt 2/2022)".to_owned(), "Tính đến ngày 21/08/2022".to_owned()];
        let head = Head {
            id: 4321,
            hash: "0123456789abcdef".repeat(4),
        };
        let printout = outstanding_list(&lh, date(2022, 8, 21), subtitle, &rows(1000))
            .expect("list")
            .with_check(Some(&head));
        let (_dir, path) = write_pdf(&printout, "outstanding.pdf");
        render_page(&path, 1, &artifacts_dir().join("outstanding-page1"));
        render_page(&path, 2, &artifacts_dir().join("outstanding-page2"));
        let pages = page_count(&path);
        assert!(pages > 10, "{pages} pages");

        let text = pdf_text(&path);
        for s in [
            "ĐẢNG BỘ TỈNH HÀ TĨNH",
            "BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY",
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            "Hà Tĩnh, ngày 21 tháng 8 năm 2022",
            "DANH SÁCH ĐƠN VỊ CHƯA XÁC NHẬN ĐÃ NHẬN TÀI LIỆU",
            "(Đợt: Đợt 2/2022)",
            "Tính đến ngày 21/08/2022",
            "I. Đảng bộ xã Hương Khê",
            "VIII. Đảng bộ xã Cẩm Xuyên",
            "Nguyễn Thị Hằng",
            "0912 345 678",
            "nhận thiếu",
            "Cộng: 125 đơn vị, 125 lượt chưa xác nhận, 375 bản",
            "Tổng cộng: 1.000 đơn vị, 1.000 lượt chưa xác nhận, 3.000 bản",
            "NGƯỜI LẬP BIỂU",
            "TRƯỞNG BAN",
        ] {
            assert!(text.contains(s), "{s:?} missing");
        }
        let page_texts: Vec<&str> = text.split('\u{c}').take(pages).collect();
        for (i, page) in page_texts.iter().enumerate() {
            assert!(
                page.contains("Bí thư") && page.contains("Ghi chú"),
                "table header on page {}",
                i + 1
            );
            assert!(
                page.contains("Mã kiểm tra sổ: 0123456789ab") && !page.contains("0123456789abc"),
                "the check code, 12 characters, at the foot of page {}",
                i + 1
            );
            let first = page.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
            if i == 0 {
                assert!(
                    first.starts_with("ĐẢNG BỘ TỈNH HÀ TĨNH"),
                    "no page number on page 1: {first:?}"
                );
            } else {
                assert_eq!(first, (i + 1).to_string(), "page number on page {}", i + 1);
            }
        }
        // Every row, once, in order.
        let mut seen = Vec::new();
        for line in text.lines() {
            if let Some(rest) = line.split("Chi bộ thôn Phú Ưng ").nth(1) {
                let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
                seen.push(n.parse::<usize>().expect("row number"));
            }
        }
        assert_eq!(seen, (1..=1000).collect::<Vec<_>>(), "rows complete and in order");
    }

    #[test]
    fn call_list_register_and_reminders_print() {
        let lh = Letterhead::sample();
        let day = date(2022, 8, 21);
        let mut r = rows(16);
        r[1].unit_code = r[0].unit_code.clone();
        r[1].unit_name = r[0].unit_name.clone();
        r[1].batch = "Đợt 3/2022".into();
        let (_d1, calls) = write_pdf(
            &call_list(&lh, day, vec!["(Tất cả các đợt)".into()], &r).expect("calls"),
            "calls.pdf",
        );
        let text = pdf_text(&calls);
        for s in [
            "DANH SÁCH LIÊN HỆ ĐƠN VỊ CHƯA XÁC NHẬN",
            "Kết quả",
            "Đợt 2/2022 (quá hạn 12",
            "Tổng cộng: 15 đơn vị",
        ] {
            assert!(text.contains(s), "{s:?} missing from the call list:\n{text}");
        }

        let lines: Vec<RegisterLine> = (1..=3)
            .map(|i| RegisterLine {
                batch: "Đợt 2/2022".into(),
                batch_title: "Học tập Nghị quyết Trung ương 5".into(),
                handed: date(2022, 8, 2),
                symbol: "45-HD/BTGTW".into(),
                issued: Some(date(2022, 7, 20)),
                title: "Hướng dẫn học tập Nghị quyết".into(),
                classification: if i == 2 { "Mật".into() } else { String::new() },
                unit_code: format!("CB{i}"),
                unit_name: format!("Chi bộ thôn Đông Ứng {i}"),
                copies: 2,
                signed_by: (i == 1).then(|| "Lê Văn Hùng".to_owned()),
                signed_on: (i == 1).then(|| date(2022, 8, 5)),
                note: if i == 3 {
                    "Từ chối nhận".into()
                } else {
                    String::new()
                },
            })
            .collect();
        let (_d2, book) = write_pdf(
            &register_book(&lh, date(2022, 8, 1), date(2022, 8, 31), &lines).expect("register"),
            "register.pdf",
        );
        render_page(&book, 1, &artifacts_dir().join("register-page1"));
        let text = pdf_text(&book);
        for s in [
            "SỔ CHUYỂN GIAO VĂN BẢN",
            "Từ ngày 01/08/2022 đến ngày 31/08/2022",
            "Trích yếu nội dung",
            "Chi bộ thôn Đông Ứng 2",
            "Lê Văn Hùng",
            "05/08/2022",
            "Mật",
            "Từ chối nhận",
            "Tổng cộng: 3 lượt chuyển, 6 bản",
        ] {
            assert!(text.contains(s), "{s:?} missing from the register:\n{text}");
        }

        let reminders_for = vec![Reminder {
            unit_code: "CB0001".into(),
            unit_name: "Chi bộ thôn Phú Ưng 1".into(),
            secretary: Some("Nguyễn Thị Hằng".into()),
            tier: 2,
            receipts: vec![(r[0].clone(), vec!["45-HD/BTGTW: 3 bản".into()])],
        }];
        let (_d3, slips) = write_pdf(
            &reminders(&lh, day, &reminders_for).expect("reminders"),
            "reminders.pdf",
        );
        render_page(&slips, 1, &artifacts_dir().join("reminder-page1"));
        let text = pdf_text(&slips);
        for s in [
            "GIẤY NHẮC XÁC NHẬN NHẬN TÀI LIỆU",
            "(Nhắc lần 2)",
            "Kính gửi: Chi bộ thôn Phú Ưng 1",
            "Đồng chí Bí thư: Nguyễn Thị Hằng",
            "45-HD/BTGTW: 3 bản",
            "7K3M-9QXA",
        ] {
            assert!(text.contains(s), "{s:?} missing from the reminder:\n{text}");
        }
        let decoded = run_tool(
            "zbarimg",
            &[
                "--quiet".as_ref(),
                "--raw".as_ref(),
                artifacts_dir().join("reminder-page1.png").as_os_str(),
            ],
        );
        let codes: BTreeSet<&str> = decoded.lines().collect();
        assert!(codes.contains("7K3M9QXA"), "{decoded}");
    }

    #[test]
    fn preview_pages_are_svg_of_the_same_pages() {
        let printout = outstanding_list(&Letterhead::sample(), date(2022, 8, 21), vec![], &rows(60)).expect("list");
        let pages = printout.pages().expect("svg");
        let (_dir, path) = write_pdf(&printout, "same.pdf");
        assert_eq!(pages.len(), page_count(&path));
        assert!(
            pages.iter().all(|p| p.starts_with("<svg") && p.contains("viewBox")),
            "SVG pages"
        );
    }
}

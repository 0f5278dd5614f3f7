//! The printed destruction record of classified documents (biên bản tiêu
//! hủy tài liệu mật), PDF in the party layout and XLSX: symbols and copy
//! numbers, the decision, the board with a signature for each member, the
//! day, place and method. It never carries a summary (trích yếu).

use serde::Serialize;

use super::{compile, place_date, Letterhead};
use crate::model::{copy_list, BoardMember, Destruction};
use crate::tabular::{xlsx_bytes, Cell};
use crate::Result;

const TEMPLATE: &str = include_str!("destruction.typ");

#[derive(Serialize)]
struct Row<'a> {
    symbol: &'a str,
    classification: &'a str,
    copies: String,
}

#[derive(Serialize)]
struct Data<'a> {
    letterhead: &'a Letterhead,
    date_line: String,
    day_prose: String,
    decision: &'a str,
    place: Option<&'a str>,
    method: &'a str,
    members: &'a [BoardMember],
    rows: Vec<Row<'a>>,
    count: usize,
}

/// The record as a PDF.
pub fn destruction_pdf(letterhead: &Letterhead, d: &Destruction) -> Result<Vec<u8>> {
    letterhead.check()?;
    let data = Data {
        letterhead,
        date_line: place_date(&letterhead.place, d.on),
        day_prose: crate::dates::vi_prose(d.on),
        decision: &d.decision,
        place: d.place.as_deref(),
        method: &d.method,
        members: &d.members,
        rows: vec![Row {
            symbol: &d.symbol,
            classification: d.classification.label(),
            copies: copy_list(&d.copies),
        }],
        count: d.copies.len(),
    };
    compile(TEMPLATE, &[("data.json", serde_json::to_vec(&data)?)]).map(|(pdf, _)| pdf)
}

const HEADERS: [&str; 9] = [
    "Số, ký hiệu",
    "Độ mật",
    "Bản số",
    "Số bản",
    "Ngày tiêu hủy",
    "Địa điểm",
    "Phương pháp",
    "Căn cứ",
    "Hội đồng",
];

/// The record as a spreadsheet: one row per document.
pub fn destruction_xlsx(d: &Destruction) -> Result<Vec<u8>> {
    let members: Vec<String> = d
        .members
        .iter()
        .map(|m| format!("{} ({})", m.name, m.position))
        .collect();
    let row = vec![
        Cell::from(d.symbol.as_str()),
        Cell::from(d.classification.label()),
        Cell::Text(copy_list(&d.copies)),
        Cell::Int(i64::try_from(d.copies.len()).unwrap_or(i64::MAX)),
        Cell::Date(d.on),
        d.place.as_deref().map_or(Cell::Empty, Cell::from),
        Cell::from(d.method.as_str()),
        Cell::from(d.decision.as_str()),
        Cell::Text(members.join("; ")),
    ];
    xlsx_bytes("Biên bản tiêu hủy", &HEADERS, &[row])
}

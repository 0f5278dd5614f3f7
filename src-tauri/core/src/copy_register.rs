//! The registers of classified documents the law asks an office to keep:
//! the register of classified documents sent (sổ đăng ký văn bản mật đi, the
//! transfer register's lines of Mật, Tối mật and Tuyệt mật documents) and the
//! copy register (sổ theo dõi bản số): every movement of a numbered copy in a
//! period — handed with a batch, brought back for a recall, destroyed — as
//! PDF in the party layout and as XLSX. Neither carries a Tuyệt mật summary;
//! the copy register carries no summary at all.

use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;

use crate::db::{Dao, Store};
use crate::error::{Error, Result};
use crate::model::{copy_list, Classification};
use crate::print::{classified_register_book, copy_register_book, Printout, RegisterLine};
use crate::tabular::{xlsx_bytes, Cell};

/// What happened to the copies of one line of the copy register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CopyEventKind {
    /// Handed to a unit with a batch.
    Handed,
    /// Brought back for a recall.
    Returned,
    /// Destroyed under a destruction record.
    Destroyed,
}

impl CopyEventKind {
    pub fn label(self) -> &'static str {
        match self {
            CopyEventKind::Handed => "Giao",
            CopyEventKind::Returned => "Nộp lại",
            CopyEventKind::Destroyed => "Tiêu hủy",
        }
    }

    fn stored(s: &str) -> Option<CopyEventKind> {
        match s {
            "handed" => Some(CopyEventKind::Handed),
            "returned" => Some(CopyEventKind::Returned),
            "destroyed" => Some(CopyEventKind::Destroyed),
            _ => None,
        }
    }
}

/// One line of the copy register: copies of one document that moved together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CopyEvent {
    pub on: NaiveDate,
    pub symbol: String,
    pub classification: Classification,
    pub kind: CopyEventKind,
    /// The copy numbers, ascending.
    pub numbers: Vec<u32>,
    /// The unit that received or brought back the copies (none for a destruction).
    pub unit_code: Option<String>,
    pub unit_name: Option<String>,
    /// The batch's code, the recall's code, or the destruction's decision.
    pub reference: String,
    /// Who signed for the copies or brought them back.
    pub person: Option<String>,
}

/// Every movement of the numbered copies between two days (inclusive), by
/// document symbol, then day, then handed before returned before destroyed.
const EVENTS: &str = "
    SELECT b.handed_on AS day, 'handed' AS kind, 0 AS k, d.id AS doc, d.symbol, d.classification,
           json_group_array(c.number) AS numbers, u.code AS unit_code,
           (SELECT v.name FROM unit_version v WHERE v.unit_id = u.id AND v.valid_from <= b.handed_on
            ORDER BY v.valid_from DESC LIMIT 1) AS unit_name,
           b.code AS reference, r.signed_by AS person
    FROM receipt_copy c
    JOIN receipt r ON r.id = c.receipt_id
    JOIN batch b ON b.id = r.batch_id
    JOIN document d ON d.id = c.document_id
    JOIN unit u ON u.id = r.unit_id
    WHERE b.cancelled_at IS NULL AND b.handed_on BETWEEN ?1 AND ?2
    GROUP BY r.id, d.id
    UNION ALL
    SELECT rc.returned_on, 'returned', 1, d.id, d.symbol, d.classification,
           json_group_array(rc.number), u.code,
           (SELECT v.name FROM unit_version v WHERE v.unit_id = u.id AND v.valid_from <= rc.returned_on
            ORDER BY v.valid_from DESC LIMIT 1),
           k.code, rc.returned_by
    FROM recall_copy rc
    JOIN recall k ON k.id = rc.recall_id
    JOIN document d ON d.id = k.document_id
    JOIN receipt r ON r.id = rc.receipt_id
    JOIN unit u ON u.id = r.unit_id
    WHERE rc.returned_on BETWEEN ?1 AND ?2
    GROUP BY k.id, r.id, rc.returned_on, rc.returned_by
    UNION ALL
    SELECT x.done_on, 'destroyed', 2, d.id, d.symbol, d.classification,
           json_group_array(c.number), NULL, NULL, x.decision, NULL
    FROM doc_copy c
    JOIN destruction x ON x.id = c.destruction_id
    JOIN document d ON d.id = c.document_id
    WHERE x.done_on BETWEEN ?1 AND ?2
    GROUP BY x.id
    ORDER BY symbol, doc, day, k, unit_code";

fn events(dao: &Dao<'_>, from: NaiveDate, to: NaiveDate) -> Result<Vec<CopyEvent>> {
    if to < from {
        return Err(Error::invalid("to", "ngày cuối phải sau ngày đầu"));
    }
    let mut stmt = dao.conn.prepare_cached(EVENTS)?;
    let mut rows = stmt.query(params![from, to])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let kind: String = r.get("kind")?;
        let classification: String = r.get("classification")?;
        let mut numbers = crate::db::copies::numbers_json(r, 6)?;
        numbers.sort_unstable();
        out.push(CopyEvent {
            on: r.get("day")?,
            symbol: r.get("symbol")?,
            classification: Classification::parse(&classification)
                .ok_or_else(|| Error::invalid("classification", format!("độ mật «{classification}» không hợp lệ")))?,
            kind: CopyEventKind::stored(&kind)
                .ok_or_else(|| Error::invalid("kind", format!("loại «{kind}» không hợp lệ")))?,
            numbers,
            unit_code: r.get("unit_code")?,
            unit_name: r.get("unit_name")?,
            reference: r.get("reference")?,
            person: r.get("person")?,
        });
    }
    Ok(out)
}

const COPY_HEADERS: [&str; 9] = [
    "STT",
    "Ngày",
    "Số, ký hiệu",
    "Độ mật",
    "Bản số",
    "Việc",
    "Mã đơn vị",
    "Đơn vị",
    "Căn cứ",
];

fn copy_cells(events: &[CopyEvent]) -> Vec<Vec<Cell>> {
    events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            vec![
                Cell::Int(i as i64 + 1),
                e.on.into(),
                e.symbol.as_str().into(),
                e.classification.label().into(),
                copy_list(&e.numbers).into(),
                e.kind.label().into(),
                e.unit_code.clone().into(),
                e.unit_name.clone().into(),
                e.reference.as_str().into(),
            ]
        })
        .collect()
}

impl Store {
    /// The copy register's lines for a period.
    pub fn copy_events(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<CopyEvent>> {
        self.read(|dao| events(dao, from, to))
    }

    /// The copy register for a period, in the party layout.
    pub fn copy_register_printout(&self, from: NaiveDate, to: NaiveDate) -> Result<Printout> {
        let (events, head) = self.read(|dao| Ok((events(dao, from, to)?, dao.log_head()?)))?;
        Ok(copy_register_book(&self.letterhead()?, from, to, &events)?.with_check(head.as_ref()))
    }

    /// The copy register for a period as a spreadsheet (with a column of who
    /// signed for or brought back the copies).
    pub fn copy_register_xlsx(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<u8>> {
        let events = self.copy_events(from, to)?;
        let mut headers = COPY_HEADERS.to_vec();
        headers.push("Người ký nhận, nộp lại");
        let cells: Vec<Vec<Cell>> = copy_cells(&events)
            .into_iter()
            .zip(&events)
            .map(|(mut row, e)| {
                row.push(e.person.clone().into());
                row
            })
            .collect();
        xlsx_bytes("Sổ theo dõi bản số", &headers, &cells)
    }

    /// The lines of classified documents in the transfer register of a period.
    pub fn classified_register_lines(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<RegisterLine>> {
        let mut lines = self.register_lines(from, to)?;
        lines.retain(|l| !l.classification.is_empty());
        Ok(lines)
    }

    /// The register of classified documents sent for a period, in the party layout.
    pub fn classified_register_printout(&self, from: NaiveDate, to: NaiveDate) -> Result<Printout> {
        let lines = self.classified_register_lines(from, to)?;
        let head = self.read(|dao| dao.log_head())?;
        Ok(classified_register_book(&self.letterhead()?, from, to, &lines)?.with_check(head.as_ref()))
    }

    /// The register of classified documents sent as a spreadsheet.
    pub fn classified_register_xlsx(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<u8>> {
        let lines = self.classified_register_lines(from, to)?;
        crate::reports::register_sheet("Sổ văn bản mật đi", &lines)
    }
}

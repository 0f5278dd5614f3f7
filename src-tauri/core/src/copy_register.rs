//! The registers of classified documents the law asks an office to keep:
//! the register of classified documents sent (sổ đăng ký văn bản mật đi, the
//! transfer register's lines of Mật, Tối mật and Tuyệt mật documents) and the
//! copy register (sổ theo dõi bản số): every movement of a numbered copy in a
//! period — handed with a batch, brought back for a recall, destroyed — as
//! PDF in the party layout and as XLSX. Neither carries a Tuyệt mật summary;
//! the copy register carries no summary at all.

use chrono::NaiveDate;

use crate::db::{Dao, Store};
use crate::error::{Error, Result};
use crate::model::{copy_list, CopyEvent};
use crate::print::{classified_register_book, copy_register_book, Printout, RegisterLine};
use crate::tabular::{xlsx_bytes, Cell};

const COPY_HEADERS: [&str; 10] = [
    "STT",
    "Ngày",
    "Số, ký hiệu",
    "Độ mật",
    "Bản số",
    "Việc",
    "Mã đơn vị",
    "Đơn vị",
    "Căn cứ",
    "Người ký nhận, nộp lại",
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
                e.person.clone().into(),
            ]
        })
        .collect()
}

fn events(dao: &Dao<'_>, from: NaiveDate, to: NaiveDate) -> Result<Vec<CopyEvent>> {
    if to < from {
        return Err(Error::invalid("to", "ngày cuối phải sau ngày đầu"));
    }
    dao.copy_events(from, to)
}

/// The transfer register's lines of classified documents.
fn classified_lines(dao: &Dao<'_>, from: NaiveDate, to: NaiveDate) -> Result<Vec<RegisterLine>> {
    let mut lines = crate::reports::register_lines(dao, from, to)?;
    lines.retain(|l| !l.classification.is_empty());
    Ok(lines)
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
        xlsx_bytes(
            "Sổ theo dõi bản số",
            &COPY_HEADERS,
            &copy_cells(&self.copy_events(from, to)?),
        )
    }

    /// The lines of classified documents in the transfer register of a period.
    pub fn classified_register_lines(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<RegisterLine>> {
        self.read(|dao| classified_lines(dao, from, to))
    }

    /// The register of classified documents sent for a period, in the party
    /// layout; its lines and the log's head read together.
    pub fn classified_register_printout(&self, from: NaiveDate, to: NaiveDate) -> Result<Printout> {
        let (lines, head) = self.read(|dao| Ok((classified_lines(dao, from, to)?, dao.log_head()?)))?;
        Ok(classified_register_book(&self.letterhead()?, from, to, &lines)?.with_check(head.as_ref()))
    }

    /// The register of classified documents sent as a spreadsheet.
    pub fn classified_register_xlsx(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<u8>> {
        let lines = self.classified_register_lines(from, to)?;
        crate::reports::register_sheet("Sổ văn bản mật đi", &lines)
    }
}

//! Printed documents and exports from the store: the letterhead settings, the
//! delivery slips of a batch, the outstanding list (PDF, XLSX, CSV), the call
//! list, reminder slips and the outgoing transfer register (PDF, XLSX). The
//! layouts live in `print`.

use chrono::NaiveDate;

use crate::dates::{self, today};
use crate::db::{Actor, Dao, RegisterRow, Store};
use crate::documents::shown_title;
use crate::error::{Error, Result};
use crate::model::{Classification, OutstandingQuery, OutstandingRow, PrintList, ReceiptStatus};
use crate::print::{
    call_list, outstanding_list, register_book, reminders, slip_units, slips_printout, slips_svg, status_note,
    Letterhead, Printout, RegisterLine, Reminder, Slip, SlipBatch, SlipLine, SlipPreview, SlipUnit,
};
use crate::tabular::{write_csv, xlsx_bytes, Cell};
use crate::text::{self, thousands};

const LETTERHEAD_KEY: &str = "letterhead";

/// How many pages of slips the preview shows at most: a batch to a whole
/// province (thousands of slips) is previewed by its first pages, its PDF
/// holds every slip.
pub const SLIP_PREVIEW_PAGES: usize = 120;

/// Why a printout is refused on a register whose office has not given its
/// letterhead yet (a new register never prints another office's names).
pub const NO_LETTERHEAD: &str = "chưa khai báo tiêu đề văn bản của cơ quan (cơ quan cấp trên, cơ quan ban hành, \
     địa danh, chức vụ người ký): khai báo một lần trước khi in";

/// The office's letterhead as stored, `None` until it is given.
fn stored_letterhead(dao: &Dao<'_>) -> Result<Option<Letterhead>> {
    match dao.setting(LETTERHEAD_KEY)? {
        Some(json) => Ok(Some(serde_json::from_str(&json)?)),
        None => Ok(None),
    }
}

/// Stores `letterhead` (cleaned, complete) and logs it, in the caller's
/// transaction.
fn put_letterhead(dao: &Dao<'_>, letterhead: &Letterhead) -> Result<()> {
    let letterhead = letterhead.cleaned();
    letterhead.check_complete()?;
    let json = serde_json::to_string(&letterhead)?;
    dao.put_setting(LETTERHEAD_KEY, &json, &letterhead)
}

/// The sample data's letterhead, unless the register has one (demo data).
pub(crate) fn sample_letterhead_if_none(dao: &Dao<'_>) -> Result<()> {
    if stored_letterhead(dao)?.is_none() {
        put_letterhead(dao, &Letterhead::sample())?;
    }
    Ok(())
}

impl Store {
    /// The letterhead every printout uses. Refused (field `letterhead`,
    /// [`NO_LETTERHEAD`]) until the office has given it: a new register has
    /// no office's names to print.
    pub fn letterhead(&self) -> Result<Letterhead> {
        self.letterhead_setting()?
            .ok_or_else(|| Error::invalid("letterhead", NO_LETTERHEAD))
    }

    /// The office's letterhead as stored, `None` until it is given (the
    /// window asks for it on a new register).
    pub fn letterhead_setting(&self) -> Result<Option<Letterhead>> {
        self.read(stored_letterhead)
    }

    /// Saves the letterhead used by every printed list and slip, its text
    /// fields cleaned ([`Letterhead::cleaned`]); every name is required.
    pub fn set_letterhead(&mut self, actor: &Actor, letterhead: &Letterhead) -> Result<()> {
        self.write(actor, |dao| put_letterhead(dao, letterhead))
    }

    /// Gives a register filled with sample data (`demo --scale`) the sample
    /// office's letterhead, unless it has one.
    pub fn use_sample_letterhead(&mut self, actor: &Actor) -> Result<()> {
        self.write(actor, sample_letterhead_if_none)
    }

    /// All delivery slips of a batch as one PDF, `per_page` (1 or 2) per A4 page.
    pub fn slips(&self, batch_code: &str, per_page: u8) -> Result<Vec<u8>> {
        self.slips_of(batch_code, None, per_page)
    }

    /// The delivery slips of a batch as one PDF: every unit's, or with `unit`
    /// only that unit's (a reprint for one unit).
    pub fn slips_of(&self, batch_code: &str, unit: Option<&str>, per_page: u8) -> Result<Vec<u8>> {
        self.slip_layout(batch_code, unit, per_page)?.0.pdf()
    }

    /// The slips of [`Store::slips_of`] as a printout to lay out a chunk at
    /// a time (the window's preview), with the units they are for.
    pub fn slip_printout(
        &self,
        batch_code: &str,
        unit: Option<&str>,
        per_page: u8,
    ) -> Result<(Printout, Vec<SlipUnit>)> {
        let (printout, slips) = self.slip_layout(batch_code, unit, per_page)?;
        Ok((printout, slip_units(&slips)))
    }

    /// The slips of a batch (or of one unit) as a printout, with the slips.
    pub(crate) fn slip_layout(
        &self,
        batch_code: &str,
        unit: Option<&str>,
        per_page: u8,
    ) -> Result<(Printout, Vec<Slip>)> {
        let letterhead = self.letterhead()?;
        let (batch, slips) = self.slip_sheet(batch_code, unit)?;
        Ok((slips_printout(&letterhead, &batch, &slips, per_page)?, slips))
    }

    /// The first pages of [`Store::slips_of`] as SVG images (at most
    /// [`SLIP_PREVIEW_PAGES`]), for the preview that shows the slips exactly
    /// as they print, with the units they are for.
    pub fn slip_pages(&self, batch_code: &str, unit: Option<&str>, per_page: u8) -> Result<SlipPreview> {
        let letterhead = self.letterhead()?;
        let (batch, slips) = self.slip_sheet(batch_code, unit)?;
        slips_svg(&letterhead, &batch, &slips, per_page, SLIP_PREVIEW_PAGES)
    }

    /// The batch and its slips (one unit's when `unit` is given), in the
    /// order of the tree on the day the batch was handed.
    fn slip_sheet(&self, batch_code: &str, unit: Option<&str>) -> Result<(SlipBatch, Vec<Slip>)> {
        let unit = unit.map(text::clean).filter(|u| !u.is_empty());
        self.read(|dao| {
            let (batch_id, b) = dao.batch_by_code(batch_code)?;
            let batch = SlipBatch {
                code: b.code,
                title: b.title,
                handed_on: b.handed_on,
                due_on: b.due_on,
            };
            let heads = dao.slip_heads(batch_id, batch.handed_on, unit.as_deref())?;
            if let (Some(unit), true) = (&unit, heads.is_empty()) {
                return Err(Error::invalid(
                    "unit",
                    format!("Đơn vị «{unit}» không nhận đợt «{}» nên không có phiếu", batch.code),
                ));
            }
            let mut slips = Vec::with_capacity(heads.len());
            for head in heads {
                let lines = dao
                    .slip_documents(head.receipt_id)?
                    .into_iter()
                    .map(|d| SlipLine {
                        symbol: d.symbol,
                        title: shown_title(d.classification.as_str(), d.title),
                        copies: d.copies,
                        copy_numbers: crate::model::copy_list(&d.copy_numbers),
                    })
                    .collect();
                slips.push(Slip {
                    receipt_code: head.receipt_code,
                    unit_code: head.unit_code,
                    unit_name: head.unit_name,
                    parent_name: head.parent_name,
                    lines,
                });
            }
            Ok((batch, slips))
        })
    }
}

/// Headers of the outstanding list as a spreadsheet (XLSX and CSV).
const OUTSTANDING_HEADERS: [&str; 15] = [
    "STT",
    "Tổ chức cơ sở đảng",
    "Mã đơn vị",
    "Đơn vị",
    "Bí thư",
    "Điện thoại",
    "Đợt",
    "Ngày giao",
    "Hạn xác nhận",
    "Số ngày quá hạn",
    "Mức nhắc",
    "Số bản",
    "Trạng thái",
    "Mã nhận",
    "Ghi chú",
];

const REGISTER_HEADERS: [&str; 13] = [
    "STT",
    "Ngày chuyển",
    "Đợt",
    "Số, ký hiệu",
    "Ngày văn bản",
    "Trích yếu nội dung",
    "Độ mật",
    "Mã đơn vị",
    "Nơi nhận",
    "Số bản",
    "Người ký nhận",
    "Ngày ký nhận",
    "Ghi chú",
];

fn outstanding_cells(rows: &[OutstandingRow]) -> Vec<Vec<Cell>> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                Cell::Int(i as i64 + 1),
                r.group_name.as_str().into(),
                r.unit_code.as_str().into(),
                r.unit_name.as_str().into(),
                r.secretary.clone().into(),
                r.phone.clone().into(),
                r.batch.as_str().into(),
                r.handed.into(),
                r.due.into(),
                r.days_overdue.into(),
                u32::from(r.tier).into(),
                r.copies.into(),
                r.status.label().into(),
                r.receipt_code.as_str().into(),
                status_note(r).into(),
            ]
        })
        .collect()
}

fn register_cells(lines: &[RegisterLine]) -> Vec<Vec<Cell>> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            vec![
                Cell::Int(i as i64 + 1),
                l.handed.into(),
                l.batch.as_str().into(),
                l.symbol.as_str().into(),
                l.issued.into(),
                l.title.as_str().into(),
                l.classification.as_str().into(),
                l.unit_code.as_str().into(),
                l.unit_name.as_str().into(),
                l.copies.into(),
                l.signed_by.clone().into(),
                l.signed_on.into(),
                l.note.as_str().into(),
            ]
        })
        .collect()
}

/// The printed label of a classification ("" for an ordinary document).
fn classification_label(c: Classification) -> &'static str {
    match c {
        Classification::Normal => "",
        c => c.label(),
    }
}

/// A row of the transfer register as printed: no Tuyệt mật summary, and
/// the notes column (for information, declined, partly received, signed on
/// the unit's behalf).
fn register_line(r: RegisterRow) -> RegisterLine {
    let mut notes = Vec::new();
    if !r.must_confirm {
        notes.push("Để biết".to_owned());
    }
    match r.status {
        ReceiptStatus::Declined => notes.push("Từ chối nhận".to_owned()),
        ReceiptStatus::Partial => notes.push(match r.received {
            Some(got) if got != r.quantity => format!("Nhận {got}/{} bản", r.quantity),
            _ => "Nhận thiếu".to_owned(),
        }),
        ReceiptStatus::Pending | ReceiptStatus::Confirmed => {}
    }
    if r.on_behalf {
        notes.push("Ký thay".to_owned());
    }
    if !r.copy_numbers.is_empty() {
        notes.push(format!("Bản số: {}", crate::model::copy_list(&r.copy_numbers)));
    }
    RegisterLine {
        batch: r.batch,
        batch_title: r.batch_title,
        handed: r.handed,
        symbol: r.symbol,
        issued: r.issued,
        // The register never carries a Tuyệt mật summary.
        title: shown_title(r.classification.as_str(), r.title),
        classification: classification_label(r.classification).to_owned(),
        unit_code: r.unit_code,
        unit_name: r.unit_name,
        copies: r.quantity,
        signed_by: r.signed_by,
        signed_on: r.signed_on,
        note: notes.join("; "),
    }
}

impl Store {
    /// The lines under the printed title describing the filters and the day.
    fn describe(&self, query: &OutstandingQuery) -> Result<Vec<String>> {
        let day = query.as_of.unwrap_or_else(today);
        let mut parts = Vec::new();
        parts.push(if query.batches.is_empty() {
            "Tất cả các đợt".to_owned()
        } else {
            format!("Đợt: {}", query.batches.join(", "))
        });
        if let Some(code) = query.subtree.as_deref().filter(|c| !c.trim().is_empty()) {
            let unit = self.read(|dao| dao.unit_for("subtree", code, day))?;
            parts.push(format!("Thuộc: {}", unit.unit.name));
        }
        if let Some(given) = query.document.as_deref().filter(|s| !s.trim().is_empty()) {
            parts.push(match crate::text::split_term(given) {
                Ok((symbol, Some(term))) => format!("Tài liệu: {} (khóa {})", text::clean(symbol), text::clean(term)),
                _ => format!("Tài liệu: {}", text::clean(given)),
            });
        }
        if let Some(tier) = query.tier {
            parts.push(format!("Mức nhắc {tier}"));
        } else if query.overdue_only {
            parts.push("Chỉ các đơn vị quá hạn".to_owned());
        }
        Ok(vec![
            format!("({})", parts.join("; ")),
            format!("Tính đến ngày {}", dates::vi(day)),
        ])
    }

    /// Reminder slips for every overdue unit matching the filters (overdue
    /// only, whatever the query says), with each receipt's documents.
    fn reminders_printout(&self, query: &OutstandingQuery) -> Result<Printout> {
        let query = OutstandingQuery {
            overdue_only: true,
            ..query.clone()
        };
        let day = query.as_of.unwrap_or_else(today);
        let units = self.read(|dao| {
            let rows = crate::outstanding::rows(dao, &query)?;
            let mut units: Vec<Reminder> = Vec::new();
            for row in rows {
                let documents = if row.kind == crate::model::RowKind::Recall {
                    // A recall: the copies to bring back.
                    vec![format!(
                        "Nộp lại bản số {}",
                        crate::model::copy_list(&row.copies_missing)
                    )]
                } else {
                    dao.reminder_documents(&row.receipt_code)?
                        .into_iter()
                        .map(|(symbol, copies)| format!("{symbol}: {} bản", thousands(i64::from(copies))))
                        .collect::<Vec<_>>()
                };
                match units.last_mut() {
                    Some(u) if u.unit_code == row.unit_code => {
                        u.tier = u.tier.max(row.tier);
                        u.receipts.push((row, documents));
                    }
                    _ => units.push(Reminder {
                        unit_code: row.unit_code.clone(),
                        unit_name: row.unit_name.clone(),
                        secretary: row.secretary.clone(),
                        tier: row.tier,
                        receipts: vec![(row, documents)],
                    }),
                }
            }
            Ok(units)
        })?;
        reminders(&self.letterhead()?, day, &units)
    }

    /// One of the lists printed from the outstanding filters (the list, the
    /// call list or the reminder slips), ready for PDF or preview.
    pub fn list_printout(&self, list: PrintList, query: &OutstandingQuery) -> Result<Printout> {
        type Layout = fn(&Letterhead, NaiveDate, Vec<String>, &[OutstandingRow]) -> Result<Printout>;
        let layout: Layout = match list {
            PrintList::Outstanding => outstanding_list,
            PrintList::Calls => call_list,
            PrintList::Reminders => return self.reminders_printout(query),
        };
        // The rows and the log's head from one snapshot: the check code at the
        // foot of the pages is the state the list shows.
        let (rows, head) = self.read(|dao| Ok((crate::outstanding::rows(dao, query)?, dao.log_head()?)))?;
        let day = query.as_of.unwrap_or_else(today);
        Ok(layout(&self.letterhead()?, day, self.describe(query)?, &rows)?.with_check(head.as_ref()))
    }

    /// The outstanding list as a formatted spreadsheet.
    pub fn outstanding_xlsx(&self, query: &OutstandingQuery) -> Result<Vec<u8>> {
        let rows = self.outstanding(query)?;
        xlsx_bytes("Chưa xác nhận", &OUTSTANDING_HEADERS, &outstanding_cells(&rows))
    }

    /// The outstanding list as CSV (UTF-8 with BOM, Vietnamese headers).
    pub fn outstanding_csv(&self, query: &OutstandingQuery, out: impl std::io::Write) -> Result<()> {
        let rows = self.outstanding(query)?;
        write_csv(out, &OUTSTANDING_HEADERS, &outstanding_cells(&rows))
    }

    /// Every document handed to every unit between two days (inclusive), in
    /// the order of the outgoing transfer register.
    pub fn register_lines(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<RegisterLine>> {
        self.read(|dao| register_lines(dao, from, to))
    }

    /// The outgoing transfer register for a period, in the party layout.
    pub fn register_printout(&self, from: NaiveDate, to: NaiveDate) -> Result<Printout> {
        let (lines, head) = self.read(|dao| Ok((register_lines(dao, from, to)?, dao.log_head()?)))?;
        Ok(register_book(&self.letterhead()?, from, to, &lines)?.with_check(head.as_ref()))
    }

    /// The outgoing transfer register for a period as a spreadsheet.
    pub fn register_xlsx(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<u8>> {
        register_sheet("Sổ chuyển giao", &self.register_lines(from, to)?)
    }
}

/// Lines of the transfer register (or of the register of classified
/// documents sent) as a spreadsheet.
pub(crate) fn register_sheet(sheet: &str, lines: &[RegisterLine]) -> Result<Vec<u8>> {
    xlsx_bytes(sheet, &REGISTER_HEADERS, &register_cells(lines))
}

/// Every document handed to every unit between two days (inclusive), in
/// the order of the outgoing transfer register.
pub(crate) fn register_lines(dao: &Dao<'_>, from: NaiveDate, to: NaiveDate) -> Result<Vec<RegisterLine>> {
    if to < from {
        return Err(Error::invalid("to", "ngày cuối phải sau ngày đầu"));
    }
    Ok(dao.register_rows(from, to)?.into_iter().map(register_line).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample register: two batches to a handful of branches.
    fn demo() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = Store::open(&dir.path().join("t.sqlite3")).expect("open");
        s.load_demo(&Actor::new("văn thư", "test")).expect("demo");
        (dir, s)
    }

    /// A new register has no office's names: every printout is refused,
    /// naming the letterhead, until the office gives all four.
    #[test]
    fn nothing_prints_before_the_office_gives_its_letterhead() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = Store::open(&dir.path().join("t.sqlite3")).expect("open");
        let a = Actor::new("văn thư", "test");
        assert_eq!(s.letterhead_setting().expect("read"), None);
        let refused = |got: Result<Printout>| {
            assert!(
                matches!(&got, Err(Error::Invalid { field, message }) if field == "letterhead" && message == NO_LETTERHEAD),
                "{:?}",
                got.map(|_| "a printout")
            );
        };
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).expect("date");
        refused(s.list_printout(PrintList::Outstanding, &OutstandingQuery::default()));
        refused(s.register_printout(day, day));

        let mut partial = Letterhead::blank();
        partial.parent_body = "ĐẢNG BỘ TỈNH NGHỆ AN".into();
        partial.issuing_body = "  ".into();
        let err = s.set_letterhead(&a, &partial).expect_err("incomplete");
        assert!(
            matches!(&err, Error::Invalid { field, .. } if field == "issuing_body"),
            "{err:?}"
        );
        assert_eq!(s.letterhead_setting().expect("read"), None, "nothing saved");

        partial.issuing_body = "VĂN PHÒNG TỈNH ỦY".into();
        partial.place = "Nghệ An".into();
        s.set_letterhead(&a, &partial).expect("complete");
        let pdf = s
            .list_printout(PrintList::Outstanding, &OutstandingQuery::default())
            .and_then(|p| p.pdf())
            .expect("prints now");
        let file = dir.path().join("list.pdf");
        std::fs::write(&file, pdf).expect("write");
        let text = crate::print::testing::pdf_text(&file);
        assert!(
            text.contains("ĐẢNG BỘ TỈNH NGHỆ AN") && !text.contains("HÀ TĨNH"),
            "{text}"
        );
    }

    /// The sample data brings the sample office's names, so it can be printed.
    #[test]
    fn the_sample_data_brings_its_letterhead() {
        let (_d, s) = demo();
        assert_eq!(s.letterhead().expect("given"), Letterhead::sample());
    }

    #[test]
    fn slip_pages_preview_every_slip_or_one_units() {
        let (_d, s) = demo();
        let batch = s.list_batches().expect("batches").remove(0);
        let preview = s.slip_pages(&batch.code, None, 1).expect("every slip");
        assert_eq!(preview.units.len(), batch.recipients as usize, "every recipient's slip");
        let all = preview.pages;
        assert_eq!(all.len(), batch.recipients as usize, "one page per recipient");
        assert!(all.iter().all(|p| p.starts_with("<svg")));
        let two_up = s.slip_pages(&batch.code, None, 2).expect("two per page").pages;
        // A slip too long for half a page keeps a page of its own.
        assert!(
            (all.len().div_ceil(2)..=all.len()).contains(&two_up.len()),
            "{}",
            two_up.len()
        );

        // One unit's slip: the receipt code of that unit only.
        let rows = s
            .outstanding(&OutstandingQuery {
                batches: vec![batch.code.clone()],
                ..OutstandingQuery::default()
            })
            .expect("outstanding");
        let row = rows.first().expect("an open receipt");
        let one = s.slip_pages(&batch.code, Some(&row.unit_code), 1).expect("one slip");
        assert_eq!((one.pages.len(), one.total_pages), (1, 1));
        assert_eq!(one.units.len(), 1);
        assert_eq!(one.units[0].receipt_code, row.receipt_code);
        let pdf = s
            .slips_of(&batch.code, Some(&row.unit_code), 1)
            .expect("one slip as PDF");
        assert!(pdf.starts_with(b"%PDF"));
        let everything = s.slips(&batch.code, 1).expect("every slip as PDF");
        assert!(everything.len() > pdf.len(), "one slip is smaller than all of them");

        // A unit that did not receive the batch has no slip: said so, by field.
        let err = s.slip_pages(&batch.code, Some("KHÔNG-CÓ"), 1).unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { field, .. } if field == "unit"),
            "{err:?}"
        );
        assert!(err.to_string().contains("KHÔNG-CÓ"), "{err}");
        assert!(s.slip_pages("không có đợt này", None, 1).is_err());
    }
}

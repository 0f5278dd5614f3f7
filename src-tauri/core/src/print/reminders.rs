//! Reminder slips: a page (or more) per overdue unit, each outstanding
//! receipt with its documents, due date, days overdue, receipt code and QR
//! code, laid out some units at a time as a list is.

use chrono::NaiveDate;
use serde::Serialize;

use super::printout::{Printout, PAGES_ITEMS};
use super::slips::{display_code, qr_svg};
use super::{place_date, short_date, Letterhead};
use crate::model::OutstandingRow;
use crate::text::thousands;
use crate::Result;

const REMINDERS: &str = include_str!("reminders.typ");

/// What one overdue unit must still confirm, for its reminder slip.
#[derive(Debug, Clone)]
pub struct Reminder {
    pub unit_code: String,
    pub unit_name: String,
    pub secretary: Option<String>,
    pub tier: u8,
    /// Each outstanding receipt with its documents ("05-KH/HU: 3 bản").
    pub receipts: Vec<(OutstandingRow, Vec<String>)>,
}

#[derive(Serialize)]
struct ReminderRow {
    batch: String,
    batch_title: Option<String>,
    documents: Vec<String>,
    due: String,
    days: String,
    code: String,
    qr: String,
}

#[derive(Serialize)]
struct ReminderUnit {
    unit_code: String,
    unit_name: String,
    secretary: Option<String>,
    tier_line: Option<String>,
    intro: String,
    rows: Vec<ReminderRow>,
}

#[derive(Serialize)]
struct RemindersData<'a> {
    letterhead: &'a Letterhead,
    date_line: String,
    how_to: String,
    signer_title: &'a str,
}

/// Reminder slips: one page per unit, each outstanding receipt with its
/// documents, due date, days overdue, receipt code and QR code.
pub fn reminders(letterhead: &Letterhead, as_of: NaiveDate, units: &[Reminder]) -> Result<Printout> {
    letterhead.check()?;
    if units.is_empty() {
        return Err(crate::Error::invalid(
            "units",
            "không có đơn vị nào quá hạn để in giấy nhắc",
        ));
    }
    let units = units
        .iter()
        .map(|u| {
            let rows = u
                .receipts
                .iter()
                .map(|(r, documents)| {
                    Ok(ReminderRow {
                        batch: r.batch.clone(),
                        batch_title: (r.batch_title != r.batch && !r.batch_title.is_empty())
                            .then(|| r.batch_title.clone()),
                        documents: documents.clone(),
                        due: short_date(r.due),
                        days: if r.days_overdue > 0 {
                            thousands(i64::from(r.days_overdue))
                        } else {
                            String::new()
                        },
                        code: display_code(&r.receipt_code),
                        qr: qr_svg(&r.receipt_code)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(ReminderUnit {
                unit_code: u.unit_code.clone(),
                unit_name: u.unit_name.clone(),
                secretary: u.secretary.clone(),
                tier_line: (u.tier > 1).then(|| format!("(Nhắc lần {})", u.tier)),
                intro: format!(
                    "Đến ngày {}, {} chưa xác nhận đã nhận {} đợt tài liệu dưới đây:",
                    short_date(as_of),
                    u.unit_name,
                    thousands(rows.len() as i64)
                ),
                rows,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let data = RemindersData {
        letterhead,
        date_line: place_date(&letterhead.place, as_of),
        how_to: "Đề nghị đồng chí Bí thư xác nhận: ký nhận vào phiếu giao nhận rồi gửi lại, \
                 đến văn phòng xác nhận trực tiếp, hoặc báo mã nhận ở trên."
            .to_owned(),
        signer_title: &letterhead.signer_title,
    };
    // A page (or more) per unit: laid out some units at a time, as a list is.
    let units = units
        .into_iter()
        .map(|u: ReminderUnit| serde_json::to_value(u))
        .collect::<serde_json::Result<_>>()?;
    Ok(Printout::in_pieces(REMINDERS, "units", &data, units)?.in_chunks_of(PAGES_ITEMS))
}

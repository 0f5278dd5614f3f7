//! The outstanding list: every must-confirm receipt that is not confirmed,
//! with days overdue counted against an as-of date.

use chrono::NaiveDate;
use rusqlite::params;

use crate::error::Result;
use crate::model::{OutstandingQuery, OutstandingRow, ReceiptStatus};
use crate::store::{today, Store};
use crate::text;

/// Days past `due` at `as_of`; 0 when not yet due.
pub fn days_overdue(due: NaiveDate, as_of: NaiveDate) -> u32 {
    u32::try_from((as_of - due).num_days()).unwrap_or(0)
}

impl Store {
    /// Unconfirmed receipts, oldest batch first, units in Vietnamese order.
    pub fn outstanding(&self, query: &OutstandingQuery) -> Result<Vec<OutstandingRow>> {
        let as_of = query.as_of.unwrap_or_else(today);
        let batch = query.batch.as_deref().map(text::clean);
        self.read(|dao| {
            // The WHERE clause matches the partial index receipt_open_idx, so
            // only open receipts are read.
            let mut stmt = dao.conn.prepare_cached(
                "SELECT b.code AS batch, b.title AS batch_title, u.code AS unit_code, u.name AS unit_name,
                        b.handed_on, b.due_on, r.copies, r.code AS receipt_code, r.status
                 FROM receipt r
                 JOIN batch b ON b.id = r.batch_id
                 JOIN unit u ON u.id = r.unit_id
                 WHERE r.status <> 'confirmed' AND r.must_confirm = 1
                   AND b.cancelled_at IS NULL
                   AND (?1 IS NULL OR b.code = ?1)
                 ORDER BY b.due_on, b.code, u.sort_key, u.code",
            )?;
            let rows = stmt
                .query_map(params![batch], |r| {
                    let due: NaiveDate = r.get("due_on")?;
                    let status: String = r.get("status")?;
                    Ok(OutstandingRow {
                        batch: r.get("batch")?,
                        batch_title: r.get("batch_title")?,
                        unit_code: r.get("unit_code")?,
                        unit_name: r.get("unit_name")?,
                        handed: r.get("handed_on")?,
                        due,
                        days_overdue: days_overdue(due, as_of),
                        copies: r.get("copies")?,
                        receipt_code: r.get("receipt_code")?,
                        status: ReceiptStatus::parse(&status).unwrap_or(ReceiptStatus::Pending),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_overdue_counts_only_past_due() {
        let due = NaiveDate::from_ymd_opt(2022, 8, 10).expect("date");
        assert_eq!(days_overdue(due, NaiveDate::from_ymd_opt(2022, 8, 1).expect("date")), 0);
        assert_eq!(days_overdue(due, due), 0);
        assert_eq!(
            days_overdue(due, NaiveDate::from_ymd_opt(2022, 8, 13).expect("date")),
            3
        );
    }
}

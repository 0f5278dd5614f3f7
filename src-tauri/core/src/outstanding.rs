//! The outstanding list: every must-confirm receipt that is not confirmed,
//! with days overdue counted against an as-of date.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::params;

use crate::error::Result;
use crate::model::{OutstandingQuery, OutstandingRow, ReceiptStatus};
use crate::store::{today, Dao, Store};
use crate::text;

/// Days past `due` at `as_of`; 0 when not yet due.
pub fn days_overdue(due: NaiveDate, as_of: NaiveDate) -> u32 {
    u32::try_from((as_of - due).num_days()).unwrap_or(0)
}

impl Dao<'_> {
    /// For every unit that was merged or split away, the code and name (on
    /// `day`) of the unit that finally took its place.
    pub(crate) fn successors(&self, day: NaiveDate) -> Result<HashMap<i64, (String, String)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, successor_id FROM unit WHERE successor_id IS NOT NULL")?;
        let next: HashMap<i64, i64> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = HashMap::with_capacity(next.len());
        let mut name_of = self.conn.prepare_cached(
            "SELECT u.code, v.name FROM unit u JOIN unit_version v ON v.unit_id = u.id
             WHERE u.id = ?1 AND v.valid_from <= ?2 AND ?2 < v.valid_to",
        )?;
        for &start in next.keys() {
            let mut last = start;
            // Follow the chain; the step bound guards against a cycle.
            for _ in 0..next.len() {
                match next.get(&last) {
                    Some(&n) => last = n,
                    None => break,
                }
            }
            let (code, name): (String, String) =
                name_of.query_row(params![last, day], |r| Ok((r.get(0)?, r.get(1)?)))?;
            out.insert(start, (code, name));
        }
        Ok(out)
    }
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
                "SELECT b.code AS batch, b.title AS batch_title, u.id AS unit_id, u.code AS unit_code, v.name AS unit_name,
                        b.handed_on, b.due_on, r.copies, r.code AS receipt_code, r.status
                 FROM receipt r
                 JOIN batch b ON b.id = r.batch_id
                 JOIN unit u ON u.id = r.unit_id
                 JOIN unit_version v ON v.unit_id = u.id AND v.valid_from <= ?2 AND ?2 < v.valid_to
                 WHERE r.status <> 'confirmed' AND r.must_confirm = 1
                   AND b.cancelled_at IS NULL
                   AND (?1 IS NULL OR b.code = ?1)
                 ORDER BY b.due_on, b.code, v.sort_key, u.code",
            )?;
            let successors = dao.successors(as_of)?;
            let mut rows = stmt
                .query_map(params![batch, as_of], |r| {
                    let due: NaiveDate = r.get("due_on")?;
                    let status: String = r.get("status")?;
                    let unit_id: i64 = r.get("unit_id")?;
                    Ok((unit_id, OutstandingRow {
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
                        in_place_of: None,
                        in_place_of_name: None,
                    }))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            // A merged unit's open receipts show under its (final) successor.
            if !successors.is_empty() {
                for (unit_id, row) in &mut rows {
                    if let Some((code, name)) = successors.get(unit_id) {
                        row.in_place_of = Some(std::mem::replace(&mut row.unit_code, code.clone()));
                        row.in_place_of_name = Some(std::mem::replace(&mut row.unit_name, name.clone()));
                    }
                }
            }
            Ok(rows.into_iter().map(|(_, r)| r).collect())
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

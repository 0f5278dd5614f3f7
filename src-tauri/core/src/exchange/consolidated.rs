//! The consolidated outstanding list of a parent office: its own open
//! receipts and those its child offices reported of their own batches
//! (`report` events), each row naming the office that reported it (`site`:
//! that office's unit code; ours for our own rows). In the window, the
//! child offices' part comes office by office, with how old each office's
//! latest packet is (`child_reports`).

use std::collections::HashMap;

use chrono::{DateTime, Local, NaiveDate};
use serde::Serialize;

use crate::db::exchange_report::RemoteOpen;
use crate::db::Store;
use crate::error::Result;
use crate::model::{OutstandingQuery, OutstandingRow, RowKind, Tiers};
use crate::outstanding::days_overdue;

/// What one child office has reported: its open receipts (of its own
/// batches, to its branches) and how old its latest packet is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct OfficeReport {
    /// The office's unit code and the name on its card.
    pub unit: String,
    pub name: String,
    /// When its latest packet was applied here (UTC), and how many days
    /// before the as-of day that was; `None` before its first packet.
    pub last_in_at: Option<String>,
    #[ts(type = "number | null")]
    pub days_since: Option<i64>,
    /// Its open receipts as it reported them, overdue counted on the day.
    pub rows: Vec<OutstandingRow>,
}

/// A row of `outstanding --consolidated`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsolidatedRow {
    /// The unit code of the office that holds the receipt.
    pub site: String,
    #[serde(flatten)]
    pub row: OutstandingRow,
}

impl Store {
    /// Our open receipts for `query`, then the open receipts our child
    /// offices reported (by office, then batch and unit; the filters other
    /// than the day apply to our own rows only).
    pub fn outstanding_consolidated(&self, query: &OutstandingQuery) -> Result<Vec<ConsolidatedRow>> {
        self.read(|dao| {
            let site = dao.site_required()?;
            let day = query.as_of.unwrap_or_else(crate::dates::today);
            let tiers = crate::outstanding::tiers(dao)?;
            let mut out: Vec<ConsolidatedRow> = crate::outstanding::rows(dao, query)?
                .into_iter()
                .map(|row| ConsolidatedRow {
                    site: site.unit_code.clone(),
                    row,
                })
                .collect();
            for r in dao.remote_open()? {
                out.push(ConsolidatedRow {
                    site: r.site.clone(),
                    row: remote_row(r, day, &tiers),
                });
            }
            Ok(out)
        })
    }

    /// Every child office we trust, in the order of their units' codes,
    /// with the open receipts it reported and the age of its latest packet
    /// on `as_of` (today when absent).
    pub fn child_reports(&self, as_of: Option<NaiveDate>) -> Result<Vec<OfficeReport>> {
        self.read(|dao| {
            let day = as_of.unwrap_or_else(crate::dates::today);
            let tiers = crate::outstanding::tiers(dao)?;
            let mut offices: Vec<OfficeReport> = Vec::new();
            for peer in dao.peers()?.into_iter().filter(|p| p.relation == "child") {
                let last_in_at = dao.last_in_at(&peer.id)?;
                offices.push(OfficeReport {
                    unit: peer.unit_code,
                    name: peer.name,
                    days_since: last_in_at.as_deref().and_then(|at| days_since(at, day)),
                    last_in_at,
                    rows: Vec::new(),
                });
            }
            offices.sort_by(|a, b| a.unit.cmp(&b.unit));
            // A province has hundreds of offices and thousands of rows.
            let index: HashMap<String, usize> = offices.iter().enumerate().map(|(i, o)| (o.unit.clone(), i)).collect();
            for r in dao.remote_open()? {
                if let Some(&i) = index.get(&r.site) {
                    offices[i].rows.push(remote_row(r, day, &tiers));
                }
            }
            Ok(offices)
        })
    }
}

/// An open receipt a child office reported, as a row of our lists.
fn remote_row(r: RemoteOpen, day: NaiveDate, tiers: &Tiers) -> OutstandingRow {
    let days = days_overdue(r.due_on, day);
    OutstandingRow {
        batch: r.batch_code,
        batch_title: r.batch_title,
        unit_code: r.unit_code,
        unit_name: r.unit_name,
        group_code: r.group_code.unwrap_or_default(),
        group_name: r.group_name.unwrap_or_default(),
        secretary: None,
        phone: None,
        handed: r.handed_on,
        due: r.due_on,
        days_overdue: days,
        tier: tiers.tier_of(days),
        copies: r.copies,
        receipt_code: r.code,
        status: r.status,
        in_place_of: None,
        in_place_of_name: None,
        kind: RowKind::Receipt,
        copies_missing: Vec::new(),
    }
}

/// Whole days from the local day of the UTC time `at` to `day`.
fn days_since(at: &str, day: NaiveDate) -> Option<i64> {
    let then = DateTime::parse_from_rfc3339(at)
        .ok()?
        .with_timezone(&Local)
        .date_naive();
    Some((day - then).num_days())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_age_of_a_packet_is_counted_in_local_days() {
        let today = crate::dates::today();
        assert_eq!(days_since(&crate::dates::now_utc(), today), Some(0));
        let week_later = today.checked_add_days(chrono::Days::new(7)).expect("day");
        assert_eq!(days_since(&crate::dates::now_utc(), week_later), Some(7));
        assert_eq!(days_since("not a time", today), None);
    }
}

//! The consolidated outstanding list of a parent office: its own open
//! receipts and those its child offices reported of their own batches
//! (`report` events), each row naming the office that reported it (`site`:
//! that office's unit code; ours for our own rows).

use serde::Serialize;

use crate::db::Store;
use crate::error::Result;
use crate::model::{OutstandingQuery, OutstandingRow};
use crate::outstanding::days_overdue;

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
                let days = days_overdue(r.due_on, day);
                out.push(ConsolidatedRow {
                    site: r.site,
                    row: OutstandingRow {
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
                    },
                });
            }
            Ok(out)
        })
    }
}

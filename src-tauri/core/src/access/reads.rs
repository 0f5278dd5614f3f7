//! What each grant may read. Least privilege for a secretary: only their own
//! unit's receipts, batches and documents (the unit and the units merged into
//! it) — the outstanding list, the batch list with that unit's figures, the
//! documents handed to it, its receipts, the dashboard counted over its
//! receipts, a receipt found by its code. Everyone else reads the whole
//! register.
//!
//! Summaries (trích yếu) of classified documents: administrators, clerks and
//! supervisors read every summary on the documents screen; a secretary reads
//! those of the documents handed to their unit, except a Tuyệt mật one, of
//! which they see only the symbol. A Tuyệt mật summary is never printed,
//! exported or written by the command line (`documents::shown_title`).

use chrono::NaiveDate;

use super::{Grant, Scope};
use crate::db::Store;
use crate::error::{Error, Result};
use crate::model::{
    Batch, BatchStats, CopyRow, CurvePoint, Document, GroupCompletion, HeldCopy, OutstandingPage, OutstandingQuery,
    OutstandingRow, Recall, ReceiptDetail, ReceivedRecall, UnitFlag, UnitReceipt,
};
use crate::text;

/// The units a secretary reads: their own and those merged into it.
pub(super) struct Units {
    pub(super) own: String,
    pub(super) ids: Vec<i64>,
    pub(super) codes: Vec<String>,
}

impl Units {
    fn json(&self) -> String {
        serde_json::json!(self.ids).to_string()
    }

    pub(super) fn refuse(&self, what: &str) -> Error {
        Error::Forbidden(format!(
            "Tài khoản bí thư đơn vị «{}» chỉ xem được {what} của đơn vị mình",
            self.own
        ))
    }
}

impl Store {
    /// `None`: the grant reads everything.
    pub(super) fn units_of(&self, grant: &Grant) -> Result<Option<Units>> {
        match grant.scope() {
            Scope::All => Ok(None),
            Scope::Unit(own) => {
                let units = self.read(|dao| dao.own_units(&text::clean(&own)))?;
                let (ids, codes) = units.into_iter().unzip();
                Ok(Some(Units { own, ids, codes }))
            }
        }
    }

    /// The outstanding list as `grant` may read it.
    pub fn outstanding_for(&self, grant: &Grant, query: &OutstandingQuery) -> Result<Vec<OutstandingRow>> {
        let mut rows = self.outstanding(query)?;
        if let Some(units) = self.units_of(grant)? {
            // A merged unit's receipts show under its successor's code.
            rows.retain(|r| units.codes.contains(&r.unit_code));
        }
        Ok(rows)
    }

    /// A page of the outstanding list as `grant` may read it, its totals
    /// counting only what the grant may read.
    pub fn outstanding_page_for(
        &self,
        grant: &Grant,
        query: &OutstandingQuery,
        offset: u32,
        limit: u32,
    ) -> Result<OutstandingPage> {
        let units = self.units_of(grant)?;
        self.read(|dao| {
            // A merged unit's receipts show under its successor's code.
            let codes: Option<std::collections::HashSet<&str>> =
                units.as_ref().map(|u| u.codes.iter().map(String::as_str).collect());
            let keep = codes.as_ref().map(|codes| move |code: &str| codes.contains(code));
            let keep = keep.as_ref().map(|k| k as &dyn Fn(&str) -> bool);
            crate::outstanding::page(dao, query, keep, offset, limit)
        })
    }

    /// The flags of the units in the tree as `grant` may read them.
    pub fn unit_flags_for(&self, grant: &Grant, as_of: Option<NaiveDate>) -> Result<Vec<UnitFlag>> {
        if grant.scope() == Scope::All {
            return self.unit_flags(as_of);
        }
        let query = OutstandingQuery {
            as_of,
            ..OutstandingQuery::default()
        };
        Ok(crate::dashboard::flags_of(self.outstanding_for(grant, &query)?))
    }

    /// The batches as `grant` may read them: a secretary's only those their
    /// unit received, with the figures of its own receipts.
    pub fn batches_for(&self, grant: &Grant) -> Result<Vec<Batch>> {
        match self.units_of(grant)? {
            None => self.list_batches(),
            Some(units) => self.read(|dao| dao.batches_of_units(&units.json())),
        }
    }

    /// The documents register on screen: every summary for the staff; for a
    /// secretary, only the documents handed to their unit, a Tuyệt mật one
    /// with its symbol only.
    pub fn documents_for(&self, grant: &Grant) -> Result<Vec<Document>> {
        match self.units_of(grant)? {
            None => self.documents_with_summaries(),
            Some(units) => {
                let handed = self.read(|dao| dao.documents_of_units(&units.json()))?;
                let mut docs = self.list_documents()?;
                docs.retain(|d| handed.contains(&d.uid));
                Ok(docs)
            }
        }
    }

    /// Every numbered copy of a classified document and where it is: the
    /// office's register, not a secretary's.
    pub fn copies_for(&self, grant: &Grant, symbol: &str, uid: Option<&str>) -> Result<Vec<CopyRow>> {
        match self.units_of(grant)? {
            None => self.copies(symbol, uid),
            Some(units) => Err(units.refuse("bản số văn bản mật")),
        }
    }

    /// The classified copies a unit holds: any unit for the staff, their own
    /// for a secretary.
    pub fn copies_held_for(&self, grant: &Grant, unit_code: &str) -> Result<Vec<HeldCopy>> {
        if let Some(units) = self.units_of(grant)? {
            if !units.codes.contains(&text::clean(unit_code)) {
                return Err(units.refuse("bản mật đang giữ"));
            }
        }
        self.copies_held(unit_code)
    }

    /// The recalls with their progress: the office's register.
    pub fn recalls_for(&self, grant: &Grant) -> Result<Vec<Recall>> {
        match self.units_of(grant)? {
            None => self.recalls(),
            Some(units) => Err(units.refuse("các lệnh thu hồi")),
        }
    }

    /// The recalls parent offices sent, a row per unit holding copies: the
    /// office's, like its own recalls.
    pub fn received_recalls_for(&self, grant: &Grant) -> Result<Vec<ReceivedRecall>> {
        match self.units_of(grant)? {
            None => self.received_recall_rows(),
            Some(units) => Err(units.refuse("các lệnh thu hồi của cấp trên")),
        }
    }

    /// Dashboard figures as `grant` may read them (a secretary's: over their
    /// unit's receipts, for the batches it received).
    pub fn batch_stats_for(
        &self,
        grant: &Grant,
        codes: &[String],
        as_of: Option<NaiveDate>,
    ) -> Result<Vec<BatchStats>> {
        let units = self.units_of(grant)?;
        self.batch_stats_in(units.as_ref().map(|u| u.ids.as_slice()), codes, as_of)
    }

    /// Completion per grassroots committee as `grant` may read it.
    pub fn group_completion_for(
        &self,
        grant: &Grant,
        batch: &str,
        as_of: Option<NaiveDate>,
    ) -> Result<Vec<GroupCompletion>> {
        let units = self.units_of(grant)?;
        self.group_completion_in(units.as_ref().map(|u| u.ids.as_slice()), batch, as_of)
    }

    /// Confirmations over time as `grant` may read them.
    pub fn confirmation_curve_for(&self, grant: &Grant, batch: &str) -> Result<Vec<CurvePoint>> {
        let units = self.units_of(grant)?;
        self.confirmation_curve_in(units.as_ref().map(|u| u.ids.as_slice()), batch)
    }

    /// A unit's receipts; a secretary reads only their own unit's.
    pub fn unit_receipts_for(&self, grant: &Grant, code: &str) -> Result<Vec<UnitReceipt>> {
        if let Some(units) = self.units_of(grant)? {
            if !units.codes.contains(&text::clean(code)) {
                return Err(units.refuse("các đợt đã nhận"));
            }
        }
        self.unit_receipts(code)
    }

    /// A receipt found by its code; a secretary finds only their own unit's.
    pub fn receipt_for(&self, grant: &Grant, code: &str) -> Result<ReceiptDetail> {
        let detail = self.receipt(code)?;
        if let Some(units) = self.units_of(grant)? {
            if !units.codes.contains(&detail.unit_code) {
                return Err(units.refuse("phiếu"));
            }
        }
        Ok(detail)
    }
}

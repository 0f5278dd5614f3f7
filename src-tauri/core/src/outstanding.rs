//! The outstanding list: every must-confirm receipt not confirmed on the as-of
//! day, with days overdue and the escalation tier, filtered by batch, subtree,
//! document, tier, and grouped by the hierarchy (grassroots committee, then its
//! branches) in Vietnamese order.
//!
//! For today (the common case) the query reads only open receipts through the
//! partial index `receipt_open_idx`; for a day in the past it also reads the
//! receipts confirmed after that day, which were still open then.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::types::ToSql;

use crate::db::{today, Actor, Dao, Store};
use crate::error::{Error, Result};
use crate::model::{OutstandingQuery, OutstandingRow, ReceiptStatus, Tiers};
use crate::text;
use crate::tree::Tree;

const TIERS_KEY: &str = "overdue_tiers";

/// Days past `due` at `as_of`; 0 when not yet due.
pub fn days_overdue(due: NaiveDate, as_of: NaiveDate) -> u32 {
    u32::try_from((as_of - due).num_days()).unwrap_or(0)
}

impl Default for Tiers {
    fn default() -> Tiers {
        Tiers { days: vec![1, 7, 14] }
    }
}

impl Tiers {
    /// The tier of a receipt `days` overdue: 0 when not overdue.
    pub fn tier_of(&self, days: u32) -> u8 {
        if days == 0 {
            return 0;
        }
        let reached = self.days.iter().take_while(|&&start| days >= start).count();
        // A receipt overdue before the first threshold is still tier 1.
        u8::try_from(reached.max(1)).unwrap_or(u8::MAX)
    }

    fn check(&self) -> Result<()> {
        let ascending = self.days.windows(2).all(|w| w[0] < w[1]);
        if self.days.is_empty() || self.days.len() > 5 || !ascending || self.days[0] < 1 {
            return Err(Error::invalid(
                "days",
                "Các mức nhắc phải có từ 1 đến 5 mốc số ngày quá hạn, tăng dần, mốc đầu ít nhất 1 ngày",
            ));
        }
        Ok(())
    }
}

/// A receipt's status on day `:day`: a confirmation (or partial receipt, or
/// refusal) signed after that day had not happened yet.
pub(crate) const STATUS_ON_DAY: &str = "CASE WHEN r.status <> 'pending'
           AND coalesce(r.signed_on, substr(r.entered_at, 1, 10)) > :day
      THEN 'pending' ELSE r.status END";

/// SQL that reads receipts as they stood on day `:day`: the status then and
/// whether the receipt was open then.
pub(crate) struct AsOf {
    pub status: &'static str,
    pub open: &'static str,
}

/// Chooses the SQL for `day`: today or later reads the current status and
/// only open receipts (the partial index); an earlier day rewinds.
pub(crate) fn as_of_sql(day: NaiveDate) -> AsOf {
    if day >= today() {
        AsOf {
            status: "r.status",
            open: "r.status <> 'confirmed' AND r.must_confirm = 1",
        }
    } else {
        AsOf {
            status: STATUS_ON_DAY,
            open: "r.must_confirm = 1 AND (r.status <> 'confirmed'
                   OR coalesce(r.signed_on, substr(r.entered_at, 1, 10)) > :day)",
        }
    }
}

impl Dao<'_> {
    /// For every unit merged or split away, the unit that finally took its place.
    pub(crate) fn successors(&self) -> Result<HashMap<i64, i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, successor_id FROM unit WHERE successor_id IS NOT NULL")?;
        let next: HashMap<i64, i64> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = HashMap::with_capacity(next.len());
        for &start in next.keys() {
            let mut last = start;
            // Follow the chain; the step bound guards against a cycle.
            for _ in 0..next.len() {
                match next.get(&last) {
                    Some(&n) => last = n,
                    None => break,
                }
            }
            out.insert(start, last);
        }
        Ok(out)
    }

    /// Code and last name of a unit missing from a day's tree (closed by then).
    pub(crate) fn last_label(&self, unit_id: i64) -> Result<(String, String)> {
        Ok(self.conn.query_row(
            "SELECT u.code, v.name FROM unit u JOIN unit_version v ON v.unit_id = u.id
             WHERE u.id = ?1 ORDER BY (v.valid_from < u.closed_on) DESC, v.valid_from DESC LIMIT 1",
            [unit_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    pub(crate) fn tiers(&self) -> Result<Tiers> {
        match self.setting(TIERS_KEY)? {
            Some(json) => Ok(serde_json::from_str(&json)?),
            None => Ok(Tiers::default()),
        }
    }

    /// Ids of the live batches with these codes; an unknown code is an error.
    pub(crate) fn batch_ids(&self, codes: &[String]) -> Result<Vec<i64>> {
        codes.iter().map(|c| self.batch_by_code(c).map(|(id, _)| id)).collect()
    }

    /// Ids of the documents with this symbol (one per committee term).
    fn document_ids(&self, symbol: &str) -> Result<Vec<i64>> {
        let symbol = text::clean(symbol);
        let mut stmt = self.conn.prepare_cached("SELECT id FROM document WHERE symbol = ?1")?;
        let ids = stmt
            .query_map([&symbol], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        if ids.is_empty() {
            return Err(Error::not_found("Văn bản", symbol));
        }
        Ok(ids)
    }

    pub(crate) fn outstanding(&self, query: &OutstandingQuery) -> Result<Vec<OutstandingRow>> {
        let day = query.as_of.unwrap_or_else(today);
        let tiers = self.tiers()?;
        let tree = self.tree_on(day)?;
        let subtree = match &query.subtree {
            Some(code) if !code.trim().is_empty() => Some(self.unit_for("subtree", code, day)?.id),
            _ => None,
        };
        let batches = (!query.batches.is_empty())
            .then(|| self.batch_ids(&query.batches))
            .transpose()?
            .map(|ids| serde_json::json!(ids).to_string());
        let documents = match &query.document {
            Some(symbol) if !symbol.trim().is_empty() => {
                Some(serde_json::json!(self.document_ids(symbol)?).to_string())
            }
            _ => None,
        };

        let sql = AsOf::select_rows(day, batches.is_some(), documents.is_some());
        let mut params: Vec<(&str, &dyn ToSql)> = vec![(":day", &day)];
        if let Some(b) = &batches {
            params.push((":batches", b));
        }
        if let Some(d) = &documents {
            params.push((":docs", d));
        }
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let raw = stmt
            .query_map(params.as_slice(), |r| {
                Ok(Raw {
                    unit_id: r.get("unit_id")?,
                    batch: r.get("batch")?,
                    batch_title: r.get("batch_title")?,
                    handed: r.get("handed_on")?,
                    due: r.get("due_on")?,
                    copies: r.get("copies")?,
                    receipt_code: r.get("receipt_code")?,
                    status: r.get("status")?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;

        let successors = self.successors()?;
        let secretaries = self.secretaries_on(day)?;
        let mut labels: HashMap<i64, (String, String)> = HashMap::new();
        let mut out: Vec<(u32, OutstandingRow)> = Vec::with_capacity(raw.len());
        for r in raw {
            // A merged unit's open receipts show under its (final) successor.
            let (unit_id, original) = match successors.get(&r.unit_id) {
                Some(&s) => (s, Some(r.unit_id)),
                None => (r.unit_id, None),
            };
            if subtree.is_some_and(|root| !tree.within(unit_id, root)) {
                continue;
            }
            let days = days_overdue(r.due, day);
            let tier = tiers.tier_of(days);
            if (query.overdue_only && days == 0) || query.tier.is_some_and(|t| t != tier) {
                continue;
            }
            let (unit_code, unit_name, rank) = self.label(&tree, &mut labels, unit_id)?;
            let group = tree.group_of(unit_id);
            let (group_code, group_name) = match tree.get(group) {
                Some(g) => (g.code.clone(), g.name.clone()),
                None => (unit_code.clone(), unit_name.clone()),
            };
            let (in_place_of, in_place_of_name) = match original {
                Some(id) => {
                    let (code, name, _) = self.label(&tree, &mut labels, id)?;
                    (Some(code), Some(name))
                }
                None => (None, None),
            };
            out.push((
                rank,
                OutstandingRow {
                    batch: r.batch,
                    batch_title: r.batch_title,
                    unit_code,
                    unit_name,
                    group_code,
                    group_name,
                    secretary: secretaries.get(&unit_id).cloned(),
                    phone: tree.get(unit_id).and_then(|n| n.phone.clone()),
                    handed: r.handed,
                    due: r.due,
                    days_overdue: days,
                    tier,
                    copies: r.copies,
                    receipt_code: r.receipt_code,
                    status: ReceiptStatus::parse(&r.status).unwrap_or(ReceiptStatus::Pending),
                    in_place_of,
                    in_place_of_name,
                },
            ));
        }
        // Tree order keeps each committee's units together after it; units
        // missing from the day's tree go last, by name.
        out.sort_by(|(ra, a), (rb, b)| {
            ra.cmp(rb)
                .then_with(|| {
                    if *ra == u32::MAX {
                        text::compare(&a.unit_name, &b.unit_name)
                    } else {
                        std::cmp::Ordering::Equal
                    }
                })
                .then_with(|| a.unit_code.cmp(&b.unit_code))
                .then_with(|| a.due.cmp(&b.due))
                .then_with(|| a.batch.cmp(&b.batch))
        });
        Ok(out.into_iter().map(|(_, row)| row).collect())
    }

    /// Code, name and tree rank of a unit: from the day's tree, or its last
    /// name when it had closed by then (rank last).
    fn label(
        &self,
        tree: &Tree,
        cache: &mut HashMap<i64, (String, String)>,
        unit_id: i64,
    ) -> Result<(String, String, u32)> {
        if let Some(n) = tree.get(unit_id) {
            return Ok((n.code.clone(), n.name.clone(), n.rank));
        }
        let (code, name) = match cache.entry(unit_id) {
            std::collections::hash_map::Entry::Occupied(e) => e.get().clone(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(self.last_label(unit_id)?).clone(),
        };
        Ok((code, name, u32::MAX))
    }
}

/// A receipt row as read, before grouping.
struct Raw {
    unit_id: i64,
    batch: String,
    batch_title: String,
    handed: NaiveDate,
    due: NaiveDate,
    copies: u32,
    receipt_code: String,
    status: String,
}

impl AsOf {
    /// The receipts query with the optional batch and document filters.
    fn select_rows(day: NaiveDate, by_batch: bool, by_document: bool) -> String {
        let AsOf { status, open } = as_of_sql(day);
        let copies = if by_document {
            "(SELECT sum(l.quantity) FROM receipt_line l
              WHERE l.receipt_id = r.id AND l.document_id IN (SELECT value FROM json_each(:docs)))"
        } else {
            "r.copies"
        };
        let mut sql = format!(
            "SELECT r.unit_id, b.code AS batch, b.title AS batch_title, b.handed_on, b.due_on,
                    {copies} AS copies, r.code AS receipt_code, {status} AS status
             FROM receipt r JOIN batch b ON b.id = r.batch_id
             WHERE {open} AND b.cancelled_at IS NULL AND b.handed_on <= :day"
        );
        if by_batch {
            sql.push_str(" AND r.batch_id IN (SELECT value FROM json_each(:batches))");
        }
        if by_document {
            sql.push_str(
                " AND EXISTS (SELECT 1 FROM receipt_line l WHERE l.receipt_id = r.id
                                AND l.document_id IN (SELECT value FROM json_each(:docs)))",
            );
        }
        sql
    }
}

impl Store {
    /// Receipts not confirmed on the as-of day, grouped by grassroots
    /// committee in tree order (Vietnamese order of names), oldest due date
    /// first within a unit.
    pub fn outstanding(&self, query: &OutstandingQuery) -> Result<Vec<OutstandingRow>> {
        self.read(|dao| dao.outstanding(query))
    }

    /// The escalation tiers (settings, or the default 1, 7, 14 days).
    pub fn tiers(&self) -> Result<Tiers> {
        self.read(|dao| dao.tiers())
    }

    /// Saves the escalation tiers.
    pub fn set_tiers(&mut self, actor: &Actor, tiers: &Tiers) -> Result<()> {
        tiers.check()?;
        let json = serde_json::to_string(tiers)?;
        self.write(actor, |dao| dao.put_setting(TIERS_KEY, &json, tiers))
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

    #[test]
    fn tiers_start_at_their_thresholds() {
        let t = Tiers::default();
        assert_eq!(t.tier_of(0), 0);
        assert_eq!(t.tier_of(1), 1);
        assert_eq!(t.tier_of(6), 1);
        assert_eq!(t.tier_of(7), 2);
        assert_eq!(t.tier_of(13), 2);
        assert_eq!(t.tier_of(14), 3);
        assert_eq!(t.tier_of(400), 3);
        let late_start = Tiers { days: vec![3, 10] };
        assert_eq!(late_start.tier_of(1), 1, "overdue is at least tier 1");
        assert_eq!(late_start.tier_of(10), 2);
    }

    #[test]
    fn tier_settings_are_checked() {
        assert!(Tiers::default().check().is_ok());
        for bad in [vec![], vec![0, 7], vec![7, 7], vec![14, 7], vec![1, 2, 3, 4, 5, 6]] {
            assert!(Tiers { days: bad.clone() }.check().is_err(), "{bad:?}");
        }
    }
}

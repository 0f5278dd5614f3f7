//! The outstanding list: every must-confirm receipt not confirmed on the as-of
//! day, with days overdue and the escalation tier, filtered by batch, subtree,
//! document, tier, and grouped by the hierarchy (grassroots committee, then its
//! branches) in Vietnamese order. The receipts are read by
//! `Dao::open_receipts` (for today only the open ones, through a partial
//! index); the rules — who stands in for a merged unit, the tiers, the
//! order — are here.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::db::{today, Actor, Dao, Store};
use crate::error::{Error, Result};
use crate::model::{OutstandingQuery, OutstandingRow, Tiers};
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

/// The escalation tiers: the setting, or the default 1, 7, 14 days.
pub(crate) fn tiers(dao: &Dao<'_>) -> Result<Tiers> {
    match dao.setting(TIERS_KEY)? {
        Some(json) => Ok(serde_json::from_str(&json)?),
        None => Ok(Tiers::default()),
    }
}

/// Ids of the live batches with these codes; an unknown code is an error.
fn batch_ids(dao: &Dao<'_>, codes: &[String]) -> Result<Vec<i64>> {
    codes.iter().map(|c| dao.batch_by_code(c).map(|(id, _)| id)).collect()
}

/// The outstanding list for `query` (see `Store::outstanding`).
pub(crate) fn rows(dao: &Dao<'_>, query: &OutstandingQuery) -> Result<Vec<OutstandingRow>> {
    let day = query.as_of.unwrap_or_else(today);
    let tiers = tiers(dao)?;
    let tree = dao.tree_on(day)?;
    let subtree = match &query.subtree {
        Some(code) if !code.trim().is_empty() => Some(dao.unit_for("subtree", code, day)?.id),
        _ => None,
    };
    let batches = (!query.batches.is_empty())
        .then(|| batch_ids(dao, &query.batches))
        .transpose()?
        .map(|ids| serde_json::json!(ids).to_string());
    let documents = match &query.document {
        Some(symbol) if !symbol.trim().is_empty() => Some(serde_json::json!(dao.document_ids(symbol)?).to_string()),
        _ => None,
    };
    let raw = dao.open_receipts(day, batches.as_deref(), documents.as_deref())?;

    let successors = dao.successors(day)?;
    let shown: std::collections::BTreeSet<i64> = raw
        .iter()
        .map(|r| successors.get(&r.unit_id).copied().unwrap_or(r.unit_id))
        .collect();
    let secretaries = dao.secretaries_on(day, &serde_json::json!(shown).to_string())?;
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
        let (unit_code, unit_name, rank) = label(dao, &tree, &mut labels, unit_id)?;
        let group = tree.group_of(unit_id);
        let (group_code, group_name) = match tree.get(group) {
            Some(g) => (g.code.clone(), g.name.clone()),
            None => (unit_code.clone(), unit_name.clone()),
        };
        let (in_place_of, in_place_of_name) = match original {
            Some(id) => {
                let (code, name, _) = label(dao, &tree, &mut labels, id)?;
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
                status: r.status,
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
    dao: &Dao<'_>,
    tree: &Tree,
    cache: &mut HashMap<i64, (String, String)>,
    unit_id: i64,
) -> Result<(String, String, u32)> {
    if let Some(n) = tree.get(unit_id) {
        return Ok((n.code.clone(), n.name.clone(), n.rank));
    }
    let (code, name) = match cache.entry(unit_id) {
        std::collections::hash_map::Entry::Occupied(e) => e.get().clone(),
        std::collections::hash_map::Entry::Vacant(e) => e.insert(dao.last_label(unit_id)?).clone(),
    };
    Ok((code, name, u32::MAX))
}

impl Store {
    /// Receipts not confirmed on the as-of day, grouped by grassroots
    /// committee in tree order (Vietnamese order of names), oldest due date
    /// first within a unit.
    pub fn outstanding(&self, query: &OutstandingQuery) -> Result<Vec<OutstandingRow>> {
        self.read(|dao| rows(dao, query))
    }

    /// The escalation tiers (settings, or the default 1, 7, 14 days).
    pub fn tiers(&self) -> Result<Tiers> {
        self.read(tiers)
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

//! The outstanding list: every must-confirm receipt not confirmed on the as-of
//! day, with days overdue and the escalation tier, filtered by batch, subtree,
//! document, tier, and grouped by the hierarchy (grassroots committee, then its
//! branches) in Vietnamese order. The receipts are read by
//! `Dao::open_receipts` (for today only the open ones, through a partial
//! index); the rules — who stands in for a merged unit, the tiers, the
//! order — are here.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::db::OpenReceipts;
use crate::db::{today, Actor, Dao, Store};
use crate::error::{Error, Result};
use crate::model::{
    OutstandingGroup, OutstandingPage, OutstandingQuery, OutstandingRow, OutstandingTotals, RowKind, Tiers,
};
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

/// Ids of the documents the query's document filter keeps (`Dao::document_ids`:
/// every term's of a symbol, or one term's), `None` without a filter; both
/// the receipts and the recall rows are filtered by these.
pub(crate) fn document_filter(dao: &Dao<'_>, query: &OutstandingQuery) -> Result<Option<Vec<i64>>> {
    match query.document.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(given) => Ok(Some(dao.document_ids(given)?)),
        None => Ok(None),
    }
}

/// Ids of the live batches with these codes; an unknown code is an error.
fn batch_ids(dao: &Dao<'_>, codes: &[String]) -> Result<Vec<i64>> {
    codes.iter().map(|c| dao.batch_by_code(c).map(|(id, _)| id)).collect()
}

/// The outstanding list for `query` (see `Store::outstanding`): the open
/// receipts, and the copies recalls still wait for (`recalls`).
pub(crate) fn rows(dao: &Dao<'_>, query: &OutstandingQuery) -> Result<Vec<OutstandingRow>> {
    let (recalls, receipts) = crate::recalls::split_codes(dao, query)?;
    let mut out = match receipts {
        Some(q) => Placed::new(dao, &q, None)?.rows(dao, 0, usize::MAX)?,
        None => Vec::new(),
    };
    crate::recalls::merge_rows(dao, query, &recalls, &tiers(dao)?, &mut out)?;
    Ok(out)
}

/// A page of the outstanding list (see `Store::outstanding_page`), with only
/// the units whose code `keep` accepts when given. Without recall rows the
/// receipts are placed once and only the page's rows are made; with them,
/// the whole list is made and cut, so the page, its totals and the whole
/// list (`rows`) always agree.
pub(crate) fn page(
    dao: &Dao<'_>,
    query: &OutstandingQuery,
    keep: Option<&dyn Fn(&str) -> bool>,
    offset: u32,
    limit: u32,
) -> Result<OutstandingPage> {
    let (recalls, receipts) = crate::recalls::split_codes(dao, query)?;
    let mut recall_rows = Vec::new();
    crate::recalls::merge_rows(dao, query, &recalls, &tiers(dao)?, &mut recall_rows)?;
    if recall_rows.is_empty() {
        return match receipts {
            Some(q) => Placed::new(dao, &q, keep)?.page(dao, offset, limit),
            None => Ok(page_of(Vec::new(), offset, limit)),
        };
    }
    let mut all = rows(dao, query)?;
    if let Some(keep) = keep {
        all.retain(|r| keep(&r.unit_code));
    }
    Ok(page_of(all, offset, limit))
}

/// A page cut from a whole list, with the list's totals and subtotals.
fn page_of(all: Vec<OutstandingRow>, offset: u32, limit: u32) -> OutstandingPage {
    let (total, groups) = {
        let mut tally = Tally::default();
        for r in &all {
            tally.add(&r.unit_code, &r.group_code, r.copies, r.days_overdue > 0);
        }
        tally.finish()
    };
    let rows = all.into_iter().skip(offset as usize).take(limit as usize).collect();
    OutstandingPage::new(offset, rows, total, groups)
}

impl OutstandingPage {
    /// A page of `rows` from `offset`, with the list's `total` and, of the
    /// committees' subtotals in `groups`, those of the committees its rows
    /// are in (a province's thousands of subtotals are not sent with every
    /// page; the window keeps those it got).
    fn new(
        offset: u32,
        rows: Vec<OutstandingRow>,
        total: OutstandingTotals,
        mut groups: Vec<OutstandingGroup>,
    ) -> Self {
        let shown: std::collections::HashSet<&str> = rows.iter().map(|r| r.group_code.as_str()).collect();
        groups.retain(|g| shown.contains(g.code.as_str()));
        OutstandingPage {
            offset,
            rows,
            total,
            groups,
        }
    }
}

/// The totals of a list and each committee's subtotal in list order, added
/// up a row at a time (units counted once each, by code).
#[derive(Default)]
struct Tally<'a> {
    total: OutstandingTotals,
    groups: Vec<OutstandingGroup>,
    index: HashMap<&'a str, usize>,
    units: std::collections::HashSet<&'a str>,
    group_units: std::collections::HashSet<(usize, &'a str)>,
}

impl<'a> Tally<'a> {
    fn add(&mut self, unit: &'a str, group: &'a str, copies: u32, overdue: bool) {
        self.total.lines += 1;
        self.total.copies = self.total.copies.saturating_add(copies);
        if overdue {
            self.total.overdue_lines += 1;
        }
        if self.units.insert(unit) {
            self.total.units += 1;
        }
        let groups = &mut self.groups;
        let at = *self.index.entry(group).or_insert_with(|| {
            groups.push(OutstandingGroup {
                code: group.to_owned(),
                ..OutstandingGroup::default()
            });
            groups.len() - 1
        });
        let g = &mut self.groups[at];
        g.lines += 1;
        g.copies = g.copies.saturating_add(copies);
        if self.group_units.insert((at, unit)) {
            g.units += 1;
        }
    }

    fn finish(self) -> (OutstandingTotals, Vec<OutstandingGroup>) {
        (self.total, self.groups)
    }
}

/// One open receipt placed in the list: the shown unit (its successor for a
/// merged one), and what filters and counts it. The strings of its row are
/// made only for the rows asked for (`Placed::row`).
struct Entry {
    /// Index into the open receipts read.
    at: usize,
    unit_id: i64,
    /// The unit the receipt was addressed to, when merged into `unit_id`.
    original: Option<i64>,
    rank: u32,
    days: u32,
    tier: u8,
}

/// Codes and names of the units the list shows: the day's tree, and the last
/// labels of units closed by then (read once each).
struct Labels {
    tree: std::sync::Arc<Tree>,
    closed: HashMap<i64, (String, String)>,
}

impl Labels {
    fn learn(&mut self, dao: &Dao<'_>, unit_id: i64) -> Result<()> {
        if self.tree.get(unit_id).is_none() && !self.closed.contains_key(&unit_id) {
            let label = dao.last_label(unit_id)?;
            self.closed.insert(unit_id, label);
        }
        Ok(())
    }

    /// Code, name and tree rank (last for a closed unit).
    fn of(&self, unit_id: i64) -> (&str, &str, u32) {
        match (self.tree.get(unit_id), self.closed.get(&unit_id)) {
            (Some(n), _) => (&n.code, &n.name, n.rank),
            (None, Some((code, name))) => (code, name, u32::MAX),
            (None, None) => ("", "", u32::MAX),
        }
    }

    /// Code and name of the committee a unit is grouped under.
    fn group(&self, unit_id: i64) -> (&str, &str) {
        match self.tree.get(self.tree.group_of(unit_id)) {
            Some(g) => (&g.code, &g.name),
            None => {
                let (code, name, _) = self.of(unit_id);
                (code, name)
            }
        }
    }
}

/// The outstanding list of a query, placed and ordered; its rows are made
/// on demand, whole (`rows`) or a page at a time (`page`).
pub(crate) struct Placed {
    day: NaiveDate,
    raw: OpenReceipts,
    entries: Vec<Entry>,
    labels: Labels,
}

impl Placed {
    /// Reads and orders the open receipts of `query`; with `keep`, only the
    /// rows of units whose code it accepts (an account's own units).
    pub(crate) fn new(dao: &Dao<'_>, query: &OutstandingQuery, keep: Option<&dyn Fn(&str) -> bool>) -> Result<Placed> {
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
        let documents = document_filter(dao, query)?.map(|ids| serde_json::json!(ids).to_string());
        let raw = dao.open_receipts(day, batches.as_deref(), documents.as_deref())?;
        let successors = dao.successors(day)?;
        let mut labels = Labels {
            tree,
            closed: HashMap::new(),
        };
        let mut entries = Vec::with_capacity(raw.receipts.len());
        for (at, r) in raw.receipts.iter().enumerate() {
            // A merged unit's open receipts show under its (final) successor.
            let (unit_id, original) = match successors.get(&r.unit_id) {
                Some(&s) => (s, Some(r.unit_id)),
                None => (r.unit_id, None),
            };
            if subtree.is_some_and(|root| !labels.tree.within(unit_id, root)) {
                continue;
            }
            let days = days_overdue(raw.batches[r.batch].due, day);
            let tier = tiers.tier_of(days);
            if (query.overdue_only && days == 0) || query.tier.is_some_and(|t| t != tier) {
                continue;
            }
            labels.learn(dao, unit_id)?;
            if let Some(id) = original {
                labels.learn(dao, id)?;
            }
            let (code, _, rank) = labels.of(unit_id);
            if keep.is_some_and(|keep| !keep(code)) {
                continue;
            }
            entries.push(Entry {
                at,
                unit_id,
                original,
                rank,
                days,
                tier,
            });
        }
        // Tree order keeps each committee's units together after it (ranks
        // are unique, one per unit); units missing from the day's tree go
        // last, by name. Then the oldest due date, then the batch's code,
        // compared as ranks so that the sort reads no strings.
        let batch_rank = {
            let mut order: Vec<usize> = (0..raw.batches.len()).collect();
            order.sort_by(|&a, &b| raw.batches[a].code.cmp(&raw.batches[b].code));
            let mut rank = vec![0u32; order.len()];
            for (r, &at) in order.iter().enumerate() {
                rank[at] = u32::try_from(r).unwrap_or(u32::MAX);
            }
            rank
        };
        let key = |e: &Entry| {
            let b = raw.receipts[e.at].batch;
            (raw.batches[b].due, batch_rank[b])
        };
        entries.sort_by(|a, b| {
            a.rank
                .cmp(&b.rank)
                .then_with(|| {
                    if a.rank == u32::MAX {
                        let (code_a, name_a, _) = labels.of(a.unit_id);
                        let (code_b, name_b, _) = labels.of(b.unit_id);
                        text::compare(name_a, name_b).then_with(|| code_a.cmp(code_b))
                    } else {
                        std::cmp::Ordering::Equal
                    }
                })
                .then_with(|| key(a).cmp(&key(b)))
        });
        Ok(Placed {
            day,
            raw,
            entries,
            labels,
        })
    }

    /// The rows from `offset`, at most `limit` of them.
    fn rows(&self, dao: &Dao<'_>, offset: usize, limit: usize) -> Result<Vec<OutstandingRow>> {
        let slice = self.entries.iter().skip(offset).take(limit);
        let shown: std::collections::BTreeSet<i64> = slice.clone().map(|e| e.unit_id).collect();
        let secretaries = dao.secretaries_on(self.day, &serde_json::json!(shown).to_string())?;
        let mut out = Vec::with_capacity(shown.len());
        for e in slice {
            let r = &self.raw.receipts[e.at];
            let batch = &self.raw.batches[r.batch];
            let (unit_code, unit_name, _) = self.labels.of(e.unit_id);
            let (group_code, group_name) = self.labels.group(e.unit_id);
            let original = e.original.map(|id| self.labels.of(id));
            out.push(OutstandingRow {
                batch: batch.code.clone(),
                batch_title: batch.title.clone(),
                unit_code: unit_code.to_owned(),
                unit_name: unit_name.to_owned(),
                group_code: group_code.to_owned(),
                group_name: group_name.to_owned(),
                secretary: secretaries.get(&e.unit_id).cloned(),
                phone: self.labels.tree.get(e.unit_id).and_then(|n| n.phone.clone()),
                handed: batch.handed,
                due: batch.due,
                days_overdue: e.days,
                tier: e.tier,
                copies: r.copies,
                receipt_code: r.receipt_code.clone(),
                status: r.status,
                in_place_of: original.map(|(code, _, _)| code.to_owned()),
                in_place_of_name: original.map(|(_, name, _)| name.to_owned()),
                kind: RowKind::Receipt,
                copies_missing: Vec::new(),
            });
        }
        Ok(out)
    }

    /// The totals of the whole list and of each committee, in list order.
    fn totals(&self) -> (OutstandingTotals, Vec<OutstandingGroup>) {
        let mut tally = Tally::default();
        for e in &self.entries {
            let (unit, _, _) = self.labels.of(e.unit_id);
            let (group, _) = self.labels.group(e.unit_id);
            tally.add(unit, group, self.raw.receipts[e.at].copies, e.days > 0);
        }
        tally.finish()
    }

    pub(crate) fn page(&self, dao: &Dao<'_>, offset: u32, limit: u32) -> Result<OutstandingPage> {
        let (total, groups) = self.totals();
        let rows = self.rows(dao, offset as usize, limit as usize)?;
        Ok(OutstandingPage::new(offset, rows, total, groups))
    }
}

impl Store {
    /// Receipts not confirmed on the as-of day, grouped by grassroots
    /// committee in tree order (Vietnamese order of names), oldest due date
    /// first within a unit.
    pub fn outstanding(&self, query: &OutstandingQuery) -> Result<Vec<OutstandingRow>> {
        self.read(|dao| rows(dao, query))
    }

    /// A page of the outstanding list: `limit` rows from `offset`, with the
    /// totals of the whole list and the subtotals of the committees of its
    /// rows. The first view of a whole province's list makes 51 rows, not
    /// 20,000.
    pub fn outstanding_page(&self, query: &OutstandingQuery, offset: u32, limit: u32) -> Result<OutstandingPage> {
        self.read(|dao| page(dao, query, None, offset, limit))
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

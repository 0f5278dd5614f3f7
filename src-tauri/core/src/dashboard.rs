//! What the supervisor sees at a glance: per-batch figures (copies handed,
//! units confirmed, completion, overdue per tier), completion per grassroots
//! committee, confirmations over time, the flags of every unit, and one unit's
//! history. Counted as of a day with the same rules as the outstanding list
//! (the as-of status of `db::lists`), so the dashboard's numbers and the list
//! always agree.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::db::{today, Dao, Store};
use crate::error::{Error, Result};
use crate::model::{
    BatchStats, CurvePoint, GroupCompletion, OutstandingQuery, OutstandingRow, ReceiptStatus, Tiers, UnitFlag,
    UnitReceipt,
};
use crate::outstanding::{days_overdue, tiers};

/// Percentage of `part` in `whole`, 0 when `whole` is 0.
fn percent(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        0.0
    } else {
        f64::from(part) * 100.0 / f64::from(whole)
    }
}

/// The figures of one batch on `day`; with `units` (a JSON array of unit
/// ids), counted over those units' receipts only (a secretary's own unit).
fn batch_stats(dao: &Dao<'_>, batch_id: i64, day: NaiveDate, tiers: &Tiers, units: Option<&str>) -> Result<BatchStats> {
    let heading = dao.batch_heading(batch_id, units)?;
    let mut stats = BatchStats {
        code: heading.code,
        title: heading.title,
        handed_on: heading.handed_on,
        due_on: heading.due_on,
        copies: heading.copies,
        units: 0,
        info_units: 0,
        confirmed: 0,
        partial: 0,
        declined: 0,
        pending: 0,
        completion: 0.0,
        overdue: vec![0; tiers.days.len()],
    };
    let counts = dao.receipt_counts(batch_id, day, units)?;
    stats.info_units = counts.info;
    stats.confirmed = counts.confirmed;
    stats.partial = counts.partial;
    stats.declined = counts.declined;
    stats.pending = counts.pending;
    stats.units = counts.confirmed + counts.partial + counts.declined + counts.pending;
    stats.completion = percent(stats.confirmed, stats.units);
    // Every receipt of a batch shares its due date, so the open ones are
    // all in the same tier.
    let tier = tiers.tier_of(days_overdue(stats.due_on, day));
    if tier > 0 {
        if let Some(slot) = stats.overdue.get_mut(usize::from(tier) - 1) {
            *slot = stats.units - stats.confirmed;
        }
    }
    Ok(stats)
}

/// The batch with this code, refused when `units` is given and none of
/// them received it.
fn batch_seen_by(dao: &Dao<'_>, code: &str, units: Option<&str>) -> Result<(i64, crate::model::Batch)> {
    let (id, batch) = dao.batch_by_code(code)?;
    if let Some(units) = units {
        if !dao.batches_received_by(units)?.contains(&id) {
            return Err(Error::Forbidden(format!(
                "Đợt «{}» không giao cho đơn vị của tài khoản này",
                batch.code
            )));
        }
    }
    Ok((id, batch))
}

/// Unit ids as the JSON array the queries take.
fn units_json(units: Option<&[i64]>) -> Option<String> {
    units.map(|ids| serde_json::json!(ids).to_string())
}

impl Store {
    /// Figures of the batches with these codes, or (none given) of the
    /// current ones: still open on `as_of`, or handed in the 60 days before.
    pub fn batch_stats(&self, codes: &[String], as_of: Option<NaiveDate>) -> Result<Vec<BatchStats>> {
        self.batch_stats_in(None, codes, as_of)
    }

    /// `batch_stats`, with `units` counted over those units' receipts and
    /// batches only.
    pub(crate) fn batch_stats_in(
        &self,
        units: Option<&[i64]>,
        codes: &[String],
        as_of: Option<NaiveDate>,
    ) -> Result<Vec<BatchStats>> {
        let day = as_of.unwrap_or_else(today);
        let units = units_json(units);
        let units = units.as_deref();
        self.read(|dao| {
            let ids = if codes.is_empty() {
                let mut ids = dao.current_batches(day)?;
                if let Some(units) = units {
                    let seen = dao.batches_received_by(units)?;
                    ids.retain(|id| seen.contains(id));
                }
                ids
            } else {
                codes
                    .iter()
                    .map(|c| batch_seen_by(dao, c, units).map(|(id, _)| id))
                    .collect::<Result<_>>()?
            };
            let tiers = tiers(dao)?;
            ids.into_iter()
                .map(|id| batch_stats(dao, id, day, &tiers, units))
                .collect()
        })
    }

    /// Completion of one batch per grassroots committee, in tree order.
    pub fn group_completion(&self, batch: &str, as_of: Option<NaiveDate>) -> Result<Vec<GroupCompletion>> {
        self.group_completion_in(None, batch, as_of)
    }

    /// `group_completion` over the receipts of `units` only.
    pub(crate) fn group_completion_in(
        &self,
        units: Option<&[i64]>,
        batch: &str,
        as_of: Option<NaiveDate>,
    ) -> Result<Vec<GroupCompletion>> {
        let day = as_of.unwrap_or_else(today);
        let units_json = units_json(units);
        self.read(|dao| {
            let (batch_id, _) = batch_seen_by(dao, batch, units_json.as_deref())?;
            let tree = dao.tree_on(day)?;
            let successors = dao.successors(day)?;
            let receipts = dao.confirmed_on_day(batch_id, day)?;
            // group id → (rank, units, confirmed)
            let mut groups: HashMap<i64, (u32, u32, u32)> = HashMap::new();
            for (unit, confirmed) in receipts {
                if units.is_some_and(|only| !only.contains(&unit)) {
                    continue;
                }
                let unit = successors.get(&unit).copied().unwrap_or(unit);
                let group = tree.group_of(unit);
                let rank = tree.get(group).map_or(u32::MAX, |n| n.rank);
                let entry = groups.entry(group).or_insert((rank, 0, 0));
                entry.1 += 1;
                entry.2 += u32::from(confirmed);
            }
            let mut out: Vec<(u32, GroupCompletion)> = Vec::with_capacity(groups.len());
            for (group, (rank, units, confirmed)) in groups {
                let (group_code, group_name) = match tree.get(group) {
                    Some(n) => (n.code.clone(), n.name.clone()),
                    None => dao.last_label(group)?,
                };
                out.push((
                    rank,
                    GroupCompletion {
                        group_code,
                        group_name,
                        units,
                        confirmed,
                        completion: percent(confirmed, units),
                    },
                ));
            }
            out.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.group_code.cmp(&b.1.group_code)));
            Ok(out.into_iter().map(|(_, g)| g).collect())
        })
    }

    /// Confirmations of a batch over time: from the handout (0) to each day a
    /// confirmation was signed, counted cumulatively.
    pub fn confirmation_curve(&self, batch: &str) -> Result<Vec<CurvePoint>> {
        self.confirmation_curve_in(None, batch)
    }

    /// `confirmation_curve` over the receipts of `units` only.
    pub(crate) fn confirmation_curve_in(&self, units: Option<&[i64]>, batch: &str) -> Result<Vec<CurvePoint>> {
        let units = units_json(units);
        self.read(|dao| {
            let (batch_id, b) = batch_seen_by(dao, batch, units.as_deref())?;
            let days = dao.confirmations_per_day(batch_id, units.as_deref())?;
            let mut total = 0;
            let mut out = vec![CurvePoint {
                day: b.handed_on,
                confirmed: 0,
            }];
            for (day, n) in days {
                total += n;
                match out.last_mut() {
                    // A confirmation signed on (or, oddly, before) the handout day.
                    Some(last) if day <= last.day => last.confirmed = total,
                    _ => out.push(CurvePoint { day, confirmed: total }),
                }
            }
            Ok(out)
        })
    }

    /// Every batch a unit received, newest first, and how it confirmed.
    pub fn unit_receipts(&self, code: &str) -> Result<Vec<UnitReceipt>> {
        let day = today();
        self.read(|dao| {
            let unit = dao.unit_by_code(code)?;
            let tiers = tiers(dao)?;
            let mut rows = dao.receipts_of_unit_history(unit.id)?;
            for r in &mut rows {
                let open = r.must_confirm && r.status != ReceiptStatus::Confirmed;
                r.days_overdue = if open { days_overdue(r.due, day) } else { 0 };
                r.tier = tiers.tier_of(r.days_overdue);
                r.days_late = r.signed_on.map_or(0, |s| days_overdue(r.due, s));
            }
            Ok(rows)
        })
    }

    /// Flags of every unit with something outstanding on `as_of`: counts,
    /// overdue and the highest tier (units with nothing open are left out).
    pub fn unit_flags(&self, as_of: Option<NaiveDate>) -> Result<Vec<UnitFlag>> {
        let rows = self.outstanding(&OutstandingQuery {
            as_of,
            ..OutstandingQuery::default()
        })?;
        Ok(flags_of(rows))
    }
}

/// The flags of the units in outstanding rows (grouped by unit, as the
/// outstanding list orders them).
pub(crate) fn flags_of(rows: Vec<OutstandingRow>) -> Vec<UnitFlag> {
    let mut flags: Vec<UnitFlag> = Vec::new();
    for row in rows {
        // Rows come grouped by unit.
        if flags.last().is_none_or(|f| f.unit_code != row.unit_code) {
            flags.push(UnitFlag {
                unit_code: row.unit_code.clone(),
                open: 0,
                partial: 0,
                declined: 0,
                overdue: 0,
                tier: 0,
                max_days_overdue: 0,
            });
        }
        if let Some(f) = flags.last_mut() {
            f.open += 1;
            f.partial += u32::from(row.status == ReceiptStatus::Partial);
            f.declined += u32::from(row.status == ReceiptStatus::Declined);
            f.overdue += u32::from(row.days_overdue > 0);
            f.tier = f.tier.max(row.tier);
            f.max_days_overdue = f.max_days_overdue.max(row.days_overdue);
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use crate::batches::tests::{batch, setup};
    use crate::db::today;
    use crate::model::{Confirmation, DocQty, NewUnit};

    /// Today's counts come from the batch's counters and the open receipts'
    /// index; they equal a recount of every receipt, status by status.
    #[test]
    fn todays_counts_from_the_counters_equal_a_recount_of_the_receipts() {
        let (_d, mut s, a) = setup();
        for n in 3..=5 {
            let unit = NewUnit {
                code: format!("X{n}"),
                name: format!("Chi bộ thôn Số {n}"),
                parent: Some("X".into()),
                ..NewUnit::default()
            };
            s.add_unit(&a, unit).expect("unit");
        }
        let mut b = batch("B");
        b.subtrees = vec![];
        b.units = (1..=4).map(|n| format!("X{n}")).collect();
        b.info_units = vec!["X5".into()];
        s.create_batch(&a, b).expect("batch");
        let confirm = |unit: &str| Confirmation {
            batch: "B".into(),
            unit_code: unit.into(),
            by: "Lê Thị Bình".into(),
            ..Confirmation::default()
        };
        s.confirm(&a, confirm("X1")).expect("in full");
        let partial = Confirmation {
            quantities: vec![DocQty {
                symbol: "05-KH/HU".into(),
                quantity: 1,
                uid: None,
            }],
            ..confirm("X2")
        };
        s.confirm(&a, partial).expect("partly");
        let declined = Confirmation {
            decline: Some("Không đúng đối tượng".into()),
            ..confirm("X3")
        };
        s.confirm(&a, declined).expect("declined");
        s.confirm(&a, confirm("X5")).expect("for information, signed anyway");

        // (information, confirmed, partial, declined, pending)
        let (now, recount) = s
            .read(|dao| {
                let (id, _) = dao.batch_by_code("B")?;
                let every_unit: String = dao
                    .conn
                    .query_row("SELECT json_group_array(id) FROM unit", [], |r| r.get(0))?;
                let counts = |units: Option<&str>| {
                    let c = dao.receipt_counts(id, today(), units)?;
                    Ok::<_, crate::error::Error>((c.info, c.confirmed, c.partial, c.declined, c.pending))
                };
                Ok((counts(None)?, counts(Some(&every_unit))?))
            })
            .expect("counts");
        assert_eq!(recount, (1, 1, 1, 1, 1), "the recount of every receipt");
        assert_eq!(now, recount, "the counters and the open receipts' index");
    }
}

//! What the supervisor sees at a glance: per-batch figures (copies handed,
//! units confirmed, completion, overdue per tier), completion per grassroots
//! committee, confirmations over time, the flags of every unit, and one unit's
//! history. Counted as of a day with the same rules as the outstanding list,
//! so the dashboard's numbers and the list always agree.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::params;

use crate::db::{today, Dao, Store};
use crate::error::{Error, Result};
use crate::model::{
    BatchStats, CurvePoint, GroupCompletion, OutstandingQuery, OutstandingRow, ReceiptStatus, Tiers, UnitFlag,
    UnitReceipt,
};
use crate::outstanding::{as_of_sql, days_overdue, STATUS_ON_DAY};

/// Percentage of `part` in `whole`, 0 when `whole` is 0.
fn percent(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        0.0
    } else {
        f64::from(part) * 100.0 / f64::from(whole)
    }
}

impl Dao<'_> {
    /// Live batches worth showing on `day`: those with a receipt still open,
    /// and those handed in the 60 days before; newest first.
    fn current_batches(&self, day: NaiveDate) -> Result<Vec<i64>> {
        let open = as_of_sql(day).open;
        let sql = format!(
            "SELECT b.id FROM batch b
             WHERE b.cancelled_at IS NULL AND b.handed_on <= :day
               AND (b.handed_on >= date(:day, '-60 days')
                    OR b.id IN (SELECT r.batch_id FROM receipt r WHERE {open}))
             ORDER BY b.handed_on DESC, b.id DESC"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let ids = stmt
            .query_map(&[(":day", &day)], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    /// The figures of one batch; with `units` (a JSON array of unit ids),
    /// counted over those units' receipts only (a secretary's own unit).
    fn batch_stats(&self, batch_id: i64, day: NaiveDate, tiers: &Tiers, units: Option<&str>) -> Result<BatchStats> {
        let mut stats = self.conn.query_row(
            "SELECT b.code, b.title, b.handed_on, b.due_on,
                    CASE WHEN ?2 IS NULL
                         THEN (SELECT coalesce(sum(copies), 0) FROM batch_document d WHERE d.batch_id = b.id)
                         ELSE (SELECT coalesce(sum(r.copies), 0) FROM receipt r
                               WHERE r.batch_id = b.id AND r.unit_id IN (SELECT value FROM json_each(?2)))
                    END
             FROM batch b WHERE b.id = ?1",
            params![batch_id, units],
            |r| {
                Ok(BatchStats {
                    code: r.get(0)?,
                    title: r.get(1)?,
                    handed_on: r.get(2)?,
                    due_on: r.get(3)?,
                    copies: r.get(4)?,
                    units: 0,
                    info_units: 0,
                    confirmed: 0,
                    partial: 0,
                    declined: 0,
                    pending: 0,
                    completion: 0.0,
                    overdue: vec![0; tiers.days.len()],
                })
            },
        )?;
        let status = STATUS_ON_DAY;
        let sql = format!(
            "SELECT {status} AS status, r.must_confirm, count(*) FROM receipt r
             WHERE r.batch_id = :batch
               AND (:units IS NULL OR r.unit_id IN (SELECT value FROM json_each(:units)))
             GROUP BY 1, 2"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let params: [(&str, &dyn rusqlite::ToSql); 3] = [(":batch", &batch_id), (":day", &day), (":units", &units)];
        let counts = stmt
            .query_map(&params[..], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?, r.get::<_, u32>(2)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (status, must_confirm, n) in counts {
            if !must_confirm {
                stats.info_units += n;
                continue;
            }
            stats.units += n;
            match ReceiptStatus::parse(&status) {
                Some(ReceiptStatus::Confirmed) => stats.confirmed += n,
                Some(ReceiptStatus::Partial) => stats.partial += n,
                Some(ReceiptStatus::Declined) => stats.declined += n,
                _ => stats.pending += n,
            }
        }
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
}

impl Dao<'_> {
    /// Ids of the live batches in which one of `units` (a JSON array of unit
    /// ids) has a receipt.
    fn batches_received_by(&self, units: &str) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT r.batch_id FROM receipt r WHERE r.unit_id IN (SELECT value FROM json_each(?1))",
        )?;
        let ids = stmt
            .query_map([units], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    /// The batch with this code, refused when `units` is given and none of
    /// them received it.
    fn batch_seen_by(&self, code: &str, units: Option<&str>) -> Result<(i64, crate::model::Batch)> {
        let (id, batch) = self.batch_by_code(code)?;
        if let Some(units) = units {
            if !self.batches_received_by(units)?.contains(&id) {
                return Err(Error::Forbidden(format!(
                    "Đợt «{}» không giao cho đơn vị của tài khoản này",
                    batch.code
                )));
            }
        }
        Ok((id, batch))
    }
}

/// Unit ids as the JSON array the queries above take.
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
                    .map(|c| dao.batch_seen_by(c, units).map(|(id, _)| id))
                    .collect::<Result<_>>()?
            };
            let tiers = dao.tiers()?;
            ids.into_iter()
                .map(|id| dao.batch_stats(id, day, &tiers, units))
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
            let (batch_id, _) = dao.batch_seen_by(batch, units_json.as_deref())?;
            let tree = dao.tree_on(day)?;
            let successors = dao.successors()?;
            let status = STATUS_ON_DAY;
            let sql = format!(
                "SELECT r.unit_id, {status} = 'confirmed' FROM receipt r
                 WHERE r.batch_id = :batch AND r.must_confirm = 1"
            );
            let mut stmt = dao.conn.prepare_cached(&sql)?;
            let receipts = stmt
                .query_map(&[(":batch", &batch_id as &dyn rusqlite::ToSql), (":day", &day)], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, bool>(1)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
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
            let (batch_id, b) = dao.batch_seen_by(batch, units.as_deref())?;
            let mut stmt = dao.conn.prepare_cached(
                "SELECT coalesce(signed_on, substr(entered_at, 1, 10)) AS day, count(*) FROM receipt
                 WHERE batch_id = ?1 AND must_confirm = 1 AND status = 'confirmed'
                   AND (?2 IS NULL OR unit_id IN (SELECT value FROM json_each(?2)))
                 GROUP BY day ORDER BY day",
            )?;
            let days = stmt
                .query_map(params![batch_id, units], |r| {
                    Ok((r.get::<_, NaiveDate>(0)?, r.get::<_, u32>(1)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
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
            let tiers = dao.tiers()?;
            let mut stmt = dao.conn.prepare_cached(
                "SELECT b.code, b.title, b.handed_on, b.due_on, r.copies, r.code AS receipt_code, r.must_confirm,
                        r.status, r.signed_by, r.signed_on, r.confirm_method, r.on_behalf, r.note
                 FROM receipt r JOIN batch b ON b.id = r.batch_id
                 WHERE r.unit_id = ?1 AND b.cancelled_at IS NULL
                 ORDER BY b.handed_on DESC, b.id DESC",
            )?;
            let rows = stmt
                .query_map([unit.id], |r| {
                    let due: NaiveDate = r.get("due_on")?;
                    let status = ReceiptStatus::parse(&r.get::<_, String>("status")?).unwrap_or(ReceiptStatus::Pending);
                    let must_confirm: bool = r.get("must_confirm")?;
                    let signed_on: Option<NaiveDate> = r.get("signed_on")?;
                    let open = must_confirm && status != ReceiptStatus::Confirmed;
                    let days = if open { days_overdue(due, day) } else { 0 };
                    Ok(UnitReceipt {
                        batch: r.get(0)?,
                        batch_title: r.get(1)?,
                        handed: r.get(2)?,
                        due,
                        copies: r.get("copies")?,
                        receipt_code: r.get("receipt_code")?,
                        must_confirm,
                        status,
                        signed_by: r.get("signed_by")?,
                        signed_on,
                        method: r.get("confirm_method")?,
                        on_behalf: r.get("on_behalf")?,
                        note: r.get("note")?,
                        days_overdue: days,
                        tier: tiers.tier_of(days),
                        days_late: signed_on.map_or(0, |s| days_overdue(due, s)),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
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

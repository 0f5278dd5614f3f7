//! The generated handouts: several a week over the years, to every
//! grassroots organisation, to the branches of some, or to a few units one
//! by one, with recent documents and sometimes the province's bodies for
//! information. Batches handed from the 2025 reorganisation on go to the
//! tree of that day (`reorganise.rs`).

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use giaonhan::model::DeliveryMethod;
use rand::Rng;

use super::documents::DocSpec;
use super::reorganise::Committee;
use super::tree::Tree;
use super::{pick, Size};

/// Whom a batch goes to.
pub(crate) enum Target {
    /// Every grassroots organisation (by kind).
    Grassroots,
    /// Every branch under these grassroots organisations (codes).
    Subtrees(Vec<String>),
    /// These units, one by one.
    Units(Vec<usize>),
}

/// One batch to hand out: documents by index with copies per unit.
pub(crate) struct BatchSpec {
    pub(crate) code: String,
    pub(crate) title: String,
    pub(crate) handed: NaiveDate,
    pub(crate) due: NaiveDate,
    pub(crate) method: DeliveryMethod,
    pub(crate) docs: Vec<(usize, u32)>,
    pub(crate) target: Target,
    pub(crate) info: Vec<usize>,
}

/// Weekdays in [start, end], for handout dates.
fn workdays(start: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
    start
        .iter_days()
        .take_while(|d| *d <= end)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect()
}

/// The grassroots organisations on each day: `before`, then from the day
/// of `after` (when the history has one) its committees.
pub(crate) struct Eras<'a> {
    pub(crate) before: &'a [Committee],
    pub(crate) after: Option<(NaiveDate, &'a [Committee])>,
}

impl Eras<'_> {
    fn on(&self, day: NaiveDate) -> &[Committee] {
        match self.after {
            Some((from, after)) if day >= from => after,
            _ => self.before,
        }
    }
}

pub(crate) fn plan_batches(
    rng: &mut impl Rng,
    size: &Size,
    tree: &Tree,
    eras: &Eras<'_>,
    docs: &mut [DocSpec],
    start: NaiveDate,
) -> Vec<BatchSpec> {
    let days = workdays(start, size.end);
    let total = size.batches_per_year * size.years as usize;
    let mut handed: Vec<NaiveDate> = (0..total).map(|_| *pick(rng, &days)).collect();
    handed.sort();
    let mut per_year: BTreeMap<i32, u32> = BTreeMap::new();
    let mut plans = Vec::with_capacity(total);
    for day in handed {
        let committees = eras.on(day);
        let branches: usize = committees.iter().map(|c| c.leaves.len()).sum();
        let n = per_year.entry(day.year()).or_insert(0);
        *n += 1;
        let due = day + Days::new(*pick(rng, &[7u64, 7, 7, 7, 10, 10, 10, 15, 15, 30]));
        // Documents issued in the last four months (older ones when too few).
        let upto = docs.partition_point(|d| d.issued <= day);
        let from = docs.partition_point(|d| d.issued < day - Days::new(120));
        let pool: Vec<usize> = if upto >= from + 5 {
            (from..upto).collect()
        } else {
            (upto.saturating_sub(20)..upto).collect()
        };
        if pool.is_empty() {
            continue;
        }
        let want = rng.random_range(1..=5usize).min(pool.len());
        let mut chosen: Vec<usize> = Vec::with_capacity(want);
        while chosen.len() < want {
            let d = *pick(rng, &pool);
            if !chosen.contains(&d) {
                chosen.push(d);
            }
        }
        let roll = rng.random_range(0..100u32);
        let (target, recipients, per_unit_max) = if roll < 35 {
            (Target::Grassroots, committees.len(), 5)
        } else if roll < 78 {
            // Branches of some grassroots organisations, up to the limit.
            let goal = rng
                .random_range(size.max_recipients / 20..=size.max_recipients)
                .min(branches);
            let mut order: Vec<usize> = (0..committees.len()).collect();
            for i in (1..order.len()).rev() {
                order.swap(i, rng.random_range(0..=i));
            }
            let mut picked = Vec::new();
            let mut count = 0;
            for c in order {
                let leaves = committees[c].leaves.len();
                if count + leaves > goal && !picked.is_empty() {
                    continue;
                }
                picked.push(committees[c].code.clone());
                count += leaves;
                if count >= goal * 9 / 10 {
                    break;
                }
            }
            (Target::Subtrees(picked), count, 2)
        } else {
            let k = rng.random_range(3..=60usize).min(branches);
            let mut picked: Vec<usize> = Vec::with_capacity(k);
            while picked.len() < k {
                let leaves = &pick(rng, committees).leaves;
                let u = *pick(rng, leaves);
                if !picked.contains(&u) {
                    picked.push(u);
                }
            }
            (Target::Units(picked), k, 3)
        };
        let info: Vec<usize> = if rng.random_bool(0.3) {
            tree.bodies.iter().copied().filter(|_| rng.random_bool(0.5)).collect()
        } else {
            Vec::new()
        };
        let doc_qty: Vec<(usize, u32)> = chosen
            .into_iter()
            .map(|d| (d, rng.random_range(1..=per_unit_max)))
            .collect();
        for &(d, q) in &doc_qty {
            docs[d].copies += u64::from(q) * (recipients + info.len()) as u64;
        }
        let first = &docs[doc_qty[0].0];
        let title = match rng.random_range(0..4u32) {
            0 => format!("Học tập, quán triệt {}", first.symbol),
            1 => format!("Triển khai {}", first.symbol),
            2 => format!("Tài liệu sinh hoạt chi bộ tháng {}/{}", day.month(), day.year()),
            _ => format!("Gửi {} văn bản của cấp trên", doc_qty.len()),
        };
        let method = match rng.random_range(0..20u32) {
            0..10 => DeliveryMethod::InPerson,
            10..15 => DeliveryMethod::ViaCommune,
            15..18 => DeliveryMethod::Post,
            _ => DeliveryMethod::Electronic,
        };
        plans.push(BatchSpec {
            code: format!("Đợt {n}/{}", day.year()),
            title,
            handed: day,
            due,
            method,
            docs: doc_qty,
            target,
            info,
        });
    }
    plans
}

//! Scale data for benchmarks and load tests: a deterministic (seeded) province
//! or district register with ten years of history — a unit tree with
//! Vietnamese names, documents with realistic symbols, batches handed out
//! several times a week, and confirmations spread the way they arrive (most
//! on time, some late, a few partial or declined, some never; recent batches
//! more open). The history goes through the 2025 reorganisation: the
//! district committees close on 1 July 2025 and their communes merge about
//! three into one under the province (`reorganise.rs`), applied through the
//! core's reorganisation plan, so lists after it follow the successors.
//! `giaonhan demo --scale district|province --seed N` and the
//! province benchmark (`make bench`) make their registers here.
//!
//! Everything goes through the app's own code: units and documents through
//! `Store::add_unit` and `Store::add_document`, batches through
//! `batches::hand_out`, so receipt codes, search and sort keys, batch totals
//! and audit rows are exactly the app's. Confirmations take one shortcut:
//! `Store::confirm` resolves the batch and recounts its receipts on every
//! call, which is right for one click but would take hours for four million
//! receipts, so `confirm` here reads a batch's receipts once and writes each
//! confirmation through `receipts::record`, the same write (columns, lines,
//! audit row) every confirmation of the app goes through.
//!
//! The core's SQL stays in the core: this crate holds none (the bulk
//! settings and the table counts are `Store::bulk_load` and
//! `Store::table_counts`).

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use giaonhan::model::{DocQty, NewBatch, NewDocument, NewUnit};
use giaonhan::{Actor, Error, Result, Store};
use rand::{Rng, RngCore};

mod batches;
mod confirm;
mod documents;
pub mod exchange;
mod names;
pub mod plan;
mod reorganise;
mod tree;

use batches::{plan_batches, BatchSpec, Eras, Target};
use documents::make_documents;
use tree::Tree;

/// How much data to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Size {
    /// Grassroots organisations (đảng bộ cơ sở and chi bộ cơ sở).
    pub committees: usize,
    /// Documents in the register.
    pub documents: usize,
    /// Years of history, ending on `end`.
    pub years: u32,
    pub batches_per_year: usize,
    /// Most recipients of one batch.
    pub max_recipients: usize,
    /// The last day of the history (a fixed date, so a seed always gives the
    /// same register).
    pub end: NaiveDate,
}

/// The last day of the generated history.
fn default_end() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or(NaiveDate::MIN)
}

impl Size {
    /// A province: ≈ 950 grassroots organisations, ≈ 9,000 branches, 3,000
    /// documents, ten years of 300 batches of up to 5,000 recipients:
    /// ≈ 4 million receipts and ≈ 12 million receipt lines.
    pub fn province() -> Size {
        Size {
            committees: 950,
            documents: 3000,
            years: 10,
            batches_per_year: 300,
            max_recipients: 5000,
            end: default_end(),
        }
    }

    /// A district, about a tenth of a province.
    pub fn district() -> Size {
        Size {
            committees: 95,
            documents: 300,
            years: 10,
            batches_per_year: 300,
            max_recipients: 500,
            end: default_end(),
        }
    }

    /// A few dozen units and batches, for tests.
    pub fn tiny() -> Size {
        Size {
            committees: 6,
            documents: 30,
            years: 2,
            batches_per_year: 12,
            max_recipients: 40,
            end: default_end(),
        }
    }
}

/// Where the generator is, for a progress line.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    pub stage: &'static str,
    pub done: usize,
    pub total: usize,
    /// Receipt lines written so far.
    pub lines: u64,
}

/// What was generated: the rows of the main tables.
pub type Summary = giaonhan::db::TableCounts;

/// SplitMix64: a tiny generator whose output is fixed by its definition, so a
/// seed gives the same data whatever version of `rand` is linked.
struct SplitMix(u64);

impl RngCore for SplitMix {
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn fill_bytes(&mut self, dst: &mut [u8]) {
        for chunk in dst.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}

fn pick<'a, T>(rng: &mut impl Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

// ---------------------------------------------------------------- driver

/// Batches recorded per transaction: big enough to be fast, small enough
/// that the write-ahead log stays a few dozen megabytes.
const BATCHES_PER_COMMIT: usize = 25;

/// Fills an empty register with scale data (see the module comment).
/// Refuses a register that holds anything. `progress` is called after each
/// stage and every few batches.
pub fn generate(
    store: &mut Store,
    actor: &Actor,
    size: &Size,
    seed: u64,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Summary> {
    if !store.status()?.is_empty {
        return Err(Error::conflict(
            "demo",
            "Cơ sở dữ liệu đã có dữ liệu; chỉ sinh dữ liệu quy mô lớn vào sổ trống",
        ));
    }
    store.bulk_load(|store| generate_into(store, actor, size, seed, progress))
}

fn generate_into(
    store: &mut Store,
    actor: &Actor,
    size: &Size,
    seed: u64,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Summary> {
    let mut rng = SplitMix(seed);
    let start = size
        .end
        .checked_sub_days(Days::new(365 * u64::from(size.years)))
        .ok_or_else(|| Error::invalid("years", "Khoảng thời gian không hợp lệ"))?;
    let tree = Tree::build(&mut rng, size);
    let before = reorganise::committees_before(&tree);
    let reorganisation = reorganise::reorganisation(&mut rng, &tree, start, size.end);
    let eras = Eras {
        before: &before,
        after: reorganisation.as_ref().map(|r| (r.on, r.committees.as_slice())),
    };
    let mut docs = make_documents(&mut rng, size, start);
    let plans = plan_batches(&mut rng, size, &tree, &eras, &mut docs, start);
    for d in &mut docs {
        // What the batches need plus a spare tenth; unused ones get a few.
        d.copies = if d.copies == 0 {
            rng.random_range(10..=100)
        } else {
            (d.copies + d.copies / 10).div_ceil(10) * 10
        };
    }

    let mut p = Progress {
        stage: "units",
        done: 0,
        total: tree.units.len(),
        lines: 0,
    };
    for u in &tree.units {
        store.add_unit(
            actor,
            NewUnit {
                code: u.code.clone(),
                name: u.name.clone(),
                parent: u.parent.map(|i| tree.units[i].code.clone()),
                kind: Some(u.kind.into()),
                phone: Some(u.phone.clone()),
                secretary: Some(u.secretary.clone()),
                deputy: u.deputy.clone(),
                ..NewUnit::default()
            },
        )?;
    }
    p.done = tree.units.len();
    progress(&p);

    p = Progress {
        stage: "documents",
        done: 0,
        total: docs.len(),
        lines: 0,
    };
    for d in &docs {
        store.add_document(
            actor,
            NewDocument {
                symbol: d.symbol.clone(),
                title: d.title.clone(),
                issued_on: Some(d.issued),
                copies_received: u32::try_from(d.copies).unwrap_or(u32::MAX),
                classification: d.class,
                term: None,
            },
        )?;
    }
    p.done = docs.len();
    progress(&p);

    let mut signers: BTreeMap<String, (String, Option<String>)> = tree
        .units
        .iter()
        .map(|u| (u.code.clone(), (u.secretary.clone(), u.deputy.clone())))
        .collect();
    p = Progress {
        stage: "batches",
        done: 0,
        total: plans.len(),
        lines: 0,
    };
    // The batches handed before the reorganisation, the reorganisation on
    // its day, then the batches handed after it, to the new tree.
    let split = reorganisation
        .as_ref()
        .map_or(plans.len(), |r| plans.partition_point(|b| b.handed < r.on));
    let (old, new) = plans.split_at(split);
    let mut batches = Batches {
        tree: &tree,
        docs: &docs,
        rng: &mut rng,
        end: size.end,
    };
    batches.write(store, actor, old, &signers, &mut p, progress)?;
    if let Some(r) = &reorganisation {
        let report = store.reorganise_plan_table(
            actor,
            &r.table(),
            r.on,
            Some("Sắp xếp tổ chức bộ máy, bỏ cấp huyện (2025)".to_owned()),
            false,
        )?;
        if !report.is_ok() {
            let first = report.issues.iter().find(|i| !i.warning).map(ToString::to_string);
            return Err(Error::invalid("reorganisation", first.unwrap_or_default()));
        }
        signers.extend(r.signers.iter().cloned());
        progress(&Progress {
            stage: "reorganisation",
            done: r.rows.len(),
            total: r.rows.len(),
            lines: p.lines,
        });
    }
    batches.write(store, actor, new, &signers, &mut p, progress)?;

    store.table_counts()
}

/// Writes planned batches and their confirmations, a few batches per transaction.
struct Batches<'a, R> {
    tree: &'a Tree,
    docs: &'a [documents::DocSpec],
    rng: &'a mut R,
    end: NaiveDate,
}

impl<R: Rng> Batches<'_, R> {
    fn write(
        &mut self,
        store: &mut Store,
        actor: &Actor,
        plans: &[BatchSpec],
        signers: &BTreeMap<String, (String, Option<String>)>,
        p: &mut Progress,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<()> {
        let (tree, docs, end) = (self.tree, self.docs, self.end);
        for chunk in plans.chunks(BATCHES_PER_COMMIT) {
            let rng = &mut *self.rng;
            let lines = store.write(actor, |dao| {
                let mut lines = 0u64;
                for plan in chunk {
                    let code = |i: &usize| tree.units[*i].code.clone();
                    let (units, subtrees, kinds) = match &plan.target {
                        Target::Grassroots => (Vec::new(), Vec::new(), tree.grassroots_kinds.clone()),
                        Target::Subtrees(cs) => (Vec::new(), cs.clone(), Vec::new()),
                        Target::Units(us) => (us.iter().map(code).collect(), Vec::new(), Vec::new()),
                    };
                    let batch = giaonhan::batches::hand_out(
                        dao,
                        &NewBatch {
                            code: plan.code.clone(),
                            title: plan.title.clone(),
                            handed_on: Some(plan.handed),
                            due_on: Some(plan.due),
                            documents: plan
                                .docs
                                .iter()
                                .map(|&(d, q)| DocQty {
                                    symbol: docs[d].symbol.clone(),
                                    quantity: q,
                                    uid: None,
                                })
                                .collect(),
                            units,
                            subtrees,
                            kinds,
                            info_units: plan.info.iter().map(code).collect(),
                            overrides: Vec::new(),
                            method: plan.method,
                            over_stock_reason: None,
                            copy_numbers: Vec::new(),
                        },
                    )?;
                    lines += batch.recipients as u64 * plan.docs.len() as u64;
                    confirm::confirm(dao, rng, plan, end, signers)?;
                }
                Ok(lines)
            })?;
            p.done += chunk.len();
            p.lines += lines;
            progress(p);
        }
        Ok(())
    }
}

//! The 2025 reorganisation in the generated history. On 1 July 2025 the
//! district level is abolished: every district committee closes, and the
//! communes and wards under them merge about three into one new commune
//! directly under the province, their branches and open receipts passing to
//! it. The generator applies it through the core's reorganisation plan, as
//! an office applies the official mapping table, between the batches handed
//! before that day and those handed after, which go to the new tree.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use giaonhan::tabular::Table;
use rand::Rng;

use super::names::{person, place};
use super::tree::Tree;

/// The day the district level goes.
pub(crate) fn reorganisation_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or(NaiveDate::MIN)
}

/// A grassroots organisation batches are handed to: its code and its leaves
/// (indices in `Tree::units`; branches keep their codes when they move).
#[derive(Debug, Clone)]
pub(crate) struct Committee {
    pub(crate) code: String,
    pub(crate) leaves: Vec<usize>,
}

impl Committee {
    fn of(tree: &Tree, (head, leaves): &Head) -> Committee {
        Committee {
            code: tree.units[*head].code.clone(),
            leaves: leaves.clone(),
        }
    }
}

/// The grassroots organisations of the tree as built (before the day).
pub(crate) fn committees_before(tree: &Tree) -> Vec<Committee> {
    tree.committees.iter().map(|c| Committee::of(tree, c)).collect()
}

/// The reorganisation to apply: its plan and the tree from its day on.
pub(crate) struct Reorganisation {
    pub(crate) on: NaiveDate,
    /// The plan's rows: old code, new code, new name, new parent, new kind, primary.
    pub(crate) rows: Vec<[String; 6]>,
    /// The grassroots organisations from the day on: the new communes, then
    /// those that did not change.
    pub(crate) committees: Vec<Committee>,
    /// The new communes' secretary and deputy, by code (for their confirmations).
    pub(crate) signers: Vec<(String, (String, Option<String>))>,
}

/// A grassroots organisation of the tree: its index and its leaves.
type Head = (usize, Vec<usize>);

/// Communes merged into one, about.
const MERGED: usize = 3;

/// The reorganisation of `tree`, when its day falls inside the history
/// (after `start`, not after `end`).
pub(crate) fn reorganisation(
    rng: &mut impl Rng,
    tree: &Tree,
    start: NaiveDate,
    end: NaiveDate,
) -> Option<Reorganisation> {
    let on = reorganisation_day();
    if on <= start || on > end || tree.districts.is_empty() {
        return None;
    }
    let root = tree.units.iter().position(|u| u.parent.is_none())?;
    let root_code = tree.units[root].code.clone();
    let in_district = |head: usize| tree.units[head].parent.is_some_and(|p| tree.districts.contains(&p));
    let (communes, others): (Vec<&Head>, Vec<&Head>) = tree.committees.iter().partition(|(head, _)| in_district(*head));

    // Groups of three in tree order; the last takes what is left over.
    let mut groups: Vec<Vec<&Head>> = communes.chunks(MERGED).map(<[_]>::to_vec).collect();
    if groups.len() > 1 && groups.last().is_some_and(|g| g.len() < MERGED) {
        let rest = groups.pop().unwrap_or_default();
        if let Some(last) = groups.last_mut() {
            last.extend(rest);
        }
    }

    let mut names: BTreeSet<String> = tree.units.iter().map(|u| u.name.clone()).collect();
    let mut rows = Vec::new();
    let mut committees = Vec::new();
    let mut signers = Vec::new();
    let s = String::new;
    for (g, group) in groups.iter().enumerate() {
        if let [lone] = group.as_slice() {
            // A lone commune stays, moved up under the province.
            let committee = Committee::of(tree, lone);
            rows.push([
                committee.code.clone(),
                committee.code.clone(),
                s(),
                root_code.clone(),
                s(),
                s(),
            ]);
            committees.push(committee);
            continue;
        }
        let code = format!("XA{:03}", g + 1);
        let mut name = format!("Đảng bộ xã {}", place(rng));
        for _ in 0..20 {
            if names.insert(name.clone()) {
                break;
            }
            name = format!("Đảng bộ xã {}", place(rng));
        }
        let kind = tree.units[group[0].0].kind.to_owned();
        for (i, (head, _)) in group.iter().enumerate() {
            let old = tree.units[*head].code.clone();
            rows.push(if i == 0 {
                [old, code.clone(), name.clone(), root_code.clone(), kind.clone(), s()]
            } else {
                [old, code.clone(), s(), s(), s(), s()]
            });
        }
        committees.push(Committee {
            code: code.clone(),
            leaves: group.iter().flat_map(|(_, leaves)| leaves.iter().copied()).collect(),
        });
        let deputy = rng.random_bool(0.6).then(|| person(rng));
        signers.push((code, (person(rng), deputy)));
    }
    for district in &tree.districts {
        rows.push([tree.units[*district].code.clone(), s(), s(), s(), s(), s()]);
    }
    committees.extend(others.into_iter().map(|c| Committee::of(tree, c)));
    Some(Reorganisation {
        on,
        rows,
        committees,
        signers,
    })
}

impl Reorganisation {
    /// The plan as the table an office would import.
    pub(crate) fn table(&self) -> Table {
        crate::plan::table(
            "sap-xep-2025.csv",
            &crate::plan::PLAN_HEADERS,
            self.rows.iter().map(|r| r.to_vec()),
        )
    }
}

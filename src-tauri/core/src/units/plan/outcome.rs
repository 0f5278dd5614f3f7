//! What a checked plan says back: how many of each change, the open
//! receipts that pass from the old units to their successors, and a
//! Vietnamese sentence for every row.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::check::Fate;
use super::order::Op;
use super::rows::Row;
use super::{Handover, PlanAction, PlanCounts, PlanRow};
use crate::db::{Dao, UnitRow};
use crate::error::Result;

/// How many of each step (receipts are counted by `handovers`).
pub(super) fn counts<'a>(ops: impl Iterator<Item = &'a Op>, children_moved: usize) -> PlanCounts {
    let mut counts = PlanCounts {
        children_moved: u32::try_from(children_moved).unwrap_or(u32::MAX),
        ..PlanCounts::default()
    };
    for op in ops {
        let n = match op {
            Op::Create { .. } => &mut counts.created,
            Op::Rename { .. } => &mut counts.renamed,
            Op::Move { .. } => &mut counts.moved,
            Op::Merge { .. } => &mut counts.merged,
            Op::Split { .. } => &mut counts.split,
            Op::Close { .. } => &mut counts.closed,
        };
        *n += 1;
    }
    counts
}

/// The open receipts each closing old unit holds (its own, and those of
/// units merged into it before) and the successor they pass to, for the
/// `(old, successor)` pairs given; old units holding none are left out.
pub(super) fn handovers(
    dao: &Dao<'_>,
    units: &[UnitRow],
    day: NaiveDate,
    closing: &[(&str, &str)],
) -> Result<Vec<Handover>> {
    let open_receipts = dao.open_receipts_per_unit()?;
    let successors = dao.successors(day)?;
    let ids: HashMap<i64, &str> = units.iter().map(|u| (u.id, u.unit.code.as_str())).collect();
    let mut held: HashMap<&str, u32> = HashMap::new();
    for (unit, n) in open_receipts {
        let holder = successors.get(&unit).copied().unwrap_or(unit);
        if let Some(code) = ids.get(&holder) {
            *held.entry(code).or_default() += n;
        }
    }
    Ok(closing
        .iter()
        .filter_map(|&(from, to)| {
            held.get(from).filter(|&&n| n > 0).map(|&n| Handover {
                from: from.to_owned(),
                to: to.to_owned(),
                receipts: n,
            })
        })
        .collect())
}

/// The outcome of one row at `line`: `fate` is `None` for a refused row,
/// `Some(None)` for a row whose old unit is unknown; `unit` is the old unit
/// as it stands on the plan's day; `created` the new units the plan adds.
pub(super) fn row(
    line: usize,
    r: &Row,
    fate: Option<Option<&Fate>>,
    unit: Option<&UnitRow>,
    created: &HashSet<&str>,
) -> PlanRow {
    let new_label = |n: &str| {
        if created.contains(n) {
            format!("«{n}» (đơn vị mới)")
        } else {
            format!("«{n}»")
        }
    };
    let (action, summary) = match (fate, &r.new) {
        (None, _) => (PlanAction::Error, "Lỗi: xem các dòng báo lỗi".to_owned()),
        (Some(Some(Fate::Merge(into))), _) => (
            PlanAction::Merge,
            format!("Sáp nhập «{}» vào {}", r.old, new_label(into)),
        ),
        (Some(Some(Fate::Split(into))), Some(n)) => {
            let primary = if into[0] == *n {
                " (đơn vị kế tục chính)"
            } else {
                ""
            };
            (
                PlanAction::Split,
                format!("Chia tách «{}»: phần sang {}{primary}", r.old, new_label(n)),
            )
        }
        (Some(Some(Fate::Close)), _) => (PlanAction::Close, format!("Giải thể «{}»", r.old)),
        (_, Some(n)) if *n == r.old => {
            let mut parts = Vec::new();
            if let Some(name) = r.name.as_ref().filter(|n| unit.is_some_and(|u| u.unit.name != **n)) {
                parts.push(format!("đổi tên thành «{name}»"));
            }
            if let Some(p) = r
                .parent
                .as_ref()
                .filter(|p| unit.is_some_and(|u| u.unit.parent.as_ref() != Some(*p)))
            {
                parts.push(format!("chuyển sang cấp trên «{p}»"));
            }
            let what = if parts.is_empty() {
                "giữ nguyên".to_owned()
            } else {
                parts.join(", ")
            };
            (PlanAction::InPlace, format!("«{}»: {what}", r.old))
        }
        (_, n) => (
            PlanAction::InPlace,
            format!(
                "«{}» vẫn tiếp tục; tách thêm {}",
                r.old,
                n.as_deref().map(new_label).unwrap_or_default()
            ),
        ),
    };
    PlanRow {
        row: u32::try_from(line).unwrap_or(u32::MAX),
        old_code: r.old.clone(),
        new_code: r.new.clone(),
        action,
        creates: r.new.as_deref().is_some_and(|n| created.contains(n)),
        summary,
    }
}

//! A plan checked whole, once its rows are read (`rows`): every problem
//! is an issue at file:row:column (an unknown or closed old unit, a new
//! unit without a name, an unknown parent, two primaries, a cycle, a close
//! that would orphan units, …); when there is none, the rows become steps
//! in an order in which each single reorganisation is accepted, with the
//! counts and the open receipts that will change hands.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::order::{self, Blocked, Op, Tree};
use super::rows::{not_open, read_rows, Found};
use super::{outcome, Handover, PlanCounts, PlanRow};
use crate::dates;
use crate::db::{Dao, UnitRow};
use crate::error::{Error, Result};
use crate::tabular::{Columns, Issue, Table};
use crate::text;

/// One step, with the row it comes from (an index into the table's rows)
/// and the column a refusal points at.
#[derive(Debug, Clone)]
pub(super) struct Step {
    pub op: Op,
    pub row: usize,
    pub field: &'static str,
    /// The name of a new or renamed unit.
    pub name: Option<String>,
    /// The kind of a new unit.
    pub kind: Option<String>,
}

/// What the check found.
pub(super) struct Checked {
    pub rows: Vec<PlanRow>,
    pub issues: Vec<Issue>,
    /// The steps in the order they run (empty when there is an error).
    pub steps: Vec<Step>,
    pub counts: PlanCounts,
    pub handovers: Vec<Handover>,
}

/// What a plan does with an old unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Fate {
    /// It stays (its own code is among its successors).
    Stays,
    Merge(String),
    /// Successors, the primary first.
    Split(Vec<String>),
    Close,
}

/// A list of codes for a message, cut after ten.
fn some_codes(codes: &[String]) -> String {
    let mut s = codes.iter().take(10).map(String::as_str).collect::<Vec<_>>().join(", ");
    if codes.len() > 10 {
        s.push_str(&format!(" và {} đơn vị khác", codes.len() - 10));
    }
    s
}

/// Checks every row of a plan effective on `day` against the register.
pub(super) fn check(dao: &Dao<'_>, table: &Table, cols: &Columns, day: NaiveDate) -> Result<Checked> {
    let units = dao.units_on(day)?;
    let open: HashMap<&str, &UnitRow> = units.iter().map(|u| (u.unit.code.as_str(), u)).collect();
    let mut found = Found {
        table,
        cols,
        issues: Vec::new(),
        bad: HashSet::new(),
    };

    let rows = read_rows(dao, &mut found, &open, day)?;

    // Rows by old unit, in file order.
    let mut olds: Vec<(String, Vec<usize>)> = Vec::new();
    let mut old_index: HashMap<String, usize> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        if !open.contains_key(r.old.as_str()) {
            continue;
        }
        let k = *old_index.entry(r.old.clone()).or_insert_with(|| {
            olds.push((r.old.clone(), Vec::new()));
            olds.len() - 1
        });
        olds[k].1.push(i);
    }

    let mut fates: HashMap<String, (Fate, usize)> = HashMap::new();
    for (old, at) in &olds {
        let mut seen: HashMap<Option<&str>, usize> = HashMap::new();
        for &i in at {
            if let Some(&first) = seen.get(&rows[i].new.as_deref()) {
                let line = found.line(first);
                found.error(i, "new_code", format!("Dòng này trùng với dòng {line}"));
            } else {
                seen.insert(rows[i].new.as_deref(), i);
            }
        }
        if at.len() > 1 {
            if let Some(&i) = at.iter().find(|&&i| rows[i].new.is_none()) {
                let other = at
                    .iter()
                    .find(|&&j| rows[j].new.is_some())
                    .map_or(0, |&j| found.line(j));
                found.error(
                    i,
                    "new_code",
                    format!("«{old}» không thể vừa giải thể (không có Mã mới) vừa có đơn vị kế tục (dòng {other})"),
                );
            }
        }
        let marked: Vec<usize> = at.iter().copied().filter(|&i| rows[i].primary).collect();
        for &i in marked.iter().skip(1) {
            let line = found.line(marked[0]);
            found.error(
                i,
                "primary",
                format!("«{old}» có hai đơn vị kế tục chính (dòng {line} và dòng này); chỉ đánh dấu một"),
            );
        }
        let stays = at.iter().find(|&&i| rows[i].new.as_deref() == Some(old.as_str()));
        if let Some(&s) = stays {
            if let Some(&m) = marked.first().filter(|&&m| m != s) {
                let line = found.line(s);
                found.error(
                    m,
                    "primary",
                    format!(
                        "«{old}» vẫn tiếp tục (dòng {line}) nên giữ phiếu và đơn vị trực thuộc của mình; \
                         bỏ dấu ở cột Chính"
                    ),
                );
            }
        }
        let successors: Vec<String> = {
            let first = marked.first().copied().unwrap_or(at[0]);
            let mut s: Vec<String> = rows[first].new.iter().cloned().collect();
            for &i in at {
                if let Some(n) = &rows[i].new {
                    if !s.contains(n) {
                        s.push(n.clone());
                    }
                }
            }
            s
        };
        let fate = if stays.is_some() {
            Fate::Stays
        } else if successors.is_empty() {
            Fate::Close
        } else if successors.len() == 1 {
            Fate::Merge(successors[0].clone())
        } else {
            Fate::Split(successors)
        };
        fates.insert(old.clone(), (fate, at[0]));
    }
    let closing = |code: &str| fates.get(code).is_some_and(|(f, _)| *f != Fate::Stays);
    // What the plan does to a closing unit, and on which row, for messages.
    let fate_of = |code: &str, found: &Found<'_>| -> (&'static str, usize) {
        match fates.get(code) {
            Some((Fate::Merge(_), k)) => ("được sáp nhập", found.line(*k)),
            Some((Fate::Split(_), k)) => ("được chia tách", found.line(*k)),
            Some((_, k)) => ("giải thể", found.line(*k)),
            None => ("", 0),
        }
    };

    // Rows by new unit, in file order: one name, parent and kind each.
    let mut news: Vec<(String, Vec<usize>)> = Vec::new();
    let mut new_index: HashMap<String, usize> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        if let Some(n) = &r.new {
            let k = *new_index.entry(n.clone()).or_insert_with(|| {
                news.push((n.clone(), Vec::new()));
                news.len() - 1
            });
            news[k].1.push(i);
        }
    }
    /// What the plan says of one new unit.
    struct NewUnit {
        code: String,
        first: usize,
        name: Option<String>,
        parent: Option<(String, usize)>,
        kind: Option<String>,
        exists: bool,
    }
    let mut new_units: Vec<NewUnit> = Vec::with_capacity(news.len());
    for (code, at) in &news {
        let mut unit = NewUnit {
            code: code.clone(),
            first: at[0],
            name: None,
            parent: None,
            kind: None,
            exists: open.contains_key(code.as_str()),
        };
        let mut firsts: HashMap<&str, usize> = HashMap::new();
        for &i in at {
            let r = &rows[i];
            for (field, value) in [("new_name", &r.name), ("new_parent", &r.parent), ("new_kind", &r.kind)] {
                let Some(value) = value else { continue };
                let slot = match field {
                    "new_name" => &mut unit.name,
                    "new_kind" => &mut unit.kind,
                    _ => {
                        if unit.parent.is_none() {
                            unit.parent = Some((value.clone(), i));
                            firsts.insert(field, i);
                        } else if unit.parent.as_ref().is_some_and(|(p, _)| p != value) {
                            let line = found.line(firsts[field]);
                            let first = unit.parent.as_ref().map_or("", |(p, _)| p.as_str()).to_owned();
                            found.error(
                                i,
                                field,
                                format!("«{code}» ghi cấp trên «{value}», khác với dòng {line} («{first}»)"),
                            );
                        }
                        continue;
                    }
                };
                match slot {
                    None => {
                        *slot = Some(value.clone());
                        firsts.insert(field, i);
                    }
                    Some(first) if first != value => {
                        let (line, first) = (found.line(firsts[field]), first.clone());
                        found.error(
                            i,
                            field,
                            format!("«{code}» ghi «{value}», khác với dòng {line} («{first}»)"),
                        );
                    }
                    Some(_) => {}
                }
            }
            if r.old != *code && closing(code) {
                let (what, line) = fate_of(code, &found);
                found.error(
                    i,
                    "new_code",
                    format!("«{code}» {what} theo dòng {line} nên không thể là đơn vị kế tục"),
                );
            }
        }
        if !unit.exists {
            if unit.name.is_none() {
                found.error(
                    at[0],
                    "new_name",
                    format!("Đơn vị mới «{code}» chưa có trong sổ: cần ghi Tên mới"),
                );
            }
            match dao.unit_on(code, day) {
                Ok(_) => found.error(
                    at[0],
                    "new_code",
                    format!(
                        "Mã «{code}» đã dùng cho một đơn vị không hoạt động vào ngày {}; hãy chọn mã khác",
                        dates::vi(day)
                    ),
                ),
                Err(Error::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        } else if let Some(kind) = &unit.kind {
            let current = open[code.as_str()].unit.kind.clone().unwrap_or_default();
            if text::search_key(kind) != text::search_key(&current) {
                found.warn(
                    firsts["new_kind"],
                    "new_kind",
                    format!("«{code}» đã có trong sổ (loại «{current}»); Loại mới chỉ dùng khi tạo đơn vị"),
                );
            }
        }
        new_units.push(unit);
    }
    for unit in &new_units {
        let Some((p, i)) = &unit.parent else { continue };
        let (p, i) = (p.as_str(), *i);
        if p == unit.code {
            found.error(
                i,
                "new_parent",
                format!("Vòng lặp cấp trên: «{p}» không thể là cấp trên của chính nó"),
            );
        } else if closing(p) {
            let (what, line) = fate_of(p, &found);
            found.error(
                i,
                "new_parent",
                format!(
                    "Cấp trên mới «{p}» {what} theo dòng {line}; «{}» sẽ không có cấp trên: hãy ghi đơn vị \
                     kế tục của «{p}»",
                    unit.code
                ),
            );
        } else if !open.contains_key(p) && !new_index.contains_key(p) {
            let why = not_open(dao, p, day, "Mã cấp trên mới")?;
            found.error(i, "new_parent", format!("{why} hay trong kế hoạch"));
        }
    }

    // Steps, each with the row it comes from.
    let mut steps: Vec<Step> = Vec::new();
    let step = |op: Op, row: usize, field: &'static str| Step {
        op,
        row,
        field,
        name: None,
        kind: None,
    };
    for unit in &new_units {
        let code = unit.code.clone();
        if !unit.exists {
            // Without a parent of its own, under the parent of the old unit
            // it succeeds (which may itself pass on to a successor).
            let parent = match &unit.parent {
                Some((p, _)) => Some(p.clone()),
                None => open
                    .get(rows[unit.first].old.as_str())
                    .and_then(|o| o.unit.parent.clone()),
            };
            let kind = unit.kind.clone().or_else(|| {
                open.get(rows[unit.first].old.as_str())
                    .and_then(|o| o.unit.kind.clone())
            });
            steps.push(Step {
                name: unit.name.clone(),
                kind,
                ..step(Op::Create { code, parent }, unit.first, "new_code")
            });
            continue;
        }
        let current = open[code.as_str()];
        if let Some(name) = unit.name.as_ref().filter(|n| **n != current.unit.name) {
            steps.push(Step {
                name: Some(name.clone()),
                ..step(Op::Rename { code: code.clone() }, unit.first, "new_name")
            });
        }
        if let Some((p, i)) = unit
            .parent
            .as_ref()
            .filter(|(p, _)| current.unit.parent.as_ref() != Some(p))
        {
            steps.push(step(
                Op::Move {
                    code,
                    parent: p.clone(),
                },
                *i,
                "new_parent",
            ));
        }
    }
    for (old, _) in &olds {
        let Some((fate, first)) = fates.get(old) else { continue };
        let from = old.clone();
        let op = match fate {
            Fate::Stays => continue,
            Fate::Merge(into) => Op::Merge {
                from,
                into: into.clone(),
            },
            Fate::Split(into) => Op::Split {
                from,
                into: into.clone(),
            },
            Fate::Close => Op::Close { code: from },
        };
        steps.push(step(op, *first, "new_code"));
    }

    // The order, and what can never run.
    // Rows already refused leave their units out: the rest of the plan is
    // still ordered, so that its own errors (cycles, orphans) are named in
    // the same run, but none that only follows from a refused row.
    let tainted: HashSet<&str> = found
        .bad
        .iter()
        .flat_map(|&i| {
            [
                Some(rows[i].old.as_str()),
                rows[i].new.as_deref(),
                rows[i].parent.as_deref(),
            ]
        })
        .flatten()
        .collect();
    let tree = Tree::new(units.iter().map(|u| (u.unit.code.as_str(), u.unit.parent.as_deref())));
    let kept: Vec<usize> = (0..steps.len())
        .filter(|&k| !found.bad.contains(&steps[k].row) && !steps[k].op.codes().any(|c| tainted.contains(c)))
        .collect();
    let ops: Vec<Op> = kept.iter().map(|&k| steps[k].op.clone()).collect();
    let mut ordered = order::order(tree, &ops);
    ordered.order = ordered.order.iter().map(|&i| kept[i]).collect();
    for (k, why) in &ordered.blocked {
        let s = &steps[kept[*k]];
        if matches!(why, Blocked::Children(kids) if kids.iter().any(|c| tainted.contains(c.as_str()))) {
            continue;
        }
        let (field, message) = match (&s.op, why) {
            (Op::Close { code }, Blocked::Children(kids)) => (
                "new_code",
                format!(
                    "«{code}» giải thể nhưng sau kế hoạch vẫn còn đơn vị trực thuộc: {}; hãy ghi đơn vị kế tục \
                     (Mã mới) hoặc chuyển chúng đi",
                    some_codes(kids)
                ),
            ),
            (Op::Merge { from, .. } | Op::Split { from, .. }, Blocked::Inside(s)) => (
                "new_code",
                format!("Đơn vị kế tục «{s}» nằm trong «{from}»; hãy ghi Mã cấp trên mới cho «{s}»"),
            ),
            (Op::Move { code, .. }, Blocked::Inside(p)) => (
                "new_parent",
                format!("Vòng lặp cấp trên: «{p}» nằm dưới «{code}» nên «{code}» không thể chuyển vào đó"),
            ),
            (Op::Create { code, .. } | Op::Move { code, .. }, _) => (
                "new_parent",
                format!("Vòng lặp cấp trên: «{code}» nằm dưới chính nó qua các đơn vị của kế hoạch"),
            ),
            (op, _) => (
                s.field,
                format!("Không tìm được thứ tự thực hiện được cho dòng này ({op:?})"),
            ),
        };
        found.error(s.row, field, message);
    }

    // Counts, the open receipts that change hands, every row's outcome.
    let mut counts = outcome::counts(steps.iter().map(|s| &s.op), ordered.children_moved);
    let handovers = if found.bad.is_empty() {
        let closing: Vec<(&str, &str)> = olds
            .iter()
            .filter_map(|(old, _)| match fates.get(old) {
                Some((Fate::Merge(into), _)) => Some((old.as_str(), into.as_str())),
                Some((Fate::Split(into), _)) => Some((old.as_str(), into[0].as_str())),
                _ => None,
            })
            .collect();
        outcome::handovers(dao, &units, day, &closing)?
    } else {
        Vec::new()
    };
    counts.receipts = handovers.iter().map(|h| h.receipts).sum();
    let created: HashSet<&str> = new_units
        .iter()
        .filter(|u| !u.exists)
        .map(|u| u.code.as_str())
        .collect();
    let outcomes = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let fate = if found.bad.contains(&i) {
                None
            } else {
                Some(fates.get(&r.old).map(|(f, _)| f))
            };
            outcome::row(table.rows[i].line, r, fate, open.get(r.old.as_str()).copied(), &created)
        })
        .collect();

    let steps = if found.bad.is_empty() {
        ordered.order.iter().map(|&k| steps[k].clone()).collect()
    } else {
        Vec::new()
    };
    let mut issues = found.issues;
    issues.sort_by_key(|i| (i.row, i.warning));
    Ok(Checked {
        rows: outcomes,
        issues,
        steps,
        counts,
        handovers,
    })
}

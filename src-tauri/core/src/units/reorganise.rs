//! Reorganisations of the tree (rename, move, merge, split, close), dated in
//! the past or the future, and the history they leave: nothing is deleted;
//! a closed unit keeps its past, and its children and open receipts pass to
//! its successor. The rules are here; the rows are read and written through
//! the db layer.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde_json::json;

use super::timeline::{self, Attr};
use crate::dates::{self, today};
use crate::db::{new_uid, Actor, Dao, EventKind, Store, StoredEvent, UnitRow};
use crate::error::{Error, Result};
use crate::model::{Change, Reorganisation, UnitEvent};
use crate::text;

impl Store {
    /// Records a reorganisation, dated in the past or the future.
    pub fn reorganise(&mut self, actor: &Actor, r: Reorganisation) -> Result<()> {
        self.write(actor, |dao| reorganise(dao, &r))
    }

    /// A unit's reorganisations, oldest first.
    pub fn unit_history(&self, code: &str) -> Result<Vec<UnitEvent>> {
        self.read(|dao| {
            let unit = dao.unit_for("code", code, today())?;
            Ok(dao.unit_events(unit.id)?.into_iter().map(event).collect())
        })
    }
}

/// An event as the unit's history shows it, with a Vietnamese sentence.
fn event(e: StoredEvent) -> UnitEvent {
    let s = |k: &str| e.detail.get(k).and_then(|v| v.as_str()).unwrap_or("").to_owned();
    let summary = match e.kind {
        EventKind::Rename => format!("Đổi tên từ «{}» thành «{}»", s("from"), s("to")),
        EventKind::Move => format!("Chuyển từ «{}» sang «{}»", s("from"), s("to")),
        EventKind::Merge => format!("Sáp nhập vào «{}»", s("into")),
        EventKind::Absorb => format!("Tiếp nhận đơn vị «{}» sáp nhập vào", s("from")),
        EventKind::Split => format!(
            "Chia tách thành {}",
            e.detail.get("into").map(|v| v.to_string()).unwrap_or_default()
        ),
        EventKind::Close => "Giải thể".to_owned(),
    };
    UnitEvent {
        kind: e.kind.as_str().to_owned(),
        on: e.on,
        reason: e.reason,
        summary,
    }
}

/// Applies one reorganisation inside the caller's transaction.
pub(crate) fn reorganise(dao: &Dao<'_>, r: &Reorganisation) -> Result<()> {
    let day = r.on;
    match &r.change {
        Change::Rename { code, name, short_name } => {
            let unit = live_unit(dao, "code", code, day)?;
            let name = text::clean(name);
            if name.is_empty() {
                return Err(Error::invalid("name", "Tên mới không được để trống"));
            }
            let short = text::clean_opt(short_name.as_deref()).or_else(|| unit.unit.short_name.clone());
            set_from(dao, &unit, day, &Attr::Name(name.clone(), short))?;
            record_event(
                dao,
                EventKind::Rename,
                &unit,
                r,
                json!({ "from": unit.unit.name, "to": name }),
            )
        }
        Change::Move { code, parent } => {
            let unit = live_unit(dao, "code", code, day)?;
            let parent = match text::clean_opt(parent.as_deref()) {
                Some(p) => {
                    let p = live_unit(dao, "parent", &p, day)?;
                    if is_within(dao, p.id, unit.id, day)? {
                        return Err(Error::invalid(
                            "parent",
                            format!("Không thể chuyển «{}» vào đơn vị trực thuộc chính nó", unit.unit.code),
                        ));
                    }
                    Some(p)
                }
                None => None,
            };
            set_from(dao, &unit, day, &Attr::Parent(parent.as_ref().map(|p| p.id)))?;
            record_event(
                dao,
                EventKind::Move,
                &unit,
                r,
                json!({ "from": unit.unit.parent, "to": parent.map(|p| p.unit.code) }),
            )
        }
        Change::Merge { from, into } => {
            let target = live_unit(dao, "into", into, day)?;
            if from.is_empty() {
                return Err(Error::invalid("from", "Chưa chọn đơn vị nào để sáp nhập"));
            }
            for code in from {
                let unit = live_unit(dao, "from", code, day)?;
                if unit.id == target.id || is_within(dao, target.id, unit.id, day)? {
                    return Err(Error::invalid(
                        "into",
                        format!(
                            "Không thể sáp nhập «{}» vào chính nó hoặc đơn vị trực thuộc nó",
                            unit.unit.code
                        ),
                    ));
                }
                close_into(dao, &unit, day, Some(&target))?;
                record_event(dao, EventKind::Merge, &unit, r, json!({ "into": target.unit.code }))?;
                record_event(dao, EventKind::Absorb, &target, r, json!({ "from": unit.unit.code }))?;
            }
            Ok(())
        }
        Change::Split { from, into } => {
            let unit = live_unit(dao, "from", from, day)?;
            let mut targets = Vec::with_capacity(into.len());
            for code in into {
                let t = live_unit(dao, "into", code, day)?;
                if t.id == unit.id || is_within(dao, t.id, unit.id, day)? {
                    return Err(Error::invalid(
                        "into",
                        format!("Đơn vị mới «{}» không được nằm trong đơn vị bị chia tách", t.unit.code),
                    ));
                }
                targets.push(t);
            }
            let Some(first) = targets.first() else {
                return Err(Error::invalid("into", "Chưa chọn đơn vị mới nào"));
            };
            close_into(dao, &unit, day, Some(first))?;
            let codes: Vec<&str> = targets.iter().map(|t| t.unit.code.as_str()).collect();
            record_event(dao, EventKind::Split, &unit, r, json!({ "into": codes }))
        }
        Change::Close { code } => {
            let unit = live_unit(dao, "code", code, day)?;
            close_into(dao, &unit, day, None)?;
            record_event(dao, EventKind::Close, &unit, r, json!({}))
        }
    }
}

/// Sets `attr` of `unit` from `day` on (see `timeline::set_from`).
fn set_from(dao: &Dao<'_>, unit: &UnitRow, day: NaiveDate, attr: &Attr) -> Result<()> {
    let versions = timeline::set_from(dao.unit_versions(unit.id)?, day, attr)?;
    dao.replace_unit_versions(unit.id, &unit.unit.code, &timeline::merged(&versions))
}

/// True when `candidate` lies in the subtree of `root` on `day`.
fn is_within(dao: &Dao<'_>, candidate: i64, root: i64, day: NaiveDate) -> Result<bool> {
    let mut current = Some(candidate);
    let mut seen = HashSet::new();
    while let Some(id) = current {
        if id == root {
            return Ok(true);
        }
        if !seen.insert(id) {
            return Ok(false);
        }
        current = dao.parent_on(id, day)?;
    }
    Ok(false)
}

/// Children of `unit` on or after `day`, as they stand on `day`.
fn children_from(dao: &Dao<'_>, unit: i64, day: NaiveDate) -> Result<Vec<UnitRow>> {
    dao.child_codes_from(unit, day)?
        .iter()
        .map(|c| dao.unit_on(c, day))
        .collect()
}

/// Writes the event and its audit row.
fn record_event(
    dao: &Dao<'_>,
    kind: EventKind,
    unit: &UnitRow,
    r: &Reorganisation,
    detail: serde_json::Value,
) -> Result<()> {
    let reason = text::clean_opt(r.reason.as_deref());
    dao.insert_unit_event(&new_uid(), kind, unit.id, r.on, reason.as_deref(), &detail)?;
    dao.log(
        &format!("unit.{}", kind.as_str()),
        Some(&unit.unit.uid),
        &json!({ "code": unit.unit.code, "on": r.on, "reason": r.reason, "detail": detail }),
    )
}

/// Closes `unit` on `day`, handing its children and open receipts to `successor`.
fn close_into(dao: &Dao<'_>, unit: &UnitRow, day: NaiveDate, successor: Option<&UnitRow>) -> Result<()> {
    if day <= unit.opened {
        return Err(Error::invalid(
            "on",
            format!(
                "Đơn vị «{}» thành lập ngày {}; ngày giải thể hoặc sáp nhập phải sau ngày đó",
                unit.unit.code,
                dates::vi(unit.opened)
            ),
        ));
    }
    if let Some(s) = successor {
        for child in children_from(dao, unit.id, day)? {
            if child.id != s.id {
                set_from(dao, &child, day, &Attr::Parent(Some(s.id)))?;
            }
        }
    } else {
        let open: Vec<String> = children_from(dao, unit.id, day)?
            .into_iter()
            .map(|c| c.unit.code)
            .collect();
        if !open.is_empty() {
            return Err(Error::invalid(
                "code",
                format!(
                    "Đơn vị «{}» còn đơn vị trực thuộc ({}); hãy chuyển hoặc giải thể chúng trước",
                    unit.unit.code,
                    open.join(", ")
                ),
            ));
        }
    }
    dao.close_unit(unit.id, day, successor.map(|s| s.id))
}

/// A unit that must exist on the day of a reorganisation.
fn live_unit(dao: &Dao<'_>, field: &str, code: &str, day: NaiveDate) -> Result<UnitRow> {
    let row = dao.unit_for(field, code, day)?;
    if !row.exists_on(day) {
        return Err(Error::invalid(
            field,
            format!("Đơn vị «{}» không hoạt động vào ngày {}", row.unit.code, dates::vi(day)),
        ));
    }
    Ok(row)
}

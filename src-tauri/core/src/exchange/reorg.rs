//! Down, the tree: the reorganisations a parent office records of the units
//! of a child office's subtree (rename, move within the subtree, merge,
//! close) travel with their effective dates and reasons, and the child's
//! register follows them through its own unit operations, so its unit
//! history and audit log keep them ("văn phòng HT, gói số N" as the actor).
//! A change the child's tree already shows is skipped; one it cannot follow
//! (a unit or a parent outside its subtree, a rule of its tree) is logged as
//! `exchange.ignored` with the reason, and the rest of the packet applies.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use super::events::{Event, ReorgEvent, V};
use super::subtree_codes_on;
use crate::db::exchange::{LoggedReorg, PeerRow, SiteRow};
use crate::db::Dao;
use crate::error::{Error, Result};
use crate::model::{Change, Reorganisation};

/// The logged reorganisations that travel.
const SENT: &[&str] = &["unit.rename", "unit.move", "unit.merge", "unit.close"];

/// A reorganisation's audit row detail, as `units::reorganise` logs it.
#[derive(Deserialize)]
struct Logged {
    code: String,
    on: NaiveDate,
    reason: Option<String>,
    #[serde(default)]
    detail: serde_json::Value,
}

/// Subtrees of one unit by day, each read once.
struct Subtrees<'a> {
    root: &'a str,
    by_day: BTreeMap<NaiveDate, BTreeSet<String>>,
}

impl<'a> Subtrees<'a> {
    fn new(root: &'a str) -> Subtrees<'a> {
        Subtrees {
            root,
            by_day: BTreeMap::new(),
        }
    }

    /// Whether `code` is in the subtree on `day`.
    fn has(&mut self, dao: &Dao<'_>, code: &str, day: NaiveDate) -> Result<bool> {
        if !self.by_day.contains_key(&day) {
            let codes = subtree_codes_on(dao, self.root, day)?.into_iter().collect();
            self.by_day.insert(day, codes);
        }
        Ok(self.by_day.get(&day).is_some_and(|c| c.contains(code)))
    }

    /// Whether `code` is in the subtree just before `day` or on it.
    fn around(&mut self, dao: &Dao<'_>, code: &str, day: NaiveDate) -> Result<bool> {
        let before = day.pred_opt().unwrap_or(day);
        Ok(self.has(dao, code, before)? || self.has(dao, code, day)?)
    }
}

/// The reorganisations that travel, logged after `cursor` (read once per
/// send for all the offices that share the cursor).
pub(super) fn logged_after(dao: &Dao<'_>, cursor: i64) -> Result<Vec<LoggedReorg>> {
    dao.reorganisations_after(cursor, SENT)
}

/// Those of `logged` (from `logged_after`) that concern the peer's subtree.
pub(super) fn gather(dao: &Dao<'_>, peer: &PeerRow, logged: &[&LoggedReorg]) -> Result<Vec<Event>> {
    let mut subtree = Subtrees::new(&peer.unit_code);
    let mut events = Vec::new();
    for row in logged {
        let d: Logged = serde_json::from_str(&row.detail)?;
        if !subtree.around(dao, &d.code, d.on)? {
            continue;
        }
        let change = row.action.trim_start_matches("unit.").to_owned();
        let target = |key: &str| d.detail.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        let (mut name, mut short_name, mut to) = (None, None, None);
        match change.as_str() {
            "rename" => {
                let unit = dao.unit_on(&d.code, d.on)?.unit;
                name = Some(unit.name);
                short_name = unit.short_name;
            }
            "move" => to = target("to"),
            "merge" => to = target("into"),
            _ => {}
        }
        events.push(Event::Reorganisation(ReorgEvent {
            v: V,
            change,
            code: d.code,
            on: d.on,
            reason: d.reason,
            name,
            short_name,
            to,
        }));
    }
    Ok(events)
}

/// Follows one reorganisation the parent sent, inside the packet's
/// transaction. `added`: the units this packet added (they came as the
/// parent's tree stands today, so their past is not replayed).
pub(super) fn apply(
    dao: &Dao<'_>,
    site: &SiteRow,
    origin: &PeerRow,
    added: &BTreeSet<String>,
    e: &ReorgEvent,
    packet: &str,
) -> Result<()> {
    if added.contains(&e.code) || !dao.unit_code_taken(&e.code)? {
        return Ok(());
    }
    let unit = dao.unit_on(&e.code, e.on)?;
    let ignore = |why: String| {
        dao.log(
            "exchange.ignored",
            Some(&unit.unit.uid),
            &json!({ "unit": e.code, "change": e.change, "on": e.on, "origin": origin.unit_code,
                     "packet": packet, "reason": why }),
        )
    };
    let mut ours = Subtrees::new(&site.unit_code);
    if !ours.around(dao, &e.code, e.on)? {
        return ignore(format!("đơn vị {} không thuộc cây đơn vị của văn phòng này", e.code));
    }
    let missing = |what: &str| {
        Error::invalid(
            "packet",
            format!("thay đổi «{}» của đơn vị {} trong gói thiếu {what}", e.change, e.code),
        )
    };
    let change = match e.change.as_str() {
        "rename" => {
            let name = e.name.clone().ok_or_else(|| missing("tên mới"))?;
            if unit.unit.name == name && (e.short_name.is_none() || unit.unit.short_name == e.short_name) {
                return Ok(());
            }
            Change::Rename {
                code: e.code.clone(),
                name,
                short_name: e.short_name.clone(),
            }
        }
        "move" => {
            let to = e.to.clone().ok_or_else(|| missing("đơn vị cấp trên mới"))?;
            if unit.unit.parent.as_deref() == Some(to.as_str()) {
                return Ok(());
            }
            if !ours.has(dao, &to, e.on)? {
                return ignore(format!(
                    "đơn vị cấp trên mới {to} không thuộc cây đơn vị của văn phòng này"
                ));
            }
            Change::Move {
                code: e.code.clone(),
                parent: Some(to),
            }
        }
        "merge" => {
            let into = e.to.clone().ok_or_else(|| missing("đơn vị sáp nhập vào"))?;
            if !unit.exists_on(e.on) {
                return Ok(());
            }
            if !ours.has(dao, &into, e.on)? {
                return ignore(format!("đơn vị {into} không thuộc cây đơn vị của văn phòng này"));
            }
            Change::Merge {
                from: vec![e.code.clone()],
                into,
            }
        }
        "close" => {
            if !unit.exists_on(e.on) {
                return Ok(());
            }
            Change::Close { code: e.code.clone() }
        }
        other => {
            return Err(Error::invalid(
                "packet",
                format!("thay đổi «{other}» của đơn vị {} không rõ", e.code),
            ))
        }
    };
    let r = Reorganisation {
        change,
        on: e.on,
        reason: e.reason.clone(),
    };
    match dao.savepoint(|dao| crate::units::reorganise(dao, &r)) {
        Ok(()) => Ok(()),
        Err(err @ (Error::Invalid { .. } | Error::Conflict { .. } | Error::NotFound { .. })) => ignore(err.to_string()),
        Err(err) => Err(err),
    }
}

//! Units (party committees and branches) as a tree that changes over time:
//! kinds, signers, and dated reorganisations (rename, move, merge, split,
//! close) that never delete anything.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};
use serde_json::json;

use crate::db::{new_uid, now_utc, today, Actor, Dao, Store};
use crate::error::{Error, Result};
use crate::model::{
    Change, NewSigner, NewUnit, Reorganisation, Signer, SignerRole, Unit, UnitEdit, UnitEvent, UnitKind,
};
use crate::text;

/// The first and last day of the timeline, stored instead of NULL.
fn beginning() -> NaiveDate {
    NaiveDate::from_ymd_opt(0, 1, 1).unwrap_or(NaiveDate::MIN)
}

fn end() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// A stored boundary as an optional date: the sentinels read as `None`.
fn open_bound(d: NaiveDate) -> Option<NaiveDate> {
    (d != beginning() && d != end()).then_some(d)
}

pub(crate) fn fmt_date(d: NaiveDate) -> String {
    crate::print::short_date(d)
}

/// Checks a code typed by a user: required, one word.
pub(crate) fn clean_code(field: &str, label: &str, raw: &str) -> Result<String> {
    let code = text::clean(raw);
    if code.is_empty() {
        return Err(Error::invalid(field, format!("{label} không được để trống")));
    }
    if code.contains(' ') {
        return Err(Error::invalid(
            field,
            format!("{label} «{code}» không được chứa khoảng trắng"),
        ));
    }
    Ok(code)
}

/// A unit as it stood on one day, with its local keys.
#[derive(Debug, Clone)]
pub(crate) struct UnitRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    opened: NaiveDate,
    closed: NaiveDate,
    pub unit: Unit,
}

impl UnitRow {
    /// True when the unit exists on `day`.
    pub fn exists_on(&self, day: NaiveDate) -> bool {
        self.opened <= day && day < self.closed
    }
}

/// Columns of a unit and its version on day ?1 (the query binds the day as ?1).
const UNIT_AS_OF: &str = "SELECT u.id, u.uid, u.code, v.name, v.short_name, k.name AS kind, v.parent_id,
            p.code AS parent_code, u.opened_on, u.closed_on, u.successor_id, s.code AS successor_code,
            u.phone, u.address, u.notes,
            (SELECT name FROM unit_signer g WHERE g.unit_id = u.id AND g.role = 'secretary'
               AND coalesce(g.from_on, '0000-01-01') <= ?1 AND ?1 < coalesce(g.to_on, '9999-12-31')
             ORDER BY g.from_on DESC LIMIT 1) AS secretary,
            (SELECT name FROM unit_signer g WHERE g.unit_id = u.id AND g.role = 'deputy'
               AND coalesce(g.from_on, '0000-01-01') <= ?1 AND ?1 < coalesce(g.to_on, '9999-12-31')
             ORDER BY g.from_on DESC LIMIT 1) AS deputy
     FROM unit u
     JOIN unit_version v ON v.unit_id = u.id AND v.valid_from <= ?1 AND ?1 < v.valid_to
     LEFT JOIN unit_kind k ON k.id = u.kind_id
     LEFT JOIN unit p ON p.id = v.parent_id
     LEFT JOIN unit s ON s.id = u.successor_id";

fn unit_row(r: &Row<'_>) -> rusqlite::Result<UnitRow> {
    let opened: NaiveDate = r.get("opened_on")?;
    let closed: NaiveDate = r.get("closed_on")?;
    Ok(UnitRow {
        id: r.get("id")?,
        parent_id: r.get("parent_id")?,
        opened,
        closed,
        unit: Unit {
            uid: r.get("uid")?,
            code: r.get("code")?,
            name: r.get("name")?,
            short_name: r.get("short_name")?,
            kind: r.get("kind")?,
            parent: r.get("parent_code")?,
            phone: r.get("phone")?,
            address: r.get("address")?,
            notes: r.get("notes")?,
            secretary: r.get("secretary")?,
            deputy: r.get("deputy")?,
            opened_on: open_bound(opened),
            closed_on: open_bound(closed),
            successor: r.get("successor_code")?,
            ..Unit::default()
        },
    })
}

/// The time-varying part of a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Version {
    from: NaiveDate,
    to: NaiveDate,
    name: String,
    short_name: Option<String>,
    parent_id: Option<i64>,
}

/// Which attribute a dated change sets.
#[derive(Debug, Clone)]
enum Attr {
    Name(String, Option<String>),
    Parent(Option<i64>),
}

impl Attr {
    fn same_as(&self, v: &Version, old: &Version) -> bool {
        match self {
            Attr::Name(..) => v.name == old.name && v.short_name == old.short_name,
            Attr::Parent(_) => v.parent_id == old.parent_id,
        }
    }

    fn apply(&self, v: &mut Version) {
        match self {
            Attr::Name(name, short) => {
                v.name = name.clone();
                v.short_name = short.clone();
            }
            Attr::Parent(p) => v.parent_id = *p,
        }
    }
}

impl Dao<'_> {
    /// The unit with this code as it stood on `day`, or `NotFound`.
    pub(crate) fn unit_on(&self, code: &str, day: NaiveDate) -> Result<UnitRow> {
        let sql = format!("{UNIT_AS_OF} WHERE u.code = ?2");
        self.conn
            .query_row(&sql, params![day, code], unit_row)
            .optional()?
            .ok_or_else(|| Error::not_found("Đơn vị", code))
    }

    /// `unit_on`, with depth and subtree counts filled in as in the full list.
    pub(crate) fn unit_placed(&self, code: &str, day: NaiveDate) -> Result<Unit> {
        let row = self.unit_on(code, day)?;
        let mut stmt = self.conn.prepare_cached(
            "WITH RECURSIVE up(id, depth) AS (
                 SELECT ?1, 0
                 UNION ALL
                 SELECT v.parent_id, up.depth + 1 FROM unit_version v JOIN up ON v.unit_id = up.id
                 WHERE v.valid_from <= ?2 AND ?2 < v.valid_to AND v.parent_id IS NOT NULL AND up.depth < 64
             ),
             down(id, depth) AS (
                 SELECT ?1, 0
                 UNION ALL
                 SELECT v.unit_id, down.depth + 1 FROM unit_version v JOIN down ON v.parent_id = down.id
                 JOIN unit c ON c.id = v.unit_id
                 WHERE v.valid_from <= ?2 AND ?2 < v.valid_to AND c.opened_on <= ?2 AND ?2 < c.closed_on
                   AND down.depth < 64
             )
             SELECT (SELECT max(depth) FROM up),
                    (SELECT count(*) FROM down WHERE depth = 1),
                    (SELECT count(*) - 1 FROM down)",
        )?;
        let (depth, children, descendants) =
            stmt.query_row(params![row.id, day], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(Unit {
            depth,
            children,
            descendants,
            ..row.unit
        })
    }

    /// The unit with this code as it stands today.
    pub(crate) fn unit_by_code(&self, code: &str) -> Result<UnitRow> {
        self.unit_on(code, today())
    }

    /// `unit_on`, with "not found" turned into a refusal of `field`.
    pub(crate) fn unit_for(&self, field: &str, code: &str, day: NaiveDate) -> Result<UnitRow> {
        let code = clean_code(field, "Mã đơn vị", code)?;
        self.unit_on(&code, day).map_err(|e| match e {
            Error::NotFound { .. } => Error::invalid(field, format!("Mã đơn vị «{code}» không tồn tại")),
            e => e,
        })
    }

    /// Units that exist on `day`, depth-first, siblings in Vietnamese order,
    /// with depth and subtree counts filled in.
    pub(crate) fn units_on(&self, day: NaiveDate) -> Result<Vec<UnitRow>> {
        let sql = format!("{UNIT_AS_OF} WHERE u.opened_on <= ?1 AND ?1 < u.closed_on ORDER BY v.sort_key, u.code");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([day], unit_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(depth_first(rows))
    }

    /// Ids of the units under `root` (inclusive) that exist on `day` and have
    /// no children that day: the branches that receive a batch.
    pub(crate) fn leaves_under(&self, root: i64, day: NaiveDate) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "WITH RECURSIVE sub(id) AS (
                 SELECT ?1
                 UNION
                 SELECT v.unit_id FROM unit_version v JOIN sub ON v.parent_id = sub.id
                 JOIN unit u ON u.id = v.unit_id
                 WHERE v.valid_from <= ?2 AND ?2 < v.valid_to AND u.opened_on <= ?2 AND ?2 < u.closed_on
             )
             SELECT s.id FROM sub s JOIN unit u ON u.id = s.id
             WHERE u.opened_on <= ?2 AND ?2 < u.closed_on
               AND NOT EXISTS (SELECT 1 FROM unit_version v JOIN unit c ON c.id = v.unit_id
                               WHERE v.parent_id = s.id AND v.valid_from <= ?2 AND ?2 < v.valid_to
                                 AND c.opened_on <= ?2 AND ?2 < c.closed_on)",
        )?;
        let ids = stmt
            .query_map(params![root, day], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    /// Ids of the units of `kind` (compared without diacritics) that exist on `day`.
    pub(crate) fn units_of_kind(&self, kind: &str, day: NaiveDate) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT u.id FROM unit u JOIN unit_kind k ON k.id = u.kind_id
             WHERE k.search_key = ?1 AND u.opened_on <= ?2 AND ?2 < u.closed_on",
        )?;
        let ids = stmt
            .query_map(params![text::search_key(kind), day], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    /// The id of the kind with this name (compared without diacritics),
    /// created when not seen before.
    pub(crate) fn kind_id(&self, name: &str) -> Result<i64> {
        let key = text::search_key(name);
        if let Some(id) = self
            .conn
            .query_row("SELECT id FROM unit_kind WHERE search_key = ?1", [&key], |r| r.get(0))
            .optional()?
        {
            return Ok(id);
        }
        self.conn.execute(
            "INSERT INTO unit_kind (name, search_key) VALUES (?1, ?2)",
            params![name, key],
        )?;
        let id = self.conn.last_insert_rowid();
        self.log("kind.add", None, &json!({ "name": name }))?;
        Ok(id)
    }

    pub(crate) fn insert_unit(&self, input: &NewUnit) -> Result<Unit> {
        let code = clean_code("code", "Mã đơn vị", &input.code)?;
        let name = text::clean(&input.name);
        if name.is_empty() {
            return Err(Error::invalid("name", "Tên đơn vị không được để trống"));
        }
        let opened = input.opened_on.unwrap_or_else(beginning);
        let parent = match text::clean_opt(input.parent.as_deref()) {
            None => None,
            Some(p) => {
                // The parent must exist when the child opens (or today, for a
                // unit that has always existed).
                let day = input.opened_on.unwrap_or_else(today);
                let row = self.unit_for("parent", &p, day).map_err(|e| match e {
                    Error::Invalid { .. } => Error::invalid("parent", format!("Mã cấp trên «{p}» không tồn tại")),
                    e => e,
                })?;
                if !row.exists_on(day) {
                    return Err(Error::invalid(
                        "parent",
                        format!("Đơn vị cấp trên «{p}» không còn hoạt động"),
                    ));
                }
                Some(row)
            }
        };
        let exists: bool = self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM unit WHERE code = ?1)", [&code], |r| {
                r.get(0)
            })?;
        if exists {
            return Err(Error::conflict("code", format!("Mã đơn vị «{code}» đã có")));
        }
        let kind = text::clean_opt(input.kind.as_deref());
        let kind_id = kind.as_deref().map(|k| self.kind_id(k)).transpose()?;
        let uid = new_uid();
        let phone = text::clean_opt(input.phone.as_deref());
        let address = text::clean_opt(input.address.as_deref());
        self.conn.execute(
            "INSERT INTO unit (uid, code, kind_id, phone, address, opened_on, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![uid, code, kind_id, phone, address, opened, now_utc()],
        )?;
        let id = self.conn.last_insert_rowid();
        let version = Version {
            from: beginning(),
            to: end(),
            name: name.clone(),
            short_name: text::clean_opt(input.short_name.as_deref()),
            parent_id: parent.as_ref().map(|p| p.id),
        };
        self.write_versions(id, &code, &[version])?;
        for (role, who) in [
            (SignerRole::Secretary, &input.secretary),
            (SignerRole::Deputy, &input.deputy),
        ] {
            if let Some(who) = text::clean_opt(who.as_deref()) {
                self.conn.execute(
                    "INSERT INTO unit_signer (uid, unit_id, role, name, from_on) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![new_uid(), id, role.as_str(), who, input.opened_on],
                )?;
            }
        }
        self.log(
            "unit.add",
            Some(&uid),
            &json!({ "code": code, "name": name, "parent": parent.as_ref().map(|p| &p.unit.code), "kind": kind,
                     "opened_on": input.opened_on, "secretary": input.secretary, "deputy": input.deputy }),
        )?;
        self.unit_placed(&code, input.opened_on.unwrap_or_else(today))
    }

    fn versions(&self, unit_id: i64) -> Result<Vec<Version>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT valid_from, valid_to, name, short_name, parent_id FROM unit_version
             WHERE unit_id = ?1 ORDER BY valid_from",
        )?;
        let v = stmt
            .query_map([unit_id], |r| {
                Ok(Version {
                    from: r.get(0)?,
                    to: r.get(1)?,
                    name: r.get(2)?,
                    short_name: r.get(3)?,
                    parent_id: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// Replaces a unit's versions, merging neighbours that became equal.
    fn write_versions(&self, unit_id: i64, code: &str, versions: &[Version]) -> Result<()> {
        self.conn
            .execute("DELETE FROM unit_version WHERE unit_id = ?1", [unit_id])?;
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO unit_version (unit_id, valid_from, valid_to, name, short_name, parent_id, search_key, sort_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        let mut merged: Vec<Version> = Vec::with_capacity(versions.len());
        for v in versions {
            match merged.last_mut() {
                Some(last)
                    if last.name == v.name && last.short_name == v.short_name && last.parent_id == v.parent_id =>
                {
                    last.to = v.to;
                }
                _ => merged.push(v.clone()),
            }
        }
        for v in &merged {
            let key = text::search_key(&format!(
                "{} {} {}",
                v.name,
                v.short_name.as_deref().unwrap_or(""),
                code
            ));
            insert.execute(params![
                unit_id,
                v.from,
                v.to,
                v.name,
                v.short_name,
                v.parent_id,
                key,
                text::sort_key(&v.name)
            ])?;
        }
        Ok(())
    }

    /// Sets `attr` from `day` on: the version holding `day` is split, and later
    /// versions that still had the old value follow, up to the first one that
    /// was changed on purpose.
    fn set_from(&self, unit: &UnitRow, day: NaiveDate, attr: &Attr) -> Result<()> {
        let mut versions = self.versions(unit.id)?;
        let Some(i) = versions.iter().position(|v| v.from <= day && day < v.to) else {
            return Err(Error::invalid(
                "on",
                format!("Ngày {} nằm ngoài lịch sử đơn vị", fmt_date(day)),
            ));
        };
        if versions[i].from < day {
            let mut tail = versions[i].clone();
            tail.from = day;
            versions[i].to = day;
            versions.insert(i + 1, tail);
        }
        let start = if versions[i].from == day { i } else { i + 1 };
        let old = versions[start].clone();
        for v in versions.iter_mut().skip(start) {
            if !attr.same_as(v, &old) {
                break;
            }
            attr.apply(v);
        }
        self.write_versions(unit.id, &unit.unit.code, &versions)
    }

    /// True when `candidate` lies in the subtree of `root` on `day`.
    fn is_within(&self, candidate: i64, root: i64, day: NaiveDate) -> Result<bool> {
        let mut current = Some(candidate);
        let mut seen = HashSet::new();
        while let Some(id) = current {
            if id == root {
                return Ok(true);
            }
            if !seen.insert(id) {
                return Ok(false);
            }
            current = self
                .conn
                .query_row(
                    "SELECT parent_id FROM unit_version WHERE unit_id = ?1 AND valid_from <= ?2 AND ?2 < valid_to",
                    params![id, day],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
        }
        Ok(false)
    }

    /// Children (ids) of `unit` on or after `day`.
    fn children_from(&self, unit: i64, day: NaiveDate) -> Result<Vec<UnitRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT u.code FROM unit_version v JOIN unit u ON u.id = v.unit_id
             WHERE v.parent_id = ?1 AND v.valid_to > ?2 AND u.closed_on > ?2",
        )?;
        let codes = stmt
            .query_map(params![unit, day], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        codes.iter().map(|c| self.unit_on(c, day)).collect()
    }

    fn record_event(&self, kind: &str, unit: &UnitRow, r: &Reorganisation, detail: serde_json::Value) -> Result<()> {
        let uid = new_uid();
        self.conn.execute(
            "INSERT INTO unit_event (uid, kind, unit_id, effective_on, reason, detail, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                uid,
                kind,
                unit.id,
                r.on,
                text::clean_opt(r.reason.as_deref()),
                detail.to_string(),
                now_utc()
            ],
        )?;
        self.log(
            &format!("unit.{kind}"),
            Some(&unit.unit.uid),
            &json!({ "code": unit.unit.code, "on": r.on, "reason": r.reason, "detail": detail }),
        )
    }

    /// Closes `unit` on `day`, handing its children and open receipts to `successor`.
    fn close_into(&self, unit: &UnitRow, day: NaiveDate, successor: Option<&UnitRow>) -> Result<()> {
        if day <= unit.opened {
            return Err(Error::invalid(
                "on",
                format!(
                    "Đơn vị «{}» thành lập ngày {}; ngày giải thể hoặc sáp nhập phải sau ngày đó",
                    unit.unit.code,
                    unit.opened.format("%d/%m/%Y")
                ),
            ));
        }
        if let Some(s) = successor {
            for child in self.children_from(unit.id, day)? {
                if child.id != s.id {
                    self.set_from(&child, day, &Attr::Parent(Some(s.id)))?;
                }
            }
        } else {
            let open: Vec<String> = self
                .children_from(unit.id, day)?
                .into_iter()
                .map(|c| c.unit.code)
                .collect::<Vec<_>>();
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
        self.conn.execute(
            "UPDATE unit SET closed_on = ?1, successor_id = ?2 WHERE id = ?3",
            params![day, successor.map(|s| s.id), unit.id],
        )?;
        Ok(())
    }

    /// A unit that must exist on the day of a reorganisation.
    fn live_unit(&self, field: &str, code: &str, day: NaiveDate) -> Result<UnitRow> {
        let row = self.unit_for(field, code, day)?;
        if !row.exists_on(day) {
            return Err(Error::invalid(
                field,
                format!("Đơn vị «{}» không hoạt động vào ngày {}", row.unit.code, fmt_date(day)),
            ));
        }
        Ok(row)
    }

    pub(crate) fn reorganise(&self, r: &Reorganisation) -> Result<()> {
        let day = r.on;
        match &r.change {
            Change::Rename { code, name, short_name } => {
                let unit = self.live_unit("code", code, day)?;
                let name = text::clean(name);
                if name.is_empty() {
                    return Err(Error::invalid("name", "Tên mới không được để trống"));
                }
                let short = text::clean_opt(short_name.as_deref()).or_else(|| unit.unit.short_name.clone());
                self.set_from(&unit, day, &Attr::Name(name.clone(), short))?;
                self.record_event("rename", &unit, r, json!({ "from": unit.unit.name, "to": name }))
            }
            Change::Move { code, parent } => {
                let unit = self.live_unit("code", code, day)?;
                let parent = match text::clean_opt(parent.as_deref()) {
                    Some(p) => {
                        let p = self.live_unit("parent", &p, day)?;
                        if self.is_within(p.id, unit.id, day)? {
                            return Err(Error::invalid(
                                "parent",
                                format!("Không thể chuyển «{}» vào đơn vị trực thuộc chính nó", unit.unit.code),
                            ));
                        }
                        Some(p)
                    }
                    None => None,
                };
                self.set_from(&unit, day, &Attr::Parent(parent.as_ref().map(|p| p.id)))?;
                self.record_event(
                    "move",
                    &unit,
                    r,
                    json!({ "from": unit.unit.parent, "to": parent.map(|p| p.unit.code) }),
                )
            }
            Change::Merge { from, into } => {
                let target = self.live_unit("into", into, day)?;
                if from.is_empty() {
                    return Err(Error::invalid("from", "Chưa chọn đơn vị nào để sáp nhập"));
                }
                for code in from {
                    let unit = self.live_unit("from", code, day)?;
                    if unit.id == target.id || self.is_within(target.id, unit.id, day)? {
                        return Err(Error::invalid(
                            "into",
                            format!(
                                "Không thể sáp nhập «{}» vào chính nó hoặc đơn vị trực thuộc nó",
                                unit.unit.code
                            ),
                        ));
                    }
                    self.close_into(&unit, day, Some(&target))?;
                    self.record_event("merge", &unit, r, json!({ "into": target.unit.code }))?;
                    self.record_event("absorb", &target, r, json!({ "from": unit.unit.code }))?;
                }
                Ok(())
            }
            Change::Split { from, into } => {
                let unit = self.live_unit("from", from, day)?;
                let mut targets = Vec::with_capacity(into.len());
                for code in into {
                    let t = self.live_unit("into", code, day)?;
                    if t.id == unit.id || self.is_within(t.id, unit.id, day)? {
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
                self.close_into(&unit, day, Some(first))?;
                let codes: Vec<&str> = targets.iter().map(|t| t.unit.code.as_str()).collect();
                self.record_event("split", &unit, r, json!({ "into": codes }))
            }
            Change::Close { code } => {
                let unit = self.live_unit("code", code, day)?;
                self.close_into(&unit, day, None)?;
                self.record_event("close", &unit, r, json!({}))
            }
        }
    }
}

/// Orders rows (already sorted by name) depth-first and fills in depth and
/// subtree counts.
fn depth_first(rows: Vec<UnitRow>) -> Vec<UnitRow> {
    let index: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let mut children: HashMap<Option<i64>, Vec<usize>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        // A parent missing from the list (closed that day) would orphan the
        // subtree; show it as a root rather than hide it.
        let parent = r.parent_id.filter(|p| index.contains_key(p));
        children.entry(parent).or_default().push(i);
    }
    let mut out: Vec<UnitRow> = Vec::with_capacity(rows.len());
    // (row, depth, position of its ancestors in `out`)
    let mut stack: Vec<(usize, u32)> = children
        .get(&None)
        .map(|c| c.iter().rev().map(|&i| (i, 0)).collect())
        .unwrap_or_default();
    let mut path: Vec<usize> = Vec::new();
    while let Some((i, depth)) = stack.pop() {
        let mut row = rows[i].clone();
        row.unit.depth = depth;
        path.truncate(depth as usize);
        for &a in &path {
            out[a].unit.descendants += 1;
        }
        if let Some(kids) = children.get(&Some(row.id)) {
            row.unit.children = kids.len() as u32;
            stack.extend(kids.iter().rev().map(|&k| (k, depth + 1)));
        }
        path.push(out.len());
        out.push(row);
    }
    out
}

impl Store {
    pub fn add_unit(&mut self, actor: &Actor, unit: NewUnit) -> Result<Unit> {
        self.write(actor, |dao| dao.insert_unit(&unit))
    }

    /// Units that exist today, depth-first, siblings in Vietnamese order.
    pub fn list_units(&self) -> Result<Vec<Unit>> {
        self.units_as_of(today())
    }

    /// The tree as it stood (or will stand) on `day`.
    pub fn units_as_of(&self, day: NaiveDate) -> Result<Vec<Unit>> {
        self.read(|dao| Ok(dao.units_on(day)?.into_iter().map(|r| r.unit).collect()))
    }

    /// One unit as it stands today, closed or not.
    pub fn unit(&self, code: &str) -> Result<Unit> {
        self.read(|dao| dao.unit_placed(&text::clean(code), today()))
    }

    /// Units whose name, short name or code match `query` ignoring case,
    /// diacritics and tone placement; best matches first (name starts with the
    /// query, then a word starts with it, then it appears anywhere), then
    /// Vietnamese order.
    pub fn search_units(&self, query: &str, limit: usize) -> Result<Vec<Unit>> {
        self.search_units_in(query, limit, false)
    }

    /// `search_units`, optionally also over closed (merged, split) units.
    pub fn search_units_in(&self, query: &str, limit: usize, include_closed: bool) -> Result<Vec<Unit>> {
        let key = text::search_key(query);
        let day = today();
        self.read(|dao| {
            // The hits are chosen and ordered on the cheap columns first;
            // only they get the full row (kind, parent, secretaries), since
            // a short query matches thousands of units.
            let sql = format!(
                "WITH hit(id, rank) AS (
                     SELECT u.id, CASE WHEN v.search_key LIKE ?4 ESCAPE '\\' THEN 0
                                       WHEN v.search_key LIKE ?5 ESCAPE '\\' THEN 1 ELSE 2 END
                     FROM unit u JOIN unit_version v ON v.unit_id = u.id AND v.valid_from <= ?1 AND ?1 < v.valid_to
                     WHERE (?2 OR (u.opened_on <= ?1 AND ?1 < u.closed_on)) AND v.search_key LIKE ?3 ESCAPE '\\'
                     ORDER BY 2, v.sort_key, u.code
                     LIMIT ?6
                 )
                 {UNIT_AS_OF}
                 JOIN hit h ON h.id = u.id
                 ORDER BY h.rank, v.sort_key, u.code"
            );
            let escaped = key.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            let mut stmt = dao.conn.prepare_cached(&sql)?;
            let rows = stmt
                .query_map(
                    params![
                        day,
                        include_closed,
                        format!("%{escaped}%"),
                        format!("{escaped}%"),
                        format!("% {escaped}%"),
                        i64::try_from(limit).unwrap_or(i64::MAX)
                    ],
                    unit_row,
                )?
                .map(|r| r.map(|r| r.unit))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    pub fn edit_unit(&mut self, actor: &Actor, edit: UnitEdit) -> Result<Unit> {
        self.write(actor, |dao| {
            let unit = dao.unit_for("code", &edit.code, today())?;
            let kind = text::clean_opt(edit.kind.as_deref());
            let kind_id = kind.as_deref().map(|k| dao.kind_id(k)).transpose()?;
            let (phone, address, notes) = (
                text::clean_opt(edit.phone.as_deref()),
                text::clean_opt(edit.address.as_deref()),
                text::clean_opt(edit.notes.as_deref()),
            );
            dao.conn.execute(
                "UPDATE unit SET kind_id = ?1, phone = ?2, address = ?3, notes = ?4 WHERE id = ?5",
                params![kind_id, phone, address, notes, unit.id],
            )?;
            dao.log(
                "unit.edit",
                Some(&unit.unit.uid),
                &json!({ "code": unit.unit.code, "kind": kind, "phone": phone, "address": address, "notes": notes }),
            )?;
            dao.unit_placed(&unit.unit.code, today())
        })
    }

    /// Records a reorganisation, dated in the past or the future.
    pub fn reorganise(&mut self, actor: &Actor, r: Reorganisation) -> Result<()> {
        self.write(actor, |dao| dao.reorganise(&r))
    }

    /// A unit's reorganisations, oldest first.
    pub fn unit_history(&self, code: &str) -> Result<Vec<UnitEvent>> {
        self.read(|dao| {
            let unit = dao.unit_for("code", code, today())?;
            let mut stmt = dao.conn.prepare(
                "SELECT kind, effective_on, reason, detail FROM unit_event WHERE unit_id = ?1
                 ORDER BY effective_on, id",
            )?;
            let events = stmt
                .query_map([unit.id], |r| {
                    let kind: String = r.get(0)?;
                    let detail: String = r.get(3)?;
                    let detail: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
                    let s = |k: &str| detail.get(k).and_then(|v| v.as_str()).unwrap_or("").to_owned();
                    let summary = match kind.as_str() {
                        "rename" => format!("Đổi tên từ «{}» thành «{}»", s("from"), s("to")),
                        "move" => format!("Chuyển từ «{}» sang «{}»", s("from"), s("to")),
                        "merge" => format!("Sáp nhập vào «{}»", s("into")),
                        "absorb" => format!("Tiếp nhận đơn vị «{}» sáp nhập vào", s("from")),
                        "split" => format!(
                            "Chia tách thành {}",
                            detail.get("into").map(|v| v.to_string()).unwrap_or_default()
                        ),
                        _ => "Giải thể".to_owned(),
                    };
                    Ok(UnitEvent {
                        kind,
                        on: r.get(1)?,
                        reason: r.get(2)?,
                        summary,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(events)
        })
    }

    /// Appoints a secretary or deputy from a date; the previous holder's term ends then.
    pub fn set_signer(&mut self, actor: &Actor, s: NewSigner) -> Result<()> {
        self.write(actor, |dao| {
            let unit = dao.unit_for("code", &s.code, today())?;
            let name = text::clean(&s.name);
            if name.is_empty() {
                return Err(Error::invalid("name", "Tên người giữ chức vụ không được để trống"));
            }
            dao.conn.execute(
                "UPDATE unit_signer SET to_on = ?1 WHERE unit_id = ?2 AND role = ?3 AND to_on IS NULL
                   AND (from_on IS NULL OR ?1 IS NULL OR from_on < ?1)",
                params![s.from_on, unit.id, s.role.as_str()],
            )?;
            dao.conn.execute(
                "INSERT INTO unit_signer (uid, unit_id, role, name, from_on) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![new_uid(), unit.id, s.role.as_str(), name, s.from_on],
            )?;
            dao.log(
                "unit.signer",
                Some(&unit.unit.uid),
                &json!({ "code": unit.unit.code, "role": s.role.as_str(), "name": name, "from_on": s.from_on }),
            )
        })
    }

    /// Who held each role in a unit, oldest first.
    pub fn signers(&self, code: &str) -> Result<Vec<Signer>> {
        self.read(|dao| {
            let unit = dao.unit_for("code", code, today())?;
            let mut stmt = dao.conn.prepare(
                "SELECT role, name, from_on, to_on FROM unit_signer WHERE unit_id = ?1
                 ORDER BY coalesce(from_on, '0000-01-01'), id",
            )?;
            let rows = stmt
                .query_map([unit.id], |r| {
                    let role: String = r.get(0)?;
                    Ok(Signer {
                        role: if role == "deputy" {
                            SignerRole::Deputy
                        } else {
                            SignerRole::Secretary
                        },
                        name: r.get(1)?,
                        from_on: r.get(2)?,
                        to_on: r.get(3)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    /// The secretary (or deputy) of a unit on a day.
    pub fn signer_on(&self, code: &str, role: SignerRole, day: NaiveDate) -> Result<Option<String>> {
        Ok(self.signers(code)?.into_iter().rev().find_map(|s| {
            let after_start = s.from_on.is_none_or(|f| f <= day);
            let before_end = s.to_on.is_none_or(|t| day < t);
            (s.role == role && after_start && before_end).then_some(s.name)
        }))
    }

    pub fn list_kinds(&self) -> Result<Vec<UnitKind>> {
        self.read(|dao| {
            let mut stmt = dao.conn.prepare(
                "SELECT k.name, count(u.id) AS units FROM unit_kind k LEFT JOIN unit u ON u.kind_id = k.id
                 GROUP BY k.id",
            )?;
            let mut kinds = stmt
                .query_map([], |r| {
                    Ok(UnitKind {
                        name: r.get("name")?,
                        units: r.get("units")?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            kinds.sort_by(|a, b| text::compare(&a.name, &b.name));
            Ok(kinds)
        })
    }

    /// Adds a kind, or renames one (`old` set): kinds are data the admin edits.
    pub fn save_kind(&mut self, actor: &Actor, old: Option<&str>, name: &str) -> Result<()> {
        let name = text::clean(name);
        if name.is_empty() {
            return Err(Error::invalid("name", "Tên loại đơn vị không được để trống"));
        }
        self.write(actor, |dao| match old {
            None => dao.kind_id(&name).map(|_| ()),
            Some(old) => {
                let n = dao.conn.execute(
                    "UPDATE unit_kind SET name = ?1, search_key = ?2 WHERE search_key = ?3",
                    params![name, text::search_key(&name), text::search_key(old)],
                )?;
                if n == 0 {
                    return Err(Error::not_found("Loại đơn vị", old));
                }
                dao.log("kind.rename", None, &json!({ "from": old, "to": name }))
            }
        })
    }
}

#[cfg(test)]
mod tests;

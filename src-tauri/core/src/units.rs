//! Units (party committees and branches) as a tree, and their kinds.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};
use serde_json::json;

use crate::error::{Error, Result};
use crate::model::{NewUnit, Unit, UnitKind};
use crate::store::{new_uid, now_utc, Actor, Dao, Store};
use crate::text;

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

/// A unit row with its local keys, as the queries below read it.
#[derive(Debug, Clone)]
pub(crate) struct UnitRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub unit: Unit,
}

impl UnitRow {
    const COLUMNS: &'static str = "u.id, u.uid, u.code, u.name, u.short_name, k.name AS kind, u.parent_id,
         p.code AS parent_code, u.opened_on, u.closed_on";
    const FROM: &'static str =
        "unit u LEFT JOIN unit_kind k ON k.id = u.kind_id LEFT JOIN unit p ON p.id = u.parent_id";

    fn from_row(r: &Row<'_>) -> rusqlite::Result<UnitRow> {
        Ok(UnitRow {
            id: r.get("id")?,
            parent_id: r.get("parent_id")?,
            unit: Unit {
                uid: r.get("uid")?,
                code: r.get("code")?,
                name: r.get("name")?,
                short_name: r.get("short_name")?,
                kind: r.get("kind")?,
                parent: r.get("parent_code")?,
                depth: 0,
                children: 0,
                opened_on: r.get::<_, Option<NaiveDate>>("opened_on")?,
                closed_on: r.get::<_, Option<NaiveDate>>("closed_on")?,
            },
        })
    }
}

impl Dao<'_> {
    /// The unit with this code, or `NotFound`.
    pub(crate) fn unit_by_code(&self, code: &str) -> Result<UnitRow> {
        let sql = format!("SELECT {} FROM {} WHERE u.code = ?1", UnitRow::COLUMNS, UnitRow::FROM);
        self.conn
            .query_row(&sql, [code], UnitRow::from_row)
            .optional()?
            .ok_or_else(|| Error::not_found("Đơn vị", code))
    }

    /// Every unit, depth-first, siblings in Vietnamese order of name, with
    /// depth and the number of open children filled in.
    pub(crate) fn all_units(&self) -> Result<Vec<UnitRow>> {
        let sql = format!(
            "SELECT {} FROM {} ORDER BY u.sort_key, u.code",
            UnitRow::COLUMNS,
            UnitRow::FROM
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map([], UnitRow::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(depth_first(rows))
    }

    /// Ids of the open units under `root` (inclusive) that have no open children.
    pub(crate) fn open_leaves_under(&self, root: i64) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "WITH RECURSIVE sub(id) AS (
                 SELECT ?1
                 UNION ALL
                 SELECT u.id FROM unit u JOIN sub ON u.parent_id = sub.id WHERE u.closed_on IS NULL
             )
             SELECT s.id FROM sub s JOIN unit u ON u.id = s.id
             WHERE u.closed_on IS NULL
               AND NOT EXISTS (SELECT 1 FROM unit c WHERE c.parent_id = s.id AND c.closed_on IS NULL)",
        )?;
        let ids = stmt
            .query_map([root], |r| r.get(0))?
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
        let parent = match text::clean_opt(input.parent.as_deref()) {
            None => None,
            Some(p) => {
                let row = self.unit_by_code(&p).map_err(|e| match e {
                    Error::NotFound { .. } => Error::invalid("parent", format!("Mã cấp trên «{p}» không tồn tại")),
                    e => e,
                })?;
                if row.unit.closed_on.is_some() {
                    return Err(Error::invalid("parent", format!("Đơn vị cấp trên «{p}» đã giải thể")));
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
        let search_key = text::search_key(&format!("{name} {code}"));
        self.conn.execute(
            "INSERT INTO unit (uid, code, name, kind_id, parent_id, search_key, sort_key, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                uid,
                code,
                name,
                kind_id,
                parent.as_ref().map(|p| p.id),
                search_key,
                text::sort_key(&name),
                now_utc()
            ],
        )?;
        self.log(
            "unit.add",
            Some(&uid),
            &json!({ "code": code, "name": name, "parent": parent.as_ref().map(|p| &p.unit.code), "kind": kind }),
        )?;
        Ok(Unit {
            uid,
            code,
            name,
            short_name: None,
            kind,
            parent: parent.map(|p| p.unit.code),
            depth: 0,
            children: 0,
            opened_on: None,
            closed_on: None,
        })
    }
}

/// Orders rows (already sorted by name) depth-first and fills in depth and
/// open-children counts.
fn depth_first(rows: Vec<UnitRow>) -> Vec<UnitRow> {
    let index: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let mut children: HashMap<Option<i64>, Vec<usize>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        // A parent that is missing from the list would orphan the subtree; show
        // it as a root rather than hide it.
        let parent = r.parent_id.filter(|p| index.contains_key(p));
        children.entry(parent).or_default().push(i);
    }
    let mut out = Vec::with_capacity(rows.len());
    let mut stack: Vec<(usize, u32)> = children
        .get(&None)
        .map(|c| c.iter().rev().map(|&i| (i, 0)).collect())
        .unwrap_or_default();
    while let Some((i, depth)) = stack.pop() {
        let mut row = rows[i].clone();
        row.unit.depth = depth;
        if let Some(kids) = children.get(&Some(row.id)) {
            row.unit.children = kids.iter().filter(|&&k| rows[k].unit.closed_on.is_none()).count() as u32;
            stack.extend(kids.iter().rev().map(|&k| (k, depth + 1)));
        }
        out.push(row);
    }
    out
}

impl Store {
    pub fn add_unit(&mut self, actor: &Actor, unit: NewUnit) -> Result<Unit> {
        self.write(actor, |dao| dao.insert_unit(&unit))
    }

    /// Every unit, depth-first, siblings in Vietnamese order.
    pub fn list_units(&self) -> Result<Vec<Unit>> {
        self.read(|dao| Ok(dao.all_units()?.into_iter().map(|r| r.unit).collect()))
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("t.sqlite3")).expect("open");
        (dir, store)
    }

    fn unit(code: &str, name: &str, parent: Option<&str>) -> NewUnit {
        NewUnit {
            code: code.into(),
            name: name.into(),
            parent: parent.map(Into::into),
            kind: None,
        }
    }

    #[test]
    fn list_is_depth_first_in_vietnamese_order() {
        let (_d, mut s) = store();
        let a = Actor::new("t", "test");
        s.add_unit(&a, unit("X", "Đảng bộ xã Ân Phú", None)).expect("add");
        s.add_unit(&a, unit("X2", "Chi bộ Đông", Some("X"))).expect("add");
        s.add_unit(&a, unit("X1", "Chi bộ Dương", Some("X"))).expect("add");
        s.add_unit(&a, unit("A", "Đảng bộ xã An Hòa", None)).expect("add");
        s.add_unit(&a, unit("A1", "Chi bộ Ấp 1", Some("A"))).expect("add");
        let got: Vec<(String, u32, u32)> = s
            .list_units()
            .expect("list")
            .into_iter()
            .map(|u| (u.code, u.depth, u.children))
            .collect();
        let want = [("A", 0, 1), ("A1", 1, 0), ("X", 0, 2), ("X1", 1, 0), ("X2", 1, 0)];
        let want: Vec<(String, u32, u32)> = want.iter().map(|(c, d, n)| (c.to_string(), *d, *n)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn bad_units_are_refused_with_the_field_and_nothing_written() {
        let (_d, mut s) = store();
        let a = Actor::new("t", "test");
        s.add_unit(&a, unit("X", "Đảng bộ xã", None)).expect("add");
        let cases = [
            (unit("", "Tên", None), "code"),
            (unit("Y", "  ", None), "name"),
            (unit("Y", "Chi bộ", Some("NOPE")), "parent"),
            (unit("X", "Trùng mã", None), "code"),
            (unit("A B", "Có dấu cách", None), "code"),
        ];
        for (input, field) in cases {
            let err = s.add_unit(&a, input).expect_err("refused");
            match err {
                Error::Invalid { field: f, .. } | Error::Conflict { field: f, .. } => assert_eq!(f, field),
                other => panic!("unexpected {other}"),
            }
        }
        assert_eq!(s.list_units().expect("list").len(), 1);
        let logs: i64 = s
            .connection()
            .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
            .expect("count");
        assert_eq!(logs, 1);
    }

    #[test]
    fn kinds_are_created_once_ignoring_diacritics() {
        let (_d, mut s) = store();
        let a = Actor::new("t", "test");
        let mut u = unit("A", "Chi bộ 1", None);
        u.kind = Some("Chi bộ".into());
        s.add_unit(&a, u.clone()).expect("add");
        u.code = "B".into();
        u.kind = Some("chi bo".into());
        s.add_unit(&a, u).expect("add");
        let kinds = s.list_kinds().expect("kinds");
        assert_eq!(
            kinds,
            vec![UnitKind {
                name: "Chi bộ".into(),
                units: 2
            }]
        );
    }
}

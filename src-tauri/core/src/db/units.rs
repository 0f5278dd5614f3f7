//! The unit tables: `unit` (code, kind, contacts, the days it opened and
//! closed, its successor) and `unit_kind`; a unit as it stood on one day
//! (with the `unit_version` of that day), alone, found by a search, or the
//! whole tree of a day. A unit's versions, events and signers are in
//! `unit_history`. The rules (what may be added, how a reorganisation
//! reshapes the timeline) are in `crate::units`.

use std::sync::Arc;

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};

use super::store::DayUnits;
use super::Dao;
use crate::dates::today;
use crate::error::{Error, Result};
use crate::model::{Unit, UnitKind};
use crate::text;
use crate::tree::{Node, Tree};
use crate::unit_keys::{UnitKey, UnitKeys};

/// The first day of the timeline, stored instead of NULL (a unit that
/// existed before the register began opened on it).
pub(crate) fn beginning() -> NaiveDate {
    NaiveDate::from_ymd_opt(0, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// The last day of the timeline, stored instead of NULL (an open unit closes on it).
pub(crate) fn end() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// A stored boundary as an optional date: the sentinels read as `None`.
fn open_bound(d: NaiveDate) -> Option<NaiveDate> {
    (d != beginning() && d != end()).then_some(d)
}

/// A unit as it stood on one day, with its local keys.
#[derive(Debug, Clone)]
pub(crate) struct UnitRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    /// The day it opened (`beginning()` when it always existed).
    pub opened: NaiveDate,
    /// The day it closed (`end()` while open).
    pub closed: NaiveDate,
    pub unit: Unit,
}

impl UnitRow {
    /// True when the unit exists on `day`.
    pub fn exists_on(&self, day: NaiveDate) -> bool {
        self.opened <= day && day < self.closed
    }
}

/// Columns of a unit and its version on day ?1 (the query binds the day as
/// ?1), its signers that day given as `$signers`.
macro_rules! unit_as_of {
    ($signers:literal) => {
        concat!(
            "SELECT u.id, u.uid, u.code, v.name, v.short_name, k.name AS kind, v.parent_id,
                    p.code AS parent_code, u.opened_on, u.closed_on, u.successor_id, s.code AS successor_code,
                    u.phone, u.address, u.notes, ",
            $signers,
            " FROM unit u
             JOIN unit_version v ON v.unit_id = u.id AND v.valid_from <= ?1 AND ?1 < v.valid_to
             LEFT JOIN unit_kind k ON k.id = u.kind_id
             LEFT JOIN unit p ON p.id = v.parent_id
             LEFT JOIN unit s ON s.id = u.successor_id"
        )
    };
}

/// A unit on day ?1 with its secretary and deputy that day.
const UNIT_AS_OF: &str = unit_as_of!(
    "(SELECT name FROM unit_signer g WHERE g.unit_id = u.id AND g.role = 'secretary'
        AND coalesce(g.from_on, '0000-01-01') <= ?1 AND ?1 < coalesce(g.to_on, '9999-12-31')
      ORDER BY g.from_on DESC LIMIT 1) AS secretary,
     (SELECT name FROM unit_signer g WHERE g.unit_id = u.id AND g.role = 'deputy'
        AND coalesce(g.from_on, '0000-01-01') <= ?1 AND ?1 < coalesce(g.to_on, '9999-12-31')
      ORDER BY g.from_on DESC LIMIT 1) AS deputy"
);

/// A unit on day ?1 without its signers (two lookups a unit, for a list
/// that shows none).
const UNIT_UNSIGNED_AS_OF: &str = unit_as_of!("NULL AS secretary, NULL AS deputy");

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

/// The `unit` columns of a new unit; its name and parent are its first
/// version (`replace_unit_versions`).
pub(crate) struct UnitInsert<'a> {
    pub uid: &'a str,
    pub code: &'a str,
    pub kind_id: Option<i64>,
    pub phone: Option<&'a str>,
    pub address: Option<&'a str>,
    pub opened: NaiveDate,
}

impl Dao<'_> {
    /// The unit with this code as it stood on `day`, or `NotFound`.
    pub(crate) fn unit_on(&self, code: &str, day: NaiveDate) -> Result<UnitRow> {
        let sql = format!("{UNIT_AS_OF} WHERE u.code = ?2");
        self.conn
            .prepare_cached(&sql)?
            .query_row(params![day, code], unit_row)
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

    /// `unit_on` for a code typed into `field`: the code is cleaned first,
    /// and "not found" is a refusal of that field.
    pub(crate) fn unit_for(&self, field: &str, code: &str, day: NaiveDate) -> Result<UnitRow> {
        let code = text::clean_code(field, "Mã đơn vị", code)?;
        self.unit_on(&code, day).map_err(|e| match e {
            Error::NotFound { .. } => Error::invalid(field, format!("Mã đơn vị «{code}» không tồn tại")),
            e => e,
        })
    }

    /// Units that exist on `day`, in Vietnamese order of their names that
    /// day (then by code); depth and subtree counts are left at 0.
    pub(crate) fn units_on(&self, day: NaiveDate) -> Result<Vec<UnitRow>> {
        self.units_of_day(UNIT_AS_OF, day)
    }

    /// `units_on` without their secretaries and deputies.
    pub(crate) fn unsigned_units_on(&self, day: NaiveDate) -> Result<Vec<UnitRow>> {
        self.units_of_day(UNIT_UNSIGNED_AS_OF, day)
    }

    fn units_of_day(&self, select: &str, day: NaiveDate) -> Result<Vec<UnitRow>> {
        let sql = format!("{select} WHERE u.opened_on <= ?1 AND ?1 < u.closed_on ORDER BY v.sort_key, u.code");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([day], unit_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Whether the unit `code` is `ancestor` or under it on `day` (both
    /// open that day): a walk up the tree, not a read of the whole of it.
    pub(crate) fn unit_within(&self, code: &str, ancestor: &str, day: NaiveDate) -> Result<bool> {
        let mut stmt = self.conn.prepare_cached(
            "WITH RECURSIVE up(id) AS (
                 SELECT u.id FROM unit u WHERE u.code = ?1 AND u.opened_on <= ?3 AND ?3 < u.closed_on
                 UNION
                 SELECT v.parent_id FROM unit_version v JOIN up ON v.unit_id = up.id
                 WHERE v.valid_from <= ?3 AND ?3 < v.valid_to AND v.parent_id IS NOT NULL
             )
             SELECT EXISTS (SELECT 1 FROM up JOIN unit a ON a.id = up.id
                            WHERE a.code = ?2 AND a.opened_on <= ?3 AND ?3 < a.closed_on)",
        )?;
        Ok(stmt.query_row(params![code, ancestor, day], |r| r.get(0))?)
    }

    /// Units whose search key (name, short name and code, without
    /// diacritics) holds `key`, as they stand on `day`; only the open ones
    /// unless `include_closed`. Best matches first: the name starts with
    /// `key`, then a word does, then it appears anywhere; then Vietnamese
    /// order. At most `limit`.
    pub(crate) fn search_units(
        &self,
        key: &str,
        day: NaiveDate,
        include_closed: bool,
        limit: usize,
    ) -> Result<Vec<UnitRow>> {
        // The hits are chosen in memory from the day's keys (a short key is
        // held by thousands of units); only they get the full row (kind,
        // parent, secretaries), in the order chosen.
        let ids = self.unit_keys_on(day)?.best(key, include_closed, limit);
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "{UNIT_AS_OF}
             JOIN json_each(?2) h ON h.value = u.id
             ORDER BY h.key"
        );
        let ids = serde_json::json!(ids).to_string();
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(params![day, ids], unit_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
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

    /// True when a unit (open or closed) has this code.
    pub(crate) fn unit_code_taken(&self, code: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM unit WHERE code = ?1)")?
            .query_row([code], |r| r.get(0))?)
    }

    /// Writes the `unit` row of a new unit; returns its id.
    pub(crate) fn insert_unit_row(&self, u: &UnitInsert<'_>) -> Result<i64> {
        self.conn
            .prepare_cached(
                "INSERT INTO unit (uid, code, kind_id, phone, address, opened_on, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                u.uid,
                u.code,
                u.kind_id,
                u.phone,
                u.address,
                u.opened,
                crate::dates::now_utc()
            ])?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Sets a unit's attributes that carry no history.
    pub(crate) fn update_unit_details(
        &self,
        id: i64,
        kind_id: Option<i64>,
        phone: Option<&str>,
        address: Option<&str>,
        notes: Option<&str>,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE unit SET kind_id = ?1, phone = ?2, address = ?3, notes = ?4 WHERE id = ?5",
            params![kind_id, phone, address, notes, id],
        )?;
        Ok(())
    }

    /// Closes a unit on `day`, naming the unit that took over (if any).
    pub(crate) fn close_unit(&self, id: i64, day: NaiveDate, successor: Option<i64>) -> Result<()> {
        self.conn.execute(
            "UPDATE unit SET closed_on = ?1, successor_id = ?2 WHERE id = ?3",
            params![day, successor, id],
        )?;
        Ok(())
    }

    /// True when the register holds any unit or document (sample data go
    /// only into an empty register).
    pub(crate) fn holds_units_or_documents(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM unit) OR EXISTS (SELECT 1 FROM document)",
            [],
            |r| r.get(0),
        )?)
    }

    /// The id of the kind with this name (compared without diacritics).
    pub(crate) fn kind_by_name(&self, name: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM unit_kind WHERE search_key = ?1")?
            .query_row([text::search_key(name)], |r| r.get(0))
            .optional()?)
    }

    /// Writes a new kind; returns its id.
    pub(crate) fn insert_kind(&self, name: &str) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO unit_kind (name, search_key) VALUES (?1, ?2)",
            params![name, text::search_key(name)],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Renames the kind named `old` (compared without diacritics); returns
    /// how many kinds changed (0 when there is none by that name).
    pub(crate) fn rename_kind(&self, old: &str, name: &str) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE unit_kind SET name = ?1, search_key = ?2 WHERE search_key = ?3",
            params![name, text::search_key(name), text::search_key(old)],
        )?)
    }

    /// The names of every kind.
    pub(crate) fn kind_names(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("SELECT name FROM unit_kind")?;
        let kinds = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(kinds)
    }

    /// Every kind with how many units (open or closed) have it, unordered.
    pub(crate) fn kinds_counted(&self) -> Result<Vec<UnitKind>> {
        let mut stmt = self.conn.prepare(
            "SELECT k.name, count(u.id) AS units FROM unit_kind k LEFT JOIN unit u ON u.kind_id = k.id
             GROUP BY k.id",
        )?;
        let kinds = stmt
            .query_map([], |r| {
                Ok(UnitKind {
                    name: r.get("name")?,
                    units: r.get("units")?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(kinds)
    }

    /// The tree as it stood on `day` (see `crate::tree`): in a read, the
    /// store's copy when no unit changed since it was read.
    pub(crate) fn tree_on(&self, day: NaiveDate) -> Result<Arc<Tree>> {
        Ok(Arc::clone(&self.day_units(day)?.tree))
    }

    /// The search keys of the units that had a name on `day` (see
    /// `crate::unit_keys`), read with the tree and kept with it: the first
    /// screen's tree makes the first search a walk in memory.
    pub(crate) fn unit_keys_on(&self, day: NaiveDate) -> Result<Arc<UnitKeys>> {
        Ok(Arc::clone(&self.day_units(day)?.keys))
    }

    /// The units of `day`: in a read, the store's copy when no unit changed
    /// since it was read (the `unit_epoch` counter, which any connection's
    /// writes to the units move), else read and kept.
    fn day_units(&self, day: NaiveDate) -> Result<Arc<DayUnits>> {
        let Some(cache) = self.units else {
            return Ok(Arc::new(self.read_day_units(day)?));
        };
        let epoch: i64 = self
            .conn
            .prepare_cached("SELECT n FROM unit_epoch")?
            .query_row([], |r| r.get(0))?;
        if let Some(units) = cache.get(day, epoch) {
            return Ok(units);
        }
        let units = Arc::new(self.read_day_units(day)?);
        cache.put(day, epoch, &units);
        Ok(units)
    }

    /// One pass over the units that had a name on `day`: every one's search
    /// key, and the open ones' tree.
    fn read_day_units(&self, day: NaiveDate) -> Result<DayUnits> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT v.sort_key, u.id, u.code, v.name, v.parent_id, u.phone,
                    u.opened_on <= ?1 AND ?1 < u.closed_on, v.search_key FROM unit u
             JOIN unit_version v ON v.unit_id = u.id AND v.valid_from <= ?1 AND ?1 < v.valid_to",
        )?;
        let rows = stmt
            .query_map(params![day], |r| {
                let node = Node {
                    code: r.get(2)?,
                    name: r.get(3)?,
                    parent: r.get(4)?,
                    phone: r.get(5)?,
                    rank: 0,
                    depth: 0,
                };
                let key = UnitKey {
                    id: r.get(1)?,
                    open: r.get(6)?,
                    key: r.get(7)?,
                };
                Ok((r.get(0)?, (node, key)))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let rows = in_name_order(rows, |(node, _)| &node.code);
        let mut nodes = Vec::with_capacity(rows.len());
        let mut keys = Vec::with_capacity(rows.len());
        for (node, key) in rows {
            if key.open {
                nodes.push((key.id, node));
            }
            keys.push(key);
        }
        Ok(DayUnits {
            tree: Arc::new(Tree::build(nodes)),
            keys: Arc::new(UnitKeys::new(keys)),
        })
    }
}

/// `rows` (each with its unit's collation key) in the order of `ORDER BY
/// v.sort_key, u.code`: the key's bytes, then the code's (a BLOB and a
/// BINARY text both compare as bytes in SQL). Sorted here because SQLite's
/// sorter took 15–20 ms for the ten thousand units of a province, this
/// about one.
fn in_name_order<T>(mut rows: Vec<(Vec<u8>, T)>, code: impl Fn(&T) -> &str) -> Vec<T> {
    rows.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| code(&a.1).cmp(code(&b.1))));
    rows.into_iter().map(|(_, row)| row).collect()
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::in_name_order;

    /// The order sorted here is SQL's `ORDER BY key, code` over the same
    /// rows: keys that are prefixes of others, equal keys, codes that
    /// differ in case, digits and non-ASCII letters.
    #[test]
    fn in_name_order_is_sqls_order_of_key_then_code() {
        let conn = Connection::open_in_memory().expect("memory database");
        conn.execute_batch("CREATE TABLE t (key BLOB NOT NULL, code TEXT NOT NULL) STRICT")
            .expect("table");
        let keys: [&[u8]; 6] = [b"", b"\x00", b"ab", b"a", b"ab\x00", b"\xff"];
        let codes = ["b", "B", "a1", "a10", "a2", "Đ", "z"];
        let mut rows = Vec::new();
        for (i, key) in keys.iter().enumerate() {
            for (j, code) in codes.iter().enumerate() {
                if (i + j) % 3 != 0 {
                    conn.execute("INSERT INTO t VALUES (?1, ?2)", rusqlite::params![key, code])
                        .expect("row");
                    rows.push((key.to_vec(), (*code).to_owned()));
                }
            }
        }
        rows.reverse();
        let ours: Vec<(Vec<u8>, String)> = in_name_order(
            rows.into_iter().map(|(key, code)| (key.clone(), (key, code))).collect(),
            |(_, code)| code,
        );
        let sql: Vec<(Vec<u8>, String)> = conn
            .prepare("SELECT key, code FROM t ORDER BY key, code")
            .expect("query")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("read");
        assert_eq!(ours, sql);
    }
}

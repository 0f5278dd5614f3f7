//! A unit's history: its versions (`unit_version`: name, short name and
//! parent over time, tiling its timeline), its dated events (`unit_event`:
//! rename, move, merge, absorb, split, close) and its signers
//! (`unit_signer`: secretaries and deputies with their terms). How a change
//! reshapes the versions is decided in `crate::units`; this file reads and
//! writes them.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

use super::stored::{stored, Corrupt};
use super::Dao;
use crate::error::Result;
use crate::model::{Signer, SignerRole};
use crate::text;

/// The time-varying part of a unit, valid from `from` up to (not
/// including) `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnitVersion {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub name: String,
    pub short_name: Option<String>,
    pub parent_id: Option<i64>,
}

/// What a unit's event records (`unit_event.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventKind {
    Rename,
    Move,
    /// The unit was merged into another.
    Merge,
    /// Another unit was merged into this one.
    Absorb,
    Split,
    Close,
}

impl EventKind {
    const ALL: [EventKind; 6] = [
        EventKind::Rename,
        EventKind::Move,
        EventKind::Merge,
        EventKind::Absorb,
        EventKind::Split,
        EventKind::Close,
    ];

    /// The value stored, also the suffix of the audit action (`unit.merge`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Rename => "rename",
            EventKind::Move => "move",
            EventKind::Merge => "merge",
            EventKind::Absorb => "absorb",
            EventKind::Split => "split",
            EventKind::Close => "close",
        }
    }

    fn from_stored(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A signer's role as stored (`unit_signer.role`); nothing else is read as one.
fn signer_role(s: &str) -> Option<SignerRole> {
    [SignerRole::Secretary, SignerRole::Deputy]
        .into_iter()
        .find(|r| r.as_str() == s)
}

/// One event of a unit as stored.
#[derive(Debug, Clone)]
pub(crate) struct StoredEvent {
    pub kind: EventKind,
    pub on: NaiveDate,
    pub reason: Option<String>,
    /// What the event names (`from`, `to`, `into`, …), as recorded.
    pub detail: serde_json::Value,
}

impl Dao<'_> {
    /// A unit's versions, oldest first.
    pub(crate) fn unit_versions(&self, unit_id: i64) -> Result<Vec<UnitVersion>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT valid_from, valid_to, name, short_name, parent_id FROM unit_version
             WHERE unit_id = ?1 ORDER BY valid_from",
        )?;
        let v = stmt
            .query_map([unit_id], |r| {
                Ok(UnitVersion {
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

    /// Replaces a unit's versions with `versions`, as given; each row gets
    /// its search key (name, short name and `code`) and sort key.
    pub(crate) fn replace_unit_versions(&self, unit_id: i64, code: &str, versions: &[UnitVersion]) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM unit_version WHERE unit_id = ?1")?
            .execute([unit_id])?;
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO unit_version (unit_id, valid_from, valid_to, name, short_name, parent_id, search_key, sort_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for v in versions {
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

    /// The parent of a unit on `day` (`None` for a root, or a day outside
    /// its versions).
    pub(crate) fn parent_on(&self, unit_id: i64, day: NaiveDate) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT parent_id FROM unit_version WHERE unit_id = ?1 AND valid_from <= ?2 AND ?2 < valid_to",
                params![unit_id, day],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// Codes of the units that are children of `unit` on `day` or later,
    /// and still open then.
    pub(crate) fn child_codes_from(&self, unit: i64, day: NaiveDate) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT u.code FROM unit_version v JOIN unit u ON u.id = v.unit_id
             WHERE v.parent_id = ?1 AND v.valid_to > ?2 AND u.closed_on > ?2",
        )?;
        let codes = stmt
            .query_map(params![unit, day], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(codes)
    }

    /// Writes an event of a unit.
    pub(crate) fn insert_unit_event(
        &self,
        uid: &str,
        kind: EventKind,
        unit_id: i64,
        on: NaiveDate,
        reason: Option<&str>,
        detail: &serde_json::Value,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO unit_event (uid, kind, unit_id, effective_on, reason, detail, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                uid,
                kind.as_str(),
                unit_id,
                on,
                reason,
                detail.to_string(),
                crate::dates::now_utc()
            ],
        )?;
        Ok(())
    }

    /// A unit's events, oldest first. A kind or a detail the app cannot
    /// have written is refused, naming the row.
    pub(crate) fn unit_events(&self, unit_id: i64) -> Result<Vec<StoredEvent>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, kind, effective_on, reason, detail FROM unit_event WHERE unit_id = ?1
             ORDER BY effective_on, id",
        )?;
        let events = stmt
            .query_map([unit_id], |r| {
                let id: i64 = r.get("id")?;
                let detail: String = r.get("detail")?;
                let detail = serde_json::from_str(&detail)
                    .map_err(|_| Corrupt::at_id("unit_event", "detail", id, detail).into_sql())?;
                Ok(StoredEvent {
                    kind: stored(r, "unit_event", "kind", id, EventKind::from_stored)?,
                    on: r.get("effective_on")?,
                    reason: r.get("reason")?,
                    detail,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(events)
    }

    /// Writes a term of `name` in `role` of a unit, from `from_on` (`None`:
    /// since before the register began).
    pub(crate) fn insert_signer(
        &self,
        uid: &str,
        unit_id: i64,
        role: SignerRole,
        name: &str,
        from_on: Option<NaiveDate>,
    ) -> Result<()> {
        self.conn
            .prepare_cached("INSERT INTO unit_signer (uid, unit_id, role, name, from_on) VALUES (?1, ?2, ?3, ?4, ?5)")?
            .execute(params![uid, unit_id, role.as_str(), name, from_on])?;
        Ok(())
    }

    /// Ends on `on` the open terms in `role` of a unit that began before it
    /// (every open term when either day is unknown).
    pub(crate) fn end_signer_terms(&self, unit_id: i64, role: SignerRole, on: Option<NaiveDate>) -> Result<()> {
        self.conn.execute(
            "UPDATE unit_signer SET to_on = ?1 WHERE unit_id = ?2 AND role = ?3 AND to_on IS NULL
               AND (from_on IS NULL OR ?1 IS NULL OR from_on < ?1)",
            params![on, unit_id, role.as_str()],
        )?;
        Ok(())
    }

    /// Every term of every role of a unit, oldest first.
    pub(crate) fn unit_signers(&self, unit_id: i64) -> Result<Vec<Signer>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, role, name, from_on, to_on FROM unit_signer WHERE unit_id = ?1
             ORDER BY coalesce(from_on, '0000-01-01'), id",
        )?;
        let rows = stmt
            .query_map([unit_id], |r| {
                let id: i64 = r.get("id")?;
                Ok(Signer {
                    role: stored(r, "unit_signer", "role", id, signer_role)?,
                    name: r.get("name")?,
                    from_on: r.get("from_on")?,
                    to_on: r.get("to_on")?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Secretaries on `day` of the units `ids` (a JSON array of unit ids), by
    /// unit id: a list reads those of the units it shows, not every unit's.
    pub(crate) fn secretaries_on(&self, day: NaiveDate, ids: &str) -> Result<HashMap<i64, String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT unit_id, name FROM unit_signer
             WHERE role = 'secretary'
               AND unit_id IN (SELECT value FROM json_each(?2))
               AND coalesce(from_on, '0000-01-01') <= ?1 AND ?1 < coalesce(to_on, '9999-12-31')
             ORDER BY unit_id, from_on",
        )?;
        // Ordered by start, so the latest appointment wins.
        let map = stmt
            .query_map(params![day, ids], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<HashMap<i64, String>>>()?;
        Ok(map)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use crate::model::{Change, NewUnit, Reorganisation};
    use crate::{Actor, Store};

    fn corrupt(s: &Store, sql: &str) {
        let raw = s.connection();
        // The schema's CHECKs refuse these values: only an edit outside the app gets them in.
        raw.pragma_update(None, "ignore_check_constraints", true)
            .expect("pragma");
        raw.execute(sql, []).expect("corrupt");
    }

    fn refused(err: crate::Error, table: &str, value: &str) {
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("bảng {table}")) && msg.contains("dòng 1") && msg.contains(value),
            "{msg}"
        );
    }

    #[test]
    fn unknown_roles_kinds_and_details_are_reported_naming_the_row() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = Store::open(&dir.path().join("t.sqlite3")).expect("open");
        let a = Actor::new("t", "test");
        let unit = NewUnit {
            code: "C".into(),
            name: "Chi bộ thôn 1".into(),
            secretary: Some("Nguyễn Văn A".into()),
            ..NewUnit::default()
        };
        s.add_unit(&a, unit).expect("add");
        let rename = Reorganisation {
            change: Change::Rename {
                code: "C".into(),
                name: "Chi bộ thôn Trung Hòa".into(),
                short_name: None,
            },
            on: NaiveDate::from_ymd_opt(2024, 3, 1).expect("date"),
            reason: None,
        };
        s.reorganise(&a, rename).expect("rename");

        // Once read as the secretary.
        corrupt(&s, "UPDATE unit_signer SET role = 'chairman' WHERE id = 1");
        refused(s.signers("C").expect_err("unknown role"), "unit_signer", "«chairman»");
        // Once read as "Giải thể".
        corrupt(&s, "UPDATE unit_event SET kind = 'dissolve' WHERE id = 1");
        refused(
            s.unit_history("C").expect_err("unknown kind"),
            "unit_event",
            "«dissolve»",
        );
        // Once read as an empty detail.
        corrupt(
            &s,
            "UPDATE unit_event SET kind = 'rename', detail = 'from: A' WHERE id = 1",
        );
        refused(s.unit_history("C").expect_err("bad detail"), "unit_event", "cột detail");
    }
}

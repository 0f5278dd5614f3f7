//! Units (party committees and branches) as a tree that changes over time:
//! kinds, signers, and dated reorganisations (rename, move, merge, split,
//! close) that never delete anything.
//!
//! - this file: adding, listing, finding and editing units (the public
//!   `Store` API) and what a new unit must hold;
//! - `timeline`: how a dated change reshapes a unit's versions;
//! - `reorganise`: rename, move, merge, split, close, and the history;
//! - `signers`: secretaries and deputies with their terms;
//! - `kinds`: unit kinds;
//! - `plan`: a whole reorganisation from its mapping table, in one step.
//!
//! Every row is read and written through the db layer (`db::units`,
//! `db::unit_history`).

mod kinds;
pub mod plan;
mod reorganise;
pub(crate) use reorganise::reorganise;
mod signers;
mod timeline;

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::json;

use crate::dates::today;
use crate::db::{beginning, new_uid, Actor, Dao, Store, UnitInsert, UnitRow};
use crate::error::{Error, Result};
use crate::model::{NewUnit, SignerRole, Unit, UnitEdit, UnitEntry};
use crate::text;

use kinds::kind_id;

/// Adds a unit inside the caller's transaction: code and name required, the
/// code not yet taken, the parent open on the day the unit opens; a kind
/// not seen before is created. Returns the unit as it stands the day it
/// opens (today for a unit that always existed).
pub(crate) fn insert_unit(dao: &Dao<'_>, input: &NewUnit) -> Result<Unit> {
    let code = insert_unit_rows(dao, input)?;
    dao.unit_placed(&code, input.opened_on.unwrap_or_else(today))
}

/// [`insert_unit`] without reading the new unit back (its depth and subtree
/// counts walk the tree): for an import of thousands of units. Returns the
/// cleaned code.
pub(crate) fn insert_unit_rows(dao: &Dao<'_>, input: &NewUnit) -> Result<String> {
    let code = text::clean_code("code", "Mã đơn vị", &input.code)?;
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
            let row = dao.unit_for("parent", &p, day).map_err(|e| match e {
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
    if dao.unit_code_taken(&code)? {
        return Err(Error::conflict("code", format!("Mã đơn vị «{code}» đã có")));
    }
    let kind = text::clean_opt(input.kind.as_deref());
    let kind_id = kind.as_deref().map(|k| kind_id(dao, k)).transpose()?;
    let uid = new_uid();
    let phone = text::clean_opt(input.phone.as_deref());
    let address = text::clean_opt(input.address.as_deref());
    let id = dao.insert_unit_row(&UnitInsert {
        uid: &uid,
        code: &code,
        kind_id,
        phone: phone.as_deref(),
        address: address.as_deref(),
        opened,
    })?;
    let version = timeline::whole(
        name.clone(),
        text::clean_opt(input.short_name.as_deref()),
        parent.as_ref().map(|p| p.id),
    );
    dao.replace_unit_versions(id, &code, &[version])?;
    for (role, who) in [
        (SignerRole::Secretary, &input.secretary),
        (SignerRole::Deputy, &input.deputy),
    ] {
        if let Some(who) = text::clean_opt(who.as_deref()) {
            dao.insert_signer(&new_uid(), id, role, &who, input.opened_on)?;
        }
    }
    dao.log(
        "unit.add",
        Some(&uid),
        &json!({ "code": code, "name": name, "parent": parent.as_ref().map(|p| &p.unit.code), "kind": kind,
                 "opened_on": input.opened_on, "secretary": input.secretary, "deputy": input.deputy }),
    )?;
    Ok(code)
}

/// The units of `day`, depth-first, siblings in Vietnamese order.
fn tree_on(dao: &Dao<'_>, day: NaiveDate) -> Result<Vec<Unit>> {
    Ok(depth_first(dao.units_on(day)?).into_iter().map(|r| r.unit).collect())
}

/// `tree_on` as entries: what a tree or a picker shows of each unit.
fn entries_on(dao: &Dao<'_>, day: NaiveDate) -> Result<Vec<UnitEntry>> {
    Ok(depth_first(dao.unsigned_units_on(day)?)
        .into_iter()
        .map(|r| r.unit.into())
        .collect())
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
        self.write(actor, |dao| insert_unit(dao, &unit))
    }

    /// Units that exist today, depth-first, siblings in Vietnamese order.
    pub fn list_units(&self) -> Result<Vec<Unit>> {
        self.units_as_of(today())
    }

    /// The tree as it stood (or will stand) on `day`.
    pub fn units_as_of(&self, day: NaiveDate) -> Result<Vec<Unit>> {
        self.read(|dao| tree_on(dao, day))
    }

    /// `list_units` as the window lists them: every unit's entry.
    pub fn list_unit_entries(&self) -> Result<Vec<UnitEntry>> {
        self.unit_entries_as_of(today())
    }

    /// The tree of `day` as the window lists it: every unit's entry, in
    /// the order of `units_as_of`.
    pub fn unit_entries_as_of(&self, day: NaiveDate) -> Result<Vec<UnitEntry>> {
        self.read(|dao| entries_on(dao, day))
    }

    /// One unit as it stands today, closed or not.
    pub fn unit(&self, code: &str) -> Result<Unit> {
        self.unit_as_of(code, today())
    }

    /// One unit as it stood (or will stand) on `day`, closed or not.
    pub fn unit_as_of(&self, code: &str, day: NaiveDate) -> Result<Unit> {
        self.read(|dao| dao.unit_placed(&text::clean(code), day))
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
        let rows = self.read(|dao| dao.search_units(&key, today(), include_closed, limit))?;
        Ok(rows.into_iter().map(|r| r.unit).collect())
    }

    pub fn edit_unit(&mut self, actor: &Actor, edit: UnitEdit) -> Result<Unit> {
        self.write(actor, |dao| {
            let unit = dao.unit_for("code", &edit.code, today())?;
            let kind = text::clean_opt(edit.kind.as_deref());
            let kind_id = kind.as_deref().map(|k| kind_id(dao, k)).transpose()?;
            let (phone, address, notes) = (
                text::clean_opt(edit.phone.as_deref()),
                text::clean_opt(edit.address.as_deref()),
                text::clean_opt(edit.notes.as_deref()),
            );
            dao.update_unit_details(unit.id, kind_id, phone.as_deref(), address.as_deref(), notes.as_deref())?;
            dao.log(
                "unit.edit",
                Some(&unit.unit.uid),
                &json!({ "code": unit.unit.code, "kind": kind, "phone": phone, "address": address, "notes": notes }),
            )?;
            dao.unit_placed(&unit.unit.code, today())
        })
    }
}

#[cfg(test)]
mod tests;

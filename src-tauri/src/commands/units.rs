//! Units: the tree as it stood on a day, search, one unit's details,
//! history, secretaries and receipts, the flags of the tree, adding and
//! editing a unit, reorganisations and unit kinds.

use chrono::NaiveDate;
use giaonhan::accounts::Action;
use giaonhan::model::{
    NewSigner, NewUnit, Reorganisation, Signer, Unit, UnitEdit, UnitEntry, UnitEvent, UnitFlag, UnitKind, UnitReceipt,
};
use tauri::State;

use super::{AppState, Reply};

#[tauri::command(async)]
pub fn list_units(state: State<'_, AppState>) -> Reply<Vec<UnitEntry>> {
    Ok(state.with(Action::Read, |s, _| s.list_unit_entries())?)
}

#[tauri::command(async)]
pub fn add_unit(state: State<'_, AppState>, unit: NewUnit) -> Reply<Unit> {
    Ok(state.with(Action::EditRegisters, |s, g| s.add_unit(&g.actor, unit))?)
}

#[tauri::command(async)]
pub fn list_kinds(state: State<'_, AppState>) -> Reply<Vec<UnitKind>> {
    Ok(state.with(Action::Read, |s, _| s.list_kinds())?)
}

#[tauri::command(async)]
pub fn search_units(
    state: State<'_, AppState>,
    query: String,
    limit: usize,
    include_closed: Option<bool>,
) -> Reply<Vec<Unit>> {
    Ok(state.with(Action::Read, |s, _| {
        s.search_units_in(&query, limit, include_closed.unwrap_or(false))
    })?)
}

#[tauri::command(async)]
pub fn units_as_of(state: State<'_, AppState>, day: NaiveDate) -> Reply<Vec<UnitEntry>> {
    Ok(state.with(Action::Read, |s, _| s.unit_entries_as_of(day))?)
}

#[tauri::command(async)]
pub fn get_unit(state: State<'_, AppState>, code: String, as_of: Option<NaiveDate>) -> Reply<Unit> {
    Ok(state.with(Action::Read, |s, _| match as_of {
        Some(day) => s.unit_as_of(&code, day),
        None => s.unit(&code),
    })?)
}

#[tauri::command(async)]
pub fn edit_unit(state: State<'_, AppState>, edit: UnitEdit) -> Reply<Unit> {
    Ok(state.with(Action::EditRegisters, |s, g| s.edit_unit(&g.actor, edit))?)
}

#[tauri::command(async)]
pub fn reorganise(state: State<'_, AppState>, reorganisation: Reorganisation) -> Reply<()> {
    Ok(state.with(Action::EditRegisters, |s, g| s.reorganise(&g.actor, reorganisation))?)
}

#[tauri::command(async)]
pub fn unit_history(state: State<'_, AppState>, code: String) -> Reply<Vec<UnitEvent>> {
    Ok(state.with(Action::Read, |s, _| s.unit_history(&code))?)
}

#[tauri::command(async)]
pub fn unit_signers(state: State<'_, AppState>, code: String) -> Reply<Vec<Signer>> {
    Ok(state.with(Action::Read, |s, _| s.signers(&code))?)
}

#[tauri::command(async)]
pub fn set_signer(state: State<'_, AppState>, signer: NewSigner) -> Reply<()> {
    Ok(state.with(Action::EditRegisters, |s, g| s.set_signer(&g.actor, signer))?)
}

#[tauri::command(async)]
pub fn save_kind(state: State<'_, AppState>, old: Option<String>, name: String) -> Reply<()> {
    Ok(state.with(Action::EditRegisters, |s, g| {
        s.save_kind(&g.actor, old.as_deref(), &name)
    })?)
}

/// Every batch the unit received, and how it confirmed.
#[tauri::command(async)]
pub fn unit_receipts(state: State<'_, AppState>, code: String) -> Reply<Vec<UnitReceipt>> {
    Ok(state.with(Action::Read, |s, g| s.unit_receipts_for(g, &code))?)
}

/// Units with something outstanding on the day (today when `None`).
#[tauri::command(async)]
pub fn unit_flags(state: State<'_, AppState>, as_of: Option<NaiveDate>) -> Reply<Vec<UnitFlag>> {
    Ok(state.with(Action::Read, |s, g| s.unit_flags_for(g, as_of))?)
}

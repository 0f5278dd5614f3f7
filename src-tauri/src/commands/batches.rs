//! Batches and their receipts: the batches handed so far, a new batch, its
//! title or due date changed, a batch cancelled; a receipt by its code,
//! confirmed (as the reader's role allows) or put back to pending.

use chrono::NaiveDate;
use giaonhan::accounts::Action;
use giaonhan::model::{Batch, Confirmation, NewBatch, ReceiptDetail};
use tauri::State;

use super::{AppState, Reply};

#[tauri::command(async)]
pub fn list_batches(state: State<'_, AppState>) -> Reply<Vec<Batch>> {
    Ok(state.with(Action::Read, |s, g| s.batches_for(g))?)
}

#[tauri::command(async)]
pub fn create_batch(state: State<'_, AppState>, batch: NewBatch) -> Reply<Batch> {
    Ok(state.with(Action::Handout, |s, g| s.create_batch(&g.actor, batch))?)
}

#[tauri::command(async)]
pub fn cancel_batch(state: State<'_, AppState>, code: String, reason: String) -> Reply<()> {
    Ok(state.with(Action::Handout, |s, g| s.cancel_batch(&g.actor, &code, &reason))?)
}

#[tauri::command(async)]
pub fn edit_batch(
    state: State<'_, AppState>,
    code: String,
    title: Option<String>,
    due_on: Option<NaiveDate>,
    reason: String,
) -> Reply<Batch> {
    Ok(state.with(Action::Handout, |s, g| {
        s.edit_batch(&g.actor, &code, title.as_deref(), due_on, &reason)
    })?)
}

#[tauri::command(async)]
pub fn get_receipt(state: State<'_, AppState>, code: String) -> Reply<ReceiptDetail> {
    Ok(state.with(Action::Read, |s, g| s.receipt_for(g, &code))?)
}

/// Confirms a receipt: the owner of a single-user register as asked; a
/// signed-in account as its role allows (a secretary, their own unit only).
#[tauri::command(async)]
pub fn confirm_receipt(state: State<'_, AppState>, confirmation: Confirmation) -> Reply<()> {
    Ok(state.with(Action::ConfirmOwnUnit, |s, g| s.confirm_by(g, confirmation))?)
}

#[tauri::command(async)]
pub fn undo_confirmation(state: State<'_, AppState>, receipt: Confirmation, reason: String) -> Reply<()> {
    Ok(state.with(Action::ConfirmAny, |s, g| {
        s.undo_confirmation(&g.actor, receipt, &reason)
    })?)
}

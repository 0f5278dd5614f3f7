//! What the window asks first: where the register is and whether it is
//! empty, and the sample data it may load into an empty one.

use giaonhan::accounts::Action;
use giaonhan::model::AppStatus;
use tauri::State;

use super::{AppState, Reply};

#[tauri::command(async)]
pub fn app_status(state: State<'_, AppState>) -> Reply<AppStatus> {
    Ok(state.store()?.status()?)
}

#[tauri::command(async)]
pub fn load_demo(state: State<'_, AppState>) -> Reply<()> {
    Ok(state.with(Action::EditRegisters, |s, g| s.load_demo(&g.actor))?)
}

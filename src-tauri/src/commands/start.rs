//! What the window asks first: where the register is and whether it is
//! empty, and the sample data it may load into an empty one; and what it
//! says once its first screen is drawn.

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

/// The window has drawn its first screen: the start backup may begin.
#[tauri::command(async)]
pub fn first_screen_shown(state: State<'_, AppState>) -> Reply<()> {
    Ok(state.first_screen_shown()?)
}

//! What the window asks first: whether the register is being upgraded
//! before it opens, where it is and whether it is empty, and the sample data it may load into an empty one; and what it
//! says once its first screen is drawn.

use giaonhan::accounts::Action;
use giaonhan::backup::Upgrading;
use giaonhan::model::AppStatus;
use tauri::State;

use super::{AppState, Reply};

/// The upgrade of a register from an older version under way before it
/// opens (the window says so and asks again); `null` when there is none.
/// Never waits and never refused.
#[tauri::command(async)]
pub fn upgrade_status(state: State<'_, AppState>) -> Reply<Option<Upgrading>> {
    Ok(state.upgrade_status()?)
}

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

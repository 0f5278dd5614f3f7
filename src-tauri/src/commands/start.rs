//! What the window asks first: whether the register is being upgraded
//! before it opens, where it is and whether it is empty, and the sample data it may load into an empty one; and what it
//! says once its first screen is drawn; and whether another program wrote to
//! the register meanwhile.

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

/// A mark of what other programs (the command line, a second window) wrote
/// to the register: it moves with each of their commits (SQLite's
/// `data_version` of the app's connection). The window reads its lists
/// again when it moved. Never refused. The window asks every few seconds
/// while it is shown, so this is also when the app gives the memory freed
/// since (a long list's answer) back to the system.
#[tauri::command(async)]
pub fn outside_changes(state: State<'_, AppState>) -> Reply<i64> {
    let mark = state.store()?.changes()?.0;
    crate::memory::give_back();
    Ok(mark)
}

//! Backups and recovery: why the register did not open and the backups on
//! offer, the automatic backups and their settings, "back up now" to a file
//! the user picks, the banner of a failed backup, and a restore. The copy,
//! the restore and their rules are the core's (`Host`, `giaonhan::backup`).

use giaonhan::accounts::Action;
use giaonhan::backup::{BackupInfo, BackupSettings, BackupStatus, Recovery, Restored};
use giaonhan::host;
use tauri::{AppHandle, Runtime, State};

use super::files::ask_save_path;
use super::{AppState, Reply};

/// Why the database could not be opened and the backups on offer; `null`
/// when it is open (the UI then starts as usual). Never refused.
#[tauri::command(async)]
pub fn recovery_status(state: State<'_, AppState>) -> Reply<Option<Recovery>> {
    Ok(state.recovery()?)
}

/// The automatic backups, newest first.
#[tauri::command(async)]
pub fn list_backups(state: State<'_, AppState>) -> Reply<Vec<BackupInfo>> {
    Ok(state.with(Action::Backup, |s, _| s.backups())?)
}

/// Backs up now to a file the user picks (or into `GIAONHAN_SAVE_DIR`); the
/// path, or `None` when cancelled. The copy does not hold the store.
#[tauri::command(async)]
pub fn backup_now<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Reply<Option<String>> {
    let actor = state.grant(Action::Backup)?.actor;
    let name = host::backup_file_name(chrono::Local::now().naive_local());
    let Some(path) = ask_save_path(&app, &name) else {
        return Ok(None);
    };
    state.backup_now(&actor, &path)?;
    Ok(Some(path.display().to_string()))
}

/// How the automatic backups are kept and how often they are made.
#[tauri::command(async)]
pub fn backup_settings(state: State<'_, AppState>) -> Reply<BackupSettings> {
    Ok(state.with(Action::Backup, |s, _| s.backup_settings())?)
}

#[tauri::command(async)]
pub fn set_backup_settings(state: State<'_, AppState>, settings: BackupSettings) -> Reply<()> {
    Ok(state.with(Action::Settings, |s, g| s.set_backup_settings(&g.actor, &settings))?)
}

/// The banner of every screen: a failed or damaged automatic backup, and
/// whether the register was closed for recovery. Never refused (the window
/// polls it, signed in or not).
#[tauri::command(async)]
pub fn backup_status(state: State<'_, AppState>) -> Reply<BackupStatus> {
    Ok(state.backup_status()?)
}

/// Dismisses the backup banner (the damaged copy stays marked in the list).
#[tauri::command(async)]
pub fn dismiss_backup_alert(state: State<'_, AppState>) -> Reply<()> {
    Ok(state.dismiss_backup_alert()?)
}

/// Restores an automatic backup (by its file name in the backups folder).
#[tauri::command(async)]
pub fn restore_backup(state: State<'_, AppState>, file_name: String) -> Reply<Restored> {
    Ok(state.restore(&file_name)?)
}

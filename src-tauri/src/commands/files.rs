//! Files the user picks in a native dialog: the file to import and the
//! reorganisation plan (their paths stay on this side; the window gets only
//! the name and size), the export of a register or its empty template, an
//! empty plan, and where every saved file goes
//! (`ask_save_path`). For unattended runs (kiosk set-ups, the end-to-end
//! tests) two environment variables stand in for the dialogs.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use giaonhan::accounts::Action;
use giaonhan::host;
use giaonhan::import::{ChosenFile, ImportReport, Register};
use giaonhan::progress::Step;
use giaonhan::units::plan::PlanReport;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use super::{AppState, Reply};

/// Environment variable naming a folder from which imports are opened without
/// the native dialog (unattended use, the end-to-end tests): the window then
/// names a file in that folder instead.
pub const OPEN_DIR_ENV: &str = "GIAONHAN_OPEN_DIR";

/// Environment variable naming a folder where saves go without asking:
/// for unattended use (kiosk set-ups, the end-to-end tests), never required.
pub const SAVE_DIR_ENV: &str = "GIAONHAN_SAVE_DIR";

/// Asks which file to import (native dialog; or, when `GIAONHAN_OPEN_DIR` is
/// set and the window names one, that file in that folder) and keeps its
/// path in the core, for `import_register` to read: the file's bytes never
/// cross into the window. Returns its name and size, or `None` when cancelled.
#[tauri::command(async)]
pub fn choose_import_file<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: Option<String>,
) -> Reply<Option<ChosenFile>> {
    state.grant(Action::EditRegisters)?;
    match pick_table_file(&app, name)? {
        Some(path) => Ok(Some(state.choose_import(path)?)),
        None => Ok(None),
    }
}

/// Asks for a reorganisation plan (CSV or XLSX) the same way, kept for
/// `reorganise_plan`; its name and size, or `None` when cancelled.
#[tauri::command(async)]
pub fn choose_plan_file<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: Option<String>,
) -> Reply<Option<ChosenFile>> {
    state.grant(Action::EditRegisters)?;
    match pick_table_file(&app, name)? {
        Some(path) => Ok(Some(state.choose_plan(path)?)),
        None => Ok(None),
    }
}

/// Checks (dry run: nothing kept) or applies the plan chosen with
/// `choose_plan_file`, effective on `on`.
#[tauri::command(async)]
pub fn reorganise_plan(
    state: State<'_, AppState>,
    on: NaiveDate,
    reason: Option<String>,
    dry_run: bool,
) -> Reply<PlanReport> {
    Ok(state.plan_chosen(on, reason, dry_run)?)
}

/// Asks where to save an empty reorganisation plan (Excel), then writes it.
#[tauri::command(async)]
pub fn save_plan_template<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Reply<Option<String>> {
    state.grant(Action::Export)?;
    let Some(path) = ask_save_path(&app, host::PLAN_TEMPLATE_FILE_NAME) else {
        return Ok(None);
    };
    state.save_plan_template(&path)?;
    Ok(Some(path.display().to_string()))
}

/// A CSV or XLSX file chosen in the native dialog, or named in
/// `GIAONHAN_OPEN_DIR` when unattended.
fn pick_table_file<R: Runtime>(app: &AppHandle<R>, name: Option<String>) -> giaonhan::Result<Option<PathBuf>> {
    Ok(unattended(name)?.or_else(|| {
        app.dialog()
            .file()
            .add_filter("CSV, Excel (.csv, .xlsx)", &["csv", "xlsx"])
            .blocking_pick_file()
            .and_then(|p| p.into_path().ok())
    }))
}

/// The file or folder `name` inside `GIAONHAN_OPEN_DIR`, when both are
/// given: what an unattended run names instead of a dialog.
pub(super) fn unattended(name: Option<String>) -> giaonhan::Result<Option<PathBuf>> {
    let dir = std::env::var_os(OPEN_DIR_ENV).filter(|d| !d.is_empty());
    match (dir, name.filter(|n| !n.is_empty())) {
        (Some(dir), Some(name)) => Ok(Some(host::file_in_folder(Path::new(&dir), &name)?)),
        _ => Ok(None),
    }
}

/// Checks (dry run) or imports the file chosen with `choose_import_file`,
/// telling `progress` how many rows are checked, then written.
#[tauri::command(async)]
pub fn import_register(
    state: State<'_, AppState>,
    register: Register,
    dry_run: bool,
    progress: Channel<Step>,
) -> Reply<ImportReport> {
    Ok(state.import_chosen(register, dry_run, |step| {
        let _ = progress.send(step);
    })?)
}

/// Asks where to save, then writes the register (or an empty template) there.
/// Returns the path, or `None` when the user cancelled.
#[tauri::command(async)]
pub fn save_register<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    register: Register,
    template: bool,
    xlsx: bool,
) -> Reply<Option<String>> {
    let actor = state.grant(Action::Export)?.actor;
    let Some(path) = ask_save_path(&app, &host::register_file_name(register, template, xlsx)) else {
        return Ok(None);
    };
    state.save_register(&actor, register, template, &path)?;
    Ok(Some(path.display().to_string()))
}

/// Asks the user where to save `file_name` (native dialog filtered on its
/// extension, which asks before replacing a file), or uses the folder in
/// `GIAONHAN_SAVE_DIR` when set — there under a fresh name ("name (2).pdf")
/// rather than replacing a file nobody confirmed. `None`: the user cancelled.
pub(crate) fn ask_save_path<R: Runtime>(app: &AppHandle<R>, file_name: &str) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(SAVE_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(giaonhan::files::fresh_path(&PathBuf::from(dir).join(file_name)));
    }
    let ext = file_name.rsplit_once('.').map_or("", |(_, ext)| ext);
    app.dialog()
        .file()
        .set_file_name(file_name)
        .add_filter(ext.to_uppercase(), &[ext])
        .blocking_save_file()
        .and_then(|p| p.into_path().ok())
}

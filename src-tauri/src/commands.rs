//! The Tauri commands: one-line adapters that lock the store, call the core and
//! turn its error into the structured `ApiError` the UI shows. No SQL and no
//! business rule here; every rule lives in the `giaonhan` crate.
//!
//! Commands run off the main thread (`async`), so a long query never freezes the
//! window; the mutex serialises access to the one SQLite connection.

use std::sync::{Mutex, MutexGuard};

use chrono::NaiveDate;
use giaonhan::import::{ImportReport, Register};
use giaonhan::model::{
    AppStatus, Batch, Confirmation, Document, NewBatch, NewDocument, NewSigner, NewUnit, OutstandingQuery,
    OutstandingRow, ReceiptDetail, Reorganisation, Signer, Unit, UnitEdit, UnitEvent, UnitKind,
};
use giaonhan::{Actor, ApiError, ErrorKind, Store};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

/// The state shared by all commands: the open store.
pub struct AppState {
    store: Mutex<Store>,
}

impl AppState {
    pub fn new(store: Store) -> AppState {
        AppState {
            store: Mutex::new(store),
        }
    }

    /// Locks the store. A poisoned lock means an earlier command panicked; its
    /// transaction was rolled back, but the app should be restarted.
    fn store(&self) -> Result<MutexGuard<'_, Store>, ApiError> {
        self.store.lock().map_err(|_| ApiError {
            kind: ErrorKind::Database,
            message: "Một thao tác trước đó bị lỗi giữa chừng và đã được huỷ; \
                      hãy đóng rồi mở lại ứng dụng. Dữ liệu đã lưu không bị ảnh hưởng."
                .to_owned(),
            field: None,
        })
    }
}

type Reply<T> = Result<T, ApiError>;

#[tauri::command(async)]
pub fn app_status(state: State<'_, AppState>) -> Reply<AppStatus> {
    Ok(state.store()?.status()?)
}

#[tauri::command(async)]
pub fn load_demo(state: State<'_, AppState>) -> Reply<()> {
    Ok(state.store()?.load_demo(&Actor::app())?)
}

#[tauri::command(async)]
pub fn list_units(state: State<'_, AppState>) -> Reply<Vec<Unit>> {
    Ok(state.store()?.list_units()?)
}

#[tauri::command(async)]
pub fn add_unit(state: State<'_, AppState>, unit: NewUnit) -> Reply<Unit> {
    Ok(state.store()?.add_unit(&Actor::app(), unit)?)
}

#[tauri::command(async)]
pub fn list_kinds(state: State<'_, AppState>) -> Reply<Vec<UnitKind>> {
    Ok(state.store()?.list_kinds()?)
}

#[tauri::command(async)]
pub fn list_documents(state: State<'_, AppState>) -> Reply<Vec<Document>> {
    Ok(state.store()?.list_documents()?)
}

#[tauri::command(async)]
pub fn add_document(state: State<'_, AppState>, doc: NewDocument) -> Reply<Document> {
    Ok(state.store()?.add_document(&Actor::app(), doc)?)
}

#[tauri::command(async)]
pub fn list_batches(state: State<'_, AppState>) -> Reply<Vec<Batch>> {
    Ok(state.store()?.list_batches()?)
}

#[tauri::command(async)]
pub fn create_batch(state: State<'_, AppState>, batch: NewBatch) -> Reply<Batch> {
    Ok(state.store()?.create_batch(&Actor::app(), batch)?)
}

#[tauri::command(async)]
pub fn outstanding(state: State<'_, AppState>, query: OutstandingQuery) -> Reply<Vec<OutstandingRow>> {
    Ok(state.store()?.outstanding(&query)?)
}

#[tauri::command(async)]
pub fn confirm_receipt(state: State<'_, AppState>, confirmation: Confirmation) -> Reply<()> {
    Ok(state.store()?.confirm(&Actor::app(), confirmation)?)
}

#[tauri::command(async)]
pub fn search_units(state: State<'_, AppState>, query: String, limit: usize) -> Reply<Vec<Unit>> {
    Ok(state.store()?.search_units(&query, limit)?)
}

#[tauri::command(async)]
pub fn units_as_of(state: State<'_, AppState>, day: NaiveDate) -> Reply<Vec<Unit>> {
    Ok(state.store()?.units_as_of(day)?)
}

#[tauri::command(async)]
pub fn get_unit(state: State<'_, AppState>, code: String) -> Reply<Unit> {
    Ok(state.store()?.unit(&code)?)
}

#[tauri::command(async)]
pub fn edit_unit(state: State<'_, AppState>, edit: UnitEdit) -> Reply<Unit> {
    Ok(state.store()?.edit_unit(&Actor::app(), edit)?)
}

#[tauri::command(async)]
pub fn reorganise(state: State<'_, AppState>, reorganisation: Reorganisation) -> Reply<()> {
    Ok(state.store()?.reorganise(&Actor::app(), reorganisation)?)
}

#[tauri::command(async)]
pub fn unit_history(state: State<'_, AppState>, code: String) -> Reply<Vec<UnitEvent>> {
    Ok(state.store()?.unit_history(&code)?)
}

#[tauri::command(async)]
pub fn unit_signers(state: State<'_, AppState>, code: String) -> Reply<Vec<Signer>> {
    Ok(state.store()?.signers(&code)?)
}

#[tauri::command(async)]
pub fn set_signer(state: State<'_, AppState>, signer: NewSigner) -> Reply<()> {
    Ok(state.store()?.set_signer(&Actor::app(), signer)?)
}

#[tauri::command(async)]
pub fn save_kind(state: State<'_, AppState>, old: Option<String>, name: String) -> Reply<()> {
    Ok(state.store()?.save_kind(&Actor::app(), old.as_deref(), &name)?)
}

/// Checks (dry run) or imports a file the user picked in the window.
#[tauri::command(async)]
pub fn import_register(
    state: State<'_, AppState>,
    register: Register,
    file_name: String,
    bytes: Vec<u8>,
    dry_run: bool,
) -> Reply<ImportReport> {
    Ok(state
        .store()?
        .import_bytes(&Actor::app(), register, &file_name, &bytes, dry_run)?)
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
    let ext = if xlsx { "xlsx" } else { "csv" };
    let stem = match (register, template) {
        (Register::Units, false) => "don-vi",
        (Register::Units, true) => "mau-nhap-don-vi",
        (Register::Documents, false) => "van-ban",
        (Register::Documents, true) => "mau-nhap-van-ban",
    };
    let Some(path) = ask_save_path(&app, &format!("{stem}.{ext}"), ext) else {
        return Ok(None);
    };
    if template {
        Store::template(register, &path)?;
    } else {
        state.store()?.export(register, &path)?;
    }
    Ok(Some(path.display().to_string()))
}

#[tauri::command(async)]
pub fn get_receipt(state: State<'_, AppState>, code: String) -> Reply<ReceiptDetail> {
    Ok(state.store()?.receipt(&code)?)
}

#[tauri::command(async)]
pub fn undo_confirmation(state: State<'_, AppState>, receipt: Confirmation, reason: String) -> Reply<()> {
    Ok(state.store()?.undo_confirmation(&Actor::app(), receipt, &reason)?)
}

#[tauri::command(async)]
pub fn cancel_batch(state: State<'_, AppState>, code: String, reason: String) -> Reply<()> {
    Ok(state.store()?.cancel_batch(&Actor::app(), &code, &reason)?)
}

#[tauri::command(async)]
pub fn edit_batch(
    state: State<'_, AppState>,
    code: String,
    title: Option<String>,
    due_on: Option<NaiveDate>,
    reason: String,
) -> Reply<Batch> {
    Ok(state
        .store()?
        .edit_batch(&Actor::app(), &code, title.as_deref(), due_on, &reason)?)
}

/// Environment variable naming a folder where saves go without asking:
/// for unattended use (kiosk set-ups, the end-to-end tests), never required.
pub const SAVE_DIR_ENV: &str = "GIAONHAN_SAVE_DIR";

/// Asks the user where to save `file_name` (native dialog), or uses the folder
/// in `GIAONHAN_SAVE_DIR` when set. `None`: the user cancelled.
fn ask_save_path<R: Runtime>(app: &AppHandle<R>, file_name: &str, ext: &str) -> Option<std::path::PathBuf> {
    if let Some(dir) = std::env::var_os(SAVE_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(std::path::PathBuf::from(dir).join(file_name));
    }
    app.dialog()
        .file()
        .set_file_name(file_name)
        .add_filter(ext.to_uppercase(), &[ext])
        .blocking_save_file()
        .and_then(|p| p.into_path().ok())
}

/// Prints the delivery slips of a batch to a PDF the user saves; returns the
/// path, or `None` when cancelled.
#[tauri::command(async)]
pub fn save_slips<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    batch: String,
    per_page: u8,
) -> Reply<Option<String>> {
    let file_name = format!("phieu-giao-nhan-{}.pdf", giaonhan::text::file_stem(&batch));
    let Some(path) = ask_save_path(&app, &file_name, "pdf") else {
        return Ok(None);
    };
    let pdf = state.store()?.slips(&batch, per_page)?;
    std::fs::write(&path, pdf).map_err(|e| ApiError::from(giaonhan::Error::Io(e)))?;
    Ok(Some(path.display().to_string()))
}

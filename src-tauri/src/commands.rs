//! The Tauri commands: one-line adapters that lock the store, call the core and
//! turn its error into the structured `ApiError` the UI shows. No SQL and no
//! business rule here; every rule lives in the `giaonhan` crate.
//!
//! Commands run off the main thread (`async`), so a long query never freezes the
//! window; the mutex serialises access to the one SQLite connection.

use std::sync::{Mutex, MutexGuard};

use giaonhan::model::{
    AppStatus, Batch, Confirmation, Document, NewBatch, NewDocument, NewUnit, OutstandingQuery, OutstandingRow, Unit,
    UnitKind,
};
use giaonhan::{Actor, ApiError, ErrorKind, Store};
use tauri::State;

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

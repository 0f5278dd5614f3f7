//! Documents: the register (what the signed-in reader may see of it) and
//! adding a document.

use giaonhan::accounts::Action;
use giaonhan::model::{Document, NewDocument};
use tauri::State;

use super::{AppState, Reply};

#[tauri::command(async)]
pub fn list_documents(state: State<'_, AppState>) -> Reply<Vec<Document>> {
    Ok(state.with(Action::Read, |s, g| s.documents_for(g))?)
}

#[tauri::command(async)]
pub fn add_document(state: State<'_, AppState>, doc: NewDocument) -> Reply<Document> {
    Ok(state.with(Action::EditRegisters, |s, g| s.add_document(&g.actor, doc))?)
}

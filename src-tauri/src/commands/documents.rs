//! Documents: the register (what the signed-in reader may see of it),
//! adding a document, and the numbered copies of classified ones: where each
//! copy is, a unit's copies, recalls and the copies brought back.

use giaonhan::accounts::Action;
use giaonhan::model::{CopyRow, Document, HeldCopy, NewDocument, NewRecall, Recall, RecallReturn, ReceivedRecall};
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

#[tauri::command(async)]
pub fn document_copies(state: State<'_, AppState>, symbol: String, uid: Option<String>) -> Reply<Vec<CopyRow>> {
    Ok(state.with(Action::Read, |s, g| s.copies_for(g, &symbol, uid.as_deref()))?)
}

#[tauri::command(async)]
pub fn copies_held(state: State<'_, AppState>, unit: String) -> Reply<Vec<HeldCopy>> {
    Ok(state.with(Action::Read, |s, g| s.copies_held_for(g, &unit))?)
}

#[tauri::command(async)]
pub fn list_recalls(state: State<'_, AppState>) -> Reply<Vec<Recall>> {
    Ok(state.with(Action::Read, |s, g| s.recalls_for(g))?)
}

/// The recalls parent offices sent (their packets), a row per unit of
/// ours holding copies; `return_copies` with such a code records a return.
#[tauri::command(async)]
pub fn received_recalls(state: State<'_, AppState>) -> Reply<Vec<ReceivedRecall>> {
    Ok(state.with(Action::Read, |s, g| s.received_recalls_for(g))?)
}

#[tauri::command(async)]
pub fn create_recall(state: State<'_, AppState>, recall: NewRecall) -> Reply<Recall> {
    Ok(state.with(Action::Handout, |s, g| s.create_recall(&g.actor, recall))?)
}

#[tauri::command(async)]
pub fn return_copies(state: State<'_, AppState>, input: RecallReturn) -> Reply<Recall> {
    Ok(state.with(Action::ConfirmAny, |s, g| s.return_copies(&g.actor, input))?)
}

//! The records that cross the boundary to the UI and the CLI.
//!
//! Every type here derives `ts_rs::TS`: `cargo test` regenerates the TypeScript
//! bindings in `ui/src/bindings/`, and the test command fails when the checked-in
//! bindings differ, so the UI cannot drift from the Rust side. Local integer keys
//! never leave the store; records are named by their code (units, batches),
//! symbol (documents) or receipt code.
//!
//! One file per area: `units`, `documents`, `copies` (numbered copies of
//! classified documents), `batches`, `receipts` and
//! `lists` (the lists and figures), `study` (study follow-through); every type is re-exported here, so
//! `crate::model::Unit` names it wherever it lives.

mod batches;
mod copies;
mod documents;
mod lists;
mod receipts;
mod study;
mod units;

pub use batches::*;
pub use copies::*;
pub use documents::*;
pub use lists::*;
pub use receipts::*;
pub use study::*;
pub use units::*;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the UI needs to know at start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AppStatus {
    /// Where the database file lives.
    pub db_path: String,
    /// True when the database holds no unit, document or batch yet (first run).
    pub is_empty: bool,
    pub version: String,
}

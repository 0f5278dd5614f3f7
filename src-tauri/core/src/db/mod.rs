//! The storage layer: every SQL statement of the register lives in this
//! folder, and nowhere else in the crate (a test checks it).
//!
//! - `store`: the one `Store::open` in fixed phases (vet the file, pragmas,
//!   migrate), and all access through `read` / `write` / `attempt`, each one
//!   transaction handing out a [`Dao`];
//! - `schema`: the schema as numbered, append-only steps, pinned by hash;
//! - `lock`: the lock file a restore takes exclusively;
//! - `backup`: a register file seen whole, on connections of its own:
//!   vetting it, copying it with the online backup API, checking a copy;
//! - `bulk`: what bulk loaders (the benchmarks' generator) need and the app
//!   does not: settings for filling a new file, row counts;
//! - `stored`: enums kept as text, read back strictly (an unknown value is a
//!   corrupt row, reported with its table and row, never a default);
//! - one file per table family (`settings`, `units` and `unit_history`,
//!   `documents`, `copies` (numbered copies, recalls, destruction), `batches`, `receipts`, `accounts`, `audit`, `exchange` and
//!   `exchange_flow`, `exchange_report` for the packets between offices),
//!   each holding the `impl Dao` queries of its tables, and the queries of the printed and
//!   shown lists (`lists`: the outstanding list and the dashboard; `reports`:
//!   the transfer register and the letterhead; `study`: study campaigns and reports). The domain modules above ask
//!   these for data and hold the rules; they never write SQL themselves.

/// The symbol of the document row `d` as a list shows it: numbers run per
/// committee term, so where the register holds the symbol in another term
/// too, its term follows in brackets («01-NQ/TU (khóa XIV)»); a symbol of
/// one term, or one registered without its term, stands alone.
macro_rules! shown_symbol {
    () => {
        "(d.symbol || CASE WHEN d.term <> '' AND EXISTS (SELECT 1 FROM document o
                                                     WHERE o.symbol = d.symbol AND o.id <> d.id)
                           THEN ' (khóa ' || d.term || ')' ELSE '' END)"
    };
}

pub(crate) mod accounts;
pub(crate) mod audit;
pub(crate) mod backup;
mod batches;
mod bulk;
pub(crate) mod copies;
mod documents;
pub(crate) mod exchange;
pub(crate) mod exchange_flow;
pub(crate) mod exchange_recall;
pub(crate) mod exchange_report;
pub(crate) mod exchange_study;
mod lists;
pub mod lock;
mod receipts;
mod reports;
pub(crate) mod schema;
mod settings;
mod store;
mod stored;
pub(crate) mod study;
pub(crate) mod uid;
mod unit_history;
mod units;

pub(crate) use batches::{BatchPlan, PlannedReceipt};
pub use bulk::{create_at_version, TableCounts};
pub(crate) use lists::OpenReceipts;
pub(crate) use receipts::ReceiptRef;
pub use receipts::{BatchReceipt, ConfirmationRow, ConfirmedVia, LineCount};
pub use schema::SCHEMA_VERSION;
pub(crate) use store::new_uid;
pub use store::{default_db_path, Actor, Dao, Store, DB_ENV};

pub(crate) use documents::DocumentInsert;
pub(crate) use reports::RegisterRow;
pub(crate) use unit_history::{EventKind, StoredEvent, UnitVersion};
pub(crate) use units::{beginning, end, UnitInsert, UnitRow};
// Dates and times of the register live in `crate::dates`; re-exported here
// while the domain modules move over to it.
pub(crate) use crate::dates::now_utc;
pub use crate::dates::today;

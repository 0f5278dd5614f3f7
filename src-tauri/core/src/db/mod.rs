//! The storage layer: every SQL statement of the register lives in this
//! folder, and nowhere else in the crate (a test checks it).
//!
//! - `store`: the one `Store::open` in fixed phases (vet the file, pragmas,
//!   migrate), and all access through `read` / `write` / `attempt`, each one
//!   transaction handing out a [`Dao`];
//! - `schema`: the schema as numbered, append-only steps, pinned by hash;
//! - `lock`: the lock file a restore takes exclusively;
//! - `bulk`: what bulk loaders (the benchmarks' generator) need and the app
//!   does not: settings for filling a new file, row counts;
//! - `stored`: enums stored as text, read strictly (an unknown value is a
//!   corrupt row, reported with its table and row);
//! - one file per table family (`settings`, `batches`, `receipts`, …), each
//!   holding the `impl Dao` queries of its tables (`lists`: the queries of
//!   the outstanding list and the dashboard). The domain modules above ask
//!   these for data and hold the rules; they never write SQL themselves.

mod batches;
mod bulk;
mod lists;
pub mod lock;
mod receipts;
pub(crate) mod schema;
mod settings;
mod store;
mod stored;

pub(crate) use batches::{BatchPlan, PlannedReceipt};
pub use bulk::TableCounts;
pub(crate) use receipts::ReceiptRef;
pub use receipts::{BatchReceipt, ConfirmationRow, ConfirmedVia, LineCount};
pub use schema::SCHEMA_VERSION;
pub use store::{default_db_path, Actor, Dao, Store, DB_ENV};
pub(crate) use store::{new_uid, vet_existing};
pub use stored::Corrupt;
// Dates and times of the register live in `crate::dates`; re-exported here
// while the domain modules move over to it.
pub(crate) use crate::dates::now_utc;
pub use crate::dates::today;

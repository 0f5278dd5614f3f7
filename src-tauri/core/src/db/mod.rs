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
//! - one file per table family (`settings`, `accounts`, `audit`, …), each
//!   holding the `impl Dao` queries of its tables. The domain modules above
//!   ask these for data and hold the rules; they never write SQL themselves.

pub(crate) mod accounts;
pub(crate) mod audit;
pub(crate) mod backup;
pub mod lock;
pub(crate) mod schema;
mod settings;
mod store;

pub use schema::SCHEMA_VERSION;
pub(crate) use store::new_uid;
pub use store::{default_db_path, Actor, Dao, Store, DB_ENV};
// Dates and times of the register live in `crate::dates`; re-exported here
// while the domain modules move over to it.
pub(crate) use crate::dates::now_utc;
pub use crate::dates::today;

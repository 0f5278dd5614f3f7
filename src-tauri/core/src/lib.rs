//! Sổ Giao Nhận core: the domain, the SQLite store and the reports, with no
//! dependency on Tauri so that the CLI and fast tests can use it.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod backup;
pub mod batches;
pub mod copies;
pub mod copy_register;
pub mod dashboard;
pub mod dates;
pub mod db;
pub mod demo;
pub mod destruction;
pub mod documents;
pub mod error;
pub mod exchange;
pub mod files;
pub mod host;
pub mod import;
pub mod model;
pub mod outstanding;
pub mod print;
pub mod progress;
pub mod recalls;
pub mod receipt_code;
pub mod receipts;
pub mod reports;
pub mod saves;
pub mod study;
pub mod tabular;
pub mod text;
mod tree;
mod unit_keys;
pub mod units;

pub use db::{default_db_path, Actor, Dao, Store, DB_ENV};
pub use error::{ApiError, Error, ErrorKind, Result};

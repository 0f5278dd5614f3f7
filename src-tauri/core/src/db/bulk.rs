//! For bulk loaders only (the scale generator of the benchmarks): SQLite
//! tuned for filling a brand-new file, and the row counts of what was
//! loaded; and an empty register of an older version, for the tests of an
//! upgrade. The app never calls these.

use std::path::Path;

use serde::Serialize;

use super::Store;
use crate::error::Result;

/// Rows in the register's main tables.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TableCounts {
    pub units: i64,
    pub documents: i64,
    pub batches: i64,
    pub receipts: i64,
    pub lines: i64,
    /// Must-confirm receipts not confirmed.
    pub open: i64,
    pub audit_rows: i64,
}

impl Store {
    /// For bulk loaders: runs `f` on this store with the fsync at every
    /// commit skipped and a large page cache, for filling a brand-new file
    /// (nothing to lose if the machine stops mid-way); then puts back the
    /// app's values and checkpoints the write-ahead log into the file.
    pub fn bulk_load<T>(&mut self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        let conn = self.connection();
        conn.pragma_update(None, "synchronous", "OFF")?;
        conn.pragma_update(None, "cache_size", -512_000)?;
        let out = f(self);
        let conn = self.connection();
        conn.pragma_update(None, "cache_size", -2000)?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        out
    }

    /// For bulk loaders and benchmarks: how many rows the main tables hold.
    pub fn table_counts(&self) -> Result<TableCounts> {
        self.read(|dao| {
            let count = |sql: &str| -> Result<i64> { Ok(dao.conn.query_row(sql, [], |r| r.get(0))?) };
            Ok(TableCounts {
                units: count("SELECT count(*) FROM unit")?,
                documents: count("SELECT count(*) FROM document")?,
                batches: count("SELECT count(*) FROM batch")?,
                receipts: count("SELECT count(*) FROM receipt")?,
                lines: count("SELECT count(*) FROM receipt_line")?,
                open: count("SELECT count(*) FROM receipt WHERE status <> 'confirmed' AND must_confirm = 1")?,
                audit_rows: count("SELECT count(*) FROM audit_log")?,
            })
        })
    }
}

/// Writes a new, empty register at `path` as the version whose schema had
/// `version` steps left it (an older version's file, for the tests and
/// benchmarks of an upgrade). `path` must not exist yet.
pub fn create_at_version(path: &Path, version: i64) -> Result<()> {
    if path.exists() {
        return Err(crate::error::Error::file(
            "tệp đã có",
            path,
            std::io::Error::from(std::io::ErrorKind::AlreadyExists),
        ));
    }
    let steps = usize::try_from(version).unwrap_or(0).min(super::schema::STEPS.len());
    let mut conn = rusqlite::Connection::open(path)?;
    let tx = conn.transaction()?;
    for step in &super::schema::STEPS[..steps] {
        tx.execute_batch(step)?;
    }
    tx.pragma_update(None, "user_version", version)?;
    tx.commit()?;
    Ok(())
}

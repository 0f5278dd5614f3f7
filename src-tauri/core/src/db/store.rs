//! The SQLite store: one opening in fixed phases (`Store::open_with`), and
//! all access through `read` / `write`, where `write` is one IMMEDIATE
//! transaction that commits only when the closure returns `Ok` — every user
//! action is all or nothing.
//!
//! `Store::open` and `Store::open_existing`, which everything else calls,
//! live with the backup policy (`crate::backup`): they pass this opening
//! the checked copy to make before an upgrade, so the store never calls up
//! into the policy that uses it.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use crate::error::{Error, Result};
use crate::text;
use crate::tree::Tree;
use crate::unit_keys::UnitKeys;

use super::backup::{unreadable, vet_existing};
use super::lock;
use super::schema::{self, SCHEMA_VERSION};

/// Environment variable that overrides the database path (app and CLI).
pub const DB_ENV: &str = "GIAONHAN_DB";

/// Folder (under the OS's per-user data folder) and file name of the database.
const APP_DIR: &str = "SoGiaoNhan";
const DB_FILE: &str = "sogiaonhan.sqlite3";

/// The database in the OS's per-user data folder: `~/.local/share/SoGiaoNhan/`
/// on Linux, `%APPDATA%\SoGiaoNhan\` on Windows, `~/Library/Application
/// Support/SoGiaoNhan/` on macOS.
pub fn default_db_path() -> Result<PathBuf> {
    let base = dirs::data_dir().ok_or(Error::NoDataDir)?;
    Ok(base.join(APP_DIR).join(DB_FILE))
}

/// Who makes a change, and through which door; recorded in the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    /// `app`, `cli`, `import`, …
    pub method: String,
}

impl Actor {
    pub fn new(name: impl Into<String>, method: impl Into<String>) -> Actor {
        Actor {
            name: name.into(),
            method: method.into(),
        }
    }

    /// The operating-system user, acting through the desktop app.
    pub fn app() -> Actor {
        Actor::new(os_user(), "app")
    }

    /// The operating-system user, acting through the command line.
    pub fn cli() -> Actor {
        Actor::new(os_user(), "cli")
    }
}

fn os_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// An open database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The shared lock on the register's lock file, held while open: a
    /// restore refuses while any store has the register open. None for an
    /// in-memory database (no file to restore, no lock file to leave behind).
    _lock: Option<lock::RegisterLock>,
    /// What a read built of the day's units, kept while the units do not change.
    units: UnitCache,
}

/// The units of a day as one read builds them for the screens (see
/// `Dao::day_units`): the tree of the open ones and the search keys of all
/// that had a name that day.
pub(crate) struct DayUnits {
    pub(crate) tree: Arc<Tree>,
    pub(crate) keys: Arc<UnitKeys>,
}

/// The day's units as last read, with the day and the `unit_epoch` counter
/// they were read at: good while both are the same. Only reads fill it
/// (what a write reads may be rolled back with the write).
#[derive(Default)]
pub(crate) struct UnitCache(RefCell<Option<(NaiveDate, i64, Arc<DayUnits>)>>);

impl UnitCache {
    pub(crate) fn get(&self, day: NaiveDate, epoch: i64) -> Option<Arc<DayUnits>> {
        match &*self.0.borrow() {
            Some((d, e, units)) if *d == day && *e == epoch => Some(Arc::clone(units)),
            _ => None,
        }
    }

    pub(crate) fn put(&self, day: NaiveDate, epoch: i64, units: &Arc<DayUnits>) {
        *self.0.borrow_mut() = Some((day, epoch, Arc::clone(units)));
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// Data access inside one transaction. Queries are methods on this type,
/// spread over the domain modules (`units`, `documents`, …).
pub struct Dao<'c> {
    pub(crate) conn: &'c Connection,
    actor: Option<&'c Actor>,
    /// The store's copy of the day's units, in read transactions only.
    pub(crate) units: Option<&'c UnitCache>,
}

impl Store {
    /// Opens (or creates) the database at `path`, in fixed phases:
    /// 1. vet an existing file read-only (SQLite header, quick integrity check,
    ///    schema version) so that a bad file is refused without a byte written;
    ///    a file from an older version is first handed to `before_upgrade`
    ///    (`Store::open` makes a checked copy of it in the backups folder);
    /// 2. pragmas, outside any transaction;
    /// 3. create or upgrade the schema inside one IMMEDIATE transaction, with the
    ///    version in `user_version`.
    ///
    /// The store holds a shared lock on the register's lock file while open
    /// (see `db::lock`); opening waits while a restore is under way.
    pub fn open_with(path: &Path, before_upgrade: impl FnOnce(&Path) -> Result<()>) -> Result<Store> {
        let exists = path.exists();
        if exists {
            let found = vet_existing(path)?;
            if found.is_some_and(|v| v < SCHEMA_VERSION) {
                before_upgrade(path)?;
            }
        } else if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::file("không tạo được thư mục", dir, e))?;
        }
        let held = if is_in_memory(path) {
            None
        } else {
            Some(lock::shared(path)?)
        };

        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| unreadable(path, e))?;
        set_pragmas(&conn).map_err(|e| unreadable(path, e))?;
        let mut store = Store {
            conn,
            path: path.to_owned(),
            _lock: held,
            units: UnitCache::default(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// Where the database file lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn migrate(&mut self) -> Result<()> {
        // Up to date (the usual case): nothing to write, so do not wait for
        // the write lock; a second window or a CLI opens while another writes.
        let current: i64 = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if current != SCHEMA_VERSION {
            // A step may rebuild a table that others point to (step 14: the
            // receipts, keeping their ids), which SQLite allows only with
            // foreign keys off; they cannot be switched inside the
            // transaction. The indexes a rebuild sorts and the copy VACUUM
            // makes are temporary files: on disk, not in memory (a province
            // register's would take gigabytes). Both are set back whatever
            // the upgrade gave.
            self.conn.pragma_update(None, "foreign_keys", "OFF")?;
            self.conn.pragma_update(None, "temp_store", "FILE")?;
            let upgraded = self.upgrade().and_then(|()| self.reclaim());
            self.conn.pragma_update(None, "temp_store", "MEMORY")?;
            self.conn.pragma_update(None, "foreign_keys", "ON")?;
            upgraded?;
        }
        self.rekey()
    }

    /// Runs the steps from the file's version on, in one transaction.
    fn upgrade(&mut self) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(Error::TooNew {
                path: self.path.clone(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        schema::upgrade(&tx, found)?;
        tx.commit()?;
        Ok(())
    }

    /// Gives back the space an upgrade freed, when its free pages are more
    /// than a quarter of the file: steps 13 and 14 rewrote the audit log
    /// (and 14 the receipts) smaller, which leaves the old tables' pages
    /// free (a province's ten years: a gigabyte or more), and a register
    /// should not grow by upgrading to a smaller form. `VACUUM` rewrites
    /// the file in one transaction; a crash in it leaves the upgraded file
    /// as it was. It needs room for a second copy of the register (a
    /// temporary file, see `migrate`): when it fails (a full disk), the
    /// upgraded register opens all the same, its free pages used by the
    /// rows written next.
    fn reclaim(&self) -> Result<()> {
        let free: i64 = self.conn.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
        let pages: i64 = self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        if free * 4 > pages {
            if let Err(e) = self.conn.execute_batch("VACUUM") {
                eprintln!(
                    "giaonhan: sổ {} đã nâng cấp nhưng chưa thu gọn được ({e}); dung lượng trống trong tệp sẽ được dùng dần",
                    self.path.display()
                );
            }
        }
        Ok(())
    }

    /// Rebuilds the units' sort keys when they were made by another
    /// collation than `text::COLLATION` (an older version, or new collation
    /// data), so that lists sorted by the database keep the order `compare`
    /// gives. Once per change, in one transaction; a read when nothing changed.
    fn rekey(&mut self) -> Result<()> {
        const STORED: &str = "SELECT value FROM setting WHERE key = 'collation'";
        let stored: Option<String> = self.conn.query_row(STORED, [], |r| r.get(0)).optional()?;
        if stored.as_deref() == Some(text::COLLATION) {
            return Ok(());
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let stored: Option<String> = tx.query_row(STORED, [], |r| r.get(0)).optional()?;
        if stored.as_deref() != Some(text::COLLATION) {
            let names = {
                let mut stmt = tx.prepare("SELECT id, name FROM unit_version")?;
                let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
                rows.collect::<rusqlite::Result<Vec<_>>>()?
            };
            let mut update = tx.prepare("UPDATE unit_version SET sort_key = ?2 WHERE id = ?1")?;
            for (id, name) in names {
                update.execute(rusqlite::params![id, text::sort_key(&name)])?;
            }
            drop(update);
            tx.execute(
                "INSERT INTO setting (key, value) VALUES ('collation', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [text::COLLATION],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// A mark of the register's contents: it differs once anything was
    /// written since, by this connection (its count of changed rows) or by
    /// another (SQLite's `data_version`). For results kept between requests.
    pub fn changes(&self) -> Result<(i64, u64)> {
        let others: i64 = self.conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        Ok((others, self.conn.total_changes()))
    }

    /// Runs `f` on a consistent snapshot.
    pub fn read<T>(&self, f: impl FnOnce(&Dao<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn.unchecked_transaction()?;
        let out = f(&Dao {
            conn: &tx,
            actor: None,
            units: Some(&self.units),
        })?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` in one IMMEDIATE transaction on behalf of `actor`; commits only
    /// when `f` returns `Ok`, so a refused action writes nothing.
    pub fn write<T>(&mut self, actor: &Actor, f: impl FnOnce(&Dao<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&Dao {
            conn: &tx,
            actor: Some(actor),
            units: None,
        })?;
        tx.commit()?;
        Ok(out)
    }

    /// What the UI needs at start: where the file is and whether it is empty.
    pub fn status(&self) -> Result<crate::model::AppStatus> {
        let empty: bool = self.conn.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM unit) AND NOT EXISTS (SELECT 1 FROM document)
                    AND NOT EXISTS (SELECT 1 FROM batch)",
            [],
            |r| r.get(0),
        )?;
        Ok(crate::model::AppStatus {
            db_path: self.path.display().to_string(),
            is_empty: empty,
            version: env!("CARGO_PKG_VERSION").to_owned(),
        })
    }

    /// Like `write`, but `f` also decides whether to commit (a dry run, or a
    /// check that found errors, rolls back everything it did).
    pub fn attempt<T>(&mut self, actor: &Actor, f: impl FnOnce(&Dao<'_>) -> Result<(T, bool)>) -> Result<T> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (out, commit) = f(&Dao {
            conn: &tx,
            actor: Some(actor),
            units: None,
        })?;
        if commit {
            tx.commit()?;
        } else {
            tx.rollback()?;
        }
        Ok(out)
    }

    /// The raw connection, for benchmarks and tests that compare with plain SQL.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// SQLite's names for a database that lives in memory only.
fn is_in_memory(path: &Path) -> bool {
    let s = path.to_string_lossy();
    s == ":memory:" || s.starts_with("file::memory:")
}

fn set_pragmas(conn: &Connection) -> rusqlite::Result<()> {
    // WAL: readers (the outstanding list, a second CLI process) never block the
    // writer, and a crash mid-write leaves the last committed state intact.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL (not NORMAL): in WAL mode NORMAL may lose the last commits on power
    // loss; FULL syncs the WAL at every commit, so a recorded handout survives.
    conn.pragma_update(None, "synchronous", "FULL")?;
    // SQLite leaves foreign keys off per connection unless asked.
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // The app and the CLI may touch the file at once: wait for the other's
    // write to finish instead of failing with "database is locked". Several
    // windows and CLIs on one file are allowed (safe concurrent access rather
    // than a single instance, see tests/tests/two_instances.rs); a writer still
    // blocked after this long gets `Error::Busy`, a sentence the user can act on.
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Temporary b-trees for sorting stay in memory: faster, nothing on disk.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // One plan per statement, whatever values are bound. Without it SQLite
    // may mark a statement to be compiled again when a parameter it used in
    // its cost estimate is bound anew: the unit lookup of every imported row
    // was compiled again on each step (two thirds of a 10,000-unit import).
    // No plan here depends on a bound value (no statistics tables, partial
    // indexes are matched by literals in the SQL).
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

impl<'c> Dao<'c> {
    /// The same transaction on behalf of another actor: what a packet from
    /// another office changes is recorded as done by that office.
    pub(crate) fn as_actor<'a>(&'a self, actor: &'a Actor) -> Dao<'a> {
        Dao {
            conn: self.conn,
            actor: Some(actor),
            units: None,
        }
    }

    /// Runs `f` inside a savepoint of the transaction: when it fails, what
    /// it wrote (audit rows included) is undone and the transaction goes on.
    pub(crate) fn savepoint<T>(&self, f: impl FnOnce(&Dao<'_>) -> Result<T>) -> Result<T> {
        self.conn.execute_batch("SAVEPOINT step")?;
        match f(self) {
            Ok(out) => {
                self.conn.execute_batch("RELEASE step")?;
                Ok(out)
            }
            Err(e) => {
                self.conn.execute_batch("ROLLBACK TO step; RELEASE step")?;
                Err(e)
            }
        }
    }

    /// The actor of a write transaction.
    pub(crate) fn actor(&self) -> Result<&'c Actor> {
        // Only `Store::write` builds a Dao with an actor; reaching this from a
        // read is a programming error surfaced as a refusal, not a panic.
        self.actor
            .ok_or_else(|| Error::invalid("actor", "thao tác ghi cần người thực hiện"))
    }
}

/// A new globally unique id (UUIDv7: time-ordered, so indexes stay compact).
pub(crate) fn new_uid() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_creates_the_schema_and_reopens() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sub").join("db.sqlite3");
        drop(Store::open(&path).expect("create"));
        let store = Store::open(&path).expect("reopen");
        let v: i64 = store
            .connection()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(v, SCHEMA_VERSION);
        let mode: String = store
            .connection()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("mode");
        assert_eq!(mode, "wal");
        let fk: i64 = store
            .connection()
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .expect("fk");
        assert_eq!(fk, 1);
    }

    /// A register whose sort keys an older version made (without numeric
    /// ordering) gets them rebuilt when opened, once: the tree lists
    /// "thôn 2" before "thôn 10".
    #[test]
    fn sort_keys_of_another_collation_are_rebuilt_on_open() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("db.sqlite3");
        let actor = Actor::new("kiểm thử", "test");
        {
            let mut store = Store::open(&path).expect("create");
            for (code, name) in [
                ("X", "Đảng bộ xã"),
                ("X-10", "Chi bộ thôn 10"),
                ("X-02", "Chi bộ thôn 2"),
            ] {
                let unit = crate::model::NewUnit {
                    code: code.into(),
                    name: name.into(),
                    parent: (code != "X").then(|| "X".into()),
                    ..Default::default()
                };
                store.add_unit(&actor, unit).expect("unit");
            }
            // As an older version stored them: plain character order.
            let conn = store.connection();
            conn.execute("UPDATE unit_version SET sort_key = CAST(name AS BLOB)", [])
                .expect("old keys");
            conn.execute("UPDATE setting SET value = 'cldr-vi' WHERE key = 'collation'", [])
                .expect("old collation");
        }
        let store = Store::open(&path).expect("reopen");
        let names: Vec<String> = store.list_units().expect("units").into_iter().map(|u| u.name).collect();
        assert_eq!(names, ["Đảng bộ xã", "Chi bộ thôn 2", "Chi bộ thôn 10"]);
        let collation: String = store
            .connection()
            .query_row("SELECT value FROM setting WHERE key = 'collation'", [], |r| r.get(0))
            .expect("collation");
        assert_eq!(collation, text::COLLATION);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_refused_and_untouched() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("notes.sqlite3");
        let content = b"Danh sach chi bo\n".repeat(40);
        std::fs::write(&path, &content).expect("write");
        let err = Store::open(&path).expect_err("must refuse");
        assert!(matches!(err, Error::Unreadable { .. }), "{err}");
        assert_eq!(std::fs::read(&path).expect("read back"), content);
    }

    #[test]
    fn a_newer_file_is_refused_and_untouched() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("db.sqlite3");
        drop(Store::open(&path).expect("create"));
        {
            let conn = Connection::open(&path).expect("raw open");
            conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
                .expect("bump");
        }
        let before = std::fs::read(&path).expect("read");
        let err = Store::open(&path).expect_err("must refuse");
        assert!(matches!(err, Error::TooNew { .. }), "{err}");
        assert!(err.to_string().contains("phiên bản mới hơn"));
        assert_eq!(std::fs::read(&path).expect("read back"), before);
    }
}

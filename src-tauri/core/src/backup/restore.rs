//! Restore, and what to open when the register cannot be used: the policy
//! shared by the command line and the app.
//!
//! A restore waits for nobody: it takes the register's lock file exclusively
//! and SQLite's own exclusive lock on the file, and refuses, moving nothing,
//! while any other window, command line or SQLite program has the register
//! open (such a process would otherwise go on writing into the moved-aside
//! file, and its confirmations would vanish). It reads the head of the
//! replaced register's audit log before moving it, and the restored register
//! records "restored from FILE, replacing the state at head H" in its own log.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use chrono::Utc;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{
    check_backup, copy, io_error, list, parent_of, stem_of, with_suffix, BackupCheck, BackupInfo, EXT, NAME_TIME,
    REPLACED_DIR,
};
use crate::db::{lock, Actor, Store};
use crate::error::{Error, Result};

pub use crate::audit::Head;

/// The outcome of a restore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Restored {
    /// The database path, now holding the restored data.
    pub db_path: String,
    /// The backup the data came from.
    pub restored_from: String,
    /// Where the database that was replaced was kept (none when there was no file).
    pub replaced: Option<String>,
    /// The head of the replaced register's audit log (none when there was
    /// no file, or it could not be read).
    pub replaced_head: Option<Head>,
}

/// Why the app could not open its database, and what it can restore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Recovery {
    pub db_path: String,
    /// A complete Vietnamese sentence naming the file and the problem.
    pub problem: String,
    /// The file is not there at all (rather than damaged or too new).
    pub missing: bool,
    /// Automatic backups, newest first.
    pub backups: Vec<BackupInfo>,
}

/// The register as the app opens it: a store, or the recovery screen.
#[derive(Debug)]
pub enum Opened {
    Open(Store),
    Recovering(Recovery),
}

/// What the app opens at `db_path`: the register when it opens; the recovery
/// screen when the file is damaged, truncated, from a newer version or not a
/// database, and when it is missing while backups of it exist (a new empty
/// register would have no accounts, so anyone at the window would have
/// every right); a new register only when there is neither file nor backup.
/// Other failures (busy, disk) are errors.
pub fn open_or_recover(db_path: &Path) -> Result<Opened> {
    if !db_path.exists() {
        let backups = list(db_path)?;
        if !backups.is_empty() {
            return Ok(Opened::Recovering(Recovery {
                db_path: db_path.display().to_string(),
                problem: missing_problem(db_path),
                missing: true,
                backups,
            }));
        }
    }
    match Store::open(db_path) {
        Ok(store) => Ok(Opened::Open(store)),
        Err(e @ (Error::Unreadable { .. } | Error::TooNew { .. })) => {
            Ok(Opened::Recovering(recovery(db_path, &e.to_string())?))
        }
        Err(e) => Err(e),
    }
}

/// The sentence of the recovery screen for a register file that is gone.
pub fn missing_problem(db_path: &Path) -> String {
    format!(
        "Không tìm thấy tệp dữ liệu {} ở chỗ thường dùng, nhưng có bản sao lưu của nó. \
         Ứng dụng không tạo sổ mới thay cho nó: hãy khôi phục bản sao lưu tốt mới nhất.",
        db_path.display()
    )
}

/// The problem and the backups on offer when the database at `db_path`
/// cannot be opened (`problem`: the refusal from `Store::open`).
pub fn recovery(db_path: &Path, problem: &str) -> Result<Recovery> {
    Ok(Recovery {
        db_path: db_path.display().to_string(),
        problem: problem.to_owned(),
        missing: !db_path.exists(),
        backups: list(db_path)?,
    })
}

/// The newest automatic backup not marked damaged (checked good, or made
/// before backups were checked), if any.
pub fn latest_good(db_path: &Path) -> Result<Option<BackupInfo>> {
    Ok(list(db_path)?.into_iter().find(|b| b.check != BackupCheck::Damaged))
}

/// Restores the backup at `backup` as the database at `db_path`, then opens
/// it and records the restore in its audit log as `actor`. The app closes
/// its own store and background copies first; see `restore` for the steps.
pub fn restore_and_log(db_path: &Path, backup: &Path, actor: &Actor) -> Result<(Restored, Store)> {
    let restored = restore(db_path, backup)?;
    let done = |e: Error| {
        Error::Io(std::io::Error::other(format!(
            "đã khôi phục {} từ {}, nhưng chưa ghi được việc khôi phục vào nhật ký: {e}",
            restored.db_path, restored.restored_from
        )))
    };
    let mut store = Store::open(db_path).map_err(done)?;
    let file = backup.file_name().map(|n| n.to_string_lossy().into_owned());
    store
        .write(actor, |dao| {
            dao.log(
                "backup.restore",
                None,
                &serde_json::json!({
                    "from": restored.restored_from,
                    "file": file,
                    "replaced": restored.replaced,
                    "replaced_head": restored.replaced_head,
                }),
            )
        })
        .map_err(done)?;
    Ok((restored, store))
}

/// Restores the backup at `backup` as the database at `db_path`:
///
/// 1. the backup is checked (`check_backup`); a refused one changes nothing;
/// 2. the register's lock file is locked exclusively, and the register
///    itself with SQLite's exclusive lock: while any other process (or a
///    store of this one) has it open, the restore is refused and nothing
///    moves; the head of its audit log is read meanwhile;
/// 3. the backup's data is copied beside the database (after checking the
///    disk has room);
/// 4. the current database, with its -wal and -shm, is moved into
///    `replaced/<stem>-before-restore-<time>.sqlite3`;
/// 5. the copy is renamed to the database's path; if that fails, the
///    replaced files are put back where they were.
pub fn restore(db_path: &Path, backup: &Path) -> Result<Restored> {
    if same_file(db_path, backup) {
        return Err(Error::invalid(
            "file",
            format!(
                "{} là chính tệp dữ liệu đang dùng, không phải bản sao lưu",
                backup.display()
            ),
        ));
    }
    check_backup(backup)?;
    let _alone = lock::exclusive(db_path)?;
    let replaced_head = probe_alone(db_path)?;

    let incoming = with_suffix(db_path, ".restoring");
    if let Err(e) = copy::copy_into(backup, &incoming, &AtomicBool::new(false)) {
        let _ = std::fs::remove_file(&incoming);
        return Err(e);
    }
    let moved = match move_aside(db_path) {
        Ok(moved) => moved,
        Err(e) => {
            let _ = std::fs::remove_file(&incoming);
            return Err(e);
        }
    };
    if let Err(e) = final_rename(&incoming, db_path) {
        let err = io_error(
            &format!("không đặt được dữ liệu khôi phục ({}) vào chỗ của", incoming.display()),
            db_path,
            e,
        );
        let _ = std::fs::remove_file(&incoming);
        put_back(&moved);
        return Err(err);
    }
    Ok(Restored {
        db_path: db_path.display().to_string(),
        restored_from: backup.display().to_string(),
        replaced: moved.main().map(|p| p.display().to_string()),
        replaced_head,
    })
}

#[cfg(test)]
thread_local! {
    /// Makes the final rename of a restore fail, to test that the replaced
    /// file is put back.
    pub(crate) static FAIL_FINAL_RENAME: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn final_rename(incoming: &Path, db_path: &Path) -> std::io::Result<()> {
    #[cfg(test)]
    if FAIL_FINAL_RENAME.with(|f| f.get()) {
        return Err(std::io::Error::other("final rename failed (test)"));
    }
    std::fs::rename(incoming, db_path)
}

/// Makes sure no other connection has the register at `db_path` open, with
/// SQLite's own exclusive lock (this also catches programs that do not know
/// the lock file: an older version of the app, an SQLite browser), and
/// reads the head of its audit log. The connection is closed again before
/// anything moves (Windows renames no open file); the lock file keeps our
/// own processes out meanwhile. A file that is missing or not a usable
/// register has no head, and nothing of ours can have it open.
fn probe_alone(db_path: &Path) -> Result<Option<Head>> {
    if !db_path.exists() || crate::db::vet_existing(db_path).is_err() {
        return Ok(None);
    }
    let in_use = |e: rusqlite::Error| Error::InUse {
        path: db_path.to_owned(),
        reason: format!("một chương trình khác đang mở tệp dữ liệu ({e})"),
    };
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(db_path, flags).map_err(|e| Error::Unreadable {
        path: db_path.to_owned(),
        reason: e.to_string(),
    })?;
    conn.busy_timeout(std::time::Duration::from_millis(200))
        .map_err(in_use)?;
    // Exclusive locking before the first read: in WAL mode SQLite then needs
    // the file to itself, and every other open connection holds it shared.
    conn.pragma_update(None, "locking_mode", "EXCLUSIVE").map_err(in_use)?;
    conn.execute_batch("BEGIN EXCLUSIVE").map_err(in_use)?;
    let head = conn
        .query_row("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", [], |r| {
            Ok(Head {
                id: r.get(0)?,
                hash: r.get(1)?,
            })
        })
        .optional()
        .ok()
        .flatten();
    conn.execute_batch("COMMIT").map_err(in_use)?;
    // Closing the last connection folds the -wal into the file.
    conn.close().map_err(|(_, e)| in_use(e))?;
    Ok(head)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The files a restore moved aside: (from, to) pairs, the main file last.
struct Moved(Vec<(PathBuf, PathBuf)>);

impl Moved {
    fn main(&self) -> Option<&Path> {
        self.0
            .last()
            .filter(|(_, to)| to.extension().is_some_and(|x| x == EXT))
            .map(|(_, to)| to.as_path())
    }
}

/// Puts moved files back where they were (after a failed restore).
fn put_back(moved: &Moved) {
    for (from, to) in moved.0.iter().rev() {
        if let Err(e) = std::fs::rename(to, from) {
            eprintln!("giaonhan: không đưa được {} về {}: {e}", to.display(), from.display());
        }
    }
}

/// Moves the database (and its -wal, -shm) into the `replaced` folder under
/// a new name; on failure, what was moved goes back.
fn move_aside(db_path: &Path) -> Result<Moved> {
    if !db_path.exists() {
        return Ok(Moved(Vec::new()));
    }
    let dir = parent_of(db_path).join(REPLACED_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| io_error("không tạo được thư mục", &dir, e))?;
    let base = format!("{}-before-restore-{}", stem_of(db_path), Utc::now().format(NAME_TIME));
    let mut target = dir.join(format!("{base}.{EXT}"));
    let mut n = 2;
    while target.exists() {
        target = dir.join(format!("{base}-{n}.{EXT}"));
        n += 1;
    }
    // The -wal and -shm go first, under names that SQLite pairs with the new
    // name, so the set stays one database (with any unmerged commits) there.
    let mut moved = Moved(Vec::new());
    for suffix in ["-wal", "-shm"] {
        let from = with_suffix(db_path, suffix);
        if from.exists() {
            let to = with_suffix(&target, suffix);
            if let Err(e) = std::fs::rename(&from, &to) {
                put_back(&moved);
                return Err(io_error("không chuyển được tệp", &from, e));
            }
            moved.0.push((from, to));
        }
    }
    if let Err(e) = std::fs::rename(db_path, &target) {
        put_back(&moved);
        return Err(io_error("không chuyển được tệp dữ liệu", db_path, e));
    }
    moved.0.push((db_path.to_owned(), target));
    Ok(moved)
}

//! Restore: the policy shared by the command line and the app.
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
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::names::{stem_of, EXT, NAME_TIME};
use crate::db::backup::{copy_into, head_when_alone, integrity, missing_tables, vet_existing};
use crate::db::{lock, Actor, Store};
use crate::error::{Error, Result};
use crate::files::{replaced_dir, same_file, with_suffix};

pub use crate::audit::Head;

/// Tables every Sổ Giao Nhận database has since schema version 1.
const OUR_TABLES: &[&str] = &[
    "setting",
    "unit",
    "unit_version",
    "document",
    "batch",
    "receipt",
    "audit_log",
];

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

/// Restores the backup at `backup` as the database at `db_path`, then opens
/// it and records the restore in its audit log as `actor`. The app closes
/// its own store and background copies first; see `restore` for the steps.
pub fn restore_and_log(db_path: &Path, backup: &Path, actor: &Actor) -> Result<(Restored, Store)> {
    let restored = restore(db_path, backup)?;
    let done = |e: Error| Error::RestoredUnlogged {
        db_path: db_path.to_owned(),
        from: backup.to_owned(),
        source: Box::new(e),
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
    // The lock file keeps our own processes out; SQLite's exclusive lock,
    // taken there, the others. Closed again before anything moves.
    let replaced_head = head_when_alone(db_path)?;

    let incoming = with_suffix(db_path, ".restoring");
    if let Err(e) = copy_into(backup, &incoming, &AtomicBool::new(false), &mut |_| ()) {
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
        let err = Error::file(
            format!("không đặt được dữ liệu khôi phục ({}) vào chỗ của", incoming.display()),
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
    let dir = replaced_dir(db_path);
    std::fs::create_dir_all(&dir).map_err(|e| Error::file("không tạo được thư mục", &dir, e))?;
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
                return Err(Error::file("không chuyển được tệp", &from, e));
            }
            moved.0.push((from, to));
        }
    }
    if let Err(e) = std::fs::rename(db_path, &target) {
        put_back(&moved);
        return Err(Error::file("không chuyển được tệp dữ liệu", db_path, e));
    }
    moved.0.push((db_path.to_owned(), target));
    Ok(moved)
}

/// Checks a file offered for restore without writing to it: the vetting of
/// `Store::open` (SQLite, intact, not newer than this app), then a full
/// integrity check and the tables of a Sổ Giao Nhận register.
pub fn check_backup(path: &Path) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| Error::file("không đọc được bản sao lưu", path, e))?;
    if !meta.is_file() || meta.len() == 0 {
        return Err(Error::Unreadable {
            path: path.to_owned(),
            reason: "đây không phải bản sao lưu (tệp rỗng hoặc là thư mục)".into(),
        });
    }
    let version = vet_existing(path)?.unwrap_or(0);
    let bad = |reason: String| Error::Unreadable {
        path: path.to_owned(),
        reason,
    };
    if let Some(problem) = integrity(path)? {
        return Err(bad(format!("kiểm tra toàn vẹn thất bại ({problem})")));
    }
    let missing = missing_tables(path, OUR_TABLES)?;
    if version < 1 || !missing.is_empty() {
        return Err(bad(format!(
            "đây không phải dữ liệu của Sổ Giao Nhận (phiên bản lược đồ {version}, thiếu bảng {})",
            if missing.is_empty() {
                "—".to_owned()
            } else {
                missing.join(", ")
            }
        )));
    }
    Ok(())
}

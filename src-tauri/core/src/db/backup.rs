//! A register file seen whole, through connections of its own (never the
//! store's): vetting a file before it opens, copying it with SQLite's online
//! backup API, checking a copy with `integrity_check`, the tables a copy
//! holds, the settings of a file read without its store, and the head of a
//! register's log read while nobody else has it open. The backup and restore
//! policy above (`crate::backup`) decides when and where; this says how.

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::audit::Head;
use super::schema::SCHEMA_VERSION;
use crate::error::{Error, Result};
use crate::files;

/// Files up to this size get a full `quick_check` when opened (see `vet_existing`).
pub const FULL_CHECK_LIMIT: u64 = 256 * 1024 * 1024;
/// Pages copied per step (4 KiB pages: 4 MiB a step).
const STEP_PAGES: i32 = 1024;
/// The pause between two steps, so the disk also serves the window.
const STEP_PAUSE: Duration = Duration::from_millis(2);
/// What a failed copy was doing, for its message.
const WRITING: &str = "không ghi được bản sao lưu";

/// The schema version stored in the register at `path`, read without
/// writing or checking anything; `None` when there is no such file or it
/// cannot be read as a database (opening it then says why).
pub fn stored_version(path: &Path) -> Option<i64> {
    if !path.is_file() {
        return None;
    }
    let conn = open_read_only(path).ok()?;
    conn.query_row("PRAGMA user_version", [], |r| r.get(0)).ok()
}

/// Refuses, without writing, a file that is not a database of ours; returns
/// its schema version (`None` for an empty file: a new database).
pub(crate) fn vet_existing(path: &Path) -> Result<Option<i64>> {
    let mut header = [0u8; 16];
    let mut file = std::fs::File::open(path).map_err(|e| Error::file("không đọc được tệp dữ liệu", path, e))?;
    let len = file
        .metadata()
        .map_err(|e| Error::file("không đọc được tệp dữ liệu", path, e))?
        .len();
    if len == 0 {
        // An empty file is what SQLite itself creates: a new database.
        return Ok(None);
    }
    if len < 100 || file.read_exact(&mut header).is_err() || &header != b"SQLite format 3\0" {
        return Err(Error::Unreadable {
            path: path.to_owned(),
            reason: "đây không phải tệp cơ sở dữ liệu SQLite".into(),
        });
    }
    let conn = open_read_only(path)?;
    // quick_check reads every page: instant for an office's register, but
    // tens of seconds before the first screen for a province's ten years
    // (gigabytes). Above the limit only the schema is read here; the start
    // backup, which reads every page through the backup API, reports a
    // damaged page soon after.
    let check: String = if len <= FULL_CHECK_LIMIT {
        conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
    } else {
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0))
            .map(|_| "ok".to_owned())
    }
    .map_err(|e| unreadable(path, e))?;
    if check != "ok" {
        return Err(Error::Unreadable {
            path: path.to_owned(),
            reason: format!("kiểm tra toàn vẹn thất bại ({check})"),
        });
    }
    let found: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| unreadable(path, e))?;
    if found > SCHEMA_VERSION {
        return Err(Error::TooNew {
            path: path.to_owned(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(Some(found))
}

/// The file at `path` cannot be used as a database: SQLite's reason.
pub(crate) fn unreadable(path: &Path, e: rusqlite::Error) -> Error {
    Error::Unreadable {
        path: path.to_owned(),
        reason: e.to_string(),
    }
}

/// Opens `path` read-only (no -wal created for a file in rollback mode;
/// never writes).
pub(crate) fn open_read_only(path: &Path) -> Result<Connection> {
    let ro = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    Connection::open_with_flags(path, ro).map_err(|e| unreadable(path, e))
}

/// Copies the database at `src` into a new self-contained file at `dest`
/// (rollback journal, no -wal), synced, after checking that the disk has
/// room; `dest` must not exist yet (the callers write into a temporary name
/// and rename). SQLite's online backup API in steps of a few megabytes with
/// short pauses, inside one read transaction: a consistent snapshot, while
/// the app and the command line keep reading and writing the register.
/// `stop` set by another thread (a restore waiting for the files) abandons
/// the copy between steps; `copied` is told the share of the pages copied
/// (in percent) whenever it grows.
pub(crate) fn copy_into(src: &Path, dest: &Path, stop: &AtomicBool, copied: &mut dyn FnMut(u8)) -> Result<()> {
    let dir = files::parent(dest);
    std::fs::create_dir_all(dir).map_err(|e| Error::file("không tạo được thư mục", dir, e))?;
    files::ensure_space(dir, files::database_size(src))?;
    match std::fs::remove_file(dest) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::file(WRITING, dest, e)),
    }
    let source = open_read_only(src)?;
    let copy_failed = |path: &Path, e: rusqlite::Error| Error::Copy {
        doing: WRITING,
        path: path.to_owned(),
        source: e,
    };
    // One read transaction for every step: each step sees the same snapshot
    // (WAL: the writers of the app and the command line go on meanwhile), so
    // the copy is consistent and never restarts.
    source.execute_batch("BEGIN").map_err(|e| copy_failed(src, e))?;
    source
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0))
        .map_err(|e| unreadable(src, e))?;
    {
        let mut out = Connection::open(dest).map_err(|e| copy_failed(dest, e))?;
        {
            let backup = rusqlite::backup::Backup::new(&source, &mut out).map_err(|e| copy_failed(dest, e))?;
            let mut told = None;
            loop {
                if stop.load(Ordering::Relaxed) {
                    return Err(Error::Stopped { path: dest.to_owned() });
                }
                let step = backup.step(STEP_PAGES).map_err(|e| step_error(src, dest, e))?;
                let percent = copied_percent(backup.progress());
                if told != Some(percent) {
                    told = Some(percent);
                    copied(percent);
                }
                match step {
                    rusqlite::backup::StepResult::Done => break,
                    rusqlite::backup::StepResult::More => std::thread::sleep(STEP_PAUSE),
                    // Busy or locked: only the destination can be (it is ours); wait.
                    _ => std::thread::sleep(Duration::from_millis(50)),
                }
            }
        }
        // The copy is one file on its own, with no -wal to carry along.
        let mode: String = out
            .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
            .map_err(|e| copy_failed(dest, e))?;
        if !mode.eq_ignore_ascii_case("delete") {
            return Err(copy_failed(dest, rusqlite::Error::InvalidQuery));
        }
        out.close().map_err(|(_, e)| copy_failed(dest, e))?;
    }
    let _ = source.execute_batch("COMMIT");
    drop(source);
    // Opened for writing: Windows flushes a file only through a handle with
    // write access (a read-only one gets "Access denied").
    std::fs::OpenOptions::new()
        .write(true)
        .open(dest)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::file(WRITING, dest, e))?;
    Ok(())
}

/// The share of a copy's pages written so far, in percent (100 when done).
fn copied_percent(p: rusqlite::backup::Progress) -> u8 {
    let total = i64::from(p.pagecount.max(1));
    let done = (total - i64::from(p.remaining)).clamp(0, total);
    u8::try_from(done * 100 / total).unwrap_or(100)
}

/// A page of the source that cannot be read is the source's fault, not the
/// copy's: said so, with the register's path.
fn step_error(src: &Path, dest: &Path, e: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => Error::Unreadable {
            path: src.to_owned(),
            reason: format!("có trang hỏng, không sao chép được ({e})"),
        },
        Some(ErrorCode::DiskFull) => Error::DiskFull(e),
        _ => Error::Copy {
            doing: WRITING,
            path: dest.to_owned(),
            source: e,
        },
    }
}

/// `PRAGMA integrity_check` of the database at `path`, read-only: `None`
/// when it holds, else the first problems SQLite names.
pub(crate) fn integrity(path: &Path) -> Result<Option<String>> {
    let conn = open_read_only(path)?;
    let mut stmt = conn
        .prepare("PRAGMA integrity_check(5)")
        .map_err(|e| unreadable(path, e))?;
    let lines = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>());
    match lines {
        Ok(lines) if lines.len() == 1 && lines[0] == "ok" => Ok(None),
        Ok(lines) => Ok(Some(lines.join("; "))),
        Err(e) => match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => Ok(Some(e.to_string())),
            _ => Err(unreadable(path, e)),
        },
    }
}

/// Which of `tables` the database at `path` lacks.
pub(crate) fn missing_tables<'t>(path: &Path, tables: &[&'t str]) -> Result<Vec<&'t str>> {
    let conn = open_read_only(path)?;
    let mut missing = Vec::new();
    for table in tables {
        let exists: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
                [table],
                |r| r.get(0),
            )
            .map_err(|e| unreadable(path, e))?;
        if !exists {
            missing.push(*table);
        }
    }
    Ok(missing)
}

/// The values of `keys` in the `setting` table of the database at `path`,
/// read through a read-only connection of its own (the app's store stays
/// free); a value that cannot be read is `None`.
pub(crate) fn settings_in_file(path: &Path, keys: &[&str]) -> Result<Vec<Option<String>>> {
    let conn = open_read_only(path)?;
    Ok(keys
        .iter()
        .map(|key| {
            conn.query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| r.get(0))
                .optional()
                .ok()
                .flatten()
        })
        .collect())
}

/// Makes sure no other connection has the register at `db_path` open, with
/// SQLite's own exclusive lock (this also catches programs that do not know
/// the lock file: an older version of the app, an SQLite browser), and
/// reads the head of its audit log. The connection is closed again before
/// the caller moves anything (Windows renames no open file). A file that is
/// missing or not a usable register has no head, and nothing of ours can
/// have it open. Refused with `Error::InUse` while another connection holds it.
pub(crate) fn head_when_alone(db_path: &Path) -> Result<Option<Head>> {
    if !db_path.exists() || vet_existing(db_path).is_err() {
        return Ok(None);
    }
    let in_use = |e: rusqlite::Error| Error::InUse {
        path: db_path.to_owned(),
        reason: format!("một chương trình khác đang mở tệp dữ liệu ({e})"),
    };
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(db_path, flags).map_err(|e| unreadable(db_path, e))?;
    conn.busy_timeout(Duration::from_millis(200)).map_err(in_use)?;
    // Exclusive locking before the first read: in WAL mode SQLite then needs
    // the file to itself, and every other open connection holds it shared.
    conn.pragma_update(None, "locking_mode", "EXCLUSIVE").map_err(in_use)?;
    conn.execute_batch("BEGIN EXCLUSIVE").map_err(in_use)?;
    let head = super::audit::head_of(&conn).ok().flatten();
    conn.execute_batch("COMMIT").map_err(in_use)?;
    // Closing the last connection folds the -wal into the file.
    conn.close().map_err(|(_, e)| in_use(e))?;
    Ok(head)
}

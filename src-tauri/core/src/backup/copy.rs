//! Copying a register file and checking a copy, on connections of their own:
//! SQLite's online backup API in steps of a few megabytes with short pauses,
//! inside one read transaction (a consistent snapshot, while the app and the
//! command line keep reading and writing the register), after checking that
//! the disk has room for it; and `PRAGMA integrity_check` on a finished copy.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{io_error, parent_of, sqlite_error};
use crate::error::{Error, Result};

/// Pages copied per step (4 KiB pages: 4 MiB a step).
const STEP_PAGES: i32 = 1024;
/// The pause between two steps, so the disk also serves the window.
const STEP_PAUSE: Duration = Duration::from_millis(2);
/// Room left free on the disk besides the copy itself.
const SPARE_BYTES: u64 = 16 * 1024 * 1024;

/// Opens `path` read-only (no -wal created for a file in rollback mode;
/// never writes).
pub(crate) fn open_read_only(path: &Path) -> Result<Connection> {
    let ro = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    Connection::open_with_flags(path, ro).map_err(|e| Error::Unreadable {
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

/// How many bytes a copy of the database at `src` needs: the file and its
/// -wal (commits not yet folded into the file are copied too).
pub(crate) fn copy_size(src: &Path) -> u64 {
    let wal = super::with_suffix(src, "-wal");
    [src, wal.as_path()]
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

/// The refusal when `available` bytes in `dir` are too few for a copy of
/// `need` bytes (and some spare room); `None` when it fits.
pub(crate) fn space_problem(dir: &Path, need: u64, available: u64) -> Option<String> {
    let mb = |b: u64| b.div_ceil(1024 * 1024);
    (available < need.saturating_add(SPARE_BYTES)).then(|| {
        format!(
            "không đủ chỗ trống trên ổ đĩa để sao lưu vào {}: cần khoảng {} MB, chỉ còn {} MB. \
             Hãy giải phóng dung lượng ổ đĩa (hoặc chọn ổ khác) rồi thử lại; chưa có gì được ghi",
            dir.display(),
            mb(need.saturating_add(SPARE_BYTES)),
            mb(available)
        )
    })
}

/// Refuses, before anything is written, a copy of `need` bytes into `dir`
/// when the disk does not have the room.
pub(crate) fn ensure_space(dir: &Path, need: u64) -> Result<()> {
    let available = fs4::available_space(dir).map_err(|e| io_error("không đọc được dung lượng trống của", dir, e))?;
    match space_problem(dir, need, available) {
        Some(message) => Err(Error::Io(std::io::Error::new(std::io::ErrorKind::StorageFull, message))),
        None => Ok(()),
    }
}

/// Copies the database at `src` into a new self-contained file at `dest`
/// (rollback journal, no -wal), synced; `dest` must not exist yet (the
/// callers write into a temporary name and rename). `stop` set by another
/// thread (a restore waiting for the files) abandons the copy between steps.
pub(crate) fn copy_into(src: &Path, dest: &Path, stop: &AtomicBool) -> Result<()> {
    let what = "không ghi được bản sao lưu";
    let dir = parent_of(dest);
    std::fs::create_dir_all(dir).map_err(|e| io_error("không tạo được thư mục", dir, e))?;
    ensure_space(dir, copy_size(src))?;
    match std::fs::remove_file(dest) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error(what, dest, e)),
    }
    let source = open_read_only(src)?;
    // One read transaction for every step: each step sees the same snapshot
    // (WAL: the writers of the app and the command line go on meanwhile), so
    // the copy is consistent and never restarts.
    source.execute_batch("BEGIN").map_err(|e| sqlite_error(what, src, e))?;
    source
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0))
        .map_err(|e| Error::Unreadable {
            path: src.to_owned(),
            reason: e.to_string(),
        })?;
    {
        let mut out = Connection::open(dest).map_err(|e| sqlite_error(what, dest, e))?;
        {
            let backup = rusqlite::backup::Backup::new(&source, &mut out).map_err(|e| sqlite_error(what, dest, e))?;
            loop {
                if stop.load(Ordering::Relaxed) {
                    return Err(Error::Io(std::io::Error::new(
                        std::io::ErrorKind::Interrupted,
                        format!("đã dừng sao lưu vào {} để khôi phục dữ liệu", dest.display()),
                    )));
                }
                match backup.step(STEP_PAGES).map_err(|e| copy_error(src, dest, e))? {
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
            .map_err(|e| sqlite_error(what, dest, e))?;
        if !mode.eq_ignore_ascii_case("delete") {
            return Err(sqlite_error(what, dest, rusqlite::Error::InvalidQuery));
        }
        out.close().map_err(|(_, e)| sqlite_error(what, dest, e))?;
    }
    let _ = source.execute_batch("COMMIT");
    drop(source);
    // Opened for writing: Windows flushes a file only through a handle with
    // write access (a read-only one gets "Access denied").
    std::fs::OpenOptions::new()
        .write(true)
        .open(dest)
        .and_then(|f| f.sync_all())
        .map_err(|e| io_error(what, dest, e))?;
    Ok(())
}

/// A page of the source that cannot be read is the source's fault, not the
/// copy's: said so, with the register's path.
fn copy_error(src: &Path, dest: &Path, e: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => Error::Unreadable {
            path: src.to_owned(),
            reason: format!("có trang hỏng, không sao chép được ({e})"),
        },
        Some(ErrorCode::DiskFull) => Error::DiskFull(e),
        _ => sqlite_error("không ghi được bản sao lưu", dest, e),
    }
}

/// `PRAGMA integrity_check` of the database at `path`, read-only: `None`
/// when it holds, else the first problems SQLite names.
pub(crate) fn integrity(path: &Path) -> Result<Option<String>> {
    let conn = open_read_only(path)?;
    let mut stmt = conn
        .prepare("PRAGMA integrity_check(5)")
        .map_err(|e| damaged_or_error(path, e))?;
    let lines = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>());
    match lines {
        Ok(lines) if lines.len() == 1 && lines[0] == "ok" => Ok(None),
        Ok(lines) => Ok(Some(lines.join("; "))),
        Err(e) => match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => Ok(Some(e.to_string())),
            _ => Err(damaged_or_error(path, e)),
        },
    }
}

fn damaged_or_error(path: &Path, e: rusqlite::Error) -> Error {
    Error::Unreadable {
        path: path.to_owned(),
        reason: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_that_does_not_fit_is_refused_with_the_sizes() {
        let dir = Path::new("/data/backups");
        assert_eq!(space_problem(dir, 10 << 20, 1 << 30), None);
        let message = space_problem(dir, 100 << 20, 50 << 20).expect("does not fit");
        assert!(message.contains("không đủ chỗ trống"), "{message}");
        assert!(message.contains("/data/backups"), "{message}");
        assert!(message.contains("116 MB") && message.contains("50 MB"), "{message}");
        // The spare room counts too.
        assert!(space_problem(dir, 10 << 20, 20 << 20).is_some());
    }
}

//! The register's lock file, `<file>-lock` beside the database: every open
//! `Store` holds a shared lock on it for as long as it is open, and a restore
//! takes it exclusively. So a restore can tell that another window or command
//! line has the register open, and refuse before it moves anything; and a
//! window that opens the register while a restore runs waits for it to end.
//! The operating system's file locks (flock on Unix, LockFileEx on Windows)
//! are released when the process ends, even when it is killed.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// How long opening a register waits for a restore in progress.
const WAIT_FOR_RESTORE: Duration = Duration::from_secs(30);

/// A held lock on a register's lock file; released when dropped.
#[derive(Debug)]
pub struct RegisterLock {
    _file: File,
}

/// The lock file of the database at `db_path`.
pub fn lock_path(db_path: &Path) -> PathBuf {
    let mut name = db_path.as_os_str().to_os_string();
    name.push("-lock");
    PathBuf::from(name)
}

fn open(db_path: &Path) -> Result<File> {
    let path = lock_path(db_path);
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| Error::file("không mở được tệp khoá", &path, e))
}

/// The shared lock of an open store. Waits while a restore holds the lock
/// exclusively (up to half a minute), then refuses.
pub fn shared(db_path: &Path) -> Result<RegisterLock> {
    let file = open(db_path)?;
    let deadline = Instant::now() + WAIT_FOR_RESTORE;
    loop {
        match file.try_lock_shared() {
            Ok(()) => return Ok(RegisterLock { _file: file }),
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(Error::InUse {
                    path: db_path.to_owned(),
                    reason: "một bản sao lưu đang được khôi phục vào sổ này".into(),
                })
            }
            Err(TryLockError::Error(e)) => return Err(lock_error(db_path, e)),
        }
    }
}

/// The exclusive lock of a restore; refused at once while any store (in this
/// process or another) holds the register open.
pub fn exclusive(db_path: &Path) -> Result<RegisterLock> {
    let file = open(db_path)?;
    match file.try_lock() {
        Ok(()) => Ok(RegisterLock { _file: file }),
        Err(TryLockError::WouldBlock) => Err(Error::InUse {
            path: db_path.to_owned(),
            reason: "sổ đang được mở ở một cửa sổ ứng dụng hoặc một lệnh giaonhan khác".into(),
        }),
        Err(TryLockError::Error(e)) => Err(lock_error(db_path, e)),
    }
}

fn lock_error(db_path: &Path, e: std::io::Error) -> Error {
    Error::file("không khoá được tệp khoá", &lock_path(db_path), e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_locks_coexist_and_keep_out_an_exclusive_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("db.sqlite3");
        let a = shared(&db).expect("first shared");
        let b = shared(&db).expect("second shared");
        let err = exclusive(&db).expect_err("held open");
        assert!(matches!(err, Error::InUse { .. }), "{err}");
        drop((a, b));
        let only = exclusive(&db).expect("nobody holds it");
        assert!(matches!(exclusive(&db), Err(Error::InUse { .. })));
        drop(only);
        drop(shared(&db).expect("free again"));
    }
}

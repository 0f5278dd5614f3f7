//! Files, at the bottom of the layers (no database, no rules):
//!
//! - files the user asks for (exports, printed PDFs, templates), written
//!   safely: atomically — a temporary file in the same folder, synced, then
//!   renamed over the name asked for, so a crash or a full disk never leaves
//!   half a file — and never over the register itself, its `-wal` / `-shm` /
//!   `-journal` / `-lock`, a file in its backups folder, or any other SQLite
//!   database (a backup saved elsewhere, another register);
//! - the register's family of files: where its backups and the files a
//!   restore replaced live, beside it (`backup_dir`, `replaced_dir`);
//! - room on a disk for a copy (`ensure_space`), and I/O errors that name
//!   the file and what was being done (`io_error`).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Files kept beside a database: SQLite's, and the register's lock file.
const SIDE_FILES: [&str; 4] = ["-wal", "-shm", "-journal", "-lock"];

/// Folder of the automatic backups, beside the database file.
pub const BACKUP_DIR: &str = "backups";
/// Folder beside the database where a restore keeps the database it replaced.
pub const REPLACED_DIR: &str = "replaced";
/// Room left free on a disk besides a copy written to it.
const SPARE_BYTES: u64 = 16 * 1024 * 1024;

/// The first bytes of an SQLite database and of its write-ahead log.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
const WAL_MAGIC: [[u8; 4]; 2] = [[0x37, 0x7f, 0x06, 0x82], [0x37, 0x7f, 0x06, 0x83]];

/// Writes `bytes` to `path` atomically, after [`check_destination`].
pub fn write_file(path: &Path, bytes: &[u8], register: Option<&Path>) -> Result<()> {
    stage(path, bytes, register)?.commit()
}

/// A file written and synced under a temporary name beside its destination,
/// waiting for [`Staged::commit`]; dropped uncommitted, it is removed.
#[derive(Debug)]
pub struct Staged {
    /// `None` once renamed.
    tmp: Option<PathBuf>,
    dest: PathBuf,
}

/// Checks the destination, then writes `bytes` under a temporary name in the
/// same folder (so that the rename cannot cross file systems) and syncs it.
pub fn stage(path: &Path, bytes: &[u8], register: Option<&Path>) -> Result<Staged> {
    check_destination(path, register)?;
    let name = path
        .file_name()
        .ok_or_else(|| Error::invalid("out", format!("{}: cần tên tệp", path.display())))?;
    let dir = parent(path);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp = dir.join(format!(
        ".{}.{}-{nanos}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp);
    let staged = Staged {
        tmp: written.is_ok().then(|| tmp.clone()),
        dest: path.to_owned(),
    };
    let written = written.and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    written.map_err(|e| io_error(path, e, "ghi"))?;
    Ok(staged)
}

impl Staged {
    /// Renames the staged file over its destination (replacing an existing
    /// file whole) and syncs the folder.
    pub fn commit(mut self) -> Result<()> {
        let Some(tmp) = self.tmp.take() else {
            return Ok(());
        };
        if let Err(e) = std::fs::rename(&tmp, &self.dest) {
            let _ = std::fs::remove_file(&tmp);
            return Err(io_error(&self.dest, e, "ghi"));
        }
        // The rename is durable once the folder is synced; some file systems
        // cannot sync a folder, and the file itself is already on disk.
        #[cfg(unix)]
        if let Ok(dir) = std::fs::File::open(parent(&self.dest)) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some(tmp) = &self.tmp {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// The folder holding `path` ("." for a bare file name).
pub(crate) fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."))
}

/// The backups folder of the database at `db_path`, beside it.
pub fn backup_dir(db_path: &Path) -> PathBuf {
    parent(db_path).join(BACKUP_DIR)
}

/// The folder beside the database at `db_path` where a restore keeps the
/// files it replaced.
pub fn replaced_dir(db_path: &Path) -> PathBuf {
    parent(db_path).join(REPLACED_DIR)
}

/// `path` with `suffix` appended to its name: "db.sqlite3" + "-wal".
pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// Whether two paths name one existing file (links and `..` resolved).
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The bytes a copy of the database at `db_path` takes: the file and its
/// -wal (commits not yet folded into the file are copied too).
pub(crate) fn database_size(db_path: &Path) -> u64 {
    let wal = with_suffix(db_path, "-wal");
    [db_path, wal.as_path()]
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

/// The refusal when `available` bytes in `dir` are too few for a copy of
/// `need` bytes and some spare room; `None` when it fits.
pub(crate) fn room_problem(dir: &Path, need: u64, available: u64) -> Option<Error> {
    let need = need.saturating_add(SPARE_BYTES);
    (available < need).then(|| Error::NoRoom {
        dir: dir.to_owned(),
        need,
        available,
    })
}

/// Refuses, before anything is written, a copy of `need` bytes into `dir`
/// when its disk does not have the room.
pub(crate) fn ensure_space(dir: &Path, need: u64) -> Result<()> {
    let available =
        fs4::available_space(dir).map_err(|e| Error::file("không đọc được dung lượng trống của", dir, e))?;
    room_problem(dir, need, available).map_or(Ok(()), Err)
}

/// Refuses to write over the register (`register`, when known), its side
/// files, a file in its backups or replaced folder, or any existing SQLite
/// database or write-ahead log; and refuses a folder.
pub fn check_destination(path: &Path, register: Option<&Path>) -> Result<()> {
    let refuse = |why: &str| {
        Err(Error::invalid(
            "out",
            format!("{}: {why}; hãy chọn tên tệp khác", path.display()),
        ))
    };
    if path.is_dir() {
        return refuse("đây là một thư mục");
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = canonical_dir(path);
    if let Some(db) = register {
        let db_name = db
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let db_dir = canonical_dir(db);
        if dir.is_some() && dir == db_dir {
            if name == db_name {
                return refuse("đây là tệp dữ liệu của sổ, không được ghi đè");
            }
            if SIDE_FILES.iter().any(|s| name == format!("{db_name}{s}")) {
                return refuse("đây là tệp đi kèm tệp dữ liệu của sổ, không được ghi đè");
            }
        }
        let guarded = [backup_dir(db), replaced_dir(db)];
        if guarded
            .iter()
            .any(|g| dir.is_some() && std::fs::canonicalize(g).ok() == dir)
        {
            return refuse("thư mục này giữ các bản sao lưu của sổ, không lưu tệp khác vào đây");
        }
    }
    // Any database (a backup kept elsewhere, another register), its log, or
    // a link to one: never replaced by an export.
    let mut head = [0u8; 16];
    let read = std::fs::File::open(path).and_then(|mut f| f.read(&mut head));
    if let Ok(n) = read {
        if n == 16 && &head == SQLITE_MAGIC {
            return refuse("tệp này là một cơ sở dữ liệu (sổ hoặc bản sao lưu), không được ghi đè");
        }
        if n >= 4 && WAL_MAGIC.iter().any(|m| head[..4] == *m) {
            return refuse("tệp này là nhật ký ghi của một cơ sở dữ liệu, không được ghi đè");
        }
    }
    if let Some(base) = SIDE_FILES.iter().find_map(|s| name.strip_suffix(s)) {
        let sibling = parent(path).join(base);
        let mut magic = [0u8; 16];
        let is_db = std::fs::File::open(&sibling)
            .and_then(|mut f| f.read_exact(&mut magic))
            .is_ok_and(|()| &magic == SQLITE_MAGIC);
        if is_db {
            return refuse("đây là tệp đi kèm một cơ sở dữ liệu, không được ghi đè");
        }
    }
    Ok(())
}

/// The folder holding `path`, resolved (links, `..`), when it exists.
fn canonical_dir(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(parent(path)).ok()
}

/// `path` when nothing is there yet; else the first free "name (2).ext",
/// "name (3).ext", …: for saves made without asking (a folder set for
/// unattended use), which must never replace a file silently.
pub fn fresh_path(path: &Path) -> PathBuf {
    if !path.exists() {
        return path.to_owned();
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let dir = parent(path);
    (2..)
        .map(|n| dir.join(format!("{stem} ({n}){ext}")))
        .find(|p| !p.exists())
        .unwrap_or_else(|| path.to_owned())
}

/// An I/O error naming the file and saying why in Vietnamese; `verb` is
/// what was being done ("đọc", "ghi").
pub(crate) fn io_error(path: &Path, e: std::io::Error, verb: &str) -> Error {
    Error::file(format!("không {verb} được"), path, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_and_no_temporary_file_is_left() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("danh-sach.csv");
        std::fs::write(&path, "cũ").expect("old file");
        write_file(&path, "mới".as_bytes(), None).expect("write");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "mới");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["danh-sach.csv"], "no temporary file left behind");

        // Staged but not committed: the old file stays, the temporary goes.
        let staged = stage(&path, b"half", None).expect("stage");
        drop(staged);
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "mới");
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);
    }

    #[test]
    fn the_register_its_side_files_backups_and_databases_are_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("sogiaonhan.sqlite3");
        drop(crate::Store::open(&db).expect("register"));
        let backups = backup_dir(&db);
        std::fs::create_dir_all(&backups).expect("backups folder");
        std::fs::create_dir_all(dir.path().join("sub")).expect("folder");
        let elsewhere = dir.path().join("other");
        std::fs::create_dir_all(&elsewhere).expect("folder");
        let copy = elsewhere.join("ban-sao.sqlite3");
        std::fs::copy(&db, &copy).expect("a backup kept elsewhere");
        let before = std::fs::read(&db).expect("read");
        for target in [
            db.clone(),
            dir.path().join("sogiaonhan.sqlite3-wal"),
            dir.path().join("sogiaonhan.sqlite3-shm"),
            dir.path().join("sogiaonhan.sqlite3-lock"),
            dir.path().join("sub/../sogiaonhan.sqlite3"),
            backups.join("x.pdf"),
            copy.clone(),
            elsewhere.join("ban-sao.sqlite3-wal"),
            elsewhere.clone(),
        ] {
            let err = write_file(&target, b"%PDF", Some(&db)).expect_err(&target.display().to_string());
            assert!(
                matches!(&err, Error::Invalid { field, .. } if field == "out")
                    && err.to_string().contains("tên tệp khác"),
                "{err}"
            );
        }
        // Without knowing the register, a database is still recognised.
        assert!(write_file(&db, b"x", None).is_err());
        assert_eq!(std::fs::read(&db).expect("read"), before);
        write_file(&dir.path().join("danh-sach.pdf"), b"%PDF", Some(&db)).expect("an ordinary file");
    }

    #[test]
    fn fresh_names_never_replace_a_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("giay-nhac.pdf");
        assert_eq!(fresh_path(&path), path);
        std::fs::write(&path, b"1").expect("write");
        assert_eq!(fresh_path(&path), dir.path().join("giay-nhac (2).pdf"));
        std::fs::write(dir.path().join("giay-nhac (2).pdf"), b"2").expect("write");
        assert_eq!(fresh_path(&path), dir.path().join("giay-nhac (3).pdf"));
    }

    #[test]
    fn a_copy_that_does_not_fit_is_refused_with_the_sizes() {
        let dir = Path::new("/data/backups");
        assert!(room_problem(dir, 10 << 20, 1 << 30).is_none());
        let message = room_problem(dir, 100 << 20, 50 << 20)
            .expect("does not fit")
            .to_string();
        assert!(message.contains("không đủ chỗ trống"), "{message}");
        assert!(message.contains("/data/backups"), "{message}");
        assert!(message.contains("116 MB") && message.contains("50 MB"), "{message}");
        // The spare room counts too.
        assert!(room_problem(dir, 10 << 20, 20 << 20).is_some());
    }
}

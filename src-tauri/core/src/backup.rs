//! Backups and restore, with SQLite's online backup API (a consistent copy
//! while the database is in use). Automatic backups live in a `backups` folder
//! beside the database file, named `<stem>-YYYYMMDD-HHMMSS-<reason>.sqlite3`
//! (UTC, so names sort by time): on start, daily, and before any schema
//! upgrade. The last N start and daily backups are kept (setting
//! `backup_keep`); backups made before an upgrade are never pruned.
//!
//! A restore checks the backup first (a database, intact, not newer than this
//! app, a Sổ Giao Nhận register), moves the current database with its -wal and
//! -shm aside into a `replaced` folder (never overwritten), and puts the
//! restored data at the database's usual path.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::{params, Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::store::{Actor, Store};

/// Folder of the automatic backups, beside the database file.
pub const BACKUP_DIR: &str = "backups";
/// Folder beside the database where a restore keeps the database it replaced.
pub const REPLACED_DIR: &str = "replaced";
/// The setting holding how many automatic backups to keep.
pub const KEEP_SETTING: &str = "backup_keep";
/// Automatic backups kept when the setting is absent.
pub const DEFAULT_KEEP: u32 = 10;
/// The largest accepted value of `backup_keep`.
pub const MAX_KEEP: u32 = 1000;
/// A daily backup is due when the newest automatic one is older than this.
pub const DAILY: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// UTC time in backup file names: sortable, no characters Windows refuses.
const NAME_TIME: &str = "%Y%m%d-%H%M%S";
const EXT: &str = "sqlite3";
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

/// Why an automatic backup was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BackupReason {
    /// When the app opened the database.
    Start,
    /// Once a day while the app runs.
    Daily,
    /// Before upgrading the file to a newer schema version.
    Migrate,
}

impl BackupReason {
    pub fn as_str(self) -> &'static str {
        match self {
            BackupReason::Start => "start",
            BackupReason::Daily => "daily",
            BackupReason::Migrate => "migrate",
        }
    }

    pub fn parse(s: &str) -> Option<BackupReason> {
        [BackupReason::Start, BackupReason::Daily, BackupReason::Migrate]
            .into_iter()
            .find(|r| r.as_str() == s)
    }

    /// Counted against `backup_keep` (backups before an upgrade are kept).
    fn pruned(self) -> bool {
        !matches!(self, BackupReason::Migrate)
    }
}

/// One automatic backup in the backups folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupInfo {
    pub path: String,
    pub file_name: String,
    /// When it was made (UTC, from its name).
    pub taken_at: DateTime<Utc>,
    /// Size in bytes.
    #[ts(type = "number")]
    pub size: u64,
    pub reason: BackupReason,
}

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
}

/// Why the app could not open its database, and what it can restore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Recovery {
    pub db_path: String,
    /// A complete Vietnamese sentence naming the file and the problem.
    pub problem: String,
    /// Automatic backups, newest first.
    pub backups: Vec<BackupInfo>,
}

/// The backups folder of the database at `db_path`.
pub fn backup_dir(db_path: &Path) -> PathBuf {
    parent_of(db_path).join(BACKUP_DIR)
}

fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The database file's name without extension: the prefix of its backups.
fn stem_of(db_path: &Path) -> String {
    db_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "sogiaonhan".to_owned())
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::Io(std::io::Error::new(e.kind(), format!("{what} {}: {e}", path.display())))
}

fn sqlite_error(what: &str, path: &Path, e: rusqlite::Error) -> Error {
    Error::Io(std::io::Error::other(format!("{what} {}: {e}", path.display())))
}

/// Automatic backups of the database at `db_path`, newest first. A missing
/// folder means none; files that do not follow the naming are ignored.
pub fn list(db_path: &Path) -> Result<Vec<BackupInfo>> {
    Ok(scan(db_path)?.into_iter().map(|(_, b)| b).collect())
}

/// The backups with their sequence number within their second, newest first.
fn scan(db_path: &Path) -> Result<Vec<(u32, BackupInfo)>> {
    let dir = backup_dir(db_path);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error("không đọc được thư mục sao lưu", &dir, e)),
    };
    let prefix = format!("{}-", stem_of(db_path));
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| io_error("không đọc được thư mục sao lưu", &dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((taken_at, reason, seq)) = parse_name(&name, &prefix) else {
            continue;
        };
        let meta = entry
            .metadata()
            .map_err(|e| io_error("không đọc được bản sao lưu", &entry.path(), e))?;
        if !meta.is_file() {
            continue;
        }
        found.push((
            seq,
            BackupInfo {
                path: entry.path().display().to_string(),
                file_name: name,
                taken_at,
                size: meta.len(),
                reason,
            },
        ));
    }
    found.sort_by(|(sa, a), (sb, b)| (b.taken_at, sb).cmp(&(a.taken_at, sa)));
    Ok(found)
}

/// The newest automatic backup, if any.
pub fn latest(db_path: &Path) -> Result<Option<BackupInfo>> {
    Ok(list(db_path)?.into_iter().next())
}

/// `<prefix>YYYYMMDD-HHMMSS-<reason>[-N].sqlite3` → (time, reason, N).
fn parse_name(name: &str, prefix: &str) -> Option<(DateTime<Utc>, BackupReason, u32)> {
    let rest = name.strip_prefix(prefix)?.strip_suffix(&format!(".{EXT}"))?;
    let time = rest.get(..15)?;
    let taken = NaiveDateTime::parse_from_str(time, NAME_TIME).ok()?.and_utc();
    let tail = rest.get(15..)?.strip_prefix('-')?;
    let (reason, seq) = match tail.rsplit_once('-') {
        Some((r, n)) => (r, n.parse().ok()?),
        None => (tail, 0),
    };
    Some((taken, BackupReason::parse(reason)?, seq))
}

/// A free name for a new automatic backup made now: within one second, a
/// sequence number above every backup of that second keeps the order.
fn new_backup_path(db_path: &Path, reason: BackupReason) -> Result<PathBuf> {
    let dir = backup_dir(db_path);
    let now = Utc::now();
    let second = now.format(NAME_TIME).to_string();
    let base = format!("{}-{second}-{}", stem_of(db_path), reason.as_str());
    let taken = scan(db_path)?
        .into_iter()
        .filter(|(_, b)| b.taken_at.format(NAME_TIME).to_string() == second)
        .map(|(seq, _)| seq.max(1))
        .max();
    let mut n = taken.map_or(0, |t| t + 1);
    loop {
        let path = if n == 0 {
            dir.join(format!("{base}.{EXT}"))
        } else {
            dir.join(format!("{base}-{n}.{EXT}"))
        };
        if !path.exists() {
            return Ok(path);
        }
        n = n.max(1) + 1;
    }
}

/// Copies the database behind `src` into a new file at `dest`, as one
/// self-contained file (rollback journal, no -wal): first into a temporary
/// file beside it, synced, then renamed, so `dest` is never half written.
fn copy_database(src: &Connection, dest: &Path) -> Result<()> {
    let dir = parent_of(dest);
    std::fs::create_dir_all(dir).map_err(|e| io_error("không tạo được thư mục", dir, e))?;
    let mut tmp_name = dest.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".partial");
    let tmp = dir.join(tmp_name);
    let result = copy_into(src, &tmp)
        .and_then(|()| std::fs::rename(&tmp, dest).map_err(|e| io_error("không ghi được bản sao lưu", dest, e)));
    if result.is_err() {
        // Only our own temporary file; never the destination or the source.
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn copy_into(src: &Connection, tmp: &Path) -> Result<()> {
    let what = "không ghi được bản sao lưu";
    match std::fs::remove_file(tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error(what, tmp, e)),
    }
    {
        let mut dest = Connection::open(tmp).map_err(|e| sqlite_error(what, tmp, e))?;
        {
            let backup = rusqlite::backup::Backup::new(src, &mut dest).map_err(|e| sqlite_error(what, tmp, e))?;
            // All pages in one step: one read transaction, so the copy is
            // consistent even when another connection writes meanwhile (in
            // WAL mode the reader never blocks that writer).
            let mut tries = 0;
            loop {
                match backup.step(-1).map_err(|e| sqlite_error(what, tmp, e))? {
                    rusqlite::backup::StepResult::Done => break,
                    _ if tries < 200 => {
                        tries += 1;
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                    _ => return Err(sqlite_error(what, tmp, rusqlite::Error::InvalidQuery)),
                }
            }
        }
        // The copy is one file on its own, with no -wal to carry along.
        let mode: String = dest
            .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
            .map_err(|e| sqlite_error(what, tmp, e))?;
        if !mode.eq_ignore_ascii_case("delete") {
            return Err(sqlite_error(what, tmp, rusqlite::Error::InvalidQuery));
        }
        dest.close().map_err(|(_, e)| sqlite_error(what, tmp, e))?;
    }
    std::fs::File::open(tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| io_error(what, tmp, e))?;
    Ok(())
}

fn open_read_only(path: &Path) -> Result<Connection> {
    let ro = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    Connection::open_with_flags(path, ro).map_err(|e| Error::Unreadable {
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

/// Before `Store::open` upgrades an existing file to a newer schema version:
/// a copy of it as it is, read through a read-only connection.
pub(crate) fn before_migration(db_path: &Path) -> Result<PathBuf> {
    let src = open_read_only(db_path)?;
    let dest = new_backup_path(db_path, BackupReason::Migrate)?;
    copy_database(&src, &dest)?;
    Ok(dest)
}

/// Checks a file offered for restore without writing to it: the vetting of
/// `Store::open` (SQLite, intact, not newer than this app), then a full
/// integrity check and the tables of a Sổ Giao Nhận register.
pub fn check_backup(path: &Path) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| io_error("không đọc được bản sao lưu", path, e))?;
    if !meta.is_file() || meta.len() == 0 {
        return Err(Error::Unreadable {
            path: path.to_owned(),
            reason: "đây không phải bản sao lưu (tệp rỗng hoặc là thư mục)".into(),
        });
    }
    let version = crate::store::vet_existing(path)?.unwrap_or(0);
    let bad = |reason: String| Error::Unreadable {
        path: path.to_owned(),
        reason,
    };
    let conn = open_read_only(path)?;
    let check: String = conn
        .query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))
        .map_err(|e| bad(e.to_string()))?;
    if check != "ok" {
        return Err(bad(format!("kiểm tra toàn vẹn thất bại ({check})")));
    }
    let mut missing = Vec::new();
    for table in OUR_TABLES {
        let exists: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
                [table],
                |r| r.get(0),
            )
            .map_err(|e| bad(e.to_string()))?;
        if !exists {
            missing.push(*table);
        }
    }
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

/// Restores the backup at `backup` as the database at `db_path`. Nothing
/// may hold the database open meanwhile (the app closes its store first).
///
/// 1. the backup is checked (`check_backup`); a refused one changes nothing;
/// 2. its data is copied beside the database (backup API, read-only source);
/// 3. the current database, with its -wal and -shm, is moved into
///    `replaced/<stem>-before-restore-<time>.sqlite3`;
/// 4. the copy is renamed to the database's path.
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

    let dir = parent_of(db_path);
    let mut incoming_name = db_path.file_name().unwrap_or_default().to_os_string();
    incoming_name.push(".restoring");
    let incoming = dir.join(incoming_name);
    {
        let src = open_read_only(backup)?;
        copy_database(&src, &incoming)?;
    }

    let replaced = match move_aside(db_path) {
        Ok(replaced) => replaced,
        Err(e) => {
            let _ = std::fs::remove_file(&incoming);
            return Err(e);
        }
    };
    std::fs::rename(&incoming, db_path).map_err(|e| {
        io_error(
            &format!("không đặt được dữ liệu khôi phục ({}) vào chỗ của", incoming.display()),
            db_path,
            e,
        )
    })?;
    Ok(Restored {
        db_path: db_path.display().to_string(),
        restored_from: backup.display().to_string(),
        replaced: replaced.map(|p| p.display().to_string()),
    })
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Moves the database (and its -wal, -shm) into the `replaced` folder under a
/// new name; returns where the main file went, `None` when there was none.
fn move_aside(db_path: &Path) -> Result<Option<PathBuf>> {
    if !db_path.exists() {
        return Ok(None);
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
    for suffix in ["-wal", "-shm"] {
        let from = with_suffix(db_path, suffix);
        if from.exists() {
            let to = with_suffix(&target, suffix);
            std::fs::rename(&from, &to).map_err(|e| io_error("không chuyển được tệp", &from, e))?;
        }
    }
    std::fs::rename(db_path, &target).map_err(|e| io_error("không chuyển được tệp dữ liệu", db_path, e))?;
    Ok(Some(target))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

impl Store {
    /// A consistent copy of the database at `path` (a manual backup), made
    /// while the store stays open. The database file itself is refused.
    pub fn backup_to(&self, path: &Path) -> Result<()> {
        if same_file(self.path(), path) {
            return Err(Error::invalid(
                "out",
                format!("{} là chính tệp dữ liệu; hãy chọn tệp khác", path.display()),
            ));
        }
        copy_database(self.connection(), path)
    }

    /// An automatic backup into the backups folder now, then pruning to the
    /// last `backup_keep` start and daily backups (see `auto_backup`).
    pub fn auto_backup(&self, reason: BackupReason) -> Result<BackupInfo> {
        auto_backup(self.path(), reason, self.backup_keep()?)
    }

    /// The daily backup when due (see `backup_if_due`).
    pub fn backup_if_due(&self) -> Result<Option<BackupInfo>> {
        backup_if_due(self.path(), self.backup_keep()?)
    }

    /// Automatic backups of this database, newest first.
    pub fn backups(&self) -> Result<Vec<BackupInfo>> {
        list(self.path())
    }

    /// How many start and daily backups are kept: the setting `backup_keep`,
    /// `DEFAULT_KEEP` when unset or unreadable.
    pub fn backup_keep(&self) -> Result<u32> {
        Ok(self
            .read(|dao| dao.setting(KEEP_SETTING))?
            .and_then(|v| v.trim().parse::<u32>().ok())
            .filter(|n| (1..=MAX_KEEP).contains(n))
            .unwrap_or(DEFAULT_KEEP))
    }

    /// Sets `backup_keep` (1 to `MAX_KEEP`); the next automatic backup prunes.
    pub fn set_backup_keep(&mut self, actor: &Actor, keep: u32) -> Result<()> {
        if !(1..=MAX_KEEP).contains(&keep) {
            return Err(Error::invalid(
                KEEP_SETTING,
                format!("số bản sao lưu giữ lại phải từ 1 đến {MAX_KEEP}"),
            ));
        }
        self.write(actor, |dao| {
            dao.conn.execute(
                "INSERT INTO setting (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![KEEP_SETTING, keep.to_string()],
            )?;
            dao.log("setting.backup_keep", None, &keep)
        })
    }
}

/// An automatic backup of the database at `db_path` into its backups folder,
/// read through a connection of its own (read-only; in WAL mode it never
/// blocks the app's writes, so the app can run it beside its open store),
/// then pruning to the last `keep` start and daily backups.
pub fn auto_backup(db_path: &Path, reason: BackupReason, keep: u32) -> Result<BackupInfo> {
    let dest = new_backup_path(db_path, reason)?;
    {
        let src = open_read_only(db_path)?;
        copy_database(&src, &dest)?;
    }
    prune(db_path, keep)?;
    let name = dest.file_name().unwrap_or_default().to_string_lossy().into_owned();
    list(db_path)?
        .into_iter()
        .find(|b| b.file_name == name)
        .ok_or_else(|| Error::not_found("bản sao lưu", dest.display().to_string()))
}

/// The daily backup, when the newest start or daily backup is older than a
/// day (or there is none); `None` when not yet due.
pub fn backup_if_due(db_path: &Path, keep: u32) -> Result<Option<BackupInfo>> {
    let newest = list(db_path)?.into_iter().find(|b| b.reason.pruned());
    match newest {
        Some(b) if Utc::now() - b.taken_at < DAILY => Ok(None),
        _ => auto_backup(db_path, BackupReason::Daily, keep).map(Some),
    }
}

/// Removes the oldest start and daily backups beyond `keep`.
fn prune(db_path: &Path, keep: u32) -> Result<()> {
    let keep = usize::try_from(keep.max(1)).unwrap_or(usize::MAX);
    for old in list(db_path)?.into_iter().filter(|b| b.reason.pruned()).skip(keep) {
        let path = PathBuf::from(&old.path);
        std::fs::remove_file(&path).map_err(|e| io_error("không xoá được bản sao lưu cũ", &path, e))?;
    }
    Ok(())
}

/// The automatic backup named `file_name` (as listed) of the database at
/// `db_path`: the app restores only from its own backups folder.
pub fn find(db_path: &Path, file_name: &str) -> Result<BackupInfo> {
    list(db_path)?
        .into_iter()
        .find(|b| b.file_name == file_name)
        .ok_or_else(|| Error::not_found("bản sao lưu", file_name))
}

/// The problem and the backups on offer when the database at `db_path`
/// cannot be opened (`problem`: the refusal from `Store::open`).
pub fn recovery(db_path: &Path, problem: &str) -> Result<Recovery> {
    Ok(Recovery {
        db_path: db_path.display().to_string(),
        problem: problem.to_owned(),
        backups: list(db_path)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NewUnit;
    use crate::store::SCHEMA_VERSION;

    fn unit(code: &str) -> NewUnit {
        NewUnit {
            code: code.into(),
            name: format!("Chi bộ {code}"),
            parent: None,
            kind: None,
            short_name: None,
            phone: None,
            address: None,
            opened_on: None,
            secretary: None,
            deputy: None,
        }
    }

    fn codes(store: &Store) -> Vec<String> {
        store.list_units().expect("list").into_iter().map(|u| u.code).collect()
    }

    fn actor() -> Actor {
        Actor::new("test", "test")
    }

    #[test]
    fn backup_to_makes_a_single_file_copy_that_opens() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("sogiaonhan.sqlite3");
        let mut store = Store::open(&db).expect("open");
        store.add_unit(&actor(), unit("CB1")).expect("unit");
        let out = dir.path().join("copy").join("ban-sao.sqlite3");
        store.backup_to(&out).expect("backup");
        assert!(!with_suffix(&out, "-wal").exists(), "no -wal beside the copy");
        check_backup(&out).expect("the copy passes the restore check");
        let copy = Store::open(&out).expect("open the copy");
        assert_eq!(codes(&copy), ["CB1"]);
        let err = store.backup_to(&db).expect_err("not onto the database itself");
        assert!(err.to_string().contains("chính tệp dữ liệu"), "{err}");
    }

    #[test]
    fn automatic_backups_are_named_listed_and_pruned() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("sogiaonhan.sqlite3");
        let mut store = Store::open(&db).expect("open");
        assert_eq!(store.backup_keep().expect("keep"), DEFAULT_KEEP);
        store.set_backup_keep(&actor(), 3).expect("set keep");
        assert!(store.set_backup_keep(&actor(), 0).is_err());
        let first = store.auto_backup(BackupReason::Start).expect("backup");
        assert!(first.file_name.starts_with("sogiaonhan-"), "{}", first.file_name);
        assert!(first.file_name.ends_with("-start.sqlite3"), "{}", first.file_name);
        assert!(first.size > 0);
        assert_eq!(parent_of(Path::new(&first.path)), backup_dir(&db));
        // A backup made before an upgrade is never pruned.
        let migrate = before_migration(&db).expect("migrate backup");
        for _ in 0..5 {
            store.auto_backup(BackupReason::Daily).expect("backup");
        }
        let all = store.backups().expect("list");
        assert_eq!(all.iter().filter(|b| b.reason.pruned()).count(), 3, "{all:?}");
        assert!(migrate.exists());
        assert!(!Path::new(&first.path).exists(), "the oldest was pruned");
        // Newest first.
        assert!(all.windows(2).all(|w| w[0].taken_at >= w[1].taken_at));
        // Not due again right after one.
        assert_eq!(store.backup_if_due().expect("due?"), None);
    }

    #[test]
    fn a_daily_backup_is_due_without_a_recent_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("db.sqlite3");
        let store = Store::open(&db).expect("open");
        let made = store.backup_if_due().expect("due").expect("made");
        assert_eq!(made.reason, BackupReason::Daily);
        // An old one (by its name) does not count as recent.
        let old = backup_dir(&db).join("db-20200101-000000-start.sqlite3");
        std::fs::copy(&made.path, &old).expect("copy");
        std::fs::remove_file(&made.path).expect("remove");
        assert!(store.backup_if_due().expect("due").is_some());
    }

    #[test]
    fn backups_for_admin_and_clerk_restore_for_admin_only() {
        use crate::accounts::{Action, Role};
        assert!(Role::Admin.may(Action::Backup) && Role::Admin.may(Action::Restore));
        assert!(Role::Clerk.may(Action::Backup) && !Role::Clerk.may(Action::Restore));
        for role in [Role::Supervisor, Role::Secretary] {
            assert!(!role.may(Action::Backup) && !role.may(Action::Restore), "{role:?}");
        }
    }

    #[test]
    fn an_automatic_backup_reads_beside_an_open_store_and_is_found_by_name() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("db.sqlite3");
        let mut store = Store::open(&db).expect("open");
        store.add_unit(&actor(), unit("CB1")).expect("unit");
        let made = auto_backup(&db, BackupReason::Start, 5).expect("backup beside the open store");
        store.add_unit(&actor(), unit("CB2")).expect("the store still writes");
        let found = find(&db, &made.file_name).expect("found");
        assert_eq!(found, made);
        assert!(matches!(find(&db, "../db.sqlite3"), Err(Error::NotFound { .. })));
        assert_eq!(codes(&Store::open(Path::new(&found.path)).expect("open")), ["CB1"]);
        let rec = recovery(&db, "hỏng").expect("recovery");
        assert_eq!(rec.backups, [made]);
    }

    #[test]
    fn names_parse_back() {
        let (t, r, n) = parse_name("x-20261128-130501-start.sqlite3", "x-").expect("parse");
        assert_eq!(t.format("%Y-%m-%d %H:%M:%S").to_string(), "2026-11-28 13:05:01");
        assert_eq!((r, n), (BackupReason::Start, 0));
        assert_eq!(
            parse_name("x-20261128-130501-daily-3.sqlite3", "x-").map(|p| (p.1, p.2)),
            Some((BackupReason::Daily, 3))
        );
        assert_eq!(parse_name("x-20261128-130501-other.sqlite3", "x-"), None);
        assert_eq!(parse_name("y-20261128-130501-start.sqlite3", "x-"), None);
        assert_eq!(parse_name("x-2026-start.sqlite3", "x-"), None);
    }

    #[test]
    fn restore_moves_the_current_file_aside_and_puts_the_backup_in_place() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("sogiaonhan.sqlite3");
        let backup = dir.path().join("ban-sao.sqlite3");
        {
            let mut store = Store::open(&db).expect("open");
            store.add_unit(&actor(), unit("CB1")).expect("unit");
            store.backup_to(&backup).expect("backup");
            store.add_unit(&actor(), unit("CB2")).expect("unit");
        }
        let restored = restore(&db, &backup).expect("restore");
        let replaced = PathBuf::from(restored.replaced.expect("the old file was kept"));
        assert!(
            replaced.starts_with(dir.path().join(REPLACED_DIR)),
            "{}",
            replaced.display()
        );
        assert!(replaced
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("sogiaonhan-before-restore-")));
        assert_eq!(codes(&Store::open(&db).expect("open restored")), ["CB1"]);
        assert_eq!(codes(&Store::open(&replaced).expect("open replaced")), ["CB1", "CB2"]);
        assert!(!with_suffix(&db, ".restoring").exists());
    }

    #[test]
    fn restore_refuses_bad_backups_and_changes_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("sogiaonhan.sqlite3");
        drop(Store::open(&db).expect("open"));
        let db_bytes = std::fs::read(&db).expect("read");

        let random = dir.path().join("random.sqlite3");
        std::fs::write(&random, b"khong phai co so du lieu ".repeat(50)).expect("write");
        let foreign = dir.path().join("foreign.sqlite3");
        {
            let conn = Connection::open(&foreign).expect("create");
            conn.execute_batch("CREATE TABLE t (x); PRAGMA user_version = 1;")
                .expect("schema");
        }
        let newer = dir.path().join("newer.sqlite3");
        drop(Store::open(&newer).expect("create"));
        {
            let conn = Connection::open(&newer).expect("raw");
            conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
                .expect("bump");
        }
        for (file, expect) in [
            (&random, "không phải tệp cơ sở dữ liệu"),
            (&foreign, "không phải dữ liệu của Sổ Giao Nhận"),
            (&newer, "phiên bản mới hơn"),
            (&db, "chính tệp dữ liệu"),
        ] {
            let before = std::fs::read(file).expect("read");
            let err = restore(&db, file).expect_err("refused");
            let msg = err.to_string();
            assert!(msg.contains(expect), "{msg}");
            assert!(msg.contains(&*file.display().to_string()), "names the file: {msg}");
            assert_eq!(std::fs::read(file).expect("read"), before);
        }
        assert_eq!(std::fs::read(&db).expect("read"), db_bytes, "database untouched");
        assert!(!dir.path().join(REPLACED_DIR).exists());
    }

    #[test]
    fn an_upgrade_is_preceded_by_a_backup_of_the_old_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let old = dir.path().join("cu.sqlite3");
        {
            let mut conn = Connection::open(&old).expect("create");
            let tx = conn.transaction().expect("tx");
            tx.execute_batch(crate::store::schema::STEPS[0]).expect("step 1");
            tx.pragma_update(None, "user_version", 1).expect("version");
            tx.commit().expect("commit");
        }
        let before = std::fs::read(&old).expect("read");
        drop(Store::open(&old).expect("upgrade"));
        let backups = list(&old).expect("list");
        assert_eq!(backups.len(), 1, "{backups:?}");
        assert_eq!(backups[0].reason, BackupReason::Migrate);
        let conn = open_read_only(Path::new(&backups[0].path)).expect("open");
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("v");
        assert_eq!(v, 1, "the backup holds the file as it was");
        drop(conn);
        assert_ne!(
            std::fs::read(&old).expect("read"),
            before,
            "the file itself was upgraded"
        );
        // Opening again (already current) makes no further backup.
        drop(Store::open(&old).expect("reopen"));
        assert_eq!(list(&old).expect("list").len(), 1);
    }
}

//! Backups that cannot rot. Automatic backups live in a `backups` folder
//! beside the database file, named
//! `<stem>-YYYYMMDD-HHMMSS-<reason>[-N]-<good|damaged>.sqlite3` (UTC, so names
//! sort by time): at start and daily while the app runs (only when the newest
//! good automatic copy is older than the interval, a day by default), and
//! before any schema upgrade. Every automatic copy is checked with
//! `PRAGMA integrity_check` before it gets its name, so the mark travels with
//! the file; copies made before checks existed show as unchecked.
//!
//! Pruning keeps the last `backup_keep` start and daily copies and, apart,
//! the last `backup_keep_migrate` copies made before an upgrade, and never
//! deletes the newest good copy of any kind. Every copy (automatic or
//! "back up now") reads through a connection of its own in steps (see
//! `copy`), after checking the disk has room. Restore and the recovery
//! policy are in `restore`.

mod copy;
mod restore;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::{Actor, Store};
use crate::error::{Error, Result};

pub use restore::{
    latest_good, missing_problem, open_or_recover, recovery, restore, restore_and_log, Head, Opened, Recovery, Restored,
};

/// Folder of the automatic backups, beside the database file.
pub const BACKUP_DIR: &str = "backups";
/// Folder beside the database where a restore keeps the database it replaced.
pub const REPLACED_DIR: &str = "replaced";
/// The setting holding how many start and daily backups to keep.
pub const KEEP_SETTING: &str = "backup_keep";
/// The setting holding how many backups made before an upgrade to keep.
pub const KEEP_MIGRATE_SETTING: &str = "backup_keep_migrate";
/// The setting holding the hours between automatic backups.
pub const INTERVAL_SETTING: &str = "backup_interval_hours";
/// Start and daily backups kept when the setting is absent.
pub const DEFAULT_KEEP: u32 = 10;
/// Backups before an upgrade kept when the setting is absent.
pub const DEFAULT_KEEP_MIGRATE: u32 = 5;
/// Hours between automatic backups when the setting is absent.
pub const DEFAULT_INTERVAL_HOURS: u32 = 24;
/// The largest accepted number of backups kept.
pub const MAX_KEEP: u32 = 1000;
/// The longest accepted interval: a year.
pub const MAX_INTERVAL_HOURS: u32 = 24 * 366;

/// UTC time in backup file names: sortable, no characters Windows refuses.
const NAME_TIME: &str = "%Y%m%d-%H%M%S";
const EXT: &str = "sqlite3";
/// Files up to this size were fully checked when the store opened them;
/// above it, the background check at start reads every page instead.
const CHECKED_AT_OPEN: u64 = 256 * 1024 * 1024;
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

    /// Start and daily copies share one limit; copies before an upgrade have their own.
    fn automatic(self) -> bool {
        !matches!(self, BackupReason::Migrate)
    }
}

/// What the integrity check said about a copy (from its file name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BackupCheck {
    /// `integrity_check` passed on the copy.
    Good,
    /// `integrity_check` found damage in the copy (so, most likely, in the
    /// register it was copied from).
    Damaged,
    /// Made before copies were checked; the restore still checks it.
    Unchecked,
}

impl BackupCheck {
    fn suffix(self) -> &'static str {
        match self {
            BackupCheck::Good => "-good",
            BackupCheck::Damaged => "-damaged",
            BackupCheck::Unchecked => "",
        }
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
    pub check: BackupCheck,
}

/// How the automatic backups are kept (settings of the register).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupSettings {
    /// Start and daily copies kept (1 to `MAX_KEEP`).
    pub keep: u32,
    /// Copies made before an upgrade kept (1 to `MAX_KEEP`).
    pub keep_migrate: u32,
    /// Hours between automatic copies: a start backup is made only when the
    /// newest good automatic copy is older (0: at every start).
    pub interval_hours: u32,
}

impl Default for BackupSettings {
    fn default() -> BackupSettings {
        BackupSettings {
            keep: DEFAULT_KEEP,
            keep_migrate: DEFAULT_KEEP_MIGRATE,
            interval_hours: DEFAULT_INTERVAL_HOURS,
        }
    }
}

impl BackupSettings {
    /// Refuses values out of range, naming the setting.
    pub fn validate(&self) -> Result<()> {
        for (value, key) in [(self.keep, KEEP_SETTING), (self.keep_migrate, KEEP_MIGRATE_SETTING)] {
            if !(1..=MAX_KEEP).contains(&value) {
                return Err(Error::invalid(
                    key,
                    format!("số bản sao lưu giữ lại phải từ 1 đến {MAX_KEEP}"),
                ));
            }
        }
        if self.interval_hours > MAX_INTERVAL_HOURS {
            return Err(Error::invalid(
                INTERVAL_SETTING,
                format!("khoảng cách giữa hai lần sao lưu tự động phải từ 0 đến {MAX_INTERVAL_HOURS} giờ"),
            ));
        }
        Ok(())
    }

    /// From the stored values; a missing or unreadable one takes its default.
    fn from_values(get: impl Fn(&str) -> Option<String>) -> BackupSettings {
        let d = BackupSettings::default();
        let num = |key: &str, range: std::ops::RangeInclusive<u32>, default: u32| {
            get(key)
                .and_then(|v| v.trim().parse::<u32>().ok())
                .filter(|n| range.contains(n))
                .unwrap_or(default)
        };
        BackupSettings {
            keep: num(KEEP_SETTING, 1..=MAX_KEEP, d.keep),
            keep_migrate: num(KEEP_MIGRATE_SETTING, 1..=MAX_KEEP, d.keep_migrate),
            interval_hours: num(INTERVAL_SETTING, 0..=MAX_INTERVAL_HOURS, d.interval_hours),
        }
    }

    /// The settings of the register at `db_path`, read through a read-only
    /// connection of its own (the app's store stays free).
    pub fn read(db_path: &Path) -> Result<BackupSettings> {
        let conn = copy::open_read_only(db_path)?;
        let get = |key: &str| -> Option<String> {
            conn.query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| r.get(0))
                .optional()
                .ok()
                .flatten()
        };
        Ok(BackupSettings::from_values(get))
    }
}

/// What went wrong with an automatic backup, for the banner of the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupAlert {
    pub at: DateTime<Utc>,
    /// The copy could not be made, or was made and found damaged.
    pub damaged: bool,
    /// A complete Vietnamese sentence.
    pub message: String,
    /// The damaged copy, when one was made.
    pub file_name: Option<String>,
}

/// What the window shows about backups on every screen: the last alert not
/// yet dismissed, and whether the register was closed for recovery (a
/// damaged page found by the background check).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupStatus {
    pub alert: Option<BackupAlert>,
    pub recovering: bool,
}

/// The outcome of the automatic backup at start or once a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Automatic {
    /// The copy made, when one was due.
    pub made: Option<BackupInfo>,
    /// A failed or damaged copy, to show in the window.
    pub alert: Option<BackupAlert>,
    /// Damage found in the register itself (the check that follows a
    /// damaged copy, or the background check of a large file at start): the
    /// app opens the recovery screen.
    pub register_damaged: Option<String>,
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

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
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
        let Some(parsed) = parse_name(&name, &prefix) else {
            continue;
        };
        let meta = entry
            .metadata()
            .map_err(|e| io_error("không đọc được bản sao lưu", &entry.path(), e))?;
        if !meta.is_file() {
            continue;
        }
        found.push((
            parsed.seq,
            BackupInfo {
                path: entry.path().display().to_string(),
                file_name: name,
                taken_at: parsed.taken_at,
                size: meta.len(),
                reason: parsed.reason,
                check: parsed.check,
            },
        ));
    }
    found.sort_by(|(sa, a), (sb, b)| (b.taken_at, sb).cmp(&(a.taken_at, sa)));
    Ok(found)
}

/// The newest automatic backup, if any (damaged or not).
pub fn latest(db_path: &Path) -> Result<Option<BackupInfo>> {
    Ok(list(db_path)?.into_iter().next())
}

/// What a backup's file name says.
#[derive(Debug, PartialEq, Eq)]
struct Parsed {
    taken_at: DateTime<Utc>,
    reason: BackupReason,
    seq: u32,
    check: BackupCheck,
}

/// `<prefix>YYYYMMDD-HHMMSS-<reason>[-N][-good|-damaged].sqlite3`.
fn parse_name(name: &str, prefix: &str) -> Option<Parsed> {
    let rest = name.strip_prefix(prefix)?.strip_suffix(&format!(".{EXT}"))?;
    let time = rest.get(..15)?;
    let taken_at = NaiveDateTime::parse_from_str(time, NAME_TIME).ok()?.and_utc();
    let tail = rest.get(15..)?.strip_prefix('-')?;
    let (tail, check) = [BackupCheck::Good, BackupCheck::Damaged]
        .into_iter()
        .find_map(|c| tail.strip_suffix(c.suffix()).map(|t| (t, c)))
        .unwrap_or((tail, BackupCheck::Unchecked));
    let (reason, seq) = match tail.rsplit_once('-') {
        Some((r, n)) => (r, n.parse().ok()?),
        None => (tail, 0),
    };
    Some(Parsed {
        taken_at,
        reason: BackupReason::parse(reason)?,
        seq,
        check,
    })
}

/// A free base name (without mark and extension) for a new automatic backup
/// made now: within one second, a sequence number above every backup of
/// that second keeps the order.
fn new_backup_base(db_path: &Path, reason: BackupReason) -> Result<PathBuf> {
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
        let stem = if n == 0 { base.clone() } else { format!("{base}-{n}") };
        let candidate = dir.join(&stem);
        let free = [BackupCheck::Good, BackupCheck::Damaged, BackupCheck::Unchecked]
            .iter()
            .all(|c| !marked(&candidate, *c).exists());
        if free {
            return Ok(candidate);
        }
        n = n.max(1) + 1;
    }
}

/// `base` with its check mark and extension.
fn marked(base: &Path, check: BackupCheck) -> PathBuf {
    with_suffix(base, &format!("{}.{EXT}", check.suffix()))
}

/// Makes an automatic backup of the register at `db_path` now: copied into
/// a temporary file, checked with `integrity_check`, then renamed with its
/// mark (`-good` or `-damaged`); nothing is pruned here.
fn make_automatic(db_path: &Path, reason: BackupReason, stop: &AtomicBool) -> Result<BackupInfo> {
    let base = new_backup_base(db_path, reason)?;
    let partial = with_suffix(&base, ".partial");
    let made = copy::copy_into(db_path, &partial, stop).and_then(|()| {
        let check = match copy::integrity(&partial)? {
            None => BackupCheck::Good,
            Some(_) => BackupCheck::Damaged,
        };
        let dest = marked(&base, check);
        std::fs::rename(&partial, &dest).map_err(|e| io_error("không ghi được bản sao lưu", &dest, e))?;
        Ok(dest)
    });
    let dest = match made {
        Ok(dest) => dest,
        Err(e) => {
            // Only our own temporary file; never another backup or the register.
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    let name = dest.file_name().unwrap_or_default().to_string_lossy().into_owned();
    list(db_path)?
        .into_iter()
        .find(|b| b.file_name == name)
        .ok_or_else(|| Error::not_found("bản sao lưu", dest.display().to_string()))
}

/// Before `Store::open` upgrades an existing file to a newer schema version:
/// a checked copy of it as it is, then pruning of the older such copies.
pub(crate) fn before_migration(db_path: &Path) -> Result<PathBuf> {
    let made = make_automatic(db_path, BackupReason::Migrate, &AtomicBool::new(false))?;
    prune(db_path, &BackupSettings::read(db_path).unwrap_or_default())?;
    Ok(PathBuf::from(made.path))
}

/// The automatic backup (`Start` when the app opens the register, `Daily`
/// while it runs): made only when due (no good start or daily copy newer
/// than the interval; `Start` with interval 0 always), checked, marked and
/// followed by pruning. A damaged copy is followed by a check of the
/// register itself. At start, when no copy is due, a register too large to
/// be checked when it opened is checked here instead, in the background.
/// Never fails: a failure is the alert of the outcome.
pub fn automatic(db_path: &Path, reason: BackupReason, stop: &AtomicBool) -> Automatic {
    let mut outcome = Automatic {
        made: None,
        alert: None,
        register_damaged: None,
    };
    let failed = |e: &Error| BackupAlert {
        at: Utc::now(),
        damaged: false,
        message: format!("Sao lưu tự động không thành công: {e}"),
        file_name: None,
    };
    let due = match is_due(db_path, reason) {
        Ok(due) => due,
        Err(e) => {
            outcome.alert = Some(failed(&e));
            return outcome;
        }
    };
    if !due {
        let large = std::fs::metadata(db_path).is_ok_and(|m| m.len() > CHECKED_AT_OPEN);
        if reason == BackupReason::Start && large {
            outcome.register_damaged = check_register(db_path);
        }
        return outcome;
    }
    match make_automatic(db_path, reason, stop) {
        Ok(made) => {
            if made.check == BackupCheck::Damaged {
                outcome.alert = Some(BackupAlert {
                    at: Utc::now(),
                    damaged: true,
                    message: format!(
                        "Bản sao lưu tự động {} bị hỏng (kiểm tra toàn vẹn không đạt): tệp dữ liệu có thể đã hỏng. \
                         Bản sao lưu tốt gần nhất vẫn được giữ.",
                        made.file_name
                    ),
                    file_name: Some(made.file_name.clone()),
                });
                outcome.register_damaged = check_register(db_path);
            }
            let settings = BackupSettings::read(db_path).unwrap_or_default();
            if let Err(e) = prune(db_path, &settings) {
                outcome.alert.get_or_insert_with(|| failed(&e));
            }
            outcome.made = Some(made);
        }
        Err(e @ Error::Unreadable { .. }) if !std::path::Path::new(db_path).exists() => {
            outcome.alert = Some(failed(&e));
        }
        Err(e @ Error::Unreadable { .. }) => {
            // The register could not be read while copying: damage only
            // when its own check says so (not a moment when it was busy).
            outcome.register_damaged = check_register(db_path);
            outcome.alert = Some(BackupAlert {
                damaged: outcome.register_damaged.is_some(),
                ..failed(&e)
            });
        }
        Err(e) => outcome.alert = Some(failed(&e)),
    }
    outcome
}

/// Whether an automatic backup is due now.
fn is_due(db_path: &Path, reason: BackupReason) -> Result<bool> {
    let interval = BackupSettings::read(db_path)?.interval_hours;
    if interval == 0 && reason == BackupReason::Start {
        return Ok(true);
    }
    let newest = list(db_path)?
        .into_iter()
        .find(|b| b.reason.automatic() && b.check == BackupCheck::Good);
    let interval = chrono::TimeDelta::hours(i64::from(interval.max(1)));
    Ok(newest.is_none_or(|b| Utc::now() - b.taken_at >= interval))
}

/// `integrity_check` of the register itself (read-only): the problem when
/// it is damaged, `None` when it holds or cannot be read now (a failure to
/// read is not evidence of damage).
pub fn check_register(db_path: &Path) -> Option<String> {
    match copy::integrity(db_path) {
        Ok(Some(problem)) => Some(format!(
            "không mở được tệp dữ liệu {}: kiểm tra toàn vẹn phát hiện trang hỏng ({problem}). \
             Tệp được giữ nguyên, không bị xoá hay ghi đè.",
            db_path.display()
        )),
        _ => None,
    }
}

/// Removes the oldest start and daily backups beyond `keep`, and the oldest
/// backups before an upgrade beyond `keep_migrate`; the newest good backup
/// stays whatever its age. Returns what was removed.
fn prune(db_path: &Path, settings: &BackupSettings) -> Result<Vec<PathBuf>> {
    let all = list(db_path)?;
    let newest_good = all
        .iter()
        .find(|b| b.check == BackupCheck::Good)
        .map(|b| b.file_name.clone());
    let (mut automatic, mut migrate) = (0u32, 0u32);
    let mut removed = Vec::new();
    for b in all {
        let within = if b.reason.automatic() {
            automatic += 1;
            automatic <= settings.keep.max(1)
        } else {
            migrate += 1;
            migrate <= settings.keep_migrate.max(1)
        };
        if within || newest_good.as_deref() == Some(b.file_name.as_str()) {
            continue;
        }
        let path = PathBuf::from(&b.path);
        std::fs::remove_file(&path).map_err(|e| io_error("không xoá được bản sao lưu cũ", &path, e))?;
        removed.push(path);
    }
    Ok(removed)
}

/// A consistent copy of the register at `db_path` into `out` ("back up
/// now"), read through its own connection in steps: the app's store and
/// other commands go on meanwhile. Written to a temporary file beside `out`
/// and renamed, so `out` is never half written. The register itself (or its
/// -wal, -shm, lock file) is refused as the destination.
pub fn backup_file(db_path: &Path, out: &Path, stop: &AtomicBool) -> Result<()> {
    let targets = [
        db_path.to_owned(),
        with_suffix(db_path, "-wal"),
        with_suffix(db_path, "-shm"),
        crate::db::lock::lock_path(db_path),
    ];
    if targets.iter().any(|t| t == out || same_file(t, out)) {
        return Err(Error::invalid(
            "out",
            format!("{} là chính tệp dữ liệu; hãy chọn tệp khác", out.display()),
        ));
    }
    let partial = with_suffix(out, ".partial");
    let result = copy::copy_into(db_path, &partial, stop)
        .and_then(|()| std::fs::rename(&partial, out).map_err(|e| io_error("không ghi được bản sao lưu", out, e)));
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
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
    let version = crate::db::vet_existing(path)?.unwrap_or(0);
    let bad = |reason: String| Error::Unreadable {
        path: path.to_owned(),
        reason,
    };
    if let Some(problem) = copy::integrity(path)? {
        return Err(bad(format!("kiểm tra toàn vẹn thất bại ({problem})")));
    }
    let conn = copy::open_read_only(path)?;
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

/// The automatic backup named `file_name` (as listed) of the database at
/// `db_path`: the app restores only from its own backups folder.
pub fn find(db_path: &Path, file_name: &str) -> Result<BackupInfo> {
    list(db_path)?
        .into_iter()
        .find(|b| b.file_name == file_name)
        .ok_or_else(|| Error::not_found("bản sao lưu", file_name))
}

impl Store {
    /// A consistent copy of this register into `path` ("back up now"),
    /// through a connection of its own; see `backup_file`.
    pub fn backup_to(&self, path: &Path) -> Result<()> {
        backup_file(self.path(), path, &AtomicBool::new(false))
    }

    /// An automatic backup into the backups folder now, whether due or not,
    /// checked and marked, then pruning (for tests and benchmarks; the app
    /// and `giaonhan backup --auto` use `automatic`).
    pub fn auto_backup(&self, reason: BackupReason) -> Result<BackupInfo> {
        let made = make_automatic(self.path(), reason, &AtomicBool::new(false))?;
        prune(self.path(), &self.backup_settings()?)?;
        Ok(made)
    }

    /// Automatic backups of this database, newest first.
    pub fn backups(&self) -> Result<Vec<BackupInfo>> {
        list(self.path())
    }

    /// How the automatic backups are kept; defaults for unset values.
    pub fn backup_settings(&self) -> Result<BackupSettings> {
        self.read(|dao| {
            let mut values = Vec::new();
            for key in [KEEP_SETTING, KEEP_MIGRATE_SETTING, INTERVAL_SETTING] {
                values.push((key, dao.setting(key)?));
            }
            Ok(BackupSettings::from_values(|key| {
                values.iter().find(|(k, _)| *k == key).and_then(|(_, v)| v.clone())
            }))
        })
    }

    /// Sets how the automatic backups are kept (one audit row); the next
    /// automatic backup prunes.
    pub fn set_backup_settings(&mut self, actor: &Actor, settings: &BackupSettings) -> Result<()> {
        settings.validate()?;
        self.write(actor, |dao| {
            for (key, value) in [
                (KEEP_SETTING, settings.keep),
                (KEEP_MIGRATE_SETTING, settings.keep_migrate),
                (INTERVAL_SETTING, settings.interval_hours),
            ] {
                dao.conn.execute(
                    "INSERT INTO setting (key, value) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    rusqlite::params![key, value.to_string()],
                )?;
            }
            dao.log("setting.backup", None, settings)
        })
    }

    /// Records a backup in the audit log (what, by whom, which file), after
    /// the copy succeeded. `what`: `manual` or the reason of an automatic one.
    pub fn log_backup(&mut self, actor: &Actor, what: &str, file: &Path) -> Result<()> {
        let detail = serde_json::json!({
            "file": file.file_name().map(|n| n.to_string_lossy().into_owned()),
            "path": file.display().to_string(),
        });
        self.write(actor, |dao| dao.log(&format!("backup.{what}"), None, &detail))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::SCHEMA_VERSION;
    use crate::model::NewUnit;
    use rusqlite::Connection;

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

    fn no_stop() -> AtomicBool {
        AtomicBool::new(false)
    }

    /// Damage that the quick check at open misses and `integrity_check`
    /// finds: an index whose definition no longer matches its entries (the
    /// backup API copies it page for page).
    fn damage_an_index(db: &Path) {
        let conn = Connection::open(db).expect("raw open");
        conn.execute_batch(
            "CREATE INDEX damage_probe ON audit_log (action);
             PRAGMA writable_schema = ON;
             UPDATE sqlite_schema SET sql = 'CREATE INDEX damage_probe ON audit_log (actor)'
              WHERE name = 'damage_probe';
             PRAGMA writable_schema = OFF;",
        )
        .expect("damage an index");
    }

    /// An automatic backup file named as made at `time` (`YYYYMMDD-HHMMSS`).
    fn backdate(made: &BackupInfo, db: &Path, time: &str) -> PathBuf {
        let name = made
            .file_name
            .replacen(&made.taken_at.format(NAME_TIME).to_string(), time, 1);
        let to = backup_dir(db).join(name);
        std::fs::rename(&made.path, &to).expect("rename");
        to
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
        assert!(!with_suffix(&out, ".partial").exists(), "no temporary file left");
        check_backup(&out).expect("the copy passes the restore check");
        let copy = Store::open(&out).expect("open the copy");
        assert_eq!(codes(&copy), ["CB1"]);
        for target in [db.clone(), with_suffix(&db, "-wal")] {
            let err = store.backup_to(&target).expect_err("not onto the database itself");
            assert!(err.to_string().contains("chính tệp dữ liệu"), "{err}");
        }
    }

    #[test]
    fn a_manual_backup_copies_in_steps_while_the_store_keeps_writing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("db.sqlite3");
        let mut store = Store::open(&db).expect("open");
        for i in 0..300 {
            store.add_unit(&actor(), unit(&format!("CB{i:03}"))).expect("unit");
        }
        let out = dir.path().join("ban-sao.sqlite3");
        std::thread::scope(|s| {
            let copying = s.spawn(|| backup_file(&db, &out, &no_stop()));
            // The store is not held by the copy: it writes meanwhile.
            for i in 0..20 {
                store
                    .add_unit(&actor(), unit(&format!("MOI{i:02}")))
                    .expect("write during the copy");
            }
            copying.join().expect("thread").expect("copy");
        });
        let copy = Store::open(&out).expect("open the copy");
        let copied = codes(&copy);
        assert!(copied.len() >= 300, "a consistent snapshot: {}", copied.len());
        copy.verify().expect("the copy's log is whole");
        // A stop request abandons a copy and leaves nothing behind.
        let stopped = dir.path().join("dung.sqlite3");
        let err = backup_file(&db, &stopped, &AtomicBool::new(true)).expect_err("stopped");
        assert!(err.to_string().contains("đã dừng"), "{err}");
        assert!(!stopped.exists() && !with_suffix(&stopped, ".partial").exists());
    }

    #[test]
    fn automatic_backups_are_checked_marked_listed_and_pruned_by_kind() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("sogiaonhan.sqlite3");
        let mut store = Store::open(&db).expect("open");
        assert_eq!(store.backup_settings().expect("settings"), BackupSettings::default());
        let settings = BackupSettings {
            keep: 3,
            keep_migrate: 2,
            interval_hours: 0,
        };
        store.set_backup_settings(&actor(), &settings).expect("set");
        assert_eq!(BackupSettings::read(&db).expect("read"), settings);
        for bad in [
            BackupSettings { keep: 0, ..settings },
            BackupSettings {
                keep_migrate: MAX_KEEP + 1,
                ..settings
            },
            BackupSettings {
                interval_hours: MAX_INTERVAL_HOURS + 1,
                ..settings
            },
        ] {
            assert!(matches!(
                store.set_backup_settings(&actor(), &bad),
                Err(Error::Invalid { .. })
            ));
        }
        let first = store.auto_backup(BackupReason::Start).expect("backup");
        assert!(first.file_name.starts_with("sogiaonhan-"), "{}", first.file_name);
        assert!(first.file_name.ends_with("-start-good.sqlite3"), "{}", first.file_name);
        assert_eq!(first.check, BackupCheck::Good);
        assert!(first.size > 0);
        assert_eq!(parent_of(Path::new(&first.path)), backup_dir(&db));
        let migrates: Vec<PathBuf> = (0..3).map(|_| before_migration(&db).expect("migrate backup")).collect();
        for _ in 0..5 {
            store.auto_backup(BackupReason::Daily).expect("backup");
        }
        let all = store.backups().expect("list");
        assert_eq!(all.iter().filter(|b| b.reason.automatic()).count(), 3, "{all:?}");
        assert_eq!(all.iter().filter(|b| !b.reason.automatic()).count(), 2, "{all:?}");
        assert!(
            !migrates[0].exists() && migrates[2].exists(),
            "the oldest upgrade copy went"
        );
        assert!(!Path::new(&first.path).exists(), "the oldest was pruned");
        assert!(all.iter().all(|b| b.check == BackupCheck::Good));
        // Newest first.
        assert!(all.windows(2).all(|w| w[0].taken_at >= w[1].taken_at));
    }

    #[test]
    fn a_start_backup_is_made_only_when_the_newest_good_one_is_older_than_the_interval() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("db.sqlite3");
        let mut store = Store::open(&db).expect("open");
        store.add_unit(&actor(), unit("CB1")).expect("unit");
        let first = automatic(&db, BackupReason::Start, &no_stop());
        assert_eq!(first.alert, None);
        let made = first.made.expect("none yet: made");
        assert_eq!((made.reason, made.check), (BackupReason::Start, BackupCheck::Good));
        // Ten more starts within the day: no copy, nothing pushed out.
        for _ in 0..10 {
            let again = automatic(&db, BackupReason::Start, &no_stop());
            assert_eq!((again.made, again.alert), (None, None));
        }
        assert_eq!(list(&db).expect("list"), std::slice::from_ref(&made));
        // A day old (by its name): due again.
        backdate(&made, &db, "20200101-000000");
        let due = automatic(&db, BackupReason::Daily, &no_stop());
        assert_eq!(due.made.expect("due").reason, BackupReason::Daily);
        // Interval 0: a copy at every start.
        store
            .set_backup_settings(
                &actor(),
                &BackupSettings {
                    interval_hours: 0,
                    ..BackupSettings::default()
                },
            )
            .expect("set");
        assert!(automatic(&db, BackupReason::Start, &no_stop()).made.is_some());
    }

    #[test]
    fn a_damaged_copy_is_marked_and_pruning_keeps_the_newest_good_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("db.sqlite3");
        let good = {
            let mut store = Store::open(&db).expect("open");
            store.add_unit(&actor(), unit("CB1")).expect("unit");
            store
                .set_backup_settings(
                    &actor(),
                    &BackupSettings {
                        keep: 2,
                        keep_migrate: 1,
                        interval_hours: 0,
                    },
                )
                .expect("set");
            automatic(&db, BackupReason::Start, &no_stop()).made.expect("made")
        };
        damage_an_index(&db);
        drop(Store::open(&db).expect("the quick check at open misses it"));
        for _ in 0..4 {
            let outcome = automatic(&db, BackupReason::Start, &no_stop());
            let made = outcome.made.expect("made");
            assert_eq!(made.check, BackupCheck::Damaged, "{}", made.file_name);
            assert!(made.file_name.ends_with("-damaged.sqlite3"), "{}", made.file_name);
            let alert = outcome.alert.expect("an alert");
            assert!(
                alert.damaged && alert.message.contains(&made.file_name),
                "{}",
                alert.message
            );
            let problem = outcome.register_damaged.expect("the register is checked too");
            assert!(
                problem.contains("trang hỏng") && problem.contains(&*db.display().to_string()),
                "{problem}"
            );
        }
        let all = list(&db).expect("list");
        assert_eq!(
            all.len(),
            3,
            "two damaged within the limit, and the newest good: {all:?}"
        );
        assert_eq!(all[2], good, "the good copy outlived the limit");
        assert_eq!(latest_good(&db).expect("latest good"), Some(good.clone()));
        check_backup(Path::new(&all[0].path)).expect_err("a damaged copy is not restored");
        // A damaged register is not "due-satisfied" by damaged copies: each
        // start tries again, and the good copy is what recovery offers.
        assert!(matches!(open_or_recover(&db).expect("open"), Opened::Open(_)));
    }

    #[test]
    fn a_copy_that_fails_is_an_alert_and_leaves_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("db.sqlite3");
        drop(Store::open(&db).expect("open"));
        // A file where the backups folder should be: the copy cannot be made.
        std::fs::write(backup_dir(&db), b"not a folder").expect("write");
        let outcome = automatic(&db, BackupReason::Start, &no_stop());
        assert_eq!(outcome.made, None);
        let alert = outcome.alert.expect("an alert");
        assert!(
            !alert.damaged && alert.message.contains("không thành công"),
            "{}",
            alert.message
        );
        assert_eq!(outcome.register_damaged, None);
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
        let made = automatic(&db, BackupReason::Start, &no_stop()).made.expect("made");
        store.add_unit(&actor(), unit("CB2")).expect("the store still writes");
        let found = find(&db, &made.file_name).expect("found");
        assert_eq!(found, made);
        assert!(matches!(find(&db, "../db.sqlite3"), Err(Error::NotFound { .. })));
        assert_eq!(codes(&Store::open(Path::new(&found.path)).expect("open")), ["CB1"]);
        let rec = recovery(&db, "hỏng").expect("recovery");
        assert_eq!(rec.backups, [made]);
        assert!(!rec.missing);
    }

    #[test]
    fn names_parse_back() {
        let p = parse_name("x-20261128-130501-start.sqlite3", "x-").expect("parse");
        assert_eq!(
            p.taken_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            "2026-11-28 13:05:01"
        );
        assert_eq!(
            (p.reason, p.seq, p.check),
            (BackupReason::Start, 0, BackupCheck::Unchecked)
        );
        assert_eq!(
            parse_name("x-20261128-130501-daily-3.sqlite3", "x-").map(|p| (p.reason, p.seq, p.check)),
            Some((BackupReason::Daily, 3, BackupCheck::Unchecked))
        );
        assert_eq!(
            parse_name("x-20261128-130501-daily-3-damaged.sqlite3", "x-").map(|p| (p.reason, p.seq, p.check)),
            Some((BackupReason::Daily, 3, BackupCheck::Damaged))
        );
        assert_eq!(
            parse_name("x-20261128-130501-migrate-good.sqlite3", "x-").map(|p| (p.reason, p.seq, p.check)),
            Some((BackupReason::Migrate, 0, BackupCheck::Good))
        );
        assert_eq!(parse_name("x-20261128-130501-other.sqlite3", "x-"), None);
        assert_eq!(parse_name("x-20261128-130501-start.sqlite3.partial", "x-"), None);
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
        assert!(restored.replaced_head.is_some());
    }

    #[test]
    fn a_restore_is_logged_in_the_restored_register_with_the_replaced_head() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("db.sqlite3");
        let backup = dir.path().join("ban-sao.sqlite3");
        let head = {
            let mut store = Store::open(&db).expect("open");
            store.add_unit(&actor(), unit("CB1")).expect("unit");
            store.backup_to(&backup).expect("backup");
            store.add_unit(&actor(), unit("CB2")).expect("unit");
            store
                .connection()
                .query_row("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", [], |r| {
                    Ok(Head {
                        id: r.get(0)?,
                        hash: r.get(1)?,
                    })
                })
                .expect("head")
        };
        let (restored, store) = restore_and_log(&db, &backup, &Actor::new("quantri", "app")).expect("restore");
        assert_eq!(restored.replaced_head.as_ref(), Some(&head));
        let (actor, action, detail): (String, String, String) = store
            .connection()
            .query_row(
                "SELECT actor, action, detail FROM audit_log ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("the last row");
        assert_eq!((actor.as_str(), action.as_str()), ("quantri", "backup.restore"));
        assert!(
            detail.contains("ban-sao.sqlite3") && detail.contains(&head.hash),
            "{detail}"
        );
        assert!(detail.contains(&format!("\"id\":{}", head.id)), "{detail}");
        store.verify().expect("the chain holds after the entry");
        assert_eq!(codes(&store), ["CB1"]);
    }

    #[test]
    fn a_restore_waits_for_nobody_and_moves_nothing_while_the_register_is_open() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("db.sqlite3");
        let backup = dir.path().join("ban-sao.sqlite3");
        let store = Store::open(&db).expect("open");
        store.backup_to(&backup).expect("backup");
        let listing = || {
            let mut names: Vec<String> = std::fs::read_dir(dir.path())
                .expect("read dir")
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        let before = listing();
        // A store (this process or another) holds the lock file shared.
        let err = restore(&db, &backup).expect_err("refused while a store is open");
        assert!(matches!(err, Error::InUse { .. }), "{err}");
        assert!(err.to_string().contains("đang được mở"), "{err}");
        assert_eq!(listing(), before, "nothing moved");
        drop(store);
        // A program that knows nothing of the lock file, with a plain SQLite
        // connection: SQLite's own lock tells.
        let other = Connection::open(&db).expect("plain connection");
        other
            .query_row("SELECT count(*) FROM unit", [], |r| r.get::<_, i64>(0))
            .expect("read");
        let err = restore(&db, &backup).expect_err("refused while SQLite has it open");
        assert!(matches!(err, Error::InUse { .. }), "{err}");
        assert!(!dir.path().join(REPLACED_DIR).exists(), "nothing moved");
        drop(other);
        restore(&db, &backup).expect("alone now");
    }

    #[test]
    fn a_failed_final_rename_puts_the_replaced_file_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("db.sqlite3");
        let backup = dir.path().join("ban-sao.sqlite3");
        {
            let mut store = Store::open(&db).expect("open");
            store.backup_to(&backup).expect("backup");
            store.add_unit(&actor(), unit("CB2")).expect("unit");
        }
        restore::FAIL_FINAL_RENAME.with(|f| f.set(true));
        let err = restore(&db, &backup).expect_err("the rename fails");
        restore::FAIL_FINAL_RENAME.with(|f| f.set(false));
        assert!(err.to_string().contains("không đặt được dữ liệu khôi phục"), "{err}");
        assert_eq!(codes(&Store::open(&db).expect("the old file is back")), ["CB2"]);
        assert!(!with_suffix(&db, ".restoring").exists());
        let replaced: Vec<_> = std::fs::read_dir(dir.path().join(REPLACED_DIR))
            .expect("folder")
            .collect();
        assert!(replaced.is_empty(), "nothing left aside: {replaced:?}");
    }

    #[test]
    fn a_missing_register_with_backups_opens_recovery_never_an_empty_register() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("db.sqlite3");
        assert!(matches!(open_or_recover(&db).expect("first start"), Opened::Open(_)));
        let made = automatic(&db, BackupReason::Start, &no_stop()).made.expect("made");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(with_suffix(&db, suffix));
        }
        match open_or_recover(&db).expect("recovery") {
            Opened::Recovering(rec) => {
                assert!(rec.missing);
                assert!(rec.problem.contains("Không tìm thấy tệp dữ liệu"), "{}", rec.problem);
                assert_eq!(rec.backups, std::slice::from_ref(&made));
            }
            Opened::Open(_) => panic!("a new empty register was opened"),
        }
        assert!(!db.exists(), "nothing created");
        let (restored, store) =
            restore_and_log(&db, Path::new(&made.path), &actor()).expect("restore into the missing place");
        assert_eq!((restored.replaced, restored.replaced_head), (None, None));
        store.verify().expect("log");
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
            tx.execute_batch(crate::db::schema::STEPS[0]).expect("step 1");
            tx.pragma_update(None, "user_version", 1).expect("version");
            tx.commit().expect("commit");
        }
        let before = std::fs::read(&old).expect("read");
        drop(Store::open(&old).expect("upgrade"));
        let backups = list(&old).expect("list");
        assert_eq!(backups.len(), 1, "{backups:?}");
        assert_eq!(backups[0].reason, BackupReason::Migrate);
        let conn = copy::open_read_only(Path::new(&backups[0].path)).expect("open");
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

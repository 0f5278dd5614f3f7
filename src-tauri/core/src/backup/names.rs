//! The automatic backups as files: their names
//! (`<stem>-YYYYMMDD-HHMMSS-<reason>[-N][-good|-damaged].sqlite3`, UTC), the
//! listing of the backups folder newest first, and a free name for a new
//! copy.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};

use super::{backup_dir, BackupCheck, BackupInfo, BackupReason};
use crate::error::{Error, Result};
use crate::files::with_suffix;

/// UTC time in backup file names: sortable, no characters Windows refuses.
pub(super) const NAME_TIME: &str = "%Y%m%d-%H%M%S";
/// The extension of a backup (and of the register).
pub(super) const EXT: &str = "sqlite3";

/// The database file's name without extension: the prefix of its backups.
pub(super) fn stem_of(db_path: &Path) -> String {
    db_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "sogiaonhan".to_owned())
}

/// Automatic backups of the database at `db_path`, newest first. A missing
/// folder means none; files that do not follow the naming are ignored.
pub fn list(db_path: &Path) -> Result<Vec<BackupInfo>> {
    Ok(scan(db_path)?.into_iter().map(|(_, b)| b).collect())
}

/// The newest automatic backup, if any (damaged or not).
pub fn latest(db_path: &Path) -> Result<Option<BackupInfo>> {
    Ok(list(db_path)?.into_iter().next())
}

/// The newest automatic backup not marked damaged (checked good, or made
/// before backups were checked), if any.
pub fn latest_good(db_path: &Path) -> Result<Option<BackupInfo>> {
    Ok(list(db_path)?.into_iter().find(|b| b.check != BackupCheck::Damaged))
}

/// The automatic backup named `file_name` (as listed) of the database at
/// `db_path`: the app restores only from its own backups folder.
pub fn find(db_path: &Path, file_name: &str) -> Result<BackupInfo> {
    list(db_path)?
        .into_iter()
        .find(|b| b.file_name == file_name)
        .ok_or_else(|| Error::not_found("bản sao lưu", file_name))
}

/// The backups with their sequence number within their second, newest first.
fn scan(db_path: &Path) -> Result<Vec<(u32, BackupInfo)>> {
    let dir = backup_dir(db_path);
    let unreadable = |e| Error::file("không đọc được thư mục sao lưu", &dir, e);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(unreadable(e)),
    };
    let prefix = format!("{}-", stem_of(db_path));
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(unreadable)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(parsed) = parse_name(&name, &prefix) else {
            continue;
        };
        let meta = entry
            .metadata()
            .map_err(|e| Error::file("không đọc được bản sao lưu", &entry.path(), e))?;
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

/// What a backup's file name says.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Parsed {
    pub taken_at: DateTime<Utc>,
    pub reason: BackupReason,
    pub seq: u32,
    pub check: BackupCheck,
}

/// `<prefix>YYYYMMDD-HHMMSS-<reason>[-N][-good|-damaged].sqlite3`.
pub(super) fn parse_name(name: &str, prefix: &str) -> Option<Parsed> {
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
pub(super) fn new_backup_base(db_path: &Path, reason: BackupReason) -> Result<PathBuf> {
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
pub(super) fn marked(base: &Path, check: BackupCheck) -> PathBuf {
    with_suffix(base, &format!("{}.{EXT}", check.suffix()))
}

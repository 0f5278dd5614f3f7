//! Making backups: the automatic ones (at start and daily when due, and
//! before an upgrade), each checked and marked, then pruning; "back up now"
//! into a file of the user's choosing; and the check of the register itself
//! that follows a damaged copy. Never a half-written file: every copy goes
//! to a temporary name first.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use chrono::Utc;

use super::names::{list, marked, new_backup_base};
use super::{Automatic, BackupAlert, BackupCheck, BackupInfo, BackupReason, BackupSettings};
use crate::db::backup::{copy_into, integrity, FULL_CHECK_LIMIT};
use crate::db::{lock, Actor, Store};
use crate::error::{Error, Result};
use crate::files::{same_file, with_suffix};

/// Makes an automatic backup of the register at `db_path` now: copied into
/// a temporary file, checked with `integrity_check`, then renamed with its
/// mark (`-good` or `-damaged`); nothing is pruned here.
fn make_automatic(
    db_path: &Path,
    reason: BackupReason,
    stop: &AtomicBool,
    copied: &mut dyn FnMut(u8),
) -> Result<BackupInfo> {
    let base = new_backup_base(db_path, reason)?;
    let partial = with_suffix(&base, ".partial");
    let made = copy_into(db_path, &partial, stop, copied).and_then(|()| {
        let check = match integrity(&partial)? {
            None => BackupCheck::Good,
            Some(_) => BackupCheck::Damaged,
        };
        let dest = marked(&base, check);
        std::fs::rename(&partial, &dest).map_err(|e| Error::file("không ghi được bản sao lưu", &dest, e))?;
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
/// a checked copy of it as it is (`copied` told how far the copy is, in
/// percent), then pruning of the older such copies.
pub(super) fn before_migration(db_path: &Path, copied: &mut dyn FnMut(u8)) -> Result<PathBuf> {
    let made = make_automatic(db_path, BackupReason::Migrate, &AtomicBool::new(false), copied)?;
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
        // Files up to this size were fully checked when the store opened
        // them; above it, this background check reads every page instead.
        let large = std::fs::metadata(db_path).is_ok_and(|m| m.len() > FULL_CHECK_LIMIT);
        if reason == BackupReason::Start && large {
            outcome.register_damaged = check_register(db_path);
        }
        return outcome;
    }
    match make_automatic(db_path, reason, stop, &mut |_| ()) {
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
        Err(e @ Error::Unreadable { .. }) if !db_path.exists() => {
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
    match integrity(db_path) {
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
        std::fs::remove_file(&path).map_err(|e| Error::file("không xoá được bản sao lưu cũ", &path, e))?;
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
        lock::lock_path(db_path),
    ];
    if targets.iter().any(|t| t == out || same_file(t, out)) {
        return Err(Error::invalid(
            "out",
            format!("{} là chính tệp dữ liệu; hãy chọn tệp khác", out.display()),
        ));
    }
    let partial = with_suffix(out, ".partial");
    let result = copy_into(db_path, &partial, stop, &mut |_| ())
        .and_then(|()| std::fs::rename(&partial, out).map_err(|e| Error::file("không ghi được bản sao lưu", out, e)));
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
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
        let made = make_automatic(self.path(), reason, &AtomicBool::new(false), &mut |_| ())?;
        prune(self.path(), &self.backup_settings()?)?;
        Ok(made)
    }

    /// Automatic backups of this database, newest first.
    pub fn backups(&self) -> Result<Vec<BackupInfo>> {
        list(self.path())
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

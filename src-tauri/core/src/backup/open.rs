//! Opening the register, where the store meets the backups: `Store::open`
//! is the store's opening in phases (`Store::open_with`) with a checked
//! copy of the file made before an upgrade; and what the app opens when the
//! register cannot be used — the recovery screen with the backups on offer,
//! never a new empty register in place of a missing one.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::automatic::before_migration;
use super::names::list;
use super::BackupInfo;
use crate::db::Store;
use crate::error::{Error, Result};

impl Store {
    /// Opens (or creates) the database at `path` (see `Store::open_with`
    /// for the phases); a file written by an older version is first copied,
    /// checked, into the backups folder, then upgraded.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, |old| before_migration(old, &mut |_| ()).map(drop))
    }

    /// Opens the database at `path` only when the file exists: a missing
    /// file is refused (`Error::Missing`) and nothing is created, not even
    /// its folder. Every command but `giaonhan init` opens this way, so a
    /// register moved or deleted is never silently replaced by an empty one.
    pub fn open_existing(path: &Path) -> Result<Store> {
        match std::fs::symlink_metadata(path) {
            Ok(_) => Store::open(path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::Missing { path: path.to_owned() }),
            Err(e) => Err(Error::file("không đọc được tệp dữ liệu", path, e)),
        }
    }
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

/// A register from an older version being upgraded before it opens: the
/// window says so while it waits (a province's ten years take minutes once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Upgrading {
    pub db_path: String,
    /// The schema version of the file as found.
    pub from_version: u32,
    /// The schema version of this app, which the file is upgraded to.
    pub to_version: u32,
    pub step: UpgradeStep,
    /// How much of the register its backup has copied, in percent, during
    /// the backup step (`None` before the copy begins and after it).
    pub backup_percent: Option<u8>,
    /// Whole seconds since the upgrade began.
    pub seconds: u32,
}

/// Where an upgrade is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum UpgradeStep {
    /// The file as it is copied into the backups folder and checked.
    Backup,
    /// The schema upgraded in one transaction, then the file compacted.
    Upgrade,
}

/// The schema version of the register at `db_path` when opening it would
/// upgrade it (a file written by an older version); `None` for a current,
/// new, missing or unreadable file (opening it says what it is).
pub fn upgrade_pending(db_path: &Path) -> Option<u32> {
    crate::db::backup::stored_version(db_path)
        .filter(|found| (1..crate::db::SCHEMA_VERSION).contains(found))
        .and_then(|found| u32::try_from(found).ok())
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
    open_or_recover_telling(db_path, |_, _| ())
}

/// As [`open_or_recover`], telling `tell` where an upgrade of an older file
/// is: its backup made first (with the share of the file copied, in
/// percent, as it grows), then the upgrade itself.
pub fn open_or_recover_telling(db_path: &Path, mut tell: impl FnMut(UpgradeStep, Option<u8>)) -> Result<Opened> {
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
    let opened = Store::open_with(db_path, |old| {
        tell(UpgradeStep::Backup, None);
        before_migration(old, &mut |percent| tell(UpgradeStep::Backup, Some(percent)))?;
        tell(UpgradeStep::Upgrade, None);
        Ok(())
    });
    match opened {
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

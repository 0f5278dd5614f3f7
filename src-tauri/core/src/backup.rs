//! Backups that cannot rot: the policy of when, where and what to copy and
//! to restore, above the store. Automatic backups live in a `backups` folder
//! beside the database file, named
//! `<stem>-YYYYMMDD-HHMMSS-<reason>[-N]-<good|damaged>.sqlite3` (UTC, so names
//! sort by time; `names`): at start and daily while the app runs (only when
//! the newest good automatic copy is older than the interval, a day by
//! default), and before any schema upgrade (`open`: `Store::open` makes it).
//! Every automatic copy is checked with `PRAGMA integrity_check` before it
//! gets its name, so the mark travels with the file; copies made before
//! checks existed show as unchecked (`automatic`).
//!
//! Pruning keeps the last `backup_keep` start and daily copies and, apart,
//! the last `backup_keep_migrate` copies made before an upgrade, and never
//! deletes the newest good copy of any kind (`settings`, `automatic`). Every
//! copy (automatic or "back up now") reads through a connection of its own
//! in steps, after checking the disk has room (`db::backup` does the
//! copying). Restore is in `restore`; what to open when the register cannot
//! be used, in `open`.

mod automatic;
mod names;
mod open;
mod restore;
mod settings;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::files::{backup_dir, BACKUP_DIR, REPLACED_DIR};
pub use automatic::{automatic, backup_file, check_register};
pub use names::{find, latest, latest_good, list};
pub use open::{
    missing_problem, open_or_recover, open_or_recover_telling, recovery, upgrade_pending, Opened, Recovery,
    UpgradeStep, Upgrading,
};
pub use restore::{check_backup, restore, restore_and_log, Head, Restored};
pub use settings::{
    BackupSettings, DEFAULT_INTERVAL_HOURS, DEFAULT_KEEP, DEFAULT_KEEP_MIGRATE, INTERVAL_SETTING, KEEP_MIGRATE_SETTING,
    KEEP_SETTING, MAX_INTERVAL_HOURS, MAX_KEEP,
};

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

#[cfg(test)]
mod tests;

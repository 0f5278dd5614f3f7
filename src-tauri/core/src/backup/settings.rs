//! How the automatic backups are kept: how many of each kind, and how often
//! they are made; settings of the register, read through the store or,
//! while the store is busy or closed, through a read-only connection of
//! their own.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::{Actor, Store};
use crate::error::{Error, Result};

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

/// The settings, in the order `from_values` reads them.
const KEYS: [&str; 3] = [KEEP_SETTING, KEEP_MIGRATE_SETTING, INTERVAL_SETTING];

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

    /// From the stored values of [`KEYS`]; a missing or unreadable one takes
    /// its default.
    fn from_values(values: &[Option<String>]) -> BackupSettings {
        let d = BackupSettings::default();
        let num = |i: usize, range: std::ops::RangeInclusive<u32>, default: u32| {
            values
                .get(i)
                .and_then(Option::as_deref)
                .and_then(|v| v.trim().parse::<u32>().ok())
                .filter(|n| range.contains(n))
                .unwrap_or(default)
        };
        BackupSettings {
            keep: num(0, 1..=MAX_KEEP, d.keep),
            keep_migrate: num(1, 1..=MAX_KEEP, d.keep_migrate),
            interval_hours: num(2, 0..=MAX_INTERVAL_HOURS, d.interval_hours),
        }
    }

    /// The settings of the register at `db_path`, read through a read-only
    /// connection of its own (the app's store stays free).
    pub fn read(db_path: &Path) -> Result<BackupSettings> {
        let values = crate::db::backup::settings_in_file(db_path, &KEYS)?;
        Ok(BackupSettings::from_values(&values))
    }
}

impl Store {
    /// How the automatic backups are kept; defaults for unset values.
    pub fn backup_settings(&self) -> Result<BackupSettings> {
        self.read(|dao| {
            let values = KEYS.iter().map(|key| dao.setting(key)).collect::<Result<Vec<_>>>()?;
            Ok(BackupSettings::from_values(&values))
        })
    }

    /// Sets how the automatic backups are kept (one audit row); the next
    /// automatic backup prunes.
    pub fn set_backup_settings(&mut self, actor: &Actor, settings: &BackupSettings) -> Result<()> {
        settings.validate()?;
        self.write(actor, |dao| {
            for (key, value) in KEYS
                .iter()
                .zip([settings.keep, settings.keep_migrate, settings.interval_hours])
            {
                dao.set_setting(key, &value.to_string())?;
            }
            dao.log("setting.backup", None, settings)
        })
    }
}

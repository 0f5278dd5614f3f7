//! A register from an older version, upgraded before it opens while the
//! window says so (a province's ten years take minutes, once): the host is
//! made without a store (`Host::upgrading`), a thread makes the backup and
//! the upgrade (`finish_upgrade`), the window asks how far it is
//! (`upgrade_status`, never waits), and every request for the store waits
//! for it (`wait_upgraded`).

use std::path::PathBuf;
use std::time::Instant;

use super::{poisoned, warn, Host};
use crate::backup::{self, Opened, UpgradeStep, Upgrading};
use crate::error::Result;

/// An upgrade under way, for `Host::upgrade_status`.
pub(super) struct Upgrade {
    from: u32,
    step: UpgradeStep,
    backup_percent: Option<u8>,
    began: Instant,
}

impl Host {
    /// The register at `db_path` was written by an older version (schema
    /// `from`): it is upgraded by [`Host::finish_upgrade`], on a thread of
    /// its own while the window says so; requests for the store wait for it.
    pub fn upgrading(db_path: PathBuf, from: u32) -> Host {
        let upgrade = Upgrade {
            from,
            step: UpgradeStep::Backup,
            backup_percent: None,
            began: Instant::now(),
        };
        Host::with_slot(db_path, None, None, Some(upgrade))
    }

    /// Upgrades and opens the register of a host made by [`Host::upgrading`]
    /// (its backup first, then the upgrade): the store when it opens, else
    /// the recovery screen with the reason; then the requests waiting for
    /// the store go on.
    pub fn finish_upgrade(&self) -> Result<()> {
        let opened = backup::open_or_recover_telling(&self.db_path, |step, percent| {
            if let Ok(mut upgrade) = self.upgrade.0.lock() {
                if let Some(u) = upgrade.as_mut() {
                    u.step = step;
                    u.backup_percent = percent;
                }
            }
        });
        {
            let mut slot = self.store.lock().map_err(poisoned)?;
            let mut problem = self.problem.lock().map_err(poisoned)?;
            match opened {
                Ok(Opened::Open(store)) => *slot = Some(store),
                Ok(Opened::Recovering(rec)) => *problem = Some(rec.problem),
                Err(e) => *problem = Some(format!("Không nâng cấp được sổ lên phiên bản này: {e}")),
            }
            if let Some(problem) = problem.as_ref() {
                warn(problem);
            }
        }
        let (upgrade, done) = &self.upgrade;
        *upgrade.lock().map_err(poisoned)? = None;
        done.notify_all();
        Ok(())
    }

    /// The upgrade under way before the register opens; `None` when there
    /// is none (the register is open, or in recovery).
    pub fn upgrade_status(&self) -> Result<Option<Upgrading>> {
        let upgrade = self.upgrade.0.lock().map_err(poisoned)?;
        Ok(upgrade.as_ref().map(|u| Upgrading {
            db_path: self.db_path.display().to_string(),
            from_version: u.from,
            to_version: u32::try_from(crate::db::SCHEMA_VERSION).unwrap_or(u32::MAX),
            step: u.step,
            backup_percent: u.backup_percent,
            seconds: u32::try_from(u.began.elapsed().as_secs()).unwrap_or(u32::MAX),
        }))
    }

    /// Waits while an upgrade runs before the register opens.
    pub fn wait_upgraded(&self) -> Result<()> {
        let (upgrade, done) = &self.upgrade;
        let guard = upgrade.lock().map_err(poisoned)?;
        drop(done.wait_while(guard, |u| u.is_some()).map_err(poisoned)?);
        Ok(())
    }
}

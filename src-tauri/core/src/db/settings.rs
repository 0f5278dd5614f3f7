//! The `setting` table: one key, one text value (letterhead lines, tiers,
//! backup limits, …). Domain modules read and write their settings here.

use rusqlite::OptionalExtension;

use super::Dao;
use crate::error::Result;

impl Dao<'_> {
    /// Reads a setting, `None` when unset.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Writes a setting (and logs the change with `detail`).
    pub(crate) fn put_setting(&self, key: &str, value: &str, detail: &impl serde::Serialize) -> Result<()> {
        self.set_setting(key, value)?;
        self.log(&format!("setting.{key}"), None, detail)
    }

    /// Writes a setting without logging it: for a change of several
    /// settings that the caller logs as one row.
    pub(crate) fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            rusqlite::params![key, value],
        )?;
        Ok(())
    }
}

//! The `account` table: accounts read by username, added, disabled and
//! enabled, their password and PIN hashes, the counters and locks of wrong
//! tries; and the units a secretary's account covers (their own unit and
//! the units merged into it). The rules — who may do what, how many tries,
//! hashing — are in `crate::accounts` and `crate::access`.

use rusqlite::{params, OptionalExtension, Row};

use super::Dao;
use crate::error::Result;

/// An account as stored. `role` is the stored text: `crate::accounts`
/// reads it, and refuses a value it does not know.
pub(crate) struct AccountRow {
    pub id: i64,
    pub uid: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// The code of a secretary's unit.
    pub unit_code: Option<String>,
    pub disabled: bool,
    pub password_hash: String,
    pub pin_hash: Option<String>,
    pub failed_pins: i64,
    pub pin_locked_until: Option<String>,
    pub failed_logins: i64,
    pub login_locked_until: Option<String>,
}

/// A new account's row.
pub(crate) struct NewAccountRow<'a> {
    pub uid: &'a str,
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
    pub unit_id: Option<i64>,
    pub password_hash: &'a str,
    pub pin_hash: Option<&'a str>,
    pub created_at: &'a str,
}

/// The counter and lock of wrong passwords (`Login`) or of wrong PINs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tries {
    Login,
    Pin,
}

const COLUMNS: &str = "a.id, a.uid, a.username, a.display_name, a.role, u.code AS unit_code, a.disabled,
     a.password_hash, a.pin_hash, a.failed_pins, a.pin_locked_until, a.failed_logins, a.login_locked_until";

fn from_row(r: &Row<'_>) -> rusqlite::Result<AccountRow> {
    Ok(AccountRow {
        id: r.get("id")?,
        uid: r.get("uid")?,
        username: r.get("username")?,
        display_name: r.get("display_name")?,
        role: r.get("role")?,
        unit_code: r.get("unit_code")?,
        disabled: r.get("disabled")?,
        password_hash: r.get("password_hash")?,
        pin_hash: r.get("pin_hash")?,
        failed_pins: r.get("failed_pins")?,
        pin_locked_until: r.get("pin_locked_until")?,
        failed_logins: r.get("failed_logins")?,
        login_locked_until: r.get("login_locked_until")?,
    })
}

impl Dao<'_> {
    /// The account with this username (as stored: trimmed, lower case).
    pub(crate) fn account_by_username(&self, username: &str) -> Result<Option<AccountRow>> {
        let sql = format!("SELECT {COLUMNS} FROM account a LEFT JOIN unit u ON u.id = a.unit_id WHERE a.username = ?1");
        Ok(self.conn.query_row(&sql, [username], from_row).optional()?)
    }

    /// Every account, by username.
    pub(crate) fn accounts_by_username(&self) -> Result<Vec<AccountRow>> {
        let sql = format!("SELECT {COLUMNS} FROM account a LEFT JOIN unit u ON u.id = a.unit_id ORDER BY a.username");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// How many accounts exist, disabled ones included.
    pub(crate) fn account_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM account", [], |r| r.get(0))?)
    }

    /// How many administrators can still sign in.
    pub(crate) fn enabled_admin_count(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM account WHERE role = 'admin' AND disabled = 0",
            [],
            |r| r.get(0),
        )?)
    }

    pub(crate) fn insert_account(&self, a: &NewAccountRow<'_>) -> Result<()> {
        self.conn.execute(
            "INSERT INTO account (uid, username, display_name, role, unit_id, password_hash, pin_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                a.uid,
                a.username,
                a.display_name,
                a.role,
                a.unit_id,
                a.password_hash,
                a.pin_hash,
                a.created_at
            ],
        )?;
        Ok(())
    }

    pub(crate) fn set_account_disabled(&self, id: i64, disabled: bool) -> Result<()> {
        self.conn
            .execute("UPDATE account SET disabled = ?1 WHERE id = ?2", params![disabled, id])?;
        Ok(())
    }

    /// A new password hash, which also ends the lock after wrong passwords.
    pub(crate) fn set_password_hash(&self, id: i64, hash: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE account SET password_hash = ?1, failed_logins = 0, login_locked_until = NULL
             WHERE id = ?2",
            params![hash, id],
        )?;
        Ok(())
    }

    /// A new PIN hash, which also ends the lock after wrong PINs.
    pub(crate) fn set_pin_hash(&self, id: i64, hash: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE account SET pin_hash = ?1, failed_pins = 0, pin_locked_until = NULL WHERE id = ?2",
            params![hash, id],
        )?;
        Ok(())
    }

    /// Ends both locks and clears both counters.
    pub(crate) fn clear_account_locks(&self, id: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE account SET failed_logins = 0, login_locked_until = NULL, failed_pins = 0,
                    pin_locked_until = NULL WHERE id = ?1",
            [id],
        )?;
        Ok(())
    }

    /// Sets the counter of wrong tries of one kind and its lock (`None`: not locked).
    pub(crate) fn set_tries(&self, id: i64, tries: Tries, failed: i64, locked_until: Option<&str>) -> Result<()> {
        let sql = match tries {
            Tries::Login => "UPDATE account SET failed_logins = ?1, login_locked_until = ?2 WHERE id = ?3",
            Tries::Pin => "UPDATE account SET failed_pins = ?1, pin_locked_until = ?2 WHERE id = ?3",
        };
        self.conn.execute(sql, params![failed, locked_until, id])?;
        Ok(())
    }

    /// The unit with this code and every unit merged into it (whose chain of
    /// successors leads to it): (id, code).
    pub(crate) fn own_units(&self, code: &str) -> Result<Vec<(i64, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "WITH RECURSIVE own(id) AS (
                 SELECT id FROM unit WHERE code = ?1
                 UNION SELECT u.id FROM unit u JOIN own o ON u.successor_id = o.id
             )
             SELECT u.id, u.code FROM unit u JOIN own ON own.id = u.id",
        )?;
        let units = stmt
            .query_map([code], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(units)
    }
}

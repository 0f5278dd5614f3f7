//! What an administrator changes on an existing account: disable, enable,
//! reset the password or PIN, unlock after wrong tries. Each change is one
//! transaction and one row of the audit log, never holding a secret.

use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use super::secrets::{check_password, check_pin, hash_secret};
use super::{existing_account, Account, Role};
use crate::db::{Actor, Dao, Store};
use crate::error::{Error, Result};

/// What an administrator changes on an existing account; each is one
/// transaction and one row of the audit log (never the secrets themselves).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum AccountChange {
    /// No login and no PIN until enabled again; a session of it ends at its
    /// next action.
    Disable {
        username: String,
    },
    Enable {
        username: String,
    },
    /// A new password and/or a new PIN (at least one); each ends its lock.
    Reset {
        username: String,
        password: Option<String>,
        pin: Option<String>,
    },
    /// Ends the locks after wrong passwords and wrong PINs.
    Unlock {
        username: String,
    },
}

impl AccountChange {
    pub fn username(&self) -> &str {
        match self {
            AccountChange::Disable { username }
            | AccountChange::Enable { username }
            | AccountChange::Reset { username, .. }
            | AccountChange::Unlock { username } => username,
        }
    }
}

fn change_account(dao: &Dao<'_>, change: &AccountChange) -> Result<Account> {
    let row = existing_account(dao, change.username())?;
    let name = row.account.username.clone();
    let (action, detail) = match change {
        AccountChange::Disable { .. } => {
            if row.account.disabled {
                return Err(Error::conflict(
                    "username",
                    format!("Tài khoản «{name}» đã bị vô hiệu hoá"),
                ));
            }
            if dao.actor()?.name == name {
                return Err(Error::invalid(
                    "username",
                    "Không tự vô hiệu hoá tài khoản đang đăng nhập",
                ));
            }
            if row.account.role == Role::Admin && dao.enabled_admin_count()? <= 1 {
                return Err(Error::invalid(
                    "username",
                    format!("«{name}» là tài khoản quản trị cuối cùng còn dùng; hãy tạo tài khoản quản trị khác trước"),
                ));
            }
            dao.set_account_disabled(row.id, true)?;
            ("account.disable", json!({ "username": name }))
        }
        AccountChange::Enable { .. } => {
            if !row.account.disabled {
                return Err(Error::conflict(
                    "username",
                    format!("Tài khoản «{name}» đang được dùng"),
                ));
            }
            dao.set_account_disabled(row.id, false)?;
            ("account.enable", json!({ "username": name }))
        }
        AccountChange::Reset { password, pin, .. } => {
            let password = password.as_deref().filter(|p| !p.is_empty());
            let pin = pin.as_deref().map(str::trim).filter(|p| !p.is_empty());
            if password.is_none() && pin.is_none() {
                return Err(Error::invalid("password", "Cần mật khẩu mới hoặc mã PIN mới"));
            }
            if let Some(password) = password {
                check_password(password)?;
                dao.set_password_hash(row.id, &hash_secret(password)?)?;
            }
            if let Some(pin) = pin {
                check_pin(pin)?;
                dao.set_pin_hash(row.id, &hash_secret(pin)?)?;
            }
            (
                "account.reset",
                json!({ "username": name, "password": password.is_some(), "pin": pin.is_some() }),
            )
        }
        AccountChange::Unlock { .. } => {
            if !row.account.locked && row.failed_logins == 0 && row.failed_pins == 0 {
                return Err(Error::conflict("username", format!("Tài khoản «{name}» không bị khoá")));
            }
            dao.clear_account_locks(row.id)?;
            ("account.unlock", json!({ "username": name }))
        }
    };
    dao.log(action, Some(&row.uid), &detail)?;
    Ok(existing_account(dao, &name)?.account)
}

impl Store {
    /// Disables, enables, resets or unlocks an account (the caller checked
    /// the right to manage accounts). An administrator cannot disable their
    /// own account, nor the last enabled administrator.
    pub fn change_account(&mut self, actor: &Actor, change: AccountChange) -> Result<Account> {
        self.write(actor, |dao| change_account(dao, &change))
    }
}

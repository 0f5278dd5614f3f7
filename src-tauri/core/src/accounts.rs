//! Local accounts and roles: admin, clerk, supervisor (read, print, export)
//! and secretary (confirms for their own unit only). Passwords and PINs are
//! stored only as Argon2id hashes; five wrong tries lock a PIN (or a login)
//! for a while, and a limit over every account (`FailureLimit`) stops guessing
//! across many of them. An administrator disables, enables, resets and unlocks
//! accounts (`AccountChange`). Who is signed in, and what each action needs,
//! lives in `access`.

use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::db::accounts::{AccountRow, NewAccountRow};
use crate::db::{new_uid, now_utc, Actor, Dao, Store};
use crate::error::{Corrupt, Error, Result};
use crate::model::Confirmation;
use crate::text;

mod changes;
mod secrets;

pub use changes::AccountChange;
pub use secrets::FailureLimit;
use secrets::{check_password, check_pin, hash_secret, locked};

/// Wrong tries before a PIN or a login is locked.
pub const MAX_TRIES: i64 = 5;
/// How long a lock lasts.
pub const LOCK_MINUTES: i64 = 15;
/// Default minutes without use before the app locks.
pub const IDLE_LOCK_MINUTES: u64 = 15;
/// Wrong passwords and PINs, all accounts (and unknown names) together, that
/// one app accepts in `FAILURE_WINDOW` before it refuses every try for a while.
pub const MAX_FAILURES: usize = 20;
/// The window of `MAX_FAILURES`.
pub const FAILURE_WINDOW: std::time::Duration = std::time::Duration::from_secs(60);

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Role {
    /// Everything, including accounts and settings.
    Admin,
    /// Registers, batches, confirmations.
    Clerk,
    /// Reads, prints and exports; changes nothing.
    Supervisor,
    /// Confirms receipts and enters study figures for their own unit only,
    /// and reads only that unit's receipts, batches, documents and study
    /// figures.
    Secretary,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Clerk => "clerk",
            Role::Supervisor => "supervisor",
            Role::Secretary => "secretary",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        [Role::Admin, Role::Clerk, Role::Supervisor, Role::Secretary]
            .into_iter()
            .find(|r| r.as_str() == s)
    }

    /// The role stored in the account row `row`; a value the app does not
    /// know is refused, naming the row, never read as some other role.
    fn stored(value: &str, row: i64) -> Result<Role> {
        Role::parse(value).ok_or_else(|| Error::Corrupt(Corrupt::at_id("account", "role", row, value)))
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Quản trị",
            Role::Clerk => "Văn thư",
            Role::Supervisor => "Lãnh đạo ban",
            Role::Secretary => "Bí thư chi bộ",
        }
    }

    /// The one table of permissions.
    pub fn may(self, action: Action) -> bool {
        use Action::*;
        match self {
            Role::Admin => true,
            Role::Clerk => !matches!(action, ManageAccounts | Settings | Restore),
            Role::Supervisor => matches!(action, Read | Print | Export),
            Role::Secretary => matches!(action, Read | ConfirmOwnUnit | ReportOwnUnit),
        }
    }
}

/// Kinds of action, as the permission table sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Action {
    Read,
    Print,
    Export,
    /// Units and documents: add, edit, import, reorganise.
    EditRegisters,
    /// Create, edit, cancel batches.
    Handout,
    /// Confirm (or undo) any unit's receipt.
    ConfirmAny,
    /// Confirm the receipts of one's own unit.
    ConfirmOwnUnit,
    /// Enter the study figures of one's own unit (any unit's: `Handout`).
    ReportOwnUnit,
    ManageAccounts,
    Settings,
    /// Back up the database now, list the backups.
    Backup,
    /// Replace the database with a backup.
    Restore,
}

/// An account as lists show it (never its hashes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Account {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The unit of a secretary.
    pub unit: Option<String>,
    pub has_pin: bool,
    /// Disabled by an administrator: no login, no PIN, until enabled again.
    pub disabled: bool,
    /// Locked now after too many wrong passwords or PINs (an administrator
    /// may unlock it before the lock ends).
    pub locked: bool,
}

/// Input for a new account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit: Option<String>,
    pub password: String,
    /// 4 to 8 digits; secretaries confirm with it at the office.
    pub pin: Option<String>,
}

/// A signed-in account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Session {
    pub account: Account,
}

impl Session {
    /// Refuses what the role may not do, with a sentence for the user.
    pub fn authorize(&self, action: Action) -> Result<()> {
        if self.account.role.may(action) {
            Ok(())
        } else {
            Err(Error::Forbidden(format!(
                "Tài khoản {} ({}) không được phép thực hiện thao tác này",
                self.account.username,
                self.account.role.label()
            )))
        }
    }

    /// The actor recorded in the audit log for this session's changes.
    pub fn actor(&self) -> Actor {
        Actor::new(self.account.username.clone(), "app")
    }
}

/// What the window needs before showing anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuthStatus {
    /// False for a single-user register that has no account yet.
    pub accounts_exist: bool,
    /// No account at all yet: the window may create the first administrator
    /// (refused once any account exists, whoever made it).
    pub needs_admin: bool,
    pub session: Option<Session>,
}

/// An account as stored, its role read, with the state of its secrets.
struct StoredAccount {
    id: i64,
    uid: String,
    account: Account,
    password_hash: String,
    pin_hash: Option<String>,
    failed_pins: i64,
    pin_locked_until: Option<String>,
    failed_logins: i64,
    login_locked_until: Option<String>,
}

impl TryFrom<AccountRow> for StoredAccount {
    type Error = Error;

    fn try_from(r: AccountRow) -> Result<StoredAccount> {
        Ok(StoredAccount {
            account: Account {
                role: Role::stored(&r.role, r.id)?,
                username: r.username,
                display_name: r.display_name,
                unit: r.unit_code,
                has_pin: r.pin_hash.is_some(),
                disabled: r.disabled,
                locked: locked(&r.pin_locked_until) || locked(&r.login_locked_until),
            },
            id: r.id,
            uid: r.uid,
            password_hash: r.password_hash,
            pin_hash: r.pin_hash,
            failed_pins: r.failed_pins,
            pin_locked_until: r.pin_locked_until,
            failed_logins: r.failed_logins,
            login_locked_until: r.login_locked_until,
        })
    }
}

/// A username as stored: trimmed, NFC, lower case.
fn username_key(username: &str) -> String {
    text::clean(username).to_lowercase()
}

/// The account named `username`, `None` when there is none.
fn stored_account(dao: &Dao<'_>, username: &str) -> Result<Option<StoredAccount>> {
    dao.account_by_username(&username_key(username))?
        .map(StoredAccount::try_from)
        .transpose()
}

fn existing_account(dao: &Dao<'_>, username: &str) -> Result<StoredAccount> {
    stored_account(dao, username)?
        .ok_or_else(|| Error::invalid("username", format!("Không có tài khoản «{}»", text::clean(username))))
}

/// The codes of a unit and of the units merged into it.
fn own_unit_codes(dao: &Dao<'_>, code: &str) -> Result<Vec<String>> {
    Ok(dao.own_units(&text::clean(code))?.into_iter().map(|(_, c)| c).collect())
}

fn add_account(dao: &Dao<'_>, input: &NewAccount) -> Result<Account> {
    let username = username_key(&input.username);
    if username.is_empty() || username.contains(' ') {
        return Err(Error::invalid("username", "Tên đăng nhập là một từ, không để trống"));
    }
    let display_name = text::clean(&input.display_name);
    if display_name.is_empty() {
        return Err(Error::invalid("display_name", "Cần ghi họ tên"));
    }
    check_password(&input.password)?;
    let unit = match (input.role, text::clean_opt(input.unit.as_deref())) {
        (Role::Secretary, None) => return Err(Error::invalid("unit", "Tài khoản bí thư phải gắn với một đơn vị")),
        (_, Some(code)) => Some(dao.unit_for("unit", &code, crate::dates::today())?),
        (_, None) => None,
    };
    let pin_hash = match input.pin.as_deref().filter(|p| !p.is_empty()) {
        Some(pin) => {
            check_pin(pin)?;
            Some(hash_secret(pin)?)
        }
        None => None,
    };
    if stored_account(dao, &username)?.is_some() {
        return Err(Error::conflict("username", format!("Tên đăng nhập «{username}» đã có")));
    }
    let uid = new_uid();
    dao.insert_account(&NewAccountRow {
        uid: &uid,
        username: &username,
        display_name: &display_name,
        role: input.role.as_str(),
        unit_id: unit.as_ref().map(|u| u.id),
        password_hash: &hash_secret(&input.password)?,
        pin_hash: pin_hash.as_deref(),
        created_at: &now_utc(),
    })?;
    // The log names the account, never its secrets.
    dao.log(
        "account.add",
        Some(&uid),
        &json!({ "username": username, "role": input.role.as_str(), "unit": unit.as_ref().map(|u| &u.unit.code),
                 "pin": pin_hash.is_some() }),
    )?;
    Ok(existing_account(dao, &username)?.account)
}

/// Refuses a confirmation `account` may not sign: a secretary only for
/// their own unit (or units merged into it), others as their role allows.
fn check_signer(dao: &Dao<'_>, account: &Account, c: &Confirmation) -> Result<()> {
    let session = Session {
        account: account.clone(),
    };
    if account.role != Role::Secretary {
        return session.authorize(Action::ConfirmAny);
    }
    session.authorize(Action::ConfirmOwnUnit)?;
    let own = account.unit.clone().unwrap_or_default();
    let target = match c.receipt_code.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(code) => dao.receipt_detail(code)?.unit_code,
        None => text::clean(&c.unit_code),
    };
    if !own_unit_codes(dao, &own)?.contains(&target) {
        return Err(Error::Forbidden(format!(
            "Bí thư đơn vị «{own}» chỉ xác nhận được cho đơn vị của mình, không cho «{target}»"
        )));
    }
    Ok(())
}

impl Store {
    /// True once any account exists: from then on every action needs a login.
    pub fn has_accounts(&self) -> Result<bool> {
        self.read(|dao| Ok(dao.account_count()? > 0))
    }

    /// The account with this username as it is now (`None`: no such account).
    pub fn account(&self, username: &str) -> Result<Option<Account>> {
        self.read(|dao| Ok(stored_account(dao, username)?.map(|r| r.account)))
    }

    /// Minutes without use after which the app locks: the setting
    /// `idle_lock_minutes`, 15 when unset.
    pub fn idle_lock(&self) -> Result<std::time::Duration> {
        let minutes = self
            .read(|dao| dao.setting("idle_lock_minutes"))?
            .and_then(|m| m.trim().parse::<u64>().ok())
            .unwrap_or(IDLE_LOCK_MINUTES);
        Ok(std::time::Duration::from_secs(minutes * 60))
    }

    /// Creates the first administrator of a single-user register; refused once
    /// any account exists (accounts made with the command line included), so
    /// the command cannot open a register that already has logins.
    pub fn create_first_admin(&mut self, input: NewAccount) -> Result<Session> {
        let actor = Actor::new(text::clean(&input.username).to_lowercase(), "app");
        let account = self.write(&actor, |dao| {
            if dao.account_count()? > 0 {
                return Err(Error::Forbidden("Sổ đã có tài khoản; hãy đăng nhập".into()));
            }
            add_account(
                dao,
                &NewAccount {
                    role: Role::Admin,
                    ..input
                },
            )
        })?;
        Ok(Session { account })
    }

    /// Adds an account; the session must be allowed to manage accounts.
    /// `None`: the command line, whose user owns the file anyway.
    pub fn add_account(&mut self, by: Option<&Session>, actor: &Actor, input: NewAccount) -> Result<Account> {
        if let Some(s) = by {
            s.authorize(Action::ManageAccounts)?;
        }
        self.write(actor, |dao| add_account(dao, &input))
    }

    pub fn list_accounts(&self) -> Result<Vec<Account>> {
        self.read(|dao| {
            dao.accounts_by_username()?
                .into_iter()
                .map(|r| StoredAccount::try_from(r).map(|r| r.account))
                .collect()
        })
    }

    /// Confirms on behalf of a signed-in session: a secretary only for their
    /// own unit (or units merged into it), and then as the signer; others as
    /// their role allows.
    pub fn confirm_as(&mut self, session: &Session, c: Confirmation) -> Result<()> {
        let signer = (session.account.role == Role::Secretary).then_some(session.account.username.as_str());
        self.write(&session.actor(), |dao| {
            check_signer(dao, &session.account, &c)?;
            crate::receipts::confirm(dao, &c, signer)
        })
    }
}

#[cfg(test)]
mod tests;

//! Local accounts and roles: admin, clerk, supervisor (read, print, export)
//! and secretary (confirms for their own unit only). Passwords and PINs are
//! stored only as Argon2id hashes; five wrong tries lock a PIN (or a login)
//! for a while, and a limit over every account (`FailureLimit`) stops guessing
//! across many of them. An administrator disables, enables, resets and unlocks
//! accounts (`AccountChange`). Who is signed in, and what each action needs,
//! lives in `access`.

use std::collections::VecDeque;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use chrono::{Duration, Utc};
use password_hash::rand_core::OsRng;
use password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use argon2::Argon2;

use crate::error::{Error, Result};
use crate::model::{ConfirmMethod, Confirmation};
use crate::store::{new_uid, now_utc, Actor, Dao, Store};
use crate::text;

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
    /// Confirms receipts for their own unit only, and reads only that unit's
    /// receipts, batches and documents.
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
            Role::Secretary => matches!(action, Read | ConfirmOwnUnit),
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

/// Wrong passwords and PINs over every account, in a sliding window: past
/// `MAX_FAILURES` in `FAILURE_WINDOW`, every try is refused (before any
/// hashing) until the window has room again. Held in memory by whoever
/// checks secrets (the app: one for its whole life); the per-account locks
/// are in the register.
#[derive(Debug)]
pub struct FailureLimit {
    failures: Mutex<VecDeque<Instant>>,
    max: usize,
    window: std::time::Duration,
}

impl Default for FailureLimit {
    fn default() -> FailureLimit {
        FailureLimit::new(MAX_FAILURES, FAILURE_WINDOW)
    }
}

impl FailureLimit {
    pub fn new(max: usize, window: std::time::Duration) -> FailureLimit {
        FailureLimit {
            failures: Mutex::new(VecDeque::new()),
            max,
            window,
        }
    }

    fn recent(&self) -> std::sync::MutexGuard<'_, VecDeque<Instant>> {
        // A panic while holding this lock left only timestamps behind.
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        while failures.front().is_some_and(|t| t.elapsed() >= self.window) {
            failures.pop_front();
        }
        failures
    }

    /// Refuses when the window is full.
    fn check(&self) -> Result<()> {
        if self.recent().len() >= self.max {
            return Err(Error::Forbidden(format!(
                "Đã có quá {} lần nhập sai mật khẩu hoặc mã PIN trong {} giây; hãy đợi một phút rồi thử lại.",
                self.max,
                self.window.as_secs()
            )));
        }
        Ok(())
    }

    fn record(&self) {
        self.recent().push_back(Instant::now());
    }
}

fn hash_secret(secret: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Io(std::io::Error::other(format!("không băm được mật khẩu: {e}"))))
}

fn verify_secret(secret: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| Argon2::default().verify_password(secret.as_bytes(), &h).is_ok())
}

/// A hash no secret matches, checked when the account (or its PIN) does not
/// exist, so that an unknown name costs the time a known one costs.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_secret(&new_uid()).unwrap_or_default())
}

fn check_pin(pin: &str) -> Result<()> {
    if !(4..=8).contains(&pin.len()) || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid("pin", "Mã PIN gồm 4 đến 8 chữ số"));
    }
    Ok(())
}

fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < 8 {
        return Err(Error::invalid("password", "Mật khẩu cần ít nhất 8 ký tự"));
    }
    Ok(())
}

const COLUMNS: &str =
    "a.id, a.uid, a.username, a.display_name, a.role, u.code AS unit_code, a.pin_hash IS NOT NULL AS has_pin,
     a.disabled, a.password_hash, a.pin_hash, a.failed_pins, a.pin_locked_until, a.failed_logins, a.login_locked_until";

struct Row_ {
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

fn from_row(r: &Row<'_>) -> rusqlite::Result<Row_> {
    let role: String = r.get("role")?;
    let role = Role::parse(&role).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            4,
            rusqlite::types::Type::Text,
            format!("vai trò «{role}» không hợp lệ").into(),
        )
    })?;
    let pin_locked_until: Option<String> = r.get("pin_locked_until")?;
    let login_locked_until: Option<String> = r.get("login_locked_until")?;
    Ok(Row_ {
        id: r.get("id")?,
        uid: r.get("uid")?,
        account: Account {
            username: r.get("username")?,
            display_name: r.get("display_name")?,
            role,
            unit: r.get("unit_code")?,
            has_pin: r.get("has_pin")?,
            disabled: r.get("disabled")?,
            locked: locked(&pin_locked_until) || locked(&login_locked_until),
        },
        password_hash: r.get("password_hash")?,
        pin_hash: r.get("pin_hash")?,
        failed_pins: r.get("failed_pins")?,
        pin_locked_until,
        failed_logins: r.get("failed_logins")?,
        login_locked_until,
    })
}

fn locked(until: &Option<String>) -> bool {
    until.as_deref().is_some_and(|u| u > now_utc().as_str())
}

fn lock_until() -> String {
    (Utc::now() + Duration::minutes(LOCK_MINUTES)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Which secret a try checks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Secret {
    Password,
    Pin,
}

/// The outcome of checking a secret.
enum Try {
    /// The secret was right; the account may act.
    Right(Box<Row_>),
    /// A wrong secret, recorded (counter, lock, log row): commit it.
    Wrong(Error),
    /// Refused before the secret counted (unknown, disabled, locked): nothing to keep.
    Refused(Error),
}

fn wrong_login() -> Error {
    Error::Forbidden("Sai tên đăng nhập hoặc mật khẩu".into())
}

impl Dao<'_> {
    fn account_row(&self, username: &str) -> Result<Option<Row_>> {
        let sql = format!("SELECT {COLUMNS} FROM account a LEFT JOIN unit u ON u.id = a.unit_id WHERE a.username = ?1");
        Ok(self
            .conn
            .query_row(&sql, [text::clean(username).to_lowercase()], from_row)
            .optional()?)
    }

    fn existing_account(&self, username: &str) -> Result<Row_> {
        self.account_row(username)?
            .ok_or_else(|| Error::invalid("username", format!("Không có tài khoản «{}»", text::clean(username))))
    }

    fn count_accounts(&self, only_enabled_admins: bool) -> Result<i64> {
        let sql = if only_enabled_admins {
            "SELECT count(*) FROM account WHERE role = 'admin' AND disabled = 0"
        } else {
            "SELECT count(*) FROM account"
        };
        Ok(self.conn.query_row(sql, [], |r| r.get(0))?)
    }

    fn insert_account(&self, input: &NewAccount) -> Result<Account> {
        let username = text::clean(&input.username).to_lowercase();
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
            (_, Some(code)) => Some(self.unit_for("unit", &code, crate::store::today())?),
            (_, None) => None,
        };
        let pin_hash = match input.pin.as_deref().filter(|p| !p.is_empty()) {
            Some(pin) => {
                check_pin(pin)?;
                Some(hash_secret(pin)?)
            }
            None => None,
        };
        if self.account_row(&username)?.is_some() {
            return Err(Error::conflict("username", format!("Tên đăng nhập «{username}» đã có")));
        }
        let uid = new_uid();
        self.conn.execute(
            "INSERT INTO account (uid, username, display_name, role, unit_id, password_hash, pin_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                uid,
                username,
                display_name,
                input.role.as_str(),
                unit.as_ref().map(|u| u.id),
                hash_secret(&input.password)?,
                pin_hash,
                now_utc()
            ],
        )?;
        // The log names the account, never its secrets.
        self.log(
            "account.add",
            Some(&uid),
            &json!({ "username": username, "role": input.role.as_str(), "unit": unit.as_ref().map(|u| &u.unit.code),
                     "pin": pin_hash.is_some() }),
        )?;
        Ok(self.existing_account(&username)?.account)
    }

    /// Checks a password or PIN. Every path costs one Argon2 verification
    /// (against a dummy hash when there is nothing to check), so the time
    /// taken says nothing about which names exist. A wrong secret counts
    /// towards the account's lock and, in `limit`, towards the limit over
    /// every account.
    fn try_secret(&self, which: Secret, username: &str, secret: &str, limit: &FailureLimit) -> Result<Try> {
        limit.check()?;
        let row = self.account_row(username)?;
        let stored = row.as_ref().and_then(|r| match which {
            Secret::Password => Some(r.password_hash.as_str()),
            Secret::Pin => r.pin_hash.as_deref(),
        });
        let right = verify_secret(
            secret,
            match stored {
                Some(hash) => hash,
                None => dummy_hash(),
            },
        );
        let has_secret = stored.is_some();
        if !right {
            limit.record();
        }
        let Some(row) = row else {
            return Ok(Try::Refused(match which {
                Secret::Password => wrong_login(),
                Secret::Pin => Error::invalid("username", format!("Không có tài khoản «{}»", text::clean(username))),
            }));
        };
        if !has_secret {
            return Ok(Try::Refused(Error::invalid("pin", "Tài khoản này chưa có mã PIN")));
        }
        if row.account.disabled {
            // Only someone who knows the secret learns that it was disabled.
            return Ok(Try::Refused(match (right, which) {
                (true, _) => Error::Forbidden(format!(
                    "Tài khoản «{}» đã bị vô hiệu hoá; hãy hỏi quản trị",
                    row.account.username
                )),
                (false, Secret::Password) => wrong_login(),
                (false, Secret::Pin) => Error::invalid("pin", "Sai mã PIN"),
            }));
        }
        let (failed, until, column) = match which {
            Secret::Password => (row.failed_logins, &row.login_locked_until, "login"),
            Secret::Pin => (row.failed_pins, &row.pin_locked_until, "pin"),
        };
        if locked(until) {
            return Ok(Try::Refused(Error::Forbidden(match which {
                Secret::Password => format!("Sai mật khẩu quá {MAX_TRIES} lần; hãy thử lại sau {LOCK_MINUTES} phút"),
                Secret::Pin => format!("Mã PIN bị khoá do sai {MAX_TRIES} lần; thử lại sau {LOCK_MINUTES} phút"),
            })));
        }
        if right {
            self.conn.execute(
                &format!("UPDATE account SET failed_{column}s = 0, {column}_locked_until = NULL WHERE id = ?1"),
                [row.id],
            )?;
            return Ok(Try::Right(Box::new(row)));
        }
        let failed = failed + 1;
        let until = (failed >= MAX_TRIES).then(lock_until);
        self.conn.execute(
            &format!("UPDATE account SET failed_{column}s = ?1, {column}_locked_until = ?2 WHERE id = ?3"),
            params![if until.is_some() { 0 } else { failed }, until, row.id],
        )?;
        self.log(
            &format!("account.{column}_failed"),
            None,
            &json!({ "username": row.account.username, "locked": until.is_some() }),
        )?;
        Ok(Try::Wrong(match which {
            Secret::Password => wrong_login(),
            Secret::Pin if until.is_some() => Error::invalid(
                "pin",
                format!("Sai mã PIN {MAX_TRIES} lần: mã PIN bị khoá {LOCK_MINUTES} phút"),
            ),
            Secret::Pin => Error::invalid("pin", format!("Sai mã PIN; còn {} lần thử", MAX_TRIES - failed)),
        }))
    }

    /// Refuses a confirmation `account` may not sign: a secretary only for
    /// their own unit (or units merged into it), others as their role allows.
    fn check_signer(&self, account: &Account, c: &Confirmation) -> Result<()> {
        let session = Session {
            account: account.clone(),
        };
        if account.role != Role::Secretary {
            return session.authorize(Action::ConfirmAny);
        }
        session.authorize(Action::ConfirmOwnUnit)?;
        let own = account.unit.clone().unwrap_or_default();
        let target = match c.receipt_code.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(code) => self.receipt_detail(code)?.unit_code,
            None => text::clean(&c.unit_code),
        };
        if !self.own_unit_codes(&own)?.contains(&target) {
            return Err(Error::Forbidden(format!(
                "Bí thư đơn vị «{own}» chỉ xác nhận được cho đơn vị của mình, không cho «{target}»"
            )));
        }
        Ok(())
    }

    fn change_account(&self, change: &AccountChange) -> Result<Account> {
        let row = self.existing_account(change.username())?;
        let name = row.account.username.clone();
        let (action, detail) = match change {
            AccountChange::Disable { .. } => {
                if row.account.disabled {
                    return Err(Error::conflict(
                        "username",
                        format!("Tài khoản «{name}» đã bị vô hiệu hoá"),
                    ));
                }
                if self.actor()?.name == name {
                    return Err(Error::invalid(
                        "username",
                        "Không tự vô hiệu hoá tài khoản đang đăng nhập",
                    ));
                }
                if row.account.role == Role::Admin && self.count_accounts(true)? <= 1 {
                    return Err(Error::invalid(
                        "username",
                        format!(
                            "«{name}» là tài khoản quản trị cuối cùng còn dùng; hãy tạo tài khoản quản trị khác trước"
                        ),
                    ));
                }
                self.conn
                    .execute("UPDATE account SET disabled = 1 WHERE id = ?1", [row.id])?;
                ("account.disable", json!({ "username": name }))
            }
            AccountChange::Enable { .. } => {
                if !row.account.disabled {
                    return Err(Error::conflict(
                        "username",
                        format!("Tài khoản «{name}» đang được dùng"),
                    ));
                }
                self.conn
                    .execute("UPDATE account SET disabled = 0 WHERE id = ?1", [row.id])?;
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
                    self.conn.execute(
                        "UPDATE account SET password_hash = ?1, failed_logins = 0, login_locked_until = NULL
                         WHERE id = ?2",
                        params![hash_secret(password)?, row.id],
                    )?;
                }
                if let Some(pin) = pin {
                    check_pin(pin)?;
                    self.conn.execute(
                        "UPDATE account SET pin_hash = ?1, failed_pins = 0, pin_locked_until = NULL WHERE id = ?2",
                        params![hash_secret(pin)?, row.id],
                    )?;
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
                self.conn.execute(
                    "UPDATE account SET failed_logins = 0, login_locked_until = NULL, failed_pins = 0,
                            pin_locked_until = NULL WHERE id = ?1",
                    [row.id],
                )?;
                ("account.unlock", json!({ "username": name }))
            }
        };
        self.log(action, Some(&row.uid), &detail)?;
        Ok(self.existing_account(&name)?.account)
    }
}

impl Store {
    /// True once any account exists: from then on every action needs a login.
    pub fn has_accounts(&self) -> Result<bool> {
        self.read(|dao| Ok(dao.count_accounts(false)? > 0))
    }

    /// The account with this username as it is now (`None`: no such account).
    pub fn account(&self, username: &str) -> Result<Option<Account>> {
        self.read(|dao| Ok(dao.account_row(username)?.map(|r| r.account)))
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
            if dao.count_accounts(false)? > 0 {
                return Err(Error::Forbidden("Sổ đã có tài khoản; hãy đăng nhập".into()));
            }
            dao.insert_account(&NewAccount {
                role: Role::Admin,
                ..input
            })
        })?;
        Ok(Session { account })
    }

    /// Adds an account; the session must be allowed to manage accounts.
    /// `None`: the command line, whose user owns the file anyway.
    pub fn add_account(&mut self, by: Option<&Session>, actor: &Actor, input: NewAccount) -> Result<Account> {
        if let Some(s) = by {
            s.authorize(Action::ManageAccounts)?;
        }
        self.write(actor, |dao| dao.insert_account(&input))
    }

    /// Disables, enables, resets or unlocks an account (the caller checked
    /// the right to manage accounts). An administrator cannot disable their
    /// own account, nor the last enabled administrator.
    pub fn change_account(&mut self, actor: &Actor, change: AccountChange) -> Result<Account> {
        self.write(actor, |dao| dao.change_account(&change))
    }

    pub fn list_accounts(&self) -> Result<Vec<Account>> {
        self.read(|dao| {
            let sql =
                format!("SELECT {COLUMNS} FROM account a LEFT JOIN unit u ON u.id = a.unit_id ORDER BY a.username");
            let mut stmt = dao.conn.prepare(&sql)?;
            let rows = stmt
                .query_map([], from_row)?
                .map(|r| r.map(|r| r.account))
                .collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
    }

    /// Signs in with a password. Five wrong tries lock the account for a
    /// while; a disabled account is refused; `limit` counts wrong tries over
    /// every account.
    pub fn login(&mut self, username: &str, password: &str, limit: &FailureLimit) -> Result<Session> {
        let actor = Actor::new(text::clean(username).to_lowercase(), "app");
        // The outcome (including a failed try) is committed either way.
        self.attempt(&actor, |dao| {
            match dao.try_secret(Secret::Password, username, password, limit)? {
                Try::Right(row) => {
                    dao.log("account.login", None, &json!({ "username": row.account.username }))?;
                    Ok((Ok(Session { account: row.account }), true))
                }
                Try::Wrong(e) => Ok((Err(e), true)),
                Try::Refused(e) => Ok((Err(e), false)),
            }
        })?
    }

    /// In person at the office: the operator (the signed-in clerk, `operator`)
    /// records the confirmation, and the PIN of the account `username` (a
    /// secretary or deputy) signs it, in that person's name and for their unit
    /// only. The receipt and the log row keep both. One transaction: the PIN
    /// check, the signer's rights and the confirmation stand or fall together
    /// (a wrong PIN is recorded, and counts in `limit`).
    pub fn confirm_with_pin(
        &mut self,
        operator: &Actor,
        username: &str,
        pin: &str,
        c: Confirmation,
        limit: &FailureLimit,
    ) -> Result<()> {
        self.attempt(operator, |dao| {
            match dao.try_secret(Secret::Pin, username, pin, limit)? {
                Try::Right(row) => {
                    let signer = row.account;
                    let c = Confirmation {
                        by: signer.display_name.clone(),
                        method: Some(ConfirmMethod::InPerson),
                        ..c
                    };
                    let done = dao
                        .check_signer(&signer, &c)
                        .and_then(|()| dao.confirm_receipt(&c, Some(&signer.username)));
                    let keep = done.is_ok();
                    Ok((done, keep))
                }
                Try::Wrong(e) => Ok((Err(e), true)),
                Try::Refused(e) => Ok((Err(e), false)),
            }
        })?
    }

    /// Confirms on behalf of a signed-in session: a secretary only for their
    /// own unit (or units merged into it), and then as the signer; others as
    /// their role allows.
    pub fn confirm_as(&mut self, session: &Session, c: Confirmation) -> Result<()> {
        let signer = (session.account.role == Role::Secretary).then_some(session.account.username.as_str());
        self.write(&session.actor(), |dao| {
            dao.check_signer(&session.account, &c)?;
            dao.confirm_receipt(&c, signer)
        })
    }
}

#[cfg(test)]
mod tests;

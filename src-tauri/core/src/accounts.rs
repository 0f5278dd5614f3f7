//! Local accounts and roles: admin, clerk, supervisor (read, print, export)
//! and secretary (confirms for their own unit only). Passwords and PINs are
//! stored only as Argon2id hashes; five wrong tries lock a PIN (or a login)
//! for a while. The rules of who may do what live here, so that every caller
//! (the app's commands) enforces the same ones.

use chrono::{Duration, Utc};
use password_hash::rand_core::OsRng;
use password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use argon2::Argon2;

use crate::error::{Error, Result};
use crate::store::{new_uid, now_utc, Actor, Dao, Store};
use crate::text;

/// Wrong tries before a PIN or a login is locked.
pub const MAX_TRIES: i64 = 5;
/// How long a lock lasts.
pub const LOCK_MINUTES: i64 = 15;
/// Default minutes without use before the app locks.
pub const IDLE_LOCK_MINUTES: u64 = 15;

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
    /// Confirms receipts for their own unit only.
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
    pub disabled: bool,
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
    /// No administrator yet: the first run should create one.
    pub needs_admin: bool,
    pub session: Option<Session>,
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

fn check_pin(pin: &str) -> Result<()> {
    if !(4..=8).contains(&pin.len()) || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid("pin", "Mã PIN gồm 4 đến 8 chữ số"));
    }
    Ok(())
}

const COLUMNS: &str =
    "a.id, a.username, a.display_name, a.role, u.code AS unit_code, a.pin_hash IS NOT NULL AS has_pin,
     a.disabled, a.password_hash, a.pin_hash, a.failed_pins, a.pin_locked_until, a.failed_logins, a.login_locked_until";

struct Row_ {
    id: i64,
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
    Ok(Row_ {
        id: r.get("id")?,
        account: Account {
            username: r.get("username")?,
            display_name: r.get("display_name")?,
            role: Role::parse(&role).unwrap_or(Role::Supervisor),
            unit: r.get("unit_code")?,
            has_pin: r.get("has_pin")?,
            disabled: r.get("disabled")?,
        },
        password_hash: r.get("password_hash")?,
        pin_hash: r.get("pin_hash")?,
        failed_pins: r.get("failed_pins")?,
        pin_locked_until: r.get("pin_locked_until")?,
        failed_logins: r.get("failed_logins")?,
        login_locked_until: r.get("login_locked_until")?,
    })
}

fn locked(until: &Option<String>) -> bool {
    until.as_deref().is_some_and(|u| u > now_utc().as_str())
}

fn lock_until() -> String {
    (Utc::now() + Duration::minutes(LOCK_MINUTES)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Dao<'_> {
    fn account_row(&self, username: &str) -> Result<Option<Row_>> {
        let sql = format!("SELECT {COLUMNS} FROM account a LEFT JOIN unit u ON u.id = a.unit_id WHERE a.username = ?1");
        Ok(self
            .conn
            .query_row(&sql, [text::clean(username).to_lowercase()], from_row)
            .optional()?)
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
        if input.password.chars().count() < 8 {
            return Err(Error::invalid("password", "Mật khẩu cần ít nhất 8 ký tự"));
        }
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
        self.account_row(&username)?
            .map(|r| r.account)
            .ok_or_else(|| Error::not_found("Tài khoản", &username))
    }
}

impl Store {
    /// True until the first administrator exists (first run).
    pub fn needs_first_admin(&self) -> Result<bool> {
        self.read(|dao| {
            let n: i64 = dao
                .conn
                .query_row("SELECT count(*) FROM account WHERE role = 'admin'", [], |r| r.get(0))?;
            Ok(n == 0)
        })
    }

    /// True once any account exists: from then on every action needs a login.
    pub fn has_accounts(&self) -> Result<bool> {
        self.read(|dao| {
            Ok(dao
                .conn
                .query_row("SELECT EXISTS (SELECT 1 FROM account)", [], |r| r.get(0))?)
        })
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

    pub fn auth_status(&self, session: Option<Session>) -> Result<AuthStatus> {
        Ok(AuthStatus {
            accounts_exist: self.has_accounts()?,
            needs_admin: self.needs_first_admin()?,
            session,
        })
    }

    /// In person at the office: the PIN of a secretary (or deputy) account
    /// signs the confirmation in that person's name, for their unit only.
    pub fn confirm_with_pin(&mut self, username: &str, pin: &str, c: crate::model::Confirmation) -> Result<()> {
        let account = self.check_pin(username, pin)?;
        let c = crate::model::Confirmation {
            by: account.display_name.clone(),
            method: Some(crate::model::ConfirmMethod::InPerson),
            ..c
        };
        self.confirm_as(&Session { account }, c)
    }

    /// Creates the first administrator; refused once one exists.
    pub fn create_first_admin(&mut self, input: NewAccount) -> Result<Session> {
        let actor = Actor::new(text::clean(&input.username).to_lowercase(), "app");
        let account = self.write(&actor, |dao| {
            let n: i64 = dao
                .conn
                .query_row("SELECT count(*) FROM account WHERE role = 'admin'", [], |r| r.get(0))?;
            if n > 0 {
                return Err(Error::Forbidden("Đã có tài khoản quản trị; hãy đăng nhập".into()));
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

    /// Signs in with a password; five wrong tries lock the account for a while.
    pub fn login(&mut self, username: &str, password: &str) -> Result<Session> {
        let actor = Actor::new(text::clean(username).to_lowercase(), "app");
        let refused = || Error::Forbidden("Sai tên đăng nhập hoặc mật khẩu".into());
        // The outcome (including a failed try) is committed either way.
        let outcome = self.attempt(&actor, |dao| {
            let Some(row) = dao.account_row(username)? else {
                return Ok((Err(refused()), false));
            };
            if row.account.disabled {
                return Ok((Err(Error::Forbidden("Tài khoản đã bị khoá".into())), false));
            }
            if locked(&row.login_locked_until) {
                return Ok((
                    Err(Error::Forbidden(format!(
                        "Sai mật khẩu quá {MAX_TRIES} lần; hãy thử lại sau {LOCK_MINUTES} phút"
                    ))),
                    false,
                ));
            }
            if verify_secret(password, &row.password_hash) {
                dao.conn.execute(
                    "UPDATE account SET failed_logins = 0, login_locked_until = NULL WHERE id = ?1",
                    [row.id],
                )?;
                dao.log("account.login", None, &json!({ "username": row.account.username }))?;
                return Ok((Ok(Session { account: row.account }), true));
            }
            let failed = row.failed_logins + 1;
            let until = (failed >= MAX_TRIES).then(lock_until);
            dao.conn.execute(
                "UPDATE account SET failed_logins = ?1, login_locked_until = ?2 WHERE id = ?3",
                params![if until.is_some() { 0 } else { failed }, until, row.id],
            )?;
            dao.log(
                "account.login_failed",
                None,
                &json!({ "username": row.account.username, "locked": until.is_some() }),
            )?;
            Ok((Err(refused()), true))
        })?;
        outcome
    }

    /// Checks a secretary's PIN at the office; five wrong tries lock the PIN.
    /// Returns the account, whose name then signs the confirmation.
    pub fn check_pin(&mut self, username: &str, pin: &str) -> Result<Account> {
        let actor = Actor::new(text::clean(username).to_lowercase(), "app");
        let outcome = self.attempt(&actor, |dao| {
            let Some(row) = dao.account_row(username)? else {
                return Ok((Err(Error::invalid("pin", "Không có tài khoản này")), false));
            };
            let Some(hash) = row.pin_hash.as_deref() else {
                return Ok((Err(Error::invalid("pin", "Tài khoản này chưa có mã PIN")), false));
            };
            if locked(&row.pin_locked_until) {
                return Ok((
                    Err(Error::Forbidden(format!(
                        "Mã PIN bị khoá do sai {MAX_TRIES} lần; thử lại sau {LOCK_MINUTES} phút"
                    ))),
                    false,
                ));
            }
            if verify_secret(pin, hash) {
                dao.conn.execute(
                    "UPDATE account SET failed_pins = 0, pin_locked_until = NULL WHERE id = ?1",
                    [row.id],
                )?;
                return Ok((Ok(row.account), true));
            }
            let failed = row.failed_pins + 1;
            let until = (failed >= MAX_TRIES).then(lock_until);
            dao.conn.execute(
                "UPDATE account SET failed_pins = ?1, pin_locked_until = ?2 WHERE id = ?3",
                params![if until.is_some() { 0 } else { failed }, until, row.id],
            )?;
            dao.log(
                "account.pin_failed",
                None,
                &json!({ "username": row.account.username, "locked": until.is_some() }),
            )?;
            let left = MAX_TRIES - failed;
            let msg = if until.is_some() {
                format!("Sai mã PIN {MAX_TRIES} lần: mã PIN bị khoá {LOCK_MINUTES} phút")
            } else {
                format!("Sai mã PIN; còn {left} lần thử")
            };
            Ok((Err(Error::invalid("pin", msg)), true))
        })?;
        outcome
    }

    /// Confirms on behalf of a signed-in session: a secretary only for their
    /// own unit (or units merged into it), others as their role allows.
    pub fn confirm_as(&mut self, session: &Session, c: crate::model::Confirmation) -> Result<()> {
        if session.account.role == Role::Secretary {
            session.authorize(Action::ConfirmOwnUnit)?;
            let own = session.account.unit.clone().unwrap_or_default();
            let target = match c.receipt_code.as_deref().filter(|s| !s.trim().is_empty()) {
                Some(code) => self.receipt(code)?.unit_code,
                None => text::clean(&c.unit_code),
            };
            let allowed = target == own || self.unit(&target)?.successor.as_deref() == Some(own.as_str());
            if !allowed {
                return Err(Error::Forbidden(format!(
                    "Bí thư đơn vị «{own}» chỉ xác nhận được cho đơn vị của mình, không cho «{target}»"
                )));
            }
        } else {
            session.authorize(Action::ConfirmAny)?;
        }
        self.confirm(&session.actor(), c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Confirmation, DocQty, NewBatch, NewDocument, NewUnit};

    fn setup() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = Store::open(&dir.path().join("t.sqlite3")).expect("open");
        let a = Actor::new("t", "test");
        for (code, parent) in [("X", None), ("X1", Some("X")), ("X2", Some("X"))] {
            let unit = NewUnit {
                code: code.into(),
                name: format!("Chi bộ {code}"),
                parent: parent.map(Into::into),
                ..Default::default()
            };
            s.add_unit(&a, unit).expect("unit");
        }
        let doc = NewDocument {
            symbol: "05-KH/HU".into(),
            title: "Kế hoạch".into(),
            copies_received: 9,
            ..Default::default()
        };
        s.add_document(&a, doc).expect("doc");
        let batch = NewBatch {
            code: "B".into(),
            title: "Đợt".into(),
            handed_on: Some(crate::store::today()),
            documents: vec![DocQty {
                symbol: "05-KH/HU".into(),
                quantity: 1,
            }],
            subtrees: vec!["X".into()],
            ..Default::default()
        };
        s.create_batch(&a, batch).expect("batch");
        (dir, s)
    }

    fn new(username: &str, role: Role, unit: Option<&str>, pin: Option<&str>) -> NewAccount {
        NewAccount {
            username: username.into(),
            display_name: format!("Người {username}"),
            role,
            unit: unit.map(Into::into),
            password: "mat-khau-dai".into(),
            pin: pin.map(Into::into),
        }
    }

    #[test]
    fn first_admin_then_roles() {
        let (_d, mut s) = setup();
        assert!(s.needs_first_admin().expect("check"));
        let admin = s
            .create_first_admin(new("Admin", Role::Clerk, None, None))
            .expect("first admin");
        assert_eq!(admin.account.role, Role::Admin, "the first account is always the admin");
        assert!(s.create_first_admin(new("other", Role::Admin, None, None)).is_err());
        let sup = s
            .add_account(
                Some(&admin),
                &admin.actor(),
                new("lanhdao", Role::Supervisor, None, None),
            )
            .expect("add");
        let sup = Session { account: sup };
        assert!(matches!(
            s.add_account(Some(&sup), &sup.actor(), new("x", Role::Clerk, None, None)),
            Err(Error::Forbidden(_))
        ));
        assert!(sup.authorize(Action::Print).is_ok());
        assert!(sup.authorize(Action::Handout).is_err());
        let c = Confirmation {
            batch: "B".into(),
            unit_code: "X1".into(),
            by: "A".into(),
            ..Default::default()
        };
        assert!(matches!(s.confirm_as(&sup, c), Err(Error::Forbidden(_))));
        // No secret is stored in clear, anywhere.
        let dump: Vec<String> = s
            .connection()
            .prepare(
                "SELECT password_hash || coalesce(pin_hash, '') FROM account UNION ALL SELECT detail FROM audit_log",
            )
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        assert!(dump.iter().all(|d| !d.contains("mat-khau-dai")));
    }

    #[test]
    fn login_and_pin_lock_after_five_wrong_tries() {
        let (_d, mut s) = setup();
        let admin = s
            .create_first_admin(new("admin", Role::Admin, None, None))
            .expect("admin");
        s.add_account(
            Some(&admin),
            &admin.actor(),
            new("bithu1", Role::Secretary, Some("X1"), Some("2468")),
        )
        .expect("secretary");
        assert!(s.login("admin", "sai").is_err());
        assert_eq!(
            s.login("ADMIN", "mat-khau-dai").expect("login").account.username,
            "admin"
        );
        for i in 1..MAX_TRIES {
            let err = s.check_pin("bithu1", "0000").expect_err("wrong pin");
            assert!(err.to_string().contains(&format!("còn {} lần", MAX_TRIES - i)), "{err}");
        }
        assert!(s.check_pin("bithu1", "0000").is_err());
        // Locked now: even the right PIN is refused.
        assert!(matches!(s.check_pin("bithu1", "2468"), Err(Error::Forbidden(_))));
    }

    #[test]
    fn a_secretary_confirms_only_for_their_own_unit() {
        let (_d, mut s) = setup();
        let admin = s
            .create_first_admin(new("admin", Role::Admin, None, None))
            .expect("admin");
        let acc = s
            .add_account(
                Some(&admin),
                &admin.actor(),
                new("bithu1", Role::Secretary, Some("X1"), Some("2468")),
            )
            .expect("secretary");
        let sec = Session { account: acc };
        let other = Confirmation {
            batch: "B".into(),
            unit_code: "X2".into(),
            by: "Người bithu1".into(),
            ..Default::default()
        };
        assert!(matches!(s.confirm_as(&sec, other), Err(Error::Forbidden(_))));
        let own = Confirmation {
            batch: "B".into(),
            unit_code: "X1".into(),
            by: "Người bithu1".into(),
            ..Default::default()
        };
        s.confirm_as(&sec, own).expect("own unit");
        let actor: String = s
            .connection()
            .query_row(
                "SELECT actor FROM audit_log WHERE action = 'receipt.confirm'",
                [],
                |r| r.get(0),
            )
            .expect("log row");
        assert_eq!(actor, "bithu1");
    }
}

//! Checking passwords and PINs: Argon2id hashes, a dummy hash so that an
//! unknown name costs what a known one costs, the per-account locks after
//! wrong tries, the limit over every account (`FailureLimit`), and the two
//! flows that check a secret: signing in, and a PIN that signs a confirmation
//! at the office.

use std::collections::VecDeque;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use argon2::Argon2;
use chrono::{Duration, Utc};
use password_hash::rand_core::OsRng;
use password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde_json::json;

use super::{
    check_signer, stored_account, Session, StoredAccount, FAILURE_WINDOW, LOCK_MINUTES, MAX_FAILURES, MAX_TRIES,
};
use crate::db::accounts::Tries;
use crate::db::{new_uid, now_utc, Actor, Dao, Store};
use crate::error::{Error, Result};
use crate::model::{ConfirmMethod, Confirmation};
use crate::text;

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

pub(super) fn hash_secret(secret: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(Error::Hash)
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

pub(super) fn check_pin(pin: &str) -> Result<()> {
    if !(4..=8).contains(&pin.len()) || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid("pin", "Mã PIN gồm 4 đến 8 chữ số"));
    }
    Ok(())
}

pub(super) fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < 8 {
        return Err(Error::invalid("password", "Mật khẩu cần ít nhất 8 ký tự"));
    }
    Ok(())
}

pub(super) fn locked(until: &Option<String>) -> bool {
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
    Right(Box<StoredAccount>),
    /// A wrong secret, recorded (counter, lock, log row): commit it.
    Wrong(Error),
    /// Refused before the secret counted (unknown, disabled, locked): nothing to keep.
    Refused(Error),
}

fn wrong_login() -> Error {
    Error::Forbidden("Sai tên đăng nhập hoặc mật khẩu".into())
}

/// Checks a password or PIN. Every path costs one Argon2 verification
/// (against a dummy hash when there is nothing to check), so the time
/// taken says nothing about which names exist. A wrong secret counts
/// towards the account's lock and, in `limit`, towards the limit over
/// every account.
fn try_secret(dao: &Dao<'_>, which: Secret, username: &str, secret: &str, limit: &FailureLimit) -> Result<Try> {
    limit.check()?;
    let row = stored_account(dao, username)?;
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
    let (failed, until, tries, column) = match which {
        Secret::Password => (row.failed_logins, &row.login_locked_until, Tries::Login, "login"),
        Secret::Pin => (row.failed_pins, &row.pin_locked_until, Tries::Pin, "pin"),
    };
    if locked(until) {
        return Ok(Try::Refused(Error::Forbidden(match which {
            Secret::Password => format!("Sai mật khẩu quá {MAX_TRIES} lần; hãy thử lại sau {LOCK_MINUTES} phút"),
            Secret::Pin => format!("Mã PIN bị khoá do sai {MAX_TRIES} lần; thử lại sau {LOCK_MINUTES} phút"),
        })));
    }
    if right {
        dao.set_tries(row.id, tries, 0, None)?;
        return Ok(Try::Right(Box::new(row)));
    }
    let failed = failed + 1;
    let until = (failed >= MAX_TRIES).then(lock_until);
    dao.set_tries(
        row.id,
        tries,
        if until.is_some() { 0 } else { failed },
        until.as_deref(),
    )?;
    dao.log(
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

impl Store {
    /// Signs in with a password. Five wrong tries lock the account for a
    /// while; a disabled account is refused; `limit` counts wrong tries over
    /// every account.
    pub fn login(&mut self, username: &str, password: &str, limit: &FailureLimit) -> Result<Session> {
        let actor = Actor::new(text::clean(username).to_lowercase(), "app");
        // The outcome (including a failed try) is committed either way.
        self.attempt(&actor, |dao| {
            match try_secret(dao, Secret::Password, username, password, limit)? {
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
            match try_secret(dao, Secret::Pin, username, pin, limit)? {
                Try::Right(row) => {
                    let signer = row.account;
                    let c = Confirmation {
                        by: signer.display_name.clone(),
                        method: Some(ConfirmMethod::InPerson),
                        ..c
                    };
                    let done = check_signer(dao, &signer, &c)
                        .and_then(|()| crate::receipts::confirm(dao, &c, Some(&signer.username)));
                    let keep = done.is_ok();
                    Ok((done, keep))
                }
                Try::Wrong(e) => Ok((Err(e), true)),
                Try::Refused(e) => Ok((Err(e), false)),
            }
        })?
    }
}

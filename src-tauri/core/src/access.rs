//! The access policy, written once for every door into the register: who is
//! signed in (one session slot), the idle lock, and the check that an action
//! is allowed, done in one locked read that hands back the actor *and* the
//! session together (`Grant`), so a sign-out in between can never let an
//! action through unchecked. The app's commands are one-line adapters over
//! `Access`; the command line acts as the file's owner (`Grant::owner`).
//!
//! What a grant may read (a secretary only their own unit's receipts,
//! batches and documents; Tuyệt mật summaries on no output) is in `reads`;
//! study campaigns and figures as a grant may read and enter them (a
//! secretary their own units' only) in `study`.

use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use crate::accounts::{Action, AuthStatus, FailureLimit, NewAccount, Role, Session};
use crate::db::{Actor, Store};
use crate::error::{Error, Result};
use crate::model::Confirmation;

pub mod reads;
mod study;

/// Shown when the session ended after the idle-lock time without use.
pub const IDLE_MESSAGE: &str = "Ứng dụng đã tự khoá vì lâu không dùng; hãy đăng nhập lại.";
/// Shown when nobody is signed in to a register with accounts.
pub const LOGIN_NEEDED: &str = "Cần đăng nhập để dùng sổ.";

/// The part of the register a reader may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Everything: administrator, clerk, supervisor, a single-user register,
    /// the command line.
    All,
    /// One unit's receipts, batches and documents (a secretary): the unit
    /// with this code and the units merged into it.
    Unit(String),
}

/// Permission to do one action, from one locked read of the session: who
/// acts (for the audit log) and under which session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub actor: Actor,
    /// The signed-in session; `None` for the file's owner (a single-user
    /// register, the command line).
    pub session: Option<Session>,
}

impl Grant {
    /// The file's owner: whoever runs the command line, or the user of a
    /// register without accounts. Sees and may do everything.
    pub fn owner(actor: Actor) -> Grant {
        Grant { actor, session: None }
    }

    /// What this grant may read.
    pub fn scope(&self) -> Scope {
        match &self.session {
            Some(s) if s.account.role == Role::Secretary => Scope::Unit(s.account.unit.clone().unwrap_or_default()),
            _ => Scope::All,
        }
    }

    /// Whether the documents screen shows every summary, Tuyệt mật ones
    /// included: administrators, clerks and supervisors, on screen only.
    pub fn reads_summaries(&self) -> bool {
        self.scope() == Scope::All
    }
}

/// The signed-in account and when it last did something.
struct Slot {
    session: Option<Session>,
    last_used: Instant,
}

/// The access policy of one app: its session slot and its limit on wrong
/// passwords and PINs over every account.
pub struct Access {
    slot: Mutex<Slot>,
    limit: FailureLimit,
}

impl Default for Access {
    fn default() -> Access {
        Access::new(FailureLimit::default())
    }
}

impl Access {
    pub fn new(limit: FailureLimit) -> Access {
        Access {
            slot: Mutex::new(Slot {
                session: None,
                last_used: Instant::now(),
            }),
            limit,
        }
    }

    /// The slot; a panic while it was held signs out rather than trusting it.
    fn slot(&self) -> MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(|poisoned| {
            let mut slot = poisoned.into_inner();
            slot.session = None;
            slot
        })
    }

    /// Who may do `action`, checked in one locked read: with accounts in the
    /// register, the signed-in account if its role allows it (the session
    /// ends after the idle-lock setting without use, and when its account
    /// was disabled); before any account exists (a single-user register),
    /// the operating-system user. The store stays borrowed by the caller for
    /// the action itself.
    pub fn allow(&self, store: &Store, action: Action) -> Result<Grant> {
        let mut slot = self.slot();
        if !store.has_accounts()? {
            slot.session = None;
            return Ok(Grant::owner(Actor::app()));
        }
        let session = current(&mut slot, store)?.ok_or_else(|| Error::Forbidden(LOGIN_NEEDED.into()))?;
        session.authorize(action)?;
        slot.last_used = Instant::now();
        Ok(Grant {
            actor: session.actor(),
            session: Some(session),
        })
    }

    /// Whether the register has accounts and who is signed in (a session
    /// that has gone idle or whose account was disabled is ended here too).
    pub fn status(&self, store: &Store) -> Result<AuthStatus> {
        let accounts_exist = store.has_accounts()?;
        let mut slot = self.slot();
        let session = if accounts_exist {
            match current(&mut slot, store) {
                Ok(session) => session,
                Err(Error::Forbidden(_)) => None,
                Err(e) => return Err(e),
            }
        } else {
            None
        };
        Ok(AuthStatus {
            accounts_exist,
            needs_admin: !accounts_exist,
            session,
        })
    }

    /// Signs in with a password (refused past the limit on wrong tries).
    pub fn login(&self, store: &mut Store, username: &str, password: &str) -> Result<Session> {
        let session = store.login(username, password, &self.limit)?;
        Ok(self.sign_in(session))
    }

    /// Creates the first administrator of a register without accounts and
    /// signs them in.
    pub fn create_first_admin(&self, store: &mut Store, input: NewAccount) -> Result<Session> {
        let session = store.create_first_admin(input)?;
        Ok(self.sign_in(session))
    }

    fn sign_in(&self, session: Session) -> Session {
        let mut slot = self.slot();
        slot.session = Some(session.clone());
        slot.last_used = Instant::now();
        session
    }

    /// Ends the session (sign-out, a restore).
    pub fn sign_out(&self) {
        self.slot().session = None;
    }

    /// At the office: the operator `grant` (allowed `ConfirmAny`) records,
    /// the PIN of the account `username` signs (see `Store::confirm_with_pin`).
    pub fn confirm_with_pin(
        &self,
        store: &mut Store,
        grant: &Grant,
        username: &str,
        pin: &str,
        c: Confirmation,
    ) -> Result<()> {
        store.confirm_with_pin(&grant.actor, username, pin, c, &self.limit)
    }
}

/// The live session in `slot`: ended when idle for the store's idle-lock
/// time, or when its account was disabled or removed; a change of role or
/// unit applies at once.
fn current(slot: &mut Slot, store: &Store) -> Result<Option<Session>> {
    let Some(session) = slot.session.as_ref() else {
        return Ok(None);
    };
    if slot.last_used.elapsed() >= store.idle_lock()? {
        slot.session = None;
        return Err(Error::Forbidden(IDLE_MESSAGE.into()));
    }
    match store.account(&session.account.username)? {
        Some(account) if !account.disabled => {
            let session = Session { account };
            slot.session = Some(session.clone());
            Ok(Some(session))
        }
        _ => {
            slot.session = None;
            Err(Error::Forbidden(
                "Tài khoản này đã bị vô hiệu hoá; phiên làm việc đã kết thúc.".into(),
            ))
        }
    }
}

impl Store {
    /// Records a confirmation for `grant`: the owner as they ask; a signed-in
    /// session as its role allows (a secretary for their own unit only).
    pub fn confirm_by(&mut self, grant: &Grant, c: Confirmation) -> Result<()> {
        match &grant.session {
            Some(session) => self.confirm_as(session, c),
            None => self.confirm(&grant.actor, c),
        }
    }
}

#[cfg(test)]
mod tests;

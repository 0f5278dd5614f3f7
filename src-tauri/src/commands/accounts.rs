//! Accounts and sign-in: whether the register has accounts and who is
//! signed in, the first administrator, login and logout, the accounts an
//! administrator manages, and a confirmation signed with a secretary's PIN.
//! The policy (session, idle lock, roles) is the core's `giaonhan::access`.

use giaonhan::accounts::{Account, AccountChange, Action, AuthStatus, NewAccount, Session};
use giaonhan::model::Confirmation;
use tauri::State;

use super::{AppState, Reply};

#[tauri::command(async)]
pub fn auth_status(state: State<'_, AppState>) -> Reply<AuthStatus> {
    Ok(state.auth_status()?)
}

#[tauri::command(async)]
pub fn create_first_admin(state: State<'_, AppState>, account: NewAccount) -> Reply<Session> {
    Ok(state.create_first_admin(account)?)
}

#[tauri::command(async)]
pub fn login(state: State<'_, AppState>, username: String, password: String) -> Reply<Session> {
    Ok(state.login(&username, &password)?)
}

#[tauri::command(async)]
pub fn logout(state: State<'_, AppState>) -> Reply<()> {
    state.sign_out();
    Ok(())
}

#[tauri::command(async)]
pub fn add_account(state: State<'_, AppState>, account: NewAccount) -> Reply<Account> {
    Ok(state.with(Action::ManageAccounts, |s, g| {
        s.add_account(g.session.as_ref(), &g.actor, account)
    })?)
}

#[tauri::command(async)]
pub fn list_accounts(state: State<'_, AppState>) -> Reply<Vec<Account>> {
    Ok(state.with(Action::ManageAccounts, |s, _| s.list_accounts())?)
}

/// Disables, enables, resets or unlocks an account (administrator).
#[tauri::command(async)]
pub fn change_account(state: State<'_, AppState>, change: AccountChange) -> Reply<Account> {
    Ok(state.with(Action::ManageAccounts, |s, g| s.change_account(&g.actor, change))?)
}

/// In person at the office: the secretary (or deputy) picks their account and
/// types their PIN; the receipt is signed in their name, for their unit only,
/// and records the signed-in operator too.
#[tauri::command(async)]
pub fn confirm_with_pin(
    state: State<'_, AppState>,
    username: String,
    pin: String,
    confirmation: Confirmation,
) -> Reply<()> {
    Ok(state.confirm_with_pin(&username, &pin, confirmation)?)
}

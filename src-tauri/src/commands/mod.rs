//! The Tauri commands, by area: one-line adapters that take the app's state
//! (`giaonhan::host::Host`: the open register, the session, the backups),
//! call the core and turn its error into the structured `ApiError` the UI
//! shows. No SQL, no business rule and no access rule here: who may do what
//! is asked of the core (`Host::with`, `Host::grant`), and everything the app
//! keeps between commands lives in the core's `Host`. Only the native
//! dialogs (which file to open, where to save) are the app's own (`files`).
//!
//! Commands run off the main thread (`async`), so a long query never freezes
//! the window; the host's lock serialises access to the one SQLite
//! connection. Every command is listed in `build.rs`, `lib.rs`
//! (`generate_handler!`), `capabilities/main.json` and `ui/src/api.ts`;
//! `tests/commands.rs` fails when one of them misses a command.

pub mod accounts;
pub mod backup;
pub mod batches;
pub mod documents;
pub mod exchange;
pub mod files;
pub mod lists;
pub mod start;
pub mod study;
pub mod units;

use giaonhan::progress::{Step, Watch};
use giaonhan::{ApiError, Store};
use tauri::ipc::Channel;

/// The state shared by all commands: the register as the app holds it.
pub type AppState = giaonhan::host::Host;

/// What a command answers: its value, or the error the UI shows.
pub type Reply<T> = Result<T, ApiError>;

/// Runs a long printout for whoever may print (`Host::printing`), telling
/// the window's `progress` channel how far it is; true when it ran to the end.
fn printing(
    state: &AppState,
    progress: &Channel<Step>,
    run: impl FnOnce(&mut Store, &mut dyn Watch) -> giaonhan::Result<()>,
) -> Reply<bool> {
    Ok(state.printing(
        |step| {
            let _ = progress.send(step);
        },
        run,
    )?)
}

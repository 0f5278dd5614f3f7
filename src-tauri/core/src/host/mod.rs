//! The register as a long-running process (the desktop app) holds it from
//! one request to the next: the open store, or why it could not be opened
//! (then only the recovery requests work: the window offers to restore a
//! backup); who is signed in (`Access`); the automatic backups and "back up
//! now", which copy the file on connections of their own while requests go
//! on; a restore, which stops and waits for those copies, replaces the file
//! and reopens it; the last failed or damaged automatic backup, until
//! dismissed; the file chosen for import. No Tauri here: the app's commands
//! are one-line adapters over these methods (their rules are tested in this
//! crate), and the command line, which opens the register once per command,
//! calls the same core functions directly.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, RwLock};
use std::time::Duration;

use chrono::NaiveDate;

use crate::access::{Access, Grant};
use crate::accounts::{Action, AuthStatus, NewAccount, Session};
use crate::backup::{self, BackupAlert, BackupReason, BackupStatus, Recovery, Restored};
use crate::db::{Actor, Store};
use crate::error::{Error, Result};
use crate::import::{ChosenFile, ImportReport, Register};
use crate::model::{Confirmation, OutstandingPage, OutstandingQuery, SaveFormat};
use crate::progress::{Flagged, Run, Step, Watch};
use crate::units::plan::{self, PlanReport};

/// The rows the window's outstanding screen asks for first: the 25 it
/// paints first and one more (which tells whether the last committee goes on).
pub const FIRST_VIEW_ROWS: u32 = 26;

mod names;
mod upgrade;

use upgrade::Upgrade;

pub use names::{
    backup_file_name, file_in_folder, list_file_name, register_book_file_name, register_file_name, site_card_file_name,
    slips_file_name, study_file_name, PLAN_TEMPLATE_FILE_NAME,
};

/// The register of a running app and what the app keeps about it between
/// requests. The store is absent while the database cannot be opened
/// (recovery: restoring a backup is offered; every other request is refused).
pub struct Host {
    store: Mutex<Option<Store>>,
    /// The database file, also when it could not be opened.
    db_path: PathBuf,
    /// Why the store is not open, for the recovery screen.
    problem: Mutex<Option<String>>,
    /// Who is signed in, the idle lock and the limit on wrong secrets.
    access: Access,
    /// The app's own copies of the register file (automatic backups, "back
    /// up now") hold this shared; a restore takes it alone, after asking
    /// them to stop, so no connection of ours is left on the file it moves.
    files: RwLock<()>,
    /// Set while a restore waits for the copies: they stop between steps.
    stop_copies: AtomicBool,
    /// Set by the window's "Dừng": the exchange running stops before its
    /// next packet.
    stop_exchange: AtomicBool,
    /// Set by the print preview's "Dừng": the layout running stops before
    /// its next chunk of pages.
    stop_print: AtomicBool,
    /// The last failed or damaged automatic backup, until dismissed.
    alert: Mutex<Option<BackupAlert>>,
    /// The file last chosen for import: its path stays here, and the import
    /// reads it from here (the file's bytes never cross into the window).
    import_file: Mutex<Option<PathBuf>>,
    /// The reorganisation plan last chosen, kept the same way.
    plan_file: Mutex<Option<PathBuf>>,
    /// Set once the window has drawn its first screen: the start backup
    /// (which reads the whole file) waits for it, so as not to slow it.
    shown: (Mutex<bool>, Condvar),
    /// Set while a register from an older version is upgraded before it
    /// opens (`Host::upgrading`): requests for the store wait for it.
    upgrade: (Mutex<Option<Upgrade>>, Condvar),
    /// The outstanding list's first view, read while the window started,
    /// until the window's first request for the list takes it.
    first_view: Mutex<Option<KeptView>>,
}

/// A first view read ahead, with what it is valid for.
struct KeptView {
    page: OutstandingPage,
    /// The day it counted overdue days to.
    day: NaiveDate,
    /// The register's contents when it was read (`Store::changes`).
    changes: (i64, u64),
}

/// The locked store; only ever built around an open one.
pub struct StoreGuard<'a>(MutexGuard<'a, Option<Store>>);

impl std::ops::Deref for StoreGuard<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        match self.0.as_ref() {
            Some(store) => store,
            None => unreachable!("Host::store checks that the store is open"),
        }
    }
}

impl std::ops::DerefMut for StoreGuard<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        match self.0.as_mut() {
            Some(store) => store,
            None => unreachable!("Host::store checks that the store is open"),
        }
    }
}

/// A poisoned lock: an earlier request panicked while holding it. Its
/// transaction was rolled back, but the app should be restarted.
fn poisoned<T>(_: T) -> Error {
    Error::Interrupted
}

/// What the app prints when something it did on its own (a backup's log
/// row) went wrong without failing the request.
fn warn(message: impl std::fmt::Display) {
    eprintln!("Sổ Giao Nhận: {message}");
}

impl Host {
    /// Around an open store.
    pub fn new(store: Store) -> Host {
        Host::with_slot(store.path().to_owned(), Some(store), None, None)
    }

    /// The register at `db_path` could not be opened, for the reason
    /// `problem`: only the recovery requests work.
    pub fn recovering(db_path: PathBuf, problem: String) -> Host {
        Host::with_slot(db_path, None, Some(problem), None)
    }

    fn with_slot(db_path: PathBuf, store: Option<Store>, problem: Option<String>, upgrade: Option<Upgrade>) -> Host {
        Host {
            store: Mutex::new(store),
            db_path,
            problem: Mutex::new(problem),
            access: Access::default(),
            files: RwLock::new(()),
            stop_copies: AtomicBool::new(false),
            stop_exchange: AtomicBool::new(false),
            stop_print: AtomicBool::new(false),
            alert: Mutex::new(None),
            import_file: Mutex::new(None),
            plan_file: Mutex::new(None),
            shown: (Mutex::new(false), Condvar::new()),
            upgrade: (Mutex::new(upgrade), Condvar::new()),
            first_view: Mutex::new(None),
        }
    }

    /// The database file, open or not.
    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// Whether the database is open (false in recovery).
    pub fn is_open(&self) -> bool {
        self.store.lock().map(|s| s.is_some()).unwrap_or(false)
    }

    /// Locks the store (once an upgrade under way has ended); refused in
    /// recovery, naming why it is not open.
    pub fn store(&self) -> Result<StoreGuard<'_>> {
        self.wait_upgraded()?;
        let guard = self.store.lock().map_err(poisoned)?;
        if guard.is_none() {
            let problem = self.problem.lock().map_err(poisoned)?;
            return Err(Error::NotOpen {
                problem: problem.clone(),
            });
        }
        Ok(StoreGuard(guard))
    }

    /// Who may do `action` (the core's policy, one locked read of the
    /// session), for requests that must not hold the store while they wait
    /// (a save dialog).
    pub fn grant(&self, action: Action) -> Result<Grant> {
        let store = self.store()?;
        self.access.allow(&store, action)
    }

    /// Who may save in `format`: printing needs the print right, a
    /// spreadsheet the export right.
    pub fn grant_save(&self, format: SaveFormat) -> Result<Grant> {
        self.grant(save_action(format))
    }

    /// Runs `f` on the locked store for whoever may do `action`.
    pub fn with<T>(&self, action: Action, f: impl FnOnce(&mut Store, &Grant) -> Result<T>) -> Result<T> {
        let mut store = self.store()?;
        let grant = self.access.allow(&store, action)?;
        f(&mut store, &grant)
    }

    // ---- the exchange ---------------------------------------------------------

    /// Runs a send or a receive on the locked store, telling `report` how
    /// far it is; `stop_exchange` (another request) stops it between two
    /// packets.
    pub fn exchange<T>(
        &self,
        report: impl FnMut(Step),
        run: impl FnOnce(&mut Store, &mut dyn Watch) -> Result<Run<T>>,
    ) -> Result<Run<T>> {
        let mut store = self.store()?;
        self.stop_exchange.store(false, Ordering::Relaxed);
        run(&mut store, &mut Flagged::new(&self.stop_exchange, report))
    }

    /// Asks the exchange running to stop before its next packet (never
    /// waits for the store it holds).
    pub fn stop_exchange(&self) {
        self.stop_exchange.store(true, Ordering::Relaxed);
    }

    // ---- long printouts ---------------------------------------------------------

    /// Lays a printout out on the locked store for whoever may print,
    /// telling `report` how far it is; `stop_print` (another request) stops
    /// it before its next chunk of pages. True when it ran to the end.
    pub fn printing(
        &self,
        report: impl FnMut(Step),
        run: impl FnOnce(&mut Store, &mut dyn Watch) -> Result<()>,
    ) -> Result<bool> {
        let mut store = self.store()?;
        self.access.allow(&store, Action::Print)?;
        self.stop_print.store(false, Ordering::Relaxed);
        match run(&mut store, &mut Flagged::new(&self.stop_print, report)) {
            Ok(()) => Ok(true),
            Err(Error::Halted) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Asks the printout being laid out to stop before its next chunk.
    pub fn stop_print(&self) {
        self.stop_print.store(true, Ordering::Relaxed);
    }

    // ---- sign-in ------------------------------------------------------------

    /// Whether the register has accounts and who is signed in (never refused).
    pub fn auth_status(&self) -> Result<AuthStatus> {
        self.access.status(&*self.store()?)
    }

    /// Creates the first administrator (turns logins on) and signs them in.
    pub fn create_first_admin(&self, account: NewAccount) -> Result<Session> {
        self.access.create_first_admin(&mut *self.store()?, account)
    }

    pub fn login(&self, username: &str, password: &str) -> Result<Session> {
        self.access.login(&mut *self.store()?, username, password)
    }

    pub fn sign_out(&self) {
        self.access.sign_out();
    }

    /// In person at the office: the operator signed in (allowed to confirm
    /// any unit's receipt) records, the PIN of the account `username` signs,
    /// for that account's unit only.
    pub fn confirm_with_pin(&self, username: &str, pin: &str, confirmation: Confirmation) -> Result<()> {
        self.with(Action::ConfirmAny, |s, g| {
            self.access.confirm_with_pin(s, g, username, pin, confirmation)
        })
    }

    // ---- import and export --------------------------------------------------

    /// Keeps `path` as the file to import; what the window shows of it.
    pub fn choose_import(&self, path: PathBuf) -> Result<ChosenFile> {
        let chosen = ChosenFile::of(&path)?;
        *self.import_file.lock().map_err(poisoned)? = Some(path);
        Ok(chosen)
    }

    /// Checks (dry run) or imports the file chosen with `choose_import`,
    /// telling `report` how many rows are checked, then written.
    pub fn import_chosen(&self, register: Register, dry_run: bool, report: impl FnMut(Step)) -> Result<ImportReport> {
        let chosen = self.import_file.lock().map_err(poisoned)?.clone();
        let never = AtomicBool::new(false);
        let mut watch = Flagged::new(&never, report);
        self.with(Action::EditRegisters, |s, g| match &chosen {
            Some(path) => s.import_chosen(&g.actor, register, path, dry_run, &mut watch),
            None => Err(Error::invalid("file", "Chọn tệp CSV hoặc XLSX cần nhập.")),
        })
    }

    /// Keeps `path` as the reorganisation plan to check and apply.
    pub fn choose_plan(&self, path: PathBuf) -> Result<ChosenFile> {
        let chosen = ChosenFile::of(&path)?;
        *self.plan_file.lock().map_err(poisoned)? = Some(path);
        Ok(chosen)
    }

    /// Checks (dry run) or applies the plan chosen with `choose_plan`.
    pub fn plan_chosen(&self, on: NaiveDate, reason: Option<String>, dry_run: bool) -> Result<PlanReport> {
        let chosen = self.plan_file.lock().map_err(poisoned)?.clone();
        self.with(Action::EditRegisters, |s, g| match &chosen {
            Some(path) => s.reorganise_plan_chosen(&g.actor, path, on, reason, dry_run),
            None => Err(Error::invalid("file", "Chọn tệp kế hoạch sắp xếp (CSV hoặc XLSX).")),
        })
    }

    /// Writes an empty reorganisation plan to `path` (never over the register).
    pub fn save_plan_template(&self, path: &Path) -> Result<()> {
        crate::files::write_file(path, &plan::template_bytes(path)?, Some(&self.db_path))
    }

    /// Writes a register to `path` for `actor` (logged), or with `template`
    /// its empty template (holds no data, not logged; never over the
    /// register itself, open or not).
    pub fn save_register(&self, actor: &Actor, register: Register, template: bool, path: &Path) -> Result<()> {
        if template {
            Store::save_template(register, path, Some(&self.db_path))
        } else {
            self.store()?.save_export(actor, register, path)
        }
    }

    // ---- backups and restore ------------------------------------------------

    /// The window has drawn its first screen (or the sign-in, or the
    /// recovery screen): what waits for it may start.
    pub fn first_screen_shown(&self) -> Result<()> {
        let (shown, ready) = &self.shown;
        *shown.lock().map_err(poisoned)? = true;
        ready.notify_all();
        Ok(())
    }

    /// Waits until the window has drawn its first screen, at most `limit`
    /// (a window that never says so does not hold the backups back).
    pub fn wait_first_screen(&self, limit: Duration) -> Result<()> {
        let (shown, ready) = &self.shown;
        let guard = shown.lock().map_err(poisoned)?;
        let _ = ready
            .wait_timeout_while(guard, limit, |shown| !*shown)
            .map_err(poisoned)?;
        Ok(())
    }

    /// Reads what the window's first screen will ask for (the outstanding
    /// list's first rows) while the window's web engine starts, which takes
    /// far longer: the window's first request for the list gets it at once
    /// when nothing was written since, on the same day, for whoever may read
    /// every unit (see `outstanding_page`). A register in recovery has
    /// nothing to read.
    pub fn prepare_first_view(&self) -> Result<()> {
        if !self.is_open() {
            return Ok(());
        }
        let store = self.store()?;
        let day = crate::dates::today();
        let page = store.outstanding_page(&OutstandingQuery::default(), 0, FIRST_VIEW_ROWS)?;
        let changes = store.changes()?;
        *self.first_view.lock().map_err(poisoned)? = Some(KeptView { page, day, changes });
        Ok(())
    }

    /// `limit` rows of the outstanding list from `offset`, as the signed-in
    /// account may read them. The first request allowed takes the first view
    /// read ahead (`prepare_first_view`) when it is that view and still true.
    pub fn outstanding_page(&self, query: &OutstandingQuery, offset: u32, limit: u32) -> Result<OutstandingPage> {
        self.with(Action::Read, |s, g| {
            // Kept for one request at most, whatever it asks; a request
            // refused (the window asks before anyone signed in) leaves it.
            let kept = self.first_view.lock().map_err(poisoned)?.take();
            if let Some(kept) = kept {
                let day = crate::dates::today();
                let same_view = offset == 0
                    && limit == FIRST_VIEW_ROWS
                    && g.scope() == crate::access::Scope::All
                    && kept.day == day
                    && is_first_view(query, day);
                if same_view && s.changes()? == kept.changes {
                    return Ok(kept.page);
                }
            }
            s.outstanding_page_for(g, query, offset, limit)
        })
    }

    /// The automatic backup (`Start` once when the app opens, then `Daily`),
    /// made by the core when due on connections of its own (requests go on
    /// meanwhile), then logged. A failed or damaged copy becomes the alert
    /// of the window; damage found in the register itself closes the store
    /// and the window turns to the recovery screen.
    pub fn automatic_backup(&self, reason: BackupReason) -> Result<()> {
        self.wait_upgraded()?;
        if !self.is_open() {
            return Ok(());
        }
        let outcome = {
            let _copying = self.files.read().map_err(poisoned)?;
            backup::automatic(&self.db_path, reason, &self.stop_copies)
        };
        if let Some(made) = &outcome.made {
            if let Ok(mut store) = self.store() {
                if let Err(e) = store.log_backup(&Actor::app(), made.reason.as_str(), Path::new(&made.path)) {
                    warn(format!("đã sao lưu nhưng không ghi được nhật ký: {e}"));
                }
            }
        }
        if let Some(alert) = outcome.alert {
            warn(&alert.message);
            *self.alert.lock().map_err(poisoned)? = Some(alert);
        }
        if let Some(problem) = outcome.register_damaged {
            warn(&problem);
            let mut slot = self.store.lock().map_err(poisoned)?;
            drop(slot.take());
            *self.problem.lock().map_err(poisoned)? = Some(problem);
        }
        Ok(())
    }

    /// "Back up now" into `out` for `actor`: a copy on its own connection,
    /// in steps, without holding the store (other requests go on), then
    /// logged; a failure to log does not undo the backup.
    pub fn backup_now(&self, actor: &Actor, out: &Path) -> Result<()> {
        {
            let _copying = self.files.read().map_err(poisoned)?;
            if !self.is_open() {
                return Err(Error::NotOpen { problem: None });
            }
            backup::backup_file(&self.db_path, out, &self.stop_copies)?;
        }
        if let Err(e) = self.store()?.log_backup(actor, "manual", out) {
            warn(format!("đã sao lưu nhưng không ghi được nhật ký: {e}"));
        }
        Ok(())
    }

    /// The alert of the window and whether the register is in recovery.
    pub fn backup_status(&self) -> Result<BackupStatus> {
        Ok(BackupStatus {
            alert: self.alert.lock().map_err(poisoned)?.clone(),
            recovering: self.problem.lock().map_err(poisoned)?.is_some(),
        })
    }

    /// Dismisses the alert (the damaged copy stays marked in the list);
    /// anyone who may read the register may.
    pub fn dismiss_backup_alert(&self) -> Result<()> {
        self.grant(Action::Read)?;
        *self.alert.lock().map_err(poisoned)? = None;
        Ok(())
    }

    /// Why the database is not open, with the backups on offer; `None` when open.
    pub fn recovery(&self) -> Result<Option<Recovery>> {
        let problem = self.problem.lock().map_err(poisoned)?.clone();
        match problem {
            Some(problem) => Ok(Some(backup::recovery(&self.db_path, &problem)?)),
            None => Ok(None),
        }
    }

    /// Restores the automatic backup `file_name`: stops and waits for the
    /// app's own copies, closes the store, and lets the core restore (it
    /// refuses while another process has the register open, keeps the
    /// replaced file aside and logs the restore in the restored register);
    /// then the restored register is the open one and nobody is signed in.
    /// A refused restore reopens the register as it was. Open, it needs the
    /// right to restore; in recovery, there is no register to ask (whoever
    /// runs the app could copy the files anyway).
    pub fn restore(&self, file_name: &str) -> Result<Restored> {
        self.wait_upgraded()?;
        let recovering = self.problem.lock().map_err(poisoned)?.is_some();
        let actor = if recovering {
            Actor::app()
        } else {
            self.grant(Action::Restore)?.actor
        };
        let backup = backup::find(&self.db_path, file_name)?;
        self.stop_copies.store(true, Ordering::Relaxed);
        let files = self.files.write();
        self.stop_copies.store(false, Ordering::Relaxed);
        let _alone = files.map_err(poisoned)?;
        let mut slot = self.store.lock().map_err(poisoned)?;
        // SQLite must let go of the file (and fold its -wal) before it moves.
        drop(slot.take());
        // A first view read ahead is of the register replaced.
        drop(self.first_view.lock().map_err(poisoned)?.take());
        let mut problem = self.problem.lock().map_err(poisoned)?;
        match backup::restore_and_log(&self.db_path, Path::new(&backup.path), &actor) {
            Ok((restored, store)) => {
                *slot = Some(store);
                *problem = None;
                *self.alert.lock().map_err(poisoned)? = None;
                self.access.sign_out();
                Ok(restored)
            }
            Err(e) => {
                if !recovering {
                    match Store::open(&self.db_path) {
                        Ok(store) => *slot = Some(store),
                        Err(reopen) => *problem = Some(reopen.to_string()),
                    }
                }
                Err(e)
            }
        }
    }
}

/// Whether `query` asks for the list the window opens on: every receipt
/// open on `today`, unfiltered.
fn is_first_view(query: &OutstandingQuery, today: NaiveDate) -> bool {
    let OutstandingQuery {
        batches,
        subtree,
        document,
        overdue_only,
        tier,
        as_of,
    } = query;
    batches.is_empty()
        && subtree.is_none()
        && document.is_none()
        && !overdue_only
        && tier.is_none()
        && as_of.is_none_or(|d| d == today)
}

/// Printing needs the print permission, a spreadsheet the export one.
fn save_action(format: SaveFormat) -> Action {
    match format {
        SaveFormat::Pdf => Action::Print,
        SaveFormat::Xlsx | SaveFormat::Csv => Action::Export,
    }
}

#[cfg(test)]
mod tests;

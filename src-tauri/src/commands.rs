//! The Tauri commands: one-line adapters that lock the store, ask the core's
//! access policy (`giaonhan::access`) for a grant, call the core and turn its
//! error into the structured `ApiError` the UI shows. No SQL, no business rule
//! and no access rule here; every rule lives in the `giaonhan` crate.
//!
//! Commands run off the main thread (`async`), so a long query never freezes the
//! window; the mutex serialises access to the one SQLite connection.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock};

use chrono::NaiveDate;
use giaonhan::access::{Access, Grant};
use giaonhan::accounts::{Account, AccountChange, Action, AuthStatus, NewAccount, Session};
use giaonhan::backup::{BackupAlert, BackupInfo, BackupReason, BackupSettings, BackupStatus, Recovery, Restored};
use giaonhan::import::{ChosenFile, ImportReport, Register};
use giaonhan::model::{
    AppStatus, Batch, BatchStats, Confirmation, CurvePoint, Document, GroupCompletion, NewBatch, NewDocument,
    NewSigner, NewUnit, OutstandingQuery, OutstandingRow, PrintList, ReceiptDetail, Reorganisation, SaveFormat, Signer,
    Tiers, Unit, UnitEdit, UnitEvent, UnitFlag, UnitKind, UnitReceipt,
};
use giaonhan::print::{Letterhead, SlipPreview};
use giaonhan::{Actor, ApiError, ErrorKind, Store};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

/// The state shared by all commands: the open store and who is signed in.
/// The store is absent while the database cannot be opened (recovery: the
/// window offers to restore a backup; every other command is refused).
pub struct AppState {
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
    /// The last failed or damaged automatic backup, until dismissed.
    alert: Mutex<Option<BackupAlert>>,
    /// The file last chosen for import (`choose_import_file`).
    import_file: Mutex<Option<PathBuf>>,
}

/// The locked store; only ever built around an open one.
pub struct StoreGuard<'a>(MutexGuard<'a, Option<Store>>);

impl std::ops::Deref for StoreGuard<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        match self.0.as_ref() {
            Some(store) => store,
            None => unreachable!("AppState::store checks that the store is open"),
        }
    }
}

impl std::ops::DerefMut for StoreGuard<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        match self.0.as_mut() {
            Some(store) => store,
            None => unreachable!("AppState::store checks that the store is open"),
        }
    }
}

fn not_open(problem: Option<&str>) -> ApiError {
    ApiError {
        kind: ErrorKind::Database,
        message: format!(
            "Chưa mở được tệp dữ liệu{}; hãy khôi phục một bản sao lưu.",
            problem.map(|p| format!(" ({p})")).unwrap_or_default()
        ),
        field: None,
    }
}

fn poisoned() -> ApiError {
    ApiError {
        kind: ErrorKind::Database,
        message: "Một thao tác trước đó bị lỗi giữa chừng và đã được huỷ; \
                  hãy đóng rồi mở lại ứng dụng. Dữ liệu đã lưu không bị ảnh hưởng."
            .to_owned(),
        field: None,
    }
}

impl AppState {
    pub fn new(store: Store) -> AppState {
        AppState {
            db_path: store.path().to_owned(),
            store: Mutex::new(Some(store)),
            problem: Mutex::new(None),
            access: Access::default(),
            files: RwLock::new(()),
            stop_copies: AtomicBool::new(false),
            alert: Mutex::new(None),
            import_file: Mutex::new(None),
        }
    }

    /// The state of an app whose database at `db_path` could not be opened,
    /// for the reason `problem`: only the recovery commands work.
    pub fn recovering(db_path: PathBuf, problem: String) -> AppState {
        AppState {
            store: Mutex::new(None),
            db_path,
            problem: Mutex::new(Some(problem)),
            access: Access::default(),
            files: RwLock::new(()),
            stop_copies: AtomicBool::new(false),
            alert: Mutex::new(None),
            import_file: Mutex::new(None),
        }
    }

    /// Whether the database is open (false in recovery).
    pub fn is_open(&self) -> bool {
        self.store.lock().map(|s| s.is_some()).unwrap_or(false)
    }

    /// The automatic backup (`Start` once when the app opens, then `Daily`),
    /// made by the core when due on connections of its own (commands go on
    /// meanwhile), then logged. A failed or damaged copy becomes the alert
    /// of the window; damage found in the register itself closes the store
    /// and the window turns to the recovery screen.
    pub fn automatic_backup(&self, reason: BackupReason) -> Result<(), ApiError> {
        if !self.is_open() {
            return Ok(());
        }
        let outcome = {
            let _copying = self.files.read().map_err(|_| poisoned())?;
            giaonhan::backup::automatic(&self.db_path, reason, &self.stop_copies)
        };
        if let Some(made) = &outcome.made {
            if let Ok(mut store) = self.store() {
                if let Err(e) = store.log_backup(&Actor::app(), made.reason.as_str(), Path::new(&made.path)) {
                    eprintln!("Sổ Giao Nhận: đã sao lưu nhưng không ghi được nhật ký: {e}");
                }
            }
        }
        if let Some(alert) = outcome.alert {
            eprintln!("Sổ Giao Nhận: {}", alert.message);
            *self.alert.lock().map_err(|_| poisoned())? = Some(alert);
        }
        if let Some(problem) = outcome.register_damaged {
            eprintln!("Sổ Giao Nhận: {problem}");
            let mut slot = self.store.lock().map_err(|_| poisoned())?;
            drop(slot.take());
            *self.problem.lock().map_err(|_| poisoned())? = Some(problem);
        }
        Ok(())
    }

    /// "Back up now" into `out`: a copy on its own connection, in steps,
    /// without holding the store (other commands go on), then logged.
    fn backup_now(&self, actor: &Actor, out: &Path) -> Result<(), ApiError> {
        {
            let _copying = self.files.read().map_err(|_| poisoned())?;
            if !self.is_open() {
                return Err(not_open(None));
            }
            giaonhan::backup::backup_file(&self.db_path, out, &self.stop_copies)?;
        }
        // After the copy: a failure to log does not undo the backup.
        if let Err(e) = self.store()?.log_backup(actor, "manual", out) {
            eprintln!("Sổ Giao Nhận: đã sao lưu nhưng không ghi được nhật ký: {e}");
        }
        Ok(())
    }

    /// The alert of the window and whether the register is in recovery.
    fn backup_status(&self) -> Result<BackupStatus, ApiError> {
        Ok(BackupStatus {
            alert: self.alert.lock().map_err(|_| poisoned())?.clone(),
            recovering: self.problem.lock().map_err(|_| poisoned())?.is_some(),
        })
    }

    /// Why the database is not open, with the backups on offer; `None` when open.
    fn recovery(&self) -> Result<Option<Recovery>, ApiError> {
        let problem = self.problem.lock().map_err(|_| poisoned())?.clone();
        match problem {
            Some(problem) => Ok(Some(giaonhan::backup::recovery(&self.db_path, &problem)?)),
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
    fn restore(&self, file_name: &str) -> Result<Restored, ApiError> {
        let recovering = self.problem.lock().map_err(|_| poisoned())?.is_some();
        let actor = if recovering {
            Actor::app()
        } else {
            self.grant(Action::Restore)?.actor
        };
        let backup = giaonhan::backup::find(&self.db_path, file_name)?;
        self.stop_copies.store(true, Ordering::Relaxed);
        let files = self.files.write();
        self.stop_copies.store(false, Ordering::Relaxed);
        let _alone = files.map_err(|_| poisoned())?;
        let mut slot = self.store.lock().map_err(|_| poisoned())?;
        // SQLite must let go of the file (and fold its -wal) before it moves.
        drop(slot.take());
        let mut problem = self.problem.lock().map_err(|_| poisoned())?;
        match giaonhan::backup::restore_and_log(&self.db_path, Path::new(&backup.path), &actor) {
            Ok((restored, store)) => {
                *slot = Some(store);
                *problem = None;
                *self.alert.lock().map_err(|_| poisoned())? = None;
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
                Err(e.into())
            }
        }
    }

    /// Who may do `action` (the core's policy, one locked read of the
    /// session), for commands that must not hold the store while they wait
    /// (a save dialog).
    fn grant(&self, action: Action) -> Result<Grant, ApiError> {
        let store = self.store()?;
        Ok(self.access.allow(&store, action)?)
    }

    /// Runs `f` on the locked store for whoever may do `action`.
    fn with<T>(&self, action: Action, f: impl FnOnce(&mut Store, &Grant) -> giaonhan::Result<T>) -> Reply<T> {
        let mut store = self.store()?;
        let grant = self.access.allow(&store, action)?;
        Ok(f(&mut store, &grant)?)
    }

    /// Locks the store. A poisoned lock means an earlier command panicked; its
    /// transaction was rolled back, but the app should be restarted.
    fn store(&self) -> Result<StoreGuard<'_>, ApiError> {
        let guard = self.store.lock().map_err(|_| poisoned())?;
        if guard.is_none() {
            let problem = self.problem.lock().map_err(|_| poisoned())?;
            return Err(not_open(problem.as_deref()));
        }
        Ok(StoreGuard(guard))
    }
}

type Reply<T> = Result<T, ApiError>;

#[tauri::command(async)]
pub fn app_status(state: State<'_, AppState>) -> Reply<AppStatus> {
    Ok(state.store()?.status()?)
}

#[tauri::command(async)]
pub fn load_demo(state: State<'_, AppState>) -> Reply<()> {
    state.with(Action::EditRegisters, |s, g| s.load_demo(&g.actor))
}

#[tauri::command(async)]
pub fn list_units(state: State<'_, AppState>) -> Reply<Vec<Unit>> {
    state.with(Action::Read, |s, _| s.list_units())
}

#[tauri::command(async)]
pub fn add_unit(state: State<'_, AppState>, unit: NewUnit) -> Reply<Unit> {
    state.with(Action::EditRegisters, |s, g| s.add_unit(&g.actor, unit))
}

#[tauri::command(async)]
pub fn list_kinds(state: State<'_, AppState>) -> Reply<Vec<UnitKind>> {
    state.with(Action::Read, |s, _| s.list_kinds())
}

#[tauri::command(async)]
pub fn list_documents(state: State<'_, AppState>) -> Reply<Vec<Document>> {
    state.with(Action::Read, |s, g| s.documents_for(g))
}

#[tauri::command(async)]
pub fn add_document(state: State<'_, AppState>, doc: NewDocument) -> Reply<Document> {
    state.with(Action::EditRegisters, |s, g| s.add_document(&g.actor, doc))
}

#[tauri::command(async)]
pub fn list_batches(state: State<'_, AppState>) -> Reply<Vec<Batch>> {
    state.with(Action::Read, |s, g| s.batches_for(g))
}

#[tauri::command(async)]
pub fn create_batch(state: State<'_, AppState>, batch: NewBatch) -> Reply<Batch> {
    state.with(Action::Handout, |s, g| s.create_batch(&g.actor, batch))
}

#[tauri::command(async)]
pub fn outstanding(state: State<'_, AppState>, query: OutstandingQuery) -> Reply<Vec<OutstandingRow>> {
    state.with(Action::Read, |s, g| s.outstanding_for(g, &query))
}

#[tauri::command(async)]
pub fn batch_stats(
    state: State<'_, AppState>,
    batches: Vec<String>,
    as_of: Option<NaiveDate>,
) -> Reply<Vec<BatchStats>> {
    state.with(Action::Read, |s, g| s.batch_stats_for(g, &batches, as_of))
}

#[tauri::command(async)]
pub fn group_completion(
    state: State<'_, AppState>,
    batch: String,
    as_of: Option<NaiveDate>,
) -> Reply<Vec<GroupCompletion>> {
    state.with(Action::Read, |s, g| s.group_completion_for(g, &batch, as_of))
}

#[tauri::command(async)]
pub fn confirmation_curve(state: State<'_, AppState>, batch: String) -> Reply<Vec<CurvePoint>> {
    state.with(Action::Read, |s, g| s.confirmation_curve_for(g, &batch))
}

#[tauri::command(async)]
pub fn unit_receipts(state: State<'_, AppState>, code: String) -> Reply<Vec<UnitReceipt>> {
    state.with(Action::Read, |s, g| s.unit_receipts_for(g, &code))
}

#[tauri::command(async)]
pub fn unit_flags(state: State<'_, AppState>, as_of: Option<NaiveDate>) -> Reply<Vec<UnitFlag>> {
    state.with(Action::Read, |s, g| s.unit_flags_for(g, as_of))
}

#[tauri::command(async)]
pub fn get_tiers(state: State<'_, AppState>) -> Reply<Tiers> {
    state.with(Action::Read, |s, _| s.tiers())
}

#[tauri::command(async)]
pub fn set_tiers(state: State<'_, AppState>, tiers: Tiers) -> Reply<()> {
    state.with(Action::Settings, |s, g| s.set_tiers(&g.actor, &tiers))
}

#[tauri::command(async)]
pub fn get_letterhead(state: State<'_, AppState>) -> Reply<Letterhead> {
    state.with(Action::Read, |s, _| s.letterhead())
}

#[tauri::command(async)]
pub fn set_letterhead(state: State<'_, AppState>, letterhead: Letterhead) -> Reply<()> {
    state.with(Action::Settings, |s, g| s.set_letterhead(&g.actor, &letterhead))
}

/// The pages of a list as SVG images, for the preview before printing.
#[tauri::command(async)]
pub fn preview_list(state: State<'_, AppState>, list: PrintList, query: OutstandingQuery) -> Reply<Vec<String>> {
    state.with(Action::Print, |s, _| s.list_printout(list, &query)?.pages())
}

/// Saves a list (PDF; the outstanding list also as XLSX or CSV) where the
/// user chooses; returns the path, or `None` when cancelled. The core writes
/// it (never over the register or a backup) and logs it.
#[tauri::command(async)]
pub fn save_list<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    list: PrintList,
    query: OutstandingQuery,
    format: SaveFormat,
) -> Reply<Option<String>> {
    let actor = state.grant(save_action(format))?.actor;
    let stem = match list {
        PrintList::Outstanding => "danh-sach-chua-xac-nhan",
        PrintList::Calls => "danh-sach-lien-he",
        PrintList::Reminders => "giay-nhac",
    };
    let ext = format.extension();
    let day = query.as_of.unwrap_or_else(giaonhan::db::today).format("%Y-%m-%d");
    let Some(path) = ask_save_path(&app, &format!("{stem}-{day}.{ext}"), ext) else {
        return Ok(None);
    };
    state.store()?.save_list(&actor, list, &query, format, &path)?;
    Ok(Some(path.display().to_string()))
}

/// The pages of the transfer register for a period, for the preview.
#[tauri::command(async)]
pub fn preview_register(state: State<'_, AppState>, from: NaiveDate, to: NaiveDate) -> Reply<Vec<String>> {
    state.with(Action::Print, |s, _| s.register_printout(from, to)?.pages())
}

/// Saves the transfer register for a period as PDF or XLSX.
#[tauri::command(async)]
pub fn save_register_book<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    from: NaiveDate,
    to: NaiveDate,
    format: SaveFormat,
) -> Reply<Option<String>> {
    let actor = state.grant(save_action(format))?.actor;
    let ext = format.extension();
    let name = format!(
        "so-chuyen-giao-{}-{}.{ext}",
        from.format("%Y-%m-%d"),
        to.format("%Y-%m-%d")
    );
    let Some(path) = ask_save_path(&app, &name, ext) else {
        return Ok(None);
    };
    state.store()?.save_register_book(&actor, from, to, format, &path)?;
    Ok(Some(path.display().to_string()))
}

/// Printing needs the print permission, a spreadsheet the export one.
fn save_action(format: SaveFormat) -> Action {
    match format {
        SaveFormat::Pdf => Action::Print,
        SaveFormat::Xlsx | SaveFormat::Csv => Action::Export,
    }
}

/// Confirms a receipt: the owner of a single-user register as asked; a
/// signed-in account as its role allows (a secretary, their own unit only).
#[tauri::command(async)]
pub fn confirm_receipt(state: State<'_, AppState>, confirmation: Confirmation) -> Reply<()> {
    state.with(Action::ConfirmOwnUnit, |s, g| s.confirm_by(g, confirmation))
}

#[tauri::command(async)]
pub fn search_units(
    state: State<'_, AppState>,
    query: String,
    limit: usize,
    include_closed: Option<bool>,
) -> Reply<Vec<Unit>> {
    state.with(Action::Read, |s, _| {
        s.search_units_in(&query, limit, include_closed.unwrap_or(false))
    })
}

#[tauri::command(async)]
pub fn units_as_of(state: State<'_, AppState>, day: NaiveDate) -> Reply<Vec<Unit>> {
    state.with(Action::Read, |s, _| s.units_as_of(day))
}

#[tauri::command(async)]
pub fn get_unit(state: State<'_, AppState>, code: String) -> Reply<Unit> {
    state.with(Action::Read, |s, _| s.unit(&code))
}

#[tauri::command(async)]
pub fn edit_unit(state: State<'_, AppState>, edit: UnitEdit) -> Reply<Unit> {
    state.with(Action::EditRegisters, |s, g| s.edit_unit(&g.actor, edit))
}

#[tauri::command(async)]
pub fn reorganise(state: State<'_, AppState>, reorganisation: Reorganisation) -> Reply<()> {
    state.with(Action::EditRegisters, |s, g| s.reorganise(&g.actor, reorganisation))
}

#[tauri::command(async)]
pub fn unit_history(state: State<'_, AppState>, code: String) -> Reply<Vec<UnitEvent>> {
    state.with(Action::Read, |s, _| s.unit_history(&code))
}

#[tauri::command(async)]
pub fn unit_signers(state: State<'_, AppState>, code: String) -> Reply<Vec<Signer>> {
    state.with(Action::Read, |s, _| s.signers(&code))
}

#[tauri::command(async)]
pub fn set_signer(state: State<'_, AppState>, signer: NewSigner) -> Reply<()> {
    state.with(Action::EditRegisters, |s, g| s.set_signer(&g.actor, signer))
}

#[tauri::command(async)]
pub fn save_kind(state: State<'_, AppState>, old: Option<String>, name: String) -> Reply<()> {
    state.with(Action::EditRegisters, |s, g| {
        s.save_kind(&g.actor, old.as_deref(), &name)
    })
}

/// Environment variable naming a folder from which imports are opened without
/// the native dialog (unattended use, the end-to-end tests): the window then
/// names a file in that folder instead.
pub const OPEN_DIR_ENV: &str = "GIAONHAN_OPEN_DIR";

/// Asks which file to import (native dialog; or, when `GIAONHAN_OPEN_DIR` is
/// set and the window names one, that file in that folder) and keeps its
/// path here, for `import_register` to read: the file's bytes never cross
/// into the window. Returns its name and size, or `None` when cancelled.
#[tauri::command(async)]
pub fn choose_import_file<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: Option<String>,
) -> Reply<Option<ChosenFile>> {
    state.grant(Action::EditRegisters)?;
    let unattended = std::env::var_os(OPEN_DIR_ENV).filter(|d| !d.is_empty());
    let path = match (unattended, name.filter(|n| !n.is_empty())) {
        (Some(dir), Some(name)) => {
            let plain = matches!(
                Path::new(&name).components().collect::<Vec<_>>()[..],
                [std::path::Component::Normal(_)]
            );
            if !plain {
                return Err(
                    giaonhan::Error::invalid("file", format!("«{name}»: cần tên một tệp trong thư mục nhập")).into(),
                );
            }
            Some(PathBuf::from(dir).join(name))
        }
        _ => app
            .dialog()
            .file()
            .add_filter("CSV, Excel (.csv, .xlsx)", &["csv", "xlsx"])
            .blocking_pick_file()
            .and_then(|p| p.into_path().ok()),
    };
    let Some(path) = path else {
        return Ok(None);
    };
    let chosen = ChosenFile::of(&path)?;
    *state.import_file.lock().map_err(|_| poisoned())? = Some(path);
    Ok(Some(chosen))
}

/// Checks (dry run) or imports the file chosen with `choose_import_file`,
/// read from its path here.
#[tauri::command(async)]
pub fn import_register(state: State<'_, AppState>, register: Register, dry_run: bool) -> Reply<ImportReport> {
    let chosen = state.import_file.lock().map_err(|_| poisoned())?.clone();
    state.with(Action::EditRegisters, |s, g| match &chosen {
        Some(path) => s.import_chosen(&g.actor, register, path, dry_run),
        None => Err(giaonhan::Error::invalid("file", "Chọn tệp CSV hoặc XLSX cần nhập.")),
    })
}

/// Asks where to save, then writes the register (or an empty template) there.
/// Returns the path, or `None` when the user cancelled.
#[tauri::command(async)]
pub fn save_register<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    register: Register,
    template: bool,
    xlsx: bool,
) -> Reply<Option<String>> {
    let actor = state.grant(Action::Export)?.actor;
    let ext = if xlsx { "xlsx" } else { "csv" };
    let stem = match (register, template) {
        (Register::Units, false) => "don-vi",
        (Register::Units, true) => "mau-nhap-don-vi",
        (Register::Documents, false) => "van-ban",
        (Register::Documents, true) => "mau-nhap-van-ban",
    };
    let Some(path) = ask_save_path(&app, &format!("{stem}.{ext}"), ext) else {
        return Ok(None);
    };
    if template {
        Store::save_template(register, &path, Some(&state.db_path))?;
    } else {
        state.store()?.save_export(&actor, register, &path)?;
    }
    Ok(Some(path.display().to_string()))
}

#[tauri::command(async)]
pub fn get_receipt(state: State<'_, AppState>, code: String) -> Reply<ReceiptDetail> {
    state.with(Action::Read, |s, g| s.receipt_for(g, &code))
}

#[tauri::command(async)]
pub fn undo_confirmation(state: State<'_, AppState>, receipt: Confirmation, reason: String) -> Reply<()> {
    state.with(Action::ConfirmAny, |s, g| {
        s.undo_confirmation(&g.actor, receipt, &reason)
    })
}

#[tauri::command(async)]
pub fn cancel_batch(state: State<'_, AppState>, code: String, reason: String) -> Reply<()> {
    state.with(Action::Handout, |s, g| s.cancel_batch(&g.actor, &code, &reason))
}

#[tauri::command(async)]
pub fn edit_batch(
    state: State<'_, AppState>,
    code: String,
    title: Option<String>,
    due_on: Option<NaiveDate>,
    reason: String,
) -> Reply<Batch> {
    state.with(Action::Handout, |s, g| {
        s.edit_batch(&g.actor, &code, title.as_deref(), due_on, &reason)
    })
}

/// Environment variable naming a folder where saves go without asking:
/// for unattended use (kiosk set-ups, the end-to-end tests), never required.
pub const SAVE_DIR_ENV: &str = "GIAONHAN_SAVE_DIR";

/// Asks the user where to save `file_name` (native dialog, which asks before
/// replacing a file), or uses the folder in `GIAONHAN_SAVE_DIR` when set —
/// there under a fresh name ("name (2).pdf") rather than replacing a file
/// nobody confirmed. `None`: the user cancelled.
fn ask_save_path<R: Runtime>(app: &AppHandle<R>, file_name: &str, ext: &str) -> Option<std::path::PathBuf> {
    if let Some(dir) = std::env::var_os(SAVE_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(giaonhan::files::fresh_path(
            &std::path::PathBuf::from(dir).join(file_name),
        ));
    }
    app.dialog()
        .file()
        .set_file_name(file_name)
        .add_filter(ext.to_uppercase(), &[ext])
        .blocking_save_file()
        .and_then(|p| p.into_path().ok())
}

/// Prints the delivery slips of a batch (every unit's, or one `unit`'s) to a
/// PDF the user saves; returns the path, or `None` when cancelled.
#[tauri::command(async)]
pub fn save_slips<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    batch: String,
    per_page: u8,
    unit: Option<String>,
) -> Reply<Option<String>> {
    let actor = state.grant(Action::Print)?.actor;
    let stem = match &unit {
        Some(u) => format!("{batch}-{u}"),
        None => batch.clone(),
    };
    let file_name = format!("phieu-giao-nhan-{}.pdf", giaonhan::text::file_stem(&stem));
    let Some(path) = ask_save_path(&app, &file_name, "pdf") else {
        return Ok(None);
    };
    state
        .store()?
        .save_slips(&actor, &batch, unit.as_deref(), per_page, &path)?;
    Ok(Some(path.display().to_string()))
}

/// The first pages of a batch's delivery slips (every unit's, or one
/// `unit`'s) as SVG images, for the preview before printing, with the units.
#[tauri::command(async)]
pub fn preview_slips(
    state: State<'_, AppState>,
    batch: String,
    per_page: u8,
    unit: Option<String>,
) -> Reply<SlipPreview> {
    state.with(Action::Print, |s, _| s.slip_pages(&batch, unit.as_deref(), per_page))
}

// ---- accounts and sign-in (the policy is `giaonhan::access`) -----------------

#[tauri::command(async)]
pub fn auth_status(state: State<'_, AppState>) -> Reply<AuthStatus> {
    Ok(state.access.status(&*state.store()?)?)
}

#[tauri::command(async)]
pub fn create_first_admin(state: State<'_, AppState>, account: NewAccount) -> Reply<Session> {
    Ok(state.access.create_first_admin(&mut *state.store()?, account)?)
}

#[tauri::command(async)]
pub fn login(state: State<'_, AppState>, username: String, password: String) -> Reply<Session> {
    Ok(state.access.login(&mut *state.store()?, &username, &password)?)
}

#[tauri::command(async)]
pub fn logout(state: State<'_, AppState>) -> Reply<()> {
    state.access.sign_out();
    Ok(())
}

#[tauri::command(async)]
pub fn add_account(state: State<'_, AppState>, account: NewAccount) -> Reply<Account> {
    state.with(Action::ManageAccounts, |s, g| {
        s.add_account(g.session.as_ref(), &g.actor, account)
    })
}

#[tauri::command(async)]
pub fn list_accounts(state: State<'_, AppState>) -> Reply<Vec<Account>> {
    state.with(Action::ManageAccounts, |s, _| s.list_accounts())
}

/// Disables, enables, resets or unlocks an account (administrator).
#[tauri::command(async)]
pub fn change_account(state: State<'_, AppState>, change: AccountChange) -> Reply<Account> {
    state.with(Action::ManageAccounts, |s, g| s.change_account(&g.actor, change))
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
    state.with(Action::ConfirmAny, |s, g| {
        state.access.confirm_with_pin(s, g, &username, &pin, confirmation)
    })
}

// ---- backups and restore ----------------------------------------------------

/// Why the database could not be opened and the backups on offer; `null`
/// when it is open (the UI then starts as usual). Never refused.
#[tauri::command(async)]
pub fn recovery_status(state: State<'_, AppState>) -> Reply<Option<Recovery>> {
    state.recovery()
}

/// The automatic backups, newest first.
#[tauri::command(async)]
pub fn list_backups(state: State<'_, AppState>) -> Reply<Vec<BackupInfo>> {
    state.with(Action::Backup, |s, _| s.backups())
}

/// Backs up now to a file the user picks (or into `GIAONHAN_SAVE_DIR`); the
/// path, or `None` when cancelled. The copy does not hold the store.
#[tauri::command(async)]
pub fn backup_now<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Reply<Option<String>> {
    let actor = state.grant(Action::Backup)?.actor;
    let file_name = format!("sogiaonhan-{}.sqlite3", chrono::Local::now().format("%Y%m%d-%H%M%S"));
    let Some(path) = ask_save_path(&app, &file_name, "sqlite3") else {
        return Ok(None);
    };
    state.backup_now(&actor, &path)?;
    Ok(Some(path.display().to_string()))
}

/// How the automatic backups are kept and how often they are made.
#[tauri::command(async)]
pub fn backup_settings(state: State<'_, AppState>) -> Reply<BackupSettings> {
    state.with(Action::Backup, |s, _| s.backup_settings())
}

#[tauri::command(async)]
pub fn set_backup_settings(state: State<'_, AppState>, settings: BackupSettings) -> Reply<()> {
    state.with(Action::Settings, |s, g| s.set_backup_settings(&g.actor, &settings))
}

/// The banner of every screen: a failed or damaged automatic backup, and
/// whether the register was closed for recovery. Never refused (the window
/// polls it, signed in or not).
#[tauri::command(async)]
pub fn backup_status(state: State<'_, AppState>) -> Reply<BackupStatus> {
    state.backup_status()
}

/// Dismisses the backup banner (the damaged copy stays marked in the list).
#[tauri::command(async)]
pub fn dismiss_backup_alert(state: State<'_, AppState>) -> Reply<()> {
    state.grant(Action::Read)?;
    *state.alert.lock().map_err(|_| poisoned())? = None;
    Ok(())
}

/// Restores an automatic backup (by its file name in the backups folder).
#[tauri::command(async)]
pub fn restore_backup(state: State<'_, AppState>, file_name: String) -> Reply<Restored> {
    state.restore(&file_name)
}

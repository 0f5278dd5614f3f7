//! The desktop app: finds the data file, opens the store before any window exists
//! (a register from an older version is upgraded behind a window that says so),
//! and builds a Tauri app whose commands are one-line adapters over the `giaonhan`
//! core (see `commands/`, one file per area). `run_app` is generic over the runtime
//! so the IPC tests can build the very same app on `tauri::test::mock_builder()`.

mod commands;
mod memory;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use giaonhan::Store;
use tauri::Runtime;

pub use commands::AppState;

/// The command-line option that overrides where the data file lives.
pub const DB_ARG: &str = "--db";

/// The window title, also used for error dialogs.
const APP_NAME: &str = "Sổ Giao Nhận";

/// Starts the app: resolves the data file, opens it, then opens the window
/// (a register from an older version opens behind the window, which says
/// that it is being upgraded).
/// When the data file is bad (damaged, truncated, newer, not a database), the
/// window opens on the recovery screen (the problem, the file, the backups to
/// restore); without a display, or for another problem (busy, disk), the app
/// says why (and which backup to restore) and exits with a failure code. The
/// file itself is never touched in that case.
pub fn run() -> ExitCode {
    // First, before any thread starts: they change the allocator's settings
    // and the environment.
    memory::few_arenas();
    #[cfg(target_os = "linux")]
    draw_without_compositing();
    let path = match resolve_db_path(std::env::args_os().skip(1), std::env::var_os(giaonhan::DB_ENV)) {
        Ok(path) => path,
        Err(message) => return fail(&message),
    };
    // A register from an older version is upgraded behind the window, which
    // says so meanwhile (a province's ten years take minutes, once); without
    // a display, here, as it opens.
    let upgrade = giaonhan::backup::upgrade_pending(&path).filter(|_| has_display());
    // The register, or the recovery screen (a bad file; a missing file while
    // backups of it exist); a new register only when neither file nor backup.
    let state = if let Some(from) = upgrade {
        AppState::upgrading(path.clone(), from)
    } else {
        match giaonhan::backup::open_or_recover(&path) {
            Ok(giaonhan::backup::Opened::Open(store)) => AppState::new(store),
            Ok(giaonhan::backup::Opened::Recovering(rec)) if has_display() => {
                eprintln!("{APP_NAME}: {}", rec.problem);
                AppState::recovering(path.clone(), rec.problem)
            }
            Ok(giaonhan::backup::Opened::Recovering(rec)) => {
                return fail(&format!(
                    "Không mở được dữ liệu nên ứng dụng sẽ đóng lại.\n\n{}\n\nTệp dữ liệu: {}\n\
                     Có thể chọn tệp khác bằng tham số {DB_ARG} ĐƯỜNG_DẪN hoặc biến môi trường {}.\n{}",
                    rec.problem,
                    path.display(),
                    giaonhan::DB_ENV,
                    restore_offer(&path)
                ));
            }
            Err(e) => {
                return fail(&format!(
                    "Không mở được dữ liệu nên ứng dụng sẽ đóng lại.\n\n{e}\n\nTệp dữ liệu: {}\n\
                     Có thể chọn tệp khác bằng tham số {DB_ARG} ĐƯỜNG_DẪN hoặc biến môi trường {}.",
                    path.display(),
                    giaonhan::DB_ENV,
                ));
            }
        }
    };
    match command_runtime() {
        Ok(runtime) => tauri::async_runtime::set(runtime.handle().clone()),
        Err(e) => eprintln!("{APP_NAME}: {e}"),
    }
    match run_app_with(tauri::Builder::default(), context(), state) {
        Ok(app) => {
            let read_ahead = upgrade.is_none();
            if !read_ahead {
                spawn_upgrade(app.handle().clone());
            }
            spawn_automatic_backups(app.handle().clone());
            app.run(move |app, event| {
                // Once the window is made (`Ready` comes after the windows of
                // the configuration are built), not beside it: on two cores
                // the read took the CPU the window was being made with, and
                // its page started about 30 ms later (BENCHMARKS.md).
                if read_ahead && matches!(event, tauri::RunEvent::Ready) {
                    spawn_first_view(app.clone());
                }
            });
            ExitCode::SUCCESS
        }
        Err(e) => fail(&format!("Không khởi động được cửa sổ ứng dụng: {e}")),
    }
}

/// Worker threads of the runtime the commands run on.
const COMMAND_THREADS: usize = 8;

/// The runtime Tauri runs the commands on: its own default has a worker
/// thread per core, and every command of the app blocks one while it runs
/// (SQLite, the store's lock, a whole printout). On a two-core office PC, a
/// long preview holding the store and one request waiting for it took both,
/// and "Dừng" waited for the preview to end. Kept for the life of the app.
fn command_runtime() -> std::io::Result<&'static tokio::runtime::Runtime> {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    if let Some(runtime) = RUNTIME.get() {
        return Ok(runtime);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(COMMAND_THREADS)
        .thread_name("command")
        .enable_all()
        .build()?;
    Ok(RUNTIME.get_or_init(|| runtime))
}

/// Builds the app around an open store: state, commands, and the configuration,
/// capabilities and UI assets in `context`.
pub fn run_app<R: Runtime>(
    builder: tauri::Builder<R>,
    context: tauri::Context<R>,
    store: Store,
) -> tauri::Result<tauri::App<R>> {
    run_app_with(builder, context, AppState::new(store))
}

/// Builds the app around its state: an open store, the recovery state of a
/// database that could not be opened, or a register being upgraded.
pub fn run_app_with<R: Runtime>(
    builder: tauri::Builder<R>,
    context: tauri::Context<R>,
    state: AppState,
) -> tauri::Result<tauri::App<R>> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .setup(|app| {
            use tauri::Manager;
            if let Some(window) = app.get_webview_window("main") {
                // A window that does not fit is a nuisance, never a reason not to start.
                if let Err(e) = fit_to_screen(&window) {
                    eprintln!("{APP_NAME}: không chỉnh được cỡ cửa sổ theo màn hình: {e}");
                }
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::start::upgrade_status,
            commands::start::app_status,
            commands::start::load_demo,
            commands::start::first_screen_shown,
            commands::start::outside_changes,
            commands::units::list_units,
            commands::units::add_unit,
            commands::units::list_kinds,
            commands::units::unit_receipts,
            commands::units::unit_flags,
            commands::units::search_units,
            commands::units::units_as_of,
            commands::units::get_unit,
            commands::units::edit_unit,
            commands::units::reorganise,
            commands::units::unit_history,
            commands::units::unit_signers,
            commands::units::set_signer,
            commands::units::save_kind,
            commands::documents::list_documents,
            commands::documents::add_document,
            commands::documents::document_copies,
            commands::documents::copies_held,
            commands::documents::list_recalls,
            commands::documents::received_recalls,
            commands::documents::create_recall,
            commands::documents::return_copies,
            commands::batches::list_batches,
            commands::batches::create_batch,
            commands::batches::confirm_receipt,
            commands::batches::get_receipt,
            commands::batches::undo_confirmation,
            commands::batches::cancel_batch,
            commands::batches::edit_batch,
            commands::lists::outstanding,
            commands::lists::outstanding_page,
            commands::lists::batch_stats,
            commands::lists::group_completion,
            commands::lists::confirmation_curve,
            commands::lists::get_tiers,
            commands::lists::set_tiers,
            commands::lists::preview_list_pages,
            commands::lists::print_stop,
            commands::lists::save_list,
            commands::lists::preview_register,
            commands::lists::save_register_book,
            commands::lists::get_letterhead,
            commands::lists::set_letterhead,
            commands::lists::save_slips,
            commands::lists::preview_slips,
            commands::files::choose_import_file,
            commands::files::choose_plan_file,
            commands::files::reorganise_plan,
            commands::files::save_plan_template,
            commands::files::import_register,
            commands::files::save_register,
            commands::accounts::auth_status,
            commands::accounts::create_first_admin,
            commands::accounts::login,
            commands::accounts::logout,
            commands::accounts::add_account,
            commands::accounts::list_accounts,
            commands::accounts::change_account,
            commands::accounts::confirm_with_pin,
            commands::backup::recovery_status,
            commands::backup::list_backups,
            commands::backup::backup_now,
            commands::backup::backup_settings,
            commands::backup::set_backup_settings,
            commands::backup::backup_status,
            commands::backup::dismiss_backup_alert,
            commands::backup::restore_backup,
            commands::exchange::site_status,
            commands::exchange::site_init,
            commands::exchange::list_peers,
            commands::exchange::add_peer,
            commands::exchange::save_site_card_pdf,
            commands::exchange::save_site_card,
            commands::exchange::sync_send,
            commands::exchange::sync_receive,
            commands::exchange::hub_info,
            commands::exchange::set_hub,
            commands::exchange::sync_send_hub,
            commands::exchange::sync_receive_hub,
            commands::exchange::sync_stop,
            commands::exchange::child_reports,
            commands::exchange::inbox,
            commands::study::list_campaigns,
            commands::study::create_campaign,
            commands::study::study_summary,
            commands::study::report_study,
            commands::study::save_study,
            commands::study::save_study_reminders,
            commands::study::preview_study_reminders,
        ])
        .build(context)
}

/// How the window opens on a screen whose work area (the screen less its
/// panels and task bar) measures `work`, both in logical pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WindowFit {
    /// The configured size fits with room for the window's frame: keep it.
    Keep,
    /// It does not (a 1366×768 laptop): fill the work area, maximised.
    Fill,
}

/// Room left for the window's title bar and borders around the configured size.
const FRAME_ROOM: f64 = 48.0;

/// Whether a window of `size` (the configured default) fits on `work`.
pub fn window_fit(size: (f64, f64), work: (f64, f64)) -> WindowFit {
    if size.0 + FRAME_ROOM <= work.0 && size.1 + FRAME_ROOM <= work.1 {
        WindowFit::Keep
    } else {
        WindowFit::Fill
    }
}

/// Sizes the window to the screen it opens on: the configured 1200×800 where
/// that fits, else the whole work area (maximised where a window manager
/// honours it; set explicitly where none does).
fn fit_to_screen<R: Runtime>(window: &tauri::WebviewWindow<R>) -> tauri::Result<()> {
    let monitor = match window.current_monitor()? {
        Some(m) => m,
        None => match window.primary_monitor()? {
            Some(m) => m,
            None => return Ok(()),
        },
    };
    let scale = monitor.scale_factor();
    let area = monitor.work_area();
    let work = area.size.to_logical::<f64>(scale);
    let size = window.inner_size()?.to_logical::<f64>(scale);
    if window_fit((size.width, size.height), (work.width, work.height)) == WindowFit::Fill {
        window.set_position(area.position)?;
        window.set_size(area.size)?;
        window.maximize()?;
    }
    Ok(())
}

/// The app's configuration (`tauri.conf.json`), capabilities and embedded UI.
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Where the data file is: `--db PATH` (or `--db=PATH`) among `args`, else the
/// environment value `env` (`GIAONHAN_DB`), else the OS per-user data folder.
/// Other arguments are ignored (the OS or a WebDriver may add its own).
pub fn resolve_db_path(args: impl IntoIterator<Item = OsString>, env: Option<OsString>) -> Result<PathBuf, String> {
    let mut args = args.into_iter();
    let mut from_args = None;
    while let Some(arg) = args.next() {
        if arg == DB_ARG {
            match args.next() {
                Some(value) if !value.is_empty() => from_args = Some(PathBuf::from(value)),
                _ => return Err(format!("Thiếu đường dẫn tệp dữ liệu sau {DB_ARG}.")),
            }
        } else if let Some(value) = arg
            .to_str()
            .and_then(|a| a.strip_prefix(DB_ARG))
            .and_then(|rest| rest.strip_prefix('='))
        {
            if value.is_empty() {
                return Err(format!("Thiếu đường dẫn tệp dữ liệu sau {DB_ARG}=."));
            }
            from_args = Some(PathBuf::from(value));
        }
    }
    if let Some(path) = from_args {
        return Ok(path);
    }
    if let Some(value) = env.filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(value));
    }
    giaonhan::default_db_path().map_err(|e| format!("Không xác định được thư mục dữ liệu của người dùng: {e}"))
}

/// How often the app checks whether the daily backup is due.
const BACKUP_CHECK: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// How long the start backup waits for the window's first screen at most.
const FIRST_SCREEN_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Reads the first screen's rows on a thread of its own while the window's
/// web engine starts and its page loads (they take longer): the window's
/// first request then gets them at once. A failure only costs that.
fn spawn_first_view<R: Runtime>(app: tauri::AppHandle<R>) {
    in_background(app, "first-view", AppState::prepare_first_view);
}

/// Upgrades the register of an older version on a thread of its own while
/// the window says so (`upgrade_status`), then reads the first screen's rows.
fn spawn_upgrade<R: Runtime>(app: tauri::AppHandle<R>) {
    in_background(app, "upgrade", |state| {
        state.finish_upgrade()?;
        state.prepare_first_view()
    });
}

/// Runs `work` on the app's state on a thread named `name`; what goes wrong
/// is printed (the window learns of it through its own requests).
fn in_background<R: Runtime>(
    app: tauri::AppHandle<R>,
    name: &str,
    work: impl FnOnce(&AppState) -> giaonhan::Result<()> + Send + 'static,
) {
    use tauri::Manager;
    let spawned = std::thread::Builder::new().name(name.into()).spawn(move || {
        if let Err(e) = work(&app.state::<AppState>()) {
            eprintln!("{APP_NAME}: {e}");
        }
    });
    if let Err(e) = spawned {
        eprintln!("{APP_NAME}: {e}");
    }
}

/// The automatic backups of a running app, on a thread of their own (they
/// read through their own connections, so the window never waits): the
/// start backup (only when the newest good one is older than the interval;
/// otherwise the background check of a large register), then the daily one
/// whenever due, looked at every hour. A failed or damaged copy is shown in
/// the window (`backup_status`), damage in the register opens the recovery
/// screen.
fn spawn_automatic_backups<R: Runtime>(app: tauri::AppHandle<R>) {
    use tauri::Manager;
    let spawned = std::thread::Builder::new().name("backups".into()).spawn(move || {
        let mut reason = giaonhan::backup::BackupReason::Start;
        // An upgrade made its own backup, and the window's first screen
        // comes only after it.
        if let Err(e) = app.state::<AppState>().wait_upgraded() {
            eprintln!("{APP_NAME}: {e}");
        }
        // The start backup (or check) reads the whole file: after the first
        // screen, which it would otherwise slow down on a large register.
        if let Err(e) = app.state::<AppState>().wait_first_screen(FIRST_SCREEN_WAIT) {
            eprintln!("{APP_NAME}: {e}");
        }
        loop {
            let state = app.state::<AppState>();
            if let Err(e) = state.automatic_backup(reason) {
                eprintln!("{APP_NAME}: sao lưu tự động không thành công: {e}");
            }
            reason = giaonhan::backup::BackupReason::Daily;
            std::thread::sleep(BACKUP_CHECK);
        }
    });
    if let Err(e) = spawned {
        eprintln!("{APP_NAME}: không chạy được sao lưu tự động: {e}");
    }
}

/// The latest automatic backup and how to restore it, for the message of an
/// app that cannot show its window.
fn restore_offer(db: &std::path::Path) -> String {
    match giaonhan::backup::latest_good(db) {
        Ok(Some(b)) => format!(
            "Bản sao lưu tự động tốt mới nhất: {}. Mở ứng dụng trên màn hình để khôi phục nó, \
             hoặc dùng lệnh: giaonhan --db \"{}\" restore \"{}\"",
            b.path,
            db.display(),
            b.path
        ),
        Ok(None) => format!(
            "Không có bản sao lưu tự động tốt nào trong {}.",
            giaonhan::backup::backup_dir(db).display()
        ),
        Err(e) => e.to_string(),
    }
}

/// WebKitGTK's compositing mode, unless the user chose one: off.
///
/// By default WebKitGTK composites the page with OpenGL. On a PC without a
/// usable GPU (software OpenGL, as in virtual machines and on many office
/// PCs) the compositor's first frame takes hundreds of milliseconds, and the
/// frame with the first screen's rows waits for it: measured on the
/// province register, the rows were painted 300–400 ms after they were in
/// the page, against a few milliseconds without compositing, and the
/// window's processes held about 110 MB more. The app's screens are tables
/// and forms, which need no compositing. A value the user set for
/// `WEBKIT_DISABLE_COMPOSITING_MODE` is left as it is.
///
/// In this mode an idle page paints no frame, and WebKit's snapshot of the
/// view (what a WebDriver screenshot takes; the window never asks for one)
/// waits for the next: the window tests keep the page painting while they
/// take one (`tests/src/e2e.rs`, `screenshot`).
#[cfg(target_os = "linux")]
fn draw_without_compositing() {
    const VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    if std::env::var_os(VAR).is_none() {
        std::env::set_var(VAR, "1");
    }
}

/// Whether a window can be shown (on Linux, an X11 or Wayland display).
fn has_display() -> bool {
    #[cfg(target_os = "linux")]
    {
        std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty())
            || std::env::var_os("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty())
    }
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

/// Tells the user why the app cannot start (stderr and, when possible, a native
/// message box) and returns the failure exit code.
fn fail(message: &str) -> ExitCode {
    eprintln!("{APP_NAME}: {message}");
    show_error_dialog(message);
    ExitCode::FAILURE
}

/// Set to any value to skip the message box (tests that expect the app to refuse
/// a file run it without anyone to click "OK").
const NO_DIALOG_ENV: &str = "GIAONHAN_NO_DIALOG";

#[cfg(any(target_os = "linux", target_os = "windows", target_os = "macos"))]
fn show_error_dialog(message: &str) {
    if std::env::var_os(NO_DIALOG_ENV).is_some() {
        return;
    }
    #[cfg(target_os = "linux")]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        return;
    }
    rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title(APP_NAME)
        .set_description(message)
        .set_buttons(rfd::MessageButtons::Ok)
        .show();
}

#[cfg(not(any(target_os = "linux", target_os = "windows", target_os = "macos")))]
fn show_error_dialog(_message: &str) {
    let _ = NO_DIALOG_ENV;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn db_argument_wins_over_environment() {
        let path = resolve_db_path(args(&["--db", "/a/b.sqlite3"]), Some("/env.sqlite3".into()));
        assert_eq!(path, Ok(PathBuf::from("/a/b.sqlite3")));
    }

    #[test]
    fn db_argument_with_equals_sign() {
        let path = resolve_db_path(args(&["--db=/a/c.sqlite3"]), None);
        assert_eq!(path, Ok(PathBuf::from("/a/c.sqlite3")));
    }

    #[test]
    fn environment_used_without_argument() {
        let path = resolve_db_path(args(&["--other"]), Some("/env.sqlite3".into()));
        assert_eq!(path, Ok(PathBuf::from("/env.sqlite3")));
    }

    #[test]
    fn missing_value_is_an_error() {
        let err = resolve_db_path(args(&["--db"]), None).expect_err("--db needs a value");
        assert!(err.contains("--db"), "{err}");
        assert!(resolve_db_path(args(&["--db="]), None).is_err());
    }

    #[test]
    fn the_default_window_fits_a_large_screen_and_fills_a_small_one() {
        let default = (1200.0, 800.0);
        assert_eq!(window_fit(default, (1920.0, 1040.0)), WindowFit::Keep);
        assert_eq!(window_fit(default, (1280.0, 1024.0)), WindowFit::Keep);
        // A 1366×768 laptop, with or without a task bar.
        assert_eq!(window_fit(default, (1366.0, 768.0)), WindowFit::Fill);
        assert_eq!(window_fit(default, (1366.0, 728.0)), WindowFit::Fill);
        // Narrow but tall.
        assert_eq!(window_fit(default, (1024.0, 1280.0)), WindowFit::Fill);
    }

    #[test]
    fn default_path_without_argument_or_environment() {
        let path = resolve_db_path(args(&[]), Some(OsString::new())).expect("default path");
        assert_eq!(path, giaonhan::default_db_path().expect("default path"));
    }
}

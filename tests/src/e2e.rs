//! The end-to-end plumbing shared by the window tests (`tests/e2e.rs`,
//! `tests/e2e_registers.rs`): the real app binary in a real window, driven through
//! tauri-driver + WebKitWebDriver with `fantoccini`.
//!
//! Each test gets its own database file (`GIAONHAN_DB`), its own XDG folders (so
//! WebKit writes nothing into `$HOME`), its own free WebDriver ports, and a
//! display: the one from `xvfb-run -a` (as `make test` runs it) or, without a
//! `DISPLAY`, an Xvfb started here. Helpers wait for the UI like a user would
//! and fail with the app's error summary when it refuses input.

use std::future::Future;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::Days;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// How long to wait for the UI to react before failing.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// One app at a time: two WebKit processes on a two-core machine slow each other
/// down enough to hit timeouts.
pub static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A spawned process (with its process group) that is stopped when dropped, also
/// when the test panics; then its log is printed so the failure can be read.
pub struct Guard {
    name: &'static str,
    child: Child,
    log: Option<PathBuf>,
}

impl Guard {
    pub fn spawn(name: &'static str, mut cmd: Command, log: Option<PathBuf>) -> Guard {
        if let Some(log) = &log {
            let file = std::fs::File::create(log).expect("create a log file");
            let err = file.try_clone().expect("clone the log file handle");
            cmd.stdout(Stdio::from(file)).stderr(Stdio::from(err));
        } else {
            cmd.stdout(Stdio::null()).stderr(Stdio::null());
        }
        // Own process group: WebKitWebDriver and the app inherit it, so one
        // signal stops all three.
        cmd.process_group(0);
        let child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Guard { name, child, log }
    }

    fn signal_group(&self, signal: libc::c_int) {
        if let Ok(pid) = libc::pid_t::try_from(self.child.id()) {
            // SAFETY: kill(2) with a negative pid signals our child's process
            // group; it has no memory-safety preconditions.
            unsafe {
                libc::kill(-pid, signal);
            }
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.signal_group(libc::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.signal_group(libc::SIGKILL);
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            if let Some(log) = &self.log {
                let text = std::fs::read_to_string(log).unwrap_or_default();
                eprintln!("----- {} log ({}) -----\n{text}", self.name, log.display());
            }
        }
    }
}

/// Two different free TCP ports on the loopback interface, for tauri-driver
/// and the native driver it starts (both listeners are held until both are
/// found, so that the two cannot be the same).
pub fn free_port_pair() -> (u16, u16) {
    let bind = || TcpListener::bind(("127.0.0.1", 0)).expect("bind a free port");
    let (a, b) = (bind(), bind());
    let port = |l: &TcpListener| l.local_addr().expect("local address").port();
    (port(&a), port(&b))
}

/// The tauri-driver executable: on PATH, else in Cargo's bin folder.
pub fn tauri_driver() -> PathBuf {
    let name = "tauri-driver";
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join(name)).collect::<Vec<_>>())
        .unwrap_or_default();
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    on_path
        .into_iter()
        .chain(cargo_home.map(|c| c.join("bin").join(name)))
        .find(|p| p.is_file())
        .expect("tauri-driver not found: install it with `cargo install tauri-driver --locked` (scripts/setup.sh does)")
}

/// The X display to use: `DISPLAY` when set (xvfb-run), else a private Xvfb.
pub fn display(work: &Path) -> (String, Option<Guard>) {
    if let Some(d) = std::env::var_os("DISPLAY").filter(|d| !d.is_empty()) {
        return (d.to_string_lossy().into_owned(), None);
    }
    let (display, guard) = private_display(work, (1280, 1024));
    (display, Some(guard))
}

/// A private Xvfb with one screen of `width`×`height` pixels.
pub fn private_display(work: &Path, (width, height): (u32, u32)) -> (String, Guard) {
    let n = (99..199)
        .find(|n| {
            !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
        })
        .expect("a free X display number");
    let mut cmd = Command::new("Xvfb");
    cmd.arg(format!(":{n}"))
        .args(["-screen", "0", &format!("{width}x{height}x24"), "-nolisten", "tcp"]);
    let guard = Guard::spawn("Xvfb", cmd, Some(work.join("xvfb.log")));
    let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
    let deadline = Instant::now() + TIMEOUT;
    while !socket.exists() {
        assert!(
            Instant::now() < deadline,
            "Xvfb did not start; run the test under `xvfb-run -a`"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (format!(":{n}"), guard)
}

/// A running app with a WebDriver session on it and its own database.
pub struct Session {
    pub client: Client,
    /// The database file the app uses (`GIAONHAN_DB`).
    pub db: PathBuf,
    work: tempfile::TempDir,
    // Dropped after `client` is closed, in this order.
    _driver: Guard,
    _xvfb: Option<Guard>,
}

/// The size of the window every test runs in: a common office laptop screen.
pub const WINDOW: (u32, u32) = (1366, 768);

/// Starts the app with no database file yet: it creates an empty one (the
/// first start).
pub async fn start() -> Session {
    start_prepared(|_, _| {}).await
}

/// Starts the app after `prepare` has been given the path of a new, empty
/// database (created as `giaonhan init` does: every CLI command but `init`
/// refuses a missing file) and the test's folder, e.g. to fill the database
/// with the CLI first.
pub async fn start_with(prepare: impl FnOnce(&Path, &Path)) -> Session {
    start_prepared(|db, work| {
        new_register(db);
        prepare(db, work);
    })
    .await
}

/// A new register at `db`, with the sample office's letterhead given (as an
/// office does once, before anything prints).
fn new_register(db: &Path) {
    let mut store = giaonhan::Store::open(db).expect("create the database");
    store
        .set_letterhead(&giaonhan::Actor::cli(), &giaonhan::print::Letterhead::sample())
        .expect("give the letterhead");
}

/// Starts the app after `prepare` has been given the database path (absent)
/// and the test's folder. The window is then set to [`WINDOW`] (1366×768), so
/// that layouts and screenshots are those of a small office screen.
pub async fn start_prepared(prepare: impl FnOnce(&Path, &Path)) -> Session {
    let s = launch(prepare, None).await;
    s.client
        .set_window_size(WINDOW.0, WINDOW.1)
        .await
        .expect("set the window to 1366×768");
    until("the window to take its test size", || async {
        let (w, h) = inner_size(&s.client).await;
        // The window's frame (none under a bare X server) may take a little.
        (w > 1300 && h > 680).then_some(())
    })
    .await;
    s
}

/// Like [`start_with`], on a private X screen of `width`×`height` pixels, and
/// leaves the window as the app sized it (the window's own fit to the screen).
pub async fn start_on_screen(width: u32, height: u32, prepare: impl FnOnce(&Path, &Path)) -> Session {
    let prepare = |db: &Path, work: &Path| {
        new_register(db);
        prepare(db, work);
    };
    launch(prepare, Some((width, height))).await
}

/// The page's viewport (`innerWidth`, `innerHeight`) in CSS pixels.
pub async fn inner_size(c: &Client) -> (u64, u64) {
    let v = js(c, "return [window.innerWidth, window.innerHeight];", vec![]).await;
    (v[0].as_u64().unwrap_or(0), v[1].as_u64().unwrap_or(0))
}

/// Starts `app` (an installed copy of the app rather than the one built
/// here) on a new register, as [`start_with`] does.
pub async fn start_binary(app: &Path, prepare: impl FnOnce(&Path, &Path)) -> Session {
    let prepare = |db: &Path, work: &Path| {
        new_register(db);
        prepare(db, work);
    };
    launch_app(app, prepare, None).await
}

/// Waits until tauri-driver listens on `port` and the WebKitWebDriver it
/// starts listens on `native_port`. tauri-driver listens at once but does not
/// wait for the native driver: a session asked for before that one listens
/// fails ("connection refused" in tauri-driver's log).
pub fn drivers_listening(port: u16, native_port: u16, timeout: Duration) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    for (what, port) in [("tauri-driver", port), ("WebKitWebDriver", native_port)] {
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err(format!("{what} did not listen on port {port} within {timeout:?}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    Ok(())
}

async fn launch(prepare: impl FnOnce(&Path, &Path), screen: Option<(u32, u32)>) -> Session {
    launch_app(&crate::binary("sogiaonhan"), prepare, screen).await
}

async fn launch_app(app: &Path, prepare: impl FnOnce(&Path, &Path), screen: Option<(u32, u32)>) -> Session {
    let work = tempfile::tempdir().expect("create temp dir");
    let db = work.path().join("data").join("e2e.sqlite3");
    prepare(&db, work.path());
    let (display, xvfb) = match screen {
        Some(size) => {
            let (display, guard) = private_display(work.path(), size);
            (display, Some(guard))
        }
        None => display(work.path()),
    };
    let (port, native_port) = free_port_pair();

    let mut cmd = Command::new(tauri_driver());
    cmd.arg("--port")
        .arg(port.to_string())
        .arg("--native-port")
        .arg(native_port.to_string())
        .env("DISPLAY", &display)
        .env("GIAONHAN_DB", &db)
        .env("XDG_DATA_HOME", work.path().join("xdg-data"))
        .env("XDG_CACHE_HOME", work.path().join("xdg-cache"))
        .env("XDG_CONFIG_HOME", work.path().join("xdg-config"))
        // No accessibility bus under Xvfb: do not wait for one.
        .env("NO_AT_BRIDGE", "1")
        .env("GDK_BACKEND", "x11")
        .env("GIAONHAN_NO_DIALOG", "1")
        .env_remove("WAYLAND_DISPLAY");
    let driver = Guard::spawn("tauri-driver", cmd, Some(work.path().join("tauri-driver.log")));

    drivers_listening(port, native_port, TIMEOUT).unwrap_or_else(|e| panic!("{e}"));

    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("wry"));
    caps.insert(
        "tauri:options".into(),
        json!({ "application": app.to_string_lossy(), "args": [] }),
    );
    let client = ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("start a WebDriver session on the app");
    Session {
        client,
        db,
        work,
        _driver: driver,
        _xvfb: xvfb,
    }
}

impl Session {
    /// The test's private folder (database, XDG folders, logs): a place for input files.
    pub fn work_dir(&self) -> &Path {
        self.work.path()
    }

    /// Ends the WebDriver session (closes the app) and returns the database path;
    /// the temp dir lives as long as the returned guard.
    pub async fn finish(self) -> (PathBuf, tempfile::TempDir) {
        let Session {
            client,
            db,
            work,
            _driver,
            _xvfb,
        } = self;
        client.close().await.expect("close the WebDriver session");
        drop(_driver);
        drop(_xvfb);
        (db, work)
    }
}

/// Polls `check` until it yields a value; fails with `what` after `TIMEOUT`.
pub async fn until<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs a script in the page and returns its JSON result.
pub async fn js(c: &Client, script: &str, args: Vec<Value>) -> Value {
    c.execute(script, args)
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

/// Whether an element matching `css` exists and is rendered.
pub async fn visible(c: &Client, css: &str) -> bool {
    js(
        c,
        "const e = document.querySelector(arguments[0]); \
         return !!e && !e.closest('[hidden]') && e.getClientRects().length > 0;",
        vec![json!(css)],
    )
    .await
        == json!(true)
}

/// The error summary's text when it is shown, for failure messages. One
/// script reads both whether it is shown and its text, so a summary cleared
/// between two reads is never seen half (its heading without its list).
pub async fn shown_error(c: &Client) -> Option<String> {
    let text = js(
        c,
        "const e = document.querySelector('#error-summary'); \
         if (!e || e.closest('[hidden]') || e.getClientRects().length === 0) return null; \
         return e.textContent.trim();",
        vec![],
    )
    .await;
    text.as_str().filter(|t| !t.is_empty()).map(str::to_owned)
}

/// Waits for a visible element; on timeout, says why it is not (absent,
/// under which hidden ancestor, or not rendered) and which screen is shown.
pub async fn wait_visible(c: &Client, css: &str) {
    let deadline = Instant::now() + TIMEOUT;
    while !visible(c, css).await {
        if Instant::now() >= deadline {
            let why = js(
                c,
                "const e = document.querySelector(arguments[0]); \
                 const shown = [...document.querySelectorAll('.screen')] \
                   .filter((s) => !s.hidden).map((s) => s.id).join(', '); \
                 if (!e) return `absent; screens shown: ${shown}`; \
                 const h = e.closest('[hidden]'); \
                 if (h) return `under hidden <${h.tagName.toLowerCase()} id=${h.id}>; screens shown: ${shown}`; \
                 return `not rendered (display: ${getComputedStyle(e).display}); screens shown: ${shown}`;",
                vec![json!(css)],
            )
            .await;
            panic!(
                "timed out waiting for {css} to be visible: {}",
                why.as_str().unwrap_or("?")
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Types `text` into the field `css` like a user: clear, then keystrokes.
pub async fn type_into(c: &Client, css: &str, text: &str) {
    wait_visible(c, css).await;
    let field = c.find(Locator::Css(css)).await.expect("find the field");
    field.clear().await.expect("clear the field");
    field.send_keys(text).await.expect("type into the field");
    let value = field.prop("value").await.expect("read the field").unwrap_or_default();
    assert_eq!(value, text, "the field {css} holds what was typed");
}

/// Sets a date field (`YYYY-MM-DD`): a date picker takes no free typing in every
/// engine, so the value is set as the picker would and the events are fired.
pub async fn set_date(c: &Client, css: &str, date: &str) {
    wait_visible(c, css).await;
    let value = js(
        c,
        "const e = document.querySelector(arguments[0]); e.focus(); e.value = arguments[1]; \
         e.dispatchEvent(new Event('input', { bubbles: true })); \
         e.dispatchEvent(new Event('change', { bubbles: true })); return e.value;",
        vec![json!(css), json!(date)],
    )
    .await;
    assert_eq!(value, json!(date), "the date field {css} holds the date");
}

/// Sends keys to the focused element, as a user typing.
pub async fn press(c: &Client, keys: &str) {
    c.active_element()
        .await
        .expect("the focused element")
        .send_keys(keys)
        .await
        .unwrap_or_else(|e| panic!("press {keys:?}: {e}"));
}

pub async fn click(c: &Client, css: &str) {
    wait_visible(c, css).await;
    c.find(Locator::Css(css))
        .await
        .expect("find the element")
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Clicks an element below the fold like a user: scrolled into view first,
/// and clicked once the page has painted it there. A click that has to
/// scroll the page itself can land where the element was before the scroll
/// took effect (a button under 200 rows, a save button under the dashboard's
/// charts): under load such a click was lost now and then, with nothing on
/// the page to say so. Not for a list that draws more rows as its end
/// scrolls into view: there the scroll itself redraws the button.
pub async fn click_below(c: &Client, css: &str) {
    wait_visible(c, css).await;
    let element = c.find(Locator::Css(css)).await.expect("find the element");
    let arg = serde_json::to_value(&element).expect("the element as a script argument");
    c.execute_async(
        "const [e, done] = arguments; \
         e.scrollIntoView({ block: 'center', inline: 'nearest', behavior: 'instant' }); \
         const t = setTimeout(() => done(true), 1000); \
         requestAnimationFrame(() => requestAnimationFrame(() => { clearTimeout(t); done(true); }));",
        vec![arg],
    )
    .await
    .unwrap_or_else(|e| panic!("bring {css} into view: {e}"));
    element.click().await.unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Clicks `submit` and waits until `done` is visible; fails with the error
/// summary's text if the app shows one instead.
pub async fn submit_until(c: &Client, submit: &str, done: &str) {
    click(c, submit).await;
    until(&format!("{done} after clicking {submit}"), || async {
        if visible(c, done).await {
            return Some(());
        }
        if let Some(err) = shown_error(c).await {
            panic!("the app refused the input: {err}");
        }
        None
    })
    .await;
}

/// The text of `#status`.
pub async fn status_text(c: &Client) -> String {
    let text = js(
        c,
        "return (document.querySelector('#status')?.textContent ?? '').trim();",
        vec![],
    )
    .await;
    text.as_str().unwrap_or_default().to_owned()
}

/// Clicks `submit` and waits until `#status` reports something new; fails with
/// the error summary's text if the app shows one instead.
pub async fn submit_until_status(c: &Client, submit: &str) -> String {
    let before = status_text(c).await;
    click(c, submit).await;
    until(&format!("a new #status message after clicking {submit}"), || async {
        if let Some(err) = shown_error(c).await {
            panic!("the app refused the input: {err}");
        }
        let now = status_text(c).await;
        (!now.is_empty() && now != before).then_some(now)
    })
    .await
}

pub async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.expect("query elements").len()
}

pub async fn open_screen(c: &Client, name: &str) {
    click(c, &format!("#nav-{name}")).await;
    wait_visible(c, &format!("#screen-{name}")).await;
}

/// Keeps the page painting until [`STOP_PAINTING`]: a pixel in the corner
/// changes its (all but transparent) colour every frame. WebKit's snapshot of
/// the view, which the WebDriver screenshot takes, waits for the page's next
/// painted frame; drawn without compositing (the app's way on Linux), an idle
/// page paints none, and the screenshot would wait for ever. A user's window
/// never asks for a snapshot.
const KEEP_PAINTING: &str = "const dot = document.createElement('div'); \
     dot.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;z-index:2147483647'; \
     document.body.append(dot); let n = 0; \
     const tick = () => { if (!dot.isConnected) return; \
       dot.style.background = (n++ % 2) ? 'rgba(0,0,0,0.004)' : 'rgba(255,255,255,0.004)'; \
       requestAnimationFrame(tick); }; \
     requestAnimationFrame(tick); window.__e2eDot = dot;";
const STOP_PAINTING: &str = "window.__e2eDot?.remove(); delete window.__e2eDot;";

/// Waits two animation frames (so the last change is painted), then saves a
/// screenshot as `target/e2e-artifacts/<name>.png`.
pub async fn screenshot(c: &Client, name: &str) -> PathBuf {
    c.execute_async(
        "const done = arguments[arguments.length - 1]; \
         requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
        vec![],
    )
    .await
    .expect("wait for two animation frames");
    c.execute(KEEP_PAINTING, vec![]).await.expect("keep the page painting");
    let png = c.screenshot().await.expect("take a screenshot");
    c.execute(STOP_PAINTING, vec![]).await.expect("let the page rest");
    assert!(png.starts_with(b"\x89PNG"), "the screenshot is a PNG");
    let path = crate::artifacts_dir().join(format!("{name}.png"));
    std::fs::write(&path, png).expect("save the screenshot");
    path
}

pub fn day(offset: i64) -> String {
    let today = chrono::Local::now().date_naive();
    let d = if offset >= 0 {
        today.checked_add_days(Days::new(offset.unsigned_abs()))
    } else {
        today.checked_sub_days(Days::new(offset.unsigned_abs()))
    };
    d.expect("date in range").format("%Y-%m-%d").to_string()
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("build a tokio runtime")
}

/// The trimmed text of the first element matching `css` ("" when none).
pub async fn text(c: &Client, css: &str) -> String {
    let v = js(
        c,
        "return (document.querySelector(arguments[0])?.textContent ?? '').trim();",
        vec![json!(css)],
    )
    .await;
    v.as_str().unwrap_or_default().to_owned()
}

/// Chooses `value` in the `<select>` matching `css`.
pub async fn select(c: &Client, css: &str, value: &str) {
    wait_visible(c, css).await;
    c.find(Locator::Css(css))
        .await
        .expect("find the select")
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("choose {value} in {css}: {e}"));
}

/// True while the confirmation dialog is open.
pub async fn dialog_open(c: &Client) -> bool {
    js(c, "return !!document.querySelector('#confirm-dialog')?.open;", vec![]).await == json!(true)
}

/// Waits for the confirmation dialog to open; an error shown instead fails the test.
pub async fn wait_dialog(c: &Client) {
    until("the confirm dialog to open", || async {
        if let Some(err) = shown_error(c).await {
            panic!("the app showed an error instead of the dialog: {err}");
        }
        dialog_open(c).await.then_some(())
    })
    .await;
}

/// Submits the confirmation dialog and waits for it to close and `#status` to
/// change; returns the new status text.
pub async fn submit_dialog(c: &Client) -> String {
    let before = status_text(c).await;
    click(c, "#confirm-submit").await;
    until("the confirmation to be saved", || async {
        if let Some(err) = shown_error(c).await {
            panic!("the app refused the confirmation: {err}");
        }
        let now = status_text(c).await;
        (!dialog_open(c).await && !now.is_empty() && now != before).then_some(now)
    })
    .await
}

//! The harness of the IPC tests, shared by `ipc.rs` and `ipc_backup.rs`: the
//! real app (`run_app_with`, the configuration and capabilities of
//! `tauri.conf.json`) on Tauri's mock runtime, its "main" window created as
//! `App::run` would create it, and commands invoked the way the UI invokes
//! them — JSON arguments through Tauri's deserialisation and the capability
//! check — against a real SQLite file in a temporary folder.

// Each test file uses the part of the harness it needs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use giaonhan::Store;
use serde_json::Value;
use sogiaonhan_app_lib::AppState;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

/// One app over its own database file (open, or in recovery).
pub struct Harness {
    /// The database file.
    pub db: PathBuf,
    pub main: WebviewWindow<MockRuntime>,
    _app: App<MockRuntime>,
    /// The temporary folder of [`Harness::new`], removed when dropped.
    _dir: Option<tempfile::TempDir>,
}

/// A temporary folder and the path of a database inside it (in a `data`
/// folder that does not exist yet), not created.
pub fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("create temp dir");
    let db = dir.path().join("data").join("sogiaonhan.sqlite3");
    (dir, db)
}

impl Harness {
    /// The app over a new database in a temporary folder of its own.
    pub fn new() -> Harness {
        let (dir, db) = temp_db();
        Harness {
            _dir: Some(dir),
            ..Harness::open(&db)
        }
    }

    /// The app over the database at `db`, opened (created when missing) with
    /// `Store::open`, as the app opens it.
    pub fn open(db: &Path) -> Harness {
        let store = Store::open(db).expect("open the database");
        Harness::with(db, AppState::new(store))
    }

    /// The app in recovery: the database at `db` could not be opened, for
    /// the reason `problem`.
    pub fn recovering(db: &Path, problem: &str) -> Harness {
        Harness::with(db, AppState::recovering(db.to_owned(), problem.to_owned()))
    }

    /// The app over the register at `db`, written by an older version
    /// (schema `from`), before its upgrade (`AppState::finish_upgrade`).
    pub fn upgrading(db: &Path, from: u32) -> Harness {
        Harness::with(db, AppState::upgrading(db.to_owned(), from))
    }

    fn with(db: &Path, state: AppState) -> Harness {
        let app = sogiaonhan_app_lib::run_app_with(mock_builder(), sogiaonhan_app_lib::context(), state)
            .expect("build the app on the mock runtime");
        // `App::run` would create the configured windows; create "main" the same
        // way, from its entry in tauri.conf.json.
        let config = app
            .config()
            .app
            .windows
            .iter()
            .find(|w| w.label == "main")
            .expect("tauri.conf.json configures the window \"main\"")
            .clone();
        let main = WebviewWindowBuilder::from_config(app.handle(), &config)
            .and_then(|b| b.build())
            .expect("create the main window");
        Harness {
            db: db.to_owned(),
            main,
            _app: app,
            _dir: None,
        }
    }

    /// Invokes `cmd` from the main window with JSON `args`.
    pub fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        invoke_from(&self.main, cmd, args)
    }

    /// Invokes `cmd` and expects success; returns its JSON result.
    pub fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    /// Invokes `cmd` and expects an error; returns it (`{ kind, message, … }`).
    pub fn err(&self, cmd: &str, args: Value) -> Value {
        match self.invoke(cmd, args) {
            Ok(v) => panic!("{cmd} should fail but returned {v}"),
            Err(e) => e,
        }
    }
}

/// Invokes `cmd` from `window` with JSON `args`, as the UI does.
pub fn invoke_from(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: if cfg!(windows) {
            "http://tauri.localhost"
        } else {
            "tauri://localhost"
        }
        .parse()
        .expect("valid URL"),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    tauri::test::get_ipc_response(window, request)
        .map(|body| body.deserialize::<Value>().expect("the response body is JSON"))
}

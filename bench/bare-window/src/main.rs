//! The bare window of the start-up benchmark: a Tauri 2 window showing one
//! line of HTML, built like the app so that their start time and memory can
//! be compared (see BENCHMARKS.md).

// No console window on Windows release builds, as the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    // Drawn as the app draws (its `draw_without_compositing`): WebKitGTK's
    // compositing off unless the user chose, so the two compare like for like.
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    match tauri::Builder::default().run(tauri::generate_context!()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bare-window: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

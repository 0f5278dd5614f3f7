//! Entry point of the desktop app `sogiaonhan`; everything lives in the library
//! (`sogiaonhan_app_lib`) so the IPC tests can build the same app on a mock runtime.

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    sogiaonhan_app_lib::run()
}

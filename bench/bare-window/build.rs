//! Build script of the bare window: tauri-build reads tauri.conf.json.
fn main() {
    tauri_build::build()
}

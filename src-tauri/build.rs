//! Build script: lists the app's own commands so that tauri-build generates one
//! `allow-<command>` permission per command, which `capabilities/main.json` grants
//! to the main window. A command missing here cannot be called from the UI.

/// Every `#[tauri::command]` in `src/commands.rs`, in the same order as
/// `tauri::generate_handler!` in `src/lib.rs`.
const COMMANDS: &[&str] = &[
    "app_status",
    "load_demo",
    "list_units",
    "add_unit",
    "list_kinds",
    "list_documents",
    "add_document",
    "list_batches",
    "create_batch",
    "outstanding",
    "batch_stats",
    "group_completion",
    "confirmation_curve",
    "unit_receipts",
    "unit_flags",
    "get_tiers",
    "set_tiers",
    "preview_list",
    "save_list",
    "preview_register",
    "save_register_book",
    "get_letterhead",
    "set_letterhead",
    "confirm_receipt",
    "search_units",
    "units_as_of",
    "get_unit",
    "edit_unit",
    "reorganise",
    "unit_history",
    "unit_signers",
    "set_signer",
    "save_kind",
    "choose_import_file",
    "import_register",
    "save_register",
    "get_receipt",
    "undo_confirmation",
    "cancel_batch",
    "edit_batch",
    "save_slips",
    "preview_slips",
    "auth_status",
    "create_first_admin",
    "login",
    "logout",
    "add_account",
    "list_accounts",
    "change_account",
    "confirm_with_pin",
    "recovery_status",
    "list_backups",
    "backup_now",
    "backup_settings",
    "set_backup_settings",
    "backup_status",
    "dismiss_backup_alert",
    "restore_backup",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}

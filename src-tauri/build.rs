//! Build script: lists the app's own commands so that tauri-build generates one
//! `allow-<command>` permission per command, which `capabilities/main.json` grants
//! to the main window. A command missing here cannot be called from the UI.

/// Every `#[tauri::command]` in `src/commands/`, by area as
/// `tauri::generate_handler!` in `src/lib.rs` lists them; `tests/commands.rs`
/// checks that this list, that one, `capabilities/main.json` and
/// `ui/src/api.ts` name the same commands.
const COMMANDS: &[&str] = &[
    // src/commands/start.rs
    "upgrade_status",
    "app_status",
    "load_demo",
    "first_screen_shown",
    "outside_changes",
    // src/commands/units.rs
    "list_units",
    "add_unit",
    "list_kinds",
    "unit_receipts",
    "unit_flags",
    "search_units",
    "units_as_of",
    "get_unit",
    "edit_unit",
    "reorganise",
    "unit_history",
    "unit_signers",
    "set_signer",
    "save_kind",
    // src/commands/documents.rs
    "list_documents",
    "add_document",
    "document_copies",
    "copies_held",
    "list_recalls",
    "received_recalls",
    "create_recall",
    "return_copies",
    // src/commands/batches.rs
    "list_batches",
    "create_batch",
    "confirm_receipt",
    "get_receipt",
    "undo_confirmation",
    "cancel_batch",
    "edit_batch",
    // src/commands/lists.rs
    "outstanding",
    "outstanding_page",
    "batch_stats",
    "group_completion",
    "confirmation_curve",
    "get_tiers",
    "set_tiers",
    "preview_list_pages",
    "print_stop",
    "save_list",
    "preview_register",
    "save_register_book",
    "get_letterhead",
    "set_letterhead",
    "save_slips",
    "preview_slips",
    // src/commands/files.rs
    "choose_import_file",
    "choose_plan_file",
    "reorganise_plan",
    "save_plan_template",
    "import_register",
    "save_register",
    // src/commands/accounts.rs
    "auth_status",
    "create_first_admin",
    "login",
    "logout",
    "add_account",
    "list_accounts",
    "change_account",
    "confirm_with_pin",
    // src/commands/backup.rs
    "recovery_status",
    "list_backups",
    "backup_now",
    "backup_settings",
    "set_backup_settings",
    "backup_status",
    "dismiss_backup_alert",
    "restore_backup",
    // src/commands/exchange.rs
    "site_status",
    "site_init",
    "list_peers",
    "add_peer",
    "save_site_card_pdf",
    "save_site_card",
    "sync_send",
    "sync_receive",
    "hub_info",
    "set_hub",
    "sync_send_hub",
    "sync_receive_hub",
    "sync_stop",
    "child_reports",
    "inbox",
    // src/commands/study.rs
    "list_campaigns",
    "create_campaign",
    "study_summary",
    "report_study",
    "save_study",
    "save_study_reminders",
    "preview_study_reminders",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}

//! End-to-end test of accounts and roles through the real window (plumbing in
//! `giaonhan_tests::e2e`), on the sample register (`giaonhan demo`), starting
//! single-user: the first administrator created in the Accounts screen turns
//! logins on; a secretary with a PIN and a supervisor are added; signing out
//! shows the login overlay. The supervisor sees no change actions; the admin
//! confirms a receipt in person with the secretary's PIN (a wrong PIN first:
//! "còn 4 lần thử"; five more lock the PIN), and a clerk, who cannot list accounts, types a second
//! secretary's username and PIN; the secretary, signed in, sees only their own
//! unit's receipts, is refused another unit's receipt code and confirms their own;
//! when the session ends behind the window's back, the next command brings the
//! login overlay back. Then the administrator unlocks the secretary's PIN,
//! disables the second secretary (who can no longer sign in) and resets the
//! first one's password (the new one works). Afterwards the SQLite file is read
//! directly (who recorded and who signed each receipt, the log); screenshots go
//! to `target/e2e-artifacts/`.
#![cfg(target_os = "linux")]

use std::path::Path;
use std::process::Command;

use fantoccini::Client;
use giaonhan_tests::e2e::*;
use serde_json::json;

const FIRST: &str = "Đợt 1/2026";
const SECOND: &str = "Đợt 2/2026";
/// The secretary's unit: it has a receipt in both sample batches.
const OWN_UNIT: &str = "HK-PD";
/// Another unit with a pending receipt in the first batch.
const OTHER_UNIT: &str = "HP-AT";
const SECRETARY_NAME: &str = "Lê Thị Thu";
/// A second secretary, whose PIN a clerk (who cannot list accounts) types the username for.
const SECOND_UNIT: &str = "HK-THCS";
const SECOND_NAME: &str = "Võ Văn Hùng";

fn prepare(db: &Path) {
    let out = Command::new(giaonhan_tests::binary("giaonhan"))
        .arg("--db")
        .arg(db)
        .arg("demo")
        .output()
        .expect("run giaonhan demo");
    assert!(
        out.status.success(),
        "giaonhan demo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The receipt code of `unit` in `batch`, read from the file.
fn receipt_code(db: &Path, batch: &str, unit: &str) -> String {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open the database");
    conn.query_row(
        "SELECT r.code FROM receipt r JOIN unit u ON u.id = r.unit_id JOIN batch b ON b.id = r.batch_id \
         WHERE b.code = ?1 AND u.code = ?2",
        [batch, unit],
        |r| r.get(0),
    )
    .unwrap_or_else(|e| panic!("the receipt code of {unit} in {batch}: {e}"))
}

fn row(batch: &str, unit: &str) -> String {
    format!("#outstanding-table tr[data-batch=\"{batch}\"][data-unit=\"{unit}\"]")
}

async fn open_row_dialog(c: &Client, batch: &str, unit: &str) {
    click(c, &format!("{} button.confirm", row(batch, unit))).await;
    wait_dialog(c).await;
}

/// Clicks `#confirm-submit` and waits for the error summary; its text.
async fn submit_dialog_refused(c: &Client) -> String {
    click(c, "#confirm-submit").await;
    until("the app to refuse the confirmation", || async { shown_error(c).await }).await
}

async fn log_out(c: &Client) {
    click(c, "#logout").await;
    wait_visible(c, "#login-form").await;
    assert!(!visible(c, "#session-user").await, "nobody is shown signed in");
}

async fn log_in(c: &Client, username: &str, password: &str, role_label: &str) {
    type_into(c, "#login-username", username).await;
    type_into(c, "#login-password", password).await;
    click(c, "#login-submit").await;
    until(&format!("{username} to be signed in"), || async {
        if visible(c, "#login-overlay").await {
            if count(c, "#login-form[aria-busy]").await > 0 {
                return None;
            }
            let msg = text(c, "#login-message").await;
            assert!(msg.is_empty(), "login refused: {msg}");
            return None;
        }
        visible(c, "#session-user").await.then_some(())
    })
    .await;
    let who = text(c, "#session-user").await;
    assert!(who.contains(role_label), "the header shows the role: {who}");
}

async fn wait_rows(c: &Client) {
    open_screen(c, "outstanding").await;
    until("the outstanding list", || async {
        (count(c, "#outstanding-table tr[data-unit]").await > 0).then_some(())
    })
    .await;
}

#[test]
fn first_admin_roles_and_confirmation_by_pin() {
    let rt = runtime();
    let (db, _work) = rt.block_on(async {
        let mut other_code = String::new();
        let s = start_with(|db, _| {
            prepare(db);
            other_code = receipt_code(db, FIRST, OTHER_UNIT);
        })
        .await;
        let c = &s.client;

        // ---- (a) single-user: the first administrator, then two accounts ----
        wait_rows(c).await;
        assert!(
            !visible(c, "#login-overlay").await,
            "no login in a single-user register"
        );
        assert!(!visible(c, "#logout").await, "nobody to sign out");
        open_screen(c, "accounts").await;
        wait_visible(c, "#admin-form").await;
        screenshot(c, "accounts-single-user").await;
        type_into(c, "#admin-username", "quantri").await;
        type_into(c, "#admin-name", "Nguyễn Văn Quản").await;
        type_into(c, "#admin-password", "matkhau-quantri").await;
        submit_until(c, "#admin-submit", "#accounts-table").await;
        let who = text(c, "#session-user").await;
        assert!(who.contains("Nguyễn Văn Quản") && who.contains("Quản trị"), "{who}");
        wait_visible(c, "#accounts-table tr[data-username=\"quantri\"]").await;
        assert_eq!(
            js(
                c,
                "return document.querySelector('#admin-password')?.isConnected ?? false;",
                vec![]
            )
            .await,
            json!(false),
            "the first-admin form is gone"
        );

        type_into(c, "#acct-username", "bithu").await;
        type_into(c, "#acct-name", SECRETARY_NAME).await;
        select(c, "#acct-role", "secretary").await;
        // The unit suggestions are listed once the unit box has the focus.
        assert_eq!(
            count(c, "#acct-unit-list option").await,
            0,
            "no unit listed before the box is used"
        );
        type_into(c, "#acct-unit", OWN_UNIT).await;
        until("the unit suggestions", || async {
            (count(c, &format!("#acct-unit-list option[value=\"{OWN_UNIT}\"]")).await == 1).then_some(())
        })
        .await;
        type_into(c, "#acct-password", "matkhau-bithu").await;
        type_into(c, "#acct-pin", "2468").await;
        let msg = submit_until_status(c, "#acct-submit").await;
        assert!(msg.contains("bithu"), "{msg}");
        wait_visible(c, "#accounts-table tr[data-username=\"bithu\"]").await;

        type_into(c, "#acct-username", "bithu2").await;
        type_into(c, "#acct-name", SECOND_NAME).await;
        type_into(c, "#acct-unit", SECOND_UNIT).await;
        type_into(c, "#acct-password", "matkhau-bithu2").await;
        type_into(c, "#acct-pin", "97531").await;
        submit_until_status(c, "#acct-submit").await;
        wait_visible(c, "#accounts-table tr[data-username=\"bithu2\"]").await;

        select(c, "#acct-role", "clerk").await;
        type_into(c, "#acct-username", "vanthu").await;
        type_into(c, "#acct-name", "Phạm Thị Văn").await;
        type_into(c, "#acct-password", "matkhau-vanthu").await;
        submit_until_status(c, "#acct-submit").await;
        wait_visible(c, "#accounts-table tr[data-username=\"vanthu\"]").await;

        select(c, "#acct-role", "supervisor").await;
        assert!(!visible(c, "#acct-unit").await, "a supervisor has no unit");
        type_into(c, "#acct-username", "lanhdao").await;
        type_into(c, "#acct-name", "Trần Văn Lãnh").await;
        type_into(c, "#acct-password", "matkhau-lanhdao").await;
        submit_until_status(c, "#acct-submit").await;
        wait_visible(c, "#accounts-table tr[data-username=\"lanhdao\"]").await;
        let secretary_row = text(c, "#accounts-table tr[data-username=\"bithu\"]").await;
        assert!(
            secretary_row.contains("Bí thư chi bộ") && secretary_row.contains(OWN_UNIT),
            "{secretary_row}"
        );
        assert!(!secretary_row.contains("2468"), "the PIN is never shown");
        screenshot(c, "accounts-list").await;

        log_out(c).await;
        screenshot(c, "login-overlay").await;

        // ---- (b) the supervisor: reads, sees no change actions ---------------
        type_into(c, "#login-username", "lanhdao").await;
        type_into(c, "#login-password", "sai-mat-khau").await;
        click(c, "#login-submit").await;
        until("a wrong password refused", || async {
            let m = text(c, "#login-message").await;
            (!m.is_empty()).then_some(())
        })
        .await;
        assert!(text(c, "#login-message")
            .await
            .contains("Sai tên đăng nhập hoặc mật khẩu"));
        log_in(c, "lanhdao", "matkhau-lanhdao", "Lãnh đạo ban").await;
        wait_rows(c).await;
        assert!(!visible(c, "#nav-batch").await, "no new batch for a supervisor");
        assert!(!visible(c, "#nav-accounts").await, "no accounts for a supervisor");
        assert!(!visible(c, "button.confirm").await, "a supervisor confirms nothing");
        screenshot(c, "supervisor-outstanding").await;
        open_screen(c, "import").await;
        assert!(!visible(c, "#import-form").await, "no import for a supervisor");
        assert!(visible(c, "#export-units-csv").await, "a supervisor may export");
        open_screen(c, "documents").await;
        assert!(!visible(c, "#doc-form").await, "no new document for a supervisor");
        until("the documents list", || async {
            (count(c, "#documents-table tbody tr").await > 0).then_some(())
        })
        .await;
        open_screen(c, "units").await;
        assert!(!visible(c, "#unit-form").await, "no new unit for a supervisor");
        assert!(!visible(c, "#kind-submit").await, "no kind renamed by a supervisor");
        assert!(visible(c, "#kinds-table").await, "the kinds are still listed");
        until("the unit tree", || async {
            (count(c, "#unit-tree li").await > 0).then_some(())
        })
        .await;
        assert!(shown_error(c).await.is_none(), "reading is allowed");
        log_out(c).await;

        // ---- (c) the admin confirms in person with the secretary's PIN -------
        log_in(c, "quantri", "matkhau-quantri", "Quản trị").await;
        wait_rows(c).await;
        open_row_dialog(c, FIRST, OTHER_UNIT).await;
        until("no PIN offered for a unit without a secretary account", || async {
            (!visible(c, "#confirm-pin").await).then_some(())
        })
        .await;
        assert!(visible(c, "#confirm-by").await, "the signer's name is typed instead");
        click(c, "#confirm-cancel").await;
        until("the dialog to close", || async {
            (!dialog_open(c).await).then_some(())
        })
        .await;
        open_row_dialog(c, FIRST, OWN_UNIT).await;
        wait_visible(c, "#confirm-pin").await;
        until("the secretary in the PIN list", || async {
            (count(c, "#confirm-pin-user option[value=\"bithu\"]").await == 1).then_some(())
        })
        .await;
        select(c, "#confirm-pin-user", "bithu").await;
        assert_eq!(
            js(
                c,
                "const e = document.querySelector('#confirm-pin'); return [e.type, e.inputMode];",
                vec![]
            )
            .await,
            json!(["password", "numeric"])
        );
        type_into(c, "#confirm-pin", "1357").await;
        let err = submit_dialog_refused(c).await;
        assert!(err.contains("còn 4 lần thử"), "wrong PIN: {err}");
        assert!(dialog_open(c).await, "the dialog stays open");
        assert_eq!(
            js(
                c,
                "return document.querySelector('#confirm-pin').getAttribute('aria-invalid');",
                vec![]
            )
            .await,
            json!("true"),
            "the PIN field is marked"
        );
        screenshot(c, "confirm-pin-wrong").await;
        type_into(c, "#confirm-pin", "2468").await;
        submit_dialog(c).await;
        until("the confirmed row to leave the list", || async {
            (count(c, &row(FIRST, OWN_UNIT)).await == 0).then_some(())
        })
        .await;

        // Five wrong PINs lock it; the lock is shown on the PIN field too.
        open_row_dialog(c, SECOND, OWN_UNIT).await;
        until("the secretary in the PIN list", || async {
            (count(c, "#confirm-pin-user option[value=\"bithu\"]").await == 1).then_some(())
        })
        .await;
        select(c, "#confirm-pin-user", "bithu").await;
        for left in (0..5).rev() {
            type_into(c, "#confirm-pin", "0000").await;
            let err = submit_dialog_refused(c).await;
            let want = if left > 0 {
                format!("còn {left} lần thử")
            } else {
                "mã PIN bị khoá 15 phút".to_owned()
            };
            assert!(err.contains(&want), "wrong PIN, {left} left: {err}");
        }
        type_into(c, "#confirm-pin", "2468").await;
        let err = submit_dialog_refused(c).await;
        assert!(err.contains("Mã PIN bị khoá"), "even the right PIN waits: {err}");
        assert_eq!(
            js(
                c,
                "return document.querySelector('#confirm-pin').getAttribute('aria-invalid');",
                vec![]
            )
            .await,
            json!("true"),
            "the lock is shown on the PIN field"
        );
        screenshot(c, "confirm-pin-locked").await;
        click(c, "#confirm-cancel").await;
        until("the dialog to close", || async {
            (!dialog_open(c).await).then_some(())
        })
        .await;
        log_out(c).await;

        // ---- (c') a clerk types the secretary's username, then the PIN -------
        log_in(c, "vanthu", "matkhau-vanthu", "Văn thư").await;
        wait_rows(c).await;
        assert!(!visible(c, "#nav-accounts").await, "no accounts for a clerk");
        assert!(visible(c, "#nav-batch").await, "a clerk hands out batches");
        open_row_dialog(c, FIRST, SECOND_UNIT).await;
        assert_eq!(
            js(
                c,
                "return document.querySelector('#confirm-pin-user')?.tagName ?? null;",
                vec![]
            )
            .await,
            json!("INPUT"),
            "a clerk cannot list accounts: the username is typed"
        );
        type_into(c, "#confirm-pin-user", "bithu2").await;
        type_into(c, "#confirm-pin", "97531").await;
        screenshot(c, "confirm-pin-clerk").await;
        submit_dialog(c).await;
        until("the confirmed row to leave the list", || async {
            (count(c, &row(FIRST, SECOND_UNIT)).await == 0).then_some(())
        })
        .await;
        log_out(c).await;

        // ---- (d) the secretary: only their own unit, which they confirm -----
        log_in(c, "bithu", "matkhau-bithu", "Bí thư chi bộ").await;
        wait_rows(c).await;
        assert!(!visible(c, "#nav-batch").await && !visible(c, "#nav-import").await);
        let listed = count(c, "#outstanding-table tr[data-unit]").await;
        let own = count(c, &format!("#outstanding-table tr[data-unit=\"{OWN_UNIT}\"]")).await;
        assert_eq!((listed, own), (1, 1), "only the own unit's open receipt is listed");
        assert_eq!(
            count(c, &row(FIRST, OTHER_UNIT)).await,
            0,
            "another unit's receipt is not listed"
        );
        type_into(c, "#code-input", &other_code).await;
        click(c, "#code-lookup").await;
        let err = until("another unit's receipt code refused", || async { shown_error(c).await }).await;
        assert!(err.contains("của đơn vị mình"), "the refusal says why: {err}");
        screenshot(c, "secretary-other-unit-refused").await;
        open_row_dialog(c, SECOND, OWN_UNIT).await;
        assert!(!visible(c, "#confirm-pin").await, "a secretary signs as themselves");
        type_into(c, "#confirm-by", SECRETARY_NAME).await;
        submit_dialog(c).await;
        until("the own unit's row to leave the list", || async {
            (count(c, &row(SECOND, OWN_UNIT)).await == 0).then_some(())
        })
        .await;
        screenshot(c, "secretary-confirmed-own").await;

        // ---- the session ends behind the window's back (as the idle lock does) --
        open_screen(c, "units").await;
        js(
            c,
            "return window.__TAURI_INTERNALS__.invoke('logout').then(() => true);",
            vec![],
        )
        .await;
        open_screen(c, "outstanding").await;
        wait_visible(c, "#login-form").await;
        let why = text(c, "#login-message").await;
        assert!(why.contains("đăng nhập"), "the overlay says why: {why}");
        log_in(c, "bithu", "matkhau-bithu", "Bí thư chi bộ").await;
        until("the outstanding list reloaded, empty for this unit", || async {
            (count(c, "#outstanding-table tr.empty").await == 1).then_some(())
        })
        .await;
        assert!(visible(c, "#screen-outstanding").await, "back on the same screen");
        assert!(shown_error(c).await.is_none(), "the refusal is cleared after login");
        log_out(c).await;

        // ---- (e) the administrator: unlock, disable, reset ------------------
        log_in(c, "quantri", "matkhau-quantri", "Quản trị").await;
        open_screen(c, "accounts").await;
        let account_row = |user: &str| format!("#accounts-table tr[data-username=\"{user}\"]");
        wait_visible(c, &format!("{}[data-state=\"locked\"]", account_row("bithu"))).await;
        assert!(
            text(c, &account_row("bithu")).await.contains("Tạm khoá"),
            "the PIN locked in (c) shows"
        );
        assert_eq!(
            count(
                c,
                &format!("{} button[data-action=\"disable\"]", account_row("quantri"))
            )
            .await,
            0,
            "an administrator does not disable themselves"
        );
        screenshot(c, "accounts-locked").await;
        click(c, &format!("{} button[data-action=\"unlock\"]", account_row("bithu"))).await;
        wait_visible(c, &format!("{}[data-state=\"active\"]", account_row("bithu"))).await;
        assert!(status_text(c).await.contains("Đã mở khoá tài khoản bithu"));
        click(c, &format!("{} button[data-action=\"disable\"]", account_row("bithu2"))).await;
        wait_visible(c, &format!("{}[data-state=\"disabled\"]", account_row("bithu2"))).await;
        assert!(text(c, &account_row("bithu2")).await.contains("Đã vô hiệu hoá"));
        click(c, &format!("{} button[data-action=\"reset\"]", account_row("bithu"))).await;
        assert_eq!(
            js(c, "return document.querySelector('#reset-username').value;", vec![]).await,
            json!("bithu"),
            "the row's account is chosen"
        );
        type_into(c, "#reset-password", "ngan").await;
        click(c, "#reset-submit").await;
        let err = until("a short password refused", || async { shown_error(c).await }).await;
        assert!(err.contains("8 ký tự"), "{err}");
        type_into(c, "#reset-password", "matkhau-moi-bithu").await;
        let msg = submit_until_status(c, "#reset-submit").await;
        assert!(msg.contains("mật khẩu") && msg.contains("bithu"), "{msg}");
        screenshot(c, "accounts-admin-actions").await;
        log_out(c).await;

        type_into(c, "#login-username", "bithu2").await;
        type_into(c, "#login-password", "matkhau-bithu2").await;
        click(c, "#login-submit").await;
        until("a disabled account refused", || async {
            let m = text(c, "#login-message").await;
            (!m.is_empty()).then_some(m)
        })
        .await;
        let m = text(c, "#login-message").await;
        assert!(m.contains("vô hiệu hoá"), "{m}");
        log_in(c, "bithu", "matkhau-moi-bithu", "Bí thư chi bộ").await;
        s.finish().await
    });

    // ---- the file ----------------------------------------------------------
    let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open the app's database");
    let receipt = |batch: &str, unit: &str| -> (String, Option<String>, Option<String>) {
        conn.query_row(
            "SELECT r.status, r.signed_by, r.confirm_method FROM receipt r \
             JOIN unit u ON u.id = r.unit_id JOIN batch b ON b.id = r.batch_id \
             WHERE b.code = ?1 AND u.code = ?2",
            [batch, unit],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap_or_else(|e| panic!("the receipt of {unit} in {batch}: {e}"))
    };
    // Who recorded each confirmation, and whose account signed it.
    let hands = |batch: &str, unit: &str| -> (Option<String>, Option<String>) {
        conn.query_row(
            "SELECT r.recorded_by, r.signer_account FROM receipt r \
             JOIN unit u ON u.id = r.unit_id JOIN batch b ON b.id = r.batch_id \
             WHERE b.code = ?1 AND u.code = ?2",
            [batch, unit],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap_or_else(|e| panic!("the receipt of {unit} in {batch}: {e}"))
    };
    let pair = |a: &str, b: &str| (Some(a.to_owned()), Some(b.to_owned()));
    assert_eq!(
        hands(FIRST, OWN_UNIT),
        pair("quantri", "bithu"),
        "the admin's window, the PIN"
    );
    assert_eq!(
        hands(FIRST, SECOND_UNIT),
        pair("vanthu", "bithu2"),
        "the clerk's window, the PIN"
    );
    assert_eq!(hands(SECOND, OWN_UNIT), pair("bithu", "bithu"), "signed in themselves");
    let (status, by, method) = receipt(FIRST, OWN_UNIT);
    assert_eq!(
        (status.as_str(), by.as_deref(), method.as_deref()),
        ("confirmed", Some(SECRETARY_NAME), Some("in_person")),
        "signed by the PIN's owner"
    );
    let (status, by, method) = receipt(FIRST, SECOND_UNIT);
    assert_eq!(
        (status.as_str(), by.as_deref(), method.as_deref()),
        ("confirmed", Some(SECOND_NAME), Some("in_person")),
        "signed by the PIN's owner, typed by the clerk"
    );
    let (status, by, _) = receipt(SECOND, OWN_UNIT);
    assert_eq!((status.as_str(), by.as_deref()), ("confirmed", Some(SECRETARY_NAME)));
    assert_eq!(receipt(FIRST, OTHER_UNIT).0, "pending", "the refusal changed nothing");

    let log: Vec<(String, String)> = conn
        .prepare("SELECT actor, action FROM audit_log ORDER BY id")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .expect("read the audit log");
    let has = |actor: &str, action: &str| log.iter().filter(|(a, b)| a == actor && b == action).count();
    assert_eq!(
        has("quantri", "account.pin_failed"),
        6,
        "one, then five to the lock, in the admin's window: {log:?}"
    );
    assert_eq!(
        has("quantri", "receipt.confirm"),
        1,
        "by PIN at the admin's window: {log:?}"
    );
    assert_eq!(
        has("vanthu", "receipt.confirm"),
        1,
        "by PIN at the clerk's window: {log:?}"
    );
    assert_eq!(has("bithu", "receipt.confirm"), 1, "signed in: {log:?}");
    for action in ["account.unlock", "account.disable", "account.reset"] {
        assert_eq!(has("quantri", action), 1, "{action}: {log:?}");
    }
    let disabled: bool = conn
        .query_row("SELECT disabled FROM account WHERE username = 'bithu2'", [], |r| {
            r.get(0)
        })
        .expect("bithu2");
    assert!(disabled, "bithu2 stays disabled");
    for user in ["quantri", "lanhdao", "bithu", "vanthu"] {
        assert!(has(user, "account.login") >= 1, "{user} signed in: {log:?}");
    }
    assert!(
        log.iter()
            .all(|(_, action)| !action.contains("matkhau") && !action.contains("2468")),
        "no secrets in the log"
    );
    let details: Vec<String> = conn
        .prepare("SELECT CAST(detail AS TEXT) FROM audit_log")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("read the log details");
    assert!(
        details
            .iter()
            .all(|d| !d.contains("matkhau") && !d.contains("\"2468\"") && !d.contains("97531")),
        "no password or PIN in the log"
    );
}

//! The administrator's account commands through the real `giaonhan` binary:
//! `account disable|enable|reset|unlock --username U`, secrets read from
//! standard input as `account add` reads them, each change one row of the
//! audit log without the secret; then the new password and PIN work through
//! the core and the old ones do not.

use std::path::Path;

use giaonhan::accounts::FailureLimit;
use giaonhan_tests::cli::{fails, ok, temp_db, with_input};
use giaonhan_tests::stored::audit_details as log;
use serde_json::Value;

fn succeeds(db: &Path, args: &[&str], input: &str) -> String {
    let out = with_input(db, args, input);
    assert!(
        out.status.success(),
        "giaonhan {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn refused(db: &Path, args: &[&str], input: &str) -> String {
    let out = with_input(db, args, input);
    assert!(!out.status.success(), "giaonhan {args:?} should fail");
    String::from_utf8(out.stderr).expect("UTF-8")
}

fn account(db: &Path, username: &str) -> Value {
    let list: Vec<Value> = serde_json::from_str(&ok(db, &["account", "list", "--format", "json"])).expect("JSON list");
    list.into_iter()
        .find(|a| a["username"] == username)
        .unwrap_or_else(|| panic!("{username} is listed"))
}

#[test]
fn disable_enable_reset_and_unlock_from_the_command_line() {
    let (_dir, db) = temp_db();
    ok(&db, &["init"]);
    ok(
        &db,
        &["unit", "add", "--code", "HK-01", "--name", "Chi bộ thôn Đông Trung"],
    );
    #[rustfmt::skip]
    succeeds(&db, &["account", "add", "--username", "quantri", "--name", "Nguyễn Quản", "--role", "admin"],
             "mat-khau-quantri\n");
    #[rustfmt::skip]
    succeeds(&db, &["account", "add", "--username", "bithu", "--name", "Lê Thị Thu", "--role", "secretary",
                    "--unit", "HK-01", "--pin"], "mat-khau-bithu\n2468\n");

    // Disable, enable.
    let out = ok(&db, &["account", "disable", "--username", "bithu"]);
    assert_eq!(out.trim(), "bithu: đã vô hiệu hoá");
    assert_eq!(account(&db, "bithu")["disabled"], true);
    let err = fails(&db, &["account", "disable", "--username", "bithu"]);
    assert!(err.contains("đã bị vô hiệu hoá"), "{err}");
    {
        let mut store = giaonhan::Store::open(&db).expect("open");
        let err = store
            .login("bithu", "mat-khau-bithu", &FailureLimit::default())
            .expect_err("a disabled account does not sign in");
        assert!(err.to_string().contains("vô hiệu hoá"), "{err}");
    }
    let out = ok(&db, &["account", "enable", "--username", "BITHU"]);
    assert_eq!(out.trim(), "bithu: đang dùng");
    let err = fails(&db, &["account", "disable", "--username", "quantri"]);
    assert!(err.contains("quản trị cuối cùng"), "{err}");
    let err = fails(&db, &["account", "enable", "--username", "khong-co"]);
    assert!(err.contains("khong-co"), "{err}");

    // Unlock: a lock left by wrong tries (set in the file as the app leaves it).
    {
        let conn = rusqlite::Connection::open(&db).expect("open");
        conn.execute(
            "UPDATE account SET login_locked_until = '2999-01-01T00:00:00.000Z', failed_pins = 3
             WHERE username = 'bithu'",
            [],
        )
        .expect("lock");
    }
    assert_eq!(account(&db, "bithu")["locked"], true);
    let out = ok(&db, &["account", "unlock", "--username", "bithu"]);
    assert_eq!(out.trim(), "bithu: đang dùng");
    assert_eq!(account(&db, "bithu")["locked"], false);
    let err = fails(&db, &["account", "unlock", "--username", "bithu"]);
    assert!(err.contains("không bị khoá"), "{err}");

    // Reset: secrets from standard input, the password first, then the PIN.
    let err = refused(&db, &["account", "reset", "--username", "bithu"], "");
    assert!(err.contains("--password") || err.contains("--pin"), "{err}");
    let err = refused(&db, &["account", "reset", "--username", "bithu", "--pin"], "");
    assert!(err.contains("pin"), "{err}");
    let err = refused(
        &db,
        &["account", "reset", "--username", "bithu", "--password"],
        "ngan\n",
    );
    assert!(err.contains("8 ký tự"), "{err}");
    #[rustfmt::skip]
    succeeds(&db, &["account", "reset", "--username", "bithu", "--password", "--pin"],
             "mat-khau-moi-bithu\n97531\n");
    {
        let mut store = giaonhan::Store::open(&db).expect("open");
        let limit = FailureLimit::default();
        assert!(
            store.login("bithu", "mat-khau-bithu", &limit).is_err(),
            "the old password"
        );
        store
            .login("bithu", "mat-khau-moi-bithu", &limit)
            .expect("the new password");
    }
    let pin_hash_before: String = rusqlite::Connection::open(&db)
        .expect("open")
        .query_row("SELECT pin_hash FROM account WHERE username = 'bithu'", [], |r| {
            r.get(0)
        })
        .expect("pin hash");
    succeeds(&db, &["account", "reset", "--username", "bithu", "--pin"], "13579\n");
    let pin_hash_after: String = rusqlite::Connection::open(&db)
        .expect("open")
        .query_row("SELECT pin_hash FROM account WHERE username = 'bithu'", [], |r| {
            r.get(0)
        })
        .expect("pin hash");
    assert_ne!(pin_hash_before, pin_hash_after, "a new PIN");

    // One log row per change; no secret anywhere in the log.
    assert_eq!(log(&db, "account.disable").len(), 1);
    assert_eq!(log(&db, "account.enable").len(), 1);
    assert_eq!(log(&db, "account.unlock").len(), 1);
    let resets = log(&db, "account.reset");
    assert_eq!(resets.len(), 2, "{resets:?}");
    assert!(
        resets[0].contains("\"password\":true") && resets[0].contains("\"pin\":true"),
        "{resets:?}"
    );
    let all = giaonhan_tests::stored_texts(&db).join("\n");
    for secret in ["mat-khau-moi-bithu", "97531", "13579", "mat-khau-bithu"] {
        assert!(!all.contains(secret), "{secret} stored in clear");
    }
}

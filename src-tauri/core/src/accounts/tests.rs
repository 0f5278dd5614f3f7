//! Tests of accounts: the first administrator, roles, locks after wrong tries,
//! the limit over every account, disabled accounts, the administrator's
//! changes, and a PIN confirmation that keeps operator and signer.

use super::*;
use crate::model::{DocQty, NewBatch, NewDocument, NewUnit};
use std::time::Instant;

fn setup() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = Store::open(&dir.path().join("t.sqlite3")).expect("open");
    let a = Actor::new("t", "test");
    for (code, parent) in [("X", None), ("X1", Some("X")), ("X2", Some("X"))] {
        let unit = NewUnit {
            code: code.into(),
            name: format!("Chi bộ {code}"),
            parent: parent.map(Into::into),
            ..Default::default()
        };
        s.add_unit(&a, unit).expect("unit");
    }
    let doc = NewDocument {
        symbol: "05-KH/HU".into(),
        title: "Kế hoạch".into(),
        copies_received: 9,
        ..Default::default()
    };
    s.add_document(&a, doc).expect("doc");
    let batch = NewBatch {
        code: "B".into(),
        title: "Đợt".into(),
        handed_on: Some(crate::db::today()),
        documents: vec![DocQty {
            symbol: "05-KH/HU".into(),
            quantity: 1,
            uid: None,
        }],
        subtrees: vec!["X".into()],
        ..Default::default()
    };
    s.create_batch(&a, batch).expect("batch");
    (dir, s)
}

fn new(username: &str, role: Role, unit: Option<&str>, pin: Option<&str>) -> NewAccount {
    NewAccount {
        username: username.into(),
        display_name: format!("Người {username}"),
        role,
        unit: unit.map(Into::into),
        password: "mat-khau-dai".into(),
        pin: pin.map(Into::into),
    }
}

fn confirmation(unit: &str) -> Confirmation {
    Confirmation {
        batch: "B".into(),
        unit_code: unit.into(),
        by: "Người ký".into(),
        ..Default::default()
    }
}

fn log_rows(s: &Store, action: &str) -> Vec<(String, String)> {
    s.connection()
        .prepare("SELECT actor, detail FROM audit_log WHERE action = ?1 ORDER BY id")
        .expect("prepare")
        .query_map([action], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
}

/// An administrator, and a secretary of X1 with the PIN 2468.
fn with_accounts(s: &mut Store) -> Session {
    let admin = s
        .create_first_admin(new("admin", Role::Admin, None, None))
        .expect("admin");
    s.add_account(
        Some(&admin),
        &admin.actor(),
        new("bithu1", Role::Secretary, Some("X1"), Some("2468")),
    )
    .expect("secretary");
    admin
}

#[test]
fn first_admin_then_roles() {
    let (_d, mut s) = setup();
    let admin = s
        .create_first_admin(new("Admin", Role::Clerk, None, None))
        .expect("first admin");
    assert_eq!(admin.account.role, Role::Admin, "the first account is always the admin");
    assert!(s.create_first_admin(new("other", Role::Admin, None, None)).is_err());
    let sup = s
        .add_account(
            Some(&admin),
            &admin.actor(),
            new("lanhdao", Role::Supervisor, None, None),
        )
        .expect("add");
    let sup = Session { account: sup };
    assert!(matches!(
        s.add_account(Some(&sup), &sup.actor(), new("x", Role::Clerk, None, None)),
        Err(Error::Forbidden(_))
    ));
    assert!(sup.authorize(Action::Print).is_ok());
    assert!(sup.authorize(Action::Handout).is_err());
    assert!(matches!(
        s.confirm_as(&sup, confirmation("X1")),
        Err(Error::Forbidden(_))
    ));
    // No secret is stored in clear, anywhere.
    let dump: Vec<String> = s
        .connection()
        .prepare("SELECT password_hash || coalesce(pin_hash, '') FROM account UNION ALL SELECT detail FROM audit_log")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    assert!(dump.iter().all(|d| !d.contains("mat-khau-dai")));
}

#[test]
fn the_first_admin_is_refused_once_any_account_exists() {
    let (_d, mut s) = setup();
    // An account made with the command line, and no administrator.
    s.add_account(None, &Actor::cli(), new("vanthu", Role::Clerk, None, None))
        .expect("clerk from the command line");
    let err = s
        .create_first_admin(new("ke-gian", Role::Admin, None, None))
        .expect_err("the register already has logins");
    assert!(matches!(err, Error::Forbidden(_)), "{err}");
    assert!(s.account("ke-gian").expect("read").is_none(), "nothing written");
}

#[test]
fn login_and_pin_lock_after_five_wrong_tries() {
    let (_d, mut s) = setup();
    let admin = with_accounts(&mut s);
    let limit = FailureLimit::default();
    assert!(s.login("admin", "sai", &limit).is_err());
    assert_eq!(
        s.login("ADMIN", "mat-khau-dai", &limit)
            .expect("login")
            .account
            .username,
        "admin"
    );
    for i in 1..MAX_TRIES {
        let err = s
            .confirm_with_pin(&admin.actor(), "bithu1", "0000", confirmation("X1"), &limit)
            .expect_err("wrong pin");
        assert!(err.to_string().contains(&format!("còn {} lần", MAX_TRIES - i)), "{err}");
    }
    assert!(s
        .confirm_with_pin(&admin.actor(), "bithu1", "0000", confirmation("X1"), &limit)
        .is_err());
    // Locked now: even the right PIN is refused, and nothing was confirmed.
    let err = s
        .confirm_with_pin(&admin.actor(), "bithu1", "2468", confirmation("X1"), &limit)
        .expect_err("locked");
    assert!(matches!(err, Error::Forbidden(_)), "{err}");
    assert!(s.account("bithu1").expect("read").expect("exists").locked);
    assert!(s.receipt_status("B", "X1") == "pending");
}

impl Store {
    fn receipt_status(&self, batch: &str, unit: &str) -> String {
        self.connection()
            .query_row(
                "SELECT r.status FROM receipt r JOIN batch b ON b.id = r.batch_id JOIN unit u ON u.id = r.unit_id
                 WHERE b.code = ?1 AND u.code = ?2",
                [batch, unit],
                |r| r.get(0),
            )
            .expect("receipt")
    }
}

#[test]
fn a_secretary_confirms_only_for_their_own_unit() {
    let (_d, mut s) = setup();
    with_accounts(&mut s);
    let sec = Session {
        account: s.account("bithu1").expect("read").expect("exists"),
    };
    assert!(matches!(
        s.confirm_as(&sec, confirmation("X2")),
        Err(Error::Forbidden(_))
    ));
    s.confirm_as(&sec, confirmation("X1")).expect("own unit");
    let rows = log_rows(&s, "receipt.confirm");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "bithu1");
    let detail = s
        .receipt(&s.unit_receipts("X1").expect("receipts")[0].receipt_code)
        .expect("detail");
    assert_eq!(detail.recorded_by.as_deref(), Some("bithu1"));
    assert_eq!(
        detail.signer_account.as_deref(),
        Some("bithu1"),
        "a secretary signs as themselves"
    );
}

#[test]
fn a_pin_confirmation_keeps_the_operator_and_the_signer() {
    let (_d, mut s) = setup();
    let admin = with_accounts(&mut s);
    let clerk = s
        .add_account(Some(&admin), &admin.actor(), new("vanthu", Role::Clerk, None, None))
        .expect("clerk");
    let operator = Session { account: clerk }.actor();
    let limit = FailureLimit::default();
    let err = s
        .confirm_with_pin(&operator, "bithu1", "2468", confirmation("X2"), &limit)
        .expect_err("not the secretary's unit");
    assert!(matches!(err, Error::Forbidden(_)), "{err}");
    s.confirm_with_pin(&operator, "bithu1", "2468", confirmation("X1"), &limit)
        .expect("signed with the PIN");
    let code = s.unit_receipts("X1").expect("receipts")[0].receipt_code.clone();
    let detail = s.receipt(&code).expect("detail");
    assert_eq!(
        detail.signed_by.as_deref(),
        Some("Người bithu1"),
        "signed in the PIN owner's name"
    );
    assert_eq!(detail.recorded_by.as_deref(), Some("vanthu"), "recorded by the clerk");
    assert_eq!(detail.signer_account.as_deref(), Some("bithu1"));
    assert_eq!(detail.method.as_deref(), Some("in_person"));
    let rows = log_rows(&s, "receipt.confirm");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].0, "vanthu", "the log row's actor is the operator");
    let detail: serde_json::Value = serde_json::from_str(&rows[0].1).expect("JSON");
    assert_eq!(detail["signer_account"], "bithu1", "{detail}");
    // Undoing clears both.
    s.undo_confirmation(&operator, confirmation("X1"), "Ghi nhầm")
        .expect("undo");
    let detail = s.receipt(&code).expect("detail");
    assert_eq!((detail.recorded_by, detail.signer_account), (None, None));
}

#[test]
fn disabled_accounts_are_refused_login_and_pin() {
    let (_d, mut s) = setup();
    let admin = with_accounts(&mut s);
    let limit = FailureLimit::default();
    s.change_account(
        &admin.actor(),
        AccountChange::Disable {
            username: "bithu1".into(),
        },
    )
    .expect("disable");
    let err = s.login("bithu1", "mat-khau-dai", &limit).expect_err("disabled");
    assert!(err.to_string().contains("vô hiệu hoá"), "{err}");
    let err = s.login("bithu1", "sai-mat-khau", &limit).expect_err("disabled");
    assert!(
        err.to_string().contains("Sai tên đăng nhập"),
        "a wrong password does not learn it is disabled: {err}"
    );
    let err = s
        .confirm_with_pin(&admin.actor(), "bithu1", "2468", confirmation("X1"), &limit)
        .expect_err("a disabled account's PIN signs nothing");
    assert!(err.to_string().contains("vô hiệu hoá"), "{err}");
    assert_eq!(s.receipt_status("B", "X1"), "pending");
    s.change_account(
        &admin.actor(),
        AccountChange::Enable {
            username: "bithu1".into(),
        },
    )
    .expect("enable");
    s.login("bithu1", "mat-khau-dai", &limit).expect("enabled again");
}

#[test]
fn the_limit_over_every_account_refuses_even_the_right_password() {
    let (_d, mut s) = setup();
    with_accounts(&mut s);
    let limit = FailureLimit::new(3, std::time::Duration::from_secs(60));
    // Unknown names and another account's wrong password count alike.
    for name in ["khong-co-1", "khong-co-2", "bithu1"] {
        assert!(s.login(name, "doan-bua", &limit).is_err());
    }
    let err = s.login("admin", "mat-khau-dai", &limit).expect_err("limit reached");
    assert!(err.to_string().contains("quá 3 lần"), "{err}");
    // Another app (another limit) is not held back, and the account itself is not locked.
    s.login("admin", "mat-khau-dai", &FailureLimit::default())
        .expect("the account is fine");
}

#[test]
fn unknown_names_cost_as_much_as_known_ones() {
    let (_d, mut s) = setup();
    with_accounts(&mut s);
    let limit = FailureLimit::new(1000, std::time::Duration::from_secs(60));
    let mut time = |name: &str| {
        let started = Instant::now();
        for _ in 0..3 {
            assert!(s.login(name, "sai-mat-khau", &limit).is_err());
        }
        started.elapsed()
    };
    // Warm up the dummy hash once (computed on first use).
    time("khong-co-ai");
    let known = time("admin");
    let unknown = time("khong-co-ai");
    assert!(
        unknown * 3 >= known,
        "an unknown name answers much faster ({unknown:?}) than a known one ({known:?})"
    );
}

#[test]
fn an_administrator_disables_resets_and_unlocks() {
    let (_d, mut s) = setup();
    let admin = with_accounts(&mut s);
    let actor = admin.actor();
    let limit = FailureLimit::default();
    // Refusals: oneself, the last administrator, nothing to reset.
    let err = s
        .change_account(
            &actor,
            AccountChange::Disable {
                username: "admin".into(),
            },
        )
        .expect_err("not oneself");
    assert!(err.to_string().contains("đang đăng nhập"), "{err}");
    let err = s
        .change_account(
            &Actor::cli(),
            AccountChange::Disable {
                username: "admin".into(),
            },
        )
        .expect_err("the last administrator");
    assert!(err.to_string().contains("quản trị cuối cùng"), "{err}");
    let err = s
        .change_account(
            &actor,
            AccountChange::Reset {
                username: "bithu1".into(),
                password: None,
                pin: None,
            },
        )
        .expect_err("nothing to reset");
    assert!(matches!(err, Error::Invalid { .. }), "{err}");
    let err = s
        .change_account(
            &actor,
            AccountChange::Reset {
                username: "bithu1".into(),
                password: Some("ngan".into()),
                pin: None,
            },
        )
        .expect_err("too short");
    assert!(err.to_string().contains("8 ký tự"), "{err}");

    // Lock the login and the PIN, then unlock.
    for _ in 0..MAX_TRIES {
        let _ = s.login("bithu1", "sai-mat-khau", &limit);
        let _ = s.confirm_with_pin(&actor, "bithu1", "0000", confirmation("X1"), &limit);
    }
    assert!(s.account("bithu1").expect("read").expect("exists").locked);
    let unlocked = s
        .change_account(
            &actor,
            AccountChange::Unlock {
                username: "bithu1".into(),
            },
        )
        .expect("unlock");
    assert!(!unlocked.locked);
    s.login("bithu1", "mat-khau-dai", &limit).expect("login after unlock");

    // New secrets: the old ones stop working.
    s.change_account(
        &actor,
        AccountChange::Reset {
            username: "bithu1".into(),
            password: Some("mat-khau-moi-1".into()),
            pin: Some("97531".into()),
        },
    )
    .expect("reset both");
    assert!(s.login("bithu1", "mat-khau-dai", &limit).is_err());
    s.login("bithu1", "mat-khau-moi-1", &limit).expect("the new password");
    assert!(s
        .confirm_with_pin(&actor, "bithu1", "2468", confirmation("X1"), &limit)
        .is_err());
    s.confirm_with_pin(&actor, "bithu1", "97531", confirmation("X1"), &limit)
        .expect("the new PIN");

    // One log row per change, naming the account, never a secret.
    for action in ["account.unlock", "account.reset"] {
        let rows = log_rows(&s, action);
        assert_eq!(rows.len(), 1, "{action}: {rows:?}");
        assert!(rows[0].1.contains("bithu1"), "{rows:?}");
        assert!(
            !rows[0].1.contains("97531") && !rows[0].1.contains("mat-khau-moi"),
            "{rows:?}"
        );
    }
    let err = s
        .change_account(
            &actor,
            AccountChange::Unlock {
                username: "bithu1".into(),
            },
        )
        .expect_err("not locked any more");
    assert!(matches!(err, Error::Conflict { .. }), "{err}");
    let err = s
        .change_account(
            &actor,
            AccountChange::Disable {
                username: "khong-co".into(),
            },
        )
        .expect_err("unknown");
    assert!(err.to_string().contains("khong-co"), "{err}");
}

#[test]
fn an_unknown_role_in_the_file_is_reported_with_its_row_never_read_as_another_role() {
    let (_dir, mut s) = setup();
    let access = crate::access::Access::default();
    access
        .create_first_admin(&mut s, new("quantri", Role::Admin, None, None))
        .expect("admin, signed in");
    access.allow(&s, Action::Read).expect("allowed while the row is sound");
    let id: i64 = s
        .connection()
        .query_row("SELECT id FROM account WHERE username = 'quantri'", [], |r| r.get(0))
        .expect("id");
    // Edited outside the app, past the CHECK constraint.
    s.connection()
        .execute_batch(
            "PRAGMA ignore_check_constraints = ON;
             UPDATE account SET role = 'boss' WHERE username = 'quantri';
             PRAGMA ignore_check_constraints = OFF;",
        )
        .expect("edit");
    let expected = Corrupt::at_id("account", "role", id, "boss");
    for err in [
        s.account("quantri").expect_err("refused"),
        s.list_accounts().expect_err("refused"),
        s.login("quantri", "mat-khau-dai", &FailureLimit::default())
            .expect_err("refused"),
    ] {
        assert!(matches!(&err, Error::Corrupt(c) if *c == expected), "{err:?}");
        let message = err.to_string();
        assert!(message.contains("account") && message.contains("boss"), "{message}");
    }
    // Its session acts with no guessed role: the check itself is refused.
    let err = access.allow(&s, Action::Read).expect_err("refused");
    assert!(matches!(&err, Error::Corrupt(c) if *c == expected), "{err:?}");
}

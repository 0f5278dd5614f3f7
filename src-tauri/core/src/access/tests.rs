//! Tests of the access policy: one locked read for session and role, the
//! session ending with its account, and what a secretary reads.

use super::*;
use crate::accounts::{AccountChange, Role};
use crate::model::{Classification, DocQty, Document, NewBatch, NewDocument, NewUnit, OutstandingQuery};

fn new(username: &str, role: Role, unit: Option<&str>) -> NewAccount {
    NewAccount {
        username: username.into(),
        display_name: format!("Người {username}"),
        role,
        unit: unit.map(Into::into),
        password: "mat-khau-dai".into(),
        pin: None,
    }
}

/// Units X (X1, X2, X3 under it); X3 merged into X1. Documents: an ordinary
/// one and a Mật one handed to X1, X2, X3; a Tuyệt mật one handed to X1 only;
/// a Tối mật one to X2 only. Two batches.
fn register() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = Store::open(&dir.path().join("t.sqlite3")).expect("open");
    let a = Actor::new("t", "test");
    for (code, parent) in [("X", None), ("X1", Some("X")), ("X2", Some("X")), ("X3", Some("X"))] {
        let unit = NewUnit {
            code: code.into(),
            name: format!("Chi bộ {code}"),
            parent: parent.map(Into::into),
            ..Default::default()
        };
        s.add_unit(&a, unit).expect("unit");
    }
    for (symbol, title, classification) in [
        ("05-KH/HU", "Kế hoạch học tập", Classification::Normal),
        ("06-KH/HU", "Kế hoạch mật", Classification::Secret),
        ("07-NQ/HU", "Nghị quyết tuyệt mật về nhân sự", Classification::Absolute),
        ("08-CT/HU", "Chỉ thị tối mật", Classification::TopSecret),
    ] {
        let doc = NewDocument {
            symbol: symbol.into(),
            title: title.into(),
            copies_received: 20,
            classification,
            ..Default::default()
        };
        s.add_document(&a, doc).expect("doc");
    }
    let day = crate::db::today();
    let batch = |code: &str, docs: &[&str], units: &[&str]| NewBatch {
        code: code.into(),
        title: format!("Đợt {code}"),
        handed_on: Some(day),
        documents: docs
            .iter()
            .map(|d| DocQty {
                symbol: (*d).into(),
                quantity: 1,
                uid: None,
            })
            .collect(),
        units: units.iter().map(|u| (*u).into()).collect(),
        ..Default::default()
    };
    s.create_batch(&a, batch("B1", &["05-KH/HU", "06-KH/HU"], &["X1", "X2", "X3"]))
        .expect("B1");
    s.create_batch(&a, batch("B2", &["07-NQ/HU"], &["X1"])).expect("B2");
    s.create_batch(&a, batch("B3", &["08-CT/HU"], &["X2"])).expect("B3");
    s.reorganise(
        &a,
        crate::model::Reorganisation {
            change: crate::model::Change::Merge {
                from: vec!["X3".into()],
                into: "X1".into(),
            },
            on: day,
            reason: Some("Sáp nhập".into()),
        },
    )
    .expect("merge X3 into X1");
    (dir, s)
}

fn signed_in(access: &Access, s: &mut Store, username: &str) -> Grant {
    access.login(s, username, "mat-khau-dai").expect("login");
    access.allow(s, Action::Read).expect("read")
}

#[test]
fn a_register_without_accounts_is_its_owners() {
    let (_d, s) = register();
    let access = Access::default();
    let grant = access.allow(&s, Action::Restore).expect("single user");
    assert_eq!(grant.session, None);
    assert_eq!(grant.scope(), Scope::All);
    assert!(access.status(&s).expect("status").needs_admin);
}

#[test]
fn with_accounts_every_action_needs_a_session_and_the_role() {
    let (_d, mut s) = register();
    let access = Access::default();
    access
        .create_first_admin(&mut s, new("admin", Role::Admin, None))
        .expect("admin");
    s.add_account(None, &Actor::cli(), new("lanhdao", Role::Supervisor, None))
        .expect("supervisor");
    assert!(!access.status(&s).expect("status").needs_admin);
    let grant = access.allow(&s, Action::ManageAccounts).expect("the admin");
    assert_eq!(grant.actor.name, "admin");
    assert_eq!(grant.session.as_ref().map(|s| s.actor()), Some(grant.actor.clone()));
    access.sign_out();
    let err = access.allow(&s, Action::Read).expect_err("signed out");
    assert_eq!(err.to_string(), LOGIN_NEEDED);
    signed_in(&access, &mut s, "lanhdao");
    assert!(matches!(
        access.allow(&s, Action::ConfirmOwnUnit),
        Err(Error::Forbidden(_))
    ));
}

/// The check and the session come from one locked read: however sign-ins
/// and sign-outs interleave with it, an allowed action always carries the
/// session it was checked against, never "no session" (which would mean no
/// role check at all).
#[test]
fn the_role_check_and_the_session_are_read_together() {
    let (_d, mut s) = register();
    let access = Access::default();
    access
        .create_first_admin(&mut s, new("admin", Role::Admin, None))
        .expect("admin");
    s.add_account(None, &Actor::cli(), new("lanhdao", Role::Supervisor, None))
        .expect("supervisor");
    let supervisor = access.login(&mut s, "lanhdao", "mat-khau-dai").expect("login");
    let admin = Session {
        account: s.account("admin").expect("read").expect("exists"),
    };
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                access.sign_in(supervisor.clone());
                access.sign_out();
                access.sign_in(admin.clone());
                access.sign_out();
            }
        });
        let mut allowed = 0;
        for _ in 0..3000 {
            match access.allow(&s, Action::ConfirmAny) {
                Ok(grant) => {
                    allowed += 1;
                    let session = grant.session.expect("an allowed action carries its session");
                    assert_eq!(session.account.role, Role::Admin, "the supervisor may not confirm");
                    assert_eq!(grant.actor, session.actor());
                }
                Err(e) => assert!(matches!(e, Error::Forbidden(_)), "{e}"),
            }
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        eprintln!("allowed {allowed} of 3000 while signing in and out");
    });
}

#[test]
fn a_session_ends_when_its_account_is_disabled_and_idles_out() {
    let (_d, mut s) = register();
    let access = Access::default();
    let admin = access
        .create_first_admin(&mut s, new("admin", Role::Admin, None))
        .expect("admin");
    s.add_account(None, &Actor::cli(), new("vanthu", Role::Clerk, None))
        .expect("clerk");
    signed_in(&access, &mut s, "vanthu");
    s.change_account(
        &admin.actor(),
        AccountChange::Disable {
            username: "vanthu".into(),
        },
    )
    .expect("disable");
    let err = access.allow(&s, Action::Read).expect_err("disabled meanwhile");
    assert!(err.to_string().contains("vô hiệu hoá"), "{err}");
    assert_eq!(access.status(&s).expect("status").session, None, "signed out");

    signed_in(&access, &mut s, "admin");
    s.write(&Actor::cli(), |dao| {
        dao.put_setting("idle_lock_minutes", "0", &serde_json::json!({ "minutes": 0 }))
    })
    .expect("idle lock 0");
    let err = access.allow(&s, Action::Read).expect_err("idle");
    assert_eq!(err.to_string(), IDLE_MESSAGE);
}

#[test]
fn a_secretary_reads_only_their_own_unit() {
    let (_d, mut s) = register();
    let access = Access::default();
    access
        .create_first_admin(&mut s, new("admin", Role::Admin, None))
        .expect("admin");
    s.add_account(None, &Actor::cli(), new("bithu1", Role::Secretary, Some("X1")))
        .expect("secretary");
    let staff = access.allow(&s, Action::Read).expect("admin reads");
    let grant = signed_in(&access, &mut s, "bithu1");
    assert_eq!(grant.scope(), Scope::Unit("X1".into()));

    // Outstanding: X1's own receipts and X3's (merged into X1), nothing of X2.
    let rows = s
        .outstanding_for(&grant, &OutstandingQuery::default())
        .expect("outstanding");
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.unit_code == "X1"), "{rows:?}");
    assert!(rows.iter().any(|r| r.in_place_of.as_deref() == Some("X3")), "{rows:?}");
    assert!(s
        .outstanding_for(&staff, &OutstandingQuery::default())
        .expect("all")
        .iter()
        .any(|r| r.unit_code == "X2"));
    let flags = s.unit_flags_for(&grant, None).expect("flags");
    assert_eq!(flags.iter().map(|f| f.unit_code.as_str()).collect::<Vec<_>>(), ["X1"]);

    // Batches: B1 and B2, with X1's figures (its receipt and X3's).
    let batches = s.batches_for(&grant).expect("batches");
    let codes: Vec<&str> = batches.iter().map(|b| b.code.as_str()).collect();
    assert_eq!(codes.len(), 2, "{codes:?}");
    assert!(!codes.contains(&"B3"), "{codes:?}");
    let b1 = batches.iter().find(|b| b.code == "B1").expect("B1");
    assert_eq!((b1.recipients, b1.open, b1.copies), (2, 2, 4), "{b1:?}");
    assert_eq!(b1.documents, ["05-KH/HU", "06-KH/HU"]);
    let stats = s.batch_stats_for(&grant, &[], None).expect("stats");
    assert_eq!(stats.len(), 2, "{stats:?}");
    let b1 = stats.iter().find(|b| b.code == "B1").expect("B1");
    assert_eq!((b1.units, b1.pending), (2, 2), "{b1:?}");
    let err = s
        .batch_stats_for(&grant, &["B3".into()], None)
        .expect_err("not X1's batch");
    assert!(matches!(err, Error::Forbidden(_)), "{err}");
    assert!(s.group_completion_for(&grant, "B3", None).is_err());
    assert!(s.confirmation_curve_for(&grant, "B3").is_err());
    let groups = s.group_completion_for(&grant, "B1", None).expect("groups");
    assert_eq!(groups.iter().map(|g| g.units).sum::<u32>(), 2, "{groups:?}");

    // Receipts: X1's (and X3's) only.
    assert!(s.unit_receipts_for(&grant, "X1").is_ok());
    assert!(s.unit_receipts_for(&grant, "X3").is_ok());
    assert!(matches!(s.unit_receipts_for(&grant, "X2"), Err(Error::Forbidden(_))));
    let x2_code = s.unit_receipts("X2").expect("X2")[0].receipt_code.clone();
    assert!(matches!(s.receipt_for(&grant, &x2_code), Err(Error::Forbidden(_))));
    assert!(s.receipt_for(&staff, &x2_code).is_ok());

    // Classified copies: the copies X1 holds, not X2's, not the office's register.
    assert!(!s.copies_held_for(&grant, "X1").expect("X1's copies").is_empty());
    assert!(matches!(s.copies_held_for(&grant, "X2"), Err(Error::Forbidden(_))));
    assert!(!s.copies_held_for(&staff, "X2").expect("X2's copies").is_empty());
    assert!(matches!(
        s.copies_for(&grant, "06-KH/HU", None),
        Err(Error::Forbidden(_))
    ));
    assert_eq!(s.copies_for(&staff, "06-KH/HU", None).expect("copies").len(), 20);
    assert!(matches!(s.recalls_for(&grant), Err(Error::Forbidden(_))));
    assert!(s.recalls_for(&staff).expect("recalls").is_empty());

    // Documents: those handed to X1; the Tuyệt mật summary never, the Mật one shown.
    let docs = s.documents_for(&grant).expect("documents");
    let symbols: Vec<&str> = docs.iter().map(|d| d.symbol.as_str()).collect();
    assert_eq!(symbols.len(), 3, "{symbols:?}");
    assert!(!symbols.contains(&"08-CT/HU"), "the Tối mật one went to X2 only");
    let title = |docs: &[Document], symbol: &str| {
        docs.iter()
            .find(|d| d.symbol == symbol)
            .map(|d| d.title.clone())
            .unwrap_or_default()
    };
    assert_eq!(title(&docs, "06-KH/HU"), "Kế hoạch mật");
    assert_eq!(title(&docs, "07-NQ/HU"), crate::documents::ABSOLUTE_SUMMARY);
    // The staff read every summary on screen; files and the CLI never the Tuyệt mật one.
    assert!(staff.reads_summaries() && !grant.reads_summaries());
    let all = s.documents_for(&staff).expect("all");
    assert_eq!(title(&all, "07-NQ/HU"), "Nghị quyết tuyệt mật về nhân sự");
    assert_eq!(title(&all, "08-CT/HU"), "Chỉ thị tối mật");
    let listed = s.list_documents().expect("list");
    assert_eq!(title(&listed, "07-NQ/HU"), crate::documents::ABSOLUTE_SUMMARY);
    let b2 = s.unit_receipts("X1").expect("X1");
    let b2 = b2.iter().find(|r| r.batch == "B2").expect("B2");
    let detail = s.receipt_for(&staff, &b2.receipt_code).expect("detail");
    assert_eq!(detail.lines[0].title, crate::documents::ABSOLUTE_SUMMARY);
}

/// A campaign over B1's recipients (X1, X2, X3; X3 since merged into X1).
fn campaign(s: &mut Store) {
    let day = crate::db::today();
    let input = crate::model::NewCampaign {
        code: "HT1".into(),
        title: "Học tập kế hoạch".into(),
        batch: Some("B1".into()),
        from: day,
        to: day + chrono::Days::new(30),
        ..Default::default()
    };
    s.create_campaign(&Actor::cli(), input).expect("campaign");
}

fn figures(unit: &str, members: i32) -> crate::model::StudyReportInput {
    crate::model::StudyReportInput {
        campaign: "HT1".into(),
        unit: unit.into(),
        members,
        attended: members - 1,
        ..Default::default()
    }
}

#[test]
fn a_secretary_enters_and_reads_only_their_own_units_study_figures() {
    let (_d, mut s) = register();
    campaign(&mut s);
    let access = Access::default();
    access
        .create_first_admin(&mut s, new("admin", Role::Admin, None))
        .expect("admin");
    s.add_account(None, &Actor::cli(), new("bithu1", Role::Secretary, Some("X1")))
        .expect("secretary");
    s.add_account(None, &Actor::cli(), new("lanhdao", Role::Supervisor, None))
        .expect("supervisor");
    let staff = access.allow(&s, Action::Handout).expect("admin");
    s.report_study_by(&staff, figures("X2", 10))
        .expect("the admin enters any unit's");

    let grant = signed_in(&access, &mut s, "bithu1");
    assert!(access.allow(&s, Action::ReportOwnUnit).is_ok());
    // Their own unit, and X3 merged into it.
    let saved = s.report_study_by(&grant, figures("X1", 20)).expect("own unit");
    assert_eq!((saved.unit_code.as_str(), saved.members), ("X1", 20));
    s.report_study_by(&grant, figures("X3", 5))
        .expect("merged into their unit");
    // Another unit: refused clearly, nothing written.
    let head = |s: &Store| {
        s.read(|dao| dao.log_head())
            .expect("log")
            .map(|h| h.check_code().to_owned())
    };
    let log_before = head(&s);
    let err = s.report_study_by(&grant, figures("X2", 99)).expect_err("not theirs");
    assert!(matches!(err, Error::Forbidden(_)), "{err}");
    assert!(err.to_string().contains("«X2»"), "{err}");
    assert_eq!(head(&s), log_before, "nothing logged");
    let x2 = s.study_summary("HT1", None).expect("summary");
    let x2 = x2.iter().find(|r| r.unit_code == "X2").expect("X2");
    assert_eq!(x2.members, 10, "X2's figures stay the admin's");

    // Reads: their campaign counted over their units; their rows only, the
    // committee and the total added up from them.
    let campaigns = s.campaigns_for(&grant).expect("campaigns");
    assert_eq!(campaigns.len(), 1);
    assert_eq!((campaigns[0].units, campaigns[0].units_reported), (2, 2));
    let rows = s.study_summary_for(&grant, "HT1", None).expect("own summary");
    let units: Vec<&str> = rows
        .iter()
        .filter(|r| r.level == crate::model::StudyLevel::Unit)
        .map(|r| r.unit_code.as_str())
        .collect();
    assert_eq!(units, ["X1", "X3"], "{rows:?}");
    let total = rows.last().expect("total");
    assert_eq!((total.members, total.took_part, total.units), (25, 23, Some(2)));
    let all = s.study_summary_for(&staff, "HT1", None).expect("whole summary");
    assert_eq!(all.last().map(|t| t.members), Some(35));
    assert_eq!(s.campaigns_for(&staff).expect("all")[0].units, 3);

    // A supervisor reads everything and enters nothing.
    access.sign_out();
    let boss = signed_in(&access, &mut s, "lanhdao");
    assert!(access.allow(&s, Action::ReportOwnUnit).is_err());
    assert!(matches!(
        s.report_study_by(&boss, figures("X1", 3)),
        Err(Error::Forbidden(_))
    ));
    assert_eq!(s.study_summary_for(&boss, "HT1", None).expect("all").len(), all.len());
}

#[test]
fn a_secretary_of_a_unit_outside_a_campaign_reads_none_of_it() {
    let (_d, mut s) = register();
    campaign(&mut s);
    let access = Access::default();
    access
        .create_first_admin(&mut s, new("admin", Role::Admin, None))
        .expect("admin");
    s.add_account(None, &Actor::cli(), new("bithu", Role::Secretary, Some("X")))
        .expect("secretary of the committee");
    let grant = signed_in(&access, &mut s, "bithu");
    assert!(s.campaigns_for(&grant).expect("campaigns").is_empty());
    assert!(matches!(
        s.study_summary_for(&grant, "HT1", None),
        Err(Error::Forbidden(_))
    ));
    assert!(matches!(
        s.report_study_by(&grant, figures("X1", 3)),
        Err(Error::Forbidden(_))
    ));
}

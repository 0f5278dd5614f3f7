//! Backups, restores and the opening of the register, on real files in
//! temporary folders.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use rusqlite::Connection;

use super::automatic::before_migration;
use super::names::{parse_name, NAME_TIME};
use super::*;
use crate::db::{Actor, Store, SCHEMA_VERSION};
use crate::error::Error;
use crate::files::with_suffix;
use crate::model::NewUnit;

fn unit(code: &str) -> NewUnit {
    NewUnit {
        code: code.into(),
        name: format!("Chi bộ {code}"),
        parent: None,
        kind: None,
        short_name: None,
        phone: None,
        address: None,
        opened_on: None,
        secretary: None,
        deputy: None,
    }
}

fn codes(store: &Store) -> Vec<String> {
    store.list_units().expect("list").into_iter().map(|u| u.code).collect()
}

fn actor() -> Actor {
    Actor::new("test", "test")
}

fn no_stop() -> AtomicBool {
    AtomicBool::new(false)
}

/// Damage that the quick check at open misses and `integrity_check`
/// finds: an index whose definition no longer matches its entries (the
/// backup API copies it page for page).
fn damage_an_index(db: &Path) {
    let conn = Connection::open(db).expect("raw open");
    conn.execute_batch(
        "CREATE INDEX damage_probe ON audit_log (action);
         PRAGMA writable_schema = ON;
         UPDATE sqlite_schema SET sql = 'CREATE INDEX damage_probe ON audit_log (actor)'
          WHERE name = 'damage_probe';
         PRAGMA writable_schema = OFF;",
    )
    .expect("damage an index");
}

/// An automatic backup file named as made at `time` (`YYYYMMDD-HHMMSS`).
fn backdate(made: &BackupInfo, db: &Path, time: &str) -> PathBuf {
    let name = made
        .file_name
        .replacen(&made.taken_at.format(NAME_TIME).to_string(), time, 1);
    let to = backup_dir(db).join(name);
    std::fs::rename(&made.path, &to).expect("rename");
    to
}

#[test]
fn backup_to_makes_a_single_file_copy_that_opens() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("sogiaonhan.sqlite3");
    let mut store = Store::open(&db).expect("open");
    store.add_unit(&actor(), unit("CB1")).expect("unit");
    let out = dir.path().join("copy").join("ban-sao.sqlite3");
    store.backup_to(&out).expect("backup");
    assert!(!with_suffix(&out, "-wal").exists(), "no -wal beside the copy");
    assert!(!with_suffix(&out, ".partial").exists(), "no temporary file left");
    check_backup(&out).expect("the copy passes the restore check");
    let copy = Store::open(&out).expect("open the copy");
    assert_eq!(codes(&copy), ["CB1"]);
    for target in [db.clone(), with_suffix(&db, "-wal")] {
        let err = store.backup_to(&target).expect_err("not onto the database itself");
        assert!(err.to_string().contains("chính tệp dữ liệu"), "{err}");
    }
}

#[test]
fn a_manual_backup_copies_in_steps_while_the_store_keeps_writing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db.sqlite3");
    let mut store = Store::open(&db).expect("open");
    for i in 0..300 {
        store.add_unit(&actor(), unit(&format!("CB{i:03}"))).expect("unit");
    }
    let out = dir.path().join("ban-sao.sqlite3");
    std::thread::scope(|s| {
        let copying = s.spawn(|| backup_file(&db, &out, &no_stop()));
        // The store is not held by the copy: it writes meanwhile.
        for i in 0..20 {
            store
                .add_unit(&actor(), unit(&format!("MOI{i:02}")))
                .expect("write during the copy");
        }
        copying.join().expect("thread").expect("copy");
    });
    let copy = Store::open(&out).expect("open the copy");
    let copied = codes(&copy);
    assert!(copied.len() >= 300, "a consistent snapshot: {}", copied.len());
    copy.verify().expect("the copy's log is whole");
    // A stop request abandons a copy and leaves nothing behind.
    let stopped = dir.path().join("dung.sqlite3");
    let err = backup_file(&db, &stopped, &AtomicBool::new(true)).expect_err("stopped");
    assert!(err.to_string().contains("đã dừng"), "{err}");
    assert!(!stopped.exists() && !with_suffix(&stopped, ".partial").exists());
}

#[test]
fn automatic_backups_are_checked_marked_listed_and_pruned_by_kind() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("sogiaonhan.sqlite3");
    let mut store = Store::open(&db).expect("open");
    assert_eq!(store.backup_settings().expect("settings"), BackupSettings::default());
    let settings = BackupSettings {
        keep: 3,
        keep_migrate: 2,
        interval_hours: 0,
    };
    store.set_backup_settings(&actor(), &settings).expect("set");
    assert_eq!(BackupSettings::read(&db).expect("read"), settings);
    for bad in [
        BackupSettings { keep: 0, ..settings },
        BackupSettings {
            keep_migrate: MAX_KEEP + 1,
            ..settings
        },
        BackupSettings {
            interval_hours: MAX_INTERVAL_HOURS + 1,
            ..settings
        },
    ] {
        assert!(matches!(
            store.set_backup_settings(&actor(), &bad),
            Err(Error::Invalid { .. })
        ));
    }
    let first = store.auto_backup(BackupReason::Start).expect("backup");
    assert!(first.file_name.starts_with("sogiaonhan-"), "{}", first.file_name);
    assert!(first.file_name.ends_with("-start-good.sqlite3"), "{}", first.file_name);
    assert_eq!(first.check, BackupCheck::Good);
    assert!(first.size > 0);
    assert_eq!(crate::files::parent(Path::new(&first.path)), backup_dir(&db));
    let migrates: Vec<PathBuf> = (0..3)
        .map(|_| before_migration(&db, &mut |_| ()).expect("migrate backup"))
        .collect();
    for _ in 0..5 {
        store.auto_backup(BackupReason::Daily).expect("backup");
    }
    let all = store.backups().expect("list");
    assert_eq!(all.iter().filter(|b| b.reason.automatic()).count(), 3, "{all:?}");
    assert_eq!(all.iter().filter(|b| !b.reason.automatic()).count(), 2, "{all:?}");
    assert!(
        !migrates[0].exists() && migrates[2].exists(),
        "the oldest upgrade copy went"
    );
    assert!(!Path::new(&first.path).exists(), "the oldest was pruned");
    assert!(all.iter().all(|b| b.check == BackupCheck::Good));
    // Newest first.
    assert!(all.windows(2).all(|w| w[0].taken_at >= w[1].taken_at));
}

#[test]
fn a_start_backup_is_made_only_when_the_newest_good_one_is_older_than_the_interval() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db.sqlite3");
    let mut store = Store::open(&db).expect("open");
    store.add_unit(&actor(), unit("CB1")).expect("unit");
    let first = automatic(&db, BackupReason::Start, &no_stop());
    assert_eq!(first.alert, None);
    let made = first.made.expect("none yet: made");
    assert_eq!((made.reason, made.check), (BackupReason::Start, BackupCheck::Good));
    // Ten more starts within the day: no copy, nothing pushed out.
    for _ in 0..10 {
        let again = automatic(&db, BackupReason::Start, &no_stop());
        assert_eq!((again.made, again.alert), (None, None));
    }
    assert_eq!(list(&db).expect("list"), std::slice::from_ref(&made));
    // A day old (by its name): due again.
    backdate(&made, &db, "20200101-000000");
    let due = automatic(&db, BackupReason::Daily, &no_stop());
    assert_eq!(due.made.expect("due").reason, BackupReason::Daily);
    // Interval 0: a copy at every start.
    store
        .set_backup_settings(
            &actor(),
            &BackupSettings {
                interval_hours: 0,
                ..BackupSettings::default()
            },
        )
        .expect("set");
    assert!(automatic(&db, BackupReason::Start, &no_stop()).made.is_some());
}

#[test]
fn a_damaged_copy_is_marked_and_pruning_keeps_the_newest_good_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db.sqlite3");
    let good = {
        let mut store = Store::open(&db).expect("open");
        store.add_unit(&actor(), unit("CB1")).expect("unit");
        store
            .set_backup_settings(
                &actor(),
                &BackupSettings {
                    keep: 2,
                    keep_migrate: 1,
                    interval_hours: 0,
                },
            )
            .expect("set");
        automatic(&db, BackupReason::Start, &no_stop()).made.expect("made")
    };
    damage_an_index(&db);
    drop(Store::open(&db).expect("the quick check at open misses it"));
    for _ in 0..4 {
        let outcome = automatic(&db, BackupReason::Start, &no_stop());
        let made = outcome.made.expect("made");
        assert_eq!(made.check, BackupCheck::Damaged, "{}", made.file_name);
        assert!(made.file_name.ends_with("-damaged.sqlite3"), "{}", made.file_name);
        let alert = outcome.alert.expect("an alert");
        assert!(
            alert.damaged && alert.message.contains(&made.file_name),
            "{}",
            alert.message
        );
        let problem = outcome.register_damaged.expect("the register is checked too");
        assert!(
            problem.contains("trang hỏng") && problem.contains(&*db.display().to_string()),
            "{problem}"
        );
    }
    let all = list(&db).expect("list");
    assert_eq!(
        all.len(),
        3,
        "two damaged within the limit, and the newest good: {all:?}"
    );
    assert_eq!(all[2], good, "the good copy outlived the limit");
    assert_eq!(latest_good(&db).expect("latest good"), Some(good.clone()));
    check_backup(Path::new(&all[0].path)).expect_err("a damaged copy is not restored");
    // A damaged register is not "due-satisfied" by damaged copies: each
    // start tries again, and the good copy is what recovery offers.
    assert!(matches!(open_or_recover(&db).expect("open"), Opened::Open(_)));
}

#[test]
fn a_copy_that_fails_is_an_alert_and_leaves_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db.sqlite3");
    drop(Store::open(&db).expect("open"));
    // A file where the backups folder should be: the copy cannot be made.
    std::fs::write(backup_dir(&db), b"not a folder").expect("write");
    let outcome = automatic(&db, BackupReason::Start, &no_stop());
    assert_eq!(outcome.made, None);
    let alert = outcome.alert.expect("an alert");
    assert!(
        !alert.damaged && alert.message.contains("không thành công"),
        "{}",
        alert.message
    );
    assert_eq!(outcome.register_damaged, None);
}

#[test]
fn backups_for_admin_and_clerk_restore_for_admin_only() {
    use crate::accounts::{Action, Role};
    assert!(Role::Admin.may(Action::Backup) && Role::Admin.may(Action::Restore));
    assert!(Role::Clerk.may(Action::Backup) && !Role::Clerk.may(Action::Restore));
    for role in [Role::Supervisor, Role::Secretary] {
        assert!(!role.may(Action::Backup) && !role.may(Action::Restore), "{role:?}");
    }
}

#[test]
fn an_automatic_backup_reads_beside_an_open_store_and_is_found_by_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db.sqlite3");
    let mut store = Store::open(&db).expect("open");
    store.add_unit(&actor(), unit("CB1")).expect("unit");
    let made = automatic(&db, BackupReason::Start, &no_stop()).made.expect("made");
    store.add_unit(&actor(), unit("CB2")).expect("the store still writes");
    let found = find(&db, &made.file_name).expect("found");
    assert_eq!(found, made);
    assert!(matches!(find(&db, "../db.sqlite3"), Err(Error::NotFound { .. })));
    assert_eq!(codes(&Store::open(Path::new(&found.path)).expect("open")), ["CB1"]);
    let rec = recovery(&db, "hỏng").expect("recovery");
    assert_eq!(rec.backups, [made]);
    assert!(!rec.missing);
}

#[test]
fn names_parse_back() {
    let p = parse_name("x-20261128-130501-start.sqlite3", "x-").expect("parse");
    assert_eq!(
        p.taken_at.format("%Y-%m-%d %H:%M:%S").to_string(),
        "2026-11-28 13:05:01"
    );
    assert_eq!(
        (p.reason, p.seq, p.check),
        (BackupReason::Start, 0, BackupCheck::Unchecked)
    );
    assert_eq!(
        parse_name("x-20261128-130501-daily-3.sqlite3", "x-").map(|p| (p.reason, p.seq, p.check)),
        Some((BackupReason::Daily, 3, BackupCheck::Unchecked))
    );
    assert_eq!(
        parse_name("x-20261128-130501-daily-3-damaged.sqlite3", "x-").map(|p| (p.reason, p.seq, p.check)),
        Some((BackupReason::Daily, 3, BackupCheck::Damaged))
    );
    assert_eq!(
        parse_name("x-20261128-130501-migrate-good.sqlite3", "x-").map(|p| (p.reason, p.seq, p.check)),
        Some((BackupReason::Migrate, 0, BackupCheck::Good))
    );
    assert_eq!(parse_name("x-20261128-130501-other.sqlite3", "x-"), None);
    assert_eq!(parse_name("x-20261128-130501-start.sqlite3.partial", "x-"), None);
    assert_eq!(parse_name("y-20261128-130501-start.sqlite3", "x-"), None);
    assert_eq!(parse_name("x-2026-start.sqlite3", "x-"), None);
}

#[test]
fn restore_moves_the_current_file_aside_and_puts_the_backup_in_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("sogiaonhan.sqlite3");
    let backup = dir.path().join("ban-sao.sqlite3");
    {
        let mut store = Store::open(&db).expect("open");
        store.add_unit(&actor(), unit("CB1")).expect("unit");
        store.backup_to(&backup).expect("backup");
        store.add_unit(&actor(), unit("CB2")).expect("unit");
    }
    let restored = restore(&db, &backup).expect("restore");
    let replaced = PathBuf::from(restored.replaced.expect("the old file was kept"));
    assert!(
        replaced.starts_with(dir.path().join(REPLACED_DIR)),
        "{}",
        replaced.display()
    );
    assert!(replaced
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("sogiaonhan-before-restore-")));
    assert_eq!(codes(&Store::open(&db).expect("open restored")), ["CB1"]);
    assert_eq!(codes(&Store::open(&replaced).expect("open replaced")), ["CB1", "CB2"]);
    assert!(!with_suffix(&db, ".restoring").exists());
    assert!(restored.replaced_head.is_some());
}

#[test]
fn a_restore_is_logged_in_the_restored_register_with_the_replaced_head() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db.sqlite3");
    let backup = dir.path().join("ban-sao.sqlite3");
    let head = {
        let mut store = Store::open(&db).expect("open");
        store.add_unit(&actor(), unit("CB1")).expect("unit");
        store.backup_to(&backup).expect("backup");
        store.add_unit(&actor(), unit("CB2")).expect("unit");
        store
            .connection()
            .query_row(
                "SELECT id, lower(hex(hash)) FROM audit_log ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    Ok(Head {
                        id: r.get(0)?,
                        hash: r.get(1)?,
                    })
                },
            )
            .expect("head")
    };
    let (restored, store) = restore_and_log(&db, &backup, &Actor::new("quantri", "app")).expect("restore");
    assert_eq!(restored.replaced_head.as_ref(), Some(&head));
    let (actor, action, detail): (String, String, String) = store
        .connection()
        .query_row(
            "SELECT actor, action, detail FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("the last row");
    assert_eq!((actor.as_str(), action.as_str()), ("quantri", "backup.restore"));
    assert!(
        detail.contains("ban-sao.sqlite3") && detail.contains(&head.hash),
        "{detail}"
    );
    assert!(detail.contains(&format!("\"id\":{}", head.id)), "{detail}");
    store.verify().expect("the chain holds after the entry");
    assert_eq!(codes(&store), ["CB1"]);
}

#[test]
fn a_restore_waits_for_nobody_and_moves_nothing_while_the_register_is_open() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db.sqlite3");
    let backup = dir.path().join("ban-sao.sqlite3");
    let store = Store::open(&db).expect("open");
    store.backup_to(&backup).expect("backup");
    let listing = || {
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = listing();
    // A store (this process or another) holds the lock file shared.
    let err = restore(&db, &backup).expect_err("refused while a store is open");
    assert!(matches!(err, Error::InUse { .. }), "{err}");
    assert!(err.to_string().contains("đang được mở"), "{err}");
    assert_eq!(listing(), before, "nothing moved");
    drop(store);
    // A program that knows nothing of the lock file, with a plain SQLite
    // connection: SQLite's own lock tells.
    let other = Connection::open(&db).expect("plain connection");
    other
        .query_row("SELECT count(*) FROM unit", [], |r| r.get::<_, i64>(0))
        .expect("read");
    let err = restore(&db, &backup).expect_err("refused while SQLite has it open");
    assert!(matches!(err, Error::InUse { .. }), "{err}");
    assert!(!dir.path().join(REPLACED_DIR).exists(), "nothing moved");
    drop(other);
    restore(&db, &backup).expect("alone now");
}

#[test]
fn a_failed_final_rename_puts_the_replaced_file_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db.sqlite3");
    let backup = dir.path().join("ban-sao.sqlite3");
    {
        let mut store = Store::open(&db).expect("open");
        store.backup_to(&backup).expect("backup");
        store.add_unit(&actor(), unit("CB2")).expect("unit");
    }
    restore::FAIL_FINAL_RENAME.with(|f| f.set(true));
    let err = restore(&db, &backup).expect_err("the rename fails");
    restore::FAIL_FINAL_RENAME.with(|f| f.set(false));
    assert!(err.to_string().contains("không đặt được dữ liệu khôi phục"), "{err}");
    assert_eq!(codes(&Store::open(&db).expect("the old file is back")), ["CB2"]);
    assert!(!with_suffix(&db, ".restoring").exists());
    let replaced: Vec<_> = std::fs::read_dir(dir.path().join(REPLACED_DIR))
        .expect("folder")
        .collect();
    assert!(replaced.is_empty(), "nothing left aside: {replaced:?}");
}

#[test]
fn a_missing_register_with_backups_opens_recovery_never_an_empty_register() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db.sqlite3");
    assert!(matches!(open_or_recover(&db).expect("first start"), Opened::Open(_)));
    let made = automatic(&db, BackupReason::Start, &no_stop()).made.expect("made");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(&db, suffix));
    }
    match open_or_recover(&db).expect("recovery") {
        Opened::Recovering(rec) => {
            assert!(rec.missing);
            assert!(rec.problem.contains("Không tìm thấy tệp dữ liệu"), "{}", rec.problem);
            assert_eq!(rec.backups, std::slice::from_ref(&made));
        }
        Opened::Open(_) => panic!("a new empty register was opened"),
    }
    assert!(!db.exists(), "nothing created");
    let (restored, store) =
        restore_and_log(&db, Path::new(&made.path), &actor()).expect("restore into the missing place");
    assert_eq!((restored.replaced, restored.replaced_head), (None, None));
    store.verify().expect("log");
}

#[test]
fn restore_refuses_bad_backups_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("sogiaonhan.sqlite3");
    drop(Store::open(&db).expect("open"));
    let db_bytes = std::fs::read(&db).expect("read");

    let random = dir.path().join("random.sqlite3");
    std::fs::write(&random, b"khong phai co so du lieu ".repeat(50)).expect("write");
    let foreign = dir.path().join("foreign.sqlite3");
    {
        let conn = Connection::open(&foreign).expect("create");
        conn.execute_batch("CREATE TABLE t (x); PRAGMA user_version = 1;")
            .expect("schema");
    }
    let newer = dir.path().join("newer.sqlite3");
    drop(Store::open(&newer).expect("create"));
    {
        let conn = Connection::open(&newer).expect("raw");
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .expect("bump");
    }
    for (file, expect) in [
        (&random, "không phải tệp cơ sở dữ liệu"),
        (&foreign, "không phải dữ liệu của Sổ Giao Nhận"),
        (&newer, "phiên bản mới hơn"),
        (&db, "chính tệp dữ liệu"),
    ] {
        let before = std::fs::read(file).expect("read");
        let err = restore(&db, file).expect_err("refused");
        let msg = err.to_string();
        assert!(msg.contains(expect), "{msg}");
        assert!(msg.contains(&*file.display().to_string()), "names the file: {msg}");
        assert_eq!(std::fs::read(file).expect("read"), before);
    }
    assert_eq!(std::fs::read(&db).expect("read"), db_bytes, "database untouched");
    assert!(!dir.path().join(REPLACED_DIR).exists());
}

#[test]
fn an_upgrade_is_preceded_by_a_backup_of_the_old_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let old = dir.path().join("cu.sqlite3");
    crate::db::create_at_version(&old, 1).expect("a register as version 1 left it");
    let before = std::fs::read(&old).expect("read");
    drop(Store::open(&old).expect("upgrade"));
    let backups = list(&old).expect("list");
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert_eq!(backups[0].reason, BackupReason::Migrate);
    let conn = crate::db::backup::open_read_only(Path::new(&backups[0].path)).expect("open");
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("v");
    assert_eq!(v, 1, "the backup holds the file as it was");
    drop(conn);
    assert_ne!(
        std::fs::read(&old).expect("read"),
        before,
        "the file itself was upgraded"
    );
    // Opening again (already current) makes no further backup.
    drop(Store::open(&old).expect("reopen"));
    assert_eq!(list(&old).expect("list").len(), 1);
}

#[test]
fn an_upgrade_tells_its_step_and_how_much_of_the_file_its_backup_has_copied() {
    let dir = tempfile::tempdir().expect("temp dir");
    let old = dir.path().join("cu.sqlite3");
    crate::db::create_at_version(&old, 1).expect("a register as version 1 left it");
    // About 2,500 pages more, so that the copy takes several steps.
    Connection::open(&old)
        .expect("open")
        .execute_batch(
            "CREATE TABLE padding (b BLOB);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
             INSERT INTO padding SELECT randomblob(4000) FROM n;",
        )
        .expect("pad the file");
    let mut told = Vec::new();
    let opened = open_or_recover_telling(&old, |step, percent| told.push((step, percent))).expect("upgrade");
    assert!(matches!(opened, Opened::Open(_)), "{opened:?}");
    assert_eq!(told.first(), Some(&(UpgradeStep::Backup, None)), "{told:?}");
    assert_eq!(told.last(), Some(&(UpgradeStep::Upgrade, None)), "{told:?}");
    let copied: Vec<u8> = told[1..told.len() - 1]
        .iter()
        .map(|&(step, percent)| {
            assert_eq!(step, UpgradeStep::Backup);
            percent.expect("a share while copying")
        })
        .collect();
    assert!(copied.len() >= 3, "told as the copy goes: {copied:?}");
    assert!(copied.windows(2).all(|w| w[0] < w[1]), "only as it grows: {copied:?}");
    assert_eq!(copied.last(), Some(&100), "{copied:?}");
}

#[test]
fn open_existing_refuses_a_missing_file_and_creates_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sub").join("db.sqlite3");
    let err = Store::open_existing(&path).expect_err("missing");
    assert!(matches!(err, Error::Missing { .. }), "{err}");
    assert!(err.to_string().contains(&*path.display().to_string()), "{err}");
    assert!(!dir.path().join("sub").exists(), "not even its folder");
    drop(Store::open(&path).expect("create"));
    drop(Store::open_existing(&path).expect("exists now"));
}

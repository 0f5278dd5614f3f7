//! Integration tests of the core API (`giaonhan::Store`) against real database
//! files in temporary directories, opened through the same `Store::open` the app
//! and the CLI use: the core loop, refused input that writes nothing, reopening,
//! files that must be refused and left byte-for-byte untouched, and NFC storage.

// The input types grow optional fields over time: tests name the fields they
// care about and take defaults for the rest, even where that is all of them now.
#![allow(clippy::needless_update)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};
use giaonhan::model::{
    Classification, Confirmation, DocQty, NewBatch, NewDocument, NewUnit, OutstandingQuery, ReceiptStatus,
};
use giaonhan::{Actor, ApiError, Error, ErrorKind, Store};
use unicode_normalization::UnicodeNormalization;

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("create temp dir");
    let path = dir.path().join("sogiaonhan.sqlite3");
    (dir, path)
}

fn actor() -> Actor {
    Actor::new("kiểm thử", "test")
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn unit(code: &str, name: &str, parent: Option<&str>, kind: &str) -> NewUnit {
    NewUnit {
        code: code.into(),
        name: name.into(),
        parent: parent.map(Into::into),
        kind: Some(kind.into()),
        ..NewUnit::default()
    }
}

/// A commune party committee, two branches and one document.
fn seed(store: &mut Store) {
    let a = actor();
    store
        .add_unit(&a, unit("HK", "Đảng bộ xã Hương Khê", None, "Đảng bộ cơ sở"))
        .expect("add the party committee");
    store
        .add_unit(&a, unit("HK-01", "Chi bộ thôn Đông Trung", Some("HK"), "Chi bộ"))
        .expect("add branch 1");
    store
        .add_unit(&a, unit("HK-02", "Chi bộ thôn Ấp Thượng", Some("HK"), "Chi bộ"))
        .expect("add branch 2");
    store
        .add_document(
            &a,
            NewDocument {
                symbol: "05-KH/HU".into(),
                title: "Kế hoạch học tập, quán triệt nghị quyết".into(),
                issued_on: NaiveDate::from_ymd_opt(2025, 1, 15),
                copies_received: 50,
                classification: Classification::Normal,
                ..NewDocument::default()
            },
        )
        .expect("add the document");
}

/// A batch of two copies of 05-KH/HU to every branch under HK, handed ten days
/// ago and due three days ago.
/// A new register with the seed and its overdue batch "D1".
fn seeded_with_batch() -> (tempfile::TempDir, PathBuf, Store) {
    let (dir, path) = temp_db();
    let mut store = Store::open(&path).expect("open");
    seed(&mut store);
    store.create_batch(&actor(), overdue_batch("D1")).expect("batch");
    (dir, path, store)
}

fn overdue_batch(code: &str) -> NewBatch {
    NewBatch {
        code: code.into(),
        title: "Đợt 1 năm 2025".into(),
        handed_on: today().checked_sub_days(Days::new(10)),
        due_on: today().checked_sub_days(Days::new(3)),
        documents: vec![DocQty {
            symbol: "05-KH/HU".into(),
            quantity: 2,
            uid: None,
        }],
        units: vec![],
        subtrees: vec!["HK".into()],
        ..NewBatch::default()
    }
}

/// Row counts of every table: equal snapshots mean nothing was written.
fn table_counts(path: &Path) -> BTreeMap<String, i64> {
    let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open read-only");
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .expect("list tables");
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .expect("query tables")
        .collect::<Result<_, _>>()
        .expect("table names");
    names
        .into_iter()
        .map(|t| {
            let n: i64 = conn
                .query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0))
                .expect("count rows");
            (t, n)
        })
        .collect()
}

/// The boundary error the UI would see.
fn api(err: Error) -> ApiError {
    ApiError::from(err)
}

#[test]
fn core_loop_hand_out_see_outstanding_confirm() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).expect("open a new database");
    assert!(store.status().expect("status").is_empty);
    seed(&mut store);
    assert!(!store.status().expect("status").is_empty);

    let batch = store
        .create_batch(&actor(), overdue_batch("D1-2025"))
        .expect("create the batch");
    assert_eq!(batch.recipients, 2, "the two branches under HK");
    assert_eq!(batch.copies, 4, "two copies to each of two branches");

    let rows = store.outstanding(&OutstandingQuery::default()).expect("outstanding");
    let mut units: Vec<&str> = rows.iter().map(|r| r.unit_code.as_str()).collect();
    units.sort_unstable();
    assert_eq!(units, ["HK-01", "HK-02"]);
    for row in &rows {
        assert_eq!(row.batch, "D1-2025");
        assert_eq!(row.days_overdue, 3);
        assert_eq!(row.copies, 2);
        assert_eq!(row.status, ReceiptStatus::Pending);
    }

    store
        .confirm(
            &actor(),
            Confirmation {
                batch: "D1-2025".into(),
                unit_code: "HK-01".into(),
                by: "Nguyễn Thị Hoa".into(),
                on: None,
                ..Confirmation::default()
            },
        )
        .expect("confirm HK-01");
    let rows = store.outstanding(&OutstandingQuery::default()).expect("outstanding");
    let units: Vec<&str> = rows.iter().map(|r| r.unit_code.as_str()).collect();
    assert_eq!(units, ["HK-02"], "the confirmed unit left the list");

    let batches = store.list_batches().expect("batches");
    assert_eq!(batches[0].confirmed, 1);
    drop(store);

    let counts = table_counts(&path);
    assert!(counts["audit_log"] >= 6, "every change is logged: {counts:?}");
}

#[test]
fn days_overdue_count_against_the_as_of_day() {
    let (_dir, _path, store) = seeded_with_batch();
    let due = today().checked_sub_days(Days::new(3)).expect("date");
    let before_due = OutstandingQuery {
        batches: vec!["D1".into()],
        as_of: due.checked_sub_days(Days::new(1)),
        ..OutstandingQuery::default()
    };
    let rows = store.outstanding(&before_due).expect("outstanding");
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.days_overdue == 0), "not yet due: {rows:?}");
    let later = OutstandingQuery {
        batches: vec!["D1".into()],
        as_of: due.checked_add_days(Days::new(7)),
        ..OutstandingQuery::default()
    };
    let rows = store.outstanding(&later).expect("outstanding");
    assert!(rows.iter().all(|r| r.days_overdue == 7), "{rows:?}");
}

#[test]
fn bad_input_is_refused_with_the_field_named_and_nothing_written() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).expect("open");
    seed(&mut store);
    let a = actor();
    let before = table_counts(&path);

    let cases = [
        ("name", ErrorKind::Invalid, unit("HK-03", "  ", Some("HK"), "Chi bộ")),
        (
            "parent",
            ErrorKind::Invalid,
            unit("HK-03", "Chi bộ 3", Some("KHONG-CO"), "Chi bộ"),
        ),
        (
            "code",
            ErrorKind::Conflict,
            unit("HK-01", "Chi bộ trùng mã", Some("HK"), "Chi bộ"),
        ),
    ];
    for (field, kind, input) in cases {
        let err = api(store.add_unit(&a, input).expect_err("bad unit refused"));
        assert_eq!(err.field.as_deref(), Some(field), "{err}");
        assert_eq!(err.kind, kind, "{err}");
        assert!(!err.message.is_empty());
    }

    // Batches: due before handout, quantity 0, unknown unit, unknown document.
    let mut due_before = overdue_batch("D-X");
    due_before.due_on = due_before.handed_on.and_then(|d| d.checked_sub_days(Days::new(1)));
    let mut zero = overdue_batch("D-Y");
    zero.documents[0].quantity = 0;
    let mut unknown_unit = overdue_batch("D-Z");
    unknown_unit.subtrees.clear();
    unknown_unit.units = vec!["KHONG-CO".into()];
    let mut unknown_doc = overdue_batch("D-W");
    unknown_doc.documents[0].symbol = "99-XX/YY".into();
    for bad in [due_before, zero, unknown_unit, unknown_doc] {
        let code = bad.code.clone();
        let err = api(store.create_batch(&a, bad).expect_err("bad batch refused"));
        assert!(
            err.field.as_deref().is_some_and(|f| !f.is_empty()),
            "batch {code}: the error names a field: {err}"
        );
    }

    assert_eq!(table_counts(&path), before, "refused units and batches write nothing");
    assert_eq!(store.list_units().expect("units").len(), 3);
    assert!(store.list_batches().expect("batches").is_empty());

    // A confirmation without a signer.
    store.create_batch(&a, overdue_batch("D1")).expect("good batch");
    let after_batch = table_counts(&path);
    let err = api(store
        .confirm(
            &a,
            Confirmation {
                batch: "D1".into(),
                unit_code: "HK-01".into(),
                by: " ".into(),
                on: None,
                ..Confirmation::default()
            },
        )
        .expect_err("empty signer"));
    assert_eq!(err.field.as_deref(), Some("by"), "{err}");
    assert_eq!(
        table_counts(&path),
        after_batch,
        "a refused confirmation writes nothing"
    );
}

#[test]
fn reopening_a_file_keeps_everything() {
    let (_dir, path) = temp_db();
    {
        let mut store = Store::open(&path).expect("open");
        seed(&mut store);
        store.create_batch(&actor(), overdue_batch("D1")).expect("batch");
    }
    let store = Store::open(&path).expect("reopen");
    assert_eq!(store.list_units().expect("units").len(), 3);
    assert_eq!(store.list_documents().expect("documents")[0].symbol, "05-KH/HU");
    assert_eq!(store.list_batches().expect("batches")[0].code, "D1");
    assert_eq!(
        store
            .outstanding(&OutstandingQuery::default())
            .expect("outstanding")
            .len(),
        2
    );
    assert!(!store.status().expect("status").is_empty);
}

/// Names of the files in a directory, to see that opening created no sibling.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_untouched() {
    let (dir, path) = temp_db();
    let content = "Danh sách chi bộ nhận văn bản\n".repeat(100).into_bytes();
    std::fs::write(&path, &content).expect("write a text file");
    let files = listing(dir.path());

    let err = Store::open(&path).expect_err("a text file is not a database");
    assert!(matches!(err, Error::Unreadable { .. }), "{err}");
    assert_eq!(api(err).kind, ErrorKind::Database);
    assert_eq!(std::fs::read(&path).expect("read back"), content, "byte for byte");
    assert_eq!(listing(dir.path()), files, "no journal or WAL file created");
}

#[test]
fn a_damaged_database_is_refused_and_left_untouched() {
    let (dir, path) = temp_db();
    {
        let mut store = Store::open(&path).expect("open");
        seed(&mut store);
    }
    // Keep the SQLite header, scramble everything after the first page.
    let mut bytes = std::fs::read(&path).expect("read");
    assert!(bytes.len() > 4096, "the file has more than one page");
    for (i, b) in bytes.iter_mut().enumerate().skip(4096) {
        *b = (i % 251) as u8;
    }
    std::fs::write(&path, &bytes).expect("write the damaged file");

    let err = Store::open(&path).expect_err("a damaged file is refused");
    assert_eq!(api(err).kind, ErrorKind::Database);
    assert_eq!(std::fs::read(&path).expect("read back"), bytes, "byte for byte");
    // SQLite's read-only vetting of a WAL-mode file may leave empty `-wal` /
    // `-shm` companions; the database file itself is what must not change.
    let wal = dir.path().join("sogiaonhan.sqlite3-wal");
    assert!(
        std::fs::metadata(&wal).map_or(true, |m| m.len() == 0),
        "nothing was written to a WAL"
    );
}

#[test]
fn a_file_from_a_newer_version_is_refused_and_left_untouched() {
    let (_dir, path) = temp_db();
    drop(Store::open(&path).expect("create"));
    {
        let conn = rusqlite::Connection::open(&path).expect("raw open");
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("read user_version");
        assert!(version >= 1);
        conn.pragma_update(None, "user_version", version + 1)
            .expect("pretend a newer app wrote it");
        // Leave no WAL behind so the file alone holds the state.
        conn.pragma_update(None, "journal_mode", "DELETE").expect("checkpoint");
    }
    let before = std::fs::read(&path).expect("read");

    let err = Store::open(&path).expect_err("newer file refused");
    assert!(matches!(err, Error::TooNew { .. }), "{err}");
    assert_eq!(std::fs::read(&path).expect("read back"), before, "byte for byte");
}

#[test]
fn names_typed_in_nfd_are_stored_in_nfc() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).expect("open");
    let nfc = "Chi bộ thôn Đông Trường Ấp Thượng";
    let nfd: String = nfc.nfd().collect();
    assert_ne!(nfd, nfc, "the test input really is decomposed");

    let added = store
        .add_unit(
            &actor(),
            unit("HK", &nfd, None, &"Đảng bộ cơ sở".nfd().collect::<String>()),
        )
        .expect("add a unit named in NFD");
    assert_eq!(added.name, nfc);
    assert_eq!(added.kind.as_deref(), Some("Đảng bộ cơ sở"));
    assert_eq!(store.list_units().expect("units")[0].name, nfc);
    drop(store);

    let texts = giaonhan_tests::stored_texts(&path);
    assert!(texts.iter().any(|t| t == nfc), "the file holds the name in NFC");
    assert!(
        !texts.iter().any(|t| t.contains(&nfd)),
        "no NFD text anywhere in the file"
    );
}

#[test]
fn the_letterhead_is_stored_cleaned_whoever_sets_it() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).expect("open");
    let body = "BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY";
    // As the window sends it: typed in NFD, with stray spaces.
    let typed = giaonhan::print::Letterhead {
        parent_body: "  ĐẢNG BỘ   TỈNH HÀ TĨNH ".nfd().collect(),
        issuing_body: format!("{}\t", body.nfd().collect::<String>()),
        place: " Hà  Tĩnh".into(),
        signer_title: "K/T  TRƯỞNG BAN ".into(),
        ..giaonhan::print::Letterhead::sample()
    };
    store.set_letterhead(&actor(), &typed).expect("set the letterhead");
    let stored = store.letterhead().expect("read it back");
    assert_eq!(stored.parent_body, "ĐẢNG BỘ TỈNH HÀ TĨNH");
    assert_eq!(stored.issuing_body, body);
    assert_eq!(stored.place, "Hà Tĩnh");
    assert_eq!(stored.signer_title, "K/T TRƯỞNG BAN");
    drop(store);
    let texts = giaonhan_tests::stored_texts(&path);
    assert!(
        !texts.iter().any(|t| t.contains(&body.nfd().collect::<String>())),
        "neither the setting nor its audit row holds the NFD text"
    );
}

#[test]
fn the_outstanding_list_saved_as_json_holds_its_rows_and_is_logged() {
    let (dir, path, mut store) = seeded_with_batch();
    let query = OutstandingQuery::default();
    let out = dir.path().join("chưa xác nhận.json");
    store
        .save_outstanding_json(&actor(), &query, &out)
        .expect("save the list as JSON");
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).expect("read the file")).expect("JSON");
    let rows = serde_json::to_value(store.outstanding(&query).expect("the list")).expect("rows as JSON");
    assert_eq!(saved, rows);
    assert_eq!(saved.as_array().map(Vec::len), Some(2), "both branches are outstanding");
    let giaonhan_tests::stored::AuditRow { action, detail, .. } = giaonhan_tests::stored::last_audit(&path);
    assert_eq!(action, "export.outstanding");
    let detail: serde_json::Value = serde_json::from_str(&detail).expect("detail is JSON");
    assert_eq!(detail["format"], "json");
    assert_eq!(detail["file"], out.display().to_string());
}

/// Sets `set` on the current version of the unit `code` through a raw
/// connection: an edit outside the app, with no store involved.
fn edit_current_version(path: &Path, code: &str, set: &str) {
    let raw = rusqlite::Connection::open(path).expect("raw connection");
    raw.execute(
        &format!(
            "UPDATE unit_version SET {set}
             WHERE unit_id = (SELECT id FROM unit WHERE code = ?1) AND valid_to = '9999-12-31'"
        ),
        [code],
    )
    .expect("raw edit");
}

/// The outstanding list reads the day's tree from the store's copy while no
/// unit changes; a change made beside it (a second store on the same file, as
/// the command line beside the window) or by the store itself shows at once.
#[test]
fn the_lists_follow_unit_changes_made_by_this_store_or_another() {
    let (_dir, path, mut store) = seeded_with_batch();
    let row_of = |store: &Store, code: &str| {
        store
            .outstanding(&OutstandingQuery::default())
            .expect("outstanding")
            .into_iter()
            .find(|r| r.unit_code == code)
            .expect("the unit's open receipt")
    };
    assert_eq!(row_of(&store, "HK-01").phone, None);
    // Twice with nothing changed in between: the same rows.
    assert_eq!(row_of(&store, "HK-01").unit_name, "Chi bộ thôn Đông Trung");

    // Another store on the file gives a phone number.
    let mut other = Store::open(&path).expect("a second store on the file");
    other
        .edit_unit(
            &actor(),
            giaonhan::model::UnitEdit {
                code: "HK-01".into(),
                kind: Some("Chi bộ".into()),
                phone: Some("0239 3851 234".into()),
                address: None,
                notes: None,
            },
        )
        .expect("edit beside it");
    drop(other);
    assert_eq!(row_of(&store, "HK-01").phone.as_deref(), Some("0239 3851 234"));

    // This store renames the branch from a past day: today's list shows the new name.
    reorganise_from_yesterday(&mut store, rename("HK-01", "Chi bộ thôn Trung Hòa"));
    assert_eq!(row_of(&store, "HK-01").unit_name, "Chi bộ thôn Trung Hòa");
    // A raw edit outside the app (no store involved) is seen too.
    edit_current_version(&path, "HK-01", "name = 'Chi bộ thôn Trung Hòa 2'");
    assert_eq!(row_of(&store, "HK-01").unit_name, "Chi bộ thôn Trung Hòa 2");
}

#[test]
fn the_outstanding_list_by_pages_is_the_whole_list_with_its_totals() {
    let (_dir, _path, mut store) = seeded_with_batch();
    store
        .add_unit(&actor(), unit("HK-01-A", "Tổ đảng xóm Bàu", Some("HK-01"), "Chi bộ"))
        .expect("a unit under HK-01");
    store.create_batch(&actor(), overdue_batch("D2")).expect("second batch");
    let query = OutstandingQuery::default();
    let whole = store.outstanding(&query).expect("the whole list");
    // D1 to both branches; D2 to the branches then (HK-01 now has a unit under it).
    assert_eq!(whole.len(), 4, "{whole:?}");

    // One subtotal per committee, in list order, adding up to the whole.
    let mut order: Vec<&str> = whole.iter().map(|r| r.group_code.as_str()).collect();
    order.dedup();
    for size in [1, 2, 3, 100] {
        let mut joined = Vec::new();
        let mut groups: Vec<giaonhan::model::OutstandingGroup> = Vec::new();
        let mut offset = 0;
        loop {
            let page = store.outstanding_page(&query, offset, size).expect("a page");
            assert_eq!(page.offset, offset);
            if page.rows.is_empty() {
                break;
            }
            // Each page carries the subtotals of its rows' committees, whole.
            let mut of_rows: Vec<&str> = page.rows.iter().map(|r| r.group_code.as_str()).collect();
            of_rows.dedup();
            assert_eq!(page.groups.iter().map(|g| g.code.as_str()).collect::<Vec<_>>(), of_rows);
            for g in page.groups {
                match groups.iter().find(|seen| seen.code == g.code) {
                    Some(seen) => assert_eq!(*seen, g, "the same subtotal on every page"),
                    None => groups.push(g),
                }
            }
            offset += u32::try_from(page.rows.len()).expect("small");
            joined.extend(page.rows);
        }
        assert_eq!(joined, whole, "pages of {size} rows, joined, are the whole list");
        assert_eq!(groups.iter().map(|g| g.code.as_str()).collect::<Vec<_>>(), order);
        let hk01 = groups.iter().find(|g| g.code == "HK-01").expect("HK-01's group");
        assert_eq!(
            (hk01.units, hk01.lines, hk01.copies),
            (2, 2, 4),
            "HK-01 (D1) and the unit under it (D2)"
        );
        assert_eq!(groups.iter().map(|g| g.lines).sum::<u32>(), whole.len() as u32);
    }

    let page = store.outstanding_page(&query, 0, 2).expect("first page");
    let units: std::collections::BTreeSet<&str> = whole.iter().map(|r| r.unit_code.as_str()).collect();
    assert_eq!(page.total.units as usize, units.len());
    assert_eq!(page.total.lines as usize, whole.len());
    assert_eq!(
        page.total.overdue_lines as usize,
        whole.iter().filter(|r| r.days_overdue > 0).count()
    );
    assert_eq!(page.total.copies, whole.iter().map(|r| r.copies).sum::<u32>());
}

#[test]
fn a_receipt_names_its_units_secretary_for_the_confirm_dialog() {
    let (_dir, _path, mut store) = seeded_with_batch();
    store
        .add_unit(
            &actor(),
            NewUnit {
                secretary: Some("Nguyễn Văn An".into()),
                ..unit("HK-03", "Chi bộ thôn Trung Lưu", Some("HK"), "Chi bộ")
            },
        )
        .expect("a branch with its secretary");
    store.create_batch(&actor(), overdue_batch("D2")).expect("second batch");
    let rows = store.outstanding(&OutstandingQuery::default()).expect("the list");
    let code_of = |unit: &str| {
        rows.iter()
            .find(|r| r.unit_code == unit && r.batch == "D2")
            .map(|r| r.receipt_code.clone())
            .expect("its receipt")
    };
    let with = store.receipt(&code_of("HK-03")).expect("HK-03's receipt");
    assert_eq!(with.secretary.as_deref(), Some("Nguyễn Văn An"));
    let without = store.receipt(&code_of("HK-01")).expect("HK-01's receipt");
    assert_eq!(without.secretary, None, "no secretary recorded");
}

#[test]
fn the_outstanding_page_counts_a_recalls_rows_as_the_whole_list_does() {
    let (_dir, _path, mut store) = seeded_with_batch();
    store
        .add_document(
            &actor(),
            NewDocument {
                symbol: "07-NQ/HU".into(),
                title: "Nghị quyết mật".into(),
                issued_on: NaiveDate::from_ymd_opt(2025, 1, 20),
                copies_received: 5,
                classification: Classification::Secret,
                ..NewDocument::default()
            },
        )
        .expect("a classified document");
    let mut batch = overdue_batch("D2");
    batch.documents = vec![DocQty {
        symbol: "07-NQ/HU".into(),
        quantity: 1,
        uid: None,
    }];
    store.create_batch(&actor(), batch).expect("the classified batch");
    store
        .create_recall(
            &actor(),
            giaonhan::model::NewRecall {
                code: "TH1".into(),
                symbol: "07-NQ/HU".into(),
                batch: None,
                due_on: today(),
                reason: "Thu hồi theo quy định".into(),
                made_on: None,
                uid: None,
            },
        )
        .expect("a recall");
    let query = OutstandingQuery::default();
    let whole = store.outstanding(&query).expect("the whole list");
    assert!(whole.iter().any(|r| r.batch == "TH1"), "the recall's rows: {whole:?}");
    let page = store.outstanding_page(&query, 0, 2).expect("a page");
    assert_eq!(
        page.total.lines as usize,
        whole.len(),
        "the page's totals count the recall too"
    );
    assert_eq!(page.rows, whole[..2].to_vec());
    let rest = store.outstanding_page(&query, 2, 100).expect("the rest");
    let mut groups = page.groups.clone();
    groups.extend(rest.groups.into_iter().filter(|g| !page.groups.contains(g)));
    assert_eq!(groups.iter().map(|g| g.lines).sum::<u32>(), page.total.lines);
    assert_eq!([page.rows, rest.rows].concat(), whole);
}

/// Codes a search shows.
fn found(store: &Store, query: &str, closed: bool) -> Vec<String> {
    store
        .search_units_in(query, 10, closed)
        .expect("search")
        .into_iter()
        .map(|u| u.code)
        .collect()
}

/// Reorganises the tree from yesterday on: today's lists show the change.
fn reorganise_from_yesterday(store: &mut Store, change: giaonhan::model::Change) {
    let yesterday = today().checked_sub_days(Days::new(1)).expect("yesterday");
    store
        .reorganise(
            &actor(),
            giaonhan::model::Reorganisation {
                change,
                on: yesterday,
                reason: None,
            },
        )
        .expect("reorganise");
}

fn rename(code: &str, name: &str) -> giaonhan::model::Change {
    giaonhan::model::Change::Rename {
        code: code.into(),
        name: name.into(),
        short_name: None,
    }
}

fn merge(from: &[&str], into: &str) -> giaonhan::model::Change {
    giaonhan::model::Change::Merge {
        from: from.iter().map(|&c| c.into()).collect(),
        into: into.into(),
    }
}

/// Search as you type reads the day's keys from the store's copy while no
/// unit changes; a change by the store itself, by a second store on the file
/// or by a raw edit shows in the next search.
#[test]
fn the_unit_search_follows_unit_changes_made_by_this_store_or_another() {
    let (_dir, path, mut store) = seeded_with_batch();
    assert!(found(&store, "trung hoa", false).is_empty());
    assert_eq!(found(&store, "dong trung", false), ["HK-01"]);

    let mut other = Store::open(&path).expect("a second store on the file");
    reorganise_from_yesterday(&mut other, rename("HK-01", "Chi bộ thôn Trung Hòa"));
    drop(other);
    assert_eq!(found(&store, "trung hoa", false), ["HK-01"]);
    assert!(found(&store, "dong trung", false).is_empty());

    store
        .add_unit(
            &actor(),
            unit("HK-03", "Chi bộ thôn Trung Hòa Bắc", Some("HK"), "Chi bộ"),
        )
        .expect("add a branch");
    assert_eq!(found(&store, "trung hoa", false), ["HK-01", "HK-03"]);

    edit_current_version(&path, "HK-02", "search_key = 'chi bo thon trung hoa nam hk-02'");
    // Still in the order of its name, «Chi bộ thôn Ấp Thượng».
    assert_eq!(found(&store, "trung hoa", false), ["HK-02", "HK-01", "HK-03"]);

    reorganise_from_yesterday(&mut store, merge(&["HK-03"], "HK-01"));
    assert_eq!(found(&store, "trung hoa", false), ["HK-02", "HK-01"]);
    assert_eq!(found(&store, "trung hoa", true), ["HK-02", "HK-01", "HK-03"]);
}

/// The search's ranking in memory is the one SQL gives over the same rows:
/// a name that starts with the key, then a word that does, then anywhere,
/// then Vietnamese order and the code; closed units only when asked; `%`
/// and `_` taken literally.
#[test]
fn the_unit_search_ranks_as_the_register_s_own_query_does() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).expect("open");
    let a = actor();
    store.load_demo(&a).expect("demo");
    let words = ["Hòa", "Hoà Hải", "An", "Ấp", "Đông", "Thượng", "1", "10", "2_b", "5%"];
    for (i, w) in words.iter().cycle().take(60).enumerate() {
        let name = match i % 3 {
            0 => format!("Chi bộ thôn {w} {i}"),
            1 => format!("{w} Chi bộ {i}"),
            _ => format!("Chi bộ {w}{i}"),
        };
        store
            .add_unit(&a, unit(&format!("T{i:02}"), &name, None, "Chi bộ"))
            .expect("add a branch");
    }
    // Two of one name: the code decides, whatever order they were added in.
    for code in ["T9B", "T9A"] {
        store
            .add_unit(&a, unit(code, "Chi bộ thôn Hòa", None, "Chi bộ"))
            .expect("add a namesake");
    }
    reorganise_from_yesterday(&mut store, merge(&["T03", "T13"], "T23"));

    let raw = rusqlite::Connection::open(&path).expect("raw connection");
    let mut reference = raw
        .prepare(
            "SELECT u.code FROM unit u
             JOIN unit_version v ON v.unit_id = u.id AND v.valid_from <= ?1 AND ?1 < v.valid_to
             WHERE (?2 OR (u.opened_on <= ?1 AND ?1 < u.closed_on)) AND v.search_key LIKE ?3 ESCAPE '\\'
             ORDER BY CASE WHEN v.search_key LIKE ?4 ESCAPE '\\' THEN 0
                           WHEN v.search_key LIKE ?5 ESCAPE '\\' THEN 1 ELSE 2 END, v.sort_key, u.code
             LIMIT ?6",
        )
        .expect("the reference query");
    let queries = [
        "",
        "chi bo",
        "Chi bộ thôn",
        "thon",
        "hoa",
        "hoà hải",
        "an",
        "ap",
        "dong",
        "1",
        "10",
        "_",
        "2_b",
        "%",
        "5%",
        "t0",
        "xa",
        "zz",
    ];
    for query in queries {
        let key = giaonhan::text::search_key(query);
        let like = key.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        for closed in [false, true] {
            for limit in [3usize, 10, 200] {
                let expected: Vec<String> = reference
                    .query_map(
                        rusqlite::params![
                            today().to_string(),
                            closed,
                            format!("%{like}%"),
                            format!("{like}%"),
                            format!("% {like}%"),
                            i64::try_from(limit).expect("small"),
                        ],
                        |r| r.get(0),
                    )
                    .expect("reference rows")
                    .collect::<rusqlite::Result<_>>()
                    .expect("codes");
                let got: Vec<String> = store
                    .search_units_in(query, limit, closed)
                    .expect("search")
                    .into_iter()
                    .map(|u| u.code)
                    .collect();
                assert_eq!(got, expected, "«{query}», closed {closed}, limit {limit}");
            }
        }
    }
    // The merged branches are among the rows compared.
    assert!(found(&store, "t03", false).is_empty());
    assert_eq!(found(&store, "t03", true), ["T03"]);
    assert_eq!(found(&store, "chi bo thon hoa", false)[..2], ["T9A", "T9B"]);
}

//! Tests of reorganisation plans against a real register: every kind of
//! row in any order, every error named with nothing changed, the dry run,
//! and open receipts that change hands on the plan's date.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::*;
use crate::model::{DocQty, NewBatch, NewDocument, OutstandingQuery};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

const ON: (i32, u32, u32) = (2025, 7, 1);

fn on() -> NaiveDate {
    date(ON.0, ON.1, ON.2)
}

/// A province T with two districts; communes XA, XB under H1, XC, XD under
/// H2; one branch under each commune.
fn province() -> (tempfile::TempDir, Store, Actor) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = Store::open(&dir.path().join("t.sqlite3")).expect("open");
    let a = Actor::new("t", "test");
    for (code, name, parent, kind) in [
        ("T", "Đảng bộ tỉnh", None, "Đảng bộ tỉnh"),
        ("H1", "Đảng bộ huyện Một", Some("T"), "Đảng bộ huyện"),
        ("H2", "Đảng bộ huyện Hai", Some("T"), "Đảng bộ huyện"),
        ("XA", "Đảng bộ xã An", Some("H1"), "Đảng bộ xã"),
        ("XB", "Đảng bộ xã Bình", Some("H1"), "Đảng bộ xã"),
        ("XC", "Đảng bộ xã Cẩm", Some("H2"), "Đảng bộ xã"),
        ("XD", "Đảng bộ xã Đông", Some("H2"), "Đảng bộ xã"),
        ("A1", "Chi bộ thôn An 1", Some("XA"), "Chi bộ"),
        ("B1", "Chi bộ thôn Bình 1", Some("XB"), "Chi bộ"),
        ("C1", "Chi bộ thôn Cẩm 1", Some("XC"), "Chi bộ"),
        ("D1", "Chi bộ thôn Đông 1", Some("XD"), "Chi bộ"),
    ] {
        s.add_unit(
            &a,
            NewUnit {
                code: code.into(),
                name: name.into(),
                parent: parent.map(Into::into),
                kind: Some(kind.into()),
                ..NewUnit::default()
            },
        )
        .expect("add unit");
    }
    (dir, s, a)
}

fn plan_file(dir: &tempfile::TempDir, name: &str, csv: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, csv).expect("write plan");
    path
}

fn tree(s: &Store, day: NaiveDate) -> Vec<(String, Option<String>, String)> {
    let mut t: Vec<_> = s
        .units_as_of(day)
        .expect("tree")
        .into_iter()
        .map(|u| (u.code, u.parent, u.name))
        .collect();
    t.sort();
    t
}

fn log_rows(s: &Store) -> i64 {
    s.connection()
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .expect("count")
}

/// Rows in no particular order: branches before their communes, a
/// district's close first, the new parent (KV, H1's successor) last.
const EVERY_KIND: &str = "\
Mã cũ,Mã mới,Tên mới,Mã cấp trên mới,Loại mới,Chính
XB,XN,Đảng bộ xã An Bình,KV,,
C1,C1,Chi bộ thôn Cẩm Thượng,,,
XC,XC2,Đảng bộ xã Cẩm Hà,KV,,
XC,XD,,,,x
H2,,,,,
XA,XN,Đảng bộ xã An Bình,,,
XD,XD,Đảng bộ xã Đông Cẩm,KV,,
D1,D1,,XN,,
B1,B1,,,,
H1,KV,Đảng bộ khu vực Một,T,Đảng bộ khu vực,
";

#[test]
fn a_plan_of_every_kind_applies_in_one_step() {
    let (dir, mut s, a) = province();
    let before = tree(&s, date(2025, 6, 30));
    let path = plan_file(&dir, "ke-hoach.csv", EVERY_KIND);
    let report = s
        .reorganise_plan(&a, &path, on(), Some("Sắp xếp đơn vị hành chính".into()), false)
        .expect("plan");
    assert!(report.is_ok(), "{:#?}", report.issues);
    assert!(report.written);
    assert_eq!(
        report.counts,
        PlanCounts {
            created: 3,
            merged: 3,
            split: 1,
            renamed: 2,
            moved: 2,
            closed: 1,
            children_moved: 3,
            receipts: 0,
        },
        "{report:#?}"
    );

    // The day before: exactly the old tree.
    assert_eq!(tree(&s, date(2025, 6, 30)), before);
    let after = tree(&s, on());
    let s_ = |x: &str| x.to_owned();
    let want = vec![
        (s_("A1"), Some(s_("XN")), s_("Chi bộ thôn An 1")),
        (s_("B1"), Some(s_("XN")), s_("Chi bộ thôn Bình 1")),
        (s_("C1"), Some(s_("XD")), s_("Chi bộ thôn Cẩm Thượng")),
        (s_("D1"), Some(s_("XN")), s_("Chi bộ thôn Đông 1")),
        (s_("KV"), Some(s_("T")), s_("Đảng bộ khu vực Một")),
        (s_("T"), None, s_("Đảng bộ tỉnh")),
        (s_("XC2"), Some(s_("KV")), s_("Đảng bộ xã Cẩm Hà")),
        (s_("XD"), Some(s_("KV")), s_("Đảng bộ xã Đông Cẩm")),
        (s_("XN"), Some(s_("KV")), s_("Đảng bộ xã An Bình")),
    ];
    assert_eq!(after, want);
    assert_eq!(s.unit("KV").expect("KV").kind.as_deref(), Some("Đảng bộ khu vực"));
    assert_eq!(
        s.unit("XC2").expect("XC2").kind.as_deref(),
        Some("Đảng bộ xã"),
        "a new unit without kind takes its old unit's"
    );
    assert_eq!(
        s.unit("XC").expect("XC").successor.as_deref(),
        Some("XD"),
        "the primary"
    );

    // One event per change, with the plan's reason.
    let kinds = |code: &str| -> Vec<String> {
        s.unit_history(code)
            .expect("history")
            .into_iter()
            .map(|e| {
                assert_eq!(e.on, on());
                assert_eq!(e.reason.as_deref(), Some("Sắp xếp đơn vị hành chính"));
                e.kind
            })
            .collect()
    };
    assert_eq!(kinds("XA"), vec!["merge"]);
    assert_eq!(kinds("XN"), vec!["absorb", "absorb"]);
    assert_eq!(kinds("XC"), vec!["split"]);
    let mut xd = kinds("XD");
    xd.sort();
    assert_eq!(xd, vec!["move", "rename"]);
    assert_eq!(kinds("H1"), vec!["merge"]);
    assert_eq!(kinds("H2"), vec!["close"]);
    assert_eq!(kinds("D1"), vec!["move"]);
    assert!(kinds("B1").is_empty(), "unchanged in place");
    assert!(s.verify_log(None).expect("verify").problem.is_none());
}

#[test]
fn every_error_is_named_and_nothing_changes() {
    let (dir, mut s, a) = province();
    // A unit that opens after the plan's date, and one closed before it.
    s.add_unit(
        &a,
        NewUnit {
            code: "LATE".into(),
            name: "Chi bộ mới".into(),
            parent: Some("T".into()),
            opened_on: Some(date(2025, 9, 1)),
            ..NewUnit::default()
        },
    )
    .expect("late unit");
    let rows_before = log_rows(&s);
    let tree_before = tree(&s, on());
    let csv = "\
old_code,new_code,new_name,new_parent,new_kind,primary
NOPE,XA,,,,
LATE,T,,,,
XA,NEW1,,,,
XB,N2,Xã Hai,GONE,,
XC,N3,Xã Ba,,,x
XC,N4,Xã Bốn,,,x
H1,,,,,
XD,XD,,XD,,
,X9,Tên,,,
C1,C1,,,,có lẽ
A1,A1,,XB,,
";
    let path = plan_file(&dir, "loi.csv", csv);
    let report = s
        .reorganise_plan(&a, &path, on(), Some("thử".into()), false)
        .expect("checked");
    let errors: Vec<String> = report
        .issues
        .iter()
        .filter(|i| !i.warning)
        .map(ToString::to_string)
        .collect();
    let expect = [
        ("loi.csv:2:old_code:", "«NOPE» không có trong sổ"),
        ("loi.csv:3:old_code:", "không hoạt động vào ngày 01/07/2025"),
        (
            "loi.csv:4:new_name:",
            "Đơn vị mới «NEW1» chưa có trong sổ: cần ghi Tên mới",
        ),
        ("loi.csv:5:new_parent:", "«GONE» không có trong sổ hay trong kế hoạch"),
        ("loi.csv:7:primary:", "hai đơn vị kế tục chính"),
        ("loi.csv:9:new_parent:", "không thể là cấp trên của chính nó"),
        ("loi.csv:10:old_code:", "Mã cũ không được để trống"),
        ("loi.csv:11:primary:", "«có lẽ»"),
        ("loi.csv:12:new_parent:", "Cấp trên mới «XB» được sáp nhập theo dòng 5"),
    ];
    for (at, what) in expect {
        assert!(
            errors.iter().any(|e| e.contains(&format!("/{at}")) && e.contains(what)),
            "{at} {what} missing from:\n{}",
            errors.join("\n")
        );
    }
    assert!(!report.written);
    assert_eq!(log_rows(&s), rows_before, "nothing logged");
    assert_eq!(tree(&s, on()), tree_before, "nothing changed");
}

#[test]
fn orphans_cycles_and_successors_inside_are_refused_with_their_rows() {
    let (dir, mut s, a) = province();
    let rows_before = log_rows(&s);
    // H1 closes but XA stays under it; XB and XD would be each other's
    // parent; XC merges into its own branch C1.
    let csv = "\
Mã cũ,Mã mới,Mã cấp trên mới
H1,,
XB,XB,XD
XD,XD,XB
XC,C1,
";
    let path = plan_file(&dir, "vong.csv", csv);
    let report = s.reorganise_plan(&a, &path, on(), None, false).expect("checked");
    let errors: Vec<String> = report.issues.iter().map(ToString::to_string).collect();
    for (at, what) in [
        ("vong.csv:2:Mã mới:", "còn đơn vị trực thuộc: XA"),
        ("vong.csv:4:Mã cấp trên mới:", "Vòng lặp cấp trên"),
        ("vong.csv:5:Mã mới:", "Đơn vị kế tục «C1» nằm trong «XC»"),
    ] {
        assert!(
            errors.iter().any(|e| e.contains(&format!("/{at}")) && e.contains(what)),
            "{at} {what} missing from:\n{}",
            errors.join("\n")
        );
    }
    assert_eq!(log_rows(&s), rows_before);
}

#[test]
fn a_dry_run_counts_and_changes_nothing() {
    let (dir, mut s, a) = province();
    let rows_before = log_rows(&s);
    let path = plan_file(&dir, "ke-hoach.csv", EVERY_KIND);
    let report = s.reorganise_plan(&a, &path, on(), None, true).expect("dry run");
    assert!(report.is_ok(), "{:#?}", report.issues);
    assert!(!report.written);
    assert_eq!(report.counts.created, 3);
    assert_eq!(log_rows(&s), rows_before);
    assert!(s.unit("XN").is_err(), "nothing created");
    let text = report.summary(true);
    assert!(text.contains("Tạo mới: 3") && text.contains("chạy thử"), "{text}");
}

#[test]
fn open_receipts_pass_to_the_successor_on_the_date_only() {
    let (dir, mut s, a) = province();
    s.add_document(
        &a,
        NewDocument {
            symbol: "05-KH/TU".into(),
            title: "Kế hoạch".into(),
            copies_received: 10,
            ..Default::default()
        },
    )
    .expect("doc");
    s.create_batch(
        &a,
        NewBatch {
            code: "Đ1".into(),
            title: "Đợt 1".into(),
            handed_on: Some(date(2025, 5, 2)),
            due_on: Some(date(2025, 5, 9)),
            documents: vec![DocQty {
                symbol: "05-KH/TU".into(),
                quantity: 1,
                uid: None,
            }],
            units: vec!["A1".into(), "B1".into()],
            ..NewBatch::default()
        },
    )
    .expect("batch");
    let path = plan_file(
        &dir,
        "chi-bo.csv",
        "Mã cũ,Mã mới,Tên mới\nA1,AB1,Chi bộ thôn An Bình\nB1,AB1,\n",
    );
    let report = s.reorganise_plan(&a, &path, on(), None, false).expect("plan");
    assert!(report.is_ok(), "{:#?}", report.issues);
    assert_eq!(report.counts.receipts, 2);
    assert_eq!(
        report.handovers,
        vec![
            Handover {
                from: "A1".into(),
                to: "AB1".into(),
                receipts: 1
            },
            Handover {
                from: "B1".into(),
                to: "AB1".into(),
                receipts: 1
            },
        ]
    );
    let units_on = |day: NaiveDate| -> Vec<(String, Option<String>)> {
        let mut rows: Vec<_> = s
            .outstanding(&OutstandingQuery {
                as_of: Some(day),
                ..OutstandingQuery::default()
            })
            .expect("list")
            .into_iter()
            .map(|r| (r.unit_code, r.in_place_of))
            .collect();
        rows.sort();
        rows
    };
    assert_eq!(
        units_on(date(2025, 6, 30)),
        vec![("A1".to_owned(), None), ("B1".to_owned(), None)],
        "before the date: under the units that existed then"
    );
    assert_eq!(
        units_on(on()),
        vec![
            ("AB1".to_owned(), Some("A1".to_owned())),
            ("AB1".to_owned(), Some("B1".to_owned()))
        ],
        "from the date: under the successor, in their place"
    );
}

#[test]
fn the_template_is_an_empty_plan_that_reads_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["mau.csv", "mau.xlsx"] {
        let path = dir.path().join(name);
        std::fs::write(&path, template_bytes(&path).expect("template")).expect("write");
        let table = tabular::read_table(&path).expect("read back");
        assert_eq!(table.headers, PLAN_HEADERS, "{name}");
        assert!(table.rows.is_empty());
        assert!(Columns::map(&table, PLAN_FIELDS).is_ok(), "{name}: every column found");
    }
    assert!(template_bytes(Path::new("mau.pdf")).is_err());
}

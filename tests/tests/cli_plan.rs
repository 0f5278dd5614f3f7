//! Command-line tests of reorganisation plans, through the real `giaonhan`
//! binary on registers in temporary folders: a plan with every kind of row
//! (merge, split with and without a primary, rename in place, move, close,
//! parents the plan creates, rows in no order) against `unit list`, `unit
//! history`, the tree the day before and the day of, and the outstanding
//! list before and after; a plan full of errors, every one named at
//! FILE:ROW:COLUMN with nothing changed; the same plan as XLSX; and the dry
//! run, which changes nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use giaonhan::tabular::{write_xlsx, Cell};
use giaonhan_tests::cli::{fails, ok, temp_db};
use serde_json::Value;

fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).expect("JSON output")
}

/// The audit log's head (id and hash): unchanged means nothing was written.
fn head(db: &Path) -> Value {
    json(db, &["verify", "--format", "json"])["head"].clone()
}

/// Two provinces, three districts, six communes, eight branches.
const UNITS: &str = "Mã,Tên,Mã cấp trên,Loại
HT,Đảng bộ tỉnh Hà Tĩnh,,Đảng bộ tỉnh
QB,Đảng bộ tỉnh Quảng Bình,,Đảng bộ tỉnh
H1,Đảng bộ huyện Hương Khê,HT,Đảng bộ huyện
H2,Đảng bộ huyện Vũ Quang,HT,Đảng bộ huyện
H3,Đảng bộ huyện Tuyên Hóa,QB,Đảng bộ huyện
XA,Đảng bộ xã Hương Long,H1,Đảng bộ xã
XB,Đảng bộ xã Phú Gia,H1,Đảng bộ xã
XC,Đảng bộ xã Hương Vĩnh,H1,Đảng bộ xã
XD,Đảng bộ xã Đức Lĩnh,H2,Đảng bộ xã
XE,Đảng bộ xã Đức Hương,H2,Đảng bộ xã
XF,Đảng bộ xã Thanh Hóa,H3,Đảng bộ xã
XA-1,Chi bộ thôn 1,XA,Chi bộ
XA-2,Chi bộ thôn 2,XA,Chi bộ
XB-1,Chi bộ thôn Gia Phú,XB,Chi bộ
XC-1,Chi bộ thôn Vĩnh Hòa,XC,Chi bộ
XC-2,Chi bộ thôn Vĩnh Thành,XC,Chi bộ
XD-1,Chi bộ thôn Đức Thủy,XD,Chi bộ
XE-1,Chi bộ thôn Đức Sơn,XE,Chi bộ
XF-1,Chi bộ thôn Thanh Long,XF,Chi bộ
";

/// The plan's rows as (old, new, name, parent, kind, primary), in no order:
/// closes of districts first, branches before communes, the new province
/// (NT, which the new communes are put under) last.
const PLAN: &[[&str; 6]] = &[
    ["H1", "", "", "", "", ""],
    ["XF", "XF", "", "NT", "", ""],
    ["XD", "XDL", "Đảng bộ xã Đức Lĩnh mới", "NT", "", ""],
    ["XA-1", "XA-1", "Chi bộ thôn 1 Hương Long", "", "", ""],
    ["XC", "XHK", "", "", "", ""],
    ["XB", "XHK", "Đảng bộ xã Hương Khê", "NT", "", ""],
    ["H3", "", "", "", "", ""],
    ["XE", "XE", "Đảng bộ xã Đức Hương Mới", "NT", "", ""],
    ["XC", "XVQ", "Đảng bộ xã Vũ Quang", "NT", "", "x"],
    ["XA", "XHK", "", "", "", ""],
    ["XD", "XVQ", "", "", "", ""],
    ["H2", "", "", "", "", ""],
    ["QB", "NT", "", "", "", ""],
    ["HT", "NT", "Đảng bộ tỉnh Bắc Trung Bộ", "", "Đảng bộ tỉnh", ""],
];

fn plan_csv(dir: &Path, headers: &str) -> PathBuf {
    let mut csv = format!("{headers}\n");
    for row in PLAN {
        csv.push_str(&row.join(","));
        csv.push('\n');
    }
    let path = dir.join("ke-hoach.csv");
    std::fs::write(&path, csv).expect("write the plan");
    path
}

/// A register with the tree above and a batch handed on 2 May 2025 to
/// every branch and to the communes XA and XC themselves.
fn register() -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = temp_db();
    let units = dir.path().join("don-vi.csv");
    std::fs::write(&units, UNITS).expect("write units");
    ok(&db, &["unit", "import", units.to_str().expect("path")]);
    ok(
        &db,
        &[
            "doc",
            "add",
            "--symbol",
            "05-KH/TU",
            "--title",
            "Kế hoạch",
            "--copies",
            "100",
        ],
    );
    ok(
        &db,
        &[
            "batch",
            "new",
            "--code",
            "Đ1",
            "--title",
            "Đợt 1",
            "--handed",
            "2025-05-02",
            "--due",
            "2025-05-09",
            "--doc",
            "05-KH/TU:1",
            "--subtree",
            "HT",
            "--subtree",
            "QB",
            "--unit",
            "XA",
            "--unit",
            "XC",
        ],
    );
    (dir, db)
}

/// Code → (parent, name) of the tree on a day.
fn tree(db: &Path, day: &str) -> BTreeMap<String, (String, String)> {
    let list = json(db, &["unit", "list", "--as-of", day, "--format", "json"]);
    list.as_array()
        .expect("a list")
        .iter()
        .map(|u| {
            (
                u["code"].as_str().expect("code").to_owned(),
                (
                    u["parent"].as_str().unwrap_or("").to_owned(),
                    u["name"].as_str().expect("name").to_owned(),
                ),
            )
        })
        .collect()
}

/// (unit, in place of) of every open receipt on a day, sorted.
fn outstanding(db: &Path, day: &str) -> Vec<(String, String)> {
    let rows = json(db, &["outstanding", "--as-of", day, "--format", "json"]);
    let mut out: Vec<(String, String)> = rows
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| {
            (
                r["unit_code"].as_str().expect("unit").to_owned(),
                r["in_place_of"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

fn history(db: &Path, code: &str) -> Vec<String> {
    let events = json(db, &["unit", "history", "--code", code, "--format", "json"]);
    events
        .as_array()
        .expect("a list")
        .iter()
        .map(|e| {
            assert_eq!(e["on"], "2025-07-01", "{e}");
            assert_eq!(e["reason"], "Sắp xếp tổ chức bộ máy", "{e}");
            e["kind"].as_str().expect("kind").to_owned()
        })
        .collect()
}

fn pair(parent: &str, name: &str) -> (String, String) {
    (parent.to_owned(), name.to_owned())
}

/// What the tree must be from the plan's day on.
fn check_after(db: &Path) {
    let after = tree(db, "2025-07-01");
    let want: BTreeMap<String, (String, String)> = [
        ("NT", pair("", "Đảng bộ tỉnh Bắc Trung Bộ")),
        ("XHK", pair("NT", "Đảng bộ xã Hương Khê")),
        ("XVQ", pair("NT", "Đảng bộ xã Vũ Quang")),
        ("XDL", pair("NT", "Đảng bộ xã Đức Lĩnh mới")),
        ("XE", pair("NT", "Đảng bộ xã Đức Hương Mới")),
        ("XF", pair("NT", "Đảng bộ xã Thanh Hóa")),
        ("XA-1", pair("XHK", "Chi bộ thôn 1 Hương Long")),
        ("XA-2", pair("XHK", "Chi bộ thôn 2")),
        ("XB-1", pair("XHK", "Chi bộ thôn Gia Phú")),
        // XC's primary successor is XVQ (marked); XD's is XDL (the first row).
        ("XC-1", pair("XVQ", "Chi bộ thôn Vĩnh Hòa")),
        ("XC-2", pair("XVQ", "Chi bộ thôn Vĩnh Thành")),
        ("XD-1", pair("XDL", "Chi bộ thôn Đức Thủy")),
        ("XE-1", pair("XE", "Chi bộ thôn Đức Sơn")),
        ("XF-1", pair("XF", "Chi bộ thôn Thanh Long")),
    ]
    .into_iter()
    .map(|(c, p)| (c.to_owned(), p))
    .collect();
    assert_eq!(after, want);
}

#[test]
fn a_plan_of_every_kind_applies_in_one_step() {
    let (dir, db) = register();
    let before = tree(&db, "2025-06-30");
    let open_before = outstanding(&db, "2025-06-30");
    let plan = plan_csv(dir.path(), "Mã cũ,Mã mới,Tên mới,Mã cấp trên mới,Loại mới,Chính");
    let plan = plan.to_str().expect("path");

    // The dry run says what would happen and changes nothing.
    let head_before = head(&db);
    let out = ok(
        &db,
        &[
            "unit",
            "reorganise",
            plan,
            "--on",
            "2025-07-01",
            "--reason",
            "Sắp xếp tổ chức bộ máy",
            "--dry-run",
        ],
    );
    for line in [
        "chạy thử",
        "Tạo mới: 4",
        "Sáp nhập: 4",
        "Chia tách: 2",
        "Đổi tên: 2",
        "Chuyển cấp trên: 2",
        "Giải thể: 3",
        "Phiếu chưa xác nhận chuyển sang đơn vị kế tục: 2",
        "XA → XHK: 1 phiếu",
        "XC → XVQ: 1 phiếu",
    ] {
        assert!(out.contains(line), "{line:?} missing from:\n{out}");
    }
    assert_eq!(head(&db), head_before, "a dry run writes nothing");
    assert_eq!(tree(&db, "2025-07-01"), before, "a dry run changes no tree");

    let out = ok(
        &db,
        &[
            "unit",
            "reorganise",
            plan,
            "--on",
            "2025-07-01",
            "--reason",
            "Sắp xếp tổ chức bộ máy",
        ],
    );
    assert!(out.contains("đã áp dụng từ ngày 01/07/2025"), "{out}");
    assert_ne!(head(&db), head_before);

    // The day before, exactly the old tree; from the day on, the new one.
    assert_eq!(tree(&db, "2025-06-30"), before);
    check_after(&db);

    // One event per change, dated, with the plan's reason.
    assert_eq!(history(&db, "XA"), ["merge"]);
    assert_eq!(history(&db, "XHK"), ["absorb", "absorb"]);
    assert_eq!(history(&db, "XC"), ["split"]);
    assert_eq!(history(&db, "XD"), ["split"]);
    let mut xe = history(&db, "XE");
    xe.sort();
    assert_eq!(xe, ["move", "rename"]);
    assert_eq!(history(&db, "XF"), ["move"]);
    assert_eq!(history(&db, "XA-1"), ["rename"]);
    assert_eq!(history(&db, "H2"), ["close"]);
    assert!(
        history(&db, "XA-2").is_empty(),
        "moved with its commune, no event of its own"
    );
    let xc = json(&db, &["unit", "search", "Hương Vĩnh", "--format", "json"]);
    assert!(xc.as_array().expect("list").is_empty(), "a split unit is closed");

    // Receipts: under the old units before the day, their successors after.
    assert_eq!(
        open_before,
        outstanding(&db, "2025-06-30"),
        "the list of a day before the plan is unchanged"
    );
    assert!(
        open_before.contains(&("XA".to_owned(), String::new())),
        "{open_before:?}"
    );
    let open_after = outstanding(&db, "2025-07-01");
    assert!(
        open_after.contains(&("XHK".to_owned(), "XA".to_owned())),
        "{open_after:?}"
    );
    assert!(
        open_after.contains(&("XVQ".to_owned(), "XC".to_owned())),
        "{open_after:?}"
    );
    assert!(open_after.contains(&("XA-2".to_owned(), String::new())));
    assert_eq!(open_after.len(), open_before.len());

    // The log and the register agree.
    ok(&db, &["verify"]);
}

#[test]
fn the_same_plan_as_xlsx_with_english_headers_and_its_json_report() {
    let (dir, db) = register();
    let path = dir.path().join("plan.xlsx");
    let rows: Vec<Vec<Cell>> = PLAN
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| {
                    if c.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text((*c).to_owned())
                    }
                })
                .collect()
        })
        .collect();
    write_xlsx(
        &path,
        "Phương án",
        &["old_code", "new_code", "new_name", "new_parent", "new_kind", "primary"],
        &rows,
    )
    .expect("write xlsx");
    let out = ok(
        &db,
        &[
            "unit",
            "reorganise",
            path.to_str().expect("path"),
            "--on",
            "2025-07-01",
            "--reason",
            "Sắp xếp tổ chức bộ máy",
            "--format",
            "json",
        ],
    );
    let report: Value = serde_json::from_str(&out).expect("a JSON report");
    assert_eq!(report["written"], true);
    assert_eq!(report["counts"]["created"], 4);
    assert_eq!(report["counts"]["receipts"], 2);
    assert_eq!(report["rows"].as_array().expect("rows").len(), PLAN.len());
    assert_eq!(report["rows"][0]["action"], "close");
    assert_eq!(report["rows"][8]["action"], "split");
    check_after(&db);
    ok(&db, &["verify"]);
}

#[test]
fn a_plan_full_of_errors_names_every_one_and_changes_nothing() {
    let (dir, db) = register();
    ok(
        &db,
        &[
            "unit",
            "add",
            "--code",
            "LATE",
            "--name",
            "Chi bộ mới",
            "--parent",
            "XF",
            "--opened",
            "2025-09-01",
        ],
    );
    let before = tree(&db, "2025-07-01");
    let head_before = head(&db);
    let plan = dir.path().join("loi.csv");
    std::fs::write(
        &plan,
        "\u{feff}Mã cũ;Mã mới;Tên mới;Mã cấp trên mới;Loại mới;Chính
KHONGCO;XHK;Xã mới;;;
LATE;XF;;;;
XA;XN;;;;
XB;XP;Xã P;KHONGCO2;;
XC;X1;Xã Một;;;x
XC;X2;Xã Hai;;;x
H2;;;;;
XE;XE;;XE;;
;X9;Tên;;;
XD;XD;;XA-1;;có lẽ
XF;XF;;XB;;
H3;H3;;XF;;
HT;HT;;XC-2;;
",
    )
    .expect("write the plan");
    let err = fails(
        &db,
        &[
            "unit",
            "reorganise",
            plan.to_str().expect("path"),
            "--on",
            "2025-07-01",
            "--reason",
            "Thử",
        ],
    );
    let at = |row: u32, column: &str, what: &str| {
        let prefix = format!("loi.csv:{row}:{column}: ");
        assert!(
            err.lines().any(|l| l.contains(&prefix) && l.contains(what)),
            "{prefix}{what} missing from:\n{err}"
        );
    };
    at(2, "Mã cũ", "Mã cũ «KHONGCO» không có trong sổ");
    at(3, "Mã cũ", "«LATE» không hoạt động vào ngày 01/07/2025");
    at(4, "Tên mới", "Đơn vị mới «XN» chưa có trong sổ: cần ghi Tên mới");
    at(5, "Mã cấp trên mới", "«KHONGCO2» không có trong sổ hay trong kế hoạch");
    at(7, "Chính", "hai đơn vị kế tục chính (dòng 6 và dòng này)");
    at(9, "Mã cấp trên mới", "không thể là cấp trên của chính nó");
    at(10, "Mã cũ", "Mã cũ không được để trống");
    at(11, "Chính", "«có lẽ»");
    at(12, "Mã cấp trên mới", "Cấp trên mới «XB» được sáp nhập theo dòng 5");
    // Named in the same run: a cycle among rows that are each fine.
    at(14, "Mã cấp trên mới", "Vòng lặp cấp trên: «XC-2» nằm dưới «HT»");
    assert!(err.contains("lỗi, không thay đổi gì trong sổ"), "{err}");
    assert_eq!(head(&db), head_before, "nothing logged");
    assert_eq!(tree(&db, "2025-07-01"), before, "nothing changed");

    // A plan whose rows are each fine but whose whole is not: a district
    // closed with a commune left under it, a cycle, a successor inside the
    // unit it replaces.
    std::fs::write(
        &plan,
        "old_code,new_code,new_parent
H1,,
XD,XD,XE
XE,XE,XD
XC,XC-1,
",
    )
    .expect("write the plan");
    let err = fails(
        &db,
        &[
            "unit",
            "reorganise",
            plan.to_str().expect("path"),
            "--on",
            "2025-07-01",
            "--reason",
            "Thử",
            "--dry-run",
        ],
    );
    for (prefix, what) in [
        ("loi.csv:2:new_code: ", "còn đơn vị trực thuộc: XA, XB"),
        ("loi.csv:4:new_parent: ", "Vòng lặp cấp trên"),
        ("loi.csv:5:new_code: ", "Đơn vị kế tục «XC-1» nằm trong «XC»"),
    ] {
        assert!(
            err.lines().any(|l| l.contains(prefix) && l.contains(what)),
            "{prefix}{what} missing from:\n{err}"
        );
    }
    assert_eq!(head(&db), head_before);
}

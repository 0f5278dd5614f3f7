//! Study follow-through through the real `giaonhan` binary on real files:
//! a campaign made from the batch that carried the documents (its units
//! that must confirm report) or from a subtree; units' reports, a later one
//! replacing the earlier (both logged), figures that cannot be true refused
//! naming the field with nothing written; and the summary's arithmetic:
//! rates rounded half up at two decimals from integers, committees the sum
//! of their units, the total the sum of the committees, units that have not
//! reported flagged with the days past the period's end.

use std::path::Path;

use giaonhan_tests::cli::{fails, ok, temp_db};
use giaonhan_tests::fixtures::supervised;
use giaonhan_tests::stored::audit_details;
use serde_json::Value;

const CAMPAIGN: &str = "HT-NQ10";

fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).expect("JSON")
}

/// The supervised register with a campaign for the units that must
/// confirm "Đợt 1/2025" (the four branches), August 2025.
fn seed(db: &Path) {
    supervised(db);
    #[rustfmt::skip]
    ok(db, &["study", "new", "--code", CAMPAIGN, "--title", "Học tập, quán triệt Nghị quyết Trung ương 10",
             "--batch", "Đợt 1/2025", "--from", "2025-08-01", "--to", "2025-08-31"]);
}

fn report(db: &Path, unit: &str, members: &str, attended: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "study",
        "report",
        "--campaign",
        CAMPAIGN,
        "--unit",
        unit,
        "--members",
        members,
        "--attended",
        attended,
    ];
    args.extend_from_slice(extra);
    json(db, &args)
}

fn campaign(db: &Path) -> Value {
    let all = json(db, &["study", "list", "--format", "json"]);
    all.as_array()
        .expect("an array")
        .iter()
        .find(|c| c["code"] == CAMPAIGN)
        .cloned()
        .expect("the campaign is listed")
}

fn summary(db: &Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["study", "summary", "--campaign", CAMPAIGN, "--format", "json"];
    args.extend_from_slice(extra);
    json(db, &args).as_array().expect("an array").clone()
}

fn n(v: &Value, field: &str) -> u64 {
    v[field].as_u64().unwrap_or_else(|| panic!("{field} in {v}"))
}

#[test]
fn a_campaign_takes_the_batchs_documents_and_units_or_a_subtree() {
    let (_dir, db) = temp_db();
    seed(&db);
    let c = campaign(&db);
    assert_eq!(c["documents"], serde_json::json!(["05-KH/HU"]));
    assert_eq!(c["batch"], "Đợt 1/2025");
    assert_eq!((n(&c, "units"), n(&c, "units_reported")), (4, 0));

    #[rustfmt::skip]
    let c = json(&db, &["study", "new", "--code", "CT12", "--title", "Quán triệt Chỉ thị 12", "--doc", "12-CT/TU",
                        "--from", "2025-09-01", "--to", "2025-09-30", "--subtree", "HK"]);
    assert_eq!((n(&c[0], "units"), c[0]["batch"].clone()), (2, Value::Null));

    // One symbol in two committee terms: SYMBOL@TERM studies that term's
    // document, the symbol alone the latest term's.
    for term in ["XII", "XIII"] {
        #[rustfmt::skip]
        ok(&db, &["doc", "add", "--symbol", "20-NQ/HU", "--term", term, "--title", &format!("Nghị quyết khóa {term}"),
                  "--date", "2025-07-01", "--copies", "3"]);
    }
    for (code, doc) in [("NQ20-XII", "20-NQ/HU@XII"), ("NQ20", "20-NQ/HU")] {
        #[rustfmt::skip]
        ok(&db, &["study", "new", "--code", code, "--title", "Học tập Nghị quyết 20", "--doc", doc,
                  "--from", "2025-09-01", "--to", "2025-09-30", "--subtree", "HK"]);
    }
    let conn = rusqlite::Connection::open(&db).expect("open the register");
    let studied = |code: &str| -> String {
        conn.query_row(
            "SELECT d.term FROM study_document s JOIN document d ON d.id = s.document_id
             JOIN study_campaign c ON c.id = s.campaign_id WHERE c.code = ?1",
            [code],
            |r| r.get(0),
        )
        .expect("the document studied")
    };
    assert_eq!((studied("NQ20-XII"), studied("NQ20")), ("XII".into(), "XIII".into()));
    // The list tells them apart by the term.
    let listed = json(&db, &["study", "list", "--format", "json"]);
    let documents = |code: &str| {
        listed
            .as_array()
            .expect("an array")
            .iter()
            .find(|c| c["code"] == code)
            .map(|c| c["documents"].clone())
            .expect("the campaign is listed")
    };
    assert_eq!(documents("NQ20-XII"), serde_json::json!(["20-NQ/HU (khóa XII)"]));
    assert_eq!(documents("NQ20"), serde_json::json!(["20-NQ/HU (khóa XIII)"]));
    #[rustfmt::skip]
    let err = fails(&db, &["study", "new", "--code", "NQ20-IX", "--title", "Thử", "--doc", "20-NQ/HU@IX",
                           "--from", "2025-09-01", "--to", "2025-09-30", "--subtree", "HK"]);
    assert!(err.contains("documents:") && err.contains("khóa IX"), "{err}");

    // Refusals name the field; nothing is made.
    #[rustfmt::skip]
    let cases: &[(&[&str], &str)] = &[
        (&["--code", CAMPAIGN, "--doc", "05-KH/HU", "--subtree", "HK"], "code"),
        (&["--code", "X1", "--doc", "99-NQ/TW", "--subtree", "HK"], "documents"),
        (&["--code", "X1", "--doc", "05-KH/HU", "--subtree", "NOPE"], "subtrees"),
        (&["--code", "X1", "--doc", "05-KH/HU"], "units"),
    ];
    for (args, field) in cases {
        let mut all = vec![
            "study",
            "new",
            "--title",
            "Thử",
            "--from",
            "2025-09-01",
            "--to",
            "2025-09-30",
        ];
        all.extend_from_slice(args);
        let err = fails(&db, &all);
        assert!(err.contains(&format!("{field}:")), "{args:?} names {field}: {err}");
    }
    #[rustfmt::skip]
    let err = fails(&db, &["study", "new", "--code", "X2", "--title", "Thử", "--doc", "05-KH/HU", "--subtree", "HK",
                           "--from", "2025-09-30", "--to", "2025-09-01"]);
    assert!(err.contains("to:"), "{err}");
    assert_eq!(json(&db, &["study", "list"]).as_array().map(Vec::len), Some(4));
    assert_eq!(audit_details(&db, "study.create").len(), 4);
}

#[test]
fn reports_are_checked_and_a_later_one_replaces_the_earlier() {
    let (_dir, db) = temp_db();
    seed(&db);
    #[rustfmt::skip]
    let r = report(&db, "HK-01", "24", "21", &["--made-up", "2", "--absent", "1", "--absent-reason", "Ốm",
                                              "--sessions", "2", "--held", "2025-08-10", "--masses", "15",
                                              "--programme", "15-CTr/ĐU"]);
    assert_eq!(r[0]["replaced"], false);
    assert_eq!(
        (n(&r[0], "members"), n(&r[0], "attended"), n(&r[0], "made_up")),
        (24, 21, 2)
    );
    assert_eq!(r[0]["programme"], "15-CTr/ĐU");

    // Figures that cannot be true: refused, the field named, nothing written.
    #[rustfmt::skip]
    let cases: &[(&str, &[&str], &str)] = &[
        ("HK-02", &["--members", "10", "--attended", "9", "--made-up", "2"], "attended"),
        ("HK-02", &["--members", "-3", "--attended", "0"], "members"),
        ("HK-02", &["--members", "10", "--attended", "-1"], "attended"),
        ("HK-02", &["--members", "10", "--attended", "5", "--made-up", "-2"], "made_up"),
        ("HK-02", &["--members", "10", "--attended", "5", "--masses", "-7"], "masses"),
        ("HK-02", &["--members", "10", "--attended", "5", "--sessions", "0"], "sessions"),
        ("HK-02", &["--members", "10", "--attended", "8", "--absent", "3"], "absent_excused"),
        ("HK-02", &["--members", "10", "--attended", "5", "--held", "2025-07-20"], "held_on"),
        ("HK", &["--members", "10", "--attended", "5"], "unit"),
        ("AT-99", &["--members", "10", "--attended", "5"], "unit"),
    ];
    let logged = audit_details(&db, "study.report").len();
    for (unit, figures, field) in cases {
        let mut args = vec!["study", "report", "--campaign", CAMPAIGN, "--unit", unit];
        args.extend_from_slice(figures);
        let err = fails(&db, &args);
        assert!(err.contains(&format!("{field}:")), "{figures:?} names {field}: {err}");
    }
    let err = fails(
        &db,
        &[
            "study",
            "report",
            "--campaign",
            "KHONG",
            "--unit",
            "HK-01",
            "--members",
            "1",
            "--attended",
            "1",
        ],
    );
    assert!(err.contains("campaign:") && err.contains("KHONG"), "{err}");
    assert_eq!(audit_details(&db, "study.report").len(), logged, "nothing logged");
    assert_eq!(n(&campaign(&db), "units_reported"), 1, "nothing written");

    // The same unit again: its figures replaced, the old ones in the log.
    let r = report(&db, "HK-01", "24", "23", &["--made-up", "1"]);
    assert_eq!(r[0]["replaced"], true);
    assert_eq!(n(&campaign(&db), "units_reported"), 1);
    let rows = summary(&db, &[]);
    let unit = rows
        .iter()
        .find(|r| r["unit_code"] == "HK-01" && r["level"] == "unit")
        .expect("HK-01");
    assert_eq!(
        (n(unit, "members"), n(unit, "took_part"), n(unit, "masses")),
        (24, 24, 0)
    );
    let details = audit_details(&db, "study.report");
    assert_eq!(details.len(), 2, "one log row per report");
    let last: Value = serde_json::from_str(&details[1]).expect("detail JSON");
    assert_eq!(last["replaced"]["attended"], 21);
    assert_eq!(last["figures"]["attended"], 23);
    ok(&db, &["verify"]);
}

#[test]
fn the_summary_adds_up_committees_and_total_and_rounds_half_up() {
    let (_dir, db) = temp_db();
    seed(&db);
    // HK-01 2/3 = 66,666…% → 66,67; HK-02 1/8 = 12,5%; AT-01 1/800 =
    // 0,125% → 0,13 (half up, where "round half to even" gives 0,12);
    // AT-02 does not report.
    report(
        &db,
        "HK-01",
        "3",
        "1",
        &["--made-up", "1", "--masses", "4", "--sessions", "2"],
    );
    report(&db, "HK-02", "8", "1", &["--masses", "6"]);
    report(&db, "AT-01", "800", "1", &["--masses", "1"]);
    let rows = summary(&db, &[]);
    let shape: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["level"].as_str().expect("level").to_owned(),
                r["unit_code"].as_str().expect("code").to_owned(),
            )
        })
        .collect();
    let pair = |l: &str, c: &str| (l.to_owned(), c.to_owned());
    assert_eq!(
        shape,
        vec![
            pair("committee", "AT"),
            pair("unit", "AT-01"),
            pair("unit", "AT-02"),
            pair("committee", "HK"),
            pair("unit", "HK-02"),
            pair("unit", "HK-01"),
            pair("total", ""),
        ],
        "committees in Vietnamese order (Ấp Tân before Hương Khê), each before its units, the total last"
    );
    let rate = |code: &str, level: &str| {
        let row = rows
            .iter()
            .find(|r| r["unit_code"] == code && r["level"] == level)
            .expect("row");
        row["rate"].as_f64().expect("rate")
    };
    assert_eq!(rate("HK-01", "unit"), 66.67);
    assert_eq!(rate("HK-02", "unit"), 12.5);
    assert_eq!(rate("AT-01", "unit"), 0.13);
    assert_eq!(
        rate("HK", "committee"),
        27.27,
        "3/11 from the sums, not an average of rates"
    );
    assert_eq!(rate("AT", "committee"), 0.13);
    assert_eq!(rate("", "total"), 0.49, "4/811");
    // Every rate has at most two decimals as printed.
    for r in &rows {
        let text = r["rate"].to_string();
        assert!(text.split('.').nth(1).is_none_or(|d| d.len() <= 2), "{text}");
    }

    let not_reported = rows.iter().find(|r| r["unit_code"] == "AT-02").expect("AT-02");
    assert_eq!(not_reported["reported"], false);
    assert_eq!((n(not_reported, "members"), n(not_reported, "took_part")), (0, 0));
    assert!(n(not_reported, "days_overdue") > 0, "days past 31/08/2025");
    assert!(rows
        .iter()
        .filter(|r| r["reported"] == true && r["level"] == "unit")
        .all(|r| r["days_overdue"].is_null()));

    // Committees are the sums of their units; the total the sum of the committees.
    let sum = |rows: &[&Value], field: &str| rows.iter().map(|r| n(r, field)).sum::<u64>();
    let mut committees = Vec::new();
    let mut i = 0;
    while rows[i]["level"] == "committee" {
        let units: Vec<&Value> = rows[i + 1..].iter().take_while(|r| r["level"] == "unit").collect();
        for field in ["members", "took_part", "sessions", "masses"] {
            assert_eq!(
                n(&rows[i], field),
                sum(&units, field),
                "{field} of {}",
                rows[i]["unit_code"]
            );
        }
        assert_eq!(n(&rows[i], "units"), units.len() as u64);
        assert_eq!(
            n(&rows[i], "units_reported"),
            units.iter().filter(|u| u["reported"] == true).count() as u64
        );
        committees.push(&rows[i]);
        i += 1 + units.len();
    }
    let total = &rows[i];
    assert_eq!(total["level"], "total");
    for field in ["members", "took_part", "sessions", "masses", "units", "units_reported"] {
        assert_eq!(n(total, field), sum(&committees, field), "total {field}");
    }
    assert_eq!(
        (
            n(total, "members"),
            n(total, "took_part"),
            n(total, "units"),
            n(total, "units_reported")
        ),
        (811, 4, 4, 3)
    );
    assert_eq!(total["reported"], false, "a unit has not reported");

    // A subtree: its units only, its total named after it.
    let hk = summary(&db, &["--subtree", "HK"]);
    assert_eq!(hk.len(), 4);
    let last = hk.last().expect("total");
    assert_eq!(
        (last["unit_code"].as_str(), n(last, "members"), n(last, "took_part")),
        (Some("HK"), 11, 3)
    );

    // The CSV has the same rows under a header.
    let csv = ok(&db, &["study", "summary", "--campaign", CAMPAIGN, "--format", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "level,unit_code,unit_name,reported,members,took_part,rate,sessions,masses,units,units_reported,days_overdue,office"
    );
    assert_eq!(lines.len(), rows.len() + 1);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("unit,AT-01,") && l.contains(",0.13,")),
        "{csv}"
    );
}

#[test]
fn a_real_reports_figures_come_out_as_the_report_writes_them() {
    let (_dir, db) = temp_db();
    seed(&db);
    report(
        &db,
        "HK-01",
        "35900",
        "35500",
        &["--made-up", "99", "--sessions", "378", "--masses", "5806"],
    );
    let rows = summary(&db, &["--subtree", "HK-01"]);
    let total = rows.last().expect("total");
    assert_eq!(total["rate"].as_f64(), Some(99.16));
    assert_eq!(
        (n(total, "took_part"), n(total, "members"), n(total, "sessions")),
        (35_599, 35_900, 378)
    );
}

#[test]
fn figures_import_from_a_file_all_or_nothing() {
    let (dir, db) = temp_db();
    seed(&db);
    let bad = dir.path().join("hoc-tap.csv");
    #[rustfmt::skip]
    std::fs::write(&bad, "Mã đơn vị,Tổng số đảng viên,Dự học,Học bù,Số buổi,Ngày học,Lượt quần chúng\n\
                          HK-01,24,21,2,2,10/08/2025,15\n\
                          HK-02,10,9,2,1,,\n\
                          AT-01,-5,3,,,,\n\
                          AT-77,10,3,,,,\n\
                          AT-02,10,3,,,31/02/2025,\n\
                          HK-01,24,21,,,,\n").expect("write");
    let err = fails(
        &db,
        &["study", "import", "--campaign", CAMPAIGN, bad.to_str().expect("path")],
    );
    for expected in [
        "hoc-tap.csv:3:Dự học: ",
        "hoc-tap.csv:4:Tổng số đảng viên: ",
        "hoc-tap.csv:5:Mã đơn vị: ",
        "hoc-tap.csv:6:Ngày học: ",
        "hoc-tap.csv:7:Mã đơn vị: Đơn vị «HK-01» trùng với dòng 2",
    ] {
        assert!(err.contains(expected), "{expected} in:\n{err}");
    }
    assert!(!err.contains("hoc-tap.csv:2:"), "row 2 is right: {err}");
    assert_eq!(n(&campaign(&db), "units_reported"), 0, "nothing written");
    assert!(audit_details(&db, "study.report").is_empty(), "nothing logged");

    // The template lists the units that must report; filled in, a dry run
    // writes nothing, then the import writes every unit, one log row each.
    let template = dir.path().join("mau.csv");
    ok(
        &db,
        &[
            "study",
            "template",
            "--campaign",
            CAMPAIGN,
            "--out",
            template.to_str().expect("path"),
        ],
    );
    let text = std::fs::read_to_string(&template).expect("template");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert!(
        lines[0].starts_with("Mã đơn vị,Tổng số đảng viên,Dự học,Học bù"),
        "{text}"
    );
    assert_eq!(lines[1..].len(), 4, "{text}");
    let good = dir.path().join("so-lieu.csv");
    #[rustfmt::skip]
    std::fs::write(&good, "unit,members,attended,made_up,sessions,held_on,masses\n\
                           HK-01,24,21,2,2,2025-08-10,15\n\
                           HK-02,10,8,1,1,,3\n\
                           AT-01,35,35,,,,\n").expect("write");
    let path = good.to_str().expect("path");
    ok(&db, &["study", "import", "--campaign", CAMPAIGN, path, "--dry-run"]);
    assert_eq!(n(&campaign(&db), "units_reported"), 0, "a dry run writes nothing");
    let said = ok(&db, &["study", "import", "--campaign", CAMPAIGN, path]);
    assert!(said.contains("3 đơn vị"), "{said}");
    assert_eq!(n(&campaign(&db), "units_reported"), 3);
    assert_eq!(audit_details(&db, "study.report").len(), 3);

    // An XLSX file: AT-02 reports, HK-01 reports again (replaced).
    let xlsx = dir.path().join("bo-sung.xlsx");
    let cells = |row: &[&str]| -> Vec<giaonhan::tabular::Cell> {
        row.iter()
            .map(|c| match c.parse::<i64>() {
                Ok(n) => giaonhan::tabular::Cell::Int(n),
                Err(_) => giaonhan::tabular::Cell::Text((*c).to_owned()),
            })
            .collect()
    };
    let bytes = giaonhan::tabular::xlsx_bytes(
        "Học tập",
        &["Mã đơn vị", "Tổng số đảng viên", "Dự học", "Học bù"],
        &[cells(&["AT-02", "12", "11", "1"]), cells(&["HK-01", "24", "24", "0"])],
    )
    .expect("xlsx");
    std::fs::write(&xlsx, bytes).expect("write");
    let said = ok(
        &db,
        &["study", "import", "--campaign", CAMPAIGN, xlsx.to_str().expect("path")],
    );
    assert!(said.contains("2 đơn vị (1 đơn vị báo cáo lại)"), "{said}");
    let rows = summary(&db, &[]);
    let total = rows.last().expect("total");
    assert_eq!(
        (n(total, "members"), n(total, "took_part"), n(total, "units_reported")),
        (24 + 10 + 35 + 12, 24 + 9 + 35 + 12, 4)
    );
    assert_eq!(total["rate"].as_f64(), Some(98.77), "80/81");
    ok(&db, &["verify"]);
}

#[test]
fn the_report_prints_in_the_party_layout_and_exports_to_xlsx() {
    let (dir, db) = temp_db();
    seed(&db);
    report(
        &db,
        "HK-01",
        "35900",
        "35500",
        &["--made-up", "99", "--sessions", "378", "--masses", "5806"],
    );
    report(&db, "HK-02", "8", "7", &["--masses", "2"]);
    report(&db, "AT-01", "12", "12", &[]);
    let pdf = dir.path().join("bao-cao.pdf");
    let printed = ok(
        &db,
        &[
            "study",
            "summary",
            "--campaign",
            CAMPAIGN,
            "--format",
            "pdf",
            "--out",
            pdf.to_str().expect("path"),
        ],
    );
    assert!(printed.contains("bao-cao.pdf"), "{printed}");
    let text = giaonhan_tests::readers::pdf_text(&pdf);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "BÁO CÁO KẾT QUẢ HỌC TẬP, QUÁN TRIỆT",
        "Học tập, quán triệt Nghị quyết Trung ương 10",
        "Văn bản: 05-KH/HU",
        "Thời gian: từ 01/08/2025 đến 31/08/2025",
        "Đảng bộ xã Ấp Tân (1/2 đơn vị đã báo cáo)",
        "Đảng bộ xã Hương Khê (2/2 đơn vị đã báo cáo)",
        "Chi bộ thôn Đông Trung 378 35.599/35.900 99,16% 5.806",
        "Cộng 379 35.606/35.908 99,16% 5.808",
        "Chưa báo cáo",
        "TỔNG CỘNG 380 35.618/35.920 99,16% 5.808",
        "35.618/35.920 đảng viên (99,16%) tham gia, 5.808 lượt quần chúng",
        "Các đơn vị chưa báo cáo:",
        "Chi bộ Trường Tiểu học Ấp Tân (AT-02), quá hạn",
        "NGƯỜI LẬP BIỂU",
    ] {
        assert!(flat.contains(expected), "«{expected}» in:\n{text}");
    }

    let xlsx = dir.path().join("bao-cao.xlsx");
    ok(
        &db,
        &[
            "study",
            "summary",
            "--campaign",
            CAMPAIGN,
            "--format",
            "xlsx",
            "--out",
            xlsx.to_str().expect("path"),
        ],
    );
    let rows = giaonhan_tests::readers::spreadsheet_rows(&xlsx);
    assert_eq!(
        rows[0][..7],
        [
            "Cấp",
            "Mã đơn vị",
            "Tên đơn vị",
            "Đã báo cáo",
            "Tổng số đảng viên",
            "Đảng viên tham gia",
            "Tỷ lệ (%)"
        ]
    );
    assert_eq!(rows.len(), 1 + 7, "header, 2 committees, 4 units, total");
    let total = rows.last().expect("total");
    assert_eq!(
        total[..7],
        ["Tổng cộng", "", "Tổng cộng", "Chưa", "35920", "35618", "99,16"]
    );
    let err = fails(&db, &["study", "summary", "--campaign", CAMPAIGN, "--format", "pdf"]);
    assert!(err.contains("--out"), "{err}");
}

/// Reminder slips go to the units that have not reported, one page each,
/// addressed to the secretary, with the days past the period's end and the
/// tier those days reach; the print is logged; with every unit reported
/// there is nothing to print, and the message says so.
#[test]
fn reminders_go_to_the_units_that_have_not_reported() {
    let (dir, db) = temp_db();
    seed(&db);
    report(&db, "HK-01", "20", "18", &[]);
    report(&db, "HK-02", "8", "7", &[]);
    let pdf = dir.path().join("nhac-hoc-tap.pdf");
    let out = pdf.to_str().expect("path");
    #[rustfmt::skip]
    ok(&db, &["study", "reminders", "--campaign", CAMPAIGN, "--as-of", "2025-09-10", "--out", out]);
    assert_eq!(giaonhan_tests::readers::pdf_pages(&pdf), 2, "a page per unit");
    let text = giaonhan_tests::readers::pdf_text(&pdf);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "GIẤY NHẮC BÁO CÁO KẾT QUẢ HỌC TẬP, QUÁN TRIỆT",
        "(Nhắc lần 2)",
        "Kính gửi: Chi bộ thôn Bắc Sơn (AT-01)",
        "Đồng chí Bí thư: Phạm Thị Ngọc Ánh",
        "Kính gửi: Chi bộ Trường Tiểu học Ấp Tân (AT-02)",
        "Học tập, quán triệt Nghị quyết Trung ương 10 (mã HT-NQ10), từ ngày 01/08/2025 đến ngày 31/08/2025",
        "Đến ngày 10/09/2025, Chi bộ thôn Bắc Sơn chưa gửi báo cáo kết quả học tập, quán triệt \
         (đợt học tập đã kết thúc ngày 31/08/2025, quá hạn 10 ngày).",
        "Số đảng viên học bù",
    ] {
        assert!(flat.contains(expected), "«{expected}» in:\n{text}");
    }
    assert!(
        !flat.contains("Đông Trung"),
        "a unit that reported gets no slip:\n{text}"
    );
    let logged = audit_details(&db, "print.study_reminders");
    assert_eq!(logged.len(), 1);
    let detail: Value = serde_json::from_str(&logged[0]).expect("detail JSON");
    assert_eq!(detail["units"], serde_json::json!(["AT-01", "AT-02"]));

    // Only the units under HK: all have reported.
    #[rustfmt::skip]
    let err = fails(&db, &["study", "reminders", "--campaign", CAMPAIGN, "--subtree", "HK", "--out", out]);
    assert!(err.contains("đã báo cáo"), "{err}");
    assert_eq!(audit_details(&db, "print.study_reminders").len(), 1, "nothing logged");
}

/// The 2025 reorganisation: a commune merged into another after the
/// campaign was made. Its branches' figures count under the committee that
/// took them over, a branch merged into another keeps its own row (and may
/// still report) under its successor's committee, and the sums hold.
#[test]
fn merged_units_count_under_the_committee_that_took_them_over() {
    let (_dir, db) = temp_db();
    seed(&db);
    report(&db, "AT-01", "10", "9", &[]);
    report(&db, "HK-01", "20", "20", &[]);
    #[rustfmt::skip]
    ok(&db, &["unit", "merge", "--from", "AT", "--into", "HK", "--on", "2025-09-01", "--reason", "Sáp nhập xã"]);
    #[rustfmt::skip]
    ok(&db, &["unit", "merge", "--from", "HK-02", "--into", "HK-01", "--on", "2025-09-01", "--reason", "Sáp nhập thôn"]);
    // A merged branch's report, entered after the merge.
    report(&db, "HK-02", "5", "4", &[]);
    let rows = summary(&db, &[]);
    let shape: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["level"].as_str().expect("level"),
                r["unit_code"].as_str().expect("code"),
            )
        })
        .collect();
    assert_eq!(shape.iter().filter(|(l, _)| *l == "committee").count(), 1, "{shape:?}");
    assert_eq!(shape[0], ("committee", "HK"), "{shape:?}");
    assert_eq!(
        shape.iter().filter(|(l, _)| *l == "unit").count(),
        4,
        "every unit keeps its row: {shape:?}"
    );
    let hk = &rows[0];
    assert_eq!(
        (
            n(hk, "members"),
            n(hk, "took_part"),
            n(hk, "units"),
            n(hk, "units_reported")
        ),
        (35, 33, 4, 3)
    );
    let total = rows.last().expect("total");
    assert_eq!((n(total, "members"), n(total, "took_part")), (35, 33));
    assert_eq!(total["rate"].as_f64(), Some(94.29), "33/35");
}

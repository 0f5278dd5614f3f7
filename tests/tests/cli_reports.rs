//! The supervisor's outputs through the real `giaonhan` binary, on a register
//! with fixed dates: the outstanding list as JSON, CSV, PDF and XLSX with every
//! filter, counted as of a day (confirmations after the day still count as
//! outstanding), escalation tiers, grouping by grassroots committee in
//! Vietnamese order; the dashboard figures agreeing with the list; reminder
//! slips, the call list and the transfer register. PDFs are read back with
//! pdftotext (pages rendered to PNG as artifacts) and spreadsheets by
//! LibreOffice.

use std::path::Path;

use giaonhan_tests::cli::{fails, ok, temp_db};
use giaonhan_tests::fixtures::supervised as seed;
use giaonhan_tests::readers::{pdf_page_png, pdf_pages, pdf_text, spreadsheet_rows};
use serde_json::Value;

fn json(db: &Path, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["outstanding", "--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(db, &all)).expect("outstanding prints a JSON array")
}

fn keys(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| {
            format!(
                "{}|{}",
                r["unit_code"].as_str().unwrap_or(""),
                r["batch"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn outstanding_filters_tiers_groups_and_the_day_it_is_drawn_up_for() {
    let (_dir, db) = temp_db();
    seed(&db);

    let rows = json(&db, &["--as-of", "2025-08-30"]);
    // Committees in Vietnamese order (Ấp Tân before Hương Khê), then branches.
    assert_eq!(
        keys(&rows),
        [
            "AT-01|Đợt 2/2025",
            "AT-02|Đợt 1/2025",
            "HK-02|Đợt 1/2025",
            "HK-01|Đợt 2/2025"
        ]
    );
    let at02 = &rows[1];
    assert_eq!(at02["group_code"], "AT");
    assert_eq!(at02["group_name"], "Đảng bộ xã Ấp Tân");
    assert_eq!(at02["status"], "partial");
    assert_eq!(at02["days_overdue"], 22);
    assert_eq!(at02["tier"], 3);
    assert_eq!(at02["secretary"], "Đặng Quốc Việt");
    assert_eq!(rows[3]["phone"], "0912 111 222");
    assert_eq!(
        (rows[3]["days_overdue"].clone(), rows[3]["tier"].clone()),
        (3.into(), 1.into())
    );

    // On 10 August: the second batch was not handed yet, and AT-01 had not
    // confirmed the first (it did on the 25th).
    let early = json(&db, &["--as-of", "2025-08-10"]);
    assert_eq!(
        keys(&early),
        ["AT-01|Đợt 1/2025", "AT-02|Đợt 1/2025", "HK-02|Đợt 1/2025"]
    );
    assert_eq!(early[0]["status"], "pending");
    assert!(
        early.iter().all(|r| r["days_overdue"] == 2 && r["tier"] == 1),
        "{early:?}"
    );

    let at = |args: &[&str]| {
        let mut all = vec!["--as-of", "2025-08-30"];
        all.extend_from_slice(args);
        keys(&json(&db, &all))
    };
    assert_eq!(at(&["--subtree", "HK"]), ["HK-02|Đợt 1/2025", "HK-01|Đợt 2/2025"]);
    assert_eq!(at(&["--tier", "3"]), ["AT-02|Đợt 1/2025", "HK-02|Đợt 1/2025"]);
    assert_eq!(
        at(&["--document", "12-CT/TU"]),
        ["AT-01|Đợt 2/2025", "HK-01|Đợt 2/2025"]
    );
    assert_eq!(at(&["--batch", "Đợt 2/2025", "--batch", "Đợt 1/2025"]).len(), 4);
    let overdue = keys(&json(&db, &["--as-of", "2025-08-26", "--overdue-only"]));
    assert_eq!(
        overdue,
        ["AT-02|Đợt 1/2025", "HK-02|Đợt 1/2025"],
        "the second batch is not due yet"
    );

    // Tier thresholds are settings.
    ok(&db, &["tiers", "--days", "1,30"]);
    assert!(json(&db, &["--as-of", "2025-08-30", "--batch", "Đợt 1/2025"])
        .iter()
        .all(|r| r["tier"] == 1));
    let err = fails(&db, &["tiers", "--days", "7,3"]);
    assert!(err.contains("tăng dần"), "{err}");

    let err = fails(&db, &["outstanding", "--batch", "Đợt 9/2025"]);
    assert!(err.contains("Đợt 9/2025"), "{err}");
    let err = fails(&db, &["outstanding", "--format", "pdf"]);
    assert!(err.contains("--out"), "{err}");
}

#[test]
fn dashboard_figures_agree_with_the_list() {
    let (_dir, db) = temp_db();
    seed(&db);
    for day in ["2025-08-10", "2025-08-30"] {
        let stats: Vec<Value> =
            serde_json::from_str(&ok(&db, &["stats", "--batch", "Đợt 1/2025", "--as-of", day])).expect("stats JSON");
        let s = &stats[0];
        let open = json(&db, &["--as-of", day, "--batch", "Đợt 1/2025"]);
        let units = s["units"].as_u64().expect("units");
        let confirmed = s["confirmed"].as_u64().expect("confirmed");
        assert_eq!(units, 4);
        assert_eq!(units - confirmed, open.len() as u64, "on {day}: {s}");
        assert_eq!(s["partial"], open.iter().filter(|r| r["status"] == "partial").count());
        let overdue: u64 = s["overdue"]
            .as_array()
            .expect("tiers")
            .iter()
            .filter_map(Value::as_u64)
            .sum();
        assert_eq!(overdue, open.iter().filter(|r| r["days_overdue"] != 0).count() as u64);
    }
    let stats: Vec<Value> =
        serde_json::from_str(&ok(&db, &["stats", "--batch", "Đợt 1/2025", "--as-of", "2025-08-30"])).expect("stats");
    assert_eq!(stats[0]["completion"], 50.0);
    assert_eq!(stats[0]["copies"], 8);
    assert_eq!(stats[0]["overdue"], serde_json::json!([0, 0, 2]));
}

#[test]
fn outstanding_pdf_xlsx_and_csv_hold_the_same_rows() {
    let (dir, db) = temp_db();
    seed(&db);
    ok(
        &db,
        &[
            "letterhead",
            "--parent-body",
            "Đảng bộ tỉnh Hà Tĩnh",
            "--issuing-body",
            "Văn phòng Tỉnh ủy",
            "--place",
            "Hà Tĩnh",
        ],
    );
    let rows = json(&db, &["--as-of", "2025-08-30"]);

    let pdf = dir.path().join("chua-xac-nhan.pdf");
    ok(
        &db,
        &[
            "outstanding",
            "--format",
            "pdf",
            "--as-of",
            "2025-08-30",
            "--out",
            pdf.to_str().expect("utf-8"),
        ],
    );
    pdf_page_png(&pdf, 1, &giaonhan_tests::artifacts_dir().join("cli-outstanding-page1"));
    let text = pdf_text(&pdf);
    for s in [
        "ĐẢNG BỘ TỈNH HÀ TĨNH",
        "VĂN PHÒNG TỈNH ỦY",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Hà Tĩnh, ngày 30 tháng 8 năm 2025",
        "DANH SÁCH ĐƠN VỊ CHƯA XÁC NHẬN ĐÃ NHẬN TÀI LIỆU",
        "Tính đến ngày 30/08/2025",
        "I. Đảng bộ xã Ấp Tân",
        "II. Đảng bộ xã Hương Khê",
        "Chi bộ Trường Tiểu học Ấp Tân",
        "Phạm Thị Ngọc Ánh",
        "0987 333 444",
        "nhận thiếu",
        "Tổng cộng: 4 đơn vị, 4 lượt chưa xác nhận, 6 bản",
    ] {
        assert!(text.contains(s), "{s:?} missing from the PDF:\n{text}");
    }

    let xlsx = dir.path().join("chua-xac-nhan.xlsx");
    ok(
        &db,
        &[
            "outstanding",
            "--format",
            "xlsx",
            "--as-of",
            "2025-08-30",
            "--out",
            xlsx.to_str().expect("utf-8"),
        ],
    );
    let sheet = spreadsheet_rows(&xlsx);
    assert_eq!(sheet[0][0], "STT");
    assert_eq!(sheet[0][3], "Đơn vị");
    assert_eq!(sheet.len(), rows.len() + 1, "{sheet:?}");
    for (line, row) in sheet[1..].iter().zip(&rows) {
        assert_eq!(line[2], row["unit_code"].as_str().expect("code"));
        assert_eq!(line[3], row["unit_name"].as_str().expect("name"));
        assert_eq!(line[6], row["batch"].as_str().expect("batch"));
        assert_eq!(line[9], row["days_overdue"].to_string());
        assert_eq!(line[10], row["tier"].to_string());
        let due = row["due"].as_str().expect("due");
        assert_eq!(
            line[8],
            format!("{}/{}/{}", &due[8..10], &due[5..7], &due[0..4]),
            "a date shown dd/mm/yyyy"
        );
    }

    let csv = ok(&db, &["outstanding", "--format", "csv", "--as-of", "2025-08-30"]);
    let mut reader = csv::ReaderBuilder::new().from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let csv_rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    assert_eq!(csv_rows.len(), rows.len());
    assert_eq!(&csv_rows[1][3], "Chi bộ Trường Tiểu học Ấp Tân");
    assert_eq!(&csv_rows[1][12], "Nhận thiếu");
}

#[test]
fn reminders_call_list_and_the_transfer_register() {
    let (dir, db) = temp_db();
    seed(&db);
    let out = |name: &str| dir.path().join(name).to_str().expect("utf-8").to_owned();

    let reminders = out("giay-nhac.pdf");
    ok(
        &db,
        &[
            "reminders",
            "--batch",
            "Đợt 1/2025",
            "--as-of",
            "2025-08-30",
            "--out",
            &reminders,
        ],
    );
    assert_eq!(pdf_pages(Path::new(&reminders)), 2, "one page per overdue unit");
    let text = pdf_text(Path::new(&reminders));
    for s in [
        "GIẤY NHẮC XÁC NHẬN NHẬN TÀI LIỆU",
        "(Nhắc lần 3)",
        "Kính gửi: Chi bộ thôn Ấp Thượng",
        "Đồng chí Bí thư: Lê Văn Hùng",
        "05-KH/HU: 2 bản",
    ] {
        assert!(text.contains(s), "{s:?} missing from the reminders:\n{text}");
    }
    let none = fails(&db, &["reminders", "--as-of", "2025-08-02", "--out", &out("none.pdf")]);
    assert!(none.contains("quá hạn"), "{none}");

    let calls = out("lien-he.pdf");
    ok(&db, &["calls", "--as-of", "2025-08-30", "--out", &calls]);
    let text = pdf_text(Path::new(&calls));
    for s in [
        "DANH SÁCH LIÊN HỆ ĐƠN VỊ CHƯA XÁC NHẬN",
        "0912 111 222",
        "Nguyễn Thị Hoa",
        "Tổng cộng: 4 đơn vị",
    ] {
        assert!(text.contains(s), "{s:?} missing from the call list:\n{text}");
    }

    let book = out("so.pdf");
    ok(
        &db,
        &[
            "register",
            "--from",
            "2025-08-01",
            "--to",
            "2025-08-31",
            "--format",
            "pdf",
            "--out",
            &book,
        ],
    );
    pdf_page_png(
        Path::new(&book),
        1,
        &giaonhan_tests::artifacts_dir().join("cli-register-page1"),
    );
    let text = pdf_text(Path::new(&book));
    for s in [
        "SỔ CHUYỂN GIAO VĂN BẢN",
        "Từ ngày 01/08/2025 đến ngày 31/08/2025",
        "05-KH/HU",
        "12-CT/TU",
        "Nguyễn Thị Hoa",
        "Tổng cộng: 6 lượt chuyển, 10 bản",
    ] {
        assert!(text.contains(s), "{s:?} missing from the register:\n{text}");
    }
    let xlsx = out("so.xlsx");
    ok(
        &db,
        &[
            "register",
            "--from",
            "2025-08-01",
            "--to",
            "2025-08-19",
            "--format",
            "xlsx",
            "--out",
            &xlsx,
        ],
    );
    let sheet = spreadsheet_rows(Path::new(&xlsx));
    assert_eq!(sheet.len(), 1 + 4, "the first batch only: {sheet:?}");
    assert_eq!(sheet[0][5], "Trích yếu nội dung");
    assert!(
        sheet[1..].iter().all(|l| l[1] == "01/08/2025" && l[3] == "05-KH/HU"),
        "{sheet:?}"
    );
    let partial = sheet.iter().find(|l| l[7] == "AT-02").expect("AT-02's line");
    assert_eq!(partial[12], "Nhận 1/2 bản");
}

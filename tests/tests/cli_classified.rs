//! Classified documents by numbered copy, through the real `giaonhan`
//! binary on real files: a Mật document registered with copies 1..N (and a
//! later range), batches handing the next free numbers or numbers chosen
//! for a unit, never a copy that is out, a partial receipt by copy number;
//! recalls with full and partial returns, a copy the unit does not hold
//! refused, the recall's rows in the outstanding list; destruction of
//! copies in the office only, the record read back from the PDF
//! (pdftotext) and the XLSX (LibreOffice), destroyed copies never handed
//! again; and a Tuyệt mật summary in none of these outputs.

use std::path::Path;

use giaonhan_tests::cli::{fails, ok};
use giaonhan_tests::fixtures::commune_units;
use giaonhan_tests::readers::{pdf_text, spreadsheet_rows};
use serde_json::Value;

const SYMBOL: &str = "07-NQ/HU";

/// The commune with a Mật resolution of 6 numbered copies, handed on
/// 01/08/2025 in batch D1, two copies to each branch.
fn seed(db: &Path) {
    commune_units(db);
    #[rustfmt::skip]
    ok(db, &["doc", "add", "--symbol", SYMBOL, "--title", "Nghị quyết về công tác bảo vệ chính trị nội bộ",
             "--date", "2025-07-01", "--copies", "6", "--classification", "Mật"]);
    #[rustfmt::skip]
    ok(db, &["batch", "new", "--code", "D1", "--title", "Đợt mật", "--handed", "2025-08-01", "--due", "2025-08-08",
             "--doc", "07-NQ/HU:2", "--subtree", "HK"]);
}

fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).expect("JSON")
}

/// (copy, state, holder, batch) of every copy.
fn copies(db: &Path, symbol: &str) -> Vec<(u64, String, String, String)> {
    let rows = json(db, &["copies", "--symbol", symbol, "--format", "json"]);
    rows.as_array()
        .expect("an array")
        .iter()
        .map(|r| {
            (
                r["copy"].as_u64().expect("copy"),
                r["state"].as_str().expect("state").to_owned(),
                r["holder"].as_str().unwrap_or("").to_owned(),
                r["batch"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn c(n: u64, state: &str, holder: &str, batch: &str) -> (u64, String, String, String) {
    (n, state.into(), holder.into(), batch.into())
}

/// The outstanding rows of kind `recall`: (unit, recall, copies missing, days overdue).
fn recall_rows(db: &Path, args: &[&str]) -> Vec<(String, String, Vec<u64>, u64)> {
    let mut all = vec!["outstanding", "--format", "json"];
    all.extend_from_slice(args);
    let rows = json(db, &all);
    rows.as_array()
        .expect("an array")
        .iter()
        .filter(|r| r["kind"] == "recall")
        .map(|r| {
            (
                r["unit_code"].as_str().expect("unit").to_owned(),
                r["batch"].as_str().expect("batch").to_owned(),
                r["copies_missing"]
                    .as_array()
                    .expect("numbers")
                    .iter()
                    .map(|n| n.as_u64().expect("number"))
                    .collect(),
                r["days_overdue"].as_u64().expect("days"),
            )
        })
        .collect()
}

#[test]
fn copies_go_out_by_number_never_twice_and_arrive_by_number() {
    let (_dir, db) = giaonhan_tests::cli::missing_db();
    seed(&db);
    // Next free numbers, in the order of the recipients.
    assert_eq!(
        copies(&db, SYMBOL),
        [
            c(1, "out", "HK-01", "D1"),
            c(2, "out", "HK-01", "D1"),
            c(3, "out", "HK-02", "D1"),
            c(4, "out", "HK-02", "D1"),
            c(5, "in_office", "", ""),
            c(6, "in_office", "", ""),
        ]
    );
    let rows = json(&db, &["copies", "--symbol", SYMBOL, "--format", "json"]);
    assert_eq!(rows[0]["since"], "2025-08-01");
    let csv = ok(&db, &["copies", "--symbol", SYMBOL, "--format", "csv"]);
    assert_eq!(csv.lines().next(), Some("copy,state,holder,batch,since"), "{csv}");
    assert!(csv.contains("3,out,HK-02,D1,2025-08-01"), "{csv}");

    // The slips and the transfer register name the copies.
    let dir = tempfile::tempdir().expect("temp dir");
    let (slips, book) = (dir.path().join("phieu.pdf"), dir.path().join("so.pdf"));
    ok(
        &db,
        &["slips", "--batch", "D1", "--out", slips.to_str().expect("utf-8")],
    );
    let text = pdf_text(&slips);
    assert!(
        text.contains("Bản số: 01, 02") && text.contains("Bản số: 03, 04"),
        "{text}"
    );
    #[rustfmt::skip]
    ok(&db, &["register", "--from", "2025-08-01", "--to", "2025-08-31", "--format", "pdf", "--out",
              book.to_str().expect("utf-8")]);
    // (its narrow notes column wraps after the comma)
    let text = pdf_text(&book);
    assert!(text.contains("Bản số: 01,") && text.contains("Bản số: 03,"), "{text}");

    // A copy out is never handed again; a chosen copy in the office is.
    #[rustfmt::skip]
    let batch = |code: &str, extra: &[&str]| {
        let mut args = vec!["batch", "new", "--code", code, "--title", "Bổ sung", "--handed", "2025-08-10",
                            "--due", "2025-08-20", "--doc", "07-NQ/HU:1", "--unit", "HK-01"];
        args.extend_from_slice(extra);
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let args = batch("D2", &["--copies", "HK-01:07-NQ/HU:3"]);
    let err = fails(&db, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(err.contains("Bản số 03") && err.contains("không ở văn phòng"), "{err}");
    let args = batch("D2", &["--copies", "HK-01:07-NQ/HU:6"]);
    ok(&db, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(copies(&db, SYMBOL)[5], c(6, "out", "HK-01", "D2"));
    // Two copies each for two units, one left in the office: refused whole.
    #[rustfmt::skip]
    let err = fails(&db, &["batch", "new", "--code", "D3", "--title", "Thêm", "--handed", "2025-08-12", "--due",
                           "2025-08-20", "--doc", "07-NQ/HU:2", "--subtree", "HK", "--over-stock-reason", "Cần thêm"]);
    assert!(err.contains("cần 4 bản số, tại văn phòng còn 1 bản"), "{err}");
    assert!(!ok(&db, &["batch", "list"]).contains("\"D3\""));

    // A later delivery numbered 7-8 joins the copies on hand.
    ok(
        &db,
        &["copies", "--symbol", SYMBOL, "--add", "7-8", "--on", "2025-08-11"],
    );
    assert_eq!(copies(&db, SYMBOL).len(), 8);
    let err = fails(&db, &["copies", "--symbol", SYMBOL, "--add", "8-9"]);
    assert!(err.contains("Bản số 08"), "{err}");

    // A partial receipt says which numbers arrived.
    let err = fails(
        &db,
        &[
            "confirm",
            "--batch",
            "D1",
            "--unit",
            "HK-02",
            "--by",
            "Lê Văn Tư",
            "--copies",
            "07-NQ/HU:5",
        ],
    );
    assert!(err.contains("Bản số 05") && err.contains("03, 04"), "{err}");
    #[rustfmt::skip]
    ok(&db, &["confirm", "--batch", "D1", "--unit", "HK-02", "--by", "Lê Văn Tư", "--at", "2025-08-03",
              "--copies", "07-NQ/HU:3"]);
    let open = json(&db, &["outstanding", "--format", "json", "--batch", "D1"]);
    assert_eq!(open[0]["unit_code"], "HK-02");
    assert_eq!(open[0]["status"], "partial");
    let code = open[0]["receipt_code"].as_str().expect("code");
    let receipt = json(&db, &["receipt", code, "--format", "json"]);
    let line = &receipt[0]["lines"][0];
    assert_eq!(
        (line["received"].clone(), line["copy_numbers"].clone()),
        (1.into(), serde_json::json!([3, 4]))
    );
    ok(&db, &["verify"]);
}

#[test]
fn a_recall_lists_the_units_holding_copies_until_each_brings_them_back() {
    let (_dir, db) = giaonhan_tests::cli::missing_db();
    seed(&db);
    #[rustfmt::skip]
    let made = json(&db, &["recall", "new", "--code", "TH1", "--symbol", SYMBOL, "--due", "2025-09-10",
                            "--reason", "Thu hồi sau học tập", "--on", "2025-09-01"]);
    assert_eq!(made[0]["copies"], serde_json::json!([1, 2, 3, 4]));
    assert_eq!(
        recall_rows(&db, &["--as-of", "2025-09-15"]),
        [
            ("HK-02".to_owned(), "TH1".to_owned(), vec![3, 4], 5),
            ("HK-01".to_owned(), "TH1".to_owned(), vec![1, 2], 5),
        ],
        "Ấp Thượng before Đông Trung"
    );
    // Reminders and the call list carry them.
    let dir = tempfile::tempdir().expect("temp dir");
    let (nhac, goi) = (dir.path().join("nhac.pdf"), dir.path().join("goi.pdf"));
    ok(
        &db,
        &[
            "reminders",
            "--as-of",
            "2025-09-15",
            "--out",
            nhac.to_str().expect("utf-8"),
        ],
    );
    let text = pdf_text(&nhac);
    assert!(text.contains("TH1") && text.contains("Nộp lại bản số 03, 04"), "{text}");
    ok(
        &db,
        &["calls", "--as-of", "2025-09-15", "--out", goi.to_str().expect("utf-8")],
    );
    assert!(pdf_text(&goi).contains("TH1"));
    // Named by its code, the recall's rows only; by a batch's code, none of them.
    let only = json(
        &db,
        &[
            "outstanding",
            "--format",
            "json",
            "--batch",
            "TH1",
            "--as-of",
            "2025-09-15",
        ],
    );
    assert_eq!(only.as_array().expect("rows").len(), 2);
    assert!(recall_rows(&db, &["--batch", "D1"]).is_empty());

    // HK-01 brings both back; HK-02 only copy 3, and cannot bring copy 1.
    #[rustfmt::skip]
    ok(&db, &["recall", "return", "--code", "TH1", "--unit", "HK-01", "--copies", "1,2", "--by", "Nguyễn Thị Hoa",
              "--at", "2025-09-05"]);
    #[rustfmt::skip]
    let err = fails(&db, &["recall", "return", "--code", "TH1", "--unit", "HK-02", "--copies", "1,3", "--by", "Lê Văn Tư"]);
    assert!(
        err.contains("HK-02 không giữ bản số 01") && err.contains("03, 04"),
        "{err}"
    );
    #[rustfmt::skip]
    let back = json(&db, &["recall", "return", "--code", "TH1", "--unit", "HK-02", "--copies", "3", "--by", "Lê Văn Tư",
                           "--at", "2025-09-06"]);
    assert_eq!(back[0]["missing"], serde_json::json!([4]));
    assert_eq!(
        recall_rows(&db, &["--as-of", "2025-09-15"]),
        [("HK-02".to_owned(), "TH1".to_owned(), vec![4], 5)]
    );
    // As of a day before the returns, all four were still out.
    assert_eq!(recall_rows(&db, &["--as-of", "2025-09-04"]).len(), 2);
    assert_eq!(
        copies(&db, SYMBOL)[..4],
        [
            c(1, "returned", "", "D1"),
            c(2, "returned", "", "D1"),
            c(3, "returned", "", "D1"),
            c(4, "out", "HK-02", "D1"),
        ]
    );
    // A returned copy is in the office again and goes out with the next batch.
    #[rustfmt::skip]
    ok(&db, &["batch", "new", "--code", "D4", "--title", "Học tập lại", "--handed", "2025-09-20", "--due", "2025-09-30",
              "--doc", "07-NQ/HU:1", "--unit", "HK-01"]);
    assert_eq!(copies(&db, SYMBOL)[0], c(1, "out", "HK-01", "D4"));
    // The last copy back by the code on the slip it went out with.
    let open = json(&db, &["outstanding", "--format", "json", "--batch", "D1"]);
    let code = open[0]["receipt_code"].as_str().expect("code").to_owned();
    #[rustfmt::skip]
    ok(&db, &["recall", "return", "--code", "TH1", "--receipt", &code, "--copies", "4", "--by", "Lê Văn Tư"]);
    assert!(recall_rows(&db, &[]).is_empty());
    ok(&db, &["verify"]);
}

#[test]
fn only_copies_in_the_office_are_destroyed_and_never_handed_again() {
    let (dir, db) = giaonhan_tests::cli::missing_db();
    seed(&db);
    #[rustfmt::skip]
    ok(&db, &["recall", "new", "--code", "TH1", "--symbol", SYMBOL, "--due", "2025-09-10", "--reason", "Sau học tập",
              "--on", "2025-09-01"]);
    #[rustfmt::skip]
    ok(&db, &["recall", "return", "--code", "TH1", "--unit", "HK-01", "--copies", "1,2", "--by", "Nguyễn Thị Hoa",
              "--at", "2025-09-05"]);
    let pdf = dir.path().join("bien-ban.pdf");
    #[rustfmt::skip]
    let destroy = |copies: &str, out: &Path| -> Vec<String> {
        ["destroy", "--symbol", SYMBOL, "--copies", copies, "--decision", "Quyết định số 12-QĐ/VP ngày 20/9/2025",
         "--on", "2025-09-25", "--member", "Nguyễn Văn An:Chánh Văn phòng", "--member", "Lê Thị Bình:Văn thư",
         "--method", "Nghiền bằng máy hủy tài liệu", "--place", "Văn phòng Đảng ủy", "--out",
         out.to_str().expect("utf-8")].into_iter().map(str::to_owned).collect()
    };
    let run_ok = |v: Vec<String>| ok(&db, &v.iter().map(String::as_str).collect::<Vec<_>>());
    let run_fails = |v: Vec<String>| fails(&db, &v.iter().map(String::as_str).collect::<Vec<_>>());

    // Copy 3 is out with HK-02: refused, nothing destroyed, no file.
    let err = run_fails(destroy("2,3", &pdf));
    assert!(err.contains("Bản số 03") && err.contains("HK-02"), "{err}");
    assert!(!pdf.exists());
    assert_eq!(copies(&db, SYMBOL)[1].1, "returned");

    // A returned copy and one never handed out.
    run_ok(destroy("2,5", &pdf));
    let text = pdf_text(&pdf);
    for expected in [
        "BIÊN BẢN TIÊU HỦY TÀI LIỆU MẬT",
        "07-NQ/HU",
        "02, 05",
        "Quyết định số 12-QĐ/VP",
        "Nguyễn Văn An",
        "Lê Thị Bình",
        "Nghiền bằng máy hủy tài liệu",
        "Văn phòng Đảng ủy",
        "ngày 25 tháng 9 năm 2025",
    ] {
        assert!(text.contains(expected), "«{expected}» not in the record:\n{text}");
    }
    let all = copies(&db, SYMBOL);
    assert_eq!((all[1].1.as_str(), all[4].1.as_str()), ("destroyed", "destroyed"));
    // Destroyed once, destroyed for good: neither destroyed again nor handed.
    let err = run_fails(destroy("5", &dir.path().join("again.pdf")));
    assert!(err.contains("Bản số 05") && err.contains("đã tiêu hủy"), "{err}");
    #[rustfmt::skip]
    let err = fails(&db, &["batch", "new", "--code", "D5", "--title", "Lại", "--handed", "2025-10-01", "--due",
                           "2025-10-10", "--doc", "07-NQ/HU:1", "--unit", "HK-01", "--copies", "HK-01:07-NQ/HU:5"]);
    assert!(err.contains("Bản số 05"), "{err}");
    // The next free copies skip them: 1 (returned), then 6.
    #[rustfmt::skip]
    ok(&db, &["batch", "new", "--code", "D5", "--title", "Lại", "--handed", "2025-10-01", "--due", "2025-10-10",
              "--doc", "07-NQ/HU:2", "--unit", "HK-01"]);
    let out: Vec<u64> = copies(&db, SYMBOL)
        .into_iter()
        .filter(|c| c.3 == "D5" && c.1 == "out")
        .map(|c| c.0)
        .collect();
    assert_eq!(out, [1, 6]);

    // The record as a spreadsheet.
    #[rustfmt::skip]
    ok(&db, &["recall", "new", "--code", "TH2", "--symbol", SYMBOL, "--batch", "D5", "--due", "2025-10-20",
              "--reason", "Thu hồi", "--on", "2025-10-11"]);
    #[rustfmt::skip]
    ok(&db, &["recall", "return", "--code", "TH2", "--unit", "HK-01", "--copies", "6", "--by", "Nguyễn Thị Hoa",
              "--at", "2025-10-12"]);
    let xlsx = dir.path().join("bien-ban.xlsx");
    run_ok(destroy("6", &xlsx));
    let sheet = spreadsheet_rows(&xlsx);
    assert_eq!(sheet[0][..3], ["Số, ký hiệu", "Độ mật", "Bản số"]);
    assert_eq!(sheet[1][..3], [SYMBOL, "Mật", "06"]);
    let audit = ok(&db, &["verify", "--format", "json"]);
    assert!(audit.contains("\"ok\": true"), "{audit}");
}

/// A Tuyệt mật document's summary is in none of the outputs of its
/// numbered copies: the copy list, the recall and its outstanding rows (JSON,
/// CSV, PDF, XLSX), the destruction record (PDF and XLSX).
#[test]
fn a_tuyet_mat_summary_is_in_no_output_of_its_copies() {
    const SECRET_WORD: &str = "XQZ88";
    let (dir, db) = giaonhan_tests::cli::missing_db();
    commune_units(&db);
    #[rustfmt::skip]
    ok(&db, &["doc", "add", "--symbol", "09-NQ/HU", "--title", &format!("Nghị quyết {SECRET_WORD} tuyệt mật"),
              "--date", "2025-07-01", "--copies", "4", "--classification", "Tuyệt mật"]);
    #[rustfmt::skip]
    ok(&db, &["batch", "new", "--code", "D1", "--title", "Đợt tuyệt mật", "--handed", "2025-08-01", "--due",
              "2025-08-08", "--doc", "09-NQ/HU:1", "--subtree", "HK"]);
    #[rustfmt::skip]
    ok(&db, &["recall", "new", "--code", "TH1", "--symbol", "09-NQ/HU", "--due", "2025-09-10", "--reason", "Thu hồi",
              "--on", "2025-09-01"]);
    let hidden = |what: &str, text: &str| assert!(!text.contains(SECRET_WORD), "the summary is in {what}:\n{text}");
    hidden(
        "copies",
        &ok(&db, &["copies", "--symbol", "09-NQ/HU", "--format", "csv"]),
    );
    hidden("recalls", &ok(&db, &["recall", "list"]));
    let listed = ok(&db, &["outstanding", "--format", "json", "--as-of", "2025-09-15"]);
    assert!(listed.contains("09-NQ/HU"), "{listed}");
    hidden("outstanding", &listed);
    hidden(
        "outstanding CSV",
        &ok(&db, &["outstanding", "--format", "csv", "--as-of", "2025-09-15"]),
    );
    let out = |name: &str| dir.path().join(name).to_str().expect("utf-8").to_owned();
    let (pdf, xlsx) = (out("ds.pdf"), out("ds.xlsx"));
    ok(
        &db,
        &["outstanding", "--format", "pdf", "--as-of", "2025-09-15", "--out", &pdf],
    );
    let text = pdf_text(Path::new(&pdf));
    assert!(text.contains("TH1"), "{text}");
    hidden("the outstanding PDF", &text);
    ok(
        &db,
        &[
            "outstanding",
            "--format",
            "xlsx",
            "--as-of",
            "2025-09-15",
            "--out",
            &xlsx,
        ],
    );
    hidden(
        "the outstanding XLSX",
        &format!("{:?}", spreadsheet_rows(Path::new(&xlsx))),
    );
    let record = out("bb.pdf");
    #[rustfmt::skip]
    ok(&db, &["destroy", "--symbol", "09-NQ/HU", "--copies", "3,4", "--decision", "QĐ 1", "--on", "2025-09-25",
              "--member", "Nguyễn Văn An:Chánh Văn phòng", "--method", "Đốt", "--out", &record]);
    let text = pdf_text(Path::new(&record));
    assert!(
        text.contains("09-NQ/HU") && text.contains("Tuyệt mật") && text.contains("03, 04"),
        "{text}"
    );
    hidden("the destruction record", &text);
    let record = out("bb.xlsx");
    #[rustfmt::skip]
    ok(&db, &["recall", "return", "--code", "TH1", "--unit", "HK-01", "--copies", "1", "--by", "A", "--at", "2025-09-20"]);
    #[rustfmt::skip]
    ok(&db, &["destroy", "--symbol", "09-NQ/HU", "--copies", "1", "--decision", "QĐ 2", "--on", "2025-09-26",
              "--member", "Nguyễn Văn An:Chánh Văn phòng", "--method", "Đốt", "--out", &record]);
    hidden(
        "the destruction spreadsheet",
        &format!("{:?}", spreadsheet_rows(Path::new(&record))),
    );
    for (flag, name) in [("--classified", "mat-di"), ("--copies", "ban-so")] {
        let (pdf, xlsx) = (out(&format!("{name}.pdf")), out(&format!("{name}.xlsx")));
        #[rustfmt::skip]
        ok(&db, &["register", flag, "--from", "2025-08-01", "--to", "2025-09-30", "--format", "pdf", "--out", &pdf]);
        let text = pdf_text(Path::new(&pdf));
        assert!(text.contains("09-NQ/HU"), "{text}");
        hidden(&format!("register {flag} (PDF)"), &text);
        #[rustfmt::skip]
        ok(&db, &["register", flag, "--from", "2025-08-01", "--to", "2025-09-30", "--format", "xlsx", "--out", &xlsx]);
        hidden(
            &format!("register {flag} (XLSX)"),
            &format!("{:?}", spreadsheet_rows(Path::new(&xlsx))),
        );
    }
}

/// The register of classified documents sent (only classified documents,
/// with their copy numbers) and the copy register (every copy handed,
/// brought back and destroyed in the period, with units, batches, recalls
/// and decisions), as PDF read back with pdftotext and XLSX read back with
/// LibreOffice.
#[test]
fn the_registers_of_classified_documents_follow_every_copy() {
    let (dir, db) = giaonhan_tests::cli::missing_db();
    seed(&db);
    #[rustfmt::skip]
    ok(&db, &["doc", "add", "--symbol", "05-KH/HU", "--title", "Kế hoạch học tập", "--date", "2025-07-01",
              "--copies", "10"]);
    #[rustfmt::skip]
    ok(&db, &["batch", "new", "--code", "D2", "--title", "Đợt thường", "--handed", "2025-08-02", "--due",
              "2025-08-09", "--doc", "05-KH/HU:1", "--subtree", "HK"]);
    ok(
        &db,
        &[
            "confirm",
            "--batch",
            "D1",
            "--unit",
            "HK-01",
            "--by",
            "Nguyễn Thị Hoa",
            "--at",
            "2025-08-03",
        ],
    );
    #[rustfmt::skip]
    ok(&db, &["recall", "new", "--code", "TH1", "--symbol", SYMBOL, "--due", "2025-09-10", "--reason", "Thu hồi",
              "--on", "2025-09-01"]);
    #[rustfmt::skip]
    ok(&db, &["recall", "return", "--code", "TH1", "--unit", "HK-01", "--copies", "1,2", "--by", "Trần Văn Hải",
              "--at", "2025-09-05"]);
    #[rustfmt::skip]
    ok(&db, &["destroy", "--symbol", SYMBOL, "--copies", "1,2", "--decision", "QĐ 12-QĐ/VP", "--on", "2025-09-25",
              "--member", "Nguyễn Văn An:Chánh Văn phòng", "--method", "Đốt",
              "--out", dir.path().join("bb.pdf").to_str().expect("utf-8")]);
    let out = |name: &str| dir.path().join(name).to_str().expect("utf-8").to_owned();
    let register = |flag: &str, format: &str, file: &str| {
        #[rustfmt::skip]
        ok(&db, &["register", flag, "--from", "2025-08-01", "--to", "2025-09-30", "--format", format, "--out", file]);
    };

    // Sent: the classified document to both branches with its numbers; not the ordinary one.
    register("--classified", "pdf", &out("mat-di.pdf"));
    let text = pdf_text(Path::new(&out("mat-di.pdf")));
    assert!(text.to_uppercase().contains("SỔ ĐĂNG KÝ VĂN BẢN MẬT ĐI"), "{text}");
    // The notes column wraps the numbers; the spreadsheet below has them whole.
    assert!(text.contains("Bản số: 01,") && text.contains("Bản số: 03,"), "{text}");
    assert!(text.contains("Nguyễn Thị Hoa"), "who signed: {text}");
    assert!(
        !text.contains("05-KH/HU"),
        "an ordinary document in the classified register: {text}"
    );
    register("--classified", "xlsx", &out("mat-di.xlsx"));
    let rows = spreadsheet_rows(Path::new(&out("mat-di.xlsx")));
    assert_eq!(rows.len(), 3, "a header and two lines: {rows:?}");
    assert!(rows.iter().skip(1).all(|r| r.iter().any(|c| c == SYMBOL)), "{rows:?}");

    // Copies: handed to each branch, two brought back, the same two destroyed.
    register("--copies", "pdf", &out("ban-so.pdf"));
    let text = pdf_text(Path::new(&out("ban-so.pdf")));
    assert!(
        text.to_uppercase().contains("SỔ THEO DÕI BẢN SỐ TÀI LIỆU MẬT"),
        "{text}"
    );
    for word in [
        "Giao",
        "Nộp lại",
        "Tiêu hủy",
        "TH1",
        "QĐ 12-QĐ/VP",
        "Trần Văn Hải",
        "Tổng cộng: 4 lượt, 8 bản",
    ] {
        assert!(text.contains(word), "{word} missing: {text}");
    }
    register("--copies", "xlsx", &out("ban-so.xlsx"));
    let rows = spreadsheet_rows(Path::new(&out("ban-so.xlsx")));
    let lines: Vec<(String, String, String)> = rows
        .iter()
        .skip(1)
        .map(|r| (r[4].clone(), r[5].clone(), r[6].clone()))
        .collect();
    assert_eq!(
        lines,
        [
            ("01, 02".into(), "Giao".into(), "HK-01".into()),
            ("03, 04".into(), "Giao".into(), "HK-02".into()),
            ("01, 02".into(), "Nộp lại".into(), "HK-01".into()),
            ("01, 02".into(), "Tiêu hủy".into(), String::new()),
        ],
        "{rows:?}"
    );
}

/// A branch merged into another after the copies went out: its copies are
/// asked back under its successor ("nhận thay"), and the successor brings
/// them back.
#[test]
fn a_merged_units_copies_are_recalled_from_its_successor() {
    let (_dir, db) = giaonhan_tests::cli::missing_db();
    seed(&db);
    ok(
        &db,
        &[
            "unit",
            "merge",
            "--from",
            "HK-02",
            "--into",
            "HK-01",
            "--on",
            "2025-08-20",
        ],
    );
    #[rustfmt::skip]
    ok(&db, &["recall", "new", "--code", "TH1", "--symbol", SYMBOL, "--due", "2025-09-10", "--reason", "Thu hồi",
              "--on", "2025-09-01"]);
    let rows = json(
        &db,
        &[
            "outstanding",
            "--format",
            "json",
            "--batch",
            "TH1",
            "--as-of",
            "2025-09-15",
        ],
    );
    let shown: Vec<(String, String, Vec<u64>)> = rows
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| {
            (
                r["unit_code"].as_str().expect("unit").to_owned(),
                r["in_place_of"].as_str().unwrap_or("").to_owned(),
                r["copies_missing"]
                    .as_array()
                    .expect("numbers")
                    .iter()
                    .filter_map(Value::as_u64)
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("HK-01".to_owned(), String::new(), vec![1, 2]),
            ("HK-01".to_owned(), "HK-02".to_owned(), vec![3, 4]),
        ],
        "{rows}"
    );
    // The successor brings back the merged branch's copies with its own.
    #[rustfmt::skip]
    ok(&db, &["recall", "return", "--code", "TH1", "--unit", "HK-01", "--copies", "1,2,3,4", "--by", "Nguyễn Thị Hoa",
              "--at", "2025-09-05"]);
    assert!(copies(&db, SYMBOL)
        .iter()
        .filter(|c| c.0 <= 4)
        .all(|c| c.1 == "returned"));
}

/// `verify` replays every copy's state from the log: handed, back with a
/// cancelled batch, returned, destroyed. A copy's state or holder changed
/// behind the app's back is named.
#[test]
fn verify_replays_the_state_of_every_copy() {
    let (dir, db) = giaonhan_tests::cli::missing_db();
    seed(&db);
    #[rustfmt::skip]
    ok(&db, &["batch", "new", "--code", "D2", "--title", "Đợt mật 2", "--handed", "2025-08-02", "--due", "2025-08-09",
              "--doc", "07-NQ/HU:1", "--unit", "HK-01"]);
    ok(&db, &["batch", "cancel", "--code", "D2", "--reason", "Nhầm đợt"]);
    #[rustfmt::skip]
    ok(&db, &["recall", "new", "--code", "TH1", "--symbol", SYMBOL, "--due", "2025-09-10", "--reason", "Thu hồi",
              "--on", "2025-09-01"]);
    #[rustfmt::skip]
    ok(&db, &["recall", "return", "--code", "TH1", "--unit", "HK-01", "--copies", "1,2", "--by", "A", "--at", "2025-09-05"]);
    #[rustfmt::skip]
    ok(&db, &["destroy", "--symbol", SYMBOL, "--copies", "1", "--decision", "QĐ 1", "--on", "2025-09-25",
              "--member", "Nguyễn Văn An:Chánh Văn phòng", "--method", "Đốt",
              "--out", dir.path().join("bb.pdf").to_str().expect("utf-8")]);
    ok(&db, &["verify"]);

    let tamper = |sql: &str| {
        rusqlite::Connection::open(&db)
            .expect("open the file directly")
            .execute_batch(sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    };
    // Copy 3, out with HK-02, marked returned.
    tamper("UPDATE doc_copy SET state = 'returned' WHERE number = 3");
    let err = fails(&db, &["verify"]);
    assert!(
        err.contains("bản số 03 của văn bản 07-NQ/HU: trong sổ đã nộp lại, nhật ký ghi đang ở đơn vị"),
        "{err}"
    );
    // Back out, but with HK-01's receipt.
    tamper(
        "UPDATE doc_copy SET state = 'out',
             receipt_id = (SELECT receipt_id FROM doc_copy WHERE number = 2) WHERE number = 3",
    );
    let err = fails(&db, &["verify"]);
    assert!(
        err.contains("bản số 03 của văn bản 07-NQ/HU: trong sổ đang ở đơn vị HK-01, nhật ký ghi giao cho HK-02"),
        "{err}"
    );
    // A copy never handed, marked out.
    tamper(
        "UPDATE doc_copy SET receipt_id = (SELECT receipt_id FROM doc_copy WHERE number = 4) WHERE number = 3;
         UPDATE doc_copy SET state = 'out', receipt_id = (SELECT receipt_id FROM doc_copy WHERE number = 4)
         WHERE number = 6",
    );
    let err = fails(&db, &["verify"]);
    assert!(
        err.contains(
            "bản số 06 của văn bản 07-NQ/HU: trong sổ đang ở đơn vị, nhật ký không ghi việc nào chuyển bản này"
        ),
        "{err}"
    );
}

/// A symbol numbered again in a new committee term: the copies chosen for
/// a batch of the earlier term's document, and those named on its receipt,
/// are that document's, not the latest term's of the same symbol.
#[test]
fn copies_of_an_earlier_terms_document_are_its_own() {
    let (dir, db) = giaonhan_tests::cli::missing_db();
    commune_units(&db);
    for term in ["XII", "XIII"] {
        #[rustfmt::skip]
        ok(&db, &["doc", "add", "--symbol", SYMBOL, "--term", term, "--title", &format!("Nghị quyết khóa {term}"),
                  "--date", "2025-07-01", "--copies", "6", "--classification", "Mật"]);
    }
    #[rustfmt::skip]
    ok(&db, &["batch", "new", "--code", "D1", "--title", "Đợt mật", "--handed", "2025-08-01", "--due", "2025-08-08",
              "--doc", "07-NQ/HU@XII:2", "--unit", "HK-01", "--copies", "HK-01:07-NQ/HU:3,4"]);
    // A term the symbol was never registered in is refused, and named.
    #[rustfmt::skip]
    let err = fails(&db, &["batch", "new", "--code", "D9", "--title", "Đợt mật", "--handed",
              "2025-08-01", "--due", "2025-08-08", "--doc", "07-NQ/HU@XI:1", "--unit", "HK-01"]);
    assert!(
        err.contains("Văn bản «07-NQ/HU» của khóa XI không có trong sổ"),
        "{err}"
    );
    #[rustfmt::skip]
    ok(&db, &["confirm", "--batch", "D1", "--unit", "HK-01", "--by", "Nguyễn Thị Hoa", "--at", "2025-08-03",
              "--copies", "07-NQ/HU:3"]);

    let conn = rusqlite::Connection::open(&db).expect("open the register");
    let out: Vec<(String, u32)> = conn
        .prepare(
            "SELECT d.term, c.number FROM doc_copy c JOIN document d ON d.id = c.document_id
             WHERE c.state NOT IN ('in_office', 'returned') ORDER BY d.term, c.number",
        )
        .and_then(|mut st| st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .expect("copies out");
    assert_eq!(
        out,
        [("XII".to_owned(), 3), ("XII".to_owned(), 4)],
        "the earlier term's copies"
    );
    let open = json(&db, &["outstanding", "--format", "json", "--batch", "D1"]);
    let code = open[0]["receipt_code"].as_str().expect("a partial receipt");
    let receipt = json(&db, &["receipt", code, "--format", "json"]);
    let line = &receipt[0]["lines"][0];
    assert_eq!(
        (
            line["title"].clone(),
            line["received"].clone(),
            line["copy_numbers"].clone()
        ),
        ("Nghị quyết khóa XII".into(), 1.into(), serde_json::json!([3, 4]))
    );

    // SYMBOL@TERM names the earlier term's document for the copies, a
    // recall, another delivery and a destruction; the symbol alone, the
    // latest term's.
    let out_at = |symbol: &str| -> Vec<(u64, String)> {
        copies(&db, symbol)
            .into_iter()
            .filter(|c| c.1 != "in_office")
            .map(|c| (c.0, c.1))
            .collect()
    };
    assert_eq!(out_at("07-NQ/HU@XII"), [(3, "out".into()), (4, "out".into())]);
    assert_eq!(out_at(SYMBOL), [], "the latest term's copies are all in the office");
    #[rustfmt::skip]
    let made = json(&db, &["recall", "new", "--code", "TH1", "--symbol", "07-NQ/HU@XII", "--due", "2025-09-10",
                            "--reason", "Thu hồi sau học tập", "--on", "2025-09-01"]);
    assert_eq!(made[0]["copies"], serde_json::json!([3, 4]));
    ok(
        &db,
        &[
            "copies",
            "--symbol",
            "07-NQ/HU@XII",
            "--add",
            "7-8",
            "--on",
            "2025-09-02",
        ],
    );
    assert_eq!(copies(&db, "07-NQ/HU@XII").len(), 8);
    assert_eq!(copies(&db, SYMBOL).len(), 6);
    // The outstanding list's document filter: the symbol alone is both
    // terms' receipts and recalls, SYMBOL@TERM one term's.
    #[rustfmt::skip]
    ok(&db, &["batch", "new", "--code", "D2", "--title", "Đợt mật khóa mới", "--handed", "2025-09-03",
              "--due", "2025-09-10", "--doc", "07-NQ/HU:1", "--unit", "HK-01"]);
    let listed = |document: &str| -> Vec<String> {
        let rows = json(&db, &["outstanding", "--format", "json", "--document", document]);
        let mut codes: Vec<String> = rows
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| r["batch"].as_str().expect("batch").to_owned())
            .collect();
        codes.sort();
        codes
    };
    assert_eq!(listed(SYMBOL), ["D1", "D2", "TH1"]);
    assert_eq!(listed("07-NQ/HU@XII"), ["D1", "TH1"]);
    assert_eq!(listed("07-NQ/HU@XIII"), ["D2"]);
    let list = dir.path().join("chua-xac-nhan.pdf");
    #[rustfmt::skip]
    ok(&db, &["outstanding", "--document", "07-NQ/HU@XII", "--format", "pdf", "--out", list.to_str().expect("path")]);
    let printed = pdf_text(&list);
    assert!(
        printed.contains("Tài liệu: 07-NQ/HU (khóa XII)"),
        "the filter printed: {printed}"
    );
    let record = dir.path().join("tieu-huy.pdf");
    #[rustfmt::skip]
    ok(&db, &["destroy", "--symbol", "07-NQ/HU@XII", "--copies", "8", "--decision", "Quyết định số 12-QĐ/VP",
              "--on", "2025-09-25", "--member", "Nguyễn Văn An:Chánh Văn phòng", "--method", "Đốt",
              "--out", record.to_str().expect("path")]);
    assert!(copies(&db, "07-NQ/HU@XII").contains(&c(8, "destroyed", "", "")));
    let err = fails(&db, &["copies", "--symbol", "07-NQ/HU@XX"]);
    assert!(err.contains("khóa XX"), "{err}");
    ok(&db, &["verify"]);
}

//! The summary (trích yếu) of a Tuyệt mật document never leaves the register:
//! not on the delivery slips, the outstanding list, reminders, call list or
//! transfer register (PDFs read back with `pdftotext`), not in the CSV and
//! XLSX exports (read back, the XLSX by LibreOffice), not in the JSON of the
//! command line's lists. Only its symbol does. A Mật document's summary is
//! printed as usual, so the outputs are shown to carry summaries at all; and
//! an exported register imports back unchanged.

use std::path::Path;

use giaonhan_tests::cli::{ok, temp_db};
use giaonhan_tests::fixtures::commune_units;
use giaonhan_tests::readers::{pdf_text, spreadsheet_rows};

/// A word of the Tuyệt mật summary found nowhere else.
const SECRET_WORD: &str = "XQZ77";
/// A word of the Mật summary, which is printed.
const SHOWN_WORD: &str = "MKT42";

fn seed(db: &Path) {
    commune_units(db);
    #[rustfmt::skip]
    ok(db, &["doc", "add", "--symbol", "07-NQ/HU", "--title", &format!("Nghị quyết {SECRET_WORD} về công tác nhân sự"),
             "--date", "2025-07-01", "--copies", "10", "--classification", "Tuyệt mật"]);
    #[rustfmt::skip]
    ok(db, &["doc", "add", "--symbol", "08-KH/HU", "--title", &format!("Kế hoạch {SHOWN_WORD} bảo vệ chính trị nội bộ"),
             "--date", "2025-07-02", "--copies", "10", "--classification", "Mật"]);
    #[rustfmt::skip]
    ok(db, &["batch", "new", "--code", "D1", "--title", "Đợt mật", "--handed", "2025-08-01", "--due", "2025-08-08",
             "--doc", "07-NQ/HU:1", "--doc", "08-KH/HU:1", "--subtree", "HK"]);
    ok(
        db,
        &[
            "confirm",
            "--batch",
            "D1",
            "--unit",
            "HK-01",
            "--by",
            "Nguyễn Thị Hoa",
            "--at",
            "2025-08-05",
        ],
    );
}

fn assert_hidden(what: &str, text: &str) {
    assert!(
        !text.contains(SECRET_WORD),
        "the Tuyệt mật summary is in {what}:\n{text}"
    );
}

#[test]
fn a_tuyet_mat_summary_is_in_no_output() {
    let (dir, db) = temp_db();
    seed(&db);
    let out = |name: &str| dir.path().join(name).to_str().expect("utf-8").to_owned();

    // PDFs.
    let slips = out("phieu.pdf");
    ok(&db, &["slips", "--batch", "D1", "--out", &slips]);
    let text = pdf_text(Path::new(&slips));
    assert_hidden("the slips", &text);
    assert!(text.contains("07-NQ/HU") && text.contains(SHOWN_WORD), "{text}");
    let book = out("so.pdf");
    #[rustfmt::skip]
    ok(&db, &["register", "--from", "2025-08-01", "--to", "2025-08-31", "--format", "pdf", "--out", &book]);
    let text = pdf_text(Path::new(&book));
    assert_hidden("the transfer register", &text);
    assert!(text.contains("07-NQ/HU") && text.contains("Tuyệt mật"), "{text}");
    for (args, name) in [
        (
            vec!["outstanding", "--format", "pdf", "--as-of", "2025-08-30"],
            "ds.pdf",
        ),
        (vec!["reminders", "--as-of", "2025-08-30"], "nhac.pdf"),
        (vec!["calls", "--as-of", "2025-08-30"], "lienhe.pdf"),
    ] {
        let file = out(name);
        let mut args = args.clone();
        args.extend(["--out", &file]);
        ok(&db, &args);
        assert_hidden(name, &pdf_text(Path::new(&file)));
    }

    // Spreadsheets and CSV.
    let xlsx = out("so.xlsx");
    #[rustfmt::skip]
    ok(&db, &["register", "--from", "2025-08-01", "--to", "2025-08-31", "--format", "xlsx", "--out", &xlsx]);
    let sheet = format!("{:?}", spreadsheet_rows(Path::new(&xlsx)));
    assert_hidden("the register's spreadsheet", &sheet);
    assert!(sheet.contains(SHOWN_WORD), "{sheet}");
    let docs_csv = out("van-ban.csv");
    ok(&db, &["doc", "export", "--out", &docs_csv]);
    let csv = std::fs::read_to_string(&docs_csv).expect("read the CSV");
    assert_hidden("the documents' CSV", &csv);
    assert!(
        csv.contains(SHOWN_WORD) && csv.contains(giaonhan::documents::ABSOLUTE_SUMMARY),
        "{csv}"
    );
    let docs_xlsx = out("van-ban.xlsx");
    ok(&db, &["doc", "export", "--out", &docs_xlsx]);
    assert_hidden(
        "the documents' spreadsheet",
        &format!("{:?}", spreadsheet_rows(Path::new(&docs_xlsx))),
    );
    let outstanding_xlsx = out("ds.xlsx");
    #[rustfmt::skip]
    ok(&db, &["outstanding", "--format", "xlsx", "--as-of", "2025-08-30", "--out", &outstanding_xlsx]);
    assert_hidden(
        "the outstanding spreadsheet",
        &format!("{:?}", spreadsheet_rows(Path::new(&outstanding_xlsx))),
    );
    assert_hidden(
        "the outstanding CSV",
        &ok(&db, &["outstanding", "--format", "csv", "--as-of", "2025-08-30"]),
    );

    // JSON of the command line.
    let docs = ok(&db, &["doc", "list", "--format", "json"]);
    assert_hidden("doc list", &docs);
    assert!(docs.contains(SHOWN_WORD), "{docs}");
    assert_hidden("outstanding", &ok(&db, &["outstanding", "--format", "json"]));
    assert_hidden("batch list", &ok(&db, &["batch", "list"]));
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&ok(&db, &["outstanding", "--format", "json"])).expect("JSON");
    let code = rows[0]["receipt_code"].as_str().expect("a receipt code");
    let receipt = ok(&db, &["receipt", code, "--format", "json"]);
    assert_hidden("a receipt", &receipt);
    assert!(
        receipt.contains("07-NQ/HU") && receipt.contains(SHOWN_WORD),
        "{receipt}"
    );

    // The export imports back: the placeholder is not taken for a changed summary.
    let report = ok(&db, &["doc", "import", &docs_csv, "--dry-run"]);
    assert!(!report.is_empty(), "{report}");
    // And the register still holds the summary itself.
    assert!(giaonhan_tests::stored_texts(&db)
        .iter()
        .any(|t| t.contains(SECRET_WORD)));
}

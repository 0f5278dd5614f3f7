//! Every list the `giaonhan` command line prints or saves, in every format it
//! offers, on a register whose optional and list-valued fields are filled in
//! (a document with warnings, a batch of two documents, a partial receipt,
//! an account, a backup); CSV cells a spreadsheet would run as formulas; and
//! the import's limits on file size and rows.

use std::path::Path;

use giaonhan_tests::cli::{fails, ok, temp_db, with_input};
use giaonhan_tests::fixtures::supervised;
use giaonhan_tests::readers::{pdf_text, spreadsheet_rows};
use serde_json::Value;

/// The payload of a formula a spreadsheet would run on opening a CSV file.
const FORMULA_TITLE: &str = "=HYPERLINK(\"http://example.invalid\",\"Bấm vào đây\")";
const PHONE: &str = "+84 912 111 222";

/// The supervisor's register, plus what leaves no field empty: a unit with
/// every optional field (an international phone number), a document whose
/// summary looks like a formula and one with unknown type and body (two
/// warnings), a batch of two documents, an account, an automatic backup.
fn filled(db: &Path) {
    supervised(db);
    #[rustfmt::skip]
    ok(db, &["unit", "add", "--code", "HK-03", "--name", "Chi bộ thôn Trung Hòa", "--parent", "HK",
             "--kind", "Chi bộ", "--short-name", "CB Trung Hòa", "--phone", PHONE, "--opened", "2020-01-01",
             "--secretary", "Võ Thị Lan", "--deputy", "Hồ Văn Tư"]);
    #[rustfmt::skip]
    ok(db, &["doc", "add", "--symbol", "07-KH/HU", "--title", FORMULA_TITLE, "--date", "2025-07-20",
             "--copies", "40", "--classification", "Mật", "--term", "XX"]);
    #[rustfmt::skip]
    ok(db, &["doc", "add", "--symbol", "3-ZZ/QQQ", "--title", "Văn bản loại lạ", "--copies", "5"]);
    #[rustfmt::skip]
    ok(db, &["batch", "new", "--code", "Đợt 3/2025", "--title", "Hai tài liệu", "--handed", "2025-08-21",
             "--due", "2025-08-28", "--doc", "07-KH/HU:1", "--doc", "05-KH/HU:1", "--subtree", "HK",
             "--info-unit", "AT-01"]);
    #[rustfmt::skip]
    let out = with_input(db, &["account", "add", "--username", "hoa", "--name", "Nguyễn Thị Hoa", "--role", "secretary",
                               "--unit", "HK-01", "--pin"], "mat khau rat dai\n2468\n");
    assert!(
        out.status.success(),
        "account add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let backups = db.parent().expect("folder").join("backups");
    std::fs::create_dir_all(&backups).expect("backups folder");
    std::fs::copy(db, backups.join("cli-20250801-080000-start.sqlite3")).expect("a backup");
}

/// Parses CSV printed by the CLI (a BOM, when there is one, is skipped):
/// every record as long as the header.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(false)
        .from_reader(text.as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("a well-formed record").iter().map(str::to_owned).collect())
        .collect();
    assert!(rows.len() >= 2, "a header and at least one row:\n{text}");
    rows
}

/// The cell of `column` in the first row whose cells satisfy `pick`.
fn cell<'a>(rows: &'a [Vec<String>], column: &str, pick: impl Fn(&[String]) -> bool) -> &'a str {
    let i = rows[0]
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column} in {:?}", rows[0]));
    let row = rows[1..]
        .iter()
        .find(|r| pick(r))
        .unwrap_or_else(|| panic!("no such row under {column}"));
    &row[i]
}

fn json(text: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    v.as_array().cloned().unwrap_or_else(|| vec![v])
}

#[test]
fn every_list_command_in_every_format() {
    let (dir, db) = temp_db();
    filled(&db);
    let out = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let has = |rows: &[Vec<String>], text: &str| rows.iter().flatten().any(|c| c == text);

    // Units.
    let units = ok(&db, &["unit", "list", "--format", "json"]);
    assert!(json(&units)
        .iter()
        .any(|u| u["phone"] == PHONE && u["deputy"] == "Hồ Văn Tư"));
    let rows = csv_rows(&ok(&db, &["unit", "list", "--format", "csv"]));
    assert_eq!(
        cell(&rows, "phone", |r| r.contains(&"HK-03".to_owned())),
        format!("'{PHONE}")
    );
    assert_eq!(
        cell(&rows, "short_name", |r| r.contains(&"HK-03".to_owned())),
        "CB Trung Hòa"
    );
    assert!(json(&ok(&db, &["unit", "search", "trung hoa", "--format", "json"])).len() == 1);
    let rows = csv_rows(&ok(&db, &["unit", "search", "trung hoa", "--format", "csv"]));
    assert!(has(&rows, "HK-03"));
    for ext in ["csv", "xlsx"] {
        ok(&db, &["unit", "export", "--out", &out(&format!("don-vi.{ext}"))]);
    }

    // Documents: warnings (a list) joined in one cell.
    let docs = json(&ok(&db, &["doc", "list", "--format", "json"]));
    let odd = docs
        .iter()
        .find(|d| d["symbol"] == "3-ZZ/QQQ")
        .expect("the odd document");
    let warnings: Vec<&str> = odd["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| w.as_str().expect("text"))
        .collect();
    assert!(warnings.len() >= 2, "{warnings:?}");
    let rows = csv_rows(&ok(&db, &["doc", "list", "--format", "csv"]));
    assert_eq!(
        cell(&rows, "warnings", |r| r.contains(&"3-ZZ/QQQ".to_owned())),
        warnings.join("; ")
    );
    assert_eq!(
        cell(&rows, "title", |r| r.contains(&"07-KH/HU".to_owned())),
        format!("'{FORMULA_TITLE}")
    );
    for ext in ["csv", "xlsx"] {
        ok(&db, &["doc", "export", "--out", &out(&format!("van-ban.{ext}"))]);
    }

    // Batches (JSON only): documents are a list.
    let batches = json(&ok(&db, &["batch", "list"]));
    let third = batches.iter().find(|b| b["code"] == "Đợt 3/2025").expect("batch 3");
    assert_eq!(third["documents"].as_array().map(Vec::len), Some(2));

    // One receipt, lines a list of records.
    let outstanding = json(&ok(&db, &["outstanding", "--format", "json", "--batch", "Đợt 3/2025"]));
    let code = outstanding[0]["receipt_code"].as_str().expect("code").to_owned();
    assert_eq!(
        json(&ok(&db, &["receipt", &code, "--format", "json"]))[0]["lines"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let rows = csv_rows(&ok(&db, &["receipt", &code, "--format", "csv"]));
    let lines = cell(&rows, "lines", |_| true);
    assert!(
        lines.contains("symbol=05-KH/HU") && lines.contains("; symbol=07-KH/HU"),
        "{lines}"
    );

    // The outstanding list: JSON and CSV on stdout, four formats to files.
    assert!(!json(&ok(&db, &["outstanding", "--format", "json", "--as-of", "2025-08-30"])).is_empty());
    let rows = csv_rows(&ok(&db, &["outstanding", "--format", "csv"]));
    assert_eq!(
        cell(&rows, "Điện thoại", |r| r.contains(&"HK-03".to_owned())),
        format!("'{PHONE}")
    );
    for ext in ["json", "csv", "pdf", "xlsx"] {
        let file = out(&format!("chua-xac-nhan.{ext}"));
        assert_eq!(ok(&db, &["outstanding", "--format", ext, "--out", &file]).trim(), file);
        assert!(std::fs::metadata(&file).expect("written").len() > 0);
    }
    assert!(pdf_text(Path::new(&out("chua-xac-nhan.pdf"))).contains("Mã kiểm tra sổ: "));
    ok(
        &db,
        &["reminders", "--out", &out("giay-nhac.pdf"), "--as-of", "2025-08-30"],
    );
    ok(&db, &["calls", "--out", &out("lien-he.pdf")]);
    for format in ["pdf", "xlsx"] {
        #[rustfmt::skip]
        ok(&db, &["register", "--from", "2025-08-01", "--to", "2025-08-31", "--format", format,
                  "--out", &out(&format!("so-chuyen-giao.{format}"))]);
    }
    for per_page in ["1", "2"] {
        #[rustfmt::skip]
        ok(&db, &["slips", "--batch", "Đợt 3/2025", "--per-page", per_page,
                  "--out", &out(&format!("phieu-{per_page}.pdf"))]);
    }

    // The dashboard's figures: overdue per tier is a list.
    let stats = json(&ok(
        &db,
        &[
            "stats",
            "--batch",
            "Đợt 1/2025",
            "--as-of",
            "2025-08-30",
            "--format",
            "json",
        ],
    ));
    let tiers: Vec<String> = stats[0]["overdue"]
        .as_array()
        .expect("overdue")
        .iter()
        .map(|n| n.to_string())
        .collect();
    let rows = csv_rows(&ok(
        &db,
        &[
            "stats",
            "--batch",
            "Đợt 1/2025",
            "--as-of",
            "2025-08-30",
            "--format",
            "csv",
        ],
    ));
    assert_eq!(cell(&rows, "overdue", |_| true), tiers.join("; "));
    assert!(json(&ok(&db, &["tiers"]))[0]["days"].is_array());
    assert!(json(&ok(&db, &["letterhead"]))[0]["margins_mm"].is_array());

    // Backups, both spellings, every format.
    for list in [&["backups"][..], &["backup", "--list"][..]] {
        let text = ok(&db, list);
        assert!(text.contains("cli-20250801-080000-start.sqlite3"), "{text}");
        let mut args = list.to_vec();
        args.extend(["--format", "json"]);
        assert_eq!(json(&ok(&db, &args))[0]["reason"], "start");
        let last = args.len() - 1;
        args[last] = "csv";
        let rows = csv_rows(&ok(&db, &args));
        assert_eq!(cell(&rows, "reason", |_| true), "start");
    }

    // Accounts.
    assert_eq!(
        json(&ok(&db, &["account", "list", "--format", "json"]))[0]["unit"],
        "HK-01"
    );
    let rows = csv_rows(&ok(&db, &["account", "list", "--format", "csv"]));
    assert_eq!(cell(&rows, "has_pin", |_| true), "true");

    // Every save above was logged, and the register still verifies.
    ok(&db, &["verify"]);
}

/// A new register prints nothing until the office gives its letterhead:
/// every printed list is refused, naming the `letterhead` command; showing
/// the letterhead says it is missing; a partial one names the missing field.
#[test]
fn nothing_prints_before_the_letterhead_is_given() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("new.sqlite3");
    ok(&db, &["init"]);
    let pdf = dir.path().join("list.pdf");
    let out = pdf.to_str().expect("UTF-8 path");
    for args in [
        &["outstanding", "--format", "pdf", "--out", out][..],
        &["calls", "--out", out][..],
        &["reminders", "--out", out][..],
        &[
            "register",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--format",
            "pdf",
            "--out",
            out,
        ][..],
    ] {
        let err = fails(&db, args);
        assert!(
            err.contains("chưa khai báo tiêu đề văn bản") && err.contains("giaonhan letterhead --parent-body"),
            "{args:?}: {err}"
        );
        assert!(!pdf.exists(), "{args:?} wrote nothing");
    }
    let err = fails(&db, &["letterhead"]);
    assert!(err.contains("chưa khai báo tiêu đề văn bản"), "{err}");
    let err = fails(&db, &["letterhead", "--parent-body", "ĐẢNG BỘ TỈNH NGHỆ AN"]);
    assert!(err.contains("issuing_body"), "names the missing field: {err}");

    #[rustfmt::skip]
    ok(&db, &["letterhead", "--parent-body", "ĐẢNG BỘ TỈNH NGHỆ AN", "--issuing-body", "VĂN PHÒNG TỈNH ỦY",
              "--place", "Nghệ An", "--signer-title", "CHÁNH VĂN PHÒNG"]);
    ok(&db, &["outstanding", "--format", "pdf", "--out", out]);
    let text = pdf_text(&pdf);
    assert!(
        text.contains("ĐẢNG BỘ TỈNH NGHỆ AN") && text.contains("VĂN PHÒNG TỈNH ỦY"),
        "{text}"
    );
    assert!(!text.contains("HÀ TĨNH"), "no other office's names: {text}");
}

#[test]
fn formula_cells_are_neutralised_and_exports_read_back() {
    let (dir, db) = temp_db();
    filled(&db);
    let units_csv = dir.path().join("don-vi.csv");
    let docs_csv = dir.path().join("van-ban.csv");
    let docs_xlsx = dir.path().join("van-ban.xlsx");
    for (what, file) in [("unit", &units_csv), ("doc", &docs_csv), ("doc", &docs_xlsx)] {
        ok(&db, &[what, "export", "--out", file.to_str().expect("path")]);
    }
    let text = std::fs::read_to_string(&units_csv).expect("read");
    assert!(text.contains(&format!(",'{PHONE},")), "{text}");
    let text = std::fs::read_to_string(&docs_csv).expect("read");
    assert!(text.contains("\"'=HYPERLINK("), "{text}");
    assert!(
        !text.contains(",=HYPERLINK") && !text.contains(",\"=HYPERLINK"),
        "{text}"
    );
    // LibreOffice opens the CSV with the formula as text, not as a link (its
    // CSV import guesses another encoding: compare the ASCII start only).
    let rows = spreadsheet_rows(&docs_csv);
    assert!(
        rows.iter()
            .flatten()
            .any(|c| c.starts_with("'=HYPERLINK(\"http://example.invalid\",")),
        "{rows:?}"
    );
    // XLSX cells are strings: the text as it was, never evaluated.
    let rows = spreadsheet_rows(&docs_xlsx);
    assert!(rows.iter().flatten().any(|c| c == FORMULA_TITLE), "{rows:?}");
    // Negative numbers stay numbers: 3-ZZ/QQQ has 5 copies, none handed.
    assert!(!std::fs::read_to_string(&docs_csv).expect("read").contains(",'-"));

    // An export imports back as it was: the quote comes off.
    let (_dir2, fresh) = temp_db();
    ok(&fresh, &["init"]);
    ok(&fresh, &["unit", "import", units_csv.to_str().expect("path")]);
    let units = json(&ok(&fresh, &["unit", "list", "--format", "json"]));
    let hk03 = units.iter().find(|u| u["code"] == "HK-03").expect("imported");
    assert_eq!(hk03["phone"], PHONE);
}

#[test]
fn imports_are_capped_by_size_and_rows() {
    let (dir, db) = temp_db();
    ok(&db, &["init"]);
    let count = || -> i64 {
        rusqlite::Connection::open(&db)
            .expect("open")
            .query_row("SELECT count(*) FROM unit", [], |r| r.get(0))
            .expect("count")
    };

    // 51 MB (a sparse file: the size is what counts, before reading).
    let big = dir.path().join("don-vi-lon.csv");
    std::fs::File::create(&big)
        .expect("create")
        .set_len(51 * 1024 * 1024)
        .expect("size");
    let err = fails(&db, &["unit", "import", big.to_str().expect("path")]);
    assert!(
        err.contains("don-vi-lon.csv") && err.contains("quá giới hạn 50 MB") && err.contains("chia thành nhiều tệp"),
        "{err}"
    );

    // 200,001 data rows.
    let many = dir.path().join("don-vi-nhieu.csv");
    let mut text = String::from("Mã,Tên,Mã cấp trên,Loại\n");
    for i in 0..=200_000 {
        text.push_str(&format!("CB{i},Chi bộ {i},,Chi bộ\n"));
    }
    std::fs::write(&many, text).expect("write");
    let err = fails(&db, &["unit", "import", many.to_str().expect("path"), "--dry-run"]);
    assert!(err.contains("hơn 200.000 dòng"), "{err}");
    assert_eq!(count(), 0, "nothing imported");
}

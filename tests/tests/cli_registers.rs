//! Command-line tests of the registers and the receipt workflow, through the
//! real `giaonhan` binary on temporary databases: import with errors at
//! FILE:ROW:COLUMN and nothing written, idempotent re-import, the tree as of a
//! date, merge, search without diacritics, every way of confirming, the
//! tamper-evident log, and the delivery slips PDF read back with `pdftotext`
//! and its QR code decoded with `zbarimg`.

use std::path::Path;
use std::process::Command;

use giaonhan_tests::cli::{fails, ok, run, temp_db};
use serde_json::Value;

fn json(db: &Path, args: &[&str]) -> Vec<Value> {
    let out = ok(db, args);
    match serde_json::from_str::<Value>(&out).expect("JSON output") {
        Value::Array(items) => items,
        other => panic!("expected an array, got {other}"),
    }
}

fn count(db: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open db");
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}

const UNITS_BAD: &str = "\u{feff}Mã;Tên;Mã cấp trên;Loại;Bí thư\n\
CB1;Chi bộ thôn Trung Hòa;XA;Chi bộ;Nguyễn Văn A\n\
XA;Đảng bộ xã Hương Khê;;Đảng bộ cơ sở;\n\
CB2;Chi bộ thôn Đông;XA;Chi bộ;\n\
CB2;Chi bộ trùng;XA;Chi bộ;\n\
CB3;;XA;Chi bộ;\n\
CB4;Chi bộ mồ côi;KHONGCO;Chi bộ;\n";

#[test]
fn unit_import_reports_every_bad_row_and_writes_nothing() {
    let (dir, db) = temp_db();
    ok(&db, &["init"]);
    let file = dir.path().join("don-vi.csv");
    std::fs::write(&file, UNITS_BAD).expect("write csv");
    let file_arg = file.to_str().expect("utf-8 path");
    let stderr = fails(&db, &["unit", "import", file_arg]);
    assert!(stderr.contains("don-vi.csv:5:Mã:"), "{stderr}");
    assert!(stderr.contains("trùng với dòng 4"), "{stderr}");
    assert!(stderr.contains("don-vi.csv:6:Tên:"), "{stderr}");
    assert!(
        stderr.contains("don-vi.csv:7:Mã cấp trên:") && stderr.contains("KHONGCO"),
        "{stderr}"
    );
    assert_eq!(count(&db, "unit"), 0, "nothing written");

    // Fixed file: a child before its parent is fine; a re-import changes nothing.
    let good: String = UNITS_BAD.lines().take(4).map(|l| format!("{l}\n")).collect();
    std::fs::write(&file, good).expect("write csv");
    let dry = ok(&db, &["unit", "import", file_arg, "--dry-run"]);
    assert!(dry.contains("sẽ thêm 3"), "{dry}");
    assert_eq!(count(&db, "unit"), 0, "a dry run writes nothing");
    ok(&db, &["unit", "import", file_arg]);
    assert_eq!(count(&db, "unit"), 3);
    let again = ok(&db, &["unit", "import", file_arg]);
    assert!(again.contains("không có gì thay đổi"), "{again}");
    assert_eq!(count(&db, "unit"), 3);

    let list = json(&db, &["unit", "list", "--format", "json"]);
    let rows: Vec<(String, Option<String>, u64)> = list
        .iter()
        .map(|u| {
            (
                u["code"].as_str().unwrap_or("").to_owned(),
                u["parent"].as_str().map(str::to_owned),
                u["depth"].as_u64().unwrap_or(9),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("XA".to_owned(), None, 0),
            ("CB2".to_owned(), Some("XA".to_owned()), 1),
            ("CB1".to_owned(), Some("XA".to_owned()), 1)
        ],
        "depth-first, Đông before Trung Hòa"
    );
    assert_eq!(list[2]["secretary"], "Nguyễn Văn A");
}

#[test]
fn documents_import_xlsx_round_trip_and_symbol_checks() {
    let (dir, db) = temp_db();
    ok(
        &db,
        &[
            "doc",
            "add",
            "--symbol",
            "05-KH/HU",
            "--title",
            "Kế hoạch học tập",
            "--copies",
            "2.000",
        ],
    );
    let csv = dir.path().join("van-ban.csv");
    std::fs::write(
        &csv,
        "Số ký hiệu,Trích yếu,Ngày,Số bản,Độ mật\n45-CT/TW,Chỉ thị 45,14/04/2025,60,Thường\n\
         369-CV/BTGTU,Công văn,2026-10-02,\"1.500\",mat\nsai,Hỏng,31/02/2024,x,Siêu mật\n",
    )
    .expect("write");
    let err = fails(&db, &["doc", "import", csv.to_str().expect("path")]);
    for needle in [
        "van-ban.csv:4:Số ký hiệu:",
        "van-ban.csv:4:Ngày:",
        "van-ban.csv:4:Số bản:",
        "van-ban.csv:4:Độ mật:",
    ] {
        assert!(err.contains(needle), "{needle} in {err}");
    }
    assert_eq!(count(&db, "document"), 1);

    // Export to XLSX and import it into a fresh database: same register.
    let xlsx = dir.path().join("so.xlsx");
    ok(&db, &["doc", "export", "--out", xlsx.to_str().expect("path")]);
    let (_d2, db2) = temp_db();
    let out = ok(&db2, &["doc", "import", xlsx.to_str().expect("path")]);
    assert!(out.contains("đã thêm 1"), "{out}");
    let docs = json(&db2, &["doc", "list", "--format", "json"]);
    assert_eq!(docs[0]["symbol"], "05-KH/HU");
    assert_eq!(docs[0]["copies_received"], 2000);

    // An unknown body is accepted with a warning; a malformed symbol refused with the reason.
    let out = run(&db, &["doc", "add", "--symbol", "7-KH/XYZ", "--title", "Lạ"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("XYZ"));
    let err = fails(&db, &["doc", "add", "--symbol", "KH-05", "--title", "Sai"]);
    assert!(err.contains("symbol"), "{err}");
    let err = fails(&db, &["doc", "add", "--symbol", "05-KH/HU", "--title", "Trùng"]);
    assert!(err.contains("đã có"), "{err}");
    ok(
        &db,
        &[
            "doc",
            "add",
            "--symbol",
            "05-KH/HU",
            "--title",
            "Khóa sau",
            "--term",
            "XXI",
        ],
    );

    // One symbol in two terms: the export names each one's term, and the
    // file imports whole elsewhere (and again, unchanged).
    let both = dir.path().join("hai-khoa.xlsx");
    ok(&db, &["doc", "export", "--out", both.to_str().expect("path")]);
    let (_d3, db3) = temp_db();
    for _ in 0..2 {
        ok(&db3, &["doc", "import", both.to_str().expect("path")]);
        let docs = json(&db3, &["doc", "list", "--format", "json"]);
        let mut terms: Vec<(String, String)> = docs
            .iter()
            .filter(|d| d["symbol"] == "05-KH/HU")
            .map(|d| {
                (
                    d["term"].as_str().unwrap_or("?").to_owned(),
                    d["title"].as_str().unwrap_or("?").to_owned(),
                )
            })
            .collect();
        terms.sort();
        assert_eq!(
            terms,
            [
                ("".into(), "Kế hoạch học tập".into()),
                ("XXI".into(), "Khóa sau".into())
            ]
        );
        assert_eq!(count(&db3, "document"), count(&db, "document"));
    }
    // Into the register it came from, whose latest term's 05-KH/HU is not
    // the row without a term: each row is its own term's, nothing changes.
    let before = count(&db, "document");
    ok(&db, &["doc", "import", both.to_str().expect("path")]);
    assert_eq!(count(&db, "document"), before);
}

/// Numbers run per committee term: `--doc SYMBOL@TERM:N` hands out that
/// term's document, the symbol alone the latest term's.
#[test]
fn a_batch_names_an_earlier_terms_document_by_its_term() {
    let (_dir, db) = temp_db();
    ok(&db, &["init"]);
    ok(&db, &["unit", "add", "--code", "HK", "--name", "Đảng bộ xã Hương Khê"]);
    for term in ["XII", "XIII"] {
        let title = format!("Kế hoạch khóa {term}");
        ok(
            &db,
            &[
                "doc", "add", "--symbol", "05-KH/HU", "--term", term, "--title", &title, "--copies", "10",
            ],
        );
    }
    let batch = |code: &str, doc: &str| {
        let args = [
            "batch",
            "new",
            "--code",
            code,
            "--title",
            "Đợt",
            "--handed",
            "2025-05-02",
            "--due",
            "2025-05-20",
            "--doc",
            doc,
            "--unit",
            "HK",
        ];
        run(&db, &args)
    };
    let on_hand = || -> Vec<(String, i64)> {
        let mut docs: Vec<_> = json(&db, &["doc", "list", "--format", "json"])
            .iter()
            .map(|d| {
                (
                    d["title"].as_str().unwrap_or_default().to_owned(),
                    d["copies_on_hand"].as_i64().unwrap_or_default(),
                )
            })
            .collect();
        docs.sort();
        docs
    };
    assert!(batch("Đ1", "05-KH/HU@XII:2").status.success());
    assert_eq!(
        on_hand(),
        [("Kế hoạch khóa XII".into(), 8), ("Kế hoạch khóa XIII".into(), 10)]
    );
    assert!(batch("Đ2", "05-KH/HU:1").status.success());
    assert_eq!(
        on_hand(),
        [("Kế hoạch khóa XII".into(), 8), ("Kế hoạch khóa XIII".into(), 9)]
    );

    for (doc, says) in [("05-KH/HU@XX:1", "khóa XX"), ("05-KH/HU@:1", "sau @")] {
        let out = batch("Đ3", doc);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && err.contains(says), "{doc}: {err}");
    }
    assert_eq!(count(&db, "batch"), 2, "nothing written by the refused ones");
}

fn province(db: &Path) {
    for (code, name, parent) in [
        ("T", "Đảng bộ tỉnh", None),
        ("XA", "Đảng bộ xã Hương Khê", Some("T")),
        ("XB", "Đảng bộ xã Hòa Hải", Some("T")),
        ("XC", "Đảng bộ xã Hương Hòa", Some("T")),
        ("A1", "Chi bộ thôn Một", Some("XA")),
        ("B1", "Chi bộ thôn Hai", Some("XB")),
    ] {
        let mut args = vec!["unit", "add", "--code", code, "--name", name];
        if let Some(p) = parent {
            args.extend(["--parent", p]);
        }
        ok(db, &args);
    }
}

#[test]
fn merge_history_and_search() {
    let (_dir, db) = temp_db();
    province(&db);
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
            "10",
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
            "T",
        ],
    );
    ok(
        &db,
        &[
            "unit",
            "merge",
            "--from",
            "XA",
            "--from",
            "XB",
            "--into",
            "XC",
            "--on",
            "2025-07-01",
        ],
    );
    ok(
        &db,
        &[
            "unit",
            "rename",
            "--code",
            "A1",
            "--name",
            "Chi bộ thôn Trung Hòa",
            "--on",
            "2025-07-01",
        ],
    );

    let before = json(&db, &["unit", "list", "--as-of", "2025-06-30", "--format", "json"]);
    let after = json(&db, &["unit", "list", "--as-of", "2025-07-01", "--format", "json"]);
    let parent_of = |list: &[Value], code: &str| {
        list.iter()
            .find(|u| u["code"] == code)
            .map(|u| u["parent"].as_str().unwrap_or("").to_owned())
    };
    assert_eq!(parent_of(&before, "A1").as_deref(), Some("XA"));
    assert_eq!(parent_of(&after, "A1").as_deref(), Some("XC"));
    assert!(parent_of(&after, "XA").is_none(), "a merged unit is closed");
    let a1 = after.iter().find(|u| u["code"] == "A1").expect("A1");
    assert_eq!(a1["name"], "Chi bộ thôn Trung Hòa");

    // Search without diacritics; old and new tone placement alike.
    let found = json(&db, &["unit", "search", "huong hoa", "--format", "json"]);
    assert_eq!(found[0]["code"], "XC");
    let found = json(&db, &["unit", "search", "HOÀ", "--format", "json"]);
    assert!(found.iter().any(|u| u["code"] == "XC"));

    // Past receipts stay with the unit that received them.
    let out = json(&db, &["outstanding", "--format", "json", "--as-of", "2025-08-01"]);
    assert_eq!(out.len(), 3, "A1, B1 and XC's own… {out:?}");
    assert!(out.iter().all(|r| r["unit_code"] != "XA"));
}

#[test]
fn every_way_of_confirming_and_the_tamper_evident_log() {
    let (dir, db) = temp_db();
    province(&db);
    ok(
        &db,
        &[
            "unit",
            "add",
            "--code",
            "A2",
            "--name",
            "Chi bộ thôn Ba",
            "--parent",
            "XA",
            "--secretary",
            "Nguyễn Văn Bí",
        ],
    );
    ok(
        &db,
        &[
            "doc",
            "add",
            "--symbol",
            "05-KH/TU",
            "--title",
            "Kế hoạch học tập",
            "--copies",
            "20",
        ],
    );
    ok(
        &db,
        &[
            "doc",
            "add",
            "--symbol",
            "45-CT/TW",
            "--title",
            "Chỉ thị đại hội",
            "--copies",
            "20",
        ],
    );
    ok(
        &db,
        &[
            "batch",
            "new",
            "--code",
            "Đợt 2/2022",
            "--title",
            "Học tập Nghị quyết",
            "--handed",
            "2022-08-02",
            "--due",
            "2022-08-09",
            "--doc",
            "05-KH/TU:2",
            "--doc",
            "45-CT/TW:1",
            "--subtree",
            "T",
        ],
    );
    let rows = json(&db, &["outstanding", "--format", "json", "--as-of", "2022-08-12"]);
    assert_eq!(rows.len(), 4);
    assert!(rows
        .iter()
        .all(|r| r["status"] == "pending" && r["receipt_code"].as_str().is_some_and(|c| c.len() == 8)));
    let code_of = |unit: &str| {
        rows.iter()
            .find(|r| r["unit_code"] == unit)
            .and_then(|r| r["receipt_code"].as_str())
            .expect("code")
            .to_owned()
    };

    // By receipt code, partially.
    ok(
        &db,
        &[
            "confirm",
            "--code",
            &code_of("A1"),
            "--by",
            "Trần Thị B",
            "--qty",
            "05-KH/TU:1",
            "--at",
            "2022-08-05",
        ],
    );
    // Declined.
    ok(
        &db,
        &[
            "confirm",
            "--batch",
            "Đợt 2/2022",
            "--unit",
            "B1",
            "--by",
            "Lê C",
            "--decline",
            "Sai đối tượng",
        ],
    );
    // On behalf, by a deputy.
    ok(
        &db,
        &[
            "confirm",
            "--batch",
            "Đợt 2/2022",
            "--unit",
            "A2",
            "--by",
            "Phạm Phó",
            "--on-behalf",
        ],
    );
    // A typo in the code is caught.
    let mut typo: Vec<char> = code_of("XC").chars().collect();
    typo[0] = if typo[0] == '7' { '8' } else { '7' };
    let typo: String = typo.into_iter().collect();
    let err = fails(&db, &["confirm", "--code", &typo, "--by", "X"]);
    assert!(err.contains("receipt_code"), "{err}");

    // Today: A2 confirmed, B1 declined, A1 partial. On 12/08/2022 only A1's
    // partial receipt (signed on the 5th) had happened; the others came later.
    let then = json(&db, &["outstanding", "--format", "json", "--as-of", "2022-08-12"]);
    assert_eq!(then.len(), 4);
    assert!(
        then.iter()
            .all(|r| (r["unit_code"] == "A1") == (r["status"] == "partial")),
        "{then:?}"
    );
    let left = json(&db, &["outstanding", "--format", "json"]);
    let status: Vec<(String, String)> = left
        .iter()
        .map(|r| {
            (
                r["unit_code"].as_str().unwrap_or("").into(),
                r["status"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert!(status.contains(&("A1".into(), "partial".into())), "{status:?}");
    assert!(status.contains(&("B1".into(), "declined".into())), "{status:?}");
    assert!(status.contains(&("XC".into(), "pending".into())), "{status:?}");
    assert!(!status.iter().any(|(u, _)| u == "A2"), "{status:?}");
    let receipt = json(&db, &["receipt", &code_of("A2")]);
    assert_eq!(receipt[0]["on_behalf"], true);
    assert_eq!(receipt[0]["status"], "confirmed");

    // Slips: every unit, exact Vietnamese text, and a QR code that decodes back.
    let pdf = dir.path().join("phieu.pdf");
    ok(
        &db,
        &["slips", "--batch", "Đợt 2/2022", "--out", pdf.to_str().expect("path")],
    );
    let text = giaonhan_tests::readers::pdf_text(&pdf);
    for needle in [
        "PHIẾU GIAO NHẬN TÀI LIỆU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Chi bộ thôn Ba",
        "Kế hoạch học tập",
        "45-CT/TW",
    ] {
        assert!(text.contains(needle), "{needle} missing from the slips");
    }
    let label = "Mã nhận: ";
    let first = text
        .find(label)
        .map(|i| text[i + label.len()..].chars().take(9).collect::<String>())
        .expect("code line");
    let printed = first.replace('-', "");
    let png = dir.path().join("p");
    let st = Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg(&png)
        .status()
        .expect("pdftoppm");
    assert!(st.success());
    let page = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "png"))
        .expect("page PNG");
    let qr = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(&page)
        .output()
        .expect("zbarimg (zbar-tools)");
    assert_eq!(
        String::from_utf8_lossy(&qr.stdout).trim(),
        printed.trim(),
        "QR decodes to the printed code"
    );
    let _ = std::fs::copy(&page, giaonhan_tests::artifacts_dir().join("slip-page-1.png"));

    // The log verifies; an edit behind the app's back is caught and named.
    let out = ok(&db, &["verify"]);
    assert!(out.contains("nguyên vẹn"), "{out}");
    {
        let conn = rusqlite::Connection::open(&db).expect("open");
        conn.execute_batch("DROP TRIGGER audit_log_no_update")
            .expect("an attacker drops the trigger");
        conn.execute("UPDATE audit_log SET actor = 'kẻ gian' WHERE id = 3", [])
            .expect("tamper");
    }
    let err = fails(&db, &["verify"]);
    assert!(err.contains("dòng 3"), "{err}");
}

#[test]
fn the_audit_log_refuses_updates_and_deletes() {
    let (_dir, db) = temp_db();
    province(&db);
    let conn = rusqlite::Connection::open(&db).expect("open");
    assert!(conn.execute("UPDATE audit_log SET actor = 'x'", []).is_err());
    assert!(conn.execute("DELETE FROM audit_log", []).is_err());
}

//! Tests of the `giaonhan` command-line interface as a user (or an outside test)
//! runs it: the real binary from the workspace's target directory, a temporary
//! database passed with `--db` or `GIAONHAN_DB`, JSON and CSV output, errors on
//! stderr with a non-zero exit code, NFD input stored as NFC.

use std::path::Path;

use chrono::{Days, NaiveDate};
use giaonhan_tests::cli::{fails, ok, temp_db};
use giaonhan_tests::fixtures::commune;
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn day(offset: i64) -> String {
    let d = if offset >= 0 {
        today().checked_add_days(Days::new(offset.unsigned_abs()))
    } else {
        today().checked_sub_days(Days::new(offset.unsigned_abs()))
    };
    d.expect("date in range").format("%Y-%m-%d").to_string()
}

fn outstanding_json(db: &Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["outstanding"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--format", "json"]);
    let out = ok(db, &args);
    match serde_json::from_str::<Value>(&out).expect("outstanding prints one JSON value") {
        Value::Array(rows) => rows,
        other => panic!("expected a JSON array, got {other}"),
    }
}

#[test]
fn core_loop_through_the_cli() {
    let (_dir, db) = temp_db();
    commune(&db);
    let (handed, due) = (day(-10), day(-3));
    ok(
        &db,
        &[
            "batch",
            "new",
            "--code",
            "D1-2025",
            "--title",
            "Đợt 1 năm 2025",
            "--handed",
            &handed,
            "--due",
            &due,
            "--doc",
            "05-KH/HU:2",
            "--subtree",
            "HK",
        ],
    );

    let rows = outstanding_json(&db, &[]);
    assert_eq!(rows.len(), 2, "{rows:?}");
    let mut units: Vec<&str> = rows.iter().filter_map(|r| r["unit_code"].as_str()).collect();
    units.sort_unstable();
    assert_eq!(units, ["HK-01", "HK-02"]);
    for row in &rows {
        assert_eq!(row["batch"], "D1-2025");
        assert_eq!(row["handed"], handed.as_str());
        assert_eq!(row["due"], due.as_str());
        assert_eq!(row["days_overdue"], 3);
        assert_eq!(row["copies"], 2);
        assert!(
            row["unit_name"].as_str().is_some_and(|n| n.starts_with("Chi bộ thôn")),
            "{row}"
        );
    }

    // Counted against --as-of: before the due date nothing is overdue.
    let early = outstanding_json(&db, &["--batch", "D1-2025", "--as-of", &day(-5)]);
    assert!(early.iter().all(|r| r["days_overdue"] == 0), "{early:?}");

    ok(
        &db,
        &[
            "confirm",
            "--batch",
            "D1-2025",
            "--unit",
            "HK-01",
            "--by",
            "Nguyễn Thị Hoa",
        ],
    );
    let rows = outstanding_json(&db, &["--batch", "D1-2025"]);
    let units: Vec<&str> = rows.iter().filter_map(|r| r["unit_code"].as_str()).collect();
    assert_eq!(units, ["HK-02"]);

    let conn = rusqlite::Connection::open(&db).expect("open the CLI's file");
    let (status, by): (String, String) = conn
        .query_row(
            "SELECT r.status, r.signed_by FROM receipt r JOIN unit u ON u.id = r.unit_id WHERE u.code = 'HK-01'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("receipt of HK-01");
    assert_eq!((status.as_str(), by.as_str()), ("confirmed", "Nguyễn Thị Hoa"));
}

#[test]
fn explicit_units_and_csv_output() {
    let (_dir, db) = temp_db();
    commune(&db);
    ok(
        &db,
        &[
            "batch",
            "new",
            "--code",
            "D2",
            "--title",
            "Đợt 2",
            "--handed",
            &day(0),
            "--due",
            &day(7),
            "--doc",
            "05-KH/HU:3",
            "--unit",
            "HK-01",
            "--unit",
            "HK-02",
        ],
    );
    let csv = ok(&db, &["outstanding", "--batch", "D2", "--format", "csv"]);
    let lines: Vec<&str> = csv.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 3, "a header and two rows:\n{csv}");
    assert!(
        lines[0].contains("unit_code") || lines[0].to_lowercase().contains("đơn vị"),
        "{csv}"
    );
    assert!(lines[1..].iter().all(|l| l.contains("D2")), "{csv}");
    let rows = outstanding_json(&db, &["--batch", "D2"]);
    assert!(
        rows.iter().all(|r| r["days_overdue"] == 0 && r["copies"] == 3),
        "{rows:?}"
    );
}

#[test]
fn errors_go_to_stderr_with_a_failure_code_and_write_nothing() {
    let (_dir, db) = temp_db();
    commune(&db);
    let err = fails(
        &db,
        &[
            "unit",
            "add",
            "--code",
            "HK-09",
            "--name",
            "Chi bộ 9",
            "--parent",
            "KHONG-CO",
        ],
    );
    assert!(
        err.contains("KHONG-CO") || err.to_lowercase().contains("parent"),
        "{err}"
    );
    fails(&db, &["unit", "add", "--code", "HK-01", "--name", "Trùng mã"]);
    fails(&db, &["unit", "add", "--code", "HK-10", "--name", ""]);
    fails(
        &db,
        &[
            "batch",
            "new",
            "--code",
            "D3",
            "--title",
            "Sai hạn",
            "--handed",
            "2025-03-10",
            "--due",
            "2025-03-01",
            "--doc",
            "05-KH/HU:1",
            "--unit",
            "HK-01",
        ],
    );
    fails(
        &db,
        &[
            "batch",
            "new",
            "--code",
            "D4",
            "--title",
            "Số lượng 0",
            "--handed",
            "2025-03-10",
            "--due",
            "2025-03-20",
            "--doc",
            "05-KH/HU:0",
            "--unit",
            "HK-01",
        ],
    );
    fails(
        &db,
        &["confirm", "--batch", "KHONG-CO", "--unit", "HK-01", "--by", "Lê Văn An"],
    );

    let conn = rusqlite::Connection::open(&db).expect("open");
    let units: i64 = conn
        .query_row("SELECT count(*) FROM unit", [], |r| r.get(0))
        .expect("count");
    let batches: i64 = conn
        .query_row("SELECT count(*) FROM batch", [], |r| r.get(0))
        .expect("count");
    assert_eq!((units, batches), (3, 0));
}

#[test]
fn names_in_nfd_are_stored_in_nfc() {
    let (_dir, db) = temp_db();
    ok(&db, &["init"]);
    let nfc = "Đảng bộ xã Hương Khê";
    let nfd: String = nfc.nfd().collect();
    assert_ne!(nfd, nfc);
    ok(&db, &["unit", "add", "--code", "HK", "--name", &nfd]);
    let texts = giaonhan_tests::stored_texts(&db);
    assert!(texts.iter().any(|t| t == nfc), "the name is stored in NFC");
    assert!(!texts.iter().any(|t| t.contains(&nfd)), "no NFD text in the file");
}

#[test]
fn demo_loads_sample_data_with_outstanding_receipts() {
    let (_dir, db) = temp_db();
    ok(&db, &["demo"]);
    let rows = outstanding_json(&db, &[]);
    assert!(!rows.is_empty(), "the sample batches have unconfirmed units");
    for row in &rows {
        for key in [
            "batch",
            "unit_code",
            "unit_name",
            "handed",
            "due",
            "days_overdue",
            "copies",
        ] {
            assert!(!row[key].is_null(), "{key} missing in {row}");
        }
    }
    let conn = rusqlite::Connection::open(&db).expect("open");
    let batches: i64 = conn
        .query_row("SELECT count(*) FROM batch", [], |r| r.get(0))
        .expect("count");
    assert_eq!(batches, 2);
}

#[test]
fn the_environment_variable_chooses_the_database() {
    let (_dir, db) = temp_db();
    let out = giaonhan_tests::cli::output(
        giaonhan_tests::cli::command()
            .args(["unit", "add", "--code", "HK", "--name", "Đảng bộ xã Hương Khê"])
            .env("GIAONHAN_DB", &db),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let conn = rusqlite::Connection::open(&db).expect("open");
    let units: i64 = conn
        .query_row("SELECT count(*) FROM unit", [], |r| r.get(0))
        .expect("count");
    assert_eq!(units, 1);
}

#[test]
fn a_file_that_is_not_a_database_is_refused_untouched() {
    let (_dir, db) = temp_db();
    let content = b"khong phai co so du lieu\n".repeat(20);
    std::fs::write(&db, &content).expect("write");
    fails(&db, &["outstanding", "--format", "json"]);
    fails(&db, &["unit", "add", "--code", "HK", "--name", "Đảng bộ xã Hương Khê"]);
    assert_eq!(std::fs::read(&db).expect("read back"), content);
}

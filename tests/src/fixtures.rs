//! Registers filled through the command line, as a clerk would, for the
//! tests of the CLI and of the window.
//!
//! [`commune`]: one commune party committee (HK) with two branches and one
//! document, the smallest register most CLI tests start from.
//!
//! [`supervised`]: a register with fixed dates for the supervisor's tests:
//! two communes in Vietnamese order (Ấp Tân before Hương Khê) under the
//! province, four branches with secretaries and phones, two batches in August
//! 2025 and three confirmations (one late, one partial). On 30/08/2025 four
//! receipts are outstanding: AT-01 and HK-01 for batch 2 (3 days overdue, tier
//! 1), AT-02 (partial) and HK-02 for batch 1 (22 days, tier 3).
//!
//! [`district_demo`]: the generated district, made once and copied.

use std::path::Path;

use crate::cli::{give_letterhead, ok};

/// A new register at `db` with the commune party committee HK ("Đảng bộ xã
/// Hương Khê", of kind "Đảng bộ cơ sở") and its two branches HK-01 ("Chi bộ
/// thôn Đông Trung") and HK-02 ("Chi bộ thôn Ấp Thượng"), of kind "Chi bộ".
pub fn commune_units(db: &Path) {
    ok(db, &["init"]);
    give_letterhead(db);
    #[rustfmt::skip]
    ok(db, &["unit", "add", "--code", "HK", "--name", "Đảng bộ xã Hương Khê", "--kind", "Đảng bộ cơ sở"]);
    for (code, name) in [("HK-01", "Chi bộ thôn Đông Trung"), ("HK-02", "Chi bộ thôn Ấp Thượng")] {
        #[rustfmt::skip]
        ok(db, &["unit", "add", "--code", code, "--name", name, "--parent", "HK", "--kind", "Chi bộ"]);
    }
}

/// [`commune_units`] and the document 05-KH/HU ("Kế hoạch học tập nghị
/// quyết", 15/01/2025, 50 copies on hand).
pub fn commune(db: &Path) {
    commune_units(db);
    #[rustfmt::skip]
    ok(db, &["doc", "add", "--symbol", "05-KH/HU", "--title", "Kế hoạch học tập nghị quyết", "--date", "2025-01-15",
             "--copies", "50"]);
}

/// (code, name, parent, kind, secretary, phone)
const UNITS: &[(&str, &str, &str, &str, &str, &str)] = &[
    ("HT", "Đảng bộ tỉnh Hà Tĩnh", "", "Đảng bộ tỉnh", "", ""),
    (
        "HK",
        "Đảng bộ xã Hương Khê",
        "HT",
        "Đảng bộ cơ sở",
        "Trần Văn Bình",
        "0239 3871 234",
    ),
    (
        "HK-01",
        "Chi bộ thôn Đông Trung",
        "HK",
        "Chi bộ",
        "Nguyễn Thị Hoa",
        "0912 111 222",
    ),
    (
        "HK-02",
        "Chi bộ thôn Ấp Thượng",
        "HK",
        "Chi bộ",
        "Lê Văn Hùng",
        "0987 333 444",
    ),
    ("AT", "Đảng bộ xã Ấp Tân", "HT", "Đảng bộ cơ sở", "", ""),
    (
        "AT-01",
        "Chi bộ thôn Bắc Sơn",
        "AT",
        "Chi bộ",
        "Phạm Thị Ngọc Ánh",
        "0905 555 666",
    ),
    (
        "AT-02",
        "Chi bộ Trường Tiểu học Ấp Tân",
        "AT",
        "Chi bộ",
        "Đặng Quốc Việt",
        "",
    ),
];

/// Fills a new database at `db` through the CLI.
pub fn supervised(db: &Path) {
    ok(db, &["init"]);
    give_letterhead(db);
    for &(code, name, parent, kind, secretary, phone) in UNITS {
        let mut args = vec!["unit", "add", "--code", code, "--name", name, "--kind", kind];
        for (flag, value) in [("--parent", parent), ("--secretary", secretary), ("--phone", phone)] {
            if !value.is_empty() {
                args.extend([flag, value]);
            }
        }
        ok(db, &args);
    }
    for (symbol, title) in [
        ("05-KH/HU", "Kế hoạch học tập, quán triệt Nghị quyết Trung ương 10"),
        ("12-CT/TU", "Chỉ thị về tăng cường công tác tuyên truyền"),
    ] {
        ok(
            db,
            &[
                "doc",
                "add",
                "--symbol",
                symbol,
                "--title",
                title,
                "--date",
                "2025-07-15",
                "--copies",
                "50",
            ],
        );
    }
    #[rustfmt::skip]
    ok(db, &["batch", "new", "--code", "Đợt 1/2025", "--title", "Học tập Nghị quyết Trung ương 10",
             "--handed", "2025-08-01", "--due", "2025-08-08", "--doc", "05-KH/HU:2", "--subtree", "HT"]);
    #[rustfmt::skip]
    ok(db, &["batch", "new", "--code", "Đợt 2/2025", "--title", "Triển khai Chỉ thị 12",
             "--handed", "2025-08-20", "--due", "2025-08-27", "--doc", "12-CT/TU:1",
             "--unit", "AT-01", "--unit", "HK-01"]);
    for (unit, by, at, extra) in [
        ("HK-01", "Nguyễn Thị Hoa", "2025-08-05", None),
        ("AT-01", "Phạm Thị Ngọc Ánh", "2025-08-25", None),
        ("AT-02", "Đặng Quốc Việt", "2025-08-06", Some("05-KH/HU:1")),
    ] {
        let mut args = vec![
            "confirm",
            "--batch",
            "Đợt 1/2025",
            "--unit",
            unit,
            "--by",
            by,
            "--at",
            at,
        ];
        if let Some(q) = extra {
            args.extend(["--qty", q]);
        }
        ok(db, &args);
    }
}

/// The district demo (`giaonhan demo --scale district --seed 3`: ≈ 1,000 units,
/// 3,000 batches, 1.3 million receipt lines) copied to `db`, in place of the
/// empty register there. Generating it takes minutes, so it is made once into
/// `target/e2e-data/` and made again only when the `giaonhan` binary is newer.
pub fn district_demo(db: &Path) {
    let bin = crate::binary("giaonhan");
    let dir = crate::bin_dir()
        .parent()
        .map(|t| t.join("e2e-data"))
        .expect("target/ holds the binaries' folder");
    std::fs::create_dir_all(&dir).expect("create target/e2e-data");
    let cached = dir.join("district-seed3.sqlite3");
    let modified = |p: &Path| p.metadata().and_then(|m| m.modified()).ok();
    let fresh = matches!((modified(&cached), modified(&bin)), (Some(c), Some(b)) if c >= b);
    if !fresh {
        // Generated beside it, then renamed: a test run in parallel never
        // copies half a file.
        let tmp = dir.join(format!("district-{}.sqlite3", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        ok(&tmp, &["init"]);
        ok(&tmp, &["demo", "--scale", "district", "--seed", "3"]);
        std::fs::rename(&tmp, &cached).expect("keep the generated district demo");
    }
    if let Some(parent) = db.parent() {
        std::fs::create_dir_all(parent).expect("create the database folder");
    }
    // The empty register's side files (if any) must not outlive it.
    for ext in ["sqlite3-wal", "sqlite3-shm"] {
        let _ = std::fs::remove_file(db.with_extension(ext));
    }
    std::fs::copy(&cached, db).expect("copy the district demo");
}

//! The register's Vietnamese order (`giaonhan::text::compare` and the sort
//! keys the database sorts by) against ICU4C's own: `tests/icu/vi_order.c`,
//! built here against the system's ICU, sorts the same names with the "vi"
//! collator and numeric ordering. Real branch, commune and committee names:
//! every Vietnamese letter and tone, numbers alone, inside names, with
//! leading zeros and letters after them.
#![cfg(target_os = "linux")]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use giaonhan::text::{compare, sort_key};

const NAMES: &[&str] = &[
    "Chi bộ thôn 1",
    "Chi bộ thôn 2",
    "Chi bộ thôn 10",
    "Chi bộ thôn 15",
    "Chi bộ thôn 19",
    "Chi bộ thôn 20",
    "Chi bộ thôn 3",
    "Chi bộ thôn 100",
    "Chi bộ thôn Đông Trung",
    "Chi bộ thôn Ấp Thượng",
    "Chi bộ thôn Ấp 2",
    "Chi bộ thôn Ấp 11",
    "Chi bộ thôn An Lộc",
    "Chi bộ thôn Ân Phú",
    "Chi bộ thôn Ăn Thịnh",
    "Chi bộ thôn Gia Phú",
    "Chi bộ thôn Tân Hòa",
    "Chi bộ thôn Tân Hoà",
    "Chi bộ thôn Vĩnh Hòa",
    "Chi bộ thôn Vĩnh Thành",
    "Chi bộ thôn Ơn Hòa",
    "Chi bộ thôn Ôn Lương",
    "Chi bộ thôn Ưu Điềm",
    "Chi bộ thôn Uy Nỗ",
    "Chi bộ Tổ dân phố 4",
    "Chi bộ Tổ dân phố 04A",
    "Chi bộ Tổ dân phố 5",
    "Chi bộ Tổ dân phố 12",
    "Chi bộ khối 1A",
    "Chi bộ khối 1B",
    "Chi bộ khối 3",
    "Chi bộ Trường THCS số 2",
    "Chi bộ Trường THCS số 10",
    "Chi bộ Trường Tiểu học Hương Khê",
    "Chi bộ Trạm Y tế xã",
    "Chi bộ Quân sự xã",
    "Chi bộ Công an xã",
    "Đảng bộ xã Hương Khê",
    "Đảng bộ xã Hương Long",
    "Đảng bộ xã Hương Vĩnh",
    "Đảng bộ xã Phú Gia",
    "Đảng bộ xã Đức Lĩnh",
    "Đảng bộ xã Đức Hương",
    "Đảng bộ xã Thanh Hóa",
    "Đảng bộ phường 1",
    "Đảng bộ phường 12",
    "Đảng bộ phường 2",
    "Đảng bộ phường Bến Nghé",
    "Đảng bộ phường Đa Kao",
    "Đảng bộ tỉnh Hà Tĩnh",
    "Đảng bộ tỉnh Quảng Bình",
    "Đảng bộ Khối các cơ quan tỉnh",
    "Đảng bộ Quân sự tỉnh",
    "Đảng ủy Công an tỉnh",
    "Đảng bộ huyện Vũ Quang",
    "Đảng bộ huyện Tuyên Hóa",
    "Ban Tuyên giáo và Dân vận Tỉnh ủy",
    "Văn phòng Tỉnh ủy",
    "Ủy ban Kiểm tra Tỉnh ủy",
    "Ủy ban nhân dân tỉnh",
    "Uỷ ban Mặt trận Tổ quốc",
    "Yên Bái",
    "Ý Yên",
    "Ỷ La",
];

/// ICU4C's order of `names`, from `vi_order.c` built in `dir`.
fn icu_order(dir: &Path, names: &[&str]) -> Vec<String> {
    let source = giaonhan_tests::workspace_root()
        .join("tests")
        .join("icu")
        .join("vi_order.c");
    let exe = dir.join("vi_order");
    let flags = Command::new("pkg-config")
        .args(["--cflags", "--libs", "icu-i18n", "icu-uc"])
        .output()
        .expect("pkg-config (scripts/setup.sh installs it with libicu-dev)");
    assert!(
        flags.status.success(),
        "ICU's development files are missing (scripts/setup.sh installs libicu-dev): {}",
        String::from_utf8_lossy(&flags.stderr)
    );
    let flags = String::from_utf8(flags.stdout).expect("UTF-8");
    let built = Command::new("cc")
        .arg("-O1")
        .arg("-o")
        .arg(&exe)
        .arg(&source)
        .args(flags.split_whitespace())
        .status()
        .expect("cc");
    assert!(built.success(), "building {}", source.display());
    let mut child = Command::new(&exe)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run the ICU reference");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        for n in names {
            writeln!(stdin, "{n}").expect("write a name");
        }
    }
    let out = child.wait_with_output().expect("the ICU order");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_register_sorts_names_as_icu_does_with_numbers_by_value() {
    let dir = tempfile::tempdir().expect("temp dir");
    let icu = icu_order(dir.path(), NAMES);
    assert_eq!(icu.len(), NAMES.len());

    let mut ours: Vec<&str> = NAMES.to_vec();
    ours.sort_by(|a, b| compare(a, b));
    assert_eq!(ours, icu, "text::compare differs from ICU's vi-u-kn");

    let mut by_key: Vec<&str> = NAMES.to_vec();
    by_key.sort_by_key(|n| sort_key(n));
    assert_eq!(by_key, icu, "the stored sort keys differ from ICU's vi-u-kn");

    // What the issue saw in the batch grid: "thôn 15, 16, …, 19, 2, 20, 3".
    let pos = |n: &str| icu.iter().position(|x| x == n).expect(n);
    assert!(pos("Chi bộ thôn 2") < pos("Chi bộ thôn 3") && pos("Chi bộ thôn 3") < pos("Chi bộ thôn 10"));
    assert!(pos("Chi bộ thôn 19") < pos("Chi bộ thôn 20") && pos("Chi bộ thôn 20") < pos("Chi bộ thôn 100"));
}

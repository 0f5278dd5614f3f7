//! What differs on Windows, checked on the real build rather than assumed:
//! `scripts/windows.sh test` runs this file (with the other CLI tests) against
//! the Windows `giaonhan.exe` under Wine; natively it checks the same things
//! on the Linux build. Vietnamese characters in folder and file names; the
//! register in the per-user data folder (`%APPDATA%\SoGiaoNhan` on Windows);
//! CSV written with CRLF line ends and read back whatever the line ends; the
//! fonts of a printed PDF embedded in it (no system font used).

use std::path::{Path, PathBuf};
use std::process::Command;

use giaonhan_tests::cli::{command, is_windows_build, ok, output};
use giaonhan_tests::fixtures::commune;
use giaonhan_tests::readers::pdf_text;

/// A small register: a committee, two branches, a document and a batch.
fn seed(db: &Path) {
    commune(db);
    #[rustfmt::skip]
    ok(db, &["batch", "new", "--code", "Đợt 1/2025", "--title", "Đợt một", "--handed", "2025-02-01",
             "--due", "2025-02-15", "--doc", "05-KH/HU:2", "--subtree", "HK"]);
}

#[test]
fn vietnamese_folder_and_file_names_hold_the_register_and_its_outputs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("Sổ giao nhận");
    std::fs::create_dir_all(&folder).expect("create the folder");
    let db = folder.join("sổ 2026.sqlite3");
    seed(&db);
    assert!(db.is_file(), "the register is the file with the Vietnamese name");
    let rows: serde_json::Value = serde_json::from_str(&ok(&db, &["outstanding", "--format", "json"])).expect("JSON");
    assert_eq!(rows.as_array().map(Vec::len), Some(2), "both branches are outstanding");

    let pdf = folder.join("Danh sách chưa xác nhận.pdf");
    ok(&db, &["outstanding", "--format", "pdf", "--out", path_str(&pdf)]);
    let text = pdf_text(&pdf);
    assert!(
        text.contains("Chi bộ thôn Ấp Thượng"),
        "the PDF lists the branches:\n{text}"
    );

    let backup = folder.join("bản sao lưu.sqlite3");
    ok(&db, &["backup", "--out", path_str(&backup)]);
    assert!(backup.is_file(), "the backup has the Vietnamese name");
    ok(&db, &["verify"]);
}

#[test]
fn csv_is_written_with_crlf_and_read_back_with_either_line_end() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("sổ.sqlite3");
    seed(&db);
    let out = dir.path().join("đơn vị.csv");
    ok(&db, &["unit", "export", "--out", path_str(&out)]);
    let bytes = std::fs::read(&out).expect("read the export");
    let text = String::from_utf8(bytes).expect("UTF-8");
    assert!(text.starts_with('\u{feff}'), "a BOM, so that Excel reads UTF-8");
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    assert!(lines.len() >= 4, "a header and three units: {text:?}");
    assert!(
        lines.iter().all(|l| l.ends_with("\r\n")),
        "every line ends with CRLF, as Excel writes and reads CSV: {text:?}"
    );

    // The same file with LF only, and with CRLF, imports into a new register.
    for (name, body) in [("lf.csv", text.replace("\r\n", "\n")), ("crlf.csv", text.clone())] {
        let fresh = dir.path().join(format!("mới-{name}.sqlite3"));
        ok(&fresh, &["init"]);
        let file = dir.path().join(name);
        std::fs::write(&file, &body).expect("write the CSV");
        ok(&fresh, &["unit", "import", path_str(&file)]);
        let units: serde_json::Value =
            serde_json::from_str(&ok(&fresh, &["unit", "list", "--format", "json"])).expect("JSON");
        let names: Vec<&str> = units
            .as_array()
            .expect("array")
            .iter()
            .filter_map(|u| u["name"].as_str())
            .collect();
        assert!(names.contains(&"Chi bộ thôn Ấp Thượng"), "{name}: {names:?}");
        assert!(
            names.iter().all(|n| !n.ends_with('\r')),
            "{name}: no stray CR in a name"
        );
    }
}

#[test]
fn printed_pdfs_carry_their_own_fonts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("sổ.sqlite3");
    seed(&db);
    let pdf = dir.path().join("phiếu.pdf");
    ok(&db, &["slips", "--batch", "Đợt 1/2025", "--out", path_str(&pdf)]);
    let out = Command::new("pdffonts")
        .arg(&pdf)
        .output()
        .expect("run pdffonts (poppler-utils; scripts/setup.sh installs it)");
    assert!(
        out.status.success(),
        "pdffonts: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listing = String::from_utf8_lossy(&out.stdout).into_owned();
    let fonts: Vec<&str> = listing.lines().skip(2).filter(|l| !l.trim().is_empty()).collect();
    assert!(!fonts.is_empty(), "the PDF names its fonts:\n{listing}");
    for f in &fonts {
        assert!(f.contains("Liberation"), "only the bundled fonts are used: {f}");
        // Columns: name, type, encoding, emb, sub, uni, object ID.
        let cols: Vec<&str> = f.split_whitespace().collect();
        let emb = cols.get(cols.len().saturating_sub(5)).copied();
        assert_eq!(emb, Some("yes"), "the font is embedded: {f}");
    }
}

/// The register in the per-user data folder when no `--db` is given:
/// `%APPDATA%\SoGiaoNhan\sogiaonhan.sqlite3` on Windows (under Wine, inside
/// the Wine prefix), `$XDG_DATA_HOME/SoGiaoNhan/sogiaonhan.sqlite3` on Linux.
#[test]
fn the_default_register_lives_in_the_users_data_folder() {
    let home = tempfile::tempdir().expect("temp dir");
    let expected: PathBuf = if is_windows_build() {
        let prefix = std::env::var_os("WINEPREFIX").expect("the Windows build runs under Wine with WINEPREFIX set");
        let user = std::env::var("USER").unwrap_or_else(|_| "root".to_owned());
        let folder = Path::new(&prefix)
            .join("drive_c/users")
            .join(user)
            .join("AppData/Roaming/SoGiaoNhan");
        // A run before this one may have left it: start from nothing.
        let _ = std::fs::remove_dir_all(&folder);
        folder.join("sogiaonhan.sqlite3")
    } else {
        home.path().join("SoGiaoNhan/sogiaonhan.sqlite3")
    };
    let out = output(
        command()
            .arg("init")
            .env_remove("GIAONHAN_DB")
            .env("XDG_DATA_HOME", home.path()),
    );
    assert!(out.status.success(), "init: {}", String::from_utf8_lossy(&out.stderr));
    assert!(
        expected.is_file(),
        "the register is at {} (init said: {})",
        expected.display(),
        String::from_utf8_lossy(&out.stdout)
    );
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("test paths are UTF-8")
}

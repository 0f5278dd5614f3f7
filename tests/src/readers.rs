//! Real readers of the files the app writes, as a user's other programs would
//! open them: `pdftotext`/`pdfinfo`/`pdftoppm` (poppler-utils) for PDFs and
//! LibreOffice, headless, converting a spreadsheet to CSV. `scripts/setup.sh`
//! installs them; a missing tool fails the test with that hint.

use std::path::{Path, PathBuf};
use std::process::Command;

fn run(tool: &str, args: &[&std::ffi::OsStr]) -> Vec<u8> {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{tool}` ({e}); install it with scripts/setup.sh"));
    assert!(
        out.status.success(),
        "`{tool}` failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `pdftotext -layout` of the whole file; pages are separated by form feeds.
pub fn pdf_text(pdf: &Path) -> String {
    let out = run("pdftotext", &["-layout".as_ref(), pdf.as_os_str(), "-".as_ref()]);
    String::from_utf8(out).expect("pdftotext prints UTF-8")
}

/// Number of pages, from `pdfinfo`.
pub fn pdf_pages(pdf: &Path) -> usize {
    let info = String::from_utf8(run("pdfinfo", &[pdf.as_os_str()])).expect("pdfinfo prints UTF-8");
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo prints the page count")
}

/// Renders page `page` at 110 dpi to `<stem>.png` (kept as an artifact).
pub fn pdf_page_png(pdf: &Path, page: usize, stem: &Path) -> PathBuf {
    let page = page.to_string();
    run(
        "pdftoppm",
        &[
            "-r".as_ref(),
            "110".as_ref(),
            "-png".as_ref(),
            "-singlefile".as_ref(),
            "-f".as_ref(),
            page.as_ref(),
            "-l".as_ref(),
            page.as_ref(),
            pdf.as_os_str(),
            stem.as_os_str(),
        ],
    );
    stem.with_extension("png")
}

/// The first sheet of a spreadsheet as LibreOffice reads it, converted to CSV
/// (UTF-8, comma-separated, cells as formatted), parsed into records.
pub fn spreadsheet_rows(file: &Path) -> Vec<Vec<String>> {
    let work = tempfile::tempdir().expect("temp dir");
    // A private profile, so that parallel tests never share LibreOffice's lock.
    let profile = format!("-env:UserInstallation=file://{}", work.path().join("profile").display());
    run(
        "soffice",
        &[
            profile.as_ref(),
            "--headless".as_ref(),
            "--convert-to".as_ref(),
            "csv:Text - txt - csv (StarCalc):44,34,76".as_ref(),
            "--outdir".as_ref(),
            work.path().as_os_str(),
            file.as_os_str(),
        ],
    );
    let stem = file.file_stem().expect("file name");
    let csv_path = work.path().join(stem).with_extension("csv");
    let bytes = std::fs::read(&csv_path).unwrap_or_else(|e| panic!("LibreOffice wrote no {}: {e}", csv_path.display()));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    reader
        .records()
        .map(|r| r.expect("CSV record").iter().map(str::to_owned).collect())
        .collect()
}

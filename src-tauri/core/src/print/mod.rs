//! The PDF engine: typst documents compiled in-process with the bundled
//! Liberation fonts, for delivery slips now and the outstanding lists next.
//!
//! Data always reaches a document as a file (`json("data.json")`), never by
//! splicing text into markup, so whatever a user typed prints literally.
//! Documents share the party layout (`/giaonhan/party.typ`: letterhead, title,
//! signature block, A4 page with margins from [`Letterhead`]).

mod card;
mod destruction;
mod fit;
mod join;
mod lists;
mod parts;
mod printout;
mod reminders;
mod slips;
mod study;
mod world;

use serde::{Deserialize, Serialize};
use typst_layout::PagedDocument;

pub use card::{site_card_pdf, CardSheet};
pub use destruction::{destruction_pdf, destruction_xlsx};
pub use lists::{
    call_list, classified_register_book, copy_register_book, outstanding_list, register_book, status_note, RegisterLine,
};
pub use printout::Printout;
pub use reminders::{reminders, Reminder};
pub(crate) use slips::display_code;
pub use slips::{slip_units, slips_pdf, slips_printout, slips_svg, Slip, SlipBatch, SlipLine, SlipPreview, SlipUnit};
pub use study::{study_pdf, study_reminders, study_xlsx, StudyReminder};

use crate::{Error, Result};
use world::PrintWorld;

/// Settings of the party document layout: the office's own names, which a
/// register has none of until the office gives them (nothing prints before:
/// see `Store::letterhead`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Letterhead {
    /// The parent body, printed in capitals: "ĐẢNG BỘ TỈNH HÀ TĨNH".
    pub parent_body: String,
    /// The issuing body, printed bold in capitals: "BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY".
    pub issuing_body: String,
    /// Place name of the place-date line: "Hà Tĩnh".
    pub place: String,
    /// Page margins in millimetres: top, right, bottom, left.
    pub margins_mm: [f32; 4],
    /// Who signs the printed lists, right of the signature block: "TRƯỞNG BAN",
    /// "K/T TRƯỞNG BAN", "CHÁNH VĂN PHÒNG".
    #[serde(default = "default_signer_title")]
    pub signer_title: String,
}

/// 36-HD/VPTW: top 20, bottom 20, left 30, right 15 mm (top, right, bottom, left).
const STANDARD_MARGINS_MM: [f32; 4] = [20.0, 15.0, 20.0, 30.0];

fn default_signer_title() -> String {
    "TRƯỞNG BAN".into()
}

impl Letterhead {
    /// A letterhead with the names still to be given: the standard margins
    /// and signer's title, empty bodies and place (what the window's form and
    /// `giaonhan letterhead` start from on a new register).
    pub fn blank() -> Letterhead {
        Letterhead {
            parent_body: String::new(),
            issuing_body: String::new(),
            place: String::new(),
            margins_mm: STANDARD_MARGINS_MM,
            signer_title: default_signer_title(),
        }
    }

    /// The letterhead of the sample data's office (a Hà Tĩnh board), for the
    /// demo register and the tests; never used for an office's own register.
    pub fn sample() -> Letterhead {
        Letterhead {
            parent_body: "ĐẢNG BỘ TỈNH HÀ TĨNH".into(),
            issuing_body: "BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY".into(),
            place: "Hà Tĩnh".into(),
            margins_mm: STANDARD_MARGINS_MM,
            signer_title: default_signer_title(),
        }
    }

    /// The letterhead as it is stored: every text field cleaned (NFC, white
    /// space trimmed and folded), whether the window or the command line set it.
    pub fn cleaned(&self) -> Letterhead {
        Letterhead {
            parent_body: crate::text::clean(&self.parent_body),
            issuing_body: crate::text::clean(&self.issuing_body),
            place: crate::text::clean(&self.place),
            margins_mm: self.margins_mm,
            signer_title: crate::text::clean(&self.signer_title),
        }
    }

    /// Refuses a letterhead without the office's names (each field named),
    /// and margins a page cannot hold.
    pub(crate) fn check_complete(&self) -> Result<()> {
        for (field, value, what, example) in [
            (
                "parent_body",
                &self.parent_body,
                "cơ quan cấp trên",
                "ĐẢNG BỘ TỈNH HÀ TĨNH",
            ),
            (
                "issuing_body",
                &self.issuing_body,
                "cơ quan ban hành",
                "VĂN PHÒNG TỈNH ỦY",
            ),
            ("place", &self.place, "địa danh", "Hà Tĩnh"),
            (
                "signer_title",
                &self.signer_title,
                "chức vụ người ký",
                "CHÁNH VĂN PHÒNG",
            ),
        ] {
            if value.trim().is_empty() {
                return Err(Error::invalid(
                    field,
                    format!("{what} chưa được ghi (ví dụ «{example}»)"),
                ));
            }
        }
        self.check()
    }

    /// Refuses margins a page cannot hold (negative, not a number, or leaving
    /// less than 50 mm of A4 for the text).
    fn check(&self) -> Result<()> {
        let [top, right, bottom, left] = self.margins_mm;
        let sane = self
            .margins_mm
            .iter()
            .all(|m| m.is_finite() && (0.0..=80.0).contains(m));
        if !sane || 210.0 - left - right < 50.0 || 297.0 - top - bottom < 50.0 {
            return Err(Error::invalid(
                "margins_mm",
                "lề trang phải từ 0 đến 80 mm và chừa ít nhất 50 mm cho nội dung",
            ));
        }
        Ok(())
    }
}

/// The place-date line of a party document: "Hà Tĩnh, ngày 02 tháng 8 năm 2022"
/// (day on two digits, month as a plain number).
pub fn place_date(place: &str, date: chrono::NaiveDate) -> String {
    format!("{place}, {}", crate::dates::vi_prose(date))
}

/// A date as printed in tables: "09/08/2022".
pub fn short_date(date: chrono::NaiveDate) -> String {
    crate::dates::vi(date)
}

/// Compiles a typst `source` to PDF with the bundled fonts only.
///
/// `files` are virtual files reachable from the source by path, e.g.
/// `("data.json", bytes)` read with `json("data.json")`. Every document can
/// also `#import "/giaonhan/party.typ": *` for the party layout; a caller's
/// file may not reuse that name nor `main.typ`.
pub fn render(source: &str, files: &[(&str, Vec<u8>)]) -> Result<Vec<u8>> {
    compile(source, files).map(|(pdf, _warnings)| pdf)
}

/// [`render`], also returning typst's warnings (tests assert there are none).
pub(crate) fn compile(source: &str, files: &[(&str, Vec<u8>)]) -> Result<(Vec<u8>, Vec<String>)> {
    let (pdf, warnings) = lay_out(source, files, |document| {
        typst_pdf::pdf(document, &typst_pdf::PdfOptions::default())
    })?;
    Ok((pdf, warnings))
}

/// The pages of the document as SVG images, for a preview in the window that
/// looks exactly like the printed PDF.
pub fn render_svg(source: &str, files: &[(&str, Vec<u8>)]) -> Result<Vec<String>> {
    let (pages, _warnings) = lay_out(source, files, |document| Ok(svg_pages(document.pages())))?;
    Ok(pages)
}

/// Lays the document out once and turns it into an output with `emit`.
fn lay_out<T>(
    source: &str,
    files: &[(&str, Vec<u8>)],
    emit: impl FnOnce(&PagedDocument) -> typst::diag::SourceResult<T>,
) -> Result<(T, Vec<String>)> {
    let (world, document, warnings) = typeset(source, files)?;
    let out = emit(&document).map_err(|diags| world.errors(&diags))?;
    Ok((out, warnings))
}

/// One compilation: the world it ran in (to name the place of an error
/// found later, when the pages are turned into PDF), the laid-out document
/// and typst's warnings.
pub(crate) fn typeset(source: &str, files: &[(&str, Vec<u8>)]) -> Result<(PrintWorld, PagedDocument, Vec<String>)> {
    let world = PrintWorld::new(source, files).map_err(typst_error)?;
    let compiled = typst::compile::<PagedDocument>(&world);
    let warnings: Vec<String> = compiled.warnings.iter().map(|w| world.describe(w)).collect();
    // typst memoises layout work across compilations; keep the cache from
    // growing without bound in a long-running app.
    typst::comemo::evict(10);
    let document = compiled.output.map_err(|diags| world.errors(&diags))?;
    Ok((world, document, warnings))
}

/// Pages as SVG images.
pub(crate) fn svg_pages(pages: &[typst_layout::Page]) -> Vec<String> {
    let options = typst_svg::SvgOptions::default();
    pages.iter().map(|page| typst_svg::svg(page, &options)).collect()
}

impl PrintWorld {
    /// typst's errors as one message, each with its place ("dòng 2").
    fn errors(&self, diags: &[typst::diag::SourceDiagnostic]) -> Error {
        typst_error(diags.iter().map(|d| self.describe(d)).collect::<Vec<_>>().join("; "))
    }
}

fn typst_error(message: String) -> Error {
    Error::Pdf(message)
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the print tests: external tools that read PDFs back, and the
    //! folder where rendered pages are kept for people to look at.

    use std::path::{Path, PathBuf};
    use std::process::Command;

    /// Runs a tool that `scripts/setup.sh` installs; fails the test with a clear
    /// message when it is missing or fails.
    pub(crate) fn run_tool(tool: &str, args: &[&std::ffi::OsStr]) -> String {
        let output = Command::new(tool).args(args).output().unwrap_or_else(|e| {
            panic!("cannot run `{tool}` ({e}); install it with scripts/setup.sh (Debian packages poppler-utils, zbar-tools)")
        });
        assert!(
            output.status.success(),
            "`{tool}` failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("tool output is UTF-8")
    }

    /// `pdftotext -layout` of the whole file.
    pub(crate) fn pdf_text(pdf: &Path) -> String {
        run_tool("pdftotext", &["-layout".as_ref(), pdf.as_os_str(), "-".as_ref()])
    }

    /// Number of pages, from `pdfinfo`.
    pub(crate) fn page_count(pdf: &Path) -> usize {
        let info = run_tool("pdfinfo", &[pdf.as_os_str()]);
        info.lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .expect("pdfinfo prints the page count")
    }

    /// Renders one page at 150 dpi to `<out_stem>.png` and returns its path.
    pub(crate) fn render_page(pdf: &Path, page: usize, out_stem: &Path) -> PathBuf {
        let page = page.to_string();
        run_tool(
            "pdftoppm",
            &[
                "-r".as_ref(),
                "150".as_ref(),
                "-png".as_ref(),
                "-singlefile".as_ref(),
                "-f".as_ref(),
                page.as_ref(),
                "-l".as_ref(),
                page.as_ref(),
                pdf.as_os_str(),
                out_stem.as_os_str(),
            ],
        );
        out_stem.with_extension("png")
    }

    /// `target/print-artifacts/`, created if needed.
    pub(crate) fn artifacts_dir() -> PathBuf {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
        let dir = target.join("print-artifacts");
        std::fs::create_dir_all(&dir).expect("create target/print-artifacts");
        dir
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[test]
    fn bundled_fonts_load() {
        assert_eq!(
            world::font_count(),
            5,
            "four Liberation Serif faces and Liberation Mono Bold"
        );
    }

    #[test]
    fn place_date_follows_the_party_style() {
        let date = chrono::NaiveDate::from_ymd_opt(2022, 8, 2).unwrap();
        assert_eq!(place_date("Hà Tĩnh", date), "Hà Tĩnh, ngày 02 tháng 8 năm 2022");
        assert_eq!(short_date(date), "02/08/2022");
    }

    #[test]
    fn render_reads_data_from_a_virtual_file_and_prints_markup_literally() {
        let source = r#"
#import "/giaonhan/party.typ": *
#let d = json("data.json")
#show: party-page.with(d.letterhead)
#letterhead(d.letterhead, d.date)
#title("Danh sách")
#d.text
"#;
        let data = serde_json::json!({
            "letterhead": Letterhead::sample(),
            "date": "Hà Tĩnh, ngày 02 tháng 8 năm 2022",
            "text": "Chi bộ #1 [thôn] *Đông* $x$ ]",
        });
        let (pdf, warnings) = compile(source, &[("data.json", serde_json::to_vec(&data).unwrap())]).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("render.pdf");
        std::fs::write(&path, pdf).unwrap();
        let text = pdf_text(&path);
        for s in [
            "ĐẢNG BỘ TỈNH HÀ TĨNH",
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            "Hà Tĩnh, ngày 02 tháng 8 năm 2022",
            "DANH SÁCH",
            "Chi bộ #1 [thôn] *Đông* $x$ ]",
        ] {
            assert!(text.contains(s), "{s:?} missing from:\n{text}");
        }
    }

    #[test]
    fn typst_errors_become_pdf_errors_naming_the_line() {
        let err = render("#let x = 1\n#undefined-thing", &[]).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, Error::Pdf(_)), "{err:?}");
        assert!(
            message.contains("undefined-thing") && message.contains("dòng 2"),
            "{message}"
        );

        let err = render("#json(\"missing.json\")", &[]).unwrap_err();
        assert!(err.to_string().contains("missing.json"), "{err}");

        let err = render("x", &[("giaonhan/party.typ", vec![])]).unwrap_err();
        assert!(err.to_string().contains("trùng tên"), "{err}");
    }

    #[test]
    fn long_tables_break_across_pages_with_page_numbers_from_page_two() {
        let source = r#"
#import "/giaonhan/party.typ": *
#let d = json("data.json")
#show: party-page.with(d.letterhead)
#letterhead(d.letterhead, "Hà Tĩnh, ngày 02 tháng 8 năm 2022")
#v(1em)
#title("Danh sách đơn vị chưa xác nhận")
#table(columns: (1fr, 3fr), table.header[*STT*][*Đơn vị*], ..d.rows.map(r => (r.n, r.name)).flatten())
#signatures(((role: "Người lập biểu", note: "(Ký, ghi rõ họ tên)"), (role: "T/M Ban Thường vụ", note: "(Ký, ghi rõ họ tên)")))
"#;
        let rows: Vec<_> = (1..=120)
            .map(|n| serde_json::json!({"n": n.to_string(), "name": format!("Chi bộ Thôn {n} Hương Khê")}))
            .collect();
        let data = serde_json::json!({"letterhead": Letterhead::sample(), "rows": rows});
        let pdf = render(source, &[("data.json", serde_json::to_vec(&data).unwrap())]).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("table.pdf");
        std::fs::write(&path, pdf).unwrap();
        let pages = page_count(&path);
        assert!(pages >= 3, "{pages} pages");
        render_page(&path, 1, &artifacts_dir().join("party-table-page1"));
        render_page(&path, 2, &artifacts_dir().join("party-table-page2"));
        let text = pdf_text(&path);
        let page_texts: Vec<&str> = text.split('\u{c}').collect();
        for (i, page) in page_texts.iter().take(pages).enumerate() {
            assert!(page.contains("Đơn vị"), "header repeated on page {}", i + 1);
            let first_line = page.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
            if i == 0 {
                assert_ne!(first_line, "1", "no page number on page 1");
            } else {
                assert_eq!(first_line, (i + 1).to_string(), "page number on page {}", i + 1);
            }
        }
        for n in 1..=120 {
            assert!(text.contains(&format!("Chi bộ Thôn {n} Hương Khê")), "row {n}");
        }
    }

    #[test]
    fn bad_margins_are_refused() {
        let mut lh = Letterhead::sample();
        assert!(lh.check().is_ok());
        lh.margins_mm = [20.0, 100.0, 20.0, 30.0];
        assert!(matches!(lh.check(), Err(Error::Invalid { .. })));
        lh.margins_mm = [f32::NAN, 15.0, 20.0, 30.0];
        assert!(lh.check().is_err());
    }
}

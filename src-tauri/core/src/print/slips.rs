//! Delivery slips (phiếu giao nhận) of a batch in one PDF: one slip per unit,
//! each with its documents, a signature block and the receipt code in large
//! type beside its QR code. One slip per A4 page, or two A5-height slips per
//! page with a cut line (a slip too long for half a page gets a page of its own).
//! The same pages as SVG images for the preview in the window.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use serde::{Deserialize, Serialize};

use super::{place_date, short_date, Letterhead, Printout};
use crate::{Error, Result};

const TEMPLATE: &str = include_str!("slips.typ");

/// One document handed to the unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlipLine {
    /// Số, ký hiệu: "45-HD/BTGTW".
    pub symbol: String,
    /// Trích yếu: the document's summary.
    pub title: String,
    pub copies: u32,
    /// The numbered copies of a classified document, "03, 04"; empty otherwise.
    #[serde(default)]
    pub copy_numbers: String,
}

/// The slip of one receiving unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slip {
    pub unit_code: String,
    pub unit_name: String,
    /// The unit's parent (e.g. the grassroots committee), printed as "Trực thuộc".
    pub parent_name: Option<String>,
    /// The 8-character receipt code, printed as "ABCD-EFGH" and as a QR code.
    pub receipt_code: String,
    pub lines: Vec<SlipLine>,
}

/// The slips of a batch as the preview shows them: the first pages as SVG
/// images (exactly as they print), how many pages the whole PDF has, and the
/// units whose slips they are (to reprint one of them).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SlipPreview {
    /// At most the first `max_pages` pages.
    pub pages: Vec<String>,
    /// Pages of the whole printout (more than `pages` for a large batch).
    pub total_pages: u32,
    pub units: Vec<SlipUnit>,
}

/// A unit with a slip in the preview.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SlipUnit {
    pub code: String,
    pub name: String,
    pub receipt_code: String,
}

/// The batch the slips belong to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlipBatch {
    /// "Đợt 2/2022".
    pub code: String,
    /// The batch's purpose: "Học tập Nghị quyết Hội nghị Trung ương 5 khóa XIII".
    pub title: String,
    pub handed_on: chrono::NaiveDate,
    pub due_on: chrono::NaiveDate,
}

/// What `slips.typ` reads from `data.json`: the slips with every text already
/// formatted, so the template only lays out.
#[derive(Serialize)]
struct SlipsData<'a> {
    letterhead: &'a Letterhead,
    date_line: String,
    per_page: u8,
    batch: BatchData<'a>,
}

#[derive(Serialize)]
struct BatchData<'a> {
    code: &'a str,
    title: &'a str,
    due: String,
}

#[derive(Serialize)]
struct SlipData<'a> {
    unit_code: &'a str,
    unit_name: &'a str,
    parent_name: Option<&'a str>,
    code_display: String,
    qr: String,
    lines: Vec<LineData<'a>>,
    total: String,
}

#[derive(Serialize)]
struct LineData<'a> {
    symbol: &'a str,
    title: &'a str,
    copies: String,
    copy_numbers: &'a str,
}

/// "ABCD-EFGH" for an 8-character code; other lengths print as they are.
pub(crate) fn display_code(code: &str) -> String {
    if code.len() == 8 && code.is_ascii() {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_owned()
    }
}

/// The QR code of `text` as an SVG document (with its quiet zone).
pub(crate) fn qr_svg(text: &str) -> Result<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| Error::invalid("receipt_code", format!("không tạo được mã QR cho '{text}': {e}")))?;
    Ok(code
        .render::<svg::Color>()
        .quiet_zone(true)
        .min_dimensions(200, 200)
        .build())
}

/// All slips of a batch in one PDF: one slip per A4 page, or with `per_page`
/// 2 two A5-height slips per A4 page with a cut line between them.
pub fn slips_pdf(letterhead: &Letterhead, batch: &SlipBatch, slips: &[Slip], per_page: u8) -> Result<Vec<u8>> {
    slips_printout(letterhead, batch, slips, per_page)?.pdf()
}

/// The first `max_pages` pages of [`slips_pdf`] as SVG images, exactly as they
/// print (a batch of thousands of slips is previewed by its first pages; the
/// PDF holds them all), with the number of pages of the whole printout.
pub fn slips_svg(
    letterhead: &Letterhead,
    batch: &SlipBatch,
    slips: &[Slip],
    per_page: u8,
    max_pages: usize,
) -> Result<SlipPreview> {
    let (pages, total) = slips_printout(letterhead, batch, slips, per_page)?.first_pages(max_pages)?;
    Ok(SlipPreview {
        pages,
        total_pages: u32::try_from(total).unwrap_or(u32::MAX),
        units: slip_units(slips),
    })
}

/// The units the slips are for, in their order (the preview's "Phiếu của").
pub fn slip_units(slips: &[Slip]) -> Vec<SlipUnit> {
    slips
        .iter()
        .map(|s| SlipUnit {
            code: s.unit_code.clone(),
            name: s.unit_name.clone(),
            receipt_code: s.receipt_code.clone(),
        })
        .collect()
}

/// [`slips_pdf`] with typst's warnings (tests assert there are none).
#[cfg(test)]
fn compile_slips(
    letterhead: &Letterhead,
    batch: &SlipBatch,
    slips: &[Slip],
    per_page: u8,
) -> Result<(Vec<u8>, Vec<String>)> {
    slips_printout(letterhead, batch, slips, per_page)?.pdf_with_warnings()
}

/// The slips as a printout laid out some slips at a time (a batch of
/// thousands of units in one layout took gigabytes); refuses what cannot be
/// laid out.
pub fn slips_printout(letterhead: &Letterhead, batch: &SlipBatch, slips: &[Slip], per_page: u8) -> Result<Printout> {
    if !matches!(per_page, 1 | 2) {
        return Err(Error::invalid("per_page", "mỗi trang in 1 hoặc 2 phiếu"));
    }
    if slips.is_empty() {
        return Err(Error::invalid("slips", "đợt này không có phiếu nào để in"));
    }
    letterhead.check()?;
    let items = slips
        .iter()
        .map(|s| {
            let total: i64 = s.lines.iter().map(|l| i64::from(l.copies)).sum();
            let slip = SlipData {
                unit_code: &s.unit_code,
                unit_name: &s.unit_name,
                parent_name: s.parent_name.as_deref().filter(|p| !p.trim().is_empty()),
                code_display: display_code(&s.receipt_code),
                qr: qr_svg(&s.receipt_code)?,
                lines: s
                    .lines
                    .iter()
                    .map(|l| LineData {
                        symbol: &l.symbol,
                        title: &l.title,
                        copies: crate::text::thousands(i64::from(l.copies)),
                        copy_numbers: &l.copy_numbers,
                    })
                    .collect(),
                total: crate::text::thousands(total),
            };
            Ok(serde_json::to_value(slip)?)
        })
        .collect::<Result<Vec<_>>>()?;
    let data = SlipsData {
        letterhead,
        date_line: place_date(&letterhead.place, batch.handed_on),
        per_page,
        batch: BatchData {
            code: &batch.code,
            title: &batch.title,
            due: short_date(batch.due_on),
        },
    };
    Ok(Printout::in_pieces(TEMPLATE, "slips", &data, items)?.in_chunks_of(super::printout::PAGES_ITEMS))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::time::Instant;

    use chrono::NaiveDate;

    use super::super::testing::*;
    use super::*;

    fn batch() -> SlipBatch {
        SlipBatch {
            code: "Đợt 2/2022".into(),
            title: "Học tập Nghị quyết Hội nghị Trung ương 5 khóa XIII".into(),
            handed_on: NaiveDate::from_ymd_opt(2022, 8, 2).unwrap(),
            due_on: NaiveDate::from_ymd_opt(2022, 8, 9).unwrap(),
        }
    }

    fn line(symbol: &str, title: &str, copies: u32) -> SlipLine {
        SlipLine {
            symbol: symbol.into(),
            title: title.into(),
            copies,
            copy_numbers: String::new(),
        }
    }

    fn three_slips() -> Vec<Slip> {
        let lines = vec![
            line("45-HD/BTGTW", "Hướng dẫn học tập Nghị quyết Trung ương 5", 12),
            line("12-TL/TU", "Tài liệu tuyên truyền kỷ niệm 92 năm thành lập Đảng", 3),
            line("Sổ tay 2022", "Sổ tay công tác đảng viên", 1000),
        ];
        vec![
            Slip {
                unit_code: "HK-TT".into(),
                unit_name: "Đảng bộ Thị trấn Hương Khê".into(),
                parent_name: Some("Đảng bộ huyện Hương Khê".into()),
                receipt_code: "7K3M9QXA".into(),
                lines: lines.clone(),
            },
            Slip {
                unit_code: "HK-PD-01".into(),
                unit_name: "Chi bộ Thôn #1 [Phúc Đồng] ]".into(),
                parent_name: Some("Đảng ủy xã Phúc Đồng".into()),
                receipt_code: "R2D2C3P0".into(),
                lines: lines[..1].to_vec(),
            },
            Slip {
                unit_code: "HK-HL".into(),
                unit_name: "Chi bộ Trường THPT Hương Khê".into(),
                parent_name: None,
                receipt_code: "ZX81ABCD".into(),
                lines: lines[1..].to_vec(),
            },
        ]
    }

    fn write(pdf: Vec<u8>, dir: &tempfile::TempDir, name: &str) -> std::path::PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, pdf).unwrap();
        path
    }

    /// Decodes every QR code on a PNG with zbarimg.
    fn qr_codes(png: &std::path::Path) -> BTreeSet<String> {
        run_tool("zbarimg", &["--raw".as_ref(), "-q".as_ref(), png.as_os_str()])
            .lines()
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect()
    }

    #[test]
    fn display_code_splits_eight_characters() {
        assert_eq!(display_code("ABCDEFGH"), "ABCD-EFGH");
        assert_eq!(display_code("ABC"), "ABC");
    }

    #[test]
    fn three_slips_print_exact_vietnamese_text_and_a_decodable_qr() {
        let slips = three_slips();
        let lh = Letterhead::sample();
        let dir = tempfile::tempdir().unwrap();
        let (pdf, warnings) = compile_slips(&lh, &batch(), &slips, 1).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let path = write(pdf, &dir, "slips.pdf");
        assert_eq!(page_count(&path), 3, "one slip per page");
        let text = pdf_text(&path);
        let pages: Vec<&str> = text.split('\u{c}').collect();
        for s in [
            "ĐẢNG BỘ TỈNH HÀ TĨNH",
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            "Hà Tĩnh, ngày 02 tháng 8 năm 2022",
            "PHIẾU GIAO NHẬN TÀI LIỆU",
            "Đợt 2/2022: Học tập Nghị quyết Hội nghị Trung ương 5 khóa XIII",
            "STT",
            "Số, ký hiệu",
            "Trích yếu",
            "Số bản",
            "Cộng",
            "Hạn xác nhận: 09/08/2022",
            "NGƯỜI GIAO",
            "NGƯỜI NHẬN",
            "(Ký, ghi rõ họ tên)",
            "Ngày nhận: ....../....../......",
        ] {
            for (i, page) in pages.iter().take(3).enumerate() {
                assert!(page.contains(s), "{s:?} missing from page {}:\n{page}", i + 1);
            }
        }
        // The issuing body may wrap inside its column; its words stay in order.
        let words: Vec<&str> = pages[0].split_whitespace().collect();
        let issuing: Vec<&str> = lh.issuing_body.split_whitespace().collect();
        let first = words
            .iter()
            .position(|w| *w == issuing[0])
            .expect("issuing body printed");
        let found: Vec<&str> = words[first..]
            .iter()
            .filter(|w| issuing.contains(w))
            .take(issuing.len())
            .copied()
            .collect();
        assert_eq!(found, issuing);

        let expect = [
            (
                0,
                vec![
                    "Đơn vị nhận: Đảng bộ Thị trấn Hương Khê (HK-TT)",
                    "Trực thuộc: Đảng bộ huyện Hương Khê",
                    "Mã nhận: 7K3M-9QXA",
                    "45-HD/BTGTW",
                    "Hướng dẫn học tập Nghị quyết Trung ương 5",
                    "12-TL/TU",
                    "1.000",
                    "1.015",
                ],
            ),
            (
                1,
                vec![
                    "Đơn vị nhận: Chi bộ Thôn #1 [Phúc Đồng] ] (HK-PD-01)",
                    "Trực thuộc: Đảng ủy xã Phúc Đồng",
                    "Mã nhận: R2D2-C3P0",
                ],
            ),
            (
                2,
                vec![
                    "Đơn vị nhận: Chi bộ Trường THPT Hương Khê (HK-HL)",
                    "Mã nhận: ZX81-ABCD",
                ],
            ),
        ];
        for (page, strings) in expect {
            for s in strings {
                assert!(
                    pages[page].contains(s),
                    "{s:?} missing from page {}:\n{}",
                    page + 1,
                    pages[page]
                );
            }
        }
        assert!(!pages[2].contains("Trực thuộc"), "no parent line without a parent");

        let png = render_page(&path, 1, &artifacts_dir().join("slips-page1"));
        assert_eq!(qr_codes(&png), BTreeSet::from(["7K3M9QXA".to_owned()]));
    }

    #[test]
    fn two_slips_per_page_share_an_a4_page_with_a_cut_line() {
        let slips = three_slips();
        let dir = tempfile::tempdir().unwrap();
        let (pdf, warnings) = compile_slips(&Letterhead::sample(), &batch(), &slips, 2).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let path = write(pdf, &dir, "slips2.pdf");
        let png = render_page(&path, 1, &artifacts_dir().join("slips-2up-page1"));
        assert_eq!(page_count(&path), 2);
        let text = pdf_text(&path);
        let pages: Vec<&str> = text.split('\u{c}').collect();
        assert_eq!(pages[0].matches("PHIẾU GIAO NHẬN TÀI LIỆU").count(), 2);
        assert!(pages[0].contains("Mã nhận: 7K3M-9QXA") && pages[0].contains("Mã nhận: R2D2-C3P0"));
        assert!(pages[1].contains("Mã nhận: ZX81-ABCD"));
        assert_eq!(
            qr_codes(&png),
            BTreeSet::from(["7K3M9QXA".to_owned(), "R2D2C3P0".to_owned()])
        );
    }

    #[test]
    fn slips_laid_out_some_at_a_time_print_the_pages_of_one_layout() {
        // Nine slips two to a page, the fourth too long for half a page: in
        // parts of two slips, each part starts at a slip that begins a page.
        let mut slips: Vec<Slip> = (0..3).flat_map(|_| three_slips()).collect();
        for (i, s) in slips.iter_mut().enumerate() {
            s.unit_code = format!("CB{i:02}");
        }
        slips[3].lines = (1..=40)
            .map(|n| line(&format!("{n}-CV/HU"), &format!("Công văn số {n}"), n))
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let lh = Letterhead::sample();
        for per_page in [1, 2] {
            let printout = slips_printout(&lh, &batch(), &slips, per_page).unwrap();
            let whole = write(
                printout.clone().in_chunks_of(usize::MAX).pdf().unwrap(),
                &dir,
                "whole.pdf",
            );
            let parts = write(printout.in_chunks_of(2).pdf().unwrap(), &dir, "parts.pdf");
            let (whole, parts) = (pdf_text(&whole), pdf_text(&parts));
            assert_eq!(parts, whole, "{per_page} per page");
            for i in 0..9 {
                assert_eq!(
                    parts.matches(&format!("(CB{i:02})")).count(),
                    1 + usize::from(i == 3),
                    "slip {i}"
                );
            }
        }
    }

    #[test]
    fn a_long_slip_breaks_across_pages_and_gets_its_own_page_when_two_up() {
        let mut slips = three_slips();
        slips[1].lines = (1..=40)
            .map(|n| {
                line(
                    &format!("{n}-CV/HU"),
                    &format!("Công văn số {n} của Huyện ủy Hương Khê"),
                    n,
                )
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            slips_pdf(&Letterhead::sample(), &batch(), &slips, 2).unwrap(),
            &dir,
            "long.pdf",
        );
        let text = pdf_text(&path);
        for n in 1..=40 {
            assert!(
                text.contains(&format!("Công văn số {n} của Huyện ủy Hương Khê")),
                "line {n}"
            );
        }
        assert!(text.contains("820"), "total of 1..=40 copies");
        let pages: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
        // Slip 1 alone on page 1 (slip 2 does not fit beside it), slip 2 over
        // pages 2-3 with its table header repeated, slip 3 on page 4.
        assert_eq!(pages.len(), 4, "{text}");
        assert!(pages[0].contains("7K3M-9QXA") && !pages[0].contains("R2D2-C3P0"));
        assert!(pages[2].contains("Số, ký hiệu"), "header repeated:\n{}", pages[2]);
        assert!(
            pages[2]
                .contains("Phiếu giao nhận của Chi bộ Thôn #1 [Phúc Đồng] ] (HK-PD-01), mã nhận R2D2-C3P0 (tiếp theo)"),
            "continuation names the unit:\n{}",
            pages[2]
        );
        assert!(!pages[1].contains("(tiếp theo)"), "not on the slip's first page");
        assert!(pages[3].contains("ZX81-ABCD"));
        render_page(&path, 3, &artifacts_dir().join("slips-long-page3"));
    }

    #[test]
    fn the_preview_pages_are_the_printed_pages() {
        let slips = three_slips();
        let lh = Letterhead::sample();
        for (per_page, pages) in [(1, 3), (2, 2)] {
            let preview = slips_svg(&lh, &batch(), &slips, per_page, 100).unwrap();
            let svg = &preview.pages;
            assert_eq!(
                (svg.len(), preview.total_pages),
                (pages, pages as u32),
                "{per_page} per page"
            );
            assert!(svg.iter().all(|p| p.starts_with("<svg")), "SVG pages");
            let dir = tempfile::tempdir().unwrap();
            let pdf = write(slips_pdf(&lh, &batch(), &slips, per_page).unwrap(), &dir, "slips.pdf");
            assert_eq!(page_count(&pdf), pages, "as many pages as the PDF");
        }
        // A4 portrait: 595 × 842 points.
        let preview = slips_svg(&lh, &batch(), &slips, 1, 2).unwrap();
        assert_eq!(
            (preview.pages.len(), preview.total_pages),
            (2, 3),
            "the first two of three pages"
        );
        let units: Vec<(&str, &str)> = preview
            .units
            .iter()
            .map(|u| (u.code.as_str(), u.receipt_code.as_str()))
            .collect();
        assert_eq!(
            units,
            [("HK-TT", "7K3M9QXA"), ("HK-PD-01", "R2D2C3P0"), ("HK-HL", "ZX81ABCD")]
        );
        let first = &preview.pages[0];
        assert!(
            first.contains("viewBox=\"0 0 595.2"),
            "{}",
            &first[..200.min(first.len())]
        );
        assert!(slips_svg(&lh, &batch(), &slips, 3, 10).is_err(), "1 or 2 per page only");
    }

    #[test]
    fn bad_input_is_refused() {
        let lh = Letterhead::sample();
        let err = slips_pdf(&lh, &batch(), &three_slips(), 3).unwrap_err();
        assert!(
            matches!(err, Error::Invalid { ref field, .. } if field == "per_page"),
            "{err:?}"
        );
        assert!(slips_pdf(&lh, &batch(), &[], 1).is_err());
    }

    #[test]
    fn two_hundred_slips_render() {
        let base = three_slips();
        let slips: Vec<Slip> = (0..200)
            .map(|i| {
                let mut s = base[i % 3].clone();
                s.unit_code = format!("U{i:03}");
                s.receipt_code = format!("AB{i:06}");
                s
            })
            .collect();
        for per_page in [1, 2] {
            let started = Instant::now();
            let pdf = slips_pdf(&Letterhead::sample(), &batch(), &slips, per_page).unwrap();
            eprintln!(
                "200 slips, {per_page} per page: {:?}, {} KiB",
                started.elapsed(),
                pdf.len() / 1024
            );
            assert!(pdf.starts_with(b"%PDF"));
        }
    }
}

//! The printed identity card (thẻ định danh): one A4 page in the party layout
//! with the office's unit and name, the installation id, the fingerprint in
//! large type (two lines of three groups), a QR code holding the identity
//! card file byte for byte, and lines to sign and stamp. It travels on paper
//! with the first stick; the other office types the fingerprint from it.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use serde::Serialize;

use super::{compile, place_date, Letterhead};
use crate::{Error, Result};

const TEMPLATE: &str = include_str!("card.typ");

/// What the printed card shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardSheet {
    pub unit_code: String,
    pub unit_name: String,
    pub office_name: String,
    pub id: String,
    /// Six groups of five digits separated by spaces.
    pub fingerprint: String,
    /// The identity card file as `site export` writes it (the QR code's content).
    pub card: Vec<u8>,
    /// The file name the card is saved under, named on the page.
    pub card_file_name: String,
}

#[derive(Serialize)]
struct CardData<'a> {
    letterhead: &'a Letterhead,
    date_line: String,
    unit_code: &'a str,
    unit_name: &'a str,
    office_name: &'a str,
    id: &'a str,
    fingerprint_lines: Vec<String>,
    qr: String,
    card_file_name: &'a str,
}

/// The card as a PDF, dated `date`.
pub fn site_card_pdf(letterhead: &Letterhead, sheet: &CardSheet, date: chrono::NaiveDate) -> Result<Vec<u8>> {
    compile_card(letterhead, sheet, date).map(|(pdf, _warnings)| pdf)
}

fn compile_card(letterhead: &Letterhead, sheet: &CardSheet, date: chrono::NaiveDate) -> Result<(Vec<u8>, Vec<String>)> {
    letterhead.check()?;
    let groups: Vec<&str> = sheet.fingerprint.split_whitespace().collect();
    let fingerprint_lines = groups.chunks(3).map(|c| c.join(" ")).collect();
    let code = QrCode::with_error_correction_level(&sheet.card, EcLevel::M)
        .map_err(|e| Error::invalid("card", format!("không tạo được mã QR cho thẻ định danh: {e}")))?;
    let qr = code
        .render::<svg::Color>()
        .quiet_zone(true)
        .min_dimensions(200, 200)
        .build();
    let data = CardData {
        letterhead,
        date_line: place_date(&letterhead.place, date),
        unit_code: &sheet.unit_code,
        unit_name: &sheet.unit_name,
        office_name: &sheet.office_name,
        id: &sheet.id,
        fingerprint_lines,
        qr,
        card_file_name: &sheet.card_file_name,
    };
    compile(TEMPLATE, &[("data.json", serde_json::to_vec(&data)?)])
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::super::testing::*;
    use super::*;

    #[test]
    fn the_card_prints_the_fingerprint_large_and_its_qr_holds_the_card_file() {
        let card = serde_json::to_vec_pretty(&serde_json::json!({
            "format": "sogiaonhan-site-card", "version": 1, "id": "0190aaaa-0000-7000-8000-000000000001",
            "unit": "HK", "name": "Đảng ủy xã Hương Khê #1 [a]", "public_key": "x".repeat(43),
            "fingerprint": "12345 67890 13579 24680 11223 34455",
        }))
        .unwrap();
        let sheet = CardSheet {
            unit_code: "HK".into(),
            unit_name: "Đảng bộ xã Hương Khê".into(),
            office_name: "Đảng ủy xã Hương Khê #1 [a]".into(),
            id: "0190aaaa-0000-7000-8000-000000000001".into(),
            fingerprint: "12345 67890 13579 24680 11223 34455".into(),
            card: card.clone(),
            card_file_name: "HK.card".into(),
        };
        let date = NaiveDate::from_ymd_opt(2025, 2, 3).unwrap();
        let (pdf, warnings) = compile_card(&Letterhead::sample(), &sheet, date).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("card.pdf");
        std::fs::write(&path, pdf).unwrap();
        assert_eq!(page_count(&path), 1);
        let text = pdf_text(&path);
        for s in [
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            "Hà Tĩnh, ngày 03 tháng 2 năm 2025",
            "THẺ ĐỊNH DANH TRAO ĐỔI",
            "Đảng bộ xã Hương Khê (HK)",
            "Đảng ủy xã Hương Khê #1 [a]",
            "0190aaaa-0000-7000-8000-000000000001",
            "12345 67890 13579",
            "24680 11223 34455",
            "HK.card",
            "TRƯỞNG BAN",
            "(Ký tên, đóng dấu)",
        ] {
            assert!(text.contains(s), "{s:?} missing from:\n{text}");
        }
        let png = render_page(&path, 1, &artifacts_dir().join("site-card"));
        let decoded = run_tool(
            "zbarimg",
            &["--raw".as_ref(), "-q".as_ref(), "-Sbinary".as_ref(), png.as_os_str()],
        );
        assert_eq!(decoded.trim_end_matches('\n').as_bytes(), card.as_slice());
    }
}

//! Sample data for a newcomer: a small party tree with Vietnamese names, a few
//! documents and two batches, one overdue and partly confirmed. Dates are set
//! relative to today so the overdue list always has something to show.

use chrono::{Days, NaiveDate};
use serde_json::json;

use crate::dates::today;
use crate::db::{Actor, Store};
use crate::documents::insert_document;
use crate::error::{Error, Result};
use crate::model::{Classification, Confirmation, DocQty, NewBatch, NewDocument, NewUnit};
use crate::units::insert_unit;

/// (code, name, parent, kind)
const UNITS: &[(&str, &str, Option<&str>, &str)] = &[
    ("HT", "Đảng bộ tỉnh Hà Tĩnh", None, "Đảng bộ tỉnh"),
    ("HK", "Đảng bộ xã Hương Khê", Some("HT"), "Đảng bộ cơ sở"),
    ("HK-TH", "Chi bộ thôn Trung Hòa", Some("HK"), "Chi bộ"),
    ("HK-DT", "Chi bộ thôn Đông Trung", Some("HK"), "Chi bộ"),
    ("HK-PD", "Chi bộ thôn Phúc Đồng", Some("HK"), "Chi bộ"),
    ("HK-THCS", "Chi bộ Trường THCS Hương Khê", Some("HK"), "Chi bộ"),
    ("HP", "Đảng bộ xã Hương Phố", Some("HT"), "Đảng bộ cơ sở"),
    ("HP-HB", "Chi bộ thôn Hà Bình", Some("HP"), "Chi bộ"),
    ("HP-HH", "Chi bộ thôn Hòa Hải", Some("HP"), "Chi bộ"),
    ("HP-AT", "Chi bộ thôn Ấp Tân", Some("HP"), "Chi bộ"),
    ("TS", "Đảng bộ phường Thành Sen", Some("HT"), "Đảng bộ cơ sở"),
    (
        "TS-KP",
        "Đảng bộ bộ phận khối phố Nam Hà",
        Some("TS"),
        "Đảng bộ bộ phận",
    ),
    ("TS-KP-1", "Chi bộ Tổ dân phố 1", Some("TS-KP"), "Chi bộ"),
    ("TS-KP-2", "Chi bộ Tổ dân phố 2", Some("TS-KP"), "Chi bộ"),
    ("TS-TDP5", "Chi bộ Tổ dân phố 5", Some("TS"), "Chi bộ"),
    ("TS-UB", "Chi bộ Ủy ban nhân dân phường", Some("TS"), "Chi bộ"),
];

/// (year, month, day)
type Ymd = (i32, u32, u32);

/// (symbol, title, issued, copies, classification)
const DOCUMENTS: &[(&str, &str, Ymd, u32, Classification)] = &[
    (
        "45-CT/TW",
        "Chỉ thị về đại hội đảng bộ các cấp tiến tới Đại hội đại biểu toàn quốc lần thứ XIV của Đảng",
        (2025, 4, 14),
        60,
        Classification::Normal,
    ),
    (
        "121-KL/TW",
        "Kết luận về tổng kết Nghị quyết số 18-NQ/TW về tiếp tục đổi mới, sắp xếp tổ chức bộ máy",
        (2025, 1, 24),
        40,
        Classification::Normal,
    ),
    (
        "05-KH/TU",
        "Kế hoạch học tập, quán triệt Nghị quyết Hội nghị Trung ương lần thứ mười ba khóa XIII",
        (2026, 9, 20),
        80,
        Classification::Normal,
    ),
    (
        "369-CV/BTGTU",
        "Công văn về việc tuyên truyền kỷ niệm 96 năm Ngày thành lập Đảng Cộng sản Việt Nam",
        (2026, 10, 2),
        30,
        Classification::Normal,
    ),
    (
        "12-BC/TU",
        "Báo cáo tình hình an ninh chính trị nội bộ (chỉ lưu thông tin văn bản)",
        (2026, 10, 15),
        10,
        Classification::Secret,
    ),
];

fn days_ago(n: u64) -> Result<NaiveDate> {
    today()
        .checked_sub_days(Days::new(n))
        .ok_or_else(|| Error::invalid("date", "ngày không hợp lệ"))
}

fn days_ahead(n: u64) -> Result<NaiveDate> {
    today()
        .checked_add_days(Days::new(n))
        .ok_or_else(|| Error::invalid("date", "ngày không hợp lệ"))
}

impl Store {
    /// Loads the sample data in one transaction; refused when the database
    /// already holds units, so a real register is never mixed with samples.
    pub fn load_demo(&mut self, actor: &Actor) -> Result<()> {
        let first = days_ago(40)?;
        let second = days_ago(5)?;
        let (first_due, second_due) = (days_ago(33)?, days_ahead(2)?);
        let confirmed_on = days_ago(35)?;
        self.write(actor, |dao| {
            if dao.holds_units_or_documents()? {
                return Err(Error::conflict(
                    "demo",
                    "Cơ sở dữ liệu đã có dữ liệu; chỉ nạp dữ liệu mẫu vào sổ trống",
                ));
            }
            for &(code, name, parent, kind) in UNITS {
                insert_unit(
                    dao,
                    &NewUnit {
                        code: code.into(),
                        name: name.into(),
                        parent: parent.map(Into::into),
                        kind: Some(kind.into()),
                        ..NewUnit::default()
                    },
                )?;
            }
            for &(symbol, title, (y, m, d), copies, classification) in DOCUMENTS {
                insert_document(
                    dao,
                    &NewDocument {
                        symbol: symbol.into(),
                        title: title.into(),
                        issued_on: NaiveDate::from_ymd_opt(y, m, d),
                        copies_received: copies,
                        classification,
                        term: None,
                    },
                )?;
            }
            crate::batches::hand_out(
                dao,
                &NewBatch {
                    code: format!("Đợt 1/{}", first.format("%Y")),
                    title: "Học tập, quán triệt Chỉ thị 45-CT/TW và Kết luận 121-KL/TW".into(),
                    handed_on: Some(first),
                    due_on: Some(first_due),
                    documents: vec![
                        DocQty {
                            symbol: "45-CT/TW".into(),
                            quantity: 2,
                            uid: None,
                        },
                        DocQty {
                            symbol: "121-KL/TW".into(),
                            quantity: 1,
                            uid: None,
                        },
                    ],
                    units: vec![],
                    subtrees: vec!["HK".into(), "HP".into(), "TS".into()],
                    ..NewBatch::default()
                },
            )?;
            crate::batches::hand_out(
                dao,
                &NewBatch {
                    code: format!("Đợt 2/{}", second.format("%Y")),
                    title: "Triển khai Kế hoạch 05-KH/TU học tập Nghị quyết Trung ương 13".into(),
                    handed_on: Some(second),
                    due_on: Some(second_due),
                    documents: vec![
                        DocQty {
                            symbol: "05-KH/TU".into(),
                            quantity: 3,
                            uid: None,
                        },
                        DocQty {
                            symbol: "369-CV/BTGTU".into(),
                            quantity: 1,
                            uid: None,
                        },
                    ],
                    units: vec![],
                    subtrees: vec!["HK".into(), "TS".into()],
                    ..NewBatch::default()
                },
            )?;
            for (unit, by) in [
                ("HK-TH", "Nguyễn Văn Hòa"),
                ("HK-DT", "Trần Thị Lý"),
                ("HP-HB", "Lê Đình Phúc"),
                ("TS-KP-1", "Phan Thị Ngọc Ánh"),
            ] {
                crate::receipts::confirm(
                    dao,
                    &Confirmation {
                        batch: format!("Đợt 1/{}", first.format("%Y")),
                        unit_code: unit.into(),
                        by: by.into(),
                        on: Some(confirmed_on),
                        ..Confirmation::default()
                    },
                    None,
                )?;
            }
            dao.log(
                "demo.load",
                None,
                &json!({ "units": UNITS.len(), "documents": DOCUMENTS.len() }),
            )?;
            // The sample office's names, so that the sample can be printed.
            crate::reports::sample_letterhead_if_none(dao)
        })
    }
}

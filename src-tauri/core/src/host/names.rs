//! The names of the files the app saves, as its save dialog suggests them
//! (a list with its day, the transfer register with its period, the slips
//! of a batch, a backup with its time), and the one file an unattended run
//! may name for import: a plain file name inside a given folder.

use std::path::{Component, Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};

use crate::dates;
use crate::error::{Error, Result};
use crate::import::Register;
use crate::model::{OutstandingQuery, PrintList, SaveFormat};
use crate::text;

/// A list printed from the outstanding filters, named for the day it is
/// drawn up for (today when the filters name none):
/// `danh-sach-chua-xac-nhan-2025-02-16.pdf`.
pub fn list_file_name(list: PrintList, format: SaveFormat, query: &OutstandingQuery) -> String {
    let stem = match list {
        PrintList::Outstanding => "danh-sach-chua-xac-nhan",
        PrintList::Calls => "danh-sach-lien-he",
        PrintList::Reminders => "giay-nhac",
    };
    let day = query.as_of.unwrap_or_else(dates::today).format("%Y-%m-%d");
    format!("{stem}-{day}.{}", format.extension())
}

/// The transfer register of a period: `so-chuyen-giao-2025-01-01-2025-03-31.pdf`.
pub fn register_book_file_name(from: NaiveDate, to: NaiveDate, format: SaveFormat) -> String {
    format!(
        "so-chuyen-giao-{}-{}.{}",
        from.format("%Y-%m-%d"),
        to.format("%Y-%m-%d"),
        format.extension()
    )
}

/// A register's export (`don-vi.csv`) or its empty template (`mau-nhap-don-vi.xlsx`).
pub fn register_file_name(register: Register, template: bool, xlsx: bool) -> String {
    let stem = match (register, template) {
        (Register::Units, false) => "don-vi",
        (Register::Units, true) => "mau-nhap-don-vi",
        (Register::Documents, false) => "van-ban",
        (Register::Documents, true) => "mau-nhap-van-ban",
    };
    format!("{stem}.{}", if xlsx { "xlsx" } else { "csv" })
}

/// An empty reorganisation plan to fill in.
pub const PLAN_TEMPLATE_FILE_NAME: &str = "mau-phuong-an-sap-xep.xlsx";

/// A study campaign's summary (`bao-cao-hoc-tap-HT-2025-01.pdf`) or its
/// reminder slips (`giay-nhac-hoc-tap-HT-2025-01.pdf`).
pub fn study_file_name(campaign: &str, reminders: bool, format: SaveFormat) -> String {
    let stem = if reminders {
        "giay-nhac-hoc-tap"
    } else {
        "bao-cao-hoc-tap"
    };
    format!("{stem}-{}.{}", text::file_stem(campaign), format.extension())
}

/// The delivery slips of a batch, every unit's or one `unit`'s:
/// `phieu-giao-nhan-D1-2025-HK-01.pdf` (made safe for a file name).
pub fn slips_file_name(batch: &str, unit: Option<&str>) -> String {
    let stem = match unit {
        Some(u) => format!("{batch}-{u}"),
        None => batch.to_owned(),
    };
    format!("phieu-giao-nhan-{}.pdf", text::file_stem(&stem))
}

/// The printed identity card of our unit: `the-dinh-danh-HK.pdf`.
pub fn site_card_file_name(unit: &str) -> String {
    format!("the-dinh-danh-{}.pdf", text::file_stem(unit))
}

/// A backup made now (local time `now`): `sogiaonhan-20250216-093000.sqlite3`.
pub fn backup_file_name(now: NaiveDateTime) -> String {
    format!("sogiaonhan-{}.sqlite3", now.format("%Y%m%d-%H%M%S"))
}

/// The file `name` in `dir`, for a run that names the file to import
/// instead of asking: a plain file name only, never a path that could
/// leave the folder.
pub fn file_in_folder(dir: &Path, name: &str) -> Result<PathBuf> {
    let plain = matches!(
        Path::new(name).components().collect::<Vec<_>>()[..],
        [Component::Normal(_)]
    );
    if !plain {
        return Err(Error::invalid(
            "file",
            format!("«{name}»: cần tên một tệp trong thư mục nhập"),
        ));
    }
    Ok(dir.join(name))
}

//! Dates and times, in one place: UTC instants as stored, the user's "today",
//! and the Vietnamese way of writing a date (dd/mm/yyyy; in prose "ngày 02
//! tháng 8 năm 2022").

use chrono::{Datelike, NaiveDate, SecondsFormat, Utc};

/// How a date is written for people: 02/08/2022.
pub const VI_FORMAT: &str = "%d/%m/%Y";

/// The current instant, UTC, as stored (RFC 3339 with milliseconds).
pub fn now_utc() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Today in the user's time zone: due dates and days overdue are local.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// 2022-08-02 → "02/08/2022".
pub fn vi(d: NaiveDate) -> String {
    d.format(VI_FORMAT).to_string()
}

/// 2022-08-02 → "ngày 02 tháng 8 năm 2022" (the place-date line of a letter).
pub fn vi_prose(d: NaiveDate) -> String {
    format!("ngày {:02} tháng {} năm {}", d.day(), d.month(), d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_dates() {
        let d = NaiveDate::from_ymd_opt(2022, 8, 2).expect("date");
        assert_eq!(vi(d), "02/08/2022");
        assert_eq!(vi_prose(d), "ngày 02 tháng 8 năm 2022");
    }
}

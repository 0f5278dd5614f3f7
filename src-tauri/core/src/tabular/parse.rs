//! Cell values as Vietnamese users type them: dates (dd/mm/yyyy and the
//! other ways a spreadsheet writes them) and counts ("2.000" is two
//! thousand). The error is a Vietnamese reason, placed at its cell by the
//! caller.

use chrono::NaiveDate;

/// Dates as users type them: dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy,
/// yyyy-mm-dd (a trailing time, as an XLSX date-time cell gives, is ignored).
/// The error is a Vietnamese reason.
pub fn parse_date(s: &str) -> std::result::Result<NaiveDate, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("thiếu ngày".to_string());
    }
    let unreadable = || format!("không đọc được ngày «{t}»; dùng dd/mm/yyyy");
    let date = strip_time(t);
    let separator = date
        .chars()
        .find(|c| matches!(c, '/' | '-' | '.'))
        .ok_or_else(unreadable)?;
    let parts: Vec<&str> = date.split(separator).collect();
    let well_formed = parts.len() == 3
        && parts
            .iter()
            .all(|p| (1..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    if !well_formed {
        return Err(unreadable());
    }
    let (year, month, day) = match (parts[0].len(), parts[1].len(), parts[2].len()) {
        (4, 1..=2, 1..=2) => (parts[0], parts[1], parts[2]),
        (1..=2, 1..=2, 4) => (parts[2], parts[1], parts[0]),
        (1..=2, 1..=2, 2) => return Err(format!("năm trong ngày «{t}» phải đủ 4 chữ số; dùng dd/mm/yyyy")),
        _ => return Err(unreadable()),
    };
    // At most four ASCII digits each: these parses cannot fail.
    let (year, month, day): (i32, u32, u32) = (
        year.parse().map_err(|_| unreadable())?,
        month.parse().map_err(|_| unreadable())?,
        day.parse().map_err(|_| unreadable())?,
    );
    if !(1900..=2100).contains(&year) {
        return Err(format!("năm {year} trong ngày «{t}» không hợp lý"));
    }
    if month > 12 && (1..=12).contains(&day) && separator != '-' {
        return Err(format!(
            "ngày «{t}» không có thật: không có tháng {month} (ngày viết theo thứ tự ngày/tháng/năm)"
        ));
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| format!("ngày «{t}» không có thật"))
}

/// "2024-03-12 00:00:00" or "2024-03-12T10:30" → "2024-03-12".
fn strip_time(t: &str) -> &str {
    match t.split_once([' ', 'T']) {
        Some((date, time))
            if !time.is_empty()
                && time
                    .trim()
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b':' || b == b'.') =>
        {
            date.trim_end()
        }
        _ => t,
    }
}

/// Whole positive or zero numbers, accepting "2.000" and "2 000" as 2000
/// (dots or spaces between groups of three digits). The error is a
/// Vietnamese reason.
pub fn parse_count(s: &str) -> std::result::Result<u32, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("thiếu số".to_string());
    }
    if t.starts_with('-') {
        return Err(format!("số «{t}» không được âm"));
    }
    if t.contains(',') {
        return Err(format!(
            "«{t}» không phải số nguyên; viết số nguyên, ví dụ 2000 hoặc 2.000"
        ));
    }
    let groups: Vec<&str> = t.split(['.', ' ', '\u{a0}', '\u{202f}']).collect();
    let digits_only = groups
        .iter()
        .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()));
    let grouped = groups.len() == 1 || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    if !digits_only || !grouped {
        return Err(format!(
            "không đọc được số «{t}»; viết số nguyên, ví dụ 2000 hoặc 2.000"
        ));
    }
    groups.concat().parse::<u32>().map_err(|_| format!("số «{t}» quá lớn"))
}

#[cfg(test)]
mod tests {
    use crate::tabular::tests::date;

    use super::*;

    #[test]
    fn dates_as_users_type_them() {
        let ok = [
            ("02/08/2022", date(2022, 8, 2)),
            ("2/8/2022", date(2022, 8, 2)),
            ("02-08-2022", date(2022, 8, 2)),
            ("02.08.2022", date(2022, 8, 2)),
            (" 2022-08-02 ", date(2022, 8, 2)),
            ("2024-02-29", date(2024, 2, 29)),
            ("29/02/2024", date(2024, 2, 29)),
            ("2024-03-12 00:00:00", date(2024, 3, 12)),
            ("31/12/1930", date(1930, 12, 31)),
        ];
        for (s, d) in ok {
            assert_eq!(parse_date(s), Ok(d), "{s}");
        }
        assert_eq!(
            parse_date("29/02/2023"),
            Err("ngày «29/02/2023» không có thật".to_string())
        );
        assert_eq!(
            parse_date("31/02/2024"),
            Err("ngày «31/02/2024» không có thật".to_string())
        );
        assert_eq!(
            parse_date("32/01/2024"),
            Err("ngày «32/01/2024» không có thật".to_string())
        );
        assert_eq!(
            parse_date("hôm qua"),
            Err("không đọc được ngày «hôm qua»; dùng dd/mm/yyyy".to_string())
        );
        assert!(parse_date("12/25/2024").unwrap_err().contains("không có tháng 25"));
        assert!(parse_date("1/2/24").unwrap_err().contains("4 chữ số"));
        assert!(parse_date("02/08/20222").is_err());
        assert!(parse_date("02/08-2022").is_err());
        assert!(parse_date("02//2022").is_err());
        assert!(parse_date("2022-8").is_err());
        assert!(parse_date("١٢/٠٣/٢٠٢٤").is_err());
        assert!(parse_date("01/01/0202").unwrap_err().contains("không hợp lý"));
        assert_eq!(parse_date(""), Err("thiếu ngày".to_string()));
    }

    #[test]
    fn counts_with_vietnamese_thousands() {
        assert_eq!(parse_count("2.000"), Ok(2000));
        assert_eq!(parse_count("2 000"), Ok(2000));
        assert_eq!(parse_count("2\u{a0}000"), Ok(2000));
        assert_eq!(parse_count("1.234.567"), Ok(1_234_567));
        assert_eq!(parse_count(" 15 "), Ok(15));
        assert_eq!(parse_count("0"), Ok(0));
        assert_eq!(parse_count("2000"), Ok(2000));
        assert!(parse_count("2.5").unwrap_err().contains("không đọc được số «2.5»"));
        assert!(parse_count("20.00").is_err());
        assert!(parse_count("2,5").unwrap_err().contains("không phải số nguyên"));
        assert!(parse_count("-3").unwrap_err().contains("không được âm"));
        assert!(parse_count("5 bản").is_err());
        assert!(parse_count(".000").is_err());
        assert!(parse_count("99999999999").unwrap_err().contains("quá lớn"));
        assert_eq!(parse_count(""), Err("thiếu số".to_string()));
    }
}

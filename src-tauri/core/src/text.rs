//! Vietnamese text: NFC storage, diacritic-free search keys, and the CLDR "vi"
//! collation (a < ă < â, d < đ, … with tones as a weaker difference).

use std::cmp::Ordering;
use std::sync::OnceLock;

use icu_collator::options::CollatorOptions;
use icu_collator::preferences::CollationNumericOrdering;
use icu_collator::CollatorPreferences;
use icu_collator::{Collator, CollatorBorrowed};
use icu_locale_core::locale;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Trims, folds runs of white space to one space and returns the NFC form:
/// every string is stored this way, whatever form the keyboard sent.
pub fn clean(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `clean`, but `None` for a blank string.
pub fn clean_opt(s: Option<&str>) -> Option<String> {
    s.map(clean).filter(|s| !s.is_empty())
}

/// A code typed by a user (a unit's code): `clean`ed, required and one
/// word; a refusal names `field` and calls the code `label`.
pub(crate) fn clean_code(field: &str, label: &str, raw: &str) -> crate::error::Result<String> {
    use crate::error::Error;
    let code = clean(raw);
    if code.is_empty() {
        return Err(Error::invalid(field, format!("{label} không được để trống")));
    }
    if code.contains(' ') {
        return Err(Error::invalid(
            field,
            format!("{label} «{code}» không được chứa khoảng trắng"),
        ));
    }
    Ok(code)
}

/// The search key of a string: lower case, without diacritics, đ folded to d,
/// white space folded. "Hoà Hải", "HÒA HẢI" and "hoa hai" share one key, so
/// old and new tone placement match too.
pub fn search_key(s: &str) -> String {
    let folded: String = s
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Names the order `sort_key` gives: the register stores it beside the
/// keys and rebuilds them when it differs (the collation or its data
/// changed), so that the database's order is always the one `compare` gives.
pub const COLLATION: &str = "cldr-vi-u-kn/icu_collator-2";

fn collator() -> &'static CollatorBorrowed<'static> {
    static COLLATOR: OnceLock<CollatorBorrowed<'static>> = OnceLock::new();
    COLLATOR.get_or_init(|| {
        // CLDR's Vietnamese order with numeric ordering ("-u-kn"): digits sort
        // by their value, so "Chi bộ thôn 2" comes before "Chi bộ thôn 10".
        let mut prefs: CollatorPreferences = locale!("vi").into();
        prefs.numeric_ordering = Some(CollationNumericOrdering::True);
        // The compiled-in CLDR data always holds "vi"; failing here would be a
        // build defect, not a run-time condition.
        Collator::try_new(prefs, CollatorOptions::default())
            .expect("compiled collation data includes the Vietnamese tailoring")
    })
}

/// Compares two strings in Vietnamese order.
pub fn compare(a: &str, b: &str) -> Ordering {
    collator().compare(a, b)
}

/// A binary sort key: comparing keys byte by byte (as SQLite compares BLOBs)
/// gives the Vietnamese order, so lists can be sorted by the database.
pub fn sort_key(s: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(s.len() * 2);
    let Ok(()) = collator().write_sort_key_to(s, &mut key);
    key
}

/// A file-name-safe ASCII stem: "Đợt 2/2022" → "dot-2-2022".
pub fn file_stem(s: &str) -> String {
    let key = search_key(s);
    let mut out = String::with_capacity(key.len());
    for c in key.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

/// Formats a count the Vietnamese way: 2000 → "2.000".
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

/// Upper-case Roman numeral, as a printed list numbers its groups (I, II, … XL …).
pub fn roman(mut n: usize) -> String {
    const DIGITS: [(usize, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, digits) in DIGITS {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

/// `SYMBOL` or `SYMBOL@TERM`, the way a person names a document: numbers
/// start again with each committee term, so `05-KH/HU@XII` is term XII's
/// `05-KH/HU` and the symbol alone is every term's (or, where one document
/// is meant, the latest term's). Returns the symbol and the term, if named.
pub fn split_term(s: &str) -> std::result::Result<(&str, Option<&str>), String> {
    match s.split_once('@') {
        None => Ok((s, None)),
        Some((symbol, term)) if !term.trim().is_empty() => Ok((symbol, Some(term.trim()))),
        Some(_) => Err(format!("«{s}»: sau @ cần nhiệm kỳ (khóa), ví dụ 05-KH/HU@XII")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roman_numerals() {
        let got: Vec<String> = [1, 4, 9, 14, 40, 90, 1999].into_iter().map(roman).collect();
        assert_eq!(got, ["I", "IV", "IX", "XIV", "XL", "XC", "MCMXCIX"]);
    }

    #[test]
    fn clean_turns_nfd_into_nfc_and_folds_space() {
        let nfd: String = "Hương Khê".nfd().collect();
        assert_ne!(nfd, "Hương Khê");
        assert_eq!(clean(&format!("  {nfd}\t ")), "Hương Khê");
    }

    #[test]
    fn search_key_ignores_diacritics_case_and_tone_placement() {
        assert_eq!(search_key("Hương Khê"), "huong khe");
        assert_eq!(search_key("HƯƠNG KHÊ"), "huong khe");
        assert_eq!(search_key(&"Hương Khê".nfd().collect::<String>()), "huong khe");
        assert_eq!(search_key("Hoà Hải"), search_key("Hòa Hải"));
        assert_eq!(search_key("Đảng ủy"), "dang uy");
        assert_eq!(search_key("uỷ"), search_key("ủy"));
    }

    /// Real branch names as an office lists them: numbers by their value
    /// (also inside a name and after letters), letters in the Vietnamese
    /// alphabet, case and tone after the letters, as CLDR's "vi" with
    /// numeric ordering (ICU's "vi-u-kn") sorts them.
    #[test]
    fn numbers_sort_by_their_value_in_vietnamese_order() {
        let expected = [
            "Chi bộ khối 1",
            "Chi bộ khối 1A",
            "Chi bộ khối 1B",
            "Chi bộ khối 3",
            "Chi bộ khối 12",
            "Chi bộ thôn 2",
            "Chi bộ thôn 3",
            "Chi bộ thôn 9",
            "Chi bộ thôn 10",
            "Chi bộ thôn 15",
            "Chi bộ thôn 20",
            "Chi bộ thôn 100",
            "Chi bộ thôn An Lộc",
            "Chi bộ thôn Ấp 2",
            "Chi bộ thôn Ấp 11",
            "Chi bộ thôn Đông",
            "Chi bộ Tổ dân phố 4",
            "Chi bộ Tổ dân phố 04A",
            "Chi bộ Tổ dân phố 5",
            "Chi bộ Trường THCS số 2",
            "Chi bộ Trường THCS số 10",
        ];
        let mut names = expected.to_vec();
        names.reverse();
        names.sort_by(|a, b| compare(a, b));
        assert_eq!(names, expected);
        let mut by_key = expected.to_vec();
        by_key.reverse();
        by_key.sort_by_key(|n| sort_key(n));
        assert_eq!(by_key, expected);
    }

    #[test]
    fn vietnamese_order_puts_base_letters_before_modified_ones() {
        let mut names = vec!["Đức", "Dũng", "Ân", "An", "Ăn", "Ơn", "Ôn", "On", "Ưu", "Uu"];
        names.sort_by(|a, b| compare(a, b));
        assert_eq!(
            names,
            vec!["An", "Ăn", "Ân", "Dũng", "Đức", "On", "Ôn", "Ơn", "Uu", "Ưu"]
        );
    }

    #[test]
    fn sort_keys_order_like_compare() {
        let names = ["Chi bộ Đông", "Chi bộ Dông", "Chi bộ Ấp", "chi bộ ấp", "Chi bộ Áp"];
        for a in names {
            for b in names {
                assert_eq!(sort_key(a).cmp(&sort_key(b)), compare(a, b), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn file_stems_are_plain_ascii() {
        assert_eq!(file_stem("Đợt 2/2022"), "dot-2-2022");
        assert_eq!(file_stem("  Học tập: NQ 05!  "), "hoc-tap-nq-05");
    }

    #[test]
    fn thousands_use_a_dot() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(2000), "2.000");
        assert_eq!(thousands(1234567), "1.234.567");
        assert_eq!(thousands(-2000), "-2.000");
    }
}

//! The CSV reader: UTF-8 with or without BOM, ',' or ';' as Excel writes
//! them (or as its `sep=` first line says), quoted fields, any line ends;
//! the line on which each record starts, for messages.

use super::read::{too_many_rows, RawRows, MAX_IMPORT_ROWS};
use super::write::formula_unescape;
use super::UTF8_BOM;
use crate::error::{Error, Result};
use crate::text::clean;

pub(super) fn read_csv(file: &str, bytes: &[u8]) -> Result<RawRows> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(Error::invalid(
            file,
            "tệp được lưu với mã hoá UTF-16; hãy lưu lại với mã hoá UTF-8 (trong Excel: Lưu thành → «CSV UTF-8»)",
        ));
    }
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let (bytes, delimiter, skipped_lines) = match sep_line(bytes) {
        Some((delimiter, rest)) => (rest, delimiter, 1),
        None => (bytes, detect_delimiter(bytes), 0),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut lines = LineCounter::new(bytes, skipped_lines);
    let mut rows = Vec::new();
    let mut filled = 0usize;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = lines.line_at(e.position().map_or(0, |p| p.byte()));
                return Err(Error::invalid(
                    file,
                    format!("dòng {line}: không đọc được tệp CSV: {e}"),
                ));
            }
        }
        let line = lines.line_at(record.position().map_or(0, |p| p.byte()));
        let mut cells = Vec::with_capacity(record.len());
        for field in record.iter() {
            let text = std::str::from_utf8(field).map_err(|_| not_utf8(file, line))?;
            cells.push(formula_unescape(clean(text)));
        }
        if cells.iter().any(|c| !c.is_empty()) {
            filled += 1;
            // The header and MAX_IMPORT_ROWS data rows.
            if filled > MAX_IMPORT_ROWS + 1 {
                return Err(too_many_rows(file));
            }
        }
        rows.push((line, cells));
    }
    Ok(rows)
}

/// Line numbers of CSV records. The csv crate's own line count lags behind
/// after CRLF and skipped empty lines, so count the '\n' bytes before the
/// first byte of each record, incrementally (records come in order).
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8], lines_before: usize) -> Self {
        LineCounter {
            bytes,
            offset: 0,
            line: 1 + lines_before,
        }
    }

    /// The line of the record whose reading started at byte `start`: the
    /// reader's start position may still sit on the previous line end or on
    /// empty lines it skips, so step over those first.
    fn line_at(&mut self, start: u64) -> usize {
        let mut start = usize::try_from(start).unwrap_or(usize::MAX).min(self.bytes.len());
        while matches!(self.bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start > self.offset {
            self.line += self.bytes[self.offset..start].iter().filter(|&&b| b == b'\n').count();
            self.offset = start;
        }
        self.line
    }
}

fn not_utf8(file: &str, line: usize) -> Error {
    Error::invalid(
        file,
        format!(
            "dòng {line}: tệp không phải UTF-8 (có thể đã lưu bằng bảng mã Windows-1258 hoặc TCVN3); \
             hãy lưu lại với mã hoá UTF-8 (trong Excel: Lưu thành → «CSV UTF-8»)"
        ),
    )
}

/// Excel's optional first line `sep=;` names the delimiter.
fn sep_line(bytes: &[u8]) -> Option<(u8, &[u8])> {
    let end = bytes.iter().position(|&b| b == b'\n').unwrap_or(bytes.len());
    let line = bytes[..end].strip_suffix(b"\r").unwrap_or(&bytes[..end]);
    match line {
        [s, e, p, b'=', delimiter] if [*s, *e, *p].eq_ignore_ascii_case(b"sep") => {
            Some((*delimiter, bytes.get(end + 1..).unwrap_or_default()))
        }
        _ => None,
    }
}

/// ';' when the header line has more semicolons than commas outside quotes
/// (Excel in a Vietnamese locale), ',' otherwise.
fn detect_delimiter(bytes: &[u8]) -> u8 {
    let (mut commas, mut semicolons) = (0usize, 0usize);
    let (mut quoted, mut content) = (false, false);
    for &b in bytes {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted && content => break,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            _ => {}
        }
        content |= !b.is_ascii_whitespace();
    }
    if semicolons > commas {
        b';'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    use unicode_normalization::UnicodeNormalization;

    use crate::tabular::read_table;
    use crate::tabular::read_table_bytes;
    use crate::tabular::tests::cells;

    use super::*;

    #[test]
    fn csv_with_bom_semicolons_crlf_and_a_quoted_comma() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("đơn vị.CSV");
        let text = "Mã;Tên;Mã cấp trên\r\nHU;\"Huyện ủy Hương Khê, Hà Tĩnh\";\r\nCB1;\"Chi bộ \"\"Một\"\"\";HU\r\n";
        std::fs::write(&path, [UTF8_BOM, text.as_bytes()].concat()).unwrap();

        let table = read_table(&path).unwrap();
        assert_eq!(table.file, path.display().to_string());
        assert_eq!(table.header_line, 1);
        assert_eq!(table.headers, ["Mã", "Tên", "Mã cấp trên"]);
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0].line, 2);
        assert_eq!(cells(&table.rows[0]), ["HU", "Huyện ủy Hương Khê, Hà Tĩnh"]);
        assert_eq!(table.rows[1].line, 3);
        assert_eq!(cells(&table.rows[1]), ["CB1", "Chi bộ \"Một\"", "HU"]);
    }

    #[test]
    fn csv_with_commas_and_no_bom_and_excel_sep_line() {
        let table = read_table_bytes("a.csv", b"code,name\nX,\"a; b\"\n").unwrap();
        assert_eq!(table.headers, ["code", "name"]);
        assert_eq!(cells(&table.rows[0]), ["X", "a; b"]);

        let table = read_table_bytes("a.csv", b"sep=;\r\ncode;name\r\nX;a, b\r\n").unwrap();
        assert_eq!(table.header_line, 2);
        assert_eq!(table.headers, ["code", "name"]);
        assert_eq!(table.rows[0].line, 3);
        assert_eq!(cells(&table.rows[0]), ["X", "a, b"]);
    }

    #[test]
    fn nfd_cells_come_back_nfc() {
        let nfd: String = "Tên;Ghi chú\nChi bộ Hương Khê;  Đảng  ủy   xã \n".nfd().collect();
        assert_ne!(nfd, nfd.nfc().collect::<String>());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nfd.csv");
        std::fs::write(&path, &nfd).unwrap();

        let table = read_table(&path).unwrap();
        assert_eq!(table.headers, ["Tên", "Ghi chú"]);
        assert_eq!(cells(&table.rows[0]), ["Chi bộ Hương Khê", "Đảng ủy xã"]);
    }

    #[test]
    fn non_utf8_csv_names_the_file_and_line() {
        // "Hà Tĩnh" in Windows-1258: 'à' is 0xE0, 'ĩ' is i + combining tilde (0xDE).
        let bytes = b"code;name\nHT;H\xE0 Ti\xDEnh\n";
        let err = read_table_bytes("don_vi.csv", bytes).unwrap_err().to_string();
        assert!(err.starts_with("don_vi.csv: dòng 2: tệp không phải UTF-8"), "{err}");
        assert!(err.contains("hãy lưu lại với mã hoá UTF-8"), "{err}");

        let err = read_table_bytes("u16.csv", b"\xFF\xFEc\0o\0").unwrap_err().to_string();
        assert!(err.contains("UTF-16"), "{err}");
    }

    #[test]
    fn garbage_csv_never_panics() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in 0..300 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let alphabet = b"ab;,\"\r\n \xC3\xA0\xFF";
                    alphabet[(seed % alphabet.len() as u64) as usize]
                })
                .collect();
            let _ = read_table_bytes("x.csv", &bytes);
        }
    }
}

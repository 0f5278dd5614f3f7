//! Reading a table from a file or from memory: the kind of file by its
//! extension, the limits of one import (size, rows, what an XLSX unpacks to)
//! checked before anything is parsed, and the [`Table`] of cleaned cells with
//! the row numbers a spreadsheet user sees. The CSV and XLSX readers are in
//! `read_csv` and `read_xlsx`.

use std::io::Cursor;
use std::path::Path;

use super::read_csv::read_csv;
use super::read_xlsx::read_xlsx;
use crate::error::{Error, Result};

/// Largest file an import reads (a province's units are a few MB).
pub const MAX_IMPORT_BYTES: u64 = 50 * 1024 * 1024;

/// Most data rows one import takes (a province has ~10,000 units).
pub const MAX_IMPORT_ROWS: usize = 200_000;

/// Most bytes the parts of an XLSX file may unpack to: 200,000 rows of a
/// register unpack to ~100 MB; a crafted file could unpack to gigabytes.
pub const MAX_XLSX_UNPACKED: u64 = 250 * 1024 * 1024;

/// A table read from a CSV or XLSX file: header row and data rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The file name as given, for messages.
    pub file: String,
    /// The row number of the header row (1 unless blank rows come first).
    pub header_line: usize,
    /// Header cells, cleaned; trailing empty headers are dropped.
    pub headers: Vec<String>,
    /// Data rows that hold at least one non-empty cell, in file order.
    pub rows: Vec<TableRow>,
}

/// One data row of a [`Table`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// The row number as a spreadsheet user sees it: the header is row 1 and
    /// the first data row is 2; for CSV, the line on which the record starts.
    pub line: usize,
    /// Cells, cleaned (trimmed, NFC, white space folded); trailing empty cells
    /// are dropped, so a row may be shorter than the header.
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Csv,
    Xlsx,
}

fn kind_of(file: &str) -> Result<FileKind> {
    let ext = Path::new(file)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => Ok(FileKind::Csv),
        Some("xlsx" | "xlsm") => Ok(FileKind::Xlsx),
        Some("xls") => Err(Error::invalid(
            file,
            "tệp Excel 97–2003 (.xls) chưa được hỗ trợ; hãy mở bằng Excel và lưu lại dạng .xlsx hoặc «CSV UTF-8»",
        )),
        _ => Err(Error::invalid(
            file,
            "không nhận dạng được loại tệp; hãy dùng tệp .csv hoặc .xlsx",
        )),
    }
}

/// Reads a table by extension (.csv, .xlsx; case-insensitive).
///
/// CSV: UTF-8 with or without BOM, delimiter ',' or ';' detected from the
/// header line (as Excel writes in Vietnamese locales; an Excel `sep=;` first
/// line is honoured), quoted fields, CRLF. XLSX: the first visible worksheet;
/// whole numbers become "123", date cells "YYYY-MM-DD". Every cell goes through
/// [`clean`]. Fully blank rows are skipped, but line numbers stay true to the
/// file. The first non-blank row is the header.
pub fn read_table(path: &Path) -> Result<Table> {
    read_table_as(path, &path.display().to_string())
}

/// [`read_table`], naming the file `file` in messages (the window shows
/// the file name a user picked, not its whole path).
pub fn read_table_as(path: &Path, file: &str) -> Result<Table> {
    // Refuse an unknown kind, or a file over the limit, before reading it.
    kind_of(file)?;
    let len = std::fs::metadata(path)
        .map_err(|e| crate::files::io_error(path, e, "đọc"))?
        .len();
    check_size(file, len)?;
    let bytes = std::fs::read(path).map_err(|e| crate::files::io_error(path, e, "đọc"))?;
    read_table_bytes(file, &bytes)
}

/// [`read_table`] from memory (an upload from the UI, fuzzing). `file_name`
/// gives the kind by its extension and names the file in messages. Never
/// panics, whatever the bytes.
pub fn read_table_bytes(file_name: &str, bytes: &[u8]) -> Result<Table> {
    let kind = kind_of(file_name)?;
    check_size(file_name, bytes.len() as u64)?;
    let rows = match kind {
        FileKind::Csv => read_csv(file_name, bytes)?,
        FileKind::Xlsx => {
            check_unpacked(file_name, bytes, MAX_XLSX_UNPACKED)?;
            read_xlsx(file_name, bytes)?
        }
    };
    build_table(file_name, rows)
}

/// Megabytes for messages: "50 MB", "50,5 MB".
fn megabytes(bytes: u64) -> String {
    let tenths = (bytes * 10).div_ceil(1024 * 1024);
    if tenths.is_multiple_of(10) {
        format!("{} MB", tenths / 10)
    } else {
        format!("{},{} MB", tenths / 10, tenths % 10)
    }
}

fn check_size(file: &str, len: u64) -> Result<()> {
    if len > MAX_IMPORT_BYTES {
        return Err(Error::invalid(
            file,
            format!(
                "tệp lớn {}, quá giới hạn {} cho một lần nhập; hãy chia thành nhiều tệp nhỏ hơn",
                megabytes(len),
                megabytes(MAX_IMPORT_BYTES)
            ),
        ));
    }
    Ok(())
}

/// The error for a file with more data rows than one import takes.
pub(super) fn too_many_rows(file: &str) -> Error {
    Error::invalid(
        file,
        format!(
            "tệp có hơn {} dòng dữ liệu, quá giới hạn cho một lần nhập; hãy chia thành nhiều tệp nhỏ hơn",
            crate::text::thousands(MAX_IMPORT_ROWS as i64)
        ),
    )
}

/// Counts what the parts of an XLSX file really unpack to (a part's header
/// may lie about its size) and refuses more than `limit` bytes, before the
/// reader unpacks anything into memory. A file that is not a zip archive is
/// left to the reader, which names the problem.
fn check_unpacked(file: &str, bytes: &[u8], limit: u64) -> Result<()> {
    use std::io::Read;
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let mut total = 0u64;
    for i in 0..zip.len() {
        let Ok(part) = zip.by_index(i) else {
            return Ok(());
        };
        let room = limit.saturating_sub(total).saturating_add(1);
        match std::io::copy(&mut part.take(room), &mut std::io::sink()) {
            Ok(n) => total = total.saturating_add(n),
            Err(_) => return Ok(()),
        }
        if total > limit {
            return Err(Error::invalid(
                file,
                format!(
                    "tệp Excel giải nén ra hơn {} dữ liệu, quá giới hạn cho một lần nhập \
                     (tệp có thể bị hỏng hoặc được tạo để gây hại); hãy chia thành nhiều tệp nhỏ hơn",
                    megabytes(limit)
                ),
            ));
        }
    }
    Ok(())
}

/// Raw rows: (line, cleaned cells).
pub(super) type RawRows = Vec<(usize, Vec<String>)>;

fn build_table(file: &str, rows: RawRows) -> Result<Table> {
    let mut rows = rows.into_iter().filter_map(|(line, mut cells)| {
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        (!cells.is_empty()).then_some(TableRow { line, cells })
    });
    let Some(header) = rows.next() else {
        return Err(Error::invalid(file, "tệp trống: không có dòng tiêu đề nào"));
    };
    Ok(Table {
        file: file.to_string(),
        header_line: header.line,
        headers: header.cells,
        rows: rows.collect(),
    })
}

#[cfg(test)]
mod tests {
    use crate::tabular::tests::cells;
    use crate::tabular::{xlsx_bytes, Cell};

    use super::*;

    #[test]
    fn blank_rows_are_skipped_with_true_line_numbers() {
        let csv = "\n;;\ncode;name;parent\n\nA;Một;\n ; ;\n\r\nB;Hai;A\n;;\n";
        let table = read_table_bytes("blank.csv", csv.as_bytes()).unwrap();
        assert_eq!(table.header_line, 3);
        assert_eq!(table.headers, ["code", "name", "parent"]);
        let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [5, 8]);
        assert_eq!(cells(&table.rows[0]), ["A", "Một"]);

        // A quoted cell over two lines: the next record keeps its own line.
        let table = read_table_bytes("ml.csv", "code,name\nA,\"Dòng 1\nDòng 2\"\nB,Hai\n".as_bytes()).unwrap();
        assert_eq!(cells(&table.rows[0]), ["A", "Dòng 1 Dòng 2"]);
        assert_eq!(table.rows[1].line, 4);
        let crlf = "code;name\r\n\r\nA;\"Dòng 1\r\nDòng 2\"\r\n;\r\nB;Hai\r\n";
        let table = read_table_bytes("crlf.csv", crlf.as_bytes()).unwrap();
        let lines: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 6]);
    }

    #[test]
    fn unknown_kinds_and_missing_files_name_the_file() {
        let err = read_table_bytes("danh sách.pdf", b"%PDF").unwrap_err().to_string();
        assert!(err.starts_with("danh sách.pdf: "), "{err}");
        assert!(err.contains(".csv hoặc .xlsx"), "{err}");
        let err = read_table_bytes("cũ.xls", b"").unwrap_err().to_string();
        assert!(err.contains(".xls"), "{err}");
        let err = read_table(Path::new("/không/có/tệp.csv")).unwrap_err().to_string();
        assert!(err.contains("/không/có/tệp.csv: không tìm thấy tệp"), "{err}");
        let err = read_table_bytes("trống.csv", b"\xEF\xBB\xBF\r\n;;\r\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("trống.csv: tệp trống"), "{err}");
    }

    #[test]
    fn imports_are_capped_by_size_rows_and_what_an_xlsx_unpacks_to() {
        let err = check_size("lớn.csv", MAX_IMPORT_BYTES + 1).unwrap_err().to_string();
        assert!(err.contains("lớn.csv") && err.contains("quá giới hạn 50 MB"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("lớn.csv");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(MAX_IMPORT_BYTES + 1)
            .unwrap();
        let err = read_table(&big).unwrap_err().to_string();
        assert!(err.contains("50,1 MB") && err.contains("chia thành nhiều tệp"), "{err}");

        let mut csv = String::from("Mã,Tên\n");
        for i in 0..=MAX_IMPORT_ROWS {
            csv.push_str(&format!("{i},x\n"));
        }
        let err = read_table_bytes("nhiều.csv", csv.as_bytes()).unwrap_err().to_string();
        assert!(err.contains("hơn 200.000 dòng"), "{err}");
        // Exactly at the limit is fine, and blank lines do not count.
        let at_limit: String = csv
            .lines()
            .take(MAX_IMPORT_ROWS + 1)
            .map(|l| format!("{l}\n,\n"))
            .collect();
        assert_eq!(
            read_table_bytes("đủ.csv", at_limit.as_bytes()).unwrap().rows.len(),
            MAX_IMPORT_ROWS
        );

        let rows: Vec<Vec<Cell>> = (0..2000).map(|i| vec![Cell::Text(format!("Chi bộ {i}"))]).collect();
        let bytes = xlsx_bytes("Đơn vị", &["Tên"], &rows).unwrap();
        check_unpacked("a.xlsx", &bytes, MAX_XLSX_UNPACKED).unwrap();
        let err = check_unpacked("a.xlsx", &bytes, 20_000).unwrap_err().to_string();
        assert!(err.contains("giải nén ra hơn"), "{err}");
        // Not a zip at all: left to the reader, which says so.
        check_unpacked("a.xlsx", b"not a zip", 10).unwrap();
    }
}

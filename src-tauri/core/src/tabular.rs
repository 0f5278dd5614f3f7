//! Spreadsheet files in and out, for bulk import and export.
//!
//! Reading: a CSV or XLSX file as clerks save it from Excel becomes a [`Table`]
//! of cleaned NFC strings with the row numbers a spreadsheet user sees.
//! [`Columns::map`] finds the expected fields in the header row in any order,
//! whatever the case, diacritics or language of the header. [`parse_date`] and
//! [`parse_count`] read dates and counts as Vietnamese users type them. Every
//! problem is an [`Issue`] at file:row:column with a Vietnamese sentence.
//!
//! Writing: [`write_csv`] (UTF-8 with BOM so that Excel shows Vietnamese
//! correctly) and [`write_xlsx`] / [`xlsx_bytes`] (real dates and numbers, bold
//! frozen header with an autofilter).
//!
//! This module knows nothing of units or documents: the import code gives it
//! the list of [`Field`]s and turns cells into records itself.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{Cursor, Write};
use std::path::Path;

use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx, XlsxError};
use chrono::{Datelike, NaiveDate, NaiveTime};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError as WriteError};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::text::{clean, search_key};

/// More columns than any real import has; guards memory against a crafted
/// XLSX that puts one cell in column XFD of every row.
const MAX_COLUMNS: u32 = 1024;

/// Largest file an import reads (a province's units are a few MB).
pub const MAX_IMPORT_BYTES: u64 = 50 * 1024 * 1024;

/// Most data rows one import takes (a province has ~10,000 units).
pub const MAX_IMPORT_ROWS: usize = 200_000;

/// Most bytes the parts of an XLSX file may unpack to: 200,000 rows of a
/// register unpack to ~100 MB; a crafted file could unpack to gigabytes.
pub const MAX_XLSX_UNPACKED: u64 = 250 * 1024 * 1024;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

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
fn too_many_rows(file: &str) -> Error {
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
type RawRows = Vec<(usize, Vec<String>)>;

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

// --- CSV -------------------------------------------------------------------

fn read_csv(file: &str, bytes: &[u8]) -> Result<RawRows> {
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

// --- XLSX ------------------------------------------------------------------

fn read_xlsx(file: &str, bytes: &[u8]) -> Result<RawRows> {
    // The reader is meant never to panic on bad input, but the contract of
    // `read_table_bytes` must not depend on a third-party parser being perfect.
    std::panic::catch_unwind(|| read_xlsx_cells(file, bytes)).unwrap_or_else(|_| {
        Err(Error::invalid(
            file,
            "tệp Excel bị hỏng hoặc không đúng định dạng .xlsx",
        ))
    })
}

fn xlsx_read_error(file: &str, e: XlsxError) -> Error {
    let message = match e {
        XlsxError::Password => "tệp Excel có mật khẩu; hãy bỏ mật khẩu rồi thử lại".to_string(),
        XlsxError::Zip(_) => "tệp không phải tệp Excel .xlsx hợp lệ (có thể bị hỏng hoặc là loại tệp khác)".to_string(),
        e => format!("không đọc được tệp Excel: {e}"),
    };
    Error::invalid(file, message)
}

fn read_xlsx_cells(file: &str, bytes: &[u8]) -> Result<RawRows> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| xlsx_read_error(file, e))?;
    let sheets = workbook.sheets_metadata();
    let worksheets = || sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    let Some(sheet) = worksheets()
        .find(|s| s.visible == SheetVisible::Visible)
        .or_else(|| worksheets().next())
    else {
        return Err(Error::invalid(file, "tệp Excel không có trang tính nào"));
    };
    let name = sheet.name.clone();
    let mut reader = workbook
        .worksheet_cells_reader(&name)
        .map_err(|e| xlsx_read_error(file, e))?;
    // Sparse rows: a crafted file with cells far apart must not allocate the
    // whole rectangle between them.
    let mut grid: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
    while let Some(cell) = reader.next_cell().map_err(|e| xlsx_read_error(file, e))? {
        let text = clean(&xlsx_text(cell.get_value()));
        if text.is_empty() {
            continue;
        }
        let (row, col) = cell.get_position();
        if col >= MAX_COLUMNS {
            return Err(Error::invalid(
                file,
                format!(
                    "dòng {}: có dữ liệu ở cột {}, quá xa; bảng nhập chỉ được có tối đa {MAX_COLUMNS} cột",
                    u64::from(row) + 1,
                    column_letters(col as usize)
                ),
            ));
        }
        grid.entry(row).or_default().push((col, text));
        if grid.len() > MAX_IMPORT_ROWS + 1 {
            return Err(too_many_rows(file));
        }
    }
    Ok(grid
        .into_iter()
        .map(|(row, cells)| {
            let width = cells.iter().map(|(c, _)| *c as usize + 1).max().unwrap_or(0);
            let mut line = vec![String::new(); width];
            for (c, text) in cells {
                line[c as usize] = text;
            }
            (row as usize + 1, line)
        })
        .collect())
}

/// The text of an XLSX cell as the import code wants it.
fn xlsx_text<'a>(value: &'a DataRef<'_>) -> Cow<'a, str> {
    match value {
        DataRef::Empty => Cow::Borrowed(""),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cow::Borrowed(s),
        DataRef::SharedString(s) => Cow::Borrowed(s),
        DataRef::Int(i) => Cow::Owned(i.to_string()),
        DataRef::Float(f) => Cow::Owned(number_text(*f)),
        DataRef::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
        DataRef::Error(e) => Cow::Owned(e.to_string()),
        DataRef::DateTime(dt) => {
            let serial = dt.as_f64();
            // Beyond 9999-12-31 chrono's arithmetic inside calamine could
            // overflow; such a "date" is shown as the number it is.
            if dt.is_duration() || !(0.0..2_958_466.0).contains(&serial) {
                return Cow::Owned(duration_or_number(serial, dt.is_duration()));
            }
            match dt.as_datetime() {
                Some(t) if serial < 1.0 => Cow::Owned(t.format("%H:%M:%S").to_string()),
                Some(t) if t.time() == NaiveTime::MIN => Cow::Owned(t.format("%Y-%m-%d").to_string()),
                Some(t) => Cow::Owned(t.format("%Y-%m-%d %H:%M:%S").to_string()),
                None => Cow::Owned(number_text(serial)),
            }
        }
    }
}

fn duration_or_number(serial: f64, duration: bool) -> String {
    if duration && serial.is_finite() && (0.0..1e9).contains(&serial) {
        let secs = (serial * 86_400.0).round() as u64;
        format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    } else {
        number_text(serial)
    }
}

/// Whole numbers without ".0" (Excel stores every number as a float).
fn number_text(f: f64) -> String {
    if f == 0.0 {
        "0".to_string()
    } else if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else {
        f.to_string()
    }
}

/// "A", "B", …, "Z", "AA", … for a zero-based column index.
fn column_letters(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.iter().rev().map(|&b| b as char).collect()
}

// ---------------------------------------------------------------------------
// Columns
// ---------------------------------------------------------------------------

/// One expected column: canonical name and accepted header aliases, compared
/// by [`search_key`] (so case and diacritics are ignored; '_' and '-' count as
/// spaces, and a trailing '*' or "(…)" note is ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

impl Field {
    fn accepts(&self, key: &str) -> bool {
        header_key(self.name) == key || self.aliases.iter().any(|a| header_key(a) == key)
    }

    fn accepted_names(&self) -> String {
        let mut names = vec![self.name];
        for alias in self.aliases {
            if !names.iter().any(|n| header_key(n) == header_key(alias)) {
                names.push(alias);
            }
        }
        names.join(", ")
    }
}

/// The comparison key of a header: search key, '_' and '-' as spaces, a
/// required-mark '*' and a trailing "(dd/mm/yyyy)"-style note removed.
fn header_key(header: &str) -> String {
    let mut s = search_key(header);
    if s.ends_with(')') {
        if let Some(open) = s.rfind('(') {
            s.truncate(open);
        }
    }
    let s: String = s
        .chars()
        .filter(|c| *c != '*' && *c != ':')
        .map(|c| if c == '_' || c == '-' { ' ' } else { c })
        .collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where each field sits in a table, found from its header row.
#[derive(Debug, Clone)]
pub struct Columns {
    file: String,
    slots: Vec<Slot>,
}

#[derive(Debug, Clone)]
struct Slot {
    field: &'static str,
    index: Option<usize>,
    header: Option<String>,
}

impl Columns {
    /// Finds the fields in the header row. `Ok((columns, warnings))`, or
    /// `Err(errors)` when a required column is missing (the message lists the
    /// accepted names) or two columns name the same field. Unknown columns
    /// and data under an empty header are ignored but reported as warnings.
    /// Header issues are reported on the header row.
    pub fn map(table: &Table, fields: &[Field]) -> std::result::Result<(Columns, Vec<Issue>), Vec<Issue>> {
        let file = table.file.as_str();
        let header_row = row_number(table.header_line);
        let mut slots: Vec<Slot> = fields
            .iter()
            .map(|f| Slot {
                field: f.name,
                index: None,
                header: None,
            })
            .collect();
        let mut errors = Vec::new();
        let mut warnings = Vec::new();

        for (index, header) in table.headers.iter().enumerate() {
            if header.is_empty() {
                if let Some(row) = table
                    .rows
                    .iter()
                    .find(|r| r.cells.get(index).is_some_and(|c| !c.is_empty()))
                {
                    warnings.push(Issue::warning(
                        file,
                        row_number(row.line),
                        None,
                        format!(
                            "cột thứ {} ({}) có dữ liệu nhưng không có tiêu đề nên bị bỏ qua",
                            index + 1,
                            column_letters(index)
                        ),
                    ));
                }
                continue;
            }
            let key = header_key(header);
            match fields.iter().position(|f| f.accepts(&key)) {
                None => warnings.push(Issue::warning(
                    file,
                    header_row,
                    Some(header),
                    format!("cột «{header}» không có trong mẫu nhập nên bị bỏ qua"),
                )),
                Some(k) => match &slots[k].header {
                    Some(first) => errors.push(Issue::error(
                        file,
                        header_row,
                        Some(header),
                        format!(
                            "cột «{header}» trùng với cột «{first}» (cùng là «{}»); hãy xoá bớt một cột",
                            fields[k].name
                        ),
                    )),
                    None => {
                        slots[k].index = Some(index);
                        slots[k].header = Some(header.clone());
                    }
                },
            }
        }

        // Cells beyond the last header: a forgotten header, or shifted data.
        let width = table.headers.len();
        if let Some(row) = table.rows.iter().find(|r| r.cells.len() > width) {
            let index = row.cells.len() - 1;
            warnings.push(Issue::warning(
                file,
                row_number(row.line),
                None,
                format!(
                    "có dữ liệu ở cột thứ {} ({}), ngoài các cột có tiêu đề, nên bị bỏ qua",
                    index + 1,
                    column_letters(index)
                ),
            ));
        }

        for (field, slot) in fields.iter().zip(&slots) {
            if field.required && slot.index.is_none() {
                errors.push(Issue::error(
                    file,
                    header_row,
                    None,
                    format!(
                        "thiếu cột «{}»; tên cột được chấp nhận: {}",
                        field.name,
                        field.accepted_names()
                    ),
                ));
            }
        }

        if errors.is_empty() {
            Ok((
                Columns {
                    file: file.to_string(),
                    slots,
                },
                warnings,
            ))
        } else {
            Err(errors)
        }
    }

    fn slot(&self, field: &str) -> Option<&Slot> {
        let slot = self.slots.iter().find(|s| s.field == field);
        debug_assert!(slot.is_some(), "field {field:?} was not passed to Columns::map");
        slot
    }

    /// The cell of `field` in `row`: "" when the column is absent or the cell
    /// missing.
    pub fn get<'r>(&self, row: &'r TableRow, field: &str) -> &'r str {
        self.index(field)
            .and_then(|i| row.cells.get(i))
            .map_or("", String::as_str)
    }

    /// The cell of `field`, `None` when absent or empty.
    pub fn get_opt<'r>(&self, row: &'r TableRow, field: &str) -> Option<&'r str> {
        Some(self.get(row, field)).filter(|s| !s.is_empty())
    }

    /// The zero-based column index of `field`, when the file has it.
    pub fn index(&self, field: &str) -> Option<usize> {
        self.slot(field).and_then(|s| s.index)
    }

    /// Whether the file has a column for `field`.
    pub fn has(&self, field: &str) -> bool {
        self.index(field).is_some()
    }

    /// The header text as written in the file, for messages.
    pub fn header(&self, field: &str) -> Option<&str> {
        self.slot(field).and_then(|s| s.header.as_deref())
    }

    /// An error at `row`, in the column of `field`.
    pub fn error(&self, row: &TableRow, field: &str, message: impl Into<String>) -> Issue {
        Issue::error(&self.file, row_number(row.line), self.header(field), message)
    }

    /// A warning at `row`, in the column of `field`.
    pub fn warning(&self, row: &TableRow, field: &str, message: impl Into<String>) -> Issue {
        Issue::warning(&self.file, row_number(row.line), self.header(field), message)
    }
}

fn row_number(line: usize) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

// ---------------------------------------------------------------------------
// Issues
// ---------------------------------------------------------------------------

/// A problem at file:row:column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Issue {
    pub file: String,
    /// Row as a spreadsheet user sees it; 0 = the whole file.
    pub row: u32,
    /// The header text as written in the file.
    pub column: Option<String>,
    /// A Vietnamese sentence.
    pub message: String,
    /// A warning does not stop the import.
    pub warning: bool,
}

impl Issue {
    /// An error: the import stops.
    pub fn error(file: impl Into<String>, row: u32, column: Option<&str>, message: impl Into<String>) -> Issue {
        Issue {
            file: file.into(),
            row,
            column: column.map(str::to_string),
            message: message.into(),
            warning: false,
        }
    }

    /// A warning: shown, but the import goes on.
    pub fn warning(file: impl Into<String>, row: u32, column: Option<&str>, message: impl Into<String>) -> Issue {
        Issue {
            warning: true,
            ..Issue::error(file, row, column, message)
        }
    }
}

/// "FILE:ROW:COLUMN: message", or "FILE:ROW: message" without a column; a
/// warning's message starts with "cảnh báo: ".
impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:", self.file, self.row)?;
        if let Some(column) = self.column.as_deref().filter(|c| !c.is_empty()) {
            write!(f, "{column}:")?;
        }
        if self.warning {
            f.write_str(" cảnh báo:")?;
        }
        write!(f, " {}", self.message)
    }
}

// ---------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

/// One cell of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Date(NaiveDate),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(i: i64) -> Cell {
        Cell::Int(i)
    }
}

impl From<u32> for Cell {
    fn from(i: u32) -> Cell {
        Cell::Int(i64::from(i))
    }
}

impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Cell {
        Cell::Date(d)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Cell {
        v.map_or(Cell::Empty, Into::into)
    }
}

/// Characters that make a spreadsheet read a cell as a formula (or a
/// formula's continuation) when a CSV file is opened.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell a spreadsheet would run as a formula (`=…`, `+…`, `-…`,
/// `@…`, or a leading tab or carriage return) gets a leading `'`, which
/// Excel and LibreOffice show as text; other text is unchanged. Numbers are
/// written as numbers, never through this: a negative count stays `-1`.
/// The import takes the `'` off again ([`formula_unescape`]), so an export
/// reads back as it was.
pub fn formula_safe(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_START) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Undoes [`formula_safe`] on a cell read from a CSV file.
fn formula_unescape(cell: String) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest.to_owned(),
        _ => cell,
    }
}

impl Cell {
    fn csv_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(s) => formula_safe(s),
            Cell::Int(i) => Cow::Owned(i.to_string()),
            Cell::Date(d) => Cow::Owned(d.format("%d/%m/%Y").to_string()),
            Cell::Empty => Cow::Borrowed(""),
        }
    }
}

/// CSV export: UTF-8 with BOM (so that Excel opens Vietnamese correctly),
/// comma-separated, CRLF line ends, a header row, dates as dd/mm/yyyy and
/// numbers without thousands separators (so that the file imports back);
/// text that would run as a formula is neutralised ([`formula_safe`]).
pub fn write_csv(mut w: impl Write, headers: &[&str], rows: &[Vec<Cell>]) -> Result<()> {
    w.write_all(UTF8_BOM)?;
    let mut out = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(w);
    out.write_record(headers).map_err(std::io::Error::from)?;
    for row in rows {
        out.write_record(row.iter().map(|c| c.csv_text().into_owned()))
            .map_err(std::io::Error::from)?;
    }
    out.flush()?;
    Ok(())
}

/// XLSX export: one sheet named `sheet` (made valid for Excel), bold header
/// row with an autofilter and frozen, column widths fitted to the content
/// (at most 60), dates as real Excel dates shown dd/mm/yyyy, ints as numbers;
/// every text cell is a string cell, never a formula.
pub fn write_xlsx(path: &Path, sheet: &str, headers: &[&str], rows: &[Vec<Cell>]) -> Result<()> {
    let file = path.display().to_string();
    let bytes = workbook(sheet, headers, rows)
        .and_then(|mut wb| wb.save_to_buffer())
        .map_err(|e| xlsx_write_error(&file, e))?;
    crate::files::write_file(path, &bytes, None)
}

/// [`write_xlsx`] into memory (a download from the UI).
pub fn xlsx_bytes(sheet: &str, headers: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>> {
    workbook(sheet, headers, rows)
        .and_then(|mut wb| wb.save_to_buffer())
        .map_err(|e| xlsx_write_error(sheet, e))
}

fn xlsx_write_error(what: &str, e: WriteError) -> Error {
    Error::Xlsx {
        what: what.to_owned(),
        source: e,
    }
}

fn workbook(sheet: &str, headers: &[&str], rows: &[Vec<Cell>]) -> std::result::Result<Workbook, WriteError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(sheet))?;
    let bold = Format::new().set_bold();
    let date_format = Format::new().set_num_format("dd/mm/yyyy");

    // Header cells get room for the autofilter button.
    let mut widths: Vec<usize> = headers.iter().map(|h| text_width(h) + 3).collect();
    for (c, header) in headers.iter().enumerate() {
        ws.write_string_with_format(0, col_num(c)?, *header, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| WriteError::RowColumnLimitError)?;
        if widths.len() < row.len() {
            widths.resize(row.len(), 0);
        }
        for (c, cell) in row.iter().enumerate() {
            let col = col_num(c)?;
            let width = match cell {
                Cell::Text(s) => {
                    ws.write_string(r, col, s)?;
                    text_width(s)
                }
                // Excel numbers are doubles: beyond 2^53 keep the digits as text.
                Cell::Int(i) if i.unsigned_abs() <= 1 << 53 => {
                    ws.write_number(r, col, *i as f64)?;
                    i.to_string().len()
                }
                Cell::Int(i) => {
                    ws.write_string(r, col, i.to_string())?;
                    i.to_string().len()
                }
                Cell::Date(d) => {
                    match excel_date(*d) {
                        Some(x) => ws.write_datetime_with_format(r, col, &x, &date_format)?,
                        None => ws.write_string(r, col, d.format("%d/%m/%Y").to_string())?,
                    };
                    10
                }
                Cell::Empty => 0,
            };
            widths[c] = widths[c].max(width);
        }
    }
    for (c, width) in widths.iter().enumerate() {
        ws.set_column_width(col_num(c)?, (width + 1).clamp(6, 60) as f64)?;
    }
    if !headers.is_empty() {
        let last_row = u32::try_from(rows.len()).map_err(|_| WriteError::RowColumnLimitError)?;
        ws.autofilter(0, 0, last_row, col_num(headers.len() - 1)?)?;
        ws.set_freeze_panes(1, 0)?;
    }
    Ok(wb)
}

fn col_num(c: usize) -> std::result::Result<u16, WriteError> {
    u16::try_from(c).map_err(|_| WriteError::RowColumnLimitError)
}

/// Excel dates run from 1900 to 9999; others are written as text.
fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok()?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).ok()
}

/// Characters of the longest line: a fair estimate of the width Excel needs
/// for NFC Vietnamese text in its default font.
fn text_width(s: &str) -> usize {
    s.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

/// A name Excel accepts: no `[]:*?/\`, no apostrophe at either end, 1 to 31
/// characters.
fn sheet_name(sheet: &str) -> String {
    let name: String = clean(sheet)
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                '-'
            } else {
                c
            }
        })
        .take(31)
        .collect();
    let name = name.trim_matches(|c: char| c == '\'' || c.is_whitespace());
    if name.is_empty() {
        "Dữ liệu".to_string()
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    const UNIT_FIELDS: &[Field] = &[
        Field {
            name: "code",
            aliases: &["Mã", "Mã đơn vị"],
            required: true,
        },
        Field {
            name: "name",
            aliases: &["Tên", "Tên đơn vị"],
            required: true,
        },
        Field {
            name: "parent",
            aliases: &["Mã cấp trên"],
            required: true,
        },
        Field {
            name: "kind",
            aliases: &["Loại"],
            required: false,
        },
        Field {
            name: "short_name",
            aliases: &["Tên viết tắt"],
            required: false,
        },
        Field {
            name: "date",
            aliases: &["Ngày"],
            required: false,
        },
        Field {
            name: "copies",
            aliases: &["Số bản"],
            required: false,
        },
    ];

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn cells(row: &TableRow) -> Vec<&str> {
        row.cells.iter().map(String::as_str).collect()
    }

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
    fn vietnamese_headers_match_with_or_without_diacritics_in_any_case() {
        for parent in [
            "Mã cấp trên",
            "ma cap tren",
            "MÃ CẤP TRÊN",
            "Ma_cap_tren",
            "parent",
            "Mã cấp trên *",
        ] {
            let csv = format!("MÃ;tên;{parent};Cột lạ\nCB1;Chi bộ 1;HU;x\n");
            let table = read_table_bytes("u.csv", csv.as_bytes()).unwrap();
            let (cols, warnings) = Columns::map(&table, UNIT_FIELDS).unwrap_or_else(|e| panic!("{parent}: {e:?}"));
            let row = &table.rows[0];
            assert_eq!(cols.get(row, "parent"), "HU", "{parent}");
            assert_eq!(cols.get(row, "code"), "CB1");
            assert_eq!(cols.get(row, "name"), "Chi bộ 1");
            assert_eq!(cols.get(row, "kind"), "", "absent column reads as empty");
            assert!(!cols.has("kind"));
            assert_eq!(cols.header("parent"), Some(parent));
            assert_eq!(cols.header("code"), Some("MÃ"));
            assert_eq!(cols.header("kind"), None);
            assert_eq!(
                warnings,
                [Issue::warning(
                    "u.csv",
                    1,
                    Some("Cột lạ"),
                    "cột «Cột lạ» không có trong mẫu nhập nên bị bỏ qua"
                )]
            );
        }
    }

    #[test]
    fn missing_required_and_doubled_columns_are_errors() {
        let table = read_table_bytes("u.csv", "Mã,Tên\nCB1,Chi bộ 1\n".as_bytes()).unwrap();
        let errors = Columns::map(&table, UNIT_FIELDS).unwrap_err();
        assert_eq!(errors.len(), 1);
        let e = &errors[0];
        assert!(!e.warning);
        assert_eq!((e.file.as_str(), e.row, e.column.as_deref()), ("u.csv", 1, None));
        assert_eq!(
            e.message,
            "thiếu cột «parent»; tên cột được chấp nhận: parent, Mã cấp trên"
        );
        assert_eq!(
            e.to_string(),
            "u.csv:1: thiếu cột «parent»; tên cột được chấp nhận: parent, Mã cấp trên"
        );

        let table = read_table_bytes("u.csv", "code,Mã,name,parent\n".as_bytes()).unwrap();
        let errors = Columns::map(&table, UNIT_FIELDS).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].column.as_deref(), Some("Mã"));
        assert!(
            errors[0].message.contains("trùng với cột «code»"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn columns_build_issues_at_row_and_column() {
        let table = read_table_bytes("d.csv", "Mã;Tên;Mã cấp trên;Ngày\nA;B;;31/02/2024\n".as_bytes()).unwrap();
        let (cols, _) = Columns::map(&table, UNIT_FIELDS).unwrap();
        let row = &table.rows[0];
        let reason = parse_date(cols.get(row, "date")).unwrap_err();
        let issue = cols.error(row, "date", reason);
        assert_eq!(issue.to_string(), "d.csv:2:Ngày: ngày «31/02/2024» không có thật");
        assert_eq!(cols.get_opt(row, "parent"), None);
        let warning = cols.warning(row, "name", "tên ngắn");
        assert_eq!(warning.to_string(), "d.csv:2:Tên: cảnh báo: tên ngắn");
    }

    #[test]
    fn data_outside_headed_columns_is_a_warning() {
        let table = read_table_bytes("u.csv", "code;;name;parent\nA;zzz;B;\nC;;D;;extra\n".as_bytes()).unwrap();
        let (_, warnings) = Columns::map(&table, UNIT_FIELDS).unwrap();
        let text: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "u.csv:2: cảnh báo: cột thứ 2 (B) có dữ liệu nhưng không có tiêu đề nên bị bỏ qua",
                "u.csv:3: cảnh báo: có dữ liệu ở cột thứ 5 (E), ngoài các cột có tiêu đề, nên bị bỏ qua",
            ]
        );
    }

    #[test]
    fn xlsx_round_trips_text_numbers_and_dates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("văn bản.xlsx");
        let nfd_title: String = "Kế hoạch tổ chức Đại hội".nfd().collect();
        let rows = vec![
            vec![
                Cell::from("05-KH/HU"),
                Cell::Text(nfd_title),
                Cell::Date(date(2024, 2, 29)),
                Cell::Int(2000),
            ],
            vec![Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty],
            vec![
                Cell::from("45-CT/TW"),
                Cell::from("Chỉ thị: «x»"),
                Cell::Date(date(1930, 2, 3)),
                Cell::from(Some(7u32)),
            ],
            vec![
                Cell::from("1-TB/TU"),
                Cell::from(None::<String>),
                Cell::Date(date(1899, 1, 1)),
                Cell::Int(-3),
            ],
        ];
        write_xlsx(
            &path,
            "Văn bản: 2024/25",
            &["Số ký hiệu", "Trích yếu", "Ngày", "Số bản"],
            &rows,
        )
        .unwrap();

        let table = read_table(&path).unwrap();
        assert_eq!(table.headers, ["Số ký hiệu", "Trích yếu", "Ngày", "Số bản"]);
        assert_eq!(table.rows.len(), 3, "the empty row is skipped");
        assert_eq!(table.rows[0].line, 2);
        assert_eq!(
            cells(&table.rows[0]),
            ["05-KH/HU", "Kế hoạch tổ chức Đại hội", "2024-02-29", "2000"]
        );
        assert_eq!(table.rows[1].line, 4, "line numbers stay true to the sheet");
        assert_eq!(cells(&table.rows[1]), ["45-CT/TW", "Chỉ thị: «x»", "1930-02-03", "7"]);
        assert_eq!(table.rows[2].line, 5);
        assert_eq!(cells(&table.rows[2]), ["1-TB/TU", "", "01/01/1899", "-3"]);
        assert_eq!(parse_date(&table.rows[0].cells[2]), Ok(date(2024, 2, 29)));
        assert_eq!(parse_count(&table.rows[0].cells[3]), Ok(2000));

        // The same from memory.
        let bytes = xlsx_bytes(
            "Văn bản",
            &["Số ký hiệu"],
            &rows[..1].iter().map(|r| r[..1].to_vec()).collect::<Vec<_>>(),
        )
        .unwrap();
        let table = read_table_bytes("upload.XLSX", &bytes).unwrap();
        assert_eq!(cells(&table.rows[0]), ["05-KH/HU"]);
    }

    #[test]
    fn xlsx_sheet_has_frozen_bold_header_with_autofilter_and_fitted_widths() {
        let long = "x".repeat(200);
        let bytes = xlsx_bytes(
            "a/b",
            &["Mã", "Ghi chú"],
            &[vec![Cell::from("CB1"), Cell::from(long.as_str())]],
        )
        .unwrap();
        let workbook = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
        assert_eq!(workbook.sheet_names(), ["a-b"], "invalid characters replaced");
        // calamine does not read view settings: look at the parts themselves.
        let (Some(sheet), Some(styles)) = (
            unzip_part(&bytes, "xl/worksheets/sheet1.xml"),
            unzip_part(&bytes, "xl/styles.xml"),
        ) else {
            eprintln!("skipped: the unzip tool is not installed");
            return;
        };
        assert!(sheet.contains(r#"<autoFilter ref="A1:B2"/>"#), "{sheet}");
        assert!(sheet.contains(r#"state="frozen""#), "{sheet}");
        assert!(
            sheet.contains(r#"width="60.7109375""#),
            "long column capped at 60: {sheet}"
        );
        assert!(styles.contains("<b/>"), "{styles}");
    }

    /// Reads one part of a ZIP archive with the `unzip` tool; `None` when the
    /// tool is not installed.
    fn unzip_part(bytes: &[u8], part: &str) -> Option<String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.xlsx");
        std::fs::write(&path, bytes).unwrap();
        let out = std::process::Command::new("unzip")
            .arg("-p")
            .arg(&path)
            .arg(part)
            .output()
            .ok()?;
        assert!(out.status.success(), "unzip failed on {part}: {out:?}");
        Some(String::from_utf8(out.stdout).unwrap())
    }

    #[test]
    fn xlsx_opens_in_libreoffice() {
        let Some(office) = ["libreoffice", "soffice"].into_iter().find(|p| {
            std::process::Command::new(p)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        }) else {
            eprintln!("skipped: LibreOffice is not installed");
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("units.xlsx");
        let rows = vec![vec![
            Cell::from("Chi bộ Hương Khê"),
            Cell::Int(2000),
            Cell::Date(date(2024, 8, 2)),
        ]];
        write_xlsx(&path, "Đơn vị", &["Tên", "Số bản", "Ngày"], &rows).unwrap();
        let status = std::process::Command::new(office)
            .args(["--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76"])
            .arg("--outdir")
            .arg(dir.path())
            .arg(&path)
            .output()
            .unwrap();
        assert!(status.status.success(), "{status:?}");
        let csv = std::fs::read_to_string(dir.path().join("units.csv")).unwrap();
        assert!(csv.contains("Chi bộ Hương Khê,2000,02/08/2024"), "{csv}");
    }

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
    fn garbage_named_xlsx_is_an_error_not_a_panic() {
        let valid = xlsx_bytes("S", &["a", "b"], &[vec![Cell::from("x"), Cell::Int(1)]]).unwrap();
        let mut inputs: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"not a spreadsheet at all".to_vec(),
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00garbage".to_vec(),
            (0..4096u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
                .collect(),
        ];
        // Truncations and corruptions of a real file.
        for cut in (0..valid.len()).step_by(97) {
            inputs.push(valid[..cut].to_vec());
            let mut flipped = valid.clone();
            flipped[cut] ^= 0x5A;
            inputs.push(flipped);
        }
        for (i, input) in inputs.iter().enumerate() {
            let outcome = std::panic::catch_unwind(|| read_table_bytes("rác.xlsx", input));
            let result = outcome.unwrap_or_else(|_| panic!("input {i} panicked"));
            if let Err(e) = result {
                assert!(e.to_string().starts_with("rác.xlsx: "), "{e}");
            }
        }
        let err = read_table_bytes("rác.xlsx", b"not a spreadsheet")
            .unwrap_err()
            .to_string();
        assert!(err.contains("không phải tệp Excel .xlsx hợp lệ"), "{err}");
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

    #[test]
    fn csv_export_has_bom_commas_and_vietnamese_dates_and_reads_back() {
        let mut out = Vec::new();
        let rows = vec![
            vec![
                Cell::from("HU"),
                Cell::from("Huyện ủy, Hương Khê"),
                Cell::Date(date(2022, 8, 2)),
                Cell::Int(2000),
            ],
            vec![Cell::from("CB1"), Cell::from("Chi bộ \"1\""), Cell::Empty, Cell::Int(0)],
        ];
        write_csv(&mut out, &["Mã", "Tên", "Ngày", "Số bản"], &rows).unwrap();
        assert!(out.starts_with(UTF8_BOM));
        let text = std::str::from_utf8(&out[3..]).unwrap();
        assert_eq!(
            text,
            "Mã,Tên,Ngày,Số bản\r\nHU,\"Huyện ủy, Hương Khê\",02/08/2022,2000\r\nCB1,\"Chi bộ \"\"1\"\"\",,0\r\n"
        );

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("xuất.csv");
        write_csv(
            std::fs::File::create(&path).unwrap(),
            &["Mã", "Tên", "Ngày", "Số bản"],
            &rows,
        )
        .unwrap();
        let table = read_table(&path).unwrap();
        assert_eq!(
            cells(&table.rows[0]),
            ["HU", "Huyện ủy, Hương Khê", "02/08/2022", "2000"]
        );
        assert_eq!(parse_date(&table.rows[0].cells[2]), Ok(date(2022, 8, 2)));
    }

    #[test]
    fn csv_cells_that_would_run_as_formulas_get_a_quote_and_read_back_as_they_were() {
        let rows = vec![
            vec![
                Cell::from("=HYPERLINK(\"http://x\",\"Bấm\")"),
                Cell::from("+84 912 111 222"),
                Cell::from("-Kế hoạch"),
                Cell::from("@SUM(A1)"),
                Cell::Int(-1),
                Cell::from("05-KH/HU"),
                Cell::Date(date(2022, 8, 2)),
            ],
            vec![
                Cell::from("\tx"),
                Cell::from("\r=1"),
                Cell::from("'=1"),
                Cell::from("a=b"),
                Cell::Int(3),
                Cell::Empty,
                Cell::Empty,
            ],
        ];
        let headers = ["A", "B", "C", "D", "E", "F", "G"];
        let mut out = Vec::new();
        write_csv(&mut out, &headers, &rows).unwrap();
        let text = std::str::from_utf8(&out[3..]).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(
            lines[1],
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"Bấm\"\")\",'+84 912 111 222,'-Kế hoạch,'@SUM(A1),-1,05-KH/HU,02/08/2022"
        );
        assert!(lines[2].starts_with("'\tx,\"'\r=1\",'=1,a=b,3"), "{:?}", lines[2]);
        // The import takes the quote off again: an export reads back as it was.
        let table = read_table_bytes("x.csv", &out).unwrap();
        assert_eq!(
            cells(&table.rows[0])[..4],
            [
                "=HYPERLINK(\"http://x\",\"Bấm\")",
                "+84 912 111 222",
                "-Kế hoạch",
                "@SUM(A1)"
            ]
        );
    }

    #[test]
    fn xlsx_text_that_looks_like_a_formula_stays_a_string_cell() {
        use std::io::Read;
        let bytes = xlsx_bytes(
            "Đơn vị",
            &["Tên", "Điện thoại", "Số bản"],
            &[vec![Cell::from("=1+1"), Cell::from("+84 912"), Cell::Int(-1)]],
        )
        .unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
        let mut sheet = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_string(&mut sheet)
            .unwrap();
        assert!(
            !sheet.contains("<f>") && !sheet.contains("<f "),
            "no formula cell: {sheet}"
        );
        let table = read_table_bytes("x.xlsx", &bytes).unwrap();
        assert_eq!(cells(&table.rows[0]), ["=1+1", "+84 912", "-1"]);
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

    #[test]
    fn issue_display() {
        let e = Issue::error("a.csv", 12, Some("Mã cấp trên"), "không có đơn vị mã «X»");
        assert_eq!(e.to_string(), "a.csv:12:Mã cấp trên: không có đơn vị mã «X»");
        let e = Issue::error("a.csv", 0, Some(""), "tệp trống");
        assert_eq!(e.to_string(), "a.csv:0: tệp trống");
    }

    #[test]
    fn helpers() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16383), "XFD");
        assert_eq!(number_text(123.0), "123");
        assert_eq!(number_text(-0.0), "0");
        assert_eq!(number_text(1.5), "1.5");
        assert_eq!(sheet_name("  'Đơn vị: [2024]*'  "), "Đơn vị- -2024--");
        assert_eq!(sheet_name("'"), "Dữ liệu");
        assert_eq!(sheet_name(&"ư".repeat(40)).chars().count(), 31);
        assert_eq!(header_key("Ngày ban hành (dd/mm/yyyy)"), "ngay ban hanh");
        assert_eq!(header_key("Số_ký-hiệu *"), "so ky hieu");
    }
}

//! Values kept as text that the code reads back as enums (a document's
//! classification, a signer's role, the kind of a unit's event, …), read
//! strictly: a value no variant has means the row was edited outside the
//! app or the file is damaged. It is reported naming the table, the row and
//! the value, never read as a default.

use std::fmt;

use rusqlite::types::Type;
use rusqlite::Row;

/// A stored value that its column may not hold.
#[derive(Debug)]
pub(crate) struct UnknownValue {
    pub table: &'static str,
    pub column: &'static str,
    pub row: i64,
    pub value: String,
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "bảng {}, dòng {}: cột {} chứa «{}», không phải giá trị hợp lệ \
             (dữ liệu bị sửa ngoài ứng dụng hoặc tệp bị hỏng)",
            self.table, self.row, self.column, self.value
        )
    }
}

impl std::error::Error for UnknownValue {}

impl UnknownValue {
    /// As the error of a row mapper. The column index is left unknown on
    /// purpose: rusqlite then shows only this message, which already names
    /// the column, not "Conversion error … at index: N".
    pub(crate) fn into_sql(self) -> rusqlite::Error {
        rusqlite::Error::FromSqlConversionFailure(usize::MAX, Type::Text, Box::new(self))
    }
}

/// Reads `column` (text) of the row `row` of `table` through `parse`, which
/// knows the stored forms; any other value is refused as an `UnknownValue`.
pub(crate) fn stored<T>(
    r: &Row<'_>,
    table: &'static str,
    column: &'static str,
    row: i64,
    parse: impl FnOnce(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    let value: String = r.get(column)?;
    parse(&value).ok_or_else(|| {
        UnknownValue {
            table,
            column,
            row,
            value,
        }
        .into_sql()
    })
}

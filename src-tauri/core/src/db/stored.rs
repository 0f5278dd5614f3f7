//! Enums the register stores as text, read back strictly. The tables' CHECK
//! constraints keep the app from writing any other value, so a value an enum
//! does not know means a row edited outside the app: it is reported, naming
//! the table, the column, the value and the row, and never read as a default.
//!
//! Each family implements `FromSql` for its enums with [`text`]; a query that
//! can name its row reads the column with [`get`], which adds the table and
//! the row to the error.

use rusqlite::types::{FromSqlError, FromSqlResult, ValueRef};
use rusqlite::Row;

/// A value an enum column does not know (the error of `FromSql`).
#[derive(Debug)]
struct Unknown {
    column: &'static str,
    value: String,
}

impl std::fmt::Display for Unknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cột {} có giá trị «{}» mà ứng dụng không ghi",
            self.column, self.value
        )
    }
}

impl std::error::Error for Unknown {}

/// [`Unknown`], placed: the table and the row it was read from.
#[derive(Debug)]
pub struct Corrupt {
    pub table: &'static str,
    pub column: &'static str,
    pub value: String,
    /// The row, as a person finds it ("phiếu ABCD-2345", "đợt Đợt 1/2025").
    pub row: String,
}

impl std::fmt::Display for Corrupt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "bảng {}, {}: cột {} có giá trị «{}» mà ứng dụng không ghi; dòng này đã bị sửa ngoài ứng dụng",
            self.table, self.row, self.column, self.value
        )
    }
}

impl std::error::Error for Corrupt {}

/// `FromSql` of an enum stored as text in `column`: `parse` must know the
/// value, or the read fails.
pub(crate) fn text<T>(value: ValueRef<'_>, column: &'static str, parse: fn(&str) -> Option<T>) -> FromSqlResult<T> {
    let s = value.as_str()?;
    parse(s).ok_or_else(|| {
        FromSqlError::Other(Box::new(Unknown {
            column,
            value: s.to_owned(),
        }))
    })
}

/// Reads `column` of `r`; an unknown enum value becomes an error naming
/// `table` and the row (`row()`, e.g. "phiếu ABCD-2345").
pub(crate) fn get<T: rusqlite::types::FromSql>(
    r: &Row<'_>,
    column: &str,
    table: &'static str,
    row: impl FnOnce() -> String,
) -> rusqlite::Result<T> {
    r.get(column).map_err(|e| match e {
        rusqlite::Error::FromSqlConversionFailure(i, ty, err) => match err.downcast::<Unknown>() {
            // usize::MAX: rusqlite's "no column", whose message is the
            // cause's alone, a sentence the user can read.
            Ok(u) => rusqlite::Error::FromSqlConversionFailure(
                usize::MAX,
                ty,
                Box::new(Corrupt {
                    table,
                    column: u.column,
                    value: u.value,
                    row: row(),
                }),
            ),
            Err(err) => rusqlite::Error::FromSqlConversionFailure(i, ty, err),
        },
        e => e,
    })
}

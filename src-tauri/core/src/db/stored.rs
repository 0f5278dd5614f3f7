//! Enums the register stores as text, read back strictly. The tables' CHECK
//! constraints keep the app from writing any other value, so a value an enum
//! does not know means a row edited outside the app or a damaged file: it is
//! reported as [`Corrupt`] (an `Error::Corrupt` once out of the db layer),
//! naming the table, the row, the column and the value, and never read as a
//! default.
//!
//! Two ways in: a family implements `FromSql` for its enums with [`text`] and
//! reads the column with [`get`], which adds the table and the row; or a row
//! mapper that has the row's id reads the column with [`stored`].

use rusqlite::types::{FromSqlError, FromSqlResult, ValueRef};
use rusqlite::Row;

pub(crate) use crate::error::Corrupt;

/// A value an enum column does not know (the error of `FromSql`, before
/// [`get`] places it).
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

/// The `status` of a receipt row, named by the row's `code` column when it
/// is not a status this version knows.
pub(crate) fn receipt_status(r: &Row<'_>) -> rusqlite::Result<crate::model::ReceiptStatus> {
    get(r, "status", "receipt", || {
        format!("phiếu {}", r.get::<_, String>("code").unwrap_or_default())
    })
}

/// Reads `column` of `r`; an unknown enum value becomes a [`Corrupt`] naming
/// `table` and the row (`row()`, e.g. "phiếu ABCD-2345").
pub(crate) fn get<T: rusqlite::types::FromSql>(
    r: &Row<'_>,
    column: &str,
    table: &'static str,
    row: impl FnOnce() -> String,
) -> rusqlite::Result<T> {
    r.get(column).map_err(|e| match e {
        rusqlite::Error::FromSqlConversionFailure(i, ty, err) => match err.downcast::<Unknown>() {
            Ok(u) => Corrupt {
                table,
                column: u.column,
                row: row(),
                value: u.value,
            }
            .into_sql(),
            Err(err) => rusqlite::Error::FromSqlConversionFailure(i, ty, err),
        },
        e => e,
    })
}

/// Reads `column` (text) of the row with id `id` of `table` through `parse`,
/// which knows the stored forms; any other value is refused as [`Corrupt`].
pub(crate) fn stored<T>(
    r: &Row<'_>,
    table: &'static str,
    column: &'static str,
    id: i64,
    parse: impl FnOnce(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    let value: String = r.get(column)?;
    parse(&value).ok_or_else(|| Corrupt::at_id(table, column, id, value).into_sql())
}

#[cfg(test)]
mod tests {
    use crate::batches::tests::{batch, date, setup};
    use crate::error::Error;
    use crate::model::{Confirmation, OutstandingQuery};
    use crate::Store;

    /// Writes `sql` past the CHECK constraints, as an edit outside the app could.
    fn tamper(s: &Store, sql: &str) {
        let conn = s.connection();
        conn.pragma_update(None, "ignore_check_constraints", true)
            .expect("pragma");
        conn.execute(sql, []).expect(sql);
        conn.pragma_update(None, "ignore_check_constraints", false)
            .expect("pragma");
    }

    /// The refusal names the table, the column, the value and the row.
    fn refused<T: std::fmt::Debug>(got: crate::Result<T>, table: &str, column: &str, value: &str, row: &str) {
        let err = got.expect_err("a corrupt row is refused");
        assert!(matches!(err, Error::Corrupt(_)), "{err:?}");
        let msg = err.to_string();
        for part in [
            format!("bảng {table}"),
            format!("cột {column}"),
            format!("«{value}»"),
            row.to_owned(),
        ] {
            assert!(msg.contains(&part), "{part} not in: {msg}");
        }
        assert!(!msg.contains("Conversion error"), "{msg}");
    }

    #[test]
    fn an_unknown_receipt_status_is_reported_not_read_as_pending() {
        let (_d, mut s, a) = setup();
        s.create_batch(&a, batch("B")).expect("batch");
        let code: String = s
            .connection()
            .query_row(
                "SELECT r.code FROM receipt r JOIN unit u ON u.id = r.unit_id WHERE u.code = 'X1'",
                [],
                |r| r.get(0),
            )
            .expect("code");
        tamper(&s, "UPDATE receipt SET state = 'lost' WHERE code IN (SELECT r.code FROM receipt r JOIN unit u ON u.id = r.unit_id WHERE u.code = 'X1')");
        let row = format!("phiếu {code}");
        refused(
            s.outstanding(&OutstandingQuery::default()),
            "receipt",
            "status",
            "lost",
            &row,
        );
        refused(
            s.outstanding(&OutstandingQuery {
                as_of: Some(date(2022, 8, 3)),
                ..OutstandingQuery::default()
            }),
            "receipt",
            "status",
            "lost",
            &row,
        );
        refused(s.receipt(&code), "receipt", "status", "lost", &row);
        refused(s.unit_receipts("X1"), "receipt", "status", "lost", &row);
        refused(
            s.batch_stats(&["B".to_owned()], None),
            "receipt",
            "status",
            "lost",
            &row,
        );
        let c = Confirmation {
            batch: "B".into(),
            unit_code: "X1".into(),
            by: "Lê A".into(),
            on: Some(date(2022, 8, 5)),
            ..Default::default()
        };
        refused(s.confirm(&a, c.clone()), "receipt", "status", "lost", &row);
        let by_code = Confirmation {
            receipt_code: Some(code.clone()),
            ..c
        };
        refused(s.confirm(&a, by_code), "receipt", "status", "lost", &row);
    }

    #[test]
    fn an_unknown_delivery_method_is_reported_not_read_as_in_person() {
        let (_d, mut s, a) = setup();
        s.create_batch(&a, batch("B")).expect("batch");
        tamper(&s, "UPDATE batch SET method = 'pigeon'");
        refused(s.list_batches(), "batch", "method", "pigeon", "đợt «B»");
        refused(
            s.edit_batch(&a, "B", None, None, "Sửa hạn"),
            "batch",
            "method",
            "pigeon",
            "đợt «B»",
        );
    }

    #[test]
    fn an_unknown_confirm_method_is_reported_not_shown() {
        let (_d, mut s, a) = setup();
        s.create_batch(&a, batch("B")).expect("batch");
        let c = Confirmation {
            batch: "B".into(),
            unit_code: "X1".into(),
            by: "Lê A".into(),
            on: Some(date(2022, 8, 5)),
            ..Default::default()
        };
        s.confirm(&a, c).expect("confirm");
        let code: String = s
            .connection()
            .query_row("SELECT code FROM receipt WHERE signed_by IS NOT NULL", [], |r| r.get(0))
            .expect("code");
        tamper(&s, "UPDATE receipt SET method_code = 'fax' WHERE signed_by IS NOT NULL");
        let row = format!("phiếu {code}");
        refused(s.receipt(&code), "receipt", "confirm_method", "fax", &row);
        refused(s.unit_receipts("X1"), "receipt", "confirm_method", "fax", &row);
    }
}

//! The `receipt` and `receipt_line` tables: a receipt found by its code or
//! by batch and unit (with the units merged into it), its lines, its detail
//! as the slip shows it, and the two writes of a confirmation: recording one
//! (`write_confirmation`, the one path of the app and of bulk loaders alike)
//! and clearing it.

use chrono::NaiveDate;
use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{params, OptionalExtension, Row};

use super::uid::{time_value, uid_of};
use super::{stored, Dao};
use crate::error::{Error, Result};
use crate::model::{ConfirmMethod, ReceiptDetail, ReceiptLine, ReceiptStatus};
use crate::receipt_code;

impl FromSql for ReceiptStatus {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        stored::text(value, "status", ReceiptStatus::parse)
    }
}

impl ToSql for ReceiptStatus {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

/// How a confirmation reached the register, as stored in
/// `receipt.confirm_method`: the method the user chose, or, when none was
/// chosen, the door it came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmedVia {
    Method(ConfirmMethod),
    /// The desktop app, no method named.
    App,
    /// The command line, no method named.
    Cli,
}

impl ConfirmedVia {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfirmedVia::Method(m) => m.as_str(),
            ConfirmedVia::App => "app",
            ConfirmedVia::Cli => "cli",
        }
    }

    /// Every method, in the order of their [`code`](Self::code)s.
    const ALL: [ConfirmedVia; 5] = [
        ConfirmedVia::Method(ConfirmMethod::InPerson),
        ConfirmedVia::Method(ConfirmMethod::Slip),
        ConfirmedVia::Method(ConfirmMethod::Remote),
        ConfirmedVia::App,
        ConfirmedVia::Cli,
    ];

    pub fn parse(s: &str) -> Option<ConfirmedVia> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// The number the receipt keeps in `method_code` (schema step 17), and
    /// a plain confirmation's short log detail.
    pub(crate) fn code(self) -> i64 {
        match self {
            ConfirmedVia::Method(ConfirmMethod::InPerson) => 0,
            ConfirmedVia::Method(ConfirmMethod::Slip) => 1,
            ConfirmedVia::Method(ConfirmMethod::Remote) => 2,
            ConfirmedVia::App => 3,
            ConfirmedVia::Cli => 4,
        }
    }

    /// The method of a [`code`](Self::code).
    pub(crate) fn of_code(code: i64) -> Option<ConfirmedVia> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }
}

impl FromSql for ConfirmedVia {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        stored::text(value, "confirm_method", ConfirmedVia::parse)
    }
}

/// The number the receipt keeps in `state` (schema step 17); `status` is
/// computed from it.
fn state_code(status: ReceiptStatus) -> i64 {
    match status {
        ReceiptStatus::Pending => 0,
        ReceiptStatus::Confirmed => 1,
        ReceiptStatus::Partial => 2,
        ReceiptStatus::Declined => 3,
    }
}

/// A day as the receipt keeps it in `signed_day` (`signed_on` is computed
/// from it) and a plain confirmation's short log detail: days since
/// 1970-01-01 (`NaiveDate`'s default).
pub(crate) fn day_number(day: NaiveDate) -> i64 {
    (day - NaiveDate::default()).num_days()
}

/// The day of a [`day_number`]; `None` out of the calendar's range.
pub(crate) fn day_of_number(n: i64) -> Option<NaiveDate> {
    NaiveDate::default().checked_add_signed(chrono::TimeDelta::try_days(n)?)
}

/// A receipt a confirmation touches.
#[derive(Debug, Clone)]
pub(crate) struct ReceiptRef {
    pub id: i64,
    pub status: ReceiptStatus,
    /// The code of the unit it was handed to.
    pub unit_code: String,
}

/// One line of a confirmed receipt: copies listed, copies received, and the
/// `received` column as it stands before the write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCount {
    pub document_id: i64,
    pub listed: u32,
    pub got: u32,
    pub stored: Option<u32>,
}

/// Everything one confirmation writes: the receipt's columns, its lines,
/// and what its audit row names (the unit that signs, when it signs in
/// place of a merged unit). Built by `receipts::confirm` for one click, and by bulk loaders
/// (the scale generator of the benchmarks) for millions, so both write the
/// same.
#[derive(Debug, Clone)]
pub struct ConfirmationRow {
    pub receipt_id: i64,
    /// The unit that signs.
    pub unit: String,
    /// The merged unit whose receipt it signs, when not its own.
    pub in_place_of: Option<String>,
    pub status: ReceiptStatus,
    pub by: String,
    pub on: NaiveDate,
    /// When it was entered (UTC, RFC 3339).
    pub entered_at: String,
    pub method: ConfirmedVia,
    pub on_behalf: bool,
    pub note: Option<String>,
    /// A drawn signature, PNG.
    pub signature: Option<Vec<u8>>,
    /// The account of the person who signed, when known.
    pub signer_account: Option<String>,
    /// Every line of the receipt.
    pub lines: Vec<LineCount>,
}

/// A receipt's detail from a row with the columns `code`, `batch`,
/// `title`, `handed_on`, `due_on`, `unit_code`, `name`, `must_confirm`,
/// `status`, `signed_by`, `signed_on`, `confirm_method`, `on_behalf`,
/// `note`, `has_signature`, `recorded_by`, `signer_account` (its lines are
/// the caller's): our own receipts and the inbox's alike. The status and the
/// method are read strictly, an unknown value reported as corrupt in
/// `table`.
pub(super) fn detail_row(r: &Row<'_>, table: &'static str, code: &str) -> rusqlite::Result<ReceiptDetail> {
    let row = || format!("phiếu {code}");
    Ok(ReceiptDetail {
        receipt_code: r.get("code")?,
        batch: r.get("batch")?,
        batch_title: r.get("title")?,
        handed: r.get("handed_on")?,
        due: r.get("due_on")?,
        unit_code: r.get("unit_code")?,
        unit_name: r.get("name")?,
        must_confirm: r.get("must_confirm")?,
        status: stored::get(r, "status", table, row)?,
        signed_by: r.get("signed_by")?,
        signed_on: r.get("signed_on")?,
        method: stored::get::<Option<ConfirmedVia>>(r, "confirm_method", table, row)?.map(|m| m.as_str().to_owned()),
        on_behalf: r.get("on_behalf")?,
        note: r.get("note")?,
        has_signature: r.get("has_signature")?,
        recorded_by: r.get("recorded_by")?,
        signer_account: r.get("signer_account")?,
        secretary: None,
        lines: Vec::new(),
    })
}

/// One receipt of a batch with its lines, for bulk loaders.
#[derive(Debug, Clone)]
pub struct BatchReceipt {
    pub id: i64,
    pub unit_code: String,
    pub must_confirm: bool,
    /// (document id, copies, symbol), in symbol order.
    pub lines: Vec<(i64, u32, String)>,
}

/// What a receipt adds to its batch's open count (see `Dao::open_state`).
struct OpenState {
    batch_id: i64,
    must_confirm: bool,
    open: bool,
}

impl Dao<'_> {
    /// The receipt with this code (as `receipt_code::parse` gives it) in a
    /// live batch, with its batch's code.
    pub(crate) fn receipt_by_code(&self, code: &str) -> Result<Option<(ReceiptRef, String)>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT r.id, r.status, u.code AS unit_code, b.code AS batch FROM receipt r
                 JOIN unit u ON u.id = r.unit_id JOIN batch b ON b.id = r.batch_id
                 WHERE r.code = ?1 AND b.cancelled_at IS NULL",
            )?
            .query_row([code], |r| {
                Ok((
                    ReceiptRef {
                        id: r.get("id")?,
                        status: stored::get(r, "status", "receipt", || format!("phiếu {code}"))?,
                        unit_code: r.get("unit_code")?,
                    },
                    r.get("batch")?,
                ))
            })
            .optional()?)
    }

    /// The receipts of a unit in a batch: its own and those of the units
    /// merged into it, directly or through others.
    pub(crate) fn receipts_of_unit(&self, batch_id: i64, unit_id: i64) -> Result<Vec<ReceiptRef>> {
        let mut stmt = self.conn.prepare_cached(
            "WITH RECURSIVE merged(id) AS (
                 SELECT ?2 UNION SELECT u.id FROM unit u JOIN merged m ON u.successor_id = m.id
             )
             SELECT r.id, r.code, r.status, u.code AS unit_code FROM receipt r JOIN unit u ON u.id = r.unit_id
             WHERE r.batch_id = ?1 AND r.unit_id IN (SELECT id FROM merged)",
        )?;
        let found = stmt
            .query_map(params![batch_id, unit_id], |r| {
                Ok(ReceiptRef {
                    id: r.get("id")?,
                    status: stored::receipt_status(r)?,
                    unit_code: r.get("unit_code")?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(found)
    }

    /// (document id, line) of one receipt, in symbol order.
    pub(crate) fn receipt_lines(&self, receipt_id: i64) -> Result<Vec<(i64, ReceiptLine)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.id, d.symbol, d.title, d.classification, l.quantity, l.received,
                    (SELECT json_group_array(number) FROM (SELECT c.number FROM receipt_copy c
                     WHERE c.receipt_id = l.receipt_id AND c.document_id = l.document_id ORDER BY c.number))
             FROM receipt_line l
             JOIN document d ON d.id = l.document_id WHERE l.receipt_id = ?1 ORDER BY d.symbol",
        )?;
        let lines = stmt
            .query_map([receipt_id], |r| {
                Ok((
                    r.get(0)?,
                    ReceiptLine {
                        symbol: r.get(1)?,
                        // A slip shown or printed never carries a Tuyệt mật summary.
                        title: crate::model::shown_title(&r.get::<_, String>(3)?, r.get(2)?),
                        quantity: r.get(4)?,
                        received: r.get(5)?,
                        copy_numbers: super::copies::numbers_json(r, 6)?,
                    },
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(lines)
    }

    /// A receipt by its code, typed or scanned (a mistyped code is caught
    /// by its check character before any lookup), with what the slip lists.
    pub(crate) fn receipt_detail(&self, raw_code: &str) -> Result<ReceiptDetail> {
        let code = receipt_code::parse(raw_code)
            .map_err(|e| Error::invalid("receipt_code", format!("«{}»: {e}", raw_code.trim())))?;
        let found = self
            .conn
            .query_row(
                "SELECT r.id, r.code, b.code AS batch, b.title, b.handed_on, b.due_on, u.id AS unit_id, u.code AS unit_code,
                        v.name, r.must_confirm, r.status, r.signed_by, r.signed_on, r.confirm_method, r.on_behalf, r.note,
                        r.signature IS NOT NULL AS has_signature, r.recorded_by, r.signer_account
                 FROM receipt r JOIN batch b ON b.id = r.batch_id JOIN unit u ON u.id = r.unit_id
                 JOIN unit_version v ON v.unit_id = u.id AND v.valid_from <= b.handed_on AND b.handed_on < v.valid_to
                 WHERE r.code = ?1 AND b.cancelled_at IS NULL",
                [&code],
                |r| Ok((r.get::<_, i64>("id")?, r.get::<_, i64>("unit_id")?, detail_row(r, "receipt", &code)?)),
            )
            .optional()?;
        let Some((id, unit_id, mut detail)) = found else {
            return Err(Error::invalid(
                "receipt_code",
                format!("Không có phiếu nào mang mã nhận {code}"),
            ));
        };
        detail.lines = self.receipt_lines(id)?.into_iter().map(|(_, l)| l).collect();
        detail.secretary = self
            .secretaries_on(crate::dates::today(), &format!("[{unit_id}]"))?
            .remove(&unit_id);
        Ok(detail)
    }

    /// Writes one confirmation (see [`ConfirmationRow`]), recorded by the
    /// transaction's actor: `received` on every line whose count changes
    /// (set where fewer or more arrived than listed, cleared where the full
    /// count did), then the receipt's columns. Returns the receipt's uid.
    /// The audit row is the caller's (`receipts::record`).
    pub fn write_confirmation(&self, c: &ConfirmationRow) -> Result<String> {
        let actor = self.actor()?;
        let mut set_line = self
            .conn
            .prepare_cached("UPDATE receipt_line SET received = ?1 WHERE receipt_id = ?2 AND document_id = ?3")?;
        for line in &c.lines {
            let received = (line.got != line.listed).then_some(line.got);
            if received != line.stored {
                set_line.execute(params![received, c.receipt_id, line.document_id])?;
            }
        }
        let was = self.open_state(c.receipt_id)?;
        let uid: String = self
            .conn
            .prepare_cached(
                "UPDATE receipt SET state = ?1, signed_by = ?2, signed_day = ?3, entered = ?4, method_code = ?5,
                        on_behalf = ?6, note = ?7, signature = ?8, recorded_by = ?9, signer_account = ?10
                 WHERE id = ?11 RETURNING uid",
            )?
            .query_row(
                params![
                    state_code(c.status),
                    c.by,
                    day_number(c.on),
                    time_value(&c.entered_at),
                    c.method.code(),
                    c.on_behalf,
                    c.note,
                    c.signature,
                    actor.name,
                    c.signer_account,
                    c.receipt_id
                ],
                |r| Ok(uid_of(r.get_ref(0)?)),
            )?;
        self.count_open(was, c.status != ReceiptStatus::Confirmed)?;
        Ok(uid)
    }

    /// The batch of a receipt, whether it must be confirmed and whether it
    /// is open (not confirmed): what its batch's `receipts_open` counts.
    fn open_state(&self, receipt_id: i64) -> Result<OpenState> {
        let state = self
            .conn
            .prepare_cached("SELECT batch_id, must_confirm, status <> 'confirmed' FROM receipt WHERE id = ?1")?
            .query_row([receipt_id], |r| {
                Ok(OpenState {
                    batch_id: r.get(0)?,
                    must_confirm: r.get(1)?,
                    open: r.get(2)?,
                })
            })?;
        Ok(state)
    }

    /// Keeps the batch's `receipts_open` in step with a receipt that was
    /// open (`was`) and now is open or not (`open`), in the same
    /// transaction as the receipt's write.
    fn count_open(&self, was: OpenState, open: bool) -> Result<()> {
        if was.must_confirm && was.open != open {
            self.conn
                .prepare_cached("UPDATE batch SET receipts_open = receipts_open + ?1 WHERE id = ?2")?
                .execute(params![if open { 1 } else { -1 }, was.batch_id])?;
        }
        Ok(())
    }

    /// Puts a receipt back to pending: its lines' `received` and every
    /// column of the confirmation cleared. Returns its uid and who signed
    /// it on which day, as they were.
    pub(crate) fn clear_confirmation(&self, receipt_id: i64) -> Result<(String, Option<String>, Option<String>)> {
        let (uid, by, on) = self.conn.query_row(
            "SELECT uid, signed_by, signed_on FROM receipt WHERE id = ?1",
            [receipt_id],
            |r| Ok((uid_of(r.get_ref(0)?), r.get(1)?, r.get(2)?)),
        )?;
        let was = self.open_state(receipt_id)?;
        self.conn.execute(
            "UPDATE receipt_line SET received = NULL WHERE receipt_id = ?1",
            [receipt_id],
        )?;
        self.conn.execute(
            "UPDATE receipt SET state = 0, signed_by = NULL, signed_day = NULL, entered = NULL,
                    method_code = NULL, on_behalf = 0, note = NULL, signature = NULL, recorded_by = NULL,
                    signer_account = NULL WHERE id = ?1",
            [receipt_id],
        )?;
        self.count_open(was, true)?;
        Ok((uid, by, on))
    }

    /// Every receipt of a batch, live or cancelled, with its lines, in id
    /// order: for bulk loaders, which confirm a batch's receipts from data
    /// in hand instead of looking each one up.
    pub fn receipts_of_batch(&self, batch_code: &str) -> Result<Vec<BatchReceipt>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, u.code, r.must_confirm, l.document_id, l.quantity, d.symbol
             FROM batch b JOIN receipt r ON r.batch_id = b.id JOIN unit u ON u.id = r.unit_id
             JOIN receipt_line l ON l.receipt_id = r.id JOIN document d ON d.id = l.document_id
             WHERE b.code = ?1 ORDER BY r.id, d.symbol",
        )?;
        let mut rows = stmt.query([batch_code])?;
        let mut out: Vec<BatchReceipt> = Vec::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            if out.last().is_none_or(|o| o.id != id) {
                out.push(BatchReceipt {
                    id,
                    unit_code: r.get(1)?,
                    must_confirm: r.get(2)?,
                    lines: Vec::new(),
                });
            }
            if let Some(o) = out.last_mut() {
                o.lines.push((r.get(3)?, r.get(4)?, r.get(5)?));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::types::ValueRef;

    use super::*;
    use crate::db::uid::time_of;

    /// The receipt's `signed_on` and `entered_at` are computed by SQLite
    /// from the numbers the app writes; they must give the very text the
    /// app would have written, over the whole range of days and times.
    #[test]
    fn the_receipts_computed_day_and_time_are_the_apps_text() {
        let conn = rusqlite::Connection::open_in_memory().expect("memory");
        for step in crate::db::schema::STEPS {
            conn.execute_batch(step).expect("step");
        }
        conn.execute_batch(
            "INSERT INTO unit (id, uid, code, created_at) VALUES (1, 'u1', 'X1', '2025-01-01');
             INSERT INTO batch (id, uid, code, title, handed_on, due_on, recorded_by, created_at)
                 VALUES (1, 'b1', 'B1', 'Đợt 1', '2025-01-01', '2025-01-08', 'văn thư', '2025-01-01');
             INSERT INTO receipt (id, uid, batch_id, unit_id, code, copies) VALUES (1, 'r1', 1, 1, 'AAAA1111', 1);",
        )
        .expect("rows");
        let mut set = conn
            .prepare("UPDATE receipt SET state = 1, signed_by = 'A', signed_day = ?1, entered = ?2 WHERE id = 1")
            .expect("prepare");
        let mut get = conn
            .prepare("SELECT signed_on, entered_at FROM receipt WHERE id = 1")
            .expect("prepare");
        // Milliseconds from 1900 to 2200 in uneven steps, and the edges of
        // a second and of a day.
        let mut ms: i64 = -2_208_988_800_000;
        let mut n = 0_i64;
        while ms < 7_258_118_400_000 {
            n += 1;
            for t in [
                ms,
                ms - ms.rem_euclid(1000),
                ms - ms.rem_euclid(1000) + 999,
                ms - ms.rem_euclid(86_400_000),
            ] {
                let day = t.div_euclid(86_400_000);
                set.execute(rusqlite::params![day, t]).expect("write");
                let (on, at): (String, String) = get.query_row([], |r| Ok((r.get(0)?, r.get(1)?))).expect("read");
                assert_eq!(at, time_of(ValueRef::Integer(t)), "{t} ms");
                let expected = day_of_number(day).expect("day").to_string();
                assert_eq!(on, expected, "day {day}");
                assert_eq!(day_number(day_of_number(day).expect("day")), day);
            }
            ms += 3_700_001_337 + n * 7_919;
        }
        assert!(n > 2_000, "{n} times tried");
    }
}

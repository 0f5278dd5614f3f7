//! The `audit_log` table: appending a row (with the SHA-256 of the row
//! before it and of its own fields), its head, the walk along the chain in id order, the triggers
//! of a file and of a fresh schema, and what the replay reads of the
//! register (receipts with their received copies merged in one pass,
//! batches, accounts, the inbox). The checks themselves are in `crate::audit`.
//!
//! What a hash covers is text (see [`Entry`]); what the table keeps is
//! smaller where millions of rows repeat it (hashes and uids as bytes, times
//! as milliseconds, the two frequent actions as numbers, a plain
//! confirmation's detail in short), and this module turns each back into
//! the text, so rows of every schema step check alike.

use std::collections::BTreeMap;
use std::ops::ControlFlow;

use chrono::NaiveDate;
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OptionalExtension, Row, Rows};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::receipts::{day_number, day_of_number, ConfirmedVia};
use super::uid::{as_found, entity_of, time_of, time_value, uid_of, uid_value};
use super::{now_utc, Dao};
use crate::error::Result;

/// The hash before the first row.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Hex characters of the head's hash printed on lists and shown by `verify`;
/// `verify --expect` takes at least this many.
pub const CHECK_CODE_LEN: usize = 12;

/// The fields of one row that its hash covers.
pub(crate) struct Entry<'a> {
    pub uid: &'a str,
    pub at: &'a str,
    pub actor: &'a str,
    pub method: &'a str,
    pub action: &'a str,
    pub entity_uid: Option<&'a str>,
    pub detail: &'a str,
}

impl Entry<'_> {
    /// SHA-256 over the previous hash (hex) and the fields, in a fixed,
    /// unambiguous encoding (a JSON array), as hex.
    pub(crate) fn hash(&self, prev_hash: &str) -> String {
        hex::encode(self.digest(prev_hash))
    }

    /// The same SHA-256 as its 32 bytes (what the table keeps).
    fn digest(&self, prev_hash: &str) -> [u8; 32] {
        let canonical = serde_json::json!([
            prev_hash,
            self.uid,
            self.at,
            self.actor,
            self.method,
            self.action,
            self.entity_uid,
            self.detail
        ]);
        Sha256::digest(canonical.to_string().as_bytes()).into()
    }
}

/// A row's `hash` as hex: the table keeps the 32 bytes (since schema step
/// 13); anything else is read as found.
fn hash_of(value: ValueRef<'_>) -> String {
    as_found(value)
}

/// An action as the log keeps it (schema step 17): the two a register
/// logs millions of as 1 and 2, any other as its text; the table's
/// `action` column gives the text back.
fn action_value(action: &str) -> Value {
    match action {
        "receipt.confirm" => Value::Integer(1),
        "receipt.undo" => Value::Integer(2),
        other => Value::Text(other.to_owned()),
    }
}

/// The detail of a plain confirmation, as `receipts::ConfirmLog` writes it
/// when nothing is unusual: a signer (for the unit, or on its behalf), a
/// day, a method, every copy arrived.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlainConfirmation {
    by: String,
    on: NaiveDate,
    method: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    on_behalf: bool,
    received: [u8; 0],
}

/// Added to the method's code in a short detail when the signer signed on
/// the unit's behalf (a deputy): method codes are below it.
const ON_BEHALF: i64 = 8;

/// A plain confirmation's detail in short (schema step 17), as the JSON
/// array `[signer, day since 1970, method code (+ ON_BEHALF)]`: a third of
/// the bytes of the text, which four million confirmations repeat. `None`
/// for any other action or detail, and for a detail the short form would
/// not give back exactly (the hash covers the text).
fn short_detail(action: &str, detail: &str) -> Option<Vec<u8>> {
    if action != "receipt.confirm" {
        return None;
    }
    let plain: PlainConfirmation = serde_json::from_str(detail).ok()?;
    let method = ConfirmedVia::parse(&plain.method)?.code() + if plain.on_behalf { ON_BEHALF } else { 0 };
    let short = serde_json::to_vec(&(&plain.by, day_number(plain.on), method)).ok()?;
    (full_detail(&short).as_deref() == Some(detail)).then_some(short)
}

/// The JSON text of a short detail; `None` when it is not one.
fn full_detail(short: &[u8]) -> Option<String> {
    let (by, day, code): (String, i64, i64) = serde_json::from_slice(short).ok()?;
    if !(0..2 * ON_BEHALF).contains(&code) {
        return None;
    }
    let plain = PlainConfirmation {
        by,
        on: day_of_number(day)?,
        method: ConfirmedVia::of_code(code % ON_BEHALF)?.as_str().to_owned(),
        on_behalf: code / ON_BEHALF == 1,
        received: [],
    };
    serde_json::to_string(&plain).ok()
}

/// A row's detail as the text its hash covers: JSON text as stored, a short
/// detail in full; anything else as found (so the hash check names the row).
fn detail_of(value: ValueRef<'_>) -> String {
    match value {
        ValueRef::Blob(b) => full_detail(b).unwrap_or_else(|| as_found(value)),
        other => as_found(other),
    }
}

/// The newest row of a register's audit log: its id and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Head {
    #[ts(type = "number")]
    pub id: i64,
    pub hash: String,
}

impl Head {
    /// The first [`CHECK_CODE_LEN`] characters of the hash: what a printed
    /// list carries ("Mã kiểm tra sổ: …") and `verify --expect` accepts.
    pub fn check_code(&self) -> &str {
        self.hash.get(..CHECK_CODE_LEN).unwrap_or(&self.hash)
    }
}

/// One row of the log as stored.
pub(crate) struct LogRow {
    pub id: i64,
    pub uid: String,
    pub at: String,
    pub actor: String,
    pub method: String,
    pub action: String,
    pub entity_uid: Option<String>,
    pub detail: String,
    /// Hex.
    pub hash: String,
}

impl LogRow {
    /// The fields its hash covers.
    pub(crate) fn entry(&self) -> Entry<'_> {
        Entry {
            uid: &self.uid,
            at: &self.at,
            actor: &self.actor,
            method: &self.method,
            action: &self.action,
            entity_uid: self.entity_uid.as_deref(),
            detail: &self.detail,
        }
    }
}

/// One row as `each_log_row` selects it.
fn log_row(r: &Row<'_>) -> rusqlite::Result<LogRow> {
    Ok(LogRow {
        id: r.get("id")?,
        uid: uid_of(r.get_ref("uid")?),
        at: time_of(r.get_ref("at")?),
        actor: r.get("actor")?,
        method: r.get("method")?,
        action: r.get("action")?,
        entity_uid: entity_of(r.get_ref("entity_uid")?),
        detail: detail_of(r.get_ref("detail")?),
        hash: hash_of(r.get_ref("hash")?),
    })
}

/// Triggers by name: (table, SQL).
pub(crate) type Triggers = BTreeMap<String, (String, Option<String>)>;

/// A receipt as the register holds it, with the lines whose copies received
/// were recorded: (document id, copies received).
pub(crate) struct ReceiptState<'a> {
    pub uid: String,
    pub batch_id: i64,
    pub unit_id: i64,
    pub code: String,
    pub must_confirm: bool,
    pub copies: i64,
    pub status: String,
    pub signer: Option<String>,
    /// Its last confirmation or undo came in a packet.
    pub set_by_packet: bool,
    pub received: &'a [(i64, i64)],
}

/// A batch as the register holds it.
pub(crate) struct BatchState {
    pub id: i64,
    pub uid: String,
    pub code: String,
    pub cancelled: bool,
    /// Its counts as kept in its row: all receipts, those "for
    /// information", the must-confirm ones still open.
    pub counts: BatchCounts,
}

/// A batch's receipts counted: all, "for information", must-confirm and
/// not confirmed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BatchCounts {
    pub total: i64,
    pub info: i64,
    pub open: i64,
}

/// A numbered copy as the table holds it (see `Dao::copy_states`).
pub(crate) struct CopyState {
    pub document_id: i64,
    pub symbol: String,
    pub number: u32,
    pub state: String,
    pub holder: Option<String>,
}

/// An account as the register holds it (the role as stored: the replay
/// names an unknown one rather than refusing to read it).
pub(crate) struct AccountState {
    pub uid: String,
    pub username: String,
    pub role: String,
    pub disabled: bool,
}

/// An inbox receipt as the register holds it (the status as stored: the
/// replay names an unknown one rather than refusing to read it).
pub(crate) struct InboxState {
    pub uid: String,
    pub code: String,
    pub batch: String,
    pub unit_code: String,
    pub status: String,
}

/// The last row of the log on `conn`.
pub(crate) fn head_of(conn: &Connection) -> rusqlite::Result<Option<Head>> {
    conn.prepare_cached("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| {
            Ok(Head {
                id: r.get(0)?,
                hash: hash_of(r.get_ref(1)?),
            })
        })
        .optional()
}

fn triggers_of(conn: &Connection) -> Result<Triggers> {
    let mut stmt = conn.prepare("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
        .collect::<rusqlite::Result<Triggers>>()?;
    Ok(rows)
}

/// The triggers the schema makes, from a fresh database in memory.
pub(crate) fn schema_triggers() -> Result<Triggers> {
    let fresh = Connection::open_in_memory()?;
    for step in super::schema::STEPS {
        fresh.execute_batch(step)?;
    }
    triggers_of(&fresh)
}

impl Dao<'_> {
    /// Appends one audit row for a change made in this transaction.
    pub(crate) fn log(&self, action: &str, entity_uid: Option<&str>, detail: &impl Serialize) -> Result<()> {
        let actor = self.actor()?;
        let detail = serde_json::to_string(detail)?;
        let prev = self.log_head()?.map_or_else(|| GENESIS.to_owned(), |h| h.hash);
        let at = now_utc();
        let entry = Entry {
            uid: "",
            at: &at,
            actor: &actor.name,
            method: &actor.method,
            action,
            entity_uid,
            detail: &detail,
        };
        let hash = entry.digest(&prev);
        let stored_detail = match short_detail(action, &detail) {
            Some(short) => Value::Blob(short),
            None => Value::Text(detail),
        };
        self.conn
            .prepare_cached(
                "INSERT INTO audit_log (at, actor, method, action_code, entity_uid, detail, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(rusqlite::params![
                time_value(&at),
                actor.name,
                actor.method,
                action_value(action),
                entity_uid.map(uid_value),
                stored_detail,
                &hash[..]
            ])?;
        Ok(())
    }

    /// Logs a confirmation or undo of the receipt `receipt_uid` (`action`
    /// is `receipt.confirm` or `receipt.undo`) and keeps in the receipt
    /// whether it came in a packet (`set_by_packet`): a later packet may
    /// change only what a packet set. The receipt row was just written, so
    /// the usual case (not by packet, and not before) reads it and writes
    /// nothing.
    pub(crate) fn log_receipt_event(&self, action: &str, receipt_uid: &str, detail: &impl Serialize) -> Result<()> {
        self.log(action, Some(receipt_uid), detail)?;
        let by_packet = self.actor()?.method == super::exchange::PACKET_METHOD;
        self.conn
            .prepare_cached("UPDATE receipt SET set_by_packet = ?1 WHERE uid = ?2 AND set_by_packet <> ?1")?
            .execute(rusqlite::params![by_packet, uid_value(receipt_uid)])?;
        Ok(())
    }

    /// The last row of the log, as this transaction sees it.
    pub(crate) fn log_head(&self) -> Result<Option<Head>> {
        Ok(head_of(self.conn)?)
    }

    /// Every row of the log in id order, one at a time.
    pub(crate) fn each_log_row(&self, mut f: impl FnMut(LogRow) -> Result<()>) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT id, uid, at, actor, method, action, entity_uid, detail, hash
             FROM audit_log ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(log_row(r)?)?;
        }
        Ok(())
    }

    /// The triggers in this file.
    pub(crate) fn triggers(&self) -> Result<Triggers> {
        triggers_of(self.conn)
    }

    /// The ids `find` (a statement taking a uid) gives for what the rows
    /// between `cursor` and `last` (ids) with one of `actions` are about,
    /// in the log's order; a uid it does not find is skipped.
    pub(crate) fn ids_logged_between(&self, find: &str, cursor: i64, last: i64, actions: &[&str]) -> Result<Vec<i64>> {
        let mut logged = self.conn.prepare_cached(
            "SELECT entity_uid FROM audit_log
             WHERE id > ?1 AND id <= ?2 AND action IN (SELECT value FROM json_each(?3)) AND entity_uid IS NOT NULL
             ORDER BY id",
        )?;
        let uids = logged
            .query_map(rusqlite::params![cursor, last, serde_json::to_string(actions)?], |r| {
                Ok(uid_of(r.get_ref(0)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut find = self.conn.prepare_cached(find)?;
        let mut ids = Vec::new();
        for uid in uids {
            ids.extend(find.query_row([uid], |r| r.get::<_, i64>(0)).optional()?);
        }
        Ok(ids)
    }

    /// The action and detail of the log row `id`.
    pub(crate) fn log_action_at(&self, id: i64) -> Result<(String, String)> {
        Ok(self
            .conn
            .query_row("SELECT action, detail FROM audit_log WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, detail_of(r.get_ref(1)?)))
            })?)
    }

    /// Every receipt in id order with its received copies, reading the
    /// receipts and the lines once each (two cursors merged: a province's
    /// ten years hold millions), until `f` breaks.
    pub(crate) fn each_receipt_state<B>(
        &self,
        mut f: impl FnMut(&ReceiptState<'_>) -> Result<ControlFlow<B>>,
    ) -> Result<Option<B>> {
        let mut lines_stmt = self.conn.prepare(
            "SELECT receipt_id, document_id, received FROM receipt_line
             WHERE received IS NOT NULL ORDER BY receipt_id, document_id",
        )?;
        let mut lines = lines_stmt.query([])?;
        let mut next_line = line(&mut lines)?;
        let mut stmt = self.conn.prepare(
            "SELECT id, uid, batch_id, unit_id, code, must_confirm, copies, status, signed_by, set_by_packet
             FROM receipt ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        let mut received: Vec<(i64, i64)> = Vec::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            received.clear();
            while let Some((receipt, doc, got)) = next_line {
                if receipt > id {
                    break;
                }
                if receipt == id {
                    received.push((doc, got));
                }
                next_line = line(&mut lines)?;
            }
            let state = ReceiptState {
                uid: uid_of(r.get_ref(1)?),
                batch_id: r.get(2)?,
                unit_id: r.get(3)?,
                code: r.get(4)?,
                must_confirm: r.get(5)?,
                copies: r.get(6)?,
                status: r.get(7)?,
                signer: r.get(8)?,
                set_by_packet: r.get(9)?,
                received: &received,
            };
            if let ControlFlow::Break(b) = f(&state)? {
                return Ok(Some(b));
            }
        }
        Ok(None)
    }

    /// Every batch, in id order.
    pub(crate) fn batch_states(&self) -> Result<Vec<BatchState>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, uid, code, cancelled_at IS NOT NULL, receipts_total, receipts_info, receipts_open
                 FROM batch ORDER BY id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(BatchState {
                    id: r.get(0)?,
                    uid: r.get(1)?,
                    code: r.get(2)?,
                    cancelled: r.get(3)?,
                    counts: BatchCounts {
                        total: r.get(4)?,
                        info: r.get(5)?,
                        open: r.get(6)?,
                    },
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Every account, in id order.
    pub(crate) fn account_states(&self) -> Result<Vec<AccountState>> {
        let mut stmt = self
            .conn
            .prepare("SELECT uid, username, role, disabled FROM account ORDER BY id")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(AccountState {
                    uid: r.get(0)?,
                    username: r.get(1)?,
                    role: r.get(2)?,
                    disabled: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Every numbered copy now: (document id, symbol, number, state, the
    /// holding unit's code while out), by symbol and number.
    pub(crate) fn copy_states(&self) -> Result<Vec<CopyState>> {
        let mut stmt = self.conn.prepare(
            "SELECT d.id, d.symbol, c.number, c.state,
                    CASE WHEN c.state = 'out' THEN u.code END
             FROM doc_copy c JOIN document d ON d.id = c.document_id
             LEFT JOIN receipt r ON r.id = c.receipt_id LEFT JOIN unit u ON u.id = r.unit_id
             ORDER BY d.symbol, d.id, c.number",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(CopyState {
                    document_id: r.get(0)?,
                    symbol: r.get(1)?,
                    number: r.get(2)?,
                    state: r.get(3)?,
                    holder: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Every inbox receipt, in the order they arrived.
    pub(crate) fn inbox_states(&self) -> Result<Vec<InboxState>> {
        let mut stmt = self.conn.prepare(
            "SELECT r.uid, r.code, b.code, r.unit_code, r.status FROM inbox_receipt r
             JOIN inbox_batch b ON b.uid = r.batch_uid ORDER BY r.rowid",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(InboxState {
                    uid: r.get(0)?,
                    code: r.get(1)?,
                    batch: r.get(2)?,
                    unit_code: r.get(3)?,
                    status: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The codes of a batch and a unit, by id (to word a difference).
    pub(crate) fn codes_of_batch_and_unit(&self, batch_id: i64, unit_id: i64) -> Result<(String, String)> {
        Ok(self.conn.query_row(
            "SELECT (SELECT code FROM batch WHERE id = ?1), (SELECT code FROM unit WHERE id = ?2)",
            [batch_id, unit_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// A document's symbol, by id (to word a difference).
    pub(crate) fn symbol_of_document(&self, id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT symbol FROM document WHERE id = ?1", [id], |r| r.get(0))
            .optional()?)
    }
}

/// The next (receipt id, document id, copies received) line.
fn line(rows: &mut Rows<'_>) -> Result<Option<(i64, i64, i64)>> {
    Ok(match rows.next()? {
        Some(r) => Some((r.get(0)?, r.get(1)?, r.get(2)?)),
        None => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_confirmation_is_kept_in_short_and_read_back_exactly() {
        for (full, short) in [
            (
                r#"{"by":"Ngô Đức Đạt","on":"2016-12-05","method":"in_person","received":[]}"#,
                r#"["Ngô Đức Đạt",17140,0]"#,
            ),
            (
                r#"{"by":"Lê \"Tư\"","on":"1969-12-31","method":"remote","on_behalf":true,"received":[]}"#,
                r#"["Lê \"Tư\"",-1,10]"#,
            ),
        ] {
            let kept = short_detail("receipt.confirm", full).expect("plain");
            assert_eq!(String::from_utf8_lossy(&kept), short);
            assert_eq!(detail_of(ValueRef::Blob(&kept)), full);
        }
        // Anything else stays text: another action, a partial or declined
        // confirmation, a note, keys in another order, a method the app
        // does not write.
        let plain = r#"{"by":"A","on":"2016-12-05","method":"slip","received":[]}"#;
        assert_eq!(short_detail("receipt.undo", plain), None);
        for detail in [
            r#"{"by":"A","on":"2016-12-05","status":"partial","method":"slip","received":[[1,2,1]]}"#,
            r#"{"by":"A","on":"2016-12-05","method":"slip","note":"x","received":[]}"#,
            r#"{"on":"2016-12-05","by":"A","method":"slip","received":[]}"#,
            r#"{"by":"A","on":"2016-12-05","method":"fax","received":[]}"#,
        ] {
            assert_eq!(short_detail("receipt.confirm", detail), None, "{detail}");
        }
        // A blob that is not a short detail reads as found (hex), so the
        // row's hash check names it.
        for odd in [&br#"["A",17140,16]"#[..], br#"["A",17140]"#, b"\xff"] {
            assert_eq!(detail_of(ValueRef::Blob(odd)), hex::encode(odd));
        }
    }
}

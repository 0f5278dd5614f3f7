//! The tables of the exchange between offices: this installation's identity
//! (`site`), its trusted peers (`peer`), and the packets applied
//! (`packet_in`), written (`packet_out`) and kept aside until their
//! predecessor arrives (`packet_wait`); and the walk over the audit log a
//! send reads its events from. The rules are in `crate::exchange`.

use rusqlite::{params, OptionalExtension, Row};

use super::uid::{entity_of, uid_value};
use super::{now_utc, Dao};
use crate::error::{Corrupt, Error, Result};

/// The audit log's method for what a packet from another office changed.
pub const PACKET_METHOD: &str = "packet";

/// This installation's identity as stored.
#[derive(Debug, Clone)]
pub(crate) struct SiteRow {
    pub id: String,
    pub unit_code: String,
    pub name: String,
    pub public_key: [u8; 32],
    pub secret_key: [u8; 32],
}

/// A peer as stored.
#[derive(Debug, Clone)]
pub(crate) struct PeerRow {
    pub id: String,
    pub unit_code: String,
    pub name: String,
    pub public_key: [u8; 32],
    /// `parent` or `child`.
    pub relation: String,
    /// The highest of our packets it has applied.
    pub acked: i64,
    pub removed: bool,
}

/// A packet kept aside.
#[derive(Debug, Clone)]
pub(crate) struct Waiting {
    pub seq: i64,
    pub hash: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// One row of the audit log, as a send reads it.
#[derive(Debug, Clone)]
pub(crate) struct LoggedChange {
    pub id: i64,
    pub action: String,
    pub entity_uid: Option<String>,
}

/// A reorganisation of the tree as logged (`unit.rename`, …): the action
/// and the row's detail.
#[derive(Debug, Clone)]
pub(crate) struct LoggedReorg {
    pub id: i64,
    pub action: String,
    pub detail: String,
}

fn key_of(r: &Row<'_>, column: &'static str, table: &'static str) -> rusqlite::Result<[u8; 32]> {
    let bytes: Vec<u8> = r.get(column)?;
    bytes.try_into().map_err(|b: Vec<u8>| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Blob,
            Box::new(Corrupt {
                table,
                column,
                row: "khoá".to_owned(),
                value: format!("{} byte", b.len()),
            }),
        )
    })
}

fn peer_row(r: &Row<'_>) -> rusqlite::Result<PeerRow> {
    Ok(PeerRow {
        id: r.get("id")?,
        unit_code: r.get("unit_code")?,
        name: r.get("name")?,
        public_key: key_of(r, "public_key", "peer")?,
        relation: r.get("relation")?,
        acked: r.get("acked")?,
        removed: r.get::<_, Option<String>>("removed_at")?.is_some(),
    })
}

const PEER: &str = "SELECT id, unit_code, name, public_key, relation, acked, removed_at FROM peer";

impl Dao<'_> {
    /// This installation's identity, once made.
    pub(crate) fn site(&self) -> Result<Option<SiteRow>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, unit_code, name, public_key, secret_key FROM site",
                [],
                |r| {
                    Ok(SiteRow {
                        id: r.get("id")?,
                        unit_code: r.get("unit_code")?,
                        name: r.get("name")?,
                        public_key: key_of(r, "public_key", "site")?,
                        secret_key: key_of(r, "secret_key", "site")?,
                    })
                },
            )
            .optional()?)
    }

    /// This installation's identity, or a refusal saying how to make it.
    pub(crate) fn site_required(&self) -> Result<SiteRow> {
        self.site()?.ok_or_else(|| {
            Error::invalid(
                "site",
                "Sổ này chưa có danh tính trao đổi; hãy chạy: giaonhan site init --unit MÃ_ĐƠN_VỊ",
            )
        })
    }

    /// Writes the identity (the table holds one row at most).
    pub(crate) fn insert_site(&self, s: &SiteRow) -> Result<()> {
        self.conn.execute(
            "INSERT INTO site (id, unit_code, name, public_key, secret_key, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                s.id,
                s.unit_code,
                s.name,
                &s.public_key[..],
                &s.secret_key[..],
                now_utc()
            ],
        )?;
        Ok(())
    }

    /// Replaces this installation's key pair (`site new-key`).
    pub(crate) fn set_site_key(&self, public_key: &[u8; 32], secret_key: &[u8; 32]) -> Result<()> {
        self.conn.execute(
            "UPDATE site SET public_key = ?1, secret_key = ?2",
            params![&public_key[..], &secret_key[..]],
        )?;
        Ok(())
    }

    /// Trusts a peer's new key, announced in a packet signed with its old one.
    pub(crate) fn set_peer_key(&self, id: &str, public_key: &[u8; 32]) -> Result<()> {
        self.conn.execute(
            "UPDATE peer SET public_key = ?1, key_replaced_at = ?2 WHERE id = ?3",
            params![&public_key[..], now_utc(), id],
        )?;
        Ok(())
    }

    /// Whether `key` (base64url) is a key of the peer that a key change
    /// replaced (logged as `peer.key`): it is never trusted again.
    pub(crate) fn peer_key_replaced(&self, id: &str, key: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM audit_log WHERE action = 'peer.key' AND entity_uid = ?1
                            AND json_extract(detail, '$.old_public_key') = ?2)",
            params![uid_value(id), key],
            |r| r.get(0),
        )?)
    }

    /// The hash of the packet applied from `origin` with this number.
    pub(crate) fn packet_in_hash(&self, origin: &str, seq: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT hash FROM packet_in WHERE origin = ?1 AND seq = ?2",
                params![origin, seq],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Whether writing our packet `seq` to `recipient` into a file was
    /// logged (`exchange.send`, after the audit row the packet covers up
    /// to): a packet made by `site new-key` is not, until a send writes it.
    pub(crate) fn packet_out_logged(&self, recipient: &str, seq: i64) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM audit_log
                            WHERE id > (SELECT cursor FROM packet_out WHERE recipient = ?1 AND seq = ?2)
                              AND action = 'exchange.send' AND entity_uid = ?3
                              AND json_extract(detail, '$.seq') = ?2)",
            params![recipient, seq, uid_value(recipient)],
            |r| r.get(0),
        )?)
    }

    /// A peer by its installation id, removed or not.
    pub(crate) fn peer(&self, id: &str) -> Result<Option<PeerRow>> {
        Ok(self
            .conn
            .query_row(&format!("{PEER} WHERE id = ?1"), [id], peer_row)
            .optional()?)
    }

    /// The trusted peers (not removed), by unit code.
    pub(crate) fn peers(&self) -> Result<Vec<PeerRow>> {
        let mut stmt = self
            .conn
            .prepare(&format!("{PEER} WHERE removed_at IS NULL ORDER BY unit_code, id"))?;
        let rows = stmt.query_map([], peer_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Adds a peer, or trusts a removed one again with the key just checked.
    pub(crate) fn upsert_peer(&self, p: &PeerRow) -> Result<()> {
        self.conn.execute(
            "INSERT INTO peer (id, unit_code, name, public_key, relation, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (id) DO UPDATE SET unit_code = excluded.unit_code, name = excluded.name,
                 public_key = excluded.public_key, relation = excluded.relation, added_at = excluded.added_at,
                 key_replaced_at = CASE WHEN peer.public_key <> excluded.public_key THEN excluded.added_at END,
                 removed_at = NULL",
            params![p.id, p.unit_code, p.name, &p.public_key[..], p.relation, now_utc()],
        )?;
        Ok(())
    }

    /// Stops trusting a peer; its row and packets stay.
    pub(crate) fn remove_peer(&self, id: &str) -> Result<()> {
        self.conn
            .execute("UPDATE peer SET removed_at = ?1 WHERE id = ?2", params![now_utc(), id])?;
        Ok(())
    }

    /// Raises what a peer has acknowledged of ours (never lowers it).
    pub(crate) fn set_peer_acked(&self, id: &str, acked: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE peer SET acked = max(acked, ?1) WHERE id = ?2",
            params![acked, id],
        )?;
        Ok(())
    }

    /// The last packet applied from `origin`: (seq, hash), or None.
    pub(crate) fn last_in(&self, origin: &str) -> Result<Option<(i64, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT seq, hash FROM packet_in WHERE origin = ?1 ORDER BY seq DESC LIMIT 1",
                [origin],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// When the last packet from `origin` was applied.
    pub(crate) fn last_in_at(&self, origin: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row(
            "SELECT max(applied_at) FROM packet_in WHERE origin = ?1",
            [origin],
            |r| r.get(0),
        )?)
    }

    /// Records a packet applied, in the transaction that applied it.
    pub(crate) fn insert_packet_in(&self, origin: &str, seq: i64, hash: &str, file: &str, events: i64) -> Result<()> {
        self.conn.execute(
            "INSERT INTO packet_in (origin, seq, hash, applied_at, file_name, events) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![origin, seq, hash, now_utc(), file, events],
        )?;
        Ok(())
    }

    /// Keeps a packet aside until its predecessor arrives (once).
    pub(crate) fn insert_waiting(&self, origin: &str, w: &Waiting) -> Result<()> {
        self.conn.execute(
            "INSERT OR IGNORE INTO packet_wait (origin, seq, hash, received_at, file_name, bytes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![origin, w.seq, w.hash, now_utc(), w.file_name, w.bytes],
        )?;
        Ok(())
    }

    /// The packet kept aside from `origin` with this number.
    pub(crate) fn waiting(&self, origin: &str, seq: i64) -> Result<Option<Waiting>> {
        Ok(self
            .conn
            .query_row(
                "SELECT seq, hash, file_name, bytes FROM packet_wait WHERE origin = ?1 AND seq = ?2",
                params![origin, seq],
                |r| {
                    Ok(Waiting {
                        seq: r.get(0)?,
                        hash: r.get(1)?,
                        file_name: r.get(2)?,
                        bytes: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// Numbers of the packets kept aside from `origin`, in order.
    pub(crate) fn waiting_seqs(&self, origin: &str) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT seq FROM packet_wait WHERE origin = ?1 ORDER BY seq")?;
        let seqs = stmt
            .query_map([origin], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(seqs)
    }

    /// Drops a packet kept aside once it is applied (or was already).
    pub(crate) fn delete_waiting(&self, origin: &str, seq: i64) -> Result<()> {
        self.conn.execute(
            "DELETE FROM packet_wait WHERE origin = ?1 AND seq <= ?2",
            params![origin, seq],
        )?;
        Ok(())
    }

    /// The last packet written to `recipient`: (seq, hash, cursor).
    pub(crate) fn last_out(&self, recipient: &str) -> Result<Option<(i64, String, i64)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT seq, hash, cursor FROM packet_out WHERE recipient = ?1 ORDER BY seq DESC LIMIT 1",
                [recipient],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }

    /// The bytes of the last packet written to `recipient`.
    pub(crate) fn last_out_bytes(&self, recipient: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_row(
                "SELECT bytes FROM packet_out WHERE recipient = ?1 ORDER BY seq DESC LIMIT 1",
                [recipient],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The last packet with events applied from `origin` (packets without
    /// events are never owed an acknowledgement).
    pub(crate) fn last_in_with_events(&self, origin: &str) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT coalesce(max(seq), 0) FROM packet_in WHERE origin = ?1 AND events > 0",
            [origin],
            |r| r.get(0),
        )?)
    }

    /// When the last packet to `recipient` was written.
    pub(crate) fn last_out_at(&self, recipient: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row(
            "SELECT max(written_at) FROM packet_out WHERE recipient = ?1",
            [recipient],
            |r| r.get(0),
        )?)
    }

    /// Packets to `recipient` after `acked`: (seq, bytes), in order.
    pub(crate) fn unacked_out(&self, recipient: &str, acked: i64) -> Result<Vec<(i64, Vec<u8>)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, bytes FROM packet_out WHERE recipient = ?1 AND seq > ?2 ORDER BY seq")?;
        let rows = stmt
            .query_map(params![recipient, acked], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Keeps a packet written (with the audit row it covers up to).
    pub(crate) fn insert_packet_out(
        &self,
        recipient: &str,
        seq: i64,
        hash: &str,
        cursor: i64,
        bytes: &[u8],
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO packet_out (recipient, seq, hash, written_at, cursor, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![recipient, seq, hash, now_utc(), cursor, bytes],
        )?;
        Ok(())
    }

    /// The id of the log's last row (0 when empty).
    pub(crate) fn last_audit_id(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(id), 0) FROM audit_log", [], |r| r.get(0))?)
    }

    /// The audit rows after `cursor` whose action starts with one of
    /// `prefixes`, in order; and the log's last id.
    pub(crate) fn changes_after(&self, cursor: i64, prefixes: &[&str]) -> Result<(Vec<LoggedChange>, i64)> {
        let last = self.last_audit_id()?;
        let mut stmt = self
            .conn
            .prepare("SELECT id, action, entity_uid FROM audit_log WHERE id > ?1 AND id <= ?2 ORDER BY id")?;
        let rows = stmt
            .query_map(params![cursor, last], |r| {
                Ok(LoggedChange {
                    id: r.get(0)?,
                    action: r.get(1)?,
                    entity_uid: entity_of(r.get_ref(2)?),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .filter(|c| prefixes.iter().any(|p| c.action.starts_with(p)))
            .collect();
        Ok((rows, last))
    }

    /// The reorganisations of `actions` logged after `cursor`, in order.
    pub(crate) fn reorganisations_after(&self, cursor: i64, actions: &[&str]) -> Result<Vec<LoggedReorg>> {
        let actions = serde_json::to_string(actions)?;
        let mut stmt = self.conn.prepare(
            "SELECT id, action, detail FROM audit_log
             WHERE id > ?1 AND action IN (SELECT value FROM json_each(?2)) ORDER BY id",
        )?;
        let rows = stmt
            .query_map(params![cursor, actions], |r| {
                Ok(LoggedReorg {
                    id: r.get(0)?,
                    action: r.get(1)?,
                    detail: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

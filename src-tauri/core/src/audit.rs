//! The tamper-evident audit log: every change appends one row holding who,
//! when, what, and the SHA-256 of the previous row; `verify` walks the chain.

use rusqlite::OptionalExtension;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::store::{new_uid, now_utc, Dao, Store};

/// The hash before the first row.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of one row that its hash covers.
struct Entry<'a> {
    uid: &'a str,
    at: &'a str,
    actor: &'a str,
    method: &'a str,
    action: &'a str,
    entity_uid: Option<&'a str>,
    detail: &'a str,
}

impl Entry<'_> {
    /// SHA-256 over the previous hash and the fields, in a fixed, unambiguous
    /// encoding (a JSON array).
    fn hash(&self, prev_hash: &str) -> String {
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
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
    }
}

impl Dao<'_> {
    /// Appends one audit row for a change made in this transaction.
    pub(crate) fn log(&self, action: &str, entity_uid: Option<&str>, detail: &impl Serialize) -> Result<()> {
        let actor = self.actor()?;
        let detail = serde_json::to_string(detail)?;
        let prev: String = self
            .conn
            .query_row("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
            .optional()?
            .unwrap_or_else(|| GENESIS.to_owned());
        let uid = new_uid();
        let at = now_utc();
        let entry = Entry {
            uid: &uid,
            at: &at,
            actor: &actor.name,
            method: &actor.method,
            action,
            entity_uid,
            detail: &detail,
        };
        let hash = entry.hash(&prev);
        self.conn.execute(
            "INSERT INTO audit_log (uid, at, actor, method, action, entity_uid, detail, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            rusqlite::params![
                uid,
                at,
                actor.name,
                actor.method,
                action,
                entity_uid,
                detail,
                prev,
                hash
            ],
        )?;
        Ok(())
    }
}

impl Store {
    /// Checks the whole chain; returns the number of rows, or the first bad row.
    pub fn verify(&self) -> Result<u64> {
        self.read(|dao| {
            let mut stmt = dao.conn.prepare(
                "SELECT id, uid, at, actor, method, action, entity_uid, detail, prev_hash, hash
                 FROM audit_log ORDER BY id",
            )?;
            let mut rows = stmt.query([])?;
            let mut prev = GENESIS.to_owned();
            let mut count = 0u64;
            while let Some(r) = rows.next()? {
                let id: i64 = r.get("id")?;
                let prev_hash: String = r.get("prev_hash")?;
                let hash: String = r.get("hash")?;
                if prev_hash != prev {
                    return Err(Error::Tampered {
                        row: id,
                        reason: "không nối tiếp dòng trước (dòng bị xoá hoặc chèn)".into(),
                    });
                }
                let (uid, at, actor, method, action, detail): (String, String, String, String, String, String) = (
                    r.get("uid")?,
                    r.get("at")?,
                    r.get("actor")?,
                    r.get("method")?,
                    r.get("action")?,
                    r.get("detail")?,
                );
                let entity_uid: Option<String> = r.get("entity_uid")?;
                let expect = Entry {
                    uid: &uid,
                    at: &at,
                    actor: &actor,
                    method: &method,
                    action: &action,
                    entity_uid: entity_uid.as_deref(),
                    detail: &detail,
                }
                .hash(&prev_hash);
                if expect != hash {
                    return Err(Error::Tampered {
                        row: id,
                        reason: "nội dung không khớp mã băm".into(),
                    });
                }
                prev = hash;
                count += 1;
            }
            Ok(count)
        })
    }
}

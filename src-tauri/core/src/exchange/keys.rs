//! Replacing an installation's key pair (`site new-key`) and following a
//! peer's replacement. The new key is announced to every trusted peer in a
//! packet made at once and signed with the old key (the old secret key is
//! then gone: nothing else can sign with it); the sender's later packets
//! are signed with the new key. A receiver trusts the new key only when it
//! applies that packet, in sequence order; a key a change replaced is never
//! trusted again.
//!
//! When the old key is lost (the register lost with no backup) or may be in
//! other hands, no packet can prove the change: the other offices remove
//! the office and add it again from its new card with a paper check.

use serde::Serialize;
use serde_json::json;

use super::events::{Event, KeyEvent};
use super::identity::{self, fingerprint, key_text};
use super::packet::NO_PREVIOUS;
use super::send::record_next;
use crate::db::exchange::PeerRow;
use crate::db::{Actor, Dao, Store};
use crate::error::{Error, Result};

/// What `site new-key` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewKey {
    pub site: super::SiteInfo,
    /// The fingerprint of the key replaced.
    pub old_fingerprint: String,
    /// Each peer's unit and the number of the packet that announces the
    /// new key to it (written by the next `sync send`).
    pub packets: Vec<KeyPacket>,
}

/// The packet that carries the new key to one peer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyPacket {
    pub to: String,
    pub seq: i64,
}

impl Store {
    /// Makes a new key pair for this installation, in one transaction: for
    /// every trusted peer the next packet, holding the new public key and
    /// signed with the old key, is made and kept (the next `sync send`
    /// writes it, and again until it is acknowledged); then the new key
    /// replaces the old one, which is kept nowhere. Logged as `site.key`
    /// with both fingerprints (never a secret key).
    pub fn site_new_key(&mut self, actor: &Actor) -> Result<NewKey> {
        self.write(actor, |dao| {
            let site = dao.site_required()?;
            let old = ed25519_dalek::SigningKey::from_bytes(&site.secret_key);
            let new = identity::new_signing_key();
            let public_key = new.verifying_key().to_bytes();
            let events = [Event::Key(KeyEvent {
                v: super::events::V,
                public_key: key_text(&public_key),
            })];
            let mut packets = Vec::new();
            for peer in dao.peers()? {
                let (last_seq, prev, cursor) = dao.last_out(&peer.id)?.unwrap_or((0, NO_PREVIOUS.to_owned(), 0));
                let acked = dao.last_in(&peer.id)?.map_or(0, |(s, _)| s);
                let next = record_next(dao, &site, &old, &peer.id, (last_seq, prev), acked, &events, cursor)?;
                packets.push(KeyPacket {
                    to: peer.unit_code.clone(),
                    seq: next.seq,
                });
            }
            dao.set_site_key(&public_key, &new.to_bytes())?;
            let old_fingerprint = fingerprint(&site.id, &site.public_key);
            let info = super::site_info(&dao.site_required()?);
            dao.log(
                "site.key",
                Some(&site.id),
                &json!({ "old_public_key": key_text(&site.public_key), "old_fingerprint": old_fingerprint,
                         "public_key": info.public_key, "fingerprint": info.fingerprint, "packets": packets }),
            )?;
            Ok(NewKey {
                site: info,
                old_fingerprint,
                packets,
            })
        })
    }
}

/// Applies a peer's key change (in a packet signed with the key trusted
/// until now, in sequence order): its new key is trusted from here on and
/// the old one never again. A change to the key already trusted (the
/// office was added again from its new card) changes nothing.
pub(super) fn apply_key(dao: &Dao<'_>, origin: &PeerRow, k: &KeyEvent, packet: &str) -> Result<()> {
    let new = identity::decode_key(&k.public_key).ok_or_else(|| {
        Error::invalid(
            "packet",
            format!("khoá mới của văn phòng {} trong gói không hợp lệ", origin.unit_code),
        )
    })?;
    let Some(peer) = dao.peer(&origin.id)? else {
        return Err(Error::not_found("Văn phòng", origin.unit_code.clone()));
    };
    if peer.public_key == new {
        return Ok(());
    }
    dao.set_peer_key(&peer.id, &new)?;
    dao.log(
        "peer.key",
        Some(&peer.id),
        &json!({ "unit": peer.unit_code, "old_public_key": key_text(&peer.public_key),
                 "old_fingerprint": fingerprint(&peer.id, &peer.public_key),
                 "public_key": k.public_key, "fingerprint": fingerprint(&peer.id, &new), "packet": packet }),
    )
}

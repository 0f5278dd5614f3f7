//! `sync send`: for every trusted peer, the packets it has not
//! acknowledged yet are written again (a lost stick loses nothing), then one
//! new packet with what it has not had (none when there is nothing new).
//! When there is nothing new but we have applied packets with events from
//! the peer that no packet of ours has acknowledged yet, the new packet has
//! no events and only says, in its header, what we have applied. A packet
//! without events is never owed an acknowledgement, and is written again
//! only while a later packet with events is (its number must not be
//! missing there), so two quiet offices do not bounce empty packets
//! forever. The packets are recorded in one transaction and written to the
//! folder or the bucket only after it commits (a folder's file renamed into
//! place whole); one that fails then is written again by the next send.

use ed25519_dalek::SigningKey;
use serde::Serialize;
use serde_json::json;

use super::events::{version_needed, Event};
use super::packet::{self, Header, Origin, FORMAT, NO_PREVIOUS};
use super::transport::Place;
use super::{down, up};
use crate::db::exchange::SiteRow;
use crate::db::{now_utc, Actor, Dao, Store};
use crate::error::{Error, Result};
use crate::files;
use crate::progress::{self, Phase, Run, Unwatched, Watch};

/// One packet file written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Sent {
    pub file: String,
    /// The peer's unit.
    pub to: String,
    #[ts(type = "number")]
    pub seq: i64,
    #[ts(type = "number")]
    pub events: u64,
    /// Written again: the peer has not acknowledged it yet.
    pub again: bool,
}

impl Store {
    /// Writes the packets for every trusted peer into a folder or a bucket.
    pub fn sync_send(&mut self, actor: &Actor, to: impl Into<Place>) -> Result<Vec<Sent>> {
        Ok(self.sync_send_watched(actor, to, &mut Unwatched)?.items)
    }

    /// `sync_send`, telling `watch` each office prepared and each file
    /// written, and stopping before the next one when asked. Stopped while
    /// preparing, nothing is recorded; while writing, the packets not yet
    /// written stay recorded and the next send writes them (they are not
    /// acknowledged), except one without events, which is never owed (the
    /// peer's next packet with events is acknowledged by our next one).
    pub fn sync_send_watched(
        &mut self,
        actor: &Actor,
        to: impl Into<Place>,
        watch: &mut dyn Watch,
    ) -> Result<Run<Sent>> {
        let transport = self.transport("out", &to.into())?;
        transport.check()?;
        let register = self.path().to_owned();
        let prepared = self.write(actor, |dao| {
            let site = dao.site_required()?;
            let key = SigningKey::from_bytes(&site.secret_key);
            let mut staged: Vec<(String, Vec<u8>)> = Vec::new();
            let mut sent = Vec::new();
            let mut stage = |name: String, bytes: &[u8]| -> Result<String> {
                if let Some(dir) = transport.folder_path() {
                    files::check_destination(&dir.join(&name), Some(&register))?;
                }
                let shown = transport.shown(&name);
                staged.push((name, bytes.to_vec()));
                Ok(shown)
            };
            // Read once for every child office, not once per office.
            let mut shared = down::Shared::default();
            let peers = dao.peers()?;
            let offices = peers.len();
            for (done, peer) in peers.into_iter().enumerate() {
                if !progress::next(watch, Phase::Prepare, done, offices) {
                    return Err(Error::Halted);
                }
                let (last_seq, prev, cursor) = dao.last_out(&peer.id)?.unwrap_or((0, NO_PREVIOUS.to_owned(), 0));
                let (events, covered) = match peer.relation.as_str() {
                    "child" => down::gather(dao, &mut shared, &site, &peer, cursor)?,
                    _ => up::gather(dao, &site, &peer, cursor)?,
                };
                let applied = dao.last_in(&peer.id)?.map_or(0, |(s, _)| s);
                let unacked: Vec<(i64, Vec<u8>, u64)> = dao
                    .unacked_out(&peer.id, peer.acked)?
                    .into_iter()
                    .map(|(seq, bytes)| {
                        let events = packet::open(&bytes).map_or(0, |o| o.header.events);
                        (seq, bytes, events)
                    })
                    .collect();
                // Up to the last one with events (the new one included):
                // trailing empty packets are owed nothing.
                let owed = if events.is_empty() {
                    unacked.iter().rposition(|(_, _, n)| *n > 0).map_or(0, |i| i + 1)
                } else {
                    unacked.len()
                };
                for (seq, bytes, events) in unacked.into_iter().take(owed) {
                    let file = stage(packet::file_name(&site.unit_code, &peer.unit_code, seq), &bytes)?;
                    // A packet `site new-key` made is written here the first time.
                    let again = dao.packet_out_logged(&peer.id, seq)?;
                    if !again {
                        dao.log(
                            "exchange.send",
                            Some(&peer.id),
                            &json!({ "to": peer.unit_code, "seq": seq, "hash": packet::hash(&bytes),
                                     "events": events, "file": file }),
                        )?;
                    }
                    sent.push(Sent {
                        file,
                        to: peer.unit_code.clone(),
                        seq,
                        events,
                        again,
                    });
                }
                if events.is_empty() {
                    // Nothing new: an empty packet only when we owe an acknowledgement.
                    let acknowledged = match dao.last_out_bytes(&peer.id)? {
                        Some(bytes) => packet::open(&bytes).map_or(0, |o| o.header.acked),
                        None => 0,
                    };
                    if dao.last_in_with_events(&peer.id)? <= acknowledged {
                        continue;
                    }
                }
                let next = record_next(dao, &site, &key, &peer.id, (last_seq, prev), applied, &events, covered)?;
                let file = stage(packet::file_name(&site.unit_code, &peer.unit_code, next.seq), &next.bytes)?;
                dao.log(
                    "exchange.send",
                    Some(&peer.id),
                    &json!({ "to": peer.unit_code, "seq": next.seq, "hash": next.hash, "events": events.len(), "file": file }),
                )?;
                sent.push(Sent {
                    file,
                    to: peer.unit_code.clone(),
                    seq: next.seq,
                    events: events.len() as u64,
                    again: false,
                });
            }
            progress::finished(watch, Phase::Prepare, offices);
            Ok((staged, sent))
        });
        let (staged, mut sent) = match prepared {
            Err(Error::Halted) => {
                return Ok(Run {
                    items: Vec::new(),
                    stopped: true,
                })
            }
            other => other?,
        };
        let mut stopped = false;
        // Recorded: now the packets are written. One that fails is written
        // again by the next send (not acknowledged).
        let total = staged.len();
        for (done, (name, bytes)) in staged.iter().enumerate() {
            if !progress::next(watch, Phase::Write, done, total) {
                // Every packet staged is one line of `sent`, in order.
                sent.truncate(done);
                stopped = true;
                break;
            }
            transport.write(name, bytes).map_err(|e| Error::Transport {
                doing: format!(
                    "đã ghi nhận {total} gói trong sổ, mới ghi được {done} gói vào {}",
                    transport.shown_place()
                ),
                reason: format!("{e}. Lần gửi sau sẽ ghi lại các gói chưa được xác nhận đã nhận"),
            })?;
        }
        if !stopped {
            progress::finished(watch, Phase::Write, total);
        }
        Ok(Run { items: sent, stopped })
    }
}

/// A packet made and recorded, to be written.
pub(super) struct Recorded {
    pub seq: i64,
    pub bytes: Vec<u8>,
    pub hash: String,
}

/// Makes our next packet to the peer `recipient`, after the one numbered
/// `last.0` whose hash is `last.1`: holding `events`, acknowledging the
/// peer's packets up to `acked`, signed with `key`; and records it as
/// bringing the peer up to the audit log's row `covered`. The one place a
/// packet's header is filled in (`sync send`, `site new-key`).
#[allow(clippy::too_many_arguments)]
pub(super) fn record_next(
    dao: &Dao<'_>,
    site: &SiteRow,
    key: &SigningKey,
    recipient: &str,
    last: (i64, String),
    acked: i64,
    events: &[Event],
    covered: i64,
) -> Result<Recorded> {
    let (last_seq, prev) = last;
    let header = Header {
        format: FORMAT,
        events_version: version_needed(events),
        origin: Origin {
            id: site.id.clone(),
            unit: site.unit_code.clone(),
        },
        recipient: recipient.to_owned(),
        seq: last_seq + 1,
        prev,
        written_at: now_utc(),
        acked,
        events: 0,
        key: None,
    };
    let values = events
        .iter()
        .map(serde_json::to_value)
        .collect::<serde_json::Result<Vec<_>>>()?;
    let bytes = packet::write(key, &header, &values)?;
    let hash = packet::hash(&bytes);
    dao.insert_packet_out(recipient, header.seq, &hash, covered, &bytes)?;
    Ok(Recorded {
        seq: header.seq,
        bytes,
        hash,
    })
}

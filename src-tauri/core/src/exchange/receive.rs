//! `sync receive DIR` (or `s3://BUCKET/PREFIX`): every packet in the
//! folder (under the bucket's prefix, every packet whose name says it is
//! for this office) is checked (magic, lengths, recipient, a trusted
//! origin, the signature, the versions) and applied in the order of its sequence
//! number — never of file times. Applying is one transaction together with
//! the record of (origin, seq), so the same packet twice changes nothing; a
//! packet whose predecessor is missing is kept aside in the register and
//! applied when the gap is filled. Packets for other installations are left
//! alone; a refused packet applies nothing and is named with its reason.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::json;

use super::down::{self, Applying};
use super::events::Event;
use super::packet::{self, Refusal, NO_PREVIOUS};
use super::transport::Place;
use super::{identity, keys, recall, reorg, study, up, PACKET_METHOD};
use crate::db::exchange::{PeerRow, SiteRow, Waiting};
use crate::db::{Actor, Dao, Store};
use crate::error::{Error, Result};
use crate::progress::{self, Phase, Run, Unwatched, Watch};

/// What happened to one packet file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Applied {
        from: String,
        #[ts(type = "number")]
        seq: i64,
        #[ts(type = "number")]
        events: u64,
    },
    AlreadyApplied {
        from: String,
        #[ts(type = "number")]
        seq: i64,
    },
    /// Kept aside until the packets before it arrive.
    Waiting {
        from: String,
        #[ts(type = "number")]
        seq: i64,
        gap: String,
    },
    /// Addressed to another installation: left alone.
    Elsewhere,
    Refused {
        reason: String,
    },
}

/// One file and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Received {
    pub file: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// A packet read, checked and ready to apply.
struct Ready {
    file: String,
    origin: PeerRow,
    seq: i64,
    prev: String,
    acked: i64,
    hash: String,
    bytes: Vec<u8>,
    events: Vec<serde_json::Value>,
    /// The key whose signature holds: trusted only when it is the origin's
    /// key when the packet is taken (see `take`).
    signer: [u8; 32],
}

/// Reads and checks one file: Ok(Ready), or the outcome it ends with.
fn check(dao: &Dao<'_>, site: &SiteRow, file: &str, bytes: Vec<u8>) -> Result<std::result::Result<Ready, Outcome>> {
    let refused = |r: Refusal| Outcome::Refused { reason: r.to_string() };
    let opened = match packet::open(&bytes) {
        Ok(o) => o,
        Err(r) => return Ok(Err(refused(r))),
    };
    let h = opened.header.clone();
    if h.recipient != site.id {
        return Ok(Err(Outcome::Elsewhere));
    }
    let Some(origin) = dao.peer(&h.origin.id)?.filter(|p| !p.removed) else {
        return Ok(Err(Outcome::Refused {
            reason: format!(
                "gói ký bằng khoá không được tin cậy (văn phòng {} chưa có trong danh sách: giaonhan peer add)",
                h.origin.unit
            ),
        }));
    };
    let signer = match opened.signer(&origin.public_key) {
        Ok(k) => k,
        Err(r) => return Ok(Err(refused(r))),
    };
    let events = match opened.verify(&signer) {
        Ok(e) => e,
        Err(r) => return Ok(Err(refused(r))),
    };
    Ok(Ok(Ready {
        file: file.to_owned(),
        origin,
        seq: h.seq,
        prev: h.prev,
        acked: h.acked,
        hash: packet::hash(&bytes),
        bytes,
        events,
        signer,
    }))
}

/// Applies the events of a checked packet that follows the last one
/// applied; inside the caller's transaction.
fn apply(dao: &Dao<'_>, site: &SiteRow, p: &Ready) -> Result<()> {
    let events = p.parsed()?;
    let label = format!("gói số {} từ {}", p.seq, p.origin.unit_code);
    let office = Actor::new(
        format!("văn phòng {}, gói số {}", p.origin.unit_code, p.seq),
        PACKET_METHOD,
    );
    let as_office = dao.as_actor(&office);
    let mut ctx = Applying::default();
    let from_parent = p.origin.relation == "parent";
    for e in &events {
        let wrong = |kind: &str| Error::invalid("packet", format!("sự kiện «{kind}» không được gửi theo chiều này"));
        match e {
            Event::Unit(u) if from_parent => down::apply_unit(&as_office, &mut ctx, u)?,
            Event::Reorganisation(r) if from_parent => {
                reorg::apply(&as_office, site, &p.origin, &ctx.added, r, &label)?
            }
            Event::Document(d) if from_parent => down::apply_document(&as_office, &mut ctx, d)?,
            Event::Batch(b) if from_parent => down::apply_batch(&as_office, &mut ctx, site, &p.origin, b)?,
            Event::Confirmation(c) if !from_parent => up::apply_confirmation(&as_office, &p.origin, c, &label)?,
            Event::Report(r) if !from_parent => up::apply_report(&as_office, &p.origin, r)?,
            Event::Campaign(c) if from_parent => study::apply_campaign(&as_office, &ctx, &p.origin, c, &label)?,
            Event::StudyReport(r) if !from_parent => study::apply_report(&as_office, &p.origin, r, &label)?,
            Event::Recall(r) if from_parent => recall::apply_recall(&as_office, &mut ctx, site, &p.origin, r)?,
            Event::CopyReturn(r) if !from_parent => recall::apply_return(&as_office, &p.origin, r, &label)?,
            Event::Key(k) => keys::apply_key(&as_office, &p.origin, k, &label)?,
            Event::Unit(_) => return Err(wrong("unit")),
            Event::Reorganisation(_) => return Err(wrong("reorganisation")),
            Event::Document(_) => return Err(wrong("document")),
            Event::Batch(_) => return Err(wrong("batch")),
            Event::Confirmation(_) => return Err(wrong("confirmation")),
            Event::Report(_) => return Err(wrong("report")),
            Event::Campaign(_) => return Err(wrong("campaign")),
            Event::StudyReport(_) => return Err(wrong("study_report")),
            Event::Recall(_) => return Err(wrong("recall")),
            Event::CopyReturn(_) => return Err(wrong("copy_return")),
        }
    }
    dao.insert_packet_in(&p.origin.id, p.seq, &p.hash, &p.file, events.len() as i64)?;
    dao.delete_waiting(&p.origin.id, p.seq)?;
    dao.log(
        "exchange.receive",
        Some(&p.origin.id),
        &json!({ "from": p.origin.unit_code, "seq": p.seq, "hash": p.hash, "events": events.len(), "file": p.file }),
    )
}

impl Ready {
    /// Its events, read as this build knows them.
    fn parsed(&self) -> Result<Vec<Event>> {
        self.events
            .iter()
            .map(|v| serde_json::from_value(v.clone()))
            .collect::<serde_json::Result<_>>()
            .map_err(|e| Error::invalid("packet", format!("sự kiện không đọc được hoặc không rõ loại ({e})")))
    }

    /// Whether it holds only key changes, the last to `key`.
    fn only_changes_key_to(&self, key: &[u8; 32]) -> bool {
        let Ok(events) = self.parsed() else { return false };
        let keys: Vec<&str> = events
            .iter()
            .filter_map(|e| match e {
                Event::Key(k) => Some(k.public_key.as_str()),
                _ => None,
            })
            .collect();
        keys.len() == events.len() && keys.last() == Some(&identity::key_text(key).as_str())
    }
}

/// What to do with a packet whose signature holds with a key that is not
/// the one trusted for its origin now. None: take it as trusted (a key
/// change to the key already trusted, from an office added again from its
/// new card). Otherwise the outcome: the same bytes as a packet applied
/// are already applied; a later packet waits (the key change may be among
/// the packets missing) unless its key is one a change replaced; the rest
/// is refused.
fn untrusted(dao: &Dao<'_>, p: &Ready, trusted: &[u8; 32], applied: i64, last_hash: &str) -> Result<Option<Outcome>> {
    let from = p.origin.unit_code.clone();
    let key = identity::key_text(&p.signer);
    if p.seq <= applied && dao.packet_in_hash(&p.origin.id, p.seq)?.as_deref() == Some(p.hash.as_str()) {
        return Ok(Some(Outcome::AlreadyApplied { from, seq: p.seq }));
    }
    let replaced = dao.peer_key_replaced(&p.origin.id, &key)?;
    if p.seq > applied + 1 && !replaced {
        return Ok(None);
    }
    if p.seq == applied + 1 && p.prev == last_hash && p.only_changes_key_to(trusted) {
        return Ok(None);
    }
    let reason = if replaced {
        format!(
            "gói số {} ký bằng khoá cũ của văn phòng {from}, khoá đó đã được thay nên không còn được tin cậy",
            p.seq
        )
    } else {
        format!(
            "gói số {} ký bằng khoá chưa được tin cậy (vân tay {}), không phải khoá đang tin cậy của văn phòng {from}; khoá mới chỉ được tin cậy sau khi áp dụng gói đổi khoá ký bằng khoá cũ, hoặc khi gỡ văn phòng ra rồi thêm lại từ thẻ mới có đối chiếu bản giấy",
            p.seq,
            identity::fingerprint(&p.origin.id, &p.signer)
        )
    };
    Ok(Some(Outcome::Refused { reason }))
}

/// Takes one checked packet in its own transaction: applied, already
/// applied, kept aside, or refused (nothing written). Whether its signer is
/// trusted is decided here, against the origin's key as it stands after
/// the packets before it were applied.
fn take(store: &mut Store, actor: &Actor, site: &SiteRow, p: &Ready) -> Result<Outcome> {
    let from = p.origin.unit_code.clone();
    store.attempt(actor, |dao| {
        let (applied, last_hash) = dao.last_in(&p.origin.id)?.unwrap_or((0, NO_PREVIOUS.to_owned()));
        let Some(origin) = dao.peer(&p.origin.id)?.filter(|o| !o.removed) else {
            let reason = format!("văn phòng {from} không còn trong danh sách tin cậy");
            return Ok((Outcome::Refused { reason }, false));
        };
        let trusted = origin.public_key == p.signer;
        if !trusted {
            if let Some(outcome) = untrusted(dao, p, &origin.public_key, applied, &last_hash)? {
                return Ok((outcome, false));
            }
        }
        // Only a trusted packet says what the origin has of ours.
        if trusted {
            dao.set_peer_acked(&p.origin.id, p.acked)?;
        }
        if p.seq <= applied {
            dao.delete_waiting(&p.origin.id, p.seq)?;
            return Ok((Outcome::AlreadyApplied { from, seq: p.seq }, true));
        }
        if p.seq > applied + 1 {
            dao.insert_waiting(
                &p.origin.id,
                &Waiting {
                    seq: p.seq,
                    hash: p.hash.clone(),
                    file_name: p.file.clone(),
                    bytes: p.bytes.clone(),
                },
            )?;
            let waiting = dao.waiting_seqs(&p.origin.id)?;
            let gap = super::gap_text(applied, &waiting, &from).unwrap_or_default();
            return Ok((Outcome::Waiting { from, seq: p.seq, gap }, true));
        }
        if p.prev != last_hash {
            return Ok((
                Outcome::Refused {
                    reason: format!(
                        "gói số {} từ {from} không nối tiếp gói số {applied} đã nhận (mã gói trước không khớp)",
                        p.seq
                    ),
                },
                false,
            ));
        }
        match apply(dao, site, p) {
            Ok(()) => Ok((
                Outcome::Applied {
                    from,
                    seq: p.seq,
                    events: p.events.len() as u64,
                },
                true,
            )),
            Err(e @ (Error::Invalid { .. } | Error::Conflict { .. } | Error::NotFound { .. })) => {
                Ok((Outcome::Refused { reason: e.to_string() }, false))
            }
            Err(e) => Err(e),
        }
    })
}

impl Store {
    /// Applies every packet in a folder or a bucket addressed to this
    /// installation, in order; returns what happened to each file (packets
    /// applied from the waiting room name the file they came in).
    pub fn sync_receive(&mut self, actor: &Actor, from: impl Into<Place>) -> Result<Vec<Received>> {
        Ok(self.sync_receive_watched(actor, from, &mut Unwatched)?.items)
    }

    /// `sync_receive`, telling `watch` each file read and each packet
    /// applied, and stopping before the next one when asked: the packets
    /// applied stay applied (each is its own transaction), the others stay
    /// where they are for the next receive.
    pub fn sync_receive_watched(
        &mut self,
        actor: &Actor,
        from: impl Into<Place>,
        watch: &mut dyn Watch,
    ) -> Result<Run<Received>> {
        let transport = self.transport("dir", &from.into())?;
        let mut listed = transport.list_packets()?;
        let site = self.read(|dao| dao.site_required())?;
        if transport.folder_path().is_none() {
            // A hub's bucket holds a packet for each of the province's
            // offices under one prefix: only those named for us are read.
            listed.retain(|item| packet::named_for(&item.name, &site.unit_code));
        }
        let mut out = Vec::new();
        let stopped = |out| {
            Ok(Run {
                items: out,
                stopped: true,
            })
        };
        // origin → seq → packet: order from sequence numbers only.
        let mut ready: BTreeMap<String, BTreeMap<i64, Ready>> = BTreeMap::new();
        let files = listed.len();
        for (done, item) in listed.into_iter().enumerate() {
            if !progress::next(watch, Phase::Read, done, files) {
                return stopped(out);
            }
            let file = transport.shown(&item.name);
            let too_big = || Outcome::Refused {
                reason: "tệp quá lớn, không phải gói trao đổi".to_owned(),
            };
            let checked = if item.size > packet::MAX_PACKET_BYTES {
                Err(too_big())
            } else {
                match transport.read(&item, packet::MAX_PACKET_BYTES)? {
                    Some(bytes) => self.read(|dao| check(dao, &site, &file, bytes))?,
                    None => Err(too_big()),
                }
            };
            match checked {
                Ok(p) => {
                    let seqs = ready.entry(p.origin.id.clone()).or_default();
                    if let Some(same) = seqs.get(&p.seq) {
                        let outcome = if same.hash == p.hash {
                            Outcome::AlreadyApplied {
                                from: p.origin.unit_code.clone(),
                                seq: p.seq,
                            }
                        } else {
                            Outcome::Refused {
                                reason: format!("hai gói cùng số {} từ {} khác nhau", p.seq, p.origin.unit_code),
                            }
                        };
                        // Of two different packets, one signed with the key
                        // trusted now is the one taken.
                        let prefer_new = same.hash != p.hash
                            && p.signer == p.origin.public_key
                            && same.signer != same.origin.public_key;
                        let file = if prefer_new {
                            let old = seqs.insert(p.seq, p).map(|o| o.file);
                            old.unwrap_or(file)
                        } else {
                            file
                        };
                        out.push(Received { file, outcome });
                    } else {
                        seqs.insert(p.seq, p);
                    }
                }
                Err(outcome) => out.push(Received { file, outcome }),
            }
        }
        progress::finished(watch, Phase::Read, files);
        let packets = ready.values().map(BTreeMap::len).sum();
        let mut done = 0;
        for (_, seqs) in ready {
            for (_, p) in seqs {
                if !progress::next(watch, Phase::Apply, done, packets) {
                    return stopped(out);
                }
                done += 1;
                let outcome = take(self, actor, &site, &p)?;
                let applied = matches!(outcome, Outcome::Applied { .. });
                out.push(Received {
                    file: p.file.clone(),
                    outcome,
                });
                if applied {
                    self.apply_waiting(actor, &site, &p.origin.id, &mut out)?;
                }
            }
        }
        progress::finished(watch, Phase::Apply, packets);
        Ok(Run {
            items: out,
            stopped: false,
        })
    }

    /// Applies the packets kept aside that now follow the last one applied.
    fn apply_waiting(&mut self, actor: &Actor, site: &SiteRow, origin: &str, out: &mut Vec<Received>) -> Result<()> {
        loop {
            let next = self.read(|dao| {
                let applied = dao.last_in(origin)?.map_or(0, |(s, _)| s);
                let Some(w) = dao.waiting(origin, applied + 1)? else {
                    return Ok(None);
                };
                let file = w.file_name.clone();
                Ok(Some((file.clone(), check(dao, site, &file, w.bytes)?)))
            })?;
            let Some((file, checked)) = next else { return Ok(()) };
            let outcome = match checked {
                Ok(p) => take(self, actor, site, &p)?,
                Err(o) => o,
            };
            let go_on = matches!(outcome, Outcome::Applied { .. });
            out.push(Received { file, outcome });
            if !go_on {
                return Ok(());
            }
        }
    }
}

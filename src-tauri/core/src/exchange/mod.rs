//! The exchange between offices: installations trade signed packets (files
//! any transport carries, no server of our own), so that batches flow down
//! to the office of a unit under ours and confirmations flow back up, each
//! office staying the authority for its own records.
//!
//! - this file: the identity (`site init`, `show`, `export`) and the
//!   trusted peers (`peer add`, `list`, `remove`);
//! - `identity`: keys, the fingerprint, the identity card;
//! - `keys`: replacing our key pair (`site new-key`) and following a
//!   peer's key change;
//! - `packet`: the packet file (manifest, events, signature);
//! - `send` / `receive`: writing the packets for every peer, and applying
//!   the packets of a folder or a bucket in order (waiting, gaps, refusals);
//! - `transport`: where packets are written and read, a folder or an
//!   S3-compatible bucket through one code path (`object_store`);
//! - `hub`: the province's bucket in the settings, with its endpoint and
//!   keys (the environment overrides them);
//! - `down` / `up`: the events that flow to a child office (units,
//!   documents, batches; the tree's reorganisations in `reorg`) and to the parent (confirmations, reports of its
//!   own batches), gathered from
//!   the audit log and applied at the other end;
//! - `inbox`: what a parent handed us, confirmed here like any receipt;
//! - `consolidated`: our open receipts with those the child offices report.
//!
//! Every SQL statement is in `db::exchange` and `db::exchange_flow`.

mod consolidated;
mod down;
mod events;
pub mod hub;
pub mod identity;
pub mod inbox;
mod keys;
pub mod packet;
pub(crate) mod recall;
mod receive;
mod reorg;
mod send;
mod study;
pub mod transport;
mod up;

use std::path::Path;

use serde::Serialize;
use serde_json::json;

use crate::db::exchange::{PeerRow, SiteRow};
use crate::db::{new_uid, Actor, Dao, Store};
use crate::error::{Error, Result};
use crate::text;

pub use consolidated::{ConsolidatedRow, OfficeReport};
pub use hub::{HubChange, HubInfo, HubSettings};
pub use identity::{digits_only, fingerprint, Card};
pub use keys::{KeyPacket, NewKey};
pub use receive::{Outcome, Received};
pub use send::Sent;
pub use transport::{Bucket, Place};

pub use crate::db::exchange::PACKET_METHOD;
pub use crate::db::exchange_flow::InboxRow;

/// This installation's identity as shown (`site show`): never the secret key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SiteInfo {
    pub id: String,
    pub unit: String,
    pub name: String,
    pub public_key: String,
    pub fingerprint: String,
}

/// A trusted peer as `peer list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PeerInfo {
    pub id: String,
    pub unit: String,
    pub name: String,
    /// `parent` (the office above ours) or `child`.
    pub relation: String,
    pub fingerprint: String,
    /// The last packet applied from it, and when.
    #[ts(type = "number")]
    pub last_in: i64,
    pub last_in_at: Option<String>,
    /// The last packet written to it, and when.
    #[ts(type = "number")]
    pub last_out: i64,
    pub last_out_at: Option<String>,
    /// The highest of our packets it has applied.
    #[ts(type = "number")]
    pub acked: i64,
    /// Packets from it kept aside, waiting for an earlier one.
    #[ts(type = "Array<number>")]
    pub waiting: Vec<i64>,
    /// "thiếu gói số 2 từ HT" while packets wait.
    pub gap: Option<String>,
}

fn site_info(s: &SiteRow) -> SiteInfo {
    SiteInfo {
        id: s.id.clone(),
        unit: s.unit_code.clone(),
        name: s.name.clone(),
        public_key: identity::key_text(&s.public_key),
        fingerprint: fingerprint(&s.id, &s.public_key),
    }
}

/// The name an identity card file is saved under: "HK.card".
pub fn card_file_name(unit: &str) -> String {
    format!("{}.card", text::file_stem(unit))
}

/// The missing packets before the first one waiting: "thiếu gói số 2 từ HT".
fn gap_text(applied: i64, waiting: &[i64], unit: &str) -> Option<String> {
    let first = *waiting.first()?;
    let (from, to) = (applied + 1, first - 1);
    let numbers = if from >= to {
        from.to_string()
    } else {
        format!("{from}–{to}")
    };
    Some(format!("thiếu gói số {numbers} từ {unit}"))
}

/// The codes of a unit's subtree today (the unit first, then depth-first).
pub(crate) fn subtree_codes(dao: &Dao<'_>, root: &str) -> Result<Vec<String>> {
    subtree_codes_on(dao, root, crate::dates::today())
}

/// The codes of a unit's subtree as it stood (or will stand) on `day`.
pub(crate) fn subtree_codes_on(dao: &Dao<'_>, root: &str, day: chrono::NaiveDate) -> Result<Vec<String>> {
    Ok(Tree::read(dao, day)?
        .subtree(root)
        .map(|r| r.unit.code.clone())
        .collect())
}

/// The tree of one day, read once, for the subtrees of many units (one
/// `sync send` to hundreds of offices reads it once, not once per office).
pub(crate) struct Tree {
    rows: Vec<crate::db::UnitRow>,
    /// Parent id → its children's positions, in the order of `rows`.
    children: std::collections::HashMap<i64, Vec<usize>>,
    by_code: std::collections::HashMap<String, usize>,
}

impl Tree {
    pub(crate) fn read(dao: &Dao<'_>, day: chrono::NaiveDate) -> Result<Tree> {
        let rows = dao.units_on(day)?;
        let mut children: std::collections::HashMap<i64, Vec<usize>> = std::collections::HashMap::new();
        let mut by_code = std::collections::HashMap::with_capacity(rows.len());
        for (i, r) in rows.iter().enumerate() {
            if let Some(parent) = r.parent_id {
                children.entry(parent).or_default().push(i);
            }
            by_code.insert(r.unit.code.clone(), i);
        }
        Ok(Tree {
            rows,
            children,
            by_code,
        })
    }

    /// The unit and everything under it, depth-first (none when the unit
    /// does not exist that day).
    pub(crate) fn subtree(&self, root: &str) -> impl Iterator<Item = &crate::db::UnitRow> + '_ {
        let mut stack: Vec<usize> = self.by_code.get(root).copied().into_iter().collect();
        std::iter::from_fn(move || {
            let i = stack.pop()?;
            if let Some(under) = self.children.get(&self.rows[i].id) {
                stack.extend(under.iter().rev());
            }
            Some(&self.rows[i])
        })
    }
}

/// How the peer's unit stands to ours today: `parent` when it is an
/// ancestor of ours, `child` when it is under ours, None otherwise.
fn relation(dao: &Dao<'_>, ours: &str, theirs: &str) -> Result<Option<&'static str>> {
    if ours == theirs {
        return Ok(None);
    }
    if subtree_codes(dao, ours)?.iter().any(|c| c == theirs) {
        return Ok(Some("child"));
    }
    if subtree_codes(dao, theirs)?.iter().any(|c| c == ours) {
        return Ok(Some("parent"));
    }
    Ok(None)
}

impl Store {
    /// Makes this installation's identity, once: an id and an Ed25519 key
    /// pair, for a unit of our own tree.
    pub fn site_init(&mut self, actor: &Actor, unit: &str, name: Option<&str>) -> Result<SiteInfo> {
        self.write(actor, |dao| {
            if let Some(s) = dao.site()? {
                return Err(Error::conflict(
                    "site",
                    format!(
                        "Sổ này đã có danh tính trao đổi (đơn vị {}, mã {}); danh tính chỉ tạo một lần",
                        s.unit_code, s.id
                    ),
                ));
            }
            let row = dao.unit_for("unit", unit, crate::dates::today())?;
            let name = text::clean_opt(name).unwrap_or_else(|| row.unit.name.clone());
            let key = identity::new_signing_key();
            let site = SiteRow {
                id: new_uid(),
                unit_code: row.unit.code.clone(),
                name,
                public_key: key.verifying_key().to_bytes(),
                secret_key: key.to_bytes(),
            };
            dao.insert_site(&site)?;
            let info = site_info(&site);
            dao.log(
                "site.init",
                Some(&site.id),
                &json!({ "unit": info.unit, "name": info.name, "public_key": info.public_key,
                         "fingerprint": info.fingerprint }),
            )?;
            Ok(info)
        })
    }

    /// This installation's identity, None before `site init` (the window
    /// then offers to make it).
    pub fn site_if_made(&self) -> Result<Option<SiteInfo>> {
        self.read(|dao| Ok(dao.site()?.as_ref().map(site_info)))
    }

    /// This installation's identity.
    pub fn site(&self) -> Result<SiteInfo> {
        self.read(|dao| Ok(site_info(&dao.site_required()?)))
    }

    /// The identity card file's bytes (never the secret key), as `site
    /// export` writes it and the printed card's QR code holds it.
    pub fn site_card(&self) -> Result<Vec<u8>> {
        let site = self.read(|dao| dao.site_required())?;
        let card = Card::new(&site.id, &site.unit_code, &site.name, &site.public_key);
        Ok(serde_json::to_vec_pretty(&card)?)
    }

    /// Writes the identity card (never the secret key), logged.
    pub fn save_site_card(&mut self, actor: &Actor, path: &Path) -> Result<()> {
        let bytes = self.site_card()?;
        let fingerprint = self.site()?.fingerprint;
        self.save_file(
            actor,
            path,
            &bytes,
            "site.export",
            json!({ "fingerprint": fingerprint }),
        )
    }

    /// The printed identity card: an A4 page in the party layout (refused
    /// until the office has given its letterhead) with the unit, the
    /// installation id, the fingerprint in large type, the QR code of the
    /// card file and lines to sign and stamp.
    pub fn site_card_pdf(&self) -> Result<Vec<u8>> {
        let letterhead = self.letterhead()?;
        let site = self.site()?;
        let unit_name = self
            .read(|dao| dao.unit_for("unit", &site.unit, crate::dates::today()))?
            .unit
            .name;
        let sheet = crate::print::CardSheet {
            card: self.site_card()?,
            card_file_name: card_file_name(&site.unit),
            unit_code: site.unit,
            unit_name,
            office_name: site.name,
            id: site.id,
            fingerprint: site.fingerprint,
        };
        crate::print::site_card_pdf(&letterhead, &sheet, crate::dates::today())
    }

    /// Saves the printed identity card as PDF, logged as `print.site_card`.
    pub fn save_site_card_pdf(&mut self, actor: &Actor, path: &Path) -> Result<()> {
        let bytes = self.site_card_pdf()?;
        let fingerprint = self.site()?.fingerprint;
        self.save_file(
            actor,
            path,
            &bytes,
            "print.site_card",
            json!({ "format": "pdf", "fingerprint": fingerprint }),
        )
    }

    /// Trusts a peer from its identity card, only when the fingerprint typed
    /// from paper matches the one recomputed from the card; otherwise
    /// nothing is stored.
    pub fn add_peer(&mut self, actor: &Actor, card_file: &Path, typed_fingerprint: &str) -> Result<PeerInfo> {
        let shown = card_file.display().to_string();
        let size = std::fs::metadata(card_file)
            .map_err(|e| Error::file("không đọc được", card_file, e))?
            .len();
        if size > identity::MAX_CARD_BYTES {
            return Err(Error::invalid(
                "file",
                format!("{shown}: không phải thẻ nhận diện (tệp quá lớn)"),
            ));
        }
        let bytes = std::fs::read(card_file).map_err(|e| Error::file("không đọc được", card_file, e))?;
        let card = Card::read(&bytes, &shown)?;
        if digits_only(typed_fingerprint) != digits_only(&card.fingerprint) {
            return Err(Error::invalid(
                "fingerprint",
                format!(
                    "Dấu vân tay gõ vào không khớp với thẻ {shown} (đơn vị {}): không tin cậy, không lưu gì. \
                     Hãy so lại với bản giấy có chữ ký và dấu",
                    card.unit
                ),
            ));
        }
        self.write(actor, |dao| {
            let site = dao.site_required()?;
            if card.id == site.id {
                return Err(Error::invalid("file", format!("{shown} là thẻ của chính sổ này")));
            }
            if let Some(old) = dao.peer(&card.id)?.filter(|p| !p.removed) {
                let why = if old.public_key == card.public_key {
                    "đã có trong danh sách tin cậy"
                } else {
                    "đã có trong danh sách với khoá khác; hãy gỡ ra trước (peer remove) rồi thêm lại"
                };
                return Err(Error::conflict("file", format!("Văn phòng {} {why}", card.unit)));
            }
            if let Some(other) = dao.peers()?.into_iter().find(|p| p.unit_code == card.unit) {
                return Err(Error::conflict(
                    "file",
                    format!(
                        "Đơn vị {} đã có một văn phòng khác trong danh sách (mã {}); hãy gỡ ra trước",
                        card.unit, other.id
                    ),
                ));
            }
            dao.unit_for("unit", &card.unit, crate::dates::today()).map_err(|_| {
                Error::invalid(
                    "file",
                    format!(
                        "Đơn vị {} của thẻ {shown} không có trong cây đơn vị của sổ này",
                        card.unit
                    ),
                )
            })?;
            let Some(rel) = relation(dao, &site.unit_code, &card.unit)? else {
                return Err(Error::invalid(
                    "file",
                    format!(
                        "Đơn vị {} không phải cấp trên hay đơn vị trực thuộc của {}: chỉ trao đổi theo cây đơn vị",
                        card.unit, site.unit_code
                    ),
                ));
            };
            let peer = PeerRow {
                id: card.id.clone(),
                unit_code: card.unit.clone(),
                name: card.name.clone(),
                public_key: card.public_key,
                relation: rel.to_owned(),
                acked: 0,
                removed: false,
            };
            dao.upsert_peer(&peer)?;
            dao.log(
                "peer.add",
                Some(&peer.id),
                &json!({ "unit": peer.unit_code, "name": peer.name, "relation": rel,
                         "public_key": identity::key_text(&peer.public_key), "fingerprint": card.fingerprint }),
            )?;
            peer_info(dao, &peer)
        })
    }

    /// The trusted peers, with their packets in and out and any gap.
    pub fn peers(&self) -> Result<Vec<PeerInfo>> {
        self.read(|dao| dao.peers()?.iter().map(|p| peer_info(dao, p)).collect())
    }

    /// Stops trusting the peer of a unit; its packets and records stay.
    pub fn remove_peer(&mut self, actor: &Actor, unit: &str) -> Result<()> {
        let unit = text::clean(unit);
        self.write(actor, |dao| {
            let Some(peer) = dao.peers()?.into_iter().find(|p| p.unit_code == unit) else {
                return Err(Error::invalid(
                    "unit",
                    format!("Không có văn phòng nào của đơn vị «{unit}» trong danh sách tin cậy"),
                ));
            };
            dao.remove_peer(&peer.id)?;
            dao.log(
                "peer.remove",
                Some(&peer.id),
                &json!({ "unit": peer.unit_code, "name": peer.name }),
            )
        })
    }
}

fn peer_info(dao: &Dao<'_>, p: &PeerRow) -> Result<PeerInfo> {
    let last_in = dao.last_in(&p.id)?.map_or(0, |(seq, _)| seq);
    let waiting = dao.waiting_seqs(&p.id)?;
    Ok(PeerInfo {
        id: p.id.clone(),
        unit: p.unit_code.clone(),
        name: p.name.clone(),
        relation: p.relation.clone(),
        fingerprint: fingerprint(&p.id, &p.public_key),
        last_in,
        last_in_at: dao.last_in_at(&p.id)?,
        last_out: dao.last_out(&p.id)?.map_or(0, |(seq, _, _)| seq),
        last_out_at: dao.last_out_at(&p.id)?,
        acked: p.acked,
        gap: gap_text(last_in, &waiting, &p.unit_code),
        waiting,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gap_names_the_missing_packets() {
        assert_eq!(gap_text(1, &[3, 4], "HT").as_deref(), Some("thiếu gói số 2 từ HT"));
        assert_eq!(gap_text(1, &[5], "HT").as_deref(), Some("thiếu gói số 2–4 từ HT"));
        assert_eq!(gap_text(1, &[], "HT"), None);
    }

    #[test]
    fn a_unit_is_within_itself_and_its_ancestors_only() {
        let (_d, s, _a) = crate::batches::tests::setup();
        let day = crate::dates::today();
        let within = |code: &str, ancestor: &str| s.read(|dao| dao.unit_within(code, ancestor, day)).expect("walk");
        assert!(within("X1", "X"));
        assert!(within("X", "X"));
        assert!(!within("X", "X1"));
        assert!(!within("X1", "X2"));
        assert!(!within("NOPE", "X"));
        let codes = s.read(|dao| subtree_codes(dao, "X")).expect("subtree");
        assert_eq!(codes.first().map(String::as_str), Some("X"));
        assert_eq!(codes.len(), 3);
    }
}

//! Down: what a parent office sends the office of a unit under it — that
//! unit's subtree as the parent knows it (and its reorganisations: `reorg`),
//! and the batches handed to units of that subtree (documents as metadata,
//! receipts of the subtree only), the study campaigns its units report
//! on (`study`) and the recalls of copies they hold (`recall`) — and how
//! the child applies it: units
//! added to its tree, documents entered as received, the receipts into its
//! inbox.

use std::collections::{BTreeSet, HashMap};

use serde_json::json;

use super::events::{BatchEvent, DocumentEvent, Event, UnitEvent, V};
use super::{subtree_codes, Tree};
use crate::db::exchange::{LoggedReorg, PeerRow, SiteRow};
use crate::db::exchange_flow::ReceiptMeta;
use crate::db::{ConfirmedVia, Dao, DocumentInsert};
use crate::documents::Symbol;
use crate::error::{Error, Result};
use crate::model::{Classification, NewUnit, ReceiptStatus, ABSOLUTE_SUMMARY};
use crate::print::display_code;

/// What one `sync send` reads once for all its child peers, however many:
/// today's tree, the log's last row when the send began (every packet
/// covers up to it), and the logged changes after the smallest cursor seen
/// (each office takes those after its own).
#[derive(Default)]
pub(super) struct Shared {
    tree: Option<Tree>,
    last: Option<i64>,
    changes: Option<(i64, Vec<Change>)>,
    reorganisations: Option<(i64, Vec<LoggedReorg>)>,
}

/// A logged change of a unit, a batch or a receipt (with its batch).
struct Change {
    id: i64,
    unit: bool,
    batch: Option<String>,
}

impl Shared {
    fn tree(&mut self, dao: &Dao<'_>) -> Result<&Tree> {
        if self.tree.is_none() {
            self.tree = Some(Tree::read(dao, crate::dates::today())?);
        }
        self.tree
            .as_ref()
            .ok_or_else(|| Error::invalid("tree", "cây đơn vị không đọc được"))
    }

    fn last(&mut self, dao: &Dao<'_>) -> Result<i64> {
        if let Some(last) = self.last {
            return Ok(last);
        }
        let last = dao.last_audit_id()?;
        self.last = Some(last);
        Ok(last)
    }

    /// The changes after `cursor` up to `last`.
    fn changes(&mut self, dao: &Dao<'_>, cursor: i64) -> Result<impl Iterator<Item = &Change>> {
        let last = self.last(dao)?;
        if self.changes.as_ref().is_none_or(|(from, _)| cursor < *from) {
            let (logged, _) = dao.changes_after(cursor, &["unit.", "batch.", "receipt."])?;
            let mut batch_of: HashMap<String, Option<String>> = HashMap::new();
            let mut rows = Vec::with_capacity(logged.len());
            for c in logged.into_iter().filter(|c| c.id <= last) {
                let batch = match (&c.entity_uid, c.action.split('.').next()) {
                    (Some(uid), Some("batch")) => Some(uid.clone()),
                    (Some(uid), Some("receipt")) => match batch_of.get(uid) {
                        Some(b) => b.clone(),
                        None => {
                            let b = dao.batch_uid_of_receipt(uid)?;
                            batch_of.insert(uid.clone(), b.clone());
                            b
                        }
                    },
                    _ => None,
                };
                rows.push(Change {
                    id: c.id,
                    unit: c.action.starts_with("unit."),
                    batch,
                });
            }
            self.changes = Some((cursor, rows));
        }
        let rows = self.changes.as_ref().map_or(&[][..], |(_, rows)| rows.as_slice());
        Ok(rows.iter().filter(move |c| c.id > cursor))
    }

    /// The reorganisations that travel, logged after `cursor` up to `last`.
    fn reorganisations(&mut self, dao: &Dao<'_>, cursor: i64) -> Result<Vec<&LoggedReorg>> {
        let last = self.last(dao)?;
        if self.reorganisations.as_ref().is_none_or(|(from, _)| cursor < *from) {
            self.reorganisations = Some((cursor, super::reorg::logged_after(dao, cursor)?));
        }
        let rows = self
            .reorganisations
            .as_ref()
            .map_or(&[][..], |(_, rows)| rows.as_slice());
        Ok(rows.iter().filter(|r| r.id > cursor && r.id <= last).collect())
    }
}

/// The events for a child peer since `cursor` (the first packet: the whole
/// subtree and every live batch of it); the audit row they cover up to.
pub(super) fn gather(
    dao: &Dao<'_>,
    shared: &mut Shared,
    site: &SiteRow,
    peer: &PeerRow,
    cursor: i64,
) -> Result<(Vec<Event>, i64)> {
    let first = cursor == 0;
    let last = shared.last(dao)?;
    // The first packet takes everything: no need to read the whole log.
    let (units_changed, changed) = if first {
        (true, BTreeSet::new())
    } else {
        let mut units_changed = false;
        let mut changed = BTreeSet::new();
        for c in shared.changes(dao, cursor)? {
            units_changed |= c.unit;
            if let Some(b) = &c.batch {
                changed.insert(b.clone());
            }
        }
        (units_changed, changed)
    };
    let reorganisations = super::reorg::gather(dao, peer, &shared.reorganisations(dao, cursor)?)?;
    let subtree: Vec<&crate::db::UnitRow> = shared.tree(dao)?.subtree(&peer.unit_code).collect();
    let codes: Vec<&str> = subtree.iter().map(|r| r.unit.code.as_str()).collect();
    let units_json = serde_json::to_string(&codes)?;
    let mut events = Vec::new();
    if units_changed {
        for r in &subtree {
            events.push(Event::Unit(UnitEvent {
                v: V,
                code: r.unit.code.clone(),
                name: r.unit.name.clone(),
                short_name: r.unit.short_name.clone(),
                parent: r.unit.parent.clone(),
                kind: r.unit.kind.clone(),
                opened_on: r.unit.opened_on,
            }));
        }
    }
    events.extend(reorganisations);
    let touching = dao.batches_for_unit_codes(&units_json)?;
    let wanted: Vec<String> = touching
        .into_iter()
        .filter(|(uid, cancelled)| if first { !cancelled } else { changed.contains(uid) })
        .map(|(uid, _)| uid)
        .collect();
    let mut sent_docs = BTreeSet::new();
    for uid in wanted {
        let Some((batch, docs)) = dao.batch_meta(&uid, &units_json)? else {
            continue;
        };
        for doc in docs {
            if sent_docs.insert(doc.uid.clone()) {
                events.push(Event::Document(DocumentEvent { v: V, doc }));
            }
        }
        events.push(Event::Batch(BatchEvent {
            v: V,
            from: site.name.clone(),
            batch,
        }));
    }
    events.extend(super::study::gather_down(
        dao,
        site,
        &units_json,
        (first, cursor, last),
        &mut sent_docs,
    )?);
    events.extend(super::recall::gather_down(
        dao,
        site,
        &units_json,
        (first, cursor, last),
    )?);
    Ok((events, last))
}

/// What applying one packet at the child keeps between its events.
#[derive(Default)]
pub(super) struct Applying {
    /// Parent's document uid → local document id.
    documents: HashMap<String, i64>,
    /// Our subtree, read once per packet.
    subtree: Option<Vec<String>>,
    /// The units this packet added.
    pub added: BTreeSet<String>,
}

impl Applying {
    /// The local id of the parent's document `uid`: entered by this packet
    /// or an earlier one.
    pub(super) fn document(&self, dao: &Dao<'_>, uid: &str) -> Result<Option<i64>> {
        match self.documents.get(uid) {
            Some(id) => Ok(Some(*id)),
            None => dao.document_id_for(uid, "", "\u{0}"),
        }
    }

    /// The codes of our subtree, read once per packet.
    pub(super) fn subtree(&mut self, dao: &Dao<'_>, site: &SiteRow) -> Result<&[String]> {
        if self.subtree.is_none() {
            self.subtree = Some(subtree_codes(dao, &site.unit_code)?);
        }
        Ok(self.subtree.as_deref().unwrap_or_default())
    }
}

/// Adds a unit of our subtree that we do not have yet, as the parent's tree
/// stands today (a unit we have follows the parent's reorganisations
/// instead: `reorg`).
pub(super) fn apply_unit(dao: &Dao<'_>, ctx: &mut Applying, u: &UnitEvent) -> Result<()> {
    if dao.unit_code_taken(&u.code)? {
        return Ok(());
    }
    ctx.added.insert(u.code.clone());
    crate::units::insert_unit(
        dao,
        &NewUnit {
            code: u.code.clone(),
            name: u.name.clone(),
            parent: u.parent.clone(),
            kind: u.kind.clone(),
            short_name: u.short_name.clone(),
            opened_on: u.opened_on,
            ..NewUnit::default()
        },
    )
    .map_err(|e| Error::invalid("packet", format!("đơn vị {} trong gói: {e}", u.code)))?;
    Ok(())
}

/// Enters a document as received (its copies come with the inbox receipts
/// addressed to our unit), or finds the one we already have.
pub(super) fn apply_document(dao: &Dao<'_>, ctx: &mut Applying, d: &DocumentEvent) -> Result<()> {
    let doc = &d.doc;
    if let Some(id) = dao.document_id_for(&doc.uid, &doc.symbol, &doc.term)? {
        ctx.documents.insert(doc.uid.clone(), id);
        return Ok(());
    }
    let classification = Classification::ALL
        .into_iter()
        .find(|c| c.as_str() == doc.classification)
        .ok_or_else(|| {
            Error::invalid(
                "packet",
                format!("văn bản {}: độ mật «{}» không rõ", doc.symbol, doc.classification),
            )
        })?;
    let title = match (&doc.title, classification) {
        (_, Classification::Absolute) | (None, _) => ABSOLUTE_SUMMARY.to_owned(),
        (Some(t), _) => t.clone(),
    };
    let parts = Symbol::parse(&doc.symbol).ok();
    let issued_on = doc.issued_on.as_deref().and_then(|s| s.parse().ok());
    dao.insert_document_row(&DocumentInsert {
        uid: &doc.uid,
        symbol: &doc.symbol,
        number: parts.as_ref().map_or("", |p| p.number.as_str()),
        doc_type: parts.as_ref().map_or("", |p| p.doc_type.as_str()),
        issuer: parts.as_ref().map_or("", |p| p.issuer.as_str()),
        term: &doc.term,
        title: &title,
        issued_on,
        classification,
        copies_received: 0,
    })?;
    dao.log(
        "document.add",
        Some(&doc.uid),
        &json!({ "symbol": doc.symbol, "title": doc.title, "issued_on": issued_on,
                 "classification": doc.classification, "copies_received": 0, "via": "packet" }),
    )?;
    let id = dao
        .document_id_for(&doc.uid, &doc.symbol, &doc.term)?
        .ok_or_else(|| Error::not_found("Văn bản", doc.symbol.clone()))?;
    ctx.documents.insert(doc.uid.clone(), id);
    Ok(())
}

/// Refuses a receipt whose status or confirmation method this build does
/// not know (the inbox keeps only values the app writes), naming the field.
fn check_signed(batch: &str, r: &ReceiptMeta) -> Result<()> {
    let unknown = |field: &str, what: &str, value: &str| {
        Error::invalid(
            "packet",
            format!(
                "đợt {batch}, phiếu {} của đơn vị {}: trường {field} có {what} «{value}» không rõ",
                display_code(&r.code),
                r.unit
            ),
        )
    };
    if ReceiptStatus::parse(&r.signed.status).is_none() {
        return Err(unknown("status", "trạng thái", &r.signed.status));
    }
    if let Some(m) = r.signed.method.as_deref().filter(|m| ConfirmedVia::parse(m).is_none()) {
        return Err(unknown("method", "cách xác nhận", m));
    }
    Ok(())
}

/// Puts a batch's receipts for our subtree into the inbox (a receipt
/// confirmed here keeps our confirmation).
pub(super) fn apply_batch(
    dao: &Dao<'_>,
    ctx: &mut Applying,
    site: &SiteRow,
    origin: &PeerRow,
    b: &BatchEvent,
) -> Result<()> {
    for r in &b.batch.receipts {
        check_signed(&b.batch.code, r)?;
    }
    ctx.subtree(dao, site)?;
    let subtree = ctx.subtree.as_deref().unwrap_or_default();
    dao.upsert_inbox_batch(&origin.id, &b.batch, &b.from)?;
    // What each receipt taken says (uid, code, status): `verify` replays the
    // inbox from these and from the confirmations made here.
    let mut states: Vec<(&str, &str, &str)> = Vec::new();
    for r in &b.batch.receipts {
        if !subtree.contains(&r.unit) {
            continue;
        }
        dao.upsert_inbox_receipt(&b.batch.uid, r, r.unit == site.unit_code)?;
        for line in &r.lines {
            let id = ctx.document(dao, &line.document)?.ok_or_else(|| {
                Error::invalid(
                    "packet",
                    format!("đợt {}: văn bản {} không có trong gói", b.batch.code, line.symbol),
                )
            })?;
            dao.upsert_inbox_line(&r.uid, id, line)?;
        }
        states.push((&r.uid, &r.code, &r.signed.status));
    }
    dao.log(
        "inbox.batch",
        Some(&b.batch.uid),
        &json!({ "code": b.batch.code, "title": b.batch.title, "from": b.from, "origin": origin.unit_code,
                 "receipts": states.len(), "cancelled": b.batch.cancelled, "states": states }),
    )
}

//! Study follow-through between offices. Down: a campaign with the units of
//! the child's subtree that must report (its documents travel before it),
//! which the child keeps under the parent's uid and code, so its clerks and
//! secretaries report on it as on their own. Up: every report on a campaign
//! the parent sent, naming the office that recorded it; the parent keeps it
//! as that unit's report (a later one replaces it, as a report typed there
//! would), and its summary shows the office. A campaign that came from
//! higher up goes on down, and reports from below go on up, so a province's
//! campaign reaches the communes' children and their figures reach it.

use std::collections::BTreeSet;

use serde_json::json;

use super::down::Applying;
use super::events::{CampaignEvent, DocumentEvent, Event, StudyReportEvent, V};
use crate::db::exchange::{PeerRow, SiteRow};
use crate::db::study::{CampaignRow, Office, Sent};
use crate::db::Dao;
use crate::error::{Error, Result};

/// The campaigns for a child office: with `first`, every one with a unit of
/// its subtree (`units`, a JSON array of codes); otherwise those made or
/// taken here between the audit rows `cursor` and `last`. Each campaign's
/// documents come first, unless already in `sent_docs`.
pub(super) fn gather_down(
    dao: &Dao<'_>,
    site: &SiteRow,
    units: &str,
    (first, cursor, last): (bool, i64, i64),
    sent_docs: &mut BTreeSet<String>,
) -> Result<Vec<Event>> {
    let touching = dao.campaigns_for_units(units)?;
    let ids: Vec<i64> = if first {
        touching
    } else {
        dao.campaigns_logged_between(cursor, last)?
            .into_iter()
            .filter(|id| touching.contains(id))
            .collect()
    };
    let mut events = Vec::new();
    for id in ids {
        let Some(c) = dao.campaign_meta(id, units)? else {
            continue;
        };
        let mut documents = Vec::with_capacity(c.documents.len());
        for doc in c.documents {
            documents.push(doc.uid.clone());
            if sent_docs.insert(doc.uid.clone()) {
                events.push(Event::Document(DocumentEvent { v: V, doc }));
            }
        }
        events.push(Event::Campaign(CampaignEvent {
            v: V,
            uid: c.uid,
            code: c.code,
            title: c.title,
            from: c.from,
            to: c.to,
            documents,
            units: c.units,
            office: site.name.clone(),
        }));
    }
    Ok(events)
}

/// The reports for the parent peer: with `cursor` 0 every report on a
/// campaign it sent, otherwise those recorded or taken here since (`uids`:
/// the reports logged after the cursor).
pub(super) fn gather_up(dao: &Dao<'_>, site: &SiteRow, peer: &PeerRow, uids: Vec<String>) -> Result<Vec<Event>> {
    let mut events = Vec::new();
    for uid in uids {
        let Some(r) = dao.study_report_meta(&uid)? else {
            continue;
        };
        if r.origin_peer.as_deref() != Some(peer.id.as_str()) {
            continue;
        }
        let (office_code, office_name) = r.office.unwrap_or_else(|| (site.unit_code.clone(), site.name.clone()));
        events.push(Event::StudyReport(StudyReportEvent {
            v: V,
            campaign: r.campaign,
            unit: r.unit,
            figures: r.figures,
            recorded_by: r.recorded_by,
            entered_at: r.entered_at,
            office_code,
            office_name,
        }));
    }
    Ok(events)
}

/// Logs an event not applied and why (the packet is still taken).
fn ignored(dao: &Dao<'_>, origin: &PeerRow, uid: &str, what: serde_json::Value, packet: &str, why: &str) -> Result<()> {
    dao.log(
        "exchange.ignored",
        Some(uid),
        &json!({ "study": what, "origin": origin.unit_code, "packet": packet, "reason": why }),
    )
}

/// Keeps a campaign the parent sent, with the units of our tree it names
/// (a campaign we have already is left as it is).
pub(super) fn apply_campaign(
    dao: &Dao<'_>,
    ctx: &Applying,
    origin: &PeerRow,
    c: &CampaignEvent,
    packet: &str,
) -> Result<()> {
    if c.code.trim().is_empty() || c.title.trim().is_empty() || c.to < c.from {
        return Err(Error::invalid(
            "packet",
            format!(
                "đợt học tập «{}»: thiếu mã hoặc tên, hoặc ngày kết thúc trước ngày bắt đầu",
                c.code
            ),
        ));
    }
    if dao.campaign_by_uid(&c.uid)?.is_some() {
        return Ok(());
    }
    if dao.study_code_taken(&c.code)? {
        return ignored(
            dao,
            origin,
            &c.uid,
            json!(c.code),
            packet,
            "mã đợt học tập đã được dùng cho một đợt của văn phòng này",
        );
    }
    let mut documents = Vec::with_capacity(c.documents.len());
    for uid in &c.documents {
        let id = ctx.document(dao, uid)?.ok_or_else(|| {
            Error::invalid(
                "packet",
                format!("đợt học tập {}: văn bản {uid} không có trong gói", c.code),
            )
        })?;
        documents.push(id);
    }
    let units = dao.unit_ids_of_codes(&serde_json::to_string(&c.units)?)?;
    if units.is_empty() {
        return ignored(
            dao,
            origin,
            &c.uid,
            json!(c.code),
            packet,
            "không đơn vị nào phải báo cáo có trong sổ",
        );
    }
    let row = CampaignRow {
        id: 0,
        code: c.code.clone(),
        title: c.title.clone(),
        batch: None,
        from: c.from,
        to: c.to,
    };
    let sent = Sent {
        uid: &c.uid,
        peer: &origin.id,
    };
    dao.insert_campaign(&row, None, &documents, &units, Some(sent))?;
    let (id, _) = dao
        .campaign_by_uid(&c.uid)?
        .map(|(row, origin)| (row.id, origin))
        .ok_or_else(|| Error::not_found("Đợt học tập", c.code.clone()))?;
    dao.log(
        "study.create",
        Some(&c.uid),
        &json!({ "code": c.code, "title": c.title, "from": c.from, "to": c.to,
                 "documents": dao.campaign_documents(id)?, "units": c.units,
                 "via": "packet", "office": c.office, "origin": origin.unit_code }),
    )
}

/// Keeps a unit's figures a child office sent for one of our campaigns, as
/// the unit's report (naming the office that recorded them). Figures that
/// cannot be true refuse the packet, naming the field; a report on a
/// campaign or a unit that is not ours to take is logged and left.
pub(super) fn apply_report(dao: &Dao<'_>, origin: &PeerRow, r: &StudyReportEvent, packet: &str) -> Result<()> {
    let what = json!({ "campaign": r.campaign, "unit": r.unit, "office": r.office_code });
    let Some((campaign, _)) = dao.campaign_by_uid(&r.campaign)? else {
        return ignored(dao, origin, &r.campaign, what, packet, "đợt học tập không có trong sổ");
    };
    if !dao.unit_within(&r.unit, &origin.unit_code, crate::dates::today())? {
        return ignored(
            dao,
            origin,
            &r.campaign,
            what,
            packet,
            "đơn vị không thuộc văn phòng gửi gói",
        );
    }
    let Some(unit_id) = dao.campaign_unit(campaign.id, &r.unit)? else {
        return ignored(
            dao,
            origin,
            &r.campaign,
            what,
            packet,
            "đơn vị không phải báo cáo trong đợt học tập này",
        );
    };
    crate::study::validate(&r.figures, campaign.from).map_err(|e| {
        Error::invalid(
            "packet",
            format!("đợt học tập {}, đơn vị {}: {e}", campaign.code, r.unit),
        )
    })?;
    let before = dao.study_report(campaign.id, unit_id)?;
    let office = Office {
        code: &r.office_code,
        name: &r.office_name,
    };
    let uid = dao.put_study_report(
        campaign.id,
        unit_id,
        &r.figures,
        (&r.recorded_by, &r.entered_at),
        Some(office),
    )?;
    dao.log(
        "study.report",
        Some(&uid),
        &json!({ "campaign": campaign.code, "unit": r.unit, "figures": r.figures,
                 "replaced": before.as_ref().map(|(_, f)| f), "via": "packet",
                 "office": r.office_code, "packet": packet }),
    )
}

//! Queries of study follow-through: campaigns, the units that must report,
//! and their reports (one per campaign and unit, replaced in place).

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};

use super::{new_uid, now_utc, Dao};
use crate::error::{Error, Result};

/// A campaign as stored.
#[derive(Debug, Clone)]
pub(crate) struct CampaignRow {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub batch: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// A unit's figures as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Figures {
    pub sessions: u32,
    pub held_on: Option<NaiveDate>,
    pub members: u32,
    pub attended: u32,
    pub made_up: u32,
    pub absent_excused: u32,
    pub absent_reason: Option<String>,
    pub masses: u32,
    pub programme: Option<String>,
}

/// An office that recorded a report which came here by packet.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Office<'a> {
    pub code: &'a str,
    pub name: &'a str,
}

/// Where a campaign came from when a parent office sent it: its uid there
/// and the peer it came from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sent<'a> {
    pub uid: &'a str,
    pub peer: &'a str,
}

const CAMPAIGN_COLUMNS: &str = "SELECT c.id, c.code, c.title, b.code AS batch, c.from_on, c.to_on
     FROM study_campaign c LEFT JOIN batch b ON b.id = c.batch_id";

pub(super) fn campaign_row(r: &Row<'_>) -> rusqlite::Result<CampaignRow> {
    Ok(CampaignRow {
        id: r.get("id")?,
        code: r.get("code")?,
        title: r.get("title")?,
        batch: r.get("batch")?,
        from: r.get("from_on")?,
        to: r.get("to_on")?,
    })
}

pub(super) fn figures(r: &Row<'_>) -> rusqlite::Result<Figures> {
    Ok(Figures {
        sessions: r.get("sessions")?,
        held_on: r.get("held_on")?,
        members: r.get("members")?,
        attended: r.get("attended")?,
        made_up: r.get("made_up")?,
        absent_excused: r.get("absent_excused")?,
        absent_reason: r.get("absent_reason")?,
        masses: r.get("masses")?,
        programme: r.get("programme")?,
    })
}

pub(super) const FIGURE_COLUMNS: &str =
    "sessions, held_on, members, attended, made_up, absent_excused, absent_reason, masses, programme";

impl Dao<'_> {
    pub(crate) fn study_code_taken(&self, code: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM study_campaign WHERE code = ?1)",
            [code],
            |r| r.get(0),
        )?)
    }

    /// Writes a campaign with its documents and units (`sent`: one a parent
    /// office sent); returns its id and uid.
    pub(crate) fn insert_campaign(
        &self,
        c: &CampaignRow,
        batch_id: Option<i64>,
        documents: &[i64],
        units: &[i64],
        sent: Option<Sent<'_>>,
    ) -> Result<(i64, String)> {
        let uid = sent.map_or_else(new_uid, |s| s.uid.to_owned());
        self.conn.execute(
            "INSERT INTO study_campaign (uid, code, title, batch_id, from_on, to_on, created_at, origin_peer)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                uid,
                c.code,
                c.title,
                batch_id,
                c.from,
                c.to,
                now_utc(),
                sent.map(|s| s.peer)
            ],
        )?;
        let id = self.conn.last_insert_rowid();
        let mut docs = self
            .conn
            .prepare_cached("INSERT INTO study_document (campaign_id, document_id) VALUES (?1, ?2)")?;
        for d in documents {
            docs.execute(params![id, d])?;
        }
        let mut stmt = self
            .conn
            .prepare_cached("INSERT INTO study_unit (campaign_id, unit_id) VALUES (?1, ?2)")?;
        for u in units {
            stmt.execute(params![id, u])?;
        }
        Ok((id, uid))
    }

    /// The campaign with this code, or `NotFound`.
    pub(crate) fn campaign_by_code(&self, code: &str) -> Result<CampaignRow> {
        self.conn
            .query_row(&format!("{CAMPAIGN_COLUMNS} WHERE c.code = ?1"), [code], campaign_row)
            .optional()?
            .ok_or_else(|| Error::not_found("Đợt học tập", code))
    }

    /// Every campaign, the latest period first.
    pub(crate) fn campaigns(&self) -> Result<Vec<CampaignRow>> {
        let mut stmt = self
            .conn
            .prepare(&format!("{CAMPAIGN_COLUMNS} ORDER BY c.to_on DESC, c.id DESC"))?;
        let rows = stmt.query_map([], campaign_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Symbols of the documents a campaign studies, in the order of the register.
    pub(crate) fn campaign_documents(&self, campaign_id: i64) -> Result<Vec<String>> {
        self.campaign_symbols("d.symbol", campaign_id)
    }

    /// `campaign_documents` as a list shows them: with the term of a symbol
    /// the register holds in more than one.
    pub(crate) fn campaign_documents_shown(&self, campaign_id: i64) -> Result<Vec<String>> {
        self.campaign_symbols(shown_symbol!(), campaign_id)
    }

    fn campaign_symbols(&self, symbol: &str, campaign_id: i64) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {symbol} FROM study_document s JOIN document d ON d.id = s.document_id
             WHERE s.campaign_id = ?1 ORDER BY d.id"
        ))?;
        let rows = stmt
            .query_map([campaign_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Ids of the documents a batch carried.
    pub(crate) fn batch_document_ids(&self, batch_id: i64) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT document_id FROM batch_document WHERE batch_id = ?1 ORDER BY document_id")?;
        let rows = stmt
            .query_map([batch_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Units that must confirm a batch.
    pub(crate) fn batch_recipient_ids(&self, batch_id: i64) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT unit_id FROM receipt WHERE batch_id = ?1 AND must_confirm = 1 ORDER BY unit_id")?;
        let rows = stmt
            .query_map([batch_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Ids of the units that must report for a campaign.
    pub(crate) fn campaign_units(&self, campaign_id: i64) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT unit_id FROM study_unit WHERE campaign_id = ?1 ORDER BY unit_id")?;
        let rows = stmt
            .query_map([campaign_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The id of the unit with this code when it must report for the campaign.
    pub(crate) fn campaign_unit(&self, campaign_id: i64, code: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT u.id FROM unit u JOIN study_unit s ON s.unit_id = u.id
                 WHERE s.campaign_id = ?1 AND u.code = ?2",
            )?
            .query_row(params![campaign_id, code], |r| r.get(0))
            .optional()?)
    }

    /// The unit's report for the campaign, with its uid.
    pub(crate) fn study_report(&self, campaign_id: i64, unit_id: i64) -> Result<Option<(String, Figures)>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT uid, {FIGURE_COLUMNS} FROM study_report WHERE campaign_id = ?1 AND unit_id = ?2"
            ))?
            .query_row(params![campaign_id, unit_id], |r| Ok((r.get("uid")?, figures(r)?)))
            .optional()?)
    }

    /// Every report of a campaign by unit id, with the name of the office
    /// whose packet brought it (None: recorded here).
    pub(crate) fn study_reports(&self, campaign_id: i64) -> Result<HashMap<i64, (Figures, Option<String>)>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT unit_id, office_name, {FIGURE_COLUMNS} FROM study_report WHERE campaign_id = ?1"
        ))?;
        let rows = stmt
            .query_map([campaign_id], |r| {
                Ok((r.get("unit_id")?, (figures(r)?, r.get("office_name")?)))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Writes the unit's report, replacing an earlier one (which keeps its
    /// uid); `office`: the office that recorded it, when a packet brought
    /// it; returns the uid.
    pub(crate) fn put_study_report(
        &self,
        campaign_id: i64,
        unit_id: i64,
        f: &Figures,
        recorded: (&str, &str),
        office: Option<Office<'_>>,
    ) -> Result<String> {
        let (recorded_by, entered_at) = recorded;
        let uid: String = self
            .conn
            .prepare_cached(
                "INSERT INTO study_report (campaign_id, unit_id, uid, sessions, held_on, members, attended, made_up,
                                       absent_excused, absent_reason, masses, programme, recorded_by, entered_at,
                                       office_code, office_name)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
             ON CONFLICT (campaign_id, unit_id) DO UPDATE SET
                 sessions = excluded.sessions, held_on = excluded.held_on, members = excluded.members,
                 attended = excluded.attended, made_up = excluded.made_up,
                 absent_excused = excluded.absent_excused, absent_reason = excluded.absent_reason,
                 masses = excluded.masses, programme = excluded.programme,
                 recorded_by = excluded.recorded_by, entered_at = excluded.entered_at,
                 office_code = excluded.office_code, office_name = excluded.office_name
             RETURNING uid",
            )?
            .query_row(
                params![
                    campaign_id,
                    unit_id,
                    new_uid(),
                    f.sessions,
                    f.held_on,
                    f.members,
                    f.attended,
                    f.made_up,
                    f.absent_excused,
                    f.absent_reason,
                    f.masses,
                    f.programme,
                    recorded_by,
                    entered_at,
                    office.map(|o| o.code),
                    office.map(|o| o.name)
                ],
                |r| r.get(0),
            )?;
        Ok(uid)
    }

    /// How many units must report, and how many have, per campaign id.
    pub(crate) fn campaign_counts(&self, campaign_id: i64) -> Result<(u32, u32)> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM study_unit WHERE campaign_id = ?1),
                    (SELECT count(*) FROM study_report WHERE campaign_id = ?1)",
            [campaign_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }
}

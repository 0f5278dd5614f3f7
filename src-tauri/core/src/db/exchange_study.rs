//! Queries of study follow-through between offices: the campaigns that go
//! down to a child office (with the units of its subtree and the documents
//! studied), the reports that go up to the parent, and the lookups that
//! apply them.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

use super::exchange_flow::{doc_meta, DocMeta};
use super::study::{figures, CampaignRow, Figures};
use super::Dao;
use crate::error::Result;

/// A campaign as it travels down: its row, its documents and the codes of
/// the units asked for that must report.
pub(crate) struct CampaignMeta {
    pub uid: String,
    pub code: String,
    pub title: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub documents: Vec<DocMeta>,
    pub units: Vec<String>,
}

/// A report as it travels up.
pub(crate) struct StudyReportMeta {
    /// The campaign's uid and the peer it came from.
    pub campaign: String,
    pub origin_peer: Option<String>,
    pub unit: String,
    pub figures: Figures,
    pub recorded_by: String,
    pub entered_at: String,
    /// The office that recorded it, when a packet brought it here.
    pub office: Option<(String, String)>,
}

impl Dao<'_> {
    /// Ids of the campaigns with a unit among `units` (a JSON array of codes).
    pub(crate) fn campaigns_for_units(&self, units: &str) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT s.campaign_id FROM study_unit s JOIN unit u ON u.id = s.unit_id
             WHERE u.code IN (SELECT value FROM json_each(?1)) ORDER BY s.campaign_id",
        )?;
        let rows = stmt
            .query_map([units], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Ids of the campaigns made or taken here after the audit row `cursor`,
    /// up to `last`.
    pub(crate) fn campaigns_logged_between(&self, cursor: i64, last: i64) -> Result<Vec<i64>> {
        self.ids_logged_between(
            "SELECT id FROM study_campaign WHERE uid = ?1",
            cursor,
            last,
            &["study.create"],
        )
    }

    /// A campaign as it travels to the office whose subtree is `units` (a
    /// JSON array of codes).
    pub(crate) fn campaign_meta(&self, id: i64, units: &str) -> Result<Option<CampaignMeta>> {
        let row = self
            .conn
            .query_row(
                "SELECT uid, code, title, from_on, to_on FROM study_campaign WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let Some((uid, code, title, from, to)) = row else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.uid AS doc, d.symbol, d.term, d.title AS doc_title, d.issued_on, d.classification
             FROM study_document s JOIN document d ON d.id = s.document_id
             WHERE s.campaign_id = ?1 ORDER BY d.id",
        )?;
        let documents = stmt.query_map([id], doc_meta)?.collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT u.code FROM study_unit s JOIN unit u ON u.id = s.unit_id
             WHERE s.campaign_id = ?1 AND u.code IN (SELECT value FROM json_each(?2)) ORDER BY u.code",
        )?;
        let units = stmt
            .query_map(params![id, units], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(CampaignMeta {
            uid,
            code,
            title,
            from,
            to,
            documents,
            units,
        }))
    }

    /// The campaign with this uid, with the peer it came from.
    pub(crate) fn campaign_by_uid(&self, uid: &str) -> Result<Option<(CampaignRow, Option<String>)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT c.id, c.code, c.title, b.code AS batch, c.from_on, c.to_on, c.origin_peer
                 FROM study_campaign c LEFT JOIN batch b ON b.id = c.batch_id WHERE c.uid = ?1",
                [uid],
                |r| Ok((super::study::campaign_row(r)?, r.get("origin_peer")?)),
            )
            .optional()?)
    }

    /// Ids of the open units with these codes (a JSON array).
    pub(crate) fn unit_ids_of_codes(&self, codes: &str) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare(
            "SELECT id FROM unit WHERE code IN (SELECT value FROM json_each(?1)) AND closed_on > ?2 ORDER BY id",
        )?;
        let rows = stmt
            .query_map(params![codes, super::today()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The report with this uid as it travels up.
    pub(crate) fn study_report_meta(&self, uid: &str) -> Result<Option<StudyReportMeta>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT c.uid AS campaign, c.origin_peer, u.code AS unit, r.recorded_by, r.entered_at,
                        r.office_code, r.office_name, {}
                 FROM study_report r JOIN study_campaign c ON c.id = r.campaign_id JOIN unit u ON u.id = r.unit_id
                 WHERE r.uid = ?1",
                super::study::FIGURE_COLUMNS
            ))?
            .query_row([uid], |r| {
                let code: Option<String> = r.get("office_code")?;
                let name: Option<String> = r.get("office_name")?;
                Ok(StudyReportMeta {
                    campaign: r.get("campaign")?,
                    origin_peer: r.get("origin_peer")?,
                    unit: r.get("unit")?,
                    figures: figures(r)?,
                    recorded_by: r.get("recorded_by")?,
                    entered_at: r.get("entered_at")?,
                    office: code.zip(name),
                })
            })
            .optional()?)
    }

    /// Uids of every report on a campaign that came from the peer `peer`.
    pub(crate) fn study_reports_on_campaigns_from(&self, peer: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT r.uid FROM study_report r JOIN study_campaign c ON c.id = r.campaign_id
             WHERE c.origin_peer = ?1 ORDER BY r.campaign_id, r.unit_id",
        )?;
        let rows = stmt.query_map([peer], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

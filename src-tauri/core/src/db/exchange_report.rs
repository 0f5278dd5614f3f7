//! The reports between offices: the state of an office's own batches
//! (every receipt's status) as it sends them up, and, at the parent, the
//! copy of them in `remote_receipt` (replaced per office and batch) that
//! the consolidated outstanding list reads. The rules are in
//! `crate::exchange`.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{stored, Dao};
use crate::error::Result;
use crate::model::ReceiptStatus;

/// One receipt of a reported batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ReportReceipt {
    pub uid: String,
    pub code: String,
    pub unit_code: String,
    pub unit_name: String,
    /// The unit above it at the reporting office.
    pub group_code: Option<String>,
    pub group_name: Option<String>,
    pub must_confirm: bool,
    pub status: String,
    pub signed_by: Option<String>,
    pub signed_on: Option<String>,
    pub copies: i64,
}

/// A batch of the reporting office with all its receipts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ReportMeta {
    pub batch: String,
    pub code: String,
    pub title: String,
    pub handed_on: String,
    pub due_on: String,
    pub cancelled: bool,
    pub receipts: Vec<ReportReceipt>,
}

/// An open receipt another office reported.
#[derive(Debug, Clone)]
pub(crate) struct RemoteOpen {
    pub site: String,
    pub code: String,
    pub batch_code: String,
    pub batch_title: String,
    pub handed_on: chrono::NaiveDate,
    pub due_on: chrono::NaiveDate,
    pub unit_code: String,
    pub unit_name: String,
    pub group_code: Option<String>,
    pub group_name: Option<String>,
    pub status: ReceiptStatus,
    pub copies: u32,
}

impl Dao<'_> {
    /// Uids of our live batches, oldest first.
    pub(crate) fn live_batch_uids(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT uid FROM batch WHERE cancelled_at IS NULL ORDER BY id")?;
        let rows = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// One of our batches with every receipt, as a report sends it (units
    /// named as they stand today).
    pub(crate) fn report_meta(&self, batch_uid: &str) -> Result<Option<ReportMeta>> {
        let batch = self
            .conn
            .query_row(
                "SELECT id, code, title, handed_on, due_on, cancelled_at IS NOT NULL FROM batch WHERE uid = ?1",
                [batch_uid],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        ReportMeta {
                            batch: batch_uid.to_owned(),
                            code: r.get(1)?,
                            title: r.get(2)?,
                            handed_on: r.get(3)?,
                            due_on: r.get(4)?,
                            cancelled: r.get(5)?,
                            receipts: Vec::new(),
                        },
                    ))
                },
            )
            .optional()?;
        let Some((id, mut report)) = batch else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare(
            "SELECT r.uid, r.code, u.code AS unit, v.name, p.code AS pcode, pv.name AS pname, r.must_confirm,
                    r.status, r.signed_by, r.signed_on, r.copies
             FROM receipt r JOIN unit u ON u.id = r.unit_id
             JOIN unit_version v ON v.unit_id = u.id AND v.valid_from <= ?2 AND ?2 < v.valid_to
             LEFT JOIN unit p ON p.id = v.parent_id
             LEFT JOIN unit_version pv ON pv.unit_id = p.id AND pv.valid_from <= ?2 AND ?2 < pv.valid_to
             WHERE r.batch_id = ?1 ORDER BY r.id",
        )?;
        report.receipts = stmt
            .query_map(params![id, crate::dates::today()], |r| {
                Ok(ReportReceipt {
                    uid: super::uid::uid_of(r.get_ref(0)?),
                    code: r.get(1)?,
                    unit_code: r.get(2)?,
                    unit_name: r.get(3)?,
                    group_code: r.get(4)?,
                    group_name: r.get(5)?,
                    must_confirm: r.get(6)?,
                    status: r.get(7)?,
                    signed_by: r.get(8)?,
                    signed_on: r.get(9)?,
                    copies: r.get(10)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Some(report))
    }

    /// Replaces what an office reported of one of its batches (a cancelled
    /// batch leaves nothing).
    pub(crate) fn replace_remote(&self, site: &str, r: &ReportMeta) -> Result<()> {
        self.conn.execute(
            "DELETE FROM remote_receipt WHERE site = ?1 AND batch_uid = ?2",
            params![site, r.batch],
        )?;
        if r.cancelled {
            return Ok(());
        }
        let mut add = self.conn.prepare_cached(
            "INSERT INTO remote_receipt (site, uid, code, batch_uid, batch_code, batch_title, handed_on, due_on,
                 unit_code, unit_name, group_code, group_name, must_confirm, status, signed_by, signed_on, copies)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        )?;
        for x in &r.receipts {
            add.execute(params![
                site,
                x.uid,
                x.code,
                r.batch,
                r.code,
                r.title,
                r.handed_on,
                r.due_on,
                x.unit_code,
                x.unit_name,
                x.group_code,
                x.group_name,
                x.must_confirm,
                x.status,
                x.signed_by,
                x.signed_on,
                x.copies
            ])?;
        }
        Ok(())
    }

    /// The receipts other offices reported open (must confirm, not
    /// confirmed), with the unit code of the office that reported each.
    pub(crate) fn remote_open(&self) -> Result<Vec<RemoteOpen>> {
        let mut stmt = self.conn.prepare(
            "SELECT p.unit_code AS site, r.code, r.batch_code, r.batch_title, r.handed_on, r.due_on, r.unit_code,
                    r.unit_name, r.group_code, r.group_name, r.status, r.copies
             FROM remote_receipt r JOIN peer p ON p.id = r.site
             WHERE r.must_confirm = 1 AND r.status <> 'confirmed' AND p.removed_at IS NULL
             ORDER BY p.unit_code, r.handed_on, r.batch_code, r.unit_code",
        )?;
        let rows = stmt
            .query_map([], |r| {
                let code: String = r.get("code")?;
                Ok(RemoteOpen {
                    site: r.get("site")?,
                    status: stored::get(r, "status", "remote_receipt", || format!("phiếu {code}"))?,
                    code,
                    batch_code: r.get("batch_code")?,
                    batch_title: r.get("batch_title")?,
                    handed_on: r.get("handed_on")?,
                    due_on: r.get("due_on")?,
                    unit_code: r.get("unit_code")?,
                    unit_name: r.get("unit_name")?,
                    group_code: r.get("group_code")?,
                    group_name: r.get("group_name")?,
                    copies: r.get("copies")?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

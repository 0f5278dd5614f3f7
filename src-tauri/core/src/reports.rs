//! Printed documents from the store: the letterhead settings and the delivery
//! slips of a batch (the PDF layout itself lives in `print`).

use rusqlite::params;

use crate::error::Result;
use crate::print::{slips_pdf, Letterhead, Slip, SlipBatch, SlipLine};
use crate::store::{Actor, Store};

const LETTERHEAD_KEY: &str = "letterhead";

impl Store {
    /// The letterhead from the settings, or the placeholder default.
    pub fn letterhead(&self) -> Result<Letterhead> {
        self.read(|dao| match dao.setting(LETTERHEAD_KEY)? {
            Some(json) => Ok(serde_json::from_str(&json)?),
            None => Ok(Letterhead::default()),
        })
    }

    /// Saves the letterhead used by every printed list and slip.
    pub fn set_letterhead(&mut self, actor: &Actor, letterhead: &Letterhead) -> Result<()> {
        let json = serde_json::to_string(letterhead)?;
        self.write(actor, |dao| {
            dao.conn.execute(
                "INSERT INTO setting (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![LETTERHEAD_KEY, json],
            )?;
            dao.log("setting.letterhead", None, letterhead)
        })
    }

    /// All delivery slips of a batch as one PDF, `per_page` (1 or 2) per A4 page.
    pub fn slips(&self, batch_code: &str, per_page: u8) -> Result<Vec<u8>> {
        let letterhead = self.letterhead()?;
        let (batch, slips) = self.read(|dao| {
            let (batch_id, b) = dao.batch_by_code(batch_code)?;
            let batch = SlipBatch {
                code: b.code,
                title: b.title,
                handed_on: b.handed_on,
                due_on: b.due_on,
            };
            let mut stmt = dao.conn.prepare(
                "SELECT r.id, r.code, u.code AS unit_code, v.name, pv.name AS parent_name
                 FROM receipt r JOIN unit u ON u.id = r.unit_id
                 JOIN unit_version v ON v.unit_id = u.id AND v.valid_from <= ?2 AND ?2 < v.valid_to
                 LEFT JOIN unit_version pv ON pv.unit_id = v.parent_id AND pv.valid_from <= ?2 AND ?2 < pv.valid_to
                 WHERE r.batch_id = ?1
                 ORDER BY pv.sort_key, v.sort_key, u.code",
            )?;
            let heads = stmt
                .query_map(params![batch_id, batch.handed_on], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        Slip {
                            receipt_code: r.get(1)?,
                            unit_code: r.get(2)?,
                            unit_name: r.get(3)?,
                            parent_name: r.get(4)?,
                            lines: Vec::new(),
                        },
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut lines = dao.conn.prepare(
                "SELECT d.symbol, d.title, l.quantity FROM receipt_line l JOIN document d ON d.id = l.document_id
                 WHERE l.receipt_id = ?1 ORDER BY d.symbol",
            )?;
            let mut slips = Vec::with_capacity(heads.len());
            for (id, mut slip) in heads {
                slip.lines = lines
                    .query_map([id], |r| {
                        Ok(SlipLine {
                            symbol: r.get(0)?,
                            title: r.get(1)?,
                            copies: r.get(2)?,
                        })
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                slips.push(slip);
            }
            Ok((batch, slips))
        })?;
        slips_pdf(&letterhead, &batch, &slips, per_page)
    }
}

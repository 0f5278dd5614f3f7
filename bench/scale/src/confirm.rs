//! Confirmations as they come in: most on time, one in eight late, a few
//! partial or declined, some never; recent batches more open. Each one is
//! written through `giaonhan::receipts::record`, the app's own write of a
//! confirmation (its columns, its lines and its audit row), from the
//! receipts of the batch read once (`Dao::receipts_of_batch`) instead of
//! being looked up one by one.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use giaonhan::db::{ConfirmationRow, ConfirmedVia, LineCount};
use giaonhan::model::{ConfirmMethod, ReceiptStatus};
use giaonhan::{Dao, Result};
use rand::Rng;

use super::batches::BatchSpec;
use super::names::person;
use super::pick;

const DECLINE: &[&str] = &[
    "Không đúng đối tượng",
    "Đơn vị đã nhận ở đợt trước",
    "Đơn vị đang kiện toàn, chưa có người nhận",
];

/// Confirms the receipts of one batch as they would have come in, up to
/// `end`, through `receipts::record`: what a confirmation in the app
/// writes (the receipt's columns, `received` on short lines, one
/// `receipt.confirm` audit row), signed by the unit's secretary or deputy
/// (`signers`, by unit code), or by someone else on its behalf.
pub(crate) fn confirm(
    dao: &Dao<'_>,
    rng: &mut impl Rng,
    plan: &BatchSpec,
    end: NaiveDate,
    signers: &BTreeMap<String, (String, Option<String>)>,
) -> Result<()> {
    let receipts = dao.receipts_of_batch(&plan.code)?;
    let recent = (end - plan.handed).num_days() < 365;
    let (never, partial, declined) = if recent {
        (0.003, 0.008, 0.002)
    } else {
        (0.0005, 0.0005, 0.0001)
    };
    let window = (plan.due - plan.handed).num_days().max(1) as u64;
    for r in receipts.iter().filter(|r| r.must_confirm) {
        if rng.random_bool(never) {
            continue;
        }
        // Most within the due window, one in eight late by up to two months.
        let delay = if rng.random_bool(0.875) {
            rng.random_range(0..=window)
        } else {
            window + 1 + rng.random_range(0..60u64).min(rng.random_range(0..60u64))
        };
        let on = plan.handed + Days::new(delay);
        if on > end {
            continue;
        }
        let (secretary, deputy) = signers
            .get(&r.unit_code)
            .cloned()
            .unwrap_or_else(|| (person(rng), None));
        let (by, on_behalf) = match (rng.random_range(0..100u32), deputy) {
            (0..85, _) => (secretary, false),
            (_, Some(d)) => (d, true),
            (_, None) => (person(rng), true),
        };
        let roll: f64 = rng.random();
        let mut lines: Vec<LineCount> = r
            .lines
            .iter()
            .map(|&(document_id, listed, _)| LineCount {
                document_id,
                listed,
                got: listed,
                stored: None,
            })
            .collect();
        let (status, note) = if roll < declined {
            (ReceiptStatus::Declined, Some(pick(rng, DECLINE).to_string()))
        } else if roll < declined + partial {
            let i = rng.random_range(0..lines.len());
            lines[i].got = lines[i].listed.saturating_sub(1);
            (ReceiptStatus::Partial, Some(format!("Thiếu 1 bản {}", r.lines[i].2)))
        } else {
            (ReceiptStatus::Confirmed, None)
        };
        let method = *pick(
            rng,
            &[
                ConfirmMethod::InPerson,
                ConfirmMethod::InPerson,
                ConfirmMethod::InPerson,
                ConfirmMethod::Slip,
                ConfirmMethod::Slip,
                ConfirmMethod::Remote,
            ],
        );
        let entered_at = format!(
            "{on}T{:02}:{:02}:{:02}.000Z",
            rng.random_range(1..10u32),
            rng.random_range(0..60u32),
            rng.random_range(0..60u32)
        );
        giaonhan::receipts::record(
            dao,
            &ConfirmationRow {
                receipt_id: r.id,
                unit: r.unit_code.clone(),
                in_place_of: None,
                status,
                by,
                on,
                entered_at,
                method: ConfirmedVia::Method(method),
                on_behalf,
                note,
                signature: None,
                signer_account: None,
                lines,
            },
        )?;
    }
    Ok(())
}

//! Reminder slips for the units of a campaign that have not reported: one
//! page per unit, addressed to its secretary, with the days past the
//! period's end and its escalation tier (the outstanding list's tiers), and
//! the figures asked as a form to fill in.

use std::path::Path;

use chrono::NaiveDate;
use serde_json::json;

use super::{campaign, campaign_for, summary_on};
use crate::db::{Actor, Dao, Store};
use crate::error::Result;
use crate::model::{Campaign, StudyLevel};
use crate::print::{Printout, StudyReminder};
use crate::progress::{Unwatched, Watch};

/// The campaign and its units that have not reported on `as_of` (with
/// `subtree`, those under it), in the summary's order.
fn unreported(
    dao: &Dao<'_>,
    code: &str,
    subtree: Option<&str>,
    as_of: NaiveDate,
) -> Result<(Campaign, Vec<StudyReminder>)> {
    let code = campaign_for(dao, "campaign", code)?.code;
    let c = campaign(dao, &code, None)?;
    let tiers = crate::outstanding::tiers(dao)?;
    let missing: Vec<_> = summary_on(dao, &code, subtree, None, as_of)?
        .into_iter()
        .filter(|(r, _)| r.level == StudyLevel::Unit && !r.reported)
        .collect();
    let ids: Vec<i64> = missing.iter().filter_map(|(_, id)| *id).collect();
    let secretaries = dao.secretaries_on(as_of, &serde_json::to_string(&ids)?)?;
    let units = missing
        .into_iter()
        .map(|(r, id)| {
            let days = r.days_overdue.unwrap_or(0);
            StudyReminder {
                secretary: id.and_then(|id| secretaries.get(&id).cloned()),
                unit_code: r.unit_code,
                unit_name: r.unit_name,
                days_overdue: days,
                tier: tiers.tier_of(days),
            }
        })
        .collect();
    Ok((c, units))
}

impl Store {
    /// The reminder slips laid out (a page per unit, some units at a time),
    /// with the units they remind.
    pub fn study_reminders_printout(
        &self,
        campaign: &str,
        subtree: Option<&str>,
        as_of: NaiveDate,
    ) -> Result<(Printout, Vec<StudyReminder>)> {
        let letterhead = self.letterhead()?;
        let (c, units) = self.read(|dao| unreported(dao, campaign, subtree, as_of))?;
        let printout = crate::print::study_reminders(&letterhead, &c, &units, as_of)?;
        Ok((printout, units))
    }

    /// Saves the reminder slips to `path`, logged as `print.study_reminders`
    /// with the campaign and the units reminded; returns those units.
    pub fn save_study_reminders(
        &mut self,
        actor: &Actor,
        campaign: &str,
        subtree: Option<&str>,
        as_of: NaiveDate,
        path: &Path,
    ) -> Result<Vec<StudyReminder>> {
        self.save_study_reminders_watched(actor, campaign, subtree, as_of, path, &mut Unwatched)
    }

    /// [`Store::save_study_reminders`], telling `watch` how far the slips
    /// are laid out and stopping between two chunks when it asks to
    /// ([`crate::Error::Halted`]: no file written, nothing logged).
    pub fn save_study_reminders_watched(
        &mut self,
        actor: &Actor,
        campaign: &str,
        subtree: Option<&str>,
        as_of: NaiveDate,
        path: &Path,
        watch: &mut dyn Watch,
    ) -> Result<Vec<StudyReminder>> {
        let (printout, units) = self.study_reminders_printout(campaign, subtree, as_of)?;
        let bytes = printout.pdf_watched(watch)?;
        let codes: Vec<&str> = units.iter().map(|u| u.unit_code.as_str()).collect();
        let detail =
            json!({ "format": "pdf", "campaign": campaign, "subtree": subtree, "as_of": as_of, "units": codes });
        self.save_file(actor, path, &bytes, "print.study_reminders", detail)?;
        Ok(units)
    }
}

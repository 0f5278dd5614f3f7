//! Study follow-through as each grant may see and enter it. The staff read
//! every campaign and its whole summary; a clerk or administrator enters
//! any unit's figures (`Action::Handout`). A branch secretary reads only the
//! campaigns in which one of their own units (the unit and the units merged
//! into it) must report, counted over those units, and that campaign's
//! summary restricted to them: their units' rows, and the committee and
//! total rows added up again from those rows alone, so that no figure of
//! another unit reaches them and the panel's chart and table still add up.
//! A secretary enters figures for their own units only; the check is made
//! inside the write's transaction, so nothing is written when it refuses.

use super::{Grant, Scope};
use crate::accounts::{Action, Role};
use crate::db::Store;
use crate::error::{Error, Result};
use crate::model::{Campaign, StudyLevel, StudyReport, StudyReportInput, StudyRow};
use crate::study;
use crate::text;

impl Store {
    /// The campaigns as `grant` may read them: every one for the staff; for
    /// a secretary, those where one of their units must report, with only
    /// those units counted.
    pub fn campaigns_for(&self, grant: &Grant) -> Result<Vec<Campaign>> {
        let Some(units) = self.units_of(grant)? else {
            return self.campaigns();
        };
        self.read(|dao| {
            let mut mine = Vec::new();
            for c in dao.campaigns()? {
                let seen = study::campaign(dao, &c.code, Some(&units.ids))?;
                if seen.units > 0 {
                    mine.push(seen);
                }
            }
            Ok(mine)
        })
    }

    /// A campaign's summary as `grant` may read it: whole for the staff; for
    /// a secretary, their own units' rows with the committees and the total
    /// recomputed from them (refused for a campaign none of them reports in).
    pub fn study_summary_for(&self, grant: &Grant, campaign: &str, subtree: Option<&str>) -> Result<Vec<StudyRow>> {
        let Some(units) = self.units_of(grant)? else {
            return self.study_summary(campaign, subtree);
        };
        let rows = self.read(|dao| study::summary(dao, campaign, subtree, Some(&units.ids)))?;
        if !rows.iter().any(|r| r.level == StudyLevel::Unit) && subtree.is_none() {
            return Err(units.refuse(&format!(
                "số liệu học tập; đơn vị không phải báo cáo trong đợt {}",
                text::clean(campaign)
            )));
        }
        Ok(rows)
    }

    /// Records a unit's study figures for `grant`: the owner as they ask;
    /// a clerk or administrator for any unit; a secretary for their own
    /// units only, refused for any other with nothing written.
    pub fn report_study_by(&mut self, grant: &Grant, input: StudyReportInput) -> Result<StudyReport> {
        let Some(session) = &grant.session else {
            return self.report_study(&grant.actor, input);
        };
        if session.account.role != Role::Secretary {
            session.authorize(Action::Handout)?;
            return self.report_study(&grant.actor, input);
        }
        session.authorize(Action::ReportOwnUnit)?;
        let Scope::Unit(own) = grant.scope() else {
            return Err(Error::Forbidden("Tài khoản bí thư chưa gắn với đơn vị nào".into()));
        };
        self.write(&grant.actor, |dao| {
            let target = text::clean_code("unit", "Mã đơn vị", &input.unit)?;
            let own_codes: Vec<String> = dao.own_units(&text::clean(&own))?.into_iter().map(|(_, c)| c).collect();
            if !own_codes.contains(&target) {
                return Err(Error::Forbidden(format!(
                    "Bí thư đơn vị «{own}» chỉ nhập được số liệu học tập của đơn vị mình, không của «{target}»"
                )));
            }
            study::report(dao, &input)
        })
    }
}

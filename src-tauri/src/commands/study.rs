//! Study follow-through: the campaigns, a campaign's summary (coverage per
//! unit, per grassroots committee and in total) and a unit's figures. What a
//! branch secretary may read and enter (their own units') is the core's
//! access policy (`giaonhan::access`).

use giaonhan::accounts::Action;
use giaonhan::model::{Campaign, NewCampaign, StudyReport, StudyReportInput, StudyRow};
use tauri::State;

use super::{AppState, Reply};

#[tauri::command(async)]
pub fn list_campaigns(state: State<'_, AppState>) -> Reply<Vec<Campaign>> {
    Ok(state.with(Action::Read, |s, g| s.campaigns_for(g))?)
}

#[tauri::command(async)]
pub fn create_campaign(state: State<'_, AppState>, campaign: NewCampaign) -> Reply<Campaign> {
    Ok(state.with(Action::Handout, |s, g| s.create_campaign(&g.actor, campaign))?)
}

#[tauri::command(async)]
pub fn study_summary(state: State<'_, AppState>, campaign: String, subtree: Option<String>) -> Reply<Vec<StudyRow>> {
    Ok(state.with(Action::Read, |s, g| {
        s.study_summary_for(g, &campaign, subtree.as_deref())
    })?)
}

#[tauri::command(async)]
pub fn report_study(state: State<'_, AppState>, report: StudyReportInput) -> Reply<StudyReport> {
    Ok(state.with(Action::ReportOwnUnit, |s, g| s.report_study_by(g, report))?)
}

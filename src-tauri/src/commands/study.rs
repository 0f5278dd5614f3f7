//! Study follow-through: the campaigns, a campaign's summary (coverage per
//! unit, per grassroots committee and in total) and a unit's figures; the
//! summary saved as PDF or XLSX and the reminder slips of the units that
//! have not reported. What a
//! branch secretary may read and enter (their own units') is the core's
//! access policy (`giaonhan::access`).

use chrono::NaiveDate;
use giaonhan::accounts::Action;
use giaonhan::host;
use giaonhan::model::{Campaign, NewCampaign, SaveFormat, StudyReport, StudyReportInput, StudyRow};
use giaonhan::progress::Step;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use super::files::ask_save_path;
use super::lists::stream_pages;
use super::{printing, AppState, Reply};

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

/// Saves a campaign's summary (with `subtree`, of the units under it) as
/// PDF or XLSX where the user chooses; returns the path, or `None` when
/// cancelled. The core writes and logs it.
#[tauri::command(async)]
pub fn save_study<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    campaign: String,
    subtree: Option<String>,
    format: SaveFormat,
) -> Reply<Option<String>> {
    let actor = state.grant_save(format)?.actor;
    let Some(path) = ask_save_path(&app, &host::study_file_name(&campaign, false, format)) else {
        return Ok(None);
    };
    state
        .store()?
        .save_study(&actor, &campaign, subtree.as_deref(), format, &path)?;
    Ok(Some(path.display().to_string()))
}

/// The reminder slips of the campaign's units that have not reported on
/// `as_of` (a page each) as SVG pages, sent to `pages` a chunk at a time as
/// they are laid out, with how far it is to `progress` (`print_stop` stops
/// it): whether every page was sent, and how many were.
#[tauri::command(async)]
pub fn preview_study_reminders(
    state: State<'_, AppState>,
    campaign: String,
    subtree: Option<String>,
    as_of: NaiveDate,
    pages: Channel<Vec<String>>,
    progress: Channel<Step>,
) -> Reply<(bool, usize)> {
    let (finished, sent, _all) = stream_pages(&state, &pages, &progress, usize::MAX, |s| {
        Ok(s.study_reminders_printout(&campaign, subtree.as_deref(), as_of)?.0)
    })?;
    Ok((finished, sent))
}

/// Saves those reminder slips where the user chooses; returns the path, or
/// `None` when cancelled or stopped. `progress` tells the window how far
/// they are laid out, and `print_stop` stops it with no file written.
#[tauri::command(async)]
pub fn save_study_reminders<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    campaign: String,
    subtree: Option<String>,
    as_of: NaiveDate,
    progress: Channel<Step>,
) -> Reply<Option<String>> {
    let actor = state.grant_save(SaveFormat::Pdf)?.actor;
    let Some(path) = ask_save_path(&app, &host::study_file_name(&campaign, true, SaveFormat::Pdf)) else {
        return Ok(None);
    };
    let finished = printing(&state, &progress, |s, watch| {
        s.save_study_reminders_watched(&actor, &campaign, subtree.as_deref(), as_of, &path, watch)
            .map(drop)
    })?;
    Ok(finished.then(|| path.display().to_string()))
}

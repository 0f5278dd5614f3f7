//! The supervisor's lists and printing: the outstanding list, the
//! dashboard's figures, the escalation tiers and the letterhead; the
//! previews (pages as SVG, exactly as they print) and the saved files of
//! the printed lists, the transfer register and a batch's delivery slips.
//! The core writes and logs every saved file; only the save dialog is here.

use chrono::NaiveDate;
use giaonhan::accounts::Action;
use giaonhan::host;
use giaonhan::model::{
    BatchStats, CurvePoint, GroupCompletion, OutstandingPage, OutstandingQuery, OutstandingRow, PrintList, SaveFormat,
    Tiers,
};
use giaonhan::print::{Letterhead, Printout, SlipUnit};
use giaonhan::progress::Step;
use giaonhan::reports::SLIP_PREVIEW_PAGES;
use giaonhan::saves::PeriodRegister;
use giaonhan::Store;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use super::files::ask_save_path;
use super::{printing, AppState, Reply};

#[tauri::command(async)]
pub fn outstanding(state: State<'_, AppState>, query: OutstandingQuery) -> Reply<Vec<OutstandingRow>> {
    Ok(state.with(Action::Read, |s, g| s.outstanding_for(g, &query))?)
}

/// `limit` rows of the outstanding list from `offset`, with its totals.
#[tauri::command(async)]
pub fn outstanding_page(
    state: State<'_, AppState>,
    query: OutstandingQuery,
    offset: u32,
    limit: u32,
) -> Reply<OutstandingPage> {
    Ok(state.outstanding_page(&query, offset, limit)?)
}

#[tauri::command(async)]
pub fn batch_stats(
    state: State<'_, AppState>,
    batches: Vec<String>,
    as_of: Option<NaiveDate>,
) -> Reply<Vec<BatchStats>> {
    Ok(state.with(Action::Read, |s, g| s.batch_stats_for(g, &batches, as_of))?)
}

#[tauri::command(async)]
pub fn group_completion(
    state: State<'_, AppState>,
    batch: String,
    as_of: Option<NaiveDate>,
) -> Reply<Vec<GroupCompletion>> {
    Ok(state.with(Action::Read, |s, g| s.group_completion_for(g, &batch, as_of))?)
}

#[tauri::command(async)]
pub fn confirmation_curve(state: State<'_, AppState>, batch: String) -> Reply<Vec<CurvePoint>> {
    Ok(state.with(Action::Read, |s, g| s.confirmation_curve_for(g, &batch))?)
}

#[tauri::command(async)]
pub fn get_tiers(state: State<'_, AppState>) -> Reply<Tiers> {
    Ok(state.with(Action::Read, |s, _| s.tiers())?)
}

#[tauri::command(async)]
pub fn set_tiers(state: State<'_, AppState>, tiers: Tiers) -> Reply<()> {
    Ok(state.with(Action::Settings, |s, g| s.set_tiers(&g.actor, &tiers))?)
}

#[tauri::command(async)]
pub fn get_letterhead(state: State<'_, AppState>) -> Reply<Option<Letterhead>> {
    Ok(state.with(Action::Read, |s, _| s.letterhead_setting())?)
}

#[tauri::command(async)]
pub fn set_letterhead(state: State<'_, AppState>, letterhead: Letterhead) -> Reply<()> {
    Ok(state.with(Action::Settings, |s, g| s.set_letterhead(&g.actor, &letterhead))?)
}

/// The pages of a list as SVG images sent to `pages` a chunk at a time as
/// soon as each is laid out (the preview shows the first pages at once),
/// with how far it is to `progress`; `print_stop` stops it between chunks.
/// Whether every page was sent, and how many were (the window waits for
/// them all: a channel's messages may arrive after the reply).
#[tauri::command(async)]
pub fn preview_list_pages(
    state: State<'_, AppState>,
    list: PrintList,
    query: OutstandingQuery,
    pages: Channel<Vec<String>>,
    progress: Channel<Step>,
) -> Reply<(bool, usize)> {
    let (finished, sent, _all) =
        stream_pages(&state, &pages, &progress, usize::MAX, |s| s.list_printout(list, &query))?;
    Ok((finished, sent))
}

/// Lays `printout` out for a preview, sending its first `max_pages` pages
/// (the rest are only counted) to `pages` a chunk at a time and how far it
/// is to `progress`: whether it ran to the end, how many pages were sent,
/// and how many there are in all.
pub(super) fn stream_pages(
    state: &AppState,
    pages: &Channel<Vec<String>>,
    progress: &Channel<Step>,
    max_pages: usize,
    printout: impl FnOnce(&mut Store) -> giaonhan::Result<Printout>,
) -> Reply<(bool, usize, usize)> {
    let (mut sent, mut all) = (0, 0);
    let finished = printing(state, progress, |s, watch| {
        all = printout(s)?.first_pages_each(watch, max_pages, |chunk| {
            sent += chunk.len();
            // A window closed meanwhile is not told; the run stops at
            // the next chunk only when asked.
            let _ = pages.send(chunk);
        })?;
        Ok(())
    })?;
    Ok((finished, sent, all))
}

/// Stops the preview being laid out before its next chunk of pages.
#[tauri::command(async)]
pub fn print_stop(state: State<'_, AppState>) -> Reply<()> {
    state.stop_print();
    Ok(())
}

/// Saves a list (PDF; the outstanding list also as XLSX or CSV) where the
/// user chooses; returns the path, or `None` when cancelled or stopped. The
/// core writes it (never over the register or a backup) and logs it. A PDF
/// is laid out a chunk of pages at a time: `progress` tells the window how
/// far it is, and `print_stop` stops it with no file written.
#[tauri::command(async)]
pub fn save_list<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    list: PrintList,
    query: OutstandingQuery,
    format: SaveFormat,
    progress: Channel<Step>,
) -> Reply<Option<String>> {
    let actor = state.grant_save(format)?.actor;
    let Some(path) = ask_save_path(&app, &host::list_file_name(list, format, &query)) else {
        return Ok(None);
    };
    if !matches!(format, SaveFormat::Pdf) {
        state.store()?.save_list(&actor, list, &query, format, &path)?;
        return Ok(Some(path.display().to_string()));
    }
    let finished = printing(&state, &progress, |s, watch| {
        s.save_list_watched(&actor, list, &query, format, &path, watch)
    })?;
    Ok(finished.then(|| path.display().to_string()))
}

/// The pages of the transfer register for a period as SVG images, sent to
/// `pages` a chunk at a time as each is laid out, with how far it is to
/// `progress` (as `preview_list_pages`; `print_stop` stops it). Whether
/// every page was sent, and how many were.
#[tauri::command(async)]
pub fn preview_register(
    state: State<'_, AppState>,
    from: NaiveDate,
    to: NaiveDate,
    pages: Channel<Vec<String>>,
    progress: Channel<Step>,
) -> Reply<(bool, usize)> {
    let (finished, sent, _all) =
        stream_pages(&state, &pages, &progress, usize::MAX, |s| s.register_printout(from, to))?;
    Ok((finished, sent))
}

/// Saves the transfer register for a period as PDF or XLSX; returns the
/// path, or `None` when cancelled or stopped. A PDF tells `progress` how
/// far it is laid out, and `print_stop` stops it with no file written.
#[tauri::command(async)]
pub fn save_register_book<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    from: NaiveDate,
    to: NaiveDate,
    format: SaveFormat,
    progress: Channel<Step>,
) -> Reply<Option<String>> {
    let actor = state.grant_save(format)?.actor;
    let Some(path) = ask_save_path(&app, &host::register_book_file_name(from, to, format)) else {
        return Ok(None);
    };
    if !matches!(format, SaveFormat::Pdf) {
        state
            .store()?
            .save_register(&actor, PeriodRegister::Transfer, from, to, format, &path)?;
        return Ok(Some(path.display().to_string()));
    }
    let finished = printing(&state, &progress, |s, watch| {
        s.save_register_watched(&actor, PeriodRegister::Transfer, from, to, format, &path, watch)
    })?;
    Ok(finished.then(|| path.display().to_string()))
}

/// The first pages of a batch's delivery slips (every unit's, or one
/// `unit`'s) as SVG images, sent to `pages` a chunk at a time as they are
/// laid out (at most `SLIP_PREVIEW_PAGES`; the rest are laid out only to be
/// counted), with how far it is to `progress`; `print_stop` stops it.
/// Whether it ran to the end, how many pages were sent, how many there are
/// in all, and the units the slips are for.
#[tauri::command(async)]
pub fn preview_slips(
    state: State<'_, AppState>,
    batch: String,
    per_page: u8,
    unit: Option<String>,
    pages: Channel<Vec<String>>,
    progress: Channel<Step>,
) -> Reply<(bool, usize, usize, Vec<SlipUnit>)> {
    let mut units = Vec::new();
    let (finished, sent, all) = stream_pages(&state, &pages, &progress, SLIP_PREVIEW_PAGES, |s| {
        let (printout, for_units) = s.slip_printout(&batch, unit.as_deref(), per_page)?;
        units = for_units;
        Ok(printout)
    })?;
    Ok((finished, sent, all, units))
}

/// Prints the delivery slips of a batch (every unit's, or one `unit`'s) to a
/// PDF the user saves; returns the path, or `None` when cancelled.
#[tauri::command(async)]
pub fn save_slips<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    batch: String,
    per_page: u8,
    unit: Option<String>,
    progress: Channel<Step>,
) -> Reply<Option<String>> {
    let actor = state.grant_save(SaveFormat::Pdf)?.actor;
    let Some(path) = ask_save_path(&app, &host::slips_file_name(&batch, unit.as_deref())) else {
        return Ok(None);
    };
    let finished = printing(&state, &progress, |s, watch| {
        s.save_slips_watched(&actor, &batch, unit.as_deref(), per_page, &path, watch)
    })?;
    Ok(finished.then(|| path.display().to_string()))
}

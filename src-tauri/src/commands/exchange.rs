//! The exchange between offices in the window ("Trao đổi", "Hộp đến"): this
//! office's identity (made once, its card saved and printed), the trusted
//! offices, sending packets to and receiving them from a folder chosen in
//! the native dialog or the hub's bucket set in the settings (an
//! S3-compatible store), and the inbox. For unattended runs (the end-to-end
//! tests) `GIAONHAN_OPEN_DIR` stands in for the dialogs that open a card
//! file or a folder: the window then names a file or folder inside it.

use std::path::PathBuf;

use giaonhan::accounts::Action;
use giaonhan::exchange::{HubChange, HubInfo, InboxRow, OfficeReport, PeerInfo, Place, Received, Sent, SiteInfo};
use giaonhan::host;
use giaonhan::model::SaveFormat;
use giaonhan::progress::{Run, Step};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use super::files::{ask_save_path, unattended};
use super::{AppState, Reply};

/// This office's identity, or `None` before it is made.
#[tauri::command(async)]
pub fn site_status(state: State<'_, AppState>) -> Reply<Option<SiteInfo>> {
    Ok(state.with(Action::Read, |s, _| s.site_if_made())?)
}

/// Makes this office's identity, once, for a unit of the tree.
#[tauri::command(async)]
pub fn site_init(state: State<'_, AppState>, unit: String, name: Option<String>) -> Reply<SiteInfo> {
    Ok(state.with(Action::Settings, |s, g| s.site_init(&g.actor, &unit, name.as_deref()))?)
}

/// The trusted offices, their packets in and out and any gap.
#[tauri::command(async)]
pub fn list_peers(state: State<'_, AppState>) -> Reply<Vec<PeerInfo>> {
    Ok(state.with(Action::Read, |s, _| s.peers())?)
}

/// Asks for another office's card file (or, unattended, names one in
/// `GIAONHAN_OPEN_DIR`) and trusts it when the fingerprint typed from the
/// paper card matches; `None` when the dialog was cancelled.
#[tauri::command(async)]
pub fn add_peer<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: Option<String>,
    fingerprint: String,
) -> Reply<Option<PeerInfo>> {
    let actor = state.grant(Action::Settings)?.actor;
    let picked = unattended(name)?.or_else(|| {
        app.dialog()
            .file()
            .add_filter("Thẻ định danh (.card)", &["card"])
            .blocking_pick_file()
            .and_then(|p| p.into_path().ok())
    });
    let Some(path) = picked else { return Ok(None) };
    Ok(Some(state.store()?.add_peer(&actor, &path, &fingerprint)?))
}

/// Saves the printed identity card (PDF) where the user chooses.
#[tauri::command(async)]
pub fn save_site_card_pdf<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Reply<Option<String>> {
    let actor = state.grant_save(SaveFormat::Pdf)?.actor;
    let unit = state.store()?.site()?.unit;
    let Some(path) = ask_save_path(&app, &host::site_card_file_name(&unit)) else {
        return Ok(None);
    };
    state.store()?.save_site_card_pdf(&actor, &path)?;
    Ok(Some(path.display().to_string()))
}

/// Saves the identity card file another office imports.
#[tauri::command(async)]
pub fn save_site_card<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Reply<Option<String>> {
    let actor = state.grant(Action::Export)?.actor;
    let unit = state.store()?.site()?.unit;
    let Some(path) = ask_save_path(&app, &giaonhan::exchange::card_file_name(&unit)) else {
        return Ok(None);
    };
    state.store()?.save_site_card(&actor, &path)?;
    Ok(Some(path.display().to_string()))
}

/// Writes one packet per trusted office into a folder the user chooses,
/// telling `progress` how far it is; `None` when the dialog was cancelled.
#[tauri::command(async)]
pub fn sync_send<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: Option<String>,
    progress: Channel<Step>,
) -> Reply<Option<Run<Sent>>> {
    let actor = state.grant(Action::Handout)?.actor;
    let Some(dir) = pick_folder(&app, name)? else {
        return Ok(None);
    };
    Ok(Some(state.exchange(report(&progress), |s, w| {
        s.sync_send_watched(&actor, Place::Folder(dir), w)
    })?))
}

/// Applies the packets addressed to this office in a folder the user
/// chooses, each file with what happened to it; `None` when cancelled.
#[tauri::command(async)]
pub fn sync_receive<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: Option<String>,
    progress: Channel<Step>,
) -> Reply<Option<Run<Received>>> {
    let actor = state.grant(Action::Handout)?.actor;
    let Some(dir) = pick_folder(&app, name)? else {
        return Ok(None);
    };
    Ok(Some(state.exchange(report(&progress), |s, w| {
        s.sync_receive_watched(&actor, Place::Folder(dir), w)
    })?))
}

/// Stops the send or receive running before its next packet ("Dừng").
#[tauri::command(async)]
pub fn sync_stop(state: State<'_, AppState>) -> Reply<()> {
    state.stop_exchange();
    Ok(())
}

/// The exchange hub (an S3-compatible bucket): its settings, whether a
/// secret key is stored, and which environment variables override them.
#[tauri::command(async)]
pub fn hub_info(state: State<'_, AppState>) -> Reply<HubInfo> {
    Ok(state.with(Action::Read, |s, _| s.hub_info())?)
}

/// Sets the exchange hub (the secret key kept when none is given).
#[tauri::command(async)]
pub fn set_hub(state: State<'_, AppState>, change: HubChange) -> Reply<HubInfo> {
    Ok(state.with(Action::Settings, |s, g| s.set_hub(&g.actor, &change))?)
}

/// Writes one packet per trusted office into the hub's bucket.
#[tauri::command(async)]
pub fn sync_send_hub(state: State<'_, AppState>, progress: Channel<Step>) -> Reply<Run<Sent>> {
    let actor = state.grant(Action::Handout)?.actor;
    Ok(state.exchange(report(&progress), |s, w| {
        let hub = s.hub_place()?;
        s.sync_send_watched(&actor, &hub, w)
    })?)
}

/// Applies the packets addressed to this office in the hub's bucket.
#[tauri::command(async)]
pub fn sync_receive_hub(state: State<'_, AppState>, progress: Channel<Step>) -> Reply<Run<Received>> {
    let actor = state.grant(Action::Handout)?.actor;
    Ok(state.exchange(report(&progress), |s, w| {
        let hub = s.hub_place()?;
        s.sync_receive_watched(&actor, &hub, w)
    })?)
}

/// What each child office reported: its open receipts and how old its
/// latest packet is (today).
#[tauri::command(async)]
pub fn child_reports(state: State<'_, AppState>) -> Reply<Vec<OfficeReport>> {
    Ok(state.with(Action::Read, |s, _| s.child_reports(None))?)
}

/// The batches a parent office handed us, with their receipts.
#[tauri::command(async)]
pub fn inbox(state: State<'_, AppState>) -> Reply<Vec<InboxRow>> {
    Ok(state.with(Action::Read, |s, _| s.inbox())?)
}

/// Each step sent to the window. A window closed meanwhile is not told, and
/// the run goes on (each packet is whole).
fn report(channel: &Channel<Step>) -> impl FnMut(Step) + '_ {
    move |step| {
        let _ = channel.send(step);
    }
}

/// A folder chosen in the native dialog (or named, unattended).
fn pick_folder<R: Runtime>(app: &AppHandle<R>, name: Option<String>) -> giaonhan::Result<Option<PathBuf>> {
    Ok(unattended(name)?.or_else(|| {
        app.dialog()
            .file()
            .blocking_pick_folder()
            .and_then(|p| p.into_path().ok())
    }))
}

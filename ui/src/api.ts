// The one module that talks to the Rust side. Every other module calls these typed
// functions and never imports `@tauri-apps/api` itself. Types come from the
// generated bindings (ts-rs); rejections always arrive as an `ApiError`.
import { Channel, invoke, type InvokeArgs } from "@tauri-apps/api/core";

import type { ApiError } from "./bindings/ApiError";
import type { Account } from "./bindings/Account";
import type { AccountChange } from "./bindings/AccountChange";
import type { AppStatus } from "./bindings/AppStatus";
import type { AuthStatus } from "./bindings/AuthStatus";
import type { BackupInfo } from "./bindings/BackupInfo";
import type { BackupSettings } from "./bindings/BackupSettings";
import type { BackupStatus } from "./bindings/BackupStatus";
import type { Batch } from "./bindings/Batch";
import type { ChosenFile } from "./bindings/ChosenFile";
import type { Confirmation } from "./bindings/Confirmation";
import type { CopyRow } from "./bindings/CopyRow";
import type { HeldCopy } from "./bindings/HeldCopy";
import type { NewRecall } from "./bindings/NewRecall";
import type { Recall } from "./bindings/Recall";
import type { RecallReturn } from "./bindings/RecallReturn";
import type { ReceivedRecall } from "./bindings/ReceivedRecall";
import type { Document } from "./bindings/Document";
import type { ErrorKind } from "./bindings/ErrorKind";
import type { NewAccount } from "./bindings/NewAccount";
import type { NewBatch } from "./bindings/NewBatch";
import type { NewDocument } from "./bindings/NewDocument";
import type { NewUnit } from "./bindings/NewUnit";
import type { OutstandingPage } from "./bindings/OutstandingPage";
import type { OutstandingQuery } from "./bindings/OutstandingQuery";
import type { OutstandingRow } from "./bindings/OutstandingRow";
import type { ImportReport } from "./bindings/ImportReport";
import type { NewSigner } from "./bindings/NewSigner";
import type { ReceiptDetail } from "./bindings/ReceiptDetail";
import type { Register } from "./bindings/Register";
import type { Reorganisation } from "./bindings/Reorganisation";
import type { Recovery } from "./bindings/Recovery";
import type { Restored } from "./bindings/Restored";
import type { OfficeReport } from "./bindings/OfficeReport";
import type { PlanReport } from "./bindings/PlanReport";
import type { Run } from "./bindings/Run";
import type { Session } from "./bindings/Session";
import type { Step } from "./bindings/Step";
import type { Signer } from "./bindings/Signer";
import type { SlipUnit } from "./bindings/SlipUnit";
import type { Unit } from "./bindings/Unit";
import type { UnitEntry } from "./bindings/UnitEntry";
import type { UnitEdit } from "./bindings/UnitEdit";
import type { UnitEvent } from "./bindings/UnitEvent";
import type { UnitKind } from "./bindings/UnitKind";
import type { BatchStats } from "./bindings/BatchStats";
import type { CurvePoint } from "./bindings/CurvePoint";
import type { GroupCompletion } from "./bindings/GroupCompletion";
import type { Letterhead } from "./bindings/Letterhead";
import type { PrintList } from "./bindings/PrintList";
import type { SaveFormat } from "./bindings/SaveFormat";
import type { Tiers } from "./bindings/Tiers";
import type { Campaign } from "./bindings/Campaign";
import type { NewCampaign } from "./bindings/NewCampaign";
import type { StudyReport } from "./bindings/StudyReport";
import type { StudyReportInput } from "./bindings/StudyReportInput";
import type { StudyRow } from "./bindings/StudyRow";
import type { UnitFlag } from "./bindings/UnitFlag";
import type { UnitReceipt } from "./bindings/UnitReceipt";
import type { InboxRow } from "./bindings/InboxRow";
import type { PeerInfo } from "./bindings/PeerInfo";
import type { Received } from "./bindings/Received";
import type { Sent } from "./bindings/Sent";
import type { HubChange } from "./bindings/HubChange";
import type { HubInfo } from "./bindings/HubInfo";
import type { SiteInfo } from "./bindings/SiteInfo";
import type { Upgrading } from "./bindings/Upgrading";

export type { ApiError };

const ERROR_KINDS: readonly ErrorKind[] = ["invalid", "not_found", "conflict", "database", "io", "forbidden"];

function isApiError(e: unknown): e is ApiError {
  if (typeof e !== "object" || e === null) return false;
  const o = e as Record<string, unknown>;
  return (
    typeof o.kind === "string" &&
    (ERROR_KINDS as readonly string[]).includes(o.kind) &&
    typeof o.message === "string" &&
    (o.field === null || o.field === undefined || typeof o.field === "string")
  );
}

/**
 * The errors the core returned, as opposed to those the UI makes itself: the
 * core names the field at fault in `field` and words `message` to follow that
 * field's label, which `feedback` puts before it.
 */
const fromCore = new WeakSet<ApiError>();

/** Whether `err` came from the core (through a command, or copied from one that did). */
export function isCoreError(err: ApiError): boolean {
  return fromCore.has(err);
}

/** Any rejection or thrown value as an `ApiError` (unknown shapes become kind `io`). */
export function toApiError(e: unknown): ApiError {
  if (isApiError(e)) {
    const err: ApiError = { kind: e.kind, message: e.message, field: e.field ?? null };
    if (fromCore.has(e)) fromCore.add(err);
    return err;
  }
  return { kind: "io", message: String(e), field: null };
}

let onForbidden: ((err: ApiError) => void) | null = null;

/** Called (besides the rejection) whenever a command is refused with kind `forbidden`: auth.ts checks whether the session ended. */
export function setForbiddenHandler(handler: (err: ApiError) => void): void {
  onForbidden = handler;
}

async function call<T>(cmd: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    const err = toApiError(e);
    fromCore.add(err);
    if (err.kind === "forbidden" && onForbidden) onForbidden(err);
    throw err;
  }
}

/** The upgrade of a register from an older version under way before it opens; `null` when none. */
export const upgradeStatus = (): Promise<Upgrading | null> => call("upgrade_status");

export const appStatus = (): Promise<AppStatus> => call("app_status");

export const loadDemo = async (): Promise<void> => {
  await call<null>("load_demo");
};

/** Tells the app the first screen is drawn: the start backup waits for it. */
export const firstScreenShown = async (): Promise<void> => {
  await call<null>("first_screen_shown");
};

/**
 * A mark that moves when another program (the command line, a second
 * window) has written to the register since it was last asked.
 */
export const outsideChanges = (): Promise<number> => call("outside_changes");

export const listUnits = (): Promise<UnitEntry[]> => call("list_units");

export const addUnit = (unit: NewUnit): Promise<Unit> => call("add_unit", { unit });

export const listKinds = (): Promise<UnitKind[]> => call("list_kinds");

export const listDocuments = (): Promise<Document[]> => call("list_documents");

export const addDocument = (doc: NewDocument): Promise<Document> => call("add_document", { doc });

/** The numbered copies of the document `uid` (one symbol may name a document of each committee term). */
export const documentCopies = (symbol: string, uid: string): Promise<CopyRow[]> => call("document_copies", { symbol, uid });

export const copiesHeld = (unit: string): Promise<HeldCopy[]> => call("copies_held", { unit });

export const listRecalls = (): Promise<Recall[]> => call("list_recalls");
export const receivedRecalls = (): Promise<ReceivedRecall[]> => call("received_recalls");

export const createRecall = (recall: NewRecall): Promise<Recall> => call("create_recall", { recall });

export const returnCopies = (input: RecallReturn): Promise<Recall> => call("return_copies", { input });

export const listBatches = (): Promise<Batch[]> => call("list_batches");

export const createBatch = (batch: NewBatch): Promise<Batch> => call("create_batch", { batch });

export const outstanding = (query: OutstandingQuery): Promise<OutstandingRow[]> => call("outstanding", { query });

/** `limit` rows of the outstanding list from `offset`, with the totals of the whole list and of each committee. */
export const outstandingPage = (query: OutstandingQuery, offset: number, limit: number): Promise<OutstandingPage> =>
  call("outstanding_page", { query, offset, limit });

// ---- supervisor: dashboard, flags, printed lists ---------------------------

/** Figures per batch; with no codes, the current batches (open, or handed in the last 60 days). */
export const batchStats = (batches: string[], asOf: string | null): Promise<BatchStats[]> =>
  call("batch_stats", { batches, asOf });

export const groupCompletion = (batch: string, asOf: string | null): Promise<GroupCompletion[]> =>
  call("group_completion", { batch, asOf });

export const confirmationCurve = (batch: string): Promise<CurvePoint[]> => call("confirmation_curve", { batch });

export const unitReceipts = (code: string): Promise<UnitReceipt[]> => call("unit_receipts", { code });

/** Units with something outstanding on the day (today when null), with counts and the highest tier. */
export const unitFlags = (asOf: string | null): Promise<UnitFlag[]> => call("unit_flags", { asOf });

export const getTiers = (): Promise<Tiers> => call("get_tiers");

export const setTiers = async (tiers: Tiers): Promise<void> => {
  await call("set_tiers", { tiers });
};

/** The office's letterhead; `null` until it is given (nothing prints before). */
export const getLetterhead = (): Promise<Letterhead | null> => call("get_letterhead");

export const setLetterhead = async (letterhead: Letterhead): Promise<void> => {
  await call("set_letterhead", { letterhead });
};


/** The pages of a list handed to `onPages` a chunk at a time as they are laid out, with how far it is; whether it ran to the end (false: stopped) and how many pages were sent. */
export function previewListPages(
  list: PrintList,
  query: OutstandingQuery,
  onPages: (pages: string[]) => void,
  onStep: OnStep,
): Promise<[boolean, number]> {
  const pages = new Channel<string[]>();
  pages.onmessage = onPages;
  return call("preview_list_pages", { list, query, pages, progress: steps(onStep) });
}

/** Stops the preview being laid out before its next chunk of pages (those shown stay). */
export const printStop = (): Promise<void> => call("print_stop");

/** Saves a list where the user chooses; the path, or null when cancelled or stopped (`printStop`) while a PDF was laid out (`onStep`: how far). */
export const saveList = (
  list: PrintList,
  query: OutstandingQuery,
  format: SaveFormat,
  onStep: OnStep = () => undefined,
): Promise<string | null> => call("save_list", { list, query, format, progress: steps(onStep) });

/** The transfer register's pages for a period, fed to `onPages` a chunk at a time as laid out (as `previewListPages`). */
export function previewRegister(from: string, to: string, onPages: (pages: string[]) => void, onStep: OnStep): Promise<[boolean, number]> {
  const pages = new Channel<string[]>();
  pages.onmessage = onPages;
  return call("preview_register", { from, to, pages, progress: steps(onStep) });
}

/** Saves the transfer register; the path, or null when cancelled or stopped (`printStop`) while a PDF was laid out (`onStep`: how far). */
export const saveRegisterBook = (from: string, to: string, format: SaveFormat, onStep: OnStep = () => undefined): Promise<string | null> =>
  call("save_register_book", { from, to, format, progress: steps(onStep) });

export const confirmReceipt = async (confirmation: Confirmation): Promise<void> => {
  await call<null>("confirm_receipt", { confirmation });
};

// ---- unit tree, reorganisation, signers, kinds ---------------------------

export const searchUnits = (query: string, limit: number): Promise<Unit[]> => call("search_units", { query, limit });

export const unitsAsOf = (day: string): Promise<UnitEntry[]> => call("units_as_of", { day });

/** A unit whole (contacts, signers) as it stands on `asOf`. */
export const getUnit = (code: string, asOf: string): Promise<Unit> => call("get_unit", { code, asOf });

export const editUnit = (edit: UnitEdit): Promise<Unit> => call("edit_unit", { edit });

export const reorganise = async (reorganisation: Reorganisation): Promise<void> => {
  await call<null>("reorganise", { reorganisation });
};

export const unitHistory = (code: string): Promise<UnitEvent[]> => call("unit_history", { code });

export const unitSigners = (code: string): Promise<Signer[]> => call("unit_signers", { code });

export const setSigner = async (signer: NewSigner): Promise<void> => {
  await call<null>("set_signer", { signer });
};

export const saveKind = async (old: string | null, name: string): Promise<void> => {
  await call<null>("save_kind", { old, name });
};

// ---- import and export ----------------------------------------------------

/**
 * Asks which file to import (native dialog); the Rust side keeps its path and reads it there.
 * `unattended`: a file name in the folder of GIAONHAN_OPEN_DIR, for unattended runs. Null when cancelled.
 */
export const chooseImportFile = (unattended: string | null): Promise<ChosenFile | null> =>
  call("choose_import_file", { name: unattended });

/** Asks for a reorganisation plan (CSV/XLSX) in the native dialog (`unattended`: a file in GIAONHAN_OPEN_DIR); null when cancelled. */
export const choosePlanFile = (unattended: string | null): Promise<ChosenFile | null> =>
  call("choose_plan_file", { name: unattended });

/** Checks (dry run: nothing kept, with the tree from the date on) or applies the plan chosen with `choosePlanFile`. */
export const reorganisePlan = (on: string, reason: string | null, dryRun: boolean): Promise<PlanReport> =>
  call("reorganise_plan", { on, reason, dryRun });

/** Saves an empty reorganisation plan (Excel) in a save dialog; the path, or null when cancelled. */
export const savePlanTemplate = (): Promise<string | null> => call("save_plan_template");

/** Checks (dry run) or imports the file last chosen with `chooseImportFile`. */
/** Checks (dry run) or imports the chosen file; `onStep` hears how many rows are checked, then written. */
export const importRegister = (register: Register, dryRun: boolean, onStep: OnStep = () => undefined): Promise<ImportReport> =>
  call("import_register", { register, dryRun, progress: steps(onStep) });

/** Opens a native save dialog and writes the register (or an empty template); the path, or null when cancelled. */
export const saveRegister = (register: Register, template: boolean, xlsx: boolean): Promise<string | null> =>
  call("save_register", { register, template, xlsx });

// ---- batches: slips, receipts, undo, edit, cancel ------------------------

/** A receipt by the code printed on its slip (a typo is refused with field `receipt_code`). */
export const getReceipt = (code: string): Promise<ReceiptDetail> => call("get_receipt", { code });

/** Puts a confirmed, partial or declined receipt back to pending; the reason is logged. */
export const undoConfirmation = async (receipt: Confirmation, reason: string): Promise<void> => {
  await call<null>("undo_confirmation", { receipt, reason });
};

export const cancelBatch = async (code: string, reason: string): Promise<void> => {
  await call<null>("cancel_batch", { code, reason });
};

export const editBatch = (code: string, title: string | null, dueOn: string | null, reason: string): Promise<Batch> =>
  call("edit_batch", { code, title, dueOn, reason });

/**
 * Writes the delivery slips of a batch (every unit's, or one unit's) into one
 * PDF (1 or 2 slips per A4 page) where the user chooses in a save dialog; the
 * path, or null when cancelled or stopped (`printStop`) while laid out
 * (`onStep`: how far).
 */
export const saveSlips = (batch: string, perPage: 1 | 2, unit: string | null = null, onStep: OnStep = () => undefined): Promise<string | null> =>
  call("save_slips", { batch, perPage, unit, progress: steps(onStep) });

/**
 * The first pages of a batch's delivery slips (every unit's, or one unit's),
 * fed to `onPages` a chunk at a time as laid out (at most the core's preview
 * limit; the rest only counted): whether it ran to the end, the pages sent,
 * the pages in all, and the units the slips are for.
 */
export function previewSlips(
  batch: string,
  perPage: 1 | 2,
  unit: string | null,
  onPages: (pages: string[]) => void,
  onStep: OnStep,
): Promise<[boolean, number, number, SlipUnit[]]> {
  const pages = new Channel<string[]>();
  pages.onmessage = onPages;
  return call("preview_slips", { batch, perPage, unit, pages, progress: steps(onStep) });
}

// ---- accounts and sign-in --------------------------------------------------

/** Whether the register has accounts, and who is signed in (never refused). */
export const authStatus = (): Promise<AuthStatus> => call("auth_status");

/** Creates the first administrator (turns on logins) and signs them in. */
export const createFirstAdmin = (account: NewAccount): Promise<Session> => call("create_first_admin", { account });

export const login = (username: string, password: string): Promise<Session> => call("login", { username, password });

export const logout = async (): Promise<void> => {
  await call<null>("logout");
};

export const addAccount = (account: NewAccount): Promise<Account> => call("add_account", { account });

export const listAccounts = (): Promise<Account[]> => call("list_accounts");

/** An administrator disables, enables, resets (password and/or PIN) or unlocks an account. */
export const changeAccount = (change: AccountChange): Promise<Account> => call("change_account", { change });

/** In person at the office: the secretary's (or deputy's) PIN signs the receipt in their name. */
export const confirmWithPin = async (username: string, pin: string, confirmation: Confirmation): Promise<void> => {
  await call<null>("confirm_with_pin", { username, pin, confirmation });
};

// ---- backups and restore ---------------------------------------------------

/** Why the database could not be opened, with the backups on offer; null when it is open. */
export const recoveryStatus = (): Promise<Recovery | null> => call("recovery_status");

/** The automatic backups, newest first. */
export const listBackups = (): Promise<BackupInfo[]> => call("list_backups");

/** Backs up now to a file chosen in a save dialog; the path, or null when cancelled. */
export const backupNow = (): Promise<string | null> => call("backup_now");

/** How many automatic backups are kept, and how often they are made. */
export const backupSettings = (): Promise<BackupSettings> => call("backup_settings");

export const setBackupSettings = async (settings: BackupSettings): Promise<void> => {
  await call<null>("set_backup_settings", { settings });
};

/** A failed or damaged automatic backup not yet dismissed, and whether the register was closed for recovery. */
export const backupStatus = (): Promise<BackupStatus> => call("backup_status");

export const dismissBackupAlert = async (): Promise<void> => {
  await call<null>("dismiss_backup_alert");
};

/** Restores an automatic backup by its file name; the store is reopened on it and the session ends. */
export const restoreBackup = (fileName: string): Promise<Restored> => call("restore_backup", { fileName });

// ---- exchange between offices ------------------------------------------------

/** This office's identity; null before it is made. */
export const siteStatus = (): Promise<SiteInfo | null> => call("site_status");

/** Makes this office's identity, once, for a unit of the tree. */
export const siteInit = (unit: string, name: string | null): Promise<SiteInfo> => call("site_init", { unit, name });

/** The trusted offices: packets in and out, and any gap. */
export const listPeers = (): Promise<PeerInfo[]> => call("list_peers");

/**
 * Asks for another office's card file (native dialog) and trusts it when `fingerprint`,
 * typed from the paper card, matches. `unattended`: a file name in GIAONHAN_OPEN_DIR. Null when cancelled.
 */
export const addPeer = (unattended: string | null, fingerprint: string): Promise<PeerInfo | null> =>
  call("add_peer", { name: unattended, fingerprint });

/** Saves the printed identity card (PDF) in a save dialog; the path, or null when cancelled. */
export const saveSiteCardPdf = (): Promise<string | null> => call("save_site_card_pdf");

/** Saves the identity card file another office imports; the path, or null when cancelled. */
export const saveSiteCard = (): Promise<string | null> => call("save_site_card");

/** Told how far a send or receive is (at most ten times a second, and at the end of each phase). */
export type OnStep = (step: Step) => void;

function steps(onStep: OnStep): Channel<Step> {
  const channel = new Channel<Step>();
  channel.onmessage = onStep;
  return channel;
}

/** Writes one packet per trusted office into a folder chosen in a dialog (`unattended`: a folder in GIAONHAN_OPEN_DIR). */
export const syncSend = (unattended: string | null, onStep: OnStep): Promise<Run<Sent> | null> =>
  call("sync_send", { name: unattended, progress: steps(onStep) });

/** Applies the packets for this office found in a folder chosen in a dialog; what happened to each file. */
export const syncReceive = (unattended: string | null, onStep: OnStep): Promise<Run<Received> | null> =>
  call("sync_receive", { name: unattended, progress: steps(onStep) });

/** Stops the send or receive running before its next packet; what it did so far stays done. */
export const syncStop = (): Promise<void> => call("sync_stop");

/** The exchange hub (an S3-compatible bucket): its settings, a stored secret key, the environment variables that override them. */
export const hubInfo = (): Promise<HubInfo> => call("hub_info");

/** Sets the exchange hub; `secret_access_key` absent keeps the stored secret key, empty removes it. */
export const setHub = (change: HubChange): Promise<HubInfo> => call("set_hub", { change });

/** Writes one packet per trusted office into the hub's bucket. */
export const syncSendHub = (onStep: OnStep): Promise<Run<Sent>> => call("sync_send_hub", { progress: steps(onStep) });

/** Applies the packets for this office found in the hub's bucket; what happened to each object. */
export const syncReceiveHub = (onStep: OnStep): Promise<Run<Received>> =>
  call("sync_receive_hub", { progress: steps(onStep) });

/** What each child office reported: its open receipts, and how old its latest packet is. */
export const childReports = (): Promise<OfficeReport[]> => call("child_reports");

/** The batches a parent office handed us, one row per receipt. */
export const inbox = (): Promise<InboxRow[]> => call("inbox");

// ---- study follow-through ----------------------------------------------------

/** The study campaigns, the latest period first, with how many units have reported. */
export const listCampaigns = (): Promise<Campaign[]> => call("list_campaigns");

export const createCampaign = (campaign: NewCampaign): Promise<Campaign> => call("create_campaign", { campaign });

/** Coverage per grassroots committee (each before its units) and in total. */
export const studySummary = (campaign: string, subtree: string | null): Promise<StudyRow[]> =>
  call("study_summary", { campaign, subtree });

/** A unit's figures; a later report of the unit replaces the earlier one. */
export const reportStudy = (report: StudyReportInput): Promise<StudyReport> => call("report_study", { report });

/**
 * Saves a campaign's summary (PDF in the party layout, or XLSX) where the user
 * chooses in a save dialog; the path, or null when cancelled.
 */
export const saveStudy = (campaign: string, subtree: string | null, format: "pdf" | "xlsx"): Promise<string | null> =>
  call("save_study", { campaign, subtree, format });

/**
 * The reminder slips (a page per unit) of the campaign's units that have not
 * reported on `asOf`, fed to `onPages` a chunk at a time as laid out (as
 * `previewRegister`): whether it ran to the end, and the pages sent.
 */
export function previewStudyReminders(
  campaign: string,
  subtree: string | null,
  asOf: string,
  onPages: (pages: string[]) => void,
  onStep: OnStep,
): Promise<[boolean, number]> {
  const pages = new Channel<string[]>();
  pages.onmessage = onPages;
  return call("preview_study_reminders", { campaign, subtree, asOf, pages, progress: steps(onStep) });
}

/**
 * Saves those reminder slips where the user chooses; the path, or null when
 * cancelled or stopped (`printStop`) while laid out (`onStep`: how far).
 */
export const saveStudyReminders = (
  campaign: string,
  subtree: string | null,
  asOf: string,
  onStep: OnStep = () => undefined,
): Promise<string | null> => call("save_study_reminders", { campaign, subtree, asOf, progress: steps(onStep) });

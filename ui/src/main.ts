// Entry point: wires the ten screens, navigation (buttons and Alt+1..9, Alt+0), the
// first-run demo offer, and the start-up sequence (sign-in when the register has
// accounts, see auth.ts; then app_status and the lists). The screen the window
// opens on is put together at start; every other one when first opened, its
// code loaded then (Vite splits it off).
import "./style.css";
// Every style sheet with the start-up code: a screen loaded later must not
// restyle what is already on screen.
import "./auth.css";
import "./backup.css";
import "./batch.css";
import "./dashboard.css";
import "./printing.css";
import "./signature.css";

import { appStatus, authStatus, firstScreenShown, getLetterhead, loadDemo, recoveryStatus, toApiError, upgradeStatus } from "./api";
import { startAuth } from "./auth";
import { byId } from "./dom";
import { early } from "./early";
import { enhanceFileInputs } from "./fileinput";
import { announce, clearErrors, clearStatus, showError } from "./feedback";
import { letterheadForm } from "./letterhead";
import { backupsScreen, watchBackups } from "./screens/backups";
import { outstandingScreen } from "./screens/outstanding";
import { forgetEarly } from "./screens/outstanding/firstview";
import { startRecovery } from "./screens/recovery";
import type { Screen, ScreenKey } from "./screens/screen";
import { waitForUpgrade } from "./screens/upgrade";
import { ensure, flushShown, reload, watchOutsideChanges } from "./store";

performance.mark("start:modules");

// Windows gets its interface font by name (style.css says why the others
// take the desktop's sans-serif).
if (navigator.userAgent.includes("Windows")) document.documentElement.classList.add("windows");

// The first requests of a page take longest: every question of the start-up
// is on its way while the screens are put together (start() reads the
// answers; early.ts).
const upgradeAsked = upgradeStatus();
// Read by start(); never an unhandled rejection meanwhile.
upgradeAsked.catch(() => undefined);
const recoveryAsked = early(recoveryStatus);
const authAsked = early(authStatus);
const statusAsked = early(appStatus);
const letterheadAsked = early(getLetterhead);

// Vietnamese file buttons instead of the engine's own "Choose File".
enhanceFileInputs();

/** A screen of the navigation, put together the first time it is shown. */
interface Slot {
  key: ScreenKey;
  make: () => Screen | Promise<Screen>;
  made?: Promise<Screen>;
}

// The outstanding list is the first screen of a register with data, and the
// dashboard hands it a filter: it is there from the start.
const outstanding = outstandingScreen();

/** In navigation order: Alt+1 … Alt+9, then Alt+0. */
const slots: Slot[] = [
  { key: "units", make: async () => (await import("./screens/units")).unitsScreen() },
  { key: "documents", make: async () => (await import("./screens/documents")).documentsScreen() },
  { key: "batch", make: async () => (await import("./screens/batch")).batchScreen() },
  { key: "outstanding", make: () => outstanding },
  { key: "import", make: async () => (await import("./screens/import")).importScreen() },
  { key: "accounts", make: async () => (await import("./screens/accounts")).accountsScreen() },
  // The dashboard opens the outstanding list behind a bar of its chart.
  { key: "dashboard", make: async () => (await import("./screens/dashboard")).dashboardScreen((key) => open(key)) },
  { key: "backups", make: backupsScreen },
  { key: "exchange", make: async () => (await import("./screens/exchange")).exchangeScreen() },
  { key: "inbox", make: async () => (await import("./screens/inbox")).inboxScreen() },
];
performance.mark("start:screens");
/** The screen shown; none until the first is. */
let current: Screen | null = null;

/** The screen of `key`, put together (its code loaded) the first time it is asked for. */
function screenOf(key: ScreenKey): Promise<Screen> {
  const slot = slots.find((s) => s.key === key) ?? slots[0]!;
  if (!slot.made) {
    const made = Promise.resolve().then(slot.make);
    // A load that failed (a file missing from the app) is tried again next time.
    slot.made = made.catch((e: unknown) => {
      slot.made = undefined;
      throw e;
    });
  }
  return slot.made;
}

/** Counts the screens asked for: only the last one asked is shown. */
let asked = 0;

/**
 * Shows one screen (the others get `hidden`) at its top, optionally focusing
 * its first field. The last screen's messages (status line, error summary)
 * go: they were about that screen (at start, `keepMessages` keeps what the
 * start-up said, e.g. that a backup was restored).
 */
async function show(key: ScreenKey, focus = true, keepMessages = false): Promise<void> {
  const mine = ++asked;
  let screen: Screen;
  try {
    screen = await screenOf(key);
  } catch (e) {
    showError(toApiError(e));
    return;
  }
  if (mine !== asked) return; // another screen was asked for meanwhile
  current = screen;
  for (const s of slots) {
    const visible = s.key === screen.key;
    byId(`screen-${s.key}`, HTMLElement).hidden = !visible;
    const nav = byId(`nav-${s.key}`, HTMLButtonElement);
    if (visible) nav.setAttribute("aria-current", "page");
    else nav.removeAttribute("aria-current");
  }
  // Its redraws that waited while it was hidden (store.ts).
  flushShown();
  if (!keepMessages) {
    clearErrors();
    clearStatus();
  }
  window.scrollTo({ top: 0, left: 0, behavior: "instant" });
  const shown = screen;
  if (focus) shown.firstField.focus({ preventScroll: true });
  // The lists it draws, loaded the first time it is shown; then its own data.
  return ensure(...(shown.needs ?? []))
    .then(() => shown.onShow?.())
    .catch((e: unknown) => showError(toApiError(e)))
    .then(() => {
      // A screen that draws its first field when shown: focus it once it is
      // there, unless the user has moved on.
      const active = document.activeElement;
      const lost = active === null || active === document.body || !(active instanceof HTMLElement) || active.getClientRects().length === 0;
      if (focus && current === shown && lost) shown.firstField.focus({ preventScroll: true });
    });
}

/**
 * Tells the app, once, that the first screen is on the screen: its start
 * backup, which reads the whole register, waits for this. Told after the
 * frame that paints it (a task queued from a frame callback runs after
 * that frame), not when its rows are put in the page, which can be
 * hundreds of milliseconds earlier: the backup's reading could slow that
 * frame down. A window that paints nothing (minimised) lets the backup
 * start after its own time limit.
 */
let signalled = false;
function firstScreenDrawn(): void {
  if (signalled) return;
  signalled = true;
  // A first view asked for at start and not used by now is stale later.
  forgetEarly();
  requestAnimationFrame(() =>
    setTimeout(() => {
      mark("painted");
      firstScreenShown().catch(() => {
        // The backup starts after its own time limit instead.
      });
      watchOutsideChanges();
    }),
  );
}

/** Set once the user opens a screen: start-up then no longer picks one. */
let userMoved = false;

/** A screen opened by the user (a navigation button or Alt+digit). */
function open(key: ScreenKey): void {
  userMoved = true;
  void show(key);
}

for (const s of slots) {
  byId(`nav-${s.key}`, HTMLButtonElement).addEventListener("click", () => open(s.key));
}

/** 1..10 for Alt+digit (top row or keypad; 0 is the tenth), else 0. */
function shortcutDigit(e: KeyboardEvent): number {
  const m = /^(?:Digit|Numpad)([0-9])$/.exec(e.code) ?? /^([0-9])$/.exec(e.key);
  return m ? Number(m[1]) || 10 : 0;
}

document.addEventListener("keydown", (e) => {
  const dialog = document.querySelector<HTMLDialogElement>("dialog[open]");
  if (e.key === "Escape" && dialog) {
    e.preventDefault();
    dialog.close();
    return;
  }
  if (e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey && !dialog) {
    const n = shortcutDigit(e);
    const target = slots[n - 1];
    if (target) {
      e.preventDefault();
      open(target.key);
    }
  }
});

window.addEventListener("unhandledrejection", (e) => {
  showError(toApiError(e.reason));
});

// ---- first run: demo data ------------------------------------------------

const banner = byId("demo-offer", HTMLDivElement);
const letterhead = letterheadForm();
const demoLoad = byId("demo-load", HTMLButtonElement);
const demoDismiss = byId("demo-dismiss", HTMLButtonElement);
let demoBusy = false;

demoLoad.addEventListener("click", async () => {
  if (demoBusy) return;
  demoBusy = true;
  demoLoad.setAttribute("aria-busy", "true");
  try {
    await loadDemo();
    banner.hidden = true;
    await reload();
    await letterhead.check();
    announce("Đã nạp dữ liệu mẫu.");
    current?.firstField.focus();
    await current?.onShow?.();
  } catch (e) {
    showError(toApiError(e));
  } finally {
    demoBusy = false;
    demoLoad.removeAttribute("aria-busy");
  }
});

demoDismiss.addEventListener("click", () => {
  banner.hidden = true;
  current?.firstField.focus();
});

// ---- start ---------------------------------------------------------------

/** After a later login (idle lock, sign-out): reload the lists and the current screen. */
async function afterLogin(): Promise<void> {
  try {
    await reload();
  } catch (e) {
    showError(toApiError(e));
    return;
  }
  // The new account's role may not see the screen that was open.
  const key = current?.key ?? "outstanding";
  const visible = byId(`nav-${key}`, HTMLButtonElement).getClientRects().length > 0;
  void show(visible ? key : "outstanding");
}

/** Start-up failed: what went wrong, over a screen (the first one, unless the user chose one). */
function startFailed(e: unknown): void {
  if (!userMoved) void show("units", false, true);
  showError(toApiError(e));
  firstScreenDrawn();
}

/**
 * A milestone of start-up, for the start-up benchmark (it reads them back
 * from the page): a named point on the page's clock, nothing else.
 */
function mark(name: string): void {
  performance.mark(`start:${name}`);
}

async function start(): Promise<void> {
  mark("script");
  // A register from an older version: the window waits for its upgrade,
  // then asks again whether it opened (the questions that read the
  // register wait for the upgrade to end on their own).
  const recovery = (await waitForUpgrade(upgradeAsked)) ? recoveryStatus() : recoveryAsked.take();
  // A data file that could not be opened: the recovery screen instead.
  if (await startRecovery(recovery)) {
    firstScreenDrawn();
    return;
  }
  // A failed or damaged automatic backup: a banner on every screen.
  watchBackups(() => open("backups"));
  // No screen until its lists are loaded (below): a screen shown now would
  // draw them as they arrive.
  mark("recovery");
  try {
    await startAuth(afterLogin, authAsked.take());
  } catch (e) {
    startFailed(e);
    return;
  }
  mark("auth");
  let status;
  try {
    // A new register has no letterhead: ask for it before anything prints.
    [status] = await Promise.all([statusAsked.take(), letterhead.check(letterheadAsked.take())]);
    mark("status");
    // Only the first screen's lists: the others load when their screen opens.
    const first = await screenOf(status.is_empty ? "units" : "outstanding");
    await ensure(...(first.needs ?? []));
  } catch (e) {
    startFailed(e);
    return;
  }
  mark("lists");
  byId("db-info", HTMLParagraphElement).textContent = `Tệp dữ liệu: ${status.db_path} · phiên bản ${status.version}`;
  // The first screen, unless the user opened one while the lists loaded:
  // start-up never takes them away from where they went.
  if (status.is_empty) {
    banner.hidden = false;
    if (!userMoved) {
      await show("units", false, true);
      demoLoad.focus();
    }
  } else if (!userMoved) {
    await show("outstanding", true, true);
  }
  mark("shown");
  firstScreenDrawn();
}

void start();

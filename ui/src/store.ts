// The lists the screens share (units, kinds, documents, batches), loaded from the
// core when a screen that needs them is first shown (`ensure`) and again after
// a change (`reload`). Screens subscribe and redraw what changed.
import { listBatches, listDocuments, listKinds, listUnits, outsideChanges } from "./api";
import type { Batch } from "./bindings/Batch";
import type { Document } from "./bindings/Document";
import type { UnitEntry } from "./bindings/UnitEntry";
import type { UnitKind } from "./bindings/UnitKind";

export interface Data {
  units: UnitEntry[];
  kinds: UnitKind[];
  documents: Document[];
  batches: Batch[];
}

export type DataKey = keyof Data;

export const data: Data = { units: [], kinds: [], documents: [], batches: [] };

const loaders: { [K in DataKey]: () => Promise<Data[K]> } = {
  units: listUnits,
  kinds: listKinds,
  documents: listDocuments,
  batches: listBatches,
};

type Listener = (changed: ReadonlySet<DataKey>) => void;

/**
 * A listener and the screen it draws on. While that screen is hidden its
 * redraws wait (the lists changed are gathered) until it is shown: a hidden
 * screen holds no rows of 10,000 units it was never opened for, and a
 * change costs only the screen in view.
 */
interface Subscription {
  listener: Listener;
  screen: HTMLElement | null;
  pending: Set<DataKey>;
}
const subscriptions: Subscription[] = [];

/**
 * Calls `listener` with the lists that changed. With `screen`, only while
 * that screen is shown; changes made while it is hidden reach it, gathered
 * into one call, when `flushShown` runs after it is shown. A listener of a
 * screen put together after some lists were loaded gets those lists at the
 * next `flushShown` (when the screen is first shown).
 */
export function onChange(listener: Listener, screen: HTMLElement | null = null): void {
  subscriptions.push({ listener, screen, pending: new Set(loaded) });
}

/** Runs the redraws that waited for screens now shown. main.ts calls it when it shows a screen. */
export function flushShown(): void {
  for (const sub of subscriptions) {
    if (sub.pending.size === 0 || sub.screen?.hidden) continue;
    const changed = new Set(sub.pending);
    sub.pending.clear();
    sub.listener(changed);
  }
}

function notify(changed: ReadonlySet<DataKey>): void {
  for (const sub of subscriptions) {
    if (sub.screen?.hidden) {
      for (const k of changed) sub.pending.add(k);
    } else {
      sub.listener(changed);
    }
  }
}

/** The lists loaded so far: a list nobody has asked for is not loaded at all. */
const loaded = new Set<DataKey>();
/** Loads under way, so that two screens asking at once share one. */
const loading = new Map<DataKey, Promise<void>>();

async function fetchInto<K extends DataKey>(key: K): Promise<() => void> {
  const value = await loaders[key]();
  return () => {
    data[key] = value;
    loaded.add(key);
  };
}

async function fetchAll(keys: DataKey[]): Promise<void> {
  const commits = await Promise.all(keys.map((k) => fetchInto(k)));
  for (const commit of commits) commit();
  notify(new Set(keys));
}

/**
 * Loads the lists a screen needs that are not loaded yet (at start the
 * window loads only the first screen's: a province's 10,000 units and 3,000
 * batches wait until a screen that shows them is opened).
 */
export async function ensure(...keys: DataKey[]): Promise<void> {
  const missing = keys.filter((k) => !loaded.has(k) && !loading.has(k));
  if (missing.length) {
    const p = fetchAll(missing).finally(() => {
      for (const k of missing) loading.delete(k);
    });
    for (const k of missing) loading.set(k, p);
  }
  await Promise.all(keys.map((k) => loading.get(k)));
}

/**
 * Reloads the given lists (every loaded one when none is named) after a
 * change, then notifies listeners once. A list never loaded stays so: the
 * screen that needs it loads it fresh when opened.
 */
export async function reload(...keys: DataKey[]): Promise<void> {
  const named: DataKey[] = keys.length ? keys : ["units", "kinds", "documents", "batches"];
  // A load under way may have read the list before the change: read it again.
  const wanted = named.filter((k) => loaded.has(k) || loading.has(k));
  if (wanted.length) await fetchAll(wanted);
}

const outsideListeners: { screen: HTMLElement; again: () => void }[] = [];

/**
 * Calls `again` when another program wrote to the register while `screen`
 * is shown, for what it shows beyond the loaded lists (a hidden screen reads
 * afresh when shown). While a dialog is open, once it closes: nothing moves
 * under the user's hands.
 */
export function onOutsideChange(screen: HTMLElement, again: () => void): void {
  outsideListeners.push({ screen, again });
}

function outsideChanged(): void {
  const dialog = document.querySelector<HTMLDialogElement>("dialog[open]");
  for (const { screen, again } of outsideListeners) {
    if (screen.hidden) continue;
    if (!dialog) again();
    else dialog.addEventListener("close", () => screen.hidden || again(), { once: true });
  }
}

/** How often the window asks whether another program wrote to the register. */
const OUTSIDE_MS = 5000;

/**
 * The command line and a second window may write to the register while
 * this window is open (an import, a confirmation). Every few seconds while
 * the window is shown, and when it gets the focus, it asks whether another
 * program wrote meanwhile; if so, the lists loaded are read again, the
 * screens redraw, and those that show more than the lists read that again
 * (`onOutsideChange`). A check that fails (signed out, a long command
 * holding the register) is made again at the next.
 */
export function watchOutsideChanges(): void {
  let seen: number | null = null;
  let checking = false;
  const check = async (): Promise<void> => {
    if (checking || document.hidden) return;
    checking = true;
    try {
      const mark = await outsideChanges();
      if (seen !== null && mark !== seen) {
        await reload();
        outsideChanged();
      }
      seen = mark;
    } catch {
      // Asked again at the next check; `seen` stays, so the change is not missed.
    } finally {
      checking = false;
    }
  };
  void check();
  window.setInterval(() => void check(), OUTSIDE_MS);
  window.addEventListener("focus", () => void check());
}

// The lists the screens share (units, kinds, documents, batches), loaded from the
// core on demand. Screens subscribe and redraw what changed.
import { listBatches, listDocuments, listKinds, listUnits } from "./api";
import type { Batch } from "./bindings/Batch";
import type { Document } from "./bindings/Document";
import type { Unit } from "./bindings/Unit";
import type { UnitKind } from "./bindings/UnitKind";

export interface Data {
  units: Unit[];
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
 * into one call, when `flushShown` runs after it is shown.
 */
export function onChange(listener: Listener, screen: HTMLElement | null = null): void {
  subscriptions.push({ listener, screen, pending: new Set() });
}

/** Runs the redraws that waited for screens now shown. main.ts calls it when it shows a screen. */
export function flushShown(): void {
  for (const sub of subscriptions) {
    if (sub.pending.size === 0 || !sub.screen || sub.screen.hidden) continue;
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

async function load<K extends DataKey>(key: K): Promise<() => void> {
  const value = await loaders[key]();
  return () => {
    data[key] = value;
  };
}

/** Reloads the given lists (all of them when none is named), then notifies listeners once. */
export async function reload(...keys: DataKey[]): Promise<void> {
  const wanted = new Set<DataKey>(keys.length ? keys : ["units", "kinds", "documents", "batches"]);
  const commits = await Promise.all([...wanted].map((k) => load(k)));
  for (const commit of commits) commit();
  notify(wanted);
}

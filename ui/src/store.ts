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
const listeners: Listener[] = [];

export function onChange(listener: Listener): void {
  listeners.push(listener);
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
  for (const listener of listeners) listener(wanted);
}

// The outstanding list's first rows, asked for as the page starts: the answer
// is on its way while the start-up asks whether the register opened, who is
// signed in and what the register holds, instead of being asked after them
// (each request waits for the window's main thread). Used once, by the first
// load of the same list during the start-up (main.ts forgets it when the
// first screen is drawn: later, the register may have changed); a request
// refused (someone must sign in first) or a first load of another list asks
// again.
import { outstandingPage } from "../../api";
import type { OutstandingPage } from "../../bindings/OutstandingPage";
import type { OutstandingQuery } from "../../bindings/OutstandingQuery";

let early: { key: string; page: Promise<OutstandingPage> } | null = null;

const keyOf = (query: OutstandingQuery, limit: number): string => `${limit} ${JSON.stringify(query)}`;

/** Asks for the first `limit` rows of `query` now. */
export function askEarly(query: OutstandingQuery, limit: number): void {
  const page = outstandingPage(query, 0, limit);
  // Read by `firstRows`, or never: not an unhandled rejection meanwhile.
  page.catch(() => undefined);
  early = { key: keyOf(query, limit), page };
}

/** Drops the early answer: from now on, lists are asked for when loaded. */
export function forgetEarly(): void {
  early = null;
}

/** The first `limit` rows of `query`: the early answer when it was for the same and did not fail, else asked now. */
export function firstRows(query: OutstandingQuery, limit: number): Promise<OutstandingPage> {
  const asked = early;
  early = null;
  const now = (): Promise<OutstandingPage> => outstandingPage(query, 0, limit);
  return asked?.key === keyOf(query, limit) ? asked.page.catch(now) : now();
}

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
import { early, type Early } from "../../early";

let asked: { key: string; page: Early<OutstandingPage> } | null = null;

const keyOf = (query: OutstandingQuery, limit: number): string => `${limit} ${JSON.stringify(query)}`;

/** Asks for the first `limit` rows of `query` now. */
export function askEarly(query: OutstandingQuery, limit: number): void {
  asked = { key: keyOf(query, limit), page: early(() => outstandingPage(query, 0, limit)) };
}

/** Drops the early answer: from now on, lists are asked for when loaded. */
export function forgetEarly(): void {
  asked = null;
}

/** The first `limit` rows of `query`: the early answer when it was for the same and did not fail, else asked now. */
export function firstRows(query: OutstandingQuery, limit: number): Promise<OutstandingPage> {
  const mine = asked;
  asked = null;
  return mine?.key === keyOf(query, limit) ? mine.page.take() : outstandingPage(query, 0, limit);
}

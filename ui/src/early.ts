// Requests asked as the page starts. A request waits for the window's main
// thread at both ends, so the start-up's questions (did the register open,
// who is signed in, what does the register hold, has it a letterhead) and
// the first screen's rows are all on their way at once while the page is put
// together, instead of one after the other once it is. Each answer is read
// once; a request that failed (someone must sign in first, the register did
// not open) is asked again then. The ones that read the register wait for
// an upgrade under way to end before they answer.

/** An answer asked for early, read once. */
export interface Early<T> {
  /** The early answer, or the request asked now when it failed or was taken. */
  take(): Promise<T>;
}

/** Asks `ask()` now; `take()` gives its answer once. */
export function early<T>(ask: () => Promise<T>): Early<T> {
  let asked: Promise<T> | null = ask();
  // Read by `take`, or never: not an unhandled rejection meanwhile.
  asked.catch(() => undefined);
  return {
    take(): Promise<T> {
      const answer = asked;
      asked = null;
      return answer ? answer.catch(ask) : ask();
    },
  };
}

// What main.ts needs from each screen.

import type { DataKey } from "../store";

export type ScreenKey = "units" | "documents" | "batch" | "outstanding" | "import" | "accounts" | "dashboard" | "backups" | "exchange" | "inbox";

export interface Screen {
  key: ScreenKey;
  /** The field that gets focus when the screen is opened (Alt+digit, nav). */
  firstField: HTMLElement;
  /** The shared lists (store.ts) it draws: loaded before its first `onShow`. */
  needs?: DataKey[];
  /** Called each time the screen becomes visible. */
  onShow?: () => Promise<void> | void;
}

/** Runs a form action once at a time (a second Enter while saving is ignored). */
export function guarded(form: HTMLElement, action: () => Promise<void>): (e: Event) => void {
  let busy = false;
  return (e: Event) => {
    e.preventDefault();
    if (busy) return;
    busy = true;
    form.setAttribute("aria-busy", "true");
    action().finally(() => {
      busy = false;
      form.removeAttribute("aria-busy");
    });
  };
}

/** Class for indenting a tree row by depth (style.css defines indent-0 … indent-12). */
export function indentClass(depth: number): string {
  return `indent-${Math.max(0, Math.min(12, Math.trunc(depth)))}`;
}

// Messages to the user: the success line (#status) and the error summary
// (#error-summary, govuk style): it takes focus, links to the field at fault,
// and the field gets aria-invalid plus an inline message in its aria-describedby.
// Several problems of one form are listed together. A field where the hands
// stay (the receipt-code box of a scanner) keeps focus instead, its text
// selected so the next scan replaces it. While a modal dialog is open the
// summary moves into it (the rest of the page is inert then), and goes back
// when the dialog closes.
import { isCoreError, type ApiError } from "./api";
import { addDescribedBy, byId, h, removeDescribedBy } from "./dom";
import { searchKey } from "./format";

/** Maps an `ApiError.field` to the input at fault on the current form. */
export type FieldResolver = (field: string) => HTMLElement | null;

interface Mark {
  el: HTMLElement;
  group: HTMLElement | null;
  message: HTMLElement;
}

let marks: Mark[] = [];
let home: { parent: Node; next: Node | null } | null = null;

function summary(): HTMLDivElement {
  return byId("error-summary", HTMLDivElement);
}

/** Puts a success message in #status (and clears any error summary). */
export function announce(message: string): void {
  clearErrors();
  byId("status", HTMLParagraphElement).textContent = message;
}

export function clearStatus(): void {
  byId("status", HTMLParagraphElement).textContent = "";
}

/** The field name the resolver should look up: "documents[2].quantity" → "documents". */
export function baseField(field: string): string {
  return field.split(/[.[:\s]/, 1)[0] ?? field;
}

function labelOf(el: HTMLElement): string | null {
  if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) {
    const label = el.labels?.[0]?.textContent?.trim();
    if (label) return label;
  }
  const legend = el.closest("fieldset")?.querySelector("legend")?.textContent?.trim();
  return legend || null;
}

/**
 * The message as shown: the core's message about a field gets the field's
 * label before it, unless it already begins with it ("Nội dung đợt … không
 * được để trống" under the label "Nội dung" is not repeated). Messages the UI
 * writes itself are shown as they are.
 */
export function displayMessage(err: ApiError, el: HTMLElement | null): string {
  if (!err.field || !isCoreError(err)) return err.message;
  const label = el ? labelOf(el) : null;
  if (!label || searchKey(err.message).startsWith(searchKey(label))) return capitalise(err.message);
  return `${label}: ${err.message}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toLocaleUpperCase("vi") + text.slice(1);
}

function markField(el: HTMLElement, text: string): void {
  const field = el.closest<HTMLElement>(".field");
  const group = field ?? el.closest<HTMLElement>("fieldset");
  const id = `${group?.id || el.id || "field"}-error`;
  const message = h("p", { class: "field-error", id }, h("span", { class: "visually-hidden" }, "Lỗi: "), text);
  if (field) {
    // Above the field's input line (which may wrap the input with a button).
    let line: HTMLElement = el;
    while (line.parentElement && line.parentElement !== field) line = line.parentElement;
    field.insertBefore(message, line.parentElement === field ? line : null);
  }
  else if (group) {
    const legend = group.querySelector(":scope > legend");
    if (legend) legend.after(message);
    else group.prepend(message);
  } else el.before(message);
  el.setAttribute("aria-invalid", "true");
  addDescribedBy(el, id);
  group?.classList.add("has-error");
  marks.push({ el, group, message });
}

function focusField(el: HTMLElement): void {
  el.scrollIntoView({ block: "center" });
  el.focus();
}

/** One problem to show: the error, and the field it belongs to when known. */
export interface Problem {
  err: ApiError;
  target?: HTMLElement | null;
}

export interface ShowOptions {
  /**
   * Leave focus on the field at fault, its text selected, instead of moving it
   * to the summary: for a field typed or scanned into again at once.
   */
  keepFocus?: boolean;
}

/**
 * Shows an error: the summary (focused) with the message, linked to the field when
 * `target` is given or `err.field` resolves to an element on the form.
 */
export function showError(err: ApiError, resolve?: FieldResolver, target?: HTMLElement | null, options?: ShowOptions): void {
  showErrors([{ err, target }], resolve, options);
}

/** Shows every problem of a form at once in the summary, each linked to its field. */
export function showErrors(problems: readonly Problem[], resolve?: FieldResolver, options: ShowOptions = {}): void {
  clearErrors();
  clearStatus();
  const items: HTMLLIElement[] = [];
  let first: HTMLElement | null = null;
  for (const { err, target } of problems) {
    const el = target ?? (err.field && resolve ? resolve(baseField(err.field)) : null);
    const text = displayMessage(err, el);
    if (el) {
      if (!el.id) el.id = `field-${Math.random().toString(36).slice(2)}`;
      const link = h("a", { href: `#${el.id}` }, text);
      link.addEventListener("click", (e) => {
        e.preventDefault();
        focusField(el);
      });
      items.push(h("li", null, link));
      // One inline message per field: the first problem found for it.
      if (!marks.some((m) => m.el === el)) markField(el, text);
      first ??= el;
    } else {
      items.push(h("li", null, text));
    }
  }
  byId("error-summary-list", HTMLUListElement).replaceChildren(...items);
  const box = summary();
  const dialog = document.querySelector<HTMLDialogElement>("dialog[open]");
  if (dialog) {
    if (!home) home = { parent: box.parentNode ?? document.body, next: box.nextSibling };
    (dialog.querySelector("form") ?? dialog).prepend(box);
  }
  box.hidden = false;
  if (options.keepFocus && first) {
    first.focus();
    if (first instanceof HTMLInputElement) first.select();
  } else {
    box.focus();
  }
}

/** Hides the summary, removes inline messages and aria-invalid marks. */
export function clearErrors(): void {
  for (const { el, group, message } of marks) {
    el.removeAttribute("aria-invalid");
    removeDescribedBy(el, message.id);
    group?.classList.remove("has-error");
    message.remove();
  }
  marks = [];
  const box = summary();
  box.hidden = true;
  byId("error-summary-list", HTMLUListElement).replaceChildren();
  if (home) {
    home.parent.insertBefore(box, home.next && home.next.parentNode === home.parent ? home.next : null);
    home = null;
  }
}

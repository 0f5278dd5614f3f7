// Print preview: the pages of a printout (outstanding list, call list,
// reminder slips, transfer register, delivery slips) shown in a dialog exactly
// as they print — SVG pages laid out by the same engine that writes the PDF —
// with "In…" (the system print dialog, printing only these pages) and "Lưu
// PDF" (native save dialog, written by the Rust side). A job may offer
// choices in the dialog's bar (slips: per page, every unit or one); changing
// one lays the pages out again. A long list comes a chunk of pages at a
// time: the first pages show at once, the bar says how far the layout is,
// and "Dừng" stops it (the pages shown stay; saving still writes them all).
// Saving a long list's PDF says how far it is too, and "Dừng" stops it with
// no file written.
// Also wires the register-print form.
import "../printing.css";

import { previewRegister, printStop, saveRegisterBook, toApiError, type OnStep } from "../api";
import type { SaveFormat } from "../bindings/SaveFormat";
import { byId, h } from "../dom";
import { announce, clearErrors, showError, type FieldResolver } from "../feedback";
import { addDaysIso, formatNumber, parseDate, todayIso, writeDate } from "../format";
import { guarded } from "./screen";

/** A choice in the preview's bar: a `<select>` whose value reaches `pages` and `savePdf`. */
export interface PrintChoice {
  id: string;
  label: string;
  options: { value: string; label: string }[];
  value: string;
}

/** The current value of every choice, by id. */
export type Chosen = Record<string, string>;

/** Pages to show; `total` when the printout has more pages than are shown. */
export interface PrintPages {
  pages: string[];
  total?: number;
}

/** Told of pages laid out before the job's promise settles, and of how far the layout is. */
export interface PageFeed {
  pages: (pages: string[]) => void;
  progress: (done: number, total: number) => void;
}

/** What the preview shows and how to save it. */
export interface PrintJob {
  title: string;
  /**
   * The pages: all when the promise settles, or fed as they come (`streamed`:
   * whether it ran to the end, `sent`: how many pages were fed, `total`: how
   * many there are in all when only the first were fed).
   */
  pages: (chosen: Chosen, feed: PageFeed) => Promise<string[] | PrintPages | { streamed: boolean; sent: number; total?: number }>;
  /** Saves the PDF; resolves to the path, or null when the user cancelled (or stopped it: a job that tells `onStep` how far it is can be stopped). */
  savePdf: (chosen: Chosen, onStep: OnStep) => Promise<string | null>;
  choices?: PrintChoice[];
  /** Called after the pages were shown (a job may fill a choice then). */
  shown?: (update: (choice: PrintChoice) => void) => void;
}

const dialog = h("dialog", { id: "print-preview", class: "dialog print-preview", "aria-labelledby": "print-title" });
const titleEl = h("h2", { id: "print-title" });
const pageCount = h("p", { id: "print-count", class: "muted" });
const printButton = h("button", { id: "print-now", type: "button" }, "In…");
const saveButton = h("button", { id: "print-save", type: "button", class: "secondary" }, "Lưu PDF");
const closeButton = h("button", { id: "print-close", type: "button", class: "secondary" }, "Đóng");
const stopButton = h("button", { id: "print-stop", type: "button", class: "secondary", hidden: true }, "Dừng");
const pagesEl = h("div", { id: "print-pages", class: "print-pages", tabindex: "0", "aria-label": "Các trang sẽ in" });
const choicesEl = h("div", { id: "print-choices", class: "print-choices" });
dialog.append(
  h("header", { class: "print-bar" }, titleEl, pageCount, choicesEl, h("div", { class: "actions" }, printButton, saveButton, stopButton, closeButton)),
  pagesEl,
);
document.body.append(dialog);

/** `@page` size of the job on screen, so the system print dialog gets the same sheet. */
const pageStyle = h("style", { id: "print-page-size" });
document.head.append(pageStyle);

let job: PrintJob | null = null;
let returnFocus: HTMLElement | null = null;
let chosen: Chosen = {};
/** The pages shown are all the pages (else "In…" would print only some). */
let complete = true;

/** Width and height (in points) of an SVG page from its viewBox. */
function pageSize(svg: string): [number, number] | null {
  const m = /viewBox="([\d.\s-]+)"/.exec(svg);
  if (!m?.[1]) return null;
  const [, , w, h2] = m[1].trim().split(/\s+/).map(Number);
  return w && h2 ? [w, h2] : null;
}

function choiceSelect(c: PrintChoice): HTMLElement {
  const id = `print-choice-${c.id}`;
  const select = h("select", { id, "data-choice": c.id }, ...c.options.map((o) => h("option", { value: o.value }, o.label)));
  select.value = c.value;
  chosen[c.id] = select.value;
  select.addEventListener("change", () => {
    chosen[c.id] = select.value;
    if (job) void layOut(job, true);
  });
  return h("span", { class: "field print-choice" }, h("label", { for: id }, c.label), select);
}

/** Puts (or replaces) a choice's select in the bar, keeping its value when still offered. */
function updateChoice(c: PrintChoice): void {
  const keep = chosen[c.id];
  const value = keep !== undefined && c.options.some((o) => o.value === keep) ? keep : c.value;
  const el = choiceSelect({ ...c, value });
  const old = choicesEl.querySelector(`[data-choice="${CSS.escape(c.id)}"]`)?.closest(".print-choice");
  if (old) old.replaceWith(el);
  else choicesEl.append(el);
}

/** Opens the preview of `next`; focus returns to `from` when it closes. */
export async function openPreview(next: PrintJob, from: HTMLElement | null): Promise<void> {
  job = next;
  returnFocus = from;
  chosen = {};
  titleEl.textContent = next.title;
  choicesEl.replaceChildren(...(next.choices ?? []).map(choiceSelect));
  if (!dialog.open) dialog.showModal();
  await layOut(next, false);
}

/** A figure of the preview for SVG page number `n` (1-based). */
function pageFigure(svg: string, n: number): HTMLElement {
  return h(
    "figure",
    { class: "print-page", "data-page": String(n) },
    h("img", { src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, alt: `Trang ${n}` }),
  );
}

/** Sets the sheet's orientation from the first page. */
function orient(first: string | undefined): boolean {
  const size = first ? pageSize(first) : null;
  const landscape = size !== null && size[0] > size[1];
  pageStyle.textContent = `@page { size: A4 ${landscape ? "landscape" : "portrait"}; margin: 0; }`;
  pagesEl.classList.toggle("landscape", landscape);
  return landscape;
}

/** Lays the job's pages out for the current choices and shows them. */
async function layOut(next: PrintJob, again: boolean): Promise<void> {
  pageCount.textContent = "Đang dựng trang…";
  pagesEl.replaceChildren();
  pagesEl.setAttribute("aria-busy", "true");
  let shown = 0;
  let landscape = false;
  // Pages fed may arrive after the job's reply: it waits for `sent` of them.
  let waiting: { count: number; done: () => void } | null = null;
  // Steps may also arrive after the reply: once it is in, the bar says how
  // it ended and a late step does not overwrite that.
  let settled = false;
  const feed: PageFeed = {
    pages: (pages) => {
      if (job !== next) return;
      if (shown === 0) landscape = orient(pages[0]);
      pagesEl.append(...pages.map((svg, i) => pageFigure(svg, shown + i + 1)));
      shown += pages.length;
      if (waiting && shown >= waiting.count) waiting.done();
    },
    progress: (done, total) => {
      if (job !== next || total === 0 || settled) return;
      stopButton.hidden = false;
      pageCount.textContent = `Đang dựng trang: ${formatNumber(shown)} trang, ${formatNumber(done)} / ${formatNumber(total)} dòng…`;
    },
  };
  try {
    stopButton.disabled = false;
    const got = await next.pages({ ...chosen }, feed);
    settled = true;
    if (job !== next) return;
    let total: number;
    if ("streamed" in got) {
      if (shown < got.sent) {
        await new Promise<void>((done) => {
          waiting = { count: got.sent, done };
        });
      }
      if (job !== next) return;
      total = Math.max(shown, got.total ?? shown);
      complete = got.streamed && shown >= total;
    } else {
      const pages = Array.isArray(got) ? got : got.pages;
      total = Array.isArray(got) ? pages.length : (got.total ?? got.pages.length);
      landscape = orient(pages[0]);
      pagesEl.replaceChildren(...pages.map((svg, i) => pageFigure(svg, i + 1)));
      shown = pages.length;
      complete = shown >= total;
    }
    printButton.disabled = !complete;
    pageCount.textContent =
      "streamed" in got && !got.streamed
        ? `Đã dừng: xem trước ${formatNumber(shown)} trang đầu; để in đủ, bấm «Lưu PDF» rồi in tệp đó.`
        : complete
          ? `${formatNumber(shown)} trang A4${landscape ? " khổ ngang" : ""}.`
          : `Xem trước ${formatNumber(shown)} trang đầu trong ${formatNumber(total)} trang A4; ` +
            "để in đủ, bấm «Lưu PDF» rồi in tệp đó.";
    next.shown?.(updateChoice);
    (complete ? printButton : saveButton).focus();
  } catch (e) {
    pageCount.textContent = "";
    if (again) {
      // A choice that cannot be printed: the dialog stays, the message in it.
      showError(toApiError(e));
      return;
    }
    dialog.close();
    showError(toApiError(e), undefined, returnFocus);
  } finally {
    stopButton.hidden = true;
    pagesEl.removeAttribute("aria-busy");
  }
}

stopButton.addEventListener("click", () => {
  stopButton.disabled = true;
  pageCount.textContent = "Đang dừng sau phần trang hiện tại…";
  void printStop().catch((e: unknown) => showError(toApiError(e)));
});
printButton.addEventListener("click", () => {
  if (complete) window.print();
});
saveButton.addEventListener("click", () => {
  const current = job;
  if (!current) return;
  saveButton.disabled = true;
  const before = pageCount.textContent;
  // A long PDF says how far it is and can be stopped, as the preview can.
  let saving = false;
  let stopped = false;
  // As for the preview: a step arriving after the reply is not shown.
  let settled = false;
  const stop = () => {
    stopped = true;
  };
  stopButton.addEventListener("click", stop);
  current
    .savePdf({ ...chosen }, (step) => {
      if (job !== current || step.total === 0 || settled) return;
      saving = true;
      stopButton.hidden = false;
      if (!stopped) {
        stopButton.disabled = false;
        pageCount.textContent = `Đang ghi PDF: ${formatNumber(step.done)} / ${formatNumber(step.total)} dòng…`;
      }
    })
    .then((path) => {
      settled = true;
      if (path !== null) announce(`Đã lưu tệp ${path}.`);
      else if (stopped) announce("Đã dừng: chưa lưu tệp PDF nào.");
    })
    .catch((e: unknown) => showError(toApiError(e)))
    .finally(() => {
      settled = true;
      stopButton.removeEventListener("click", stop);
      saveButton.disabled = false;
      if (saving && job === current) {
        stopButton.hidden = true;
        pageCount.textContent = before;
      }
    });
});
closeButton.addEventListener("click", () => dialog.close());
dialog.addEventListener("close", () => {
  // A layout still running stops at its next chunk: nobody looks at it.
  if (!stopButton.hidden) void printStop().catch(() => undefined);
  job = null;
  pagesEl.replaceChildren();
  choicesEl.replaceChildren();
  printButton.disabled = false;
  complete = true;
  returnFocus?.focus();
});

// ---- the transfer register (Nhập / xuất screen) ---------------------------

/** Wires the "In sổ chuyển giao" form: a period, preview, PDF, Excel. */
export function registerBookForm(): void {
  const form = byId("book-form", HTMLFormElement);
  const from = byId("book-from", HTMLInputElement);
  const to = byId("book-to", HTMLInputElement);
  const xlsx = byId("book-xlsx", HTMLButtonElement);
  const preview = byId("book-preview", HTMLButtonElement);
  writeDate(from, addDaysIso(todayIso(), -90));
  writeDate(to, todayIso());
  const resolve: FieldResolver = (field) => (field === "from" ? from : field === "to" ? to : null);

  function period(): [string, string] | undefined {
    clearErrors();
    const a = parseDate(from.value);
    const b = parseDate(to.value);
    if (!a) {
      showError({ kind: "invalid", message: "Nhập ngày bắt đầu dạng ngày/tháng/năm.", field: "from" }, resolve);
      return undefined;
    }
    if (!b) {
      showError({ kind: "invalid", message: "Nhập ngày kết thúc dạng ngày/tháng/năm.", field: "to" }, resolve);
      return undefined;
    }
    return [a, b];
  }

  const save = (format: SaveFormat) => async (): Promise<void> => {
    const p = period();
    if (!p) return;
    try {
      const path = await saveRegisterBook(p[0], p[1], format);
      if (path !== null) announce(`Đã lưu tệp ${path}.`);
    } catch (e) {
      showError(toApiError(e), resolve);
    }
  };

  form.addEventListener(
    "submit",
    guarded(form, async () => {
      const p = period();
      if (!p) return;
      await openPreview(
        {
          title: "Sổ chuyển giao văn bản",
          pages: async (_chosen, feed) => {
            const [streamed, sent] = await previewRegister(p[0], p[1], feed.pages, (step) => feed.progress(step.done, step.total));
            return { streamed, sent };
          },
          savePdf: (_chosen, onStep) => saveRegisterBook(p[0], p[1], "pdf", onStep),
        },
        preview,
      );
    }),
  );
  xlsx.addEventListener("click", () => void save("xlsx")());
}

// Numbered copies of classified documents in the window: the document's copies
// and where each one is, with the form that recalls those out at units
// (documents screen); the copies a unit holds (unit detail); and the dialog
// that records copies brought back for a recall, opened from a recall row of
// the outstanding list. Only metadata: symbols, copy numbers, units, dates.
import { copiesHeld, createRecall, documentCopies, returnCopies, toApiError } from "../api";
import type { CopyRow } from "../bindings/CopyRow";
import type { CopyState } from "../bindings/CopyState";
import type { HeldCopy } from "../bindings/HeldCopy";
import type { OutstandingRow } from "../bindings/OutstandingRow";
import { byId, fill, h, numCell, tbodyOf } from "../dom";
import { announce, clearErrors, showError, type FieldResolver } from "../feedback";
import { CLASSIFICATION_LABEL, clean, formatDate, optional, parseDate, todayIso, writeDate } from "../format";
import { reload } from "../store";
import { guarded } from "./screen";

export const COPY_STATE_LABEL: Record<CopyState, string> = {
  in_office: "Tại văn phòng",
  out: "Đang ở đơn vị",
  returned: "Đã nộp lại",
  destroyed: "Đã tiêu hủy",
};

/** A copy number as the registers print it: two digits at least ("03"). */
export function copyNumber(n: number): string {
  return String(n).padStart(2, "0");
}

/** The documents screen's copies pane: opens for one classified document. */
export function copiesPane(): { open(symbol: string, uid: string): Promise<void> } {
  const pane = byId("copy-pane", HTMLElement);
  const heading = byId("copy-pane-heading", HTMLHeadingElement);
  const table = byId("copy-pane-table", HTMLTableElement);
  const form = byId("recall-form", HTMLFormElement);
  const code = byId("recall-code", HTMLInputElement);
  const due = byId("recall-due", HTMLInputElement);
  const batch = byId("recall-batch", HTMLInputElement);
  const reason = byId("recall-reason", HTMLInputElement);
  const fields: Record<string, HTMLElement> = { code, due_on: due, batch, reason, symbol: heading };
  const resolve: FieldResolver = (field) => fields[field] ?? null;
  let symbol = "";
  /** The document shown (a symbol may name one of each committee term). */
  let uid = "";

  function row(c: CopyRow): HTMLTableRowElement {
    return h(
      "tr",
      { "data-copy": String(c.copy), "data-state": c.state },
      numCell(copyNumber(c.copy)),
      h("td", null, COPY_STATE_LABEL[c.state]),
      h("td", { class: "code" }, c.holder ?? h("span", { class: "muted" }, "—")),
      h("td", { class: "code" }, c.batch ?? h("span", { class: "muted" }, "—")),
      h("td", { class: "date" }, formatDate(c.since)),
    );
  }

  async function open(s: string, u: string): Promise<void> {
    symbol = s;
    uid = u;
    const copies = await documentCopies(s, u);
    const out = copies.filter((c) => c.state === "out").length;
    heading.textContent = `Bản số của văn bản ${s}: ${copies.length} bản, ${out} bản đang ở đơn vị`;
    const body = tbodyOf(table);
    if (copies.length) fill(body, copies.map(row));
    else body.replaceChildren(h("tr", { class: "empty" }, h("td", { colspan: 5 }, "Văn bản chưa có bản số nào.")));
    form.hidden = out === 0;
    pane.hidden = false;
    pane.focus();
  }

  form.addEventListener(
    "submit",
    guarded(form, async () => {
      clearErrors();
      const day = parseDate(due.value);
      if (!day) {
        showError({ kind: "invalid", message: "Hạn nộp lại không hợp lệ; nhập dạng ngày/tháng/năm.", field: "due_on" }, resolve);
        return;
      }
      try {
        const r = await createRecall({ code: clean(code.value), symbol, uid, batch: optional(batch.value), due_on: day, reason: clean(reason.value) });
        form.reset();
        announce(`Đã lập đợt thu hồi ${r.code}: ${r.missing.length} bản (số ${r.missing.map(copyNumber).join(", ")}) phải nộp lại trước ${formatDate(r.due_on)}.`);
        await Promise.all([open(symbol, uid), reload("batches")]);
      } catch (e) {
        showError(toApiError(e), resolve);
      }
    }),
  );

  return { open };
}

/** The unit detail's list of the classified copies the unit holds; hidden when none (or not the reader's to see). */
export async function renderHeldCopies(unit: string, block: HTMLElement, list: HTMLUListElement): Promise<void> {
  let held: HeldCopy[];
  try {
    held = await copiesHeld(unit);
  } catch (e) {
    // A secretary may not read another unit's copies: the list stays hidden.
    if (toApiError(e).kind !== "forbidden") throw e;
    held = [];
  }
  block.hidden = held.length === 0;
  const bySymbol = new Map<string, HeldCopy[]>();
  for (const c of held) bySymbol.set(c.symbol, [...(bySymbol.get(c.symbol) ?? []), c]);
  fill(
    list,
    [...bySymbol.entries()].map(([symbol, copies]) =>
      h(
        "li",
        { "data-symbol": symbol },
        h("span", { class: "code" }, symbol),
        ` (${CLASSIFICATION_LABEL[copies[0].classification]}): bản số ${copies.map((c) => copyNumber(c.copy)).join(", ")}`,
        h("span", { class: "sub" }, `đợt ${[...new Set(copies.map((c) => c.batch))].join(", ")}, từ ${formatDate(copies[0].since)}`),
      ),
    ),
  );
}

/** What a unit brings back for a recall: a recall row of the outstanding list, or of the inbox (a parent office's recall). */
export interface ReturnTarget {
  code: string;
  title: string | null;
  unit_code: string;
  unit_name: string;
  missing: number[];
  bearer: string | null;
}

/** A recall row of the outstanding list as a return's target. */
export function returnTargetOf(row: OutstandingRow): ReturnTarget {
  return {
    code: row.batch,
    title: row.batch_title || null,
    unit_code: row.unit_code,
    unit_name: row.unit_name,
    missing: row.copies_missing ?? [],
    bearer: row.secretary ?? null,
  };
}

/** The dialog that records copies brought back for a recall. */
export function returnDialog(saved: (row: ReturnTarget) => Promise<void>): { open(row: ReturnTarget, from: HTMLElement): void } {
  const dialog = byId("return-dialog", HTMLDialogElement);
  const form = byId("return-form", HTMLFormElement);
  const what = byId("return-what", HTMLParagraphElement);
  const copiesBox = byId("return-copies", HTMLFieldSetElement);
  const legend = copiesBox.querySelector("legend");
  const by = byId("return-by", HTMLInputElement);
  const on = byId("return-on", HTMLInputElement);
  const cancel = byId("return-cancel", HTMLButtonElement);
  const fields: Record<string, HTMLElement> = { copies: copiesBox, by, on };
  const resolve: FieldResolver = (field) => fields[field] ?? null;
  let current: ReturnTarget | null = null;
  let back: HTMLElement | null = null;

  function open(row: ReturnTarget, from: HTMLElement): void {
    current = row;
    back = from;
    clearErrors();
    what.textContent = `${row.unit_name} (${row.unit_code}) — đợt thu hồi ${row.code}${row.title ? `: ${row.title}` : ""}`;
    copiesBox.replaceChildren(
      ...(legend ? [legend] : []),
      ...row.missing.map((n) =>
        h(
          "label",
          { class: "check" },
          h("input", { type: "checkbox", name: "copy", value: String(n), checked: "" }),
          ` Bản số ${copyNumber(n)}`,
        ),
      ),
    );
    by.value = row.bearer ?? "";
    writeDate(on, todayIso());
    dialog.showModal();
    by.focus();
    by.select();
  }

  // The dialog is shared by the screens that open it (outstanding list,
  // inbox): each instance forgets its row when it closes, so a submit is
  // taken only by the one that opened it.
  dialog.addEventListener("close", () => {
    current = null;
    back?.focus();
    back = null;
  });
  cancel.addEventListener("click", () => dialog.close());

  form.addEventListener(
    "submit",
    guarded(form, async () => {
      const row = current;
      if (!row) return;
      clearErrors();
      const day = parseDate(on.value);
      if (day === undefined) {
        showError({ kind: "invalid", message: "Ngày nộp không hợp lệ; nhập dạng ngày/tháng/năm.", field: "on" }, resolve);
        return;
      }
      const copies = [...copiesBox.querySelectorAll<HTMLInputElement>("input[name=copy]:checked")].map((c) => Number(c.value));
      try {
        const r = await returnCopies({ code: row.code, unit: row.unit_code, copies, by: clean(by.value), on: day });
        const left = r.missing.length ? ` Còn thiếu ${r.missing.length} bản của đợt thu hồi.` : " Đợt thu hồi đã đủ.";
        announce(`Đã nhận lại bản số ${copies.map(copyNumber).join(", ")} từ ${row.unit_name}.${left}`);
        back = null;
        dialog.close();
        await saved(row);
      } catch (e) {
        showError(toApiError(e), resolve);
      }
    }),
  );

  return { open };
}

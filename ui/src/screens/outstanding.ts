// Screen "Chưa xác nhận": receipts not yet confirmed, filtered by batch and counted
// as of a day; overdue rows stand out. Each row opens the confirm dialog.
import { confirmReceipt, outstanding, toApiError } from "../api";
import type { OutstandingRow } from "../bindings/OutstandingRow";
import { byId, fill, h, numCell, tbodyOf } from "../dom";
import { announce, clearErrors, showError, type FieldResolver } from "../feedback";
import { RECEIPT_STATUS_LABEL, clean, formatDate, formatNumber, parseDate, todayIso, writeDate } from "../format";
import { data, onChange, reload } from "../store";
import { guarded, type Screen } from "./screen";

function batchLabel(code: string, title: string): string {
  return title && title !== code ? `${title} (${code})` : code;
}

export function outstandingScreen(): Screen {
  const filters = byId("out-filters", HTMLFormElement);
  const batchSelect = byId("out-batch", HTMLSelectElement);
  const asOf = byId("out-as-of", HTMLInputElement);
  const printButton = byId("out-print", HTMLButtonElement);
  const countLine = byId("out-count", HTMLParagraphElement);
  const caption = byId("out-caption", HTMLTableCaptionElement);
  const table = byId("outstanding-table", HTMLTableElement);

  const dialog = byId("confirm-dialog", HTMLDialogElement);
  const confirmForm = byId("confirm-form", HTMLFormElement);
  const what = byId("confirm-what", HTMLParagraphElement);
  const by = byId("confirm-by", HTMLInputElement);
  const on = byId("confirm-on", HTMLInputElement);
  const cancel = byId("confirm-cancel", HTMLButtonElement);

  let rows: OutstandingRow[] = [];
  let buttons: HTMLButtonElement[] = [];
  let seq = 0;

  // ---- list --------------------------------------------------------------

  function query(): { batch: string | null; as_of: string | null } | undefined {
    const day = parseDate(asOf.value);
    if (day === undefined) return undefined;
    return { batch: batchSelect.value || null, as_of: day };
  }

  async function load(): Promise<void> {
    const q = query();
    if (!q) {
      showError({ kind: "invalid", message: "Ngày tính quá hạn không hợp lệ; nhập dạng ngày/tháng/năm.", field: "as_of" }, () => asOf);
      return;
    }
    const mine = ++seq;
    try {
      const result = await outstanding(q);
      if (mine !== seq) return; // a newer request is on its way
      rows = result;
      render(q.batch, q.as_of ?? todayIso());
    } catch (e) {
      if (mine === seq) showError(toApiError(e));
    }
  }

  function render(batch: string | null, day: string): void {
    const units = new Set(rows.map((r) => r.unit_code));
    const overdue = rows.filter((r) => r.days_overdue > 0).length;
    let text = `${formatNumber(units.size)} đơn vị chưa xác nhận`;
    if (rows.length !== units.size) text += ` (${formatNumber(rows.length)} lượt nhận)`;
    if (overdue) text += `, ${formatNumber(overdue)} lượt quá hạn`;
    countLine.textContent = `${text}.`;

    const b = batch ? data.batches.find((x) => x.code === batch) : undefined;
    caption.textContent =
      `Đơn vị chưa xác nhận đã nhận văn bản — ${b ? batchLabel(b.code, b.title) : batch ?? "tất cả các đợt"}` +
      ` — tính đến ngày ${formatDate(day)}`;

    buttons = [];
    const trs = rows.map((r, i) => {
      const unitId = `out-unit-${i}`;
      const button = h("button", { type: "button", class: "confirm", "aria-describedby": unitId }, "Xác nhận");
      button.addEventListener("click", () => openConfirm(r, i));
      buttons.push(button);
      const late = r.days_overdue > 0;
      return h(
        "tr",
        { "data-batch": r.batch, "data-unit": r.unit_code, class: late ? "overdue" : null },
        h(
          "th",
          { scope: "row", id: unitId },
          r.unit_name,
          " ",
          h("span", { class: "muted code" }, `(${r.unit_code})`),
          r.status !== "pending" ? h("span", { class: `badge badge-${r.status}` }, RECEIPT_STATUS_LABEL[r.status]) : null,
          r.in_place_of
            ? h("span", { class: "sub in-place-of" }, `nhận thay cho ${r.in_place_of_name ?? r.in_place_of} (${r.in_place_of})`)
            : null,
        ),
        h("td", null, h("span", { class: "code" }, r.batch), r.batch_title && r.batch_title !== r.batch ? h("span", { class: "sub" }, r.batch_title) : null),
        h("td", { class: "date" }, formatDate(r.due)),
        late
          ? numCell(formatNumber(r.days_overdue), "days-overdue")
          : h("td", { class: "num muted" }, "—", h("span", { class: "visually-hidden" }, "chưa quá hạn")),
        numCell(formatNumber(r.copies)),
        h("td", { class: "col-action" }, button),
      );
    });
    const body = tbodyOf(table);
    if (trs.length) fill(body, trs);
    else body.replaceChildren(h("tr", { class: "empty" }, h("td", { colspan: 6 }, "Mọi đơn vị đã xác nhận.")));
  }

  function renderBatchOptions(): void {
    const current = batchSelect.value;
    fill(batchSelect, [
      h("option", { value: "" }, "Tất cả các đợt"),
      ...data.batches.map((b) => {
        const pending = b.recipients - b.confirmed;
        return h("option", { value: b.code }, `${batchLabel(b.code, b.title)} — ${formatNumber(pending)}/${formatNumber(b.recipients)} chưa xác nhận`);
      }),
    ]);
    batchSelect.value = data.batches.some((b) => b.code === current) ? current : "";
  }

  batchSelect.addEventListener("change", () => void load());
  asOf.addEventListener("change", () => void load());
  filters.addEventListener("submit", (e) => {
    e.preventDefault();
    void load();
  });
  printButton.addEventListener("click", () => window.print());

  onChange((changed) => {
    if (changed.has("batches")) renderBatchOptions();
  });

  // ---- confirm dialog ----------------------------------------------------

  let current: { row: OutstandingRow; index: number } | null = null;
  let returnFocus = true;

  const fields: Record<string, HTMLElement> = { by, on };
  const resolve: FieldResolver = (field) => fields[field] ?? null;

  function openConfirm(row: OutstandingRow, index: number): void {
    current = { row, index };
    returnFocus = true;
    clearErrors();
    what.textContent =
      `${row.unit_name} (${row.unit_code}) — ${batchLabel(row.batch, row.batch_title)}: ` +
      `${formatNumber(row.copies)} bản, giao ngày ${formatDate(row.handed)}.`;
    by.value = "";
    writeDate(on, todayIso());
    dialog.showModal();
    by.focus();
  }

  dialog.addEventListener("close", () => {
    clearErrors();
    const index = current?.index ?? -1;
    current = null;
    if (returnFocus && index >= 0) buttons[index]?.focus();
  });
  cancel.addEventListener("click", () => dialog.close());

  confirmForm.addEventListener(
    "submit",
    guarded(confirmForm, async () => {
      if (!current) return;
      clearErrors();
      const signer = clean(by.value);
      if (!signer) {
        showError({ kind: "invalid", message: "Nhập tên người ký nhận.", field: "by" }, resolve);
        return;
      }
      const day = parseDate(on.value);
      if (day === undefined) {
        showError({ kind: "invalid", message: "Ngày ký không hợp lệ; nhập dạng ngày/tháng/năm.", field: "on" }, resolve);
        return;
      }
      const { row, index } = current;
      try {
        await confirmReceipt({ batch: row.batch, unit_code: row.unit_code, by: signer, on: day });
      } catch (e) {
        showError(toApiError(e), resolve);
        return;
      }
      returnFocus = false;
      dialog.close();
      announce(`Đã xác nhận: ${row.unit_name} — ${batchLabel(row.batch, row.batch_title)}.`);
      try {
        await Promise.all([load(), reload("batches")]);
      } catch (e) {
        showError(toApiError(e));
        return;
      }
      // Focus moves to the row that took the confirmed one's place.
      const next = buttons[Math.min(index, buttons.length - 1)];
      (next ?? countLine).focus();
    }),
  );

  writeDate(asOf, todayIso());

  return {
    key: "outstanding",
    firstField: batchSelect,
    onShow: load,
  };
}

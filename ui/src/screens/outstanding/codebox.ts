// The receipt-code box at the top of screen "Chưa xác nhận": a code typed
// or scanned from a returned slip shows that slip under the box (its
// documents, copies handed and received, who signed) and opens the confirm
// dialog for it; a confirmed slip can be un-confirmed there, with a reason.
// A mistyped code keeps the box focused with its text selected, so the next
// scan replaces it.
import { getReceipt, toApiError, undoConfirmation } from "../../api";
import type { ReceiptDetail } from "../../bindings/ReceiptDetail";
import { byId, h, numCell } from "../../dom";
import { announce, clearErrors, showError, type FieldResolver } from "../../feedback";
import { RECEIPT_STATUS_LABEL, clean, formatDate, formatNumber, formatReceiptCode } from "../../format";
import { reload } from "../../store";
import { guarded } from "../screen";
import { batchLabel } from "./common";

/**
 * "Thực nhận" of a slip line: nothing yet while pending, 0 for a declined
 * slip (the copies went back), the copies counted for a partial one, else all.
 */
function receivedCell(d: ReceiptDetail, quantity: number, received: number | null): HTMLTableCellElement {
  if (d.status === "pending") return numCell("");
  if (d.status === "declined") return numCell("0", "muted");
  if (received !== null) return numCell(formatNumber(received), received < quantity ? "negative" : undefined);
  return numCell(formatNumber(quantity));
}

export interface CodeBox {
  /** The box itself (the screen's first field). */
  input: HTMLInputElement;
  /** Shows the slip of one receipt under the code box, with its actions. */
  show(code: string): Promise<ReceiptDetail>;
}

/**
 * Puts the box above the list; `openDialog` opens the confirm dialog for a
 * slip, `reloadList` reloads the list after an undo.
 */
export function receiptCodeBox(openDialog: (d: ReceiptDetail) => void, reloadList: () => Promise<void>): CodeBox {
  const codeInput = h("input", {
    id: "code-input",
    type: "text",
    autocomplete: "off",
    spellcheck: "false",
    autocapitalize: "characters",
    class: "code-input",
    "aria-describedby": "code-input-hint",
  });
  const codeLookup = h("button", { id: "code-lookup", type: "submit" }, "Tìm phiếu");
  const codeForm = h(
    "form",
    { id: "code-form", class: "code-form", novalidate: true, "aria-label": "Xác nhận theo mã nhận trên phiếu" },
    h(
      "div",
      { class: "field" },
      h("label", { for: "code-input" }, "Nhập mã nhận"),
      h("div", { class: "code-line" }, codeInput, codeLookup),
      h("p", { class: "hint", id: "code-input-hint" }, "8 ký tự in trên phiếu, gõ hoặc quét mã QR; chữ hoa hay thường đều được."),
    ),
  );
  // A scanned or retyped code replaces what is there.
  codeInput.addEventListener("focus", () => codeInput.select());
  const codeResult = h("section", { id: "code-result", class: "entry-form code-result", "aria-live": "polite", hidden: true });
  byId("outstanding-heading", HTMLHeadingElement).after(codeForm);
  byId("out-filters", HTMLFormElement).before(codeResult);

  const codeResolve: FieldResolver = (field) => (field === "receipt_code" ? codeInput : null);

  /** Shows the slip of one receipt under the code box, with its actions. */
  async function showReceipt(code: string): Promise<ReceiptDetail> {
    const d = await getReceipt(code);
    const lines = h(
      "table",
      { class: "data-table compact", id: "code-lines" },
      h("caption", null, "Văn bản trên phiếu"),
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          h("th", { scope: "col" }, "Số ký hiệu"),
          h("th", { scope: "col" }, "Trích yếu"),
          h("th", { scope: "col", class: "num" }, "Số bản"),
          h("th", { scope: "col", class: "num" }, "Thực nhận"),
        ),
      ),
      h(
        "tbody",
        null,
        ...d.lines.map((l) =>
          h(
            "tr",
            { "data-symbol": l.symbol },
            h("th", { scope: "row", class: "code" }, l.symbol),
            h("td", null, l.title),
            numCell(formatNumber(l.quantity)),
            receivedCell(d, l.quantity, l.received),
          ),
        ),
      ),
    );
    const facts: [string, string][] = [
      ["Đơn vị", `${d.unit_name} (${d.unit_code})`],
      ["Đợt", batchLabel(d.batch, d.batch_title)],
      ["Ngày giao · hạn", `${formatDate(d.handed)} · ${formatDate(d.due)}`],
    ];
    if (!d.must_confirm) facts.push(["Loại nhận", "Chỉ để biết (không cần xác nhận)"]);
    if (d.status !== "pending") {
      facts.push(["Người ký", `${d.signed_by ?? ""}${d.on_behalf ? " (ký thay)" : ""}`]);
      if (d.signed_on) facts.push(["Ngày ký", formatDate(d.signed_on)]);
      if (d.note) facts.push([d.status === "declined" ? "Lý do" : "Ghi chú", d.note]);
    }
    const actions = h("div", { class: "actions" });
    if (d.status !== "confirmed") {
      const b = h("button", { id: "code-confirm", type: "button" }, d.status === "pending" ? "Xác nhận phiếu này" : "Xác nhận lại");
      b.addEventListener("click", () => {
        openDialog(d);
      });
      actions.append(b);
    }
    let undo: HTMLFormElement | null = null;
    if (d.status !== "pending") {
      const b = h("button", { id: "code-undo", type: "button", class: "secondary", "aria-expanded": "false", "aria-controls": "undo-form" }, "Huỷ xác nhận");
      undo = undoForm(d, b);
      b.addEventListener("click", () => {
        undo!.hidden = !undo!.hidden;
        b.setAttribute("aria-expanded", String(!undo!.hidden));
        if (!undo!.hidden) undo!.querySelector("input")?.focus();
      });
      actions.append(b);
    }
    codeResult.replaceChildren(
      h(
        "h2",
        { id: "code-result-heading" },
        `Phiếu ${formatReceiptCode(d.receipt_code)} `,
        h("span", { class: `badge badge-${d.status}`, id: "code-status", "data-status": d.status }, RECEIPT_STATUS_LABEL[d.status]),
      ),
      h("dl", { class: "detail-list" }, ...facts.flatMap(([k, v]) => [h("dt", null, k), h("dd", null, v)])),
      h("div", { class: "table-wrap" }, lines),
      actions,
      ...(undo ? [undo] : []),
    );
    codeResult.hidden = false;
    return d;
  }

  /** "Huỷ xác nhận" with its reason: the receipt goes back to pending; logged. */
  function undoForm(d: ReceiptDetail, opener: HTMLButtonElement): HTMLFormElement {
    const reason = h("input", { id: "undo-reason", type: "text", autocomplete: "off", "aria-describedby": "undo-reason-hint" });
    const f = h(
      "form",
      { id: "undo-form", class: "undo-form", novalidate: true, hidden: true },
      h(
        "div",
        { class: "field" },
        h("label", { for: "undo-reason" }, "Lý do huỷ xác nhận"),
        h("p", { class: "hint", id: "undo-reason-hint" }, "Bắt buộc; được ghi vào nhật ký. Phiếu trở lại danh sách chưa xác nhận."),
        reason,
      ),
      h("div", { class: "actions" }, h("button", { id: "undo-submit", type: "submit", class: "warning" }, "Huỷ xác nhận phiếu này")),
    );
    f.addEventListener(
      "submit",
      guarded(f, async () => {
        clearErrors();
        const why = clean(reason.value);
        if (!why) {
          showError({ kind: "invalid", message: "Ghi lý do huỷ xác nhận.", field: "reason" }, undefined, reason);
          return;
        }
        try {
          await undoConfirmation({ batch: d.batch, unit_code: d.unit_code, receipt_code: d.receipt_code, by: "", on: null }, why);
        } catch (e) {
          showError(toApiError(e), (field) => (field === "reason" ? reason : null));
          return;
        }
        announce(`Đã huỷ xác nhận: ${d.unit_name} — ${batchLabel(d.batch, d.batch_title)}; đơn vị trở lại danh sách chưa xác nhận.`);
        try {
          await Promise.all([reloadList(), reload("batches"), showReceipt(d.receipt_code)]);
        } catch (e) {
          showError(toApiError(e));
          return;
        }
        (document.getElementById("code-confirm") ?? opener).focus();
      }),
    );
    return f;
  }

  codeForm.addEventListener(
    "submit",
    guarded(codeForm, async () => {
      clearErrors();
      const code = clean(codeInput.value);
      // The box keeps focus with its text selected: the next scan replaces
      // a mistyped code; the message stays beside the box.
      if (!code) {
        showError({ kind: "invalid", message: "Nhập mã nhận in trên phiếu (8 ký tự).", field: "receipt_code" }, codeResolve, null, {
          keepFocus: true,
        });
        return;
      }
      let d: ReceiptDetail;
      try {
        d = await showReceipt(code);
      } catch (e) {
        codeResult.hidden = true;
        showError(toApiError(e), codeResolve, null, { keepFocus: true });
        return;
      }
      if (d.status !== "confirmed") {
        openDialog(d);
      } else {
        announce(`Phiếu ${formatReceiptCode(d.receipt_code)} đã được xác nhận.`);
      }
    }),
  );

  return { input: codeInput, show: showReceipt };
}

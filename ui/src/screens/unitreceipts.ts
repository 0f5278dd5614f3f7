// A unit's history of receipts, for the detail pane of the units screen: every
// batch the unit received (newest first), how and when it confirmed (signer,
// day, method, on behalf, days late), partial or declined, for information
// only; a receipt still open carries its flag (days overdue and tier).
import type { UnitReceipt } from "../bindings/UnitReceipt";
import { fill, h, numCell } from "../dom";
import { CONFIRM_METHOD_SHORT, receiptBadge } from "../flags";
import { RECEIPT_STATUS_LABEL, formatDate, formatNumber } from "../format";

/** Open: must confirm and not confirmed (pending, partial, declined). */
export function receiptOpen(r: UnitReceipt): boolean {
  return r.must_confirm && r.status !== "confirmed";
}

function statusCell(r: UnitReceipt): HTMLTableCellElement {
  const badge =
    r.status === "partial" || r.status === "declined"
      ? h("span", { class: `badge badge-${r.status}` }, RECEIPT_STATUS_LABEL[r.status])
      : h("span", { class: "status-text" }, RECEIPT_STATUS_LABEL[r.status]);
  return h(
    "td",
    { class: "receipt-status" },
    r.must_confirm ? badge : h("span", { class: "status-text" }, "Để biết"),
    !r.must_confirm && r.status !== "pending" ? h("span", { class: "sub" }, RECEIPT_STATUS_LABEL[r.status]) : null,
    receiptOpen(r) ? h("span", { class: "sub" }, receiptBadge(r.days_overdue, r.tier)) : null,
    r.note ? h("span", { class: "sub" }, r.note) : null,
  );
}

function confirmationCell(r: UnitReceipt): HTMLTableCellElement {
  if (!r.signed_by && !r.signed_on) {
    return h("td", { class: "receipt-signed" }, h("span", { class: "muted" }, r.must_confirm ? "Chưa ký nhận" : "—"));
  }
  const method = r.method ? (CONFIRM_METHOD_SHORT[r.method] ?? r.method) : null;
  const when = [r.signed_on ? `ngày ${formatDate(r.signed_on)}` : null, method].filter(Boolean).join(" · ");
  return h(
    "td",
    { class: "receipt-signed" },
    h("span", { class: "signer" }, r.signed_by ?? "—"),
    r.on_behalf ? h("span", { class: "badge on-behalf" }, "ký thay") : null,
    when ? h("span", { class: "sub" }, when) : null,
    r.days_late > 0 ? h("span", { class: "sub late" }, `trễ ${formatNumber(r.days_late)} ngày so với hạn`) : null,
  );
}

/** Fills `body` with one row per receipt (or a line saying there is none). */
export function renderUnitReceipts(body: HTMLTableSectionElement, receipts: readonly UnitReceipt[]): void {
  if (!receipts.length) {
    body.replaceChildren(h("tr", { class: "empty" }, h("td", { colspan: 4 }, "Đơn vị chưa nhận đợt nào.")));
    return;
  }
  fill(
    body,
    receipts.map((r) =>
      h(
        "tr",
        {
          "data-batch": r.batch,
          "data-status": r.status,
          "data-open": String(receiptOpen(r)),
          "data-must-confirm": String(r.must_confirm),
          class: receiptOpen(r) ? "receipt-open" : r.must_confirm ? null : "receipt-info",
        },
        h(
          "th",
          { scope: "row" },
          h("span", { class: "code" }, r.batch),
          r.batch_title && r.batch_title !== r.batch ? h("span", { class: "sub" }, r.batch_title) : null,
          h("span", { class: "sub" }, `giao ${formatDate(r.handed)} · hạn ${formatDate(r.due)}`),
        ),
        statusCell(r),
        confirmationCell(r),
        numCell(formatNumber(r.copies)),
      ),
    ),
  );
}

// Screen "Hộp đến": the batches a parent office handed to our unit or to units
// under it, received in its packets, one row per receipt (batch, from, unit,
// receipt code, handed, due, status). "Xác nhận" opens the confirm dialog
// (confirm.ts) with the receipt's code, the same dialog and path as our own
// receipts; the confirmation goes up in the next packet ("Trao đổi").
import { inbox, toApiError } from "../api";
import type { InboxRow } from "../bindings/InboxRow";
import { byId, fill, h, tbodyOf } from "../dom";
import { announce, showError } from "../feedback";
import { RECEIPT_STATUS_LABEL, formatDate, formatReceiptCode } from "../format";
import { confirmDialog } from "./confirm";
import type { Screen } from "./screen";

export function inboxScreen(): Screen {
  const section = byId("screen-inbox", HTMLElement);
  const heading = h("h1", { id: "inbox-heading", tabindex: "-1" }, "Hộp đến");
  const intro = h(
    "p",
    { class: "hint" },
    "Các đợt cấp trên giao cho đơn vị này hoặc các đơn vị trực thuộc, nhận qua gói trao đổi. Xác nhận ở đây như phiếu của sổ này; xác nhận được gửi lên trong gói tiếp theo.",
  );
  const table = h(
    "table",
    { id: "inbox-table", class: "data-table" },
    h("caption", null, "Phiếu nhận từ cấp trên ", h("span", { class: "caption-count", id: "inbox-count" })),
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        h("th", { scope: "col" }, "Đợt"),
        h("th", { scope: "col" }, "Từ"),
        h("th", { scope: "col" }, "Đơn vị"),
        h("th", { scope: "col" }, "Mã nhận"),
        h("th", { scope: "col" }, "Ngày giao"),
        h("th", { scope: "col" }, "Hạn"),
        h("th", { scope: "col" }, "Trạng thái"),
        h("th", { scope: "col", class: "col-action" }, h("span", { class: "visually-hidden" }, "Thao tác")),
      ),
    ),
    h("tbody"),
  );
  let buttons: HTMLButtonElement[] = [];
  let fromRow = -1;

  const dialog = confirmDialog(
    async ({ detail, by }) => {
      announce(`Đã xác nhận phiếu ${formatReceiptCode(detail.receipt_code)} của ${detail.unit_name} (người ký: ${by}); gửi gói để báo lên cấp trên.`);
      await render();
      (buttons[Math.min(fromRow, buttons.length - 1)] ?? heading).focus();
    },
    (saved) => {
      if (!saved) buttons[fromRow]?.focus();
    },
  );

  function rowOf(r: InboxRow, index: number): HTMLTableRowElement {
    const confirm = h("button", { type: "button", class: "secondary inbox-confirm", "data-code": r.receipt_code }, "Xác nhận");
    confirm.addEventListener("click", () => {
      fromRow = index;
      void dialog.open(r.receipt_code, "in_person");
    });
    buttons.push(confirm);
    const signed = r.signed_by ? ` (${r.signed_by})` : "";
    return h(
      "tr",
      { "data-code": r.receipt_code, "data-batch": r.batch, "data-unit": r.unit_code, "data-status": r.status },
      h("th", { scope: "row" }, r.title ? `${r.batch}: ${r.title}` : r.batch),
      h("td", null, r.from),
      h("td", null, r.unit_code),
      h("td", { class: "code" }, formatReceiptCode(r.receipt_code)),
      h("td", null, formatDate(r.handed)),
      h("td", null, formatDate(r.due)),
      h("td", { class: `status status-${r.status}` }, `${RECEIPT_STATUS_LABEL[r.status]}${signed}`),
      h("td", { class: "col-action" }, r.must_confirm && r.status === "pending" ? confirm : null),
    );
  }

  async function render(): Promise<void> {
    try {
      const rows = await inbox();
      buttons = [];
      byId("inbox-count", HTMLSpanElement).textContent = `(${rows.length})`;
      fill(
        tbodyOf(table),
        rows.length
          ? rows.map(rowOf)
          : [h("tr", { class: "empty" }, h("td", { colspan: 8 }, "Chưa nhận đợt nào từ cấp trên. Nhận gói ở màn hình Trao đổi."))],
      );
    } catch (e) {
      showError(toApiError(e));
    }
  }

  section.replaceChildren(heading, intro, h("div", { class: "table-wrap" }, table));

  return {
    key: "inbox",
    firstField: heading,
    onShow: render,
  };
}

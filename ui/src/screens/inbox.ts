// Screen "Hộp đến": the batches a parent office handed to our unit or to units
// under it, received in its packets, one row per receipt (batch, from, unit,
// receipt code, handed, due, status). "Xác nhận" opens the confirm dialog
// (confirm.ts) with the receipt's code, the same dialog and path as our own
// receipts; the confirmation goes up in the next packet ("Trao đổi"). Below,
// the parent's recalls of classified copies, a row per unit holding copies:
// "Nộp lại" opens the return dialog (copies.ts), and the return goes up too.
import { inbox, receivedRecalls, toApiError } from "../api";
import type { InboxRow } from "../bindings/InboxRow";
import type { ReceivedRecall } from "../bindings/ReceivedRecall";
import { byId, fill, h, tbodyOf } from "../dom";
import { announce, showError } from "../feedback";
import { RECEIPT_STATUS_LABEL, formatDate, formatReceiptCode } from "../format";
import { onOutsideChange } from "../store";
import { confirmDialog } from "./confirm";
import { copyNumber, returnDialog } from "./copies";
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
  const recallTable = h(
    "table",
    { id: "inbox-recalls", class: "data-table" },
    h("caption", null, "Lệnh thu hồi tài liệu mật từ cấp trên ", h("span", { class: "caption-count", id: "inbox-recalls-count" })),
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        h("th", { scope: "col" }, "Đợt thu hồi"),
        h("th", { scope: "col" }, "Văn bản"),
        h("th", { scope: "col" }, "Từ"),
        h("th", { scope: "col" }, "Đơn vị"),
        h("th", { scope: "col" }, "Bản số"),
        h("th", { scope: "col" }, "Hạn nộp"),
        h("th", { scope: "col", class: "col-action" }, h("span", { class: "visually-hidden" }, "Thao tác")),
      ),
    ),
    h("tbody"),
  );
  let buttons: HTMLButtonElement[] = [];
  let recallButtons: HTMLButtonElement[] = [];
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

  const returns = returnDialog(async () => {
    await render();
    (recallButtons[Math.min(fromRow, recallButtons.length - 1)] ?? heading).focus();
  });

  function recallRowOf(r: ReceivedRecall, index: number): HTMLTableRowElement {
    const missing = r.missing.map(copyNumber).join(", ");
    const give = h("button", { type: "button", class: "secondary inbox-return" }, `Nộp lại bản số ${missing}`);
    give.addEventListener("click", () => {
      fromRow = index;
      returns.open(
        { code: r.code, title: r.reason, unit_code: r.unit_code, unit_name: r.unit_name, missing: r.missing, bearer: null },
        give,
      );
    });
    recallButtons.push(give);
    const back = r.copies.filter((n) => !r.missing.includes(n));
    return h(
      "tr",
      { "data-code": r.code, "data-unit": r.unit_code, "data-missing": r.missing.join(",") },
      h("th", { scope: "row" }, `${r.code}: ${r.reason}`),
      h("td", { class: "code" }, r.symbol),
      h("td", null, r.from),
      h("td", null, `${r.unit_name} (${r.unit_code})`),
      h(
        "td",
        null,
        r.missing.length ? `còn thiếu ${missing}` : "đã nộp đủ",
        back.length ? h("span", { class: "sub" }, ` (đã nộp ${back.map(copyNumber).join(", ")})`) : null,
      ),
      h("td", null, formatDate(r.due_on)),
      h("td", { class: "col-action" }, r.missing.length ? give : null),
    );
  }

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
      const [rows, recalls] = await Promise.all([inbox(), receivedRecalls()]);
      buttons = [];
      recallButtons = [];
      byId("inbox-recalls-count", HTMLSpanElement).textContent = `(${recalls.length})`;
      recallTable.hidden = recalls.length === 0;
      fill(tbodyOf(recallTable), recalls.map(recallRowOf));
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

  // Another program wrote (a scheduled `giaonhan sync receive`, a second
  // window confirming): drawn again, the focus kept on the same row's button.
  onOutsideChange(section, () => {
    const row = section.contains(document.activeElement) ? (document.activeElement?.closest("tr") ?? null) : null;
    const body = row?.closest("table")?.tBodies[0];
    void render().then(() => {
      if (!row || row.isConnected) return;
      const again = [...(body?.rows ?? [])].find((r) => r.dataset.code === row.dataset.code && r.dataset.unit === row.dataset.unit);
      (again?.querySelector("button") ?? heading).focus();
    });
  });

  section.replaceChildren(
    heading,
    intro,
    h("div", { class: "table-wrap" }, table),
    h("div", { class: "table-wrap" }, recallTable),
  );

  return {
    key: "inbox",
    firstField: heading,
    onShow: render,
  };
}

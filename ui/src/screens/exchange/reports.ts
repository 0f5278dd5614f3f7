// "Văn phòng cấp dưới báo cáo" on the "Trao đổi" screen: what each child
// office has reported in its packets, office by office — how many of its own
// receipts (to its branches) are still open and overdue, and how old its
// latest packet is, so that a province sees every branch and which offices
// have gone quiet. "Xem" lists an office's open receipts below the table.
import { childReports } from "../../api";
import type { OfficeReport } from "../../bindings/OfficeReport";
import type { OutstandingRow } from "../../bindings/OutstandingRow";
import { fill, h, numCell, tbodyOf } from "../../dom";
import { RECEIPT_STATUS_LABEL, formatDate, formatNumber } from "../../format";
import { formatTime } from "../backups";
import { batchLabel } from "../outstanding/common";

/** An office whose latest packet is older than this many days is marked as quiet. */
const QUIET_DAYS = 7;

function ageCell(o: OfficeReport): HTMLTableCellElement {
  if (o.last_in_at === null || o.days_since === null) return h("td", { class: "quiet" }, "Chưa có gói nào");
  const ago = o.days_since <= 0 ? "hôm nay" : `${formatNumber(o.days_since)} ngày trước`;
  return h("td", { class: o.days_since > QUIET_DAYS ? "quiet" : null }, `${formatTime(o.last_in_at)} (${ago})`);
}

function receiptRow(r: OutstandingRow): HTMLTableRowElement {
  return h(
    "tr",
    { "data-batch": r.batch, "data-unit": r.unit_code },
    h("td", null, batchLabel(r.batch, r.batch_title)),
    h("th", { scope: "row" }, `${r.unit_name} (${r.unit_code})`),
    h("td", null, formatDate(r.due)),
    numCell(r.days_overdue > 0 ? formatNumber(r.days_overdue) : ""),
    h("td", null, RECEIPT_STATUS_LABEL[r.status]),
  );
}

/** The part and how to fill it; hidden while we trust no child office. */
export function childReportsPart(): { element: HTMLElement; render: () => Promise<void> } {
  const table = h(
    "table",
    { id: "reports-table", class: "data-table" },
    h("caption", null, "Văn phòng cấp dưới báo cáo ", h("span", { class: "caption-count", id: "reports-count" })),
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        h("th", { scope: "col" }, "Văn phòng"),
        h("th", { scope: "col" }, "Gói mới nhất"),
        h("th", { scope: "col", class: "num" }, "Chưa xác nhận"),
        h("th", { scope: "col", class: "num" }, "Quá hạn"),
        h("th", { scope: "col" }, ""),
      ),
    ),
    h("tbody"),
  );
  const detailCaption = h("caption", { id: "report-rows-caption" });
  const detail = h(
    "table",
    { id: "report-rows", class: "data-table", hidden: true },
    detailCaption,
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        h("th", { scope: "col" }, "Đợt"),
        h("th", { scope: "col" }, "Đơn vị"),
        h("th", { scope: "col" }, "Hạn"),
        h("th", { scope: "col", class: "num" }, "Quá hạn (ngày)"),
        h("th", { scope: "col" }, "Trạng thái"),
      ),
    ),
    h("tbody"),
  );
  const element = h(
    "div",
    { id: "exchange-reports", hidden: true },
    h("div", { class: "table-wrap" }, table),
    h("div", { class: "table-wrap" }, detail),
  );

  function show(o: OfficeReport): void {
    detail.hidden = false;
    detailCaption.textContent = `${o.name} (${o.unit}): ${formatNumber(o.rows.length)} phiếu chưa xác nhận`;
    fill(tbodyOf(detail), o.rows.map(receiptRow));
  }

  function officeRow(o: OfficeReport): HTMLTableRowElement {
    const overdue = o.rows.filter((r) => r.days_overdue > 0).length;
    const view = h("button", { type: "button", class: "secondary report-view" }, "Xem");
    view.addEventListener("click", () => show(o));
    return h(
      "tr",
      { "data-unit": o.unit, "data-open": String(o.rows.length) },
      h("th", { scope: "row" }, `${o.name} (${o.unit})`),
      ageCell(o),
      numCell(formatNumber(o.rows.length)),
      numCell(formatNumber(overdue), overdue > 0 ? "negative" : undefined),
      h("td", null, o.rows.length > 0 ? view : ""),
    );
  }

  async function render(): Promise<void> {
    const offices = await childReports();
    element.hidden = offices.length === 0;
    const open = offices.reduce((n, o) => n + o.rows.length, 0);
    const count = element.querySelector("#reports-count");
    if (count) count.textContent = `(${formatNumber(offices.length)} văn phòng, ${formatNumber(open)} phiếu chưa xác nhận)`;
    fill(tbodyOf(table), offices.map(officeRow));
    detail.hidden = true;
  }

  return { element, render };
}

// The list of batches on the batch screen, each with its flags: units confirmed /
// must confirm (and the rate), still open, and overdue with the escalation tier,
// and a button that opens its delivery slips in the print preview (every
// unit's, or one unit's: a reprint). The newest batches show; typing a few
// letters of a code or title finds any of thousands. Redrawn whenever the
// batches change (a new batch, a confirmation elsewhere) or the tier settings do.
import { batchStats, toApiError } from "../api";
import type { BatchStats } from "../bindings/BatchStats";
import { byId, fill, h, numCell, tbodyOf } from "../dom";
import { showError } from "../feedback";
import { overdueBadge } from "../flags";
import { formatDate, formatNumber, formatPercent, matchesAll, searchKey } from "../format";
import { data, onChange } from "../store";
import { openSlips } from "./slips";

/** How many of the newest batches the list shows. */
const SHOWN = 30;

/** The highest tier with an overdue count, and that count ([0, 0] when none). */
function overdueOf(s: BatchStats): [number, number] {
  for (let i = s.overdue.length - 1; i >= 0; i--) {
    const n = s.overdue[i] ?? 0;
    if (n > 0) return [n, i + 1];
  }
  return [0, 0];
}

/** Adds the batch list after `anchor` and keeps it current. */
export function mountBatchList(anchor: Element): void {
  const caption = h("caption", null, "Các đợt đã giao");
  const table = h(
    "table",
    { id: "batch-list", class: "data-table compact" },
    caption,
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        h("th", { scope: "col" }, "Đợt"),
        h("th", { scope: "col" }, "Ngày giao"),
        h("th", { scope: "col" }, "Hạn xác nhận"),
        h("th", { scope: "col", class: "num" }, "Số bản"),
        h("th", { scope: "col", class: "num" }, "Đã xác nhận"),
        h("th", { scope: "col", class: "num" }, "Chưa xác nhận"),
        h("th", { scope: "col" }, "Quá hạn"),
        h("th", { scope: "col", class: "col-action" }, h("span", { class: "visually-hidden" }, "Phiếu giao nhận")),
      ),
    ),
    h("tbody"),
  );
  const search = h("input", {
    id: "batch-list-search",
    type: "search",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "Mã hoặc nội dung đợt, có dấu hay không dấu",
    "aria-controls": "batch-list",
  });
  const section = h(
    "section",
    { class: "batch-list", "aria-label": "Các đợt đã giao" },
    h("div", { class: "toolbar-line" }, h("div", { class: "field field-search" }, h("label", { for: "batch-list-search" }, "Tìm đợt đã giao"), search)),
    h("div", { class: "table-wrap" }, table),
  );
  anchor.after(section);

  let seq = 0;
  let timer: number | undefined;

  /** The batches to show: the newest, or the newest that match the search. */
  function shownBatches(): { codes: string[]; matched: number } {
    const q = search.value;
    const list = searchKey(q) ? data.batches.filter((b) => matchesAll(searchKey(`${b.code} ${b.title}`), q)) : data.batches;
    return { codes: list.slice(0, SHOWN).map((b) => b.code), matched: list.length };
  }

  function render(stats: BatchStats[], matched: number): void {
    const total = data.batches.length;
    const searching = searchKey(search.value) !== "";
    let count: string;
    if (searching) count = matched > SHOWN ? `(${formatNumber(SHOWN)} trong ${formatNumber(matched)} đợt khớp)` : `(${formatNumber(matched)} đợt khớp)`;
    else count = total > SHOWN ? `(${formatNumber(SHOWN)} đợt gần nhất trong ${formatNumber(total)})` : `(${formatNumber(total)})`;
    caption.replaceChildren("Các đợt đã giao ", h("span", { class: "caption-count" }, count));
    if (!stats.length) {
      tbodyOf(table).replaceChildren(
        h("tr", { class: "empty" }, h("td", { colspan: 8 }, searching ? "Không có đợt nào khớp." : "Chưa có đợt nào.")),
      );
      return;
    }
    fill(
      tbodyOf(table),
      stats.map((s) => {
        const [overdue, tier] = overdueOf(s);
        const open = s.units - s.confirmed;
        return h(
          "tr",
          { "data-batch": s.code, class: overdue ? "overdue" : null },
          h("th", { scope: "row" }, h("span", { class: "code" }, s.code), s.title && s.title !== s.code ? h("span", { class: "sub" }, s.title) : null),
          h("td", { class: "date" }, formatDate(s.handed_on)),
          h("td", { class: "date" }, formatDate(s.due_on)),
          numCell(formatNumber(s.copies)),
          h(
            "td",
            { class: "num confirmed", "data-confirmed": s.confirmed, "data-units": s.units },
            `${formatNumber(s.confirmed)} / ${formatNumber(s.units)}`,
            h("span", { class: "sub" }, formatPercent(s.completion)),
          ),
          numCell(formatNumber(open), "open"),
          h("td", { class: "overdue-cell", "data-overdue": overdue, "data-tier": tier }, overdue ? overdueBadge(overdue, tier) : h("span", { class: "muted" }, open ? "chưa đến hạn" : "—")),
          h("td", { class: "col-action" }, slipsButton(s)),
        );
      }),
    );
  }

  function slipsButton(s: BatchStats): HTMLButtonElement {
    const b = h(
      "button",
      { type: "button", class: "secondary small reprint", "data-batch": s.code, "aria-label": `In lại phiếu giao nhận đợt ${s.code}` },
      "In phiếu…",
    );
    b.addEventListener("click", () => void openSlips({ code: s.code, title: s.title }, b));
    return b;
  }

  async function refresh(): Promise<void> {
    const mine = ++seq;
    const { codes, matched } = shownBatches();
    const stats = codes.length ? await batchStats(codes, null) : [];
    if (mine === seq) render(stats, matched);
  }

  const run = (): void => void refresh().catch((e) => showError(toApiError(e)));
  onChange((changed) => {
    if (changed.has("batches")) run();
  }, byId("screen-batch", HTMLElement));
  search.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 120);
  });
  window.addEventListener("giaonhan:tiers-changed", run);
}

// Screen "Tổng quan": what the supervisor sees at a glance, as of a chosen day.
// Per current batch (still open, or handed in the last 60 days): copies handed,
// units confirmed / total, completion ("99,16%"), counts per status and overdue
// counts per escalation tier. Two SVG charts (charts.ts), each with a table of
// the same figures: completion per grassroots committee for one batch (a bar
// opens the outstanding list for that batch and committee), and cumulative
// confirmations over time for every current batch on one chart. Also the form
// that shows and sets the tier thresholds (the Rust side validates them), and
// the study follow-through panel (study.ts).
//
// Opening the list behind a bar: the event "giaonhan:show-outstanding" with
// `detail = { batches: [code], subtree: groupCode, as_of }` is dispatched on
// window (the outstanding screen applies it), then the outstanding screen is shown.
import {
  batchStats,
  confirmationCurve,
  getTiers,
  groupCompletion,
  setTiers,
  toApiError,
  type ApiError,
} from "../api";
import type { BatchStats } from "../bindings/BatchStats";
import type { CurvePoint } from "../bindings/CurvePoint";
import type { GroupCompletion } from "../bindings/GroupCompletion";
import { barChart, completionText, legendSwatch, lineChart, SERIES_STYLES, type Bar, type LineSeries } from "../charts";
import { byId, fill, h, numCell, tbodyOf } from "../dom";
import { announce, clearErrors, showError } from "../feedback";
import { tierCountBadge } from "../flags";
import { formatDate, formatNumber, formatPercent, parseDate, searchKey, todayIso, writeDate } from "../format";
import { createPicker, type PickItem } from "../picker";
import { data, onChange } from "../store";
import { guarded, type Screen, type ScreenKey } from "./screen";
import { studyPanel } from "./study";

/** The event the outstanding screen listens for (a tiny contract between the two screens). */
export const SHOW_OUTSTANDING_EVENT = "giaonhan:show-outstanding";

export interface ShowOutstandingDetail {
  batches: string[];
  subtree: string | null;
  /** The dashboard's as-of day (ISO), so the list counts to the same day. */
  as_of: string | null;
}

/** Days from one ISO date to another. */
function daysBetween(from: string, to: string): number {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  return Number.isFinite(a) && Number.isFinite(b) ? Math.round((b - a) / 86_400_000) : 0;
}

function batchName(b: { code: string; title: string }): string {
  return b.title && b.title !== b.code ? `${b.code} — ${b.title}` : b.code;
}

function invalid(message: string, field: string): ApiError {
  return { kind: "invalid", message, field };
}

export function dashboardScreen(navigate: (key: ScreenKey) => void): Screen {
  const section = byId("screen-dashboard", HTMLElement);
  const asOf = byId("dash-as-of", HTMLInputElement);
  const statsTable = byId("dash-stats", HTMLTableElement);
  const statsCaption = byId("dash-stats-caption", HTMLTableCaptionElement);
  const bars = byId("dash-bars", HTMLDivElement);
  const barsTable = byId("dash-bars-table", HTMLTableElement);
  const curve = byId("dash-curve", HTMLDivElement);
  const legend = byId("dash-curve-legend", HTMLUListElement);
  const curveTable = byId("dash-curve-table", HTMLTableElement);
  const tiersForm = byId("tiers-form", HTMLFormElement);
  const tiersDays = byId("tiers-days", HTMLInputElement);

  const study = studyPanel();

  let stats: BatchStats[] = [];
  let tierCount = 3;
  let seq = 0;
  let barSeq = 0;

  writeDate(asOf, todayIso());

  function day(): string | undefined {
    const d = parseDate(asOf.value);
    return d === undefined ? undefined : (d ?? todayIso());
  }

  // ---- per-batch figures -------------------------------------------------------

  /** Current batches drawn at first and at each "Hiện thêm", newest first (a province follows well over a thousand). */
  const STATS_STEP = 50;
  let statsShown = 0;

  /** Draws the first `want` current batches (as many as before for the same day when not given). */
  function renderStats(day: string, want = section.dataset.asOf === day ? Math.max(statsShown, STATS_STEP) : STATS_STEP): void {
    const tiers = Array.from({ length: Math.max(tierCount, ...stats.map((s) => s.overdue.length)) }, (_, i) => i + 1);
    // Two header rows: the overdue columns grouped under "Quá hạn", one per tier.
    const col = (text: string, num = false): HTMLTableCellElement =>
      h("th", { scope: "col", rowspan: 2, class: num ? "num" : null }, text);
    const head = h(
      "tr",
      null,
      col("Đợt"),
      col("Ngày giao"),
      col("Hạn xác nhận"),
      col("Số bản", true),
      col("Đã xác nhận / tổng", true),
      col("Hoàn thành", true),
      col("Chưa xác nhận", true),
      col("Nhận thiếu", true),
      col("Từ chối", true),
      h("th", { scope: "colgroup", colspan: tiers.length, class: "num group-head" }, "Quá hạn"),
    );
    const tierHead = h("tr", null, ...tiers.map((t) => h("th", { scope: "col", class: "num" }, `Mức ${t}`)));
    fill(statsTable.tHead ?? statsTable.createTHead(), [head, tierHead]);
    statsCaption.replaceChildren(
      "Các đợt đang theo dõi ",
      h("span", { class: "caption-count" }, `(${formatNumber(stats.length)} đợt chưa xong, hoặc giao trong 60 ngày) — tính đến ngày ${formatDate(day)}`),
    );
    statsShown = Math.min(want, stats.length);
    const rows = stats.slice(0, statsShown).map((s) =>
      h(
        "tr",
        { "data-batch": s.code },
        h("th", { scope: "row", tabindex: "-1" }, h("span", { class: "code" }, s.code), s.title && s.title !== s.code ? h("span", { class: "sub" }, s.title) : null),
        h("td", { class: "date" }, formatDate(s.handed_on)),
        h("td", { class: "date" }, formatDate(s.due_on)),
        numCell(formatNumber(s.copies), "copies"),
        h(
          "td",
          { class: "num confirmed", "data-confirmed": s.confirmed, "data-units": s.units },
          `${formatNumber(s.confirmed)} / ${formatNumber(s.units)}`,
          s.info_units ? h("span", { class: "sub" }, `+ ${formatNumber(s.info_units)} để biết`) : null,
        ),
        h(
          "td",
          { class: "num completion", "data-completion": s.completion },
          h("span", { class: "meter", "aria-hidden": "true" }, h("span", { class: `meter-fill ${meterClass(s.completion)}` })),
          formatPercent(s.completion),
        ),
        numCell(formatNumber(s.pending), "pending"),
        numCell(formatNumber(s.partial), "partial"),
        numCell(formatNumber(s.declined), "declined"),
        ...tiers.map((t) => {
          const n = s.overdue[t - 1] ?? 0;
          return h("td", { class: "num overdue", "data-tier": t, "data-count": n }, n ? tierCountBadge(n, t) : "0");
        }),
      ),
    );
    if (stats.length > statsShown) {
      const more = h(
        "button",
        { type: "button", id: "dash-more-stats", class: "secondary" },
        `Hiện thêm ${formatNumber(Math.min(STATS_STEP, stats.length - statsShown))} đợt (đang hiện ${formatNumber(statsShown)} / ${formatNumber(stats.length)})`,
      );
      const first = statsShown;
      more.addEventListener("click", () => {
        renderStats(day, first + STATS_STEP);
        tbodyOf(statsTable).rows[first]?.querySelector("th")?.focus();
      });
      rows.push(h("tr", { class: "more-rows" }, h("td", { colspan: 9 + tiers.length }, more)));
    }
    if (rows.length) fill(tbodyOf(statsTable), rows);
    else
      tbodyOf(statsTable).replaceChildren(
        h("tr", { class: "empty" }, h("td", { colspan: 9 + tiers.length }, "Không có đợt nào đang theo dõi vào ngày này.")),
      );
  }

  /** A coarse width class for the small meter (the CSP forbids inline widths). */
  function meterClass(percent: number): string {
    return `w-${Math.max(0, Math.min(10, Math.floor(percent / 10)))}`;
  }

  // The bars' batch, found by typing among every batch (a province has
  // thousands): the current batches first, then the older ones, newest first.
  let batchItems: PickItem[] | null = null;
  const batchPicker = createPicker({
    id: "dash-batch",
    multiple: false,
    noun: "đợt",
    placeholder: "Gõ mã hoặc nội dung đợt",
    items: () => (batchItems ??= barBatchItems()),
    onChange: () => {
      const d = day();
      if (d !== undefined) void refreshBars(d).catch((e) => showError(toApiError(e)));
    },
  });
  batchPicker.input.setAttribute("aria-describedby", "dash-batch-hint");
  byId("dash-batch-slot", HTMLDivElement).replaceWith(batchPicker.element);

  function barBatchList(): { code: string; title: string }[] {
    const codes = new Set(stats.map((s) => s.code));
    return [...stats.map((s) => ({ code: s.code, title: s.title })), ...data.batches.filter((b) => !codes.has(b.code))];
  }

  function barBatchItems(): PickItem[] {
    return barBatchList().map((b) => ({
      value: b.code,
      label: batchName(b),
      chip: b.code,
      key: searchKey(`${b.code} ${b.title}`),
      exact: searchKey(b.code),
    }));
  }

  function renderBatchOptions(): void {
    batchItems = null;
    const list = barBatchList();
    const keep = batchPicker.values()[0];
    const batch = list.some((b) => b.code === keep) ? keep : list[0]?.code;
    batchPicker.set(batch ? [batch] : []);
  }

  // ---- bar chart: completion per grassroots committee -------------------------

  function openOutstanding(batch: string, group: GroupCompletion, asOfDay: string): void {
    const detail: ShowOutstandingDetail = { batches: [batch], subtree: group.group_code, as_of: asOfDay };
    window.dispatchEvent(new CustomEvent<ShowOutstandingDetail>(SHOW_OUTSTANDING_EVENT, { detail }));
    navigate("outstanding");
  }

  function renderBars(batch: string, groups: GroupCompletion[], asOfDay: string): void {
    const b = stats.find((s) => s.code === batch) ?? data.batches.find((x) => x.code === batch);
    const name = b ? batchName(b) : batch;
    if (!groups.length) {
      bars.replaceChildren(h("p", { class: "muted" }, batch ? `Đợt ${name} chưa giao cho đơn vị nào phải xác nhận.` : "Chưa có đợt nào."));
      tbodyOf(barsTable).replaceChildren();
      return;
    }
    const list: Bar[] = groups.map((g) => ({
      key: g.group_code,
      label: g.group_name,
      value: g.completion,
      valueText: completionText(g.completion, g.confirmed, g.units),
      ariaLabel:
        `${g.group_name}: ${formatNumber(g.confirmed)} trên ${formatNumber(g.units)} đơn vị đã xác nhận, ${formatPercent(g.completion)}. ` +
        "Enter để xem các đơn vị chưa xác nhận.",
    }));
    const done = groups.filter((g) => g.completion >= 100).length;
    const svg = barChart({
      title: `Tỷ lệ xác nhận đợt ${name} theo đảng bộ cơ sở, tính đến ngày ${formatDate(asOfDay)}`,
      desc:
        `${formatNumber(groups.length)} đảng bộ cơ sở, ${formatNumber(done)} đã xác nhận đủ. ` +
        "Mỗi cột là một nút: Enter mở danh sách đơn vị chưa xác nhận của đảng bộ đó.",
      bars: list,
      onActivate: (bar) => {
        const g = groups.find((x) => x.group_code === bar.key);
        if (g) openOutstanding(batch, g, asOfDay);
      },
    });
    svg.setAttribute("data-batch", batch);
    svg.setAttribute("data-as-of", asOfDay);
    svg.setAttribute("aria-describedby", `${svg.getAttribute("aria-describedby") ?? ""} dash-bars-hint`.trim());
    // A redraw (new data) keeps the keyboard on the same committee's bar.
    const active = document.activeElement;
    const focusedKey = active instanceof SVGElement && bars.contains(active) ? active.getAttribute("data-key") : null;
    bars.replaceChildren(svg);
    if (focusedKey !== null) {
      const same = [...svg.querySelectorAll<SVGGElement>("g.bar")].find((g) => g.getAttribute("data-key") === focusedKey);
      if (same) {
        for (const g of svg.querySelectorAll<SVGGElement>("g.bar")) g.setAttribute("tabindex", g === same ? "0" : "-1");
        same.focus();
      }
    }
    fill(
      tbodyOf(barsTable),
      groups.map((g) => {
        const open = h("button", { type: "button", class: "secondary small", "aria-label": `Xem đơn vị chưa xác nhận của ${g.group_name}` }, "Xem danh sách");
        open.addEventListener("click", () => openOutstanding(batch, g, asOfDay));
        return h(
          "tr",
          { "data-group": g.group_code },
          h("th", { scope: "row" }, g.group_name, " ", h("span", { class: "code muted" }, g.group_code)),
          numCell(formatNumber(g.confirmed)),
          numCell(formatNumber(g.units)),
          numCell(formatPercent(g.completion)),
          h("td", { class: "col-action" }, g.completion < 100 ? open : null),
        );
      }),
    );
  }

  // ---- line chart: confirmations over time -------------------------------------

  function renderCurve(curves: { stat: BatchStats; points: CurvePoint[] }[], asOfDay: string): void {
    if (!curves.length) {
      curve.replaceChildren(h("p", { class: "muted" }, "Không có đợt nào đang theo dõi vào ngày này."));
      legend.replaceChildren();
      tbodyOf(curveTable).replaceChildren();
      return;
    }
    const series: LineSeries[] = curves.map(({ stat, points }) => {
      const units = Math.max(1, stat.units);
      const shown = points.filter((p) => p.day <= asOfDay);
      const end = Math.max(0, daysBetween(stat.handed_on, asOfDay));
      const lastCount = shown[shown.length - 1]?.confirmed ?? 0;
      return {
        key: stat.code,
        label: batchName(stat),
        points: shown.map((p) => ({ x: Math.max(0, daysBetween(stat.handed_on, p.day)), y: (p.confirmed * 100) / units })),
        end,
        ariaLabel:
          `Đợt ${batchName(stat)}: ${formatNumber(lastCount)} trên ${formatNumber(stat.units)} đơn vị đã xác nhận ` +
          `(${formatPercent((lastCount * 100) / units)}) sau ${formatNumber(end)} ngày; hạn xác nhận ngày thứ ${formatNumber(daysBetween(stat.handed_on, stat.due_on))}.`,
      };
    });
    const svg = lineChart({
      title: `Tỷ lệ đơn vị đã xác nhận theo số ngày kể từ ngày giao, tính đến ngày ${formatDate(asOfDay)}`,
      desc: `${formatNumber(series.length)} đợt: ${series.map((s) => s.ariaLabel).join(" ")}`,
      xLabel: "Số ngày kể từ ngày giao",
      series,
    });
    curve.replaceChildren(svg);
    fill(
      legend,
      series.map((s, i) => h("li", { "data-batch": s.key }, legendSwatch(i), s.label)),
    );
    const rows: HTMLTableRowElement[] = [];
    for (const { stat, points } of curves) {
      for (const p of points.filter((x) => x.day <= asOfDay)) {
        rows.push(
          h(
            "tr",
            { "data-batch": stat.code },
            h("th", { scope: "row", class: "code" }, stat.code),
            h("td", { class: "date" }, formatDate(p.day)),
            numCell(formatNumber(Math.max(0, daysBetween(stat.handed_on, p.day)))),
            numCell(`${formatNumber(p.confirmed)} / ${formatNumber(stat.units)}`),
            numCell(formatPercent(stat.units ? (p.confirmed * 100) / stat.units : 0)),
          ),
        );
      }
    }
    fill(tbodyOf(curveTable), rows);
  }

  // ---- loading -------------------------------------------------------------------

  async function refresh(): Promise<void> {
    const d = day();
    if (d === undefined) {
      showError(invalid("Ngày không hợp lệ; nhập dạng ngày/tháng/năm.", "as_of"), undefined, asOf);
      return;
    }
    const mine = ++seq;
    section.setAttribute("aria-busy", "true");
    try {
      const [tiers, figures] = await Promise.all([getTiers(), batchStats([], d)]);
      if (mine !== seq) return;
      tierCount = tiers.days.length;
      if (document.activeElement !== tiersDays) tiersDays.value = tiers.days.join(", ");
      stats = figures;
      renderStats(d);
      renderBatchOptions();
      section.dataset.asOf = d;
      await Promise.all([refreshBars(d), refreshCurve(d, mine), study.refresh(d)]);
    } catch (e) {
      if (mine === seq) showError(toApiError(e));
    } finally {
      if (mine === seq) section.removeAttribute("aria-busy");
    }
  }

  async function refreshBars(d: string): Promise<void> {
    const mine = ++barSeq;
    const batch = batchPicker.values()[0] ?? "";
    const groups = batch ? await groupCompletion(batch, d) : [];
    if (mine === barSeq) renderBars(batch, groups, d);
  }

  async function refreshCurve(d: string, mine: number): Promise<void> {
    // The newest current batches, as many as there are distinct line styles.
    const shown = stats.slice(0, SERIES_STYLES);
    const points = await Promise.all(shown.map((s) => confirmationCurve(s.code)));
    if (mine === seq) renderCurve(shown.map((stat, i) => ({ stat, points: points[i] ?? [] })), d);
  }

  asOf.addEventListener("change", () => {
    clearErrors();
    void refresh();
  });

  // ---- tier settings ---------------------------------------------------------------

  tiersForm.addEventListener(
    "submit",
    guarded(tiersForm, async () => {
      clearErrors();
      const parts = tiersDays.value
        .split(/[,;\s]+/)
        .map((p) => p.trim())
        .filter(Boolean);
      if (!parts.length || parts.some((p) => !/^\d+$/.test(p))) {
        showError(invalid("Nhập các mốc là số ngày nguyên, cách nhau bằng dấu phẩy, ví dụ 1, 7, 14.", "days"), undefined, tiersDays);
        return;
      }
      const days = parts.map(Number);
      try {
        await setTiers({ days });
        // The figures first, so the message comes when they are redrawn.
        await refresh();
        window.dispatchEvent(new CustomEvent("giaonhan:tiers-changed"));
        announce(`Đã lưu mức nhắc: ${days.map((n, i) => `mức ${i + 1} từ ${formatNumber(n)} ngày quá hạn`).join(", ")}.`);
      } catch (e) {
        showError(toApiError(e), (f) => (f === "days" ? tiersDays : null), null);
      }
    }),
  );

  onChange((changed) => {
    // Confirmations and new batches reload "batches": redraw when in view.
    if (!section.hidden && (changed.has("batches") || changed.has("units"))) void refresh();
  });

  return { key: "dashboard", firstField: asOf, needs: ["batches"], onShow: refresh };
}

// Plain SVG charts for the dashboard, drawn here (no charting library, nothing
// from the network): a horizontal bar chart whose bars are buttons (roving
// tabindex: Tab reaches the chart, ↑/↓/Home/End move between bars, Enter or
// Space opens what is behind a bar), and a step-line chart of cumulative
// confirmations for several series. Each chart carries a <title> and <desc>;
// the screen shows a table with the same figures next to it. Looks come from
// classes in dashboard.css (the CSP forbids inline styles).
import { formatNumber, formatPercent } from "./format";

const SVG_NS = "http://www.w3.org/2000/svg";

type SvgAttrs = Record<string, string | number | null | undefined>;

/** Creates an SVG element with attributes and children (text as text nodes). */
function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs?: SvgAttrs | null, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined) continue;
      el.setAttribute(name, String(value));
    }
  }
  for (const child of children) el.append(child);
  return el;
}

let chartSeq = 0;

/** The root <svg> with its <title> and <desc>, labelled by them. */
function chartRoot(width: number, height: number, title: string, desc: string, role: string, cls: string): SVGSVGElement {
  const id = `chart-${++chartSeq}`;
  return s(
    "svg",
    {
      class: `chart ${cls}`,
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role,
      "aria-labelledby": `${id}-title`,
      "aria-describedby": `${id}-desc`,
      focusable: "false",
    },
    s("title", { id: `${id}-title` }, title),
    s("desc", { id: `${id}-desc` }, desc),
  );
}

/** Shortens a label to `max` characters with an ellipsis. */
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

// ---- bar chart ---------------------------------------------------------------

export interface Bar {
  /** Identifies the bar (data-key on its element). */
  key: string;
  label: string;
  /** 0–100. */
  value: number;
  /** The bar's accessible name (what it shows and what Enter does). */
  ariaLabel: string;
  /** Text at the end of the bar, e.g. "50,00% · 2/4". */
  valueText: string;
}

export interface BarChartOptions {
  title: string;
  desc: string;
  bars: readonly Bar[];
  onActivate: (bar: Bar) => void;
}

const BAR_W = 760;
const BAR_LABEL = 270;
const BAR_VALUE = 118;
const BAR_ROW = 30;
const BAR_TOP = 28;

/** Completion bars (0–100 %), one row each; every bar is a button. */
export function barChart(o: BarChartOptions): SVGSVGElement {
  const height = BAR_TOP + Math.max(1, o.bars.length) * BAR_ROW + 8;
  const svg = chartRoot(BAR_W, height, o.title, o.desc, "group", "bar-chart");
  const x0 = BAR_LABEL;
  const span = BAR_W - BAR_LABEL - BAR_VALUE;
  const axis = s("g", { class: "axis", "aria-hidden": "true" });
  for (const t of [0, 25, 50, 75, 100]) {
    const x = x0 + (span * t) / 100;
    axis.append(
      s("line", { class: "grid", x1: x, x2: x, y1: BAR_TOP - 6, y2: height - 6 }),
      s("text", { class: "tick", x, y: BAR_TOP - 12, "text-anchor": "middle" }, `${t}%`),
    );
  }
  svg.append(axis);
  const bars: SVGGElement[] = [];
  o.bars.forEach((bar, i) => {
    const y = BAR_TOP + i * BAR_ROW;
    const w = (span * Math.max(0, Math.min(100, bar.value))) / 100;
    const band = bar.value >= 100 ? "done" : bar.value >= 50 ? "half" : "low";
    const g = s(
      "g",
      {
        class: `bar bar-${band}`,
        role: "button",
        tabindex: i === 0 ? 0 : -1,
        "aria-label": bar.ariaLabel,
        "data-key": bar.key,
        "data-value": bar.value,
      },
      s("rect", { class: "bar-hit", x: 0, y, width: BAR_W, height: BAR_ROW }),
      s("text", { class: "bar-label", x: x0 - 8, y: y + BAR_ROW / 2, "text-anchor": "end", "dominant-baseline": "central" }, clip(bar.label, 38)),
      s("rect", { class: "bar-track", x: x0, y: y + 5, width: span, height: BAR_ROW - 10 }),
      s("rect", { class: "bar-fill", x: x0, y: y + 5, width: Math.max(w, bar.value > 0 ? 2 : 0), height: BAR_ROW - 10 }),
      s("text", { class: "bar-value", x: x0 + span + 8, y: y + BAR_ROW / 2, "dominant-baseline": "central" }, bar.valueText),
    );
    g.append(s("title", null, bar.ariaLabel));
    g.addEventListener("click", () => {
      focusBar(i);
      o.onActivate(bar);
    });
    bars.push(g);
    svg.append(g);
  });

  function focusBar(i: number): void {
    bars.forEach((g, j) => g.setAttribute("tabindex", j === i ? "0" : "-1"));
    bars[i]?.focus();
  }

  svg.addEventListener("keydown", (e) => {
    const i = bars.findIndex((g) => g === document.activeElement);
    if (i < 0) return;
    let next = -1;
    switch (e.key) {
      case "ArrowDown":
      case "ArrowRight":
        next = Math.min(bars.length - 1, i + 1);
        break;
      case "ArrowUp":
      case "ArrowLeft":
        next = Math.max(0, i - 1);
        break;
      case "Home":
        next = 0;
        break;
      case "End":
        next = bars.length - 1;
        break;
      case "Enter":
      case " ": {
        e.preventDefault();
        const bar = o.bars[i];
        if (bar) o.onActivate(bar);
        return;
      }
      default:
        return;
    }
    e.preventDefault();
    focusBar(next);
  });
  return svg;
}

// ---- line chart --------------------------------------------------------------

export interface LinePoint {
  /** Days since the series' start (x). */
  x: number;
  /** 0–100 (y). */
  y: number;
}

export interface LineSeries {
  key: string;
  label: string;
  /** Cumulative, in x order; drawn as steps (the value holds until the next point). */
  points: readonly LinePoint[];
  /** Where the line ends (the as-of day, in days since the start). */
  end: number;
  /** The series' accessible summary. */
  ariaLabel: string;
}

export interface LineChartOptions {
  title: string;
  desc: string;
  xLabel: string;
  series: readonly LineSeries[];
}

const LINE_W = 760;
const LINE_H = 320;
const PAD = { left: 56, right: 24, top: 16, bottom: 48 };

/** A tick step giving at most about 10 ticks over `max` days. */
function dayStep(max: number): number {
  for (const step of [1, 2, 5, 7, 10, 14, 30, 60, 90, 180, 365]) if (max / step <= 10) return step;
  return Math.ceil(max / 10);
}

/** Number of line styles (colour, dash and marker) before they repeat. */
export const SERIES_STYLES = 6;

/** Step lines of cumulative percentages over days; one focusable group per series. */
export function lineChart(o: LineChartOptions): SVGSVGElement {
  const svg = chartRoot(LINE_W, LINE_H, o.title, o.desc, "group", "line-chart");
  const maxX = Math.max(1, ...o.series.map((sr) => Math.max(sr.end, ...sr.points.map((p) => p.x))));
  const plotW = LINE_W - PAD.left - PAD.right;
  const plotH = LINE_H - PAD.top - PAD.bottom;
  const px = (x: number): number => PAD.left + (plotW * x) / maxX;
  const py = (y: number): number => PAD.top + plotH - (plotH * Math.max(0, Math.min(100, y))) / 100;

  const axis = s("g", { class: "axis", "aria-hidden": "true" });
  for (const t of [0, 25, 50, 75, 100]) {
    axis.append(
      s("line", { class: t === 0 ? "axis-line" : "grid", x1: PAD.left, x2: LINE_W - PAD.right, y1: py(t), y2: py(t) }),
      s("text", { class: "tick", x: PAD.left - 6, y: py(t), "text-anchor": "end", "dominant-baseline": "central" }, `${t}%`),
    );
  }
  const step = dayStep(maxX);
  for (let d = 0; d <= maxX; d += step) {
    axis.append(
      s("line", { class: "axis-line", x1: px(d), x2: px(d), y1: py(0), y2: py(0) + 5 }),
      s("text", { class: "tick", x: px(d), y: py(0) + 18, "text-anchor": "middle" }, formatNumber(d)),
    );
  }
  axis.append(s("text", { class: "axis-label", x: PAD.left + plotW / 2, y: LINE_H - 8, "text-anchor": "middle" }, o.xLabel));
  svg.append(axis);

  o.series.forEach((sr, i) => {
    const style = i % SERIES_STYLES;
    let d = "";
    let last: LinePoint | null = null;
    for (const p of sr.points) {
      if (last === null) d = `M${px(p.x)},${py(p.y)}`;
      else d += ` H${px(p.x)} V${py(p.y)}`;
      last = p;
    }
    if (last !== null && sr.end > last.x) d += ` H${px(sr.end)}`;
    const g = s(
      "g",
      { class: `series series-${style}`, tabindex: 0, role: "img", "aria-label": sr.ariaLabel, "data-key": sr.key },
      s("title", null, sr.ariaLabel),
      s("path", { class: "series-line", d }),
    );
    for (const p of sr.points) g.append(marker(style, px(p.x), py(p.y)));
    svg.append(g);
  });
  return svg;
}

/** A point marker whose shape differs per series (not only the colour). */
function marker(style: number, x: number, y: number): SVGElement {
  const r = 4;
  switch (style % 3) {
    case 0:
      return s("circle", { class: "series-mark", cx: x, cy: y, r });
    case 1:
      return s("rect", { class: "series-mark", x: x - r, y: y - r, width: 2 * r, height: 2 * r });
    default:
      return s("path", { class: "series-mark", d: `M${x},${y - r - 1} L${x + r + 1},${y + r} L${x - r - 1},${y + r} Z` });
  }
}

/** A legend swatch (a short line with the series' marker) for the legend list. */
export function legendSwatch(index: number): SVGSVGElement {
  const style = index % SERIES_STYLES;
  return s(
    "svg",
    { class: `legend-swatch series-${style}`, viewBox: "0 0 28 12", width: 28, height: 12, "aria-hidden": "true", focusable: "false" },
    s("path", { class: "series-line", d: "M0,6 H28" }),
    marker(style, 14, 6),
  );
}

/** "50,00% · 2/4" */
export function completionText(percent: number, confirmed: number, units: number): string {
  return `${formatPercent(percent)} · ${formatNumber(confirmed)}/${formatNumber(units)}`;
}

// Flags of outstanding receipts, shown wherever a unit or a batch appears: a
// small badge with the open and overdue counts and the escalation tier (a
// colour per tier, and the same facts in words for screen readers), the sums
// over a subtree for the unit tree, and the labels the flags share.
import "./dashboard.css";

import type { UnitFlag } from "./bindings/UnitFlag";
import { h } from "./dom";
import { formatNumber } from "./format";

/** How a confirmation reached the register (UnitReceipt.method), short for tables. */
export const CONFIRM_METHOD_SHORT: Record<string, string> = {
  in_person: "Trực tiếp tại văn phòng",
  slip: "Phiếu ký gửi lại",
  remote: "Đơn vị báo từ xa",
  // No method given: recorded in the app's window, or from the command line.
  app: "Ghi trên máy",
  cli: "Ghi bằng dòng lệnh",
};

/** Counts behind one badge: a unit's own, or summed over a subtree. */
export interface FlagCounts {
  open: number;
  overdue: number;
  /** Highest escalation tier; 0 when nothing is overdue. */
  tier: number;
  maxDaysOverdue: number;
}

/** The CSS class of a tier's colour (tiers above 3 look like tier 3). */
export function tierClass(tier: number): string {
  return `tier-${Math.max(0, Math.min(3, Math.trunc(tier)))}`;
}

/** "mức 2" (escalation tier), "" for 0. */
export function tierText(tier: number): string {
  return tier > 0 ? `mức ${tier}` : "";
}

export function countsOf(flag: UnitFlag): FlagCounts {
  return { open: flag.open, overdue: flag.overdue, tier: flag.tier, maxDaysOverdue: flag.max_days_overdue };
}

/** Adds `b` into `a` (counts summed, tier and days the highest). */
export function addCounts(a: FlagCounts, b: FlagCounts): void {
  a.open += b.open;
  a.overdue += b.overdue;
  a.tier = Math.max(a.tier, b.tier);
  a.maxDaysOverdue = Math.max(a.maxDaysOverdue, b.maxDaysOverdue);
}

/** The facts of a badge in words: "3 lượt chưa xác nhận, 2 quá hạn (lâu nhất 9 ngày), mức nhắc 2". */
export function flagWords(c: FlagCounts, subtree: boolean): string {
  let text = `${formatNumber(c.open)} lượt chưa xác nhận`;
  if (subtree) text += " trong nhánh";
  if (c.overdue > 0) {
    text += `, ${formatNumber(c.overdue)} quá hạn`;
    if (c.maxDaysOverdue > 0) text += ` (lâu nhất ${formatNumber(c.maxDaysOverdue)} ngày)`;
    if (c.tier > 0) text += `, mức nhắc ${c.tier}`;
  }
  return text;
}

/**
 * The badge of a unit (or a subtree when `subtree`): visible "3 · 2 quá hạn ·
 * mức 2" coloured by tier; the same in full words for screen readers and as a tooltip.
 */
export function flagBadge(c: FlagCounts, subtree = false): HTMLSpanElement {
  const words = flagWords(c, subtree);
  const visible = [formatNumber(c.open)];
  if (c.overdue > 0) visible.push(`${formatNumber(c.overdue)} quá hạn`);
  if (c.tier > 0) visible.push(tierText(c.tier));
  return h(
    "span",
    {
      class: `flag ${tierClass(c.tier)}${subtree ? " flag-subtree" : ""}`,
      title: words,
      "data-open": c.open,
      "data-overdue": c.overdue,
      "data-tier": c.tier,
    },
    h("span", { "aria-hidden": "true" }, visible.join(" · ")),
    h("span", { class: "visually-hidden" }, ` (${words})`),
  );
}

/** A badge for an overdue count at a tier (batch lists, the dashboard): "2 quá hạn · mức 1". */
export function overdueBadge(overdue: number, tier: number): HTMLSpanElement {
  const words = `${formatNumber(overdue)} đơn vị quá hạn${tier > 0 ? `, mức nhắc ${tier}` : ""}`;
  return h(
    "span",
    { class: `flag ${tierClass(tier)}`, title: words, "data-overdue": overdue, "data-tier": tier },
    h("span", { "aria-hidden": "true" }, `${formatNumber(overdue)} quá hạn${tier > 0 ? ` · ${tierText(tier)}` : ""}`),
    h("span", { class: "visually-hidden" }, words),
  );
}

/** A compact overdue badge for a column already headed by its tier: the count, coloured by tier. */
export function tierCountBadge(overdue: number, tier: number): HTMLSpanElement {
  const words = `${formatNumber(overdue)} đơn vị quá hạn, mức nhắc ${tier}`;
  return h(
    "span",
    { class: `flag ${tierClass(tier)}`, title: words, "data-overdue": overdue, "data-tier": tier },
    h("span", { "aria-hidden": "true" }, formatNumber(overdue)),
    h("span", { class: "visually-hidden" }, words),
  );
}

/** The flag of one open receipt: "quá hạn 9 ngày · mức 2", or "chưa đến hạn". */
export function receiptBadge(daysOverdue: number, tier: number): HTMLSpanElement {
  if (daysOverdue <= 0) {
    return h("span", { class: "flag tier-0", "data-overdue": 0, "data-tier": 0 }, "chưa đến hạn");
  }
  const words = `quá hạn ${formatNumber(daysOverdue)} ngày${tier > 0 ? `, mức nhắc ${tier}` : ""}`;
  return h(
    "span",
    { class: `flag ${tierClass(tier)}`, title: words, "data-overdue": daysOverdue, "data-tier": tier },
    h("span", { "aria-hidden": "true" }, `quá hạn ${formatNumber(daysOverdue)} ngày${tier > 0 ? ` · ${tierText(tier)}` : ""}`),
    h("span", { class: "visually-hidden" }, words),
  );
}

/**
 * Sums flags over a tree: for every unit, its own counts plus those of every
 * unit below it. `parentOf` gives a unit's parent code (null at the top).
 */
export function subtreeCounts(flags: readonly UnitFlag[], parentOf: (code: string) => string | null): Map<string, FlagCounts> {
  const sums = new Map<string, FlagCounts>();
  for (const f of flags) {
    const own = countsOf(f);
    const seen = new Set<string>();
    for (let c: string | null = f.unit_code; c !== null && !seen.has(c); c = parentOf(c)) {
      seen.add(c);
      const sum = sums.get(c);
      if (sum) addCounts(sum, own);
      else sums.set(c, { ...own });
    }
  }
  return sums;
}

// The unit tree of screen "Đơn vị" as it stood on a chosen day: a WAI-ARIA
// tree with a roving tabindex (↑/↓, Home/End, →/← to open and close a
// branch, Enter or Space for the details), subtree counts, and on every row
// the flag of its open and overdue receipts (a parent the sum over its
// subtree). Opening a unit's details is the caller's (`open`).
import { toApiError, unitFlags, unitsAsOf } from "../../api";
import type { UnitEntry } from "../../bindings/UnitEntry";
import { byId, h } from "../../dom";
import { clearErrors, showError } from "../../feedback";
import { flagBadge, subtreeCounts, type FlagCounts } from "../../flags";
import { formatDate, formatNumber, parseDate, todayIso, writeDate } from "../../format";
import { data, ensure } from "../../store";
import { indentClass } from "../screen";
import { invalid } from "./common";

export interface UnitTree {
  /** The day the tree shows (today when the box holds no valid date). */
  asOfDay(): string;
  /** "Name (CODE)" of a unit, from the tree or the register; the code alone when unknown. */
  unitRef(code: string | null): string | null;
  /** Loads the tree for its day, then the flags. */
  reload(): Promise<void>;
  /** Loads the flags for the tree's day and puts them on the rows shown (focus stays where it is). */
  loadFlags(): Promise<void>;
  /** Marks `code` as the unit whose details are shown. */
  markSelected(code: string): void;
  /** Shows `code` in the tree (switching to today when it is not in the shown day), selects and opens it. */
  reveal(code: string, focus: boolean): Promise<void>;
}

export interface TreeHooks {
  /** Opens the details of a unit (its panel focused with `focusPanel`). */
  open(code: string, focusPanel: boolean): Promise<void>;
  /** After the tree was reloaded: its units are the ones of its day. */
  loaded(units: UnitEntry[]): void;
}

/**
 * Rows drawn at first, and again each time the end of them is scrolled to
 * (or reached from the keyboard): a province's top level holds some five
 * hundred communes, the box shows about fifteen rows, and every row drawn
 * costs the page memory for as long as the screen lives.
 */
const TREE_STEP = 100;

export function unitTree(hooks: TreeHooks): UnitTree {
  const asOf = byId("tree-as-of", HTMLInputElement);
  const tree = byId("unit-tree", HTMLUListElement);
  const count = byId("units-count", HTMLSpanElement);

  let units: UnitEntry[] = [];
  let byCode = new Map<string, UnitEntry>();
  let childrenOf = new Map<string | null, UnitEntry[]>();
  const expanded = new Set<string>();
  let expandedInitialised = false;
  /** The treeitem holding tabindex=0 (roving tabindex). */
  let focused: string | null = null;
  /** The unit shown in the detail panel. */
  let selected: string | null = null;
  let treeSeq = 0;
  /** Open/overdue counts per unit, summed over each subtree, for the tree's day. */
  let flagSums = new Map<string, FlagCounts>();
  /** Units with open receipts of their own (the rest only sum their branches). */
  let ownFlagged = new Set<string>();
  let ownOpen = new Map<string, number>();
  let flagSeq = 0;
  /** The rows the tree shows (`visibleUnits` at its last drawing), and how many of them are drawn. */
  let rowsShown: UnitEntry[] = [];
  let drawn = 0;
  /** The line under the last row drawn while more remain; seeing it draws more. */
  let moreLine: HTMLLIElement | null = null;
  const moreSeen = new IntersectionObserver(
    (entries) => {
      if (entries.some((e) => e.isIntersecting && e.target === moreLine)) drawMore(drawn + TREE_STEP);
    },
    { root: tree },
  );

  writeDate(asOf, todayIso());

  function asOfDay(): string {
    return parseDate(asOf.value) ?? todayIso();
  }

  function index(list: UnitEntry[]): void {
    units = list;
    byCode = new Map(list.map((u) => [u.code, u]));
    childrenOf = new Map();
    for (const u of list) {
      const key = u.parent !== null && byCode.has(u.parent) ? u.parent : null;
      const siblings = childrenOf.get(key);
      if (siblings) siblings.push(u);
      else childrenOf.set(key, [u]);
    }
    if (!expandedInitialised && list.length) {
      // First view: the top level open, so the grassroots organisations show.
      for (const root of childrenOf.get(null) ?? []) expanded.add(root.code);
      expandedInitialised = true;
    }
  }

  function hasChildren(u: UnitEntry): boolean {
    return (childrenOf.get(u.code)?.length ?? 0) > 0;
  }

  /** The rows shown: depth-first, children only under expanded units. */
  function visibleUnits(): UnitEntry[] {
    const out: UnitEntry[] = [];
    const walk = (list: UnitEntry[]): void => {
      for (const u of list) {
        out.push(u);
        if (expanded.has(u.code)) walk(childrenOf.get(u.code) ?? []);
      }
    };
    walk(childrenOf.get(null) ?? []);
    return out;
  }

  function itemOf(c: string): HTMLLIElement | null {
    return tree.querySelector<HTMLLIElement>(`[role="treeitem"][data-code="${CSS.escape(c)}"]`);
  }

  function treeItem(u: UnitEntry, pos: number, size: number): HTMLLIElement {
    const open = expanded.has(u.code);
    const parentKids = hasChildren(u);
    const closed = u.closed_on !== null && u.closed_on <= asOfDay();
    const toggle = h("span", { class: "tree-toggle", "aria-hidden": "true" }, parentKids ? (open ? "▾" : "▸") : "");
    const li = h(
      "li",
      {
        role: "treeitem",
        class: `tree-node ${indentClass(u.depth)}${closed ? " closed" : ""}`,
        "data-code": u.code,
        "aria-level": u.depth + 1,
        "aria-setsize": size,
        "aria-posinset": pos,
        "aria-expanded": parentKids ? String(open) : null,
        "aria-selected": u.code === selected ? "true" : "false",
        tabindex: u.code === focused ? 0 : -1,
      },
      toggle,
      h("span", { class: "tree-name" }, u.name),
      " ",
      h("span", { class: "code muted" }, u.code),
      u.descendants > 0
        ? h(
            "span",
            { class: "tree-count" },
            formatNumber(u.descendants),
            h("span", { class: "visually-hidden" }, " đơn vị trực thuộc"),
          )
        : null,
      closed ? h("span", { class: "muted" }, ` (ngừng từ ${formatDate(u.closed_on)})`) : null,
      treeFlag(u.code),
    );
    toggle.addEventListener("click", (e) => {
      e.stopPropagation();
      focused = u.code;
      setExpanded(u, !open);
    });
    return li;
  }

  /** The flag of a tree row: the unit's own counts, or the sum over its subtree for a parent. */
  function treeFlag(c: string): HTMLSpanElement | null {
    const sum = flagSums.get(c);
    if (!sum || sum.open === 0) return null;
    const u = byCode.get(c);
    // A parent shows the sum over its subtree (its own receipts included).
    return flagBadge(sum, u !== undefined && hasChildren(u) && !(ownFlagged.has(c) && sum.open === ownOpen.get(c)));
  }

  async function loadFlags(): Promise<void> {
    const seq = ++flagSeq;
    const list = await unitFlags(asOfDay());
    if (seq !== flagSeq) return;
    ownFlagged = new Set(list.map((f) => f.unit_code));
    ownOpen = new Map(list.map((f) => [f.unit_code, f.open]));
    flagSums = subtreeCounts(list, (c) => {
      const p = byCode.get(c)?.parent ?? null;
      return p !== null && byCode.has(p) ? p : null;
    });
    for (const li of tree.querySelectorAll<HTMLLIElement>('[role="treeitem"]')) {
      const c = li.dataset.code;
      if (!c) continue;
      li.querySelector(":scope > .flag")?.remove();
      const badge = treeFlag(c);
      if (badge) li.append(badge);
    }
  }

  function rowItem(u: UnitEntry): HTMLLIElement {
    const key = u.parent !== null && byCode.has(u.parent) ? u.parent : null;
    const siblings = childrenOf.get(key) ?? [];
    return treeItem(u, siblings.indexOf(u) + 1, siblings.length);
  }

  /** The line that stands for the rows not drawn yet (not a tree item: the keyboard draws them by moving on). */
  function moreItem(): HTMLLIElement {
    const left = rowsShown.length - drawn;
    const li = h("li", { class: "tree-more muted", role: "none", "aria-hidden": "true" }, `… còn ${formatNumber(left)} đơn vị`);
    li.addEventListener("click", () => drawMore(drawn + TREE_STEP));
    return li;
  }

  /** Draws the rows shown up to the `upTo`-th (at most all of them). */
  function drawMore(upTo: number): void {
    const end = Math.min(upTo, rowsShown.length);
    if (end <= drawn) return;
    const items = rowsShown.slice(drawn, end).map(rowItem);
    drawn = end;
    if (moreLine) {
      moreSeen.unobserve(moreLine);
      moreLine.remove();
      moreLine = null;
    }
    tree.append(...items);
    if (drawn < rowsShown.length) {
      moreLine = moreItem();
      tree.append(moreLine);
      moreSeen.observe(moreLine);
    }
  }

  function renderTree(): void {
    const rows = visibleUnits();
    if (focused === null || !rows.some((u) => u.code === focused)) focused = rows[0]?.code ?? null;
    // As many rows as before (the place stays), the focused and selected ones among them.
    let want = Math.max(TREE_STEP, drawn);
    for (const c of [focused, selected]) want = Math.max(want, rows.findIndex((u) => u.code === c) + 1);
    // Drawn again under the keyboard (a change from another program): the
    // focus stays on its unit instead of falling to the page.
    const hadFocus = tree.contains(document.activeElement);
    rowsShown = rows;
    drawn = 0;
    if (moreLine) moreSeen.unobserve(moreLine);
    moreLine = null;
    tree.replaceChildren();
    if (rows.length) drawMore(want);
    else tree.append(h("li", { class: "empty", role: "none" }, "Chưa có đơn vị nào vào ngày này."));
    count.textContent = `(${formatNumber(units.length)})`;
    if (hadFocus && focused !== null) itemOf(focused)?.focus({ preventScroll: true });
  }

  function focusItem(c: string): void {
    // A row not drawn yet (↓ past the last one drawn, End): drawn first.
    if (!itemOf(c)) drawMore(rowsShown.findIndex((u) => u.code === c) + 1);
    focused = c;
    for (const li of tree.querySelectorAll<HTMLLIElement>('[role="treeitem"]')) {
      li.tabIndex = li.dataset.code === c ? 0 : -1;
    }
    const li = itemOf(c);
    if (li) {
      li.focus();
      li.scrollIntoView({ block: "nearest" });
    }
  }

  function setExpanded(u: UnitEntry, open: boolean): void {
    if (!hasChildren(u)) return;
    if (open) expanded.add(u.code);
    else expanded.delete(u.code);
    renderTree();
    focusItem(u.code);
  }

  /** Opens every ancestor of `c` so that its row is shown. */
  function expandTo(c: string): void {
    let p = byCode.get(c)?.parent ?? null;
    while (p !== null && byCode.has(p)) {
      expanded.add(p);
      p = byCode.get(p)?.parent ?? null;
    }
  }

  /**
   * The units of `day`. Today's are the register's shared list (loaded for
   * this screen anyway): one copy of a province's ten thousand units, not two.
   */
  async function unitsOn(day: string): Promise<UnitEntry[]> {
    if (day !== todayIso()) return unitsAsOf(day);
    await ensure("units");
    return data.units;
  }

  async function reload(): Promise<void> {
    const seq = ++treeSeq;
    const list = await unitsOn(asOfDay());
    if (seq !== treeSeq) return;
    index(list);
    renderTree();
    hooks.loaded(units);
    await loadFlags();
  }

  function markSelected(c: string): void {
    selected = c;
    for (const li of tree.querySelectorAll<HTMLLIElement>('[role="treeitem"]')) {
      li.setAttribute("aria-selected", li.dataset.code === c ? "true" : "false");
    }
  }

  async function reveal(c: string, focus: boolean): Promise<void> {
    if (!byCode.has(c) && asOfDay() !== todayIso()) {
      writeDate(asOf, todayIso());
      await reload();
    }
    if (byCode.has(c)) {
      expandTo(c);
      focused = c;
      selected = c;
      renderTree();
      if (focus) focusItem(c);
      else itemOf(c)?.scrollIntoView({ block: "nearest" });
    }
    await hooks.open(c, false);
  }

  function unitRef(c: string | null): string | null {
    if (c === null) return null;
    const u = byCode.get(c) ?? data.units.find((x) => x.code === c);
    return u ? `${u.name} (${c})` : c;
  }

  tree.addEventListener("click", (e) => {
    const li = (e.target as Element).closest<HTMLLIElement>('[role="treeitem"]');
    const c = li?.dataset.code;
    if (!c) return;
    focusItem(c);
    void hooks.open(c, false);
  });

  tree.addEventListener("keydown", (e) => {
    const rows = visibleUnits();
    const i = rows.findIndex((u) => u.code === focused);
    const u = rows[i];
    if (!u) return;
    let handled = true;
    switch (e.key) {
      case "ArrowDown":
        if (rows[i + 1]) focusItem(rows[i + 1]!.code);
        break;
      case "ArrowUp":
        if (i > 0) focusItem(rows[i - 1]!.code);
        break;
      case "Home":
        focusItem(rows[0]!.code);
        break;
      case "End":
        focusItem(rows[rows.length - 1]!.code);
        break;
      case "ArrowRight":
        if (hasChildren(u)) {
          if (!expanded.has(u.code)) setExpanded(u, true);
          else focusItem(childrenOf.get(u.code)![0]!.code);
        }
        break;
      case "ArrowLeft":
        if (expanded.has(u.code)) setExpanded(u, false);
        else if (u.parent !== null && byCode.has(u.parent)) focusItem(u.parent);
        break;
      case "Enter":
      case " ":
        void hooks.open(u.code, true);
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  });

  asOf.addEventListener("change", () => {
    if (parseDate(asOf.value) === undefined) {
      showError(invalid("Ngày không hợp lệ; nhập dạng ngày/tháng/năm.", "as_of"), undefined, asOf);
      return;
    }
    clearErrors();
    void reload().catch((e) => showError(toApiError(e)));
  });

  return {
    asOfDay,
    unitRef,
    reload,
    loadFlags,
    markSelected,
    reveal,
  };
}

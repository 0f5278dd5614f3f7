// The recipient tree of screen "Đợt cấp phát mới": every open unit, filtered
// as you type (a match shows with its ancestors and its whole subtree), one
// tab stop with the arrow keys inside (a roving tabindex; → and ← open and
// close a unit's branches), Enter or Space to tick a box. Only the rows shown
// are in the page: a province's tree opens at its grassroots committees.
//
// Only leaves (open units without open children) receive copies. A leaf's
// box is its own state; a parent's box shows whether every leaf under it is
// checked (indeterminate when some are), and toggling it toggles them all.
// On save, a fully checked parent goes to `subtrees` (its leaves are not
// listed again) and a checked leaf outside such a parent goes to `units`.
import type { UnitEntry } from "../../bindings/UnitEntry";
import { fill, h } from "../../dom";
import { formatNumber, searchKey, todayIso } from "../../format";
import { data } from "../../store";
import type { GridRecipient } from "../grid";
import { indentClass } from "../screen";

interface TreeNode {
  unit: UnitEntry;
  /** Position in depth-first order. */
  index: number;
  /** Index of the parent node, -1 for a root. */
  parent: number;
  /** One past the last node of this node's subtree (nodes are in depth-first order). */
  end: number;
  /** Leaves in the subtree (1 for a leaf). */
  leaves: number;
  /** Checked leaves in the subtree. */
  checked: number;
  key: string;
  /** Its row, made the first time it is drawn. */
  row: Row | null;
}

interface Row {
  box: HTMLInputElement;
  item: HTMLLIElement;
  /** The expand/collapse button of a unit with branches. */
  twisty: HTMLButtonElement | null;
}

/**
 * Rows drawn at most when the tree first opens: levels open one after the
 * other while the rows shown stay within this (a commune opens whole; a
 * province's 10,000 units open at their grassroots committees).
 */
const OPEN_BUDGET = 300;

export interface RecipientTree {
  /** Builds the tree from the register's units, keeping the leaves that were checked. */
  render(): void;
  /** Shows the nodes that match the filter box. */
  applyFilter(): void;
  /** Puts every box in line with the checked leaves, then calls `changed`. */
  syncBoxes(): void;
  /** Unchecks every leaf (the boxes follow with `syncBoxes`). */
  uncheckAll(): void;
  /** Recipient count and the `units` / `subtrees` lists for the core. */
  selection(): { recipients: number; units: string[]; subtrees: string[] };
  /** Recipients as the core will resolve them: checked leaves and open units of the chosen kinds, in tree order. */
  recipients(chosenKinds: string[]): GridRecipient[];
  /** Where an error about the recipients leads: the first box shown. */
  firstPick(): HTMLElement | null;
}

/**
 * The tree in `tree`, filtered by `filter`; `changed` runs whenever the
 * checked leaves change. Every unit is counted, but only the rows shown
 * (under expanded units, or matching the filter) are in the page: a row is
 * made the first time it is drawn.
 */
export function recipientTree(tree: HTMLUListElement, filter: HTMLInputElement, changed: () => void): RecipientTree {
  let nodes: TreeNode[] = [];
  /** The rows drawn, in order. */
  let shown: TreeNode[] = [];
  /** Codes of the units whose branches are shown (without a filter). */
  const expanded = new Set<string>();
  let expandedInitialised = false;

  const isParent = (n: TreeNode): boolean => n.end > n.index + 1;

  function renderTree(): void {
    const keptChecked = new Set(nodes.filter((n, i) => n.end === i + 1 && n.checked > 0).map((n) => n.unit.code));
    const today = todayIso();
    const open = data.units.filter((u) => u.closed_on === null || u.closed_on > today);
    const codes = new Set(open.map((u) => u.code));
    const childrenOf = new Map<string | null, UnitEntry[]>();
    for (const u of open) {
      const p = u.parent !== null && codes.has(u.parent) ? u.parent : null;
      const list = childrenOf.get(p);
      if (list) list.push(u);
      else childrenOf.set(p, [u]);
    }

    const built: TreeNode[] = [];
    const visit = (u: UnitEntry, parent: number): void => {
      const index = built.length;
      const node: TreeNode = { unit: u, index, parent, end: index + 1, leaves: 0, checked: 0, key: searchKey(`${u.name} ${u.short_name ?? ""} ${u.code}`), row: null };
      built.push(node);
      for (const k of childrenOf.get(u.code) ?? []) visit(k, index);
      node.end = built.length;
    };
    for (const root of childrenOf.get(null) ?? []) visit(root, -1);

    for (let i = built.length - 1; i >= 0; i--) {
      const n = built[i]!;
      if (n.end === i + 1) {
        n.leaves = 1;
        n.checked = keptChecked.has(n.unit.code) ? 1 : 0;
      }
      if (n.parent >= 0) {
        built[n.parent]!.leaves += n.leaves;
        built[n.parent]!.checked += n.checked;
      }
    }
    nodes = built;
    if (!expandedInitialised && nodes.length) {
      openLevels();
      expandedInitialised = true;
    }
    draw();
    syncBoxes();
  }

  /** Opens the tree level by level while the rows shown stay within the budget. */
  function openLevels(): void {
    let level = nodes.filter((n) => n.parent < 0);
    let rows = level.length;
    for (;;) {
      const parents = level.filter(isParent);
      const opened = new Set(parents.map((p) => p.index));
      const children = nodes.filter((n) => opened.has(n.parent));
      if (!parents.length || rows + children.length > OPEN_BUDGET) return;
      for (const p of parents) expanded.add(p.unit.code);
      rows += children.length;
      level = children;
    }
  }

  /** The row of a node, made the first time it is drawn. */
  function rowOf(n: TreeNode): Row {
    if (n.row) return n.row;
    const u = n.unit;
    const box = h("input", { type: "checkbox", class: "unit-pick", "data-code": u.code, id: `pick-${n.index}` });
    box.tabIndex = -1;
    box.addEventListener("change", () => toggle(n));
    const label = h("label", { for: box.id }, u.name, " ", h("span", { class: "muted code" }, `(${u.code})`));
    let twisty: HTMLButtonElement | null = null;
    if (isParent(n)) {
      label.append(h("span", { class: "muted leaf-count", "data-leaves": "" }, ` · ${formatNumber(n.leaves)} đơn vị nhận`));
      twisty = h("button", { type: "button", class: "twisty", tabindex: "-1", "aria-label": `Mở, đóng ${u.name}` });
      twisty.addEventListener("click", () => setExpanded(n, !expanded.has(u.code)));
    }
    const item = h("li", { class: `tree-item ${indentClass(u.depth)}` }, twisty ?? h("span", { class: "twisty-space" }), box, label);
    n.row = { box, item, twisty };
    paint(n);
    return n.row;
  }

  /** A drawn box in line with its leaves. */
  function paint(n: TreeNode): void {
    if (!n.row) return;
    n.row.box.checked = n.checked > 0 && n.checked === n.leaves;
    n.row.box.indeterminate = n.checked > 0 && n.checked < n.leaves;
  }

  /** Draws the rows shown: the filter's matches, or every row under expanded units. */
  function draw(): void {
    const key = searchKey(filter.value);
    const list: TreeNode[] = [];
    if (key) {
      const show = new Uint8Array(nodes.length);
      // A match shows with its ancestors (for context) and its whole subtree (to pick from).
      for (let i = 0; i < nodes.length; i++) {
        const n = nodes[i]!;
        if (!n.key.includes(key)) continue;
        for (let j = n.parent; j >= 0 && !show[j]; j = nodes[j]!.parent) show[j] = 1;
        show.fill(1, i, n.end);
        i = n.end - 1;
      }
      nodes.forEach((n, i) => {
        if (show[i]) list.push(n);
      });
    } else {
      for (let i = 0; i < nodes.length; ) {
        const n = nodes[i]!;
        list.push(n);
        i = isParent(n) && !expanded.has(n.unit.code) ? n.end : i + 1;
      }
    }
    shown = list;
    if (!nodes.length) {
      tree.replaceChildren(h("li", { class: "empty" }, "Chưa có đơn vị nào; thêm ở màn hình Đơn vị (Alt+1)."));
      setStop(null);
      return;
    }
    fill(tree, list.map((n) => rowOf(n).item));
    for (const n of list) {
      const t = n.row?.twisty;
      if (!t) continue;
      t.hidden = key !== "";
      const open = expanded.has(n.unit.code);
      t.setAttribute("aria-expanded", String(open));
      t.textContent = open ? "▾" : "▸";
    }
    syncStop();
  }

  function setExpanded(n: TreeNode, open: boolean): void {
    if (open) expanded.add(n.unit.code);
    else expanded.delete(n.unit.code);
    draw();
  }

  // ---- the tree as one tab stop (roving tabindex) ---------------------------

  /** The node whose box Tab reaches; the arrows move it. */
  let tabStop: TreeNode | null = null;

  function setStop(n: TreeNode | null): void {
    if (tabStop && tabStop !== n && tabStop.row) tabStop.row.box.tabIndex = -1;
    tabStop = n;
    if (n) rowOf(n).box.tabIndex = 0;
  }

  /** Keeps the tab stop on a drawn node (the first one when it is not drawn). */
  function syncStop(): void {
    const keep = tabStop ? shown.find((n) => n.unit.code === tabStop!.unit.code) : undefined;
    setStop(keep ?? shown[0] ?? null);
  }

  tree.addEventListener("focusin", (e) => {
    const n = shown.find((x) => x.row?.box === e.target);
    if (n) setStop(n);
  });
  tree.addEventListener("keydown", (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const i = shown.findIndex((n) => n.row?.box === e.target);
    if (i < 0) return;
    const here = shown[i]!;
    let to: TreeNode | undefined;
    switch (e.key) {
      case "ArrowDown":
        to = shown[i + 1];
        break;
      case "ArrowUp":
        to = shown[i - 1];
        break;
      case "Home":
        to = shown[0];
        break;
      case "End":
        to = shown[shown.length - 1];
        break;
      case "ArrowRight":
        // Opens a closed unit with branches; on an open one, moves to its first branch.
        if (!isParent(here) || searchKey(filter.value)) return;
        if (!expanded.has(here.unit.code)) {
          e.preventDefault();
          setExpanded(here, true);
          here.row?.box.focus();
          return;
        }
        to = shown[i + 1];
        break;
      case "ArrowLeft":
        // Closes an open unit; on a branch, moves to the unit above it.
        if (isParent(here) && expanded.has(here.unit.code) && !searchKey(filter.value)) {
          e.preventDefault();
          setExpanded(here, false);
          here.row?.box.focus();
          return;
        }
        to = shown.find((n) => n.index === here.parent);
        break;
      case "Enter":
        // Enter ticks the box (as Space does); it does not save the batch.
        e.preventDefault();
        here.row?.box.click();
        return;
      default:
        return;
    }
    e.preventDefault();
    if (to?.row) {
      setStop(to);
      to.row.box.focus();
      to.row.item.scrollIntoView({ block: "nearest" });
    }
  });

  function toggle(n: TreeNode): void {
    const on = n.row?.box.checked ?? false;
    // Set every leaf of the subtree (just the node itself for a leaf).
    for (let j = n.index; j < n.end; j++) {
      const m = nodes[j]!;
      if (m.end === j + 1) m.checked = on ? 1 : 0;
    }
    recount();
    syncBoxes();
  }

  function recount(): void {
    for (let i = nodes.length - 1; i >= 0; i--) {
      const n = nodes[i]!;
      if (n.end !== i + 1) n.checked = 0;
    }
    for (let i = nodes.length - 1; i >= 0; i--) {
      const n = nodes[i]!;
      if (n.parent >= 0) nodes[n.parent]!.checked += n.checked;
    }
  }

  function syncBoxes(): void {
    for (const n of nodes) paint(n);
    changed();
  }

  function applyFilter(): void {
    draw();
  }

  filter.addEventListener("input", applyFilter);
  filter.addEventListener("keydown", (e) => {
    // Enter in the filter must not save the batch.
    if (e.key === "Enter") e.preventDefault();
  });

  /** Recipient count and the `units` / `subtrees` lists for the core. */
  function selection(): { recipients: number; units: string[]; subtrees: string[] } {
    const units: string[] = [];
    const subtrees: string[] = [];
    let recipients = 0;
    for (let i = 0; i < nodes.length; ) {
      const n = nodes[i]!;
      const leaf = n.end === i + 1;
      if (!leaf && n.checked === n.leaves) {
        subtrees.push(n.unit.code);
        recipients += n.leaves;
        i = n.end;
      } else {
        if (leaf && n.checked) {
          units.push(n.unit.code);
          recipients += 1;
        }
        i++;
      }
    }
    return { recipients, units, subtrees };
  }


  function firstPick(): HTMLElement | null {
    const first = shown[0] ?? nodes[0];
    return first ? rowOf(first).box : null;
  }

  function uncheckAll(): void {
    for (const n of nodes) n.checked = 0;
  }

  function recipients(chosenKinds: string[]): GridRecipient[] {
    const kinds = new Set(chosenKinds);
    const out: GridRecipient[] = [];
    nodes.forEach((n, i) => {
      const leafChecked = n.end === i + 1 && n.checked > 0;
      if (leafChecked || (n.unit.kind !== null && kinds.has(n.unit.kind))) {
        out.push({ code: n.unit.code, name: n.unit.name, kind: n.unit.kind });
      }
    });
    return out;
  }

  return { render: renderTree, applyFilter, syncBoxes, uncheckAll, selection, recipients, firstPick };
}

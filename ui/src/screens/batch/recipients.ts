// The recipient tree of screen "Đợt cấp phát mới": every open unit, filtered
// as you type (a match shows with its ancestors and its whole subtree), one
// tab stop with the arrow keys inside (a roving tabindex), Enter or Space to
// tick a box.
//
// Only leaves (open units without open children) receive copies. A leaf's
// box is its own state; a parent's box shows whether every leaf under it is
// checked (indeterminate when some are), and toggling it toggles them all.
// On save, a fully checked parent goes to `subtrees` (its leaves are not
// listed again) and a checked leaf outside such a parent goes to `units`.
import type { Unit } from "../../bindings/Unit";
import { fill, h } from "../../dom";
import { formatNumber, searchKey, todayIso } from "../../format";
import { data } from "../../store";
import type { GridRecipient } from "../grid";
import { indentClass } from "../screen";

interface TreeNode {
  unit: Unit;
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
  box: HTMLInputElement;
  item: HTMLLIElement;
}

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

/** The tree in `tree`, filtered by `filter`; `changed` runs whenever the checked leaves change. */
export function recipientTree(tree: HTMLUListElement, filter: HTMLInputElement, changed: () => void): RecipientTree {
  let nodes: TreeNode[] = [];

  function renderTree(): void {
    const keptChecked = new Set(nodes.filter((n, i) => n.end === i + 1 && n.checked > 0).map((n) => n.unit.code));
    const today = todayIso();
    const open = data.units.filter((u) => u.closed_on === null || u.closed_on > today);
    const codes = new Set(open.map((u) => u.code));
    const childrenOf = new Map<string | null, Unit[]>();
    for (const u of open) {
      const p = u.parent !== null && codes.has(u.parent) ? u.parent : null;
      const list = childrenOf.get(p);
      if (list) list.push(u);
      else childrenOf.set(p, [u]);
    }

    const built: TreeNode[] = [];
    const visit = (u: Unit, parent: number): void => {
      const index = built.length;
      const box = h("input", { type: "checkbox", class: "unit-pick", "data-code": u.code, id: `pick-${index}` });
      const kids = childrenOf.get(u.code) ?? [];
      const label = h(
        "label",
        { for: box.id },
        u.name,
        " ",
        h("span", { class: "muted code" }, `(${u.code})`),
      );
      const item = h("li", { class: `tree-item ${indentClass(u.depth)}` }, box, label);
      const node: TreeNode = { unit: u, index, parent, end: index + 1, leaves: 0, checked: 0, key: searchKey(`${u.name} ${u.short_name ?? ""} ${u.code}`), box, item };
      built.push(node);
      for (const k of kids) visit(k, index);
      node.end = built.length;
      if (kids.length) {
        label.append(h("span", { class: "muted leaf-count", "data-leaves": "" }));
      }
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
    for (const n of built) {
      const counter = n.item.querySelector("[data-leaves]");
      if (counter) counter.textContent = ` · ${formatNumber(n.leaves)} đơn vị nhận`;
      n.box.addEventListener("change", () => toggle(n));
    }
    const keepStop = tabStop?.unit.code;
    nodes = built;
    for (const n of nodes) n.box.tabIndex = -1;
    tabStop = nodes.find((n) => n.unit.code === keepStop) ?? null;
    if (nodes.length) fill(tree, nodes.map((n) => n.item));
    else tree.replaceChildren(h("li", { class: "empty" }, "Chưa có đơn vị nào; thêm ở màn hình Đơn vị (Alt+1)."));
    applyFilter();
    syncBoxes();
  }

  // ---- the tree as one tab stop (roving tabindex) ---------------------------

  /** The node whose box Tab reaches; the arrows move it. */
  let tabStop: TreeNode | null = null;

  function setStop(n: TreeNode | null): void {
    if (tabStop && tabStop !== n) tabStop.box.tabIndex = -1;
    tabStop = n;
    if (n) n.box.tabIndex = 0;
  }

  /** Keeps the tab stop on a shown node (the first one when it was filtered out). */
  function syncStop(): void {
    if (tabStop && !tabStop.item.hidden) {
      tabStop.box.tabIndex = 0;
      return;
    }
    setStop(nodes.find((n) => !n.item.hidden) ?? null);
  }

  function visibleNodes(): TreeNode[] {
    return nodes.filter((n) => !n.item.hidden);
  }

  tree.addEventListener("focusin", (e) => {
    const n = nodes.find((x) => x.box === e.target);
    if (n) setStop(n);
  });
  tree.addEventListener("keydown", (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const shown = visibleNodes();
    const i = shown.findIndex((n) => n.box === e.target);
    if (i < 0) return;
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
      case "Enter":
        // Enter ticks the box (as Space does); it does not save the batch.
        e.preventDefault();
        shown[i]!.box.click();
        return;
      default:
        return;
    }
    e.preventDefault();
    if (to) {
      setStop(to);
      to.box.focus();
      to.item.scrollIntoView({ block: "nearest" });
    }
  });

  function toggle(n: TreeNode): void {
    const on = n.box.checked;
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
    for (const n of nodes) {
      n.box.checked = n.checked > 0 && n.checked === n.leaves;
      n.box.indeterminate = n.checked > 0 && n.checked < n.leaves;
    }
    changed();
  }

  function applyFilter(): void {
    const key = searchKey(filter.value);
    if (!key) {
      for (const n of nodes) n.item.hidden = false;
      syncStop();
      return;
    }
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
      n.item.hidden = !show[i];
    });
    syncStop();
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
    return nodes.find((n) => !n.item.hidden)?.box ?? nodes[0]?.box ?? null;
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

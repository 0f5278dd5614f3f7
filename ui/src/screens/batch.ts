// Screen "Đợt cấp phát mới": pick documents (copies per recipient) and recipient
// units from the tree, see the running total, save the batch.
//
// Tree selection: only leaves (open units without open children) receive copies.
// A leaf's box is its own state; a parent's box shows whether every leaf under it
// is checked (indeterminate when some are), and toggling it toggles them all. On
// save, a fully checked parent goes to `subtrees` (its leaves are not listed
// again) and a checked leaf outside such a parent goes to `units`.
import { createBatch, toApiError } from "../api";
import type { DocQty } from "../bindings/DocQty";
import type { Document as RegDocument } from "../bindings/Document";
import type { Unit } from "../bindings/Unit";
import { byId, fill, h, numCell, tbodyOf } from "../dom";
import { announce, clearErrors, showError, type FieldResolver } from "../feedback";
import { addDaysIso, clean, formatNumber, parseCount, parseDate, searchKey, todayIso, writeDate } from "../format";
import { data, onChange, reload } from "../store";
import { guarded, indentClass, type Screen } from "./screen";

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

interface DocRow {
  doc: RegDocument;
  input: HTMLInputElement;
  need: HTMLTableCellElement;
  row: HTMLTableRowElement;
}

const DUE_DAYS = 7;

export function batchScreen(): Screen {
  const form = byId("batch-form", HTMLFormElement);
  const code = byId("batch-code", HTMLInputElement);
  const title = byId("batch-title", HTMLInputElement);
  const handed = byId("batch-handed", HTMLInputElement);
  const due = byId("batch-due", HTMLInputElement);
  const docsTable = byId("batch-docs-table", HTMLTableElement);
  const filter = byId("batch-unit-filter", HTMLInputElement);
  const tree = byId("batch-unit-tree", HTMLUListElement);
  const total = byId("batch-total", HTMLParagraphElement);

  let nodes: TreeNode[] = [];
  let docRows: DocRow[] = [];
  let dueTouched = false;

  const fields: Record<string, () => HTMLElement | null> = {
    code: () => code,
    title: () => title,
    handed_on: () => handed,
    due_on: () => due,
    documents: () => docRows.find((d) => Number(d.input.value) > 0)?.input ?? docRows[0]?.input ?? null,
    units: firstPick,
    subtrees: firstPick,
  };
  const resolve: FieldResolver = (field) => fields[field]?.() ?? null;

  function firstPick(): HTMLElement | null {
    return nodes.find((n) => !n.item.hidden)?.box ?? nodes[0]?.box ?? null;
  }

  // ---- dates -------------------------------------------------------------

  function resetDates(): void {
    const today = todayIso();
    writeDate(handed, today);
    writeDate(due, addDaysIso(today, DUE_DAYS));
    dueTouched = false;
  }

  handed.addEventListener("input", () => {
    const iso = parseDate(handed.value);
    if (!dueTouched && iso) writeDate(due, addDaysIso(iso, DUE_DAYS));
  });
  due.addEventListener("input", () => {
    dueTouched = true;
  });

  // ---- documents ---------------------------------------------------------

  function renderDocs(): void {
    const kept = new Map(docRows.map((d) => [d.doc.symbol, d.input.value]));
    docRows = data.documents.map((doc, i) => {
      const id = `batch-qty-${i}`;
      const input = h("input", {
        id,
        type: "number",
        class: "doc-qty input-num",
        "data-symbol": doc.symbol,
        min: 0,
        step: 1,
        value: 0,
        inputmode: "numeric",
      });
      input.value = kept.get(doc.symbol) ?? "0";
      input.addEventListener("input", updateTotals);
      const need = numCell("");
      const onHand = Number(doc.copies_on_hand);
      const row = h(
        "tr",
        { "data-symbol": doc.symbol },
        h("th", { scope: "row", class: "code" }, h("label", { for: id }, h("span", { class: "visually-hidden" }, "Số bản mỗi đơn vị nhận, văn bản "), doc.symbol)),
        h("td", null, doc.title),
        numCell(formatNumber(onHand), onHand <= 0 ? "muted" : undefined),
        h("td", { class: "num" }, input),
        need,
      );
      return { doc, input, need, row };
    });
    const body = tbodyOf(docsTable);
    if (docRows.length) fill(body, docRows.map((d) => d.row));
    else body.replaceChildren(h("tr", { class: "empty" }, h("td", { colspan: 5 }, "Chưa có văn bản nào; thêm ở màn hình Văn bản (Alt+2).")));
  }

  // ---- unit tree ---------------------------------------------------------

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
    nodes = built;
    if (nodes.length) fill(tree, nodes.map((n) => n.item));
    else tree.replaceChildren(h("li", { class: "empty" }, "Chưa có đơn vị nào; thêm ở màn hình Đơn vị (Alt+1)."));
    applyFilter();
    syncBoxes();
  }

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
    updateTotals();
  }

  function applyFilter(): void {
    const key = searchKey(filter.value);
    if (!key) {
      for (const n of nodes) n.item.hidden = false;
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

  // ---- totals ------------------------------------------------------------

  function updateTotals(): void {
    const { recipients } = selection();
    let perUnit = 0;
    let docs = 0;
    for (const d of docRows) {
      const q = parseCount(d.input.value) ?? 0;
      const need = q * recipients;
      const onHand = Number(d.doc.copies_on_hand);
      perUnit += q;
      if (q > 0) docs++;
      d.row.classList.toggle("in-batch", q > 0);
      d.row.classList.toggle("over", need > onHand && q > 0);
      d.need.textContent = q > 0 ? formatNumber(need) : "";
      if (q > 0 && need > onHand) {
        d.need.append(h("span", { class: "shortfall" }, ` (thiếu ${formatNumber(need - Math.max(0, onHand))})`));
      }
    }
    total.textContent =
      `${formatNumber(recipients)} đơn vị nhận · ${formatNumber(docs)} văn bản · ` +
      `tổng cộng ${formatNumber(perUnit * recipients)} bản.`;
  }

  // ---- save --------------------------------------------------------------

  function resetForm(): void {
    code.value = "";
    title.value = "";
    filter.value = "";
    resetDates();
    for (const d of docRows) d.input.value = "0";
    for (const n of nodes) n.checked = 0;
    applyFilter();
    syncBoxes();
  }

  form.addEventListener(
    "submit",
    guarded(form, async () => {
      clearErrors();
      const handedOn = parseDate(handed.value);
      if (handedOn === undefined) {
        showError({ kind: "invalid", message: "Ngày giao không hợp lệ; nhập dạng ngày/tháng/năm.", field: "handed_on" }, resolve);
        return;
      }
      const dueOn = parseDate(due.value);
      if (dueOn === undefined) {
        showError({ kind: "invalid", message: "Hạn xác nhận không hợp lệ; nhập dạng ngày/tháng/năm.", field: "due_on" }, resolve);
        return;
      }
      const documents: DocQty[] = [];
      for (const d of docRows) {
        const q = parseCount(d.input.value);
        if (q === undefined) {
          showError(
            { kind: "invalid", message: `Số bản của văn bản ${d.doc.symbol} phải là số nguyên từ 0 trở lên.`, field: "documents" },
            resolve,
            d.input,
          );
          return;
        }
        if (q) documents.push({ symbol: d.doc.symbol, quantity: q });
      }
      const { units, subtrees } = selection();
      try {
        const batch = await createBatch({
          code: clean(code.value),
          title: clean(title.value),
          handed_on: handedOn,
          due_on: dueOn,
          documents,
          units,
          subtrees,
        });
        resetForm();
        announce(
          `Đã tạo đợt ${batch.code}: ${formatNumber(batch.recipients)} đơn vị nhận, ${formatNumber(batch.copies)} bản.`,
        );
        code.focus();
        await reload("documents", "batches");
      } catch (e) {
        showError(toApiError(e), resolve);
      }
    }),
  );

  onChange((changed) => {
    if (changed.has("documents")) renderDocs();
    if (changed.has("units")) renderTree();
    else if (changed.has("documents")) updateTotals();
  });

  resetDates();
  updateTotals();
  return { key: "batch", firstField: code };
}

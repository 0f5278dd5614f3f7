// Screen "Đợt cấp phát mới": pick documents (copies per recipient), the delivery
// method and the recipients (from the tree, by kind, or one by one), adjust
// copies per unit in the quantity grid (grid.ts), watch the running total against
// copies on hand, save the batch (the button, or Ctrl+Enter anywhere in the
// form), and its delivery slips open at once in the print preview (slips.ts).
// Below, the batches handed so far with their confirmed/total and overdue
// flags, each able to reprint its slips (batchlist.ts).
//
// Keyboard: the recipient tree and the quantity grid are one tab stop each,
// with the arrow keys inside (a roving tabindex), so that Tab goes from the
// tree to the grid to "Lưu đợt" in three steps whatever the number of units.
//
// The recipient tree and what a ticked box means are in batch/recipients.ts;
// the document table (drawn in part on a long register) in batch/documents.ts.
// Kinds ticked under "Theo loại đơn vị" go to `kinds` (every open unit of
// that kind).
import "../batch.css";

import { createBatch, toApiError } from "../api";
import type { Batch } from "../bindings/Batch";
import type { DeliveryMethod } from "../bindings/DeliveryMethod";
import type { DocQty } from "../bindings/DocQty";
import { byId, fill, h } from "../dom";
import { announce, clearErrors, showError, showErrors, type FieldResolver, type Problem } from "../feedback";
import { addDaysIso, clean, formatNumber, parseCount, parseDate, searchKey, todayIso, writeDate } from "../format";
import { data, onChange, reload } from "../store";
import { documentTable } from "./batch/documents";
import { recipientTree } from "./batch/recipients";
import { mountBatchList } from "./batchlist";
import { createGrid, type GridColumn, type GridRecipient } from "./grid";
import { guarded, type Screen } from "./screen";
import { openSlips } from "./slips";

const DUE_DAYS = 7;

export const DELIVERY_METHOD_LABEL: Record<DeliveryMethod, string> = {
  in_person: "Giao trực tiếp",
  post: "Gửi qua bưu điện",
  via_commune: "Chuyển qua đảng ủy xã",
  electronic: "Bản điện tử",
};

/** A stable, id-safe name for a kind: "Chi bộ" → "chi-bo". */
function slug(text: string): string {
  return searchKey(text).replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "loai";
}

export function batchScreen(): Screen {
  const form = byId("batch-form", HTMLFormElement);
  const code = byId("batch-code", HTMLInputElement);
  const title = byId("batch-title", HTMLInputElement);
  const handed = byId("batch-handed", HTMLInputElement);
  const due = byId("batch-due", HTMLInputElement);
  const filter = byId("batch-unit-filter", HTMLInputElement);
  const tree = byId("batch-unit-tree", HTMLUListElement);
  const total = byId("batch-total", HTMLParagraphElement);

  let dueTouched = false;

  // ---- markup this screen adds to index.html's form ------------------------

  const method = h(
    "select",
    { id: "batch-method", name: "method", "aria-describedby": "batch-method-hint" },
    ...(Object.keys(DELIVERY_METHOD_LABEL) as DeliveryMethod[]).map((m) => h("option", { value: m }, DELIVERY_METHOD_LABEL[m])),
  );
  const infoFields = form.querySelector("fieldset .fields");
  (infoFields ?? form).append(
    h(
      "div",
      { class: "field" },
      h("label", { for: "batch-method" }, "Cách giao"),
      h("p", { class: "hint", id: "batch-method-hint" }, "Trực tiếp, qua bưu điện, qua đảng ủy xã hay bản điện tử."),
      method,
    ),
  );

  const kindBox = h("div", { class: "kind-picks" });
  const kindSet = h(
    "fieldset",
    { id: "batch-kind", class: "kind-group", "aria-describedby": "batch-kind-hint" },
    h("legend", null, "Theo loại đơn vị"),
    h("p", { class: "hint", id: "batch-kind-hint" }, "Giao cho mọi đơn vị đang hoạt động thuộc loại đã chọn."),
    kindBox,
  );
  const unitsSet = byId("batch-units", HTMLFieldSetElement);
  const docsSet = byId("batch-docs", HTMLFieldSetElement);
  // Error links lead to the groups themselves.
  unitsSet.tabIndex = -1;
  docsSet.tabIndex = -1;
  unitsSet.querySelector(".field-filter")?.before(kindSet);

  const qtyValue = h("input", { id: "qty-value", type: "text", inputmode: "numeric", autocomplete: "off", class: "input-num", value: "1" });
  const qtyDoc = h("select", { id: "qty-doc" });
  const qtyAll = h("button", { id: "qty-all", type: "button", class: "secondary" }, "Cho mọi đơn vị");
  const qtyKinds = h("span", { id: "qty-kinds", class: "qty-kinds" });
  const gridTable = h(
    "table",
    { id: "qty-grid", class: "data-table compact qty-grid" },
    h("caption", null, "Số bản từng đơn vị nhận ", h("span", { class: "caption-count", id: "qty-grid-count" })),
  );
  const gridCount = gridTable.querySelector<HTMLSpanElement>("#qty-grid-count")!;
  const gridSet = h(
    "fieldset",
    { id: "batch-grid", class: "group", "aria-describedby": "batch-grid-hint" },
    h("legend", null, "Số bản từng đơn vị"),
    h(
      "p",
      { class: "hint", id: "batch-grid-hint" },
      "Mỗi ô mặc định bằng số bản mỗi đơn vị ở trên; gõ số mới để thay. " +
        "Mũi tên để di chuyển, Enter xuống dòng dưới. Đánh dấu “Chỉ để biết” cho đơn vị nhận để biết, không phải xác nhận.",
    ),
    h(
      "div",
      { class: "qty-tools", role: "group", "aria-label": "Điền nhanh số bản" },
      h("span", { class: "field field-narrow" }, h("label", { for: "qty-value" }, "Số bản"), qtyValue),
      h("span", { class: "field" }, h("label", { for: "qty-doc" }, "Văn bản"), qtyDoc),
      h("span", { class: "qty-buttons" }, qtyAll, qtyKinds),
    ),
    h("div", { class: "table-wrap grid-wrap" }, gridTable),
  );
  unitsSet.after(gridSet);

  const overReason = h("input", { id: "batch-over-reason", type: "text", autocomplete: "off", "aria-describedby": "batch-over-reason-hint" });
  const overField = h(
    "div",
    { class: "field field-over", id: "batch-over-field", hidden: true },
    h("label", { for: "batch-over-reason" }, "Lý do giao vượt số bản còn lại"),
    h("p", { class: "hint", id: "batch-over-reason-hint" }, "Số bản cần giao vượt số bản còn lại trong kho; ghi lý do nếu vẫn giao (được ghi vào nhật ký)."),
    overReason,
  );
  total.after(overField);

  // Below the form: the batches handed so far, with their flags (batchlist.ts).
  mountBatchList(form);

  // Ctrl+Enter saves the batch from any field of the form.
  const submit = byId("batch-submit", HTMLButtonElement);
  submit.setAttribute("aria-keyshortcuts", "Control+Enter");
  submit.after(h("span", { class: "hint key-hint" }, "hoặc Ctrl+Enter"));
  form.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && !e.altKey) {
      e.preventDefault();
      form.requestSubmit(submit);
    }
  });

  const grid = createGrid(gridTable, () => updateTotals(false));
  // The document table (batch/documents.ts): a quantity typed redraws the grid and totals.
  const docs = documentTable(docsSet, () => updateTotals());
  // The recipient tree (batch/recipients.ts): ticking a box redraws the grid and totals.
  const picks = recipientTree(tree, filter, () => updateTotals());

  const fields: Record<string, () => HTMLElement | null> = {
    code: () => code,
    title: () => title,
    handed_on: () => handed,
    due_on: () => due,
    documents: () => docs.firstField(),
    units: () => picks.firstPick(),
    subtrees: () => picks.firstPick(),
    kinds: () => kindBox.querySelector("input"),
    info_units: () => grid.firstInfo(),
    overrides: () => grid.firstCell(),
    over_stock_reason: () => overReason,
    method: () => method,
  };
  const resolve: FieldResolver = (field) => fields[field]?.() ?? null;

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

  // ---- kinds -------------------------------------------------------------

  function renderKinds(): void {
    const kept = new Set(chosenKinds());
    const today = todayIso();
    const used = new Set(data.units.filter((u) => u.kind && (u.closed_on === null || u.closed_on > today)).map((u) => u.kind!));
    const kinds = data.kinds.filter((k) => used.has(k.name));
    if (!kinds.length) {
      kindBox.replaceChildren(h("p", { class: "muted" }, "Chưa có loại đơn vị nào."));
      return;
    }
    fill(
      kindBox,
      kinds.map((k, i) => {
        const box = h("input", { type: "checkbox", class: "kind-pick", id: `batch-kind-${i}`, value: k.name, checked: kept.has(k.name) });
        box.addEventListener("change", () => updateTotals());
        return h("span", { class: "kind-item" }, box, h("label", { for: box.id }, k.name));
      }),
    );
  }

  function chosenKinds(): string[] {
    return [...kindBox.querySelectorAll<HTMLInputElement>("input.kind-pick:checked")].map((b) => b.value);
  }

  // ---- recipients, grid and totals -----------------------------------------

  function columns(): GridColumn[] {
    const cols: GridColumn[] = [];
    for (const doc of data.documents) {
      const q = parseCount(docs.typed(doc.uid) ?? "0");
      if (q) cols.push({ uid: doc.uid, symbol: doc.symbol, title: doc.title, def: q, onHand: Number(doc.copies_on_hand) });
    }
    return cols;
  }

  let shownKinds = "";
  let gridShape = "";

  function renderShortcuts(cols: GridColumn[], units: GridRecipient[]): void {
    const keepDoc = qtyDoc.value;
    fill(qtyDoc, [h("option", { value: "" }, "Mọi văn bản trong đợt"), ...cols.map((c) => h("option", { value: c.symbol }, c.symbol))]);
    qtyDoc.value = cols.some((c) => c.symbol === keepDoc) ? keepDoc : "";
    const kinds = [...new Set(units.map((u) => u.kind).filter((k): k is string => k !== null))];
    const key = kinds.join("\n");
    if (key === shownKinds) return;
    shownKinds = key;
    const ids = new Set<string>();
    fill(
      qtyKinds,
      kinds.map((kind) => {
        let id = `qty-kind-${slug(kind)}`;
        while (ids.has(id)) id += "-";
        ids.add(id);
        const b = h("button", { id, type: "button", class: "secondary", "data-kind": kind }, `Cho mọi “${kind}”`);
        b.addEventListener("click", () => applyQuantity(kind));
        return b;
      }),
    );
  }

  /** "Điền nhanh": the quantity in #qty-value for every unit (kind null) or the units of one kind. */
  function applyQuantity(kind: string | null): void {
    clearErrors();
    const q = parseCount(qtyValue.value);
    if (q === undefined || q === null) {
      showError({ kind: "invalid", message: "Số bản để điền nhanh phải là số nguyên từ 0 trở lên.", field: "qty" }, undefined, qtyValue);
      return;
    }
    const cols = columns();
    const chosen = qtyDoc.value ? cols.filter((c) => c.symbol === qtyDoc.value) : cols;
    const symbols = chosen.map((c) => c.symbol);
    if (kind === null) {
      if (q === 0) {
        showError(
          { kind: "invalid", message: "Số bản cho mọi đơn vị phải lớn hơn 0; bỏ văn bản khỏi đợt bằng cách để 0 ở bảng văn bản.", field: "qty" },
          undefined,
          qtyValue,
        );
        return;
      }
      // Same quantity for all: it becomes the documents' default, typed cells are forgotten.
      docs.set(chosen.map((c) => c.uid), q);
      grid.clearColumns(symbols);
      gridShape = ""; // typed cells were forgotten: redraw even if the default did not change
      updateTotals();
      announce(`Đã điền ${formatNumber(q)} bản cho mọi đơn vị nhận.`);
    } else {
      const units = new Set(picks.recipients(chosenKinds()).filter((u) => u.kind === kind).map((u) => u.code));
      grid.setCells(units, symbols, q);
      announce(`Đã điền ${formatNumber(q)} bản cho ${formatNumber(units.size)} đơn vị loại “${kind}”.`);
    }
  }

  qtyAll.addEventListener("click", () => applyQuantity(null));
  qtyValue.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      applyQuantity(null);
    }
  });

  /** Recomputes totals; with `rebuild` (the default) also redraws the grid for the current documents and recipients. */
  function updateTotals(rebuild = true): void {
    const units = picks.recipients(chosenKinds());
    const cols = columns();
    // Redraw the grid only when its rows or columns (or a column's default) changed.
    const shape = `${cols.map((c) => `${c.symbol}:${c.def}`).join(",")}|${units.map((u) => u.code).join(",")}`;
    if (rebuild && shape !== gridShape) {
      gridShape = shape;
      grid.update(cols, units);
      renderShortcuts(cols, units);
    }
    const totals = grid.totals();
    let all = 0;
    let over = false;
    for (const d of docs.drawn()) {
      const q = parseCount(d.input.value) ?? 0;
      const need = totals.get(d.doc.symbol) ?? 0;
      const onHand = Number(d.doc.copies_on_hand);
      all += need;
      const short = q > 0 && need > onHand;
      over ||= short;
      d.row.classList.toggle("in-batch", q > 0);
      d.row.classList.toggle("over", short);
      d.need.textContent = q > 0 ? formatNumber(need) : "";
      if (short) d.need.append(h("span", { class: "shortfall" }, ` (thiếu ${formatNumber(need - Math.max(0, onHand))})`));
    }
    overField.hidden = !over;
    const info = grid.infoUnits().length;
    gridCount.textContent = units.length ? `(${formatNumber(units.length)} đơn vị)` : "";
    total.textContent =
      `${formatNumber(units.length)} đơn vị nhận` +
      (info ? ` (${formatNumber(info)} chỉ để biết)` : "") +
      ` · ${formatNumber(cols.length)} văn bản · tổng cộng ${formatNumber(all)} bản.`;
    total.classList.toggle("over", over);
  }

  // ---- save --------------------------------------------------------------

  function resetForm(): void {
    code.value = "";
    title.value = "";
    filter.value = "";
    overReason.value = "";
    method.value = "in_person";
    resetDates();
    docs.reset();
    for (const b of kindBox.querySelectorAll<HTMLInputElement>("input.kind-pick")) b.checked = false;
    picks.uncheckAll();
    grid.reset();
    gridShape = "";
    picks.applyFilter();
    picks.syncBoxes();
  }

  /**
   * What is missing, all at once (code, content, documents, recipients), so
   * that one try names every gap; each problem links to its field or group.
   */
  function missing(): Problem[] {
    const problems: Problem[] = [];
    if (!clean(code.value)) problems.push({ err: { kind: "invalid", message: "Nhập mã đợt (không trùng, ví dụ Đ2-2022).", field: "code" }, target: code });
    if (!clean(title.value)) problems.push({ err: { kind: "invalid", message: "Nhập nội dung đợt.", field: "title" }, target: title });
    if (data.documents.length && !docs.any()) {
      problems.push({
        err: { kind: "invalid", message: "Chưa chọn văn bản nào: nhập số bản mỗi đơn vị (lớn hơn 0) cho ít nhất một văn bản.", field: "documents" },
        target: docsSet,
      });
    }
    if (!picks.recipients(chosenKinds()).length) {
      problems.push({
        err: { kind: "invalid", message: "Chưa chọn đơn vị nhận nào: đánh dấu trong cây đơn vị hoặc chọn theo loại.", field: "units" },
        target: unitsSet,
      });
    }
    return problems;
  }

  form.addEventListener(
    "submit",
    guarded(form, async () => {
      clearErrors();
      const gaps = missing();
      if (gaps.length) {
        showErrors(gaps);
        return;
      }
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
      for (const doc of data.documents) {
        const typed = docs.typed(doc.uid);
        if (typed === undefined) continue;
        const q = parseCount(typed);
        if (q === undefined) {
          showError(
            { kind: "invalid", message: `Số bản của văn bản ${doc.symbol} phải là số nguyên từ 0 trở lên.`, field: "documents" },
            resolve,
            docs.input(doc.uid),
          );
          return;
        }
        if (!q) continue;
        // Numbers run per term: a batch takes one document of a symbol.
        const twin = documents.find((d) => d.symbol === doc.symbol);
        if (twin) {
          showError(
            {
              kind: "invalid",
              message: `Hai văn bản cùng số ký hiệu ${doc.symbol} (của hai nhiệm kỳ) không giao chung một đợt được: để 0 bản cho một văn bản và giao văn bản đó ở một đợt khác.`,
              field: "documents",
            },
            resolve,
            docs.input(doc.uid),
          );
          return;
        }
        documents.push({ symbol: doc.symbol, uid: doc.uid, quantity: q });
      }
      const badCell = grid.invalidCell();
      if (badCell) {
        showError(
          { kind: "invalid", message: `Số bản của ${badCell.dataset.unit} — ${badCell.dataset.symbol} phải là số nguyên từ 0 trở lên.`, field: "overrides" },
          resolve,
          badCell,
        );
        return;
      }
      const empty = grid.emptyRow();
      if (empty) {
        showError(
          {
            kind: "invalid",
            message: `${empty.unit.name} (${empty.unit.code}) không nhận bản nào (mọi ô đều là 0): nhập số bản, hoặc bỏ chọn đơn vị này.`,
            field: "overrides",
          },
          resolve,
          empty.cell,
        );
        return;
      }
      const reason = clean(overReason.value);
      if (!overField.hidden && !reason) {
        showError(
          { kind: "invalid", message: "Số bản cần giao vượt số bản còn lại: ghi lý do giao vượt, hoặc giảm số bản.", field: "over_stock_reason" },
          resolve,
        );
        return;
      }
      const { units, subtrees } = picks.selection();
      let saved: Batch;
      try {
        saved = await createBatch({
          code: clean(code.value),
          title: clean(title.value),
          handed_on: handedOn,
          due_on: dueOn,
          documents,
          units,
          subtrees,
          kinds: chosenKinds(),
          info_units: grid.infoUnits(),
          overrides: grid.overrides(),
          method: method.value as DeliveryMethod,
          over_stock_reason: overField.hidden ? null : reason,
        });
        resetForm();
        announce(
          `Đã tạo đợt ${saved.code}: ${formatNumber(saved.recipients)} đơn vị nhận, ${formatNumber(saved.copies)} bản, ` +
            `${DELIVERY_METHOD_LABEL[saved.method].toLowerCase()}. In mỗi đơn vị một phiếu có mã nhận để ký và gửi lại.`,
        );
        await reload("documents", "batches");
      } catch (e) {
        showError(toApiError(e), resolve);
        return;
      }
      // The slips at once, as they will print; focus comes back to a new batch's code.
      await openSlips(saved, code);
    }),
  );

  onChange((changed) => {
    if (changed.has("documents")) docs.render();
    if (changed.has("units") || changed.has("kinds")) renderKinds();
    if (changed.has("units")) picks.render();
    else if (changed.has("documents") || changed.has("kinds")) updateTotals();
  }, byId("screen-batch", HTMLElement));

  resetDates();
  updateTotals();
  return { key: "batch", firstField: code, needs: ["units", "kinds", "documents", "batches"] };
}

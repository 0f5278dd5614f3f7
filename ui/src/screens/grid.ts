// The units × documents quantity grid of the new-batch screen (#qty-grid): one
// row per recipient, one column per document in the batch, each cell the copies
// that unit gets. A cell shows the column default (the document's "copies per
// unit") until it is typed over; only cells that differ from the default are
// sent to the core, as `overrides`. Each row also has the "chỉ để biết" (for
// information) toggle.
//
// Keyboard, built for 400 rows: the grid is one tab stop (a roving tabindex:
// Tab enters it at the cell last used and leaves it at once); focusing a cell
// selects its text so typing replaces it; ↑/↓ and Enter/Shift+Enter move down
// and up a column; ←/→ move across when the caret is at the edge of the text
// (or all of it is selected), ← from the first document to the row's "chỉ để
// biết" box (Space ticks it).
import type { UnitQty } from "../bindings/UnitQty";
import { fill, h, tbodyOf } from "../dom";
import { formatNumber, parseCount } from "../format";

export interface GridColumn {
  /** The document's uid; the column is keyed by its symbol, one per batch. */
  uid: string;
  symbol: string;
  title: string;
  /** Copies per unit unless a cell says otherwise. */
  def: number;
  onHand: number;
}

export interface GridRecipient {
  code: string;
  name: string;
  kind: string | null;
}

interface Row {
  unit: GridRecipient;
  info: HTMLInputElement;
  cells: HTMLInputElement[];
}

export interface QtyGrid {
  /** Redraws for these columns and recipients (typed values are kept per unit and document). */
  update(columns: GridColumn[], recipients: GridRecipient[]): void;
  /** Cells typed over, for the columns and recipients on screen. */
  overrides(): UnitQty[];
  /** Recipients marked "chỉ để biết". */
  infoUnits(): string[];
  /** Copies handed per document, all recipients together. */
  totals(): Map<string, number>;
  /** The first cell that does not hold a whole number, if any. */
  invalidCell(): HTMLInputElement | null;
  /** The first cell of the first recipient that would get no copy at all (the core refuses it). */
  emptyRow(): { unit: GridRecipient; cell: HTMLInputElement } | null;
  /** The first cell (for error links), if any. */
  firstCell(): HTMLInputElement | null;
  firstInfo(): HTMLInputElement | null;
  /** Sets cells of the given units (all when null) and documents to `q`. */
  setCells(units: ReadonlySet<string> | null, symbols: readonly string[], q: number): void;
  /** Forgets typed values for these documents (their cells follow the default again). */
  clearColumns(symbols: readonly string[]): void;
  reset(): void;
}

export function createGrid(table: HTMLTableElement, onChange: () => void): QtyGrid {
  /** unit code → symbol → copies typed. */
  const typed = new Map<string, Map<string, number>>();
  const info = new Set<string>();
  /** Cells holding text that is not a count. */
  const bad = new Set<HTMLInputElement>();
  let columns: GridColumn[] = [];
  let rows: Row[] = [];
  /** Cell → [row, column]; a row's "chỉ để biết" box is column -1. */
  const position = new Map<HTMLInputElement, [number, number]>();
  const totalCells: HTMLTableCellElement[] = [];
  /** Where Tab enters the grid: [unit code, column]. */
  let stop: [string, number] | null = null;

  function at(r: number, c: number): HTMLInputElement | undefined {
    const row = rows[r];
    return c < 0 ? row?.info : row?.cells[c];
  }

  /** Gives the tab stop to `el` (every other cell and box gets tabindex -1). */
  function setStop(el: HTMLInputElement): void {
    const pos = position.get(el);
    if (!pos) return;
    const old = stop ? findStop() : undefined;
    if (old && old !== el) old.tabIndex = -1;
    el.tabIndex = 0;
    stop = [rows[pos[0]]!.unit.code, pos[1]];
  }

  function findStop(): HTMLInputElement | undefined {
    if (!stop) return undefined;
    const r = rows.findIndex((row) => row.unit.code === stop![0]);
    return r < 0 ? undefined : at(r, Math.min(stop[1], columns.length - 1));
  }

  const head = table.tHead ?? table.createTHead();
  const foot = table.tFoot ?? table.createTFoot();

  function valueOf(code: string, c: number): number {
    const col = columns[c]!;
    return typed.get(code)?.get(col.symbol) ?? col.def;
  }

  function render(): void {
    position.clear();
    bad.clear();
    totalCells.length = 0;
    if (!columns.length || !rows.length) {
      head.replaceChildren();
      foot.replaceChildren();
      const text = !columns.length
        ? "Nhập số bản mỗi đơn vị (lớn hơn 0) cho ít nhất một văn bản ở trên."
        : "Chọn đơn vị nhận (theo cây hoặc theo loại) để hiện bảng số bản.";
      tbodyOf(table).replaceChildren(h("tr", { class: "empty" }, h("td", null, text)));
      return;
    }
    head.replaceChildren(
      h(
        "tr",
        null,
        h("th", { scope: "col" }, "Đơn vị nhận"),
        h("th", { scope: "col", class: "col-info" }, "Chỉ để biết"),
        ...columns.map((col, c) => h("th", { scope: "col", class: "num", id: `qg-c${c}`, title: col.title }, col.symbol)),
      ),
    );
    const trs = rows.map((row, r) => {
      const rowId = `qg-r${r}`;
      const cells = columns.map((col, c) => {
        const v = valueOf(row.unit.code, c);
        const input = h("input", {
          type: "text",
          inputmode: "numeric",
          autocomplete: "off",
          tabindex: -1,
          class: `qty-cell input-num${v !== col.def ? " overridden" : ""}${v === 0 ? " zero" : ""}`,
          "data-unit": row.unit.code,
          "data-symbol": col.symbol,
          "aria-labelledby": `${rowId} qg-c${c}`,
          value: String(v),
        });
        input.value = String(v);
        position.set(input, [r, c]);
        return h("td", { class: "num" }, input);
      });
      row.cells = cells.map((td) => td.firstChild as HTMLInputElement);
      row.info.checked = info.has(row.unit.code);
      row.info.tabIndex = -1;
      position.set(row.info, [r, -1]);
      return h(
        "tr",
        { "data-unit": row.unit.code, class: row.info.checked ? "info-only" : null },
        h("th", { scope: "row", id: rowId }, row.unit.name, " ", h("span", { class: "muted code" }, `(${row.unit.code})`)),
        h("td", { class: "col-info" }, h("label", { class: "info-label" }, row.info, h("span", { class: "visually-hidden" }, `Chỉ để biết: ${row.unit.name}`))),
        ...cells,
      );
    });
    fill(tbodyOf(table), trs);
    const totalRow = h("tr", { class: "grid-total" }, h("th", { scope: "row", colspan: 2 }, "Tổng cần giao / còn lại"));
    for (let c = 0; c < columns.length; c++) {
      const td = h("td", { class: "num", "data-symbol": columns[c]!.symbol });
      totalCells.push(td);
      totalRow.append(td);
    }
    foot.replaceChildren(totalRow);
    const entry = findStop() ?? rows[0]?.cells[0];
    if (entry) setStop(entry);
    refreshTotals();
  }

  function totals(): Map<string, number> {
    const out = new Map<string, number>();
    columns.forEach((col, c) => {
      let sum = 0;
      for (const row of rows) sum += valueOf(row.unit.code, c);
      out.set(col.symbol, sum);
    });
    return out;
  }

  function refreshTotals(): void {
    const t = totals();
    columns.forEach((col, c) => {
      const td = totalCells[c];
      if (!td) return;
      const sum = t.get(col.symbol) ?? 0;
      const over = sum > col.onHand;
      td.classList.toggle("over", over);
      td.replaceChildren(
        h("span", { class: "grid-sum" }, formatNumber(sum)),
        " / ",
        h("span", { class: "muted" }, formatNumber(col.onHand)),
        ...(over ? [h("span", { class: "shortfall" }, ` vượt ${formatNumber(sum - Math.max(0, col.onHand))}`)] : []),
      );
    });
  }

  function onCellInput(input: HTMLInputElement): void {
    const pos = position.get(input);
    if (!pos) return;
    const [r, c] = pos;
    const row = rows[r]!;
    const col = columns[c]!;
    const q = parseCount(input.value);
    if (q === undefined || q === null) {
      bad.add(input);
      input.classList.add("bad");
    } else {
      bad.delete(input);
      input.classList.remove("bad");
      let m = typed.get(row.unit.code);
      if (q === col.def) m?.delete(col.symbol);
      else {
        if (!m) typed.set(row.unit.code, (m = new Map()));
        m.set(col.symbol, q);
      }
      input.classList.toggle("overridden", q !== col.def);
      input.classList.toggle("zero", q === 0);
    }
    refreshTotals();
    onChange();
  }

  function move(r: number, c: number): void {
    const target = at(r, Math.max(-1, c));
    if (!target) return;
    setStop(target);
    target.focus();
    if (c >= 0) target.select();
  }

  table.addEventListener("input", (e) => {
    if (e.target instanceof HTMLInputElement && position.has(e.target)) onCellInput(e.target);
  });
  table.addEventListener("change", (e) => {
    const t = e.target;
    if (!(t instanceof HTMLInputElement) || t.type !== "checkbox") return;
    const code = t.dataset.unit;
    if (!code) return;
    if (t.checked) info.add(code);
    else info.delete(code);
    t.closest("tr")?.classList.toggle("info-only", t.checked);
    onChange();
  });
  table.addEventListener("focusin", (e) => {
    if (!(e.target instanceof HTMLInputElement) || !position.has(e.target)) return;
    setStop(e.target);
    if (e.target.type !== "checkbox") e.target.select();
  });
  // Keep the selection made on focus when the cell is clicked.
  table.addEventListener("mouseup", (e) => {
    if (e.target instanceof HTMLInputElement && position.has(e.target)) e.preventDefault();
  });
  table.addEventListener("keydown", (e) => {
    const input = e.target;
    if (!(input instanceof HTMLInputElement)) return;
    const pos = position.get(input);
    if (!pos || e.altKey || e.ctrlKey || e.metaKey) return;
    const [r, c] = pos;
    if (c < 0) {
      // The "chỉ để biết" box: ↑/↓ along the column, → to the first document.
      const to = { ArrowDown: [r + 1, c], ArrowUp: [r - 1, c], ArrowRight: [r, 0], Enter: [r + 1, c] }[e.key];
      if (to) {
        e.preventDefault();
        move(to[0]!, to[1]!);
      }
      return;
    }
    const start = input.selectionStart ?? 0;
    const end = input.selectionEnd ?? 0;
    const all = start === 0 && end === input.value.length;
    switch (e.key) {
      case "Enter":
        e.preventDefault(); // Enter in the grid moves; it never saves the batch.
        move(e.shiftKey ? r - 1 : r + 1, c);
        break;
      case "ArrowDown":
        e.preventDefault();
        move(r + 1, c);
        break;
      case "ArrowUp":
        e.preventDefault();
        move(r - 1, c);
        break;
      case "ArrowLeft":
        if (all || (start === 0 && end === 0)) {
          e.preventDefault();
          move(r, c - 1);
        }
        break;
      case "ArrowRight":
        if (all || (start === input.value.length && end === start)) {
          e.preventDefault();
          move(r, c + 1);
        }
        break;
      default:
        break;
    }
  });

  return {
    update(cols, recipients) {
      columns = cols;
      const keep = new Set(recipients.map((u) => u.code));
      for (const code of [...info]) if (!keep.has(code)) info.delete(code);
      rows = recipients.map((unit) => ({
        unit,
        info: h("input", { type: "checkbox", class: "info-pick", "data-unit": unit.code }),
        cells: [],
      }));
      render();
    },
    overrides() {
      const out: UnitQty[] = [];
      for (const row of rows) {
        const m = typed.get(row.unit.code);
        if (!m) continue;
        for (const col of columns) {
          const q = m.get(col.symbol);
          if (q !== undefined && q !== col.def) out.push({ unit: row.unit.code, symbol: col.symbol, quantity: q });
        }
      }
      return out;
    },
    infoUnits() {
      return rows.filter((r) => info.has(r.unit.code)).map((r) => r.unit.code);
    },
    totals,
    invalidCell() {
      for (const row of rows) for (const cell of row.cells) if (bad.has(cell)) return cell;
      return null;
    },
    emptyRow() {
      for (const row of rows) {
        if (row.cells.length && columns.every((_, c) => valueOf(row.unit.code, c) === 0)) return { unit: row.unit, cell: row.cells[0]! };
      }
      return null;
    },
    firstCell() {
      return rows[0]?.cells[0] ?? null;
    },
    firstInfo() {
      return rows[0]?.info ?? null;
    },
    setCells(units, symbols, q) {
      for (const row of rows) {
        if (units && !units.has(row.unit.code)) continue;
        let m = typed.get(row.unit.code);
        if (!m) typed.set(row.unit.code, (m = new Map()));
        for (const s of symbols) m.set(s, q);
      }
      render();
      onChange();
    },
    clearColumns(symbols) {
      for (const m of typed.values()) for (const s of symbols) m.delete(s);
    },
    reset() {
      typed.clear();
      info.clear();
      columns = [];
      rows = [];
      render();
    },
  };
}

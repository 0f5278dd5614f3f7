// The document table of screen "Đợt cấp phát mới": copies per recipient for
// each document of the batch. A register of up to `DOCS_WHOLE` documents is
// drawn whole; a longer one (a province keeps thousands) draws the documents
// already in the batch, the newest `DOCS_NEWEST` and what the document search
// finds, so the page never holds a row per document of the register.
//
// The quantities typed are kept by document (its uid: one symbol may name a
// document of each committee term), whether or not their row is drawn; a row
// is made the first time it is shown, the term beside a symbol that has one.
import type { Document as RegDocument } from "../../bindings/Document";
import { byId, fill, h, numCell, tbodyOf } from "../../dom";
import { clean, formatNumber, parseCount, searchKey } from "../../format";
import { data } from "../../store";

const DOCS_WHOLE = 200;
const DOCS_NEWEST = 50;
const DOCS_FOUND = 100;

/** A document's drawn row. */
export interface DocRow {
  doc: RegDocument;
  input: HTMLInputElement;
  need: HTMLTableCellElement;
  row: HTMLTableRowElement;
}

export interface DocumentTable {
  /** Draws the rows for the register as loaded (documents gone leave the batch). */
  render(): void;
  /** The rows drawn; every document of the batch is among them. */
  drawn(): readonly DocRow[];
  /** The quantity typed for a document, by uid ("" or "0" when not in the batch). */
  typed(uid: string): string | undefined;
  /** Sets the quantity of these documents, by uid (drawn or not). */
  set(uids: readonly string[], quantity: number): void;
  /** Whether any document has a quantity above 0. */
  any(): boolean;
  /** The field for an error about the documents. */
  firstField(): HTMLElement | null;
  /** The input of a document's row (by uid), when drawn. */
  input(uid: string): HTMLInputElement | undefined;
  /** Empties the batch and the search. */
  reset(): void;
}

export function documentTable(set: HTMLFieldSetElement, changed: () => void): DocumentTable {
  const table = byId("batch-docs-table", HTMLTableElement);
  const quantities = new Map<string, string>();
  const made = new Map<string, DocRow>();
  let madeCount = 0;
  let rows: DocRow[] = [];
  let firstFound: DocRow | undefined;

  // The document search, shown only when the register is too long to draw whole.
  const filter = h("input", {
    id: "batch-doc-filter",
    type: "search",
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": "batch-doc-filter-hint",
    "aria-controls": "batch-docs-table",
  });
  const shownLine = h("p", { class: "hint", id: "batch-docs-shown", "aria-live": "polite" });
  const search = h(
    "div",
    { class: "field field-filter", id: "batch-doc-search", hidden: true },
    h("label", { for: "batch-doc-filter" }, "Tìm văn bản"),
    h("p", { class: "hint", id: "batch-doc-filter-hint" }, "Gõ số ký hiệu hoặc trích yếu, có dấu hay không dấu đều được."),
    filter,
  );
  set.querySelector(".table-wrap")?.before(search, shownLine);

  const keys = new WeakMap<RegDocument, string>();
  /** What the search matches: symbol, summary and term, without diacritics. */
  function key(doc: RegDocument): string {
    let k = keys.get(doc);
    if (k === undefined) {
      k = searchKey(`${doc.symbol} ${doc.title} ${doc.term}`);
      keys.set(doc, k);
    }
    return k;
  }

  /** The row of one document, made the first time it is drawn. */
  function rowOf(doc: RegDocument): DocRow {
    const old = made.get(doc.uid);
    if (old && old.doc === doc) return old;
    const id = `batch-qty-${madeCount++}`;
    const input = h("input", {
      id,
      type: "number",
      class: "doc-qty input-num",
      "data-symbol": doc.symbol,
      "data-uid": doc.uid,
      min: 0,
      step: 1,
      value: 0,
      inputmode: "numeric",
    });
    input.value = quantities.get(doc.uid) ?? "0";
    input.addEventListener("input", () => {
      if (input.value === "0" || input.value === "") quantities.delete(doc.uid);
      else quantities.set(doc.uid, input.value);
      changed();
    });
    const onHand = Number(doc.copies_on_hand);
    const row = h(
      "tr",
      { "data-symbol": doc.symbol },
      h(
        "th",
        { scope: "row", class: "code" },
        h("label", { for: id }, h("span", { class: "visually-hidden" }, "Số bản mỗi đơn vị nhận, văn bản "), doc.symbol),
        doc.term ? h("span", { class: "sub" }, `Khóa ${doc.term}`) : null,
      ),
      h("td", null, doc.title),
      numCell(formatNumber(onHand), onHand <= 0 ? "muted" : undefined),
      h("td", { class: "num" }, input),
    );
    const need = numCell("");
    row.append(need);
    const fresh = { doc, input, need, row };
    made.set(doc.uid, fresh);
    return fresh;
  }

  /** All of a short register; of a long one, those in the batch, then what the search finds or the newest. */
  function toDraw(): RegDocument[] {
    const all = data.documents;
    if (all.length <= DOCS_WHOLE) return all;
    const q = searchKey(filter.value);
    let room = q ? DOCS_FOUND : DOCS_NEWEST;
    return all.filter((doc) => {
      if (quantities.has(doc.uid)) return true;
      if (room === 0) return false;
      const hit = !q || key(doc).includes(q);
      if (hit) room--;
      return hit;
    });
  }

  function render(): void {
    const uids = new Set(data.documents.map((d) => d.uid));
    for (const uid of [...quantities.keys()]) if (!uids.has(uid)) quantities.delete(uid);
    const current = new Set(data.documents);
    for (const [uid, row] of [...made]) if (!current.has(row.doc)) made.delete(uid);
    const long = data.documents.length > DOCS_WHOLE;
    search.hidden = !long;
    shownLine.hidden = !long;
    const shown = toDraw();
    rows = shown.map(rowOf);
    const q = searchKey(filter.value);
    firstFound = q ? rows.find((d) => key(d.doc).includes(q)) : rows[0];
    if (long) {
      const typed = clean(filter.value);
      const all = formatNumber(data.documents.length);
      shownLine.textContent = typed
        ? `${formatNumber(shown.length)} văn bản hiện ra (tìm “${typed}”, cùng các văn bản đã có trong đợt) trong ${all}.`
        : `Hiện ${formatNumber(shown.length)} văn bản mới nhất và các văn bản đã có trong đợt, trong ${all}; tìm để thấy văn bản khác.`;
    }
    const body = tbodyOf(table);
    const empty = (text: string) => body.replaceChildren(h("tr", { class: "empty" }, h("td", { colspan: 5 }, text)));
    if (rows.length) fill(body, rows.map((d) => d.row));
    else if (long) empty("Không có văn bản nào khớp.");
    else empty("Chưa có văn bản nào; thêm ở màn hình Văn bản (Alt+2).");
  }

  filter.addEventListener("input", () => {
    render();
    changed();
  });
  filter.addEventListener("keydown", (e) => {
    // Enter goes to the quantity of the first document found, not to "Lưu đợt".
    if (e.key === "Enter" && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      firstFound?.input.focus();
    }
  });

  return {
    render,
    drawn: () => rows,
    typed: (uid) => quantities.get(uid),
    set(uids, quantity) {
      for (const uid of uids) {
        quantities.set(uid, String(quantity));
        const row = made.get(uid);
        if (row) row.input.value = String(quantity);
      }
    },
    any: () => [...quantities.values()].some((v) => (parseCount(v) ?? 0) > 0),
    firstField: () => rows.find((d) => Number(d.input.value) > 0)?.input ?? rows[0]?.input ?? (search.hidden ? null : filter),
    input: (uid) => made.get(uid)?.input,
    reset() {
      quantities.clear();
      filter.value = "";
      for (const d of made.values()) d.input.value = "0";
    },
  };
}

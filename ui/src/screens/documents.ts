// Screen "Văn bản": documents received, with copies still on hand, filters (type,
// issuing body, year, classification, text without diacritics), columns sorted
// in Vietnamese order, and the form that registers a new one. Only metadata:
// never the content of a secret document. A classified document's "Bản số"
// opens its numbered copies and the recall form (copies.ts).
import { addDocument, toApiError } from "../api";
import type { Classification } from "../bindings/Classification";
import type { Document as RegDocument } from "../bindings/Document";
import { byId, fill, h, numCell, tbodyOf } from "../dom";
import { announce, clearErrors, showError, type FieldResolver } from "../feedback";
import { CLASSIFICATION_LABEL, clean, formatDate, formatNumber, optional, parseCount, parseDate, searchKey } from "../format";
import { data, onChange, reload } from "../store";
import { copiesPane } from "./copies";
import { guarded, type Screen } from "./screen";

function isClassification(v: string): v is Classification {
  return v in CLASSIFICATION_LABEL;
}

type SortKey = "symbol" | "title" | "date";

/** Rows drawn at a time. */
const PAGE = 200;

/** Vietnamese order with numbers by their value ("số 2" before "số 10"), as the register sorts names. */
const collator = new Intl.Collator("vi", { numeric: true });
const symbolCollator = collator;

/** Compares two documents on one column, ascending; missing dates last. */
function compare(key: SortKey, a: RegDocument, b: RegDocument): number {
  switch (key) {
    case "symbol":
      return symbolCollator.compare(a.symbol, b.symbol) || a.term.localeCompare(b.term);
    case "title":
      return collator.compare(a.title, b.title) || symbolCollator.compare(a.symbol, b.symbol);
    case "date":
      if (a.issued_on === b.issued_on) return symbolCollator.compare(a.symbol, b.symbol);
      if (a.issued_on === null) return 1;
      if (b.issued_on === null) return -1;
      return a.issued_on < b.issued_on ? -1 : 1;
  }
}

export function documentsScreen(): Screen {
  const form = byId("doc-form", HTMLFormElement);
  const symbol = byId("doc-symbol", HTMLInputElement);
  const title = byId("doc-title", HTMLInputElement);
  const date = byId("doc-date", HTMLInputElement);
  const copies = byId("doc-copies", HTMLInputElement);
  const classification = byId("doc-classification", HTMLSelectElement);
  const table = byId("documents-table", HTMLTableElement);
  const count = byId("documents-count", HTMLSpanElement);
  const term = byId("doc-term", HTMLInputElement);
  const fText = byId("doc-filter-text", HTMLInputElement);
  const fType = byId("doc-filter-type", HTMLSelectElement);
  const fIssuer = byId("doc-filter-issuer", HTMLSelectElement);
  const fYear = byId("doc-filter-year", HTMLSelectElement);
  const fClass = byId("doc-filter-class", HTMLSelectElement);
  const filters = byId("doc-filters", HTMLFormElement);
  let sortKey: SortKey | null = null;
  let sortAsc = true;
  /** Rows drawn: a province's register holds thousands of documents; the filters find the others. */
  let limit = PAGE;
  const copies_ = copiesPane();

  const fields: Record<string, HTMLElement> = {
    symbol,
    title,
    issued_on: date,
    copies_received: copies,
    classification,
    term,
  };
  const resolve: FieldResolver = (field) => fields[field] ?? null;

  form.addEventListener(
    "submit",
    guarded(form, async () => {
      clearErrors();
      const issued = parseDate(date.value);
      if (issued === undefined) {
        showError({ kind: "invalid", message: "Ngày ban hành không hợp lệ; nhập dạng ngày/tháng/năm.", field: "issued_on" }, resolve);
        return;
      }
      const n = parseCount(copies.value);
      if (n === null || n === undefined) {
        showError({ kind: "invalid", message: "Số bản nhận phải là số nguyên từ 0 trở lên.", field: "copies_received" }, resolve);
        return;
      }
      const cls = classification.value;
      try {
        const doc = await addDocument({
          symbol: clean(symbol.value),
          title: clean(title.value),
          issued_on: issued,
          copies_received: n,
          classification: isClassification(cls) ? cls : "normal",
          term: optional(term.value),
        });
        form.reset();
        const warn = doc.warnings.length ? ` Lưu ý: ${doc.warnings.join(" ")}` : "";
        announce(`Đã thêm văn bản ${doc.symbol}.${warn}`);
        symbol.focus();
        await reload("documents");
      } catch (e) {
        showError(toApiError(e), resolve);
      }
    }),
  );

  function row(d: RegDocument): HTMLTableRowElement {
    const onHand = Number(d.copies_on_hand);
    const secret = d.classification !== "normal";
    const warning = d.warnings.length ? d.warnings.join(" ") : null;
    return h(
      "tr",
      { "data-symbol": d.symbol, "data-term": d.term, class: secret ? "classified" : null },
      h(
        "th",
        { scope: "row", class: "code" },
        d.symbol,
        warning
          ? h(
              "span",
              { class: "warn-mark", title: warning, role: "img", "aria-label": `Lưu ý: ${warning}` },
              " ⚠",
            )
          : null,
        d.term ? h("span", { class: "sub" }, `Khóa ${d.term}`) : null,
        secret ? copiesButton(d.symbol, d.uid) : null,
      ),
      h("td", null, d.title),
      h("td", { class: "date" }, formatDate(d.issued_on)),
      h("td", null, secret ? h("span", { class: "badge badge-secret" }, CLASSIFICATION_LABEL[d.classification]) : CLASSIFICATION_LABEL[d.classification]),
      numCell(formatNumber(d.copies_received)),
      numCell(formatNumber(onHand), onHand < 0 ? "negative" : onHand === 0 ? "muted" : undefined),
    );
  }

  /** A classified document's button that shows its numbered copies and where each one is. */
  function copiesButton(sym: string, uid: string): HTMLButtonElement {
    const b = h("button", { type: "button", class: "link copies-open", "aria-label": `Bản số của văn bản ${sym}` }, "Bản số");
    b.addEventListener("click", () => void copies_.open(sym, uid).catch((e) => showError(toApiError(e))));
    return b;
  }

  /** Refills a filter's options, keeping the current choice when it still exists. */
  function options(select: HTMLSelectElement, values: string[]): void {
    const keep = select.value;
    fill(select, [h("option", { value: "" }, "Tất cả"), ...values.map((v) => h("option", { value: v }, v))]);
    select.value = values.includes(keep) ? keep : "";
  }

  function renderFilters(): void {
    const docs = data.documents;
    const distinct = (f: (d: RegDocument) => string | null): string[] =>
      [...new Set(docs.map(f).filter((v): v is string => !!v))];
    options(fType, distinct((d) => d.doc_type).sort(collator.compare));
    options(fIssuer, distinct((d) => d.issuer).sort(collator.compare));
    options(fYear, distinct((d) => d.issued_on?.slice(0, 4) ?? null).sort().reverse());
  }

  function shown(): RegDocument[] {
    const text = searchKey(fText.value);
    const type = fType.value;
    const issuer = fIssuer.value;
    const year = fYear.value;
    const cls = fClass.value;
    const list = data.documents.filter(
      (d) =>
        (!type || d.doc_type === type) &&
        (!issuer || d.issuer === issuer) &&
        (!year || (d.issued_on ?? "").startsWith(year)) &&
        (!cls || d.classification === cls) &&
        (!text || searchKey(`${d.symbol} ${d.title} ${d.term}`).includes(text)),
    );
    if (sortKey !== null) {
      const key = sortKey;
      list.sort((a, b) => (sortAsc ? compare(key, a, b) : compare(key, b, a)));
    }
    return list;
  }

  function render(): void {
    const body = tbodyOf(table);
    const list = shown();
    if (list.length) {
      const rows: HTMLTableRowElement[] = list.slice(0, limit).map(row);
      if (list.length > limit) rows.push(moreRow(list.length - limit));
      fill(body, rows);
    } else
      body.replaceChildren(
        h("tr", { class: "empty" }, h("td", { colspan: 6 }, data.documents.length ? "Không có văn bản nào khớp bộ lọc." : "Chưa có văn bản nào.")),
      );
    count.textContent =
      list.length === data.documents.length
        ? `(${formatNumber(data.documents.length)})`
        : `(${formatNumber(list.length)} / ${formatNumber(data.documents.length)})`;
    for (const th of table.querySelectorAll<HTMLTableCellElement>("th[data-sort]")) {
      if (th.dataset.sort === sortKey) th.setAttribute("aria-sort", sortAsc ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    }
  }

  /** The last row when more documents match than are drawn: a button that draws the next ones. */
  function moreRow(rest: number): HTMLTableRowElement {
    const next = Math.min(rest, PAGE);
    const button = h(
      "button",
      { type: "button", class: "link", id: "documents-more" },
      `Hiện thêm ${formatNumber(next)} văn bản (còn ${formatNumber(rest)}; lọc để tìm nhanh hơn)`,
    );
    button.addEventListener("click", () => {
      const first = limit;
      limit += PAGE;
      render();
      // Keep the keyboard where the reader was: on the first row just drawn.
      const head = tbodyOf(table).rows[first]?.querySelector<HTMLElement>("th");
      head?.setAttribute("tabindex", "-1");
      head?.focus();
    });
    return h("tr", { class: "more" }, h("td", { colspan: 6 }, button));
  }

  for (const th of table.querySelectorAll<HTMLTableCellElement>("th[data-sort]")) {
    th.querySelector("button")?.addEventListener("click", () => {
      const key = th.dataset.sort as SortKey;
      if (sortKey === key) sortAsc = !sortAsc;
      else {
        sortKey = key;
        sortAsc = true;
      }
      render();
    });
  }

  /** Another filter: the first rows again. */
  const refilter = (): void => {
    limit = PAGE;
    render();
  };
  let textTimer: number | undefined;
  fText.addEventListener("input", () => {
    window.clearTimeout(textTimer);
    textTimer = window.setTimeout(refilter, 80);
  });
  for (const select of [fType, fIssuer, fYear, fClass]) select.addEventListener("change", refilter);
  filters.addEventListener("submit", (e) => e.preventDefault());

  onChange((changed) => {
    if (changed.has("documents")) {
      renderFilters();
      render();
    }
  }, byId("screen-documents", HTMLElement));

  return { key: "documents", firstField: symbol, needs: ["documents"] };
}

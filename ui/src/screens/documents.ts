// Screen "Văn bản": documents received, with copies still on hand, and the form
// that registers a new one. Only metadata: never the content of a secret document.
import { addDocument, toApiError } from "../api";
import type { Classification } from "../bindings/Classification";
import type { Document as RegDocument } from "../bindings/Document";
import { byId, fill, h, numCell, tbodyOf } from "../dom";
import { announce, clearErrors, showError, type FieldResolver } from "../feedback";
import { CLASSIFICATION_LABEL, clean, formatDate, formatNumber, parseCount, parseDate } from "../format";
import { data, onChange, reload } from "../store";
import { guarded, type Screen } from "./screen";

/** Usual shape of a party document symbol: NUMBER-TYPE/BODY, e.g. 05-KH/HU, 399-QĐ/TW. */
const USUAL_SYMBOL = /^\d+[a-z]?-\p{Lu}\p{L}*(\/[\p{Lu}\d][\p{L}\d]*)+$/u;

function isClassification(v: string): v is Classification {
  return v in CLASSIFICATION_LABEL;
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

  const fields: Record<string, HTMLElement> = {
    symbol,
    title,
    issued_on: date,
    copies_received: copies,
    classification,
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
        });
        form.reset();
        const warn = USUAL_SYMBOL.test(doc.symbol)
          ? ""
          : " Lưu ý: số ký hiệu không theo dạng thường gặp SỐ-LOẠI/CƠ QUAN (ví dụ 05-KH/HU); hãy kiểm tra lại.";
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
    return h(
      "tr",
      { "data-symbol": d.symbol, class: secret ? "classified" : null },
      h("th", { scope: "row", class: "code" }, d.symbol),
      h("td", null, d.title),
      h("td", { class: "date" }, formatDate(d.issued_on)),
      h("td", null, secret ? h("span", { class: "badge badge-secret" }, CLASSIFICATION_LABEL[d.classification]) : CLASSIFICATION_LABEL[d.classification]),
      numCell(formatNumber(d.copies_received)),
      numCell(formatNumber(onHand), onHand < 0 ? "negative" : onHand === 0 ? "muted" : undefined),
    );
  }

  function render(): void {
    const body = tbodyOf(table);
    if (data.documents.length) fill(body, data.documents.map(row));
    else body.replaceChildren(h("tr", { class: "empty" }, h("td", { colspan: 6 }, "Chưa có văn bản nào.")));
    count.textContent = `(${formatNumber(data.documents.length)})`;
  }

  onChange((changed) => {
    if (changed.has("documents")) render();
  });

  return { key: "documents", firstField: symbol };
}

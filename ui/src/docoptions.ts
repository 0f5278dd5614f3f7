// The suggestions of a box where a document is typed by its symbol. Numbers
// run per committee term, so a symbol numbered again names more than one
// document: each is offered as SYMBOL@TERM, with the symbol alone beside
// them saying what it means in that box.
import type { Document as RegDocument } from "./bindings/Document";
import { h } from "./dom";

/** One option per document; `bare` labels the symbol alone where it recurs ("Mọi khóa", "Khóa mới nhất"). */
export function documentOptions(docs: readonly RegDocument[], bare: string): HTMLOptionElement[] {
  const terms = new Map<string, number>();
  for (const d of docs) terms.set(d.symbol, (terms.get(d.symbol) ?? 0) + 1);
  const options: HTMLOptionElement[] = [];
  const offered = new Set<string>();
  for (const d of docs) {
    const recurs = (terms.get(d.symbol) ?? 0) > 1;
    if (recurs && !offered.has(d.symbol)) {
      offered.add(d.symbol);
      options.push(h("option", { value: d.symbol }, bare));
    }
    // A document registered without its term is named by the symbol alone.
    options.push(
      recurs && d.term ? h("option", { value: `${d.symbol}@${d.term}` }, `${d.title} — Khóa ${d.term}`) : h("option", { value: d.symbol }, d.title),
    );
  }
  return options;
}

// A tiny element helper. Text always goes in as text nodes (never innerHTML), and
// no inline styles: looks come from classes in style.css (the CSP forbids both).

export type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Record<string, AttrValue>;
export type Child = Node | string | number | null | undefined | false;

/** Creates `<tag attrs…>children…</tag>`; `class` sets the class list, `true` sets an empty attribute, `false`/`null`/`undefined` skip it. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** The element with this id, checked against the expected class; throws when the page lacks it. */
export function byId<T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`missing element #${id}`);
  return el;
}

export function tbodyOf(table: HTMLTableElement): HTMLTableSectionElement {
  return table.tBodies[0] ?? table.appendChild(document.createElement("tbody"));
}

/** Adds an id to an element's aria-describedby list (once). */
export function addDescribedBy(el: Element, id: string): void {
  const ids = (el.getAttribute("aria-describedby") ?? "").split(/\s+/).filter(Boolean);
  if (!ids.includes(id)) ids.push(id);
  el.setAttribute("aria-describedby", ids.join(" "));
}

/** Removes an id from an element's aria-describedby list. */
export function removeDescribedBy(el: Element, id: string): void {
  const ids = (el.getAttribute("aria-describedby") ?? "").split(/\s+/).filter((x) => x && x !== id);
  if (ids.length) el.setAttribute("aria-describedby", ids.join(" "));
  else el.removeAttribute("aria-describedby");
}

/** A `<td>` for a number: right-aligned, tabular figures (class `num`). */
export function numCell(text: string, extra?: string): HTMLTableCellElement {
  return h("td", { class: extra ? `num ${extra}` : "num" }, text);
}

/** Replaces an element's children with many nodes at once (no argument-count limit). */
export function fill(parent: Element, nodes: readonly Node[]): void {
  const frag = document.createDocumentFragment();
  for (const node of nodes) frag.appendChild(node);
  parent.replaceChildren(frag);
}

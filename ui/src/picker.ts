// A searchable picker (WAI-ARIA combobox with a listbox popup) for choosing
// among thousands of items by typing a few letters of their code or name,
// with or without diacritics. The chosen items show as chips (each removable
// with its × button, the last one also with Backspace in the empty box); a
// single picker holds at most one. Keyboard: type to filter (or ↓ to open
// the list), ↓/↑ to move in it, Enter to choose, Esc to close the list (or
// clear the text), Backspace in the empty box to remove the last chip.
// Items keep the order they are given in (recent batches first), after the
// better matches: the exact code typed, then items where every word typed
// starts a word ("62/2020" before "262/2020"). The list shows the first
// matches only and says how many more there are.
import { h } from "./dom";
import { formatNumber, searchKey } from "./format";

export interface PickItem {
  value: string;
  /** The option's text. */
  label: string;
  /** A second, smaller line under the label. */
  sub?: string;
  /** The chip's text (the label when absent). */
  chip?: string;
  /** What typing is matched against, folded by `searchKey`. */
  key: string;
  /** The code folded by `searchKey`: typed in full, it comes first. */
  exact?: string;
}

/** How well an item matches the words typed: 0 best … 3 no match. */
function rank(item: PickItem, folded: string, words: readonly string[]): number {
  if (!words.every((w) => item.key.includes(w))) return 3;
  if (folded && item.exact === folded) return 0;
  const starts = words.every((w) => item.key.startsWith(w) || item.key.includes(` ${w}`) || item.key.includes(`(${w}`));
  return starts ? 1 : 2;
}

export interface PickerOptions {
  /** Id of the text box (its `<label for>` names the picker). */
  id: string;
  multiple: boolean;
  placeholder: string;
  /** Words for the chips' list and the remove buttons: "đợt", "đơn vị". */
  noun: string;
  items: () => readonly PickItem[];
  /** Called after the user changed the choice (not after `set`). */
  onChange: (values: string[]) => void;
  /** How many matches the list shows at most. */
  limit?: number;
}

export interface Picker {
  /** The whole control, to put in the page. */
  element: HTMLElement;
  input: HTMLInputElement;
  values(): string[];
  /** Sets the choice without calling `onChange` (a drill-down, a reset). */
  set(values: readonly string[]): void;
  /** Redraws chips (and the open list) after the items changed. */
  refresh(): void;
}

export function createPicker(o: PickerOptions): Picker {
  const limit = o.limit ?? 50;
  const listId = `${o.id}-list`;
  const input = h("input", {
    id: o.id,
    type: "text",
    role: "combobox",
    autocomplete: "off",
    spellcheck: "false",
    "aria-autocomplete": "list",
    "aria-expanded": "false",
    "aria-controls": listId,
    "aria-haspopup": "listbox",
    placeholder: o.placeholder,
    class: "picker-input",
  });
  const chips = h("ul", { id: `${o.id}-chips`, class: "chips", "aria-label": `${capital(o.noun)} đã chọn` });
  const list = h("ul", {
    id: listId,
    class: "picker-list",
    role: "listbox",
    "aria-label": `Chọn ${o.noun}`,
    "aria-multiselectable": o.multiple ? "true" : null,
    hidden: true,
  });
  const live = h("span", { class: "visually-hidden", role: "status", id: `${o.id}-live` });
  const box = h("div", { class: "picker-box" }, chips, input);
  const element = h("div", { class: `picker${o.multiple ? " picker-multi" : ""}`, id: `${o.id}-picker` }, box, list, live);

  let chosen: string[] = [];
  let shown: PickItem[] = [];
  let active = -1;

  function byValue(v: string): PickItem | undefined {
    return o.items().find((i) => i.value === v);
  }

  function renderChips(): void {
    chips.replaceChildren(
      ...chosen.map((v) => {
        const item = byValue(v);
        const text = item?.chip ?? item?.label ?? v;
        const remove = h(
          "button",
          { type: "button", class: "chip-remove", "aria-label": `Bỏ ${o.noun} ${text}`, title: `Bỏ ${o.noun} này` },
          "×",
        );
        remove.addEventListener("click", () => {
          unchoose(v);
          input.focus();
        });
        return h("li", { class: "chip", "data-value": v, title: item?.label ?? v }, h("span", { class: "chip-text" }, text), remove);
      }),
    );
    chips.hidden = chosen.length === 0;
  }

  function open(): boolean {
    return !list.hidden;
  }

  function close(): void {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    shown = [];
    active = -1;
  }

  function renderList(): void {
    const q = input.value;
    const folded = searchKey(q);
    const words = folded.split(" ").filter(Boolean);
    const tiers: PickItem[][] = [[], [], []];
    for (const item of o.items()) {
      const r = rank(item, folded, words);
      if (r < 3) tiers[r]!.push(item);
    }
    const all = tiers.flat();
    const matches = all.slice(0, limit);
    const more = all.length - matches.length;
    shown = matches;
    active = q.trim() && matches.length ? 0 : -1;
    const options = matches.map((item, i) =>
      h(
        "li",
        {
          role: "option",
          id: `${o.id}-opt-${i}`,
          "data-value": item.value,
          "aria-selected": chosen.includes(item.value) ? "true" : "false",
        },
        h("span", { class: "opt-label" }, item.label),
        item.sub ? h("span", { class: "sub" }, item.sub) : null,
      ),
    );
    const notes: HTMLLIElement[] = [];
    if (!matches.length) notes.push(h("li", { class: "picker-note", role: "presentation" }, `Không có ${o.noun} nào khớp.`));
    if (more) notes.push(h("li", { class: "picker-note", role: "presentation" }, `… và ${formatNumber(more)} ${o.noun} khác; gõ thêm để thu hẹp.`));
    list.replaceChildren(...options, ...notes);
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    live.textContent = matches.length ? `${formatNumber(matches.length + more)} ${o.noun} khớp.` : `Không có ${o.noun} nào khớp.`;
    highlight();
  }

  function highlight(): void {
    list.querySelectorAll<HTMLLIElement>('[role="option"]').forEach((li, i) => {
      li.classList.toggle("active", i === active);
      if (i === active) li.scrollIntoView({ block: "nearest" });
    });
    if (active >= 0) input.setAttribute("aria-activedescendant", `${o.id}-opt-${active}`);
    else input.removeAttribute("aria-activedescendant");
  }

  function choose(item: PickItem): void {
    const had = chosen.includes(item.value);
    if (o.multiple) chosen = had ? chosen.filter((v) => v !== item.value) : [...chosen, item.value];
    else chosen = [item.value];
    input.value = "";
    close();
    renderChips();
    live.textContent = had && o.multiple ? `Đã bỏ ${item.chip ?? item.label}.` : `Đã chọn ${item.chip ?? item.label}.`;
    o.onChange([...chosen]);
  }

  function unchoose(v: string): void {
    if (!chosen.includes(v)) return;
    chosen = chosen.filter((x) => x !== v);
    renderChips();
    const item = byValue(v);
    live.textContent = `Đã bỏ ${item?.chip ?? item?.label ?? v}.`;
    o.onChange([...chosen]);
  }

  // The list opens on typing, ↓ or a click; not on focus (Tab passes by quietly).
  input.addEventListener("input", renderList);
  input.addEventListener("click", () => {
    if (!open()) renderList();
  });
  input.addEventListener("blur", () => {
    // A click in the list keeps focus (mousedown is cancelled below).
    close();
  });
  input.addEventListener("keydown", (e) => {
    switch (e.key) {
      case "ArrowDown":
        e.preventDefault();
        if (!open()) renderList();
        else if (shown.length) {
          active = Math.min(shown.length - 1, active + 1);
          highlight();
        }
        break;
      case "ArrowUp":
        e.preventDefault();
        if (open() && shown.length) {
          active = Math.max(0, active - 1);
          highlight();
        }
        break;
      case "Enter": {
        const item = open() ? shown[active] : undefined;
        if (item) {
          // Enter chooses; it does not submit the form around the picker.
          e.preventDefault();
          choose(item);
        } else if (open() && input.value.trim()) {
          e.preventDefault();
        }
        break;
      }
      case "Escape":
        if (open()) {
          e.preventDefault();
          e.stopPropagation();
          close();
        } else if (input.value) {
          e.preventDefault();
          e.stopPropagation();
          input.value = "";
        }
        break;
      case "Backspace":
        if (!input.value && chosen.length) {
          e.preventDefault();
          unchoose(chosen[chosen.length - 1]!);
        }
        break;
      default:
        break;
    }
  });
  list.addEventListener("mousedown", (e) => e.preventDefault());
  list.addEventListener("click", (e) => {
    const v = (e.target as Element).closest<HTMLLIElement>('[role="option"]')?.dataset.value;
    const item = shown.find((i) => i.value === v);
    if (item) choose(item);
  });
  box.addEventListener("click", (e) => {
    if (e.target === box) input.focus();
  });

  renderChips();

  return {
    element,
    input,
    values: () => [...chosen],
    set(values) {
      chosen = o.multiple ? [...new Set(values)] : values.slice(0, 1);
      input.value = "";
      if (open()) close();
      renderChips();
    },
    refresh() {
      renderChips();
      if (open()) renderList();
    },
  };
}

function capital(text: string): string {
  return text.charAt(0).toLocaleUpperCase("vi") + text.slice(1);
}

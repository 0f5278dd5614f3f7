// Search as you type on screen "Đơn vị" (a combobox over a list box): a few
// letters of a name or code, with or without diacritics ("huong khe" finds
// "Hương Khê"); ↓/↑ move in the results, Enter or a click shows the unit in
// the tree and opens its details, Esc closes the list.
import { searchUnits, toApiError } from "../../api";
import type { Unit } from "../../bindings/Unit";
import { byId, fill, h } from "../../dom";
import { showError } from "../../feedback";
import { clean } from "../../format";
import type { UnitTree } from "./tree";

/** How long typing must pause before the search runs. */
const SEARCH_DEBOUNCE_MS = 80;
const SEARCH_LIMIT = 30;

/** Wires the search box; returns it (the screen's first field). */
export function unitSearch(tree: UnitTree): HTMLInputElement {
  const search = byId("unit-search", HTMLInputElement);
  const results = byId("unit-search-results", HTMLUListElement);

  let searchTimer: number | undefined;
  let searchSeq = 0;
  let found: Unit[] = [];
  /** The query `found` answers (Enter must not open a unit of an older one). */
  let foundFor = "";
  let active = -1;

  function closeResults(): void {
    results.hidden = true;
    results.replaceChildren();
    search.setAttribute("aria-expanded", "false");
    search.removeAttribute("aria-activedescendant");
    found = [];
    foundFor = "";
    active = -1;
  }

  function setActive(i: number): void {
    active = i;
    results.querySelectorAll<HTMLLIElement>('[role="option"]').forEach((li, j) => {
      li.setAttribute("aria-selected", j === i ? "true" : "false");
      if (j === i) li.scrollIntoView({ block: "nearest" });
    });
    if (i >= 0) search.setAttribute("aria-activedescendant", `unit-search-opt-${i}`);
    else search.removeAttribute("aria-activedescendant");
  }

  function renderResults(list: Unit[], q: string): void {
    found = list;
    foundFor = q;
    active = -1;
    search.removeAttribute("aria-activedescendant");
    if (!list.length) {
      results.replaceChildren(h("li", { class: "empty", role: "none" }, "Không tìm thấy đơn vị nào."));
    } else {
      fill(
        results,
        list.map((u, i) => {
          const up = tree.unitRef(u.parent);
          return h(
            "li",
            { role: "option", id: `unit-search-opt-${i}`, "data-code": u.code, "aria-selected": "false" },
            h("span", { class: "tree-name" }, u.name),
            " ",
            h("span", { class: "code muted" }, u.code),
            up ? h("span", { class: "sub" }, `thuộc ${up}`) : null,
          );
        }),
      );
    }
    results.hidden = false;
    search.setAttribute("aria-expanded", "true");
  }

  async function runSearch(): Promise<void> {
    const q = clean(search.value);
    const seq = ++searchSeq;
    if (!q) {
      closeResults();
      return;
    }
    try {
      const list = await searchUnits(q, SEARCH_LIMIT);
      if (seq === searchSeq) renderResults(list, q);
    } catch (e) {
      showError(toApiError(e), undefined, search);
    }
  }

  async function choose(c: string): Promise<void> {
    closeResults();
    await tree.reveal(c, true);
  }

  search.addEventListener("input", () => {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => void runSearch(), SEARCH_DEBOUNCE_MS);
  });

  search.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" && found.length) {
      e.preventDefault();
      setActive(Math.min(found.length - 1, active + 1));
    } else if (e.key === "ArrowUp" && found.length) {
      e.preventDefault();
      setActive(Math.max(0, active - 1));
    } else if (e.key === "Enter") {
      e.preventDefault();
      const picked = active >= 0 ? found[active] : undefined;
      if (picked) {
        void choose(picked.code);
        return;
      }
      // Typed quickly and Enter at once: the list shown may answer the
      // first letters only; search what is typed now, then open its best.
      const q = clean(search.value);
      const best = async (): Promise<void> => {
        if (q !== foundFor) {
          window.clearTimeout(searchTimer);
          await runSearch();
        }
        const first = found[0];
        if (first && foundFor === q && clean(search.value) === q) await choose(first.code);
      };
      void best();
    } else if (e.key === "Escape" && !results.hidden) {
      e.preventDefault();
      e.stopPropagation();
      closeResults();
    }
  });

  results.addEventListener("mousedown", (e) => e.preventDefault());
  results.addEventListener("click", (e) => {
    const c = (e.target as Element).closest<HTMLLIElement>("[data-code]")?.dataset.code;
    if (c) void choose(c);
  });

  return search;
}

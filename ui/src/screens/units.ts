// Screen "Đơn vị": the unit tree as it stood on a chosen day (WAI-ARIA tree with
// a roving tabindex), search as you type, the detail panel of the selected unit
// (history, signers, edit, appoint), the dated reorganisation form, the form
// that adds a unit, and the unit kinds (data the admin can add and rename).
// Every unit in the tree carries a flag of its open and overdue receipts (a
// parent the sum over its subtree; a legend under the tree's label explains
// the badges), and the detail pane lists every batch the unit received
// (unitreceipts.ts).
import {
  addUnit,
  editUnit,
  getUnit,
  reorganise,
  saveKind,
  searchUnits,
  setSigner,
  toApiError,
  unitFlags,
  unitHistory,
  unitReceipts,
  unitSigners,
  unitsAsOf,
  type ApiError,
} from "../api";
import type { Change } from "../bindings/Change";
import type { Signer } from "../bindings/Signer";
import type { Unit } from "../bindings/Unit";
import { byId, fill, h, numCell, tbodyOf } from "../dom";
import { announce, clearErrors, showError, type FieldResolver } from "../feedback";
import { flagBadge, subtreeCounts, type FlagCounts } from "../flags";
import { clean, formatDate, formatNumber, optional, parseDate, todayIso, writeDate } from "../format";
import { data, onChange, reload } from "../store";
import { guarded, indentClass, type Screen } from "./screen";
import { renderUnitReceipts } from "./unitreceipts";

/** How long typing must pause before the search runs. */
const SEARCH_DEBOUNCE_MS = 80;
const SEARCH_LIMIT = 30;

const ROLE_LABEL: Record<Signer["role"], string> = { secretary: "Bí thư", deputy: "Phó bí thư" };

const REORG_DONE: Record<Change["kind"], string> = {
  rename: "Đã ghi việc đổi tên",
  move: "Đã ghi việc chuyển cấp trên",
  merge: "Đã ghi việc hợp nhất",
  split: "Đã ghi việc chia tách",
  close: "Đã ghi việc giải thể",
};

/** "A, B; C" → ["A", "B", "C"]. */
function codeList(text: string): string[] {
  return clean(text)
    .split(/[,;\s]+/)
    .filter(Boolean);
}

function invalid(message: string, field: string): ApiError {
  return { kind: "invalid", message, field };
}

export function unitsScreen(): Screen {
  // ---- elements ------------------------------------------------------------
  const search = byId("unit-search", HTMLInputElement);
  const results = byId("unit-search-results", HTMLUListElement);
  const asOf = byId("tree-as-of", HTMLInputElement);
  const tree = byId("unit-tree", HTMLUListElement);
  const count = byId("units-count", HTMLSpanElement);

  const detail = byId("unit-detail", HTMLElement);
  const detailEmpty = byId("unit-detail-empty", HTMLParagraphElement);
  const detailBody = byId("unit-detail-body", HTMLDivElement);
  const detailHeading = byId("unit-detail-heading", HTMLHeadingElement);
  const detailFields = byId("unit-detail-fields", HTMLDListElement);
  const history = byId("unit-history", HTMLUListElement);
  const receiptsTable = byId("unit-receipts", HTMLTableElement);
  const signers = byId("unit-signers", HTMLUListElement);

  const editOpen = byId("unit-edit-open", HTMLButtonElement);
  const editForm = byId("unit-edit-form", HTMLFormElement);
  const editKind = byId("edit-kind", HTMLInputElement);
  const editPhone = byId("edit-phone", HTMLInputElement);
  const editAddress = byId("edit-address", HTMLInputElement);
  const editNotes = byId("edit-notes", HTMLInputElement);

  const signerOpen = byId("signer-open", HTMLButtonElement);
  const signerForm = byId("signer-form", HTMLFormElement);
  const signerRole = byId("signer-role", HTMLSelectElement);
  const signerName = byId("signer-name", HTMLInputElement);
  const signerFrom = byId("signer-from", HTMLInputElement);

  const reorgOpen = byId("reorg-open", HTMLButtonElement);
  const reorgForm = byId("reorg-form", HTMLFormElement);
  const reorgKind = byId("reorg-kind", HTMLSelectElement);
  const reorgCode = byId("reorg-code", HTMLInputElement);
  const reorgName = byId("reorg-name", HTMLInputElement);
  const reorgShort = byId("reorg-short", HTMLInputElement);
  const reorgParent = byId("reorg-parent", HTMLInputElement);
  const reorgFrom = byId("reorg-from", HTMLInputElement);
  const reorgInto = byId("reorg-into", HTMLInputElement);
  const reorgOn = byId("reorg-on", HTMLInputElement);
  const reorgReason = byId("reorg-reason", HTMLInputElement);

  const form = byId("unit-form", HTMLFormElement);
  const code = byId("unit-code", HTMLInputElement);
  const name = byId("unit-name", HTMLInputElement);
  const parent = byId("unit-parent", HTMLInputElement);
  const kind = byId("unit-kind", HTMLInputElement);
  const phone = byId("unit-phone", HTMLInputElement);
  const secretary = byId("unit-secretary", HTMLInputElement);
  const opened = byId("unit-opened", HTMLInputElement);
  const parentList = byId("unit-parent-list", HTMLDataListElement);
  const codeListEl = byId("unit-code-list", HTMLDataListElement);
  const kindList = byId("unit-kind-list", HTMLDataListElement);

  // ---- tree state ------------------------------------------------------------
  let units: Unit[] = [];
  let byCode = new Map<string, Unit>();
  let childrenOf = new Map<string | null, Unit[]>();
  const expanded = new Set<string>();
  let expandedInitialised = false;
  /** The treeitem holding tabindex=0 (roving tabindex). */
  let focused: string | null = null;
  /** The unit shown in the detail panel. */
  let selected: string | null = null;
  let selectedUnit: Unit | null = null;
  let treeSeq = 0;
  /** Open/overdue counts per unit, summed over each subtree, for the tree's day. */
  let flagSums = new Map<string, FlagCounts>();
  /** Units with open receipts of their own (the rest only sum their branches). */
  let ownFlagged = new Set<string>();
  let ownOpen = new Map<string, number>();
  let flagSeq = 0;

  writeDate(asOf, todayIso());

  function asOfDay(): string {
    return parseDate(asOf.value) ?? todayIso();
  }

  function index(list: Unit[]): void {
    units = list;
    byCode = new Map(list.map((u) => [u.code, u]));
    childrenOf = new Map();
    for (const u of list) {
      const key = u.parent !== null && byCode.has(u.parent) ? u.parent : null;
      const siblings = childrenOf.get(key);
      if (siblings) siblings.push(u);
      else childrenOf.set(key, [u]);
    }
    if (!expandedInitialised && list.length) {
      // First view: the top level open, so the grassroots organisations show.
      for (const root of childrenOf.get(null) ?? []) expanded.add(root.code);
      expandedInitialised = true;
    }
  }

  function hasChildren(u: Unit): boolean {
    return (childrenOf.get(u.code)?.length ?? 0) > 0;
  }

  /** The rows shown: depth-first, children only under expanded units. */
  function visibleUnits(): Unit[] {
    const out: Unit[] = [];
    const walk = (list: Unit[]): void => {
      for (const u of list) {
        out.push(u);
        if (expanded.has(u.code)) walk(childrenOf.get(u.code) ?? []);
      }
    };
    walk(childrenOf.get(null) ?? []);
    return out;
  }

  function itemOf(c: string): HTMLLIElement | null {
    return tree.querySelector<HTMLLIElement>(`[role="treeitem"][data-code="${CSS.escape(c)}"]`);
  }

  function treeItem(u: Unit, pos: number, size: number): HTMLLIElement {
    const open = expanded.has(u.code);
    const parentKids = hasChildren(u);
    const closed = u.closed_on !== null && u.closed_on <= asOfDay();
    const toggle = h("span", { class: "tree-toggle", "aria-hidden": "true" }, parentKids ? (open ? "▾" : "▸") : "");
    const li = h(
      "li",
      {
        role: "treeitem",
        class: `tree-node ${indentClass(u.depth)}${closed ? " closed" : ""}`,
        "data-code": u.code,
        "aria-level": u.depth + 1,
        "aria-setsize": size,
        "aria-posinset": pos,
        "aria-expanded": parentKids ? String(open) : null,
        "aria-selected": u.code === selected ? "true" : "false",
        tabindex: u.code === focused ? 0 : -1,
      },
      toggle,
      h("span", { class: "tree-name" }, u.name),
      " ",
      h("span", { class: "code muted" }, u.code),
      u.descendants > 0
        ? h(
            "span",
            { class: "tree-count" },
            formatNumber(u.descendants),
            h("span", { class: "visually-hidden" }, " đơn vị trực thuộc"),
          )
        : null,
      closed ? h("span", { class: "muted" }, ` (ngừng từ ${formatDate(u.closed_on)})`) : null,
      treeFlag(u.code),
    );
    toggle.addEventListener("click", (e) => {
      e.stopPropagation();
      focused = u.code;
      setExpanded(u, !open);
    });
    return li;
  }

  /** The flag of a tree row: the unit's own counts, or the sum over its subtree for a parent. */
  function treeFlag(c: string): HTMLSpanElement | null {
    const sum = flagSums.get(c);
    if (!sum || sum.open === 0) return null;
    const u = byCode.get(c);
    // A parent shows the sum over its subtree (its own receipts included).
    return flagBadge(sum, u !== undefined && hasChildren(u) && !(ownFlagged.has(c) && sum.open === ownOpen.get(c)));
  }

  /** Loads the flags for the tree's day and puts them on the rows shown (focus stays where it is). */
  async function loadFlags(): Promise<void> {
    const seq = ++flagSeq;
    const list = await unitFlags(asOfDay());
    if (seq !== flagSeq) return;
    ownFlagged = new Set(list.map((f) => f.unit_code));
    ownOpen = new Map(list.map((f) => [f.unit_code, f.open]));
    flagSums = subtreeCounts(list, (c) => {
      const p = byCode.get(c)?.parent ?? null;
      return p !== null && byCode.has(p) ? p : null;
    });
    for (const li of tree.querySelectorAll<HTMLLIElement>('[role="treeitem"]')) {
      const c = li.dataset.code;
      if (!c) continue;
      li.querySelector(":scope > .flag")?.remove();
      const badge = treeFlag(c);
      if (badge) li.append(badge);
    }
  }

  function renderTree(): void {
    const rows = visibleUnits();
    if (focused === null || !rows.some((u) => u.code === focused)) focused = rows[0]?.code ?? null;
    const items = rows.map((u) => {
      const key = u.parent !== null && byCode.has(u.parent) ? u.parent : null;
      const siblings = childrenOf.get(key) ?? [];
      return treeItem(u, siblings.indexOf(u) + 1, siblings.length);
    });
    if (items.length) fill(tree, items);
    else tree.replaceChildren(h("li", { class: "empty", role: "none" }, "Chưa có đơn vị nào vào ngày này."));
    count.textContent = `(${formatNumber(units.length)})`;
  }

  function focusItem(c: string): void {
    focused = c;
    for (const li of tree.querySelectorAll<HTMLLIElement>('[role="treeitem"]')) {
      li.tabIndex = li.dataset.code === c ? 0 : -1;
    }
    const li = itemOf(c);
    if (li) {
      li.focus();
      li.scrollIntoView({ block: "nearest" });
    }
  }

  function setExpanded(u: Unit, open: boolean): void {
    if (!hasChildren(u)) return;
    if (open) expanded.add(u.code);
    else expanded.delete(u.code);
    renderTree();
    focusItem(u.code);
  }

  /** Opens every ancestor of `c` so that its row is shown. */
  function expandTo(c: string): void {
    let p = byCode.get(c)?.parent ?? null;
    while (p !== null && byCode.has(p)) {
      expanded.add(p);
      p = byCode.get(p)?.parent ?? null;
    }
  }

  async function reloadTree(): Promise<void> {
    const seq = ++treeSeq;
    const list = await unitsAsOf(asOfDay());
    if (seq !== treeSeq) return;
    index(list);
    renderTree();
    renderLists();
    await loadFlags();
  }

  tree.addEventListener("click", (e) => {
    const li = (e.target as Element).closest<HTMLLIElement>('[role="treeitem"]');
    const c = li?.dataset.code;
    if (!c) return;
    focusItem(c);
    void openDetail(c, false);
  });

  tree.addEventListener("keydown", (e) => {
    const rows = visibleUnits();
    const i = rows.findIndex((u) => u.code === focused);
    const u = rows[i];
    if (!u) return;
    let handled = true;
    switch (e.key) {
      case "ArrowDown":
        if (rows[i + 1]) focusItem(rows[i + 1]!.code);
        break;
      case "ArrowUp":
        if (i > 0) focusItem(rows[i - 1]!.code);
        break;
      case "Home":
        focusItem(rows[0]!.code);
        break;
      case "End":
        focusItem(rows[rows.length - 1]!.code);
        break;
      case "ArrowRight":
        if (hasChildren(u)) {
          if (!expanded.has(u.code)) setExpanded(u, true);
          else focusItem(childrenOf.get(u.code)![0]!.code);
        }
        break;
      case "ArrowLeft":
        if (expanded.has(u.code)) setExpanded(u, false);
        else if (u.parent !== null && byCode.has(u.parent)) focusItem(u.parent);
        break;
      case "Enter":
      case " ":
        void openDetail(u.code, true);
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  });

  asOf.addEventListener("change", () => {
    if (parseDate(asOf.value) === undefined) {
      showError(invalid("Ngày không hợp lệ; nhập dạng ngày/tháng/năm.", "as_of"), undefined, asOf);
      return;
    }
    clearErrors();
    void reloadTree().catch((e) => showError(toApiError(e)));
  });

  // ---- detail panel ------------------------------------------------------------
  function dlRow(term: string, value: string | Node | null): Node[] {
    return [h("dt", null, term), h("dd", null, value === null || value === "" ? h("span", { class: "muted" }, "—") : value)];
  }

  function unitRef(c: string | null): string | null {
    if (c === null) return null;
    const u = byCode.get(c) ?? data.units.find((x) => x.code === c);
    return u ? `${u.name} (${c})` : c;
  }

  function renderDetail(u: Unit, events: Awaited<ReturnType<typeof unitHistory>>, people: Signer[]): void {
    selectedUnit = u;
    detailHeading.textContent = u.name;
    detailEmpty.hidden = true;
    detailBody.hidden = false;
    detail.dataset.code = u.code;
    fill(detailFields, [
      ...dlRow("Mã", h("span", { class: "code" }, u.code)),
      ...dlRow("Tên", u.name),
      ...dlRow("Tên viết tắt", u.short_name),
      ...dlRow("Loại", u.kind),
      ...dlRow("Cấp trên", unitRef(u.parent)),
      ...dlRow("Đơn vị trực thuộc", u.descendants > 0 ? `${formatNumber(u.descendants)} (trực tiếp ${formatNumber(u.children)})` : "0"),
      ...dlRow("Điện thoại", u.phone),
      ...dlRow("Địa chỉ", u.address),
      ...dlRow("Bí thư", u.secretary),
      ...dlRow("Phó bí thư", u.deputy),
      // No founding day recorded says just that: the unit may have existed long
      // before the register, or have been entered today without its day.
      ...dlRow("Ngày thành lập", u.opened_on ? formatDate(u.opened_on) : h("span", { class: "muted" }, "Chưa ghi")),
      ...dlRow("Ngày ngừng hoạt động", u.closed_on ? formatDate(u.closed_on) : "Đang hoạt động"),
      ...dlRow("Đơn vị kế thừa", unitRef(u.successor)),
      ...dlRow("Ghi chú", u.notes),
    ]);
    if (events.length)
      fill(
        history,
        events.map((ev) =>
          h(
            "li",
            { "data-kind": ev.kind },
            h("span", { class: "date" }, formatDate(ev.on)),
            ": ",
            ev.summary,
            ev.reason ? h("span", { class: "muted" }, ` — ${ev.reason}`) : null,
          ),
        ),
      );
    else history.replaceChildren(h("li", { class: "muted" }, "Chưa có lần sắp xếp nào."));
    if (people.length)
      fill(
        signers,
        people.map((s) =>
          h(
            "li",
            { "data-role": s.role },
            `${ROLE_LABEL[s.role]}: ${s.name}, `,
            s.from_on ? `từ ${formatDate(s.from_on)}` : "từ trước khi lập sổ",
            s.to_on ? ` đến ${formatDate(s.to_on)}` : " đến nay",
          ),
        ),
      );
    else signers.replaceChildren(h("li", { class: "muted" }, "Chưa ghi bí thư, phó bí thư."));
  }

  let detailSeq = 0;

  /** Loads the unit (as shown in the tree's day when it is there), its history and signers. */
  async function openDetail(c: string, focusPanel: boolean): Promise<void> {
    const seq = ++detailSeq;
    selected = c;
    for (const li of tree.querySelectorAll<HTMLLIElement>('[role="treeitem"]')) {
      li.setAttribute("aria-selected", li.dataset.code === c ? "true" : "false");
    }
    try {
      // Today: fetched afresh (the tree may still be reloading after a change);
      // another day: the unit as the tree shows it on that day.
      const shownDay = asOfDay() !== todayIso() ? byCode.get(c) : undefined;
      const [u, events, people, receipts] = await Promise.all([
        shownDay ?? getUnit(c),
        unitHistory(c),
        unitSigners(c),
        unitReceipts(c),
      ]);
      if (seq !== detailSeq) return;
      renderDetail(u, events, people);
      renderUnitReceipts(tbodyOf(receiptsTable), receipts);
      closeSubForms();
      if (focusPanel) detail.focus();
    } catch (e) {
      showError(toApiError(e));
    }
  }

  function closeSubForms(): void {
    editForm.hidden = true;
    signerForm.hidden = true;
    editOpen.setAttribute("aria-expanded", "false");
    signerOpen.setAttribute("aria-expanded", "false");
  }

  editOpen.addEventListener("click", () => {
    const u = selectedUnit;
    if (!u) return;
    const open = editForm.hidden;
    closeSubForms();
    if (!open) return;
    editKind.value = u.kind ?? "";
    editPhone.value = u.phone ?? "";
    editAddress.value = u.address ?? "";
    editNotes.value = u.notes ?? "";
    editForm.hidden = false;
    editOpen.setAttribute("aria-expanded", "true");
    editKind.focus();
  });
  byId("edit-cancel", HTMLButtonElement).addEventListener("click", () => {
    closeSubForms();
    editOpen.focus();
  });

  const editFields: Record<string, HTMLElement> = { kind: editKind, phone: editPhone, address: editAddress, notes: editNotes };
  editForm.addEventListener(
    "submit",
    guarded(editForm, async () => {
      const u = selectedUnit;
      if (!u) return;
      clearErrors();
      try {
        const saved = await editUnit({
          code: u.code,
          kind: optional(editKind.value),
          phone: optional(editPhone.value),
          address: optional(editAddress.value),
          notes: optional(editNotes.value),
        });
        announce(`Đã lưu thông tin đơn vị ${saved.code}.`);
        await reload("units", "kinds");
        await openDetail(saved.code, false);
        editOpen.focus();
      } catch (e) {
        showError(toApiError(e), (f) => editFields[f] ?? null);
      }
    }),
  );

  signerOpen.addEventListener("click", () => {
    if (!selectedUnit) return;
    const open = signerForm.hidden;
    closeSubForms();
    if (!open) return;
    signerName.value = "";
    writeDate(signerFrom, todayIso());
    signerForm.hidden = false;
    signerOpen.setAttribute("aria-expanded", "true");
    signerRole.focus();
  });
  byId("signer-cancel", HTMLButtonElement).addEventListener("click", () => {
    closeSubForms();
    signerOpen.focus();
  });

  const signerFields: Record<string, HTMLElement> = { role: signerRole, name: signerName, from_on: signerFrom };
  signerForm.addEventListener(
    "submit",
    guarded(signerForm, async () => {
      const u = selectedUnit;
      if (!u) return;
      clearErrors();
      const from = parseDate(signerFrom.value);
      if (from === undefined) {
        showError(invalid("Từ ngày không hợp lệ; nhập dạng ngày/tháng/năm.", "from_on"), (f) => signerFields[f] ?? null);
        return;
      }
      const role = signerRole.value === "deputy" ? "deputy" : "secretary";
      try {
        await setSigner({ code: u.code, role, name: clean(signerName.value), from_on: from });
        announce(`Đã ghi ${ROLE_LABEL[role].toLowerCase()} ${clean(signerName.value)} của ${u.name}.`);
        await reload("units");
        await openDetail(u.code, false);
        signerOpen.focus();
      } catch (e) {
        showError(toApiError(e), (f) => signerFields[f] ?? null);
      }
    }),
  );

  // ---- reorganisation ------------------------------------------------------------
  function showReorgFields(): void {
    const k = reorgKind.value;
    for (const field of reorgForm.querySelectorAll<HTMLElement>(".field[data-for]")) {
      field.hidden = !(field.dataset.for ?? "").split(" ").includes(k);
    }
  }
  reorgKind.addEventListener("change", showReorgFields);
  showReorgFields();
  writeDate(reorgOn, todayIso());

  reorgOpen.addEventListener("click", () => {
    const u = selectedUnit;
    if (!u) return;
    reorgCode.value = u.code;
    reorgFrom.value = u.code;
    reorgName.value = u.name;
    reorgShort.value = u.short_name ?? "";
    reorgForm.scrollIntoView({ block: "start" });
    reorgKind.focus();
  });

  const reorgFields: Record<string, HTMLElement> = {
    code: reorgCode,
    name: reorgName,
    short_name: reorgShort,
    parent: reorgParent,
    from: reorgFrom,
    into: reorgInto,
    on: reorgOn,
    reason: reorgReason,
    kind: reorgKind,
  };
  const reorgResolve: FieldResolver = (f) => reorgFields[f] ?? null;

  /** The change the form describes, or an error naming the field at fault. */
  function readChange(): Change | ApiError {
    const c = clean(reorgCode.value);
    switch (reorgKind.value) {
      case "rename":
        if (!c) return invalid("Nhập mã đơn vị cần đổi tên.", "code");
        return { kind: "rename", code: c, name: clean(reorgName.value), short_name: optional(reorgShort.value) };
      case "move":
        if (!c) return invalid("Nhập mã đơn vị cần chuyển.", "code");
        return { kind: "move", code: c, parent: optional(reorgParent.value) };
      case "merge": {
        const from = codeList(reorgFrom.value);
        const into = codeList(reorgInto.value);
        if (!from.length) return invalid("Nhập mã các đơn vị được hợp nhất, cách nhau bằng dấu phẩy.", "from");
        if (into.length !== 1) return invalid("Nhập đúng một mã đơn vị nhận hợp nhất.", "into");
        return { kind: "merge", from, into: into[0]! };
      }
      case "split": {
        const from = codeList(reorgFrom.value);
        const into = codeList(reorgInto.value);
        if (from.length !== 1) return invalid("Nhập đúng một mã đơn vị được chia tách.", "from");
        if (!into.length) return invalid("Nhập mã các đơn vị sau chia tách, cách nhau bằng dấu phẩy.", "into");
        return { kind: "split", from: from[0]!, into };
      }
      case "close":
        if (!c) return invalid("Nhập mã đơn vị giải thể.", "code");
        return { kind: "close", code: c };
      default:
        return invalid("Chọn loại sắp xếp.", "kind");
    }
  }

  reorgForm.addEventListener(
    "submit",
    guarded(reorgForm, async () => {
      clearErrors();
      const on = parseDate(reorgOn.value);
      if (on === null || on === undefined) {
        showError(invalid("Nhập ngày hiệu lực dạng ngày/tháng/năm.", "on"), reorgResolve);
        return;
      }
      const change = readChange();
      if ("message" in change) {
        showError(change, reorgResolve);
        return;
      }
      const ch = change;
      try {
        await reorganise({ change: ch, on, reason: optional(reorgReason.value) });
        announce(`${REORG_DONE[ch.kind]}, hiệu lực từ ${formatDate(on)}.`);
        const focusCode = ch.kind === "merge" ? ch.into : ch.kind === "split" ? (ch.into[0] ?? ch.from) : ch.code;
        await reload("units", "kinds");
        await reloadTree();
        await reveal(focusCode, false);
      } catch (e) {
        showError(toApiError(e), reorgResolve);
      }
    }),
  );

  // ---- search as you type ------------------------------------------------------------
  let searchTimer: number | undefined;
  let searchSeq = 0;
  let found: Unit[] = [];
  let active = -1;

  function closeResults(): void {
    results.hidden = true;
    results.replaceChildren();
    search.setAttribute("aria-expanded", "false");
    search.removeAttribute("aria-activedescendant");
    found = [];
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

  function renderResults(list: Unit[]): void {
    found = list;
    active = -1;
    search.removeAttribute("aria-activedescendant");
    if (!list.length) {
      results.replaceChildren(h("li", { class: "empty", role: "none" }, "Không tìm thấy đơn vị nào."));
    } else {
      fill(
        results,
        list.map((u, i) => {
          const up = unitRef(u.parent);
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
      if (seq === searchSeq) renderResults(list);
    } catch (e) {
      showError(toApiError(e), undefined, search);
    }
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
      const u = found[active >= 0 ? active : 0];
      if (u) void choose(u.code);
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

  async function choose(c: string): Promise<void> {
    closeResults();
    await reveal(c, true);
  }

  /** Shows `c` in the tree (switching to today when it is not in the shown day), selects and opens it. */
  async function reveal(c: string, focus: boolean): Promise<void> {
    if (!byCode.has(c) && asOfDay() !== todayIso()) {
      writeDate(asOf, todayIso());
      await reloadTree();
    }
    if (byCode.has(c)) {
      expandTo(c);
      focused = c;
      selected = c;
      renderTree();
      if (focus) focusItem(c);
      else itemOf(c)?.scrollIntoView({ block: "nearest" });
    }
    await openDetail(c, false);
  }

  // ---- add a unit ------------------------------------------------------------
  const fields: Record<string, HTMLElement> = { code, name, parent, kind, phone, secretary, opened_on: opened };
  const resolve: FieldResolver = (field) => fields[field] ?? null;

  form.addEventListener(
    "submit",
    guarded(form, async () => {
      clearErrors();
      const openedOn = parseDate(opened.value);
      if (openedOn === undefined) {
        showError(invalid("Ngày thành lập không hợp lệ; nhập dạng ngày/tháng/năm, hoặc để trống.", "opened_on"), resolve);
        return;
      }
      try {
        const unit = await addUnit({
          code: clean(code.value),
          name: clean(name.value),
          parent: optional(parent.value),
          kind: optional(kind.value),
          phone: optional(phone.value),
          secretary: optional(secretary.value),
          opened_on: openedOn,
        });
        // Parent and kind stay filled: branches are usually entered one after another.
        code.value = "";
        name.value = "";
        phone.value = "";
        secretary.value = "";
        opened.value = "";
        announce(`Đã thêm đơn vị ${unit.code}.`);
        code.focus();
        await reload("units", "kinds");
        await reloadTree();
        await reveal(unit.code, false);
      } catch (e) {
        showError(toApiError(e), resolve);
      }
    }),
  );

  function renderLists(): void {
    const open = units.filter((u) => u.closed_on === null || u.closed_on > asOfDay());
    fill(
      parentList,
      open.map((u) => h("option", { value: u.code, label: u.name })),
    );
    fill(
      codeListEl,
      units.map((u) => h("option", { value: u.code, label: u.name })),
    );
  }

  // ---- unit kinds ------------------------------------------------------------
  const kindForm = byId("kind-form", HTMLFormElement);
  const kindOld = byId("kind-old", HTMLSelectElement);
  const kindName = byId("kind-name", HTMLInputElement);
  const kindsTable = byId("kinds-table", HTMLTableElement);

  kindOld.addEventListener("change", () => {
    kindName.value = kindOld.value;
  });

  kindForm.addEventListener(
    "submit",
    guarded(kindForm, async () => {
      clearErrors();
      const old = kindOld.value || null;
      const newName = clean(kindName.value);
      if (!newName) {
        showError(invalid("Nhập tên loại đơn vị.", "name"), undefined, kindName);
        return;
      }
      try {
        await saveKind(old, newName);
        announce(old ? `Đã đổi tên loại «${old}» thành «${newName}».` : `Đã thêm loại «${newName}».`);
        kindName.value = "";
        await reload("units", "kinds");
        kindOld.value = "";
        kindName.focus();
      } catch (e) {
        showError(toApiError(e), undefined, kindName);
      }
    }),
  );

  function renderKinds(): void {
    fill(kindList, data.kinds.map((k) => h("option", { value: k.name })));
    const keep = kindOld.value;
    fill(kindOld, [h("option", { value: "" }, "Thêm loại mới"), ...data.kinds.map((k) => h("option", { value: k.name }, k.name))]);
    kindOld.value = data.kinds.some((k) => k.name === keep) ? keep : "";
    const rows = data.kinds.map((k) => h("tr", { "data-kind": k.name }, h("th", { scope: "row" }, k.name), numCell(formatNumber(k.units))));
    if (rows.length) fill(tbodyOf(kindsTable), rows);
    else tbodyOf(kindsTable).replaceChildren(h("tr", { class: "empty" }, h("td", { colspan: 2 }, "Chưa có loại đơn vị nào.")));
  }

  /** After a confirmation, a new batch or new tiers: the flags and the shown unit's receipts. */
  async function refreshFlags(): Promise<void> {
    await loadFlags();
    const c = selected;
    if (c === null) return;
    const seq = detailSeq;
    const receipts = await unitReceipts(c);
    if (seq === detailSeq && selected === c) renderUnitReceipts(tbodyOf(receiptsTable), receipts);
  }

  window.addEventListener("giaonhan:tiers-changed", () => void refreshFlags().catch((e) => showError(toApiError(e))));

  onChange((changed) => {
    if (changed.has("units")) void reloadTree().catch((e) => showError(toApiError(e)));
    else if (changed.has("batches")) void refreshFlags().catch((e) => showError(toApiError(e)));
    if (changed.has("kinds")) renderKinds();
  });

  return { key: "units", firstField: search };
}

// Screen "Chưa xác nhận": receipts not confirmed on a day (pending, partial,
// declined), filtered by batches, subtree, document, tier and overdue, grouped
// by grassroots committee with subtotals; overdue rows stand out with their
// escalation tier. Each row opens the confirm dialog (confirm.ts). The same
// filters print the list, the call list and reminder slips (preview first,
// printing.ts) and export it to Excel or CSV. The batches and the committee
// are chosen in searchable pickers (picker.ts); the common filters sit in one
// toolbar line, document and tier behind "Bộ lọc khác". At the top, the
// receipt-code box (outstanding/codebox.ts): a code typed or scanned from a
// returned slip shows that slip and opens the dialog for it.
import "../batch.css";

import { outstandingPage, previewListPages, saveList, toApiError } from "../api";
import type { OutstandingGroup } from "../bindings/OutstandingGroup";
import type { OutstandingQuery } from "../bindings/OutstandingQuery";
import type { OutstandingRow } from "../bindings/OutstandingRow";
import type { OutstandingTotals } from "../bindings/OutstandingTotals";
import type { PrintList } from "../bindings/PrintList";
import type { SaveFormat } from "../bindings/SaveFormat";
import { documentOptions } from "../docoptions";
import { addDescribedBy, byId, fill, h, numCell, tbodyOf } from "../dom";
import { announce, clearErrors, showError, type FieldResolver } from "../feedback";
import {
  RECEIPT_STATUS_LABEL,
  clean,
  formatDate,
  formatNumber,
  parseDate,
  todayIso,
  writeDate,
} from "../format";
import { createPicker, type PickItem } from "../picker";
import { data, ensure, onChange, onOutsideChange, reload } from "../store";
import { unitPickItems } from "../unitpicks";
import { confirmDialog } from "./confirm";
import { copyNumber, returnDialog, returnTargetOf } from "./copies";
import { openPreview } from "./printing";
import { receiptCodeBox } from "./outstanding/codebox";
import { batchLabel } from "./outstanding/common";
import { askEarly, firstRows } from "./outstanding/firstview";
import { batchItems } from "./outstanding/pickers";
import { guarded, type Screen } from "./screen";

const LIST_TITLE: Record<PrintList, string> = {
  outstanding: "Danh sách đơn vị chưa xác nhận",
  calls: "Danh sách liên hệ đơn vị chưa xác nhận",
  reminders: "Giấy nhắc xác nhận",
};

/** "Mức 2" badge of an overdue row (tier 0 = not overdue: no badge). */
function tierBadge(tier: number): HTMLElement | null {
  return tier > 0 ? h("span", { class: `badge tier tier-${Math.min(tier, 3)}`, title: `Mức nhắc ${tier}` }, `Mức ${tier}`) : null;
}

/** Filters set from elsewhere (the dashboard's bars): batches and a committee. */
export interface OutstandingFilter {
  batches?: string[];
  subtree?: string | null;
  /** The day the figures were counted to (the dashboard's as-of day). */
  as_of?: string | null;
}

/** Rows drawn at first, and at each "more" after that. */
const STEP = 100;
/**
 * Rows of a new list fetched and drawn before its first paint (more than a
 * 1366×768 window shows under the toolbar); the rest of its first STEP right
 * after it. The app reads this view ahead while the window starts
 * (`FIRST_VIEW_ROWS` in the core: these and one more).
 */
const FIRST_PAINT = 25;

export function outstandingScreen(): Screen {
  const filters = byId("out-filters", HTMLFormElement);
  const documentInput = byId("out-document", HTMLInputElement);
  const documentList = byId("out-document-list", HTMLDataListElement);
  const tierSelect = byId("out-tier", HTMLSelectElement);
  const overdue = byId("out-overdue", HTMLInputElement);
  const asOf = byId("out-as-of", HTMLInputElement);
  const countLine = byId("out-count", HTMLParagraphElement);
  const caption = byId("out-caption", HTMLTableCaptionElement);
  const table = byId("outstanding-table", HTMLTableElement);

  /**
   * The rows fetched so far (a page at a time, `outstanding_page`: the core
   * keeps the whole list, the window only what it draws and one more), the
   * totals of the whole list and the subtotals of the committees fetched.
   */
  let rows: OutstandingRow[] = [];
  let total: OutstandingTotals = { units: 0, lines: 0, overdue_lines: 0, copies: 0 };
  let groupTotals = new Map<string, OutstandingGroup>();
  /** Each drawn row's action (its "Xác nhận" button; a recall row's note), for focus. */
  let buttons: HTMLElement[] = [];
  let seq = 0;
  /** Set until the first list is asked for (its milestones, for the start-up benchmark). */
  let marking = true;
  /** Rows drawn so far (`drawMore`), and the filter they were drawn for. */
  let shown = 0;
  let drawnFor = "";
  let drawnQuery: OutstandingQuery | null = null;
  /** The row with "Hiện thêm…" while rows remain to draw. */
  let moreRow: HTMLTableRowElement | null = null;
  // Scrolling to the end of what is drawn draws the next rows.
  const moreSeen = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting && e.target === moreRow)) void drawMore(STEP);
  });

  // ---- pickers and the "more filters" disclosure ---------------------------

  let batchCache: PickItem[] | null = null;
  let unitCache: PickItem[] | null = null;
  const batchPicker = createPicker({
    id: "out-batch",
    multiple: true,
    noun: "đợt",
    placeholder: "Mọi đợt — gõ mã hoặc nội dung",
    items: () => (batchCache ??= batchItems()),
    onChange: () => void load(),
  });
  const subtreePicker = createPicker({
    id: "out-subtree",
    multiple: false,
    noun: "đơn vị",
    placeholder: "Mọi đơn vị — gõ mã hoặc tên",
    items: () => (unitCache ??= unitPickItems()),
    onChange: () => void load(),
  });
  byId("out-batch-slot", HTMLDivElement).replaceWith(batchPicker.element);
  byId("out-subtree-slot", HTMLDivElement).replaceWith(subtreePicker.element);
  // The batches and units they offer load when first used, not at start
  // (the first view of the list needs neither).
  const pickerData = (): void => {
    void ensure("batches", "units").catch((e: unknown) => showError(toApiError(e)));
  };
  batchPicker.input.addEventListener("focus", pickerData);
  subtreePicker.input.addEventListener("focus", pickerData);
  addDescribedBy(batchPicker.input, "out-batch-hint");
  addDescribedBy(subtreePicker.input, "out-subtree-hint");

  const more = byId("out-more", HTMLButtonElement);
  const morePanel = byId("out-more-panel", HTMLDivElement);
  function syncMore(): void {
    const n = (clean(documentInput.value) ? 1 : 0) + (tierSelect.value ? 1 : 0);
    more.textContent = n ? `Bộ lọc khác (${n})` : "Bộ lọc khác";
  }
  more.addEventListener("click", () => {
    morePanel.hidden = !morePanel.hidden;
    more.setAttribute("aria-expanded", String(!morePanel.hidden));
    void ensure("documents").catch((e: unknown) => showError(toApiError(e)));
    if (!morePanel.hidden) documentInput.focus();
  });
  for (const el of [documentInput, tierSelect]) el.addEventListener("change", syncMore);

  const resolve: FieldResolver = (field) =>
    ({ as_of: asOf, subtree: subtreePicker.input, document: documentInput, batches: batchPicker.input, tier: tierSelect })[field] ??
    null;

  // ---- list --------------------------------------------------------------

  function query(): OutstandingQuery | undefined {
    const day = parseDate(asOf.value);
    if (day === undefined) {
      showError({ kind: "invalid", message: "Ngày không hợp lệ; nhập dạng ngày/tháng/năm.", field: "as_of" }, resolve);
      return undefined;
    }
    const doc = clean(documentInput.value);
    return {
      batches: batchPicker.values(),
      subtree: subtreePicker.values()[0] ?? null,
      document: doc || null,
      overdue_only: overdue.checked,
      tier: tierSelect.value ? Number(tierSelect.value) : null,
      as_of: day,
    };
  }

  /** Reads the list of the filter (`again`: the one drawn, after another program's writes). */
  async function load(again?: OutstandingQuery): Promise<void> {
    if (!again) clearErrors();
    const q = again ?? query();
    if (!q) return;
    const mine = ++seq;
    // The same filter again (after a confirmation): as many rows as before, at once,
    // so the place and the focus stay; a new filter: the first STEP, FIRST_PAINT first.
    const key = JSON.stringify(q);
    const fresh = key !== drawnFor;
    const want = fresh ? STEP : Math.max(shown, STEP);
    const mark = marking ? (name: string) => performance.mark(`start:view-${name}`) : () => undefined;
    marking = false;
    mark("asked");
    try {
      // One row more than drawn: it tells whether the last drawn row's committee goes on.
      const page = await firstRows(q, (fresh ? Math.min(want, FIRST_PAINT) : want) + 1);
      mark("answered");
      if (mine !== seq) return; // a newer request is on its way
      rows = page.rows;
      total = page.total;
      groupTotals = new Map(page.groups.map((g) => [g.code, g]));
      drawnFor = key;
      drawnQuery = q;
      render(q, want, fresh);
      mark("drawn");
    } catch (e) {
      if (mine === seq) showError(toApiError(e), resolve);
    }
  }

  function render(q: OutstandingQuery, want: number, fresh: boolean): void {
    let text = `${formatNumber(total.units)} đơn vị chưa xác nhận`;
    const narrowed = narrowing(q);
    if (narrowed.length) text += ` (lọc: ${narrowed.join(", ")})`;
    if (total.lines !== total.units) text += ` (${formatNumber(total.lines)} lượt nhận)`;
    if (total.overdue_lines) text += `, ${formatNumber(total.overdue_lines)} lượt quá hạn`;
    if (total.lines) text += `; ${formatNumber(total.copies)} bản`;
    countLine.textContent = `${text}.`;

    const batchText = q.batches.length
      ? q.batches
          .map((code) => {
            const b = data.batches.find((x) => x.code === code);
            return b ? batchLabel(b.code, b.title) : code;
          })
          .join(", ")
      : "tất cả các đợt";
    caption.textContent = `Đơn vị chưa xác nhận đã nhận văn bản — ${batchText} — tính đến ngày ${formatDate(q.as_of ?? todayIso())}`;

    buttons = [];
    shown = 0;
    if (moreRow) moreSeen.unobserve(moreRow);
    moreRow = null;
    const body = tbodyOf(table);
    if (total.lines === 0) body.replaceChildren(emptyRow(q));
    else {
      body.replaceChildren();
      // The same list again keeps its place and focus: all of it at once.
      if (!fresh || want <= FIRST_PAINT) drawRows(want);
      else {
        drawRows(FIRST_PAINT);
        const mine = seq;
        // A frame callback runs just before the paint; a task it queues, after.
        requestAnimationFrame(() =>
          setTimeout(() => {
            if (mine === seq && shown < want) void drawMore(want - shown);
          }),
        );
      }
    }
  }

  /** The rows being fetched and drawn for the list of `seq`, while they are. */
  let drawing: { seq: number; done: Promise<void> } | null = null;
  /**
   * Draws `count` more rows, fetching those not fetched yet (and one more).
   * The scroll and the button both ask: whoever asks while rows of the same
   * list are on their way gets those rows (the button's focus then lands on
   * them), not another page on top. A list loaded again meanwhile draws its
   * own.
   */
  function drawMore(count: number): Promise<void> {
    if (drawing?.seq !== seq) {
      const mine: { seq: number; done: Promise<void> } = {
        seq,
        done: fetchAndDraw(count).finally(() => {
          if (drawing === mine) drawing = null;
        }),
      };
      drawing = mine;
    }
    return drawing.done;
  }

  async function fetchAndDraw(count: number): Promise<void> {
    const q = drawnQuery;
    const need = Math.min(total.lines, shown + count + 1);
    if (q && rows.length < need) {
      const mine = seq;
      try {
        const page = await outstandingPage(q, rows.length, need - rows.length);
        if (mine !== seq || page.offset !== rows.length) return; // the list was loaded again meanwhile
        rows.push(...page.rows);
        for (const g of page.groups) groupTotals.set(g.code, g);
      } catch (e) {
        showError(toApiError(e), resolve);
        return;
      }
    }
    drawRows(count);
  }

  /**
   * Draws the next `count` rows (with their committee's heading where it
   * starts and its subtotal where it ends), then a "more" row while rows
   * remain: a whole province's 20,000 open receipts are not 20,000 table rows
   * the moment the screen opens. The totals above count every row.
   */
  function drawRows(count: number): void {
    const body = tbodyOf(table);
    const first = shown;
    // "Hiện thêm" reached with Tab scrolls into view and draws by itself:
    // the keyboard goes on to the first row drawn, not back to the top.
    const hadFocus = moreRow?.contains(document.activeElement) ?? false;
    if (moreRow) {
      moreSeen.unobserve(moreRow);
      moreRow.remove();
      moreRow = null;
    }
    const end = Math.min(rows.length, shown + count);
    const trs: HTMLTableRowElement[] = [];
    for (let i = shown; i < end; i++) {
      const r = rows[i]!;
      const group = r.group_code;
      if (i === 0 || rows[i - 1]!.group_code !== group) {
        trs.push(
          h(
            "tr",
            { class: "group", "data-group": group },
            h("th", { scope: "rowgroup", colspan: 7 }, r.group_name, " ", h("span", { class: "muted code" }, `(${group})`)),
          ),
        );
      }
      trs.push(rowOf(r, i));
      if (i === total.lines - 1 || (i + 1 < rows.length && rows[i + 1]!.group_code !== group)) {
        const t = groupTotals.get(group);
        trs.push(
          h(
            "tr",
            { class: "subtotal", "data-subtotal": group },
            h(
              "td",
              { colspan: 7 },
              `Cộng: ${formatNumber(t?.units ?? 0)} đơn vị, ${formatNumber(t?.lines ?? 0)} lượt, ${formatNumber(t?.copies ?? 0)} bản`,
            ),
          ),
        );
      }
    }
    shown = end;
    body.append(...trs);
    if (hadFocus) buttons[first]?.focus();
    if (shown < total.lines) {
      const left = total.lines - shown;
      const button = h(
        "button",
        { type: "button", id: "out-more-rows", class: "secondary" },
        `Hiện thêm ${formatNumber(Math.min(STEP, left))} lượt (đang hiện ${formatNumber(shown)} / ${formatNumber(total.lines)})`,
      );
      button.addEventListener("click", () => {
        const first = shown;
        void drawMore(STEP).then(() => buttons[first]?.focus());
      });
      moreRow = h("tr", { class: "more-rows" }, h("td", { colspan: 7 }, button));
      body.append(moreRow);
      moreSeen.observe(moreRow);
    }
  }

  function rowOf(r: OutstandingRow, i: number): HTMLTableRowElement {
    const unitId = `out-unit-${i}`;
    const recall = r.kind === "recall";
    // A recall's copies are brought back to the office, not confirmed.
    const numbers = (r.copies_missing ?? []).map(copyNumber).join(", ");
    const button = recall
      ? h("button", { type: "button", class: "recall-return", "aria-describedby": unitId }, `Nhận lại bản số ${numbers}`)
      : h("button", { type: "button", class: "confirm", "aria-describedby": unitId }, "Xác nhận");
    button.addEventListener("click", () => (recall ? openReturn(r, i) : openConfirm(r, i)));
    buttons.push(button);
    const late = r.days_overdue > 0;
    const contact = [r.secretary, r.phone].filter((x): x is string => !!x).join(" · ");
    return h(
      "tr",
      { "data-batch": r.batch, "data-unit": r.unit_code, "data-tier": String(r.tier), class: late ? `overdue tier-row-${Math.min(r.tier, 3)}` : null },
      h(
        "th",
        { scope: "row", id: unitId },
        r.unit_name,
        " ",
        h("span", { class: "muted code" }, `(${r.unit_code})`),
        r.status !== "pending" ? h("span", { class: `badge badge-${r.status}` }, RECEIPT_STATUS_LABEL[r.status]) : null,
        tierBadge(r.tier),
        r.in_place_of
          ? h("span", { class: "sub in-place-of" }, `nhận thay cho ${r.in_place_of_name ?? r.in_place_of} (${r.in_place_of})`)
          : null,
      ),
      h("td", null, h("span", { class: "code" }, r.batch), r.batch_title && r.batch_title !== r.batch ? h("span", { class: "sub" }, r.batch_title) : null),
      h("td", { class: "date" }, formatDate(r.due)),
      late
        ? numCell(formatNumber(r.days_overdue), "days-overdue")
        : h("td", { class: "num muted" }, "—", h("span", { class: "visually-hidden" }, "chưa quá hạn")),
      numCell(formatNumber(r.copies)),
      h("td", { class: "contact" }, contact || h("span", { class: "muted" }, "—")),
      h("td", { class: "col-action" }, button),
    );
  }

  function renderOptions(): void {
    batchCache = null;
    unitCache = null;
    batchPicker.refresh();
    subtreePicker.refresh();
    // The symbol alone keeps every committee term's document of it.
    fill(documentList, documentOptions(data.documents, "Mọi khóa"));
  }

  /**
   * Applies a drill-down from elsewhere (a dashboard bar) and reloads: it
   * sets every filter it implies and clears the others, so that no filter
   * left on earlier (overdue only, a tier, a document) hides its rows.
   */
  async function applyFilter(f: OutstandingFilter): Promise<void> {
    // The pickers show the chosen batches and committee by name.
    await ensure("batches", "units");
    batchPicker.set(f.batches ?? []);
    subtreePicker.set(f.subtree ? [f.subtree] : []);
    documentInput.value = "";
    tierSelect.value = "";
    overdue.checked = false;
    syncMore();
    writeDate(asOf, f.as_of ?? todayIso());
    void load();
  }

  /** Filters beyond batches and day that can make the list empty, as words. */
  function narrowing(q: OutstandingQuery): string[] {
    const parts: string[] = [];
    if (q.overdue_only) parts.push("quá hạn");
    if (q.tier !== null) parts.push(`mức nhắc ${q.tier}`);
    if (q.document) parts.push(`văn bản ${q.document}`);
    if (q.subtree) parts.push(`thuộc ${data.units.find((u) => u.code === q.subtree)?.name ?? q.subtree}`);
    return parts;
  }

  /** Clears every filter but the day and reloads (the empty list's offer). */
  function clearFilters(): void {
    batchPicker.set([]);
    subtreePicker.set([]);
    documentInput.value = "";
    tierSelect.value = "";
    overdue.checked = false;
    syncMore();
    void load().then(() => countLine.focus());
  }

  /**
   * The row of an empty list. Empty because of a filter is not "all clear":
   * it says which filter, and offers to clear it.
   */
  function emptyRow(q: OutstandingQuery): HTMLTableRowElement {
    const narrowed = narrowing(q);
    if (!narrowed.length) {
      const text = q.batches.length ? "Mọi đơn vị của đợt đã chọn đều đã xác nhận." : "Không còn đơn vị nào chưa xác nhận.";
      return h("tr", { class: "empty" }, h("td", { colspan: 7 }, text));
    }
    const what = q.overdue_only || q.tier !== null ? "đơn vị quá hạn" : "đơn vị chưa xác nhận";
    const clear = h("button", { type: "button", id: "out-clear-filters", class: "secondary" }, "Bỏ lọc");
    clear.addEventListener("click", clearFilters);
    return h(
      "tr",
      { class: "empty filtered" },
      h("td", { colspan: 7 }, `Không có ${what} trong bộ lọc này (${narrowed.join(", ")}). `, clear),
    );
  }

  window.addEventListener("giaonhan:show-outstanding", (e) => {
    applyFilter((e as CustomEvent<OutstandingFilter>).detail ?? {}).catch((err: unknown) => showError(toApiError(err)));
  });

  for (const el of [tierSelect, overdue, asOf]) el.addEventListener("change", () => void load());
  filters.addEventListener(
    "submit",
    guarded(filters, () => load()),
  );

  function preview(list: PrintList, from: HTMLButtonElement): void {
    clearErrors();
    const q = query();
    if (!q) return;
    void openPreview(
      {
        title: LIST_TITLE[list],
        pages: async (_chosen, feed) => {
          const [streamed, sent] = await previewListPages(list, q, feed.pages, (step) => feed.progress(step.done, step.total));
          return { streamed, sent };
        },
        savePdf: (_chosen, onStep) => saveList(list, q, "pdf", onStep),
      },
      from,
    );
  }

  function save(format: SaveFormat, from: HTMLButtonElement): void {
    clearErrors();
    const q = query();
    if (!q) return;
    from.disabled = true;
    saveList("outstanding", q, format)
      .then((path) => {
        if (path !== null) announce(`Đã lưu tệp ${path}.`);
      })
      .catch((e: unknown) => showError(toApiError(e), resolve))
      .finally(() => {
        from.disabled = false;
      });
  }

  const printButton = byId("out-print", HTMLButtonElement);
  const remindersButton = byId("out-reminders", HTMLButtonElement);
  const callsButton = byId("out-calls", HTMLButtonElement);
  const xlsxButton = byId("out-xlsx", HTMLButtonElement);
  const csvButton = byId("out-csv", HTMLButtonElement);
  printButton.addEventListener("click", () => preview("outstanding", printButton));
  remindersButton.addEventListener("click", () => preview("reminders", remindersButton));
  callsButton.addEventListener("click", () => preview("calls", callsButton));
  xlsxButton.addEventListener("click", () => save("xlsx", xlsxButton));
  csvButton.addEventListener("click", () => save("csv", csvButton));

  onChange((changed) => {
    if (changed.has("batches") || changed.has("units") || changed.has("documents")) renderOptions();
  });
  onOutsideChange(byId("screen-outstanding", HTMLElement), () => drawnQuery && void load(drawnQuery));

  // ---- confirm dialog (confirm.ts) -----------------------------------------

  /** The row whose dialog is open, to give focus back when it closes. */
  let fromRow = -1;
  /** The dialog was opened from the receipt-code box. */
  let fromCode = false;

  const dialogs = confirmDialog(
    async ({ detail, status, by: signer }) => {
      const verb = status === "declined" ? "Đã ghi đơn vị từ chối" : status === "partial" ? "Đã ghi nhận thiếu" : "Đã xác nhận";
      announce(`${verb}: ${detail.unit_name} — ${batchLabel(detail.batch, detail.batch_title)} (người ký: ${signer}).`);
      try {
        await Promise.all([load(), reload("batches")]);
        if (fromCode) await codeBox.show(detail.receipt_code);
      } catch (e) {
        showError(toApiError(e));
        return;
      }
      if (fromCode) {
        // Ready for the next returned slip.
        codeInput.value = "";
        codeInput.focus();
      } else {
        // Focus moves to the row that took the confirmed one's place (or stays on it).
        const next = buttons[Math.min(fromRow, buttons.length - 1)];
        (next ?? countLine).focus();
      }
    },
    (saved) => {
      if (!saved) {
        if (fromCode) codeInput.focus();
        else buttons[fromRow]?.focus();
      }
    },
  );

  function openConfirm(row: OutstandingRow, index: number): void {
    fromRow = index;
    fromCode = false;
    void dialogs.open(row.receipt_code, "in_person");
  }

  // ---- recall returns (copies.ts) ------------------------------------------

  const returns = returnDialog(async () => {
    try {
      await Promise.all([load(), reload("documents")]);
    } catch (e) {
      showError(toApiError(e));
      return;
    }
    const next = buttons[Math.min(fromRow, buttons.length - 1)];
    (next ?? countLine).focus();
  });

  function openReturn(row: OutstandingRow, index: number): void {
    fromRow = index;
    returns.open(returnTargetOf(row), buttons[index] ?? countLine);
  }

  // ---- receipt code box (outstanding/codebox.ts) ---------------------------

  const codeBox = receiptCodeBox((d) => {
    fromCode = true;
    dialogs.openDetail(d, "slip");
  }, load);
  const codeInput = codeBox.input;

  writeDate(asOf, todayIso());
  // The list the window opens on: asked for now (outstanding/firstview.ts).
  const opening = query();
  if (opening) askEarly(opening, FIRST_PAINT + 1);

  return {
    key: "outstanding",
    firstField: codeInput,
    onShow: () => load(),
  };
}

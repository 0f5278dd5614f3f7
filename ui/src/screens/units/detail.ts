// The detail pane of screen "Đơn vị": the selected unit as the tree's day
// shows it, its reorganisation history, its secretaries and deputies, every
// batch it received (unitreceipts.ts), the classified copies it holds
// (copies.ts); and the two small forms it opens: contact details and kind
// (no history), and appointing a secretary or deputy from a day.
import { editUnit, getUnit, setSigner, toApiError, unitHistory, unitReceipts, unitSigners } from "../../api";
import type { Signer } from "../../bindings/Signer";
import type { Unit } from "../../bindings/Unit";
import type { UnitEvent } from "../../bindings/UnitEvent";
import { byId, fill, h, tbodyOf } from "../../dom";
import { announce, clearErrors, showError } from "../../feedback";
import { clean, formatDate, formatNumber, optional, parseDate, todayIso, writeDate } from "../../format";
import { reload } from "../../store";
import { guarded } from "../screen";
import { renderHeldCopies } from "../copies";
import { renderUnitReceipts } from "../unitreceipts";
import { invalid } from "./common";
import type { UnitTree } from "./tree";

const ROLE_LABEL: Record<Signer["role"], string> = { secretary: "Bí thư", deputy: "Phó bí thư" };

export interface UnitDetail {
  /** Loads the unit (as shown in the tree's day when it is there), its history, signers and receipts. */
  open(code: string, focusPanel: boolean): Promise<void>;
  /** The unit shown, or null before one is chosen. */
  shown(): Unit | null;
  /** After a confirmation or a new batch: the shown unit's receipts again. */
  refreshReceipts(): Promise<void>;
}

export function unitDetail(tree: UnitTree): UnitDetail {
  const detail = byId("unit-detail", HTMLElement);
  const detailEmpty = byId("unit-detail-empty", HTMLParagraphElement);
  const detailBody = byId("unit-detail-body", HTMLDivElement);
  const detailHeading = byId("unit-detail-heading", HTMLHeadingElement);
  const detailFields = byId("unit-detail-fields", HTMLDListElement);
  const history = byId("unit-history", HTMLUListElement);
  const receiptsTable = byId("unit-receipts", HTMLTableElement);
  const signers = byId("unit-signers", HTMLUListElement);
  const copiesBlock = byId("unit-copies-block", HTMLDivElement);
  const copiesList = byId("unit-copies", HTMLUListElement);

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

  /** The unit whose details are shown. */
  let selected: string | null = null;
  let selectedUnit: Unit | null = null;
  let detailSeq = 0;

  function dlRow(term: string, value: string | Node | null): Node[] {
    return [h("dt", null, term), h("dd", null, value === null || value === "" ? h("span", { class: "muted" }, "—") : value)];
  }

  function renderDetail(u: Unit, events: UnitEvent[], people: Signer[]): void {
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
      ...dlRow("Cấp trên", tree.unitRef(u.parent)),
      ...dlRow("Đơn vị trực thuộc", u.descendants > 0 ? `${formatNumber(u.descendants)} (trực tiếp ${formatNumber(u.children)})` : "0"),
      ...dlRow("Điện thoại", u.phone),
      ...dlRow("Địa chỉ", u.address),
      ...dlRow("Bí thư", u.secretary),
      ...dlRow("Phó bí thư", u.deputy),
      // No founding day recorded says just that: the unit may have existed long
      // before the register, or have been entered today without its day.
      ...dlRow("Ngày thành lập", u.opened_on ? formatDate(u.opened_on) : h("span", { class: "muted" }, "Chưa ghi")),
      ...dlRow("Ngày ngừng hoạt động", u.closed_on ? formatDate(u.closed_on) : "Đang hoạt động"),
      ...dlRow("Đơn vị kế thừa", tree.unitRef(u.successor)),
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

  async function open(c: string, focusPanel: boolean): Promise<void> {
    const seq = ++detailSeq;
    selected = c;
    tree.markSelected(c);
    try {
      // The unit whole, as it stands on the tree's day (fetched afresh: the
      // tree may still be reloading after a change).
      const [u, events, people, receipts] = await Promise.all([
        getUnit(c, tree.asOfDay()),
        unitHistory(c),
        unitSigners(c),
        unitReceipts(c),
      ]);
      if (seq !== detailSeq) return;
      renderDetail(u, events, people);
      renderUnitReceipts(tbodyOf(receiptsTable), receipts);
      await renderHeldCopies(c, copiesBlock, copiesList);
      closeSubForms();
      if (focusPanel) detail.focus();
    } catch (e) {
      showError(toApiError(e));
    }
  }

  async function refreshReceipts(): Promise<void> {
    const c = selected;
    if (c === null) return;
    const seq = detailSeq;
    const receipts = await unitReceipts(c);
    if (seq === detailSeq && selected === c) {
      renderUnitReceipts(tbodyOf(receiptsTable), receipts);
      await renderHeldCopies(c, copiesBlock, copiesList);
    }
  }

  function closeSubForms(): void {
    editForm.hidden = true;
    signerForm.hidden = true;
    editOpen.setAttribute("aria-expanded", "false");
    signerOpen.setAttribute("aria-expanded", "false");
  }

  // ---- contact details and kind ----------------------------------------------
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
        await open(saved.code, false);
        editOpen.focus();
      } catch (e) {
        showError(toApiError(e), (f) => editFields[f] ?? null);
      }
    }),
  );

  // ---- secretary or deputy ---------------------------------------------------
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
        await open(u.code, false);
        signerOpen.focus();
      } catch (e) {
        showError(toApiError(e), (f) => signerFields[f] ?? null);
      }
    }),
  );

  return { open, shown: () => selectedUnit, refreshReceipts };
}

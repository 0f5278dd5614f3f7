// The confirm dialog (#confirm-dialog) in full: how the confirmation arrived
// (in person, from a returned slip, remotely), who signed and whether they signed
// on the unit's behalf (ký thay), the signature date, copies actually received
// per document (fewer → "nhận thiếu"), or a refusal with its reason, and a note.
// The dialog's skeleton is in index.html; the rest is added here. A receipt is
// always named by its receipt code, so one dialog confirms exactly one slip.
// In person, with logins on, an admin or clerk can let the unit's secretary (or
// deputy) sign with their PIN (confirm_with_pin): the receipt then carries that
// account's name; wrong PINs are counted and locked by the core.
// The dialog remembers the last method used (on this computer) and prefills
// the unit's recorded secretary as the signer (editable, its text selected).
// It is laid out in two columns with the buttons always in view, so that it
// fits a 1366×768 screen without scrolling to "Xác nhận".
import { confirmReceipt, confirmWithPin, getReceipt, listAccounts, toApiError } from "../api";
import { currentRole } from "../auth";
import type { ConfirmMethod } from "../bindings/ConfirmMethod";
import type { DocQty } from "../bindings/DocQty";
import type { ReceiptDetail } from "../bindings/ReceiptDetail";
import type { ReceiptStatus } from "../bindings/ReceiptStatus";
import { byId, fill, h, numCell, tbodyOf } from "../dom";
import { clearErrors, showError, type FieldResolver } from "../feedback";
import {
  RECEIPT_STATUS_LABEL,
  clean,
  formatDate,
  formatNumber,
  formatReceiptCode,
  optional,
  parseCount,
  parseDate,
  searchKey,
  todayIso,
  writeDate,
} from "../format";
import { guarded } from "./screen";
import { signaturePad } from "../signature";

export const CONFIRM_METHOD_LABEL: Record<ConfirmMethod, string> = {
  in_person: "Trực tiếp tại văn phòng",
  slip: "Từ phiếu ký gửi lại",
  remote: "Đơn vị báo từ xa",
};

/** Where the last method used is kept (this computer's window storage). */
const METHOD_KEY = "sogiaonhan.confirm-method";

function rememberedMethod(): ConfirmMethod | null {
  try {
    const m = window.localStorage.getItem(METHOD_KEY);
    return m !== null && m in CONFIRM_METHOD_LABEL ? (m as ConfirmMethod) : null;
  } catch {
    return null;
  }
}

function rememberMethod(m: ConfirmMethod): void {
  try {
    window.localStorage.setItem(METHOD_KEY, m);
  } catch {
    // Storage refused (private mode, full): the default applies next time.
  }
}

/** What a finished confirmation reports back to the screen that opened the dialog. */
export interface Confirmed {
  detail: ReceiptDetail;
  status: ReceiptStatus;
  by: string;
}

export interface ConfirmDialog {
  /** Loads the receipt by its code and opens the dialog for it. */
  open(code: string, mode: ConfirmMethod): Promise<boolean>;
  /** Opens the dialog for a receipt already loaded. */
  openDetail(detail: ReceiptDetail, mode: ConfirmMethod): void;
}

interface Handlers {
  onDone: (c: Confirmed) => Promise<void>;
  onClose: (saved: boolean) => void;
}

/** The one dialog, wired once, and the handlers of the screen that opened it last. */
let wired: ConfirmDialog | null = null;
let active: Handlers | null = null;

/**
 * The confirm dialog for one screen (the outstanding list, the inbox): the
 * dialog is wired once and shared. `onDone` runs after a confirmation was
 * saved (the dialog is closed by then); `onClose(saved)` runs whenever the
 * dialog closes; both those of the screen that opened it.
 */
export function confirmDialog(onDone: (c: Confirmed) => Promise<void>, onClose: (saved: boolean) => void): ConfirmDialog {
  const mine: Handlers = { onDone, onClose };
  wired ??= wireDialog();
  const dialog = wired;
  return {
    open: (code, mode) => {
      active = mine;
      return dialog.open(code, mode);
    },
    openDetail: (detail, mode) => {
      active = mine;
      dialog.openDetail(detail, mode);
    },
  };
}

function wireDialog(): ConfirmDialog {
  const onDone = (c: Confirmed): Promise<void> => active?.onDone(c) ?? Promise.resolve();
  const onClose = (saved: boolean): void => active?.onClose(saved);
  const dialog = byId("confirm-dialog", HTMLDialogElement);
  const form = byId("confirm-form", HTMLFormElement);
  const what = byId("confirm-what", HTMLParagraphElement);
  const by = byId("confirm-by", HTMLInputElement);
  const on = byId("confirm-on", HTMLInputElement);
  const cancel = byId("confirm-cancel", HTMLButtonElement);
  const byHint = byId("confirm-by-hint", HTMLParagraphElement);

  // ---- markup added to the dialog ------------------------------------------

  const mode = h(
    "select",
    { id: "confirm-mode", name: "method" },
    ...(Object.keys(CONFIRM_METHOD_LABEL) as ConfirmMethod[]).map((m) => h("option", { value: m }, CONFIRM_METHOD_LABEL[m])),
  );
  const modeField = h("div", { class: "field" }, h("label", { for: "confirm-mode" }, "Cách xác nhận"), mode);
  by.closest(".field")?.before(modeField);

  // In person with a PIN: a select of the unit's secretary accounts (admin), or
  // the username typed (a clerk, who cannot list accounts).
  const pinSelect = h("select", { id: "confirm-pin-user", "aria-describedby": "confirm-pin-user-hint" });
  const pinText = h("input", { id: "confirm-pin-user", type: "text", autocomplete: "off", spellcheck: "false", autocapitalize: "off", "aria-describedby": "confirm-pin-user-hint" });
  const pinUserHint = h("p", { class: "hint", id: "confirm-pin-user-hint" }, "Bí thư (hoặc phó bí thư) có tài khoản tự nhập mã PIN; để trống nếu ghi tên người ký bên dưới.");
  const pinUserField = h("div", { class: "field" }, h("label", { for: "confirm-pin-user" }, "Người ký bằng mã PIN"), pinUserHint, pinText);
  const pin = h("input", { id: "confirm-pin", type: "password", inputmode: "numeric", autocomplete: "off", "aria-describedby": "confirm-pin-hint" });
  const pinField = h(
    "div",
    { class: "field" },
    h("label", { for: "confirm-pin" }, "Mã PIN"),
    h("p", { class: "hint", id: "confirm-pin-hint" }, "Sai 5 lần thì mã PIN bị khoá 15 phút."),
    pin,
  );
  const pinBox = h("div", { id: "confirm-pin-box", hidden: true }, pinUserField, pinField);
  modeField.after(pinBox);
  let pinUser: HTMLSelectElement | HTMLInputElement = pinText;
  /** False when the admin's list shows no secretary with a PIN for this unit. */
  let pinChoices = true;

  function pinAllowed(): boolean {
    const r = currentRole();
    return r === "admin" || r === "clerk";
  }
  function syncMode(): void {
    pinBox.hidden = !(mode.value === "in_person" && pinAllowed() && pinChoices);
    // A signature is drawn only by someone at the office.
    pad.element.hidden = mode.value !== "in_person";
  }
  mode.addEventListener("change", syncMode);
  function usePin(): boolean {
    return !pinBox.hidden && clean(pinUser.value) !== "";
  }

  async function loadPinUsers(unitCode: string): Promise<void> {
    pin.value = "";
    pinChoices = true;
    if (currentRole() !== "admin") {
      if (pinUser !== pinText) pinUser.replaceWith(pinText);
      pinUser = pinText;
      pinText.value = "";
      return;
    }
    let accounts;
    try {
      accounts = (await listAccounts()).filter((a) => a.role === "secretary" && a.unit === unitCode && a.has_pin && !a.disabled);
    } catch {
      accounts = null;
    }
    if (!accounts) {
      if (pinUser !== pinText) pinUser.replaceWith(pinText);
      pinUser = pinText;
      return;
    }
    fill(pinSelect, [
      h("option", { value: "" }, "— Không dùng mã PIN —"),
      ...accounts.map((a) => h("option", { value: a.username }, `${a.display_name} (${a.username})`)),
    ]);
    pinSelect.value = accounts[0]?.username ?? "";
    if (pinUser !== pinSelect) pinUser.replaceWith(pinSelect);
    pinUser = pinSelect;
    pinChoices = accounts.length > 0;
    syncMode();
  }

  const onBehalf = h("input", { id: "confirm-on-behalf", type: "checkbox", "aria-describedby": "confirm-on-behalf-hint" });
  const onBehalfField = h(
    "div",
    { class: "field field-check" },
    h("span", null, onBehalf, h("label", { for: "confirm-on-behalf" }, "Ký thay")),
    h("p", { class: "hint", id: "confirm-on-behalf-hint" }, "Người ký không phải bí thư của đơn vị (phó bí thư, cán bộ văn phòng…)."),
  );
  by.closest(".field")?.after(onBehalfField);

  const linesTable = h(
    "table",
    { id: "confirm-lines", class: "data-table compact" },
    h("caption", { class: "visually-hidden" }, "Số bản thực nhận từng văn bản"),
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        h("th", { scope: "col" }, "Số ký hiệu"),
        h("th", { scope: "col", class: "num" }, "Đã giao"),
        h("th", { scope: "col", class: "num" }, "Thực nhận"),
      ),
    ),
    h("tbody"),
  );
  const linesSet = h(
    "fieldset",
    { id: "confirm-qty", class: "group", "aria-describedby": "confirm-qty-hint" },
    h("legend", null, "Số bản thực nhận"),
    h("p", { class: "hint", id: "confirm-qty-hint" }, "Sửa nếu đơn vị nhận ít hơn số bản đã giao; phiếu sẽ ghi “nhận thiếu” và vẫn ở danh sách chưa xong."),
    h("div", { class: "table-wrap" }, linesTable),
  );

  const decline = h("input", { id: "confirm-decline", type: "checkbox" });
  const declineReason = h("input", { id: "confirm-decline-reason", type: "text", autocomplete: "off" });
  const declineReasonField = h(
    "div",
    { class: "field", id: "confirm-decline-reason-field", hidden: true },
    h("label", { for: "confirm-decline-reason" }, "Lý do từ chối / trả lại"),
    declineReason,
  );
  const declineField = h(
    "div",
    { class: "field field-check" },
    h("span", null, decline, h("label", { for: "confirm-decline" }, "Đơn vị từ chối hoặc trả lại")),
  );
  const note = h("input", { id: "confirm-note", type: "text", autocomplete: "off" });
  const noteField = h("div", { class: "field" }, h("label", { for: "confirm-note" }, "Ghi chú"), note);
  const pad = signaturePad("confirm-signature");
  // Two columns between the heading and the buttons: who and how on the left,
  // what arrived (copies, refusal, signature) on the right; only this part
  // scrolls, the buttons stay in view.
  const left = h("div", { class: "confirm-col" });
  const right = h("div", { class: "confirm-col" });
  const body = h("div", { class: "confirm-body" }, left, right);
  const actions = form.querySelector(".actions");
  const byField = by.closest(".field");
  const onField = on.closest(".field");
  left.append(modeField, pinBox, ...[byField, onBehalfField, onField].filter((x): x is HTMLElement => x instanceof HTMLElement), noteField);
  right.append(linesSet, declineField, declineReasonField, pad.element);
  if (actions) actions.before(body);
  else form.append(body);

  decline.addEventListener("change", () => {
    declineReasonField.hidden = !decline.checked;
    linesSet.disabled = decline.checked;
    if (decline.checked) declineReason.focus();
  });

  let current: ReceiptDetail | null = null;
  let qtyInputs: HTMLInputElement[] = [];
  let saved = false;

  const fields: Record<string, () => HTMLElement | null> = {
    by: () => by,
    on: () => on,
    method: () => mode,
    quantities: () => qtyInputs[0] ?? null,
    decline: () => declineReason,
    note: () => note,
    on_behalf: () => onBehalf,
    pin: () => pin,
    username: () => pinUser,
  };
  const resolve: FieldResolver = (field) => fields[field]?.() ?? null;


  // While the clerk has not set "Ký thay" by hand, it follows the name typed:
  // ticked when it is not the unit's recorded secretary (the core does the same).
  let onBehalfTouched = false;
  onBehalf.addEventListener("change", () => {
    onBehalfTouched = true;
  });
  by.addEventListener("input", () => {
    const sec = current?.secretary ?? null;
    const name = clean(by.value);
    if (sec && !onBehalfTouched) onBehalf.checked = name !== "" && searchKey(sec) !== searchKey(name);
  });

  function openDetail(detail: ReceiptDetail, how: ConfirmMethod): void {
    current = detail;
    saved = false;
    clearErrors();
    what.textContent =
      `${detail.unit_name} (${detail.unit_code}) — ${detail.batch_title && detail.batch_title !== detail.batch ? `${detail.batch_title} (${detail.batch})` : detail.batch}` +
      `, giao ngày ${formatDate(detail.handed)}, mã nhận ${formatReceiptCode(detail.receipt_code)}` +
      (detail.status !== "pending" ? ` — hiện: ${RECEIPT_STATUS_LABEL[detail.status].toLowerCase()}` : "") +
      ".";
    const sec = detail.secretary;
    byHint.textContent = sec
      ? `Điền sẵn bí thư của đơn vị (${sec}); người khác ký thì gõ tên người đó, “Ký thay” tự đánh dấu.`
      : "Bí thư hoặc người ký thay cho đơn vị.";
    mode.value = rememberedMethod() ?? how;
    pinChoices = true;
    syncMode();
    if (pinAllowed()) void loadPinUsers(detail.unit_code);
    by.value = sec ?? "";
    onBehalf.checked = false;
    onBehalfTouched = false;
    writeDate(on, todayIso());
    decline.checked = false;
    declineReason.value = "";
    pad.clear();
    declineReasonField.hidden = true;
    linesSet.disabled = false;
    note.value = "";
    qtyInputs = [];
    const rows = detail.lines.map((line, i) => {
      const id = `confirm-qty-${i}`;
      const input = h("input", {
        id,
        type: "text",
        inputmode: "numeric",
        autocomplete: "off",
        class: "confirm-qty input-num",
        "data-symbol": line.symbol,
        "data-quantity": line.quantity,
        value: String(line.quantity),
      });
      input.value = String(line.quantity);
      input.addEventListener("focus", () => input.select());
      input.addEventListener("input", () => {
        const q = parseCount(input.value);
        input.classList.toggle("short", q !== null && q !== undefined && q < line.quantity);
      });
      qtyInputs.push(input);
      return h(
        "tr",
        { "data-symbol": line.symbol },
        h("th", { scope: "row" }, h("label", { for: id }, h("span", { class: "code" }, line.symbol), h("span", { class: "sub" }, line.title))),
        numCell(formatNumber(line.quantity)),
        h("td", { class: "num" }, input),
      );
    });
    fill(tbodyOf(linesTable), rows);
    if (!dialog.open) dialog.showModal();
    body.scrollTop = 0;
    by.focus();
    by.select();
  }

  async function open(code: string, how: ConfirmMethod): Promise<boolean> {
    // A new action: the message about the last one goes at once, not when
    // the receipt has loaded.
    clearErrors();
    try {
      openDetail(await getReceipt(code), how);
      return true;
    } catch (e) {
      showError(toApiError(e));
      return false;
    }
  }

  dialog.addEventListener("close", () => {
    clearErrors();
    current = null;
    onClose(saved);
  });
  cancel.addEventListener("click", () => dialog.close());

  form.addEventListener(
    "submit",
    guarded(form, async () => {
      if (!current) return;
      clearErrors();
      const withPin = usePin();
      const pinUsername = clean(pinUser.value);
      if (withPin && !pin.value.trim()) {
        showError({ kind: "invalid", message: "Người ký nhập mã PIN của mình.", field: "pin" }, resolve);
        return;
      }
      const signer = withPin ? clean(by.value) || pinUsername : clean(by.value);
      if (!signer) {
        showError({ kind: "invalid", message: "Nhập tên người ký nhận.", field: "by" }, resolve);
        return;
      }
      const day = parseDate(on.value);
      if (day === undefined) {
        showError({ kind: "invalid", message: "Ngày ký không hợp lệ; nhập dạng ngày/tháng/năm.", field: "on" }, resolve);
        return;
      }
      const reason = decline.checked ? clean(declineReason.value) : null;
      if (decline.checked && !reason) {
        showError({ kind: "invalid", message: "Ghi lý do đơn vị từ chối hoặc trả lại.", field: "decline" }, resolve);
        return;
      }
      const quantities: DocQty[] = [];
      if (!decline.checked) {
        for (const [i, input] of qtyInputs.entries()) {
          const line = current.lines[i]!;
          const q = parseCount(input.value);
          if (q === undefined || q === null || q > line.quantity) {
            showError(
              {
                kind: "invalid",
                message: `Số bản thực nhận của ${line.symbol} phải là số nguyên từ 0 đến ${formatNumber(line.quantity)}.`,
                field: "quantities",
              },
              resolve,
              input,
            );
            return;
          }
          if (q !== line.quantity) quantities.push({ symbol: line.symbol, quantity: q });
        }
      }
      const detail = current;
      try {
        const confirmation = {
          batch: detail.batch,
          unit_code: detail.unit_code,
          receipt_code: detail.receipt_code,
          by: signer,
          on: day,
          method: mode.value as ConfirmMethod,
          quantities,
          decline: reason,
          on_behalf: onBehalf.checked,
          note: optional(note.value),
          signature: pad.element.hidden ? null : pad.dataUrl(),
        };
        if (withPin) await confirmWithPin(pinUsername, pin.value.trim(), confirmation);
        else await confirmReceipt(confirmation);
      } catch (e) {
        const err = toApiError(e);
        if (withPin) {
          pin.value = "";
          // A locked PIN comes without a field: it still belongs to the PIN.
          showError(err, resolve, err.field ? undefined : pin);
        } else showError(err, resolve);
        return;
      }
      pin.value = "";
      rememberMethod(mode.value as ConfirmMethod);
      const status: ReceiptStatus = reason ? "declined" : quantities.length ? "partial" : "confirmed";
      saved = true;
      dialog.close();
      const shownBy = withPin && pinUser instanceof HTMLSelectElement ? (pinUser.selectedOptions[0]?.textContent ?? signer).replace(/ \(.*\)$/, "") : signer;
      await onDone({ detail, status, by: shownBy });
    }),
  );

  return { open, openDetail };
}

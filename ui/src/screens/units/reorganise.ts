// The reorganisation form of screen "Đơn vị": rename, move, merge, split or
// close a unit with an effective date (past or future) and a reason; the
// fields shown follow the kind of change, "Sắp xếp" in the detail pane fills
// it from the selected unit, and the unit the change leaves in place is
// shown in the tree afterwards.
import { reorganise, toApiError, type ApiError } from "../../api";
import type { Change } from "../../bindings/Change";
import type { Unit } from "../../bindings/Unit";
import { byId } from "../../dom";
import { announce, clearErrors, showError, type FieldResolver } from "../../feedback";
import { clean, formatDate, optional, parseDate, todayIso, writeDate } from "../../format";
import { reload } from "../../store";
import { guarded } from "../screen";
import { invalid } from "./common";
import type { UnitTree } from "./tree";

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

/** Wires the form; `shown` is the unit of the detail pane. */
export function reorganiseForm(tree: UnitTree, shown: () => Unit | null): void {
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
    const u = shown();
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
        await tree.reload();
        await tree.reveal(focusCode, false);
      } catch (e) {
        showError(toApiError(e), reorgResolve);
      }
    }),
  );
}

// The form that adds a unit on screen "Đơn vị" (its founding day, or none
// for a unit that existed before the register: "Chưa ghi"), and the lists
// its code, parent and kind fields suggest from. Parent and kind stay
// filled after a save: branches are usually entered one after another.
import { addUnit, toApiError } from "../../api";
import type { UnitEntry } from "../../bindings/UnitEntry";
import { byId, h } from "../../dom";
import { announce, clearErrors, showError, type FieldResolver } from "../../feedback";
import { clean, optional, parseDate } from "../../format";
import { reload } from "../../store";
import { suggestOnFocus } from "../../suggest";
import { guarded } from "../screen";
import { invalid } from "./common";
import type { UnitTree } from "./tree";

export interface AddUnitForm {
  /** The parent and code suggestions: the units of the tree's day (open ones as parents). */
  renderLists(units: UnitEntry[]): void;
}

export function addUnitForm(tree: UnitTree): AddUnitForm {
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
        await tree.reload();
        await tree.reveal(unit.code, false);
      } catch (e) {
        showError(toApiError(e), resolve);
      }
    }),
  );

  // The suggestions of the parent box and of the reorganisation form's unit
  // boxes (a province has ten thousand units): filled when one of their boxes
  // first takes the focus, and again after the units changed.
  let units: UnitEntry[] = [];
  const listsChanged = [
    suggestOnFocus(parentList, [parent], () =>
      units
        .filter((u) => u.closed_on === null || u.closed_on > tree.asOfDay())
        .map((u) => h("option", { value: u.code, label: u.name })),
    ),
    suggestOnFocus(codeListEl, [byId("reorg-code", HTMLInputElement), byId("reorg-parent", HTMLInputElement)], () =>
      units.map((u) => h("option", { value: u.code, label: u.name })),
    ),
  ];

  function renderLists(loaded: UnitEntry[]): void {
    units = loaded;
    for (const changed of listsChanged) changed();
  }

  return { renderLists };
}

// Unit kinds on screen "Đơn vị" ("Đảng bộ cơ sở", "Chi bộ", …: data, not
// code): the table with the units of each kind, and the form that adds a
// kind or renames one (every unit of it follows).
import { saveKind, toApiError } from "../../api";
import { byId, fill, h, numCell, tbodyOf } from "../../dom";
import { announce, clearErrors, showError } from "../../feedback";
import { clean, formatNumber } from "../../format";
import { data, reload } from "../../store";
import { guarded } from "../screen";
import { invalid } from "./common";

/** Wires the form; returns what draws the kinds (table, choices, suggestions) from the store. */
export function unitKinds(): () => void {
  const kindList = byId("unit-kind-list", HTMLDataListElement);
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

  return function renderKinds(): void {
    fill(kindList, data.kinds.map((k) => h("option", { value: k.name })));
    const keep = kindOld.value;
    fill(kindOld, [h("option", { value: "" }, "Thêm loại mới"), ...data.kinds.map((k) => h("option", { value: k.name }, k.name))]);
    kindOld.value = data.kinds.some((k) => k.name === keep) ? keep : "";
    const rows = data.kinds.map((k) => h("tr", { "data-kind": k.name }, h("th", { scope: "row" }, k.name), numCell(formatNumber(k.units))));
    if (rows.length) fill(tbodyOf(kindsTable), rows);
    else tbodyOf(kindsTable).replaceChildren(h("tr", { class: "empty" }, h("td", { colspan: 2 }, "Chưa có loại đơn vị nào.")));
  };
}

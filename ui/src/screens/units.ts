// Screen "Đơn vị": the unit tree as a table, and the form that adds a unit.
import { addUnit, toApiError } from "../api";
import { byId, fill, h, tbodyOf } from "../dom";
import { announce, clearErrors, showError, type FieldResolver } from "../feedback";
import { clean, formatDate, formatNumber, optional, todayIso } from "../format";
import { data, onChange, reload } from "../store";
import { guarded, indentClass, type Screen } from "./screen";

export function unitsScreen(): Screen {
  const form = byId("unit-form", HTMLFormElement);
  const code = byId("unit-code", HTMLInputElement);
  const name = byId("unit-name", HTMLInputElement);
  const parent = byId("unit-parent", HTMLInputElement);
  const kind = byId("unit-kind", HTMLInputElement);
  const table = byId("units-table", HTMLTableElement);
  const count = byId("units-count", HTMLSpanElement);
  const parentList = byId("unit-parent-list", HTMLDataListElement);
  const kindList = byId("unit-kind-list", HTMLDataListElement);

  const fields: Record<string, HTMLElement> = { code, name, parent, kind };
  const resolve: FieldResolver = (field) => fields[field] ?? null;

  form.addEventListener(
    "submit",
    guarded(form, async () => {
      clearErrors();
      try {
        const unit = await addUnit({
          code: clean(code.value),
          name: clean(name.value),
          parent: optional(parent.value),
          kind: optional(kind.value),
        });
        // Parent and kind stay filled: branches are usually entered one after another.
        code.value = "";
        name.value = "";
        announce(`Đã thêm đơn vị ${unit.code}.`);
        code.focus();
        await reload("units", "kinds");
      } catch (e) {
        showError(toApiError(e), resolve);
      }
    }),
  );

  function renderTable(): void {
    const today = todayIso();
    const rows = data.units.map((u) => {
      const closed = u.closed_on !== null && u.closed_on <= today;
      return h(
        "tr",
        { "data-code": u.code, class: closed ? "closed" : null },
        h("th", { scope: "row", class: "code" }, u.code),
        h(
          "td",
          { class: `tree-cell ${indentClass(u.depth)}` },
          u.name,
          closed ? h("span", { class: "muted" }, ` (ngừng hoạt động từ ${formatDate(u.closed_on)})`) : null,
        ),
        h("td", { class: "code" }, u.parent ?? ""),
        h("td", null, u.kind ?? ""),
      );
    });
    const body = tbodyOf(table);
    if (rows.length) fill(body, rows);
    else body.replaceChildren(h("tr", { class: "empty" }, h("td", { colspan: 4 }, "Chưa có đơn vị nào.")));
    count.textContent = `(${formatNumber(rows.length)})`;
    fill(
      parentList,
      data.units
        .filter((u) => u.closed_on === null || u.closed_on > today)
        .map((u) => h("option", { value: u.code, label: u.name })),
    );
  }

  function renderKinds(): void {
    fill(kindList, data.kinds.map((k) => h("option", { value: k.name })));
  }

  onChange((changed) => {
    if (changed.has("units")) renderTable();
    if (changed.has("kinds")) renderKinds();
  });

  return { key: "units", firstField: code };
}

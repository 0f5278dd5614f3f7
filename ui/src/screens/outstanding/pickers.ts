// The items of the outstanding screen's two pickers: the batches and the
// committees a list is narrowed to, searchable without diacritics.
import { formatDate, formatNumber, searchKey } from "../../format";
import type { PickItem } from "../../picker";
import { data } from "../../store";
import { batchLabel } from "./common";

/** The batch picker's items, newest first (the order of `data.batches`). */
export function batchItems(): PickItem[] {
  return data.batches.map((b) => ({
    value: b.code,
    label: `${batchLabel(b.code, b.title)} — ${formatNumber(b.open)}/${formatNumber(b.must_confirm)} chưa xác nhận`,
    sub: `Giao ngày ${formatDate(b.handed_on)}, hạn ${formatDate(b.due_on)}`,
    chip: b.code,
    key: searchKey(`${b.code} ${b.title}`),
    exact: searchKey(b.code),
  }));
}

/** The committee picker's items: units with branches first, then the others, each in tree order. */
export function unitItems(): PickItem[] {
  const names = new Map(data.units.map((u) => [u.code, u.name]));
  const item = (u: (typeof data.units)[number]): PickItem => {
    const parent = u.parent ? names.get(u.parent) : undefined;
    return {
      value: u.code,
      label: `${u.name} (${u.code})`,
      sub: parent ? `thuộc ${parent}` : undefined,
      chip: u.name,
      key: searchKey(`${u.code} ${u.name} ${u.short_name ?? ""}`),
      exact: searchKey(u.code),
    };
  };
  return [...data.units.filter((u) => u.children > 0).map(item), ...data.units.filter((u) => u.children === 0).map(item)];
}

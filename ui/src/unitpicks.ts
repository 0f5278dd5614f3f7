// The items of a picker that chooses a unit among a province's ten thousand,
// searchable by code, name or short name without diacritics.
import { searchKey } from "./format";
import type { PickItem } from "./picker";
import { data } from "./store";

/** Every unit of the day: units with branches first, then the others, each in tree order. */
export function unitPickItems(): PickItem[] {
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

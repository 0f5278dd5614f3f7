// The items of the outstanding screen's batch picker, searchable without
// diacritics (its unit picker's are the shared `unitPickItems`).
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

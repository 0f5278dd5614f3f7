// Vietnamese presentation of values: dates dd/mm/yyyy, thousands with a dot,
// labels for enums; plus reading dates and counts back from inputs, and the
// text folding used to search without diacritics.
import type { Classification } from "./bindings/Classification";
import type { ReceiptStatus } from "./bindings/ReceiptStatus";

export const CLASSIFICATION_LABEL: Record<Classification, string> = {
  normal: "Thường",
  secret: "Mật",
  top_secret: "Tối mật",
  absolute: "Tuyệt mật",
};

export const RECEIPT_STATUS_LABEL: Record<ReceiptStatus, string> = {
  pending: "Chưa xác nhận",
  confirmed: "Đã xác nhận",
  partial: "Nhận thiếu",
  declined: "Từ chối",
};

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2022-08-02" → "02/08/2022"; `null` → "". */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const m = ISO_DATE.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** 2000 → "2.000", -1500 → "-1.500". Accepts bigint (i64 fields) too. */
export function formatNumber(n: number | bigint): string {
  const v = typeof n === "bigint" ? n : BigInt(Math.trunc(Number(n)));
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return neg ? `-${digits}` : digits;
}

/**
 * 99.1634 → "99,16%": two decimals after a comma, thousands with a dot (the
 * dashboard's completion rates). Non-finite values show as "0,00%".
 */
export function formatPercent(value: number, decimals = 2): string {
  const v = Number.isFinite(value) ? value : 0;
  const fixed = Math.abs(v).toFixed(decimals);
  const [whole = "0", frac] = fixed.split(".");
  const sign = v < 0 && Number(fixed) !== 0 ? "-" : "";
  const digits = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return `${sign}${digits}${frac ? `,${frac}` : ""}%`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function isoOf(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, "0")}-${pad2(m)}-${pad2(d)}`;
}

/** Today in the local time zone, "YYYY-MM-DD". */
export function todayIso(): string {
  const d = new Date();
  return isoOf(d.getFullYear(), d.getMonth() + 1, d.getDate());
}

/** Calendar arithmetic on "YYYY-MM-DD" (no time zone involved). */
export function addDaysIso(iso: string, days: number): string {
  const m = ISO_DATE.exec(iso);
  if (!m) return iso;
  const t = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days));
  return isoOf(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

function validIso(y: number, mo: number, d: number): string | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1000 || y > 9999) return null;
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null;
  return isoOf(y, mo, d);
}

/**
 * Parses what a date field holds: "YYYY-MM-DD" (a native date input) or
 * "dd/mm/yyyy" (also with "-" or "."; engines without a date picker show a text
 * box). "" → null; anything else → undefined (invalid).
 */
export function parseDate(text: string): string | null | undefined {
  const s = text.trim();
  if (s === "") return null;
  let m = ISO_DATE.exec(s);
  if (m) return validIso(Number(m[1]), Number(m[2]), Number(m[3])) ?? undefined;
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (m) return validIso(Number(m[3]), Number(m[2]), Number(m[1])) ?? undefined;
  return undefined;
}

const DATE_INPUT_SUPPORTED = (() => {
  const probe = document.createElement("input");
  probe.setAttribute("type", "date");
  return probe.type === "date";
})();

/**
 * Puts an ISO date into a date field. The app's date fields are text boxes
 * showing dd/mm/yyyy whatever the system's locale (a native date picker follows
 * the locale, mm/dd/yyyy under an English one); a native date input, where one
 * is used, gets the ISO value.
 */
export function writeDate(input: HTMLInputElement, iso: string | null): void {
  input.value = iso === null ? "" : input.type === "date" && DATE_INPUT_SUPPORTED ? iso : formatDate(iso);
}

/** Parses a non-negative whole number as typed ("" → null, invalid → undefined). */
export function parseCount(text: string): number | null | undefined {
  const s = text.trim();
  if (s === "") return null;
  if (!/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 4294967295 ? n : undefined;
}

/** Trimmed, NFC (some keyboards and pasted text give NFD). */
export function clean(text: string): string {
  return text.normalize("NFC").trim();
}

/** Like `clean`, but "" becomes null (optional fields). */
export function optional(text: string): string | null {
  const s = clean(text);
  return s === "" ? null : s;
}

/**
 * Key for searching without diacritics or case: decompose, drop combining marks,
 * map đ/Đ to d (NFD does not decompose them), lower-case. "Hương Khê" → "huong khe".
 */
export function searchKey(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * A receipt code as the slip prints it: "WK451CS6" → "WK45-1CS6" (other
 * lengths as they are), so that the code reads the same on paper and on screen.
 */
export function formatReceiptCode(code: string): string {
  const c = code.trim().toUpperCase();
  return c.length === 8 ? `${c.slice(0, 4)}-${c.slice(4)}` : c;
}

/** Whether every word of `query` (folded by `searchKey`) occurs in `key` (already folded). */
export function matchesAll(key: string, query: string): boolean {
  const words = searchKey(query).split(" ").filter(Boolean);
  return words.every((w) => key.includes(w));
}

// What the outstanding screen and its receipt-code box share: how a batch
// is named in labels and messages.

/** "Đợt 1 năm 2025 (D1-2025)", or the code alone when the title says no more. */
export function batchLabel(code: string, title: string): string {
  return title && title !== code ? `${title} (${code})` : code;
}

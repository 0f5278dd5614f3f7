// The delivery slips of a batch in the print preview (printing.ts): every
// unit's slip, or one unit's (a reprint), one or two slips per A4 page, shown
// exactly as they print, then the system print dialog or a saved PDF. Opened
// right after a batch is saved and from every row of the batch list.
import { previewSlips, saveSlips } from "../api";
import type { SlipUnit } from "../bindings/SlipUnit";
import { formatNumber, formatReceiptCode } from "../format";
import { openPreview, type PrintChoice } from "./printing";

/** The last layout chosen, for the next batch. */
let lastPerPage: "1" | "2" = "1";

function perPageOf(value: string | undefined): 1 | 2 {
  return value === "2" ? 2 : 1;
}

function unitChoice(units: readonly SlipUnit[], value: string): PrintChoice {
  return {
    id: "unit",
    label: "Phiếu của",
    value,
    options: [
      { value: "", label: `Mọi đơn vị (${formatNumber(units.length)} phiếu)` },
      ...units.map((u) => ({ value: u.code, label: `${u.name} (${u.code}) — mã ${formatReceiptCode(u.receipt_code)}` })),
    ],
  };
}

/**
 * Opens the preview of a batch's slips, every unit's; "Phiếu của" then picks
 * one unit's slip. Focus returns to `from` when it closes.
 */
export async function openSlips(batch: { code: string; title: string }, from: HTMLElement | null): Promise<void> {
  let units: SlipUnit[] = [];
  let filled = false;
  await openPreview(
    {
      title: `Phiếu giao nhận — ${batch.title && batch.title !== batch.code ? `${batch.title} (${batch.code})` : batch.code}`,
      choices: [
        {
          id: "per-page",
          label: "Mỗi trang A4",
          value: lastPerPage,
          options: [
            { value: "1", label: "1 phiếu" },
            { value: "2", label: "2 phiếu" },
          ],
        },
        unitChoice([], ""),
      ],
      pages: async (chosen, feed) => {
        const perPage = perPageOf(chosen["per-page"]);
        lastPerPage = perPage === 2 ? "2" : "1";
        const one = chosen.unit || null;
        const [streamed, sent, total, forUnits] = await previewSlips(batch.code, perPage, one, feed.pages, (step) =>
          feed.progress(step.done, step.total),
        );
        // The units come with every unit's slips (the first layout).
        if (!one) units = forUnits;
        return { streamed, sent, total };
      },
      savePdf: (chosen, onStep) => saveSlips(batch.code, perPageOf(chosen["per-page"]), chosen.unit || null, onStep),
      shown: (update) => {
        if (filled) return;
        filled = true;
        update(unitChoice(units, ""));
      },
    },
    from,
  );
}

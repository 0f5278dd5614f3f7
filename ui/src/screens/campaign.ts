// The form that makes a new study campaign (đợt học tập) beside the
// dashboard's study panel: code, title, period, the documents studied (those
// the batch carried, or symbols typed) and the units that must report (those
// that must confirm the batch, or every branch under one unit). The rules are
// the core's (`create_campaign`): the form reads the fields and shows the
// core's refusals at the field they name. Shown only to the accounts that
// may hand out (auth.css hides it from the others).
import { createCampaign, toApiError, type ApiError } from "../api";
import type { Campaign } from "../bindings/Campaign";
import type { NewCampaign } from "../bindings/NewCampaign";
import { documentOptions } from "../docoptions";
import { byId, fill, h } from "../dom";
import { announce, clearErrors, showError, showErrors, type FieldResolver } from "../feedback";
import { clean, formatDate, formatNumber, parseDate } from "../format";
import { data, ensure } from "../store";
import { guarded } from "./screen";

function invalid(message: string, field: string): ApiError {
  return { kind: "invalid", message, field };
}

/** Symbols as typed: separated by commas, semicolons or new lines. */
function symbols(text: string): string[] {
  return text
    .split(/[,;\n]/)
    .map(clean)
    .filter((s) => s !== "");
}

/** Wires the form; `created` shows the new campaign on the panel. */
export function campaignForm(created: (c: Campaign) => Promise<void>): void {
  const form = byId("campaign-form", HTMLFormElement);
  const code = byId("campaign-code", HTMLInputElement);
  const title = byId("campaign-title", HTMLInputElement);
  const from = byId("campaign-from", HTMLInputElement);
  const to = byId("campaign-to", HTMLInputElement);
  const batch = byId("campaign-batch", HTMLInputElement);
  const docsByBatch = byId("campaign-docs-batch", HTMLInputElement);
  const documents = byId("campaign-documents", HTMLInputElement);
  const unitsByBatch = byId("campaign-units-batch", HTMLInputElement);
  const subtree = byId("campaign-subtree", HTMLInputElement);

  // The choices show only the field they need.
  function sync(): void {
    documents.closest<HTMLElement>(".field")?.toggleAttribute("hidden", docsByBatch.checked);
    subtree.closest<HTMLElement>(".field")?.toggleAttribute("hidden", unitsByBatch.checked);
  }
  for (const radio of form.querySelectorAll<HTMLInputElement>('input[type="radio"]')) radio.addEventListener("change", sync);
  sync();

  // The suggestions (batch codes, symbols, units with branches) load when the form is first used.
  let filled = false;
  form.addEventListener("focusin", () => {
    if (filled) return;
    filled = true;
    void ensure("batches", "documents", "units")
      .then(() => {
        fill(byId("campaign-batch-list", HTMLDataListElement), data.batches.map((b) => h("option", { value: b.code }, b.title)));
        fill(byId("campaign-document-list", HTMLDataListElement), documentOptions(data.documents, "Khóa mới nhất"));
        fill(
          byId("campaign-unit-list", HTMLDataListElement),
          data.units.filter((u) => u.children > 0).map((u) => h("option", { value: u.code }, u.name)),
        );
      })
      .catch((e: unknown) => {
        filled = false;
        showError(toApiError(e));
      });
  });

  const resolve: FieldResolver = (field) =>
    ({
      code,
      title,
      from,
      to,
      batch,
      documents: docsByBatch.checked ? batch : documents,
      units: unitsByBatch.checked ? batch : subtree,
      subtrees: subtree,
    })[field] ?? null;

  form.addEventListener(
    "submit",
    guarded(form, async () => {
      clearErrors();
      const problems: { err: ApiError; target: HTMLElement }[] = [];
      const day = (input: HTMLInputElement, label: string): string | null => {
        const d = parseDate(input.value);
        if (d === null) problems.push({ err: invalid(`${label}: chưa nhập.`, input.id), target: input });
        if (d === undefined) problems.push({ err: invalid(`${label} không hợp lệ; nhập dạng ngày/tháng/năm.`, input.id), target: input });
        return d ?? null;
      };
      const first = day(from, "Từ ngày");
      const last = day(to, "Đến ngày");
      if (!first || !last || problems.length) {
        showErrors(problems);
        return;
      }
      const input: NewCampaign = {
        code: clean(code.value),
        title: clean(title.value),
        documents: docsByBatch.checked ? [] : symbols(documents.value),
        batch: clean(batch.value) || null,
        from: first,
        to: last,
        subtrees: unitsByBatch.checked ? [] : [clean(subtree.value)].filter((s) => s !== ""),
        units: [],
      };
      if (!unitsByBatch.checked && !input.subtrees.length) {
        showErrors([{ err: invalid("Mã đơn vị: chưa nhập đơn vị gốc của nhánh.", "subtrees"), target: subtree }]);
        return;
      }
      try {
        const c = await createCampaign(input);
        for (const el of [code, title, from, to, batch, documents, subtree]) el.value = "";
        await created(c);
        announce(
          `Đã tạo đợt học tập ${c.code} (từ ${formatDate(c.from)} đến ${formatDate(c.to)}): ` +
            `${formatNumber(c.documents.length)} văn bản, ${formatNumber(c.units)} đơn vị phải báo cáo.`,
        );
      } catch (e) {
        showError(toApiError(e), resolve);
      }
    }),
  );
}

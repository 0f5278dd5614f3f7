// The dashboard's study follow-through panel: for a chosen study campaign,
// coverage per grassroots committee (members who took part — attended and
// made up — out of the members of the units that reported) as a bar chart
// with its table, the table also showing the receipt completion of the batch
// that carried the documents; and the form that enters (or replaces) one
// unit's figures. The figures and their rules are the core's: the form only
// reads numbers and shows the core's refusals at their fields. A branch
// secretary gets only their own units' campaigns and rows from the core, so
// the form offers them their own units. Beside it, the form that makes a new
// campaign (campaign.ts), which selects the campaign made. The summary is
// saved as PDF (the party layout) or XLSX, and the reminder slips of the units
// that have not reported open in the print preview (a page per unit, laid out
// as they come, with "Dừng").
import {
  groupCompletion,
  listCampaigns,
  previewStudyReminders,
  reportStudy,
  saveStudy,
  saveStudyReminders,
  studySummary,
  toApiError,
  type ApiError,
} from "../api";
import type { Campaign } from "../bindings/Campaign";
import type { StudyReportInput } from "../bindings/StudyReportInput";
import type { StudyRow } from "../bindings/StudyRow";
import { barChart, type Bar } from "../charts";
import { byId, fill, h, numCell, tbodyOf } from "../dom";
import { announce, clearErrors, showError, showErrors } from "../feedback";
import { clean, formatDate, formatNumber, formatPercent, parseDate, todayIso } from "../format";
import { campaignForm } from "./campaign";
import { openPreview } from "./printing";
import { guarded } from "./screen";

export interface StudyPanel {
  /** Reloads the campaigns and the chosen one's figures (receipt completion as of `asOf`). */
  refresh(asOf: string | null): Promise<void>;
}

function invalid(message: string, field: string): ApiError {
  return { kind: "invalid", message, field };
}

/** "35.599/35.900" */
function tookPart(r: StudyRow): string {
  return `${formatNumber(r.took_part)}/${formatNumber(r.members)}`;
}

export function studyPanel(): StudyPanel {
  const panel = byId("dash-study", HTMLElement);
  const select = byId("study-campaign", HTMLSelectElement);
  const bars = byId("study-bars", HTMLDivElement);
  const table = byId("study-table", HTMLTableElement);
  const caption = byId("study-caption", HTMLTableCaptionElement);
  const form = byId("study-form", HTMLFormElement);
  const unit = byId("study-unit", HTMLSelectElement);
  const fields: Record<string, HTMLInputElement> = {
    members: byId("study-members", HTMLInputElement),
    attended: byId("study-attended", HTMLInputElement),
    made_up: byId("study-made-up", HTMLInputElement),
    sessions: byId("study-sessions", HTMLInputElement),
    held_on: byId("study-held", HTMLInputElement),
    masses: byId("study-masses", HTMLInputElement),
    programme: byId("study-programme", HTMLInputElement),
  };

  let campaigns: Campaign[] = [];
  let rows: StudyRow[] = [];
  let asOfDay: string | null = null;
  let seq = 0;

  function render(c: Campaign, completion: Map<string, string>): void {
    const committees = rows.filter((r) => r.level === "committee");
    const total = rows.find((r) => r.level === "total");
    caption.replaceChildren(
      `Đợt ${c.code} — ${c.title} `,
      h("span", { class: "caption-count" }, `(từ ${formatDate(c.from)} đến ${formatDate(c.to)})`),
    );
    const list: Bar[] = committees.map((g) => ({
      key: g.unit_code,
      label: g.unit_name,
      value: g.rate,
      valueText: `${formatPercent(g.rate)} · ${tookPart(g)}`,
      ariaLabel:
        `${g.unit_name}: ${tookPart(g)} đảng viên tham gia (${formatPercent(g.rate)}), ` +
        `${formatNumber(g.units_reported ?? 0)} trên ${formatNumber(g.units ?? 0)} đơn vị đã báo cáo. Enter để nhập số liệu.`,
    }));
    const svg = barChart({
      title: `Tỷ lệ đảng viên tham gia học tập, quán triệt đợt ${c.code} theo đảng bộ cơ sở`,
      desc: total
        ? `Toàn bộ: ${tookPart(total)} đảng viên (${formatPercent(total.rate)}), ${formatNumber(total.units_reported ?? 0)} trên ${formatNumber(total.units ?? 0)} đơn vị đã báo cáo.`
        : "",
      bars: list,
      onActivate: (bar) => {
        // The committee's first unit without figures (or its first unit) in the form.
        const start = rows.findIndex((r) => r.level === "committee" && r.unit_code === bar.key);
        const units: StudyRow[] = [];
        for (const r of rows.slice(start + 1)) {
          if (r.level !== "unit") break;
          units.push(r);
        }
        const pick = units.find((r) => !r.reported) ?? units[0];
        if (pick) unit.value = pick.unit_code;
        unit.focus();
      },
    });
    svg.setAttribute("data-campaign", c.code);
    bars.replaceChildren(svg);
    const line = (r: StudyRow, head: string): HTMLTableRowElement =>
      h(
        "tr",
        { "data-group": r.unit_code, "data-level": r.level },
        h("th", { scope: "row" }, head, " ", r.unit_code ? h("span", { class: "code muted" }, r.unit_code) : null),
        numCell(`${formatNumber(r.units_reported ?? 0)}/${formatNumber(r.units ?? 0)}`, "reported"),
        numCell(tookPart(r), "took-part"),
        numCell(formatPercent(r.rate), "rate"),
        numCell(formatNumber(r.sessions)),
        numCell(formatNumber(r.masses)),
        numCell(r.level === "total" ? "" : (completion.get(r.unit_code) ?? "—"), "received"),
      );
    fill(tbodyOf(table), [
      ...committees.map((g) => line(g, g.unit_name)),
      ...(total ? [line(total, "Tổng cộng")] : []),
    ]);
    const keep = unit.value;
    fill(
      unit,
      rows
        .filter((r) => r.level === "unit")
        .map((r) => h("option", { value: r.unit_code }, `${r.unit_name} (${r.unit_code})${r.reported ? "" : " — chưa báo cáo"}`)),
    );
    if ([...unit.options].some((o) => o.value === keep)) unit.value = keep;
  }

  async function load(): Promise<void> {
    const mine = ++seq;
    const c = campaigns.find((x) => x.code === select.value);
    if (!c) {
      bars.replaceChildren(h("p", { class: "muted" }, "Chưa có đợt học tập nào."));
      tbodyOf(table).replaceChildren();
      unit.replaceChildren();
      return;
    }
    const [summary, groups] = await Promise.all([
      studySummary(c.code, null),
      c.batch ? groupCompletion(c.batch, asOfDay) : Promise.resolve([]),
    ]);
    if (mine !== seq) return;
    rows = summary;
    const completion = new Map(groups.map((g) => [g.group_code, `${formatPercent(g.completion)} · ${formatNumber(g.confirmed)}/${formatNumber(g.units)}`]));
    render(c, completion);
  }

  async function refresh(asOf: string | null, choose?: string): Promise<void> {
    asOfDay = asOf;
    campaigns = await listCampaigns();
    const keep = choose ?? select.value;
    fill(
      select,
      campaigns.length
        ? campaigns.map((c) => h("option", { value: c.code }, `${c.code} — ${c.title}`))
        : [h("option", { value: "" }, "Chưa có đợt học tập nào")],
    );
    select.value = campaigns.some((c) => c.code === keep) ? keep : (campaigns[0]?.code ?? "");
    form.hidden = !campaigns.length;
    await load();
  }

  select.addEventListener("change", () => void load().catch((e) => showError(toApiError(e))));

  const savePdf = byId("study-save-pdf", HTMLButtonElement);
  const saveXlsx = byId("study-save-xlsx", HTMLButtonElement);
  const reminders = byId("study-reminders", HTMLButtonElement);
  const save = (format: "pdf" | "xlsx", button: HTMLButtonElement) =>
    guarded(button, async () => {
      if (!select.value) return;
      try {
        const path = await saveStudy(select.value, null, format);
        if (path !== null) announce(`Đã lưu tệp ${path}.`);
      } catch (e) {
        showError(toApiError(e));
      }
    });
  savePdf.addEventListener("click", save("pdf", savePdf));
  saveXlsx.addEventListener("click", save("xlsx", saveXlsx));
  reminders.addEventListener(
    "click",
    guarded(reminders, async () => {
      const code = select.value;
      if (!code) return;
      const asOf = asOfDay ?? todayIso();
      // The preview shows its own errors (a campaign every unit reported in).
      await openPreview(
        {
          title: `Giấy nhắc báo cáo học tập đợt ${code}`,
          pages: async (_chosen, feed) => {
            const [streamed, sent] = await previewStudyReminders(code, null, asOf, feed.pages, (step) =>
              feed.progress(step.done, step.total),
            );
            return { streamed, sent };
          },
          savePdf: (_chosen, onStep) => saveStudyReminders(code, null, asOf, onStep),
        },
        reminders,
      );
    }),
  );

  function count(field: string, label: string, problems: { err: ApiError; target: HTMLElement }[]): number | null {
    const input = fields[field];
    if (!input) return null;
    const text = input.value.trim().replace(/\./g, "");
    if (text === "") return null;
    if (!/^-?\d+$/.test(text)) {
      problems.push({ err: invalid(`${label}: nhập một số nguyên.`, field), target: input });
      return null;
    }
    return Number(text);
  }

  form.addEventListener(
    "submit",
    guarded(form, async () => {
      clearErrors();
      const problems: { err: ApiError; target: HTMLElement }[] = [];
      const members = count("members", "Tổng số đảng viên", problems);
      const attended = count("attended", "Dự học", problems);
      const madeUp = count("made_up", "Học bù", problems);
      const sessions = count("sessions", "Số buổi", problems);
      const masses = count("masses", "Lượt quần chúng", problems);
      if (members === null && !problems.some((p) => p.err.field === "members") && fields.members)
        problems.push({ err: invalid("Tổng số đảng viên: chưa nhập.", "members"), target: fields.members });
      if (attended === null && !problems.some((p) => p.err.field === "attended") && fields.attended)
        problems.push({ err: invalid("Dự học: chưa nhập.", "attended"), target: fields.attended });
      const held = fields.held_on ? parseDate(fields.held_on.value) : null;
      if (held === undefined && fields.held_on)
        problems.push({ err: invalid("Ngày học đầu tiên không hợp lệ; nhập dạng ngày/tháng/năm.", "held_on"), target: fields.held_on });
      if (problems.length) {
        showErrors(problems);
        return;
      }
      const report: StudyReportInput = {
        campaign: select.value,
        unit: unit.value,
        members: members ?? 0,
        attended: attended ?? 0,
        made_up: madeUp ?? 0,
        absent_excused: 0,
        absent_reason: null,
        sessions,
        held_on: held ?? null,
        masses: masses ?? 0,
        programme: fields.programme ? clean(fields.programme.value) || null : null,
      };
      try {
        const saved = await reportStudy(report);
        await load();
        for (const input of Object.values(fields)) input.value = "";
        announce(
          `Đã lưu số liệu của ${saved.unit_name}: ${formatNumber(saved.attended + saved.made_up)}/${formatNumber(saved.members)} đảng viên tham gia` +
            (saved.replaced ? " (thay số liệu đã báo cáo trước)." : "."),
        );
      } catch (e) {
        showError(toApiError(e), (f) => (f === "unit" ? unit : (fields[f] ?? null)), null);
      }
    }),
  );

  campaignForm(async (c) => {
    await refresh(asOfDay, c.code);
    select.focus();
  });

  panel.dataset.ready = "true";
  return { refresh: (asOf) => refresh(asOf) };
}

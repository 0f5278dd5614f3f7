// "Sắp xếp tổ chức theo kế hoạch" on the "Nhập / xuất" screen: an official
// reorganisation applied in one step from its mapping table (old unit → new
// unit, CSV or XLSX). The file is chosen in the native dialog (read by the
// Rust side), the date and the reason given, then "Kiểm tra" runs the whole
// plan without keeping it: every row's outcome, every error as "tệp:dòng:cột",
// the counts, the receipts that change hands, and the tree on the day before
// the date beside the tree from the date on. "Áp dụng" is allowed only after a
// clean check of the same file, date and reason, and applies it in one
// transaction. "Tải mẫu kế hoạch" saves an empty plan to fill in.
import { choosePlanFile, reorganisePlan, savePlanTemplate, toApiError, unitsAsOf } from "../../api";
import type { ChosenFile } from "../../bindings/ChosenFile";
import type { PlanAction } from "../../bindings/PlanAction";
import type { PlanReport } from "../../bindings/PlanReport";
import type { UnitEntry } from "../../bindings/UnitEntry";
import { fill, h, numCell, tbodyOf } from "../../dom";
import { announce, clearErrors, clearStatus, showError, type FieldResolver } from "../../feedback";
import { addDaysIso, formatDate, formatNumber, optional, parseDate } from "../../format";
import { reload } from "../../store";
import { issueLine } from "../import";

const ACTION_LABEL: Record<PlanAction, string> = {
  merge: "Sáp nhập",
  split: "Chia tách",
  in_place: "Giữ, đổi tên/chuyển",
  close: "Giải thể",
  error: "Lỗi",
};

/** The tree of a day as an indented list: "Tên (mã)". */
function treeList(id: string, title: string, units: UnitEntry[]): HTMLElement {
  return h(
    "figure",
    { class: "plan-tree", id },
    h("figcaption", null, `${title} — ${formatNumber(units.length)} đơn vị`),
    h(
      "ul",
      null,
      ...units.map((u) => h("li", { "data-code": u.code, style: `padding-left: ${u.depth * 1.25}em` }, `${u.name} (${u.code})`)),
    ),
  );
}

/** The part of the screen, to put before the templates and exports. */
export function planPart(): HTMLElement {
  const unattended = h("input", { id: "plan-unattended", type: "hidden", value: "" });
  const choose = h("button", { id: "plan-choose", type: "button", class: "secondary" }, "Chọn tệp kế hoạch…");
  const fileName = h("span", { id: "plan-file-name", class: "file-name", "aria-live": "polite" }, "Chưa chọn tệp nào.");
  const on = h("input", { id: "plan-on", type: "text", inputmode: "numeric", placeholder: "dd/mm/yyyy", autocomplete: "off" });
  const reason = h("input", { id: "plan-reason", type: "text", autocomplete: "off" });
  const check = h("button", { id: "plan-check", type: "submit" }, "Kiểm tra");
  const apply = h("button", { id: "plan-apply", type: "button", disabled: true }, "Áp dụng kế hoạch");
  const template = h("button", { id: "plan-template", type: "button", class: "secondary" }, "Tải mẫu kế hoạch (Excel)");
  const summary = h("div", { id: "plan-summary", class: "count-line", tabindex: "-1", "aria-live": "polite" });
  const issues = h("ul", { id: "plan-issues", class: "issue-list", "aria-label": "Lỗi của kế hoạch", hidden: true });
  const rows = h(
    "table",
    { id: "plan-rows", class: "data-table compact", hidden: true },
    h("caption", null, "Kết quả từng dòng của kế hoạch"),
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        h("th", { scope: "col", class: "num" }, "Dòng"),
        h("th", { scope: "col" }, "Mã cũ"),
        h("th", { scope: "col" }, "Mã mới"),
        h("th", { scope: "col" }, "Việc"),
        h("th", { scope: "col" }, "Chi tiết"),
      ),
    ),
    h("tbody"),
  );
  const trees = h("div", { id: "plan-trees", class: "plan-trees", hidden: true });

  const form = h(
    "form",
    { id: "plan-form", class: "entry-form", novalidate: true, "aria-labelledby": "plan-heading" },
    h("h2", { id: "plan-heading" }, "Sắp xếp tổ chức theo kế hoạch"),
    h(
      "p",
      { class: "hint" },
      "Bảng đối chiếu đơn vị cũ → đơn vị mới (cột Mã cũ, Mã mới, Tên mới, Mã cấp trên mới, Loại mới, Chính), " +
        "có hiệu lực cùng một ngày. Kế hoạch được kiểm tra cả tệp trước; chỉ khi không có lỗi mới áp dụng được, một lần cho cả tệp.",
    ),
    h(
      "div",
      { class: "fields" },
      h("div", { class: "field field-wide" }, h("span", { class: "field-label" }, "Tệp kế hoạch"), h("div", { class: "file-pick" }, choose, fileName), unattended),
      h("div", { class: "field" }, h("label", { for: "plan-on" }, "Có hiệu lực từ ngày"), on),
      h("div", { class: "field field-wide" }, h("label", { for: "plan-reason" }, "Căn cứ (quyết định, nghị quyết)"), reason),
    ),
    h("div", { class: "actions" }, check, apply, template),
  );
  const part = h("section", { id: "plan-part" }, form, summary, issues, h("div", { class: "table-wrap" }, rows), trees);

  const fields: Record<string, HTMLElement> = { file: choose, on, reason };
  const resolve: FieldResolver = (field) => fields[field] ?? null;

  let chosen: ChosenFile | null = null;
  let pick = 0;
  /** What the last clean check was for: applying is allowed only for the same. */
  let checked: string | null = null;
  const key = (day: string): string => `${pick}|${day}|${reason.value.trim()}`;

  function invalidate(): void {
    checked = null;
    apply.disabled = true;
  }

  /** Forgets the last report: it was for another file, date or run. */
  function clearReport(): void {
    summary.replaceChildren();
    summary.classList.remove("has-error");
    issues.hidden = true;
    issues.replaceChildren();
    rows.hidden = true;
    tbodyOf(rows).replaceChildren();
    trees.hidden = true;
    trees.replaceChildren();
  }
  on.addEventListener("input", invalidate);
  reason.addEventListener("input", invalidate);

  choose.addEventListener("click", async () => {
    clearErrors();
    try {
      const picked = await choosePlanFile(unattended.value || null);
      if (picked === null) return;
      chosen = picked;
      pick++;
      fileName.textContent = picked.name;
      invalidate();
      clearReport();
    } catch (e) {
      showError(toApiError(e), resolve, choose);
    }
  });

  template.addEventListener("click", async () => {
    clearErrors();
    try {
      const path = await savePlanTemplate();
      if (path !== null) announce(`Đã lưu tệp ${path}.`);
    } catch (e) {
      showError(toApiError(e), resolve, template);
    }
  });

  async function render(report: PlanReport, dryRun: boolean): Promise<void> {
    fill(
      tbodyOf(rows),
      report.rows.map((r) =>
        h(
          "tr",
          { "data-row": r.row, "data-action": r.action, class: r.action === "error" ? "row-error" : null },
          numCell(formatNumber(r.row)),
          h("th", { scope: "row", class: "code" }, r.old_code),
          h("td", { class: "code" }, r.new_code ?? ""),
          h("td", null, ACTION_LABEL[r.action]),
          h("td", null, r.summary),
        ),
      ),
    );
    rows.hidden = report.rows.length === 0;
    const lines = report.issues.map((i) => h("li", { class: i.warning ? "issue-warning" : "issue-error" }, i.warning ? "Lưu ý: " : "Lỗi: ", issueLine(i)));
    fill(issues, lines);
    issues.hidden = lines.length === 0;

    const errors = report.issues.filter((i) => !i.warning).length;
    const c = report.counts;
    const n = formatNumber;
    const head = errors
      ? `Tệp ${report.file}: ${n(errors)} lỗi; chưa thay đổi gì. Sửa tệp rồi kiểm tra lại.`
      : `Tệp ${report.file}, ${n(report.rows.length)} dòng, ${report.written ? "đã áp dụng" : "khi áp dụng"} từ ngày ${formatDate(report.on)}:`;
    const counts = errors
      ? []
      : [
          `tạo mới ${n(c.created)}`,
          `sáp nhập ${n(c.merged)}`,
          `chia tách ${n(c.split)}`,
          `đổi tên ${n(c.renamed)}`,
          `chuyển cấp trên ${n(c.moved)}`,
          `giải thể ${n(c.closed)}`,
          `đơn vị trực thuộc chuyển theo ${n(c.children_moved)}`,
          `phiếu chưa xác nhận chuyển sang đơn vị kế tục ${n(c.receipts)}`,
        ];
    fill(summary, [h("p", { id: "plan-head" }, head), ...(counts.length ? [h("ul", { id: "plan-counts" }, ...counts.map((t) => h("li", null, t)))] : [])]);
    summary.classList.toggle("has-error", errors > 0);

    trees.hidden = true;
    if (!errors && dryRun && report.after !== undefined) {
      const before = await unitsAsOf(addDaysIso(report.on, -1));
      fill(trees, [
        treeList("plan-tree-before", `Trước ngày ${formatDate(report.on)}`, before),
        treeList("plan-tree-after", `Từ ngày ${formatDate(report.on)}`, report.after),
      ]);
      trees.hidden = false;
    }
  }

  async function run(dryRun: boolean): Promise<void> {
    clearErrors();
    clearStatus();
    if (!chosen) {
      showError({ kind: "invalid", message: "Chọn tệp kế hoạch (CSV hoặc XLSX).", field: "file" }, resolve, choose);
      return;
    }
    const day = parseDate(on.value);
    if (!day) {
      showError({ kind: "invalid", message: "Nhập ngày có hiệu lực, dạng dd/mm/yyyy.", field: "on" }, resolve, on);
      return;
    }
    if (!dryRun && checked !== key(day)) return;
    const button = dryRun ? check : apply;
    button.setAttribute("aria-busy", "true");
    clearReport();
    try {
      const report = await reorganisePlan(day, optional(reason.value), dryRun);
      await render(report, dryRun);
      const ok = !report.issues.some((i) => !i.warning);
      if (dryRun) {
        checked = ok ? key(day) : null;
        apply.disabled = !ok;
        summary.focus();
      } else {
        invalidate();
        if (report.written) {
          announce(`Đã áp dụng kế hoạch ${report.file} từ ngày ${formatDate(report.on)}.`);
          await reload("units", "kinds");
        }
      }
    } catch (e) {
      invalidate();
      showError(toApiError(e), resolve, button);
    } finally {
      button.removeAttribute("aria-busy");
    }
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void run(true);
  });
  apply.addEventListener("click", () => void run(false));
  return part;
}

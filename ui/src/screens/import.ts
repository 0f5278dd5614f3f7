// Screen "Nhập / xuất": bulk import of the units or documents register from a
// CSV/XLSX file — chosen in the native dialog and read by the Rust side from
// its path (the file's bytes never pass through the window) — a dry run first
// that previews every row and lists every problem as "tệp:dòng:cột: thông
// báo", then the all-or-nothing import, only after a check without errors —
// plus templates and exports through the native save dialog (written by the
// Rust side), and a reorganisation plan applied in one step (import/plan.ts).
import { chooseImportFile, importRegister, saveRegister, toApiError } from "../api";
import type { ChosenFile } from "../bindings/ChosenFile";
import type { ImportReport } from "../bindings/ImportReport";
import type { Issue } from "../bindings/Issue";
import type { Register } from "../bindings/Register";
import type { RowAction } from "../bindings/RowAction";
import { byId, fill, h, numCell, tbodyOf } from "../dom";
import { announce, clearErrors, clearStatus, showError } from "../feedback";
import { formatNumber } from "../format";
import { reload } from "../store";
import { planPart } from "./import/plan";
import { registerBookForm } from "./printing";
import type { Screen } from "./screen";

const ACTION_LABEL: Record<RowAction, string> = {
  add: "Thêm mới",
  unchanged: "Đã có, không đổi",
  error: "Lỗi",
};

const REGISTER_LABEL: Record<Register, string> = { units: "đơn vị", documents: "văn bản" };

/** "tệp:dòng:cột: thông báo" (the column is left out when the issue is about a whole row or file). */
export function issueLine(i: Issue): string {
  const place = [i.file, String(i.row), i.column].filter((p) => p !== null && p !== "").join(":");
  return `${place}: ${i.message}`;
}

/** "12,5 KB", "3,2 MB": the size of a chosen file. */
function fileSize(bytes: number): string {
  if (bytes < 1024) return `${formatNumber(bytes)} byte`;
  const kb = bytes / 1024;
  if (kb < 1024) return `${kb.toLocaleString("vi-VN", { maximumFractionDigits: 1 })} KB`;
  return `${(kb / 1024).toLocaleString("vi-VN", { maximumFractionDigits: 1 })} MB`;
}

function isRegister(v: string): v is Register {
  return v === "units" || v === "documents";
}

export function importScreen(): Screen {
  registerBookForm();
  const exports = byId("export-heading", HTMLHeadingElement).closest("section");
  exports?.before(planPart());
  const form = byId("import-form", HTMLFormElement);
  const register = byId("import-register", HTMLSelectElement);
  const choose = byId("import-choose", HTMLButtonElement);
  const fileName = byId("import-file-name", HTMLSpanElement);
  const unattended = byId("import-unattended", HTMLInputElement);
  const check = byId("import-check", HTMLButtonElement);
  const commit = byId("import-commit", HTMLButtonElement);
  const busy = byId("import-busy", HTMLDivElement);
  const progressText = byId("import-progress-text", HTMLSpanElement);
  const summary = byId("import-summary", HTMLParagraphElement);
  const issues = byId("import-issues", HTMLUListElement);
  const preview = byId("import-preview", HTMLTableElement);
  const keyCol = byId("import-key-col", HTMLTableCellElement);
  const nameCol = byId("import-name-col", HTMLTableCellElement);

  /** The chosen file (the Rust side keeps its path); `pick` counts the choices made. */
  let chosen: ChosenFile | null = null;
  let pick = 0;
  /** The choice and register the last clean check was for; the import is allowed only for them. */
  let checked: { pick: number; register: Register } | null = null;
  let running = false;

  function invalidate(): void {
    checked = null;
    commit.disabled = true;
  }
  choose.addEventListener("click", async () => {
    if (running) return;
    clearErrors();
    choose.setAttribute("aria-busy", "true");
    try {
      const picked = await chooseImportFile(unattended.value || null);
      if (picked === null) return;
      chosen = picked;
      pick++;
      fileName.textContent = `${picked.name} (${fileSize(picked.size)})`;
      fileName.classList.add("chosen");
      invalidate();
      clearReport();
    } catch (e) {
      showError(toApiError(e), undefined, choose);
    } finally {
      choose.removeAttribute("aria-busy");
    }
  });
  register.addEventListener("change", () => {
    invalidate();
    clearReport();
  });

  function clearReport(): void {
    summary.textContent = "";
    issues.hidden = true;
    issues.replaceChildren();
    preview.hidden = true;
    tbodyOf(preview).replaceChildren();
  }

  function setBusy(text: string | null): void {
    running = text !== null;
    busy.hidden = text === null;
    progressText.textContent = text ?? "";
    check.disabled = running;
    register.disabled = running;
    choose.disabled = running;
    if (running) commit.disabled = true;
    form.toggleAttribute("aria-busy", running);
  }

  function renderReport(report: ImportReport): void {
    const reg = report.register;
    keyCol.textContent = reg === "units" ? "Mã" : "Số ký hiệu";
    nameCol.textContent = reg === "units" ? "Tên" : "Trích yếu";
    const byRow = new Map<number, Issue[]>();
    for (const i of report.issues) {
      const list = byRow.get(i.row);
      if (list) list.push(i);
      else byRow.set(i.row, [i]);
    }
    const rows = report.rows.map((r) => {
      const own = byRow.get(r.row) ?? [];
      const isError = r.action === "error";
      return h(
        "tr",
        { "data-row": r.row, "data-action": r.action, class: isError ? "row-error" : own.length ? "row-warning" : null },
        numCell(formatNumber(r.row)),
        h("th", { scope: "row", class: "code" }, r.key),
        h("td", null, r.name),
        h(
          "td",
          null,
          isError ? h("strong", null, ACTION_LABEL[r.action]) : ACTION_LABEL[r.action],
          ...own.map((i) => h("span", { class: "sub" }, `${i.warning ? "Lưu ý" : "Lỗi"} — ${i.column ? `cột ${i.column}: ` : ""}${i.message}`)),
        ),
      );
    });
    fill(tbodyOf(preview), rows);
    preview.hidden = rows.length === 0;

    const lines = report.issues.map((i) =>
      h("li", { class: i.warning ? "issue-warning" : "issue-error", "data-row": i.row }, i.warning ? "Lưu ý: " : "Lỗi: ", issueLine(i)),
    );
    fill(issues, lines);
    issues.hidden = lines.length === 0;

    const n = (a: RowAction): number => report.rows.filter((r) => r.action === a).length;
    const errors = report.issues.filter((i) => !i.warning).length;
    const warnings = report.issues.length - errors;
    const parts = [
      `Tệp ${report.file}: ${formatNumber(report.rows.length)} dòng dữ liệu — ${formatNumber(n("add"))} thêm mới, ` +
        `${formatNumber(n("unchanged"))} đã có, ${formatNumber(n("error"))} dòng có lỗi; ` +
        `${formatNumber(errors)} lỗi, ${formatNumber(warnings)} lưu ý.`,
    ];
    if (report.new_kinds.length) parts.push(`Loại đơn vị mới sẽ được tạo: ${report.new_kinds.join(", ")}.`);
    if (errors) parts.push("Có lỗi nên chưa ghi gì vào sổ; sửa tệp rồi kiểm tra lại.");
    else if (report.written) parts.push(`Đã nhập vào sổ ${REGISTER_LABEL[reg]}.`);
    else if (n("add") === 0) parts.push("Mọi dòng đã có trong sổ: nhập lại không thay đổi gì.");
    else parts.push(`Không có lỗi: bấm “Nhập vào sổ” để ghi ${formatNumber(n("add"))} dòng.`);
    summary.textContent = parts.join(" ");
    summary.classList.toggle("has-error", errors > 0);
  }

  async function run(dryRun: boolean): Promise<void> {
    if (running) return;
    clearErrors();
    clearStatus();
    const f = chosen;
    const reg = register.value;
    if (!f) {
      showError({ kind: "invalid", message: "Chọn tệp CSV hoặc XLSX cần nhập.", field: "file" }, undefined, choose);
      return;
    }
    if (!isRegister(reg)) return;
    if (!dryRun && (checked === null || checked.pick !== pick || checked.register !== reg)) {
      commit.disabled = true;
      return;
    }
    const what = `tệp ${f.name}`;
    setBusy(dryRun ? `Đang kiểm tra ${what}…` : `Đang nhập ${what}…`);
    try {
      // A large file says how far it is: rows checked, then rows written.
      let settled = false;
      const report = await importRegister(reg, dryRun, (step) => {
        if (settled || !running || step.total === 0) return;
        const doing = step.phase === "save" ? "Đang ghi" : "Đang kiểm tra";
        progressText.textContent = `${doing} ${what}: ${formatNumber(step.done)} / ${formatNumber(step.total)} dòng…`;
      });
      settled = true;
      setBusy(null);
      renderReport(report);
      const ok = !report.issues.some((i) => !i.warning);
      if (dryRun) {
        checked = ok ? { pick, register: reg } : null;
        commit.disabled = !ok || !report.rows.some((r) => r.action === "add");
        summary.focus();
      } else {
        invalidate();
        if (report.written) {
          const added = report.rows.filter((r) => r.action === "add").length;
          announce(`Đã nhập ${formatNumber(added)} ${REGISTER_LABEL[reg]} từ tệp ${report.file}.`);
          await reload(...(reg === "units" ? (["units", "kinds"] as const) : (["documents"] as const)));
        } else {
          summary.focus();
        }
      }
    } catch (e) {
      setBusy(null);
      invalidate();
      showError(toApiError(e), undefined, choose);
    }
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void run(true);
  });
  commit.addEventListener("click", () => void run(false));

  for (const button of document.querySelectorAll<HTMLButtonElement>("#screen-import button[data-register]")) {
    button.addEventListener("click", async () => {
      const reg = button.dataset.register ?? "";
      if (!isRegister(reg)) return;
      clearErrors();
      button.setAttribute("aria-busy", "true");
      try {
        const path = await saveRegister(reg, button.dataset.template === "true", button.dataset.xlsx === "true");
        if (path !== null) announce(`Đã lưu tệp ${path}.`);
      } catch (e) {
        showError(toApiError(e), undefined, button);
      } finally {
        button.removeAttribute("aria-busy");
      }
    });
  }

  return { key: "import", firstField: register };
}

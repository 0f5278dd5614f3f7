// Screen "Sao lưu": back up now (to a file chosen in a save dialog), the list of
// automatic backups (made at start, daily and before a data upgrade, in the
// "backups" folder beside the data file) with a restore for each behind a
// confirmation, and how many automatic backups are kept (administrator). After a
// restore the window reloads on the restored data, and says so.
import "../backup.css";

import { backupKeep, backupNow, listBackups, restoreBackup, setBackupKeep, toApiError } from "../api";
import type { BackupInfo } from "../bindings/BackupInfo";
import type { BackupReason } from "../bindings/BackupReason";
import type { Restored } from "../bindings/Restored";
import { byId, fill, h, numCell, tbodyOf } from "../dom";
import { announce, clearErrors, showError, type FieldResolver } from "../feedback";
import { formatNumber } from "../format";
import { guarded, type Screen } from "./screen";

export const REASON_LABEL: Record<BackupReason, string> = {
  start: "Khi mở ứng dụng",
  daily: "Hằng ngày",
  migrate: "Trước khi nâng cấp dữ liệu",
};

/** "28/11/2026 20:05:01", local time. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Bytes as "12.345 KB". */
export function formatSize(bytes: number): string {
  return `${formatNumber(Math.max(1, Math.round(bytes / 1024)))} KB`;
}

/** The message shown after the window reloads on restored data. */
const RESTORED_KEY = "giaonhan.restored";

/** Restores `b`, keeps a message for after the reload, and reloads the window on the restored data. */
export async function restoreAndReload(b: BackupInfo): Promise<Restored> {
  const done = await restoreBackup(b.file_name);
  const kept = done.replaced ? ` Dữ liệu trước đó được giữ tại ${done.replaced}.` : "";
  sessionStorage.setItem(RESTORED_KEY, `Đã khôi phục bản sao lưu lúc ${formatTime(b.taken_at)} (${b.file_name}).${kept}`);
  window.location.reload();
  return done;
}

/** Shows (once) the message of a restore that reloaded the window. */
export function announceRestored(): void {
  const message = sessionStorage.getItem(RESTORED_KEY);
  if (message) {
    sessionStorage.removeItem(RESTORED_KEY);
    announce(message);
  }
}

export function backupsScreen(): Screen {
  const section = byId("screen-backups", HTMLElement);
  const heading = h("h1", { id: "backups-heading", tabindex: "-1" }, "Sao lưu");
  const intro = h(
    "p",
    { class: "backups-intro" },
    "Sổ tự sao lưu khi mở ứng dụng và mỗi ngày một lần vào thư mục backups cạnh tệp dữ liệu, và giữ lại một số bản gần nhất; bản sao lưu trước khi nâng cấp dữ liệu luôn được giữ. Nên chép thêm bản sao lưu sang nơi khác (USB, máy khác).",
  );

  const now = h("button", { id: "backup-now", type: "button" }, "Sao lưu ngay");
  now.addEventListener("click", async () => {
    if (now.getAttribute("aria-busy")) return;
    now.setAttribute("aria-busy", "true");
    clearErrors();
    try {
      const path = await backupNow();
      if (path) announce(`Đã sao lưu vào ${path}.`);
    } catch (e) {
      showError(toApiError(e));
    } finally {
      now.removeAttribute("aria-busy");
    }
  });

  const table = h(
    "table",
    { id: "backups-table", class: "data-table" },
    h("caption", null, "Bản sao lưu tự động ", h("span", { class: "caption-count", id: "backups-count" })),
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        h("th", { scope: "col" }, "Thời điểm"),
        h("th", { scope: "col" }, "Lý do"),
        h("th", { scope: "col", class: "num" }, "Dung lượng"),
        h("th", { scope: "col" }, "Tệp"),
        h("th", { scope: "col", class: "col-action" }, h("span", { class: "visually-hidden" }, "Thao tác")),
      ),
    ),
    h("tbody"),
  );

  const keep = h("input", { id: "backup-keep", type: "number", min: "1", max: "1000", step: "1", inputmode: "numeric", class: "input-num", "aria-describedby": "backup-keep-hint" });
  const keepForm = h(
    "form",
    { id: "backup-keep-form", class: "entry-form", novalidate: true, "aria-labelledby": "backup-keep-heading" },
    h("h2", { id: "backup-keep-heading" }, "Số bản sao lưu tự động giữ lại"),
    h(
      "div",
      { class: "field" },
      h("label", { for: "backup-keep" }, "Giữ lại"),
      h("p", { class: "hint", id: "backup-keep-hint" }, "Từ 1 đến 1000 bản gần nhất (mặc định 10); bản cũ hơn được xoá khi sao lưu lần sau."),
      keep,
    ),
    h("div", { class: "actions" }, h("button", { id: "backup-keep-submit", type: "submit" }, "Lưu")),
  );
  const keepResolve: FieldResolver = (f) => (f === "backup_keep" ? keep : null);
  keepForm.addEventListener(
    "submit",
    guarded(keepForm, async () => {
      clearErrors();
      const n = Number(keep.value);
      try {
        await setBackupKeep(Number.isInteger(n) ? n : 0);
        announce(`Từ nay giữ lại ${n} bản sao lưu tự động gần nhất.`);
      } catch (e) {
        showError(toApiError(e), keepResolve);
      }
    }),
  );

  // ---- restore, behind a confirmation ---------------------------------------

  const what = h("p", { id: "restore-what" });
  const confirm = h("button", { id: "restore-confirm", type: "submit" }, "Khôi phục");
  const cancel = h("button", { id: "restore-cancel", type: "button", class: "secondary" }, "Huỷ");
  const dialogForm = h("form", { id: "restore-form", novalidate: true }, h("h2", { id: "restore-title" }, "Khôi phục bản sao lưu"), what, h("div", { class: "actions" }, confirm, cancel));
  const dialog = h("dialog", { id: "restore-dialog", class: "dialog", "aria-labelledby": "restore-title", "aria-describedby": "restore-what" }, dialogForm);
  document.body.append(dialog);
  let chosen: BackupInfo | null = null;
  cancel.addEventListener("click", () => dialog.close());
  dialogForm.addEventListener(
    "submit",
    guarded(dialogForm, async () => {
      if (!chosen) return;
      clearErrors();
      try {
        await restoreAndReload(chosen);
      } catch (e) {
        showError(toApiError(e));
      }
    }),
  );

  function ask(b: BackupInfo): void {
    chosen = b;
    what.textContent = `Thay toàn bộ dữ liệu hiện tại bằng bản sao lưu lúc ${formatTime(b.taken_at)} (${REASON_LABEL[b.reason]})? Những gì ghi sau thời điểm đó sẽ không còn trong sổ; dữ liệu hiện tại không bị xoá mà được chuyển sang thư mục replaced cạnh tệp dữ liệu. Sau khi khôi phục cần đăng nhập lại.`;
    clearErrors();
    dialog.showModal();
    cancel.focus();
  }

  function rowOf(b: BackupInfo): HTMLTableRowElement {
    const restore = h("button", { type: "button", class: "secondary restore", "data-file-name": b.file_name }, "Khôi phục");
    restore.addEventListener("click", () => ask(b));
    return h(
      "tr",
      { "data-file-name": b.file_name },
      h("th", { scope: "row" }, formatTime(b.taken_at)),
      h("td", null, REASON_LABEL[b.reason]),
      numCell(formatSize(b.size)),
      h("td", null, h("span", { class: "code" }, b.file_name)),
      h("td", { class: "col-action" }, restore),
    );
  }

  async function render(): Promise<void> {
    try {
      const backups = await listBackups();
      byId("backups-count", HTMLSpanElement).textContent = `(${backups.length})`;
      fill(
        tbodyOf(table),
        backups.length ? backups.map(rowOf) : [h("tr", { class: "empty" }, h("td", { colspan: 5 }, "Chưa có bản sao lưu tự động nào."))],
      );
      keep.value = String(await backupKeep());
    } catch (e) {
      showError(toApiError(e));
    }
  }

  section.replaceChildren(heading, intro, h("div", { class: "actions" }, now), h("div", { class: "table-wrap" }, table), keepForm);

  return {
    key: "backups",
    firstField: now,
    onShow: render,
  };
}

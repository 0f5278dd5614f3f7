// Screen "Sao lưu": back up now (to a file chosen in a save dialog), the list of
// automatic backups (made at start when the last good one is old enough, daily
// and before a data upgrade, in the "backups" folder beside the data file), each
// marked good, damaged or unchecked, with a restore for each behind a
// confirmation, and how they are kept (administrator). A failed or damaged
// automatic backup shows in a banner on every screen until dismissed, and on this
// screen; damage found in the register itself turns the window to the recovery
// screen. After a restore the window reloads on the restored data, and says so.
import "../backup.css";

import {
  backupNow,
  backupSettings,
  backupStatus,
  dismissBackupAlert,
  listBackups,
  restoreBackup,
  setBackupSettings,
  toApiError,
} from "../api";
import type { BackupAlert } from "../bindings/BackupAlert";
import type { BackupCheck } from "../bindings/BackupCheck";
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

export const CHECK_LABEL: Record<BackupCheck, string> = {
  good: "Tốt",
  damaged: "Hỏng",
  unchecked: "Chưa kiểm tra",
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

// ---- the banner of every screen ------------------------------------------------

/** How often the window asks whether an automatic backup failed. */
const WATCH_MS = 5000;

/** The alert shown last, for the "Sao lưu" screen. */
let currentAlert: BackupAlert | null = null;
const alertListeners: ((a: BackupAlert | null) => void)[] = [];

function alertSentence(a: BackupAlert): string {
  return `${formatTime(a.at)}: ${a.message}`;
}

/**
 * Watches the automatic backups: a failed or damaged one shows in the banner
 * on every screen until dismissed ("Xem màn hình Sao lưu" opens the screen);
 * damage found in the register itself reloads the window on the recovery screen.
 */
export function watchBackups(openBackups: () => void): void {
  const banner = byId("backup-alert", HTMLDivElement);
  const text = byId("backup-alert-text", HTMLParagraphElement);
  byId("backup-alert-open", HTMLButtonElement).addEventListener("click", openBackups);
  byId("backup-alert-dismiss", HTMLButtonElement).addEventListener("click", async () => {
    try {
      await dismissBackupAlert();
      show(null);
    } catch (e) {
      showError(toApiError(e));
    }
  });
  function show(a: BackupAlert | null): void {
    const changed = (a?.at ?? null) !== (currentAlert?.at ?? null);
    currentAlert = a;
    banner.hidden = !a;
    banner.classList.toggle("damaged", !!a?.damaged);
    text.textContent = a ? alertSentence(a) : "";
    if (changed) for (const l of alertListeners) l(a);
  }
  async function poll(): Promise<void> {
    try {
      const status = await backupStatus();
      if (status.recovering) {
        window.location.reload();
        return;
      }
      show(status.alert);
    } catch {
      // The next poll tries again; the banner keeps what it showed.
    }
  }
  void poll();
  window.setInterval(() => void poll(), WATCH_MS);
}

export function backupsScreen(): Screen {
  const section = byId("screen-backups", HTMLElement);
  const heading = h("h1", { id: "backups-heading", tabindex: "-1" }, "Sao lưu");
  const intro = h(
    "p",
    { class: "backups-intro" },
    "Sổ tự sao lưu vào thư mục backups cạnh tệp dữ liệu khi mở ứng dụng (nếu bản tốt mới nhất đã cũ) và mỗi ngày một lần, kiểm tra toàn vẹn từng bản (Tốt hoặc Hỏng) và giữ lại một số bản gần nhất; bản tốt mới nhất không bao giờ bị xoá. Nên chép thêm bản sao lưu sang nơi khác (USB, máy khác).",
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
        h("th", { scope: "col" }, "Kiểm tra"),
        h("th", { scope: "col", class: "num" }, "Dung lượng"),
        h("th", { scope: "col" }, "Tệp"),
        h("th", { scope: "col", class: "col-action" }, h("span", { class: "visually-hidden" }, "Thao tác")),
      ),
    ),
    h("tbody"),
  );

  const problem = h("div", { id: "backups-alert", class: "backups-alert", role: "alert", hidden: true });
  function showProblem(a: BackupAlert | null): void {
    problem.hidden = !a;
    problem.replaceChildren(...(a ? [h("p", null, alertSentence(a))] : []));
  }
  // The alert shown so far (the screen is put together when first opened).
  showProblem(currentAlert);
  alertListeners.push(showProblem);

  const numberInput = (id: string, min: string, max: string): HTMLInputElement =>
    h("input", { id, type: "number", min, max, step: "1", inputmode: "numeric", class: "input-num", "aria-describedby": `${id}-hint` });
  const keep = numberInput("backup-keep", "1", "1000");
  const keepMigrate = numberInput("backup-keep-migrate", "1", "1000");
  const interval = numberInput("backup-interval", "0", "8784");
  const field = (input: HTMLInputElement, label: string, hint: string): HTMLElement =>
    h("div", { class: "field" }, h("label", { for: input.id }, label), h("p", { class: "hint", id: `${input.id}-hint` }, hint), input);
  const keepForm = h(
    "form",
    { id: "backup-keep-form", class: "entry-form", novalidate: true, "aria-labelledby": "backup-keep-heading" },
    h("h2", { id: "backup-keep-heading" }, "Sao lưu tự động"),
    field(keep, "Số bản khi mở ứng dụng và hằng ngày giữ lại", "Từ 1 đến 1000 bản gần nhất (mặc định 10); bản cũ hơn được xoá khi sao lưu lần sau, trừ bản tốt mới nhất."),
    field(keepMigrate, "Số bản trước khi nâng cấp dữ liệu giữ lại", "Từ 1 đến 1000 bản gần nhất (mặc định 5)."),
    field(interval, "Khoảng cách giữa hai lần sao lưu tự động (giờ)", "Khi mở ứng dụng chỉ sao lưu nếu bản tốt mới nhất đã cũ hơn chừng ấy giờ (mặc định 24; 0: mỗi lần mở)."),
    h("div", { class: "actions" }, h("button", { id: "backup-keep-submit", type: "submit" }, "Lưu")),
  );
  const keepResolve: FieldResolver = (f) =>
    f === "backup_keep" ? keep : f === "backup_keep_migrate" ? keepMigrate : f === "backup_interval_hours" ? interval : null;
  const whole = (input: HTMLInputElement): number => {
    const n = Number(input.value);
    return input.value.trim() !== "" && Number.isInteger(n) ? n : -1;
  };
  keepForm.addEventListener(
    "submit",
    guarded(keepForm, async () => {
      clearErrors();
      const settings = { keep: whole(keep), keep_migrate: whole(keepMigrate), interval_hours: whole(interval) };
      try {
        await setBackupSettings(settings);
        announce(
          `Từ nay giữ lại ${settings.keep} bản sao lưu tự động và ${settings.keep_migrate} bản trước khi nâng cấp gần nhất; sao lưu tự động cách nhau ${settings.interval_hours} giờ.`,
        );
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
      h("td", { class: `check check-${b.check}` }, CHECK_LABEL[b.check]),
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
        backups.length ? backups.map(rowOf) : [h("tr", { class: "empty" }, h("td", { colspan: 6 }, "Chưa có bản sao lưu tự động nào."))],
      );
      showProblem(currentAlert);
      const settings = await backupSettings();
      keep.value = String(settings.keep);
      keepMigrate.value = String(settings.keep_migrate);
      interval.value = String(settings.interval_hours);
    } catch (e) {
      showError(toApiError(e));
    }
  }

  section.replaceChildren(heading, intro, problem, h("div", { class: "actions" }, now), h("div", { class: "table-wrap" }, table), keepForm);

  return {
    key: "backups",
    firstField: now,
    onShow: render,
  };
}

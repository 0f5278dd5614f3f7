// The recovery screen: when the data file could not be opened (damaged,
// truncated, from a newer version, not a database, a damaged page found by the
// background check) or is missing while backups of it exist, the window opens on
// this instead of the register (never on a new empty one). It says what is wrong
// and with which file (left exactly as it is), lists the automatic backups with
// their check, and offers "Khôi phục bản sao lưu tốt mới nhất"; restoring moves
// the bad file aside (never deletes it) and reloads the window on the restored
// data.
import { toApiError } from "../api";
import type { BackupInfo } from "../bindings/BackupInfo";
import type { Recovery } from "../bindings/Recovery";
import { byId, fill, h, numCell } from "../dom";
import { clearErrors, showError } from "../feedback";
import { CHECK_LABEL, REASON_LABEL, announceRestored, formatSize, formatTime, restoreAndReload } from "./backups";

/**
 * At start: shows the recovery screen and returns true when the data file could
 * not be opened; otherwise shows the message of a restore that just reloaded
 * the window, and returns false (the usual start goes on). `asked` is the
 * request for the recovery status, sent early by the caller.
 */
export async function startRecovery(asked: Promise<Recovery | null>): Promise<boolean> {
  let rec: Recovery | null;
  try {
    rec = await asked;
  } catch (e) {
    showError(toApiError(e));
    return false;
  }
  if (!rec) {
    announceRestored();
    return false;
  }
  render(rec);
  return true;
}

function render(rec: Recovery): void {
  for (const el of document.querySelectorAll<HTMLElement>(".app-nav, .screen, #demo-offer, #letterhead-offer, .app-footer .link, .shortcuts")) el.hidden = true;
  byId("db-info", HTMLParagraphElement).textContent = `Tệp dữ liệu: ${rec.db_path}`;

  let busy = false;
  async function restore(b: BackupInfo, button: HTMLButtonElement): Promise<void> {
    if (busy) return;
    busy = true;
    button.setAttribute("aria-busy", "true");
    clearErrors();
    try {
      await restoreAndReload(b);
    } catch (e) {
      showError(toApiError(e));
      busy = false;
      button.removeAttribute("aria-busy");
    }
  }

  // The newest copy not found damaged (a damaged one would be refused).
  const latest = rec.backups.find((b) => b.check !== "damaged");
  const offer: Node[] = [];
  if (latest) {
    const button = h("button", { id: "recovery-restore-latest", type: "button" }, "Khôi phục bản sao lưu tốt mới nhất");
    button.addEventListener("click", () => void restore(latest, button));
    const rows = rec.backups.map((b, i) => {
      const one = h("button", { type: "button", class: "secondary restore", "data-file-name": b.file_name }, "Khôi phục bản này");
      one.addEventListener("click", () => void restore(b, one));
      return h(
        "tr",
        { "data-file-name": b.file_name },
        h("th", { scope: "row" }, formatTime(b.taken_at), i === 0 ? " (mới nhất)" : ""),
        h("td", null, REASON_LABEL[b.reason]),
        h("td", { class: `check check-${b.check}` }, CHECK_LABEL[b.check]),
        numCell(formatSize(b.size)),
        h("td", null, h("span", { class: "code" }, b.file_name)),
        h("td", { class: "col-action" }, one),
      );
    });
    const tbody = h("tbody");
    fill(tbody, rows);
    offer.push(
      h("p", { id: "recovery-latest" }, `Bản sao lưu tự động tốt mới nhất: lúc ${formatTime(latest.taken_at)} (${REASON_LABEL[latest.reason]}, ${formatSize(latest.size)}). Những gì ghi sau thời điểm đó sẽ không có trong bản khôi phục.`),
      h("div", { class: "actions" }, button),
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { id: "recovery-backups", class: "data-table" },
          h("caption", null, `Các bản sao lưu tự động (${rec.backups.length})`),
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
          tbody,
        ),
      ),
    );
  } else {
    offer.push(
      h(
        "p",
        { id: "recovery-none" },
        "Không có bản sao lưu tự động tốt nào trong thư mục backups cạnh tệp dữ liệu. Nếu có bản sao lưu ở nơi khác, hãy khôi phục bằng lệnh giaonhan restore TỆP, hoặc mở tệp dữ liệu khác bằng tham số --db hay biến môi trường GIAONHAN_DB.",
      ),
    );
  }

  const section = h(
    "section",
    { id: "screen-recovery", class: "screen recovery", "aria-labelledby": "recovery-heading" },
    h("h1", { id: "recovery-heading", tabindex: "-1" }, rec.missing ? "Không tìm thấy tệp dữ liệu" : "Không mở được dữ liệu"),
    h("p", { id: "recovery-problem", class: "recovery-problem" }, rec.problem),
    h(
      "p",
      { id: "recovery-file" },
      rec.missing
        ? `Tệp dữ liệu: ${rec.db_path}. Tệp này không còn ở chỗ thường dùng; ứng dụng không tạo sổ mới trống thay cho nó. Khôi phục bản sao lưu tốt mới nhất? Bản sao lưu được chép vào chỗ đó, và việc khôi phục được ghi vào nhật ký.`
        : `Tệp dữ liệu: ${rec.db_path}. Tệp này được giữ nguyên. Khi khôi phục, nó được chuyển sang thư mục replaced cạnh đó (không bị xoá), và bản sao lưu được đặt vào chỗ của nó.`,
    ),
    ...offer,
  );
  byId("main", HTMLElement).append(section);
  (document.getElementById("recovery-restore-latest") ?? byId("recovery-heading", HTMLHeadingElement)).focus();
}

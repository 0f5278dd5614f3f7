// The upgrade screen: a register written by an older version of the app is
// upgraded once before it opens (its backup made first), which takes minutes
// for a province's ten years. Meanwhile the window says so, with the step and
// the time it has taken, instead of an empty window; the usual start goes on
// when it ends (or the recovery screen, when the upgrade could not be made).
import "../backup.css";

import { upgradeStatus } from "../api";
import type { UpgradeStep } from "../bindings/UpgradeStep";
import type { Upgrading } from "../bindings/Upgrading";
import { byId, h } from "../dom";

/** How often the window asks how far the upgrade is. */
const POLL_MS = 500;

const STEP_TEXT: Record<UpgradeStep, string> = {
  backup: "Bước 1/2: đang sao lưu sổ như hiện có vào thư mục backups cạnh tệp dữ liệu.",
  upgrade: "Bước 2/2: đang chuyển sổ sang cấu trúc mới rồi thu gọn tệp.",
};

/** " Đã chép 42 %." while the backup copies, then that the copy is being checked. */
function copiedText(now: Upgrading): string {
  if (now.step !== "backup" || now.backup_percent === null) return "";
  return now.backup_percent < 100 ? ` Đã chép ${now.backup_percent} %.` : " Đã chép xong, đang kiểm tra bản sao.";
}

/** "1 phút 05 giây", "8 giây". */
function elapsed(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m} phút ${String(s).padStart(2, "0")} giây` : `${s} giây`;
}

/**
 * At start: while the register is being upgraded, shows so and waits for the
 * upgrade to end, then returns true (the caller asks again whether the
 * register opened); returns false at once when there is no upgrade. `asked`
 * is the first request for the upgrade's status, sent early by the caller.
 */
export async function waitForUpgrade(asked: Promise<Upgrading | null>): Promise<boolean> {
  // A failed request: the usual start goes on and its requests say what is wrong.
  let now = await asked.catch(() => null);
  if (!now) return false;
  const hidden = [...document.querySelectorAll<HTMLElement>(".app-nav, .screen, .app-footer .link, .shortcuts")].filter((el) => !el.hidden);
  for (const el of hidden) el.hidden = true;
  const step = h("p", { id: "upgrade-step" });
  const time = h("p", { id: "upgrade-time" });
  const section = h(
    "section",
    { id: "screen-upgrade", class: "screen upgrade", "aria-labelledby": "upgrade-heading", "aria-busy": "true" },
    h("h1", { id: "upgrade-heading", tabindex: "-1" }, "Đang nâng cấp sổ…"),
    h(
      "p",
      { id: "upgrade-why" },
      `Sổ ${now.db_path} được ghi bằng phiên bản cũ hơn của ứng dụng (cấu trúc ${now.from_version}; phiên bản này dùng cấu trúc ${now.to_version}), nên được nâng cấp một lần trước khi mở. Sổ lớn có thể mất vài phút: xin đừng tắt ứng dụng. Nếu máy tắt giữa chừng, sổ vẫn nguyên như trước và được nâng cấp lại ở lần mở sau.`,
    ),
    h("progress", { id: "upgrade-progress", "aria-label": "Tiến độ nâng cấp sổ" }),
    h("div", { role: "status" }, step, time),
  );
  byId("main", HTMLElement).append(section);
  byId("upgrade-heading", HTMLHeadingElement).focus();
  const progress = byId("upgrade-progress", HTMLProgressElement);
  while (now) {
    step.textContent = STEP_TEXT[now.step] + copiedText(now);
    // How far the backup's copy is; the upgrade itself cannot say.
    if (now.step === "backup" && now.backup_percent !== null) {
      progress.max = 100;
      progress.value = now.backup_percent;
    } else {
      progress.removeAttribute("value");
    }
    time.textContent = `Đã chạy ${elapsed(now.seconds)}.`;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    now = await upgradeStatus().catch(() => null);
  }
  section.remove();
  for (const el of hidden) el.hidden = false;
  return true;
}

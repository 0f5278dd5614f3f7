// Screen "Trao đổi": the exchange of signed packets with the offices above and
// below ours. This office's identity (unit, fingerprint; the printed card to
// sign and stamp, and the card file another office imports), or, before it is
// made, a form to make it for a unit of the tree; the trusted offices with their
// last packets in and out and any gap ("thiếu gói số 2 từ …"); adding an office
// from its card file and the fingerprint typed from its paper card; "Gửi gói" to
// and "Nhận gói" from a folder chosen in the native dialog, or "Gửi lên kho" to and
// "Nhận từ kho" from the exchange hub (an S3-compatible bucket set in the form
// "Kho trao đổi S3"), with how far it is ("Áp dụng gói: 12 / 950") and "Dừng"
// while it runs, then what happened to each packet file (applied, waiting,
// refused with the reason). Below the offices, what each child office has
// reported (exchange/reports.ts).
// Unattended runs (GIAONHAN_OPEN_DIR set) name a file or folder inside that
// folder in #exchange-unattended instead of the dialogs.
import {
  addPeer,
  hubInfo,
  listPeers,
  saveSiteCard,
  saveSiteCardPdf,
  setHub,
  siteInit,
  siteStatus,
  syncReceive,
  syncReceiveHub,
  syncSend,
  syncSendHub,
  syncStop,
  toApiError,
} from "../api";
import type { HubInfo } from "../bindings/HubInfo";
import type { PeerInfo } from "../bindings/PeerInfo";
import type { Phase } from "../bindings/Phase";
import type { Received } from "../bindings/Received";
import type { Run } from "../bindings/Run";
import type { Sent } from "../bindings/Sent";
import type { SiteInfo } from "../bindings/SiteInfo";
import type { Step } from "../bindings/Step";
import { byId, fill, h, tbodyOf } from "../dom";
import { announce, clearErrors, showError, type FieldResolver } from "../feedback";
import { clean, formatNumber, optional } from "../format";
import { createPicker, type PickItem } from "../picker";
import { ensure, onChange, reload } from "../store";
import { unitPickItems } from "../unitpicks";
import { formatTime } from "./backups";
import { childReportsPart } from "./exchange/reports";
import { guarded, type Screen } from "./screen";

const RELATION_LABEL: Record<string, string> = { parent: "Cấp trên", child: "Trực thuộc" };

/** What a send or receive is doing, before "12 / 950". */
const PHASES: Record<Phase, string> = {
  prepare: "Chuẩn bị gói cho văn phòng",
  write: "Ghi gói",
  read: "Đọc và kiểm tra tệp",
  apply: "Áp dụng gói",
  print: "Dàn trang danh sách",
  check: "Kiểm tra dòng",
  save: "Ghi dòng",
};

/** One line of what a received packet file came to. */
export function receivedLine(r: Received): string {
  switch (r.outcome) {
    case "applied":
      return `${r.file}: đã áp dụng gói số ${r.seq} từ ${r.from} (${formatNumber(r.events)} sự kiện).`;
    case "already_applied":
      return `${r.file}: gói số ${r.seq} từ ${r.from} đã áp dụng trước đây, bỏ qua.`;
    case "waiting":
      return `${r.file}: gói số ${r.seq} từ ${r.from} chờ gói trước (${r.gap}).`;
    case "elsewhere":
      return `${r.file}: gửi cho văn phòng khác, để nguyên.`;
    case "refused":
      return `${r.file}: từ chối: ${r.reason}; không áp dụng gì từ tệp này.`;
  }
}

function sentLine(s: Sent): string {
  const again = s.again ? " (gửi lại: chưa được xác nhận đã nhận)" : "";
  return `${s.file}: gói số ${s.seq} cho ${s.to}, ${formatNumber(s.events)} sự kiện${again}.`;
}

function packetCell(seq: number, at: string | null): HTMLTableCellElement {
  return h("td", null, seq > 0 ? `Gói số ${seq}${at ? ` (${formatTime(at)})` : ""}` : "Chưa có");
}

export function exchangeScreen(): Screen {
  const section = byId("screen-exchange", HTMLElement);
  const heading = h("h1", { id: "exchange-heading", tabindex: "-1" }, "Trao đổi");
  const intro = h(
    "p",
    { class: "hint" },
    "Các văn phòng trao đổi gói có chữ ký qua USB, thư mục dùng chung hoặc tệp đính kèm: cấp trên gửi xuống các đợt cấp phát, đơn vị gửi lên các xác nhận.",
  );
  // Unattended runs only (GIAONHAN_OPEN_DIR set): a file or folder name inside it.
  const unattended = h("input", { id: "exchange-unattended", type: "hidden", value: "" });

  // ---- identity --------------------------------------------------------------

  const identity = h("div", { id: "exchange-identity" });
  const printCard = h("button", { id: "exchange-print-card", type: "button" }, "In thẻ định danh");
  const saveCard = h("button", { id: "exchange-save-card", type: "button", class: "secondary" }, "Lưu tệp thẻ");

  // The office's unit, found among a province's ten thousand by typing.
  let unitCache: PickItem[] | null = null;
  const unitPicker = createPicker({
    id: "site-unit",
    multiple: false,
    noun: "đơn vị",
    placeholder: "Gõ mã hoặc tên đơn vị",
    items: () => (unitCache ??= unitPickItems()),
    onChange: () => undefined,
  });
  unitPicker.input.setAttribute("aria-describedby", "site-unit-hint");
  const nameInput = h("input", { id: "site-name", type: "text", autocomplete: "off", "aria-describedby": "site-name-hint" });
  const initForm = h(
    "form",
    { id: "site-init-form", class: "entry-form", novalidate: true, "aria-labelledby": "site-init-heading", hidden: true },
    h("h2", { id: "site-init-heading" }, "Tạo danh tính trao đổi"),
    h("p", { class: "hint" }, "Sổ này chưa có danh tính trao đổi. Danh tính (mã cài đặt và cặp khoá) chỉ tạo một lần, cho đơn vị của văn phòng này."),
    h("div", { class: "field" }, h("label", { for: "site-unit" }, "Đơn vị của văn phòng"), h("p", { class: "hint", id: "site-unit-hint" }, "Gõ vài chữ của mã hoặc tên (không cần dấu) rồi chọn trong danh sách."), unitPicker.element),
    h("div", { class: "field" }, h("label", { for: "site-name" }, "Tên văn phòng (không bắt buộc)"), h("p", { class: "hint", id: "site-name-hint" }, "Để trống thì dùng tên đơn vị."), nameInput),
    h("div", { class: "actions" }, h("button", { id: "site-init-submit", type: "submit" }, "Tạo danh tính")),
  );
  const initResolve: FieldResolver = (f) => (f === "unit" ? unitPicker.input : f === "name" ? nameInput : null);

  // The units to choose from are loaded only while the office has no
  // identity yet: the form is hidden once it has one.
  onChange((changed) => {
    if (!changed.has("units")) return;
    unitCache = null;
    if (!initForm.hidden) unitPicker.refresh();
  }, byId("screen-exchange", HTMLElement));

  initForm.addEventListener(
    "submit",
    guarded(initForm, async () => {
      clearErrors();
      try {
        const site = await siteInit(unitPicker.values()[0] ?? "", optional(nameInput.value));
        announce(`Đã tạo danh tính trao đổi cho ${site.unit}. Dấu vân tay: ${site.fingerprint}.`);
        await render();
        printCard.focus();
      } catch (e) {
        showError(toApiError(e), initResolve);
      }
    }),
  );

  function showIdentity(site: SiteInfo | null): void {
    initForm.hidden = site !== null;
    identity.hidden = site === null;
    peersPart.hidden = site === null;
    if (!site) return;
    identity.replaceChildren(
      h("h2", null, "Văn phòng này"),
      h(
        "dl",
        { class: "exchange-site" },
        h("dt", null, "Đơn vị"),
        h("dd", { id: "exchange-site-unit" }, `${site.name} (${site.unit})`),
        h("dt", null, "Mã cài đặt"),
        h("dd", null, h("span", { class: "code" }, site.id)),
        h("dt", null, "Dấu vân tay"),
        h("dd", { id: "exchange-fingerprint", class: "code fingerprint" }, site.fingerprint),
      ),
      h("div", { class: "actions" }, printCard, saveCard),
    );
  }

  async function saving(button: HTMLButtonElement, save: () => Promise<string | null>, what: string): Promise<void> {
    if (button.getAttribute("aria-busy")) return;
    button.setAttribute("aria-busy", "true");
    clearErrors();
    try {
      const path = await save();
      if (path) announce(`Đã lưu ${what} vào ${path}.`);
    } catch (e) {
      showError(toApiError(e));
    } finally {
      button.removeAttribute("aria-busy");
    }
  }
  printCard.addEventListener("click", () => void saving(printCard, saveSiteCardPdf, "thẻ định danh (PDF)"));
  saveCard.addEventListener("click", () => void saving(saveCard, saveSiteCard, "tệp thẻ định danh"));

  // ---- peers -------------------------------------------------------------------

  const peersTable = h(
    "table",
    { id: "peers-table", class: "data-table" },
    h("caption", null, "Văn phòng tin cậy ", h("span", { class: "caption-count", id: "peers-count" })),
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        h("th", { scope: "col" }, "Đơn vị"),
        h("th", { scope: "col" }, "Tên"),
        h("th", { scope: "col" }, "Quan hệ"),
        h("th", { scope: "col" }, "Dấu vân tay"),
        h("th", { scope: "col" }, "Gói nhận gần nhất"),
        h("th", { scope: "col" }, "Gói gửi gần nhất"),
        h("th", { scope: "col" }, "Còn thiếu"),
      ),
    ),
    h("tbody"),
  );

  function peerRow(p: PeerInfo): HTMLTableRowElement {
    return h(
      "tr",
      { "data-unit": p.unit },
      h("th", { scope: "row" }, p.unit),
      h("td", null, p.name),
      h("td", null, RELATION_LABEL[p.relation] ?? p.relation),
      h("td", { class: "code" }, p.fingerprint),
      packetCell(p.last_in, p.last_in_at),
      packetCell(p.last_out, p.last_out_at),
      h("td", { class: p.gap ? "gap" : null }, p.gap ?? ""),
    );
  }

  const fingerprintInput = h("input", {
    id: "peer-fingerprint",
    type: "text",
    inputmode: "numeric",
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": "peer-fingerprint-hint",
  });
  const addForm = h(
    "form",
    { id: "peer-add-form", class: "entry-form", novalidate: true, "aria-labelledby": "peer-add-heading" },
    h("h2", { id: "peer-add-heading" }, "Thêm văn phòng tin cậy"),
    h(
      "div",
      { class: "field" },
      h("label", { for: "peer-fingerprint" }, "Dấu vân tay trên thẻ giấy"),
      h("p", { class: "hint", id: "peer-fingerprint-hint" }, "Gõ 30 chữ số in trên thẻ định danh có chữ ký và dấu của văn phòng kia (dấu cách không quan trọng), rồi chọn tệp thẻ của văn phòng đó."),
      fingerprintInput,
    ),
    h("div", { class: "actions" }, h("button", { id: "peer-add-submit", type: "submit" }, "Chọn tệp thẻ và thêm")),
  );
  const addResolve: FieldResolver = (f) => (f === "fingerprint" || f === "file" ? fingerprintInput : null);
  addForm.addEventListener(
    "submit",
    guarded(addForm, async () => {
      clearErrors();
      if (clean(fingerprintInput.value) === "") {
        showError({ kind: "invalid", message: "Dấu vân tay chưa được gõ: gõ 30 chữ số in trên thẻ giấy.", field: "fingerprint" }, addResolve);
        return;
      }
      try {
        const peer = await addPeer(unattended.value || null, fingerprintInput.value);
        if (!peer) return;
        fingerprintInput.value = "";
        announce(`Đã tin cậy văn phòng ${peer.unit} (${peer.name}, ${(RELATION_LABEL[peer.relation] ?? peer.relation).toLowerCase()}).`);
        await renderPeers();
      } catch (e) {
        showError(toApiError(e), addResolve);
      }
    }),
  );

  // ---- send and receive --------------------------------------------------------

  const send = h("button", { id: "exchange-send", type: "button" }, "Gửi gói");
  const receive = h("button", { id: "exchange-receive", type: "button" }, "Nhận gói");
  const results = h("ul", { id: "exchange-results", class: "exchange-results", "aria-live": "polite" });

  async function run(button: HTMLButtonElement, action: () => Promise<void>): Promise<void> {
    if (button.getAttribute("aria-busy")) return;
    button.setAttribute("aria-busy", "true");
    clearErrors();
    try {
      await action();
    } catch (e) {
      showError(toApiError(e));
    } finally {
      button.removeAttribute("aria-busy");
    }
  }

  // ---- how far a send or receive is, and "Dừng" --------------------------------

  const bar = h("progress", { id: "exchange-progress-bar", max: "1", value: "0" });
  const barText = h("span", { id: "exchange-progress-text" });
  const stop = h("button", { id: "exchange-stop", type: "button", class: "secondary" }, "Dừng");
  const progress = h("div", { id: "exchange-progress", class: "exchange-progress", role: "status", hidden: true }, bar, barText, stop);
  stop.addEventListener("click", () => {
    stop.disabled = true;
    barText.textContent = "Đang dừng sau gói hiện tại…";
    void syncStop().catch((e: unknown) => showError(toApiError(e)));
  });

  function onStep(step: Step): void {
    bar.max = Math.max(step.total, 1);
    bar.value = step.done;
    barText.textContent = `${PHASES[step.phase]}: ${formatNumber(step.done)} / ${formatNumber(step.total)}`;
  }

  /** Runs a send or receive with the progress line and "Dừng" shown; the line stays with the last step. */
  async function watched<T>(start: (onStep: (step: Step) => void) => Promise<T>): Promise<T> {
    progress.hidden = false;
    stop.hidden = false;
    stop.disabled = false;
    bar.removeAttribute("value");
    barText.textContent = "Đang bắt đầu…";
    try {
      return await start(onStep);
    } finally {
      stop.hidden = true;
    }
  }

  async function showSent(run: Run<Sent> | null): Promise<void> {
    if (!run) return;
    const sent = run.items;
    fill(results, sent.length ? sent.map((s) => h("li", { class: "sent" }, sentLine(s))) : [h("li", null, run.stopped ? "Chưa ghi gói nào." : "Không có gì mới để gửi.")]);
    if (run.stopped) announce(`Đã dừng: đã ghi ${sent.length} gói. Lần gửi sau sẽ ghi các gói còn lại.`);
    else announce(sent.length ? `Đã ghi ${sent.length} gói.` : "Không có gì mới để gửi.");
    await renderPeers();
  }

  async function showReceived(run: Run<Received> | null, none: string): Promise<void> {
    if (!run) return;
    const received = run.items;
    fill(
      results,
      received.length
        ? received.map((r) => h("li", { class: `received received-${r.outcome}`, "data-outcome": r.outcome }, receivedLine(r)))
        : [h("li", null, none)],
    );
    const applied = received.filter((r) => r.outcome === "applied").length;
    const refused = received.filter((r) => r.outcome === "refused").length;
    const waiting = received.filter((r) => r.outcome === "waiting").length;
    const done = `Đã áp dụng ${applied} gói, ${waiting} gói đang chờ, ${refused} gói bị từ chối.`;
    const message = run.stopped ? `Đã dừng: ${done} Các gói chưa đọc vẫn ở nguyên chỗ cũ; lần nhận sau sẽ áp dụng.` : done;
    if (refused > 0) showError({ kind: "invalid", message: `${message} Xem lý do từng tệp bên dưới.`, field: null });
    else announce(message);
    await Promise.all([renderPeers(), reload()]);
  }

  send.addEventListener("click", () => void run(send, async () => showSent(await watched((o) => syncSend(unattended.value || null, o)))));
  receive.addEventListener("click", () =>
    void run(receive, async () =>
      showReceived(await watched((o) => syncReceive(unattended.value || null, o)), "Thư mục này không có gói nào."),
    ),
  );

  // ---- the exchange hub (an S3-compatible bucket) --------------------------------

  const sendHub = h("button", { id: "exchange-send-hub", type: "button", hidden: true }, "Gửi lên kho");
  const receiveHub = h("button", { id: "exchange-receive-hub", type: "button", hidden: true }, "Nhận từ kho");
  const hubLine = h("p", { id: "exchange-hub-line", class: "hint" });
  sendHub.addEventListener("click", () => void run(sendHub, async () => showSent(await watched(syncSendHub))));
  receiveHub.addEventListener("click", () =>
    void run(receiveHub, async () => showReceived(await watched(syncReceiveHub), "Kho này chưa có gói nào.")),
  );

  const hubField = (id: string, label: string, hint: string, attrs: Record<string, string> = {}): [HTMLElement, HTMLInputElement] => {
    const input = h("input", { id, type: "text", autocomplete: "off", spellcheck: "false", "aria-describedby": `${id}-hint`, ...attrs });
    return [h("div", { class: "field" }, h("label", { for: id }, label), h("p", { class: "hint", id: `${id}-hint` }, hint), input), input];
  };
  const [urlField, urlInput] = hubField("hub-url", "Địa chỉ kho", "Dạng s3://TÊN-BUCKET/THƯ-MỤC, ví dụ s3://so-giao-nhan/ha-tinh. Để trống để bỏ kho.");
  const [endpointField, endpointInput] = hubField("hub-endpoint", "Máy chủ S3", "Ví dụ http://10.0.0.5:8333 (SeaweedFS, MinIO…). Để trống nếu dùng Amazon S3.");
  const [regionField, regionInput] = hubField("hub-region", "Vùng (không bắt buộc)", "Để trống thì dùng us-east-1.");
  const [keyField, keyInput] = hubField("hub-access-key-id", "Mã khoá truy cập", "Do nơi quản lý kho cấp (access key id).");
  const [secretField, secretInput] = hubField(
    "hub-secret",
    "Khoá bí mật (không bắt buộc)",
    "Để trống thì giữ khoá đã lưu. Tốt hơn cả là đặt biến môi trường AWS_SECRET_ACCESS_KEY trên máy này thay vì lưu trong sổ.",
    { type: "password", autocomplete: "new-password" },
  );
  const forgetSecret = h("input", { id: "hub-forget-secret", type: "checkbox" });
  const hubEnv = h("p", { id: "hub-env", class: "hint" });
  const hubForm = h(
    "form",
    { id: "hub-form", class: "entry-form", novalidate: true, "aria-labelledby": "hub-heading" },
    urlField,
    endpointField,
    regionField,
    keyField,
    secretField,
    h("div", { class: "field" }, h("label", null, forgetSecret, " Xoá khoá bí mật đã lưu trong sổ")),
    hubEnv,
    h("div", { class: "actions" }, h("button", { id: "hub-submit", type: "submit" }, "Lưu kho trao đổi")),
  );
  const hubPart = h(
    "details",
    { id: "exchange-hub" },
    h("summary", null, h("span", { id: "hub-heading" }, "Kho trao đổi S3")),
    h("p", { class: "hint" }, "Tỉnh có thể đặt một kho lưu trữ tương thích S3 (ví dụ SeaweedFS) để các văn phòng gửi và nhận gói qua mạng thay cho USB."),
    hubForm,
  );
  const hubFields: Record<string, HTMLInputElement> = {
    url: urlInput,
    endpoint: endpointInput,
    region: regionInput,
    access_key_id: keyInput,
    secret_access_key: secretInput,
  };
  const hubResolve: FieldResolver = (f) => hubFields[f] ?? null;

  function showHub(info: HubInfo): void {
    const s = info.settings;
    urlInput.value = s.url;
    endpointInput.value = s.endpoint;
    regionInput.value = s.region;
    keyInput.value = s.access_key_id;
    secretInput.value = "";
    forgetSecret.checked = false;
    forgetSecret.disabled = !info.secret_stored;
    const stored = info.secret_stored ? "Khoá bí mật đã lưu trong sổ." : "Sổ không lưu khoá bí mật.";
    const env = info.from_env.length ? ` Trên máy này các biến môi trường ${info.from_env.join(", ")} được dùng thay cho phần khai báo tương ứng.` : "";
    hubEnv.textContent = `${stored}${env}`;
    const set = s.url !== "";
    sendHub.hidden = !set;
    receiveHub.hidden = !set;
    hubLine.textContent = set ? `Kho trao đổi: ${s.url}${s.endpoint ? ` trên ${s.endpoint}` : ""}.` : "";
  }

  hubForm.addEventListener(
    "submit",
    guarded(hubForm, async () => {
      clearErrors();
      const secret = secretInput.value.trim();
      try {
        const info = await setHub({
          settings: {
            url: urlInput.value,
            endpoint: endpointInput.value,
            region: regionInput.value,
            access_key_id: keyInput.value,
          },
          secret_access_key: forgetSecret.checked ? "" : secret === "" ? undefined : secret,
        });
        showHub(info);
        announce(info.settings.url ? `Đã lưu kho trao đổi ${info.settings.url}.` : "Đã bỏ kho trao đổi.");
      } catch (e) {
        showError(toApiError(e), hubResolve);
      }
    }),
  );

  const reports = childReportsPart();
  const peersPart = h(
    "div",
    { id: "exchange-peers" },
    h("h2", null, "Gửi và nhận"),
    h("div", { class: "actions" }, send, receive, sendHub, receiveHub),
    hubLine,
    progress,
    results,
    h("div", { class: "table-wrap" }, peersTable),
    reports.element,
    addForm,
    hubPart,
  );

  async function renderPeers(): Promise<void> {
    const peers = await listPeers();
    byId("peers-count", HTMLSpanElement).textContent = `(${peers.length})`;
    fill(
      tbodyOf(peersTable),
      peers.length ? peers.map(peerRow) : [h("tr", { class: "empty" }, h("td", { colspan: 7 }, "Chưa tin cậy văn phòng nào."))],
    );
    await reports.render();
  }

  async function render(): Promise<void> {
    try {
      const site = await siteStatus();
      if (!site) await ensure("units");
      showIdentity(site);
      if (site) await Promise.all([renderPeers(), hubInfo().then(showHub)]);
    } catch (e) {
      showError(toApiError(e));
    }
  }

  section.replaceChildren(heading, intro, unattended, initForm, identity, peersPart);

  return {
    key: "exchange",
    firstField: heading,
    onShow: render,
  };
}

// Screen "Tài khoản": in a single-user register, creating the first administrator
// (which turns logins on); then, for the administrator, the list of accounts with
// what may be done to each (disable, enable, unlock after wrong tries, reset the
// password or PIN), and a form to add one (a secretary gets a unit and may get a
// PIN for confirming in person at the office). Passwords and PINs go to the core
// and are never shown.
import { addAccount, changeAccount, createFirstAdmin, listAccounts, toApiError } from "../api";
import type { AccountChange } from "../bindings/AccountChange";
import { ROLE_LABEL, currentRole, loginsOn, onAuthChange, signedIn, signedInAsFirstAdmin } from "../auth";
import type { Account } from "../bindings/Account";
import type { Role } from "../bindings/Role";
import { byId, fill, h, tbodyOf } from "../dom";
import { announce, clearErrors, showError, type FieldResolver } from "../feedback";
import { clean } from "../format";
import { data, ensure, onChange } from "../store";
import { suggestOnFocus } from "../suggest";
import { guarded, type Screen } from "./screen";

const ROLES: Role[] = ["admin", "clerk", "supervisor", "secretary"];

function field(id: string, label: string, input: HTMLElement, hint?: string): HTMLDivElement {
  if (hint) input.setAttribute("aria-describedby", `${id}-hint`);
  return h("div", { class: "field", id: `${id}-field` }, h("label", { for: id }, label), hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null, input);
}

export function accountsScreen(): Screen {
  const section = byId("screen-accounts", HTMLElement);
  const heading = h("h1", { id: "accounts-heading", tabindex: "-1" }, "Tài khoản");
  const body = h("div", { id: "accounts-body" });
  section.replaceChildren(heading, body);

  // ---- first administrator (single-user register) ---------------------------

  const adminUser = h("input", { id: "admin-username", type: "text", autocomplete: "username", spellcheck: "false", autocapitalize: "off" });
  const adminName = h("input", { id: "admin-name", type: "text", autocomplete: "name" });
  const adminPassword = h("input", { id: "admin-password", type: "password", autocomplete: "new-password" });
  const adminForm = h(
    "form",
    { id: "admin-form", class: "entry-form", novalidate: true, "aria-labelledby": "admin-form-heading" },
    h("h2", { id: "admin-form-heading" }, "Tạo tài khoản quản trị đầu tiên"),
    h("div", { class: "fields" }, field("admin-username", "Tên đăng nhập", adminUser), field("admin-name", "Họ và tên", adminName), field("admin-password", "Mật khẩu", adminPassword, "Ít nhất 8 ký tự.")),
    h("div", { class: "actions" }, h("button", { id: "admin-submit", type: "submit" }, "Tạo tài khoản quản trị")),
  );
  const intro = h(
    "div",
    { class: "accounts-intro" },
    h("p", null, "Sổ đang dùng một người, không cần đăng nhập."),
    h(
      "p",
      null,
      "Tạo tài khoản quản trị đầu tiên sẽ bật đăng nhập: từ đó mỗi người dùng tài khoản riêng (quản trị, văn thư, lãnh đạo ban, bí thư chi bộ), mỗi vai trò chỉ thấy những việc được phép làm, và ứng dụng tự khoá sau 15 phút không dùng.",
    ),
  );
  const adminFields: Record<string, HTMLElement> = { username: adminUser, display_name: adminName, password: adminPassword };
  const adminResolve: FieldResolver = (f) => adminFields[f] ?? null;

  adminForm.addEventListener(
    "submit",
    guarded(adminForm, async () => {
      clearErrors();
      try {
        const session = await createFirstAdmin({
          username: clean(adminUser.value),
          display_name: clean(adminName.value),
          role: "admin",
          unit: null,
          password: adminPassword.value,
          pin: null,
        });
        adminPassword.value = "";
        signedInAsFirstAdmin(session.account);
        announce(`Đã tạo tài khoản quản trị ${session.account.username}; từ nay cần đăng nhập để dùng sổ.`);
        await render();
      } catch (e) {
        adminPassword.value = "";
        showError(toApiError(e), adminResolve);
      }
    }),
  );

  // ---- list and add (administrator) -------------------------------------------

  const table = h(
    "table",
    { id: "accounts-table", class: "data-table" },
    h("caption", null, "Các tài khoản"),
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        h("th", { scope: "col" }, "Tên đăng nhập"),
        h("th", { scope: "col" }, "Họ và tên"),
        h("th", { scope: "col" }, "Vai trò"),
        h("th", { scope: "col" }, "Đơn vị"),
        h("th", { scope: "col" }, "Mã PIN"),
        h("th", { scope: "col" }, "Trạng thái"),
        h("th", { scope: "col", class: "col-action" }, "Thao tác"),
      ),
    ),
    h("tbody"),
  );

  // ---- reset a password or PIN (administrator) --------------------------------

  const resetUser = h("select", { id: "reset-username" });
  const resetPassword = h("input", { id: "reset-password", type: "password", autocomplete: "new-password" });
  const resetPin = h("input", { id: "reset-pin", type: "password", inputmode: "numeric", autocomplete: "new-password" });
  const resetForm = h(
    "form",
    { id: "reset-form", class: "entry-form", novalidate: true, "aria-labelledby": "reset-form-heading" },
    h("h2", { id: "reset-form-heading" }, "Đặt lại mật khẩu hoặc mã PIN"),
    h(
      "div",
      { class: "fields" },
      field("reset-username", "Tài khoản", resetUser),
      field("reset-password", "Mật khẩu mới", resetPassword, "Để trống nếu chỉ đặt lại mã PIN; ít nhất 8 ký tự. Đặt lại cũng mở khoá đăng nhập."),
      field("reset-pin", "Mã PIN mới", resetPin, "Để trống nếu chỉ đặt lại mật khẩu; 4 đến 8 chữ số."),
    ),
    h("div", { class: "actions" }, h("button", { id: "reset-submit", type: "submit" }, "Đặt lại")),
  );
  const resetFields: Record<string, HTMLElement> = { username: resetUser, password: resetPassword, pin: resetPin };
  const resetResolve: FieldResolver = (f) => resetFields[f] ?? null;

  resetForm.addEventListener(
    "submit",
    guarded(resetForm, async () => {
      clearErrors();
      const username = resetUser.value;
      try {
        const a = await changeAccount({
          kind: "reset",
          username,
          password: resetPassword.value || null,
          pin: resetPin.value.trim() || null,
        });
        const what = [resetPassword.value ? "mật khẩu" : "", resetPin.value.trim() ? "mã PIN" : ""].filter(Boolean).join(" và ");
        resetPassword.value = "";
        resetPin.value = "";
        await render();
        announce(`Đã đặt lại ${what} của tài khoản ${a.username}.`);
      } catch (e) {
        resetPassword.value = "";
        resetPin.value = "";
        showError(toApiError(e), resetResolve);
      }
    }),
  );

  /** Disables, enables or unlocks from a row's button, then says what changed. */
  async function act(change: AccountChange, done: string): Promise<void> {
    clearErrors();
    try {
      const a = await changeAccount(change);
      await render();
      announce(`${done} tài khoản ${a.username}.`);
      table.querySelector<HTMLElement>(`tr[data-username="${CSS.escape(a.username)}"] button`)?.focus();
    } catch (e) {
      showError(toApiError(e));
    }
  }

  const user = h("input", { id: "acct-username", type: "text", autocomplete: "off", spellcheck: "false", autocapitalize: "off" });
  const name = h("input", { id: "acct-name", type: "text", autocomplete: "off" });
  const role = h("select", { id: "acct-role" }, ...ROLES.map((r) => h("option", { value: r }, ROLE_LABEL[r])));
  role.value = "clerk";
  const unitList = h("datalist", { id: "acct-unit-list" });
  const unit = h("input", { id: "acct-unit", type: "text", autocomplete: "off", spellcheck: "false", list: "acct-unit-list" });
  const password = h("input", { id: "acct-password", type: "password", autocomplete: "new-password" });
  const pin = h("input", { id: "acct-pin", type: "password", inputmode: "numeric", autocomplete: "new-password" });
  const unitField = field("acct-unit", "Đơn vị (mã)", unit, "Chi bộ của bí thư; chỉ xác nhận được phiếu của đơn vị này.");
  const pinField = field("acct-pin", "Mã PIN (không bắt buộc)", pin, "4 đến 8 chữ số, để xác nhận trực tiếp tại văn phòng.");
  const acctForm = h(
    "form",
    { id: "acct-form", class: "entry-form", novalidate: true, "aria-labelledby": "acct-form-heading" },
    h("h2", { id: "acct-form-heading" }, "Thêm tài khoản"),
    h(
      "div",
      { class: "fields" },
      field("acct-username", "Tên đăng nhập", user),
      field("acct-name", "Họ và tên", name, "Tên dùng khi ký nhận."),
      field("acct-role", "Vai trò", role),
      unitField,
      field("acct-password", "Mật khẩu", password, "Ít nhất 8 ký tự."),
      pinField,
    ),
    unitList,
    h("div", { class: "actions" }, h("button", { id: "acct-submit", type: "submit" }, "Thêm tài khoản")),
  );
  const acctFields: Record<string, HTMLElement> = { username: user, display_name: name, role, unit, password, pin };
  const acctResolve: FieldResolver = (f) => acctFields[f] ?? null;

  function syncRole(): void {
    unitField.hidden = role.value !== "secretary";
  }
  role.addEventListener("change", syncRole);
  syncRole();

  // The unit suggestions (a province's ten thousand units): filled when the
  // unit box first takes the focus, not each time the screen is shown.
  const unitsChanged = suggestOnFocus(
    unitList,
    [unit],
    () => data.units.map((u) => h("option", { value: u.code }, u.name)),
    () => ensure("units"),
  );
  onChange((changed) => {
    if (changed.has("units")) unitsChanged();
  }, byId("screen-accounts", HTMLElement));

  acctForm.addEventListener(
    "submit",
    guarded(acctForm, async () => {
      clearErrors();
      const r = role.value as Role;
      try {
        const a = await addAccount({
          username: clean(user.value),
          display_name: clean(name.value),
          role: r,
          unit: r === "secretary" ? clean(unit.value) || null : null,
          password: password.value,
          pin: pin.value.trim() || null,
        });
        password.value = "";
        pin.value = "";
        user.value = "";
        name.value = "";
        unit.value = "";
        await render();
        announce(`Đã thêm tài khoản ${a.username} (${ROLE_LABEL[a.role]}).`);
        user.focus();
      } catch (e) {
        password.value = "";
        pin.value = "";
        showError(toApiError(e), acctResolve);
      }
    }),
  );

  function button(action: string, label: string, a: Account, onClick: () => void): HTMLButtonElement {
    const b = h("button", { type: "button", class: "secondary", "data-action": action, "aria-label": `${label} tài khoản ${a.username}` }, label);
    b.addEventListener("click", onClick);
    return b;
  }

  function rowOf(a: Account): HTMLTableRowElement {
    const me = signedIn()?.username === a.username;
    const username = a.username;
    const actions = [
      a.disabled
        ? button("enable", "Cho dùng lại", a, () => void act({ kind: "enable", username }, "Đã cho dùng lại"))
        : me
          ? null
          : button("disable", "Vô hiệu hoá", a, () => void act({ kind: "disable", username }, "Đã vô hiệu hoá")),
      a.locked ? button("unlock", "Mở khoá", a, () => void act({ kind: "unlock", username }, "Đã mở khoá")) : null,
      button("reset", "Đặt lại…", a, () => {
        resetUser.value = username;
        resetPassword.focus();
      }),
    ];
    const state = a.disabled ? "Đã vô hiệu hoá" : a.locked ? "Tạm khoá (nhập sai nhiều lần)" : "Đang dùng";
    return h(
      "tr",
      { "data-username": a.username, "data-state": a.disabled ? "disabled" : a.locked ? "locked" : "active" },
      h("th", { scope: "row" }, h("span", { class: "code" }, a.username)),
      h("td", null, a.display_name),
      h("td", null, ROLE_LABEL[a.role]),
      h("td", null, a.unit ?? ""),
      h("td", null, a.has_pin ? "Có" : "Không"),
      h("td", { class: "account-state" }, state),
      h("td", { class: "col-action" }, h("div", { class: "row-actions" }, ...actions)),
    );
  }

  async function render(): Promise<void> {
    if (!loginsOn()) {
      body.replaceChildren(intro, adminForm);
      return;
    }
    if (currentRole() !== "admin") {
      const me = signedIn();
      body.replaceChildren(
        h("p", null, me ? `Đang đăng nhập: ${me.display_name} (${ROLE_LABEL[me.role]}).` : ""),
        h("p", null, "Chỉ tài khoản quản trị mới xem và thêm tài khoản."),
      );
      return;
    }
    try {
      const accounts = await listAccounts();
      fill(tbodyOf(table), accounts.map(rowOf));
      const chosen = resetUser.value;
      fill(
        resetUser,
        accounts.map((a) => h("option", { value: a.username }, `${a.username} — ${a.display_name}`)),
      );
      if (accounts.some((a) => a.username === chosen)) resetUser.value = chosen;
    } catch (e) {
      showError(toApiError(e));
    }
    if (!body.contains(table)) body.replaceChildren(h("div", { class: "table-wrap" }, table), resetForm, acctForm);
  }

  onAuthChange(() => {
    if (!section.hidden) void render();
  });

  return {
    key: "accounts",
    get firstField(): HTMLElement {
      if (!loginsOn()) return adminUser;
      return currentRole() === "admin" ? user : heading;
    },
    onShow: render,
  };
}

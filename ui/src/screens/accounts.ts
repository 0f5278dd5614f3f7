// Screen "Tài khoản": in a single-user register, creating the first administrator
// (which turns logins on); then, for the administrator, the list of accounts and
// a form to add one (a secretary gets a unit and may get a PIN for confirming in
// person at the office). Passwords and PINs go to the core and are never shown.
import { addAccount, createFirstAdmin, listAccounts, toApiError } from "../api";
import { ROLE_LABEL, currentRole, loginsOn, onAuthChange, signedIn, signedInAsFirstAdmin } from "../auth";
import type { Account } from "../bindings/Account";
import type { Role } from "../bindings/Role";
import { byId, fill, h, tbodyOf } from "../dom";
import { announce, clearErrors, showError, type FieldResolver } from "../feedback";
import { clean } from "../format";
import { data, onChange } from "../store";
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
      ),
    ),
    h("tbody"),
  );

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

  function fillUnits(): void {
    fill(
      unitList,
      data.units.map((u) => h("option", { value: u.code }, u.name)),
    );
  }
  onChange(fillUnits);

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

  function rowOf(a: Account): HTMLTableRowElement {
    return h(
      "tr",
      { "data-username": a.username },
      h("th", { scope: "row" }, h("span", { class: "code" }, a.username)),
      h("td", null, a.display_name),
      h("td", null, ROLE_LABEL[a.role]),
      h("td", null, a.unit ?? ""),
      h("td", null, a.has_pin ? "Có" : "Không"),
      h("td", null, a.disabled ? "Đã khoá" : "Đang dùng"),
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
    fillUnits();
    try {
      fill(tbodyOf(table), (await listAccounts()).map(rowOf));
    } catch (e) {
      showError(toApiError(e));
    }
    body.replaceChildren(h("div", { class: "table-wrap" }, table), acctForm);
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

// Sign-in for a register with accounts: the login overlay shown before anything
// loads (and again when the session ends: the Rust side's idle lock, or 15
// minutes without keyboard/mouse activity here), the signed-in name and role in
// the header with "Đăng xuất", and `body[data-role]`, which auth.css uses to hide
// the actions the role may not take. A register without accounts is single-user:
// no login, `data-role="single"`, everything shown.
import "./auth.css";

import { authStatus, login, logout, setForbiddenHandler, toApiError, type ApiError } from "./api";
import type { Account } from "./bindings/Account";
import type { AuthStatus } from "./bindings/AuthStatus";
import type { Role } from "./bindings/Role";
import { h } from "./dom";
import { clearErrors, clearStatus } from "./feedback";

export const ROLE_LABEL: Record<Role, string> = {
  admin: "Quản trị",
  clerk: "Văn thư",
  supervisor: "Lãnh đạo ban",
  secretary: "Bí thư chi bộ",
};

/** The client-side idle lock, like the Rust side's. */
const IDLE_MS = 15 * 60 * 1000;
const IDLE_MESSAGE = "Ứng dụng đã tự khoá vì lâu không dùng; hãy đăng nhập lại.";

let accountsExist = false;
let account: Account | null = null;
let afterLogin: () => Promise<void> = async () => {};
let waiting: (() => void) | null = null;
const listeners: (() => void)[] = [];

/** The signed-in account (null when nobody is, or in a single-user register). */
export function signedIn(): Account | null {
  return account;
}

/** True once the register has accounts (logins are on). */
export function loginsOn(): boolean {
  return accountsExist;
}

/** The role in force: null in a single-user register (everything allowed). */
export function currentRole(): Role | null {
  return accountsExist ? (account?.role ?? null) : null;
}

/** Runs `listener` whenever the signed-in account changes. */
export function onAuthChange(listener: () => void): void {
  listeners.push(listener);
}

// ---- markup ----------------------------------------------------------------

const userName = h("input", { id: "login-username", type: "text", autocomplete: "username", spellcheck: "false", autocapitalize: "off" });
const password = h("input", { id: "login-password", type: "password", autocomplete: "current-password" });
const message = h("p", { id: "login-message", class: "login-message", role: "alert" });
const submit = h("button", { id: "login-submit", type: "submit" }, "Đăng nhập");
const form = h(
  "form",
  { id: "login-form", class: "entry-form login-box", novalidate: true, "aria-labelledby": "login-heading" },
  h("h1", { id: "login-heading" }, "Đăng nhập"),
  h("p", { class: "hint", id: "login-hint" }, "Sổ Giao Nhận có tài khoản: đăng nhập để dùng sổ."),
  message,
  h("div", { class: "field" }, h("label", { for: "login-username" }, "Tên đăng nhập"), userName),
  h("div", { class: "field" }, h("label", { for: "login-password" }, "Mật khẩu"), password),
  h("div", { class: "actions" }, submit),
);
const overlay = h("div", { id: "login-overlay", class: "login-overlay", role: "dialog", "aria-modal": "true", "aria-labelledby": "login-heading", hidden: true }, form);
document.body.append(overlay);

const who = h("p", { id: "session-user", class: "session-user" });
const logoutButton = h("button", { id: "logout", type: "button", class: "secondary" }, "Đăng xuất");
const sessionBox = h("div", { id: "session-box", class: "session-box", hidden: true }, who, logoutButton);
document.querySelector("header.app-header")?.append(sessionBox);

function setMessage(text: string, isError: boolean): void {
  message.textContent = text;
  message.classList.toggle("is-error", isError);
  for (const el of [userName, password]) {
    if (isError && text) el.setAttribute("aria-invalid", "true");
    else el.removeAttribute("aria-invalid");
  }
}

function render(): void {
  document.body.dataset.role = currentRole() ?? (accountsExist ? "none" : "single");
  sessionBox.hidden = !accountsExist || !account;
  who.textContent = account ? `${account.display_name} · ${ROLE_LABEL[account.role]}` : "";
  for (const l of listeners) l();
}

function setInert(on: boolean): void {
  for (const el of document.querySelectorAll<HTMLElement>("header.app-header, main")) el.inert = on;
}

/** Shows the login overlay (everything else inert) with an optional message. */
function showOverlay(text: string): void {
  for (const d of document.querySelectorAll<HTMLDialogElement>("dialog[open]")) d.close();
  // The previous user's messages are not the next one's business.
  clearStatus();
  if (!text) clearErrors();
  account = null;
  render();
  setMessage(text, text !== "");
  password.value = "";
  overlay.hidden = false;
  setInert(true);
  (userName.value ? password : userName).focus();
}

function hideOverlay(): void {
  overlay.hidden = true;
  setInert(false);
  setMessage("", false);
}

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  if (form.getAttribute("aria-busy") === "true") return;
  const name = userName.value.trim();
  if (!name || !password.value) {
    setMessage("Nhập tên đăng nhập và mật khẩu.", true);
    (name ? password : userName).focus();
    return;
  }
  form.setAttribute("aria-busy", "true");
  setMessage("", false);
  try {
    const session = await login(name, password.value);
    password.value = "";
    account = session.account;
    accountsExist = true;
    hideOverlay();
    render();
    lastActivity = Date.now();
    const done = waiting;
    waiting = null;
    if (done) done();
    else await afterLogin();
  } catch (err) {
    password.value = "";
    setMessage(toApiError(err).message, true);
    password.focus();
  } finally {
    form.removeAttribute("aria-busy");
  }
});

logoutButton.addEventListener("click", async () => {
  try {
    await logout();
  } catch {
    // Signed out on this side anyway.
  }
  userName.value = "";
  showOverlay("");
});

// ---- session end -------------------------------------------------------------

let checking = false;

/** A command was refused: if it is because the session ended, ask for a login again. */
async function onForbidden(err: ApiError): Promise<void> {
  if (!accountsExist || !overlay.hidden || checking) return;
  checking = true;
  try {
    const st = await authStatus();
    if (st.accounts_exist && !st.session) showOverlay(err.message);
  } catch {
    // Leave things as they are; the error is shown by whoever called.
  } finally {
    checking = false;
  }
}
setForbiddenHandler((err) => void onForbidden(err));

let lastActivity = Date.now();
for (const type of ["keydown", "mousedown", "mousemove", "wheel", "touchstart"]) {
  document.addEventListener(type, () => (lastActivity = Date.now()), { capture: true, passive: true });
}
window.setInterval(async () => {
  if (!accountsExist || !account || !overlay.hidden) return;
  if (Date.now() - lastActivity < IDLE_MS) return;
  try {
    await logout();
  } catch {
    // The overlay goes up anyway.
  }
  showOverlay(IDLE_MESSAGE);
}, 15_000);

// ---- start ---------------------------------------------------------------------

/**
 * Reads who is signed in (`asked`: the start-up asks early); with accounts
 * and nobody signed in, shows the login overlay and resolves only after a
 * login. `reloadAfterLogin` runs after every later login (idle lock,
 * sign-out) to reload the current screen.
 */
export async function startAuth(reloadAfterLogin: () => Promise<void>, asked: Promise<AuthStatus>): Promise<void> {
  afterLogin = reloadAfterLogin;
  const st = await asked;
  accountsExist = st.accounts_exist;
  account = st.session?.account ?? null;
  render();
  if (accountsExist && !account) {
    await new Promise<void>((resolve) => {
      waiting = resolve;
      showOverlay("");
    });
  }
}

/** After the first administrator was created (and signed in) from the Accounts screen. */
export function signedInAsFirstAdmin(a: Account): void {
  accountsExist = true;
  account = a;
  lastActivity = Date.now();
  render();
}

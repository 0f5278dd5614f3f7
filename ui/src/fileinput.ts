// File inputs in Vietnamese: the engine draws its own "Choose File / no file
// selected" in the system's language, so each `<input type="file">` is kept
// (focusable, still the control that opens the system dialog and holds the
// file) but hidden from sight behind a "Chọn tệp…" button (its label) and the
// chosen file's name.
import { h } from "./dom";

const NONE = "Chưa chọn tệp nào.";

/** Gives every file input under `root` the Vietnamese button and name line (once). */
export function enhanceFileInputs(root: ParentNode = document): void {
  for (const input of root.querySelectorAll<HTMLInputElement>('input[type="file"]:not([data-enhanced])')) {
    input.dataset.enhanced = "";
    if (!input.id) input.id = `file-${Math.random().toString(36).slice(2)}`;
    const name = h("span", { class: "file-name", id: `${input.id}-name`, "aria-live": "polite" }, NONE);
    const button = h("label", { for: input.id, class: "file-button" }, "Chọn tệp…");
    const wrap = h("div", { class: "file-pick" });
    input.replaceWith(wrap);
    input.classList.add("file-input");
    wrap.append(input, button, name);
    const describedBy = (input.getAttribute("aria-describedby") ?? "").split(/\s+/).filter(Boolean);
    input.setAttribute("aria-describedby", [...describedBy, name.id].join(" "));
    input.addEventListener("change", () => {
      const files = [...(input.files ?? [])];
      name.textContent = files.length ? files.map((f) => f.name).join(", ") : NONE;
      name.classList.toggle("chosen", files.length > 0);
    });
  }
}

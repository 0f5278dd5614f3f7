// A signature pad: a canvas the signer draws on at the office with a mouse, a pen
// or a finger. Optional; what is drawn is sent as a PNG data URL and stored with
// the receipt.

import { h } from "./dom";
import "./signature.css";

export interface SignaturePad {
  /** The field (label, canvas, clear button) to place in a form. */
  element: HTMLElement;
  clear(): void;
  /** The drawing as a PNG data URL, or null when nothing was drawn. */
  dataUrl(): string | null;
}

export function signaturePad(id: string): SignaturePad {
  const canvas = h("canvas", {
    id,
    width: 480,
    height: 140,
    class: "signature-pad",
    role: "img",
    "aria-label": "Khung ký tên: ký bằng chuột, bút hoặc ngón tay",
  });
  const clearButton = h("button", { type: "button", id: `${id}-clear`, class: "button-secondary" }, "Ký lại");
  const element = h(
    "div",
    { class: "field" },
    h("span", { class: "signature-label" }, "Chữ ký (không bắt buộc)"),
    canvas,
    h("div", null, clearButton),
  );
  const ctx = canvas.getContext("2d");
  let drawing = false;
  let drawn = false;

  function point(e: PointerEvent): [number, number] {
    const box = canvas.getBoundingClientRect();
    const sx = canvas.width / (box.width || canvas.width);
    const sy = canvas.height / (box.height || canvas.height);
    return [(e.clientX - box.left) * sx, (e.clientY - box.top) * sy];
  }

  canvas.addEventListener("pointerdown", (e) => {
    if (!ctx) return;
    drawing = true;
    canvas.setPointerCapture?.(e.pointerId);
    const [x, y] = point(e);
    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#0b0c0c";
    ctx.beginPath();
    ctx.moveTo(x, y);
    e.preventDefault();
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!drawing || !ctx) return;
    const [x, y] = point(e);
    ctx.lineTo(x, y);
    ctx.stroke();
    drawn = true;
  });
  const stop = (): void => {
    drawing = false;
  };
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);

  function clear(): void {
    ctx?.clearRect(0, 0, canvas.width, canvas.height);
    drawn = false;
  }
  clearButton.addEventListener("click", clear);

  return { element, clear, dataUrl: () => (drawn ? canvas.toDataURL("image/png") : null) };
}

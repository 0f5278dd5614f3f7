// The office's letterhead (tiêu đề văn bản): parent body, issuing body, place
// and signer's title, printed at the head of every list, slip and reminder.
// A new register has none, and the core refuses to print until it is given:
// the banner (#letterhead-offer) asks for it from the first start, and the
// footer's button opens the same form (#letterhead-dialog) to change it later.

import { getLetterhead, setLetterhead, toApiError } from "./api";
import type { Letterhead } from "./bindings/Letterhead";
import { byId } from "./dom";
import { announce, clearErrors, showError } from "./feedback";

/** The margins a new letterhead starts with (36-HD/VPTW; top, right, bottom, left). */
const STANDARD_MARGINS: [number, number, number, number] = [20, 15, 20, 30];

/**
 * Wires the banner, the footer button and the form. Returns `check`, which
 * shows the banner when the register has no letterhead (at start, and after
 * the sample data, which brings its own).
 */
export function letterheadForm(): { check: (asked?: Promise<Letterhead | null>) => Promise<void> } {
  const banner = byId("letterhead-offer", HTMLDivElement);
  const dialog = byId("letterhead-dialog", HTMLDialogElement);
  const form = byId("letterhead-form", HTMLFormElement);
  const fields = {
    parent_body: byId("letterhead-parent", HTMLInputElement),
    issuing_body: byId("letterhead-issuer", HTMLInputElement),
    place: byId("letterhead-place", HTMLInputElement),
    signer_title: byId("letterhead-signer", HTMLInputElement),
  };
  let stored: Letterhead | null = null;
  let opener: HTMLElement | null = null;

  async function check(asked: Promise<Letterhead | null> = getLetterhead()): Promise<void> {
    stored = await asked;
    banner.hidden = stored !== null;
  }

  async function open(from: HTMLElement): Promise<void> {
    try {
      stored = await getLetterhead();
    } catch (e) {
      showError(toApiError(e));
      return;
    }
    opener = from;
    fields.parent_body.value = stored?.parent_body ?? "";
    fields.issuing_body.value = stored?.issuing_body ?? "";
    fields.place.value = stored?.place ?? "";
    fields.signer_title.value = stored?.signer_title ?? "CHÁNH VĂN PHÒNG";
    clearErrors();
    dialog.showModal();
    fields.parent_body.focus();
  }

  byId("letterhead-open", HTMLButtonElement).addEventListener("click", (e) => void open(e.currentTarget as HTMLElement));
  byId("letterhead-edit", HTMLButtonElement).addEventListener("click", (e) => void open(e.currentTarget as HTMLElement));
  byId("letterhead-cancel", HTMLButtonElement).addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    clearErrors();
    // Back where the clerk was; the banner's button is gone once saved.
    if (opener && opener.getClientRects().length > 0) opener.focus();
  });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const letterhead: Letterhead = {
      parent_body: fields.parent_body.value,
      issuing_body: fields.issuing_body.value,
      place: fields.place.value,
      signer_title: fields.signer_title.value,
      margins_mm: stored?.margins_mm ?? STANDARD_MARGINS,
    };
    try {
      await setLetterhead(letterhead);
    } catch (err) {
      showError(toApiError(err), (field) => (field in fields ? fields[field as keyof typeof fields] : null));
      return;
    }
    dialog.close();
    await check();
    announce("Đã lưu tiêu đề văn bản của cơ quan.");
  });

  return { check };
}

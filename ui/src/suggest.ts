// Suggestions of a text box (a <datalist>) that can run to thousands of
// options, such as a province's ten thousand units: filled when one of its
// boxes first takes the focus, not each time its screen is shown.
import { toApiError } from "./api";
import { fill } from "./dom";
import { showError } from "./feedback";

/**
 * Fills `list` with `options()` when one of `inputs` first takes the focus,
 * after `load` (the lists the options come from). The function returned is
 * for after the options changed: it fills the list again at once while one
 * of its boxes has the focus, and otherwise empties it until the next focus.
 */
export function suggestOnFocus(
  list: HTMLDataListElement,
  inputs: HTMLInputElement[],
  options: () => HTMLOptionElement[],
  load: () => Promise<void> = () => Promise.resolve(),
): () => void {
  let filled = false;
  const fillNow = (): void => {
    fill(list, options());
    filled = true;
  };
  for (const input of inputs) {
    input.addEventListener("focus", () => {
      if (!filled) void load().then(fillNow, (e: unknown) => showError(toApiError(e)));
    });
  }
  return () => {
    if (inputs.some((input) => input === document.activeElement)) fillNow();
    else {
      list.replaceChildren();
      filled = false;
    }
  };
}

// Screen "Đơn vị", put together from its rooms in units/: the unit tree as it
// stood on a chosen day, with the flags of open and overdue receipts (a
// parent the sum over its subtree; a legend under the tree's label explains
// the badges) (tree.ts); search as you type (search.ts); the detail pane of
// the selected unit with its history, signers, receipts, edit and appoint
// forms (detail.ts); the dated reorganisation form (reorganise.ts); the form
// that adds a unit (add.ts); and the unit kinds, data the admin can add and
// rename (kinds.ts). Here: how they call each other, and what they redraw
// when the register changes.
import { toApiError } from "../api";
import { byId } from "../dom";
import { showError } from "../feedback";
import { onChange } from "../store";
import type { Screen } from "./screen";
import { addUnitForm } from "./units/add";
import { unitDetail } from "./units/detail";
import { unitKinds } from "./units/kinds";
import { reorganiseForm } from "./units/reorganise";
import { unitSearch } from "./units/search";
import { unitTree } from "./units/tree";

export function unitsScreen(): Screen {
  const tree = unitTree({
    open: (code, focusPanel) => detail.open(code, focusPanel),
    loaded: (units) => add.renderLists(units),
  });
  const detail = unitDetail(tree);
  reorganiseForm(tree, detail.shown);
  const search = unitSearch(tree);
  const add = addUnitForm(tree);
  const renderKinds = unitKinds();

  /** After a confirmation, a new batch or new tiers: the flags and the shown unit's receipts. */
  async function refreshFlags(): Promise<void> {
    await tree.loadFlags();
    await detail.refreshReceipts();
  }

  window.addEventListener("giaonhan:tiers-changed", () => void refreshFlags().catch((e) => showError(toApiError(e))));

  onChange((changed) => {
    if (changed.has("units")) void tree.reload().catch((e) => showError(toApiError(e)));
    else if (changed.has("batches")) void refreshFlags().catch((e) => showError(toApiError(e)));
    if (changed.has("kinds")) renderKinds();
  }, byId("screen-units", HTMLElement));

  return { key: "units", firstField: search, needs: ["units", "kinds"] };
}

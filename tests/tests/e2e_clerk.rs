//! End-to-end tests of a clerk's day from the keyboard at 1366×768, in the real
//! window (plumbing in `giaonhan_tests::e2e`): every screen opened with Alt+N
//! at its top with focus on its first field and no message left from the last
//! screen (a screenshot of each); a mistyped receipt code that keeps the box
//! for the next scan; the slips of a new batch shown in the print preview and
//! reprinted from the batch list, all or one unit's; the batch and committee
//! pickers among the 3,000 batches of the district demo; a window and forms
//! that fit a 1366×768 screen (the confirm dialog's button, the remembered
//! method and prefilled secretary, Ctrl+Enter, the recipient list as one tab
//! stop); and the words and small things (file buttons, a declined slip, a
//! unit's founding day, the batch form's errors, the tree's legend, receipt
//! codes, "Xuất Excel", input borders). Screenshots go to `target/e2e-artifacts/`.
#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};

use fantoccini::key::Key;
use fantoccini::Client;
use giaonhan_tests::cli::ok as cli;
use giaonhan_tests::e2e::*;
use giaonhan_tests::fixtures::{district_demo, supervised};
use giaonhan_tests::readers::pdf_text;
use serde_json::{json, Value};

/// The id of the focused element ("" when it has none).
async fn focused_id(c: &Client) -> String {
    let v = js(c, "return document.activeElement?.id ?? '';", vec![]).await;
    v.as_str().unwrap_or_default().to_owned()
}

/// The receipt codes of the open receipts of a batch, per unit, read from the file.
fn receipt_codes(db: &Path, batch: &str) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open the app's database");
    let mut stmt = conn
        .prepare(
            "SELECT u.code, r.code FROM receipt r JOIN unit u ON u.id = r.unit_id \
             JOIN batch b ON b.id = r.batch_id WHERE b.code = ?1 ORDER BY u.code",
        )
        .expect("prepare");
    stmt.query_map([batch], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|rows| rows.collect())
        .expect("read the receipt codes")
}

/// "WK451CS6" → "WK45-1CS6", as the slip prints it.
fn shown_code(code: &str) -> String {
    format!("{}-{}", &code[..4], &code[4..])
}

/// A code with one character replaced by another valid one: a typo.
fn mistype(code: &str) -> String {
    let mut chars: Vec<char> = code.chars().collect();
    chars[3] = if chars[3] == '7' { '8' } else { '7' };
    chars.into_iter().collect()
}

/// Waits until a file with extension `ext` whose name contains `part` appears in `dir`.
async fn saved_file(dir: &Path, part: &str, ext: &str) -> PathBuf {
    until(&format!("a .{ext} file named …{part}… in the save folder"), || async {
        std::fs::read_dir(dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| {
                p.extension().is_some_and(|x| x == ext)
                    && p.file_name().is_some_and(|n| n.to_string_lossy().contains(part))
                    && p.metadata().is_ok_and(|m| m.len() > 0)
            })
    })
    .await
}

/// Clicks "Dừng" from inside the page as soon as `when` (JavaScript over
/// `el`, the element `target`) holds after a change under `target`, once,
/// and keeps what the preview's bar said then in `window.__stopSeen`. Three
/// requests that wait for the register go just before it: the stop must
/// not wait behind them (the app's commands each hold a worker thread).
async fn stop_on(c: &Client, target: &str, when: &str) {
    let script = format!(
        "window.__stopSeen = null;
         const el = document.querySelector({target:?});
         const seen = new MutationObserver(() => {{
           if (!({when})) return;
           seen.disconnect();
           window.__stopSeen = document.querySelector('#print-count').textContent;
           // Requests that wait for the register the layout holds (the
           // window's lists) do not hold up the stop.
           for (let i = 0; i < 3; i++) window.__TAURI_INTERNALS__.invoke('app_status').catch(() => {{}});
           document.querySelector('#print-stop').click();
         }});
         seen.observe(el, {{ childList: true, subtree: true, characterData: true }});
         return true;"
    );
    js(c, &script, vec![]).await;
}

/// Clicks `button` and, from inside the page, "Dừng" the moment the
/// preview's first pages show: the bar said how far it was; it says it
/// stopped, the pages shown stay, and "In…" is off (they are not all).
async fn preview_stopped_at_first_pages(c: &Client, button: &str) {
    stop_on(c, "#print-pages", "el.querySelector('.print-page') !== null").await;
    click(c, button).await;
    let busy = until("the first pages", || async {
        let seen = js(c, "return window.__stopSeen ?? null;", vec![]).await;
        seen.as_str().map(str::to_owned)
    })
    .await;
    assert!(busy.starts_with("Đang dựng trang"), "{busy}");
    let said = until("the layout to stop", || async {
        let t = text(c, "#print-count").await;
        t.starts_with("Đã dừng").then_some(t)
    })
    .await;
    let shown = count(c, "#print-preview .print-page img").await;
    assert!(shown > 0 && said.contains(&format!("{shown} trang đầu")), "{said}");
    assert_eq!(
        js(c, "return document.querySelector('#print-now').disabled;", vec![]).await,
        json!(true),
        "a preview that was stopped does not print"
    );
}

/// "Lưu PDF" in the open preview, and "Dừng" the moment the bar says how far
/// the PDF is: nothing is written to `saves`, and the status says so.
async fn save_stopped(c: &Client, saves: &Path) {
    stop_on(c, "#print-count", "el.textContent.startsWith('Đang ghi PDF')").await;
    js(c, "document.querySelector('#print-save').click(); return true;", vec![]).await;
    let saving = until("the PDF's progress", || async {
        let seen = js(c, "return window.__stopSeen ?? null;", vec![]).await;
        seen.as_str().map(str::to_owned)
    })
    .await;
    assert!(saving.contains("dòng"), "{saving}");
    let said = until("the save to stop", || async {
        let t = text(c, "#status").await;
        (!t.is_empty()).then_some(t)
    })
    .await;
    assert_eq!(said, "Đã dừng: chưa lưu tệp PDF nào.");
    assert_eq!(std::fs::read_dir(saves).expect("save folder").count(), 0, "no file");
}

/// Rendered pages in the open print preview.
async fn preview_pages(c: &Client) -> usize {
    count(c, "#print-preview[open] .print-page img").await
}

async fn wait_preview_pages(c: &Client, n: usize) {
    until(&format!("{n} pages in the print preview"), || async {
        if let Some(err) = shown_error(c).await {
            panic!("the preview failed: {err}");
        }
        let busy = js(
            c,
            "return document.querySelector('#print-pages')?.getAttribute('aria-busy') === 'true';",
            vec![],
        )
        .await;
        (busy == json!(false) && preview_pages(c).await == n).then_some(())
    })
    .await;
}

/// Chooses `value` in a select and fires `change` (the preview's choices).
async fn choose(c: &Client, css: &str, value: &str) {
    select(c, css, value).await;
}

/// Top and bottom of an element's box, and the viewport's height.
async fn rect(c: &Client, css: &str) -> (f64, f64, f64) {
    let v = js(
        c,
        "const r = document.querySelector(arguments[0]).getBoundingClientRect(); \
         return [r.top, r.bottom, window.innerHeight];",
        vec![json!(css)],
    )
    .await;
    let n = |i: usize| v[i].as_f64().unwrap_or(f64::NAN);
    (n(0), n(1), n(2))
}

async fn outstanding_rows_shown(c: &Client) {
    until("the outstanding rows", || async {
        (count(c, "#outstanding-table tbody tr[data-unit]").await > 0).then_some(())
    })
    .await;
}

// ---- 5: Alt+N opens each screen at its top, focused, with no old message ----

#[test]
fn alt_n_opens_every_screen_at_its_top_on_its_first_field() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s = start_with(|db, _| supervised(db)).await;
        let c = &s.client;
        wait_visible(c, "#screen-outstanding").await;
        outstanding_rows_shown(c).await;

        // At 1366×768 the list a person came for starts above the fold.
        let (_, bottom, height) = rect(c, "#outstanding-table tbody tr[data-unit]").await;
        assert!(
            bottom <= height,
            "the first outstanding row is visible without scrolling ({bottom} of {height})"
        );

        // A message on the outstanding screen: a confirmation.
        click(c, "#outstanding-table tbody tr[data-unit] button.confirm").await;
        wait_dialog(c).await;
        let status = submit_dialog(c).await;
        assert!(status.starts_with("Đã xác nhận"), "{status}");

        // (screen, its first field)
        let screens = [
            ("units", "unit-search"),
            ("documents", "doc-symbol"),
            ("batch", "batch-code"),
            ("outstanding", "code-input"),
            ("import", ""),
            ("accounts", ""),
            ("dashboard", "dash-as-of"),
            ("backups", ""),
            ("exchange", ""),
            ("inbox", ""),
        ];
        for (n, (key, first)) in screens.iter().enumerate() {
            // Scroll the screen that is open to its bottom first.
            js(
                c,
                "window.scrollTo(0, document.documentElement.scrollHeight); return true;",
                vec![],
            )
            .await;
            // Alt+1 … Alt+9, then Alt+0 for the tenth.
            press(c, &format!("{}{}{}", Key::Alt, (n + 1) % 10, Key::Null)).await;
            wait_visible(c, &format!("#screen-{key}")).await;
            // A screen may draw its first field when it opens.
            until(&format!("focus on the screen {key}"), || async {
                let inside = js(
                    c,
                    "return !!document.activeElement?.closest(arguments[0]);",
                    vec![json!(format!("#screen-{key}"))],
                )
                .await;
                (inside == json!(true)).then_some(())
            })
            .await;
            let state = js(
                c,
                "const s = document.querySelector(arguments[0]); \
                 const h = s.querySelector('h1'); const r = h ? h.getBoundingClientRect() : null; \
                 return { y: window.scrollY, headingTop: r ? r.top : -1, \
                          inScreen: !!document.activeElement?.closest(arguments[0]), \
                          status: document.querySelector('#status').textContent, \
                          error: !document.querySelector('#error-summary').hidden };",
                vec![json!(format!("#screen-{key}"))],
            )
            .await;
            assert_eq!(state["y"], json!(0), "Alt+{} opens {key} at its top: {state}", n + 1);
            let top = state["headingTop"].as_f64().unwrap_or(-1.0);
            assert!((0.0..200.0).contains(&top), "{key}: its heading is in view: {state}");
            assert_eq!(state["inScreen"], json!(true), "{key}: focus is on the screen: {state}");
            assert_eq!(
                state["status"],
                json!(""),
                "{key}: no message from the last screen: {state}"
            );
            assert_eq!(state["error"], json!(false), "{key}: no error from the last screen");
            if !first.is_empty() {
                assert_eq!(focused_id(c).await, *first, "{key}: focus on its first field");
            }
            screenshot(c, &format!("screen-{}-{key}", n + 1)).await;
        }
        s.finish().await
    });
}

// ---- 3: a mistyped code keeps the box for the next scan ---------------------

#[test]
fn a_mistyped_receipt_code_keeps_the_box_for_the_next_scan() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s = start_with(|db, _| supervised(db)).await;
        let c = &s.client;
        wait_visible(c, "#screen-outstanding").await;
        assert_eq!(focused_id(c).await, "code-input", "the code box has focus at start");
        let codes = receipt_codes(&s.db, "Đợt 2/2025");
        let good = codes
            .iter()
            .find(|(u, _)| u == "HK-01")
            .map(|(_, c)| c.clone())
            .expect("HK-01's receipt of batch 2");
        let typo = mistype(&good);

        // Scanned: the code and Enter, as a scanner sends them.
        press(c, &format!("{typo}{}", Key::Enter)).await;
        wait_visible(c, "#code-form .field-error").await;
        let message = text(c, "#code-form .field-error").await;
        assert!(message.contains("kiểm tra"), "the message beside the box: {message}");
        assert!(message.contains(&typo), "…names the code: {message}");
        let state = js(
            c,
            "const e = document.activeElement; \
             return [e.id, e.selectionStart, e.selectionEnd, e.value.length, e.getAttribute('aria-invalid')];",
            vec![],
        )
        .await;
        assert_eq!(
            state,
            json!(["code-input", 0, typo.len(), typo.len(), "true"]),
            "the box keeps focus, its text selected and marked"
        );
        assert!(!dialog_open(c).await, "no dialog for a typo");
        screenshot(c, "code-typo-kept").await;

        // The next scan replaces the mistyped code and opens its slip.
        press(c, &format!("{good}{}", Key::Enter)).await;
        wait_dialog(c).await;
        let what = text(c, "#confirm-what").await;
        assert!(what.contains("Chi bộ thôn Đông Trung"), "the good code's unit: {what}");
        assert!(what.contains(&shown_code(&good)), "its code as printed: {what}");
        let value = js(c, "return document.querySelector('#code-input').value;", vec![]).await;
        assert_eq!(value, json!(good), "the scan replaced the typo");
        assert!(!visible(c, "#code-form .field-error").await, "the old message is gone");
        s.finish().await
    });
}

// ---- 4: slips in the preview after saving; reprint all or one -------------

#[test]
fn slips_open_in_the_preview_after_saving_and_reprint_from_the_batch_list() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let saves = tempfile::tempdir().expect("create the save folder");
    std::env::set_var("GIAONHAN_SAVE_DIR", saves.path());
    runtime().block_on(async {
        let s = start_with(|db, _| supervised(db)).await;
        let c = &s.client;
        wait_visible(c, "#screen-outstanding").await;
        open_screen(c, "batch").await;
        type_into(c, "#batch-code", "Đợt 3/2025").await;
        type_into(c, "#batch-title", "Tài liệu sinh hoạt chi bộ").await;
        type_into(c, ".doc-qty[data-symbol=\"05-KH/HU\"]", "1").await;
        click(c, ".unit-pick[data-code=\"HK\"]").await;
        let status = submit_until_status(c, "#batch-submit").await;
        assert!(status.contains("Đợt 3/2025"), "{status}");

        // At once: the slips as they print, one page per branch of HK.
        wait_preview_pages(c, 2).await;
        let title = text(c, "#print-title").await;
        assert!(title.contains("Đợt 3/2025"), "the preview names the batch: {title}");
        assert!(text(c, "#print-count").await.starts_with("2 trang A4"));
        screenshot(c, "slips-preview-after-save").await;
        // Two per page: one sheet.
        choose(c, "#print-choice-per-page", "2").await;
        wait_preview_pages(c, 1).await;
        choose(c, "#print-choice-per-page", "1").await;
        wait_preview_pages(c, 2).await;
        // One unit's slip.
        let units = js(
            c,
            "return [...document.querySelectorAll('#print-choice-unit option')].map(o => o.value);",
            vec![],
        )
        .await;
        assert_eq!(units, json!(["", "HK-02", "HK-01"]), "every unit, then each unit");
        choose(c, "#print-choice-unit", "HK-01").await;
        wait_preview_pages(c, 1).await;
        click(c, "#print-save").await;
        let one = saved_file(saves.path(), "dot-3-2025-hk-01", "pdf").await;
        let printed = pdf_text(&one);
        assert!(printed.contains("Chi bộ thôn Đông Trung"), "HK-01's slip:\n{printed}");
        assert!(
            !printed.contains("Chi bộ thôn Ấp Thượng"),
            "only HK-01's slip:\n{printed}"
        );
        let code = receipt_codes(&s.db, "Đợt 3/2025")
            .into_iter()
            .find(|(u, _)| u == "HK-01")
            .map(|(_, c)| c)
            .expect("HK-01's receipt");
        assert!(printed.contains(&shown_code(&code)), "the receipt code as on screen");
        click(c, "#print-close").await;
        until("the preview to close", || async {
            (!visible(c, "#print-preview").await).then_some(())
        })
        .await;
        assert_eq!(focused_id(c).await, "batch-code", "ready for the next batch");

        // Reprint from the batch list: an older batch, found by typing.
        type_into(c, "#batch-list-search", "hoc tap nghi quyet").await;
        let row = "#batch-list tbody tr[data-batch=\"Đợt 1/2025\"]";
        until("only the matching batch in the list", || async {
            (count(c, "#batch-list tbody tr[data-batch]").await == 1 && count(c, row).await == 1).then_some(())
        })
        .await;
        click(c, &format!("{row} button.reprint")).await;
        wait_preview_pages(c, 4).await;
        screenshot(c, "slips-reprint").await;
        click(c, "#print-save").await;
        let all = saved_file(saves.path(), "phieu-giao-nhan-dot-1-2025.", "pdf").await;
        let printed = pdf_text(&all);
        for name in [
            "Chi bộ thôn Đông Trung",
            "Chi bộ thôn Ấp Thượng",
            "Chi bộ thôn Bắc Sơn",
            "Chi bộ Trường Tiểu học Ấp Tân",
        ] {
            assert!(printed.contains(name), "{name} in the reprint:\n{printed}");
        }
        click(c, "#print-close").await;
        s.finish().await
    });
}

// ---- 6: searchable pickers among 3,000 batches -------------------------------

#[test]
fn batch_and_committee_pickers_find_by_typing_among_3000_batches() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s = start_with(|db, _| district_demo(db)).await;
        let c = &s.client;
        wait_visible(c, "#screen-outstanding").await;
        outstanding_rows_shown(c).await;

        // The whole district's open receipts: the totals count all of them,
        // the table draws the first 100, then 100 more on "Hiện thêm" and as
        // the end of what is drawn scrolls into view.
        let all: Value =
            serde_json::from_str(&cli(&s.db, &["outstanding", "--format", "json"])).expect("outstanding JSON");
        let all = all.as_array().expect("rows").len();
        assert!(all > 600, "the district demo has many open receipts: {all}");
        let drawn = || count(c, "#outstanding-table tbody tr[data-unit]");
        // The first rows paint at once, the rest of the first 100 right after.
        until("the first view's 100 rows", || async { (drawn().await == 100).then_some(()) }).await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(drawn().await, 100, "the first view draws 100 rows, no more");
        let total = format!("({} lượt nhận)", giaonhan::text::thousands(all as i64));
        let line = text(c, "#out-count").await;
        assert!(line.contains(&total), "the totals count every row: {line}");
        let more = text(c, "#out-more-rows").await;
        assert!(more.ends_with(&format!("100 / {})", giaonhan::text::thousands(all as i64))), "{more}");
        // The button's own click, without scrolling to it first: the scroll
        // alone draws the next rows (below), and a WebDriver click that has
        // to scroll can land where the replaced button was.
        js(c, "document.querySelector('#out-more-rows').click();", vec![]).await;
        until("100 more rows", || async { (drawn().await == 200).then_some(()) }).await;
        assert_eq!(
            js(c, "return document.activeElement.closest('tr')?.rowIndex ?? -1;", vec![]).await,
            js(
                c,
                "return document.querySelectorAll('#outstanding-table tbody tr[data-unit]')[100].rowIndex;",
                vec![]
            )
            .await,
            "focus on the first row drawn"
        );
        js(c, "document.querySelector('#out-more-rows').scrollIntoView();", vec![]).await;
        until("the next rows when scrolled to", || async { (drawn().await >= 300).then_some(()) }).await;
        // Reached from the keyboard, the button scrolls into view and the
        // rows draw by themselves: the focus goes on to the first row drawn,
        // not back to the top of the page.
        let drawn_before = drawn().await;
        js(c, "document.querySelector('#out-more-rows').focus();", vec![]).await;
        until("the rows drawn as the focused button came into view", || async {
            (drawn().await >= (drawn_before + 100).min(all)).then_some(())
        })
        .await;
        until("the focus on the first of them", || async {
            js(
                c,
                "return document.activeElement.closest('tr') === document.querySelectorAll('#outstanding-table tbody tr[data-unit]')[arguments[0]];",
                vec![json!(drawn_before)],
            )
            .await
            .as_bool()
            .filter(|&on| on)
        })
        .await;

        // A batch two thousand down the list, and a committee with branches,
        // chosen by a few letters without diacritics.
        let batches: Value = serde_json::from_str(&cli(&s.db, &["batch", "list"])).expect("batch list JSON");
        let batches = batches.as_array().expect("batches");
        assert!(batches.len() >= 3000, "the district demo: {} batches", batches.len());
        let batch = batches
            .iter()
            .skip(2000)
            .find(|b| b["open"].as_u64().is_some_and(|n| n > 0))
            .expect("an older batch still open");
        let code = batch["code"].as_str().expect("code");
        // "Đợt 1234/2021" typed as "dot 1234/2021".
        let typed = code.replace('Đ', "D").replace('ợ', "o");
        assert_ne!(typed, code, "typed without diacritics");

        let combobox = js(
            c,
            "const i = document.querySelector('#out-batch'); \
             return [i.getAttribute('role'), i.getAttribute('aria-expanded'), i.getAttribute('aria-controls')];",
            vec![],
        )
        .await;
        assert_eq!(combobox, json!(["combobox", "false", "out-batch-list"]));
        click(c, "#out-batch").await;
        press(c, &typed.to_lowercase()).await;
        let option = format!("#out-batch-list [role=option][data-value=\"{code}\"]");
        wait_visible(c, &option).await;
        assert_eq!(
            js(c, "return document.querySelector('#out-batch').getAttribute('aria-expanded');", vec![]).await,
            json!("true")
        );
        let label = text(c, &format!("{option} .opt-label")).await;
        let open = batch["open"].as_u64().expect("open");
        let must = batch["must_confirm"].as_u64().expect("must_confirm");
        assert!(
            label.ends_with(&format!("— {open}/{must} chưa xác nhận")),
            "the option's count: {label}"
        );
        screenshot(c, "picker-batch-typed").await;
        press(c, &Key::Enter.to_string()).await;
        wait_visible(c, &format!("#out-batch-chips .chip[data-value=\"{code}\"]")).await;
        until("the list of that batch only", || async {
            let all = count(c, "#outstanding-table tbody tr[data-unit]").await;
            let mine = count(c, &format!("#outstanding-table tbody tr[data-batch=\"{code}\"]")).await;
            (all > 0 && all == mine && all as u64 == open).then_some(())
        })
        .await;

        // The committee: one with open receipts in that batch, by its name.
        let rows: Value =
            serde_json::from_str(&cli(&s.db, &["outstanding", "--format", "json", "--batch", code]))
                .expect("outstanding JSON");
        let group = rows[0]["group_code"].as_str().expect("a committee").to_owned();
        let group_name = rows[0]["group_name"].as_str().expect("its name").to_owned();
        let in_group = rows
            .as_array()
            .expect("rows")
            .iter()
            .filter(|r| r["group_code"] == json!(group))
            .count();
        let folded: String = group_name
            .chars()
            .map(|ch| match ch {
                'Đ' => 'D',
                'đ' => 'd',
                _ => ch,
            })
            .collect();
        // A few words of the name, lower case, diacritics dropped by the app.
        let words: Vec<&str> = folded.split_whitespace().collect();
        let typed_name = words[words.len().saturating_sub(2)..].join(" ").to_lowercase();
        click(c, "#out-subtree").await;
        press(c, &typed_name).await;
        let unit_option = format!("#out-subtree-list [role=option][data-value=\"{group}\"]");
        wait_visible(c, &unit_option).await;
        // ↓ to it when it is not the first match, then Enter.
        let index = js(
            c,
            "return [...document.querySelectorAll('#out-subtree-list [role=option]')].findIndex(o => o.dataset.value === arguments[0]);",
            vec![json!(group)],
        )
        .await
        .as_u64()
        .expect("the committee among the matches");
        for _ in 0..index {
            press(c, &Key::Down.to_string()).await;
        }
        press(c, &Key::Enter.to_string()).await;
        wait_visible(c, &format!("#out-subtree-chips .chip[data-value=\"{group}\"]")).await;
        until("that committee's rows of the batch", || async {
            (count(c, "#outstanding-table tbody tr[data-unit]").await == in_group).then_some(())
        })
        .await;
        let (_, bottom, height) = rect(c, "#outstanding-table tbody tr[data-unit]").await;
        assert!(bottom <= height, "the first row above the fold ({bottom} of {height})");
        screenshot(c, "outstanding-pickers-chosen").await;

        // Backspace in the empty box removes the last chip; × removes a chip.
        press(c, &Key::Backspace.to_string()).await;
        until("the committee chip to go", || async {
            (count(c, "#out-subtree-chips .chip").await == 0).then_some(())
        })
        .await;
        until("the whole batch again", || async {
            (count(c, "#outstanding-table tbody tr[data-unit]").await as u64 == open).then_some(())
        })
        .await;
        // Esc closes an open list without choosing.
        click(c, "#out-batch").await;
        press(c, "2019").await;
        wait_visible(c, "#out-batch-list").await;
        press(c, &Key::Escape.to_string()).await;
        until("the list to close", || async {
            (!visible(c, "#out-batch-list").await).then_some(())
        })
        .await;
        assert_eq!(count(c, "#out-batch-chips .chip").await, 1, "Esc chose nothing");
        click(c, &format!("#out-batch-chips .chip[data-value=\"{code}\"] .chip-remove")).await;
        until("no batch chosen", || async {
            (count(c, "#out-batch-chips .chip").await == 0).then_some(())
        })
        .await;
        s.finish().await
    });
}

// ---- 7: a window and forms that fit --------------------------------------------

#[test]
fn the_window_and_its_forms_fit_a_1366x768_screen() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s = start_on_screen(1366, 768, |db, _| supervised(db)).await;
        let c = &s.client;
        wait_visible(c, "#screen-outstanding").await;
        outstanding_rows_shown(c).await;

        // The default window is sized to the screen, not 1200×800.
        let (_, _, w, h) = c.get_window_rect().await.expect("the window's rectangle");
        assert!(w <= 1366 && h <= 768, "the window fits the screen: {w}×{h}");
        let (iw, ih) = inner_size(c).await;
        assert!(iw >= 1300 && ih >= 700, "…and fills it: {iw}×{ih}");

        // The confirm dialog: its button in view, the secretary prefilled.
        let row = "#outstanding-table tr[data-batch=\"Đợt 2/2025\"][data-unit=\"HK-01\"]";
        click(c, &format!("{row} button.confirm")).await;
        wait_dialog(c).await;
        let (top, bottom, height) = rect(c, "#confirm-submit").await;
        assert!(
            top >= 0.0 && bottom <= height,
            "“Xác nhận” in view without scrolling: {top}..{bottom} of {height}"
        );
        let scrolled = js(
            c,
            "return document.querySelector('#confirm-dialog').scrollTop + document.querySelector('.confirm-body').scrollTop;",
            vec![],
        )
        .await;
        assert_eq!(scrolled, json!(0), "nothing scrolled to get there");
        let signer = js(
            c,
            "const e = document.querySelector('#confirm-by'); return [e.value, document.activeElement === e, e.selectionEnd - e.selectionStart];",
            vec![],
        )
        .await;
        assert_eq!(
            signer,
            json!(["Nguyễn Thị Hoa", true, "Nguyễn Thị Hoa".chars().count()]),
            "the recorded secretary, selected, editable"
        );
        screenshot(c, "confirm-dialog-1366x768").await;
        select(c, "#confirm-mode", "remote").await;
        submit_dialog(c).await;

        // The next dialog remembers "remotely".
        let row2 = "#outstanding-table tr[data-batch=\"Đợt 2/2025\"][data-unit=\"AT-01\"]";
        click(c, &format!("{row2} button.confirm")).await;
        wait_dialog(c).await;
        let mode = js(c, "return document.querySelector('#confirm-mode').value;", vec![]).await;
        assert_eq!(mode, json!("remote"), "the last method used");
        assert_eq!(
            js(c, "return document.querySelector('#confirm-by').value;", vec![]).await,
            json!("Phạm Thị Ngọc Ánh")
        );
        click(c, "#confirm-cancel").await;
        until("the dialog to close", || async {
            (!dialog_open(c).await).then_some(())
        })
        .await;

        // The batch form: the recipient tree is one tab stop, arrows inside.
        open_screen(c, "batch").await;
        type_into(c, "#batch-code", "Đợt 4/2025").await;
        type_into(c, "#batch-title", "Gửi kế hoạch").await;
        type_into(c, ".doc-qty[data-symbol=\"05-KH/HU\"]", "1").await;
        let boxes = js(
            c,
            "return [...document.querySelectorAll('#batch-unit-tree .unit-pick')].map(b => [b.dataset.code, b.tabIndex]);",
            vec![],
        )
        .await;
        let stops: Vec<&Value> = boxes
            .as_array()
            .expect("boxes")
            .iter()
            .filter(|b| b[1] == json!(0))
            .collect();
        assert_eq!(stops.len(), 1, "one tab stop in the tree: {boxes}");
        // Into the tree with Tab from the unit filter, then ↓ to HK and Space.
        click(c, "#batch-unit-filter").await;
        press(c, &Key::Tab.to_string()).await;
        let first = js(c, "return document.activeElement.dataset.code ?? null;", vec![]).await;
        assert_eq!(first, boxes[0][0], "Tab enters the tree at its first unit");
        press(c, &Key::Down.to_string()).await;
        assert_eq!(
            js(c, "return document.activeElement.dataset.code ?? null;", vec![]).await,
            boxes[1][0],
            "↓ moves inside the tree"
        );
        // HT's first child in Vietnamese order is AT; HK follows AT's branches.
        let hk = boxes
            .as_array()
            .and_then(|a| a.iter().position(|b| b[0] == json!("HK")))
            .expect("HK in the tree");
        for _ in 1..hk {
            press(c, &Key::Down.to_string()).await;
        }
        assert_eq!(
            js(c, "return document.activeElement.dataset.code ?? null;", vec![]).await,
            json!("HK")
        );
        press(c, " ").await;
        wait_visible(c, "#qty-grid input.qty-cell[data-unit=\"HK-02\"]").await;
        // From HK's box to "Lưu đợt": the tree and the grid are one stop each.
        let mut tabs = 0;
        while focused_id(c).await != "batch-submit" {
            press(c, &Key::Tab.to_string()).await;
            tabs += 1;
            let code = js(c, "return document.activeElement.classList.contains('unit-pick');", vec![]).await;
            assert_eq!(code, json!(false), "Tab left the tree at once");
            assert!(tabs <= 8, "“Lưu đợt” within a few Tabs");
        }
        eprintln!("{tabs} Tabs from the committee's box to “Lưu đợt”");
        assert_eq!(
            count(c, "#qty-grid input[tabindex=\"0\"]").await,
            1,
            "the grid is one tab stop"
        );

        // Ctrl+Enter saves the batch, here from a box of the tree.
        click(c, ".unit-pick[data-code=\"HK-02\"]").await;
        click(c, ".unit-pick[data-code=\"HK-02\"]").await;
        let before = status_text(c).await;
        press(c, &format!("{}{}{}", Key::Control, Key::Enter, Key::Null)).await;
        let status = until("the batch saved by Ctrl+Enter", || async {
            if let Some(err) = shown_error(c).await {
                panic!("the app refused the batch: {err}");
            }
            let now = status_text(c).await;
            (now != before && now.contains("Đợt 4/2025")).then_some(now)
        })
        .await;
        assert!(status.contains("2 đơn vị nhận"), "{status}");
        wait_preview_pages(c, 2).await;
        click(c, "#print-close").await;
        s.finish().await
    });
}

// ---- 8: words and small things -------------------------------------------------

#[test]
fn words_and_small_things() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // The import's file is named from this folder instead of the native dialog.
    let inputs = tempfile::tempdir().expect("a folder for the file to import");
    std::env::set_var("GIAONHAN_OPEN_DIR", inputs.path());
    runtime().block_on(async {
        let s = start_with(|db, _| supervised(db)).await;
        let c = &s.client;
        wait_visible(c, "#screen-outstanding").await;
        outstanding_rows_shown(c).await;

        // A declined slip: nothing "received".
        let code = receipt_codes(&s.db, "Đợt 2/2025")
            .into_iter()
            .find(|(u, _)| u == "AT-01")
            .map(|(_, c)| c)
            .expect("AT-01's receipt");
        type_into(c, "#code-input", &code).await;
        click(c, "#code-lookup").await;
        wait_dialog(c).await;
        click(c, "#confirm-decline").await;
        type_into(c, "#confirm-decline-reason", "Không đúng đối tượng").await;
        submit_dialog(c).await;
        until("the slip to show it declined", || async {
            (count(c, "#code-status[data-status=\"declined\"]").await == 1).then_some(())
        })
        .await;
        let received = text(c, "#code-lines tbody tr td:last-child").await;
        assert_eq!(received, "0", "a declined slip received nothing");
        let heading = text(c, "#code-result-heading").await;
        assert!(
            heading.contains(&shown_code(&code)),
            "the receipt code as on the slip: {heading}"
        );
        screenshot(c, "slip-declined").await;

        // Units: the founding day of a unit added today, the tree's legend,
        // the inputs' borders.
        open_screen(c, "units").await;
        type_into(c, "#unit-code", "HK-03").await;
        type_into(c, "#unit-name", "Chi bộ thôn Trung Hòa").await;
        type_into(c, "#unit-parent", "HK").await;
        submit_until(c, "#unit-submit", "#unit-tree [role=treeitem][data-code=\"HK-03\"]").await;
        click(c, "#unit-tree [role=treeitem][data-code=\"HK-03\"]").await;
        until("HK-03's details", || async {
            (text(c, "#unit-detail-heading").await == "Chi bộ thôn Trung Hòa").then_some(())
        })
        .await;
        let details = text(c, "#unit-detail-fields").await;
        assert!(
            !details.contains("Có từ trước khi lập sổ"),
            "a unit added today did not exist before the register: {details}"
        );
        assert!(details.contains("Chưa ghi"), "{details}");
        // With its founding day.
        type_into(c, "#unit-code", "HK-04").await;
        type_into(c, "#unit-name", "Chi bộ thôn Phúc Sơn").await;
        type_into(c, "#unit-parent", "HK").await;
        set_date(c, "#unit-opened", &day(0)).await;
        submit_until(c, "#unit-submit", "#unit-tree [role=treeitem][data-code=\"HK-04\"]").await;
        click(c, "#unit-tree [role=treeitem][data-code=\"HK-04\"]").await;
        let today = day(0);
        let shown = format!("{}/{}/{}", &today[8..10], &today[5..7], &today[..4]);
        until("HK-04's founding day", || async {
            text(c, "#unit-detail-fields").await.contains(&shown).then_some(())
        })
        .await;

        assert!(
            visible(c, "#unit-tree-legend summary").await,
            "the badges have a legend"
        );
        click(c, "#unit-tree-legend summary").await;
        wait_visible(c, "#unit-tree-legend dl").await;
        let legend = text(c, "#unit-tree-legend dl").await;
        for words in ["đơn vị trực thuộc", "chưa xác nhận", "quá hạn", "mức nhắc"] {
            assert!(legend.contains(words), "the legend explains {words:?}: {legend}");
        }
        screenshot(c, "unit-tree-legend").await;
        let borders = js(
            c,
            "return ['#unit-code', '#unit-phone', '#edit-phone', '#unit-opened'].map(id => { \
               const s = getComputedStyle(document.querySelector(id)); \
               return [s.borderTopColor, s.borderTopWidth]; });",
            vec![],
        )
        .await;
        let all = borders.as_array().expect("borders");
        assert!(
            all.iter().all(|b| *b == all[0]),
            "every input has the same border: {borders}"
        );

        // The batch form: everything missing reported on the first try.
        open_screen(c, "batch").await;
        type_into(c, "#batch-code", "Đợt 5/2025").await;
        click(c, "#batch-submit").await;
        let err = until("the batch form's errors", || async { shown_error(c).await }).await;
        let items = js(
            c,
            "return [...document.querySelectorAll('#error-summary-list li')].map(li => li.textContent);",
            vec![],
        )
        .await;
        let items: Vec<String> = serde_json::from_value(items).expect("summary items");
        assert_eq!(items.len(), 3, "content, documents, recipients at once: {items:?}");
        assert!(
            items.iter().any(|i| i.contains("văn bản")),
            "a missing document on the first try: {items:?}"
        );
        assert!(!err.contains("Nội dung: Nội dung"), "no field name twice: {err}");
        assert_eq!(
            js(
                c,
                "return document.querySelectorAll('#batch-docs [aria-invalid=\"true\"]').length;",
                vec![]
            )
            .await,
            json!(0),
            "no single document marked for the missing ones"
        );
        screenshot(c, "batch-form-errors").await;

        // Import and export: a Vietnamese file button (it opens the system's
        // dialog from the Rust side; no engine file input with English words),
        // "Xuất Excel" everywhere.
        open_screen(c, "import").await;
        assert_eq!(
            js(
                c,
                "return document.querySelectorAll('#screen-import input[type=\"file\"]').length;",
                vec![]
            )
            .await,
            json!(0),
            "no engine file input"
        );
        assert_eq!(text(c, "#import-choose").await, "Chọn tệp…");
        assert_eq!(text(c, "#import-file-name").await, "Chưa chọn tệp nào.");
        let csv = "Mã,Tên\r\nX1,Chi bộ X\r\n";
        std::fs::write(inputs.path().join("don-vi.csv"), csv).expect("write a CSV");
        js(
            c,
            "document.querySelector('#import-unattended').value = 'don-vi.csv';",
            vec![],
        )
        .await;
        click(c, "#import-choose").await;
        let shown = format!("don-vi.csv ({} byte)", csv.len());
        until("the chosen file's name", || async {
            (text(c, "#import-file-name").await == shown).then_some(())
        })
        .await;
        let xlsx = js(
            c,
            "return [...document.querySelectorAll('button')].map(b => b.textContent).filter(t => /XLSX/.test(t));",
            vec![],
        )
        .await;
        assert_eq!(xlsx, json!([]), "“Xuất Excel”, never “XLSX”, on buttons");
        assert_eq!(text(c, "#export-units-xlsx").await, "Xuất Excel");
        screenshot(c, "import-file-button").await;
        s.finish().await
    });
}

// ---- 8: the batch screen of a district draws its committees and newest documents first

#[test]
fn the_batch_screen_draws_only_the_rows_shown() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s = start_with(|db, _| district_demo(db)).await;
        let c = &s.client;
        wait_visible(c, "#screen-outstanding").await;
        let units: Value = serde_json::from_str(&cli(&s.db, &["unit", "list", "--format", "json"])).expect("units JSON");
        let units = units.as_array().expect("units").len();
        open_screen(c, "batch").await;
        // Opened at the committees: a row per committee, not one per branch.
        let drawn = || count(c, "#batch-unit-tree .unit-pick");
        let first = until("the recipient tree", || async {
            let n = drawn().await;
            (n > 0).then_some(n)
        })
        .await;
        assert!(first > 1 && first <= 300 && first < units, "{first} rows drawn of {units} units");
        let committee = js(
            c,
            "return document.querySelector('#batch-unit-tree .twisty[aria-expanded=false]')?.closest('li').querySelector('.unit-pick').dataset.code ?? null;",
            vec![],
        )
        .await;
        let committee = committee.as_str().expect("a closed committee").to_owned();
        let pick = format!(".unit-pick[data-code=\"{committee}\"]");
        // Ticking the closed committee picks every branch under it.
        let leaves = js(
            c,
            "return document.querySelector(arguments[0]).closest('li').querySelector('[data-leaves]').textContent.replace(/\\D/g, '');",
            vec![json!(pick)],
        )
        .await;
        let leaves = leaves.as_str().expect("the committee's branch count").to_owned();
        click(c, &pick).await;
        let want = format!("{} đơn vị nhận", giaonhan::text::thousands(leaves.parse::<i64>().expect("a number")));
        until("the totals of the ticked committee", || async {
            text(c, "#batch-total").await.starts_with(&want).then_some(())
        })
        .await;
        // → opens it: its branches are drawn, ticked.
        js(c, "document.querySelector(arguments[0]).focus();", vec![json!(pick)]).await;
        press(c, &Key::Right.to_string()).await;
        until("the committee's branches", || async { (drawn().await > first).then_some(()) }).await;
        let branches = js(
            c,
            "const li = document.querySelector(arguments[0]).closest('li'); const out = []; \
             for (let n = li.nextElementSibling; n && n.querySelector('.twisty') === null; n = n.nextElementSibling) \
             out.push(n.querySelector('.unit-pick').checked); return out;",
            vec![json!(pick)],
        )
        .await;
        let branches = branches.as_array().expect("branches");
        assert!(!branches.is_empty() && branches.iter().all(|b| b == &json!(true)), "{branches:?}");
        // ← closes it again.
        press(c, &Key::Left.to_string()).await;
        until("the committee closed", || async { (drawn().await == first).then_some(()) }).await;
        // The filter finds a branch under a closed committee.
        let other = js(
            c,
            "const open = [...document.querySelectorAll('#batch-unit-tree .twisty[aria-expanded=false]')]; \
             return open[open.length - 1]?.closest('li').querySelector('.unit-pick').dataset.code ?? null;",
            vec![],
        )
        .await;
        let other = other.as_str().expect("another committee").to_owned();
        let branch: Value = serde_json::from_str(&cli(&s.db, &["unit", "list", "--format", "json"])).expect("units");
        let branch = branch
            .as_array()
            .expect("units")
            .iter()
            .find(|u| u["parent"] == json!(other))
            .and_then(|u| u["code"].as_str())
            .expect("a branch of the last committee")
            .to_owned();
        type_into(c, "#batch-unit-filter", &branch).await;
        wait_visible(c, &format!(".unit-pick[data-code=\"{branch}\"]")).await;
        // The documents: a district's 300 are not drawn whole, only the
        // newest; the search draws an older one, and a document given a
        // quantity stays drawn (and in the batch) when the search is cleared.
        let docs: Value = serde_json::from_str(&cli(&s.db, &["doc", "list", "--format", "json"])).expect("documents JSON");
        let docs = docs.as_array().expect("documents");
        assert!(docs.len() > 200, "a register too long to draw whole: {} documents", docs.len());
        let symbols: Vec<&str> = docs.iter().filter_map(|d| d["symbol"].as_str()).collect();
        let oldest = symbols
            .iter()
            .rev()
            .find(|s| symbols.iter().filter(|t| t == s).count() == 1)
            .expect("a symbol used once");
        let doc_rows = || count(c, "#batch-docs-table tr[data-symbol]");
        let newest = doc_rows().await;
        assert!(newest > 0 && newest <= 50, "{newest} document rows drawn of {}", docs.len());
        let qty = format!(".doc-qty[data-symbol=\"{oldest}\"]");
        assert_eq!(count(c, &qty).await, 0, "{oldest} is not among the newest");
        assert!(text(c, "#batch-docs-shown").await.contains(&giaonhan::text::thousands(docs.len() as i64)));
        type_into(c, "#batch-doc-filter", oldest).await;
        wait_visible(c, &qty).await;
        type_into(c, &qty, "2").await;
        js(
            c,
            "const f = document.querySelector('#batch-doc-filter'); f.value = ''; f.dispatchEvent(new Event('input'));",
            vec![],
        )
        .await;
        until("the newest documents and the one in the batch", || async {
            (doc_rows().await == newest + 1).then_some(())
        })
        .await;
        let kept = js(c, "return document.querySelector(arguments[0]).value;", vec![json!(qty)]).await;
        assert_eq!(kept, json!("2"));
        until("the batch's totals name one document", || async {
            text(c, "#batch-total").await.contains("· 1 văn bản ·").then_some(())
        })
        .await;
        s.finish().await
    });
}

/// A long list's preview shows its first pages while the rest is laid out,
/// says how far it is, and "Dừng" stops it: the pages shown stay, "In…"
/// is off (they are not all), and the count says it was stopped.
#[test]
fn a_long_preview_shows_its_first_pages_at_once_and_stops_when_asked() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let saves = tempfile::tempdir().expect("create the save folder");
    std::env::set_var("GIAONHAN_SAVE_DIR", saves.path());
    runtime().block_on(async {
        let s = start_with(|db, _| district_demo(db)).await;
        let c = &s.client;
        wait_visible(c, "#screen-outstanding").await;
        let rows: Value =
            serde_json::from_str(&cli(&s.db, &["outstanding", "--format", "json"])).expect("outstanding JSON");
        let rows = rows.as_array().expect("rows").len();
        assert!(rows > 900, "enough rows for more than three chunks of pages: {rows}");
        wait_visible(c, "#outstanding-table tr[data-unit]").await;
        // "Dừng" is clicked from the page the moment the first pages are
        // shown (a round trip of the test to the window may take longer
        // than the rest of the layout on a loaded machine); what the bar
        // said then is kept.
        preview_stopped_at_first_pages(c, "#out-print").await;
        screenshot(c, "preview-stopped").await;

        // Saving the whole list says how far it is and stops when asked,
        // with no file written; saved again, it is written whole.
        save_stopped(c, saves.path()).await;
        let bar = text(c, "#print-count").await;
        assert!(bar.starts_with("Đã dừng: xem trước"), "the preview's line again: {bar}");
        click(c, "#print-save").await;
        let saved = saved_file(saves.path(), "", "pdf").await;
        until("the saved file announced", || async {
            text(c, "#status").await.starts_with("Đã lưu tệp").then_some(())
        })
        .await;
        let printed = pdf_text(&saved);
        assert!(
            printed.contains(&format!(
                "{} lượt chưa xác nhận",
                giaonhan::text::thousands(rows as i64)
            )),
            "every row in the saved PDF"
        );
        click(c, "#print-close").await;
        s.finish().await
    });
}

/// The transfer register of a busy month previews as the long lists do:
/// its first pages at once with how far it is, "Dừng" stops it (the pages
/// shown stay, "In…" is off); saving it as PDF says how far it is and stops
/// when asked, with no file written.
#[test]
fn a_long_register_preview_and_save_stop_when_asked() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let saves = tempfile::tempdir().expect("create the save folder");
    std::env::set_var("GIAONHAN_SAVE_DIR", saves.path());
    runtime().block_on(async {
        let s = start_with(|db, _| district_demo(db)).await;
        let c = &s.client;
        wait_visible(c, "#screen-outstanding").await;
        open_screen(c, "import").await;
        type_into(c, "#book-from", "01/10/2026").await;
        type_into(c, "#book-to", "31/10/2026").await;
        preview_stopped_at_first_pages(c, "#book-preview").await;
        save_stopped(c, saves.path()).await;
        click(c, "#print-close").await;
        s.finish().await
    });
}

/// The slips of a batch of hundreds of units preview as they are laid out:
/// the first pages show while the bar still says how far it is; the
/// preview keeps the first 120 pages and says how many there are in all,
/// and "In…" is off (saving the PDF prints them all).
#[test]
fn a_large_batchs_slips_show_their_first_pages_while_laid_out() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s = start_with(|db, _| district_demo(db)).await;
        let c = &s.client;
        wait_visible(c, "#screen-outstanding").await;
        let batches: Value = serde_json::from_str(&cli(&s.db, &["batch", "list"])).expect("batches JSON");
        let (code, title, recipients) = batches
            .as_array()
            .expect("batches")
            .iter()
            .filter_map(|b| {
                let text = |k: &str| b[k].as_str().map(str::to_owned);
                Some((text("code")?, text("title")?, b["recipients"].as_u64()?))
            })
            .max_by_key(|(_, _, n)| *n)
            .expect("a batch");
        assert!(recipients > 200, "a batch of {recipients} units");
        open_screen(c, "batch").await;
        // Its code and title find it among the 3,000 (a code alone also
        // matches "Đợt 15/…" and "Đợt 25/…").
        type_into(c, "#batch-list-search", &format!("{code} {title}")).await;
        let row = format!("#batch-list tbody tr[data-batch=\"{code}\"]");
        // The newest batches are listed before the search runs, this one
        // among them maybe: wait for the search's own list.
        until("the search's list", || async {
            text(c, "#batch-list caption").await.contains("khớp").then_some(())
        })
        .await;
        wait_visible(c, &row).await;
        js(
            c,
            "window.__firstSeen = null;
             const el = document.querySelector('#print-pages');
             const seen = new MutationObserver(() => {
               if (el.querySelector('.print-page') === null) return;
               seen.disconnect();
               window.__firstSeen = document.querySelector('#print-count').textContent;
             });
             seen.observe(el, { childList: true, subtree: true });
             return true;",
            vec![],
        )
        .await;
        click(c, &format!("{row} button.reprint")).await;
        let first = until("the first slips", || async {
            let seen = js(c, "return window.__firstSeen ?? null;", vec![]).await;
            seen.as_str().map(str::to_owned)
        })
        .await;
        assert!(
            first.starts_with("Đang dựng trang"),
            "pages shown while laid out: {first}"
        );
        let want = format!(
            "Xem trước 120 trang đầu trong {} trang A4",
            giaonhan::text::thousands(recipients as i64)
        );
        until("the whole batch counted", || async {
            text(c, "#print-count").await.starts_with(&want).then_some(())
        })
        .await;
        assert_eq!(preview_pages(c).await, 120);
        assert_eq!(
            js(c, "return document.querySelector('#print-now').disabled;", vec![]).await,
            json!(true),
            "only the first pages are shown: save the PDF to print them all"
        );
        click(c, "#print-close").await;
        s.finish().await
    });
}

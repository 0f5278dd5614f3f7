//! End-to-end test of the supervisor's side through the real window (plumbing in
//! `giaonhan_tests::e2e`): on the sample data plus a partial and a declined
//! receipt entered with the CLI, the tier thresholds are set on the dashboard
//! (a bad list refused at the field first); the dashboard's figures per batch
//! match `giaonhan stats` and `giaonhan outstanding --format json` for the same
//! batch and day (today and yesterday), and so do the committee bars; clicking a
//! bar, and Enter on another, opens the outstanding screen with the batch and
//! committee in the `giaonhan:show-outstanding` event; a unit's history shows a
//! confirmed and an open receipt; the tree's flags and the batch list agree with
//! the outstanding list. Screenshots go to `target/e2e-artifacts/`.
#![cfg(target_os = "linux")]

use std::collections::BTreeMap;
use std::path::Path;

use fantoccini::actions::{InputSource, KeyAction, KeyActions, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use giaonhan_tests::cli::ok as cli;
use giaonhan_tests::e2e::*;
use serde_json::{json, Value};

/// The sample data's first batch: handed 40 days ago, due 33 days ago.
fn batch1() -> String {
    format!("Đợt 1/{}", &day(-40)[..4])
}

/// The second: handed 5 days ago, due in 2 days.
fn batch2() -> String {
    format!("Đợt 2/{}", &day(-5)[..4])
}

/// A third batch, handed today, with a "for information" recipient: it must
/// never count as unconfirmed anywhere.
const BATCH3: &str = "D3-INFO";

/// Sample data, then (today) a partial receipt and a refusal in the first batch,
/// and a third batch with one recipient for information only.
fn prepare(db: &Path) {
    cli(db, &["demo"]);
    cli(
        db,
        &[
            "batch",
            "new",
            "--code",
            BATCH3,
            "--title",
            "Đợt có đơn vị nhận để biết",
            "--handed",
            &day(0),
            "--due",
            &day(7),
            "--doc",
            "369-CV/BTGTU:1",
            "--unit",
            "HK-DT",
            "--unit",
            "HK-THCS",
            "--info-unit",
            "HP-HH",
        ],
    );
    let b1 = batch1();
    cli(
        db,
        &[
            "confirm",
            "--batch",
            &b1,
            "--unit",
            "HK-PD",
            "--by",
            "Hồ Thị Thu",
            "--qty",
            "45-CT/TW:1",
        ],
    );
    cli(
        db,
        &[
            "confirm",
            "--batch",
            &b1,
            "--unit",
            "HP-HH",
            "--by",
            "Trần Văn Hải",
            "--decline",
            "Không đúng đối tượng",
        ],
    );
}

/// `giaonhan outstanding --format json` for one batch (or all) on a day.
fn outstanding_rows(db: &Path, batch: Option<&str>, as_of: &str) -> Vec<Value> {
    let mut args = vec!["outstanding", "--format", "json", "--as-of", as_of];
    if let Some(b) = batch {
        args.extend(["--batch", b]);
    }
    let out = cli(db, &args);
    let v: Value = serde_json::from_str(&out).expect("outstanding prints JSON");
    v.as_array().expect("a JSON array").clone()
}

/// `giaonhan stats` for one batch on a day.
fn cli_stats(db: &Path, batch: &str, as_of: &str) -> Value {
    let out = cli(db, &["stats", "--batch", batch, "--as-of", as_of, "--format", "json"]);
    let v: Value = serde_json::from_str(&out).expect("stats prints JSON");
    v.as_array()
        .and_then(|a| a.first())
        .cloned()
        .expect("one batch's figures")
}

fn count_where(rows: &[Value], key: &str, value: &Value) -> u64 {
    rows.iter().filter(|r| &r[key] == value).count() as u64
}

/// 45.4545 → "45,45%" (the dashboard's format).
fn percent_vi(confirmed: u64, units: u64) -> String {
    let p = if units == 0 {
        0.0
    } else {
        confirmed as f64 * 100.0 / units as f64
    };
    format!("{p:.2}%").replace('.', ",")
}

/// The figures of a batch's row in the dashboard table, read from the page.
async fn dashboard_row(c: &Client, batch: &str) -> Value {
    js(
        c,
        "const tr = document.querySelector(`#dash-stats tbody tr[data-batch=\"${CSS.escape(arguments[0])}\"]`); \
         if (!tr) return null; \
         const num = (sel) => Number(tr.querySelector(sel).textContent.replace(/\\./g, '')); \
         const conf = tr.querySelector('td.confirmed'); \
         return { \
           confirmed: Number(conf.dataset.confirmed), units: Number(conf.dataset.units), \
           confirmedText: conf.firstChild.textContent.trim(), \
           completion: tr.querySelector('td.completion').textContent.trim(), \
           copies: num('td.copies'), pending: num('td.pending'), partial: num('td.partial'), declined: num('td.declined'), \
           overdue: [...tr.querySelectorAll('td.overdue')].map((td) => Number(td.dataset.count)) \
         };",
        vec![json!(batch)],
    )
    .await
}

/// Waits until the dashboard shows figures for `as_of`, then checks one batch's
/// row against the CLI's figures and outstanding list for the same day.
async fn check_batch_figures(c: &Client, db: &Path, batch: &str, as_of: &str) {
    until(&format!("the dashboard as of {as_of}"), || async {
        let shown = js(
            c,
            "return document.querySelector('#screen-dashboard').dataset.asOf ?? null;",
            vec![],
        )
        .await;
        (shown == json!(as_of)).then_some(())
    })
    .await;
    let row = until(&format!("the dashboard row of {batch}"), || async {
        let v = dashboard_row(c, batch).await;
        (!v.is_null()).then_some(v)
    })
    .await;
    let stats = cli_stats(db, batch, as_of);
    let rows = outstanding_rows(db, Some(batch), as_of);
    let units = stats["units"].as_u64().expect("units");
    let confirmed = stats["confirmed"].as_u64().expect("confirmed");
    let what = format!("{batch} as of {as_of}");

    assert_eq!(row["units"], json!(units), "units, {what}");
    assert_eq!(row["confirmed"], json!(confirmed), "confirmed, {what}");
    assert_eq!(row["copies"], stats["copies"], "copies, {what}");
    assert_eq!(
        row["confirmedText"],
        json!(format!("{confirmed} / {units}")),
        "confirmed / total, {what}"
    );
    assert_eq!(
        row["completion"],
        json!(percent_vi(confirmed, units)),
        "completion, {what}"
    );
    // The list holds exactly the must-confirm units that have not confirmed.
    assert_eq!(rows.len() as u64, units - confirmed, "outstanding rows, {what}");
    for status in ["pending", "partial", "declined"] {
        assert_eq!(
            row[status],
            json!(count_where(&rows, "status", &json!(status))),
            "{status} matches the list, {what}"
        );
        assert_eq!(row[status], stats[status], "{status} matches stats, {what}");
    }
    let shown_overdue: Vec<u64> = row["overdue"]
        .as_array()
        .expect("overdue per tier")
        .iter()
        .map(|v| v.as_u64().expect("a count"))
        .collect();
    for (i, n) in shown_overdue.iter().enumerate() {
        let tier = i as u64 + 1;
        let listed = rows
            .iter()
            .filter(|r| r["tier"] == json!(tier) && r["days_overdue"].as_u64().unwrap_or(0) > 0)
            .count() as u64;
        assert_eq!(*n, listed, "overdue at tier {tier} matches the list, {what}");
    }
    assert_eq!(
        json!(shown_overdue),
        stats["overdue"],
        "overdue per tier matches stats, {what}"
    );
}

/// The committee bars of the chosen batch against the outstanding list.
async fn check_bars(c: &Client, db: &Path, batch: &str, as_of: &str) {
    let sel = format!("#dash-bars svg[data-batch=\"{batch}\"][data-as-of=\"{as_of}\"] g.bar");
    wait_visible(c, &sel).await;
    let groups = js(
        c,
        "return [...document.querySelectorAll('#dash-bars-table tbody tr[data-group]')].map((tr) => { \
           const td = tr.querySelectorAll('td'); \
           return [tr.dataset.group, Number(td[0].textContent.replace(/\\./g, '')), Number(td[1].textContent.replace(/\\./g, '')), td[2].textContent.trim()]; });",
        vec![],
    )
    .await;
    let groups = groups.as_array().expect("the bar table's rows").clone();
    assert!(!groups.is_empty(), "bars for {batch}");
    let rows = outstanding_rows(db, Some(batch), as_of);
    let mut open: BTreeMap<String, u64> = BTreeMap::new();
    for r in &rows {
        *open
            .entry(r["group_code"].as_str().expect("group_code").to_owned())
            .or_default() += 1;
    }
    let mut total_units = 0;
    for g in &groups {
        let code = g[0].as_str().expect("group code");
        let (confirmed, units) = (g[1].as_u64().expect("confirmed"), g[2].as_u64().expect("units"));
        total_units += units;
        assert_eq!(
            units - confirmed,
            open.get(code).copied().unwrap_or(0),
            "committee {code}: must-confirm units not confirmed = rows of the list"
        );
        assert_eq!(g[3], json!(percent_vi(confirmed, units)), "committee {code}: rate");
    }
    let stats = cli_stats(db, batch, as_of);
    assert_eq!(
        json!(total_units),
        stats["units"],
        "the bars cover every unit of {batch}"
    );
    let bars = count(c, &sel).await;
    assert_eq!(bars, groups.len(), "one bar per committee");
}

/// Scrolls an element to the middle of the window (the form sits at the page's end).
async fn scroll_to(c: &Client, css: &str) {
    js(
        c,
        "document.querySelector(arguments[0]).scrollIntoView({ block: 'center' });",
        vec![json!(css)],
    )
    .await;
}

/// A real mouse click in the middle of an element, through WebDriver actions
/// (WebKitWebDriver's element click refuses SVG shapes).
async fn mouse_click(c: &Client, css: &str) {
    scroll_to(c, css).await;
    let at = js(
        c,
        "const r = document.querySelector(arguments[0]).getBoundingClientRect(); \
         return [r.x + r.width / 2, r.y + r.height / 2];",
        vec![json!(css)],
    )
    .await;
    let (x, y) = (at[0].as_f64().expect("x"), at[1].as_f64().expect("y"));
    let mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveTo { duration: None, x, y })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    c.perform_actions(mouse)
        .await
        .unwrap_or_else(|e| panic!("mouse click on {css}: {e}"));
}

/// Presses a key on whatever has focus, through WebDriver actions (element
/// send-keys wants a text field; a bar is an SVG group).
async fn press_key(c: &Client, key: Key) {
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key.into() })
        .then(KeyAction::Up { value: key.into() });
    c.perform_actions(keys)
        .await
        .unwrap_or_else(|e| panic!("press {key:?}: {e}"));
}

/// Waits until the dashboard has finished redrawing (aria-busy is gone).
async fn dashboard_idle(c: &Client) {
    until("the dashboard to finish loading", || async {
        let busy = js(
            c,
            "return document.querySelector('#screen-dashboard').getAttribute('aria-busy');",
            vec![],
        )
        .await;
        busy.is_null().then_some(())
    })
    .await;
}

/// Chooses the bars' batch in its picker by typing its code without diacritics.
async fn choose_bar_batch(c: &Client, code: &str) {
    type_into(c, "#dash-batch", &code.replace('Đ', "D").replace('ợ', "o")).await;
    let option = format!("#dash-batch-list [role=option][data-value=\"{code}\"]");
    wait_visible(c, &option).await;
    click(c, &option).await;
    wait_visible(c, &format!("#dash-batch-chips .chip[data-value=\"{code}\"]")).await;
}

/// Records every `giaonhan:show-outstanding` event in `window.__shown`.
async fn listen_for_show_outstanding(c: &Client) {
    js(
        c,
        "window.__shown = []; \
         window.addEventListener('giaonhan:show-outstanding', (e) => window.__shown.push(e.detail));",
        vec![],
    )
    .await;
}

async fn last_shown(c: &Client) -> Value {
    until("a giaonhan:show-outstanding event", || async {
        let v = js(c, "return (window.__shown ?? []).at(-1) ?? null;", vec![]).await;
        (!v.is_null()).then_some(v)
    })
    .await
}

async fn outstanding_shown(c: &Client) {
    wait_visible(c, "#screen-outstanding").await;
    assert!(
        !visible(c, "#screen-dashboard").await,
        "the dashboard is hidden once the list is shown"
    );
    let current = js(
        c,
        "return document.querySelector('#nav-outstanding').getAttribute('aria-current');",
        vec![],
    )
    .await;
    assert_eq!(current, json!("page"), "the outstanding screen is the current one");
}

fn tree_item(code: &str) -> String {
    format!("#unit-tree [role=\"treeitem\"][data-code=\"{code}\"]")
}

/// `[open, overdue, tier]` of the flag on a tree row (null when it has none).
async fn tree_flag(c: &Client, code: &str) -> Value {
    js(
        c,
        "const f = document.querySelector(`${arguments[0]} > .flag`); \
         return f ? [Number(f.dataset.open), Number(f.dataset.overdue), Number(f.dataset.tier), f.classList.contains('flag-subtree')] : null;",
        vec![json!(tree_item(code))],
    )
    .await
}

#[test]
fn dashboard_matches_the_list_and_opens_it_from_a_bar() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (b1, b2) = (batch1(), batch2());
    let (today, yesterday) = (day(0), day(-1));
    let (_db, _work) = runtime().block_on(async {
        let s = start_with(|db, _| prepare(db)).await;
        let c = &s.client;
        let db = s.db.clone();
        wait_visible(c, "#screen-outstanding").await;

        // Alt+7 opens the dashboard.
        c.active_element()
            .await
            .expect("the focused element")
            .send_keys(&format!("{}7{}", Key::Alt, Key::Null))
            .await
            .expect("press Alt+7");
        wait_visible(c, "#screen-dashboard").await;

        // Tiers: a descending list is refused at the field; 1, 7, 40 is saved.
        until("the tier thresholds to be shown", || async {
            let v = js(c, "return document.querySelector('#tiers-days').value;", vec![]).await;
            (v == json!("1, 7, 14")).then_some(())
        })
        .await;
        type_into(c, "#tiers-days", "7, 1").await;
        scroll_to(c, "#tiers-submit").await;
        click(c, "#tiers-submit").await;
        let err = until("the tier error", || async { shown_error(c).await }).await;
        assert!(err.contains("tăng dần"), "the Rust message is shown: {err}");
        let invalid = js(
            c,
            "return document.querySelector('#tiers-days').getAttribute('aria-invalid');",
            vec![],
        )
        .await;
        assert_eq!(invalid, json!("true"), "the error is shown at the field");
        assert!(visible(c, "#tiers-form .field-error").await, "an inline message");
        type_into(c, "#tiers-days", "1, 7, 40").await;
        scroll_to(c, "#tiers-submit").await;
        let saved = submit_until_status(c, "#tiers-submit").await;
        assert!(saved.contains("mức 3 từ 40 ngày"), "{saved}");
        assert!(cli(&db, &["tiers"]).contains("40"), "the tiers reached the database");

        // Today: both batches, figures equal to the CLI's and the list's.
        wait_visible(c, "#dash-stats tbody tr[data-batch]").await;
        check_batch_figures(c, &db, &b1, &today).await;
        check_batch_figures(c, &db, &b2, &today).await;
        let tier2 = js(
            c,
            "return document.querySelector(`#dash-stats tr[data-batch=\"${CSS.escape(arguments[0])}\"] td.overdue[data-tier=\"2\"]`)?.dataset.count ?? null;",
            vec![json!(b1)],
        )
        .await;
        // 11 branches must confirm, 4 did: the other 7 are 33 days overdue, tier 2 of 1, 7, 40.
        assert_eq!(tier2, json!("7"), "the first batch's open units are all at tier 2");
        scroll_to(c, "#dashboard-heading").await;
        screenshot(c, "dashboard").await;

        // Bars of the first batch against the list.
        choose_bar_batch(c, &b1).await;
        check_bars(c, &db, &b1, &today).await;
        check_bars_text(c).await;

        // Yesterday: today's partial and refusal had not happened yet.
        set_date(c, "#dash-as-of", &yesterday).await;
        check_batch_figures(c, &db, &b1, &yesterday).await;
        check_batch_figures(c, &db, &b2, &yesterday).await;
        let y = dashboard_row(c, &b1).await;
        assert_eq!(y["partial"], json!(0), "no partial receipt yet yesterday");
        assert_eq!(y["declined"], json!(0), "no refusal yet yesterday");
        check_bars(c, &db, &b1, &yesterday).await;
        set_date(c, "#dash-as-of", &today).await;
        check_batch_figures(c, &db, &b1, &today).await;

        // A click on the bar of Hương Khê opens the list for that batch and committee.
        listen_for_show_outstanding(c).await;
        let bar = format!("#dash-bars svg[data-batch=\"{b1}\"] g.bar[data-key=\"HK\"] rect.bar-track");
        mouse_click(c, &bar).await;
        outstanding_shown(c).await;
        let shown = last_shown(c).await;
        assert_eq!(shown["batches"], json!([b1]), "the event names the batch");
        assert_eq!(shown["subtree"], json!("HK"), "the event names the committee");
        screenshot(c, "dashboard-bar-to-outstanding").await;

        // Back on the dashboard, from the keyboard: the first bar takes the focus
        // (one tab stop for the chart), ↓ moves to the next committee, Enter
        // opens its list.
        open_screen(c, "dashboard").await;
        dashboard_idle(c).await;
        let first = format!("#dash-bars svg[data-batch=\"{b1}\"] g.bar");
        wait_visible(c, &first).await;
        // Bars come in tree order (Vietnamese order of names: phường before xã).
        let keys = js(
            c,
            "return [...document.querySelectorAll(arguments[0])].map((g) => g.dataset.key);",
            vec![json!(first)],
        )
        .await;
        assert_eq!(keys, json!(["TS", "HK", "HP"]), "one bar per committee, in tree order");
        let second = "HK";
        js(c, "window.__shown = [];", vec![]).await;
        js(
            c,
            "document.querySelector(arguments[0] + '[tabindex=\"0\"]').focus();",
            vec![json!(first)],
        )
        .await;
        press_key(c, Key::Down).await;
        // The key goes through the window's event queue: wait for its effect.
        until(&format!("↓ to move to the next committee's bar ({second})"), || async {
            let focused = js(c, "return document.activeElement?.dataset?.key ?? null;", vec![]).await;
            (focused == json!(second)).then_some(())
        })
        .await;
        screenshot(c, "dashboard-bar-focus").await;
        press_key(c, Key::Enter).await;
        outstanding_shown(c).await;
        let shown = last_shown(c).await;
        assert_eq!(shown["batches"], json!([b1]), "Enter: the batch");
        assert_eq!(shown["subtree"], json!(second), "Enter: the committee");

        // The line chart: one line per current batch, with a table alternative.
        open_screen(c, "dashboard").await;
        wait_visible(c, "#dash-curve svg g.series").await;
        assert_eq!(count(c, "#dash-curve svg g.series").await, 3, "three current batches");
        let legend = text(c, "#dash-curve-legend").await;
        assert!(legend.contains(&b1) && legend.contains(&b2), "legend: {legend}");

        // A unit's history: HK-TH confirmed the first batch, the second is open.
        open_screen(c, "units").await;
        type_into(c, "#unit-search", "trung hoa").await;
        wait_visible(c, "#unit-search-results li[data-code=\"HK-TH\"]").await;
        c.find(Locator::Css("#unit-search"))
            .await
            .expect("find the search field")
            .send_keys(&Key::Enter)
            .await
            .expect("press Enter");
        let done = format!("#unit-receipts tbody tr[data-batch=\"{b1}\"][data-status=\"confirmed\"]");
        let open = format!("#unit-receipts tbody tr[data-batch=\"{b2}\"][data-open=\"true\"]");
        wait_visible(c, &done).await;
        wait_visible(c, &open).await;
        let done_text = text(c, &done).await;
        assert!(done_text.contains("Nguyễn Văn Hòa"), "who signed: {done_text}");
        let signed = day(-35);
        let signed_vi = format!("{}/{}/{}", &signed[8..10], &signed[5..7], &signed[..4]);
        assert!(done_text.contains(&signed_vi), "when: {done_text}");
        // The sample data was loaded with the command line: that is how it was recorded.
        assert!(done_text.contains("Ghi bằng dòng lệnh"), "how: {done_text}");
        let open_text = text(c, &open).await;
        assert!(open_text.contains("Chưa xác nhận"), "open: {open_text}");
        assert!(open_text.contains("chưa đến hạn"), "not yet due: {open_text}");
        scroll_to(c, "#unit-receipts").await;
        screenshot(c, "unit-history").await;

        // HK-PD: partial in the first batch (open, overdue, tier 2), flagged.
        type_into(c, "#unit-search", "phuc dong").await;
        wait_visible(c, "#unit-search-results li[data-code=\"HK-PD\"]").await;
        c.find(Locator::Css("#unit-search"))
            .await
            .expect("find the search field")
            .send_keys(&Key::Enter)
            .await
            .expect("press Enter");
        let partial = format!(
            "#unit-receipts tbody tr[data-batch=\"{b1}\"][data-status=\"partial\"][data-open=\"true\"] .flag[data-tier=\"2\"]"
        );
        wait_visible(c, &partial).await;
        let flag_text = text(c, &partial).await;
        assert!(flag_text.contains("quá hạn 33 ngày"), "{flag_text}");

        // Flags in the tree equal the list: a branch's own, a committee's sum.
        let rows = outstanding_rows(&db, None, &today);
        let per_unit = |code: &str| rows.iter().filter(|r| r["unit_code"] == json!(code)).count() as u64;
        let per_group = |code: &str| rows.iter().filter(|r| r["group_code"] == json!(code)).count() as u64;
        wait_visible(c, &format!("{} > .flag", tree_item("HK-PD"))).await;
        let f = tree_flag(c, "HK-PD").await;
        assert_eq!(f[0], json!(per_unit("HK-PD")), "HK-PD open = its rows");
        assert_eq!(f[1], json!(1), "HK-PD: one overdue");
        assert_eq!(f[2], json!(2), "HK-PD: tier 2");
        let f = tree_flag(c, "HK").await;
        assert_eq!(f[0], json!(per_group("HK")), "HK sums its subtree");
        assert_eq!(f[3], json!(true), "HK's flag is a subtree sum");
        let f = tree_flag(c, "HT").await;
        assert_eq!(f[0], json!(rows.len() as u64), "the root sums everything");
        let f = tree_flag(c, "HK-TH").await;
        assert_eq!(f, json!([1, 0, 0, false]), "HK-TH: the second batch, not yet due");
        screenshot(c, "unit-tree-flags").await;

        // The batch list on the batch screen: confirmed / total and overdue.
        open_screen(c, "batch").await;
        let row = format!("#batch-list tbody tr[data-batch=\"{b1}\"]");
        wait_visible(c, &row).await;
        let stats = cli_stats(&db, &b1, &today);
        let cell = js(
            c,
            "const tr = document.querySelector(arguments[0]); \
             return [Number(tr.querySelector('td.confirmed').dataset.confirmed), Number(tr.querySelector('td.confirmed').dataset.units), \
                     Number(tr.querySelector('td.overdue-cell').dataset.overdue), Number(tr.querySelector('td.overdue-cell').dataset.tier)];",
            vec![json!(row)],
        )
        .await;
        let units = stats["units"].as_u64().expect("units");
        let confirmed = stats["confirmed"].as_u64().expect("confirmed");
        assert_eq!(cell, json!([confirmed, units, units - confirmed, 2]), "batch list of {b1}");
        scroll_to(c, &row).await;
        screenshot(c, "batch-list").await;

        check_one_count_everywhere(c, &db, &[&b1, &b2, BATCH3]).await;
        check_drill_down_clears_filters(c, &db, &b2).await;

        s.finish().await
    });
}

/// One definition of "must confirm" and "still open" on every screen: the
/// batch picker of the outstanding screen, the batch list, the dashboard,
/// `giaonhan batch list`, `giaonhan stats` and the rows of the list agree.
async fn check_one_count_everywhere(c: &Client, db: &Path, batches: &[&str]) {
    let today = day(0);
    let listed: Value = serde_json::from_str(&cli(db, &["batch", "list"])).expect("batch list prints JSON");
    open_screen(c, "outstanding").await;
    for &b in batches {
        let stats = cli_stats(db, b, &today);
        let rows = outstanding_rows(db, Some(b), &today);
        let units = stats["units"].as_u64().expect("units");
        let open = ["pending", "partial", "declined"]
            .iter()
            .map(|k| stats[*k].as_u64().expect("a count"))
            .sum::<u64>();
        assert_eq!(
            rows.len() as u64,
            open,
            "{b}: rows of the list = pending + partial + declined"
        );
        let batch = listed
            .as_array()
            .and_then(|a| a.iter().find(|x| x["code"] == json!(b)))
            .unwrap_or_else(|| panic!("{b} in batch list"));
        assert_eq!(
            batch["must_confirm"],
            json!(units),
            "{b}: batch list must_confirm = stats units"
        );
        assert_eq!(batch["open"], json!(open), "{b}: batch list open = stats open");
        // The batch picker, found by typing its code.
        type_into(c, "#out-batch", b).await;
        let css = format!("#out-batch-list [role=option][data-value=\"{b}\"] .opt-label");
        wait_visible(c, &css).await;
        let option = text(c, &css).await;
        js(
            c,
            "const i = document.querySelector('#out-batch'); i.value = ''; i.blur(); return true;",
            vec![],
        )
        .await;
        assert!(
            option.ends_with(&format!("— {open}/{units} chưa xác nhận")),
            "{b}: the picker says {option:?}, the list has {open} of {units}"
        );
    }
    let info = listed
        .as_array()
        .and_then(|a| a.iter().find(|x| x["code"] == json!(BATCH3)))
        .expect("the third batch");
    assert_eq!(
        (
            info["recipients"].clone(),
            info["must_confirm"].clone(),
            info["open"].clone()
        ),
        (json!(3), json!(2), json!(2)),
        "the recipient for information is a recipient, never open"
    );
    open_screen(c, "batch").await;
    for &b in batches {
        let row = format!("#batch-list tbody tr[data-batch=\"{b}\"]");
        wait_visible(c, &row).await;
        let cells = js(
            c,
            "const tr = document.querySelector(arguments[0]); \
             return [Number(tr.querySelector('td.confirmed').dataset.units), Number(tr.querySelector('td.open').textContent.replace(/\\./g, ''))];",
            vec![json!(row)],
        )
        .await;
        let stats = cli_stats(db, b, &day(0));
        let units = stats["units"].as_u64().expect("units");
        let rows = outstanding_rows(db, Some(b), &day(0)).len() as u64;
        assert_eq!(
            cells,
            json!([units, rows]),
            "{b}: the batch list's must confirm and open"
        );
    }
}

/// A drill-down from the dashboard sets the filters it implies and clears the
/// rest; a list that is empty because of a filter says so and offers to clear it.
async fn check_drill_down_clears_filters(c: &Client, db: &Path, b2: &str) {
    let today = day(0);
    // On the list: the second batch (not yet due) with "overdue only" ticked is
    // empty because of the filter, not "all clear".
    open_screen(c, "outstanding").await;
    // Only the second batch: the batches chosen before are removed first.
    while count(c, "#out-batch-chips .chip").await > 0 {
        click(c, "#out-batch-chips .chip .chip-remove").await;
    }
    type_into(c, "#out-batch", b2).await;
    let option = format!("#out-batch-list [role=option][data-value=\"{b2}\"]");
    wait_visible(c, &option).await;
    click(c, &option).await;
    wait_visible(c, &format!("#out-batch-chips .chip[data-value=\"{b2}\"]")).await;
    click(c, "#out-overdue").await;
    wait_visible(c, "#outstanding-table tr.empty.filtered").await;
    let empty = text(c, "#outstanding-table tr.empty").await;
    assert!(
        empty.contains("Không có đơn vị quá hạn trong bộ lọc này"),
        "an empty list because of a filter says so: {empty}"
    );
    assert!(
        !empty.contains("Không còn đơn vị nào"),
        "never a false all-clear: {empty}"
    );
    let count_line = text(c, "#out-count").await;
    assert!(
        count_line.contains("lọc: quá hạn"),
        "the count names the filter: {count_line}"
    );
    screenshot(c, "outstanding-empty-because-of-filter").await;
    click(c, "#out-clear-filters").await;
    wait_visible(c, "#outstanding-table tbody tr[data-unit]").await;
    let overdue = js(c, "return document.querySelector('#out-overdue').checked;", vec![]).await;
    assert_eq!(overdue, json!(false), "clearing the filter unticks it");

    // Tick "overdue only" again, then drill down from the dashboard into the
    // second batch (not yet due): every one of its open units is listed.
    click(c, "#out-overdue").await;
    open_screen(c, "dashboard").await;
    dashboard_idle(c).await;
    choose_bar_batch(c, b2).await;
    let bar = format!("#dash-bars svg[data-batch=\"{b2}\"] g.bar[data-key=\"HK\"] rect.bar-track");
    wait_visible(c, &bar).await;
    mouse_click(c, &bar).await;
    outstanding_shown(c).await;
    let expected = outstanding_rows(db, Some(b2), &today)
        .iter()
        .filter(|r| r["group_code"] == json!("HK"))
        .count();
    assert!(expected > 0, "the second batch has open units in HK");
    let shown = until("the drilled-down list", || async {
        let n = count(c, "#outstanding-table tbody tr[data-unit]").await;
        (n == expected).then_some(n)
    })
    .await;
    assert_eq!(shown, expected, "the drill-down lists every open unit of the committee");
    let overdue = js(c, "return document.querySelector('#out-overdue').checked;", vec![]).await;
    assert_eq!(
        overdue,
        json!(false),
        "the drill-down cleared the earlier 'overdue only'"
    );
    screenshot(c, "outstanding-after-drill-down").await;
}

/// Every bar's visible value reads "NN,NN% · confirmed/units".
async fn check_bars_text(c: &Client) {
    let texts = js(
        c,
        "return [...document.querySelectorAll('#dash-bars g.bar .bar-value')].map((t) => t.textContent);",
        vec![],
    )
    .await;
    for t in texts.as_array().expect("bar values") {
        let t = t.as_str().expect("text");
        let ok = t.split(" · ").count() == 2 && t.contains("%") && t.contains(',') && t.contains('/');
        assert!(ok, "bar value {t:?} is Vietnamese-formatted");
    }
}

/// The district demo follows hundreds of current batches: the dashboard draws
/// the newest fifty, says how many there are, and draws fifty more on "Hiện
/// thêm" with the focus on the first of them; the figures are the CLI's; the
/// bars' batch is found by typing among thousands.
#[test]
fn many_current_batches_are_drawn_fifty_at_a_time() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s = start_with(|db, _| giaonhan_tests::fixtures::district_demo(db)).await;
        let c = &s.client;
        wait_visible(c, "#screen-outstanding").await;
        let stats: Vec<Value> = serde_json::from_str(&cli(&s.db, &["stats", "--format", "json"])).expect("stats JSON");
        assert!(
            stats.len() > 100,
            "the district demo follows many batches: {}",
            stats.len()
        );

        open_screen(c, "dashboard").await;
        dashboard_idle(c).await;
        let rows = "#dash-stats tbody tr[data-batch]";
        until("the first fifty batches", || async {
            (count(c, rows).await == 50).then_some(())
        })
        .await;
        let all = giaonhan::text::thousands(stats.len() as i64);
        assert!(text(c, "#dash-stats-caption").await.contains(&format!("{all} đợt")));
        let more = text(c, "#dash-more-stats").await;
        assert_eq!(more, format!("Hiện thêm 50 đợt (đang hiện 50 / {all})"));
        let shown = js(
            c,
            "return [...document.querySelectorAll('#dash-stats tbody tr[data-batch]')].map(r => r.dataset.batch);",
            vec![],
        )
        .await;
        let newest: Vec<&str> = stats[..50].iter().map(|b| b["code"].as_str().expect("code")).collect();
        assert_eq!(shown, json!(newest), "the newest first, as the CLI lists them");
        let first = stats[0]["code"].as_str().expect("code");
        let row = dashboard_row(c, first).await;
        for key in ["confirmed", "units", "pending", "partial", "declined"] {
            assert_eq!(row[key], stats[0][key], "{first}: {key} is the CLI's");
        }

        // The bars show the newest batch; any other is found by typing.
        wait_visible(c, &format!("#dash-batch-chips .chip[data-value=\"{first}\"]")).await;
        let older = stats[120]["code"].as_str().expect("code");
        choose_bar_batch(c, older).await;
        wait_visible(c, &format!("#dash-bars svg[data-batch=\"{older}\"]")).await;

        js(c, "document.querySelector('#dash-more-stats').click();", vec![]).await;
        until("fifty more", || async { (count(c, rows).await == 100).then_some(()) }).await;
        assert_eq!(
            js(
                c,
                "return document.activeElement.closest('tr')?.dataset.batch ?? null;",
                vec![]
            )
            .await,
            json!(stats[50]["code"].as_str().expect("code")),
            "the focus on the first batch drawn"
        );
        s.finish().await
    });
}

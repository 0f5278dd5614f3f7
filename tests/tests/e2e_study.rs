//! End-to-end test of study follow-through through the real window (plumbing
//! in `giaonhan_tests::e2e`): on the supervisor's register with a study
//! campaign for the batch that carried the documents (made with the CLI) and
//! one unit's figures, the dashboard shows coverage per grassroots committee
//! (chart and table) beside the batch's receipt completion; impossible
//! figures typed in the form are refused at their field with nothing saved;
//! a unit's figures entered in the form change its committee's coverage in
//! the table and the chart, and reach the register. A screenshot goes to
//! `target/e2e-artifacts/`.
#![cfg(target_os = "linux")]

use fantoccini::key::Key;
use fantoccini::Client;
use giaonhan_tests::cli::{ok as cli, with_input};
use giaonhan_tests::e2e::*;
use giaonhan_tests::fixtures::supervised;
use serde_json::{json, Value};

const CAMPAIGN: &str = "HT-NQ10";

/// The text of a cell of a committee's row in the study table.
async fn cell(c: &Client, group: &str, class: &str) -> String {
    let v = js(
        c,
        "const r = document.querySelector(`#study-table tbody tr[data-group=\"${arguments[0]}\"]`); \
         return r ? r.querySelector(`td.${arguments[1]}`)?.textContent.trim() ?? null : null;",
        vec![json!(group), json!(class)],
    )
    .await;
    v.as_str().unwrap_or_default().to_owned()
}

async fn bar_label(c: &Client, group: &str) -> String {
    let v = js(
        c,
        "return document.querySelector(`#study-bars g.bar[data-key=\"${arguments[0]}\"]`)?.getAttribute('aria-label') ?? '';",
        vec![json!(group)],
    )
    .await;
    v.as_str().unwrap_or_default().to_owned()
}

async fn scroll_to(c: &Client, css: &str) {
    js(
        c,
        "document.querySelector(arguments[0]).scrollIntoView({ block: 'center' });",
        vec![json!(css)],
    )
    .await;
}

/// The supervisor's register with the campaign for the batch that carried
/// the documents, HK-01's figures entered (with the CLI).
fn with_campaign(db: &std::path::Path) {
    supervised(db);
    #[rustfmt::skip]
    cli(db, &["study", "new", "--code", CAMPAIGN, "--title", "Học tập, quán triệt Nghị quyết Trung ương 10",
              "--batch", "Đợt 1/2025", "--from", "2025-08-01", "--to", "2025-08-31"]);
    #[rustfmt::skip]
    cli(db, &["study", "report", "--campaign", CAMPAIGN, "--unit", "HK-01", "--members", "24",
              "--attended", "21", "--made-up", "2"]);
}

#[test]
fn entering_a_units_figures_changes_its_committees_coverage_on_the_dashboard() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (_db, _work) = runtime().block_on(async {
        let s = start_with(|db, _| with_campaign(db)).await;
        let c = &s.client;
        let db = s.db.clone();
        wait_visible(c, "#screen-outstanding").await;
        c.active_element()
            .await
            .expect("the focused element")
            .send_keys(&format!("{}7{}", Key::Alt, Key::Null))
            .await
            .expect("press Alt+7");
        wait_visible(c, "#screen-dashboard").await;
        wait_visible(c, "#study-table tbody tr[data-group=\"AT\"]").await;

        // Coverage per committee, beside the receipt completion of the batch.
        assert_eq!(cell(c, "HK", "took-part").await, "23/24");
        assert_eq!(cell(c, "HK", "rate").await, "95,83%");
        assert_eq!(cell(c, "HK", "reported").await, "1/2");
        assert_eq!(cell(c, "AT", "took-part").await, "0/0");
        assert_eq!(cell(c, "AT", "reported").await, "0/2");
        assert_eq!(cell(c, "HK", "received").await, "50,00% · 1/2", "HK-01 confirmed Đợt 1/2025, HK-02 not");
        assert!(bar_label(c, "HK").await.contains("23/24"), "{}", bar_label(c, "HK").await);

        // Impossible figures: refused at the field, nothing saved.
        select(c, "#study-unit", "AT-01").await;
        type_into(c, "#study-members", "10").await;
        type_into(c, "#study-attended", "9").await;
        type_into(c, "#study-made-up", "2").await;
        scroll_to(c, "#study-submit").await;
        click(c, "#study-submit").await;
        let err = until("the refusal", || async { shown_error(c).await }).await;
        assert!(err.contains("vượt tổng số đảng viên"), "the core's message: {err}");
        let invalid = js(c, "return document.querySelector('#study-attended').getAttribute('aria-invalid');", vec![]).await;
        assert_eq!(invalid, json!("true"), "shown at the field");
        let summary: Value = serde_json::from_str(&cli(&db, &["study", "summary", "--campaign", CAMPAIGN])).expect("JSON");
        let at01 = summary.as_array().expect("rows").iter().find(|r| r["unit_code"] == "AT-01").cloned().expect("AT-01");
        assert_eq!(at01["reported"], false, "nothing saved");

        // Right figures: the committee's coverage changes in the table and the chart.
        type_into(c, "#study-made-up", "1").await;
        scroll_to(c, "#study-submit").await;
        let said = submit_until_status(c, "#study-submit").await;
        assert!(said.contains("10/10"), "{said}");
        until("Ấp Tân's coverage to change", || async {
            (cell(c, "AT", "took-part").await == "10/10").then_some(())
        })
        .await;
        assert_eq!(cell(c, "AT", "rate").await, "100,00%");
        assert_eq!(cell(c, "AT", "reported").await, "1/2");
        assert!(bar_label(c, "AT").await.contains("10/10"), "{}", bar_label(c, "AT").await);
        let total = js(
            c,
            "return document.querySelector('#study-table tbody tr[data-level=\"total\"] td.took-part')?.textContent.trim();",
            vec![],
        )
        .await;
        assert_eq!(total, json!("33/34"));
        scroll_to(c, "#dash-study").await;
        screenshot(c, "study-dashboard").await;

        let summary: Value = serde_json::from_str(&cli(&db, &["study", "summary", "--campaign", CAMPAIGN])).expect("JSON");
        let at01 = summary.as_array().expect("rows").iter().find(|r| r["unit_code"] == "AT-01").cloned().expect("AT-01");
        assert_eq!((at01["reported"].clone(), at01["took_part"].clone()), (json!(true), json!(10)));
        s.finish().await
    });
}

async fn log_in(c: &Client, username: &str, password: &str) {
    wait_visible(c, "#login-form").await;
    type_into(c, "#login-username", username).await;
    type_into(c, "#login-password", password).await;
    click(c, "#login-submit").await;
    until(&format!("{username} to be signed in"), || async {
        if visible(c, "#login-overlay").await {
            let msg = text(c, "#login-message").await;
            assert!(
                msg.is_empty() || count(c, "#login-form[aria-busy]").await > 0,
                "login refused: {msg}"
            );
            return None;
        }
        visible(c, "#session-user").await.then_some(())
    })
    .await;
}

async fn open_dashboard(c: &Client) {
    // After a sign-in the window shows the screen it was on (the first: "Chưa xác nhận").
    wait_visible(c, ".screen:not([hidden])").await;
    press(c, &format!("{}7{}", Key::Alt, Key::Null)).await;
    // Loaded whole: its charts and tables drawn, so nothing moves under a click
    // (a button scrolled to, then pushed down by a table drawn late, takes no click).
    wait_visible(c, "#screen-dashboard[data-as-of]:not([aria-busy])").await;
}

async fn value(c: &Client, css: &str) -> Value {
    js(
        c,
        "return document.querySelector(arguments[0])?.value ?? null;",
        vec![json!(css)],
    )
    .await
}

#[test]
fn a_campaign_made_in_the_form_shows_on_the_panel_and_a_secretary_enters_their_units_figures() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (_db, _work) = runtime().block_on(async {
        let s = start_with(|db, _| {
            supervised(db);
            for (args, input) in [
                (
                    vec![
                        "account",
                        "add",
                        "--username",
                        "quantri",
                        "--name",
                        "Nguyễn Quản",
                        "--role",
                        "admin",
                    ],
                    "mat-khau-quantri\n",
                ),
                (
                    vec![
                        "account",
                        "add",
                        "--username",
                        "bithu",
                        "--name",
                        "Lê Thị Thu",
                        "--role",
                        "secretary",
                        "--unit",
                        "HK-01",
                        "--pin",
                    ],
                    "mat-khau-bithu\n2468\n",
                ),
            ] {
                let out = with_input(db, &args, input);
                assert!(
                    out.status.success(),
                    "account add: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        })
        .await;
        let c = &s.client;
        let db = s.db.clone();
        log_in(c, "quantri", "mat-khau-quantri").await;
        open_dashboard(c).await;
        wait_visible(c, "#campaign-form").await;

        // A period that ends before it starts: refused at "Đến ngày", nothing made.
        type_into(c, "#campaign-code", CAMPAIGN).await;
        type_into(c, "#campaign-title", "Học tập, quán triệt Nghị quyết Trung ương 10").await;
        set_date(c, "#campaign-from", "2025-08-01").await;
        set_date(c, "#campaign-to", "2025-07-31").await;
        type_into(c, "#campaign-batch", "Đợt 1/2025").await;
        scroll_to(c, "#campaign-submit").await;
        click(c, "#campaign-submit").await;
        let err = until("the refusal", || async { shown_error(c).await }).await;
        assert!(err.contains("trước ngày bắt đầu"), "the core's message: {err}");
        let invalid = js(
            c,
            "return document.querySelector('#campaign-to').getAttribute('aria-invalid');",
            vec![],
        )
        .await;
        assert_eq!(invalid, json!("true"), "shown at the field");
        let listed: Value = serde_json::from_str(&cli(&db, &["study", "list"])).expect("JSON");
        assert_eq!(listed.as_array().map(Vec::len), Some(0), "nothing made: {listed}");

        // The batch's documents and recipients: made, and shown selected.
        set_date(c, "#campaign-to", "2025-08-31").await;
        scroll_to(c, "#campaign-submit").await;
        let said = submit_until_status(c, "#campaign-submit").await;
        assert!(said.contains(CAMPAIGN) && said.contains("4 đơn vị"), "{said}");
        assert_eq!(value(c, "#study-campaign").await, json!(CAMPAIGN));
        wait_visible(c, "#study-table tbody tr[data-group=\"AT\"]").await;
        assert_eq!(cell(c, "HK", "reported").await, "0/2");
        assert_eq!(cell(c, "AT", "reported").await, "0/2");

        // Symbols typed and every branch under Hương Khê.
        type_into(c, "#campaign-code", "HT-CT12").await;
        type_into(c, "#campaign-title", "Quán triệt Chỉ thị 12").await;
        set_date(c, "#campaign-from", "2025-09-01").await;
        set_date(c, "#campaign-to", "2025-09-30").await;
        click(c, "#campaign-docs-symbols").await;
        type_into(c, "#campaign-documents", "12-CT/TU, 05-KH/HU").await;
        click(c, "#campaign-units-subtree").await;
        type_into(c, "#campaign-subtree", "HK").await;
        scroll_to(c, "#campaign-submit").await;
        let said = submit_until_status(c, "#campaign-submit").await;
        assert!(
            said.contains("HT-CT12") && said.contains("2 văn bản, 2 đơn vị"),
            "{said}"
        );
        assert_eq!(value(c, "#study-campaign").await, json!("HT-CT12"));
        until("the new campaign's table", || async {
            (cell(c, "HK", "reported").await == "0/2" && cell(c, "AT", "reported").await.is_empty()).then_some(())
        })
        .await;
        scroll_to(c, "#campaign-form").await;
        screenshot(c, "study-campaign-form").await;
        let made: Value = serde_json::from_str(&cli(&db, &["study", "list"])).expect("JSON");
        let codes: Vec<&str> = made
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["code"].as_str())
            .collect();
        assert_eq!(codes, ["HT-CT12", CAMPAIGN]);

        // A branch secretary: no campaign form; the figures form for their unit.
        click(c, "#logout").await;
        log_in(c, "bithu", "mat-khau-bithu").await;
        open_dashboard(c).await;
        wait_visible(c, "#study-form").await;
        assert!(
            !visible(c, "#campaign-form").await,
            "the secretary does not make campaigns"
        );
        select(c, "#study-campaign", CAMPAIGN).await;
        until("the secretary's own unit in the form", || async {
            let units = js(
                c,
                "return [...document.querySelectorAll('#study-unit option')].map(o => o.value);",
                vec![],
            )
            .await;
            (units == json!(["HK-01"])).then_some(())
        })
        .await;
        type_into(c, "#study-members", "24").await;
        type_into(c, "#study-attended", "22").await;
        scroll_to(c, "#study-submit").await;
        let said = submit_until_status(c, "#study-submit").await;
        assert!(said.contains("22/24"), "{said}");
        until("the committee's coverage (their unit alone)", || async {
            (cell(c, "HK", "took-part").await == "22/24").then_some(())
        })
        .await;
        assert_eq!(cell(c, "HK", "reported").await, "1/1", "counted over their own unit");
        screenshot(c, "study-secretary").await;
        let summary: Value =
            serde_json::from_str(&cli(&db, &["study", "summary", "--campaign", CAMPAIGN])).expect("JSON");
        let hk01 = summary
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["unit_code"] == "HK-01")
            .cloned()
            .expect("HK-01");
        assert_eq!(
            (hk01["reported"].clone(), hk01["took_part"].clone()),
            (json!(true), json!(22))
        );
        s.finish().await
    });
}

/// The file at `path` if it is written whole (saved files are staged beside
/// and renamed, so once it is there it is complete); fails at once with the
/// app's message if it shows an error instead.
async fn saved_now(c: &Client, path: &std::path::Path) -> Option<std::path::PathBuf> {
    if let Some(err) = shown_error(c).await {
        panic!("saving {}, the app said: {err}", path.display());
    }
    path.metadata().is_ok_and(|m| m.len() > 0).then(|| path.to_path_buf())
}

/// Waits until the file `name` in `dir` is saved (`saved_now`).
async fn saved(c: &Client, dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    until(&format!("{name} saved"), || saved_now(c, &path)).await
}

/// Clicks the save button `button` and waits for `name` in `dir` (as
/// `saved`). A click the page never acted on (the button not busy, nothing
/// saved, no message, three seconds on: it fell while the screen moved) is
/// clicked again, and the failure says how many clicks it took; a save that
/// started and hangs still fails.
async fn save_with(c: &Client, button: &str, dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    use std::time::{Duration, Instant};
    let path = dir.join(name);
    let deadline = Instant::now() + TIMEOUT;
    let mut clicks = 0;
    let mut clicked = Instant::now();
    loop {
        if let Some(saved) = saved_now(c, &path).await {
            return saved;
        }
        if clicks == 0 || clicked.elapsed() > Duration::from_secs(3) {
            // Busy first, then the file: a save that ends in between is seen as saved.
            let busy = js(
                c,
                "return document.querySelector(arguments[0]).hasAttribute('aria-busy');",
                vec![json!(button)],
            )
            .await;
            if busy != json!(true) && !path.exists() {
                click_below(c, button).await;
                clicks += 1;
                clicked = Instant::now();
            }
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {name} saved ({clicks} clicks on {button})"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[test]
fn the_summary_and_the_reminder_slips_are_saved_from_the_dashboard() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let saves = tempfile::tempdir().expect("create the save folder");
    // The app reads it at run time; tauri-driver passes the environment on.
    std::env::set_var("GIAONHAN_SAVE_DIR", saves.path());
    let (_db, _work) = runtime().block_on(async {
        let s = start_with(|db, _| with_campaign(db)).await;
        let c = &s.client;
        let db = s.db.clone();
        let summary: Value =
            serde_json::from_str(&cli(&db, &["study", "summary", "--campaign", CAMPAIGN])).expect("JSON");
        let units: Vec<&Value> = summary
            .as_array()
            .expect("rows")
            .iter()
            .filter(|r| r["level"] == "unit")
            .collect();
        let name_of = |code: &str| -> String {
            units
                .iter()
                .find(|r| r["unit_code"] == code)
                .and_then(|r| r["unit_name"].as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let unreported: Vec<String> = units
            .iter()
            .filter(|r| r["reported"] == false)
            .filter_map(|r| r["unit_code"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(unreported.len(), 3, "{summary}");

        open_dashboard(c).await;
        wait_visible(c, "#study-table tbody tr[data-group=\"HK\"]").await;

        // The summary as PDF in the party layout, read back.
        scroll_to(c, "#study-save-pdf").await;
        let pdf = save_with(c, "#study-save-pdf", saves.path(), "bao-cao-hoc-tap-ht-nq10.pdf").await;
        let printed = giaonhan_tests::readers::pdf_text(&pdf);
        assert!(printed.contains("Nghị quyết Trung ương 10"), "{printed}");
        assert!(printed.contains(&name_of("HK-01")), "{printed}");

        // As a spreadsheet, opened by a real reader.
        let xlsx = save_with(c, "#study-save-xlsx", saves.path(), "bao-cao-hoc-tap-ht-nq10.xlsx").await;
        let sheet = giaonhan_tests::readers::spreadsheet_rows(&xlsx);
        assert!(
            sheet.iter().any(|row| row.iter().any(|cell| cell == "HK-01")),
            "{sheet:?}"
        );

        // The reminder slips: a page per unit that has not reported, in the preview, then saved.
        click(c, "#study-reminders").await;
        wait_visible(c, "#print-preview").await;
        until("the reminder slips laid out", || async {
            text(c, "#print-count").await.ends_with("trang A4.").then_some(())
        })
        .await;
        assert_eq!(count(c, "#print-pages figure").await, unreported.len());
        click(c, "#print-save").await;
        let slips = saved(c, saves.path(), "giay-nhac-hoc-tap-ht-nq10.pdf").await;
        let printed = giaonhan_tests::readers::pdf_text(&slips);
        for code in &unreported {
            assert!(printed.contains(&name_of(code)), "{code}: {printed}");
        }
        assert!(!printed.contains(&name_of("HK-01")), "HK-01 reported: no slip");
        click(c, "#print-close").await;

        // Each save is logged once in the register.
        let conn = rusqlite::Connection::open(&db).expect("open the register");
        let logged: Vec<String> = conn
            .prepare("SELECT action FROM audit_log WHERE action LIKE '%.study%' ORDER BY id")
            .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
            .expect("the log");
        assert_eq!(logged, ["print.study", "export.study", "print.study_reminders"]);
        s.finish().await
    });
}

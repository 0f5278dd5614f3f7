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
use giaonhan_tests::cli::ok as cli;
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

#[test]
fn entering_a_units_figures_changes_its_committees_coverage_on_the_dashboard() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (_db, _work) = runtime().block_on(async {
        let s = start_with(|db, _| {
            supervised(db);
            #[rustfmt::skip]
            cli(db, &["study", "new", "--code", CAMPAIGN, "--title", "Học tập, quán triệt Nghị quyết Trung ương 10",
                      "--batch", "Đợt 1/2025", "--from", "2025-08-01", "--to", "2025-08-31"]);
            #[rustfmt::skip]
            cli(db, &["study", "report", "--campaign", CAMPAIGN, "--unit", "HK-01", "--members", "24",
                      "--attended", "21", "--made-up", "2"]);
        })
        .await;
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

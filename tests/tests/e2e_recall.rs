//! End-to-end test of a recall of classified copies through the real window:
//! the document's numbered copies and where each one is (documents screen),
//! the recall made from there, its rows in the outstanding list with the copy
//! numbers still out, a partial return (the unit stays listed with the
//! missing number) and the rest brought back (the row goes); the unit's page
//! lists the copies it still holds. The same symbol's document of the
//! earlier committee term shows its own copies. The register is made through
//! the command line, which afterwards reads the copies' states back.
#![cfg(target_os = "linux")]

use giaonhan_tests::cli::ok;
use giaonhan_tests::e2e::*;
use giaonhan_tests::fixtures::commune_units;
use serde_json::{json, Value};

const SYMBOL: &str = "07-NQ/HU";

fn recall_row(unit: &str) -> String {
    format!("#outstanding-table tr[data-batch=\"TH-01\"][data-unit=\"{unit}\"]")
}

#[test]
fn recall_and_return_classified_copies_in_the_window() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s = start_with(|db, _| {
            commune_units(db);
            // The same number in the earlier term: three copies, none handed.
            #[rustfmt::skip]
            ok(db, &["doc", "add", "--symbol", SYMBOL, "--term", "XII", "--title", "Nghị quyết của khóa trước",
                     "--date", "2019-03-01", "--copies", "3", "--classification", "Mật"]);
            #[rustfmt::skip]
            ok(db, &["doc", "add", "--symbol", SYMBOL, "--term", "XIII", "--title", "Nghị quyết về công tác bảo vệ chính trị nội bộ",
                     "--date", "2025-07-01", "--copies", "6", "--classification", "Mật"]);
            #[rustfmt::skip]
            ok(db, &["batch", "new", "--code", "D1", "--title", "Đợt mật", "--handed", &day(-10), "--due", &day(-3),
                     "--doc", &format!("{SYMBOL}:2"), "--subtree", "HK"]);
        })
        .await;
        let c = &s.client;
        wait_visible(c, "#screen-outstanding").await;

        // The earlier term's document of the same symbol: its own three copies.
        open_screen(c, "documents").await;
        let copies_of = |term: &'static str| async move {
            click(
                c,
                &format!("#documents-table tr[data-symbol=\"{SYMBOL}\"][data-term=\"{term}\"] button.copies-open"),
            )
            .await;
            until("the document's copies", || async {
                if let Some(err) = shown_error(c).await {
                    panic!("the app showed an error instead of the copies: {err}");
                }
                let heading = text(c, "#copy-pane-heading").await;
                let rows = count(c, "#copy-pane-table tr[data-copy]").await;
                (heading.contains(if term == "XII" { "3 bản" } else { "6 bản" }) && rows > 0).then_some(())
            })
            .await;
        };
        copies_of("XII").await;
        assert!(text(c, "#copy-pane-heading")
            .await
            .contains("3 bản, 0 bản đang ở đơn vị"));
        assert_eq!(count(c, "#copy-pane-table tr[data-state=\"in_office\"]").await, 3);

        // This term's: four out at the two branches, two in the office.
        copies_of("XIII").await;
        assert_eq!(count(c, "#copy-pane-table tr[data-state=\"out\"]").await, 4);
        assert_eq!(count(c, "#copy-pane-table tr[data-state=\"in_office\"]").await, 2);
        assert!(text(c, "#copy-pane-heading")
            .await
            .contains("6 bản, 4 bản đang ở đơn vị"));

        // The recall, due in a week.
        type_into(c, "#recall-code", "TH-01").await;
        set_date(c, "#recall-due", &day(7)).await;
        type_into(c, "#recall-reason", "Thu hồi theo chỉ đạo của Ban Thường vụ").await;
        let status = submit_until_status(c, "#recall-submit").await;
        assert!(status.contains("Đã lập đợt thu hồi TH-01: 4 bản"), "{status}");

        // Its rows in the outstanding list: each branch with the numbers it holds.
        open_screen(c, "outstanding").await;
        wait_visible(c, &recall_row("HK-01")).await;
        wait_visible(c, &recall_row("HK-02")).await;
        for unit in ["HK-01", "HK-02"] {
            let t = text(c, &format!("{} button.recall-return", recall_row(unit))).await;
            assert!(t.starts_with("Nhận lại bản số "), "{unit}: {t}");
        }

        // HK-01 brings back one of its two copies: it stays listed with the other.
        click(c, &format!("{} button.recall-return", recall_row("HK-01"))).await;
        until("the return dialog to open", || async {
            (js(c, "return !!document.querySelector('#return-dialog')?.open;", vec![]).await == json!(true))
                .then_some(())
        })
        .await;
        let numbers = js(
            c,
            "return [...document.querySelectorAll('#return-copies input[name=copy]')].map(i => Number(i.value));",
            vec![],
        )
        .await;
        let numbers: Vec<u64> = numbers
            .as_array()
            .expect("numbers")
            .iter()
            .filter_map(Value::as_u64)
            .collect();
        assert_eq!(numbers.len(), 2, "HK-01 holds two copies");
        let kept = numbers[1];
        click(c, &format!("#return-copies input[value=\"{kept}\"]")).await;
        type_into(c, "#return-by", "Nguyễn Thị Hoa").await;
        let status = submit_until_status(c, "#return-submit").await;
        assert!(status.contains("Còn thiếu 3 bản"), "{status}");
        let css = format!("{} button.recall-return", recall_row("HK-01"));
        until("HK-01 listed with the copy it kept", || async {
            (text(c, &css).await == format!("Nhận lại bản số {kept:02}")).then_some(())
        })
        .await;

        // The unit's page: the copy it still holds.
        open_screen(c, "units").await;
        click(c, "#unit-tree [role=treeitem][data-code=\"HK-01\"]").await;
        until("HK-01's held copies", || async {
            let t = text(c, "#unit-copies").await;
            t.contains(&format!("bản số {kept:02}")).then_some(t)
        })
        .await;

        // The rest comes back: HK-01's row goes.
        open_screen(c, "outstanding").await;
        click(c, &css).await;
        until("the return dialog to open again", || async {
            (js(c, "return !!document.querySelector('#return-dialog')?.open;", vec![]).await == json!(true))
                .then_some(())
        })
        .await;
        type_into(c, "#return-by", "Nguyễn Thị Hoa").await;
        submit_until_status(c, "#return-submit").await;
        until("HK-01's recall row gone", || async {
            (count(c, &recall_row("HK-01")).await == 0 && count(c, &recall_row("HK-02")).await == 1).then_some(())
        })
        .await;

        let (db, _dir) = s.finish().await;
        let copies: Value = serde_json::from_str(&ok(&db, &["copies", "--symbol", SYMBOL, "--format", "json"]))
            .expect("the copies as JSON");
        for n in &numbers {
            let copy = copies
                .as_array()
                .expect("an array")
                .iter()
                .find(|c| c["copy"].as_u64() == Some(*n))
                .expect("the copy");
            assert_eq!(copy["state"], json!("returned"), "copy {n}");
        }
    });
}

//! End-to-end tests: the real app binary (`target/debug/sogiaonhan`) in a real
//! window, driven through tauri-driver + WebKitWebDriver with `fantoccini`
//! (plumbing in `giaonhan_tests::e2e`). The tests walk the core loop through the
//! UI using the element ids of the interface contract, then read the SQLite file
//! directly and save screenshots in `target/e2e-artifacts/`.
#![cfg(target_os = "linux")]

use fantoccini::{Client, Locator};
use giaonhan_tests::e2e::*;
use serde_json::json;

async fn add_unit(c: &Client, code: &str, name: &str, parent: &str, kind: &str) {
    type_into(c, "#unit-code", code).await;
    type_into(c, "#unit-name", name).await;
    if !parent.is_empty() {
        type_into(c, "#unit-parent", parent).await;
    }
    type_into(c, "#unit-kind", kind).await;
    submit_until(
        c,
        "#unit-submit",
        &format!("#unit-tree [role=treeitem][data-code=\"{code}\"]"),
    )
    .await;
}

/// The value of the input `css`.
async fn text_value(c: &Client, css: &str) -> String {
    let v = js(
        c,
        "return document.querySelector(arguments[0])?.value ?? null;",
        vec![json!(css)],
    )
    .await;
    v.as_str().unwrap_or_default().to_owned()
}

/// Text of the cells of the outstanding row of `unit`, in column order.
async fn outstanding_cells(c: &Client, batch: &str, unit: &str) -> Vec<String> {
    let row = c
        .find(Locator::Css(&format!(
            "#outstanding-table tr[data-batch=\"{batch}\"][data-unit=\"{unit}\"]"
        )))
        .await
        .expect("find the outstanding row");
    let mut cells = Vec::new();
    for cell in row.find_all(Locator::Css("th, td")).await.expect("cells") {
        cells.push(cell.text().await.expect("cell text").trim().to_owned());
    }
    cells
}

#[test]
fn core_loop_by_hand_through_the_window() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (db, _work) = runtime().block_on(async {
        let s = start().await;
        let c = &s.client;

        // First run: the sample-data offer; decline it and enter everything by hand.
        wait_visible(c, "#demo-offer").await;
        let title = c.title().await.expect("window title");
        assert_eq!(title, "Sổ Giao Nhận");
        click(c, "#demo-dismiss").await;
        until("the demo offer to go away", || async {
            (!visible(c, "#demo-offer").await).then_some(())
        })
        .await;

        // A new register has no letterhead: the window asks for the office's
        // own before anything prints (no other office's names by default).
        wait_visible(c, "#letterhead-offer").await;
        click(c, "#letterhead-open").await;
        wait_visible(c, "#letterhead-dialog[open]").await;
        for (field, value) in [
            ("#letterhead-parent", ""),
            ("#letterhead-issuer", ""),
            ("#letterhead-place", ""),
        ] {
            assert_eq!(text_value(c, field).await, value, "{field} starts empty");
        }
        type_into(c, "#letterhead-parent", "ĐẢNG BỘ TỈNH NGHỆ AN").await;
        type_into(c, "#letterhead-place", "Nghệ An").await;
        click(c, "#letterhead-submit").await;
        let refused = until("the missing issuing body to be named", || async {
            shown_error(c).await
        })
        .await;
        assert!(refused.contains("Cơ quan ban hành"), "{refused}");
        screenshot(c, "letterhead-first-start").await;
        // From the keyboard, as a clerk: the field, then Enter.
        type_into(c, "#letterhead-issuer", "VĂN PHÒNG TỈNH ỦY").await;
        press(c, &fantoccini::key::Key::Enter.to_string()).await;
        until("the letterhead to be saved", || async {
            (!visible(c, "#letterhead-dialog[open]").await && !visible(c, "#letterhead-offer").await).then_some(())
        })
        .await;

        // Units: a commune party committee and two branches under it.
        open_screen(c, "units").await;
        add_unit(c, "HK", "Đảng bộ xã Hương Khê", "", "Đảng bộ cơ sở").await;
        add_unit(c, "HK-01", "Chi bộ thôn Đông Trung", "HK", "Chi bộ").await;
        add_unit(c, "HK-02", "Chi bộ thôn Ấp Thượng", "HK", "Chi bộ").await;
        assert_eq!(count(c, "#unit-tree [role=treeitem][data-code]").await, 3);

        // A document.
        open_screen(c, "documents").await;
        type_into(c, "#doc-symbol", "05-KH/HU").await;
        type_into(c, "#doc-title", "Kế hoạch học tập, quán triệt nghị quyết").await;
        set_date(c, "#doc-date", "2025-01-15").await;
        type_into(c, "#doc-copies", "50").await;
        submit_until(c, "#doc-submit", "#documents-table tr[data-symbol=\"05-KH/HU\"]").await;

        // A batch to the whole subtree of HK, handed 10 days ago, due 3 days ago.
        open_screen(c, "batch").await;
        type_into(c, "#batch-code", "D1-2025").await;
        type_into(c, "#batch-title", "Đợt 1 năm 2025").await;
        set_date(c, "#batch-handed", &day(-10)).await;
        set_date(c, "#batch-due", &day(-3)).await;
        type_into(c, ".doc-qty[data-symbol=\"05-KH/HU\"]", "2").await;
        click(c, ".unit-pick[data-code=\"HK\"]").await;
        submit_until_status(c, "#batch-submit").await;
        // The slips open in the print preview at once; closed here.
        until("the slips' preview", || async {
            (count(c, "#print-preview[open] .print-page img").await == 2).then_some(())
        })
        .await;
        click(c, "#print-close").await;

        // Outstanding: both branches, three days overdue, two copies each.
        open_screen(c, "outstanding").await;
        let row = |u: &str| format!("#outstanding-table tr[data-batch=\"D1-2025\"][data-unit=\"{u}\"]");
        wait_visible(c, &row("HK-01")).await;
        wait_visible(c, &row("HK-02")).await;
        assert_eq!(count(c, "#outstanding-table tr[data-batch]").await, 2);
        for unit in ["HK-01", "HK-02"] {
            let cells = outstanding_cells(c, "D1-2025", unit).await;
            assert!(cells.len() >= 5, "columns of {unit}: {cells:?}");
            assert!(cells[1].contains("D1-2025"), "batch column: {cells:?}");
            assert_eq!(cells[3], "3", "days overdue of {unit}: {cells:?}");
            assert_eq!(cells[4], "2", "copies of {unit}: {cells:?}");
        }
        screenshot(c, "outstanding-before-confirm").await;

        // Confirm HK-01 with the name of the person who signed.
        click(c, &format!("{} button.confirm", row("HK-01"))).await;
        until("the confirm dialog to open", || async {
            let open = js(c, "return !!document.querySelector('#confirm-dialog')?.open;", vec![]).await;
            (open == json!(true)).then_some(())
        })
        .await;
        type_into(c, "#confirm-by", "Nguyễn Thị Hoa").await;
        click(c, "#confirm-submit").await;
        until("HK-01 to leave the outstanding table", || async {
            if let Some(err) = shown_error(c).await {
                panic!("the app refused the confirmation: {err}");
            }
            (count(c, &row("HK-01")).await == 0).then_some(())
        })
        .await;
        assert_eq!(count(c, &row("HK-02")).await, 1, "HK-02 is still outstanding");
        assert!(!status_text(c).await.is_empty(), "#status tells the user");

        let shot = screenshot(c, "core-loop").await;
        eprintln!("screenshot: {}", shot.display());
        s.finish().await
    });

    // The file, read directly: HK-01 confirmed by the signer, HK-02 pending,
    // every change in the audit log.
    assert!(db.is_file(), "the app used GIAONHAN_DB: {}", db.display());
    let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open the app's database");
    let receipt = |unit: &str| -> (String, Option<String>) {
        conn.query_row(
            "SELECT r.status, r.signed_by FROM receipt r \
             JOIN unit u ON u.id = r.unit_id JOIN batch b ON b.id = r.batch_id \
             WHERE b.code = 'D1-2025' AND u.code = ?1",
            [unit],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the receipt row")
    };
    assert_eq!(receipt("HK-01"), ("confirmed".into(), Some("Nguyễn Thị Hoa".into())));
    let letterhead = giaonhan::Store::open(&db)
        .and_then(|s| s.letterhead())
        .expect("the letterhead given at first start");
    assert_eq!(
        (
            letterhead.parent_body.as_str(),
            letterhead.issuing_body.as_str(),
            letterhead.place.as_str()
        ),
        ("ĐẢNG BỘ TỈNH NGHỆ AN", "VĂN PHÒNG TỈNH ỦY", "Nghệ An")
    );
    assert_eq!(receipt("HK-02").0, "pending");
    let texts = giaonhan_tests::stored_texts(&db);
    for name in [
        "Đảng bộ xã Hương Khê",
        "Chi bộ thôn Đông Trung",
        "Chi bộ thôn Ấp Thượng",
    ] {
        assert!(texts.iter().any(|t| t == name), "{name} stored as typed (NFC)");
    }
    let (log_rows, app_rows): (i64, i64) = conn
        .query_row(
            "SELECT count(*), count(*) FILTER (WHERE method = 'app') FROM audit_log",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("count audit rows");
    assert!(
        log_rows >= 6,
        "3 units, 1 document, 1 batch, 1 confirmation: {log_rows}"
    );
    assert_eq!(log_rows, app_rows, "every change was made through the app");
}

#[test]
fn first_run_sample_data_through_the_window() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (db, _work) = runtime().block_on(async {
        let s = start().await;
        let c = &s.client;

        wait_visible(c, "#demo-offer").await;
        click(c, "#demo-load").await;
        until("the demo offer to go away", || async {
            if let Some(err) = shown_error(c).await {
                panic!("loading the sample data failed: {err}");
            }
            (!visible(c, "#demo-offer").await).then_some(())
        })
        .await;

        open_screen(c, "units").await;
        until("the sample units", || async {
            (count(c, "#unit-tree [role=treeitem][data-code]").await >= 3).then_some(())
        })
        .await;
        open_screen(c, "outstanding").await;
        until("outstanding sample receipts", || async {
            (count(c, "#outstanding-table tr[data-batch]").await > 0).then_some(())
        })
        .await;
        screenshot(c, "sample-data").await;
        s.finish().await
    });

    let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open the app's database");
    let batches: i64 = conn
        .query_row("SELECT count(*) FROM batch", [], |r| r.get(0))
        .expect("count batches");
    assert_eq!(batches, 2, "the sample data has two batches");
}

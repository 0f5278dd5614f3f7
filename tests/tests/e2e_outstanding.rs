//! End-to-end test of the supervisor's outstanding list through the real
//! window: filters (day, committee, tier), the committee groups with their
//! subtotals, the print preview of the exact pages, the PDF saved from it (read
//! back with pdftotext) and the Excel export (read back by LibreOffice). The
//! register has fixed dates (`giaonhan_tests::fixtures::supervised`); files are
//! saved to GIAONHAN_SAVE_DIR instead of the native dialog.
#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};

use giaonhan_tests::cli;
use giaonhan_tests::e2e::*;
use giaonhan_tests::fixtures::supervised;
use giaonhan_tests::readers::{pdf_text, spreadsheet_rows};
use serde_json::json;

fn row(unit: &str) -> String {
    format!("#outstanding-table tr[data-unit=\"{unit}\"]")
}

/// Waits until a file with extension `ext` appears in `dir`.
async fn saved_file(dir: &Path, ext: &str) -> PathBuf {
    until(&format!("a .{ext} file in the save folder"), || async {
        std::fs::read_dir(dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|x| x == ext) && p.metadata().is_ok_and(|m| m.len() > 0))
    })
    .await
}

#[test]
fn filter_preview_and_save_the_outstanding_list() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let saves = tempfile::tempdir().expect("create the save folder");
    // The app reads it at run time; tauri-driver passes the environment on.
    std::env::set_var("GIAONHAN_SAVE_DIR", saves.path());

    runtime().block_on(async {
        let s = start_with(|db, _| supervised(db)).await;
        let c = &s.client;
        wait_visible(c, "#screen-outstanding").await;
        open_screen(c, "outstanding").await;

        // The day the list is drawn up for: all four receipts, committees in
        // Vietnamese order with their subtotals.
        set_date(c, "#out-as-of", "2025-08-30").await;
        until("the four outstanding receipts of 30/08/2025", || async {
            (count(c, "#outstanding-table tr[data-unit]").await == 4).then_some(())
        })
        .await;
        let groups = js(
            c,
            "return [...document.querySelectorAll('#outstanding-table tr.group')].map(r => r.dataset.group)",
            vec![],
        )
        .await;
        assert_eq!(groups, json!(["AT", "HK"]));
        assert!(text(c, "#out-count").await.starts_with("4 đơn vị chưa xác nhận"));
        assert!(text(c, &row("AT-02")).await.contains("Mức 3"), "tier badge");

        // One committee, found by its name without diacritics, then one tier.
        type_into(c, "#out-subtree", "huong khe").await;
        wait_visible(c, "#out-subtree-list [role=option][data-value=\"HK\"]").await;
        click(c, "#out-subtree-list [role=option][data-value=\"HK\"]").await;
        wait_visible(c, "#out-subtree-chips .chip[data-value=\"HK\"]").await;
        until("only Hương Khê's branches", || async {
            (count(c, "#outstanding-table tr[data-unit]").await == 2 && count(c, &row("AT-01")).await == 0)
                .then_some(())
        })
        .await;
        assert_eq!(
            text(c, "#outstanding-table tr[data-subtotal=\"HK\"]").await,
            "Cộng: 2 đơn vị, 2 lượt, 3 bản"
        );
        // The tier is one of the rarer filters, behind "Bộ lọc khác".
        assert!(!visible(c, "#out-tier").await, "rarer filters folded away");
        click(c, "#out-more").await;
        select(c, "#out-tier", "3").await;
        until("only the tier-3 receipt", || async {
            (count(c, "#outstanding-table tr[data-unit]").await == 1 && count(c, &row("HK-02")).await == 1)
                .then_some(())
        })
        .await;
        select(c, "#out-tier", "").await;
        until("both receipts again", || async {
            (count(c, "#outstanding-table tr[data-unit]").await == 2).then_some(())
        })
        .await;
        screenshot(c, "outstanding-filtered").await;

        // The preview shows the printed pages themselves.
        click(c, "#out-print").await;
        until("the preview's pages", || async {
            (count(c, "#print-preview[open] .print-page img").await >= 1).then_some(())
        })
        .await;
        let src = js(
            c,
            "return document.querySelector('.print-page img').src.slice(0, 24)",
            vec![],
        )
        .await;
        assert_eq!(src, json!("data:image/svg+xml;chars"));
        // Pages come a chunk at a time; the count is written when all are in.
        until("the preview's page count", || async {
            text(c, "#print-count")
                .await
                .contains("trang A4 khổ ngang")
                .then_some(())
        })
        .await;
        screenshot(c, "outstanding-preview").await;

        click(c, "#print-save").await;
        let pdf = saved_file(saves.path(), "pdf").await;
        until("the saved path announced", || async {
            status_text(c).await.contains(&pdf.display().to_string()).then_some(())
        })
        .await;
        let printed = pdf_text(&pdf);
        for s in [
            "DANH SÁCH ĐƠN VỊ CHƯA XÁC NHẬN ĐÃ NHẬN TÀI LIỆU",
            "Thuộc: Đảng bộ xã Hương Khê",
            "Tính đến ngày 30/08/2025",
            "Chi bộ thôn Ấp Thượng",
            "Chi bộ thôn Đông Trung",
            "0987 333 444",
        ] {
            assert!(printed.contains(s), "{s:?} missing from the saved PDF:\n{printed}");
        }
        assert!(!printed.contains("Chi bộ thôn Bắc Sơn"), "filtered out: {printed}");
        click(c, "#print-close").await;
        until("the preview to close", || async {
            (!visible(c, "#print-preview").await).then_some(())
        })
        .await;

        // The same rows as a spreadsheet.
        click(c, "#out-xlsx").await;
        let xlsx = saved_file(saves.path(), "xlsx").await;
        let sheet = spreadsheet_rows(&xlsx);
        let units: Vec<&str> = sheet[1..].iter().map(|r| r[2].as_str()).collect();
        assert_eq!(units, ["HK-02", "HK-01"]);

        // Another program (here the command line) confirms a receipt beside
        // the open window: the list drops its row by itself, filter kept.
        #[rustfmt::skip]
        cli::ok(&s.db, &["confirm", "--batch", "Đợt 2/2025", "--unit", "HK-01", "--by", "Nguyễn Thị Hoa",
                         "--at", "2025-08-22"]);
        until("the row confirmed elsewhere to go", || async {
            (count(c, &row("HK-01")).await == 0 && count(c, &row("HK-02")).await == 1).then_some(())
        })
        .await;
        assert!(text(c, "#out-count").await.starts_with("1 đơn vị chưa xác nhận"));
        assert_eq!(
            js(
                c,
                "return document.querySelectorAll('#out-subtree-chips .chip').length",
                vec![]
            )
            .await,
            json!(1)
        );

        s.finish().await
    });
}

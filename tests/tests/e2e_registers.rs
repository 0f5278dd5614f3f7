//! End-to-end tests of the registers through the real window (plumbing in
//! `giaonhan_tests::e2e`): importing a units file with bad rows through the file
//! input (preview with file:row:column, nothing written), then the fixed file;
//! search as you type without diacritics; and a dated merge of two communes
//! through the reorganisation form, checked in the tree, in the outstanding list
//! ("nhận thay") and in the SQLite file; the documents register's filters,
//! Vietnamese sorting and symbol warnings, and a long one drawn a page of rows
//! at a time; a unit tree with many branches under one unit drawn a hundred
//! rows at a time; and a reorganisation plan checked
//! (errors, counts, the trees before and after side by side) and applied.
#![cfg(target_os = "linux")]

use std::path::Path;

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use giaonhan_tests::cli::ok as cli;
use giaonhan_tests::e2e::*;
use serde_json::json;

/// A units file with a child before its parent and three bad rows: an unknown
/// parent code (row 6), a duplicate code (row 7) and an empty name (row 8).
const UNITS_BAD: &str = "\u{feff}Mã,Tên,Mã cấp trên,Loại\r\n\
HK-01,Chi bộ thôn Đông Trung,HK,Chi bộ\r\n\
HT,Tỉnh ủy Hà Tĩnh,,Đảng bộ tỉnh\r\n\
HK,Đảng bộ xã Hương Khê,HT,Đảng bộ xã\r\n\
PD,Đảng bộ xã Phúc Đồng,HT,Đảng bộ xã\r\n\
X9,Chi bộ thôn Chín,ZZ,Chi bộ\r\n\
PD,Đảng bộ xã Phúc Đồng mới,HT,Đảng bộ xã\r\n\
HL-01,,HT,Chi bộ\r\n";

/// The same file with the bad rows fixed.
const UNITS_FIXED: &str = "\u{feff}Mã,Tên,Mã cấp trên,Loại\r\n\
HK-01,Chi bộ thôn Đông Trung,HK,Chi bộ\r\n\
HT,Tỉnh ủy Hà Tĩnh,,Đảng bộ tỉnh\r\n\
HK,Đảng bộ xã Hương Khê,HT,Đảng bộ xã\r\n\
PD,Đảng bộ xã Phúc Đồng,HT,Đảng bộ xã\r\n\
HL,Đảng bộ xã Hà Linh,HT,Đảng bộ xã\r\n";

fn unit_count(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open the app's database");
    conn.query_row("SELECT count(*) FROM unit", [], |r| r.get(0))
        .expect("count units")
}

/// Chooses a file for import the way an unattended run does: the app was
/// started with `GIAONHAN_OPEN_DIR` set to the file's folder, the window's
/// unattended field names the file instead of the native dialog, and the Rust
/// side reads it from there (its bytes never pass through the window).
async fn choose_file(c: &Client, path: &Path) {
    wait_visible(c, "#import-choose").await;
    let name = path.file_name().expect("a file name").to_string_lossy().into_owned();
    js(
        c,
        "document.querySelector('#import-unattended').value = arguments[0];",
        vec![json!(name)],
    )
    .await;
    click(c, "#import-choose").await;
    until("the chosen file's name", || async {
        let shown = js(
            c,
            "return document.querySelector('#import-file-name').textContent;",
            vec![],
        )
        .await;
        shown
            .as_str()
            .filter(|t| t.starts_with(&format!("{name} (")))
            .map(str::to_owned)
    })
    .await;
}

/// Clicks "Kiểm tra" and waits for the summary of the check.
async fn check_file(c: &Client) -> String {
    click(c, "#import-check").await;
    until("the import summary", || async {
        let text = js(
            c,
            "const busy = !document.querySelector('#import-busy').hidden; \
             const t = document.querySelector('#import-summary').textContent.trim(); \
             return busy ? '' : t;",
            vec![],
        )
        .await;
        text.as_str().filter(|t| !t.is_empty()).map(str::to_owned)
    })
    .await
}

async fn commit_disabled(c: &Client) -> bool {
    js(c, "return document.querySelector('#import-commit').disabled;", vec![]).await == json!(true)
}

async fn texts(c: &Client, css: &str) -> Vec<String> {
    let value = js(
        c,
        "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent.trim());",
        vec![json!(css)],
    )
    .await;
    value
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn dismiss_demo(c: &Client) {
    wait_visible(c, "#demo-offer").await;
    click(c, "#demo-dismiss").await;
    until("the demo offer to go away", || async {
        (!visible(c, "#demo-offer").await).then_some(())
    })
    .await;
}

fn tree_item(code: &str) -> String {
    format!("#unit-tree [role=treeitem][data-code=\"{code}\"]")
}

#[test]
fn import_units_with_errors_then_fixed_file() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // The folder files are opened from without the native dialog.
    let inputs = tempfile::tempdir().expect("a folder for the files to import");
    std::env::set_var("GIAONHAN_OPEN_DIR", inputs.path());
    let (db, _work) = runtime().block_on(async {
        let s = start().await;
        let c = &s.client;
        dismiss_demo(c).await;

        let bad = inputs.path().join("don-vi.csv");
        std::fs::write(&bad, UNITS_BAD).expect("write the bad file");
        let fixed = inputs.path().join("don-vi-da-sua.csv");
        std::fs::write(&fixed, UNITS_FIXED).expect("write the fixed file");
        // Over the 50 MB an import takes (sparse: its size is what counts).
        let huge = inputs.path().join("don-vi-lon.csv");
        std::fs::File::create(&huge)
            .and_then(|f| f.set_len(51 * 1024 * 1024))
            .expect("write the huge file");

        open_screen(c, "import").await;
        c.find(Locator::Css("#import-register"))
            .await
            .expect("find the register choice")
            .select_by_value("units")
            .await
            .expect("choose the units register");

        // A file over the limit is refused with what to do, nothing read.
        choose_file(c, &huge).await;
        click(c, "#import-check").await;
        let error = until("the error about the size", || async { shown_error(c).await }).await;
        assert!(
            error.contains("quá giới hạn 50 MB") && error.contains("chia thành nhiều tệp"),
            "error: {error}"
        );
        assert!(commit_disabled(c).await);

        choose_file(c, &bad).await;
        assert!(commit_disabled(c).await, "no import before a check");

        // The check: every row in the preview, each error at file:row:column.
        let summary = check_file(c).await;
        assert!(summary.contains("3 lỗi"), "summary: {summary}");
        wait_visible(c, "#import-preview").await;
        assert_eq!(
            count(c, "#import-preview tbody tr[data-row]").await,
            7,
            "every row's outcome"
        );
        for row in [6, 7, 8] {
            let css = format!("#import-preview tr[data-row=\"{row}\"].row-error");
            assert_eq!(count(c, &css).await, 1, "row {row} is highlighted as an error");
        }
        assert_eq!(count(c, "#import-preview tr.row-error").await, 3);
        let issues = texts(c, "#import-issues li.issue-error").await;
        for expected in ["don-vi.csv:6:Mã cấp trên: ", "don-vi.csv:7:Mã: ", "don-vi.csv:8:Tên: "] {
            assert!(
                issues.iter().any(|i| i.contains(expected)),
                "an error at {expected:?} in {issues:?}"
            );
        }
        assert!(
            issues.iter().any(|i| i.contains("ZZ")),
            "the unknown parent code is named: {issues:?}"
        );
        assert!(commit_disabled(c).await, "no import after a check with errors");
        screenshot(c, "import-preview-errors").await;
        assert_eq!(unit_count(&s.db), 0, "a check with errors writes nothing");

        // The fixed file: no error, the import goes through.
        choose_file(c, &fixed).await;
        assert!(commit_disabled(c).await, "a new file needs a new check");
        let summary = check_file(c).await;
        assert!(summary.contains("5 thêm mới"), "summary: {summary}");
        assert_eq!(count(c, "#import-preview tr.row-error").await, 0);
        assert!(!commit_disabled(c).await, "import allowed after a clean check");
        assert_eq!(unit_count(&s.db), 0, "a check alone writes nothing");
        let status = submit_until_status(c, "#import-commit").await;
        assert!(status.contains("Đã nhập 5"), "status: {status}");
        assert_eq!(unit_count(&s.db), 5);

        // The same file again: nothing to add.
        choose_file(c, &bad).await;
        choose_file(c, &fixed).await;
        let summary = check_file(c).await;
        assert!(
            summary.contains("0 thêm mới") && summary.contains("5 đã có"),
            "summary: {summary}"
        );
        assert!(commit_disabled(c).await, "nothing to import the second time");

        // The units in the tree: the top level open, a count per subtree, a
        // branch revealed with the keyboard (ArrowRight on its commune).
        open_screen(c, "units").await;
        wait_visible(c, &tree_item("HK")).await;
        let count_text = texts(c, &format!("{} .tree-count", tree_item("HT"))).await;
        assert_eq!(
            count_text.first().map(String::as_str),
            Some("4 đơn vị trực thuộc"),
            "{count_text:?}"
        );
        assert!(!visible(c, &tree_item("HK-01")).await, "HK is collapsed at first");
        let hk = c.find(Locator::Css(&tree_item("HK"))).await.expect("find HK");
        hk.click().await.expect("click HK");
        hk.send_keys(&Key::Right).await.expect("ArrowRight on HK");
        wait_visible(c, &tree_item("HK-01")).await;
        // The tree is redrawn on every toggle: read it afresh.
        let expanded = js(
            c,
            "return document.querySelector(arguments[0]).getAttribute('aria-expanded');",
            vec![json!(tree_item("HK"))],
        )
        .await;
        assert_eq!(expanded, json!("true"));
        c.find(Locator::Css(&tree_item("HK")))
            .await
            .expect("find HK again")
            .send_keys(&Key::Down)
            .await
            .expect("ArrowDown");
        let focused = js(c, "return document.activeElement?.dataset?.code ?? null;", vec![]).await;
        assert_eq!(focused, json!("HK-01"), "ArrowDown moves to the branch");
        screenshot(c, "units-tree-after-import").await;
        s.finish().await
    });

    assert_eq!(unit_count(&db), 5);
    let texts = giaonhan_tests::stored_texts(&db);
    assert!(texts.iter().any(|t| t == "Đảng bộ xã Hương Khê"), "names stored in NFC");
}

#[test]
fn search_without_diacritics_then_merge_two_communes() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let merged_on = day(-1);
    let (db, _work) = runtime().block_on(async {
        // Units, a document and a batch handed to three communes, through the CLI.
        let s = start_with(|db, work| {
            let units = work.join("units.csv");
            std::fs::write(&units, UNITS_FIXED).expect("write the units file");
            cli(db, &["unit", "import", &units.to_string_lossy()]);
            cli(
                db,
                &[
                    "doc",
                    "add",
                    "--symbol",
                    "05-KH/HU",
                    "--title",
                    "Kế hoạch học tập",
                    "--copies",
                    "50",
                ],
            );
            cli(
                db,
                &[
                    "batch",
                    "new",
                    "--code",
                    "D1",
                    "--title",
                    "Đợt 1",
                    "--handed",
                    &day(-10),
                    "--due",
                    &day(-3),
                    "--doc",
                    "05-KH/HU:2",
                    "--unit",
                    "HK",
                    "--unit",
                    "PD",
                    "--unit",
                    "HL",
                ],
            );
        })
        .await;
        let c = &s.client;
        wait_visible(c, "#screen-outstanding").await;

        // Search as you type, without diacritics; Enter selects the first result.
        open_screen(c, "units").await;
        wait_visible(c, &tree_item("HT")).await;
        // A unit the command line adds beside the open window shows in its
        // tree without a restart, and the tree keeps the keyboard's place.
        click(c, &tree_item("HK")).await;
        cli(
            &s.db,
            &[
                "unit",
                "add",
                "--code",
                "TT",
                "--name",
                "Đảng bộ xã Thạch Trị",
                "--parent",
                "HT",
            ],
        );
        until("the unit added beside the window", || async {
            (count(c, &tree_item("TT")).await == 1).then_some(())
        })
        .await;
        assert_eq!(
            js(c, "return document.activeElement.dataset.code ?? null;", vec![]).await,
            json!("HK"),
            "the focus stays on its unit"
        );
        type_into(c, "#unit-search", "huong khe").await;
        wait_visible(c, "#unit-search-results li[data-code=\"HK\"]").await;
        let first = texts(c, "#unit-search-results li[data-code]").await;
        assert!(
            first.first().is_some_and(|t| t.contains("Đảng bộ xã Hương Khê")),
            "Hương Khê first: {first:?}"
        );
        screenshot(c, "unit-search").await;
        c.find(Locator::Css("#unit-search"))
            .await
            .expect("find the search field")
            .send_keys(&Key::Enter)
            .await
            .expect("press Enter");
        until("Hương Khê selected in the tree", || async {
            let sel = js(
                c,
                "const e = document.querySelector('#unit-tree [aria-selected=\"true\"]'); \
                 return e && document.activeElement === e ? e.dataset.code : null;",
                vec![],
            )
            .await;
            (sel == json!("HK")).then_some(())
        })
        .await;
        wait_visible(c, "#unit-detail[data-code=\"HK\"] #unit-detail-body").await;
        let heading = texts(c, "#unit-detail-heading").await;
        assert_eq!(heading, vec!["Đảng bộ xã Hương Khê".to_owned()]);
        assert!(!visible(c, "#unit-search-results").await, "the results close");

        // Appoint a secretary from a month ago.
        click(c, "#signer-open").await;
        type_into(c, "#signer-name", "Nguyễn Văn An").await;
        set_date(c, "#signer-from", &day(-30)).await;
        submit_until_status(c, "#signer-submit").await;
        until("the secretary in the detail panel", || async {
            let people = texts(c, "#unit-signers li[data-role=\"secretary\"]").await;
            people
                .iter()
                .any(|t| t.starts_with("Bí thư: Nguyễn Văn An"))
                .then_some(())
        })
        .await;

        // Merge Hương Khê and Phúc Đồng into Hà Linh, effective yesterday.
        c.find(Locator::Css("#reorg-kind"))
            .await
            .expect("find the reorganisation kind")
            .select_by_value("merge")
            .await
            .expect("choose merge");
        type_into(c, "#reorg-from", "HK, PD").await;
        type_into(c, "#reorg-into", "HL").await;
        set_date(c, "#reorg-on", &merged_on).await;
        type_into(c, "#reorg-reason", "Nghị quyết 01-NQ/TU sáp nhập xã").await;
        let status = submit_until_status(c, "#reorg-submit").await;
        assert!(status.contains("hợp nhất"), "status: {status}");

        // Today's tree: the two communes are gone, Hà Linh has their branch.
        until("HK to leave today's tree", || async {
            (count(c, &tree_item("HK")).await == 0).then_some(())
        })
        .await;
        assert_eq!(count(c, &tree_item("PD")).await, 0);
        let hl = texts(c, &format!("{} .tree-count", tree_item("HL"))).await;
        assert_eq!(hl.first().map(String::as_str), Some("1 đơn vị trực thuộc"), "{hl:?}");
        wait_visible(c, "#unit-detail[data-code=\"HL\"] #unit-detail-body").await;
        screenshot(c, "tree-after-merge").await;

        // The tree as it stood five days ago still has them.
        set_date(c, "#tree-as-of", &day(-5)).await;
        wait_visible(c, &tree_item("HK")).await;
        wait_visible(c, &tree_item("PD")).await;
        // Its details as they stood that day (asked for that day: the tree
        // carries no secretaries): its branch, its secretary then.
        click(c, &tree_item("HK")).await;
        until("Hương Khê's details of five days ago", || async {
            let shown = texts(c, "#unit-detail[data-code=\"HK\"] #unit-detail-fields dd").await;
            let then = shown.iter().any(|t| t == "Nguyễn Văn An") && shown.iter().any(|t| t == "1 (trực tiếp 1)");
            then.then_some(())
        })
        .await;

        // Outstanding: Hà Linh answers for the receipts of the merged communes.
        open_screen(c, "outstanding").await;
        let rows = "#outstanding-table tr[data-batch=\"D1\"][data-unit=\"HL\"]";
        until("three receipts under Hà Linh", || async {
            (count(c, rows).await == 3).then_some(())
        })
        .await;
        let notes = texts(c, &format!("{rows} .in-place-of")).await;
        assert!(
            notes.iter().any(|t| t == "nhận thay cho Đảng bộ xã Hương Khê (HK)"),
            "nhận thay: {notes:?}"
        );
        assert!(
            notes.iter().any(|t| t == "nhận thay cho Đảng bộ xã Phúc Đồng (PD)"),
            "nhận thay: {notes:?}"
        );
        screenshot(c, "outstanding-after-merge").await;
        s.finish().await
    });

    // The file: both communes closed on the merge date with Hà Linh as successor.
    let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open the app's database");
    let hl: i64 = conn
        .query_row("SELECT id FROM unit WHERE code = 'HL'", [], |r| r.get(0))
        .expect("HL");
    for code in ["HK", "PD"] {
        let (closed, successor): (String, Option<i64>) = conn
            .query_row(
                "SELECT closed_on, successor_id FROM unit WHERE code = ?1",
                [code],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("the merged unit");
        assert_eq!(closed, merged_on, "{code} closed on the merge date");
        assert_eq!(successor, Some(hl), "{code} succeeded by HL");
    }
    let (hl_closed,): (String,) = conn
        .query_row("SELECT closed_on FROM unit WHERE code = 'HL'", [], |r| Ok((r.get(0)?,)))
        .expect("HL");
    assert_eq!(hl_closed, "9999-12-31", "HL stays open");
}

#[test]
fn documents_register_filters_sorting_and_warnings() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (db, _work) = runtime().block_on(async {
        let s = start_with(|db, _| {
            for (symbol, title, date, class) in [
                ("05-KH/HU", "Kế hoạch học tập nghị quyết", "2025-01-15", "normal"),
                ("45-CT/TW", "Chỉ thị về công tác tuyên truyền", "2024-03-01", "secret"),
                ("12-XYZ/HU", "Đề án phát triển văn hoá", "2025-02-01", "normal"),
                ("369-CV/BTGTU", "Công văn triển khai học tập", "2025-05-05", "normal"),
            ] {
                cli(
                    db,
                    &[
                        "doc",
                        "add",
                        "--symbol",
                        symbol,
                        "--title",
                        title,
                        "--date",
                        date,
                        "--copies",
                        "10",
                        "--classification",
                        class,
                    ],
                );
            }
        })
        .await;
        let c = &s.client;
        // Documents without units: the app still counts as empty and offers the
        // sample data once it has started.
        until("the app to finish starting", || async {
            (visible(c, "#demo-offer").await || visible(c, "#screen-outstanding").await).then_some(())
        })
        .await;
        open_screen(c, "documents").await;
        let rows = "#documents-table tbody tr[data-symbol]";
        until("four documents", || async { (count(c, rows).await == 4).then_some(()) }).await;

        // An unknown type is accepted with a visible warning next to the symbol.
        let warning = js(
            c,
            "const m = document.querySelector('#documents-table tr[data-symbol=\"12-XYZ/HU\"] .warn-mark'); \
             return m ? m.title : null;",
            vec![],
        )
        .await;
        assert!(
            warning.as_str().is_some_and(|t| !t.is_empty()),
            "a warning on 12-XYZ/HU: {warning}"
        );
        assert_eq!(
            count(c, "#documents-table tr[data-symbol=\"05-KH/HU\"] .warn-mark").await,
            0
        );

        // Text without diacritics, then a year.
        type_into(c, "#doc-filter-text", "chi thi").await;
        until("only the directive", || async {
            let shown = texts(c, "#documents-table tbody th.code").await;
            (shown.len() == 1 && shown[0].starts_with("45-CT/TW")).then_some(())
        })
        .await;
        js(
            c,
            "const e = document.querySelector('#doc-filter-text'); e.value = ''; \
             e.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![],
        )
        .await;
        until("every document again", || async {
            (count(c, rows).await == 4).then_some(())
        })
        .await;
        c.find(Locator::Css("#doc-filter-year"))
            .await
            .expect("find the year filter")
            .select_by_value("2025")
            .await
            .expect("choose 2025");
        until("the documents of 2025", || async {
            (count(c, rows).await == 3).then_some(())
        })
        .await;
        c.find(Locator::Css("#doc-filter-year"))
            .await
            .expect("find the year filter")
            .select_by_value("")
            .await
            .expect("every year");

        // Sorting by summary in Vietnamese order: C < Đ < K, "Chỉ" before "Công".
        click(c, "#documents-table th[data-sort=\"title\"] button").await;
        let order = |texts: Vec<String>| {
            texts
                .into_iter()
                .map(|t| t.chars().take(12).collect::<String>())
                .collect::<Vec<_>>()
        };
        let titles = order(texts(c, "#documents-table tbody tr[data-symbol] td:nth-child(2)").await);
        assert_eq!(
            titles,
            vec!["Chỉ thị về c", "Công văn tri", "Đề án phát t", "Kế hoạch học"],
            "ascending by summary"
        );
        let sort = js(
            c,
            "return document.querySelector('#documents-table th[data-sort=\"title\"]').getAttribute('aria-sort');",
            vec![],
        )
        .await;
        assert_eq!(sort, json!("ascending"));
        click(c, "#documents-table th[data-sort=\"title\"] button").await;
        let titles = order(texts(c, "#documents-table tbody tr[data-symbol] td:nth-child(2)").await);
        assert_eq!(titles.first().map(String::as_str), Some("Kế hoạch học"), "descending");

        // A new document with its term (khóa).
        type_into(c, "#doc-symbol", "01-NQ/ĐU").await;
        type_into(c, "#doc-title", "Nghị quyết đại hội").await;
        type_into(c, "#doc-copies", "5").await;
        type_into(c, "#doc-term", "2025-2030").await;
        submit_until(c, "#doc-submit", "#documents-table tr[data-symbol=\"01-NQ/ĐU\"]").await;
        let term = texts(c, "#documents-table tr[data-symbol=\"01-NQ/ĐU\"] .sub").await;
        assert_eq!(term, vec!["Khóa 2025-2030".to_owned()]);
        js(c, "document.querySelector('#doc-filters').scrollIntoView();", vec![]).await;
        screenshot(c, "documents-register").await;
        s.finish().await
    });

    let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open the app's database");
    let docs: i64 = conn
        .query_row("SELECT count(*) FROM document", [], |r| r.get(0))
        .expect("count documents");
    assert_eq!(docs, 5);
}

/// The tree before a reorganisation plan: a province, two districts, three
/// communes, two of them with a branch.
const PLAN_UNITS: &str = "Mã,Tên,Mã cấp trên,Loại\n\
HT,Đảng bộ tỉnh Hà Tĩnh,,Đảng bộ tỉnh\n\
H1,Đảng bộ huyện Hương Khê,HT,Đảng bộ huyện\n\
H2,Đảng bộ huyện Vũ Quang,HT,Đảng bộ huyện\n\
XA,Đảng bộ xã Hương Long,H1,Đảng bộ xã\n\
XB,Đảng bộ xã Phú Gia,H1,Đảng bộ xã\n\
XC,Đảng bộ xã Đức Lĩnh,H2,Đảng bộ xã\n\
XA-1,Chi bộ thôn 1,XA,Chi bộ\n\
XB-1,Chi bộ thôn Gia Phú,XB,Chi bộ\n";

/// XA and XB merge into a new commune under the province, XC moves under
/// the province and is renamed, and both districts close; a first version
/// names an old unit the register does not have.
const PLAN_BAD: &str = "Mã cũ,Mã mới,Tên mới,Mã cấp trên mới,Loại mới,Chính\n\
XA,XHK,Đảng bộ xã Hương Khê,HT,Đảng bộ xã,\n\
XB,XHK,,,,\n\
KHONGCO,XHK,,,,\n\
XC,XC,Đảng bộ xã Đức Lĩnh mới,HT,,\n\
H1,,,,,\n\
H2,,,,,\n";

/// The window's part of the plan: choose a file, a date and a reason, check
/// (every row's outcome, errors at file:row:column, "Áp dụng" kept off), check
/// the fixed file (counts, the tree before and from the date side by side),
/// then apply: the register's tree from the date is the new one, the day
/// before it the old one. The empty plan saved from the window opens in a
/// real spreadsheet reader with its columns.
#[test]
fn a_reorganisation_plan_is_checked_shown_before_and_after_and_applied() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let inputs = tempfile::tempdir().expect("a folder for the plans");
    std::fs::write(inputs.path().join("don-vi.csv"), PLAN_UNITS).expect("units");
    std::fs::write(inputs.path().join("ke-hoach-loi.csv"), PLAN_BAD).expect("bad plan");
    let fixed = PLAN_BAD.replace("KHONGCO,XHK,,,,\n", "");
    std::fs::write(inputs.path().join("ke-hoach.csv"), fixed).expect("plan");
    std::env::set_var("GIAONHAN_OPEN_DIR", inputs.path());
    let saves = tempfile::tempdir().expect("a folder for saved files");
    std::env::set_var("GIAONHAN_SAVE_DIR", saves.path());
    let units = inputs.path().join("don-vi.csv");
    let (db, _work) = runtime().block_on(async {
        let s = start_with(|db, _| {
            cli(db, &["unit", "import", units.to_str().expect("path")]);
        })
        .await;
        let c = &s.client;
        open_screen(c, "import").await;
        wait_visible(c, "#plan-choose").await;

        let choose = |name: &'static str| async move {
            js(
                c,
                "document.querySelector('#plan-unattended').value = arguments[0];",
                vec![json!(name)],
            )
            .await;
            click(c, "#plan-choose").await;
            until("the plan's name", || async {
                (text(c, "#plan-file-name").await == name).then_some(())
            })
            .await;
        };
        let check = || async {
            click(c, "#plan-check").await;
            until("the plan's check", || async {
                let head = text(c, "#plan-head").await;
                (!head.is_empty()).then_some(head)
            })
            .await
        };

        // The plan with an unknown old unit: every error named, nothing kept.
        choose("ke-hoach-loi.csv").await;
        type_into(c, "#plan-on", "01/07/2025").await;
        type_into(c, "#plan-reason", "Nghị quyết 60-NQ/TW").await;
        let head = check().await;
        assert!(head.contains(" lỗi; chưa thay đổi gì"), "{head}");
        let errors = texts(c, "#plan-issues li").await;
        assert!(
            errors
                .iter()
                .any(|e| e.contains("ke-hoach-loi.csv:4:Mã cũ") && e.contains("KHONGCO")),
            "{errors:?}"
        );
        assert_eq!(
            js(
                c,
                "return document.querySelector('#plan-rows tr[data-row=\"4\"]').dataset.action;",
                vec![]
            )
            .await,
            json!("error")
        );
        assert!(
            js(c, "return document.querySelector('#plan-apply').disabled;", vec![]).await == json!(true),
            "no applying a plan with errors"
        );

        // The fixed plan: the counts and the trees side by side.
        choose("ke-hoach.csv").await;
        let head = check().await;
        assert!(head.contains("khi áp dụng từ ngày 01/07/2025"), "{head}");
        let counts = texts(c, "#plan-counts li").await;
        for want in ["tạo mới 1", "sáp nhập 2", "giải thể 2"] {
            assert!(counts.iter().any(|l| l == want), "{want} missing from {counts:?}");
        }
        wait_visible(c, "#plan-trees").await;
        let before = texts(c, "#plan-tree-before li").await;
        let after = texts(c, "#plan-tree-after li").await;
        assert!(before.iter().any(|u| u.ends_with("(H1)")), "{before:?}");
        assert!(
            !after.iter().any(|u| u.ends_with("(H1)") || u.ends_with("(XA)")),
            "{after:?}"
        );
        assert!(after.iter().any(|u| u == "Đảng bộ xã Hương Khê (XHK)"), "{after:?}");
        assert!(after.iter().any(|u| u == "Đảng bộ xã Đức Lĩnh mới (XC)"), "{after:?}");
        screenshot(c, "plan-checked").await;

        // Applied: one transaction, the tree of today is the new one.
        assert_eq!(unit_count(&s.db), 8, "nothing written by the checks");
        click(c, "#plan-apply").await;
        let done = until("the plan to apply", || async {
            let status = text(c, "#status").await;
            status.contains("Đã áp dụng kế hoạch").then_some(status)
        })
        .await;
        assert!(done.contains("ke-hoach.csv"), "{done}");

        // An empty plan to fill in.
        click(c, "#plan-template").await;
        until("the template to be saved", || async {
            text(c, "#status").await.contains("Đã lưu tệp").then_some(())
        })
        .await;
        s.finish().await
    });
    std::env::remove_var("GIAONHAN_OPEN_DIR");
    std::env::remove_var("GIAONHAN_SAVE_DIR");
    let template = giaonhan_tests::readers::spreadsheet_rows(&saves.path().join("mau-phuong-an-sap-xep.xlsx"));
    assert_eq!(
        template.first().map(|r| r.join(",")).as_deref(),
        Some("Mã cũ,Mã mới,Tên mới,Mã cấp trên mới,Loại mới,Chính"),
        "{template:?}"
    );
    let today: serde_json::Value =
        serde_json::from_str(&cli(&db, &["unit", "list", "--format", "json"])).expect("JSON");
    let codes: Vec<&str> = today
        .as_array()
        .expect("units")
        .iter()
        .filter_map(|u| u["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"XHK") && !codes.contains(&"H1") && !codes.contains(&"XA"),
        "{codes:?}"
    );
    let before: serde_json::Value = serde_json::from_str(&cli(
        &db,
        &["unit", "list", "--as-of", "2025-06-30", "--format", "json"],
    ))
    .expect("JSON");
    let codes: Vec<&str> = before
        .as_array()
        .expect("units")
        .iter()
        .filter_map(|u| u["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"H1") && codes.contains(&"XA") && !codes.contains(&"XHK"),
        "{codes:?}"
    );
}

/// The district register's 300 documents: the first 200 drawn, the rest a
/// button away, and a filter finds any of them at once.
#[test]
fn a_long_documents_register_draws_a_page_of_rows_at_a_time() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s = start_with(|db, _| giaonhan_tests::fixtures::district_demo(db)).await;
        let c = &s.client;
        wait_visible(c, "#screen-outstanding").await;
        open_screen(c, "documents").await;
        let rows = "#documents-table tbody tr[data-symbol]";
        until("the first 200 documents", || async { (count(c, rows).await == 200).then_some(()) }).await;
        assert_eq!(text(c, "#documents-count").await, "(300)");
        let more = text(c, "#documents-more").await;
        assert!(more.contains("100") && more.contains("còn 100"), "{more}");
        click_below(c, "#documents-more").await;
        until("all 300 documents", || async { (count(c, rows).await == 300).then_some(()) }).await;
        assert_eq!(count(c, "#documents-more").await, 0, "nothing left to show");
        let symbol = js(
            c,
            "const r = document.querySelectorAll('#documents-table tbody tr[data-symbol]'); return r[r.length - 1].dataset.symbol;",
            vec![],
        )
        .await;
        let symbol = symbol.as_str().expect("the last symbol").to_owned();
        // A filter starts again from the first rows, and finds the last one.
        type_into(c, "#doc-filter-text", &symbol).await;
        until("the filtered document", || async {
            let shown = js(c, "return [...document.querySelectorAll('#documents-table tbody tr[data-symbol]')].map(r => r.dataset.symbol)", vec![]).await;
            shown.as_array().is_some_and(|a| a.iter().any(|v| v == &json!(symbol)) && a.len() < 200).then_some(())
        })
        .await;
        s.finish().await
    });
}

#[test]
fn a_wide_unit_tree_draws_a_hundred_rows_at_a_time() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s = start_with(|db, work| {
            giaonhan_tests::fixtures::commune_units(db);
            // 150 more branches under HK: 153 rows with HK open.
            let mut csv = String::from("code,name,parent,kind\n");
            for i in 0..150 {
                csv.push_str(&format!(
                    "HK-{:03},Chi bộ tổ dân phố {:03},HK,Chi bộ\n",
                    i + 100,
                    i + 100
                ));
            }
            let file = work.join("chi-bo.csv");
            std::fs::write(&file, csv).expect("write the units file");
            cli(db, &["unit", "import", file.to_str().expect("path")]);
        })
        .await;
        let c = &s.client;
        open_screen(c, "units").await;
        let items = "#unit-tree [role=treeitem]";
        until("the first hundred rows", || async {
            (count(c, items).await == 100).then_some(())
        })
        .await;
        assert_eq!(text(c, "#units-count").await, "(153)");
        assert_eq!(text(c, "#unit-tree .tree-more").await, "… còn 53 đơn vị");
        // Scrolled to the end of what is drawn: the rest comes.
        js(
            c,
            "const t = document.querySelector('#unit-tree'); t.scrollTop = t.scrollHeight;",
            vec![],
        )
        .await;
        until("every row", || async { (count(c, items).await == 153).then_some(()) }).await;
        assert_eq!(count(c, "#unit-tree .tree-more").await, 0, "nothing left to draw");

        // Closed and opened again from the keyboard: a hundred rows again;
        // End reaches the rows not drawn and draws them.
        c.find(Locator::Css(&tree_item("HK")))
            .await
            .expect("HK")
            .click()
            .await
            .expect("click HK");
        press(c, &Key::Left).await;
        until("HK closed", || async { (count(c, items).await == 1).then_some(()) }).await;
        press(c, &Key::Right).await;
        until("a hundred rows again", || async {
            (count(c, items).await == 100).then_some(())
        })
        .await;
        press(c, &Key::End).await;
        until("the last branch focused", || async {
            let code = js(c, "return document.activeElement?.dataset?.code ?? null", vec![]).await;
            code.as_str().filter(|code| *code == "HK-249").map(str::to_owned)
        })
        .await;
        assert_eq!(count(c, items).await, 153);
        s.finish().await
    });
}

//! End-to-end test of batches, delivery slips and confirmations through the real
//! window (plumbing in `giaonhan_tests::e2e`): a batch to a subtree built with the
//! units × documents quantity grid (one unit's copies changed from the keyboard,
//! one unit for information only, more copies than on hand with a reason), its
//! slips shown in the print preview right after saving and saved from it as
//! PDF (read back with `pdftotext`), then one unit confirmed by
//! receipt code, one partially, one declined, one by a deputy (ký thay), a
//! mistyped code caught, and a confirmation undone with a reason and redone.
//! Afterwards the SQLite file is read directly; screenshots go to
//! `target/e2e-artifacts/`.
#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};

use fantoccini::key::Key;
use fantoccini::Client;
use giaonhan_tests::cli::ok as cli;
use giaonhan_tests::e2e::*;
use giaonhan_tests::readers::pdf_text;
use serde_json::{json, Value};

const BATCH: &str = "Đ2-2025";

/// The branches of the commune HK: code, name, secretary.
const BRANCHES: [(&str, &str, &str); 5] = [
    ("HK-01", "Chi bộ thôn Đông Trung", "Nguyễn Thị Hoa"),
    ("HK-02", "Chi bộ thôn Ấp Thượng", "Lê Văn Bình"),
    ("HK-03", "Chi bộ thôn Trung Hòa", "Phan Đình Quý"),
    ("HK-04", "Chi bộ thôn Phúc Sơn", "Hoàng Văn Tư"),
    ("HK-05", "Chi bộ Trường THCS Hương Khê", "Võ Thị Nga"),
];

/// Two communes (HK with five branches, PD with one) and two documents; the
/// second has only 3 copies on hand.
fn prepare(db: &Path) {
    cli(db, &["init"]);
    cli(
        db,
        &[
            "unit",
            "add",
            "--code",
            "HK",
            "--name",
            "Đảng bộ xã Hương Khê",
            "--kind",
            "Đảng bộ cơ sở",
        ],
    );
    for (code, name, secretary) in BRANCHES {
        cli(
            db,
            &[
                "unit",
                "add",
                "--code",
                code,
                "--name",
                name,
                "--parent",
                "HK",
                "--kind",
                "Chi bộ",
                "--secretary",
                secretary,
            ],
        );
    }
    cli(
        db,
        &[
            "unit",
            "add",
            "--code",
            "PD",
            "--name",
            "Đảng bộ xã Phúc Đồng",
            "--kind",
            "Đảng bộ cơ sở",
        ],
    );
    cli(
        db,
        &[
            "unit",
            "add",
            "--code",
            "PD-01",
            "--name",
            "Chi bộ thôn Tân Phúc",
            "--parent",
            "PD",
            "--kind",
            "Chi bộ",
        ],
    );
    cli(
        db,
        &[
            "doc",
            "add",
            "--symbol",
            "05-KH/HU",
            "--title",
            "Kế hoạch học tập, quán triệt Nghị quyết Hội nghị Trung ương 5 khóa XIII",
            "--date",
            "2025-01-15",
            "--copies",
            "50",
        ],
    );
    cli(
        db,
        &[
            "doc",
            "add",
            "--symbol",
            "12-CT/TU",
            "--title",
            "Chỉ thị về tăng cường công tác tuyên truyền",
            "--date",
            "2025-02-03",
            "--copies",
            "3",
        ],
    );
}

fn cell(unit: &str, symbol: &str) -> String {
    format!("#qty-grid input.qty-cell[data-unit=\"{unit}\"][data-symbol=\"{symbol}\"]")
}

fn row(unit: &str) -> String {
    format!("#outstanding-table tr[data-batch=\"{BATCH}\"][data-unit=\"{unit}\"]")
}

async fn value(c: &Client, css: &str) -> String {
    let v = js(
        c,
        "return document.querySelector(arguments[0])?.value ?? null;",
        vec![json!(css)],
    )
    .await;
    v.as_str().unwrap_or_else(|| panic!("{css} has a value")).to_owned()
}

/// `data-unit` and `data-symbol` of the focused element.
async fn focused_cell(c: &Client) -> Value {
    js(
        c,
        "const e = document.activeElement; return [e?.dataset?.unit ?? null, e?.dataset?.symbol ?? null];",
        vec![],
    )
    .await
}

/// The pages of the open print preview once laid out (None while it works).
async fn preview_pages(c: &Client) -> Option<usize> {
    let busy = js(
        c,
        "return document.querySelector('#print-pages')?.getAttribute('aria-busy') === 'true';",
        vec![],
    )
    .await;
    if busy == json!(true) {
        return None;
    }
    let n = count(c, "#print-preview[open] .print-page img").await;
    (n > 0).then_some(n)
}

async fn open_row_dialog(c: &Client, unit: &str) {
    click(c, &format!("{} button.confirm", row(unit))).await;
    wait_dialog(c).await;
}

/// The receipt codes of the batch, per unit, read from the file.
fn receipt_codes(db: &Path) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open the app's database");
    let mut stmt = conn
        .prepare(
            "SELECT u.code, r.code FROM receipt r JOIN unit u ON u.id = r.unit_id \
             JOIN batch b ON b.id = r.batch_id WHERE b.code = ?1 ORDER BY u.code",
        )
        .expect("prepare");
    stmt.query_map([BATCH], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|rows| rows.collect())
        .expect("read the receipt codes")
}

/// A code with one character replaced by another valid one: a typo.
fn mistype(code: &str) -> String {
    let mut chars: Vec<char> = code.chars().collect();
    chars[3] = if chars[3] == '7' { '8' } else { '7' };
    chars.into_iter().collect()
}

#[test]
fn batch_with_grid_slips_and_every_kind_of_confirmation() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // Saves (the slips PDF) go here without a dialog; the app inherits the
    // variable through tauri-driver and WebKitWebDriver like GIAONHAN_DB.
    let saves = tempfile::tempdir().expect("create the save folder");
    std::env::set_var("GIAONHAN_SAVE_DIR", saves.path());

    let (db, _work, pdf) = runtime().block_on(async {
        let s = start_with(|db, _| prepare(db)).await;
        let c = &s.client;
        // A database with units opens on the outstanding screen.
        wait_visible(c, "#screen-outstanding").await;

        // ---- the batch ------------------------------------------------------
        open_screen(c, "batch").await;
        type_into(c, "#batch-code", BATCH).await;
        type_into(c, "#batch-title", "Học tập Nghị quyết Hội nghị Trung ương 5 khóa XIII").await;
        set_date(c, "#batch-handed", &day(-5)).await;
        set_date(c, "#batch-due", &day(2)).await;
        select(c, "#batch-method", "post").await;
        type_into(c, ".doc-qty[data-symbol=\"05-KH/HU\"]", "2").await;
        type_into(c, ".doc-qty[data-symbol=\"12-CT/TU\"]", "1").await;
        // The subtree HK: its five branches, not PD-01.
        click(c, ".unit-pick[data-code=\"HK\"]").await;
        wait_visible(c, &cell("HK-05", "12-CT/TU")).await;
        assert_eq!(
            count(c, "#qty-grid tbody tr[data-unit]").await,
            5,
            "one grid row per branch"
        );
        assert_eq!(count(c, "#qty-grid tr[data-unit=\"PD-01\"]").await, 0);
        assert_eq!(
            value(c, &cell("HK-02", "05-KH/HU")).await,
            "2",
            "cells start at the default"
        );

        // Shortcut: 3 copies of 05-KH/HU for every unit (the column default), then 2 again.
        type_into(c, "#qty-value", "3").await;
        select(c, "#qty-doc", "05-KH/HU").await;
        click(c, "#qty-all").await;
        assert_eq!(value(c, ".doc-qty[data-symbol=\"05-KH/HU\"]").await, "3");
        assert_eq!(value(c, &cell("HK-03", "05-KH/HU")).await, "3");
        assert_eq!(
            value(c, &cell("HK-03", "12-CT/TU")).await,
            "1",
            "other documents untouched"
        );
        // Per kind: 1 copy of 12-CT/TU for every "Chi bộ" (the default already).
        type_into(c, "#qty-value", "1").await;
        select(c, "#qty-doc", "12-CT/TU").await;
        let status = submit_until_status(c, "#qty-kind-chi-bo").await;
        assert!(status.contains("5 đơn vị loại “Chi bộ”"), "per-kind fill: {status}");
        assert_eq!(value(c, &cell("HK-03", "12-CT/TU")).await, "1");
        select(c, "#qty-doc", "05-KH/HU").await;
        type_into(c, "#qty-value", "2").await;
        click(c, "#qty-all").await;
        assert_eq!(value(c, &cell("HK-03", "05-KH/HU")).await, "2");

        // Keyboard, in the grid's row order (units sorted the Vietnamese way):
        // click HK-02's cell, type 5 (replaces the 2), Enter moves down, ↓ and ↑
        // move along the column, → moves across.
        let order: Vec<String> = serde_json::from_value(
            js(
                c,
                "return [...document.querySelectorAll('#qty-grid tbody tr')].map(r => r.dataset.unit);",
                vec![],
            )
            .await,
        )
        .expect("the grid's rows");
        assert_eq!(
            order,
            ["HK-02", "HK-01", "HK-04", "HK-03", "HK-05"],
            "rows in Vietnamese order of the names (Ấp, Đông, Phúc, Trung, Trường)"
        );
        click(c, &cell("HK-02", "05-KH/HU")).await;
        press(c, "5").await;
        assert_eq!(value(c, &cell("HK-02", "05-KH/HU")).await, "5", "typing replaced the 2");
        press(c, &Key::Enter).await;
        assert_eq!(focused_cell(c).await, json!(["HK-01", "05-KH/HU"]), "Enter moves down");
        press(c, &Key::Down).await;
        assert_eq!(focused_cell(c).await, json!(["HK-04", "05-KH/HU"]), "↓ moves down");
        press(c, &Key::Up).await;
        assert_eq!(focused_cell(c).await, json!(["HK-01", "05-KH/HU"]), "↑ moves up");
        // Across: to the neighbouring document column, and back.
        let cols: Vec<String> = serde_json::from_value(
            js(
                c,
                "return [...document.querySelectorAll('#qty-grid thead th[id^=qg-c]')].map(t => t.textContent);",
                vec![],
            )
            .await,
        )
        .expect("the grid's columns");
        let here = cols.iter().position(|s| s == "05-KH/HU").expect("a column");
        let (there, back) = if here > 0 {
            (Key::Left, Key::Right)
        } else {
            (Key::Right, Key::Left)
        };
        let neighbour = if here > 0 { &cols[here - 1] } else { &cols[here + 1] };
        press(c, &there).await;
        assert_eq!(focused_cell(c).await, json!(["HK-01", neighbour]), "←/→ move across");
        press(c, &back).await;
        assert_eq!(focused_cell(c).await, json!(["HK-01", "05-KH/HU"]), "…and back");
        assert!(
            !visible(c, "#print-preview").await
                && count(c, &format!("#batch-list tr[data-batch=\"{BATCH}\"]")).await == 0,
            "Enter in the grid did not save the batch"
        );

        // HK-05 receives for information only.
        click(c, ".info-pick[data-unit=\"HK-05\"]").await;

        // Totals: 05-KH/HU 2+5+2+2+2 = 13 of 50; 12-CT/TU 5 of 3: over, reason needed.
        let t1 = text(c, "#qty-grid tfoot td[data-symbol=\"05-KH/HU\"]").await;
        assert!(t1.starts_with("13 / 50"), "total of 05-KH/HU: {t1}");
        let t2 = text(c, "#qty-grid tfoot td[data-symbol=\"12-CT/TU\"]").await;
        assert!(t2.starts_with("5 / 3"), "total of 12-CT/TU: {t2}");
        assert_eq!(count(c, "#qty-grid tfoot td.over[data-symbol=\"12-CT/TU\"]").await, 1);
        assert_eq!(count(c, "#qty-grid tfoot td.over[data-symbol=\"05-KH/HU\"]").await, 0);
        wait_visible(c, "#batch-over-reason").await;
        screenshot(c, "batch-grid").await;

        // Saving without the reason is refused, linked to the field.
        click(c, "#batch-submit").await;
        let err = until("the over-stock error", || async { shown_error(c).await }).await;
        assert!(err.contains("vượt"), "over-stock error: {err}");
        type_into(c, "#batch-over-reason", "Phô tô thêm 2 bản tại văn phòng").await;
        let status = submit_until_status(c, "#batch-submit").await;
        assert!(status.contains(BATCH), "status names the batch: {status}");
        assert!(status.contains("5 đơn vị"), "five recipients: {status}");

        // ---- slips: in the preview at once, two per page, saved as PDF ------
        let one_up = until("the slips' preview", || async { preview_pages(c).await }).await;
        assert_eq!(one_up, 5, "one slip per unit, for information too");
        select(c, "#print-choice-per-page", "2").await;
        until("two slips per page", || async {
            preview_pages(c).await.filter(|n| *n < one_up).map(|_| ())
        })
        .await;
        click(c, "#print-save").await;
        let pdf: PathBuf = until("the slips to be saved", || async {
            if let Some(err) = shown_error(c).await {
                panic!("printing the slips failed: {err}");
            }
            std::fs::read_dir(saves.path())
                .ok()?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .find(|p| p.extension().is_some_and(|x| x == "pdf") && p.metadata().is_ok_and(|m| m.len() > 0))
        })
        .await;
        let saved = until("the saved path announced", || async {
            let t = status_text(c).await;
            t.contains(".pdf").then_some(t)
        })
        .await;
        assert!(saved.contains(&pdf.display().to_string()), "the path is shown: {saved}");
        screenshot(c, "batch-slips-saved").await;
        click(c, "#print-close").await;

        // ---- outstanding: four must confirm, HK-05 is for information ---------
        open_screen(c, "outstanding").await;
        wait_visible(c, &row("HK-04")).await;
        assert_eq!(
            count(c, &format!("#outstanding-table tr[data-batch=\"{BATCH}\"]")).await,
            4
        );
        assert_eq!(count(c, &row("HK-05")).await, 0, "for information: never outstanding");
        let codes = receipt_codes(&s.db);
        let code_of = |unit: &str| -> String {
            codes
                .iter()
                .find(|(u, _)| u == unit)
                .map(|(_, c)| c.clone())
                .unwrap_or_else(|| panic!("a receipt for {unit}"))
        };

        // 1. HK-01 from its returned slip: the code typed in lower case with a hyphen.
        let hk01 = code_of("HK-01");
        let typed = format!("{}-{}", &hk01[..4], &hk01[4..]).to_lowercase();
        type_into(c, "#code-input", &typed).await;
        click(c, "#code-lookup").await;
        wait_dialog(c).await;
        let what = text(c, "#confirm-what").await;
        assert!(
            what.contains("Chi bộ thôn Đông Trung"),
            "the dialog names the unit: {what}"
        );
        let hk01_shown = format!("{}-{}", &hk01[..4], &hk01[4..]);
        assert!(what.contains(&hk01_shown), "…and the code as on the slip: {what}");
        assert_eq!(value(c, "#confirm-mode").await, "slip", "a code means a returned slip");
        assert_eq!(text(c, "#code-result dd").await, "Chi bộ thôn Đông Trung (HK-01)");
        type_into(c, "#confirm-by", "Nguyễn Thị Hoa").await;
        submit_dialog(c).await;
        until("HK-01 to leave the list", || async {
            (count(c, &row("HK-01")).await == 0).then_some(())
        })
        .await;
        until("the slip to show it confirmed", || async {
            (count(c, "#code-status[data-status=\"confirmed\"]").await == 1).then_some(())
        })
        .await;

        // 2. HK-02 partially: 3 of its 5 copies of 05-KH/HU.
        open_row_dialog(c, "HK-02").await;
        let qty = "input.confirm-qty[data-symbol=\"05-KH/HU\"]";
        assert_eq!(value(c, qty).await, "5", "prefilled with the copies handed");
        assert_eq!(value(c, "input.confirm-qty[data-symbol=\"12-CT/TU\"]").await, "1");
        type_into(c, qty, "3").await;
        type_into(c, "#confirm-by", "Lê Văn Bình").await;
        type_into(c, "#confirm-note", "Thiếu 2 bản, văn phòng gửi bổ sung").await;
        screenshot(c, "confirm-dialog-partial").await;
        submit_dialog(c).await;
        wait_visible(c, &format!("{} .badge-partial", row("HK-02"))).await;

        // 3. HK-03 declined, with the reason.
        open_row_dialog(c, "HK-03").await;
        type_into(c, "#confirm-by", "Phan Đình Quý").await;
        click(c, "#confirm-decline").await;
        type_into(c, "#confirm-decline-reason", "Nhận nhầm đợt, trả lại văn bản").await;
        submit_dialog(c).await;
        wait_visible(c, &format!("{} .badge-declined", row("HK-03"))).await;

        // 4. HK-04 signed by the deputy, on the unit's behalf.
        open_row_dialog(c, "HK-04").await;
        select(c, "#confirm-mode", "in_person").await;
        type_into(c, "#confirm-by", "Trần Thị Lan").await;
        let ticked = js(
            c,
            "return document.querySelector('#confirm-on-behalf').checked;",
            vec![],
        )
        .await;
        if ticked != json!(true) {
            click(c, "#confirm-on-behalf").await;
        }
        // The deputy signs on the pad: a stroke of pointer events.
        js(
            c,
            "const pad = document.querySelector('#confirm-signature');
             const box = pad.getBoundingClientRect();
             const at = (type, x, y) => pad.dispatchEvent(new PointerEvent(type, {
                 bubbles: true, pointerId: 1, clientX: box.left + x, clientY: box.top + y }));
             at('pointerdown', 20, 60);
             for (let i = 1; i <= 20; i++) at('pointermove', 20 + i * 15, 60 + (i % 2 ? 25 : -25));
             at('pointerup', 320, 60);
             return true;",
            vec![],
        )
        .await;
        screenshot(c, "confirm-signature").await;
        submit_dialog(c).await;
        until("HK-04 to leave the list", || async {
            (count(c, &row("HK-04")).await == 0).then_some(())
        })
        .await;
        assert_eq!(count(c, &row("HK-02")).await, 1, "partial stays on the list");
        assert_eq!(count(c, &row("HK-03")).await, 1, "declined stays on the list");
        screenshot(c, "outstanding-partial-declined").await;

        // 5. A typo in a code is caught by its check character.
        let typo = mistype(&code_of("HK-02"));
        type_into(c, "#code-input", &typo).await;
        click(c, "#code-lookup").await;
        let err = until("the typo to be refused", || async { shown_error(c).await }).await;
        assert!(err.contains("Nhập mã nhận:"), "the error names the field: {err}");
        assert!(err.contains(&typo), "…and the code typed: {err}");
        assert!(err.contains("kiểm tra"), "the check character caught it: {err}");
        let invalid = js(
            c,
            "return document.querySelector('#code-input').getAttribute('aria-invalid');",
            vec![],
        )
        .await;
        assert_eq!(invalid, json!("true"), "the code field is marked");
        assert!(!dialog_open(c).await, "no dialog for a typo");
        screenshot(c, "receipt-code-typo").await;

        // 6. Undo HK-01's confirmation with a reason, then confirm it again.
        type_into(c, "#code-input", &hk01).await;
        click(c, "#code-lookup").await;
        wait_visible(c, "#code-undo").await;
        assert!(!dialog_open(c).await, "a confirmed slip opens no dialog");
        click(c, "#code-undo").await;
        type_into(c, "#undo-reason", "Nhập nhầm phiếu của đơn vị khác").await;
        let status = submit_until_status(c, "#undo-submit").await;
        assert!(status.contains("huỷ xác nhận"), "undo reported: {status}");
        wait_visible(c, &row("HK-01")).await;
        click(c, "#code-confirm").await;
        wait_dialog(c).await;
        // The dialog remembers the last method used (HK-04's, in person);
        // this one came back on its slip.
        assert_eq!(value(c, "#confirm-mode").await, "in_person", "the last method used");
        select(c, "#confirm-mode", "slip").await;
        type_into(c, "#confirm-by", "Nguyễn Thị Hoa").await;
        submit_dialog(c).await;
        until("HK-01 to leave the list again", || async {
            (count(c, &row("HK-01")).await == 0).then_some(())
        })
        .await;
        screenshot(c, "outstanding-after-confirmations").await;

        let (db, work) = s.finish().await;
        (db, work, pdf)
    });

    // ---- the slips PDF -----------------------------------------------------
    let slips = pdf_text(&pdf);
    for (_, name, _) in BRANCHES {
        assert!(slips.contains(name), "the slips name {name}:\n{slips}");
    }
    assert!(!slips.contains("Chi bộ thôn Tân Phúc"), "PD-01 got no slip");
    assert!(
        slips.contains("05-KH/HU") && slips.contains("12-CT/TU"),
        "documents listed"
    );

    // ---- the file ------------------------------------------------------------
    let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open the app's database");
    let receipt = |unit: &str| -> (String, bool, bool, Option<String>, Option<String>) {
        conn.query_row(
            "SELECT r.status, r.on_behalf, r.must_confirm, r.signed_by, r.confirm_method FROM receipt r \
             JOIN unit u ON u.id = r.unit_id JOIN batch b ON b.id = r.batch_id \
             WHERE b.code = ?1 AND u.code = ?2",
            [BATCH, unit],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap_or_else(|e| panic!("the receipt of {unit}: {e}"))
    };
    let line = |unit: &str, symbol: &str| -> (i64, Option<i64>) {
        conn.query_row(
            "SELECT l.quantity, l.received FROM receipt_line l JOIN receipt r ON r.id = l.receipt_id \
             JOIN unit u ON u.id = r.unit_id JOIN batch b ON b.id = r.batch_id \
             JOIN document d ON d.id = l.document_id WHERE b.code = ?1 AND u.code = ?2 AND d.symbol = ?3",
            [BATCH, unit, symbol],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap_or_else(|e| panic!("the line {unit} {symbol}: {e}"))
    };

    let (status, on_behalf, must, by, method) = receipt("HK-01");
    assert_eq!(
        (status.as_str(), on_behalf, must, by.as_deref(), method.as_deref()),
        ("confirmed", false, true, Some("Nguyễn Thị Hoa"), Some("slip"))
    );
    let (status, on_behalf, _, by, _) = receipt("HK-02");
    assert_eq!(
        (status.as_str(), on_behalf, by.as_deref()),
        ("partial", false, Some("Lê Văn Bình"))
    );
    assert_eq!(line("HK-02", "05-KH/HU"), (5, Some(3)), "5 handed (grid), 3 received");
    assert_eq!(line("HK-02", "12-CT/TU"), (1, None), "arrived in full");
    assert_eq!(receipt("HK-03").0, "declined");
    let signature: Option<Vec<u8>> = conn
        .query_row(
            "SELECT r.signature FROM receipt r JOIN unit u ON u.id = r.unit_id WHERE u.code = 'HK-04'",
            [],
            |r| r.get(0),
        )
        .expect("signature column");
    let png = signature.expect("the drawn signature is stored with HK-04's receipt");
    assert!(png.starts_with(b"\x89PNG"), "stored as PNG");
    let (status, on_behalf, _, by, method) = receipt("HK-04");
    assert_eq!(
        (status.as_str(), on_behalf, by.as_deref(), method.as_deref()),
        ("confirmed", true, Some("Trần Thị Lan"), Some("in_person"))
    );
    let (status, _, must, _, _) = receipt("HK-05");
    assert_eq!((status.as_str(), must), ("pending", false), "HK-05 for information");
    assert_eq!(line("HK-01", "05-KH/HU"), (2, None), "the default quantity");

    let declined_note: Option<String> = conn
        .query_row(
            "SELECT r.note FROM receipt r JOIN unit u ON u.id = r.unit_id WHERE u.code = 'HK-03'",
            [],
            |r| r.get(0),
        )
        .expect("HK-03's note");
    assert_eq!(declined_note.as_deref(), Some("Nhận nhầm đợt, trả lại văn bản"));

    let method: String = conn
        .query_row("SELECT method FROM batch WHERE code = ?1", [BATCH], |r| r.get(0))
        .expect("the batch's method");
    assert_eq!(method, "post");
    let actions: Vec<String> = conn
        .prepare("SELECT action FROM audit_log ORDER BY id")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("read the audit log");
    for action in ["batch.over_stock", "batch.create", "receipt.undo"] {
        assert!(actions.iter().any(|a| a == action), "{action} logged: {actions:?}");
    }
    assert_eq!(
        actions.iter().filter(|a| *a == "receipt.confirm").count(),
        5,
        "HK-01 twice, HK-02, HK-03, HK-04: {actions:?}"
    );
}

/// From the first screen to a new batch with its code and title typed.
async fn new_batch(c: &Client, code: &str, title: &str) {
    wait_visible(c, "#screen-outstanding").await;
    open_screen(c, "batch").await;
    type_into(c, "#batch-code", code).await;
    type_into(c, "#batch-title", title).await;
}

/// One commune with one branch, and 05-KH/HU of two committee terms (numbers
/// run per term).
fn prepare_two_terms(db: &Path, _work: &Path) {
    cli(db, &["init"]);
    cli(db, &["unit", "add", "--code", "HK", "--name", "Đảng bộ xã Hương Khê"]);
    cli(
        db,
        &[
            "unit",
            "add",
            "--code",
            "HK-01",
            "--name",
            "Chi bộ thôn Đông Trung",
            "--parent",
            "HK",
        ],
    );
    for term in ["XII", "XIII"] {
        cli(
            db,
            &[
                "doc",
                "add",
                "--symbol",
                "05-KH/HU",
                "--term",
                term,
                "--title",
                &format!("Kế hoạch của khóa {term}"),
                "--copies",
                "10",
            ],
        );
    }
}

/// The batch screen shows one row per document, each with its term, and
/// hands out the one whose quantity was typed, not the latest term's of the
/// same symbol; both at once are refused with a message that says why.
#[test]
fn one_symbol_of_two_terms_hands_out_the_row_typed_in() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let db = runtime().block_on(async {
        let s = start_with(prepare_two_terms).await;
        let c = &s.client;
        new_batch(c, "Đ5-2025", "Kế hoạch của nhiệm kỳ trước").await;
        assert_eq!(
            count(c, ".doc-qty[data-symbol=\"05-KH/HU\"]").await,
            2,
            "a row per term"
        );
        let uid = |title: &'static str| async move {
            let uid = js(
                c,
                "return [...document.querySelectorAll('.doc-qty')] \
                   .find((i) => i.closest('tr').cells[1].textContent === arguments[0])?.dataset.uid ?? null;",
                vec![json!(title)],
            )
            .await;
            format!(".doc-qty[data-uid=\"{}\"]", uid.as_str().expect("the row of a term"))
        };
        let (old, new) = (uid("Kế hoạch của khóa XII").await, uid("Kế hoạch của khóa XIII").await);
        let rows = text(c, "#batch-docs-table tbody").await;
        assert!(
            rows.contains("Khóa XII") && rows.contains("Khóa XIII"),
            "terms shown: {rows}"
        );
        click(c, ".unit-pick[data-code=\"HK-01\"]").await;
        type_into(c, &old, "2").await;
        type_into(c, &new, "1").await;
        click(c, "#batch-submit").await;
        let err = until("two terms in one batch to be refused", || async {
            shown_error(c).await
        })
        .await;
        assert!(err.contains("hai nhiệm kỳ"), "the error says why: {err}");
        type_into(c, &new, "0").await;
        let status = submit_until_status(c, "#batch-submit").await;
        assert!(status.contains("Đ5-2025"), "saved: {status}");

        // The outstanding list narrowed to a document: the symbol alone is
        // every term's, SYMBOL@TERM one term's, both offered as typed.
        // (The batch's slips opened in the print preview: closed first.)
        until("the slips' preview", || async {
            visible(c, "#print-preview").await.then_some(())
        })
        .await;
        press(c, &Key::Escape).await;
        until("the preview closed", || async {
            (!visible(c, "#print-preview").await).then_some(())
        })
        .await;
        open_screen(c, "outstanding").await;
        click(c, "#out-more").await;
        let offered = until("the documents offered", || async {
            let v = js(
                c,
                "return [...document.querySelectorAll('#out-document-list option')].map((o) => o.value);",
                vec![],
            )
            .await;
            let v: Vec<String> = serde_json::from_value(v).expect("option values");
            v.iter().any(|o| o.contains('@')).then_some(v)
        })
        .await;
        for o in ["05-KH/HU", "05-KH/HU@XII", "05-KH/HU@XIII"] {
            assert!(offered.iter().any(|v| v == o), "{o} offered: {offered:?}");
        }
        let rows = "#outstanding-table tbody tr[data-batch=\"Đ5-2025\"]";
        for (document, shown) in [("05-KH/HU@XIII", false), ("05-KH/HU@XII", true), ("05-KH/HU", true)] {
            type_into(c, "#out-document", document).await;
            click(c, "#out-apply").await;
            until(&format!("the list for {document}"), || async {
                let line = text(c, "#out-count").await;
                let narrowed = [")", ","]
                    .iter()
                    .any(|end| line.contains(&format!("văn bản {document}{end}")));
                (narrowed && (count(c, rows).await > 0) == shown).then_some(())
            })
            .await;
        }
        s.finish().await
    });
    let (db, _work) = db;
    let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open the app's database");
    let lines: Vec<(String, i64)> = conn
        .prepare(
            "SELECT d.title, l.quantity FROM receipt_line l JOIN receipt r ON r.id = l.receipt_id
             JOIN batch b ON b.id = r.batch_id JOIN document d ON d.id = l.document_id WHERE b.code = 'Đ5-2025'",
        )
        .and_then(|mut st| st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .expect("read the batch's lines");
    assert_eq!(
        lines,
        [("Kế hoạch của khóa XII".to_owned(), 2)],
        "the old term's document"
    );
}

/// 20 communes of 20 branches each: 400 branches of kind "Chi bộ".
fn prepare_400(db: &Path, work: &Path) {
    let mut csv = String::from("Mã,Tên,Mã cấp trên,Loại\r\n");
    for x in 1..=20 {
        csv.push_str(&format!("X{x:02},Đảng bộ xã số {x},,Đảng bộ cơ sở\r\n"));
        for b in 1..=20 {
            csv.push_str(&format!("X{x:02}-{b:02},Chi bộ thôn {b} xã {x},X{x:02},Chi bộ\r\n"));
        }
    }
    let file = work.join("400-chi-bo.csv");
    std::fs::write(&file, csv).expect("write the units file");
    cli(db, &["init"]);
    cli(db, &["unit", "import", &file.to_string_lossy()]);
    cli(
        db,
        &[
            "doc",
            "add",
            "--symbol",
            "05-KH/HU",
            "--title",
            "Kế hoạch học tập nghị quyết",
            "--copies",
            "2000",
        ],
    );
}

#[test]
fn grid_of_400_branches_by_kind_from_the_keyboard() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let db = runtime().block_on(async {
        let s = start_with(prepare_400).await;
        let c = &s.client;
        new_batch(c, "Đ3-2025", "Tài liệu học tập cho mọi chi bộ").await;
        type_into(c, ".doc-qty[data-symbol=\"05-KH/HU\"]", "1").await;

        // Every open unit of the kind "Chi bộ": the grid gets 400 rows at once.
        wait_visible(c, "#batch-kind input.kind-pick[value=\"Chi bộ\"]").await;
        let ms = js(
            c,
            "const box = document.querySelector('#batch-kind input.kind-pick[value=\"Chi bộ\"]'); \
             const t = performance.now(); box.click(); return performance.now() - t;",
            vec![],
        )
        .await
        .as_f64()
        .expect("a duration");
        eprintln!("400-row grid drawn in {ms:.0} ms");
        assert_eq!(count(c, "#qty-grid tbody tr[data-unit]").await, 400);
        assert!(ms < 3000.0, "ticking a kind redraws the grid quickly: {ms:.0} ms");
        let total = text(c, "#batch-total").await;
        assert!(total.contains("400 đơn vị nhận"), "total line: {total}");

        // Down the column from the keyboard: 3 for the first branch, then ten rows down.
        let order: Vec<String> = serde_json::from_value(
            js(
                c,
                "return [...document.querySelectorAll('#qty-grid tbody tr')].map(r => r.dataset.unit);",
                vec![],
            )
            .await,
        )
        .expect("the grid's rows");
        click(c, &cell(&order[0], "05-KH/HU")).await;
        press(c, "3").await;
        press(c, &Key::Enter).await;
        for _ in 0..10 {
            press(c, &Key::Down).await;
        }
        assert_eq!(focused_cell(c).await, json!([order[11], "05-KH/HU"]));
        // 0 there: that branch would get nothing, refused before saving and linked to its cell.
        press(c, "0").await;
        click(c, "#batch-submit").await;
        let err = until("the empty row to be refused", || async { shown_error(c).await }).await;
        assert!(err.contains(&order[11]), "the error names the unit: {err}");
        assert_eq!(
            focused_cell(c).await,
            json!([null, null]),
            "focus is on the error summary"
        );
        click(c, "#error-summary-list a").await;
        assert_eq!(
            focused_cell(c).await,
            json!([order[11], "05-KH/HU"]),
            "the link leads to the cell"
        );
        press(c, "2").await;
        let t = text(c, "#qty-grid tfoot td[data-symbol=\"05-KH/HU\"]").await;
        assert!(t.starts_with("403 / 2.000"), "3 + 2 + 398 × 1 of 2.000: {t}");
        screenshot(c, "batch-grid-400").await;

        let status = submit_until_status(c, "#batch-submit").await;
        assert!(status.contains("400 đơn vị nhận"), "saved: {status}");
        let (db, work) = s.finish().await;
        (db, work, order)
    });
    let (db, _work, order) = db;

    let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open the app's database");
    let receipts: i64 = conn
        .query_row(
            "SELECT count(*) FROM receipt r JOIN batch b ON b.id = r.batch_id WHERE b.code = 'Đ3-2025'",
            [],
            |r| r.get(0),
        )
        .expect("count receipts");
    assert_eq!(receipts, 400, "one receipt per branch, in one batch");
    let copies = |unit: &str| -> Option<i64> {
        conn.query_row(
            "SELECT r.copies FROM receipt r JOIN unit u ON u.id = r.unit_id WHERE u.code = ?1",
            [unit],
            |r| r.get(0),
        )
        .ok()
    };
    assert_eq!(copies(&order[0]), Some(3));
    assert_eq!(copies(&order[1]), Some(1));
    assert_eq!(copies(&order[11]), Some(2));
}

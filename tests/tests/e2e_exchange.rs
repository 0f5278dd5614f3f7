//! End-to-end test of the exchange between offices through the real window
//! (plumbing in `giaonhan_tests::e2e`): two registers prepared with the CLI,
//! a province (HT) and a commune (HK) that trust each other, and a batch the
//! province sent into a folder. The app opens on the commune's register: on
//! "Trao đổi" it shows the identity and the province as a trusted office,
//! receives the packet from the folder (named in `GIAONHAN_OPEN_DIR` instead
//! of the native dialog), and the batch appears in "Hộp đến", where its
//! receipt is confirmed in the confirm dialog; "Gửi gói" writes the packet
//! back, and the province's CLI applies it: the receipt is confirmed there,
//! by packet. The province's recall of two classified copies shows in
//! "Hộp đến" too: the commune records their return in the return dialog and
//! the province has them back from the same packet. Screenshots go to
//! `target/e2e-artifacts/`. A province that
//! receives many packets sees how far the run is.
#![cfg(target_os = "linux")]

use std::path::Path;
use std::process::Command;

use fantoccini::Client;
use giaonhan_scale::exchange::{make, Month};
use giaonhan_tests::e2e::*;
use serde_json::{json, Value};

fn giaonhan(db: &Path, args: &[&str]) -> String {
    let out = Command::new(giaonhan_tests::binary("giaonhan"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("GIAONHAN_DB")
        .env_remove("GIAONHAN_OPEN_DIR")
        .output()
        .expect("run giaonhan");
    assert!(
        out.status.success(),
        "giaonhan {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn fingerprint(db: &Path) -> String {
    let shown: Value = serde_json::from_str(&giaonhan(db, &["site", "show", "--format", "json"])).expect("JSON");
    shown[0]["fingerprint"].as_str().expect("fingerprint").to_owned()
}

fn add_units(db: &Path) {
    giaonhan(
        db,
        &[
            "unit",
            "add",
            "--code",
            "HT",
            "--name",
            "Đảng bộ tỉnh Hà Tĩnh",
            "--kind",
            "Đảng bộ tỉnh",
        ],
    );
    #[rustfmt::skip]
    giaonhan(db, &["unit", "add", "--code", "HK", "--name", "Đảng bộ xã Hương Khê", "--kind", "Đảng bộ cơ sở",
                   "--parent", "HT"]);
}

/// The province's register in `dir` with a batch D1 of 5 copies to HK, the
/// commune's register at `commune`, each trusting the other, and the
/// province's first packet written into `stick`.
fn prepare(dir: &Path, commune: &Path, stick: &Path) -> std::path::PathBuf {
    let province = dir.join("province.sqlite3");
    giaonhan(&province, &["init"]);
    add_units(&province);
    #[rustfmt::skip]
    giaonhan(&province, &["doc", "add", "--symbol", "12-NQ/TU", "--title", "Nghị quyết về công tác tuyên giáo",
                          "--date", "2025-01-10", "--copies", "100"]);
    let (handed, due) = (day(-3), day(10));
    #[rustfmt::skip]
    giaonhan(&province, &["batch", "new", "--code", "D1", "--title", "Đợt 1 năm 2025", "--handed", &handed,
                          "--due", &due, "--doc", "12-NQ/TU:5", "--unit", "HK"]);
    // Two numbered copies of a Mật resolution to HK, then recalled.
    #[rustfmt::skip]
    giaonhan(&province, &["doc", "add", "--symbol", "07-NQ/TU", "--title", "Nghị quyết về bảo vệ chính trị nội bộ",
                          "--date", "2025-01-10", "--copies", "4", "--classification", "Mật"]);
    #[rustfmt::skip]
    giaonhan(&province, &["batch", "new", "--code", "M1", "--title", "Đợt mật", "--handed", &handed,
                          "--due", &due, "--doc", "07-NQ/TU:2", "--unit", "HK"]);
    #[rustfmt::skip]
    giaonhan(&province, &["recall", "new", "--code", "TH1", "--symbol", "07-NQ/TU", "--due", &day(20),
                          "--reason", "Thu hồi sau học tập"]);
    giaonhan(&province, &["site", "init", "--unit", "HT"]);
    add_units(commune);
    giaonhan(commune, &["site", "init", "--unit", "HK"]);
    for (from, to) in [(province.as_path(), commune), (commune, province.as_path())] {
        let card = dir.join("the.card");
        giaonhan(from, &["site", "export", "--out", card.to_str().expect("path")]);
        giaonhan(
            to,
            &[
                "peer",
                "add",
                card.to_str().expect("path"),
                "--fingerprint",
                &fingerprint(from),
            ],
        );
    }
    std::fs::create_dir_all(stick).expect("stick");
    giaonhan(&province, &["sync", "send", "--out", stick.to_str().expect("path")]);
    province
}

/// Names a folder or file inside `GIAONHAN_OPEN_DIR` for the next dialog.
async fn name_in_open_dir(c: &Client, name: &str) {
    js(
        c,
        "document.querySelector('#exchange-unattended').value = arguments[0]; return true;",
        vec![json!(name)],
    )
    .await;
}

#[test]
fn a_packet_received_in_the_window_is_confirmed_in_the_inbox_and_sent_back() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let folders = tempfile::tempdir().expect("a folder for the province and the sticks");
    let open_dir = folders.path().join("open");
    std::fs::create_dir_all(open_dir.join("up")).expect("folders");
    std::env::set_var("GIAONHAN_OPEN_DIR", &open_dir);
    let province = std::cell::RefCell::new(None);
    let (db, _work) = runtime().block_on(async {
        let s = start_with(|db, _| {
            *province.borrow_mut() = Some(prepare(folders.path(), db, &open_dir.join("down")));
        })
        .await;
        let c = &s.client;
        let ours = fingerprint(&s.db);

        // "Trao đổi" (Alt+9): the identity and the province as a trusted office.
        wait_visible(c, "#screen-outstanding").await;
        press(
            c,
            &format!("{}9{}", fantoccini::key::Key::Alt, fantoccini::key::Key::Null),
        )
        .await;
        wait_visible(c, "#screen-exchange").await;
        until("the identity", || async {
            let shown = text(c, "#exchange-fingerprint").await;
            (!shown.is_empty()).then_some(shown)
        })
        .await;
        assert_eq!(text(c, "#exchange-fingerprint").await, ours);
        assert!(text(c, "#exchange-site-unit").await.contains("(HK)"));
        wait_visible(c, "#peers-table tbody tr[data-unit=\"HT\"]").await;

        // Receive the province's packet from the folder.
        name_in_open_dir(c, "down").await;
        click(c, "#exchange-receive").await;
        let applied = until("the packet to be applied", || async {
            if let Some(err) = shown_error(c).await {
                panic!("the app refused the packet: {err}");
            }
            let line = text(c, "#exchange-results li[data-outcome=\"applied\"]").await;
            (!line.is_empty()).then_some(line)
        })
        .await;
        assert!(applied.contains("đã áp dụng gói số 1 từ HT"), "{applied}");
        let last_in = text(c, "#peers-table tbody tr[data-unit=\"HT\"] td:nth-of-type(4)").await;
        assert!(last_in.starts_with("Gói số 1"), "the last packet in: {last_in}");
        screenshot(c, "exchange-received").await;

        // "Hộp đến": the batch, confirmed in the confirm dialog.
        open_screen(c, "inbox").await;
        let row = "#inbox-table tbody tr[data-batch=\"D1\"][data-unit=\"HK\"]";
        wait_visible(c, row).await;
        assert_eq!(
            js(
                c,
                "return document.querySelector(arguments[0]).dataset.status;",
                vec![json!(row)]
            )
            .await,
            json!("pending")
        );
        let cells = text(c, row).await;
        assert!(
            cells.contains("Đợt 1 năm 2025") && cells.contains("Đảng bộ tỉnh Hà Tĩnh"),
            "{cells}"
        );
        click(c, &format!("{row} button.inbox-confirm")).await;
        wait_dialog(c).await;
        assert!(text(c, "#confirm-what").await.contains("Đảng bộ xã Hương Khê"));
        type_into(c, "#confirm-by", "Trần Văn Bình").await;
        let status = submit_dialog(c).await;
        assert!(status.contains("Đã xác nhận phiếu"), "{status}");
        until("the receipt to show confirmed", || async {
            let v = js(
                c,
                "return document.querySelector(arguments[0])?.dataset.status ?? '';",
                vec![json!(row)],
            )
            .await;
            (v == json!("confirmed")).then_some(())
        })
        .await;
        screenshot(c, "inbox-confirmed").await;

        // The command line undoes it beside the open window, writes something
        // else, then confirms it again: the inbox follows by itself, the focus
        // kept on the receipt's button while it is there.
        let status_of = |want: &'static str| async move {
            let v = js(
                c,
                "return document.querySelector(arguments[0])?.dataset.status ?? '';",
                vec![json!(row)],
            )
            .await;
            (v == json!(want)).then_some(())
        };
        #[rustfmt::skip]
        giaonhan(&s.db, &["unconfirm", "--batch", "D1", "--unit", "HK", "--reason", "Ký nhầm người"]);
        until("the undo made beside the window", || status_of("pending")).await;
        let button = format!("{row} button.inbox-confirm");
        js(c, "document.querySelector(arguments[0]).focus();", vec![json!(button)]).await;
        let drawn = js(
            c,
            "return window.__drawn = document.querySelector(arguments[0]);",
            vec![json!(button)],
        )
        .await;
        assert!(drawn.is_object(), "the button to focus");
        giaonhan(&s.db, &["tiers", "--days", "1,7,15"]);
        until("the inbox drawn again", || async {
            let again = js(
                c,
                "return document.querySelector(arguments[0]) !== window.__drawn;",
                vec![json!(button)],
            )
            .await;
            (again == json!(true)).then_some(())
        })
        .await;
        assert_eq!(
            js(
                c,
                "return document.activeElement.closest('tr')?.dataset.batch ?? null;",
                vec![]
            )
            .await,
            json!("D1"),
            "the focus stays on the receipt's button"
        );
        #[rustfmt::skip]
        giaonhan(&s.db, &["confirm", "--batch", "D1", "--unit", "HK", "--by", "Trần Văn Bình", "--method", "remote"]);
        until("the confirmation made beside the window", || status_of("confirmed")).await;

        // The province's recall: HK brings both copies back.
        let recall = "#inbox-recalls tbody tr[data-code=\"TH1\"][data-unit=\"HK\"]";
        wait_visible(c, recall).await;
        let cells = text(c, recall).await;
        assert!(
            cells.contains("07-NQ/TU") && cells.contains("còn thiếu 01, 02"),
            "{cells}"
        );
        click(c, &format!("{recall} button.inbox-return")).await;
        until("the return dialog to open", || async {
            (js(c, "return !!document.querySelector('#return-dialog')?.open;", vec![]).await == json!(true))
                .then_some(())
        })
        .await;
        type_into(c, "#return-by", "Trần Văn Bình").await;
        let status = submit_until_status(c, "#return-submit").await;
        assert!(status.contains("bản số 01, 02") && status.contains("đã đủ"), "{status}");
        until("the recall to show every copy back", || async {
            let cells = text(c, recall).await;
            cells.contains("đã nộp đủ").then_some(())
        })
        .await;

        // Send the confirmation up.
        open_screen(c, "exchange").await;
        wait_visible(c, "#exchange-send").await;
        name_in_open_dir(c, "up").await;
        click(c, "#exchange-send").await;
        let sent = until("the packet to be written", || async {
            if let Some(err) = shown_error(c).await {
                panic!("the app refused to send: {err}");
            }
            let line = text(c, "#exchange-results li.sent").await;
            (!line.is_empty()).then_some(line)
        })
        .await;
        assert!(sent.contains("cho HT"), "{sent}");
        s.finish().await
    });
    std::env::remove_var("GIAONHAN_OPEN_DIR");
    drop(db);

    // The province applies the packet: its receipt is confirmed, by packet.
    let province = province.into_inner().expect("the province's register");
    let up = open_dir.join("up");
    let out = giaonhan(&province, &["sync", "receive", up.to_str().expect("path")]);
    assert!(out.contains("đã áp dụng gói số"), "{out}");
    let copies: Value = serde_json::from_str(&giaonhan(
        &province,
        &["copies", "--symbol", "07-NQ/TU", "--format", "json"],
    ))
    .expect("JSON");
    let states: Vec<(u64, &str)> = copies
        .as_array()
        .expect("copies")
        .iter()
        .map(|c| (c["copy"].as_u64().unwrap_or(0), c["state"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(
        states,
        [(1, "returned"), (2, "returned"), (3, "in_office"), (4, "in_office")],
        "the copies HK brought back are back at the province"
    );
    let (status, by, method): (String, String, String) = rusqlite::Connection::open(&province)
        .expect("open")
        .query_row(
            "SELECT r.status, r.signed_by, r.confirm_method FROM receipt r JOIN unit u ON u.id = r.unit_id
             JOIN batch b ON b.id = r.batch_id WHERE u.code = 'HK' AND b.code = 'D1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("the receipt");
    assert_eq!(
        (status.as_str(), by.as_str(), method.as_str()),
        ("confirmed", "Trần Văn Bình", "remote")
    );
    let verified = giaonhan(&province, &["verify"]);
    assert!(verified.contains("Nhật ký nguyên vẹn"), "{verified}");
}

/// A register with no identity yet: "Trao đổi" offers the form that makes
/// it for a unit of the tree; the fingerprint shown is the one the CLI
/// reads from the register. Adding the province from its card: a wrong
/// fingerprint is refused with nothing stored, the right one (typed with
/// spaces, as read from paper) trusts it.
#[test]
fn the_identity_is_made_in_the_window_and_an_office_is_trusted_only_with_its_fingerprint() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let folders = tempfile::tempdir().expect("a folder for the province and its card");
    let open_dir = folders.path().join("open");
    std::fs::create_dir_all(&open_dir).expect("folder");
    std::env::set_var("GIAONHAN_OPEN_DIR", &open_dir);
    let province = folders.path().join("province.sqlite3");
    giaonhan(&province, &["init"]);
    add_units(&province);
    giaonhan(&province, &["site", "init", "--unit", "HT"]);
    let card = open_dir.join("HT.card");
    giaonhan(&province, &["site", "export", "--out", card.to_str().expect("path")]);
    let theirs = fingerprint(&province);

    runtime().block_on(async {
        let s = start_with(|db, _| add_units(db)).await;
        let c = &s.client;
        open_screen(c, "exchange").await;
        wait_visible(c, "#site-init-form").await;
        assert!(!visible(c, "#exchange-peers").await, "no peers before the identity");
        // Nothing chosen yet: refused, naming the unit's box.
        click(c, "#site-init-submit").await;
        let refused = until("the missing unit to be named", || async { shown_error(c).await }).await;
        assert!(refused.contains("Mã đơn vị"), "{refused}");
        assert!(!visible(c, "#exchange-peers").await);
        // The office's unit is found by typing a few letters without diacritics.
        type_into(c, "#site-unit", "huong khe").await;
        let option = "#site-unit-list [role=option][data-value=\"HK\"]";
        wait_visible(c, option).await;
        click(c, option).await;
        wait_visible(c, "#site-unit-chips .chip[data-value=\"HK\"]").await;
        type_into(c, "#site-name", "Văn phòng Đảng ủy xã Hương Khê").await;
        click(c, "#site-init-submit").await;
        let shown = until("the identity", || async {
            if let Some(err) = shown_error(c).await {
                panic!("the identity was refused: {err}");
            }
            let shown = text(c, "#exchange-fingerprint").await;
            (!shown.is_empty()).then_some(shown)
        })
        .await;
        assert_eq!(shown, fingerprint(&s.db));
        assert_eq!(
            text(c, "#exchange-site-unit").await,
            "Văn phòng Đảng ủy xã Hương Khê (HK)"
        );
        assert!(!visible(c, "#site-init-form").await);

        // A fingerprint that differs by one digit: refused, nothing stored.
        let mut wrong: Vec<char> = theirs.chars().collect();
        let last = wrong.len() - 1;
        wrong[last] = if wrong[last] == '0' { '1' } else { '0' };
        name_in_open_dir(c, "HT.card").await;
        type_into(c, "#peer-fingerprint", &wrong.into_iter().collect::<String>()).await;
        click(c, "#peer-add-submit").await;
        let refused = until("the refusal", || async { shown_error(c).await }).await;
        assert!(refused.contains("không khớp"), "{refused}");
        assert_eq!(count(c, "#peers-table tbody tr[data-unit]").await, 0);
        let listed: Value =
            serde_json::from_str(&giaonhan(&s.db, &["peer", "list", "--format", "json"])).expect("JSON");
        assert_eq!(listed.as_array().map(Vec::len), Some(0), "{listed}");

        // The right one, with the spaces of the paper card.
        type_into(c, "#peer-fingerprint", &theirs).await;
        click(c, "#peer-add-submit").await;
        wait_visible(c, "#peers-table tbody tr[data-unit=\"HT\"]").await;
        let row = text(c, "#peers-table tbody tr[data-unit=\"HT\"]").await;
        assert!(row.contains("Cấp trên") && row.contains(&theirs), "{row}");
        screenshot(c, "exchange-peer-added").await;
        s.finish().await
    });
    std::env::remove_var("GIAONHAN_OPEN_DIR");
}

/// The province receives a month of packets from a dozen commune offices:
/// while they apply, the window shows how far it is ("Áp dụng gói: 12 / 36")
/// with "Dừng"; at the end the line stays on the last step, "Dừng" is gone,
/// and every packet is listed as applied. Below, each commune's report:
/// its open receipt and the age of its latest packet.
#[test]
fn many_packets_apply_with_their_progress_shown() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let folders = tempfile::tempdir().expect("a folder for the month of packets");
    let month = Month {
        communes: 12,
        branches: 2,
        weeks: 3,
    };
    let made = make(folders.path(), &month, &mut |_, _, _| {}).expect("a month of packets");
    let packets = month.communes * month.weeks;
    std::env::set_var("GIAONHAN_OPEN_DIR", folders.path());
    runtime().block_on(async {
        let s = start_prepared(|db, _| {
            if let Some(dir) = db.parent() {
                std::fs::create_dir_all(dir).expect("the register's folder");
            }
            std::fs::copy(&made.province, db).expect("the province's register");
        })
        .await;
        let c = &s.client;
        open_screen(c, "exchange").await;
        wait_visible(c, "#exchange-receive").await;
        assert!(!visible(c, "#exchange-progress").await, "no progress before a run");
        name_in_open_dir(c, "up").await;
        click(c, "#exchange-receive").await;
        let applied = until("every packet to be applied", || async {
            if let Some(err) = shown_error(c).await {
                panic!("the app refused a packet: {err}");
            }
            let n = count(c, "#exchange-results li[data-outcome=\"applied\"]").await;
            (n == packets).then_some(n)
        })
        .await;
        assert_eq!(applied, packets);
        assert!(visible(c, "#exchange-progress").await);
        assert!(!visible(c, "#exchange-stop").await, "no Dừng once the run is over");
        assert_eq!(
            text(c, "#exchange-progress-text").await,
            format!("Áp dụng gói: {packets} / {packets}")
        );
        let bar = js(
            c,
            "const b = document.querySelector('#exchange-progress-bar'); return [b.value, b.max];",
            vec![],
        )
        .await;
        assert_eq!(bar, json!([packets, packets]));
        screenshot(c, "exchange-many-applied").await;

        // What the communes reported: each has one branch still open on its
        // last week's batch (overdue), and its latest packet came today.
        wait_visible(c, "#exchange-reports").await;
        assert_eq!(
            count(c, "#reports-table tbody tr[data-open=\"1\"]").await,
            month.communes
        );
        let first = text(c, "#reports-table tbody tr[data-unit=\"X001\"]").await;
        assert!(first.contains("hôm nay"), "{first}");
        click(c, "#reports-table tbody tr[data-unit=\"X001\"] button.report-view").await;
        wait_visible(c, "#report-rows").await;
        let rows = text(c, "#report-rows tbody").await;
        assert!(
            rows.contains("X001-T3") && rows.contains("(X001-02)") && rows.contains("Chưa xác nhận"),
            "{rows}"
        );
        assert_eq!(count(c, "#report-rows tbody tr").await, 1);
        screenshot(c, "exchange-child-reports").await;
        s.finish().await
    });
    std::env::remove_var("GIAONHAN_OPEN_DIR");
}

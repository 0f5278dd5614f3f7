//! End-to-end test of the exchange hub in the real window (plumbing in
//! `giaonhan_tests::e2e`): a real SeaweedFS on loopback
//! (`giaonhan_tests::seaweed`), the province (HT) prepared with the CLI,
//! which sends its batch into the bucket; the app opens on the commune's
//! register (HK), where the clerk fills "Kho trao đổi S3" on "Trao đổi"
//! (address, server, access key id and the secret key, which is never shown
//! back), then "Nhận từ kho" applies the packet and, once the receipt is
//! confirmed, "Gửi lên kho" sends the answer, which the province's CLI
//! applies from the bucket. Screenshot: `exchange-hub`.
#![cfg(target_os = "linux")]

use std::path::Path;

use giaonhan_tests::cli::{ok, ok_env, HUB_ENV};
use giaonhan_tests::e2e::*;
use giaonhan_tests::seaweed::{Hub, KEY_ID, SECRET};
use serde_json::{json, Value};

const HUB: &str = "s3://sgn-hub/ha-tinh";

fn fingerprint(db: &Path) -> String {
    let shown: Value = serde_json::from_str(&ok(db, &["site", "show", "--format", "json"])).expect("JSON");
    shown[0]["fingerprint"].as_str().expect("fingerprint").to_owned()
}

fn add_units(db: &Path) {
    #[rustfmt::skip]
    ok(db, &["unit", "add", "--code", "HT", "--name", "Đảng bộ tỉnh Hà Tĩnh", "--kind", "Đảng bộ tỉnh"]);
    #[rustfmt::skip]
    ok(db, &["unit", "add", "--code", "HK", "--name", "Đảng bộ xã Hương Khê", "--kind", "Đảng bộ cơ sở",
             "--parent", "HT"]);
}

/// The province's register in `dir` with batch D1 to HK, the commune's at
/// `commune`, each trusting the other, and the province's packet in the hub.
fn prepare(dir: &Path, commune: &Path, hub: &Hub) -> std::path::PathBuf {
    let province = dir.join("province.sqlite3");
    ok(&province, &["init"]);
    add_units(&province);
    #[rustfmt::skip]
    ok(&province, &["doc", "add", "--symbol", "12-NQ/TU", "--title", "Nghị quyết về công tác tuyên giáo",
                    "--date", "2025-01-10", "--copies", "100"]);
    #[rustfmt::skip]
    ok(&province, &["batch", "new", "--code", "D1", "--title", "Đợt 1 năm 2025", "--handed", &day(-3),
                    "--due", &day(10), "--doc", "12-NQ/TU:5", "--unit", "HK"]);
    ok(&province, &["site", "init", "--unit", "HT"]);
    add_units(commune);
    ok(commune, &["site", "init", "--unit", "HK"]);
    for (from, to) in [(province.as_path(), commune), (commune, province.as_path())] {
        let card = dir.join("the.card");
        ok(from, &["site", "export", "--out", card.to_str().expect("path")]);
        let fp = fingerprint(from);
        ok(to, &["peer", "add", card.to_str().expect("path"), "--fingerprint", &fp]);
    }
    ok_env(&province, &["sync", "send", "--to", HUB], &hub.env(SECRET));
    province
}

/// Waits for the results list to show a line matching `css`, failing on an
/// error the window shows.
async fn result_line(c: &fantoccini::Client, css: &str, what: &str) -> String {
    until(what, || async {
        if let Some(err) = shown_error(c).await {
            panic!("the window refused: {err}");
        }
        let line = text(c, css).await;
        (!line.is_empty()).then_some(line)
    })
    .await
}

#[test]
fn the_clerk_sets_the_hub_and_packets_go_through_it_in_the_window() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // The keys reach the app through its settings only, as on an office PC.
    for var in HUB_ENV {
        std::env::remove_var(var);
    }
    let hub = Hub::start("sgn-hub");
    let folders = tempfile::tempdir().expect("a folder for the province");
    let province = std::cell::RefCell::new(None);
    let (db, _work) = runtime().block_on(async {
        let s = start_with(|db, _| {
            *province.borrow_mut() = Some(prepare(folders.path(), db, &hub));
        })
        .await;
        let c = &s.client;
        open_screen(c, "exchange").await;
        wait_visible(c, "#peers-table tbody tr[data-unit=\"HT\"]").await;
        assert!(!visible(c, "#exchange-send-hub").await, "no hub set yet");

        // "Kho trao đổi S3": the clerk fills the form.
        click(c, "#exchange-hub summary").await;
        wait_visible(c, "#hub-url").await;
        type_into(c, "#hub-url", "http://sai/x").await;
        click(c, "#hub-submit").await;
        let refused = until("the address to be refused", || async { shown_error(c).await }).await;
        assert!(refused.contains("không phải địa chỉ kho S3"), "{refused}");
        type_into(c, "#hub-url", HUB).await;
        type_into(c, "#hub-endpoint", &hub.endpoint).await;
        type_into(c, "#hub-access-key-id", KEY_ID).await;
        type_into(c, "#hub-secret", SECRET).await;
        let saved = submit_until_status(c, "#hub-submit").await;
        assert!(saved.contains(&format!("Đã lưu kho trao đổi {HUB}")), "{saved}");
        wait_visible(c, "#exchange-send-hub").await;
        assert_eq!(
            js(c, "return document.querySelector('#hub-secret').value;", vec![]).await,
            json!(""),
            "the secret key is not shown back"
        );
        assert!(text(c, "#hub-env").await.contains("Khoá bí mật đã lưu trong sổ"));
        assert!(text(c, "#exchange-hub-line").await.contains(HUB));

        // "Nhận từ kho".
        click(c, "#exchange-receive-hub").await;
        let applied = result_line(
            c,
            "#exchange-results li[data-outcome=\"applied\"]",
            "the packet to be applied",
        )
        .await;
        assert!(
            applied.contains(&format!("{HUB}/ht-hk-000001.sgnpkt: đã áp dụng gói số 1 từ HT")),
            "{applied}"
        );
        screenshot(c, "exchange-hub").await;

        // Confirmed (through the CLI, on the same register), then "Gửi lên kho".
        ok(
            &s.db,
            &["confirm", "--batch", "D1", "--unit", "HK", "--by", "Trần Văn Bình"],
        );
        click(c, "#exchange-send-hub").await;
        let sent = result_line(c, "#exchange-results li.sent", "the packet to be written").await;
        assert!(
            sent.contains(&format!("{HUB}/hk-ht-000001.sgnpkt")) && sent.contains("cho HT"),
            "{sent}"
        );
        s.finish().await
    });
    drop(db);

    // The province applies the answer from the bucket.
    let province = province.into_inner().expect("the province's register");
    let out = ok_env(&province, &["sync", "receive", HUB], &hub.env(SECRET));
    assert!(out.contains("đã áp dụng gói số 1 từ HK"), "{out}");
    let rows: Value = serde_json::from_str(&ok(&province, &["outstanding", "--format", "json"])).expect("JSON");
    assert_eq!(rows, json!([]), "HK confirmed through the hub");
}

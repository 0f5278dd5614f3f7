//! IPC tests of the exchange hub in the window: the hub's settings through
//! `set_hub` / `hub_info` (the secret key stored, never returned; bad input
//! refused on its field), "Gửi lên kho" / "Nhận từ kho" refused while no hub
//! is set, then a packet sent down to a real SeaweedFS with
//! `sync_send_hub`, received and answered by a commune's register through
//! the command line, and the answer applied with `sync_receive_hub`.
#![cfg(unix)]

mod common;

use common::Harness;
use giaonhan_tests::cli::{ok, ok_env, HUB_ENV};
use giaonhan_tests::seaweed::{Hub, KEY_ID, SECRET};
use serde_json::{json, Value};

const HUB: &str = "s3://sgn-hub/ha-tinh";
/// The channel the window passes for the progress of a send or receive.
const PROGRESS: &str = "__CHANNEL__:1";

fn fingerprint(db: &std::path::Path) -> String {
    let shown: Value = serde_json::from_str(&ok(db, &["site", "show", "--format", "json"])).expect("JSON");
    shown[0]["fingerprint"].as_str().expect("fingerprint").to_owned()
}

#[test]
fn the_hub_is_set_in_the_window_and_packets_go_through_it() {
    // The app reads the hub's keys from its own environment too: this test
    // gives them through the settings only (one test in this binary, so
    // nothing else reads the environment meanwhile).
    for var in HUB_ENV {
        std::env::remove_var(var);
    }
    let h = Harness::new();
    h.ok(
        "add_unit",
        json!({ "unit": { "code": "HT", "name": "Đảng bộ tỉnh Hà Tĩnh", "parent": null, "kind": "Đảng bộ tỉnh" } }),
    );
    h.ok(
        "add_unit",
        json!({ "unit": { "code": "HK", "name": "Đảng bộ xã Hương Khê", "parent": "HT", "kind": "Đảng bộ cơ sở" } }),
    );
    h.ok("site_init", json!({ "unit": "HT", "name": null }));

    let info = h.ok("hub_info", json!({}));
    assert_eq!(info["settings"]["url"], "");
    assert_eq!(info["secret_stored"], false);
    for cmd in ["sync_send_hub", "sync_receive_hub"] {
        let e = h.err(cmd, json!({ "progress": PROGRESS }));
        assert_eq!(e["field"], "hub", "{e}");
        assert!(
            e["message"]
                .as_str()
                .unwrap_or("")
                .contains("chưa khai báo kho trao đổi S3"),
            "{e}"
        );
    }
    let e = h.err(
        "set_hub",
        json!({ "change": { "settings": { "url": "http://kho/x", "endpoint": "", "region": "", "access_key_id": "" } } }),
    );
    assert_eq!(
        (e["kind"].as_str(), e["field"].as_str()),
        (Some("invalid"), Some("url")),
        "{e}"
    );

    let hub = Hub::start("sgn-hub");
    let info = h.ok(
        "set_hub",
        json!({ "change": {
            "settings": { "url": HUB, "endpoint": hub.endpoint, "region": "", "access_key_id": KEY_ID },
            "secret_access_key": SECRET
        } }),
    );
    assert_eq!(info["settings"]["url"], HUB);
    assert_eq!(info["secret_stored"], true);
    assert!(!info.to_string().contains(SECRET), "{info}");
    // Saved again without a secret key: the stored one is kept.
    let info = h.ok(
        "set_hub",
        json!({ "change": { "settings": { "url": HUB, "endpoint": hub.endpoint, "region": "", "access_key_id": KEY_ID } } }),
    );
    assert_eq!(info["secret_stored"], true);
    assert_eq!(h.ok("hub_info", json!({})), info);

    // The commune's register, paired with the app's through the CLI.
    let dir = tempfile::tempdir().expect("temp dir");
    let hk = dir.path().join("hk.sqlite3");
    ok(&hk, &["init"]);
    #[rustfmt::skip]
    ok(&hk, &["unit", "add", "--code", "HT", "--name", "Đảng bộ tỉnh Hà Tĩnh", "--kind", "Đảng bộ tỉnh"]);
    #[rustfmt::skip]
    ok(&hk, &["unit", "add", "--code", "HK", "--name", "Đảng bộ xã Hương Khê", "--parent", "HT", "--kind", "Đảng bộ cơ sở"]);
    ok(&hk, &["site", "init", "--unit", "HK"]);
    for (from, to) in [(&h.db, &hk), (&hk, &h.db)] {
        let card = dir.path().join("the.card");
        ok(from, &["site", "export", "--out", card.to_str().expect("path")]);
        ok(
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
    #[rustfmt::skip]
    ok(&h.db, &["doc", "add", "--symbol", "12-NQ/TU", "--title", "Nghị quyết", "--date", "2025-01-10", "--copies", "10"]);
    #[rustfmt::skip]
    ok(&h.db, &["batch", "new", "--code", "D1", "--title", "Đợt 1", "--handed", "2025-02-01", "--due", "2025-02-15",
                "--doc", "12-NQ/TU:2", "--unit", "HK"]);

    // "Gửi lên kho".
    let run = h.ok("sync_send_hub", json!({ "progress": PROGRESS }));
    assert_eq!(run["stopped"], false, "{run}");
    let sent = &run["items"];
    assert_eq!(sent[0]["file"], format!("{HUB}/ht-hk-000001.sgnpkt"), "{sent}");
    assert_eq!(sent[0]["to"], "HK");

    let env = hub.env(SECRET);
    let got = ok_env(&hk, &["sync", "receive", HUB], &env);
    assert!(got.contains("đã áp dụng gói số 1 từ HT"), "{got}");
    ok(
        &hk,
        &["confirm", "--batch", "D1", "--unit", "HK", "--by", "Trần Văn Bình"],
    );
    ok_env(&hk, &["sync", "send", "--to", HUB], &env);

    // "Nhận từ kho": the commune's answer applied, the province's own packet
    // to HK not even read.
    let run = h.ok("sync_receive_hub", json!({ "progress": PROGRESS }));
    assert_eq!(run["stopped"], false, "{run}");
    let outcomes: Vec<(String, String)> = run["items"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap_or("").to_owned(),
                r["outcome"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert!(
        outcomes.contains(&(format!("{HUB}/hk-ht-000001.sgnpkt"), "applied".to_owned()))
            && !outcomes.iter().any(|(file, _)| file.ends_with("ht-hk-000001.sgnpkt")),
        "{outcomes:?}"
    );
    let open = h.ok("outstanding", json!({ "query": { "batches": [], "as_of": null } }));
    assert_eq!(open, json!([]), "HK confirmed through the hub");
}

//! The exchange between offices through an S3-compatible hub: a real
//! SeaweedFS on loopback (`giaonhan_tests::seaweed`) and the real
//! `giaonhan` binary on three registers (the province HT, the communes HK
//! and AT). The province sets the hub in its settings (the secret key read
//! from standard input); the communes reach it through the `AWS_*`
//! environment variables alone. Batches go down and confirmations come up
//! through the bucket, the consolidated list shows the commune's branches,
//! packets of other offices (and objects that are not packets) are left
//! alone, the same bucket read twice changes nothing; a wrong secret key, a
//! hub that does not answer, a missing bucket and missing keys are refused
//! naming the bucket and the reason, with nothing recorded.
#![cfg(unix)]

use giaonhan::exchange::transport::{Bucket, Transport};
use giaonhan_tests::cli::{fails_env, ok, ok_env, run_env};
use giaonhan_tests::offices::*;
use giaonhan_tests::seaweed::{Hub, KEY_ID, SECRET};
use serde_json::Value;

const BUCKET: &str = "sgn-hub";
const HUB: &str = "s3://sgn-hub/ha-tinh";

/// The province's register with its identity.
fn province() -> Office {
    let p = province_register();
    ok(&p.db, &["site", "init", "--unit", "HT"]);
    p
}

fn inbox_code(o: &Office, unit: &str) -> String {
    code_in_inbox(o, unit, "D1")
}

/// The names of the objects under the hub's prefix (and deeper).
fn objects(hub: &Hub, prefix: &str) -> Vec<String> {
    let bucket = Bucket {
        bucket: BUCKET.to_owned(),
        prefix: prefix.to_owned(),
    };
    let t = Transport::bucket(&bucket, &hub.access(SECRET)).expect("transport");
    t.list_packets().expect("list").into_iter().map(|l| l.name).collect()
}

#[test]
fn batches_go_down_and_confirmations_come_up_through_the_hub() {
    let hub = Hub::start(BUCKET);
    let p = province();
    let hk = commune(HK);
    let at = commune(AT);
    pair(&p, &hk);
    pair(&p, &at);
    let none: Vec<(&str, String)> = Vec::new();
    let env = hub.env(SECRET);

    // The province keeps the hub in its settings, the secret key from
    // standard input; it is never shown back.
    #[rustfmt::skip]
    let set = run_env(&p.db, &["sync", "hub", "--url", HUB, "--endpoint", &hub.endpoint,
                               "--access-key-id", KEY_ID, "--secret-stdin"], &none, Some(&format!("{SECRET}\n")));
    assert!(set.status.success(), "{}", String::from_utf8_lossy(&set.stderr));
    let shown = ok_env(&p.db, &["sync", "hub"], &none);
    assert!(
        shown.contains(HUB) && shown.contains(&hub.endpoint) && shown.contains("đã lưu trong sổ"),
        "{shown}"
    );
    let info: Value = serde_json::from_str(&ok_env(&p.db, &["sync", "hub", "--format", "json"], &none)).expect("json");
    assert_eq!(info["settings"]["url"], HUB);
    assert_eq!(info["secret_stored"], true);
    assert!(
        !info.to_string().contains(SECRET),
        "the secret key is never shown: {info}"
    );

    // Down: one packet per commune, in the bucket.
    let sent = ok_env(&p.db, &["sync", "send", "--to", HUB], &none);
    assert_eq!(sent.lines().count(), 2, "{sent}");
    assert!(sent.contains(&format!("{HUB}/ht-hk-000001.sgnpkt")), "{sent}");
    // Besides the packets, things that are not packets for anyone: an object
    // that is not a packet, and a packet-named one under a deeper prefix.
    let t = Transport::bucket(
        &Bucket {
            bucket: BUCKET.to_owned(),
            prefix: "ha-tinh".to_owned(),
        },
        &hub.access(SECRET),
    )
    .expect("transport");
    t.write("ghi-chu.txt", b"not a packet").expect("put");
    Transport::bucket(
        &Bucket {
            bucket: BUCKET.to_owned(),
            prefix: "ha-tinh/cu".to_owned(),
        },
        &hub.access(SECRET),
    )
    .expect("transport")
    .write("ht-hk-000009.sgnpkt", b"deeper")
    .expect("put");

    // HK, with only the environment, applies its packet and leaves AT's
    // alone: not even read, its name says it is for AT.
    let got = ok_env(&hk.db, &["sync", "receive", HUB], &env);
    assert!(got.contains("đã áp dụng gói số 1 từ HT"), "{got}");
    assert!(!got.contains("ht-at-000001"), "{got}");
    assert!(!got.contains("ghi-chu") && !got.contains("000009"), "{got}");
    assert_eq!(
        objects(&hub, "ha-tinh"),
        ["ht-at-000001.sgnpkt", "ht-hk-000001.sgnpkt"],
        "nothing removed"
    );

    // HK hands on to its branches and confirms its own receipt; up it goes.
    #[rustfmt::skip]
    ok(&hk.db, &["batch", "new", "--code", "X1", "--title", "Chuyển tiếp nghị quyết", "--handed", "2025-02-05",
                 "--due", "2025-02-20", "--doc", "12-NQ/TU:2", "--subtree", "HK"]);
    let own = inbox_code(&hk, "HK");
    ok(
        &hk.db,
        &["confirm", "--code", &own, "--by", "Trần Văn Bình", "--at", "2025-02-03"],
    );
    let up = ok_env(&hk.db, &["sync", "send", "--to", HUB], &env);
    assert!(up.contains(&format!("{HUB}/hk-ht-000001.sgnpkt")), "{up}");

    let got = ok_env(&p.db, &["sync", "receive", HUB], &none);
    assert!(got.contains("đã áp dụng gói số 1 từ HK"), "{got}");
    let receipt = json(&p.db, &["receipt", &own]);
    assert_eq!(receipt[0]["status"], "confirmed");
    assert_eq!(receipt[0]["signed_by"], "Trần Văn Bình");
    assert_eq!(receipt[0]["method"], "remote");

    // The consolidated list: AT still open at the province, and HK's own
    // batch to its branches as HK reported it.
    let seen = consolidated(&p);
    for want in ["HT D1 AT", "HK X1 HK-01", "HK X1 HK-02"] {
        assert!(seen.iter().any(|r| r == want), "{want} missing from {seen:?}");
    }
    assert!(!seen.iter().any(|r| r == "HT D1 HK"), "{seen:?}");

    // The same bucket again changes nothing.
    let before = head(&p);
    let again = ok_env(&p.db, &["sync", "receive", HUB], &none);
    assert!(again.contains("đã áp dụng trước đây"), "{again}");
    assert_eq!(head(&p), before, "no row added by a packet applied twice");

    // AT's packet waited in the bucket, untouched by the others.
    let got = ok_env(&at.db, &["sync", "receive", HUB], &env);
    assert!(got.contains("đã áp dụng gói số 1 từ HT"), "{got}");
    assert_eq!(json(&at.db, &["inbox", "--format", "json"])[0]["batch"], "D1");

    for o in [&p, &hk, &at] {
        assert!(ok(&o.db, &["verify"]).contains("Nhật ký nguyên vẹn"));
    }
}

#[test]
fn a_wrong_key_an_unreachable_hub_or_a_missing_bucket_is_refused_clearly() {
    let hub = Hub::start(BUCKET);
    let p = province();
    let hk = commune(HK);
    pair(&p, &hk);
    let last_out = |o: &Office| json(&o.db, &["peer", "list", "--format", "json"])[0]["last_out"].clone();

    // A wrong secret key: refused before anything is recorded.
    let wrong = hub.env("not-the-secret");
    let err = fails_env(&p.db, &["sync", "send", "--to", HUB], &wrong);
    assert!(
        err.contains(HUB) && err.contains(&format!("kho S3 {} từ chối khoá truy cập {KEY_ID}", hub.endpoint)),
        "{err}"
    );
    assert_eq!(last_out(&p), 0, "nothing recorded");
    let err = fails_env(&hk.db, &["sync", "receive", HUB], &wrong);
    assert!(err.contains("từ chối khoá truy cập") && err.contains(HUB), "{err}");

    // No keys at all: named, and how to give them.
    let endpoint_only = vec![("AWS_ENDPOINT_URL", hub.endpoint.clone())];
    let err = fails_env(&p.db, &["sync", "send", "--to", HUB], &endpoint_only);
    assert!(
        err.contains("chưa có khoá truy cập kho S3") && err.contains("AWS_SECRET_ACCESS_KEY"),
        "{err}"
    );

    // A hub that does not answer (nothing listens on the port).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let mut away = hub.env(SECRET);
    away[0].1 = format!("http://127.0.0.1:{port}");
    let err = fails_env(&p.db, &["sync", "send", "--to", HUB], &away);
    assert!(
        err.contains(&format!("không kết nối được kho S3 http://127.0.0.1:{port}")),
        "{err}"
    );
    assert_eq!(last_out(&p), 0, "nothing recorded");

    // A bucket that does not exist.
    let err = fails_env(
        &hk.db,
        &["sync", "receive", "s3://khong-co-kho/ha-tinh"],
        &hub.env(SECRET),
    );
    assert!(err.contains("không có bucket khong-co-kho"), "{err}");
    // Not an address of a bucket.
    let err = fails_env(&hk.db, &["sync", "send", "--to", "s3://Kho_Sai/x"], &hub.env(SECRET));
    assert!(err.contains("không phải tên bucket S3 hợp lệ"), "{err}");
    // No hub set: the window's "Gửi lên kho" and this say what to do.
    let err = fails_env(&hk.db, &["sync", "hub", "--url", "http://kho/x"], &[]);
    assert!(err.contains("không phải địa chỉ kho S3"), "{err}");

    // With the right key, it goes.
    let sent = ok_env(&p.db, &["sync", "send", "--to", HUB], &hub.env(SECRET));
    assert!(sent.contains("gói số 1 cho HK"), "{sent}");
    assert_eq!(last_out(&p), 1);
    assert!(ok(&p.db, &["verify"]).contains("Nhật ký nguyên vẹn"));
}

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

use std::path::{Path, PathBuf};

use giaonhan::exchange::transport::{Bucket, Transport};
use giaonhan_tests::cli::{fails_env, ok, ok_env, run_env};
use giaonhan_tests::seaweed::{Hub, KEY_ID, SECRET};
use serde_json::Value;

const BUCKET: &str = "sgn-hub";
const HUB: &str = "s3://sgn-hub/ha-tinh";

/// One office: its folder and register.
struct Office {
    _dir: tempfile::TempDir,
    db: PathBuf,
}

fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).expect("JSON")
}

/// A register with the units given as (code, name, parent, kind) and its
/// identity made for `site`.
fn office(units: &[(&str, &str, &str, &str)], site: &str) -> Office {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("so.sqlite3");
    ok(&db, &["init"]);
    for (code, name, parent, kind) in units {
        let mut args = vec!["unit", "add", "--code", code, "--name", name, "--kind", kind];
        if !parent.is_empty() {
            args.extend(["--parent", parent]);
        }
        ok(&db, &args);
    }
    ok(&db, &["site", "init", "--unit", site]);
    Office { _dir: dir, db }
}

const HT: (&str, &str, &str, &str) = ("HT", "Đảng bộ tỉnh Hà Tĩnh", "", "Đảng bộ tỉnh");
const HK: (&str, &str, &str, &str) = ("HK", "Đảng bộ xã Hương Khê", "HT", "Đảng bộ cơ sở");
const AT: (&str, &str, &str, &str) = ("AT", "Đảng bộ xã Ấp Tân", "HT", "Đảng bộ cơ sở");

/// The province: both communes and their branches, a document and batch
/// D1 to HK and AT.
fn province() -> Office {
    let p = office(
        &[
            HT,
            HK,
            AT,
            ("HK-01", "Chi bộ thôn Đông Trung", "HK", "Chi bộ"),
            ("HK-02", "Chi bộ thôn Ấp Thượng", "HK", "Chi bộ"),
            ("AT-01", "Chi bộ thôn Tân Hòa", "AT", "Chi bộ"),
        ],
        "HT",
    );
    #[rustfmt::skip]
    ok(&p.db, &["doc", "add", "--symbol", "12-NQ/TU", "--title", "Nghị quyết về công tác tuyên giáo",
                "--date", "2025-01-10", "--copies", "100"]);
    #[rustfmt::skip]
    ok(&p.db, &["batch", "new", "--code", "D1", "--title", "Đợt 1 năm 2025", "--handed", "2025-02-01",
                "--due", "2025-02-15", "--doc", "12-NQ/TU:5", "--unit", "HK", "--unit", "AT"]);
    p
}

/// Each office trusts the other, from its card and the fingerprint.
fn pair(parent: &Office, child: &Office) {
    for (from, to) in [(parent, child), (child, parent)] {
        let card = from.db.with_file_name("the.card");
        ok(&from.db, &["site", "export", "--out", card.to_str().expect("path")]);
        let fp = json(&from.db, &["site", "show", "--format", "json"])[0]["fingerprint"]
            .as_str()
            .expect("fingerprint")
            .to_owned();
        ok(
            &to.db,
            &["peer", "add", card.to_str().expect("path"), "--fingerprint", &fp],
        );
    }
}

fn inbox_code(o: &Office, unit: &str) -> String {
    json(&o.db, &["inbox", "--format", "json"])
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["unit_code"] == unit)
        .and_then(|r| r["receipt_code"].as_str())
        .unwrap_or_else(|| panic!("no inbox row for {unit}"))
        .to_owned()
}

fn head(o: &Office) -> Value {
    json(&o.db, &["verify", "--format", "json"])["head"].clone()
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
    let hk = office(&[HT, HK], "HK");
    let at = office(&[HT, AT], "AT");
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

    // HK, with only the environment, applies its packet and leaves AT's alone.
    let got = ok_env(&hk.db, &["sync", "receive", HUB], &env);
    assert!(got.contains("đã áp dụng gói số 1 từ HT"), "{got}");
    assert!(
        got.contains(&format!("{HUB}/ht-at-000001.sgnpkt: gửi cho văn phòng khác, để nguyên")),
        "{got}"
    );
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
    let rows = json(&p.db, &["outstanding", "--consolidated", "--format", "json"]);
    let seen: Vec<(&str, &str, &str)> = rows
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["site"].as_str().unwrap_or(""),
                r["batch"].as_str().unwrap_or(""),
                r["unit_code"].as_str().unwrap_or(""),
            )
        })
        .collect();
    for want in [("HT", "D1", "AT"), ("HK", "X1", "HK-01"), ("HK", "X1", "HK-02")] {
        assert!(seen.contains(&want), "{want:?} missing from {seen:?}");
    }
    assert!(!seen.contains(&("HT", "D1", "HK")), "{seen:?}");

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
    let hk = office(&[HT, HK], "HK");
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

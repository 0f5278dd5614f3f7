//! Recalls of classified copies between offices through the real
//! `giaonhan` binary: the province (HT) hands numbered copies of a Mật
//! resolution to the communes HK and AT and recalls them; each commune
//! office gets the recall with the copies its own units hold; HK records
//! there the copies HK and its branch bring back, and the returns travel up
//! like confirmations: the province's copies come back in, naming HK's
//! office; a return the province recorded itself goes down to AT's inbox.

use std::path::Path;

use giaonhan_tests::cli::{fails, ok};
use giaonhan_tests::offices::*;
use giaonhan_tests::stored::audit_details;
use serde_json::Value;

const SYMBOL: &str = "07-NQ/TU";

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// (copy, state, holder) of the province's copies.
fn copies(o: &Office) -> Vec<(u64, String, String)> {
    json(&o.db, &["copies", "--symbol", SYMBOL, "--format", "json"])
        .as_array()
        .expect("copies")
        .iter()
        .map(|r| {
            (
                r["copy"].as_u64().expect("copy"),
                r["state"].as_str().expect("state").to_owned(),
                r["holder"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn received(o: &Office) -> Vec<Value> {
    json(&o.db, &["recall", "received", "--format", "json"])
        .as_array()
        .expect("recalls")
        .clone()
}

#[test]
fn returns_recorded_at_a_commune_travel_up_like_confirmations() {
    let p = province_register();
    #[rustfmt::skip]
    ok(&p.db, &["doc", "add", "--symbol", SYMBOL, "--title", "Nghị quyết về bảo vệ chính trị nội bộ",
                "--date", "2025-07-01", "--copies", "6", "--classification", "Mật"]);
    // Two copies to each commune, two to HK's branch directly.
    #[rustfmt::skip]
    ok(&p.db, &["batch", "new", "--code", "M1", "--title", "Đợt mật", "--handed", "2025-08-01",
                "--due", "2025-08-08", "--doc", "07-NQ/TU:2", "--unit", "HK", "--unit", "AT", "--unit", "HK-01"]);
    ok(&p.db, &["site", "init", "--unit", "HT"]);
    let hk = commune(HK);
    let at = commune(AT);
    pair(&p, &hk);
    pair(&p, &at);
    #[rustfmt::skip]
    ok(&p.db, &["recall", "new", "--code", "TH1", "--symbol", SYMBOL, "--due", "2025-09-10",
                "--reason", "Thu hồi sau học tập", "--on", "2025-09-01"]);
    let held: Vec<(u64, String)> = copies(&p).into_iter().map(|(n, _, h)| (n, h)).collect();
    let of = |unit: &str| -> Vec<u64> { held.iter().filter(|(_, h)| h == unit).map(|(n, _)| *n).collect() };
    let (hk_copies, hk01_copies, at_copies) = (of("HK"), of("HK-01"), of("AT"));
    assert_eq!(
        (hk_copies.len(), hk01_copies.len(), at_copies.len()),
        (2, 2, 2),
        "{held:?}"
    );

    // Down: each commune sees the recall with its own units' copies only.
    let stick = tempfile::tempdir().expect("stick");
    ok(&p.db, &["sync", "send", "--out", s(stick.path())]);
    ok(&hk.db, &["sync", "receive", s(stick.path())]);
    ok(&at.db, &["sync", "receive", s(stick.path())]);
    let r = &received(&hk)[0];
    assert_eq!((&r["code"], &r["symbol"]), (&Value::from("TH1"), &Value::from(SYMBOL)));
    let mut hk_all = [hk_copies.clone(), hk01_copies.clone()].concat();
    hk_all.sort_unstable();
    assert_eq!(r["copies"], serde_json::json!(hk_all));
    assert_eq!(r["missing"], serde_json::json!(hk_all));
    assert_eq!(received(&at)[0]["copies"], serde_json::json!(at_copies));

    // HK records its own copies and one of its branch's; a copy it does not
    // hold is refused, naming it.
    let list = |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
    let err = fails(
        &hk.db,
        &[
            "recall",
            "return",
            "--code",
            "TH1",
            "--unit",
            "HK",
            "--copies",
            &list(&at_copies[..1]),
            "--by",
            "X",
        ],
    );
    assert!(err.contains("không giữ bản số"), "{err}");
    #[rustfmt::skip]
    ok(&hk.db, &["recall", "return", "--code", "TH1", "--unit", "HK", "--copies", &list(&hk_copies),
                 "--by", "Trần Văn Bình", "--at", "2025-09-05"]);
    #[rustfmt::skip]
    ok(&hk.db, &["recall", "return", "--code", "TH1", "--unit", "HK-01", "--copies", &list(&hk01_copies[..1]),
                 "--by", "Nguyễn Thị Hoa", "--at", "2025-09-06"]);
    assert_eq!(received(&hk)[0]["missing"], serde_json::json!([hk01_copies[1]]));

    // Up: the province has them back, the others still out.
    carry(&hk, &p);
    for (n, state, holder) in copies(&p) {
        let back = hk_copies.contains(&n) || n == hk01_copies[0];
        assert_eq!(state == "returned", back, "copy {n}: {state} {holder}");
    }
    let logged = audit_details(&p.db, "recall.return");
    assert!(
        logged
            .iter()
            .any(|d| d.contains("Trần Văn Bình (qua văn phòng HK)") && d.contains("2025-09-05")),
        "{logged:?}"
    );
    let recall = &json(&p.db, &["recall", "list", "--format", "json"])[0];
    let mut missing = [hk01_copies[1..].to_vec(), at_copies.clone()].concat();
    missing.sort_unstable();
    assert_eq!(recall["missing"], serde_json::json!(missing));

    // The same returns again (HK resends what is not acknowledged) change nothing.
    carry(&hk, &p);
    assert_eq!(audit_details(&p.db, "recall.return").len(), logged.len());

    // The province records AT's copies itself; AT's inbox follows.
    #[rustfmt::skip]
    ok(&p.db, &["recall", "return", "--code", "TH1", "--unit", "AT", "--copies", &list(&at_copies),
                "--by", "Phạm Thị Ngọc Ánh", "--at", "2025-09-07"]);
    carry(&p, &at);
    assert_eq!(received(&at)[0]["missing"], serde_json::json!([]));

    for o in [&p, &hk, &at] {
        let out = ok(&o.db, &["verify"]);
        assert!(out.contains("Nhật ký nguyên vẹn"), "{out}");
    }

    // The inbox's recalls are replayed too: a copy marked brought back, a
    // copy dropped, a due day moved or a copy's return undone in the file
    // (not through the app) is found, naming the recall.
    let missing = hk01_copies[1];
    #[rustfmt::skip]
    let edits: &[(&Office, String, &str)] = &[
        (&hk, format!("UPDATE inbox_recall_copy SET returned_on = '2025-09-09' WHERE number = {missing}"),
         "thu về"),
        (&hk, format!("DELETE FROM inbox_recall_copy WHERE number = {missing}"), "bản số trong sổ"),
        (&hk, "UPDATE inbox_recall SET due_on = '2025-12-31'".to_owned(), "hạn"),
        (&at, format!("UPDATE inbox_recall_copy SET returned_on = NULL WHERE number = {}", at_copies[0]),
         "thu về"),
    ];
    for (office, edit, said) in edits {
        let backup = office.db.with_extension("before-edit");
        std::fs::copy(&office.db, &backup).expect("keep the register");
        let conn = rusqlite::Connection::open(&office.db).expect("open the register");
        assert_eq!(conn.execute(edit, []).expect(edit), 1, "{edit}");
        drop(conn);
        let err = fails(&office.db, &["verify"]);
        assert!(err.contains("TH1") && err.contains(said), "{edit}: {err}");
        std::fs::copy(&backup, &office.db).expect("put the register back");
    }
}

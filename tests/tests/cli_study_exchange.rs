//! Study figures between offices through the real `giaonhan` binary: the
//! province (HT) makes a campaign for every branch of its tree; the packet
//! to each commune office (HK, AT) carries it with the branches of that
//! commune; HK's clerk reports a branch's figures there, and they travel up
//! in HK's next packet; the province's summary adds them in, naming HK's
//! office; a later report at HK replaces them at the province, and the
//! province's own figures for another branch stand beside them.

use std::path::Path;

use giaonhan_tests::cli::{give_letterhead, ok, run};
use giaonhan_tests::offices::*;
use giaonhan_tests::packets::resign_body;
use giaonhan_tests::stored::audit_details;
use serde_json::Value;

const CAMPAIGN: &str = "HT-NQ10";

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// HK's newest packet to the province, as written (those the province has
/// not acknowledged are written again beside it; names sort by number).
fn next_packet(hk: &Office) -> (String, Vec<u8>) {
    let stick = tempfile::tempdir().expect("stick");
    ok(&hk.db, &["sync", "send", "--out", s(stick.path())]);
    let mut names: Vec<String> = std::fs::read_dir(stick.path())
        .expect("stick")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let name = names.pop().expect("a packet");
    let bytes = std::fs::read(stick.path().join(&name)).expect("packet");
    (name, bytes)
}

/// `sync receive` of `bytes` alone, under the file name `name`.
fn receive(o: &Office, name: &str, bytes: &[u8]) -> std::process::Output {
    let stick = tempfile::tempdir().expect("stick");
    std::fs::write(stick.path().join(name), bytes).expect("write");
    run(&o.db, &["sync", "receive", s(stick.path())])
}

/// `packet` signed again with HK's own key, each study report changed by `f`.
fn reports_changed(hk: &Office, packet: &[u8], f: impl Fn(&mut Value)) -> Vec<u8> {
    resign_body(hk, packet, |events| {
        for e in events.as_array_mut().expect("events") {
            if e["kind"] == "study_report" {
                f(e);
            }
        }
    })
}

fn campaigns(o: &Office) -> Vec<Value> {
    json(&o.db, &["study", "list", "--format", "json"])
        .as_array()
        .expect("campaigns")
        .clone()
}

fn unit_row(o: &Office, unit: &str) -> Value {
    json(&o.db, &["study", "summary", "--campaign", CAMPAIGN, "--format", "json"])
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["level"] == "unit" && r["unit_code"] == unit)
        .cloned()
        .unwrap_or_else(|| panic!("no row of {unit}"))
}

fn report(o: &Office, unit: &str, members: &str, attended: &str) {
    #[rustfmt::skip]
    ok(&o.db, &["study", "report", "--campaign", CAMPAIGN, "--unit", unit, "--members", members,
                "--attended", attended, "--held", "2025-08-05"]);
}

#[test]
fn a_communes_figures_travel_up_and_the_province_adds_them_in_naming_the_office() {
    let p = province_register();
    give_letterhead(&p.db);
    ok(&p.db, &["site", "init", "--unit", "HT"]);
    let hk = commune(HK);
    let at = commune(AT);
    pair(&p, &hk);
    pair(&p, &at);
    #[rustfmt::skip]
    ok(&p.db, &["study", "new", "--code", CAMPAIGN, "--title", "Học tập, quán triệt Nghị quyết Trung ương 10",
                "--doc", "12-NQ/TU", "--from", "2025-08-01", "--to", "2025-08-31", "--subtree", "HT"]);
    assert_eq!(campaigns(&p)[0]["units"], 3, "HK-01, HK-02, AT-01");

    // Down: each commune gets the campaign with its own branches only.
    let stick = tempfile::tempdir().expect("stick");
    ok(&p.db, &["sync", "send", "--out", s(stick.path())]);
    ok(&hk.db, &["sync", "receive", s(stick.path())]);
    ok(&at.db, &["sync", "receive", s(stick.path())]);
    let at_hk = campaigns(&hk);
    assert_eq!(at_hk.len(), 1, "{at_hk:?}");
    assert_eq!(
        (&at_hk[0]["code"], &at_hk[0]["units"], &at_hk[0]["units_reported"]),
        (&Value::from(CAMPAIGN), &Value::from(2), &Value::from(0))
    );
    assert_eq!(at_hk[0]["documents"], serde_json::json!(["12-NQ/TU"]));
    assert_eq!(campaigns(&at)[0]["units"], 1);
    let created = audit_details(&hk.db, "study.create");
    assert!(created[0].contains("\"via\":\"packet\""), "{created:?}");

    // HK's clerk reports a branch; the figures go up in HK's next packet.
    report(&hk, "HK-01", "20", "18");
    let (name, genuine) = next_packet(&hk);

    // Figures that cannot be true, even signed by HK's key, refuse the
    // packet, naming the campaign, the unit and what is wrong.
    let impossible = reports_changed(&hk, &genuine, |e| e["attended"] = 25.into());
    let out = receive(&p, &name, &impossible);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("HT-NQ10") && err.contains("HK-01") && err.contains("vượt tổng số đảng viên"),
        "{err}"
    );
    assert_eq!(unit_row(&p, "HK-01")["reported"], false, "nothing applied");

    let out = receive(&p, &name, &genuine);
    let got = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && got.contains("đã áp dụng gói số"), "{got}");
    let row = unit_row(&p, "HK-01");
    assert_eq!(row["reported"], true);
    assert_eq!(
        (row["members"].as_u64(), row["took_part"].as_u64()),
        (Some(20), Some(18))
    );
    assert_eq!(row["office"], "Đảng bộ xã Hương Khê");

    // The province records AT-01 itself: no office named.
    report(&p, "AT-01", "12", "12");
    assert_eq!(unit_row(&p, "AT-01")["office"], Value::Null);

    // A later report at HK replaces the one the province took.
    report(&hk, "HK-01", "20", "20");
    carry(&hk, &p);
    let row = unit_row(&p, "HK-01");
    assert_eq!(row["took_part"].as_u64(), Some(20));
    let logged = audit_details(&p.db, "study.report");
    let last: Value = serde_json::from_str(logged.last().expect("logged")).expect("JSON");
    assert_eq!(
        (&last["via"], &last["office"], &last["replaced"]["attended"]),
        (&Value::from("packet"), &Value::from("HK"), &Value::from(18))
    );

    // The totals count every unit once.
    let rows = json(&p.db, &["study", "summary", "--campaign", CAMPAIGN, "--format", "json"]);
    let total = rows.as_array().and_then(|r| r.last()).expect("total");
    assert_eq!(
        (
            total["units"].as_u64(),
            total["units_reported"].as_u64(),
            total["took_part"].as_u64()
        ),
        (Some(3), Some(2), Some(32))
    );

    // The printed report names the office.
    let pdf = p.path("bao-cao.pdf");
    #[rustfmt::skip]
    ok(&p.db, &["study", "summary", "--campaign", CAMPAIGN, "--format", "pdf", "--out", s(&pdf)]);
    let text = giaonhan_tests::readers::pdf_text(&pdf);
    // The name's cell wraps: the office is on the line below.
    assert!(
        text.contains("Chi bộ thôn Đông Trung (báo cáo") && text.contains("qua Đảng bộ xã Hương Khê)"),
        "{text}"
    );

    // A report of a unit outside HK's subtree is not HK's to send: logged
    // and left, while the packet's other figures are taken.
    report(&hk, "HK-02", "8", "8");
    let (name, genuine) = next_packet(&hk);
    let widened = resign_body(&hk, &genuine, |events| {
        let events = events.as_array_mut().expect("events");
        let mut other = events
            .iter()
            .find(|e| e["kind"] == "study_report")
            .cloned()
            .expect("HK-02's report");
        other["unit"] = "AT-01".into();
        other["attended"] = 0.into();
        events.push(other);
    });
    let out = receive(&p, &name, &widened);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(unit_row(&p, "HK-02")["reported"], true);
    assert_eq!(
        unit_row(&p, "AT-01")["took_part"].as_u64(),
        Some(12),
        "the province's own stand"
    );
    let ignored = audit_details(&p.db, "exchange.ignored");
    assert!(
        ignored
            .iter()
            .any(|d| d.contains("AT-01") && d.contains("không thuộc văn phòng gửi gói")),
        "{ignored:?}"
    );

    // Nothing goes back down, and every log holds.
    let again = carry(&p, &hk);
    assert!(!again.contains("lỗi"), "{again}");
    assert_eq!(campaigns(&hk).len(), 1);
    for o in [&p, &hk, &at] {
        let out = ok(&o.db, &["verify"]);
        assert!(out.contains("Nhật ký nguyên vẹn"), "{out}");
    }
}

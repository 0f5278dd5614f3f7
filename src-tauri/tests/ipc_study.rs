//! IPC tests of study follow-through on Tauri's mock runtime (harness in
//! `common/`): a campaign made and a unit's figures entered as the window
//! sends them, impossible figures refused with the field named and nothing
//! written, the summary's rows; a branch secretary reads only their own
//! unit's campaigns and rows (committee and total added up from them) and
//! enters their own unit's figures, refused for another unit.

mod common;

use common::Harness;
use serde_json::{json, Value};

fn seed(h: &Harness) {
    for (code, name, parent, kind) in [
        ("HK", "Đảng bộ xã Hương Khê", None, "Đảng bộ cơ sở"),
        ("HK-01", "Chi bộ thôn Đông Trung", Some("HK"), "Chi bộ"),
        ("HK-02", "Chi bộ thôn Ấp Thượng", Some("HK"), "Chi bộ"),
    ] {
        h.ok(
            "add_unit",
            json!({ "unit": { "code": code, "name": name, "parent": parent, "kind": kind } }),
        );
    }
    h.ok(
        "add_document",
        json!({ "doc": { "symbol": "05-KH/HU", "title": "Kế hoạch học tập, quán triệt nghị quyết",
                         "issued_on": "2025-01-15", "copies_received": 50, "classification": "normal" } }),
    );
    h.ok(
        "create_campaign",
        json!({ "campaign": { "code": "NQ10", "title": "Học tập Nghị quyết 10", "documents": ["05-KH/HU"],
                              "batch": null, "from": "2025-08-01", "to": "2025-08-31",
                              "subtrees": ["HK"], "units": [] } }),
    );
}

fn report(unit: &str, members: i32, attended: i32, made_up: i32) -> Value {
    json!({ "report": { "campaign": "NQ10", "unit": unit, "members": members, "attended": attended,
                        "made_up": made_up, "absent_excused": 0, "absent_reason": null, "sessions": null,
                        "held_on": null, "masses": 3, "programme": null } })
}

#[test]
fn figures_are_entered_refused_by_field_and_summed() {
    let h = Harness::new();
    seed(&h);
    let saved = h.ok("report_study", report("HK-01", 20, 18, 1));
    assert_eq!(
        (saved["unit_code"].clone(), saved["replaced"].clone()),
        (json!("HK-01"), json!(false))
    );

    for (args, field) in [
        (report("HK-02", 10, 9, 2), "attended"),
        (report("HK-02", -1, 0, 0), "members"),
        (report("HK-02", 10, 5, -1), "made_up"),
        (report("HK", 10, 5, 0), "unit"),
    ] {
        let err = h.err("report_study", args);
        assert_eq!(
            (err["kind"].clone(), err["field"].clone()),
            (json!("invalid"), json!(field)),
            "{err}"
        );
    }
    let campaigns = h.ok("list_campaigns", json!({}));
    assert_eq!(campaigns[0]["units_reported"], 1, "nothing written by the refusals");

    let rows = h.ok("study_summary", json!({ "campaign": "NQ10", "subtree": null }));
    let total = rows.as_array().and_then(|r| r.last()).cloned().expect("total");
    assert_eq!(total["level"], "total");
    assert_eq!(
        (
            total["members"].clone(),
            total["took_part"].clone(),
            total["rate"].clone()
        ),
        (json!(20), json!(19), json!(95.0))
    );
}

#[test]
fn a_secretary_reads_and_enters_only_their_own_units_figures() {
    let h = Harness::new();
    seed(&h);
    h.ok("report_study", report("HK-02", 30, 25, 0));
    h.ok(
        "create_first_admin",
        json!({ "account": { "username": "admin", "display_name": "Quản trị", "role": "admin", "unit": null,
                             "password": "mat-khau-dai", "pin": null } }),
    );
    h.ok(
        "add_account",
        json!({ "account": { "username": "bithu", "display_name": "Bí thư", "role": "secretary", "unit": "HK-01",
                             "password": "mat-khau-dai", "pin": "2468" } }),
    );
    h.ok("logout", json!({}));
    h.ok("login", json!({ "username": "bithu", "password": "mat-khau-dai" }));

    // Their campaign, counted over their unit alone.
    let campaigns = h.ok("list_campaigns", json!({}));
    assert_eq!(
        (
            campaigns[0]["code"].clone(),
            campaigns[0]["units"].clone(),
            campaigns[0]["units_reported"].clone()
        ),
        (json!("NQ10"), json!(1), json!(0))
    );
    // Another unit's figures: refused, nothing written.
    let err = h.err("report_study", report("HK-02", 10, 1, 0));
    assert_eq!(err["kind"], "forbidden", "{err}");
    assert!(err["message"].as_str().unwrap_or_default().contains("HK-02"), "{err}");
    // Their own: entered.
    let saved = h.ok("report_study", report("HK-01", 20, 18, 1));
    assert_eq!(saved["unit_code"], "HK-01");
    // The summary: their unit's row, the committee and the total from it alone.
    let rows = h.ok("study_summary", json!({ "campaign": "NQ10", "subtree": null }));
    let rows = rows.as_array().cloned().unwrap_or_default();
    let units: Vec<&str> = rows
        .iter()
        .filter(|r| r["level"] == "unit")
        .filter_map(|r| r["unit_code"].as_str())
        .collect();
    assert_eq!(units, ["HK-01"], "{rows:?}");
    assert!(
        rows.iter().all(|r| r["members"] == 20),
        "no row counts HK-02's figures: {rows:?}"
    );
    let total = rows.last().cloned().expect("total");
    assert_eq!(
        (
            total["members"].clone(),
            total["took_part"].clone(),
            total["units"].clone()
        ),
        (json!(20), json!(19), json!(1))
    );

    // The staff still see the whole campaign, HK-02's figures as they were.
    h.ok("logout", json!({}));
    h.ok("login", json!({ "username": "admin", "password": "mat-khau-dai" }));
    let rows = h.ok("study_summary", json!({ "campaign": "NQ10", "subtree": null }));
    let hk02 = rows
        .as_array()
        .and_then(|r| r.iter().find(|r| r["unit_code"] == "HK-02"))
        .cloned();
    assert_eq!(hk02.map(|r| r["members"].clone()), Some(json!(30)));
}

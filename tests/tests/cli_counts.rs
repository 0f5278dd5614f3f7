//! One count everywhere: on the district demo (≈ 1,000 units, 3,000 batches,
//! confirmations on time, late, partial, declined or never, recipients for
//! information), every batch's `must_confirm` and `open` from `giaonhan batch
//! list` equal `giaonhan stats` (`units`, `pending + partial + declined`) and
//! the number of rows `giaonhan outstanding` lists for it.

use std::collections::BTreeMap;

use giaonhan_tests::cli::{ok, temp_db};
use serde_json::Value;

fn json(out: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(out).expect("JSON");
    v.as_array().expect("a JSON array").clone()
}

fn count(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or_else(|| panic!("{key} is a count in {v}"))
}

#[test]
fn batch_list_stats_and_outstanding_agree_for_every_batch_of_the_district_demo() {
    let (_dir, db) = temp_db();
    ok(&db, &["demo", "--scale", "district", "--seed", "3"]);

    let batches = json(&ok(&db, &["batch", "list"]));
    assert!(batches.len() > 1000, "the district demo has thousands of batches");
    let codes: Vec<String> = batches
        .iter()
        .map(|b| b["code"].as_str().expect("code").to_owned())
        .collect();

    // Rows of the whole list, per batch (one run for all batches).
    let mut rows: BTreeMap<String, u64> = BTreeMap::new();
    for r in json(&ok(&db, &["outstanding", "--format", "json"])) {
        *rows.entry(r["batch"].as_str().expect("batch").to_owned()).or_default() += 1;
    }

    // In chunks: a Windows command line holds at most 32,767 characters.
    let mut stats: BTreeMap<String, Value> = BTreeMap::new();
    for chunk in codes.chunks(200) {
        let mut args = vec!["stats", "--format", "json"];
        for c in chunk {
            args.extend(["--batch", c.as_str()]);
        }
        for s in json(&ok(&db, &args)) {
            stats.insert(s["code"].as_str().expect("code").to_owned(), s);
        }
    }

    let (mut with_info, mut with_open) = (0, 0);
    for b in &batches {
        let code = b["code"].as_str().expect("code");
        let s = &stats[code];
        let open = count(s, "pending") + count(s, "partial") + count(s, "declined");
        assert_eq!(count(b, "must_confirm"), count(s, "units"), "{code}: must_confirm");
        assert_eq!(count(b, "open"), open, "{code}: open");
        assert_eq!(rows.get(code).copied().unwrap_or(0), open, "{code}: rows of the list");
        assert_eq!(
            count(b, "confirmed") + count(b, "open"),
            count(b, "must_confirm"),
            "{code}: confirmed + open"
        );
        with_info += usize::from(count(b, "recipients") > count(b, "must_confirm"));
        with_open += usize::from(open > 0);
    }
    assert!(with_info > 0, "some batches have recipients for information");
    assert!(with_open > 0, "some batches are still open");
}

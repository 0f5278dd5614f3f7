//! Tests of the country plan generator at a tiny size: the plan applies
//! cleanly to the register it comes with, leaves the counts of units the
//! size names, and the audit log still verifies.

use giaonhan::{Actor, Store};
use giaonhan_scale::plan::{country, plan_day, CountrySize};

#[test]
fn the_tiny_country_plan_applies_whole() {
    let size = CountrySize::tiny();
    let c = country(&size, 7);
    assert_eq!(c.plan, country(&size, 7).plan, "a seed gives the same plan");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join("country.sqlite3")).expect("open");
    let actor = Actor::new("văn thư", "test");
    c.load(&mut store, &actor).expect("load the old tree");
    let table = c.plan_table("sap-xep.csv");
    let report = store
        .reorganise_plan_table(&actor, &table, plan_day(), Some("Sắp xếp".into()), false)
        .expect("apply");
    assert!(report.is_ok(), "{:#?}", report.issues);
    assert_eq!(report.counts.closed as usize, size.districts);
    let after = store.units_as_of(plan_day()).expect("tree");
    let kind = |k: &str| after.iter().filter(|u| u.kind.as_deref() == Some(k)).count();
    assert_eq!(kind("Đảng bộ tỉnh"), size.new_provinces);
    assert_eq!(kind("Đảng bộ xã"), size.new_communes);
    assert_eq!(kind("Đảng bộ huyện"), 0);
    assert!(after.iter().all(|u| u.depth == 0 || u.parent.is_some()));
    assert!(store.verify_log(None).expect("verify").problem.is_none());
}

//! The month of packets the exchange benchmark applies, at a tiny size:
//! every commune's packets apply at the province in one receive, the
//! province's own batches end confirmed by packet, the consolidated list
//! names the branches still open with the office that reported them, and
//! the province's audit log still verifies.

use giaonhan::exchange::Outcome;
use giaonhan::model::OutstandingQuery;
use giaonhan::{Actor, Store};
use giaonhan_scale::exchange::{make, Month};

#[test]
fn a_month_of_packets_applies_at_the_province() {
    let dir = tempfile::tempdir().expect("temp dir");
    let month = Month::tiny();
    let mut stages = Vec::new();
    let made = make(dir.path(), &month, &mut |stage, _, _| stages.push(stage.to_owned())).expect("month");
    assert_eq!(stages.last().map(String::as_str), Some("month"));

    let mut province = Store::open(&made.province).expect("province");
    let received = province
        .sync_receive(&Actor::new("Văn thư", "test"), &made.up)
        .expect("receive");
    // Each commune wrote one packet a week (earlier ones again, unacknowledged).
    assert_eq!(received.len(), month.communes * month.weeks);
    assert!(
        received.iter().all(|r| matches!(r.outcome, Outcome::Applied { .. })),
        "{received:#?}"
    );

    let open = province
        .outstanding_consolidated(&OutstandingQuery::default())
        .expect("consolidated");
    // The province's weekly batches are confirmed by every commune; in each
    // commune the last week's third branch is still open.
    let rows: Vec<(String, String, String)> = open
        .iter()
        .map(|r| (r.site.clone(), r.row.batch.clone(), r.row.unit_code.clone()))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("X001".into(), "X001-T2".into(), "X001-03".into()),
            ("X002".into(), "X002-T2".into(), "X002-03".into()),
            ("X003".into(), "X003-T2".into(), "X003-03".into()),
        ]
    );
    province.verify().expect("the audit log verifies");
}

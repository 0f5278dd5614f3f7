//! The month of packets the exchange benchmark applies, at a tiny size:
//! every commune's packets apply at the province in one receive, the
//! province's own batches end confirmed by packet, the consolidated list
//! names the branches still open with the office that reported them, and
//! the province's audit log still verifies; a receive or a send stopped part
//! way keeps what it did, and the next one does the rest.

use giaonhan::exchange::Outcome;
use giaonhan::host::Host;
use giaonhan::model::OutstandingQuery;
use giaonhan::progress::{Phase, Step, Watch};
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

/// Stops a run once `limit` steps of `phase` were reported, and keeps every
/// step it was told.
struct StopAfter {
    phase: Phase,
    limit: usize,
    steps: Vec<Step>,
}

impl StopAfter {
    fn new(phase: Phase, limit: usize) -> StopAfter {
        StopAfter {
            phase,
            limit,
            steps: Vec::new(),
        }
    }
}

impl Watch for StopAfter {
    fn step(&mut self, step: Step) {
        self.steps.push(step);
    }
    fn stop(&self) -> bool {
        self.steps.iter().filter(|s| s.phase == self.phase).count() >= self.limit
    }
}

#[test]
fn a_stopped_receive_keeps_what_it_applied_and_the_next_one_applies_the_rest() {
    let dir = tempfile::tempdir().expect("temp dir");
    let month = Month::tiny();
    let made = make(dir.path(), &month, &mut |_, _, _| {}).expect("month");
    let packets = month.communes * month.weeks;
    let actor = Actor::new("Văn thư", "test");
    let mut province = Store::open(&made.province).expect("province");

    // Stopped while reading: nothing applied.
    let mut watch = StopAfter::new(Phase::Read, 2);
    let run = province
        .sync_receive_watched(&actor, &made.up, &mut watch)
        .expect("receive");
    assert!(run.stopped && run.items.is_empty(), "{run:#?}");
    assert_eq!(
        watch
            .steps
            .iter()
            .map(|s| (s.phase, s.done, s.total))
            .collect::<Vec<_>>(),
        vec![(Phase::Read, 0, packets as u64), (Phase::Read, 1, packets as u64)]
    );

    // Stopped after two packets applied: those stay applied.
    let mut watch = StopAfter::new(Phase::Apply, 2);
    let run = province
        .sync_receive_watched(&actor, &made.up, &mut watch)
        .expect("receive");
    assert!(run.stopped, "{run:#?}");
    assert_eq!(run.items.len(), 2, "{run:#?}");
    assert!(run.items.iter().all(|r| matches!(r.outcome, Outcome::Applied { .. })));
    assert!(watch.steps.contains(&Step {
        phase: Phase::Read,
        done: packets as u64,
        total: packets as u64
    }));

    // The next receive applies the rest, the two again changing nothing.
    let mut watch = StopAfter::new(Phase::Apply, usize::MAX);
    let run = province
        .sync_receive_watched(&actor, &made.up, &mut watch)
        .expect("receive");
    assert!(!run.stopped);
    let applied = run
        .items
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Applied { .. }))
        .count();
    let again = run
        .items
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::AlreadyApplied { .. }))
        .count();
    assert_eq!((applied, again), (packets - 2, 2), "{run:#?}");
    assert_eq!(
        watch.steps.last(),
        Some(&Step {
            phase: Phase::Apply,
            done: packets as u64,
            total: packets as u64
        })
    );

    // A send stopped after the first office was prepared records and
    // writes nothing; the next one writes every office's packet.
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).expect("out");
    let mut watch = StopAfter::new(Phase::Prepare, 1);
    let run = province.sync_send_watched(&actor, &out, &mut watch).expect("send");
    assert!(run.stopped && run.items.is_empty(), "{run:#?}");
    assert_eq!(std::fs::read_dir(&out).expect("out").count(), 0);
    let sent = province.sync_send(&actor, &out).expect("send");
    let offices: std::collections::BTreeSet<&str> = sent.iter().map(|s| s.to.as_str()).collect();
    assert_eq!(offices.len(), month.communes, "{sent:#?}");
    assert!(sent.iter().all(|s| !s.again), "{sent:#?}");
    assert_eq!(std::fs::read_dir(&out).expect("out").count(), sent.len());
    province.verify().expect("the audit log verifies");
}

/// The window's "Dừng" arrives while the run goes on (another request):
/// the run stops before its next packet, and the next run starts afresh.
#[test]
fn the_window_stops_a_receive_between_two_packets() {
    let dir = tempfile::tempdir().expect("temp dir");
    let month = Month::tiny();
    let made = make(dir.path(), &month, &mut |_, _, _| {}).expect("month");
    let host = Host::new(Store::open(&made.province).expect("province"));
    let actor = Actor::new("Văn thư", "test");
    let run = host
        .exchange(
            |step| {
                // Told of the first packet: "Dừng" before the second.
                if step.phase == Phase::Apply {
                    host.stop_exchange();
                }
            },
            |s, w| s.sync_receive_watched(&actor, &made.up, w),
        )
        .expect("receive");
    assert!(run.stopped);
    assert_eq!(run.items.len(), 1, "{run:#?}");
    let run = host
        .exchange(|_| {}, |s, w| s.sync_receive_watched(&actor, &made.up, w))
        .expect("receive");
    assert!(!run.stopped, "a new run is not stopped by the last one's Dừng");
    let applied = run
        .items
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Applied { .. }))
        .count();
    assert_eq!(applied, month.communes * month.weeks - 1);
}

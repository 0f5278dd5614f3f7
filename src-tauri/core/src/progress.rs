//! Long runs tell how far they are and stop between two steps when asked:
//! the window shows "gói 12 / 950" and a "Dừng" button while packets are
//! sent to or received from every office. A run that stops keeps what it
//! has done (each step is whole) and says so in its result. A long printed
//! list reports the rows laid out and stops between two chunks of pages.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

/// What a run is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Phase {
    /// Making the packets, one trusted office after another.
    Prepare,
    /// Writing the packet files into the folder or the bucket.
    Write,
    /// Reading and checking the packet files found.
    Read,
    /// Applying the packets, in order.
    Apply,
    /// Laying a printed list out: steps are the table's items (rows, group
    /// headings and subtotals) placed on pages.
    Print,
    /// Checking the rows of a file to import, one after another.
    Check,
    /// Writing the new rows of an import (not in a check-only run).
    Save,
}

/// `done` of `total` steps of a phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Step {
    pub phase: Phase,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// The items a run handled, and whether it stopped before the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Run<T> {
    pub items: Vec<T>,
    pub stopped: bool,
}

/// Follows a run: told every step, asked before each one whether to stop.
pub trait Watch {
    fn step(&mut self, _step: Step) {}
    fn stop(&self) -> bool {
        false
    }
}

/// Nobody watches: the command line and the tests.
pub struct Unwatched;

impl Watch for Unwatched {}

/// How often at most a window is told of steps within a phase: a province
/// receives thousands of packets, and the window redraws only so fast.
const EVERY: Duration = Duration::from_millis(100);

/// Tells `report` the first and last step of each phase and the others at
/// most every tenth of a second, and stops once `flag` is set (by another
/// thread: the window's "Dừng").
pub struct Flagged<'a, F: FnMut(Step)> {
    flag: &'a AtomicBool,
    report: F,
    last: Option<(Phase, Instant)>,
}

impl<'a, F: FnMut(Step)> Flagged<'a, F> {
    pub fn new(flag: &'a AtomicBool, report: F) -> Self {
        Flagged {
            flag,
            report,
            last: None,
        }
    }
}

impl<F: FnMut(Step)> Watch for Flagged<'_, F> {
    fn step(&mut self, step: Step) {
        let now = Instant::now();
        let due = match self.last {
            Some((phase, at)) => phase != step.phase || step.done == step.total || now - at >= EVERY,
            None => true,
        };
        if due {
            self.last = Some((step.phase, now));
            (self.report)(step);
        }
    }
    fn stop(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }
}

/// Reports `done` of `total` and answers whether to stop before that step.
pub(crate) fn next(watch: &mut dyn Watch, phase: Phase, done: usize, total: usize) -> bool {
    if watch.stop() {
        return false;
    }
    watch.step(Step {
        phase,
        done: done as u64,
        total: total as u64,
    });
    true
}

/// Reports a phase finished.
pub(crate) fn finished(watch: &mut dyn Watch, phase: Phase, total: usize) {
    watch.step(Step {
        phase,
        done: total as u64,
        total: total as u64,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flagged_watch_reports_each_phase_and_its_end_and_stops_when_flagged() {
        let flag = AtomicBool::new(false);
        let mut seen = Vec::new();
        {
            let mut watch = Flagged::new(&flag, |s: Step| seen.push((s.phase, s.done)));
            for done in 0..1000 {
                assert!(next(&mut watch, Phase::Read, done, 1000));
            }
            finished(&mut watch, Phase::Read, 1000);
            assert!(next(&mut watch, Phase::Apply, 0, 2));
            flag.store(true, Ordering::Relaxed);
            assert!(!next(&mut watch, Phase::Apply, 1, 2), "stops once flagged");
        }
        assert_eq!(seen.first(), Some(&(Phase::Read, 0)));
        assert!(seen.contains(&(Phase::Read, 1000)), "{seen:?}");
        assert_eq!(seen.last(), Some(&(Phase::Apply, 0)));
        assert!(
            seen.len() < 100,
            "a thousand quick steps are not each reported: {}",
            seen.len()
        );
    }
}

//! The event index: the running jobs ordered by the instants at which the clock alone
//! changes something for them, and when the last pass ran.

use super::Scheduler;
use super::job_table::JobTable;
use crate::job_id::JobId;
use crate::job_state::JobState;
use crate::time::Timestamp;
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

/// The scheduler's time-ordered indexes: what [`Scheduler::next_change_time`] and
/// [`Scheduler::next_clock_change`] read, and what tells a pass which running jobs
/// its kept plan must hold past their end.
///
/// Invariants:
/// - `running_ends` and `kill_times` hold the running (and suspended) jobs only, each
///   under the instant its current start, time limit and partition give
///   ([`Scheduler::note_running_times`]); an entry is removed under the same
///   instant before any of those change or the job stops running
///   ([`Scheduler::forget_running_times`]). A job whose time limit or
///   `OverTimeLimit` is UNLIMITED has no kill time.
/// - `planned_ends` may hold stale entries (a job that ended since, or whose time limit
///   changed: it is pushed again under its new end); they are checked against the job
///   when they come up.
/// - `overdue` holds running jobs whose planned end was at most one second after the
///   last pass that collected them.
#[derive(Debug, Clone, Default)]
pub(super) struct EventIndex {
    /// Running jobs by planned end (start + time limit).
    pub(super) running_ends: BTreeSet<(Timestamp, JobId)>,
    /// Running jobs by the instant they are ended as TIMEOUT (time limit + OverTimeLimit).
    pub(super) kill_times: BTreeSet<(Timestamp, JobId)>,
    /// Running jobs by the end the plan gives them (start + time limit), earliest first.
    pub(super) planned_ends: BinaryHeap<Reverse<(Timestamp, JobId)>>,
    /// Running jobs past their planned end, whose nodes the plan holds until `now + 1`.
    pub(super) overdue: Vec<JobId>,
    /// When the last pass ran.
    pub(super) last_schedule: Option<Timestamp>,
    /// How many jobs were pending after the last pass.
    pub(super) pending_after_pass: usize,
}

impl EventIndex {
    /// Records a running job's planned end and, if it has one, its TIMEOUT instant.
    pub(super) fn note_running(&mut self, id: JobId, end: Timestamp, kill: Option<Timestamp>) {
        self.running_ends.insert((end, id));
        if let Some(kill) = kill {
            self.kill_times.insert((kill, id));
        }
    }

    /// Forgets what [`Self::note_running`] recorded under the same instants.
    pub(super) fn forget_running(&mut self, id: JobId, end: Timestamp, kill: Option<Timestamp>) {
        self.running_ends.remove(&(end, id));
        if let Some(kill) = kill {
            self.kill_times.remove(&(kill, id));
        }
    }

    /// Moves the running jobs whose planned end is at most `now + 1` (so that the plan
    /// must hold their nodes until `now + 1`, pass after pass) from `planned_ends` to
    /// `overdue`, and drops the ones that no longer run.
    pub(super) fn collect_overdue(&mut self, now: Timestamp, jobs: &JobTable) {
        let limit = Timestamp(now.0.saturating_add(1));
        while let Some(&Reverse((end, id))) = self.planned_ends.peek() {
            if end > limit {
                break;
            }
            self.planned_ends.pop();
            if jobs
                .get(id)
                .is_some_and(|j| j.state == JobState::Running && Scheduler::planned_end(j) == end)
                && !self.overdue.contains(&id)
            {
                self.overdue.push(id);
            }
        }
        self.overdue.retain(|id| {
            jobs.get(*id)
                .is_some_and(|j| j.state == JobState::Running && Scheduler::planned_end(j) <= limit)
        });
    }
}

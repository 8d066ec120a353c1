//! Discrete-event replay of a workload through the scheduler, in virtual time.
//!
//! The [`Simulator`] is a host like any other: it owns the (virtual) clock and the (make-
//! believe) processes, and drives the same [`Scheduler`] a real launcher would. Events are
//! job submissions (from the workload), job ends (a started job ends `runtime` after its
//! start, or is ended as TIMEOUT by the scheduler at its limit), and whatever the scheduler
//! asks to be called back for ([`Scheduler::next_change_time`]: time limits, `--begin`
//! times, dependency delays), and, when the policy has a `bf_interval`, that long after
//! the last pass while jobs are pending, as slurmctld runs its backfill cycle. Planned
//! starts need no call of their own: resources are only released by a job ending or
//! reaching its limit, which are events already. At each event instant the simulator first ends
//! the jobs that end then, then submits the jobs submitted then (in workload order), then
//! runs one scheduling pass, as slurmctld schedules when jobs end and are submitted; the
//! replay is exact (every instant is a whole second, nothing is sampled) and deterministic.
//!
//! Memory follows the jobs in the system, not the workload's length: jobs are read from
//! an iterator as their submit time comes, and a finished job leaves the scheduler
//! `MinJobAge` after it ended ([`Scheduler::purge_finished`]), its record handed to the
//! caller's sink (metrics, a CSV file) at that moment.

use crate::cluster::Cluster;
use crate::fast_hash::FastBuild;
use crate::job_id::JobId;
use crate::job_state::JobState;
use crate::scheduler::{Decision, JobRecord, Policy, Scheduler};
use crate::time::{Duration, TimeLimit, Timestamp};
use crate::workload::WorkloadJob;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// What happens to a job that runs longer than its time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overrun {
    /// Ended as TIMEOUT at its limit (plus `OverTimeLimit`), as Slurm does.
    #[default]
    Kill,
    /// Runs to its recorded runtime (`OverTimeLimit=UNLIMITED`), the convention of most
    /// published trace replays. Backfill still plans with the time limit.
    Allow,
}

/// How a replay runs.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct SimOptions {
    /// Jobs that outlive their time limit.
    pub overrun: Overrun,
    /// Stop at this instant (after its events and its scheduling pass), leaving the
    /// scheduler as it is then, e.g. to show the queue as `squeue --start` would.
    pub stop_at: Option<Timestamp>,
}

/// A job the scheduler refused at submit, as sbatch would have.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Refused {
    /// The job's position in the workload (1-based).
    pub index: u32,
    /// Its line in the workload file.
    pub line: usize,
    /// Why (sbatch's message).
    pub reason: String,
}

/// What a replay did, besides the records it handed out.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct SimOutcome {
    /// Jobs submitted (accepted).
    pub submitted: u64,
    /// Jobs refused at submit.
    pub refused: Vec<Refused>,
    /// Scheduling passes run.
    pub passes: u64,
    /// The last instant simulated.
    pub end: Timestamp,
    /// Whether the replay stopped at [`SimOptions::stop_at`] with work left.
    pub stopped: bool,
}

/// Why a replay could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The workload goes back in time.
    #[error("job {index} (line {line}) is submitted at {}, before the job before it ({})", submit.0, previous.0)]
    Unsorted {
        /// Its position in the workload.
        index: u32,
        /// Its line.
        line: usize,
        /// Its submit time.
        submit: Timestamp,
        /// The previous job's submit time.
        previous: Timestamp,
    },
}

/// A replay in progress. See the module docs.
///
/// ```
/// use hpcsched::simulator::{SimOptions, Simulator};
/// use hpcsched::workload::parse_job_list;
/// use hpcsched::{Cluster, JobState, Policy, Preset};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let cluster = Cluster::from_slurm_conf(
///     "NodeName=n[1-4] CPUs=4\nPartitionName=p Nodes=n[1-4] Default=YES OverSubscribe=EXCLUSIVE\n",
/// )?;
/// // The backfill scenario of SLURM_NOTES: A runs, B waits for A, C backfills, D waits.
/// let jobs = parse_job_list(
///     "0 3600 alice -N3 -t 60 -J A\n\
///      0 3600 alice -N4 -t 60 -J B\n\
///      0 1800 alice -N1 -t 30 -J C\n\
///      0 7200 alice -N1 -t 120 -J D\n",
/// )?;
/// let policy = Policy::preset(Preset::Easy, cluster.config());
/// let mut sim = Simulator::new(cluster, policy, SimOptions::default());
/// let mut records = Vec::new();
/// sim.run(jobs, |r| records.push(r))?;
/// records.sort_by_key(|r| r.job);
/// let starts: Vec<u64> = records.iter().map(|r| r.start.map_or(0, |s| s.0)).collect();
/// assert_eq!(starts, vec![0, 3600, 0, 7200]);
/// assert!(records.iter().all(|r| r.state == JobState::Completed));
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Simulator {
    sched: Scheduler,
    options: SimOptions,
    now: Timestamp,
    /// Running jobs' ends: (instant, job), earliest first.
    ends: BinaryHeap<Reverse<(Timestamp, JobId)>>,
    /// What each job still to start or end will do: its runtime and exit code.
    fate: HashMap<JobId, (Duration, i32), FastBuild>,
    /// Workload index → job id, for dependencies written against the workload.
    ids: HashMap<u32, JobId, FastBuild>,
}

impl Simulator {
    /// A replay on `cluster` under `policy`.
    #[must_use]
    pub fn new(mut cluster: Cluster, policy: Policy, options: SimOptions) -> Self {
        if options.overrun == Overrun::Allow {
            cluster.config_mut().over_time_limit = TimeLimit::Unlimited;
            cluster.clear_partition_over_time_limits();
        }
        Self {
            sched: Scheduler::with_policy(cluster, policy),
            options,
            now: Timestamp(0),
            ends: BinaryHeap::new(),
            fate: HashMap::default(),
            ids: HashMap::default(),
        }
    }

    /// The scheduler, to change how it runs before the replay (diagnostics).
    #[doc(hidden)]
    pub fn scheduler_mut(&mut self) -> &mut Scheduler {
        &mut self.sched
    }

    /// The scheduler, as the replay left it.
    #[must_use]
    pub fn scheduler(&self) -> &Scheduler {
        &self.sched
    }

    /// Replays `jobs` (in submit order) to the end, or to [`SimOptions::stop_at`], and
    /// hands every job's record to `sink` as the job leaves the system (in the order they
    /// leave; jobs still in the system at the end come last, by job id).
    pub fn run<I, F>(&mut self, jobs: I, mut sink: F) -> Result<SimOutcome, SimError>
    where
        I: IntoIterator<Item = WorkloadJob>,
        F: FnMut(JobRecord),
    {
        let mut jobs = jobs.into_iter().peekable();
        let mut outcome = SimOutcome::default();
        let mut previous: Option<Timestamp> = None;
        let mut last_pass: Option<Timestamp> = None;
        loop {
            let next_submit = jobs.peek().map(|j| j.submit);
            let next_end = self.ends.peek().map(|Reverse((t, _))| *t);
            let callback = self.sched.next_change_time(self.now);
            // slurmctld's backfill cycle, while there is something to plan.
            let tick = self
                .sched
                .policy()
                .backfill
                .as_ref()
                .and_then(|b| b.interval)
                .zip(last_pass)
                .filter(|_| self.sched.pending_jobs() > 0)
                .map(|(interval, last)| last.saturating_add(interval));
            let Some(t) = [next_submit, next_end, callback, tick]
                .into_iter()
                .flatten()
                .min()
            else {
                break;
            };
            if self.options.stop_at.is_some_and(|stop| t > stop) {
                outcome.stopped = true;
                break;
            }
            self.now = t;
            while let Some(&Reverse((end, id))) = self.ends.peek() {
                if end > t {
                    break;
                }
                self.ends.pop();
                if let Some((_, exit)) = self.fate.remove(&id) {
                    // Already ended by the scheduler (TIMEOUT) when this errs: nothing to do.
                    let _ = self.sched.job_finished(id, end, exit);
                }
            }
            while jobs.peek().is_some_and(|j| j.submit <= t) {
                let Some(job) = jobs.next() else { break };
                if let Some(prev) = previous
                    && job.submit < prev
                {
                    return Err(SimError::Unsorted {
                        index: job.index,
                        line: job.line,
                        submit: job.submit,
                        previous: prev,
                    });
                }
                previous = Some(job.submit);
                self.submit(job, t, &mut outcome);
            }
            let decisions = self.sched.schedule(t);
            last_pass = Some(t);
            outcome.passes += 1;
            for d in &decisions {
                if let Decision::Start { job, .. } = d {
                    self.started(*job, t);
                }
            }
            for record in self.sched.purge_finished(t) {
                sink(record);
            }
        }
        outcome.end = self.now;
        if !outcome.stopped {
            // Everything that ended, at once, then the jobs that never could run.
            for record in self.sched.purge_finished(Timestamp(u64::MAX)) {
                sink(record);
            }
            for record in self.sched.records(self.now) {
                sink(record);
            }
        }
        Ok(outcome)
    }

    fn submit(&mut self, job: WorkloadJob, now: Timestamp, outcome: &mut SimOutcome) {
        let mut request = job.request;
        if let Some(dep) = request.dependency.take() {
            // The workload names its jobs by position; the scheduler by the ids it gave.
            let ids = &self.ids;
            request.dependency = dep
                .map_job_ids(|index| ids.get(&index.0).copied())
                .map(Box::new);
            if request.dependency.is_none() {
                outcome.refused.push(Refused {
                    index: job.index,
                    line: job.line,
                    reason: format!("Job dependency problem: {dep}"),
                });
                return;
            }
        }
        match self.sched.submit(&request, &job.user, now) {
            Ok(id) => {
                outcome.submitted += 1;
                self.ids.insert(job.index, id);
                self.fate.insert(id, (job.runtime, job.exit_code));
            }
            Err(e) => outcome.refused.push(Refused {
                index: job.index,
                line: job.line,
                reason: e.to_string(),
            }),
        }
    }

    /// A job (or array task) started at `now`: it ends `runtime` later unless its limit
    /// ends it first (the scheduler then stops it itself).
    fn started(&mut self, id: JobId, now: Timestamp) {
        let Some(job) = self.sched.job(id) else {
            return;
        };
        // An array task runs under its own id: it does what its array's line says.
        let fate_of = job.array_task().map_or(id, |(array, _)| array);
        let Some(&(runtime, exit)) = self.fate.get(&fate_of) else {
            return;
        };
        let kill_at = match (
            job.time_limit(),
            self.sched.over_time_limit_in(job.partition()),
        ) {
            (TimeLimit::Limited(limit), TimeLimit::Limited(over)) => {
                Some(limit.saturating_add(over))
            }
            _ => None,
        };
        if job.state() != JobState::Running || kill_at.is_some_and(|k| runtime > k) {
            // The scheduler ends it at its limit; nothing more to remember about it.
            if fate_of == id && self.sched.pending_tasks(id) == 0 {
                self.fate.remove(&id);
            }
            return;
        }
        if fate_of != id {
            self.fate.insert(id, (runtime, exit));
        }
        self.ends.push(Reverse((now.saturating_add(runtime), id)));
    }
}

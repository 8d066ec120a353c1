//! Discrete-event replay of a workload through the scheduler, in virtual time.
//!
//! The [`Simulator`] is a host like any other: it owns the (virtual) clock and the (make-
//! believe) processes, and drives the same [`Scheduler`] a real launcher would. Events are
//! job submissions (from the workload), job ends (a started job ends `runtime` after its
//! start, or is ended as TIMEOUT by the scheduler at its limit), and whatever the scheduler
//! asks to be called back for ([`Scheduler::next_change_time`]: time limits, `--begin`
//! times, dependency delays). Planned starts need no call of their own: resources are
//! only released by a job ending or reaching its limit, which are events already. At each
//! event instant the simulator first ends the jobs that end then, then submits the jobs
//! submitted then (in workload order), then runs one scheduling pass, as slurmctld
//! schedules when jobs end and are submitted; the replay is exact (every instant is a
//! whole second, nothing is sampled) and deterministic.
//!
//! When the policy has a `bf_interval` (the `slurm` preset), slurmctld also runs its
//! backfill cycle that long after the last pass. The simulator does so only while such a
//! pass could decide something the last one did not, that is while something that
//! follows the clock is in play ([`Scheduler::next_clock_change`]): a running job past
//! its planned end (its nodes are planned free one second after each pass), age in
//! multifactor priorities, `bf_min_age_reserve` (from when a job reaches it), a
//! `--deadline` (from when it ends the job), or a start that the `bf_window` horizon
//! still hides. Otherwise a pass at a later instant, with nothing happening in between,
//! decides exactly what the last one did, so the cycle is left out: a replay ends when
//! no event left can change anything. Jobs that can then never
//! start (held, waiting on a dependency that can no longer be satisfied, over a
//! partition's limits, queued behind such a job) are reported with their pending reason
//! ([`SimOutcome::left_pending`]), and their records come out at the end like the others.
//!
//! Memory follows the jobs in the system, not the workload's length: jobs are read from
//! an iterator as their submit time comes, and a finished job leaves the scheduler
//! `MinJobAge` after it ended ([`Scheduler::purge_finished`]), its record handed to the
//! caller's sink (metrics, a CSV file) at that moment.

use crate::cluster::Cluster;
use crate::fast_hash::FastBuild;
use crate::job_id::JobId;
use crate::job_state::{JobState, PendingReason};
use crate::preempt::PreemptAction;
use crate::scheduler::{Decision, JobRecord, Policy, Scheduler};
use crate::time::{Duration, TimeLimit, Timestamp};
use crate::workload::WorkloadJob;
use serde::{Deserialize, Serialize};
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Refused {
    /// The job's position in the workload (1-based).
    pub index: u32,
    /// Its line in the workload file.
    pub line: usize,
    /// Why (sbatch's message).
    pub reason: String,
}

/// A job still pending when a replay ended: nothing left to happen could start it (held,
/// waiting on a dependency that can no longer be satisfied, asking for more than the
/// partition's limits or its nodes in service allow, or queued behind such a job).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LeftPending {
    /// Its id.
    pub job: JobId,
    /// Its position in the workload (1-based).
    pub index: u32,
    /// Its id as squeue shows it (`7_[2-5]` for an array's tasks that never started).
    pub display_id: String,
    /// Why it is pending, as squeue's `%r` names it; `None` when it has no reason.
    pub reason: Option<PendingReason>,
    /// The description slurmctld gives with the reason, which squeue prints in its place
    /// (see [`crate::Estimate::description`]); `None` when it gives none.
    pub description: Option<String>,
}

impl LeftPending {
    /// The reason as squeue prints it: the description when there is one, else the
    /// reason's name.
    ///
    /// ```
    /// use hpcsched::simulator::{SimOptions, Simulator};
    /// use hpcsched::workload::parse_job_list;
    /// use hpcsched::{Cluster, Policy, Preset};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = Cluster::from_slurm_conf("NodeName=n1 CPUs=4\nPartitionName=p Nodes=n1 Default=YES\n")?;
    /// let jobs = parse_job_list("0 60 alice -n1 -t 5 -H\n")?;
    /// let mut sim = Simulator::new(cluster, Policy::preset(Preset::Slurm, &Default::default()), SimOptions::default());
    /// let outcome = sim.run(jobs, |_| {})?;
    /// assert_eq!(outcome.left_pending[0].reason_text(), "JobHeldUser");
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn reason_text(&self) -> &str {
        crate::scheduler::reason_text(self.description.as_deref(), self.reason.as_ref())
    }
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
    /// Whether the replay stopped at [`SimOptions::stop_at`] (or was interrupted) with
    /// work left.
    pub stopped: bool,
    /// Whether the caller stopped the replay ([`Simulator::run_until`]).
    pub interrupted: bool,
    /// The jobs still pending when the replay ended because no event left could change
    /// anything, by job id (empty when it stopped at [`SimOptions::stop_at`]).
    pub left_pending: Vec<LeftPending>,
    /// What preemption did: runs cancelled, requeued and suspended, CPU time lost.
    pub preemption: crate::PreemptionStats,
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
    /// Running jobs' ends: (instant, job), earliest first. An entry whose instant is not
    /// the job's in `end_of` is stale (the run was preempted) and is dropped.
    ends: BinaryHeap<Reverse<(Timestamp, JobId)>>,
    /// The end of each running job's current run.
    end_of: HashMap<JobId, Timestamp, FastBuild>,
    /// Suspended jobs: the run time they have left.
    suspended: HashMap<JobId, Duration, FastBuild>,
    /// What each job still to start or end will do: its runtime and exit code.
    fate: HashMap<JobId, (Duration, i32), FastBuild>,
    /// Workload index → job id, for dependencies written against the workload.
    ids: HashMap<u32, JobId, FastBuild>,
    /// Run the `bf_interval` pass while any job is pending, even when it cannot change a
    /// decision (off but to test that leaving it out changes nothing).
    tick_always: bool,
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
            end_of: HashMap::default(),
            suspended: HashMap::default(),
            fate: HashMap::default(),
            ids: HashMap::default(),
            tick_always: false,
        }
    }

    /// Runs the `bf_interval` pass while any job is pending, as the simulator used to,
    /// even when it cannot change a decision (tests: decisions are the same either way;
    /// a replay with a job that can never start then never ends).
    #[doc(hidden)]
    pub fn set_tick_always(&mut self, on: bool) {
        self.tick_always = on;
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
    pub fn run<I, F>(&mut self, jobs: I, sink: F) -> Result<SimOutcome, SimError>
    where
        I: IntoIterator<Item = WorkloadJob>,
        F: FnMut(JobRecord),
    {
        self.run_until(jobs, sink, || false)
    }

    /// [`Simulator::run`], asking `stop` before each event instant whether to stop there:
    /// the replay then ends as at [`SimOptions::stop_at`], with
    /// [`SimOutcome::interrupted`] set (a host's Ctrl-C, an observer that has seen enough).
    ///
    /// ```
    /// use hpcsched::simulator::{SimOptions, Simulator};
    /// use hpcsched::workload::parse_job_list;
    /// use hpcsched::{Cluster, Policy, Preset};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = Cluster::from_slurm_conf("NodeName=n1 CPUs=1\nPartitionName=p Nodes=n1 Default=YES\n")?;
    /// let jobs = parse_job_list("0 60 alice -t 5\n10 60 alice -t 5\n")?;
    /// let mut sim = Simulator::new(cluster, Policy::preset(Preset::Easy, &Default::default()), SimOptions::default());
    /// let mut instants = 0;
    /// let outcome = sim.run_until(jobs, |_| {}, || { instants += 1; instants > 1 })?;
    /// assert!(outcome.interrupted && outcome.stopped);
    /// assert_eq!((outcome.submitted, outcome.end.as_secs()), (1, 0));
    /// # Ok(())
    /// # }
    /// ```
    pub fn run_until<I, F, S>(
        &mut self,
        jobs: I,
        mut sink: F,
        mut halt: S,
    ) -> Result<SimOutcome, SimError>
    where
        I: IntoIterator<Item = WorkloadJob>,
        F: FnMut(JobRecord),
        S: FnMut() -> bool,
    {
        let mut jobs = jobs.into_iter().peekable();
        let mut outcome = SimOutcome::default();
        let mut previous: Option<Timestamp> = None;
        let mut last_pass: Option<Timestamp> = None;
        loop {
            let next_submit = jobs.peek().map(|j| j.submit);
            let next_end = self.ends.peek().map(|Reverse((t, _))| *t);
            let callback = self.sched.next_change_time(self.now);
            // slurmctld's backfill cycle: every `bf_interval` after the last pass, from
            // the first instant at which such a pass can decide otherwise than the last
            // one. When only the clock moves, a pass decides what the last one did unless
            // something in it follows the clock (see `Scheduler::next_clock_change`): the
            // cycles before that instant are left out, as they would change nothing.
            let tick = match (
                self.sched
                    .policy()
                    .backfill
                    .as_ref()
                    .and_then(|b| b.interval),
                last_pass,
            ) {
                (Some(interval), Some(last)) if interval.as_secs() > 0 => {
                    let from = if self.tick_always {
                        (self.sched.pending_jobs() > 0).then_some(last)
                    } else {
                        self.sched.next_clock_change()
                    };
                    from.map(|from| {
                        let step = interval.as_secs();
                        let cycles = from.0.saturating_sub(last.0).div_ceil(step).max(1);
                        Timestamp(last.0.saturating_add(cycles.saturating_mul(step)))
                    })
                }
                _ => None,
            };
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
            if halt() {
                outcome.stopped = true;
                outcome.interrupted = true;
                break;
            }
            self.now = t;
            while let Some(&Reverse((end, id))) = self.ends.peek() {
                if end > t {
                    break;
                }
                self.ends.pop();
                if self.end_of.get(&id) != Some(&end) {
                    continue;
                }
                self.end_of.remove(&id);
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
                match d {
                    Decision::Start { job, .. } => self.started(*job, t),
                    // A preempted run is over (a requeued job runs again from the
                    // beginning when it starts again); a suspended one pauses.
                    Decision::Preempt {
                        job, action, at, ..
                    } if *at == t => {
                        if let Some(end) = self.end_of.remove(job)
                            && *action == PreemptAction::Suspend
                        {
                            self.suspended.insert(*job, end.duration_since(t));
                        }
                    }
                    Decision::Resume { job } => {
                        if let Some(left) = self.suspended.remove(job) {
                            let end = t.saturating_add(left);
                            self.end_of.insert(*job, end);
                            self.ends.push(Reverse((end, *job)));
                        }
                    }
                    _ => {}
                }
            }
            for record in self.sched.purge_finished(t) {
                sink(record);
            }
        }
        outcome.end = self.now;
        outcome.preemption = self.sched.preemption_stats();
        if !outcome.stopped {
            outcome.left_pending = self.left_pending();
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

    /// The jobs still pending, by job id.
    fn left_pending(&self) -> Vec<LeftPending> {
        let index: HashMap<JobId, u32, FastBuild> =
            self.ids.iter().map(|(&index, &id)| (id, index)).collect();
        let mut left: Vec<LeftPending> = self
            .sched
            .jobs()
            .filter(|job| job.state() == JobState::Pending)
            .map(|job| LeftPending {
                job: job.id(),
                index: index.get(&job.id()).copied().unwrap_or(0),
                display_id: self.sched.pending_display_id(job),
                reason: job.reason().cloned(),
                description: self
                    .sched
                    .reason_description(job, job.resolved().partition()),
            })
            .collect();
        left.sort_by_key(|l| l.job);
        left
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
        let end = now.saturating_add(runtime);
        self.end_of.insert(id, end);
        self.ends.push(Reverse((end, id)));
    }
}

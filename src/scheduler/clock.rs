//! What the clock alone changes: running jobs ended at their time limit, and the instants
//! at which the host must call the scheduler back.

use super::Scheduler;
use super::decision::Decision;
use super::job::Job;
use crate::job_id::JobId;
use crate::job_state::JobState;
use crate::time::{TimeLimit, Timestamp};

impl Scheduler {
    /// The first instant from which a pass could decide otherwise than the last one did
    /// when nothing happens in between (no job is submitted, ends, is changed or
    /// cancelled, no node or partition changes, and no instant of
    /// [`Scheduler::next_change_time`] comes); `None` when no such instant will come.
    /// Only the clock then moves, and it changes a decision only through:
    /// - a running job past its planned end (not ended at its limit, `OverTimeLimit`): the
    ///   plan holds its nodes until one second after each pass (from the next second on);
    /// - the age factor of multifactor priorities, until PriorityMaxAge (next second);
    /// - `bf_min_age_reserve`: when the next queued job reaches that age;
    /// - a `--deadline`: when a pending job can no longer finish in time, and is ended;
    /// - the `bf_window` horizon, while it hides a start that a later horizon may show
    ///   (next second).
    ///
    /// Otherwise every resource is released at an instant the host already calls back
    /// at, and a pass at any later instant decides what the last one did: a host such as
    /// the simulator needs no periodic pass (`bf_interval`) before this instant.
    ///
    /// ```
    /// use hpcsched::{Cluster, Scheduler, Timestamp};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = Cluster::from_slurm_conf(
    ///     "SchedulerParameters=bf_interval=30,bf_min_age_reserve=600\n\
    ///      NodeName=n1 CPUs=1\nPartitionName=p Nodes=n1 Default=YES\n",
    /// )?;
    /// let mut s = Scheduler::new(cluster);
    /// s.submit(&hpcsched::sbatch::parse_args(&["-n1", "-t", "10"])?, "alice", Timestamp(0))?;
    /// // Held: nothing but a release can start it, however long one waits.
    /// let held = s.submit(&hpcsched::sbatch::parse_args(&["-n1", "-t", "10", "-H"])?, "alice", Timestamp(0))?;
    /// s.schedule(Timestamp(0));
    /// assert_eq!(s.pending_jobs(), 1);
    /// assert_eq!(s.next_clock_change(), None);
    /// // Released, it waits; from 610 on, it is old enough to hold a reservation.
    /// s.release(held)?;
    /// s.schedule(Timestamp(10));
    /// assert_eq!(s.next_clock_change(), Some(Timestamp(610)));
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn next_clock_change(&self) -> Option<Timestamp> {
        let now = self.events.last_schedule?;
        if self.events.pending_after_pass == 0 {
            return None;
        }
        let soon = Timestamp(now.0.saturating_add(1));
        if self.plan.horizon_cut
            || self
                .events
                .running_ends
                .first()
                .is_some_and(|&(end, _)| end <= now)
        {
            return Some(soon);
        }
        let mut next: Option<Timestamp> = None;
        let mut consider = |t: Timestamp| {
            let t = t.max(soon);
            next = Some(next.map_or(t, |n| n.min(t)));
        };
        let min_age = self
            .site
            .policy
            .backfill
            .as_ref()
            .map_or(0, |b| b.min_age_reserve.as_secs());
        let weights = match &self.priorities.kind {
            crate::priority::PriorityType::Multifactor(w) if w.age > 0 => Some(w),
            _ => None,
        };
        if min_age > 0 || weights.is_some() {
            for job in self
                .jobs
                .pending
                .iter()
                .filter_map(|id| self.jobs.get(*id))
                .filter(|job| job.queued.is_some())
            {
                if let Some(eligible) = job.eligible
                    && now.0.saturating_sub(eligible.0) < min_age
                {
                    consider(Timestamp(eligible.0.saturating_add(min_age)));
                }
                if weights.is_some_and(|w| {
                    job.hold.is_none()
                        && job.resolved.request().priority.is_none()
                        && crate::priority::age_grows(w, job.submit, job.eligible, now)
                }) {
                    return Some(soon);
                }
            }
        }
        // Deadlines (only watched jobs have one): a pending job is ended at the first pass
        // at which its time limit no longer fits before its deadline.
        for id in &self.queue.watch {
            let Some(job) = self.jobs.get(*id) else {
                continue;
            };
            let Some(deadline) = job.resolved.request().deadline.as_ref() else {
                continue;
            };
            if job.state != JobState::Pending {
                continue;
            }
            let deadline = deadline.resolve(job.submit);
            consider(match job.time_limit {
                TimeLimit::Limited(d) => {
                    Timestamp(deadline.0.saturating_sub(d.as_secs()).saturating_add(1))
                }
                TimeLimit::Unlimited => soon,
            });
        }
        next
    }

    /// When the host must call [`Scheduler::schedule`] again at the latest: the next time
    /// limit, `--begin` time, dependency delay, planned start, or backfill interval.
    #[must_use]
    pub fn next_event_time(&self, now: Timestamp) -> Option<Timestamp> {
        let tick = match (
            self.events.last_schedule,
            self.site.policy.backfill.as_ref().and_then(|b| b.interval),
        ) {
            (Some(last), Some(interval)) => {
                Some(last.saturating_add(interval)).filter(|&t| t > now)
            }
            _ => None,
        };
        let planned = self
            .plans()
            .values()
            .filter_map(|p| p.start)
            .filter(|&t| t > now)
            .min();
        [self.next_change_time(now), tick, planned]
            .into_iter()
            .flatten()
            .min()
    }

    /// The next instant after `now` at which the clock alone changes something: a time
    /// limit running out (the job's planned end, and its end as TIMEOUT after
    /// `OverTimeLimit`), a `--begin` time, a dependency delay.
    /// Unlike [`Scheduler::next_event_time`] it leaves out the periodic backfill tick and
    /// the planned starts: a job is planned to start where resources are released, which
    /// happens only when a job ends (reported by the host) or reaches its limit (listed
    /// here), so a host that calls [`Scheduler::schedule`] whenever jobs are submitted or
    /// end, and at these instants, sees every start (slurmctld, too, skips a periodic pass
    /// when nothing changed). A job past its limit that is not ended (`OverTimeLimit`)
    /// is planned to free its nodes one second after each pass; calling back then only
    /// moves that guess.
    ///
    /// ```
    /// use hpcsched::{Cluster, Scheduler, Timestamp};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = Cluster::from_slurm_conf(
    ///     "SchedulerParameters=bf_interval=30\nNodeName=n1 CPUs=1\nPartitionName=p Nodes=n1 Default=YES\n",
    /// )?;
    /// let mut s = Scheduler::new(cluster);
    /// let args = hpcsched::sbatch::parse_args(&["-n1", "-t", "10"])?;
    /// s.submit(&args, "alice", Timestamp(0))?;
    /// s.schedule(Timestamp(0));
    /// assert_eq!(s.next_event_time(Timestamp(0)), Some(Timestamp(30)));
    /// assert_eq!(s.next_change_time(Timestamp(0)), Some(Timestamp(600)));
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn next_change_time(&self, now: Timestamp) -> Option<Timestamp> {
        let mut next: Option<Timestamp> = None;
        let mut consider = |t: Timestamp| {
            if t > now {
                next = Some(next.map_or(t, |n| n.min(t)));
            }
        };
        let after = (Timestamp(now.0.saturating_add(1)), JobId(0));
        // The next TIMEOUT, and the next planned end (past it, with OverTimeLimit, the plan
        // stops counting on the job's end).
        for set in [&self.events.kill_times, &self.events.running_ends] {
            if let Some(&(t, _)) = set.range(after..).next() {
                consider(t);
            }
        }
        // Grace times running out, preemptors whose preemptees' nodes are free.
        if let Some(t) = self.preemption.next_change(now) {
            consider(t);
        }
        // Begin times and dependencies: only watched jobs have them.
        for &id in &self.queue.watch {
            let Some(job) = self.jobs.get(id) else {
                continue;
            };
            if job.state != JobState::Pending {
                continue;
            }
            if let Some(begin) = &job.resolved.request().begin {
                consider(begin.resolve(job.submit));
            }
            if let Some(t) = self.dependency_next_change(job.id, now) {
                consider(t);
            }
        }
        next
    }

    /// `OverTimeLimit` of a job running in `partition`: the partition's, else the
    /// cluster's (slurm.conf.5: "partition-specific value overrides the global").
    pub(crate) fn over_time_limit_in(&self, partition: Option<&str>) -> TimeLimit {
        partition
            .and_then(|p| self.site.cluster.partition(p))
            .and_then(|p| p.over_time_limit)
            .unwrap_or(self.site.cluster.config().over_time_limit)
    }

    /// When a running job is ended as TIMEOUT: its time limit plus `OverTimeLimit` (its
    /// partition's, else the cluster's) after its start; `None` when either is UNLIMITED.
    pub(crate) fn kill_time(&self, job: &Job) -> Option<Timestamp> {
        let over = match self.over_time_limit_in(job.partition()) {
            TimeLimit::Limited(d) => d,
            TimeLimit::Unlimited => return None,
        };
        let paused = crate::time::Duration::from_secs(u64::from(job.suspended_secs));
        match (job.start, job.time_limit) {
            (Some(start), TimeLimit::Limited(d)) => Some(
                start
                    .saturating_add(d)
                    .saturating_add(over)
                    .saturating_add(paused),
            ),
            _ => None,
        }
    }

    pub(super) fn enforce_time_limits(&mut self, now: Timestamp, decisions: &mut Vec<Decision>) {
        let mut expired: Vec<(JobId, Timestamp)> = self
            .events
            .kill_times
            .iter()
            .take_while(|&&(t, _)| t <= now)
            .map(|&(t, id)| (id, t))
            .collect();
        // In submission order (ids grow with submission; a task's id with its start).
        expired.sort_unstable();
        for (id, end) in expired {
            if self
                .end_running(id, end, JobState::Timeout, Some(0), "time out")
                .is_ok()
            {
                decisions.push(Decision::Stop {
                    job: id,
                    state: JobState::Timeout,
                });
            }
        }
    }
}

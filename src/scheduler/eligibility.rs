//! What decides whether a pending job may be considered: its dependencies (evaluated
//! against the job table) and its priority (recomputed every pass under multifactor).
//! Each pass starts by settling the pending jobs it watches: holds, begin times,
//! dependencies, deadlines ([`Scheduler::update_pending`]).

use super::Scheduler;
use super::decision::Decision;
use super::job::Job;
use super::job_table::JobTable;
use crate::dependency::{ArrayProgress, DependencyFacts, DependencyStatus, TargetState};
use crate::job_id::JobId;
use crate::job_state::{JobState, PendingReason};
use crate::priority::{PriorityInputs, PriorityType, multifactor};
use crate::time::{TimeLimit, Timestamp};

/// The job table as dependency evaluation sees it, from one job's point of view.
struct Facts<'a> {
    jobs: &'a JobTable,
    job: JobId,
}

impl Facts<'_> {
    fn state_of(&self, id: JobId) -> Option<TargetState> {
        let job = self.jobs.get(id)?;
        Some(match job.state {
            JobState::Pending => TargetState::Pending,
            JobState::Running | JobState::Suspended => TargetState::Running {
                start: job.start.unwrap_or(job.submit),
            },
            state => TargetState::Finished {
                state,
                exit_code: job.exit_code.unwrap_or(0),
                start: job.start,
            },
        })
    }
}

impl DependencyFacts for Facts<'_> {
    fn target(&self, id: JobId) -> Option<TargetState> {
        let Some(array) = self.jobs.arrays.get(&id) else {
            return self.state_of(id);
        };
        let mut progress = ArrayProgress {
            pending: array.tasks.pending_count(),
            ..ArrayProgress::default()
        };
        for task in &array.task_jobs {
            match self.state_of(*task) {
                Some(TargetState::Pending) => progress.pending += 1,
                Some(TargetState::Running { start }) => {
                    progress.running += 1;
                    progress.last_start = Some(progress.last_start.map_or(start, |s| s.max(start)));
                }
                Some(TargetState::Finished {
                    state,
                    exit_code,
                    start,
                }) => {
                    if state == JobState::Completed && exit_code == 0 {
                        progress.completed_ok += 1;
                    } else {
                        progress.completed_not_ok += 1;
                    }
                    if let Some(start) = start {
                        progress.last_start =
                            Some(progress.last_start.map_or(start, |s| s.max(start)));
                    }
                }
                Some(TargetState::Array(_)) | None => {}
            }
        }
        Some(TargetState::Array(progress))
    }

    fn task(&self, array: JobId, task: u32) -> Option<TargetState> {
        let state = self.jobs.arrays.get(&array)?;
        if let Some(id) = state.task_jobs.iter().find(|t| {
            self.jobs
                .get(**t)
                .is_some_and(|j| j.array_task == Some((array, task)))
        }) {
            return self.state_of(*id);
        }
        state.tasks.is_pending(task).then_some(TargetState::Pending)
    }

    fn singleton_clear(&self) -> bool {
        let Some(me) = self.jobs.get(self.job) else {
            return true;
        };
        let name = me.name();
        !self.jobs.iter().any(|other| {
            other.id != me.id
                && other.user == me.user
                && other.name() == name
                && match other.state {
                    JobState::Running | JobState::Suspended => true,
                    JobState::Pending => other.id < me.id,
                    _ => false,
                }
        })
    }
}

impl Scheduler {
    /// Re-tests a pending job's dependency against the job table and returns where it
    /// stands. Outcomes are remembered per item (see [`crate::dependency::DependencyTracker`]).
    pub(crate) fn update_dependency(&mut self, id: JobId, now: Timestamp) -> DependencyStatus {
        let Some(mut tracker) = self.jobs.get_mut(id).and_then(|j| j.dependency.take()) else {
            return DependencyStatus::Satisfied;
        };
        let status = tracker.update(
            now,
            &Facts {
                jobs: &self.jobs,
                job: id,
            },
        );
        if let Some(job) = self.jobs.get_mut(id) {
            job.dependency = Some(tracker);
        }
        status
    }

    /// When a pending job's dependency may next change by the clock alone (an
    /// `after:id+min` delay running out), if ever.
    pub(crate) fn dependency_next_change(&self, id: JobId, now: Timestamp) -> Option<Timestamp> {
        let tracker = self.jobs.get(id)?.dependency.as_ref()?;
        tracker.next_change(
            now,
            &Facts {
                jobs: &self.jobs,
                job: id,
            },
        )
    }

    /// Recomputes multifactor priorities (age grows with time). Basic priorities and
    /// explicit `--priority` values are fixed at submit; held jobs have priority 0.
    pub(crate) fn update_priorities(&mut self, now: Timestamp) {
        let PriorityType::Multifactor(weights) = &self.priorities.kind else {
            return;
        };
        // Only the age factor changes with time: without it, a priority once computed
        // stays (submit, release and requeue ask for a new one).
        if weights.age == 0 && !self.priorities.dirty {
            return;
        }
        self.priorities.dirty = false;
        let mut updates = Vec::new();
        for job in self
            .jobs
            .pending
            .iter()
            .filter_map(|id| self.jobs.get(*id))
            .filter(|j| j.state == JobState::Pending)
        {
            let req = job.resolved.request();
            let priority = if job.hold.is_some() {
                0
            } else if let Some(p) = req.priority {
                p
            } else {
                multifactor(weights, &self.priority_inputs(job, now))
            };
            updates.push((job.id, priority));
        }
        for (id, priority) in updates {
            if let Some(job) = self.jobs.get_mut(id)
                && job.priority != priority
            {
                job.priority = priority;
                // Queued again under its new rank.
                self.sync_queue(id);
            }
        }
    }

    /// What the multifactor priority of `job` is computed from at `now`.
    pub(crate) fn priority_inputs(&self, job: &super::job::Job, now: Timestamp) -> PriorityInputs {
        let cluster = &self.site.cluster;
        let req = job.resolved.request();
        let part = cluster.partition(job.resolved.partition());
        let qos = job.resolved.qos().and_then(|q| cluster.qos(q));
        PriorityInputs {
            submit: job.submit,
            accrue_since: job.eligible,
            now,
            nice: req.nice.unwrap_or(0),
            min_nodes: job.resolved.min_nodes(),
            cpus: job.resolved.min_cpus(),
            time_limit: job.time_limit,
            partition_job_factor: part.map_or(1, |p| p.priority_job_factor),
            max_partition_job_factor: self.site.max_partition_job_factor,
            qos_priority: qos.map_or(0, |q| q.priority),
            max_qos_priority: self.site.max_qos_priority,
            cluster_nodes: self.site.cluster_nodes,
            cluster_cpus: self.site.cluster_cpus,
            fairshare: self.fair_share_factor(job),
            ..PriorityInputs::default()
        }
    }

    /// Holds, begin times, dependencies, partition state and limits: sets each pending
    /// job's reason and eligible time, and ends jobs that can never run.
    pub(super) fn update_pending(&mut self, now: Timestamp, decisions: &mut Vec<Decision>) {
        let kill_default = self
            .site
            .cluster
            .config()
            .dependency_params()
            .kill_invalid_depend;
        // Only watched jobs can change here: the others are eligible, and stay so until
        // they start or are changed (which watches them again). In submission order.
        let mut ids: Vec<JobId> = self.queue.watch.iter().copied().collect();
        ids.sort_unstable();
        for &id in &ids {
            self.update_one_pending(id, now, kill_default, decisions);
            self.sync_queue(id);
            // A queued job whose reason may not be Priority: a main pass that does not
            // walk it settles it.
            if self
                .jobs
                .get(id)
                .is_some_and(|j| j.queued.is_some() && j.reason != Some(PendingReason::Priority))
            {
                self.queue.unsettled.push(id);
            }
        }
        // The jobs that no longer need watching leave in one sweep.
        let mut watch = std::mem::take(&mut self.queue.watch);
        watch.retain(|&id| self.needs_watch(id, now));
        self.queue.watch = watch;
        self.fair_share_ticks(now);
        self.update_priorities(now);
    }

    /// [`Self::update_pending`] for one job.
    fn update_one_pending(
        &mut self,
        id: JobId,
        now: Timestamp,
        kill_default: bool,
        decisions: &mut Vec<Decision>,
    ) {
        {
            if self
                .jobs
                .get(id)
                .is_none_or(|j| j.state != JobState::Pending)
            {
                return;
            }
            let dep_status = self.update_dependency(id, now);
            let Some(job) = self.jobs.get(id) else {
                return;
            };
            let request = job.resolved.request();
            let begin = request.begin.as_ref().map(|b| b.resolve(job.submit));
            let deadline = request.deadline.as_ref().map(|d| d.resolve(job.submit));
            let kill = request.kill_on_invalid_dep.unwrap_or(kill_default);
            // Set only when the job can run in none of its partitions (a limit, a DOWN
            // partition, a QOS limit in each), with the last one's reason, as slurmctld's
            // `build_job_queue()` leaves it (observed on 22.05). The reasons found at
            // submit hold until a partition changes state, which resolves the job again
            // (`Scheduler::set_partition_state`). ReqNodeNotAvail is tested anew: a node
            // named with --nodelist may have come back, or gone away, since the job was
            // submitted.
            let limit_reason = match job.resolved.pending_reason() {
                Some(PendingReason::ReqNodeNotAvail) | None
                    if request.nodelist.iter().any(|n| self.site.out_of_service(n)) =>
                {
                    Some(PendingReason::ReqNodeNotAvail)
                }
                Some(PendingReason::ReqNodeNotAvail) => None,
                other => other,
            };
            let time_limit = job.time_limit;
            let held = job.hold;
            let mut end_with: Option<(JobState, &'static str)> = None;
            let reason = if let Some(h) = held {
                Some(match h {
                    super::HoldKind::User => PendingReason::JobHeldUser,
                    super::HoldKind::Admin => PendingReason::JobHeldAdmin,
                })
            } else if begin.is_some_and(|b| b > now) {
                Some(PendingReason::BeginTime)
            } else {
                match dep_status {
                    DependencyStatus::Waiting => Some(PendingReason::Dependency),
                    DependencyStatus::Never => {
                        if kill {
                            end_with = Some((JobState::Cancelled, "DependencyNeverSatisfied"));
                        }
                        Some(PendingReason::DependencyNeverSatisfied)
                    }
                    DependencyStatus::Satisfied => limit_reason,
                }
            };
            if end_with.is_none()
                && let Some(deadline) = deadline
            {
                let needed = match time_limit {
                    TimeLimit::Limited(d) => now.saturating_add(d),
                    TimeLimit::Unlimited => Timestamp(u64::MAX),
                };
                if needed > deadline {
                    end_with = Some((JobState::Deadline, "DeadLine"));
                }
            }
            if end_with.is_some() {
                self.limits_submitted(id, -self.pending_count(id));
                self.jobs.forget_array(id);
                self.dequeue(id);
                self.jobs.pending.swap_remove(&id);
            }
            let Some(job) = self.jobs.get_mut(id) else {
                return;
            };
            if let Some((state, why)) = end_with {
                job.state = state;
                job.end = Some(now);
                job.reason = None;
                job.desc = None;
                self.jobs.finished.push_back((now, id));
                decisions.push(Decision::End {
                    job: id,
                    state,
                    reason: why.to_owned(),
                });
                return;
            }
            match reason {
                Some(r) => {
                    job.reason = Some(r);
                    job.desc = None;
                    // Age does not accrue while held, waiting on a dependency or a begin time.
                    job.eligible = None;
                }
                None => {
                    if job.eligible.is_none() {
                        job.eligible = Some(now);
                    }
                    if matches!(
                        job.reason,
                        Some(
                            PendingReason::JobHeldUser
                                | PendingReason::JobHeldAdmin
                                | PendingReason::BeginTime
                                | PendingReason::Dependency
                                | PendingReason::PartitionDown
                                | PendingReason::PartitionInactive
                        )
                    ) {
                        job.reason = None;
                        job.desc = None;
                    }
                }
            }
        }
    }

    pub(super) fn is_eligible(job: &Job) -> bool {
        job.state == JobState::Pending && job.eligible.is_some()
    }
}

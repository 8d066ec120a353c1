//! What decides whether a pending job may be considered: its dependencies (evaluated
//! against the job table) and its priority (recomputed every pass under multifactor).

use super::Scheduler;
use crate::dependency::{ArrayProgress, DependencyFacts, DependencyStatus, TargetState};
use crate::job_id::JobId;
use crate::job_state::JobState;
use crate::priority::{PriorityInputs, PriorityType, multifactor};
use crate::time::Timestamp;

/// The job table as dependency evaluation sees it, from one job's point of view.
struct Facts<'a> {
    sched: &'a Scheduler,
    job: JobId,
}

impl Facts<'_> {
    fn state_of(&self, id: JobId) -> Option<TargetState> {
        let job = self.sched.jobs.get(&id)?;
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
        let Some(array) = self.sched.arrays.get(&id) else {
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
        let state = self.sched.arrays.get(&array)?;
        if let Some(id) = state.task_jobs.iter().find(|t| {
            self.sched
                .jobs
                .get(*t)
                .is_some_and(|j| j.array_task == Some((array, task)))
        }) {
            return self.state_of(*id);
        }
        state.tasks.is_pending(task).then_some(TargetState::Pending)
    }

    fn singleton_clear(&self) -> bool {
        let Some(me) = self.sched.jobs.get(&self.job) else {
            return true;
        };
        let name = me.name();
        !self.sched.jobs.values().any(|other| {
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
        let Some(mut tracker) = self.jobs.get_mut(&id).and_then(|j| j.dependency.take()) else {
            return DependencyStatus::Satisfied;
        };
        let status = tracker.update(
            now,
            &Facts {
                sched: self,
                job: id,
            },
        );
        if let Some(job) = self.jobs.get_mut(&id) {
            job.dependency = Some(tracker);
        }
        status
    }

    /// When a pending job's dependency may next change by the clock alone (an
    /// `after:id+min` delay running out), if ever.
    pub(crate) fn dependency_next_change(&self, id: JobId, now: Timestamp) -> Option<Timestamp> {
        let tracker = self.jobs.get(&id)?.dependency.as_ref()?;
        tracker.next_change(
            now,
            &Facts {
                sched: self,
                job: id,
            },
        )
    }

    /// Recomputes multifactor priorities (age grows with time). Basic priorities and
    /// explicit `--priority` values are fixed at submit; held jobs have priority 0.
    pub(crate) fn update_priorities(&mut self, now: Timestamp) {
        let PriorityType::Multifactor(weights) = &self.priority_type else {
            return;
        };
        // Only the age factor changes with time: without it, a priority once computed
        // stays (submit, release and requeue ask for a new one).
        if weights.age == 0 && !self.priorities_dirty {
            return;
        }
        self.priorities_dirty = false;
        let cluster_nodes = self.cluster.nodes().len() as u32;
        let cluster_cpus: u32 = self.cluster.nodes().map(|n| n.cpus).sum();
        let max_part_factor = self
            .cluster
            .partitions()
            .map(|p| p.priority_job_factor)
            .max()
            .unwrap_or(1)
            .max(1);
        let max_qos = self
            .cluster
            .qos_list()
            .map(|q| q.priority)
            .max()
            .unwrap_or(0);
        let mut updates = Vec::new();
        for job in self
            .pending
            .iter()
            .filter_map(|id| self.jobs.get(id))
            .filter(|j| j.state == JobState::Pending)
        {
            let req = job.resolved.request();
            let priority = if job.hold.is_some() {
                0
            } else if let Some(p) = req.priority {
                p
            } else {
                let part = self.cluster.partition(job.resolved.partition());
                let qos = job.resolved.qos().and_then(|q| self.cluster.qos(q));
                let inputs = PriorityInputs {
                    submit: job.submit,
                    accrue_since: job.eligible,
                    now,
                    nice: req.nice.unwrap_or(0),
                    min_nodes: job.resolved.min_nodes(),
                    cpus: job.resolved.min_cpus(),
                    time_limit: job.time_limit,
                    partition_job_factor: part.map_or(1, |p| p.priority_job_factor),
                    max_partition_job_factor: max_part_factor,
                    qos_priority: qos.map_or(0, |q| q.priority),
                    max_qos_priority: max_qos,
                    cluster_nodes,
                    cluster_cpus,
                    ..PriorityInputs::default()
                };
                multifactor(weights, &inputs)
            };
            updates.push((job.id, priority));
        }
        for (id, priority) in updates {
            if let Some(job) = self.jobs.get_mut(&id)
                && job.priority != priority
            {
                job.priority = priority;
                // Queued again under its new rank.
                self.sync_queue(id);
            }
        }
    }
}

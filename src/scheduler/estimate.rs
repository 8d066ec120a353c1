//! Expected start times of pending jobs, the way `squeue --start` shows them, built when
//! asked for from the plans the last pass kept.

use super::Scheduler;
use super::job::Job;
use crate::fast_hash::FastBuild;
use crate::job_id::JobId;
use crate::job_state::PendingReason;
use crate::planner::NodeIdx;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A pending job's expected start, as of the last [`crate::Scheduler::schedule`] call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    /// The job (an array's pending record carries the array job id).
    pub job: JobId,
    /// Display id: `42`, or `7_[2-5%2]` for an array's pending tasks.
    pub display_id: String,
    /// The partition it is planned in (the one with the earliest start).
    pub partition: String,
    /// Expected start (`None`: N/A, the job was not planned, e.g. it waits on a dependency).
    pub start: Option<Timestamp>,
    /// Planned nodes (SchedNodeList), empty when not planned.
    pub nodes: Vec<String>,
    /// Why it is pending; `None` when it has no reason yet (squeue's `None`).
    pub reason: Option<PendingReason>,
    /// The description slurmctld gives with the reason, which squeue prints in its place
    /// (`ReqNodeNotAvail, UnavailableNodes:n[1-2]`); `None` when it gives none. See
    /// [`Estimate::reason_text`].
    #[serde(default)]
    pub description: Option<String>,
}

impl Estimate {
    /// The reason as squeue's `%r` prints it: the description when there is one, else the
    /// reason's name (`None` when it has none).
    ///
    /// ```
    /// use hpcsched::{Cluster, PendingReason, Scheduler, Timestamp};
    /// let cluster = Cluster::from_slurm_conf(
    ///     "NodeName=n[1-2] CPUs=4 RealMemory=4096\nPartitionName=p Nodes=n[1-2] Default=YES\n",
    /// )?;
    /// let mut s = Scheduler::new(cluster);
    /// s.drain_node("n2", "disk")?;
    /// let args = hpcsched::sbatch::parse_args(&["-w", "n[1-2]", "-t", "10"])?;
    /// s.submit(&args, "alice", Timestamp(0))?;
    /// s.schedule(Timestamp(0));
    /// let e = &s.estimates()[0];
    /// assert_eq!(e.reason, Some(PendingReason::ReqNodeNotAvail));
    /// assert_eq!(e.reason_text(), "ReqNodeNotAvail, UnavailableNodes:n2");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn reason_text(&self) -> &str {
        reason_text(self.description.as_deref(), self.reason.as_ref())
    }
}

/// A blocked job's plan, as the pass found it.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    pub(super) part: usize,
    pub(super) start: Option<Timestamp>,
    pub(super) nodes: Vec<NodeIdx>,
}

impl Scheduler {
    /// The plans of the last pass: the ones it made (backfill), or, without backfill,
    /// the ones [`Self::fifo_plans`] makes when first asked for.
    pub(super) fn plans(&self) -> &HashMap<JobId, Planned, FastBuild> {
        if self.plan.on_demand {
            self.plan.made.get_or_init(|| self.fifo_plans())
        } else {
            &self.plan.planned
        }
    }

    /// The [`Estimate`]s of the last pass, in `squeue --start` order.
    pub(crate) fn build_estimates(&self) -> Vec<Estimate> {
        // Every pending job is listed; those the pass did not plan without an estimate,
        // like squeue.
        let plans = self.plans();
        let mut estimates: Vec<Estimate> = self
            .jobs
            .pending
            .iter()
            .flat_map(|&id| {
                let Some(job) = self.jobs.get(id) else {
                    return Vec::new();
                };
                let plan = plans.get(&id);
                let partition = plan
                    .and_then(|p| self.site.cluster.partition_at(p.part))
                    .map_or_else(
                        || job.resolved.partition().to_owned(),
                        |part| part.name.clone(),
                    );
                let estimate = Estimate {
                    job: id,
                    // An array's pending record shows its tasks left (`7_[2-5%2]`).
                    display_id: self.pending_display_id(job),
                    // A job waiting for its --begin time shows that time, as squeue
                    // does (observed on 22.05, fidelity scenario `begin_time`).
                    start: plan.and_then(|p| p.start).or_else(|| {
                        (job.reason == Some(PendingReason::BeginTime))
                            .then(|| job.resolved.request().begin.as_ref())
                            .flatten()
                            .map(|b| b.resolve(job.submit))
                    }),
                    nodes: plan.map(|p| self.node_names(&p.nodes)).unwrap_or_default(),
                    reason: job.reason.clone(),
                    description: self.reason_description(job, &partition),
                    partition,
                };
                self.split_aftercorr(job, estimate)
            })
            .collect();
        estimates.sort_by(|a, b| {
            a.start
                .is_none()
                .cmp(&b.start.is_none())
                .then(a.start.cmp(&b.start))
                .then(a.job.cmp(&b.job))
        });
        estimates
    }

    /// An array whose dependency is `aftercorr` is listed one record per pending task
    /// (`7_0`, `7_1`): slurmctld splits such an array, each task waiting on its own
    /// (observed on 22.05, fidelity scenario `dependency_aftercorr`). Any other job: its
    /// one estimate.
    fn split_aftercorr(&self, job: &Job, estimate: Estimate) -> Vec<Estimate> {
        let aftercorr = job
            .resolved
            .request()
            .dependency
            .as_deref()
            .is_some_and(|d| {
                d.items.iter().any(|i| {
                    matches!(
                        i,
                        crate::dependency::DependencyItem::On {
                            kind: crate::dependency::DependencyKind::AfterCorr,
                            ..
                        }
                    )
                })
            });
        let Some(array) = self.jobs.arrays.get(&job.id).filter(|_| aftercorr) else {
            return vec![estimate];
        };
        array
            .tasks
            .pending()
            .map(|task| Estimate {
                display_id: format!("{}_{task}", job.id.0),
                ..estimate.clone()
            })
            .collect()
    }

    pub(crate) fn pending_display_id(&self, job: &Job) -> String {
        match self.jobs.arrays.get(&job.id) {
            Some(a) => a
                .tasks
                .squeue_id(job.id)
                .unwrap_or_else(|| job.display_id()),
            None => job.display_id(),
        }
    }

    fn node_names(&self, nodes: &[NodeIdx]) -> Vec<String> {
        nodes
            .iter()
            .filter_map(|&n| {
                self.site
                    .cluster
                    .node_at(n as usize)
                    .map(|n| n.name.clone())
            })
            .collect()
    }
}

/// What squeue's `%r` prints for a pending job: the description when there is one, else
/// the reason's name, `None` when it has no reason.
pub(crate) fn reason_text<'a>(
    description: Option<&'a str>,
    reason: Option<&PendingReason>,
) -> &'a str {
    description.unwrap_or_else(|| reason.map_or("None", PendingReason::as_str))
}

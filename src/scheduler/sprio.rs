//! A pending job's multifactor priority taken apart, as `sprio -l` shows it.

use super::Scheduler;
use crate::job_id::JobId;
use crate::job_state::JobState;
use crate::priority::{PriorityFactors, PriorityType, factors, multifactor};
use serde::Serialize;

/// A pending job's priority and its weighted factors (`sprio -l`'s columns: each
/// factor times its weight, rounded as sprio prints them), with the factors themselves
/// (`sprio -n`).
// Not `#[non_exhaustive]`: the C and Python faces destructure it field by field, so a new
// field stops them compiling until they show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriorityRow {
    /// The job.
    pub job: JobId,
    /// Its user.
    pub user: String,
    /// The partition its priority is computed for (its first).
    pub partition: String,
    /// `PRIORITY`: the job's priority as the last pass computed it.
    pub priority: u32,
    /// `AGE`, weighted.
    pub age: u64,
    /// `ASSOC`, weighted.
    pub assoc: u64,
    /// `FAIRSHARE`, weighted.
    pub fairshare: u64,
    /// `JOBSIZE`, weighted.
    pub job_size: u64,
    /// `PARTITION`, weighted.
    pub partition_factor: u64,
    /// `QOS`, weighted.
    pub qos: u64,
    /// `NICE`.
    pub nice: i32,
    /// The factors before weighting.
    pub factors: PriorityFactors,
}

impl Scheduler {
    /// The priority of each pending job taken apart, as `sprio -l` lists them (by job
    /// id), as of the last pass; empty under priority/basic. Jobs with an explicit
    /// `--priority` and held jobs are left out, as sprio leaves them out.
    ///
    /// ```
    /// use hpcsched::{Cluster, Scheduler, Timestamp};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let c = Cluster::from_slurm_conf(
    ///     "PriorityType=priority/multifactor\nPriorityWeightJobSize=1000\n\
    ///      NodeName=n[1-4] CPUs=4\nPartitionName=p Nodes=n[1-4] Default=YES\n",
    /// )?;
    /// let mut s = Scheduler::new(c);
    /// let big = hpcsched::sbatch::parse_args(&["-N4", "-t", "10"])?;
    /// s.submit(&big, "alice", Timestamp(0))?;
    /// s.submit(&big, "bob", Timestamp(0))?;
    /// s.schedule(Timestamp(0));
    /// let rows = s.priorities();
    /// assert_eq!(rows.len(), 1); // bob's waits
    /// // Job size: (4 of 4 nodes + 4 of 16 CPUs) / 2 = 0.625 of the weight.
    /// assert_eq!((rows[0].user.as_str(), rows[0].job_size), ("bob", 625));
    /// assert_eq!(rows[0].priority, 625);
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn priorities(&self) -> Vec<PriorityRow> {
        let PriorityType::Multifactor(w) = &self.priorities.kind else {
            return Vec::new();
        };
        let Some(now) = self.events.last_schedule else {
            return Vec::new();
        };
        let mut rows: Vec<PriorityRow> = self
            .jobs
            .pending
            .iter()
            .filter_map(|id| self.jobs.get(*id))
            .filter(|j| {
                j.state == JobState::Pending
                    && j.hold.is_none()
                    && j.resolved.request().priority.is_none()
            })
            .map(|job| {
                let inputs = self.priority_inputs(job, now);
                let f = factors(w, &inputs);
                let weigh = |factor: f64, weight: u32| (factor * f64::from(weight)).round() as u64;
                PriorityRow {
                    job: job.id,
                    user: job.user.to_string(),
                    partition: job.resolved.partition().to_owned(),
                    priority: multifactor(w, &inputs),
                    age: weigh(f.age, w.age),
                    assoc: weigh(f.assoc, w.assoc),
                    fairshare: weigh(f.fairshare, w.fairshare),
                    job_size: weigh(f.job_size, w.job_size),
                    partition_factor: weigh(f.partition, w.partition),
                    qos: weigh(f.qos, w.qos),
                    nice: inputs.nice,
                    factors: f,
                }
            })
            .collect();
        rows.sort_by_key(|r| r.job);
        rows
    }
}

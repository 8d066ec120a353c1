//! Accounting records, the way `sacct` shows jobs: times, final state, exit code, nodes and
//! allocated TRES.

use super::Scheduler;
use super::job::Job;
use crate::hostlist;
use crate::job_id::JobId;
use crate::job_state::JobState;
use crate::time::{Duration, TimeLimit, Timestamp};
use serde::Serialize;
use std::fmt::Write as _;

/// One job as `sacct` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct JobRecord {
    /// The job id.
    pub job: JobId,
    /// `JobID` as sacct prints it: `42`, `7_3`, or `7_[2-5]` for an array's pending tasks.
    pub display_id: String,
    /// `JobName`.
    pub name: String,
    /// `User`.
    pub user: String,
    /// `Account`.
    pub account: Option<String>,
    /// `Partition`: where it ran, or the one it waits for.
    pub partition: String,
    /// `State`.
    pub state: JobState,
    /// `ExitCode` (the exit status; 0 until the job ends).
    pub exit_code: i32,
    /// `Submit`.
    pub submit: Timestamp,
    /// `Eligible`.
    pub eligible: Option<Timestamp>,
    /// `Start`.
    pub start: Option<Timestamp>,
    /// `End`.
    pub end: Option<Timestamp>,
    /// `Elapsed`: end (or `now`) minus start.
    pub elapsed: Duration,
    /// `Timelimit`.
    pub time_limit: TimeLimit,
    /// `NodeList`, as a hostlist.
    pub nodes: String,
    /// `AllocCPUS`: the CPUs of the allocation summed over its nodes (whole nodes for an
    /// exclusive job), 0 if it never started.
    pub alloc_cpus: u64,
    /// `AllocTRES`: `cpu=N,mem=NM,node=N,gres/gpu=N`, empty if it never started.
    pub alloc_tres: String,
    /// How many times the job was requeued before this run (`Restarts`).
    pub restarts: u32,
    /// This run was preempted and its job queued again: the record is one of `sacct
    /// --duplicates`' earlier rows, not the job's last (its state is PREEMPTED).
    pub requeued: bool,
}

impl JobRecord {
    pub(crate) fn of(job: &Job, display_id: String, now: Timestamp) -> Self {
        let nodes: Vec<&str> = job.allocation.iter().map(|a| a.node.as_str()).collect();
        let elapsed = match job.start {
            Some(start) => Duration::from_secs(
                job.end
                    .unwrap_or(now)
                    .0
                    .saturating_sub(start.0)
                    .saturating_sub(u64::from(job.suspended_secs)),
            ),
            None => Duration::from_secs(0),
        };
        Self {
            job: job.id,
            display_id,
            name: job.name().to_owned(),
            user: job.user().to_owned(),
            account: job.account().map(str::to_owned),
            partition: job
                .partition()
                .unwrap_or_else(|| job.resolved.partition())
                .to_owned(),
            state: job.state,
            exit_code: job.exit_code.unwrap_or(0),
            submit: job.submit,
            eligible: job.eligible,
            start: job.start,
            end: job.end,
            elapsed,
            time_limit: job.time_limit,
            nodes: hostlist::compress(&nodes),
            alloc_cpus: alloc_cpus(job),
            alloc_tres: alloc_tres(job),
            restarts: job.restarts,
            requeued: false,
        }
    }
}

/// `AllocCPUS`: CPUs summed over the allocation's nodes (0 without one).
fn alloc_cpus(job: &Job) -> u64 {
    job.allocation.iter().map(|a| u64::from(a.cpus)).sum()
}

/// `AllocTRES` in sacct's order: cpu, mem, node, then GRES by name.
fn alloc_tres(job: &Job) -> String {
    if job.allocation.is_empty() {
        return String::new();
    }
    let cpus = alloc_cpus(job);
    let mem: u64 = job.allocation.iter().map(|a| a.memory.mib()).sum();
    let mut gres: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
    for g in job.allocation.iter().flat_map(|a| &a.gres) {
        *gres.entry(g.key.name.as_str()).or_insert(0) += g.indices.len() as u64;
    }
    let mut out = format!("cpu={cpus},mem={mem}M,node={}", job.allocation.len());
    for (name, count) in gres {
        // Writing to a String cannot fail.
        let _ = write!(out, ",gres/{name}={count}");
    }
    out
}

impl Scheduler {
    /// Every job as `sacct` would list it at `now`, by job id: finished, running and pending
    /// (an array's tasks that have not started are one record).
    ///
    /// ```
    /// use hpcsched::{Cluster, JobState, Scheduler, Timestamp};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = Cluster::from_slurm_conf("NodeName=n1 CPUs=4 RealMemory=4000\nPartitionName=p Nodes=n1 Default=YES\n")?;
    /// let mut s = Scheduler::new(cluster);
    /// let id = s.submit(&hpcsched::sbatch::parse_args(&["-n2", "--mem=1G", "-t", "10"])?, "alice", Timestamp(0))?;
    /// s.schedule(Timestamp(0));
    /// s.job_finished(id, Timestamp(300), 0)?;
    /// let r = &s.records(Timestamp(300))[0];
    /// assert_eq!((r.state, r.elapsed.as_secs()), (JobState::Completed, 300));
    /// assert_eq!((r.nodes.as_str(), r.alloc_tres.as_str()), ("n1", "cpu=2,mem=1024M,node=1"));
    /// assert_eq!(r.alloc_cpus, 2);
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn records(&self, now: Timestamp) -> Vec<JobRecord> {
        let mut records: Vec<JobRecord> = self
            .jobs
            .iter()
            .map(|job| {
                let display = match self.jobs.arrays.get(&job.id) {
                    Some(a) if job.state == JobState::Pending => a
                        .tasks
                        .squeue_id(job.id)
                        .unwrap_or_else(|| job.display_id()),
                    _ => job.display_id(),
                };
                JobRecord::of(job, display, now)
            })
            .collect();
        // The runs preemption ended before the job was requeued (`sacct --duplicates`).
        records.extend(self.preemption.runs.iter().cloned());
        records.sort_by_key(|r| (r.job, r.start.is_none(), r.start));
        records
    }
}

//! Forgetting finished jobs, the way slurmctld purges a job's record `MinJobAge` seconds
//! after it ended (slurm.conf.5). The host receives each purged job's accounting record,
//! as slurmdbd would keep it for `sacct`; the scheduler then holds only the jobs still in
//! the system, so a long-running host (or a replay of a whole trace) does not grow with
//! the number of jobs it has ever seen.

use super::Scheduler;
use super::job_table::JobTable;
use super::records::JobRecord;
use crate::fast_hash::FastBuild;
use crate::job_id::JobId;
use crate::time::{Duration, Timestamp};
use std::collections::HashSet;

impl Scheduler {
    /// Removes every job that ended at least `MinJobAge` ([`crate::SchedConfig::min_job_age`])
    /// before `now` and returns their records, in the order the jobs ended.
    ///
    /// The tasks of an array are kept until the whole array is done and old enough, then
    /// go together, as Slurm keeps an array's records while any task is pending or
    /// running. A job that depends on a purged job treats it as Slurm does a job that no
    /// longer exists: an item already decided keeps its outcome, an undecided one is
    /// satisfied.
    ///
    /// ```
    /// use hpcsched::{Cluster, JobState, Scheduler, Timestamp};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = Cluster::from_slurm_conf(
    ///     "MinJobAge=60\nNodeName=n1 CPUs=4\nPartitionName=p Nodes=n1 Default=YES\n",
    /// )?;
    /// let mut s = Scheduler::new(cluster);
    /// let args = hpcsched::sbatch::parse_args(&["-n1", "-t", "10"])?;
    /// let id = s.submit(&args, "alice", Timestamp(0))?;
    /// s.schedule(Timestamp(0));
    /// s.job_finished(id, Timestamp(100), 0)?;
    /// assert!(s.purge_finished(Timestamp(159)).is_empty());
    /// let purged = s.purge_finished(Timestamp(160));
    /// assert_eq!((purged[0].job, purged[0].state), (id, JobState::Completed));
    /// assert!(s.job(id).is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub fn purge_finished(&mut self, now: Timestamp) -> Vec<JobRecord> {
        let age = self.site.cluster.config().min_job_age;
        // The runs preemption ended before their job was requeued go first, once as old.
        let runs = std::mem::take(&mut self.preemption.runs);
        let (mut purged, kept): (Vec<JobRecord>, Vec<JobRecord>) = runs
            .into_iter()
            .partition(|r| r.end.is_some_and(|e| e.saturating_add(age) <= now));
        self.preemption.runs = kept;
        purged.extend(self.jobs.purge_finished(now, age));
        purged
    }
}

impl JobTable {
    /// [`Scheduler::purge_finished`], with `MinJobAge` `age`.
    fn purge_finished(&mut self, now: Timestamp, age: Duration) -> Vec<JobRecord> {
        let mut purged = Vec::new();
        let mut gone = HashSet::default();
        while let Some(&(ended, id)) = self.finished.front() {
            if ended.saturating_add(age) > now {
                break;
            }
            self.finished.pop_front();
            let Some(job) = self.get(id) else {
                continue;
            };
            // Requeued (or otherwise changed) since it was queued here: a later end
            // queues it again.
            if !job.state.is_finished() || job.end != Some(ended) {
                continue;
            }
            let array = job
                .array_task
                .map(|(array, _)| array)
                .or_else(|| self.arrays.contains_key(&id).then_some(id));
            match array {
                Some(array) if self.arrays.contains_key(&array) => {
                    self.purge_array(array, now, &mut purged, &mut gone);
                }
                _ => self.purge_job(id, now, &mut purged, &mut gone),
            }
        }
        if !gone.is_empty() {
            // One pass over the map, which keeps the submission order the passes iterate
            // in (removing jobs one by one in order would cost a pass each).
            self.retain(|id| !gone.contains(&id));
        }
        purged
    }

    /// Purges every task of `array` once none is pending or running; until then they all
    /// stay (the last task to end comes back here and takes them all).
    fn purge_array(
        &mut self,
        array: JobId,
        now: Timestamp,
        purged: &mut Vec<JobRecord>,
        gone: &mut HashSet<JobId, FastBuild>,
    ) {
        let Some(state) = self.arrays.get(&array) else {
            return;
        };
        if state.tasks.pending_count() > 0 {
            return;
        }
        let tasks = state.task_jobs.clone();
        if tasks
            .iter()
            .any(|t| self.get(*t).is_some_and(|j| !j.state.is_finished()))
        {
            return;
        }
        self.arrays.remove(&array);
        for task in tasks {
            self.purge_job(task, now, purged, gone);
        }
        self.purge_job(array, now, purged, gone);
    }

    /// Drops an array's task bookkeeping (its pending tasks will never start) and queues
    /// its finished tasks for purging, which waited for the array to be done.
    pub(super) fn forget_array(&mut self, array: JobId) {
        let Some(state) = self.arrays.remove(&array) else {
            return;
        };
        for task in state.task_jobs {
            if let Some(end) = self.get(task).and_then(|j| j.end) {
                self.finished.push_back((end, task));
            }
        }
    }

    fn purge_job(
        &self,
        id: JobId,
        now: Timestamp,
        purged: &mut Vec<JobRecord>,
        gone: &mut HashSet<JobId, FastBuild>,
    ) {
        if let Some(job) = self.get(id)
            && gone.insert(id)
        {
            purged.push(JobRecord::of(job, job.display_id(), now));
        }
    }
}

//! `Scheduler`: jobs in, decisions out, events reported back by the host.

use crate::cluster::Cluster;
use crate::decision::{Decision, Estimate, Job};
use crate::errors::{Error, job_err, node_err, partition_err, policy_err, submit_err};
use crate::request::JobRequest;
use crate::status::{
    JobRecord, LimitStatus, LimitUsage, PartitionUsage, PreemptionStats, PriorityRow, QueueRow,
    ShareRow, UserUsage,
};
use crate::values::{Gres, Limit};
use hpcsched::{GresSpec, HoldKind, JobId, PartitionState, Policy, Preset, Timestamp};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use std::sync::{Mutex, MutexGuard};

/// A scheduler for a copy of a cluster: submit jobs, call ``schedule(now)``, carry out the
/// decisions, report what happened. Times are ``int`` seconds on the host's clock.
///
/// ``Scheduler(cluster, policy=None)`` schedules a copy of ``cluster``. ``policy`` None is
/// Slurm's behaviour under the cluster's SchedulerType and SchedulerParameters; otherwise
/// ``"fifo"``, ``"easy"``, ``"conservative"`` or ``"slurm"``. Raises PolicyError for an
/// unknown name.
#[pyclass(module = "hpcsched", frozen)]
pub struct Scheduler {
    inner: Mutex<hpcsched::Scheduler>,
}

impl Scheduler {
    fn lock(&self) -> PyResult<MutexGuard<'_, hpcsched::Scheduler>> {
        // A panic inside a pass may have left the state half-updated: refuse to go on
        // rather than make decisions from it.
        self.inner.lock().map_err(|_| {
            Error::new_err(
                "this scheduler hit an internal error earlier and its state is unknown; \
                 create a new one (and please report the error)",
            )
        })
    }
}

#[pymethods]
impl Scheduler {
    // Documented on the struct: Python shows the class's docstring, not __new__'s.
    #[new]
    #[pyo3(signature = (cluster, policy=None))]
    fn new(cluster: &Cluster, policy: Option<&str>) -> PyResult<Self> {
        let cluster = cluster.snapshot();
        let inner = match policy {
            None => hpcsched::Scheduler::new(cluster),
            Some(name) => {
                let preset: Preset = name.parse().map_err(policy_err)?;
                let policy = Policy::preset(preset, cluster.config());
                hpcsched::Scheduler::with_policy(cluster, policy)
            }
        };
        Ok(Self {
            inner: Mutex::new(inner),
        })
    }

    /// Submits a job for ``user`` at ``now``; returns its id. Raises RejectedError (with
    /// ``.reasons``) when sbatch would refuse the job (with accounts, also for a user,
    /// account or QOS without an association), SubmitError for other refusals; a refusal
    /// changes nothing.
    fn submit(&self, request: &JobRequest, user: &str, now: u64) -> PyResult<u32> {
        let id = self
            .lock()?
            .submit(&request.inner, user, Timestamp(now))
            .map_err(submit_err)?;
        Ok(id.0)
    }

    /// Runs one scheduling pass at ``now``; returns what the host must do. Also refreshes
    /// ``estimates()``.
    fn schedule(&self, now: u64) -> PyResult<Vec<Decision>> {
        // The pass keeps the GIL: releasing it while holding the lock would deadlock
        // against another thread waiting for the lock with the GIL held.
        let decisions = self.lock()?.schedule(Timestamp(now));
        Ok(decisions.iter().map(Decision::from).collect())
    }

    /// Reports that a running job ended at ``now`` (exit code 0: COMPLETED, else FAILED).
    /// Raises UnknownJobError or JobStateError, as do all job events.
    #[pyo3(signature = (job, now, exit_code=0))]
    fn job_finished(&self, job: u32, now: u64, exit_code: i32) -> PyResult<()> {
        self.lock()?
            .job_finished(JobId(job), Timestamp(now), exit_code)
            .map_err(job_err)
    }

    /// Reports that a running job ran out of memory at ``now``: it ends OUT_OF_MEMORY, or
    /// CANCELLED with the cause in its comment when ``reboot_on_oom``.
    #[pyo3(signature = (job, now, reboot_on_oom=false))]
    fn out_of_memory(&self, job: u32, now: u64, reboot_on_oom: bool) -> PyResult<()> {
        self.lock()?
            .out_of_memory(JobId(job), Timestamp(now), reboot_on_oom)
            .map_err(job_err)
    }

    /// Cancels a pending or running job at ``now``.
    fn cancel(&self, job: u32, now: u64) -> PyResult<()> {
        self.lock()?
            .cancel(JobId(job), Timestamp(now))
            .map_err(job_err)
    }

    /// Holds a pending job: as its user (JobHeldUser), or with ``admin=True`` as an
    /// administrator's ``scontrol hold`` does (JobHeldAdmin).
    #[pyo3(signature = (job, admin=false))]
    fn hold(&self, job: u32, admin: bool) -> PyResult<()> {
        let kind = if admin {
            HoldKind::Admin
        } else {
            HoldKind::User
        };
        self.lock()?.hold_as(JobId(job), kind).map_err(job_err)
    }

    /// Releases a held job.
    fn release(&self, job: u32) -> PyResult<()> {
        self.lock()?.release(JobId(job)).map_err(job_err)
    }

    /// Requeues a running job at ``now``.
    fn requeue(&self, job: u32, now: u64) -> PyResult<()> {
        self.lock()?
            .requeue(JobId(job), Timestamp(now))
            .map_err(job_err)
    }

    /// Changes a job's time limit: seconds, or ``math.inf`` for UNLIMITED.
    fn update_time_limit(&self, job: u32, limit: Limit) -> PyResult<()> {
        self.lock()?
            .update_time_limit(JobId(job), limit.0)
            .map_err(job_err)
    }

    /// Drains a node: it takes no new jobs; running ones finish. Raises NodeError for an
    /// unknown node, as do all node events.
    fn drain_node(&self, name: &str, reason: &str) -> PyResult<()> {
        self.lock()?.drain_node(name, reason).map_err(node_err)
    }

    /// Changes a partition's state as ``scontrol update PartitionName=NAME State=STATE``
    /// does: ``"UP"`` takes and starts jobs, ``"DOWN"`` holds the queue (PartitionDown),
    /// ``"DRAIN"`` refuses new jobs, ``"INACTIVE"`` does both (PartitionInactive). Raises
    /// PartitionError for an unknown partition, ValueError for a bad state.
    fn set_partition_state(&self, name: &str, state: &str) -> PyResult<()> {
        let state: PartitionState =
            state
                .parse()
                .map_err(|e: hpcsched::ParsePartitionStateError| {
                    PyValueError::new_err(e.to_string())
                })?;
        self.lock()?
            .set_partition_state(name, state)
            .map_err(partition_err)
    }

    /// Returns a drained or down node to service.
    fn resume_node(&self, name: &str) -> PyResult<()> {
        self.lock()?.resume_node(name).map_err(node_err)
    }

    /// Takes a node down at ``now``; returns ``(ended, requeued)`` job ids.
    fn down_node(&self, name: &str, reason: &str, now: u64) -> PyResult<(Vec<u32>, Vec<u32>)> {
        let (ended, requeued) = self
            .lock()?
            .down_node(name, reason, Timestamp(now))
            .map_err(node_err)?;
        let ids = |v: Vec<JobId>| v.into_iter().map(|j| j.0).collect();
        Ok((ids(ended), ids(requeued)))
    }

    /// When to call ``schedule`` again at the latest; None when only events need a pass.
    fn next_event_time(&self, now: u64) -> PyResult<Option<u64>> {
        Ok(self.lock()?.next_event_time(Timestamp(now)).map(|t| t.0))
    }

    /// Expected starts of pending jobs as of the last pass, in expected-start order, like
    /// ``squeue --start``.
    fn estimates(&self) -> PyResult<Vec<Estimate>> {
        Ok(self
            .lock()?
            .estimates()
            .iter()
            .map(Estimate::from)
            .collect())
    }

    /// The queue as ``squeue --start`` shows it after the last pass: running jobs by
    /// start time, then pending ones in expected-start order (unplanned last).
    fn queue(&self) -> PyResult<Vec<QueueRow>> {
        Ok(self
            .lock()?
            .queue()
            .into_iter()
            .map(QueueRow::from)
            .collect())
    }

    /// Every job as ``sacct`` would list it at ``now``, by job id.
    fn records(&self, now: u64) -> PyResult<Vec<JobRecord>> {
        Ok(self
            .lock()?
            .records(Timestamp(now))
            .iter()
            .map(JobRecord::from)
            .collect())
    }

    /// What preemption did so far: runs cancelled, requeued and suspended, and the
    /// CPU-seconds lost; all zero without preemption.
    fn preemption_stats(&self) -> PyResult<PreemptionStats> {
        Ok(self.lock()?.preemption_stats().into())
    }

    /// How a partition's nodes are used now, as ``sinfo`` summarises them; None for an
    /// unknown partition.
    fn partition_usage(&self, name: &str) -> PyResult<Option<PartitionUsage>> {
        Ok(self
            .lock()?
            .partition_usage(name)
            .as_ref()
            .map(PartitionUsage::from))
    }

    /// What a user's jobs hold and wait for.
    fn user_usage(&self, user: &str) -> PyResult<UserUsage> {
        Ok(UserUsage::from(&self.lock()?.user_usage(user)))
    }

    /// A user's running usage next to each ``MaxTRESPerUser`` limit of a QOS; None for an
    /// unknown QOS.
    fn qos_user_usage(&self, qos: &str, user: &str) -> PyResult<Option<Vec<LimitUsage>>> {
        Ok(self
            .lock()?
            .qos_user_usage(qos, user)
            .map(|v| v.iter().map(LimitUsage::from).collect()))
    }

    /// Every run-time limit that applies to ``user``, with what counts against it now: the
    /// limits of each QOS of the cluster (per user, per account the user's jobs named,
    /// whole QOS), then those of the user's associations up the tree. Limits decided once
    /// per job (``MaxWall``, ``MaxTRESPerJob``...) are not listed.
    fn user_limits(&self, user: &str) -> PyResult<Vec<LimitStatus>> {
        Ok(self
            .lock()?
            .user_limits(user)
            .into_iter()
            .map(LimitStatus::from)
            .collect())
    }

    /// The fair-share tree as ``sshare -a`` lists it, as of the last priority computation:
    /// under each account its users, then its sub-accounts, each by name. Empty when the
    /// cluster computes no fair-share (no ``PriorityWeightFairshare`` under
    /// priority/multifactor).
    fn shares(&self) -> PyResult<Vec<ShareRow>> {
        Ok(self
            .lock()?
            .shares()
            .into_iter()
            .map(ShareRow::from)
            .collect())
    }

    /// The priority of each pending job taken apart, as ``sprio -l`` lists them (by job
    /// id), as of the last pass; empty under priority/basic. Jobs with an explicit
    /// ``--priority`` and held jobs are left out, as sprio leaves them out.
    fn priorities(&self) -> PyResult<Vec<PriorityRow>> {
        Ok(self
            .lock()?
            .priorities()
            .into_iter()
            .map(PriorityRow::from)
            .collect())
    }

    /// A snapshot of a job; None for an unknown id.
    fn job(&self, id: u32) -> PyResult<Option<Job>> {
        Ok(self.lock()?.job(JobId(id)).map(Job::from))
    }

    /// Snapshots of every job the scheduler knows (pending, running, finished), in the
    /// scheduler's order (submission order for ordinary jobs).
    fn jobs(&self) -> PyResult<Vec<Job>> {
        Ok(self.lock()?.jobs().map(Job::from).collect())
    }

    /// How many of a pending array's tasks have not started (0 for other jobs).
    fn pending_tasks(&self, id: u32) -> PyResult<u64> {
        Ok(self.lock()?.pending_tasks(JobId(id)))
    }

    /// Ids of the jobs running on a node; None for an unknown node.
    fn node_jobs(&self, name: &str) -> PyResult<Option<Vec<u32>>> {
        Ok(self
            .lock()?
            .node_jobs(name)
            .map(|ids| ids.iter().map(|j| j.0).collect()))
    }

    /// What a node has free now as ``(cpus, memory_mib, gres)``; None for an unknown node.
    fn node_free(&self, name: &str) -> PyResult<Option<(u32, u64, Vec<Gres>)>> {
        Ok(self.lock()?.node_free(name).map(|free| {
            let gres = free
                .gres
                .iter()
                .map(|(key, &count)| {
                    Gres::from(&GresSpec {
                        key: key.clone(),
                        count,
                        no_consume: false,
                    })
                })
                .collect();
            (free.cpus, free.memory.mib(), gres)
        }))
    }

    /// A copy of the scheduler's cluster, with node states as the scheduler sees them
    /// (drained, down).
    #[getter]
    fn cluster(&self) -> PyResult<Cluster> {
        Ok(Cluster::from_core(self.lock()?.cluster().clone()))
    }

    fn __repr__(&self) -> PyResult<String> {
        let s = self.lock()?;
        Ok(format!(
            "Scheduler(nodes={}, jobs={})",
            s.cluster().nodes().len(),
            s.jobs().count()
        ))
    }
}

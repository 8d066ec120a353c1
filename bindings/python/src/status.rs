//! Accounting records and status views as Python value objects (conversions only).

use crate::values::{Limit, py_repr, py_repr_str};
use hpcsched::TimeLimit;
use hpcsched::record::RecordRow;
use pyo3::prelude::*;

/// One job as ``sacct`` reports it (``Scheduler.records(now)``, ``SimResult.records``).
// The core's record row (`hpcsched::record::RecordRow`), field for field, with `time_limit`
// as seconds or `math.inf`.
#[pyclass(module = "hpcsched", frozen, eq, hash, get_all)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JobRecord {
    /// The job id.
    pub job: u32,
    /// ``JobID`` as sacct prints it: ``"42"``, ``"7_3"``, or ``"7_[2-5]"`` for an array's
    /// pending tasks.
    pub display_id: String,
    /// ``JobName``.
    pub name: String,
    /// ``User``.
    pub user: String,
    /// ``Account``; None when not given.
    pub account: Option<String>,
    /// ``Partition``.
    pub partition: String,
    /// ``State``, as Slurm names it (``"COMPLETED"``, ``"TIMEOUT"``...).
    pub state: String,
    /// ``ExitCode``.
    pub exit_code: i32,
    /// ``Submit``, seconds.
    pub submit: u64,
    /// ``Eligible``, seconds; None if it never became eligible.
    pub eligible: Option<u64>,
    /// ``Start``, seconds; None if it never started.
    pub start: Option<u64>,
    /// ``End``, seconds; None if it has not ended.
    pub end: Option<u64>,
    /// Seconds from submit to start; None if it never started.
    pub wait: Option<u64>,
    /// ``Elapsed``: seconds from start to end (or to ``now`` while running).
    pub elapsed: u64,
    /// ``Timelimit``: seconds, or ``math.inf`` for UNLIMITED.
    pub time_limit: Limit,
    /// ``NodeList``, as a hostlist (``"cpu16-[1-3]"``); ``expand_hostlist`` lists them.
    pub nodes: String,
    /// ``AllocCPUS``: the CPUs of the allocation summed over its nodes; 0 if it never
    /// started.
    pub alloc_cpus: u64,
    /// ``AllocTRES`` (``"cpu=4,mem=8192M,node=1,gres/gpu=2"``); empty if it never started.
    pub alloc_tres: String,
    /// ``Restarts``: how many times the job had been requeued before this run (0 if never).
    /// A job requeued by preemption has a record per run, by start time: its ended runs
    /// (``"PREEMPTED"``), then its latest.
    pub restarts: u32,
}

impl JobRecord {
    /// The core's row and the record's `restarts` (not a column of the row).
    pub(crate) fn new(row: RecordRow) -> Self {
        // Every field, by name: a field added to the core's row stops this compiling.
        let RecordRow {
            job,
            display_id,
            name,
            user,
            account,
            partition,
            state,
            exit_code,
            submit,
            eligible,
            start,
            end,
            wait,
            elapsed,
            time_limit,
            nodes,
            alloc_cpus,
            alloc_tres,
            restarts,
        } = row;
        Self {
            job,
            display_id,
            name,
            user,
            account,
            partition,
            state,
            exit_code,
            submit,
            eligible,
            start,
            end,
            wait,
            elapsed,
            time_limit: Limit(time_limit.map_or(TimeLimit::Unlimited, |s| {
                TimeLimit::Limited(hpcsched::Duration::from_secs(s))
            })),
            nodes,
            alloc_cpus,
            alloc_tres,
            restarts,
        }
    }
}

impl From<&hpcsched::JobRecord> for JobRecord {
    fn from(r: &hpcsched::JobRecord) -> Self {
        Self::new(RecordRow::from(r))
    }
}

#[pymethods]
impl JobRecord {
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "JobRecord(job={}, display_id={}, state={}, start={}, end={}, nodes={}, alloc_cpus={}, alloc_tres={})",
            self.job,
            py_repr_str(py, &self.display_id),
            py_repr_str(py, &self.state),
            py_repr(py, self.start),
            py_repr(py, self.end),
            py_repr_str(py, &self.nodes),
            self.alloc_cpus,
            py_repr_str(py, &self.alloc_tres),
        )
    }
}

/// What preemption did (PreemptType, PreemptMode): the runs it ended or paused and the CPU
/// time it cost (``Scheduler.preemption_stats()``, ``SimResult.preemption``).
#[pyclass(module = "hpcsched", frozen, eq, hash, get_all)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PreemptionStats {
    /// Every preemption: ``cancelled + requeued + suspended``.
    pub preempted: u64,
    /// Runs ended PREEMPTED for good (CANCEL, or REQUEUE of a job that may not be
    /// requeued).
    pub cancelled: u64,
    /// Runs ended PREEMPTED whose job was queued again (REQUEUE).
    pub requeued: u64,
    /// Jobs suspended (SUSPEND,GANG).
    pub suspended: u64,
    /// CPU-seconds of the runs preemption ended: work lost (a requeued job starts again
    /// from the beginning).
    pub lost_cpu_seconds: u64,
}

impl From<hpcsched::PreemptionStats> for PreemptionStats {
    fn from(s: hpcsched::PreemptionStats) -> Self {
        Self {
            preempted: s.preempted(),
            cancelled: s.cancelled,
            requeued: s.requeued,
            suspended: s.suspended,
            lost_cpu_seconds: s.lost_cpu_seconds,
        }
    }
}

#[pymethods]
impl PreemptionStats {
    fn __repr__(&self) -> String {
        format!(
            "PreemptionStats(preempted={}, cancelled={}, requeued={}, suspended={}, lost_cpu_seconds={})",
            self.preempted, self.cancelled, self.requeued, self.suspended, self.lost_cpu_seconds
        )
    }
}

/// A partition's nodes and CPUs by state, as ``sinfo`` summarises them.
#[pyclass(module = "hpcsched", frozen, eq, hash, get_all)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PartitionUsage {
    /// Nodes in the partition.
    pub nodes: u32,
    /// Nodes with nothing allocated that can take jobs.
    pub idle: u32,
    /// Nodes with some CPUs allocated.
    pub mixed: u32,
    /// Nodes with every CPU allocated.
    pub allocated: u32,
    /// Nodes that take no new jobs (DOWN, DRAIN...).
    pub unavailable: u32,
    /// CPUs in the partition.
    pub cpus: u32,
    /// CPUs allocated.
    pub cpus_allocated: u32,
    /// GPUs in the partition.
    pub gpus: u64,
    /// GPUs allocated.
    pub gpus_allocated: u64,
}

impl From<&hpcsched::PartitionUsage> for PartitionUsage {
    fn from(u: &hpcsched::PartitionUsage) -> Self {
        Self {
            nodes: u.nodes,
            idle: u.idle,
            mixed: u.mixed,
            allocated: u.allocated,
            unavailable: u.unavailable,
            cpus: u.cpus,
            cpus_allocated: u.cpus_allocated,
            gpus: u.gpus,
            gpus_allocated: u.gpus_allocated,
        }
    }
}

#[pymethods]
impl PartitionUsage {
    fn __repr__(&self) -> String {
        format!(
            "PartitionUsage(nodes={}, idle={}, mixed={}, allocated={}, unavailable={}, cpus={}, cpus_allocated={}, gpus={}, gpus_allocated={})",
            self.nodes,
            self.idle,
            self.mixed,
            self.allocated,
            self.unavailable,
            self.cpus,
            self.cpus_allocated,
            self.gpus,
            self.gpus_allocated
        )
    }
}

/// What one user's jobs hold and wait for.
#[pyclass(module = "hpcsched", frozen, eq, hash, get_all)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserUsage {
    /// Running jobs.
    pub running_jobs: u32,
    /// Pending jobs (an array's pending tasks count one each).
    pub pending_jobs: u64,
    /// Nodes held (one per node of each running job).
    pub nodes: u32,
    /// CPUs held.
    pub cpus: u32,
    /// Memory held, MiB.
    pub memory_mib: u64,
    /// GPUs held.
    pub gpus: u64,
}

impl From<&hpcsched::UserUsage> for UserUsage {
    fn from(u: &hpcsched::UserUsage) -> Self {
        Self {
            running_jobs: u.running_jobs,
            pending_jobs: u.pending_jobs,
            nodes: u.held.nodes,
            cpus: u.held.cpus,
            memory_mib: u.held.memory.mib(),
            gpus: u.held.gres_total("gpu"),
        }
    }
}

#[pymethods]
impl UserUsage {
    fn __repr__(&self) -> String {
        format!(
            "UserUsage(running_jobs={}, pending_jobs={}, nodes={}, cpus={}, memory_mib={}, gpus={})",
            self.running_jobs, self.pending_jobs, self.nodes, self.cpus, self.memory_mib, self.gpus
        )
    }
}

/// One TRES a user holds under a QOS, next to its ``MaxTRESPerUser`` limit.
#[pyclass(module = "hpcsched", frozen, eq, hash, get_all)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LimitUsage {
    /// The TRES as sacctmgr names it (``"cpu"``, ``"mem"``, ``"gres/gpu"``...).
    pub tres: String,
    /// What the user's running jobs under the QOS hold.
    pub used: u64,
    /// The limit.
    pub limit: u64,
}

impl From<&hpcsched::LimitUsage> for LimitUsage {
    fn from(u: &hpcsched::LimitUsage) -> Self {
        Self {
            tres: u.kind.to_string(),
            used: u.used,
            limit: u.limit,
        }
    }
}

#[pymethods]
impl LimitUsage {
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "LimitUsage(tres={}, used={}, limit={})",
            py_repr_str(py, &self.tres),
            self.used,
            self.limit
        )
    }
}

/// One job still in the system, as ``squeue --start`` lists it (``Scheduler.queue()``,
/// ``SimResult.queue``).
#[pyclass(module = "hpcsched", frozen, eq, hash, get_all)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QueueRow {
    /// The job id (an array's pending tasks carry the array job id).
    pub job: u32,
    /// JOBID as squeue prints it: ``"42"``, ``"7_3"``, ``"7_[2-5]"``.
    pub job_id: String,
    /// Where the job runs, or where it is planned.
    pub partition: String,
    /// NAME (empty when not given).
    pub name: String,
    /// USER.
    pub user: String,
    /// The state's long name (``"RUNNING"``, ``"PENDING"``...).
    pub state: String,
    /// ST, squeue's short code (``"R"``, ``"PD"``...).
    pub state_code: String,
    /// START_TIME, seconds: the actual start of a running job, the expected start of a
    /// pending one; None (N/A) when a pending job is not planned.
    pub start_time: Option<u64>,
    /// NODES: a running job's nodes, a pending job's requested minimum.
    pub nodes: u32,
    /// NODELIST of a running job, as a hostlist; None for a pending one.
    pub nodelist: Option<String>,
    /// SCHEDNODES of a pending job: its planned nodes, as a hostlist.
    pub sched_nodes: Option<String>,
    /// REASON of a pending job, as squeue's ``%r`` prints it.
    pub reason: Option<String>,
}

impl From<hpcsched::squeue::QueueRow> for QueueRow {
    fn from(row: hpcsched::squeue::QueueRow) -> Self {
        let state_code = row.state_code().to_owned();
        // Every field, by name: a field added to the core's row stops this compiling.
        let hpcsched::squeue::QueueRow {
            job,
            job_id,
            partition,
            name,
            user,
            state,
            start_time,
            nodes,
            nodelist,
            sched_nodes,
            reason,
        } = row;
        Self {
            job,
            job_id,
            partition,
            name,
            user,
            state,
            state_code,
            start_time,
            nodes,
            nodelist,
            sched_nodes,
            reason,
        }
    }
}

#[pymethods]
impl QueueRow {
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "QueueRow(job_id={}, state={}, start_time={}, nodes={}, reason={})",
            py_repr_str(py, &self.job_id),
            py_repr_str(py, &self.state_code),
            py_repr(py, self.start_time),
            self.nodes,
            py_repr(py, self.reason.clone()),
        )
    }
}

/// One limit that applies to a user and what counts against it now, as a "my usage"
/// command shows it (``Scheduler.user_limits(user)``: "Using 4/4 GPUs").
// The core's `scheduler::LimitStatus`, its enums flattened to strings and optional fields
// (the same columns as C's `hpcsched_limit_row`).
#[pyclass(module = "hpcsched", frozen, eq, hash, get_all)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LimitStatus {
    /// Where the limit is set: ``"qos"`` or ``"association"``.
    pub owner: &'static str,
    /// The QOS, for a QOS's limit; else None.
    pub qos: Option<String>,
    /// The association's account, for an association's limit; else None.
    pub account: Option<String>,
    /// The association's user (None for an account's association).
    pub user: Option<String>,
    /// The association's partition (None unless the association is a partition's).
    pub partition: Option<String>,
    /// Whose usage counts: ``"all"`` (every job under the QOS or association: ``Grp*``,
    /// and an association's ``MaxJobs``/``MaxSubmitJobs``), ``"user"`` (the user's jobs
    /// under the QOS: ``Max*PerUser``) or ``"account"`` (the jobs of ``counts_account``
    /// under the QOS: ``Max*PerAccount``).
    pub counts: &'static str,
    /// The account, when ``counts`` is ``"account"``; else None.
    pub counts_account: Option<String>,
    /// What counts: ``"running_jobs"``, ``"submitted_jobs"`` (pending and running; array
    /// tasks one each) or ``"tres"`` (a TRES of the running jobs, named by ``tres``).
    pub of: &'static str,
    /// The TRES when ``of`` is ``"tres"``, as sacctmgr names it (``"cpu"``, ``"mem"`` in
    /// MiB, ``"node"``, ``"gres/gpu"``...); else None.
    pub tres: Option<String>,
    /// What counts against the limit now.
    pub used: u64,
    /// The limit.
    pub limit: u64,
}

impl From<hpcsched::scheduler::LimitStatus> for LimitStatus {
    fn from(status: hpcsched::scheduler::LimitStatus) -> Self {
        use hpcsched::scheduler::{LimitCounts, LimitOf, LimitOwner};
        let (owner_kind, counts_kind, of_kind) =
            (status.owner.kind(), status.counts.kind(), status.of.kind());
        // Every field and variant, by name: one added to the core stops this compiling.
        let hpcsched::scheduler::LimitStatus {
            owner,
            counts,
            of,
            used,
            limit,
        } = status;
        let (qos, account, user, partition) = match owner {
            LimitOwner::Qos(q) => (Some(q), None, None, None),
            LimitOwner::Association {
                account,
                user,
                partition,
            } => (None, Some(account), user, partition),
        };
        let counts_account = match counts {
            LimitCounts::All | LimitCounts::User => None,
            LimitCounts::Account(a) => Some(a),
        };
        let tres = match of {
            LimitOf::RunningJobs | LimitOf::SubmittedJobs => None,
            LimitOf::Tres(kind) => Some(kind.to_string()),
        };
        Self {
            owner: owner_kind,
            qos,
            account,
            user,
            partition,
            counts: counts_kind,
            counts_account,
            of: of_kind,
            tres,
            used,
            limit,
        }
    }
}

#[pymethods]
impl LimitStatus {
    fn __repr__(&self, py: Python<'_>) -> String {
        let owner = match (&self.qos, &self.account) {
            (Some(q), _) => format!("qos={}", py_repr_str(py, q)),
            (None, Some(a)) => format!(
                "account={}, user={}",
                py_repr_str(py, a),
                py_repr(py, self.user.clone())
            ),
            (None, None) => String::new(),
        };
        format!(
            "LimitStatus({owner}, counts={}, of={}, used={}, limit={})",
            py_repr_str(py, self.counts),
            py_repr_str(py, self.tres.as_deref().unwrap_or(self.of)),
            self.used,
            self.limit
        )
    }
}

/// One association as ``sshare -a`` lists it (``Scheduler.shares()``).
// The core's `fairshare::SshareRow`, field for field; `raw_shares` is an int, "parent" or
// None.
#[pyclass(module = "hpcsched", frozen, eq, get_all)]
#[derive(Debug, Clone, PartialEq)]
pub struct ShareRow {
    /// Account: the association's account, or a user row's account.
    pub account: String,
    /// User, on user rows; None on account rows.
    pub user: Option<String>,
    /// Depth in the tree (the root 0); sshare indents the account by it.
    pub depth: usize,
    /// RawShares: the association's ``FairShare=`` number, ``"parent"``, or None for the
    /// root.
    pub raw_shares: RawShares,
    /// NormShares.
    pub norm_shares: f64,
    /// RawUsage, truncated to an integer.
    pub raw_usage: u64,
    /// NormUsage; None when not known.
    pub norm_usage: Option<f64>,
    /// EffectvUsage.
    pub effectv_usage: f64,
    /// FairShare; None where sshare prints it blank (Fair Tree: account rows).
    pub fair_share: Option<f64>,
    /// LevelFS; None where sshare prints it blank.
    pub level_fs: Option<f64>,
}

/// `RawShares` as Python sees it: an int, `"parent"`, or None.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawShares(Option<hpcsched::fairshare::ShareValue>);

impl<'py> IntoPyObject<'py> for RawShares {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = std::convert::Infallible;

    fn into_pyobject(self, py: Python<'py>) -> Result<Self::Output, Self::Error> {
        use hpcsched::fairshare::ShareValue;
        Ok(match self.0 {
            None => py.None().into_bound(py),
            Some(ShareValue::Parent) => "parent".into_pyobject(py)?.into_any(),
            Some(ShareValue::Value(v)) => v.into_pyobject(py)?.into_any(),
        })
    }
}

impl<'py> IntoPyObject<'py> for &RawShares {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = std::convert::Infallible;

    fn into_pyobject(self, py: Python<'py>) -> Result<Self::Output, Self::Error> {
        (*self).into_pyobject(py)
    }
}

impl From<hpcsched::fairshare::SshareRow> for ShareRow {
    fn from(row: hpcsched::fairshare::SshareRow) -> Self {
        // Every field, by name: a field added to the core's row stops this compiling.
        let hpcsched::fairshare::SshareRow {
            account,
            user,
            depth,
            raw_shares,
            norm_shares,
            raw_usage,
            norm_usage,
            effectv_usage,
            fair_share,
            level_fs,
        } = row;
        Self {
            account,
            user,
            depth,
            raw_shares: RawShares(raw_shares),
            norm_shares,
            raw_usage,
            norm_usage,
            effectv_usage,
            fair_share,
            level_fs,
        }
    }
}

#[pymethods]
impl ShareRow {
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "ShareRow(account={}, user={}, raw_shares={}, raw_usage={}, fair_share={})",
            py_repr_str(py, &self.account),
            py_repr(py, self.user.clone()),
            py_repr(py, self.raw_shares),
            self.raw_usage,
            py_repr(py, self.fair_share),
        )
    }
}

/// A pending job's priority taken apart, as ``sprio -l`` shows it: each factor times its
/// weight, rounded as sprio prints it, then the factors themselves (``sprio -n``)
/// (``Scheduler.priorities()``).
// The core's `scheduler::PriorityRow` with its `PriorityFactors` flattened (the same
// columns as C's `hpcsched_priority_row`).
#[pyclass(module = "hpcsched", frozen, eq, get_all)]
#[derive(Debug, Clone, PartialEq)]
pub struct PriorityRow {
    /// The job id.
    pub job: u32,
    /// USER.
    pub user: String,
    /// PARTITION: the one the priority is computed for (the job's first).
    pub partition: String,
    /// PRIORITY, as the last pass computed it.
    pub priority: u32,
    /// AGE, weighted.
    pub age: u64,
    /// ASSOC, weighted.
    pub assoc: u64,
    /// FAIRSHARE, weighted.
    pub fairshare: u64,
    /// JOBSIZE, weighted.
    pub job_size: u64,
    /// PARTITION, weighted.
    pub partition_factor: u64,
    /// QOS, weighted.
    pub qos: u64,
    /// NICE.
    pub nice: i32,
    /// The age factor before weighting, 0 to 1.
    pub age_factor: f64,
    /// The association factor before weighting.
    pub assoc_factor: f64,
    /// The fair-share factor before weighting, 0 to 1.
    pub fairshare_factor: f64,
    /// The job-size factor before weighting, 0 to 1.
    pub job_size_factor: f64,
    /// The partition factor before weighting.
    pub partition_factor_raw: f64,
    /// The QOS factor before weighting.
    pub qos_factor: f64,
    /// The TRES factors, already weighted and summed.
    pub tres_weighted: f64,
}

impl From<hpcsched::scheduler::PriorityRow> for PriorityRow {
    fn from(row: hpcsched::scheduler::PriorityRow) -> Self {
        // Every field, by name: a field added to the core's row stops this compiling.
        let hpcsched::scheduler::PriorityRow {
            job,
            user,
            partition,
            priority,
            age,
            assoc,
            fairshare,
            job_size,
            partition_factor,
            qos,
            nice,
            factors,
        } = row;
        let hpcsched::priority::PriorityFactors {
            age: age_factor,
            assoc: assoc_factor,
            fairshare: fairshare_factor,
            job_size: job_size_factor,
            partition: partition_factor_raw,
            qos: qos_factor,
            tres_weighted,
        } = factors;
        Self {
            job: job.0,
            user,
            partition,
            priority,
            age,
            assoc,
            fairshare,
            job_size,
            partition_factor,
            qos,
            nice,
            age_factor,
            assoc_factor,
            fairshare_factor,
            job_size_factor,
            partition_factor_raw,
            qos_factor,
            tres_weighted,
        }
    }
}

#[pymethods]
impl PriorityRow {
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "PriorityRow(job={}, user={}, priority={}, age={}, fairshare={}, job_size={}, partition_factor={}, qos={})",
            self.job,
            py_repr_str(py, &self.user),
            self.priority,
            self.age,
            self.fairshare,
            self.job_size,
            self.partition_factor,
            self.qos,
        )
    }
}

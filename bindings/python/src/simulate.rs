//! `simulate`: replays a workload (an SWF trace or a job list) through the core's
//! simulator, and the result types: `SimResult`, `Summary`/`Stats`, `Workload`,
//! `SkippedLine`, `RefusedJob`, `LeftPending`.
//!
//! Conversions only: reading, mapping, scheduling and metrics are the core's
//! (`hpcsched::swf`, `hpcsched::workload`, `hpcsched::simulator`, `hpcsched::metrics`).
//! What this module adds is Python's view of them: telling an SWF trace from a job list
//! by content, the exceptions, and releasing the GIL while the replay runs.
//! `SimResult.to_pandas()` and `.plot_gantt()` are presentation, written in Python
//! (`hpcsched/_result.py`), over the columns and records built here.

use crate::cluster::Cluster;
use crate::decision::{Estimate, reason};
use crate::errors::{Error, located_err, policy_err, py_err, workload_err};
use crate::status::{JobRecord, PreemptionStats, QueueRow};
use crate::values::{py_repr, py_repr_str};
use hpcsched::record::{Cell, RecordRow};
use hpcsched::replay::{
    Observer, Progress, Replay, ReplayError, ReplayErrorKind, ReplayOutcome, ReplaySettings,
    WorkloadInput,
};
use hpcsched::simulator::Overrun;
use hpcsched::workload::{self, Skipped, WorkloadError, WorkloadJob};
use hpcsched::{Preset, Timestamp};
use pyo3::exceptions::{PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;

// ---------------------------------------------------------------------------------------
// Workload
// ---------------------------------------------------------------------------------------

/// Jobs to replay, read from a job list by ``parse_job_list`` or ``read_job_list``.
///
/// A job list has one job per line: ``SUBMIT_TIME RUNTIME[:EXIT] USER [sbatch options...]``
/// (seconds on the simulation clock; the run time as seconds, ``HH:MM:SS`` or
/// ``D-HH:MM:SS``; ``-d afterok:NAME`` dependencies on earlier lines by ``-J`` name or
/// 1-based position; ``#`` comments). ``len(workload)`` is the number of jobs.
#[pyclass(module = "hpcsched", frozen)]
pub struct Workload {
    jobs: Arc<Vec<WorkloadJob>>,
    path: Option<String>,
}

#[pymethods]
impl Workload {
    fn __len__(&self) -> usize {
        self.jobs.len()
    }

    /// The file the jobs were read from; None for text.
    #[getter]
    fn path(&self) -> Option<String> {
        self.path.clone()
    }

    /// The jobs as job-list text, one line per job, which reads back to the same jobs.
    fn to_job_list(&self) -> String {
        workload::render_job_list(&self.jobs)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        match &self.path {
            Some(p) => format!(
                "Workload(jobs={}, path={})",
                self.jobs.len(),
                py_repr_str(py, p)
            ),
            None => format!("Workload(jobs={})", self.jobs.len()),
        }
    }
}

/// Reads job-list text (one job per line, see ``Workload``); with ``cluster``, the options
/// of its SPANK plugins are accepted too. Raises WorkloadError (with ``.line``) on the first
/// bad line.
#[pyfunction]
#[pyo3(signature = (text, cluster=None))]
pub fn parse_job_list(text: &str, cluster: Option<&Cluster>) -> PyResult<Workload> {
    let parsed = match cluster {
        None => workload::parse_job_list(text),
        Some(c) => workload::parse_job_list_with(text, c.read().parser()),
    };
    let jobs = parsed.map_err(|e| job_list_err(&e, None))?;
    Ok(Workload {
        jobs: Arc::new(jobs),
        path: None,
    })
}

/// Reads a job-list file, plain or gzip-compressed; with ``cluster``, the options of its
/// SPANK plugins are accepted too. Raises WorkloadError (with ``.path`` and ``.line``), or
/// OSError when the file cannot be opened.
#[pyfunction]
#[pyo3(signature = (path, cluster=None))]
#[allow(clippy::needless_pass_by_value)] // pyo3 extracts str and os.PathLike as PathBuf.
pub fn read_job_list(
    py: Python<'_>,
    path: PathBuf,
    cluster: Option<&Cluster>,
) -> PyResult<Workload> {
    let shown = path.display().to_string();
    let plugins: Vec<hpcsched::spank::SpankPlugin> = cluster
        .map(|c| c.read().spank_plugins().to_vec())
        .unwrap_or_default();
    let read = py.detach(|| {
        WorkloadInput::open(&path)
            .and_then(|input| input.into_jobs(hpcsched::sbatch::Parser::new(&plugins)))
    });
    let jobs = read.map_err(|e| replay_err(py, &e))?;
    Ok(Workload {
        jobs: Arc::new(jobs),
        path: Some(shown),
    })
}

/// Expands a Slurm hostlist (``"n[1-3],gpu01"``) into node names, in written order.
///
/// Raises ParseError on a malformed hostlist.
#[pyfunction]
pub fn expand_hostlist(hostlist: &str) -> PyResult<Vec<String>> {
    hpcsched::hostlist::expand(hostlist).map_err(py_err)
}

// ---------------------------------------------------------------------------------------
// Result types
// ---------------------------------------------------------------------------------------

/// The statistics of a set of jobs: a whole replay, a partition or a user.
///
/// Waits are over the jobs that started, run figures over the jobs that started and
/// ended; a figure with nothing to measure is None. Times are seconds.
// Each figure is defined in `hpcsched::metrics`.
#[pyclass(module = "hpcsched", frozen, eq, get_all)]
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    /// Records counted.
    pub jobs: u64,
    /// Jobs that started.
    pub started: u64,
    /// Jobs that never started.
    pub never_started: u64,
    /// Jobs that started and ended.
    pub ran: u64,
    /// Jobs COMPLETED.
    pub completed: u64,
    /// Jobs FAILED.
    pub failed: u64,
    /// Jobs TIMEOUT.
    pub timeout: u64,
    /// Jobs CANCELLED.
    pub cancelled: u64,
    /// Jobs in any other state: OUT_OF_MEMORY, DEADLINE..., or still PENDING/RUNNING after
    /// ``stop_at``.
    pub other_state: u64,
    /// Mean wait (start - submit).
    pub mean_wait: Option<f64>,
    /// Median wait: the mean of the two middle waits for an even count.
    pub median_wait: Option<f64>,
    /// Nearest-rank 95th percentile of the waits: the wait at rank ceil(0.95 n).
    pub p95_wait: Option<u64>,
    /// Longest wait.
    pub max_wait: Option<u64>,
    /// Mean bounded slowdown: the mean of max(1, (wait + run) / max(run, 10 s)).
    pub mean_bounded_slowdown: Option<f64>,
    /// Sum of alloc_cpus × run.
    pub cpu_seconds: u64,
    /// Runs preemption ended (cancelled, or requeued: a requeued job's earlier runs).
    pub preempted: u64,
    /// Of those, the runs whose job was queued again.
    pub requeued: u64,
    /// Sum of alloc_cpus × run over the runs preemption ended: work lost.
    pub lost_cpu_seconds: u64,
    /// cpu_seconds / (CPUs × makespan); a partition's own CPUs per partition, None per
    /// user.
    pub utilization: Option<f64>,
    /// Last end - first submit.
    pub makespan: Option<u64>,
    /// Jobs that ran, per hour of makespan.
    pub throughput: Option<f64>,
    /// Earliest submit.
    pub first_submit: Option<u64>,
    /// Earliest start.
    pub first_start: Option<u64>,
    /// Latest end.
    pub last_end: Option<u64>,
}

impl From<&hpcsched::Stats> for Stats {
    fn from(s: &hpcsched::Stats) -> Self {
        Self {
            jobs: s.jobs,
            started: s.started,
            never_started: s.never_started,
            ran: s.ran,
            completed: s.completed,
            failed: s.failed,
            timeout: s.timeout,
            cancelled: s.cancelled,
            other_state: s.other_state,
            mean_wait: s.mean_wait,
            median_wait: s.median_wait,
            p95_wait: s.p95_wait.map(hpcsched::Duration::as_secs),
            max_wait: s.max_wait.map(hpcsched::Duration::as_secs),
            mean_bounded_slowdown: s.mean_bounded_slowdown,
            cpu_seconds: s.cpu_seconds,
            preempted: s.preempted,
            requeued: s.requeued,
            lost_cpu_seconds: s.lost_cpu_seconds,
            utilization: s.utilization,
            makespan: s.makespan.map(hpcsched::Duration::as_secs),
            throughput: s.throughput,
            first_submit: s.first_submit.map(Timestamp::as_secs),
            first_start: s.first_start.map(Timestamp::as_secs),
            last_end: s.last_end.map(Timestamp::as_secs),
        }
    }
}

/// Adds `key: value` to `dict`.
fn put<'py>(dict: &Bound<'py, PyDict>, key: &str, value: impl IntoPyObject<'py>) -> PyResult<()> {
    dict.set_item(key, value)
}

#[pymethods]
impl Stats {
    /// The figures as a dict, from ``jobs`` to ``last_end`` in a fixed order (for a pandas
    /// table, JSON...).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        put(&d, "jobs", self.jobs)?;
        put(&d, "started", self.started)?;
        put(&d, "never_started", self.never_started)?;
        put(&d, "ran", self.ran)?;
        put(&d, "completed", self.completed)?;
        put(&d, "failed", self.failed)?;
        put(&d, "timeout", self.timeout)?;
        put(&d, "cancelled", self.cancelled)?;
        put(&d, "other_state", self.other_state)?;
        put(&d, "mean_wait", self.mean_wait)?;
        put(&d, "median_wait", self.median_wait)?;
        put(&d, "p95_wait", self.p95_wait)?;
        put(&d, "max_wait", self.max_wait)?;
        put(&d, "mean_bounded_slowdown", self.mean_bounded_slowdown)?;
        put(&d, "cpu_seconds", self.cpu_seconds)?;
        put(&d, "preempted", self.preempted)?;
        put(&d, "requeued", self.requeued)?;
        put(&d, "lost_cpu_seconds", self.lost_cpu_seconds)?;
        put(&d, "utilization", self.utilization)?;
        put(&d, "makespan", self.makespan)?;
        put(&d, "throughput", self.throughput)?;
        put(&d, "first_submit", self.first_submit)?;
        put(&d, "first_start", self.first_start)?;
        put(&d, "last_end", self.last_end)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Stats(jobs={}, started={}, mean_wait={}, median_wait={}, p95_wait={}, \
             mean_bounded_slowdown={}, utilization={}, makespan={}, throughput={})",
            self.jobs,
            self.started,
            py_repr(py, self.mean_wait),
            py_repr(py, self.median_wait),
            py_repr(py, self.p95_wait),
            py_repr(py, self.mean_bounded_slowdown),
            py_repr(py, self.utilization),
            py_repr(py, self.makespan),
            py_repr(py, self.throughput),
        )
    }
}

/// The metrics of a replay: overall, per partition and per user. ``str(summary)`` is the
/// text report of ``hpcsched simulate``.
#[pyclass(module = "hpcsched", frozen)]
pub struct Summary {
    total_cpus: u64,
    overall: Stats,
    per_partition: Vec<(String, Stats)>,
    per_user: Vec<(String, Stats)>,
    /// The core's text report.
    text: String,
}

/// Named statistics, in the core's order (sorted by name).
fn named<'a>(
    groups: impl IntoIterator<Item = (&'a String, &'a hpcsched::Stats)>,
) -> Vec<(String, Stats)> {
    groups
        .into_iter()
        .map(|(name, stats)| (name.clone(), Stats::from(stats)))
        .collect()
}

impl From<&hpcsched::Summary> for Summary {
    fn from(s: &hpcsched::Summary) -> Self {
        Self {
            total_cpus: s.total_cpus,
            overall: Stats::from(&s.overall),
            per_partition: named(&s.per_partition),
            per_user: named(&s.per_user),
            text: s.to_string(),
        }
    }
}

fn stats_dict<'py>(py: Python<'py>, groups: &[(String, Stats)]) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (name, stats) in groups {
        d.set_item(name, stats.clone())?;
    }
    Ok(d)
}

#[pymethods]
impl Summary {
    /// The machine's CPUs (the overall utilization denominator).
    #[getter]
    fn total_cpus(&self) -> u64 {
        self.total_cpus
    }
    /// Every job.
    #[getter]
    fn overall(&self) -> Stats {
        self.overall.clone()
    }
    /// Jobs by partition name, sorted.
    #[getter]
    fn per_partition<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        stats_dict(py, &self.per_partition)
    }
    /// Jobs by user name, sorted.
    #[getter]
    fn per_user<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        stats_dict(py, &self.per_user)
    }

    /// ``{"total_cpus": int, "overall": {...}, "per_partition": {name: {...}},
    /// "per_user": {name: {...}}}`` with ``Stats.to_dict()`` values.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let nested = |groups: &[(String, Stats)]| -> PyResult<Bound<'py, PyDict>> {
            let d = PyDict::new(py);
            for (name, stats) in groups {
                d.set_item(name, stats.to_dict(py)?)?;
            }
            Ok(d)
        };
        let d = PyDict::new(py);
        put(&d, "total_cpus", self.total_cpus)?;
        put(&d, "overall", self.overall.to_dict(py)?)?;
        put(&d, "per_partition", nested(&self.per_partition)?)?;
        put(&d, "per_user", nested(&self.per_user)?)?;
        Ok(d)
    }

    // The text report `hpcsched simulate` prints (the class docstring says so: Python shows
    // its own docstring for __str__).
    fn __str__(&self) -> String {
        self.text.clone()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Summary(total_cpus={}, overall={}, partitions={}, users={})",
            self.total_cpus,
            self.overall.__repr__(py),
            self.per_partition.len(),
            self.per_user.len()
        )
    }
}

/// An SWF line that was not replayed (unreadable, no run time, wider than the machine, a
/// partial-execution record...), and why.
#[pyclass(module = "hpcsched", frozen, eq, hash, get_all)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SkippedLine {
    /// The 1-based line of the trace.
    pub line: usize,
    /// The SWF job number (field 1); None when the line could not be read.
    pub job_number: Option<i64>,
    /// Why, as a phrase (``"its run time (field 4) is unknown"``).
    pub reason: String,
    /// The whole sentence (``"line 4: SWF job 2 skipped: ..."``), also ``str(skipped)``.
    pub message: String,
}

impl From<&Skipped> for SkippedLine {
    fn from(s: &Skipped) -> Self {
        Self {
            line: s.line,
            job_number: s.job_number,
            reason: s.reason.to_string(),
            message: s.to_string(),
        }
    }
}

#[pymethods]
impl SkippedLine {
    fn __str__(&self) -> String {
        self.message.clone()
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "SkippedLine(line={}, job_number={}, reason={})",
            self.line,
            py_repr(py, self.job_number),
            py_repr_str(py, &self.reason)
        )
    }
}

/// A job the scheduler refused at submit, as sbatch would have.
#[pyclass(module = "hpcsched", frozen, eq, hash, get_all)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RefusedJob {
    /// The job's 1-based position in the workload.
    pub index: u32,
    /// Its line in the workload file.
    pub line: usize,
    /// sbatch's message.
    pub reason: String,
}

#[pymethods]
impl RefusedJob {
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "RefusedJob(index={}, line={}, reason={})",
            self.index,
            self.line,
            py_repr_str(py, &self.reason)
        )
    }
}

/// A job still pending when the replay ended: nothing left to happen could start it.
#[pyclass(module = "hpcsched", frozen, eq, hash, get_all)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LeftPending {
    /// The job id.
    pub job: u32,
    /// The job's 1-based position in the workload.
    pub index: u32,
    /// The id as squeue shows it (``"7_[2-5]"`` for an array's tasks that never started).
    pub display_id: String,
    /// Why it is pending (``"JobHeldUser"``, ``"DependencyNeverSatisfied"``...); None when
    /// no reason is recorded.
    pub reason: Option<String>,
    /// The description slurmctld gives with the reason; None when there is none.
    pub description: Option<String>,
    /// The reason as squeue prints it: the description when there is one, else the
    /// reason's name.
    pub reason_text: String,
}

impl From<&hpcsched::simulator::LeftPending> for LeftPending {
    fn from(l: &hpcsched::simulator::LeftPending) -> Self {
        Self {
            job: l.job.0,
            index: l.index,
            display_id: l.display_id.clone(),
            reason: reason(l.reason.as_ref()),
            description: l.description.clone(),
            reason_text: l.reason_text().to_owned(),
        }
    }
}

#[pymethods]
impl LeftPending {
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "LeftPending(job={}, index={}, reason={})",
            self.job,
            self.index,
            py_repr_str(py, &self.reason_text)
        )
    }
}

/// What ``simulate`` returns: every job's record, the metrics, and what was not replayed.
/// ``len(result)`` is the number of records.
#[pyclass(module = "hpcsched", frozen)]
pub struct SimResult {
    records: Vec<Py<JobRecord>>,
    /// The same records as the core's rows, for `_columns`.
    rows: Vec<RecordRow>,
    summary: Py<Summary>,
    skipped: Vec<SkippedLine>,
    refused: Vec<RefusedJob>,
    left_pending: Vec<LeftPending>,
    estimates: Vec<Estimate>,
    queue: Vec<QueueRow>,
    cluster: Py<Cluster>,
    policy: String,
    overrun: String,
    format: &'static str,
    submitted: u64,
    passes: u64,
    end: u64,
    stopped: bool,
    preemption: PreemptionStats,
}

#[pymethods]
impl SimResult {
    /// Every job as ``sacct`` lists it, by job id: the jobs that ran, the ones that never
    /// could, and with ``stop_at`` the ones still pending or running then.
    #[getter]
    fn records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.records.iter().map(|r| r.clone_ref(py)))
    }
    /// The metrics over ``records``.
    #[getter]
    fn summary(&self, py: Python<'_>) -> Py<Summary> {
        self.summary.clone_ref(py)
    }
    /// SWF lines not replayed, in file order; empty for a job list.
    #[getter]
    fn skipped(&self) -> Vec<SkippedLine> {
        self.skipped.clone()
    }
    /// Jobs the scheduler refused at submit, in workload order.
    #[getter]
    fn refused(&self) -> Vec<RefusedJob> {
        self.refused.clone()
    }
    /// The jobs still pending when the replay ended because nothing left to happen could
    /// start them, by job id; empty when it stopped at ``stop_at``.
    #[getter]
    fn left_pending(&self) -> Vec<LeftPending> {
        self.left_pending.clone()
    }
    /// With ``stop_at``: the pending jobs' expected starts at that instant, as
    /// ``squeue --start`` shows them; else empty.
    #[getter]
    fn estimates(&self) -> Vec<Estimate> {
        self.estimates.clone()
    }
    /// With ``stop_at``, the queue at that instant as ``squeue --start`` shows it
    /// (running jobs, then pending ones); empty when the replay ran to the end.
    #[getter]
    fn queue(&self) -> Vec<QueueRow> {
        self.queue.clone()
    }
    /// The cluster the replay ran on (from the SWF header when none was given).
    #[getter]
    fn cluster(&self, py: Python<'_>) -> Py<Cluster> {
        self.cluster.clone_ref(py)
    }
    /// The policy name, as given.
    #[getter]
    fn policy(&self) -> String {
        self.policy.clone()
    }
    /// ``"kill"`` or ``"allow"``, as given.
    #[getter]
    fn overrun(&self) -> String {
        self.overrun.clone()
    }
    /// What the workload was read as: ``"swf"`` or ``"job_list"``.
    #[getter]
    fn workload_format(&self) -> &'static str {
        self.format
    }
    /// Jobs the scheduler accepted.
    #[getter]
    fn submitted(&self) -> u64 {
        self.submitted
    }
    /// Scheduling passes run.
    #[getter]
    fn passes(&self) -> u64 {
        self.passes
    }
    /// The last instant simulated.
    #[getter]
    fn end(&self) -> u64 {
        self.end
    }
    /// Whether the replay stopped at ``stop_at`` with work left.
    #[getter]
    fn stopped(&self) -> bool {
        self.stopped
    }
    /// What preemption did over the replay: runs cancelled, requeued and suspended, and
    /// the CPU-seconds lost; all zero without preemption.
    #[getter]
    fn preemption(&self) -> PreemptionStats {
        self.preemption.clone()
    }

    /// The records as columns (`{"job": [...], "start": [...], ...}`), one per column of
    /// the core's record row, in its order. For `to_pandas()`.
    fn _columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let rows = &self.rows;
        let mut columns: Vec<Vec<Bound<'py, PyAny>>> =
            vec![Vec::with_capacity(rows.len()); RecordRow::COLUMNS.len()];
        for row in rows {
            for (column, cell) in columns.iter_mut().zip(row.cells()) {
                column.push(match cell {
                    Cell::Int(n) => n.into_pyobject(py)?.into_any(),
                    Cell::Text(t) => t.into_pyobject(py)?.into_any(),
                    _ => py.None().into_bound(py),
                });
            }
        }
        let d = PyDict::new(py);
        for (name, values) in RecordRow::COLUMNS.iter().zip(columns) {
            put(&d, name, PyList::new(py, values)?)?;
        }
        Ok(d)
    }

    /// A pandas DataFrame, one row per record (job-id order). Columns: job, display_id,
    /// name, user, account, partition, state, exit_code, submit, eligible, start, end, wait
    /// (start - submit), elapsed, time_limit, nodes, alloc_cpus, alloc_tres, restarts. Times are
    /// integer seconds (``Int64``, ``<NA>`` when a job has none); time_limit is float
    /// seconds, ``inf`` for UNLIMITED.
    ///
    /// Needs pandas (``pip install 'hpcsched[pandas]'``); raises ModuleNotFoundError
    /// saying so without it.
    // Written in Python: `hpcsched._result.to_pandas`.
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import("hpcsched._result")?
            .call_method1("to_pandas", (slf,))
    }

    /// A Gantt chart: one row per node (the cluster's, in slurm.conf order from the top, or
    /// ``nodes``), one bar per job on each node it ran on, from its start to its end (to
    /// the replay's ``end`` for a job still running then); jobs that share a node overlap
    /// on its row. ``start``/``end`` bound the time axis (default: first start to
    /// last end). Colours follow the sorted values of ``color_by`` (``"job"``, ``"user"`` or
    /// ``"partition"``) through ``tab20``. Draws on ``ax`` or a new figure; returns the Axes.
    ///
    /// Needs matplotlib (``pip install 'hpcsched[plot]'``); raises ModuleNotFoundError
    /// saying so without it.
    // Written in Python: `hpcsched._result.plot_gantt`.
    #[pyo3(signature = (ax=None, *, start=None, end=None, nodes=None, color_by="job"))]
    fn plot_gantt<'py>(
        slf: &Bound<'py, Self>,
        ax: Option<Bound<'py, PyAny>>,
        start: Option<Bound<'py, PyAny>>,
        end: Option<Bound<'py, PyAny>>,
        nodes: Option<Bound<'py, PyAny>>,
        color_by: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let kwargs = PyDict::new(py);
        put(&kwargs, "start", start)?;
        put(&kwargs, "end", end)?;
        put(&kwargs, "nodes", nodes)?;
        put(&kwargs, "color_by", color_by)?;
        py.import("hpcsched._result")?
            .call_method("plot_gantt", (slf, ax), Some(&kwargs))
    }

    fn __len__(&self) -> usize {
        self.records.len()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "SimResult(policy={}, jobs={}, submitted={}, refused={}, skipped={}, passes={}, end={}{}{})",
            py_repr_str(py, &self.policy),
            self.records.len(),
            self.submitted,
            self.refused.len(),
            self.skipped.len(),
            self.passes,
            self.end,
            if self.left_pending.is_empty() {
                String::new()
            } else {
                format!(", left_pending={}", self.left_pending.len())
            },
            if self.stopped { ", stopped=True" } else { "" }
        )
    }
}

// ---------------------------------------------------------------------------------------
// simulate
// ---------------------------------------------------------------------------------------

/// Replays ``workload`` on ``cluster`` in virtual time and returns every job's record
/// with the metrics. The GIL is released while it runs. Ctrl-C (any Python signal
/// handler that raises) stops the replay where it is, then the exception is raised.
///
/// ``workload`` is a path to an SWF trace or a job list, plain or gzip-compressed (told
/// apart by content, not by name), or a ``Workload`` (``parse_job_list(text)``). With an
/// SWF trace and ``cluster`` None, the machine comes from the trace header (``MaxNodes``
/// nodes of ``MaxProcs / MaxNodes`` CPUs, one partition ``swf``); SWF jobs ask for
/// processors (``-n PROCS``), or with ``whole_nodes`` for whole nodes:
/// ``-N ceil(PROCS / C) --exclusive``, where C is the CPU count of the default partition's
/// smallest node (as ``hpcsched simulate --whole-nodes``). A job list needs a cluster.
///
/// ``policy``: ``"slurm"`` (the default: the cluster's own SchedulerType and
/// SchedulerParameters, Slurm's defaults otherwise), ``"fifo"``, ``"easy"`` or
/// ``"conservative"``. ``overrun``: ``"kill"`` ends a job at its time limit as Slurm does;
/// ``"allow"`` runs it to its recorded run time. ``first``: replay only the first N jobs
/// (skipped SWF lines do not count; the lines after the N-th job are not read).
/// ``stop_at``: stop at this instant, with the jobs still in the system in ``records`` and
/// their expected starts in ``estimates``.
///
/// ``accounts``: a path to a ``sacctmgr`` admin script or a file ``sacctmgr dump`` wrote,
/// read as ``hpcsched simulate --accounts FILE`` reads it (``Cluster.add_accounts``) into
/// a copy of the cluster (or of the SWF header's machine): jobs then run under their
/// user's association, its limits and fair-share; a job whose user has none is refused.
///
/// Raises WorkloadError (file and line) for a bad workload, OSError when a file cannot
/// be opened, ParseError or QosError (``"FILE: line N: ..."``, with ``.line``) for bad
/// accounts, PolicyError for an unknown policy, ValueError for an unknown overrun, a job
/// list without a cluster, or ``whole_nodes`` with a job list.
#[pyfunction]
#[pyo3(signature = (
    cluster,
    workload,
    *,
    policy = "slurm",
    overrun = "kill",
    whole_nodes = false,
    first = None,
    stop_at = None,
    accounts = None,
))]
#[allow(clippy::too_many_arguments)] // Python keyword arguments.
#[allow(clippy::needless_pass_by_value)] // pyo3 hands the arguments over.
pub fn simulate(
    py: Python<'_>,
    cluster: Option<PyRef<'_, Cluster>>,
    workload: &Bound<'_, PyAny>,
    policy: &str,
    overrun: &str,
    whole_nodes: bool,
    first: Option<u64>,
    stop_at: Option<u64>,
    accounts: Option<PathBuf>,
) -> PyResult<SimResult> {
    let mut settings = ReplaySettings::default();
    settings.preset = policy.parse::<Preset>().map_err(policy_err)?;
    settings.overrun = match overrun {
        "kill" => Overrun::Kill,
        "allow" => Overrun::Allow,
        other => {
            return Err(PyValueError::new_err(format!(
                "overrun must be \"kill\" (end a job at its time limit, as Slurm does) or \
                 \"allow\" (run it to its recorded run time), not {other:?}"
            )));
        }
    };
    settings.whole_nodes = whole_nodes;
    settings.first = first;
    settings.stop_at = stop_at.map(Timestamp);
    let source = workload_source(workload)?;
    let cluster = cluster.map(|c| c.snapshot());
    let accounts = accounts.map(|path| read_accounts(py, &path)).transpose()?;
    let replay = py
        .detach(move || {
            catch_unwind(AssertUnwindSafe(|| {
                replay(cluster, source, accounts.as_ref(), &settings)
            }))
            .unwrap_or_else(|panic| {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                Err(Failure::Panic(what))
            })
        })
        .map_err(|f| f.into_py(py))?;
    let Done {
        cluster,
        records,
        outcome,
        skipped,
        estimates,
        queue,
        preemption,
    } = replay;
    let rows: Vec<RecordRow> = records.iter().map(RecordRow::from).collect();
    let records = rows
        .iter()
        .map(|row| Py::new(py, JobRecord::new(row.clone())))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(SimResult {
        records,
        rows,
        summary: Py::new(py, Summary::from(&outcome.metrics))?,
        skipped: skipped.iter().map(SkippedLine::from).collect(),
        refused: outcome
            .refused
            .iter()
            .map(|r| RefusedJob {
                index: r.index,
                line: r.line,
                reason: r.reason.clone(),
            })
            .collect(),
        left_pending: outcome.left_pending.iter().map(LeftPending::from).collect(),
        estimates: estimates.iter().map(Estimate::from).collect(),
        queue: queue.into_iter().map(QueueRow::from).collect(),
        cluster: Py::new(py, Cluster::from_core(cluster))?,
        policy: outcome.policy,
        overrun: outcome.overrun,
        format: outcome.format.as_str(),
        submitted: outcome.submitted,
        passes: outcome.passes,
        end: outcome.end,
        stopped: outcome.stopped,
        preemption: preemption.into(),
    })
}

/// An accounts file (`simulate(accounts=...)`): its path as given and its text.
struct AccountsFile {
    path: String,
    text: String,
}

/// Reads an accounts file; OSError (with errno and file name) when it cannot be read.
fn read_accounts(py: Python<'_>, path: &std::path::Path) -> PyResult<AccountsFile> {
    let shown = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(AccountsFile { path: shown, text }),
        Err(e) => {
            let code = e.raw_os_error();
            let strerror = code
                .and_then(|c| {
                    py.import("os")
                        .and_then(|os| os.call_method1("strerror", (c,)))
                        .and_then(|s| s.extract::<String>())
                        .ok()
                })
                .unwrap_or_else(|| e.to_string());
            Err(PyOSError::new_err((code.unwrap_or(0), strerror, shown)))
        }
    }
}

/// Where the jobs come from.
enum Source {
    /// A file: an SWF trace or a job list, plain or gzip, told apart by content.
    File(PathBuf),
    /// Jobs already read (a `Workload`), and their file.
    Jobs(Arc<Vec<WorkloadJob>>, Option<String>),
}

fn workload_source(workload: &Bound<'_, PyAny>) -> PyResult<Source> {
    if let Ok(w) = workload.cast::<Workload>() {
        let w = w.get();
        return Ok(Source::Jobs(Arc::clone(&w.jobs), w.path.clone()));
    }
    if let Ok(text) = workload.extract::<String>() {
        if text.contains('\n') {
            return Err(PyValueError::new_err(
                "workload is a path, and this string has several lines: to replay job-list \
                 text, pass hpcsched.parse_job_list(text)",
            ));
        }
        return Ok(Source::File(PathBuf::from(text)));
    }
    if let Ok(path) = workload.extract::<PathBuf>() {
        return Ok(Source::File(path));
    }
    let type_name = workload
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string());
    Err(PyTypeError::new_err(format!(
        "workload must be a path (str or os.PathLike) to an SWF trace or a job list, or a \
         Workload from hpcsched.parse_job_list/read_job_list, not {type_name}"
    )))
}

/// What a replay produced.
struct Done {
    cluster: hpcsched::Cluster,
    records: Vec<hpcsched::JobRecord>,
    outcome: ReplayOutcome,
    skipped: Vec<Skipped>,
    estimates: Vec<hpcsched::Estimate>,
    queue: Vec<hpcsched::squeue::QueueRow>,
    preemption: hpcsched::PreemptionStats,
}

/// Why a replay could not run, held without the GIL and raised once it is back.
enum Failure {
    /// The core's replay error: OSError when the operating system refused a file,
    /// ValueError when the call itself is wrong, WorkloadError otherwise.
    Replay(ReplayError),
    /// KeyboardInterrupt (or whatever a signal handler raised).
    Interrupted(PyErr),
    /// An accounts file that does not read: its path and the core's error.
    Accounts(String, hpcsched::ClusterError),
    /// A bug in hpcsched.
    Panic(String),
}

impl Failure {
    fn into_py(self, py: Python<'_>) -> PyErr {
        match self {
            Failure::Replay(e) => replay_err(py, &e),
            Failure::Interrupted(e) => e,
            Failure::Accounts(path, e) => located_err(&path, e),
            Failure::Panic(what) => Error::new_err(format!(
                "internal error in hpcsched's simulator ({what}); please report it"
            )),
        }
    }
}

/// A replay error as the Python exception it is.
fn replay_err(py: Python<'_>, e: &ReplayError) -> PyErr {
    if let Some(code) = e.os_error() {
        // OSError(errno, strerror, filename) picks the subclass from errno.
        let strerror = py
            .import("os")
            .and_then(|os| os.call_method1("strerror", (code,)))
            .and_then(|s| s.extract::<String>())
            .unwrap_or_else(|_| e.to_string());
        return PyOSError::new_err((code, strerror, e.path().map(str::to_owned)));
    }
    match e.kind() {
        ReplayErrorKind::NoCluster => PyValueError::new_err(
            "a job list does not describe a machine: pass a cluster \
             (hpcsched.Cluster.from_slurm_conf)",
        ),
        ReplayErrorKind::WholeNodesOnJobList => PyValueError::new_err(match e.path() {
            Some(path) => format!(
                "whole_nodes applies to SWF traces, and {path} is a job list: its lines say \
                 what each job asks for"
            ),
            None => "whole_nodes applies to SWF traces: a job list's lines say what each job \
                     asks for"
                .to_owned(),
        }),
        _ => workload_err(&e.to_string(), e.path(), e.line()),
    }
}

fn job_list_err(e: &WorkloadError, path: Option<&str>) -> PyErr {
    let message = match path {
        Some(p) => format!("{p}: {e}"),
        None => e.to_string(),
    };
    workload_err(&message, path, e.line())
}

/// Runs a replay (without the GIL).
fn replay(
    mut cluster: Option<hpcsched::Cluster>,
    source: Source,
    accounts: Option<&AccountsFile>,
    settings: &ReplaySettings,
) -> Result<Done, Failure> {
    let input = match source {
        Source::File(path) => WorkloadInput::open(&path).map_err(Failure::Replay)?,
        Source::Jobs(jobs, path) => {
            let input = WorkloadInput::from_jobs(jobs.to_vec());
            match path {
                Some(p) => input.with_name(p),
                None => input,
            }
        }
    };
    if let Some(accounts) = accounts {
        // As `hpcsched simulate --accounts`: the cluster, or the SWF header's machine.
        if cluster.is_none() {
            cluster = input
                .header_machine()
                .transpose()
                .map_err(Failure::Replay)?;
        }
        if let Some(c) = cluster.as_mut() {
            c.add_accounts_text(&accounts.text)
                .map_err(|e| Failure::Accounts(accounts.path.clone(), e))?;
        }
    }
    let mut replay = Replay::new(cluster, input, settings).map_err(Failure::Replay)?;
    let mut watcher = Watcher {
        records: Vec::new(),
        skipped: Vec::new(),
        read: 0,
        interrupted: None,
    };
    let outcome = replay.run(&mut watcher).map_err(Failure::Replay)?;
    if let Some(e) = watcher.interrupted {
        return Err(Failure::Interrupted(e));
    }
    let mut records = watcher.records;
    records.sort_by_key(|r| r.job);
    let (estimates, queue) = if outcome.stopped {
        (
            replay.scheduler().estimates().to_vec(),
            replay.scheduler().queue(),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(Done {
        cluster: replay.cluster().clone(),
        records,
        outcome,
        skipped: watcher.skipped,
        estimates,
        queue,
        preemption: replay.scheduler().preemption_stats(),
    })
}

/// How often (in workload jobs read) a replay checks for Ctrl-C.
const SIGNAL_CHECK_EVERY: u64 = 1024;

/// Keeps every record and skipped line, and checks for Ctrl-C now and then (the replay
/// runs without the GIL, so Python cannot interrupt it otherwise).
struct Watcher {
    records: Vec<hpcsched::JobRecord>,
    skipped: Vec<Skipped>,
    read: u64,
    interrupted: Option<PyErr>,
}

impl Observer for Watcher {
    fn record(&mut self, record: &hpcsched::JobRecord) -> ControlFlow<()> {
        self.records.push(record.clone());
        ControlFlow::Continue(())
    }

    fn skipped(&mut self, skipped: &Skipped) -> ControlFlow<()> {
        self.skipped.push(skipped.clone());
        self.check_signals()
    }

    fn progress(&mut self, _progress: Progress) -> ControlFlow<()> {
        self.check_signals()
    }
}

impl Watcher {
    #[allow(clippy::redundant_closure_for_method_calls)] // The method is not general over 'py.
    fn check_signals(&mut self) -> ControlFlow<()> {
        self.read += 1;
        if self.read.is_multiple_of(SIGNAL_CHECK_EVERY)
            && let Err(e) = Python::attach(|py| py.check_signals())
        {
            self.interrupted = Some(e);
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }
}

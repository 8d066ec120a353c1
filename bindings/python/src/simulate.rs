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
use crate::errors::{Error, policy_err, py_err, workload_err};
use crate::status::JobRecord;
use crate::values::{Limit, py_repr, py_repr_str};
use hpcsched::metrics::Metrics;
use hpcsched::simulator::{Overrun, SimError, SimOptions, SimOutcome, Simulator};
use hpcsched::swf::{self, SwfError, SwfReader};
use hpcsched::workload::{
    self, Skipped, SwfClusterError, SwfMapping, WorkloadError, WorkloadJob, swf_cluster_conf,
};
use hpcsched::{Policy, Preset, Timestamp};
use pyo3::exceptions::{PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::io::{self, BufRead, Cursor, Read};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

// ---------------------------------------------------------------------------------------
// Workload
// ---------------------------------------------------------------------------------------

/// Jobs to replay, read from a job list (`parse_job_list`, `read_job_list`).
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

/// Reads job-list text (`SUBMIT RUNTIME[:EXIT] USER [sbatch options...]` per line); with
/// `cluster`, the options of its SPANK plugins are accepted too.
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

/// Reads a job-list file (plain or gzip-compressed); with `cluster`, the options of its
/// SPANK plugins are accepted too.
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
    let read = py.detach(|| -> Result<Vec<WorkloadJob>, Failure> {
        let mut input = open(&path)?;
        let mut head = Vec::new();
        input
            .read_to_end(&mut head)
            .map_err(|e| read_failure(&path, &e, None))?;
        job_list(&path, head, &plugins)
    });
    let jobs = read.map_err(|f| f.into_py(py))?;
    Ok(Workload {
        jobs: Arc::new(jobs),
        path: Some(shown),
    })
}

/// Expands a Slurm hostlist (`"n[1-3],gpu01"`) into node names, in written order.
#[pyfunction]
pub fn expand_hostlist(hostlist: &str) -> PyResult<Vec<String>> {
    hpcsched::hostlist::expand(hostlist).map_err(py_err)
}

// ---------------------------------------------------------------------------------------
// Result types
// ---------------------------------------------------------------------------------------

/// The statistics of a set of jobs (a whole replay, a partition or a user). See
/// `hpcsched::metrics` for each definition; values with nothing to measure are None.
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
    /// Jobs in any other state.
    pub other_state: u64,
    /// Mean wait, seconds.
    pub mean_wait: Option<f64>,
    /// Median wait, seconds.
    pub median_wait: Option<f64>,
    /// Nearest-rank 95th percentile of the waits, seconds.
    pub p95_wait: Option<u64>,
    /// Longest wait, seconds.
    pub max_wait: Option<u64>,
    /// Mean bounded slowdown (τ = 10 s).
    pub mean_bounded_slowdown: Option<f64>,
    /// Σ alloc_cpus × run.
    pub cpu_seconds: u64,
    /// cpu_seconds / (CPUs × makespan).
    pub utilization: Option<f64>,
    /// Last end − first submit, seconds.
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
    /// The statistics as a dict, in field order (for a pandas table, JSON...).
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

/// The metrics of a replay: overall, per partition and per user (sorted by name).
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
    /// Jobs by partition, sorted by name.
    #[getter]
    fn per_partition<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        stats_dict(py, &self.per_partition)
    }
    /// Jobs by user, sorted by name.
    #[getter]
    fn per_user<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        stats_dict(py, &self.per_user)
    }

    /// `{"total_cpus": ..., "overall": {...}, "per_partition": {name: {...}}, "per_user": ...}`.
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

    /// The text report `hpcsched simulate` prints.
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

/// An SWF line that was not replayed, and why.
#[pyclass(module = "hpcsched", frozen, eq, hash, get_all)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SkippedLine {
    /// The 1-based line of the trace.
    pub line: usize,
    /// The SWF job number (field 1); None when the line could not be read.
    pub job_number: Option<i64>,
    /// Why, as a phrase (`"its run time (field 4) is unknown"`).
    pub reason: String,
    /// The whole sentence (`"line 4: SWF job 2 skipped: ..."`), also `str()`.
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
    /// The id as squeue shows it (`7_[2-5]` for an array's tasks that never started).
    pub display_id: String,
    /// Why it is pending (`JobHeldUser`, `DependencyNeverSatisfied`...), None when no
    /// reason is recorded.
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
            reason: reason(&l.reason),
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

/// What `simulate` returns: every job's record, the metrics, and what was not replayed.
#[pyclass(module = "hpcsched", frozen)]
pub struct SimResult {
    records: Vec<Py<JobRecord>>,
    summary: Py<Summary>,
    skipped: Vec<SkippedLine>,
    refused: Vec<RefusedJob>,
    left_pending: Vec<LeftPending>,
    estimates: Vec<Estimate>,
    cluster: Py<Cluster>,
    policy: String,
    overrun: &'static str,
    format: &'static str,
    submitted: u64,
    passes: u64,
    end: u64,
    stopped: bool,
}

/// A list of one field of every record.
fn column<'py, T: IntoPyObject<'py>>(
    py: Python<'py>,
    records: &[Py<JobRecord>],
    field: impl Fn(&JobRecord) -> T,
) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, records.iter().map(|r| field(r.get())))
}

#[pymethods]
impl SimResult {
    /// Every job's record as `sacct` would list it, by job id.
    #[getter]
    fn records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.records.iter().map(|r| r.clone_ref(py)))
    }
    /// The metrics over `records`.
    #[getter]
    fn summary(&self, py: Python<'_>) -> Py<Summary> {
        self.summary.clone_ref(py)
    }
    /// SWF lines not replayed, in file order (always empty for a job list).
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
    /// start them, by job id (empty when it stopped at `stop_at`).
    #[getter]
    fn left_pending(&self) -> Vec<LeftPending> {
        self.left_pending.clone()
    }
    /// With `stop_at`, the pending jobs' expected starts at that instant (`squeue --start`);
    /// empty when the replay ran to the end.
    #[getter]
    fn estimates(&self) -> Vec<Estimate> {
        self.estimates.clone()
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
    /// `"kill"` or `"allow"`.
    #[getter]
    fn overrun(&self) -> &'static str {
        self.overrun
    }
    /// `"swf"` or `"job_list"`: what the workload was read as.
    #[getter]
    fn workload_format(&self) -> &'static str {
        self.format
    }
    /// Jobs submitted (accepted by the scheduler).
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
    /// Whether the replay stopped at `stop_at` with work left.
    #[getter]
    fn stopped(&self) -> bool {
        self.stopped
    }

    /// The records as columns (`{"job": [...], "start": [...], ...}`), with `wait` =
    /// start − submit (None for a job that never started). For `to_pandas()`.
    fn _columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let r = &self.records;
        let d = PyDict::new(py);
        put(&d, "job", column(py, r, |x| x.job)?)?;
        put(&d, "display_id", column(py, r, |x| x.display_id.clone())?)?;
        put(&d, "name", column(py, r, |x| x.name.clone())?)?;
        put(&d, "user", column(py, r, |x| x.user.clone())?)?;
        put(&d, "account", column(py, r, |x| x.account.clone())?)?;
        put(&d, "partition", column(py, r, |x| x.partition.clone())?)?;
        put(&d, "state", column(py, r, |x| x.state.clone())?)?;
        put(&d, "exit_code", column(py, r, |x| x.exit_code)?)?;
        put(&d, "submit", column(py, r, |x| x.submit)?)?;
        put(&d, "eligible", column(py, r, |x| x.eligible)?)?;
        put(&d, "start", column(py, r, |x| x.start)?)?;
        put(&d, "end", column(py, r, |x| x.end)?)?;
        put(
            &d,
            "wait",
            column(py, r, |x| x.start.map(|s| s.saturating_sub(x.submit)))?,
        )?;
        put(&d, "elapsed", column(py, r, |x| x.elapsed)?)?;
        put(&d, "time_limit", column(py, r, |x| Limit(x.time_limit.0))?)?;
        put(&d, "nodes", column(py, r, |x| x.nodes.clone())?)?;
        put(&d, "alloc_cpus", column(py, r, |x| x.alloc_cpus)?)?;
        put(&d, "alloc_tres", column(py, r, |x| x.alloc_tres.clone())?)?;
        Ok(d)
    }

    /// One row per job (see `hpcsched._result.to_pandas`). Needs pandas.
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import("hpcsched._result")?
            .call_method1("to_pandas", (slf,))
    }

    /// A Gantt chart, one row per node (see `hpcsched._result.plot_gantt`). Needs matplotlib.
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

/// Replays `workload` on `cluster` under `policy` and returns every job's record with the
/// metrics. The GIL is released while the replay runs.
#[pyfunction]
#[pyo3(signature = (
    cluster,
    workload,
    *,
    policy = "easy",
    overrun = "kill",
    whole_nodes = false,
    first = None,
    stop_at = None,
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
    first: Option<usize>,
    stop_at: Option<u64>,
) -> PyResult<SimResult> {
    let preset: Preset = policy.parse().map_err(policy_err)?;
    let overrun_kind = match overrun {
        "kill" => Overrun::Kill,
        "allow" => Overrun::Allow,
        other => {
            return Err(PyValueError::new_err(format!(
                "overrun must be \"kill\" (end a job at its time limit, as Slurm does) or \
                 \"allow\" (run it to its recorded run time), not {other:?}"
            )));
        }
    };
    let source = workload_source(workload)?;
    if whole_nodes && matches!(source, Source::Jobs(..)) {
        return Err(PyValueError::new_err(
            "whole_nodes applies to SWF traces: a job list's lines say what each job asks for",
        ));
    }
    let spec = Spec {
        cluster: cluster.map(|c| c.snapshot()),
        source,
        preset,
        overrun: overrun_kind,
        whole_nodes,
        first,
        stop_at,
    };
    let replay = py
        .detach(move || {
            catch_unwind(AssertUnwindSafe(|| replay(spec))).unwrap_or_else(|panic| {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                Err(Failure::Panic(what))
            })
        })
        .map_err(|f| f.into_py(py))?;
    let records = replay
        .records
        .iter()
        .map(|r| Py::new(py, JobRecord::from(r)))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(SimResult {
        records,
        summary: Py::new(py, Summary::from(&replay.summary))?,
        skipped: replay.skipped.iter().map(SkippedLine::from).collect(),
        refused: replay
            .outcome
            .refused
            .iter()
            .map(|r| RefusedJob {
                index: r.index,
                line: r.line,
                reason: r.reason.clone(),
            })
            .collect(),
        left_pending: replay
            .outcome
            .left_pending
            .iter()
            .map(LeftPending::from)
            .collect(),
        estimates: replay.estimates.iter().map(Estimate::from).collect(),
        cluster: Py::new(py, Cluster::from_core(replay.cluster))?,
        policy: policy.to_owned(),
        overrun: match overrun_kind {
            Overrun::Kill => "kill",
            Overrun::Allow => "allow",
        },
        format: replay.format,
        submitted: replay.outcome.submitted,
        passes: replay.outcome.passes,
        end: replay.outcome.end.as_secs(),
        stopped: replay.outcome.stopped,
    })
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

/// Everything the replay needs, owned, so it can run without the GIL.
struct Spec {
    cluster: Option<hpcsched::Cluster>,
    source: Source,
    preset: Preset,
    overrun: Overrun,
    whole_nodes: bool,
    first: Option<usize>,
    stop_at: Option<u64>,
}

/// What a replay produced.
struct Replay {
    cluster: hpcsched::Cluster,
    records: Vec<hpcsched::JobRecord>,
    summary: hpcsched::Summary,
    outcome: SimOutcome,
    skipped: Vec<Skipped>,
    estimates: Vec<hpcsched::Estimate>,
    format: &'static str,
}

/// Why a replay could not run, held without the GIL and raised once it is back.
enum Failure {
    /// The operating system refused a file: OSError (FileNotFoundError, ...).
    Os {
        path: String,
        code: i32,
        message: String,
    },
    /// WorkloadError.
    Workload {
        message: String,
        path: Option<String>,
        line: Option<usize>,
    },
    /// ValueError: the call itself is wrong.
    Value(String),
    /// A core error (a cluster that does not build).
    Core(hpcsched::Error),
    /// KeyboardInterrupt (or whatever a signal handler raised).
    Interrupted(PyErr),
    /// A bug in hpcsched.
    Panic(String),
}

impl Failure {
    fn into_py(self, py: Python<'_>) -> PyErr {
        match self {
            Failure::Os {
                path,
                code,
                message,
            } => {
                // OSError(errno, strerror, filename) picks the subclass from errno.
                let strerror = py
                    .import("os")
                    .and_then(|os| os.call_method1("strerror", (code,)))
                    .and_then(|s| s.extract::<String>())
                    .unwrap_or(message);
                PyOSError::new_err((code, strerror, path))
            }
            Failure::Workload {
                message,
                path,
                line,
            } => workload_err(&message, path.as_deref(), line),
            Failure::Value(message) => PyValueError::new_err(message),
            Failure::Core(e) => py_err(e),
            Failure::Interrupted(e) => e,
            Failure::Panic(what) => Error::new_err(format!(
                "internal error in hpcsched's simulator ({what}); please report it"
            )),
        }
    }
}

/// An I/O error while reading `path`: OSError when the operating system refused,
/// WorkloadError otherwise (a corrupt gzip stream, text that is not UTF-8).
fn read_failure(path: &Path, e: &io::Error, line: Option<usize>) -> Failure {
    let shown = path.display().to_string();
    match e.raw_os_error() {
        Some(code) => Failure::Os {
            path: shown,
            code,
            message: e.to_string(),
        },
        None => Failure::Workload {
            message: match line {
                Some(l) => format!("line {l}: cannot read: {e}"),
                None => format!("cannot read: {e}"),
            },
            path: Some(shown),
            line,
        },
    }
}

fn job_list_err(e: &WorkloadError, path: Option<&str>) -> PyErr {
    workload_err(&e.to_string(), path, e.line())
}

/// Opens a file, decompressing it if it is gzip (by its magic bytes, as the core's SWF
/// reader does).
fn open(path: &Path) -> Result<Box<dyn BufRead + Send>, Failure> {
    let file = std::fs::File::open(path).map_err(|e| read_failure(path, &e, None))?;
    swf::decompressed(file).map_err(|e| read_failure(path, &e, None))
}

/// Longest line (bytes) and most bytes [`sniff`] reads before deciding.
const SNIFF_LINE: u64 = 64 * 1024;
const SNIFF_TOTAL: usize = 1024 * 1024;

/// What a workload file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Swf,
    JobList,
}

/// Reads `input` up to its first meaningful line (appending what it read to `head`) and
/// says what the file is: SWF if that line is a `;` header/comment line or a job line of
/// 18 numbers, a job list otherwise (`#` comments, `SUBMIT RUNTIME USER options` lines).
fn sniff(input: &mut dyn BufRead, head: &mut Vec<u8>) -> io::Result<Format> {
    loop {
        let start = head.len();
        let n = input.take(SNIFF_LINE).read_until(b'\n', head)?;
        if n == 0 || head.len() > SNIFF_TOTAL {
            return Ok(Format::JobList);
        }
        let line = head.get(start..).unwrap_or_default().trim_ascii();
        match line.first() {
            None => {}
            Some(b';') => return Ok(Format::Swf),
            Some(_) => {
                let Ok(text) = std::str::from_utf8(line) else {
                    return Ok(Format::JobList);
                };
                let fields: Vec<&str> = text.split_ascii_whitespace().collect();
                let numeric = fields.iter().all(|f| f.parse::<f64>().is_ok());
                return Ok(if numeric && fields.len() == swf::FIELD_COUNT {
                    Format::Swf
                } else {
                    Format::JobList
                });
            }
        }
    }
}

/// Job-list text from the bytes of a file.
fn job_list(
    path: &Path,
    bytes: Vec<u8>,
    plugins: &[hpcsched::spank::SpankPlugin],
) -> Result<Vec<WorkloadJob>, Failure> {
    let shown = path.display().to_string();
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let line = e
            .as_bytes()
            .get(..valid)
            .and_then(|b| std::str::from_utf8(b).ok())
            .map_or(0, |t| t.matches('\n').count())
            + 1;
        Failure::Workload {
            message: format!("line {line}: not UTF-8 text"),
            path: Some(shown.clone()),
            line: Some(line),
        }
    })?;
    let parser = hpcsched::sbatch::Parser::new(plugins);
    workload::parse_job_list_with(&text, parser).map_err(|e| Failure::Workload {
        message: e.to_string(),
        path: Some(shown),
        line: e.line(),
    })
}

/// Runs a replay (without the GIL).
fn replay(spec: Spec) -> Result<Replay, Failure> {
    let Spec {
        cluster,
        source,
        preset,
        overrun,
        whole_nodes,
        first,
        stop_at,
    } = spec;
    let run = Run {
        preset,
        overrun,
        first,
        stop_at,
    };
    let no_cluster = || {
        Failure::Value(
            "a job list does not describe a machine: pass a cluster \
             (hpcsched.Cluster.from_slurm_conf)"
                .to_owned(),
        )
    };
    match source {
        Source::Jobs(jobs, path) => {
            let cluster = cluster.ok_or_else(no_cluster)?;
            run.go(
                cluster,
                jobs.iter().cloned().map(Ok),
                "job_list",
                path.as_deref(),
            )
        }
        Source::File(path) => {
            let mut input = open(&path)?;
            let mut head = Vec::new();
            let format =
                sniff(&mut *input, &mut head).map_err(|e| read_failure(&path, &e, None))?;
            let shown = path.display().to_string();
            if format == Format::JobList {
                if whole_nodes {
                    return Err(Failure::Value(format!(
                        "whole_nodes applies to SWF traces, and {shown} is a job list: its \
                         lines say what each job asks for"
                    )));
                }
                let cluster = cluster.ok_or_else(no_cluster)?;
                input
                    .read_to_end(&mut head)
                    .map_err(|e| read_failure(&path, &e, None))?;
                let jobs = job_list(&path, head, cluster.spank_plugins())?;
                return run.go(cluster, jobs.into_iter().map(Ok), "job_list", Some(&shown));
            }
            let reader = SwfReader::new(Cursor::new(head).chain(input)).map_err(|e| {
                let line = match &e {
                    SwfError::Read { line, .. } | SwfError::HeaderValue { line, .. } => Some(*line),
                    _ => None,
                };
                Failure::Workload {
                    message: e.to_string(),
                    path: Some(shown.clone()),
                    line,
                }
            })?;
            let mut mapping = SwfMapping::from_header(reader.header());
            mapping.whole_nodes = whole_nodes;
            let cluster = match cluster {
                Some(c) => {
                    // Whole nodes are the given cluster's nodes, when they are all alike.
                    if let Some(cpus) = uniform_cpus(&c) {
                        mapping.cpus_per_node = cpus;
                    }
                    c
                }
                None => {
                    let conf =
                        swf_cluster_conf(reader.header()).map_err(|e| Failure::Workload {
                            message: cluster_message(&e),
                            path: Some(shown.clone()),
                            line: None,
                        })?;
                    hpcsched::Cluster::from_slurm_conf(&conf)
                        .map_err(|e| Failure::Core(e.into()))?
                }
            };
            run.go(cluster, mapping.jobs(reader), "swf", Some(&shown))
        }
    }
}

/// The core's message, with the CLI's `(--cluster)` hint worded for Python.
fn cluster_message(e: &SwfClusterError) -> String {
    let text = e.to_string();
    match text.strip_suffix(" (--cluster)") {
        Some(head) => format!("{head} (the cluster argument of simulate)"),
        None => text,
    }
}

/// The CPUs every node of `cluster` has, if they all have the same.
fn uniform_cpus(cluster: &hpcsched::Cluster) -> Option<u32> {
    let mut cpus = cluster.nodes().map(|n| n.cpus);
    let first = cpus.next()?;
    cpus.all(|c| c == first).then_some(first)
}

/// How often (in workload items read) a replay checks for Ctrl-C.
const SIGNAL_CHECK_EVERY: u64 = 1024;

/// The replay settings that do not depend on the source.
struct Run {
    preset: Preset,
    overrun: Overrun,
    first: Option<usize>,
    stop_at: Option<u64>,
}

impl Run {
    fn go<I>(
        self,
        cluster: hpcsched::Cluster,
        jobs: I,
        format: &'static str,
        path: Option<&str>,
    ) -> Result<Replay, Failure>
    where
        I: Iterator<Item = Result<WorkloadJob, Skipped>>,
    {
        let policy = Policy::preset(self.preset, cluster.config());
        let mut options = SimOptions::default();
        options.overrun = self.overrun;
        options.stop_at = self.stop_at.map(Timestamp);
        let mut sim = Simulator::new(cluster, policy, options);
        let mut skipped = Vec::new();
        let mut interrupted = None;
        let feed = Feed {
            inner: jobs,
            skipped: &mut skipped,
            left: self.first.unwrap_or(usize::MAX),
            read: 0,
            interrupted: &mut interrupted,
        };
        let mut records = Vec::new();
        let outcome = sim
            .run(feed, |r| records.push(r))
            .map_err(|e| Failure::Workload {
                line: match &e {
                    SimError::Unsorted { line, .. } => Some(*line),
                    _ => None,
                },
                message: e.to_string(),
                path: path.map(str::to_owned),
            })?;
        if let Some(e) = interrupted {
            return Err(Failure::Interrupted(e));
        }
        let scheduler = sim.scheduler();
        let mut estimates = Vec::new();
        if outcome.stopped {
            // The jobs still in the system, as sacct and squeue --start show them then.
            records.extend(scheduler.records(outcome.end));
            estimates = scheduler.estimates().to_vec();
        }
        records.sort_by_key(|r| r.job);
        let cluster = scheduler.cluster().clone();
        let mut metrics = Metrics::for_cluster(&cluster);
        for r in &records {
            metrics.add(r);
        }
        Ok(Replay {
            summary: metrics.summary(),
            cluster,
            records,
            outcome,
            skipped,
            estimates,
            format,
        })
    }
}

/// The workload as the simulator pulls it: replayed jobs pass, skipped lines are kept
/// aside, at most `left` jobs are handed out, and Ctrl-C is checked now and then (the
/// replay runs without the GIL, so Python cannot interrupt it otherwise). Stopping the
/// feed lets the simulator finish the jobs already submitted, which is quick.
struct Feed<'a, I> {
    inner: I,
    skipped: &'a mut Vec<Skipped>,
    left: usize,
    read: u64,
    interrupted: &'a mut Option<PyErr>,
}

impl<I: Iterator<Item = Result<WorkloadJob, Skipped>>> Iterator for Feed<'_, I> {
    type Item = WorkloadJob;

    #[allow(clippy::redundant_closure_for_method_calls)] // The method is not general over 'py.
    fn next(&mut self) -> Option<WorkloadJob> {
        if self.left == 0 || self.interrupted.is_some() {
            return None;
        }
        loop {
            let item = self.inner.next()?;
            self.read += 1;
            if self.read.is_multiple_of(SIGNAL_CHECK_EVERY)
                && let Err(e) = Python::attach(|py| py.check_signals())
            {
                *self.interrupted = Some(e);
                return None;
            }
            match item {
                Ok(job) => {
                    self.left -= 1;
                    return Some(job);
                }
                Err(skipped) => self.skipped.push(skipped),
            }
        }
    }
}

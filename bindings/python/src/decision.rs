//! The scheduler's value objects: `Decision`, `NodeAllocation`, `GresAllocation`,
//! `Estimate` and the `Job` snapshot. Plain, immutable, comparable, hashable, picklable.

use crate::values::{Limit, py_repr, py_repr_str};
use hpcsched::{HoldKind, PendingReason};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use std::fmt::Write as _;

/// `repr` of an optional string: `'x'` or `None`.
fn repr_opt(py: Python<'_>, s: Option<&str>) -> String {
    s.map_or_else(|| "None".to_owned(), |s| py_repr_str(py, s))
}

/// A pending reason for Python: None when there is none.
pub(crate) fn reason(r: Option<&PendingReason>) -> Option<String> {
    r.map(|r| r.as_str().to_owned())
}

/// GRES devices a job gets on one node: ``GresAllocation('gpu', 'a100', [0, 1])``.
#[pyclass(module = "hpcsched", frozen, eq, hash, get_all, from_py_object)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GresAllocation {
    /// GRES name, e.g. ``"gpu"``.
    pub name: String,
    /// GRES type, e.g. ``"a100"``; None when untyped.
    pub r#type: Option<String>,
    /// Device indices on the node, ascending.
    pub indices: Vec<u32>,
}

#[pymethods]
impl GresAllocation {
    #[new]
    #[pyo3(signature = (name, r#type, indices))]
    fn new(name: String, r#type: Option<String>, indices: Vec<u32>) -> Self {
        Self {
            name,
            r#type,
            indices,
        }
    }

    #[classattr]
    fn __match_args__() -> (&'static str, &'static str, &'static str) {
        ("name", "type", "indices")
    }

    fn __getnewargs__(&self) -> (String, Option<String>, Vec<u32>) {
        (self.name.clone(), self.r#type.clone(), self.indices.clone())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "GresAllocation({}, {}, {})",
            py_repr_str(py, &self.name),
            repr_opt(py, self.r#type.as_deref()),
            py_repr(py, self.indices.clone()),
        )
    }
}

/// What a job holds on one node.
#[pyclass(module = "hpcsched", frozen, eq, hash, get_all, from_py_object)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NodeAllocation {
    /// Node name.
    pub node: String,
    /// CPUs allocated on it.
    pub cpus: u32,
    /// Memory allocated on it, MiB.
    pub memory_mib: u64,
    /// GRES devices allocated on it.
    pub gres: Vec<GresAllocation>,
}

impl From<&hpcsched::NodeAllocation> for NodeAllocation {
    fn from(n: &hpcsched::NodeAllocation) -> Self {
        Self {
            node: n.node.clone(),
            cpus: n.cpus,
            memory_mib: n.memory.mib(),
            gres: n
                .gres
                .iter()
                .map(|g| GresAllocation {
                    name: g.key.name.clone(),
                    r#type: g.key.kind.clone(),
                    indices: g.indices.clone(),
                })
                .collect(),
        }
    }
}

fn allocation(nodes: &[hpcsched::NodeAllocation]) -> Vec<NodeAllocation> {
    nodes.iter().map(NodeAllocation::from).collect()
}

#[pymethods]
impl NodeAllocation {
    #[new]
    #[pyo3(signature = (node, cpus, memory_mib, gres=Vec::new()))]
    fn new(node: String, cpus: u32, memory_mib: u64, gres: Vec<GresAllocation>) -> Self {
        Self {
            node,
            cpus,
            memory_mib,
            gres,
        }
    }

    #[classattr]
    fn __match_args__() -> (&'static str, &'static str, &'static str, &'static str) {
        ("node", "cpus", "memory_mib", "gres")
    }

    fn __getnewargs__(&self) -> (String, u32, u64, Vec<GresAllocation>) {
        (
            self.node.clone(),
            self.cpus,
            self.memory_mib,
            self.gres.clone(),
        )
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let mut s = format!(
            "NodeAllocation({}, cpus={}, memory_mib={}",
            py_repr_str(py, &self.node),
            self.cpus,
            self.memory_mib
        );
        if !self.gres.is_empty() {
            s.push_str(", gres=[");
            let items: Vec<String> = self.gres.iter().map(|g| g.__repr__(py)).collect();
            s.push_str(&items.join(", "));
            s.push(']');
        }
        s.push(')');
        s
    }
}

/// One thing the host must do after a scheduling pass.
///
/// ``kind`` says what. ``"start"``: start ``job`` now in ``partition`` on ``nodes``.
/// ``"stop"``: the running job reached its time limit and is now in ``state``
/// (``"TIMEOUT"``); its resources are free. ``"end"``: a pending job was ended without
/// running; ``state`` and ``reason`` say how and why. ``"preempt"``: the running ``job``
/// gives way to the pending job ``by`` (a higher partition tier or QOS); ``action`` says
/// what is done to it (``"CANCEL"``, ``"REQUEUE"``, ``"SUSPEND"``) and ``at`` when. With
/// ``at`` equal to the pass's ``now`` it is done already: a cancelled job is PREEMPTED, a
/// requeued one PENDING again (kill its processes; it later starts again from the
/// beginning), a suspended one SUSPENDED (stop its processes until a ``"resume"``). With
/// ``at`` later (its GraceTime) signal the job now and let it run: the pass at or after
/// ``at`` repeats the decision with ``at`` equal to its ``now`` and does it, unless the job
/// ended before. ``"resume"``: a suspended job runs again.
#[pyclass(module = "hpcsched", frozen, eq, hash, get_all, from_py_object)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decision {
    /// ``"start"``, ``"stop"``, ``"end"``, ``"preempt"`` or ``"resume"``.
    pub kind: String,
    /// The job id.
    pub job: u32,
    /// The partition a started job runs in; None for other kinds.
    pub partition: Option<String>,
    /// A started job's allocation, node by node; empty for other kinds.
    pub nodes: Vec<NodeAllocation>,
    /// The state a stopped or ended job is now in; None for ``"start"``.
    pub state: Option<String>,
    /// Why an ended job was ended, in Slurm's words; None for other kinds.
    pub reason: Option<String>,
    /// The pending job a preempted job gives way to; None for other kinds.
    pub by: Option<u32>,
    /// What preemption does to the job, as PreemptMode names it: ``"CANCEL"``,
    /// ``"REQUEUE"`` or ``"SUSPEND"``; None for other kinds.
    pub action: Option<String>,
    /// When a preemption is done, seconds: the pass's ``now`` (done), or later (the job was
    /// signalled; its grace time runs); None for other kinds.
    pub at: Option<u64>,
}

const KINDS: [&str; 5] = ["start", "stop", "end", "preempt", "resume"];

impl From<&hpcsched::Decision> for Decision {
    fn from(d: &hpcsched::Decision) -> Self {
        let mut out = Decision {
            kind: String::new(),
            job: d.job().0,
            partition: None,
            nodes: Vec::new(),
            state: None,
            reason: None,
            by: None,
            action: None,
            at: None,
        };
        let kind = match d {
            hpcsched::Decision::Start {
                partition, nodes, ..
            } => {
                out.partition = Some(partition.clone());
                out.nodes = allocation(nodes);
                "start"
            }
            hpcsched::Decision::Stop { state, .. } => {
                out.state = Some(state.name().to_owned());
                "stop"
            }
            hpcsched::Decision::End { state, reason, .. } => {
                out.state = Some(state.name().to_owned());
                out.reason = Some(reason.clone());
                "end"
            }
            hpcsched::Decision::Preempt { by, action, at, .. } => {
                out.by = Some(by.0);
                out.action = Some(action.to_string());
                out.at = Some(at.0);
                "preempt"
            }
            hpcsched::Decision::Resume { .. } => "resume",
            // A decision kind newer than these bindings; `job` is still right.
            _ => "other",
        };
        kind.clone_into(&mut out.kind);
        out
    }
}

#[pymethods]
impl Decision {
    #[new]
    #[pyo3(signature = (
        kind, job, partition=None, nodes=Vec::new(), state=None, reason=None, by=None,
        action=None, at=None,
    ))]
    #[allow(clippy::too_many_arguments)] // Python keyword arguments, one per field.
    fn new(
        kind: String,
        job: u32,
        partition: Option<String>,
        nodes: Vec<NodeAllocation>,
        state: Option<String>,
        reason: Option<String>,
        by: Option<u32>,
        action: Option<String>,
        at: Option<u64>,
    ) -> PyResult<Self> {
        if !KINDS.contains(&kind.as_str()) {
            return Err(PyValueError::new_err(format!(
                "decision kind must be 'start', 'stop', 'end', 'preempt' or 'resume', not {kind:?}"
            )));
        }
        Ok(Self {
            kind,
            job,
            partition,
            nodes,
            state,
            reason,
            by,
            action,
            at,
        })
    }

    #[classattr]
    fn __match_args__() -> (&'static str, &'static str) {
        ("kind", "job")
    }

    #[allow(clippy::type_complexity)] // The pickling tuple is the constructor's arguments.
    fn __getnewargs__(
        &self,
    ) -> (
        String,
        u32,
        Option<String>,
        Vec<NodeAllocation>,
        Option<String>,
        Option<String>,
        Option<u32>,
        Option<String>,
        Option<u64>,
    ) {
        let c = self.clone();
        (
            c.kind,
            c.job,
            c.partition,
            c.nodes,
            c.state,
            c.reason,
            c.by,
            c.action,
            c.at,
        )
    }

    /// Node names of a started job's allocation.
    #[getter]
    fn node_names(&self) -> Vec<String> {
        self.nodes.iter().map(|n| n.node.clone()).collect()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let mut s = format!("Decision({}, job={}", py_repr_str(py, &self.kind), self.job);
        if let Some(p) = &self.partition {
            let _ = write!(s, ", partition={}", py_repr_str(py, p));
        }
        if !self.nodes.is_empty() {
            let _ = write!(s, ", nodes={}", py_repr(py, self.node_names()));
        }
        if let Some(state) = &self.state {
            let _ = write!(s, ", state={}", py_repr_str(py, state));
        }
        if let Some(reason) = &self.reason {
            let _ = write!(s, ", reason={}", py_repr_str(py, reason));
        }
        if let Some(by) = self.by {
            let _ = write!(s, ", by={by}");
        }
        if let Some(action) = &self.action {
            let _ = write!(s, ", action={}", py_repr_str(py, action));
        }
        if let Some(at) = self.at {
            let _ = write!(s, ", at={at}");
        }
        s.push(')');
        s
    }
}

/// A pending job's expected start, as ``squeue --start`` shows it.
#[pyclass(module = "hpcsched", frozen, eq, hash, get_all, from_py_object)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Estimate {
    /// The job id (an array's pending tasks carry the array job id).
    pub job: u32,
    /// The id as squeue shows it: ``"42"``, or ``"7_[2-5%2]"`` for an array's pending
    /// tasks.
    pub display_id: String,
    /// The partition it is planned in.
    pub partition: String,
    /// Expected start, seconds; None when the job was not planned (squeue's N/A).
    pub start: Option<u64>,
    /// Planned nodes; empty when not planned.
    pub nodes: Vec<String>,
    /// Why it is pending (``"Resources"``, ``"Priority"``...); None when no reason is
    /// recorded.
    pub reason: Option<String>,
    /// The description slurmctld gives with the reason, which squeue prints in its place
    /// (``"ReqNodeNotAvail, UnavailableNodes:n2"``); None when there is none.
    pub description: Option<String>,
}

impl From<&hpcsched::Estimate> for Estimate {
    fn from(e: &hpcsched::Estimate) -> Self {
        Self {
            job: e.job.0,
            display_id: e.display_id.clone(),
            partition: e.partition.clone(),
            start: e.start.map(|t| t.0),
            nodes: e.nodes.clone(),
            reason: reason(e.reason.as_ref()),
            description: e.description.clone(),
        }
    }
}

#[pymethods]
impl Estimate {
    #[new]
    #[pyo3(signature = (job, display_id, partition, start, nodes, reason, description=None))]
    fn new(
        job: u32,
        display_id: String,
        partition: String,
        start: Option<u64>,
        nodes: Vec<String>,
        reason: Option<String>,
        description: Option<String>,
    ) -> Self {
        Self {
            job,
            display_id,
            partition,
            start,
            nodes,
            reason,
            description,
        }
    }

    #[classattr]
    fn __match_args__() -> (&'static str, &'static str, &'static str) {
        ("job", "start", "nodes")
    }

    #[allow(clippy::type_complexity)] // The pickling tuple is the constructor's arguments.
    fn __getnewargs__(
        &self,
    ) -> (
        u32,
        String,
        String,
        Option<u64>,
        Vec<String>,
        Option<String>,
        Option<String>,
    ) {
        let c = self.clone();
        (
            c.job,
            c.display_id,
            c.partition,
            c.start,
            c.nodes,
            c.reason,
            c.description,
        )
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Estimate(job={}, display_id={}, partition={}, start={}, nodes={}, reason={}, \
             description={})",
            self.job,
            py_repr_str(py, &self.display_id),
            py_repr_str(py, &self.partition),
            py_repr(py, self.start),
            py_repr(py, self.nodes.clone()),
            repr_opt(py, self.reason.as_deref()),
            repr_opt(py, self.description.as_deref()),
        )
    }
}

/// A snapshot of one job as the scheduler knew it when asked.
#[pyclass(module = "hpcsched", frozen, eq, hash, get_all, from_py_object)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Job {
    /// The job id (an array task's own id once it has started).
    pub id: u32,
    /// The id as squeue shows it: ``"42"``, or ``"7_3"`` for an array task.
    pub display_id: String,
    /// ``(array job id, task index)`` for an array task; else None.
    pub array_task: Option<(u32, u32)>,
    /// ``--job-name``; empty when not given.
    pub name: String,
    /// The submitting user.
    pub user: String,
    /// The account; None when not given.
    pub account: Option<String>,
    /// The state as Slurm names it: ``"PENDING"``, ``"RUNNING"``, ``"COMPLETED"``,
    /// ``"TIMEOUT"``...
    pub state: String,
    /// Why it is pending (``"Resources"``, ``"Priority"``, ``"JobHeldUser"``...); None when
    /// no reason.
    pub reason: Option<String>,
    /// Who holds it: ``"user"``, ``"admin"`` or None.
    pub hold: Option<String>,
    /// Priority (0 while held).
    pub priority: u32,
    /// Submit time, seconds.
    pub submit_time: u64,
    /// When it became eligible to run, or None.
    pub eligible_time: Option<u64>,
    /// When it started, or None.
    pub start_time: Option<u64>,
    /// When it ended, or None.
    pub end_time: Option<u64>,
    /// The time limit it runs under: seconds, or ``math.inf`` for UNLIMITED.
    pub time_limit: Limit,
    /// The partition it runs (or ran) in; None before it starts.
    pub partition: Option<String>,
    /// What it holds (or held), node by node.
    pub allocation: Vec<NodeAllocation>,
    /// Its exit code once it ended, or None.
    pub exit_code: Option<i32>,
    /// ``--comment``, or a cause the scheduler recorded; None when neither.
    pub comment: Option<String>,
    /// How many times it was requeued.
    pub restarts: u32,
}

impl From<&hpcsched::Job> for Job {
    fn from(j: &hpcsched::Job) -> Self {
        Self {
            id: j.id().0,
            display_id: j.display_id(),
            array_task: j.array_task().map(|(a, t)| (a.0, t)),
            name: j.name().to_owned(),
            user: j.user().to_owned(),
            account: j.account().map(str::to_owned),
            state: j.state().name().to_owned(),
            reason: reason(j.reason()),
            hold: j.hold().map(|h| {
                match h {
                    HoldKind::User => "user",
                    HoldKind::Admin => "admin",
                }
                .to_owned()
            }),
            priority: j.priority(),
            submit_time: j.submit_time().0,
            eligible_time: j.eligible_time().map(|t| t.0),
            start_time: j.start_time().map(|t| t.0),
            end_time: j.end_time().map(|t| t.0),
            time_limit: Limit(j.time_limit()),
            partition: j.partition().map(str::to_owned),
            allocation: allocation(j.allocation()),
            exit_code: j.exit_code(),
            comment: j.comment().map(str::to_owned),
            restarts: j.restarts(),
        }
    }
}

#[pymethods]
impl Job {
    #[new]
    #[pyo3(signature = (id, display_id, array_task, name, user, account, state, reason, hold, priority, submit_time, eligible_time, start_time, end_time, time_limit, partition, allocation, exit_code, comment, restarts))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        id: u32,
        display_id: String,
        array_task: Option<(u32, u32)>,
        name: String,
        user: String,
        account: Option<String>,
        state: String,
        reason: Option<String>,
        hold: Option<String>,
        priority: u32,
        submit_time: u64,
        eligible_time: Option<u64>,
        start_time: Option<u64>,
        end_time: Option<u64>,
        time_limit: Limit,
        partition: Option<String>,
        allocation: Vec<NodeAllocation>,
        exit_code: Option<i32>,
        comment: Option<String>,
        restarts: u32,
    ) -> Self {
        Self {
            id,
            display_id,
            array_task,
            name,
            user,
            account,
            state,
            reason,
            hold,
            priority,
            submit_time,
            eligible_time,
            start_time,
            end_time,
            time_limit,
            partition,
            allocation,
            exit_code,
            comment,
            restarts,
        }
    }

    #[classattr]
    fn __match_args__() -> (&'static str, &'static str, &'static str) {
        ("id", "name", "state")
    }

    /// Node names of the allocation.
    #[getter]
    fn nodes(&self) -> Vec<String> {
        self.allocation.iter().map(|n| n.node.clone()).collect()
    }

    fn __getnewargs__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let c = self.clone();
        PyTuple::new(
            py,
            [
                c.id.into_pyobject(py)?.into_any(),
                c.display_id.into_pyobject(py)?.into_any(),
                c.array_task.into_pyobject(py)?,
                c.name.into_pyobject(py)?.into_any(),
                c.user.into_pyobject(py)?.into_any(),
                c.account.into_pyobject(py)?,
                c.state.into_pyobject(py)?.into_any(),
                c.reason.into_pyobject(py)?,
                c.hold.into_pyobject(py)?,
                c.priority.into_pyobject(py)?.into_any(),
                c.submit_time.into_pyobject(py)?.into_any(),
                c.eligible_time.into_pyobject(py)?,
                c.start_time.into_pyobject(py)?,
                c.end_time.into_pyobject(py)?,
                c.time_limit.into_pyobject(py)?,
                c.partition.into_pyobject(py)?,
                c.allocation.into_pyobject(py)?.into_any(),
                c.exit_code.into_pyobject(py)?,
                c.comment.into_pyobject(py)?,
                c.restarts.into_pyobject(py)?.into_any(),
            ],
        )
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let mut s = format!(
            "Job({}, name={}, user={}, state={}",
            self.display_id_repr(py),
            py_repr_str(py, &self.name),
            py_repr_str(py, &self.user),
            py_repr_str(py, &self.state),
        );
        if let Some(r) = &self.reason {
            let _ = write!(s, ", reason={}", py_repr_str(py, r));
        }
        if let Some(p) = &self.partition {
            let _ = write!(s, ", partition={}", py_repr_str(py, p));
        }
        if !self.allocation.is_empty() {
            let _ = write!(s, ", nodes={}", py_repr(py, self.nodes()));
        }
        let _ = write!(
            s,
            ", submit_time={}, start_time={}, end_time={})",
            self.submit_time,
            py_repr(py, self.start_time),
            py_repr(py, self.end_time)
        );
        s
    }
}

impl Job {
    fn display_id_repr(&self, py: Python<'_>) -> String {
        if self.array_task.is_some() {
            py_repr_str(py, &self.display_id)
        } else {
            self.id.to_string()
        }
    }
}

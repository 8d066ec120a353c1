//! Value objects: plain, immutable, comparable, hashable and picklable snapshots of core
//! data (`Gres`, `Node`, `Partition`), plus the time and memory conventions.

use hpcsched::partition::{DefMem, MaxMem};
use hpcsched::{GresSpec, OverSubscribe, PartitionState, TimeLimit};
use pyo3::BoundObject;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyString, PyTuple};
use std::convert::Infallible;

/// A time limit as Python sees it: `int` seconds, or `math.inf` for UNLIMITED.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limit(pub TimeLimit);

impl<'py> IntoPyObject<'py> for Limit {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = Infallible;

    fn into_pyobject(self, py: Python<'py>) -> Result<Self::Output, Self::Error> {
        Ok(match self.0 {
            TimeLimit::Limited(d) => d.as_secs().into_pyobject(py)?.into_any(),
            TimeLimit::Unlimited => PyFloat::new(py, f64::INFINITY).into_any(),
        })
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for Limit {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(secs) = obj.extract::<u64>() {
            return Ok(Limit(TimeLimit::Limited(hpcsched::Duration::from_secs(
                secs,
            ))));
        }
        match obj.extract::<f64>() {
            Ok(f) if f == f64::INFINITY => Ok(Limit(TimeLimit::Unlimited)),
            _ => Err(PyValueError::new_err(
                "a time limit is a whole number of seconds >= 0, or math.inf for UNLIMITED",
            )),
        }
    }
}

/// Python repr of a string (`'a'`, with Python's quoting).
pub(crate) fn py_repr_str(py: Python<'_>, s: &str) -> String {
    PyString::new(py, s)
        .repr()
        .map_or_else(|_| format!("{s:?}"), |r| r.to_string())
}

/// Python repr of any convertible value.
pub(crate) fn py_repr<'py, T: IntoPyObject<'py>>(py: Python<'py>, value: T) -> String {
    value
        .into_pyobject(py)
        .ok()
        .and_then(|v| v.into_bound().into_any().repr().ok().map(|r| r.to_string()))
        .unwrap_or_else(|| "?".to_owned())
}

/// `(kind, mib)` for memory amounts; kind is `per_node`, `per_cpu` or `per_gpu`.
pub(crate) type MemoryTuple = (String, Option<u64>);

pub(crate) fn memory_tuple(kind: &str, mib: Option<u64>) -> MemoryTuple {
    (kind.to_owned(), mib)
}

/// A generic resource: ``gpu:a100:4`` is ``Gres('gpu', 'a100', 4)``.
#[pyclass(module = "hpcsched", frozen, eq, hash, get_all, from_py_object)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Gres {
    /// GRES name, e.g. ``"gpu"``.
    pub name: String,
    /// GRES type, e.g. ``"a100"``; None when untyped.
    pub r#type: Option<String>,
    /// How many.
    pub count: u64,
    /// Whether allocations never consume it (node definitions only).
    pub no_consume: bool,
}

impl From<&GresSpec> for Gres {
    fn from(g: &GresSpec) -> Self {
        Self {
            name: g.key.name.clone(),
            r#type: g.key.kind.clone(),
            count: g.count,
            no_consume: g.no_consume,
        }
    }
}

#[pymethods]
impl Gres {
    #[new]
    #[pyo3(signature = (name, r#type=None, count=1, no_consume=false))]
    fn new(name: String, r#type: Option<String>, count: u64, no_consume: bool) -> Self {
        Self {
            name,
            r#type,
            count,
            no_consume,
        }
    }

    #[classattr]
    fn __match_args__() -> (&'static str, &'static str, &'static str) {
        ("name", "type", "count")
    }

    fn __getnewargs__(&self) -> (String, Option<String>, u64, bool) {
        (
            self.name.clone(),
            self.r#type.clone(),
            self.count,
            self.no_consume,
        )
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let mut s = format!(
            "Gres({}, {}, {}",
            py_repr_str(py, &self.name),
            self.r#type
                .as_deref()
                .map_or_else(|| "None".to_owned(), |t| py_repr_str(py, t)),
            self.count
        );
        if self.no_consume {
            s.push_str(", no_consume=True");
        }
        s.push(')');
        s
    }
}

pub(crate) fn gres_list(specs: &[GresSpec]) -> Vec<Gres> {
    specs.iter().map(Gres::from).collect()
}

/// A node as a slurm.conf NodeName line defines it.
#[pyclass(module = "hpcsched", frozen, eq, hash, get_all, from_py_object)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Node {
    /// NodeName.
    pub name: String,
    /// CPUs.
    pub cpus: u32,
    /// Sockets per board.
    pub sockets: u32,
    /// CoresPerSocket.
    pub cores_per_socket: u32,
    /// ThreadsPerCore.
    pub threads_per_core: u32,
    /// RealMemory, MiB.
    pub real_memory_mib: u64,
    /// Gres: the node's generic resources.
    pub gres: Vec<Gres>,
    /// Features.
    pub features: Vec<String>,
    /// Weight.
    pub weight: u32,
    /// State flags (``"DOWN"``, ``"DRAIN"``, ...); empty for a node in service.
    pub state: Vec<String>,
    /// Why the node is down or drained; None when no reason is set.
    pub reason: Option<String>,
}

impl From<&hpcsched::Node> for Node {
    fn from(n: &hpcsched::Node) -> Self {
        Self {
            name: n.name.clone(),
            cpus: n.cpus,
            sockets: n.sockets,
            cores_per_socket: n.cores_per_socket,
            threads_per_core: n.threads_per_core,
            real_memory_mib: n.real_memory.mib(),
            gres: gres_list(&n.gres),
            features: n.features.clone(),
            weight: n.weight,
            state: n
                .state
                .iter_names()
                .map(|(name, _)| name.to_owned())
                .collect(),
            reason: n.reason.clone(),
        }
    }
}

#[pymethods]
impl Node {
    #[new]
    #[pyo3(signature = (name, cpus, sockets, cores_per_socket, threads_per_core, real_memory_mib, gres, features, weight, state, reason))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        name: String,
        cpus: u32,
        sockets: u32,
        cores_per_socket: u32,
        threads_per_core: u32,
        real_memory_mib: u64,
        gres: Vec<Gres>,
        features: Vec<String>,
        weight: u32,
        state: Vec<String>,
        reason: Option<String>,
    ) -> Self {
        Self {
            name,
            cpus,
            sockets,
            cores_per_socket,
            threads_per_core,
            real_memory_mib,
            gres,
            features,
            weight,
            state,
            reason,
        }
    }

    fn __getnewargs__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let c = self.clone();
        PyTuple::new(
            py,
            [
                c.name.into_pyobject(py)?.into_any(),
                c.cpus.into_pyobject(py)?.into_any(),
                c.sockets.into_pyobject(py)?.into_any(),
                c.cores_per_socket.into_pyobject(py)?.into_any(),
                c.threads_per_core.into_pyobject(py)?.into_any(),
                c.real_memory_mib.into_pyobject(py)?.into_any(),
                c.gres.into_pyobject(py)?.into_any(),
                c.features.into_pyobject(py)?.into_any(),
                c.weight.into_pyobject(py)?.into_any(),
                c.state.into_pyobject(py)?.into_any(),
                c.reason.into_pyobject(py)?.into_any(),
            ],
        )
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Node({}, cpus={}, real_memory_mib={}, gres={}, features={}, weight={}, state={})",
            py_repr_str(py, &self.name),
            self.cpus,
            self.real_memory_mib,
            py_repr(py, self.gres.clone()),
            py_repr(py, self.features.clone()),
            self.weight,
            py_repr(py, self.state.clone()),
        )
    }
}

/// A partition as a slurm.conf PartitionName line defines it.
#[pyclass(module = "hpcsched", frozen, eq, hash, get_all, from_py_object)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Partition {
    /// PartitionName.
    pub name: String,
    /// Nodes, expanded, in slurm.conf order.
    pub nodes: Vec<String>,
    /// Default=YES.
    pub default: bool,
    /// State: ``"UP"``, ``"DOWN"``, ``"DRAIN"`` or ``"INACTIVE"``.
    pub state: String,
    /// MaxTime in seconds; ``math.inf`` for UNLIMITED (the default).
    pub max_time: Limit,
    /// DefaultTime in seconds (``math.inf`` for UNLIMITED); None when unset (MaxTime
    /// applies).
    pub default_time: Option<Limit>,
    /// MaxNodes; None for UNLIMITED.
    pub max_nodes: Option<u32>,
    /// MinNodes.
    pub min_nodes: u32,
    /// PriorityTier.
    pub priority_tier: u16,
    /// QOS: the partition QOS; None when unset.
    pub qos: Option<String>,
    /// OverSubscribe as slurm.conf writes it: ``"NO"``, ``"YES:4"``, ``"EXCLUSIVE"``,
    /// ``"FORCE:4"``.
    pub oversubscribe: String,
    /// ExclusiveUser.
    pub exclusive_user: bool,
    /// DefMemPerCPU, DefMemPerNode or DefMemPerGPU as ``(kind, mib)``; None when unset.
    pub def_mem: Option<MemoryTuple>,
    /// MaxMemPerCPU or MaxMemPerNode as ``(kind, mib)``; None when unset.
    pub max_mem: Option<MemoryTuple>,
    /// AllowAccounts; None for ALL.
    pub allow_accounts: Option<Vec<String>>,
    /// AllowQos; None for ALL.
    pub allow_qos: Option<Vec<String>>,
}

impl From<&hpcsched::Partition> for Partition {
    fn from(p: &hpcsched::Partition) -> Self {
        Self {
            name: p.name.clone(),
            nodes: p.nodes.clone(),
            default: p.is_default,
            state: match p.state {
                PartitionState::Up => "UP",
                PartitionState::Down => "DOWN",
                PartitionState::Drain => "DRAIN",
                PartitionState::Inactive => "INACTIVE",
            }
            .to_owned(),
            max_time: Limit(p.max_time),
            default_time: p.default_time.map(Limit),
            max_nodes: p.max_nodes,
            min_nodes: p.min_nodes,
            priority_tier: p.priority_tier,
            qos: p.qos.clone(),
            oversubscribe: match p.oversubscribe {
                OverSubscribe::No => "NO".to_owned(),
                OverSubscribe::Yes(n) => format!("YES:{n}"),
                OverSubscribe::Exclusive => "EXCLUSIVE".to_owned(),
                OverSubscribe::Force(n) => format!("FORCE:{n}"),
            },
            exclusive_user: p.exclusive_user,
            def_mem: p.def_mem.map(|m| match m {
                DefMem::PerCpu(m) => memory_tuple("per_cpu", Some(m.mib())),
                DefMem::PerNode(m) => memory_tuple("per_node", Some(m.mib())),
                DefMem::PerGpu(m) => memory_tuple("per_gpu", Some(m.mib())),
            }),
            max_mem: p.max_mem.map(|m| match m {
                MaxMem::PerCpu(m) => memory_tuple("per_cpu", Some(m.mib())),
                MaxMem::PerNode(m) => memory_tuple("per_node", Some(m.mib())),
            }),
            allow_accounts: p.allow_accounts.clone(),
            allow_qos: p.allow_qos.clone(),
        }
    }
}

#[pymethods]
impl Partition {
    #[new]
    #[pyo3(signature = (name, nodes, default, state, max_time, default_time, max_nodes, min_nodes, priority_tier, qos, oversubscribe, exclusive_user, def_mem, max_mem, allow_accounts, allow_qos))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        name: String,
        nodes: Vec<String>,
        default: bool,
        state: String,
        max_time: Limit,
        default_time: Option<Limit>,
        max_nodes: Option<u32>,
        min_nodes: u32,
        priority_tier: u16,
        qos: Option<String>,
        oversubscribe: String,
        exclusive_user: bool,
        def_mem: Option<MemoryTuple>,
        max_mem: Option<MemoryTuple>,
        allow_accounts: Option<Vec<String>>,
        allow_qos: Option<Vec<String>>,
    ) -> Self {
        Self {
            name,
            nodes,
            default,
            state,
            max_time,
            default_time,
            max_nodes,
            min_nodes,
            priority_tier,
            qos,
            oversubscribe,
            exclusive_user,
            def_mem,
            max_mem,
            allow_accounts,
            allow_qos,
        }
    }

    fn __getnewargs__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let c = self.clone();
        PyTuple::new(
            py,
            [
                c.name.into_pyobject(py)?.into_any(),
                c.nodes.into_pyobject(py)?.into_any(),
                c.default.into_pyobject(py)?.to_owned().into_any(),
                c.state.into_pyobject(py)?.into_any(),
                c.max_time.into_pyobject(py)?,
                c.default_time.into_pyobject(py)?,
                c.max_nodes.into_pyobject(py)?,
                c.min_nodes.into_pyobject(py)?.into_any(),
                c.priority_tier.into_pyobject(py)?.into_any(),
                c.qos.into_pyobject(py)?,
                c.oversubscribe.into_pyobject(py)?.into_any(),
                c.exclusive_user.into_pyobject(py)?.to_owned().into_any(),
                c.def_mem.into_pyobject(py)?,
                c.max_mem.into_pyobject(py)?,
                c.allow_accounts.into_pyobject(py)?,
                c.allow_qos.into_pyobject(py)?,
            ],
        )
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Partition({}, nodes={}, default={}, state={}, max_time={}, default_time={})",
            py_repr_str(py, &self.name),
            py_repr(py, self.nodes.clone()),
            if self.default { "True" } else { "False" },
            py_repr_str(py, &self.state),
            py_repr(py, self.max_time),
            py_repr(py, self.default_time),
        )
    }
}

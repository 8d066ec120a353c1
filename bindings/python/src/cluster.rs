//! `Cluster` and `ResolvedJob`.

use crate::errors::py_err;
use crate::request::{CommandLine, JobRequest};
use crate::values::{
    Gres, Limit, MemoryTuple, Node, Partition, gres_list, memory_tuple, py_repr_str,
};
use hpcsched::ResolvedMemory;
use pyo3::prelude::*;
use std::fmt::Write as _;
use std::sync::{PoisonError, RwLock, RwLockReadGuard};

/// A cluster: nodes, partitions, QOS and scheduler settings. Build one with
/// ``Cluster.from_slurm_conf(text)``.
#[pyclass(module = "hpcsched", frozen)]
pub struct Cluster {
    // Changes (add_qos) are all or nothing, so a lock poisoned by a panic still holds a
    // consistent cluster.
    inner: RwLock<hpcsched::Cluster>,
}

impl Cluster {
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, hpcsched::Cluster> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// A copy of the core cluster (a scheduler takes one).
    pub(crate) fn snapshot(&self) -> hpcsched::Cluster {
        self.read().clone()
    }

    /// Wraps a core cluster (a scheduler hands out copies of its own).
    pub(crate) fn from_core(cluster: hpcsched::Cluster) -> Self {
        Self {
            inner: RwLock::new(cluster),
        }
    }
}

#[pymethods]
impl Cluster {
    /// Builds a cluster from slurm.conf text. Raises ConfigError (with ``.line``).
    #[staticmethod]
    fn from_slurm_conf(text: &str) -> PyResult<Self> {
        let cluster = hpcsched::Cluster::from_slurm_conf(text).map_err(py_err)?;
        Ok(Self {
            inner: RwLock::new(cluster),
        })
    }

    /// Adds QOS definitions (``sacctmgr add qos NAME Key=Value...``, one per line). All or
    /// nothing: on error the cluster is unchanged. Raises QosError.
    fn add_qos(&self, text: &str) -> PyResult<()> {
        let mut cluster = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        hpcsched::cluster::add_qos_text(&mut cluster, text).map_err(py_err)
    }

    /// Applies a ``sacctmgr`` admin script, one command per line (``sacctmgr [-i]``
    /// optional): ``add cluster``, ``add|modify qos``, ``add|modify|delete account`` and
    /// ``add|modify|delete user``. QOS lines are read first; the first association tree
    /// also creates the ``normal`` QOS when the cluster has none. Jobs then run under their
    /// user's association (default account and QOS), its limits and fair-share. All or
    /// nothing: on error the cluster is unchanged. Raises QosError for a QOS line,
    /// ParseError for the others (both with ``.line``).
    fn add_sacctmgr(&self, text: &str) -> PyResult<()> {
        let mut cluster = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        cluster.add_sacctmgr_text(text).map_err(py_err)
    }

    /// Replaces the association tree with that of a file ``sacctmgr dump`` wrote
    /// (``Cluster - 'NAME':...`` and ``Parent``/``Account``/``User`` lines); the QOS it
    /// names must exist. All or nothing. Raises ParseError (with ``.line``).
    fn load_sacctmgr_dump(&self, text: &str) -> PyResult<()> {
        let mut cluster = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        cluster.load_sacctmgr_dump(text).map_err(py_err)
    }

    /// Reads accounts text as ``hpcsched simulate --accounts`` does: a ``sacctmgr dump``
    /// file (told apart by its ``Cluster - 'NAME'`` line) as ``load_sacctmgr_dump``,
    /// anything else as ``add_sacctmgr``.
    fn add_accounts(&self, text: &str) -> PyResult<()> {
        let mut cluster = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        cluster.add_accounts_text(text).map_err(py_err)
    }

    /// The association tree as ``sacctmgr dump`` writes it (``load_sacctmgr_dump`` reads it
    /// back); None when the cluster has none.
    fn dump_accounts(&self) -> Option<String> {
        self.read().accounts().map(hpcsched::accounts::dump::write)
    }

    /// Reads plugstack.conf text and adds the SPANK plugins it lists, so that their options
    /// are accepted (pyxis is built in; declare any other with ``add_spank_plugin`` first).
    /// Returns the ``include`` lines as ``(line, pattern)``, for the caller to read and add
    /// the same way. All or nothing: on error the cluster is unchanged. Raises ConfigError
    /// (with ``.line``).
    fn add_plugstack(&self, text: &str) -> PyResult<Vec<(usize, String)>> {
        let mut cluster = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        let includes = cluster.add_plugstack(text).map_err(py_err)?;
        Ok(includes.into_iter().map(|i| (i.line, i.pattern)).collect())
    }

    /// Adds a SPANK plugin: the built-in one of this name (``"pyxis"``) when ``options`` is
    /// None, otherwise one declared by its options: ``"NAME"`` a flag, ``"NAME="`` with a
    /// value, ``"NAME[=]"`` with an optional value. Raises Error when refused.
    #[pyo3(signature = (name, options=None))]
    #[allow(clippy::needless_pass_by_value)] // pyo3 hands the list over.
    fn add_spank_plugin(&self, name: &str, options: Option<Vec<String>>) -> PyResult<()> {
        let mut cluster = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        cluster
            .add_spank_plugin_named(name, options.as_deref())
            .map_err(py_err)
    }

    /// The names of the SPANK plugins whose options are accepted, in the order added.
    #[getter]
    fn spank_plugins(&self) -> Vec<String> {
        self.read()
            .spank_plugins()
            .iter()
            .map(|p| p.name().to_owned())
            .collect()
    }

    #[getter]
    fn node_names(&self) -> Vec<String> {
        self.read().nodes().map(|n| n.name.clone()).collect()
    }
    #[getter]
    fn partition_names(&self) -> Vec<String> {
        self.read().partitions().map(|p| p.name.clone()).collect()
    }
    #[getter]
    fn qos_names(&self) -> Vec<String> {
        self.read().qos_list().map(|q| q.name.clone()).collect()
    }
    #[getter]
    fn nodes(&self) -> Vec<Node> {
        self.read().nodes().map(Node::from).collect()
    }
    #[getter]
    fn partitions(&self) -> Vec<Partition> {
        self.read().partitions().map(Partition::from).collect()
    }
    #[getter]
    fn default_partition(&self) -> Option<String> {
        self.read().default_partition().map(|p| p.name.clone())
    }
    /// slurm.conf keys hpcsched reads but does not act on, as ``(line, key, message)``.
    #[getter]
    fn warnings(&self) -> Vec<(usize, String, String)> {
        self.read()
            .warnings()
            .iter()
            .map(|w| (w.line, w.key.clone(), w.message.clone()))
            .collect()
    }

    /// The node with this name; None when there is none.
    fn node(&self, name: &str) -> Option<Node> {
        self.read().node(name).map(Node::from)
    }
    /// The partition with this name; None when there is none.
    fn partition(&self, name: &str) -> Option<Partition> {
        self.read().partition(name).map(Partition::from)
    }

    /// Resolves a request the way slurmctld does at submit. Raises RejectedError (with
    /// ``.reasons``) when sbatch would refuse the job.
    fn resolve(&self, request: &JobRequest) -> PyResult<ResolvedJob> {
        let job = self.read().resolve(&request.inner).map_err(py_err)?;
        Ok(ResolvedJob { inner: job })
    }

    /// Reads a batch script (``args``: sbatch options over it), with the options of the
    /// cluster's SPANK plugins, and resolves it:
    /// ``resolve(JobRequest.from_script(script, args, cluster=self))``.
    #[pyo3(signature = (script, args=None))]
    fn check(&self, script: &str, args: Option<Vec<String>>) -> PyResult<ResolvedJob> {
        let cluster = self.read();
        let request = cluster
            .parser()
            .script(script, &args.unwrap_or_default())
            .map_err(py_err)?;
        let job = cluster.resolve(&request).map_err(py_err)?;
        Ok(ResolvedJob { inner: job })
    }

    /// Reads an sbatch, srun or salloc command line (a string split as a shell would, or
    /// its words), with the options of the cluster's SPANK plugins, and resolves it:
    /// ``resolve(JobRequest.from_command_line(line, cluster=self))``. An srun or salloc job
    /// is scheduled like a batch job.
    #[allow(clippy::needless_pass_by_value)] // pyo3 extracts arguments as owned values.
    fn check_command(&self, line: CommandLine) -> PyResult<ResolvedJob> {
        let cluster = self.read();
        let request = line.parse(cluster.parser())?;
        let job = cluster.resolve(&request).map_err(py_err)?;
        Ok(ResolvedJob { inner: job })
    }

    fn __repr__(&self) -> String {
        let c = self.read();
        format!(
            "Cluster(nodes={}, partitions={}, qos={})",
            c.nodes().len(),
            c.partitions().len(),
            c.qos_list().len()
        )
    }
}

/// A job as the cluster will schedule it, after defaults and limits.
#[pyclass(module = "hpcsched", frozen)]
pub struct ResolvedJob {
    inner: hpcsched::ResolvedJob,
}

#[pymethods]
impl ResolvedJob {
    #[getter]
    fn request(&self) -> JobRequest {
        JobRequest {
            inner: self.inner.request().clone(),
        }
    }
    #[getter]
    fn partition(&self) -> String {
        self.inner.partition().to_owned()
    }
    #[getter]
    fn partitions(&self) -> Vec<String> {
        self.inner.partitions().to_vec()
    }
    #[getter]
    fn qos(&self) -> Option<String> {
        self.inner.qos().map(str::to_owned)
    }
    #[getter]
    fn min_nodes(&self) -> u32 {
        self.inner.min_nodes()
    }
    #[getter]
    fn max_nodes(&self) -> u32 {
        self.inner.max_nodes()
    }
    #[getter]
    fn ntasks(&self) -> u32 {
        self.inner.ntasks()
    }
    #[getter]
    fn cpus_per_task(&self) -> u32 {
        self.inner.cpus_per_task()
    }
    #[getter]
    fn min_cpus(&self) -> u32 {
        self.inner.min_cpus()
    }
    /// The least CPUs each node gives the job (tasks per node × ``-c``, ``--mincpus``,
    /// GPUs × CPUs per GPU).
    #[getter]
    fn min_cpus_per_node(&self) -> u32 {
        self.inner.shape().min_cpus_per_node()
    }
    /// ``(kind, mib)``; ``("whole_node", None)`` when the job gets all of each node's
    /// memory.
    #[getter]
    fn memory(&self) -> MemoryTuple {
        match self.inner.memory() {
            ResolvedMemory::PerNode(m) => memory_tuple("per_node", Some(m.mib())),
            ResolvedMemory::PerCpu(m) => memory_tuple("per_cpu", Some(m.mib())),
            ResolvedMemory::PerGpu(m) => memory_tuple("per_gpu", Some(m.mib())),
            ResolvedMemory::WholeNode => memory_tuple("whole_node", None),
        }
    }
    #[getter]
    fn gres_per_node(&self) -> Vec<Gres> {
        gres_list(self.inner.gres_per_node())
    }
    #[getter]
    fn time_limit(&self) -> Limit {
        Limit(self.inner.time_limit())
    }
    #[getter]
    fn whole_nodes(&self) -> bool {
        self.inner.whole_nodes()
    }
    #[getter]
    fn user_exclusive(&self) -> bool {
        self.inner.user_exclusive()
    }
    /// Slurm's reason string when the job would pend forever as submitted; else None.
    #[getter]
    fn pending_reason(&self) -> Option<String> {
        self.inner.pending_reason().map(|r| r.to_string())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let (kind, mib) = self.memory();
        let memory = match mib {
            Some(mib) => format!("({}, {mib})", py_repr_str(py, &kind)),
            None => format!("({}, None)", py_repr_str(py, &kind)),
        };
        let time = match self.inner.time_limit() {
            hpcsched::TimeLimit::Limited(d) => d.as_secs().to_string(),
            hpcsched::TimeLimit::Unlimited => "inf".to_owned(),
        };
        let mut s = format!(
            "ResolvedJob(partition={}, nodes=({}, {}), ntasks={}, cpus_per_task={}, memory={memory}, time_limit={time}",
            py_repr_str(py, self.inner.partition()),
            self.inner.min_nodes(),
            self.inner.max_nodes(),
            self.inner.ntasks(),
            self.inner.cpus_per_task(),
        );
        if let Some(reason) = self.pending_reason() {
            let _ = write!(s, ", pending_reason={}", py_repr_str(py, &reason));
        }
        s.push(')');
        s
    }
}

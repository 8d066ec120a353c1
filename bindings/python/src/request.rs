//! `JobRequest`: what a batch script and sbatch options ask for.

use crate::cluster::Cluster;
use crate::errors::py_err;
use crate::values::{Gres, Limit, MemoryTuple, gres_list, memory_tuple, py_repr, py_repr_str};
use hpcsched::MemoryRequest;
use hpcsched::request::Exclusive;
use hpcsched::sbatch::Parser;
use pyo3::prelude::*;

/// What a batch script, sbatch options or a command line ask for. Unset options are None
/// (or empty).
#[pyclass(module = "hpcsched", frozen, eq, from_py_object)]
#[derive(Debug, Clone, PartialEq)]
pub struct JobRequest {
    pub(crate) inner: hpcsched::JobRequest,
}

/// A command line: a string (split as a POSIX shell would) or its words.
#[derive(FromPyObject)]
pub(crate) enum CommandLine {
    Text(String),
    Words(Vec<String>),
}

impl CommandLine {
    pub(crate) fn parse(&self, parser: Parser<'_>) -> PyResult<hpcsched::JobRequest> {
        match self {
            CommandLine::Text(line) => parser.command_line_text(line),
            CommandLine::Words(words) => parser.command_line(words),
        }
        .map_err(py_err)
    }
}

#[pymethods]
impl JobRequest {
    /// Reads a batch script; ``args`` are sbatch options applied over it, as in
    /// ``sbatch ARGS... script``. With ``cluster``, the options of its SPANK plugins are
    /// accepted too.
    ///
    /// Raises ScriptError (with ``.line``) on an invalid directive.
    #[staticmethod]
    #[pyo3(signature = (text, args=None, cluster=None))]
    fn from_script(
        text: &str,
        args: Option<Vec<String>>,
        cluster: Option<&Cluster>,
    ) -> PyResult<Self> {
        let args = args.unwrap_or_default();
        let inner = match cluster {
            None => Parser::default().script(text, &args),
            Some(c) => c.read().parser().script(text, &args),
        }
        .map_err(py_err)?;
        Ok(Self { inner })
    }

    /// Reads an ``sbatch``, ``srun`` or ``salloc`` command line (a string split as a shell
    /// would, without expansion, or its words): the command's own options (srun refuses
    /// ``--array``...), then what it runs, kept in ``command``. With ``cluster``, the
    /// options of its SPANK plugins are accepted too. Raises OptionError.
    #[staticmethod]
    #[pyo3(signature = (line, cluster=None))]
    #[allow(clippy::needless_pass_by_value)] // pyo3 extracts arguments as owned values.
    fn from_command_line(line: CommandLine, cluster: Option<&Cluster>) -> PyResult<Self> {
        let inner = match cluster {
            None => line.parse(Parser::default()),
            Some(c) => line.parse(c.read().parser()),
        }?;
        Ok(Self { inner })
    }

    /// The request as a shell command line: the command (``sbatch``, ``srun`` or
    /// ``salloc``), the options, then ``command``.
    fn to_command_line(&self) -> String {
        self.inner.to_shell_command()
    }

    /// The command the request was written for: ``"sbatch"``, ``"srun"`` or ``"salloc"``.
    #[getter]
    fn client(&self) -> &'static str {
        self.inner.client.name()
    }
    /// The words after the options of a command line (what srun runs...).
    #[getter]
    fn command(&self) -> Vec<String> {
        self.inner.command.clone()
    }
    /// Options of SPANK plugins (pyxis's ``--container-image``...), ``(name, value)`` in
    /// written order; they do not change how the job is scheduled.
    #[getter]
    fn plugin_options(&self) -> Vec<(String, Option<String>)> {
        self.inner.plugin_options.clone()
    }

    /// Reads sbatch command-line options (without ``sbatch`` itself). Raises OptionError.
    #[staticmethod]
    #[allow(clippy::needless_pass_by_value)] // pyo3 extracts arguments as owned values.
    fn from_args(args: Vec<String>) -> PyResult<Self> {
        let inner = hpcsched::sbatch::parse_args(&args).map_err(py_err)?;
        Ok(Self { inner })
    }

    /// The request as a batch script with one ``#SBATCH`` line per option.
    fn to_script(&self) -> String {
        self.inner.to_script()
    }

    /// The request as sbatch command-line arguments.
    fn to_args(&self) -> Vec<String> {
        self.inner.to_args()
    }

    #[getter]
    fn job_name(&self) -> Option<String> {
        self.inner.job_name.clone()
    }
    #[getter]
    fn account(&self) -> Option<String> {
        self.inner.account.clone()
    }
    #[getter]
    fn partitions(&self) -> Vec<String> {
        self.inner.partitions.clone()
    }
    #[getter]
    fn qos(&self) -> Option<String> {
        self.inner.qos.clone()
    }
    /// ``(min, max)`` node count.
    #[getter]
    fn nodes(&self) -> Option<(u32, u32)> {
        self.inner.nodes.map(|n| (n.min, n.max))
    }
    #[getter]
    fn ntasks(&self) -> Option<u32> {
        self.inner.ntasks
    }
    #[getter]
    fn ntasks_per_node(&self) -> Option<u32> {
        self.inner.ntasks_per_node
    }
    #[getter]
    fn cpus_per_task(&self) -> Option<u32> {
        self.inner.cpus_per_task
    }
    /// ``--mem`` is ``("per_node", mib)`` (0 = all of each node's memory),
    /// ``--mem-per-cpu`` ``("per_cpu", mib)``, ``--mem-per-gpu`` ``("per_gpu", mib)``.
    #[getter]
    fn memory(&self) -> Option<MemoryTuple> {
        self.inner.memory.map(|m| match m {
            MemoryRequest::PerNode(m) => memory_tuple("per_node", Some(m.mib())),
            MemoryRequest::PerCpu(m) => memory_tuple("per_cpu", Some(m.mib())),
            MemoryRequest::PerGpu(m) => memory_tuple("per_gpu", Some(m.mib())),
        })
    }
    /// ``--tmp`` in MiB.
    #[getter]
    fn tmp_mib(&self) -> Option<u64> {
        self.inner.tmp.map(hpcsched::Memory::mib)
    }
    #[getter]
    fn cpus_per_gpu(&self) -> Option<u32> {
        self.inner.cpus_per_gpu
    }
    #[getter]
    fn overcommit(&self) -> bool {
        self.inner.overcommit
    }
    #[getter]
    fn use_min_nodes(&self) -> bool {
        self.inner.use_min_nodes
    }
    #[getter]
    fn gres(&self) -> Vec<Gres> {
        gres_list(&self.inner.gres)
    }
    #[getter]
    fn gpus(&self) -> Option<Gres> {
        self.inner.gpus.as_deref().map(Gres::from)
    }
    #[getter]
    fn gpus_per_node(&self) -> Option<Gres> {
        self.inner.gpus_per_node.as_deref().map(Gres::from)
    }
    /// Seconds; ``math.inf`` for ``--time=UNLIMITED``; None when not given.
    #[getter]
    fn time_limit(&self) -> Option<Limit> {
        self.inner.time_limit.map(Limit)
    }
    #[getter]
    fn time_min(&self) -> Option<Limit> {
        self.inner.time_min.map(Limit)
    }
    #[getter]
    fn nice(&self) -> Option<i32> {
        self.inner.nice
    }
    #[getter]
    fn hold(&self) -> bool {
        self.inner.hold
    }
    /// ``--exclusive``: ``"node"``, ``"user"``, ``"mcs"`` or ``"topo"``; None when not given.
    #[getter]
    fn exclusive(&self) -> Option<&'static str> {
        self.inner.exclusive.map(|e| match e {
            Exclusive::Node => "node",
            Exclusive::User => "user",
            Exclusive::Mcs => "mcs",
            Exclusive::Topo => "topo",
        })
    }
    #[getter]
    fn oversubscribe(&self) -> bool {
        self.inner.oversubscribe
    }
    #[getter]
    fn constraint(&self) -> Option<String> {
        self.inner.constraint.as_ref().map(ToString::to_string)
    }
    #[getter]
    fn nodelist(&self) -> Vec<String> {
        self.inner.nodelist.clone()
    }
    #[getter]
    fn exclude(&self) -> Vec<String> {
        self.inner.exclude.clone()
    }
    #[getter]
    fn dependency(&self) -> Option<String> {
        self.inner.dependency.as_ref().map(ToString::to_string)
    }
    #[getter]
    fn array(&self) -> Option<String> {
        self.inner.array.as_ref().map(ToString::to_string)
    }
    #[getter]
    fn output(&self) -> Option<String> {
        self.inner.output.as_ref().map(|o| o.0.clone())
    }
    #[getter]
    fn error(&self) -> Option<String> {
        self.inner.error.as_ref().map(|o| o.0.clone())
    }
    #[getter]
    fn requeue(&self) -> Option<bool> {
        self.inner.requeue
    }
    #[getter]
    fn comment(&self) -> Option<String> {
        self.inner.comment.clone()
    }
    /// The script body after the #SBATCH header.
    #[getter]
    fn script(&self) -> Option<String> {
        self.inner.script.clone()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let mut fields = Vec::new();
        if let Some(name) = &self.inner.job_name {
            fields.push(format!("job_name={}", py_repr_str(py, name)));
        }
        if !self.inner.partitions.is_empty() {
            fields.push(format!(
                "partitions={}",
                py_repr(py, self.inner.partitions.clone())
            ));
        }
        if let Some(n) = self.nodes() {
            fields.push(format!("nodes={}", py_repr(py, n)));
        }
        if let Some(n) = self.inner.ntasks {
            fields.push(format!("ntasks={n}"));
        }
        if let Some(c) = self.inner.cpus_per_task {
            fields.push(format!("cpus_per_task={c}"));
        }
        if let Some(t) = self.time_limit() {
            fields.push(format!("time_limit={}", py_repr(py, t)));
        }
        format!("JobRequest({})", fields.join(", "))
    }
}

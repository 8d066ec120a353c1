//! Python bindings for hpcsched (`import hpcsched`).
//!
//! This crate only converts: core values become Python objects, core errors become the
//! exception hierarchy rooted at `hpcsched.Error`. Every scheduling rule lives in the core.
//!
//! The doc comments on the `#[pyfunction]`s, `#[pyclass]`es, their fields and
//! `#[pymethods]` are what Python shows (`help()`, `__doc__`), written for Python users;
//! the conventions seen from Python are the module's docstring, on `hpcsched_module`
//! below. The stub `python/hpcsched/_hpcsched.pyi` carries the same docstrings, and
//! `tests/test_docstrings.py` fails when the two differ. Remarks for Rust readers only are
//! `//` comments.

mod cluster;
mod decision;
mod errors;
mod request;
mod scheduler;
mod simulate;
mod status;
mod values;

pub use cluster::{Cluster, ResolvedJob};
pub use decision::{Decision, Estimate, GresAllocation, Job, NodeAllocation};
pub use errors::to_py;
pub use request::JobRequest;
pub use scheduler::Scheduler;
pub use simulate::{LeftPending, RefusedJob, SimResult, SkippedLine, Stats, Summary, Workload};
pub use status::{
    JobRecord, LimitStatus, LimitUsage, PartitionUsage, PreemptionStats, PriorityRow, QueueRow,
    ShareRow, UserUsage,
};
pub use values::{Gres, Node, Partition};

/// The native module of hpcsched (``import hpcsched`` re-exports it): slurm.conf, QOS,
/// sbatch scripts, resolution, the scheduler and trace replay.
///
/// Conventions:
///
/// * Time limits and durations are ``int`` seconds. UNLIMITED is ``math.inf`` (a ``float``),
///   so ``job.time_limit <= partition.max_time`` compares naturally. ``None`` means not set.
/// * Times (``now``, submit/start/end times, estimates) are ``int`` seconds on the host's
///   clock; job ids are ``int``.
/// * Memory is MiB. Memory values are ``(kind, mib)`` tuples; kind is ``"per_node"``,
///   ``"per_cpu"``, ``"per_gpu"`` or, for a resolved job, ``"whole_node"`` (with mib
///   ``None``).
/// * ``simulate`` replays a workload (an SWF trace or a job list) in virtual time; pandas
///   and matplotlib are needed only by ``SimResult.to_pandas()`` and
///   ``SimResult.plot_gantt()`` (the ``pandas`` and ``plot`` extras).
#[pyo3::pymodule(name = "_hpcsched")]
mod hpcsched_module {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::{
        Cluster, Decision, Estimate, Gres, GresAllocation, Job, JobRecord, JobRequest, LeftPending,
        LimitStatus, LimitUsage, Node, NodeAllocation, Partition, PartitionUsage, PreemptionStats,
        PriorityRow, QueueRow, RefusedJob, ResolvedJob, Scheduler, ShareRow, SimResult,
        SkippedLine, Stats, Summary, UserUsage, Workload,
    };

    #[pymodule_export]
    use super::simulate::{expand_hostlist, parse_job_list, read_job_list, simulate};

    #[pymodule_export]
    use super::errors::Error;

    /// The version of the hpcsched library.
    #[pymodule_export]
    #[allow(non_upper_case_globals)] // Python's name for it.
    const __version__: &str = env!("CARGO_PKG_VERSION");

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        super::errors::register(m)
    }
}

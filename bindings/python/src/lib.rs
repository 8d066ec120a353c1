//! Python bindings for hpcsched (`import hpcsched`).
//!
//! This crate only converts: core values become Python objects, core errors become the
//! exception hierarchy rooted at `hpcsched.Error`. Every scheduling rule lives in the core.
//!
//! Conventions seen from Python (also documented in `python/hpcsched/_hpcsched.pyi`):
//! - Durations and time limits are whole seconds as `int`; `UNLIMITED` is `math.inf`;
//!   `None` means "not set".
//! - Memory is MiB; a memory request is a `(kind, mib)` tuple with kind `"per_node"`,
//!   `"per_cpu"`, `"per_gpu"` or `"whole_node"` (mib `None`).
//! - Times (`now`, submit/start/end times) are whole seconds on the host's clock; job ids
//!   are `int`.
//! - `simulate` replays a workload through the core's simulator with the GIL released.

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
pub use status::{JobRecord, LimitUsage, PartitionUsage, QueueRow, UserUsage};
pub use values::{Gres, Node, Partition};

/// Slurm-style batch scheduling decisions: slurm.conf, QOS, sbatch scripts, resolution,
/// and the scheduler.
#[pyo3::pymodule(name = "_hpcsched")]
mod hpcsched_module {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::{
        Cluster, Decision, Estimate, Gres, GresAllocation, Job, JobRecord, JobRequest, LeftPending,
        LimitUsage, Node, NodeAllocation, Partition, PartitionUsage, QueueRow, RefusedJob,
        ResolvedJob, Scheduler, SimResult, SkippedLine, Stats, Summary, UserUsage, Workload,
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

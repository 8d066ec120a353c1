//! Why hpcsched refuses options it does not model: the reasons the option tables give, and
//! the checks that refuse some values of options it otherwise keeps.

/// The value checks of [`Action::Checked`](super::options::Action::Checked).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Check {
    OneThreadPerCore,
    Hint,
    Distribution,
    GresFlags,
}

impl Check {
    pub(super) fn run(self, value: Option<&str>) -> Result<(), &'static str> {
        match self {
            Check::OneThreadPerCore => one_thread_per_core(value),
            Check::Hint => hint(value),
            Check::Distribution => distribution(value),
            Check::GresFlags => gres_flags(value),
        }
    }
}

/// Why multi-cluster options are refused.
pub(super) const CLUSTERS: &str = "submitting to other clusters is not modelled: hpcsched schedules on the one cluster it is given";
/// Why topology/block segment options are refused.
pub(super) const SEGMENTS: &str = "topology segments (topology/block) are not modelled";
/// Why core and thread specialization is refused.
pub(super) const SPECIALIZED: &str =
    "cores or threads set aside for the system (and whole nodes with them) are not modelled";
/// Why options on the socket and core layout of nodes are refused.
pub(super) const LAYOUT: &str = "the socket and core layout of nodes is not modelled";

/// `--threads-per-core`, `--ntasks-per-core`: 1 changes nothing hpcsched models (it
/// allocates CPUs; see docs/slurm-compatibility.md on ThreadsPerCore), more does.
fn one_thread_per_core(value: Option<&str>) -> Result<(), &'static str> {
    match value {
        Some("1") => Ok(()),
        _ => Err("only 1 is supported: several threads or tasks per core are not modelled"),
    }
}

/// `--hint`: `[no]multithread` is the thread choice above; `compute_bound` and
/// `memory_bound` spread tasks over sockets and cores, which is not modelled.
fn hint(value: Option<&str>) -> Result<(), &'static str> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        Some("multithread" | "nomultithread") => Ok(()),
        _ => Err(
            "only multithread and nomultithread are supported: spreading tasks over sockets and cores is not modelled",
        ),
    }
}

/// `-m, --distribution`: how tasks are laid out on the allocated nodes and their
/// sockets changes nothing hpcsched models, except `plane` (tasks per node in blocks)
/// and `arbitrary` (nodes from SLURM_HOSTFILE).
fn distribution(value: Option<&str>) -> Result<(), &'static str> {
    let v = value.unwrap_or("").to_ascii_lowercase();
    if v.starts_with("plane") || v.starts_with("arbitrary") {
        Err("plane and arbitrary task distributions are not modelled")
    } else {
        Ok(())
    }
}

/// `--gres-flags`: `enforce-binding` restricts a job to the cores gres.conf binds to its
/// GPUs, which hpcsched does not read.
fn gres_flags(value: Option<&str>) -> Result<(), &'static str> {
    if value
        .unwrap_or("")
        .to_ascii_lowercase()
        .contains("enforce-binding")
    {
        Err("binding GPUs to the cores gres.conf names is not modelled")
    } else {
        Ok(())
    }
}

/// Why heterogeneous-job options are refused.
pub(super) const HETJOB: &str = "heterogeneous jobs are not supported";

//! A job request: everything sbatch options say about how a job should be scheduled.
//!
//! A request is what the user *asked*; [`crate::resolve`] turns it into what the cluster
//! will *give* (partition, node counts, CPUs, memory per node, time limit).

use crate::array::ArraySpec;
use crate::constraint::Constraint;
use crate::dependency::Dependency;
use crate::gres::GresSpec;
use crate::memory::Memory;
use crate::output_pattern::OutputPattern;
use crate::time::{BeginTime, TimeLimit};
use serde::{Deserialize, Serialize};

/// `-N, --nodes=min[-max]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NodeCount {
    /// Minimum node count.
    pub min: u32,
    /// Maximum node count (equal to `min` when one number is given).
    pub max: u32,
}

/// How memory was requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MemoryRequest {
    /// `--mem`: per node. `0` means all of each node's memory.
    PerNode(Memory),
    /// `--mem-per-cpu`.
    PerCpu(Memory),
    /// `--mem-per-gpu`.
    PerGpu(Memory),
}

/// `--exclusive[=user|mcs|topo]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Exclusive {
    /// Plain `--exclusive`: whole nodes.
    Node,
    /// `--exclusive=user`: nodes shared only with the same user's jobs.
    User,
    /// `--exclusive=mcs`.
    Mcs,
    /// `--exclusive=topo`.
    Topo,
}

/// The Slurm command a request is written for.
///
/// The three read their options with one table (`common_options[]` in Slurm's
/// `src/common/slurm_opt.c`), each accepting its own subset, and an interactive job (srun,
/// salloc) is scheduled like a batch job.
///
/// ```
/// use hpcsched::request::Client;
/// assert_eq!(Client::default(), Client::Sbatch);
/// assert_eq!(Client::Srun.to_string(), "srun");
/// assert_eq!("salloc".parse::<Client>(), Ok(Client::Salloc));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Client {
    /// `sbatch`: a batch job.
    #[default]
    Sbatch,
    /// `srun`: an interactive job that runs one command (a job step) in a new allocation.
    Srun,
    /// `salloc`: an interactive allocation that runs a command (by default a shell).
    Salloc,
}

impl Client {
    /// The command's name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Sbatch => "sbatch",
            Self::Srun => "srun",
            Self::Salloc => "salloc",
        }
    }
}

impl std::fmt::Display for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A word that is not `sbatch`, `srun` or `salloc`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not sbatch, srun or salloc")]
pub struct UnknownClient(pub String);

impl std::str::FromStr for Client {
    type Err = UnknownClient;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "sbatch" => Ok(Self::Sbatch),
            "srun" => Ok(Self::Srun),
            "salloc" => Ok(Self::Salloc),
            _ => Err(UnknownClient(s.to_owned())),
        }
    }
}

/// A job request: the scheduling-relevant sbatch options, plus the rest kept verbatim so a
/// request renders back to the script it came from.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JobRequest {
    /// `-J, --job-name`.
    pub job_name: Option<String>,
    /// `--uid` / the submitting user (set by the host at submit).
    pub user: Option<String>,
    /// `-A, --account`.
    pub account: Option<String>,
    /// `-p, --partition` (comma list, in written order).
    pub partitions: Vec<String>,
    /// `-q, --qos`.
    pub qos: Option<String>,
    /// `-N, --nodes`.
    pub nodes: Option<NodeCount>,
    /// `-n, --ntasks`.
    pub ntasks: Option<u32>,
    /// `--ntasks-per-node`.
    pub ntasks_per_node: Option<u32>,
    /// `-c, --cpus-per-task`.
    pub cpus_per_task: Option<u32>,
    /// `--mincpus`: the least CPUs each allocated node must have for the job.
    #[serde(default)]
    pub mincpus: Option<u32>,
    /// `--mem`, `--mem-per-cpu`, `--mem-per-gpu` (mutually exclusive).
    pub memory: Option<MemoryRequest>,
    /// `--tmp`: the least temporary disk space (a node's `TmpDisk`) each node must have.
    #[serde(default)]
    pub tmp: Option<Memory>,
    /// `--cpus-per-gpu`: CPUs allocated per GPU (instead of a partition's DefCPUPerGPU).
    #[serde(default)]
    pub cpus_per_gpu: Option<u32>,
    /// `-O, --overcommit`: CPUs are allocated as for one task per node.
    #[serde(default)]
    pub overcommit: bool,
    /// `--use-min-nodes`: of a node-count range, the fewest nodes that hold the job.
    #[serde(default)]
    pub use_min_nodes: bool,
    /// `--gres` (per node).
    pub gres: Vec<GresSpec>,
    /// `-G, --gpus=[type:]N` (per job). Boxed, like the other rarely set wide fields,
    /// to keep a request (which the scheduler holds for every job) small.
    pub gpus: Option<Box<GresSpec>>,
    /// `--gpus-per-node=[type:]N` (boxed).
    pub gpus_per_node: Option<Box<GresSpec>>,
    /// `-t, --time`.
    pub time_limit: Option<TimeLimit>,
    /// `--time-min`.
    pub time_min: Option<TimeLimit>,
    /// `-b, --begin`.
    pub begin: Option<BeginTime>,
    /// `--deadline`.
    pub deadline: Option<BeginTime>,
    /// `--nice[=adj]` (no value means +100).
    pub nice: Option<i32>,
    /// `--priority` (privileged).
    pub priority: Option<u32>,
    /// `-H, --hold`.
    pub hold: bool,
    /// `--exclusive[=...]`.
    pub exclusive: Option<Exclusive>,
    /// `-s, --oversubscribe`.
    pub oversubscribe: bool,
    /// `-C, --constraint` (boxed).
    pub constraint: Option<Box<Constraint>>,
    /// `-w, --nodelist`, expanded, in hostlist order without duplicates.
    pub nodelist: Vec<String>,
    /// `-x, --exclude`, expanded, in hostlist order without duplicates.
    pub exclude: Vec<String>,
    /// `-d, --dependency` (boxed).
    pub dependency: Option<Box<Dependency>>,
    /// `--kill-on-invalid-dep=yes|no`.
    pub kill_on_invalid_dep: Option<bool>,
    /// `-a, --array` (boxed).
    pub array: Option<Box<ArraySpec>>,
    /// `-o, --output`.
    pub output: Option<OutputPattern>,
    /// `-e, --error`.
    pub error: Option<OutputPattern>,
    /// `--requeue` (`Some(true)`) / `--no-requeue` (`Some(false)`).
    pub requeue: Option<bool>,
    /// `--requeue=expedite`: an expedited requeue (such jobs sort first when requeued).
    /// Only meaningful with `requeue == Some(true)`.
    #[serde(default)]
    pub expedited_requeue: bool,
    /// `--comment`.
    pub comment: Option<String>,
    /// Valid options that do not affect scheduling (`--mail-type`, `--chdir`, srun's
    /// `--pty`...), as `(long name, value)` in written order, so the request renders back
    /// faithfully.
    pub other_options: Vec<(String, Option<String>)>,
    /// Options of the cluster's SPANK plugins (pyxis's `--container-image`...), as
    /// `(long name, value)` in written order. They are kept and rendered back and have no
    /// effect on scheduling (see [`crate::sbatch::spank`]).
    #[serde(default)]
    pub plugin_options: Vec<(String, Option<String>)>,
    /// The command the request was written for: sbatch (a batch job), srun or salloc (an
    /// interactive job, scheduled the same way).
    #[serde(default)]
    pub client: Client,
    /// The words after the options of a command line (see
    /// [`crate::sbatch::Parser::command_line`]): the program srun runs or salloc starts
    /// with its arguments, or sbatch's script path and arguments. Empty for a request read
    /// from a script.
    #[serde(default)]
    pub command: Vec<String>,
    /// The batch script without its `#SBATCH`/`#SLURM` directive lines: the shebang line,
    /// other comments, and the commands (None for a command-line-only request).
    pub script: Option<String>,
}

impl JobRequest {
    /// The least CPUs each of the job's nodes must give it, with `cpus_per_task` CPUs a
    /// task: `--ntasks-per-node` tasks (one without it), and at least `--mincpus` (observed
    /// on 22.05: `-p CPU-4 --mincpus=8` is refused on 4-CPU nodes, and `-n 1 --mincpus=4`
    /// runs with NumCPUs=4). Submit-time fitting and the scheduler's allocation both use it.
    pub(crate) fn min_cpus_per_node(&self, cpus_per_task: u32) -> u32 {
        self.ntasks_per_node
            .unwrap_or(1)
            .saturating_mul(cpus_per_task)
            .max(self.mincpus.unwrap_or(0))
    }

    /// Whether `node` passes the job's own node filters: `--constraint`, `--exclude` and
    /// `--tmp` (part of slurmctld's `_build_node_list()`). `--nodelist` is the caller's.
    pub(crate) fn admits_node(&self, node: &crate::node::Node) -> bool {
        self.constraint
            .as_ref()
            .is_none_or(|c| c.matches(&node.features))
            && node.tmp_disk.mib() >= self.tmp.map_or(0, crate::Memory::mib)
            && !self.exclude.contains(&node.name)
    }
}

//! The option tables of sbatch, srun and salloc: long and short names, which take values,
//! which of the three commands accept each, and how each one sets a [`JobRequest`] field.
//!
//! The tables are the union of the options each command accepts in Slurm 22.05 through
//! 26.x (`common_options[]` in Slurm's `src/common/slurm_opt.c`: an entry with a
//! `set_func` is for all three, one with `set_func_sbatch`, `set_func_srun` or
//! `set_func_salloc` only for that command). The options of the cluster's SPANK plugins
//! join them ([`crate::spank`]). Options are matched the way `getopt_long()` with the
//! option string `"+..."` matches them:
//!
//! - `--name=value`, and `--name value` when the value is required;
//! - an optional value must be attached with `=` (`--nice=5`; `--nice 5` is `--nice` and a
//!   script path `5`);
//! - unambiguous prefixes of long names (`--part=debug`); an exact name always wins
//!   (`--mem` is not ambiguous with `--mem-per-cpu`);
//! - `-xVALUE`, `-x VALUE`, bundled flags (`-Hv`, `-HvN2`);
//! - `--` ends the options, and so does the first argument that is not an option.
//!
//! Later occurrences override earlier ones. The three memory options are mutually
//! exclusive even across the script and the command line, as in sbatch (both passes fill
//! one option set; `_validate_memory_options()` in `slurm_opt.c` then rejects the mix).
//! `--exclusive` and `--oversubscribe` set one value, so the later wins (Slurm 22.05
//! accepts both: `--exclusive -s` is held with OverSubscribe=YES, `-s --exclusive` with
//! OverSubscribe=NO; the fidelity corpus's `excl_oversubscribe`).

use crate::gres::GresSpec;
use crate::output_pattern::OutputPattern;
use crate::request::{Client, Exclusive, JobRequest, MemoryRequest, NodeCount};
use crate::spank::{PluginRefusal, SpankOption, SpankPlugin};

use super::values;

/// Why an sbatch option was rejected.
///
/// ```
/// use hpcsched::sbatch::{parse_args, OptionError};
/// assert_eq!(parse_args(&["--frob"]), Err(OptionError::Unknown("--frob".into())));
/// assert_eq!(
///     parse_args(&["--mem=1G", "--mem-per-cpu=1G"]).unwrap_err().to_string(),
///     "`--mem` and `--mem-per-cpu` are mutually exclusive",
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OptionError {
    /// Not an sbatch option.
    #[error("unrecognized option `{0}`")]
    Unknown(String),
    /// A long-option prefix that matches several options.
    #[error("option `{option}` is ambiguous; possibilities: {}", candidates.join(" "))]
    Ambiguous {
        /// The option as written.
        option: String,
        /// Every option it could abbreviate, as `--name`.
        candidates: Vec<String>,
    },
    /// An option that requires a value was last on the line.
    #[error("option `{0}` requires a value")]
    MissingValue(String),
    /// A value was attached (`--hold=yes`) to an option that takes none.
    #[error("option `{option}` does not take a value (got `{value}`)")]
    UnexpectedValue {
        /// The option, as `--name`.
        option: String,
        /// The attached value.
        value: String,
    },
    /// The value does not parse or is out of range.
    #[error("invalid value `{value}` for `{option}`: {why}")]
    InvalidValue {
        /// The option, as `--name`.
        option: String,
        /// The value as written.
        value: String,
        /// What is wrong with it (the value parser's message).
        why: String,
    },
    /// Two mutually exclusive options were both given.
    #[error("`{first}` and `{second}` are mutually exclusive")]
    Conflict {
        /// The option given first.
        first: String,
        /// The option given second.
        second: String,
    },
    /// The value names a file (`-w ./hosts`, `--nodefile`); hpcsched does no file I/O, so
    /// the host must read the file and pass the node names.
    #[error("`{option}` names a file (`{value}`); pass the node names instead")]
    FileNotSupported {
        /// The option, as `--name`.
        option: String,
        /// The value as written.
        value: String,
    },
    /// A `:` on the command line separates heterogeneous-job components, which hpcsched
    /// does not support.
    #[error("`:` separates heterogeneous job components, which are not supported")]
    HetJobUnsupported,
    /// `--help`, `--usage`, `--version`, `--gres=help`...: sbatch prints something and
    /// exits without submitting, so there is no job request.
    #[error("`{0}` only prints information; it does not describe a job")]
    Informational(String),
    /// A valid option whose effect on what a job gets, where or when hpcsched does not
    /// model, so it refuses it rather than schedule the job differently from Slurm.
    #[error("`{option}` is not supported: {why}")]
    Unsupported {
        /// The option as written, with its value when the value is what is not supported.
        option: String,
        /// Why (what the option does that is not modelled).
        why: String,
    },
    /// Two options the command refuses together (`srun --exact --whole`).
    #[error("`{first}` and `{second}` cannot be used together")]
    Incompatible {
        /// The one given first.
        first: String,
        /// The other.
        second: String,
    },
    /// An srun command line without a command to run ("No command given to execute").
    #[error("srun needs a command to run")]
    NoCommand,
    /// A command line whose first word is not `sbatch`, `srun` or `salloc`.
    #[error("`{0}` is not sbatch, srun or salloc")]
    NotAClient(String),
    /// An empty command line.
    #[error("empty command line")]
    EmptyCommandLine,
    /// A quote opened and not closed in a command line.
    #[error("unmatched `{0}` in the command line")]
    UnmatchedQuote(char),
}

/// Whether an option takes a value (`getopt_long`'s `has_arg`).
///
/// ```
/// use hpcsched::sbatch::{find_option, ArgKind};
/// assert_eq!(find_option("hold").unwrap().arg, ArgKind::None);
/// assert_eq!(find_option("exclusive").unwrap().arg, ArgKind::Optional);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ArgKind {
    /// A flag: `--hold`.
    None,
    /// A value is required: `--time=10`, `--time 10`, `-t10`, `-t 10`.
    Required,
    /// A value may be attached: `--nice`, `--nice=10`.
    Optional,
}

/// What an option does to a [`JobRequest`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Action {
    JobName,
    Uid,
    Account,
    Partition,
    Qos,
    Nodes,
    Ntasks,
    NtasksPerNode,
    MinCpus,
    CpusPerTask,
    Mem,
    MemPerCpu,
    MemPerGpu,
    Gres,
    Gpus,
    GpusPerNode,
    Time,
    TimeMin,
    Begin,
    Deadline,
    Nice,
    Priority,
    Hold,
    Exclusive,
    Oversubscribe,
    Constraint,
    Nodelist,
    Exclude,
    Dependency,
    KillOnInvalidDep,
    Array,
    Output,
    Error,
    Requeue,
    NoRequeue,
    Comment,
    /// `-F/--nodefile`: the node list is in a file.
    Nodefile,
    /// Prints something and exits.
    Info,
    /// Kept verbatim in [`JobRequest::other_options`].
    Other,
    /// `--tmp`.
    Tmp,
    /// `--cpus-per-gpu`.
    CpusPerGpu,
    /// `-O, --overcommit`.
    Overcommit,
    /// `--use-min-nodes`.
    UseMinNodes,
    /// Refused with [`OptionError::Unsupported`], for this reason.
    Refused(&'static str),
    /// Kept verbatim like [`Action::Other`] when the check accepts the value (it has no
    /// effect on scheduling), refused with the check's reason otherwise.
    Checked(Check),
}

/// The value checks of [`Action::Checked`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Check {
    OneThreadPerCore,
    Hint,
    Distribution,
    GresFlags,
}

impl Check {
    fn run(self, value: Option<&str>) -> Result<(), &'static str> {
        match self {
            Check::OneThreadPerCore => one_thread_per_core(value),
            Check::Hint => hint(value),
            Check::Distribution => distribution(value),
            Check::GresFlags => gres_flags(value),
        }
    }
}

/// Why multi-cluster options are refused.
const CLUSTERS: &str = "submitting to other clusters is not modelled: hpcsched schedules on the one cluster it is given";
/// Why topology/block segment options are refused.
const SEGMENTS: &str = "topology segments (topology/block) are not modelled";
/// Why core and thread specialization is refused.
const SPECIALIZED: &str =
    "cores or threads set aside for the system (and whole nodes with them) are not modelled";
/// Why options on the socket and core layout of nodes are refused.
const LAYOUT: &str = "the socket and core layout of nodes is not modelled";

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

/// Which commands accept an option: a set of these bits.
const SB: u8 = 1;
const SR: u8 = 2;
const SA: u8 = 4;
const ALL: u8 = SB | SR | SA;

fn client_bit(client: Client) -> u8 {
    match client {
        Client::Sbatch => SB,
        Client::Srun => SR,
        Client::Salloc => SA,
    }
}

/// One option of sbatch, srun or salloc: a row of [`SBATCH_OPTIONS`] or of the
/// srun/salloc-only table ([`options`] lists a command's).
///
/// ```
/// use hpcsched::sbatch::find_option;
/// let o = find_option("partition").unwrap();
/// assert_eq!((o.short, o.summary), (Some('p'), "partitions to run in (comma list)"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SbatchOption {
    /// The long name, without `--`.
    pub long: &'static str,
    /// The short name, if any (`-N`).
    pub short: Option<char>,
    /// Whether it takes a value.
    pub arg: ArgKind,
    /// What it does, in a few words.
    pub summary: &'static str,
    pub(crate) action: Action,
    clients: u8,
}

impl SbatchOption {
    /// Whether `client` accepts the option.
    ///
    /// ```
    /// use hpcsched::request::Client;
    /// use hpcsched::sbatch::find_option;
    /// let array = find_option("array").unwrap();
    /// assert!(array.accepted_by(Client::Sbatch) && !array.accepted_by(Client::Srun));
    /// ```
    #[must_use]
    pub fn accepted_by(&self, client: Client) -> bool {
        self.clients & client_bit(client) != 0
    }

    /// Whether hpcsched refuses the option: valid in Slurm, but what it changes about the
    /// job is not modelled (see docs/slurm-compatibility.md, "Options and keys").
    ///
    /// ```
    /// use hpcsched::sbatch::find_option;
    /// assert!(find_option("reservation").unwrap().is_refused());
    /// assert!(!find_option("mail-type").unwrap().is_refused());
    /// ```
    #[must_use]
    pub fn is_refused(&self) -> bool {
        matches!(self.action, Action::Refused(_))
    }

    /// Whether the option sets a typed [`JobRequest`] field (as opposed to being kept
    /// verbatim in [`JobRequest::other_options`]).
    ///
    /// ```
    /// use hpcsched::sbatch::find_option;
    /// assert!(find_option("nodes").unwrap().is_scheduling());
    /// assert!(!find_option("mail-type").unwrap().is_scheduling());
    /// ```
    #[must_use]
    pub fn is_scheduling(&self) -> bool {
        !matches!(
            self.action,
            Action::Other
                | Action::Info
                | Action::Nodefile
                | Action::Refused(_)
                | Action::Checked(_)
        )
    }
}

const fn o(
    long: &'static str,
    short: Option<char>,
    arg: ArgKind,
    action: Action,
    summary: &'static str,
    clients: u8,
) -> SbatchOption {
    SbatchOption {
        long,
        short,
        arg,
        summary,
        action,
        clients,
    }
}

use Action as A;
use ArgKind::{None as N, Optional as Opt, Required as R};

/// Every option sbatch accepts (Slurm 22.05 to 26.x), sorted by long name, each marked
/// with whether srun and salloc accept it too.
///
/// ```
/// use hpcsched::sbatch::{ArgKind, SBATCH_OPTIONS};
/// let nice = SBATCH_OPTIONS.iter().find(|o| o.long == "nice").unwrap();
/// assert_eq!(nice.arg, ArgKind::Optional);
/// assert!(SBATCH_OPTIONS.windows(2).all(|w| w[0].long < w[1].long));
/// ```
pub static SBATCH_OPTIONS: &[SbatchOption] = &[
    o(
        "account",
        Some('A'),
        R,
        A::Account,
        "charge the job to this account",
        ALL,
    ),
    o(
        "acctg-freq",
        None,
        R,
        A::Other,
        "accounting and profiling sampling intervals",
        ALL,
    ),
    o("array", Some('a'), R, A::Array, "submit a job array", SB),
    o(
        "autocomplete",
        None,
        R,
        A::Info,
        "print shell completions and exit",
        ALL,
    ),
    o(
        "batch",
        None,
        R,
        A::Refused("the batch host must have given features, which hpcsched does not model"),
        "node features the batch host must have",
        SB,
    ),
    o("bb", None, R, A::Other, "burst buffer specification", ALL),
    o(
        "bbf",
        None,
        R,
        A::Other,
        "burst buffer specification file",
        ALL,
    ),
    o(
        "begin",
        Some('b'),
        R,
        A::Begin,
        "defer eligibility until this time",
        ALL,
    ),
    o(
        "chdir",
        Some('D'),
        R,
        A::Other,
        "working directory of the batch script",
        ALL,
    ),
    o(
        "cluster",
        None,
        R,
        A::Refused(CLUSTERS),
        "cluster to submit to (alias of --clusters)",
        ALL,
    ),
    o(
        "cluster-constraint",
        None,
        R,
        A::Refused(CLUSTERS),
        "federation cluster features",
        ALL,
    ),
    o(
        "clusters",
        Some('M'),
        R,
        A::Refused(CLUSTERS),
        "clusters to submit to",
        ALL,
    ),
    o("comment", None, R, A::Comment, "arbitrary comment", ALL),
    o(
        "consolidate-segments",
        None,
        N,
        A::Refused(SEGMENTS),
        "place segments together (topology/block)",
        ALL,
    ),
    o(
        "constraint",
        Some('C'),
        R,
        A::Constraint,
        "required node features",
        ALL,
    ),
    o(
        "container",
        None,
        R,
        A::Other,
        "OCI container bundle path",
        ALL,
    ),
    o("container-id", None, R, A::Other, "OCI container id", ALL),
    o("context", None, R, A::Other, "SELinux context", ALL),
    o(
        "contiguous",
        None,
        N,
        A::Refused("allocating contiguous nodes is not modelled"),
        "nodes must be contiguous",
        ALL,
    ),
    o(
        "core-spec",
        Some('S'),
        R,
        A::Refused(SPECIALIZED),
        "cores reserved for system use per node",
        ALL,
    ),
    o(
        "cores-per-socket",
        None,
        R,
        A::Refused(LAYOUT),
        "minimum cores per socket",
        ALL,
    ),
    o(
        "cpu-freq",
        None,
        R,
        A::Other,
        "CPU frequency and governor of job steps",
        ALL,
    ),
    o(
        "cpus-per-gpu",
        None,
        R,
        A::CpusPerGpu,
        "CPUs per allocated GPU",
        ALL,
    ),
    o(
        "cpus-per-task",
        Some('c'),
        R,
        A::CpusPerTask,
        "CPUs per task",
        ALL,
    ),
    o(
        "deadline",
        None,
        R,
        A::Deadline,
        "cancel the job if it cannot end by this time",
        ALL,
    ),
    o(
        "delay-boot",
        None,
        R,
        A::Other,
        "minutes to wait before rebooting nodes for features",
        ALL,
    ),
    o(
        "dependency",
        Some('d'),
        R,
        A::Dependency,
        "start only after these jobs",
        ALL,
    ),
    o(
        "distribution",
        Some('m'),
        R,
        A::Checked(Check::Distribution),
        "task distribution",
        ALL,
    ),
    o(
        "error",
        Some('e'),
        R,
        A::Error,
        "standard error file pattern",
        SB | SR,
    ),
    o(
        "exclude",
        Some('x'),
        R,
        A::Exclude,
        "nodes the job must not use",
        ALL,
    ),
    o(
        "exclusive",
        None,
        Opt,
        A::Exclusive,
        "do not share nodes (or only with user/mcs/topo)",
        ALL,
    ),
    o(
        "export",
        None,
        R,
        A::Other,
        "environment variables to propagate",
        SB | SR,
    ),
    o(
        "export-file",
        None,
        R,
        A::Other,
        "file or fd of environment variables",
        SB,
    ),
    o(
        "external",
        None,
        N,
        A::Refused("an external job runs nothing and is not scheduled"),
        "external job (no batch script is run)",
        SB,
    ),
    o(
        "extra",
        None,
        R,
        A::Refused("choosing nodes by their Extra string is not modelled"),
        "arbitrary string for node filtering",
        ALL,
    ),
    o(
        "extra-node-info",
        Some('B'),
        R,
        A::Refused(LAYOUT),
        "sockets:cores:threads per node",
        ALL,
    ),
    o(
        "get-user-env",
        None,
        Opt,
        A::Other,
        "load the login environment of --uid",
        SB | SA,
    ),
    o("gid", None, R, A::Other, "group to run the job as", ALL),
    o("gpu-bind", None, R, A::Other, "task to GPU binding", ALL),
    o("gpu-freq", None, R, A::Other, "GPU frequencies", ALL),
    o(
        "gpus",
        Some('G'),
        R,
        A::Gpus,
        "GPUs for the whole job ([type:]N)",
        ALL,
    ),
    o(
        "gpus-per-node",
        None,
        R,
        A::GpusPerNode,
        "GPUs per node ([type:]N)",
        ALL,
    ),
    o(
        "gpus-per-socket",
        None,
        R,
        A::Refused(LAYOUT),
        "GPUs per socket",
        ALL,
    ),
    o(
        "gpus-per-task",
        None,
        R,
        A::Refused(
            "GPUs bound to tasks are not modelled; ask for GPUs per node (--gres, --gpus-per-node) or per job (--gpus)",
        ),
        "GPUs per task",
        ALL,
    ),
    o("gres", None, R, A::Gres, "generic resources per node", ALL),
    o(
        "gres-flags",
        None,
        R,
        A::Checked(Check::GresFlags),
        "GRES binding flags",
        ALL,
    ),
    o("help", Some('h'), N, A::Info, "print help and exit", ALL),
    o(
        "hint",
        None,
        R,
        A::Checked(Check::Hint),
        "task binding hints",
        ALL,
    ),
    o(
        "hold",
        Some('H'),
        N,
        A::Hold,
        "submit held (priority 0)",
        ALL,
    ),
    o(
        "ignore-pbs",
        None,
        N,
        A::Other,
        "ignore #PBS/#BSUB directives",
        SB,
    ),
    o(
        "input",
        Some('i'),
        R,
        A::Other,
        "standard input file pattern",
        SB | SR,
    ),
    o("job-name", Some('J'), R, A::JobName, "job name", ALL),
    o(
        "kill-on-invalid-dep",
        None,
        R,
        A::KillOnInvalidDep,
        "cancel on a never-satisfiable dependency (yes|no)",
        SB,
    ),
    o(
        "licenses",
        Some('L'),
        R,
        A::Refused("licenses are not modelled (a job waits for its licenses)"),
        "licenses the job needs",
        ALL,
    ),
    o("mail-type", None, R, A::Other, "events that send mail", ALL),
    o("mail-user", None, R, A::Other, "mail recipient", ALL),
    o("mcs-label", None, R, A::Other, "MCS label", ALL),
    o(
        "mem",
        None,
        R,
        A::Mem,
        "memory per node (0 = all of it)",
        ALL,
    ),
    o("mem-bind", None, R, A::Other, "memory binding", ALL),
    o(
        "mem-per-cpu",
        None,
        R,
        A::MemPerCpu,
        "memory per allocated CPU",
        ALL,
    ),
    o(
        "mem-per-gpu",
        None,
        R,
        A::MemPerGpu,
        "memory per allocated GPU",
        ALL,
    ),
    o(
        "mem-update",
        None,
        R,
        A::Other,
        "memory limit update margin@delay",
        ALL,
    ),
    o("mincpus", None, R, A::MinCpus, "minimum CPUs per node", ALL),
    o("network", None, R, A::Other, "network settings", ALL),
    o(
        "nice",
        None,
        Opt,
        A::Nice,
        "lower the priority by this much (default 100)",
        ALL,
    ),
    o(
        "no-kill",
        Some('k'),
        Opt,
        A::Refused("a job that keeps its other nodes when one fails is not modelled"),
        "do not kill the job when a node fails",
        ALL,
    ),
    o(
        "no-requeue",
        None,
        N,
        A::NoRequeue,
        "never requeue the job",
        SB,
    ),
    o(
        "nodefile",
        Some('F'),
        R,
        A::Nodefile,
        "file with the required nodes",
        ALL,
    ),
    o(
        "nodelist",
        Some('w'),
        R,
        A::Nodelist,
        "nodes the job must use",
        ALL,
    ),
    o("nodes", Some('N'), R, A::Nodes, "node count min[-max]", ALL),
    o("ntasks", Some('n'), R, A::Ntasks, "number of tasks", ALL),
    o(
        "ntasks-per-core",
        None,
        R,
        A::Checked(Check::OneThreadPerCore),
        "maximum tasks per core",
        ALL,
    ),
    o(
        "ntasks-per-gpu",
        None,
        R,
        A::Refused("tasks bound to GPUs are not modelled"),
        "tasks per GPU",
        ALL,
    ),
    o(
        "ntasks-per-node",
        None,
        R,
        A::NtasksPerNode,
        "tasks per node",
        ALL,
    ),
    o(
        "ntasks-per-socket",
        None,
        R,
        A::Refused(LAYOUT),
        "maximum tasks per socket",
        ALL,
    ),
    o(
        "ntasks-per-tres",
        None,
        R,
        A::Refused("tasks bound to GPUs are not modelled"),
        "tasks per TRES",
        ALL,
    ),
    o(
        "oom-kill-step",
        None,
        Opt,
        A::Other,
        "kill the step on OOM",
        ALL,
    ),
    o(
        "open-mode",
        None,
        R,
        A::Other,
        "append or truncate output files",
        SB | SR,
    ),
    o(
        "output",
        Some('o'),
        R,
        A::Output,
        "standard output file pattern",
        SB | SR,
    ),
    o(
        "overcommit",
        Some('O'),
        N,
        A::Overcommit,
        "allow more tasks than CPUs",
        ALL,
    ),
    o(
        "oversubscribe",
        Some('s'),
        N,
        A::Oversubscribe,
        "share resources with other jobs",
        ALL,
    ),
    o(
        "parsable",
        None,
        N,
        A::Other,
        "print only the job id",
        SB | SR,
    ),
    o(
        "partition",
        Some('p'),
        R,
        A::Partition,
        "partitions to run in (comma list)",
        ALL,
    ),
    o(
        "power",
        None,
        R,
        A::Other,
        "power management flags (22.05-23.02)",
        ALL,
    ),
    o(
        "prefer",
        None,
        R,
        A::Refused("preferred (soft) features are not modelled"),
        "preferred (soft) node features",
        ALL,
    ),
    o(
        "priority",
        None,
        R,
        A::Priority,
        "explicit job priority (privileged)",
        ALL,
    ),
    o(
        "profile",
        None,
        R,
        A::Other,
        "profiling data to collect",
        ALL,
    ),
    o(
        "propagate",
        None,
        Opt,
        A::Other,
        "resource limits to propagate",
        SB | SR,
    ),
    o("qos", Some('q'), R, A::Qos, "quality of service", ALL),
    o(
        "quiet",
        Some('Q'),
        N,
        A::Other,
        "suppress informational messages",
        ALL,
    ),
    o(
        "reboot",
        None,
        N,
        A::Refused("rebooting nodes before the job starts is not modelled"),
        "reboot nodes before starting",
        ALL,
    ),
    o(
        "requeue",
        None,
        Opt,
        A::Requeue,
        "allow requeueing (=expedite: expedited)",
        SB,
    ),
    o(
        "reservation",
        None,
        R,
        A::Refused("advanced reservations are not modelled"),
        "advanced reservations to use",
        ALL,
    ),
    o(
        "resources",
        None,
        R,
        A::Other,
        "resources for the container runtime",
        ALL,
    ),
    o(
        "resv-ports",
        None,
        Opt,
        A::Other,
        "reserve communication ports",
        ALL,
    ),
    o("runtime", None, R, A::Other, "container runtime", ALL),
    o(
        "segment",
        None,
        R,
        A::Refused(SEGMENTS),
        "segment size (topology/block)",
        ALL,
    ),
    o(
        "signal",
        None,
        R,
        A::Other,
        "signal to send before the time limit",
        ALL,
    ),
    o(
        "sockets-per-node",
        None,
        R,
        A::Refused(LAYOUT),
        "minimum sockets per node",
        ALL,
    ),
    o(
        "spread-job",
        None,
        N,
        A::Refused("spreading a job over as many nodes as possible is not modelled"),
        "spread the job over as many nodes as possible",
        ALL,
    ),
    o(
        "spread-segments",
        None,
        N,
        A::Refused(SEGMENTS),
        "place segments apart (topology/block)",
        ALL,
    ),
    o("stepmgr", None, N, A::Other, "enable the step manager", ALL),
    o(
        "switches",
        None,
        R,
        A::Other,
        "maximum leaf switches[@max-time]",
        ALL,
    ),
    o(
        "tasks-per-node",
        None,
        R,
        A::NtasksPerNode,
        "alias of --ntasks-per-node",
        ALL,
    ),
    o(
        "test-only",
        None,
        N,
        A::Info,
        "estimate the start without submitting",
        SB | SR,
    ),
    o(
        "thread-spec",
        None,
        R,
        A::Refused(SPECIALIZED),
        "threads reserved for system use per node",
        ALL,
    ),
    o(
        "threads-per-core",
        None,
        R,
        A::Checked(Check::OneThreadPerCore),
        "minimum threads per core",
        ALL,
    ),
    o("time", Some('t'), R, A::Time, "time limit", ALL),
    o(
        "time-min",
        None,
        R,
        A::TimeMin,
        "minimum time limit (for backfill)",
        ALL,
    ),
    o(
        "tmp",
        None,
        R,
        A::Tmp,
        "minimum temporary disk per node",
        ALL,
    ),
    o("tres-bind", None, R, A::Other, "task to TRES binding", ALL),
    o(
        "tres-per-task",
        None,
        R,
        A::Refused("TRES bound to tasks are not modelled"),
        "TRES per task",
        ALL,
    ),
    o("uid", None, R, A::Uid, "user to submit as (root only)", ALL),
    o("usage", None, N, A::Info, "print usage and exit", ALL),
    o(
        "use-min-nodes",
        None,
        N,
        A::UseMinNodes,
        "prefer the minimum node count of a range",
        ALL,
    ),
    o(
        "verbose",
        Some('v'),
        N,
        A::Other,
        "more messages (repeatable)",
        ALL,
    ),
    o(
        "version",
        Some('V'),
        N,
        A::Info,
        "print the version and exit",
        ALL,
    ),
    o(
        "wait",
        Some('W'),
        N,
        A::Other,
        "wait for the job to end",
        SB,
    ),
    o(
        "wait-all-nodes",
        None,
        R,
        A::Other,
        "wait until all nodes are booted (0|1)",
        SB | SA,
    ),
    o(
        "wckey",
        None,
        R,
        A::Other,
        "workload characterization key",
        ALL,
    ),
    o(
        "wrap",
        None,
        R,
        A::Other,
        "wrap a command string in a sh script",
        SB,
    ),
];

/// Options srun or salloc accept and sbatch does not (Slurm 22.05 to 26.x), sorted by
/// long name. srun's `--wait` takes a value (sbatch's `-W, --wait` takes none); `-K` is
/// salloc's `--kill-command` and srun's `--kill-on-bad-exit`.
static INTERACTIVE_OPTIONS: &[SbatchOption] = &[
    o(
        "accel-bind",
        None,
        R,
        A::Other,
        "accelerator binding of tasks",
        SR,
    ),
    o(
        "async",
        None,
        N,
        A::Other,
        "launch the step without waiting for it",
        SR,
    ),
    o(
        "bcast",
        None,
        Opt,
        A::Other,
        "copy the executable to the nodes",
        SR,
    ),
    o(
        "bcast-exclude",
        None,
        R,
        A::Other,
        "libraries --bcast leaves out",
        SR,
    ),
    o(
        "bell",
        None,
        N,
        A::Other,
        "ring the bell when the allocation is granted",
        SA,
    ),
    o(
        "compress",
        None,
        Opt,
        A::Other,
        "compress the --bcast files",
        SR,
    ),
    o("cpu-bind", None, R, A::Other, "task to CPU binding", SR),
    o("cpu_bind", None, R, A::Other, "alias of --cpu-bind", SR),
    o(
        "debugger-test",
        None,
        N,
        A::Other,
        "parallel debugger test mode",
        SR,
    ),
    o(
        "disable-status",
        Some('X'),
        N,
        A::Other,
        "no status report on Ctrl-C",
        SR,
    ),
    o(
        "epilog",
        None,
        R,
        A::Other,
        "program srun runs after the step",
        SR,
    ),
    o(
        "exact",
        None,
        N,
        A::Other,
        "the step gets only what it asks for",
        SR,
    ),
    o(
        "external-launcher",
        None,
        Opt,
        A::Other,
        "an external launcher's step",
        SR,
    ),
    o(
        "het-group",
        None,
        R,
        A::Refused(HETJOB),
        "heterogeneous job components to run on",
        SR,
    ),
    o(
        "ignore-signals",
        None,
        R,
        A::Other,
        "signals srun does not forward",
        SR,
    ),
    o(
        "immediate",
        Some('I'),
        Opt,
        A::Refused(
            "the job is cancelled unless it starts within the given time, which hpcsched does not model",
        ),
        "give up unless allocated within seconds",
        SR | SA,
    ),
    o(
        "interactive",
        None,
        N,
        A::Other,
        "interactive step (internal)",
        SR,
    ),
    o(
        "jobid",
        None,
        R,
        A::Refused(
            "it runs a step in an existing job's allocation; there is no new job to schedule",
        ),
        "run in this existing job",
        SR,
    ),
    o(
        "kill-command",
        Some('K'),
        Opt,
        A::Other,
        "signal the command when the allocation ends",
        SA,
    ),
    o(
        "kill-on-bad-exit",
        Some('K'),
        Opt,
        A::Other,
        "end the step when a task fails",
        SR,
    ),
    o(
        "label",
        Some('l'),
        N,
        A::Other,
        "prefix output lines with the task number",
        SR,
    ),
    o("mpi", None, R, A::Other, "MPI plugin", SR),
    o(
        "msg-timeout",
        None,
        R,
        A::Other,
        "launch message timeout",
        SR,
    ),
    o(
        "multi-prog",
        None,
        N,
        A::Other,
        "a different program per task",
        SR,
    ),
    o(
        "no-allocate",
        Some('Z'),
        N,
        A::Refused(
            "it runs on nodes without a job allocation (privileged); there is no job to schedule",
        ),
        "run without an allocation",
        SR,
    ),
    o("no-bell", None, N, A::Other, "never ring the bell", SA),
    o(
        "no-shell",
        None,
        N,
        A::Other,
        "exit once allocated, running nothing",
        SA,
    ),
    o(
        "overlap",
        None,
        Opt,
        A::Other,
        "the step may share resources with others",
        SR,
    ),
    o(
        "pack-group",
        None,
        R,
        A::Refused(HETJOB),
        "alias of --het-group",
        SR,
    ),
    o(
        "preserve-env",
        Some('E'),
        N,
        A::Other,
        "keep SLURM_NNODES and SLURM_NTASKS",
        SR,
    ),
    o(
        "prolog",
        None,
        R,
        A::Other,
        "program srun runs before the step",
        SR,
    ),
    o(
        "pty",
        None,
        Opt,
        A::Other,
        "run task 0 in a pseudo-terminal",
        SR,
    ),
    o(
        "quit-on-interrupt",
        None,
        N,
        A::Other,
        "quit on one Ctrl-C",
        SR,
    ),
    o(
        "relative",
        Some('r'),
        R,
        A::Other,
        "step nodes relative to the allocation",
        SR,
    ),
    o(
        "send-libs",
        None,
        Opt,
        A::Other,
        "send the executable's libraries too",
        SR,
    ),
    o(
        "slurmd-debug",
        None,
        R,
        A::Other,
        "slurmd debug level for the step",
        SR,
    ),
    o(
        "task-epilog",
        None,
        R,
        A::Other,
        "program run after each task",
        SR,
    ),
    o(
        "task-prolog",
        None,
        R,
        A::Other,
        "program run before each task",
        SR,
    ),
    o(
        "threads",
        Some('T'),
        R,
        A::Other,
        "threads srun sends messages with",
        SR,
    ),
    o(
        "treewidth",
        None,
        R,
        A::Other,
        "fanout of the step's messages",
        SR,
    ),
    o(
        "unbuffered",
        Some('u'),
        N,
        A::Other,
        "do not buffer the output",
        SR,
    ),
    o(
        "wait",
        Some('W'),
        R,
        A::Other,
        "end the step this long after a task exits",
        SR,
    ),
    o(
        "wait-for-children",
        None,
        N,
        A::Other,
        "wait for the tasks' children",
        SR,
    ),
    o(
        "whole",
        None,
        N,
        A::Other,
        "the step gets all of each node",
        SR,
    ),
    o("x11", None, Opt, A::Other, "X11 forwarding", SR | SA),
];

/// Why heterogeneous-job options are refused.
const HETJOB: &str = "heterogeneous jobs are not supported";

/// The options `client` accepts (without SPANK plugins'), each once.
///
/// ```
/// use hpcsched::request::Client;
/// use hpcsched::sbatch::options;
/// assert!(options(Client::Srun).any(|o| o.long == "pty"));
/// assert!(!options(Client::Salloc).any(|o| o.long == "output"));
/// assert!(options(Client::Sbatch).all(|o| o.long != "pty"));
/// ```
pub fn options(client: Client) -> impl Iterator<Item = &'static SbatchOption> {
    SBATCH_OPTIONS
        .iter()
        .chain(INTERACTIVE_OPTIONS)
        .filter(move |o| o.accepted_by(client))
}

/// Whether `name` is a long option of sbatch, srun or salloc.
pub(crate) fn is_slurm_option(name: &str) -> bool {
    SBATCH_OPTIONS
        .iter()
        .chain(INTERACTIVE_OPTIONS)
        .any(|o| o.long == name)
}

/// Looks up an sbatch option by its exact long name (without `--`).
///
/// ```
/// use hpcsched::sbatch::{find_option, ArgKind};
/// let time = find_option("time").unwrap();
/// assert_eq!(time.short, Some('t'));
/// assert_eq!(time.arg, ArgKind::Required);
/// assert!(find_option("tim").is_none());
/// assert!(find_option("pty").is_none()); // srun's
/// ```
#[must_use]
pub fn find_option(long: &str) -> Option<&'static SbatchOption> {
    SBATCH_OPTIONS.iter().find(|o| o.long == long)
}

/// An option as the command line names it: one of Slurm's, or one a SPANK plugin adds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Spec<'p> {
    Slurm(&'static SbatchOption),
    Plugin(&'p SpankPlugin, &'p SpankOption),
}

impl Spec<'_> {
    /// The long name, without `--`.
    pub(crate) fn long(&self) -> &str {
        match self {
            Spec::Slurm(o) => o.long,
            Spec::Plugin(_, o) => o.name(),
        }
    }
    /// Whether it takes a value.
    pub(crate) fn arg(&self) -> ArgKind {
        match self {
            Spec::Slurm(o) => o.arg,
            Spec::Plugin(_, o) => o.arg(),
        }
    }
}

/// The options one command accepts on one cluster: its own and its SPANK plugins'.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Table<'p> {
    pub(crate) client: Client,
    pub(crate) plugins: &'p [SpankPlugin],
}

impl<'p> Table<'p> {
    fn all(self) -> impl Iterator<Item = Spec<'p>> {
        let client = self.client;
        options(client).map(Spec::Slurm).chain(
            self.plugins
                .iter()
                .filter(move |p| p.registers_for(client))
                .flat_map(|p| p.options().iter().map(move |o| Spec::Plugin(p, o))),
        )
    }

    /// The option with this short name (plugins have none).
    pub(crate) fn short(self, c: char) -> Option<&'static SbatchOption> {
        options(self.client).find(|o| o.short == Some(c))
    }

    /// Resolves a long name the way `getopt_long` does: an exact match, else the only
    /// option the name is a prefix of. `written` is the option as written, for errors.
    pub(crate) fn long(self, name: &str, written: &str) -> Result<Spec<'p>, OptionError> {
        if let Some(exact) = self.all().find(|s| s.long() == name) {
            return Ok(exact);
        }
        if name.is_empty() {
            return Err(OptionError::Unknown(written.to_owned()));
        }
        let candidates: Vec<Spec<'p>> = self.all().filter(|s| s.long().starts_with(name)).collect();
        match candidates.as_slice() {
            [] => Err(OptionError::Unknown(written.to_owned())),
            [one] => Ok(*one),
            many => Err(OptionError::Ambiguous {
                option: written.to_owned(),
                candidates: many.iter().map(|s| format!("--{}", s.long())).collect(),
            }),
        }
    }
}

/// Where an option came from: a script line (1-based) or the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Line(usize),
    Cli,
}

/// State that outlives one pass: which mutually exclusive options were set, and where.
#[derive(Debug)]
pub(crate) struct Applier<'p> {
    table: Table<'p>,
    memory: Option<(&'static str, Source)>,
    /// `--gpus-per-node` / `--gres`: when (the option counter) and where they were last set.
    gpus_per_node: Option<(usize, Source)>,
    gres: Option<(usize, Source)>,
    /// Options whose combination is checked at the end, with where each was first given.
    seen: Vec<(&'static str, Source)>,
    /// Counts applied options, to tell which of two came later.
    applied: usize,
}

/// An option error together with where it happened.
#[derive(Debug)]
pub(crate) struct Located {
    pub source: Source,
    pub error: OptionError,
}

/// The result of one getopt pass.
pub(crate) struct PassEnd {
    /// Index of the first argument that was not consumed (the script path, for the
    /// command line).
    pub stop: usize,
}

/// Options that may not be given together, for the commands that check it: sbatch, srun
/// and salloc refuse `-v` with `-Q` (`_opt_verify()`), srun `--exact` with `--whole`,
/// `--exclusive` with `--overlap`, and `-r` with `-w` or `-x`.
const INCOMPATIBLE: &[(&str, &str, u8)] = &[
    ("verbose", "quiet", ALL),
    ("exact", "whole", SR),
    ("exclusive", "overlap", SR),
    ("relative", "nodelist", SR),
    ("relative", "exclude", SR),
];

impl<'p> Applier<'p> {
    /// A fresh option set for `client`, with the options of `plugins`.
    pub(crate) fn new(client: Client, plugins: &'p [SpankPlugin]) -> Self {
        Self {
            table: Table { client, plugins },
            memory: None,
            gpus_per_node: None,
            gres: None,
            seen: Vec::new(),
            applied: 0,
        }
    }

    /// Runs `getopt_long` over `args`, applying each option to `req`. `source_of(i)` says
    /// where argument `i` came from. Stops at `--` (consumed) or at the first non-option.
    pub(crate) fn pass<S: AsRef<str>>(
        &mut self,
        req: &mut JobRequest,
        args: &[S],
        source_of: &dyn Fn(usize) -> Source,
    ) -> Result<PassEnd, Located> {
        let mut i = 0;
        while let Some(arg) = args.get(i) {
            let arg = arg.as_ref();
            let source = source_of(i);
            let at = |error| Located { source, error };
            if arg == "--" {
                return Ok(PassEnd { stop: i + 1 });
            }
            if arg == "-" || !arg.starts_with('-') {
                return Ok(PassEnd { stop: i });
            }
            i += 1;
            if let Some(body) = arg.strip_prefix("--") {
                let (name, attached) = match body.split_once('=') {
                    Some((n, v)) => (n, Some(v)),
                    None => (body, None),
                };
                let written = format!("--{name}");
                let spec = self.table.long(name, &written).map_err(at)?;
                let value = match (spec.arg(), attached) {
                    (ArgKind::None, Some(v)) => {
                        return Err(at(OptionError::UnexpectedValue {
                            option: format!("--{}", spec.long()),
                            value: v.to_owned(),
                        }));
                    }
                    (_, Some(v)) => Some(v),
                    (ArgKind::Required, None) => {
                        let v = args
                            .get(i)
                            .ok_or_else(|| at(OptionError::MissingValue(written.clone())))?;
                        i += 1;
                        Some(v.as_ref())
                    }
                    (ArgKind::None | ArgKind::Optional, None) => None,
                };
                match spec {
                    Spec::Slurm(o) => self.apply(req, o, value, source).map_err(at)?,
                    Spec::Plugin(plugin, o) => {
                        self.apply_plugin(req, plugin, o, value).map_err(at)?;
                    }
                }
            } else {
                // A cluster of short options: `-Hv`, `-N2`, `-HN 2`.
                let cluster = &arg[1..];
                for (pos, c) in cluster.char_indices() {
                    let spec = self
                        .table
                        .short(c)
                        .ok_or_else(|| at(OptionError::Unknown(format!("-{c}"))))?;
                    let rest = &cluster[pos + c.len_utf8()..];
                    match spec.arg {
                        ArgKind::None => self.apply(req, spec, None, source).map_err(at)?,
                        ArgKind::Optional => {
                            let value = (!rest.is_empty()).then_some(rest);
                            self.apply(req, spec, value, source).map_err(at)?;
                            break;
                        }
                        ArgKind::Required => {
                            let value = if rest.is_empty() {
                                let v = args.get(i).ok_or_else(|| {
                                    at(OptionError::MissingValue(format!("-{c}")))
                                })?;
                                i += 1;
                                v.as_ref()
                            } else {
                                rest
                            };
                            self.apply(req, spec, Some(value), source).map_err(at)?;
                            break;
                        }
                    }
                }
            }
        }
        Ok(PassEnd { stop: i })
    }

    /// The command-line pass: options up to the script path (sbatch) or the command (srun,
    /// salloc). Any argument that is exactly `:` makes the command build a heterogeneous
    /// job (`sbatch -N1 : -N2 job.sh`; the command looks at every argument, even `-J :` or
    /// the script's or program's own arguments).
    pub(crate) fn cli_pass<S: AsRef<str>>(
        &mut self,
        req: &mut JobRequest,
        args: &[S],
    ) -> Result<PassEnd, Located> {
        if args.iter().any(|a| a.as_ref() == ":") {
            return Err(Located {
                source: Source::Cli,
                error: OptionError::HetJobUnsupported,
            });
        }
        self.pass(req, args, &|_| Source::Cli)
    }

    /// Checks that need the final values of every pass (`--gres=gpu` vs
    /// `--gpus-per-node`, `_validate_gres_vs_gpus_per_node()`; options the command
    /// refuses together).
    pub(crate) fn finish(&self, req: &JobRequest) -> Result<(), Located> {
        let gres_has_gpu = req.gres.iter().any(|g| g.key.name == "gpu");
        if let (Some(gpn), Some(gres), true) = (self.gpus_per_node, self.gres, gres_has_gpu) {
            let (first, second, source) = if gpn.0 > gres.0 {
                ("--gres=gpu", "--gpus-per-node", gpn.1)
            } else {
                ("--gpus-per-node", "--gres=gpu", gres.1)
            };
            return Err(Located {
                source,
                error: OptionError::Conflict {
                    first: first.to_owned(),
                    second: second.to_owned(),
                },
            });
        }
        let bit = client_bit(self.table.client);
        for &(a, b, clients) in INCOMPATIBLE {
            if clients & bit == 0 {
                continue;
            }
            let at = |name: &str| self.seen.iter().position(|(n, _)| *n == name);
            if let (Some(x), Some(y)) = (at(a), at(b)) {
                // Named in Slurm's order; found where the later of the two was given.
                let source = self.seen.get(x.max(y)).map_or(Source::Cli, |&(_, s)| s);
                return Err(Located {
                    source,
                    error: OptionError::Incompatible {
                        first: format!("--{a}"),
                        second: format!("--{b}"),
                    },
                });
            }
        }
        Ok(())
    }

    /// Hands a plugin option to its plugin, which may refuse the value, and keeps it.
    fn apply_plugin(
        &mut self,
        req: &mut JobRequest,
        plugin: &SpankPlugin,
        option: &SpankOption,
        value: Option<&str>,
    ) -> Result<(), OptionError> {
        let name = option.name();
        plugin
            .check(&req.plugin_options, name, value)
            .map_err(|refusal| match refusal {
                PluginRefusal::Value(why) => OptionError::InvalidValue {
                    option: format!("--{name}"),
                    value: value.unwrap_or("").to_owned(),
                    why,
                },
                PluginRefusal::Conflict(other) => OptionError::Conflict {
                    first: format!("--{other}"),
                    second: format!("--{name}"),
                },
            })?;
        self.applied += 1;
        req.plugin_options
            .push((name.to_owned(), value.map(str::to_owned)));
        Ok(())
    }

    fn apply(
        &mut self,
        req: &mut JobRequest,
        spec: &'static SbatchOption,
        value: Option<&str>,
        source: Source,
    ) -> Result<(), OptionError> {
        let name = spec.long;
        self.applied += 1;
        if INCOMPATIBLE.iter().any(|&(a, b, _)| a == name || b == name)
            && !self.seen.iter().any(|(n, _)| *n == name)
        {
            self.seen.push((name, source));
        }
        let invalid = |v: &str, why: String| OptionError::InvalidValue {
            option: format!("--{name}"),
            value: v.to_owned(),
            why,
        };
        // `value` is `Some` for every Required option (the getopt loop guarantees it).
        let v = value.unwrap_or("");
        match spec.action {
            A::JobName => req.job_name = Some(v.to_owned()),
            A::Uid => {
                if v.is_empty() {
                    return Err(invalid(v, "empty user name".into()));
                }
                req.user = Some(v.to_owned());
            }
            A::Account => req.account = Some(v.to_owned()),
            A::Qos => req.qos = Some(v.to_owned()),
            A::Comment => req.comment = Some(v.to_owned()),
            A::Partition => {
                let parts: Vec<String> = v.split(',').map(str::to_owned).collect();
                if parts.iter().any(String::is_empty) {
                    return Err(invalid(v, "empty partition name".into()));
                }
                req.partitions = parts;
            }
            A::Nodes => req.nodes = Some(parse_nodes(v).map_err(|why| invalid(v, why))?),
            A::Ntasks => req.ntasks = Some(parse_positive(v).map_err(|why| invalid(v, why))?),
            A::NtasksPerNode => {
                req.ntasks_per_node = Some(parse_positive(v).map_err(|why| invalid(v, why))?);
            }
            A::MinCpus => req.mincpus = Some(parse_positive(v).map_err(|why| invalid(v, why))?),
            A::CpusPerTask => {
                req.cpus_per_task = Some(parse_positive(v).map_err(|why| invalid(v, why))?);
            }
            A::Mem | A::MemPerCpu | A::MemPerGpu => {
                if let Some((first, _)) = self.memory
                    && first != name
                {
                    return Err(OptionError::Conflict {
                        first: format!("--{first}"),
                        second: format!("--{name}"),
                    });
                }
                let mem = values::memory(v).map_err(|why| invalid(v, why))?;
                req.memory = Some(match spec.action {
                    A::Mem => MemoryRequest::PerNode(mem),
                    A::MemPerCpu => MemoryRequest::PerCpu(mem),
                    _ => MemoryRequest::PerGpu(mem),
                });
                self.memory = Some((name, source));
            }
            A::Gres => {
                if v.eq_ignore_ascii_case("help") || v.eq_ignore_ascii_case("list") {
                    return Err(OptionError::Informational(format!("--gres={v}")));
                }
                req.gres = if v.eq_ignore_ascii_case("none") {
                    Vec::new()
                } else {
                    values::gres_list(v).map_err(|why| invalid(v, why))?
                };
                self.gres = Some((self.applied, source));
            }
            A::Gpus => {
                let gpus = values::gpus(v).map_err(|why| invalid(v, why))?;
                req.gpus = Some(Box::new(gpus));
            }
            A::GpusPerNode => {
                let gpus = values::gpus(v).map_err(|why| invalid(v, why))?;
                req.gpus_per_node = Some(Box::new(gpus));
                self.gpus_per_node = Some((self.applied, source));
            }
            A::Time => req.time_limit = Some(values::job_time(v).map_err(|why| invalid(v, why))?),
            A::TimeMin => req.time_min = Some(values::job_time(v).map_err(|why| invalid(v, why))?),
            A::Begin => req.begin = Some(values::begin(v).map_err(|why| invalid(v, why))?),
            A::Deadline => req.deadline = Some(values::begin(v).map_err(|why| invalid(v, why))?),
            A::Nice => {
                req.nice = Some(match value {
                    None => 100,
                    Some(v) => parse_nice(v).map_err(|why| invalid(v, why))?,
                });
            }
            A::Priority => req.priority = Some(parse_priority(v).map_err(|why| invalid(v, why))?),
            A::Hold => req.hold = true,
            A::Exclusive => {
                let (exclusive, oversubscribe) = match value {
                    None => (Some(Exclusive::Node), false),
                    Some(v) => match v.to_ascii_lowercase().as_str() {
                        "exclusive" | "allocation" => (Some(Exclusive::Node), false),
                        "user" => (Some(Exclusive::User), false),
                        "mcs" => (Some(Exclusive::Mcs), false),
                        "topo" => (Some(Exclusive::Topo), false),
                        "oversubscribe" => (None, true),
                        _ => {
                            return Err(invalid(
                                v,
                                "expected user, mcs, topo, oversubscribe or no value".into(),
                            ));
                        }
                    },
                };
                req.exclusive = exclusive;
                req.oversubscribe = oversubscribe;
            }
            A::Oversubscribe => {
                req.exclusive = None;
                req.oversubscribe = true;
            }
            A::Constraint => {
                req.constraint = Some(Box::new(
                    values::constraint(v).map_err(|why| invalid(v, why))?,
                ));
            }
            A::Nodelist | A::Exclude => {
                if v.contains('/') {
                    return Err(OptionError::FileNotSupported {
                        option: format!("--{name}"),
                        value: v.to_owned(),
                    });
                }
                // Stored in canonical order without duplicates (Slurm treats the list as a
                // set of nodes), so a request renders and reads back unchanged.
                let hosts = values::hostlist(v).map_err(|why| invalid(v, why))?;
                let hosts = values::hostlist(&values::hostlist_str(&hosts)).unwrap_or(hosts);
                if spec.action == A::Nodelist {
                    req.nodelist = hosts;
                } else {
                    req.exclude = hosts;
                }
            }
            A::Nodefile => {
                return Err(OptionError::FileNotSupported {
                    option: "--nodefile".into(),
                    value: v.to_owned(),
                });
            }
            A::Dependency => {
                req.dependency = Some(Box::new(
                    values::dependency(v).map_err(|why| invalid(v, why))?,
                ));
            }
            A::KillOnInvalidDep => {
                req.kill_on_invalid_dep = Some(if v.eq_ignore_ascii_case("yes") {
                    true
                } else if v.eq_ignore_ascii_case("no") {
                    false
                } else {
                    return Err(invalid(v, "expected yes or no".into()));
                });
            }
            A::Array => {
                req.array = Some(Box::new(values::array(v).map_err(|why| invalid(v, why))?));
            }
            A::Output => req.output = Some(OutputPattern(v.to_owned())),
            A::Error => req.error = Some(OutputPattern(v.to_owned())),
            A::Requeue => {
                match value {
                    None | Some("") => {}
                    Some(v) if v.eq_ignore_ascii_case("expedite") => req.expedited_requeue = true,
                    Some(v) => return Err(invalid(v, "expected no value or `expedite`".into())),
                }
                req.requeue = Some(true);
            }
            A::NoRequeue => {
                req.requeue = Some(false);
                req.expedited_requeue = false;
            }
            A::Info => {
                return Err(OptionError::Informational(format!("--{name}")));
            }
            A::Other => req
                .other_options
                .push((name.to_owned(), value.map(str::to_owned))),
            A::Refused(why) => {
                return Err(OptionError::Unsupported {
                    option: format!("--{name}"),
                    why: why.to_owned(),
                });
            }
            A::Checked(check) => {
                check.run(value).map_err(|why| OptionError::Unsupported {
                    option: match value {
                        Some(v) => format!("--{name}={v}"),
                        None => format!("--{name}"),
                    },
                    why: why.to_owned(),
                })?;
                req.other_options
                    .push((name.to_owned(), value.map(str::to_owned)));
            }
            A::Tmp => req.tmp = Some(values::memory(v).map_err(|why| invalid(v, why))?),
            A::CpusPerGpu => {
                req.cpus_per_gpu = Some(parse_positive(v).map_err(|why| invalid(v, why))?);
            }
            A::Overcommit => req.overcommit = true,
            A::UseMinNodes => req.use_min_nodes = true,
        }
        Ok(())
    }
}

/// Options of a command line alone (no script), applied to `req`; returns the index of
/// the first word after them.
pub(crate) fn apply_args<S: AsRef<str>>(
    req: &mut JobRequest,
    args: &[S],
    client: Client,
    plugins: &[SpankPlugin],
) -> Result<usize, OptionError> {
    let mut applier = Applier::new(client, plugins);
    let end = applier.cli_pass(req, args).map_err(|l| l.error)?;
    applier.finish(req).map_err(|l| l.error)?;
    Ok(end.stop)
}

/// `strtol`-style decimal: optional leading whitespace and sign, then digits only.
fn parse_decimal(s: &str) -> Result<i64, String> {
    let t = s.trim_start();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("not a number".into());
    }
    let n: i64 = digits
        .parse()
        .map_err(|_| "number out of range".to_owned())?;
    Ok(if neg { -n } else { n })
}

/// `parse_int(name, arg, positive=true)` in Slurm's `proc_args.c`: 1 to `INT_MAX - 1`.
fn parse_positive(s: &str) -> Result<u32, String> {
    let n = parse_decimal(s)?;
    if n <= 0 {
        return Err("must be a positive integer".into());
    }
    if n >= i64::from(i32::MAX) {
        return Err("too large".into());
    }
    Ok(n as u32)
}

/// `NICE_OFFSET - 3`: the largest nice adjustment sbatch accepts.
const MAX_NICE: i64 = 0x8000_0000 - 3;

fn parse_nice(s: &str) -> Result<i32, String> {
    let n = parse_decimal(s)?;
    if n.abs() > MAX_NICE {
        return Err(format!("out of range (+/- {MAX_NICE})"));
    }
    Ok(n as i32)
}

/// `NO_VAL - 1`: the value sbatch sends for `--priority=TOP`.
pub(crate) const PRIORITY_TOP: u32 = 0xffff_fffd;

fn parse_priority(s: &str) -> Result<u32, String> {
    if s.eq_ignore_ascii_case("top") {
        return Ok(PRIORITY_TOP);
    }
    let n = parse_decimal(s)?;
    if n < 0 {
        return Err("must be >= 0".into());
    }
    // NO_VAL (0xfffffffe) and above are reserved.
    if n >= 0xffff_fffe {
        return Err("must be < 4294967294".into());
    }
    Ok(n as u32)
}

/// `str_to_nodes()`: a count with an optional `k` (x1024) or `m` (x1048576) suffix.
/// `Ok(None)` means "no digits at all" (Slurm's -1), which a range minimum turns into 1.
fn str_to_nodes(s: &str) -> Result<Option<u32>, String> {
    let t = s.trim();
    let digits_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, suffix) = t.split_at(digits_end);
    if digits.is_empty() {
        return if suffix.is_empty() {
            Ok(None)
        } else {
            Err(format!("`{s}` is not a valid node count"))
        };
    }
    let n: u64 = digits.parse().map_err(|_| format!("`{s}` is too large"))?;
    let mult: u64 = match suffix {
        "" => 1,
        "k" | "K" => 1024,
        "m" | "M" => 1024 * 1024,
        _ => return Err(format!("`{s}` is not a valid node count")),
    };
    let n = n.saturating_mul(mult);
    if n > u64::from(i32::MAX.unsigned_abs()) {
        return Err(format!("`{s}` is too large"));
    }
    Ok(Some(n as u32))
}

/// `verify_node_count()`: `N`, or `min-max`.
fn parse_nodes(s: &str) -> Result<NodeCount, String> {
    if s.contains([',', ':']) {
        return Err("node-count size lists (`1,5,9`, `1-15:4`) are not supported".into());
    }
    if let Some((lo, hi)) = s.split_once('-') {
        // An empty minimum means 1, as in Slurm.
        let min = str_to_nodes(lo)?.unwrap_or(1);
        let max = str_to_nodes(hi)?.ok_or_else(|| format!("`{s}` has no maximum node count"))?;
        if max == 0 && min > 0 {
            // Slurm reads a maximum of 0 as "no maximum"; NodeCount has no way to say that.
            return Err("a maximum node count of 0 is not supported; give only the minimum or a real maximum".into());
        }
        if max < min {
            return Err(format!(
                "maximum node count {max} is less than minimum node count {min}"
            ));
        }
        Ok(NodeCount { min, max })
    } else {
        let n = str_to_nodes(s)?.ok_or_else(|| format!("`{s}` is not a valid node count"))?;
        Ok(NodeCount { min: n, max: n })
    }
}

/// Renders a `--gpus`/`--gpus-per-node` value: `[type:]N`.
pub(crate) fn gpus_value(g: &GresSpec) -> String {
    match &g.key.kind {
        Some(kind) => format!("{kind}:{}", g.count),
        None => g.count.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sbatch::parse_args;

    fn err(args: &[&str]) -> OptionError {
        match parse_args(args) {
            Ok(r) => panic!("expected an error for {args:?}, got {r:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn table_is_sorted_unique_and_short_names_unique() {
        assert!(SBATCH_OPTIONS.windows(2).all(|w| w[0].long < w[1].long));
        let mut shorts: Vec<char> = SBATCH_OPTIONS.iter().filter_map(|o| o.short).collect();
        let n = shorts.len();
        shorts.sort_unstable();
        shorts.dedup();
        assert_eq!(shorts.len(), n);
        // Short options of sbatch (slurm_opt.c), each with its has_arg.
        for (c, long, arg) in [
            ('A', "account", ArgKind::Required),
            ('a', "array", ArgKind::Required),
            ('b', "begin", ArgKind::Required),
            ('C', "constraint", ArgKind::Required),
            ('c', "cpus-per-task", ArgKind::Required),
            ('D', "chdir", ArgKind::Required),
            ('d', "dependency", ArgKind::Required),
            ('e', "error", ArgKind::Required),
            ('F', "nodefile", ArgKind::Required),
            ('G', "gpus", ArgKind::Required),
            ('H', "hold", ArgKind::None),
            ('J', "job-name", ArgKind::Required),
            ('k', "no-kill", ArgKind::Optional),
            ('N', "nodes", ArgKind::Required),
            ('n', "ntasks", ArgKind::Required),
            ('s', "oversubscribe", ArgKind::None),
            ('t', "time", ArgKind::Required),
            ('w', "nodelist", ArgKind::Required),
            ('x', "exclude", ArgKind::Required),
        ] {
            let o = sbatch().short(c).unwrap();
            assert_eq!((o.long, o.arg), (long, arg), "-{c}");
        }
    }

    fn sbatch() -> Table<'static> {
        Table {
            client: Client::Sbatch,
            plugins: &[],
        }
    }

    #[test]
    fn each_command_has_unique_long_and_short_names() {
        assert!(
            INTERACTIVE_OPTIONS
                .windows(2)
                .all(|w| w[0].long < w[1].long)
        );
        for client in [Client::Sbatch, Client::Srun, Client::Salloc] {
            let mut longs: Vec<&str> = options(client).map(|o| o.long).collect();
            let mut shorts: Vec<char> = options(client).filter_map(|o| o.short).collect();
            let (l, n) = (longs.len(), shorts.len());
            longs.sort_unstable();
            longs.dedup();
            shorts.sort_unstable();
            shorts.dedup();
            assert_eq!((longs.len(), shorts.len()), (l, n), "{client}");
        }
        // What each command accepts beyond the others (slurm_opt.c, 22.05 and 26.x).
        let only = |client: Client| -> Vec<&str> {
            let others: Vec<Client> = [Client::Sbatch, Client::Srun, Client::Salloc]
                .into_iter()
                .filter(|&c| c != client)
                .collect();
            options(client)
                .filter(|o| others.iter().all(|&c| !o.accepted_by(c)))
                .map(|o| o.long)
                .collect()
        };
        assert_eq!(
            only(Client::Sbatch),
            [
                "array",
                "batch",
                "export-file",
                "external",
                "ignore-pbs",
                "kill-on-invalid-dep",
                "no-requeue",
                "requeue",
                "wait",
                "wrap"
            ]
        );
        assert_eq!(
            only(Client::Salloc),
            ["bell", "kill-command", "no-bell", "no-shell"]
        );
        let srun_short: Vec<(char, &str, ArgKind)> = options(Client::Srun)
            .filter(|o| !o.accepted_by(Client::Sbatch))
            .filter_map(|o| o.short.map(|c| (c, o.long, o.arg)))
            .collect();
        assert_eq!(
            srun_short,
            [
                ('X', "disable-status", ArgKind::None),
                ('I', "immediate", ArgKind::Optional),
                ('K', "kill-on-bad-exit", ArgKind::Optional),
                ('l', "label", ArgKind::None),
                ('Z', "no-allocate", ArgKind::None),
                ('E', "preserve-env", ArgKind::None),
                ('r', "relative", ArgKind::Required),
                ('T', "threads", ArgKind::Required),
                ('u', "unbuffered", ArgKind::None),
                ('W', "wait", ArgKind::Required),
            ]
        );
    }

    #[test]
    fn string_options_long_short_and_attached() {
        let r = parse_args(&["--job-name=a", "-A", "phys", "-qhigh", "--comment", "x y"]).unwrap();
        assert_eq!(r.job_name.as_deref(), Some("a"));
        assert_eq!(r.account.as_deref(), Some("phys"));
        assert_eq!(r.qos.as_deref(), Some("high"));
        assert_eq!(r.comment.as_deref(), Some("x y"));
        let r = parse_args(&["--uid=alice"]).unwrap();
        assert_eq!(r.user.as_deref(), Some("alice"));
    }

    #[test]
    fn required_value_is_taken_from_next_argument_even_if_it_looks_like_an_option() {
        let r = parse_args(&["-J", "-N", "--comment", "--hold"]).unwrap();
        assert_eq!(r.job_name.as_deref(), Some("-N"));
        assert_eq!(r.comment.as_deref(), Some("--hold"));
        assert!(!r.hold);
    }

    #[test]
    fn later_occurrences_override() {
        let r = parse_args(&["-J", "a", "--job-name=b", "-p", "x,y", "-p", "z"]).unwrap();
        assert_eq!(r.job_name.as_deref(), Some("b"));
        assert_eq!(r.partitions, ["z"]);
    }

    #[test]
    fn partition_list() {
        let r = parse_args(&["-p", "debug,long"]).unwrap();
        assert_eq!(r.partitions, ["debug", "long"]);
        assert_eq!(
            err(&["-p", "a,,b"]),
            OptionError::InvalidValue {
                option: "--partition".into(),
                value: "a,,b".into(),
                why: "empty partition name".into()
            }
        );
    }

    #[test]
    fn bundled_short_flags() {
        let r = parse_args(&["-Hv", "-vJname"]).unwrap();
        assert!(r.hold);
        assert_eq!(r.job_name.as_deref(), Some("name"));
        assert_eq!(
            r.other_options,
            [("verbose".to_owned(), None), ("verbose".to_owned(), None)]
        );
        let r = parse_args(&["-HJ", "x"]).unwrap();
        assert_eq!(r.job_name.as_deref(), Some("x"));
        assert_eq!(err(&["-Hy"]), OptionError::Unknown("-y".into()));
    }

    #[test]
    fn unambiguous_prefixes_match_and_exact_names_win() {
        let r = parse_args(&["--part=debug", "--job=x", "--ho"]).unwrap();
        assert_eq!(r.partitions, ["debug"]);
        assert_eq!(r.job_name.as_deref(), Some("x"));
        assert!(r.hold);
        // `--cluster` is an option in its own right, though a prefix of `--clusters`.
        assert!(matches!(
            err(&["--cluster=c1"]),
            OptionError::Unsupported { ref option, .. } if option == "--cluster"
        ));
        let r = parse_args(&["--mail-t=END"]).unwrap();
        assert_eq!(
            r.other_options,
            [("mail-type".to_owned(), Some("END".to_owned()))]
        );
        assert_eq!(
            err(&["--mem-per=1G"]),
            OptionError::Ambiguous {
                option: "--mem-per".into(),
                candidates: vec!["--mem-per-cpu".into(), "--mem-per-gpu".into()],
            }
        );
        assert!(matches!(err(&["--clus=x"]), OptionError::Ambiguous { .. }));
        assert!(err(&["--n"]).to_string().contains("ambiguous"));
    }

    #[test]
    fn unknown_options() {
        assert_eq!(err(&["--bogus"]), OptionError::Unknown("--bogus".into()));
        assert_eq!(err(&["--bogus=1"]), OptionError::Unknown("--bogus".into()));
        assert_eq!(err(&["-y"]), OptionError::Unknown("-y".into()));
        assert_eq!(err(&["--=x"]), OptionError::Unknown("--".into()));
        assert_eq!(
            OptionError::Unknown("--bogus".into()).to_string(),
            "unrecognized option `--bogus`"
        );
    }

    #[test]
    fn missing_and_unexpected_values() {
        assert_eq!(err(&["-J"]), OptionError::MissingValue("-J".into()));
        assert_eq!(
            err(&["--job-name"]),
            OptionError::MissingValue("--job-name".into())
        );
        assert_eq!(err(&["--job"]), OptionError::MissingValue("--job".into()));
        assert_eq!(
            err(&["--hold=yes"]),
            OptionError::UnexpectedValue {
                option: "--hold".into(),
                value: "yes".into()
            }
        );
    }

    #[test]
    fn options_stop_at_script_path_and_double_dash() {
        let r = parse_args(&["-H", "job.sh", "-J", "x"]).unwrap();
        assert!(r.hold);
        assert_eq!(r.job_name, None);
        let r = parse_args(&["--", "-H"]).unwrap();
        assert!(!r.hold);
        // `-` is a non-option (the script on stdin).
        let r = parse_args(&["-", "-H"]).unwrap();
        assert!(!r.hold);
        // An optional value must be attached: `--nice 5` is `--nice` and a script `5`.
        let r = parse_args(&["--nice", "5"]).unwrap();
        assert_eq!(r.nice, Some(100));
    }

    #[test]
    fn het_job_separator_is_rejected() {
        assert_eq!(
            err(&["-w", "a", ":", "-w", "b", "work.bash"]),
            OptionError::HetJobUnsupported
        );
    }

    #[test]
    fn nice() {
        assert_eq!(parse_args(&["--nice"]).unwrap().nice, Some(100));
        assert_eq!(parse_args(&["--nice=-5"]).unwrap().nice, Some(-5));
        assert_eq!(
            parse_args(&["--nice=2147483645"]).unwrap().nice,
            Some(2_147_483_645)
        );
        assert!(matches!(
            err(&["--nice=2147483646"]),
            OptionError::InvalidValue { why, .. } if why.contains("out of range")
        ));
        assert!(matches!(
            err(&["--nice=abc"]),
            OptionError::InvalidValue { .. }
        ));
    }

    #[test]
    fn priority() {
        assert_eq!(parse_args(&["--priority=7"]).unwrap().priority, Some(7));
        assert_eq!(
            parse_args(&["--priority=top"]).unwrap().priority,
            Some(PRIORITY_TOP)
        );
        assert!(matches!(
            err(&["--priority=-1"]),
            OptionError::InvalidValue { .. }
        ));
        assert!(matches!(
            err(&["--priority=4294967294"]),
            OptionError::InvalidValue { .. }
        ));
    }

    #[test]
    fn counts_must_be_positive() {
        let r = parse_args(&["-n", "4", "--ntasks-per-node=2", "-c", "8"]).unwrap();
        assert_eq!(
            (r.ntasks, r.ntasks_per_node, r.cpus_per_task),
            (Some(4), Some(2), Some(8))
        );
        assert_eq!(
            parse_args(&["--tasks-per-node=3"]).unwrap().ntasks_per_node,
            Some(3)
        );
        for bad in ["0", "-1", "x", "", "2147483647", "3x"] {
            assert!(
                matches!(err(&["-n", bad]), OptionError::InvalidValue { ref option, .. } if option == "--ntasks"),
                "{bad}"
            );
        }
    }

    #[test]
    fn node_counts() {
        let n = |s: &str| parse_args(&["-N", s]).map(|r| r.nodes.unwrap());
        assert_eq!(n("4").unwrap(), NodeCount { min: 4, max: 4 });
        assert_eq!(n("2-8").unwrap(), NodeCount { min: 2, max: 8 });
        assert_eq!(n("-8").unwrap(), NodeCount { min: 1, max: 8 });
        assert_eq!(n("0").unwrap(), NodeCount { min: 0, max: 0 });
        assert_eq!(
            n("1k").unwrap(),
            NodeCount {
                min: 1024,
                max: 1024
            }
        );
        assert_eq!(
            n("1-2M").unwrap(),
            NodeCount {
                min: 1,
                max: 2_097_152
            }
        );
        let why = |s: &str| match n(s) {
            Err(OptionError::InvalidValue { why, .. }) => why,
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(
            why("8-2"),
            "maximum node count 2 is less than minimum node count 8"
        );
        assert!(why("2-").contains("no maximum"));
        assert!(why("2-0").contains("maximum node count of 0"));
        assert!(why("1,5,9").contains("not supported"));
        assert!(why("x").contains("not a valid node count"));
        assert!(why("4x").contains("not a valid node count"));
        assert!(why("").contains("not a valid node count"));
        assert!(why("3000000000").contains("too large"));
    }

    #[test]
    fn mincpus() {
        assert_eq!(parse_args(&["--mincpus=8"]).unwrap().mincpus, Some(8));
        assert_eq!(parse_args(&["--mincpus", "2"]).unwrap().mincpus, Some(2));
        assert!(matches!(
            err(&["--mincpus=0"]),
            OptionError::InvalidValue { .. }
        ));
        let r = parse_args(&["--mincpus=3"]).unwrap();
        assert_eq!(r.to_args(), ["--mincpus=3"]);
    }

    #[test]
    fn exclusive_and_oversubscribe() {
        let ex = |s: &[&str]| parse_args(s).unwrap().exclusive;
        assert_eq!(ex(&["--exclusive"]), Some(Exclusive::Node));
        assert_eq!(ex(&["--exclusive=user"]), Some(Exclusive::User));
        assert_eq!(ex(&["--exclusive=MCS"]), Some(Exclusive::Mcs));
        assert_eq!(ex(&["--exclusive=topo"]), Some(Exclusive::Topo));
        assert_eq!(
            ex(&["--exclusive=user", "--exclusive"]),
            Some(Exclusive::Node)
        );
        let r = parse_args(&["--exclusive", "--exclusive=oversubscribe"]).unwrap();
        assert_eq!((r.exclusive, r.oversubscribe), (None, true));
        assert!(parse_args(&["-s"]).unwrap().oversubscribe);
        // One setting in sbatch: the later wins (observed on 22.05).
        let r = parse_args(&["--exclusive", "-s"]).unwrap();
        assert_eq!((r.exclusive, r.oversubscribe), (None, true));
        let r = parse_args(&["-s", "--exclusive=user"]).unwrap();
        assert_eq!(
            (r.exclusive, r.oversubscribe),
            (Some(Exclusive::User), false)
        );
        assert!(matches!(
            err(&["--exclusive=node"]),
            OptionError::InvalidValue { .. }
        ));
    }

    #[test]
    fn requeue_and_dependency_flags() {
        let r = parse_args(&["--requeue"]).unwrap();
        assert_eq!((r.requeue, r.expedited_requeue), (Some(true), false));
        let r = parse_args(&["--requeue=expedite"]).unwrap();
        assert_eq!((r.requeue, r.expedited_requeue), (Some(true), true));
        let r = parse_args(&["--requeue=expedite", "--no-requeue"]).unwrap();
        assert_eq!((r.requeue, r.expedited_requeue), (Some(false), false));
        assert!(matches!(
            err(&["--requeue=yes"]),
            OptionError::InvalidValue { .. }
        ));
        assert_eq!(
            parse_args(&["--kill-on-invalid-dep=YES"])
                .unwrap()
                .kill_on_invalid_dep,
            Some(true)
        );
        assert_eq!(
            parse_args(&["--kill-on-invalid-dep=no"])
                .unwrap()
                .kill_on_invalid_dep,
            Some(false)
        );
        assert!(matches!(
            err(&["--kill-on-invalid-dep=maybe"]),
            OptionError::InvalidValue { .. }
        ));
        assert!(parse_args(&["-H"]).unwrap().hold);
    }

    #[test]
    fn output_patterns_are_kept_verbatim() {
        let r = parse_args(&["-o", "job%4j.out", "--error=%x-%A_%a.err"]).unwrap();
        assert_eq!(r.output, Some(OutputPattern("job%4j.out".into())));
        assert_eq!(r.error, Some(OutputPattern("%x-%A_%a.err".into())));
    }

    #[test]
    fn files_are_not_read() {
        assert_eq!(
            err(&["-w", "./hosts"]),
            OptionError::FileNotSupported {
                option: "--nodelist".into(),
                value: "./hosts".into()
            }
        );
        assert!(matches!(
            err(&["-x", "/etc/hosts"]),
            OptionError::FileNotSupported { .. }
        ));
        assert!(matches!(
            err(&["-F", "hosts"]),
            OptionError::FileNotSupported { .. }
        ));
    }

    #[test]
    fn informational_options_are_not_jobs() {
        assert_eq!(err(&["-h"]), OptionError::Informational("--help".into()));
        assert_eq!(
            err(&["--usage"]),
            OptionError::Informational("--usage".into())
        );
        assert_eq!(err(&["-V"]), OptionError::Informational("--version".into()));
        assert_eq!(
            err(&["--gres=help"]),
            OptionError::Informational("--gres=help".into())
        );
    }

    #[test]
    fn other_options_are_kept_in_order_with_their_values() {
        let r = parse_args(&[
            "--mail-type=END,FAIL",
            "-D",
            "/tmp",
            "--get-user-env",
            "--mail-user",
            "me@x",
            "--propagate=STACK",
            "-Q",
            "--mail-type=ALL",
        ])
        .unwrap();
        let s = |a: &str, b: Option<&str>| (a.to_owned(), b.map(str::to_owned));
        assert_eq!(
            r.other_options,
            [
                s("mail-type", Some("END,FAIL")),
                s("chdir", Some("/tmp")),
                s("get-user-env", None),
                s("mail-user", Some("me@x")),
                s("propagate", Some("STACK")),
                s("quiet", None),
                s("mail-type", Some("ALL")),
            ]
        );
    }

    #[test]
    fn every_option_in_the_table_is_accepted() {
        for o in SBATCH_OPTIONS {
            let arg = match (o.arg, o.action) {
                (_, A::Info | A::Nodefile | A::Refused(_) | A::Checked(_)) => continue,
                (ArgKind::None, _) => format!("--{}", o.long),
                // Value-parsed options are covered by their own tests.
                (_, A::Other) => format!("--{}=v", o.long),
                _ => continue,
            };
            let r = parse_args(&[arg.as_str()]).unwrap_or_else(|e| panic!("{arg}: {e}"));
            if o.action == A::Other {
                assert_eq!(r.other_options.len(), 1, "{arg}");
            }
        }
    }
    #[test]
    fn options_that_change_a_decision_are_modelled_or_refused() {
        use crate::memory::Memory;
        // Every refused option names itself and why (docs/slurm-compatibility.md).
        for (args, option) in [
            (&["--reservation=maint"][..], "--reservation"),
            (&["-L", "matlab:1"], "--licenses"),
            (&["-M", "other"], "--clusters"),
            (&["--contiguous"], "--contiguous"),
            (&["--spread-job"], "--spread-job"),
            (&["--prefer=fast"], "--prefer"),
            (&["-S", "2"], "--core-spec"),
            (&["-B", "2:8:1"], "--extra-node-info"),
            (&["--gpus-per-task=1"], "--gpus-per-task"),
            (&["--ntasks-per-gpu=2"], "--ntasks-per-gpu"),
            (&["-k"], "--no-kill"),
            (&["--reboot"], "--reboot"),
            (&["--batch=fast"], "--batch"),
            (&["--threads-per-core=2"], "--threads-per-core=2"),
            (&["--ntasks-per-core=2"], "--ntasks-per-core=2"),
            (&["--hint=memory_bound"], "--hint=memory_bound"),
            (&["-m", "plane=4"], "--distribution=plane=4"),
            (&["-m", "arbitrary"], "--distribution=arbitrary"),
            (
                &["--gres-flags=enforce-binding"],
                "--gres-flags=enforce-binding",
            ),
        ] {
            match err(args) {
                OptionError::Unsupported { option: o, why } => {
                    assert_eq!(o, option, "{args:?}");
                    assert!(!why.is_empty());
                }
                other => panic!("{args:?}: {other:?}"),
            }
        }
        assert_eq!(
            err(&["--reservation=maint"]).to_string(),
            "`--reservation` is not supported: advanced reservations are not modelled"
        );
        assert_eq!(
            err(&["--test-only"]),
            OptionError::Informational("--test-only".into())
        );
        // Values that change nothing hpcsched models are kept.
        let r = parse_args(&[
            "--threads-per-core=1",
            "--ntasks-per-core=1",
            "--hint=nomultithread",
            "-m",
            "cyclic:block",
            "--gres-flags=disable-binding",
            "--switches=1@10:00",
            "--bb=capacity=1G",
        ])
        .unwrap();
        assert_eq!(r.other_options.len(), 7);
        // The modelled ones.
        let r = parse_args(&["--tmp=2G", "--cpus-per-gpu=4", "-O", "--use-min-nodes"]).unwrap();
        assert_eq!(r.tmp, Some(Memory::from_mib(2048)));
        assert_eq!(r.cpus_per_gpu, Some(4));
        assert!(r.overcommit && r.use_min_nodes);
        assert!(r.other_options.is_empty());
        assert_eq!(
            r.to_args(),
            [
                "--tmp=2G",
                "--cpus-per-gpu=4",
                "--overcommit",
                "--use-min-nodes"
            ]
        );
        assert_eq!(
            parse_args(&["--tmp=500"]).unwrap().tmp,
            Some(Memory::from_mib(500))
        );
        assert!(matches!(
            err(&["--cpus-per-gpu=0"]),
            OptionError::InvalidValue { .. }
        ));
    }

    #[test]
    fn time_limits_round_up_and_zero_is_unlimited() {
        use crate::time::{Duration, TimeLimit};
        let t = |v: &str| parse_args(&["-t", v]).unwrap().time_limit.unwrap();
        assert_eq!(t("90"), TimeLimit::Limited(Duration::from_mins(90)));
        assert_eq!(t("1:30"), TimeLimit::Limited(Duration::from_mins(2)));
        assert_eq!(t("2-12"), TimeLimit::Limited(Duration::from_mins(60 * 60)));
        assert_eq!(t("0"), TimeLimit::Unlimited);
        assert_eq!(t("UNLIMITED"), TimeLimit::Unlimited);
        let r = parse_args(&["--time-min=10:00"]).unwrap();
        assert_eq!(
            r.time_min,
            Some(TimeLimit::Limited(Duration::from_mins(10)))
        );
        assert!(matches!(
            err(&["--time=abc"]),
            OptionError::InvalidValue { ref option, ref value, .. } if option == "--time" && value == "abc"
        ));
    }

    #[test]
    fn memory_options() {
        use crate::memory::Memory;
        let m = |args: &[&str]| parse_args(args).unwrap().memory.unwrap();
        assert_eq!(
            m(&["--mem=16G"]),
            MemoryRequest::PerNode(Memory::from_mib(16 * 1024))
        );
        assert_eq!(m(&["--mem=0"]), MemoryRequest::PerNode(Memory::from_mib(0)));
        assert_eq!(
            m(&["--mem-per-cpu=500"]),
            MemoryRequest::PerCpu(Memory::from_mib(500))
        );
        assert_eq!(
            m(&["--mem-per-gpu=1T"]),
            MemoryRequest::PerGpu(Memory::from_mib(1 << 20))
        );
        assert_eq!(
            m(&["--mem=1G", "--mem=2G"]),
            MemoryRequest::PerNode(Memory::from_mib(2048))
        );
        assert_eq!(
            err(&["--mem=1G", "--mem-per-cpu=1G"]),
            OptionError::Conflict {
                first: "--mem".into(),
                second: "--mem-per-cpu".into()
            }
        );
        assert_eq!(
            err(&["--mem-per-gpu=1G", "--mem=1G"]).to_string(),
            "`--mem-per-gpu` and `--mem` are mutually exclusive"
        );
        let e = err(&["--mem=1.5G"]);
        assert!(
            matches!(&e, OptionError::InvalidValue { option, value, why }
                if option == "--mem" && value == "1.5G" && why.contains("1.5G")),
            "{e:?}"
        );
    }

    #[test]
    fn gres_and_gpus() {
        use crate::gres::{GresKey, GresSpec};
        let r = parse_args(&["--gres=gpu:a100:2,nvme:1"]).unwrap();
        assert_eq!(r.gres.len(), 2);
        assert_eq!(r.gres[0].key, GresKey::typed("gpu", "a100"));
        assert_eq!(r.gres[0].count, 2);
        assert!(
            parse_args(&["--gres=gpu:1", "--gres=none"])
                .unwrap()
                .gres
                .is_empty()
        );
        assert!(parse_args(&["--gres=NONE"]).unwrap().gres.is_empty());
        let r = parse_args(&["-G", "h100:4", "--gpus-per-node=2"]).unwrap();
        assert_eq!(r.gpus.unwrap().key, GresKey::typed("gpu", "h100"));
        assert_eq!(r.gpus_per_node.as_deref(), Some(&GresSpec::new("gpu", 2)));
        assert!(matches!(
            err(&["--gpus=a100:1,v100:2"]),
            OptionError::InvalidValue { ref why, .. } if why.contains("more than one GPU type")
        ));
        assert!(matches!(
            err(&["--gres=gpu:x:y:z"]),
            OptionError::InvalidValue { .. }
        ));
        // `--gpus-per-node` and `--gres=gpu` are mutually exclusive (slurm_opt.c), judged
        // on the final `--gres`.
        assert_eq!(
            err(&["--gres=gpu:1", "--gpus-per-node=1"]),
            OptionError::Conflict {
                first: "--gres=gpu".into(),
                second: "--gpus-per-node".into()
            }
        );
        assert!(parse_args(&["--gpus-per-node=1", "--gres=nvme:1"]).is_ok());
        assert!(parse_args(&["--gres=gpu:1", "--gpus-per-node=1", "--gres=none"]).is_ok());
    }

    #[test]
    fn hostlists() {
        let r = parse_args(&["-w", "n[03,01-02],n01", "-x", "gpu[1-2]"]).unwrap();
        assert_eq!(r.nodelist, ["n01", "n02", "n03"]);
        assert_eq!(r.exclude, ["gpu1", "gpu2"]);
        assert!(matches!(
            err(&["-w", "n[1-"]),
            OptionError::InvalidValue { .. }
        ));
    }

    #[test]
    fn dependency_array_begin_constraint() {
        let r = parse_args(&[
            "-d",
            "afterok:42:43,afterany:44",
            "-a",
            "0-15:4%2",
            "-b",
            "now+1hour",
            "--deadline=2026-03-01T12:00:00",
            "-C",
            "intel&ib",
        ])
        .unwrap();
        assert_eq!(r.dependency.unwrap().items.len(), 3);
        assert_eq!(r.array.unwrap().len(), 4);
        assert!(r.begin.is_some() && r.deadline.is_some() && r.constraint.is_some());
        assert!(matches!(
            err(&["-d", "afterwards:1"]),
            OptionError::InvalidValue { .. }
        ));
        assert!(matches!(
            err(&["-a", "5-1"]),
            OptionError::InvalidValue { .. }
        ));
        assert!(matches!(
            err(&["--begin=someday"]),
            OptionError::InvalidValue { .. }
        ));
    }
}

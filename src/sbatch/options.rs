//! The option tables of sbatch, srun and salloc: long and short names, which take values,
//! which of the three commands accept each, and how each one sets a [`JobRequest`] field.
//!
//! The tables are the union of the options each command accepts in Slurm 22.05 through
//! 26.x (`common_options[]` in Slurm's `src/common/slurm_opt.c`: an entry with a
//! `set_func` is for all three, one with `set_func_sbatch`, `set_func_srun` or
//! `set_func_salloc` only for that command). The options of the cluster's SPANK plugins
//! join them ([`crate::sbatch::spank`]). Options are matched the way `getopt_long()` with the
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
//!
//! The parts: this file says what an option is (its name, value, action and the commands
//! that accept it) and why one is rejected ([`OptionError`]); `refusals` says why the
//! options hpcsched does not model are refused; `sbatch_options` and `interactive_options`
//! are the tables; `lookup` finds a command's options, and one by name as `getopt_long`
//! does; `apply` runs `getopt_long` over the words and sets what each option sets; the
//! number readers are in `values`.

use crate::request::Client;
#[cfg(doc)]
use crate::request::JobRequest;

use super::refusals::Check;

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

/// Which commands accept an option: a set of these bits.
pub(super) const SB: u8 = 1;
pub(super) const SR: u8 = 2;
pub(super) const SA: u8 = 4;
pub(super) const ALL: u8 = SB | SR | SA;

pub(super) fn client_bit(client: Client) -> u8 {
    match client {
        Client::Sbatch => SB,
        Client::Srun => SR,
        Client::Salloc => SA,
    }
}

/// One option of sbatch, srun or salloc: a row of [`SBATCH_OPTIONS`](super::SBATCH_OPTIONS)
/// or of the srun/salloc-only table ([`options`](fn@super::options) lists a command's).
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

pub(super) const fn o(
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

#[cfg(test)]
mod tests;

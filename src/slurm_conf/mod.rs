//! The slurm.conf subset hpcsched reads: `NodeName` and `PartitionName` lines (with
//! `DEFAULT` lines, comments, `\` continuations, hostlists), and the scheduler keys of
//! [`crate::SchedConfig`]. Every other key becomes a [`crate::ConfWarning`].
//!
//! The reader follows Slurm's own (`src/common/parse_config.c`, `src/common/read_config.c`):
//!
//! - `#` starts a comment unless escaped as `\#` (hpcsched also keeps a `#` inside double
//!   quotes, where Slurm would cut the line); an odd number of trailing backslashes joins the
//!   next line; `\x` then stands for `x`.
//! - A line is `Key=Value` pairs; keys are case-insensitive; a value is a run of non-blank
//!   characters or a double-quoted string; blanks may surround `=`.
//! - A global key takes the whole line (`ClusterName=x SchedulerType=y` on one line is an
//!   error, as in Slurm). A `NodeName=` or `PartitionName=` line carries that record's keys;
//!   a key slurm.conf does not know there is an error.
//! - `NodeName=DEFAULT` / `PartitionName=DEFAULT` set defaults for the following lines,
//!   cumulatively.
//! - As in slurmctld, all nodes are built before any partition, so a partition may name a
//!   node defined further down.
//! - Known keys hpcsched does not model are kept as warnings ("not used by hpcsched"), never
//!   dropped silently; `Include` lines too (the core does no file I/O).
//!
//! The reader is in one file per part: `lexer` (logical lines and `Key=Value` tokens),
//! `keys` (the key tables: how each key of each kind of line is handled), `values` (a key's
//! value read as Slurm reads numbers, booleans, times and states), `reader` (each line
//! dispatched by its first key, and the cluster built at the end), and what the reader
//! builds from each kind of line: `nodes` (`NodeName`, `DownNodes`), `partitions`
//! (`PartitionName`) and `global` (the other keys, read into [`crate::SchedConfig`]).

mod global;
mod keys;
mod lexer;
mod nodes;
mod partitions;
mod reader;
mod values;

use crate::cluster::Cluster;
use lexer::logical_lines;
use reader::Reader;

/// Why slurm.conf text was rejected. Every variant names its 1-based line.
///
/// ```
/// use hpcsched::slurm_conf::{parse, ConfError};
/// let err = parse("NodeName=n1\nNodeName=n2 CPUs=4 Colour=blue\n").unwrap_err();
/// assert_eq!(
///     err,
///     ConfError::UnknownKey { line: 2, section: "NodeName", key: "Colour".into() }
/// );
/// assert_eq!(err.to_string(), "line 2: unknown NodeName key `Colour`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfError {
    /// A line that is not `Key=Value ...`.
    #[error("line {line}: {why}: `{text}`")]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// The offending text.
        text: String,
        /// What is wrong.
        why: String,
    },
    /// A value that does not parse for its key.
    #[error("line {line}: invalid value `{value}` for {key}: {why}")]
    Value {
        /// 1-based line number.
        line: usize,
        /// The key.
        key: String,
        /// The value.
        value: String,
        /// What is wrong.
        why: String,
    },
    /// A key that is not valid on a NodeName or PartitionName line (or, with section
    /// `slurm.conf`, a global key slurm.conf does not know).
    #[error("line {line}: unknown {section} key `{key}`")]
    UnknownKey {
        /// 1-based line number.
        line: usize,
        /// `NodeName`, `PartitionName` or `slurm.conf`.
        section: &'static str,
        /// The key.
        key: String,
    },
    /// A key whose value changes what Slurm decides in a way hpcsched does not model
    /// (docs/slurm-compatibility.md lists them and the values accepted).
    #[error("line {line}: `{key}={value}` is not supported: {why}")]
    Unsupported {
        /// 1-based line number.
        line: usize,
        /// The key as written.
        key: String,
        /// The value.
        value: String,
        /// Why (what it changes that is not modelled).
        why: String,
    },
    /// A semantic error (duplicate name, unknown node...).
    #[error("line {line}: {source}")]
    Cluster {
        /// 1-based line number.
        line: usize,
        /// The cluster rule broken.
        source: crate::cluster::ClusterError,
    },
}

impl ConfError {
    /// The 1-based slurm.conf line the error is on.
    #[must_use]
    pub fn line(&self) -> usize {
        match self {
            Self::Syntax { line, .. }
            | Self::Value { line, .. }
            | Self::UnknownKey { line, .. }
            | Self::Unsupported { line, .. }
            | Self::Cluster { line, .. } => *line,
        }
    }
}

/// Parses slurm.conf text into a cluster.
///
/// ```
/// use hpcsched::slurm_conf;
/// let c = slurm_conf::parse(
///     "ClusterName=demo\n\
///      NodeName=DEFAULT CPUs=8 RealMemory=16000\n\
///      NodeName=n[1-2]\n\
///      PartitionName=debug Nodes=ALL Default=YES MaxTime=30\n",
/// )?;
/// assert_eq!(c.node("n2").map(|n| n.cpus), Some(8));
/// assert_eq!(c.default_partition().map(|p| p.nodes.len()), Some(2));
/// assert_eq!(c.warnings()[0].key, "ClusterName");
/// # Ok::<(), hpcsched::slurm_conf::ConfError>(())
/// ```
pub fn parse(text: &str) -> Result<Cluster, ConfError> {
    let mut reader = Reader::default();
    for line in logical_lines(text) {
        reader.line(&line)?;
    }
    reader.finish()
}

impl Cluster {
    /// Builds a cluster from slurm.conf text.
    ///
    /// ```
    /// let c = hpcsched::Cluster::from_slurm_conf("NodeName=localhost CPUs=4\n").unwrap();
    /// assert_eq!(c.node("localhost").unwrap().cpus, 4);
    /// ```
    pub fn from_slurm_conf(text: &str) -> Result<Self, ConfError> {
        parse(text)
    }
}

#[cfg(test)]
mod tests;

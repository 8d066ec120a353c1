//! The slurm.conf subset hpcsched reads: `NodeName` and `PartitionName` lines (with
//! `DEFAULT` lines, comments, `\` continuations, hostlists), and the scheduler keys of
//! [`crate::SchedConfig`]. Every other key becomes a [`crate::ConfWarning`].

use crate::cluster::Cluster;

/// Why slurm.conf text was rejected. Every variant names its 1-based line.
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
    /// A key that is not valid on a NodeName or PartitionName line.
    #[error("line {line}: unknown {section} key `{key}`")]
    UnknownKey {
        /// 1-based line number.
        line: usize,
        /// `NodeName` or `PartitionName`.
        section: &'static str,
        /// The key.
        key: String,
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

/// Parses slurm.conf text into a cluster.
pub fn parse(text: &str) -> Result<Cluster, ConfError> {
    let _ = text;
    todo!("slurm_conf helper")
}

impl Cluster {
    /// Builds a cluster from slurm.conf text.
    pub fn from_slurm_conf(text: &str) -> Result<Self, ConfError> {
        parse(text)
    }
}

//! Slurm hostlists: `node[01-14]`, `tux[0-5,12],login1`, `rack[1-2]-n[01-04]`.
//!
//! [`expand`] turns a hostlist into names; [`compress`] turns names into Slurm's canonical
//! hostlist (deduplicated, sorted by prefix then numeric suffix, ranges merged).

/// Why a hostlist was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HostlistError {
    /// The text is not a hostlist.
    #[error("invalid hostlist `{text}`: {why}")]
    Invalid {
        /// The offending text.
        text: String,
        /// What is wrong with it.
        why: String,
    },
}

/// Expands a hostlist into host names, in written order, duplicates kept.
pub fn expand(list: &str) -> Result<Vec<String>, HostlistError> {
    let _ = list;
    todo!("hostlist helper")
}

/// Compresses host names into Slurm's canonical hostlist.
#[must_use]
pub fn compress<S: AsRef<str>>(hosts: &[S]) -> String {
    let _ = hosts;
    todo!("hostlist helper")
}

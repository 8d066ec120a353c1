//! Memory sizes as Slurm reads them: a number with an optional `K`, `M`, `G`, `T` suffix
//! (optionally followed by `B`), megabytes by default (`str_to_mbytes()` in Slurm).

use serde::{Deserialize, Serialize};

/// An amount of memory in MiB, Slurm's unit for `RealMemory`, `--mem` and friends.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Memory(u64);

impl Memory {
    /// `mib` mebibytes.
    #[must_use]
    pub const fn from_mib(mib: u64) -> Self {
        Self(mib)
    }
    /// The amount in MiB.
    #[must_use]
    pub const fn mib(self) -> u64 {
        self.0
    }
}

/// Why a memory size was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MemoryError {
    /// The text is not a memory size.
    #[error("invalid memory size `{text}`: {why}")]
    Invalid {
        /// The offending text.
        text: String,
        /// What is wrong with it.
        why: &'static str,
    },
}

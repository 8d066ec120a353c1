//! Generic resources (GRES): `gpu`, `gpu:h100:2`, `nvme:1`, lists of them.
//!
//! The same grammar serves node definitions (`Gres=gpu:h100:2` in slurm.conf) and job
//! requests (`--gres=gpu:2`): `name[:type][:no_consume][:count]`, comma separated, count
//! defaulting to 1 and accepting `k`/`m`/`g`/`t`/`p` multipliers.

use serde::{Deserialize, Serialize};

/// The identity of a GRES: its name and optional type (`gpu` / `gpu:h100`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct GresKey {
    /// GRES name, e.g. `gpu`.
    pub name: String,
    /// GRES type, e.g. `h100`; `None` for an untyped GRES or request.
    pub kind: Option<String>,
}

/// One GRES entry: a key and a count.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GresSpec {
    /// Name and type.
    pub key: GresKey,
    /// How many.
    pub count: u64,
    /// `no_consume`: allocations never deplete it (node definitions only).
    pub no_consume: bool,
}

/// Why a GRES string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GresError {
    /// The text is not a GRES specification.
    #[error("invalid GRES specification `{text}`: {why}")]
    Invalid {
        /// The offending text.
        text: String,
        /// What is wrong with it.
        why: &'static str,
    },
}

/// Parses a comma-separated GRES list (`gpu:h100:2,nvme:1`). An empty string is an empty list.
pub fn parse_list(s: &str) -> Result<Vec<GresSpec>, GresError> {
    let _ = s;
    todo!("gres helper")
}

//! Job identifiers: plain jobs, array jobs and array tasks (`42`, `42_7`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A job id as Slurm numbers them (1 ..= 0x03FF_FFFF).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct JobId(pub u32);

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

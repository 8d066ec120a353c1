//! `--array` specifications: `1-100`, `1,3,5-7`, `0-15:4`, `1-100%10`.
//!
//! Stored as ranges, never expanded: `0-999999` costs a few words, not a million entries.

use serde::{Deserialize, Serialize};

/// One `start-end:step` range of task indices (a single index has `start == end`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ArrayRange {
    /// First index.
    pub start: u32,
    /// Last index (inclusive; normalised so that it is reached by the step).
    pub end: u32,
    /// Step, at least 1.
    pub step: u32,
}

/// A parsed `--array` value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ArraySpec {
    ranges: Vec<ArrayRange>,
    throttle: Option<u32>,
}

/// Why an array specification was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArrayError {
    /// The text is not an array specification.
    #[error("invalid array specification `{text}`: {why}")]
    Invalid {
        /// The whole specification.
        text: String,
        /// What is wrong.
        why: String,
    },
}

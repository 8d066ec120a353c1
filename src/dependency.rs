//! `--dependency` expressions: `afterok:42:43,afterany:44`, `after:42+30`, `afterok:7?afternotok:8`,
//! `singleton`, array targets (`42_3`, `42_*`).

use crate::job_id::JobId;
use crate::time::Duration;
use serde::{Deserialize, Serialize};

/// How the items of a dependency combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Combinator {
    /// `,`: every item must be satisfied.
    All,
    /// `?`: any one item suffices.
    Any,
}

/// The dependency type of one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DependencyKind {
    /// `after`: the target started (or was cancelled), optionally `+minutes` ago.
    After,
    /// `afterany`: the target ended in any state.
    AfterAny,
    /// `afterok`: the target completed with exit code 0.
    AfterOk,
    /// `afternotok`: the target ended in any other way.
    AfterNotOk,
    /// `aftercorr`: the array task with the same index completed OK.
    AfterCorr,
    /// `afterburstbuffer`: the target ended and its stage-out finished.
    AfterBurstBuffer,
}

/// Which job (or which tasks of an array) a dependency item names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DependencyTarget {
    /// A job, or a whole array by its array job id (`42`, `42_*`).
    Job(JobId),
    /// One array task (`42_3`).
    Task(JobId, u32),
}

/// One dependency item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DependencyItem {
    /// `TYPE:id[+min]` for one target.
    On {
        /// The type.
        kind: DependencyKind,
        /// The target.
        target: DependencyTarget,
        /// `after:id+min`: extra delay after the target started.
        delay: Option<Duration>,
    },
    /// `singleton`.
    Singleton,
}

/// A parsed dependency expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Dependency {
    /// `,` or `?`.
    pub combinator: Combinator,
    /// The items, deduplicated, in written order.
    pub items: Vec<DependencyItem>,
}

/// Why a dependency expression was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DependencyError {
    /// The text is not a dependency expression.
    #[error("invalid dependency `{text}`: {why}")]
    Invalid {
        /// The whole expression.
        text: String,
        /// What is wrong.
        why: String,
    },
}

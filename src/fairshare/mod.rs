//! Fair-share as Slurm 22.05's `priority/multifactor` plugin computes it, as pure
//! functions over a small tree of shares and a usage ledger: no accounts, no scheduler.
//!
//! - [`billing`]: `TRESBillingWeights` and a job's billable TRES
//!   (`assoc_mgr_tres_weighted()`, `_tres_weight_item()`).
//! - [`tree`]: the share tree the host builds from its associations ([`ShareTree`]).
//! - [`usage`]: decayed usage, accrual of running jobs, resets and the
//!   `PriorityCalcPeriod` clock (`priority_multifactor.c`, `_decay_thread()`).
//! - [`classic`]: `PriorityFlags=NO_FAIR_TREE` (`_set_usage_efctv()`,
//!   `priority_p_calc_fs_factor()`).
//! - [`fair_tree`]: the default algorithm (`fair_tree.c`).
//! - [`views`]: `sshare` rows and its text table (`src/sshare/process.c`).
//!
//! Slurm turns fair-share off without slurmdbd; the host decides whether to call this.

pub mod billing;
pub mod classic;
pub mod fair_tree;
pub mod tree;
pub mod usage;
pub mod views;

pub use billing::{BillingError, BillingTres, BillingWeights, billable};
pub use tree::{ShareNode, ShareTree, ShareValue, TreeError};
pub use usage::{
    FairShare, FairShareClock, FairShareConfig, ResetPeriod, RunningJob, Usage, decay_factor,
    next_reset,
};
pub use views::SshareRow;

/// Which fair-share algorithm `PriorityFlags` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Algorithm {
    /// Fair Tree, Slurm's default since 19.05.
    FairTree,
    /// The classic algorithm (`NO_FAIR_TREE`).
    Classic,
}

impl Algorithm {
    /// The algorithm `flags` select: Fair Tree when [`crate::priority::PriorityFlags::FAIR_TREE`]
    /// is set (it is unless `NO_FAIR_TREE` or `DEPTH_OBLIVIOUS`), classic otherwise.
    ///
    /// `DEPTH_OBLIVIOUS` selects classic here; its own effective usage is not modelled.
    ///
    /// ```
    /// use hpcsched::fairshare::Algorithm;
    /// use hpcsched::priority::PriorityFlags;
    /// assert_eq!(Algorithm::from_flags(PriorityFlags::default()), Algorithm::FairTree);
    /// assert_eq!(Algorithm::from_flags(PriorityFlags::parse("NO_FAIR_TREE")), Algorithm::Classic);
    /// ```
    #[must_use]
    pub fn from_flags(flags: crate::priority::PriorityFlags) -> Self {
        if flags.contains(crate::priority::PriorityFlags::FAIR_TREE) {
            Algorithm::FairTree
        } else {
            Algorithm::Classic
        }
    }
}

/// Slurm's `NO_VAL` as a double: `level_fs` of an account with `FairShare=parent`, and the
/// initial `prev_level_fs` of `_calc_tree_fs()`.
pub(crate) const NO_VAL_F64: f64 = 4_294_967_294.0;

/// What fair-share works out for one association (one row of `sshare -l`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NodeFs {
    /// `NormShares`.
    pub shares_norm: f64,
    /// `NormUsage`: usage over the root's, at most 1; `None` where Slurm leaves it unset
    /// (the root: sshare prints nothing).
    pub usage_norm: Option<f64>,
    /// `EffectvUsage`: classic `U_E`; under Fair Tree the usage over the fair-share
    /// parent's.
    pub usage_efctv: f64,
    /// `LevelFS` (Fair Tree only; `None` for the root, classic and `FairShare=parent`).
    pub level_fs: Option<f64>,
    /// `FairShare`: the factor, 0 to 1 (0 for accounts under Fair Tree).
    pub fs_factor: f64,
}

use serde::{Deserialize, Serialize};

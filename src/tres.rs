//! Trackable resources (TRES): the resource vector jobs ask for and nodes offer, and the
//! TRES limits QOS definitions carry (`MaxTRESPerUser=cpu=64,gres/gpu=4`).

use crate::gres::GresKey;
use crate::memory::Memory;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An amount of resources: node count, CPUs, memory and GRES.
///
/// Arithmetic never wraps: [`Tres::checked_sub`] reports an underflow instead.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Tres {
    /// Number of nodes.
    pub nodes: u32,
    /// Number of CPUs.
    pub cpus: u32,
    /// Memory.
    pub memory: Memory,
    /// GRES counts by key. A request's untyped key (`gpu`) is satisfied by any type.
    pub gres: BTreeMap<GresKey, u64>,
}

/// What a TRES limit applies to, as sacctmgr names it (`cpu`, `mem`, `node`, `billing`,
/// `gres/gpu`, `gres/gpu:a100`, `license/NAME`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum TresKind {
    /// `cpu`
    Cpu,
    /// `mem` (MiB)
    Mem,
    /// `node`
    Node,
    /// `billing`
    Billing,
    /// `energy`
    Energy,
    /// `gres/NAME[:TYPE]`
    Gres(GresKey),
    /// `license/NAME`
    License(String),
}

/// A set of TRES limits in the order they were written, e.g. `cpu=64,gres/gpu=4`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TresLimits(pub IndexMap<TresKind, u64>);

/// Why a TRES operation or string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TresError {
    /// Subtraction would go below zero.
    #[error("resource underflow: cannot take {wanted} {what} from {available}")]
    Underflow {
        /// The resource, e.g. `cpus` or `gres/gpu:h100`.
        what: String,
        /// How much was there.
        available: u64,
        /// How much was taken.
        wanted: u64,
    },
    /// Addition overflowed.
    #[error("resource overflow adding {what}")]
    Overflow {
        /// The resource.
        what: String,
    },
    /// A TRES limit string did not parse.
    #[error("invalid TRES specification `{text}`: {why}")]
    Invalid {
        /// The offending text.
        text: String,
        /// What is wrong with it.
        why: String,
    },
}

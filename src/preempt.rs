//! Preemption modes (`PreemptMode=REQUEUE`, `SUSPEND,GANG`, ...) shared by the cluster,
//! partitions and QOS.

use bitflags::bitflags;
use serde::{Deserialize, Serialize};

bitflags! {
    /// A `PreemptMode` value. The empty set is `OFF`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    pub struct PreemptMode: u8 {
        /// `CANCEL`
        const CANCEL = 1 << 0;
        /// `REQUEUE`
        const REQUEUE = 1 << 1;
        /// `SUSPEND`
        const SUSPEND = 1 << 2;
        /// `GANG`
        const GANG = 1 << 3;
        /// `WITHIN`
        const WITHIN = 1 << 4;
        /// `PRIORITY`
        const PRIORITY = 1 << 5;
    }
}

/// Why a `PreemptMode` value was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PreemptModeError {
    /// An unknown mode name.
    #[error(
        "invalid PreemptMode `{text}`: expected OFF, CANCEL, REQUEUE, SUSPEND, GANG, WITHIN or PRIORITY"
    )]
    Invalid {
        /// The offending text.
        text: String,
    },
}

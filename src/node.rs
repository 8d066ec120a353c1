//! Compute nodes as slurm.conf's `NodeName` lines define them, with their state flags.

use crate::gres::GresSpec;
use crate::memory::Memory;
use bitflags::bitflags;
use serde::{Deserialize, Serialize};

bitflags! {
    /// State flags of a node. IDLE, MIXED and ALLOCATED are not flags: they follow from the
    /// node's allocations (see [`NodeUsage`]).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
    pub struct NodeState: u16 {
        /// DOWN: unavailable; jobs on it are ended.
        const DOWN = 1 << 0;
        /// DRAIN: takes no new jobs; running ones finish.
        const DRAIN = 1 << 1;
        /// FAIL: like DRAIN, set because the node is failing.
        const FAIL = 1 << 2;
        /// NOT_RESPONDING (`*` in sinfo).
        const NOT_RESPONDING = 1 << 3;
        /// FUTURE: defined but not yet in service.
        const FUTURE = 1 << 4;
        /// POWERED_DOWN (cloud/power saving).
        const POWERED_DOWN = 1 << 5;
        /// CLOUD node.
        const CLOUD = 1 << 6;
        /// MAINTENANCE reservation.
        const MAINTENANCE = 1 << 7;
        /// REBOOT_REQUESTED.
        const REBOOT_REQUESTED = 1 << 8;
    }
}

/// How much of a node its allocations use: IDLE, MIXED or ALLOCATED in sinfo's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NodeUsage {
    /// Nothing allocated.
    Idle,
    /// Some CPUs allocated.
    Mixed,
    /// Every CPU allocated (or the node is held whole by a job).
    Allocated,
}

/// A node definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Node {
    /// `NodeName`.
    pub name: String,
    /// `CPUs` (defaults to Boards×Sockets×CoresPerSocket×ThreadsPerCore).
    pub cpus: u32,
    /// `Sockets` (per board).
    pub sockets: u32,
    /// `CoresPerSocket`.
    pub cores_per_socket: u32,
    /// `ThreadsPerCore`.
    pub threads_per_core: u32,
    /// `TmpDisk`: temporary disk space (MiB), which `--tmp` asks for.
    #[serde(default)]
    pub tmp_disk: Memory,
    /// `MemSpecLimit`: memory (MiB) kept for the system; jobs get `RealMemory` less this.
    #[serde(default)]
    pub mem_spec_limit: Memory,
    /// `RealMemory` (default 1 MiB).
    pub real_memory: Memory,
    /// `Gres`.
    pub gres: Vec<GresSpec>,
    /// `Features` (also accepts `AvailableFeatures`).
    pub features: Vec<String>,
    /// `Weight` (default 1; lower is allocated first).
    pub weight: u32,
    /// State flags from `State=` or later node events.
    pub state: NodeState,
    /// Why the node is down or drained.
    pub reason: Option<String>,
}

impl Node {
    /// A node with Slurm's defaults: 1 CPU, 1 MiB, weight 1, no GRES, no features.
    ///
    /// ```
    /// let n = hpcsched::Node::new("cpu16-1");
    /// assert_eq!((n.cpus, n.weight), (1, 1));
    /// ```
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            cpus: 1,
            sockets: 1,
            cores_per_socket: 1,
            threads_per_core: 1,
            tmp_disk: Memory::from_mib(0),
            mem_spec_limit: Memory::from_mib(0),
            real_memory: Memory::from_mib(1),
            gres: Vec::new(),
            features: Vec::new(),
            weight: 1,
            state: NodeState::empty(),
            reason: None,
        }
    }

    /// The memory jobs may use: `RealMemory` less `MemSpecLimit` (observed on 22.05:
    /// RealMemory=131072 MemSpecLimit=65536 runs `--mem=65536`; `--mem=65537` on that
    /// node is refused at submit, and accepted held, pending with BadConstraints once
    /// released).
    ///
    /// ```
    /// let mut n = hpcsched::Node::new("n1");
    /// n.real_memory = hpcsched::Memory::from_mib(32768);
    /// n.mem_spec_limit = hpcsched::Memory::from_mib(8192);
    /// assert_eq!(n.usable_memory().mib(), 24576);
    /// ```
    #[must_use]
    pub fn usable_memory(&self) -> Memory {
        Memory::from_mib(
            self.real_memory
                .mib()
                .saturating_sub(self.mem_spec_limit.mib()),
        )
    }

    /// Whether the scheduler may place new jobs on this node.
    #[must_use]
    pub fn is_schedulable(&self) -> bool {
        !self.state.intersects(
            NodeState::DOWN
                | NodeState::DRAIN
                | NodeState::FAIL
                | NodeState::FUTURE
                | NodeState::NOT_RESPONDING,
        )
    }
}

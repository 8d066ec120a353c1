//! The resource-time profile the scheduler plans on, and the search for where and when a
//! job can start.
//!
//! A [`Profile`] knows, for every node, what is free now, what running jobs release and
//! when, which user holds a user-exclusive node until when, and the reservations made for
//! higher-priority pending jobs. [`Profile::earliest`] answers "when is the earliest time,
//! not before `t`, at which this demand fits for its whole duration, and on which nodes?",
//! the question both the main scheduler (start now?) and backfill (when, and reserve
//! what?) ask. Choosing nodes follows select/cons_tres: lowest `Weight` first, then the
//! best fit, then node order.
//!
//! Times are plain [`Timestamp`]s; the caller rounds them to `bf_resolution` if it wants
//! Slurm's granularity.

use crate::gres::GresKey;
use crate::memory::Memory;
use crate::time::{Duration, Timestamp};
use crate::tres::Tres;

/// Index of a node in the cluster's definition order.
pub type NodeIdx = u32;

/// A user, as a small number the scheduler assigns.
pub type UserIdx = u32;

/// How much memory a demand needs on each node it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemDemand {
    /// This much on every node.
    PerNode(Memory),
    /// This much per CPU the node gives the job.
    PerCpu(Memory),
    /// This much per GPU the node gives the job.
    PerGpu(Memory),
    /// All of the node's memory (the node must have none allocated).
    WholeNode,
}

/// What one job (or array task) needs, in the terms the planner works in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demand {
    /// Fewest nodes.
    pub min_nodes: u32,
    /// Most nodes (the planner uses as few as satisfy the job, at least `min_nodes`).
    pub max_nodes: u32,
    /// CPUs the job needs in total over all its nodes.
    pub total_cpus: u32,
    /// CPUs every used node must give at least (e.g. `--ntasks-per-node` × `-c`, or `-c`).
    pub min_cpus_per_node: u32,
    /// CPUs come in multiples of this on each node (`-c`): a task is never split.
    pub cpus_per_task: u32,
    /// Memory per node.
    pub mem: MemDemand,
    /// GRES per node; an untyped key is satisfied by any type of that name.
    pub gres_per_node: Vec<(GresKey, u64)>,
    /// The job takes whole nodes (all CPUs, GRES; it needs the node idle).
    pub whole_node: bool,
    /// The submitting user.
    pub user: UserIdx,
    /// Nodes used by this job may hold no other user's job, before or during.
    pub user_exclusive: bool,
    /// How long the job holds its resources (its time limit).
    pub duration: Duration,
}

/// Where and when a demand fits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// The start time.
    pub start: Timestamp,
    /// The chosen nodes, in node order, each with the CPUs it gives the job.
    pub nodes: Vec<(NodeIdx, u32)>,
}

/// How a reservation holds a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hold {
    /// The whole node, whatever the job needs (Slurm's backfill default).
    WholeNode,
    /// Just these resources.
    Resources(Tres),
}

/// The per-node resource-time profile of one scheduling pass.
#[derive(Debug, Clone)]
pub struct Profile {}

impl Profile {
    /// A profile starting at `now` over nodes with these capacities and weights, all free.
    /// `capacity[i]` is node `i`'s configured CPUs, memory and GRES; `weight[i]` its Weight.
    #[must_use]
    pub fn new(now: Timestamp, capacity: Vec<Tres>, weight: Vec<u32>) -> Self {
        let _ = (now, capacity, weight);
        todo!("planner helper")
    }

    /// Records a running job: it holds `used` on `node` from now until `end` (for a
    /// whole-node job pass the node's full capacity). `user` and `user_exclusive` make the
    /// node unusable for other users until `end`.
    pub fn add_running(
        &mut self,
        node: NodeIdx,
        used: &Tres,
        end: Timestamp,
        user: UserIdx,
        user_exclusive: bool,
    ) {
        let _ = (node, used, end, user, user_exclusive);
        todo!("planner helper")
    }

    /// Reserves `node` for a pending job over `[start, end)`.
    pub fn reserve(
        &mut self,
        node: NodeIdx,
        start: Timestamp,
        end: Timestamp,
        hold: &Hold,
        user: UserIdx,
        user_exclusive: bool,
    ) {
        let _ = (node, start, end, hold, user, user_exclusive);
        todo!("planner helper")
    }

    /// Takes `node` out of planning entirely (DOWN, DRAIN, or blocked for this pass).
    pub fn block(&mut self, node: NodeIdx) {
        let _ = node;
        todo!("planner helper")
    }

    /// The earliest start `>= not_before` (and `< horizon`, if given) at which `demand`
    /// fits on nodes drawn from `candidates` for its whole duration, and the nodes chosen.
    /// `None` if it never fits before the horizon.
    #[must_use]
    pub fn earliest(
        &self,
        demand: &Demand,
        candidates: &[NodeIdx],
        not_before: Timestamp,
        horizon: Option<Timestamp>,
    ) -> Option<Placement> {
        let _ = (demand, candidates, not_before, horizon);
        todo!("planner helper")
    }
}

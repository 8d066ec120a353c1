//! The resource-time profile the scheduler plans on, and the search for where and when a
//! job can start.
//!
//! A [`Profile`] knows, for every node, what is free now, what running jobs release and
//! when, which user holds a user-exclusive node until when, and the reservations made for
//! higher-priority pending jobs. [`Profile::earliest`] answers "when is the earliest time,
//! not before `t`, at which this demand fits for its whole duration, and on which nodes?",
//! the question both the main scheduler (start now?) and backfill (when, and reserve
//! what?) ask. Choosing nodes follows select/cons_tres ([`choose`]): sets of consecutive
//! usable nodes, lowest `Weight` first, the tightest sufficient set, nodes in index order.
//!
//! Times are plain [`Timestamp`]s; the caller rounds them to `bf_resolution` if it wants
//! Slurm's granularity.
//!
//! # Model
//!
//! Every node carries a timeline: a sorted `Vec` of segments `[start, next start)`, the
//! last one open-ended, each holding what is free during it (CPUs, memory, GRES), the users
//! whose jobs are on the node, the users whose jobs there are user-exclusive, and whether a
//! whole-node reservation holds it. The first segment starts at the profile's `now`; a
//! running job holds its resources from `now` to its end, a reservation over its
//! `[start, end)`. Free = capacity − running jobs still running − reservations active,
//! never below zero (an over-committed input saturates instead of wrapping).
//!
//! GRES are consumed as [`Tres::checked_sub`](crate::Tres::checked_sub) does: a typed amount from its own type, an
//! untyped amount from the untyped entry first, then from the types of that name in key
//! order. A demand's typed GRES need that exact type; an untyped one is served by any type.
//!
//! # When a node is usable
//!
//! A node is usable for a [`Demand`] starting at `s` if, in every segment overlapping
//! `[s, s + duration)`:
//! - it is not blocked and no whole-node reservation ([`Hold::WholeNode`]) holds it;
//! - no user-exclusive job of another user is on it, and, for a user-exclusive demand, no
//!   job of another user at all;
//! - for a `whole_node` demand: nothing at all is on it (no running job, no reservation);
//!   it then gives all its CPUs, and its *capacity* must cover the memory and GRES asked;
//! - otherwise: the free GRES cover `gres_per_node`; memory: `PerNode` ≤ free memory,
//!   `PerGpu` × the GPUs asked per node ≤ free memory, `PerCpu` limits the CPUs the node can
//!   give to what the free memory pays for, `WholeNode` needs the node's memory entirely
//!   free; and the CPUs it can give — free CPUs rounded down to whole tasks of
//!   `cpus_per_task`, then limited by memory — reach the per-node minimum.
//!
//! The per-node minimum is `max(min_cpus_per_node, cpus_per_task, 1)` rounded up to a whole
//! number of tasks. What a node *can give* (its offer) over a window is the smallest offer
//! of the segments in it. A demand with a [`CpuBudget`] (a partition's MaxCPUsPerNode)
//! also needs the budget left on the node to cover its tasks' CPUs there, and offers no
//! more than that left, but is given its per-node minimum in full where select/cons_tres
//! gives it (see [`CpuBudget`]).
//!
//! A demand with GPUs for the whole job ([`Demand::gpus_per_job`], `--gpus=N`) also needs
//! a free GPU of its key on each node in every segment of the window; what a node can give
//! of them over the window is the fewest free in one segment (with memory per GPU, no
//! more than its free memory pays for). Such a node's offer changes with those GPUs too,
//! so the search tries the instants they are released at.
//!
//! # Fitting and choosing nodes
//!
//! A demand *may fit* at `s` when at least `min_nodes` nodes are usable and the
//! `max_nodes` largest offers add up to `total_cpus`. The nodes are then chosen as
//! select/cons_tres chooses them (module [`choose`]: runs of consecutive usable nodes of
//! one weight, the lowest weight first, the tightest sufficient run, nodes taken in index
//! order, a best-fitting single node when one more is needed, Slurm's knapsack fallback);
//! that choice reads every usable node, idle ones of a kind as runs. Slurm's choice is
//! greedy and can fail where a placement exists (rarely: node limits with nodes of
//! several sizes): the demand then does not start at `s`, as in Slurm, and the search goes
//! on. The CPUs each node gives: the per-node minimum, then what is still missing, whole
//! tasks at a time, in the order the nodes were taken, up to each node's offer; a
//! `whole_node` demand gets every CPU of each node. A `--gpus` demand is chosen with the
//! per-job GPU rules of [`JobGpus`], and its GPUs per node come in [`Placement::gpus`]. On idle identical nodes a job takes
//! the lowest indices; with `cpu16-2` busy, `-N 2` on `cpu16-[1-4]` takes the run
//! `cpu16-[3-4]`.
//!
//! # Required nodes
//!
//! [`Profile::earliest_with_required`] serves sbatch `--nodelist` naming fewer nodes than
//! the job asks for: every listed node is in the allocation, the others are "allocated on
//! other nodes as needed" (sbatch.1). A start `s` is then possible only if every required
//! node is usable over `[s, s + duration)` and the demand may fit with the required nodes
//! counted first: they are at most `max_nodes`, and their offers plus the
//! `max_nodes − required` largest other offers reach `total_cpus`. A required node that
//! is not a candidate (unknown, blocked, not listed, too small) means the demand never
//! fits. The required nodes are taken first; the run holding the first of them is
//! preferred, and walked upward from that node, then downward (on idle identical nodes,
//! `-N 2 -w n4` of `n[1-4]` gets `n3` and `-N 2 -w n3` gets `n4`, as Slurm 22.05 does);
//! so the required nodes get their CPUs first (`-N 2 -n 5 -w n2` on 4-CPU nodes: 4 on
//! `n2`, 1 on `n3`, as Slurm gives).
//!
//! # Time
//!
//! [`Profile::earliest`] searches `s ≥ max(not_before, now)`, `s < horizon`. A fit can only
//! begin at the first such instant or when resources are released (a running job or a
//! reservation ends), so those are the only starts returned. A zero duration is treated
//! as one second. Instants saturate at `u64::MAX`, so "unlimited" durations passed as very
//! long ones never overflow; a window reaching `u64::MAX` is open-ended.
//!
//! # Cost
//!
//! `add_running`/`reserve` cost O(segments of the node) (a split and an update of the
//! segments in the interval, then neighbouring segments no question can tell apart are
//! merged: two held by whole-node reservations, or two equal in every field — so
//! back-to-back whole-node reservations leave one segment, not one per job), plus
//! O(log n) per index entry of the node that changed (see groups below).
//!
//! Questions about a caller's node list ([`Profile::earliest`]) cost O(candidates): the
//! aggregates at `now` first (below), then a direct test at the first possible start, then
//! a sweep of every candidate's offer curve (a sliding-window minimum over its segments,
//! O(segments)), sorted and read in time order: O(E log E) for E change points.
//!
//! Questions about a registered group ([`Profile::add_group`], one per partition) read
//! indexes the group keeps up to date, so they visit only the nodes that can matter:
//! 1. "Start now?": the group's aggregates (a histogram of free CPUs at `now` and the
//!    idle-node count over the members with no later reservation, whose free resources
//!    can only grow, plus an exact test of the members that do have one, while they are
//!    few) rule out most hopeless questions in O(distinct free-CPU values); otherwise the
//!    index of busy members by free CPUs at `now` gives exactly the members with enough
//!    CPUs, and of each kind of pristine (untouched) member only the `max_nodes`
//!    lowest-indexed ones can matter.
//! 2. Later starts: a lazy sweep in time order over three sources — members with a live
//!    run (consecutive segments not held, some CPU free) long enough for the window, found
//!    in an index of runs by length class and start; every other member's single change,
//!    at the start of its last segment, from an index of those starts; the exact offer
//!    curve of a member from the moment one of its runs is reached. It stops at the
//!    answer, so it costs the runs, tails and curve changes before it, not the group.
//!
//! Choosing nodes costs O(P log P) for P pieces: the usable nodes that are not pristine,
//! plus the runs of pristine nodes (a run of idle nodes of one kind is one piece).
//!
//! [`Profile::earliest_with_required`] asks about a caller's list the way
//! [`Profile::earliest`] does, the sweep starting at the first instant from which every required node
//! is usable on its own (one offer curve each); every change point after that which passes
//! the count and sum tests costs a full choice, which refuses the nodes if a required one
//! is not usable.
//!
//! Measured with `cargo run --release --example scheduler_bench` (10,000 nodes, 5,000
//! running, 100,000 pending jobs; see the README): one EASY pass 0.19–0.23 s, conservative
//! (every job reserves) 1.9 s, Slurm's defaults 0.16–0.20 s; before the group indexes 1.1 s,
//! 48.5 s and 0.71 s. A conservative sweep there visits about 140 curved members, 90 tails
//! and 350 curve changes instead of 6,000 members. What remains in an EASY pass is spread
//! over the per-job work of the scheduler (building the demand, the shape cache, the
//! queue), each a few percent.

use crate::time::Timestamp;

mod changes;
mod choice;
pub mod choose;
mod demand;
mod group_sweep;
mod groups;
mod need;
mod offer;
mod profile;
mod search;
mod sweep;
mod timeline;

pub use demand::{CpuBudget, Demand, Hold, JobGpus, MemDemand, Placement};
pub use profile::Profile;

/// Index of a node in the cluster's definition order.
pub type NodeIdx = u32;

/// A user, as a small number the scheduler assigns.
pub type UserIdx = u32;

/// Instant standing for "never" / "open-ended".
pub(crate) const NEVER: Timestamp = Timestamp(u64::MAX);

#[cfg(test)]
mod tests;

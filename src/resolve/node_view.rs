//! The questions about nodes that resolving asks ([`NodeView`]), and the node counts of
//! a job in one partition they answer with ([`NodeFit`]).

use super::node_demand::NodeDemand;
use super::reject::RejectReason;
use crate::constraint::Constraint;
use crate::partition::Partition;
use crate::request::JobRequest;

/// The node counts of a job in one partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct NodeFit {
    pub(super) min_nodes: u32,
    pub(super) max_nodes: u32,
    /// With whole nodes: the CPUs of the `min_nodes` smallest usable nodes (else 0).
    pub(super) whole_node_cpus: u32,
}

/// The questions about nodes that resolving asks. [`Indexed`](super::indexed::Indexed) answers them from the
/// cluster's [`NodeIndex`](crate::cluster::NodeIndex) in time independent of the node count; the tests keep the
/// node-by-node answers to compare.
pub(super) trait NodeView {
    /// Whether some node of the cluster has a GRES of this name.
    fn knows_gres(&self, name: &str) -> bool;
    /// Whether some node of the cluster satisfies the constraint.
    fn satisfiable(&self, constraint: &Constraint) -> bool;
    /// The CPUs of the partition's nodes.
    fn total_cpus(&self, pos: usize, part: &Partition) -> u64;
    /// The first `--nodelist` name outside the partition.
    fn first_outside<'r>(
        &self,
        pos: usize,
        part: &Partition,
        req: &'r JobRequest,
    ) -> Option<&'r String>;
    /// Whether the request names required nodes and one of them can not take jobs now.
    fn required_unavailable(&self, req: &JobRequest) -> bool;
    /// The least memory (MiB) of a node of the partition.
    fn min_memory(&self, pos: usize, part: &Partition) -> Option<u64>;
    /// How many nodes of the partition the job needs, or why it never fits.
    fn fit_nodes(
        &self,
        pos: usize,
        part: &Partition,
        demand: &NodeDemand<'_>,
    ) -> Result<NodeFit, RejectReason>;
    /// Whether some node of the partition, less the excluded ones, passes
    /// [`NodeDemand::config_ok`].
    fn config_matches(&self, pos: usize, part: &Partition, demand: &NodeDemand<'_>) -> bool;
}

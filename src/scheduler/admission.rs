//! The part of slurmctld's submit-time test that depends on what runs: under
//! `EnforcePartLimits=ALL`, a job whose last partition can never run it is refused unless
//! one of its partitions can start it at once (see
//! [`crate::ResolvedJob::refused_unless_startable`]).

use super::Scheduler;
use crate::resolve::ResolvedJob;

impl Scheduler {
    /// Whether slurmctld's submit-time test (`_pick_best_nodes()` in node_scheduler.c,
    /// called with `test_only`) keeps the job in one of its partitions: it can be given
    /// nodes there now, or the nodes it lacks there are out of service rather than busy
    /// (ESLURM_NODE_NOT_AVAIL, which keeps the job too). Only ESLURM_NODES_BUSY in every
    /// partition lets the last partition's refusal stand.
    pub(crate) fn startable_at_submit(&self, job: &ResolvedJob, user: &str) -> bool {
        job.partitions()
            .iter()
            .any(|name| self.kept_at_submit_in(job, name, user))
    }

    fn kept_at_submit_in(&self, job: &ResolvedJob, partition: &str, user: &str) -> bool {
        let (Some(part), Some(shape)) = (
            self.cluster.partition_index(partition),
            job.shape_in(partition),
        ) else {
            return false;
        };
        let (whole_node, user_exclusive) = (shape.whole_nodes(), shape.user_exclusive());
        let in_service = |idx: usize| {
            self.cluster
                .node_at(idx)
                .is_some_and(crate::node::Node::is_schedulable)
        };
        let usable_now =
            |idx: usize| in_service(idx) && self.free_for(idx, whole_node, user_exclusive, user);
        if self.cluster.fits_nodes_now(job, partition, usable_now) {
            return true;
        }
        let busy = self.partition_nodes.get(part).is_some_and(|nodes| {
            nodes
                .iter()
                .map(|&n| n as usize)
                .any(|idx| in_service(idx) && !usable_now(idx))
        });
        !busy && !self.cluster.fits_nodes_now(job, partition, in_service)
    }

    /// Whether node `idx` may take the job now as far as the jobs running on it go, the
    /// bitmaps the submit-time test starts from: a whole-node job needs an idle node
    /// (`idle_node_bitmap`), any other job a node no whole-node job holds
    /// (`share_node_bitmap`), and a user-exclusive job, or a node held by one, no other
    /// user's job (`filter_by_node_owner()`).
    fn free_for(&self, idx: usize, whole_node: bool, user_exclusive: bool, user: &str) -> bool {
        let Some(rt) = self.nodes.get(idx) else {
            return false;
        };
        rt.jobs
            .iter()
            .filter_map(|id| self.jobs.get(id))
            .all(|other| {
                let shape = other
                    .partition
                    .as_deref()
                    .and_then(|p| other.resolved.shape_in(p))
                    .unwrap_or_else(|| other.resolved.shape());
                let other_user = &*other.user != user;
                !whole_node
                    && !shape.whole_nodes()
                    && !(other_user && (user_exclusive || shape.user_exclusive()))
            })
    }
}

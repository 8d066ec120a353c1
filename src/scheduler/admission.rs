//! The part of slurmctld's submit-time test that depends on what runs: under
//! `EnforcePartLimits=ALL`, a job whose last partition can never run it is refused unless
//! one of its partitions can start it at once (see
//! [`crate::ResolvedJob::refused_unless_startable`]); a job that could not run on its
//! partitions' nodes in service even were they idle is accepted waiting with
//! ReqNodeNotAvail.

use super::Scheduler;
use crate::resolve::ResolvedJob;
use crate::sched_config::EnforcePartLimits;

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
            self.site.cluster.partition_index(partition),
            job.shape_in(partition),
        ) else {
            return false;
        };
        let (whole_node, user_exclusive) = (shape.whole_nodes(), shape.user_exclusive());
        let in_service = |idx: usize| {
            self.site
                .cluster
                .node_at(idx)
                .is_some_and(crate::node::Node::is_schedulable)
        };
        let usable_now =
            |idx: usize| in_service(idx) && self.free_for(idx, whole_node, user_exclusive, user);
        if self.site.cluster.fits_nodes_now(job, partition, usable_now) {
            return true;
        }
        let busy = self.site.partition_nodes.get(part).is_some_and(|nodes| {
            nodes
                .iter()
                .map(|&n| n as usize)
                .any(|idx| in_service(idx) && !usable_now(idx))
        });
        !busy && !self.site.cluster.fits_nodes_now(job, partition, in_service)
    }

    /// The description a job gets from slurmctld's submit-time test when none of its
    /// partitions could run it on their nodes in service, even idle, and none of those is
    /// busy for it (`_pick_best_nodes()` in test-only mode: ESLURM_NODE_NOT_AVAIL, also
    /// when a `--nodelist` node is out of service): "ReqNodeNotAvail, UnavailableNodes:"
    /// and the partition's nodes out of service, only its `--nodelist` ones if it has
    /// one. The job keeps that reason until a main pass tries it: one behind a blocked
    /// job of its partition keeps it rather than take Priority (observed on 22.05 with the
    /// only node of a partition drained: the first job waits with "Nodes required for job
    /// are DOWN, DRAINED...", the next ones with "ReqNodeNotAvail,
    /// UnavailableNodes:h100-1"; with another node of the partition busy the job waits
    /// for Priority). A held job or one with a dependency gets its own reason instead.
    pub(crate) fn reason_at_submit(&self, job: &ResolvedJob) -> Option<String> {
        let mut desc = None;
        for name in job.partitions() {
            let (Some(part), Some(shape)) =
                (self.site.cluster.partition_index(name), job.shape_in(name))
            else {
                return None;
            };
            let avail = |idx: usize| {
                self.site
                    .cluster
                    .node_at(idx)
                    .is_some_and(crate::node::Node::is_schedulable)
            };
            let required = &job.request().nodelist;
            let nodes = self
                .site
                .partition_nodes
                .get(part)
                .map_or(&[][..], Vec::as_slice);
            // A `--nodelist` node out of service fails the job at once; otherwise it must
            // not fit the nodes in service were they idle, none of them busy for it
            // (`nodes_busy`: held whole by a job, or the job wants whole nodes).
            let listed_out = nodes.iter().any(|&n| {
                !avail(n as usize)
                    && self
                        .site
                        .cluster
                        .node_at(n as usize)
                        .is_some_and(|node| required.contains(&node.name))
            });
            if !listed_out {
                // With every node in service, the test is the one the job passed to be
                // accepted in this partition (the common case, and the cheap one).
                let all_in = job.refused_unless_startable().is_none()
                    && nodes.iter().all(|&n| avail(n as usize));
                let busy = || {
                    nodes.iter().any(|&n| {
                        avail(n as usize) && self.held_whole(n as usize, shape.whole_nodes())
                    })
                };
                if all_in || busy() || self.site.cluster.fits_nodes_now(job, name, avail) {
                    return None;
                }
            }
            let mut names: Vec<String> = nodes
                .iter()
                .filter(|&&n| !avail(n as usize))
                .filter_map(|&n| self.site.cluster.node_at(n as usize))
                .filter(|node| required.is_empty() || required.contains(&node.name))
                .map(|node| node.name.clone())
                .collect();
            names.sort();
            desc = Some(if names.is_empty() {
                "ReqNodeNotAvail, May be reserved for other job".to_owned()
            } else {
                format!(
                    "ReqNodeNotAvail, UnavailableNodes:{}",
                    crate::hostlist::compress(&names)
                )
            });
        }
        desc
    }

    /// Whether slurmctld's submit-time test leaves the job whole-node in every partition:
    /// `_select_nodes_parts()` tests the job's partitions in PriorityTier order, and
    /// `_resolve_shared_status()` makes it whole-node for good when one of them is
    /// OverSubscribe=EXCLUSIVE and has nodes for it. Under `EnforcePartLimits=ALL` every
    /// partition is tested; otherwise the test stops at the first one that can run the
    /// job now or later (under `ANY`, the first within its limits). Observed on 22.05,
    /// `whole` EXCLUSIVE on busy nodes, `CPU-4` shared, EnforcePartLimits=ALL: `-p
    /// whole,CPU-4 -n 1` and `-p CPU-4,whole -n 1` run in CPU-4 on a whole node
    /// (OverSubscribe=NO), `-p CPU-4,whole -C ib` (no `ib` node in `whole`) shares.
    /// A job submitted held is not tested (`select_nodes()` returns at the hold).
    pub(crate) fn whole_from_submit(&self, job: &ResolvedJob) -> bool {
        let exclusive = |name: &str| {
            self.site
                .cluster
                .partition(name)
                .is_some_and(|p| p.oversubscribe == crate::partition::OverSubscribe::Exclusive)
        };
        let parts = job.partitions();
        // `_build_node_list()` passes a partition with a node of the job's features; the
        // whole-node test comes after it, in `_pick_best_nodes()`, so a partition where
        // only whole nodes are too small (`--mem-per-cpu` times every CPU) still counts
        // (observed on 22.05, generated scenario g00279: `-p whole,high --mem-per-cpu=16G`
        // is then "never runnable" in high too).
        let has_feature_nodes = |name: &str| {
            let req = job.request();
            self.site.cluster.partition(name).is_some_and(|p| {
                req.nodelist.iter().all(|n| p.nodes.contains(n))
                    && p.nodes.iter().any(|n| {
                        self.site
                            .cluster
                            .node(n)
                            .is_some_and(|node| req.admits_node(node))
                    })
            })
        };
        match self.site.cluster.config().enforce_part_limits {
            // Every listed partition: one whose limits the job breaks would have refused
            // it, and the others are tested whether or not they can ever run it.
            EnforcePartLimits::All => {
                parts.iter().any(|p| exclusive(p))
                    || job
                        .request()
                        .partitions
                        .iter()
                        .any(|p| exclusive(p) && has_feature_nodes(p))
            }
            EnforcePartLimits::Any => parts
                .iter()
                .enumerate()
                .find(|&(i, _)| !job.blocked_by_limits_at(i))
                .is_some_and(|(_, p)| exclusive(p)),
            EnforcePartLimits::No => parts.first().is_some_and(|p| exclusive(p)),
        }
    }

    /// Whether node `idx` is out of a job's reach while its jobs run: it runs any job
    /// and the job wants it whole (`idle_node_bitmap`), or one of its jobs holds it whole
    /// (`share_node_bitmap`).
    pub(super) fn held_whole(&self, idx: usize, whole_node: bool) -> bool {
        let Some(rt) = self.site.nodes.get(idx) else {
            return false;
        };
        !rt.jobs.is_empty()
            && (whole_node
                || rt
                    .jobs
                    .iter()
                    .filter_map(|id| self.jobs.get(*id))
                    .any(|other| self.running_sharing(other).0))
    }

    /// Whether node `idx` may take the job now as far as the jobs running on it go, the
    /// bitmaps the submit-time test starts from: a whole-node job needs an idle node
    /// (`idle_node_bitmap`), any other job a node no whole-node job holds
    /// (`share_node_bitmap`), and a user-exclusive job, or a node held by one, no other
    /// user's job (`filter_by_node_owner()`).
    fn free_for(&self, idx: usize, whole_node: bool, user_exclusive: bool, user: &str) -> bool {
        let Some(rt) = self.site.nodes.get(idx) else {
            return false;
        };
        rt.jobs
            .iter()
            .filter_map(|id| self.jobs.get(*id))
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

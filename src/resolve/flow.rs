//! Resolving a request from end to end: [`Cluster::resolve`] and its kin run the checks
//! in slurmctld's order, evaluate each partition, and assemble the [`ResolvedJob`].

use super::counts::JobView;
use super::indexed::Indexed;
use super::job::{Others, ResolvedJob};
use super::limits::qos_violation;
use super::node_view::NodeView;
use super::partitions::{PartEval, Stage, fitting_partitions};
use super::reject::{RejectReason, Rejection};
use super::request::sbatch_nodelist;
use super::shape::JobShape;
use crate::cluster::Cluster;
use crate::job_state::PendingReason;
use crate::partition::PartitionState;
use crate::qos::QosFlags;
use crate::request::JobRequest;
use crate::sched_config::EnforcePartLimits;

impl Cluster {
    /// Resolves a request against this cluster.
    ///
    /// Returns what slurmctld would record for the job, or every reason sbatch would
    /// print when refusing it. Choices hpcsched makes where Slurm has more context:
    /// - **QOS**: `-q` must name a QOS of the cluster. Without `-q` the job QOS is
    ///   `normal` if the cluster defines it (sacctmgr's default), else none. A
    ///   partition's `QOS=` is not the job QOS: its limits are checked as an extra layer.
    ///   Account/user associations are not modelled (no account defaults).
    /// - **Partitions**: the listed (or default) ones, DRAIN/INACTIVE ones removed
    ///   (observed: `-p drained,up` is accepted in `up`; on 22.05 `-p inactive,up` shows
    ///   only `up`), sorted by PriorityTier then written order, the order slurmctld tests
    ///   them in (observed on 22.05 through the reason of a job blocked in all).
    ///   Partitions where the job can never run (node configuration, or a limit when
    ///   another partition has none) are dropped from [`ResolvedJob::partitions`];
    ///   Slurm keeps them in the job's list but never starts the job there. The job gets
    ///   a [`JobShape`] in each remaining partition ([`ResolvedJob::shape_in`]),
    ///   computed with that partition's nodes, OverSubscribe, ExclusiveUser,
    ///   DefMemPerCPU/Node/GPU and MaxMemPerCPU, as `job_limits_check()` and the select
    ///   plugin do for each partition tried (observed: `-p a,b` running in `b` gets
    ///   `b`'s DefMemPerCPU). The accessors of [`ResolvedJob`] read the shape in the
    ///   first one. A remaining partition the job can not run in for now (DOWN, a QOS
    ///   limit, or every partition breaking a limit) keeps its reason
    ///   ([`ResolvedJob::pending_reason_in`]); the job pends only when each has one.
    /// - **Time limit**: `--time`, else the DefaultTime of the first partition *listed*
    ///   (written order, not PriorityTier: `part_ptr` in `_valid_job_part()`, observed),
    ///   in every partition; without one, the QOS MaxWall when it is below the
    ///   partition's MaxTime, else that partition's DefaultTime, else its MaxTime (what
    ///   `select_nodes()` gives a job with no limit when it starts; Slurm's backfill
    ///   gives MaxTime instead).
    /// - **Node list** (`-w`): sbatch's adjustments come first. The node count is at
    ///   least the number of distinct listed nodes, and a `-N` maximum below it is
    ///   refused ([`RejectReason::NodeListOverMaxNodes`]); with `-n` below it, the count
    ///   becomes `-n` and only the first `-n` listed nodes (sorted) are kept, in
    ///   [`ResolvedJob::request`] too (observed on 22.05).
    /// - **Node count** without `-N`: the least number of nodes of the partition that
    ///   hold `ntasks × cpus-per-task` CPUs (and `--gpus`) — Slurm records 1 and lets
    ///   the select plugin grow it; the maximum is `min(ntasks, eligible nodes)`.
    /// - **`--gpus=N`** (per job): N GPUs for the whole job, from one node or several,
    ///   chosen when the job starts (or is planned) by select/cons_tres's per-job GRES
    ///   rules ([`crate::planner::JobGpus`]): nodes are added from the job's minimum
    ///   count (1 without `-N`) until the GPUs are there, a node with more free GPUs
    ///   weighs less, and the GPUs are handed out in node order, one at least for every
    ///   later node (observed on 22.05: `--gpus=2` with the 2-GPU node busy runs at once
    ///   on two 1-GPU nodes). So [`JobShape::gres_per_node`] holds no share of them
    ///   ([`JobShape::gpus_per_job`] does), and the node count shown is the least number
    ///   of nodes whose GPUs hold N (slurmctld's submit-time count on idle nodes). `-N k`
    ///   gives exactly k nodes and a `-N` maximum is capped at N (`--gpus < -N` is
    ///   refused by sbatch); `-n T` allows at most T nodes (so `-n 1 --gpus=2` needs one
    ///   node with 2 GPUs); a request no set of allowed nodes can hold is refused
    ///   ("Requested node configuration is not available").
    /// - **Memory checks** per node use the least CPUs a node must give the job
    ///   (`--ntasks-per-node` × `-c`, or `-c`), not all of a whole node.
    /// - **Dependencies** are not checked: there is no job table here. A host that has
    ///   one checks `request().dependency` targets after this call (Slurm rejects
    ///   `afterok`/`afternotok` on unknown jobs).
    /// - **Running jobs** are not known here either: with `EnforcePartLimits=ALL`, a job
    ///   whose last partition can never run it is refused by slurmctld when its other
    ///   partitions are busy at submit; the job is accepted here and says so
    ///   ([`ResolvedJob::refused_unless_startable`]), for a host that knows what runs.
    /// - **Node limits** besides its size are part of the node test, as in slurmctld's
    ///   submit-time test: the partition's MaxCPUsPerNode (on the CPUs of the tasks and
    ///   GPUs a node holds, not on `--mincpus`; no whole node with more CPUs), `--tmp`
    ///   against TmpDisk, memory against RealMemory less MemSpecLimit, and the CPUs its
    ///   GPUs need (`--cpus-per-gpu`, DefCPUPerGPU). A job no node passes is refused
    ///   ([`RejectReason::NodeConfigUnavailable`], observed on 22.05).
    /// - **Held jobs** (`-H`) are not tested against nodes, as in Slurm: a job no node
    ///   can run is accepted held ([`ResolvedJob::fits_no_node`]), with the node count it
    ///   asked for; every other check applies.
    ///
    /// ```
    /// use hpcsched::{Cluster, JobRequest, Node, Partition, RejectReason, SchedConfig};
    /// let mut c = Cluster::new(SchedConfig::default());
    /// c.add_node(Node::new("n1")).unwrap();
    /// c.add_partition(Partition::new("debug", vec!["n1".into()])).unwrap();
    /// let mut req = JobRequest::default();
    /// req.partitions = vec!["gpu".into()];
    /// let err = c.resolve(&req).unwrap_err();
    /// assert_eq!(err.reasons(), [RejectReason::InvalidPartition("gpu".into())]);
    /// ```
    pub fn resolve(&self, request: &JobRequest) -> Result<ResolvedJob, Rejection> {
        let request = sbatch_nodelist(request);
        let view = Indexed::new(self, &request);
        self.resolve_with(&request, &view)
    }

    /// [`Cluster::resolve`] for a job already queued, after one of its partitions changed
    /// state (`scontrol update PartitionName=... State=`). Partition states then mean what
    /// they mean for queued jobs (slurm.conf.5 `State`): DRAIN still runs them, DOWN keeps
    /// them pending with PartitionDown, INACTIVE with PartitionInactive. `request` is the
    /// job's resolved request, its partitions the ones it kept at submit.
    pub(crate) fn resolve_queued(&self, request: &JobRequest) -> Result<ResolvedJob, Rejection> {
        let request = sbatch_nodelist(request);
        let view = Indexed::new(self, &request);
        self.resolve_in(&request, &view, Stage::Queued)
    }

    /// [`Cluster::resolve`], with the node questions answered by `view`.
    pub(super) fn resolve_with<V: NodeView>(
        &self,
        request: &JobRequest,
        view: &V,
    ) -> Result<ResolvedJob, Rejection> {
        self.resolve_in(request, view, Stage::Submit)
    }

    /// [`Cluster::resolve_with`] at a stage of the job's life.
    fn resolve_in<V: NodeView>(
        &self,
        request: &JobRequest,
        view: &V,
        stage: Stage,
    ) -> Result<ResolvedJob, Rejection> {
        let counts = self.check_request(request, view)?;
        let qos = self.job_qos(request)?;
        let (candidates, first_listed) = self.candidate_partitions(request, stage)?;
        self.check_access(request, &candidates)?;
        let req_nodes_unavailable = view.required_unavailable(request);
        let job = JobView {
            req: request,
            counts,
            qos,
            first_listed,
            held: request.hold,
            several: candidates.len() > 1,
        };
        let evals: Vec<PartEval<'_>> = candidates
            .iter()
            .map(|&(pos, p)| self.evaluate(view, pos, p, &job))
            .collect();
        self.enforce_part_limits(&evals)?;
        self.check_list_limits(&job, &candidates)?;
        // A held job that no node of any of its partitions can run is accepted, in every
        // partition where only the nodes failed it, and can never run (observed on 22.05:
        // `-H -p A100-10 -N 1 --ntasks-per-node=6 --gpus-per-node=2` on 1-GPU nodes pends
        // with JobHeldUser, fidelity scenario g00016).
        let (fitting, fits_no_node) = match fitting_partitions(&evals) {
            Ok(fitting) => (fitting, false),
            Err(rejection) => {
                let unfit: Vec<(&PartEval<'_>, &JobShape)> = evals
                    .iter()
                    .filter_map(|e| e.unfit.as_ref().map(|u| (e, &u.shape)))
                    .collect();
                if unfit.is_empty() {
                    return Err(rejection);
                }
                (unfit, true)
            }
        };
        // Why the job can not run in each partition, as slurmctld tests it there when it
        // builds its queue (`job_limits_check()`: limits, then a DOWN partition) and
        // schedules it (required nodes, the partition QOS, then the job QOS, with the
        // job's shape in that partition: resource_limits.shtml).
        let mut reasons: Vec<Option<PendingReason>> = Vec::with_capacity(fitting.len());
        for (e, shape) in &fitting {
            let mut reason = e.violation.as_ref().map(|(_, p)| p.clone());
            if reason.is_none() {
                reason = match (e.part.state, stage) {
                    (PartitionState::Down, _) => Some(PendingReason::PartitionDown),
                    (PartitionState::Inactive, Stage::Queued) => {
                        Some(PendingReason::PartitionInactive)
                    }
                    _ => None,
                };
            }
            if reason.is_none() && req_nodes_unavailable && !fits_no_node {
                reason = Some(PendingReason::ReqNodeNotAvail);
            }
            // A QOS with DenyOnLimit refuses the job if its limits fail in any listed
            // partition (`acct_policy_validate()` walks the partition list).
            let part_qos = e.part.qos.as_deref().and_then(|n| self.qos(n));
            let whole_node_mib = view.min_memory(e.pos, e.part);
            for q in part_qos.into_iter().chain(qos) {
                if let Some(r) = qos_violation(q, shape, whole_node_mib) {
                    if q.flags.contains(QosFlags::DENY_ON_LIMIT) {
                        return Err(RejectReason::QosPolicy(r).into());
                    }
                    if reason.is_none() {
                        reason = Some(r);
                    }
                }
            }
            // Once released, the job passes the queue's tests and the QOS, and the main
            // scheduler's node test fails it: `_schedule()` gives a job of one partition
            // that can never run FAIL_BAD_CONSTRAINTS (job_scheduler.c); a job listing
            // several keeps the reason the test left in each partition (observed on 22.05:
            // `-H -p CPU-4,A100-10 -c 8`, released, shows BadConstraints; `-H -p
            // A40-48,A100-10 --gpus-per-node=2` shows Resources).
            if reason.is_none() && fits_no_node {
                let left = e.unfit.as_ref().map(|u| u.reason.clone());
                reason = match left {
                    Some(r) if candidates.len() > 1 => Some(r),
                    _ => Some(PendingReason::BadConstraints),
                };
            }
            reasons.push(reason);
        }
        // EnforcePartLimits=ANY: the submit-time test skips each partition that is DOWN
        // or breaks a limit, and refuses the job when the last one breaks a limit.
        if self.config().enforce_part_limits == EnforcePartLimits::Any
            && evals
                .iter()
                .all(|e| e.violation.is_some() || e.part.state == PartitionState::Down)
            && evals.last().is_some_and(|e| e.violation.is_some())
        {
            return Err(RejectReason::PartitionConfigUnavailable.into());
        }
        // Partitions whose limits the job breaks are dropped when another has none: the
        // job never runs there (see `Cluster::resolve`).
        let clean = |e: &PartEval<'_>| e.violation.is_none();
        let any_clean = fitting.iter().any(|(e, _)| clean(e));
        let kept: Vec<usize> = (0..fitting.len())
            .filter(|&i| !any_clean || fitting.get(i).is_some_and(|(e, _)| clean(e)))
            .collect();
        // The job pends only if it can run in none of its partitions, with the reason
        // of the last one tested (`build_job_queue()` tests them in order and each
        // blocked one sets the reason; observed on 22.05), dropped ones included.
        let pending = if kept
            .iter()
            .all(|&i| reasons.get(i).is_some_and(Option::is_some))
        {
            reasons.last().cloned().flatten()
        } else {
            None
        };
        let Some((&first, rest)) = kept.split_first() else {
            return Err(RejectReason::NoPartition.into());
        };
        let Some(&(chosen, shape)) = fitting.get(first) else {
            return Err(RejectReason::NoPartition.into());
        };
        let mut partitions = vec![chosen.part.name.clone()];
        let mut others = Others {
            shapes: Vec::new(),
            blocked: Vec::new(),
            refusal: self.refusal_when_busy(&job, &evals, &reasons, fits_no_node),
            bad_after: Vec::new(),
            never_after: Vec::new(),
        };
        // Where, in slurmctld's test order, the partitions dropped because no node passes
        // the job's node-configuration filter come: it still tries the job there, and
        // each such try leaves BadConstraints (`_build_node_list()`).
        if !fits_no_node {
            let kept_pos: Vec<usize> = kept
                .iter()
                .filter_map(|&i| fitting.get(i).map(|(e, _)| e.pos))
                .collect();
            let mut before = 0u32;
            for e in &evals {
                if kept_pos.contains(&e.pos) {
                    before += 1;
                } else if e.violation.is_none() {
                    match e.node_reason {
                        Some(PendingReason::BadConstraints) => {
                            others.bad_after.push((before, e.part.name.clone()));
                        }
                        Some(PendingReason::Resources) => {
                            others.never_after.push((before, e.part.name.clone()));
                        }
                        _ => {}
                    }
                }
            }
        }
        for (&i, pos) in rest.iter().zip(1u32..) {
            if let Some(&(e, other)) = fitting.get(i) {
                partitions.push(e.part.name.clone());
                // Only what differs from the first partition is kept: most jobs list
                // one partition, or partitions where they run alike.
                if other != shape {
                    others.shapes.push((pos, other.clone()));
                }
            }
        }
        if !rest.is_empty() {
            for (&i, pos) in kept.iter().zip(0u32..) {
                if let Some(Some(reason)) = reasons.get(i) {
                    others.blocked.push((pos, reason.clone()));
                }
            }
        }
        let has_others = !others.shapes.is_empty()
            || !others.blocked.is_empty()
            || others.refusal.is_some()
            || !others.bad_after.is_empty()
            || !others.never_after.is_empty();
        Ok(ResolvedJob {
            request: request.clone(),
            partitions: partitions.into(),
            qos: qos.map(|q| q.name.as_str().into()),
            shape: shape.clone(),
            others: has_others.then(|| Box::new(others)),
            pending_reason: pending,
            fits_no_node,
        })
    }

    /// With `EnforcePartLimits=ALL`, slurmctld's submit-time test (`_select_nodes_parts()`
    /// in job_mgr.c) tries the job's partitions in turn and keeps the answer of the last
    /// one unless an earlier one could take the job: a partition whose nodes are busy
    /// answers ESLURM_NODES_BUSY, which under ALL is no such answer (under ANY and NO it
    /// is). So a job whose last partition can never run it is refused with that
    /// partition's "Requested node configuration is not available" when none of the
    /// others can start it at once (observed on 22.05: `-p 2xH100-96,CPU-4 --gres=gpu:1`
    /// while h100-1 runs a whole-node job, fidelity scenario g00036; also g00042, g00063,
    /// g00102). Returns that reason when the job is in that position; whether it can
    /// start is for the caller, who knows what runs (`Scheduler::submit`).
    ///
    /// No reason when an answer that keeps the job comes first whatever the nodes do: a
    /// hold (ESLURM_JOB_HELD), a DOWN partition in the list, a QOS limit or an
    /// unavailable `--nodelist` node in a partition that can run it.
    fn refusal_when_busy(
        &self,
        job: &JobView<'_>,
        evals: &[PartEval<'_>],
        reasons: &[Option<PendingReason>],
        fits_no_node: bool,
    ) -> Option<RejectReason> {
        if self.config().enforce_part_limits != EnforcePartLimits::All
            || job.held
            || fits_no_node
            || evals.len() < 2
            || evals.iter().any(|e| e.part.state == PartitionState::Down)
            || reasons.iter().any(Option::is_some)
        {
            return None;
        }
        match evals.last().map(|e| &e.fit) {
            Some(Err(why @ RejectReason::NodeConfigUnavailable { .. })) => Some(why.clone()),
            _ => None,
        }
    }

    /// Whether the job resolved as `job` could be given nodes of `partition` now, if only
    /// the nodes `usable` (by index in the cluster) were free for it: the submit-time test
    /// of one partition in `_pick_best_nodes()` (node_scheduler.c), which tries the nodes
    /// a job may take now as if they were empty. `false` when the cluster has no such
    /// partition or a `--nodelist` node is not usable.
    pub(crate) fn fits_nodes_now(
        &self,
        job: &ResolvedJob,
        partition: &str,
        usable: impl Fn(usize) -> bool,
    ) -> bool {
        let Some(part) = self.partition(partition) else {
            return false;
        };
        let mut request = job.request().clone();
        let mut excluded: Vec<String> = Vec::new();
        for name in &part.nodes {
            let Some(idx) = self.node_index(name) else {
                continue;
            };
            if usable(idx) {
                continue;
            }
            if request.nodelist.contains(name) {
                return false;
            }
            excluded.push(name.clone());
        }
        request.exclude.extend(excluded);
        request.hold = false;
        request.partitions = vec![partition.to_owned()];
        let view = Indexed::new(self, &request);
        self.resolve_in(&request, &view, Stage::Queued).is_ok()
    }
}

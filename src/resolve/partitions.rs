//! The job's partitions: which ones it may use and in what order, each one's answer
//! (its limits and how the job fits its nodes), how EnforcePartLimits weighs those
//! answers, and the partitions that can run the job at all.

use super::counts::JobView;
use super::defaults::adjust_mem_per_cpu;
use super::node_view::NodeView;
use super::reject::{RejectReason, Rejection};
use super::shape::JobShape;
use crate::cluster::Cluster;
use crate::job_state::PendingReason;
use crate::partition::{MaxMem, Partition, PartitionState};
use crate::request::JobRequest;
use crate::sched_config::EnforcePartLimits;

/// When a job is resolved: what partition states mean depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    /// At submit: DRAIN and INACTIVE partitions take no new job.
    Submit,
    /// Already queued: DRAIN partitions still run it, INACTIVE ones hold it.
    Queued,
}

/// The partitions a job may use with their positions in the cluster, in PriorityTier
/// order, and the first of them in written order.
type Candidates<'c> = (Vec<(usize, &'c Partition)>, &'c Partition);

/// A partition's answer to the request.
#[derive(Debug, Clone)]
pub(super) struct PartEval<'a> {
    /// The partition's position in the cluster.
    pub(super) pos: usize,
    pub(super) part: &'a Partition,
    /// A partition limit the job breaks, as the rejection and as the pending reason.
    pub(super) violation: Option<(RejectReason, PendingReason)>,
    /// How the job fits the partition's nodes, or why it never can.
    pub(super) fit: Result<JobShape, RejectReason>,
    /// For a job submitted held that no node of the partition can run.
    pub(super) unfit: Option<Unfit>,
    /// For a job of several partitions that no node of this one can run: the reason the
    /// main scheduler's node test leaves it when it tries the job there (BadConstraints
    /// when no node passes the node-configuration filter, else Resources).
    pub(super) node_reason: Option<PendingReason>,
}

/// A partition no node of which can run a job submitted held.
#[derive(Debug, Clone)]
pub(super) struct Unfit {
    /// The shape it is accepted with all the same.
    pub(super) shape: JobShape,
    /// The reason slurmctld's node test gives it there once it is released: BadConstraints
    /// when no node passes the node-configuration filter, else Resources.
    pub(super) reason: PendingReason,
}

impl Cluster {
    /// The partitions a job may use, in PriorityTier order: at submit, DRAIN/INACTIVE ones
    /// removed (they queue no new job); for a queued job, all of them.
    ///
    /// Also returns the first of them in written order (`part_ptr` in `_get_job_parts()`),
    /// the partition whose DefaultTime a job without `--time` gets.
    pub(super) fn candidate_partitions(
        &self,
        req: &JobRequest,
        stage: Stage,
    ) -> Result<Candidates<'_>, Rejection> {
        let mut parts: Vec<(usize, &Partition)> = Vec::new();
        if req.partitions.is_empty() {
            parts.push(
                self.default_partition_full()
                    .ok_or(RejectReason::NoPartition)?,
            );
        } else {
            for name in &req.partitions {
                let (pos, p) = self
                    .partition_full(name)
                    .ok_or_else(|| RejectReason::InvalidPartition(name.clone()))?;
                if !parts.iter().any(|&(q, _)| q == pos) {
                    parts.push((pos, p));
                }
            }
        }
        let closed = |p: &Partition| {
            stage == Stage::Submit
                && matches!(p.state, PartitionState::Drain | PartitionState::Inactive)
        };
        let first_closed = parts
            .iter()
            .find(|(_, p)| closed(p))
            .map(|(_, p)| p.name.clone());
        parts.retain(|(_, p)| !closed(p));
        let Some(&(_, first_listed)) = parts.first() else {
            return Err(
                RejectReason::PartitionNotAvailable(first_closed.unwrap_or_default()).into(),
            );
        };
        // Stable: equal tiers keep the written order.
        parts.sort_by_key(|(_, p)| std::cmp::Reverse(p.priority_tier));
        Ok((parts, first_listed))
    }

    /// Limits and node fit of one partition.
    pub(super) fn evaluate<'a, V: NodeView>(
        &self,
        view: &V,
        pos: usize,
        part: &'a Partition,
        job: &JobView<'_>,
    ) -> PartEval<'a> {
        // MaxMemPerCPU lowers --mem-per-cpu and raises -c (`_valid_pn_min_mem()`), in
        // each partition the job is tested in (`job_limits_check()`).
        let max_per_cpu = match part.max_mem {
            Some(MaxMem::PerCpu(m)) => Some(m),
            Some(MaxMem::PerNode(_)) => None,
            None => self.config().max_mem_per_cpu,
        };
        let (counts, memory_req) = adjust_mem_per_cpu(job.counts, job.req.memory, max_per_cpu);
        let violation = Self::limit_violation(view, pos, part, job, counts);
        // A job that pends on a node-count limit is still fitted, on as many nodes as
        // the partition has, so that the rest of its shape can be shown.
        let fit = self.fit(
            view,
            pos,
            part,
            job,
            counts,
            memory_req,
            violation.is_some(),
            false,
        );
        let fit = fit.map(|(shape, _)| shape);
        // A job submitted held never has its nodes tested at submit: `select_nodes()`
        // returns ESLURM_JOB_HELD before it looks at a node. It keeps a shape built from
        // its own counts where no node can run it.
        let relaxed = match &fit {
            Err(RejectReason::NodeConfigUnavailable { .. }) if job.held || job.several => self
                .fit(
                    view,
                    pos,
                    part,
                    job,
                    counts,
                    memory_req,
                    violation.is_some(),
                    true,
                )
                .ok(),
            _ => None,
        };
        let node_reason = relaxed
            .as_ref()
            .map(|(_, never)| never.clone().unwrap_or(PendingReason::BadConstraints));
        let unfit = relaxed.filter(|_| job.held).map(|(shape, never)| Unfit {
            shape,
            reason: never.unwrap_or(PendingReason::BadConstraints),
        });
        PartEval {
            pos,
            part,
            violation,
            fit,
            unfit,
            node_reason,
        }
    }

    /// Applies EnforcePartLimits to the partitions' own limits (`_valid_job_part()`):
    /// `ALL` refuses with the first partition's violation, `ANY` refuses when no
    /// partition both keeps its limits and can run the job, with the last partition's
    /// violation; `NO` lets everything through.
    ///
    /// Observed on 22.05, `a` over MaxNodes and MaxTime, `b` over MaxTime: under `ALL`
    /// `-p a,b -N2 -t 120` gives "Node count specification invalid" (a's) and `-p b,a`
    /// "Requested time limit is invalid" (b's); under `ANY` the other way round.
    pub(super) fn enforce_part_limits(&self, evals: &[PartEval<'_>]) -> Result<(), Rejection> {
        match self.config().enforce_part_limits {
            EnforcePartLimits::All => {
                if let Some((reason, _)) = evals.iter().find_map(|e| e.violation.clone()) {
                    return Err(reason.into());
                }
            }
            EnforcePartLimits::Any => {
                // Accepted only if one partition both keeps its limits and can run the
                // job at all: a partition that can never run it is no way out of a limit.
                // A held job's nodes are not tested: any partition keeping its limits is.
                let acceptable = evals
                    .iter()
                    .any(|e| e.violation.is_none() && (e.fit.is_ok() || e.unfit.is_some()));
                if !acceptable
                    && let Some((reason, _)) = evals.iter().rev().find_map(|e| e.violation.clone())
                {
                    return Err(reason.into());
                }
            }
            EnforcePartLimits::No => {}
        }
        Ok(())
    }
}

/// The partitions that can run the job at all (node configuration), with its shape in
/// each, in the order tested; when none can, every partition's reason, each once.
pub(super) fn fitting_partitions<'e, 'a>(
    evals: &'e [PartEval<'a>],
) -> Result<Vec<(&'e PartEval<'a>, &'e JobShape)>, Rejection> {
    let fitting: Vec<(&PartEval<'a>, &JobShape)> = evals
        .iter()
        .filter_map(|e| e.fit.as_ref().ok().map(|s| (e, s)))
        .collect();
    if fitting.is_empty() {
        let mut reasons: Vec<RejectReason> = Vec::new();
        for reason in evals.iter().filter_map(|e| e.fit.clone().err()) {
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
        }
        return Err(Rejection { reasons });
    }
    Ok(fitting)
}

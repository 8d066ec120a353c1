//! Partition and QOS limits: who may submit to a partition, the first limit of a
//! partition the job breaks, the checks made against the listed partitions together, and
//! the QOS limits on the job's size.

use super::counts::{Counts, JobView};
use super::node_view::NodeView;
use super::reject::{RejectReason, Rejection};
use super::shape::{JobShape, ResolvedMemory};
use crate::cluster::Cluster;
use crate::gres::GresSpec;
use crate::job_state::PendingReason;
use crate::partition::{Partition, PartitionState};
use crate::qos::{Qos, QosFlags};
use crate::request::JobRequest;
use crate::sched_config::EnforcePartLimits;
use crate::time::TimeLimit;
use crate::tres::{TresKind, TresLimits};

impl Cluster {
    /// Who may submit to each listed partition (`_part_access_check()`): any partition
    /// refusing the job refuses it, whatever EnforcePartLimits says. ReqResv refuses
    /// every job (reservations are not modelled, so no job is in one); RootOnly refuses
    /// a user other than root or SlurmUser, and DisableRootJobs (the partition's, else
    /// the cluster's) refuses root, both only when the request names its user (observed
    /// on 22.05: "Access/permission denied" for ReqResv and for alice on RootOnly,
    /// "Invalid user id" for root on DisableRootJobs). AllowGroups and AllocNodes are
    /// not checked: hpcsched knows no groups or submit hosts.
    pub(super) fn check_access(
        &self,
        req: &JobRequest,
        candidates: &[(usize, &Partition)],
    ) -> Result<(), Rejection> {
        let user = req.user.as_deref();
        let is_root = user == Some("root");
        for &(_, p) in candidates {
            let denied = || {
                Err(RejectReason::AccessDenied {
                    partition: p.name.clone(),
                }
                .into())
            };
            if p.req_resv {
                return denied();
            }
            if p.root_only
                && let Some(u) = user
                && u != "root"
                && self.config().slurm_user.as_deref() != Some(u)
            {
                return denied();
            }
            if is_root
                && p.disable_root_jobs
                    .unwrap_or(self.config().disable_root_jobs)
            {
                return Err(RejectReason::InvalidUserId.into());
            }
        }
        Ok(())
    }

    /// The first partition limit the job breaks (`_part_access_check()`,
    /// `_valid_job_part()`), as rejection and pending reason.
    pub(super) fn limit_violation<V: NodeView>(
        view: &V,
        pos: usize,
        part: &Partition,
        job: &JobView<'_>,
        counts: Counts,
    ) -> Option<(RejectReason, PendingReason)> {
        let (req, qos) = (job.req, job.qos);
        let flags = qos.map_or(QosFlags::empty(), |q| q.flags);
        let name = part.name.clone();
        // DOWN partitions skip these checks (they only apply to partitions that schedule,
        // `PARTITION_SCHED`); `check_list_limits` covers them with the highest limits of
        // the list (observed on 22.05).
        if part.state == PartitionState::Up {
            let total_cpus = view.total_cpus(pos, part);
            let min_cpus = u64::from(counts.ntasks) * u64::from(counts.cpus_per_task);
            let total_nodes = part.nodes.len() as u64;
            // MaxCPUsPerNode caps what the partition's nodes give its jobs (observed on
            // 22.05: 4 nodes, MaxCPUsPerNode=4: `-n 17` refused, `-n 16` accepted).
            let capped = part
                .max_cpus_per_node
                .map(|cap| u64::from(cap).saturating_mul(total_nodes));
            if min_cpus > total_cpus || capped.is_some_and(|c| min_cpus > c) {
                return Some((
                    RejectReason::TooManyCpus { partition: name },
                    PendingReason::PartitionConfig,
                ));
            }
            if let Some(min) = counts.nodes_min
                && u64::from(min) > total_nodes
            {
                return Some((
                    RejectReason::InvalidNodeCount,
                    PendingReason::PartitionNodeLimit,
                ));
            }
            if let Some(node) = view.first_outside(pos, part, req) {
                return Some((
                    RejectReason::NodesNotInPartition {
                        partition: name,
                        node: node.clone(),
                    },
                    PendingReason::PartitionConfig,
                ));
            }
            if let Some(min) = counts.nodes_min
                && min < part.min_nodes
                && !flags.contains(QosFlags::PARTITION_MIN_NODES)
            {
                return Some((
                    RejectReason::InvalidNodeCount,
                    PendingReason::PartitionNodeLimit,
                ));
            }
            if let (Some(max), Some(part_max)) = (counts.nodes_max, part.max_nodes)
                && max > part_max
                && !flags.contains(QosFlags::PARTITION_MAX_NODES)
            {
                return Some((
                    RejectReason::InvalidNodeCount,
                    PendingReason::PartitionNodeLimit,
                ));
            }
            // Without --time the job has the first listed partition's DefaultTime from
            // submit on (`_valid_job_part()`), and each partition's MaxTime is checked
            // against it (observed on 22.05: `-p CPU-16,short -n 9` with CPU-16's
            // DefaultTime of 60 min over short's MaxTime of 10, EnforcePartLimits=ALL:
            // refused, "Requested partition configuration not available now").
            if let Some(t) = req.time_limit.or(job.first_listed.default_time)
                && t > part.max_time
                && !flags.contains(QosFlags::PARTITION_TIME_LIMIT)
            {
                return Some((
                    RejectReason::InvalidTimeLimit { partition: name },
                    PendingReason::PartitionTimeLimit,
                ));
            }
        }
        if let Some(q) = qos {
            let allowed = match &part.allow_qos {
                Some(list) => list.iter().any(|a| a == &q.name),
                None => !part.deny_qos.iter().any(|d| d == &q.name),
            };
            if !allowed {
                return Some((
                    RejectReason::QosNotAllowed {
                        partition: name,
                        qos: q.name.clone(),
                    },
                    PendingReason::QOSNotAllowed,
                ));
            }
        }
        if let Some(account) = &req.account {
            let allowed = match &part.allow_accounts {
                Some(list) => list.iter().any(|a| a == account),
                None => !part.deny_accounts.iter().any(|d| d == account),
            };
            if !allowed {
                return Some((
                    RejectReason::AccountNotAllowed {
                        partition: name,
                        account: account.clone(),
                    },
                    PendingReason::AccountNotAllowed,
                ));
            }
        }
        None
    }

    /// The checks `_valid_job_part()` makes against the listed partitions taken
    /// together, after each one's own limits: the job's node counts against the highest
    /// MaxNodes and lowest MinNodes, the first listed partition's DefaultTime of 0,
    /// `--time-min` against the highest MaxTime and the time limit, and (when
    /// EnforcePartLimits is set and there is no `--time-min`) `--time` against the
    /// highest MaxTime. These also cover DOWN partitions, whose own node and time checks
    /// are skipped (observed on 22.05, `a` DOWN with MaxTime=10 and MaxNodes=1, `b`
    /// MaxTime=60, EnforcePartLimits=ALL: `-p a -t 30` and `-p a -N2` are refused,
    /// `-p a,b -t 30` and `-p a -t 30 --time-min=5` accepted).
    ///
    /// `--time-min` is thus checked against the largest MaxTime of the listed
    /// partitions, whatever EnforcePartLimits says (observed on 22.05, `a` MaxTime=10,
    /// `b` 60: `-p a,b -t 30 --time-min=20` accepted and run in `b`, `-p a,b -t 90
    /// --time-min=70` and `-p a -t 30 --time-min=20` refused), and against the
    /// DefaultTime of the first listed partition when there is no `--time` (observed:
    /// both with DefaultTime=5, `-p a,b --time-min=20` and `-p b,a --time-min=6`
    /// refused, `-p b,a --time-min=5` accepted). A QOS with PartitionTimeLimit (or
    /// PartitionMaxNodes, PartitionMinNodes) lifts the matching checks.
    pub(super) fn check_list_limits(
        &self,
        job: &JobView<'_>,
        candidates: &[(usize, &Partition)],
    ) -> Result<(), Rejection> {
        let enforce = self.config().enforce_part_limits != EnforcePartLimits::No;
        let flags = job.qos.map_or(QosFlags::empty(), |q| q.flags);
        let (req, counts) = (job.req, job.counts);
        let parts = || candidates.iter().map(|&(_, p)| p);
        // None: some partition has no MaxNodes.
        let max_nodes = parts().try_fold(0u32, |acc, p| p.max_nodes.map(|m| acc.max(m)));
        let min_nodes = parts().map(|p| p.min_nodes).min().unwrap_or(0);
        let max_time = parts()
            .map(|p| p.max_time)
            .max()
            .unwrap_or(TimeLimit::Unlimited);
        if enforce
            && let (Some(min), Some(part_max)) = (counts.nodes_min, max_nodes)
            && min > part_max
            && !flags.contains(QosFlags::PARTITION_MAX_NODES)
        {
            return Err(RejectReason::InvalidNodeCount.into());
        }
        if enforce
            && let Some(max) = counts.nodes_max
            && max < min_nodes
            && !flags.contains(QosFlags::PARTITION_MIN_NODES)
        {
            return Err(RejectReason::InvalidNodeCount.into());
        }
        let zero = TimeLimit::Limited(crate::time::Duration::from_secs(0));
        if req.time_limit.is_none() && job.first_listed.default_time == Some(zero) {
            // "job's default time is 0": Slurm refuses rather than run 0-minute jobs.
            return Err(RejectReason::InvalidTimeLimit {
                partition: job.first_listed.name.clone(),
            }
            .into());
        }
        if flags.contains(QosFlags::PARTITION_TIME_LIMIT) {
            return Ok(());
        }
        if let Some(min) = req.time_min
            && min > max_time
        {
            return Err(RejectReason::InvalidTimeMin.into());
        }
        if enforce
            && req.time_min.is_none()
            && let Some(t) = req.time_limit
            && t > max_time
        {
            let partition = parts().next().map(|p| p.name.clone()).unwrap_or_default();
            return Err(RejectReason::InvalidTimeLimit { partition }.into());
        }
        if let Some(min) = req.time_min
            && let Some(limit) = req.time_limit.or(job.first_listed.default_time)
            && min > limit
        {
            return Err(RejectReason::InvalidTimeMin.into());
        }
        Ok(())
    }
}

/// The first per-job limit of `qos` the job breaks, as its pending reason.
///
/// The time limit is the resolved one: a partition DefaultTime above the QOS MaxWall
/// breaks the limit too, as in `_qos_policy_validate()` (DefaultTime is applied
/// before the QOS is checked). `whole_node_mib` is the least memory of a node of the
/// job's partition, what a whole-node job is counted for.
pub(super) fn qos_violation(
    qos: &Qos,
    shape: &JobShape,
    whole_node_mib: Option<u64>,
) -> Option<PendingReason> {
    if let Some(w) = qos.max_wall
        && shape.time_limit > w
    {
        return Some(PendingReason::QOSMaxWallDurationPerJobLimit);
    }
    let usage = JobUsage::of(shape, whole_node_mib);
    let over = |limits: &TresLimits| -> Option<TresKind> {
        limits
            .0
            .iter()
            .find(|(kind, max)| usage.amount(kind).is_some_and(|a| a > **max))
            .map(|(k, _)| k.clone())
    };
    let under = |limits: &TresLimits| -> Option<TresKind> {
        limits
            .0
            .iter()
            .find(|(kind, min)| usage.amount(kind).is_some_and(|a| a < **min))
            .map(|(k, _)| k.clone())
    };
    // TRES-minutes: the job's TRES times its time limit in minutes
    // (`_qos_job_runnable_post_select()`, before MaxTRESPerJob); an unlimited job is
    // over any such limit.
    let minutes = match shape.time_limit {
        TimeLimit::Limited(d) => d.as_secs().div_ceil(60),
        TimeLimit::Unlimited => u64::MAX,
    };
    if let Some(kind) = qos.max_tres_mins_per_job.0.iter().find_map(|(kind, max)| {
        usage
            .amount(kind)
            .is_some_and(|a| a > 0 && a.saturating_mul(minutes) > *max)
            .then(|| kind.clone())
    }) {
        return Some(match kind {
            TresKind::Node => PendingReason::QOSMaxNodeMinutesPerJob,
            TresKind::Cpu => PendingReason::QOSMaxCpuMinutesPerJobLimit,
            TresKind::Mem => PendingReason::QOSMaxMemoryMinutesPerJob,
            TresKind::Billing => PendingReason::QOSMaxBillingMinutesPerJob,
            _ => PendingReason::QOSMaxGRESMinutesPerJob,
        });
    }
    if let Some(kind) = over(&qos.max_tres_per_job) {
        return Some(match kind {
            TresKind::Node => PendingReason::QOSMaxNodePerJobLimit,
            TresKind::Cpu => PendingReason::QOSMaxCpuPerJobLimit,
            TresKind::Mem => PendingReason::QOSMaxMemoryPerJob,
            _ => PendingReason::QOSMaxGRESPerJob,
        });
    }
    // Per node: the job's amount over its nodes (`_validate_tres_usage_limits_for_node`
    // in acct_policy.c divides by the node count); the node TRES has no such limit.
    let nodes = usage.nodes.max(1);
    if let Some(kind) = qos.max_tres_per_node.0.iter().find_map(|(kind, max)| {
        (*kind != TresKind::Node && usage.amount(kind).is_some_and(|a| a.div_ceil(nodes) > *max))
            .then(|| kind.clone())
    }) {
        return Some(match kind {
            TresKind::Cpu => PendingReason::QOSMaxCpuPerNode,
            TresKind::Mem => PendingReason::QOSMaxMemoryPerNode,
            TresKind::Billing => PendingReason::QOSMaxBillingPerNode,
            _ => PendingReason::QOSMaxGRESPerNode,
        });
    }
    if let Some(kind) = under(&qos.min_tres_per_job) {
        return Some(match kind {
            TresKind::Node => PendingReason::QOSMinNode,
            TresKind::Cpu => PendingReason::QOSMinCpuNotSatisfied,
            TresKind::Mem => PendingReason::QOSMinMemory,
            _ => PendingReason::QOSMinGRES,
        });
    }
    // A lone job bigger than a per-user cap can never start under it.
    if let Some(kind) = over(&qos.max_tres_per_user) {
        return Some(match kind {
            TresKind::Node => PendingReason::QOSMaxNodePerUserLimit,
            TresKind::Cpu => PendingReason::QOSMaxCpuPerUserLimit,
            TresKind::Mem => PendingReason::QOSMaxMemoryPerUser,
            _ => PendingReason::QOSMaxGRESPerUser,
        });
    }
    // So is one bigger than the whole QOS (`_qos_policy_validate()`): with DenyOnLimit
    // it is refused (observed on 22.05, fidelity accounting f14: a lone `-n 6` under
    // GrpTRES=cpu=4).
    if let Some(kind) = over(&qos.grp_tres) {
        return Some(match kind {
            TresKind::Node => PendingReason::QOSGrpNodeLimit,
            TresKind::Cpu => PendingReason::QOSGrpCpuLimit,
            TresKind::Mem => PendingReason::QOSGrpMemLimit,
            TresKind::Billing => PendingReason::QOSGrpBilling,
            _ => PendingReason::QOSGrpGRES,
        });
    }
    None
}

/// The least resources an accepted job uses, for QOS TRES limits.
struct JobUsage<'j> {
    nodes: u64,
    cpus: u64,
    mem: Option<u64>,
    gres: &'j [GresSpec],
    /// `--gpus`: counted once for the job, not per node.
    gpus_per_job: Option<&'j GresSpec>,
}

impl<'j> JobUsage<'j> {
    fn of(shape: &'j JobShape, whole_node_mib: Option<u64>) -> Self {
        let nodes = u64::from(shape.min_nodes);
        let cpus = u64::from(shape.min_cpus);
        let gpus_per_node: u64 = shape
            .gres_per_node
            .iter()
            .filter(|g| g.key.name == "gpu")
            .map(|g| g.count)
            .sum();
        let mem = match shape.memory {
            ResolvedMemory::PerNode(m) => Some(m.mib().saturating_mul(nodes)),
            ResolvedMemory::PerCpu(m) => Some(m.mib().saturating_mul(cpus)),
            ResolvedMemory::PerGpu(m) => {
                let job_gpus = shape.gpus_per_job().map_or(0, |g| g.count);
                let gpus = gpus_per_node.saturating_mul(nodes).saturating_add(job_gpus);
                Some(m.mib().saturating_mul(gpus))
            }
            ResolvedMemory::WholeNode => whole_node_mib.map(|m| m.saturating_mul(nodes)),
        };
        Self {
            nodes,
            cpus,
            mem,
            gres: &shape.gres_per_node,
            gpus_per_job: shape.gpus_per_job(),
        }
    }

    /// The job's amount of one TRES, if hpcsched counts it.
    fn amount(&self, kind: &TresKind) -> Option<u64> {
        match kind {
            TresKind::Node => Some(self.nodes),
            TresKind::Cpu => Some(self.cpus),
            TresKind::Mem => self.mem,
            TresKind::Gres(key) => {
                // A typed limit does not apply to untyped requests (resource_limits.shtml).
                let counted = |g: &&GresSpec| {
                    g.key.name == key.name && (key.kind.is_none() || g.key.kind == key.kind)
                };
                let per_node = self
                    .gres
                    .iter()
                    .filter(counted)
                    .map(|g| g.count)
                    .sum::<u64>()
                    .saturating_mul(self.nodes);
                let per_job = self.gpus_per_job.filter(counted).map_or(0, |g| g.count);
                Some(per_node.saturating_add(per_job))
            }
            _ => None,
        }
    }
}

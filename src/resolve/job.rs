//! The request as the cluster will schedule it ([`ResolvedJob`]): its partitions, its
//! shape in each, and why it would pend.

use super::reject::RejectReason;
use super::shape::{JobShape, ResolvedMemory};
use crate::gres::GresSpec;
use crate::job_state::PendingReason;
use crate::request::JobRequest;
use crate::time::TimeLimit;
use indexmap::IndexSet;
use std::sync::Arc;

/// The request as the cluster will schedule it.
///
/// The counts, memory and time limit (its [`JobShape`]) are those of the first partition
/// the job may run in; a job listing several partitions may run differently in the
/// others, see [`ResolvedJob::shape_in`].
///
/// ```
/// use hpcsched::{Cluster, JobRequest, Node, Partition, SchedConfig, TimeLimit};
/// let mut c = Cluster::new(SchedConfig::default());
/// let mut n = Node::new("n1");
/// n.cpus = 8;
/// c.add_node(n).unwrap();
/// let mut p = Partition::new("batch", vec!["n1".into()]);
/// p.is_default = true;
/// c.add_partition(p).unwrap();
/// let job = c.resolve(&JobRequest::default()).unwrap();
/// assert_eq!((job.partition(), job.min_nodes(), job.ntasks()), ("batch", 1, 1));
/// assert_eq!(job.time_limit(), TimeLimit::Unlimited); // no DefaultTime: MaxTime
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ResolvedJob {
    pub(super) request: JobRequest,
    /// Shared between jobs with the same list (see `share_partitions`).
    pub(super) partitions: Arc<[String]>,
    pub(super) qos: Option<Box<str>>,
    /// The shape in the first partition.
    pub(super) shape: JobShape,
    /// What differs between the partitions of a job listing several, and the rare
    /// refusal a scheduler still has to make; `None` when there is neither, as for
    /// nearly every single-partition job.
    pub(super) others: Option<Box<Others>>,
    /// Set only when the job can run in none of its partitions: the reason of the last
    /// one tested.
    pub(super) pending_reason: Option<PendingReason>,
    /// Accepted held although no node of its partitions can ever run it.
    pub(super) fits_no_node: bool,
}

/// What a job listing several partitions keeps per partition, by position in its
/// partition list, and what few jobs need. Boxed in [`ResolvedJob`] so that a job
/// without any pays one pointer.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Others {
    /// The shapes in the partitions after the first that differ from the first.
    pub(super) shapes: Vec<(u32, JobShape)>,
    /// The partitions the job can not run in, with why. A single-partition job keeps
    /// none here: its one reason is [`ResolvedJob::pending_reason`].
    pub(super) blocked: Vec<(u32, PendingReason)>,
    /// Refused after all, with this reason, unless it can start at once in one of its
    /// partitions (see [`ResolvedJob::refused_unless_startable`]).
    pub(super) refusal: Option<RejectReason>,
    /// Listed partitions no node of which passes the job's node-configuration filter,
    /// each after the number of [`ResolvedJob::partitions`] slurmctld tries before it
    /// (see [`ResolvedJob::partitions_without_nodes`]).
    pub(super) bad_after: Vec<(u32, String)>,
    /// Listed partitions whose nodes pass that filter but that the select plugin refuses
    /// the job (GRES, whole-node memory, MaxCPUsPerNode, MemSpecLimit): tried in their
    /// place too, each try leaving Resources (`_pick_best_nodes()`: never runnable).
    pub(super) never_after: Vec<(u32, String)>,
}

impl ResolvedJob {
    /// The request this was resolved from, as sbatch sends it: with `-n` below the
    /// number of `--nodelist` nodes, only the first `-n` nodes of the sorted list remain
    /// and `-N` is `-n` (see [`Cluster::resolve`](crate::Cluster::resolve)).
    #[must_use]
    pub fn request(&self) -> &JobRequest {
        &self.request
    }

    /// Sets the job's begin time, as slurmctld does to a requeued job
    /// (`details->begin_time`).
    pub(crate) fn set_begin(&mut self, begin: Option<crate::time::BeginTime>) {
        self.request.begin = begin;
    }
    /// The partition the job goes to first (the first of [`ResolvedJob::partitions`]).
    #[must_use]
    pub fn partition(&self) -> &str {
        self.partitions.first().map_or("", String::as_str)
    }
    /// Every partition the job may run in, highest PriorityTier first, then written order.
    #[must_use]
    pub fn partitions(&self) -> &[String] {
        &self.partitions
    }
    /// Makes this job share its partition list with the equal one in `lists`, adding it
    /// there if it is new, so a scheduler holding many jobs keeps one copy of each list.
    pub(crate) fn share_partitions(&mut self, lists: &mut IndexSet<Arc<[String]>>) {
        if let Some(shared) = lists.get(&*self.partitions) {
            self.partitions = Arc::clone(shared);
        } else {
            lists.insert(Arc::clone(&self.partitions));
        }
    }
    /// The QOS, if the job names one or the partition has a default.
    #[must_use]
    pub fn qos(&self) -> Option<&str> {
        self.qos.as_deref()
    }
    /// The job's shape in its first partition ([`ResolvedJob::partition`]); the
    /// accessors below read it.
    #[must_use]
    pub fn shape(&self) -> &JobShape {
        &self.shape
    }
    /// The job's shape when it runs in `partition`, or `None` if the partition is not
    /// one of [`ResolvedJob::partitions`]. A scheduler trying a multi-partition job in
    /// each of its partitions reads the counts, memory and time limit from here.
    #[must_use]
    pub fn shape_in(&self, partition: &str) -> Option<&JobShape> {
        let pos = self.partitions.iter().position(|p| p == partition)?;
        let other = self.others.as_deref().and_then(|others| {
            others
                .shapes
                .iter()
                .find(|(i, _)| *i as usize == pos)
                .map(|(_, shape)| shape)
        });
        Some(other.unwrap_or(&self.shape))
    }
    /// Listed partitions where no node passes the job's node configuration (CPUs,
    /// memory, features...): the job never runs there, and they are not in
    /// [`ResolvedJob::partitions`]. slurmctld still tries the job in them, in their
    /// place in the list, and each try leaves the job waiting with BadConstraints. Each
    /// comes with the number of [`ResolvedJob::partitions`] tried before it.
    ///
    /// ```
    /// use hpcsched::{Cluster, JobRequest};
    /// let cluster = Cluster::from_slurm_conf(
    ///     "NodeName=s[1-2] CPUs=4\nNodeName=b1 CPUs=32\n\
    ///      PartitionName=small Nodes=s[1-2]\nPartitionName=big Nodes=b1\n",
    /// )?;
    /// let mut req = JobRequest::default();
    /// req.partitions = vec!["big".into(), "small".into()];
    /// req.cpus_per_task = Some(8);
    /// let job = cluster.resolve(&req)?;
    /// assert_eq!(job.partitions(), ["big"]);
    /// assert_eq!(job.partitions_without_nodes(), [(1, "small".to_owned())]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn partitions_without_nodes(&self) -> &[(u32, String)] {
        self.others
            .as_deref()
            .map_or(&[], |o| o.bad_after.as_slice())
    }
    /// Listed partitions whose nodes pass the job's node configuration but where the
    /// select plugin can never run it (a GRES type none of their nodes has, memory for
    /// every CPU of a whole node, MaxCPUsPerNode, MemSpecLimit), as
    /// [`ResolvedJob::partitions_without_nodes`] places them: slurmctld's main scheduler
    /// still tries the job there, and the try leaves Resources.
    pub(crate) fn partitions_never_runnable(&self) -> &[(u32, String)] {
        self.others
            .as_deref()
            .map_or(&[], |o| o.never_after.as_slice())
    }
    /// Whether the main scheduler tries the job in a listed partition that cannot run
    /// it ([`ResolvedJob::partitions_without_nodes`] or
    /// [`ResolvedJob::partitions_never_runnable`]).
    pub(crate) fn has_unfit_tries(&self) -> bool {
        !self.partitions_without_nodes().is_empty() || !self.partitions_never_runnable().is_empty()
    }
    /// Minimum node count.
    #[must_use]
    pub fn min_nodes(&self) -> u32 {
        self.shape.min_nodes
    }
    /// Maximum node count.
    #[must_use]
    pub fn max_nodes(&self) -> u32 {
        self.shape.max_nodes
    }
    /// Number of tasks.
    #[must_use]
    pub fn ntasks(&self) -> u32 {
        self.shape.ntasks
    }
    /// CPUs per task.
    #[must_use]
    pub fn cpus_per_task(&self) -> u32 {
        self.shape.cpus_per_task
    }
    /// The least number of CPUs the job is allocated in total.
    #[must_use]
    pub fn min_cpus(&self) -> u32 {
        self.shape.min_cpus
    }
    /// Memory per node, per CPU, per GPU or whole nodes.
    #[must_use]
    pub fn memory(&self) -> ResolvedMemory {
        self.shape.memory
    }
    /// GRES needed on each allocated node.
    #[must_use]
    pub fn gres_per_node(&self) -> &[GresSpec] {
        &self.shape.gres_per_node
    }
    /// The time limit the job runs under.
    #[must_use]
    pub fn time_limit(&self) -> TimeLimit {
        self.shape.time_limit
    }
    /// Whether the job is allocated whole nodes.
    #[must_use]
    pub fn whole_nodes(&self) -> bool {
        self.shape.whole_nodes
    }
    /// Whether its nodes may hold only this user's jobs.
    #[must_use]
    pub fn user_exclusive(&self) -> bool {
        self.shape.user_exclusive
    }
    /// Whether the job was accepted although no node of its partitions can ever run it:
    /// a job submitted held (`-H`) is not tested against nodes at submit
    /// (`select_nodes()` in node_scheduler.c returns ESLURM_JOB_HELD before any node
    /// test), so it is accepted with the counts it asked for and pends with JobHeldUser;
    /// once released it pends with BadConstraints ([`ResolvedJob::pending_reason`]),
    /// the reason slurmctld's main scheduler gives a job that can never run, and never
    /// starts.
    ///
    /// ```
    /// use hpcsched::{Cluster, PendingReason};
    /// let c = Cluster::from_slurm_conf(
    ///     "NodeName=n[1-2] CPUs=4 RealMemory=8000\n\
    ///      PartitionName=p Nodes=n[1-2] Default=YES\n",
    /// ).unwrap();
    /// let req = |args: &[&str]| hpcsched::sbatch::parse_args(args).unwrap();
    /// // 8 CPUs per task on 4-CPU nodes: refused, unless submitted held.
    /// assert!(c.resolve(&req(&["-c", "8"])).is_err());
    /// let job = c.resolve(&req(&["-H", "-c", "8"])).unwrap();
    /// assert!(job.fits_no_node());
    /// assert_eq!(job.pending_reason(), Some(PendingReason::BadConstraints));
    /// ```
    #[must_use]
    pub fn fits_no_node(&self) -> bool {
        self.fits_no_node
    }

    /// With `EnforcePartLimits=ALL`, a job listing several partitions whose last one (in
    /// test order, [`Cluster::resolve`](crate::Cluster::resolve)) can never run it is refused at submit, with this
    /// reason, when none of its partitions can start it at once: slurmctld's submit-time
    /// test keeps the last partition's answer when the others only answer that their
    /// nodes are busy. `Cluster::resolve` knows nothing of running jobs; a scheduler
    /// that does (`Scheduler::submit`) refuses the job then. `None` for every other job.
    ///
    /// ```
    /// use hpcsched::{Cluster, RejectReason};
    /// let c = Cluster::from_slurm_conf(
    ///     "EnforcePartLimits=ALL\n\
    ///      NodeName=big CPUs=16 RealMemory=64000\n\
    ///      NodeName=small[1-2] CPUs=4 RealMemory=16000\n\
    ///      PartitionName=b Nodes=big\n\
    ///      PartitionName=s Nodes=small[1-2]\n",
    /// ).unwrap();
    /// let req = |args: &[&str]| hpcsched::sbatch::parse_args(args).unwrap();
    /// let job = c.resolve(&req(&["-p", "b,s", "-c", "8"])).unwrap();
    /// assert!(matches!(
    ///     job.refused_unless_startable(),
    ///     Some(RejectReason::NodeConfigUnavailable { partition, .. }) if partition == "s"
    /// ));
    /// // Tested last, b can always run it.
    /// let job = c.resolve(&req(&["-p", "s,b", "-c", "8"])).unwrap();
    /// assert_eq!(job.refused_unless_startable(), None);
    /// ```
    #[must_use]
    pub fn refused_unless_startable(&self) -> Option<&RejectReason> {
        self.others.as_deref().and_then(|o| o.refusal.as_ref())
    }

    /// Why the job would pend forever as submitted (a limit it breaks that
    /// EnforcePartLimits lets through, a DOWN partition, a QOS limit), if any.
    ///
    /// A job listing several partitions pends only when it can run in none of them
    /// ([`ResolvedJob::pending_reason_in`] gives each one's reason); it then shows the
    /// reason of the last partition tested, in the order of
    /// [`ResolvedJob::partitions`] (observed on 22.05: with `-p a,b`, `a` over MaxNodes
    /// and `b` over MaxTime, the job shows `PartitionTimeLimit`; with `-p b,a`,
    /// `PartitionNodeLimit`). slurmctld's `build_job_queue()` tests the partitions in
    /// turn and each blocked one overwrites the reason.
    ///
    /// A job accepted held that no node can run ([`ResolvedJob::fits_no_node`]) shows
    /// BadConstraints once released. One listing several partitions shows the reason
    /// slurmctld's node test leaves in the last one: BadConstraints when no node of it
    /// has the CPUs, memory, TmpDisk or features asked per node, Resources when the
    /// select plugin refuses the job (GRES, memory for every CPU of a whole node,
    /// MaxCPUsPerNode, MemSpecLimit, node counts); the main scheduler sets
    /// BadConstraints itself only on a job of one partition.
    ///
    /// ```
    /// use hpcsched::{Cluster, JobRequest, PendingReason};
    /// let c = Cluster::from_slurm_conf(
    ///     "EnforcePartLimits=NO\n\
    ///      NodeName=n[1-4] CPUs=4 RealMemory=8000\n\
    ///      PartitionName=a Nodes=n[1-2] MaxNodes=1 MaxTime=10\n\
    ///      PartitionName=b Nodes=n[3-4] MaxTime=60\n",
    /// ).unwrap();
    /// let req = |args: &[&str]| hpcsched::sbatch::parse_args(args).unwrap();
    /// // Over a's MaxTime only: it runs in b.
    /// let job = c.resolve(&req(&["-p", "a,b", "-t", "30"])).unwrap();
    /// assert_eq!(job.pending_reason(), None);
    /// // Over a's MaxNodes and b's MaxTime: b was tested last.
    /// let job = c.resolve(&req(&["-p", "a,b", "-N2", "-t", "120"])).unwrap();
    /// assert_eq!(job.pending_reason(), Some(PendingReason::PartitionTimeLimit));
    /// let job = c.resolve(&req(&["-p", "b,a", "-N2", "-t", "120"])).unwrap();
    /// assert_eq!(job.pending_reason(), Some(PendingReason::PartitionNodeLimit));
    /// ```
    #[must_use]
    pub fn pending_reason(&self) -> Option<PendingReason> {
        self.pending_reason.clone()
    }

    /// Why the job can not run in `partition` (a limit it breaks there, the partition is
    /// DOWN, a QOS limit with its shape there, no node there can ever run it for a job
    /// accepted held), or `None` if it can, or if `partition` is not one of
    /// [`ResolvedJob::partitions`]. The scheduler skips such partitions and starts the
    /// job in another, as slurmctld does.
    ///
    /// ```
    /// use hpcsched::{Cluster, JobRequest, PendingReason};
    /// let c = Cluster::from_slurm_conf(
    ///     "NodeName=n[1-4] CPUs=4 RealMemory=8000\n\
    ///      PartitionName=a Nodes=n[1-2] State=DOWN\n\
    ///      PartitionName=b Nodes=n[3-4]\n",
    /// ).unwrap();
    /// let mut req = JobRequest::default();
    /// req.partitions = vec!["a".into(), "b".into()];
    /// let job = c.resolve(&req).unwrap();
    /// assert_eq!(job.pending_reason_in("a"), Some(PendingReason::PartitionDown));
    /// assert_eq!(job.pending_reason_in("b"), None);
    /// assert_eq!(job.pending_reason(), None, "it can run in b");
    /// ```
    #[must_use]
    pub fn pending_reason_in(&self, partition: &str) -> Option<PendingReason> {
        let pos = self.partitions.iter().position(|p| p == partition)?;
        self.reason_at(pos)
    }

    /// Whether a limit or the partition's state keeps the job out of the partition at
    /// `pos` in [`ResolvedJob::partitions`]; what the scheduler asks for each queue
    /// record. ReqNodeNotAvail is left out: it was true when the job was submitted, and
    /// the scheduler tests it again at every pass, as nodes come back.
    pub(crate) fn blocked_by_limits_at(&self, pos: usize) -> bool {
        self.reason_at(pos)
            .is_some_and(|r| r != PendingReason::ReqNodeNotAvail)
    }

    /// Whether the job can not run in the partition at `pos` in
    /// [`ResolvedJob::partitions`] as submitted.
    #[cfg(test)]
    pub(crate) fn blocked_at(&self, pos: usize) -> bool {
        match self.others.as_deref() {
            Some(others) if self.partitions.len() > 1 => {
                others.blocked.iter().any(|(i, _)| *i as usize == pos)
            }
            _ => self.pending_reason.is_some(),
        }
    }

    /// [`ResolvedJob::pending_reason_in`] by position.
    fn reason_at(&self, pos: usize) -> Option<PendingReason> {
        // A job of one partition keeps its one reason in `pending_reason`.
        match self.others.as_deref() {
            Some(others) if self.partitions.len() > 1 => others
                .blocked
                .iter()
                .find(|(i, _)| *i as usize == pos)
                .map(|(_, r)| r.clone()),
            _ => self.pending_reason.clone(),
        }
    }
}

//! The scheduler: the state machine that takes jobs in and hands decisions out, the way
//! slurmctld's main scheduler and its backfill plugin (sched/backfill with
//! select/cons_tres) do.
//!
//! The host owns time and processes. It submits jobs, calls [`Scheduler::schedule`] with
//! the current time and carries out the [`Decision`]s (start this job on these nodes,
//! stop that one at its time limit), and reports what happened ([`Scheduler::job_finished`],
//! node events). [`Scheduler::next_event_time`] tells it when to call back at the latest.
//! Same inputs, same decisions: nothing depends on hash order or the wall clock.
//!
//! ```
//! use hpcsched::{Cluster, Decision, JobRequest, Scheduler, Timestamp};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let cluster = Cluster::from_slurm_conf(
//!     "NodeName=n[1-4] CPUs=16 RealMemory=64000\n\
//!      PartitionName=batch Nodes=n[1-4] Default=YES OverSubscribe=EXCLUSIVE\n",
//! )?;
//! let mut sched = Scheduler::new(cluster);
//! let a = sched.submit(&JobRequest::from_script("#!/bin/sh\n#SBATCH -N3 -t 60\n")?, "alice", Timestamp(0))?;
//! let b = sched.submit(&JobRequest::from_script("#!/bin/sh\n#SBATCH -N4 -t 60\n")?, "bob", Timestamp(0))?;
//! let decisions = sched.schedule(Timestamp(0));
//! assert!(matches!(&decisions[..], [Decision::Start { job, .. }] if *job == a));
//! // B waits for A: it is planned to start when A's time limit ends.
//! let est = sched.estimates();
//! assert_eq!((est[0].job, est[0].start), (b, Some(Timestamp(3600))));
//! # Ok(())
//! # }
//! ```

mod admission;
mod arrays;
mod backfill;
mod clock;
mod decision;
mod demand;
mod eligibility;
mod estimate;
mod events;
mod fair_share;
mod fifo;
mod job;
mod job_table;
mod limit_status;
mod limits;
mod main_pass;
mod nodes;
mod pass;
mod plan_cache;
mod policy;
mod preemption;
mod priorities;
mod profile;
mod purge;
mod queue;
mod queue_state;
mod reasons;
mod records;
mod site;
mod sprio;
mod start;
mod start_bounds;
mod status;
mod switches;

pub use decision::{Decision, GresAllocation, NodeAllocation};
pub use estimate::Estimate;
pub(crate) use estimate::reason_text;
pub use job::{HoldKind, Job};
pub use limit_status::{LimitCounts, LimitOf, LimitOwner, LimitStatus};
pub use policy::{Backfill, Policy, PolicyError, Preset, ReservationGranularity};
pub use preemption::PreemptionStats;
pub use records::JobRecord;
pub use sprio::PriorityRow;
pub use status::{LimitUsage, PartitionUsage, UserUsage};

use crate::array::{ArraySpec, ArrayTasks};
use crate::cluster::Cluster;
use crate::dependency::{DependencyItem, DependencyKind, DependencyTarget, DependencyTracker};
use crate::job_id::JobId;
use crate::job_state::{JobState, PendingReason};
use crate::limits::Limits;
use crate::partition::PartitionState;
use crate::priority::PriorityType;
use crate::request::JobRequest;
use crate::resolve::Rejection;
use crate::time::{TimeLimit, Timestamp};
use crate::tres::Tres;
use events::EventIndex;
use job_table::{ArrayState, JobTable, next_job_id};
use plan_cache::PlanCache;
use priorities::Priorities;
use queue_state::QueueState;
use site::Site;
use switches::Switches;

/// Why a submission was refused. A refused submission changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SubmitError {
    /// sbatch would reject the request (see [`Rejection`]).
    #[error(transparent)]
    Rejected(#[from] Rejection),
    /// An `afterok`/`afternotok` dependency names a job the scheduler does not know
    /// (Slurm rejects these; other types on a missing job are lifted).
    #[error("Job dependency problem: job {0} does not exist")]
    UnknownDependency(JobId),
    /// A job may not depend on itself.
    #[error("Job dependency problem: a job cannot depend on itself")]
    SelfDependency,
    /// The user name is empty.
    #[error("a job needs a user name")]
    NoUser,
    /// The cluster's associations refuse the job's user, account or QOS ("Invalid
    /// account or account/partition combination specified", "Invalid qos
    /// specification").
    #[error(transparent)]
    Association(#[from] crate::accounts::AccountError),
}

/// Why a job event was refused. A refused event changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JobError {
    /// No such job.
    #[error("Invalid job id specified: {0}")]
    UnknownJob(JobId),
    /// The job is not in a state that allows this.
    #[error("job {job} is {state}: cannot {action}")]
    WrongState {
        /// The job.
        job: JobId,
        /// Its state.
        state: JobState,
        /// What was asked.
        action: &'static str,
    },
}

/// Why a node event was refused. A refused event changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NodeError {
    /// No such node.
    #[error("Invalid node name specified: {0}")]
    UnknownNode(String),
}

/// Why a partition event was refused. A refused event changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PartitionError {
    /// No such partition.
    #[error("Invalid partition name specified: {0}")]
    UnknownPartition(String),
}

// How the scheduler is built: its state is a handful of parts, each a struct in a file of
// its own that says what it holds and what stays true of it.
// - `site` (site.rs): the cluster, the policy, what each node holds now;
// - `jobs` (job_table.rs): every job until it is purged, with arrays, users, shared names,
//   job ids, the pending set and the finished list;
// - `priorities` (priorities.rs): the priority plugin and what it keeps between jobs;
// - `queue` (queue_state.rs): the eligible jobs in Slurm's order (queue.rs) and what the
//   passes note about them;
// - `plan` (plan_cache.rs): what one pass keeps for the next (the plan, the backfill walk)
//   and for the host (plans, estimates);
// - `events` (events.rs): running jobs by the instants at which the clock changes
//   something, and when the last pass ran;
// - `switches` (switches.rs): the shortcuts tests turn off.
// The other files are the behaviour, topic by topic (`impl Scheduler` blocks: a pass, the
// main pass, backfill, reasons...); a helper that needs one part alone is that part's. The
// policy layer to come (limits, fair-share, preemption) gets modules of its own, and parts
// of its own where it keeps state.

/// The scheduler. See the module docs.
#[derive(Debug, Clone)]
pub struct Scheduler {
    /// The cluster, the policy, and what each node holds now.
    site: Site,
    /// Every job, pending, running or finished until purged, and what jobs share.
    jobs: JobTable,
    /// The priority plugin and what it keeps between jobs.
    priorities: Priorities,
    /// The eligible jobs in Slurm's order, and what passes note about them.
    queue: QueueState,
    /// The plan kept between passes, and the plans and estimates of the last one.
    plan: PlanCache,
    /// Running jobs by the instants the clock changes something for them.
    events: EventIndex,
    /// Shortcuts that tests turn off, and the kind of pass under way.
    switches: Switches,
    /// What running jobs hold against the QOS and association limits.
    limits: Limits,
    /// Usage and fair-share factors, when the priority weighs fair-share.
    fair_share: Option<fair_share::FairShareState>,
    /// The preemption policy, and the jobs being preempted or preempting.
    preemption: preemption::Preemption,
}

impl Scheduler {
    /// A scheduler for this cluster with Slurm's behaviour for its configuration
    /// ([`Policy::from_config`]).
    #[must_use]
    pub fn new(cluster: Cluster) -> Self {
        let policy = Policy::from_config(cluster.config());
        Self::with_policy(cluster, policy)
    }

    /// A scheduler with an explicit policy.
    #[must_use]
    pub fn with_policy(cluster: Cluster, policy: Policy) -> Self {
        let jobs = JobTable::new(&cluster);
        let priorities = Priorities::new(&cluster);
        let queue = QueueState::new(cluster.partitions().map(|p| p.priority_tier));
        let mut limits = Limits::new(
            cluster.qos_list(),
            cluster
                .accounts()
                .is_some_and(crate::limits::has_assoc_limits),
        );
        limits.stop = cluster.config().scheduler_params().assoc_limit_stop;
        let fair_share = fair_share::FairShareState::of(&cluster);
        let preemption = preemption::Preemption::of(cluster.config());
        Self {
            site: Site::new(cluster, policy),
            jobs,
            priorities,
            queue,
            plan: PlanCache::default(),
            events: EventIndex::default(),
            switches: Switches::default(),
            limits,
            fair_share,
            preemption,
        }
    }

    /// The cluster.
    #[must_use]
    pub fn cluster(&self) -> &Cluster {
        &self.site.cluster
    }

    /// The policy.
    #[must_use]
    pub fn policy(&self) -> &Policy {
        &self.site.policy
    }

    /// Submits a job for `user` at `now`. Returns its id (an array's tasks share it until
    /// they start), or the reason sbatch would refuse it; a refusal changes nothing.
    ///
    /// Besides [`Cluster::resolve`]'s checks, the one that depends on what runs: with
    /// `EnforcePartLimits=ALL`, a job whose last partition can never run it is refused
    /// when none of its partitions can start it now because their nodes are busy
    /// ([`crate::ResolvedJob::refused_unless_startable`]).
    ///
    /// ```
    /// use hpcsched::{Cluster, Scheduler, Timestamp};
    /// let cluster = Cluster::from_slurm_conf(
    ///     "EnforcePartLimits=ALL\n\
    ///      NodeName=big CPUs=16 RealMemory=64000\n\
    ///      NodeName=small[1-2] CPUs=4 RealMemory=16000\n\
    ///      PartitionName=b Nodes=big\n\
    ///      PartitionName=s Nodes=small[1-2]\n",
    /// )?;
    /// let mut s = Scheduler::new(cluster);
    /// let req = |args: &[&str]| hpcsched::sbatch::parse_args(args);
    /// let a = s.submit(&req(&["-p", "b", "--exclusive", "-t", "60"])?, "alice", Timestamp(0))?;
    /// s.schedule(Timestamp(0));
    /// // `big` is busy and `small`, tested last, can never give 8 CPUs to a task.
    /// let err = s.submit(&req(&["-p", "b,s", "-c", "8"])?, "bob", Timestamp(1)).unwrap_err();
    /// assert!(err.to_string().contains("Requested node configuration is not available"));
    /// // Listed the other way round, it waits for `big`.
    /// assert!(s.submit(&req(&["-p", "s,b", "-c", "8"])?, "bob", Timestamp(1)).is_ok());
    /// # let _ = a;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn submit(
        &mut self,
        request: &JobRequest,
        user: &str,
        now: Timestamp,
    ) -> Result<JobId, SubmitError> {
        if user.is_empty() {
            return Err(SubmitError::NoUser);
        }
        // With associations, the job's account and QOS are its association's when it
        // names none (`_job_create()`: the user's default account, the association's
        // default QOS), and an unknown one is refused.
        let (with_assoc, assoc) = self.associate(request, user)?;
        let request = with_assoc.as_ref().unwrap_or(request);
        let mut resolved = self.site.cluster.resolve(request)?;
        let id = self.jobs.peek_next_id();
        if let Some(dep) = &request.dependency {
            for item in &dep.items {
                if let DependencyItem::On { kind, target, .. } = item {
                    let target_id = match target {
                        DependencyTarget::Job(j) | DependencyTarget::Task(j, _) => *j,
                    };
                    if target_id == id {
                        return Err(SubmitError::SelfDependency);
                    }
                    let known =
                        self.jobs.contains(target_id) || self.jobs.arrays.contains_key(&target_id);
                    if !known
                        && matches!(kind, DependencyKind::AfterOk | DependencyKind::AfterNotOk)
                    {
                        return Err(SubmitError::UnknownDependency(target_id));
                    }
                }
            }
        }
        // The last partition's refusal stands when the others' nodes are busy
        // (`_select_nodes_parts()`, after `_job_create()` has checked the dependency).
        if let Some(reason) = resolved.refused_unless_startable()
            && !self.startable_at_submit(&resolved, user)
        {
            return Err(SubmitError::Rejected(reason.clone().into()));
        }
        // The submit-count limits refuse whatever DenyOnLimit says.
        let tasks = request.array.as_deref().map_or(1, |spec| {
            ArrayTasks::new(ArraySpec::clone(spec)).pending_count()
        });
        if let Some(reason) = self.limits_submit_refusal(
            &resolved,
            user,
            assoc,
            u32::try_from(tasks).unwrap_or(u32::MAX),
        ) {
            return Err(SubmitError::Rejected(
                crate::resolve::RejectReason::QosPolicy(reason).into(),
            ));
        }
        let described = if request.hold || request.dependency.is_some() {
            None
        } else {
            self.reason_at_submit(&resolved)
        };
        // Everything is checked: from here on the submission cannot fail.
        self.jobs.next_id = next_job_id(id).0;
        let (user_idx, user) = self.jobs.user_index(user);
        let account_idx = self
            .jobs
            .account_index(request.account.as_deref().unwrap_or(""));
        resolved.share_partitions(&mut self.jobs.partition_lists);
        let hold = request.hold.then_some(HoldKind::User);
        let time_limit = resolved.time_limit();
        if let Some(spec) = &request.array {
            self.jobs.arrays.insert(
                id,
                ArrayState {
                    tasks: ArrayTasks::new(ArraySpec::clone(spec)),
                    task_jobs: Vec::new(),
                },
            );
        }
        // A held job has priority 0 until it is released.
        let priority = if request.hold {
            0
        } else {
            self.priorities.initial(request)
        };
        if resolved.has_unfit_tries() {
            self.queue.with_unfit_tries.push(id);
        }
        let whole_for_good = !request.hold && self.whole_from_submit(&resolved);
        let job = Job {
            id,
            array_task: None,
            user,
            user_idx,
            account_idx,
            assoc,
            resolved,
            state: JobState::Pending,
            reason: described
                .is_some()
                .then_some(PendingReason::ReqNodeNotAvail),
            desc: described.map(String::into_boxed_str),
            priority,
            hold,
            submit: now,
            eligible: None,
            start: None,
            end: None,
            time_limit,
            partition: None,
            allocation: Vec::new(),
            alloc_nodes: Box::default(),
            exit_code: None,
            comment: request.comment.clone(),
            restarts: 0,
            suspended_secs: 0,
            whole_for_good,
            dependency: request
                .dependency
                .as_deref()
                .map(|d| Box::new(DependencyTracker::new(d.clone()))),
            queued: None,
            charge: None,
        };
        self.jobs.insert(id, Box::new(job));
        self.limits_submitted(id, i64::try_from(tasks).unwrap_or(i64::MAX));
        self.fair_share_submit(id, now);
        // A multifactor priority is set at submit (`priority_p_set()`), from the
        // fair-share factors of the last tick: the job is queued under it, and a pass that
        // finds it unchanged does not file it again.
        if let PriorityType::Multifactor(weights) = &self.priorities.kind
            && request.priority.is_none()
            && !request.hold
            && let Some(job) = self.jobs.get(id)
        {
            let priority = crate::priority::multifactor(weights, &self.priority_inputs(job, now));
            if let Some(job) = self.jobs.get_mut(id) {
                job.priority = priority;
            }
        }
        self.jobs.pending.insert(id);
        self.queue.watch.insert(id);
        self.priorities.dirty = true;
        Ok(id)
    }

    /// The host reports that a running job ended with `exit_code` (0: COMPLETED, anything
    /// else: FAILED).
    pub fn job_finished(
        &mut self,
        id: JobId,
        now: Timestamp,
        exit_code: i32,
    ) -> Result<(), JobError> {
        let state = if exit_code == 0 {
            JobState::Completed
        } else {
            JobState::Failed
        };
        self.end_running(id, now, state, Some(exit_code), "finish")
    }

    /// The host reports that a running job ran out of memory. With `reboot_on_oom` (sites
    /// whose nodes reboot on OOM) the job is CANCELLED with the cause in its comment;
    /// otherwise it ends OUT_OF_MEMORY.
    pub fn out_of_memory(
        &mut self,
        id: JobId,
        now: Timestamp,
        reboot_on_oom: bool,
    ) -> Result<(), JobError> {
        if reboot_on_oom {
            self.end_running(id, now, JobState::Cancelled, Some(0), "end on OOM")?;
            if let Some(job) = self.jobs.get_mut(id) {
                job.comment = Some("out of memory: node rebooted".into());
            }
            Ok(())
        } else {
            self.end_running(id, now, JobState::OutOfMemory, Some(0), "end on OOM")
        }
    }

    /// Cancels a job: a pending one (or all of an array's pending tasks) never starts, a
    /// running one ends CANCELLED and frees its resources.
    pub fn cancel(&mut self, id: JobId, now: Timestamp) -> Result<(), JobError> {
        let state = self.job_state(id)?;
        match state {
            JobState::Running | JobState::Suspended => {
                self.end_running(id, now, JobState::Cancelled, None, "cancel")
            }
            JobState::Pending => {
                self.preemption_forget(id, now);
                self.limits_submitted(id, -self.pending_count(id));
                self.jobs.forget_array(id);
                self.dequeue(id);
                self.jobs.pending.swap_remove(&id);
                if let Some(job) = self.jobs.get_mut(id) {
                    job.state = JobState::Cancelled;
                    job.reason = None;
                    job.desc = None;
                    job.end = Some(now);
                    self.jobs.finished.push_back((now, id));
                }
                Ok(())
            }
            _ => Err(JobError::WrongState {
                job: id,
                state,
                action: "cancel",
            }),
        }
    }

    /// Holds a pending job as its user does (`scontrol hold` by the job's owner, or
    /// `scontrol uhold`): priority 0, reason JobHeldUser. See [`Scheduler::hold_as`].
    pub fn hold(&mut self, id: JobId) -> Result<(), JobError> {
        self.hold_as(id, HoldKind::User)
    }

    /// Holds a pending job: priority 0, reason JobHeldUser for a [`HoldKind::User`] hold,
    /// JobHeldAdmin for a [`HoldKind::Admin`] one (`scontrol hold` run by root, an
    /// operator or an administrator). An existing hold is replaced, as a second
    /// `scontrol hold` replaces the first.
    ///
    /// ```
    /// use hpcsched::{Cluster, HoldKind, JobRequest, PendingReason, Scheduler, Timestamp};
    /// let cluster = Cluster::from_slurm_conf(
    ///     "NodeName=n1 CPUs=4 RealMemory=4096\nPartitionName=p Nodes=n1 Default=YES\n",
    /// )?;
    /// let mut s = Scheduler::new(cluster);
    /// let id = s.submit(&hpcsched::sbatch::parse_args(&["-t", "10"])?, "alice", Timestamp(0))?;
    /// s.hold_as(id, HoldKind::Admin)?;
    /// assert!(s.schedule(Timestamp(0)).is_empty());
    /// assert_eq!(s.job(id).and_then(|j| j.reason().cloned()), Some(PendingReason::JobHeldAdmin));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn hold_as(&mut self, id: JobId, kind: HoldKind) -> Result<(), JobError> {
        let job = self.pending_mut(id, "hold")?;
        job.hold = Some(kind);
        job.reason = Some(match kind {
            HoldKind::User => PendingReason::JobHeldUser,
            HoldKind::Admin => PendingReason::JobHeldAdmin,
        });
        job.desc = None;
        job.priority = 0;
        self.dequeue(id);
        self.queue.watch.insert(id);
        Ok(())
    }

    /// Releases a held job. Its priority is computed afresh, as slurmctld does on release:
    /// under priority/basic that is the next FIFO priority, so it queues behind the jobs
    /// submitted meanwhile (an explicit `--priority` is kept).
    pub fn release(&mut self, id: JobId) -> Result<(), JobError> {
        self.pending_mut(id, "release")?;
        let request = self.jobs.get(id).map(|j| j.resolved.request().clone());
        let priority = request.map_or(1, |r| self.priorities.initial(&r));
        let job = self.pending_mut(id, "release")?;
        job.hold = None;
        job.priority = priority;
        if matches!(
            job.reason,
            Some(PendingReason::JobHeldUser | PendingReason::JobHeldAdmin)
        ) {
            job.reason = None;
            job.desc = None;
        }
        self.priorities.dirty = true;
        self.queue.watch.insert(id);
        Ok(())
    }

    /// Requeues a running job: it ends, frees its resources and pends again (its
    /// eligible time restarts).
    pub fn requeue(&mut self, id: JobId, now: Timestamp) -> Result<(), JobError> {
        let state = self.job_state(id)?;
        if state != JobState::Running {
            return Err(JobError::WrongState {
                job: id,
                state,
                action: "requeue",
            });
        }
        self.fair_share_job_end(id, now);
        self.release_allocation(id, now);
        if let Some(job) = self.jobs.get_mut(id) {
            job.state = JobState::Pending;
            job.reason = None;
            job.desc = None;
            job.start = None;
            job.end = None;
            job.partition = None;
            job.allocation.clear();
            job.alloc_nodes = Box::default();
            job.eligible = None;
            job.restarts += 1;
            job.suspended_secs = 0;
            self.priorities.dirty = true;
            // Slurm resets the submit time of a requeued job to the requeue time.
            job.submit = now;
            // The main pass tries it again where it cannot run, as at submit (the list
            // lost it while it ran).
            if job.resolved.has_unfit_tries() && !self.queue.with_unfit_tries.contains(&id) {
                self.queue.with_unfit_tries.push(id);
            }
            self.jobs.pending.insert(id);
            self.queue.watch.insert(id);
        }
        // Submitted again (`acct_policy_add_job_submit()` on requeue).
        self.limits_submitted(id, 1);
        Ok(())
    }

    /// Changes a job's time limit (`scontrol update TimeLimit=`).
    pub fn update_time_limit(&mut self, id: JobId, limit: TimeLimit) -> Result<(), JobError> {
        let job = self.jobs.get_mut(id).ok_or(JobError::UnknownJob(id))?;
        if job.state.is_finished() {
            return Err(JobError::WrongState {
                job: id,
                state: job.state,
                action: "update the time limit of",
            });
        }
        let running = job.state == JobState::Running;
        if running {
            self.forget_running_times(id);
        }
        if let Some(job) = self.jobs.get_mut(id) {
            job.time_limit = limit;
        }
        if running {
            self.note_running_times(id);
            self.plan_running_job(id);
        } else {
            // Its demand changed: queued again under its new shape, with the priority its
            // new limit gives (the job-size factor of SMALL_RELATIVE_TO_TIME).
            self.dequeue(id);
            self.queue.watch.insert(id);
            self.priorities.dirty = true;
        }
        Ok(())
    }

    /// Forgets the plan kept between passes before every pass, so that each pass plans
    /// from scratch. Decisions are the same either way; this exists so tests can show it.
    #[doc(hidden)]
    pub fn set_plan_reuse(&mut self, on: bool) {
        self.switches.reuse_plan = on;
        if !on {
            self.plan.profile = None;
        }
    }

    /// Turns off walking the main pass partition by partition, leaving each partition at
    /// its blocked job (tests and diagnostics: decisions and reasons are the same either
    /// way).
    #[doc(hidden)]
    pub fn set_main_pass_by_partition(&mut self, on: bool) {
        self.switches.main_by_partition = on;
    }

    /// Turns off going on from the last pass when only new jobs came (tests and
    /// diagnostics: decisions are the same either way).
    #[doc(hidden)]
    pub fn set_pass_continuation(&mut self, on: bool) {
        self.switches.continuation = on;
        if !on {
            self.plan.kept_pass = None;
        }
    }

    /// Drains a node: it takes no new jobs; running ones finish.
    pub fn drain_node(&mut self, name: &str, reason: &str) -> Result<(), NodeError> {
        self.set_node_flags(name, crate::node::NodeState::DRAIN, true, Some(reason))
    }

    /// Changes a partition's state, as `scontrol update PartitionName=NAME State=...`
    /// does (slurm.conf.5 `State`): **UP** queues and runs jobs; **DOWN** queues new jobs
    /// but starts none, and its pending jobs wait with PartitionDown; **DRAIN** refuses
    /// new jobs but runs the ones it holds; **INACTIVE** refuses new jobs and its pending
    /// jobs wait with PartitionInactive. Running jobs are not touched. A job that lists
    /// several partitions runs in the others meanwhile.
    ///
    /// ```
    /// use hpcsched::{Cluster, PartitionState, PendingReason, Scheduler, Timestamp};
    /// let cluster = Cluster::from_slurm_conf(
    ///     "NodeName=n1 CPUs=4 RealMemory=4096\nPartitionName=p Nodes=n1 Default=YES\n",
    /// )?;
    /// let mut s = Scheduler::new(cluster);
    /// s.set_partition_state("p", PartitionState::Down)?;
    /// let id = s.submit(&hpcsched::sbatch::parse_args(&["-t", "10"])?, "alice", Timestamp(0))?;
    /// assert!(s.schedule(Timestamp(0)).is_empty());
    /// assert_eq!(s.job(id).and_then(|j| j.reason().cloned()), Some(PendingReason::PartitionDown));
    /// s.set_partition_state("p", PartitionState::Up)?;
    /// assert_eq!(s.schedule(Timestamp(1)).len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_partition_state(
        &mut self,
        name: &str,
        state: PartitionState,
    ) -> Result<(), PartitionError> {
        let index = self
            .site
            .cluster
            .partition_index(name)
            .ok_or_else(|| PartitionError::UnknownPartition(name.to_owned()))?;
        self.site.cluster.set_partition_state(index, state);
        // The pending jobs that list it are resolved again against the new state; a job
        // the cluster would now refuse outright (it can not happen through a state
        // change, but a job is never lost to it) keeps what it had.
        let affected: Vec<JobId> = self
            .jobs
            .pending
            .iter()
            .copied()
            .filter(|id| {
                self.jobs
                    .get(*id)
                    .is_some_and(|j| j.resolved.partitions().iter().any(|p| p == name))
            })
            .collect();
        for id in affected {
            let Some(job) = self.jobs.get(id) else {
                continue;
            };
            let mut request = job.resolved.request().clone();
            let kept = job.resolved.partitions();
            if !request.partitions.is_empty() {
                request.partitions.retain(|p| kept.contains(p));
            }
            let Ok(resolved) = self.site.cluster.resolve_queued(&request) else {
                continue;
            };
            // Out of the queue by the records it has now, back in by its new ones.
            self.dequeue(id);
            if resolved.has_unfit_tries() && !self.queue.with_unfit_tries.contains(&id) {
                self.queue.with_unfit_tries.push(id);
            }
            if let Some(job) = self.jobs.get_mut(id) {
                job.resolved = resolved;
            }
            // Its partition may be another one now, with another PriorityJobFactor.
            self.priorities.dirty = true;
            self.queue.watch.insert(id);
            self.sync_queue(id);
        }
        Ok(())
    }

    /// Returns a drained or down node to service.
    pub fn resume_node(&mut self, name: &str) -> Result<(), NodeError> {
        self.set_node_flags(
            name,
            crate::node::NodeState::DRAIN
                | crate::node::NodeState::DOWN
                | crate::node::NodeState::FAIL,
            false,
            None,
        )
    }

    /// Takes a node down: its jobs end NODE_FAIL, or are requeued: a batch job that asked
    /// for `--requeue`, or said neither `--requeue` nor `--no-requeue` on a cluster with
    /// `JobRequeue=1` (Slurm's default); never an srun or salloc job. Returns the ids of
    /// the jobs that ended and of those requeued.
    pub fn down_node(
        &mut self,
        name: &str,
        reason: &str,
        now: Timestamp,
    ) -> Result<(Vec<JobId>, Vec<JobId>), NodeError> {
        let idx = self
            .node_idx(name)
            .ok_or_else(|| NodeError::UnknownNode(name.to_owned()))?;
        self.set_node_flags(name, crate::node::NodeState::DOWN, true, Some(reason))?;
        let victims = self
            .site
            .nodes
            .get(idx)
            .map(|n| n.jobs.clone())
            .unwrap_or_default();
        let (mut ended, mut requeued) = (Vec::new(), Vec::new());
        for id in victims {
            // The job's `--requeue`/`--no-requeue`, else JobRequeue (slurmctld copies it
            // into the job at submit); only batch jobs are requeued.
            let default = self.site.cluster.config().job_requeue;
            let wants_requeue = self.jobs.get(id).is_some_and(|j| {
                let req = j.resolved.request();
                req.client == crate::request::Client::Sbatch && req.requeue.unwrap_or(default)
            });
            if wants_requeue && self.requeue(id, now).is_ok() {
                requeued.push(id);
            } else if self
                .end_running(id, now, JobState::NodeFail, None, "fail")
                .is_ok()
            {
                ended.push(id);
            }
        }
        Ok((ended, requeued))
    }

    fn set_node_flags(
        &mut self,
        name: &str,
        flags: crate::node::NodeState,
        on: bool,
        reason: Option<&str>,
    ) -> Result<(), NodeError> {
        let node = self
            .site
            .cluster
            .node_mut(name)
            .ok_or_else(|| NodeError::UnknownNode(name.to_owned()))?;
        node.state.set(flags, on);
        node.reason = if on { reason.map(str::to_owned) } else { None };
        if let Some(idx) = self.site.cluster.node_index(name) {
            self.plan.dirty.push(idx as u32);
        }
        Ok(())
    }

    /// A job by id.
    #[must_use]
    pub fn job(&self, id: JobId) -> Option<&Job> {
        self.jobs.get(id)
    }

    /// Every job the scheduler knows, pending, running and finished, in submission order
    /// (an array task that got its own record comes when it started). For `sacct`'s view
    /// sorted by id see [`Scheduler::records`].
    pub fn jobs(&self) -> impl Iterator<Item = &Job> {
        self.jobs.iter()
    }

    /// How many of a pending array's tasks have not started (0 for other jobs).
    #[must_use]
    pub fn pending_tasks(&self, id: JobId) -> u64 {
        self.jobs
            .arrays
            .get(&id)
            .map_or(0, |a| a.tasks.pending_count())
    }

    /// What a node has free now (CPUs, memory, GRES).
    #[must_use]
    pub fn node_free(&self, name: &str) -> Option<&Tres> {
        self.node_idx(name)
            .and_then(|i| self.site.nodes.get(i))
            .map(|n| &n.free)
    }

    /// The running jobs on a node.
    #[must_use]
    pub fn node_jobs(&self, name: &str) -> Option<&[JobId]> {
        self.node_idx(name)
            .and_then(|i| self.site.nodes.get(i))
            .map(|n| n.jobs.as_slice())
    }

    /// How many jobs were pending after the last [`Scheduler::schedule`] call (an array's
    /// tasks that have not started count once).
    ///
    /// ```
    /// use hpcsched::{Cluster, Scheduler, Timestamp};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = Cluster::from_slurm_conf("NodeName=n1 CPUs=1\nPartitionName=p Nodes=n1 Default=YES\n")?;
    /// let mut s = Scheduler::new(cluster);
    /// let args = hpcsched::sbatch::parse_args(&["-n1", "-t", "10"])?;
    /// s.submit(&args, "alice", Timestamp(0))?;
    /// s.submit(&args, "alice", Timestamp(0))?;
    /// s.schedule(Timestamp(0));
    /// assert_eq!(s.pending_jobs(), 1);
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn pending_jobs(&self) -> usize {
        self.events.pending_after_pass
    }

    /// Expected starts of pending jobs as of the last [`Scheduler::schedule`] call, in
    /// expected-start order (jobs with no estimate last), like `squeue --start`.
    ///
    /// Backfill plans them as it decides. Without backfill (`fifo`, `sched/builtin`) they
    /// decide nothing, so they are planned here, when first asked for after a pass: each
    /// queued job after every job ahead of it in its partition, on the running jobs as
    /// the pass left them. A host that changes the queue (cancels, holds) before asking
    /// sees those jobs left out of the plan.
    #[must_use]
    pub fn estimates(&self) -> &[Estimate] {
        self.plan.estimates.get_or_init(|| self.build_estimates())
    }

    fn node_idx(&self, name: &str) -> Option<usize> {
        self.site.cluster.node_index(name)
    }

    /// How many jobs a pending job stands for: an array's tasks yet to start, else 1.
    fn pending_count(&self, id: JobId) -> i64 {
        let tasks = self
            .jobs
            .arrays
            .get(&id)
            .map_or(1, |a| a.tasks.pending_count());
        i64::try_from(tasks).unwrap_or(i64::MAX)
    }

    fn job_state(&self, id: JobId) -> Result<JobState, JobError> {
        self.jobs
            .get(id)
            .map(|j| j.state)
            .ok_or(JobError::UnknownJob(id))
    }

    fn pending_mut(&mut self, id: JobId, action: &'static str) -> Result<&mut Job, JobError> {
        let job = self.jobs.get_mut(id).ok_or(JobError::UnknownJob(id))?;
        if job.state != JobState::Pending {
            return Err(JobError::WrongState {
                job: id,
                state: job.state,
                action,
            });
        }
        Ok(job)
    }

    fn end_running(
        &mut self,
        id: JobId,
        now: Timestamp,
        state: JobState,
        exit_code: Option<i32>,
        action: &'static str,
    ) -> Result<(), JobError> {
        let current = self.job_state(id)?;
        if !matches!(current, JobState::Running | JobState::Suspended) {
            return Err(JobError::WrongState {
                job: id,
                state: current,
                action,
            });
        }
        self.fair_share_job_end(id, now);
        self.release_allocation(id, now);
        if let Some(job) = self.jobs.get_mut(id) {
            job.state = state;
            job.end = Some(now);
            job.exit_code = exit_code.or(Some(0));
            job.reason = None;
            job.desc = None;
            self.jobs.finished.push_back((now, id));
        }
        Ok(())
    }

    fn release_allocation(&mut self, id: JobId, now: Timestamp) {
        self.preemption_forget(id, now);
        self.forget_running_times(id);
        self.limits_end(id);
        let Some(job) = self.jobs.get(id) else {
            return;
        };
        // A suspended job lent its CPUs to the job that suspended it.
        let suspended = job.state == JobState::Suspended;
        for (alloc, &idx) in job.allocation.iter().zip(job.alloc_nodes.iter()) {
            let idx = idx as usize;
            let mut used = alloc.used();
            if suspended {
                used.cpus = 0;
            }
            if let Some(node) = self.site.nodes.get_mut(idx) {
                node.release(id, &used, &alloc.gres);
            }
            self.plan.dirty.push(idx as u32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn sched() -> Scheduler {
        let cluster = Cluster::from_slurm_conf(
            "NodeName=n[1-2] CPUs=4 RealMemory=1000\n\
             PartitionName=a Nodes=n[1-2] Default=YES\n\
             PartitionName=b Nodes=n[1-2]\n",
        )
        .unwrap();
        Scheduler::new(cluster)
    }

    fn req(args: &[&str]) -> JobRequest {
        crate::sbatch::parse_args(args).unwrap()
    }

    /// Jobs hold shared names and lists, not copies: the memory goal (a pending job in
    /// under 1 KiB) depends on it, and what the accessors return must not change.
    #[test]
    fn jobs_share_names_and_partition_lists() {
        let mut sched = sched();
        let j1 = sched
            .submit(
                &req(&["-A", "acct", "-p", "b,a", "--mem=100"]),
                "alice",
                Timestamp(0),
            )
            .unwrap();
        let j2 = sched
            .submit(&req(&["-p", "b,a", "--mem=100"]), "alice", Timestamp(0))
            .unwrap();
        let j3 = sched
            .submit(&req(&["-p", "a", "--mem=100"]), "bob", Timestamp(0))
            .unwrap();
        let (a, b, c) = (
            sched.jobs.get(j1).unwrap(),
            sched.jobs.get(j2).unwrap(),
            sched.jobs.get(j3).unwrap(),
        );
        assert!(Arc::ptr_eq(&a.user, &b.user));
        assert!(!Arc::ptr_eq(&a.user, &c.user));
        assert_eq!((a.user(), c.user()), ("alice", "bob"));
        assert_eq!((a.account(), b.account()), (Some("acct"), None));
        assert_eq!(a.resolved().partitions(), ["b", "a"]);
        assert!(std::ptr::eq(
            a.resolved().partitions(),
            b.resolved().partitions()
        ));
        assert_eq!(c.resolved().partitions(), ["a"]);
        assert_eq!(sched.jobs.partition_lists.len(), 2);
        // A started job names its partition from the scheduler'sched table.
        assert_eq!(sched.schedule(Timestamp(0)).len(), 3);
        let (first, second) = (sched.jobs.get(j1).unwrap(), sched.jobs.get(j2).unwrap());
        assert_eq!(
            (first.partition(), second.partition()),
            (Some("b"), Some("b"))
        );
        assert!(matches!(
            (&first.partition, &second.partition),
            (Some(one), Some(two)) if Arc::ptr_eq(one, two)
        ));
    }
}

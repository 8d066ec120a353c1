//! One replay engine for every face: a workload (an SWF trace or a job list, from a path
//! or a reader, plain or gzip) run through the [`Simulator`] on a cluster under a policy,
//! with the caller watching as it goes.
//!
//! [`Replay::new`] opens the machine (the given cluster, or the one an SWF header
//! describes), checks the settings against the workload, and maps SWF jobs to requests;
//! [`Replay::run`] replays it, handing each job's record, each skipped SWF line and the
//! progress to the caller's [`Observer`] (which may stop the replay), and returns the
//! [`ReplayOutcome`]: what was replayed, on what, under which policy, the metrics and the
//! jobs left pending. The CLI, the C API and the Python package all drive this engine,
//! so a trace replays the same way, with the same defaults, in every face.
//!
//! Defaults: the policy is the cluster's own ([`Preset::Slurm`]: its `SchedulerType` and
//! `SchedulerParameters`); a job is ended at its time limit ([`Overrun::Kill`]).
//!
//! With [`ReplaySettings::whole_nodes`], an SWF job of `P` processors asks for
//! `-N ceil(P / C) --exclusive -n P`, where `C` is the CPU count of the default
//! partition's smallest node (the one rule of every face).
//!
//! ```
//! use hpcsched::replay::{Replay, ReplaySettings, WorkloadInput};
//! use hpcsched::{Cluster, Preset};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let cluster = Cluster::from_slurm_conf("NodeName=n[1-2] CPUs=4\nPartitionName=p Nodes=n[1-2] Default=YES\n")?;
//! let input = WorkloadInput::from_reader(&b"0 600 alice -N2 -t 20\n60 300 bob -n1 -t 10\n"[..])?;
//! let mut settings = ReplaySettings::default();
//! settings.preset = Preset::Easy;
//! let mut replay = Replay::new(Some(cluster), input, &settings)?;
//! let mut records = Vec::new();
//! let outcome = replay.run(&mut |r: &hpcsched::JobRecord| records.push(r.clone()))?;
//! assert_eq!((outcome.submitted, outcome.metrics.overall.jobs), (2, 2));
//! records.sort_by_key(|r| r.job);
//! assert_eq!(records[1].start.map(|t| t.as_secs()), Some(600));
//! # Ok(())
//! # }
//! ```

mod error;
mod input;

pub use error::{ReplayError, ReplayErrorKind};
pub use input::{WorkloadFormat, WorkloadInput};

use crate::cluster::Cluster;
use crate::metrics::{Metrics, Summary};
use crate::scheduler::{JobRecord, Policy, Preset, Scheduler};
use crate::simulator::{LeftPending, Overrun, Refused, SimError, SimOptions, Simulator};
use crate::time::Timestamp;
use crate::workload::{Skipped, SwfMapping, WorkloadJob};
use input::Content;
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::ops::ControlFlow;

/// How a replay runs. The defaults are the cluster's own policy, jobs ended at their
/// limit, the whole workload.
///
/// ```
/// let s = hpcsched::replay::ReplaySettings::default();
/// assert_eq!(s.preset, hpcsched::Preset::Slurm);
/// assert!(!s.whole_nodes && s.first.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReplaySettings {
    /// The scheduling policy (default: [`Preset::Slurm`], the cluster's own).
    pub preset: Preset,
    /// Jobs that outlive their time limit (default: ended at it, as Slurm does).
    pub overrun: Overrun,
    /// SWF traces: give each job whole nodes (see the module docs).
    pub whole_nodes: bool,
    /// Replay only the workload's first `first` jobs.
    pub first: Option<u64>,
    /// Stop at this instant, leaving the queue as it is then ([`Replay::scheduler`]).
    pub stop_at: Option<Timestamp>,
}

impl Default for ReplaySettings {
    fn default() -> Self {
        Self {
            preset: Preset::Slurm,
            overrun: Overrun::Kill,
            whole_nodes: false,
            first: None,
            stop_at: None,
        }
    }
}

/// How far a replay is.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Progress {
    /// Jobs handed to the scheduler so far.
    pub jobs: u64,
    /// The fraction of the workload read (0 to 1), when it can be told (a file, a job
    /// list, or a `first` limit).
    pub fraction: Option<f64>,
}

/// What the caller of [`Replay::run`] sees as the replay goes: each job's record as it
/// leaves the system, each SWF line that is not replayed, and the progress. Every method
/// may return [`ControlFlow::Break`] to stop the replay there: it then ends as at a
/// `stop_at`, its outcome `interrupted`. An observer that fails (a full disk) keeps its
/// error and breaks.
///
/// A closure `FnMut(&JobRecord)` is an observer that keeps every record.
pub trait Observer {
    /// A job's record, as the job leaves the system (jobs still in it when the replay
    /// ends come last, by job id).
    fn record(&mut self, record: &JobRecord) -> ControlFlow<()>;

    /// An SWF line that is not replayed, and why.
    fn skipped(&mut self, skipped: &Skipped) -> ControlFlow<()> {
        let _ = skipped;
        ControlFlow::Continue(())
    }

    /// Called after each job is read from the workload.
    fn progress(&mut self, progress: Progress) -> ControlFlow<()> {
        let _ = progress;
        ControlFlow::Continue(())
    }
}

impl<F: FnMut(&JobRecord)> Observer for F {
    fn record(&mut self, record: &JobRecord) -> ControlFlow<()> {
        self(record);
        ControlFlow::Continue(())
    }
}

/// The cluster a replay ran on, as its report describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClusterInfo {
    /// Nodes.
    pub nodes: usize,
    /// CPUs over every node.
    pub cpus: u64,
    /// Partitions, in slurm.conf order.
    pub partitions: Vec<String>,
    /// The default partition.
    pub default_partition: Option<String>,
    /// `SchedulerType` (`sched/backfill`, `sched/builtin`).
    pub scheduler_type: String,
    /// Whether the machine is the one the SWF header describes (no cluster was given).
    pub from_swf_header: bool,
}

impl ClusterInfo {
    fn of(cluster: &Cluster, from_swf_header: bool) -> Self {
        Self {
            nodes: cluster.nodes().len(),
            cpus: cluster.nodes().map(|n| u64::from(n.cpus)).sum(),
            partitions: cluster.partitions().map(|p| p.name.clone()).collect(),
            default_partition: cluster.default_partition().map(|p| p.name.clone()),
            scheduler_type: cluster.config().scheduler_type.clone(),
            from_swf_header,
        }
    }
}

/// What a replay did: its workload, cluster and policy, the metrics over every record,
/// the jobs refused and left pending. Serializes with serde (the CLI's JSON report).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReplayOutcome {
    /// The workload's name (a file's path as given).
    pub workload: Option<String>,
    /// What the workload was read as.
    pub format: WorkloadFormat,
    /// The `first` limit, if any.
    pub first: Option<u64>,
    /// Whether SWF jobs took whole nodes.
    pub whole_nodes: bool,
    /// With whole nodes, the CPUs per node of the request (`-N ceil(P / C)`).
    pub whole_node_cpus: Option<u32>,
    /// The cluster.
    pub cluster: ClusterInfo,
    /// The policy preset (`slurm`, `easy`...).
    pub policy: String,
    /// Whether the policy backfills.
    pub backfill: bool,
    /// `kill` or `allow`.
    pub overrun: String,
    /// Jobs submitted (accepted by the scheduler).
    pub submitted: u64,
    /// SWF lines not replayed.
    pub skipped: u64,
    /// Jobs refused at submit, in workload order.
    pub refused: Vec<Refused>,
    /// Scheduling passes run.
    pub passes: u64,
    /// The last instant simulated, seconds.
    pub end: u64,
    /// Whether the replay stopped (at `stop_at`, or interrupted) with work left.
    pub stopped: bool,
    /// Whether the observer stopped it.
    pub interrupted: bool,
    /// The jobs still pending at the end because nothing left to happen could start them.
    pub left_pending: Vec<LeftPending>,
    /// The metrics over every record handed to the observer.
    pub metrics: Summary,
    /// What preemption did: runs cancelled, requeued and suspended, CPU time lost.
    #[serde(default)]
    pub preemption: crate::PreemptionStats,
}

/// A replay ready to run. See the module docs.
pub struct Replay {
    sim: Simulator,
    jobs: Jobs,
    name: Option<String>,
    format: WorkloadFormat,
    settings: ReplaySettings,
    whole_node_cpus: Option<u32>,
    info: ClusterInfo,
    backfill: bool,
    metrics: Metrics,
    read: std::sync::Arc<std::sync::atomic::AtomicU64>,
    size: Option<u64>,
    total: Option<u64>,
}

impl std::fmt::Debug for Replay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replay")
            .field("name", &self.name)
            .field("format", &self.format)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// The workload as a stream of jobs.
enum Jobs {
    Swf(crate::workload::SwfWorkload<crate::swf::SwfReader<input::Stream>>),
    List(std::vec::IntoIter<WorkloadJob>),
}

impl Replay {
    /// Prepares a replay of `input` on `cluster` (for an SWF trace, `None` is the machine
    /// its header describes). Fails, changing nothing, on a job list without a cluster,
    /// whole nodes for a job list, a job-list line that does not read, an SWF header
    /// that describes no machine, or a cluster without a default partition for an SWF
    /// trace.
    pub fn new(
        cluster: Option<Cluster>,
        input: WorkloadInput,
        settings: &ReplaySettings,
    ) -> Result<Self, ReplayError> {
        let from_header = cluster.is_none();
        let cluster = match cluster {
            Some(c) => Some(c),
            None => input.header_machine().transpose()?,
        };
        let WorkloadInput {
            name,
            content,
            read,
            size,
        } = input;
        let path = name.as_deref();
        let mut whole_node_cpus = None;
        let (cluster, jobs, format) = match content {
            Content::Swf(reader) => {
                let Some(cluster) = cluster else {
                    return Err(ReplayError::new(ReplayErrorKind::NoCluster));
                };
                let Some(partition) = cluster.default_partition() else {
                    return Err(ReplayError::new(ReplayErrorKind::NoDefaultPartition));
                };
                let mut mapping = SwfMapping::from_header(reader.header());
                mapping.whole_nodes = settings.whole_nodes;
                mapping.cpus_per_node = partition
                    .nodes
                    .iter()
                    .filter_map(|n| cluster.node(n))
                    .map(|n| n.cpus)
                    .min()
                    .unwrap_or(1)
                    .max(1);
                if settings.whole_nodes {
                    whole_node_cpus = Some(mapping.cpus_per_node);
                }
                (
                    cluster,
                    Jobs::Swf(mapping.jobs(reader)),
                    WorkloadFormat::Swf,
                )
            }
            Content::JobListText(stream) => {
                let cluster = Self::list_cluster(cluster, settings)?;
                let jobs = input::read_job_list(stream, cluster.parser())
                    .map_err(|e| e.at_path_of(path))?;
                (
                    cluster,
                    Jobs::List(jobs.into_iter()),
                    WorkloadFormat::JobList,
                )
            }
            Content::Jobs(jobs) => {
                let cluster = Self::list_cluster(cluster, settings)?;
                (
                    cluster,
                    Jobs::List(jobs.into_iter()),
                    WorkloadFormat::JobList,
                )
            }
        };
        let total = match &jobs {
            Jobs::List(list) => Some(list.len() as u64),
            Jobs::Swf(_) => None,
        };
        let info = ClusterInfo::of(&cluster, from_header);
        let metrics = Metrics::for_cluster(&cluster);
        let policy = Policy::preset(settings.preset, cluster.config());
        let backfill = policy.backfill.is_some();
        let options = SimOptions {
            overrun: settings.overrun,
            stop_at: settings.stop_at,
        };
        Ok(Self {
            sim: Simulator::new(cluster, policy, options),
            jobs,
            name,
            format,
            settings: settings.clone(),
            whole_node_cpus,
            info,
            backfill,
            metrics,
            read,
            size,
            total,
        })
    }

    fn list_cluster(
        cluster: Option<Cluster>,
        settings: &ReplaySettings,
    ) -> Result<Cluster, ReplayError> {
        if settings.whole_nodes {
            return Err(ReplayError::new(ReplayErrorKind::WholeNodesOnJobList));
        }
        cluster.ok_or_else(|| ReplayError::new(ReplayErrorKind::NoCluster))
    }

    /// What the workload was read as.
    #[must_use]
    pub fn format(&self) -> WorkloadFormat {
        self.format
    }

    /// The scheduler, as the replay left it (the queue at `stop_at`: [`Scheduler::queue`]).
    #[must_use]
    pub fn scheduler(&self) -> &Scheduler {
        self.sim.scheduler()
    }

    /// The cluster the replay runs on.
    #[must_use]
    pub fn cluster(&self) -> &Cluster {
        self.sim.scheduler().cluster()
    }

    /// Replays the workload, telling `observer` as it goes. Runs once: a second call
    /// finds no workload left.
    pub fn run(&mut self, observer: &mut dyn Observer) -> Result<ReplayOutcome, ReplayError> {
        let observer = RefCell::new(observer);
        let stop = Cell::new(false);
        let metrics = RefCell::new(&mut self.metrics);
        let feed = Feed {
            jobs: &mut self.jobs,
            first: self.settings.first,
            given: 0,
            skipped: 0,
            total: self.total,
            read: &self.read,
            size: self.size,
            observer: &observer,
            stop: &stop,
        };
        let mut feed = feed;
        let result = self.sim.run_until(
            &mut feed,
            |record| {
                metrics.borrow_mut().add(&record);
                if observer.borrow_mut().record(&record).is_break() {
                    stop.set(true);
                }
            },
            || stop.get(),
        );
        let skipped = feed.skipped;
        let outcome = result.map_err(|e| {
            let SimError::Unsorted {
                index,
                line,
                submit,
                previous,
            } = e;
            ReplayError::new(ReplayErrorKind::Unsorted {
                index,
                line,
                submit,
                previous,
            })
            .at_line(Some(line))
            .at_path_of(self.name.as_deref())
        })?;
        if outcome.stopped {
            // The jobs still in the system, as sacct shows them then, count too.
            for record in self.sim.scheduler().records(outcome.end) {
                metrics.borrow_mut().add(&record);
                if observer.borrow_mut().record(&record).is_break() {
                    break;
                }
            }
        }
        Ok(ReplayOutcome {
            workload: self.name.clone(),
            format: self.format,
            first: self.settings.first,
            whole_nodes: self.settings.whole_nodes,
            whole_node_cpus: self.whole_node_cpus,
            cluster: self.info.clone(),
            policy: self.settings.preset.to_string(),
            backfill: self.backfill,
            overrun: match self.settings.overrun {
                Overrun::Kill => "kill",
                Overrun::Allow => "allow",
            }
            .to_owned(),
            submitted: outcome.submitted,
            skipped,
            refused: outcome.refused,
            passes: outcome.passes,
            end: outcome.end.as_secs(),
            stopped: outcome.stopped,
            interrupted: outcome.interrupted || stop.get(),
            left_pending: outcome.left_pending,
            metrics: metrics.borrow().summary(),
            preemption: outcome.preemption,
        })
    }
}

/// The jobs handed to the simulator: the workload's first `first` jobs; skipped SWF lines
/// and the progress go to the observer, which may stop the feed.
struct Feed<'a, 'o> {
    jobs: &'a mut Jobs,
    first: Option<u64>,
    given: u64,
    skipped: u64,
    total: Option<u64>,
    read: &'a std::sync::atomic::AtomicU64,
    size: Option<u64>,
    observer: &'a RefCell<&'o mut dyn Observer>,
    stop: &'a Cell<bool>,
}

impl Feed<'_, '_> {
    fn fraction(&self) -> Option<f64> {
        if let Some(n) = self.first {
            return Some(self.given as f64 / n as f64);
        }
        if let Some(total) = self.total.filter(|&t| t > 0) {
            return Some(self.given as f64 / total as f64);
        }
        let size = self.size.filter(|&s| s > 0)?;
        Some(self.read.load(std::sync::atomic::Ordering::Relaxed) as f64 / size as f64)
    }
}

impl Iterator for Feed<'_, '_> {
    type Item = WorkloadJob;

    fn next(&mut self) -> Option<WorkloadJob> {
        if self.stop.get() || self.first.is_some_and(|n| self.given >= n) {
            return None;
        }
        loop {
            let item = match &mut self.jobs {
                Jobs::Swf(stream) => stream.next()?,
                Jobs::List(list) => Ok(list.next()?),
            };
            match item {
                Ok(job) => {
                    self.given += 1;
                    let progress = Progress {
                        jobs: self.given,
                        fraction: self.fraction(),
                    };
                    if self.observer.borrow_mut().progress(progress).is_break() {
                        self.stop.set(true);
                    }
                    return Some(job);
                }
                Err(skipped) => {
                    self.skipped += 1;
                    if self.observer.borrow_mut().skipped(&skipped).is_break() {
                        self.stop.set(true);
                        return None;
                    }
                }
            }
        }
    }
}

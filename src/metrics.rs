//! Metrics of a replay.
//!
//! A simulator (or any host) hands every job's [`JobRecord`] to a [`Metrics`] as the job
//! leaves the system, one at a time; [`Metrics::summary`] then gives the usual figures of
//! the batch-scheduling literature for the whole run, per partition and per user. The
//! records themselves are exported by [`crate::record`] (CSV, JSON lines).
//!
//! # Definitions
//!
//! All times are whole seconds on the host's clock.
//!
//! - **wait** = start − submit, over the jobs that started. Jobs that never started
//!   (cancelled while pending, ended by a dependency or a deadline...) are counted in
//!   [`Stats::never_started`] and left out of every wait and run statistic.
//! - **run** = end − start, over the jobs that started and ended ([`Stats::ran`]).
//! - **mean wait** is exact (integer sum over count). **median wait** is the middle value
//!   of the sorted waits, the mean of the two middle values for an even count.
//!   **p95 wait** is the *nearest-rank* 95th percentile: the value at 1-based rank
//!   ⌈0.95·n⌉ of the sorted waits.
//! - **bounded slowdown** of a job = max(1, (wait + run) / max(run, τ)) with
//!   τ = [`BOUNDED_SLOWDOWN_TAU`] = 10 s (Feitelson et al., JSSPP 1997); the mean is over
//!   the jobs that ran.
//! - **makespan** = last end − first submit, where the first submit is over every record
//!   and the last end over every record that has an end (a job cancelled while pending
//!   ends when it is cancelled).
//! - **utilization** = Σ alloc_cpus·run / (CPUs × makespan): the CPU-seconds the jobs held
//!   over the CPU-seconds the machine offered between the first submit and the last end.
//!   (The other usual denominator, the submit span, gives the *offered load* of a trace;
//!   it is not computed here.) Overall the CPUs are the ones given to [`Metrics::new`];
//!   per partition they are the partition's own CPUs, if known
//!   ([`Metrics::with_partition_cpus`], [`Metrics::for_cluster`]), and the makespan is
//!   that partition's own (its first submit to its last end). Per user there is no
//!   utilization. `alloc_cpus` is Slurm's `AllocCPUS`, so with `OverSubscribe` jobs that
//!   share CPUs each count theirs and utilization can exceed 1.
//! - **throughput** = jobs that ran (started and ended, in any final state) per hour of
//!   makespan.
//!
//! A statistic with nothing to average (no started job, a makespan of 0, unknown CPUs) is
//! `None` rather than a made-up 0.
//!
//! # Memory
//!
//! Counters and sums are a fixed size per group (overall, each partition, each user). For
//! the exact median and p95, each started job's wait is kept three times — overall, in its
//! partition and in its user — as a `u32` (4 bytes; the list switches to `u64` only once a
//! wait exceeds `u32::MAX` seconds, about 136 years): 12 bytes per started job in all.
//! [`Metrics::summary`] sorts a copy of one wait list at a time.

use crate::cluster::Cluster;
use crate::job_state::JobState;
use crate::scheduler::JobRecord;
use crate::time::{Duration, Timestamp};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::fmt::{self, Write as _};

/// τ of the bounded slowdown, in seconds: runs shorter than this count as this long.
pub const BOUNDED_SLOWDOWN_TAU: u64 = 10;

/// How many users [`Summary`]'s text table lists (the ones with the most jobs).
pub const TOP_USERS: usize = 10;

/// Streaming accumulator of the metrics of a run: feed it every job's record with
/// [`Metrics::add`], then read [`Metrics::summary`]. See the [module docs](self) for the
/// definitions and what is kept per job.
///
/// ```
/// use hpcsched::metrics::Metrics;
/// use hpcsched::sbatch::parse_args;
/// use hpcsched::{Cluster, Scheduler, Timestamp};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let cluster = Cluster::from_slurm_conf(
///     "NodeName=n[1-2] CPUs=4\nPartitionName=p Nodes=n[1-2] Default=YES\n",
/// )?;
/// let mut metrics = Metrics::for_cluster(&cluster); // 8 CPUs, partition p: 8 CPUs
/// let mut s = Scheduler::new(cluster);
/// let a = s.submit(&parse_args(&["-n8", "-t", "10"])?, "alice", Timestamp(0))?;
/// let b = s.submit(&parse_args(&["-n4", "-t", "10"])?, "bob", Timestamp(0))?;
/// s.schedule(Timestamp(0)); // a takes both nodes, b waits
/// s.job_finished(a, Timestamp(100), 0)?;
/// s.schedule(Timestamp(100)); // b starts
/// s.job_finished(b, Timestamp(400), 0)?;
/// for record in s.records(Timestamp(400)) {
///     metrics.add(&record);
/// }
/// let summary = metrics.summary();
/// let all = &summary.overall;
/// assert_eq!((all.jobs, all.started, all.completed), (2, 2, 2));
/// assert_eq!(all.mean_wait, Some(50.0)); // waits 0 and 100
/// assert_eq!(all.p95_wait.map(|d| d.as_secs()), Some(100));
/// // 8 CPUs × 100 s + 4 CPUs × 300 s over 8 CPUs × 400 s
/// assert_eq!(all.utilization, Some(0.625));
/// assert_eq!(summary.per_user["bob"].mean_wait, Some(100.0));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Metrics {
    total_cpus: u64,
    partition_cpus: IndexMap<String, u64>,
    overall: Acc,
    partitions: IndexMap<String, Acc>,
    users: IndexMap<String, Acc>,
}

impl Metrics {
    /// An empty accumulator for a machine of `total_cpus` CPUs (the utilization
    /// denominator; 0 leaves utilization out).
    ///
    /// ```
    /// let m = hpcsched::metrics::Metrics::new(256);
    /// assert_eq!(m.summary().overall.jobs, 0);
    /// assert_eq!(m.summary().total_cpus, 256);
    /// ```
    #[must_use]
    pub fn new(total_cpus: u64) -> Self {
        Self {
            total_cpus,
            partition_cpus: IndexMap::new(),
            overall: Acc::default(),
            partitions: IndexMap::new(),
            users: IndexMap::new(),
        }
    }

    /// An empty accumulator for `cluster`: every node's configured CPUs (whatever its
    /// state), and each partition's CPUs as the sum over its nodes.
    ///
    /// ```
    /// use hpcsched::Cluster;
    /// use hpcsched::metrics::Metrics;
    /// # fn main() -> Result<(), hpcsched::Error> {
    /// let cluster = Cluster::from_slurm_conf(
    ///     "NodeName=a[1-2] CPUs=4\nNodeName=b1 CPUs=16\n\
    ///      PartitionName=small Nodes=a[1-2]\nPartitionName=all Nodes=a[1-2],b1\n",
    /// )?;
    /// let m = Metrics::for_cluster(&cluster);
    /// assert_eq!(m.total_cpus(), 24);
    /// assert_eq!((m.partition_cpus("small"), m.partition_cpus("all")), (Some(8), Some(24)));
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn for_cluster(cluster: &Cluster) -> Self {
        let total = cluster.nodes().map(|n| u64::from(n.cpus)).sum();
        let mut metrics = Self::new(total);
        for partition in cluster.partitions() {
            let cpus = partition
                .nodes
                .iter()
                .filter_map(|name| cluster.node(name))
                .map(|n| u64::from(n.cpus))
                .sum();
            metrics.partition_cpus.insert(partition.name.clone(), cpus);
        }
        metrics
    }

    /// Sets the CPUs of `partition`, the denominator of its utilization.
    ///
    /// ```
    /// let m = hpcsched::metrics::Metrics::new(96).with_partition_cpus("gpu", 32);
    /// assert_eq!(m.partition_cpus("gpu"), Some(32));
    /// assert_eq!(m.partition_cpus("cpu"), None);
    /// ```
    #[must_use]
    pub fn with_partition_cpus(mut self, partition: &str, cpus: u64) -> Self {
        self.partition_cpus.insert(partition.to_owned(), cpus);
        self
    }

    /// The machine's CPUs, as given.
    ///
    /// ```
    /// assert_eq!(hpcsched::metrics::Metrics::new(8).total_cpus(), 8);
    /// ```
    #[must_use]
    pub fn total_cpus(&self) -> u64 {
        self.total_cpus
    }

    /// The CPUs of `partition`, if known.
    ///
    /// ```
    /// assert_eq!(hpcsched::metrics::Metrics::new(8).partition_cpus("p"), None);
    /// ```
    #[must_use]
    pub fn partition_cpus(&self, partition: &str) -> Option<u64> {
        self.partition_cpus.get(partition).copied()
    }

    /// Counts one job. Meant for finished jobs: a record still pending or running counts
    /// in [`Stats::jobs`] (and in the wait statistics if it started) but adds no run time.
    /// See [`Metrics`] for an example.
    pub fn add(&mut self, record: &JobRecord) {
        let job = JobSample::of(record);
        // A run preemption ended before its job was requeued counts as work done and
        // lost, not as a job: the job's last record counts it.
        if record.requeued {
            let lost = job.run.map_or(0, |(_, cpu_seconds, _)| cpu_seconds);
            for acc in [
                &mut self.overall,
                group(&mut self.partitions, &record.partition),
                group(&mut self.users, &record.user),
            ] {
                acc.preempted_run(lost, true);
            }
            return;
        }
        if record.state == JobState::Preempted {
            let lost = job.run.map_or(0, |(_, cpu_seconds, _)| cpu_seconds);
            for acc in [
                &mut self.overall,
                group(&mut self.partitions, &record.partition),
                group(&mut self.users, &record.user),
            ] {
                acc.preempted_run(lost, false);
            }
        }
        self.overall.add(&job);
        group(&mut self.partitions, &record.partition).add(&job);
        group(&mut self.users, &record.user).add(&job);
    }

    /// The statistics so far: overall, then per partition and per user, each map sorted by
    /// name (byte order), so the result does not depend on the order records came in
    /// (apart from the last bits of the floating-point mean slowdown).
    ///
    /// ```
    /// let s = hpcsched::metrics::Metrics::new(8).summary();
    /// assert_eq!((s.overall.jobs, s.overall.mean_wait, s.overall.utilization), (0, None, None));
    /// assert!(s.per_partition.is_empty() && s.per_user.is_empty());
    /// ```
    #[must_use]
    pub fn summary(&self) -> Summary {
        let by_name = |groups: &IndexMap<String, Acc>, cpus: &dyn Fn(&str) -> Option<u64>| {
            let mut names: Vec<&String> = groups.keys().collect();
            names.sort();
            names
                .into_iter()
                .filter_map(|name| {
                    let acc = groups.get(name)?;
                    Some((name.clone(), acc.stats(cpus(name))))
                })
                .collect::<IndexMap<String, Stats>>()
        };
        Summary {
            total_cpus: self.total_cpus,
            overall: self.overall.stats(Some(self.total_cpus)),
            per_partition: by_name(&self.partitions, &|name| self.partition_cpus(name)),
            per_user: by_name(&self.users, &|_| None),
        }
    }
}

/// The accumulator of `name` in `groups`, created on first use (without allocating a key
/// for names already there).
fn group<'a>(groups: &'a mut IndexMap<String, Acc>, name: &str) -> &'a mut Acc {
    let index = match groups.get_index_of(name) {
        Some(i) => i,
        None => groups.insert_full(name.to_owned(), Acc::default()).0,
    };
    // The index was just found or inserted.
    &mut groups[index]
}

/// What one record contributes, computed once for its three groups.
struct JobSample {
    state: JobState,
    submit: u64,
    start: Option<u64>,
    end: Option<u64>,
    wait: Option<u64>,
    /// (run seconds, CPU-seconds, bounded slowdown) of a job that started and ended.
    run: Option<(u64, u128, f64)>,
}

impl JobSample {
    fn of(r: &JobRecord) -> Self {
        let start = r.start.map(Timestamp::as_secs);
        let end = r.end.map(Timestamp::as_secs);
        let submit = r.submit.as_secs();
        let wait = start.map(|s| s.saturating_sub(submit));
        let run = match (start, end, wait) {
            (Some(s), Some(e), Some(w)) => {
                let run = e.saturating_sub(s);
                let cpu_seconds = u128::from(r.alloc_cpus) * u128::from(run);
                Some((run, cpu_seconds, bounded_slowdown(w, run)))
            }
            _ => None,
        };
        Self {
            state: r.state,
            submit,
            start,
            end,
            wait,
            run,
        }
    }
}

/// max(1, (wait + run) / max(run, τ)).
fn bounded_slowdown(wait: u64, run: u64) -> f64 {
    let response = wait as f64 + run as f64;
    (response / run.max(BOUNDED_SLOWDOWN_TAU) as f64).max(1.0)
}

/// The waits of a group, as small as they fit.
#[derive(Debug, Clone)]
enum Waits {
    Narrow(Vec<u32>),
    Wide(Vec<u64>),
}

impl Default for Waits {
    fn default() -> Self {
        Waits::Narrow(Vec::new())
    }
}

impl Waits {
    fn push(&mut self, wait: u64) {
        match self {
            Waits::Narrow(v) => match u32::try_from(wait) {
                Ok(w) => v.push(w),
                Err(_) => {
                    let mut wide: Vec<u64> = v.iter().map(|&w| u64::from(w)).collect();
                    wide.push(wait);
                    *self = Waits::Wide(wide);
                }
            },
            Waits::Wide(v) => v.push(wait),
        }
    }

    /// (median, nearest-rank p95), or `None` without waits.
    fn order_stats(&self) -> Option<(f64, u64)> {
        match self {
            Waits::Narrow(v) => order_stats(v.clone()),
            Waits::Wide(v) => order_stats(v.clone()),
        }
    }
}

/// Median (mean of the two middle values for an even count) and nearest-rank 95th
/// percentile of `values`.
fn order_stats<T: Copy + Ord + Into<u64>>(mut values: Vec<T>) -> Option<(f64, u64)> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    let at = |i: usize| values.get(i).copied().map_or(0, Into::into);
    let median = if n % 2 == 1 {
        at(n / 2) as f64
    } else {
        // In f64: the sum of two u64 may not fit.
        f64::midpoint(at(n / 2 - 1) as f64, at(n / 2) as f64)
    };
    Some((median, at(nearest_rank(95, n) - 1)))
}

/// The 1-based nearest rank ⌈p·n/100⌉ of the p-th percentile of n ≥ 1 values (at least 1).
fn nearest_rank(p: usize, n: usize) -> usize {
    (p.saturating_mul(n).div_ceil(100)).clamp(1, n.max(1))
}

/// The running totals of one group.
#[derive(Debug, Clone, Default)]
struct Acc {
    jobs: u64,
    started: u64,
    ran: u64,
    completed: u64,
    failed: u64,
    timeout: u64,
    cancelled: u64,
    other_state: u64,
    wait_sum: u128,
    max_wait: u64,
    waits: Waits,
    bsld_sum: f64,
    cpu_seconds: u128,
    preempted: u64,
    requeued: u64,
    lost_cpu_seconds: u128,
    first_submit: Option<u64>,
    first_start: Option<u64>,
    last_end: Option<u64>,
}

/// Lowers `slot` to `value` (sets it if empty).
fn keep_min(slot: &mut Option<u64>, value: u64) {
    *slot = Some(slot.map_or(value, |s| s.min(value)));
}

impl Acc {
    /// A run preemption ended, with its CPU-seconds; `requeued`: its job runs again
    /// (the run is not otherwise counted, but its CPU time was the machine's).
    fn preempted_run(&mut self, cpu_seconds: u128, requeued: bool) {
        self.preempted += 1;
        self.lost_cpu_seconds += cpu_seconds;
        if requeued {
            self.requeued += 1;
            self.cpu_seconds += cpu_seconds;
        }
    }

    fn add(&mut self, job: &JobSample) {
        self.jobs += 1;
        match job.state {
            JobState::Completed => self.completed += 1,
            JobState::Failed => self.failed += 1,
            JobState::Timeout => self.timeout += 1,
            JobState::Cancelled => self.cancelled += 1,
            _ => self.other_state += 1,
        }
        keep_min(&mut self.first_submit, job.submit);
        if let Some(end) = job.end {
            self.last_end = Some(self.last_end.map_or(end, |e| e.max(end)));
        }
        if let (Some(start), Some(wait)) = (job.start, job.wait) {
            self.started += 1;
            keep_min(&mut self.first_start, start);
            self.wait_sum += u128::from(wait);
            self.max_wait = self.max_wait.max(wait);
            self.waits.push(wait);
        }
        if let Some((_, cpu_seconds, bsld)) = job.run {
            self.ran += 1;
            self.cpu_seconds += cpu_seconds;
            self.bsld_sum += bsld;
        }
    }

    fn stats(&self, cpus: Option<u64>) -> Stats {
        let order = self.waits.order_stats();
        let makespan = match (self.first_submit, self.last_end) {
            (Some(first), Some(last)) => Some(last.saturating_sub(first)),
            _ => None,
        };
        let span = makespan.filter(|&m| m > 0);
        let utilization = match (cpus.filter(|&c| c > 0), span) {
            (Some(cpus), Some(span)) => Some(self.cpu_seconds as f64 / (cpus as f64 * span as f64)),
            _ => None,
        };
        Stats {
            jobs: self.jobs,
            started: self.started,
            never_started: self.jobs - self.started,
            ran: self.ran,
            completed: self.completed,
            failed: self.failed,
            timeout: self.timeout,
            cancelled: self.cancelled,
            other_state: self.other_state,
            mean_wait: (self.started > 0).then(|| self.wait_sum as f64 / self.started as f64),
            median_wait: order.map(|(median, _)| median),
            p95_wait: order.map(|(_, p95)| Duration::from_secs(p95)),
            max_wait: (self.started > 0).then(|| Duration::from_secs(self.max_wait)),
            mean_bounded_slowdown: (self.ran > 0).then(|| self.bsld_sum / self.ran as f64),
            cpu_seconds: u64::try_from(self.cpu_seconds).unwrap_or(u64::MAX),
            preempted: self.preempted,
            requeued: self.requeued,
            lost_cpu_seconds: u64::try_from(self.lost_cpu_seconds).unwrap_or(u64::MAX),
            utilization,
            makespan: makespan.map(Duration::from_secs),
            throughput: span.map(|s| self.ran as f64 * 3600.0 / s as f64),
            first_submit: self.first_submit.map(Timestamp),
            first_start: self.first_start.map(Timestamp),
            last_end: self.last_end.map(Timestamp),
        }
    }
}

/// The statistics of a set of jobs (the whole run, a partition or a user). Times are in
/// seconds; see the [module docs](self) for each definition. Values with nothing to
/// measure are `None` (JSON `null`).
///
/// ```
/// use hpcsched::metrics::Metrics;
/// let stats = Metrics::new(4).summary().overall;
/// assert_eq!((stats.jobs, stats.median_wait, stats.makespan), (0, None, None));
/// let json = serde_json::to_value(&stats).unwrap();
/// assert_eq!(json["jobs"], 0);
/// assert!(json["p95_wait"].is_null());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Stats {
    /// Records counted.
    pub jobs: u64,
    /// Jobs that started (the wait statistics are over these).
    pub started: u64,
    /// Jobs that never started (`jobs − started`).
    pub never_started: u64,
    /// Jobs that started and ended (the run statistics are over these).
    pub ran: u64,
    /// Jobs in state COMPLETED.
    pub completed: u64,
    /// Jobs in state FAILED.
    pub failed: u64,
    /// Jobs in state TIMEOUT.
    pub timeout: u64,
    /// Jobs in state CANCELLED (before or while running).
    pub cancelled: u64,
    /// Jobs in any other state (OUT_OF_MEMORY, NODE_FAIL, DEADLINE, PREEMPTED, ..., or
    /// still PENDING/RUNNING if such records were added).
    pub other_state: u64,
    /// Mean wait in seconds (exact sum over count).
    pub mean_wait: Option<f64>,
    /// Median wait in seconds (mean of the two middle waits for an even count).
    pub median_wait: Option<f64>,
    /// Nearest-rank 95th percentile of the waits: the wait at rank ⌈0.95·n⌉.
    pub p95_wait: Option<Duration>,
    /// Longest wait.
    pub max_wait: Option<Duration>,
    /// Mean of max(1, (wait + run) / max(run, 10 s)) over the jobs that ran.
    pub mean_bounded_slowdown: Option<f64>,
    /// Σ alloc_cpus × run over the jobs that ran (saturates at `u64::MAX`, which no real
    /// machine reaches).
    pub cpu_seconds: u64,
    /// Runs preemption ended (cancelled, or requeued: a requeued job's earlier runs).
    #[serde(default)]
    pub preempted: u64,
    /// Of those, the runs whose job was queued again.
    #[serde(default)]
    pub requeued: u64,
    /// Σ alloc_cpus × run over the runs preemption ended: work lost (requeued runs count
    /// in `cpu_seconds` too: the machine was busy with them).
    #[serde(default)]
    pub lost_cpu_seconds: u64,
    /// cpu_seconds / (CPUs × makespan); `None` without known CPUs or with a makespan of 0.
    pub utilization: Option<f64>,
    /// last_end − first_submit.
    pub makespan: Option<Duration>,
    /// Jobs that ran, per hour of makespan.
    pub throughput: Option<f64>,
    /// Earliest submit.
    pub first_submit: Option<Timestamp>,
    /// Earliest start.
    pub first_start: Option<Timestamp>,
    /// Latest end.
    pub last_end: Option<Timestamp>,
}

/// The metrics of a run: overall, per partition and per user (each map sorted by name).
///
/// Serializes to JSON with serde; [`Display`](fmt::Display) prints a text report: the
/// overall figures, a table of partitions and one of the [`TOP_USERS`] users with the most
/// jobs.
///
/// ```
/// use hpcsched::metrics::Metrics;
/// let summary = Metrics::new(64).summary();
/// let text = summary.to_string();
/// assert!(text.starts_with("Jobs"));
/// let json = serde_json::to_string(&summary).unwrap();
/// let back: hpcsched::metrics::Summary = serde_json::from_str(&json).unwrap();
/// assert_eq!(back, summary);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Summary {
    /// The machine's CPUs (the overall utilization denominator).
    pub total_cpus: u64,
    /// Every job.
    pub overall: Stats,
    /// Jobs by the partition they ran in (or waited for), sorted by name.
    pub per_partition: IndexMap<String, Stats>,
    /// Jobs by user, sorted by name.
    pub per_user: IndexMap<String, Stats>,
}

/// `secs` in a short human form: `42s`, `12m05s`, `1h02m`, `3d04h` (truncated to the two
/// largest units).
fn human(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m{:02}s", secs / 60, secs % 60),
        3600..86_400 => format!("{}h{:02}m", secs / 3600, secs % 3600 / 60),
        _ => format!("{}d{:02}h", secs / 86_400, secs % 86_400 / 3600),
    }
}

/// A mean in seconds, rounded to the nearest second, in human form.
fn human_f(secs: f64) -> String {
    // Means of u64 values are finite and non-negative; the cast saturates anyway.
    human(secs.round() as u64)
}

fn or_dash<T>(value: Option<T>, show: impl Fn(T) -> String) -> String {
    value.map_or_else(|| "-".to_owned(), show)
}

fn percent(u: f64) -> String {
    format!("{:.1} %", u * 100.0)
}

/// Writes `rows` under `header` as an aligned table: the first column left-aligned, the
/// others right-aligned, two spaces apart, each line indented by two spaces.
fn table(f: &mut fmt::Formatter<'_>, header: &[&str], rows: &[Vec<String>]) -> fmt::Result {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut line = |cells: &mut dyn Iterator<Item = &str>| -> fmt::Result {
        let mut out = String::from(" ");
        for (i, (cell, &w)) in cells.zip(&widths).enumerate() {
            // Writing to a String cannot fail.
            let _ = if i == 0 {
                write!(out, " {cell:<w$}")
            } else {
                write!(out, "  {cell:>w$}")
            };
        }
        writeln!(f, "{}", out.trim_end())
    };
    line(&mut header.iter().copied())?;
    for row in rows {
        line(&mut row.iter().map(String::as_str))?;
    }
    Ok(())
}

/// One table row of `stats` under `name`; with `util`, the utilization column too.
fn row(name: &str, s: &Stats, util: bool) -> Vec<String> {
    let mut cells = vec![
        name.to_owned(),
        s.jobs.to_string(),
        s.started.to_string(),
        or_dash(s.mean_wait, human_f),
        or_dash(s.median_wait, human_f),
        or_dash(s.p95_wait, |d| human(d.as_secs())),
        or_dash(s.max_wait, |d| human(d.as_secs())),
        or_dash(s.mean_bounded_slowdown, |b| format!("{b:.2}")),
    ];
    if util {
        cells.push(or_dash(s.utilization, percent));
    }
    cells
}

const COLUMNS: [&str; 8] = [
    "",
    "jobs",
    "started",
    "mean wait",
    "median",
    "p95",
    "max",
    "bsld",
];

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.overall;
        let secs = |d: Duration| format!("{} ({} s)", human(d.as_secs()), d.as_secs());
        let secs_f = |x: f64| format!("{} ({x:.1} s)", human_f(x));
        writeln!(
            f,
            "Jobs              {} ({} started, {} never started, {} ran to an end)",
            s.jobs, s.started, s.never_started, s.ran
        )?;
        writeln!(
            f,
            "States            {} completed, {} failed, {} timeout, {} cancelled, {} other",
            s.completed, s.failed, s.timeout, s.cancelled, s.other_state
        )?;
        writeln!(f, "Mean wait         {}", or_dash(s.mean_wait, secs_f))?;
        writeln!(f, "Median wait       {}", or_dash(s.median_wait, secs_f))?;
        writeln!(f, "p95 wait          {}", or_dash(s.p95_wait, secs))?;
        writeln!(f, "Max wait          {}", or_dash(s.max_wait, secs))?;
        writeln!(
            f,
            "Bounded slowdown  {} (mean, tau = {BOUNDED_SLOWDOWN_TAU} s)",
            or_dash(s.mean_bounded_slowdown, |b| format!("{b:.3}"))
        )?;
        let window = match (s.first_submit, s.last_end) {
            (Some(a), Some(b)) => format!(", first submit {} to last end {}", a.0, b.0),
            _ => String::new(),
        };
        writeln!(f, "Makespan          {}{window}", or_dash(s.makespan, secs))?;
        writeln!(
            f,
            "Utilization       {} ({} CPU-seconds over {} CPUs x makespan)",
            or_dash(s.utilization, percent),
            s.cpu_seconds,
            self.total_cpus
        )?;
        writeln!(
            f,
            "Throughput        {}",
            or_dash(s.throughput, |t| format!("{t:.2} jobs/hour"))
        )?;
        if !self.per_partition.is_empty() {
            writeln!(f)?;
            writeln!(f, "Per partition")?;
            let mut header = COLUMNS.to_vec();
            header[0] = "partition";
            header.push("util");
            let rows: Vec<Vec<String>> = self
                .per_partition
                .iter()
                .map(|(name, stats)| row(name, stats, true))
                .collect();
            table(f, &header, &rows)?;
        }
        if !self.per_user.is_empty() {
            let mut users: Vec<(&String, &Stats)> = self.per_user.iter().collect();
            // Most jobs first; ties by name (the map's order, kept by the stable sort).
            users.sort_by_key(|(_, stats)| std::cmp::Reverse(stats.jobs));
            writeln!(f)?;
            writeln!(
                f,
                "Top users by job count ({} of {})",
                users.len().min(TOP_USERS),
                users.len()
            )?;
            let mut header = COLUMNS.to_vec();
            header[0] = "user";
            let rows: Vec<Vec<String>> = users
                .iter()
                .take(TOP_USERS)
                .map(|(name, stats)| row(name, stats, false))
                .collect();
            table(f, &header, &rows)?;
            if users.len() > TOP_USERS {
                writeln!(f, "  … {} more users", users.len() - TOP_USERS)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job_id::JobId;
    use crate::time::TimeLimit;

    /// A finished record built directly (the fields the metrics read).
    fn rec(
        id: u32,
        (user, partition): (&str, &str),
        state: JobState,
        submit: u64,
        run: Option<(u64, u64)>,
        end: Option<u64>,
        cpus: u64,
    ) -> JobRecord {
        let start = run.map(|(s, _)| s);
        let end = run.map(|(_, e)| e).or(end);
        JobRecord {
            job: JobId(id),
            display_id: id.to_string(),
            name: format!("job{id}"),
            user: user.to_owned(),
            account: None,
            partition: partition.to_owned(),
            state,
            exit_code: 0,
            submit: Timestamp(submit),
            eligible: Some(Timestamp(submit)),
            start: start.map(Timestamp),
            end: end.map(Timestamp),
            elapsed: Duration::from_secs(run.map_or(0, |(s, e)| e - s)),
            time_limit: TimeLimit::Limited(Duration::from_secs(3600)),
            nodes: if cpus > 0 { "n1".into() } else { String::new() },
            alloc_cpus: cpus,
            alloc_tres: String::new(),
            restarts: 0,
            requeued: false,
        }
    }

    /// Six jobs whose statistics are worked out by hand in the tests below.
    fn six() -> Vec<JobRecord> {
        use JobState::{Cancelled, Completed, Failed, OutOfMemory, Timeout};
        vec![
            // wait 30, run 60, bsld 90/60 = 1.5, 120 CPU-s
            rec(3, ("bob", "p2"), Failed, 10, Some((40, 100)), None, 2),
            // wait 0, run 100, bsld 1, 200 CPU-s
            rec(1, ("alice", "p1"), Completed, 0, Some((0, 100)), None, 2),
            // wait 5, run 5, bsld max(1, 10/10) = 1, 5 CPU-s
            rec(2, ("alice", "p1"), Completed, 0, Some((5, 10)), None, 1),
            // wait 80, run 100, bsld 1.8, 400 CPU-s
            rec(4, ("bob", "p2"), Timeout, 20, Some((100, 200)), None, 4),
            // cancelled while pending at 50
            rec(5, ("carol", "p1"), Cancelled, 30, None, Some(50), 0),
            // wait 100, run 2, bsld 102/10 = 10.2, 2 CPU-s
            rec(
                6,
                ("carol", "p2"),
                OutOfMemory,
                50,
                Some((150, 152)),
                None,
                1,
            ),
        ]
    }

    fn summary_of(records: &[JobRecord], metrics: Metrics) -> Summary {
        let mut metrics = metrics;
        for r in records {
            metrics.add(r);
        }
        metrics.summary()
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    #[test]
    fn overall_statistics_by_hand() {
        let s = summary_of(&six(), Metrics::new(4));
        let o = &s.overall;
        assert_eq!(
            (o.jobs, o.started, o.never_started, o.ran),
            (6, 5, 1, 5),
            "{o:?}"
        );
        assert_eq!(
            (o.completed, o.failed, o.timeout, o.cancelled, o.other_state),
            (2, 1, 1, 1, 1)
        );
        // Waits 0, 5, 30, 80, 100.
        assert_eq!(o.mean_wait, Some(43.0));
        assert_eq!(o.median_wait, Some(30.0));
        // Nearest rank ⌈0.95 × 5⌉ = 5.
        assert_eq!(o.p95_wait, Some(Duration::from_secs(100)));
        assert_eq!(o.max_wait, Some(Duration::from_secs(100)));
        // (1 + 1 + 1.5 + 1.8 + 10.2) / 5
        assert!(close(o.mean_bounded_slowdown, 3.1), "{o:?}");
        assert_eq!(o.cpu_seconds, 727);
        assert_eq!(o.makespan, Some(Duration::from_secs(200)));
        assert_eq!(o.utilization, Some(727.0 / 800.0));
        assert_eq!(o.throughput, Some(90.0));
        assert_eq!(
            (o.first_submit, o.first_start, o.last_end),
            (Some(Timestamp(0)), Some(Timestamp(0)), Some(Timestamp(200)))
        );
    }

    #[test]
    fn per_partition_and_user_by_hand() {
        let s = summary_of(&six(), Metrics::new(4).with_partition_cpus("p1", 3));
        // Sorted by name although p2 came first.
        assert_eq!(s.per_partition.keys().collect::<Vec<_>>(), ["p1", "p2"]);
        assert_eq!(
            s.per_user.keys().collect::<Vec<_>>(),
            ["alice", "bob", "carol"]
        );
        let p1 = &s.per_partition["p1"];
        assert_eq!((p1.jobs, p1.started, p1.never_started), (3, 2, 1));
        assert_eq!((p1.mean_wait, p1.median_wait), (Some(2.5), Some(2.5)));
        assert_eq!(p1.p95_wait, Some(Duration::from_secs(5)));
        // 205 CPU-s over 3 CPUs × (100 − 0) s.
        assert_eq!(p1.makespan, Some(Duration::from_secs(100)));
        assert_eq!(p1.utilization, Some(205.0 / 300.0));
        let p2 = &s.per_partition["p2"];
        assert_eq!((p2.mean_wait, p2.median_wait), (Some(70.0), Some(80.0)));
        assert_eq!(p2.makespan, Some(Duration::from_secs(190)));
        assert_eq!(p2.utilization, None, "p2's CPUs are unknown");
        let bob = &s.per_user["bob"];
        assert_eq!((bob.jobs, bob.median_wait), (2, Some(55.0)));
        assert!(close(bob.mean_bounded_slowdown, 1.65));
        assert_eq!(bob.utilization, None);
        let carol = &s.per_user["carol"];
        assert_eq!((carol.never_started, carol.cancelled), (1, 1));
        assert_eq!(carol.mean_wait, Some(100.0));
    }

    #[test]
    fn order_of_records_does_not_matter() {
        let mut reversed = six();
        reversed.reverse();
        let a = summary_of(&six(), Metrics::new(4));
        let b = summary_of(&reversed, Metrics::new(4));
        assert_eq!(a.per_partition.keys().collect::<Vec<_>>(), ["p1", "p2"]);
        assert_eq!(a.overall.median_wait, b.overall.median_wait);
        assert_eq!(a.per_user["bob"], b.per_user["bob"]);
    }

    #[test]
    fn empty_and_never_started() {
        let s = Metrics::new(4).summary();
        assert_eq!(s.overall.jobs, 0);
        assert_eq!(s.overall.makespan, None);
        assert_eq!(s.overall.throughput, None);
        let only_cancelled = [rec(
            1,
            ("u", "p"),
            JobState::Cancelled,
            10,
            None,
            Some(40),
            0,
        )];
        let s = summary_of(&only_cancelled, Metrics::new(4));
        let o = &s.overall;
        assert_eq!((o.jobs, o.started, o.never_started, o.ran), (1, 0, 1, 0));
        assert_eq!((o.mean_wait, o.median_wait, o.p95_wait), (None, None, None));
        assert_eq!((o.max_wait, o.mean_bounded_slowdown), (None, None));
        // The window is still known: it held no work.
        assert_eq!(o.makespan, Some(Duration::from_secs(30)));
        assert_eq!(o.utilization, Some(0.0));
        assert_eq!(o.throughput, Some(0.0));
    }

    #[test]
    fn zero_makespan_and_zero_cpus_leave_ratios_out() {
        let instant = [rec(
            1,
            ("u", "p"),
            JobState::Completed,
            5,
            Some((5, 5)),
            None,
            1,
        )];
        let s = summary_of(&instant, Metrics::new(4));
        assert_eq!(s.overall.makespan, Some(Duration::ZERO));
        assert_eq!((s.overall.utilization, s.overall.throughput), (None, None));
        // A zero-length run has bounded slowdown 1 (τ keeps the division defined).
        assert_eq!(s.overall.mean_bounded_slowdown, Some(1.0));
        let s = summary_of(&six(), Metrics::new(0));
        assert_eq!(s.overall.utilization, None);
        assert!(s.overall.throughput.is_some());
    }

    #[test]
    fn records_still_pending_or_running() {
        let running = rec(1, ("u", "p"), JobState::Running, 0, None, None, 2);
        let running = JobRecord {
            start: Some(Timestamp(30)),
            ..running
        };
        let pending = rec(2, ("u", "p"), JobState::Pending, 5, None, None, 0);
        let s = summary_of(&[running, pending], Metrics::new(4));
        let o = &s.overall;
        assert_eq!((o.jobs, o.started, o.ran, o.other_state), (2, 1, 0, 2));
        assert_eq!(o.mean_wait, Some(30.0));
        assert_eq!((o.last_end, o.makespan, o.cpu_seconds), (None, None, 0));
    }

    #[test]
    fn nearest_rank_percentiles() {
        let p95 = |n: u32| order_stats((1..=n).collect()).map(|(_, p)| p);
        assert_eq!(p95(1), Some(1));
        assert_eq!(p95(10), Some(10)); // ⌈9.5⌉
        assert_eq!(p95(20), Some(19)); // ⌈19⌉
        assert_eq!(p95(21), Some(20)); // ⌈19.95⌉
        assert_eq!(p95(100), Some(95));
        assert_eq!(order_stats(Vec::<u32>::new()), None);
        let median = |v: Vec<u32>| order_stats(v).map(|(m, _)| m);
        assert_eq!(median(vec![7, 1, 3]), Some(3.0));
        assert_eq!(median(vec![4, 1, 3, 10]), Some(3.5));
    }

    #[test]
    fn waits_widen_past_u32() {
        let mut w = Waits::default();
        w.push(3);
        w.push(1);
        assert!(matches!(w, Waits::Narrow(_)));
        let big = u64::from(u32::MAX) + 10;
        w.push(big);
        w.push(u64::MAX);
        assert!(matches!(w, Waits::Wide(_)));
        // Sorted: 1, 3, big, MAX; the median averages without overflowing.
        assert_eq!(
            w.order_stats(),
            Some((f64::midpoint(3.0, big as f64), u64::MAX))
        );
        let mut huge = Waits::default();
        huge.push(u64::MAX);
        huge.push(u64::MAX);
        assert_eq!(huge.order_stats(), Some((u64::MAX as f64, u64::MAX)));
    }

    #[test]
    fn human_durations() {
        assert_eq!(human(0), "0s");
        assert_eq!(human(59), "59s");
        assert_eq!(human(60), "1m00s");
        assert_eq!(human(725), "12m05s");
        assert_eq!(human(3725), "1h02m");
        assert_eq!(human(86_399), "23h59m");
        assert_eq!(human(3 * 86_400 + 4 * 3600 + 5), "3d04h");
        assert_eq!(human_f(59.6), "1m00s");
    }

    #[test]
    fn text_report() {
        let s = summary_of(&six(), Metrics::new(4).with_partition_cpus("p1", 3));
        let text = s.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Jobs              6 (5 started, 1 never started, 5 ran to an end)"
        );
        assert!(
            text.contains("\nMean wait         43s (43.0 s)\n"),
            "{text}"
        );
        assert!(
            text.contains("\np95 wait          1m40s (100 s)\n"),
            "{text}"
        );
        assert!(
            text.contains("\nUtilization       90.9 % (727 CPU-seconds over 4 CPUs x makespan)\n"),
            "{text}"
        );
        assert!(
            text.contains("\nMakespan          3m20s (200 s), first submit 0 to last end 200\n"),
            "{text}"
        );
        assert!(
            text.contains("\nThroughput        90.00 jobs/hour\n"),
            "{text}"
        );
        let part = text
            .split("Per partition\n")
            .nth(1)
            .and_then(|t| t.split("\n\n").next())
            .unwrap_or_default();
        assert_eq!(
            part,
            "  partition  jobs  started  mean wait  median    p95    max  bsld    util\n  \
               p1            3        2         3s      3s     5s     5s  1.00  68.3 %\n  \
               p2            3        3      1m10s   1m20s  1m40s  1m40s  4.50       -",
            "{text}"
        );
    }

    #[test]
    fn top_users_are_cut_at_ten() {
        let records: Vec<JobRecord> = (0..12u32)
            .flat_map(|u| {
                // User u11 has the most jobs (12), then u10...
                (0..=u).map(move |k| {
                    rec(
                        u * 100 + k,
                        (&format!("u{u:02}"), "p"),
                        JobState::Completed,
                        0,
                        Some((0, 10)),
                        None,
                        1,
                    )
                })
            })
            .collect();
        let text = summary_of(&records, Metrics::new(64)).to_string();
        let users = text
            .split("Top users by job count (10 of 12)\n")
            .nth(1)
            .unwrap_or_default();
        let rows: Vec<&str> = users.lines().collect();
        assert_eq!(rows.len(), 12, "{text}"); // header, 10 users, the rest
        assert!(rows[1].starts_with("  u11     12"), "{text}");
        assert!(rows[10].starts_with("  u02      3"), "{text}");
        assert_eq!(rows[11], "  … 2 more users");
    }

    #[test]
    fn summary_json_round_trip() {
        let s = summary_of(&six(), Metrics::new(4).with_partition_cpus("p1", 3));
        let json = serde_json::to_string(&s).unwrap_or_default();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(v["overall"]["p95_wait"], 100);
        assert_eq!(
            v["per_partition"]["p2"]["utilization"],
            serde_json::Value::Null
        );
        assert_eq!(v["per_user"]["alice"]["jobs"], 2);
        // serde_json writes the shortest exact form of each float, but its default parser
        // may land one ulp off: compare the integers exactly and the floats closely.
        let back: Summary = serde_json::from_str(&json).expect("round trip");
        for (a, b) in [
            (&back.overall, &s.overall),
            (&back.per_user["carol"], &s.per_user["carol"]),
        ] {
            assert_eq!(
                (a.jobs, a.p95_wait, a.cpu_seconds),
                (b.jobs, b.p95_wait, b.cpu_seconds)
            );
            assert!(
                close(a.throughput, b.throughput.unwrap_or(f64::NAN)),
                "{a:?}"
            );
        }
        assert_eq!(back.per_partition.keys().collect::<Vec<_>>(), ["p1", "p2"]);
    }
}

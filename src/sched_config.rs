//! The scheduler-related keys of slurm.conf: `SchedulerType`, `SchedulerParameters`,
//! `PriorityType`, `PriorityWeight*`, `PreemptType`, `PreemptMode`, `EnforcePartLimits`...

use crate::fairshare::ResetPeriod;
use crate::memory::Memory;
use crate::partition::DefMem;
use crate::preempt::{PreemptMode, PreemptType};
use crate::time::{Duration, TimeLimit};
use serde::{Deserialize, Serialize};

/// `EnforcePartLimits=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EnforcePartLimits {
    /// `NO` (default): accept and pend.
    No,
    /// `ANY` (also `YES`, `UP`, `TRUE`, `1`, as Slurm's `parse_part_enforce_type()` reads
    /// them): accept if one requested partition's limits are met.
    Any,
    /// `ALL`: reject if any requested partition's limits are violated.
    All,
}

/// The cluster-wide scheduler configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SchedConfig {
    /// `AccountingStorageEnforce`, as written (`None`: not given). What an association
    /// tree the cluster is given checks ([`SchedConfig::accounting_enforce`]).
    pub accounting_storage_enforce: Option<String>,
    /// `SchedulerType` (default `sched/backfill`).
    pub scheduler_type: String,
    /// `SelectType` (default `select/cons_tres`).
    pub select_type: String,
    /// `SelectTypeParameters` (default `CR_Core_Memory`).
    pub select_type_parameters: String,
    /// `SchedulerParameters`, raw (entries are found by substring, as Slurm does).
    pub scheduler_parameters: String,
    /// `PriorityType` (default `priority/multifactor`).
    pub priority_type: String,
    /// `PriorityWeightAge`.
    pub priority_weight_age: u32,
    /// `PriorityWeightFairshare`.
    pub priority_weight_fairshare: u32,
    /// `PriorityWeightJobSize`.
    pub priority_weight_job_size: u32,
    /// `PriorityWeightPartition`.
    pub priority_weight_partition: u32,
    /// `PriorityWeightQOS`.
    pub priority_weight_qos: u32,
    /// `PriorityWeightAssoc`.
    pub priority_weight_assoc: u32,
    /// `PriorityWeightTRES`, raw (`CPU=1000,Mem=2000,GRES/gpu=3000`).
    pub priority_weight_tres: Option<String>,
    /// `PriorityMaxAge` (default 7 days).
    pub priority_max_age: Duration,
    /// `PriorityFavorSmall`.
    pub priority_favor_small: bool,
    /// `PriorityFlags`, raw.
    pub priority_flags: Option<String>,
    /// `PreemptType` (default `preempt/none`).
    pub preempt_type: PreemptType,
    /// `PreemptExemptTime`: a running job is not preempted before it has run this long
    /// (None: unset, as 0).
    pub preempt_exempt_time: Option<Duration>,
    /// `PreemptMode` (default OFF).
    pub preempt_mode: PreemptMode,
    /// `EnforcePartLimits`.
    pub enforce_part_limits: EnforcePartLimits,
    /// Cluster `DefMemPerCPU`/`DefMemPerNode` (None = 0 = all of the node's memory).
    pub def_mem: Option<DefMem>,
    /// Cluster `MaxMemPerNode` (None when unset or when `MaxMemPerCPU` is used instead).
    pub max_mem_per_node: Option<Memory>,
    /// Cluster `MaxMemPerCPU` (ignored, as in Slurm, when `MaxMemPerNode` is also set).
    pub max_mem_per_cpu: Option<Memory>,
    /// `MaxArraySize` (default 1001).
    pub max_array_size: u32,
    /// `DependencyParameters`, raw (`kill_invalid_depend`, `max_depend_depth=`...).
    pub dependency_parameters: Option<String>,
    /// `OverTimeLimit`: how long past its time limit a job runs before it is ended as
    /// TIMEOUT (default 0; `UNLIMITED` never ends it).
    pub over_time_limit: TimeLimit,
    /// `MinJobAge`: how long a finished job's record stays in the controller before it is
    /// purged (default 300 s); see [`crate::Scheduler::purge_finished`].
    pub min_job_age: Duration,
    /// Cluster `DefMemPerGPU`: memory per GPU of a job with GPUs that asks for no memory,
    /// where its partition has no DefMemPerGPU (it wins over DefMemPerCPU for such jobs).
    #[serde(default)]
    pub def_mem_per_gpu: Option<Memory>,
    /// Cluster `DefCPUPerGPU`: CPUs per GPU for a job that gives neither `-c` nor
    /// `--cpus-per-gpu`, where its partition has none.
    #[serde(default)]
    pub def_cpu_per_gpu: Option<u32>,
    /// `DisableRootJobs`: root may not submit (partitions may say otherwise).
    #[serde(default)]
    pub disable_root_jobs: bool,
    /// `JobRequeue` (default 1): a batch job that does not say `--requeue` or
    /// `--no-requeue` is requeued when its node fails.
    #[serde(default = "yes")]
    pub job_requeue: bool,
    /// `SlurmUser`: besides root, the user RootOnly partitions accept.
    #[serde(default)]
    pub slurm_user: Option<String>,
    /// `PriorityDecayHalfLife` (default 7 days; 0: no decay; `INFINITE` is Slurm's
    /// wrapped `-60` s, 4294967236 s).
    #[serde(default = "default_half_life")]
    pub priority_decay_half_life: Duration,
    /// `PriorityCalcPeriod` (default 5 minutes; at least 1 minute).
    #[serde(default = "default_calc_period")]
    pub priority_calc_period: Duration,
    /// `PriorityUsageResetPeriod` (default NONE).
    #[serde(default)]
    pub priority_usage_reset_period: ResetPeriod,
    /// `FairShareDampeningFactor` (default 1).
    #[serde(default = "default_damping")]
    pub fair_share_dampening_factor: u16,
}

fn default_half_life() -> Duration {
    Duration::from_days(7)
}

fn default_calc_period() -> Duration {
    Duration::from_mins(5)
}

fn default_damping() -> u16 {
    1
}

/// serde's default for a flag that is on unless stated.
fn yes() -> bool {
    true
}

impl Default for SchedConfig {
    fn default() -> Self {
        Self {
            accounting_storage_enforce: None,
            scheduler_type: "sched/backfill".into(),
            select_type: "select/cons_tres".into(),
            select_type_parameters: "CR_Core_Memory".into(),
            scheduler_parameters: String::new(),
            priority_type: "priority/multifactor".into(),
            priority_weight_age: 0,
            priority_weight_fairshare: 0,
            priority_weight_job_size: 0,
            priority_weight_partition: 0,
            priority_weight_qos: 0,
            priority_weight_assoc: 0,
            priority_weight_tres: None,
            priority_max_age: Duration::from_secs(7 * 24 * 3600),
            priority_favor_small: false,
            priority_flags: None,
            preempt_type: PreemptType::None,
            preempt_exempt_time: None,
            preempt_mode: PreemptMode::empty(),
            enforce_part_limits: EnforcePartLimits::No,
            def_mem: None,
            max_mem_per_node: None,
            max_mem_per_cpu: None,
            max_array_size: 1001,
            dependency_parameters: None,
            over_time_limit: TimeLimit::Limited(Duration::from_secs(0)),
            min_job_age: Duration::from_secs(300),
            def_mem_per_gpu: None,
            def_cpu_per_gpu: None,
            disable_root_jobs: false,
            job_requeue: true,
            slurm_user: None,
            priority_decay_half_life: default_half_life(),
            priority_calc_period: default_calc_period(),
            priority_usage_reset_period: ResetPeriod::None,
            fair_share_dampening_factor: 1,
        }
    }
}

impl SchedConfig {
    /// What an association tree is checked for: `AccountingStorageEnforce`'s words
    /// (slurm.conf parsing has checked them), or `associations,limits,qos` when it is
    /// not given (hpcsched enforces what the host gives it; Slurm without the key
    /// enforces nothing).
    ///
    /// ```
    /// use hpcsched::{accounts::Enforce, SchedConfig};
    /// let mut c = SchedConfig::default();
    /// assert_eq!(c.accounting_enforce(), Enforce::ASSOCIATIONS | Enforce::LIMITS | Enforce::QOS);
    /// c.accounting_storage_enforce = Some("limits".into());
    /// assert!(!c.accounting_enforce().contains(Enforce::QOS));
    /// ```
    #[must_use]
    pub fn accounting_enforce(&self) -> crate::accounts::Enforce {
        self.accounting_storage_enforce
            .as_deref()
            .and_then(|v| v.parse().ok())
            .unwrap_or_default()
    }

    /// Whether memory is a consumable resource: `SelectTypeParameters` names one
    /// (`CR_Core_Memory`, `CR_CPU_Memory`, `CR_Socket_Memory`...). With `CR_Core` or
    /// `CR_CPU` alone, jobs get CPUs and memory is not tracked (slurm.conf.5,
    /// `RealMemory`: "only consumable if SelectTypeParameters has *_Memory").
    ///
    /// ```
    /// let mut c = hpcsched::SchedConfig::default();
    /// assert!(c.memory_is_consumable());
    /// c.select_type_parameters = "CR_Core".into();
    /// assert!(!c.memory_is_consumable());
    /// ```
    #[must_use]
    pub fn memory_is_consumable(&self) -> bool {
        self.select_type_parameters
            .to_ascii_lowercase()
            .contains("memory")
    }

    /// `SchedulerParameters` read into typed values, with Slurm's defaults for every entry
    /// that is absent or out of range.
    ///
    /// ```
    /// let mut c = hpcsched::SchedConfig::default();
    /// c.scheduler_parameters = "bf_interval=1,bf_window=2880,bf_continue".into();
    /// let p = c.scheduler_params();
    /// assert_eq!((p.bf_interval, p.bf_window, p.bf_continue), (1, 2880, true));
    /// assert_eq!(p.bf_max_job_test, 500);
    /// ```
    #[must_use]
    pub fn scheduler_params(&self) -> SchedulerParameters {
        SchedulerParameters::parse(&self.scheduler_parameters).0
    }

    /// `DependencyParameters` read into typed values.
    ///
    /// ```
    /// let mut c = hpcsched::SchedConfig::default();
    /// c.dependency_parameters = Some("kill_invalid_depend".into());
    /// assert!(c.dependency_params().kill_invalid_depend);
    /// assert_eq!(c.dependency_params().max_depend_depth, 10);
    /// ```
    #[must_use]
    pub fn dependency_params(&self) -> DependencyParameters {
        DependencyParameters::parse(self.dependency_parameters.as_deref().unwrap_or("")).0
    }
}

/// Finds `key` in `params` the way Slurm's `xstrcasestr()` does: a case-insensitive
/// substring search over the whole string, not a tokenized lookup. Returns the text that
/// follows the key.
fn find_entry<'a>(params: &'a str, key: &str) -> Option<&'a str> {
    let hay = params.to_ascii_lowercase();
    let at = hay.find(&key.to_ascii_lowercase())?;
    // ASCII lower-casing keeps byte offsets, so `at + key.len()` is a char boundary of
    // `params` as well (the key is ASCII).
    params.get(at + key.len()..)
}

/// C's `atoi()`/`atoll()`: optional leading whitespace and sign, then decimal digits up to the
/// first other character; no digits gives 0. Saturates instead of overflowing.
fn atoi(s: &str) -> i64 {
    let s = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut v: i64 = 0;
    for b in digits.bytes().take_while(u8::is_ascii_digit) {
        v = v.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    if neg { -v } else { v }
}

/// Reads `key=<int>`; absent gives `None`.
fn int_entry(params: &str, key: &str) -> Option<i64> {
    find_entry(params, key).map(atoi)
}

/// `SchedulerParameters` of the backfill and main schedulers, typed, with Slurm's defaults
/// (`_load_config()` in `src/plugins/sched/backfill/backfill.c`, `_schedule()` in
/// `src/slurmctld/job_scheduler.c`, cons_tres for `bf_window_linear`/`bf_busy_nodes`).
///
/// Entries are found by case-insensitive substring search, so `bf_continue` anywhere in the
/// string turns it on; an out-of-range value falls back to the default (Slurm logs an
/// error; [`SchedulerParameters::parse`] returns a message).
///
/// ```
/// use hpcsched::sched_config::SchedulerParameters;
/// let (p, warnings) = SchedulerParameters::parse("bf_resolution=120,bf_window=99999");
/// assert_eq!(p.bf_resolution, 120);
/// assert_eq!(p.bf_window, 1440); // over 30 days: back to the default
/// assert_eq!(warnings.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SchedulerParameters {
    /// `bf_interval`, seconds between backfill cycles (30; 1..=10800; -1 disables backfill).
    pub bf_interval: i32,
    /// `bf_max_time`, seconds one cycle may run (defaults to bf_interval; 1..=3600).
    pub bf_max_time: i32,
    /// `bf_window`, planning horizon in minutes (1440; up to 30 days).
    pub bf_window: u32,
    /// `bf_resolution`, seconds (60; 1..=3600).
    pub bf_resolution: u32,
    /// `bf_max_job_test` (500; 1..=1,000,000).
    pub bf_max_job_test: u32,
    /// `bf_node_space_size` (defaults to bf_max_job_test; 2..=2,000,000).
    pub bf_node_space_size: u32,
    /// `bf_max_job_start` (0 = no limit; 0..=10000).
    pub bf_max_job_start: u32,
    /// `bf_max_job_part` (0 = no limit).
    pub bf_max_job_part: u32,
    /// `bf_max_job_user` (0 = no limit; cleared when bf_max_job_assoc is set).
    pub bf_max_job_user: u32,
    /// `bf_max_job_user_part` (0 = no limit).
    pub bf_max_job_user_part: u32,
    /// `bf_max_job_assoc` (0 = no limit).
    pub bf_max_job_assoc: u32,
    /// `bf_max_job_array_resv` (20; 0..=1000).
    pub bf_max_job_array_resv: u32,
    /// `bf_job_part_count_reserve` (0 = every job may reserve; 0..=100000).
    pub bf_job_part_count_reserve: u32,
    /// `bf_min_age_reserve`, seconds (0; up to 30 days).
    pub bf_min_age_reserve: u32,
    /// `bf_min_prio_reserve` (0).
    pub bf_min_prio_reserve: u32,
    /// `bf_continue`.
    pub bf_continue: bool,
    /// `bf_one_resv_per_job`.
    pub bf_one_resv_per_job: bool,
    /// `bf_busy_nodes`.
    pub bf_busy_nodes: bool,
    /// `bf_window_linear`, seconds (0 = doubling windows).
    pub bf_window_linear: u32,
    /// `bf_running_job_reserve` (also set by bf_licenses).
    pub bf_running_job_reserve: bool,
    /// `bf_licenses`.
    pub bf_licenses: bool,
    /// `bf_allow_magnetic_slot`.
    pub bf_allow_magnetic_slot: bool,
    /// `bf_yield_interval`, microseconds (2,000,000; 1..=10,000,000).
    pub bf_yield_interval: u32,
    /// `bf_yield_sleep`, microseconds (500,000; 1..=10,000,000).
    pub bf_yield_sleep: u32,
    /// `max_rpc_cnt` / `max_rpc_count` (0).
    pub max_rpc_cnt: u32,
    /// `assoc_limit_stop`.
    pub assoc_limit_stop: bool,
    /// `time_min_as_soft_limit`.
    pub time_min_as_soft_limit: bool,
    /// `sched_interval`, seconds between full main-scheduler passes (60; -1 disables).
    pub sched_interval: i32,
    /// `default_queue_depth` (100).
    pub default_queue_depth: u32,
    /// `partition_job_depth` (0 = no limit).
    pub partition_job_depth: u32,
    /// `sched_min_interval`, microseconds (2).
    pub sched_min_interval: u32,
    /// `sched_max_job_start` (0 = no limit).
    pub sched_max_job_start: u32,
    /// `max_sched_time`, seconds (2; at most MessageTimeout/2, taken as 5 with the default
    /// MessageTimeout of 10 s).
    pub max_sched_time: u32,
    /// `batch_sched_delay`, seconds (3).
    pub batch_sched_delay: u32,
    /// `build_queue_timeout`, microseconds (2,000,000; at least 100).
    pub build_queue_timeout: u32,
    /// `defer` (also true with `defer_batch`, whose name contains it, as in Slurm).
    pub defer: bool,
    /// `defer_batch`.
    pub defer_batch: bool,
    /// `reduce_completing_frag`.
    pub reduce_completing_frag: bool,
    /// `preempt_reorder_count` (1; 0..=5): how many times the preemptees found are
    /// reordered and searched again for a smaller set.
    pub preempt_reorder_count: u32,
    /// `preempt_strict_order`: a reorder moves only the last preemptee needed to the front.
    pub preempt_strict_order: bool,
    /// `preempt_youngest_first`: candidates are taken youngest (latest start) first.
    pub preempt_youngest_first: bool,
}

impl Default for SchedulerParameters {
    fn default() -> Self {
        Self::parse("").0
    }
}

/// Slurm's default `MessageTimeout` (s); `max_sched_time` may not exceed half of it.
const MESSAGE_TIMEOUT: i64 = 10;

impl SchedulerParameters {
    /// Reads a `SchedulerParameters` string. Returns the values and one message per entry
    /// that was out of range and fell back to its default (Slurm logs these and carries on).
    ///
    /// ```
    /// use hpcsched::sched_config::SchedulerParameters;
    /// let (p, warnings) = SchedulerParameters::parse("bf_max_job_test=0,bf_continue");
    /// assert_eq!(p.bf_max_job_test, 500);
    /// assert!(p.bf_continue);
    /// assert_eq!(warnings.len(), 1);
    /// ```
    #[must_use]
    pub fn parse(raw: &str) -> (Self, Vec<String>) {
        let mut warnings = Vec::new();
        // Reads an integer entry; out of `range` => default + message.
        let mut int = |key: &str, default: i64, ok: &dyn Fn(i64) -> bool| -> i64 {
            match int_entry(raw, key) {
                None => default,
                Some(v) if ok(v) => v,
                Some(v) => {
                    warnings.push(format!(
                        "invalid SchedulerParameters {key}{v}, using the default {default}"
                    ));
                    default
                }
            }
        };
        let flag = |key: &str| find_entry(raw, key).is_some();
        let to_u32 = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
        let signed = |v: i64| i32::try_from(v).unwrap_or(i32::MAX);

        let bf_interval = int("bf_interval=", 30, &|v| v == -1 || (1..=10800).contains(&v));
        let bf_max_time = int("bf_max_time=", bf_interval, &|v| (1..=3600).contains(&v));
        let bf_window = int("bf_window=", 1440, &|v| {
            (1..=30 * 24 * 60 * 60).contains(&v.saturating_mul(60))
        });
        let bf_resolution = int("bf_resolution=", 60, &|v| (1..=3600).contains(&v));
        let bf_max_job_test = int("bf_max_job_test=", 500, &|v| (1..=1_000_000).contains(&v));
        let bf_node_space_size = int("bf_node_space_size=", bf_max_job_test, &|v| {
            (2..=2_000_000).contains(&v)
        });
        let bf_max_job_array_resv = int("bf_max_job_array_resv=", 20, &|v| (0..=1000).contains(&v));
        let bf_max_job_part = int("bf_max_job_part=", 0, &|v| v >= 0);
        let bf_max_job_start = int("bf_max_job_start=", 0, &|v| (0..=10000).contains(&v));
        let mut bf_max_job_user = int("bf_max_job_user=", 0, &|v| v >= 0);
        let bf_job_part_count_reserve = int("bf_job_part_count_reserve=", 0, &|v| {
            (0..=100_000).contains(&v)
        });
        let bf_max_job_user_part = int("bf_max_job_user_part=", 0, &|v| v >= 0);
        let bf_max_job_assoc = int("bf_max_job_assoc=", 0, &|v| v >= 0);
        let bf_min_age_reserve = int("bf_min_age_reserve=", 0, &|v| {
            (0..=30 * 24 * 60 * 60).contains(&v)
        });
        let bf_min_prio_reserve = int("bf_min_prio_reserve=", 0, &|v| {
            (1..=0xffff_ffff).contains(&v)
        });
        let bf_yield_interval = int("bf_yield_interval=", 2_000_000, &|v| {
            (1..=10_000_000).contains(&v)
        });
        let bf_yield_sleep = int("bf_yield_sleep=", 500_000, &|v| {
            (1..=10_000_000).contains(&v)
        });
        let bf_window_linear = int("bf_window_linear=", 0, &|v| v > 0);
        let max_rpc_cnt = if find_entry(raw, "max_rpc_cnt=").is_some() {
            int("max_rpc_cnt=", 0, &|v| v >= 0)
        } else {
            int("max_rpc_count=", 0, &|v| v >= 0)
        };
        let sched_interval = int("sched_interval=", 60, &|v| v >= -1);
        let default_queue_depth = int("default_queue_depth=", 100, &|v| v >= 0);
        let partition_job_depth = int("partition_job_depth=", 0, &|v| v >= 0);
        let sched_min_interval = int("sched_min_interval=", 2, &|v| v >= 0);
        let sched_max_job_start = int("sched_max_job_start=", 0, &|v| v >= 0);
        let max_sched_time = int("max_sched_time=", 2, &|v| v > 0 && v <= MESSAGE_TIMEOUT / 2);
        let batch_sched_delay = int("batch_sched_delay=", 3, &|v| v >= 0);
        let build_queue_timeout = int("build_queue_timeout=", 2_000_000, &|v| v >= 100);
        let preempt_reorder_count = int("preempt_reorder_count=", 1, &|v| (0..=5).contains(&v));

        if bf_max_job_assoc != 0 && bf_max_job_user != 0 {
            warnings.push(
                "both bf_max_job_user and bf_max_job_assoc are set: bf_max_job_assoc takes \
                 precedence"
                    .to_string(),
            );
            bf_max_job_user = 0;
        }
        let bf_licenses = flag("bf_licenses");
        let params = Self {
            bf_interval: signed(bf_interval),
            bf_max_time: signed(bf_max_time),
            bf_window: to_u32(bf_window),
            bf_resolution: to_u32(bf_resolution),
            bf_max_job_test: to_u32(bf_max_job_test),
            bf_node_space_size: to_u32(bf_node_space_size),
            bf_max_job_start: to_u32(bf_max_job_start),
            bf_max_job_part: to_u32(bf_max_job_part),
            bf_max_job_user: to_u32(bf_max_job_user),
            bf_max_job_user_part: to_u32(bf_max_job_user_part),
            bf_max_job_assoc: to_u32(bf_max_job_assoc),
            bf_max_job_array_resv: to_u32(bf_max_job_array_resv),
            bf_job_part_count_reserve: to_u32(bf_job_part_count_reserve),
            bf_min_age_reserve: to_u32(bf_min_age_reserve),
            bf_min_prio_reserve: to_u32(bf_min_prio_reserve),
            bf_continue: flag("bf_continue"),
            bf_one_resv_per_job: flag("bf_one_resv_per_job"),
            bf_busy_nodes: flag("bf_busy_nodes"),
            bf_window_linear: to_u32(bf_window_linear),
            bf_running_job_reserve: bf_licenses || flag("bf_running_job_reserve"),
            bf_licenses,
            bf_allow_magnetic_slot: flag("bf_allow_magnetic_slot"),
            bf_yield_interval: to_u32(bf_yield_interval),
            bf_yield_sleep: to_u32(bf_yield_sleep),
            max_rpc_cnt: to_u32(max_rpc_cnt),
            assoc_limit_stop: flag("assoc_limit_stop"),
            time_min_as_soft_limit: flag("time_min_as_soft_limit"),
            sched_interval: signed(sched_interval),
            default_queue_depth: to_u32(default_queue_depth),
            partition_job_depth: to_u32(partition_job_depth),
            sched_min_interval: to_u32(sched_min_interval),
            sched_max_job_start: to_u32(sched_max_job_start),
            max_sched_time: to_u32(max_sched_time),
            batch_sched_delay: to_u32(batch_sched_delay),
            build_queue_timeout: to_u32(build_queue_timeout),
            defer: flag("defer"),
            defer_batch: flag("defer_batch"),
            reduce_completing_frag: flag("reduce_completing_frag"),
            preempt_reorder_count: to_u32(preempt_reorder_count),
            preempt_strict_order: flag("preempt_strict_order"),
            preempt_youngest_first: flag("preempt_youngest_first"),
        };
        (params, warnings)
    }
}

/// `DependencyParameters`, typed (`src/slurmctld/job_mgr.c`), found by substring as
/// Slurm does.
///
/// ```
/// use hpcsched::sched_config::DependencyParameters;
/// let (p, _) = DependencyParameters::parse("kill_invalid_depend,max_depend_depth=3");
/// assert!(p.kill_invalid_depend);
/// assert_eq!(p.max_depend_depth, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DependencyParameters {
    /// `kill_invalid_depend`: cancel jobs whose dependency can never be satisfied instead of
    /// leaving them pending with `DependencyNeverSatisfied`.
    pub kill_invalid_depend: bool,
    /// `disable_remote_singleton`.
    pub disable_remote_singleton: bool,
    /// `max_depend_depth` (10).
    pub max_depend_depth: u32,
}

impl Default for DependencyParameters {
    fn default() -> Self {
        Self::parse("").0
    }
}

impl DependencyParameters {
    /// Reads a `DependencyParameters` string; returns the values and a message for each
    /// entry that fell back to its default.
    ///
    /// ```
    /// use hpcsched::sched_config::DependencyParameters;
    /// let (p, w) = DependencyParameters::parse("max_depend_depth=-4");
    /// assert_eq!((p.max_depend_depth, w.len()), (10, 1));
    /// ```
    #[must_use]
    pub fn parse(raw: &str) -> (Self, Vec<String>) {
        let mut warnings = Vec::new();
        let max_depend_depth = match int_entry(raw, "max_depend_depth=") {
            None => 10,
            Some(v) => u32::try_from(v).unwrap_or_else(|_| {
                warnings.push(format!(
                    "invalid DependencyParameters max_depend_depth={v}, using the default 10"
                ));
                10
            }),
        };
        let params = Self {
            kill_invalid_depend: find_entry(raw, "kill_invalid_depend").is_some(),
            disable_remote_singleton: find_entry(raw, "disable_remote_singleton").is_some(),
            max_depend_depth,
        };
        (params, warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn defaults_match_slurm() {
        let p = SchedulerParameters::default();
        assert_eq!(p.bf_interval, 30);
        assert_eq!(p.bf_max_time, 30);
        assert_eq!(p.bf_window, 1440);
        assert_eq!(p.bf_resolution, 60);
        assert_eq!(p.bf_max_job_test, 500);
        assert_eq!(p.bf_node_space_size, 500);
        assert_eq!((p.bf_max_job_user, p.bf_max_job_part), (0, 0));
        assert_eq!(p.bf_job_part_count_reserve, 0);
        assert_eq!((p.bf_min_prio_reserve, p.bf_min_age_reserve), (0, 0));
        assert_eq!(p.bf_max_job_array_resv, 20);
        assert!(!p.bf_continue);
        assert_eq!(p.sched_interval, 60);
        assert_eq!(p.default_queue_depth, 100);
        assert_eq!(p.partition_job_depth, 0);
        assert_eq!(p.max_sched_time, 2);
        assert_eq!(p.batch_sched_delay, 3);
    }

    #[test]
    fn oracle_parameters() {
        let (p, w) = SchedulerParameters::parse(
            "bf_interval=1,bf_resolution=60,bf_window=2880,sched_interval=2,bf_continue",
        );
        assert!(w.is_empty());
        assert_eq!(p.bf_interval, 1);
        assert_eq!(p.bf_max_time, 1, "bf_max_time follows bf_interval");
        assert_eq!(p.bf_window, 2880);
        assert_eq!(p.sched_interval, 2);
        assert!(p.bf_continue);
    }

    #[test]
    fn lookup_is_case_insensitive_substring() {
        let (p, _) = SchedulerParameters::parse("BF_MAX_JOB_TEST=1000,xbf_continuex");
        assert_eq!(p.bf_max_job_test, 1000);
        assert_eq!(p.bf_node_space_size, 1000);
        assert!(p.bf_continue);
        // `bf_max_job_user=` is not found inside `bf_max_job_user_part=`.
        let (p, _) = SchedulerParameters::parse("bf_max_job_user_part=5");
        assert_eq!((p.bf_max_job_user, p.bf_max_job_user_part), (0, 5));
        let (p, _) = SchedulerParameters::parse("bf_licenses,defer_batch");
        assert!(p.bf_running_job_reserve && p.defer && p.defer_batch);
    }

    #[test]
    fn out_of_range_falls_back_with_a_warning() {
        let (p, w) = SchedulerParameters::parse(
            "bf_interval=0,bf_resolution=7200,bf_max_job_test=abc,sched_interval=-5",
        );
        assert_eq!(p.bf_interval, 30);
        assert_eq!(p.bf_resolution, 60);
        assert_eq!(p.bf_max_job_test, 500);
        assert_eq!(p.sched_interval, 60);
        assert_eq!(w.len(), 4, "{w:?}");
        assert!(w[0].contains("bf_interval=0"), "{w:?}");
        let (p, w) = SchedulerParameters::parse("bf_interval=-1,sched_interval=-1");
        assert_eq!((p.bf_interval, p.sched_interval), (-1, -1));
        assert!(w.is_empty());
        let (p, w) = SchedulerParameters::parse("bf_max_job_user=4,bf_max_job_assoc=2");
        assert_eq!((p.bf_max_job_user, p.bf_max_job_assoc), (0, 2));
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn atoi_is_c_like() {
        assert_eq!(atoi("  42abc"), 42);
        assert_eq!(atoi("-7,"), -7);
        assert_eq!(atoi("x"), 0);
        assert_eq!(atoi("99999999999999999999999"), i64::MAX);
    }

    #[test]
    fn dependency_parameters() {
        let d = DependencyParameters::default();
        assert!(!d.kill_invalid_depend);
        assert_eq!(d.max_depend_depth, 10);
        let (d, w) = DependencyParameters::parse("max_depend_depth=-1");
        assert_eq!(d.max_depend_depth, 10);
        assert_eq!(w.len(), 1);
    }

    proptest! {
        #[test]
        fn scheduler_parameters_never_panic(s in ".{0,80}") {
            let _ = SchedulerParameters::parse(&s);
            let _ = DependencyParameters::parse(&s);
        }
    }
}

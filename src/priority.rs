//! Job priority: Slurm's `priority/multifactor` formula and `priority/basic` FIFO numbering.
//!
//! Everything here is a pure function of its inputs; the scheduler owns the job table and
//! gathers the numbers ([`PriorityInputs`]) for each job.
//!
//! **Held jobs have priority 0.** Slurm reserves 0 for "held" (`-H`, `scontrol hold`), and
//! neither [`multifactor`] nor [`BasicPriority::next_priority`] ever returns it: the
//! scheduler sets 0 itself while a job is held and recomputes on release.
//!
//! Facts come from Slurm's `_get_priority_internal()` and `set_priority_factors()`
//! (`src/plugins/priority/multifactor/priority_multifactor.c`), `priority_p_set()`
//! (`src/plugins/priority/basic/priority_basic.c`), `set_job_prio()`
//! (`src/slurmctld/job_mgr.c`) and slurm.conf.5 (`PriorityType`, `PriorityFlags`,
//! `PriorityWeight*`, `PriorityMaxAge`, `PriorityFavorSmall`).
//!
//! ```
//! use hpcsched::priority::{multifactor, PriorityInputs, PriorityWeights};
//! use hpcsched::{Duration, Timestamp};
//! let w = PriorityWeights { age: 1000, max_age: Duration::from_days(7), ..PriorityWeights::default() };
//! let job = PriorityInputs {
//!     accrue_since: Some(Timestamp(0)),
//!     now: Timestamp(7 * 24 * 3600 / 2), // half of PriorityMaxAge
//!     ..PriorityInputs::default()
//! };
//! assert_eq!(multifactor(&w, &job), 500);
//! ```

use crate::sched_config::SchedConfig;
use crate::time::{Duration, TimeLimit, Timestamp};
use crate::tres::TresKind;
use bitflags::bitflags;
use serde::{Deserialize, Serialize};

/// Slurm's `TOP_PRIORITY` (`src/slurmctld/job_mgr.c`): `priority/basic` numbers jobs
/// downwards from here, leaving headroom for administrators to set higher values.
pub const TOP_PRIORITY: u32 = 0xffff_0000;

bitflags! {
    /// `PriorityFlags=` (slurm.conf.5). [`PriorityFlags::FAIR_TREE`] is on unless
    /// `NO_FAIR_TREE` or `DEPTH_OBLIVIOUS` is given, as in Slurm's `read_config.c`.
    ///
    /// ```
    /// use hpcsched::priority::PriorityFlags;
    /// let f = PriorityFlags::parse("ACCRUE_ALWAYS,NO_NORMAL_QOS");
    /// assert!(f.contains(PriorityFlags::ACCRUE_ALWAYS | PriorityFlags::NO_NORMAL_QOS | PriorityFlags::FAIR_TREE));
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub struct PriorityFlags: u32 {
        /// `ACCRUE_ALWAYS`: age counts from submission, even while held, dependent or
        /// waiting for `--begin`.
        const ACCRUE_ALWAYS = 1 << 0;
        /// `MAX_TRES`: billing is the max of node TRES plus global TRES (not used by the
        /// priority formula itself).
        const MAX_TRES = 1 << 1;
        /// `SMALL_RELATIVE_TO_TIME`: job size divided by its time limit.
        const SMALL_RELATIVE_TO_TIME = 1 << 2;
        /// `DEPTH_OBLIVIOUS` (implies no fair tree).
        const DEPTH_OBLIVIOUS = 1 << 3;
        /// `CALCULATE_RUNNING`: also recompute running and suspended jobs.
        const CALCULATE_RUNNING = 1 << 4;
        /// The fair-tree fair-share algorithm (on by default).
        const FAIR_TREE = 1 << 5;
        /// `INCR_ONLY`: a job's priority never decreases (see [`PriorityWeights::recalculated`]).
        const INCR_ONLY = 1 << 6;
        /// `NO_NORMAL_ASSOC`: the association factor is the raw priority.
        const NO_NORMAL_ASSOC = 1 << 7;
        /// `NO_NORMAL_PART`: the partition factor is the raw `PriorityJobFactor`.
        const NO_NORMAL_PART = 1 << 8;
        /// `NO_NORMAL_QOS`: the QOS factor is the raw QOS `Priority`.
        const NO_NORMAL_QOS = 1 << 9;
        /// `NO_NORMAL_TRES`: TRES factors are raw counts, not fractions of the partition.
        const NO_NORMAL_TRES = 1 << 10;
        /// `MAX_TRES_GRES` (billing only, Slurm 25.05+).
        const MAX_TRES_GRES = 1 << 11;
    }
}

impl Default for PriorityFlags {
    /// Slurm's default: fair tree on, nothing else.
    fn default() -> Self {
        PriorityFlags::FAIR_TREE
    }
}

impl PriorityFlags {
    /// Reads a `PriorityFlags` value the way Slurm does: each keyword is looked for as a
    /// case-insensitive *substring* of the whole value (`xstrcasestr` in `read_config.c`), so
    /// unknown words are ignored, as slurmctld ignores them. `NO_NORMAL_ALL` sets every
    /// `NO_NORMAL_*` flag; `MAX_TRES_GRES` wins over `MAX_TRES`.
    ///
    /// ```
    /// use hpcsched::priority::PriorityFlags;
    /// let f = PriorityFlags::parse("no_fair_tree,NO_NORMAL_ALL");
    /// assert!(!f.contains(PriorityFlags::FAIR_TREE));
    /// assert!(f.contains(PriorityFlags::NO_NORMAL_PART | PriorityFlags::NO_NORMAL_TRES));
    /// assert_eq!(PriorityFlags::parse("MAX_TRES_GRES"), PriorityFlags::FAIR_TREE | PriorityFlags::MAX_TRES_GRES);
    /// ```
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let upper = text.to_ascii_uppercase();
        let has = |word: &str| upper.contains(word);
        let mut f = PriorityFlags::FAIR_TREE;
        for (word, flag) in [
            ("ACCRUE_ALWAYS", PriorityFlags::ACCRUE_ALWAYS),
            (
                "SMALL_RELATIVE_TO_TIME",
                PriorityFlags::SMALL_RELATIVE_TO_TIME,
            ),
            ("CALCULATE_RUNNING", PriorityFlags::CALCULATE_RUNNING),
            ("INCR_ONLY", PriorityFlags::INCR_ONLY),
            ("NO_NORMAL_ASSOC", PriorityFlags::NO_NORMAL_ASSOC),
            ("NO_NORMAL_PART", PriorityFlags::NO_NORMAL_PART),
            ("NO_NORMAL_QOS", PriorityFlags::NO_NORMAL_QOS),
            ("NO_NORMAL_TRES", PriorityFlags::NO_NORMAL_TRES),
        ] {
            if has(word) {
                f |= flag;
            }
        }
        if has("DEPTH_OBLIVIOUS") {
            f |= PriorityFlags::DEPTH_OBLIVIOUS;
            f.remove(PriorityFlags::FAIR_TREE);
        } else if has("NO_FAIR_TREE") {
            f.remove(PriorityFlags::FAIR_TREE);
        }
        if has("MAX_TRES_GRES") {
            f |= PriorityFlags::MAX_TRES_GRES;
        } else if has("MAX_TRES") {
            f |= PriorityFlags::MAX_TRES;
        }
        if has("NO_NORMAL_ALL") {
            f |= PriorityFlags::NO_NORMAL_ASSOC
                | PriorityFlags::NO_NORMAL_PART
                | PriorityFlags::NO_NORMAL_QOS
                | PriorityFlags::NO_NORMAL_TRES;
        }
        f
    }
}

/// Why a priority configuration was rejected.
///
/// ```
/// use hpcsched::priority::{PriorityType, PriorityError};
/// use hpcsched::SchedConfig;
/// let mut cfg = SchedConfig::default();
/// cfg.priority_type = "priority/fifo".into();
/// let err = PriorityType::from_config(&cfg).unwrap_err();
/// assert_eq!(err.to_string(), "unknown PriorityType `priority/fifo` (expected priority/basic or priority/multifactor)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PriorityError {
    /// `PriorityType` names no supported plugin.
    #[error("unknown PriorityType `{0}` (expected priority/basic or priority/multifactor)")]
    UnknownType(String),
    /// A `PriorityWeightTRES` entry is malformed.
    #[error("invalid PriorityWeightTRES `{text}`: `{item}`: {why}")]
    TresWeight {
        /// The whole value.
        text: String,
        /// The offending `TYPE=WEIGHT` entry.
        item: String,
        /// What is wrong.
        why: String,
    },
}

/// The multifactor weights and options (`PriorityWeight*`, `PriorityMaxAge`,
/// `PriorityFavorSmall`, `PriorityFlags`). All weights default to 0, as in Slurm.
///
/// TRES weights are floating point, as Slurm reads them with `strtod` (they may be
/// negative or fractional, and `Mem=2000G` means 2000 per GiB, i.e. 2000/1024 per MiB).
///
/// ```
/// use hpcsched::priority::PriorityWeights;
/// use hpcsched::{SchedConfig, TresKind};
/// let mut cfg = SchedConfig::default();
/// cfg.priority_weight_age = 1000;
/// cfg.priority_weight_tres = Some("CPU=1000,Mem=2000G,GRES/gpu=3000".into());
/// let w = PriorityWeights::from_config(&cfg)?;
/// assert_eq!(w.age, 1000);
/// assert_eq!(w.tres[0], (TresKind::Cpu, 1000.0));
/// assert_eq!(w.tres[1], (TresKind::Mem, 2000.0 / 1024.0));
/// # Ok::<(), hpcsched::priority::PriorityError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriorityWeights {
    /// `PriorityWeightAge`.
    pub age: u32,
    /// `PriorityWeightFairshare`.
    pub fairshare: u32,
    /// `PriorityWeightJobSize`.
    pub job_size: u32,
    /// `PriorityWeightPartition`.
    pub partition: u32,
    /// `PriorityWeightQOS`.
    pub qos: u32,
    /// `PriorityWeightAssoc`.
    pub assoc: u32,
    /// `PriorityWeightTRES`, per TRES, in written order (weight per base unit: MiB for mem).
    pub tres: Vec<(TresKind, f64)>,
    /// `PriorityMaxAge` (default 7 days): the age at which the age factor reaches 1.
    pub max_age: Duration,
    /// `PriorityFavorSmall`.
    pub favor_small: bool,
    /// `PriorityFlags`.
    pub flags: PriorityFlags,
}

impl Default for PriorityWeights {
    /// Slurm's defaults: every weight 0, `PriorityMaxAge=7-0`, FavorSmall off, fair tree.
    fn default() -> Self {
        Self {
            age: 0,
            fairshare: 0,
            job_size: 0,
            partition: 0,
            qos: 0,
            assoc: 0,
            tres: Vec::new(),
            max_age: Duration::from_days(7),
            favor_small: false,
            flags: PriorityFlags::default(),
        }
    }
}

/// Parses one `TYPE=WEIGHT[unit]` entry of `PriorityWeightTRES` (`_tres_weight_item()` in
/// Slurm's `slurm_protocol_api.c`).
fn parse_tres_weight(item: &str, text: &str) -> Result<(TresKind, f64), PriorityError> {
    let bad = |why: &str| PriorityError::TresWeight {
        text: text.to_owned(),
        item: item.to_owned(),
        why: why.to_owned(),
    };
    let (name, value) = item
        .split_once('=')
        .ok_or_else(|| bad("expected TYPE=WEIGHT"))?;
    if value.is_empty() {
        return Err(bad("missing weight"));
    }
    let kind: TresKind = name.parse().map_err(|_| bad("unknown TRES type"))?;
    // strtod's number, then at most one unit letter.
    let (number, unit) = match value.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() && !value.eq_ignore_ascii_case("inf") => {
            (value.get(..i).unwrap_or_default(), Some(c))
        }
        _ => (value, None),
    };
    let mut weight: f64 = number
        .parse()
        .ok()
        .filter(|w: &f64| w.is_finite())
        .ok_or_else(|| bad("weight is not a number"))?;
    if let Some(u) = unit {
        // Units scale from the TRES's base unit: MiB for mem, plain counts otherwise
        // (get_convert_unit_val()): G on mem divides by 1024, K on cpu by 1024.
        let level = match u.to_ascii_uppercase() {
            'K' => 1,
            'M' => 2,
            'G' => 3,
            'T' => 4,
            'P' => 5,
            _ => return Err(bad("unknown unit (expected K, M, G, T or P)")),
        };
        let base = if kind == TresKind::Mem { 2 } else { 0 };
        for _ in base..level {
            weight /= 1024.0;
        }
    }
    Ok((kind, weight))
}

impl PriorityWeights {
    /// Reads the multifactor settings of a [`SchedConfig`]. `priority_flags` is read as
    /// [`PriorityFlags::parse`] does; `priority_weight_tres` is a comma list of
    /// `TYPE=WEIGHT` (`CPU=1000,Mem=2000,GRES/gpu=3000`), where TYPE is any TRES name and
    /// WEIGHT a number, optionally followed by a unit letter `K|M|G|T|P`. Slurm refuses to
    /// start on a bad entry; here it is an error.
    ///
    /// ```
    /// use hpcsched::priority::{PriorityWeights, PriorityError};
    /// use hpcsched::SchedConfig;
    /// let mut cfg = SchedConfig::default();
    /// cfg.priority_weight_tres = Some("CPU=x".into());
    /// assert!(matches!(PriorityWeights::from_config(&cfg), Err(PriorityError::TresWeight { .. })));
    /// ```
    pub fn from_config(cfg: &SchedConfig) -> Result<Self, PriorityError> {
        let mut tres: Vec<(TresKind, f64)> = Vec::new();
        if let Some(text) = cfg.priority_weight_tres.as_deref() {
            // strtok skips empty tokens.
            for item in text.split(',').filter(|i| !i.is_empty()) {
                let (kind, w) = parse_tres_weight(item, text)?;
                // A repeated TRES overwrites its earlier weight, as in Slurm's array.
                if let Some(slot) = tres.iter_mut().find(|(k, _)| *k == kind) {
                    slot.1 = w;
                } else {
                    tres.push((kind, w));
                }
            }
        }
        Ok(Self {
            age: cfg.priority_weight_age,
            fairshare: cfg.priority_weight_fairshare,
            job_size: cfg.priority_weight_job_size,
            partition: cfg.priority_weight_partition,
            qos: cfg.priority_weight_qos,
            assoc: cfg.priority_weight_assoc,
            tres,
            max_age: cfg.priority_max_age,
            favor_small: cfg.priority_favor_small,
            flags: cfg
                .priority_flags
                .as_deref()
                .map_or_else(PriorityFlags::default, PriorityFlags::parse),
        })
    }

    /// The priority to store after a recalculation: `new`, except that with `INCR_ONLY` a
    /// job never goes below its `previous` value (`decay_apply_weighted_factors()`).
    ///
    /// ```
    /// use hpcsched::priority::{PriorityFlags, PriorityWeights};
    /// let mut w = PriorityWeights::default();
    /// assert_eq!(w.recalculated(500, 300), 300);
    /// w.flags |= PriorityFlags::INCR_ONLY;
    /// assert_eq!(w.recalculated(500, 300), 500);
    /// assert_eq!(w.recalculated(500, 700), 700);
    /// ```
    #[must_use]
    pub fn recalculated(&self, previous: u32, new: u32) -> u32 {
        if self.flags.contains(PriorityFlags::INCR_ONLY) {
            previous.max(new)
        } else {
            new
        }
    }
}

/// The `PriorityType` plugin.
///
/// ```
/// use hpcsched::priority::PriorityType;
/// use hpcsched::SchedConfig;
/// let mut cfg = SchedConfig::default();
/// cfg.priority_type = "priority/basic".into();
/// assert_eq!(PriorityType::from_config(&cfg)?, PriorityType::Basic);
/// assert!(matches!(PriorityType::from_config(&SchedConfig::default())?, PriorityType::Multifactor(_)));
/// # Ok::<(), hpcsched::priority::PriorityError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PriorityType {
    /// `priority/basic`: FIFO by submission ([`BasicPriority`]).
    Basic,
    /// `priority/multifactor` (the default since Slurm 23.11): [`multifactor`].
    Multifactor(PriorityWeights),
}

impl PriorityType {
    /// Reads `PriorityType` (and, for multifactor, the weights) from a [`SchedConfig`].
    /// The plugin name is matched exactly, as Slurm loads plugins by name.
    ///
    /// See [`PriorityType`] for an example.
    pub fn from_config(cfg: &SchedConfig) -> Result<Self, PriorityError> {
        match cfg.priority_type.as_str() {
            "priority/basic" => Ok(Self::Basic),
            "priority/multifactor" => PriorityWeights::from_config(cfg).map(Self::Multifactor),
            other => Err(PriorityError::UnknownType(other.to_owned())),
        }
    }
}

/// What [`multifactor`] needs to know about one job (in one partition, under one QOS).
///
/// ```
/// use hpcsched::priority::PriorityInputs;
/// use hpcsched::Timestamp;
/// let i = PriorityInputs { now: Timestamp(100), nice: 10, ..PriorityInputs::default() };
/// assert_eq!(i.fairshare, 0.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriorityInputs {
    /// Submission time (age base under `ACCRUE_ALWAYS`).
    pub submit: Timestamp,
    /// Since when the job accrues age: the moment it became eligible (begin time reached,
    /// dependencies satisfied, released). `None` while it may not accrue (dependency, hold,
    /// future `--begin`, accrue limits). Ignored under `ACCRUE_ALWAYS`, which uses `submit`.
    pub accrue_since: Option<Timestamp>,
    /// The time the priority is computed for.
    pub now: Timestamp,
    /// `--nice` adjustment (positive lowers priority).
    pub nice: i32,
    /// Requested minimum node count.
    pub min_nodes: u32,
    /// CPU count (allocated if known, else requested).
    pub cpus: u32,
    /// The job's time limit (for `SMALL_RELATIVE_TO_TIME`): the partition MaxTime when the
    /// job gave none.
    pub time_limit: TimeLimit,
    /// The partition's `PriorityJobFactor`.
    pub partition_job_factor: u16,
    /// The highest `PriorityJobFactor` of all partitions (at least 1 in Slurm).
    pub max_partition_job_factor: u16,
    /// The QOS `Priority`.
    pub qos_priority: u32,
    /// The highest QOS `Priority` of all QOS.
    pub max_qos_priority: u32,
    /// Nodes in the cluster.
    pub cluster_nodes: u32,
    /// CPUs in the cluster.
    pub cluster_cpus: u32,
    /// The job's TRES counts (mem in MiB), for `PriorityWeightTRES`.
    pub job_tres: Vec<(TresKind, u64)>,
    /// The partition's TRES totals, which normalise the job's TRES counts.
    pub partition_tres_totals: Vec<(TresKind, u64)>,
    /// The site factor (`scontrol update job SiteFactor=`), added as is.
    pub site_factor: i64,
    /// Fair-share factor in [0, 1] (hook: 0 until fair-share is computed).
    pub fairshare: f64,
    /// Association factor in [0, 1] (raw with `NO_NORMAL_ASSOC`; hook: 0).
    pub assoc: f64,
}

impl Default for PriorityInputs {
    /// An empty job at time 0: no age, no size, factors 0, nice 0, one minimum node.
    fn default() -> Self {
        Self {
            submit: Timestamp(0),
            accrue_since: None,
            now: Timestamp(0),
            nice: 0,
            min_nodes: 1,
            cpus: 0,
            time_limit: TimeLimit::Unlimited,
            partition_job_factor: 1,
            max_partition_job_factor: 1,
            qos_priority: 0,
            max_qos_priority: 0,
            cluster_nodes: 0,
            cluster_cpus: 0,
            job_tres: Vec::new(),
            partition_tres_totals: Vec::new(),
            site_factor: 0,
            fairshare: 0.0,
            assoc: 0.0,
        }
    }
}

/// The unweighted factors of one job, as `sprio` shows them.
///
/// ```
/// use hpcsched::priority::{factors, PriorityInputs, PriorityWeights};
/// let w = PriorityWeights { partition: 1, ..PriorityWeights::default() };
/// let f = factors(&w, &PriorityInputs { partition_job_factor: 5, max_partition_job_factor: 10, ..PriorityInputs::default() });
/// assert_eq!(f.partition, 0.5);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PriorityFactors {
    /// Age factor in [0, 1].
    pub age: f64,
    /// Association factor.
    pub assoc: f64,
    /// Fair-share factor.
    pub fairshare: f64,
    /// Job-size factor in [0, 1].
    pub job_size: f64,
    /// Partition factor.
    pub partition: f64,
    /// QOS factor.
    pub qos: f64,
    /// Already-weighted TRES sum (Σ weight × factor).
    pub tres_weighted: f64,
}

/// Whether a job's age factor still grows after `now` (it stops at `max_age`, and when
/// its base is unset: held, dependent, not yet eligible, unless `ACCRUE_ALWAYS`).
pub(crate) fn age_grows(
    w: &PriorityWeights,
    submit: Timestamp,
    accrue_since: Option<Timestamp>,
    now: Timestamp,
) -> bool {
    let base = if w.flags.contains(PriorityFlags::ACCRUE_ALWAYS) {
        Some(submit)
    } else {
        accrue_since
    };
    let Some(base) = base else { return false };
    // As `age_factor` reads it: capped at 32 bits, where it stops changing too.
    let diff = now.duration_since(base).as_secs();
    w.age > 0 && diff < w.max_age.as_secs() && diff < u64::from(u32::MAX)
}

/// Age factor: `min(1, (now - base) / max_age)`, 0 without a base or before it.
fn age_factor(w: &PriorityWeights, i: &PriorityInputs) -> f64 {
    let base = if w.flags.contains(PriorityFlags::ACCRUE_ALWAYS) {
        Some(i.submit)
    } else {
        i.accrue_since
    };
    let Some(base) = base else { return 0.0 };
    // Slurm holds the difference and PriorityMaxAge as 32-bit seconds.
    let diff = i
        .now
        .duration_since(base)
        .as_secs()
        .min(u64::from(u32::MAX));
    let max_age = w.max_age.as_secs();
    if diff < max_age {
        diff as f64 / max_age as f64
    } else {
        1.0
    }
}

/// Job-size factor (`set_priority_factors()`), 0 when the cluster is empty.
fn job_size_factor(w: &PriorityWeights, i: &PriorityInputs) -> f64 {
    let nodes = f64::from(i.cluster_nodes);
    let ccpus = f64::from(i.cluster_cpus);
    if i.cluster_nodes == 0 || i.cluster_cpus == 0 {
        return 0.0;
    }
    let min_nodes = f64::from(i.min_nodes);
    let job_cpus = f64::from(i.cpus);
    let js = if w.flags.contains(PriorityFlags::SMALL_RELATIVE_TO_TIME) {
        // CPUs (at least min_nodes × average CPUs per node) per minute of limit, as a
        // fraction of the cluster.
        let size = (min_nodes * ccpus / nodes).max(job_cpus);
        let minutes = match i.time_limit {
            TimeLimit::Limited(d) => d.as_mins_ceil().clamp(1, u64::from(u32::MAX)),
            TimeLimit::Unlimited => u64::from(u32::MAX), // Slurm's INFINITE
        };
        let js = size / minutes as f64 / ccpus;
        if w.favor_small { 1.0 - js } else { js }
    } else if w.favor_small {
        let node_part = if i.cluster_nodes > i.min_nodes {
            f64::from(i.cluster_nodes - i.min_nodes) / nodes
        } else {
            0.0
        };
        if i.cpus == 0 {
            node_part
        } else {
            // Slurm subtracts in unsigned arithmetic; a job larger than the cluster is
            // taken as "no CPUs left" here rather than wrapping.
            f64::midpoint(
                node_part,
                f64::from(i.cluster_cpus.saturating_sub(i.cpus)) / ccpus,
            )
        }
    } else {
        let node_part = min_nodes / nodes;
        if i.cpus == 0 {
            node_part
        } else {
            f64::midpoint(node_part, job_cpus / ccpus)
        }
    };
    js.clamp(0.0, 1.0)
}

fn lookup(list: &[(TresKind, u64)], kind: &TresKind) -> u64 {
    list.iter().find(|(k, _)| k == kind).map_or(0, |&(_, n)| n)
}

/// Computes every factor of [`multifactor`] without weighting (except TRES, which Slurm
/// only reports weighted in the sum).
///
/// ```
/// use hpcsched::priority::{factors, PriorityInputs, PriorityWeights};
/// let job = PriorityInputs { min_nodes: 2, cpus: 32, cluster_nodes: 8, cluster_cpus: 128, ..PriorityInputs::default() };
/// assert_eq!(factors(&PriorityWeights::default(), &job).job_size, 0.25); // (2/8 + 32/128) / 2
/// ```
#[must_use]
pub fn factors(w: &PriorityWeights, i: &PriorityInputs) -> PriorityFactors {
    let partition = if i.partition_job_factor == 0 {
        0.0
    } else if w.flags.contains(PriorityFlags::NO_NORMAL_PART) {
        f64::from(i.partition_job_factor)
    } else {
        // Slurm's maximum always includes this partition.
        f64::from(i.partition_job_factor)
            / f64::from(i.max_partition_job_factor.max(i.partition_job_factor))
    };
    let qos = if i.qos_priority == 0 {
        0.0
    } else if w.flags.contains(PriorityFlags::NO_NORMAL_QOS) {
        f64::from(i.qos_priority)
    } else {
        f64::from(i.qos_priority) / f64::from(i.max_qos_priority.max(i.qos_priority))
    };
    let tres_weighted = w
        .tres
        .iter()
        .map(|(kind, weight)| {
            let value = lookup(&i.job_tres, kind);
            let factor = if w.flags.contains(PriorityFlags::NO_NORMAL_TRES) {
                value as f64
            } else {
                match lookup(&i.partition_tres_totals, kind) {
                    0 => 0.0,
                    total => value as f64 / total as f64,
                }
            };
            factor * weight
        })
        .sum();
    PriorityFactors {
        age: age_factor(w, i),
        assoc: i.assoc,
        fairshare: i.fairshare,
        job_size: job_size_factor(w, i),
        partition,
        qos,
        tres_weighted,
    }
}

/// `priority/multifactor`: the job's priority (`_get_priority_internal()`):
///
/// ```text
/// site_factor + W_age·age + W_assoc·assoc + W_fs·fairshare + W_js·job_size
///   + W_part·partition + W_qos·qos + Σ W_tres·tres − nice
/// ```
///
/// summed in floating point, raised to 1 if below 1 (0 means held), truncated to an
/// integer and capped at `u32::MAX` (4294967295), as Slurm does.
///
/// ```
/// use hpcsched::priority::{multifactor, PriorityInputs, PriorityWeights};
/// let w = PriorityWeights { qos: 3000, ..PriorityWeights::default() };
/// let job = PriorityInputs { qos_priority: 10, max_qos_priority: 40, ..PriorityInputs::default() };
/// assert_eq!(multifactor(&w, &job), 750);
/// assert_eq!(multifactor(&w, &PriorityInputs { nice: 1000, ..job }), 1); // never 0
/// ```
#[must_use]
pub fn multifactor(w: &PriorityWeights, i: &PriorityInputs) -> u32 {
    let f = factors(w, i);
    let sum = f.age * f64::from(w.age)
        + f.assoc * f64::from(w.assoc)
        + f.fairshare * f64::from(w.fairshare)
        + f.job_size * f64::from(w.job_size)
        + f.partition * f64::from(w.partition)
        + f.qos * f64::from(w.qos)
        + f.tres_weighted
        + i.site_factor as f64
        - f64::from(i.nice);
    // NaN (only from non-finite hook inputs) counts as "below 1".
    if sum.is_nan() || sum < 1.0 {
        1
    } else {
        // `as` truncates toward zero and saturates at u32::MAX, which is Slurm's cap.
        sum as u32
    }
}

/// `priority/basic`: strict FIFO numbering. Each new job gets one less than the lowest
/// un-niced priority handed out so far, starting at [`TOP_PRIORITY`] − 1; `--nice` shifts
/// only that job.
///
/// Slurm details kept (`priority_p_set()`, `set_job_prio()`): the result is at least 1; a
/// positive nice that would take the job to 1 or below is ignored; the next job continues
/// from the un-niced value. Where Slurm's 32-bit arithmetic would wrap (a very negative
/// nice), the value saturates at `u32::MAX` instead.
///
/// ```
/// use hpcsched::priority::BasicPriority;
/// let mut basic = BasicPriority::new();
/// assert_eq!(basic.next_priority(0), 0xfffe_ffff);
/// assert_eq!(basic.next_priority(100), 0xfffe_fffe - 100);
/// assert_eq!(basic.next_priority(0), 0xfffe_fffd);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BasicPriority {
    /// Slurm's `lowest_prio`: the lowest un-niced priority handed out.
    next: u32,
}

impl Default for BasicPriority {
    fn default() -> Self {
        Self::new()
    }
}

impl BasicPriority {
    /// A fresh counter at [`TOP_PRIORITY`].
    ///
    /// ```
    /// use hpcsched::priority::{BasicPriority, TOP_PRIORITY};
    /// assert_eq!(BasicPriority::new().lowest(), TOP_PRIORITY);
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self { next: TOP_PRIORITY }
    }

    /// A counter that continues below `lowest` (e.g. restored from saved state).
    ///
    /// ```
    /// use hpcsched::priority::BasicPriority;
    /// assert_eq!(BasicPriority::from_lowest(10).next_priority(0), 9);
    /// ```
    #[must_use]
    pub const fn from_lowest(lowest: u32) -> Self {
        Self { next: lowest }
    }

    /// The lowest un-niced priority handed out so far ([`TOP_PRIORITY`] at first).
    ///
    /// ```
    /// use hpcsched::priority::BasicPriority;
    /// let mut b = BasicPriority::from_lowest(100);
    /// b.next_priority(50); // 49, remembered as 99
    /// assert_eq!(b.lowest(), 99);
    /// ```
    #[must_use]
    pub const fn lowest(&self) -> u32 {
        self.next
    }

    /// The priority of the next submitted job, with its `--nice` adjustment.
    ///
    /// ```
    /// use hpcsched::priority::BasicPriority;
    /// let mut b = BasicPriority::from_lowest(3);
    /// assert_eq!(b.next_priority(0), 2);
    /// assert_eq!(b.next_priority(0), 1);
    /// assert_eq!(b.next_priority(0), 1); // never 0: that means "held"
    /// assert_eq!(b.next_priority(-5), 6);
    /// ```
    pub fn next_priority(&mut self, nice: i32) -> u32 {
        let base: u32 = if self.next >= 2 { self.next - 1 } else { 1 };
        let offset = i64::from(nice);
        let prio = if offset <= 0 || i64::from(base) > offset + 1 {
            (i64::from(base) - offset).clamp(1, i64::from(u32::MAX))
        } else {
            i64::from(base)
        };
        // Slurm remembers the priority with the nice taken back out.
        let relative = (prio + offset).clamp(0, i64::from(u32::MAX));
        self.next = self.next.min(relative as u32);
        prio as u32
    }
}

// The tests use inputs whose factors are exact binary fractions, so exact comparison is meant.
#[cfg(test)]
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DAY: u64 = 24 * 3600;

    fn weights() -> PriorityWeights {
        PriorityWeights {
            age: 1000,
            job_size: 500,
            partition: 2000,
            qos: 3000,
            ..PriorityWeights::default()
        }
    }

    fn job() -> PriorityInputs {
        PriorityInputs {
            submit: Timestamp(1000),
            accrue_since: Some(Timestamp(1000)),
            now: Timestamp(1000),
            min_nodes: 1,
            cpus: 4,
            cluster_nodes: 8,
            cluster_cpus: 128,
            partition_job_factor: 1,
            max_partition_job_factor: 4,
            qos_priority: 0,
            max_qos_priority: 100,
            ..PriorityInputs::default()
        }
    }

    #[test]
    fn hand_computed() {
        let w = weights();
        // Age: half of 7 days → 500. Size: (1/8 + 4/128)/2 = 0.078125 × 500 → 39.06.
        // Partition: 1/4 → 500. QOS: 0.
        let mut i = job();
        i.now = Timestamp(1000 + 7 * DAY / 2);
        assert_eq!(factors(&w, &i).age, 0.5);
        assert_eq!(factors(&w, &i).job_size, 0.078_125);
        assert_eq!(multifactor(&w, &i), 500 + 39 + 500);
        // QOS 50/100 → 1500 more.
        i.qos_priority = 50;
        assert_eq!(multifactor(&w, &i), 500 + 39 + 500 + 1500);
        // Age caps at 1 from PriorityMaxAge on.
        i.now = Timestamp(1000 + 30 * DAY);
        assert_eq!(multifactor(&w, &i), 1000 + 39 + 500 + 1500);
        // Nice is subtracted; site factor added.
        i.nice = 39;
        i.site_factor = 7;
        assert_eq!(multifactor(&w, &i), 1000 + 500 + 1500 + 7);
    }

    #[test]
    fn truncation_not_rounding() {
        let w = PriorityWeights {
            age: 1000,
            max_age: Duration::from_secs(3),
            ..PriorityWeights::default()
        };
        let i = PriorityInputs {
            accrue_since: Some(Timestamp(0)),
            now: Timestamp(2),
            ..PriorityInputs::default()
        };
        // 2/3 × 1000 = 666.67 → 666.
        assert_eq!(multifactor(&w, &i), 666);
    }

    #[test]
    fn no_accrual_without_base_unless_accrue_always() {
        let mut w = weights();
        let mut i = job();
        i.partition_job_factor = 0;
        i.cpus = 0;
        i.min_nodes = 0;
        i.accrue_since = None;
        i.now = Timestamp(1000 + 7 * DAY);
        assert_eq!(multifactor(&w, &i), 1);
        w.flags |= PriorityFlags::ACCRUE_ALWAYS;
        assert_eq!(multifactor(&w, &i), 1000);
        // A base in the future gives no age.
        w.flags = PriorityFlags::default();
        i.accrue_since = Some(Timestamp(5000 + 7 * DAY));
        assert_eq!(factors(&w, &i).age, 0.0);
        // PriorityMaxAge=0: always the full factor.
        w.max_age = Duration::ZERO;
        i.accrue_since = Some(i.now);
        assert_eq!(factors(&w, &i).age, 1.0);
    }

    #[test]
    fn favor_small_both_ways() {
        let mut w = PriorityWeights {
            job_size: 1000,
            ..PriorityWeights::default()
        };
        let mut i = job();
        i.min_nodes = 2;
        i.cpus = 64;
        // Large: (2/8 + 64/128)/2 = 0.375.
        assert_eq!(factors(&w, &i).job_size, 0.375);
        assert_eq!(multifactor(&w, &i), 375);
        // Small: (6/8 + 64/128)/2 = 0.625.
        w.favor_small = true;
        assert_eq!(multifactor(&w, &i), 625);
        // No CPU count: the node part alone, not halved.
        i.cpus = 0;
        assert_eq!(multifactor(&w, &i), 750);
        w.favor_small = false;
        assert_eq!(multifactor(&w, &i), 250);
        // More CPUs than the cluster: no CPU share left, not a wrapped huge one.
        i.cpus = 1000;
        w.favor_small = true;
        assert_eq!(multifactor(&w, &i), 375);
        // More nodes than the cluster: clamped.
        w.favor_small = false;
        i.min_nodes = 20;
        assert_eq!(factors(&w, &i).job_size, 1.0);
        w.favor_small = true;
        assert_eq!(factors(&w, &i).job_size, 0.0);
        // Empty cluster: no size factor.
        i.cluster_nodes = 0;
        assert_eq!(factors(&w, &i).job_size, 0.0);
    }

    #[test]
    fn small_relative_to_time() {
        let mut w = PriorityWeights {
            job_size: 1_000_000,
            flags: PriorityFlags::SMALL_RELATIVE_TO_TIME,
            ..PriorityWeights::default()
        };
        let mut i = job();
        // max(1 × 128/8, 4) = 16 CPUs / 60 min / 128 = 1/480.
        i.time_limit = TimeLimit::Limited(Duration::from_hours(1));
        assert_eq!(multifactor(&w, &i), 2083);
        w.favor_small = true;
        assert_eq!(multifactor(&w, &i), 997_916);
        // More CPUs than min_nodes' share: the CPUs count (64/60/128 = 1/120).
        i.cpus = 64;
        w.favor_small = false;
        assert_eq!(multifactor(&w, &i), 8333);
        // Unlimited is Slurm's INFINITE minutes: practically no size.
        i.time_limit = TimeLimit::Unlimited;
        assert_eq!(multifactor(&w, &i), 1);
    }

    #[test]
    fn partition_and_qos_normalisation() {
        let mut w = weights();
        w.age = 0;
        w.job_size = 0;
        let mut i = job();
        i.partition_job_factor = 3;
        i.max_partition_job_factor = 4;
        i.qos_priority = 10;
        i.max_qos_priority = 40;
        assert_eq!(multifactor(&w, &i), 1500 + 750);
        w.flags |= PriorityFlags::NO_NORMAL_PART | PriorityFlags::NO_NORMAL_QOS;
        assert_eq!(multifactor(&w, &i), 3 * 2000 + 10 * 3000);
        // A zero job factor contributes nothing even unnormalised.
        i.partition_job_factor = 0;
        i.qos_priority = 0;
        assert_eq!(multifactor(&w, &i), 1);
    }

    #[test]
    fn tres_weights() {
        let cfg = SchedConfig {
            priority_weight_tres: Some("CPU=1000,Mem=2000,GRES/gpu=3000".into()),
            ..SchedConfig::default()
        };
        let mut w = PriorityWeights::from_config(&cfg).unwrap();
        let gpu: TresKind = "gres/gpu".parse().unwrap();
        let mut i = PriorityInputs {
            job_tres: vec![(TresKind::Cpu, 16), (TresKind::Mem, 1000), (gpu.clone(), 1)],
            partition_tres_totals: vec![
                (TresKind::Cpu, 64),
                (TresKind::Mem, 8000),
                (gpu.clone(), 4),
            ],
            ..PriorityInputs::default()
        };
        // 16/64×1000 + 1000/8000×2000 + 1/4×3000 = 250 + 250 + 750.
        assert_eq!(multifactor(&w, &i), 1250);
        w.flags |= PriorityFlags::NO_NORMAL_TRES;
        assert_eq!(multifactor(&w, &i), 16_000 + 2_000_000 + 3000);
        // A TRES the partition lacks contributes nothing when normalised.
        w.flags = PriorityFlags::default();
        i.partition_tres_totals.retain(|(k, _)| *k != gpu);
        assert_eq!(multifactor(&w, &i), 500);
        // Negative weights are allowed.
        w.tres = vec![(TresKind::Cpu, -4000.0)];
        i.site_factor = 2000;
        assert_eq!(multifactor(&w, &i), 1000);
    }

    #[test]
    fn tres_weight_parsing() {
        let parse = |s: &str| {
            PriorityWeights::from_config(&SchedConfig {
                priority_weight_tres: Some(s.into()),
                ..SchedConfig::default()
            })
        };
        let w = parse("cpu=1.5,Mem=1G,mem=2T,node=1K,,license/matlab=-2").unwrap();
        assert_eq!(
            w.tres,
            [
                (TresKind::Cpu, 1.5),
                (TresKind::Mem, 2.0 / 1024.0 / 1024.0),
                (TresKind::Node, 1.0 / 1024.0),
                (TresKind::License("matlab".into()), -2.0),
            ]
        );
        assert_eq!(parse("mem=5M").unwrap().tres, [(TresKind::Mem, 5.0)]);
        for (bad, item, why) in [
            ("cpu", "cpu", "expected TYPE=WEIGHT"),
            ("cpu=", "cpu=", "missing weight"),
            ("foo=1", "foo=1", "unknown TRES type"),
            ("cpu=1,gpu=3", "gpu=3", "unknown TRES type"),
            ("cpu=x", "cpu=x", "weight is not a number"),
            ("cpu=inf", "cpu=inf", "weight is not a number"),
            ("cpu=NaN", "cpu=NaN", "weight is not a number"),
            (
                "cpu=5Q",
                "cpu=5Q",
                "unknown unit (expected K, M, G, T or P)",
            ),
            ("cpu=G", "cpu=G", "weight is not a number"),
        ] {
            assert_eq!(
                parse(bad),
                Err(PriorityError::TresWeight {
                    text: bad.into(),
                    item: item.into(),
                    why: why.into()
                }),
                "{bad}"
            );
        }
        assert_eq!(
            parse("cpu=x").unwrap_err().to_string(),
            "invalid PriorityWeightTRES `cpu=x`: `cpu=x`: weight is not a number"
        );
    }

    #[test]
    fn config_and_type() {
        let cfg = SchedConfig {
            priority_weight_age: 1,
            priority_weight_fairshare: 2,
            priority_weight_job_size: 3,
            priority_weight_partition: 4,
            priority_weight_qos: 5,
            priority_weight_assoc: 6,
            priority_max_age: Duration::from_hours(1),
            priority_favor_small: true,
            priority_flags: Some("SMALL_RELATIVE_TO_TIME,DEPTH_OBLIVIOUS".into()),
            ..SchedConfig::default()
        };
        let w = PriorityWeights::from_config(&cfg).unwrap();
        assert_eq!(
            (w.age, w.fairshare, w.job_size, w.partition, w.qos, w.assoc),
            (1, 2, 3, 4, 5, 6)
        );
        assert_eq!(w.max_age, Duration::from_hours(1));
        assert!(w.favor_small);
        assert_eq!(
            w.flags,
            PriorityFlags::SMALL_RELATIVE_TO_TIME | PriorityFlags::DEPTH_OBLIVIOUS
        );
        assert_eq!(
            PriorityType::from_config(&cfg),
            Ok(PriorityType::Multifactor(w))
        );
        let d = PriorityWeights::from_config(&SchedConfig::default()).unwrap();
        assert_eq!(d, PriorityWeights::default());
        assert_eq!(
            PriorityType::from_config(&SchedConfig {
                priority_type: "Priority/Basic".into(),
                ..SchedConfig::default()
            }),
            Err(PriorityError::UnknownType("Priority/Basic".into()))
        );
    }

    #[test]
    fn flags_parsing() {
        assert_eq!(PriorityFlags::parse(""), PriorityFlags::FAIR_TREE);
        assert_eq!(
            PriorityFlags::parse("accrue_always,incr_only,calculate_running,bogus"),
            PriorityFlags::FAIR_TREE
                | PriorityFlags::ACCRUE_ALWAYS
                | PriorityFlags::INCR_ONLY
                | PriorityFlags::CALCULATE_RUNNING
        );
        assert_eq!(PriorityFlags::parse("NO_FAIR_TREE"), PriorityFlags::empty());
        assert_eq!(
            PriorityFlags::parse("MAX_TRES"),
            PriorityFlags::FAIR_TREE | PriorityFlags::MAX_TRES
        );
    }

    #[test]
    fn clamp() {
        let w = PriorityWeights {
            qos: u32::MAX,
            partition: u32::MAX,
            ..PriorityWeights::default()
        };
        let i = PriorityInputs {
            qos_priority: 1,
            max_qos_priority: 1,
            ..PriorityInputs::default()
        };
        assert_eq!(multifactor(&w, &i), u32::MAX);
        let neg = PriorityInputs {
            site_factor: -5,
            ..PriorityInputs::default()
        };
        assert_eq!(multifactor(&PriorityWeights::default(), &neg), 1);
        let nan = PriorityInputs {
            fairshare: f64::NAN,
            ..PriorityInputs::default()
        };
        let w = PriorityWeights {
            fairshare: 10,
            ..PriorityWeights::default()
        };
        assert_eq!(multifactor(&w, &nan), 1);
        // Negative nice raises the priority.
        let nice = PriorityInputs {
            nice: -100,
            ..PriorityInputs::default()
        };
        assert_eq!(multifactor(&PriorityWeights::default(), &nice), 100);
    }

    #[test]
    fn basic_fifo() {
        let mut b = BasicPriority::default();
        assert_eq!(b.lowest(), TOP_PRIORITY);
        let p1 = b.next_priority(0);
        let p2 = b.next_priority(0);
        assert_eq!((p1, p2), (TOP_PRIORITY - 1, TOP_PRIORITY - 2));
        // Nice shifts that job only.
        assert_eq!(b.next_priority(1000), TOP_PRIORITY - 3 - 1000);
        assert_eq!(b.next_priority(-1000), TOP_PRIORITY - 4 + 1000);
        assert_eq!(b.next_priority(0), TOP_PRIORITY - 5);
        // A nice that would reach 1 is ignored; the counter still moves on.
        // 9 - 8 would be 1: ignored, and the un-niced 17 does not lower the counter.
        let mut low = BasicPriority::from_lowest(10);
        assert_eq!(low.next_priority(8), 9);
        assert_eq!(low.lowest(), 10);
        assert_eq!(low.next_priority(7), 2);
        assert_eq!(low.next_priority(5), 3);
        assert_eq!(low.lowest(), 8);
        // Never below 1, and saturates instead of wrapping.
        let mut bottom = BasicPriority::from_lowest(0);
        assert_eq!(bottom.next_priority(0), 1);
        assert_eq!(bottom.next_priority(-5), 6);
        let mut top = BasicPriority::from_lowest(u32::MAX);
        assert_eq!(top.next_priority(i32::MIN), u32::MAX);
    }

    proptest! {
        #[test]
        fn never_zero_and_monotone_in_age(
            age in 0u32..100_000, js in 0u32..100_000, part in 0u32..100_000,
            qos in 0u32..100_000, nice in -1_000_000i32..1_000_000,
            site in -1_000_000i64..1_000_000,
            nodes in 0u32..64, cpus in 0u32..4096, cn in 0u32..64, cc in 0u32..4096,
            favor in any::<bool>(), relative in any::<bool>(),
            t1 in 0u64..2_000_000, dt in 0u64..2_000_000, max_age in 0u64..1_000_000,
            pjf in 0u16..10, qp in 0u32..10,
        ) {
            let w = PriorityWeights {
                age, job_size: js, partition: part, qos,
                max_age: Duration::from_secs(max_age),
                favor_small: favor,
                flags: if relative { PriorityFlags::SMALL_RELATIVE_TO_TIME } else { PriorityFlags::default() },
                ..PriorityWeights::default()
            };
            let i = PriorityInputs {
                accrue_since: Some(Timestamp(1000)),
                now: Timestamp(t1),
                nice, site_factor: site, min_nodes: nodes, cpus,
                cluster_nodes: cn, cluster_cpus: cc,
                partition_job_factor: pjf, max_partition_job_factor: 5,
                qos_priority: qp, max_qos_priority: 5,
                time_limit: TimeLimit::Limited(Duration::from_mins(30)),
                ..PriorityInputs::default()
            };
            let p1 = multifactor(&w, &i);
            prop_assert!(p1 >= 1);
            let later = PriorityInputs { now: Timestamp(t1 + dt), ..i.clone() };
            let p2 = multifactor(&w, &later);
            prop_assert!(p2 >= p1, "{} < {}", p2, p1);
            let f = factors(&w, &i);
            prop_assert!((0.0..=1.0).contains(&f.age));
            prop_assert!((0.0..=1.0).contains(&f.job_size));
        }

        #[test]
        fn basic_never_zero_and_fifo(nices in proptest::collection::vec(-1000i32..1000, 1..50), start in 0u32..3000) {
            let mut b = BasicPriority::from_lowest(start);
            let mut last_base = start;
            for n in nices {
                let p = b.next_priority(n);
                prop_assert!(p >= 1);
                prop_assert!(b.lowest() <= last_base);
                last_base = b.lowest();
            }
        }

        #[test]
        fn tres_parsing_never_panics(s in "\\PC*") {
            let _ = PriorityWeights::from_config(&SchedConfig { priority_weight_tres: Some(s.clone()), ..SchedConfig::default() });
            let _ = PriorityFlags::parse(&s);
        }
    }
}

//! Quality of service definitions, read from sacctmgr's syntax
//! (`sacctmgr add qos gpu4 Priority=10 MaxTRESPerUser=gres/gpu=4 MaxWall=30:00:00`).
//!
//! One command per line: `sacctmgr [-i] add|create qos NAME[,NAME...] [KEY=VALUE ...]`
//! (the `sacctmgr` word and its options are optional) and
//! `modify qos [where] [name=]NAME set KEY=VALUE ...` applied to a QOS defined earlier.
//! `#` starts a comment. Words are split like a shell would (quotes group and are removed).
//!
//! Keys follow sacctmgr's own matching (`sacctmgr_set_qos_rec()` in
//! `src/sacctmgr/qos_functions.c`): case-insensitive, and any prefix of a key name at least
//! as long as sacctmgr's minimum is accepted (`MaxWall`, `MaxJobs`, `GrpSubmit`...). QOS
//! names are lower-cased, as sacctmgr stores them. A negative number clears a limit, as
//! sacctmgr's `-1` does.

use crate::preempt::{PreemptMode, parse_qos_preempt_mode};
use crate::sacctmgr_words::{self as words, prefix_of, split_arg, split_names};
use crate::time::{Duration, TimeLimit};
use crate::tres::{TresKind, TresLimits};
use bitflags::bitflags;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

bitflags! {
    /// QOS `Flags=`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
    pub struct QosFlags: u16 {
        /// `DenyOnLimit`: reject at submit instead of pending.
        const DENY_ON_LIMIT = 1 << 0;
        /// `EnforceUsageThreshold`.
        const ENFORCE_USAGE_THRESHOLD = 1 << 1;
        /// `NoDecay`.
        const NO_DECAY = 1 << 2;
        /// `NoReserve`: no backfill reservations.
        const NO_RESERVE = 1 << 3;
        /// `OverPartQOS`.
        const OVER_PART_QOS = 1 << 4;
        /// `PartitionMaxNodes`.
        const PARTITION_MAX_NODES = 1 << 5;
        /// `PartitionMinNodes`.
        const PARTITION_MIN_NODES = 1 << 6;
        /// `PartitionTimeLimit`.
        const PARTITION_TIME_LIMIT = 1 << 7;
        /// `Relative`.
        const RELATIVE = 1 << 8;
        /// `RequiresReservation`.
        const REQUIRES_RESERVATION = 1 << 9;
        /// `UsageFactorSafe`.
        const USAGE_FACTOR_SAFE = 1 << 10;
    }
}

/// A QOS definition. Unset limits are `None` or empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Qos {
    /// Name.
    pub name: String,
    /// `Priority` (multifactor QOS factor).
    pub priority: u32,
    /// `MaxWall` / `MaxWallDurationPerJob`.
    pub max_wall: Option<TimeLimit>,
    /// `MaxTRESPerJob` / `MaxTRES`.
    pub max_tres_per_job: TresLimits,
    /// `MaxTRESPerNode`.
    pub max_tres_per_node: TresLimits,
    /// `MaxTRESMinsPerJob` / `MaxTRESMins` (`MaxCPUMinsPerJob`): a job's TRES times its
    /// time limit in minutes.
    pub max_tres_mins_per_job: TresLimits,
    /// `MinTRESPerJob` / `MinTRES`.
    pub min_tres_per_job: TresLimits,
    /// `MaxTRESPerUser`.
    pub max_tres_per_user: TresLimits,
    /// `MaxTRESPerAccount`.
    pub max_tres_per_account: TresLimits,
    /// `MaxJobsPerUser`.
    pub max_jobs_per_user: Option<u32>,
    /// `MaxJobsPerAccount`.
    pub max_jobs_per_account: Option<u32>,
    /// `MaxSubmitJobsPerUser`.
    pub max_submit_jobs_per_user: Option<u32>,
    /// `MaxSubmitJobsPerAccount`.
    pub max_submit_jobs_per_account: Option<u32>,
    /// `GrpTRES`.
    pub grp_tres: TresLimits,
    /// `GrpJobs`.
    pub grp_jobs: Option<u32>,
    /// `GrpSubmitJobs`.
    pub grp_submit_jobs: Option<u32>,
    /// `GrpWall`.
    pub grp_wall: Option<TimeLimit>,
    /// `Preempt`: QOS this one may preempt.
    pub preempt: Vec<String>,
    /// `PreemptMode` (None = CLUSTER).
    pub preempt_mode: Option<PreemptMode>,
    /// `PreemptExemptTime`.
    pub preempt_exempt_time: Option<Duration>,
    /// `GraceTime`.
    pub grace_time: Duration,
    /// `UsageFactor` (default 1.0).
    pub usage_factor: f64,
    /// `UsageThreshold`.
    pub usage_threshold: Option<f64>,
    /// `MinPrioThreshold`.
    pub min_prio_threshold: Option<u32>,
    /// `Flags`.
    pub flags: QosFlags,
    /// `Description`.
    pub description: Option<String>,
}

impl Qos {
    /// A QOS with no limits, priority 0 and usage factor 1.
    ///
    /// ```
    /// let q = hpcsched::Qos::new("normal");
    /// assert!(q.max_tres_per_user.0.is_empty());
    /// ```
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            priority: 0,
            max_wall: None,
            max_tres_per_job: TresLimits::default(),
            max_tres_per_node: TresLimits::default(),
            max_tres_mins_per_job: TresLimits::default(),
            min_tres_per_job: TresLimits::default(),
            max_tres_per_user: TresLimits::default(),
            max_tres_per_account: TresLimits::default(),
            max_jobs_per_user: None,
            max_jobs_per_account: None,
            max_submit_jobs_per_user: None,
            max_submit_jobs_per_account: None,
            grp_tres: TresLimits::default(),
            grp_jobs: None,
            grp_submit_jobs: None,
            grp_wall: None,
            preempt: Vec::new(),
            preempt_mode: None,
            preempt_exempt_time: None,
            grace_time: Duration::from_secs(0),
            usage_factor: 1.0,
            usage_threshold: None,
            min_prio_threshold: None,
            flags: QosFlags::empty(),
            description: None,
        }
    }
}

/// Why a QOS definition was rejected.
///
/// ```
/// use hpcsched::qos::{parse_sacctmgr, QosError};
/// let err = parse_sacctmgr("add qos a\nadd qos b Preempt=c\n").unwrap_err();
/// assert!(matches!(err, QosError::Value { line: 2, ref key, .. } if key == "Preempt"));
/// assert_eq!(
///     parse_sacctmgr("add qos a Colour=blue"),
///     Err(QosError::UnknownKey { line: 1, key: "Colour".into() })
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QosError {
    /// A line that is not `sacctmgr add|create qos NAME KEY=VALUE...`.
    #[error("line {line}: {why}: `{text}`")]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// The offending text.
        text: String,
        /// What is wrong.
        why: String,
    },
    /// A key sacctmgr does not know for QOS.
    #[error("line {line}: unknown QOS key `{key}`")]
    UnknownKey {
        /// 1-based line number.
        line: usize,
        /// The key.
        key: String,
    },
    /// A value that does not parse for its key.
    #[error("line {line}: invalid value `{value}` for {key}: {why}")]
    Value {
        /// 1-based line number.
        line: usize,
        /// The key.
        key: String,
        /// The value.
        value: String,
        /// What is wrong.
        why: String,
    },
    /// The same QOS defined twice.
    #[error("line {line}: QOS `{name}` is already defined")]
    Duplicate {
        /// 1-based line number.
        line: usize,
        /// The QOS name.
        name: String,
    },
    /// A `modify` of a QOS that was never defined.
    #[error("line {line}: QOS `{name}` does not exist")]
    NoSuchQos {
        /// 1-based line number.
        line: usize,
        /// The QOS name.
        name: String,
    },
    /// A key sacctmgr knows but hpcsched does not model (`GrpTRESMins`,
    /// `MaxJobsAccruePerUser`, `LimitFactor`...). Rejected rather than silently dropped,
    /// since ignoring a limit would change scheduling.
    #[error("line {line}: QOS key `{key}` is not supported by hpcsched")]
    Unsupported {
        /// 1-based line number.
        line: usize,
        /// The key.
        key: String,
    },
}

impl QosError {
    /// The 1-based line of the QOS text the error is on.
    #[must_use]
    pub fn line(&self) -> usize {
        match self {
            Self::Syntax { line, .. }
            | Self::UnknownKey { line, .. }
            | Self::Value { line, .. }
            | Self::Duplicate { line, .. }
            | Self::NoSuchQos { line, .. }
            | Self::Unsupported { line, .. } => *line,
        }
    }
}

/// Parses QOS definitions, one `sacctmgr add qos ...` per line (`#` comments, blank lines).
///
/// ```
/// use hpcsched::qos::parse_sacctmgr;
/// let qos = parse_sacctmgr(
///     "sacctmgr add qos gpu4 Priority=10 MaxTRESPerUser=gres/gpu=4 MaxWall=30:00:00\n\
///      modify qos gpu4 set MaxJobsPerUser=2\n",
/// )?;
/// assert_eq!(qos[0].name, "gpu4");
/// assert_eq!(qos[0].priority, 10);
/// assert_eq!(qos[0].max_jobs_per_user, Some(2));
/// # Ok::<(), hpcsched::qos::QosError>(())
/// ```
pub fn parse_sacctmgr(text: &str) -> Result<Vec<Qos>, QosError> {
    parse_with_known(text, &[]).map(|m| m.into_values().collect())
}

// ---------------------------------------------------------------------------------------

/// Splits a `sacctmgr` line into words as a POSIX shell does ([`crate::shell_words`]).
fn shell_words(line: &str, lineno: usize) -> Result<Vec<String>, QosError> {
    crate::shell_words::split(line).map_err(|e| QosError::Syntax {
        line: lineno,
        text: line.trim().to_string(),
        why: match e {
            crate::shell_words::SplitError::UnterminatedQuote(_) => "unterminated quote".into(),
            other => other.to_string(),
        },
    })
}

/// What a QOS key sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Description,
    Flags,
    GraceTime,
    GrpCpus,
    GrpJobs,
    GrpMemory,
    GrpNodes,
    GrpSubmitJobs,
    GrpTres,
    GrpWall,
    MaxCpuMinsPerJob,
    MaxCpusPerJob,
    MaxCpusPerUser,
    MaxJobsPerAccount,
    MaxJobsPerUser,
    MaxNodesPerJob,
    MaxNodesPerUser,
    MaxSubmitJobsPerAccount,
    MaxSubmitJobsPerUser,
    MaxTresMinsPerJob,
    MaxTresPerAccount,
    MaxTresPerJob,
    MaxTresPerNode,
    MaxTresPerUser,
    MaxWall,
    MinCpusPerJob,
    MinPrioThreshold,
    MinTresPerJob,
    PreemptMode,
    Preempt,
    PreemptExemptTime,
    Priority,
    UsageFactor,
    UsageThreshold,
    /// Known to sacctmgr, not modelled.
    Unsupported,
    /// Stored by Slurm 22.05 and enforced nowhere (`acct_policy.c` never reads
    /// `max_tres_run_mins_pu/pa`): accepted, with a valid TRES value, and ignored.
    NotEnforced,
}

/// sacctmgr's QOS keys in its matching order, with the shortest prefix it accepts.
const KEYS: &[(&str, usize, Field)] = &[
    ("Description", 1, Field::Description),
    ("Flags", 2, Field::Flags),
    ("GraceTime", 3, Field::GraceTime),
    ("GrpCPUMins", 7, Field::Unsupported),
    ("GrpCPURunMins", 7, Field::Unsupported),
    ("GrpCPUs", 7, Field::GrpCpus),
    ("GrpJobs", 4, Field::GrpJobs),
    ("GrpJobsAccrue", 8, Field::Unsupported),
    ("GrpMemory", 4, Field::GrpMemory),
    ("GrpNodes", 4, Field::GrpNodes),
    ("GrpSubmitJobs", 4, Field::GrpSubmitJobs),
    ("GrpTRES", 7, Field::GrpTres),
    ("GrpTRESMins", 8, Field::Unsupported),
    ("GrpTRESRunMins", 8, Field::Unsupported),
    ("GrpWall", 4, Field::GrpWall),
    ("LimitFactor", 6, Field::Unsupported),
    ("MaxCPUMinsPerJob", 7, Field::MaxCpuMinsPerJob),
    ("MaxCPUsPerJob", 7, Field::MaxCpusPerJob),
    ("MaxCPUsPerUser", 11, Field::MaxCpusPerUser),
    ("MaxCPUsPU", 9, Field::MaxCpusPerUser),
    ("MaxJobsAccruePerAccount", 17, Field::Unsupported),
    ("MaxJobsAccruePA", 15, Field::Unsupported),
    ("MaxJobsAccruePerUser", 17, Field::Unsupported),
    ("MaxJobsAccruePU", 15, Field::Unsupported),
    ("MaxJobsPerAccount", 11, Field::MaxJobsPerAccount),
    ("MaxJobsPA", 9, Field::MaxJobsPerAccount),
    ("MaxJobsPerUser", 4, Field::MaxJobsPerUser),
    ("MaxJobsPU", 4, Field::MaxJobsPerUser),
    ("MaxNodesPerJob", 4, Field::MaxNodesPerJob),
    ("MaxNodesPerUser", 8, Field::MaxNodesPerUser),
    ("MaxNodesPU", 8, Field::MaxNodesPerUser),
    (
        "MaxSubmitJobsPerAccount",
        17,
        Field::MaxSubmitJobsPerAccount,
    ),
    ("MaxSubmitJobsPA", 15, Field::MaxSubmitJobsPerAccount),
    ("MaxSubmitJobsPerUser", 4, Field::MaxSubmitJobsPerUser),
    ("MaxSubmitJobsPU", 4, Field::MaxSubmitJobsPerUser),
    ("MaxTRESPerAccount", 11, Field::MaxTresPerAccount),
    ("MaxTRESPA", 9, Field::MaxTresPerAccount),
    ("MaxTRES", 7, Field::MaxTresPerJob),
    ("MaxTRESPJ", 9, Field::MaxTresPerJob),
    ("MaxTRESPerJob", 11, Field::MaxTresPerJob),
    ("MaxTRESPerNode", 11, Field::MaxTresPerNode),
    ("MaxTRESPN", 9, Field::MaxTresPerNode),
    ("MaxTRESPerUser", 11, Field::MaxTresPerUser),
    ("MaxTRESPU", 9, Field::MaxTresPerUser),
    ("MaxTRESMinsPerJob", 8, Field::MaxTresMinsPerJob),
    ("MaxTRESMinsPJ", 13, Field::MaxTresMinsPerJob),
    ("MaxTRESRunMinsPerAccount", 24, Field::NotEnforced),
    ("MaxTRESRunMinsPerAcct", 20, Field::NotEnforced),
    ("MaxTRESRunMinsPA", 16, Field::NotEnforced),
    ("MaxTRESRunMinsPerUser", 20, Field::NotEnforced),
    ("MaxTRESRunMinsPU", 16, Field::NotEnforced),
    ("MaxWallDurationPerJob", 4, Field::MaxWall),
    ("MinCPUsPerJob", 7, Field::MinCpusPerJob),
    // sacctmgr's name is `MinPrioThresh`; the man page spells it `MinPrioThreshold`,
    // which sacctmgr's prefix match would refuse. hpcsched accepts both.
    ("MinPrioThresh", 4, Field::MinPrioThreshold),
    ("MinPrioThreshold", 16, Field::MinPrioThreshold),
    ("MinTRESPerJob", 7, Field::MinTresPerJob),
    ("PreemptMode", 8, Field::PreemptMode),
    ("Preempt", 7, Field::Preempt),
    ("PreemptExemptTime", 8, Field::PreemptExemptTime),
    ("Priority", 3, Field::Priority),
    ("RawUsage", 7, Field::Unsupported),
    ("UsageFactor", 6, Field::UsageFactor),
    ("UsageThreshold", 6, Field::UsageThreshold),
];

fn field_of(key: &str) -> Option<Field> {
    KEYS.iter()
        .find(|(name, min, _)| prefix_of(key, name, *min))
        .map(|(_, _, f)| *f)
}

/// QOS flags in sacctmgr's order; a prefix of a flag name selects it.
const FLAGS: &[(&str, Option<QosFlags>)] = &[
    ("Deleted", None),
    ("DenyOnLimit", Some(QosFlags::DENY_ON_LIMIT)),
    (
        "EnforceUsageThreshold",
        Some(QosFlags::ENFORCE_USAGE_THRESHOLD),
    ),
    ("PartitionMinNodes", Some(QosFlags::PARTITION_MIN_NODES)),
    ("PartitionMaxNodes", Some(QosFlags::PARTITION_MAX_NODES)),
    ("PartitionTimeLimit", Some(QosFlags::PARTITION_TIME_LIMIT)),
    ("RequiresReservation", Some(QosFlags::REQUIRES_RESERVATION)),
    ("OverPartQOS", Some(QosFlags::OVER_PART_QOS)),
    ("PartQOS", None),
    ("NoReserve", Some(QosFlags::NO_RESERVE)),
    ("NoDecay", Some(QosFlags::NO_DECAY)),
    ("Relative", Some(QosFlags::RELATIVE)),
    ("UsageFactorSafe", Some(QosFlags::USAGE_FACTOR_SAFE)),
];

/// One `KEY[+-]=VALUE` argument and where it came from.
struct Arg<'a> {
    line: usize,
    key: &'a str,
    op: Option<char>,
    value: &'a str,
}

impl Arg<'_> {
    fn err(&self, why: impl Into<String>) -> QosError {
        QosError::Value {
            line: self.line,
            key: self.key.to_string(),
            value: self.value.to_string(),
            why: why.into(),
        }
    }

    /// sacctmgr's `get_uint()` ([`words::count`]).
    fn count32(&self) -> Result<Option<u32>, QosError> {
        words::count32(self.value).map_err(|w| self.err(w))
    }

    /// A `time_str2mins()` wall limit ([`words::wall`]).
    fn wall(&self) -> Result<Option<TimeLimit>, QosError> {
        words::wall(self.value).map_err(|w| self.err(w))
    }

    /// `get_double()`: a number; negative clears (None).
    fn double(&self) -> Result<Option<f64>, QosError> {
        let v = self.value.trim();
        if v.eq_ignore_ascii_case("UNLIMITED") || v.eq_ignore_ascii_case("INFINITE") {
            return Ok(None);
        }
        let n: f64 = v.parse().map_err(|_| self.err("not a number"))?;
        if !n.is_finite() {
            return Err(self.err("not a finite number"));
        }
        Ok((n >= 0.0).then_some(n))
    }
}

/// Applies TRES limits the way sacctmgr combines them ([`words::apply_tres`]).
fn apply_tres(arg: &Arg<'_>, into: &mut TresLimits) -> Result<(), QosError> {
    words::apply_tres(arg.value, into).map_err(|w| arg.err(w))
}

/// Sets one legacy single-TRES limit ([`words::apply_legacy`]).
fn apply_legacy(arg: &Arg<'_>, kind: TresKind, into: &mut TresLimits) -> Result<(), QosError> {
    words::apply_legacy(arg.value, kind, into).map_err(|w| arg.err(w))
}

/// Applies one `KEY=VALUE` to a QOS. `known` holds the QOS names a `Preempt=` may name.
fn apply(q: &mut Qos, arg: &Arg<'_>, known: &dyn Fn(&str) -> bool) -> Result<(), QosError> {
    let Some(field) = field_of(arg.key) else {
        return Err(QosError::UnknownKey {
            line: arg.line,
            key: arg.key.to_string(),
        });
    };
    if arg.op.is_some() && !matches!(field, Field::Flags | Field::Preempt) {
        return Err(QosError::Syntax {
            line: arg.line,
            text: format!("{}{}={}", arg.key, arg.op.unwrap_or('+'), arg.value),
            why: format!("{} does not take `+=` or `-=`", arg.key),
        });
    }
    match field {
        Field::Description => q.description = Some(arg.value.to_string()),
        Field::Flags => {
            let v = arg.value.trim();
            if v.is_empty() || v.parse::<i64>().is_ok_and(|n| n == -1) {
                q.flags = QosFlags::empty();
                return Ok(());
            }
            let mut flags = QosFlags::empty();
            for tok in v.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                let found = FLAGS
                    .iter()
                    .find(|(name, _)| prefix_of(tok, name, 1))
                    .and_then(|(_, f)| *f);
                let Some(f) = found else {
                    return Err(arg.err(format!("unknown QOS flag `{tok}`")));
                };
                flags |= f;
            }
            match arg.op {
                Some('+') => q.flags |= flags,
                Some('-') => q.flags -= flags,
                _ => q.flags = flags,
            }
        }
        Field::GraceTime => {
            q.grace_time = Duration::from_secs(arg.count32()?.map_or(0, u64::from));
        }
        Field::GrpCpus => apply_legacy(arg, TresKind::Cpu, &mut q.grp_tres)?,
        Field::GrpMemory => apply_legacy(arg, TresKind::Mem, &mut q.grp_tres)?,
        Field::GrpNodes => apply_legacy(arg, TresKind::Node, &mut q.grp_tres)?,
        Field::GrpJobs => q.grp_jobs = arg.count32()?,
        Field::GrpSubmitJobs => q.grp_submit_jobs = arg.count32()?,
        Field::GrpTres => apply_tres(arg, &mut q.grp_tres)?,
        Field::GrpWall => q.grp_wall = arg.wall()?,
        Field::MaxCpusPerJob => apply_legacy(arg, TresKind::Cpu, &mut q.max_tres_per_job)?,
        Field::MaxCpuMinsPerJob => {
            apply_legacy(arg, TresKind::Cpu, &mut q.max_tres_mins_per_job)?;
        }
        Field::MaxTresMinsPerJob => apply_tres(arg, &mut q.max_tres_mins_per_job)?,
        Field::MaxCpusPerUser => apply_legacy(arg, TresKind::Cpu, &mut q.max_tres_per_user)?,
        Field::MaxNodesPerJob => apply_legacy(arg, TresKind::Node, &mut q.max_tres_per_job)?,
        Field::MaxNodesPerUser => apply_legacy(arg, TresKind::Node, &mut q.max_tres_per_user)?,
        Field::MinCpusPerJob => apply_legacy(arg, TresKind::Cpu, &mut q.min_tres_per_job)?,
        Field::MaxJobsPerAccount => q.max_jobs_per_account = arg.count32()?,
        Field::MaxJobsPerUser => q.max_jobs_per_user = arg.count32()?,
        Field::MaxSubmitJobsPerAccount => q.max_submit_jobs_per_account = arg.count32()?,
        Field::MaxSubmitJobsPerUser => q.max_submit_jobs_per_user = arg.count32()?,
        Field::MaxTresPerAccount => apply_tres(arg, &mut q.max_tres_per_account)?,
        Field::MaxTresPerJob => apply_tres(arg, &mut q.max_tres_per_job)?,
        Field::MaxTresPerNode => apply_tres(arg, &mut q.max_tres_per_node)?,
        Field::MaxTresPerUser => apply_tres(arg, &mut q.max_tres_per_user)?,
        Field::MinTresPerJob => apply_tres(arg, &mut q.min_tres_per_job)?,
        Field::MaxWall => q.max_wall = arg.wall()?,
        Field::MinPrioThreshold => q.min_prio_threshold = arg.count32()?,
        Field::PreemptMode => {
            // In a QOS, OFF is stored like CLUSTER (0): the cluster's mode applies.
            q.preempt_mode = parse_qos_preempt_mode(arg.value)
                .map_err(|e| arg.err(e.to_string()))?
                .filter(|m| !m.is_empty());
        }
        Field::Preempt => apply_preempt(q, arg, known)?,
        Field::PreemptExemptTime => {
            let v = arg.value.trim();
            // `time_str2secs()`: Slurm's time formats, in seconds; negative clears.
            q.preempt_exempt_time = if v.parse::<i64>().is_ok_and(|n| n < 0) {
                None
            } else {
                match v.parse::<TimeLimit>().map_err(|e| arg.err(e.to_string()))? {
                    TimeLimit::Limited(d) => Some(d),
                    TimeLimit::Unlimited => None,
                }
            };
        }
        Field::Priority => q.priority = arg.count32()?.unwrap_or(0),
        Field::UsageFactor => q.usage_factor = arg.double()?.unwrap_or(1.0),
        Field::UsageThreshold => q.usage_threshold = arg.double()?,
        Field::NotEnforced => apply_tres(arg, &mut TresLimits::default())?,
        Field::Unsupported => {
            return Err(QosError::Unsupported {
                line: arg.line,
                key: arg.key.to_string(),
            });
        }
    }
    Ok(())
}

/// `Preempt=a,b`, `Preempt+=c`, `Preempt-=a`, `Preempt=''` (clear). Every name must be a
/// QOS that exists already, as sacctmgr checks against the database.
fn apply_preempt(q: &mut Qos, arg: &Arg<'_>, known: &dyn Fn(&str) -> bool) -> Result<(), QosError> {
    let v = arg.value.trim();
    if v.is_empty() {
        q.preempt.clear();
        return Ok(());
    }
    let mut set: Vec<String> = Vec::new();
    let mut adds: Vec<(char, String)> = Vec::new();
    for tok in v.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let (op, name) = match tok.chars().next() {
            Some(c @ ('+' | '-')) => (Some(c), &tok[1..]),
            _ => (arg.op, tok),
        };
        let name = name.to_ascii_lowercase();
        if !known(&name) {
            return Err(arg.err(format!("QOS `{name}` does not exist")));
        }
        match op {
            Some(c) => adds.push((c, name)),
            None => set.push(name),
        }
    }
    if !set.is_empty() && !adds.is_empty() {
        return Err(arg.err("can't set the list and add to or subtract from it in the same value"));
    }
    if adds.is_empty() {
        set.dedup();
        q.preempt = Vec::new();
        for n in set {
            if !q.preempt.contains(&n) {
                q.preempt.push(n);
            }
        }
    } else {
        for (op, n) in adds {
            if op == '+' {
                if !q.preempt.contains(&n) {
                    q.preempt.push(n);
                }
            } else {
                q.preempt.retain(|p| *p != n);
            }
        }
    }
    Ok(())
}

/// Whether `word` is a case-insensitive prefix of `full` of at least `min` characters.
fn is_word(word: &str, full: &str, min: usize) -> bool {
    prefix_of(word, full, min)
}

/// Parses `text` given the QOS that already exist (for `Preempt=` and `modify`). Returns
/// the QOS defined or modified by the text, in order.
pub(crate) fn parse_with_known(
    text: &str,
    existing: &[Qos],
) -> Result<IndexMap<String, Qos>, QosError> {
    let mut defined: IndexMap<String, Qos> = IndexMap::new();
    for (idx, raw) in text.lines().enumerate() {
        let line = idx + 1;
        let line_words = shell_words(raw, line)?;
        let syntax = |why: &str| QosError::Syntax {
            line,
            text: raw.trim().to_string(),
            why: why.to_string(),
        };
        let Some(cl) = words::command_line(&line_words).map_err(syntax)? else {
            continue;
        };
        let cmd_l = cl.verb.to_ascii_lowercase();
        let adding = matches!(cmd_l.as_str(), "add" | "create");
        let modifying = matches!(cmd_l.as_str(), "modify" | "update");
        if !adding && !modifying {
            return Err(syntax("expected `add qos`, `create qos` or `modify qos`"));
        }
        match cl.entity {
            Some(e) if e.eq_ignore_ascii_case("qos") => {}
            _ => return Err(syntax("only QOS definitions are read")),
        }
        let rest: Vec<&str> = cl.rest;
        let known_before: Vec<String> = existing
            .iter()
            .map(|q| q.name.clone())
            .chain(defined.keys().cloned())
            .collect();
        let known = |n: &str| known_before.iter().any(|k| k == n);

        if adding {
            let mut names: Vec<String> = Vec::new();
            let mut args = Vec::new();
            for word in rest {
                match split_arg(word) {
                    None => names.extend(split_names(word)),
                    Some((k, _, v)) if is_word(k, "Name", 1) => names.extend(split_names(v)),
                    Some((k, op, v)) => args.push(Arg {
                        line,
                        key: k,
                        op,
                        value: v,
                    }),
                }
            }
            if names.is_empty() {
                return Err(syntax("no QOS name given"));
            }
            let mut q = Qos::new(String::new());
            for a in &args {
                apply(&mut q, a, &known)?;
            }
            for name in names {
                if known(&name) || defined.contains_key(&name) {
                    return Err(QosError::Duplicate { line, name });
                }
                let mut this = q.clone();
                this.name.clone_from(&name);
                defined.insert(name, this);
            }
        } else {
            // modify qos [where] [name=]NAME... set KEY=VALUE...
            let mut names: Vec<String> = Vec::new();
            let mut args = Vec::new();
            let mut in_set = false;
            for word in rest {
                if split_arg(word).is_none() && is_word(word, "where", 5) {
                    in_set = false;
                    continue;
                }
                if split_arg(word).is_none() && is_word(word, "set", 3) {
                    in_set = true;
                    continue;
                }
                match (in_set, split_arg(word)) {
                    (false, None) => names.extend(split_names(word)),
                    (false, Some((k, _, v))) if is_word(k, "Name", 1) => {
                        names.extend(split_names(v));
                    }
                    (false, Some(_)) => {
                        return Err(QosError::Syntax {
                            line,
                            text: word.to_string(),
                            why: "only `name=` conditions are supported".into(),
                        });
                    }
                    (true, None) => {
                        return Err(QosError::Syntax {
                            line,
                            text: word.to_string(),
                            why: "expected KEY=VALUE after `set`".into(),
                        });
                    }
                    (true, Some((k, op, v))) => args.push(Arg {
                        line,
                        key: k,
                        op,
                        value: v,
                    }),
                }
            }
            if names.is_empty() {
                return Err(syntax("no QOS name given"));
            }
            if args.is_empty() {
                return Err(syntax("nothing to set"));
            }
            for name in names {
                let mut q = match defined.get(&name) {
                    Some(q) => q.clone(),
                    None => existing.iter().find(|q| q.name == name).cloned().ok_or(
                        QosError::NoSuchQos {
                            line,
                            name: name.clone(),
                        },
                    )?,
                };
                for a in &args {
                    apply(&mut q, a, &known)?;
                }
                defined.insert(name, q);
            }
        }
    }
    Ok(defined)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gres::GresKey;
    use proptest::prelude::*;
    use std::fmt::Write as _;

    fn one(text: &str) -> Qos {
        let mut v = parse_sacctmgr(text).unwrap();
        assert_eq!(v.len(), 1);
        v.remove(0)
    }

    fn gpu() -> TresKind {
        TresKind::Gres(GresKey {
            name: "gpu".into(),
            kind: None,
        })
    }

    #[test]
    fn the_gpu4_example() {
        let q = one("sacctmgr add qos gpu4 Priority=10 MaxTRESPerUser=gres/gpu=4 MaxWall=30:00:00");
        assert_eq!(q.name, "gpu4");
        assert_eq!(q.priority, 10);
        assert_eq!(q.max_tres_per_user.get(&gpu()), Some(4));
        assert_eq!(
            q.max_wall,
            Some(TimeLimit::Limited(Duration::from_secs(30 * 3600)))
        );
        assert!((q.usage_factor - 1.0).abs() < f64::EPSILON);
    }

    #[test]
    fn qos_shtml_walkthrough() {
        // doc/html/qos.shtml: add, then modify priority and GrpTRES.
        let q = one("sacctmgr add qos zebra\n\
             sacctmgr modify qos zebra set priority=10\n\
             sacctmgr modify qos zebra set GrpTRES=cpu=24\n");
        assert_eq!(q.priority, 10);
        assert_eq!(q.grp_tres.get(&TresKind::Cpu), Some(24));
        // resource_limits.shtml: `-1` removes a TRES limit, others are kept.
        let q = one("add qos bob GrpTRES=cpu=1500,mem=200,gres/gpu=50\n\
             modify qos where name=bob set GrpTRES=cpu=-1,gres/gpu=-1\n");
        assert_eq!(q.grp_tres.get(&TresKind::Cpu), None);
        assert_eq!(q.grp_tres.get(&TresKind::Mem), Some(200));
        assert_eq!(q.grp_tres.get(&gpu()), None);
    }

    #[test]
    fn every_key_and_alias() {
        let q = one(
            "sacctmgr -i create qos Big Description='big jobs' Flags=DenyOnLimit,NoReserve \
             GraceTime=120 GrpJobs=10 GrpSubmit=20 GrpTRES=node=8 GrpWall=1-0 \
             MaxJobsPU=2 MaxJobsPA=3 MaxSubmitJobsPU=4 MaxSubmitJobsPA=5 MaxTRES=cpu=64 \
             MaxTRESPN=gres/gpu=4 MaxTRESPA=cpu=128 MinTRES=cpu=2 PreemptMode=REQUEUE \
             PreemptExemptTime=10:00 UsageFactor=0.5 UsageThreshold=0.1 MinPrioThreshold=1000",
        );
        assert_eq!(q.name, "big", "sacctmgr lower-cases QOS names");
        assert_eq!(q.description.as_deref(), Some("big jobs"));
        assert_eq!(q.flags, QosFlags::DENY_ON_LIMIT | QosFlags::NO_RESERVE);
        assert_eq!(q.grace_time, Duration::from_secs(120));
        assert_eq!((q.grp_jobs, q.grp_submit_jobs), (Some(10), Some(20)));
        assert_eq!(q.grp_tres.get(&TresKind::Node), Some(8));
        assert_eq!(
            q.grp_wall,
            Some(TimeLimit::Limited(Duration::from_secs(86400)))
        );
        assert_eq!(
            (q.max_jobs_per_user, q.max_jobs_per_account),
            (Some(2), Some(3))
        );
        assert_eq!(
            (q.max_submit_jobs_per_user, q.max_submit_jobs_per_account),
            (Some(4), Some(5))
        );
        assert_eq!(q.max_tres_per_job.get(&TresKind::Cpu), Some(64));
        assert_eq!(q.max_tres_per_node.get(&gpu()), Some(4));
        assert_eq!(q.max_tres_per_account.get(&TresKind::Cpu), Some(128));
        assert_eq!(q.min_tres_per_job.get(&TresKind::Cpu), Some(2));
        assert_eq!(q.preempt_mode, Some(PreemptMode::REQUEUE));
        assert_eq!(q.preempt_exempt_time, Some(Duration::from_secs(600)));
        assert!((q.usage_factor - 0.5).abs() < f64::EPSILON);
        assert_eq!(q.usage_threshold, Some(0.1));
        assert_eq!(q.min_prio_threshold, Some(1000));
    }

    #[test]
    fn prefix_matching_is_sacctmgrs() {
        // `MaxJobs` is a prefix of MaxJobsPerUser (minimum 4), not of MaxJobsPerAccount (11).
        assert_eq!(one("add qos a MaxJobs=3").max_jobs_per_user, Some(3));
        assert_eq!(
            one("add qos a maxwall=60").max_wall,
            Some(TimeLimit::Limited(Duration::from_mins(60)))
        );
        assert_eq!(
            one("add qos a MaxWallDurationPerJob=2:00:00").max_wall,
            Some(TimeLimit::Limited(Duration::from_mins(120)))
        );
        assert_eq!(one("add qos a pri=5").priority, 5);
        assert_eq!(
            one("add qos a MaxTRESPerJob=cpu=4")
                .max_tres_per_job
                .get(&TresKind::Cpu),
            Some(4)
        );
        assert_eq!(
            one("add qos a MaxTRESPJ=cpu=4")
                .max_tres_per_job
                .get(&TresKind::Cpu),
            Some(4)
        );
        assert_eq!(
            parse_sacctmgr("add qos a Pr=5"),
            Err(QosError::UnknownKey {
                line: 1,
                key: "Pr".into()
            }),
            "two letters are below Priority's minimum of three"
        );
        assert_eq!(
            parse_sacctmgr("add qos a MaxJobsPerUserX=5"),
            Err(QosError::UnknownKey {
                line: 1,
                key: "MaxJobsPerUserX".into()
            })
        );
    }

    #[test]
    fn legacy_keys_map_onto_tres() {
        let q = one(
            "add qos old MaxCPUsPerUser=64 MaxNodesPerUser=4 MaxCPUsPerJob=16 MaxNodesPerJob=2 \
             GrpCPUs=256 GrpNodes=16 GrpMemory=1024 MinCPUsPerJob=2",
        );
        assert_eq!(q.max_tres_per_user.get(&TresKind::Cpu), Some(64));
        assert_eq!(q.max_tres_per_user.get(&TresKind::Node), Some(4));
        assert_eq!(q.max_tres_per_job.get(&TresKind::Cpu), Some(16));
        assert_eq!(q.max_tres_per_job.get(&TresKind::Node), Some(2));
        assert_eq!(q.grp_tres.get(&TresKind::Cpu), Some(256));
        assert_eq!(q.grp_tres.get(&TresKind::Node), Some(16));
        assert_eq!(q.grp_tres.get(&TresKind::Mem), Some(1024));
        assert_eq!(q.min_tres_per_job.get(&TresKind::Cpu), Some(2));
    }

    #[test]
    fn negative_values_clear() {
        let q = one(
            "add qos a MaxJobsPU=5 MaxWall=10 Flags=NoDecay UsageThreshold=0.2\n\
             modify qos a set MaxJobsPU=-1 MaxWall=-1 Flags=-1 UsageThreshold=-1\n",
        );
        assert_eq!(q.max_jobs_per_user, None);
        assert_eq!(q.max_wall, None);
        assert_eq!(q.flags, QosFlags::empty());
        assert_eq!(q.usage_threshold, None);
    }

    #[test]
    fn flags_and_preempt_lists() {
        let v = parse_sacctmgr(
            "add qos low\nadd qos normal\n\
             add qos high Preempt=low,normal Flags=NoRes\n\
             modify qos high set Preempt-=low Flags+=OverPartQOS\n\
             modify qos high set Flags-=NoReserve\n\
             add qos top Preempt+=high\n\
             add qos spot PreemptMode=CLUSTER Preempt=''\n",
        )
        .unwrap();
        let high = &v[2];
        assert_eq!(high.preempt, ["normal"]);
        assert_eq!(high.flags, QosFlags::OVER_PART_QOS);
        assert_eq!(v[3].preempt, ["high"]);
        assert_eq!(v[4].preempt_mode, None);
        assert!(v[4].preempt.is_empty());
        assert!(matches!(
            parse_sacctmgr("add qos a Flags=NoSuchFlag"),
            Err(QosError::Value { line: 1, .. })
        ));
        assert!(matches!(
            parse_sacctmgr("add qos a Flags=Deleted"),
            Err(QosError::Value { line: 1, .. })
        ));
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(
            parse_sacctmgr("add qos a\n# comment\n\nadd qos b Preempt=c"),
            Err(QosError::Value {
                line: 4,
                key: "Preempt".into(),
                value: "c".into(),
                why: "QOS `c` does not exist".into()
            })
        );
        assert_eq!(
            parse_sacctmgr("add qos a\nadd qos A"),
            Err(QosError::Duplicate {
                line: 2,
                name: "a".into()
            })
        );
        assert_eq!(
            parse_sacctmgr("add qos a Priority=high"),
            Err(QosError::Value {
                line: 1,
                key: "Priority".into(),
                value: "high".into(),
                why: "not a number".into()
            })
        );
        assert_eq!(
            parse_sacctmgr("add qos a MaxTRESPerUser=gpu=4")
                .map_err(|e| matches!(e, QosError::Value { line: 1, .. })),
            Err(true)
        );
        assert_eq!(
            parse_sacctmgr("modify qos ghost set Priority=1"),
            Err(QosError::NoSuchQos {
                line: 1,
                name: "ghost".into()
            })
        );
        assert_eq!(
            parse_sacctmgr("add qos a GrpTRESMins=cpu=100"),
            Err(QosError::Unsupported {
                line: 1,
                key: "GrpTRESMins".into()
            })
        );
        assert!(matches!(
            parse_sacctmgr("add user bob"),
            Err(QosError::Syntax { line: 1, .. })
        ));
        assert!(matches!(
            parse_sacctmgr("add qos"),
            Err(QosError::Syntax { line: 1, .. })
        ));
        assert!(matches!(
            parse_sacctmgr("add qos a Priority+=1"),
            Err(QosError::Syntax { line: 1, .. })
        ));
        assert!(matches!(
            parse_sacctmgr("add qos 'a"),
            Err(QosError::Syntax { line: 1, .. })
        ));
        assert!(matches!(
            parse_sacctmgr("modify qos a set"),
            Err(QosError::Syntax { line: 1, .. })
        ));
        assert!(matches!(
            parse_sacctmgr("add qos a MaxWall=forever"),
            Err(QosError::Value { line: 1, .. })
        ));
    }

    #[test]
    fn several_names_and_comments() {
        let v = parse_sacctmgr("add qos a,b Priority=3 # two at once\nadd qos name=c\n").unwrap();
        let names: Vec<_> = v.iter().map(|q| q.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(v[1].priority, 3);
    }

    proptest! {
        #[test]
        fn never_panics(text in "[ -~\\n]{0,160}") {
            let _ = parse_sacctmgr(&text);
        }

        #[test]
        fn never_panics_on_qos_like_lines(
            args in prop::collection::vec(
                (prop::sample::select(KEYS.iter().map(|k| k.0).collect::<Vec<_>>()),
                 prop::sample::select(vec!["=", "+=", "-="]),
                 "[a-z0-9/=:,\\-.']{0,10}"),
                0..5)
        ) {
            let mut line = String::from("add qos base\nadd qos q");
            for (k, op, v) in &args {
                line.push(' ');
                line.push_str(k);
                line.push_str(op);
                line.push_str(v);
            }
            let _ = parse_sacctmgr(&line);
        }

        #[test]
        fn generated_definitions_parse_back(
            prio in 0u32..100_000,
            jobs in prop::option::of(0u32..1000),
            mins in prop::option::of(1u64..100_000),
            cpus in prop::option::of(0u64..10_000),
        ) {
            let mut line = format!("sacctmgr add qos gen Priority={prio}");
            if let Some(j) = jobs { let _ = write!(line, " MaxJobsPerUser={j}"); }
            if let Some(m) = mins { let _ = write!(line, " MaxWall={m}"); }
            if let Some(c) = cpus { let _ = write!(line, " GrpTRES=cpu={c}"); }
            let q = one(&line);
            prop_assert_eq!(q.priority, prio);
            prop_assert_eq!(q.max_jobs_per_user, jobs);
            prop_assert_eq!(q.max_wall, mins.map(|m| TimeLimit::Limited(Duration::from_mins(m))));
            prop_assert_eq!(q.grp_tres.get(&TresKind::Cpu), cpus);
        }
    }
}

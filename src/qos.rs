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

use crate::cluster::Cluster;
use crate::preempt::PreemptMode;
use crate::slurm_conf::parse_preempt_mode;
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

/// Adds every QOS defined in `text` to the cluster, or none: a rejected call changes
/// nothing. `Preempt=` may name QOS the cluster already has; `modify qos` may change them.
///
/// ```
/// use hpcsched::{Cluster, SchedConfig, qos::add_qos_text};
/// let mut c = Cluster::new(SchedConfig::default());
/// add_qos_text(&mut c, "add qos normal\nadd qos high Priority=100 Preempt=normal\n")?;
/// assert_eq!(c.qos("high").unwrap().preempt, ["normal"]);
/// assert!(add_qos_text(&mut c, "add qos normal").is_err());
/// assert_eq!(c.qos_list().len(), 2);
/// # Ok::<(), hpcsched::qos::QosError>(())
/// ```
pub fn add_qos_text(cluster: &mut Cluster, text: &str) -> Result<(), QosError> {
    let existing: Vec<Qos> = cluster.qos_list().cloned().collect();
    // Everything is parsed and checked before the cluster is touched.
    let parsed = parse_with_known(text, &existing)?;
    for (name, q) in parsed {
        if let Some(slot) = cluster.qos_mut(&name) {
            *slot = q;
        } else {
            cluster.add_qos(q).map_err(|e| QosError::Duplicate {
                line: 0,
                name: match e {
                    crate::cluster::ClusterError::DuplicateQos(n) => n,
                    other => other.to_string(),
                },
            })?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------

/// Splits a line into words like a POSIX shell: blanks separate, quotes group and are
/// removed, a backslash escapes the next character outside single quotes.
fn shell_words(line: &str, lineno: usize) -> Result<Vec<String>, QosError> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(x) => cur.push(x),
                        None => {
                            return Err(QosError::Syntax {
                                line: lineno,
                                text: line.trim().to_string(),
                                why: "unterminated quote".into(),
                            });
                        }
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => {
                            if let Some(x) = chars.next() {
                                cur.push(x);
                            }
                        }
                        Some(x) => cur.push(x),
                        None => {
                            return Err(QosError::Syntax {
                                line: lineno,
                                text: line.trim().to_string(),
                                why: "unterminated quote".into(),
                            });
                        }
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(x) = chars.next() {
                    cur.push(x);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '#' if !in_word => break,
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
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
    MaxCpusPerJob,
    MaxCpusPerUser,
    MaxJobsPerAccount,
    MaxJobsPerUser,
    MaxNodesPerJob,
    MaxNodesPerUser,
    MaxSubmitJobsPerAccount,
    MaxSubmitJobsPerUser,
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
    ("MaxCPUMinsPerJob", 7, Field::Unsupported),
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
    ("MaxTRESMinsPerJob", 8, Field::Unsupported),
    ("MaxTRESMinsPJ", 13, Field::Unsupported),
    ("MaxTRESRunMinsPerAccount", 24, Field::Unsupported),
    ("MaxTRESRunMinsPerAcct", 20, Field::Unsupported),
    ("MaxTRESRunMinsPA", 16, Field::Unsupported),
    ("MaxTRESRunMinsPerUser", 20, Field::Unsupported),
    ("MaxTRESRunMinsPU", 16, Field::Unsupported),
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

/// sacctmgr's prefix match: `key` is a case-insensitive prefix of `name`, at least `min`
/// characters long.
fn prefix_of(key: &str, name: &str, min: usize) -> bool {
    key.len() >= min
        && key.len() <= name.len()
        && name
            .get(..key.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(key))
}

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

    /// sacctmgr's `get_uint()`: a decimal number; negative clears (None); empty is 0.
    fn count(&self) -> Result<Option<u64>, QosError> {
        let v = self.value.trim();
        if v.is_empty() {
            return Ok(Some(0));
        }
        let n: i64 = v.parse().map_err(|_| self.err("not a number"))?;
        Ok(u64::try_from(n).ok())
    }

    fn count32(&self) -> Result<Option<u32>, QosError> {
        self.count()?
            .map(|n| u32::try_from(n).map_err(|_| self.err("greater than 4294967295")))
            .transpose()
    }

    /// A `time_str2mins()` wall limit; `-1`/`UNLIMITED` clear it.
    fn wall(&self) -> Result<Option<TimeLimit>, QosError> {
        let v = self.value.trim();
        if v.starts_with('-') && v.parse::<i64>().is_ok_and(|n| n < 0) {
            return Ok(None);
        }
        match v
            .parse::<TimeLimit>()
            .map_err(|e| self.err(e.to_string()))?
        {
            TimeLimit::Unlimited => Ok(None),
            TimeLimit::Limited(d) => Ok(Some(TimeLimit::Limited(Duration::from_mins(
                d.as_secs().div_ceil(60),
            )))),
        }
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

/// Applies TRES limits the way sacctmgr combines them (replace per TRES, `-1` removes).
fn apply_tres(arg: &Arg<'_>, into: &mut TresLimits) -> Result<(), QosError> {
    let v = arg.value.trim();
    if v.is_empty() {
        return Err(arg.err("empty TRES list"));
    }
    let mut next = into.clone();
    for entry in v.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let Some((kind, count)) = entry.rsplit_once('=') else {
            return Err(arg.err(format!("`{entry}` is not TYPE=COUNT")));
        };
        if count.trim().parse::<i64>().is_ok_and(|n| n < 0) {
            // Parse a stand-in count to learn the TRES kind, then remove it.
            let parsed = parse_tres(&format!("{kind}=1")).map_err(|why| arg.err(why))?;
            for k in parsed.0.keys() {
                next.0.shift_remove(k);
            }
            continue;
        }
        let parsed = parse_tres(entry).map_err(|why| arg.err(why))?;
        for (k, n) in parsed.0 {
            next.0.insert(k, n);
        }
    }
    *into = next;
    Ok(())
}

/// Sets one legacy single-TRES limit (`MaxCPUsPerUser=64` => `cpu=64`).
fn apply_legacy(arg: &Arg<'_>, kind: TresKind, into: &mut TresLimits) -> Result<(), QosError> {
    match arg.count()? {
        Some(n) => {
            into.0.insert(kind, n);
        }
        None => {
            into.0.shift_remove(&kind);
        }
    }
    Ok(())
}

/// Parses a TRES list (`cpu=64,gres/gpu=4`).
fn parse_tres(s: &str) -> Result<TresLimits, String> {
    // TODO(merge): TresLimits::from_str from the values branch.
    let _ = s;
    Err("TRES parsing not available yet".into())
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
            let mode = parse_preempt_mode(arg.value).map_err(|why| arg.err(why))?;
            // OFF and CLUSTER are the same in a QOS: use the cluster's mode.
            q.preempt_mode = (!mode.is_empty()).then_some(mode);
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

/// Splits `KEY[+-]=VALUE`; `None` for a bare word.
fn split_arg(word: &str) -> Option<(&str, Option<char>, &str)> {
    let (k, v) = word.split_once('=')?;
    let (k, op) = match k.chars().last() {
        Some(c @ ('+' | '-')) => (&k[..k.len() - 1], Some(c)),
        _ => (k, None),
    };
    Some((k, op, v))
}

/// Whether `word` is a case-insensitive prefix of `full` of at least `min` characters.
fn is_word(word: &str, full: &str, min: usize) -> bool {
    prefix_of(word, full, min)
}

/// Parses `text` given the QOS that already exist (for `Preempt=` and `modify`). Returns
/// the QOS defined or modified by the text, in order.
fn parse_with_known(text: &str, existing: &[Qos]) -> Result<IndexMap<String, Qos>, QosError> {
    let mut defined: IndexMap<String, Qos> = IndexMap::new();
    for (idx, raw) in text.lines().enumerate() {
        let line = idx + 1;
        let words = shell_words(raw, line)?;
        let syntax = |why: &str| QosError::Syntax {
            line,
            text: raw.trim().to_string(),
            why: why.to_string(),
        };
        let mut w = words.iter().map(String::as_str).peekable();
        if w.peek().is_none() {
            continue;
        }
        if w.peek()
            .is_some_and(|x| *x == "sacctmgr" || x.ends_with("/sacctmgr"))
        {
            w.next();
        }
        // sacctmgr options (`-i`, `--immediate`, `-Q`...) before the command.
        while w.peek().is_some_and(|x| x.starts_with('-')) {
            w.next();
        }
        let Some(cmd) = w.next() else {
            return Err(syntax("missing command"));
        };
        let cmd_l = cmd.to_ascii_lowercase();
        let adding = matches!(cmd_l.as_str(), "add" | "create");
        let modifying = matches!(cmd_l.as_str(), "modify" | "update");
        if !adding && !modifying {
            return Err(syntax("expected `add qos`, `create qos` or `modify qos`"));
        }
        match w.next() {
            Some(e) if e.eq_ignore_ascii_case("qos") => {}
            _ => return Err(syntax("only QOS definitions are read")),
        }
        let rest: Vec<&str> = w.collect();
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

/// A comma list of QOS names, lower-cased as sacctmgr stores them.
fn split_names(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

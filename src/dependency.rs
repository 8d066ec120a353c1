//! `--dependency` expressions: `afterok:42:43,afterany:44`, `after:42+30`, `afterok:7?afternotok:8`,
//! `singleton`, array targets (`42_3`, `42_*`).

use crate::array::ArraySpec;
use crate::job_id::{JobId, parse_u32_digits};
use crate::job_state::JobState;
use crate::time::{Duration, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

/// How the items of a dependency combine.
///
/// ```
/// use hpcsched::dependency::{Combinator, Dependency};
/// assert_eq!("afterok:1?afterok:2".parse::<Dependency>()?.combinator, Combinator::Any);
/// # Ok::<(), hpcsched::dependency::DependencyError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Combinator {
    /// `,`: every item must be satisfied.
    All,
    /// `?`: any one item suffices.
    Any,
}

/// The dependency type of one item.
///
/// ```
/// use hpcsched::dependency::DependencyKind;
/// assert_eq!(DependencyKind::AfterCorr.to_string(), "aftercorr");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DependencyKind {
    /// `after`: the target started (or was cancelled), optionally `+minutes` ago.
    After,
    /// `afterany`: the target ended in any state.
    AfterAny,
    /// `afterok`: the target completed with exit code 0.
    AfterOk,
    /// `afternotok`: the target ended in any other way.
    AfterNotOk,
    /// `aftercorr`: the array task with the same index completed OK.
    AfterCorr,
    /// `afterburstbuffer`: the target ended and its stage-out finished.
    AfterBurstBuffer,
}

/// Which job (or which tasks of an array) a dependency item names.
///
/// ```
/// use hpcsched::dependency::DependencyTarget;
/// use hpcsched::JobId;
/// assert_eq!(DependencyTarget::Task(JobId(42), 7).to_string(), "42_7");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DependencyTarget {
    /// A job, or a whole array by its array job id (`42`, `42_*`).
    Job(JobId),
    /// One array task (`42_3`).
    Task(JobId, u32),
}

/// One dependency item.
///
/// ```
/// use hpcsched::dependency::{Dependency, DependencyItem, DependencyKind, DependencyTarget};
/// use hpcsched::{Duration, JobId};
/// let dep: Dependency = "after:42+30".parse()?;
/// assert_eq!(
///     dep.items,
///     [DependencyItem::On {
///         kind: DependencyKind::After,
///         target: DependencyTarget::Job(JobId(42)),
///         delay: Some(Duration::from_mins(30)),
///     }]
/// );
/// # Ok::<(), hpcsched::dependency::DependencyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DependencyItem {
    /// `TYPE:id[+min]` for one target.
    On {
        /// The type.
        kind: DependencyKind,
        /// The target.
        target: DependencyTarget,
        /// `after:id+min`: extra delay after the target started.
        delay: Option<Duration>,
    },
    /// `singleton`.
    Singleton,
}

/// A parsed dependency expression.
///
/// ```
/// use hpcsched::dependency::{Combinator, Dependency};
/// let dep: Dependency = "afterok:20:21?afterany:23".parse()?;
/// assert_eq!(dep.combinator, Combinator::Any);
/// assert_eq!(dep.items.len(), 3);
/// assert_eq!(dep.to_string(), "afterok:20?afterok:21?afterany:23");
/// # Ok::<(), hpcsched::dependency::DependencyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Dependency {
    /// `,` or `?`.
    pub combinator: Combinator,
    /// The items, deduplicated, in written order.
    pub items: Vec<DependencyItem>,
}

/// Why a dependency expression was rejected.
///
/// ```
/// use hpcsched::Dependency;
/// let err = "afterok:1,afterok:2?afterok:3".parse::<Dependency>().unwrap_err();
/// assert!(err.to_string().contains("`,` and `?` cannot be mixed"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DependencyError {
    /// The text is not a dependency expression.
    #[error("invalid dependency `{text}`: {why}")]
    Invalid {
        /// The whole expression.
        text: String,
        /// What is wrong.
        why: String,
    },
}

/// Most array tasks one `ID_[list]` target may expand to (an hpcsched safety cap).
pub const MAX_TASK_TARGETS: u64 = 65_536;

fn invalid(text: &str, why: impl Into<String>) -> DependencyError {
    DependencyError::Invalid {
        text: text.to_owned(),
        why: why.into(),
    }
}

impl DependencyKind {
    /// The keyword as Slurm writes it (`afterok`, ...).
    ///
    /// ```
    /// use hpcsched::dependency::DependencyKind;
    /// assert_eq!(DependencyKind::AfterNotOk.as_str(), "afternotok");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::After => "after",
            Self::AfterAny => "afterany",
            Self::AfterOk => "afterok",
            Self::AfterNotOk => "afternotok",
            Self::AfterCorr => "aftercorr",
            Self::AfterBurstBuffer => "afterburstbuffer",
        }
    }

    /// Looks a keyword up, ignoring ASCII case as Slurm does.
    fn from_keyword(word: &str) -> Option<Self> {
        [
            Self::After,
            Self::AfterAny,
            Self::AfterOk,
            Self::AfterNotOk,
            Self::AfterCorr,
            Self::AfterBurstBuffer,
        ]
        .into_iter()
        .find(|k| k.as_str().eq_ignore_ascii_case(word))
    }
}

impl fmt::Display for DependencyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl DependencyTarget {
    /// The job id named (for a task, its array job id).
    ///
    /// ```
    /// use hpcsched::dependency::DependencyTarget;
    /// use hpcsched::JobId;
    /// assert_eq!(DependencyTarget::Task(JobId(42), 3).job(), JobId(42));
    /// ```
    #[must_use]
    pub fn job(self) -> JobId {
        match self {
            Self::Job(j) | Self::Task(j, _) => j,
        }
    }
}

impl fmt::Display for DependencyTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Job(j) => write!(f, "{j}"),
            Self::Task(j, t) => write!(f, "{j}_{t}"),
        }
    }
}

/// Splits at top-level `,`/`?` (not inside `[...]`), returning the pieces and the one
/// combinator used.
fn split_items(text: &str) -> Result<(Vec<&str>, Combinator), DependencyError> {
    let mut pieces = Vec::new();
    let mut combinator = None;
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            ',' | '?' if depth == 0 => {
                let this = if c == ',' {
                    Combinator::All
                } else {
                    Combinator::Any
                };
                if combinator.is_some_and(|c| c != this) {
                    return Err(invalid(text, "`,` and `?` cannot be mixed"));
                }
                combinator = Some(this);
                pieces.push(text.get(start..i).unwrap_or_default());
                start = i + 1;
            }
            _ => {}
        }
    }
    pieces.push(text.get(start..).unwrap_or_default());
    Ok((pieces, combinator.unwrap_or(Combinator::All)))
}

/// Parses `ID`, `ID_TASK`, `ID_*` or `ID_[list]` into one or more targets.
fn parse_targets(
    spec: &str,
    text: &str,
    out: &mut Vec<DependencyTarget>,
) -> Result<(), DependencyError> {
    let bad_id = |id: &str| invalid(text, format!("`{id}` is not a valid job id"));
    let Some((job, task)) = spec.split_once('_') else {
        out.push(DependencyTarget::Job(
            spec.parse().map_err(|_| bad_id(spec))?,
        ));
        return Ok(());
    };
    let job: JobId = job.parse().map_err(|_| bad_id(spec))?;
    if task == "*" {
        out.push(DependencyTarget::Job(job));
    } else if let Some(list) = task.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        let spec_list: ArraySpec = list
            .parse()
            .ok()
            .filter(|s: &ArraySpec| s.throttle().is_none())
            .ok_or_else(|| invalid(text, format!("`{spec}`: bad array task list")))?;
        if spec_list.len() > MAX_TASK_TARGETS {
            return Err(invalid(
                text,
                format!("`{spec}` names more than {MAX_TASK_TARGETS} tasks"),
            ));
        }
        out.extend(spec_list.iter().map(|t| DependencyTarget::Task(job, t)));
    } else {
        let t = parse_u32_digits(task)
            .ok_or_else(|| invalid(text, format!("`{spec}`: bad array task id")))?;
        out.push(DependencyTarget::Task(job, t));
    }
    Ok(())
}

impl FromStr for Dependency {
    type Err = DependencyError;

    /// Parses `--dependency` text (sbatch.1; `_parse_dependency_str()` in Slurm's
    /// `src/slurmctld/job_scheduler.c`):
    /// - items `TYPE:ID[:ID...]` with TYPE one of `after`, `afterany`, `afterok`,
    ///   `afternotok`, `aftercorr`, `afterburstbuffer` (any ASCII case), or `singleton`;
    /// - `ID` is `N`, `N_T` (one array task), `N_*` (the whole array, the same as `N`) or
    ///   `N_[list]` (array tasks, expanded as Slurm's `_xlate_array_dep()` does);
    /// - `ID+MIN` adds a delay in minutes (> 0); Slurm's parser accepts it after any type
    ///   but only `after` uses it;
    /// - a bare `ID` means `afterany:ID`, and like Slurm it is only allowed with `,`;
    /// - items are joined by `,` (all) or `?` (any), never both; repeated items (same type
    ///   and target) are dropped, keeping the first.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.is_empty() {
            return Err(invalid(text, "empty"));
        }
        let (pieces, combinator) = split_items(text)?;
        let mut items: Vec<DependencyItem> = Vec::new();
        let mut seen: HashSet<(DependencyKind, DependencyTarget)> = HashSet::new();
        let mut singleton = false;
        let mut targets = Vec::new();
        for piece in pieces {
            if piece.is_empty() {
                return Err(invalid(text, "empty item"));
            }
            if piece.eq_ignore_ascii_case("singleton") {
                if !singleton {
                    singleton = true;
                    items.push(DependencyItem::Singleton);
                }
                continue;
            }
            let (kind, ids) = match piece.split_once(':') {
                Some((word, ids)) => {
                    let kind = DependencyKind::from_keyword(word).ok_or_else(|| {
                        invalid(text, format!("unknown dependency type `{word}`"))
                    })?;
                    (kind, ids)
                }
                None if piece.starts_with(|c: char| c.is_ascii_digit()) => {
                    if combinator == Combinator::Any {
                        return Err(invalid(
                            text,
                            format!("bare job id `{piece}` is only allowed with `,`"),
                        ));
                    }
                    if piece.contains('+') {
                        return Err(invalid(
                            text,
                            format!("`{piece}`: a delay needs a type (`after:ID+MIN`)"),
                        ));
                    }
                    (DependencyKind::AfterAny, piece)
                }
                None => {
                    return Err(invalid(
                        text,
                        format!("`{piece}` is neither `TYPE:ID` nor a job id"),
                    ));
                }
            };
            for spec in ids.split(':') {
                if spec.is_empty() {
                    return Err(invalid(text, format!("missing job id after `{kind}:`")));
                }
                let (target_spec, delay) = match spec.split_once('+') {
                    Some((t, mins)) => {
                        let m = mins
                            .parse::<u64>()
                            .ok()
                            .filter(|&m| m > 0 && mins.bytes().all(|b| b.is_ascii_digit()))
                            .ok_or_else(|| {
                                invalid(
                                    text,
                                    format!("`{spec}`: delay must be a positive number of minutes"),
                                )
                            })?;
                        (t, Some(Duration::from_mins(m)))
                    }
                    None => (spec, None),
                };
                targets.clear();
                parse_targets(target_spec, text, &mut targets)?;
                for &target in &targets {
                    if seen.insert((kind, target)) {
                        items.push(DependencyItem::On {
                            kind,
                            target,
                            delay,
                        });
                    }
                }
            }
        }
        // With one item left (`singleton?singleton`, `1?1`) "all" and "any" mean the same;
        // keep one canonical value so equal expressions compare equal.
        let combinator = if items.len() <= 1 {
            Combinator::All
        } else {
            combinator
        };
        Ok(Self { combinator, items })
    }
}

impl fmt::Display for Dependency {
    /// Canonical text: with `,`, consecutive items of the same type share one `TYPE:`
    /// prefix (`afterok:1:2,singleton`); with `?` each item is written in full
    /// (`afterok:1?afterok:2`); bare ids are written as `afterany:ID`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sep = match self.combinator {
            Combinator::All => ',',
            Combinator::Any => '?',
        };
        let mut prev: Option<DependencyKind> = None;
        for (i, item) in self.items.iter().enumerate() {
            match item {
                DependencyItem::Singleton => {
                    if i > 0 {
                        write!(f, "{sep}")?;
                    }
                    f.write_str("singleton")?;
                    prev = None;
                }
                DependencyItem::On {
                    kind,
                    target,
                    delay,
                } => {
                    // Under `?` every item is written out: `afterok:1:2` alone would read
                    // back as `,`.
                    if prev == Some(*kind) && self.combinator == Combinator::All {
                        f.write_str(":")?;
                    } else {
                        if i > 0 {
                            write!(f, "{sep}")?;
                        }
                        write!(f, "{kind}:")?;
                    }
                    write!(f, "{target}")?;
                    if let Some(d) = delay {
                        write!(f, "+{}", d.as_secs() / 60)?;
                    }
                    prev = Some(*kind);
                }
            }
        }
        Ok(())
    }
}

impl Dependency {
    /// The targets of all non-singleton items, in order.
    ///
    /// ```
    /// use hpcsched::dependency::{Dependency, DependencyTarget};
    /// use hpcsched::JobId;
    /// let dep: Dependency = "afterok:42_3,singleton,afterany:7".parse()?;
    /// let targets: Vec<_> = dep.targets().collect();
    /// assert_eq!(targets, [DependencyTarget::Task(JobId(42), 3), DependencyTarget::Job(JobId(7))]);
    /// # Ok::<(), hpcsched::dependency::DependencyError>(())
    /// ```
    pub fn targets(&self) -> impl Iterator<Item = DependencyTarget> + '_ {
        self.items.iter().filter_map(|item| match item {
            DependencyItem::On { target, .. } => Some(*target),
            DependencyItem::Singleton => None,
        })
    }

    /// Whether one of the items is `singleton`.
    ///
    /// ```
    /// use hpcsched::Dependency;
    /// assert!("singleton".parse::<Dependency>()?.is_singleton());
    /// assert!(!"afterok:1".parse::<Dependency>()?.is_singleton());
    /// # Ok::<(), hpcsched::dependency::DependencyError>(())
    /// ```
    #[must_use]
    pub fn is_singleton(&self) -> bool {
        self.items.contains(&DependencyItem::Singleton)
    }

    /// The same dependency with every target's job id replaced by `f(id)` (an array task
    /// keeps its task index), or `None` as soon as `f` returns `None`. Items that become
    /// equal are merged, keeping the first, as the parser does. A simulator uses this to
    /// turn workload positions into the job ids the scheduler handed out.
    ///
    /// ```
    /// use hpcsched::{Dependency, JobId};
    /// let dep: Dependency = "afterok:1:2_3,singleton".parse()?;
    /// let ids = [JobId(1001), JobId(1002)];
    /// let mapped = dep.map_job_ids(|j| ids.get(j.0 as usize - 1).copied()).unwrap();
    /// assert_eq!(mapped.to_string(), "afterok:1001:1002_3,singleton");
    /// assert_eq!(dep.map_job_ids(|j| (j.0 == 1).then_some(j)), None);
    /// # Ok::<(), hpcsched::dependency::DependencyError>(())
    /// ```
    pub fn map_job_ids(&self, mut f: impl FnMut(JobId) -> Option<JobId>) -> Option<Dependency> {
        let mut items = Vec::with_capacity(self.items.len());
        let mut seen: HashSet<(DependencyKind, DependencyTarget)> = HashSet::new();
        let mut singleton = false;
        for item in &self.items {
            match *item {
                DependencyItem::On {
                    kind,
                    target,
                    delay,
                } => {
                    let target = match target {
                        DependencyTarget::Job(j) => DependencyTarget::Job(f(j)?),
                        DependencyTarget::Task(j, t) => DependencyTarget::Task(f(j)?, t),
                    };
                    if seen.insert((kind, target)) {
                        items.push(DependencyItem::On {
                            kind,
                            target,
                            delay,
                        });
                    }
                }
                DependencyItem::Singleton => {
                    if !singleton {
                        singleton = true;
                        items.push(DependencyItem::Singleton);
                    }
                }
            }
        }
        let combinator = if items.len() <= 1 {
            Combinator::All
        } else {
            self.combinator
        };
        Some(Dependency { combinator, items })
    }
}

// ---------------------------------------------------------------------------------------
// Evaluation against the job table.
// ---------------------------------------------------------------------------------------

/// Whether a dependency (or one item of it) lets the job run.
///
/// ```
/// use hpcsched::dependency::DependencyStatus;
/// assert_ne!(DependencyStatus::Waiting, DependencyStatus::Never);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DependencyStatus {
    /// Fulfilled: the job may run (as far as dependencies go).
    Satisfied,
    /// Not yet decided (reason `Dependency`).
    Waiting,
    /// Can never be fulfilled (reason `DependencyNeverSatisfied`; the job is cancelled
    /// when `kill_invalid_depend` / `--kill-on-invalid-dep=yes` is in effect).
    Never,
}

/// What the scheduler knows about all tasks of an array job, for whole-array targets
/// (`afterok:42` or `afterok:42_*` where 42 is an array).
///
/// `running` counts tasks that started and have not fully ended (running, suspended,
/// completing); `completed_ok` counts tasks that ended COMPLETED with exit code 0;
/// `completed_not_ok` those that ended any other way.
///
/// ```
/// use hpcsched::dependency::ArrayProgress;
/// let p = ArrayProgress { completed_ok: 3, completed_not_ok: 1, ..ArrayProgress::default() };
/// assert!(p.is_completed() && !p.is_complete());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ArrayProgress {
    /// Tasks not yet started (including requeued ones).
    pub pending: u64,
    /// Tasks started and not yet fully ended.
    pub running: u64,
    /// Tasks ended COMPLETED with exit code 0.
    pub completed_ok: u64,
    /// Tasks ended in any other way.
    pub completed_not_ok: u64,
    /// The latest start time among the tasks, used by `after:ID+MIN` once no task is
    /// pending. (Slurm times the delay from the array's own job record, which is the last
    /// task to leave the pending state.)
    pub last_start: Option<Timestamp>,
}

impl ArrayProgress {
    /// No task is pending (`test_job_array_pending()` is false).
    ///
    /// ```
    /// use hpcsched::dependency::ArrayProgress;
    /// assert!(ArrayProgress { running: 2, ..ArrayProgress::default() }.is_started());
    /// assert!(!ArrayProgress { pending: 1, running: 2, ..ArrayProgress::default() }.is_started());
    /// ```
    #[must_use]
    pub fn is_started(&self) -> bool {
        self.pending == 0
    }

    /// Every task has ended (`test_job_array_completed()`).
    ///
    /// ```
    /// use hpcsched::dependency::ArrayProgress;
    /// assert!(ArrayProgress { completed_not_ok: 2, ..ArrayProgress::default() }.is_completed());
    /// assert!(!ArrayProgress { running: 1, completed_ok: 2, ..ArrayProgress::default() }.is_completed());
    /// ```
    #[must_use]
    pub fn is_completed(&self) -> bool {
        self.pending == 0 && self.running == 0
    }

    /// Every task ended COMPLETED with exit code 0 (`test_job_array_complete()`).
    ///
    /// ```
    /// use hpcsched::dependency::ArrayProgress;
    /// assert!(ArrayProgress { completed_ok: 5, ..ArrayProgress::default() }.is_complete());
    /// ```
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.is_completed() && self.completed_not_ok == 0
    }
}

/// The state of a dependency target as the scheduler reports it.
///
/// A job in COMPLETING is reported as [`TargetState::Running`] until its cleanup ends:
/// Slurm only counts a job as ended (`IS_JOB_COMPLETED`) once it is no longer completing.
///
/// ```
/// use hpcsched::dependency::TargetState;
/// use hpcsched::{JobState, Timestamp};
/// let t = TargetState::Finished { state: JobState::Completed, exit_code: 0, start: Some(Timestamp(5)) };
/// assert!(t.is_complete());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TargetState {
    /// Not started yet (also a requeued job).
    Pending,
    /// Started and not fully ended: running, suspended or completing.
    Running {
        /// When it started.
        start: Timestamp,
    },
    /// Ended.
    Finished {
        /// The final state (COMPLETED, FAILED, CANCELLED, TIMEOUT...).
        state: JobState,
        /// The exit code.
        exit_code: i32,
        /// When it started; Slurm sets the start of a job cancelled while pending to the
        /// cancel time. `None` makes an `after:ID+MIN` item count as satisfied.
        start: Option<Timestamp>,
    },
    /// A whole array job.
    Array(ArrayProgress),
}

impl TargetState {
    /// Still pending (for an array: some task still pending).
    ///
    /// ```
    /// use hpcsched::dependency::TargetState;
    /// use hpcsched::Timestamp;
    /// assert!(TargetState::Pending.is_pending());
    /// assert!(!TargetState::Running { start: Timestamp(1) }.is_pending());
    /// ```
    #[must_use]
    pub fn is_pending(&self) -> bool {
        match self {
            Self::Pending => true,
            Self::Running { .. } => false,
            Self::Finished { state, .. } => *state == JobState::Pending,
            Self::Array(p) => !p.is_started(),
        }
    }

    /// Ended (for an array: every task ended) — Slurm's `IS_JOB_COMPLETED`.
    ///
    /// ```
    /// use hpcsched::dependency::TargetState;
    /// use hpcsched::{JobState, Timestamp};
    /// let t = TargetState::Finished { state: JobState::Timeout, exit_code: 0, start: Some(Timestamp(1)) };
    /// assert!(t.is_completed() && !t.is_complete());
    /// ```
    #[must_use]
    pub fn is_completed(&self) -> bool {
        match self {
            Self::Pending | Self::Running { .. } => false,
            Self::Finished { state, .. } => state.is_finished(),
            Self::Array(p) => p.is_completed(),
        }
    }

    /// Ended COMPLETED with exit code 0 (for an array: every task did) — `IS_JOB_COMPLETE`.
    ///
    /// ```
    /// use hpcsched::dependency::TargetState;
    /// use hpcsched::JobState;
    /// let ok = TargetState::Finished { state: JobState::Completed, exit_code: 0, start: None };
    /// let bad = TargetState::Finished { state: JobState::Completed, exit_code: 1, start: None };
    /// assert!(ok.is_complete() && !bad.is_complete());
    /// ```
    #[must_use]
    pub fn is_complete(&self) -> bool {
        match self {
            Self::Pending | Self::Running { .. } => false,
            Self::Finished {
                state, exit_code, ..
            } => *state == JobState::Completed && *exit_code == 0,
            Self::Array(p) => p.is_complete(),
        }
    }

    /// The start time an `after:ID+MIN` delay counts from.
    fn start(&self) -> Option<Timestamp> {
        match self {
            Self::Pending => None,
            Self::Running { start } => Some(*start),
            Self::Finished { start, .. } => *start,
            Self::Array(p) => p.last_start,
        }
    }
}

/// What [`Dependency::evaluate`] asks the job table. The scheduler implements it for the
/// job whose dependency is being tested.
///
/// ```
/// use hpcsched::dependency::{DependencyFacts, DependencyStatus, TargetState};
/// use hpcsched::{Dependency, JobId, JobState, Timestamp};
/// struct Table;
/// impl DependencyFacts for Table {
///     fn target(&self, id: JobId) -> Option<TargetState> {
///         (id == JobId(7)).then_some(TargetState::Finished {
///             state: JobState::Failed, exit_code: 1, start: Some(Timestamp(10)),
///         })
///     }
///     fn task(&self, _array: JobId, _task: u32) -> Option<TargetState> { None }
///     fn singleton_clear(&self) -> bool { true }
/// }
/// let dep: Dependency = "afternotok:7".parse()?;
/// assert_eq!(dep.evaluate(Timestamp(100), &Table), DependencyStatus::Satisfied);
/// let dep: Dependency = "afterok:7".parse()?;
/// assert_eq!(dep.evaluate(Timestamp(100), &Table), DependencyStatus::Never);
/// # Ok::<(), hpcsched::dependency::DependencyError>(())
/// ```
pub trait DependencyFacts {
    /// The state of job `id`; for an array job, [`TargetState::Array`] over all its tasks.
    /// `None` if no such job exists (never submitted, or purged after MinJobAge).
    fn target(&self, id: JobId) -> Option<TargetState>;

    /// The state of task `task` of array `array` (`Pending` while it has not been
    /// started). `None` if the array does not exist or has no such task.
    fn task(&self, array: JobId, task: u32) -> Option<TargetState>;

    /// `singleton`: no other job of the same user and name is running or suspended, and
    /// none is pending with a lower job id.
    fn singleton_clear(&self) -> bool;

    /// The array task index of the job being tested, if it is an array task. `aftercorr`
    /// uses it to find the corresponding task of the target array; without it
    /// `aftercorr` behaves like `afterok`.
    fn dependent_task(&self) -> Option<u32> {
        None
    }
}

fn lookup_target(target: DependencyTarget, facts: &impl DependencyFacts) -> Option<TargetState> {
    match target {
        DependencyTarget::Job(j) => facts.target(j),
        DependencyTarget::Task(j, t) => facts.task(j, t),
    }
}

/// afterok's outcome on a target: wait until it ended, then ok or never.
fn ok_outcome(state: &TargetState) -> DependencyStatus {
    if !state.is_completed() {
        DependencyStatus::Waiting
    } else if state.is_complete() {
        DependencyStatus::Satisfied
    } else {
        DependencyStatus::Never
    }
}

impl DependencyItem {
    /// This item's status (`_test_job_dependency_common()` in Slurm's `job_scheduler.c`):
    ///
    /// | type | Satisfied | Never |
    /// |---|---|---|
    /// | `after` | target not pending (array: no task pending), and `+MIN` elapsed since its start | — |
    /// | `afterany` | target ended (array: every task) | — |
    /// | `afterok` | target ended COMPLETED, exit 0 (array: every task) | it ended otherwise |
    /// | `afternotok` | target ended not OK (array: all ended, at least one not OK) | it ended OK |
    /// | `aftercorr` | the task with the dependent's own index ended OK | it ended otherwise |
    /// | `afterburstbuffer` | as `afterany` (hpcsched has no burst buffers) | — |
    /// | `singleton` | [`DependencyFacts::singleton_clear`] | — |
    ///
    /// A target that no longer exists lifts the item (Satisfied), whatever its type, as
    /// slurmctld does at run time ("job is gone, dependency lifted"); at submit, use
    /// [`Dependency::validate_targets`].
    ///
    /// ```
    /// use hpcsched::dependency::{DependencyFacts, DependencyStatus, TargetState};
    /// use hpcsched::{Dependency, JobId, Timestamp};
    /// struct Running;
    /// impl DependencyFacts for Running {
    ///     fn target(&self, _: JobId) -> Option<TargetState> { Some(TargetState::Running { start: Timestamp(0) }) }
    ///     fn task(&self, _: JobId, _: u32) -> Option<TargetState> { None }
    ///     fn singleton_clear(&self) -> bool { false }
    /// }
    /// let dep: Dependency = "after:1+10".parse()?;
    /// assert_eq!(dep.items[0].evaluate(Timestamp(599), &Running), DependencyStatus::Waiting);
    /// assert_eq!(dep.items[0].evaluate(Timestamp(600), &Running), DependencyStatus::Satisfied);
    /// # Ok::<(), hpcsched::dependency::DependencyError>(())
    /// ```
    pub fn evaluate(&self, now: Timestamp, facts: &impl DependencyFacts) -> DependencyStatus {
        use DependencyStatus::{Never, Satisfied, Waiting};
        let (kind, target, delay) = match self {
            Self::Singleton => {
                return if facts.singleton_clear() {
                    Satisfied
                } else {
                    Waiting
                };
            }
            Self::On {
                kind,
                target,
                delay,
            } => (*kind, *target, *delay),
        };
        if kind == DependencyKind::AfterCorr
            && let Some(own) = facts.dependent_task()
            && let Some(task) = facts.task(target.job(), own)
        {
            return ok_outcome(&task);
        }
        let Some(state) = lookup_target(target, facts) else {
            return Satisfied;
        };
        match kind {
            DependencyKind::After => {
                if state.is_pending() {
                    return Waiting;
                }
                match (delay, state.start()) {
                    (Some(d), Some(start)) if now.duration_since(start) < d => Waiting,
                    _ => Satisfied,
                }
            }
            DependencyKind::AfterAny | DependencyKind::AfterBurstBuffer => {
                if state.is_completed() {
                    Satisfied
                } else {
                    Waiting
                }
            }
            DependencyKind::AfterOk | DependencyKind::AfterCorr => ok_outcome(&state),
            DependencyKind::AfterNotOk => match ok_outcome(&state) {
                Satisfied => Never,
                Never => Satisfied,
                Waiting => Waiting,
            },
        }
    }

    /// When this item's status may change without any job changing state: the end of an
    /// `after:ID+MIN` delay that is running. `None` otherwise.
    fn next_change(&self, now: Timestamp, facts: &impl DependencyFacts) -> Option<Timestamp> {
        let Self::On {
            kind: DependencyKind::After,
            target,
            delay: Some(d),
        } = self
        else {
            return None;
        };
        let state = lookup_target(*target, facts)?;
        if state.is_pending() {
            return None;
        }
        let at = state.start()?.checked_add(*d)?;
        (at > now).then_some(at)
    }
}

/// Folds item statuses: `,` is Never as soon as one item is Never, Satisfied when all are;
/// `?` is Satisfied as soon as one item is, Never only when all are.
fn combine(
    combinator: Combinator,
    statuses: impl IntoIterator<Item = DependencyStatus>,
) -> DependencyStatus {
    use DependencyStatus::{Never, Satisfied, Waiting};
    let mut any_waiting = false;
    let mut any_never = false;
    for s in statuses {
        match (combinator, s) {
            (Combinator::All, Never) => return Never,
            (Combinator::Any, Satisfied) => return Satisfied,
            (_, Waiting) => any_waiting = true,
            (_, Never) => any_never = true,
            (_, Satisfied) => {}
        }
    }
    if any_waiting {
        Waiting
    } else if any_never {
        // Only reachable under `?`: nothing is left unfulfilled and nothing succeeded.
        Never
    } else {
        // `,` with every item satisfied, or no items at all.
        Satisfied
    }
}

impl Dependency {
    /// The whole expression's status (`test_job_dependency()`): with `,` every item must
    /// be Satisfied and one Never item makes it Never; with `?` one Satisfied item
    /// suffices and it is Never only when every item is Never. An expression without
    /// items is Satisfied.
    ///
    /// This is stateless. Slurm remembers each item's outcome (a fulfilled `singleton`
    /// stays fulfilled; a failed `afterok` stays failed after its target is purged); use
    /// [`DependencyTracker`] for that.
    ///
    /// ```
    /// use hpcsched::dependency::{DependencyFacts, DependencyStatus, TargetState};
    /// use hpcsched::{Dependency, JobId, JobState, Timestamp};
    /// struct T;
    /// impl DependencyFacts for T {
    ///     fn target(&self, id: JobId) -> Option<TargetState> {
    ///         Some(match id.0 {
    ///             1 => TargetState::Finished { state: JobState::Failed, exit_code: 2, start: None },
    ///             _ => TargetState::Pending,
    ///         })
    ///     }
    ///     fn task(&self, _: JobId, _: u32) -> Option<TargetState> { None }
    ///     fn singleton_clear(&self) -> bool { true }
    /// }
    /// let now = Timestamp(0);
    /// assert_eq!("afterok:1,afterok:2".parse::<Dependency>()?.evaluate(now, &T), DependencyStatus::Never);
    /// assert_eq!("afterok:1?afterok:2".parse::<Dependency>()?.evaluate(now, &T), DependencyStatus::Waiting);
    /// assert_eq!("afterok:1?afternotok:1".parse::<Dependency>()?.evaluate(now, &T), DependencyStatus::Satisfied);
    /// # Ok::<(), hpcsched::dependency::DependencyError>(())
    /// ```
    pub fn evaluate(&self, now: Timestamp, facts: &impl DependencyFacts) -> DependencyStatus {
        combine(
            self.combinator,
            self.items.iter().map(|i| i.evaluate(now, facts)),
        )
    }

    /// The earliest future moment at which the status may change by the clock alone (an
    /// `after:ID+MIN` delay expiring), so the host knows when to call back. `None` if only
    /// job state changes can change it, or it is already decided.
    ///
    /// ```
    /// use hpcsched::dependency::{DependencyFacts, TargetState};
    /// use hpcsched::{Dependency, JobId, Timestamp};
    /// struct Started;
    /// impl DependencyFacts for Started {
    ///     fn target(&self, id: JobId) -> Option<TargetState> { Some(TargetState::Running { start: Timestamp(u64::from(id.0) * 100) }) }
    ///     fn task(&self, _: JobId, _: u32) -> Option<TargetState> { None }
    ///     fn singleton_clear(&self) -> bool { true }
    /// }
    /// let dep: Dependency = "after:1+5:2+1".parse()?;
    /// // 1 started at 100 (+300 s), 2 at 200 (+60 s): the first change is at 260.
    /// assert_eq!(dep.next_change(Timestamp(250), &Started), Some(Timestamp(260)));
    /// assert_eq!(dep.next_change(Timestamp(300), &Started), Some(Timestamp(400)));
    /// assert_eq!(dep.next_change(Timestamp(400), &Started), None);
    /// # Ok::<(), hpcsched::dependency::DependencyError>(())
    /// ```
    pub fn next_change(&self, now: Timestamp, facts: &impl DependencyFacts) -> Option<Timestamp> {
        if self.evaluate(now, facts) != DependencyStatus::Waiting {
            return None;
        }
        self.items
            .iter()
            .filter_map(|i| i.next_change(now, facts))
            .min()
    }

    /// The submit-time checks of Slurm's `_update_job_dependency()`: an `afterok` or
    /// `afternotok` item must name an existing job or task (otherwise its outcome could
    /// never be known), and no item may name the submitting job itself (`own`: the job id,
    /// or for an array its array job id). Other types on a missing job are accepted (they
    /// are lifted when tested). Circular dependencies through other jobs are the
    /// scheduler's to detect.
    ///
    /// ```
    /// use hpcsched::dependency::{DependencyFacts, DependencyError, TargetState};
    /// use hpcsched::{Dependency, JobId};
    /// struct Empty;
    /// impl DependencyFacts for Empty {
    ///     fn target(&self, _: JobId) -> Option<TargetState> { None }
    ///     fn task(&self, _: JobId, _: u32) -> Option<TargetState> { None }
    ///     fn singleton_clear(&self) -> bool { true }
    /// }
    /// let own = JobId(10);
    /// assert!("afterany:5,singleton".parse::<Dependency>()?.validate_targets(own, &Empty).is_ok());
    /// let err = "afterok:5".parse::<Dependency>()?.validate_targets(own, &Empty).unwrap_err();
    /// assert_eq!(err.to_string(), "invalid dependency `afterok:5`: job 5 does not exist");
    /// # Ok::<(), DependencyError>(())
    /// ```
    pub fn validate_targets(
        &self,
        own: JobId,
        facts: &impl DependencyFacts,
    ) -> Result<(), DependencyError> {
        for item in &self.items {
            let DependencyItem::On { kind, target, .. } = item else {
                continue;
            };
            let text = || {
                Dependency {
                    combinator: Combinator::All,
                    items: vec![item.clone()],
                }
                .to_string()
            };
            if target.job() == own {
                return Err(invalid(&text(), "a job cannot depend on itself"));
            }
            if matches!(kind, DependencyKind::AfterOk | DependencyKind::AfterNotOk)
                && lookup_target(*target, facts).is_none()
            {
                return Err(invalid(&text(), format!("job {target} does not exist")));
            }
        }
        Ok(())
    }
}

/// A dependency with Slurm's per-item memory: once an item is Satisfied or Never it keeps
/// that outcome (`depend_state` FULFILLED / FAILED in slurmctld), so a fulfilled
/// `singleton` is not undone by a later job of the same name, and a failed `afterok`
/// stays failed after its target is purged.
///
/// ```
/// use hpcsched::dependency::{DependencyFacts, DependencyStatus, DependencyTracker, TargetState};
/// use hpcsched::{Dependency, JobId, JobState, Timestamp};
/// struct Facts(Option<TargetState>);
/// impl DependencyFacts for Facts {
///     fn target(&self, _: JobId) -> Option<TargetState> { self.0 }
///     fn task(&self, _: JobId, _: u32) -> Option<TargetState> { None }
///     fn singleton_clear(&self) -> bool { true }
/// }
/// let mut t = DependencyTracker::new("afterok:3".parse::<Dependency>()?);
/// let failed = TargetState::Finished { state: JobState::Failed, exit_code: 1, start: None };
/// assert_eq!(t.update(Timestamp(0), &Facts(Some(failed))), DependencyStatus::Never);
/// // Job 3 is purged later: still never, where a fresh evaluation would lift it.
/// assert_eq!(t.update(Timestamp(9), &Facts(None)), DependencyStatus::Never);
/// assert_eq!(t.dependency().evaluate(Timestamp(9), &Facts(None)), DependencyStatus::Satisfied);
/// # Ok::<(), hpcsched::dependency::DependencyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DependencyTracker {
    dependency: Dependency,
    /// One status per item; Waiting items are re-tested, the others are final.
    states: Vec<DependencyStatus>,
}

impl DependencyTracker {
    /// Starts tracking with every item undecided.
    ///
    /// ```
    /// use hpcsched::dependency::{DependencyFacts, DependencyStatus, DependencyTracker, TargetState};
    /// use hpcsched::{Dependency, JobId, Timestamp};
    /// struct Clear(bool);
    /// impl DependencyFacts for Clear {
    ///     fn target(&self, _: JobId) -> Option<TargetState> { Some(TargetState::Pending) }
    ///     fn task(&self, _: JobId, _: u32) -> Option<TargetState> { None }
    ///     fn singleton_clear(&self) -> bool { self.0 }
    /// }
    /// let mut t = DependencyTracker::new("singleton,afterany:4".parse::<Dependency>()?);
    /// assert_eq!(t.status(), DependencyStatus::Waiting);
    /// t.update(Timestamp(0), &Clear(true));
    /// t.update(Timestamp(1), &Clear(false)); // the singleton stays fulfilled
    /// assert_eq!(t.item_states(), [DependencyStatus::Satisfied, DependencyStatus::Waiting]);
    /// assert_eq!(t.dependency().to_string(), "singleton,afterany:4");
    /// assert_eq!(t.next_change(Timestamp(1), &Clear(false)), None);
    /// # Ok::<(), hpcsched::dependency::DependencyError>(())
    /// ```
    #[must_use]
    pub fn new(dependency: Dependency) -> Self {
        let states = vec![DependencyStatus::Waiting; dependency.items.len()];
        Self { dependency, states }
    }

    /// The tracked expression.
    ///
    /// See [`DependencyTracker::new`] for an example.
    #[must_use]
    pub fn dependency(&self) -> &Dependency {
        &self.dependency
    }

    /// Each item's remembered status, in item order.
    ///
    /// See [`DependencyTracker::new`] for an example.
    #[must_use]
    pub fn item_states(&self) -> &[DependencyStatus] {
        &self.states
    }

    /// Re-tests the undecided items and returns the overall status.
    ///
    /// See [`DependencyTracker::new`] for an example.
    pub fn update(&mut self, now: Timestamp, facts: &impl DependencyFacts) -> DependencyStatus {
        for (item, state) in self.dependency.items.iter().zip(self.states.iter_mut()) {
            if *state == DependencyStatus::Waiting {
                *state = item.evaluate(now, facts);
            }
        }
        self.status()
    }

    /// The overall status from the remembered item statuses, without re-testing.
    ///
    /// See [`DependencyTracker::new`] for an example.
    #[must_use]
    pub fn status(&self) -> DependencyStatus {
        combine(self.dependency.combinator, self.states.iter().copied())
    }

    /// As [`Dependency::next_change`], over the undecided items.
    ///
    /// See [`DependencyTracker::new`] for an example.
    pub fn next_change(&self, now: Timestamp, facts: &impl DependencyFacts) -> Option<Timestamp> {
        if self.status() != DependencyStatus::Waiting {
            return None;
        }
        self.dependency
            .items
            .iter()
            .zip(&self.states)
            .filter(|(_, s)| **s == DependencyStatus::Waiting)
            .filter_map(|(i, _)| i.next_change(now, facts))
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dep(s: &str) -> Dependency {
        s.parse().unwrap()
    }

    fn on(kind: DependencyKind, target: DependencyTarget) -> DependencyItem {
        DependencyItem::On {
            kind,
            target,
            delay: None,
        }
    }

    const J: fn(u32) -> DependencyTarget = |n| DependencyTarget::Job(JobId(n));

    #[test]
    fn sbatch_doc_examples() {
        use DependencyKind::{AfterAny, AfterOk};
        // sbatch.1: "-d afterok:20:21,afterany:23" and "-d afterok:20:21?afterany:23".
        let all = dep("afterok:20:21,afterany:23");
        assert_eq!(all.combinator, Combinator::All);
        assert_eq!(
            all.items,
            [on(AfterOk, J(20)), on(AfterOk, J(21)), on(AfterAny, J(23))]
        );
        assert_eq!(all.to_string(), "afterok:20:21,afterany:23");
        let any = dep("afterok:20:21?afterany:23");
        assert_eq!(any.combinator, Combinator::Any);
        assert_eq!(any.items, all.items);
        assert_eq!(any.to_string(), "afterok:20?afterok:21?afterany:23");
    }

    #[test]
    fn forms() {
        use DependencyKind::{After, AfterAny, AfterBurstBuffer, AfterCorr, AfterNotOk};
        let d = dep("after:42+30:43");
        assert_eq!(
            d.items,
            [
                DependencyItem::On {
                    kind: After,
                    target: J(42),
                    delay: Some(Duration::from_mins(30))
                },
                on(After, J(43))
            ]
        );
        assert_eq!(d.to_string(), "after:42+30:43");
        assert_eq!(dep("42").items, [on(AfterAny, J(42))]);
        assert_eq!(dep("42,43").to_string(), "afterany:42:43");
        assert_eq!(
            dep("AfterNotOK:1_7,aftercorr:2_*,afterburstbuffer:3").items,
            [
                on(AfterNotOk, DependencyTarget::Task(JobId(1), 7)),
                on(AfterCorr, J(2)),
                on(AfterBurstBuffer, J(3))
            ]
        );
        assert_eq!(
            dep("afterok:5_[1-3,7]").to_string(),
            "afterok:5_1:5_2:5_3:5_7"
        );
        assert_eq!(
            dep("afterok:5_[1,2]?afterany:6").combinator,
            Combinator::Any
        );
        let s = dep("singleton");
        assert!(s.is_singleton());
        assert_eq!(s.items, [DependencyItem::Singleton]);
        assert_eq!(s.to_string(), "singleton");
        assert_eq!(
            dep("SINGLETON,afterok:1").to_string(),
            "singleton,afterok:1"
        );
    }

    #[test]
    fn duplicates_dropped() {
        assert_eq!(dep("afterok:1:1,afterok:1").to_string(), "afterok:1");
        assert_eq!(dep("afterok:1,afterany:1").items.len(), 2);
        assert_eq!(dep("singleton,singleton").items.len(), 1);
        assert_eq!(dep("42_*,afterany:42").items.len(), 1);
    }

    #[test]
    fn malformed() {
        for (bad, why) in [
            ("", "empty"),
            (
                "afterok:1,afterok:2?afterok:3",
                "`,` and `?` cannot be mixed",
            ),
            ("afterok:", "missing job id after `afterok:`"),
            ("afterok:1:", "missing job id after `afterok:`"),
            ("afterok:1,", "empty item"),
            (",afterok:1", "empty item"),
            ("afterfoo:1", "unknown dependency type `afterfoo`"),
            (":1", "unknown dependency type ``"),
            ("afterok:x", "`x` is not a valid job id"),
            ("afterok:0", "`0` is not a valid job id"),
            ("afterok:67108864", "`67108864` is not a valid job id"),
            (
                "after:1+0",
                "`1+0`: delay must be a positive number of minutes",
            ),
            (
                "after:1+",
                "`1+`: delay must be a positive number of minutes",
            ),
            (
                "after:1+-5",
                "`1+-5`: delay must be a positive number of minutes",
            ),
            ("afterok:1_", "`1_`: bad array task id"),
            ("afterok:1_x", "`1_x`: bad array task id"),
            ("afterok:1_[]", "`1_[]`: bad array task list"),
            (
                "afterok:1_[0-99999]",
                "`1_[0-99999]` names more than 65536 tasks",
            ),
            ("1?2", "bare job id `1` is only allowed with `,`"),
            ("1+5", "`1+5`: a delay needs a type (`after:ID+MIN`)"),
            ("foo", "`foo` is neither `TYPE:ID` nor a job id"),
            (
                "singletonx",
                "`singletonx` is neither `TYPE:ID` nor a job id",
            ),
            ("afterok:1 ", "`1 ` is not a valid job id"),
        ] {
            match bad.parse::<Dependency>() {
                Err(DependencyError::Invalid { text, why: w }) => {
                    assert_eq!((text.as_str(), w.as_str()), (bad, why));
                }
                Ok(d) => panic!("`{bad}` parsed as {d:?}"),
            }
        }
    }

    fn arb_target() -> impl Strategy<Value = DependencyTarget> {
        prop_oneof![
            (1u32..100).prop_map(|j| DependencyTarget::Job(JobId(j))),
            (1u32..100, 0u32..10).prop_map(|(j, t)| DependencyTarget::Task(JobId(j), t)),
        ]
    }

    fn arb_kind() -> impl Strategy<Value = DependencyKind> {
        prop_oneof![
            Just(DependencyKind::After),
            Just(DependencyKind::AfterAny),
            Just(DependencyKind::AfterOk),
            Just(DependencyKind::AfterNotOk),
            Just(DependencyKind::AfterCorr),
            Just(DependencyKind::AfterBurstBuffer),
        ]
    }

    fn arb_item() -> impl Strategy<Value = DependencyItem> {
        prop_oneof![
            1 => Just(DependencyItem::Singleton),
            6 => (arb_kind(), arb_target(), proptest::option::of(1u64..1000)).prop_map(
                |(kind, target, d)| DependencyItem::On {
                    kind,
                    target,
                    delay: d.map(Duration::from_mins)
                }
            ),
        ]
    }

    fn arb_dep() -> impl Strategy<Value = Dependency> {
        (
            proptest::collection::vec(arb_item(), 1..8),
            prop_oneof![Just(Combinator::All), Just(Combinator::Any)],
        )
            .prop_map(|(items, combinator)| {
                // Keep the first of each (kind, target) and one singleton, like the parser.
                let mut seen = Vec::new();
                let items = items
                    .into_iter()
                    .filter(|i| {
                        let key = match i {
                            DependencyItem::On { kind, target, .. } => Some((*kind, *target)),
                            DependencyItem::Singleton => None,
                        };
                        if seen.contains(&key) {
                            false
                        } else {
                            seen.push(key);
                            true
                        }
                    })
                    .collect();
                Dependency { combinator, items }
            })
    }

    proptest! {
        #[test]
        fn round_trip(d in arb_dep()) {
            let text = d.to_string();
            let back: Dependency = text.parse().unwrap();
            // A lone item has no separator to say which combinator it used: it reads as All.
            if d.items.len() > 1 {
                prop_assert_eq!(back, d);
            } else {
                prop_assert_eq!(back, Dependency { combinator: Combinator::All, items: d.items });
            }
        }

        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = s.parse::<Dependency>();
        }

        #[test]
        fn parse_display_is_a_fixed_point(s in "(singleton|after(ok|any|notok)?:[1-9]{1,3}(_[0-9])?)([,?](singleton|afterok:[1-9]{1,3})){0,3}") {
            if let Ok(d) = s.parse::<Dependency>() {
                let again: Dependency = d.to_string().parse().unwrap();
                prop_assert_eq!(again, d);
            }
        }

        #[test]
        fn never_panics_targeted(s in "(after(ok|any|corr)?|singleton|[0-9_*+:,?\\[\\]-]){0,8}") {
            if let Ok(d) = s.parse::<Dependency>() {
                let again: Dependency = d.to_string().parse().unwrap();
                prop_assert_eq!(again.items, d.items);
            }
        }
    }
    // ----- evaluation -----

    use std::collections::BTreeMap;

    #[derive(Default)]
    struct Table {
        jobs: BTreeMap<u32, TargetState>,
        tasks: BTreeMap<(u32, u32), TargetState>,
        singleton: bool,
        own_task: Option<u32>,
    }

    impl DependencyFacts for Table {
        fn target(&self, id: JobId) -> Option<TargetState> {
            self.jobs.get(&id.0).copied()
        }
        fn task(&self, array: JobId, task: u32) -> Option<TargetState> {
            self.tasks.get(&(array.0, task)).copied()
        }
        fn singleton_clear(&self) -> bool {
            self.singleton
        }
        fn dependent_task(&self) -> Option<u32> {
            self.own_task
        }
    }

    fn fin(state: JobState, exit_code: i32) -> TargetState {
        TargetState::Finished {
            state,
            exit_code,
            start: Some(Timestamp(100)),
        }
    }

    fn arr(pending: u64, running: u64, ok: u64, not_ok: u64) -> TargetState {
        TargetState::Array(ArrayProgress {
            pending,
            running,
            completed_ok: ok,
            completed_not_ok: not_ok,
            last_start: (pending + running + ok + not_ok > pending).then_some(Timestamp(100)),
        })
    }

    fn status_of(expr: &str, table: &Table, now: u64) -> DependencyStatus {
        dep(expr).evaluate(Timestamp(now), table)
    }

    #[test]
    fn truth_table_plain_jobs() {
        use DependencyStatus::{Never as N, Satisfied as S, Waiting as W};
        // Targets: 1 missing, 2 pending, 3 running, 4 COMPLETED/0, 5 FAILED, 6 CANCELLED
        // while pending (no start), 7 TIMEOUT, 8 OUT_OF_MEMORY, 9 NODE_FAIL, 10 PREEMPTED,
        // 11 COMPLETED with a nonzero exit code (not OK), 12 suspended (reported running).
        let mut t = Table::default();
        t.jobs.insert(2, TargetState::Pending);
        t.jobs.insert(
            3,
            TargetState::Running {
                start: Timestamp(100),
            },
        );
        t.jobs.insert(4, fin(JobState::Completed, 0));
        t.jobs.insert(5, fin(JobState::Failed, 1));
        t.jobs.insert(
            6,
            TargetState::Finished {
                state: JobState::Cancelled,
                exit_code: 0,
                start: None,
            },
        );
        t.jobs.insert(7, fin(JobState::Timeout, 0));
        t.jobs.insert(8, fin(JobState::OutOfMemory, 0));
        t.jobs.insert(9, fin(JobState::NodeFail, 0));
        t.jobs.insert(10, fin(JobState::Preempted, 0));
        t.jobs.insert(11, fin(JobState::Completed, 3));
        t.jobs.insert(
            12,
            TargetState::Running {
                start: Timestamp(50),
            },
        );
        #[rustfmt::skip]
        let table: [(&str, [DependencyStatus; 12]); 6] = [
            //                  1  2  3  4  5  6  7  8  9  10 11 12
            ("after",          [S, W, S, S, S, S, S, S, S, S, S, S]),
            ("afterany",       [S, W, W, S, S, S, S, S, S, S, S, W]),
            ("afterok",        [S, W, W, S, N, N, N, N, N, N, N, W]),
            ("afternotok",     [S, W, W, N, S, S, S, S, S, S, S, W]),
            ("aftercorr",      [S, W, W, S, N, N, N, N, N, N, N, W]),
            ("afterburstbuffer", [S, W, W, S, S, S, S, S, S, S, S, W]),
        ];
        for (kind, expected) in table {
            for (job, want) in (1..=12).zip(expected) {
                let expr = format!("{kind}:{job}");
                assert_eq!(status_of(&expr, &t, 1000), want, "{expr}");
            }
        }
    }

    #[test]
    fn truth_table_whole_arrays() {
        use DependencyStatus::{Never as N, Satisfied as S, Waiting as W};
        let mut t = Table::default();
        // 1: all pending; 2: some pending, one running, one ok; 3: none pending, two
        // running; 4: all ok; 5: all ended, one not ok; 6: one pending, one failed.
        for (id, state) in [
            (1, arr(3, 0, 0, 0)),
            (2, arr(1, 1, 1, 0)),
            (3, arr(0, 2, 1, 0)),
            (4, arr(0, 0, 4, 0)),
            (5, arr(0, 0, 3, 1)),
            (6, arr(1, 0, 0, 1)),
        ] {
            t.jobs.insert(id, state);
        }
        #[rustfmt::skip]
        let table: [(&str, [DependencyStatus; 6]); 4] = [
            //              1  2  3  4  5  6
            ("after",      [W, W, S, S, S, W]),
            ("afterany",   [W, W, W, S, S, W]),
            ("afterok",    [W, W, W, S, N, W]),
            ("afternotok", [W, W, W, N, S, W]),
        ];
        for (kind, expected) in table {
            for (job, want) in (1..=6).zip(expected) {
                for expr in [format!("{kind}:{job}"), format!("{kind}:{job}_*")] {
                    assert_eq!(status_of(&expr, &t, 1000), want, "{expr}");
                }
            }
        }
    }

    #[test]
    fn single_tasks_and_aftercorr() {
        use DependencyStatus::{Never, Satisfied, Waiting};
        let mut t = Table::default();
        t.jobs.insert(42, arr(1, 1, 1, 1));
        t.tasks.insert((42, 0), fin(JobState::Completed, 0));
        t.tasks.insert((42, 1), fin(JobState::Failed, 2));
        t.tasks.insert(
            (42, 2),
            TargetState::Running {
                start: Timestamp(100),
            },
        );
        t.tasks.insert((42, 3), TargetState::Pending);
        assert_eq!(status_of("afterok:42_0", &t, 1000), Satisfied);
        assert_eq!(status_of("afterok:42_1", &t, 1000), Never);
        assert_eq!(status_of("afternotok:42_1", &t, 1000), Satisfied);
        assert_eq!(status_of("after:42_2", &t, 1000), Satisfied);
        assert_eq!(status_of("afterany:42_2", &t, 1000), Waiting);
        assert_eq!(status_of("after:42_3", &t, 1000), Waiting);
        // A task the array does not have is gone: lifted.
        assert_eq!(status_of("afterok:42_9", &t, 1000), Satisfied);
        // aftercorr follows the dependent's own index.
        for (own, want) in [(0, Satisfied), (1, Never), (2, Waiting), (3, Waiting)] {
            t.own_task = Some(own);
            assert_eq!(status_of("aftercorr:42", &t, 1000), want, "task {own}");
        }
        // No corresponding task: the whole array decides, as afterok.
        t.own_task = Some(7);
        assert_eq!(status_of("aftercorr:42", &t, 1000), Waiting);
        t.jobs.insert(42, arr(0, 0, 3, 0));
        assert_eq!(status_of("aftercorr:42", &t, 1000), Satisfied);
        t.jobs.insert(42, arr(0, 0, 2, 1));
        assert_eq!(status_of("aftercorr:42", &t, 1000), Never);
        // A plain (non-array) dependent: afterok on the target.
        t.own_task = None;
        assert_eq!(status_of("aftercorr:42", &t, 1000), Never);
    }

    #[test]
    fn delays_and_next_change() {
        use DependencyStatus::{Satisfied, Waiting};
        let mut t = Table::default();
        t.jobs.insert(
            1,
            TargetState::Running {
                start: Timestamp(1000),
            },
        );
        t.jobs.insert(2, TargetState::Pending);
        t.jobs.insert(3, arr(0, 2, 0, 0));
        let d = dep("after:1+10");
        assert_eq!(d.evaluate(Timestamp(1599), &t), Waiting);
        assert_eq!(d.next_change(Timestamp(1599), &t), Some(Timestamp(1600)));
        assert_eq!(d.evaluate(Timestamp(1600), &t), Satisfied);
        assert_eq!(d.next_change(Timestamp(1600), &t), None);
        // A pending target has no clock-driven change.
        assert_eq!(status_of("after:2+1", &t, 5000), Waiting);
        assert_eq!(dep("after:2+1").next_change(Timestamp(0), &t), None);
        // Array: from the last task start (100).
        assert_eq!(status_of("after:3+2", &t, 219), Waiting);
        assert_eq!(
            dep("after:3+2").next_change(Timestamp(0), &t),
            Some(Timestamp(220))
        );
        assert_eq!(status_of("after:3+2", &t, 220), Satisfied);
        // Under `?`, the earliest expiring delay; once decided, no callback.
        let any = dep("after:1+20?after:3+1");
        assert_eq!(any.next_change(Timestamp(0), &t), Some(Timestamp(160)));
        assert_eq!(any.next_change(Timestamp(160), &t), None);
        // A delay on a type other than `after` is ignored, as in Slurm.
        t.jobs.insert(4, fin(JobState::Completed, 0));
        assert_eq!(status_of("afterok:4+60", &t, 101), Satisfied);
        assert_eq!(dep("afterok:1+60").next_change(Timestamp(0), &t), None);
        // A cancelled-while-pending target without a start time: the delay cannot run.
        t.jobs.insert(
            5,
            TargetState::Finished {
                state: JobState::Cancelled,
                exit_code: 0,
                start: None,
            },
        );
        assert_eq!(status_of("after:5+60", &t, 0), Satisfied);
    }

    #[test]
    fn combinators() {
        use DependencyStatus::{Never, Satisfied, Waiting};
        let mut t = Table::default();
        t.jobs.insert(1, fin(JobState::Completed, 0)); // ok
        t.jobs.insert(2, fin(JobState::Failed, 1)); // not ok
        t.jobs.insert(3, TargetState::Pending);
        for (expr, want) in [
            ("afterok:1,afterok:1_*", Satisfied),
            ("afterok:1,afterok:3", Waiting),
            ("afterok:1,afterok:2", Never),
            ("afterok:3,afterok:2", Never), // Never wins over Waiting under `,`
            ("afterok:3?afterok:1", Satisfied),
            ("afterok:2?afterok:3", Waiting),
            ("afterok:2?afternotok:1", Never),
            ("afterok:2?afterok:1", Satisfied),
            ("singleton,afterok:1", Waiting),
            ("singleton?afterok:1", Satisfied),
        ] {
            assert_eq!(status_of(expr, &t, 0), want, "{expr}");
        }
        t.singleton = true;
        assert_eq!(status_of("singleton,afterok:1", &t, 0), Satisfied);
        assert_eq!(status_of("singleton,afterok:3", &t, 0), Waiting);
        let empty = Dependency {
            combinator: Combinator::Any,
            items: Vec::new(),
        };
        assert_eq!(empty.evaluate(Timestamp(0), &t), Satisfied);
    }

    #[test]
    fn validate_at_submit() {
        let mut t = Table::default();
        t.jobs.insert(5, TargetState::Pending);
        t.tasks.insert((6, 1), TargetState::Pending);
        let own = JobId(100);
        for ok in [
            "afterok:5",
            "afternotok:6_1",
            "after:77",
            "afterany:77",
            "aftercorr:77",
            "singleton",
        ] {
            assert_eq!(dep(ok).validate_targets(own, &t), Ok(()), "{ok}");
        }
        for (bad, text, why) in [
            ("afterok:77", "afterok:77", "job 77 does not exist"),
            (
                "afterany:5,afternotok:6_2",
                "afternotok:6_2",
                "job 6_2 does not exist",
            ),
            ("after:100", "after:100", "a job cannot depend on itself"),
            (
                "afterok:100_3",
                "afterok:100_3",
                "a job cannot depend on itself",
            ),
        ] {
            assert_eq!(
                dep(bad).validate_targets(own, &t),
                Err(DependencyError::Invalid {
                    text: text.into(),
                    why: why.into()
                }),
                "{bad}"
            );
        }
    }

    #[test]
    fn tracker_remembers_outcomes() {
        use DependencyStatus::{Never, Satisfied, Waiting};
        let mut t = Table {
            singleton: true,
            ..Table::default()
        };
        t.jobs.insert(1, TargetState::Pending);
        let mut tr = DependencyTracker::new(dep("singleton,afterok:1"));
        assert_eq!(tr.update(Timestamp(0), &t), Waiting);
        assert_eq!(tr.item_states(), [Satisfied, Waiting]);
        // Another job of the same name starts: the fulfilled singleton stays fulfilled.
        t.singleton = false;
        t.jobs.insert(1, fin(JobState::Completed, 0));
        assert_eq!(
            dep("singleton,afterok:1").evaluate(Timestamp(1), &t),
            Waiting
        );
        assert_eq!(tr.update(Timestamp(1), &t), Satisfied);
        assert_eq!(tr.status(), Satisfied);
        assert_eq!(tr.next_change(Timestamp(1), &t), None);
        // Delays through the tracker.
        t.jobs.insert(
            2,
            TargetState::Running {
                start: Timestamp(0),
            },
        );
        let mut tr = DependencyTracker::new(dep("after:2+1,afterok:3"));
        t.jobs.insert(3, TargetState::Pending);
        assert_eq!(tr.update(Timestamp(10), &t), Waiting);
        assert_eq!(tr.next_change(Timestamp(10), &t), Some(Timestamp(60)));
        t.jobs.insert(3, fin(JobState::Failed, 1));
        assert_eq!(tr.update(Timestamp(11), &t), Never);
        assert_eq!(tr.next_change(Timestamp(11), &t), None);
        assert_eq!(tr.dependency(), &dep("after:2+1,afterok:3"));
    }

    fn arb_state() -> impl Strategy<Value = Option<TargetState>> {
        prop_oneof![
            Just(None),
            Just(Some(TargetState::Pending)),
            (0u64..2000).prop_map(|s| Some(TargetState::Running {
                start: Timestamp(s)
            })),
            (0usize..12, -2i32..3, proptest::option::of(0u64..2000)).prop_map(|(i, e, s)| {
                Some(TargetState::Finished {
                    state: JobState::ALL[i],
                    exit_code: e,
                    start: s.map(Timestamp),
                })
            }),
            (
                0u64..3,
                0u64..3,
                0u64..3,
                0u64..3,
                proptest::option::of(0u64..2000)
            )
                .prop_map(|(p, r, o, n, s)| Some(TargetState::Array(ArrayProgress {
                    pending: p,
                    running: r,
                    completed_ok: o,
                    completed_not_ok: n,
                    last_start: s.map(Timestamp),
                }))),
        ]
    }

    proptest! {
        #[test]
        fn combinator_laws(d in arb_dep(), states in proptest::collection::vec(arb_state(), 100), single in any::<bool>(), own in proptest::option::of(0u32..10), now in 0u64..5000) {
            let mut t = Table { singleton: single, own_task: own, ..Table::default() };
            for (j, s) in (1u32..).zip(states) {
                if let Some(s) = s {
                    t.jobs.insert(j, s);
                    t.tasks.insert((j, j % 10), s);
                }
            }
            let now = Timestamp(now);
            let items: Vec<_> = d.items.iter().map(|i| i.evaluate(now, &t)).collect();
            let all = d.evaluate(now, &t);
            let expected = match d.combinator {
                Combinator::All if items.contains(&DependencyStatus::Never) => DependencyStatus::Never,
                Combinator::All if items.contains(&DependencyStatus::Waiting) => DependencyStatus::Waiting,
                Combinator::All => DependencyStatus::Satisfied,
                Combinator::Any if items.contains(&DependencyStatus::Satisfied) => DependencyStatus::Satisfied,
                Combinator::Any if items.contains(&DependencyStatus::Waiting) => DependencyStatus::Waiting,
                Combinator::Any => DependencyStatus::Never,
            };
            prop_assert_eq!(all, expected);
            // A tracker fresh from new() agrees with the stateless evaluation.
            let mut tr = DependencyTracker::new(d.clone());
            prop_assert_eq!(tr.update(now, &t), all);
            // next_change only when waiting, and only in the future.
            if let Some(at) = d.next_change(now, &t) {
                prop_assert_eq!(all, DependencyStatus::Waiting);
                prop_assert!(at > now);
            }
        }
    }
}

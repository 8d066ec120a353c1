//! `--dependency` expressions: `afterok:42:43,afterany:44`, `after:42+30`, `afterok:7?afternotok:8`,
//! `singleton`, array targets (`42_3`, `42_*`).

use crate::array::ArraySpec;
use crate::job_id::{JobId, parse_u32_digits};
use crate::time::Duration;
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
}

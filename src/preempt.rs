//! Preemption modes (`PreemptMode=REQUEUE`, `SUSPEND,GANG`, ...) shared by the cluster,
//! partitions and QOS.
//!
//! The grammar follows `preempt_mode_num()` in Slurm's `src/common/slurm_protocol_defs.c`:
//! a comma-separated, case-insensitive list holding **at most one** of `OFF` (alias
//! `CLUSTER`), `CANCEL`, `REQUEUE`, `SUSPEND` (alias `ON`), plus the modifiers `GANG` and
//! `WITHIN`. `GANG` and `WITHIN` together are rejected, as Slurm rejects them; so is
//! `PRIORITY`, which Slurm 22.05 does not know (it came later). For a QOS, `OFF` and
//! `CLUSTER` both mean "use the cluster's mode": see [`parse_qos_preempt_mode`].
//!
//! [`PreemptType`] names the plugin that says who may preempt whom.

use bitflags::bitflags;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

bitflags! {
    /// A `PreemptMode` value. The empty set is `OFF`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    pub struct PreemptMode: u8 {
        /// `CANCEL`
        const CANCEL = 1 << 0;
        /// `REQUEUE`
        const REQUEUE = 1 << 1;
        /// `SUSPEND`
        const SUSPEND = 1 << 2;
        /// `GANG`
        const GANG = 1 << 3;
        /// `WITHIN`
        const WITHIN = 1 << 4;
    }
}

/// `PreemptType`: who may preempt whom.
///
/// ```
/// use hpcsched::preempt::PreemptType;
/// assert_eq!("preempt/partition_prio".parse::<PreemptType>(), Ok(PreemptType::PartitionPrio));
/// assert!("preempt/bogus".parse::<PreemptType>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum PreemptType {
    /// `preempt/none` (the default): no job preempts another.
    #[default]
    None,
    /// `preempt/partition_prio`: a job of a partition with a higher `PriorityTier` may
    /// preempt jobs of lower-tier partitions sharing its nodes.
    PartitionPrio,
    /// `preempt/qos`: a job may preempt the jobs of the QOS its QOS's `Preempt` lists.
    Qos,
}

impl FromStr for PreemptType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "preempt/none" => Ok(PreemptType::None),
            "preempt/partition_prio" => Ok(PreemptType::PartitionPrio),
            "preempt/qos" => Ok(PreemptType::Qos),
            _ => Err(format!(
                "invalid PreemptType `{s}`: expected preempt/none, preempt/partition_prio or preempt/qos"
            )),
        }
    }
}

impl fmt::Display for PreemptType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PreemptType::None => "preempt/none",
            PreemptType::PartitionPrio => "preempt/partition_prio",
            PreemptType::Qos => "preempt/qos",
        })
    }
}

/// What preemption does to a running job: its `PreemptMode` once `GANG` and `WITHIN`
/// are set aside (see [`crate::Decision::Preempt`]).
///
/// ```
/// use hpcsched::preempt::PreemptAction;
/// assert_eq!(PreemptAction::Requeue.to_string(), "REQUEUE");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum PreemptAction {
    /// The job ends PREEMPTED.
    Cancel,
    /// The job's run ends PREEMPTED and the job pends again (Slurm's `--requeue`); a job
    /// that may not be requeued is cancelled instead.
    Requeue,
    /// The job is SUSPENDED and resumed when the preemptor ends (`SUSPEND,GANG`).
    Suspend,
}

impl fmt::Display for PreemptAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PreemptAction::Cancel => "CANCEL",
            PreemptAction::Requeue => "REQUEUE",
            PreemptAction::Suspend => "SUSPEND",
        })
    }
}

/// Why a `PreemptMode` value was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PreemptModeError {
    /// An unknown mode name.
    #[error(
        "invalid PreemptMode `{text}`: expected OFF, CLUSTER, CANCEL, REQUEUE, SUSPEND, GANG or WITHIN"
    )]
    Invalid {
        /// The offending text.
        text: String,
    },
    /// Known words in a combination Slurm rejects (two base modes, `GANG` with `WITHIN`,
    /// `CLUSTER` with anything).
    #[error("invalid PreemptMode `{text}`: {why}")]
    Conflict {
        /// The offending text.
        text: String,
        /// What is wrong with it.
        why: &'static str,
    },
}

impl PreemptMode {
    /// What it does to a preempted job (its base mode), if anything.
    ///
    /// ```
    /// use hpcsched::PreemptMode;
    /// use hpcsched::preempt::PreemptAction;
    /// assert_eq!("gang,suspend".parse::<PreemptMode>()?.action(), Some(PreemptAction::Suspend));
    /// assert_eq!("GANG".parse::<PreemptMode>()?.action(), None);
    /// # Ok::<(), hpcsched::preempt::PreemptModeError>(())
    /// ```
    #[must_use]
    pub fn action(self) -> Option<PreemptAction> {
        if self.contains(PreemptMode::CANCEL) {
            Some(PreemptAction::Cancel)
        } else if self.contains(PreemptMode::REQUEUE) {
            Some(PreemptAction::Requeue)
        } else if self.contains(PreemptMode::SUSPEND) {
            Some(PreemptAction::Suspend)
        } else {
            None
        }
    }

    /// Whether this is `OFF` (no base mode and no modifier).
    ///
    /// ```
    /// use hpcsched::PreemptMode;
    /// assert!("off".parse::<PreemptMode>()?.is_off());
    /// assert!(!"GANG".parse::<PreemptMode>()?.is_off());
    /// # Ok::<(), hpcsched::preempt::PreemptModeError>(())
    /// ```
    #[must_use]
    pub const fn is_off(self) -> bool {
        self.is_empty()
    }
}

/// Parses a `PreemptMode` value for slurm.conf or a partition (see the module docs).
///
/// ```
/// use hpcsched::PreemptMode;
/// assert_eq!("suspend,gang".parse::<PreemptMode>()?, PreemptMode::SUSPEND | PreemptMode::GANG);
/// assert_eq!("OFF".parse::<PreemptMode>()?, PreemptMode::empty());
/// assert!("CANCEL,REQUEUE".parse::<PreemptMode>().is_err());
/// # Ok::<(), hpcsched::preempt::PreemptModeError>(())
/// ```
impl FromStr for PreemptMode {
    type Err = PreemptModeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s, false).map(|m| m.unwrap_or(PreemptMode::empty()))
    }
}

/// Parses a QOS `PreemptMode`: like [`PreemptMode::from_str`], except that `OFF` and
/// `CLUSTER` (alone) give `None`, "use the cluster's mode" (sacctmgr.1: "Unsetting ...
/// by specifying OFF, '' or Cluster"; sacctmgr stores 0 for both).
///
/// ```
/// use hpcsched::PreemptMode;
/// use hpcsched::preempt::parse_qos_preempt_mode;
/// assert_eq!(parse_qos_preempt_mode("cluster")?, None);
/// assert_eq!(parse_qos_preempt_mode("off")?, None);
/// assert_eq!(parse_qos_preempt_mode("requeue")?, Some(PreemptMode::REQUEUE));
/// assert!(parse_qos_preempt_mode("cluster,cancel").is_err());
/// # Ok::<(), hpcsched::preempt::PreemptModeError>(())
/// ```
pub fn parse_qos_preempt_mode(s: &str) -> Result<Option<PreemptMode>, PreemptModeError> {
    parse(s, true)
}

fn parse(s: &str, allow_cluster: bool) -> Result<Option<PreemptMode>, PreemptModeError> {
    let conflict = |why| PreemptModeError::Conflict {
        text: s.to_owned(),
        why,
    };
    let mut mode = PreemptMode::empty();
    let mut bases = 0;
    for tok in s.split(',') {
        let word = tok.to_ascii_uppercase();
        let (flag, is_base) = match word.as_str() {
            "OFF" | "CLUSTER" => (PreemptMode::empty(), true),
            "CANCEL" => (PreemptMode::CANCEL, true),
            "REQUEUE" => (PreemptMode::REQUEUE, true),
            "SUSPEND" | "ON" => (PreemptMode::SUSPEND, true),
            "GANG" => (PreemptMode::GANG, false),
            "WITHIN" => (PreemptMode::WITHIN, false),
            _ => {
                return Err(PreemptModeError::Invalid { text: s.to_owned() });
            }
        };
        if is_base {
            bases += 1;
        }
        mode |= flag;
    }
    if bases > 1 {
        return Err(conflict(
            "only one of OFF, CANCEL, REQUEUE and SUSPEND may be given",
        ));
    }
    if mode.contains(PreemptMode::GANG | PreemptMode::WITHIN) {
        return Err(conflict("GANG and WITHIN cannot be combined"));
    }
    if allow_cluster && mode.is_empty() {
        return Ok(None);
    }
    Ok(Some(mode))
}

/// Slurm's spelling (`preempt_mode_string()`): `OFF`, or the modifier `GANG`/`WITHIN`
/// first, then the base mode (`GANG,SUSPEND`, `WITHIN,REQUEUE`).
///
/// ```
/// use hpcsched::PreemptMode;
/// assert_eq!((PreemptMode::SUSPEND | PreemptMode::GANG).to_string(), "GANG,SUSPEND");
/// assert_eq!(PreemptMode::empty().to_string(), "OFF");
/// ```
impl fmt::Display for PreemptMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("OFF");
        }
        let order = [
            (PreemptMode::GANG, "GANG"),
            (PreemptMode::WITHIN, "WITHIN"),
            (PreemptMode::CANCEL, "CANCEL"),
            (PreemptMode::REQUEUE, "REQUEUE"),
            (PreemptMode::SUSPEND, "SUSPEND"),
        ];
        let mut first = true;
        for (flag, name) in order {
            if self.contains(flag) {
                if !first {
                    f.write_str(",")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The base modes; at most one may be given.
    const BASE: PreemptMode = PreemptMode::CANCEL
        .union(PreemptMode::REQUEUE)
        .union(PreemptMode::SUSPEND);

    fn pm(s: &str) -> Result<PreemptMode, PreemptModeError> {
        s.parse()
    }

    #[test]
    fn documented_values() {
        // slurm.conf.5 PreemptMode.
        assert_eq!(pm("OFF"), Ok(PreemptMode::empty()));
        assert_eq!(pm("CANCEL"), Ok(PreemptMode::CANCEL));
        assert_eq!(pm("REQUEUE"), Ok(PreemptMode::REQUEUE));
        assert_eq!(
            pm("SUSPEND,GANG"),
            Ok(PreemptMode::SUSPEND | PreemptMode::GANG)
        );
        assert_eq!(pm("GANG"), Ok(PreemptMode::GANG));
        assert_eq!(
            pm("within,requeue"),
            Ok(PreemptMode::WITHIN | PreemptMode::REQUEUE)
        );
        assert_eq!(pm("on"), Ok(PreemptMode::SUSPEND));
        assert_eq!(pm("OFF,GANG"), Ok(PreemptMode::GANG));
        // `cluster` is OFF's other name (`preempt_mode_num()`).
        assert_eq!(pm("cluster"), Ok(PreemptMode::empty()));
        assert_eq!(
            pm("REQUEUE,GANG"),
            Ok(PreemptMode::REQUEUE | PreemptMode::GANG)
        );
    }

    #[test]
    fn rejected_values() {
        // PRIORITY is newer than Slurm 22.05, which rejects it.
        for text in [
            "",
            "cancel,",
            ",cancel",
            "bogus",
            "SUSPEND GANG",
            "priority",
            "REQUEUE,PRIORITY",
        ] {
            let err = pm(text).unwrap_err();
            assert_eq!(
                err,
                PreemptModeError::Invalid {
                    text: text.to_owned()
                },
                "{text}"
            );
            assert!(err.to_string().contains(&format!("`{text}`")));
        }
        for (text, why) in [
            (
                "CANCEL,REQUEUE",
                "only one of OFF, CANCEL, REQUEUE and SUSPEND may be given",
            ),
            (
                "suspend,on",
                "only one of OFF, CANCEL, REQUEUE and SUSPEND may be given",
            ),
            (
                "OFF,CANCEL",
                "only one of OFF, CANCEL, REQUEUE and SUSPEND may be given",
            ),
            ("GANG,WITHIN,SUSPEND", "GANG and WITHIN cannot be combined"),
        ] {
            let err = pm(text).unwrap_err();
            assert_eq!(
                err,
                PreemptModeError::Conflict {
                    text: text.to_owned(),
                    why
                },
                "{text}"
            );
            assert!(err.to_string().contains(&format!("`{text}`")));
        }
    }

    #[test]
    fn qos_values() {
        assert_eq!(parse_qos_preempt_mode("CLUSTER"), Ok(None));
        assert_eq!(parse_qos_preempt_mode("Cluster"), Ok(None));
        // OFF stores 0 for a QOS, which is "the cluster's mode".
        assert_eq!(parse_qos_preempt_mode("off"), Ok(None));
        assert_eq!(
            parse_qos_preempt_mode("suspend,gang"),
            Ok(Some(PreemptMode::SUSPEND | PreemptMode::GANG))
        );
        assert_eq!(
            parse_qos_preempt_mode("cluster,cancel"),
            Err(PreemptModeError::Conflict {
                text: "cluster,cancel".into(),
                why: "only one of OFF, CANCEL, REQUEUE and SUSPEND may be given"
            })
        );
        assert_eq!(
            parse_qos_preempt_mode("cluster,gang"),
            Ok(Some(PreemptMode::GANG))
        );
    }

    #[test]
    fn display() {
        assert_eq!(PreemptMode::empty().to_string(), "OFF");
        assert_eq!(PreemptMode::CANCEL.to_string(), "CANCEL");
        assert_eq!(
            (PreemptMode::GANG | PreemptMode::SUSPEND).to_string(),
            "GANG,SUSPEND"
        );
        assert_eq!(
            (PreemptMode::WITHIN | PreemptMode::REQUEUE).to_string(),
            "WITHIN,REQUEUE"
        );
        assert_eq!(BASE.bits().count_ones(), 3);
    }

    fn arb_mode() -> impl Strategy<Value = PreemptMode> {
        (
            prop_oneof![
                Just(PreemptMode::empty()),
                Just(PreemptMode::CANCEL),
                Just(PreemptMode::REQUEUE),
                Just(PreemptMode::SUSPEND)
            ],
            prop_oneof![
                Just(PreemptMode::empty()),
                Just(PreemptMode::GANG),
                Just(PreemptMode::WITHIN)
            ],
        )
            .prop_map(|(base, modifier)| base | modifier)
    }

    proptest! {
        #[test]
        fn round_trips(m in arb_mode()) {
            prop_assert_eq!(pm(&m.to_string()), Ok(m));
            let qos = parse_qos_preempt_mode(&m.to_string());
            prop_assert_eq!(qos, Ok((!m.is_empty()).then_some(m)));
        }

        #[test]
        fn parsed_modes_are_valid(s in "(off|cancel|requeue|suspend|on|gang|within|priority|cluster|,){0,6}") {
            if let Ok(m) = pm(&s) {
                prop_assert!((m & BASE).bits().count_ones() <= 1);
                prop_assert!(!m.contains(PreemptMode::GANG | PreemptMode::WITHIN));
                prop_assert_eq!(pm(&m.to_string()), Ok(m));
            }
        }

        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = pm(&s);
            let _ = parse_qos_preempt_mode(&s);
        }
    }
}

//! Preemption modes (`PreemptMode=REQUEUE`, `SUSPEND,GANG`, ...) shared by the cluster,
//! partitions and QOS.
//!
//! The grammar follows `preempt_mode_num()` in Slurm's `src/common/slurm_protocol_defs.c`:
//! a comma-separated, case-insensitive list holding **at most one** of `OFF`, `CANCEL`,
//! `REQUEUE`, `SUSPEND` (alias `ON`), plus the modifiers `GANG`, `WITHIN` and `PRIORITY`.
//! `GANG` and `WITHIN` together are rejected, as Slurm rejects them. `CLUSTER` ("use the
//! cluster's mode") is only meaningful for a QOS: see [`parse_qos_preempt_mode`].

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
        /// `PRIORITY`
        const PRIORITY = 1 << 5;
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
        "invalid PreemptMode `{text}`: expected OFF, CANCEL, REQUEUE, SUSPEND, GANG, WITHIN or PRIORITY"
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

/// Parses a QOS `PreemptMode`: like [`PreemptMode::from_str`], plus `CLUSTER` (any case,
/// alone) which gives `None`, "use the cluster's mode" (sacctmgr.1).
///
/// ```
/// use hpcsched::PreemptMode;
/// use hpcsched::preempt::parse_qos_preempt_mode;
/// assert_eq!(parse_qos_preempt_mode("cluster")?, None);
/// assert_eq!(parse_qos_preempt_mode("requeue")?, Some(PreemptMode::REQUEUE));
/// assert!(parse_qos_preempt_mode("cluster,gang").is_err());
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
    let mut cluster = false;
    for tok in s.split(',') {
        let word = tok.to_ascii_uppercase();
        let (flag, is_base) = match word.as_str() {
            "OFF" => (PreemptMode::empty(), true),
            "CANCEL" => (PreemptMode::CANCEL, true),
            "REQUEUE" => (PreemptMode::REQUEUE, true),
            "SUSPEND" | "ON" => (PreemptMode::SUSPEND, true),
            "GANG" => (PreemptMode::GANG, false),
            "WITHIN" => (PreemptMode::WITHIN, false),
            "PRIORITY" => (PreemptMode::PRIORITY, false),
            "CLUSTER" if allow_cluster => {
                cluster = true;
                (PreemptMode::empty(), true)
            }
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
    if cluster {
        return if mode.is_empty() {
            Ok(None)
        } else {
            Err(conflict("CLUSTER cannot be combined with other modes"))
        };
    }
    Ok(Some(mode))
}

/// Slurm's spelling (`preempt_mode_string()`): `OFF`, or the modifier `GANG`/`WITHIN`
/// first, then the base mode, then `PRIORITY` (`GANG,SUSPEND`, `WITHIN,REQUEUE,PRIORITY`).
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
            (PreemptMode::PRIORITY, "PRIORITY"),
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
        assert_eq!(pm("Priority"), Ok(PreemptMode::PRIORITY));
        assert_eq!(pm("on"), Ok(PreemptMode::SUSPEND));
        assert_eq!(pm("OFF,GANG"), Ok(PreemptMode::GANG));
        assert_eq!(
            pm("REQUEUE,PRIORITY,GANG"),
            Ok(PreemptMode::REQUEUE | PreemptMode::PRIORITY | PreemptMode::GANG)
        );
    }

    #[test]
    fn rejected_values() {
        for text in ["", "cancel,", ",cancel", "bogus", "SUSPEND GANG", "cluster"] {
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
        assert_eq!(
            parse_qos_preempt_mode("off"),
            Ok(Some(PreemptMode::empty()))
        );
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
            Err(PreemptModeError::Conflict {
                text: "cluster,gang".into(),
                why: "CLUSTER cannot be combined with other modes"
            })
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
            (PreemptMode::WITHIN | PreemptMode::REQUEUE | PreemptMode::PRIORITY).to_string(),
            "WITHIN,REQUEUE,PRIORITY"
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
            any::<bool>(),
        )
            .prop_map(|(base, modifier, prio)| {
                let mut m = base | modifier;
                if prio {
                    m |= PreemptMode::PRIORITY;
                }
                m
            })
    }

    proptest! {
        #[test]
        fn round_trips(m in arb_mode()) {
            prop_assert_eq!(pm(&m.to_string()), Ok(m));
            prop_assert_eq!(parse_qos_preempt_mode(&m.to_string()), Ok(Some(m)));
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

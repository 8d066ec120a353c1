//! Scheduling policies: Slurm's (main pass + backfill as `SchedulerParameters` configure
//! it) and the textbook ones (`fifo`, `easy`, `conservative`) as one-word presets.

use crate::sched_config::SchedConfig;
use crate::time::Duration;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How reservations for pending jobs hold nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReservationGranularity {
    /// Whole nodes, as Slurm's backfill does ("for performance reasons, the backfill
    /// scheduler reserves whole nodes for jobs").
    WholeNodes,
    /// Only the CPUs, memory and GRES the job needs, so more jobs can share nodes.
    Resources,
}

/// Backfill settings (Slurm's `bf_*` SchedulerParameters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Backfill {
    /// `bf_window`: how far ahead to plan (None: no limit).
    pub window: Option<Duration>,
    /// `bf_resolution`: reservations are recorded on this grid (1 s: exact).
    pub resolution: Duration,
    /// `bf_max_job_test`: how many jobs a cycle tries (None: all).
    pub max_job_test: Option<u32>,
    /// `bf_max_job_user`: jobs considered per user per cycle (None: no limit).
    pub max_job_user: Option<u32>,
    /// `bf_max_job_part`: jobs considered per partition per cycle (None: no limit).
    pub max_job_part: Option<u32>,
    /// `bf_job_part_count_reserve`: only this many jobs per partition get reservations
    /// (None: every job; 1: EASY per partition).
    pub part_count_reserve: Option<u32>,
    /// `bf_min_prio_reserve`: jobs below this priority get no reservation.
    pub min_prio_reserve: u32,
    /// `bf_min_age_reserve`: jobs eligible for less than this get no reservation.
    pub min_age_reserve: Duration,
    /// `bf_max_job_array_resv`: array tasks that may hold reservations.
    pub max_job_array_resv: u32,
    /// `bf_interval`: the host should call back at least this often (None: only on events).
    pub interval: Option<Duration>,
    /// Whole-node or per-resource reservations.
    pub granularity: ReservationGranularity,
    /// `bf_one_resv_per_job`: a job of several partitions is planned in the one where it
    /// starts earliest and reserves there only. Without it (Slurm's default) backfill
    /// takes each partition's queue record in turn, plans and reserves in each, and the
    /// job shows the earliest of those plans (an array job keeps one plan either way).
    pub one_resv_per_job: bool,
}

/// The named presets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Preset {
    /// First come, first served: no backfill; the first job that cannot start blocks its
    /// partition.
    Fifo,
    /// EASY backfill: only the first blocked job of each partition reserves.
    Easy,
    /// Conservative backfill: every blocked job reserves, no depth limit.
    Conservative,
    /// Slurm's main pass + backfill with Slurm's defaults (or the cluster's
    /// `SchedulerParameters`).
    Slurm,
}

impl FromStr for Preset {
    type Err = PolicyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "fifo" | "fcfs" => Ok(Preset::Fifo),
            "easy" => Ok(Preset::Easy),
            "conservative" => Ok(Preset::Conservative),
            "slurm" => Ok(Preset::Slurm),
            _ => Err(PolicyError::UnknownPreset(s.to_owned())),
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Preset::Fifo => "fifo",
            Preset::Easy => "easy",
            Preset::Conservative => "conservative",
            Preset::Slurm => "slurm",
        })
    }
}

/// Why a policy was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// Not one of fifo, easy, conservative, slurm.
    #[error("unknown policy `{0}`: expected fifo, easy, conservative or slurm")]
    UnknownPreset(String),
}

/// How the scheduler decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Policy {
    /// Run slurmctld's main pass (no reservations; the first job of a partition that
    /// cannot start blocks that partition's nodes for the rest of the pass).
    pub main_pass: bool,
    /// Backfill, if any.
    pub backfill: Option<Backfill>,
}

impl Policy {
    /// A named preset. `Slurm` takes the cluster's `SchedulerType` and
    /// `SchedulerParameters`; the textbook presets plan to the second with no depth or
    /// window limit, so they reproduce the published algorithms exactly.
    ///
    /// ```
    /// use hpcsched::{Policy, Preset, SchedConfig};
    /// let p = Policy::preset(Preset::Easy, &SchedConfig::default());
    /// assert_eq!(p.backfill.unwrap().part_count_reserve, Some(1));
    /// let s = Policy::preset(Preset::Slurm, &SchedConfig::default());
    /// assert!(s.main_pass);
    /// assert_eq!(s.backfill.unwrap().max_job_test, Some(500));
    /// ```
    #[must_use]
    pub fn preset(preset: Preset, config: &SchedConfig) -> Self {
        let textbook = |part_count_reserve| Backfill {
            window: None,
            resolution: Duration::from_secs(1),
            max_job_test: None,
            max_job_user: None,
            max_job_part: None,
            part_count_reserve,
            min_prio_reserve: 0,
            min_age_reserve: Duration::from_secs(0),
            max_job_array_resv: u32::MAX,
            interval: None,
            granularity: ReservationGranularity::WholeNodes,
            one_resv_per_job: true,
        };
        match preset {
            Preset::Fifo => Policy {
                main_pass: true,
                backfill: None,
            },
            Preset::Easy => Policy {
                main_pass: false,
                backfill: Some(textbook(Some(1))),
            },
            Preset::Conservative => Policy {
                main_pass: false,
                backfill: Some(textbook(None)),
            },
            Preset::Slurm => Self::from_config(config),
        }
    }

    /// Slurm's behaviour for this configuration: `sched/builtin` is the main pass alone;
    /// `sched/backfill` adds backfill with the `bf_*` parameters.
    #[must_use]
    pub fn from_config(config: &SchedConfig) -> Self {
        let p = config.scheduler_params();
        let nonzero = |v: u32| (v > 0).then_some(v);
        let backfill = (config.scheduler_type.eq_ignore_ascii_case("sched/backfill")
            && p.bf_interval != -1)
            .then(|| Backfill {
                window: Some(Duration::from_mins(u64::from(p.bf_window))),
                resolution: Duration::from_secs(u64::from(p.bf_resolution.max(1))),
                max_job_test: Some(p.bf_max_job_test),
                max_job_user: nonzero(p.bf_max_job_user),
                max_job_part: nonzero(p.bf_max_job_part),
                part_count_reserve: nonzero(p.bf_job_part_count_reserve),
                min_prio_reserve: p.bf_min_prio_reserve,
                min_age_reserve: Duration::from_secs(u64::from(p.bf_min_age_reserve)),
                max_job_array_resv: p.bf_max_job_array_resv,
                interval: u64::try_from(p.bf_interval)
                    .ok()
                    .filter(|&s| s > 0)
                    .map(Duration::from_secs),
                granularity: ReservationGranularity::WholeNodes,
                one_resv_per_job: p.bf_one_resv_per_job,
            });
        Policy {
            main_pass: true,
            backfill,
        }
    }
}

//! Usage over time: decay, the usage of running jobs, resets, and the
//! `PriorityCalcPeriod` clock that runs them in Slurm's order.
//!
//! From Slurm 22.05's `src/plugins/priority/multifactor/priority_multifactor.c`:
//! - the per-second decay factor is `1 − 0.693 / PriorityDecayHalfLife`, 1 (no decay)
//!   when the half-life is 0 (`_decay_thread()`); over `dt` seconds usage is multiplied
//!   by `factor^dt`, never below `DBL_MIN` (`_apply_decay()`, every association, root
//!   included);
//! - a running job's new slice (`_apply_new_usage()`): `run_delta = end − max(last tick,
//!   start)`, `run_decay = run_delta × factor^run_delta` (the slice is decayed as a
//!   whole), times the billable TRES and the QOS `UsageFactor` when it is ≥ 0, added to
//!   the job's association and every ancestor;
//! - one tick of `_decay_thread()`: reset if due; classic computes the accounts'
//!   effective usage; if a tick ran before and time went on, decay (and, classic, new
//!   usage and the jobs' factors); Fair Tree then adds new usage and ranks
//!   (`fair_tree_decay()`); the tick time becomes the last run;
//! - `_next_reset()`: the next midnight, Sunday 00:00, 1st of the month, quarter or year
//!   after the last reset. Slurm uses the controller's local time; hpcsched has no time
//!   zone and uses UTC.
//!
//! QOS usage and `usage_tres_raw` are not kept here.

use super::classic;
use super::fair_tree;
use super::tree::{ShareNode, ShareTree, ShareValue};
use super::{Algorithm, NodeFs};
use crate::sched_config::SchedConfig;
use crate::time::{CivilDateTime, Duration, Timestamp};
use serde::{Deserialize, Serialize};

/// The per-second decay factor for a half-life: `1 − 0.693 / half_life`, 1.0 for 0.
///
/// ```
/// use hpcsched::fairshare::decay_factor;
/// use hpcsched::time::Duration;
/// assert_eq!(decay_factor(Duration::ZERO), 1.0);
/// let f = decay_factor(Duration::from_hours(1));
/// assert!((f.powi(3600) - 0.5).abs() < 1e-4);
/// ```
#[must_use]
pub fn decay_factor(half_life: Duration) -> f64 {
    if half_life.is_zero() {
        1.0
    } else {
        1.0 - 0.693 / half_life.as_secs() as f64
    }
}

/// `factor^secs`, at least `f64::MIN_POSITIVE` (Slurm's `DBL_MIN` floor).
fn decay_over(factor: f64, secs: u64) -> f64 {
    let secs = i32::try_from(secs).map_or(f64::from(i32::MAX), f64::from);
    factor.powf(secs).max(f64::MIN_POSITIVE)
}

/// Raw usage per association (`usage_raw`), indexed like the [`ShareTree`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    raw: Vec<f64>,
}

impl Usage {
    /// No usage anywhere.
    #[must_use]
    pub fn new(tree: &ShareTree) -> Self {
        Self {
            raw: vec![0.0; tree.len()],
        }
    }

    /// `usage_raw` of node `i` (0 out of range).
    #[must_use]
    pub fn raw(&self, i: usize) -> f64 {
        self.raw.get(i).copied().unwrap_or(0.0)
    }

    /// Usage over the root's, at most 1; 0 when the root has none (`set_assoc_usage_norm()`).
    #[must_use]
    pub fn norm(&self, i: usize) -> f64 {
        let root = self.raw(0);
        if root == 0.0 {
            0.0
        } else {
            (self.raw(i) / root).min(1.0)
        }
    }

    /// Adds `amount` to node `i` and every ancestor (how Slurm adds a job's usage).
    pub fn add(&mut self, tree: &ShareTree, i: usize, amount: f64) {
        for n in tree.chain(i) {
            if let Some(r) = self.raw.get_mut(n) {
                *r += amount;
            }
        }
    }

    /// Multiplies every node's usage by `factor^dt_secs` (floored at `DBL_MIN`).
    ///
    /// ```
    /// use hpcsched::fairshare::{decay_factor, ShareNode, ShareTree, Usage, ShareValue::Value};
    /// use hpcsched::time::Duration;
    /// let tree = ShareTree::new(vec![ShareNode { name: "root".into(), user: false, parent: None, shares: Value(1) }])?;
    /// let mut u = Usage::new(&tree);
    /// u.add(&tree, 0, 1000.0);
    /// u.apply_decay(decay_factor(Duration::from_hours(1)), 3600);
    /// assert!((u.raw(0) - 500.0).abs() < 0.1);
    /// # Ok::<(), hpcsched::fairshare::TreeError>(())
    /// ```
    pub fn apply_decay(&mut self, factor: f64, dt_secs: u64) {
        if dt_secs == 0 {
            return;
        }
        let d = decay_over(factor, dt_secs);
        for r in &mut self.raw {
            *r *= d;
        }
    }

    /// Adds a job's slice of `run_secs`: `run_secs × factor^run_secs × billable ×
    /// usage_factor` (a negative usage factor is ignored, as Slurm only applies one ≥ 0),
    /// to `leaf` and its ancestors. Returns the amount added.
    pub fn accrue(
        &mut self,
        tree: &ShareTree,
        leaf: usize,
        run_secs: u64,
        billable: f64,
        usage_factor: f64,
        factor: f64,
    ) -> f64 {
        let run_delta = run_secs as f64;
        let run_decay = if run_secs == 0 {
            0.0
        } else {
            run_delta * decay_over(factor, run_secs)
        };
        let mut amount = run_decay * billable;
        if usage_factor >= 0.0 {
            amount *= usage_factor;
        }
        self.add(tree, leaf, amount);
        amount
    }

    /// Zeroes every node (`_reset_usage()`).
    pub fn reset(&mut self) {
        self.raw.iter_mut().for_each(|r| *r = 0.0);
    }
}

/// `PriorityUsageResetPeriod`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ResetPeriod {
    /// `NONE` (default): never.
    #[default]
    None,
    /// `NOW`: once, at the first tick.
    Now,
    /// `DAILY`: at midnight.
    Daily,
    /// `WEEKLY`: Sunday 00:00.
    Weekly,
    /// `MONTHLY`: the 1st, 00:00.
    Monthly,
    /// `QUARTERLY`: 1 January, April, July, October.
    Quarterly,
    /// `YEARLY`: 1 January.
    Yearly,
}

impl std::str::FromStr for ResetPeriod {
    type Err = String;

    /// Case-insensitive, as `read_config.c` compares.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "none" => ResetPeriod::None,
            "now" => ResetPeriod::Now,
            "daily" => ResetPeriod::Daily,
            "weekly" => ResetPeriod::Weekly,
            "monthly" => ResetPeriod::Monthly,
            "quarterly" => ResetPeriod::Quarterly,
            "yearly" => ResetPeriod::Yearly,
            _ => {
                return Err(
                    "expected NONE, NOW, DAILY, WEEKLY, MONTHLY, QUARTERLY or YEARLY".into(),
                );
            }
        })
    }
}

const DAY: u64 = 86_400;

/// When the next reset is due after `last_reset`, seen at `now` (`_next_reset()`, in
/// UTC). Daily and weekly skip to the last boundary not more than a period before `now`;
/// the others take the next boundary after `last_reset`. `None` for `NONE` and `NOW`.
///
/// ```
/// use hpcsched::fairshare::{next_reset, ResetPeriod};
/// use hpcsched::Timestamp;
/// // 2024-01-03 (a Wednesday) 15:00 UTC.
/// let t = Timestamp(1_704_294_000);
/// assert_eq!(next_reset(ResetPeriod::Daily, t, t), Some(Timestamp(1_704_326_400))); // 01-04
/// assert_eq!(next_reset(ResetPeriod::Weekly, t, t), Some(Timestamp(1_704_585_600))); // Sun 01-07
/// assert_eq!(next_reset(ResetPeriod::Quarterly, t, t), Some(Timestamp(1_711_929_600))); // 04-01
/// ```
#[must_use]
pub fn next_reset(period: ResetPeriod, last_reset: Timestamp, now: Timestamp) -> Option<Timestamp> {
    let midnight = Timestamp(last_reset.0 - last_reset.0 % DAY);
    let c = CivilDateTime::from_timestamp(last_reset)?;
    let first_of = |year: i32, month: u8| {
        CivilDateTime::new(year, month, 1, 0, 0, 0)
            .ok()
            .and_then(|d| d.to_timestamp().ok())
    };
    match period {
        ResetPeriod::None | ResetPeriod::Now => None,
        ResetPeriod::Daily => {
            let mut t = midnight.0 + DAY;
            while t + DAY < now.0 {
                t += DAY;
            }
            Some(Timestamp(t))
        }
        ResetPeriod::Weekly => {
            // 1970-01-01 was a Thursday: weekday 0 = Sunday is (days + 4) % 7.
            let wday = (last_reset.0 / DAY + 4) % 7;
            let mut t = midnight.0 + DAY * (7 - wday);
            while t + 7 * DAY < now.0 {
                t += 7 * DAY;
            }
            Some(Timestamp(t))
        }
        ResetPeriod::Monthly => {
            if c.month < 12 {
                first_of(c.year, c.month + 1)
            } else {
                first_of(c.year + 1, 1)
            }
        }
        ResetPeriod::Quarterly => match c.month {
            1..=3 => first_of(c.year, 4),
            4..=6 => first_of(c.year, 7),
            7..=9 => first_of(c.year, 10),
            _ => first_of(c.year + 1, 1),
        },
        ResetPeriod::Yearly => first_of(c.year + 1, 1),
    }
}

/// The fair-share keys of slurm.conf.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FairShareConfig {
    /// `PriorityDecayHalfLife` (default 7 days; 0 = no decay).
    pub half_life: Duration,
    /// `PriorityCalcPeriod` (default 5 minutes).
    pub calc_period: Duration,
    /// `PriorityUsageResetPeriod` (default NONE).
    pub reset_period: ResetPeriod,
    /// `FairShareDampeningFactor` (default 1).
    pub damping: u16,
    /// Fair Tree or classic, from `PriorityFlags`.
    pub algorithm: Algorithm,
}

impl Default for FairShareConfig {
    fn default() -> Self {
        Self {
            half_life: Duration::from_days(7),
            calc_period: Duration::from_mins(5),
            reset_period: ResetPeriod::None,
            damping: 1,
            algorithm: Algorithm::FairTree,
        }
    }
}

impl FairShareConfig {
    /// The values slurm.conf gave.
    ///
    /// ```
    /// use hpcsched::fairshare::{Algorithm, FairShareConfig};
    /// let c = FairShareConfig::from_config(&hpcsched::SchedConfig::default());
    /// assert_eq!(c.calc_period.as_secs(), 300);
    /// assert_eq!(c.algorithm, Algorithm::FairTree);
    /// ```
    #[must_use]
    pub fn from_config(cfg: &SchedConfig) -> Self {
        let flags = cfg
            .priority_flags
            .as_deref()
            .map(crate::priority::PriorityFlags::parse)
            .unwrap_or_default();
        Self {
            half_life: cfg.priority_decay_half_life,
            calc_period: cfg.priority_calc_period,
            reset_period: cfg.priority_usage_reset_period,
            damping: cfg.fair_share_dampening_factor,
            algorithm: Algorithm::from_flags(flags),
        }
    }
}

/// When ticks are due: every `PriorityCalcPeriod` from the start (the decay thread adds
/// the period to its last wake-up time, not to the time it finished).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FairShareClock {
    period: Duration,
    next_tick: Timestamp,
    last_ran: Option<Timestamp>,
    reset: ResetPeriod,
    last_reset: Timestamp,
    next_reset: Option<Timestamp>,
}

impl FairShareClock {
    /// A clock whose first tick is due at `start` (the decay thread runs at once).
    ///
    /// ```
    /// use hpcsched::fairshare::{FairShareClock, ResetPeriod};
    /// use hpcsched::{time::Duration, Timestamp};
    /// let mut c = FairShareClock::new(Timestamp(100), Duration::from_mins(5), ResetPeriod::None);
    /// assert!(c.is_due(Timestamp(100)));
    /// c.ran(Timestamp(100));
    /// assert_eq!(c.next_tick(), Timestamp(400));
    /// c.ran(Timestamp(1000)); // late: the next is on the grid, after now
    /// assert_eq!(c.next_tick(), Timestamp(1300));
    /// ```
    #[must_use]
    pub fn new(start: Timestamp, period: Duration, reset: ResetPeriod) -> Self {
        Self {
            period,
            next_tick: start,
            last_ran: None,
            reset,
            last_reset: start,
            next_reset: None,
        }
    }

    /// When the next tick is due.
    #[must_use]
    pub fn next_tick(&self) -> Timestamp {
        self.next_tick
    }

    /// Whether a tick is due at `now`.
    #[must_use]
    pub fn is_due(&self, now: Timestamp) -> bool {
        now >= self.next_tick
    }

    /// When the last tick ran (`g_last_ran`).
    #[must_use]
    pub fn last_ran(&self) -> Option<Timestamp> {
        self.last_ran
    }

    /// Records a tick at `now` and moves the next one along the grid past `now` (a
    /// controller that woke late runs the missed ticks back to back, with nothing
    /// between them to decay).
    pub fn ran(&mut self, now: Timestamp) {
        self.last_ran = Some(now);
        let step = self.period.as_secs().max(1);
        while self.next_tick <= now {
            self.next_tick = Timestamp(self.next_tick.0 + step);
        }
    }

    /// Whether usage is to be reset at `now`, moving the reset schedule along.
    fn reset_due(&mut self, now: Timestamp) -> bool {
        match self.reset {
            ResetPeriod::None => false,
            ResetPeriod::Now => {
                self.reset = ResetPeriod::None;
                self.last_reset = now;
                true
            }
            period => {
                let next = match self.next_reset {
                    Some(n) => n,
                    None => match next_reset(period, self.last_reset, now) {
                        Some(n) => n,
                        None => return false,
                    },
                };
                self.next_reset = Some(next);
                if now >= next {
                    self.last_reset = next;
                    self.next_reset = next_reset(period, next, now);
                    true
                } else {
                    false
                }
            }
        }
    }
}

/// A running job as fair-share sees it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RunningJob {
    /// The index of its (user) association in the [`ShareTree`].
    pub leaf: usize,
    /// When it started.
    pub start: Timestamp,
    /// Its billable TRES ([`super::billing::billable`], computed at start).
    pub billable: f64,
    /// Its QOS `UsageFactor` (1.0 without a QOS).
    pub usage_factor: f64,
}

/// The fair-share state of a cluster: tree, usage, clock and the last factors.
///
/// ```
/// use hpcsched::fairshare::{FairShare, FairShareConfig, RunningJob, ShareNode, ShareTree, ShareValue::Value};
/// use hpcsched::Timestamp;
/// let tree = ShareTree::new(vec![
///     ShareNode { name: "root".into(), user: false, parent: None, shares: Value(1) },
///     ShareNode::user("alice", 0, Value(1)),
///     ShareNode::user("bob", 0, Value(1)),
/// ])?;
/// let mut fs = FairShare::new(tree, FairShareConfig::default(), Timestamp(0));
/// let job = RunningJob { leaf: 1, start: Timestamp(0), billable: 4.0, usage_factor: 1.0 };
/// fs.tick(Timestamp(0), [job]);
/// fs.tick(Timestamp(300), [job]);
/// assert!(fs.usage().raw(1) > 1000.0);
/// assert_eq!((fs.factor(2), fs.factor(1)), (1.0, 0.5));
/// # Ok::<(), hpcsched::fairshare::TreeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FairShare {
    config: FairShareConfig,
    tree: ShareTree,
    usage: Usage,
    clock: FairShareClock,
    factors: Vec<NodeFs>,
}

impl FairShare {
    /// No usage yet; the first tick is due at `start`.
    #[must_use]
    pub fn new(tree: ShareTree, config: FairShareConfig, start: Timestamp) -> Self {
        let usage = Usage::new(&tree);
        let clock = FairShareClock::new(start, config.calc_period, config.reset_period);
        let factors = match config.algorithm {
            Algorithm::FairTree => fair_tree::compute(&tree, &usage),
            Algorithm::Classic => classic::compute(&tree, &usage, config.damping),
        };
        Self {
            config,
            tree,
            usage,
            clock,
            factors,
        }
    }

    /// The tree.
    #[must_use]
    pub fn tree(&self) -> &ShareTree {
        &self.tree
    }

    /// The usage.
    #[must_use]
    pub fn usage(&self) -> &Usage {
        &self.usage
    }

    /// The usage, to restore a saved state.
    pub fn usage_mut(&mut self) -> &mut Usage {
        &mut self.usage
    }

    /// The clock.
    #[must_use]
    pub fn clock(&self) -> &FairShareClock {
        &self.clock
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &FairShareConfig {
        &self.config
    }

    /// The values of the last tick, per node.
    #[must_use]
    pub fn factors(&self) -> &[NodeFs] {
        &self.factors
    }

    /// The fair-share factor of a job of association `leaf`, as of the last tick: Fair
    /// Tree's `fs_factor`; classic's factor of the association, or of its fair-share
    /// parent for `FairShare=parent` (`_get_fairshare_priority()`). 0 out of range.
    #[must_use]
    pub fn factor(&self, leaf: usize) -> f64 {
        let node = match (self.config.algorithm, self.tree.nodes().get(leaf)) {
            (_, None) => return 0.0,
            (Algorithm::Classic, Some(n)) if n.shares == ShareValue::Parent => {
                self.tree.fs_parent(leaf).unwrap_or(leaf)
            }
            _ => leaf,
        };
        self.factors.get(node).map_or(0.0, |f| f.fs_factor)
    }

    /// One run of the decay thread at `now`, with the jobs running now. Returns whether
    /// usage was reset. Pending jobs' fair-share factors change only here.
    pub fn tick(&mut self, now: Timestamp, running: impl IntoIterator<Item = RunningJob>) -> bool {
        let reset = self.clock.reset_due(now);
        if reset {
            self.usage.reset();
        }
        let factor = decay_factor(self.config.half_life);
        let last = self.clock.last_ran();
        let elapsed = last.filter(|&l| now > l).map(|l| now.0 - l.0);
        match self.config.algorithm {
            Algorithm::Classic => {
                let before = classic::compute(&self.tree, &self.usage, self.config.damping);
                // Without a previous tick, or with no time gone by, classic skips decay,
                // new usage and the jobs' factors (`goto get_usage`).
                if let Some(dt) = elapsed {
                    self.usage.apply_decay(factor, dt);
                    for job in running {
                        self.add_slice(&job, last, now, factor);
                    }
                    self.factors = classic::recompute_users(
                        &self.tree,
                        &self.usage,
                        &before,
                        self.config.damping,
                    );
                }
            }
            Algorithm::FairTree => {
                if let Some(dt) = elapsed {
                    self.usage.apply_decay(factor, dt);
                }
                for job in running {
                    self.add_slice(&job, last, now, factor);
                }
                self.factors = fair_tree::compute(&self.tree, &self.usage);
            }
        }
        self.clock.ran(now);
        reset
    }

    /// Adds associations to the tree (after the ones it has, each after its parent),
    /// with no usage; the factors are worked out again at once, as if the associations
    /// had been there at the last tick (a host that learns of users as their jobs come
    /// has no tick to wait for).
    ///
    /// ```
    /// use hpcsched::fairshare::{FairShare, FairShareConfig, ShareNode, ShareTree, ShareValue::Value};
    /// use hpcsched::Timestamp;
    /// let root = ShareNode { name: "root".into(), user: false, parent: None, shares: Value(1) };
    /// let mut fs = FairShare::new(ShareTree::new(vec![root])?, FairShareConfig::default(), Timestamp(0));
    /// fs.extend(vec![ShareNode::user("alice", 0, Value(1))])?;
    /// assert_eq!(fs.tree().len(), 2);
    /// assert_eq!(fs.factor(1), 1.0);
    /// # Ok::<(), hpcsched::fairshare::TreeError>(())
    /// ```
    pub fn extend(&mut self, nodes: Vec<ShareNode>) -> Result<(), super::tree::TreeError> {
        let mut all = self.tree.nodes().to_vec();
        all.extend(nodes);
        let tree = ShareTree::new(all)?;
        self.usage.raw.resize(tree.len(), 0.0);
        self.tree = tree;
        self.factors = match self.config.algorithm {
            Algorithm::FairTree => fair_tree::compute(&self.tree, &self.usage),
            Algorithm::Classic => classic::compute(&self.tree, &self.usage, self.config.damping),
        };
        Ok(())
    }

    /// A job ended at `end`: its last slice, since the last tick (`priority_p_job_end()`).
    /// Factors wait for the next tick.
    pub fn job_end(&mut self, job: &RunningJob, end: Timestamp) {
        let factor = decay_factor(self.config.half_life);
        self.add_slice(job, self.clock.last_ran(), end, factor);
    }

    fn add_slice(
        &mut self,
        job: &RunningJob,
        last: Option<Timestamp>,
        end: Timestamp,
        factor: f64,
    ) {
        let from = last.map_or(job.start, |l| l.max(job.start));
        let secs = end.0.saturating_sub(from.0);
        self.usage.accrue(
            &self.tree,
            job.leaf,
            secs,
            job.billable,
            job.usage_factor,
            factor,
        );
    }
}

#[cfg(test)]
// Expected values are exact in binary (halves, quarters) or the very same computation.
#[allow(clippy::float_cmp)]
mod tests {
    use super::super::tree::ShareNode;
    use super::super::tree::ShareValue::Value;
    use super::*;

    fn tree() -> ShareTree {
        ShareTree::new(vec![
            ShareNode {
                name: "root".into(),
                user: false,
                parent: None,
                shares: Value(1),
            },
            ShareNode::account("a", 0, Value(1)),
            ShareNode::user("u", 1, Value(1)),
        ])
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn ts(y: i32, m: u8, d: u8, h: u8) -> Timestamp {
        CivilDateTime::new(y, m, d, h, 0, 0)
            .and_then(|c| c.to_timestamp())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn half_life_halves_usage() {
        let t = tree();
        let mut u = Usage::new(&t);
        u.add(&t, 2, 1000.0);
        let f = decay_factor(Duration::from_hours(1));
        u.apply_decay(f, 3600);
        // (1 - 0.693/3600)^3600 = 0.49996...: Slurm's 0.693 is ln 2 rounded.
        assert!((u.raw(2) - 500.0).abs() < 0.1, "{}", u.raw(2));
        assert_eq!(u.raw(0), u.raw(2));
        // In steps: the same as at once.
        let mut v = Usage::new(&t);
        v.add(&t, 2, 1000.0);
        for _ in 0..12 {
            v.apply_decay(f, 300);
        }
        assert!((v.raw(2) - u.raw(2)).abs() < 1e-9);
        // No decay with a half-life of 0.
        v.apply_decay(decay_factor(Duration::ZERO), 10_000);
        assert!((v.raw(2) - u.raw(2)).abs() < 1e-9);
    }

    #[test]
    fn accrual_decays_the_slice_as_a_whole() {
        let t = tree();
        let mut u = Usage::new(&t);
        let f = decay_factor(Duration::from_hours(1));
        let added = u.accrue(&t, 2, 3600, 4.0, 0.5, f);
        assert!((added - 3600.0 * f.powi(3600) * 4.0 * 0.5).abs() < 1e-9);
        assert_eq!(u.raw(1), added);
        // A negative usage factor is not applied.
        let mut w = Usage::new(&t);
        assert_eq!(w.accrue(&t, 2, 10, 2.0, -1.0, 1.0), 20.0);
    }

    #[test]
    fn ticks_follow_slurms_order() {
        let cfg = FairShareConfig {
            half_life: Duration::from_hours(1),
            ..FairShareConfig::default()
        };
        let f = decay_factor(cfg.half_life);
        let mut fs = FairShare::new(tree(), cfg, Timestamp(1000));
        let job = RunningJob {
            leaf: 2,
            start: Timestamp(400),
            billable: 2.0,
            usage_factor: 1.0,
        };
        // First tick: no decay, the job's time since its start.
        fs.tick(Timestamp(1000), [job]);
        let first = 600.0 * f.powi(600) * 2.0;
        assert!((fs.usage().raw(2) - first).abs() < 1e-9);
        assert!(!fs.clock().is_due(Timestamp(1299)));
        assert!(fs.clock().is_due(Timestamp(1300)));
        // Second: decay over 300 s, then the new 300 s.
        fs.tick(Timestamp(1300), [job]);
        let second = first * f.powi(300) + 300.0 * f.powi(300) * 2.0;
        assert!((fs.usage().raw(2) - second).abs() < 1e-9);
        // The job ends at 1450: 150 s more, no decay until the next tick.
        fs.job_end(&job, Timestamp(1450));
        let end = second + 150.0 * f.powi(150) * 2.0;
        assert!((fs.usage().raw(0) - end).abs() < 1e-9);
    }

    #[test]
    fn reset_now_once_and_monthly() {
        let cfg = FairShareConfig {
            reset_period: ResetPeriod::Now,
            ..FairShareConfig::default()
        };
        let mut fs = FairShare::new(tree(), cfg, Timestamp(0));
        fs.usage_mut().add(&tree(), 2, 5.0);
        assert!(fs.tick(Timestamp(0), []));
        assert_eq!(fs.usage().raw(2), 0.0);
        fs.usage_mut().add(&tree(), 2, 5.0);
        assert!(!fs.tick(Timestamp(300), []));

        let start = ts(2024, 1, 31, 12);
        let cfg = FairShareConfig {
            reset_period: ResetPeriod::Monthly,
            half_life: Duration::ZERO,
            ..FairShareConfig::default()
        };
        let mut fs = FairShare::new(tree(), cfg, start);
        fs.usage_mut().add(&tree(), 2, 5.0);
        assert!(!fs.tick(start, []));
        assert!(!fs.tick(ts(2024, 1, 31, 23), []));
        assert!(fs.tick(ts(2024, 2, 1, 0), []));
        assert_eq!(fs.usage().raw(0), 0.0);
        assert!(!fs.tick(ts(2024, 2, 29, 23), []));
        assert!(fs.tick(ts(2024, 3, 1, 0), []));
    }

    #[test]
    fn next_reset_boundaries_in_utc() {
        let t = ts(2024, 12, 31, 15); // a Tuesday
        assert_eq!(
            next_reset(ResetPeriod::Daily, t, t),
            Some(ts(2025, 1, 1, 0))
        );
        assert_eq!(
            next_reset(ResetPeriod::Weekly, t, t),
            Some(ts(2025, 1, 5, 0))
        );
        assert_eq!(
            next_reset(ResetPeriod::Monthly, t, t),
            Some(ts(2025, 1, 1, 0))
        );
        assert_eq!(
            next_reset(ResetPeriod::Quarterly, t, t),
            Some(ts(2025, 1, 1, 0))
        );
        assert_eq!(
            next_reset(ResetPeriod::Yearly, t, t),
            Some(ts(2025, 1, 1, 0))
        );
        assert_eq!(next_reset(ResetPeriod::None, t, t), None);
        // A Sunday resets the next Sunday, not the same day.
        let sunday = ts(2025, 1, 5, 0);
        assert_eq!(
            next_reset(ResetPeriod::Weekly, sunday, sunday),
            Some(ts(2025, 1, 12, 0))
        );
        // Daily catches up to the last midnight not more than a day before now.
        assert_eq!(
            next_reset(ResetPeriod::Daily, t, ts(2025, 1, 10, 6)),
            Some(ts(2025, 1, 10, 0))
        );
        assert_eq!(
            "Quarterly".parse::<ResetPeriod>(),
            Ok(ResetPeriod::Quarterly)
        );
        assert!("hourly".parse::<ResetPeriod>().is_err());
    }
}

//! The switches: what turns the scheduler's shortcuts off (tests and diagnostics show
//! that they change no decision), and the kind of pass under way.

/// The scheduler's switches. The first three are on unless a test or a diagnostic turns
/// them off ([`super::Scheduler::set_plan_reuse`],
/// [`super::Scheduler::set_main_pass_by_partition`],
/// [`super::Scheduler::set_pass_continuation`]); decisions are the same either way.
///
/// Invariant: `backfill_only` is set only while [`super::Scheduler::schedule_backfill`]
/// runs its pass.
#[derive(Debug, Clone)]
pub(super) struct Switches {
    /// Keep the plan between passes (off only to test that it changes nothing).
    pub(super) reuse_plan: bool,
    /// Walk the main pass partition by partition when it can (off only to test that it
    /// changes nothing).
    pub(super) main_by_partition: bool,
    /// Go on from the last pass when only new jobs came (see
    /// `Scheduler::continue_pass`; off only to test that it changes nothing).
    pub(super) continuation: bool,
    /// The pass under way is [`super::Scheduler::schedule_backfill`]'s.
    pub(super) backfill_only: bool,
}

impl Default for Switches {
    fn default() -> Self {
        Switches {
            reuse_plan: true,
            main_by_partition: true,
            continuation: true,
            backfill_only: false,
        }
    }
}

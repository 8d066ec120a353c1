//! What one job counts for against TRES limits.

use crate::gres::GresKey;
use crate::tres::TresKind;

/// A job's resources as the limits count them: what it was allocated once placed
/// (slurmctld counts `tres_alloc_cnt`: a whole-node job counts every CPU of its nodes),
/// what it asks for at least until then.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct JobTres {
    /// CPUs.
    pub(crate) cpus: u64,
    /// Memory, MiB.
    pub(crate) mem: u64,
    /// How many nodes.
    pub(crate) node_count: u64,
    /// Which nodes, once chosen (sorted, distinct): nodes a scope already counts are
    /// not counted again.
    pub(crate) nodes: Vec<u32>,
    /// GRES by the key the job asked for, over the whole job. A limit on a typed GRES
    /// counts only requests of that type (resource_limits.shtml: typed limits do not
    /// apply to untyped requests).
    pub(crate) gres: Vec<(GresKey, u64)>,
    /// The billing TRES.
    pub(crate) billing: u64,
}

impl JobTres {
    /// The job's amount of `kind`, when hpcsched counts it (licenses and energy: no).
    pub(crate) fn amount(&self, kind: &TresKind) -> Option<u64> {
        match kind {
            TresKind::Cpu => Some(self.cpus),
            TresKind::Mem => Some(self.mem),
            TresKind::Node => Some(self.node_count),
            TresKind::Billing => Some(self.billing),
            TresKind::Gres(key) => Some(gres_amount(&self.gres, key)),
            _ => None,
        }
    }
}

/// The count of `limit`'s GRES among `held`: every type for an untyped limit, its own
/// type otherwise.
pub(crate) fn gres_amount<'a>(
    held: impl IntoIterator<Item = &'a (GresKey, u64)>,
    limit: &GresKey,
) -> u64 {
    held.into_iter()
        .filter(|(k, _)| limit.matches(k))
        .fold(0u64, |acc, (_, n)| acc.saturating_add(*n))
}

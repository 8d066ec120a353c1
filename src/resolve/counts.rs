//! The counts sbatch and slurmctld derive from the request ([`Counts`]), and the parts
//! of the request the per-partition checks read ([`JobView`]).

use crate::partition::Partition;
use crate::qos::Qos;
use crate::request::JobRequest;

/// The counts sbatch and slurmctld derive from `-N`, `-n`, `--ntasks-per-node`, `-c`
/// before any partition is looked at.
#[derive(Debug, Clone, Copy)]
pub(super) struct Counts {
    /// `-N` min (or the `--nodelist` size), if given.
    pub(super) nodes_min: Option<u32>,
    /// `-N` max, if given.
    pub(super) nodes_max: Option<u32>,
    pub(super) ntasks: u32,
    pub(super) ntasks_set: bool,
    pub(super) ntasks_per_node: Option<u32>,
    pub(super) cpus_per_task: u32,
}

/// The parts of the request the per-partition evaluation reads.
pub(super) struct JobView<'r> {
    pub(super) req: &'r JobRequest,
    pub(super) counts: Counts,
    pub(super) qos: Option<&'r Qos>,
    /// The first partition listed, whose DefaultTime applies in every partition.
    pub(super) first_listed: &'r Partition,
    /// Submitted held (`-H`): its nodes are not tested at submit.
    pub(super) held: bool,
    /// It lists several partitions.
    pub(super) several: bool,
}

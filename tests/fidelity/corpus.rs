//! The sbatch corpus: batch scripts and option sets, valid and invalid, through real
//! sbatch and through hpcsched's resolver on the same cluster.

use crate::Mode;
use crate::cluster::FidelityCluster;

/// What the corpus part found.
#[derive(Debug, Default)]
pub struct CorpusOutcome {
    /// Cases compared.
    pub checked: usize,
    /// Cases on which hpcsched and Slurm agree (or differ by a documented deviation).
    pub agreed: usize,
    /// One line per undocumented difference (the suite fails on any).
    pub failures: Vec<String>,
    /// Its section of docs/fidelity.md.
    pub report_md: String,
}

pub fn run(_mode: Mode, _cluster: &FidelityCluster) -> CorpusOutcome {
    CorpusOutcome::default()
}

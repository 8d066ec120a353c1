//! Scenarios: job lists submitted to Slurm and replayed in hpcsched.

use crate::Mode;
use crate::cluster::FidelityCluster;

#[derive(Debug, Default)]
pub struct ScenarioOutcome {
    pub compared: usize,
    pub identical: usize,
    pub failures: Vec<String>,
}

pub fn run(_mode: Mode, _cluster: &FidelityCluster) -> ScenarioOutcome {
    ScenarioOutcome::default()
}

pub fn report_md(_o: &ScenarioOutcome) -> String {
    String::new()
}

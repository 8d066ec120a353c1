//! The one cluster both schedulers see: `tests/fidelity/cluster.conf.in`, which the
//! harness renders for Slurm and which is rendered here the same way for hpcsched.

use hpcsched::Cluster;
use std::path::PathBuf;

/// The harness's cluster: the template, with its placeholders filled as `setup.sh` fills
/// them for the default port base (ports and paths change no scheduling decision).
pub struct FidelityCluster {
    /// The rendered slurm.conf, parsed.
    pub cluster: Cluster,
    /// The rendered slurm.conf, written under the cargo target's temp folder: the
    /// `--cluster FILE` of `hpcsched check`.
    pub conf_path: PathBuf,
}

/// Renders the template as `harness/setup.sh` does.
pub fn render(template: &str, state: &str, port_base: u32) -> String {
    let mut out = String::with_capacity(template.len());
    for line in template.lines() {
        let mut line = line
            .replace("@STATE@", state)
            .replace("@CLUSTER@", "fidelity");
        while let Some(at) = line.find("@PORT+") {
            let rest = &line[at + 6..];
            let Some(end) = rest.find('@') else { break };
            let n: u32 = rest[..end].parse().unwrap_or(0);
            line = format!("{}{}{}", &line[..at], port_base + n, &rest[end + 1..]);
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Reads and renders `cluster.conf.in`, parses it and writes the rendered copy to
/// `CARGO_TARGET_TMPDIR/fidelity-cluster.conf`.
pub fn load() -> Result<FidelityCluster, String> {
    let path = crate::root().join("cluster.conf.in");
    let template =
        std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let conf = render(&template, "/tmp/hpcsched-fidelity", 17800);
    let cluster = Cluster::from_slurm_conf(&conf).map_err(|e| format!("cluster.conf.in: {e}"))?;
    let conf_path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fidelity-cluster.conf");
    std::fs::write(&conf_path, &conf)
        .map_err(|e| format!("writing {}: {e}", conf_path.display()))?;
    Ok(FidelityCluster { cluster, conf_path })
}

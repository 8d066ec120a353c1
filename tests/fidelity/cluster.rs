//! The one cluster both schedulers see: `tests/fidelity/cluster.conf.in`, which the
//! harness renders for Slurm and which is rendered here the same way for hpcsched.

use hpcsched::Cluster;
use std::fmt::Write as _;
use std::path::PathBuf;

/// The harness's cluster: the template, with its placeholders filled as `setup.sh` fills
/// them for the default port base (ports and paths change no scheduling decision).
pub struct FidelityCluster {
    /// The rendered slurm.conf, parsed.
    pub cluster: Cluster,
    /// The rendered slurm.conf, written under the cargo target's temp folder: the
    /// `--cluster FILE` of `hpcsched check`.
    pub conf_path: PathBuf,
    /// The rendered slurm.conf's text (a scenario's `@partition NAME QOS=...` edits it).
    pub conf: String,
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

/// The key of a `Key=Value` line, lowercase (slurm.conf keys are case-insensitive). A
/// `PartitionName=` or `NodeName=` line's key is the key with its name
/// (`partitionname=plo`): an overlay's partition line replaces that partition's line only
/// (as `harness/setup.sh`'s `overlay` does).
pub fn key_of(line: &str) -> Option<String> {
    let t = line.trim();
    if t.starts_with('#') {
        return None;
    }
    let (k, v) = t.split_once('=')?;
    if k.is_empty() || k.contains(char::is_whitespace) {
        return None;
    }
    let k = k.to_ascii_lowercase();
    if k == "partitionname" || k == "nodename" {
        let name = v.split_whitespace().next().unwrap_or("");
        return Some(format!("{k}={name}"));
    }
    Some(k)
}

/// The template with the accounting mode's lines (`accounting/slurm.conf.add`) in place of
/// the base's lines of the same keys, as `harness/setup.sh` renders it with
/// `FIDELITY_ACCOUNTING=1`.
pub fn with_accounting(template: &str, add: &str) -> String {
    with_overlay(template, add, "accounting mode (accounting/slurm.conf.add)")
}

/// The template with an overlay's lines in place of the base's lines of the same keys
/// ([`key_of`]), under a `label` heading.
pub fn with_overlay(template: &str, add: &str, label: &str) -> String {
    let over: Vec<&str> = add
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim().starts_with('#'))
        .collect();
    let keys: Vec<String> = over.iter().filter_map(|l| key_of(l)).collect();
    let mut out = String::with_capacity(template.len() + add.len());
    for line in template.lines() {
        if key_of(line).is_some_and(|k| keys.contains(&k)) {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    if !over.is_empty() {
        let _ = writeln!(out, "# ---------------- {label} ----------------");
        for line in over {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Reads and renders `cluster.conf.in`, parses it and writes the rendered copy to
/// `CARGO_TARGET_TMPDIR/fidelity-cluster.conf`.
pub fn load() -> Result<FidelityCluster, String> {
    load_mode(false)
}

/// The accounting mode's cluster (`FIDELITY_ACCOUNTING=1`): `cluster.conf.in` with
/// `accounting/slurm.conf.add`, written to `CARGO_TARGET_TMPDIR/fidelity-accounting.conf`.
pub fn load_accounting() -> Result<FidelityCluster, String> {
    load_mode(true)
}

/// The fair-share mode's cluster (`FIDELITY_ACCOUNTING=fairshare`): the accounting mode's,
/// with `fairshare/slurm.conf.add` over it, written to
/// `CARGO_TARGET_TMPDIR/fidelity-fairshare.conf`.
pub fn load_fairshare() -> Result<FidelityCluster, String> {
    load_overlays(
        &["accounting/slurm.conf.add", "fairshare/slurm.conf.add"],
        "fidelity-fairshare.conf",
    )
}

/// The preemption mode's cluster (`FIDELITY_PREEMPT=1`): `cluster.conf.in` with
/// `preempt/slurm.conf.add`, written to `CARGO_TARGET_TMPDIR/fidelity-preempt.conf`.
pub fn load_preempt() -> Result<FidelityCluster, String> {
    load_overlays(&["preempt/slurm.conf.add"], "fidelity-preempt.conf")
}

/// The preemption mode over the accounting mode (`FIDELITY_ACCOUNTING=1
/// FIDELITY_PREEMPT=1`: the preempt group's QOS scenarios), written to
/// `CARGO_TARGET_TMPDIR/fidelity-preempt-accounting.conf`.
pub fn load_preempt_accounting() -> Result<FidelityCluster, String> {
    load_overlays(
        &["accounting/slurm.conf.add", "preempt/slurm.conf.add"],
        "fidelity-preempt-accounting.conf",
    )
}

fn load_mode(accounting: bool) -> Result<FidelityCluster, String> {
    if accounting {
        load_overlays(&["accounting/slurm.conf.add"], "fidelity-accounting.conf")
    } else {
        load_overlays(&[], "fidelity-cluster.conf")
    }
}

/// `cluster.conf.in` with each overlay's lines in place of the lines of the same keys
/// (in order), rendered, parsed, and written to `CARGO_TARGET_TMPDIR/FILE`.
fn load_overlays(overlays: &[&str], file: &str) -> Result<FidelityCluster, String> {
    let read = |path: PathBuf| {
        std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))
    };
    let mut template = read(crate::root().join("cluster.conf.in"))?;
    for overlay in overlays {
        let add = read(crate::root().join(overlay))?;
        template = if overlay.starts_with("preempt/") {
            with_overlay(&template, &add, &format!("preemption mode ({overlay})"))
        } else {
            with_accounting(&template, &add)
        };
    }
    let conf = render(&template, "/tmp/hpcsched-fidelity", 17800);
    let cluster = Cluster::from_slurm_conf(&conf).map_err(|e| format!("cluster.conf.in: {e}"))?;
    let conf_path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(file);
    std::fs::write(&conf_path, &conf)
        .map_err(|e| format!("writing {}: {e}", conf_path.display()))?;
    Ok(FidelityCluster {
        cluster,
        conf_path,
        conf,
    })
}

//! The commands of the `hpcsched` binary, and what they share: reading files, turning
//! library errors into `FILE:LINE: message`, loading a cluster.
//!
//! All file reading happens here; the library only sees text and readers.

pub mod check;
pub mod progress;
pub mod simulate;

use hpcsched::Cluster;

/// A usage or input error: printed on stderr after `hpcsched: `, exit status 2.
pub struct Fatal(pub String);

/// A whole text file, or an error naming it.
pub fn read(path: &str) -> Result<String, Fatal> {
    std::fs::read_to_string(path).map_err(|e| Fatal(format!("{path}: cannot read: {e}")))
}

/// Turns a library error that starts with `line N: ` into `FILE:N: message`.
pub fn located(path: &str, message: &str) -> String {
    if let Some(rest) = message.strip_prefix("line ")
        && let Some((num, msg)) = rest.split_once(": ")
        && num.chars().all(|c| c.is_ascii_digit())
    {
        return format!("{path}:{num}: {msg}");
    }
    format!("{path}: {message}")
}

/// The cluster of a slurm.conf, with the QOS of a `sacctmgr` file if given; with
/// `verbose`, the keys hpcsched does not act on are listed on stderr.
pub fn load_cluster(path: &str, qos: Option<&str>, verbose: bool) -> Result<Cluster, Fatal> {
    let text = read(path)?;
    let mut cluster =
        Cluster::from_slurm_conf(&text).map_err(|e| Fatal(located(path, &e.to_string())))?;
    if let Some(qos) = qos {
        add_qos(&mut cluster, qos)?;
    }
    if verbose {
        for w in cluster.warnings() {
            eprintln!("{path}:{}: warning: {}: {}", w.line, w.key, w.message);
        }
    }
    Ok(cluster)
}

/// Adds the QOS definitions of a `sacctmgr` file.
pub fn add_qos(cluster: &mut Cluster, path: &str) -> Result<(), Fatal> {
    let text = read(path)?;
    hpcsched::qos::add_qos_text(cluster, &text).map_err(|e| Fatal(located(path, &e.to_string())))
}

/// Splits `--name=value` into its name and value; other words come back whole.
pub fn split_option(arg: &str) -> (&str, Option<String>) {
    match arg.split_once('=') {
        Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
        _ => (arg, None),
    }
}

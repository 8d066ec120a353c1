//! The commands of the `hpcsched` binary, and what they share: reading files, turning
//! library errors into `FILE:LINE: message`, loading a cluster.
//!
//! All file reading happens here; the library only sees text and readers.

pub mod check;
pub mod progress;
pub mod simulate;

use hpcsched::Cluster;
use hpcsched::spank::{SpankError, SpankOption, SpankPlugin};

/// A usage or input error: printed on stderr after `hpcsched: `, exit status 2.
pub struct Fatal(pub String);

/// A whole text file, or an error naming it.
pub fn read(path: &str) -> Result<String, Fatal> {
    std::fs::read_to_string(path).map_err(|e| Fatal(format!("{path}: cannot read: {e}")))
}

/// A library error about a file, as every face prints it: the file, then the error's own
/// message (which names the line where there is one: `FILE: line N: ...`).
pub fn located(path: &str, error: &impl std::fmt::Display) -> String {
    format!("{path}: {error}")
}

/// The cluster of a slurm.conf, with the QOS of a `sacctmgr` file if given; with
/// `verbose`, the keys hpcsched does not act on are listed on stderr.
pub fn load_cluster(path: &str, qos: Option<&str>, verbose: bool) -> Result<Cluster, Fatal> {
    let text = read(path)?;
    let mut cluster = Cluster::from_slurm_conf(&text).map_err(|e| Fatal(located(path, &e)))?;
    if let Some(qos) = qos {
        add_qos(&mut cluster, qos)?;
    }
    if verbose {
        for w in cluster.warnings() {
            eprintln!("{path}: line {}: warning: {}: {}", w.line, w.key, w.message);
        }
    }
    Ok(cluster)
}

/// Adds the QOS definitions of a `sacctmgr` file.
pub fn add_qos(cluster: &mut Cluster, path: &str) -> Result<(), Fatal> {
    let text = read(path)?;
    hpcsched::qos::add_qos_text(cluster, &text).map_err(|e| Fatal(located(path, &e)))
}

/// Where a cluster's SPANK plugins come from on the command line: `--plugstack FILE` and
/// `--spank NAME[:OPTION,...]` (see [`add_plugins`]).
#[derive(Debug, Default)]
pub struct PluginArgs {
    /// `--plugstack FILE`s, in order.
    pub plugstack: Vec<String>,
    /// `--spank` values, in order.
    pub spank: Vec<String>,
}

impl PluginArgs {
    /// Takes `name` (with its value) if it is one of these options.
    pub fn take(
        &mut self,
        name: &str,
        value: &mut dyn FnMut(&str) -> Result<String, Fatal>,
    ) -> Result<bool, Fatal> {
        match name {
            "--plugstack" => self.plugstack.push(value("--plugstack")?),
            "--spank" => self.spank.push(value("--spank")?),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// The usage lines of [`PluginArgs`], for the commands' `concat!`ed usage texts.
macro_rules! plugin_usage {
    () => {
        "  --plugstack FILE      the site's plugstack.conf: the options of its SPANK plugins
                        (pyxis is built in) are accepted; `include` lines are followed
  --spank NAME[:OPT,...]  a SPANK plugin: a built-in one (`--spank pyxis`), or one
                        declared with its options, OPT a flag, OPT= one with a
                        value, OPT[=] one with an optional value
                        (`--spank tmpdir:tmp-size=,no-tmp`); before --plugstack lines
                        naming it"
    };
}
pub(crate) use plugin_usage;

/// Adds the SPANK plugins of `--spank` (first: a `plugstack.conf` may list them) and
/// `--plugstack` to `cluster`.
pub fn add_plugins(cluster: &mut Cluster, args: &PluginArgs) -> Result<(), Fatal> {
    for spec in &args.spank {
        let plugin = spank_plugin(spec).map_err(|e| Fatal(format!("--spank {spec}: {e}")))?;
        cluster
            .add_spank_plugin(plugin)
            .map_err(|e| Fatal(format!("--spank {spec}: {e}")))?;
    }
    for path in &args.plugstack {
        add_plugstack_file(cluster, path, 0)?;
    }
    Ok(())
}

/// `--spank NAME` or `--spank NAME:OPT,OPT=,OPT[=]`.
fn spank_plugin(spec: &str) -> Result<SpankPlugin, hpcsched::Error> {
    let Some((name, opts)) = spec.split_once(':') else {
        return SpankPlugin::builtin(spec)
            .ok_or_else(|| SpankError::UnknownBuiltin(spec.to_owned()).into());
    };
    let options = opts
        .split(',')
        .filter(|o| !o.is_empty())
        .map(|o| {
            o.parse::<SpankOption>()
                .unwrap_or_else(|never| match never {})
        })
        .collect();
    Ok(SpankPlugin::new(name, options)?)
}

/// Nested `include`s deeper than this are refused (a file including itself).
const MAX_INCLUDE_DEPTH: usize = 16;

/// Adds a plugstack.conf file and, as Slurm does, every file its `include` lines match
/// (a pattern relative to the including file's directory; `*` and `?` in its last part).
fn add_plugstack_file(cluster: &mut Cluster, path: &str, depth: usize) -> Result<(), Fatal> {
    if depth > MAX_INCLUDE_DEPTH {
        return Err(Fatal(format!("{path}: includes nested too deep")));
    }
    let text = read(path)?;
    let includes = cluster
        .add_plugstack(&text)
        .map_err(|e| Fatal(located(path, &e)))?;
    let dir = std::path::Path::new(path)
        .parent()
        .unwrap_or_else(|| std::path::Path::new(""));
    for inc in includes {
        let pattern = if inc.pattern.starts_with('/') {
            std::path::PathBuf::from(&inc.pattern)
        } else {
            dir.join(&inc.pattern)
        };
        for file in glob(&pattern).map_err(|e| Fatal(format!("{path}:{}: {e}", inc.line)))? {
            add_plugstack_file(cluster, &file, depth + 1)?;
        }
    }
    Ok(())
}

/// The files a pattern matches, sorted: wildcards (`*`, `?`) in the file name only.
fn glob(pattern: &std::path::Path) -> Result<Vec<String>, String> {
    let name = pattern
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| format!("bad include pattern `{}`", pattern.display()))?;
    let dir = pattern.parent().unwrap_or_else(|| std::path::Path::new(""));
    if dir.to_string_lossy().contains(['*', '?', '[']) {
        return Err(format!(
            "include pattern `{}`: wildcards are only supported in the file name",
            pattern.display()
        ));
    }
    if !name.contains(['*', '?']) {
        return Ok(if pattern.exists() {
            vec![pattern.to_string_lossy().into_owned()]
        } else {
            Vec::new()
        });
    }
    let from = if dir.as_os_str().is_empty() {
        std::path::Path::new(".")
    } else {
        dir
    };
    // glob(3) finds nothing in a missing directory: Slurm reads nothing.
    let Ok(listing) = std::fs::read_dir(from) else {
        return Ok(Vec::new());
    };
    let mut out: Vec<String> = listing
        .filter_map(Result::ok)
        .filter_map(|e| {
            let file = e.file_name().to_str()?.to_owned();
            (!file.starts_with('.') && wildcard(name.as_bytes(), file.as_bytes()))
                .then(|| dir.join(&file).to_string_lossy().into_owned())
        })
        .collect();
    out.sort();
    Ok(out)
}

/// Whether `text` matches a pattern of `*` (any run) and `?` (any one byte).
fn wildcard(pattern: &[u8], text: &[u8]) -> bool {
    match (pattern.split_first(), text.split_first()) {
        (None, None) => true,
        (Some((b'*', rest)), _) => {
            wildcard(rest, text)
                || text
                    .split_first()
                    .is_some_and(|(_, t)| wildcard(pattern, t))
        }
        (Some((b'?', rest)), Some((_, t))) => wildcard(rest, t),
        (Some((p, rest)), Some((c, t))) if p == c => wildcard(rest, t),
        _ => false,
    }
}

/// Splits `--name=value` into its name and value; other words come back whole.
pub fn split_option(arg: &str) -> (&str, Option<String>) {
    match arg.split_once('=') {
        Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
        _ => (arg, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hpcsched::sbatch::ArgKind;

    #[test]
    fn wildcards() {
        assert!(wildcard(b"*.conf", b"pyxis.conf"));
        assert!(wildcard(b"p?xis*", b"pyxis.conf"));
        assert!(!wildcard(b"*.conf", b"pyxis.conf~"));
        assert!(wildcard(b"*", b""));
        assert!(!wildcard(b"?", b""));
    }

    #[test]
    fn spank_specs() {
        assert_eq!(spank_plugin("pyxis").unwrap(), SpankPlugin::pyxis());
        let p = spank_plugin("tmpdir:tmp-size=,no-tmp,mode[=]").unwrap();
        assert_eq!(
            p.options(),
            [
                SpankOption::new("tmp-size", ArgKind::Required),
                SpankOption::new("no-tmp", ArgKind::None),
                SpankOption::new("mode", ArgKind::Optional),
            ]
        );
        assert!(spank_plugin("lua").is_err());
        assert!(spank_plugin("x:time=").is_err());
    }
}

//! The commands of the `hpcsched` binary, and what they share: reading files (`-` is
//! standard input), turning library errors into `FILE: line N: message`, loading a
//! cluster, the options of SPANK plugins.
//!
//! All file reading happens here; the library only sees text and readers. The command
//! line is defined with clap's derive (`crate::Cli` in main.rs, the `Args` structs of
//! each command here), and so are the completions and the man page (`generate`).

pub mod check;
pub mod generate;
pub mod progress;
pub mod simulate;

use clap::CommandFactory as _;
use hpcsched::Cluster;
use hpcsched::spank::{SpankError, SpankOption, SpankPlugin};
use std::io::{self, Read as _, Write as _};
use std::sync::atomic::{AtomicBool, Ordering};

/// A usage or input error: printed on stderr after `hpcsched: `, exit status 2.
pub struct Fatal(pub String);

/// A usage error found after parsing (an option that needs another, two that exclude
/// each other), worded as clap words its own: the message, then the command's usage
/// line and where to find more.
pub fn usage_error(command: &str, message: impl std::fmt::Display) -> Fatal {
    let mut cli = crate::Cli::command();
    cli.build();
    let kind = clap::error::ErrorKind::ArgumentConflict;
    let error = match cli.find_subcommand_mut(command) {
        Some(cmd) => cmd.error(kind, message),
        None => cli.error(kind, message),
    };
    Fatal(clap_message(&error))
}

/// A clap error's text without its `error: ` (the binary prints `hpcsched: ` instead),
/// and without the final newline.
pub fn clap_message(error: &clap::Error) -> String {
    let text = error.render().to_string();
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    text.trim_end().to_owned()
}

/// `--format`: how a command prints its result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Text for people
    #[default]
    Text,
    /// One JSON document, as described by schemas/ in the source repository
    Json,
}

/// The path that stands for standard input.
pub const STDIN_PATH: &str = "-";
/// Standard input, as messages and reports name it.
pub const STDIN_NAME: &str = "<stdin>";

/// Whether something has read standard input already.
static STDIN_TAKEN: AtomicBool = AtomicBool::new(false);

/// Standard input, for the first `-` of a command line: a second one would read nothing.
pub fn take_stdin() -> Result<io::Stdin, Fatal> {
    if STDIN_TAKEN.swap(true, Ordering::SeqCst) {
        return Err(Fatal(
            "`-` is given twice: standard input can be read only once".into(),
        ));
    }
    Ok(io::stdin())
}

/// How messages name a path: `<stdin>` for `-`, else the path as given.
pub fn display_path(path: &str) -> &str {
    if path == STDIN_PATH { STDIN_NAME } else { path }
}

/// A whole text file (standard input for `-`), or an error naming it.
pub fn read(path: &str) -> Result<String, Fatal> {
    let cannot = |e: io::Error| Fatal(format!("{}: cannot read: {e}", display_path(path)));
    if path == STDIN_PATH {
        let mut text = String::new();
        take_stdin()?.read_to_string(&mut text).map_err(cannot)?;
        return Ok(text);
    }
    std::fs::read_to_string(path).map_err(cannot)
}

/// Writes `text` on stdout. A reader that went away (`| head`) is not an error.
pub fn write_stdout(text: &[u8]) -> Result<(), Fatal> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(text).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(Fatal(format!("cannot write the output: {e}")))
        }
        _ => Ok(()),
    }
}

/// A library error about a file, as every face prints it: the file, then the error's own
/// message (which names the line where there is one: `FILE: line N: ...`).
pub fn located(path: &str, error: &impl std::fmt::Display) -> String {
    format!("{}: {error}", display_path(path))
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
            eprintln!(
                "{}: line {}: warning: {}: {}",
                display_path(path),
                w.line,
                w.key,
                w.message
            );
        }
    }
    Ok(cluster)
}

/// Adds the QOS definitions of a `sacctmgr` file.
pub fn add_qos(cluster: &mut Cluster, path: &str) -> Result<(), Fatal> {
    let text = read(path)?;
    hpcsched::cluster::add_qos_text(cluster, &text).map_err(|e| Fatal(located(path, &e)))
}

/// Adds the associations (and QOS) of a `sacctmgr` script, or of a file `sacctmgr dump`
/// wrote (told apart by its `Cluster - 'NAME'` line).
pub fn add_accounts(cluster: &mut Cluster, path: &str) -> Result<(), Fatal> {
    let text = read(path)?;
    cluster
        .add_accounts_text(&text)
        .map_err(|e| Fatal(located(path, &e)))
}

/// Where a cluster's SPANK plugins come from on the command line (see [`add_plugins`]).
#[derive(Debug, Default, clap::Args)]
pub struct PluginArgs {
    /// The site's plugstack.conf: the options of its SPANK plugins are accepted
    ///
    /// Pyxis is built in; another plugin must be declared with --spank. The options are
    /// kept and shown, with no effect on scheduling. Its `include` lines are followed
    /// (relative to its directory; `*` and `?` in the file name). Repeatable.
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath, help_heading = "Cluster")]
    pub plugstack: Vec<String>,
    /// A SPANK plugin whose options are accepted: `pyxis`, or NAME:OPT,...
    ///
    /// A built-in one (`--spank pyxis`), or one declared with its options: OPT a flag,
    /// OPT= one with a value, OPT[=] one with an optional value (`--spank
    /// tmpdir:tmp-size=,no-tmp`). Applied before --plugstack lines naming it. Repeatable.
    #[arg(long, value_name = "NAME[:OPT,...]", help_heading = "Cluster")]
    pub spank: Vec<String>,
}

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
        return Err(Fatal(format!(
            "{}: includes nested too deep",
            display_path(path)
        )));
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
        for file in glob(&pattern)
            .map_err(|e| Fatal(format!("{}:{}: {e}", display_path(path), inc.line)))?
        {
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

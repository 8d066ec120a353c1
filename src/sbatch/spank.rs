//! SPANK plugins: the options the plugins of a site's `plugstack.conf` add to sbatch, srun
//! and salloc.
//!
//! Slurm loads each plugin listed in `plugstack.conf` into sbatch, srun and salloc, and
//! every option a plugin registers joins that command's option table
//! (`spank_option_table_create()` in Slurm's `src/common/plugstack.c`): it is read like a
//! built-in long option (the exact name or an unambiguous prefix; a value as the plugin
//! declared), in `#SBATCH` lines too, and handed to the plugin, which may refuse its value.
//! These options tell the plugin what to do on the compute nodes (pyxis: which container
//! image the job runs in); they change nothing slurmctld decides. hpcsched keeps them on the
//! request ([`crate::JobRequest::plugin_options`]), renders them back, and schedules the
//! job as if they were not there.
//!
//! hpcsched cannot load a plugin, so it has to know its options:
//! - **pyxis** (NVIDIA's container plugin, `spank_pyxis.so`) is built in, with the option
//!   table and value checks of pyxis 0.24.0 (`spank_opts[]` and the option callbacks in its
//!   `args.c`): [`SpankPlugin::pyxis`]. pyxis registers its options in srun always and in
//!   sbatch and salloc (SPANK's "allocator" context) unless `plugstack.conf` passes it
//!   `sbatch_support=0`.
//! - any other plugin is declared with its options ([`SpankPlugin::new`]) before a
//!   `plugstack.conf` that lists it is read; a listed plugin that is neither built in nor
//!   declared is an error ([`PlugstackError::UnknownPlugin`]), so that no option is
//!   silently refused or accepted.
//!
//! A cluster holds its plugins: [`crate::Cluster::add_plugstack`],
//! [`crate::Cluster::add_spank_plugin`], and [`crate::Cluster::parser`] reads requests
//! with them.
//!
//! ```
//! use hpcsched::Cluster;
//! let mut cluster = Cluster::from_slurm_conf("NodeName=n1 CPUs=4\nPartitionName=p Nodes=n1 Default=YES\n")?;
//! let includes = cluster.add_plugstack("required /usr/lib/slurm/spank_pyxis.so\n")?;
//! assert!(includes.is_empty());
//! let req = cluster.parser().script(
//!     "#!/bin/bash\n#SBATCH --container-image=nvcr.io\\#nvidia/pytorch:24.01-py3\npython train.py\n",
//!     &[] as &[&str],
//! )?;
//! assert_eq!(
//!     req.plugin_options,
//!     [("container-image".to_owned(), Some("nvcr.io#nvidia/pytorch:24.01-py3".to_owned()))]
//! );
//! # Ok::<(), hpcsched::Error>(())
//! ```

use crate::request::Client;
use crate::sbatch::ArgKind;
use serde::{Deserialize, Serialize};

/// `SPANK_OPTION_MAXLEN` in Slurm's `spank.h`: longer option names are refused.
const OPTION_MAXLEN: usize = 75;

/// One option a plugin registers (`struct spank_option`: a long name and whether it takes
/// a value).
///
/// ```
/// use hpcsched::sbatch::ArgKind;
/// use hpcsched::spank::SpankOption;
/// let o = SpankOption::new("tmpdir-size", ArgKind::Required);
/// assert_eq!((o.name(), o.arg()), ("tmpdir-size", ArgKind::Required));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SpankOption {
    name: String,
    arg: ArgKind,
}

impl SpankOption {
    /// An option named `name` (without `--`). The name is checked when the plugin is made
    /// ([`SpankPlugin::new`]).
    #[must_use]
    pub fn new(name: impl Into<String>, arg: ArgKind) -> Self {
        Self {
            name: name.into(),
            arg,
        }
    }
    /// The long name, without `--`.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Whether it takes a value.
    #[must_use]
    pub fn arg(&self) -> ArgKind {
        self.arg
    }
}

/// `NAME` (a flag), `NAME=` (takes a value) or `NAME[=]` (takes an optional value): the
/// way `hpcsched check --spank` and the C and Python bindings declare an option. The name
/// is checked when the plugin is made.
///
/// ```
/// use hpcsched::sbatch::ArgKind;
/// use hpcsched::spank::SpankOption;
/// let o: SpankOption = "tmp-size=".parse().unwrap();
/// assert_eq!((o.name(), o.arg()), ("tmp-size", ArgKind::Required));
/// assert_eq!("mode[=]".parse::<SpankOption>().unwrap().arg(), ArgKind::Optional);
/// assert_eq!("no-tmp".parse::<SpankOption>().unwrap().arg(), ArgKind::None);
/// ```
impl std::str::FromStr for SpankOption {
    type Err = std::convert::Infallible;
    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        Ok(if let Some(n) = spec.strip_suffix("[=]") {
            Self::new(n, ArgKind::Optional)
        } else if let Some(n) = spec.strip_suffix('=') {
            Self::new(n, ArgKind::Required)
        } else {
            Self::new(spec, ArgKind::None)
        })
    }
}

/// A plugin whose value checks hpcsched knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
enum Builtin {
    Pyxis,
}

/// A SPANK plugin: its name, the options it registers, and which commands see them.
///
/// ```
/// use hpcsched::request::Client;
/// use hpcsched::sbatch::ArgKind;
/// use hpcsched::spank::{SpankOption, SpankPlugin};
/// let tmp = SpankPlugin::new("private-tmpdir", vec![SpankOption::new("no-private-tmp", ArgKind::None)])?;
/// assert!(tmp.registers_for(Client::Sbatch) && tmp.registers_for(Client::Srun));
/// let pyxis = SpankPlugin::pyxis().in_allocator(false); // plugstack.conf: sbatch_support=0
/// assert!(!pyxis.registers_for(Client::Sbatch) && pyxis.registers_for(Client::Srun));
/// assert_eq!(pyxis.options().len(), 16);
/// # Ok::<(), hpcsched::spank::SpankError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpankPlugin {
    name: String,
    options: Vec<SpankOption>,
    /// sbatch and salloc see the options (SPANK's allocator context).
    allocator: bool,
    /// srun sees the options (SPANK's local context).
    srun: bool,
    builtin: Option<Builtin>,
}

/// pyxis 0.24.0's `spank_opts[]` (`args.c`): name and `has_arg`.
const PYXIS_OPTIONS: &[(&str, ArgKind)] = &[
    ("container-image", ArgKind::Required),
    ("container-mounts", ArgKind::Required),
    ("container-workdir", ArgKind::Required),
    ("container-name", ArgKind::Required),
    ("container-save", ArgKind::Required),
    ("container-mount-home", ArgKind::None),
    ("no-container-mount-home", ArgKind::None),
    ("container-remap-root", ArgKind::None),
    ("no-container-remap-root", ArgKind::None),
    ("container-entrypoint", ArgKind::None),
    ("no-container-entrypoint", ArgKind::None),
    ("container-entrypoint-log", ArgKind::None),
    ("container-writable", ArgKind::None),
    ("container-readonly", ArgKind::None),
    ("container-env", ArgKind::Required),
    ("container-unshare", ArgKind::Required),
];

impl SpankPlugin {
    /// A plugin declared by its options, seen by sbatch, srun and salloc (change that with
    /// [`SpankPlugin::in_allocator`] and [`SpankPlugin::in_srun`]). Its options are
    /// accepted with any value.
    ///
    /// An option name must be 1 to 75 characters, not start with `-` and hold no `=` or
    /// blank; it must not be an option of sbatch, srun or salloc themselves (Slurm ignores
    /// such an option with a log message) nor appear twice.
    ///
    /// ```
    /// use hpcsched::sbatch::ArgKind;
    /// use hpcsched::spank::{SpankError, SpankOption, SpankPlugin};
    /// let err = SpankPlugin::new("x", vec![SpankOption::new("time", ArgKind::Required)]).unwrap_err();
    /// assert_eq!(err, SpankError::SlurmOption { plugin: "x".into(), option: "time".into() });
    /// ```
    pub fn new(name: impl Into<String>, options: Vec<SpankOption>) -> Result<Self, SpankError> {
        let name = name.into();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(SpankError::InvalidPluginName(name));
        }
        for (i, o) in options.iter().enumerate() {
            let n = o.name.as_str();
            if n.is_empty()
                || n.len() > OPTION_MAXLEN
                || n.starts_with('-')
                || n.contains(|c: char| c == '=' || c.is_whitespace() || c.is_control())
            {
                return Err(SpankError::InvalidOptionName {
                    plugin: name,
                    option: n.to_owned(),
                });
            }
            if crate::sbatch::is_slurm_option(n) {
                return Err(SpankError::SlurmOption {
                    plugin: name,
                    option: n.to_owned(),
                });
            }
            if options
                .get(..i)
                .is_some_and(|before| before.iter().any(|b| b.name == n))
            {
                return Err(SpankError::DuplicateOption {
                    option: n.to_owned(),
                    plugin: name.clone(),
                    other: name,
                });
            }
        }
        Ok(Self {
            name,
            options,
            allocator: true,
            srun: true,
            builtin: None,
        })
    }

    /// pyxis 0.24.0 (NVIDIA's container plugin): `--container-image`, `--container-mounts`,
    /// `--container-workdir`, `--container-name`, `--container-save`, `--container-env`,
    /// `--container-unshare` (with a value), `--[no-]container-mount-home`,
    /// `--[no-]container-remap-root`, `--[no-]container-entrypoint`,
    /// `--container-entrypoint-log`, `--container-writable`, `--container-readonly`. Values
    /// are checked as pyxis checks them (see [`SpankPlugin::new`] for declared plugins,
    /// whose values are not checked).
    #[must_use]
    pub fn pyxis() -> Self {
        Self {
            name: "pyxis".into(),
            options: PYXIS_OPTIONS
                .iter()
                .map(|&(n, a)| SpankOption::new(n, a))
                .collect(),
            allocator: true,
            srun: true,
            builtin: Some(Builtin::Pyxis),
        }
    }

    /// The plugin built into hpcsched with this name (`pyxis`), if any.
    ///
    /// ```
    /// use hpcsched::spank::SpankPlugin;
    /// assert_eq!(SpankPlugin::builtin("pyxis"), Some(SpankPlugin::pyxis()));
    /// assert_eq!(SpankPlugin::builtin("lua"), None);
    /// ```
    #[must_use]
    pub fn builtin(name: &str) -> Option<Self> {
        (name == "pyxis").then(Self::pyxis)
    }

    /// Whether sbatch and salloc see the options (SPANK's allocator context).
    #[must_use]
    pub fn in_allocator(mut self, yes: bool) -> Self {
        self.allocator = yes;
        self
    }

    /// Whether srun sees the options (SPANK's local context).
    #[must_use]
    pub fn in_srun(mut self, yes: bool) -> Self {
        self.srun = yes;
        self
    }

    /// The plugin's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The options it registers.
    #[must_use]
    pub fn options(&self) -> &[SpankOption] {
        &self.options
    }

    /// Whether `client` sees its options.
    #[must_use]
    pub fn registers_for(&self, client: Client) -> bool {
        match client {
            Client::Srun => self.srun,
            Client::Sbatch | Client::Salloc => self.allocator,
        }
    }

    /// Whether a `plugstack.conf` path names this plugin: its file name without `.so`
    /// is the name, or the name after `spank_` or `spank-` (`spank_pyxis.so` is pyxis).
    fn is_named_by(&self, path: &str) -> bool {
        plugin_stem(path).is_some_and(|stem| {
            stem == self.name
                || stem
                    .strip_prefix("spank_")
                    .or_else(|| stem.strip_prefix("spank-"))
                    .is_some_and(|s| s == self.name)
        })
    }

    /// The plugin configured with the arguments of its `plugstack.conf` line. Only
    /// built-in plugins read them; a declared plugin's are ignored.
    fn configured(mut self, args: &[String]) -> Result<Self, (String, String)> {
        if self.builtin == Some(Builtin::Pyxis) {
            for arg in args {
                let (key, value) = arg.split_once('=').unwrap_or((arg.as_str(), ""));
                let bool_value = || match value {
                    "1" | "true" | "yes" | "y" => Ok(true),
                    "0" | "false" | "no" | "n" => Ok(false),
                    _ => Err((arg.clone(), format!("invalid value for {key}"))),
                };
                // pyxis's `pyxis_config_parse()`: an unknown or bad argument fails the
                // plugin's start, and with it sbatch, srun and salloc.
                match key {
                    "runtime_path" | "importer" => {}
                    "execute_entrypoint" | "use_enroot_load" | "use_squashfuse" => {
                        bool_value()?;
                    }
                    "sbatch_support" => self.allocator = bool_value()?,
                    "container_scope" if value == "job" || value == "global" => {}
                    "container_scope" => {
                        return Err((arg.clone(), "expected job or global".into()));
                    }
                    _ => return Err((arg.clone(), "unknown configuration option".into())),
                }
            }
        }
        Ok(self)
    }

    /// Checks a value the plugin is handed, given the plugin's options already applied
    /// to the request (`previous`, in order). Declared plugins accept everything.
    pub(crate) fn check(
        &self,
        previous: &[(String, Option<String>)],
        option: &str,
        value: Option<&str>,
    ) -> Result<(), PluginRefusal> {
        match self.builtin {
            Some(Builtin::Pyxis) => pyxis_check(previous, option, value),
            None => Ok(()),
        }
    }
}

/// Why a plugin refused an option: a bad value, or a flag that contradicts an earlier
/// one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PluginRefusal {
    Value(String),
    Conflict(String),
}

/// The file name of a plugstack path without `.so`.
fn plugin_stem(path: &str) -> Option<&str> {
    let file = path.rsplit('/').next()?;
    let stem = file.strip_suffix(".so").unwrap_or(file);
    (!stem.is_empty()).then_some(stem)
}

/// The values already given for option `name`.
fn earlier<'a>(
    previous: &'a [(String, Option<String>)],
    name: &'a str,
) -> impl Iterator<Item = &'a str> {
    previous
        .iter()
        .filter(move |(n, _)| n == name)
        .map(|(_, v)| v.as_deref().unwrap_or(""))
}

/// pyxis 0.24.0's option callbacks (`spank_option_*()` in its `args.c`).
fn pyxis_check(
    previous: &[(String, Option<String>)],
    option: &str,
    value: Option<&str>,
) -> Result<(), PluginRefusal> {
    let v = value.unwrap_or("");
    let bad = |why: String| Err(PluginRefusal::Value(format!("pyxis: {why}")));
    let takes_value = PYXIS_OPTIONS
        .iter()
        .any(|&(n, a)| n == option && a == ArgKind::Required);
    if takes_value && v.is_empty() {
        return bad(format!("--{option}: argument required"));
    }
    // Single-valued: pyxis accepts the same value again (Slurm may hand it twice), not
    // another one, even from the command line over a script.
    if matches!(
        option,
        "container-image" | "container-workdir" | "container-name" | "container-save"
    ) && earlier(previous, option).any(|e| e != v)
    {
        return bad(format!("--{option} specified multiple times"));
    }
    match option {
        "container-mounts" => {
            for entry in v.split(',') {
                pyxis_mount(entry).or_else(bad)?;
            }
        }
        "container-name" => {
            let (name, flags) = v.split_once(':').unwrap_or((v, ""));
            if name.is_empty() {
                return bad("--container-name: empty name".into());
            }
            if !matches!(flags, "" | "auto" | "create" | "exec" | "no_exec") {
                return bad(
                    "--container-name: flag must be \"auto\", \"create\", \"exec\" or \"no_exec\""
                        .into(),
                );
            }
        }
        "container-save" if v.ends_with('/') => {
            return bad("--container-save: target is a directory".into());
        }
        "container-env" if v.split(',').any(str::is_empty) => {
            return bad(format!("--container-env: invalid format: {v}"));
        }
        "container-unshare" => {
            for ns in v.split(',') {
                if ns.is_empty() {
                    return bad("--container-unshare: empty namespace argument".into());
                }
                if !matches!(ns, "net" | "ipc" | "uts") {
                    return bad(format!("--container-unshare: unknown namespace '{ns}'"));
                }
            }
        }
        _ => {}
    }
    // A flag and its opposite.
    let opposite = match option {
        "container-mount-home" => Some("no-container-mount-home"),
        "no-container-mount-home" => Some("container-mount-home"),
        "container-remap-root" => Some("no-container-remap-root"),
        "no-container-remap-root" => Some("container-remap-root"),
        "container-entrypoint" => Some("no-container-entrypoint"),
        "no-container-entrypoint" => Some("container-entrypoint"),
        "container-writable" => Some("container-readonly"),
        "container-readonly" => Some("container-writable"),
        _ => None,
    };
    if let Some(other) = opposite
        && earlier(previous, other).next().is_some()
    {
        return Err(PluginRefusal::Conflict(other.to_owned()));
    }
    Ok(())
}

/// One `SRC[:DST[:FLAGS]]` entry of `--container-mounts` (`parse_mount_option()` and
/// `add_mount()` in pyxis).
fn pyxis_mount(entry: &str) -> Result<(), String> {
    let mut parts = entry.splitn(3, ':');
    let src = parts.next().unwrap_or("");
    if src.is_empty() {
        return Err(format!("--container-mounts: invalid format: {entry}"));
    }
    let dst = match parts.next() {
        None => src,
        Some("") => return Err(format!("--container-mounts: invalid format: {entry}")),
        Some(d) => d,
    };
    let path_like = |s: &str| s.starts_with(['.', '/']);
    if !path_like(src) && src != "tmpfs" && src != "umount" {
        return Err(
            "mount source must be a relative path, an absolute path, \"tmpfs\" or \"umount\""
                .into(),
        );
    }
    if !path_like(dst) {
        return Err("mount target must be a relative path or an absolute path".into());
    }
    Ok(())
}

/// Why a plugin declaration was refused. The cluster is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpankError {
    /// An empty plugin name, or one with blanks.
    #[error("invalid SPANK plugin name `{0}`")]
    InvalidPluginName(String),
    /// An option name that is empty, too long, starts with `-` or holds `=` or a blank.
    #[error("invalid option name `{option}` for SPANK plugin `{plugin}`")]
    InvalidOptionName {
        /// The plugin.
        plugin: String,
        /// The option as given.
        option: String,
    },
    /// An option with the name of one of Slurm's own (Slurm would ignore it: "Ignoring
    /// conflicting option").
    #[error("`--{option}` of SPANK plugin `{plugin}` is an option of Slurm itself")]
    SlurmOption {
        /// The plugin.
        plugin: String,
        /// The option.
        option: String,
    },
    /// Two plugins (or one, twice) register the same option (Slurm would disable the
    /// second: "option provided by both").
    #[error("`--{option}` of SPANK plugin `{plugin}` is already an option of `{other}`")]
    DuplicateOption {
        /// The option.
        option: String,
        /// The plugin being added.
        plugin: String,
        /// The plugin that has it already.
        other: String,
    },
    /// A plugin of this name is already there.
    #[error("SPANK plugin `{0}` is already loaded")]
    DuplicatePlugin(String),
    /// No plugin of this name is built in.
    #[error("no SPANK plugin `{0}` is built into hpcsched (built in: pyxis)")]
    UnknownBuiltin(String),
}

/// Why `plugstack.conf` text was refused. Every variant names its 1-based line; the
/// cluster is unchanged.
///
/// ```
/// use hpcsched::Cluster;
/// use hpcsched::spank::PlugstackError;
/// let mut c = Cluster::default();
/// let err = c.add_plugstack("# site plugins\nrequired /usr/lib64/slurm/spank_lua.so\n").unwrap_err();
/// assert_eq!(err, PlugstackError::UnknownPlugin { line: 2, path: "/usr/lib64/slurm/spank_lua.so".into() });
/// assert_eq!(err.line(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlugstackError {
    /// A line that is not `required PATH [ARGS]`, `optional PATH [ARGS]` or
    /// `include PATTERN`.
    #[error(
        "line {line}: expected `required PATH`, `optional PATH` or `include PATTERN`: `{text}`"
    )]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// The line.
        text: String,
    },
    /// A plugin that is not built in and was not declared with
    /// [`crate::Cluster::add_spank_plugin`]: its options cannot be known.
    #[error(
        "line {line}: SPANK plugin `{path}` is not built into hpcsched (built in: pyxis); declare it and its options first"
    )]
    UnknownPlugin {
        /// 1-based line number.
        line: usize,
        /// The path as written.
        path: String,
    },
    /// An argument the built-in plugin refuses (its start would fail, and with it every
    /// sbatch, srun and salloc).
    #[error("line {line}: SPANK plugin `{plugin}` refuses argument `{argument}`: {why}")]
    Argument {
        /// 1-based line number.
        line: usize,
        /// The plugin.
        plugin: String,
        /// The argument as written.
        argument: String,
        /// What is wrong.
        why: String,
    },
    /// The plugin could not be added (an option another plugin has).
    #[error("line {line}: {source}")]
    Plugin {
        /// 1-based line number.
        line: usize,
        /// Why.
        source: SpankError,
    },
}

impl PlugstackError {
    /// The 1-based line the error is on.
    #[must_use]
    pub fn line(&self) -> usize {
        match self {
            Self::Syntax { line, .. }
            | Self::UnknownPlugin { line, .. }
            | Self::Argument { line, .. }
            | Self::Plugin { line, .. } => *line,
        }
    }
}

/// An `include` line of `plugstack.conf`: other files to read, which is the host's
/// business (the core does no file I/O). Slurm reads every file the glob pattern matches,
/// relative to the directory of the file that includes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlugstackInclude {
    /// 1-based line number.
    pub line: usize,
    /// The pattern as written.
    pub pattern: String,
}

/// One meaningful line of `plugstack.conf`.
#[derive(Debug)]
enum Line {
    Plugin { path: String, args: Vec<String> },
    Include(String),
}

/// Reads `plugstack.conf` lines as `_plugin_stack_parse_line()` does: `#` starts a
/// comment, words are separated by blanks, the first is `required`, `optional` or
/// `include` (case-sensitive), the second the plugin path or include pattern, the rest
/// the plugin's arguments.
fn parse_lines(text: &str) -> Result<Vec<(usize, Line)>, PlugstackError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let content = raw.split('#').next().unwrap_or("");
        let mut words = content.split([' ', '\t', '\r']).filter(|w| !w.is_empty());
        let Some(kind) = words.next() else {
            continue;
        };
        let syntax = || PlugstackError::Syntax {
            line,
            text: raw.trim().to_owned(),
        };
        let path = words.next().ok_or_else(syntax)?.to_owned();
        match kind {
            "required" | "optional" => out.push((
                line,
                Line::Plugin {
                    path,
                    args: words.map(str::to_owned).collect(),
                },
            )),
            "include" => {
                if words.next().is_some() {
                    return Err(syntax());
                }
                out.push((line, Line::Include(path)));
            }
            _ => return Err(syntax()),
        }
    }
    Ok(out)
}

/// The plugins a cluster has after adding `plugstack` text to `current`, and its
/// include lines. `current` is not changed.
pub(crate) fn read_plugstack(
    current: &[SpankPlugin],
    text: &str,
) -> Result<(Vec<SpankPlugin>, Vec<PlugstackInclude>), PlugstackError> {
    let mut plugins = current.to_vec();
    let mut includes = Vec::new();
    for (line, entry) in parse_lines(text)? {
        match entry {
            Line::Include(pattern) => includes.push(PlugstackInclude { line, pattern }),
            Line::Plugin { path, args } => {
                // Slurm refuses to load a plugin twice; one declared by the host is
                // the one it meant.
                if plugins.iter().any(|p| p.is_named_by(&path)) {
                    continue;
                }
                let Some(builtin) = plugin_stem(&path)
                    .map(|s| s.strip_prefix("spank_").unwrap_or(s))
                    .and_then(SpankPlugin::builtin)
                else {
                    return Err(PlugstackError::UnknownPlugin { line, path });
                };
                let plugin = builtin.configured(&args).map_err(|(argument, why)| {
                    PlugstackError::Argument {
                        line,
                        plugin: path.clone(),
                        argument,
                        why,
                    }
                })?;
                add_plugin(&mut plugins, plugin)
                    .map_err(|source| PlugstackError::Plugin { line, source })?;
            }
        }
    }
    Ok((plugins, includes))
}

impl crate::Cluster {
    /// Reads `plugstack.conf` text and adds the plugins it lists, so that their options are
    /// accepted (see [`crate::sbatch::spank`]). Returns the `include` lines, which the host follows
    /// by adding the text of each file they name the same way.
    ///
    /// A line naming a plugin the cluster already has is skipped (Slurm does not load a
    /// plugin twice), so a plugin declared with [`crate::Cluster::add_spank_plugin`] may
    /// be listed. All or nothing: on error the cluster is unchanged.
    ///
    /// ```
    /// use hpcsched::Cluster;
    /// use hpcsched::request::Client;
    /// let mut c = Cluster::default();
    /// let includes = c.add_plugstack("required spank_pyxis.so sbatch_support=0\ninclude plugstack.conf.d/*\n")?;
    /// assert_eq!(includes[0].pattern, "plugstack.conf.d/*");
    /// assert!(!c.spank_plugins()[0].registers_for(Client::Sbatch));
    /// # Ok::<(), hpcsched::spank::PlugstackError>(())
    /// ```
    pub fn add_plugstack(&mut self, text: &str) -> Result<Vec<PlugstackInclude>, PlugstackError> {
        let (plugins, includes) = read_plugstack(self.spank_plugins(), text)?;
        *self.spank_plugins_mut() = plugins;
        Ok(includes)
    }

    /// Adds a SPANK plugin: a built-in one ([`SpankPlugin::pyxis`]) or one declared with
    /// its options ([`SpankPlugin::new`]). A rejected call changes nothing.
    ///
    /// ```
    /// use hpcsched::Cluster;
    /// use hpcsched::spank::{SpankError, SpankPlugin};
    /// let mut c = Cluster::default();
    /// c.add_spank_plugin(SpankPlugin::pyxis())?;
    /// assert_eq!(c.add_spank_plugin(SpankPlugin::pyxis()), Err(SpankError::DuplicatePlugin("pyxis".into())));
    /// # Ok::<(), SpankError>(())
    /// ```
    pub fn add_spank_plugin(&mut self, plugin: SpankPlugin) -> Result<(), SpankError> {
        add_plugin(self.spank_plugins_mut(), plugin)
    }

    /// Adds the plugin built into hpcsched with this name (`pyxis`).
    ///
    /// ```
    /// let mut c = hpcsched::Cluster::default();
    /// c.add_builtin_spank_plugin("pyxis")?;
    /// assert!(c.add_builtin_spank_plugin("lua").is_err());
    /// # Ok::<(), hpcsched::spank::SpankError>(())
    /// ```
    pub fn add_builtin_spank_plugin(&mut self, name: &str) -> Result<(), SpankError> {
        let plugin = SpankPlugin::builtin(name)
            .ok_or_else(|| SpankError::UnknownBuiltin(name.to_owned()))?;
        self.add_spank_plugin(plugin)
    }

    /// Adds a SPANK plugin by name: without `options`, the one built into hpcsched
    /// ([`Self::add_builtin_spank_plugin`]); with them, a plugin that registers these
    /// options, each written `NAME` (a flag), `NAME=` (a value required) or `NAME[=]` (a
    /// value optional), as the faces take them. A rejected call changes nothing.
    ///
    /// ```
    /// use hpcsched::request::Client;
    /// let mut c = hpcsched::Cluster::default();
    /// c.add_spank_plugin_named("pyxis", None::<&[&str]>)?;
    /// c.add_spank_plugin_named("tmpdir", Some(&["tmpdir-size=", "no-tmp"]))?;
    /// assert_eq!(c.spank_plugins().len(), 2);
    /// assert!(c.add_spank_plugin_named("x", Some(&["time="])).is_err()); // Slurm's own option
    /// # Ok::<(), hpcsched::spank::SpankError>(())
    /// ```
    pub fn add_spank_plugin_named<S: AsRef<str>>(
        &mut self,
        name: &str,
        options: Option<&[S]>,
    ) -> Result<(), SpankError> {
        let Some(specs) = options else {
            return self.add_builtin_spank_plugin(name);
        };
        let options = specs
            .iter()
            .map(|s| {
                let Ok(option) = s.as_ref().parse::<SpankOption>();
                option
            })
            .collect();
        self.add_spank_plugin(SpankPlugin::new(name, options)?)
    }
}

/// Adds `plugin` to `plugins`, refusing a second plugin of a name or an option two
/// plugins would register.
pub(crate) fn add_plugin(
    plugins: &mut Vec<SpankPlugin>,
    plugin: SpankPlugin,
) -> Result<(), SpankError> {
    if plugins.iter().any(|p| p.name == plugin.name) {
        return Err(SpankError::DuplicatePlugin(plugin.name));
    }
    for o in &plugin.options {
        if let Some(other) = plugins
            .iter()
            .find(|p| p.options.iter().any(|q| q.name == o.name))
        {
            return Err(SpankError::DuplicateOption {
                option: o.name.clone(),
                plugin: plugin.name.clone(),
                other: other.name.clone(),
            });
        }
    }
    plugins.push(plugin);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(
        prev: &[(&str, Option<&str>)],
        option: &str,
        value: Option<&str>,
    ) -> Result<(), PluginRefusal> {
        let prev: Vec<(String, Option<String>)> = prev
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.map(str::to_owned)))
            .collect();
        pyxis_check(&prev, option, value)
    }

    fn value_err(why: &str) -> Result<(), PluginRefusal> {
        Err(PluginRefusal::Value(format!("pyxis: {why}")))
    }

    #[test]
    fn pyxis_values_are_checked_as_pyxis_does() {
        // Observed on Slurm 22.05 with pyxis 0.24.0 (sbatch --test-only).
        assert_eq!(check(&[], "container-name", Some("myimage")), Ok(()));
        assert_eq!(check(&[], "container-name", Some("myimage:exec")), Ok(()));
        assert_eq!(
            check(&[], "container-name", Some("x:bogus")),
            value_err(
                "--container-name: flag must be \"auto\", \"create\", \"exec\" or \"no_exec\""
            )
        );
        assert_eq!(
            check(&[], "container-name", Some(":auto")),
            value_err("--container-name: empty name")
        );
        assert_eq!(check(&[], "container-mounts", Some(".:/workspace")), Ok(()));
        assert_eq!(
            check(
                &[],
                "container-mounts",
                Some("/data:/data:ro+rprivate,tmpfs:/scratch")
            ),
            Ok(())
        );
        assert_eq!(
            check(&[], "container-mounts", Some("bad")),
            value_err(
                "mount source must be a relative path, an absolute path, \"tmpfs\" or \"umount\""
            )
        );
        assert_eq!(
            check(&[], "container-mounts", Some("")),
            value_err("--container-mounts: argument required")
        );
        assert_eq!(
            check(&[], "container-mounts", Some("/a:")),
            value_err("--container-mounts: invalid format: /a:")
        );
        assert_eq!(
            check(&[], "container-mounts", Some("/a:b")),
            value_err("mount target must be a relative path or an absolute path")
        );
        assert_eq!(check(&[], "container-unshare", Some("net,uts")), Ok(()));
        assert_eq!(
            check(&[], "container-unshare", Some("foo")),
            value_err("--container-unshare: unknown namespace 'foo'")
        );
        assert_eq!(
            check(&[], "container-env", Some("A,,B")),
            value_err("--container-env: invalid format: A,,B")
        );
        assert_eq!(
            check(&[], "container-save", Some("/tmp/")),
            value_err("--container-save: target is a directory")
        );
        // The same value twice is fine, another one is not.
        assert_eq!(
            check(
                &[("container-image", Some("a"))],
                "container-image",
                Some("a")
            ),
            Ok(())
        );
        assert_eq!(
            check(
                &[("container-image", Some("a"))],
                "container-image",
                Some("b")
            ),
            value_err("--container-image specified multiple times")
        );
        // Mounts add up.
        assert_eq!(
            check(
                &[("container-mounts", Some("/a"))],
                "container-mounts",
                Some("/b")
            ),
            Ok(())
        );
        // A flag and its opposite.
        assert_eq!(
            check(&[("container-writable", None)], "container-readonly", None),
            Err(PluginRefusal::Conflict("container-writable".into()))
        );
        assert_eq!(
            check(&[("container-writable", None)], "container-writable", None),
            Ok(())
        );
    }

    #[test]
    fn plugstack_lines() {
        let (plugins, includes) = read_plugstack(
            &[],
            "# comment\n\noptional /usr/lib/slurm/spank_pyxis.so runtime_path=/run/pyxis sbatch_support=0 # why\ninclude /etc/slurm/plugstack.conf.d/*.conf\n",
        )
        .unwrap();
        assert_eq!(plugins, [SpankPlugin::pyxis().in_allocator(false)]);
        assert_eq!(
            includes,
            [PlugstackInclude {
                line: 4,
                pattern: "/etc/slurm/plugstack.conf.d/*.conf".into()
            }]
        );
        assert_eq!(
            read_plugstack(&[], "Required /x/spank_pyxis.so\n").unwrap_err(),
            PlugstackError::Syntax {
                line: 1,
                text: "Required /x/spank_pyxis.so".into()
            }
        );
        assert_eq!(
            read_plugstack(&[], "\nrequired\n").unwrap_err(),
            PlugstackError::Syntax {
                line: 2,
                text: "required".into()
            }
        );
        assert_eq!(
            read_plugstack(&[], "required spank_pyxis.so frobnicate=1\n").unwrap_err(),
            PlugstackError::Argument {
                line: 1,
                plugin: "spank_pyxis.so".into(),
                argument: "frobnicate=1".into(),
                why: "unknown configuration option".into()
            }
        );
        assert!(matches!(
            read_plugstack(&[], "required pyxis.so sbatch_support=maybe\n"),
            Err(PlugstackError::Argument { .. })
        ));
        // A declared plugin is found by its file name; listing it twice loads it once.
        let tmp = SpankPlugin::new(
            "private-tmpdir",
            vec![SpankOption::new("tmp-size", ArgKind::Required)],
        )
        .unwrap();
        let (plugins, _) = read_plugstack(
            std::slice::from_ref(&tmp),
            "required /usr/lib/private-tmpdir.so base=/tmp\noptional spank_pyxis.so\nrequired spank_pyxis.so\n",
        )
        .unwrap();
        assert_eq!(plugins, [tmp, SpankPlugin::pyxis()]);
    }

    #[test]
    fn declared_plugins_are_checked() {
        let o = |n: &str| SpankOption::new(n, ArgKind::None);
        assert!(SpankPlugin::new("ok", vec![o("a-b_c.d")]).is_ok());
        for bad in ["", "-x", "a=b", "a b", &"x".repeat(76)] {
            assert!(
                matches!(
                    SpankPlugin::new("p", vec![o(bad)]),
                    Err(SpankError::InvalidOptionName { .. })
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            SpankPlugin::new("p", vec![o("pty")]),
            Err(SpankError::SlurmOption { .. })
        ));
        assert!(matches!(
            SpankPlugin::new("p", vec![o("a"), o("a")]),
            Err(SpankError::DuplicateOption { .. })
        ));
        assert_eq!(
            SpankPlugin::new("a b", vec![]),
            Err(SpankError::InvalidPluginName("a b".into()))
        );
        let mut plugins = vec![SpankPlugin::pyxis()];
        let clash = SpankPlugin::new(
            "enroot",
            vec![SpankOption::new("container-image", ArgKind::Required)],
        )
        .unwrap();
        assert_eq!(
            add_plugin(&mut plugins, clash),
            Err(SpankError::DuplicateOption {
                option: "container-image".into(),
                plugin: "enroot".into(),
                other: "pyxis".into()
            })
        );
        assert_eq!(
            add_plugin(&mut plugins, SpankPlugin::pyxis()),
            Err(SpankError::DuplicatePlugin("pyxis".into()))
        );
        assert_eq!(plugins.len(), 1);
    }
}

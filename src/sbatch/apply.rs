//! Options applied to a [`JobRequest`]: `getopt_long` over the words of a script line or
//! a command line, what each option sets, and the checks between options (mutually
//! exclusive, refused together) that run once every pass is done.

use crate::output_pattern::OutputPattern;
use crate::request::{Client, Exclusive, JobRequest, MemoryRequest};
use crate::sbatch::spank::{PluginRefusal, SpankOption, SpankPlugin};

use super::lookup::{Spec, Table};
use super::options::{ALL, ArgKind, OptionError, SR, SbatchOption, client_bit};
use super::values::{self, parse_nice, parse_nodes, parse_positive, parse_priority};

use super::options::Action as A;

/// Where an option came from: a script line (1-based) or the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Line(usize),
    Cli,
}

/// State that outlives one pass: which mutually exclusive options were set, and where.
#[derive(Debug)]
pub(crate) struct Applier<'p> {
    table: Table<'p>,
    memory: Option<(&'static str, Source)>,
    /// `--gpus-per-node` / `--gres`: when (the option counter) and where they were last set.
    gpus_per_node: Option<(usize, Source)>,
    gres: Option<(usize, Source)>,
    /// Options whose combination is checked at the end, with where each was first given.
    seen: Vec<(&'static str, Source)>,
    /// Counts applied options, to tell which of two came later.
    applied: usize,
}

/// An option error together with where it happened.
#[derive(Debug)]
pub(crate) struct Located {
    pub source: Source,
    pub error: OptionError,
}

/// The result of one getopt pass.
pub(crate) struct PassEnd {
    /// Index of the first argument that was not consumed (the script path, for the
    /// command line).
    pub stop: usize,
}

/// Options that may not be given together, for the commands that check it: sbatch, srun
/// and salloc refuse `-v` with `-Q` (`_opt_verify()`), srun `--exact` with `--whole`,
/// `--exclusive` with `--overlap`, and `-r` with `-w` or `-x`.
const INCOMPATIBLE: &[(&str, &str, u8)] = &[
    ("verbose", "quiet", ALL),
    ("exact", "whole", SR),
    ("exclusive", "overlap", SR),
    ("relative", "nodelist", SR),
    ("relative", "exclude", SR),
];

impl<'p> Applier<'p> {
    /// A fresh option set for `client`, with the options of `plugins`.
    pub(crate) fn new(client: Client, plugins: &'p [SpankPlugin]) -> Self {
        Self {
            table: Table { client, plugins },
            memory: None,
            gpus_per_node: None,
            gres: None,
            seen: Vec::new(),
            applied: 0,
        }
    }

    /// Runs `getopt_long` over `args`, applying each option to `req`. `source_of(i)` says
    /// where argument `i` came from. Stops at `--` (consumed) or at the first non-option.
    pub(crate) fn pass<S: AsRef<str>>(
        &mut self,
        req: &mut JobRequest,
        args: &[S],
        source_of: &dyn Fn(usize) -> Source,
    ) -> Result<PassEnd, Located> {
        let mut i = 0;
        while let Some(arg) = args.get(i) {
            let arg = arg.as_ref();
            let source = source_of(i);
            let at = |error| Located { source, error };
            if arg == "--" {
                return Ok(PassEnd { stop: i + 1 });
            }
            if arg == "-" || !arg.starts_with('-') {
                return Ok(PassEnd { stop: i });
            }
            i += 1;
            if let Some(body) = arg.strip_prefix("--") {
                let (name, attached) = match body.split_once('=') {
                    Some((n, v)) => (n, Some(v)),
                    None => (body, None),
                };
                let written = format!("--{name}");
                let spec = self.table.long(name, &written).map_err(at)?;
                let value = match (spec.arg(), attached) {
                    (ArgKind::None, Some(v)) => {
                        return Err(at(OptionError::UnexpectedValue {
                            option: format!("--{}", spec.long()),
                            value: v.to_owned(),
                        }));
                    }
                    (_, Some(v)) => Some(v),
                    (ArgKind::Required, None) => {
                        let v = args
                            .get(i)
                            .ok_or_else(|| at(OptionError::MissingValue(written.clone())))?;
                        i += 1;
                        Some(v.as_ref())
                    }
                    (ArgKind::None | ArgKind::Optional, None) => None,
                };
                match spec {
                    Spec::Slurm(o) => self.apply(req, o, value, source).map_err(at)?,
                    Spec::Plugin(plugin, o) => {
                        self.apply_plugin(req, plugin, o, value).map_err(at)?;
                    }
                }
            } else {
                // A cluster of short options: `-Hv`, `-N2`, `-HN 2`.
                let cluster = &arg[1..];
                for (pos, c) in cluster.char_indices() {
                    let spec = self
                        .table
                        .short(c)
                        .ok_or_else(|| at(OptionError::Unknown(format!("-{c}"))))?;
                    let rest = &cluster[pos + c.len_utf8()..];
                    match spec.arg {
                        ArgKind::None => self.apply(req, spec, None, source).map_err(at)?,
                        ArgKind::Optional => {
                            let value = (!rest.is_empty()).then_some(rest);
                            self.apply(req, spec, value, source).map_err(at)?;
                            break;
                        }
                        ArgKind::Required => {
                            let value = if rest.is_empty() {
                                let v = args.get(i).ok_or_else(|| {
                                    at(OptionError::MissingValue(format!("-{c}")))
                                })?;
                                i += 1;
                                v.as_ref()
                            } else {
                                rest
                            };
                            self.apply(req, spec, Some(value), source).map_err(at)?;
                            break;
                        }
                    }
                }
            }
        }
        Ok(PassEnd { stop: i })
    }

    /// The command-line pass: options up to the script path (sbatch) or the command (srun,
    /// salloc). Any argument that is exactly `:` makes the command build a heterogeneous
    /// job (`sbatch -N1 : -N2 job.sh`; the command looks at every argument, even `-J :` or
    /// the script's or program's own arguments).
    pub(crate) fn cli_pass<S: AsRef<str>>(
        &mut self,
        req: &mut JobRequest,
        args: &[S],
    ) -> Result<PassEnd, Located> {
        if args.iter().any(|a| a.as_ref() == ":") {
            return Err(Located {
                source: Source::Cli,
                error: OptionError::HetJobUnsupported,
            });
        }
        self.pass(req, args, &|_| Source::Cli)
    }

    /// Checks that need the final values of every pass (`--gres=gpu` vs
    /// `--gpus-per-node`, `_validate_gres_vs_gpus_per_node()`; options the command
    /// refuses together).
    pub(crate) fn finish(&self, req: &JobRequest) -> Result<(), Located> {
        let gres_has_gpu = req.gres.iter().any(|g| g.key.name == "gpu");
        if let (Some(gpn), Some(gres), true) = (self.gpus_per_node, self.gres, gres_has_gpu) {
            let (first, second, source) = if gpn.0 > gres.0 {
                ("--gres=gpu", "--gpus-per-node", gpn.1)
            } else {
                ("--gpus-per-node", "--gres=gpu", gres.1)
            };
            return Err(Located {
                source,
                error: OptionError::Conflict {
                    first: first.to_owned(),
                    second: second.to_owned(),
                },
            });
        }
        let bit = client_bit(self.table.client);
        for &(a, b, clients) in INCOMPATIBLE {
            if clients & bit == 0 {
                continue;
            }
            let at = |name: &str| self.seen.iter().position(|(n, _)| *n == name);
            if let (Some(x), Some(y)) = (at(a), at(b)) {
                // Named in Slurm's order; found where the later of the two was given.
                let source = self.seen.get(x.max(y)).map_or(Source::Cli, |&(_, s)| s);
                return Err(Located {
                    source,
                    error: OptionError::Incompatible {
                        first: format!("--{a}"),
                        second: format!("--{b}"),
                    },
                });
            }
        }
        Ok(())
    }

    /// Hands a plugin option to its plugin, which may refuse the value, and keeps it.
    fn apply_plugin(
        &mut self,
        req: &mut JobRequest,
        plugin: &SpankPlugin,
        option: &SpankOption,
        value: Option<&str>,
    ) -> Result<(), OptionError> {
        let name = option.name();
        plugin
            .check(&req.plugin_options, name, value)
            .map_err(|refusal| match refusal {
                PluginRefusal::Value(why) => OptionError::InvalidValue {
                    option: format!("--{name}"),
                    value: value.unwrap_or("").to_owned(),
                    why,
                },
                PluginRefusal::Conflict(other) => OptionError::Conflict {
                    first: format!("--{other}"),
                    second: format!("--{name}"),
                },
            })?;
        self.applied += 1;
        req.plugin_options
            .push((name.to_owned(), value.map(str::to_owned)));
        Ok(())
    }

    fn apply(
        &mut self,
        req: &mut JobRequest,
        spec: &'static SbatchOption,
        value: Option<&str>,
        source: Source,
    ) -> Result<(), OptionError> {
        let name = spec.long;
        self.applied += 1;
        if INCOMPATIBLE.iter().any(|&(a, b, _)| a == name || b == name)
            && !self.seen.iter().any(|(n, _)| *n == name)
        {
            self.seen.push((name, source));
        }
        let invalid = |v: &str, why: String| OptionError::InvalidValue {
            option: format!("--{name}"),
            value: v.to_owned(),
            why,
        };
        // `value` is `Some` for every Required option (the getopt loop guarantees it).
        let v = value.unwrap_or("");
        match spec.action {
            A::JobName => req.job_name = Some(v.to_owned()),
            A::Uid => {
                if v.is_empty() {
                    return Err(invalid(v, "empty user name".into()));
                }
                req.user = Some(v.to_owned());
            }
            A::Account => req.account = Some(v.to_owned()),
            A::Qos => req.qos = Some(v.to_owned()),
            A::Comment => req.comment = Some(v.to_owned()),
            A::Partition => {
                let parts: Vec<String> = v.split(',').map(str::to_owned).collect();
                if parts.iter().any(String::is_empty) {
                    return Err(invalid(v, "empty partition name".into()));
                }
                req.partitions = parts;
            }
            A::Nodes => req.nodes = Some(parse_nodes(v).map_err(|why| invalid(v, why))?),
            A::Ntasks => req.ntasks = Some(parse_positive(v).map_err(|why| invalid(v, why))?),
            A::NtasksPerNode => {
                req.ntasks_per_node = Some(parse_positive(v).map_err(|why| invalid(v, why))?);
            }
            A::MinCpus => req.mincpus = Some(parse_positive(v).map_err(|why| invalid(v, why))?),
            A::CpusPerTask => {
                req.cpus_per_task = Some(parse_positive(v).map_err(|why| invalid(v, why))?);
            }
            A::Mem | A::MemPerCpu | A::MemPerGpu => {
                if let Some((first, _)) = self.memory
                    && first != name
                {
                    return Err(OptionError::Conflict {
                        first: format!("--{first}"),
                        second: format!("--{name}"),
                    });
                }
                let mem = values::memory(v).map_err(|why| invalid(v, why))?;
                req.memory = Some(match spec.action {
                    A::Mem => MemoryRequest::PerNode(mem),
                    A::MemPerCpu => MemoryRequest::PerCpu(mem),
                    _ => MemoryRequest::PerGpu(mem),
                });
                self.memory = Some((name, source));
            }
            A::Gres => {
                if v.eq_ignore_ascii_case("help") || v.eq_ignore_ascii_case("list") {
                    return Err(OptionError::Informational(format!("--gres={v}")));
                }
                req.gres = if v.eq_ignore_ascii_case("none") {
                    Vec::new()
                } else {
                    values::gres_list(v).map_err(|why| invalid(v, why))?
                };
                self.gres = Some((self.applied, source));
            }
            A::Gpus => {
                let gpus = values::gpus(v).map_err(|why| invalid(v, why))?;
                req.gpus = Some(Box::new(gpus));
            }
            A::GpusPerNode => {
                let gpus = values::gpus(v).map_err(|why| invalid(v, why))?;
                req.gpus_per_node = Some(Box::new(gpus));
                self.gpus_per_node = Some((self.applied, source));
            }
            A::Time => req.time_limit = Some(values::job_time(v).map_err(|why| invalid(v, why))?),
            A::TimeMin => req.time_min = Some(values::job_time(v).map_err(|why| invalid(v, why))?),
            A::Begin => req.begin = Some(values::begin(v).map_err(|why| invalid(v, why))?),
            A::Deadline => req.deadline = Some(values::begin(v).map_err(|why| invalid(v, why))?),
            A::Nice => {
                req.nice = Some(match value {
                    None => 100,
                    Some(v) => parse_nice(v).map_err(|why| invalid(v, why))?,
                });
            }
            A::Priority => req.priority = Some(parse_priority(v).map_err(|why| invalid(v, why))?),
            A::Hold => req.hold = true,
            A::Exclusive => {
                let (exclusive, oversubscribe) = match value {
                    None => (Some(Exclusive::Node), false),
                    Some(v) => match v.to_ascii_lowercase().as_str() {
                        "exclusive" | "allocation" => (Some(Exclusive::Node), false),
                        "user" => (Some(Exclusive::User), false),
                        "mcs" => (Some(Exclusive::Mcs), false),
                        "topo" => (Some(Exclusive::Topo), false),
                        "oversubscribe" => (None, true),
                        _ => {
                            return Err(invalid(
                                v,
                                "expected user, mcs, topo, oversubscribe or no value".into(),
                            ));
                        }
                    },
                };
                req.exclusive = exclusive;
                req.oversubscribe = oversubscribe;
            }
            A::Oversubscribe => {
                req.exclusive = None;
                req.oversubscribe = true;
            }
            A::Constraint => {
                req.constraint = Some(Box::new(
                    values::constraint(v).map_err(|why| invalid(v, why))?,
                ));
            }
            A::Nodelist | A::Exclude => {
                if v.contains('/') {
                    return Err(OptionError::FileNotSupported {
                        option: format!("--{name}"),
                        value: v.to_owned(),
                    });
                }
                // Stored in canonical order without duplicates (Slurm treats the list as a
                // set of nodes), so a request renders and reads back unchanged.
                let hosts = values::hostlist(v).map_err(|why| invalid(v, why))?;
                let hosts = values::hostlist(&values::hostlist_str(&hosts)).unwrap_or(hosts);
                if spec.action == A::Nodelist {
                    req.nodelist = hosts;
                } else {
                    req.exclude = hosts;
                }
            }
            A::Nodefile => {
                return Err(OptionError::FileNotSupported {
                    option: "--nodefile".into(),
                    value: v.to_owned(),
                });
            }
            A::Dependency => {
                req.dependency = Some(Box::new(
                    values::dependency(v).map_err(|why| invalid(v, why))?,
                ));
            }
            A::KillOnInvalidDep => {
                req.kill_on_invalid_dep = Some(if v.eq_ignore_ascii_case("yes") {
                    true
                } else if v.eq_ignore_ascii_case("no") {
                    false
                } else {
                    return Err(invalid(v, "expected yes or no".into()));
                });
            }
            A::Array => {
                req.array = Some(Box::new(values::array(v).map_err(|why| invalid(v, why))?));
            }
            A::Output => req.output = Some(OutputPattern(v.to_owned())),
            A::Error => req.error = Some(OutputPattern(v.to_owned())),
            A::Requeue => {
                match value {
                    None | Some("") => {}
                    Some(v) if v.eq_ignore_ascii_case("expedite") => req.expedited_requeue = true,
                    Some(v) => return Err(invalid(v, "expected no value or `expedite`".into())),
                }
                req.requeue = Some(true);
            }
            A::NoRequeue => {
                req.requeue = Some(false);
                req.expedited_requeue = false;
            }
            A::Info => {
                return Err(OptionError::Informational(format!("--{name}")));
            }
            A::Other => req
                .other_options
                .push((name.to_owned(), value.map(str::to_owned))),
            A::Refused(why) => {
                return Err(OptionError::Unsupported {
                    option: format!("--{name}"),
                    why: why.to_owned(),
                });
            }
            A::Checked(check) => {
                check.run(value).map_err(|why| OptionError::Unsupported {
                    option: match value {
                        Some(v) => format!("--{name}={v}"),
                        None => format!("--{name}"),
                    },
                    why: why.to_owned(),
                })?;
                req.other_options
                    .push((name.to_owned(), value.map(str::to_owned)));
            }
            A::Tmp => req.tmp = Some(values::memory(v).map_err(|why| invalid(v, why))?),
            A::CpusPerGpu => {
                req.cpus_per_gpu = Some(parse_positive(v).map_err(|why| invalid(v, why))?);
            }
            A::Overcommit => req.overcommit = true,
            A::UseMinNodes => req.use_min_nodes = true,
        }
        Ok(())
    }
}

/// Options of a command line alone (no script), applied to `req`; returns the index of
/// the first word after them.
pub(crate) fn apply_args<S: AsRef<str>>(
    req: &mut JobRequest,
    args: &[S],
    client: Client,
    plugins: &[SpankPlugin],
) -> Result<usize, OptionError> {
    let mut applier = Applier::new(client, plugins);
    let end = applier.cli_pass(req, args).map_err(|l| l.error)?;
    applier.finish(req).map_err(|l| l.error)?;
    Ok(end.stop)
}

//! `hpcsched check`: resolve batch scripts and srun/salloc/sbatch command lines against a
//! cluster the way the command would at submit.
//!
//! ```text
//! hpcsched check --cluster slurm.conf [--qos qos.txt] [--plugstack FILE] [--spank NAME]...
//!                [--user NAME] [--arg ARG]... [--command LINE]... [--format text|json]
//!                [--verbose] [SCRIPT...]
//! ```
//!
//! A SCRIPT (or any other file) given as `-` is read from standard input, named
//! `<stdin>` in the output. The JSON output is the serde form of typed structs
//! ([`CheckReport`]), described by `schemas/check.schema.json`.
//!
//! Exit status: 0 when every script is accepted, 1 when at least one is rejected, 2 on a
//! usage or input error (an unreadable file, a slurm.conf, QOS or script that does not
//! parse).

use super::{
    Fatal, Format, PluginArgs, add_plugins, display_path, load_cluster, located, read, usage_error,
    write_stdout,
};
use hpcsched::{Duration, JobRequest, Memory, Rejection, ResolvedJob, ResolvedMemory, TimeLimit};
use serde::Serialize;
use std::fmt::Write as _;
use std::process::ExitCode;

/// The one-line description in `hpcsched --help`.
pub const ABOUT: &str = "Resolve batch scripts and srun/salloc/sbatch command lines against a \
cluster as sbatch and slurmctld would at submit";

/// What `hpcsched check --help` says the command does.
pub const LONG_ABOUT: &str = "\
Resolve each batch script, and each sbatch, srun or salloc command line, against the
cluster as the command and slurmctld would at submit (an interactive job is scheduled
like a batch job): print the partition, QOS, node/task/CPU counts, memory, GRES and
time limit the job gets, or REJECTED with Slurm's reasons.";

/// The usage line.
pub const USAGE: &str = "\
hpcsched check --cluster FILE [--qos FILE] [--plugstack FILE] [--spank NAME]...
                      [--user NAME] [--arg ARG]... [--command LINE]...
                      [--format text|json] [--verbose] [SCRIPT...]";

/// After the options.
pub const AFTER_HELP: &str = "\
With --format json, durations are whole seconds (`time_limit`, null when UNLIMITED) and
memory is MiB; the layout is described by schemas/check.schema.json in the source
repository, and its `format_version` changes when a key changes meaning or goes away.

Exit status: 0 all accepted, 1 some job rejected, 2 usage or input error.";

/// The command line of `hpcsched check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// slurm.conf of the cluster (NodeName/PartitionName lines and scheduler keys)
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath, help_heading = "Cluster")]
    cluster: String,
    /// QOS definitions, one `sacctmgr add qos NAME KEY=VALUE...` a line
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath, help_heading = "Cluster")]
    qos: Option<String>,
    #[command(flatten)]
    plugins: PluginArgs,
    /// The submitting user (privileged options need root)
    ///
    /// Privileged options such as --priority are refused unless it is root. Default: not
    /// checked.
    #[arg(long, value_name = "NAME", help_heading = "Jobs")]
    user: Option<String>,
    /// An sbatch argument, applied over each script's #SBATCH lines
    ///
    /// As `sbatch ARG... SCRIPT` would. Repeat it for each word: `--arg -p --arg gpu` (or
    /// `--arg=-p`).
    #[arg(
        long = "arg",
        value_name = "ARG",
        allow_hyphen_values = true,
        help_heading = "Jobs"
    )]
    sbatch_args: Vec<String>,
    /// A command line to check: `srun ...`, `salloc ...` or `sbatch ...`
    ///
    /// Shell quoting, no expansion; read with that command's own options (srun refuses
    /// --array, salloc -o, as they do). Repeatable; checked after the SCRIPTs. A SCRIPT
    /// file whose first word is srun, salloc or sbatch is one too.
    #[arg(long = "command", value_name = "LINE", help_heading = "Jobs")]
    commands: Vec<String>,
    /// Output format
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        default_value_t,
        help_heading = "Output"
    )]
    format: Format,
    /// Also print the slurm.conf keys hpcsched does not act on, on stderr
    #[arg(short, long, help_heading = "Output")]
    verbose: bool,
    /// Batch scripts, or files holding an srun, salloc or sbatch command line; `-` reads
    /// standard input
    #[arg(value_name = "SCRIPT", value_hint = clap::ValueHint::FilePath)]
    scripts: Vec<String>,
}

/// `hpcsched check`.
pub fn main(args: &CheckArgs) -> Result<ExitCode, Fatal> {
    if args.scripts.is_empty() && args.commands.is_empty() {
        return Err(usage_error("check", "no script or command given"));
    }
    check(args)
}

/// Where a request came from, as the output names it: a script file, or a command line
/// (given with `--command`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case")]
enum Input<'a> {
    /// A file (`<stdin>` for `-`); it may hold a command line rather than a script.
    Script(&'a str),
    /// A `--command` line.
    Command(&'a str),
}

impl Input<'_> {
    /// How the output names it.
    fn label(&self) -> &str {
        match self {
            Input::Script(path) | Input::Command(path) => path,
        }
    }
}

/// Whether a file holds a command line rather than a batch script: its first word is
/// srun, salloc or sbatch (a script starts with `#!`).
fn is_command_line(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or("");
    let base = first.rsplit('/').next().unwrap_or(first);
    matches!(base, "srun" | "salloc" | "sbatch")
}

fn check(args: &CheckArgs) -> Result<ExitCode, Fatal> {
    let mut cluster = load_cluster(&args.cluster, args.qos.as_deref(), args.verbose)?;
    add_plugins(&mut cluster, &args.plugins)?;
    let parser = cluster.parser();
    // Parse every input first: an input error must not leave half the output printed.
    let mut requests: Vec<(Input<'_>, JobRequest)> = Vec::new();
    for path in &args.scripts {
        let text = read(path)?;
        let req = if is_command_line(&text) {
            parser
                .command_line_text(&text)
                .map_err(|e| Fatal(located(path, &e)))?
        } else {
            parser
                .script(&text, &args.sbatch_args)
                .map_err(|e| Fatal(located(path, &e)))?
        };
        requests.push((Input::Script(display_path(path)), req));
    }
    for line in &args.commands {
        let req = parser
            .command_line_text(line)
            .map_err(|e| Fatal(format!("--command `{line}`: {e}")))?;
        requests.push((Input::Command(line), req));
    }
    for (_, req) in &mut requests {
        if let Some(user) = &args.user {
            req.user = Some(user.clone());
        }
    }
    let results: Vec<CheckResult<'_>> = requests
        .iter()
        .map(|(input, req)| CheckResult {
            input,
            verdict: match cluster.resolve(req) {
                Ok(job) => Verdict::Accepted {
                    job: Box::new(AcceptedJob::of(&job)),
                },
                Err(rejection) => Verdict::Rejected {
                    reasons: reasons(&rejection),
                },
            },
        })
        .collect();
    let any_rejected = results
        .iter()
        .any(|r| matches!(r.verdict, Verdict::Rejected { .. }));
    let out = match args.format {
        Format::Json => {
            let report = CheckReport {
                format_version: JSON_FORMAT_VERSION,
                cluster_file: display_path(&args.cluster),
                results: &results,
            };
            let mut text = serde_json::to_string_pretty(&report)
                .map_err(|e| Fatal(format!("cannot render JSON: {e}")))?;
            text.push('\n');
            text
        }
        Format::Text => results
            .iter()
            .map(CheckResult::text)
            .collect::<Vec<_>>()
            .join("\n"),
    };
    write_stdout(out.as_bytes())?;
    Ok(if any_rejected {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn reasons(rejection: &Rejection) -> Vec<String> {
    rejection
        .reasons()
        .iter()
        .map(ToString::to_string)
        .collect()
}

// ---------------------------------------------------------------------------------------
// The result, typed: the JSON is its serde form (schemas/check.schema.json), the text is
// made from the same values.

/// The version of `check --format json`'s layout; it changes when a key changes meaning
/// or goes away. 1: the first versioned layout (before it, a bare array whose
/// `time_limit` was Slurm's `D-HH:MM:SS` text).
const JSON_FORMAT_VERSION: u32 = 1;

/// `check --format json`.
#[derive(Serialize)]
struct CheckReport<'a> {
    format_version: u32,
    /// The `--cluster` file (`<stdin>` for `-`).
    cluster_file: &'a str,
    /// One per input: the SCRIPTs, then the `--command` lines, in order.
    results: &'a [CheckResult<'a>],
}

/// What became of one input: `{"script": ...}` or `{"command": ...}`, then its verdict.
#[derive(Serialize)]
struct CheckResult<'a> {
    #[serde(flatten)]
    input: &'a Input<'a>,
    #[serde(flatten)]
    verdict: Verdict,
}

/// `"status": "accepted"` with the job, or `"rejected"` with Slurm's reasons.
#[derive(Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum Verdict {
    Accepted { job: Box<AcceptedJob> },
    Rejected { reasons: Vec<String> },
}

/// What the cluster gives an accepted job. Durations are whole seconds, memory MiB.
#[derive(Serialize)]
struct AcceptedJob {
    job_name: Option<String>,
    partition: String,
    /// Every partition it may run in, in the order they are tried.
    partitions: Vec<String>,
    qos: Option<String>,
    nodes: NodeRange,
    tasks: u32,
    cpus_per_task: u32,
    cpus: u32,
    memory: MemoryJson,
    /// `NAME[:TYPE]:COUNT` each.
    gres_per_node: Vec<String>,
    /// `--gpus` (`gpu[:TYPE]:COUNT`), for the whole job.
    gpus_per_job: Option<String>,
    /// Seconds; `None` (null) when UNLIMITED.
    time_limit: Option<u64>,
    whole_nodes: bool,
    user_exclusive: bool,
    /// `--NAME[=VALUE]` of SPANK plugins: kept, no effect on scheduling.
    plugin_options: Vec<String>,
    /// Slurm's canonical text of `--dependency`, `--array`, `--begin`.
    dependency: Option<String>,
    array: Option<String>,
    begin: Option<String>,
    /// Why it would wait for ever, if it would.
    pending_reason: Option<String>,
}

#[derive(Serialize)]
struct NodeRange {
    min: u32,
    max: u32,
}

/// Memory per node, per CPU, per GPU, or every node's whole memory (`mib` null).
#[derive(Serialize)]
struct MemoryJson {
    per: MemoryPer,
    mib: Option<u64>,
}

#[derive(Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum MemoryPer {
    Node,
    Cpu,
    Gpu,
    WholeNode,
}

impl AcceptedJob {
    fn of(job: &ResolvedJob) -> Self {
        let req = job.request();
        let memory = match job.memory() {
            ResolvedMemory::PerNode(m) => (MemoryPer::Node, Some(m.mib())),
            ResolvedMemory::PerCpu(m) => (MemoryPer::Cpu, Some(m.mib())),
            ResolvedMemory::PerGpu(m) => (MemoryPer::Gpu, Some(m.mib())),
            ResolvedMemory::WholeNode => (MemoryPer::WholeNode, None),
        };
        Self {
            job_name: req.job_name.clone(),
            partition: job.partition().to_owned(),
            partitions: job.partitions().to_vec(),
            qos: job.qos().map(str::to_owned),
            nodes: NodeRange {
                min: job.min_nodes(),
                max: job.max_nodes(),
            },
            tasks: job.ntasks(),
            cpus_per_task: job.cpus_per_task(),
            cpus: job.min_cpus(),
            memory: MemoryJson {
                per: memory.0,
                mib: memory.1,
            },
            gres_per_node: job
                .gres_per_node()
                .iter()
                .map(ToString::to_string)
                .collect(),
            gpus_per_job: job.shape().gpus_per_job().map(ToString::to_string),
            time_limit: job.time_limit().duration().map(Duration::as_secs),
            whole_nodes: job.whole_nodes(),
            user_exclusive: job.user_exclusive(),
            plugin_options: req
                .plugin_options
                .iter()
                .map(|(n, v)| match v {
                    Some(v) => format!("--{n}={v}"),
                    None => format!("--{n}"),
                })
                .collect(),
            dependency: req.dependency.as_ref().map(ToString::to_string),
            array: req.array.as_ref().map(ToString::to_string),
            begin: req.begin.as_ref().map(ToString::to_string),
            pending_reason: job.pending_reason().map(|r| r.to_string()),
        }
    }

    /// The rows of the text output, in order, as (label, text).
    fn rows(&self) -> Vec<(&'static str, String)> {
        let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        let list = |v: &[String], sep: &str| {
            if v.is_empty() {
                "-".into()
            } else {
                v.join(sep)
            }
        };
        let nodes = if self.nodes.min == self.nodes.max {
            self.nodes.min.to_string()
        } else {
            format!("{}-{}", self.nodes.min, self.nodes.max)
        };
        let time_limit = match self.time_limit {
            Some(secs) => TimeLimit::Limited(Duration::from_secs(secs)),
            None => TimeLimit::Unlimited,
        };
        vec![
            ("job name", or_dash(&self.job_name)),
            ("partition", self.partition.clone()),
            ("partitions", self.partitions.join(",")),
            ("qos", or_dash(&self.qos)),
            ("nodes", nodes),
            ("tasks", self.tasks.to_string()),
            ("cpus per task", self.cpus_per_task.to_string()),
            ("cpus", self.cpus.to_string()),
            ("memory", self.memory.text()),
            ("gres per node", list(&self.gres_per_node, ",")),
            ("gpus per job", or_dash(&self.gpus_per_job)),
            ("time limit", time_limit.to_string()),
            ("whole nodes", yes_no(self.whole_nodes).into()),
            ("user exclusive", yes_no(self.user_exclusive).into()),
            ("plugin options", list(&self.plugin_options, " ")),
            ("dependency", or_dash(&self.dependency)),
            ("array", or_dash(&self.array)),
            ("begin", or_dash(&self.begin)),
            ("pending reason", or_dash(&self.pending_reason)),
        ]
    }
}

impl MemoryJson {
    /// `8G per CPU`, `1536M per node`, `all of each node`.
    fn text(&self) -> String {
        let Some(mib) = self.mib else {
            return "all of each node".into();
        };
        // Slurm's units, as the core writes memory everywhere.
        let amount = Memory::from_mib(mib);
        let per = match self.per {
            MemoryPer::Node | MemoryPer::WholeNode => "node",
            MemoryPer::Cpu => "CPU",
            MemoryPer::Gpu => "GPU",
        };
        format!("{amount} per {per}")
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

impl CheckResult<'_> {
    /// The text block: `LABEL: ACCEPTED` and the job's rows, or `LABEL: REJECTED` and the
    /// reasons.
    fn text(&self) -> String {
        let label = self.input.label();
        let mut out = String::new();
        match &self.verdict {
            Verdict::Accepted { job } => {
                let _ = writeln!(out, "{label}: ACCEPTED");
                for (row, text) in job.rows() {
                    let _ = writeln!(out, "  {row:<16}{text}");
                }
            }
            Verdict::Rejected { reasons } => {
                let _ = writeln!(out, "{label}: REJECTED");
                for reason in reasons {
                    let _ = writeln!(out, "  {reason}");
                }
            }
        }
        out
    }
}

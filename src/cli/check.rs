//! `hpcsched check`: resolve batch scripts and srun/salloc/sbatch command lines against a
//! cluster the way the command would at submit.
//!
//! ```text
//! hpcsched check --cluster slurm.conf [--qos qos.txt] [--plugstack FILE] [--spank NAME]...
//!                [--user NAME] [--arg ARG]... [--command LINE]... [--format text|json]
//!                [--verbose] [SCRIPT...]
//! ```

//!
//! Exit status: 0 when every script is accepted, 1 when at least one is rejected, 2 on a
//! usage or input error (an unreadable file, a slurm.conf, QOS or script that does not
//! parse).

use super::{
    Fatal, Format, PluginArgs, add_plugins, load_cluster, located, read, usage_error, write_stdout,
};
use hpcsched::gres::GresSpec;
use hpcsched::{JobRequest, Memory, Rejection, ResolvedJob, ResolvedMemory};
use serde_json::{Value, json};
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

/// Where a request came from: a script file, or a command line (given with `--command`
/// or as the text of a file).
enum Input<'a> {
    Script(&'a str),
    Command(String),
}

impl Input<'_> {
    /// How the output names it.
    fn label(&self) -> &str {
        match self {
            Input::Script(path) => path,
            Input::Command(line) => line,
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
                .map_err(|e| Fatal(format!("{path}: {e}")))?
        } else {
            parser
                .script(&text, &args.sbatch_args)
                .map_err(|e| Fatal(located(path, &e)))?
        };
        requests.push((Input::Script(path), req));
    }
    for line in &args.commands {
        let req = parser
            .command_line_text(line)
            .map_err(|e| Fatal(format!("--command `{line}`: {e}")))?;
        requests.push((Input::Command(line.clone()), req));
    }
    for (_, req) in &mut requests {
        if let Some(user) = &args.user {
            req.user = Some(user.clone());
        }
    }
    let results: Vec<(&Input<'_>, Result<ResolvedJob, Rejection>)> = requests
        .iter()
        .map(|(input, req)| (input, cluster.resolve(req)))
        .collect();
    let any_rejected = results.iter().any(|(_, r)| r.is_err());
    if args.format == Format::Json {
        let out: Vec<Value> = results.iter().map(|(p, r)| json_result(p, r)).collect();
        let mut text = serde_json::to_string_pretty(&Value::Array(out))
            .map_err(|e| Fatal(format!("cannot render JSON: {e}")))?;
        text.push('\n');
        write_stdout(text.as_bytes())?;
    } else {
        let blocks: Vec<String> = results
            .iter()
            .map(|(p, r)| text_result(p.label(), r))
            .collect();
        write_stdout(blocks.join("\n").as_bytes())?;
    }
    Ok(if any_rejected {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `8G`, `1536M`: MiB, in GiB when whole.
fn memory_str(m: Memory) -> String {
    let mib = m.mib();
    if mib > 0 && mib.is_multiple_of(1024) {
        format!("{}G", mib / 1024)
    } else {
        format!("{mib}M")
    }
}

fn resolved_memory_str(m: ResolvedMemory) -> String {
    match m {
        ResolvedMemory::PerNode(m) => format!("{} per node", memory_str(m)),
        ResolvedMemory::PerCpu(m) => format!("{} per CPU", memory_str(m)),
        ResolvedMemory::PerGpu(m) => format!("{} per GPU", memory_str(m)),
        ResolvedMemory::WholeNode => "all of each node".to_string(),
    }
}

fn gres_str(g: &GresSpec) -> String {
    match &g.key.kind {
        Some(kind) => format!("{}:{}:{}", g.key.name, kind, g.count),
        None => format!("{}:{}", g.key.name, g.count),
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn nodes_str(job: &ResolvedJob) -> String {
    if job.min_nodes() == job.max_nodes() {
        job.min_nodes().to_string()
    } else {
        format!("{}-{}", job.min_nodes(), job.max_nodes())
    }
}

/// The rows shown for an accepted job, in order, as (label, text, JSON value).
fn rows(job: &ResolvedJob) -> Vec<(&'static str, String, Value)> {
    let req = job.request();
    let gres: Vec<String> = job.gres_per_node().iter().map(gres_str).collect();
    let opt = |v: Option<String>| v.map_or(Value::Null, Value::String);
    let mut rows = vec![
        (
            "job name",
            req.job_name.clone().unwrap_or_else(|| "-".into()),
            opt(req.job_name.clone()),
        ),
        (
            "partition",
            job.partition().to_string(),
            json!(job.partition()),
        ),
        (
            "partitions",
            job.partitions().join(","),
            json!(job.partitions()),
        ),
        (
            "qos",
            job.qos().unwrap_or("-").to_string(),
            opt(job.qos().map(str::to_string)),
        ),
        (
            "nodes",
            nodes_str(job),
            json!({"min": job.min_nodes(), "max": job.max_nodes()}),
        ),
        ("tasks", job.ntasks().to_string(), json!(job.ntasks())),
        (
            "cpus per task",
            job.cpus_per_task().to_string(),
            json!(job.cpus_per_task()),
        ),
        ("cpus", job.min_cpus().to_string(), json!(job.min_cpus())),
        (
            "memory",
            resolved_memory_str(job.memory()),
            memory_json(job.memory()),
        ),
        (
            "gres per node",
            if gres.is_empty() {
                "-".into()
            } else {
                gres.join(",")
            },
            json!(gres),
        ),
        (
            "gpus per job",
            job.shape()
                .gpus_per_job()
                .map_or_else(|| "-".into(), gres_str),
            job.shape()
                .gpus_per_job()
                .map_or(Value::Null, |g| json!(gres_str(g))),
        ),
        (
            "time limit",
            job.time_limit().to_string(),
            json!(job.time_limit().to_string()),
        ),
        (
            "whole nodes",
            yes_no(job.whole_nodes()).into(),
            json!(job.whole_nodes()),
        ),
        (
            "user exclusive",
            yes_no(job.user_exclusive()).into(),
            json!(job.user_exclusive()),
        ),
    ];
    // SPANK plugin options: kept, no effect on scheduling.
    let plugin_options: Vec<String> = req
        .plugin_options
        .iter()
        .map(|(n, v)| match v {
            Some(v) => format!("--{n}={v}"),
            None => format!("--{n}"),
        })
        .collect();
    rows.push((
        "plugin options",
        if plugin_options.is_empty() {
            "-".into()
        } else {
            plugin_options.join(" ")
        },
        json!(plugin_options),
    ));
    let dependency = req.dependency.as_ref().map(ToString::to_string);
    let array = req.array.as_ref().map(ToString::to_string);
    let begin = req.begin.as_ref().map(ToString::to_string);
    let pending = job.pending_reason().map(|r| r.to_string());
    for (label, value) in [
        ("dependency", dependency),
        ("array", array),
        ("begin", begin),
        ("pending reason", pending),
    ] {
        let text = value.clone().unwrap_or_else(|| "-".into());
        rows.push((label, text, opt(value)));
    }
    rows
}

fn memory_json(m: ResolvedMemory) -> Value {
    match m {
        ResolvedMemory::PerNode(m) => json!({"per": "node", "mib": m.mib()}),
        ResolvedMemory::PerCpu(m) => json!({"per": "cpu", "mib": m.mib()}),
        ResolvedMemory::PerGpu(m) => json!({"per": "gpu", "mib": m.mib()}),
        ResolvedMemory::WholeNode => json!({"per": "whole_node", "mib": null}),
    }
}

fn text_result(path: &str, result: &Result<ResolvedJob, Rejection>) -> String {
    let mut out = String::new();
    match result {
        Ok(job) => {
            let _ = writeln!(out, "{path}: ACCEPTED");
            for (label, text, _) in rows(job) {
                let _ = writeln!(out, "  {label:<16}{text}");
            }
        }
        Err(rejection) => {
            let _ = writeln!(out, "{path}: REJECTED");
            for reason in rejection.reasons() {
                let _ = writeln!(out, "  {reason}");
            }
        }
    }
    out
}

fn json_result(input: &Input<'_>, result: &Result<ResolvedJob, Rejection>) -> Value {
    let mut entry = serde_json::Map::new();
    match input {
        Input::Script(path) => entry.insert("script".into(), json!(path)),
        Input::Command(line) => entry.insert("command".into(), json!(line)),
    };
    match result {
        Ok(job) => {
            let mut fields = serde_json::Map::new();
            for (label, _, value) in rows(job) {
                fields.insert(label.replace(' ', "_"), value);
            }
            entry.insert("status".into(), json!("accepted"));
            entry.insert("job".into(), Value::Object(fields));
        }
        Err(rejection) => {
            let reasons: Vec<String> = rejection
                .reasons()
                .iter()
                .map(ToString::to_string)
                .collect();
            entry.insert("status".into(), json!("rejected"));
            entry.insert("reasons".into(), json!(reasons));
        }
    }
    Value::Object(entry)
}

//! `hpcsched simulate`: replay a workload (an SWF trace or a job list) through the
//! scheduler in virtual time, and report the replay's metrics, or the queue at a given
//! time as `squeue --start` shows it.
//!
//! The trace is streamed: jobs are read as their submit time comes and leave memory when
//! they leave the system, so a 450,000-job trace replays in a few MiB. Nothing is dropped
//! silently: SWF lines that are not replayed and jobs the cluster refuses at submit are
//! counted, and listed on stderr with their file and line.

use super::progress::Progress;
use super::{
    Fatal, Format, PluginArgs, STDIN_NAME, STDIN_PATH, add_plugins, add_qos, display_path,
    load_cluster, take_stdin, usage_error, write_stdout,
};
use hpcsched::record::{CsvWriter, JsonLinesWriter};
use hpcsched::replay::{
    Observer, Replay, ReplayErrorKind, ReplayOutcome, ReplaySettings, WorkloadFormat, WorkloadInput,
};
use hpcsched::simulator::Overrun;
use hpcsched::squeue::{self, QueueRow};
use hpcsched::workload::Skipped;
use hpcsched::{Duration, JobRecord, PreemptionStats, Preset, Timestamp};
use serde::Serialize;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::ops::ControlFlow;
use std::process::ExitCode;
use std::time::Instant;

/// The one-line description in `hpcsched --help`.
pub const ABOUT: &str = "Replay a workload (an SWF trace or a job list) through the scheduler \
in virtual time: wait, slowdown and utilization, or the queue at a given time";

/// What `hpcsched simulate --help` says the command does.
pub const LONG_ABOUT: &str = "\
Replay a workload through the scheduler in virtual time, as slurmctld would schedule it
on the cluster, and print the replay's metrics (wait, bounded slowdown, utilization,
throughput; overall, per partition and per user), or with --at the queue at that time.

The workload is an SWF trace (Parallel Workloads Archive format) or a job list, plain or
gzip; `-` reads standard input.";

/// The usage line.
pub const USAGE: &str =
    "hpcsched simulate [--cluster FILE] (--workload FILE | --jobs FILE) [OPTIONS]";

/// After the options (`-h`).
pub const AFTER_HELP: &str = "Exit status: 0 success, 2 usage or input error.";

/// After the options (`--help`).
pub const AFTER_LONG_HELP: &str = "\
SWF lines that are not replayed (unreadable, wider than the machine, no run time) and
jobs the cluster refuses at submit are reported on stderr with their line. A replay ends
when nothing left to happen can change anything: jobs that could never start then (held,
waiting on a dependency that can no longer be satisfied, over a partition limit...) are
listed in the report with their pending reason. A progress bar is drawn on stderr when
it is a terminal.

With --format json, times and durations are whole seconds on the workload's clock (waits
are means and medians in seconds too); the layout is described by
schemas/simulate.schema.json in the source repository, and its `format_version` changes
when a key changes meaning or goes away.

Exit status: 0 success, 2 usage or input error.";

/// `--policy`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
enum PolicyArg {
    /// First come, first served, no backfill
    Fifo,
    /// EASY backfill: the first blocked job of each partition reserves
    Easy,
    /// Conservative backfill: every blocked job reserves
    Conservative,
    /// The cluster's own SchedulerType and SchedulerParameters, as slurmctld
    #[default]
    Slurm,
}

impl PolicyArg {
    fn preset(self) -> Preset {
        match self {
            PolicyArg::Fifo => Preset::Fifo,
            PolicyArg::Easy => Preset::Easy,
            PolicyArg::Conservative => Preset::Conservative,
            PolicyArg::Slurm => Preset::Slurm,
        }
    }
}

/// `--overrun`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
enum OverrunArg {
    /// A job still running at its time limit ends there as TIMEOUT (Slurm's behaviour)
    #[default]
    Kill,
    /// Jobs run to their recorded run time (the convention of published trace replays)
    Allow,
}

/// The command line of `hpcsched simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// An SWF trace or a job list (told apart by content); `-` reads standard input
    ///
    /// SWF is the Parallel Workloads Archive's format; plain or gzip. An SWF job asks for
    /// its processors (-n PROCS), its requested time is its limit (its run time when the
    /// trace has none), and it runs for its recorded run time.
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath, help_heading = "Workload (one of)")]
    workload: Option<String>,
    /// A job list: `SUBMIT_TIME RUNTIME[:EXIT] USER [sbatch options...]` a line
    ///
    /// Plain or gzip, `-` reads standard input. Dependencies by -J name or by position.
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath, help_heading = "Workload (one of)")]
    jobs: Option<String>,
    /// slurm.conf of the cluster; required with --jobs
    ///
    /// With an SWF trace it may be left out: the cluster is then the machine the trace's
    /// header describes (MaxNodes nodes of MaxProcs/MaxNodes CPUs, one partition `swf`).
    /// With --cluster the trace's jobs go to its default partition.
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath, help_heading = "Cluster")]
    cluster: Option<String>,
    /// QOS definitions, one `sacctmgr add qos NAME KEY=VALUE...` a line
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath, help_heading = "Cluster")]
    qos: Option<String>,
    /// Accounts, users and their limits: a `sacctmgr` script (`add account ...`, `add
    /// user ...`, `add qos ...` lines) or a file `sacctmgr dump` wrote
    ///
    /// Jobs then run under their user's association (its default account and QOS);
    /// association limits and fair-share follow the tree.
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath, help_heading = "Cluster")]
    accounts: Option<String>,
    #[command(flatten)]
    plugins: PluginArgs,
    /// The scheduling policy
    ///
    /// `slurm` follows the cluster's own SchedulerType and SchedulerParameters; `fifo`,
    /// `easy` and `conservative` are the textbook algorithms, planned to the second.
    #[arg(
        long,
        value_enum,
        value_name = "POLICY",
        default_value_t,
        help_heading = "Replay"
    )]
    policy: PolicyArg,
    /// (SWF) give each job whole nodes: -N ceil(PROCS / C) --exclusive
    ///
    /// C is the CPUs of the default partition's nodes (of its smallest node if they
    /// differ).
    #[arg(long, help_heading = "Replay")]
    whole_nodes: bool,
    /// What happens to a job still running at its time limit
    #[arg(
        long,
        value_enum,
        value_name = "WHAT",
        default_value_t,
        help_heading = "Replay"
    )]
    overrun: OverrunArg,
    /// Replay only the first N jobs of the workload
    #[arg(long, value_name = "N", value_parser = parse_first, help_heading = "Replay")]
    first: Option<u64>,
    /// Stop at TIME and print the queue instead of the metrics
    ///
    /// The queue is every job still running or pending, with its start time (expected,
    /// for pending jobs), as squeue --start shows it. TIME is seconds on the workload's
    /// clock (SWF submit times, the job list's SUBMIT_TIME), or a Slurm duration such as
    /// 2:00:00 or 1-12:00:00.
    #[arg(long, value_name = "TIME", value_parser = parse_at, help_heading = "Replay")]
    at: Option<Timestamp>,
    /// Output format
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        default_value_t,
        help_heading = "Output"
    )]
    format: Format,
    /// Write each job's accounting record as it leaves the system
    ///
    /// CSV, or JSON lines if FILE ends in .jsonl or .json.
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath, help_heading = "Output")]
    records: Option<String>,
    /// List every skipped line, refused job and job left pending (not only the first 5)
    ///
    /// And the slurm.conf keys hpcsched does not act on, on stderr.
    #[arg(short, long, help_heading = "Output")]
    verbose: bool,
}

/// How many skipped lines and refused jobs are listed without `--verbose`.
const SHOWN: usize = 5;

/// Where the jobs come from: `--workload` (any format) or `--jobs` (a job list).
struct Source {
    path: String,
    /// Given as `--jobs`.
    job_list: bool,
}

/// `hpcsched simulate`.
pub fn main(args: &SimulateArgs) -> Result<ExitCode, Fatal> {
    let source = match (&args.workload, &args.jobs) {
        (Some(_), Some(_)) => {
            return Err(usage_error(
                "simulate",
                "--workload and --jobs cannot be used together: give one workload",
            ));
        }
        (Some(w), None) => Source {
            path: w.clone(),
            job_list: false,
        },
        (None, Some(j)) => Source {
            path: j.clone(),
            job_list: true,
        },
        (None, None) => {
            return Err(usage_error(
                "simulate",
                "no workload: give --workload TRACE.swf[.gz] or --jobs FILE",
            ));
        }
    };
    if source.job_list {
        if args.cluster.is_none() {
            return Err(usage_error(
                "simulate",
                "--jobs needs --cluster FILE: a job list does not describe a machine",
            ));
        }
        if args.whole_nodes {
            return Err(usage_error(
                "simulate",
                "--whole-nodes applies to SWF traces (--workload) only: a job list says what each job asks for",
            ));
        }
    }
    simulate(args, &source)
}

/// `--first`: a positive number of jobs.
fn parse_first(s: &str) -> Result<u64, String> {
    s.parse::<u64>()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| "must be a positive whole number of jobs".into())
}

/// `--at`: whole seconds, or a Slurm duration (`HH:MM:SS`, `D-HH:MM:SS`, `MM:SS`, ...).
/// A bare number is seconds here, not Slurm's minutes: it is an instant on the
/// workload's clock, whose unit is the second.
fn parse_at(s: &str) -> Result<Timestamp, String> {
    let bad = || {
        "must be seconds from the workload's start or a duration such as 2:00:00 or 1-12:00:00"
            .to_owned()
    };
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<u64>().map(Timestamp).map_err(|_| bad());
    }
    if s.contains([':', '-']) {
        return s
            .parse::<Duration>()
            .map(|d| Timestamp(d.as_secs()))
            .map_err(|_| bad());
    }
    Err(bad())
}

// ---------------------------------------------------------------------------------------
// Records file.

enum RecordsOut {
    Csv(CsvWriter<BufWriter<File>>),
    JsonLines(JsonLinesWriter<BufWriter<File>>),
}

impl RecordsOut {
    fn create(path: &str) -> Result<Self, Fatal> {
        let cannot = |e: io::Error| Fatal(format!("{path}: cannot write: {e}"));
        let file = BufWriter::new(File::create(path).map_err(cannot)?);
        let json = std::path::Path::new(path)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("json"));
        Ok(if json {
            RecordsOut::JsonLines(JsonLinesWriter::new(file))
        } else {
            RecordsOut::Csv(CsvWriter::new(file).map_err(cannot)?)
        })
    }

    fn write(&mut self, record: &JobRecord) -> io::Result<()> {
        match self {
            RecordsOut::Csv(w) => w.write_record(record),
            RecordsOut::JsonLines(w) => w.write_record(record),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            RecordsOut::Csv(w) => w.flush(),
            RecordsOut::JsonLines(w) => w.flush(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// The replay.

/// A line that was not replayed, or a job that was refused, as reported.
#[derive(Serialize)]
struct Note {
    line: usize,
    /// The SWF job number of a skipped line.
    #[serde(skip_serializing_if = "Option::is_none")]
    swf_job: Option<i64>,
    reason: String,
    /// The sentence on stderr, `FILE: line N: ...`.
    #[serde(skip)]
    text: String,
}

/// What the CLI does as the replay goes: records to the file, skipped lines kept for the
/// report, the progress bar.
struct Watcher {
    records: Option<RecordsOut>,
    write_error: Option<io::Error>,
    name: String,
    skipped: Vec<Note>,
    keep: usize,
    progress: Progress,
}

impl Observer for Watcher {
    fn record(&mut self, record: &JobRecord) -> ControlFlow<()> {
        if let Some(out) = &mut self.records
            && let Err(e) = out.write(record)
        {
            self.write_error = Some(e);
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }

    fn skipped(&mut self, s: &Skipped) -> ControlFlow<()> {
        if self.skipped.len() < self.keep {
            self.skipped.push(Note {
                line: s.line,
                swf_job: s.job_number,
                reason: s.reason.to_string(),
                text: format!("{}: {s}", self.name),
            });
        }
        ControlFlow::Continue(())
    }

    fn progress(&mut self, p: hpcsched::replay::Progress) -> ControlFlow<()> {
        self.progress.update(p.fraction.unwrap_or(0.0), p.jobs);
        ControlFlow::Continue(())
    }
}

/// The version of `simulate --format json`'s layout; it changes when a key changes
/// meaning or goes away.
const JSON_FORMAT_VERSION: u32 = 1;

/// `simulate --format json`: the replay's outcome, what the text report lists besides,
/// and the queue with `--at`.
#[derive(Serialize)]
struct JsonReport<'a> {
    format_version: u32,
    cluster_file: Option<&'a str>,
    #[serde(flatten)]
    outcome: &'a ReplayOutcome,
    skipped_lines: &'a [Note],
    #[serde(skip_serializing_if = "Option::is_none")]
    queue: Option<JsonQueue<'a>>,
    wall_seconds: f64,
}

#[derive(Serialize)]
struct JsonQueue<'a> {
    at: u64,
    jobs: &'a [QueueRow],
}

fn simulate(args: &SimulateArgs, source: &Source) -> Result<ExitCode, Fatal> {
    // How messages and the report name the workload.
    let path = display_path(&source.path).to_owned();
    let mut cluster = match &args.cluster {
        Some(file) => Some(load_cluster(file, args.qos.as_deref(), args.verbose)?),
        None => None,
    };
    if let Some(c) = &mut cluster {
        add_plugins(c, &args.plugins)?;
    }
    let input = if source.path == STDIN_PATH {
        WorkloadInput::from_reader(take_stdin()?).map(|i| i.with_name(STDIN_NAME))
    } else {
        WorkloadInput::open(&source.path)
    }
    .map_err(|e| Fatal(e.to_string()))?;
    // QOS and accounts without --cluster go to the machine an SWF header describes.
    if cluster.is_none()
        && (args.qos.is_some() || args.accounts.is_some())
        && let Some(machine) = input.header_machine()
    {
        let mut machine = machine.map_err(|e| Fatal(e.to_string()))?;
        if let Some(qos) = &args.qos {
            add_qos(&mut machine, qos)?;
        }
        cluster = Some(machine);
    }
    if let (Some(c), Some(file)) = (&mut cluster, &args.accounts) {
        super::add_accounts(c, file)?;
    }
    let mut settings = ReplaySettings::default();
    settings.preset = args.policy.preset();
    settings.overrun = match args.overrun {
        OverrunArg::Kill => Overrun::Kill,
        OverrunArg::Allow => Overrun::Allow,
    };
    settings.whole_nodes = args.whole_nodes;
    settings.first = args.first;
    settings.stop_at = args.at;
    let mut replay = Replay::new(cluster, input, &settings).map_err(|e| match e.kind() {
        ReplayErrorKind::NoDefaultPartition => Fatal(format!(
            "{}: {e}",
            args.cluster.as_deref().map_or(path.as_str(), display_path)
        )),
        ReplayErrorKind::NoCluster => Fatal(format!(
            "{path} is a job list, which does not describe a machine: give --cluster FILE"
        )),
        ReplayErrorKind::WholeNodesOnJobList => Fatal(format!(
            "{path} is a job list: --whole-nodes applies to SWF traces only (a job list says what each job asks for)"
        )),
        _ => Fatal(e.to_string()),
    })?;
    let records = args
        .records
        .as_deref()
        .map(RecordsOut::create)
        .transpose()?;
    let keep = if args.verbose { usize::MAX } else { SHOWN };
    let mut watcher = Watcher {
        records,
        write_error: None,
        name: path.clone(),
        skipped: Vec::new(),
        keep,
        progress: Progress::on_stderr(),
    };

    let started = Instant::now();
    let result = replay.run(&mut watcher);
    let wall = started.elapsed().as_secs_f64();
    watcher.progress.finish();
    let outcome = result.map_err(|e| Fatal(e.to_string()))?;
    if let (Some(out), Some(file)) = (&mut watcher.records, &args.records) {
        if let Some(e) = watcher.write_error.take() {
            return Err(Fatal(format!("{file}: cannot write: {e}")));
        }
        out.flush()
            .map_err(|e| Fatal(format!("{file}: cannot write: {e}")))?;
    }

    let refused: Vec<Note> = outcome
        .refused
        .iter()
        .take(keep)
        .map(|r| Note {
            line: r.line,
            swf_job: None,
            reason: r.reason.clone(),
            text: format!("{path}: line {}: job {}: {}", r.line, r.index, r.reason),
        })
        .collect();
    report_notes(
        outcome.skipped,
        &watcher.skipped,
        &format!("lines of {path} skipped (not replayed)"),
    );
    report_notes(
        outcome.refused.len() as u64,
        &refused,
        "jobs refused at submit (not replayed)",
    );

    let report = Report {
        args,
        path: &path,
        outcome: &outcome,
        preemption: replay.scheduler().preemption_stats(),
        keep,
        wall,
    };
    let queue = args.at.map(|at| (at, replay.scheduler().queue()));
    if args.format == Format::Json {
        let json = JsonReport {
            format_version: JSON_FORMAT_VERSION,
            cluster_file: args.cluster.as_deref().map(display_path),
            outcome: &outcome,
            skipped_lines: &watcher.skipped,
            queue: queue.as_ref().map(|(at, rows)| JsonQueue {
                at: at.as_secs(),
                jobs: rows,
            }),
            wall_seconds: wall,
        };
        let mut text = serde_json::to_string_pretty(&json)
            .map_err(|e| Fatal(format!("cannot render JSON: {e}")))?;
        text.push('\n');
        write_stdout(text.as_bytes())?;
    } else {
        let mut out = report.text_header();
        out.push('\n');
        match &queue {
            Some((at, rows)) => out.push_str(&queue_text(*at, rows, &outcome)),
            None => {
                let _ = write!(out, "Metrics\n{}", outcome.metrics);
            }
        }
        out.push('\n');
        out.push_str(&report.preemption_text());
        out.push_str(&report.left_pending_text());
        out.push_str(&report.text_footer());
        write_stdout(out.as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Lists skipped lines or refused jobs on stderr: the count, then the kept ones.
fn report_notes(count: u64, notes: &[Note], what: &str) {
    if count == 0 {
        return;
    }
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "hpcsched: warning: {count} {what}:");
    for n in notes {
        let _ = writeln!(err, "  {}", n.text);
    }
    let more = count.saturating_sub(notes.len() as u64);
    if more > 0 {
        let _ = writeln!(err, "  ... and {more} more (--verbose lists every one)");
    }
}

/// `D-HH:MM:SS` (or `HH:MM:SS`) of a number of seconds.
fn clock(secs: u64) -> String {
    Duration::from_secs(secs).to_string()
}

/// What the text output says about the replay, besides the metrics or the queue.
struct Report<'a> {
    args: &'a SimulateArgs,
    path: &'a str,
    outcome: &'a ReplayOutcome,
    /// What preemption did over the replay (the scheduler's figures).
    preemption: PreemptionStats,
    /// How many jobs left pending the text report lists.
    keep: usize,
    wall: f64,
}

impl Report<'_> {
    fn policy_text(&self) -> String {
        let o = self.outcome;
        match self.args.policy.preset() {
            Preset::Slurm if o.backfill => format!(
                "slurm: main pass + backfill ({} and SchedulerParameters of the cluster)",
                o.cluster.scheduler_type
            ),
            Preset::Slurm => format!(
                "slurm: main pass only, no backfill ({} of the cluster)",
                o.cluster.scheduler_type
            ),
            Preset::Fifo => "fifo: first come, first served, no backfill".into(),
            Preset::Easy => {
                "easy: EASY backfill (the first blocked job of each partition reserves)".into()
            }
            Preset::Conservative => {
                "conservative: conservative backfill (every blocked job reserves)".into()
            }
        }
    }

    fn overrun_text(&self) -> &'static str {
        match self.args.overrun {
            OverrunArg::Kill => "kill: a job still running at its time limit ends as TIMEOUT",
            OverrunArg::Allow => "allow: jobs run to their recorded run time past their limit",
        }
    }

    fn text_header(&self) -> String {
        let mut out = String::new();
        let o = self.outcome;
        match self.args.at {
            Some(at) => {
                let _ = writeln!(
                    out,
                    "Replay of {}, stopped at {} ({})",
                    self.path,
                    at.0,
                    clock(at.0)
                );
            }
            None => {
                let _ = writeln!(out, "Replay of {}", self.path);
            }
        }
        let first = self
            .args
            .first
            .map(|n| format!(", its first {n} jobs"))
            .unwrap_or_default();
        let swf = o.format == WorkloadFormat::Swf;
        let format = if swf { "SWF trace" } else { "job list" };
        let _ = writeln!(out, "  workload    {format}{first}");
        let skipped = if swf {
            format!(", {} lines skipped", o.skipped)
        } else {
            String::new()
        };
        let by = if o.stopped { " by then" } else { "" };
        let _ = writeln!(
            out,
            "  jobs        {} submitted{by}, {} refused{skipped}",
            o.submitted,
            o.refused.len()
        );
        let partitions: Vec<String> = o
            .cluster
            .partitions
            .iter()
            .map(|p| {
                if o.cluster.default_partition.as_ref() == Some(p) {
                    format!("{p}*")
                } else {
                    p.clone()
                }
            })
            .collect();
        let from = match &self.args.cluster {
            Some(f) => display_path(f).to_owned(),
            None => "the trace header's machine".into(),
        };
        let _ = writeln!(
            out,
            "  cluster     {}: {} nodes, {} CPUs, partitions {}",
            from,
            o.cluster.nodes,
            o.cluster.cpus,
            partitions.join(",")
        );
        if swf {
            let requests = match o.whole_node_cpus {
                Some(c) => format!("whole nodes: -N ceil(PROCS / {c}) --exclusive -n PROCS"),
                None => "-n PROCS (processors, spread over nodes)".into(),
            };
            let _ = writeln!(out, "  requests    {requests}");
        }
        let _ = writeln!(out, "  policy      {}", self.policy_text());
        let _ = writeln!(out, "  overrun     {}", self.overrun_text());
        out
    }

    /// What preemption did, when it did anything (nothing is printed otherwise): the runs
    /// it ended or suspended, and the CPU time the ended runs had used, in core-hours and
    /// CPU-seconds.
    fn preemption_text(&self) -> String {
        let p = &self.preemption;
        let n = p.preempted();
        if n == 0 {
            return String::new();
        }
        format!(
            "Preemption        {n} {} preempted ({} requeued, {} cancelled, {} suspended), \
             {:.2} core-hours lost ({} CPU-seconds)\n\n",
            if n == 1 { "run" } else { "runs" },
            p.requeued,
            p.cancelled,
            p.suspended,
            p.lost_cpu_seconds as f64 / 3600.0,
            p.lost_cpu_seconds
        )
    }

    /// The jobs left pending when the replay ended, if any: the first few, or every one
    /// with `--verbose`.
    fn left_pending_text(&self) -> String {
        let left = &self.outcome.left_pending;
        if left.is_empty() {
            return String::new();
        }
        let mut out = format!(
            "Left pending: {} {} that nothing left to happen could start\n",
            left.len(),
            if left.len() == 1 { "job" } else { "jobs" }
        );
        let shown: Vec<_> = left.iter().take(self.keep).collect();
        let width = shown
            .iter()
            .map(|l| l.display_id.len())
            .max()
            .unwrap_or(0)
            .max("JOBID".len());
        let _ = writeln!(out, "  {:>width$}  {:>5}  REASON", "JOBID", "INDEX");
        for l in &shown {
            let _ = writeln!(
                out,
                "  {:>width$}  {:>5}  {}",
                l.display_id,
                l.index,
                l.reason_text()
            );
        }
        let more = left.len() - shown.len();
        if more > 0 {
            let _ = writeln!(out, "  ... and {more} more (--verbose lists every one)");
        }
        out.push('\n');
        out
    }

    fn text_footer(&self) -> String {
        let o = self.outcome;
        let mut out = String::from("Replay figures\n");
        let _ = writeln!(out, "  scheduling passes  {}", o.passes);
        let _ = writeln!(out, "  last event         {} ({})", o.end, clock(o.end));
        let rate = if self.wall > 0.0 {
            format!(", {:.0} jobs/s", o.submitted as f64 / self.wall)
        } else {
            String::new()
        };
        let _ = writeln!(out, "  wall time          {:.2} s{rate}", self.wall);
        out
    }
}

/// The queue at `--at`: a title line, then squeue's table.
fn queue_text(at: Timestamp, rows: &[QueueRow], outcome: &ReplayOutcome) -> String {
    let mut out = String::new();
    let running = squeue::running(rows);
    let _ = writeln!(
        out,
        "Queue at {} ({}): {running} running, {} pending",
        at.0,
        clock(at.0),
        rows.len() - running
    );
    if !outcome.stopped {
        let left = match outcome.left_pending.len() {
            0 => "no job is left in the system".to_owned(),
            1 => "1 job is left pending, which nothing left to happen could start".to_owned(),
            n => format!("{n} jobs are left pending, which nothing left to happen could start"),
        };
        let _ = writeln!(
            out,
            "(the workload was done at {} ({}), before {}: {left})",
            outcome.end,
            clock(outcome.end),
            at.0
        );
    }
    out.push_str(&squeue::table(rows));
    out
}

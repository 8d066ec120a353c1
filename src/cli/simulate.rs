//! `hpcsched simulate`: replay a workload (an SWF trace or a job list) through the
//! scheduler in virtual time, and report the replay's metrics, or the queue at a given
//! time as `squeue --start` shows it.
//!
//! The trace is streamed: jobs are read as their submit time comes and leave memory when
//! they leave the system, so a 450,000-job trace replays in a few MiB. Nothing is dropped
//! silently: SWF lines that are not replayed and jobs the cluster refuses at submit are
//! counted, and listed on stderr with their file and line.

use super::progress::Progress;
use super::{Fatal, PluginArgs, add_plugins, add_qos, load_cluster, plugin_usage, split_option};
use hpcsched::record::{CsvWriter, JsonLinesWriter};
use hpcsched::replay::{
    Observer, Replay, ReplayErrorKind, ReplayOutcome, ReplaySettings, WorkloadFormat, WorkloadInput,
};
use hpcsched::simulator::Overrun;
use hpcsched::squeue::{self, QueueRow};
use hpcsched::workload::Skipped;
use hpcsched::{Duration, JobRecord, Preset, Timestamp};
use serde::Serialize;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::ops::ControlFlow;
use std::process::ExitCode;
use std::time::Instant;

pub const USAGE: &str = concat!(
    "\
Usage: hpcsched simulate [--cluster FILE] (--workload FILE | --jobs FILE) [OPTIONS]

Replay a workload through the scheduler in virtual time, as slurmctld would schedule it
on the cluster, and print the replay's metrics (wait, bounded slowdown, utilization,
throughput; overall, per partition and per user), or with --at the queue at that time.

Workload (one of; plain or gzip, `-` reads standard input):
  --workload FILE       an SWF trace (Parallel Workloads Archive format) or a job list,
                        told apart by content. An SWF job asks for its processors
                        (-n PROCS), its requested time is its limit (its run time when
                        the trace has none), and it runs for its recorded run time
  --jobs FILE           a job list: one job a line, `SUBMIT_TIME RUNTIME[:EXIT] USER
                        [sbatch options...]`, dependencies by -J name or by position

Options:
  --cluster FILE        slurm.conf of the cluster; required with --jobs. With an SWF trace
                        it may be left out: the cluster is then the machine the trace's
                        header describes (MaxNodes nodes of MaxProcs/MaxNodes CPUs, one
                        partition `swf`). With --cluster the trace's jobs go to its
                        default partition
  --qos FILE            QOS definitions, one `sacctmgr add qos NAME KEY=VALUE...` a line
",
    plugin_usage!(),
    "
  --policy P            fifo, easy, conservative or slurm (default: slurm, i.e. the
                        cluster's own SchedulerType and SchedulerParameters)
  --whole-nodes         (SWF) give each job whole nodes: -N ceil(PROCS / C) --exclusive,
                        where C is the CPUs of the default partition's nodes (of its
                        smallest node if they differ)
  --overrun kill|allow  a job still running at its time limit ends there as TIMEOUT
                        (kill, Slurm's behaviour, the default), or runs to its recorded
                        run time (allow, the convention of published trace replays)
  --first N             replay only the first N jobs of the workload
  --at TIME             stop the replay at TIME and print the queue instead of the
                        metrics: every job still running or pending, with its start time
                        (expected, for pending jobs), as squeue --start shows it. TIME is
                        seconds on the workload's clock (SWF submit times, the job list's
                        SUBMIT_TIME), or a Slurm duration such as 2:00:00 or 1-12:00:00
  --format text|json    output format (default: text)
  --records FILE        write each job's accounting record as it leaves the system: CSV,
                        or JSON lines if FILE ends in .jsonl or .json
  --verbose             list every skipped SWF line, refused job and job left pending
                        (not only the first 5), and the slurm.conf keys hpcsched does
                        not act on
  -h, --help            this help

SWF lines that are not replayed (unreadable, wider than the machine, no run time) and
jobs the cluster refuses at submit are reported on stderr with their line. A replay ends
when nothing left to happen can change anything: jobs that could never start then (held,
waiting on a dependency that can no longer be satisfied, over a partition limit...) are
listed in the report with their pending reason. A progress bar is drawn on stderr when
it is a terminal.

Exit status: 0 success, 2 usage or input error."
);

/// How many skipped lines and refused jobs are listed without `--verbose`.
const SHOWN: usize = 5;

/// Where the jobs come from: `--workload` (any format) or `--jobs` (a job list).
struct Source {
    path: String,
    /// Given as `--jobs`.
    job_list: bool,
}

impl Source {
    fn path(&self) -> &str {
        &self.path
    }
}

/// The parsed command line of `hpcsched simulate`.
struct SimArgs {
    cluster: Option<String>,
    source: Source,
    qos: Option<String>,
    /// `--plugstack` and `--spank`.
    plugins: PluginArgs,
    preset: Preset,
    whole_nodes: bool,
    overrun: Overrun,
    first: Option<u64>,
    json: bool,
    records: Option<String>,
    at: Option<Timestamp>,
    verbose: bool,
}

/// `hpcsched simulate ARGS...` (the words after `simulate`).
pub fn main(rest: &[String]) -> Result<ExitCode, Fatal> {
    if rest.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    }
    simulate(&parse_args(rest)?)
}

fn parse_args(args: &[String]) -> Result<SimArgs, Fatal> {
    let mut cluster = None;
    let mut workload = None;
    let mut jobs = None;
    let mut qos = None;
    let mut plugins = PluginArgs::default();
    let mut preset = Preset::Slurm;
    let mut whole_nodes = false;
    let mut overrun = Overrun::Kill;
    let mut first = None;
    let mut json = false;
    let mut records = None;
    let mut at = None;
    let mut verbose = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let (name, inline) = split_option(arg);
        let flag = |inline: &Option<String>| match inline {
            Some(_) => Err(Fatal(format!("{name} takes no value"))),
            None => Ok(true),
        };
        let mut value = |what: &str| -> Result<String, Fatal> {
            inline
                .clone()
                .or_else(|| iter.next().cloned())
                .ok_or_else(|| Fatal(format!("{what} needs a value\n\n{USAGE}")))
        };
        if plugins.take(name, &mut value)? {
            continue;
        }
        match name {
            "--cluster" => cluster = Some(value(name)?),
            "--workload" => workload = Some(value(name)?),
            "--jobs" => jobs = Some(value(name)?),
            "--qos" => qos = Some(value(name)?),
            "--policy" => {
                let v = value(name)?;
                preset = v.parse().map_err(|_| {
                    Fatal(format!(
                        "--policy must be fifo, easy, conservative or slurm, not `{v}`"
                    ))
                })?;
            }
            "--whole-nodes" => whole_nodes = flag(&inline)?,
            "--overrun" => {
                overrun = match value(name)?.as_str() {
                    "kill" => Overrun::Kill,
                    "allow" => Overrun::Allow,
                    other => {
                        return Err(Fatal(format!(
                            "--overrun must be `kill` or `allow`, not `{other}`"
                        )));
                    }
                };
            }
            "--first" => {
                let v = value(name)?;
                first = Some(v.parse::<u64>().ok().filter(|&n| n > 0).ok_or_else(|| {
                    Fatal(format!(
                        "--first must be a positive whole number of jobs, not `{v}`"
                    ))
                })?);
            }
            "--format" => {
                json = match value(name)?.as_str() {
                    "json" => true,
                    "text" => false,
                    other => {
                        return Err(Fatal(format!(
                            "--format must be `text` or `json`, not `{other}`"
                        )));
                    }
                };
            }
            "--records" => records = Some(value(name)?),
            "--at" => at = Some(parse_at(&value(name)?)?),
            "--verbose" | "-v" => verbose = flag(&inline)?,
            s if s.starts_with('-') => {
                return Err(Fatal(format!("unknown option `{s}`\n\n{USAGE}")));
            }
            _ => {
                return Err(Fatal(format!("unexpected argument `{arg}`\n\n{USAGE}")));
            }
        }
    }
    let source = match (workload, jobs) {
        (Some(_), Some(_)) => {
            return Err(Fatal(
                "--workload and --jobs cannot be used together: give one workload".into(),
            ));
        }
        (Some(w), None) => Source {
            path: w,
            job_list: false,
        },
        (None, Some(j)) => Source {
            path: j,
            job_list: true,
        },
        (None, None) => {
            return Err(Fatal(format!(
                "no workload: give --workload TRACE.swf[.gz] or --jobs FILE\n\n{USAGE}"
            )));
        }
    };
    if source.job_list {
        if cluster.is_none() {
            return Err(Fatal(
                "--jobs needs --cluster FILE: a job list does not describe a machine".into(),
            ));
        }
        if whole_nodes {
            return Err(Fatal(
                "--whole-nodes applies to SWF traces (--workload) only: a job list says what each job asks for".into(),
            ));
        }
    }
    Ok(SimArgs {
        cluster,
        source,
        qos,
        plugins,
        preset,
        whole_nodes,
        overrun,
        first,
        json,
        records,
        at,
        verbose,
    })
}

/// `--at`: whole seconds, or a Slurm duration (`HH:MM:SS`, `D-HH:MM:SS`, `MM:SS`, ...).
/// A bare number is seconds here, not Slurm's minutes: it is an instant on the
/// workload's clock, whose unit is the second.
fn parse_at(s: &str) -> Result<Timestamp, Fatal> {
    let bad = || {
        Fatal(format!(
            "--at must be seconds from the workload's start or a duration such as 2:00:00 or 1-12:00:00, not `{s}`"
        ))
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

fn simulate(args: &SimArgs) -> Result<ExitCode, Fatal> {
    let path = args.source.path().to_owned();
    let mut cluster = match &args.cluster {
        Some(file) => Some(load_cluster(file, args.qos.as_deref(), args.verbose)?),
        None => None,
    };
    if let Some(c) = &mut cluster {
        add_plugins(c, &args.plugins)?;
    }
    let input = if path == "-" {
        WorkloadInput::from_reader(io::stdin()).map(|i| i.with_name("<stdin>"))
    } else {
        WorkloadInput::open(&path)
    }
    .map_err(|e| Fatal(e.to_string()))?;
    if cluster.is_none()
        && let Some(qos) = &args.qos
        && let Some(machine) = input.header_machine()
    {
        let mut machine = machine.map_err(|e| Fatal(e.to_string()))?;
        add_qos(&mut machine, qos)?;
        cluster = Some(machine);
    }
    let mut settings = ReplaySettings::default();
    settings.preset = args.preset;
    settings.overrun = args.overrun;
    settings.whole_nodes = args.whole_nodes;
    settings.first = args.first;
    settings.stop_at = args.at;
    let mut replay = Replay::new(cluster, input, &settings).map_err(|e| match e.kind() {
        ReplayErrorKind::NoDefaultPartition => Fatal(format!(
            "{}: {e}",
            args.cluster.as_deref().unwrap_or(&path)
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
        keep,
        wall,
    };
    let queue = args.at.map(|at| (at, replay.scheduler().queue()));
    if args.json {
        let json = JsonReport {
            format_version: JSON_FORMAT_VERSION,
            cluster_file: args.cluster.as_deref(),
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
        print_out(&text)?;
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
        out.push_str(&report.left_pending_text());
        out.push_str(&report.text_footer());
        print_out(&out)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the report on stdout. A reader that went away (`| head`) is not an error.
fn print_out(text: &str) -> Result<(), Fatal> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(Fatal(format!("cannot write the output: {e}")))
        }
        _ => Ok(()),
    }
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
    args: &'a SimArgs,
    path: &'a str,
    outcome: &'a ReplayOutcome,
    /// How many jobs left pending the text report lists.
    keep: usize,
    wall: f64,
}

impl Report<'_> {
    fn policy_text(&self) -> String {
        let o = self.outcome;
        match self.args.preset {
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
            Overrun::Kill => "kill: a job still running at its time limit ends as TIMEOUT",
            Overrun::Allow => "allow: jobs run to their recorded run time past their limit",
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
            Some(f) => f.clone(),
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

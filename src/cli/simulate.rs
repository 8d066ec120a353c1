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
    Fatal, PluginArgs, add_plugins, add_qos, load_cluster, located, plugin_usage, split_option,
};
use hpcsched::hostlist::compress;
use hpcsched::metrics::{CsvWriter, JsonLinesWriter, Metrics};
use hpcsched::simulator::{Overrun, SimError, SimOptions, SimOutcome, Simulator};
use hpcsched::swf::{SwfReader, decompressed};
use hpcsched::workload::{
    Skipped, SwfMapping, SwfWorkload, WorkloadError, WorkloadJob, read_job_list_with,
    swf_cluster_conf,
};
use hpcsched::{Cluster, Duration, JobRecord, JobState, Policy, Preset, Scheduler, Timestamp};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufRead, BufWriter, Read, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

pub const USAGE: &str = concat!(
    "\
Usage: hpcsched simulate [--cluster FILE] (--workload TRACE.swf[.gz] | --jobs FILE) [OPTIONS]

Replay a workload through the scheduler in virtual time, as slurmctld would schedule it
on the cluster, and print the replay's metrics (wait, bounded slowdown, utilization,
throughput; overall, per partition and per user), or with --at the queue at that time.

Workload (one of):
  --workload FILE       an SWF trace (Parallel Workloads Archive format), plain or gzip.
                        Each job asks for its processors (-n PROCS), its requested time
                        is its limit (its run time when the trace has none), and it runs
                        for its recorded run time
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

/// The width of squeue's SCHEDNODES column (`%20Y`).
const SCHEDNODES_WIDTH: usize = 20;

/// Where the jobs come from.
enum Source {
    /// An SWF trace.
    Swf(String),
    /// A job list.
    Jobs(String),
}

impl Source {
    fn path(&self) -> &str {
        match self {
            Source::Swf(p) | Source::Jobs(p) => p,
        }
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
        (Some(w), None) => Source::Swf(w),
        (None, Some(j)) => Source::Jobs(j),
        (None, None) => {
            return Err(Fatal(format!(
                "no workload: give --workload TRACE.swf[.gz] or --jobs FILE\n\n{USAGE}"
            )));
        }
    };
    if let Source::Jobs(_) = source {
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
// The workload, as a stream of jobs.

/// Counts the bytes read from a file, for the progress of a trace whose job count is
/// unknown until its end.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

type Trace = SwfReader<Box<dyn BufRead + Send>>;

/// Opens an SWF trace (plain or gzip) and reads its header; also returns the counter of
/// bytes read and the file's size.
fn open_swf(path: &str) -> Result<(Trace, Arc<AtomicU64>, u64), Fatal> {
    let cannot = |e: io::Error| Fatal(format!("{path}: cannot read: {e}"));
    let file = File::open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if meta.is_dir() {
        return Err(Fatal(format!("{path}: cannot read: it is a directory")));
    }
    let read = Arc::new(AtomicU64::new(0));
    let input = decompressed(Counting {
        inner: file,
        read: Arc::clone(&read),
    })
    .map_err(cannot)?;
    let reader = SwfReader::new(input).map_err(|e| Fatal(located(path, &e.to_string())))?;
    Ok((reader, read, meta.len()))
}

/// Reads a job list, or says which file and line is wrong.
fn open_job_list(path: &str, cluster: &Cluster) -> Result<Vec<WorkloadJob>, Fatal> {
    read_job_list_with(path, cluster.parser()).map_err(|e| match e {
        WorkloadError::Read { message, .. } => Fatal(format!("{path}: cannot read: {message}")),
        other => Fatal(located(path, &other.to_string())),
    })
}

enum Jobs {
    Swf {
        stream: SwfWorkload<Trace>,
        read: Arc<AtomicU64>,
        size: u64,
    },
    List {
        jobs: std::vec::IntoIter<WorkloadJob>,
        total: usize,
    },
}

/// A line that was not replayed, or a job that was refused, as reported.
struct Note {
    line: usize,
    /// The SWF job number, or the job-list position of a refused job.
    job: Option<i64>,
    reason: String,
    /// The sentence on stderr, `FILE:LINE: ...`.
    text: String,
}

/// The jobs handed to the simulator: the workload's first `first` jobs; skipped SWF lines
/// are counted and kept for the report, and the progress bar follows.
struct Feed {
    path: String,
    jobs: Jobs,
    first: Option<u64>,
    given: u64,
    skipped: u64,
    notes: Vec<Note>,
    keep: usize,
    progress: Progress,
}

impl Feed {
    fn fraction(&self) -> f64 {
        if let Some(n) = self.first {
            return self.given as f64 / n as f64;
        }
        match &self.jobs {
            Jobs::Swf { read, size, .. } => read.load(Ordering::Relaxed) as f64 / *size as f64,
            Jobs::List { total, .. } => self.given as f64 / *total as f64,
        }
    }

    fn skip(&mut self, s: &Skipped) {
        self.skipped += 1;
        if self.notes.len() < self.keep {
            let text = match s.job_number {
                Some(n) => format!(
                    "{}:{}: SWF job {n} skipped: {}",
                    self.path, s.line, s.reason
                ),
                None => format!("{}:{}: skipped: {}", self.path, s.line, s.reason),
            };
            self.notes.push(Note {
                line: s.line,
                job: s.job_number,
                reason: s.reason.to_string(),
                text,
            });
        }
    }
}

impl Iterator for Feed {
    type Item = WorkloadJob;

    fn next(&mut self) -> Option<WorkloadJob> {
        if self.first.is_some_and(|n| self.given >= n) {
            return None;
        }
        loop {
            let item = match &mut self.jobs {
                Jobs::Swf { stream, .. } => stream.next()?,
                Jobs::List { jobs, .. } => Ok(jobs.next()?),
            };
            match item {
                Ok(job) => {
                    self.given += 1;
                    let fraction = self.fraction();
                    self.progress.update(fraction, self.given);
                    return Some(job);
                }
                Err(skipped) => self.skip(&skipped),
            }
        }
    }
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

/// What the report says about the cluster.
struct ClusterInfo {
    /// The slurm.conf, or `None` for the machine of the SWF header.
    file: Option<String>,
    nodes: usize,
    cpus: u64,
    partitions: Vec<String>,
    default_partition: Option<String>,
    /// Main pass + backfill under `--policy slurm` (`sched/backfill`), main pass only
    /// (`sched/builtin`).
    scheduler_type: String,
}

impl ClusterInfo {
    fn of(cluster: &Cluster, file: Option<String>) -> Self {
        Self {
            file,
            nodes: cluster.nodes().len(),
            cpus: cluster.nodes().map(|n| u64::from(n.cpus)).sum(),
            partitions: cluster.partitions().map(|p| p.name.clone()).collect(),
            default_partition: cluster.default_partition().map(|p| p.name.clone()),
            scheduler_type: cluster.config().scheduler_type.clone(),
        }
    }
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
    let mut whole_node_cpus = None;
    let jobs = match &args.source {
        Source::Swf(_) => {
            let (reader, read, size) = open_swf(&path)?;
            let cluster = match &mut cluster {
                Some(c) => c,
                None => {
                    let conf = swf_cluster_conf(reader.header())
                        .map_err(|e| Fatal(format!("{path}: {e}")))?;
                    let mut c = Cluster::from_slurm_conf(&conf)
                        .map_err(|e| Fatal(format!("{path}: the machine of its header: {e}")))?;
                    if let Some(qos) = &args.qos {
                        add_qos(&mut c, qos)?;
                    }
                    cluster.insert(c)
                }
            };
            let Some(partition) = cluster.default_partition() else {
                return Err(Fatal(format!(
                    "{}: no default partition (Default=YES): the jobs of an SWF trace go to the default partition",
                    args.cluster.as_deref().unwrap_or(&path)
                )));
            };
            let mut mapping = SwfMapping::from_header(reader.header());
            mapping.whole_nodes = args.whole_nodes;
            mapping.cpus_per_node = partition
                .nodes
                .iter()
                .filter_map(|n| cluster.node(n))
                .map(|n| n.cpus)
                .min()
                .unwrap_or(1)
                .max(1);
            if args.whole_nodes {
                whole_node_cpus = Some(mapping.cpus_per_node);
            }
            Jobs::Swf {
                stream: mapping.jobs(reader),
                read,
                size,
            }
        }
        Source::Jobs(_) => {
            let Some(c) = &cluster else {
                // parse_args requires --cluster with --jobs.
                return Err(Fatal("--jobs needs --cluster".into()));
            };
            let list = open_job_list(&path, c)?;
            Jobs::List {
                total: list.len(),
                jobs: list.into_iter(),
            }
        }
    };
    let Some(cluster) = cluster else {
        // parse_args requires --cluster with --jobs, and an SWF trace builds one.
        return Err(Fatal("no cluster".into()));
    };
    let mut records = args
        .records
        .as_deref()
        .map(RecordsOut::create)
        .transpose()?;

    let info = ClusterInfo::of(&cluster, args.cluster.clone());
    let mut metrics = Metrics::for_cluster(&cluster);
    let policy = Policy::preset(args.preset, cluster.config());
    let backfill = policy.backfill.is_some();
    let mut options = SimOptions::default();
    options.overrun = args.overrun;
    options.stop_at = args.at;
    let mut feed = Feed {
        path: path.clone(),
        jobs,
        first: args.first,
        given: 0,
        skipped: 0,
        notes: Vec::new(),
        keep: if args.verbose { usize::MAX } else { SHOWN },
        progress: Progress::on_stderr(),
    };

    let started = Instant::now();
    let mut sim = Simulator::new(cluster, policy, options);
    let mut write_error = None;
    let result = sim.run(&mut feed, |record| {
        metrics.add(&record);
        if let Some(out) = &mut records
            && write_error.is_none()
            && let Err(e) = out.write(&record)
        {
            write_error = Some(e);
        }
    });
    let wall = started.elapsed().as_secs_f64();
    feed.progress.finish();

    let outcome = result.map_err(|e| match e {
        SimError::Unsorted {
            line,
            submit,
            previous,
            ..
        } => Fatal(format!(
            "{path}:{line}: submitted at {}, before the previous job ({}): a workload must be in submit order",
            submit.0, previous.0
        )),
        other => Fatal(format!("{path}: {other}")),
    })?;
    if let (Some(out), Some(file)) = (&mut records, &args.records) {
        if let Some(e) = write_error.take() {
            return Err(Fatal(format!("{file}: cannot write: {e}")));
        }
        out.flush()
            .map_err(|e| Fatal(format!("{file}: cannot write: {e}")))?;
    }

    let refused: Vec<Note> = outcome
        .refused
        .iter()
        .take(feed.keep)
        .map(|r| Note {
            line: r.line,
            job: Some(i64::from(r.index)),
            reason: r.reason.clone(),
            text: format!("{path}:{}: job {}: {}", r.line, r.index, r.reason),
        })
        .collect();
    report_notes(
        feed.skipped,
        &feed.notes,
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
        info: &info,
        backfill,
        whole_node_cpus,
        outcome: &outcome,
        skipped: feed.skipped,
        skipped_notes: &feed.notes,
        refused_notes: &refused,
        keep: feed.keep,
        wall,
    };
    let queue = args.at.map(|at| (at, queue_rows(sim.scheduler())));
    if args.json {
        let mut v = report.json();
        if let Some((at, rows)) = &queue {
            v["queue"] = json!({
                "at": at.0,
                "at_clock": clock(at.0),
                "jobs": rows.iter().map(QueueRow::json).collect::<Vec<_>>(),
            });
        } else {
            v["summary"] = serde_json::to_value(metrics.summary())
                .map_err(|e| Fatal(format!("cannot render JSON: {e}")))?;
        }
        let mut text = serde_json::to_string_pretty(&v)
            .map_err(|e| Fatal(format!("cannot render JSON: {e}")))?;
        text.push('\n');
        print_out(&text)?;
    } else {
        let mut out = report.text_header();
        out.push('\n');
        match &queue {
            Some((at, rows)) => out.push_str(&queue_text(*at, rows, &outcome)),
            None => {
                let _ = write!(out, "Metrics\n{}", metrics.summary());
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

/// squeue's rendering of an unset string.
fn or_null(s: &str) -> String {
    if s.is_empty() {
        "(null)".to_owned()
    } else {
        s.to_owned()
    }
}

/// `D-HH:MM:SS` (or `HH:MM:SS`) of a number of seconds.
fn clock(secs: u64) -> String {
    Duration::from_secs(secs).to_string()
}

/// What the output says about the replay, besides the metrics or the queue.
struct Report<'a> {
    args: &'a SimArgs,
    path: &'a str,
    info: &'a ClusterInfo,
    backfill: bool,
    whole_node_cpus: Option<u32>,
    outcome: &'a SimOutcome,
    skipped: u64,
    skipped_notes: &'a [Note],
    refused_notes: &'a [Note],
    /// How many jobs left pending the text report lists.
    keep: usize,
    wall: f64,
}

impl Report<'_> {
    fn format(&self) -> &'static str {
        match self.args.source {
            Source::Swf(_) => "SWF trace",
            Source::Jobs(_) => "job list",
        }
    }

    fn policy_text(&self) -> String {
        let preset = self.args.preset;
        match preset {
            Preset::Slurm if self.backfill => format!(
                "slurm: main pass + backfill ({} and SchedulerParameters of the cluster)",
                self.info.scheduler_type
            ),
            Preset::Slurm => format!(
                "slurm: main pass only, no backfill ({} of the cluster)",
                self.info.scheduler_type
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
        let _ = writeln!(out, "  workload    {}{first}", self.format());
        let skipped = match self.args.source {
            Source::Swf(_) => format!(", {} lines skipped", self.skipped),
            Source::Jobs(_) => String::new(),
        };
        let by = if o.stopped { " by then" } else { "" };
        let _ = writeln!(
            out,
            "  jobs        {} submitted{by}, {} refused{skipped}",
            o.submitted,
            o.refused.len()
        );
        let partitions: Vec<String> = self
            .info
            .partitions
            .iter()
            .map(|p| {
                if self.info.default_partition.as_ref() == Some(p) {
                    format!("{p}*")
                } else {
                    p.clone()
                }
            })
            .collect();
        let from = match &self.info.file {
            Some(f) => f.clone(),
            None => "the trace header's machine".into(),
        };
        let _ = writeln!(
            out,
            "  cluster     {}: {} nodes, {} CPUs, partitions {}",
            from,
            self.info.nodes,
            self.info.cpus,
            partitions.join(",")
        );
        if let Source::Swf(_) = self.args.source {
            let requests = match self.whole_node_cpus {
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
        let _ = writeln!(out, "  last event         {} ({})", o.end.0, clock(o.end.0));
        let rate = if self.wall > 0.0 {
            format!(", {:.0} jobs/s", o.submitted as f64 / self.wall)
        } else {
            String::new()
        };
        let _ = writeln!(out, "  wall time          {:.2} s{rate}", self.wall);
        out
    }

    fn json(&self) -> Value {
        let o = self.outcome;
        let notes = |notes: &[Note], key: &str| -> Vec<Value> {
            notes
                .iter()
                .map(|n| json!({"line": n.line, key: n.job, "reason": n.reason}))
                .collect()
        };
        let mut workload = json!({
            "file": self.path,
            "format": match self.args.source { Source::Swf(_) => "swf", Source::Jobs(_) => "job_list" },
            "first": self.args.first,
            "submitted": o.submitted,
            "refused": o.refused.len(),
            "refused_jobs": notes(self.refused_notes, "job"),
        });
        if let Source::Swf(_) = self.args.source {
            workload["skipped"] = json!(self.skipped);
            workload["skipped_lines"] = json!(notes(self.skipped_notes, "swf_job"));
            workload["whole_nodes"] = json!(self.args.whole_nodes);
            workload["whole_node_cpus"] = json!(self.whole_node_cpus);
        }
        json!({
            "workload": workload,
            "cluster": {
                "file": self.info.file,
                "nodes": self.info.nodes,
                "cpus": self.info.cpus,
                "partitions": self.info.partitions,
                "default_partition": self.info.default_partition,
            },
            "policy": self.args.preset.to_string(),
            "overrun": match self.args.overrun { Overrun::Kill => "kill", Overrun::Allow => "allow" },
            "replay": {
                "passes": o.passes,
                "last_event": o.end.0,
                "stopped": o.stopped,
                "wall_seconds": self.wall,
                "left_pending": o.left_pending.len(),
                "left_pending_jobs": o.left_pending.iter().map(|l| json!({
                    "job": l.job.0,
                    "job_id": l.display_id,
                    "index": l.index,
                    "reason": l.reason.as_str(),
                    "reason_text": l.reason_text(),
                })).collect::<Vec<_>>(),
            },
        })
    }
}

// ---------------------------------------------------------------------------------------
// The queue at --at, as squeue --start shows it.

/// One job still in the system.
struct QueueRow {
    job: u32,
    job_id: String,
    partition: String,
    name: String,
    user: String,
    state: JobState,
    /// The actual start of a running job, the expected start of a pending one.
    start: Option<Timestamp>,
    nodes: u32,
    /// A running job's nodes.
    nodelist: Option<String>,
    /// A pending job's planned nodes.
    sched_nodes: Option<String>,
    /// A pending job's reason.
    reason: Option<String>,
}

impl QueueRow {
    fn json(&self) -> Value {
        json!({
            "job": self.job,
            "job_id": self.job_id,
            "partition": self.partition,
            "name": self.name,
            "user": self.user,
            "state": self.state.name(),
            "start_time": self.start.map(|t| t.0),
            "start_clock": self.start.map(|t| clock(t.0)),
            "nodes": self.nodes,
            "nodelist": self.nodelist,
            "sched_nodes": self.sched_nodes,
            "reason": self.reason,
        })
    }
}

/// Every job still in the system: running (and suspended) jobs by start time, then the
/// pending ones in expected-start order (no estimate last), as the last pass left them.
fn queue_rows(sched: &Scheduler) -> Vec<QueueRow> {
    let mut running: Vec<_> = sched
        .jobs()
        .filter(|j| j.state() != JobState::Pending && !j.state().is_finished())
        .collect();
    running.sort_by_key(|j| (j.start_time(), j.id()));
    let mut rows: Vec<QueueRow> = running
        .iter()
        .map(|j| {
            let nodes: Vec<&str> = j.allocation().iter().map(|a| a.node.as_str()).collect();
            QueueRow {
                job: j.id().0,
                job_id: j.display_id(),
                partition: j.partition().unwrap_or_default().to_owned(),
                name: j.name().to_owned(),
                user: j.user().to_owned(),
                state: j.state(),
                start: j.start_time(),
                nodes: nodes.len() as u32,
                nodelist: Some(compress(&nodes)),
                sched_nodes: None,
                reason: None,
            }
        })
        .collect();
    for e in sched.estimates() {
        let job = sched.job(e.job);
        rows.push(QueueRow {
            job: e.job.0,
            job_id: e.display_id.clone(),
            partition: e.partition.clone(),
            name: job.map(|j| j.name().to_owned()).unwrap_or_default(),
            user: job.map(|j| j.user().to_owned()).unwrap_or_default(),
            state: JobState::Pending,
            start: e.start,
            nodes: job.map_or(0, |j| j.resolved().min_nodes()),
            nodelist: None,
            sched_nodes: (!e.nodes.is_empty()).then(|| compress(&e.nodes)),
            reason: Some(e.reason_text().to_owned()),
        });
    }
    rows
}

/// The queue as a table with squeue's columns: right-aligned like squeue's `%.18i`
/// fields, SCHEDNODES and NODELIST(REASON) left-aligned; `(null)` where squeue shows it.
fn queue_text(at: Timestamp, rows: &[QueueRow], outcome: &SimOutcome) -> String {
    let mut out = String::new();
    let running = rows.iter().filter(|r| r.state != JobState::Pending).count();
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
            outcome.end.0,
            clock(outcome.end.0),
            at.0
        );
    }
    let header = [
        "JOBID",
        "PARTITION",
        "NAME",
        "USER",
        "ST",
        "START_TIME",
        "NODES",
        "SCHEDNODES",
        "NODELIST(REASON)",
    ];
    let cells: Vec<[String; 9]> = rows
        .iter()
        .map(|r| {
            [
                r.job_id.clone(),
                r.partition.clone(),
                or_null(&r.name),
                or_null(&r.user),
                r.state.code().to_owned(),
                r.start
                    .map_or_else(|| "N/A".to_owned(), |t| format!("{} ({})", t.0, clock(t.0))),
                r.nodes.to_string(),
                r.sched_nodes.clone().unwrap_or_else(|| "(null)".into()),
                match (&r.nodelist, &r.reason) {
                    (Some(nodes), _) => nodes.clone(),
                    (None, Some(reason)) => format!("({reason})"),
                    (None, None) => String::new(),
                },
            ]
        })
        .collect();
    // The first seven columns are as wide as their widest cell; SCHEDNODES is squeue's
    // `%20Y` (at least 20 wide, a longer list pushes the reason right).
    let mut widths = header.map(str::len);
    widths[7] = SCHEDNODES_WIDTH;
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row).take(7) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut line = |cells: [&str; 9]| {
        let mut l = String::new();
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            if i > 0 {
                l.push(' ');
            }
            if i >= 7 {
                let _ = write!(l, "{c:<w$}");
            } else {
                let _ = write!(l, "{c:>w$}");
            }
        }
        let _ = writeln!(out, "{}", l.trim_end());
    };
    line(header);
    for row in &cells {
        line(row.each_ref().map(String::as_str));
    }
    out
}

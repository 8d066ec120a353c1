//! The jobs a simulation replays, whatever their source: an SWF trace ([`SwfMapping`]) or
//! a hand-written job list in sbatch syntax ([`parse_job_list`]).
//!
//! A [`WorkloadJob`] is what happens to one job: when it is submitted, by whom, with which
//! sbatch request, how long it really runs and how it ends. The simulator submits the
//! request at `submit` and ends the job `runtime` after it starts (or at its time limit).
//!
//! # Job lists
//!
//! One job per line: `SUBMIT_TIME RUNTIME[:EXIT] USER [sbatch options...]`.
//!
//! ```text
//! # submit run  user  options
//! 0       3600  alice -p CPU-16 -N 3 -t 60 -J A
//! 0       600:1 bob   -n 4 -t 20 -J B              # exits with code 1
//! 30      1:00:00 alice -t 2:00:00 -d afterok:A     # waits for A (line 2)
//! 30      60    carol -t 5 -d afternotok:B,afterany:1 --comment "runs after B fails"
//! ```
//!
//! - `SUBMIT_TIME`: whole seconds on the simulation clock. Lines must be in non-decreasing
//!   submit order; jobs with equal submit times are submitted in file order.
//! - `RUNTIME`: how long the job really runs: seconds (`600`), `HH:MM:SS` or `D-HH:MM:SS`.
//!   Slurm's other forms (`MM:SS`, `D-HH`, a bare number of *minutes*) are not accepted:
//!   `MM:SS` would read like `SECONDS:EXIT`, and a bare number here means seconds.
//! - `:EXIT` (optional): the exit code, 0 to 255 (default 0): `600:1` runs 600 s and
//!   fails, so `afterok`/`afternotok` chains can be tested.
//! - `USER`: the submitting user.
//! - sbatch options: split the way a POSIX shell splits words (`'single'` and `"double"`
//!   quotes, `\` escapes; no variables or globs), then read by
//!   [`crate::sbatch::parse_args`]. A word that is not an option (a script path) is an
//!   error: a job-list line has no script.
//! - `#` starts a comment (at the start of a word, as in a shell); blank lines are ignored.
//!
//! **Dependencies** (`-d`, `--dependency`) may name only *earlier* jobs of the file: by
//! job name (`-d afterok:A`, the most recent earlier job with `-J A`) or by position
//! (`-d afterany:2`, the 2nd job of the file; a number always means a position). Array
//! tasks (`A_3`) and `after` delays (`A+10`) work with either form. A reference is first
//! looked up as a whole name, then as `NAME_TASK`, so a job named `my_job` can be named;
//! a name that contains `,`, `?`, `:`, `+` or `[`, or that is all digits, can only be
//! referred to by position.
//! The parser rewrites every reference to the target's 1-based workload index, stored in
//! [`JobRequest::dependency`] as a [`JobId`] equal to that index; the simulator maps
//! indexes to the ids the scheduler gave (see [`Dependency::map_job_ids`](crate::Dependency::map_job_ids)).
//!
//! Parsing a job list is all-or-nothing: the first error, with its line, its text and the
//! reason, is returned as a [`WorkloadError`].
//!
//! # SWF traces
//!
//! [`SwfMapping`] turns the jobs of an [`SwfReader`](crate::swf::SwfReader) into
//! workload jobs with the conventions of published FCFS/EASY replays (see its docs), and
//! [`swf_cluster_conf`] builds a slurm.conf for the machine the header describes.

use crate::dependency::DependencyTarget;
use crate::job_id::JobId;
use crate::request::Client;
use crate::request::{Exclusive, JobRequest, NodeCount};
use crate::sbatch::{ArgKind, OptionError, Parser, Spec, Table};
use crate::shell_words::{self, SplitError};
use crate::swf::{SwfHeader, SwfJob, SwfLineError};
use crate::time::{Duration, TimeLimit, Timestamp};
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

/// One job of a workload: what the simulator submits, and what then really happens.
///
/// ```
/// use hpcsched::workload::parse_job_list;
/// use hpcsched::{Duration, Timestamp};
/// let jobs = parse_job_list("10 600:1 alice -N 2 -t 15 -J sim\n")?;
/// let job = &jobs[0];
/// assert_eq!((job.index, job.line, job.exit_code), (1, 1, 1));
/// assert_eq!((job.submit, job.runtime), (Timestamp(10), Duration::from_secs(600)));
/// assert_eq!(job.user, "alice");
/// assert_eq!(job.request.job_name.as_deref(), Some("sim"));
/// # Ok::<(), hpcsched::workload::WorkloadError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WorkloadJob {
    /// 1-based order in the workload (the job-list line order, or the order of the
    /// replayed SWF jobs); job-list dependencies refer to these.
    pub index: u32,
    /// When the job is submitted.
    pub submit: Timestamp,
    /// How long the job really runs once started (it may be killed earlier at its limit).
    pub runtime: Duration,
    /// The exit code the job ends with when it runs to completion (0 = success).
    pub exit_code: i32,
    /// The submitting user.
    pub user: String,
    /// The sbatch request. In a job list, dependency targets are workload indexes.
    pub request: JobRequest,
    /// The 1-based line of the source file the job came from.
    pub line: usize,
}

impl WorkloadJob {
    /// A workload job from its parts.
    ///
    /// ```
    /// use hpcsched::workload::WorkloadJob;
    /// use hpcsched::{Duration, JobRequest, Timestamp};
    /// let job = WorkloadJob::new(1, Timestamp(0), Duration::from_secs(5), 0, "bob", JobRequest::default(), 1);
    /// assert_eq!(job.to_job_list_line(), "0 5 bob");
    /// ```
    #[must_use]
    pub fn new(
        index: u32,
        submit: Timestamp,
        runtime: Duration,
        exit_code: i32,
        user: impl Into<String>,
        request: JobRequest,
        line: usize,
    ) -> Self {
        Self {
            index,
            submit,
            runtime,
            exit_code,
            user: user.into(),
            request,
            line,
        }
    }

    /// The job as one job-list line (`SUBMIT RUNTIME[:EXIT] USER options...`), run time in
    /// seconds, options in [`JobRequest::to_args`] form, quoted for the job-list splitter.
    /// A line of [`parse_job_list`]'s output reads back to the same job (dependency
    /// targets are written as positions). Time limits are written the way sbatch reads
    /// them, so a limit that is not whole minutes (from an SWF trace) reads back rounded
    /// up to the minute.
    ///
    /// ```
    /// use hpcsched::workload::parse_job_list;
    /// let jobs = parse_job_list("0 60 a -J 'x y'\n5 1:00:00:3 b -d afterok:'x y'\n")?;
    /// assert_eq!(jobs[0].to_job_list_line(), "0 60 a '--job-name=x y'");
    /// assert_eq!(jobs[1].to_job_list_line(), "5 3600:3 b --dependency=afterok:1");
    /// # Ok::<(), hpcsched::workload::WorkloadError>(())
    /// ```
    #[must_use]
    pub fn to_job_list_line(&self) -> String {
        let mut out = format!("{} {}", self.submit.as_secs(), self.runtime.as_secs());
        if self.exit_code != 0 {
            out.push(':');
            out.push_str(&self.exit_code.to_string());
        }
        out.push(' ');
        out.push_str(&quote(&self.user));
        for arg in self.request.to_args() {
            out.push(' ');
            out.push_str(&quote(&arg));
        }
        out
    }
}

/// Renders jobs as a job list, one [`WorkloadJob::to_job_list_line`] per line.
///
/// ```
/// use hpcsched::workload::{parse_job_list, render_job_list};
/// let text = "0 60 alice -J A -t 5\n10 30 bob -d afterok:A\n";
/// let jobs = parse_job_list(text)?;
/// let rendered = render_job_list(&jobs);
/// assert_eq!(rendered, "0 60 alice --job-name=A --time=00:05:00\n10 30 bob --dependency=afterok:1\n");
/// assert_eq!(parse_job_list(&rendered)?, jobs);
/// # Ok::<(), hpcsched::workload::WorkloadError>(())
/// ```
#[must_use]
pub fn render_job_list(jobs: &[WorkloadJob]) -> String {
    let mut out = String::new();
    for job in jobs {
        out.push_str(&job.to_job_list_line());
        out.push('\n');
    }
    out
}

/// Quotes a word for [`split_words`] (and a POSIX shell) when it needs it.
fn quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_+=:,./@%^".contains(c));
    if safe {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

// ---------------------------------------------------------------------------------------
// Errors.
// ---------------------------------------------------------------------------------------

/// What is wrong with a job-list line (the reason part of a [`WorkloadError`]).
///
/// ```
/// use hpcsched::workload::{parse_job_list, JobListReason, WorkloadError};
/// let WorkloadError::Line { reason, .. } = parse_job_list("9 60 a\n3 60 b\n").unwrap_err() else {
///     unreachable!()
/// };
/// assert_eq!(reason, JobListReason::SubmitOrder { previous: 9 });
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JobListReason {
    /// A quote is not closed on its line.
    #[error("unterminated {0} quote")]
    UnterminatedQuote(char),
    /// The line ends with a `\` (lines cannot be continued).
    #[error("a line cannot end with `\\`")]
    TrailingBackslash,
    /// Fewer than three words.
    #[error("expected SUBMIT_TIME RUNTIME[:EXIT] USER [sbatch options...]")]
    MissingFields,
    /// The submit time is not a whole number of seconds.
    #[error("the submit time must be a whole number of seconds")]
    SubmitTime,
    /// The submit time is earlier than the previous job's.
    #[error(
        "the submit time is before the previous job's ({previous}): jobs must be listed in submit order"
    )]
    SubmitOrder {
        /// The previous job's submit time, seconds.
        previous: u64,
    },
    /// The run time is in none of the accepted forms.
    #[error(
        "the run time must be seconds (`600`), `HH:MM:SS` or `D-HH:MM:SS`, optionally followed by `:EXIT`"
    )]
    RunTime,
    /// The exit code is not a number from 0 to 255.
    #[error("the exit code must be a number from 0 to 255")]
    ExitCode,
    /// The word where the user name belongs starts with `-`.
    #[error("expected a user name before the sbatch options")]
    UserLooksLikeOption,
    /// sbatch would reject the options.
    #[error("{0}")]
    Option(OptionError),
    /// A word after the options that is not an option.
    #[error("not an sbatch option (a job-list line has no script path or script arguments)")]
    StrayArgument,
    /// A dependency names a job no earlier line has as its `-J` name.
    #[error("no earlier job in the file has this name (`-J`)")]
    UnknownJobName,
    /// A dependency names the job itself or a later one.
    #[error("job {target} is not earlier in the file (this is job {this})")]
    NotEarlier {
        /// The position named.
        target: u64,
        /// This job's position.
        this: u32,
    },
    /// More jobs than a job id can number.
    #[error("too many jobs (at most {})", JobId::MAX)]
    TooManyJobs,
}

/// Why a workload could not be read. Line errors name the 1-based line, the offending
/// text (a word, or the whole line) and the reason.
///
/// ```
/// use hpcsched::workload::{parse_job_list, JobListReason, WorkloadError};
/// let err = parse_job_list("# jobs\n0 60 alice -J A\n0 60 bob -d afterok:B\n").unwrap_err();
/// assert_eq!(err.to_string(), "line 3: `B`: no earlier job in the file has this name (`-J`)");
/// assert!(matches!(err, WorkloadError::Line { line: 3, reason: JobListReason::UnknownJobName, .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WorkloadError {
    /// A job-list line is wrong.
    #[error("line {line}: `{text}`: {reason}")]
    Line {
        /// The 1-based line.
        line: usize,
        /// The offending text: a word of the line, or the line.
        text: String,
        /// What is wrong.
        reason: JobListReason,
    },
    /// The file could not be read.
    #[error("cannot read `{path}`: {message}")]
    Read {
        /// The path as given.
        path: String,
        /// The operating system's message.
        message: String,
    },
}

impl WorkloadError {
    /// The 1-based line of a line error.
    ///
    /// ```
    /// use hpcsched::workload::parse_job_list;
    /// assert_eq!(parse_job_list("\n\n0 x alice\n").unwrap_err().line(), Some(3));
    /// ```
    #[must_use]
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Line { line, .. } => Some(*line),
            Self::Read { .. } => None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Job lists.
// ---------------------------------------------------------------------------------------

/// Splits a job-list line into words as a POSIX shell does ([`crate::shell_words`]).
fn split_words(line: &str) -> Result<Vec<String>, JobListReason> {
    shell_words::split(line).map_err(|e| match e {
        SplitError::UnterminatedQuote(q) => JobListReason::UnterminatedQuote(q),
        _ => JobListReason::TrailingBackslash,
    })
}

/// Reads `RUNTIME[:EXIT]` (see the module docs for the forms).
fn parse_runtime(word: &str) -> Result<(Duration, i32), JobListReason> {
    let (time, exit) = match word.matches(':').count() {
        0 | 2 => (word, None),
        1 | 3 => match word.rsplit_once(':') {
            Some((t, e)) => (t, Some(e)),
            None => (word, None),
        },
        _ => return Err(JobListReason::RunTime),
    };
    let runtime = if time.contains(':') {
        // HH:MM:SS or D-HH:MM:SS: Slurm's time_str2secs() forms with three fields.
        time.parse::<Duration>()
            .map_err(|_| JobListReason::RunTime)?
    } else {
        Duration::from_secs(digits(time).ok_or(JobListReason::RunTime)?)
    };
    let exit_code = match exit {
        None => 0,
        Some(e) => digits(e)
            .filter(|&e| e <= 255)
            .ok_or(JobListReason::ExitCode)? as i32,
    };
    Ok((runtime, exit_code))
}

/// A run of ASCII digits as a number.
fn digits(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Where the option words end and where the `--dependency` values are, found by walking
/// the words the way [`parse_args`] does.
struct OptionScan {
    /// `(word, byte offset)` of the start of each dependency value.
    dependency_values: Vec<(usize, usize)>,
    /// The first word that is not an option (or follows `--`), if any.
    stray: Option<usize>,
}

/// Walks the option words. Stops quietly at an unknown or ambiguous option or a missing
/// value: the parser then reports it with sbatch's message.
fn scan_options(args: &[String], table: Table<'_>) -> OptionScan {
    let mut scan = OptionScan {
        dependency_values: Vec::new(),
        stray: None,
    };
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        if arg == "--" {
            scan.stray = (i + 1 < args.len()).then_some(i + 1);
            return scan;
        }
        if arg == "-" || !arg.starts_with('-') {
            scan.stray = Some(i);
            return scan;
        }
        i += 1;
        if let Some(body) = arg.strip_prefix("--") {
            let (name, attached) = match body.split_once('=') {
                Some((n, _)) => (n, true),
                None => (body, false),
            };
            let Ok(spec) = table.long(name, "") else {
                return scan;
            };
            let value = if attached {
                Some((i - 1, 2 + name.len() + 1))
            } else if spec.arg() == ArgKind::Required {
                i += 1;
                Some((i - 1, 0))
            } else {
                None
            };
            if matches!(spec, Spec::Slurm(o) if o.long == "dependency")
                && let Some(v) = value
            {
                scan.dependency_values.push(v);
            }
        } else {
            for (pos, c) in arg.char_indices().skip(1) {
                let Some(spec) = table.short(c) else {
                    return scan;
                };
                let rest = pos + c.len_utf8();
                let value = match spec.arg {
                    ArgKind::None => continue,
                    ArgKind::Optional => (rest < arg.len()).then_some((i - 1, rest)),
                    ArgKind::Required if rest < arg.len() => Some((i - 1, rest)),
                    ArgKind::Required => {
                        i += 1;
                        Some((i - 1, 0))
                    }
                };
                if spec.long == "dependency"
                    && let Some(v) = value
                {
                    scan.dependency_values.push(v);
                }
                break;
            }
        }
    }
    scan
}

/// The dependency types sbatch knows, lower case.
const DEPENDENCY_TYPES: [&str; 6] = [
    "after",
    "afterany",
    "afterok",
    "afternotok",
    "aftercorr",
    "afterburstbuffer",
];

/// Rewrites the job references of one `--dependency` value to workload positions.
/// Leaves anything it does not understand to the dependency parser.
fn rewrite_dependency(
    value: &str,
    this: u32,
    names: &HashMap<String, u32>,
) -> Result<String, (String, JobListReason)> {
    let mut out = String::with_capacity(value.len());
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in value.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            ',' | '?' if depth == 0 => {
                out.push_str(&rewrite_item(&value[start..i], this, names)?);
                out.push(c);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push_str(&rewrite_item(&value[start..], this, names)?);
    Ok(out)
}

fn rewrite_item(
    item: &str,
    this: u32,
    names: &HashMap<String, u32>,
) -> Result<String, (String, JobListReason)> {
    if item.is_empty() || item.eq_ignore_ascii_case("singleton") {
        return Ok(item.to_owned());
    }
    match item.split_once(':') {
        Some((kind, refs)) => {
            if !DEPENDENCY_TYPES.contains(&kind.to_ascii_lowercase().as_str()) {
                return Ok(item.to_owned());
            }
            let mut out = format!("{kind}:");
            for (n, r) in refs.split(':').enumerate() {
                if n > 0 {
                    out.push(':');
                }
                out.push_str(&rewrite_ref(r, this, names)?);
            }
            Ok(out)
        }
        None => rewrite_ref(item, this, names),
    }
}

/// One reference: `TARGET[_TASK][+DELAY]` where TARGET is a position or a job name. A
/// whole TARGET that is a name wins over `NAME_TASK` (a job may be named `my_job`).
fn rewrite_ref(
    spec: &str,
    this: u32,
    names: &HashMap<String, u32>,
) -> Result<String, (String, JobListReason)> {
    if spec.is_empty() {
        return Ok(String::new());
    }
    let (target, delay) = match spec.split_once('+') {
        Some((t, d)) => (t, Some(d)),
        None => (spec, None),
    };
    let position = |text: &str, n: u64| {
        if n == 0 || n >= u64::from(this) {
            Err((
                text.to_owned(),
                JobListReason::NotEarlier { target: n, this },
            ))
        } else {
            Ok(n)
        }
    };
    let (index, task) = if let Some(n) = digits(target) {
        (position(target, n)?, None)
    } else if let Some(&i) = names.get(target) {
        (u64::from(i), None)
    } else {
        let (head, task) = match target.split_once('_') {
            Some((h, t)) => (h, Some(t)),
            None => (target, None),
        };
        if let Some(n) = digits(head) {
            (position(head, n)?, task)
        } else if let Some(&i) = names.get(head) {
            (u64::from(i), task)
        } else {
            return Err((target.to_owned(), JobListReason::UnknownJobName));
        }
    };
    let mut out = index.to_string();
    if let Some(t) = task {
        out.push('_');
        out.push_str(t);
    }
    if let Some(d) = delay {
        out.push('+');
        out.push_str(d);
    }
    Ok(out)
}

/// Parses a job list (format in the [module docs](self)). All or nothing: the first
/// error stops the parse.
///
/// ```
/// use hpcsched::workload::parse_job_list;
/// use hpcsched::dependency::{Dependency, DependencyTarget};
/// use hpcsched::JobId;
/// let jobs = parse_job_list(
///     "# a chain\n\
///      0 3600 alice -p CPU-16 -N 3 -t 60 -J A\n\
///      0 600:1 bob -n 4 -t 20 -J B\n\
///      30 1:00:00 alice -t 2:00:00 -d afterok:A   # after line 2's job\n\
///      30 60 carol -t 5 --dependency=afternotok:B,afterany:1\n",
/// )?;
/// assert_eq!(jobs.len(), 4);
/// assert_eq!(jobs[2].line, 4);
/// let dep = jobs[2].request.dependency.as_deref().unwrap();
/// assert_eq!(dep.to_string(), "afterok:1");
/// let dep = jobs[3].request.dependency.as_deref().unwrap();
/// assert_eq!(dep.targets().collect::<Vec<_>>(), [DependencyTarget::Job(JobId(2)), DependencyTarget::Job(JobId(1))]);
/// # Ok::<(), hpcsched::workload::WorkloadError>(())
/// ```
pub fn parse_job_list(text: &str) -> Result<Vec<WorkloadJob>, WorkloadError> {
    parse_job_list_with(text, Parser::default())
}

/// [`parse_job_list`] with the options of a cluster's SPANK plugins accepted too
/// (`parser` is [`crate::Cluster::parser`]).
///
/// ```
/// use hpcsched::Cluster;
/// use hpcsched::workload::parse_job_list_with;
/// let mut cluster = Cluster::default();
/// cluster.add_builtin_spank_plugin("pyxis").unwrap();
/// let jobs = parse_job_list_with("0 60 alice -t 5 --container-image=ubuntu\n", cluster.parser())?;
/// assert_eq!(jobs[0].request.plugin_options.len(), 1);
/// # Ok::<(), hpcsched::workload::WorkloadError>(())
/// ```
pub fn parse_job_list_with(
    text: &str,
    parser: Parser<'_>,
) -> Result<Vec<WorkloadJob>, WorkloadError> {
    let table = Table {
        client: Client::Sbatch,
        plugins: parser.plugins(),
    };
    let mut jobs: Vec<WorkloadJob> = Vec::new();
    let mut names: HashMap<String, u32> = HashMap::new();
    for (n, raw) in text.lines().enumerate() {
        let line = n + 1;
        let at = |text: &str, reason| WorkloadError::Line {
            line,
            text: text.to_owned(),
            reason,
        };
        let words = split_words(raw).map_err(|r| at(raw.trim(), r))?;
        if words.is_empty() {
            continue;
        }
        let [submit, runtime, user, options @ ..] = words.as_slice() else {
            return Err(at(raw.trim(), JobListReason::MissingFields));
        };
        let this = u32::try_from(jobs.len() + 1)
            .ok()
            .filter(|&i| i <= JobId::MAX)
            .ok_or_else(|| at(raw.trim(), JobListReason::TooManyJobs))?;
        let submit_secs = digits(submit).ok_or_else(|| at(submit, JobListReason::SubmitTime))?;
        if let Some(prev) = jobs.last()
            && submit_secs < prev.submit.as_secs()
        {
            return Err(at(
                submit,
                JobListReason::SubmitOrder {
                    previous: prev.submit.as_secs(),
                },
            ));
        }
        let (runtime, exit_code) = parse_runtime(runtime).map_err(|r| at(runtime, r))?;
        if user.starts_with('-') {
            return Err(at(user, JobListReason::UserLooksLikeOption));
        }
        let mut args = options.to_vec();
        let scan = scan_options(&args, table);
        for &(word, offset) in &scan.dependency_values {
            let Some(arg) = args.get(word) else { continue };
            let Some(value) = arg.get(offset..) else {
                continue;
            };
            let rewritten = rewrite_dependency(value, this, &names).map_err(|(t, r)| at(&t, r))?;
            let head = arg.get(..offset).unwrap_or_default();
            let new = format!("{head}{rewritten}");
            if let Some(slot) = args.get_mut(word) {
                *slot = new;
            }
        }
        let request = parser
            .args(&args)
            .map_err(|e| at(&options.join(" "), JobListReason::Option(e)))?;
        if let Some(stray) = scan.stray.and_then(|i| options.get(i)) {
            return Err(at(stray, JobListReason::StrayArgument));
        }
        // A safety net behind the rewriting: every target must be an earlier position.
        if let Some(dep) = &request.dependency
            && let Some(target) = dep
                .targets()
                .map(DependencyTarget::job)
                .find(|j| j.0 >= this)
        {
            return Err(at(
                &dep.to_string(),
                JobListReason::NotEarlier {
                    target: u64::from(target.0),
                    this,
                },
            ));
        }
        if let Some(name) = &request.job_name {
            names.insert(name.clone(), this);
        }
        jobs.push(WorkloadJob {
            index: this,
            submit: Timestamp(submit_secs),
            runtime,
            exit_code,
            user: user.clone(),
            request,
            line,
        });
    }
    Ok(jobs)
}

/// Reads a job-list file (see [`parse_job_list`]).
///
/// ```no_run
/// let jobs = hpcsched::workload::read_job_list("scenario.jobs")?;
/// # Ok::<(), hpcsched::workload::WorkloadError>(())
/// ```
pub fn read_job_list(path: impl AsRef<Path>) -> Result<Vec<WorkloadJob>, WorkloadError> {
    read_job_list_with(path, Parser::default())
}

/// [`read_job_list`] with the options of a cluster's SPANK plugins accepted too.
pub fn read_job_list_with(
    path: impl AsRef<Path>,
    parser: Parser<'_>,
) -> Result<Vec<WorkloadJob>, WorkloadError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| WorkloadError::Read {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    parse_job_list_with(&text, parser)
}

// ---------------------------------------------------------------------------------------
// SWF traces.
// ---------------------------------------------------------------------------------------

/// How SWF jobs become workload jobs (the conventions of published FCFS/EASY replays).
///
/// - **Processors**: the requested number (field 8) if known, else the allocated number
///   (field 5). A job with neither is skipped.
/// - **Time limit**: the requested time (field 9) if > 0, rounded up to a whole second,
///   else the run time (a perfect estimate, the literature's convention); at least 1 s.
/// - **Run time**: field 4, rounded to the nearest second (SWF says 0 means < 0.5 s). A job
///   with no run time is skipped.
/// - **Submit time**: field 2, rounded to the nearest second, on the trace's own clock
///   (relative to the header's `UnixStartTime`). Jobs keep file order, so equal submit
///   times are submitted in file order.
/// - **User**: `u<field 12>`, or `unknown` when field 12 is -1; **account**: `g<field
///   13>` (the group), none when field 13 is -1. Without an association tree, fair-share
///   then sees a flat tree of the trace's groups with their users, one share each.
/// - **Exit code**: 0 for every job. Status 0 ("failed") and 5 ("cancelled") jobs really
///   ran for their run time, so they are replayed like completed ones (a whole trace,
///   theta's, has status 0 everywhere as a conversion artefact). Status 2, 3 and 4 lines
///   are partial-execution records of checkpointed or swapped jobs: they are skipped and
///   reported (none of the bundled traces has any).
/// - **Request**: `-n PROCS` (one CPU per task, spread over nodes as the scheduler likes;
///   meant for a cluster with `SelectTypeParameters=CR_Core`, where memory never
///   constrains); with `whole_nodes`, `-N ceil(PROCS / cpus_per_node) --exclusive -n PROCS`.
///   The time limit is set in seconds, not rounded to minutes as `-t` would.
/// - A job asking for more processors than `max_procs` is skipped and reported.
///
/// Whole nodes change the offered load: most jobs of a real log ask for less than a node
/// (on RICC, 354k of 448k jobs ask for fewer than its 8 cores per node), so a
/// `whole_nodes` replay of RICC occupies 1.3 times the processor time of the log and
/// over-saturates the machine.
///
/// Skipped jobs are never dropped silently: they come out as [`Skipped`] items.
///
/// ```
/// use hpcsched::swf::SwfReader;
/// use hpcsched::workload::SwfMapping;
/// use hpcsched::{Duration, TimeLimit};
/// let text = "; MaxNodes: 4\n; MaxProcs: 32\n\
///             1 0 10 100 4 -1 -1 8 3600 -1 1 7 1 -1 1 -1 -1 -1\n\
///             2 5 10 100 64 -1 -1 -1 -1 -1 1 7 1 -1 1 -1 -1 -1\n\
///             3 9 10 50 2 -1 -1 -1 -1 -1 1 -1 1 -1 1 -1 -1 -1\n";
/// let reader = SwfReader::new(text.as_bytes())?;
/// let mapping = SwfMapping::from_header(reader.header());
/// let items: Vec<_> = mapping.jobs(reader).collect();
/// let first = items[0].as_ref().unwrap();
/// assert_eq!((first.index, first.user.as_str(), first.request.ntasks), (1, "u7", Some(8)));
/// assert_eq!(first.request.time_limit, Some(TimeLimit::Limited(Duration::from_secs(3600))));
/// assert_eq!(
///     items[1].as_ref().unwrap_err().to_string(),
///     "line 4: SWF job 2 skipped: it asks for 64 processors but the machine has 32"
/// );
/// let third = items[2].as_ref().unwrap();
/// assert_eq!((third.index, third.user.as_str()), (2, "unknown"));
/// assert_eq!(third.request.time_limit, Some(TimeLimit::Limited(Duration::from_secs(50))));
/// # Ok::<(), hpcsched::swf::SwfError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwfMapping {
    /// Give each job whole nodes (`-N ceil(procs / cpus_per_node) --exclusive`).
    pub whole_nodes: bool,
    /// CPUs per node, for `whole_nodes` (0 is taken as 1).
    pub cpus_per_node: u32,
    /// The machine's processor count: wider jobs are skipped. `None`: no check.
    pub max_procs: Option<u64>,
}

impl Default for SwfMapping {
    /// Processor requests, one CPU per node, no width check.
    fn default() -> Self {
        Self {
            whole_nodes: false,
            cpus_per_node: 1,
            max_procs: None,
        }
    }
}

/// Why an SWF line is not replayed.
///
/// ```
/// use hpcsched::swf::SwfJob;
/// use hpcsched::workload::{SkipReason, SwfMapping};
/// let job = SwfJob { submit_time: Some(0.0), run_time: Some(1.0), allocated_procs: Some(4),
///                    status: Some(2), ..SwfJob::default() };
/// assert_eq!(SwfMapping::default().map(&job, 1).unwrap_err().reason, SkipReason::PartialExecution(2));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SkipReason {
    /// The line could not be read.
    #[error("{}", unreadable(.0))]
    Unreadable(SwfLineError),
    /// Field 2 is -1.
    #[error("its submit time (field 2) is unknown")]
    NoSubmitTime,
    /// Field 2 is negative.
    #[error("its submit time (field 2) is negative ({0})")]
    NegativeSubmitTime(f64),
    /// Field 4 is -1.
    #[error("its run time (field 4) is unknown")]
    NoRunTime,
    /// Field 4 is negative.
    #[error("its run time (field 4) is negative ({0})")]
    NegativeRunTime(f64),
    /// Neither field 8 nor field 5 is a positive count.
    #[error("neither its requested (field 8) nor its allocated (field 5) processor count is known")]
    NoProcessors,
    /// More processors than the machine has.
    #[error("it asks for {procs} processors but the machine has {machine}")]
    TooWide {
        /// The processors asked for.
        procs: i64,
        /// The machine's processors.
        machine: u64,
    },
    /// A status 2/3/4 partial-execution record.
    #[error(
        "status {0} marks a partial-execution record (a checkpointed or swapped job), which is not replayed"
    )]
    PartialExecution(i64),
    /// The workload already has `u32::MAX` jobs.
    #[error("the workload already has {} jobs", u32::MAX)]
    TooManyJobs,
}

/// The text of [`SkipReason::Unreadable`]: the line (when some was read) and the reason.
fn unreadable(e: &SwfLineError) -> String {
    if e.text.is_empty() {
        format!("unreadable line: {}", e.reason())
    } else {
        format!("unreadable line `{}`: {}", e.text, e.reason())
    }
}

/// An SWF line that is not replayed, and why. Its [`fmt::Display`] is a sentence for the
/// user.
///
/// ```
/// use hpcsched::swf::SwfJob;
/// use hpcsched::workload::SwfMapping;
/// let job = SwfJob { line: 4, job_number: 2, submit_time: Some(0.0), run_time: Some(1.0),
///                    requested_procs: Some(64), ..SwfJob::default() };
/// let m = SwfMapping { max_procs: Some(32), ..SwfMapping::default() };
/// let skipped = m.map(&job, 1).unwrap_err();
/// assert_eq!((skipped.line, skipped.job_number), (4, Some(2)));
/// assert_eq!(skipped.to_string(), "line 4: SWF job 2 skipped: it asks for 64 processors but the machine has 32");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub struct Skipped {
    /// The 1-based line of the trace.
    pub line: usize,
    /// The SWF job number (field 1), if the line could be read.
    pub job_number: Option<i64>,
    /// Why.
    pub reason: SkipReason,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.job_number {
            Some(n) => write!(
                f,
                "line {}: SWF job {n} skipped: {}",
                self.line, self.reason
            ),
            None => write!(f, "line {} skipped: {}", self.line, self.reason),
        }
    }
}

/// Seconds from a non-negative SWF time, rounded to the nearest second.
fn round_secs(v: f64) -> u64 {
    // `as` saturates: an absurdly large time becomes u64::MAX rather than wrapping.
    v.round() as u64
}

impl SwfMapping {
    /// The mapping for the machine an SWF header describes: no whole nodes,
    /// `cpus_per_node` = `MaxProcs / MaxNodes` (1 when either is missing or they do not
    /// divide), `max_procs` = `MaxProcs`, else `MaxNodes` (one processor per node).
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// use hpcsched::workload::SwfMapping;
    /// let r = SwfReader::new("; MaxNodes: 1024\n; MaxProcs: 8192\n".as_bytes())?;
    /// let m = SwfMapping::from_header(r.header());
    /// assert_eq!((m.whole_nodes, m.cpus_per_node, m.max_procs), (false, 8, Some(8192)));
    /// let r = SwfReader::new("; MaxNodes: 256\n".as_bytes())?;
    /// assert_eq!(SwfMapping::from_header(r.header()).max_procs, Some(256));
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    #[must_use]
    pub fn from_header(header: &SwfHeader) -> Self {
        let nodes = header.max_nodes().filter(|&n| n > 0);
        let procs = header.max_procs().filter(|&p| p > 0);
        let cpus_per_node = match (nodes, procs) {
            (Some(n), Some(p)) if p % n == 0 => u32::try_from(p / n).unwrap_or(1),
            _ => 1,
        };
        Self {
            whole_nodes: false,
            cpus_per_node,
            max_procs: procs.or(nodes),
        }
    }

    /// Turns one SWF job into the `index`-th workload job, or says why it is skipped.
    ///
    /// ```
    /// use hpcsched::swf::SwfJob;
    /// use hpcsched::workload::SwfMapping;
    /// use hpcsched::request::{Exclusive, NodeCount};
    /// let job = SwfJob { line: 9, job_number: 3, submit_time: Some(0.0), run_time: Some(60.0),
    ///                    allocated_procs: Some(12), ..SwfJob::default() };
    /// let m = SwfMapping { whole_nodes: true, cpus_per_node: 8, max_procs: None };
    /// let w = m.map(&job, 1).unwrap();
    /// assert_eq!(w.request.nodes, Some(NodeCount { min: 2, max: 2 }));
    /// assert_eq!((w.request.ntasks, w.request.exclusive), (Some(12), Some(Exclusive::Node)));
    /// ```
    pub fn map(&self, job: &SwfJob, index: u32) -> Result<WorkloadJob, Skipped> {
        let skip = |reason| Skipped {
            line: job.line,
            job_number: Some(job.job_number),
            reason,
        };
        if let Some(status @ 2..=4) = job.status {
            return Err(skip(SkipReason::PartialExecution(status)));
        }
        let submit = match job.submit_time {
            None => return Err(skip(SkipReason::NoSubmitTime)),
            Some(t) if t < 0.0 => return Err(skip(SkipReason::NegativeSubmitTime(t))),
            Some(t) => round_secs(t),
        };
        let runtime = match job.run_time {
            None => return Err(skip(SkipReason::NoRunTime)),
            Some(t) if t < 0.0 => return Err(skip(SkipReason::NegativeRunTime(t))),
            Some(t) => round_secs(t),
        };
        let procs = job
            .requested_procs
            .filter(|&p| p > 0)
            .or(job.allocated_procs.filter(|&p| p > 0))
            .ok_or_else(|| skip(SkipReason::NoProcessors))?;
        if let Some(machine) = self.max_procs
            && u64::try_from(procs).is_ok_and(|p| p > machine)
        {
            return Err(skip(SkipReason::TooWide { procs, machine }));
        }
        let tasks = u32::try_from(procs).map_err(|_| {
            skip(SkipReason::TooWide {
                procs,
                machine: u64::from(u32::MAX),
            })
        })?;
        let limit = match job.requested_time {
            Some(t) if t > 0.0 => t.ceil() as u64,
            _ => runtime,
        }
        .max(1);
        let mut request = JobRequest {
            ntasks: Some(tasks),
            time_limit: Some(TimeLimit::Limited(Duration::from_secs(limit))),
            ..JobRequest::default()
        };
        if self.whole_nodes {
            let nodes = tasks.div_ceil(self.cpus_per_node.max(1));
            request.nodes = Some(NodeCount {
                min: nodes,
                max: nodes,
            });
            request.exclusive = Some(Exclusive::Node);
        }
        let user = match job.user_id {
            Some(u) => format!("u{u}"),
            None => "unknown".to_owned(),
        };
        // The group is the account (`g7` for group 7), so that fair-share and the
        // per-account limits of a replay see the trace's groups.
        request.account = job.group_id.map(|g| format!("g{g}"));
        Ok(WorkloadJob {
            index,
            submit: Timestamp(submit),
            runtime: Duration::from_secs(runtime),
            exit_code: 0,
            user,
            request,
            line: job.line,
        })
    }

    /// Maps a stream of SWF jobs (an [`SwfReader`](crate::swf::SwfReader)), numbering
    /// the replayed ones 1, 2, ... in file order; unreadable and skipped lines come out
    /// as [`Skipped`] items and take no number.
    ///
    /// ```
    /// use hpcsched::swf::SwfReader;
    /// use hpcsched::workload::SwfMapping;
    /// let text = "1 0 -1 5 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\nbad line\n\
    ///             2 1 -1 5 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n";
    /// let items: Vec<_> = SwfMapping::default().jobs(SwfReader::new(text.as_bytes())?).collect();
    /// assert_eq!(items[0].as_ref().map(|j| j.index), Ok(1));
    /// assert_eq!(items[1].as_ref().unwrap_err().to_string(),
    ///            "line 2 skipped: unreadable line `bad line`: expected 18 fields, found 2");
    /// assert_eq!(items[2].as_ref().map(|j| j.index), Ok(2));
    /// # Ok::<(), hpcsched::swf::SwfError>(())
    /// ```
    pub fn jobs<I>(self, jobs: I) -> SwfWorkload<I::IntoIter>
    where
        I: IntoIterator<Item = Result<SwfJob, SwfLineError>>,
    {
        SwfWorkload {
            jobs: jobs.into_iter(),
            mapping: self,
            next_index: 1,
        }
    }
}

/// The workload jobs of an SWF job stream (see [`SwfMapping::jobs`]): `Ok` for each
/// replayed job, `Err(Skipped)` for each line that is not.
///
/// ```
/// use hpcsched::swf::SwfReader;
/// use hpcsched::workload::SwfMapping;
/// let text = "1 0 -1 5 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n";
/// let (jobs, skipped): (Vec<_>, Vec<_>) =
///     SwfMapping::default().jobs(SwfReader::new(text.as_bytes())?).partition(Result::is_ok);
/// assert_eq!((jobs.len(), skipped.len()), (1, 0));
/// # Ok::<(), hpcsched::swf::SwfError>(())
/// ```
#[derive(Debug)]
pub struct SwfWorkload<I> {
    jobs: I,
    mapping: SwfMapping,
    next_index: u32,
}

impl<I: Iterator<Item = Result<SwfJob, SwfLineError>>> Iterator for SwfWorkload<I> {
    type Item = Result<WorkloadJob, Skipped>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.jobs.next()?;
        Some(match item {
            Err(e) => Err(Skipped {
                line: e.line,
                job_number: None,
                reason: SkipReason::Unreadable(e),
            }),
            Ok(job) => {
                if self.next_index == u32::MAX {
                    return Some(Err(Skipped {
                        line: job.line,
                        job_number: Some(job.job_number),
                        reason: SkipReason::TooManyJobs,
                    }));
                }
                let mapped = self.mapping.map(&job, self.next_index);
                if mapped.is_ok() {
                    self.next_index += 1;
                }
                mapped
            }
        })
    }
}

/// Why [`swf_cluster_conf`] cannot describe the machine.
///
/// ```
/// use hpcsched::swf::SwfReader;
/// use hpcsched::workload::{swf_cluster_conf, SwfClusterError};
/// let reader = SwfReader::new("; Version: 2\n".as_bytes())?;
/// assert_eq!(swf_cluster_conf(reader.header()), Err(SwfClusterError::NoMachineSize));
/// # Ok::<(), hpcsched::swf::SwfError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SwfClusterError {
    /// Neither `MaxNodes` nor `MaxProcs` is in the header.
    #[error(
        "the SWF header gives neither MaxNodes nor MaxProcs: give the cluster (a slurm.conf) that describes the machine"
    )]
    NoMachineSize,
    /// `MaxProcs` is not a multiple of `MaxNodes`.
    #[error(
        "the SWF header's MaxProcs ({procs}) is not a multiple of its MaxNodes ({nodes}): give the cluster (a slurm.conf) that describes the machine"
    )]
    UnevenNodes {
        /// `MaxProcs`.
        procs: u64,
        /// `MaxNodes`.
        nodes: u64,
    },
    /// More CPUs per node than slurm.conf allows (65535).
    #[error(
        "the SWF header gives {cpus} processors per node, more than slurm.conf's CPUs allows (65535): give the cluster (a slurm.conf) that describes the machine"
    )]
    TooManyCpus {
        /// `MaxProcs / MaxNodes`.
        cpus: u64,
    },
}

/// A slurm.conf for the machine an SWF header describes: `MaxNodes` nodes named
/// `n[0001-1024]` (zero-padded to the width of the count), `MaxProcs / MaxNodes` CPUs each,
/// `SelectTypeParameters=CR_Core` (cores are what a job consumes; memory never
/// constrains), `PriorityType=priority/basic` (jobs in submit order, as the FCFS and
/// EASY of the literature take them), and one partition `swf` with every node,
/// `Default=YES`, `MaxTime=UNLIMITED`.
///
/// Without `MaxProcs` each node has one CPU; without `MaxNodes` there are `MaxProcs`
/// one-CPU nodes; with neither (or only zeros) the user must describe the machine.
///
/// ```
/// use hpcsched::swf::SwfReader;
/// use hpcsched::workload::swf_cluster_conf;
/// use hpcsched::Cluster;
/// let reader = SwfReader::new("; MaxNodes: 1024\n; MaxProcs: 8192\n".as_bytes())?;
/// let conf = swf_cluster_conf(reader.header())?;
/// assert!(conf.contains("NodeName=n[0001-1024] CPUs=8\n"));
/// let cluster = Cluster::from_slurm_conf(&conf)?;
/// assert_eq!(cluster.nodes().len(), 1024);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn swf_cluster_conf(header: &SwfHeader) -> Result<String, SwfClusterError> {
    let nodes = header.max_nodes().filter(|&n| n > 0);
    let procs = header.max_procs().filter(|&p| p > 0);
    let (count, cpus) = match (nodes, procs) {
        (Some(n), Some(p)) => {
            if p % n != 0 {
                return Err(SwfClusterError::UnevenNodes { procs: p, nodes: n });
            }
            (n, p / n)
        }
        (Some(n), None) => (n, 1),
        (None, Some(p)) => (p, 1),
        (None, None) => return Err(SwfClusterError::NoMachineSize),
    };
    if cpus > u64::from(u16::MAX) {
        return Err(SwfClusterError::TooManyCpus { cpus });
    }
    let width = count.to_string().len();
    let hosts = if count == 1 {
        "n1".to_owned()
    } else {
        format!("n[{:0width$}-{count}]", 1)
    };
    let describe = |key: &str, v: Option<u64>| match v {
        Some(v) => format!("{key} {v}"),
        None => format!("no {key}"),
    };
    Ok(format!(
        "# The machine of an SWF trace header ({}, {}), written by hpcsched.\n\
         # Cores are the consumable resource; memory never constrains a replayed job.\n\
         # Jobs are taken in submit order, as in the FCFS and EASY of the literature.\n\
         SelectTypeParameters=CR_Core\n\
         PriorityType=priority/basic\n\
         NodeName={hosts} CPUs={cpus}\n\
         PartitionName=swf Nodes={hosts} Default=YES MaxTime=UNLIMITED State=UP\n",
        describe("MaxNodes", nodes),
        describe("MaxProcs", procs),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words() {
        let w = |s: &str| split_words(s).unwrap();
        assert_eq!(w("  a  b\tc "), ["a", "b", "c"]);
        assert_eq!(
            w(r#"-J 'x y' "a \"b\" \$c \n" d\ e"#),
            ["-J", "x y", r#"a "b" $c \n"#, "d e"]
        );
        assert_eq!(w("a''b '' \"\""), ["ab", "", ""]);
        assert_eq!(w("a # comment 'unclosed"), ["a"]);
        assert_eq!(w("a#b"), ["a#b"]);
        assert_eq!(w("'#x' \\#y"), ["#x", "#y"]);
        assert_eq!(w("# whole line"), Vec::<String>::new());
        assert_eq!(w(r"'it'\''s'"), ["it's"]);
        assert_eq!(
            split_words("a 'b"),
            Err(JobListReason::UnterminatedQuote('\''))
        );
        assert_eq!(
            split_words("a \"b\\"),
            Err(JobListReason::UnterminatedQuote('"'))
        );
        assert_eq!(split_words("a \\"), Err(JobListReason::TrailingBackslash));
    }

    #[test]
    fn quote_round_trips_through_the_splitter() {
        for word in [
            "plain", "", "a b", "it's", "#x", "\"q\"", "a\\b", "$HOME", "--x=a b",
        ] {
            assert_eq!(split_words(&quote(word)).unwrap(), [word], "{word:?}");
        }
        assert_eq!(quote("--time=00:05:00"), "--time=00:05:00");
    }

    #[test]
    fn runtime_forms() {
        let r = |s: &str| parse_runtime(s).map(|(d, e)| (d.as_secs(), e));
        assert_eq!(r("600"), Ok((600, 0)));
        assert_eq!(r("0"), Ok((0, 0)));
        assert_eq!(r("600:1"), Ok((600, 1)));
        assert_eq!(r("1:00:00"), Ok((3600, 0)));
        assert_eq!(r("01:02:03:255"), Ok((3723, 255)));
        assert_eq!(r("2-00:00:01"), Ok((172_801, 0)));
        assert_eq!(r("1-00:00:00:2"), Ok((86_400, 2)));
        assert_eq!(r("10:30:00:0"), Ok((37_800, 0)));
        for bad in [
            "",
            "1.5",
            "-5",
            "1-2",
            "1-2:3",
            "a",
            "1:2:3:4:5",
            "::",
            "1::2",
        ] {
            assert_eq!(r(bad), Err(JobListReason::RunTime), "{bad}");
        }
        for bad in ["5:256", "5:-1", "5:", "5:x", "1:00:00:1000"] {
            assert_eq!(r(bad), Err(JobListReason::ExitCode), "{bad}");
        }
    }

    #[test]
    fn option_scan_finds_dependency_values_in_every_form() {
        let s = |args: &[&str]| {
            let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
            let table = Table {
                client: Client::Sbatch,
                plugins: &[],
            };
            let scan = scan_options(&args, table);
            (scan.dependency_values, scan.stray)
        };
        assert_eq!(s(&["-d", "afterok:A"]), (vec![(1, 0)], None));
        assert_eq!(s(&["-dafterok:A"]), (vec![(0, 2)], None));
        assert_eq!(s(&["-Hdafterok:A"]), (vec![(0, 3)], None));
        assert_eq!(
            s(&["--dependency=x", "--dep", "y"]),
            (vec![(0, 13), (2, 0)], None)
        );
        assert_eq!(
            s(&["-J", "-d", "-N", "2"]),
            (vec![], None),
            "-d is -J's value"
        );
        assert_eq!(s(&["-N", "2", "run.sh", "-d", "x"]), (vec![], Some(2)));
        assert_eq!(s(&["-H", "--", "x"]), (vec![], Some(2)));
        assert_eq!(s(&["-H", "--"]), (vec![], None));
        assert_eq!(
            s(&["--frob", "-d", "x"]),
            (vec![], None),
            "stops at an unknown option"
        );
    }
}

//! The sbatch corpus: batch scripts and option sets, valid and invalid, through real
//! sbatch and through `hpcsched check` on the same cluster.
//!
//! **Cases** (`corpus/`, see its README):
//! - `options.txt`: one option set a line, `NAME USER: sbatch options...` (split on
//!   whitespace), in groups (`## Title`), with `@deviation NAME FIELD: REASON` lines;
//! - `scripts/NAME.sh`: batch scripts, whose leading comments may say `# case: WHAT`,
//!   `# user: NAME` (default alice), `# args: OPTIONS` (command-line options given with
//!   the script) and `# deviation FIELD: REASON`.
//!
//! An option set is submitted as `sbatch OPTIONS script` with a two-line `#!/bin/sh`
//! script; a batch script as `sbatch ARGS script`.
//!
//! **Slurm's side** (live): each case is given, as its user, to `sbatch --test-only`, then
//! submitted for real with a start a year away (`--begin=now+365days`, before the case's
//! own options, so a case's `--begin` wins), read back with `scontrol show job -o` and
//! cancelled at once, so nothing is left in the queue. The real submission's answer is
//! Slurm's verdict. It is not always `--test-only`'s: the test is a will-run check that
//! also refuses some jobs slurmctld accepts (`-N 3 -w cpu4-1`); such a disagreement is
//! noted with the observation. (Not `-H`: a held job skips slurmctld's submit-time node
//! test, so `--mincpus=8` on 4-CPU nodes is accepted held and refused otherwise.) What was
//! read is kept, normalised, in `corpus/observed.tsv`.
//!
//! **hpcsched's side**: `hpcsched check --cluster FILE --format json --user USER
//! [--arg OPTION]... SCRIPT`, the binary users run. An input error on the script (exit
//! status 2, the message naming the script: an unknown option, a garbage value) is a
//! rejection, as sbatch's own refusal of it is.
//!
//! **Compared**: accept/reject always (not the message's wording); for accepted cases six
//! fields, normalised to one notation: partition (list), nodes, CPUs (`NumCPUs`, tasks,
//! CPUs per task), memory (per CPU, per node, per GPU or the whole node, in MiB), GRES per
//! node (a per-job `--gpus=N` spread over the minimum node count) and time limit.
//! Slurm shows a node *range* only when a maximum was requested (`NumNodes=2` for `-n 32`
//! means "2 or more"), so without one only the minimum is compared. Partition lists are
//! compared as sets (a job Slurm has not scheduled yet shows them as written, duplicates
//! included; hpcsched lists them in the order it tests them).
//!
//! Any difference not declared as a deviation fails the suite, and so does a declared
//! deviation that no longer happens.

use crate::Mode;
use crate::cluster::FidelityCluster;
use crate::slurm;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Threads that ask Slurm about corpus cases at once in a live run.
const CORPUS_WORKERS: usize = 4;

/// What the corpus part found.
#[derive(Debug, Default)]
pub struct CorpusOutcome {
    /// Cases compared.
    pub checked: usize,
    /// Cases on which hpcsched and Slurm agree (or differ by a documented deviation).
    pub agreed: usize,
    /// Cases on which they agree in every field.
    pub identical: usize,
    /// One line per undocumented difference (the suite fails on any).
    pub failures: Vec<String>,
    /// Its section of docs/fidelity.md.
    pub report_md: String,
}

/// The user a case runs as when it names none.
const DEFAULT_USER: &str = "alice";
/// The script an option set is submitted with.
const TRIVIAL_SCRIPT: &str = "#!/bin/sh\ntrue\n";
/// What sbatch is always given besides the case's options: no output files, a working
/// folder every user may enter.
const SBATCH_COMMON: [&str; 6] = ["-o", "/dev/null", "-e", "/dev/null", "-D", "/tmp"];
/// The header of `observed.tsv`.
const TSV_HEADER: &str = "# case\tverdict\tpartition\tnodes\tcpus\tmemory\tgres\ttime\tmessage";

/// A compared field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    Verdict,
    Partition,
    Nodes,
    Cpus,
    Memory,
    Gres,
    Time,
}

impl Field {
    const RESOLVED: [Field; 6] = [
        Field::Partition,
        Field::Nodes,
        Field::Cpus,
        Field::Memory,
        Field::Gres,
        Field::Time,
    ];

    fn name(self) -> &'static str {
        match self {
            Field::Verdict => "verdict",
            Field::Partition => "partition",
            Field::Nodes => "nodes",
            Field::Cpus => "cpus",
            Field::Memory => "memory",
            Field::Gres => "gres",
            Field::Time => "time",
        }
    }

    fn parse(s: &str) -> Option<Field> {
        [Field::Verdict]
            .into_iter()
            .chain(Field::RESOLVED)
            .find(|f| f.name() == s)
    }
}

/// One case of the corpus.
#[derive(Debug, Clone)]
struct Case {
    name: String,
    /// Its group in the report.
    group: String,
    user: String,
    /// Command-line options, before the script.
    args: Vec<String>,
    /// The batch script.
    script: String,
    /// What a batch script checks (`# case:`).
    description: Option<String>,
    /// Documented deviations: field, reason.
    deviations: Vec<(Field, String)>,
}

/// The resolved request, each field normalised to one notation for both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Resolved {
    partition: String,
    nodes: String,
    cpus: String,
    memory: String,
    gres: String,
    time: String,
    /// What else the observation says (`--test-only` refusing an accepted job); not
    /// compared. `-` when nothing.
    note: String,
}

impl Resolved {
    fn get(&self, field: Field) -> &str {
        match field {
            Field::Verdict => "accepted",
            Field::Partition => &self.partition,
            Field::Nodes => &self.nodes,
            Field::Cpus => &self.cpus,
            Field::Memory => &self.memory,
            Field::Gres => &self.gres,
            Field::Time => &self.time,
        }
    }

    fn summary(&self) -> String {
        format!(
            "{} · {} node(s) · {} · {} · {} · {}",
            self.partition, self.nodes, self.cpus, self.memory, self.gres, self.time
        )
    }
}

/// A scheduler's answer to a case.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Accepted(Resolved),
    /// With the message.
    Rejected(String),
}

/// How one case compared.
#[derive(Debug)]
struct CaseResult {
    case: Case,
    slurm: Verdict,
    hpcsched: Verdict,
    /// Fields that differ, with both values.
    diffs: Vec<(Field, String, String)>,
}

pub fn run(mode: Mode, cluster: &FidelityCluster) -> CorpusOutcome {
    let mut outcome = CorpusOutcome::default();
    let dir = crate::root().join("corpus");
    let cases = match load_cases(&dir) {
        Ok(c) => c,
        Err(e) => {
            outcome.failures.push(format!("corpus: {e}"));
            return outcome;
        }
    };
    let work = std::env::temp_dir().join(format!("hpcsched-corpus-{}", std::process::id()));
    if let Err(e) = prepare_dir(&work) {
        outcome
            .failures
            .push(format!("corpus: {}: {e}", work.display()));
        return outcome;
    }
    let observed_path = dir.join("observed.tsv");
    let observed: BTreeMap<String, Verdict> = if mode.live() {
        if !slurm::up() {
            outcome.failures.push(
                "corpus: the harness's slurmctld does not answer: run tests/fidelity/harness/setup.sh"
                    .into(),
            );
            return outcome;
        }
        eprintln!("fidelity: corpus, {} cases on Slurm", cases.len());
        // The cases are independent (each job is held back by a begin time a year away,
        // then cancelled; `--test-only` looks at running jobs only), so a few workers
        // ask Slurm at once: the live corpus costs a third of its time in `.ci/run`.
        let chunk = cases.len().div_ceil(CORPUS_WORKERS).max(1);
        let answers: Vec<(String, Result<Verdict, String>)> = std::thread::scope(|scope| {
            let workers: Vec<_> = cases
                .chunks(chunk)
                .map(|part| {
                    let work = &work;
                    scope.spawn(move || {
                        part.iter()
                            .map(|case| (case.name.clone(), observe(case, work)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| {
                    w.join()
                        .unwrap_or_else(|_| vec![("?".into(), Err("worker panicked".into()))])
                })
                .collect()
        });
        let mut map = BTreeMap::new();
        for (name, answer) in answers {
            match answer {
                Ok(v) => {
                    map.insert(name, v);
                }
                Err(e) => outcome.failures.push(format!("corpus {name}: {e}")),
            }
        }
        if mode == Mode::Record
            && let Err(e) = std::fs::write(&observed_path, render_tsv(&cases, &map))
        {
            outcome
                .failures
                .push(format!("corpus: writing {}: {e}", observed_path.display()));
        }
        map
    } else {
        match std::fs::read_to_string(&observed_path) {
            Ok(text) => match parse_tsv(&text) {
                Ok(m) => m,
                Err(e) => {
                    outcome
                        .failures
                        .push(format!("corpus: {}: {e}", observed_path.display()));
                    return outcome;
                }
            },
            Err(e) => {
                outcome.failures.push(format!(
                    "corpus: {}: {e} (record it: HPCSCHED_FIDELITY=record with the harness up)",
                    observed_path.display()
                ));
                return outcome;
            }
        }
    };
    let mut results = Vec::new();
    for case in cases {
        let Some(slurm_verdict) = observed.get(&case.name).cloned() else {
            if !mode.live() {
                outcome.failures.push(format!(
                    "corpus {}: no observation in observed.tsv (record it: HPCSCHED_FIDELITY=record)",
                    case.name
                ));
            }
            continue;
        };
        let hpcsched_verdict = match check(&case, &work, cluster) {
            Ok(v) => v,
            Err(e) => {
                outcome.failures.push(format!("corpus {}: {e}", case.name));
                continue;
            }
        };
        let diffs = compare(&slurm_verdict, &hpcsched_verdict);
        outcome.checked += 1;
        let mut undocumented = false;
        for (field, s, h) in &diffs {
            if !case.deviations.iter().any(|(f, _)| f == field) {
                undocumented = true;
                outcome.failures.push(format!(
                    "corpus {} ({} {}): {}: Slurm {s} / hpcsched {h}",
                    case.name,
                    case.user,
                    options_text(&case),
                    field.name()
                ));
            }
        }
        for (field, _) in &case.deviations {
            if !diffs.iter().any(|(f, _, _)| f == field) {
                undocumented = true;
                outcome.failures.push(format!(
                    "corpus {}: documented deviation in {} no longer happens: remove it",
                    case.name,
                    field.name()
                ));
            }
        }
        if !undocumented {
            outcome.agreed += 1;
        }
        results.push(CaseResult {
            case,
            slurm: slurm_verdict,
            hpcsched: hpcsched_verdict,
            diffs,
        });
    }
    let _ = std::fs::remove_dir_all(&work);
    outcome.identical = results.iter().filter(|r| r.diffs.is_empty()).count();
    outcome.report_md = report_md(&results);
    outcome
}

// ------------------------------------------------------------------------------------
// Cases
// ------------------------------------------------------------------------------------

/// `options.txt`, then `scripts/*.sh` in name order; names must be unique.
fn load_cases(dir: &Path) -> Result<Vec<Case>, String> {
    let path = dir.join("options.txt");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut cases = parse_options(&text).map_err(|e| format!("options.txt:{e}"))?;
    let sdir = dir.join("scripts");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&sdir)
        .map_err(|e| format!("{}: {e}", sdir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sh"))
        .collect();
    paths.sort();
    for p in paths {
        let name = p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let script = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        cases
            .push(parse_script_case(&name, script).map_err(|e| format!("scripts/{name}.sh: {e}"))?);
    }
    let mut seen = std::collections::BTreeSet::new();
    for c in &cases {
        if !seen.insert(c.name.as_str()) {
            return Err(format!("case name {} used twice", c.name));
        }
    }
    Ok(cases)
}

/// The option sets of `options.txt`; errors are `LINE: message`.
fn parse_options(text: &str) -> Result<Vec<Case>, String> {
    let mut cases: Vec<Case> = Vec::new();
    let mut group = "Option sets".to_string();
    let mut deviations: Vec<(usize, String, Field, String)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        if let Some(title) = line.strip_prefix("## ") {
            group = title.trim().to_string();
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("@deviation ") {
            let (name, field, reason) =
                parse_deviation_head(rest).map_err(|e| format!("{line_no}: {e}"))?;
            let (name, field) = (name.to_string(), field);
            deviations.push((line_no, name, field, reason));
            continue;
        }
        let (head, options) = line
            .split_once(':')
            .ok_or_else(|| format!("{line_no}: expected `NAME USER: options...`"))?;
        let mut words = head.split_whitespace();
        let (Some(name), Some(user), None) = (words.next(), words.next(), words.next()) else {
            return Err(format!("{line_no}: expected `NAME USER: options...`"));
        };
        cases.push(Case {
            name: name.to_string(),
            group: group.clone(),
            user: user.to_string(),
            args: options.split_whitespace().map(str::to_string).collect(),
            script: TRIVIAL_SCRIPT.to_string(),
            description: None,
            deviations: Vec::new(),
        });
    }
    for (line_no, name, field, reason) in deviations {
        let case = cases
            .iter_mut()
            .find(|c| c.name == name)
            .ok_or_else(|| format!("{line_no}: @deviation for unknown case {name}"))?;
        case.deviations.push((field, reason));
    }
    Ok(cases)
}

/// `NAME FIELD: REASON` (options.txt) into its parts.
fn parse_deviation_head(rest: &str) -> Result<(&str, Field, String), String> {
    let (head, reason) = rest
        .split_once(':')
        .ok_or("expected `@deviation NAME FIELD: reason`")?;
    let mut words = head.split_whitespace();
    let (Some(name), Some(field), None) = (words.next(), words.next(), words.next()) else {
        return Err("expected `@deviation NAME FIELD: reason`".into());
    };
    let field = Field::parse(field).ok_or_else(|| format!("unknown field `{field}`"))?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err("a deviation needs its reason".into());
    }
    Ok((name, field, reason.to_string()))
}

/// A batch script and the `# key: value` comments before its first command.
fn parse_script_case(name: &str, script: String) -> Result<Case, String> {
    let mut case = Case {
        name: name.to_string(),
        group: "Batch scripts".to_string(),
        user: DEFAULT_USER.to_string(),
        args: Vec::new(),
        script: String::new(),
        description: None,
        deviations: Vec::new(),
    };
    for line in script.lines() {
        let t = line.trim();
        if !(t.is_empty() || t.starts_with('#')) {
            break;
        }
        let Some(comment) = t.strip_prefix("# ") else {
            continue;
        };
        if let Some(v) = comment.strip_prefix("case:") {
            case.description = Some(v.trim().to_string());
        } else if let Some(v) = comment.strip_prefix("user:") {
            case.user = v.trim().to_string();
        } else if let Some(v) = comment.strip_prefix("args:") {
            case.args = v.split_whitespace().map(str::to_string).collect();
        } else if let Some(v) = comment.strip_prefix("deviation ") {
            let (field, reason) = v
                .split_once(':')
                .ok_or("expected `# deviation FIELD: reason`")?;
            let field = Field::parse(field.trim())
                .ok_or_else(|| format!("unknown field `{}`", field.trim()))?;
            if reason.trim().is_empty() {
                return Err("a deviation needs its reason".into());
            }
            case.deviations.push((field, reason.trim().to_string()));
        }
    }
    case.script = script;
    Ok(case)
}

/// The case's options as one line.
fn options_text(case: &Case) -> String {
    case.args.join(" ")
}

/// A folder every user can read, for the scripts sbatch reads as the case's user.
fn prepare_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::create_dir_all(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))
}

/// Writes the case's script into `dir`, readable by every user.
fn write_script(case: &Case, dir: &Path) -> Result<PathBuf, String> {
    use std::os::unix::fs::PermissionsExt as _;
    let path = dir.join(format!("{}.sh", case.name));
    std::fs::write(&path, &case.script).map_err(|e| format!("{}: {e}", path.display()))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

// ------------------------------------------------------------------------------------
// Slurm's side
// ------------------------------------------------------------------------------------

/// Runs one case on the harness's Slurm. Errs only when Slurm could not be asked.
fn observe(case: &Case, dir: &Path) -> Result<Verdict, String> {
    let script = write_script(case, dir)?;
    let script = script.to_string_lossy().into_owned();
    let sbatch = |first: &[&'static str]| {
        let mut args: Vec<&str> = first.to_vec();
        args.extend(SBATCH_COMMON);
        args.extend(case.args.iter().map(String::as_str));
        args.push(&script);
        slurm::output_as(&case.user, "sbatch", &args)
    };
    let test = sbatch(&["--test-only"])?;
    let test_refusal = (!test.status.success()).then(|| sbatch_message(&test.stderr));
    let out = sbatch(&["--parsable", "--begin=now+365days"])?;
    if !out.status.success() {
        let mut msg = sbatch_message(&out.stderr);
        if test_refusal.is_none() {
            msg.push_str(" (--test-only accepted it)");
        }
        return Ok(Verdict::Rejected(msg));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let id = stdout
        .trim()
        .split(';')
        .next()
        .filter(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()))
        .ok_or_else(|| format!("sbatch --parsable printed `{}`", stdout.trim()))?
        .to_string();
    let shown = slurm::run("scontrol", &["show", "job", "-o", &id]);
    let cancelled = slurm::run("scancel", &[&id]);
    let shown = shown?;
    cancelled?;
    let line = shown
        .lines()
        .next()
        .ok_or_else(|| format!("scontrol show job {id}: no output"))?;
    let mut resolved = slurm_resolved(line)?;
    if let Some(m) = test_refusal {
        resolved.note = format!("--test-only refused it: {m}");
    }
    Ok(Verdict::Accepted(resolved))
}

/// sbatch's error lines, without their `sbatch: error:` prefixes, as one line.
fn sbatch_message(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let errors: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("sbatch: error:"))
        .map(|l| {
            let l = l.trim();
            l.strip_prefix("Batch job submission failed:")
                .unwrap_or(l)
                .trim()
        })
        .collect();
    if errors.is_empty() {
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            "(no message)".into()
        } else {
            lines.join(" ")
        }
    } else {
        errors.join(" ")
    }
}

/// The six fields from one `scontrol show job -o` line.
fn slurm_resolved(line: &str) -> Result<Resolved, String> {
    let kv: BTreeMap<&str, &str> = line
        .split_whitespace()
        .filter_map(|w| w.split_once('='))
        .collect();
    let get = |k: &str| {
        kv.get(k)
            .copied()
            .ok_or_else(|| format!("scontrol shows no {k}= in `{line}`"))
    };
    let nodes = get("NumNodes")?.to_string();
    let min_nodes: u64 = nodes
        .split('-')
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("NumNodes={nodes}"))?;
    let cpus = format!(
        "{} CPUs = {} × {}",
        get("NumCPUs")?,
        get("NumTasks")?,
        get("CPUs/Task")?
    );
    let memory = if let Some(per_gpu) = kv
        .get("MemPerTres")
        .and_then(|v| v.strip_prefix("gres:gpu:"))
    {
        let mib: u64 = per_gpu
            .parse()
            .map_err(|_| format!("MemPerTres=gres:gpu:{per_gpu}"))?;
        memory_text("gpu", Some(mib))
    } else if let Some(v) = kv.get("MinMemoryNode") {
        match slurm_mib(v)? {
            0 => memory_text("whole_node", None),
            mib => memory_text("node", Some(mib)),
        }
    } else {
        memory_text("cpu", Some(slurm_mib(get("MinMemoryCPU")?)?))
    };
    let mut gres = Vec::new();
    if let Some(v) = kv.get("TresPerNode") {
        for item in v.split(',') {
            gres.push(slurm_gres(item)?);
        }
    }
    if let Some(v) = kv.get("TresPerJob") {
        for item in v.split(',') {
            let (key, count) = slurm_gres(item)?;
            gres.push((key, count.div_ceil(min_nodes.max(1))));
        }
    }
    Ok(Resolved {
        partition: get("Partition")?.to_string(),
        nodes,
        cpus,
        memory,
        gres: gres_text(gres),
        time: time_text(get("TimeLimit")?)?,
        note: "-".into(),
    })
}

/// `8G`, `4096M`, `0`: MiB.
fn slurm_mib(v: &str) -> Result<u64, String> {
    let (digits, unit) = v.split_at(v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len()));
    let n: u64 = digits.parse().map_err(|_| format!("memory `{v}`"))?;
    let factor = match unit {
        "" | "M" => 1,
        "G" => 1024,
        "T" => 1024 * 1024,
        _ => return Err(format!("memory `{v}`")),
    };
    Ok(n * factor)
}

/// `gres:gpu:h100:2` (a `TresPerNode`/`TresPerJob` item): `gpu:h100` and 2; `gres:gpu`:
/// `gpu` and 1.
fn slurm_gres(item: &str) -> Result<(String, u64), String> {
    let rest = item.strip_prefix("gres:").unwrap_or(item);
    match rest.rsplit_once(':') {
        Some((key, count)) if count.chars().all(|c| c.is_ascii_digit()) => {
            let count = count.parse().map_err(|_| format!("GRES `{item}`"))?;
            Ok((key.to_string(), count))
        }
        _ if !rest.is_empty() => Ok((rest.to_string(), 1)),
        _ => Err(format!("GRES `{item}`")),
    }
}

/// A partition list as a set: sorted, without duplicates.
fn partition_set(list: &str) -> Vec<&str> {
    let mut v: Vec<&str> = list.split(',').collect();
    v.sort_unstable();
    v.dedup();
    v
}

// ------------------------------------------------------------------------------------
// hpcsched's side
// ------------------------------------------------------------------------------------

/// Runs `hpcsched check` on one case.
fn check(case: &Case, dir: &Path, cluster: &FidelityCluster) -> Result<Verdict, String> {
    let script = write_script(case, dir)?;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hpcsched"));
    cmd.arg("check")
        .arg("--cluster")
        .arg(&cluster.conf_path)
        .args(["--format", "json", "--user", &case.user]);
    for a in &case.args {
        cmd.arg(format!("--arg={a}"));
    }
    let out = cmd
        .arg(&script)
        .output()
        .map_err(|e| format!("hpcsched check: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(2) {
        // An input error in the script (or its options) is sbatch refusing it.
        let prefix = format!("hpcsched: {}", script.display());
        return match stderr.trim().strip_prefix(&prefix) {
            Some(msg) => Ok(Verdict::Rejected(
                msg.trim_start_matches(':').trim().to_string(),
            )),
            None => Err(format!("hpcsched check failed: {}", stderr.trim())),
        };
    }
    let json: Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "hpcsched check printed no JSON ({e}; status {}): {}",
            out.status,
            stderr.trim()
        )
    })?;
    let result = json
        .get("results")
        .and_then(|r| r.get(0))
        .ok_or("hpcsched check printed no result")?;
    match result.get("status").and_then(Value::as_str) {
        Some("rejected") => {
            let reasons: Vec<&str> = result
                .get("reasons")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            Ok(Verdict::Rejected(reasons.join("; ")))
        }
        Some("accepted") => {
            let job = result.get("job").ok_or("no `job` in hpcsched's answer")?;
            hpcsched_resolved(job).map(Verdict::Accepted)
        }
        _ => Err(format!("hpcsched check: unexpected answer {result}")),
    }
}

/// The six fields from `hpcsched check --format json`'s `job`.
fn hpcsched_resolved(job: &Value) -> Result<Resolved, String> {
    let num = |v: Option<&Value>, what: &str| {
        v.and_then(Value::as_u64)
            .ok_or_else(|| format!("hpcsched's answer has no {what}: {job}"))
    };
    let partition = job
        .get("partitions")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(",")
        })
        .ok_or("no partitions")?;
    let nodes = job.get("nodes").ok_or("no nodes")?;
    let (min, max) = (
        num(nodes.get("min"), "nodes.min")?,
        num(nodes.get("max"), "nodes.max")?,
    );
    let nodes = format!("{min}-{max}");
    let cpus = format!(
        "{} CPUs = {} × {}",
        num(job.get("cpus"), "cpus")?,
        num(job.get("tasks"), "tasks")?,
        num(job.get("cpus_per_task"), "cpus_per_task")?
    );
    let memory = job.get("memory").ok_or("no memory")?;
    let memory = memory_text(
        memory.get("per").and_then(Value::as_str).unwrap_or("?"),
        memory.get("mib").and_then(Value::as_u64),
    );
    let mut gres = Vec::new();
    for g in job
        .get("gres_per_node")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        gres.push(slurm_gres(g)?);
    }
    // `--gpus`: spread over the shown node count, as Slurm's TresPerJob is above.
    if let Some(g) = job.get("gpus_per_job").and_then(Value::as_str) {
        let (key, count) = slurm_gres(g)?;
        gres.push((key, count.div_ceil(min.max(1))));
    }
    // Whole seconds, null for UNLIMITED.
    let time = match job.get("time_limit").ok_or("no time_limit")? {
        Value::Null => "UNLIMITED".to_owned(),
        secs => clock_text(secs.as_u64().ok_or("time_limit is not seconds")?),
    };
    Ok(Resolved {
        partition,
        nodes,
        cpus,
        memory,
        gres: gres_text(gres),
        time,
        note: "-".into(),
    })
}

// ------------------------------------------------------------------------------------
// Normalised notation
// ------------------------------------------------------------------------------------

/// `8192M/CPU`, `16384M/node`, `4096M/GPU`, `whole node`.
fn memory_text(per: &str, mib: Option<u64>) -> String {
    match (per, mib) {
        ("whole_node", _) => "whole node".into(),
        ("cpu", Some(m)) => format!("{m}M/CPU"),
        ("node", Some(m)) => format!("{m}M/node"),
        ("gpu", Some(m)) => format!("{m}M/GPU"),
        (per, m) => format!("{m:?} per {per}"),
    }
}

/// `gpu:h100:2,gpu:1` sorted, counts of 0 left out; `-` for none.
fn gres_text(mut items: Vec<(String, u64)>) -> String {
    items.retain(|(_, n)| *n > 0);
    items.sort();
    if items.is_empty() {
        return "-".into();
    }
    items
        .iter()
        .map(|(k, n)| format!("{k}:{n}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// A limit as `scontrol` shows it (`MM:SS`, `HH:MM:SS`, `D-HH:MM:SS`, `UNLIMITED`), as
/// `D-HH:MM:SS` or `HH:MM:SS` (through seconds, so both notations meet).
fn time_text(v: &str) -> Result<String, String> {
    if v.eq_ignore_ascii_case("UNLIMITED") || v == "Partition_Limit" {
        return Ok(v.to_ascii_uppercase());
    }
    let bad = || format!("time limit `{v}`");
    let (days, rest) = match v.split_once('-') {
        Some((d, r)) => (d.parse::<u64>().map_err(|_| bad())?, r),
        None => (0, v),
    };
    let parts: Vec<u64> = rest
        .split(':')
        .map(|p| p.parse::<u64>().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    let secs = match parts.as_slice() {
        [h, m, s] => h * 3600 + m * 60 + s,
        [m, s] => m * 60 + s,
        _ => return Err(bad()),
    } + days * 86400;
    Ok(clock_text(secs))
}

/// `D-HH:MM:SS`, or `HH:MM:SS` under a day.
fn clock_text(secs: u64) -> String {
    let (days, hours, mins, sec) = (secs / 86400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    if days > 0 {
        format!("{days}-{hours:02}:{mins:02}:{sec:02}")
    } else {
        format!("{hours:02}:{mins:02}:{sec:02}")
    }
}

/// The fields that differ: the verdict alone when one side rejects, else each of the
/// six. A node count Slurm shows without a range is compared on its minimum.
fn compare(slurm: &Verdict, hpcsched: &Verdict) -> Vec<(Field, String, String)> {
    match (slurm, hpcsched) {
        (Verdict::Rejected(_), Verdict::Rejected(_)) => Vec::new(),
        (Verdict::Accepted(_), Verdict::Rejected(m)) => {
            vec![(Field::Verdict, "accepted".into(), format!("rejected ({m})"))]
        }
        (Verdict::Rejected(m), Verdict::Accepted(_)) => {
            vec![(Field::Verdict, format!("rejected ({m})"), "accepted".into())]
        }
        (Verdict::Accepted(s), Verdict::Accepted(h)) => Field::RESOLVED
            .into_iter()
            .filter(|&f| {
                let (a, b) = (s.get(f), h.get(f));
                match f {
                    Field::Nodes if !a.contains('-') => b.split('-').next() != Some(a),
                    Field::Partition => partition_set(a) != partition_set(b),
                    _ => a != b,
                }
            })
            .map(|f| (f, s.get(f).to_string(), h.get(f).to_string()))
            .collect(),
    }
}

// ------------------------------------------------------------------------------------
// observed.tsv
// ------------------------------------------------------------------------------------

/// One line per case, in corpus order.
fn render_tsv(cases: &[Case], observed: &BTreeMap<String, Verdict>) -> String {
    let clean = |s: &str| s.replace(['\t', '\n'], " ");
    let mut out = format!(
        "# Slurm 22.05's answers to the sbatch corpus (tests/fidelity/corpus.rs), normalised.\n\
         # Written by HPCSCHED_FIDELITY=record; do not edit.\n{TSV_HEADER}\n"
    );
    for case in cases {
        let Some(v) = observed.get(&case.name) else {
            continue;
        };
        match v {
            Verdict::Accepted(r) => {
                let _ = writeln!(
                    out,
                    "{}\taccepted\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    case.name,
                    r.partition,
                    r.nodes,
                    r.cpus,
                    r.memory,
                    r.gres,
                    r.time,
                    clean(&r.note)
                );
            }
            Verdict::Rejected(m) => {
                let _ = writeln!(
                    out,
                    "{}\trejected\t-\t-\t-\t-\t-\t-\t{}",
                    case.name,
                    clean(m)
                );
            }
        }
    }
    out
}

fn parse_tsv(text: &str) -> Result<BTreeMap<String, Verdict>, String> {
    let mut map = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [
            name,
            verdict,
            partition,
            nodes,
            cpus,
            memory,
            gres,
            time,
            message,
        ] = cols[..]
        else {
            return Err(format!("line {}: expected 9 columns", i + 1));
        };
        let v = match verdict {
            "accepted" => Verdict::Accepted(Resolved {
                partition: partition.into(),
                nodes: nodes.into(),
                cpus: cpus.into(),
                memory: memory.into(),
                gres: gres.into(),
                time: time.into(),
                note: message.into(),
            }),
            "rejected" => Verdict::Rejected(message.into()),
            other => return Err(format!("line {}: verdict `{other}`", i + 1)),
        };
        map.insert(name.to_string(), v);
    }
    Ok(map)
}

// ------------------------------------------------------------------------------------
// Report
// ------------------------------------------------------------------------------------

/// Text for a markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn report_md(results: &[CaseResult]) -> String {
    let total = results.len();
    let identical = results.iter().filter(|r| r.diffs.is_empty()).count();
    let accepted = results
        .iter()
        .filter(|r| matches!(r.slurm, Verdict::Accepted(_)))
        .count();
    let scripts = results
        .iter()
        .filter(|r| r.case.group == "Batch scripts")
        .count();
    let mut md = String::new();
    let _ = writeln!(md, "## sbatch corpus\n");
    let _ = writeln!(
        md,
        "{total} cases ({} option sets in `tests/fidelity/corpus/options.txt`, {scripts} batch \
         scripts in `tests/fidelity/corpus/scripts/`), each submitted as its user to \
         `sbatch --test-only` and for real with a start a year away (read back with \
         `scontrol show job`, then cancelled), and given to `hpcsched check` on the same \
         cluster. Slurm's verdict is the real submission's (`--test-only` also refuses some \
         jobs slurmctld accepts; noted where it happens). Compared: accept/reject (not the \
         wording of the message) and, for accepted cases, partition (as a set), nodes (the \
         minimum only when Slurm shows no range), CPUs (`NumCPUs = tasks × CPUs per task`), \
         memory, GRES per node (a per-job `--gpus` spread over the minimum node count, Slurm's and \
         hpcsched's alike) and \
         time limit. Slurm accepted {accepted} and rejected {}.\n",
        total - scripts,
        total - accepted
    );
    let _ = writeln!(
        md,
        "**{identical} of {total} cases agree with Slurm 22.05**; the other {} differ only as \
         documented under *Documented deviations*.\n",
        total - identical
    );
    let mut groups: Vec<&str> = Vec::new();
    for r in results {
        if !groups.contains(&r.case.group.as_str()) {
            groups.push(&r.case.group);
        }
    }
    for group in groups {
        let rows: Vec<&CaseResult> = results.iter().filter(|r| r.case.group == group).collect();
        let agree = rows.iter().filter(|r| r.diffs.is_empty()).count();
        let _ = writeln!(md, "### {group} ({agree} of {} agree)\n", rows.len());
        let _ = writeln!(md, "| case | user | options | Slurm 22.05 | hpcsched |");
        let _ = writeln!(md, "|---|---|---|---|---|");
        for r in rows {
            let options = match (&r.case.description, r.case.args.is_empty()) {
                (Some(d), true) => d.clone(),
                (Some(d), false) => format!("{d}; `{}`", options_text(&r.case)),
                (None, _) => format!("`{}`", options_text(&r.case)),
            };
            let slurm = match &r.slurm {
                Verdict::Accepted(res) if res.note != "-" => {
                    format!("{} ({})", res.summary(), res.note)
                }
                Verdict::Accepted(res) => res.summary(),
                Verdict::Rejected(m) => format!("rejected: {m}"),
            };
            let hpcsched = if !r.diffs.is_empty() {
                let fields: Vec<String> = r
                    .diffs
                    .iter()
                    .map(|(f, _, h)| format!("{} {h}", f.name()))
                    .collect();
                format!("deviation: {}", fields.join("; "))
            } else if let Verdict::Rejected(m) = &r.hpcsched {
                format!("rejected: {m}")
            } else {
                "same".to_string()
            };
            let _ = writeln!(
                md,
                "| `{}` | {} | {} | {} | {} |",
                r.case.name,
                r.case.user,
                cell(&options),
                cell(&slurm),
                cell(&hpcsched)
            );
        }
        md.push('\n');
    }
    let _ = writeln!(md, "### Documented deviations\n");
    let mut any = false;
    for r in results {
        for (field, reason) in &r.case.deviations {
            any = true;
            let _ = writeln!(md, "- `{}` ({}): {reason}", r.case.name, field.name());
        }
    }
    if !any {
        let _ = writeln!(md, "None.");
    }
    md
}

//! The accounting group: scenarios on the harness's accounting mode (slurmdbd and MariaDB,
//! `FIDELITY_ACCOUNTING=1`), in `accounting/*.jobs` with observations in
//! `accounting/observed/`. They set up QOS, accounts and users with `@sacctmgr` lines (and
//! partition settings with `@partition`), which the runner applies before the first job
//! and undoes after the scenario, so each starts from the harness's base tree: account
//! `fidelity` with the users alice, bob and carol, root in `root`, every association with
//! the QOS `normal`.
//!
//! hpcsched learns the same lines through [`apply_sacctmgr`]
//! (`Cluster::add_sacctmgr_text`). The group's differences are reported, not failed
//! ([`ACCOUNTING_STRICT`]), until every one is fixed or documented.

use crate::Mode;
use crate::cluster::FidelityCluster;
use crate::scenario::{self, Scenario, ScenarioOutcome};
use crate::slurm;
use hpcsched::Cluster;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Whether a difference in the accounting group fails the suite. `false` until hpcsched
/// enforces accounts and association limits: the group's figures are printed, its
/// differences listed as `DIFF`, and only a broken run (no observation) fails.
pub const ACCOUNTING_STRICT: bool = true;

/// The harness's base tree: the account of the scenario users (`harness/env.sh`).
const BASE_ACCOUNT: &str = "fidelity";
/// The scenario users of the base tree.
const BASE_USERS: [&str; 3] = ["alice", "bob", "carol"];

/// Runs the group. Live or record, Slurm must be in accounting mode; when it is not, the
/// group is taken from its recordings (said on stderr), so a live run of the other parts
/// on the plain harness still checks it against what was recorded.
pub fn run(mode: Mode, cluster: &FidelityCluster) -> ScenarioOutcome {
    let root = crate::root().join("accounting");
    let mut mode = mode;
    if mode.live() && (!slurm::accounting() || slurm::fairshare() || slurm::preempt()) {
        eprintln!(
            "fidelity: the harness's Slurm is not in accounting mode (FIDELITY_ACCOUNTING=1 \
             tests/fidelity/harness/setup.sh; the fair-share mode weighs priorities, the \
             preemption mode preempts): the accounting group is taken from its recordings"
        );
        mode = Mode::Recorded;
    }
    // One try each: differences are expected until hpcsched has the accounts module.
    scenario::run_group(
        mode,
        cluster,
        &root,
        &root.join("observed"),
        ACCOUNTING_STRICT,
    )
}

/// Runs the fair-share group (`fairshare/`): the accounting group's runner on the
/// harness's fair-share mode (`FIDELITY_ACCOUNTING=fairshare`: `fairshare/slurm.conf.add`
/// over the accounting mode), taken from its recordings when live Slurm is not in it.
pub fn run_fairshare(mode: Mode, cluster: &FidelityCluster) -> ScenarioOutcome {
    let root = crate::root().join("fairshare");
    let mut mode = mode;
    if mode.live() && !(slurm::accounting() && slurm::fairshare() && !slurm::preempt()) {
        eprintln!(
            "fidelity: the harness's Slurm is not in fair-share mode (FIDELITY_ACCOUNTING=fairshare \
             tests/fidelity/harness/setup.sh): the fair-share group is taken from its recordings"
        );
        mode = Mode::Recorded;
    }
    scenario::run_group(mode, cluster, &root, &root.join("observed"), true)
}

/// The slurm.conf text with `lines` (`KEY=VALUE`) in place of the lines of the same keys
/// (added at the end when new).
pub fn conf_with(conf: &str, lines: &[String]) -> String {
    // A `PartitionName=NAME ...` line replaces that partition's line only.
    let key = crate::cluster::key_of;
    let keys: Vec<String> = lines.iter().filter_map(|l| key(l)).collect();
    let mut out: String = conf
        .lines()
        .filter(|l| key(l).is_none_or(|k| !keys.contains(&k)))
        .flat_map(|l| [l, "\n"])
        .collect();
    out.push_str("# ---------------- the scenario's @conf lines ----------------\n");
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// Hands a scenario's `@sacctmgr` lines (one per line, sacctmgr's arguments) to hpcsched,
/// after the harness's base tree (setup.sh, "base association tree"; slurmdbd gives the
/// user root an association under the account root itself).
pub fn apply_sacctmgr(cluster: &mut Cluster, text: &str) {
    let script = format!(
        "add cluster fidelity\n\
         add account {BASE_ACCOUNT} Description=fidelity Organization=fidelity\n\
         add user {} Account={BASE_ACCOUNT} DefaultAccount={BASE_ACCOUNT}\n\
         add user root Account=root DefaultAccount=root\n\
         {text}\n",
        BASE_USERS.join(",")
    );
    if let Err(e) = cluster.add_sacctmgr_text(&script) {
        eprintln!("fidelity: hpcsched refused the scenario's sacctmgr lines: {e}");
    }
}

/// The cluster hpcsched replays a scenario on: the harness's, with the scenario's
/// `@partition` settings on the partitions' lines and its `@sacctmgr` lines applied.
pub fn scenario_cluster(s: &Scenario, fc: &FidelityCluster) -> Cluster {
    if s.sacctmgr.is_empty() && s.partition_set.is_empty() && s.conf.is_empty() {
        return fc.cluster.clone();
    }
    let mut cluster = if s.partition_set.is_empty() && s.conf.is_empty() {
        fc.cluster.clone()
    } else {
        let mut conf = String::with_capacity(fc.conf.len());
        for line in conf_with(&fc.conf, &s.conf).lines() {
            let mut line = line.to_owned();
            for (p, set) in &s.partition_set {
                if line.starts_with(&format!("PartitionName={p} ")) {
                    line = format!("{line} {set}");
                }
            }
            conf.push_str(&line);
            conf.push('\n');
        }
        Cluster::from_slurm_conf(&conf).unwrap_or_else(|e| {
            eprintln!(
                "fidelity: {}: hpcsched refused the @partition or @conf settings ({e}); replayed \
                 without",
                s.name_str()
            );
            fc.cluster.clone()
        })
    };
    // The base tree exists only in the accounting mode (the preemption mode alone has no
    // slurmdbd: its scenarios' @partition and @conf lines come here too).
    if fc.conf.contains("accounting_storage/slurmdbd") {
        apply_sacctmgr(&mut cluster, &s.sacctmgr.join("\n"));
    }
    cluster
}

/// Runs `sacctmgr -i ARGS`.
fn sacctmgr(args: &[String]) -> Result<String, String> {
    let mut all: Vec<&str> = vec!["-i"];
    all.extend(args.iter().map(String::as_str));
    slurm::run("sacctmgr", &all)
}

/// What the base tree looks like from slurmdbd (associations with their limits, QOS,
/// users' defaults): taken before the first scenario changes anything, compared after
/// each scenario's undo.
fn tree() -> Result<String, String> {
    let assoc = slurm::run(
        "sacctmgr",
        &[
            "-nP",
            "show",
            "assoc",
            "format=Account,User,Partition,Share,GrpJobs,GrpTRES,GrpSubmit,GrpWall,MaxJobs,\
             MaxTRES,MaxTRESPerNode,MaxSubmit,MaxWall,QOS,DefaultQOS",
        ],
    )?;
    let qos = slurm::run(
        "sacctmgr",
        &[
            "-nP",
            "show",
            "qos",
            "format=Name,Priority,Flags,UsageFactor,GrpTRES,GrpJobs,GrpSubmit,GrpWall,MaxTRES,\
             MaxTRESPerNode,MaxTRESPU,MaxTRESPA,MaxJobsPU,MaxJobsPA,MaxSubmitPU,MaxSubmitPA,\
             MaxWall,MinTRES,Preempt",
        ],
    )?;
    let users = slurm::run(
        "sacctmgr",
        &["-nP", "show", "user", "format=User,DefaultAccount,Admin"],
    )?;
    Ok(format!("{assoc}{qos}{users}"))
}

static BASE: OnceLock<Result<String, String>> = OnceLock::new();
static SYNC: AtomicU32 = AtomicU32::new(0);

/// Waits until slurmctld has every change sent to slurmdbd so far: slurmdbd passes its
/// updates to slurmctld in order, so once a QOS added now shows in slurmctld's
/// association manager, so do the changes before it. The marker QOS is then removed.
fn barrier() -> Result<(), String> {
    let name = format!(
        "fidsync{}x{}",
        std::process::id(),
        SYNC.fetch_add(1, Ordering::Relaxed)
    );
    sacctmgr(&["add".into(), "qos".into(), name.clone()])?;
    let deadline = Instant::now() + Duration::from_secs(20);
    let seen = loop {
        let shown = slurm::run(
            "scontrol",
            &["show", "assoc_mgr", "flags=qos", &format!("qos={name}")],
        )
        .unwrap_or_default();
        if shown.contains(&format!("QOS={name}(")) {
            break true;
        }
        if Instant::now() > deadline {
            break false;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    sacctmgr(&["delete".into(), "qos".into(), name.clone()])?;
    if seen {
        Ok(())
    } else {
        Err(format!(
            "slurmctld did not get QOS {name} from slurmdbd within 20 s"
        ))
    }
}

/// Applies a scenario's `@sacctmgr` and `@partition` lines on Slurm (the queue is empty).
pub fn apply(s: &Scenario) -> Result<(), String> {
    // Without slurmdbd (the preemption mode alone) there is no tree: only @conf and
    // @partition lines.
    let accounting = slurm::accounting();
    if !accounting && !s.sacctmgr.is_empty() {
        return Err("@sacctmgr lines need the accounting mode (FIDELITY_ACCOUNTING=1)".into());
    }
    if accounting {
        BASE.get_or_init(tree).clone()?;
    }
    if !s.conf.is_empty() {
        set_conf(&s.conf)?;
    }
    if !s.views.is_empty() || slurm::fairshare() {
        // Usage starts from zero in each scenario that shows it or weighs it: the root
        // account's reset resets every association under it (assoc_mgr_remove_assoc_usage);
        // a user's needs an account (`modify user U set RawUsage=0` is refused).
        sacctmgr(&s_words(&[
            "modify",
            "account",
            "root",
            "set",
            "RawUsage=0",
        ]))
        .map_err(|e| format!("resetting the usage: {e}"))?;
    }
    for line in &s.sacctmgr {
        sacctmgr(&scenario::split_words(line)).map_err(|e| format!("@sacctmgr {line}: {e}"))?;
    }
    for (p, set) in &s.partition_set {
        let mut args = vec!["update".to_owned(), format!("PartitionName={p}")];
        args.extend(scenario::split_words(set));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        slurm::run("scontrol", &args).map_err(|e| format!("@partition {p} {set}: {e}"))?;
    }
    if accounting { barrier() } else { Ok(()) }
}

fn s_words(w: &[&str]) -> Vec<String> {
    w.iter().map(|w| (*w).to_owned()).collect()
}

/// The harness's slurm.conf and its copy from before a scenario's `@conf` lines.
fn conf_paths() -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = std::path::PathBuf::from(slurm::state_dir());
    (
        dir.join("slurm.conf"),
        dir.join("slurm.conf.before-scenario"),
    )
}

/// Puts a scenario's `@conf` lines in the harness's slurm.conf (kept beside as it was)
/// and has slurmctld read it again: `scontrol reconfigure`, or a restart when a line
/// changes a preemption setting ([`needs_restart`]).
fn set_conf(lines: &[String]) -> Result<(), String> {
    let (conf, saved) = conf_paths();
    if !saved.exists() {
        std::fs::copy(&conf, &saved).map_err(|e| format!("{}: {e}", saved.display()))?;
    }
    let before = std::fs::read_to_string(&saved).map_err(|e| e.to_string())?;
    std::fs::write(&conf, conf_with(&before, lines)).map_err(|e| e.to_string())?;
    reconfigure(lines, needs_restart(lines))
}

/// Whether `@conf` lines change what `scontrol reconfigure` does not fully apply: the
/// preemption settings (`PreemptType`, `PreemptMode`, `PreemptExemptTime`, and
/// `SchedulerParameters` with a `preempt_*` word: `preempt_youngest_first` is read when
/// the preempt plugin starts, cons_tres's gang mode when the select plugin loads;
/// /work/notes/issue15-research.md §5), and `SelectType*`.
pub fn needs_restart(lines: &[String]) -> bool {
    lines.iter().any(|l| {
        let (k, v) = l.split_once('=').unwrap_or((l, ""));
        let k = k.trim().to_ascii_lowercase();
        k.starts_with("preempt")
            || k.starts_with("selecttype")
            || (k == "schedulerparameters" && v.contains("preempt_"))
    })
}

/// Restarts the harness's slurmctld on its slurm.conf (`harness/restart-ctld.sh`); says
/// how long it took on stderr.
fn restart_ctld() -> Result<(), String> {
    let script = crate::root().join("harness/restart-ctld.sh");
    let began = Instant::now();
    let out = std::process::Command::new(&script)
        .env("FIDELITY_STATE", slurm::state_dir())
        .output()
        .map_err(|e| format!("{}: {e}", script.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{}: {}: {}",
            script.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    eprintln!(
        "fidelity: {} ({:.1} s)",
        String::from_utf8_lossy(&out.stdout).trim(),
        began.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Whether two values of a key agree as `scontrol show config` prints them: the same
/// comma-separated words, in any order (`SUSPEND,GANG` is shown `GANG,SUSPEND`), case
/// aside.
fn same_value(a: &str, b: &str) -> bool {
    let words = |v: &str| {
        let mut w: Vec<String> = v
            .split(',')
            .map(|w| w.trim().to_ascii_lowercase())
            .collect();
        w.sort();
        w
    };
    words(a) == words(b)
}

/// `scontrol reconfigure` (or a restart of slurmctld), then waits until `scontrol show
/// config` gives `lines`' values and every node is back (idle).
fn reconfigure(lines: &[String], restart: bool) -> Result<(), String> {
    if restart {
        restart_ctld()?;
    } else {
        slurm::run("scontrol", &["reconfigure"])?;
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let config = slurm::run("scontrol", &["show", "config"]).unwrap_or_default();
        let shown = lines.iter().all(|l| {
            let (k, v) = l.split_once('=').unwrap_or((l, ""));
            config.lines().any(|c| {
                c.split_once('=').is_some_and(|(ck, cv)| {
                    ck.trim().eq_ignore_ascii_case(k.trim()) && same_value(cv.trim(), v)
                })
            })
        });
        let busy = slurm::run(
            "sinfo",
            &[
                "-h",
                "-N",
                "-t",
                "alloc,mix,comp,drain,down,unk",
                "-o",
                "%N",
            ],
        )
        .unwrap_or_else(|_| "?".into());
        if shown && busy.trim().is_empty() {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "slurmctld did not take {} within 30 s (busy nodes: {busy})",
                lines.join(" ")
            ));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Puts the harness's slurm.conf back as it was before a scenario's `@conf` lines (a
/// restart of slurmctld when they changed a preemption setting).
fn restore_conf(lines: &[String]) -> Result<(), String> {
    let (conf, saved) = conf_paths();
    if !saved.exists() {
        return Ok(());
    }
    std::fs::rename(&saved, &conf).map_err(|e| format!("{}: {e}", saved.display()))?;
    // Whatever the base says for the keys is what `show config` gives again: wait for the
    // nodes only.
    reconfigure(&[], needs_restart(lines))
}

/// The value a partition's setting returns to after a scenario's `@partition` line: the
/// one on the partition's line of the harness's slurm.conf (the preemption mode writes
/// out every key its scenarios change), else Slurm's default for the keys that have one,
/// else empty (`QOS=`: none).
fn partition_base_value(partition: &str, key: &str) -> String {
    let (conf, saved) = conf_paths();
    let text =
        std::fs::read_to_string(if saved.exists() { saved } else { conf }).unwrap_or_default();
    let on_line = text
        .lines()
        .find(|l| {
            crate::cluster::key_of(l).is_some_and(|k| k == format!("partitionname={partition}"))
        })
        .and_then(|l| {
            l.split_whitespace().find_map(|w| {
                let (k, v) = w.split_once('=')?;
                k.eq_ignore_ascii_case(key).then(|| v.to_owned())
            })
        });
    on_line.unwrap_or_else(|| {
        match key.to_ascii_lowercase().as_str() {
            "gracetime" => "0",
            "prioritytier" | "priorityjobfactor" => "1",
            "oversubscribe" | "exclusiveuser" => "NO",
            _ => "",
        }
        .to_owned()
    })
}

/// The base value a modified key returns to.
fn reset_value(entity: &str, key: &str, value: &str) -> String {
    let k = key.to_ascii_lowercase();
    if k.contains("tres") {
        // Each TRES of the list cleared: `cpu=8,gres/gpu=2` -> `cpu=-1,gres/gpu=-1`.
        return value
            .split(',')
            .map(|t| format!("{}=-1", t.split('=').next().unwrap_or(t)))
            .collect::<Vec<_>>()
            .join(",");
    }
    match k.as_str() {
        "defaultaccount" => {
            if entity == "root" {
                "root".into()
            } else {
                BASE_ACCOUNT.into()
            }
        }
        "qos" => "normal".into(),
        "fairshare" | "share" | "shares" => "1".into(),
        "priority" | "usagefactor" if entity != "user" => {
            if k == "usagefactor" {
                "1".into()
            } else {
                "0".into()
            }
        }
        _ => "-1".into(),
    }
}

/// The sacctmgr lines that undo one `@sacctmgr` line.
fn undo_line(line: &str) -> Vec<Vec<String>> {
    let words = scenario::split_words(line);
    let lower = |i: usize| words.get(i).map(|w| w.to_ascii_lowercase());
    let (Some(verb), Some(entity)) = (lower(0), lower(1)) else {
        return Vec::new();
    };
    let kv = |w: &str| {
        w.split_once('=')
            .map(|(k, v)| (k.trim_end_matches(['+', '-']).to_owned(), v.to_owned()))
    };
    let names: Vec<String> = words[2..]
        .iter()
        .filter_map(|w| match kv(w) {
            None if !matches!(w.to_ascii_lowercase().as_str(), "where" | "set") => Some(w.clone()),
            Some((k, v)) if k.eq_ignore_ascii_case("name") => Some(v),
            _ => None,
        })
        .flat_map(|n| n.split(',').map(str::to_owned).collect::<Vec<_>>())
        .collect();
    let value = |key: &str| {
        words[2..]
            .iter()
            .filter_map(|w| kv(w))
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    };
    let s = |v: &[&str]| v.iter().map(|w| (*w).to_owned()).collect::<Vec<String>>();
    let mut out = Vec::new();
    match (verb.as_str(), entity.as_str()) {
        ("add" | "create", "qos") => {
            for n in &names {
                out.push(s(&["delete", "qos", n]));
            }
        }
        ("add" | "create", "account") => {
            for n in &names {
                out.push(s(&["delete", "account", n]));
            }
        }
        ("add" | "create", "user") => {
            let accounts = value("account")
                .or_else(|| value("accounts"))
                .or_else(|| value("defaultaccount"))
                .unwrap_or_default();
            let partition = value("partition");
            for n in &names {
                let base = n == "root" || BASE_USERS.contains(&n.as_str());
                if base && value("defaultaccount").is_some() {
                    let def = if n == "root" { "root" } else { BASE_ACCOUNT };
                    out.push(s(&[
                        "modify",
                        "user",
                        n,
                        "set",
                        &format!("DefaultAccount={def}"),
                    ]));
                }
                for a in accounts.split(',').filter(|a| !a.is_empty()) {
                    let mut del = s(&["delete", "user", "where", &format!("name={n}")]);
                    del.push(format!("account={a}"));
                    if let Some(p) = &partition {
                        del.push(format!("partition={p}"));
                    }
                    out.push(del);
                }
            }
        }
        ("modify" | "update", _) => {
            let at = words
                .iter()
                .position(|w| w.eq_ignore_ascii_case("set"))
                .unwrap_or(words.len());
            let mut undo: Vec<String> = words[..at].to_vec();
            undo.push("set".into());
            let target = names.first().cloned().unwrap_or_default();
            for w in &words[(at + 1).min(words.len())..] {
                if let Some((k, v)) = w.split_once("+=") {
                    undo.push(format!("{k}-={v}"));
                } else if let Some((k, v)) = w.split_once("-=") {
                    undo.push(format!("{k}+={v}"));
                } else if let Some((k, v)) = w.split_once('=') {
                    let who = if entity == "user" && target == "root" {
                        "root"
                    } else {
                        entity.as_str()
                    };
                    undo.push(format!("{k}={}", reset_value(who, k, v)));
                }
            }
            out.push(undo);
        }
        _ => {}
    }
    out
}

/// Undoes a scenario's `@sacctmgr` and `@partition` lines (the queue is empty) and checks
/// that the tree is the base one again.
pub fn undo(s: &Scenario) -> Result<(), String> {
    // Partitions first: a partition QOS is deleted below.
    for (p, set) in s.partition_set.iter().rev() {
        for word in scenario::split_words(set) {
            let key = word.split('=').next().unwrap_or(&word);
            let value = partition_base_value(p, key);
            slurm::run(
                "scontrol",
                &[
                    "update",
                    &format!("PartitionName={p}"),
                    &format!("{key}={value}"),
                ],
            )
            .map_err(|e| format!("resetting {p} {key}: {e}"))?;
        }
    }
    for line in s.sacctmgr.iter().rev() {
        for cmd in undo_line(line) {
            // A later undo may already have removed what this one names (an account
            // deleted with its users): only the final check below counts.
            if let Err(e) = sacctmgr(&cmd)
                && std::env::var("FIDELITY_TRACE").is_ok()
            {
                eprintln!("fidelity: undo `{}`: {e}", cmd.join(" "));
            }
        }
    }
    let accounting = slurm::accounting();
    if accounting {
        barrier()?;
    }
    if !s.conf.is_empty() {
        restore_conf(&s.conf)?;
    }
    if !accounting {
        return Ok(());
    }
    let base = BASE.get_or_init(tree).clone()?;
    let now = tree()?;
    if now != base {
        let diff: Vec<String> = now
            .lines()
            .filter(|l| !base.lines().any(|b| b == *l))
            .map(|l| format!("+{l}"))
            .chain(
                base.lines()
                    .filter(|b| !now.lines().any(|l| l == *b))
                    .map(|l| format!("-{l}")),
            )
            .collect();
        return Err(format!(
            "the association tree is not the base one after the undo: {}",
            diff.join(" ; ")
        ));
    }
    Ok(())
}

/// The shared-cluster policy's section of docs/fidelity.md: the accounting group and the
/// fair-share group.
pub fn report_md(accounting: &ScenarioOutcome, fairshare: &ScenarioOutcome) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{POLICY_HEADING}\n\
         Scenarios on the harness's accounting mode (slurmdbd and MariaDB; each sets up its \
         QOS, accounts and users with `sacctmgr` lines: `tests/fidelity/accounting/`) and \
         fair-share mode (`tests/fidelity/fairshare/`, where each waiting job's priority and \
         fair-share factor and each user's `sshare` usage are compared too).\n\n\
         **Accounting: {} of {} job decisions identical; fair-share: {} of {}.**\n",
        accounting.identical, accounting.compared, fairshare.identical, fairshare.compared
    );
    let _ = writeln!(
        out,
        "| group | scenario | checks | jobs | identical |\n|---|---|---|---|---|"
    );
    for (group, o) in [("accounting", accounting), ("fair-share", fairshare)] {
        for r in &o.rows {
            let _ = writeln!(
                out,
                "| {group} | `{}` | {} | {} | {} |",
                r.name, r.description, r.jobs, r.identical
            );
        }
    }
    let deviations: Vec<(&str, &String)> = accounting
        .rows
        .iter()
        .chain(&fairshare.rows)
        .flat_map(|r| r.deviations.iter().map(move |d| (r.name.as_str(), d)))
        .collect();
    if !deviations.is_empty() {
        let _ = writeln!(out, "\n### Documented deviations\n");
        for (name, d) in deviations {
            let _ = writeln!(out, "- `{name}`: {d}");
        }
    }
    out.push('\n');
    out
}

/// The heading that starts the shared-cluster policy's section of docs/fidelity.md.
pub const POLICY_HEADING: &str = "## Shared-cluster policy\n";

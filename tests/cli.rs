//! End-to-end tests of the `hpcsched` binary on the bundled examples.

mod common;

use common::{INSERM, Scratch, example_scripts, hpcsched, root, stderr, stdout};
use std::process::{Command, Output};

/// The aligned block printed for one script.
fn block<'a>(out: &'a str, script: &str) -> &'a str {
    let start = out
        .find(&format!("{script}: "))
        .unwrap_or_else(|| panic!("no block for {script} in:\n{out}"));
    let rest = &out[start..];
    let end = rest[1..].find("\nexamples/").map_or(rest.len(), |i| i + 1);
    &rest[..end]
}

#[test]
fn help_and_version() {
    let o = hpcsched(&["--help"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("Usage: hpcsched check --cluster FILE"));
    let o = hpcsched(&["--version"]);
    assert!(o.status.success());
    assert_eq!(
        stdout(&o).trim(),
        format!("hpcsched {}", env!("CARGO_PKG_VERSION"))
    );
}

/// `-h`/`--help` and `-V`/`--version` after any command, and `hpcsched help COMMAND`.
#[test]
fn help_and_version_everywhere() {
    let version = format!("hpcsched {}\n", env!("CARGO_PKG_VERSION"));
    for args in [
        &["-V"][..],
        &["check", "-V"][..],
        &["check", "--version"][..],
        &["simulate", "-V"][..],
        &["simulate", "--version"][..],
    ] {
        let o = hpcsched(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert_eq!(stdout(&o), version, "{args:?}");
    }
    // `help simulate` is `simulate --help`; `-h` is a summary of it.
    let long = hpcsched(&["simulate", "--help"]);
    let help = hpcsched(&["help", "simulate"]);
    assert_eq!(help.status.code(), Some(0));
    assert_eq!(stdout(&help), stdout(&long));
    let short = hpcsched(&["simulate", "-h"]);
    assert_eq!(short.status.code(), Some(0));
    let short = stdout(&short);
    assert!(short.starts_with("Usage: hpcsched simulate"), "{short}");
    assert!(short.len() < stdout(&long).len(), "{short}");
    // The long help keeps what the hand-written one explained.
    let long = stdout(&long);
    for text in [
        "SUBMIT_TIME RUNTIME[:EXIT] USER",
        "MaxNodes nodes of MaxProcs/MaxNodes CPUs",
        "a Slurm duration such as 2:00:00",
        "ends there as TIMEOUT",
        "conservative: Conservative backfill: every blocked job reserves",
        ".jsonl",
        "`-` reads standard input",
        "Exit status: 0 success, 2 usage or input error.",
    ] {
        assert!(long.contains(text), "`{text}` is not in:\n{long}");
    }
    let o = hpcsched(&["help", "check"]);
    assert_eq!(o.status.code(), Some(0));
    for text in [
        "--command <LINE>",
        "--spank <NAME[:OPT,...]>",
        "Exit status: 0 all accepted",
    ] {
        assert!(
            stdout(&o).contains(text),
            "`{text}` is not in:\n{}",
            stdout(&o)
        );
    }
    let o = hpcsched(&["help"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), stdout(&hpcsched(&["--help"])));
}

/// A mistyped option is a short usage error that suggests the right one, not the whole
/// help.
#[test]
fn a_mistyped_option_suggests_the_right_one() {
    for (args, tip) in [
        (
            &["simulate", "--worklaod", "x.swf"][..],
            "tip: a similar argument exists: '--workload'",
        ),
        (
            &["check", "--clustr", "c.conf", "x.sh"][..],
            "tip: a similar argument exists: '--cluster'",
        ),
        (
            &["simulat"][..],
            "tip: a similar subcommand exists: 'simulate'",
        ),
    ] {
        let o = hpcsched(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(err.starts_with("hpcsched: "), "{args:?}: {err}");
        assert!(err.contains(tip), "{args:?}: {err}");
        assert!(err.lines().count() <= 10, "{args:?}: not short:\n{err}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    // No command at all: a short error too.
    let o = hpcsched(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).lines().count() <= 10, "{}", stderr(&o));
}

#[test]
fn shell_completions_and_man_pages_come_from_the_parser() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = hpcsched(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let out = stdout(&o);
        for word in ["hpcsched", "check", "simulate", "workload", "cluster"] {
            assert!(out.contains(word), "{shell}: no `{word}` in:\n{out}");
        }
        // The values of --policy, where the shell completes values.
        if ["bash", "zsh", "fish"].contains(&shell) {
            assert!(out.contains("conservative"), "{shell}:\n{out}");
        }
    }
    let o = hpcsched(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));

    let o = hpcsched(&["man"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = stdout(&o);
    assert!(page.starts_with(".ie"), "{page}");
    assert!(page.contains(".TH hpcsched 1"), "{page}");
    assert!(page.contains("hpcsched\\-check(1)"), "{page}");
    assert!(page.contains("hpcsched\\-simulate(1)"), "{page}");
    let o = hpcsched(&["man", "simulate"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = stdout(&o);
    assert!(page.contains(".TH hpcsched-simulate 1"), "{page}");
    assert!(page.contains("\\-\\-workload"), "{page}");
    let dir = Scratch::new("cli", "man");
    let out = dir.path("man1");
    let o = hpcsched(&["man", "--out-dir", &out]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for page in ["hpcsched.1", "hpcsched-check.1", "hpcsched-simulate.1"] {
        let text = std::fs::read_to_string(dir.0.join("man1").join(page)).unwrap();
        assert!(text.contains(".SH SYNOPSIS"), "{page}");
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["frobnicate"][..],
        &["check", "examples/scripts/cpu-serial.sh"][..],
        &["check", "--cluster", INSERM][..],
        &["check", "--cluster", INSERM, "--format", "xml", "x.sh"][..],
        &["check", "--cluster", INSERM, "--bogus", "x.sh"][..],
    ] {
        let o = hpcsched(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&o).starts_with("hpcsched: "),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn input_errors_exit_2_with_file_and_line() {
    let o = hpcsched(&[
        "check",
        "--cluster",
        "no/such.conf",
        "examples/scripts/cpu-serial.sh",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such.conf: cannot read"));

    let dir = std::env::temp_dir().join(format!("hpcsched-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conf = dir.join("bad.conf");
    std::fs::write(
        &conf,
        "NodeName=n1 CPUs=4\nPartitionName=p Nodes=n1 MaxTime=soon\n",
    )
    .unwrap();
    let o = hpcsched(&[
        "check",
        "--cluster",
        conf.to_str().unwrap(),
        "examples/scripts/cpu-serial.sh",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!("{}: line 2: ", conf.display())),
        "{}",
        stderr(&o)
    );

    let script = dir.join("bad.sh");
    std::fs::write(
        &script,
        "#!/bin/bash\n#SBATCH -N 1\n#SBATCH --no-such-option\nhostname\n",
    )
    .unwrap();
    let o = hpcsched(&["check", "--cluster", INSERM, script.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!("{}: line 3: ", script.display())),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn accepted_scripts_exit_0() {
    let o = hpcsched(&[
        "check",
        "--cluster",
        INSERM,
        "examples/scripts/cpu-serial.sh",
        "examples/scripts/mpi-multinode.sh",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let mpi = block(&out, "examples/scripts/mpi-multinode.sh");
    assert!(mpi.starts_with("examples/scripts/mpi-multinode.sh: ACCEPTED"));
    for line in [
        "  partition       CPU-16",
        "  nodes           4",
        "  tasks           64",
        "  cpus            64",
        "  memory          8G per CPU",
        "  time limit      12:00:00",
        "  whole nodes     yes",
        "  user exclusive  yes",
        "  pending reason  -",
    ] {
        assert!(
            mpi.contains(&format!("{line}\n")),
            "missing `{line}` in:\n{mpi}"
        );
    }
    let serial = block(&out, "examples/scripts/cpu-serial.sh");
    assert!(
        serial.contains("  time limit      01:00:00\n")
            || serial.contains("  time limit      1:00:00\n"),
        "{serial}"
    );
}

#[test]
fn all_examples_text() {
    let mut args = vec!["check", "--cluster", INSERM];
    let scripts = example_scripts();
    args.extend(scripts.iter().map(String::as_str));
    let o = hpcsched(&args);
    assert_eq!(
        o.status.code(),
        Some(1),
        "some examples are rejected on purpose"
    );
    let out = stdout(&o);
    for s in &scripts {
        let b = block(&out, s);
        let expect = if s.contains("/reject-") {
            "REJECTED"
        } else {
            "ACCEPTED"
        };
        assert!(b.starts_with(&format!("{s}: {expect}")), "{b}");
    }
    assert!(
        block(&out, "examples/scripts/reject-time-over-30h.sh")
            .contains("  Requested time limit is invalid (missing or exceeds some limit)\n")
    );
    assert!(
        block(&out, "examples/scripts/reject-three-a40.sh")
            .contains("  Requested node configuration is not available")
    );
    assert!(
        block(&out, "examples/scripts/reject-unknown-partition.sh")
            .contains("  invalid partition specified: V100-32\n")
    );
    let h100 = block(&out, "examples/scripts/h100-training.sh");
    assert!(h100.contains("  gres per node   gpu:h100:2\n"), "{h100}");
    assert!(h100.contains("  memory          200G per node\n"), "{h100}");
    let array = block(&out, "examples/scripts/a100-array.sh");
    assert!(array.contains("  array           0-99%10\n"), "{array}");
    let post = block(&out, "examples/scripts/postprocess-after.sh");
    assert!(post.contains("  dependency      afterok:1234\n"), "{post}");
    assert!(
        stderr(&o).is_empty(),
        "warnings only with --verbose: {}",
        stderr(&o)
    );
}

#[test]
fn all_examples_json() {
    let mut args = vec!["check", "--cluster", INSERM, "--format", "json"];
    let scripts = example_scripts();
    args.extend(scripts.iter().map(String::as_str));
    let o = hpcsched(&args);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["cluster_file"], INSERM);
    let list = v["results"].as_array().unwrap();
    assert_eq!(list.len(), scripts.len());
    for (entry, script) in list.iter().zip(&scripts) {
        assert_eq!(entry["script"], script.as_str());
        let status = if script.contains("/reject-") {
            "rejected"
        } else {
            "accepted"
        };
        assert_eq!(entry["status"], status, "{entry}");
    }
    let mpi = list
        .iter()
        .find(|e| e["script"] == "examples/scripts/mpi-multinode.sh")
        .unwrap();
    let job = &mpi["job"];
    assert_eq!(job["partition"], "CPU-16");
    assert_eq!(job["nodes"]["min"], 4);
    assert_eq!(job["nodes"]["max"], 4);
    assert_eq!(job["tasks"], 64);
    assert_eq!(job["memory"]["per"], "cpu");
    assert_eq!(job["memory"]["mib"], 8192);
    assert_eq!(job["whole_nodes"], true);
    assert_eq!(job["pending_reason"], serde_json::Value::Null);
    // Durations are seconds, as in `simulate`'s JSON: 12:00:00.
    assert_eq!(job["time_limit"], 43_200);
    let h100 = list
        .iter()
        .find(|e| e["script"] == "examples/scripts/h100-training.sh")
        .unwrap();
    assert_eq!(h100["job"]["time_limit"], 86_400);
    // The partition's DefaultTime, 1 hour.
    let serial = list
        .iter()
        .find(|e| e["script"] == "examples/scripts/cpu-serial.sh")
        .unwrap();
    assert_eq!(serial["job"]["time_limit"], 3_600);
    let bad = list
        .iter()
        .find(|e| e["script"] == "examples/scripts/reject-unknown-partition.sh")
        .unwrap();
    assert_eq!(bad["reasons"][0], "invalid partition specified: V100-32");
}

#[test]
fn verbose_prints_ignored_keys_on_stderr() {
    let o = hpcsched(&[
        "check",
        "--verbose",
        "--cluster",
        INSERM,
        "examples/scripts/cpu-serial.sh",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("ClusterName"), "{}", stderr(&o));
}

#[test]
fn shared_cluster_with_qos_file() {
    let o = hpcsched(&[
        "check",
        "--cluster",
        "examples/clusters/shared-gpu.conf",
        "--qos",
        "examples/clusters/shared-gpu.qos",
        "examples/scripts/cpu-serial.sh",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("  partition       cpu\n"), "{out}");
    assert!(out.contains("  qos             normal\n"), "{out}");
    assert!(out.contains("  memory          4G per CPU\n"), "{out}");
}

// ---------------------------------------------------------------------------------------
// hpcsched simulate

/// Four 4-CPU nodes, whole nodes per job.
const FOUR_NODES: &str = "NodeName=n[1-4] CPUs=4\n\
    PartitionName=p Nodes=n[1-4] Default=YES OverSubscribe=EXCLUSIVE MaxTime=UNLIMITED\n";

/// The backfill scenario of SLURM_NOTES: A takes 3 nodes, B needs all 4 and waits for A,
/// C backfills on the 4th node, D (2 h) cannot backfill before B's reservation.
const BACKFILL_JOBS: &str = "# submit run user options\n\
    0 3600 alice -N3 -t 60 -J A\n\
    0 3600 alice -N4 -t 60 -J B\n\
    0 1800 bob -N1 -t 30 -J C\n\
    0 7200 bob -N1 -t 120 -J D\n";

fn json_out(o: &Output) -> serde_json::Value {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: not JSON:\n{}", stdout(o)))
}

#[test]
fn simulate_job_list_exact_summary_in_json() {
    let s = Scratch::new("cli", "summary");
    let conf = s.file("four.conf", FOUR_NODES);
    let jobs = s.file("backfill.jobs", BACKFILL_JOBS);
    let v = json_out(&hpcsched(&[
        "simulate",
        "--cluster",
        &conf,
        "--jobs",
        &jobs,
        "--policy",
        "easy",
        "--format",
        "json",
    ]));
    // Starts A 0, B 3600, C 0, D 7200 (after B); waits 0, 3600, 0, 7200.
    let all = &v["metrics"]["overall"];
    assert_eq!(all["jobs"], 4);
    assert_eq!(all["completed"], 4);
    assert_eq!(all["mean_wait"], 2700.0);
    assert_eq!(all["median_wait"], 1800.0);
    assert_eq!(all["p95_wait"], 7200);
    assert_eq!(all["max_wait"], 7200);
    // max(1, (wait + run) / run): 1, 2, 1, 2.
    assert_eq!(all["mean_bounded_slowdown"], 1.5);
    assert_eq!(all["makespan"], 14400);
    // Whole nodes: A 12 CPUs × 3600 s, B 16 × 3600, C 4 × 1800, D 4 × 7200 over 16 × 14400.
    assert_eq!(all["cpu_seconds"], 136_800);
    assert_eq!(all["utilization"], 0.59375);
    assert_eq!(all["throughput"], 1.0);
    assert_eq!(v["metrics"]["per_user"]["bob"]["mean_wait"], 3600.0);
    assert_eq!(v["format"], "job_list");
    assert_eq!(v["submitted"], 4);
    assert_eq!(v["refused"], serde_json::json!([]));
    assert_eq!(v["cluster"]["nodes"], 4);
    assert_eq!(v["cluster"]["cpus"], 16);
    assert_eq!(v["cluster"]["partitions"], serde_json::json!(["p"]));
    assert_eq!(v["policy"], "easy");
    assert_eq!(v["overrun"], "kill");
    assert_eq!(v["end"], 14400);
    assert_eq!(v["stopped"], false);
    assert!(v["wall_seconds"].as_f64().is_some());
    assert!(v.get("queue").is_none());

    // FIFO: C and D wait behind B (no backfill): waits 0, 3600, 7200, 7200.
    let v = json_out(&hpcsched(&[
        "simulate",
        "--cluster",
        &conf,
        "--jobs",
        &jobs,
        "--policy",
        "fifo",
        "--format",
        "json",
    ]));
    assert_eq!(v["metrics"]["overall"]["mean_wait"], 4500.0);
    assert_eq!(v["policy"], "fifo");
}

/// A job list reads the same plain, gzipped, through `--workload` (told apart by content)
/// and from standard input (`-`).
#[test]
fn simulate_reads_gzip_and_standard_input() {
    use std::io::Write as _;
    let s = Scratch::new("cli", "gzip");
    let conf = s.file("four.conf", FOUR_NODES);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(BACKFILL_JOBS.as_bytes()).unwrap();
    let gz_path = s.path("backfill.jobs.gz");
    std::fs::write(&gz_path, gz.finish().unwrap()).unwrap();
    let plain = s.file("backfill.jobs", BACKFILL_JOBS);
    let metrics = |args: &[&str]| {
        let mut full = vec!["simulate", "--cluster", &conf, "--format", "json"];
        full.extend(args);
        let v = json_out(&hpcsched(&full));
        assert_eq!(v["format"], "job_list", "{args:?}");
        assert_eq!(v["submitted"], 4, "{args:?}");
        v["metrics"].clone()
    };
    let expected = metrics(&["--jobs", &plain]);
    assert_eq!(expected["overall"]["mean_wait"], 2700.0);
    assert_eq!(metrics(&["--jobs", &gz_path]), expected);
    assert_eq!(metrics(&["--workload", &gz_path]), expected);
    let mut child = Command::new(env!("CARGO_BIN_EXE_hpcsched"))
        .args([
            "simulate",
            "--cluster",
            &conf,
            "--workload",
            "-",
            "--format",
            "json",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(&gz_path).unwrap())
        .unwrap();
    let v = json_out(&child.wait_with_output().unwrap());
    assert_eq!(v["workload"], "<stdin>");
    assert_eq!(v["metrics"], expected);
}

#[test]
fn simulate_text_report() {
    let s = Scratch::new("cli", "text");
    let conf = s.file("four.conf", FOUR_NODES);
    let jobs = s.file("backfill.jobs", BACKFILL_JOBS);
    let o = hpcsched(&[
        "simulate",
        "--cluster",
        &conf,
        "--jobs",
        &jobs,
        "--policy",
        "easy",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let expected_head = format!(
        "Replay of {jobs}\n\
         \x20 workload    job list\n\
         \x20 jobs        4 submitted, 0 refused\n\
         \x20 cluster     {conf}: 4 nodes, 16 CPUs, partitions p*\n\
         \x20 policy      easy: EASY backfill (the first blocked job of each partition reserves)\n\
         \x20 overrun     kill: a job still running at its time limit ends as TIMEOUT\n\
         \n\
         Metrics\n\
         Jobs              4 (4 started, 0 never started, 4 ran to an end)\n"
    );
    assert!(out.starts_with(&expected_head), "{out}");
    for line in [
        "Mean wait         45m00s (2700.0 s)\n",
        "Utilization       59.4 % (136800 CPU-seconds over 16 CPUs x makespan)\n",
        "Replay figures\n  scheduling passes  5\n  last event         14400 (04:00:00)\n  wall time          ",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn simulate_records_csv_and_json_lines() {
    let s = Scratch::new("cli", "records");
    let conf = s.file("four.conf", FOUR_NODES);
    let jobs = s.file("backfill.jobs", BACKFILL_JOBS);
    let csv = s.path("out.csv");
    let o = hpcsched(&[
        "simulate",
        "--cluster",
        &conf,
        "--jobs",
        &jobs,
        "--policy",
        "easy",
        "--records",
        &csv,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // One line per job, in the order the jobs left the system.
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        "job,display_id,name,user,account,partition,state,exit_code,submit,eligible,start,end,wait,elapsed,time_limit,nodes,alloc_cpus,alloc_tres,restarts\n\
         3,3,C,bob,,p,COMPLETED,0,0,0,0,1800,0,1800,1800,n4,4,\"cpu=4,mem=1M,node=1\",0\n\
         1,1,A,alice,,p,COMPLETED,0,0,0,0,3600,0,3600,3600,n[1-3],12,\"cpu=12,mem=3M,node=3\",0\n\
         2,2,B,alice,,p,COMPLETED,0,0,0,3600,7200,3600,3600,3600,n[1-4],16,\"cpu=16,mem=4M,node=4\",0\n\
         4,4,D,bob,,p,COMPLETED,0,0,0,7200,14400,7200,7200,7200,n1,4,\"cpu=4,mem=1M,node=1\",0\n"
    );
    let jsonl = s.path("out.jsonl");
    let o = hpcsched(&[
        "simulate",
        "--cluster",
        &conf,
        "--jobs",
        &jobs,
        "--policy",
        "easy",
        "--records",
        &jsonl,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&jsonl).unwrap();
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["C", "A", "B", "D"]);
    assert_eq!(rows[2]["start"], 3600);
    assert_eq!(rows[2]["nodes"], "n[1-4]");
}

#[test]
fn simulate_at_prints_the_queue() {
    let s = Scratch::new("cli", "at");
    let conf = s.file("four.conf", FOUR_NODES);
    let jobs = s.file("backfill.jobs", BACKFILL_JOBS);
    let queue = |at: &str| {
        let o = hpcsched(&[
            "simulate",
            "--cluster",
            &conf,
            "--jobs",
            &jobs,
            "--policy",
            "easy",
            "--at",
            at,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        let start = out.find("Queue at ").unwrap_or_else(|| panic!("{out}"));
        let end = out[start..]
            .find("\n\n")
            .map_or(out.len(), |i| start + i + 1);
        (out[..start].to_owned(), out[start..end].to_owned())
    };
    let (head, q) = queue("0");
    assert!(
        head.starts_with(&format!(
            "Replay of {jobs}, stopped at 0 (00:00:00)\n  workload    job list\n  jobs        4 submitted by then, 0 refused\n"
        )),
        "{head}"
    );
    assert_eq!(
        q,
        "Queue at 0 (00:00:00): 2 running, 2 pending\n\
         JOBID PARTITION NAME  USER ST      START_TIME NODES SCHEDNODES           NODELIST(REASON)\n\
         \x20   1         p    A alice  R    0 (00:00:00)     3 (null)               n[1-3]\n\
         \x20   3         p    C   bob  R    0 (00:00:00)     1 (null)               n4\n\
         \x20   2         p    B alice PD 3600 (01:00:00)     4 n[1-4]               (Resources)\n\
         \x20   4         p    D   bob PD             N/A     1 (null)               (Priority)\n"
    );
    // Slurm's duration form: B runs from 1:00:00, D is planned after it on n1.
    let (_, q) = queue("1:00:00");
    assert_eq!(
        q,
        "Queue at 3600 (01:00:00): 1 running, 1 pending\n\
         JOBID PARTITION NAME  USER ST      START_TIME NODES SCHEDNODES           NODELIST(REASON)\n\
         \x20   2         p    B alice  R 3600 (01:00:00)     4 (null)               n[1-4]\n\
         \x20   4         p    D   bob PD 7200 (02:00:00)     1 n1                   (Resources)\n"
    );
    // After the last job: nothing left.
    let (_, q) = queue("0-05:00:00");
    assert_eq!(
        q,
        "Queue at 18000 (05:00:00): 0 running, 0 pending\n\
         (the workload was done at 14400 (04:00:00), before 18000: no job is left in the system)\n\
         JOBID PARTITION NAME USER ST START_TIME NODES SCHEDNODES           NODELIST(REASON)\n"
    );

    let v = json_out(&hpcsched(&[
        "simulate",
        "--cluster",
        &conf,
        "--jobs",
        &jobs,
        "--policy",
        "easy",
        "--at",
        "1800",
        "--format",
        "json",
    ]));
    // The metrics count the jobs still in the system as sacct shows them then.
    assert_eq!(v["metrics"]["overall"]["jobs"], 4);
    assert_eq!(v["stopped"], true);
    let q = &v["queue"];
    assert_eq!(q["at"], 1800);
    let rows = q["jobs"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "C ended at 1800: {rows:?}");
    assert_eq!(
        rows[0],
        serde_json::json!({"job": 1, "job_id": "1", "partition": "p", "name": "A", "user": "alice",
            "state": "RUNNING", "start_time": 0, "nodes": 3,
            "nodelist": "n[1-3]", "sched_nodes": null, "reason": null})
    );
    assert_eq!(
        rows[1],
        serde_json::json!({"job": 2, "job_id": "2", "partition": "p", "name": "B", "user": "alice",
            "state": "PENDING", "start_time": 3600, "nodes": 4,
            "nodelist": null, "sched_nodes": "n[1-4]", "reason": "Resources"})
    );
    assert_eq!(rows[2]["start_time"], serde_json::Value::Null);
    assert_eq!(rows[2]["reason"], "Priority");
}

/// Two whole nodes, jobs of at most an hour (a longer one pends with PartitionTimeLimit).
const TWO_NODES_ONE_HOUR: &str = "NodeName=n[1-2] CPUs=4\n\
    PartitionName=p Nodes=n[1-2] Default=YES OverSubscribe=EXCLUSIVE MaxTime=60\n";

/// A fails at 120; `held` is held, `dep` needs A to succeed, `long` is over MaxTime. B
/// waits for A and runs 120 to 420.
const STUCK_JOBS: &str = "0 120:1 u -N1 -t 10 -J A\n\
    0 50 u -N1 -t 10 -J held -H\n\
    0 50 u -N1 -t 10 -J dep -d afterok:A\n\
    0 50 u -N1 -t 120 -J long\n\
    10 300 u -N2 -t 10 -J B\n";

#[test]
fn simulate_ends_and_reports_the_jobs_left_pending() {
    let s = Scratch::new("cli", "stuck");
    let conf = s.file("two.conf", TWO_NODES_ONE_HOUR);
    let jobs = s.file("stuck.jobs", STUCK_JOBS);
    // The default policy, `slurm`, whose backfill cycle used to run for ever here.
    let o = hpcsched(&["simulate", "--cluster", &conf, "--jobs", &jobs]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let expected = "\n\
        Left pending: 3 jobs that nothing left to happen could start\n\
        \x20 JOBID  INDEX  REASON\n\
        \x20     2      2  JobHeldUser\n\
        \x20     3      3  DependencyNeverSatisfied\n\
        \x20     4      4  PartitionTimeLimit\n\
        \n\
        Replay figures\n\
        \x20 scheduling passes  4\n\
        \x20 last event         420 (00:07:00)\n";
    assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    assert!(
        out.contains("Jobs              5 (2 started, 3 never started, 2 ran to an end)\n"),
        "{out}"
    );

    let v = json_out(&hpcsched(&[
        "simulate",
        "--cluster",
        &conf,
        "--jobs",
        &jobs,
        "--format",
        "json",
    ]));
    assert_eq!(
        v["left_pending"],
        serde_json::json!([
            {"job": 2, "display_id": "2", "index": 2, "reason": "JobHeldUser", "description": null},
            {"job": 3, "display_id": "3", "index": 3, "reason": "DependencyNeverSatisfied",
             "description": null},
            {"job": 4, "display_id": "4", "index": 4, "reason": "PartitionTimeLimit",
             "description": null},
        ])
    );

    // Past the end, --at says the jobs left are there for good.
    let o = hpcsched(&[
        "simulate",
        "--cluster",
        &conf,
        "--jobs",
        &jobs,
        "--policy",
        "fifo",
        "--at",
        "1000",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(
            "Queue at 1000 (00:16:40): 0 running, 3 pending\n\
             (the workload was done at 420 (00:07:00), before 1000: 3 jobs are left pending, \
             which nothing left to happen could start)\n"
        ),
        "{}",
        stdout(&o)
    );

    // More than five: the first five, unless --verbose.
    let many = s.file(
        "many.jobs",
        "1 50 u -t 10 -H\n2 50 u -t 10 -H\n3 50 u -t 10 -H\n4 50 u -t 10 -H\n\
         5 50 u -t 10 -H\n6 50 u -t 10 -H\n7 50 u -t 10 -H\n",
    );
    let o = hpcsched(&["simulate", "--cluster", &conf, "--jobs", &many]);
    let out = stdout(&o);
    assert!(out.contains("Left pending: 7 jobs"), "{out}");
    assert!(
        out.contains("      5      5  JobHeldUser\n  ... and 2 more (--verbose lists every one)\n"),
        "{out}"
    );
    let o = hpcsched(&["simulate", "--cluster", &conf, "--jobs", &many, "--verbose"]);
    let out = stdout(&o);
    assert!(
        out.contains("      7      7  JobHeldUser\n\nReplay figures"),
        "{out}"
    );
}

#[test]
fn simulate_swf_without_cluster_uses_the_header_machine() {
    let o = hpcsched(&[
        "simulate",
        "--workload",
        "tests/data/workload/NASA-iPSC-1993-3.1-cln-first20.swf",
        "--format",
        "json",
    ]);
    let v = json_out(&o);
    assert_eq!(v["cluster"]["file"], serde_json::Value::Null);
    assert_eq!(v["cluster"]["nodes"], 128);
    assert_eq!(v["cluster"]["cpus"], 128);
    assert_eq!(v["cluster"]["partitions"], serde_json::json!(["swf"]));
    assert_eq!(v["format"], "swf");
    assert_eq!(v["submitted"], 20);
    assert_eq!(v["skipped"], 0);
    assert_eq!(v["metrics"]["overall"]["jobs"], 20);
    assert_eq!(v["metrics"]["total_cpus"], 128);
    assert_eq!(v["policy"], "slurm");
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));

    let o = hpcsched(&[
        "simulate",
        "--workload",
        "tests/data/workload/NASA-iPSC-1993-3.1-cln-first20.swf",
    ]);
    assert!(
        stdout(&o).contains(
            "  cluster     the trace header's machine: 128 nodes, 128 CPUs, partitions swf*\n\
             \x20 requests    -n PROCS (processors, spread over nodes)\n"
        ),
        "{}",
        stdout(&o)
    );
}

#[test]
fn simulate_first_n_jobs() {
    let v = json_out(&hpcsched(&[
        "simulate",
        "--workload",
        "tests/data/workload/RICC-2010-2-first10k.swf.gz",
        "--first",
        "50",
        "--policy",
        "easy",
        "--format",
        "json",
    ]));
    assert_eq!(v["first"], 50);
    assert_eq!(v["submitted"], 50);
    assert_eq!(v["metrics"]["overall"]["jobs"], 50);
    assert_eq!(v["cluster"]["cpus"], 8192);

    let s = Scratch::new("cli", "first");
    let conf = s.file("four.conf", FOUR_NODES);
    let jobs = s.file("backfill.jobs", BACKFILL_JOBS);
    let v = json_out(&hpcsched(&[
        "simulate",
        "--cluster",
        &conf,
        "--jobs",
        &jobs,
        "--first",
        "2",
        "--format",
        "json",
    ]));
    assert_eq!(v["submitted"], 2);
    // A, then B after A.
    assert_eq!(v["metrics"]["overall"]["max_wait"], 3600);
    assert_eq!(v["metrics"]["overall"]["last_end"], 7200);
}

/// A 4-node, 16-CPU machine; job 1 asks for 6 processors, job 2 for 2, job 5 for 1; lines
/// 5-7 are skipped (unreadable, wider than the machine, no run time).
const SMALL_SWF: &str = "; MaxNodes: 4\n; MaxProcs: 16\n\
    1 0 -1 100 6 -1 -1 6 200 -1 1 1 -1 -1 -1 -1 -1 -1\n\
    2 5 -1 100 2 -1 -1 -1 200 -1 1 2 -1 -1 -1 -1 -1 -1\n\
    this is not a job\n\
    3 9 -1 100 64 -1 -1 -1 200 -1 1 2 -1 -1 -1 -1 -1 -1\n\
    4 12 -1 -1 2 -1 -1 -1 200 -1 1 2 -1 -1 -1 -1 -1 -1\n\
    5 20 -1 50 1 -1 -1 -1 -1 -1 1 3 -1 -1 -1 -1 -1 -1\n";

#[test]
fn simulate_reports_skipped_lines_on_stderr() {
    let s = Scratch::new("cli", "skipped");
    let swf = s.file("small.swf", SMALL_SWF);
    let o = hpcsched(&["simulate", "--workload", &swf]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        format!(
            "hpcsched: warning: 3 lines of {swf} skipped (not replayed):\n\
             \x20 {swf}: line 5 skipped: unreadable line `this is not a job`: expected 18 fields, found 5\n\
             \x20 {swf}: line 6: SWF job 3 skipped: it asks for 64 processors but the machine has 16\n\
             \x20 {swf}: line 7: SWF job 4 skipped: its run time (field 4) is unknown\n"
        )
    );
    assert!(
        stdout(&o).contains("  jobs        3 submitted, 0 refused, 3 lines skipped\n"),
        "{}",
        stdout(&o)
    );
    let v = json_out(&hpcsched(&[
        "simulate",
        "--workload",
        &swf,
        "--format",
        "json",
    ]));
    assert_eq!(v["skipped"], 3);
    assert_eq!(
        v["skipped_lines"][1],
        serde_json::json!({"line": 6, "swf_job": 3,
            "reason": "it asks for 64 processors but the machine has 16"})
    );

    // Only the first 5 are listed unless --verbose.
    let many = (0..7).fold(String::new(), |acc, i| acc + &format!("bad line {i}\n"));
    let swf = s.file("many.swf", &format!("{SMALL_SWF}{many}"));
    let o = hpcsched(&["simulate", "--workload", &swf]);
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!("hpcsched: warning: 10 lines of {swf} skipped")),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1 + 5 + 1, "{err}");
    assert!(
        err.ends_with("  ... and 5 more (--verbose lists every one)\n"),
        "{err}"
    );
    let o = hpcsched(&["simulate", "--workload", &swf, "--verbose"]);
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1 + 10, "{err}");
    assert!(
        err.contains(&format!(
            "{swf}: line 15 skipped: unreadable line `bad line 6`"
        )),
        "{err}"
    );
}

#[test]
fn simulate_reports_refused_jobs_on_stderr() {
    let s = Scratch::new("cli", "refused");
    let conf = s.file("four.conf", FOUR_NODES);
    let jobs = s.file(
        "refused.jobs",
        "0 60 alice -N1 -t 5\n0 60 alice -p gpu -t 5\n10 60 bob --qos=gold -t 5\n",
    );
    let o = hpcsched(&[
        "simulate",
        "--cluster",
        &conf,
        "--jobs",
        &jobs,
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        format!(
            "hpcsched: warning: 2 jobs refused at submit (not replayed):\n\
             \x20 {jobs}: line 2: job 2: job rejected: invalid partition specified: gpu\n\
             \x20 {jobs}: line 3: job 3: job rejected: Invalid qos specification: gold\n"
        )
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["submitted"], 1);
    assert_eq!(v["refused"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        v["refused"][0],
        serde_json::json!({"line": 2, "index": 2, "reason": "job rejected: invalid partition specified: gpu"})
    );
}

#[test]
fn simulate_whole_nodes() {
    let s = Scratch::new("cli", "whole");
    let swf = s.file("small.swf", SMALL_SWF);
    let run = |extra: &[&str]| {
        let out = s.path("whole.jsonl");
        let mut args = vec![
            "simulate",
            "--workload",
            &swf,
            "--records",
            &out,
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let v = json_out(&hpcsched(&args));
        let text = std::fs::read_to_string(&out).unwrap();
        // (job, nodes, alloc_cpus) of each record, by job.
        let mut rows: Vec<(u64, String, u64)> = text
            .lines()
            .map(|l| {
                let r: serde_json::Value = serde_json::from_str(l).unwrap();
                let n = |k: &str| r[k].as_u64().unwrap();
                (
                    n("job"),
                    r["nodes"].as_str().unwrap().to_owned(),
                    n("alloc_cpus"),
                )
            })
            .collect();
        rows.sort();
        (v, rows)
    };
    let t = |job: u64, nodes: &str, cpus: u64| (job, nodes.to_owned(), cpus);
    // Processors only: 6 CPUs over two nodes, 2 CPUs, 1 CPU.
    let (v, rows) = run(&[]);
    assert_eq!(v["whole_nodes"], false);
    assert_eq!(rows, [t(1, "n[1-2]", 6), t(2, "n2", 2), t(3, "n3", 1)]);
    // Whole 4-CPU nodes: ceil(6/4) = 2 nodes, 1 node, 1 node, every CPU of them.
    let (v, rows) = run(&["--whole-nodes"]);
    assert_eq!(v["whole_nodes"], true);
    assert_eq!(v["whole_node_cpus"], 4);
    assert_eq!(rows, [t(1, "n[1-2]", 8), t(2, "n3", 4), t(3, "n4", 4)]);

    // With --cluster, the CPUs per node are those of the default partition's smallest
    // node (2 here; the 1-CPU node is in another partition).
    let conf = s.file(
        "mixed.conf",
        "NodeName=big[1-2] CPUs=16\nNodeName=small[1-2] CPUs=2\nNodeName=other CPUs=1\n\
         PartitionName=main Nodes=big[1-2],small[1-2] Default=YES\n\
         PartitionName=side Nodes=other\n",
    );
    let (v, rows) = run(&["--whole-nodes", "--cluster", &conf]);
    assert_eq!(v["whole_node_cpus"], 2);
    assert_eq!(v["cluster_file"], conf.as_str());
    // Job 1: ceil(6/2) = 3 whole nodes; jobs 2 and 3: one each.
    let node_counts: Vec<usize> = rows
        .iter()
        .map(|(_, nodes, _)| hpcsched::hostlist::expand(nodes).unwrap().len())
        .collect();
    assert_eq!(node_counts, [3, 1, 1]);
}

#[test]
fn simulate_overrun_kill_or_allow() {
    let s = Scratch::new("cli", "overrun");
    let conf = s.file("four.conf", FOUR_NODES);
    let jobs = s.file(
        "over.jobs",
        "0 600 carol -N1 -t 5 -J long\n0 100 carol -N1 -t 5 -J short\n",
    );
    let run = |overrun: &str| {
        let v = json_out(&hpcsched(&[
            "simulate",
            "--cluster",
            &conf,
            "--jobs",
            &jobs,
            "--overrun",
            overrun,
            "--format",
            "json",
        ]));
        assert_eq!(v["overrun"], overrun);
        v["metrics"]["overall"].clone()
    };
    // kill: the 600 s job ends as TIMEOUT at its 5-minute limit.
    let kill = run("kill");
    assert_eq!(
        (kill["timeout"].as_u64(), kill["completed"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(kill["last_end"], 300);
    // allow: it runs its 600 s and completes.
    let allow = run("allow");
    assert_eq!(
        (allow["timeout"].as_u64(), allow["completed"].as_u64()),
        (Some(0), Some(2))
    );
    assert_eq!(allow["last_end"], 600);
    // The default is kill.
    let v = json_out(&hpcsched(&[
        "simulate",
        "--cluster",
        &conf,
        "--jobs",
        &jobs,
        "--format",
        "json",
    ]));
    assert_eq!(v["overrun"], "kill");
    assert_eq!(v["metrics"]["overall"]["timeout"], 1);
}

#[test]
fn simulate_errors_exit_2_with_one_clear_line() {
    let s = Scratch::new("cli", "errors");
    let conf = s.file("four.conf", FOUR_NODES);
    let jobs = s.file("backfill.jobs", BACKFILL_JOBS);
    let swf = s.file("small.swf", SMALL_SWF);
    let bad_header = s.file("badhdr.swf", "; MaxNodes: many\n");
    let no_size = s.file(
        "nosize.swf",
        "; Version: 2\n1 0 -1 5 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n",
    );
    let unsorted = s.file(
        "unsorted.swf",
        "; MaxNodes: 2\n1 10 -1 5 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n\
         2 5 -1 5 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n",
    );
    let no_default = s.file(
        "nodefault.conf",
        "NodeName=n1 CPUs=4\nPartitionName=p Nodes=n1\n",
    );
    let bad_conf = s.file(
        "bad.conf",
        "NodeName=n1 CPUs=4\nPartitionName=p Nodes=n1 MaxTime=soon\n",
    );
    let bad_jobs = s.file("badline.jobs", "0 60 alice -N 1\n5 x bob\n");
    let out_dir = s.path("no/such/dir/out.csv");
    let cases: Vec<(Vec<&str>, String)> = vec![
        (vec![], "no workload: give --workload TRACE.swf[.gz] or --jobs FILE".into()),
        (
            vec!["--workload", &swf, "--jobs", &jobs],
            "--workload and --jobs cannot be used together: give one workload".into(),
        ),
        (
            vec!["--jobs", &jobs],
            "--jobs needs --cluster FILE: a job list does not describe a machine".into(),
        ),
        (
            vec!["--cluster", &conf, "--jobs", &jobs, "--whole-nodes"],
            "--whole-nodes applies to SWF traces (--workload) only: a job list says what each job asks for".into(),
        ),
        (
            vec!["--workload", &swf, "--policy", "best"],
            "invalid value 'best' for '--policy <POLICY>'".into(),
        ),
        (
            vec!["--workload", &swf, "--overrun", "maybe"],
            "invalid value 'maybe' for '--overrun <WHAT>'".into(),
        ),
        (
            vec!["--workload", &swf, "--first", "0"],
            "invalid value '0' for '--first <N>': must be a positive whole number of jobs".into(),
        ),
        (
            vec!["--workload", &swf, "--first=ten"],
            "invalid value 'ten' for '--first <N>': must be a positive whole number of jobs".into(),
        ),
        (
            vec!["--workload", &swf, "--at", "soon"],
            "invalid value 'soon' for '--at <TIME>': must be seconds from the workload's start or a duration such as 2:00:00 or 1-12:00:00".into(),
        ),
        (
            vec!["--workload", &swf, "--format", "xml"],
            "invalid value 'xml' for '--format <FORMAT>'".into(),
        ),
        (vec!["--workload", &swf, "--frob"], "unexpected argument '--frob' found".into()),
        (vec!["--workload", &swf, "extra"], "unexpected argument 'extra' found".into()),
        (
            vec!["--workload"],
            "a value is required for '--workload <FILE>' but none was supplied".into(),
        ),
        (
            vec!["--workload", &swf, "--verbose=yes"],
            "unexpected value 'yes' for '--verbose' found; no more were expected".into(),
        ),
        (
            vec!["--workload", "no/such.swf"],
            "no/such.swf: cannot read: No such file or directory (os error 2)".into(),
        ),
        (
            vec!["--workload", &bad_header],
            format!("{bad_header}: line 1: header `MaxNodes: many`: `many` is not an integer"),
        ),
        (
            vec!["--workload", &no_size],
            format!("{no_size}: the SWF header gives neither MaxNodes nor MaxProcs: give the cluster (a slurm.conf) that describes the machine"),
        ),
        (
            vec!["--workload", &unsorted],
            format!("{unsorted}: line 3: job 2 is submitted at 5, before the job before it (10): a workload must be in submit order"),
        ),
        (
            vec!["--cluster", &no_default, "--workload", &swf],
            format!("{no_default}: the cluster has no default partition (Default=YES): the jobs of an SWF trace go to the default partition"),
        ),
        (
            vec!["--cluster", &bad_conf, "--workload", &swf],
            format!("{bad_conf}: line 2: "),
        ),
        (
            vec!["--cluster", &conf, "--jobs", &bad_jobs],
            format!("{bad_jobs}: line 2: `x`: the run time must be seconds (`600`), `HH:MM:SS` or `D-HH:MM:SS`, optionally followed by `:EXIT`"),
        ),
        (
            vec!["--cluster", &conf, "--jobs", "no/such.jobs"],
            "no/such.jobs: cannot read: No such file or directory (os error 2)".into(),
        ),
        (
            vec!["--workload", &swf, "--records", &out_dir],
            format!("{out_dir}: cannot write: No such file or directory (os error 2)"),
        ),
        (
            vec!["--workload", &swf, "--qos", "no/such.qos"],
            "no/such.qos: cannot read: No such file or directory (os error 2)".into(),
        ),
    ];
    for (args, message) in cases {
        let mut full = vec!["simulate"];
        full.extend(&args);
        let o = hpcsched(&full);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        let first = err.lines().next().unwrap_or_default();
        if message.ends_with(": ") {
            assert!(
                first.starts_with(&format!("hpcsched: {message}")),
                "{args:?}: {err}"
            );
        } else {
            assert_eq!(first, format!("hpcsched: {message}"), "{args:?}");
        }
        assert!(o.stdout.is_empty(), "{args:?}: nothing on stdout");
    }
}

#[test]
fn simulate_help() {
    let o = hpcsched(&["simulate", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("Usage: hpcsched simulate [--cluster FILE] (--workload"));
    let o = hpcsched(&["--help"]);
    assert!(stdout(&o).contains("hpcsched simulate [--cluster FILE]"));
}

#[test]
fn simulate_draws_no_progress_bar_when_stderr_is_piped() {
    // Long enough (thousands of jobs in a debug build) for the bar to be due if stderr
    // were a terminal.
    let o = hpcsched(&[
        "simulate",
        "--workload",
        "tests/data/workload/RICC-2010-2-first10k.swf.gz",
        "--first",
        "2000",
        "--policy",
        "easy",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stderr.is_empty(), "stderr: {:?}", stderr(&o));
    assert!(!o.stdout.contains(&b'\r'));
}

#[test]
fn check_is_unchanged_by_the_simulate_command() {
    let o = hpcsched(&["check", "--help"]);
    assert!(stdout(&o).starts_with("Usage: hpcsched check --cluster FILE [--qos FILE]"));
    let o = hpcsched(&["check", "--cluster", INSERM]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("hpcsched: no script or command given\n\nUsage: hpcsched check")
    );
}

/// The lines of the README's fenced block that follows the line `marker`, up to the
/// closing fence (or the next `== ` header of the demo's output).
fn readme_block(marker: &str) -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find(marker)
        .unwrap_or_else(|| panic!("README has no `{marker}`"));
    readme[start + marker.len()..]
        .lines()
        .skip(1)
        .take_while(|l| *l != "```" && !l.starts_with("== "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn readme_main_job_easy_report_is_what_the_replay_prints() {
    let o = hpcsched(&[
        "simulate",
        "--workload",
        "examples/workloads/RICC-2010-2-first3000.swf.gz",
        "--policy",
        "easy",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let out = stdout(&o);
    let block = readme_block(
        "== hpcsched simulate --workload examples/workloads/RICC-2010-2-first3000.swf.gz --policy easy ==",
    );
    assert!(block.len() > 30, "{block:?}");
    for line in &block {
        // Elided lines and the wall time (which varies) aside, every line is printed.
        if line.trim() == "..." || line.starts_with("  wall time") {
            continue;
        }
        assert!(
            out.lines().any(|l| l == line),
            "README line {line:?} is not in the output:\n{out}"
        );
    }
}

#[test]
fn readme_queue_example_is_what_the_replay_prints() {
    let o = hpcsched(&[
        "simulate",
        "--cluster",
        INSERM,
        "--jobs",
        "examples/workloads/inserm-morning.jobs",
        "--at",
        "1:00:00",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let block = readme_block(
        "$ hpcsched simulate --cluster examples/clusters/inserm.conf --jobs examples/workloads/inserm-morning.jobs --at 1:00:00",
    );
    assert_eq!(block.first().map(String::as_str), Some("..."));
    let queue = block[1..].join("\n") + "\n";
    assert!(out.contains(&queue), "README:\n{queue}\noutput:\n{out}");
}

#[test]
fn simulate_draws_and_erases_a_progress_bar_on_a_terminal() {
    // `script` (util-linux) runs the command on a pseudo-terminal; without it, skip.
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("no `script` command: the terminal case is not tested");
        return;
    }
    let command = format!(
        "'{}' simulate --workload tests/data/workload/RICC-2010-2-first10k.swf.gz --first 2000 --policy easy > /dev/null",
        env!("CARGO_BIN_EXE_hpcsched")
    );
    let started = std::time::Instant::now();
    let o = Command::new("script")
        .current_dir(root())
        .args(["-qec", &command, "/dev/null"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let tty = stdout(&o);
    if tty.is_empty() && started.elapsed() < std::time::Duration::from_millis(600) {
        // A build fast enough to finish before the bar is due (0.3 s) shows none.
        return;
    }
    assert!(tty.starts_with("\rreplaying ["), "{tty:?}");
    assert!(tty.contains("% "), "{tty:?}");
    assert!(tty.contains(" jobs submitted"), "{tty:?}");
    // Erased at the end: the last thing written is blanks between two carriage returns.
    let erase = tty.trim_end_matches('\r');
    let last = erase.rsplit('\r').next().unwrap_or_default();
    assert!(
        !last.is_empty() && last.chars().all(|c| c == ' '),
        "{tty:?}"
    );
}

#[test]
fn check_user_and_command_line_arguments() {
    let dir = Scratch::new("cli", "check-user-args");
    let conf = dir.file("c.conf", FOUR_NODES);
    let script = dir.file("job.sh", "#!/bin/sh\n#SBATCH -N 1 --nice=-5\ntrue\n");
    // No --user: a negative nice is not checked.
    let o = hpcsched(&["check", "--cluster", &conf, &script]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // As a user it is refused; as root it is not.
    let o = hpcsched(&["check", "--cluster", &conf, "--user", "alice", &script]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("Invalid --nice value"),
        "{}",
        stdout(&o)
    );
    let o = hpcsched(&["check", "--cluster", &conf, "--user=root", &script]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // --arg words override the script's #SBATCH lines, as sbatch's command line does.
    let o = hpcsched(&[
        "check",
        "--cluster",
        &conf,
        "--arg",
        "-N",
        "--arg=3",
        "--arg=--nice=1",
        "--user",
        "alice",
        &script,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("  nodes           3\n"),
        "{}",
        stdout(&o)
    );
    // A bad --arg is an input error on the script, like a bad #SBATCH line.
    let o = hpcsched(&["check", "--cluster", &conf, "--arg=--frobnicate", &script]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&script), "{}", stderr(&o));
}

/// Runs `hpcsched ARGS...` with `input` on its standard input.
fn hpcsched_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_hpcsched"))
        .current_dir(root())
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// `-` reads a script, a command line or the cluster from standard input, once.
#[test]
fn check_reads_standard_input() {
    let script = std::fs::read(root().join("examples/scripts/mpi-multinode.sh")).unwrap();
    let o = hpcsched_stdin(&["check", "--cluster", INSERM, "-"], &script);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let from_file = hpcsched(&[
        "check",
        "--cluster",
        INSERM,
        "examples/scripts/mpi-multinode.sh",
    ]);
    assert_eq!(
        stdout(&o),
        stdout(&from_file).replace("examples/scripts/mpi-multinode.sh", "<stdin>")
    );
    let o = hpcsched_stdin(
        &["check", "--cluster", INSERM, "--format", "json", "-"],
        b"srun -p CPU-4 -c 2 hostname\n",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["results"][0]["script"], "<stdin>");
    assert_eq!(v["results"][0]["job"]["cpus_per_task"], 2);
    // The cluster from standard input, the script from a file.
    let conf = std::fs::read(root().join(INSERM)).unwrap();
    let o = hpcsched_stdin(
        &[
            "check",
            "--cluster",
            "-",
            "--format",
            "json",
            "examples/scripts/mpi-multinode.sh",
        ],
        &conf,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["cluster_file"], "<stdin>");
    // Errors name it.
    let o = hpcsched_stdin(
        &["check", "--cluster", INSERM, "-"],
        b"#!/bin/sh\n#SBATCH --no-such-option\n",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("hpcsched: <stdin>: line 2: "),
        "{}",
        stderr(&o)
    );
    // Standard input is read once.
    let o = hpcsched_stdin(&["check", "--cluster", "-", "-"], &conf);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "hpcsched: `-` is given twice: standard input can be read only once\n"
    );
}

/// A GPU node and a CPU node; `gpu` is the default partition.
const GPU_CLUSTER: &str = "GresTypes=gpu\n\
    NodeName=g1 CPUs=8 RealMemory=64000 Gres=gpu:2\n\
    NodeName=c1 CPUs=8 RealMemory=64000\n\
    PartitionName=gpu Nodes=g1 Default=YES MaxTime=1-00:00:00\n\
    PartitionName=cpu Nodes=c1 MaxTime=1-00:00:00\n";

/// The pyxis guide's script (`#SBATCH --container-name ...`).
const PYXIS_SCRIPT: &str = "#!/bin/bash\n\
    #SBATCH --gres=gpu:1 --container-name=myimage --container-mounts=.:/workspace --container-workdir=/workspace -o sbatch.log -e sbatch.log\n\
    python train.py\n";

#[test]
fn check_spank_plugins_from_plugstack_or_by_name() {
    let dir = Scratch::new("cli", "check-spank");
    let conf = dir.file("c.conf", GPU_CLUSTER);
    let script = dir.file("pyxis.sh", PYXIS_SCRIPT);
    // Without the plugin, sbatch refuses the option.
    let o = hpcsched(&["check", "--cluster", &conf, &script]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!("hpcsched: {script}: line 2: unrecognized option `--container-name`\n")
    );
    // A plugstack.conf that includes the file listing pyxis, relative to its directory.
    std::fs::create_dir_all(dir.path("plugstack.conf.d")).unwrap();
    dir.file(
        "plugstack.conf.d/pyxis.conf",
        "required /usr/local/lib/slurm/spank_pyxis.so runtime_path=/run/pyxis\n",
    );
    let plugstack = dir.file(
        "plugstack.conf",
        "# site\ninclude plugstack.conf.d/*.conf\n",
    );
    for plugins in [["--plugstack", plugstack.as_str()], ["--spank", "pyxis"]] {
        let o = hpcsched(&["check", "--cluster", &conf, plugins[0], plugins[1], &script]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        for line in [
            "  partition       gpu\n",
            "  gres per node   gpu:1\n",
            "  plugin options  --container-name=myimage --container-mounts=.:/workspace --container-workdir=/workspace\n",
        ] {
            assert!(out.contains(line), "missing `{line}` in:\n{out}");
        }
    }
    // A plugin hpcsched does not know is an error naming the file and line, unless it is
    // declared with its options.
    let other = dir.file(
        "other.conf",
        "required /usr/lib/slurm/private-tmpdir.so base=/tmp\n",
    );
    let o = hpcsched(&["check", "--cluster", &conf, "--plugstack", &other, &script]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!(
            "hpcsched: {other}: line 1: SPANK plugin `/usr/lib/slurm/private-tmpdir.so` is not built into hpcsched"
        )),
        "{}",
        stderr(&o)
    );
    let tmp_script = dir.file(
        "tmp.sh",
        "#!/bin/sh\n#SBATCH -p cpu --tmp-size=10G --no-private\ntrue\n",
    );
    let o = hpcsched(&[
        "check",
        "--cluster",
        &conf,
        "--spank",
        "private-tmpdir:tmp-size=,no-private",
        "--plugstack",
        &other,
        &tmp_script,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("  plugin options  --tmp-size=10G --no-private\n"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn check_srun_and_salloc_command_lines() {
    let dir = Scratch::new("cli", "check-srun");
    let conf = dir.file("c.conf", GPU_CLUSTER);
    let file = dir.file("interactive.txt", "srun --pty -p cpu -c 4 bash -i\n");
    let o = hpcsched(&[
        "check",
        "--cluster",
        &conf,
        "--spank",
        "pyxis",
        "--format",
        "json",
        "--command",
        "srun --gres=gpu:1 --container-image=nvcr.io#nvidia/pytorch:24.01-py3 nvidia-smi -L",
        "--command",
        "salloc -N 1 --gres=gpu:3",
        &file,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let list = v["results"].as_array().unwrap();
    // Files first, then --command lines, in order.
    assert_eq!(list[0]["script"], file.as_str());
    assert_eq!(list[0]["status"], "accepted");
    assert_eq!(list[0]["job"]["partition"], "cpu");
    assert_eq!(list[0]["job"]["cpus"], 4);
    assert_eq!(
        list[1]["command"],
        "srun --gres=gpu:1 --container-image=nvcr.io#nvidia/pytorch:24.01-py3 nvidia-smi -L"
    );
    assert_eq!(list[1]["status"], "accepted");
    assert_eq!(list[1]["job"]["gres_per_node"][0], "gpu:1");
    assert_eq!(
        list[1]["job"]["plugin_options"][0],
        "--container-image=nvcr.io#nvidia/pytorch:24.01-py3"
    );
    assert_eq!(list[2]["command"], "salloc -N 1 --gres=gpu:3");
    assert_eq!(list[2]["status"], "rejected");
    // Options the command does not have are refused as it refuses them.
    for (line, message) in [
        ("srun --array=1-4 hostname", "unrecognized option `--array`"),
        ("salloc -o out.log", "unrecognized option `-o`"),
        ("srun -N 2", "srun needs a command to run"),
        (
            "srun --jobid=7 hostname",
            "`--jobid` is not supported: it runs a step in an existing job's allocation; there is no new job to schedule",
        ),
    ] {
        let o = hpcsched(&["check", "--cluster", &conf, "--command", line]);
        assert_eq!(o.status.code(), Some(2), "{line}");
        assert_eq!(
            stderr(&o),
            format!("hpcsched: --command `{line}`: {message}\n"),
            "{line}"
        );
    }
}

#[test]
fn simulate_job_list_with_plugin_options() {
    let dir = Scratch::new("cli", "simulate-spank");
    let conf = dir.file("c.conf", GPU_CLUSTER);
    let jobs = dir.file(
        "jobs",
        "0 60 alice -t 5 --gres=gpu:1 --container-image ubuntu:24.04 -J A\n\
         0 60 bob -t 5 -p cpu -d afterok:A\n",
    );
    let o = hpcsched(&[
        "simulate",
        "--cluster",
        &conf,
        "--jobs",
        &jobs,
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unrecognized option `--container-image`"),
        "{}",
        stderr(&o)
    );
    let v = json_out(&hpcsched(&[
        "simulate",
        "--cluster",
        &conf,
        "--spank",
        "pyxis",
        "--jobs",
        &jobs,
        "--format",
        "json",
    ]));
    assert_eq!(v["metrics"]["overall"]["jobs"], 2, "{v}");
    assert_eq!(v["metrics"]["overall"]["started"], 2, "{v}");
}

/// `simulate --accounts`: on the shared GPU cluster with the LRI-style cap (QOS gpu4,
/// `MaxTRESPerUser=gres/gpu=4`, alice's default QOS), alice's fifth one-GPU job starts
/// only when her first ends, while bob's later job starts at once.
#[test]
fn simulate_with_accounts_holds_the_gpu_cap() {
    let s = Scratch::new("cli", "accounts");
    let accounts = s.file(
        "site.accounts",
        "sacctmgr -i add cluster shared\n\
         sacctmgr -i add qos gpu4 Priority=10 MaxTRESPerUser=gres/gpu=4\n\
         sacctmgr -i add account lab\n\
         sacctmgr -i add user alice,bob Account=lab QOS=normal,gpu4 DefaultQOS=gpu4\n",
    );
    let jobs = s.file(
        "gpu.jobs",
        "0 600 alice -p gpu --gres=gpu:1 -t 20 -J A1\n\
         0 900 alice -p gpu --gres=gpu:1 -t 20 -J A2\n\
         0 900 alice -p gpu --gres=gpu:1 -t 20 -J A3\n\
         0 900 alice -p gpu --gres=gpu:1 -t 20 -J A4\n\
         0 900 alice -p gpu --gres=gpu:1 -t 20 -J A5\n\
         10 900 bob -p gpu --gres=gpu:1 -t 20 -J B1\n",
    );
    let records = s.path("records.csv");
    let o = hpcsched(&[
        "simulate",
        "--cluster",
        "examples/clusters/shared-gpu.conf",
        "--accounts",
        &accounts,
        "--jobs",
        &jobs,
        "--records",
        &records,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(&records).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (name, start) = (col("name"), col("start"));
    let starts: Vec<(String, String)> = csv
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[name].to_owned(), f[start].to_owned())
        })
        .collect();
    let of = |n: &str| starts.iter().find(|(j, _)| j == n).unwrap().1.clone();
    assert_eq!(
        ["A1", "A2", "A3", "A4", "A5", "B1"].map(of),
        ["0", "0", "0", "0", "600", "10"]
    );
}

#[test]
fn readme_gpu_cap_example_is_what_the_replay_prints() {
    let o = hpcsched(&[
        "simulate",
        "--cluster",
        "examples/clusters/shared-gpu.conf",
        "--qos",
        "examples/clusters/shared-gpu.qos",
        "--accounts",
        "examples/clusters/shared-gpu.accounts",
        "--jobs",
        "examples/workloads/shared-gpu-cap.jobs",
        "--at",
        "120",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let block = readme_block(
        "$ hpcsched simulate --cluster examples/clusters/shared-gpu.conf --qos examples/clusters/shared-gpu.qos --accounts examples/clusters/shared-gpu.accounts --jobs examples/workloads/shared-gpu-cap.jobs --at 120",
    );
    assert_eq!(block.first().map(String::as_str), Some("..."));
    let queue = block[1..].join("\n") + "\n";
    assert!(out.contains(&queue), "README:\n{queue}\noutput:\n{out}");
}

/// The README's preemption example: on the bundled shared cluster, the tier-10 job waits
/// its preemptees' GraceTime (120 s) and a second, and the two best-effort jobs it
/// requeued count as preempted runs, not as jobs. Each part of the quote between `...`
/// lines is in the output as it is.
#[test]
fn readme_preemption_example_is_what_simulate_prints() {
    let o = hpcsched(&[
        "simulate",
        "--cluster",
        "examples/clusters/shared-gpu.conf",
        "--qos",
        "examples/clusters/shared-gpu.qos",
        "--jobs",
        "examples/workloads/shared-gpu-preempt.jobs",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let block = readme_block(
        "$ hpcsched simulate --cluster examples/clusters/shared-gpu.conf --qos examples/clusters/shared-gpu.qos --jobs examples/workloads/shared-gpu-preempt.jobs",
    );
    let mut parts = 0;
    for part in block.split(|l| l == "...") {
        if part.is_empty() {
            continue;
        }
        let text = part.join("\n") + "\n";
        assert!(out.contains(&text), "README:\n{text}\noutput:\n{out}");
        parts += 1;
    }
    assert_eq!(parts, 2);
}

/// `simulate --accounts` without `--cluster` applies to the machine the SWF header
/// describes, as `--qos` does: its users then need associations (an accounts file that
/// does not read is an error, not ignored).
#[test]
fn simulate_accounts_on_the_swf_header_machine() {
    let s = Scratch::new("cli", "accounts-swf");
    let bad = s.file(
        "bad.accounts",
        "add cluster ricc\nadd user u1 Account=nope\n",
    );
    let o = hpcsched(&[
        "simulate",
        "--workload",
        "examples/workloads/RICC-2010-2-first3000.swf.gz",
        "--first",
        "5",
        "--accounts",
        &bad,
    ]);
    assert_ne!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("line 2: This account 'nope' doesn't exist."),
        "{}",
        stderr(&o)
    );
    // No association for the trace's users: sbatch refuses every job.
    let none = s.file("none.accounts", "add cluster ricc\nadd account bio\n");
    let v = json_out(&hpcsched(&[
        "simulate",
        "--workload",
        "examples/workloads/RICC-2010-2-first3000.swf.gz",
        "--first",
        "5",
        "--accounts",
        &none,
        "--format",
        "json",
    ]));
    assert_eq!(v["submitted"], 0, "{v}");
    assert_eq!(
        v["refused"][0]["reason"], "Invalid account or account/partition combination specified",
        "{v}"
    );
}

/// Four 4-CPU nodes shared by a best-effort partition and a higher-tier one, under
/// `preempt/partition_prio` with the cluster's `PreemptMode` (tests/preemption.rs).
fn tiers_conf(mode: &str) -> String {
    format!(
        "SelectType=select/cons_tres\n\
         SelectTypeParameters=CR_Core_Memory\n\
         PreemptType=preempt/partition_prio\n\
         PreemptMode={mode}\n\
         NodeName=n[1-4] CPUs=4 RealMemory=4000\n\
         PartitionName=low Nodes=n[1-4] PriorityTier=1 DefMemPerCPU=100 Default=YES\n\
         PartitionName=high Nodes=n[1-4] PriorityTier=10 DefMemPerCPU=100\n"
    )
}

/// A best-effort job on every node, then an urgent one in the high tier.
const TIERS_JOBS: &str = "\
    0 3600 alice -p low -N4 -n16 -t 60 -J best-effort\n\
    100 600 bob -p high -N2 -n8 -t 30 -J urgent\n";

/// Preemption shows in the text report as one line after the metrics: the urgent job
/// requeues the best-effort one at 100 (16 CPUs × 100 s of work lost), which runs again
/// from 701; its preempted run is a record of its own.
#[test]
fn simulate_reports_preemption() {
    let s = Scratch::new("cli", "preemption");
    let conf = s.file("tiers.conf", &tiers_conf("REQUEUE"));
    let jobs = s.file("tiers.jobs", TIERS_JOBS);
    let csv = s.path("out.csv");
    let o = hpcsched(&[
        "simulate",
        "--cluster",
        &conf,
        "--jobs",
        &jobs,
        "--records",
        &csv,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let out = stdout(&o);
    let line = "\nPreemption        1 run preempted (1 requeued, 0 cancelled, 0 suspended), \
                0.44 core-hours lost (1600 CPU-seconds)\n\nReplay figures\n";
    assert!(out.contains(line), "missing {line:?} in:\n{out}");
    assert_eq!(out.matches("Preemption").count(), 1, "{out}");
    // The requeued job's two runs: preempted at 100, then 701 (after the urgent job) to 4301.
    let records = std::fs::read_to_string(&csv).unwrap();
    let runs: Vec<(&str, &str, &str, &str)> = records
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[2], f[6], f[10], f[11])
        })
        .collect();
    assert_eq!(
        runs,
        [
            ("best-effort", "PREEMPTED", "0", "100"),
            ("urgent", "COMPLETED", "101", "701"),
            ("best-effort", "COMPLETED", "701", "4301"),
        ],
        "{records}"
    );

    // CANCEL: the best-effort job ends there; the queue view (--at) has the line too.
    let conf = s.file("cancel.conf", &tiers_conf("CANCEL"));
    let o = hpcsched(&[
        "simulate",
        "--cluster",
        &conf,
        "--jobs",
        &jobs,
        "--at",
        "200",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let line = "\nPreemption        1 run preempted (0 requeued, 1 cancelled, 0 suspended), \
                0.44 core-hours lost (1600 CPU-seconds)\n\nReplay figures\n";
    assert!(out.contains(line), "missing {line:?} in:\n{out}");

    // The same jobs without preemption: the urgent job waits; no such line.
    let plain = s.file(
        "plain.conf",
        &tiers_conf("REQUEUE").replace(
            "PreemptType=preempt/partition_prio\nPreemptMode=REQUEUE\n",
            "",
        ),
    );
    let o = hpcsched(&["simulate", "--cluster", &plain, "--jobs", &jobs]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains("\nPreemption"), "{out}");
    assert!(out.contains("\nThroughput "), "{out}");
}

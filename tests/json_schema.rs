//! The JSON output of `hpcsched check` and `hpcsched simulate` against the schemas kept
//! in the repository (`schemas/*.schema.json`, JSON Schema draft 2020-12), on inputs that
//! reach every part of the layout: accepted and rejected jobs, command lines, SPANK
//! options, unlimited times, whole-node memory; job lists and SWF traces, skipped lines,
//! refused jobs, jobs left pending, `--at`'s queue, whole nodes, `--first`.
//!
//! The schemas forbid unknown keys, so a key added to the output without the schema (or
//! the other way round) fails here.

mod common;

use common::{INSERM, Scratch, example_scripts, hpcsched, root};
use serde_json::{Value, json};

/// The JSON on stdout of a run that exited with `code`.
fn json_of(args: &[&str], code: i32) -> Value {
    let o = hpcsched(args);
    assert_eq!(
        o.status.code(),
        Some(code),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: {e}: not JSON:\n{}",
            String::from_utf8_lossy(&o.stdout)
        )
    })
}

/// The schema `schemas/NAME.schema.json`, checked against its meta-schema.
fn validator(name: &str) -> jsonschema::Validator {
    let path = root().join(format!("schemas/{name}.schema.json"));
    let text = std::fs::read_to_string(&path).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    if let Err(e) = jsonschema::meta::validate(&schema) {
        panic!("{}: not a valid JSON Schema: {e}", path.display());
    }
    jsonschema::validator_for(&schema)
        .unwrap_or_else(|e| panic!("{}: unusable schema: {e}", path.display()))
}

/// The schema's complaints about `instance`, one line each (none when it is valid).
fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn assert_valid(validator: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors = errors(validator, instance);
    assert!(
        errors.is_empty(),
        "{what}: the output does not match the schema:\n{}\n\noutput:\n{instance:#}",
        errors.join("\n")
    );
}

#[test]
fn check_output_matches_its_schema() {
    let schema = validator("check");
    // Every example script: accepted ones (arrays, dependencies, GPUs) and rejected ones.
    let mut args = vec!["check", "--cluster", INSERM, "--format", "json"];
    let scripts = example_scripts();
    args.extend(scripts.iter().map(String::as_str));
    let v = json_of(&args, 1);
    assert_eq!(v["results"].as_array().map(Vec::len), Some(scripts.len()));
    assert_valid(&schema, &v, "check examples/scripts/*.sh");

    // Command lines, SPANK options, --gpus, --begin, memory per GPU; a rejected salloc.
    let v = json_of(
        &[
            "check",
            "--cluster",
            INSERM,
            "--spank",
            "pyxis",
            "--format",
            "json",
            "--command",
            "srun -p A40-48 --gres=gpu:1 --container-image=nvcr.io#nvidia/pytorch:24.01-py3 python train.py",
            "--command",
            "sbatch --mem-per-gpu=1536 --gpus=a100:2 -p A100-10 --begin=now+1hour job.sh",
            "--command",
            "salloc -N 1 --gres=gpu:9",
        ],
        1,
    );
    let results = v["results"].as_array().unwrap();
    assert_eq!(
        results[0]["job"]["plugin_options"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(results[1]["job"]["memory"]["per"], "gpu");
    assert!(results[1]["job"]["gpus_per_job"].is_string(), "{v:#}");
    assert!(results[1]["job"]["begin"].is_string(), "{v:#}");
    assert_eq!(results[2]["status"], "rejected");
    assert_valid(&schema, &v, "check --command ...");

    // No time limit and all of each node's memory: the nulls of time_limit and mib; a
    // node range.
    let s = Scratch::new("json-schema", "check");
    let conf = s.file(
        "unlimited.conf",
        "NodeName=n[1-4] CPUs=4 RealMemory=4000\n\
         PartitionName=p Nodes=n[1-4] Default=YES MaxTime=UNLIMITED\n",
    );
    let v = json_of(
        &[
            "check",
            "--cluster",
            &conf,
            "--format",
            "json",
            "--command",
            "salloc -N 1-3 -t UNLIMITED --mem=0",
        ],
        0,
    );
    let job = &v["results"][0]["job"];
    assert_eq!(job["time_limit"], Value::Null);
    assert_eq!(job["memory"], json!({"per": "whole_node", "mib": null}));
    assert_eq!(job["nodes"], json!({"min": 1, "max": 3}));
    assert_valid(&schema, &v, "check, unlimited");
}

#[test]
fn the_check_schema_refuses_what_the_output_must_not_be() {
    let schema = validator("check");
    let v = json_of(
        &[
            "check",
            "--cluster",
            INSERM,
            "--format",
            "json",
            "examples/scripts/mpi-multinode.sh",
            "examples/scripts/reject-unknown-partition.sh",
        ],
        1,
    );
    assert_valid(&schema, &v, "check");
    let broken = |change: &dyn Fn(&mut Value)| {
        let mut w = v.clone();
        change(&mut w);
        errors(&schema, &w)
    };
    // Unknown keys, at every level.
    assert!(!broken(&|w| w["bogus"] = json!(1)).is_empty());
    assert!(!broken(&|w| w["results"][0]["bogus"] = json!(1)).is_empty());
    assert!(!broken(&|w| w["results"][0]["job"]["bogus"] = json!(1)).is_empty());
    assert!(!broken(&|w| w["results"][0]["job"]["nodes"]["bogus"] = json!(1)).is_empty());
    // The old layout's time limit, text; an unknown format version; a missing key.
    assert!(!broken(&|w| w["results"][0]["job"]["time_limit"] = json!("12:00:00")).is_empty());
    assert!(!broken(&|w| w["format_version"] = json!(2)).is_empty());
    assert!(
        !broken(&|w| {
            w["results"][0]["job"]
                .as_object_mut()
                .unwrap()
                .remove("partition");
        })
        .is_empty()
    );
    // A result is a script or a command, accepted with a job or rejected with reasons.
    assert!(!broken(&|w| w["results"][0]["command"] = json!("srun x")).is_empty());
    assert!(!broken(&|w| w["results"][0]["status"] = json!("rejected")).is_empty());
    assert!(!broken(&|w| w["results"][1]["job"] = v["results"][0]["job"].clone()).is_empty());
}

/// Four 4-CPU nodes, whole nodes per job.
const FOUR_NODES: &str = "NodeName=n[1-4] CPUs=4\n\
    PartitionName=p Nodes=n[1-4] Default=YES OverSubscribe=EXCLUSIVE MaxTime=UNLIMITED\n";

/// A takes 3 nodes, B needs all 4 and waits for A, C backfills, D waits behind B; E is
/// held (left pending), F asks for a partition that does not exist (refused).
const JOBS: &str = "0 3600 alice -N3 -t 60 -J A\n\
    0 3600 alice -N4 -t 60 -J B\n\
    0 1800 bob -N1 -t 30 -J C\n\
    0 7200 bob -N1 -t 120 -J D\n\
    5 60 carol -N1 -t 5 -J E -H\n\
    6 60 carol -N1 -t 5 -p gpu\n";

/// A 4-node, 16-CPU machine; lines 5-7 are skipped (unreadable, wider than the machine,
/// no run time).
const SMALL_SWF: &str = "; MaxNodes: 4\n; MaxProcs: 16\n\
    1 0 -1 100 6 -1 -1 6 200 -1 1 1 -1 -1 -1 -1 -1 -1\n\
    2 5 -1 100 2 -1 -1 -1 200 -1 1 2 -1 -1 -1 -1 -1 -1\n\
    this is not a job\n\
    3 9 -1 100 64 -1 -1 -1 200 -1 1 2 -1 -1 -1 -1 -1 -1\n\
    4 12 -1 -1 2 -1 -1 -1 200 -1 1 2 -1 -1 -1 -1 -1 -1\n\
    5 20 -1 50 1 -1 -1 -1 -1 -1 1 3 -1 -1 -1 -1 -1 -1\n";

#[test]
fn simulate_output_matches_its_schema() {
    let schema = validator("simulate");
    let s = Scratch::new("json-schema", "simulate");
    let conf = s.file("four.conf", FOUR_NODES);
    let jobs = s.file("jobs", JOBS);
    let swf = s.file("small.swf", SMALL_SWF);
    let runs: Vec<Vec<&str>> = vec![
        // A job list: refused and held jobs, every policy.
        vec!["--cluster", &conf, "--jobs", &jobs, "--policy", "easy"],
        vec![
            "--cluster",
            &conf,
            "--jobs",
            &jobs,
            "--policy",
            "fifo",
            "--overrun",
            "allow",
        ],
        vec![
            "--cluster",
            &conf,
            "--jobs",
            &jobs,
            "--policy",
            "conservative",
            "--first",
            "3",
        ],
        vec!["--cluster", &conf, "--jobs", &jobs],
        // The queue, while jobs run and wait, and after the end.
        vec!["--cluster", &conf, "--jobs", &jobs, "--at", "1800"],
        vec!["--cluster", &conf, "--jobs", &jobs, "--at", "1-00:00:00"],
        // An SWF trace on its header's machine (skipped lines), in whole nodes, on a cluster.
        vec!["--workload", &swf, "--verbose"],
        vec!["--workload", &swf, "--whole-nodes"],
        vec!["--workload", &swf, "--cluster", &conf],
        // A real trace's first jobs; a real site's cluster and morning.
        vec![
            "--workload",
            "tests/data/workload/RICC-2010-2-first10k.swf.gz",
            "--first",
            "300",
            "--policy",
            "easy",
        ],
        vec![
            "--cluster",
            INSERM,
            "--jobs",
            "examples/workloads/inserm-morning.jobs",
            "--at",
            "1:00:00",
        ],
    ];
    let mut seen_queue = false;
    let mut seen_left_pending = false;
    let mut seen_skipped = false;
    for run in &runs {
        let mut args = vec!["simulate", "--format", "json"];
        args.extend(run);
        let v = json_of(&args, 0);
        seen_queue |= v.get("queue").is_some();
        seen_left_pending |= v["left_pending"].as_array().is_some_and(|l| !l.is_empty());
        seen_skipped |= v["skipped_lines"].as_array().is_some_and(|l| !l.is_empty());
        assert_valid(&schema, &v, &format!("simulate {run:?}"));
    }
    assert!(seen_queue && seen_left_pending && seen_skipped);
}

#[test]
fn the_simulate_schema_refuses_what_the_output_must_not_be() {
    let schema = validator("simulate");
    let s = Scratch::new("json-schema", "simulate-refuses");
    let conf = s.file("four.conf", FOUR_NODES);
    let jobs = s.file("jobs", JOBS);
    let v = json_of(
        &[
            "simulate",
            "--cluster",
            &conf,
            "--jobs",
            &jobs,
            "--at",
            "1800",
            "--format",
            "json",
        ],
        0,
    );
    assert_valid(&schema, &v, "simulate");
    let broken = |change: &dyn Fn(&mut Value)| {
        let mut w = v.clone();
        change(&mut w);
        errors(&schema, &w)
    };
    assert!(!broken(&|w| w["bogus"] = json!(1)).is_empty());
    assert!(!broken(&|w| w["cluster"]["bogus"] = json!(1)).is_empty());
    assert!(!broken(&|w| w["metrics"]["overall"]["bogus"] = json!(1)).is_empty());
    assert!(!broken(&|w| w["metrics"]["per_user"]["alice"]["bogus"] = json!(1)).is_empty());
    assert!(!broken(&|w| w["queue"]["jobs"][0]["bogus"] = json!(1)).is_empty());
    assert!(!broken(&|w| w["refused"][0]["bogus"] = json!(1)).is_empty());
    // Durations are whole seconds, not Slurm's text.
    assert!(!broken(&|w| w["metrics"]["overall"]["max_wait"] = json!("01:00:00")).is_empty());
    assert!(!broken(&|w| w["queue"]["at"] = json!("00:30:00")).is_empty());
    assert!(!broken(&|w| w["policy"] = json!("best")).is_empty());
    assert!(!broken(&|w| w["format_version"] = json!(2)).is_empty());
    assert!(
        !broken(&|w| {
            w.as_object_mut().unwrap().remove("metrics");
        })
        .is_empty()
    );
}

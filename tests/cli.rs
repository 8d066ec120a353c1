//! End-to-end tests of the `hpcsched` binary on the bundled examples.

use std::path::PathBuf;
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn hpcsched(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hpcsched"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("the hpcsched binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const INSERM: &str = "examples/clusters/inserm.conf";

/// Every example script, sorted.
fn example_scripts() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("examples/scripts"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| format!("examples/scripts/{}", e.file_name().to_string_lossy()))
        .filter(|p| {
            std::path::Path::new(p)
                .extension()
                .is_some_and(|e| e == "sh")
        })
        .collect();
    v.sort();
    v
}

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
        stderr(&o).contains(&format!("{}:2: ", conf.display())),
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
        stderr(&o).contains(&format!("{}:3: ", script.display())),
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
    let list = v.as_array().unwrap();
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

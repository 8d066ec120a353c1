//! slurm.conf end to end: the scheduling oracle's configuration (Debian Slurm 22.05.8),
//! rendered the way its setup script renders it.

use hpcsched::partition::DefMem;
use hpcsched::slurm_conf::{self, ConfError};
use hpcsched::{Cluster, ClusterError, Duration, EnforcePartLimits, Memory, TimeLimit};

const TEMPLATE: &str = include_str!("data/oracle-slurm.conf.in");

/// Replaces `@STATE@`, `@CLUSTER@`, `@SCHED_PARAMS@` and `@PORT+N@` as setup.sh does.
fn render(template: &str, sched_params: &str) -> String {
    let base = 16800u32;
    let mut out = String::new();
    let mut rest = template
        .replace("@STATE@", "/tmp/oracle-state")
        .replace("@CLUSTER@", "oracle")
        .replace("@SCHED_PARAMS@", sched_params);
    while let Some(at) = rest.find("@PORT+") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 6..];
        let end = tail.find('@').expect("closing @");
        // The header comment mentions `@PORT+N@` literally: keep it.
        match tail[..end].parse::<u32>() {
            Ok(n) => out.push_str(&(base + n).to_string()),
            Err(_) => out.push_str(&rest[at..=at + 6 + end]),
        }
        rest = tail[end + 1..].to_string();
    }
    out.push_str(&rest);
    out
}

fn oracle() -> Cluster {
    let text = render(
        TEMPLATE,
        "bf_interval=1,bf_resolution=60,bf_window=2880,sched_interval=2,bf_continue",
    );
    slurm_conf::parse(&text).expect("the oracle slurm.conf parses")
}

#[test]
fn oracle_nodes() {
    let c = oracle();
    assert_eq!(c.nodes().len(), 1 + 2 + 14 + 4 + 4);
    let h100 = c.node("h100-1").unwrap();
    assert_eq!(
        (h100.cpus, h100.sockets, h100.cores_per_socket),
        (32, 2, 16)
    );
    assert_eq!(h100.real_memory, Memory::from_mib(262_144));
    assert_eq!(h100.gres.len(), 1);
    assert_eq!(h100.gres[0].key.name, "gpu");
    assert_eq!(h100.gres[0].count, 2);
    assert!(h100.is_schedulable());
    let a100 = c.node("a100-07").unwrap();
    assert_eq!((a100.cpus, a100.real_memory.mib()), (6, 49_152));
    assert!(c.node("cpu4-4").unwrap().gres.is_empty());
}

#[test]
fn oracle_partitions() {
    let c = oracle();
    let names: Vec<_> = c.partitions().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["2xH100-96", "A40-48", "A100-10", "CPU-16", "CPU-4"]);
    assert_eq!(c.default_partition().unwrap().name, "CPU-16");
    for p in c.partitions() {
        assert_eq!(
            p.max_time,
            TimeLimit::Limited(Duration::from_secs(30 * 3600))
        );
        assert_eq!(
            p.default_time,
            Some(TimeLimit::Limited(Duration::from_secs(3600)))
        );
        assert_eq!(p.def_mem, Some(DefMem::PerCpu(Memory::from_mib(8192))));
    }
    assert_eq!(c.partition("A100-10").unwrap().nodes.len(), 14);
    assert_eq!(c.partition("A40-48").unwrap().nodes, ["a40-1", "a40-2"]);
}

#[test]
fn oracle_scheduler_config() {
    let c = oracle();
    let cfg = c.config();
    assert_eq!(cfg.scheduler_type, "sched/backfill");
    assert_eq!(cfg.select_type, "select/cons_tres");
    assert_eq!(cfg.select_type_parameters, "CR_Core_Memory");
    assert_eq!(cfg.priority_type, "priority/multifactor");
    assert_eq!(cfg.enforce_part_limits, EnforcePartLimits::All);
    let p = cfg.scheduler_params();
    assert_eq!((p.bf_interval, p.bf_resolution, p.bf_window), (1, 60, 2880));
    assert_eq!(p.sched_interval, 2);
    assert!(p.bf_continue);
    assert_eq!(p.bf_max_job_test, 500);
}

#[test]
fn oracle_unused_keys_are_warnings() {
    let c = oracle();
    let keys: Vec<_> = c.warnings().iter().map(|w| w.key.as_str()).collect();
    for k in [
        "ClusterName",
        "SlurmctldHost",
        "AuthType",
        "ProctrackType",
        "GresTypes",
        "NodeHostname",
        "NodeAddr",
        "Port",
        "KillWait",
    ] {
        assert!(keys.contains(&k), "no warning for {k}: {keys:?}");
    }
    // Every warning points at a real line of the file.
    let lines = TEMPLATE.lines().count();
    assert!(c.warnings().iter().all(|w| w.line >= 1 && w.line <= lines));
    // The node lines each warn once per unmodelled key.
    let first_node_line = TEMPLATE
        .lines()
        .position(|l| l.starts_with("NodeName=h100-1"))
        .unwrap()
        + 1;
    let on_line: Vec<_> = c
        .warnings()
        .iter()
        .filter(|w| w.line == first_node_line)
        .map(|w| w.key.as_str())
        .collect();
    assert_eq!(on_line, ["NodeHostname", "NodeAddr", "Port"]);
}

#[test]
fn oracle_with_bad_scheduler_parameters_falls_back() {
    let text = render(TEMPLATE, "bf_resolution=0,bf_continue");
    let c = slurm_conf::parse(&text).unwrap();
    assert_eq!(c.config().scheduler_params().bf_resolution, 60);
    assert!(
        c.warnings()
            .iter()
            .any(|w| w.key == "SchedulerParameters" && w.message.contains("bf_resolution"))
    );
}

#[test]
fn malformed_oracle_lines() {
    let good = render(TEMPLATE, "bf_continue");
    let line_of = |needle: &str| good.lines().position(|l| l.starts_with(needle)).unwrap() + 1;

    let bad = good.replace("CPUs=6 Boards=1", "CPUs=6 Bords=1");
    assert_eq!(
        slurm_conf::parse(&bad),
        Err(ConfError::UnknownKey {
            line: line_of("NodeName=a100"),
            section: "NodeName",
            key: "Bords".into()
        })
    );

    let bad = good.replace("RealMemory=32768", "RealMemory=32G");
    assert_eq!(
        slurm_conf::parse(&bad),
        Err(ConfError::Value {
            line: line_of("NodeName=cpu4"),
            key: "RealMemory".into(),
            value: "32G".into(),
            why: "not a valid number".into()
        })
    );

    let bad = good.replace("Nodes=cpu4-[1-4]", "Nodes=cpu4-[1-5]");
    assert_eq!(
        slurm_conf::parse(&bad),
        Err(ConfError::Cluster {
            line: line_of("PartitionName=CPU-4"),
            source: ClusterError::UnknownNode {
                partition: "CPU-4".into(),
                node: "cpu4-5".into()
            }
        })
    );

    let bad = format!("{good}NodeName=a40-2 CPUs=1\n");
    assert_eq!(
        slurm_conf::parse(&bad),
        Err(ConfError::Cluster {
            line: good.lines().count() + 1,
            source: ClusterError::DuplicateNode("a40-2".into())
        })
    );

    let bad = good.replace(
        "MaxTime=30:00:00 DefaultTime=1:00:00 DefMemPerCPU=8192 State=UP Default=YES",
        "MaxTime=thirty DefaultTime=1:00:00 DefMemPerCPU=8192 State=UP Default=YES",
    );
    assert!(matches!(
        slurm_conf::parse(&bad),
        Err(ConfError::Value { line, ref key, .. }) if line == line_of("PartitionName=CPU-16") && key == "MaxTime"
    ));
}

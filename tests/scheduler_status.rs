//! Accounting records and status views on the bundled shared-GPU cluster, exact values.

use hpcsched::{Cluster, JobState, Scheduler, Timestamp, TresKind};

fn shared_gpu() -> Scheduler {
    let mut cluster =
        Cluster::from_slurm_conf(include_str!("../examples/clusters/shared-gpu.conf"))
            .unwrap_or_else(|e| panic!("{e}"));
    hpcsched::cluster::add_qos_text(
        &mut cluster,
        include_str!("../examples/clusters/shared-gpu.qos"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    Scheduler::new(cluster)
}

fn submit(s: &mut Scheduler, args: &[&str], user: &str, now: u64) -> hpcsched::JobId {
    let req = hpcsched::sbatch::parse_args(args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    s.submit(&req, user, Timestamp(now))
        .unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

#[test]
fn gpu_usage_against_a_qos_limit() {
    let mut s = shared_gpu();
    let a = submit(
        &mut s,
        &["-p", "gpu", "-q", "gpu4", "--gres=gpu:a100:3", "-t", "60"],
        "alice",
        0,
    );
    let b = submit(
        &mut s,
        &["-p", "gpu", "-q", "gpu4", "--gres=gpu:h100:1", "-t", "60"],
        "alice",
        0,
    );
    let _other = submit(
        &mut s,
        &["-p", "gpu", "-q", "gpu4", "--gres=gpu:a100:2", "-t", "60"],
        "bob",
        0,
    );
    s.schedule(Timestamp(0));
    assert_eq!(s.job(a).map(hpcsched::Job::state), Some(JobState::Running));
    assert_eq!(s.job(b).map(hpcsched::Job::state), Some(JobState::Running));
    let usage = s.qos_user_usage("gpu4", "alice").unwrap_or_default();
    assert_eq!(usage.len(), 1);
    assert_eq!(usage[0].kind, TresKind::Gres(hpcsched::GresKey::new("gpu")));
    assert_eq!((usage[0].used, usage[0].limit), (4, 4));
    assert!(s.qos_user_usage("nosuch", "alice").is_none());

    let alice = s.user_usage("alice");
    assert_eq!(
        (
            alice.running_jobs,
            alice.pending_jobs,
            alice.held.gres_total("gpu")
        ),
        (2, 0, 4)
    );

    let gpu = s.partition_usage("gpu").unwrap_or_default();
    assert_eq!(
        (gpu.nodes, gpu.gpus, gpu.gpus_allocated),
        (12, 8 * 4 + 4 * 8, 6)
    );
    // Lowest weight first within a type; alice's 3 A100 and bob's 2 A100 cannot share a
    // 4-GPU node, so three nodes are in use: two A100 nodes and one H100 node.
    assert_eq!(
        (gpu.idle, gpu.mixed, gpu.allocated, gpu.unavailable),
        (9, 3, 0, 0)
    );
}

#[test]
fn records_like_sacct() {
    let mut s = shared_gpu();
    let ok = submit(
        &mut s,
        &["-J", "ok", "-n", "4", "--mem=8G", "-t", "10"],
        "alice",
        0,
    );
    let late = submit(
        &mut s,
        &["-J", "late", "-n", "1", "--mem=1G", "-t", "5"],
        "bob",
        0,
    );
    let arr = submit(
        &mut s,
        &[
            "-J",
            "arr",
            "-n",
            "1",
            "--mem=1G",
            "-t",
            "5",
            "--array=0-3%1",
        ],
        "bob",
        0,
    );
    s.schedule(Timestamp(0));
    s.job_finished(ok, Timestamp(120), 0)
        .unwrap_or_else(|e| panic!("{e}"));
    s.schedule(Timestamp(300));
    let records = s.records(Timestamp(300));
    let find = |id| {
        records
            .iter()
            .find(|r| r.job == id)
            .cloned()
            .unwrap_or_else(|| panic!("no record {id}"))
    };
    let r = find(ok);
    assert_eq!(
        (r.state, r.elapsed.as_secs(), r.exit_code),
        (JobState::Completed, 120, 0)
    );
    assert_eq!(
        (
            r.nodes.as_str(),
            r.alloc_tres.as_str(),
            r.partition.as_str()
        ),
        ("cpu001", "cpu=4,mem=8192M,node=1", "cpu")
    );
    let r = find(late);
    assert_eq!(
        (r.state, r.end, r.elapsed.as_secs()),
        (JobState::Timeout, Some(Timestamp(300)), 300)
    );
    // Task 0 timed out at 300 and, in the same pass, task 1 took its place (%1 throttle);
    // tasks 2-3 still wait in the array's pending record.
    let pending = find(arr);
    assert_eq!(
        (pending.display_id.as_str(), pending.state),
        ("3_[2-3%1]", JobState::Pending)
    );
    assert!(
        records
            .iter()
            .any(|r| r.display_id == "3_0" && r.state == JobState::Timeout)
    );
    assert!(records.iter().any(|r| r.display_id == "3_1"
        && r.state == JobState::Running
        && r.start == Some(Timestamp(300))));
}

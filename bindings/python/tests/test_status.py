"""Accounting records and status views through Python, with exact values."""

from pathlib import Path

import hpcsched

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "clusters"


def shared_gpu() -> hpcsched.Scheduler:
    cluster = hpcsched.Cluster.from_slurm_conf((EXAMPLES / "shared-gpu.conf").read_text())
    cluster.add_qos((EXAMPLES / "shared-gpu.qos").read_text())
    return hpcsched.Scheduler(cluster)


def submit(s: hpcsched.Scheduler, user: str, *args: str) -> int:
    return s.submit(hpcsched.JobRequest.from_args(list(args)), user, now=0)


def test_records_like_sacct() -> None:
    s = shared_gpu()
    ok = submit(s, "alice", "-J", "ok", "-n", "4", "--mem=8G", "-t", "10")
    s.schedule(now=0)
    s.job_finished(ok, now=120, exit_code=0)
    (record,) = s.records(now=120)
    assert (record.job, record.display_id, record.name, record.user) == (ok, str(ok), "ok", "alice")
    assert (record.state, record.exit_code, record.elapsed) == ("COMPLETED", 0, 120)
    assert (record.start, record.end, record.time_limit) == (0, 120, 600)
    assert (record.nodes, record.alloc_tres, record.partition) == ("cpu001", "cpu=4,mem=8192M,node=1", "cpu")
    assert "COMPLETED" in repr(record)


def test_usage_views() -> None:
    s = shared_gpu()
    submit(s, "alice", "-p", "gpu", "-q", "gpu4", "--gres=gpu:a100:3", "-t", "60")
    submit(s, "alice", "-p", "gpu", "-q", "gpu4", "--gres=gpu:h100:1", "-t", "60")
    waiting = submit(s, "alice", "-p", "gpu", "--gres=gpu:h100:8", "-N", "4", "-t", "60")  # H100s busy
    s.schedule(now=0)
    usage = s.user_usage("alice")
    assert (usage.running_jobs, usage.pending_jobs, usage.gpus, usage.nodes) == (2, 1, 4, 2)
    (limit,) = s.qos_user_usage("gpu4", "alice") or []
    assert (limit.tres, limit.used, limit.limit) == ("gres/gpu", 4, 4)
    assert s.qos_user_usage("nosuch", "alice") is None
    gpu = s.partition_usage("gpu")
    assert gpu is not None
    assert (gpu.nodes, gpu.idle, gpu.mixed, gpu.gpus, gpu.gpus_allocated) == (12, 10, 2, 64, 4)
    assert s.partition_usage("nosuch") is None
    pending = [r for r in s.records(now=0) if r.job == waiting]
    assert [(r.state, r.start, r.time_limit, r.alloc_tres) for r in pending] == [("PENDING", None, 3600, "")]

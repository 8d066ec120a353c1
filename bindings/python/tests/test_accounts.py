"""A shared cluster's policy through Python: accounts and users from a sacctmgr script or a
dump, a per-user GPU cap with its usage view, sbatch's refusals, and fair-share as sprio
and sshare show it. Exact values, from the core's scenarios (tests/limits.rs,
tests/fair_share.rs)."""

from __future__ import annotations

from pathlib import Path

import pytest

import hpcsched

ROOT = Path(__file__).resolve().parents[3]

GPU_CONF = """\
SelectType=select/cons_tres
DefMemPerCPU=100
NodeName=g[1-4] CPUs=8 RealMemory=64000 Gres=gpu:2
PartitionName=gpu Nodes=g[1-4] Default=YES QOS=gpu4
"""

ACCOUNTS = """\
sacctmgr -i add cluster shared
sacctmgr -i add qos gpu4 MaxTRESPerUser=gres/gpu=4
sacctmgr -i add account lab Fairshare=10 GrpJobs=20
sacctmgr -i add user alice,bob Account=lab
"""

FAIR_CONF = """\
SelectType=select/cons_tres
PriorityType=priority/multifactor
PriorityWeightFairshare=10000
PriorityWeightAge=0
PriorityCalcPeriod=1
PriorityDecayHalfLife=1-0
NodeName=n1 CPUs=4 RealMemory=4000
PartitionName=p Nodes=n1 Default=YES
"""

ONE_GPU = hpcsched.JobRequest.from_args(["--gres=gpu:1", "-t", "60"])


def gpu_cluster() -> hpcsched.Cluster:
    cluster = hpcsched.Cluster.from_slurm_conf(GPU_CONF)
    cluster.add_sacctmgr(ACCOUNTS)
    return cluster


def test_the_gpu_cap_and_the_usage_view() -> None:
    s = hpcsched.Scheduler(gpu_cluster())
    alice = [s.submit(ONE_GPU, "alice", now=0) for _ in range(5)]
    bob = s.submit(ONE_GPU, "bob", now=0)
    started = [d.job for d in s.schedule(now=0) if d.kind == "start"]
    assert started == alice[:4] + [bob]
    job = s.job(alice[4])
    assert job is not None and job.reason == "QOSMaxGRESPerUser"

    gpus, lab = s.user_limits("alice")
    assert (gpus.owner, gpus.qos, gpus.account, gpus.user, gpus.partition) == (
        "qos", "gpu4", None, None, None
    )
    assert (gpus.counts, gpus.counts_account, gpus.of, gpus.tres) == ("user", None, "tres", "gres/gpu")
    assert (gpus.used, gpus.limit) == (4, 4)  # "Using 4/4 GPUs"
    # GrpJobs=20 on the account counts every job of lab: alice's four and bob's one.
    assert (lab.owner, lab.qos, lab.account, lab.user) == ("association", None, "lab", None)
    assert (lab.counts, lab.of, lab.tres, lab.used, lab.limit) == ("all", "running_jobs", None, 5, 20)
    assert repr(gpus) == "LimitStatus(qos='gpu4', counts='user', of='gres/gpu', used=4, limit=4)"
    assert gpus == s.user_limits("alice")[0] and hash(gpus) == hash(s.user_limits("alice")[0])
    assert [(l.used, l.limit) for l in s.user_limits("bob")] == [(1, 4), (5, 20)]

    s.job_finished(alice[0], now=60)
    assert [d.job for d in s.schedule(now=60) if d.kind == "start"] == [alice[4]]
    assert (s.user_limits("alice")[0].used, s.user_limits("carol")[0].used) == (4, 0)


def test_sbatch_refuses_a_user_or_qos_without_an_association() -> None:
    s = hpcsched.Scheduler(gpu_cluster())
    with pytest.raises(hpcsched.RejectedError) as e:
        s.submit(ONE_GPU, "carol", now=0)
    assert str(e.value) == "Invalid account or account/partition combination specified"
    assert e.value.reasons == ["Invalid account or account/partition combination specified"]
    assert isinstance(e.value, hpcsched.SubmitError)
    with pytest.raises(hpcsched.RejectedError, match="^Invalid account or account/partition"):
        s.submit(hpcsched.JobRequest.from_args(["-A", "physics", "-t", "5"]), "alice", now=0)
    with pytest.raises(hpcsched.RejectedError) as e:
        s.submit(hpcsched.JobRequest.from_args(["-q", "nosuch", "-t", "5"]), "bob", now=0)
    assert e.value.reasons == ["Invalid qos specification"]
    assert s.jobs() == []


def test_script_errors_name_the_line_and_change_nothing() -> None:
    cluster = hpcsched.Cluster.from_slurm_conf(GPU_CONF)
    with pytest.raises(hpcsched.ParseError) as e:
        cluster.add_sacctmgr("add cluster shared\nadd qos gpu4\nadd user frank Account=nope\n")
    assert str(e.value) == "line 3: This account 'nope' doesn't exist."
    assert e.value.line == 3
    assert not isinstance(e.value, hpcsched.QosError)
    assert cluster.dump_accounts() is None and cluster.qos_names == []
    with pytest.raises(hpcsched.QosError) as q:
        cluster.add_sacctmgr("add cluster shared\nadd qos gpu4 Bogus=1\n")
    assert q.value.line == 2
    with pytest.raises(hpcsched.ParseError) as d:
        cluster.load_sacctmgr_dump("Account - 'x'\n")
    assert d.value.line == 1


def test_the_dump_reads_back() -> None:
    cluster = gpu_cluster()
    dump = cluster.dump_accounts()
    assert dump is not None
    assert "Cluster - 'shared'" in dump and "User - 'alice'" in dump
    again = hpcsched.Cluster.from_slurm_conf(GPU_CONF)
    again.add_qos("add qos gpu4 MaxTRESPerUser=gres/gpu=4\n")
    again.load_sacctmgr_dump(dump)
    assert again.dump_accounts() == dump
    # add_accounts tells a dump from a script.
    other = hpcsched.Cluster.from_slurm_conf(GPU_CONF)
    other.add_qos("add qos gpu4\n")
    other.add_accounts(dump)
    assert other.dump_accounts() == dump
    other.add_accounts("add account chem\n")
    assert "Account - 'chem'" in (other.dump_accounts() or "")


def test_fair_share_puts_the_light_user_first() -> None:
    s = hpcsched.Scheduler(hpcsched.Cluster.from_slurm_conf(FAIR_CONF))
    four = hpcsched.JobRequest.from_args(["-n4", "-t", "60"])
    used = s.submit(four, "alice", now=0)
    # bob is known: his first job waits for its begin time.
    first = s.submit(hpcsched.JobRequest.from_args(["-n4", "-t", "60", "--begin=now+3600"]), "bob", now=0)
    s.schedule(now=0)
    s.job_finished(used, now=600)
    blocker = s.submit(four, "carol", now=600)
    s.schedule(now=600)
    a = s.submit(four, "alice", now=610)
    b = s.submit(four, "bob", now=620)
    s.schedule(now=660)
    rows = s.priorities()
    assert [(r.job, r.user, r.priority, r.fairshare) for r in rows] == [
        (first, "bob", 10000, 10000),
        (a, "alice", 3333, 3333),
        (b, "bob", 10000, 10000),
    ]
    assert (rows[2].fairshare_factor, rows[2].partition, rows[2].age, rows[2].nice) == (1.0, "p", 0, 0)
    assert repr(rows[1]).startswith(f"PriorityRow(job={a}, user='alice', priority=3333")
    s.job_finished(blocker, now=700)
    # bob's job, submitted after alice's, starts first.
    assert [d.job for d in s.schedule(now=700) if d.kind == "start"] == [b]

    shares = s.shares()
    assert [(r.account, r.user, r.depth) for r in shares] == [
        ("root", None, 0), ("root", "alice", 1), ("root", "bob", 1), ("root", "carol", 1)
    ]
    root, alice, bob, carol = shares
    assert (root.raw_shares, root.fair_share) == (None, None)
    assert alice.raw_shares == 1 and alice.raw_usage > carol.raw_usage > 0
    assert (bob.raw_usage, bob.fair_share) == (0, 1.0)
    with pytest.raises(TypeError):
        hash(bob)


def test_no_fair_share_no_rows() -> None:
    s = hpcsched.Scheduler(hpcsched.Cluster.from_slurm_conf(GPU_CONF))
    s.submit(ONE_GPU, "alice", now=0)
    s.schedule(now=0)
    assert (s.shares(), s.priorities()) == ([], [])
    assert s.user_limits("alice") == []


def test_simulate_with_accounts(tmp_path: Path) -> None:
    """The CLI's scenario (tests/cli.rs): alice's fifth GPU job waits for her first."""
    accounts = tmp_path / "site.accounts"
    accounts.write_text(
        "sacctmgr -i add cluster shared\n"
        "sacctmgr -i add qos gpu4 Priority=10 MaxTRESPerUser=gres/gpu=4\n"
        "sacctmgr -i add account lab\n"
        "sacctmgr -i add user alice,bob Account=lab QOS=normal,gpu4 DefaultQOS=gpu4\n"
    )
    jobs = hpcsched.parse_job_list(
        "".join(f"0 {600 if i == 1 else 900} alice -p gpu --gres=gpu:1 -t 20 -J A{i}\n" for i in range(1, 6))
        + "10 900 bob -p gpu --gres=gpu:1 -t 20 -J B1\n"
        + "20 60 carol -p gpu -t 5 -J C1\n"
    )
    cluster = hpcsched.Cluster.from_slurm_conf((ROOT / "examples/clusters/shared-gpu.conf").read_text())
    result = hpcsched.simulate(cluster, jobs, accounts=accounts)
    starts = {r.name: r.start for r in result.records}
    assert starts == {"A1": 0, "A2": 0, "A3": 0, "A4": 0, "A5": 600, "B1": 10}
    assert {r.account for r in result.records} == {"lab"}
    assert [(r.line, r.reason) for r in result.refused] == [
        (7, "Invalid account or account/partition combination specified")
    ]
    assert cluster.dump_accounts() is None, "the replay ran on a copy"

    bad = tmp_path / "bad.accounts"
    bad.write_text("add cluster shared\nadd user frank Account=nope\n")
    with pytest.raises(hpcsched.ParseError) as e:
        hpcsched.simulate(cluster, jobs, accounts=bad)
    assert str(e.value) == f"{bad}: line 2: This account 'nope' doesn't exist."
    assert e.value.line == 2
    with pytest.raises(FileNotFoundError):
        hpcsched.simulate(cluster, jobs, accounts=tmp_path / "missing.accounts")

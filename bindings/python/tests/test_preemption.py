"""Preemption through Python: a high-tier job taking the place of a best-effort one under
``PreemptType=preempt/partition_prio`` (the exact decisions, GraceTime's later ``at``),
the scheduler's and a replay's preemption stats, and the requeued job's runs."""

import pickle

import pytest

import hpcsched
from hpcsched import Decision, PreemptionStats


def tiers(mode: str, low_extra: str = "") -> hpcsched.Cluster:
    """Four 4-CPU nodes shared by a best-effort tier and a high tier (tests/preemption.rs)."""
    return hpcsched.Cluster.from_slurm_conf(
        "SelectType=select/cons_tres\n"
        "SelectTypeParameters=CR_Core_Memory\n"
        "PreemptType=preempt/partition_prio\n"
        f"PreemptMode={mode}\n"
        "NodeName=n[1-4] CPUs=4 RealMemory=4000\n"
        f"PartitionName=low Nodes=n[1-4] PriorityTier=1 DefMemPerCPU=100 Default=YES {low_extra}\n"
        "PartitionName=high Nodes=n[1-4] PriorityTier=10 DefMemPerCPU=100\n"
    )


def args(*a: str) -> hpcsched.JobRequest:
    return hpcsched.JobRequest.from_args(list(a))


LOW = ("-p", "low", "-N4", "-n16", "-t", "60")
HIGH = ("-p", "high", "-N2", "-n8", "-t", "30")


def stats(p: PreemptionStats) -> tuple[int, int, int, int, int]:
    return (p.preempted, p.cancelled, p.requeued, p.suspended, p.lost_cpu_seconds)


def runs(records: list[hpcsched.JobRecord], job: int) -> list[tuple[object, ...]]:
    return [(r.state, r.start, r.end, r.restarts) for r in records if r.job == job]


def test_a_high_tier_job_requeues_the_best_effort_job() -> None:
    s = hpcsched.Scheduler(tiers("REQUEUE"))
    assert stats(s.preemption_stats()) == (0, 0, 0, 0, 0)
    low = s.submit(args(*LOW), "alice", 0)
    [start] = s.schedule(0)
    assert (start.kind, start.job, start.partition, start.node_names) == (
        "start",
        low,
        "low",
        ["n1", "n2", "n3", "n4"],
    )
    assert (start.by, start.action, start.at) == (None, None, None)
    high = s.submit(args(*HIGH), "bob", 100)
    # Done at once (at == now): the low job is PENDING again; the high one waits for its
    # nodes and starts in the pass the second after.
    assert s.schedule(100) == [Decision("preempt", low, by=high, action="REQUEUE", at=100)]
    job = s.job(low)
    assert job is not None and (job.state, job.reason) == ("PENDING", "BeginTime")
    assert s.next_event_time(100) == 101
    [start] = s.schedule(101)
    assert (start.kind, start.job, start.partition, start.node_names) == (
        "start",
        high,
        "high",
        ["n1", "n2"],
    )
    # 16 CPUs for 100 s lost.
    assert stats(s.preemption_stats()) == (1, 0, 1, 0, 1600)
    # sacct --duplicates: the preempted run, then the job pending again with Restarts=1.
    assert runs(s.records(150), low) == [("PREEMPTED", 0, 100, 0), ("PENDING", None, None, 1)]
    # It starts again, from the beginning, when the high job ends.
    s.job_finished(high, 500, 0)
    assert [(d.kind, d.job) for d in s.schedule(500)] == [("start", low)]
    assert runs(s.records(600), low) == [("PREEMPTED", 0, 100, 0), ("RUNNING", 500, None, 1)]


def test_grace_time_signals_first_then_cancels() -> None:
    s = hpcsched.Scheduler(tiers("CANCEL", "GraceTime=20"))
    low = s.submit(args(*LOW), "alice", 0)
    s.schedule(0)
    high = s.submit(args("-p", "high", "-n4", "-t", "30"), "bob", 10)
    signal = Decision("preempt", low, by=high, action="CANCEL", at=30)
    # at later than now: signal the job now, it keeps running until then.
    assert s.schedule(10) == [signal]
    job = s.job(low)
    assert job is not None and job.state == "RUNNING"
    assert s.schedule(20) == []
    assert s.schedule(30) == [signal]
    job = s.job(low)
    assert job is not None and job.state == "PREEMPTED"
    assert [(d.kind, d.job) for d in s.schedule(31)] == [("start", high)]
    assert stats(s.preemption_stats()) == (1, 1, 0, 0, 16 * 30)


def test_preempt_and_resume_decisions_are_values() -> None:
    d = Decision("preempt", 3, by=7, action="SUSPEND", at=40)
    assert (d.kind, d.job, d.by, d.action, d.at) == ("preempt", 3, 7, "SUSPEND", 40)
    assert (d.partition, d.nodes, d.state, d.reason) == (None, [], None, None)
    assert repr(d) == "Decision('preempt', job=3, by=7, action='SUSPEND', at=40)"
    assert pickle.loads(pickle.dumps(d)) == d
    assert hash(d) == hash(Decision("preempt", 3, by=7, action="SUSPEND", at=40))
    assert d != Decision("preempt", 3, by=7, action="SUSPEND", at=41)
    r = Decision("resume", 3)
    assert repr(r) == "Decision('resume', job=3)"
    assert pickle.loads(pickle.dumps(r)) == r
    match d:
        case Decision("preempt", job):
            assert job == 3
        case _:
            pytest.fail("no match")
    with pytest.raises(ValueError, match="'preempt' or 'resume'"):
        Decision("suspend", 3)  # type: ignore[arg-type]


JOBS = "0 3600 alice -p low -N4 -n16 -t 60\n100 600 bob -p high -N2 -n8 -t 30\n"


def test_simulate_carries_the_preemption_stats() -> None:
    cluster = tiers("REQUEUE")
    result = hpcsched.simulate(cluster, hpcsched.parse_job_list(JOBS, cluster))
    p = result.preemption
    assert stats(p) == (1, 0, 1, 0, 1600)
    assert p == result.preemption and hash(p) == hash(result.preemption)
    assert repr(p) == (
        "PreemptionStats(preempted=1, cancelled=0, requeued=1, suspended=0, lost_cpu_seconds=1600)"
    )
    # Job 1's preempted run, then its run after job 2 (101 to 701); a record per run.
    assert runs(result.records, 1) == [("PREEMPTED", 0, 100, 0), ("COMPLETED", 701, 4301, 1)]
    assert runs(result.records, 2) == [("COMPLETED", 101, 701, 0)]
    assert len(result) == 3
    # The metrics count jobs, and the preempted run apart: its CPU time was lost.
    overall = result.summary.overall
    assert (overall.jobs, overall.preempted, overall.requeued, overall.lost_cpu_seconds) == (
        2,
        1,
        1,
        1600,
    )

    # The same jobs without preemption: the high job waits, nothing is lost.
    plain = hpcsched.Cluster.from_slurm_conf(
        "SelectType=select/cons_tres\n"
        "SelectTypeParameters=CR_Core_Memory\n"
        "NodeName=n[1-4] CPUs=4 RealMemory=4000\n"
        "PartitionName=low Nodes=n[1-4] PriorityTier=1 DefMemPerCPU=100 Default=YES\n"
        "PartitionName=high Nodes=n[1-4] PriorityTier=10 DefMemPerCPU=100\n"
    )
    result = hpcsched.simulate(plain, hpcsched.parse_job_list(JOBS, plain))
    assert stats(result.preemption) == (0, 0, 0, 0, 0)
    assert all(r.restarts == 0 for r in result.records)
    assert runs(result.records, 2) == [("COMPLETED", 3600, 4200, 0)]


def test_suspend_gang_suspends_and_resumes() -> None:
    s = hpcsched.Scheduler(tiers("SUSPEND,GANG"))
    low = s.submit(
        args("-p", "low", "-N4", "--ntasks-per-node=2", "--mem=500", "-t", "60"), "alice", 0
    )
    s.schedule(0)
    high = s.submit(
        args("-p", "high", "-N4", "--ntasks-per-node=4", "--mem=500", "-t", "30"), "bob", 100
    )
    # The high job starts at once over the low job's CPUs; the low job is suspended.
    decisions = s.schedule(100)
    assert [(d.kind, d.job) for d in decisions] == [("preempt", low), ("start", high)]
    assert (decisions[0].by, decisions[0].action, decisions[0].at) == (high, "SUSPEND", 100)
    job = s.job(low)
    assert job is not None and job.state == "SUSPENDED"
    s.job_finished(high, 400, 0)
    assert s.schedule(400) == [Decision("resume", low)]
    job = s.job(low)
    assert job is not None and job.state == "RUNNING"
    assert stats(s.preemption_stats()) == (1, 0, 0, 1, 0)

"""hpcsched.simulate: replays of job lists and SWF traces through the core's simulator,
with exact values, the errors, and the pandas/matplotlib presentation."""

from __future__ import annotations

import doctest
import gzip
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import hpcsched

DATA = Path(__file__).resolve().parents[3] / "tests" / "data" / "workload"
RICC = DATA / "RICC-2010-2-first10k.swf.gz"

# Four whole nodes; the backfill scenario of SLURM_NOTES: A runs on 3 nodes, B needs all
# 4 and waits for A, C fits on the 4th node and ends before A (backfills), D would delay
# B and waits until B is done.
FOUR_NODES = "NodeName=n[1-4] CPUs=4\nPartitionName=p Nodes=n[1-4] Default=YES OverSubscribe=EXCLUSIVE\n"
BACKFILL = """\
# submit run   user   options
0       3600  alice  -N3 -t 60  -J A
0       3600  alice  -N4 -t 60  -J B
0       1800  alice  -N1 -t 30  -J C
0       7200  alice  -N1 -t 120 -J D
"""

# The machine an SWF header of 1,024 nodes x 8 cores describes (what simulate builds
# when no cluster is given).
RICC_CONF = """\
SelectTypeParameters=CR_Core
NodeName=n[0001-1024] CPUs=8
PartitionName=swf Nodes=n[0001-1024] Default=YES MaxTime=UNLIMITED State=UP
"""


@pytest.fixture
def four() -> hpcsched.Cluster:
    return hpcsched.Cluster.from_slurm_conf(FOUR_NODES)


def by_name(result: hpcsched.SimResult) -> dict[str, hpcsched.JobRecord]:
    return {r.name: r for r in result.records}


# ---------------------------------------------------------------------------------------
# Job lists
# ---------------------------------------------------------------------------------------


def test_backfill_scenario_exact_starts(four: hpcsched.Cluster) -> None:
    result = hpcsched.simulate(four, hpcsched.parse_job_list(BACKFILL), policy="easy")
    assert [(r.name, r.start, r.end, r.state) for r in result.records] == [
        ("A", 0, 3600, "COMPLETED"),
        ("B", 3600, 7200, "COMPLETED"),
        ("C", 0, 1800, "COMPLETED"),
        ("D", 7200, 14400, "COMPLETED"),
    ]
    jobs = by_name(result)
    assert (jobs["A"].nodes, jobs["A"].alloc_cpus) == ("n[1-3]", 12)
    assert (jobs["B"].nodes, jobs["B"].alloc_cpus) == ("n[1-4]", 16)
    assert (jobs["C"].nodes, jobs["D"].nodes) == ("n4", "n1")
    assert (result.submitted, result.refused, result.skipped, result.estimates) == (4, [], [], [])
    assert (result.workload_format, result.policy, result.overrun, result.end) == ("job_list", "easy", "kill", 14400)
    assert (len(result), result.stopped) == (4, False)
    assert result.passes > 0
    assert repr(result).startswith("SimResult(policy='easy', jobs=4, submitted=4, refused=0, skipped=0, passes=")


def test_summary_mirrors_the_core_metrics(four: hpcsched.Cluster) -> None:
    summary = hpcsched.simulate(four, hpcsched.parse_job_list(BACKFILL)).summary
    s = summary.overall
    # waits 0, 3600, 0, 7200
    assert (s.jobs, s.started, s.never_started, s.ran, s.completed) == (4, 4, 0, 4, 4)
    assert (s.mean_wait, s.median_wait, s.p95_wait, s.max_wait) == (2700.0, 1800.0, 7200, 7200)
    # bounded slowdowns 1, 2, 1, 2
    assert s.mean_bounded_slowdown == 1.5
    # (12 x 3600 + 16 x 3600 + 4 x 1800 + 4 x 7200) CPU-s over 16 CPUs x 14400 s
    assert (s.cpu_seconds, s.makespan, s.utilization) == (136800, 14400, 0.59375)
    assert s.throughput == 1.0
    assert (s.first_submit, s.first_start, s.last_end) == (0, 0, 14400)
    assert summary.total_cpus == 16
    assert list(summary.per_partition) == ["p"] and list(summary.per_user) == ["alice"]
    assert summary.per_partition["p"] == s
    assert summary.per_user["alice"].utilization is None  # no CPUs per user
    d = summary.to_dict()
    assert d["total_cpus"] == 16
    assert d["overall"] == s.to_dict()
    assert list(s.to_dict())[:3] == ["jobs", "started", "never_started"]
    assert d["per_user"]["alice"]["mean_wait"] == 2700.0
    assert str(summary).startswith("Jobs              4 (4 started")
    assert "Utilization       59.4 %" in str(summary)


def test_policies_differ(four: hpcsched.Cluster) -> None:
    jobs = hpcsched.parse_job_list(BACKFILL)
    starts = {
        policy: [r.start for r in hpcsched.simulate(four, jobs, policy=policy).records]
        for policy in ("fifo", "easy", "conservative")
    }
    # FIFO: B blocks the partition, so C and D wait for it.
    assert starts == {"fifo": [0, 3600, 7200, 7200], "easy": [0, 3600, 0, 7200], "conservative": [0, 3600, 0, 7200]}


def test_overrun_kill_or_allow(four: hpcsched.Cluster) -> None:
    jobs = hpcsched.parse_job_list("0 600 alice -N1 -t 5 -J long\n")
    (killed,) = hpcsched.simulate(four, jobs).records
    assert (killed.state, killed.start, killed.end) == ("TIMEOUT", 0, 300)
    allowed = hpcsched.simulate(four, jobs, overrun="allow")
    assert allowed.overrun == "allow"
    (ran,) = allowed.records
    assert (ran.state, ran.end, ran.time_limit) == ("COMPLETED", 600, 300)


def test_stop_at_leaves_the_queue_as_squeue_shows_it(four: hpcsched.Cluster) -> None:
    result = hpcsched.simulate(four, hpcsched.parse_job_list(BACKFILL), policy="easy", stop_at=1000)
    assert (result.stopped, result.end) == (True, 0)  # nothing happens between 0 and 1000
    assert [(r.name, r.state, r.start) for r in result.records] == [
        ("A", "RUNNING", 0),
        ("B", "PENDING", None),
        ("C", "RUNNING", 0),
        ("D", "PENDING", None),
    ]
    # EASY: only B, the first blocked job, is planned; conservative plans D as well.
    assert [(e.job, e.start) for e in result.estimates] == [(2, 3600), (4, None)]
    conservative = hpcsched.simulate(four, hpcsched.parse_job_list(BACKFILL), policy="conservative", stop_at=1000)
    assert [(e.job, e.start) for e in conservative.estimates] == [(2, 3600), (4, 7200)]
    # The queue as squeue --start shows it: running jobs by start, then pending ones.
    assert [(q.job_id, q.state_code, q.start_time, q.nodes, q.nodelist, q.sched_nodes, q.reason)
            for q in result.queue] == [
        ("1", "R", 0, 3, "n[1-3]", None, None),
        ("3", "R", 0, 1, "n4", None, None),
        ("2", "PD", 3600, 4, None, "n[1-4]", "Resources"),
        ("4", "PD", None, 1, None, None, "Priority"),
    ]
    assert repr(result.queue[2]) == (
        "QueueRow(job_id='2', state='PD', start_time=3600, nodes=4, reason='Resources')"
    )
    assert (result.summary.overall.jobs, result.summary.overall.started) == (4, 2)
    assert "stopped=True" in repr(result)
    # Later, with jobs already ended: each job is listed once, ended or not.
    later = hpcsched.simulate(four, hpcsched.parse_job_list(BACKFILL), stop_at=5000)
    assert (later.stopped, later.end) == (True, 3600)
    assert [(r.name, r.state, r.start, r.end) for r in later.records] == [
        ("A", "COMPLETED", 0, 3600),
        ("B", "RUNNING", 3600, None),
        ("C", "COMPLETED", 0, 1800),
        ("D", "PENDING", None, None),
    ]


# Two whole nodes, jobs of at most an hour: A fails at 120; "held" is held, "dep" needs A
# to succeed, "long" is over MaxTime (queued all the same: EnforcePartLimits=NO). B waits
# for A and runs from 120 to 420.
TWO_NODES_ONE_HOUR = (
    "NodeName=n[1-2] CPUs=4\nPartitionName=p Nodes=n[1-2] Default=YES OverSubscribe=EXCLUSIVE MaxTime=60\n"
)
STUCK = """\
0   120:1  u  -N1 -t 10  -J A
0   50     u  -N1 -t 10  -J held -H
0   50     u  -N1 -t 10  -J dep -d afterok:A
0   50     u  -N1 -t 120 -J long
10  300    u  -N2 -t 10  -J B
"""


@pytest.mark.parametrize("policy", ["fifo", "easy", "conservative", "slurm"])
def test_a_replay_with_jobs_that_never_start_ends(policy: str) -> None:
    cluster = hpcsched.Cluster.from_slurm_conf(TWO_NODES_ONE_HOUR)
    result = hpcsched.simulate(cluster, hpcsched.parse_job_list(STUCK), policy=policy)
    assert (result.stopped, result.end, result.passes) == (False, 420, 4)
    assert [(r.name, r.state, r.start, r.end) for r in result.records] == [
        ("A", "FAILED", 0, 120),
        ("held", "PENDING", None, None),
        ("dep", "PENDING", None, None),
        ("long", "PENDING", None, None),
        ("B", "COMPLETED", 120, 420),
    ]
    assert [(p.job, p.index, p.display_id, p.reason, p.description, p.reason_text) for p in result.left_pending] == [
        (2, 2, "2", "JobHeldUser", None, "JobHeldUser"),
        (3, 3, "3", "DependencyNeverSatisfied", None, "DependencyNeverSatisfied"),
        (4, 4, "4", "PartitionTimeLimit", None, "PartitionTimeLimit"),
    ]
    assert repr(result.left_pending[0]) == "LeftPending(job=2, index=2, reason='JobHeldUser')"
    assert "left_pending=3" in repr(result)
    # Stopped before the end, nothing is "left": the jobs are still in play.
    stopped = hpcsched.simulate(cluster, hpcsched.parse_job_list(STUCK), policy=policy, stop_at=60)
    assert (stopped.stopped, stopped.left_pending) == (True, [])


def test_first_takes_the_first_jobs(four: hpcsched.Cluster) -> None:
    result = hpcsched.simulate(four, hpcsched.parse_job_list(BACKFILL), first=2)
    assert [(r.name, r.start) for r in result.records] == [("A", 0), ("B", 3600)]
    assert len(hpcsched.simulate(four, hpcsched.parse_job_list(BACKFILL), first=0)) == 0


def test_job_list_file_dependencies_and_refusals(cluster: hpcsched.Cluster, tmp_path: Path) -> None:
    path = DATA / "scenario.jobs"
    from_path = hpcsched.simulate(cluster, path)
    workload = hpcsched.read_job_list(path)
    assert (len(workload), workload.path) == (6, str(path))
    assert repr(workload) == f"Workload(jobs=6, path={str(path)!r})"
    from_workload = hpcsched.simulate(cluster, workload)
    from_text = hpcsched.simulate(cluster, hpcsched.parse_job_list(path.read_text()))
    assert from_path.records == from_workload.records == from_text.records
    assert from_path.workload_format == "job_list"
    jobs = by_name(from_path)
    assert (jobs["prep"].state, jobs["prep"].end) == ("COMPLETED", 300)
    sweep = [r for r in from_path.records if r.name == "sweep"]
    # Records come in job-id order; the array's last task keeps the array's id, as in Slurm.
    assert [r.display_id for r in sweep] == ["3_4", "3_1", "3_2", "3_3"]
    assert [r.job for r in from_path.records] == sorted(r.job for r in from_path.records)
    assert all(r.start is not None and r.start >= 300 for r in sweep)  # afterok:prep
    assert (jobs["post"].state, jobs["post"].exit_code) == ("FAILED", 1)
    assert jobs["post"].start == max(r.end for r in sweep if r.end is not None)
    assert (jobs["cleanup"].state, jobs["cleanup"].start) == ("COMPLETED", jobs["post"].end)
    # The same list, gzip-compressed, under a name that says nothing: read by content.
    packed = tmp_path / "jobs.bin"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    assert hpcsched.simulate(cluster, packed).records == from_path.records
    assert len(hpcsched.read_job_list(packed)) == 6

    refused = hpcsched.simulate(cluster, hpcsched.parse_job_list("0 60 a -p nosuch -t 5\n0 60 b -t 5\n"))
    (r,) = refused.refused
    assert (r.index, r.line, r.reason) == (1, 1, "job rejected: invalid partition specified: nosuch")
    assert refused.submitted == 1 and len(refused) == 1


def test_workload_round_trips_as_job_list_text() -> None:
    workload = hpcsched.parse_job_list(BACKFILL)
    assert (len(workload), workload.path, repr(workload)) == (4, None, "Workload(jobs=4)")
    text = workload.to_job_list()
    assert text.splitlines()[0] == "0 3600 alice --job-name=A --nodes=3 --time=01:00:00"
    assert hpcsched.parse_job_list(text).to_job_list() == text


# ---------------------------------------------------------------------------------------
# SWF traces
# ---------------------------------------------------------------------------------------


def test_swf_cluster_from_the_header() -> None:
    result = hpcsched.simulate(None, DATA / "lublin_256-first20.swf")
    assert result.workload_format == "swf"
    assert (len(result.cluster.node_names), result.cluster.partition_names) == (256, ["swf"])
    assert (result.submitted, len(result), result.skipped, result.refused) == (20, 20, [], [])
    first = result.records[0]
    # SWF job 1: submitted at 5094 on an idle machine, 16 processors, runs 12072 s (its
    # requested time is unknown, so its limit is its run time).
    assert (first.submit, first.start, first.end, first.state) == (5094, 5094, 17166, "COMPLETED")
    assert (first.alloc_cpus, first.user, first.partition, first.time_limit) == (16, "unknown", "swf", 12072)
    assert all(r.start is not None and r.start >= r.submit for r in result.records)
    assert result.summary.total_cpus == 256


def test_swf_gzip_first_and_given_cluster_agree() -> None:
    from_header = hpcsched.simulate(None, str(RICC), first=200)
    assert (len(from_header), from_header.submitted) == (200, 200)
    assert (len(from_header.cluster.node_names), from_header.summary.total_cpus) == (1024, 8192)
    given = hpcsched.simulate(hpcsched.Cluster.from_slurm_conf(RICC_CONF), RICC, first=200)
    assert given.records == from_header.records
    assert given.summary.overall == from_header.summary.overall


def test_swf_skipped_lines_are_reported(tmp_path: Path) -> None:
    trace = tmp_path / "small.swf"
    trace.write_text(
        "; MaxNodes: 4\n"
        "; MaxProcs: 16\n"
        "1 0 -1 100 4 -1 -1 4 200 -1 1 7 1 -1 1 -1 -1 -1\n"
        "2 5 -1 -1 4 -1 -1 4 200 -1 1 7 1 -1 1 -1 -1 -1\n"
        "3 9 -1 50 64 -1 -1 64 100 -1 1 7 1 -1 1 -1 -1 -1\n"
        "bad line\n"
        "4 10 -1 30 2 -1 -1 -1 -1 -1 1 8 1 -1 1 -1 -1 -1\n"
    )
    result = hpcsched.simulate(None, trace)
    assert [(s.line, s.job_number) for s in result.skipped] == [(4, 2), (5, 3), (6, None)]
    assert [str(s) for s in result.skipped] == [
        "line 4: SWF job 2 skipped: its run time (field 4) is unknown",
        "line 5: SWF job 3 skipped: it asks for 64 processors but the machine has 16",
        "line 6 skipped: unreadable line `bad line`: expected 18 fields, found 2",
    ]
    assert result.skipped[0].reason == "its run time (field 4) is unknown"
    assert repr(result.skipped[2]).startswith("SkippedLine(line=6, job_number=None, reason=")
    assert [(r.user, r.submit, r.start, r.end, r.alloc_cpus) for r in result.records] == [
        ("u7", 0, 0, 100, 4),
        ("u8", 10, 10, 40, 2),
    ]
    # With first=1 the replay stops reading after the first job.
    assert (len(hpcsched.simulate(None, trace, first=1)), hpcsched.simulate(None, trace, first=1).skipped) == (1, [])


def test_whole_nodes_maps_processors_to_nodes(tmp_path: Path) -> None:
    trace = tmp_path / "wide.swf"
    trace.write_text("; MaxNodes: 4\n; MaxProcs: 16\n1 0 -1 100 6 -1 -1 6 200 -1 1 7 1 -1 1 -1 -1 -1\n")
    (shared,) = hpcsched.simulate(None, trace).records
    (whole,) = hpcsched.simulate(None, trace, whole_nodes=True).records
    assert (shared.alloc_cpus, whole.alloc_cpus, whole.nodes) == (6, 8, "n[1-2]")
    # On a given cluster, whole nodes are its nodes when they are all alike.
    eight = hpcsched.Cluster.from_slurm_conf(
        "NodeName=m[1-2] CPUs=8\nPartitionName=p Nodes=m[1-2] Default=YES\n"
    )
    (on_eight,) = hpcsched.simulate(eight, trace, whole_nodes=True).records
    assert (on_eight.nodes, on_eight.alloc_cpus) == ("m1", 8)


def test_replay_releases_the_gil() -> None:
    """Another thread runs Python code while simulate is inside the replay."""
    inside: list[float] = []
    ticks: list[float] = []
    done = threading.Event()

    def profile(frame: Any, event: str, arg: Any) -> None:
        if arg is hpcsched.simulate and event in ("c_call", "c_return"):
            inside.append(time.monotonic())

    def replay() -> None:
        sys.setprofile(profile)
        try:
            hpcsched.simulate(None, RICC, first=2000)
        finally:
            sys.setprofile(None)
            done.set()

    worker = threading.Thread(target=replay)
    worker.start()
    while not done.is_set():
        ticks.append(time.monotonic())
        time.sleep(0.001)
    worker.join()
    assert len(inside) == 2
    during = [t for t in ticks if inside[0] < t < inside[1]]
    assert len(during) >= 3, (inside, len(ticks))


def test_a_signal_interrupts_the_replay() -> None:
    """A Python signal handler runs during the replay (so Ctrl-C works), and its
    exception comes out of simulate."""

    class Interrupted(Exception):
        pass

    events: list[str] = []

    def handler(signum: int, frame: Any) -> None:
        events.append("handler")
        raise Interrupted

    def profile(frame: Any, event: str, arg: Any) -> None:
        if arg is hpcsched.simulate:
            events.append(event)

    previous = signal.signal(signal.SIGUSR1, handler)
    timer = threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGUSR1))
    try:
        timer.start()
        sys.setprofile(profile)
        with pytest.raises(Interrupted):
            hpcsched.simulate(None, RICC)
    finally:
        sys.setprofile(None)
        timer.cancel()
        signal.signal(signal.SIGUSR1, previous)
    # The handler ran inside the call, not after it returned.
    assert events == ["c_call", "handler", "c_exception"]


# ---------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------


def test_job_list_errors_name_the_line() -> None:
    with pytest.raises(hpcsched.WorkloadError) as e:
        hpcsched.parse_job_list("# jobs\n0 60 alice -J A\n0 60 bob -d afterok:B\n")
    assert str(e.value) == "line 3: `B`: no earlier job in the file has this name (`-J`)"
    assert (e.value.line, e.value.path) == (3, None)
    assert isinstance(e.value, hpcsched.ParseError)
    assert isinstance(e.value, ValueError) and isinstance(e.value, hpcsched.Error)


def test_file_errors_name_file_and_line(four: hpcsched.Cluster, tmp_path: Path) -> None:
    jobs = tmp_path / "jobs.txt"
    jobs.write_text("0 60 alice -N1\n5 sixty bob\n")
    for call in (lambda: hpcsched.simulate(four, jobs), lambda: hpcsched.read_job_list(jobs)):
        with pytest.raises(hpcsched.WorkloadError) as e:
            call()
        assert str(e.value) == (
            f"{jobs}: line 2: `sixty`: the run time must be seconds (`600`), `HH:MM:SS` or "
            "`D-HH:MM:SS`, optionally followed by `:EXIT`"
        )
        assert (e.value.path, e.value.line) == (str(jobs), 2)

    header = tmp_path / "header.swf"
    header.write_text("; MaxNodes: many\n1 0 -1 5 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n")
    with pytest.raises(hpcsched.WorkloadError) as e:
        hpcsched.simulate(None, header)
    assert str(e.value) == f"{header}: line 1: header `MaxNodes: many`: `many` is not an integer"
    assert e.value.line == 1

    unsorted = tmp_path / "unsorted.swf"
    unsorted.write_text(
        "; MaxNodes: 4\n"
        "1 10 -1 5 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n"
        "2 5 -1 5 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n"
    )
    with pytest.raises(hpcsched.WorkloadError) as e:
        hpcsched.simulate(None, unsorted)
    assert str(e.value) == (
        f"{unsorted}: line 3: job 2 is submitted at 5, before the job before it (10): "
        "a workload must be in submit order"
    )
    assert e.value.line == 3

    no_machine = tmp_path / "nomachine.swf"
    no_machine.write_text("; Version: 2\n1 0 -1 5 1 -1 -1 -1 -1 -1 1 -1 -1 -1 -1 -1 -1 -1\n")
    with pytest.raises(hpcsched.WorkloadError) as e:
        hpcsched.simulate(None, no_machine)
    assert str(e.value) == (
        f"{no_machine}: the SWF header gives neither MaxNodes nor MaxProcs: give the cluster "
        "(a slurm.conf) that describes the machine"
    )
    assert e.value.line is None
    # ... which a given cluster fixes.
    assert len(hpcsched.simulate(four, no_machine)) == 1

    binary = tmp_path / "binary.jobs"
    binary.write_bytes(b"0 60 alice\n\xff\xfe\n")
    with pytest.raises(hpcsched.WorkloadError) as e:
        hpcsched.read_job_list(binary)
    assert (str(e.value), e.value.line) == (f"{binary}: line 2: not UTF-8 text", 2)

    corrupt = tmp_path / "corrupt.swf.gz"
    corrupt.write_bytes(gzip.compress(b"; MaxNodes: 4\n" * 100)[:40])
    with pytest.raises(hpcsched.WorkloadError, match=f"^{corrupt}: "):
        hpcsched.simulate(None, corrupt)


def test_os_errors_are_python_os_errors(tmp_path: Path) -> None:
    missing = tmp_path / "nosuch.swf"
    with pytest.raises(FileNotFoundError) as e:
        hpcsched.simulate(None, missing)
    assert (e.value.filename, e.value.strerror) == (str(missing), "No such file or directory")
    with pytest.raises(FileNotFoundError):
        hpcsched.read_job_list(missing)
    with pytest.raises(IsADirectoryError):
        hpcsched.simulate(None, tmp_path)


def test_bad_arguments(four: hpcsched.Cluster) -> None:
    jobs = hpcsched.parse_job_list(BACKFILL)
    with pytest.raises(hpcsched.PolicyError):
        hpcsched.simulate(four, jobs, policy="nosuch")
    with pytest.raises(ValueError, match='overrun must be "kill"'):
        hpcsched.simulate(four, jobs, overrun="maybe")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="a job list does not describe a machine: pass a cluster"):
        hpcsched.simulate(None, jobs)
    with pytest.raises(ValueError, match="a job list does not describe a machine"):
        hpcsched.simulate(None, DATA / "scenario.jobs")
    with pytest.raises(ValueError, match="whole_nodes applies to SWF traces"):
        hpcsched.simulate(four, jobs, whole_nodes=True)
    with pytest.raises(ValueError, match="whole_nodes applies to SWF traces"):
        hpcsched.simulate(four, DATA / "scenario.jobs", whole_nodes=True)
    with pytest.raises(ValueError, match=r"hpcsched.parse_job_list\(text\)"):
        hpcsched.simulate(four, BACKFILL)
    with pytest.raises(TypeError, match="workload must be a path"):
        hpcsched.simulate(four, 42)  # type: ignore[arg-type]
    with pytest.raises(OverflowError):
        hpcsched.simulate(four, jobs, stop_at=-1)


def test_expand_hostlist() -> None:
    assert hpcsched.expand_hostlist("n[1-3],gpu01") == ["n1", "n2", "n3", "gpu01"]
    assert hpcsched.expand_hostlist("") == []
    with pytest.raises(hpcsched.ParseError):
        hpcsched.expand_hostlist("n[3-1]")


def test_docstring_examples_run() -> None:
    failed, attempted = doctest.testmod(hpcsched)
    assert (failed, attempted > 0) == (0, True)


# ---------------------------------------------------------------------------------------
# pandas and matplotlib
# ---------------------------------------------------------------------------------------


def test_to_pandas(four: hpcsched.Cluster) -> None:
    pd = pytest.importorskip("pandas")
    # B depends on A failing; A succeeds, so B never starts.
    text = BACKFILL + "0 60 bob -N1 -t 5 -J never -d afternotok:1\n"
    result = hpcsched.simulate(four, hpcsched.parse_job_list(text))
    df = result.to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == [
        "job", "display_id", "name", "user", "account", "partition", "state", "exit_code",
        "submit", "eligible", "start", "end", "wait", "elapsed", "time_limit", "nodes",
        "alloc_cpus", "alloc_tres", "restarts",
    ]  # fmt: skip
    assert len(df) == 5
    assert list(df["name"]) == ["A", "B", "C", "D", "never"]
    assert list(df["wait"][:4]) == [0, 3600, 0, 7200]
    assert (str(df["start"].dtype), str(df["wait"].dtype), str(df["submit"].dtype)) == ("Int64", "Int64", "int64")
    never = df[df["name"] == "never"].iloc[0]
    assert never["state"] == "PENDING"
    assert pd.isna(never["start"]) and pd.isna(never["wait"]) and pd.isna(never["end"])
    assert list(df["time_limit"][:4]) == [3600.0, 3600.0, 1800.0, 7200.0]
    assert list(df["alloc_cpus"]) == [12, 16, 4, 4, 0]
    assert df["wait"].mean() == result.summary.overall.mean_wait


def test_to_pandas_without_pandas(four: hpcsched.Cluster, monkeypatch: pytest.MonkeyPatch) -> None:
    result = hpcsched.simulate(four, hpcsched.parse_job_list(BACKFILL))
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'hpcsched\[pandas\]'"):
        result.to_pandas()


def bars(ax: Any) -> set[tuple[int, int, int]]:
    """(row, start, end) of every bar drawn."""
    out = set()
    for collection in ax.collections:
        for path in collection.get_paths():
            xs, ys = path.vertices[:, 0], path.vertices[:, 1]
            out.add((round((ys.min() + ys.max()) / 2), round(xs.min()), round(xs.max())))
    return out


def test_plot_gantt_one_row_per_node(four: hpcsched.Cluster) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    result = hpcsched.simulate(four, hpcsched.parse_job_list(BACKFILL))
    ax = result.plot_gantt()
    assert isinstance(ax, Axes)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["n1", "n2", "n3", "n4"]
    assert ax.get_ylim() == (3.5, -0.5)  # n1 at the top
    assert ax.get_xlim() == (0, 14400)
    # A on n1-n3 from 0 to 3600, B on all four 3600-7200, C on n4 0-1800, D on n1 7200-14400.
    assert bars(ax) == {
        (0, 0, 3600), (1, 0, 3600), (2, 0, 3600),
        (0, 3600, 7200), (1, 3600, 7200), (2, 3600, 7200), (3, 3600, 7200),
        (3, 0, 1800),
        (0, 7200, 14400),
    }  # fmt: skip
    assert sorted(t.get_text() for t in ax.texts) == ["1", "1", "1", "2", "2", "2", "2", "3", "4"]
    ax.figure.savefig(os.devnull, format="png")

    fig, given = plt.subplots()
    window = result.plot_gantt(given, start=1000, end=5000, nodes=["n4", "n1"], color_by="user")
    assert window is given
    assert given.get_xlim() == (1000, 5000)
    assert [t.get_text() for t in given.get_yticklabels()] == ["n4", "n1"]
    assert bars(given) == {(0, 1000, 1800), (0, 3600, 5000), (1, 1000, 3600), (1, 3600, 5000)}
    with pytest.raises(ValueError, match="color_by"):
        result.plot_gantt(color_by="colour")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="the time window is empty"):
        result.plot_gantt(start=10, end=10)
    plt.close("all")


def test_plot_gantt_without_matplotlib(four: hpcsched.Cluster, monkeypatch: pytest.MonkeyPatch) -> None:
    result = hpcsched.simulate(four, hpcsched.parse_job_list(BACKFILL))
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'hpcsched\[plot\]'"):
        result.plot_gantt()

"""The scheduler through Python: the classic backfill scenario with exact values, job and
node events, errors, and the value objects (equality, hashing, pickling, repr)."""

import math
import pickle

import pytest

import hpcsched
from hpcsched import Decision, Estimate, GresAllocation, NodeAllocation

# Four exclusive nodes: every job gets whole nodes.
FOUR_NODES = """\
NodeName=n[1-4] CPUs=16 RealMemory=64000
PartitionName=batch Nodes=n[1-4] Default=YES OverSubscribe=EXCLUSIVE
"""


def args(*a: str) -> hpcsched.JobRequest:
    return hpcsched.JobRequest.from_args(list(a))


def whole(node: str) -> NodeAllocation:
    return NodeAllocation(node, 16, 64000)


@pytest.fixture
def sched() -> hpcsched.Scheduler:
    return hpcsched.Scheduler(hpcsched.Cluster.from_slurm_conf(FOUR_NODES))


def submit_abcd(s: hpcsched.Scheduler) -> tuple[int, int, int, int]:
    a = s.submit(args("-J", "A", "-N3", "-t", "60"), "alice", 0)
    b = s.submit(args("-J", "B", "-N4", "-t", "60"), "bob", 0)
    c = s.submit(args("-J", "C", "-N1", "-t", "30"), "carol", 0)
    d = s.submit(args("-J", "D", "-N1", "-t", "120"), "dave", 0)
    return a, b, c, d


def test_classic_backfill(sched: hpcsched.Scheduler) -> None:
    a, b, c, d = submit_abcd(sched)
    assert (a, b, c, d) == (1, 2, 3, 4)

    # A starts; C backfills on n4 because it ends (t=1800) before B's planned start.
    assert sched.schedule(0) == [
        Decision("start", a, "batch", [whole("n1"), whole("n2"), whole("n3")]),
        Decision("start", c, "batch", [whole("n4")]),
    ]
    # B waits for A; D would delay B, so it is planned after B, on the node that frees
    # first (C's n4), as Slurm's will-run test chooses it.
    assert sched.estimates() == [
        Estimate(b, "2", "batch", 3600, ["n1", "n2", "n3", "n4"], "Resources"),
        Estimate(d, "4", "batch", 7200, ["n4"], "Priority"),
    ]
    # Slurm's policy runs backfill again after bf_interval (30 s).
    assert sched.next_event_time(0) == 30

    job_a = sched.job(a)
    assert job_a is not None
    assert (job_a.name, job_a.user, job_a.state, job_a.reason) == ("A", "alice", "RUNNING", None)
    assert (job_a.submit_time, job_a.start_time, job_a.end_time) == (0, 0, None)
    assert job_a.time_limit == 3600
    assert job_a.partition == "batch"
    assert job_a.nodes == ["n1", "n2", "n3"]
    job_d = sched.job(d)
    assert job_d is not None
    assert (job_d.state, job_d.reason, job_d.start_time, job_d.partition) == ("PENDING", "Priority", None, None)
    assert sched.node_jobs("n4") == [c]
    assert sched.node_free("n4") == (0, 0, [])
    assert sched.node_free("n1") == (0, 0, [])

    sched.job_finished(c, 1800)
    assert sched.schedule(1800) == []
    assert sched.node_free("n4") == (16, 64000, [])
    sched.job_finished(a, 3600)
    [start_b] = sched.schedule(3600)
    assert (start_b.kind, start_b.job, start_b.node_names) == ("start", b, ["n1", "n2", "n3", "n4"])
    assert [(e.job, e.start, e.reason) for e in sched.estimates()] == [(d, 7200, "Resources")]
    sched.job_finished(b, 7200, exit_code=3)
    assert sched.schedule(7200) == [Decision("start", d, "batch", [whole("n1")])]

    # D reaches its 120-minute limit: a stop decision, state TIMEOUT.
    assert sched.schedule(7200 + 7200) == [Decision("stop", d, state="TIMEOUT")]
    assert sched.estimates() == []
    states = {j.id: (j.state, j.start_time, j.end_time, j.exit_code) for j in sched.jobs()}
    assert states == {
        a: ("COMPLETED", 0, 3600, 0),
        b: ("FAILED", 3600, 7200, 3),
        c: ("COMPLETED", 0, 1800, 0),
        d: ("TIMEOUT", 7200, 14400, 0),
    }
    for node in ("n1", "n2", "n3", "n4"):
        assert sched.node_free(node) == (16, 64000, [])
        assert sched.node_jobs(node) == []


def test_presets() -> None:
    cluster = hpcsched.Cluster.from_slurm_conf(FOUR_NODES)
    fifo = hpcsched.Scheduler(cluster, "fifo")
    a, _, _, _ = submit_abcd(fifo)
    # No backfill: C waits behind B although n4 is free.
    assert [d.job for d in fifo.schedule(0)] == [a]
    for name in ("easy", "CONSERVATIVE", "slurm"):
        s = hpcsched.Scheduler(cluster, name)
        a, _, c, _ = submit_abcd(s)
        assert [d.job for d in s.schedule(0)] == [a, c]
    with pytest.raises(hpcsched.PolicyError) as info:
        hpcsched.Scheduler(cluster, "greedy")
    assert str(info.value) == "unknown policy `greedy`: expected fifo, easy, conservative or slurm"
    assert isinstance(info.value, ValueError) and isinstance(info.value, hpcsched.Error)


def test_scheduler_copies_the_cluster() -> None:
    cluster = hpcsched.Cluster.from_slurm_conf(FOUR_NODES)
    s = hpcsched.Scheduler(cluster)
    s.drain_node("n2", "bad disk")
    node = s.cluster.node("n2")
    assert node is not None and "DRAIN" in node.state and node.reason == "bad disk"
    # The cluster given to the scheduler is unchanged.
    original = cluster.node("n2")
    assert original is not None and original.state == []
    assert repr(s) == "Scheduler(nodes=4, jobs=0)"


def test_unknown_job_errors(sched: hpcsched.Scheduler) -> None:
    assert sched.job(99) is None
    for call in (
        lambda: sched.job_finished(99, 0),
        lambda: sched.cancel(99, 0),
        lambda: sched.hold(99),
        lambda: sched.release(99),
        lambda: sched.requeue(99, 0),
        lambda: sched.update_time_limit(99, 60),
        lambda: sched.out_of_memory(99, 0),
    ):
        with pytest.raises(hpcsched.UnknownJobError) as info:
            call()
        e = info.value
        assert isinstance(e, hpcsched.JobError) and isinstance(e, hpcsched.Error)
        assert isinstance(e, KeyError)
        assert e.job == 99
        assert str(e) == "Invalid job id specified: 99"


def test_wrong_state_errors(sched: hpcsched.Scheduler) -> None:
    job = sched.submit(args("-N1", "-t", "10"), "u", 0)
    with pytest.raises(hpcsched.JobStateError) as info:
        sched.job_finished(job, 0)
    e = info.value
    assert isinstance(e, hpcsched.JobError) and isinstance(e, ValueError)
    assert (e.job, e.state) == (job, "PENDING")
    assert str(e) == f"job {job} is PENDING: cannot finish"
    with pytest.raises(hpcsched.JobError):
        sched.requeue(job, 0)
    # A refused event changed nothing.
    snapshot = sched.job(job)
    assert snapshot is not None and snapshot.state == "PENDING"


def test_hold_release_and_time_limit(sched: hpcsched.Scheduler) -> None:
    job = sched.submit(args("-N1", "-t", "10"), "u", 0)
    sched.hold(job)
    held = sched.job(job)
    assert held is not None
    assert (held.hold, held.reason) == ("user", "JobHeldUser")
    assert sched.schedule(1) == []
    sched.release(job)
    sched.update_time_limit(job, math.inf)
    unlimited = sched.job(job)
    assert unlimited is not None and unlimited.time_limit == math.inf and unlimited.hold is None
    sched.update_time_limit(job, 600)
    assert [d.job for d in sched.schedule(2)] == [job]
    with pytest.raises(ValueError):
        sched.update_time_limit(job, -1)
    with pytest.raises(hpcsched.JobStateError):
        sched.hold(job)
    admin_held = sched.submit(args("-N1", "-t", "10"), "u", 2)
    sched.hold(admin_held, admin=True)
    snapshot = sched.job(admin_held)
    assert snapshot is not None
    assert (snapshot.hold, snapshot.reason) == ("admin", "JobHeldAdmin")
    sched.cancel(admin_held, 2)
    # Stops at start + 600.
    assert sched.next_event_time(2) is not None
    assert sched.schedule(602) == [Decision("stop", job, state="TIMEOUT")]


def test_cancel_requeue_and_oom(sched: hpcsched.Scheduler) -> None:
    a = sched.submit(args("-N1", "-t", "10"), "u", 0)
    b = sched.submit(args("-N1", "-t", "10"), "u", 0)
    pending = sched.submit(args("-N4", "-t", "10"), "u", 0)
    assert [d.job for d in sched.schedule(0)] == [a, b]
    sched.cancel(pending, 5)
    cancelled = sched.job(pending)
    assert cancelled is not None and (cancelled.state, cancelled.end_time) == ("CANCELLED", 5)
    sched.requeue(a, 10)
    requeued = sched.job(a)
    assert requeued is not None and (requeued.state, requeued.restarts) == ("PENDING", 1)
    sched.out_of_memory(b, 20)
    oom = sched.job(b)
    assert oom is not None and oom.state == "OUT_OF_MEMORY"
    [start] = sched.schedule(30)
    assert start.job == a
    sched.out_of_memory(a, 40, reboot_on_oom=True)
    rebooted = sched.job(a)
    assert rebooted is not None
    assert (rebooted.state, rebooted.comment) == ("CANCELLED", "out of memory: node rebooted")


def test_node_events(sched: hpcsched.Scheduler) -> None:
    # A batch job is requeued on a node failure unless it says --no-requeue (JobRequeue=1).
    plain = sched.submit(args("-N1", "-t", "10", "--no-requeue"), "u", 0)
    again = sched.submit(args("-N1", "-t", "10"), "u", 0)
    assert [(d.job, d.node_names) for d in sched.schedule(0)] == [(plain, ["n1"]), (again, ["n2"])]
    assert sched.down_node("n1", "power", 5) == ([plain], [])
    assert sched.down_node("n2", "power", 5) == ([], [again])
    failed = sched.job(plain)
    assert failed is not None and failed.state == "NODE_FAIL"
    # The requeued job starts again elsewhere, not on the down nodes.
    [restart] = sched.schedule(6)
    assert (restart.job, restart.node_names) == (again, ["n3"])
    sched.resume_node("n1")
    sched.drain_node("n3", "maintenance")
    for call in (
        lambda: sched.drain_node("n9", "x"),
        lambda: sched.resume_node("n9"),
        lambda: sched.down_node("n9", "x", 0),
    ):
        with pytest.raises(hpcsched.NodeError) as info:
            call()
        assert isinstance(info.value, KeyError) and isinstance(info.value, hpcsched.Error)
        assert info.value.node == "n9"
        assert str(info.value) == "Invalid node name specified: n9"
    assert sched.node_jobs("n9") is None
    assert sched.node_free("n9") is None


def test_submit_errors(sched: hpcsched.Scheduler) -> None:
    with pytest.raises(hpcsched.RejectedError) as rejected:
        sched.submit(args("-p", "nosuch"), "u", 0)
    e = rejected.value
    assert isinstance(e, hpcsched.SubmitError) and isinstance(e, ValueError)
    assert any("nosuch" in r for r in e.reasons)
    with pytest.raises(hpcsched.SubmitError) as dep:
        sched.submit(args("-d", "afterok:777"), "u", 0)
    assert not isinstance(dep.value, hpcsched.RejectedError)
    assert str(dep.value) == "Job dependency problem: job 777 does not exist"
    with pytest.raises(hpcsched.SubmitError, match="user"):
        sched.submit(args("-N1"), "", 0)
    # Nothing was submitted.
    assert sched.jobs() == []


def test_dependency_and_pending_reason(sched: hpcsched.Scheduler) -> None:
    first = sched.submit(args("-N4", "-t", "10"), "u", 0)
    second = sched.submit(args("-N1", "-t", "10", "-d", f"afterok:{first}"), "u", 0)
    assert [d.job for d in sched.schedule(0)] == [first]
    [est] = sched.estimates()
    assert (est.job, est.start, est.nodes, est.reason) == (second, None, [], "Dependency")
    sched.job_finished(first, 100, exit_code=1)
    # afterok on a failed job can never be satisfied; without kill_invalid_depend the job
    # stays pending with Slurm's reason for it.
    assert sched.schedule(100) == []
    waiting = sched.job(second)
    assert waiting is not None
    assert (waiting.state, waiting.reason) == ("PENDING", "DependencyNeverSatisfied")
    assert [(e.job, e.reason) for e in sched.estimates()] == [(second, "DependencyNeverSatisfied")]


def test_gres_allocation() -> None:
    cluster = hpcsched.Cluster.from_slurm_conf(
        "NodeName=g1 CPUs=8 RealMemory=32000 Gres=gpu:a100:4\nPartitionName=gpu Nodes=g1 Default=YES\n"
    )
    s = hpcsched.Scheduler(cluster)
    job = s.submit(args("--gres=gpu:a100:2", "-c", "2", "--mem=1000", "-t", "5"), "u", 0)
    [d] = s.schedule(0)
    assert d == Decision(
        "start", job, "gpu", [NodeAllocation("g1", 2, 1000, [GresAllocation("gpu", "a100", [0, 1])])]
    )
    free = s.node_free("g1")
    assert free == (6, 31000, [hpcsched.Gres("gpu", "a100", 2)])
    snapshot = s.job(job)
    assert snapshot is not None and snapshot.allocation == d.nodes


def test_value_objects_pickle_and_compare(sched: hpcsched.Scheduler) -> None:
    submit_abcd(sched)
    values: list[object] = [*sched.schedule(0), *sched.estimates(), *sched.jobs()]
    values.append(GresAllocation("gpu", None, [3]))
    for v in values:
        back = pickle.loads(pickle.dumps(v))
        assert back == v and hash(back) == hash(v)
    d = Decision("start", 1, "batch", [NodeAllocation("n1", 16, 64000, [GresAllocation("gpu", "h100", [0])])])
    assert repr(d) == "Decision('start', job=1, partition='batch', nodes=['n1'])"
    assert (
        repr(d.nodes[0]) == "NodeAllocation('n1', cpus=16, memory_mib=64000, gres=[GresAllocation('gpu', 'h100', [0])])"
    )
    assert repr(Decision("end", 3, state="CANCELLED", reason="x")) == (
        "Decision('end', job=3, state='CANCELLED', reason='x')"
    )
    match d:
        case Decision("start", job):
            assert job == 1
        case _:
            pytest.fail("no match")
    with pytest.raises(ValueError):
        Decision("launch", 1)
    with pytest.raises(AttributeError):
        d.job = 2  # type: ignore[misc]
    job = sched.job(1)
    assert job is not None
    assert repr(job).startswith("Job(1, name='A', user='alice', state='RUNNING', partition='batch'")


def test_hierarchy() -> None:
    assert issubclass(hpcsched.RejectedError, hpcsched.SubmitError)
    assert issubclass(hpcsched.SubmitError, hpcsched.Error) and issubclass(hpcsched.SubmitError, ValueError)
    assert issubclass(hpcsched.UnknownJobError, hpcsched.JobError)
    assert issubclass(hpcsched.UnknownJobError, KeyError)
    assert issubclass(hpcsched.JobStateError, hpcsched.JobError)
    assert issubclass(hpcsched.JobStateError, ValueError)
    assert not issubclass(hpcsched.JobError, KeyError)
    assert issubclass(hpcsched.NodeError, hpcsched.Error) and issubclass(hpcsched.NodeError, KeyError)
    for cls in (hpcsched.SubmitError, hpcsched.JobError, hpcsched.NodeError, hpcsched.PolicyError):
        assert cls.__module__ == "hpcsched"
    assert hpcsched.JobError("x").job is None
    assert hpcsched.NodeError("x").node is None


def test_demo_script_runs(capsys: pytest.CaptureFixture[str]) -> None:
    import pathlib
    import runpy

    demo = pathlib.Path(__file__).parents[3] / "examples" / "python" / "scheduler_demo.py"
    runpy.run_path(str(demo), run_name="__main__")
    out = capsys.readouterr().out
    assert "t= 3600  start job 2 n1,n2,n3,n4" in out
    assert "4     D    dave   COMPLETED    7200  14400" in out


def test_set_partition_state(sched: hpcsched.Scheduler) -> None:
    sched.set_partition_state("batch", "DOWN")
    job = sched.submit(args("-N1", "-t", "10"), "u", 1)
    assert sched.schedule(1) == []
    snapshot = sched.job(job)
    assert snapshot is not None and snapshot.reason == "PartitionDown"
    sched.set_partition_state("batch", "up")
    assert [d.job for d in sched.schedule(2)] == [job]
    with pytest.raises(hpcsched.PartitionError) as unknown:
        sched.set_partition_state("nope", "DOWN")
    assert unknown.value.partition == "nope"
    assert isinstance(unknown.value, KeyError)
    with pytest.raises(ValueError, match="invalid partition state `closed`"):
        sched.set_partition_state("batch", "closed")


def test_estimate_description_is_what_squeue_prints(sched: hpcsched.Scheduler) -> None:
    sched.drain_node("n4", "disk")
    job = sched.submit(args("-w", "n[3-4]", "-t", "10"), "u", 0)
    assert sched.schedule(0) == []
    (e,) = sched.estimates()
    assert (e.job, e.reason) == (job, "ReqNodeNotAvail")
    assert e.description == "ReqNodeNotAvail, UnavailableNodes:n4"
    assert "description='ReqNodeNotAvail, UnavailableNodes:n4'" in repr(e)
    assert pickle.loads(pickle.dumps(e)) == e
    # The queue view prints the description in the reason's place, as squeue does.
    (row,) = sched.queue()
    assert (row.job, row.state, row.state_code, row.nodelist) == (job, "PENDING", "PD", None)
    assert row.reason == "ReqNodeNotAvail, UnavailableNodes:n4"

import math
import pickle

import hpcsched
from conftest import GPU_SCRIPT


def test_nodes_and_partitions(cluster: hpcsched.Cluster) -> None:
    assert len(cluster.node_names) == 25
    # slurmctld's node table order: natural name order, not slurm.conf's.
    assert cluster.node_names[:4] == ["a40-1", "a40-2", "a100-01", "a100-02"]
    assert cluster.node_names[-1] == "h100-1"
    assert cluster.partition_names == ["2xH100-96", "A40-48", "A100-10", "CPU-16", "CPU-4"]
    assert cluster.default_partition == "CPU-16"
    assert repr(cluster) == "Cluster(nodes=25, partitions=5, qos=0)"


def test_node_values(cluster: hpcsched.Cluster) -> None:
    h100 = cluster.node("h100-1")
    assert h100 is not None
    assert (h100.cpus, h100.sockets, h100.cores_per_socket, h100.threads_per_core) == (32, 2, 16, 1)
    assert h100.real_memory_mib == 262144
    assert h100.gres == [hpcsched.Gres("gpu", None, 2)]
    assert h100.weight == 1
    assert h100.state == []
    assert cluster.node("nope") is None
    assert [n.name for n in cluster.nodes] == cluster.node_names


def test_partition_values(cluster: hpcsched.Cluster) -> None:
    p = cluster.partition("CPU-16")
    assert p is not None
    assert p.nodes == ["cpu16-1", "cpu16-2", "cpu16-3", "cpu16-4"]
    assert p.default is True
    assert p.state == "UP"
    assert p.max_time == 30 * 3600
    assert p.default_time == 3600
    assert p.max_nodes is None
    assert p.def_mem == ("per_cpu", 8192)
    assert p.priority_tier == 1
    assert p.oversubscribe == "NO"
    assert cluster.partition("nope") is None


def test_unlimited_max_time_is_inf() -> None:
    c = hpcsched.Cluster.from_slurm_conf("NodeName=n1\nPartitionName=p Nodes=n1\n")
    (p,) = c.partitions
    assert p.max_time == math.inf
    assert p.default_time is None


def test_warnings_are_line_key_message(cluster: hpcsched.Cluster) -> None:
    for line, key, message in cluster.warnings:
        assert isinstance(line, int) and line >= 1
        assert isinstance(key, str) and key
        assert isinstance(message, str)


def test_add_qos_is_all_or_nothing(cluster: hpcsched.Cluster) -> None:
    cluster.add_qos("sacctmgr add qos normal Priority=10\nsacctmgr add qos long MaxWall=14-00:00:00\n")
    assert cluster.qos_names == ["normal", "long"]
    try:
        cluster.add_qos("sacctmgr add qos gpu Priority=5\nsacctmgr add qos normal Priority=1\n")
    except hpcsched.QosError as e:
        assert e.line == 2
    else:
        raise AssertionError("redefining a QOS must fail")
    assert cluster.qos_names == ["normal", "long"]


def test_resolve_gpu_job(cluster: hpcsched.Cluster) -> None:
    job = cluster.resolve(hpcsched.JobRequest.from_script(GPU_SCRIPT))
    assert job.partition == "A100-10"
    assert job.partitions == ["A100-10"]
    assert (job.min_nodes, job.max_nodes) == (1, 1)
    assert (job.ntasks, job.cpus_per_task, job.min_cpus) == (4, 1, 4)
    assert job.memory == ("per_node", 16384)
    assert job.time_limit == 12 * 3600
    assert job.gres_per_node == [hpcsched.Gres("gpu", None, 1)]
    assert job.whole_nodes is False
    assert job.user_exclusive is False
    assert job.pending_reason is None
    assert job.request.job_name == "train"
    assert repr(job).startswith("ResolvedJob(partition='A100-10', nodes=(1, 1), ntasks=4")


def test_check_applies_defaults(cluster: hpcsched.Cluster) -> None:
    job = cluster.check("#!/bin/bash\nsrun hostname\n")
    assert job.partition == "CPU-16"
    assert job.time_limit == 3600
    assert job.memory == ("per_cpu", 8192)
    assert (job.min_nodes, job.ntasks, job.cpus_per_task) == (1, 1, 1)


def test_check_with_args_overrides_script(cluster: hpcsched.Cluster) -> None:
    job = cluster.check(GPU_SCRIPT, ["-t", "2:00:00"])
    assert job.partition == "A100-10"
    assert job.time_limit == 7200


def test_value_objects_pickle(cluster: hpcsched.Cluster) -> None:
    for value in [*cluster.nodes, *cluster.partitions, hpcsched.Gres("gpu", "a100", 4, True)]:
        back = pickle.loads(pickle.dumps(value))
        assert back == value
        assert hash(back) == hash(value)
        assert type(back) is type(value)


def test_value_object_reprs(cluster: hpcsched.Cluster) -> None:
    assert repr(hpcsched.Gres("gpu", "a100", 4)) == "Gres('gpu', 'a100', 4)"
    assert repr(hpcsched.Gres("nvme", None, 1, True)) == "Gres('nvme', None, 1, no_consume=True)"
    node = cluster.node("a40-1")
    assert node is not None
    assert repr(node) == (
        "Node('a40-1', cpus=16, real_memory_mib=131072, gres=[Gres('gpu', None, 1)], "
        "features=[], weight=1, state=[])"
    )
    p = cluster.partition("CPU-4")
    assert p is not None
    assert repr(p).startswith("Partition('CPU-4', nodes=['cpu4-1', ")


def test_value_objects_are_frozen(cluster: hpcsched.Cluster) -> None:
    node = cluster.nodes[0]
    try:
        node.cpus = 3  # type: ignore[misc]
    except AttributeError:
        pass
    else:
        raise AssertionError("Node must be immutable")


def test_gres_match() -> None:
    match hpcsched.Gres("gpu", "h100", 2):
        case hpcsched.Gres(name, kind, count):
            assert (name, kind, count) == ("gpu", "h100", 2)


def test_pending_reason_unlimited_and_exclusive() -> None:
    # EnforcePartLimits defaults to NO: over MaxTime is accepted but pends forever.
    c = hpcsched.Cluster.from_slurm_conf(
        "NodeName=cpu[01-04] CPUs=32 RealMemory=192000\n"
        "PartitionName=cpu Nodes=cpu[01-04] Default=YES MaxTime=7-00:00:00\n"
    )
    job = c.check("#!/bin/bash\n#SBATCH -t UNLIMITED --exclusive=user\nhostname\n")
    assert job.time_limit == math.inf
    assert job.pending_reason == "PartitionTimeLimit"
    assert job.user_exclusive is True
    assert repr(job).endswith("time_limit=inf, pending_reason='PartitionTimeLimit')")
    job = c.check("#!/bin/bash\n#SBATCH --exclusive --mem=0\nhostname\n")
    assert job.whole_nodes is True
    assert job.memory == ("whole_node", None)
    assert job.time_limit == 7 * 24 * 3600

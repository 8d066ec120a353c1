"""SPANK plugins (pyxis built in, plugstack.conf, declared plugins) and srun/salloc lines."""

import pytest

import hpcsched

PYXIS_SCRIPT = """\
#!/bin/bash
#SBATCH -p A40-48 --gres=gpu:1 --container-name=myimage --container-mounts=.:/workspace
#SBATCH --container-workdir=/workspace -o sbatch.log -e sbatch.log
python train.py
"""


def test_plugin_options_need_the_plugin(cluster: hpcsched.Cluster) -> None:
    with pytest.raises(hpcsched.ScriptError) as e:
        cluster.check(PYXIS_SCRIPT)
    assert e.value.line == 2
    assert str(e.value) == "line 2: unrecognized option `--container-name`"
    includes = cluster.add_plugstack(
        "required /usr/lib/slurm/spank_pyxis.so\ninclude plugstack.conf.d/*.conf\n"
    )
    assert includes == [(2, "plugstack.conf.d/*.conf")]
    assert cluster.spank_plugins == ["pyxis"]
    job = cluster.check(PYXIS_SCRIPT)
    assert job.partition == "A40-48"
    assert job.request.plugin_options == [
        ("container-name", "myimage"),
        ("container-mounts", ".:/workspace"),
        ("container-workdir", "/workspace"),
    ]
    req = hpcsched.JobRequest.from_script(PYXIS_SCRIPT, cluster=cluster)
    assert req.to_args()[-3:] == [
        "--container-name=myimage",
        "--container-mounts=.:/workspace",
        "--container-workdir=/workspace",
    ]


def test_plugstack_errors_name_the_line(cluster: hpcsched.Cluster) -> None:
    with pytest.raises(hpcsched.ConfigError) as e:
        cluster.add_plugstack("# site\noptional /usr/lib/slurm/spank_lua.so\n")
    assert e.value.line == 2
    assert cluster.spank_plugins == []
    with pytest.raises(hpcsched.ConfigError, match="frobnicate"):
        cluster.add_plugstack("required spank_pyxis.so frobnicate=1\n")


def test_declared_plugin(cluster: hpcsched.Cluster) -> None:
    cluster.add_spank_plugin("private-tmpdir", ["tmp-size=", "no-tmp"])
    cluster.add_plugstack("required /usr/lib/slurm/private-tmpdir.so base=/tmp\n")
    job = cluster.check("#!/bin/sh\n#SBATCH --tmp-size=10G --no-tmp\ntrue\n")
    assert job.request.plugin_options == [("tmp-size", "10G"), ("no-tmp", None)]
    with pytest.raises(hpcsched.Error, match="is an option of Slurm itself"):
        cluster.add_spank_plugin("bad", ["time="])
    with pytest.raises(hpcsched.Error, match="no SPANK plugin `lua`"):
        cluster.add_spank_plugin("lua")


def test_srun_and_salloc_lines(cluster: hpcsched.Cluster) -> None:
    cluster.add_spank_plugin("pyxis")
    job = cluster.check_command(
        "srun -p A100-10 --gres=gpu:1 --container-image=ubuntu:24.04 nvidia-smi -L"
    )
    assert (job.partition, job.ntasks, job.min_cpus) == ("A100-10", 1, 1)
    req = job.request
    assert req.client == "srun"
    assert req.command == ["nvidia-smi", "-L"]
    assert req.plugin_options == [("container-image", "ubuntu:24.04")]
    assert (
        req.to_command_line()
        == "srun --partition=A100-10 --gres=gpu:1 --container-image=ubuntu:24.04 nvidia-smi -L"
    )
    job = cluster.check_command(["salloc", "-N", "2", "-p", "CPU-4", "--exclusive"])
    assert (job.min_nodes, job.whole_nodes, job.request.client) == (2, True, "salloc")
    req = hpcsched.JobRequest.from_command_line("srun --pty bash -i")
    assert (req.client, req.command) == ("srun", ["bash", "-i"])
    for line, message in [
        ("srun --array=1-4 hostname", "unrecognized option `--array`"),
        ("salloc -o out.log", "unrecognized option `-o`"),
        ("srun -N 2", "srun needs a command to run"),
        ("mpirun -n 4 a.out", "`mpirun` is not sbatch, srun or salloc"),
    ]:
        with pytest.raises(hpcsched.OptionError) as e:
            hpcsched.JobRequest.from_command_line(line)
        assert str(e.value) == message
        assert e.value.line is None


def test_modelled_options_and_refused_ones() -> None:
    cluster = hpcsched.Cluster.from_slurm_conf(
        "GresTypes=gpu\n"
        "NodeName=g[1-2] CPUs=16 RealMemory=64000 Gres=gpu:2 TmpDisk=1000\n"
        "PartitionName=gpu Nodes=g[1-2] Default=YES DefCPUPerGPU=4 MaxCPUsPerNode=12\n"
    )
    job = cluster.check("#!/bin/sh\n#SBATCH --gres=gpu:2 --tmp=500\ntrue\n")
    assert (job.min_cpus, job.min_cpus_per_node, job.request.tmp_mib) == (8, 8, 500)
    # 14 CPUs for the GPUs, over MaxCPUsPerNode: refused, as slurmctld does; held, accepted
    # and never run.
    with pytest.raises(hpcsched.RejectedError, match=r"MaxCPUsPerNode \(12\)"):
        cluster.check("#!/bin/sh\n#SBATCH --gres=gpu:2 --cpus-per-gpu=7\ntrue\n")
    job = cluster.check("#!/bin/sh\n#SBATCH -H --gres=gpu:2 --cpus-per-gpu=7\ntrue\n")
    assert job.pending_reason == "BadConstraints"
    req = hpcsched.JobRequest.from_args(["-n", "8", "-O", "--use-min-nodes"])
    assert (req.overcommit, req.use_min_nodes, req.cpus_per_gpu) == (True, True, None)
    with pytest.raises(hpcsched.OptionError, match="`--reservation` is not supported"):
        hpcsched.JobRequest.from_args(["--reservation=maint"])
    with pytest.raises(hpcsched.ConfigError) as e:
        hpcsched.Cluster.from_slurm_conf("NodeName=n1\nPartitionName=p Nodes=n1 Alternate=q\n")
    assert e.value.line == 2


def test_job_lists_read_with_the_clusters_plugins(cluster: hpcsched.Cluster) -> None:
    text = "0 60 alice -p CPU-4 -t 5 --container-image ubuntu:24.04 -J A\n"
    with pytest.raises(hpcsched.WorkloadError, match="--container-image"):
        hpcsched.parse_job_list(text)
    cluster.add_spank_plugin("pyxis")
    jobs = hpcsched.parse_job_list(text, cluster=cluster)
    result = hpcsched.simulate(cluster, jobs)
    assert [(r.name, r.start, r.end) for r in result.records] == [("A", 0, 60)]

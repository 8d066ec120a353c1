import math

import pytest

import hpcsched
from conftest import GPU_SCRIPT


def test_from_script_fields() -> None:
    req = hpcsched.JobRequest.from_script(GPU_SCRIPT)
    assert req.job_name == "train"
    assert req.partitions == ["A100-10"]
    assert req.nodes == (1, 1)
    assert req.ntasks == 4
    assert req.cpus_per_task is None
    assert req.memory == ("per_node", 16384)
    assert req.gres == [hpcsched.Gres("gpu", None, 1)]
    assert req.time_limit == 12 * 3600
    assert req.qos is None and req.account is None
    assert req.dependency is None and req.array is None
    assert req.script is not None and "srun python train.py" in req.script


def test_from_script_with_args_override() -> None:
    req = hpcsched.JobRequest.from_script(GPU_SCRIPT, ["--job-name=other", "-t", "UNLIMITED"])
    assert req.job_name == "other"
    assert req.time_limit == math.inf


def test_from_args() -> None:
    req = hpcsched.JobRequest.from_args(
        ["-N", "2-4", "-c", "8", "--dependency=afterok:42", "--array=1-10%2", "-q", "long"]
    )
    assert req.nodes == (2, 4)
    assert req.cpus_per_task == 8
    assert req.qos == "long"
    assert req.dependency == "afterok:42"
    assert req.array == "1-10%2"
    assert req.script is None


def test_round_trips() -> None:
    req = hpcsched.JobRequest.from_script(GPU_SCRIPT)
    assert hpcsched.JobRequest.from_script(req.to_script()) == req
    args_req = hpcsched.JobRequest.from_args(["-N", "2", "-t", "30", "-J", "x"])
    assert hpcsched.JobRequest.from_args(args_req.to_args()) == args_req


def test_repr() -> None:
    req = hpcsched.JobRequest.from_args(["-J", "it's", "-N", "2", "-t", "1:00:00"])
    assert repr(req) == 'JobRequest(job_name="it\'s", nodes=(2, 2), time_limit=3600)'


def test_bad_option_raises_option_error() -> None:
    with pytest.raises(hpcsched.OptionError) as info:
        hpcsched.JobRequest.from_args(["--frobnicate"])
    assert info.value.line is None
    assert "frobnicate" in str(info.value)

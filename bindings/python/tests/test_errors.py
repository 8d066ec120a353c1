import pytest

import hpcsched


def test_config_error_has_line() -> None:
    with pytest.raises(hpcsched.ConfigError) as info:
        hpcsched.Cluster.from_slurm_conf("NodeName=n1 CPUs=4\nPartitionName=p Nodes=n1 MaxTime=forever\n")
    e = info.value
    assert e.line == 2
    assert "forever" in str(e)
    assert isinstance(e, hpcsched.ParseError)
    assert isinstance(e, hpcsched.Error)
    assert isinstance(e, ValueError)


def test_script_error_has_line() -> None:
    with pytest.raises(hpcsched.ScriptError) as info:
        hpcsched.JobRequest.from_script("#!/bin/bash\n#SBATCH -N 1\n#SBATCH --frobnicate\nhostname\n")
    assert info.value.line == 3
    assert isinstance(info.value, ValueError)


def test_qos_error_has_line() -> None:
    c = hpcsched.Cluster.from_slurm_conf("NodeName=n1\nPartitionName=p Nodes=n1 Default=YES\n")
    with pytest.raises(hpcsched.QosError) as info:
        c.add_qos("sacctmgr add qos a\n\nsacctmgr add qos b Bogus=1\n")
    assert info.value.line == 3
    assert c.qos_names == []


def test_rejection_lists_reasons(cluster: hpcsched.Cluster) -> None:
    with pytest.raises(hpcsched.RejectedError) as info:
        cluster.check("#!/bin/bash\n#SBATCH -p nosuch\nhostname\n")
    e = info.value
    assert isinstance(e, hpcsched.Error) and isinstance(e, ValueError)
    assert not isinstance(e, hpcsched.ParseError)
    assert isinstance(e.reasons, list) and len(e.reasons) >= 1
    assert all(isinstance(r, str) and r for r in e.reasons)
    for reason in e.reasons:
        assert reason in str(e)


def test_time_over_partition_limit_is_rejected(cluster: hpcsched.Cluster) -> None:
    # EnforcePartLimits=ALL: over MaxTime is refused at submit.
    with pytest.raises(hpcsched.RejectedError):
        cluster.check("#!/bin/bash\n#SBATCH -p CPU-16 -t 2-00:00:00\nhostname\n")


def test_no_default_partition() -> None:
    c = hpcsched.Cluster.from_slurm_conf("NodeName=n1\nPartitionName=p Nodes=n1\n")
    with pytest.raises(hpcsched.RejectedError) as info:
        c.check("#!/bin/bash\nhostname\n")
    assert info.value.reasons == ["No partition specified or system default partition"]


def test_hierarchy() -> None:
    assert issubclass(hpcsched.Error, Exception)
    assert not issubclass(hpcsched.Error, ValueError)
    for cls in (hpcsched.ConfigError, hpcsched.ScriptError, hpcsched.OptionError, hpcsched.QosError):
        assert issubclass(cls, hpcsched.ParseError)
        assert cls.__module__ == "hpcsched"
    assert issubclass(hpcsched.ParseError, hpcsched.Error)
    assert issubclass(hpcsched.ParseError, ValueError)
    assert issubclass(hpcsched.RejectedError, hpcsched.Error)
    assert issubclass(hpcsched.RejectedError, ValueError)
    assert hpcsched.Error.__module__ == "hpcsched"
    # Raised by hpcsched, `line` is set on the instance; the class default is None.
    assert hpcsched.ConfigError("x").line is None


def test_public_api_matches_all() -> None:
    import hpcsched._hpcsched as native

    assert sorted(hpcsched.__all__) == sorted(native.__all__)
    for name in hpcsched.__all__:
        assert getattr(hpcsched, name) is getattr(native, name)

"""Slurm-style batch scheduling decisions inside your own program.

Read what a Slurm user already writes -- slurm.conf node and partition lines, sacctmgr
QOS definitions, ``#SBATCH`` scripts and sbatch options -- and resolve job requests the
way slurmctld does at submit.

>>> import hpcsched
>>> cluster = hpcsched.Cluster.from_slurm_conf(
...     "NodeName=cpu[1-4] CPUs=16 RealMemory=128000\\n"
...     "PartitionName=batch Nodes=cpu[1-4] Default=YES MaxTime=1-00:00:00\\n"
... )
>>> job = cluster.check("#!/bin/bash\\n#SBATCH -N 2 -t 2:00:00\\nsrun hostname\\n")
>>> job.partition, job.min_nodes, job.time_limit
('batch', 2, 7200)

Conventions: durations and time limits are ``int`` seconds, ``math.inf`` for UNLIMITED
and ``None`` when not set; memory is MiB, as ``(kind, mib)`` tuples where a kind says
what the amount applies to.
"""

from hpcsched._hpcsched import (
    Cluster,
    ConfigError,
    Error,
    Gres,
    JobRequest,
    Node,
    OptionError,
    ParseError,
    Partition,
    QosError,
    RejectedError,
    ResolvedJob,
    ScriptError,
    __version__,
)

__all__ = [
    "Cluster",
    "ConfigError",
    "Error",
    "Gres",
    "JobRequest",
    "Node",
    "OptionError",
    "ParseError",
    "Partition",
    "QosError",
    "RejectedError",
    "ResolvedJob",
    "ScriptError",
    "__version__",
]

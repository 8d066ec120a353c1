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

Then schedule: submit jobs, run a pass at the current time, carry out the decisions.

>>> sched = hpcsched.Scheduler(cluster)
>>> a = sched.submit(hpcsched.JobRequest.from_args(["-N4", "--exclusive", "-t", "60"]), "alice", now=0)
>>> b = sched.submit(hpcsched.JobRequest.from_args(["-N1", "-t", "10"]), "bob", now=0)
>>> [(d.kind, d.job, d.node_names) for d in sched.schedule(now=0)]
[('start', 1, ['cpu1', 'cpu2', 'cpu3', 'cpu4'])]
>>> [(e.job, e.start) for e in sched.estimates()]
[(2, 3600)]

Replay a workload in virtual time and look at the result (pandas and matplotlib are
optional extras, needed only for ``to_pandas`` and ``plot_gantt``):

>>> jobs = hpcsched.parse_job_list(
...     "0 3600 alice -N3 --exclusive -t 60 -J A\\n"
...     "0 3600 alice -N4 --exclusive -t 60 -J B\\n"
...     "0 1800 alice -N1 --exclusive -t 30 -J C\\n"
... )
>>> result = hpcsched.simulate(cluster, jobs, policy="easy")
>>> [(r.name, r.start, r.end) for r in result.records]
[('A', 0, 3600), ('B', 3600, 7200), ('C', 0, 1800)]
>>> result.summary.overall.mean_wait
1200.0

Conventions: durations and time limits are ``int`` seconds, ``math.inf`` for UNLIMITED
and ``None`` when not set; times (``now``, start and end times) are ``int`` seconds on the
host's clock; job ids are ``int``; memory is MiB, as ``(kind, mib)`` tuples where a kind
says what the amount applies to.
"""

from hpcsched._hpcsched import (
    Cluster,
    ConfigError,
    Decision,
    Error,
    Estimate,
    Gres,
    GresAllocation,
    Job,
    JobError,
    JobRecord,
    JobRequest,
    JobStateError,
    LeftPending,
    LimitStatus,
    LimitUsage,
    Node,
    NodeAllocation,
    NodeError,
    OptionError,
    ParseError,
    Partition,
    PartitionError,
    PartitionUsage,
    PolicyError,
    PreemptionStats,
    PriorityRow,
    QosError,
    QueueRow,
    RefusedJob,
    RejectedError,
    ResolvedJob,
    Scheduler,
    ScriptError,
    ShareRow,
    SimResult,
    SkippedLine,
    Stats,
    SubmitError,
    Summary,
    UnknownJobError,
    UserUsage,
    Workload,
    WorkloadError,
    __version__,
    expand_hostlist,
    parse_job_list,
    read_job_list,
    simulate,
)

__all__ = [
    "Cluster",
    "ConfigError",
    "Decision",
    "Error",
    "Estimate",
    "Gres",
    "GresAllocation",
    "Job",
    "JobError",
    "JobRecord",
    "JobRequest",
    "JobStateError",
    "LeftPending",
    "LimitStatus",
    "LimitUsage",
    "Node",
    "NodeAllocation",
    "NodeError",
    "OptionError",
    "ParseError",
    "Partition",
    "PartitionError",
    "PartitionUsage",
    "PolicyError",
    "PreemptionStats",
    "PriorityRow",
    "QosError",
    "QueueRow",
    "RefusedJob",
    "RejectedError",
    "ResolvedJob",
    "Scheduler",
    "ScriptError",
    "ShareRow",
    "SimResult",
    "SkippedLine",
    "Stats",
    "SubmitError",
    "Summary",
    "UnknownJobError",
    "UserUsage",
    "Workload",
    "WorkloadError",
    "__version__",
    "expand_hostlist",
    "parse_job_list",
    "read_job_list",
    "simulate",
]

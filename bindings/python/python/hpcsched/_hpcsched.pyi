"""Type stubs for the native module ``hpcsched._hpcsched`` (hand-written; checked by
``python -m mypy.stubtest hpcsched._hpcsched``).

Conventions:

* Time limits and durations are ``int`` seconds. UNLIMITED is ``math.inf`` (a ``float``),
  so ``job.time_limit <= partition.max_time`` compares naturally. ``None`` means not set.
* Times (``now``, submit/start/end times, estimates) are ``int`` seconds on the host's
  clock; job ids are ``int``.
* Memory is MiB. Memory values are ``(kind, mib)`` tuples; kind is ``"per_node"``,
  ``"per_cpu"``, ``"per_gpu"`` or, for a resolved job, ``"whole_node"`` (with mib ``None``).
* ``simulate`` replays a workload (an SWF trace or a job list) in virtual time; pandas and
  matplotlib are needed only by ``SimResult.to_pandas()`` and ``SimResult.plot_gantt()``
  (the ``pandas`` and ``plot`` extras).
"""

import os
from collections.abc import Sequence
from typing import Any, ClassVar, Final, Literal, TypeAlias, final

from matplotlib.axes import Axes  # type: ignore[import-not-found, unused-ignore]
from pandas import DataFrame  # type: ignore[import-untyped, import-not-found, unused-ignore]

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
    "QosError",
    "QueueRow",
    "RefusedJob",
    "RejectedError",
    "ResolvedJob",
    "Scheduler",
    "ScriptError",
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

__version__: Final[str]

_Time: TypeAlias = int | float
"""Seconds, or ``math.inf`` for UNLIMITED."""

_Memory: TypeAlias = tuple[str, int | None]
"""``(kind, mib)``."""

class Error(Exception):
    """Base class of every error hpcsched raises."""

class ParseError(Error, ValueError):
    """Text that hpcsched could not read."""

    line: int | None
    """1-based line of the offending input; None when the input has no lines."""

class ConfigError(ParseError):
    """slurm.conf or plugstack.conf text that does not parse."""

class ScriptError(ParseError):
    """A batch script with an invalid #SBATCH directive."""

class OptionError(ParseError):
    """An invalid sbatch, srun or salloc option or command line."""

class QosError(ParseError):
    """QOS definitions that do not parse or conflict."""

class WorkloadError(ParseError):
    """A workload that cannot be replayed: a job-list line, an SWF header, jobs out of
    submit order, or a trace whose header does not describe a machine. The message names
    the file and line (``"jobs.txt: line 3: `B`: no earlier job in the file has this
    name (`-J`)"``). A file the operating system cannot open raises ``OSError``
    (``FileNotFoundError``...) instead."""

    path: str | None
    """The file, as given; None for text (``parse_job_list``)."""

class PolicyError(Error, ValueError):
    """A scheduling policy name other than fifo, easy, conservative or slurm."""

class SubmitError(Error, ValueError):
    """A submission the scheduler refuses: a dependency on an unknown job or on the job
    itself, no user name, or (RejectedError) a job sbatch would reject."""

class RejectedError(SubmitError):
    """A job the cluster would reject at submit."""

    reasons: list[str]
    """Every reason, most fundamental first, with sbatch's wording."""

class JobError(Error):
    """A job event the scheduler refuses; nothing changed."""

    job: int | None
    """The job id."""

class UnknownJobError(JobError, KeyError):
    """No job has this id."""

class JobStateError(JobError, ValueError):
    """The job's state does not allow this event (e.g. finishing a pending job)."""

    state: str | None
    """The job's state, as Slurm names it (``"PENDING"``...)."""

class NodeError(Error, KeyError):
    """No node has this name."""

    node: str | None
    """The node name."""

class PartitionError(Error, KeyError):
    """No partition has this name."""

    partition: str | None
    """The partition name."""

@final
class Gres:
    """A generic resource: ``gpu:a100:4`` is ``Gres('gpu', 'a100', 4)``."""

    __match_args__: ClassVar[tuple[str, str, str]]
    def __new__(
        cls, name: str, type: str | None = None, count: int = 1, no_consume: bool = False
    ) -> Gres: ...
    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str | None: ...
    @property
    def count(self) -> int: ...
    @property
    def no_consume(self) -> bool: ...
    def __getnewargs__(self) -> tuple[str, str | None, int, bool]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Node:
    """A node as a slurm.conf NodeName line defines it."""

    def __new__(
        cls,
        name: str,
        cpus: int,
        sockets: int,
        cores_per_socket: int,
        threads_per_core: int,
        real_memory_mib: int,
        gres: list[Gres],
        features: list[str],
        weight: int,
        state: list[str],
        reason: str | None,
    ) -> Node: ...
    @property
    def name(self) -> str: ...
    @property
    def cpus(self) -> int: ...
    @property
    def sockets(self) -> int: ...
    @property
    def cores_per_socket(self) -> int: ...
    @property
    def threads_per_core(self) -> int: ...
    @property
    def real_memory_mib(self) -> int: ...
    @property
    def gres(self) -> list[Gres]: ...
    @property
    def features(self) -> list[str]: ...
    @property
    def weight(self) -> int: ...
    @property
    def state(self) -> list[str]:
        """State flags (``"DOWN"``, ``"DRAIN"``, ...); empty for a node in service."""
    @property
    def reason(self) -> str | None: ...
    def __getnewargs__(
        self,
    ) -> tuple[
        str, int, int, int, int, int, list[Gres], list[str], int, list[str], str | None
    ]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Partition:
    """A partition as a slurm.conf PartitionName line defines it."""

    def __new__(
        cls,
        name: str,
        nodes: list[str],
        default: bool,
        state: str,
        max_time: _Time,
        default_time: _Time | None,
        max_nodes: int | None,
        min_nodes: int,
        priority_tier: int,
        qos: str | None,
        oversubscribe: str,
        exclusive_user: bool,
        def_mem: _Memory | None,
        max_mem: _Memory | None,
        allow_accounts: list[str] | None,
        allow_qos: list[str] | None,
    ) -> Partition: ...
    @property
    def name(self) -> str: ...
    @property
    def nodes(self) -> list[str]: ...
    @property
    def default(self) -> bool: ...
    @property
    def state(self) -> str:
        """``"UP"``, ``"DOWN"``, ``"DRAIN"`` or ``"INACTIVE"``."""
    @property
    def max_time(self) -> _Time:
        """MaxTime in seconds; ``math.inf`` for UNLIMITED (the default)."""
    @property
    def default_time(self) -> _Time | None:
        """DefaultTime in seconds; None when unset (MaxTime applies)."""
    @property
    def max_nodes(self) -> int | None:
        """MaxNodes; None for UNLIMITED."""
    @property
    def min_nodes(self) -> int: ...
    @property
    def priority_tier(self) -> int: ...
    @property
    def qos(self) -> str | None: ...
    @property
    def oversubscribe(self) -> str:
        """As slurm.conf writes it: ``"NO"``, ``"YES:4"``, ``"EXCLUSIVE"``, ``"FORCE:4"``."""
    @property
    def exclusive_user(self) -> bool: ...
    @property
    def def_mem(self) -> _Memory | None: ...
    @property
    def max_mem(self) -> _Memory | None: ...
    @property
    def allow_accounts(self) -> list[str] | None:
        """None for ALL."""
    @property
    def allow_qos(self) -> list[str] | None:
        """None for ALL."""
    def __getnewargs__(self) -> tuple[object, ...]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class JobRequest:
    """What a batch script and sbatch options ask for. Unset options are None (or empty)."""

    @staticmethod
    def from_script(
        text: str, args: list[str] | None = None, cluster: Cluster | None = None
    ) -> JobRequest:
        """Reads a batch script; ``args`` are sbatch options applied over it. With
        ``cluster``, the options of its SPANK plugins are accepted too.

        Raises ScriptError (with ``.line``) on an invalid directive.
        """
    @staticmethod
    def from_args(args: list[str]) -> JobRequest:
        """Reads sbatch command-line options. Raises OptionError."""
    @staticmethod
    def from_command_line(line: str | list[str], cluster: Cluster | None = None) -> JobRequest:
        """Reads an ``sbatch``, ``srun`` or ``salloc`` command line (a string split as a
        shell would, without expansion, or its words): the command's own options (srun
        refuses ``--array``...), then what it runs, kept in ``command``. With
        ``cluster``, the options of its SPANK plugins are accepted too. Raises
        OptionError."""
    def to_script(self) -> str: ...
    def to_args(self) -> list[str]: ...
    def to_command_line(self) -> str:
        """The command (sbatch, srun or salloc), the options, then ``command``."""
    @property
    def client(self) -> Literal["sbatch", "srun", "salloc"]:
        """The command the request was written for."""
    @property
    def command(self) -> list[str]:
        """The words after the options of a command line (what srun runs...)."""
    @property
    def plugin_options(self) -> list[tuple[str, str | None]]:
        """Options of SPANK plugins (pyxis's ``--container-image``...), ``(name, value)``
        in written order; they do not change how the job is scheduled."""
    @property
    def job_name(self) -> str | None: ...
    @property
    def account(self) -> str | None: ...
    @property
    def partitions(self) -> list[str]: ...
    @property
    def qos(self) -> str | None: ...
    @property
    def nodes(self) -> tuple[int, int] | None:
        """``(min, max)`` node count."""
    @property
    def ntasks(self) -> int | None: ...
    @property
    def ntasks_per_node(self) -> int | None: ...
    @property
    def cpus_per_task(self) -> int | None: ...
    @property
    def memory(self) -> _Memory | None:
        """``--mem`` is ``("per_node", mib)`` (0 = all of each node's memory),
        ``--mem-per-cpu`` ``("per_cpu", mib)``, ``--mem-per-gpu`` ``("per_gpu", mib)``."""
    @property
    def tmp_mib(self) -> int | None:
        """``--tmp`` in MiB."""
    @property
    def cpus_per_gpu(self) -> int | None: ...
    @property
    def overcommit(self) -> bool: ...
    @property
    def use_min_nodes(self) -> bool: ...
    @property
    def gres(self) -> list[Gres]: ...
    @property
    def gpus(self) -> Gres | None: ...
    @property
    def gpus_per_node(self) -> Gres | None: ...
    @property
    def time_limit(self) -> _Time | None:
        """Seconds; ``math.inf`` for ``--time=UNLIMITED``; None when not given."""
    @property
    def time_min(self) -> _Time | None: ...
    @property
    def nice(self) -> int | None: ...
    @property
    def hold(self) -> bool: ...
    @property
    def exclusive(self) -> str | None:
        """``"node"``, ``"user"``, ``"mcs"`` or ``"topo"``."""
    @property
    def oversubscribe(self) -> bool: ...
    @property
    def constraint(self) -> str | None: ...
    @property
    def nodelist(self) -> list[str]: ...
    @property
    def exclude(self) -> list[str]: ...
    @property
    def dependency(self) -> str | None: ...
    @property
    def array(self) -> str | None: ...
    @property
    def output(self) -> str | None: ...
    @property
    def error(self) -> str | None: ...
    @property
    def requeue(self) -> bool | None: ...
    @property
    def comment(self) -> str | None: ...
    @property
    def script(self) -> str | None:
        """The script body after the #SBATCH header."""
    def __eq__(self, value: object, /) -> bool: ...

@final
class ResolvedJob:
    """A job as the cluster will schedule it, after defaults and limits."""

    @property
    def request(self) -> JobRequest: ...
    @property
    def partition(self) -> str: ...
    @property
    def partitions(self) -> list[str]: ...
    @property
    def qos(self) -> str | None: ...
    @property
    def min_nodes(self) -> int: ...
    @property
    def max_nodes(self) -> int: ...
    @property
    def ntasks(self) -> int: ...
    @property
    def cpus_per_task(self) -> int: ...
    @property
    def min_cpus(self) -> int: ...
    @property
    def min_cpus_per_node(self) -> int:
        """The least CPUs each node gives the job (tasks per node × ``-c``, ``--mincpus``,
        GPUs × CPUs per GPU)."""
    @property
    def memory(self) -> _Memory:
        """``(kind, mib)``; ``("whole_node", None)`` when the job gets all of each node's memory."""
    @property
    def gres_per_node(self) -> list[Gres]: ...
    @property
    def time_limit(self) -> _Time: ...
    @property
    def whole_nodes(self) -> bool: ...
    @property
    def user_exclusive(self) -> bool: ...
    @property
    def pending_reason(self) -> str | None:
        """Slurm's reason string when the job would pend forever as submitted."""

@final
class Cluster:
    """Nodes, partitions, QOS and scheduler settings."""

    @staticmethod
    def from_slurm_conf(text: str) -> Cluster:
        """Builds a cluster from slurm.conf text. Raises ConfigError (with ``.line``)."""
    def add_qos(self, text: str) -> None:
        """Adds ``sacctmgr add qos ...`` definitions, all or nothing. Raises QosError."""
    def add_plugstack(self, text: str) -> list[tuple[int, str]]:
        """Reads plugstack.conf text and adds the SPANK plugins it lists, so that their
        options are accepted (pyxis is built in; declare any other with
        ``add_spank_plugin`` first). Returns the ``include`` lines as ``(line, pattern)``
        for the caller to read and add. All or nothing; raises ConfigError (with
        ``.line``)."""
    def add_spank_plugin(self, name: str, options: list[str] | None = None) -> None:
        """Adds the built-in SPANK plugin ``name`` (``"pyxis"``), or with ``options`` one
        declared by its options: ``"NAME"`` a flag, ``"NAME="`` with a value,
        ``"NAME[=]"`` with an optional value. Raises Error when refused."""
    @property
    def spank_plugins(self) -> list[str]:
        """Names of the SPANK plugins whose options are accepted."""
    @property
    def node_names(self) -> list[str]: ...
    @property
    def partition_names(self) -> list[str]: ...
    @property
    def qos_names(self) -> list[str]: ...
    @property
    def nodes(self) -> list[Node]: ...
    @property
    def partitions(self) -> list[Partition]: ...
    @property
    def default_partition(self) -> str | None: ...
    @property
    def warnings(self) -> list[tuple[int, str, str]]:
        """slurm.conf keys read but not acted on, as ``(line, key, message)``."""
    def node(self, name: str) -> Node | None: ...
    def partition(self, name: str) -> Partition | None: ...
    def resolve(self, request: JobRequest) -> ResolvedJob:
        """Resolves a request as slurmctld does at submit. Raises RejectedError."""
    def check(self, script: str, args: list[str] | None = None) -> ResolvedJob:
        """``resolve(JobRequest.from_script(script, args, cluster=self))``."""
    def check_command(self, line: str | list[str]) -> ResolvedJob:
        """``resolve(JobRequest.from_command_line(line, cluster=self))``: an srun or salloc
        job is scheduled like a batch job."""

@final
class GresAllocation:
    """GRES devices a job gets on one node: ``GresAllocation('gpu', 'a100', [0, 1])``."""

    __match_args__: ClassVar[tuple[str, str, str]]
    def __new__(cls, name: str, type: str | None, indices: list[int]) -> GresAllocation: ...
    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str | None: ...
    @property
    def indices(self) -> list[int]:
        """Device indices on the node, ascending."""
    def __getnewargs__(self) -> tuple[str, str | None, list[int]]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class NodeAllocation:
    """What a job holds on one node."""

    __match_args__: ClassVar[tuple[str, str, str, str]]
    def __new__(
        cls, node: str, cpus: int, memory_mib: int, gres: list[GresAllocation] = ...
    ) -> NodeAllocation: ...
    @property
    def node(self) -> str: ...
    @property
    def cpus(self) -> int: ...
    @property
    def memory_mib(self) -> int: ...
    @property
    def gres(self) -> list[GresAllocation]: ...
    def __getnewargs__(self) -> tuple[str, int, int, list[GresAllocation]]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

_DecisionKind: TypeAlias = Literal["start", "stop", "end"]

@final
class Decision:
    """One thing the host must do after a scheduling pass.

    ``"start"``: start ``job`` now in ``partition`` on ``nodes``. ``"stop"``: the running
    job reached its time limit and is now in ``state`` (``"TIMEOUT"``); its resources are
    free. ``"end"``: a pending job was ended without running; ``state`` and ``reason`` say
    how and why.
    """

    __match_args__: ClassVar[tuple[str, str]]
    def __new__(
        cls,
        kind: _DecisionKind,
        job: int,
        partition: str | None = None,
        nodes: list[NodeAllocation] = ...,
        state: str | None = None,
        reason: str | None = None,
    ) -> Decision: ...
    @property
    def kind(self) -> _DecisionKind: ...
    @property
    def job(self) -> int: ...
    @property
    def partition(self) -> str | None:
        """The partition a started job runs in; None for other kinds."""
    @property
    def nodes(self) -> list[NodeAllocation]:
        """A started job's allocation, node by node; empty for other kinds."""
    @property
    def node_names(self) -> list[str]: ...
    @property
    def state(self) -> str | None:
        """The state a stopped or ended job is now in; None for ``"start"``."""
    @property
    def reason(self) -> str | None:
        """Why an ended job was ended, in Slurm's words; None for other kinds."""
    def __getnewargs__(
        self,
    ) -> tuple[str, int, str | None, list[NodeAllocation], str | None, str | None]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Estimate:
    """A pending job's expected start, as ``squeue --start`` shows it."""

    __match_args__: ClassVar[tuple[str, str, str]]
    def __new__(
        cls,
        job: int,
        display_id: str,
        partition: str,
        start: int | None,
        nodes: list[str],
        reason: str | None,
        description: str | None = None,
    ) -> Estimate: ...
    @property
    def job(self) -> int:
        """The job id (an array's pending tasks carry the array job id)."""
    @property
    def display_id(self) -> str:
        """``"42"``, or ``"7_[2-5%2]"`` for an array's pending tasks."""
    @property
    def partition(self) -> str: ...
    @property
    def start(self) -> int | None:
        """Expected start; None when the job was not planned (squeue's N/A)."""
    @property
    def nodes(self) -> list[str]:
        """Planned nodes; empty when not planned."""
    @property
    def reason(self) -> str | None:
        """Why it is pending (``"Resources"``, ``"Priority"``...)."""
    @property
    def description(self) -> str | None:
        """The description slurmctld gives with the reason, which squeue prints in its
        place (``"ReqNodeNotAvail, UnavailableNodes:n2"``); None when there is none."""
    def __getnewargs__(
        self,
    ) -> tuple[int, str, str, int | None, list[str], str | None, str | None]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Job:
    """A snapshot of one job as the scheduler knew it when asked."""

    __match_args__: ClassVar[tuple[str, str, str]]
    def __new__(
        cls,
        id: int,
        display_id: str,
        array_task: tuple[int, int] | None,
        name: str,
        user: str,
        account: str | None,
        state: str,
        reason: str | None,
        hold: str | None,
        priority: int,
        submit_time: int,
        eligible_time: int | None,
        start_time: int | None,
        end_time: int | None,
        time_limit: _Time,
        partition: str | None,
        allocation: list[NodeAllocation],
        exit_code: int | None,
        comment: str | None,
        restarts: int,
    ) -> Job: ...
    @property
    def id(self) -> int: ...
    @property
    def display_id(self) -> str:
        """``"42"``, or ``"7_3"`` for an array task."""
    @property
    def array_task(self) -> tuple[int, int] | None:
        """``(array job id, task index)`` for an array task."""
    @property
    def name(self) -> str:
        """``--job-name``; empty when not given."""
    @property
    def user(self) -> str: ...
    @property
    def account(self) -> str | None: ...
    @property
    def state(self) -> str:
        """As Slurm names it: ``"PENDING"``, ``"RUNNING"``, ``"COMPLETED"``, ``"TIMEOUT"``..."""
    @property
    def reason(self) -> str | None:
        """Why it is pending (``"Resources"``, ``"JobHeldUser"``...); None when no reason."""
    @property
    def hold(self) -> Literal["user", "admin"] | None: ...
    @property
    def priority(self) -> int:
        """0 while held."""
    @property
    def submit_time(self) -> int: ...
    @property
    def eligible_time(self) -> int | None: ...
    @property
    def start_time(self) -> int | None: ...
    @property
    def end_time(self) -> int | None: ...
    @property
    def time_limit(self) -> _Time: ...
    @property
    def partition(self) -> str | None:
        """The partition it runs (or ran) in; None before it starts."""
    @property
    def allocation(self) -> list[NodeAllocation]: ...
    @property
    def nodes(self) -> list[str]:
        """Node names of the allocation."""
    @property
    def exit_code(self) -> int | None: ...
    @property
    def comment(self) -> str | None: ...
    @property
    def restarts(self) -> int:
        """How many times it was requeued."""
    def __getnewargs__(self) -> tuple[object, ...]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class JobRecord:
    """One job as ``sacct`` reports it (from ``Scheduler.records(now)``)."""

    @property
    def job(self) -> int: ...
    @property
    def display_id(self) -> str:
        """``"42"``, ``"7_3"``, or ``"7_[2-5]"`` for an array's pending tasks."""
    @property
    def name(self) -> str: ...
    @property
    def user(self) -> str: ...
    @property
    def account(self) -> str | None: ...
    @property
    def partition(self) -> str: ...
    @property
    def state(self) -> str:
        """Slurm's state name (``"COMPLETED"``, ``"TIMEOUT"``...)."""
    @property
    def exit_code(self) -> int: ...
    @property
    def submit(self) -> int: ...
    @property
    def eligible(self) -> int | None: ...
    @property
    def start(self) -> int | None: ...
    @property
    def end(self) -> int | None: ...
    @property
    def wait(self) -> int | None:
        """Seconds from submit to start; None if it never started."""
    @property
    def elapsed(self) -> int:
        """Seconds from start to end (or to ``now`` while running)."""
    @property
    def time_limit(self) -> _Time: ...
    @property
    def nodes(self) -> str:
        """The nodes as a hostlist (``"cpu16-[1-3]"``); ``expand_hostlist`` lists them."""
    @property
    def alloc_cpus(self) -> int:
        """``AllocCPUS``: CPUs of the allocation over all its nodes; 0 if it never started."""
    @property
    def alloc_tres(self) -> str:
        """``"cpu=4,mem=8192M,node=1,gres/gpu=2"``; empty if it never started."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class QueueRow:
    """One job still in the system, as ``squeue --start`` lists it (``Scheduler.queue()``,
    ``SimResult.queue``)."""

    @property
    def job(self) -> int:
        """The job id (an array's pending tasks carry the array job id)."""
    @property
    def job_id(self) -> str:
        """JOBID as squeue prints it: ``"42"``, ``"7_3"``, ``"7_[2-5]"``."""
    @property
    def partition(self) -> str:
        """Where the job runs, or where it is planned."""
    @property
    def name(self) -> str:
        """NAME (empty when not given)."""
    @property
    def user(self) -> str:
        """USER."""
    @property
    def state(self) -> str:
        """The state's long name (``"RUNNING"``, ``"PENDING"``...)."""
    @property
    def state_code(self) -> str:
        """ST, squeue's short code (``"R"``, ``"PD"``...)."""
    @property
    def start_time(self) -> int | None:
        """START_TIME, seconds: the actual start of a running job, the expected start of a
        pending one; None (N/A) when a pending job is not planned."""
    @property
    def nodes(self) -> int:
        """NODES: a running job's nodes, a pending job's requested minimum."""
    @property
    def nodelist(self) -> str | None:
        """NODELIST of a running job, as a hostlist; None for a pending one."""
    @property
    def sched_nodes(self) -> str | None:
        """SCHEDNODES of a pending job: its planned nodes, as a hostlist."""
    @property
    def reason(self) -> str | None:
        """REASON of a pending job, as squeue's ``%r`` prints it."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class PartitionUsage:
    """A partition's nodes and CPUs by state, as ``sinfo`` summarises them."""

    @property
    def nodes(self) -> int: ...
    @property
    def idle(self) -> int: ...
    @property
    def mixed(self) -> int: ...
    @property
    def allocated(self) -> int: ...
    @property
    def unavailable(self) -> int:
        """Nodes that take no new jobs (DOWN, DRAIN...)."""
    @property
    def cpus(self) -> int: ...
    @property
    def cpus_allocated(self) -> int: ...
    @property
    def gpus(self) -> int: ...
    @property
    def gpus_allocated(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class UserUsage:
    """What one user's jobs hold and wait for."""

    @property
    def running_jobs(self) -> int: ...
    @property
    def pending_jobs(self) -> int:
        """An array's pending tasks count one each."""
    @property
    def nodes(self) -> int: ...
    @property
    def cpus(self) -> int: ...
    @property
    def memory_mib(self) -> int: ...
    @property
    def gpus(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class LimitUsage:
    """One TRES a user holds under a QOS, next to its ``MaxTRESPerUser`` limit."""

    @property
    def tres(self) -> str:
        """As sacctmgr names it: ``"cpu"``, ``"mem"``, ``"gres/gpu"``..."""
    @property
    def used(self) -> int: ...
    @property
    def limit(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Scheduler:
    """A scheduler for a copy of a cluster: submit jobs, call ``schedule(now)``, carry out
    the decisions, report what happened. Times are ``int`` seconds on the host's clock."""

    def __new__(
        cls,
        cluster: Cluster,
        policy: str | None = None,
    ) -> Scheduler:
        """``policy`` None is Slurm's behaviour under the cluster's SchedulerType and
        SchedulerParameters. Raises PolicyError for an unknown name."""
    def submit(self, request: JobRequest, user: str, now: int) -> int:
        """Returns the job id. Raises RejectedError (with ``.reasons``) when sbatch would
        refuse the job, SubmitError for other refusals; a refusal changes nothing."""
    def schedule(self, now: int) -> list[Decision]:
        """Runs one scheduling pass; also refreshes ``estimates()``."""
    def job_finished(self, job: int, now: int, exit_code: int = 0) -> None:
        """A running job ended (0: COMPLETED, else FAILED). Raises UnknownJobError or
        JobStateError, as do all job events."""
    def out_of_memory(self, job: int, now: int, reboot_on_oom: bool = False) -> None: ...
    def cancel(self, job: int, now: int) -> None: ...
    def hold(self, job: int, admin: bool = False) -> None:
        """``admin=True``: an administrator's hold (reason JobHeldAdmin)."""
    def release(self, job: int) -> None: ...
    def requeue(self, job: int, now: int) -> None: ...
    def update_time_limit(self, job: int, limit: _Time) -> None:
        """Seconds, or ``math.inf`` for UNLIMITED."""
    def drain_node(self, name: str, reason: str) -> None:
        """Raises NodeError for an unknown node, as do all node events."""
    def resume_node(self, name: str) -> None: ...
    def set_partition_state(
        self, name: str, state: Literal["UP", "DOWN", "DRAIN", "INACTIVE"] | str
    ) -> None:
        """As ``scontrol update PartitionName=name State=state``: DOWN holds the queue
        (PartitionDown), DRAIN refuses new jobs, INACTIVE does both (PartitionInactive).
        Raises PartitionError for an unknown partition, ValueError for a bad state."""
    def down_node(self, name: str, reason: str, now: int) -> tuple[list[int], list[int]]:
        """Returns ``(ended, requeued)`` job ids."""
    def next_event_time(self, now: int) -> int | None:
        """When to call ``schedule`` again at the latest; None when only events need a pass."""
    def estimates(self) -> list[Estimate]:
        """Expected starts as of the last pass, in expected-start order."""
    def queue(self) -> list[QueueRow]:
        """The queue as ``squeue --start`` shows it after the last pass: running jobs by
        start time, then pending ones in expected-start order (unplanned last)."""
    def records(self, now: int) -> list[JobRecord]:
        """Every job as ``sacct`` would list it at ``now``, by job id."""
    def partition_usage(self, name: str) -> PartitionUsage | None:
        """None for an unknown partition."""
    def user_usage(self, user: str) -> UserUsage: ...
    def qos_user_usage(self, qos: str, user: str) -> list[LimitUsage] | None:
        """None for an unknown QOS."""
    def job(self, id: int) -> Job | None: ...
    def jobs(self) -> list[Job]:
        """Every job (pending, running, finished), in the scheduler's order (submission
        order for ordinary jobs)."""
    def pending_tasks(self, id: int) -> int: ...
    def node_jobs(self, name: str) -> list[int] | None:
        """Jobs running on the node; None for an unknown node."""
    def node_free(self, name: str) -> tuple[int, int, list[Gres]] | None:
        """``(cpus, memory_mib, gres)`` free now; None for an unknown node."""
    @property
    def cluster(self) -> Cluster:
        """A copy of the scheduler's cluster, with node states as it sees them."""

def expand_hostlist(hostlist: str) -> list[str]:
    """Expands a Slurm hostlist (``"n[1-3],gpu01"``) into node names, in written order.

    Raises ParseError on a malformed hostlist.
    """

@final
class Workload:
    """Jobs to replay, read from a job list by ``parse_job_list`` or ``read_job_list``.

    A job list has one job per line: ``SUBMIT_TIME RUNTIME[:EXIT] USER [sbatch options...]``
    (seconds on the simulation clock; the run time as seconds, ``HH:MM:SS`` or
    ``D-HH:MM:SS``; ``-d afterok:NAME`` dependencies on earlier lines by ``-J`` name or
    1-based position; ``#`` comments).
    """

    def __len__(self) -> int: ...
    @property
    def path(self) -> str | None:
        """The file the jobs were read from; None for text."""
    def to_job_list(self) -> str:
        """The jobs as job-list text that reads back to the same jobs."""

def parse_job_list(text: str, cluster: Cluster | None = None) -> Workload:
    """Reads job-list text; with ``cluster``, the options of its SPANK plugins are
    accepted too. Raises WorkloadError (with ``.line``) on the first bad line."""

def read_job_list(path: str | os.PathLike[str], cluster: Cluster | None = None) -> Workload:
    """Reads a job-list file, plain or gzip-compressed; with ``cluster``, the options of
    its SPANK plugins are accepted too. Raises WorkloadError (with ``.path`` and
    ``.line``), or OSError when the file cannot be opened."""

@final
class Stats:
    """The statistics of a set of jobs: a whole replay, a partition or a user.

    Waits are over the jobs that started, run figures over the jobs that started and
    ended; a figure with nothing to measure is None. Times are seconds.
    """

    @property
    def jobs(self) -> int:
        """Records counted."""
    @property
    def started(self) -> int: ...
    @property
    def never_started(self) -> int: ...
    @property
    def ran(self) -> int:
        """Jobs that started and ended."""
    @property
    def completed(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def timeout(self) -> int: ...
    @property
    def cancelled(self) -> int: ...
    @property
    def other_state(self) -> int:
        """OUT_OF_MEMORY, DEADLINE..., or still PENDING/RUNNING after ``stop_at``."""
    @property
    def mean_wait(self) -> float | None:
        """Mean of start - submit."""
    @property
    def median_wait(self) -> float | None:
        """Mean of the two middle waits for an even count."""
    @property
    def p95_wait(self) -> int | None:
        """Nearest-rank 95th percentile: the wait at rank ceil(0.95 n)."""
    @property
    def max_wait(self) -> int | None: ...
    @property
    def mean_bounded_slowdown(self) -> float | None:
        """Mean of max(1, (wait + run) / max(run, 10 s))."""
    @property
    def cpu_seconds(self) -> int:
        """Sum of alloc_cpus x run."""
    @property
    def utilization(self) -> float | None:
        """cpu_seconds / (CPUs x makespan); a partition's own CPUs per partition, None
        per user."""
    @property
    def makespan(self) -> int | None:
        """Last end - first submit."""
    @property
    def throughput(self) -> float | None:
        """Jobs that ran, per hour of makespan."""
    @property
    def first_submit(self) -> int | None: ...
    @property
    def first_start(self) -> int | None: ...
    @property
    def last_end(self) -> int | None: ...
    def to_dict(self) -> dict[str, int | float | None]:
        """The figures by name, in the order above."""
    def __eq__(self, value: object, /) -> bool: ...

@final
class Summary:
    """The metrics of a replay. ``str(summary)`` is the text report of ``hpcsched
    simulate``."""

    @property
    def total_cpus(self) -> int: ...
    @property
    def overall(self) -> Stats: ...
    @property
    def per_partition(self) -> dict[str, Stats]:
        """By partition name, sorted."""
    @property
    def per_user(self) -> dict[str, Stats]:
        """By user name, sorted."""
    def to_dict(self) -> dict[str, Any]:
        """``{"total_cpus": int, "overall": {...}, "per_partition": {name: {...}},
        "per_user": {name: {...}}}`` with ``Stats.to_dict()`` values."""

@final
class SkippedLine:
    """An SWF line that was not replayed (unreadable, no run time, wider than the
    machine, a partial-execution record...)."""

    @property
    def line(self) -> int:
        """1-based line of the trace."""
    @property
    def job_number(self) -> int | None:
        """SWF field 1; None when the line could not be read."""
    @property
    def reason(self) -> str: ...
    @property
    def message(self) -> str:
        """``"line 4: SWF job 2 skipped: ..."``, also ``str(skipped)``."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class RefusedJob:
    """A job the scheduler refused at submit, as sbatch would have."""

    @property
    def index(self) -> int:
        """1-based position in the workload."""
    @property
    def line(self) -> int:
        """Line of the workload file."""
    @property
    def reason(self) -> str:
        """sbatch's message."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class LeftPending:
    """A job still pending when the replay ended: nothing left to happen could start it."""

    @property
    def job(self) -> int:
        """The job id."""
    @property
    def index(self) -> int:
        """1-based position in the workload."""
    @property
    def display_id(self) -> str:
        """The id as squeue shows it (``7_[2-5]`` for an array's tasks that never started)."""
    @property
    def reason(self) -> str | None:
        """Why it is pending (``JobHeldUser``, ``DependencyNeverSatisfied``...)."""
    @property
    def description(self) -> str | None:
        """The description slurmctld gives with the reason, if any."""
    @property
    def reason_text(self) -> str:
        """The reason as squeue prints it: the description if any, else the reason."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

_ColorBy: TypeAlias = Literal["job", "user", "partition"]

@final
class SimResult:
    """What ``simulate`` returns."""

    @property
    def records(self) -> list[JobRecord]:
        """Every job as ``sacct`` lists it, by job id: the jobs that ran, the ones that
        never could, and with ``stop_at`` the ones still pending or running then."""
    @property
    def summary(self) -> Summary:
        """The metrics over ``records``."""
    @property
    def skipped(self) -> list[SkippedLine]:
        """SWF lines not replayed, in file order; empty for a job list."""
    @property
    def refused(self) -> list[RefusedJob]:
        """Jobs refused at submit, in workload order."""
    @property
    def left_pending(self) -> list[LeftPending]:
        """The jobs still pending when the replay ended because nothing left to happen
        could start them, by job id; empty when it stopped at ``stop_at``."""
    @property
    def estimates(self) -> list[Estimate]:
        """With ``stop_at``: the pending jobs' expected starts then; else empty."""
    @property
    def queue(self) -> list[QueueRow]:
        """With ``stop_at``, the queue at that instant as ``squeue --start`` shows it
        (running jobs, then pending ones); empty when the replay ran to the end."""
    @property
    def cluster(self) -> Cluster:
        """The cluster replayed on (from the SWF header when none was given)."""
    @property
    def policy(self) -> str: ...
    @property
    def overrun(self) -> Literal["kill", "allow"]: ...
    @property
    def workload_format(self) -> Literal["swf", "job_list"]: ...
    @property
    def submitted(self) -> int:
        """Jobs the scheduler accepted."""
    @property
    def passes(self) -> int:
        """Scheduling passes run."""
    @property
    def end(self) -> int:
        """The last instant simulated."""
    @property
    def stopped(self) -> bool:
        """Whether the replay stopped at ``stop_at`` with work left."""
    def __len__(self) -> int:
        """The number of records."""
    def _columns(self) -> dict[str, list[object]]: ...
    def to_pandas(self) -> DataFrame:
        """One row per record (job-id order). Columns: job, display_id, name, user,
        account, partition, state, exit_code, submit, eligible, start, end, wait
        (start - submit), elapsed, time_limit, nodes, alloc_cpus, alloc_tres. Times are
        integer seconds (``Int64``, ``<NA>`` when a job has none); time_limit is float
        seconds, ``inf`` for UNLIMITED.

        Needs pandas (``pip install 'hpcsched[pandas]'``); raises ModuleNotFoundError
        saying so without it.
        """
    def plot_gantt(
        self,
        ax: Axes | None = None,
        *,
        start: int | None = None,
        end: int | None = None,
        nodes: Sequence[str] | None = None,
        color_by: _ColorBy = "job",
    ) -> Axes:
        """A Gantt chart: one row per node (the cluster's, in slurm.conf order, or
        ``nodes``), one bar per job on each node it ran on. ``start``/``end`` bound the
        time axis (default: first start to last end). Colours follow the sorted values of
        ``color_by`` through ``tab20``. Draws on ``ax`` or a new figure; returns the Axes.

        Needs matplotlib (``pip install 'hpcsched[plot]'``); raises ModuleNotFoundError
        saying so without it.
        """

def simulate(
    cluster: Cluster | None,
    workload: str | os.PathLike[str] | Workload,
    *,
    policy: str = "slurm",
    overrun: Literal["kill", "allow"] = "kill",
    whole_nodes: bool = False,
    first: int | None = None,
    stop_at: int | None = None,
) -> SimResult:
    """Replays ``workload`` on ``cluster`` in virtual time and returns every job's record
    with the metrics. The GIL is released while it runs. Ctrl-C (any Python signal
    handler that raises) stops the replay where it is, then the exception is raised.

    ``workload`` is a path to an SWF trace or a job list, plain or gzip-compressed (told
    apart by content, not by name), or a ``Workload`` (``parse_job_list(text)``). With an
    SWF trace and ``cluster`` None, the machine comes from the trace header (``MaxNodes``
    nodes of ``MaxProcs / MaxNodes`` CPUs, one partition ``swf``); SWF jobs ask for
    processors (``-n PROCS``), or with ``whole_nodes`` for whole nodes:
    ``-N ceil(PROCS / C) --exclusive``, where C is the CPU count of the default partition's
    smallest node (as ``hpcsched simulate --whole-nodes``). A job list needs a cluster.

    ``policy``: ``"slurm"`` (the default: the cluster's own SchedulerType and
    SchedulerParameters, Slurm's defaults otherwise), ``"fifo"``, ``"easy"`` or
    ``"conservative"``. ``overrun``: ``"kill"`` ends a job at its time
    limit as Slurm does; ``"allow"`` runs it to its recorded run time. ``first``: replay
    only the first N jobs (skipped SWF lines do not count; the lines after the N-th job
    are not read). ``stop_at``: stop at this
    instant, with the jobs still in the system in ``records`` and their expected starts
    in ``estimates``.

    Raises WorkloadError (file and line) for a bad workload, OSError when the file cannot
    be opened, PolicyError for an unknown policy, ValueError for an unknown overrun, a job
    list without a cluster, or ``whole_nodes`` with a job list.
    """

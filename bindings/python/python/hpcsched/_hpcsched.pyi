# Type stubs for the native module hpcsched._hpcsched, hand-written and checked against it
# by `python -m mypy.stubtest hpcsched._hpcsched`.
#
# The docstrings are the module's own: each is the Rust doc comment (`///`) of the item in
# bindings/python/src/, or the exception docstring in src/errors.rs, which Python shows at
# run time (help(), __doc__). Change both together: tests/test_docstrings.py fails when a
# docstring here differs from the runtime one. Python cannot show a docstring on a plain
# attribute or on a slot method (__new__, __len__, __eq__...), so those are described in
# their class's docstring instead.

"""The native module of hpcsched (``import hpcsched`` re-exports it): slurm.conf, QOS,
sbatch scripts, resolution, the scheduler and trace replay.

Conventions:

* Time limits and durations are ``int`` seconds. UNLIMITED is ``math.inf`` (a ``float``),
  so ``job.time_limit <= partition.max_time`` compares naturally. ``None`` means not set.
* Times (``now``, submit/start/end times, estimates) are ``int`` seconds on the host's
  clock; job ids are ``int``.
* Memory is MiB. Memory values are ``(kind, mib)`` tuples; kind is ``"per_node"``,
  ``"per_cpu"``, ``"per_gpu"`` or, for a resolved job, ``"whole_node"`` (with mib
  ``None``).
* ``simulate`` replays a workload (an SWF trace or a job list) in virtual time; pandas
  and matplotlib are needed only by ``SimResult.to_pandas()`` and
  ``SimResult.plot_gantt()`` (the ``pandas`` and ``plot`` extras).
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

__version__: Final[str]

_Time: TypeAlias = int | float
"""Seconds, or ``math.inf`` for UNLIMITED."""

_Memory: TypeAlias = tuple[str, int | None]
"""``(kind, mib)``."""

class Error(Exception):
    """Base class of every error hpcsched raises."""

class ParseError(Error, ValueError):
    """Text that hpcsched could not read.

    ``line`` is the 1-based line of the offending input; None when the input has no lines.
    """

    line: int | None

class ConfigError(ParseError):
    """slurm.conf or plugstack.conf text that does not parse."""

class ScriptError(ParseError):
    """A batch script with an invalid #SBATCH directive."""

class OptionError(ParseError):
    """An invalid sbatch, srun or salloc option or command line."""

class QosError(ParseError):
    """QOS definitions that do not parse or conflict."""

class WorkloadError(ParseError):
    """A workload that cannot be replayed: a job-list line, an SWF header, jobs out of submit
    order, or a trace whose header does not describe a machine. The message names the file and
    line (``"jobs.txt: line 3: `B`: no earlier job in the file has this name (`-J`)"``). A
    file the operating system cannot open raises ``OSError`` (``FileNotFoundError``...)
    instead.

    ``path`` is the file, as given (None for text: ``parse_job_list``); ``line`` its 1-based
    line (None when the error has no line).
    """

    path: str | None

class PolicyError(Error, ValueError):
    """A scheduling policy name other than fifo, easy, conservative or slurm."""

class SubmitError(Error, ValueError):
    """A submission the scheduler refuses: a dependency on an unknown job or on the job itself, no
    user name, or (RejectedError) a job sbatch would reject."""

class RejectedError(SubmitError):
    """A job the cluster would reject at submit.

    ``reasons`` lists every reason, most fundamental first, in sbatch's words.
    """

    reasons: list[str]

class JobError(Error):
    """A job event the scheduler refuses; nothing changed.

    ``job`` is the job id.
    """

    job: int | None

class UnknownJobError(JobError, KeyError):
    """No job has this id."""

class JobStateError(JobError, ValueError):
    """The job's state does not allow this event (e.g. finishing a pending job).

    ``state`` is the job's state, as Slurm names it (``"PENDING"``...).
    """

    state: str | None

class NodeError(Error, KeyError):
    """No node has this name.

    ``node`` is the name.
    """

    node: str | None

class PartitionError(Error, KeyError):
    """No partition has this name.

    ``partition`` is the name.
    """

    partition: str | None

@final
class Gres:
    """A generic resource: ``gpu:a100:4`` is ``Gres('gpu', 'a100', 4)``."""

    __match_args__: ClassVar[tuple[str, str, str]]
    def __new__(
        cls, name: str, type: str | None = None, count: int = 1, no_consume: bool = False
    ) -> Gres: ...
    @property
    def name(self) -> str:
        """GRES name, e.g. ``"gpu"``."""
    @property
    def type(self) -> str | None:
        """GRES type, e.g. ``"a100"``; None when untyped."""
    @property
    def count(self) -> int:
        """How many."""
    @property
    def no_consume(self) -> bool:
        """Whether allocations never consume it (node definitions only)."""
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
    def name(self) -> str:
        """NodeName."""
    @property
    def cpus(self) -> int:
        """CPUs."""
    @property
    def sockets(self) -> int:
        """Sockets per board."""
    @property
    def cores_per_socket(self) -> int:
        """CoresPerSocket."""
    @property
    def threads_per_core(self) -> int:
        """ThreadsPerCore."""
    @property
    def real_memory_mib(self) -> int:
        """RealMemory, MiB."""
    @property
    def gres(self) -> list[Gres]:
        """Gres: the node's generic resources."""
    @property
    def features(self) -> list[str]:
        """Features."""
    @property
    def weight(self) -> int:
        """Weight."""
    @property
    def state(self) -> list[str]:
        """State flags (``"DOWN"``, ``"DRAIN"``, ...); empty for a node in service."""
    @property
    def reason(self) -> str | None:
        """Why the node is down or drained; None when no reason is set."""
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
    def name(self) -> str:
        """PartitionName."""
    @property
    def nodes(self) -> list[str]:
        """Nodes, expanded, in slurm.conf order."""
    @property
    def default(self) -> bool:
        """Default=YES."""
    @property
    def state(self) -> str:
        """State: ``"UP"``, ``"DOWN"``, ``"DRAIN"`` or ``"INACTIVE"``."""
    @property
    def max_time(self) -> _Time:
        """MaxTime in seconds; ``math.inf`` for UNLIMITED (the default)."""
    @property
    def default_time(self) -> _Time | None:
        """DefaultTime in seconds (``math.inf`` for UNLIMITED); None when unset (MaxTime
        applies)."""
    @property
    def max_nodes(self) -> int | None:
        """MaxNodes; None for UNLIMITED."""
    @property
    def min_nodes(self) -> int:
        """MinNodes."""
    @property
    def priority_tier(self) -> int:
        """PriorityTier."""
    @property
    def qos(self) -> str | None:
        """QOS: the partition QOS; None when unset."""
    @property
    def oversubscribe(self) -> str:
        """OverSubscribe as slurm.conf writes it: ``"NO"``, ``"YES:4"``, ``"EXCLUSIVE"``,
        ``"FORCE:4"``."""
    @property
    def exclusive_user(self) -> bool:
        """ExclusiveUser."""
    @property
    def def_mem(self) -> _Memory | None:
        """DefMemPerCPU, DefMemPerNode or DefMemPerGPU as ``(kind, mib)``; None when unset."""
    @property
    def max_mem(self) -> _Memory | None:
        """MaxMemPerCPU or MaxMemPerNode as ``(kind, mib)``; None when unset."""
    @property
    def allow_accounts(self) -> list[str] | None:
        """AllowAccounts; None for ALL."""
    @property
    def allow_qos(self) -> list[str] | None:
        """AllowQos; None for ALL."""
    def __getnewargs__(self) -> tuple[object, ...]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class JobRequest:
    """What a batch script, sbatch options or a command line ask for. Unset options are None
    (or empty)."""

    @staticmethod
    def from_script(
        text: str, args: list[str] | None = None, cluster: Cluster | None = None
    ) -> JobRequest:
        """Reads a batch script; ``args`` are sbatch options applied over it, as in
        ``sbatch ARGS... script``. With ``cluster``, the options of its SPANK plugins are
        accepted too.

        Raises ScriptError (with ``.line``) on an invalid directive.
        """
    @staticmethod
    def from_args(args: list[str]) -> JobRequest:
        """Reads sbatch command-line options (without ``sbatch`` itself). Raises OptionError."""
    @staticmethod
    def from_command_line(line: str | list[str], cluster: Cluster | None = None) -> JobRequest:
        """Reads an ``sbatch``, ``srun`` or ``salloc`` command line (a string split as a shell
        would, without expansion, or its words): the command's own options (srun refuses
        ``--array``...), then what it runs, kept in ``command``. With ``cluster``, the
        options of its SPANK plugins are accepted too. Raises OptionError."""
    def to_script(self) -> str:
        """The request as a batch script with one ``#SBATCH`` line per option."""
    def to_args(self) -> list[str]:
        """The request as sbatch command-line arguments."""
    def to_command_line(self) -> str:
        """The request as a shell command line: the command (``sbatch``, ``srun`` or
        ``salloc``), the options, then ``command``."""
    @property
    def client(self) -> Literal["sbatch", "srun", "salloc"]:
        """The command the request was written for: ``"sbatch"``, ``"srun"`` or ``"salloc"``."""
    @property
    def command(self) -> list[str]:
        """The words after the options of a command line (what srun runs...)."""
    @property
    def plugin_options(self) -> list[tuple[str, str | None]]:
        """Options of SPANK plugins (pyxis's ``--container-image``...), ``(name, value)`` in
        written order; they do not change how the job is scheduled."""
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
        """``--exclusive``: ``"node"``, ``"user"``, ``"mcs"`` or ``"topo"``; None when not given."""
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
        """``(kind, mib)``; ``("whole_node", None)`` when the job gets all of each node's
        memory."""
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
        """Slurm's reason string when the job would pend forever as submitted; else None."""

@final
class Cluster:
    """A cluster: nodes, partitions, QOS and scheduler settings. Build one with
    ``Cluster.from_slurm_conf(text)``."""

    @staticmethod
    def from_slurm_conf(text: str) -> Cluster:
        """Builds a cluster from slurm.conf text. Raises ConfigError (with ``.line``)."""
    def add_qos(self, text: str) -> None:
        """Adds QOS definitions (``sacctmgr add qos NAME Key=Value...``, one per line). All or
        nothing: on error the cluster is unchanged. Raises QosError."""
    def add_sacctmgr(self, text: str) -> None:
        """Applies a ``sacctmgr`` admin script, one command per line (``sacctmgr [-i]``
        optional): ``add cluster``, ``add|modify qos``, ``add|modify|delete account`` and
        ``add|modify|delete user``. QOS lines are read first; the first association tree
        also creates the ``normal`` QOS when the cluster has none. Jobs then run under their
        user's association (default account and QOS), its limits and fair-share. All or
        nothing: on error the cluster is unchanged. Raises QosError for a QOS line,
        ParseError for the others (both with ``.line``)."""
    def load_sacctmgr_dump(self, text: str) -> None:
        """Replaces the association tree with that of a file ``sacctmgr dump`` wrote
        (``Cluster - 'NAME':...`` and ``Parent``/``Account``/``User`` lines); the QOS it
        names must exist. All or nothing. Raises ParseError (with ``.line``)."""
    def add_accounts(self, text: str) -> None:
        """Reads accounts text as ``hpcsched simulate --accounts`` does: a ``sacctmgr dump``
        file (told apart by its ``Cluster - 'NAME'`` line) as ``load_sacctmgr_dump``,
        anything else as ``add_sacctmgr``."""
    def dump_accounts(self) -> str | None:
        """The association tree as ``sacctmgr dump`` writes it (``load_sacctmgr_dump`` reads it
        back); None when the cluster has none."""
    def add_plugstack(self, text: str) -> list[tuple[int, str]]:
        """Reads plugstack.conf text and adds the SPANK plugins it lists, so that their options
        are accepted (pyxis is built in; declare any other with ``add_spank_plugin`` first).
        Returns the ``include`` lines as ``(line, pattern)``, for the caller to read and add
        the same way. All or nothing: on error the cluster is unchanged. Raises ConfigError
        (with ``.line``)."""
    def add_spank_plugin(self, name: str, options: list[str] | None = None) -> None:
        """Adds a SPANK plugin: the built-in one of this name (``"pyxis"``) when ``options`` is
        None, otherwise one declared by its options: ``"NAME"`` a flag, ``"NAME="`` with a
        value, ``"NAME[=]"`` with an optional value. Raises Error when refused."""
    @property
    def spank_plugins(self) -> list[str]:
        """The names of the SPANK plugins whose options are accepted, in the order added."""
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
        """slurm.conf keys hpcsched reads but does not act on, as ``(line, key, message)``."""
    def node(self, name: str) -> Node | None:
        """The node with this name; None when there is none."""
    def partition(self, name: str) -> Partition | None:
        """The partition with this name; None when there is none."""
    def resolve(self, request: JobRequest) -> ResolvedJob:
        """Resolves a request the way slurmctld does at submit. Raises RejectedError (with
        ``.reasons``) when sbatch would refuse the job."""
    def check(self, script: str, args: list[str] | None = None) -> ResolvedJob:
        """Reads a batch script (``args``: sbatch options over it), with the options of the
        cluster's SPANK plugins, and resolves it:
        ``resolve(JobRequest.from_script(script, args, cluster=self))``."""
    def check_command(self, line: str | list[str]) -> ResolvedJob:
        """Reads an sbatch, srun or salloc command line (a string split as a shell would, or
        its words), with the options of the cluster's SPANK plugins, and resolves it:
        ``resolve(JobRequest.from_command_line(line, cluster=self))``. An srun or salloc job
        is scheduled like a batch job."""

@final
class GresAllocation:
    """GRES devices a job gets on one node: ``GresAllocation('gpu', 'a100', [0, 1])``."""

    __match_args__: ClassVar[tuple[str, str, str]]
    def __new__(cls, name: str, type: str | None, indices: list[int]) -> GresAllocation: ...
    @property
    def name(self) -> str:
        """GRES name, e.g. ``"gpu"``."""
    @property
    def type(self) -> str | None:
        """GRES type, e.g. ``"a100"``; None when untyped."""
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
    def node(self) -> str:
        """Node name."""
    @property
    def cpus(self) -> int:
        """CPUs allocated on it."""
    @property
    def memory_mib(self) -> int:
        """Memory allocated on it, MiB."""
    @property
    def gres(self) -> list[GresAllocation]:
        """GRES devices allocated on it."""
    def __getnewargs__(self) -> tuple[str, int, int, list[GresAllocation]]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

_DecisionKind: TypeAlias = Literal["start", "stop", "end", "preempt", "resume"]
_PreemptAction: TypeAlias = Literal["CANCEL", "REQUEUE", "SUSPEND"]

@final
class Decision:
    """One thing the host must do after a scheduling pass.

    ``kind`` says what. ``"start"``: start ``job`` now in ``partition`` on ``nodes``.
    ``"stop"``: the running job reached its time limit and is now in ``state``
    (``"TIMEOUT"``); its resources are free. ``"end"``: a pending job was ended without
    running; ``state`` and ``reason`` say how and why. ``"preempt"``: the running ``job``
    gives way to the pending job ``by`` (a higher partition tier or QOS); ``action`` says
    what is done to it (``"CANCEL"``, ``"REQUEUE"``, ``"SUSPEND"``) and ``at`` when. With
    ``at`` equal to the pass's ``now`` it is done already: a cancelled job is PREEMPTED, a
    requeued one PENDING again (kill its processes; it later starts again from the
    beginning), a suspended one SUSPENDED (stop its processes until a ``"resume"``). With
    ``at`` later (its GraceTime) signal the job now and let it run: the pass at or after
    ``at`` repeats the decision with ``at`` equal to its ``now`` and does it, unless the job
    ended before. ``"resume"``: a suspended job runs again.
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
        by: int | None = None,
        action: _PreemptAction | None = None,
        at: int | None = None,
    ) -> Decision: ...
    @property
    def kind(self) -> _DecisionKind:
        """``"start"``, ``"stop"``, ``"end"``, ``"preempt"`` or ``"resume"``."""
    @property
    def job(self) -> int:
        """The job id."""
    @property
    def partition(self) -> str | None:
        """The partition a started job runs in; None for other kinds."""
    @property
    def nodes(self) -> list[NodeAllocation]:
        """A started job's allocation, node by node; empty for other kinds."""
    @property
    def node_names(self) -> list[str]:
        """Node names of a started job's allocation."""
    @property
    def state(self) -> str | None:
        """The state a stopped or ended job is now in; None for ``"start"``."""
    @property
    def reason(self) -> str | None:
        """Why an ended job was ended, in Slurm's words; None for other kinds."""
    @property
    def by(self) -> int | None:
        """The pending job a preempted job gives way to; None for other kinds."""
    @property
    def action(self) -> _PreemptAction | None:
        """What preemption does to the job, as PreemptMode names it: ``"CANCEL"``,
        ``"REQUEUE"`` or ``"SUSPEND"``; None for other kinds."""
    @property
    def at(self) -> int | None:
        """When a preemption is done, seconds: the pass's ``now`` (done), or later (the job was
        signalled; its grace time runs); None for other kinds."""
    def __getnewargs__(
        self,
    ) -> tuple[
        str,
        int,
        str | None,
        list[NodeAllocation],
        str | None,
        str | None,
        int | None,
        str | None,
        int | None,
    ]: ...
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
        """The id as squeue shows it: ``"42"``, or ``"7_[2-5%2]"`` for an array's pending
        tasks."""
    @property
    def partition(self) -> str:
        """The partition it is planned in."""
    @property
    def start(self) -> int | None:
        """Expected start, seconds; None when the job was not planned (squeue's N/A)."""
    @property
    def nodes(self) -> list[str]:
        """Planned nodes; empty when not planned."""
    @property
    def reason(self) -> str | None:
        """Why it is pending (``"Resources"``, ``"Priority"``...); None when no reason is
        recorded."""
    @property
    def description(self) -> str | None:
        """The description slurmctld gives with the reason, which squeue prints in its place
        (``"ReqNodeNotAvail, UnavailableNodes:n2"``); None when there is none."""
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
    def id(self) -> int:
        """The job id (an array task's own id once it has started)."""
    @property
    def display_id(self) -> str:
        """The id as squeue shows it: ``"42"``, or ``"7_3"`` for an array task."""
    @property
    def array_task(self) -> tuple[int, int] | None:
        """``(array job id, task index)`` for an array task; else None."""
    @property
    def name(self) -> str:
        """``--job-name``; empty when not given."""
    @property
    def user(self) -> str:
        """The submitting user."""
    @property
    def account(self) -> str | None:
        """The account; None when not given."""
    @property
    def state(self) -> str:
        """The state as Slurm names it: ``"PENDING"``, ``"RUNNING"``, ``"COMPLETED"``,
        ``"TIMEOUT"``..."""
    @property
    def reason(self) -> str | None:
        """Why it is pending (``"Resources"``, ``"Priority"``, ``"JobHeldUser"``...); None when
        no reason."""
    @property
    def hold(self) -> Literal["user", "admin"] | None:
        """Who holds it: ``"user"``, ``"admin"`` or None."""
    @property
    def priority(self) -> int:
        """Priority (0 while held)."""
    @property
    def submit_time(self) -> int:
        """Submit time, seconds."""
    @property
    def eligible_time(self) -> int | None:
        """When it became eligible to run, or None."""
    @property
    def start_time(self) -> int | None:
        """When it started, or None."""
    @property
    def end_time(self) -> int | None:
        """When it ended, or None."""
    @property
    def time_limit(self) -> _Time:
        """The time limit it runs under: seconds, or ``math.inf`` for UNLIMITED."""
    @property
    def partition(self) -> str | None:
        """The partition it runs (or ran) in; None before it starts."""
    @property
    def allocation(self) -> list[NodeAllocation]:
        """What it holds (or held), node by node."""
    @property
    def nodes(self) -> list[str]:
        """Node names of the allocation."""
    @property
    def exit_code(self) -> int | None:
        """Its exit code once it ended, or None."""
    @property
    def comment(self) -> str | None:
        """``--comment``, or a cause the scheduler recorded; None when neither."""
    @property
    def restarts(self) -> int:
        """How many times it was requeued."""
    def __getnewargs__(self) -> tuple[object, ...]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class JobRecord:
    """One job as ``sacct`` reports it (``Scheduler.records(now)``, ``SimResult.records``)."""

    @property
    def job(self) -> int:
        """The job id."""
    @property
    def display_id(self) -> str:
        """``JobID`` as sacct prints it: ``"42"``, ``"7_3"``, or ``"7_[2-5]"`` for an array's
        pending tasks."""
    @property
    def name(self) -> str:
        """``JobName``."""
    @property
    def user(self) -> str:
        """``User``."""
    @property
    def account(self) -> str | None:
        """``Account``; None when not given."""
    @property
    def partition(self) -> str:
        """``Partition``."""
    @property
    def state(self) -> str:
        """``State``, as Slurm names it (``"COMPLETED"``, ``"TIMEOUT"``...)."""
    @property
    def exit_code(self) -> int:
        """``ExitCode``."""
    @property
    def submit(self) -> int:
        """``Submit``, seconds."""
    @property
    def eligible(self) -> int | None:
        """``Eligible``, seconds; None if it never became eligible."""
    @property
    def start(self) -> int | None:
        """``Start``, seconds; None if it never started."""
    @property
    def end(self) -> int | None:
        """``End``, seconds; None if it has not ended."""
    @property
    def wait(self) -> int | None:
        """Seconds from submit to start; None if it never started."""
    @property
    def elapsed(self) -> int:
        """``Elapsed``: seconds from start to end (or to ``now`` while running)."""
    @property
    def time_limit(self) -> _Time:
        """``Timelimit``: seconds, or ``math.inf`` for UNLIMITED."""
    @property
    def nodes(self) -> str:
        """``NodeList``, as a hostlist (``"cpu16-[1-3]"``); ``expand_hostlist`` lists them."""
    @property
    def alloc_cpus(self) -> int:
        """``AllocCPUS``: the CPUs of the allocation summed over its nodes; 0 if it never
        started."""
    @property
    def alloc_tres(self) -> str:
        """``AllocTRES`` (``"cpu=4,mem=8192M,node=1,gres/gpu=2"``); empty if it never started."""
    @property
    def restarts(self) -> int:
        """``Restarts``: how many times the job had been requeued before this run (0 if never).
        A job requeued by preemption has a record per run, by start time: its ended runs
        (``"PREEMPTED"``), then its latest."""
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
class PreemptionStats:
    """What preemption did (PreemptType, PreemptMode): the runs it ended or paused and the CPU
    time it cost (``Scheduler.preemption_stats()``, ``SimResult.preemption``)."""

    @property
    def preempted(self) -> int:
        """Every preemption: ``cancelled + requeued + suspended``."""
    @property
    def cancelled(self) -> int:
        """Runs ended PREEMPTED for good (CANCEL, or REQUEUE of a job that may not be
        requeued)."""
    @property
    def requeued(self) -> int:
        """Runs ended PREEMPTED whose job was queued again (REQUEUE)."""
    @property
    def suspended(self) -> int:
        """Jobs suspended (SUSPEND,GANG)."""
    @property
    def lost_cpu_seconds(self) -> int:
        """CPU-seconds of the runs preemption ended: work lost (a requeued job starts again
        from the beginning)."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class PartitionUsage:
    """A partition's nodes and CPUs by state, as ``sinfo`` summarises them."""

    @property
    def nodes(self) -> int:
        """Nodes in the partition."""
    @property
    def idle(self) -> int:
        """Nodes with nothing allocated that can take jobs."""
    @property
    def mixed(self) -> int:
        """Nodes with some CPUs allocated."""
    @property
    def allocated(self) -> int:
        """Nodes with every CPU allocated."""
    @property
    def unavailable(self) -> int:
        """Nodes that take no new jobs (DOWN, DRAIN...)."""
    @property
    def cpus(self) -> int:
        """CPUs in the partition."""
    @property
    def cpus_allocated(self) -> int:
        """CPUs allocated."""
    @property
    def gpus(self) -> int:
        """GPUs in the partition."""
    @property
    def gpus_allocated(self) -> int:
        """GPUs allocated."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class UserUsage:
    """What one user's jobs hold and wait for."""

    @property
    def running_jobs(self) -> int:
        """Running jobs."""
    @property
    def pending_jobs(self) -> int:
        """Pending jobs (an array's pending tasks count one each)."""
    @property
    def nodes(self) -> int:
        """Nodes held (one per node of each running job)."""
    @property
    def cpus(self) -> int:
        """CPUs held."""
    @property
    def memory_mib(self) -> int:
        """Memory held, MiB."""
    @property
    def gpus(self) -> int:
        """GPUs held."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class LimitUsage:
    """One TRES a user holds under a QOS, next to its ``MaxTRESPerUser`` limit."""

    @property
    def tres(self) -> str:
        """The TRES as sacctmgr names it (``"cpu"``, ``"mem"``, ``"gres/gpu"``...)."""
    @property
    def used(self) -> int:
        """What the user's running jobs under the QOS hold."""
    @property
    def limit(self) -> int:
        """The limit."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class LimitStatus:
    """One limit that applies to a user and what counts against it now, as a "my usage"
    command shows it (``Scheduler.user_limits(user)``: "Using 4/4 GPUs")."""

    @property
    def owner(self) -> Literal["qos", "association"]:
        """Where the limit is set: ``"qos"`` or ``"association"``."""
    @property
    def qos(self) -> str | None:
        """The QOS, for a QOS's limit; else None."""
    @property
    def account(self) -> str | None:
        """The association's account, for an association's limit; else None."""
    @property
    def user(self) -> str | None:
        """The association's user (None for an account's association)."""
    @property
    def partition(self) -> str | None:
        """The association's partition (None unless the association is a partition's)."""
    @property
    def counts(self) -> Literal["all", "user", "account"]:
        """Whose usage counts: ``"all"`` (every job under the QOS or association: ``Grp*``,
        and an association's ``MaxJobs``/``MaxSubmitJobs``), ``"user"`` (the user's jobs
        under the QOS: ``Max*PerUser``) or ``"account"`` (the jobs of ``counts_account``
        under the QOS: ``Max*PerAccount``)."""
    @property
    def counts_account(self) -> str | None:
        """The account, when ``counts`` is ``"account"``; else None."""
    @property
    def of(self) -> Literal["running_jobs", "submitted_jobs", "tres"]:
        """What counts: ``"running_jobs"``, ``"submitted_jobs"`` (pending and running; array
        tasks one each) or ``"tres"`` (a TRES of the running jobs, named by ``tres``)."""
    @property
    def tres(self) -> str | None:
        """The TRES when ``of`` is ``"tres"``, as sacctmgr names it (``"cpu"``, ``"mem"`` in
        MiB, ``"node"``, ``"gres/gpu"``...); else None."""
    @property
    def used(self) -> int:
        """What counts against the limit now."""
    @property
    def limit(self) -> int:
        """The limit."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ShareRow:
    """One association as ``sshare -a`` lists it (``Scheduler.shares()``)."""

    @property
    def account(self) -> str:
        """Account: the association's account, or a user row's account."""
    @property
    def user(self) -> str | None:
        """User, on user rows; None on account rows."""
    @property
    def depth(self) -> int:
        """Depth in the tree (the root 0); sshare indents the account by it."""
    @property
    def raw_shares(self) -> int | Literal["parent"] | None:
        """RawShares: the association's ``FairShare=`` number, ``"parent"``, or None for the
        root."""
    @property
    def norm_shares(self) -> float:
        """NormShares."""
    @property
    def raw_usage(self) -> int:
        """RawUsage, truncated to an integer."""
    @property
    def norm_usage(self) -> float | None:
        """NormUsage; None when not known."""
    @property
    def effectv_usage(self) -> float:
        """EffectvUsage."""
    @property
    def fair_share(self) -> float | None:
        """FairShare; None where sshare prints it blank (Fair Tree: account rows)."""
    @property
    def level_fs(self) -> float | None:
        """LevelFS; None where sshare prints it blank."""
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class PriorityRow:
    """A pending job's priority taken apart, as ``sprio -l`` shows it: each factor times its
    weight, rounded as sprio prints it, then the factors themselves (``sprio -n``)
    (``Scheduler.priorities()``)."""

    @property
    def job(self) -> int:
        """The job id."""
    @property
    def user(self) -> str:
        """USER."""
    @property
    def partition(self) -> str:
        """PARTITION: the one the priority is computed for (the job's first)."""
    @property
    def priority(self) -> int:
        """PRIORITY, as the last pass computed it."""
    @property
    def age(self) -> int:
        """AGE, weighted."""
    @property
    def assoc(self) -> int:
        """ASSOC, weighted."""
    @property
    def fairshare(self) -> int:
        """FAIRSHARE, weighted."""
    @property
    def job_size(self) -> int:
        """JOBSIZE, weighted."""
    @property
    def partition_factor(self) -> int:
        """PARTITION, weighted."""
    @property
    def qos(self) -> int:
        """QOS, weighted."""
    @property
    def nice(self) -> int:
        """NICE."""
    @property
    def age_factor(self) -> float:
        """The age factor before weighting, 0 to 1."""
    @property
    def assoc_factor(self) -> float:
        """The association factor before weighting."""
    @property
    def fairshare_factor(self) -> float:
        """The fair-share factor before weighting, 0 to 1."""
    @property
    def job_size_factor(self) -> float:
        """The job-size factor before weighting, 0 to 1."""
    @property
    def partition_factor_raw(self) -> float:
        """The partition factor before weighting."""
    @property
    def qos_factor(self) -> float:
        """The QOS factor before weighting."""
    @property
    def tres_weighted(self) -> float:
        """The TRES factors, already weighted and summed."""
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Scheduler:
    """A scheduler for a copy of a cluster: submit jobs, call ``schedule(now)``, carry out the
    decisions, report what happened. Times are ``int`` seconds on the host's clock.

    ``Scheduler(cluster, policy=None)`` schedules a copy of ``cluster``. ``policy`` None is
    Slurm's behaviour under the cluster's SchedulerType and SchedulerParameters; otherwise
    ``"fifo"``, ``"easy"``, ``"conservative"`` or ``"slurm"``. Raises PolicyError for an
    unknown name.
    """

    def __new__(
        cls,
        cluster: Cluster,
        policy: str | None = None,
    ) -> Scheduler: ...
    def submit(self, request: JobRequest, user: str, now: int) -> int:
        """Submits a job for ``user`` at ``now``; returns its id. Raises RejectedError (with
        ``.reasons``) when sbatch would refuse the job (with accounts, also for a user,
        account or QOS without an association), SubmitError for other refusals; a refusal
        changes nothing."""
    def schedule(self, now: int) -> list[Decision]:
        """Runs one scheduling pass at ``now``; returns what the host must do. Also refreshes
        ``estimates()``."""
    def job_finished(self, job: int, now: int, exit_code: int = 0) -> None:
        """Reports that a running job ended at ``now`` (exit code 0: COMPLETED, else FAILED).
        Raises UnknownJobError or JobStateError, as do all job events."""
    def out_of_memory(self, job: int, now: int, reboot_on_oom: bool = False) -> None:
        """Reports that a running job ran out of memory at ``now``: it ends OUT_OF_MEMORY, or
        CANCELLED with the cause in its comment when ``reboot_on_oom``."""
    def cancel(self, job: int, now: int) -> None:
        """Cancels a pending or running job at ``now``."""
    def hold(self, job: int, admin: bool = False) -> None:
        """Holds a pending job: as its user (JobHeldUser), or with ``admin=True`` as an
        administrator's ``scontrol hold`` does (JobHeldAdmin)."""
    def release(self, job: int) -> None:
        """Releases a held job."""
    def requeue(self, job: int, now: int) -> None:
        """Requeues a running job at ``now``."""
    def update_time_limit(self, job: int, limit: _Time) -> None:
        """Changes a job's time limit: seconds, or ``math.inf`` for UNLIMITED."""
    def drain_node(self, name: str, reason: str) -> None:
        """Drains a node: it takes no new jobs; running ones finish. Raises NodeError for an
        unknown node, as do all node events."""
    def resume_node(self, name: str) -> None:
        """Returns a drained or down node to service."""
    def set_partition_state(
        self, name: str, state: Literal["UP", "DOWN", "DRAIN", "INACTIVE"] | str
    ) -> None:
        """Changes a partition's state as ``scontrol update PartitionName=NAME State=STATE``
        does: ``"UP"`` takes and starts jobs, ``"DOWN"`` holds the queue (PartitionDown),
        ``"DRAIN"`` refuses new jobs, ``"INACTIVE"`` does both (PartitionInactive). Raises
        PartitionError for an unknown partition, ValueError for a bad state."""
    def down_node(self, name: str, reason: str, now: int) -> tuple[list[int], list[int]]:
        """Takes a node down at ``now``; returns ``(ended, requeued)`` job ids."""
    def next_event_time(self, now: int) -> int | None:
        """When to call ``schedule`` again at the latest; None when only events need a pass."""
    def estimates(self) -> list[Estimate]:
        """Expected starts of pending jobs as of the last pass, in expected-start order, like
        ``squeue --start``."""
    def queue(self) -> list[QueueRow]:
        """The queue as ``squeue --start`` shows it after the last pass: running jobs by
        start time, then pending ones in expected-start order (unplanned last)."""
    def records(self, now: int) -> list[JobRecord]:
        """Every job as ``sacct`` would list it at ``now``, by job id."""
    def preemption_stats(self) -> PreemptionStats:
        """What preemption did so far: runs cancelled, requeued and suspended, and the
        CPU-seconds lost; all zero without preemption."""
    def partition_usage(self, name: str) -> PartitionUsage | None:
        """How a partition's nodes are used now, as ``sinfo`` summarises them; None for an
        unknown partition."""
    def user_usage(self, user: str) -> UserUsage:
        """What a user's jobs hold and wait for."""
    def qos_user_usage(self, qos: str, user: str) -> list[LimitUsage] | None:
        """A user's running usage next to each ``MaxTRESPerUser`` limit of a QOS; None for an
        unknown QOS."""
    def user_limits(self, user: str) -> list[LimitStatus]:
        """Every run-time limit that applies to ``user``, with what counts against it now: the
        limits of each QOS of the cluster (per user, per account the user's jobs named,
        whole QOS), then those of the user's associations up the tree. Limits decided once
        per job (``MaxWall``, ``MaxTRESPerJob``...) are not listed."""
    def shares(self) -> list[ShareRow]:
        """The fair-share tree as ``sshare -a`` lists it, as of the last priority computation:
        under each account its users, then its sub-accounts, each by name. Empty when the
        cluster computes no fair-share (no ``PriorityWeightFairshare`` under
        priority/multifactor)."""
    def priorities(self) -> list[PriorityRow]:
        """The priority of each pending job taken apart, as ``sprio -l`` lists them (by job
        id), as of the last pass; empty under priority/basic. Jobs with an explicit
        ``--priority`` and held jobs are left out, as sprio leaves them out."""
    def job(self, id: int) -> Job | None:
        """A snapshot of a job; None for an unknown id."""
    def jobs(self) -> list[Job]:
        """Snapshots of every job the scheduler knows (pending, running, finished), in the
        scheduler's order (submission order for ordinary jobs)."""
    def pending_tasks(self, id: int) -> int:
        """How many of a pending array's tasks have not started (0 for other jobs)."""
    def node_jobs(self, name: str) -> list[int] | None:
        """Ids of the jobs running on a node; None for an unknown node."""
    def node_free(self, name: str) -> tuple[int, int, list[Gres]] | None:
        """What a node has free now as ``(cpus, memory_mib, gres)``; None for an unknown node."""
    @property
    def cluster(self) -> Cluster:
        """A copy of the scheduler's cluster, with node states as the scheduler sees them
        (drained, down)."""

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
    1-based position; ``#`` comments). ``len(workload)`` is the number of jobs.
    """

    def __len__(self) -> int: ...
    @property
    def path(self) -> str | None:
        """The file the jobs were read from; None for text."""
    def to_job_list(self) -> str:
        """The jobs as job-list text, one line per job, which reads back to the same jobs."""

def parse_job_list(text: str, cluster: Cluster | None = None) -> Workload:
    """Reads job-list text (one job per line, see ``Workload``); with ``cluster``, the options
    of its SPANK plugins are accepted too. Raises WorkloadError (with ``.line``) on the first
    bad line."""

def read_job_list(path: str | os.PathLike[str], cluster: Cluster | None = None) -> Workload:
    """Reads a job-list file, plain or gzip-compressed; with ``cluster``, the options of its
    SPANK plugins are accepted too. Raises WorkloadError (with ``.path`` and ``.line``), or
    OSError when the file cannot be opened."""

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
    def started(self) -> int:
        """Jobs that started."""
    @property
    def never_started(self) -> int:
        """Jobs that never started."""
    @property
    def ran(self) -> int:
        """Jobs that started and ended."""
    @property
    def completed(self) -> int:
        """Jobs COMPLETED."""
    @property
    def failed(self) -> int:
        """Jobs FAILED."""
    @property
    def timeout(self) -> int:
        """Jobs TIMEOUT."""
    @property
    def cancelled(self) -> int:
        """Jobs CANCELLED."""
    @property
    def other_state(self) -> int:
        """Jobs in any other state: OUT_OF_MEMORY, DEADLINE..., or still PENDING/RUNNING after
        ``stop_at``."""
    @property
    def mean_wait(self) -> float | None:
        """Mean wait (start - submit)."""
    @property
    def median_wait(self) -> float | None:
        """Median wait: the mean of the two middle waits for an even count."""
    @property
    def p95_wait(self) -> int | None:
        """Nearest-rank 95th percentile of the waits: the wait at rank ceil(0.95 n)."""
    @property
    def max_wait(self) -> int | None:
        """Longest wait."""
    @property
    def mean_bounded_slowdown(self) -> float | None:
        """Mean bounded slowdown: the mean of max(1, (wait + run) / max(run, 10 s))."""
    @property
    def cpu_seconds(self) -> int:
        """Sum of alloc_cpus × run."""
    @property
    def preempted(self) -> int:
        """Runs preemption ended (cancelled, or requeued: a requeued job's earlier runs)."""
    @property
    def requeued(self) -> int:
        """Of those, the runs whose job was queued again."""
    @property
    def lost_cpu_seconds(self) -> int:
        """Sum of alloc_cpus × run over the runs preemption ended: work lost."""
    @property
    def utilization(self) -> float | None:
        """cpu_seconds / (CPUs × makespan); a partition's own CPUs per partition, None per
        user."""
    @property
    def makespan(self) -> int | None:
        """Last end - first submit."""
    @property
    def throughput(self) -> float | None:
        """Jobs that ran, per hour of makespan."""
    @property
    def first_submit(self) -> int | None:
        """Earliest submit."""
    @property
    def first_start(self) -> int | None:
        """Earliest start."""
    @property
    def last_end(self) -> int | None:
        """Latest end."""
    def to_dict(self) -> dict[str, int | float | None]:
        """The figures as a dict, from ``jobs`` to ``last_end`` in a fixed order (for a pandas
        table, JSON...)."""
    def __eq__(self, value: object, /) -> bool: ...

@final
class Summary:
    """The metrics of a replay: overall, per partition and per user. ``str(summary)`` is the
    text report of ``hpcsched simulate``."""

    @property
    def total_cpus(self) -> int:
        """The machine's CPUs (the overall utilization denominator)."""
    @property
    def overall(self) -> Stats:
        """Every job."""
    @property
    def per_partition(self) -> dict[str, Stats]:
        """Jobs by partition name, sorted."""
    @property
    def per_user(self) -> dict[str, Stats]:
        """Jobs by user name, sorted."""
    def to_dict(self) -> dict[str, Any]:
        """``{"total_cpus": int, "overall": {...}, "per_partition": {name: {...}},
        "per_user": {name: {...}}}`` with ``Stats.to_dict()`` values."""

@final
class SkippedLine:
    """An SWF line that was not replayed (unreadable, no run time, wider than the machine, a
    partial-execution record...), and why."""

    @property
    def line(self) -> int:
        """The 1-based line of the trace."""
    @property
    def job_number(self) -> int | None:
        """The SWF job number (field 1); None when the line could not be read."""
    @property
    def reason(self) -> str:
        """Why, as a phrase (``"its run time (field 4) is unknown"``)."""
    @property
    def message(self) -> str:
        """The whole sentence (``"line 4: SWF job 2 skipped: ..."``), also ``str(skipped)``."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class RefusedJob:
    """A job the scheduler refused at submit, as sbatch would have."""

    @property
    def index(self) -> int:
        """The job's 1-based position in the workload."""
    @property
    def line(self) -> int:
        """Its line in the workload file."""
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
        """The job's 1-based position in the workload."""
    @property
    def display_id(self) -> str:
        """The id as squeue shows it (``"7_[2-5]"`` for an array's tasks that never started)."""
    @property
    def reason(self) -> str | None:
        """Why it is pending (``"JobHeldUser"``, ``"DependencyNeverSatisfied"``...); None when
        no reason is recorded."""
    @property
    def description(self) -> str | None:
        """The description slurmctld gives with the reason; None when there is none."""
    @property
    def reason_text(self) -> str:
        """The reason as squeue prints it: the description when there is one, else the
        reason's name."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

_ColorBy: TypeAlias = Literal["job", "user", "partition"]

@final
class SimResult:
    """What ``simulate`` returns: every job's record, the metrics, and what was not replayed.
    ``len(result)`` is the number of records."""

    @property
    def records(self) -> list[JobRecord]:
        """Every job as ``sacct`` lists it, by job id: the jobs that ran, the ones that never
        could, and with ``stop_at`` the ones still pending or running then."""
    @property
    def summary(self) -> Summary:
        """The metrics over ``records``."""
    @property
    def skipped(self) -> list[SkippedLine]:
        """SWF lines not replayed, in file order; empty for a job list."""
    @property
    def refused(self) -> list[RefusedJob]:
        """Jobs the scheduler refused at submit, in workload order."""
    @property
    def left_pending(self) -> list[LeftPending]:
        """The jobs still pending when the replay ended because nothing left to happen could
        start them, by job id; empty when it stopped at ``stop_at``."""
    @property
    def estimates(self) -> list[Estimate]:
        """With ``stop_at``: the pending jobs' expected starts at that instant, as
        ``squeue --start`` shows them; else empty."""
    @property
    def queue(self) -> list[QueueRow]:
        """With ``stop_at``, the queue at that instant as ``squeue --start`` shows it
        (running jobs, then pending ones); empty when the replay ran to the end."""
    @property
    def cluster(self) -> Cluster:
        """The cluster the replay ran on (from the SWF header when none was given)."""
    @property
    def policy(self) -> str:
        """The policy name, as given."""
    @property
    def overrun(self) -> Literal["kill", "allow"]:
        """``"kill"`` or ``"allow"``, as given."""
    @property
    def workload_format(self) -> Literal["swf", "job_list"]:
        """What the workload was read as: ``"swf"`` or ``"job_list"``."""
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
    @property
    def preemption(self) -> PreemptionStats:
        """What preemption did over the replay: runs cancelled, requeued and suspended, and
        the CPU-seconds lost; all zero without preemption."""
    def __len__(self) -> int: ...
    def _columns(self) -> dict[str, list[object]]: ...
    def to_pandas(self) -> DataFrame:
        """A pandas DataFrame, one row per record (job-id order). Columns: job, display_id,
        name, user, account, partition, state, exit_code, submit, eligible, start, end, wait
        (start - submit), elapsed, time_limit, nodes, alloc_cpus, alloc_tres, restarts. Times are
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
        """A Gantt chart: one row per node (the cluster's, in slurm.conf order from the top, or
        ``nodes``), one bar per job on each node it ran on, from its start to its end (to
        the replay's ``end`` for a job still running then); jobs that share a node overlap
        on its row. ``start``/``end`` bound the time axis (default: first start to
        last end). Colours follow the sorted values of ``color_by`` (``"job"``, ``"user"`` or
        ``"partition"``) through ``tab20``. Draws on ``ax`` or a new figure; returns the Axes.

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
    accounts: str | os.PathLike[str] | None = None,
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
    ``"conservative"``. ``overrun``: ``"kill"`` ends a job at its time limit as Slurm does;
    ``"allow"`` runs it to its recorded run time. ``first``: replay only the first N jobs
    (skipped SWF lines do not count; the lines after the N-th job are not read).
    ``stop_at``: stop at this instant, with the jobs still in the system in ``records`` and
    their expected starts in ``estimates``.

    ``accounts``: a path to a ``sacctmgr`` admin script or a file ``sacctmgr dump`` wrote,
    read as ``hpcsched simulate --accounts FILE`` reads it (``Cluster.add_accounts``) into
    a copy of the cluster (or of the SWF header's machine): jobs then run under their
    user's association, its limits and fair-share; a job whose user has none is refused.

    Raises WorkloadError (file and line) for a bad workload, OSError when a file cannot
    be opened, ParseError or QosError (``"FILE: line N: ..."``, with ``.line``) for bad
    accounts, PolicyError for an unknown policy, ValueError for an unknown overrun, a job
    list without a cluster, or ``whole_nodes`` with a job list.
    """

"""Type stubs for the native module ``hpcsched._hpcsched`` (hand-written; checked by
``python -m mypy.stubtest hpcsched._hpcsched``).

Conventions:

* Time limits and durations are ``int`` seconds. UNLIMITED is ``math.inf`` (a ``float``),
  so ``job.time_limit <= partition.max_time`` compares naturally. ``None`` means not set.
* Memory is MiB. Memory values are ``(kind, mib)`` tuples; kind is ``"per_node"``,
  ``"per_cpu"``, ``"per_gpu"`` or, for a resolved job, ``"whole_node"`` (with mib ``None``).
"""

from typing import ClassVar, Final, TypeAlias, final

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
    """slurm.conf text that does not parse."""

class ScriptError(ParseError):
    """A batch script with an invalid #SBATCH directive."""

class OptionError(ParseError):
    """An invalid sbatch command-line option."""

class QosError(ParseError):
    """QOS definitions that do not parse or conflict."""

class RejectedError(Error, ValueError):
    """A job the cluster would reject at submit."""

    reasons: list[str]
    """Every reason, most fundamental first, with sbatch's wording."""

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
    def from_script(text: str, args: list[str] | None = None) -> JobRequest:
        """Reads a batch script; ``args`` are sbatch options applied over it.

        Raises ScriptError (with ``.line``) on an invalid directive.
        """
    @staticmethod
    def from_args(args: list[str]) -> JobRequest:
        """Reads sbatch command-line options. Raises OptionError."""
    def to_script(self) -> str: ...
    def to_args(self) -> list[str]: ...
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
        """``resolve(JobRequest.from_script(script, args))``."""

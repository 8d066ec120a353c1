"""Presentation of a replay's result: a pandas table and a matplotlib Gantt chart.

``SimResult.to_pandas()`` and ``SimResult.plot_gantt()`` (native methods) call these.
Nothing here computes a scheduling or metrics figure: the rows are the records the
simulator produced, and the columns, ``wait`` included, come from ``SimResult._columns()``.
pandas and matplotlib are optional extras, imported only when used.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal, cast

from hpcsched._hpcsched import expand_hostlist

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped, unused-ignore]
    from matplotlib.axes import Axes

    from hpcsched._hpcsched import SimResult

__all__ = ["plot_gantt", "to_pandas"]

ColorBy = Literal["job", "user", "partition"]

# Column dtypes: times are whole seconds; the nullable integer dtype keeps them integers
# when some are missing (a job that never started has no start, end or wait).
_INT_COLUMNS = ("job", "exit_code", "submit", "elapsed", "alloc_cpus")
_NULLABLE_INT_COLUMNS = ("eligible", "start", "end", "wait")
_STRING_COLUMNS = ("display_id", "name", "user", "partition", "state", "nodes", "alloc_tres")


def _require(module: str, extra: str, what: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ModuleNotFoundError(
            f"SimResult.{what}() needs {module}, which is not installed: "
            f"pip install 'hpcsched[{extra}]' (or pip install {module})",
            name=module,
        ) from e


def to_pandas(result: SimResult) -> pd.DataFrame:
    """One row per job record, in job-id order.

    Columns: ``job``, ``display_id``, ``name``, ``user``, ``account``, ``partition``,
    ``state``, ``exit_code``, ``submit``, ``eligible``, ``start``, ``end``, ``wait``
    (start - submit), ``elapsed``, ``time_limit``, ``nodes`` (a hostlist), ``alloc_cpus``,
    ``alloc_tres``. Times are integer seconds on the simulation clock (``Int64``, with
    ``<NA>`` where a job has no such time); ``time_limit`` is float seconds, ``inf`` for
    UNLIMITED.
    """
    pd = _require("pandas", "pandas", "to_pandas")
    columns = result._columns()
    data: dict[str, Any] = {}
    for name, values in columns.items():
        if name in _INT_COLUMNS:
            data[name] = pd.array(values, dtype="int64")
        elif name in _NULLABLE_INT_COLUMNS:
            data[name] = pd.array(values, dtype="Int64")
        elif name == "time_limit":
            # None is UNLIMITED.
            data[name] = pd.array(
                [math.inf if v is None else float(cast(float, v)) for v in values], dtype="float64"
            )
        elif name in _STRING_COLUMNS:
            data[name] = pd.array(values, dtype=object)
        else:
            data[name] = values
    return pd.DataFrame(data)


def plot_gantt(
    result: SimResult,
    ax: Axes | None = None,
    *,
    start: int | None = None,
    end: int | None = None,
    nodes: Sequence[str] | None = None,
    color_by: ColorBy = "job",
) -> Axes:
    """Draws the replay as a Gantt chart: one row per node (the cluster's nodes in
    slurm.conf order, first at the top, or ``nodes``), one bar per job on each node of
    its allocation, from its start to its end (a job still running at the end of the
    replay runs to ``result.end``). Jobs that share a node overlap on its row.

    ``start``/``end`` (seconds on the simulation clock) limit the time axis; by default it
    spans the first start to the last end. Colours are deterministic: the sorted distinct
    values of ``color_by`` (``"job"``, ``"user"`` or ``"partition"``) cycle through the
    ``tab20`` colormap. With ``ax`` None a new figure is made. Returns the Axes.
    """
    mpl = _require("matplotlib", "plot", "plot_gantt")
    if color_by not in ("job", "user", "partition"):
        raise ValueError(f'color_by must be "job", "user" or "partition", not {color_by!r}')
    if ax is None:
        plt = importlib.import_module("matplotlib.pyplot")
        rows_guess = len(nodes) if nodes is not None else len(result.cluster.node_names)
        height = min(12.0, 1.0 + 0.22 * rows_guess)
        _, ax = plt.subplots(figsize=(10.0, max(2.0, height)), layout="constrained")
    rows = list(nodes) if nodes is not None else result.cluster.node_names
    row_of = {name: i for i, name in enumerate(rows)}

    # (record, start, end) of every job that started; one still running at the end of
    # the replay runs to result.end.
    runs = [
        (r, r.start, r.end if r.end is not None else result.end)
        for r in result.records
        if r.start is not None
    ]
    lo = start if start is not None else min((s for _, s, _ in runs), default=0)
    hi = end if end is not None else max((e for _, _, e in runs), default=lo + 1)
    if hi <= lo:
        raise ValueError(f"the time window is empty: start={lo}, end={hi}")

    bars: list[tuple[int, int, int, int | str, str]] = []  # (row, x, width, key, label)
    for r, s, e in runs:
        if e <= lo or s >= hi:
            continue
        s, e = max(s, lo), min(e, hi)
        key: int | str = r.job if color_by == "job" else (r.user if color_by == "user" else r.partition)
        for node in expand_hostlist(r.nodes):
            row = row_of.get(node)
            if row is not None:
                bars.append((row, s, e - s, key, r.display_id))

    cmap = mpl.colormaps["tab20"]
    keys = sorted({b[3] for b in bars}, key=lambda k: (isinstance(k, str), k))
    color_of = {k: cmap(i % cmap.N) for i, k in enumerate(keys)}
    by_row: dict[int, list[tuple[int, int, Any, str]]] = {}
    for row, x, width, key, label in bars:
        by_row.setdefault(row, []).append((x, width, color_of[key], label))
    for row, items in sorted(by_row.items()):
        ax.broken_barh(
            [(x, w) for x, w, _, _ in items],
            (row - 0.4, 0.8),
            facecolors=[c for _, _, c, _ in items],
            edgecolor="black",
            linewidth=0.3,
            alpha=0.85,
        )
    if len(bars) <= 60:
        for row, x, width, _, label in bars:
            ax.text(x + width / 2, row, label, ha="center", va="center", fontsize=8, clip_on=True)

    step = max(1, len(rows) // 48)  # at most ~48 labelled rows
    ax.set_yticks(range(0, len(rows), step), [rows[i] for i in range(0, len(rows), step)])
    ax.set_ylim(len(rows) - 0.5, -0.5)  # first node at the top
    ax.set_xlim(lo, hi)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("node")
    return ax

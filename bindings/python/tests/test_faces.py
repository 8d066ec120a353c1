"""The three faces give the same replay: the CLI (`hpcsched simulate`), C (`examples/c/replay.c`
over the header) and Python (`hpcsched.simulate`) run one workload through the core's one
replay engine, and their records and summaries are identical.

The CLI binary and the C program are built by `scripts/test.sh`, which passes their paths in
HPCSCHED_CLI and HPCSCHED_C_REPLAY (and HPCSCHED_FACES_REQUIRED=1, so that the test fails
rather than skips when they are missing).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

import hpcsched

ROOT = Path(__file__).resolve().parents[3]

# A default partition of 8-CPU nodes and 32-CPU nodes: whole nodes are of the smallest
# (8 CPUs) in every face.
MIXED_CONF = """\
NodeName=a[1-4] CPUs=8 RealMemory=16000
NodeName=b[1-2] CPUs=32 RealMemory=64000
PartitionName=batch Nodes=a[1-4],b[1-2] Default=YES MaxTime=UNLIMITED
"""

# MaxNodes 4 / MaxProcs 64 (16 per node) on purpose: the given cluster's nodes decide.
MIXED_SWF = """\
; MaxNodes: 4
; MaxProcs: 64
1 0 -1 3600 16 -1 -1 16 7200 -1 1 1 -1 -1 -1 -1 -1 -1
2 10 -1 1800 8 -1 -1 8 3600 -1 1 2 -1 -1 -1 -1 -1 -1
3 20 -1 600 32 -1 -1 32 1200 -1 1 1 -1 -1 -1 -1 -1 -1
4 30 -1 7200 4 -1 -1 4 9000 -1 1 3 -1 -1 -1 -1 -1 -1
5 40 -1 60 64 -1 -1 64 600 -1 1 2 -1 -1 -1 -1 -1 -1
6 50 -1 -1 2 -1 -1 2 600 -1 1 2 -1 -1 -1 -1 -1 -1
7 60 -1 300 8 -1 -1 8 300 -1 1 3 -1 -1 -1 -1 -1 -1
"""


def tool(name: str) -> str:
    path = os.environ.get(name)
    if path and Path(path).exists():
        return path
    if os.environ.get("HPCSCHED_FACES_REQUIRED"):
        pytest.fail(f"{name} is not set to a built program (scripts/test.sh sets it)")
    pytest.skip(f"{name} is not set: run through scripts/test.sh")


def csv_rows(text: str) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], sorted(rows[1:], key=lambda r: int(r[0]))


def python_rows(result: hpcsched.SimResult) -> tuple[list[str], list[list[str]]]:
    columns = result._columns()
    names = list(columns)
    rows = [
        ["" if v is None else str(v) for v in values]
        for values in zip(*(columns[n] for n in names))
    ]
    return names, sorted(rows, key=lambda r: int(r[0]))


def run_three(
    tmp_path: Path, workload: Path, conf: Path, *, whole_nodes: bool = False, policy: str | None = None,
    accounts: Path | None = None,
) -> tuple[dict[str, Any], dict[str, Any], hpcsched.SimResult, str, str]:
    flags = (["--whole-nodes"] if whole_nodes else []) + (["--policy", policy] if policy else [])
    flags += ["--accounts", str(accounts)] if accounts else []
    cli_records = tmp_path / "cli.csv"
    cli = subprocess.run(
        [tool("HPCSCHED_CLI"), "simulate", "--cluster", str(conf), "--workload", str(workload),
         "--records", str(cli_records), "--format", "json", *flags],
        capture_output=True, text=True, check=True,
    )
    c_json = tmp_path / "c.json"
    c = subprocess.run(
        [tool("HPCSCHED_C_REPLAY"), "--csv", str(workload), "--cluster", str(conf),
         "--json", str(c_json), *flags],
        capture_output=True, text=True, check=True,
    )
    cluster = hpcsched.Cluster.from_slurm_conf(conf.read_text())
    py = hpcsched.simulate(
        cluster, workload, whole_nodes=whole_nodes, policy=policy or "slurm", accounts=accounts
    )
    return (
        json.loads(cli.stdout),
        json.loads(c_json.read_text()),
        py,
        cli_records.read_text(),
        c.stdout,
    )


def assert_same(cli: dict[str, Any], c: dict[str, Any], py: hpcsched.SimResult,
                cli_csv: str, c_csv: str) -> None:
    assert cli_csv == c_csv, "the CLI and C write the same CSV, byte for byte"
    assert csv_rows(cli_csv) == python_rows(py)
    assert cli["metrics"] == c["metrics"] == py.summary.to_dict()
    for key in ("submitted", "passes", "end", "stopped", "policy", "format"):
        assert cli[key] == c[key], key
    assert (cli["submitted"], cli["passes"], cli["end"], cli["policy"], cli["format"]) == (
        py.submitted, py.passes, py.end, py.policy, py.workload_format
    )
    assert [r["line"] for r in cli["refused"]] == [r.line for r in py.refused]


def test_an_swf_trace_with_whole_nodes_on_a_mixed_cluster(tmp_path: Path) -> None:
    conf = tmp_path / "mixed.conf"
    conf.write_text(MIXED_CONF)
    swf = tmp_path / "mixed.swf"
    swf.write_text(MIXED_SWF)
    cli, c, py, cli_csv, c_csv = run_three(tmp_path, swf, conf, whole_nodes=True)
    assert_same(cli, c, py, cli_csv, c_csv)
    # The one whole-node rule: C = 8, the default partition's smallest node, so the
    # 16-processor job 1 takes two 8-CPU nodes (the CLI and Python once disagreed here).
    assert cli["whole_node_cpus"] == 8
    first = next(r for r in py.records if r.job == 1)
    assert (first.state, first.nodes, first.alloc_cpus) == ("COMPLETED", "a[1-2]", 16)
    assert cli["skipped"] == 1  # job 6 has no run time
    assert cli["policy"] == "slurm"  # the default in every face


def test_a_gzipped_job_list(tmp_path: Path) -> None:
    conf = ROOT / "examples/clusters/inserm.conf"
    jobs = tmp_path / "inserm-morning.jobs.gz"
    jobs.write_bytes(gzip.compress((ROOT / "examples/workloads/inserm-morning.jobs").read_bytes()))
    cli, c, py, cli_csv, c_csv = run_three(tmp_path, jobs, conf, policy="easy")
    assert_same(cli, c, py, cli_csv, c_csv)
    assert cli["format"] == "job_list"
    assert len(py.records) == 28


# The shared GPU cluster's policy: a per-user GPU cap as alice's default QOS, fair-share
# over the lab/physics tree (examples/clusters/shared-gpu.conf weighs it), and carol, who
# has no association, refused at submit.
SHARED_ACCOUNTS = """\
sacctmgr -i add cluster shared
sacctmgr -i add qos gpu4 Priority=10 MaxTRESPerUser=gres/gpu=4
sacctmgr -i add account lab Fairshare=30
sacctmgr -i add account physics Fairshare=10
sacctmgr -i add user alice,bob Account=lab QOS=normal,gpu4 DefaultQOS=gpu4
sacctmgr -i add user dan Account=physics
"""

SHARED_JOBS = "".join(
    f"{i * 5} {600 + 60 * i} alice -p gpu --gres=gpu:1 -t 20 -J A{i}\n" for i in range(6)
) + (
    "30 900 bob -p gpu --gres=gpu:1 -t 20 -J B1\n"
    "40 60 carol -p gpu -t 5 -J C1\n"
    "50 1200 dan -p gpu --gres=gpu:2 -N 2 -t 30 -J D1\n"
    "60 300 bob -n 8 -t 10 -J B2\n"
)


def test_a_replay_with_accounts(tmp_path: Path) -> None:
    accounts = tmp_path / "site.accounts"
    accounts.write_text(SHARED_ACCOUNTS)
    jobs = tmp_path / "shared.jobs"
    jobs.write_text(SHARED_JOBS)
    conf = ROOT / "examples/clusters/shared-gpu.conf"
    cli, c, py, cli_csv, c_csv = run_three(tmp_path, jobs, conf, accounts=accounts)
    assert_same(cli, c, py, cli_csv, c_csv)
    # The cap holds in every face: alice's fifth and sixth GPU jobs wait for her first.
    starts = {r.name: r.start for r in py.records}
    assert [starts[f"A{i}"] for i in range(6)] == [0, 5, 10, 15, 600, 665]
    assert {r.name: r.account for r in py.records}["D1"] == "physics"
    assert [r["reason"] for r in cli["refused"]] == [
        "Invalid account or account/partition combination specified"
    ]

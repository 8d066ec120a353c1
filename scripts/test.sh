#!/usr/bin/env bash
# Every test of the project, on a fresh machine: Rust (fmt, clippy, build, unit/integration/
# doc/property tests, header drift), the fidelity suite against real Slurm 22.05 (installed
# and started by tests/fidelity/harness/setup.sh), the C examples (compiled -Werror, run, run under
# valgrind, parsed as C++; a replay's records compared with the CLI's), the Python package (wheel, pytest, stubtest) and the example
# notebooks. Installs what it needs: valgrind through apt-get, Python tools (and pandas,
# matplotlib, Jupyter's nbclient + ipykernel) in target/ci-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never CARGO_INCREMENTAL=0

t0=$SECONDS
step() { echo "== [$((SECONDS - t0))s] $*"; }

step "setup: valgrind"
if ! command -v valgrind >/dev/null 2>&1; then
  sudo_=""
  [ "$(id -u)" -eq 0 ] || sudo_="sudo"
  $sudo_ apt-get update -q
  $sudo_ apt-get install -y -q valgrind
fi

step "rust: cargo fmt --check"
cargo fmt --all --check

step "rust: clippy (workspace, all targets, -D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "rust: build all targets (emits libhpcsched_ffi.a)"
cargo build --all-targets --locked

step "rust: tests (unit, integration, doctests, proptests, header drift)"
cargo test --locked

step "fidelity: real Slurm 22.05 (tests/fidelity/harness), the scenarios and the corpus live"
# The harness installs Slurm (apt-get), adds the scenario users and starts 25 slurmd; it
# needs root, as does the suite (it submits as those users).
[ "$(id -u)" -eq 0 ] || { echo "the fidelity harness needs root (apt-get, useradd, slurmd)" >&2; exit 1; }
bash tests/fidelity/harness/setup.sh
trap 'bash tests/fidelity/harness/teardown.sh --quiet --purge || true' EXIT
HPCSCHED_FIDELITY=live cargo test --locked --test fidelity
bash tests/fidelity/harness/teardown.sh --quiet --purge
trap - EXIT

step "fidelity: accounting, fair-share and preemption modes, live subsets"
# The same harness restarted with accounting (tests/fidelity/README.md, "Accounting mode"),
# then in its fair-share mode; every difference fails (ACCOUNTING_STRICT; the fair-share
# group is strict). A live subset of each (both groups whole, ~11 min live, are replayed
# from their recordings in the step above): @sacctmgr applied and undone, the per-user GPU
# cap, a planned start without reservation; billing weights and UsageFactor in sshare's
# usage, priorities as sprio's.
trap 'bash tests/fidelity/harness/teardown.sh --quiet --purge || true' EXIT
FIDELITY_ACCOUNTING=1 bash tests/fidelity/harness/setup.sh
FIDELITY_ACCOUNTING=1 FIDELITY_ONLY=f02,f03 HPCSCHED_FIDELITY=live FIDELITY_PART=accounting \
  cargo test --locked --test fidelity
FIDELITY_ACCOUNTING=fairshare bash tests/fidelity/harness/setup.sh
FIDELITY_ACCOUNTING=fairshare FIDELITY_ONLY=f21 HPCSCHED_FIDELITY=live FIDELITY_PART=fairshare \
  cargo test --locked --test fidelity
# The preemption mode (tests/fidelity/README.md, "Preemption mode"): CANCEL live (the
# scenarios that restart slurmctld cost ~40 s each); the whole group (~11 min live) is
# replayed from its recordings in the first fidelity step.
FIDELITY_PREEMPT=1 bash tests/fidelity/harness/setup.sh
FIDELITY_PREEMPT=1 FIDELITY_ONLY=p01_ HPCSCHED_FIDELITY=live FIDELITY_PART=preempt \
  cargo test --locked --test fidelity
bash tests/fidelity/harness/teardown.sh --quiet --purge
trap - EXIT

step "rust: docs build without warnings (broken intra-doc links fail)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --locked -p hpcsched -p hpcsched-ffi

step "C: examples/c/*.c against include/hpcsched.h"
mkdir -p target/c
for src in examples/c/*.c; do
  exe="target/c/$(basename "${src%.c}")"
  echo "-- $src"
  cc -std=c11 -Wall -Wextra -Werror -Iinclude "$src" target/debug/libhpcsched_ffi.a \
    -lpthread -ldl -lm -o "$exe"
  "$exe"
  valgrind -q --leak-check=full --error-exitcode=1 "$exe" >/dev/null
  c++ -x c++ -std=c++17 -Wall -Wextra -Werror -Iinclude -fsyntax-only "$src"
done
# The C face's records of a replay are the CLI's, byte for byte (examples/c/replay.c --csv).
for args in "--cluster examples/clusters/inserm.conf --policy easy -- examples/workloads/inserm-morning.jobs" \
            "--first 500 --stop-at 100000 -- examples/workloads/RICC-2010-2-first3000.swf.gz"; do
  opts=${args% -- *} workload=${args#* -- }
  # shellcheck disable=SC2086 # the options are words
  target/c/replay --csv "$workload" $opts > target/c/replay-records.csv
  cli_opts=${opts/--stop-at/--at}
  # shellcheck disable=SC2086
  target/debug/hpcsched simulate --workload "$workload" $cli_opts --records target/c/cli-records.csv >/dev/null
  cmp target/c/replay-records.csv target/c/cli-records.csv
done

step "python: venv, wheel, pytest, stubtest"
VENV=target/ci-venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
pip_() { "$VENV/bin/python" -m pip install -q --disable-pip-version-check "$@"; }
pip_ "maturin==1.16.0"
rm -rf target/wheels
"$VENV/bin/maturin" build --locked -m bindings/python/Cargo.toml \
  -i "$VENV/bin/python" -o target/wheels
wheel=$(echo target/wheels/hpcsched-*.whl)
pip_ --force-reinstall --no-deps "$wheel"
# The optional extras (pandas, matplotlib) and the test tools (pytest, mypy, and nbclient +
# ipykernel for the notebooks), as bindings/python/pyproject.toml declares them.
pip_ "$wheel[pandas,plot,test]"
# tests/test_faces.py runs one workload through the CLI, C and Python and compares them.
(cd bindings/python && MPLBACKEND=Agg HPCSCHED_FACES_REQUIRED=1 \
  HPCSCHED_CLI="$PWD/../../target/debug/hpcsched" HPCSCHED_C_REPLAY="$PWD/../../target/c/replay" \
  "../../$VENV/bin/python" -m pytest -q -p no:cacheprovider tests)
(cd "$VENV" && bin/python -m mypy.stubtest hpcsched._hpcsched \
  --mypy-config-file ../../bindings/python/pyproject.toml)

step "python: execute the example notebooks (examples/notebooks/*.ipynb)"
for nb in examples/notebooks/*.ipynb; do
  echo "-- $nb"
  # Fails on the first cell that raises; the notebook file is left unchanged.
  MPLBACKEND=Agg "$VENV/bin/jupyter" execute --timeout=300 "$nb"
done

step "all green"

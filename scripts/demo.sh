#!/usr/bin/env bash
# The README's main job: replay a real trace through the scheduler. The first 3,000 jobs
# of RICC-2010-2 (a 1,024-node, 8,192-core cluster at RIKEN, May 2010; from the Parallel
# Workloads Archive, bundled in examples/workloads/) run on the machine the trace's
# header describes, once under EASY backfill and once under conservative backfill, and
# each replay prints its report (wait, bounded slowdown, utilization, per partition and
# per user). Then the example batch scripts are checked against the Inserm cluster as
# sbatch would at submit; some are rejected on purpose (hpcsched check exits 1 then).
# Only an input or usage error (exit 2) or a failed build fails the demo.
set -u
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet --bin hpcsched || exit $?
hpcsched=target/release/hpcsched
trace=examples/workloads/RICC-2010-2-first3000.swf.gz

for policy in easy conservative; do
    echo "== hpcsched simulate --workload $trace --policy $policy =="
    "$hpcsched" simulate --workload "$trace" --policy "$policy" || exit $?
    echo
done

echo "== hpcsched check: examples/scripts/*.sh against examples/clusters/inserm.conf =="
"$hpcsched" check --cluster examples/clusters/inserm.conf examples/scripts/*.sh
status=$?
if [ "$status" -eq 0 ] || [ "$status" -eq 1 ]; then
    exit 0
fi
echo "demo: hpcsched check failed with exit status $status" >&2
exit "$status"

#!/usr/bin/env bash
# The README's main job: resolve the example batch scripts against the Inserm cluster
# as sbatch would at submit. Some examples are rejected on purpose (hpcsched exits 1
# then); only an input or usage error (exit 2) fails the demo.
set -u
cd "$(dirname "$0")/.."
echo "== hpcsched check: examples/scripts/*.sh against examples/clusters/inserm.conf =="
cargo run --release --locked --quiet --bin hpcsched -- \
    check --cluster examples/clusters/inserm.conf examples/scripts/*.sh
status=$?
if [ "$status" -eq 0 ] || [ "$status" -eq 1 ]; then
    exit 0
fi
echo "demo: hpcsched check failed with exit status $status" >&2
exit "$status"

#!/usr/bin/env bash
# restart-ctld.sh - restart the harness's slurmctld on its current slurm.conf (the slurmds,
# munged and, in accounting mode, slurmdbd keep running), then wait until it answers and
# every node is idle again. The preempt group's runner calls it when a scenario's @conf
# lines change a preemption setting: `scontrol reconfigure` does not re-initialise the
# preempt plugin (preempt_youngest_first is read at its init) nor cons_tres's gang mode
# (read when the select plugin loads), so those need a fresh slurmctld.
#
# slurmctld is stopped by its recorded PID (only if it carries this harness's tag, as in
# teardown.sh), started again as setup.sh starts it (job state kept: no -c), and its new
# PID recorded. Prints the time it took on stdout.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=env.sh
. "$HERE/env.sh"
S="$FIDELITY_STATE"
T0=$(date +%s.%N)
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }

ours() {  # ours PID -> true if PID is alive and was started by this harness instance
    local p="$1"
    [ -n "$p" ] && [ -r "/proc/$p/environ" ] || return 1
    { tr '\0' '\n' < "/proc/$p/environ"; } 2>/dev/null | grep -qxF "FIDELITY_HARNESS_TAG=$S"
}

PIDFILE="$S/run/slurmctld.pid.harness"
[ -s "$PIDFILE" ] || { echo "no $PIDFILE: is the harness up?" >&2; exit 1; }
OLD=$(cat "$PIDFILE")
if ours "$OLD"; then
    kill -TERM "$OLD"
    for _ in $(seq 150); do kill -0 "$OLD" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$OLD" 2>/dev/null; then echo "slurmctld $OLD did not stop within 15 s" >&2; exit 1; fi
fi
STOPPED=$(elapsed)

DAEMON_ENV=(env "FIDELITY_HARNESS_TAG=$S" "SLURM_CONF=$S/slurm.conf")
( cd "$S" && exec "${DAEMON_ENV[@]}" setsid "$S/bin/slurmctld" -D -f "$S/slurm.conf" ) \
    </dev/null >>"$S/log/slurmctld.out" 2>&1 &
echo $! > "$PIDFILE"
for _ in $(seq 150); do scontrol ping 2>/dev/null | grep -q 'is UP' && break; sleep 0.1; done
scontrol ping | grep -q 'is UP' || { tail -20 "$S/log/slurmctld.out" >&2; exit 1; }
UP=$(elapsed)

NNODES=$(awk 'END{print NR}' "$S/run/slurmd.pids.harness")
idle=0
for _ in $(seq 300); do
    idle=$(sinfo -h -N -t idle -o '%N' 2>/dev/null | sort -u | wc -l)
    [ "$idle" -eq "$NNODES" ] && break
    sleep 0.1
done
if [ "$idle" -ne "$NNODES" ]; then
    echo "only $idle/$NNODES nodes idle 30 s after the restart:" >&2
    sinfo -N -o '%N %T %E' >&2
    exit 1
fi
echo "slurmctld restarted (pid $(cat "$PIDFILE")): stopped +${STOPPED}s, answering +${UP}s, all $NNODES nodes idle +$(elapsed)s"

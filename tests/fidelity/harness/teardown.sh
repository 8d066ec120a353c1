#!/usr/bin/env bash
# teardown.sh - stop only what setup.sh started, by the PIDs it recorded.
#
#   ./teardown.sh            cancel jobs, stop slurmd x N, slurmctld, (slurmdbd, mariadbd,)
#                            munged; keep logs
#   ./teardown.sh --purge    same, then delete the state folder
#   ./teardown.sh --quiet    less output (used by setup.sh --fresh)
#
# A PID is signalled only if /proc/PID/environ carries FIDELITY_HARNESS_TAG=<state
# folder>, the marker setup.sh puts on every daemon it starts (slurmstepd
# processes forked by our slurmd inherit it; lib_scenario.sh also puts it in the
# environment of the jobs it submits), so a recycled PID is never hit.
# No pkill/killall.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=env.sh
. "$HERE/env.sh"
S="$FIDELITY_STATE"
PURGE=0; QUIET=0
for a in "$@"; do
    case "$a" in --purge) PURGE=1;; --quiet) QUIET=1;; *) echo "unknown arg $a" >&2; exit 2;; esac
done
say() { [ "$QUIET" = 1 ] || echo "[teardown] $*"; }

ours() {  # ours PID -> true if PID is alive and was started by this harness instance
    local p="$1"
    [ -n "$p" ] && [ -r "/proc/$p/environ" ] || return 1
    { tr '\0' '\n' < "/proc/$p/environ"; } 2>/dev/null | grep -qxF "FIDELITY_HARNESS_TAG=$S"
}

stop_pids() {  # stop_pids LABEL PID... : SIGTERM, wait up to 15 s, then SIGKILL
    local label="$1"; shift
    local pids=() p
    for p in "$@"; do ours "$p" && pids+=("$p"); done
    [ "${#pids[@]}" -gt 0 ] || { say "$label: nothing running"; return 0; }
    say "$label: SIGTERM ${pids[*]}"
    kill -TERM "${pids[@]}" 2>/dev/null
    for _ in $(seq 75); do
        local alive=()
        for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive+=("$p"); done
        [ "${#alive[@]}" -eq 0 ] && return 0
        sleep 0.2
    done
    local left=()
    for p in "${pids[@]}"; do ours "$p" && left+=("$p"); done
    if [ "${#left[@]}" -gt 0 ]; then
        say "$label: SIGKILL ${left[*]}"
        kill -KILL "${left[@]}" 2>/dev/null
    fi
}

purge() { if [ -e "$S/.hpcsched-fidelity-state" ]; then rm -rf "$S"; say "state folder removed"; fi; }
if [ ! -d "$S/run" ]; then
    say "no harness state at $S; nothing to stop"
    [ "$PURGE" = 1 ] && purge
    exit 0
fi

CTLD_PID=$(cat "$S/run/slurmctld.pid.harness" 2>/dev/null || true)
MUNGE_PID=$(cat "$S/run/munged.pid.harness" 2>/dev/null || true)
DBD_PID=$(cat "$S/run/slurmdbd.pid.harness" 2>/dev/null || true)
DB_PID=$(cat "$S/run/mariadbd.pid.harness" 2>/dev/null || true)
SLURMD_PIDS=$(awk '{print $2}' "$S/run/slurmd.pids.harness" 2>/dev/null || true)

# 1. cancel jobs so slurmstepd kills the job processes cleanly
if ours "$CTLD_PID" && scontrol ping 2>/dev/null | grep -q 'is UP'; then
    ids=$(squeue -h -o '%A' 2>/dev/null | sort -u | tr '\n' ' ')
    if [ -n "${ids// /}" ]; then
        say "cancelling jobs: $ids"
        # shellcheck disable=SC2086
        scancel $ids 2>/dev/null
        for _ in $(seq 100); do
            [ -z "$(squeue -h -t R,CG,CF,S -o %A 2>/dev/null)" ] && break
            sleep 0.2
        done
    fi
fi

# 2. slurmd (one per emulated node)
# shellcheck disable=SC2086
stop_pids slurmd $SLURMD_PIDS

# 3. any slurmstepd or job process (tagged) that outlived its slurmd
leftover=()
for d in /proc/[0-9]*; do
    p=${d#/proc/}
    [ "$p" = "$$" ] && continue
    case "$p" in "$CTLD_PID"|"$MUNGE_PID"|"$DBD_PID"|"$DB_PID") continue;; esac
    ours "$p" && leftover+=("$p")
done
# slurmctld's own helper (slurmscriptd) is a child of slurmctld and exits with it.
if [ "${#leftover[@]}" -gt 0 ]; then
    kids=()
    for p in "${leftover[@]}"; do
        pp=$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null)
        [ "$pp" = "$CTLD_PID" ] || kids+=("$p")
    done
    [ "${#kids[@]}" -gt 0 ] && stop_pids "leftover tagged processes" "${kids[@]}"
fi

# 4. slurmctld, then (accounting mode) slurmdbd and its MariaDB, then munged
stop_pids slurmctld "$CTLD_PID"
[ -n "$DBD_PID" ] && stop_pids slurmdbd "$DBD_PID"
[ -n "$DB_PID" ] && stop_pids mariadbd "$DB_PID"
stop_pids munged "$MUNGE_PID"

rm -f "$S/run/"*.harness
if [ "$PURGE" = 1 ]; then
    purge
else
    say "stopped; logs kept in $S/log"
fi
exit 0

#!/usr/bin/env bash
# setup.sh - the fidelity harness: install Slurm 22.05 from Debian, create the scenario
# users, render tests/fidelity/cluster.conf.in, start munged, slurmctld and one slurmd per
# emulated node (all in the background, PIDs recorded). Modelled on the workplace's
# slurm-oracle harness; its README lists the traps this avoids.
#
#   ./setup.sh            start if not running; no-op if the harness is already up
#   ./setup.sh --fresh    stop what this harness started, wipe state, start again
#
# Idempotent: re-running while everything is up changes nothing.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=env.sh
. "$HERE/env.sh"
S="$FIDELITY_STATE"
T0=$(date +%s.%N)
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
log() { printf '[setup +%ss] %s\n' "$(elapsed)" "$*"; }

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

ACCT_ADD="$FIDELITY_DIR/accounting/slurm.conf.add"
FS_ADD="$FIDELITY_DIR/fairshare/slurm.conf.add"
PREEMPT_ADD="$FIDELITY_DIR/preempt/slurm.conf.add"
# FIDELITY_ACCOUNTING=1: accounting mode; =fairshare: the same with fairshare/slurm.conf.add
# over it (multifactor priority weighing fair-share: the fair-share group).
acct_on() { [ "$FIDELITY_ACCOUNTING" = 1 ] || [ "$FIDELITY_ACCOUNTING" = fairshare ]; }
fs_on() { [ "$FIDELITY_ACCOUNTING" = fairshare ]; }
# FIDELITY_PREEMPT=1: preemption mode, preempt/slurm.conf.add over the rest (the preempt
# group; with FIDELITY_ACCOUNTING=1 too, its QOS scenarios).
preempt_on() { [ "$FIDELITY_PREEMPT" = 1 ]; }
# overlay LABEL ADD... : stdin with the overlays' lines in place of the lines of the same
# keys (a later overlay over an earlier one's), appended under a LABEL heading. The key of
# a PartitionName= or NodeName= line is the key and its name: such a line replaces the
# line of the same partition or node only (cluster.rs does the same).
overlay() {
    perl -e '
        my ($label, @adds) = @ARGV; my (%over, @keys, %seen);
        sub key { my ($l) = @_; return undef unless $l =~ /^\s*([^=\s#]+)=(\S*)/; my $k = lc $1;
            return ($k eq "partitionname" || $k eq "nodename") ? "$k=$2" : $k; }
        for my $add (@adds) {
            open(my $a, "<", $add) or die;
            while (<$a>) { next if /^\s*(#|$)/; my $k = key($_); next unless defined $k;
                push @keys, $k unless $seen{$k}++; $over{$k} = $_; }
        }
        while (<STDIN>) { my $k = key($_); next if defined $k && $over{$k}; print; }
        if (@keys) { print "# ---------------- $label ----------------\n"; print $over{$_} for @keys; }
    ' "$@"
}
render_conf() {  # render_conf OUTFILE : slurm.conf.in (+ accounting/slurm.conf.add [+ fairshare/slurm.conf.add]) (+ preempt/slurm.conf.add) -> concrete slurm.conf
    local adds=() label="accounting mode (accounting/slurm.conf.add)"
    acct_on && adds+=("$ACCT_ADD")
    fs_on && { adds+=("$FS_ADD"); label="accounting mode (accounting/slurm.conf.add, fairshare/slurm.conf.add)"; }
    local pre=()
    preempt_on && pre+=("$PREEMPT_ADD")
    overlay "$label" "${adds[@]}" < "$FIDELITY_DIR/cluster.conf.in" |
    overlay "preemption mode (preempt/slurm.conf.add)" "${pre[@]}" |
    perl -pe 's/\@STATE\@/$ENV{FIDELITY_STATE}/g; s/\@CLUSTER\@/$ENV{FIDELITY_CLUSTER}/g;
        s/\@PORT\+(\d+)\@/$ENV{FIDELITY_PORT_BASE}+$1/ge' > "$1"
}

config_unchanged() {
    local tmp rc=0
    tmp=$(mktemp)
    render_conf "$tmp"
    cmp -s "$tmp" "$S/slurm.conf" && cmp -s "$FIDELITY_DIR/gres.conf" "$S/gres.conf" || rc=1
    rm -f "$tmp"
    return $rc
}

all_up() {
    [ -s "$S/run/munged.pid.harness" ] && [ -s "$S/run/slurmctld.pid.harness" ] && [ -s "$S/run/slurmd.pids.harness" ] || return 1
    pid_alive "$(cat "$S/run/munged.pid.harness")" || return 1
    pid_alive "$(cat "$S/run/slurmctld.pid.harness")" || return 1
    local n p
    while read -r n p; do pid_alive "$p" || return 1; done < "$S/run/slurmd.pids.harness"
    if acct_on; then
        pid_alive "$(cat "$S/run/mariadbd.pid.harness" 2>/dev/null)" || return 1
        pid_alive "$(cat "$S/run/slurmdbd.pid.harness" 2>/dev/null)" || return 1
    fi
    scontrol ping >/dev/null 2>&1 || return 1
}

FRESH=0
[ "${1:-}" = "--fresh" ] && FRESH=1

# ---------------------------------------------------------------- 0. already up?
if [ "$FRESH" = 0 ] && all_up; then
    if config_unchanged; then
        log "harness already running (state: $S), config unchanged; nothing to do. Use --fresh to restart."
        exit 0
    fi
    log "cluster.conf.in, gres.conf or a FIDELITY_* setting changed: restarting"
fi
trap 'echo "setup.sh failed (line $LINENO); logs in $S/log; ./teardown.sh stops whatever was started" >&2' ERR
if [ -d "$S/run" ]; then
    log "stopping previous harness instance (if any)"
    "$HERE/teardown.sh" --quiet || true
fi

# ---------------------------------------------------------------- 1. packages
missing=""
PKGS="$FIDELITY_PKGS"
acct_on && PKGS="$PKGS $FIDELITY_ACCOUNTING_PKGS"
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    log "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
for b in "$FIDELITY_SLURMCTLD_REAL" "$FIDELITY_SLURMD_REAL" "$FIDELITY_SLURMSTEPD_REAL" /usr/sbin/munged; do
    [ -x "$b" ] || { echo "missing $b" >&2; exit 1; }
done
for u in $FIDELITY_USERS; do
    id -u "$u" >/dev/null 2>&1 || useradd -M -U -s /usr/sbin/nologin "$u"
done
log "packages ok ($(dpkg-query -W -f='${Version}' slurmctld))"

# ---------------------------------------------------------------- 2. state dir + config
case "$S" in /|"") echo "refusing FIDELITY_STATE='$S'" >&2; exit 1;; esac
if [ -d "$S" ] && [ -n "$(ls -A "$S")" ] && [ ! -e "$S/.hpcsched-fidelity-state" ]; then
    echo "refusing to wipe non-empty $S (no .hpcsched-fidelity-state marker); pick another FIDELITY_STATE" >&2; exit 1
fi
rm -rf "$S"
mkdir -p "$S"/{ctld,spool,run,log,bin,jobs,results}
touch "$S/.hpcsched-fidelity-state"
mkdir -p "$S/munge"; chmod 755 "$S" "$S/munge"
ln -sf "$FIDELITY_SLURMCTLD_REAL"  "$S/bin/slurmctld"
ln -sf "$FIDELITY_SLURMD_REAL"     "$S/bin/slurmd"
ln -sf "$FIDELITY_SLURMSTEPD_REAL" "$S/bin/slurmstepd"

render_conf "$S/slurm.conf"
cp "$FIDELITY_DIR/gres.conf" "$S/gres.conf"
if grep -v '^\s*#' "$S/slurm.conf" | grep -q '@'; then echo "unrendered placeholder in slurm.conf" >&2; exit 1; fi

# Ports must be free (controller + node ports).
for port in $(grep -v '^\s*#' "$S/slurm.conf" | grep -oE '(Port=\[?[0-9]+(-[0-9]+)?\]?|SlurmctldPort=[0-9]+)' | grep -oE '[0-9]+(-[0-9]+)?'); do
    lo=${port%-*}; hi=${port#*-}
    for ((q=lo; q<=hi; q++)); do
        if (exec 3<>/dev/tcp/127.0.0.1/$q) 2>/dev/null; then
            echo "port $q already in use; set FIDELITY_PORT_BASE" >&2; exit 1
        fi
    done
done

if acct_on; then  # MariaDB's port (slurmdbd's, AccountingStoragePort, is in the loop above)
    if (exec 3<>"/dev/tcp/127.0.0.1/$((FIDELITY_PORT_BASE + 6))") 2>/dev/null; then
        echo "port $((FIDELITY_PORT_BASE + 6)) already in use; set FIDELITY_PORT_BASE" >&2; exit 1
    fi
fi

# Marker so teardown can recognise processes spawned by these daemons.
DAEMON_ENV=(env "FIDELITY_HARNESS_TAG=$S" "SLURM_CONF=$S/slurm.conf")

# ---------------------------------------------------------------- 3. munge
if command -v mungekey >/dev/null; then
    mungekey -c -k "$S/munge/munge.key" >/dev/null
else
    dd if=/dev/urandom of="$S/munge/munge.key" bs=1 count=1024 status=none
fi
chmod 600 "$S/munge/munge.key"
"${DAEMON_ENV[@]}" setsid /usr/sbin/munged -F --socket="$S/munge/munge.socket" \
    --key-file="$S/munge/munge.key" --pid-file="$S/run/munged.pid" \
    --seed-file="$S/munge/munged.seed" --log-file="$S/log/munged.log" \
    </dev/null >"$S/log/munged.out" 2>&1 &
echo $! > "$S/run/munged.pid.harness"
for _ in $(seq 50); do
    munge -S "$S/munge/munge.socket" -n 2>/dev/null | unmunge -S "$S/munge/munge.socket" >/dev/null 2>&1 && break
    sleep 0.1
done
munge -S "$S/munge/munge.socket" -n | unmunge -S "$S/munge/munge.socket" >/dev/null || { cat "$S/log/munged.out"; exit 1; }
log "munged up (pid $(cat "$S/run/munged.pid.harness"))"

# ---------------------------------------------------------------- 3b. accounting
# A private MariaDB on loopback and slurmdbd (tests/fidelity/README.md, "Accounting mode");
# the cluster is registered before slurmctld starts, as slurmctld wants.
if acct_on; then
    DB="$S/db"; DBPORT=$((FIDELITY_PORT_BASE + 6)); DBDPORT=$((FIDELITY_PORT_BASE + 5))
    STORAGELOC=fidelity_acct
    mkdir -p "$DB"
    mariadb-install-db --no-defaults --datadir="$DB/data" --user=root --auth-root-authentication-method=normal \
        --skip-test-db >"$S/log/mariadb-install.log" 2>&1 || { tail -20 "$S/log/mariadb-install.log" >&2; exit 1; }
    "${DAEMON_ENV[@]}" setsid /usr/sbin/mariadbd --no-defaults --datadir="$DB/data" --socket="$DB/mysqld.sock" \
        --port="$DBPORT" --bind-address=127.0.0.1 --user=root --pid-file="$DB/mariadbd.pid" \
        --log-error="$S/log/mariadbd.err" --innodb-buffer-pool-size=64M --innodb-lock-wait-timeout=900 \
        --skip-name-resolve </dev/null >"$S/log/mariadbd.out" 2>&1 &
    echo $! > "$S/run/mariadbd.pid.harness"
    for _ in $(seq 150); do mariadb --socket="$DB/mysqld.sock" -uroot -e 'select 1' >/dev/null 2>&1 && break; sleep 0.1; done
    mariadb --socket="$DB/mysqld.sock" -uroot -e "
        CREATE USER 'slurm'@'localhost' IDENTIFIED BY 'fidelity';
        CREATE USER 'slurm'@'127.0.0.1' IDENTIFIED BY 'fidelity';
        GRANT ALL ON $STORAGELOC.* TO 'slurm'@'localhost';
        GRANT ALL ON $STORAGELOC.* TO 'slurm'@'127.0.0.1';
        FLUSH PRIVILEGES;" || { tail -20 "$S/log/mariadbd.err" >&2; exit 1; }
    log "mariadbd up (pid $(cat "$S/run/mariadbd.pid.harness"), port $DBPORT)"
    # slurmdbd has no -f: it reads slurmdbd.conf from the folder of SLURM_CONF.
    cat > "$S/slurmdbd.conf" <<CONF
AuthType=auth/munge
AuthInfo=socket=$S/munge/munge.socket
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=$DBDPORT
SlurmUser=root
PidFile=$S/run/slurmdbd.pid
LogFile=$S/log/slurmdbd.log
DebugLevel=info
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$DBPORT
StorageUser=slurm
StoragePass=fidelity
StorageLoc=$STORAGELOC
CONF
    chmod 600 "$S/slurmdbd.conf"
    ( cd "$S" && exec "${DAEMON_ENV[@]}" setsid /usr/sbin/slurmdbd -D ) </dev/null >"$S/log/slurmdbd.out" 2>&1 &
    echo $! > "$S/run/slurmdbd.pid.harness"
    for _ in $(seq 150); do (exec 3<>"/dev/tcp/127.0.0.1/$DBDPORT") 2>/dev/null && break; sleep 0.1; done
    (exec 3<>"/dev/tcp/127.0.0.1/$DBDPORT") 2>/dev/null || { tail -20 "$S/log/slurmdbd.out" "$S/log/slurmdbd.log" >&2; exit 1; }
    sacctmgr -i add cluster "$FIDELITY_CLUSTER" >/dev/null
    log "slurmdbd up (pid $(cat "$S/run/slurmdbd.pid.harness"), port $DBDPORT), cluster $FIDELITY_CLUSTER registered"
fi

# ---------------------------------------------------------------- 4. slurmctld
( cd "$S" && exec "${DAEMON_ENV[@]}" setsid "$S/bin/slurmctld" -D -f "$S/slurm.conf" ) \
    </dev/null >"$S/log/slurmctld.out" 2>&1 &
echo $! > "$S/run/slurmctld.pid.harness"
for _ in $(seq 100); do scontrol ping 2>/dev/null | grep -q 'is UP' && break; sleep 0.2; done
scontrol ping | grep -q 'is UP' || { tail -20 "$S/log/slurmctld.out"; exit 1; }
log "slurmctld up (pid $(cat "$S/run/slurmctld.pid.harness"))"

# ---------------------------------------------------------------- 5. one slurmd per node
NODES=$(sinfo -h -N -o '%N' | sort -u)
NNODES=$(echo "$NODES" | wc -l)
: > "$S/run/slurmd.pids.harness"
for n in $NODES; do
    mkdir -p "$S/spool/slurmd.$n"
    ( cd "$S" && exec "${DAEMON_ENV[@]}" setsid "$S/bin/slurmd" -D -N "$n" -d "$S/bin/slurmstepd" -f "$S/slurm.conf" ) \
        </dev/null >"$S/log/slurmd.$n.out" 2>&1 &
    echo "$n $!" >> "$S/run/slurmd.pids.harness"
done
log "started $NNODES slurmd processes"

for _ in $(seq 150); do
    idle=$(sinfo -h -N -t idle -o '%N' | sort -u | wc -l)
    [ "$idle" -eq "$NNODES" ] && break
    sleep 0.2
done
if [ "$idle" -ne "$NNODES" ]; then
    echo "only $idle/$NNODES nodes idle:" >&2
    sinfo -N -o '%N %T %E' >&2
    exit 1
fi
log "all $NNODES nodes idle"

# ---------------------------------------------------------------- 6. base association tree
# Every scenario user under one account (root keeps the cluster's root association), all
# with the QOS normal: what an accounting scenario starts from and returns to.
if acct_on; then
    sacctmgr -i add account "$FIDELITY_BASE_ACCOUNT" Cluster="$FIDELITY_CLUSTER" \
        Description=fidelity Organization=fidelity >/dev/null
    # shellcheck disable=SC2086
    sacctmgr -i add user "$(echo $FIDELITY_USERS | tr ' ' ',')" \
        Account="$FIDELITY_BASE_ACCOUNT" DefaultAccount="$FIDELITY_BASE_ACCOUNT" >/dev/null
    for u in $FIDELITY_USERS; do
        for _ in $(seq 100); do
            scontrol show assoc_mgr flags=assoc users="$u" 2>/dev/null | grep -q "UserName=$u(" && break
            sleep 0.1
        done
        scontrol show assoc_mgr flags=assoc users="$u" | grep -q "UserName=$u(" \
            || { echo "slurmctld never got the association of $u" >&2; exit 1; }
    done
    log "accounting: account $FIDELITY_BASE_ACCOUNT with users $FIDELITY_USERS"
fi
sinfo -o '%P %a %l %D %c %m %G %N'
log "setup done. Use:  . \"$HERE/env.sh\"   then squeue/sbatch/sinfo talk to this cluster"

# Settings of the fidelity harness (real Slurm 22.05 as an emulated 25-node cluster).
# Source it:  . tests/fidelity/harness/env.sh  -- then plain squeue/sbatch/scontrol/sinfo
# talk to the harness's cluster.
#
# Modelled on the workplace's slurm-oracle harness (see tests/fidelity/README.md); the
# cluster is tests/fidelity/cluster.conf.in. Override before sourcing if needed:
#   FIDELITY_STATE      state folder (default: ${TMPDIR:-/tmp}/hpcsched-fidelity)
#   FIDELITY_PORT_BASE  slurmctld port; slurmd ports are base+10..base+54 (default 17800);
#                       with accounting, slurmdbd on base+5 and MariaDB on base+6
#   FIDELITY_ACCOUNTING 1: accounting mode (tests/fidelity/accounting/): a private MariaDB
#                       and slurmdbd, tests/fidelity/accounting/slurm.conf.add over the
#                       cluster's slurm.conf, and a base association tree (default 0);
#                       fairshare: the same with tests/fidelity/fairshare/slurm.conf.add
#                       over it (fair-share weighed: the fair-share group)
#   FIDELITY_PREEMPT    1: preemption mode (tests/fidelity/preempt/): preempt/slurm.conf.add
#                       over the rest (PreemptType=preempt/partition_prio, PreemptMode=REQUEUE,
#                       partitions plo and phi); with FIDELITY_ACCOUNTING=1 as well, the QOS
#                       scenarios of the preempt group (default 0)
FIDELITY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export FIDELITY_DIR
export FIDELITY_STATE="${FIDELITY_STATE:-${TMPDIR:-/tmp}/hpcsched-fidelity}"
export FIDELITY_PORT_BASE="${FIDELITY_PORT_BASE:-17800}"
export FIDELITY_CLUSTER="${FIDELITY_CLUSTER:-fidelity}"
export FIDELITY_ACCOUNTING="${FIDELITY_ACCOUNTING:-0}"
export FIDELITY_PREEMPT="${FIDELITY_PREEMPT:-0}"
export SLURM_CONF="$FIDELITY_STATE/slurm.conf"
export SLURM_TIME_FORMAT=%s

# Debian ships the daemons under -wlm names. They must run with argv[0] "slurmctld",
# "slurmd", "slurmstepd" (Slurm keys daemon-only code, GRES among it, on the program name),
# hence the symlinks setup.sh makes in $FIDELITY_STATE/bin.
FIDELITY_SLURMCTLD_REAL=/usr/sbin/slurmctld-wlm
FIDELITY_SLURMD_REAL=/usr/sbin/slurmd-wlm
FIDELITY_SLURMSTEPD_REAL=/usr/sbin/slurmstepd-wlm
FIDELITY_PKGS="munge slurmctld slurmd slurm-client"
# Accounting mode adds these (slurmdbd 22.05.8 and its database).
FIDELITY_ACCOUNTING_PKGS="mariadb-server slurmdbd"
# Local users the scenarios submit as (user-exclusive rules act between uids).
FIDELITY_USERS="alice bob carol"
# The account every scenario user belongs to in accounting mode (root keeps its own).
FIDELITY_BASE_ACCOUNT=fidelity


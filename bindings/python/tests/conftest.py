"""Shared fixtures: an Inserm-like cluster (the layout of the project's Slurm oracle)."""

import pytest

import hpcsched

SLURM_CONF = """\
# Inserm-like cluster
ClusterName=inserm
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
EnforcePartLimits=ALL
GresTypes=gpu

NodeName=h100-1 CPUs=32 Boards=1 SocketsPerBoard=2 CoresPerSocket=16 ThreadsPerCore=1 RealMemory=262144 Gres=gpu:2
NodeName=a40-[1-2] CPUs=16 RealMemory=131072 Gres=gpu:1
NodeName=a100-[01-14] CPUs=6 RealMemory=49152 Gres=gpu:1
NodeName=cpu16-[1-4] CPUs=16 RealMemory=131072
NodeName=cpu4-[1-4] CPUs=4 RealMemory=32768

PartitionName=2xH100-96 Nodes=h100-1 MaxTime=30:00:00 DefaultTime=1:00:00 DefMemPerCPU=8192
PartitionName=A40-48 Nodes=a40-[1-2] MaxTime=30:00:00 DefaultTime=1:00:00 DefMemPerCPU=8192
PartitionName=A100-10 Nodes=a100-[01-14] MaxTime=30:00:00 DefaultTime=1:00:00 DefMemPerCPU=8192
PartitionName=CPU-16 Nodes=cpu16-[1-4] MaxTime=30:00:00 DefaultTime=1:00:00 DefMemPerCPU=8192 Default=YES
PartitionName=CPU-4 Nodes=cpu4-[1-4] MaxTime=30:00:00 DefaultTime=1:00:00 DefMemPerCPU=8192
"""

GPU_SCRIPT = """\
#!/bin/bash
#SBATCH --job-name=train
#SBATCH --partition=A100-10
#SBATCH --nodes=1 --ntasks=4
#SBATCH --gres=gpu:1
#SBATCH --mem=16G
#SBATCH --time=12:00:00
srun python train.py
"""


@pytest.fixture
def cluster() -> hpcsched.Cluster:
    return hpcsched.Cluster.from_slurm_conf(SLURM_CONF)

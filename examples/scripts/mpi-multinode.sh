#!/bin/bash
# An MPI run over all four 16-core nodes of CPU-16, one rank per core, for 12 hours.
# Shows -N with --ntasks-per-node: 64 tasks, 64 CPUs, 8 GiB per CPU (DefMemPerCPU).
#SBATCH --job-name=mpi-cfd
#SBATCH --partition=CPU-16
#SBATCH --nodes=4
#SBATCH --ntasks-per-node=16
#SBATCH --time=12:00:00
#SBATCH --output=cfd-%j.out

srun ./cfd_solver --mesh big.msh

#!/bin/bash
# Post-processing that starts only when job 1234 (e.g. the MPI run) has completed OK,
# on a small 4-core node, 30 minutes. Shows --dependency; the target job id cannot be
# checked without a job table, so it is shown as written.
#SBATCH --job-name=post
#SBATCH --partition=CPU-4
#SBATCH --dependency=afterok:1234
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=4
#SBATCH --time=30:00
#SBATCH --output=post-%j.out

python3 collect.py results/

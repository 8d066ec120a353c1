#!/bin/bash
# case: an array job with a throttle
# user: bob
#SBATCH -p CPU-4
#SBATCH --array=1-8%2
#SBATCH -t 5
#SBATCH --mem=1G
./task $SLURM_ARRAY_TASK_ID

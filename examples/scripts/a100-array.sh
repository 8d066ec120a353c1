#!/bin/bash
# 100 inference tasks, one A100 each, at most 10 running at once (%10 throttle),
# 2 hours per task. Shows --array with a throttle and --gpus-per-node.
#SBATCH --job-name=infer
#SBATCH --partition=A100-10
#SBATCH --array=0-99%10
#SBATCH --gpus-per-node=1
#SBATCH --cpus-per-task=6
#SBATCH --time=2:00:00
#SBATCH --output=infer-%A_%a.out

python3 infer.py --shard "$SLURM_ARRAY_TASK_ID"

#!/bin/bash
# case: a typed GPU job with per-GPU memory
# user: carol
#SBATCH -p 2xH100-96
#SBATCH --gpus-per-node=h100:2
#SBATCH --mem-per-gpu=32G
#SBATCH -c 8
#SBATCH -t 1-00:00:00
srun python train.py

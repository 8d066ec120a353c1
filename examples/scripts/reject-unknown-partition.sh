#!/bin/bash
# REJECTED on inserm: there is no V100-32 partition ("invalid partition specified").
#SBATCH --job-name=old-habits
#SBATCH --partition=V100-32
#SBATCH --gres=gpu:1
#SBATCH --time=2:00:00

python3 train.py

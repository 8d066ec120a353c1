#!/bin/bash
# REJECTED on inserm: asks for 3 GPUs per node, but the A40 nodes have one GPU each.
# No node of A40-48 can ever run it: "Requested node configuration is not available".
#SBATCH --job-name=three-gpus
#SBATCH --partition=A40-48
#SBATCH --gres=gpu:3
#SBATCH --time=4:00:00

python3 train.py

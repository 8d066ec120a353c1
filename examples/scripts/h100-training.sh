#!/bin/bash
# Model training on both H100 GPUs of the 2xH100-96 node for 24 hours.
# Shows a typed GRES request (gpu:h100:2) and --mem on a whole-node partition.
#SBATCH --job-name=train-llm
#SBATCH --partition=2xH100-96
#SBATCH --gres=gpu:h100:2
#SBATCH --cpus-per-task=32
#SBATCH --mem=200G
#SBATCH --time=1-00:00:00
#SBATCH --output=train-%j.out

torchrun --nproc_per_node=2 train.py --config big.yaml

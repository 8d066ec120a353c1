#!/bin/bash
# A plain single-task CPU job with no -p: it goes to the default partition (CPU-16).
# Shows the defaults: 1 node, 1 task, DefaultTime (1 h) because no --time is given,
# and, with OverSubscribe=EXCLUSIVE, all 16 CPUs of the node.
#SBATCH --job-name=cpu-serial
#SBATCH --output=cpu-serial-%j.out

python3 analyse.py input.csv

#!/bin/bash
# case: a plain batch script
# user: alice
#SBATCH --partition=CPU-4
#SBATCH --ntasks=2
#SBATCH --time=30
srun hostname

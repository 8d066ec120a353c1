#!/bin/bash
# case: a comment after the options of a directive
# user: alice
#SBATCH -p CPU-4 -n 2 # two tasks
#SBATCH --mem-per-cpu=1G    # per CPU
true

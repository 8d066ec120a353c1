#!/bin/sh
# case: a quoted job name with a space
# user: bob
#SBATCH --job-name="my job" -p CPU-4
true

#!/bin/bash
# case: a command-line -t replaces an invalid #SBATCH -t
# user: alice
# args: -t 10
#SBATCH -p CPU-4
#SBATCH -t 31:00:00
true

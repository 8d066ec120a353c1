#!/bin/bash
# case: command-line options override #SBATCH lines
# user: carol
# args: -p CPU-16 -n 3
#SBATCH -p CPU-4
#SBATCH -n 1
#SBATCH -t 20
true

#!/bin/bash
# case: an #SBATCH line after the first command is ignored
# user: bob
#SBATCH -p CPU-4
echo starting
#SBATCH -p nosuch
#SBATCH --mem=1T

#!/bin/bash
# case: an indented #SBATCH is a comment, not a directive
# user: carol
#SBATCH -p CPU-4
  #SBATCH -p nosuch
true

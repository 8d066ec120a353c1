#!/bin/bash
# case: blank lines and comments between directives do not end them

# a comment
#SBATCH -p A40-48

#SBATCH --gres=gpu:a40:1
   # an indented comment
#SBATCH -t 2:00:00
python train.py

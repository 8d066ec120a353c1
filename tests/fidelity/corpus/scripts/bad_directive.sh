#!/bin/bash
# case: an unknown option in a directive is refused
# user: alice
#SBATCH -p CPU-4
#SBATCH --frobnicate
true

#!/bin/bash
# case: a valid script made invalid by the command line
# user: bob
# args: -p nosuch
#SBATCH -p CPU-4
true

#!/bin/bash
# case: the legacy #SLURM prefix still works
# user: alice
#SLURM -p CPU-4
#SLURM -n 3
true

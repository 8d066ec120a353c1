#!/bin/bash
# REJECTED on inserm: asks for 40 hours but every partition has MaxTime=30:00:00, and
# EnforcePartLimits=ALL makes sbatch refuse the job instead of letting it pend with
# reason PartitionTimeLimit.
#SBATCH --job-name=too-long
#SBATCH --partition=CPU-16
#SBATCH --time=40:00:00

./long_simulation

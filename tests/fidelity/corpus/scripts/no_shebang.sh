# case: a script without #! on its first line is refused
#SBATCH -p CPU-4
true

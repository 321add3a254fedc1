#!/usr/bin/env bash
# Usage: [GPUS=8 GPUS_PER_NODE=8 ...] bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG [extra args]
# mmaction2's Slurm launcher: srun starts GPUS processes (GPUS_PER_NODE per node), each runs
# tools/train.py --launcher slurm, which reads SLURM_PROCID / SLURM_NTASKS / SLURM_NODELIST.
# GPUS_PER_NODE=0: CPU-only nodes (no --gres; the processes talk over gloo), TASKS_PER_NODE
# processes per node (default: all GPUS on one node). MASTER_PORT (default 29500) must be
# free on the first node; PYTHON selects the interpreter (default: python on PATH).
# The srun call itself: tools/slurm_run.sh.
exec bash "$(dirname "$0")/slurm_run.sh" train.py "$@"

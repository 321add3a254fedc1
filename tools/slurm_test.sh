#!/usr/bin/env bash
# Usage: [GPUS=8 GPUS_PER_NODE=8 ...] bash tools/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [extra args]
# tools/test.py under srun (--launcher slurm); the variables are those of tools/slurm_train.sh
# (GPUS_PER_NODE=0: CPU-only nodes over gloo). The srun call itself: tools/slurm_run.sh.
exec bash "$(dirname "$0")/slurm_run.sh" test.py "$@"

#!/usr/bin/env bash
# Usage: bash tools/slurm_run.sh TOOL PARTITION JOB_NAME [tool args]
# The srun call behind tools/slurm_train.sh (TOOL train.py) and tools/slurm_test.sh (test.py):
# GPUS processes (GPUS_PER_NODE per node), each running tools/TOOL --launcher slurm.
# GPUS_PER_NODE=0: CPU-only nodes (no --gres; gloo), TASKS_PER_NODE processes per node
# (default: all GPUS on one node). CPUS_PER_TASK, SRUN_ARGS, PYTHON as in mmaction2.
set -e
TOOL=$1
PARTITION=$2
JOB_NAME=$3
shift 3
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-""}
if [ "$GPUS_PER_NODE" -gt 0 ]; then
    TASKS_PER_NODE=${TASKS_PER_NODE:-$GPUS_PER_NODE}
    GRES="--gres=gpu:${GPUS_PER_NODE}"
else
    TASKS_PER_NODE=${TASKS_PER_NODE:-$GPUS}
    GRES=""
fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHONPATH="$ROOT":$PYTHONPATH \
srun --partition="$PARTITION" --job-name="$JOB_NAME" $GRES --ntasks="$GPUS" \
    --ntasks-per-node="$TASKS_PER_NODE" --cpus-per-task="$CPUS_PER_TASK" \
    --kill-on-bad-exit=1 $SRUN_ARGS \
    "${PYTHON:-python}" -u "$ROOT/tools/$TOOL" "$@" --launcher slurm

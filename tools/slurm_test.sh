#!/usr/bin/env bash
# Usage: [GPUS=8 GPUS_PER_NODE=8 ...] bash tools/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [extra args]
# tools/test.py under srun (--launcher slurm); the variables are those of tools/slurm_train.sh
# (GPUS_PER_NODE=0: CPU-only nodes over gloo).
set -e
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
CHECKPOINT=$4
shift 4
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
    "${PYTHON:-python}" -u "$ROOT/tools/test.py" "$CONFIG" "$CHECKPOINT" --launcher slurm "$@"

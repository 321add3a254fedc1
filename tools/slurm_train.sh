#!/usr/bin/env bash
# Usage: [GPUS=8 GPUS_PER_NODE=8 ...] bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG [extra args]
# mmaction2's Slurm launcher: srun starts GPUS processes (GPUS_PER_NODE per node), each runs
# tools/train.py --launcher slurm, which reads SLURM_PROCID / SLURM_NTASKS / SLURM_NODELIST.
# GPUS_PER_NODE=0: CPU-only nodes (no --gres; the processes talk over gloo), TASKS_PER_NODE
# processes per node (default: all GPUS on one node). MASTER_PORT (default 29500) must be
# free on the first node; PYTHON selects the interpreter (default: python on PATH).
set -e
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
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
    "${PYTHON:-python}" -u "$ROOT/tools/train.py" "$CONFIG" --launcher slurm "$@"

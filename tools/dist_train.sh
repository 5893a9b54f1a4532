#!/usr/bin/env bash
# Multi-process training through torchrun and MMEngine's pytorch launcher.
# Usage: bash tools/dist_train.sh CONFIG NUM_PROCESSES [train.py options...]
# Multi-node: set NNODES, NODE_RANK, MASTER_ADDR and PORT on every node; PYTHON picks the interpreter.
set -euo pipefail
CONFIG=$1
NPROC=$2
shift 2
exec "${PYTHON:-python}" -m torch.distributed.run \
    --nnodes="${NNODES:-1}" --node_rank="${NODE_RANK:-0}" --master_addr="${MASTER_ADDR:-127.0.0.1}" \
    --master_port="${PORT:-29500}" --nproc_per_node="$NPROC" \
    "$(dirname "$0")/train.py" "$CONFIG" --launcher pytorch "$@"

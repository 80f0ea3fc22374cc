#!/usr/bin/env bash
# Model throughput of latent next to the PyTorch peer (tools/torch_llama_bench.py).
#
# Usage: tools/bench-model.sh LATENT_BIN [PYTHON]
#   Runs `latent bench model` (the Models module) and `latent bench block` (the same tiny Llama
#   written directly with TensorCore ops) with torch_llama_bench.py's default flags, when those
#   subcommands exist; runs the torch script when `PYTHON -c 'import torch'` works (otherwise
#   says the peer was skipped); prints each JSON line and the latent/torch ratios for
#   train tokens/s, forward tokens/s and decode steps/s (targets: 1.25x, 1.5x, 5x).
# Environment: TORCH_BENCH overrides the path of torch_llama_bench.py.
set -u

if [ $# -lt 1 ]; then
    echo "usage: $0 LATENT_BIN [PYTHON]" >&2
    exit 2
fi
LATENT_BIN=$1
PYTHON=${2:-python3}
REPO=$(cd "$(dirname "$0")/.." && pwd)
TORCH_BENCH=${TORCH_BENCH:-$REPO/tools/torch_llama_bench.py}
FLAGS=(--threads 2 --vocab 256 --dim 128 --layers 4 --heads 4 --hidden 352 --seq 64 --batch 32 --warmup 3 --steps 20)

if [ ! -x "$LATENT_BIN" ]; then
    echo "latent binary not found or not executable: $LATENT_BIN" >&2
    exit 2
fi

declare -A RESULT=()
run_latent() {  # $1 = subcommand of `latent bench`
    if "$LATENT_BIN" bench "$1" --help >/dev/null 2>&1; then
        local out line
        if out=$("$LATENT_BIN" bench "$1" "${FLAGS[@]}"); then
            line=$(printf '%s\n' "$out" | tail -n 1)
            echo "latent bench $1: $line"
            RESULT[$1]=$line
        else
            echo "latent bench $1 failed (exit status $?)"
        fi
    else
        echo "latent bench $1: not available in this build (skipped)"
    fi
}
run_latent model
run_latent block

TORCH=""
if "$PYTHON" -c 'import torch' >/dev/null 2>&1; then
    if [ -f "$TORCH_BENCH" ]; then
        if out=$("$PYTHON" "$TORCH_BENCH" "${FLAGS[@]}"); then
            TORCH=$(printf '%s\n' "$out" | tail -n 1)
            echo "torch peer: $TORCH"
        else
            echo "torch peer failed (exit status $?)"
        fi
    else
        echo "torch peer skipped: $TORCH_BENCH not found"
    fi
else
    echo "torch peer skipped: '$PYTHON' cannot import torch"
fi

if [ -n "$TORCH" ] && [ ${#RESULT[@]} -gt 0 ]; then
    for name in "${!RESULT[@]}"; do
        LATENT_JSON=${RESULT[$name]} TORCH_JSON=$TORCH NAME=$name "$PYTHON" - <<'PY'
import json, os
ours, peer = json.loads(os.environ["LATENT_JSON"]), json.loads(os.environ["TORCH_JSON"])
targets = {"train_tokens_per_s": 1.25, "infer_tokens_per_s": 1.5, "decode_steps_per_s": 5.0}
for key, target in targets.items():
    ratio = ours[key] / peer[key]
    verdict = "meets" if ratio >= target else "below"
    print(f"latent bench {os.environ['NAME']}: {key} {ours[key]} vs torch {peer[key]}: "
          f"{ratio:.2f}x ({verdict} the {target}x target)")
PY
    done
fi
exit 0

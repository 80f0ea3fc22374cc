#!/usr/bin/env bash
# The CoT teacher and the No-CoT baseline of the benchmark (arith(n: 20000, steps: 1...4, seed: 1),
# 90/10 split, dim 128 x 4 layers x 4 heads, numbers least significant digit first), by step
# budget: 14,400 steps is what the 15-minute teacher made on the Emerald Rapids host (2026-12-05),
# 22,000 what the 10-minute No-CoT made there.
set -euo pipefail
B=${LATENT_BIN:-.build/release/latent}
RUNS=${RUNS:-runs}
mkdir -p "$RUNS"
[ -d "$RUNS/teacher" ] || $B train sft --mode cot --max-steps 14400 --epochs 100 --batch 16 --lr 1e-3 \
    --reversed-numbers --save "$RUNS/teacher" --every 1000 > "$RUNS/teacher.json"
[ -d "$RUNS/nocot" ] || $B train sft --mode nocot --max-steps 22000 --epochs 100 --batch 16 --lr 1e-3 \
    --reversed-numbers --save "$RUNS/nocot" --every 1000 > "$RUNS/nocot.json"

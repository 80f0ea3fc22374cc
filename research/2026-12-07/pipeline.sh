#!/usr/bin/env bash
# Every run behind the 2026-12-07 figures (BENCHMARKS.md, "Zen4, 2026-12-07" and "RL"), one at a
# time, by step budget: the teacher and No-CoT, the results-only model, Latent-6 ("stepwise",
# LATENT=6) and the latent count that follows the written chain (LATENT=by-chain-4) for seeds
# 0, 1, 2, GRPO (adaptive and the paper's) from each, the penalty sweep from seed 0's Latent-6,
# then validation and test evaluations. Each stage is skipped when its model already exists.
# Usage: RUNS=runs bash research/2026-12-07/pipeline.sh   (LATENT_BIN picks the binary)
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${LATENT_BIN:-.build/release/latent}
export RUNS=${RUNS:-runs} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
S=research/2026-12-07
mkdir -p "$RUNS"
run() { local name=$1; shift; [ -d "$RUNS/$name" ] || env "$@" "$B" run "$S/${SCRIPT}" > "$RUNS/$name.log" 2>&1; }

LATENT_BIN=$B bash $S/teacher.sh
SCRIPT=results_only.lat run ro
for seed in 0 1 2; do
  SCRIPT=distill_chunks.lat run chunks-s$seed SEED=$seed NAME=chunks-s$seed LATENT=6
  SCRIPT=distill_chunks.lat run chain4-s$seed SEED=$seed NAME=chain4-s$seed LATENT=by-chain-4
  for base in chunks-s$seed chain4-s$seed; do
    SCRIPT=rl.lat run $base-rl FROM=$base NAME=$base-rl SETTING=adaptive STEPS=200
    SCRIPT=rl.lat run $base-rlpaper FROM=$base NAME=$base-rlpaper SETTING=paper STEPS=200
  done
done
ln -sfn chunks-s0-rl "$RUNS/chunks-s0-rl-p0.5"   # the adaptive recipe's own penalty
for p in 0 0.1 1; do
  SCRIPT=rl.lat run chunks-s0-rl-p$p FROM=chunks-s0 NAME=chunks-s0-rl-p$p SETTING=adaptive PENALTY=$p STEPS=200
done
# Evaluations: selection on validation, the test set once at the end.
for set in validation test; do
  for seed in 0 1 2; do
    for name in chunks-s$seed chain4-s$seed chain4-s$seed-rl chunks-s$seed-rl chunks-s$seed-rlpaper chain4-s$seed-rlpaper; do
      NAME=$name SET=$set "$B" run $S/frontier.lat > "$RUNS/$name-$set.log" 2>&1
    done
    BEFORE=chunks-s$seed AFTER=chain4-s$seed SET=$set "$B" run $S/compare.lat > "$RUNS/compare-s$seed-$set.log" 2>&1
  done
  BASE=chunks-s0 SET=$set "$B" run $S/sweep.lat > "$RUNS/chunks-s0-sweep-$set.log" 2>&1
done

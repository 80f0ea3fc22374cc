#!/usr/bin/env bash
# 2026-12-08 lane A, second part (issue 35): GRPO with an exploring stop head from by-chain-3
# seed 0, head temperatures 32 and 128, each evaluated on validation.
cd /work/runs
while pgrep -f lane-a-1208.sh >/dev/null; do sleep 20; done
for ht in 32 128; do
  echo "$(date -u +%FT%TZ) START ht$ht" >> lane-a-1208.txt
  OPENBLAS_NUM_THREADS=1 RUNS=/work/runs FROM=chain3-s0 NAME=chain3-s0-ht$ht HEAD_TEMP=$ht ./latent-1208 run /work/main/research/2026-12-08/rl_explore.lat > chain3-s0-ht$ht.log 2>&1
  OPENBLAS_NUM_THREADS=1 RUNS=/work/runs NAME=chain3-s0-ht$ht SET=validation ./latent-1208 run /work/main/research/2026-12-07/frontier.lat > chain3-s0-ht$ht-val.log 2>&1
  echo "$(date -u +%FT%TZ) END rc=$? ht$ht" >> lane-a-1208.txt
done

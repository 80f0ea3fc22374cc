#!/usr/bin/env bash
# 2026-12-08 lane A, third part (issue 35): the stop head's learning rate raised with the temperature.
cd /work/runs
while pgrep -f lane-a2-1208.sh >/dev/null; do sleep 10; done
for v in "32 1000 0.5" "32 3000 0.5" "32 1000 1"; do
  set -- $v; name=chain3-s0-ht$1-hlr$2-p$3
  echo "$(date -u +%FT%TZ) START $name" >> lane-a-1208.txt
  OPENBLAS_NUM_THREADS=1 RUNS=/work/runs FROM=chain3-s0 NAME=$name HEAD_TEMP=$1 HEAD_LR=$2 PENALTY=$3 ./latent-1208 run /work/main/research/2026-12-08/rl_explore.lat > $name.log 2>&1
  OPENBLAS_NUM_THREADS=1 RUNS=/work/runs NAME=$name SET=validation ./latent-1208 run /work/main/research/2026-12-07/frontier.lat > $name-val.log 2>&1
  echo "$(date -u +%FT%TZ) END rc=$? $name" >> lane-a-1208.txt
done

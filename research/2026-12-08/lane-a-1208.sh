#!/usr/bin/env bash
# 2026-12-08 lane A: the "codi" and "coconut" recipe re-runs (issue 36), one thread.
cd /work/runs
for r in codi coconut; do
  echo "$(date -u +%FT%TZ) START $r" >> lane-a-1208.txt
  OPENBLAS_NUM_THREADS=1 RUNS=/work/runs RECIPE=$r ./latent-1208 run /work/main/research/2026-12-08/recipes.lat > $r-s0.log 2>&1
  echo "$(date -u +%FT%TZ) END rc=$? $r" >> lane-a-1208.txt
done

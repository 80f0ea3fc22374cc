#!/usr/bin/env bash
# 2026-12-08 lane B: latent reproduce at the default (full) step budgets, seed 0, one thread (issue 37).
cd /work/runs
echo "$(date -u +%FT%TZ) START reproduce" >> lane-b-1208.txt
./latent-1208 reproduce --seeds 0 --out /work/runs/reproduce-full --threads 1 > reproduce-full.log 2>&1
echo "$(date -u +%FT%TZ) END rc=$? reproduce" >> lane-b-1208.txt

#!/usr/bin/env bash
# Issue 39's figures on this host, on an otherwise idle machine, one after another: the recipe
# steps (distillation, GRPO) and the model benchmark against PyTorch as ABBA pairs, on the
# AVX-512 path and on the AVX2 path forced (LATENT_GEMM=avx2 OPENBLAS_CORETYPE=Haswell).
#   PYTHON: an interpreter with torch (pip install torch from the wheel cache, never in CI).
set -euo pipefail
B=${LATENT_BIN:-.build/release/latent}
PY=${PYTHON:-python3}
PAIRS=${PAIRS:-2}
lscpu | grep -E 'Model name|^CPU\(s\)'
grep -o 'avx[0-9a-z_]*' /proc/cpuinfo | sort -u | tr '\n' ' '; echo
for path in avx512 avx2; do
  if [ $path = avx2 ]; then export LATENT_GEMM=avx2 OPENBLAS_CORETYPE=Haswell; fi
  echo "== $path path"
  python3 tools/bench_recipe_pairs.py "$B" --python "$PY" --pairs "$PAIRS"
  python3 tools/bench_model_pairs.py "$B" --python "$PY" --pairs "$PAIRS"
done

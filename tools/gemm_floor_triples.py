#!/usr/bin/env python3
"""What share of latent's forward is OpenBLAS itself, measured as interleaved triples.

Usage: tools/gemm_floor_triples.py LATENT_BIN [--triples N]

Builds tools/forward_gemm_floor.c (only the OpenBLAS calls of the gradient-free forward at the
torch peer's shape, single-threaded) and runs it around `latent bench model --threads 1` in
A-B-A triples: the host changes speed for minutes at a time, so each triple compares latent with
the mean of the two floor runs beside it. Reports each triple's ratio latent / floor and their
median: the share of the forward that a faster GEMM library, not this code, would have to win.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

from bench_model_pairs import last_json_line  # same folder: the script's own is on sys.path


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("latent_bin")
    parser.add_argument("--triples", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        floor_bin = os.path.join(tmp, "gemm_floor")
        build = subprocess.run(["cc", "-O2", os.path.join(here, "forward_gemm_floor.c"), "-o", floor_bin, "-lopenblas"],
                               capture_output=True, text=True)
        if build.returncode != 0:
            print("gemm floor: cannot build tools/forward_gemm_floor.c:\n" + build.stderr, file=sys.stderr)
            return 1
        ratios = []
        for i in range(args.triples):
            before = last_json_line([floor_bin])["gemm_only_tokens_per_s"]
            latent = last_json_line([args.latent_bin, "bench", "model", "--threads", "1"])["infer_tokens_per_s"]
            after = last_json_line([floor_bin])["gemm_only_tokens_per_s"]
            ratio = latent / ((before + after) / 2)
            ratios.append(ratio)
            print(f"triple {i + 1}: GEMM-only {before:,.0f} / {after:,.0f} tokens/s, latent forward {latent:,.0f}"
                  f" -> latent / GEMM-only {ratio:.3f}")
    print(f"OpenBLAS share of the forward: median {statistics.median(ratios):.3f} "
          f"(range {min(ratios):.3f}-{max(ratios):.3f}, {len(ratios)} triples)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

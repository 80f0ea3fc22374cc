#!/usr/bin/env python3
"""Model throughput of latent against the PyTorch peer, measured as interleaved pairs.

Usage: tools/bench_model_pairs.py LATENT_BIN [--python PYTHON] [--pairs N]

Why pairs: this host changes speed for minutes at a time (docs in BENCHMARKS.md, "The machine
runs at two speeds"), and the two engines are not affected alike, so one latent run followed by
one torch run measures the host as much as the engines. Here the two run alternately, in ABBA
order (latent, torch, torch, latent, ...), each pair gives one ratio per metric, and the report
is the median of the pair ratios with their range. Same flags as tools/bench-model.sh
(tools/torch_llama_bench.py's defaults); targets 1.25x train, 1.5x forward, 5x decode.
The latent slot also runs `latent bench latent` (adaptive latent steps/s at batch 1), compared
with torch's decode steps/s: the peer has no latent mode, and its decode step is a lower bound on
the cost of one of its latent steps (issue 4: at least 5x).
Exits 0 with a message when torch is missing (the peer is optional).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

FLAGS = ["--threads", "2", "--vocab", "256", "--dim", "128", "--layers", "4", "--heads", "4",
         "--hidden", "352", "--seq", "64", "--batch", "32", "--warmup", "3", "--steps", "20"]
TARGETS = {"train_tokens_per_s": 1.25, "infer_tokens_per_s": 1.5, "decode_steps_per_s": 5.0}
LATENT = "latent_steps_per_s"


def last_json_line(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("latent_bin")
    parser.add_argument("--python", default="python3", help="interpreter with torch installed")
    parser.add_argument("--pairs", type=int, default=5, help="number of latent/torch pairs (default 5)")
    parser.add_argument("--torch-bench", default=os.environ.get(
        "TORCH_BENCH", os.path.join(here, "torch_llama_bench.py")))
    args = parser.parse_args()
    if args.pairs < 1:
        parser.error("--pairs must be at least 1")
    if subprocess.run([args.python, "-c", "import torch"], capture_output=True).returncode != 0:
        print(f"torch peer skipped: '{args.python}' cannot import torch")
        return 0
    if not os.path.isfile(args.torch_bench):
        print(f"torch peer skipped: {args.torch_bench} not found")
        return 0
    latent = [args.latent_bin, "bench", "model", *FLAGS]
    latent_steps = [args.latent_bin, "bench", "latent"]
    torch = [args.python, args.torch_bench, *FLAGS]
    ratios = {key: [] for key in [*TARGETS, LATENT]}
    for i in range(args.pairs):
        order = [("latent", latent), ("torch", torch)]
        if i % 2 == 1:
            order.reverse()
        result = {}
        for name, command in order:
            result[name] = last_json_line(command)
            if name == "latent":
                result[LATENT] = last_json_line(latent_steps)[LATENT]
        line = []
        for key in TARGETS:
            r = result["latent"][key] / result["torch"][key]
            ratios[key].append(r)
            line.append(f"{key} {result['latent'][key]} / {result['torch'][key]} = {r:.2f}x")
        r = result[LATENT] / result["torch"]["decode_steps_per_s"]
        ratios[LATENT].append(r)
        line.append(f"{LATENT} {result[LATENT]} / torch decode {result['torch']['decode_steps_per_s']} = {r:.2f}x")
        print(f"pair {i + 1} ({order[0][0]} first): " + "; ".join(line), flush=True)
    for key, target in [*TARGETS.items(), (LATENT, 5.0)]:
        rs = ratios[key]
        median = statistics.median(rs)
        verdict = "meets" if median >= target else "below"
        print(f"{key}: median {median:.2f}x over {len(rs)} pairs (range {min(rs):.2f}-{max(rs):.2f}x), "
              f"{verdict} the {target}x target")
    return 0


if __name__ == "__main__":
    sys.exit(main())

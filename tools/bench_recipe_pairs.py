#!/usr/bin/env python3
"""Recipe steps/s of latent against the PyTorch peer, measured as interleaved pairs.

Usage: tools/bench_recipe_pairs.py LATENT_BIN [--python PYTHON] [--pairs N] [--workloads distill,rl]

For each workload, `latent bench WORKLOAD` and its peer (tools/torch_distill_bench.py,
tools/torch_grpo_bench.py) run alternately in ABBA order, as tools/bench_model_pairs.py does for
the model benchmark; the peer gets the shape latent reports for its timed steps (the JSON's
"geometry": mean token lengths, latent steps, answer tokens, and the tokenizer's vocabulary), so
both sides time the same shape. Prints each run's JSON line, then per workload the median ratio
latent / torch of steps/s with its range, and one JSON line with all of it.
Exits 0 with a message when torch is missing (the peer is optional).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

PEERS = {"distill": "torch_distill_bench.py", "rl": "torch_grpo_bench.py"}


def last_json_line(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def peer_flags(workload, ours):
    """The peer's shape flags from latent's JSON line."""
    g = ours["geometry"]
    flags = ["--threads", str(ours["threads"]), "--vocab", str(round(g["vocab"]))]
    if workload == "distill":
        flags += ["--batch", str(ours["batch"]), "--latent", str(ours["latent"]),
                  "--prefix", str(max(1, round(g["prefix"]))), "--teacher", str(max(2, round(g["teacher"]))),
                  "--tail", str(max(2, round(g["tail"]))), "--step-rows", str(max(1, round(g["step_rows"]))),
                  "--step-length", str(max(1, round(g["step_length"])))]
    else:
        latent = max(0, round(g["mean_length"] - 2))
        answer = max(1, round(g["actions_per_sample"] - latent - 1))
        flags += ["--prompts", str(ours["prompts"]), "--group", str(ours["group"]),
                  "--prompt", str(max(1, round(g["prompt"]))), "--latent", str(latent), "--answer", str(answer)]
    return flags


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("latent_bin")
    parser.add_argument("--python", default="python3", help="interpreter with torch installed")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--workloads", default="distill,rl")
    args = parser.parse_args()
    if subprocess.run([args.python, "-c", "import torch"], capture_output=True).returncode != 0:
        print(f"recipe pairs skipped: '{args.python}' cannot import torch")
        return 0
    summary = {}
    for workload in args.workloads.split(","):
        if workload not in PEERS:
            print(f"unknown workload {workload!r}; choose from {', '.join(PEERS)}", file=sys.stderr)
            return 2
        peer = [args.python, os.path.join(here, PEERS[workload])]
        ours_cmd = [args.latent_bin, "bench", workload]
        flags = None
        ratios = []
        for pair in range(args.pairs):
            order = ["latent", "torch"] if pair % 2 == 0 else ["torch", "latent"]
            result = {}
            for side in order:  # pair 0 starts with latent, whose JSON sets the peer's shape
                line = last_json_line(ours_cmd if side == "latent" else peer + flags)
                print(f"{'latent bench ' + workload if side == 'latent' else 'torch peer'}: {json.dumps(line)}")
                if flags is None:
                    flags = peer_flags(workload, line)
                result[side] = line
            ratios.append(result["latent"]["steps_per_s"] / result["torch"]["steps_per_s"])
        median = statistics.median(ratios)
        print(f"{workload}: latent / torch steps/s {median:.2f}x (range {min(ratios):.2f}-{max(ratios):.2f}, {len(ratios)} pairs)")
        summary[workload] = {"ratio_median": round(median, 3), "ratio_min": round(min(ratios), 3),
                             "ratio_max": round(max(ratios), 3), "pairs": len(ratios)}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Summarises the logs of research/2026-12-07 (frontier.lat, compare.lat, sweep.lat) in RUNS:
for every model family (the name with its "-sN" seed taken out) and set, accuracy and mean total
length per seed and as mean ± sample standard deviation, accuracy and latent steps by difficulty,
the per-difficulty oracle, and, from compare logs, each AFTER model's margin over its BEFORE
model's fixed-count frontier, seconds and MFLOPs per problem.

Usage: python3 research/2026-12-07/summarize.py RUNS
"""
import pathlib
import re
import statistics
import sys
from collections import defaultdict

RESULT = re.compile(r"^RESULT (\S+) (validation|test) (?:adaptive )?accuracy (\S+) mean_length (\S+)(.*)$")
ORACLE = re.compile(r"^per-difficulty oracle: (\S+)% at mean length (\S+) \((.*)\)")
MARGIN = re.compile(r"^(\w+): (\S+)% at mean length (\S+), ([+-]\S+) points against the frontier")
ROW = re.compile(r"^\s*([1-4])\s+(\S+)\s+(\S+)\s*$")


def family(name):
    return re.sub(r"-s\d+", "-s*", name)


def spread(xs):
    if len(xs) < 2:
        return f"{xs[0]:.2f}" if xs else "—"
    return f"{statistics.mean(xs):.2f} ± {statistics.stdev(xs):.2f}"


def parse(path):
    out = []
    current = None
    for line in path.read_text(errors="replace").splitlines():
        if m := RESULT.match(line):
            rest = dict(zip(m[5].split()[0::2], m[5].split()[1::2]))
            current = {"name": m[1], "set": m[2], "accuracy": 100 * float(m[3]), "length": float(m[4]),
                       "by": {}, "extra": {k: float(v) for k, v in rest.items()}, "file": path.name}
            out.append(current)
        elif current is not None and (m := ROW.match(line)) and not current.get("closed"):
            current["by"][int(m[1])] = (float(m[2]), 100 * float(m[3]))
        elif m := ORACLE.match(line):
            for r in out:
                if "oracle" not in r:
                    r["oracle"] = (float(m[1]), float(m[2]), m[3])
            current = None
        elif (m := MARGIN.match(line)) and out:
            label, margin = m[1], float(m[4])
            target = out[-1] if label in ("after", "adaptive") else (out[0] if label == "before" else None)
            if target is not None:
                target.setdefault("margins", {})[out[0]["name"] if label != "adaptive" else "own"] = margin
    return out


def main():
    runs = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "runs")
    rows = []
    for path in sorted(runs.glob("*.log")):
        rows += parse(path)
    groups = defaultdict(list)
    seen = set()
    for r in rows:
        key = (r["name"], r["set"], r["file"].startswith("compare"))
        if key in seen:
            continue
        seen.add(key)
        groups[(family(r["name"]), r["set"])].append(r)
    for (fam, split), rs in sorted(groups.items()):
        print(f"## {fam} on {split}")
        for r in sorted(rs, key=lambda r: r["name"]):
            by = " / ".join(f"{r['by'][s][1]:.1f}" for s in sorted(r["by"])) if r["by"] else ""
            lat = " / ".join(f"{r['by'][s][0]:.2f}" for s in sorted(r["by"])) if r["by"] else ""
            extra = ", ".join(f"{k} {v:.4g}" for k, v in r["extra"].items())
            oracle = f"; oracle {r['oracle'][0]} % at {r['oracle'][1]}" if "oracle" in r else ""
            margins = "; margins " + ", ".join(f"vs {k} {v:+.1f}" for k, v in r.get("margins", {}).items()) if r.get("margins") else ""
            print(f"- {r['name']} ({r['file']}): {r['accuracy']:.2f} % at {r['length']:.3f}; by difficulty {by};"
                  f" latents {lat}{oracle}{margins}{'; ' + extra if extra else ''}")
        accs = [r["accuracy"] for r in rs]
        lens = [r["length"] for r in rs]
        print(f"  mean ± sd over {len(rs)}: accuracy {spread(accs)} %, length {spread(lens)}\n")


if __name__ == "__main__":
    main()

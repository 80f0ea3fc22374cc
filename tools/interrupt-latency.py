#!/usr/bin/env python3
"""Interrupt latency of the long builtins: SIGINT to `latent run -` in the middle of a call,
time until the process has exited with its Interrupted error.

Usage: tools/interrupt-latency.py LATENT_BIN [REPEATS]

Each case builds a dim-128 model on 600 generated problems, distills one step (so latent modes
and `rl` can run), prints a marker, then calls the builtin; SIGINT goes 1.5 s + 0.37 s × repeat
after the marker. The contract (LANGUAGE.md) asks for a stop "within a second".
"""
import signal
import subprocess
import sys
import time

SETUP = '''data = arith(n: 600, steps: 1...4, seed: 1)
m = model(data, dim: 128, layers: 4, heads: 4)
distill(m, take(data, 16), latent: 6, epochs: 1, batch: 16)
print("go")
'''
CASES = {
    'evaluate(m, data, mode: "cot")': 'evaluate(m, data, mode: "cot")\n',
    "evaluate(m, data, mode: 6)": "evaluate(m, data, mode: 6)\n",
    "rl(m, arith(n: 300, seed: 2), steps: 50)": "rl(m, arith(n: 300, seed: 2), steps: 50)\n",
}


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    binary, repeats = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5
    for name, call in CASES.items():
        latencies, last = [], ""
        for rep in range(repeats):
            p = subprocess.Popen([binary, "run", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
            p.stdin.write(SETUP + call)
            p.stdin.close()
            for line in p.stdout:  # progress lines come first
                if line.strip() == "go":
                    break
            time.sleep(1.5 + 0.37 * rep)
            start = time.monotonic()
            p.send_signal(signal.SIGINT)
            err = p.stderr.read()
            p.wait()
            latencies.append(time.monotonic() - start)
            last = next((l for l in reversed(err.splitlines()) if "Interrupted" in l), err.strip()[-120:])
        shown = ", ".join(f"{x * 1000:.0f}" for x in latencies)
        print(f"{name}: SIGINT → exit {shown} ms (max {max(latencies) * 1000:.0f} ms); {last.strip()[:100]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`latent train sft`: which limit ends a run.

With --minutes the clock is the end (the cosine schedule runs on time), unless --epochs or
--max-steps are given and come first. Before 2026-11-28 a default of 20 epochs also
applied, so on a fast machine a 15-minute run stopped after 10 minutes with the learning rate
half-way down. Needs LATENT_BIN = path of the release `latent` binary (skipped otherwise).
"""
import json
import os
import subprocess

import pytest

LATENT = os.environ.get("LATENT_BIN")
pytestmark = pytest.mark.skipif(
    not LATENT or not os.access(LATENT, os.X_OK),
    reason="LATENT_BIN is not set to an executable latent binary (build with `make release`)",
)

# A tiny model on 100 problems: 90 train, 6 batches of 16 per epoch, so 20 epochs are
# 120 steps — a fraction of a second even on a slow machine.
TINY = ["train", "sft", "--dim", "16", "--layers", "1", "--heads", "2", "--batch", "16",
        "--threads", "1", "--eval-limit", "5", "--n", "100", "--every", "100000"]


def run(*extra):
    proc = subprocess.run([LATENT, *TINY, *extra], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_minutes_alone_run_past_twenty_epochs():
    summary = run("--minutes", "0.05")
    assert summary["epochs_seen"] > 20, summary
    assert summary["train_seconds"] >= 2.9, summary


def test_epochs_given_with_minutes_still_end_the_run():
    summary = run("--minutes", "1", "--epochs", "2")
    assert summary["steps"] == 12, summary
    assert summary["train_seconds"] < 30, summary


def test_bad_epochs_are_refused():
    proc = subprocess.run([LATENT, *TINY, "--epochs", "0"], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "--epochs must be a positive number" in proc.stderr

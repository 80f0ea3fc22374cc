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


def test_sft_defaults_mirror_the_language():
    """`train sft` batches 16 sequences by default, as `sft` does (64 was the worst measured)."""
    proc = subprocess.run([LATENT, "train", "sft", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert "--batch <batch>" in proc.stdout and "(default: 16)" in proc.stdout.split("--batch <batch>")[1].split("--")[0]
    assert "--no-reversed-numbers" in proc.stdout


def test_distill_then_rl_from_the_command_line(tmp_path):
    """`train distill` (recipes as the language's distill) from a `train sft` checkpoint, then
    `train rl` from its latent checkpoint, each by an optimizer-step budget."""
    teacher, student = tmp_path / "teacher", tmp_path / "student"
    run("--max-steps", "3", "--save", str(teacher))
    common = ["--threads", "1", "--eval-limit", "4", "--every", "100000", "--warmup", "1"]
    proc = subprocess.run([LATENT, "train", "distill", "--from", str(teacher), "--n", "100", "--max-steps", "2",
                           "--latent", "2", "--save", str(student), *common],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["recipe"] == "stepwise" and summary["steps"] == 2, summary
    assert summary["settings"]["batch"] == 4 and summary["settings"]["step_align"] == "chunks", summary
    assert (student / "model.safetensors").exists()
    # An option given overrides its recipe's value.
    proc = subprocess.run([LATENT, "train", "distill", "--from", str(teacher), "--n", "100", "--max-steps", "1",
                           "--recipe", "codi", "--batch", "8", "--latent", "1", *common],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    codi = json.loads(proc.stdout)
    assert codi["settings"]["batch"] == 8 and codi["settings"]["weight"] == 20 and codi["settings"]["step_weight"] == 0, codi
    proc = subprocess.run([LATENT, "train", "rl", "--from", str(student), "--n", "40", "--max-steps", "1", "--prompts", "1",
                           "--group", "2", "--max-new", "4", *common],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    rl = json.loads(proc.stdout)
    assert rl["recipe"] == "adaptive" and rl["steps"] == 1 and rl["settings"]["head_lr"] == 100, rl


def test_the_old_steps_option_of_rl_is_refused(tmp_path):
    proc = subprocess.run([LATENT, "train", "rl", "--from", str(tmp_path), "--steps", "5"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "--steps" in proc.stderr

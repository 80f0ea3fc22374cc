"""`latent reproduce` on its tiny configuration (the hidden `--tiny`: the pipeline's shape in
seconds-long stages, not its results).

- Killed with SIGKILL while distillation runs, the same command resumes: the finished stages
  (teacher, No-CoT, results-only) are kept untouched (same bytes, same modification times), the
  rest is run, and the results and report have the structure of an uninterrupted run's.
- A changed option on the same directory is refused without touching it.
- report.html names nothing outside itself, and renders in headless Chromium with every plot
  visible (see test_reproduce_browser.py).
"""
from __future__ import annotations

import json
import os
import pathlib
import re
import signal
import subprocess
import threading
import time

import pytest

LATENT_BIN = os.environ.get("LATENT_BIN")
if not LATENT_BIN:
    pytest.skip("LATENT_BIN is not set (the path of a built latent binary)", allow_module_level=True)

KEPT_STAGES = ("teacher", "nocot", "results-only")
TIMEOUT = 600


def reproduce(out: pathlib.Path, *extra: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([LATENT_BIN, "reproduce", "--tiny", "--threads", "1", "--out", str(out), *extra],
                          capture_output=True, text=True, timeout=TIMEOUT)
    if check:
        assert done.returncode == 0, f"exit {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    return done


def snapshot(folder: pathlib.Path) -> dict[str, tuple[int, int]]:
    """Every file under `folder`: (modification time in ns, size)."""
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.rglob("*")) if p.is_file()}


def shape(value):
    """The structure of a JSON value: keys and list lengths, not the numbers in it."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items() if k not in ("commands", "seconds")}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return type(value).__name__ if not isinstance(value, (int, float)) else "number"


def headings(html: str) -> list[str]:
    return re.findall(r"<h[123]>(.*?)</h[123]>", html)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> pathlib.Path:
    """An uninterrupted tiny run."""
    out = tmp_path_factory.mktemp("reproduce") / "reference"
    reproduce(out)
    return out


@pytest.fixture(scope="module")
def resumed(tmp_path_factory) -> tuple[pathlib.Path, dict, str]:
    """A tiny run killed with SIGKILL during distillation, then run again to the end.

    Returns the directory, the snapshot of the kept stages before the second run, and the
    second run's standard error.
    """
    out = tmp_path_factory.mktemp("reproduce") / "resumed"
    process = subprocess.Popen([LATENT_BIN, "reproduce", "--tiny", "--threads", "1", "--out", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    seen: list[str] = []
    distilling = threading.Event()

    def watch():
        for line in process.stdout:
            seen.append(line)
            # The progress display of distill: the stage has loaded its model and is training.
            if line.startswith("distill ") and "steps" in line:
                distilling.set()

    threading.Thread(target=watch, daemon=True).start()
    assert distilling.wait(TIMEOUT), "distillation never started:\n" + "".join(seen)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert not (out / "latent-s0" / "done.json").exists(), "the distillation finished before the kill: the test proves nothing"
    for stage in KEPT_STAGES:
        assert (out / stage / "done.json").exists(), f"{stage} had not finished before the kill"
    before = {stage: snapshot(out / stage) for stage in KEPT_STAGES}
    scripts = {stage: (out / f"{stage}.lat").stat().st_mtime_ns for stage in KEPT_STAGES}
    time.sleep(0.05)  # a rewrite would show in the modification times
    second = reproduce(out)
    for stage in KEPT_STAGES:
        assert snapshot(out / stage) == before[stage], f"{stage}: its files changed on resume"
        assert (out / f"{stage}.lat").stat().st_mtime_ns == scripts[stage], f"{stage}.lat was rewritten"
    return out, before, second.stderr


def test_resume_keeps_the_finished_stages_and_redoes_the_killed_one(resumed):
    out, _, stderr = resumed
    for stage in KEPT_STAGES:
        assert re.search(rf"\] {re.escape(stage)}: finished earlier", stderr), stderr
    assert re.search(r"\] latent-s0: Latent-6 distillation", stderr), "the killed stage was not run again"
    for stage in ("latent-s0", "rl-s0", "evaluate-s0"):
        assert (out / stage / "done.json").exists()
    # Both runs are in the log of commands.
    assert len((out / "commands.txt").read_text().splitlines()) == 2


def test_resumed_run_has_the_structure_of_an_uninterrupted_one(resumed, reference):
    out = resumed[0]
    got, want = json.loads((out / "results.json").read_text()), json.loads((reference / "results.json").read_text())
    assert shape(got) == shape(want)
    for key in ("teacher", "nocot"):
        assert {"accuracy", "mean_length", "by_steps"} <= set(got[key])
    for key in ("latent", "rl", "by_chain"):
        assert [entry["seed"] for entry in got[key]] == [0]
        assert {"seed", "accuracy", "mean_length", "by_steps", "forced"} <= set(got[key][0])
        assert sorted(got[key][0]["forced"], key=int) == ["0", "1", "2", "3"]
    assert set(got["seconds"]) == {"teacher", "nocot", "results-only", "latent-s0", "chain3-s0", "rl-s0", "evaluate-s0"}
    # The by-chain student sits on Latent-6's frontier beside the RL point, and in the table.
    assert [c["name"] for c in got["frontier"][0]["compared"]] == ["Latent-6", "Latent-6 + RL", "by chain (3)"]
    assert got["table"][-1]["method"].startswith("Latent by chain (1 per 3 tokens)")
    assert {"cpu", "vector_extensions", "threads"} <= set(got["machine"])
    assert got["config"]["preset"] == "tiny" and got["config"]["seeds"] == [0]
    html, reference_html = (out / "report.html").read_text(), (reference / "report.html").read_text()
    assert headings(html) == headings(reference_html)
    assert html.count("<svg") == reference_html.count("<svg") >= 9


def test_changed_options_are_refused_and_leave_the_directory_alone(reference):
    before = snapshot(reference)
    for extra in (["--seeds", "1"], ["--by-step"], ["--minutes"], ["--by-chain", "0"]):
        refused = reproduce(reference, *extra, check=False)
        assert refused.returncode == 2, refused.stderr
        assert "another configuration" in refused.stderr
        setting = {"--seeds": "seeds", "--by-step": "byStep", "--minutes": "budgetKind", "--by-chain": "byChain"}[extra[0]]
        assert setting in refused.stderr, refused.stderr
    assert snapshot(reference) == before
    # Another configuration of the whole pipeline (--quick) is refused as well.
    quick = subprocess.run([LATENT_BIN, "reproduce", "--quick", "--out", str(reference)], capture_output=True, text=True, timeout=60)
    assert quick.returncode == 2 and "preset" in quick.stderr
    assert snapshot(reference) == before


def test_a_directory_of_other_files_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    refused = reproduce(tmp_path, check=False)
    assert refused.returncode == 2 and "holds no config.json" in refused.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_every_stage_script_redoes_its_stage_with_latent_run(reference, tmp_path):
    """DIR/STAGE.lat run by hand with OUT elsewhere writes what the stage wrote."""
    # The teacher and the stage after it, redone by hand into a copy of nothing but what they read.
    env = dict(os.environ, OUT=str(tmp_path))
    for stage in ("teacher", "results-only"):
        done = subprocess.run([LATENT_BIN, "run", str(reference / f"{stage}.lat")], capture_output=True, text=True,
                              timeout=TIMEOUT, env=env)
        assert done.returncode == 0, done.stderr
        assert (tmp_path / stage / "model" / "model.safetensors").exists()
        assert json.loads((tmp_path / stage / "results.json").read_text())["steps"] == \
            json.loads((reference / stage / "results.json").read_text())["steps"]


def test_report_names_nothing_outside_itself(reference):
    html = (reference / "report.html").read_text()
    assert html.startswith("<!DOCTYPE html>")
    for pattern in (r"https?:", r"<script", r"<link", r"<img", r"<iframe", r"\bsrc\s*=", r"\bhref\s*=", r"url\(", r"@import", r"//[a-z]"):
        assert not re.search(pattern, html, re.IGNORECASE), f"report.html has {pattern}"


def test_bad_options_are_clear(tmp_path):
    for extra, message in ((["--seeds", "1,x"], "--seeds"), (["--seeds", "1,1"], "twice"), (["--threads", "0"], "--threads"),
                           (["--by-chain", "-1"], "--by-chain"), (["--by-chain", "65"], "--by-chain")):
        done = reproduce(tmp_path / "x", *extra, check=False)
        assert done.returncode != 0 and message in done.stderr, done.stderr
        assert not (tmp_path / "x").exists()

"""Inputs that used to crash the process, now each a clear error in a session that keeps its
state (a script run, the REPL and the kernel), and checkpoints that survive a save killed at
any of its steps.

Every process here runs under an address-space limit (`ulimit -v`, ADDRESS_SPACE), so what
would exhaust memory meets the limit instead of the machine's other work.

Needs LATENT_BIN (a built latent binary); skipped otherwise.
"""
from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import uuid
from pathlib import Path

import pytest

LATENT_BIN = os.environ.get("LATENT_BIN", "")
if not LATENT_BIN:
    pytest.skip("LATENT_BIN is not set", allow_module_level=True)

from jupyter_client import BlockingKernelClient  # noqa: E402
from jupyter_client.connect import write_connection_file  # noqa: E402
from kernel_support import run, stdout_of  # noqa: E402
from test_repl import PROMPT, Terminal  # noqa: E402

ADDRESS_SPACE = 3 << 30


def limit_address_space():
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def latent_run(script: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([LATENT_BIN, "run", "-"], input=script, capture_output=True, text=True, errors="replace", timeout=timeout,
                          env=env, preexec_fn=limit_address_space)


def save_small_model(directory: Path, dim: int = 16):
    result = latent_run(f'save(model(arith(n: 20, seed: 1), dim: {dim}, layers: 1, heads: 2), "{directory}")')
    assert result.returncode == 0, result.stderr


def edit_config(directory: Path, change):
    path = directory / "config.json"
    config = json.loads(path.read_text())
    change(config)
    path.write_text(json.dumps(config))


@pytest.fixture(scope="module")
def crafted(tmp_path_factory) -> dict[str, Path]:
    """Model directories whose config.json says what no model can be."""
    root = tmp_path_factory.mktemp("crafted")
    dirs = {}

    def make(name, change):
        directory = root / name
        save_small_model(directory)
        edit_config(directory, change)
        dirs[name] = directory

    def max_position(config):
        config["max_position_embeddings"] = 2**62
        config["latent"]["maximumLength"] = 2**62

    def layers(config):
        config["num_hidden_layers"] = 2**40
        config["latent"]["layers"] = 2**40

    make("max_position", max_position)
    make("layers", layers)
    make("hidden_size", lambda config: config.update(hidden_size=2**33))
    return dirs


STRINGS_PAST_MEMORY = """
s = "x" * 50000000
xs = []
for i in 1...1000 { xs = xs + [s + str(i)] }
"""


def crashers(crafted) -> list[tuple[str, list[str]]]:
    """(code, fragments its error must contain): each one crashed or hung the process before."""
    return [
        (f'load_model("{crafted["max_position"]}")', ["latent.maximumLength is 4611686018427387904, above the limit of 1048576"]),
        (f'load_model("{crafted["layers"]}")', ["latent.layers is 1099511627776, above the limit of 1024"]),
        (f'load_model("{crafted["hidden_size"]}")', ['"hidden_size" is 8589934592 but the "latent" section says dimension 16']),
        ("model(arith(n: 20), dim: 2^32)", ["argument 'dim'", "4294967296, above the limit of 65536"]),
        ("model(arith(n: 20), max_length: 1e15)", ["argument 'max_length'", "1000000000000000, above the limit of 1048576"]),
        (STRINGS_PAST_MEMORY, ["ValueError", "needs about 47.7 MiB but only", "of memory is available"]),
    ]


def test_each_crasher_ends_a_script_with_a_clear_error(crafted):
    for code, fragments in crashers(crafted):
        result = latent_run(code)
        assert result.returncode == 1, f"{code!r}: exit {result.returncode}; {result.stderr[-500:]}"
        for fragment in fragments:
            assert fragment in result.stderr, f"{code!r}: {result.stderr[-800:]}"


def test_each_crasher_is_an_error_in_the_repl_which_keeps_its_names(crafted, tmp_path):
    term = Terminal(tmp_path / "history", tmp_path / "plots", address_space=ADDRESS_SPACE)
    try:
        term.read_until(PROMPT)
        term.line("x = 41")
        term.read_until(PROMPT)
        for code, fragments in crashers(crafted):
            for line in code.strip().splitlines():  # the last line is the one that fails
                term.line(line)
                seen = term.read_until(PROMPT, timeout=60).decode(errors="replace")
            for fragment in fragments:
                assert fragment in seen.replace("\r\n", "\n"), f"{code!r}: {seen[-800:]}"
        term.line("x + 1")
        term.read_until(b"42")
    finally:
        term.close()


def test_each_crasher_is_an_error_in_the_kernel_which_keeps_its_names(crafted, tmp_path):
    connection_file, _ = write_connection_file(str(tmp_path / "kernel.json"), key=uuid.uuid4().hex.encode())
    process = subprocess.Popen([LATENT_BIN, "kernel", "--connection-file", connection_file], preexec_fn=limit_address_space)
    kc = BlockingKernelClient(connection_file=connection_file)
    kc.load_connection_file()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=30)
        assert run(kc, "x = 41")[0]["status"] == "ok"
        for code, fragments in crashers(crafted):
            content = kc.execute_interactive(code, timeout=60)["content"]
            assert content["status"] == "error", code
            message = f'{content["ename"]}: {content["evalue"]}'
            for fragment in fragments:
                assert fragment in message, f"{code!r}: {message}"
        _, outputs = run(kc, "print(x + 1)")
        assert stdout_of(outputs) == "42\n"
        assert process.poll() is None
    finally:
        kc.shutdown()
        kc.stop_channels()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


# The steps of a save, in order (see DirectoryCommit): after each file is written into the new
# directory, once all are synced, after the new directory took the old one's place, and while
# the user's other files are moved over.
SAVE_STEPS = ["model.safetensors", "config.json", "tokenizer.json", "write", "swap", "cleanup"]
NEW_FROM = SAVE_STEPS.index("swap")


def parameters_of(directory: Path) -> int:
    result = latent_run(f'print(params(load_model("{directory}")))')
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


@pytest.mark.parametrize("step", SAVE_STEPS)
def test_a_save_killed_at_each_step_leaves_the_old_or_the_new_checkpoint(tmp_path, step):
    target = tmp_path / "m"
    save_small_model(target, dim=16)
    (target / "notes.txt").write_text("mine")
    old = parameters_of(target)
    killed = latent_run(f'save(model(arith(n: 20, seed: 1), dim: 32, layers: 1, heads: 2), "{target}")',
                        env={**os.environ, "LATENT_TEST_SAVE_KILL_AT": step})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    after_kill = parameters_of(target)
    assert after_kill == old if SAVE_STEPS.index(step) < NEW_FROM else after_kill != old
    # The next save settles what the killed one left: nothing beside the target, the notes kept.
    save_small_model(target, dim=24)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]
    assert (target / "notes.txt").read_text() == "mine"
    assert parameters_of(target) not in (old, after_kill)

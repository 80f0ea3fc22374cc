"""Drive the real `latent repl` through a pseudo-terminal, and `latent run` through pipes.

Needs the binary: LATENT_BIN=/path/to/latent (the Makefile's `integration` target sets it).
"""

import os
import pty
import select
import signal
import subprocess
import sys
import time

import pytest

LATENT_BIN = os.environ.get("LATENT_BIN")
pytestmark = pytest.mark.skipif(
    not LATENT_BIN or not os.access(LATENT_BIN, os.X_OK),
    reason="LATENT_BIN is not set to an executable latent binary (e.g. LATENT_BIN=.build/release/latent)",
)

PROMPT = b"latent> "
CONTINUATION = b"...> "


class Terminal:
    """`latent repl` running on a pseudo-terminal; collects everything it writes."""

    def __init__(self, history, plot_dir):
        env = dict(os.environ, LATENT_HISTORY=str(history), LATENT_PLOT_DIR=str(plot_dir), TERM="xterm",
                   LANG="C.UTF-8", LC_ALL="C.UTF-8")
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become latent repl
            try:
                os.execve(LATENT_BIN, [LATENT_BIN, "repl"], env)
            finally:
                os._exit(127)
        self.output = b""
        self.mark = 0  # expectations look at output after this position

    def read_until(self, needle, timeout=15.0):
        """Reads until `needle` appears after the mark; moves the mark past it."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.output.find(needle, self.mark)
            if found >= 0:
                self.mark = found + len(needle)
                if needle == PROMPT:
                    # Let the line editor finish switching the terminal to raw mode; keys that
                    # arrive within microseconds of the prompt can otherwise meet cooked mode.
                    time.sleep(0.15)
                return self.output[:self.mark]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out waiting for {needle!r}; recent output: {self.output[-600:]!r}")
            ready, _, _ = select.select([self.fd], [], [], min(remaining, 0.2))
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"the REPL exited while waiting for {needle!r}; output: {self.output[-600:]!r}")
                self.output += chunk

    def send(self, data):
        os.write(self.fd, data.encode() if isinstance(data, str) else data)

    def line(self, text):
        self.send(text + "\r")

    def wait_exit(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.pid = None
                return os.waitstatus_to_exitcode(status)
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready:
                try:
                    self.output += os.read(self.fd, 4096)
                except OSError:
                    pass
        raise AssertionError(f"the REPL did not exit; output: {self.output[-600:]!r}")

    def close(self):
        if self.pid:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None
        os.close(self.fd)


@pytest.fixture
def repl(tmp_path):
    terminals = []

    def start():
        terminal = Terminal(tmp_path / "history", tmp_path / "plots")
        terminals.append(terminal)
        terminal.read_until(PROMPT)
        return terminal

    yield start
    for terminal in terminals:
        terminal.close()


def test_evaluates_and_exits_on_ctrl_d(repl):
    term = repl()
    term.line("1 + 2 * 20")
    term.read_until(b"41")
    term.read_until(PROMPT)
    term.send("\x04")
    assert term.wait_exit() == 0


def test_tab_completion(repl):
    # The terminal redraws only what changed, so check the effect: the completed call runs.
    term = repl()
    term.send("sqr\t")
    time.sleep(0.3)
    term.line("(16)")
    term.read_until(b"4\r\n")
    term.read_until(PROMPT)
    # Names the user defined complete too.
    term.line("learning_rate = 0.25")
    term.read_until(PROMPT)
    term.send("learn\t")
    time.sleep(0.3)
    term.line(" * 4")
    term.read_until(b"1\r\n")
    term.read_until(PROMPT)
    assert b"NameError" not in term.output


def test_continuation_prompt(repl):
    term = repl()
    term.line("fn triple(a) {")
    term.read_until(CONTINUATION)
    term.line("a * 3")
    term.read_until(CONTINUATION)
    term.line("}")
    term.read_until(PROMPT)
    term.line("triple(14)")
    term.read_until(b"42")
    term.read_until(PROMPT)


def test_ctrl_c_interrupts_a_running_loop_and_the_repl_lives(repl):
    term = repl()
    term.line("n = 0")
    term.read_until(PROMPT)
    term.line("while true { n = n + 1 }")
    time.sleep(0.8)
    term.send("\x03")  # the loop never ends by itself: reaching the prompt means Ctrl-C stopped it
    term.read_until(b"Interrupted")
    term.read_until(PROMPT)
    term.line("n > 0")
    term.read_until(b"true")
    term.read_until(PROMPT)


def test_ctrl_c_at_the_prompt_clears_the_line(repl):
    term = repl()
    term.send("not_a_name_at_all")
    term.read_until(b"not_a_name_at_all")
    term.send("\x03")
    term.read_until(PROMPT)
    term.line("6 * 7")
    term.read_until(b"42")
    term.read_until(PROMPT)
    assert b"NameError" not in term.output


def test_errors_are_printed_and_the_repl_continues(repl):
    term = repl()
    term.line("1 +* 2")
    term.read_until(b"SyntaxError")
    term.read_until(PROMPT)
    term.line("undefined_thing")
    term.read_until(b"NameError")
    term.read_until(PROMPT)
    term.line("\"still\" + \" alive\"")
    term.read_until(b"still alive")


def test_history_persists_across_runs(repl, tmp_path):
    first = repl()
    first.line("remembered = 12345")
    first.read_until(PROMPT)
    first.send("\x04")
    assert first.wait_exit() == 0
    history = (tmp_path / "history").read_bytes()  # libedit's format escapes spaces as \040
    assert b"remembered" in history and b"12345" in history

    second = repl()
    second.line("remembered = 0")
    second.read_until(PROMPT)
    second.send("\x1b[A\x1b[A")  # up twice: back past this run's entry to the first run's
    second.read_until(b"12345")
    second.send("\r")
    second.read_until(PROMPT)
    second.line("remembered")
    second.read_until(b"12345\r\n")


def test_unicode_input_and_help(repl):
    term = repl()
    term.line('greeting = "h\u00e9llo \u2192 w\u00f6rld"')
    term.read_until(PROMPT)
    term.line("len(greeting)")
    term.read_until(b"13\r\n")
    term.read_until(PROMPT)
    term.line("help(len)")
    term.read_until(b"len(")
    term.read_until(PROMPT)


def test_piped_repl_reads_plain_lines():
    result = subprocess.run([LATENT_BIN, "repl"], input="x = 4\nfn sq(a) {\n a * a\n}\nsq(x)\nnope\nprint(\"end\")\n",
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    assert result.stdout == "16\nend\n"
    assert result.stderr.startswith("NameError")


def test_run_script_file(tmp_path):
    script = tmp_path / "hello.lat"
    script.write_text("total = 0\nfor i in 1...4 { total = total + i }\nprint(\"total\", total)\ntotal * 100\n")
    result = subprocess.run([LATENT_BIN, "run", str(script)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    assert result.stdout == "total 10\n"  # the final result is ignored
    assert result.stderr == ""


def test_run_script_error_exits_1(tmp_path):
    script = tmp_path / "broken.lat"
    script.write_text("print(\"before\")\nx = missing + 1\nprint(\"after\")\n")
    result = subprocess.run([LATENT_BIN, "run", str(script)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert result.stdout == "before\n"
    assert result.stderr.startswith("NameError")
    assert "missing" in result.stderr


def test_run_from_standard_input():
    result = subprocess.run([LATENT_BIN, "run", "-"], input="print(sqrt(81))\n", capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 0
    assert result.stdout == "9\n"


def test_run_missing_file_exits_1(tmp_path):
    result = subprocess.run([LATENT_BIN, "run", str(tmp_path / "nope.lat")], capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert "nope.lat" in result.stderr


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-v"]))

"""The kernel against more than one client and against hostile ones: a second client, replayed
messages, an empty key, oversized frames, interrupts racing a cell's start, and a dead parent.

Needs LATENT_BIN (a built latent binary); skipped otherwise.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest

if not os.environ.get("LATENT_BIN"):
    pytest.skip("LATENT_BIN is not set", allow_module_level=True)

import zmq  # noqa: E402
from jupyter_client import BlockingKernelClient, KernelManager  # noqa: E402
from jupyter_client.connect import write_connection_file  # noqa: E402
from jupyter_client.session import Session  # noqa: E402
from kernel_support import (  # noqa: E402,F401
    LATENT_BIN, TIMEOUT, kernel, latent_kernelspec, logged_kernel, run, stdout_of,
)


def iopub_for(kc: BlockingKernelClient, msg_id: str, timeout: float = TIMEOUT) -> list[tuple[str, dict]]:
    """The IOPub messages of one request as this client sees them, up to its idle."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = kc.get_iopub_msg(timeout=max(deadline - time.monotonic(), 0.01))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        seen.append((msg["msg_type"], msg["content"]))
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return seen
    raise AssertionError(f"no idle for {msg_id}; saw {seen}")


def execute_and_watch(sender: BlockingKernelClient, watchers: list[BlockingKernelClient], code: str):
    """Runs `code` from `sender`; returns its reply and what each watcher saw on IOPub."""
    msg_id = sender.execute(code)
    reply = sender.get_shell_msg(timeout=TIMEOUT)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = sender.get_shell_msg(timeout=TIMEOUT)
    return reply["content"], [iopub_for(w, msg_id) for w in watchers]


def assert_saw_cell(seen: list[tuple[str, dict]], text: str):
    states = [c["execution_state"] for t, c in seen if t == "status"]
    assert states == ["busy", "idle"], seen
    assert "".join(c["text"] for t, c in seen if t == "stream") == text, seen


def test_a_second_client_of_the_same_manager_is_served(kernel):
    # km.client() clones the manager's session, and jupyter_client uses the session id as the
    # ZeroMQ identity of the shell, control and stdin sockets: the second client has the first
    # one's identity (as a reloaded JupyterLab page does), and must still be answered.
    km, first = kernel
    content, _ = run(first, "x = 41\nprint(x)")
    assert content["status"] == "ok"
    second = km.client()
    assert second.session.bsession == first.session.bsession
    second.start_channels()
    try:
        second.wait_for_ready(timeout=15)
        for k in range(3):
            content, (by_second, by_first) = execute_and_watch(second, [second, first], f"x = x + 1\nprint(x)")
            assert content["status"] == "ok"
            assert_saw_cell(by_second, f"{42 + k}\n")
            assert_saw_cell(by_first, f"{42 + k}\n")
    finally:
        second.stop_channels()


def test_two_clients_with_their_own_sessions_both_execute_and_both_see_iopub(kernel):
    # jupyter console --existing, VS Code and a second notebook page connect with a session
    # of their own; both clients then run cells in turn and each sees the other's output.
    km, first = kernel
    assert run(first, "n = 0")[0]["status"] == "ok"
    second = BlockingKernelClient(connection_file=km.connection_file)
    second.load_connection_file()
    assert second.session.bsession != first.session.bsession
    second.start_channels()
    try:
        second.wait_for_ready(timeout=15)
        for k in range(3):
            sender = first if k % 2 == 0 else second
            content, (by_first, by_second) = execute_and_watch(sender, [first, second], "n = n + 1\nprint(n)")
            assert content["status"] == "ok"
            assert_saw_cell(by_first, f"{k + 1}\n")
            assert_saw_cell(by_second, f"{k + 1}\n")
    finally:
        second.stop_channels()


def raw_socket(km: KernelManager, channel: str, ctx: zmq.Context) -> zmq.Socket:
    info = km.get_connection_info()
    sock = ctx.socket(zmq.DEALER)
    sock.linger = 0
    sock.connect(f"tcp://{info['ip']}:{info[f'{channel}_port']}")
    return sock


def signed_execute(key: bytes, code: str) -> list[bytes]:
    header = json.dumps({"msg_id": uuid.uuid4().hex, "session": "replayer", "username": "u",
                         "date": "2026-12-07T00:00:00.000000Z", "msg_type": "execute_request", "version": "5.4"})
    content = json.dumps({"code": code, "silent": False, "store_history": True, "allow_stdin": False})
    dicts = [header.encode(), b"{}", b"{}", content.encode()]
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for frame in dicts:
        mac.update(frame)
    return [b"<IDS|MSG>", mac.hexdigest().encode()] + dicts


def test_a_replayed_message_is_not_executed(logged_kernel):
    km, kc, log = logged_kernel
    assert run(kc, "count = 0")[0]["status"] == "ok"
    frames = signed_execute(km.session.key, "count = count + 1")
    ctx = zmq.Context()
    try:
        first = raw_socket(km, "shell", ctx)
        first.send_multipart(frames)
        assert first.poll(TIMEOUT * 1000), "the original message got no reply"
        reply = first.recv_multipart()
        assert json.loads(reply[-1])["status"] == "ok"
        # The same frames again: on the same connection, then on a new one.
        first.send_multipart(frames)
        again = raw_socket(km, "shell", ctx)
        again.send_multipart(frames)
        assert not first.poll(1000) and not again.poll(1000), "a replayed message was answered"
    finally:
        ctx.destroy(linger=0)
    _, outputs = run(kc, "print(count)")
    assert stdout_of(outputs) == "1\n"
    replays = [line for line in log.read_text().splitlines() if "replayed message" in line]
    assert len(replays) == 2, log.read_text()[-2000:]


def start_by_hand(tmp_path, key: bytes, env: dict | None = None, **popen):
    connection_file, _ = write_connection_file(str(tmp_path / "kernel.json"), key=key)
    process = subprocess.Popen([LATENT_BIN, "kernel", "--connection-file", connection_file],
                               stderr=subprocess.PIPE, env=env, **popen)
    kc = BlockingKernelClient(connection_file=connection_file)
    kc.load_connection_file()
    kc.start_channels()
    return process, kc


def stop(process: subprocess.Popen, kc: BlockingKernelClient) -> str:
    kc.shutdown()
    kc.stop_channels()
    try:
        _, err = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
    return err.decode()


def test_an_empty_key_is_warned_about_loudly(tmp_path):
    process, kc = start_by_hand(tmp_path, key=b"")
    kc.wait_for_ready(timeout=30)
    assert run(kc, "print(1)")[0]["status"] == "ok"
    err = stop(process, kc)
    assert "WARNING" in err and "key is empty" in err, err


def peak_rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM")


# What a refused 100 MB frame may add to the kernel's peak resident memory (it adds nothing
# when libzmq drops the connection on the frame's header; the old kernel gained over 200 MB).
FRAME_GROWTH_BOUND_KIB = 32 * 1024


def test_a_100_mb_frame_is_refused_before_it_is_read(logged_kernel):
    km, kc, log = logged_kernel
    pid = km.provisioner.process.pid
    assert run(kc, "print(1)")[0]["status"] == "ok"
    before = peak_rss_kib(pid)
    ctx = zmq.Context()
    try:
        sock = raw_socket(km, "shell", ctx)
        sock.send_multipart([b"<IDS|MSG>", b"0" * 64, b"{}", b"{}", b"{}", b"x" * (100 << 20)])
        time.sleep(2)
    finally:
        ctx.destroy(linger=0)
    _, outputs = run(kc, "print(2)")
    assert stdout_of(outputs) == "2\n", "the kernel stopped answering"
    growth = peak_rss_kib(pid) - before
    assert growth < FRAME_GROWTH_BOUND_KIB, f"peak RSS grew by {growth} KiB"


@pytest.mark.parametrize("how", ["message", "signal"])
def test_an_interrupt_sent_within_a_millisecond_of_the_execute_request_stops_the_cell(kernel, how):
    # The interrupt follows the request at once (the gap, typically well under a millisecond, is
    # reported, not asserted), so it usually reaches the kernel before the cell has started.
    km, kc = kernel
    for attempt in range(10):
        start = time.perf_counter()
        msg_id = kc.execute("while true { }")
        if how == "message":
            km.interrupt_kernel()
        else:
            os.kill(km.provisioner.process.pid, signal.SIGINT)
        gap_ms = (time.perf_counter() - start) * 1000
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        assert reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "Interrupted", \
            f"attempt {attempt}: the interrupt sent {gap_ms:.3f} ms after the request was lost"
    # An interrupt while idle does not touch a cell sent after it.
    km.interrupt_kernel()
    time.sleep(0.2)
    assert run(kc, "print(3)")[0]["status"] == "ok"


PARENT = """
import os, subprocess, sys, time
child = subprocess.Popen([sys.argv[1], "kernel", "--connection-file", sys.argv[2]],
                         env={**os.environ, "JPY_PARENT_PID": str(os.getpid())})
print(child.pid, flush=True)
time.sleep(600)
"""


def test_the_kernel_exits_within_5_seconds_when_its_parent_dies(tmp_path):
    connection_file, _ = write_connection_file(str(tmp_path / "kernel.json"), key=uuid.uuid4().hex.encode())
    parent = subprocess.Popen([sys.executable, "-c", PARENT, LATENT_BIN, connection_file], stdout=subprocess.PIPE)
    kernel_pid = int(parent.stdout.readline())
    kc = BlockingKernelClient(connection_file=connection_file)
    kc.load_connection_file()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=30)
        kc.execute("while true { }")  # even a busy kernel goes
        time.sleep(0.5)
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and alive(kernel_pid):
            time.sleep(0.05)
        assert not alive(kernel_pid), "the kernel outlived its parent by 5 s"
    finally:
        kc.stop_channels()
        if alive(kernel_pid):
            os.kill(kernel_pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    """Running (a zombie waiting for init to reap it has exited)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False

"""Integration tests of the latent kernel over real ZeroMQ sockets, driven by jupyter_client.

Covers what jupyter_kernel_test does not: interrupts (message and SIGINT, also of training),
stdin round trips, live training progress, stop_on_error, silent/store_history/user_expressions,
shutdown and restart, several clients at once. Wire-level robustness, transports and the
installer are in test_kernel_wire.py.
Needs LATENT_BIN (path of a built latent binary); the kernelspec goes to a temporary prefix.
"""
from __future__ import annotations

import os
import re
import signal
import time
import uuid

import pytest

LATENT_BIN = os.environ.get("LATENT_BIN")
if not LATENT_BIN:
    pytest.skip("LATENT_BIN is not set (the path of a built latent binary)", allow_module_level=True)

from jupyter_client import BlockingKernelClient, KernelManager  # noqa: E402
from kernel_support import TIMEOUT, kernel, latent_kernelspec, run, stdout_of  # noqa: E402,F401

def test_execute_result_and_state_persist(kernel):
    _, kc = kernel
    reply, _ = run(kc, "x = 20")
    assert reply["status"] == "ok"
    reply, outputs = run(kc, "x + 22")
    assert reply["status"] == "ok"
    assert ("execute_result", {"execution_count": reply["execution_count"], "data": {"text/plain": "42"}, "metadata": {}}) in outputs


@pytest.mark.parametrize("how", ["message", "signal"])
def test_interrupting_a_long_cell(kernel, how):
    km, kc = kernel
    msg_id = kc.execute("while true { }")
    # Wait until the cell is really running (its execute_input is out).
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
            break
    time.sleep(0.3)
    # Control has its own thread: kernel_info is answered there while the cell runs (5.5).
    control_request = kc.session.msg("kernel_info_request")
    kc.control_channel.send(control_request)
    info = kc.get_control_msg(timeout=TIMEOUT)
    assert info["parent_header"]["msg_id"] == control_request["header"]["msg_id"]
    assert info["content"]["status"] == "ok" and info["content"]["protocol_version"] == "5.5"
    if how == "message":
        km.interrupt_kernel()  # kernelspec interrupt_mode "message": interrupt_request on control
    else:
        os.kill(km.provisioner.process.pid, signal.SIGINT)
    # The reply must come while the loop would still be running (it never ends on its own);
    # how fast it comes is measured by benchmarks, not asserted on a shared CI machine.
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "Interrupted"
    assert km.is_alive()
    reply, outputs = run(kc, "1 + 1")
    assert reply["status"] == "ok"
    assert any(t == "execute_result" and c["data"]["text/plain"] == "2" for t, c in outputs)


def test_sigint_while_idle_does_not_hurt(kernel):
    km, kc = kernel
    os.kill(km.provisioner.process.pid, signal.SIGINT)
    time.sleep(0.2)
    assert km.is_alive()
    reply, _ = run(kc, "2 * 3")
    assert reply["status"] == "ok"


def test_input_request_round_trip(kernel):
    _, kc = kernel
    msg_id = kc.execute('name = input("name? ")\nprint("hi " + name)', allow_stdin=True)
    request = kc.get_stdin_msg(timeout=TIMEOUT)
    assert request["msg_type"] == "input_request"
    assert request["content"] == {"prompt": "name? ", "password": False}
    assert request["parent_header"]["msg_id"] == msg_id
    kc.input("Ada")
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    assert reply["content"]["status"] == "ok"
    seen = ""
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            seen += msg["content"]["text"]
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    assert seen == "hi Ada\n"


def test_interrupt_while_waiting_for_input(kernel):
    km, kc = kernel
    msg_id = kc.execute('input("never answered? ")', allow_stdin=True)
    request = kc.get_stdin_msg(timeout=TIMEOUT)
    assert request["parent_header"]["msg_id"] == msg_id
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "Interrupted"
    result, _ = run(kc, "3 + 4")
    assert result["status"] == "ok"


def test_input_without_stdin_is_an_ioerror(kernel):
    _, kc = kernel
    reply, outputs = run(kc, 'input("name? ")', allow_stdin=False)
    assert reply["status"] == "error"
    assert reply["ename"] == "IOError"
    assert [t for t, _ in outputs] == ["error"]


TINY_MODEL = "d = arith(n: 40, seed: 1)\nm = model(d, dim: 16, layers: 1, heads: 2, seed: 1)\n"


def value_of(kc: BlockingKernelClient, expression: str) -> str:
    """The text/plain result of an expression."""
    reply, outputs = run(kc, expression)
    assert reply["status"] == "ok", reply
    return next(c["data"]["text/plain"] for t, c in outputs if t == "execute_result")


def messages_until_idle(kc: BlockingKernelClient, msg_id: str) -> list[dict]:
    """Every IOPub message (whole, with header) of one request, up to its idle."""
    seen = []
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return seen
        seen.append(msg)


STEPS_SHOWN = re.compile(r"(\d+)/(\d+) steps")


def test_training_progress_updates_one_display(kernel):
    _, kc = kernel
    # A 1.5 s time budget: several live updates before the final one on any machine.
    msg_id = kc.execute(TINY_MODEL + "r = sft(m, arith(n: 200, seed: 3), epochs: 50, batch: 8, seconds: 1.5)")
    outputs = messages_until_idle(kc, msg_id)
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    assert reply["content"]["status"] == "ok", reply["content"]
    displays = [m for m in outputs if m["msg_type"] == "display_data" and "display_id" in m["content"].get("transient", {})]
    assert len(displays) == 1, f"expected one progress display among {[m['msg_type'] for m in outputs]}"
    display_id = displays[0]["content"]["transient"]["display_id"]
    updates = [m for m in outputs if m["msg_type"] == "update_display_data"]
    assert all(u["content"]["transient"]["display_id"] == display_id for u in updates)
    live, final = updates[:-1], updates[-1]
    assert len(live) >= 3, f"only {len(live)} live updates during training"
    for update in live:
        plain = update["content"]["data"]["text/plain"]
        assert "\u2595" in plain and "\u258f" in plain, plain  # the bar's ends
        assert STEPS_SHOWN.search(plain), plain
        assert "elapsed" in plain and "ETA" in plain and "loss " in plain, plain
    done = [int(STEPS_SHOWN.search(u["content"]["data"]["text/plain"]).group(1)) for u in live]
    assert done == sorted(done) and done[-1] > done[0], done
    assert any("<svg" in u["content"]["data"].get("text/html", "") for u in live), "no live loss curve"
    assert "done" in final["content"]["data"]["text/plain"]
    # At most about 5 updates a second: the kernel stamps each message when it is made.
    dates = [u["header"]["date"] for u in live]
    gaps = [(b - a).total_seconds() for a, b in zip(dates, dates[1:])]
    assert min(gaps) >= 0.19, f"updates closer than 0.2 s: {gaps}"


def test_interrupting_training(kernel):
    km, kc = kernel
    run(kc, TINY_MODEL)
    assert value_of(kc, "m.steps") == "0"
    msg_id = kc.execute("big = arith(n: 4000, seed: 2)\nsft(m, big, epochs: 100, batch: 8)")
    shown = 0
    deadline = time.monotonic() + 60
    while shown == 0 and time.monotonic() < deadline:  # wait until training shows progress
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "update_display_data":
            found = STEPS_SHOWN.search(msg["content"]["data"]["text/plain"])
            shown = int(found.group(1)) if found else 0
    assert shown >= 1, "training showed no completed step"
    start = time.monotonic()
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    waited = time.monotonic() - start
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["ename"] == "Interrupted"
    assert waited < 2.0, f"the interrupted training cell replied after {waited:.2f} s"
    assert km.is_alive()
    # The model keeps its last completed step, and the run says it was interrupted.
    steps = int(re.search(r"interrupted after step (\d+)", reply["content"]["evalue"]).group(1))
    assert steps >= shown
    assert value_of(kc, "m.steps") == str(steps)
    assert value_of(kc, "m.last_run.steps") == str(steps)
    assert value_of(kc, "m.last_run.interrupted") == "true"
    result, _ = run(kc, "1 + 1")
    assert result["status"] == "ok"


def test_restart_gives_a_fresh_kernel(kernel):
    km, kc = kernel
    run(kc, "remembered = 1")
    old_pid = km.provisioner.process.pid
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=30)
    assert km.provisioner.process.pid != old_pid
    reply, outputs = run(kc, "remembered")
    assert reply["status"] == "error" and reply["ename"] == "NameError"


def test_shutdown_exits_cleanly():
    km = KernelManager(kernel_name="latent")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=30)
    process = km.provisioner.process
    msg_id = kc.shutdown()
    reply = kc.get_control_msg(timeout=TIMEOUT)  # jupyter_client sends shutdown on control
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"] == {"status": "ok", "restart": False}
    assert process.wait(timeout=5) == 0
    kc.stop_channels()
    km.cleanup_resources()


def test_shutdown_while_a_cell_runs(kernel):
    km, kc = kernel
    kc.execute("while true { }")
    time.sleep(0.3)
    # jupyter_client kills a kernel that has not exited after shutdown_wait_time; a long wait
    # makes a graceful shutdown (control thread answers while the shell is busy) tell apart
    # from a kill without asserting how fast the kernel is.
    km.shutdown_wait_time = 60.0
    start = time.monotonic()
    km.shutdown_kernel(now=False)
    assert not km.is_alive()
    assert time.monotonic() - start < 50


def test_two_clients_at_once(kernel):
    km, kc = kernel
    other = km.client()
    other.session.session = str(uuid.uuid4())
    other.start_channels()
    try:
        other.wait_for_ready(timeout=30)
        reply, _ = run(kc, "shared = 21")
        assert reply["status"] == "ok"
        # Both send before either reads: each gets its own reply, and IOPub reaches both.
        mine = kc.execute("shared * 2")
        theirs = other.execute("shared + 4")
        my_reply = kc.get_shell_msg(timeout=TIMEOUT)
        their_reply = other.get_shell_msg(timeout=TIMEOUT)
        assert my_reply["parent_header"]["msg_id"] == mine and my_reply["content"]["status"] == "ok"
        assert their_reply["parent_header"]["msg_id"] == theirs and their_reply["content"]["status"] == "ok"
        for client in (kc, other):
            seen = {mine: [], theirs: []}
            idle = set()
            while idle != {mine, theirs}:  # the two cells may run in either order
                msg = client.get_iopub_msg(timeout=TIMEOUT)
                parent = msg["parent_header"].get("msg_id")
                if parent not in seen:
                    continue
                if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    idle.add(parent)
                elif msg["msg_type"] == "execute_result":
                    seen[parent].append(msg["content"]["data"]["text/plain"])
            assert seen == {mine: ["42"], theirs: ["25"]}
        # Replies go only to the client that asked: neither sees an extra reply.
        time.sleep(0.2)
        assert kc.shell_channel.msg_ready() is False
        assert other.shell_channel.msg_ready() is False
    finally:
        other.stop_channels()


def test_comm_info_and_history(kernel):
    _, kc = kernel
    run(kc, "1 + 1")
    kc.comm_info()
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    assert reply["content"] == {"status": "ok", "comms": {}}
    kc.history(hist_access_type="tail", n=1, output=True, raw=True)
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    assert reply["content"]["history"][-1][2] == ["1 + 1", "2"]


def test_execute_reply_payload_for_help(kernel):
    _, kc = kernel
    reply, outputs = run(kc, "help(print)")
    assert reply["status"] == "ok"
    pages = [p for p in reply["payload"] if p["source"] == "page"]
    assert len(pages) == 1 and "print" in pages[0]["data"]["text/plain"]
    assert outputs == []


def test_stop_on_error_aborts_the_queued_requests(kernel):
    _, kc = kernel
    # The first cell waits for input, so the second request is surely queued behind it.
    first = kc.execute('go = input("go? ")\nundefined_name', allow_stdin=True)
    assert kc.get_stdin_msg(timeout=TIMEOUT)["parent_header"]["msg_id"] == first
    second = kc.execute("queued = 1")
    time.sleep(1.0)  # let the second request reach the kernel's shell socket
    kc.input("now")
    replies = {}
    for _ in range(2):
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        replies[reply["parent_header"]["msg_id"]] = reply["content"]
    assert replies[first]["status"] == "error" and replies[first]["ename"] == "NameError"
    assert replies[second]["status"] == "error" and replies[second]["ename"] == "ExecutionAborted"
    assert replies[second]["execution_count"] is None  # it never ran: front ends show no count
    reply, _ = run(kc, "queued")
    assert reply["status"] == "error" and reply["ename"] == "NameError"  # it never ran
    # Without stop_on_error a queued request runs.
    first = kc.execute('go = input("go? ")\nundefined_name', allow_stdin=True, stop_on_error=False)
    kc.get_stdin_msg(timeout=TIMEOUT)
    second = kc.execute("queued = 2")
    time.sleep(1.0)
    kc.input("now")
    replies = {}
    for _ in range(2):
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        replies[reply["parent_header"]["msg_id"]] = reply["content"]
    assert replies[first]["ename"] == "NameError" and replies[second]["status"] == "ok"


def test_silent_store_history_and_user_expressions(kernel):
    _, kc = kernel
    reply, _ = run(kc, "base = 6")
    count = reply["execution_count"]
    reply, outputs = run(kc, 'print("hidden")\nbase + 1', silent=True)
    assert reply["status"] == "ok" and outputs == [] and reply["execution_count"] == count
    reply, outputs = run(kc, "base + 2", store_history=False)
    assert reply["execution_count"] == count
    assert [c["data"]["text/plain"] for t, c in outputs if t == "execute_result"] == ["8"]
    reply, _ = run(kc, "base = 5", user_expressions={"answer": "base * 7 + 7", "broken": "nope + 1"})
    assert reply["execution_count"] == count + 1
    assert reply["user_expressions"]["answer"] == {"status": "ok", "data": {"text/plain": "42"}, "metadata": {}}
    assert reply["user_expressions"]["broken"]["status"] == "error"
    assert reply["user_expressions"]["broken"]["ename"] == "NameError"
    kc.history(hist_access_type="tail", n=3)
    inputs = [row[2] for row in kc.get_shell_msg(timeout=TIMEOUT)["content"]["history"]]
    assert inputs[-2:] == ["base = 6", "base = 5"]  # neither the silent nor the unstored cell

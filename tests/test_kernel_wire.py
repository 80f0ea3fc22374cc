"""Wire-level tests of the latent kernel: signatures, malformed frames, heartbeat, the address
and transports the connection file names (tcp and ipc), and `latent install-kernel`.

Needs LATENT_BIN (path of a built latent binary); the kernelspec goes to a temporary prefix.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import socket
import subprocess
import time
import uuid

import pytest

LATENT_BIN = os.environ.get("LATENT_BIN")
if not LATENT_BIN:
    pytest.skip("LATENT_BIN is not set (the path of a built latent binary)", allow_module_level=True)

import zmq  # noqa: E402
from jupyter_client import BlockingKernelClient, KernelManager  # noqa: E402
from jupyter_client.session import Session  # noqa: E402
from kernel_support import (  # noqa: E402,F401
    LATENT_BIN, TIMEOUT, kernel, latent_kernelspec, logged_kernel, run, stdout_of,
)

def raw_socket(km: KernelManager, channel: str, ctx: zmq.Context) -> zmq.Socket:
    info = km.get_connection_info()
    port = info[f"{channel}_port"]
    url = f"tcp://{info['ip']}:{port}" if info["transport"] == "tcp" else f"ipc://{info['ip']}-{port}"
    sock = ctx.socket(zmq.DEALER)
    sock.linger = 0
    sock.connect(url)
    return sock


def problems(log) -> list[str]:
    return [line for line in log.read_text().splitlines() if " PROBLEM " in line]


def test_badly_signed_message_is_ignored(logged_kernel):
    km, kc, log = logged_kernel
    ctx = zmq.Context()
    try:
        shell = raw_socket(km, "shell", ctx)
        forger = Session(key=b"not-the-key")
        forger.send(shell, forger.msg("execute_request", {"code": 'print("forged")', "silent": False}))
        assert shell.poll(1000) == 0, "the kernel answered a badly signed request"
        shell.close()
    finally:
        ctx.term()
    reply, outputs = run(kc, "1")
    assert reply["status"] == "ok"
    assert "forged" not in stdout_of(outputs)
    dropped = [line for line in problems(log) if "signature does not match" in line]
    assert len(dropped) == 1, problems(log)


def test_unknown_message_types_are_logged_and_ignored(logged_kernel):
    _, kc, log = logged_kernel
    unknown = kc.session.msg("frobnicate_request", {"anything": [1, 2]})
    kc.shell_channel.send(unknown)
    info_id = kc.kernel_info()
    # Shell messages from one client are served in order: the first reply must be kernel_info's.
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    assert reply["parent_header"]["msg_id"] == info_id, "the kernel answered an unknown message type"
    assert any("frobnicate_request" in line for line in problems(log)), problems(log)
    result, _ = run(kc, "1 + 2")
    assert result["status"] == "ok"


def signed_frames(key: bytes, dicts: list[bytes]) -> list[bytes]:
    """Frames with a valid HMAC around arbitrary dict frames: they get past the signature
    check, so the kernel's JSON parser and request decoder see them."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for frame in dicts:
        mac.update(frame)
    return [b"<IDS|MSG>", mac.hexdigest().encode()] + dicts


def malformed_message(rng: random.Random, key: bytes, i: int) -> list[bytes]:
    kind = i % 5
    if kind == 0:  # random frames, no delimiter (or one by chance)
        return [rng.randbytes(rng.randrange(0, 64)) for _ in range(rng.randrange(1, 9))]
    if kind == 1:  # delimiter present, garbage and too few frames after it
        frames = [rng.randbytes(rng.randrange(0, 64)) for _ in range(rng.randrange(0, 5))]
        frames.insert(rng.randrange(0, len(frames) + 1), b"<IDS|MSG>")
        return frames
    if kind == 2:  # validly signed random bytes in the four dict frames
        return signed_frames(key, [rng.randbytes(rng.randrange(0, 48)) for _ in range(4)])
    if kind == 3:  # validly signed JSON of the wrong shapes and types
        # Types whose content needs a string `code`, so every variant below is malformed.
        header = {"msg_id": str(i), "msg_type": rng.choice(["execute_request", "complete_request",
                                                             "inspect_request", "is_complete_request"])}
        bad = rng.choice([
            [json.dumps(header), "[]", "{}", "{}"],
            [json.dumps(header), "{}", "{}", json.dumps({"code": 7, "cursor_pos": "x"})],
            [json.dumps({"msg_id": 1, "msg_type": None}), "{}", "{}", "{}"],
            [json.dumps(header), "{}", "{}", "[" * 5000],
            [json.dumps(header), "{}", "{}", '"just a string"'],
            [json.dumps(header)[:-3], "{}", "{}", "{}"],
        ])
        return signed_frames(key, [frame.encode() for frame in bad])
    # validly signed JSON objects with invalid UTF-8 inside a string
    return signed_frames(key, [b'{"msg_id":"\xff\xfe","msg_type":"execute_request"}', b"{}", b"{}", b"{}"])


def test_malformed_frames_do_not_kill_the_kernel(logged_kernel):
    km, kc, log = logged_kernel
    rng = random.Random(1234)
    key = km.session.key
    ctx = zmq.Context()
    try:
        sockets = [raw_socket(km, channel, ctx) for channel in ("shell", "control", "stdin")]
        for i in range(1000):
            sockets[i % 3].send_multipart(malformed_message(rng, key, i))
        # Then a good request on each of the same connections (order is kept per connection):
        # its reply is the only thing the kernel ever sends back there.
        session = Session(key=key)
        for sock, channel in zip(sockets[:2], ("shell", "control")):
            request = session.msg("kernel_info_request")
            session.send(sock, request)
            assert sock.poll(TIMEOUT * 1000), f"no kernel_info_reply on {channel} after the garbage"
            _, reply = session.recv(sock, mode=0)
            assert reply["msg_type"] == "kernel_info_reply"
            assert reply["parent_header"]["msg_id"] == request["header"]["msg_id"], "answered a malformed message"
        for sock in sockets:
            assert sock.poll(200) == 0, "the kernel answered a malformed message"
            sock.close()
    finally:
        ctx.term()
    assert km.is_alive()
    assert kc.is_alive()
    result, _ = run(kc, "40 + 2")
    assert result["status"] == "ok"
    # Every malformed message on shell and control was dropped and logged (stdin is read only
    # while a cell waits for input, so the 333 sent there are never looked at).
    dropped = [line for line in problems(log) if "dropped a message on" in line]
    assert len(dropped) == 667, f"{len(dropped)} dropped messages logged, expected 667"
    assert any("signature" not in line for line in dropped), "no signed message reached the parser"


def test_heartbeat_answers_even_while_a_cell_runs(kernel):
    km, kc = kernel
    time.sleep(1.5)
    assert kc.hb_channel.is_beating()
    # The heartbeat has its own thread: it echoes while the shell thread is busy.
    msg_id = kc.execute("while true { }")
    time.sleep(0.3)
    info = km.get_connection_info()
    ctx = zmq.Context()
    try:
        ping = ctx.socket(zmq.REQ)
        ping.linger = 0
        ping.connect(f"tcp://{info['ip']}:{info['hb_port']}")
        for payload in (b"ping", bytes(range(256))):
            ping.send(payload)
            assert ping.poll(5000), "no heartbeat echo while a cell runs"
            assert ping.recv() == payload
        ping.close()
    finally:
        ctx.term()
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    assert reply["parent_header"]["msg_id"] == msg_id and reply["content"]["ename"] == "Interrupted"


def start(km: KernelManager) -> BlockingKernelClient:
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=30)
    return kc


CHANNELS = ("shell", "iopub", "stdin", "control", "hb")


def test_binds_only_the_address_the_connection_file_names(tmp_path):
    # jupyter_client launches kernels on 127.0.0.1 only; write the connection file by hand to
    # name another loopback address and start the kernel the way kernel.json does.
    from jupyter_client.connect import write_connection_file

    connection_file, info = write_connection_file(str(tmp_path / "kernel.json"), ip="127.0.0.2", key=uuid.uuid4().hex.encode())
    process = subprocess.Popen([LATENT_BIN, "kernel", "--connection-file", connection_file])
    kc = BlockingKernelClient(connection_file=connection_file)
    kc.load_connection_file()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=30)
        reply, outputs = run(kc, 'print("hello, world")')
        assert stdout_of(outputs) == "hello, world\n"
        for channel in CHANNELS:
            port = info[f"{channel}_port"]
            socket.create_connection(("127.0.0.2", port), timeout=5).close()
            for elsewhere in ("127.0.0.1", "127.0.0.3"):  # a wildcard bind would accept these
                with pytest.raises(ConnectionRefusedError):
                    socket.create_connection((elsewhere, port), timeout=5)
        kc.shutdown()
        assert process.wait(timeout=15) == 0
    finally:
        kc.stop_channels()
        if process.poll() is None:
            process.kill()
            process.wait()


def test_ipc_transport(tmp_path):
    km = KernelManager(kernel_name="latent", transport="ipc")
    km.connection_file = str(tmp_path / "kernel.json")
    kc = start(km)
    try:
        info = km.get_connection_info()
        assert info["transport"] == "ipc"
        for channel in CHANNELS:  # the kernel bound each channel at ip-port
            assert os.path.exists(f"{info['ip']}-{info[f'{channel}_port']}"), channel
        reply, outputs = run(kc, 'print("hello, world")\n6 * 7')
        assert reply["status"] == "ok" and stdout_of(outputs) == "hello, world\n"
        assert any(t == "execute_result" and c["data"]["text/plain"] == "42" for t, c in outputs)
        msg_id = kc.execute('input("who? ")', allow_stdin=True)
        assert kc.get_stdin_msg(timeout=TIMEOUT)["parent_header"]["msg_id"] == msg_id
        kc.input("me")
        assert kc.get_shell_msg(timeout=TIMEOUT)["content"]["status"] == "ok"
        time.sleep(1.5)
        assert kc.hb_channel.is_beating()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    assert not km.is_alive()


def installed_spec(directory) -> dict:
    spec = json.loads((directory / "kernel.json").read_text())
    for logo in ("logo-32x32.png", "logo-64x64.png", "logo-svg.svg"):
        assert (directory / logo).stat().st_size > 0, logo
    return spec


def test_install_kernel_user_prefix_and_sys_prefix(tmp_path):
    env = {**os.environ, "JUPYTER_DATA_DIR": str(tmp_path / "user")}
    env.pop("VIRTUAL_ENV", None)
    subprocess.run([LATENT_BIN, "install-kernel", "--user"], env=env, check=True, capture_output=True)
    spec = installed_spec(tmp_path / "user" / "kernels" / "latent")
    assert spec["argv"] == [os.path.realpath(LATENT_BIN), "kernel", "--connection-file", "{connection_file}"]
    assert (spec["language"], spec["display_name"], spec["interrupt_mode"], spec["kernel_protocol_version"]) == (
        "latent", "latent", "message", "5.5")

    subprocess.run([LATENT_BIN, "install-kernel", "--prefix", str(tmp_path / "p")], env=env, check=True, capture_output=True)
    assert installed_spec(tmp_path / "p" / "share" / "jupyter" / "kernels" / "latent") == spec

    venv = tmp_path / "venv"
    subprocess.run(["python3", "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run([LATENT_BIN, "install-kernel", "--sys-prefix", "--python", str(venv / "bin" / "python")],
                   env=env, check=True, capture_output=True)
    assert installed_spec(venv / "share" / "jupyter" / "kernels" / "latent") == spec

    clash = subprocess.run([LATENT_BIN, "install-kernel", "--user", "--sys-prefix"], env=env, capture_output=True, text=True)
    assert clash.returncode != 0 and "choose one of" in clash.stderr
    alone = subprocess.run([LATENT_BIN, "install-kernel", "--sys-prefix"], env=env, capture_output=True, text=True)
    assert alone.returncode != 0 and "--python" in alone.stderr

"""Shared pieces of the kernel's integration tests: the kernelspec in a temporary prefix,
kernels started through jupyter_client, and a helper that runs a cell.

Imported by tests/test_kernel_integration.py and tests/test_kernel_wire.py, which skip
themselves first when LATENT_BIN (the path of a built latent binary) is not set.
"""
from __future__ import annotations

import os
import subprocess

import pytest
from jupyter_client import BlockingKernelClient, KernelManager

LATENT_BIN = os.environ.get("LATENT_BIN", "")
TIMEOUT = 15


@pytest.fixture(scope="session", autouse=True)
def latent_kernelspec(tmp_path_factory: pytest.TempPathFactory):
    prefix = tmp_path_factory.mktemp("jupyter-prefix")
    subprocess.run([LATENT_BIN, "install-kernel", "--prefix", str(prefix)], check=True, capture_output=True)
    data = prefix / "share" / "jupyter"
    assert (data / "kernels" / "latent" / "kernel.json").is_file()
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(data) + (os.pathsep + old if old else "")
    yield data
    if old is None:
        os.environ.pop("JUPYTER_PATH", None)
    else:
        os.environ["JUPYTER_PATH"] = old


@pytest.fixture()
def kernel():
    km = KernelManager(kernel_name="latent")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=30)
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        if km.is_alive():
            km.shutdown_kernel(now=False)


@pytest.fixture()
def logged_kernel(tmp_path):
    """A kernel that logs every message and every dropped one to a file (LATENT_KERNEL_LOG)."""
    log = tmp_path / "kernel.log"
    km = KernelManager(kernel_name="latent")
    km.start_kernel(env={**os.environ, "LATENT_KERNEL_LOG": str(log)})
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=30)
    try:
        yield km, kc, log
    finally:
        kc.stop_channels()
        if km.is_alive():
            km.shutdown_kernel(now=False)


def run(kc: BlockingKernelClient, code: str, **kwargs):
    """Execute code; return (reply content, [(msg_type, content)] of its IOPub outputs)."""
    outputs = []

    def hook(msg):
        if msg["msg_type"] not in ("status", "execute_input"):
            outputs.append((msg["msg_type"], msg["content"]))

    reply = kc.execute_interactive(code, timeout=TIMEOUT, output_hook=hook, **kwargs)
    return reply["content"], outputs


def stdout_of(outputs) -> str:
    return "".join(c["text"] for t, c in outputs if t == "stream" and c["name"] == "stdout")

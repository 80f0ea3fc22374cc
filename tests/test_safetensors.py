"""safetensors interoperability between latent and Python's reference implementation.

Files written by `latent tensors demo` must load in safetensors.numpy with the same values
latent reports, files written by safetensors.numpy must load in `latent tensors show` with
equal values, and damaged or non-F32 files must be refused with a reason.
Needs LATENT_BIN = path of the release `latent` binary (skipped otherwise).
"""
import json
import os
import subprocess

import numpy as np
import pytest

safetensors_numpy = pytest.importorskip("safetensors.numpy")

LATENT = os.environ.get("LATENT_BIN")
pytestmark = pytest.mark.skipif(
    not LATENT or not os.access(LATENT, os.X_OK),
    reason="LATENT_BIN is not set to an executable latent binary (build with `make release`)",
)


def latent(*args, check=True):
    return subprocess.run([LATENT, *args], capture_output=True, text=True, check=check, timeout=60)


def show(path):
    out = latent("tensors", "show", str(path), "--json", "--all-values").stdout
    doc = json.loads(out)
    return doc["metadata"], {t["name"]: t for t in doc["tensors"]}


def test_latent_file_loads_in_python(tmp_path):
    path = tmp_path / "demo.safetensors"
    latent("tensors", "demo", str(path))
    loaded = safetensors_numpy.load_file(str(path))
    assert set(loaded) == {"demo.weight", "demo.bias", "demo.scalar", "demo.empty"}
    _, reported = show(path)
    for name, array in loaded.items():
        assert array.dtype == np.float32
        assert list(array.shape) == reported[name]["shape"]
        np.testing.assert_array_equal(array.reshape(-1), np.array(reported[name]["values"], dtype=np.float32))
    # Values with a known meaning, independent of latent's own report.
    np.testing.assert_array_equal(loaded["demo.bias"], np.arange(4, dtype=np.float32))
    assert loaded["demo.scalar"].shape == () and loaded["demo.scalar"] == np.float32(np.pi)
    assert loaded["demo.empty"].shape == (0, 2)
    with open(path, "rb") as f:
        header_len = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(header_len))
    assert header["__metadata__"] == {"producer": "latent", "seed": "7"}
    assert header_len % 8 == 0


def test_python_file_loads_in_latent(tmp_path):
    rng = np.random.default_rng(0)
    tensors = {
        "model.layers.0.weight": rng.standard_normal((5, 7)).astype(np.float32),
        "bias": rng.standard_normal(3).astype(np.float32) * 1e-20,
        "big": (rng.standard_normal((2, 2, 3)) * 1e30).astype(np.float32),
        "zero_dim": np.zeros((0,), dtype=np.float32),
    }
    path = tmp_path / "py.safetensors"
    safetensors_numpy.save_file(tensors, str(path), metadata={"format": "np", "step": "12"})
    metadata, reported = show(path)
    assert metadata == {"format": "np", "step": "12"}
    assert set(reported) == set(tensors)
    for name, array in tensors.items():
        assert reported[name]["shape"] == list(array.shape)
        np.testing.assert_array_equal(np.array(reported[name]["values"], dtype=np.float32), array.reshape(-1))
        assert reported[name]["sum"] == pytest.approx(float(array.astype(np.float64).sum()), rel=1e-6, abs=1e-30)


def test_latent_refuses_other_dtypes(tmp_path):
    path = tmp_path / "f16.safetensors"
    safetensors_numpy.save_file({"w": np.ones((2, 2), dtype=np.float16)}, str(path))
    result = latent("tensors", "show", str(path), check=False)
    assert result.returncode != 0
    assert "'w'" in result.stderr and "F16" in result.stderr and "only F32" in result.stderr


def test_latent_refuses_truncated_file(tmp_path):
    good = tmp_path / "good.safetensors"
    safetensors_numpy.save_file({"w": np.ones((4, 4), dtype=np.float32)}, str(good))
    data = good.read_bytes()
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(data[:-10])
    result = latent("tensors", "show", str(cut), check=False)
    assert result.returncode != 0
    assert "'w'" in result.stderr and "out of range" in result.stderr
    cut.write_bytes(data[:20])
    result = latent("tensors", "show", str(cut), check=False)
    assert result.returncode != 0 and "exceeds" in result.stderr

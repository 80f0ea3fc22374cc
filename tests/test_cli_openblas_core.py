"""The tool runs OpenBLAS's kernels for the CPU it is on.

OpenBLAS 0.3.21 (Debian 12) takes CPUs newer than itself (Intel Emerald Rapids, say) for
"Prescott" and runs its SSE3 kernels; `latent` then re-executes itself with OPENBLAS_CORETYPE
set (TensorCore/OpenBLASCore.swift). OPENBLAS_VERBOSE=2 makes OpenBLAS print its choice
("Core: …") each time it loads, so the last such line is the one the work runs with. On a CPU
that OpenBLAS recognises there is one line and nothing to mend. Needs LATENT_BIN.
"""
import os
import subprocess

import pytest

LATENT = os.environ.get("LATENT_BIN")
pytestmark = pytest.mark.skipif(
    not LATENT or not os.access(LATENT, os.X_OK),
    reason="LATENT_BIN is not set to an executable latent binary (build with `make release`)",
)

PRE_AVX = {"katmai", "coppermine", "northwood", "prescott", "banias", "core2", "penryn",
           "dunnington", "nehalem", "atom", "unknown"}


def cpu_flags():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


def run(env_extra, code='print(env("OPENBLAS_CORETYPE", default: "unset"))'):
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "LATENT_BLAS_CORE")}
    env.update(env_extra)
    proc = subprocess.run([LATENT, "run", "-"], input=code, capture_output=True, text=True,
                          env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    cores = [line.split(":", 1)[1].strip() for line in proc.stderr.splitlines() if line.startswith("Core:")]
    return proc.stdout.strip(), cores


def test_the_work_runs_on_kernels_for_this_cpu():
    out, cores = run({"OPENBLAS_VERBOSE": "2"})
    assert cores, "OpenBLAS printed no 'Core:' line with OPENBLAS_VERBOSE=2"
    flags = cpu_flags()
    if {"avx2", "fma"} <= flags:
        assert cores[-1].lower() not in PRE_AVX, f"OpenBLAS runs {cores} on a CPU with AVX2"
    if len(cores) > 1:  # re-executed: once, with the variable set, and the script ran once
        assert len(cores) == 2 and out == cores[-1]
    else:
        assert out == "unset"


def test_the_users_choice_stands():
    out, cores = run({"OPENBLAS_VERBOSE": "2", "OPENBLAS_CORETYPE": "Haswell"})
    assert out == "Haswell" and len(cores) == 1
    out, cores = run({"OPENBLAS_VERBOSE": "2", "LATENT_BLAS_CORE": "keep"})
    assert out == "unset" and len(cores) == 1


def test_standard_input_reaches_the_re_executed_tool():
    out, _ = run({}, code="x = 6 * 7\nprint(x)")
    assert out == "42"

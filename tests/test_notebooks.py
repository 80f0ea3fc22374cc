"""Executes every teaching notebook through nbclient with the latent kernel, in small size.

Each notebook reads LATENT_SMALL at its top and shrinks itself to run in about a minute. The
test fails on any cell error, and on a missing figure: every code cell that calls a plot
builtin must have produced an image/svg+xml output. Notebooks committed with their outputs
(COMMITTED_WITH_OUTPUTS) must have the outputs a fresh run gives: the same kinds, cell by cell.
"""
from __future__ import annotations

import os
import pathlib
import re
import subprocess

import pytest

LATENT_BIN = os.environ.get("LATENT_BIN")
if not LATENT_BIN:
    pytest.skip("LATENT_BIN is not set (the path of a built latent binary)", allow_module_level=True)

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import CellExecutionError  # noqa: E402

NOTEBOOKS = pathlib.Path(__file__).resolve().parent.parent / "notebooks"
COMMITTED_WITH_OUTPUTS = {"00-quickstart.ipynb"}
PLOT_CALL = re.compile(r"(?m)^[^#\n]*\b(hist|line|bar|scatter|heatmap|curve)\(")


@pytest.fixture(scope="module", autouse=True)
def latent_kernel(tmp_path_factory: pytest.TempPathFactory):
    """Installs the kernelspec into a temporary prefix and runs notebooks in small size."""
    prefix = tmp_path_factory.mktemp("nb-prefix")
    subprocess.run([LATENT_BIN, "install-kernel", "--prefix", str(prefix)], check=True, capture_output=True)
    saved = {k: os.environ.get(k) for k in ("JUPYTER_PATH", "LATENT_SMALL")}
    data = prefix / "share" / "jupyter"
    os.environ["JUPYTER_PATH"] = str(data) + (os.pathsep + saved["JUPYTER_PATH"] if saved["JUPYTER_PATH"] else "")
    os.environ["LATENT_SMALL"] = "1"
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def notebook_paths() -> list[pathlib.Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def test_there_are_notebooks():
    assert notebook_paths(), f"no notebooks in {NOTEBOOKS}"


def output_kinds(nb) -> list[list[tuple[str, tuple[str, ...]]]]:
    """Per code cell, its outputs as (output type, MIME types): the structure, not the numbers."""
    return [[(out["output_type"], tuple(sorted(out.get("data", {})))) for out in cell.get("outputs", [])]
            for cell in nb.cells if cell.cell_type == "code"]


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_notebook_runs_with_figures(path: pathlib.Path):
    nb = nbformat.read(path, as_version=4)
    committed = output_kinds(nb)
    client = NotebookClient(nb, kernel_name="latent", timeout=600, resources={"metadata": {"path": str(NOTEBOOKS)}})
    try:
        client.execute()
    except CellExecutionError as error:
        pytest.fail(f"{path.name}: a cell failed:\n{error}")
    missing = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not PLOT_CALL.search(cell.source):
            continue
        mimes = {mime for out in cell.get("outputs", []) for mime in out.get("data", {})}
        if "image/svg+xml" not in mimes:
            missing.append(f"cell {index}: {cell.source.splitlines()[0]}")
    assert not missing, f"{path.name}: figures missing in\n" + "\n".join(missing)
    if path.name in COMMITTED_WITH_OUTPUTS:
        assert any(committed), f"{path.name} is committed without its outputs"
        assert committed == output_kinds(nb), f"{path.name}: the committed outputs differ in kind from a fresh run's"

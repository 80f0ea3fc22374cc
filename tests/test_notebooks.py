"""Executes every teaching notebook through nbclient with the latent kernel, in small size.

Each notebook reads LATENT_SMALL at its top and shrinks itself to run in a minute or two. The
test fails on any cell error, and on a missing figure: every code cell that calls a plot
builtin (or `frontier`) must have produced an image/svg+xml output. Notebooks committed with
their outputs (COMMITTED_WITH_OUTPUTS) must have the outputs a fresh run gives: the same kinds,
cell by cell.

The notebooks hand models on through LATENT_RUNS (01 saves the teacher, 02 the Latent-6 model
that 03 and 04 start from): one temporary folder for the module, and the notebooks run in
order, so 02–04 use what the notebook before them saved. Notebook 03 also runs once on an empty
folder, where it must say that notebook 02's model is missing and train a small one itself.
"""
from __future__ import annotations

import json
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
# What each notebook printed, by name, as the module ran it (for the hand-on test).
PRINTED: dict[str, str] = {}
PLOT_CALL = re.compile(r"(?m)^[^#\n]*\b(hist|line|bar|scatter|heatmap|curve|frontier)\(")


@pytest.fixture(scope="module", autouse=True)
def latent_kernel(tmp_path_factory: pytest.TempPathFactory):
    """Installs the kernelspec into a temporary prefix and runs notebooks in small size."""
    prefix = tmp_path_factory.mktemp("nb-prefix")
    subprocess.run([LATENT_BIN, "install-kernel", "--prefix", str(prefix)], check=True, capture_output=True)
    saved = {k: os.environ.get(k) for k in ("JUPYTER_PATH", "LATENT_SMALL", "LATENT_RUNS")}
    data = prefix / "share" / "jupyter"
    os.environ["JUPYTER_PATH"] = str(data) + (os.pathsep + saved["JUPYTER_PATH"] if saved["JUPYTER_PATH"] else "")
    os.environ["LATENT_SMALL"] = "1"
    os.environ["LATENT_RUNS"] = str(tmp_path_factory.mktemp("nb-runs"))
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


def execute(path: pathlib.Path):
    """The notebook at `path`, run (in notebooks/, as JupyterLab runs it); fails the test on a cell error."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="latent", timeout=600, resources={"metadata": {"path": str(NOTEBOOKS)}})
    try:
        client.execute()
    except CellExecutionError as error:
        pytest.fail(f"{path.name}: a cell failed:\n{error}")
    return nb


def stdout_text(nb) -> str:
    return "".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                   for out in cell.get("outputs", []) if out.get("output_type") == "stream" and out.get("name") == "stdout")


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_notebook_runs_with_figures(path: pathlib.Path):
    committed = output_kinds(nbformat.read(path, as_version=4))
    nb = execute(path)
    PRINTED[path.name] = stdout_text(nb)
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


def test_notebooks_hand_their_models_on():
    """After the notebooks ran in order, each saved what the next one reads, and 02–04 found it
    (none of them printed the note of a missing model)."""
    names = ["02-distillation.ipynb", "03-learning-when-to-stop.ipynb", "04-penalty-sweep.ipynb"]
    if not all(name in PRINTED for name in ["01-latent-reasoning-from-scratch.ipynb"] + names):
        pytest.skip("runs only after notebooks 01–04 ran in this session")
    runs = pathlib.Path(os.environ["LATENT_RUNS"]) / "small"
    for name in ("teacher", "latent6", "latent6-codi", "latent6-rl"):
        assert (runs / name / "model.safetensors").is_file(), f"{name} was not saved in {runs}"
    for name in names:
        assert "is not in" not in PRINTED[name] and "has not saved" not in PRINTED[name], f"{name}:\n{PRINTED[name]}"


def test_notebook_03_trains_its_own_start_when_02_has_not_run(tmp_path, monkeypatch):
    monkeypatch.setenv("LATENT_RUNS", str(tmp_path))
    nb = execute(NOTEBOOKS / "03-learning-when-to-stop.ipynb")
    text = stdout_text(nb)
    assert "Notebook 02's model is not in " + str(tmp_path / "small" / "latent6") in text, text
    assert (tmp_path / "small" / "latent6" / "model.safetensors").is_file()
    assert (tmp_path / "small" / "latent6-rl" / "model.safetensors").is_file()


def code_text(name: str) -> str:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def full_size(text: str, pattern: str) -> str:
    """The full-size branch of `NAME = if small { … } else { FULL }` for the NAME in `pattern`."""
    m = re.search(pattern + r"\s*=\s*if small \{.*?\} else \{\s*(.*?)\s*\}\s*$", text, re.M)
    assert m, f"no `{pattern} = if small {{ … }} else {{ … }}` line"
    return m.group(1)


def budgets(text: str) -> dict[str, int]:
    record = full_size(text, "steps")
    return {k: int(v) for k, v in re.findall(r"(\w+):\s*(\d+)", record)}


def test_notebooks_at_full_size_use_the_task_and_budgets_of_latent_reproduce():
    """The notebooks' full size is `latent reproduce`'s configuration: the same task, RL prompts
    and step budgets, so their figures compare with its table."""
    shown = subprocess.run([LATENT_BIN, "reproduce", "--show-config"], check=True, capture_output=True, text=True)
    config = json.loads(shown.stdout)
    task, prompts = config["task"], config["rlPrompts"]
    arith_call = f"arith(n: {task['n']}, steps: {task['minSteps']}...{task['maxSteps']}, seed: {task['seed']})"
    prompts_call = f"arith(n: {prompts['n']}, steps: {prompts['minSteps']}...{prompts['maxSteps']}, seed: {prompts['seed']})"
    assert task["maxOperand"] == 99 and prompts["maxOperand"] == 99, "arith's default operand range changed"

    first = code_text("01-latent-reasoning-from-scratch.ipynb")
    assert full_size(first, "data") == arith_call
    assert budgets(first) == {"teacher": config["teacher"]["steps"], "nocot": config["nocot"]["steps"]}

    second = code_text("02-distillation.ipynb")
    assert full_size(second, "data") == arith_call
    b = budgets(second)
    assert (b["teacher"], b["results"], b["distill"]) == (
        config["teacher"]["steps"], config["resultsOnly"]["steps"], config["distill"]["steps"])
    assert b["codi"] * 32 == b["distill"] * 4, "codi gets the default recipe's training problems at batch 32"

    for name in ("03-learning-when-to-stop.ipynb", "04-penalty-sweep.ipynb"):
        text = code_text(name)
        assert full_size(text, "data") == arith_call, name
        assert full_size(text, "prompts") == prompts_call, name
        assert int(full_size(text, "rl_steps")) == config["rl"]["steps"], name

"""JupyterLab itself, driven in headless Chromium (selenium + Debian's chromium and chromedriver).

A JupyterLab server on a temporary folder with the latent kernel installed; the page opens
notebooks/00-quickstart.ipynb (outputs cleared, small size), runs all cells and checks that

- the progress display of `sft` was updated in place: while training, the cell shows one
  progress output whose text changes, and it ends as that one display holding the summary, not
  a stack of copies;
- every plot cell shows its SVG in the page, laid out with a real size;
- every code cell ran and none errored.

The error check is shown to fail where it should: a notebook whose second cell raises an error
is run the same way, and the error is found (in the notebook's outputs and on the page).
"""
from __future__ import annotations

import os
import pathlib
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from browser_support import headless_driver

LATENT_BIN = os.environ.get("LATENT_BIN")
if not LATENT_BIN:
    pytest.skip("LATENT_BIN is not set (the path of a built latent binary)", allow_module_level=True)
nbformat = pytest.importorskip("nbformat")

NOTEBOOKS = pathlib.Path(__file__).resolve().parent.parent / "notebooks"
QUICKSTART = "00-quickstart.ipynb"
ERRORED = "errored.ipynb"
TIMEOUT = 900

# The notebook panel in front, and its code cells (models and nodes), read through JupyterLab's API.
PANEL = "window.jupyterapp.shell.currentWidget"
CODE_CELLS = f"{PANEL}.content.widgets.filter(c => c.model.type === 'code')"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_notebook(path: pathlib.Path, sources: list[str]) -> None:
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "latent", "display_name": "latent", "language": "latent"}})
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a folder with notebook 00 (outputs cleared) and a notebook that
    errors, the latent kernel installed in a temporary prefix, LATENT_SMALL=1; every cell is
    rendered (no windowing), so the page holds every output."""
    root = tmp_path_factory.mktemp("lab")
    nb = nbformat.read(NOTEBOOKS / QUICKSTART, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, root / QUICKSTART)
    shutil.copytree(NOTEBOOKS / "images", root / "images")
    write_notebook(root / ERRORED, ['print("before")', '1 + "a"', 'print("after")'])

    prefix = tmp_path_factory.mktemp("lab-prefix")
    subprocess.run([LATENT_BIN, "install-kernel", "--prefix", str(prefix)], check=True, capture_output=True)
    settings = tmp_path_factory.mktemp("lab-settings")
    tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text('{"windowingMode": "none"}')
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, LATENT_SMALL="1", JUPYTER_PATH=str(prefix / "share" / "jupyter"),
               JUPYTER_CONFIG_DIR=str(tmp_path_factory.mktemp("lab-config")),
               JUPYTER_RUNTIME_DIR=str(tmp_path_factory.mktemp("lab-runtime")))
    log = open(root.parent / "lab.log", "wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
         f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={tmp_path_factory.mktemp('lab-workspaces')}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--allow-root"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as reply:
                if reply.status == 200:
                    break
        except OSError:
            pass
        if server.poll() is not None or time.time() > deadline:
            server.kill()
            pytest.fail("JupyterLab did not start:\n" + (root.parent / "lab.log").read_text(errors="replace")[-3000:])
        time.sleep(0.5)
    yield {"base": base, "token": token}
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture
def driver(tmp_path):
    d = headless_driver(tmp_path / "profile", width=1400, height=1000)
    yield d
    d.quit()


def wait_for(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def open_notebook(driver, lab, name) -> None:
    """Opens the notebook in JupyterLab and waits for its kernel to be ready."""
    driver.get(f"{lab['base']}/lab/tree/{name}?token={lab['token']}")
    wait_for(lambda: driver.execute_script(
        f"const p = window.jupyterapp && {PANEL};"
        " return !!(p && p.context && p.context.path.endsWith(arguments[0]) && p.sessionContext.session"
        " && p.sessionContext.session.kernel && p.sessionContext.session.kernel.status === 'idle')", name),
        120, f"{name} and its kernel")
    assert driver.execute_script(f"return {PANEL}.sessionContext.session.kernel.name") == "latent"


def sources(driver) -> list[str]:
    return driver.execute_script(f"return {CODE_CELLS}.map(c => c.model.sharedModel.getSource())")


def prompts(driver) -> list[str]:
    return driver.execute_script(f"return {CODE_CELLS}.map(c => c.node.querySelector('.jp-InputPrompt').textContent.trim())")


def run_all_and_wait(driver) -> None:
    """Runs every cell, then waits until nothing is queued or running and the kernel has been
    idle for two seconds."""
    driver.execute_script("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    wait_for(lambda: any(p != "[ ]:" for p in prompts(driver)), 60, "the cells to be queued")
    idle_since = None
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        status = driver.execute_script(f"return {PANEL}.sessionContext.session.kernel.status")
        busy = status != "idle" or any(p == "[*]:" for p in prompts(driver))
        idle_since = None if busy else (idle_since or time.time())
        if idle_since and time.time() - idle_since > 2:
            return
        time.sleep(0.25)
    pytest.fail(f"the notebook did not finish within {TIMEOUT} s; prompts: {prompts(driver)}")


def errors(driver) -> list[tuple[int, str]]:
    """(code cell index, 'ename: evalue') of every error output in the notebook's model."""
    return driver.execute_script(
        f"return {CODE_CELLS}.flatMap((c, i) => c.model.outputs.toJSON()"
        " .filter(o => o.output_type === 'error').map(o => [i, o.ename + ': ' + o.evalue]))")


def output_texts(driver, index) -> list[str]:
    return driver.execute_script(
        f"return Array.from({CODE_CELLS}[arguments[0]].node.querySelectorAll('.jp-OutputArea-output')).map(o => o.textContent)",
        index)


def test_notebook_00_runs_in_jupyterlab_with_live_progress_and_svg_plots(driver, lab):
    open_notebook(driver, lab, QUICKSTART)
    code = sources(driver)
    sft_index = next(i for i, s in enumerate(code) if "teacher_run = sft(" in s)

    # While sft trains: one progress output in its cell, whose text changes in place. A
    # MutationObserver records every state the page shows, however short-lived.
    driver.execute_script(
        f"const node = {CODE_CELLS}[arguments[0]].node; window.latentSeen = [];"
        " const record = () => { const t = Array.from(node.querySelectorAll('.jp-OutputArea-output')).map(o => o.textContent);"
        "   const last = window.latentSeen[window.latentSeen.length - 1];"
        "   if (t.length && JSON.stringify(t) !== JSON.stringify(last)) window.latentSeen.push(t); };"
        " new MutationObserver(record).observe(node, {subtree: true, childList: true, characterData: true});", sft_index)
    run_all_and_wait(driver)
    seen = driver.execute_script("return window.latentSeen")

    training = [t for t in seen if t and "steps" in t[0] and "done" not in t[0]]
    assert len(training) >= 2, f"the progress display never changed while training: {seen}"
    assert all(len(t) == 1 for t in training), f"progress was appended, not updated in place: {seen}"
    assert len({t[0] for t in training}) == len(training)
    final = output_texts(driver, sft_index)
    assert len(final) == 1 and final[0].startswith("sft: done"), f"the sft cell should end as its one summary: {final}"

    assert errors(driver) == [], "a cell errored"
    unrun = [i for i, p in enumerate(prompts(driver)) if not p.strip("[]: ").isdigit()]
    assert not unrun, f"code cells {unrun} did not run: {prompts(driver)}"

    plot_cells = [i for i, s in enumerate(code) if "curve(" in s or "bar(" in s]
    assert plot_cells
    cells = driver.execute_script(f"return {CODE_CELLS}.map(c => c.node)")
    for i in plot_cells:
        driver.execute_script("arguments[0].scrollIntoView(true)", cells[i])
        rendered = cells[i].find_elements("css selector", ".jp-RenderedSVG svg, .jp-RenderedSVG img[src^='data:image/svg+xml']")
        assert rendered, f"cell {i} ({code[i].splitlines()[0]}): no SVG in the page"
        size = rendered[-1].size
        assert rendered[-1].is_displayed() and size["width"] > 200 and size["height"] > 150, f"cell {i}: {size}"


def test_an_errored_cell_is_found_and_run_all_stops_there(driver, lab):
    open_notebook(driver, lab, ERRORED)
    run_all_and_wait(driver)
    # stop_on_error: the cell after the failed one was sent with it but never runs.
    assert output_texts(driver, 2) == [], f"the cell after the error ran: {output_texts(driver, 2)}"
    assert not prompts(driver)[2].strip("[]: ").isdigit(), prompts(driver)
    found = errors(driver)
    assert len(found) == 1 and found[0][0] == 1 and found[0][1].startswith("TypeError"), found
    page = driver.execute_script(
        f"return Array.from({CODE_CELLS}[1].node.querySelectorAll(\"[data-mime-type='application/vnd.jupyter.stderr']\"))"
        ".map(o => o.textContent).join('\\n')")
    assert "TypeError" in page, "the error is not shown on the page"

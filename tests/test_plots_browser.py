"""Render every chart kind in headless Chromium and check the picture is neither blank nor clipped.

The SVGs are the reference snapshots in Tests/PlotTests/Snapshots (the Swift snapshot tests
guarantee the current code produces exactly these bytes). When LATENT_PLOT_OUT names a folder
(written by `LATENT_PLOT_OUT=dir swift test --filter PlotTests`), its SVGs are rendered instead.

All SVGs are placed inline, with `overflow: visible`, in one page (one Chromium start), each
with a white margin around it. Anything drawn outside an SVG's own box would be clipped in a
standalone viewer; here it shows up in the margin, so the test sees it. The PNG goes to pytest's
temporary folder only.
"""

import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from browser_support import chromium_binary, read_png

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "Tests" / "PlotTests" / "Snapshots"
MARGIN = 40  # page margin around the SVG, in CSS pixels
INNER = 2  # the drawing must keep this far from the SVG's own edges


def _svg_files():
    folder = Path(os.environ["LATENT_PLOT_OUT"]) if os.environ.get("LATENT_PLOT_OUT") else SNAPSHOTS
    return sorted(folder.glob("*.svg"))


def _svg_size(svg_text):
    match = re.search(r'<svg[^>]*\swidth="(\d+)"[^>]*\sheight="(\d+)"', svg_text)
    assert match, "the SVG root has no width/height"
    return int(match.group(1)), int(match.group(2))


def _render_all(chromium, svg_paths, folder):
    """Renders every SVG into one page (one Chromium start), stacked with margins between them.

    Returns the decoded screenshot and, per SVG, (top of its region, width, height).
    """
    placed, body, top = [], [], 0
    for path in svg_paths:
        svg = path.read_text(encoding="utf-8")
        width, height = _svg_size(svg)
        body.append(f"<div style='position:absolute;left:{MARGIN}px;top:{top + MARGIN}px'>{svg}</div>")
        placed.append((top, width, height))
        top += height + 2 * MARGIN
    page_width = max(width for _, width, _ in placed) + 2 * MARGIN
    page = folder / "charts.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
        "html,body{margin:0;background:#fff} svg{display:block;overflow:visible}"
        f"</style></head><body>{''.join(body)}</body></html>",
        encoding="utf-8",
    )
    png = folder / "charts.png"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--force-device-scale-factor=1", f"--user-data-dir={folder / 'profile'}",
         f"--window-size={page_width},{top}", f"--screenshot={png}", page.as_uri()],
        check=True, capture_output=True, timeout=180,
    )
    image = read_png(png)
    assert image.shape[:2] == (top, page_width), f"screenshot is {image.shape[1]}×{image.shape[0]}, expected {page_width}×{top}"
    return image, dict(zip((p.name for p in svg_paths), placed))


@pytest.fixture(scope="module")
def chromium():
    path = chromium_binary()
    if path is None:
        pytest.skip("no chromium binary on PATH (install the Debian package 'chromium' to run this test)")
    return path


@pytest.fixture(scope="module")
def rendered(chromium, tmp_path_factory):
    return _render_all(chromium, _svg_files(), tmp_path_factory.mktemp("plots"))


@pytest.mark.parametrize("svg_path", _svg_files(), ids=lambda p: p.stem)
def test_chart_renders_inside_its_box(rendered, svg_path):
    image, placed = rendered
    top, width, height = placed[svg_path.name]
    region = image[top:top + height + 2 * MARGIN, :width + 2 * MARGIN]

    inked = region.min(axis=2) < 235  # anything clearly darker than white
    count = int(inked.sum())
    assert count > 0.02 * width * height, f"{svg_path.name} renders (nearly) blank: {count} inked pixels"

    ys, xs = np.nonzero(inked)
    left, right, top_ink, bottom = int(xs.min()), int(xs.max()), int(ys.min()), int(ys.max())
    box = (MARGIN + INNER, MARGIN + width - 1 - INNER, MARGIN + INNER, MARGIN + height - 1 - INNER)
    assert left >= box[0] and right <= box[1] and top_ink >= box[2] and bottom <= box[3], (
        f"{svg_path.name}: drawing spans x {left}…{right}, y {top_ink}…{bottom}, "
        f"but must stay inside x {box[0]}…{box[1]}, y {box[2]}…{box[3]} (it would be clipped)"
    )
    # The drawing uses its space: it reaches near all four sides (title, axes, labels).
    assert right - left > 0.7 * width and bottom - top_ink > 0.7 * height, f"{svg_path.name} drawing is unexpectedly small"


def test_every_kind_has_a_snapshot():
    names = {p.stem for p in SNAPSHOTS.glob("*.svg")}
    for kind in ("histogram", "line", "bar", "scatter", "heatmap", "curve"):
        assert kind in names, f"missing snapshot for {kind}"

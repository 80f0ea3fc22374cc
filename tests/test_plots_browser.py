"""Render every chart kind in headless Chromium and check the picture is neither blank nor clipped.

The SVGs are the reference snapshots in Tests/PlotTests/Snapshots (the Swift snapshot tests
guarantee the current code produces exactly these bytes). When LATENT_PLOT_OUT names a folder
(written by `LATENT_PLOT_OUT=dir swift test --filter PlotTests`), its SVGs are rendered instead.

Each SVG is placed inline, with `overflow: visible`, in a page with a white margin around it.
Anything drawn outside the SVG's own box would be clipped in a standalone viewer; here it shows
up in the margin, so the test sees it. PNGs go to pytest's temporary folder only.
"""

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "Tests" / "PlotTests" / "Snapshots"
MARGIN = 40  # page margin around the SVG, in CSS pixels
INNER = 2  # the drawing must keep this far from the SVG's own edges


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _svg_files():
    folder = Path(os.environ["LATENT_PLOT_OUT"]) if os.environ.get("LATENT_PLOT_OUT") else SNAPSHOTS
    return sorted(folder.glob("*.svg"))


def _read_png(path):
    """Decode an 8-bit, non-interlaced RGB or RGBA PNG into (width, height, rows of RGB tuples)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, f"unsupported PNG format {header}"
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            upper_left = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - upper_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
                predictor = left if pa <= pb and pa <= pc else (up if pb <= pc else upper_left)
                line[i] = (line[i] + predictor) & 255
        rows.append([tuple(line[x * channels:x * channels + 3]) for x in range(width)])
        previous = line
    return width, height, rows


def _svg_size(svg_text):
    match = re.search(r'<svg[^>]*\swidth="(\d+)"[^>]*\sheight="(\d+)"', svg_text)
    assert match, "the SVG root has no width/height"
    return int(match.group(1)), int(match.group(2))


def _render(chromium, svg_path, tmp_path):
    svg = svg_path.read_text(encoding="utf-8")
    width, height = _svg_size(svg)
    page = tmp_path / f"{svg_path.stem}.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
        f"html,body{{margin:0;background:#fff}} svg{{position:absolute;left:{MARGIN}px;top:{MARGIN}px;overflow:visible}}"
        f"</style></head><body>{svg}</body></html>",
        encoding="utf-8",
    )
    png = tmp_path / f"{svg_path.stem}.png"
    page_size = (width + 2 * MARGIN, height + 2 * MARGIN)
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--force-device-scale-factor=1", f"--user-data-dir={tmp_path / 'profile'}",
         f"--window-size={page_size[0]},{page_size[1]}", f"--screenshot={png}", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    return (width, height), png


@pytest.fixture(scope="module")
def chromium():
    path = _chromium()
    if path is None:
        pytest.skip("no chromium binary on PATH (install the Debian package 'chromium' to run this test)")
    return path


@pytest.mark.parametrize("svg_path", _svg_files(), ids=lambda p: p.stem)
def test_chart_renders_inside_its_box(chromium, svg_path, tmp_path):
    (width, height), png = _render(chromium, svg_path, tmp_path)
    png_width, png_height, rows = _read_png(png)
    assert (png_width, png_height) == (width + 2 * MARGIN, height + 2 * MARGIN), "screenshot has an unexpected size"

    def ink(pixel):
        return min(pixel) < 235  # anything clearly darker than white

    inked = [(x, y) for y, row in enumerate(rows) for x, pixel in enumerate(row) if ink(pixel)]
    assert len(inked) > 0.02 * width * height, f"{svg_path.name} renders (nearly) blank: {len(inked)} inked pixels"

    xs = [x for x, _ in inked]
    ys = [y for _, y in inked]
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
    box = (MARGIN + INNER, MARGIN + width - 1 - INNER, MARGIN + INNER, MARGIN + height - 1 - INNER)
    assert left >= box[0] and right <= box[1] and top >= box[2] and bottom <= box[3], (
        f"{svg_path.name}: drawing spans x {left}…{right}, y {top}…{bottom}, "
        f"but must stay inside x {box[0]}…{box[1]}, y {box[2]}…{box[3]} (it would be clipped)"
    )
    # The drawing uses its space: it reaches near all four sides (title, axes, labels).
    assert right - left > 0.7 * width and bottom - top > 0.7 * height, f"{svg_path.name} drawing is unexpectedly small"


def test_every_kind_has_a_snapshot():
    names = {p.stem for p in SNAPSHOTS.glob("*.svg")}
    for kind in ("histogram", "line", "bar", "scatter", "heatmap", "curve"):
        assert kind in names, f"missing snapshot for {kind}"

"""report.html of `latent reproduce` in headless Chromium (selenium + Debian's chromedriver):
the page loads from the file alone, every plot is an inline SVG that is laid out with a real
size and draws something, and the results table is there.
"""
from __future__ import annotations

import os
import subprocess

import pytest
from browser_support import headless_driver, inked_share

LATENT_BIN = os.environ.get("LATENT_BIN")
if not LATENT_BIN:
    pytest.skip("LATENT_BIN is not set (the path of a built latent binary)", allow_module_level=True)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("reproduce-report") / "run"
    done = subprocess.run([LATENT_BIN, "reproduce", "--tiny", "--threads", "1", "--out", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return out / "report.html"


def test_every_plot_of_the_report_is_visible(report, tmp_path):
    driver = headless_driver(tmp_path / "profile")
    try:
        driver.get(report.as_uri())
        assert "latent reproduce" in driver.title
        svgs = driver.find_elements("tag name", "svg")
        assert len(svgs) >= 9, f"only {len(svgs)} plots"
        for index, svg in enumerate(svgs):
            driver.execute_script("arguments[0].scrollIntoView(true)", svg)
            size = svg.size
            assert svg.is_displayed() and size["width"] > 200 and size["height"] > 150, f"plot {index}: {size}"
            # Drawn: axes, labels and data ink a visible share of the plot's box.
            share = inked_share(svg.screenshot_as_png)
            assert share > 0.02, f"plot {index} ({svg.find_element('tag name', 'title').get_attribute('textContent')!r}) is blank: {share:.3f}"
        headers = [th.text for th in driver.find_elements("css selector", "table")[0].find_elements("tag name", "th")]
        assert headers == ["method", "accuracy", "mean total length", "seeds"]
        # Nothing was fetched: the page's only resource is itself.
        resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        assert resources == [], resources
    finally:
        driver.quit()

"""Shared pieces of the tests that use a browser: finding Chromium and its driver, starting a
headless Chromium under selenium, and decoding the PNG screenshots it takes.

Chromium and chromedriver are Debian packages (`chromium`, `chromium-driver`, in the Makefile's
APT_PKGS); selenium is in requirements-dev.txt. A test that needs one skips when it is missing.
"""
from __future__ import annotations

import shutil
import struct
import zlib

import numpy as np
import pytest


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def headless_driver(profile, width=1280, height=1600):
    """A selenium Chrome driver on Debian's chromium and chromedriver, headless; skips the test
    when either (or selenium) is missing."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (requirements-dev.txt)")
    binary, driver_path = chromium_binary(), shutil.which("chromedriver")
    if binary is None or driver_path is None:
        pytest.skip("chromium or chromedriver is missing (Debian packages chromium, chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                 "--force-device-scale-factor=1", f"--window-size={width},{height}", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    from selenium.webdriver.chrome.service import Service
    return webdriver.Chrome(service=Service(executable_path=driver_path), options=options)


def inked_share(png):
    """The share of pixels of a PNG (a path or its bytes) clearly darker than white."""
    image = read_png(png)
    return float((image.min(axis=2) < 235).mean())


def read_png(path):
    """Decode an 8-bit, non-interlaced RGB or RGBA PNG into an array of shape (height, width, 3)."""
    data = path if isinstance(path, (bytes, bytearray)) else path.read_bytes()
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
    stride = width * channels
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, stride + 1)
    image = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:].copy()
        if kind == 1:  # Sub: running sum per channel (uint8 arithmetic wraps like the filter)
            line = line.reshape(width, channels).cumsum(axis=0, dtype=np.uint8).reshape(stride)
        elif kind == 2:  # Up
            line = line + previous
        elif kind in (3, 4):  # Average, Paeth: sequential along the row
            out, up = bytearray(line.tobytes()), previous.tobytes()
            for i in range(stride):
                left = out[i - channels] if i >= channels else 0
                upper_left = up[i - channels] if i >= channels else 0
                if kind == 3:
                    out[i] = (out[i] + (left + up[i]) // 2) & 255
                else:
                    p = left + up[i] - upper_left
                    pa, pb, pc = abs(p - left), abs(p - up[i]), abs(p - upper_left)
                    out[i] = (out[i] + (left if pa <= pb and pa <= pc else (up[i] if pb <= pc else upper_left))) & 255
            line = np.frombuffer(bytes(out), dtype=np.uint8)
        image[y] = line
        previous = line
    return image.reshape(height, width, channels)[:, :, :3]

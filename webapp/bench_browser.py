"""Browser benchmark of the app: how long a user waits, in Debian's Chromium through Playwright.

    python -m webapp.bench_browser [--out bench_browser.md] [--repeats 3] [--weights DIR | --random-weights PRESET]

Starts ``app.py`` (the shipped weights unless told otherwise) and, ``--repeats`` times with new
files each time (so that no cache answers), measures from the user's action to the answer on
the page:

* upload a 1024 px sketch -> the live preview shows it;
* upload a reference -> the swatches hold its palette;
* Colorize a 1024 px sketch -> the result is shown;
* a new hex colour in a swatch -> the live preview follows.

It prints and writes (``--out``) a markdown table of the medians against the targets, with the
machine's core count and load. A script, not a timed test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from .browser import app_server, launch_chromium

# (step, target in seconds)
TARGETS = {
    "upload a 1024 px sketch -> live preview": 0.4,
    "reference -> filled swatches": 0.6,
    "Colorize a 1024 px sketch -> result shown": 0.8,
    "new hex in a swatch -> preview": 0.3,
}
TIMEOUT_MS = 120_000


def make_sketch(path: Path, seed: int, size: int = 1024) -> Path:
    """A new line drawing (a head, a body, hair strands) that differs with ``seed``."""
    rng = np.random.default_rng(seed)
    im = Image.new("RGB", (size, size), "white")
    d = ImageDraw.Draw(im)
    c = size / 2 + rng.uniform(-40, 40, 2)
    r = size * rng.uniform(0.16, 0.2)
    d.ellipse((c[0] - r, c[1] - 1.6 * r, c[0] + r, c[1] + 0.2 * r), outline="black", width=4)
    d.rectangle((c[0] - 1.3 * r, c[1] + 0.2 * r, c[0] + 1.3 * r, size - 40), outline="black", width=4)
    for _ in range(12):
        x0, y0 = rng.uniform(c[0] - r, c[0] + r), rng.uniform(c[1] - 1.8 * r, c[1] - r)
        d.line((x0, y0, x0 + rng.uniform(-r, r), y0 + rng.uniform(0.3 * r, 1.2 * r)), fill="black", width=3)
    im.save(path)
    return path


def make_reference(path: Path, seed: int, size: int = 512) -> Path:
    """A new colour picture: a 3 x 3 grid of random flat colours."""
    rng = np.random.default_rng(10_000 + seed)
    a = np.zeros((size, size, 3), np.uint8)
    step = size // 3
    for i in range(9):
        y, x = divmod(i, 3)
        a[y * step:(y + 1) * step, x * step:(x + 1) * step] = rng.integers(0, 256, 3)
    Image.fromarray(a).save(path)
    return path


def _src(page, selector: str) -> str:
    return page.evaluate(f"() => document.querySelector('{selector}')?.getAttribute('src') || ''")


def _until_src_changes(page, selector: str, before: str) -> None:
    page.wait_for_function(f"(prev) => {{ const e = document.querySelector('{selector}');"
                           " return e && e.getAttribute('src') && e.getAttribute('src') !== prev; }",
                           arg=before, timeout=TIMEOUT_MS, polling="raf")


def run(page, tmp: Path, index: int) -> dict[str, float]:
    """One round of the four steps on ``page``; seconds per step."""
    times = {}
    steps = iter(TARGETS)
    # 1. a new sketch in the Upload tab -> the live preview
    page.get_by_role("tab", name="Upload").click()
    sketch = make_sketch(tmp / f"sketch_{index}_a.png", 2 * index)
    before = _src(page, "#preview img")
    t0 = time.perf_counter()
    page.locator("#sketch-upload input[type=file]").set_input_files(str(sketch))
    _until_src_changes(page, "#preview img", before)
    times[next(steps)] = time.perf_counter() - t0
    # 2. a new reference -> the swatches hold its palette
    text = page.locator("#palette-hex textarea").input_value()
    ref = make_reference(tmp / f"ref_{index}.png", index)
    t0 = time.perf_counter()
    page.locator("#reference input[type=file]").set_input_files(str(ref))
    page.wait_for_function("(prev) => document.querySelector('#palette-hex textarea').value !== prev",
                           arg=text, timeout=TIMEOUT_MS, polling="raf")
    times[next(steps)] = time.perf_counter() - t0
    page.wait_for_timeout(1500)  # the preview of the new palette settles
    # 3. a new 1024 px sketch, then Colorize -> the result
    sketch = make_sketch(tmp / f"sketch_{index}_b.png", 2 * index + 1)
    before = _src(page, "#preview img")
    page.locator("#sketch-upload input[type=file]").set_input_files(str(sketch))
    _until_src_changes(page, "#preview img", before)
    page.wait_for_timeout(500)
    before = _src(page, "#result img")
    t0 = time.perf_counter()
    page.locator("#colorize-btn").click()
    page.wait_for_function("(prev) => { const e = document.querySelector('#result img');"
                           " const s = document.querySelector('#status')?.innerText || '';"
                           " return e && e.getAttribute('src') !== prev && s.trim().startsWith('Done'); }",
                           arg=before, timeout=TIMEOUT_MS, polling="raf")
    times[next(steps)] = time.perf_counter() - t0
    page.wait_for_function("() => document.querySelector('#downloads a[download=\"colorized.psd\"]') !== null",
                           timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)
    # 4. a new hex colour in the background swatch (every picture has a background) -> the preview
    before = _src(page, "#preview img")
    rng = np.random.default_rng(20_000 + index)
    color = "#" + "".join(f"{v:02x}" for v in rng.integers(0, 256, 3))
    box = page.locator("#hex-0 input")
    box.fill(color)
    t0 = time.perf_counter()
    box.press("Enter")
    _until_src_changes(page, "#preview img", before)
    times[next(steps)] = time.perf_counter() - t0
    page.wait_for_timeout(1000)
    return times


def table(results: list[dict[str, float]], note: str) -> str:
    lines = ["| Step | Target (s) | Median (s) | Runs (s) | Met |", "|---|---|---|---|---|"]
    for step, target in TARGETS.items():
        runs = [r[step] for r in results]
        med = statistics.median(runs)
        lines.append(f"| {step} | ≤ {target:.1f} | {med:.2f} | {', '.join(f'{v:.2f}' for v in runs)} | "
                     f"{'yes' if med <= target else 'no'} |")
    return "\n".join(lines) + f"\n\n{note}\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=None, help="write the markdown table here")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--weights", default=None, help="weights folder (default: the shipped weights)")
    ap.add_argument("--random-weights", default=None, metavar="PRESET", help="untrained weights (a smoke run)")
    a = ap.parse_args(argv)
    if a.repeats < 1:
        ap.error("--repeats must be at least 1")
    from playwright.sync_api import sync_playwright

    app_args = (["--weights", a.weights] if a.weights else []) + \
        (["--random-weights", a.random_weights] if a.random_weights else [])
    results = []
    with tempfile.TemporaryDirectory(prefix="colorizer-bench-") as tmp, \
            app_server(app_args, env={"COLORIZER_RANDOM_WEIGHTS": None}) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url, wait_until="load")
        page.wait_for_selector("#swatch-0 button.dialog-button", timeout=TIMEOUT_MS)
        run(page, Path(tmp), 100)  # a first round warms the server up (ONNX graphs, caches); not counted
        for i in range(a.repeats):
            results.append(run(page, Path(tmp), i))
            print(f"round {i + 1}: " + ", ".join(f"{v:.2f} s" for v in results[-1].values()), flush=True)
        browser.close()
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    weights = a.weights or (f"random weights ({a.random_weights})" if a.random_weights else "the shipped weights")
    note = (f"Median of {a.repeats} rounds (new files each round, after one warm-up round), {weights}, "
            f"Chromium {CHROMIUM_NOTE} on {os.cpu_count()} CPU cores ({platform.machine()}); load average "
            f"{load[0]:.1f} at the end. Command: `python -m webapp.bench_browser"
            + (f" --repeats {a.repeats}" if a.repeats != 3 else "") + "`.")
    text = table(results, note)
    print(text)
    if a.out:
        Path(a.out).write_text(text, encoding="utf-8")
    return 0


CHROMIUM_NOTE = "(/usr/bin/chromium, headless, through Playwright)"

if __name__ == "__main__":
    sys.exit(main())

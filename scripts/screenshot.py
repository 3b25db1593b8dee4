"""Refresh docs/screenshot.png: the app on the shipped weights, an example sketch coloured.

    python scripts/screenshot.py [--sketch examples/sketches/girl.png]
                                 [--reference examples/references/character.png] [--out docs/screenshot.png]

Starts app.py on 127.0.0.1, drives Debian's /usr/bin/chromium with Playwright
(upload tab, example sketch, reference), presses Colorize, waits for the result
and saves a 1280x800 screenshot plus a narrow (420 px) one beside it.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sketch", default=str(ROOT / "examples/sketches/girl.png"))
    ap.add_argument("--reference", default=str(ROOT / "examples/references/character.png"))
    ap.add_argument("--out", default=str(ROOT / "docs/screenshot.png"))
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    env.pop("COLORIZER_RANDOM_WEIGHTS", None)
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "config", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(url, wait_until="domcontentloaded")
            page.wait_for_selector("#swatch-0 button.dialog-button", timeout=60_000)
            page.get_by_role("tab", name="Upload").click()
            page.locator("#sketch-upload input[type=file]").set_input_files(a.sketch)
            before = page.locator("#palette-hex textarea").input_value()
            page.locator("#reference input[type=file]").set_input_files(a.reference)
            # Colour only once the reference's palette is in the swatches (slow machines queue it).
            page.wait_for_function(f"() => document.querySelector('#palette-hex textarea').value !== '{before}'",
                                   timeout=60_000)
            page.wait_for_timeout(1000)
            page.locator("#colorize-btn").click()
            page.wait_for_function("() => document.querySelector('#status')?.innerText.includes('Done')",
                                   timeout=120_000)
            page.wait_for_timeout(1500)
            page.evaluate("window.scrollTo(0, 0)")
            out = Path(a.out)
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
            page.set_viewport_size({"width": 420, "height": 900})
            page.wait_for_timeout(800)
            page.screenshot(path=str(out.with_name(out.stem + "_narrow.png")), full_page=False)
            browser.close()
        print(f"wrote {out}")
        return 0
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    sys.exit(main())

"""Refresh docs/screenshot.png and docs/screenshot_narrow.png: the app with an example coloured.

    python -m webapp.screenshot [--sketch examples/sketches/girl.png]
                                 [--reference examples/references/character.png] [--out docs/screenshot.png]
                                 [--weights DIR | --random-weights PRESET] [--pins "190,70,hair;..."]

Starts app.py on 127.0.0.1 (the shipped weights unless told otherwise), drives Debian's
/usr/bin/chromium with Playwright as a user would: the example sketch in the Upload tab,
the reference (its colours fill the labelled swatches), Colorize; with semantic weights it
then clicks the result to pin regions (``--pins``: x,y,slot in the sketch's pixels, slot a
number or a name), colours again, and saves a 1280x800 screenshot plus a narrow (420 px)
one of the swatches beside it. Weights without a role head take no pins: the page says so
and the pins are skipped.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .browser import ROOT, app_server, launch_chromium
from .pins import parse_pin_list, slot_label

# Regions of examples/sketches/girl.png (384 px): the hair, the face, the shirt.
DEFAULT_PINS = "190,70,hair;150,265,skin;240,362,top"


def _wait_done(page, before: str) -> None:
    page.wait_for_function(
        "(prev) => { const img = document.querySelector('#result img');"
        " const s = document.querySelector('#status')?.innerText || '';"
        " return img && img.getAttribute('src') !== prev && s.trim().startsWith('Done'); }",
        arg=before, timeout=180_000)


def _result_src(page) -> str:
    return page.evaluate("() => document.querySelector('#result img')?.getAttribute('src') || ''")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sketch", default=str(ROOT / "examples/sketches/girl.png"))
    ap.add_argument("--reference", default=str(ROOT / "examples/references/character.png"))
    ap.add_argument("--out", default=str(ROOT / "docs/screenshot.png"))
    ap.add_argument("--weights", default=None, help="weights folder (default: the shipped weights)")
    ap.add_argument("--random-weights", default=None, metavar="PRESET", help="untrained weights, for layout checks")
    ap.add_argument("--pins", default=DEFAULT_PINS, help="x,y,slot;... clicked on the result ('' for none)")
    ap.add_argument("--full-page", action="store_true", help="also save the whole page (<out>_full.png)")
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    pins = parse_pin_list([p.split(",") for p in a.pins.split(";") if p.strip()])
    app_args = (["--weights", a.weights] if a.weights else []) + \
        (["--random-weights", a.random_weights] if a.random_weights else [])
    with app_server(app_args, env={"COLORIZER_RANDOM_WEIGHTS": None}) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(url, wait_until="load")
        page.wait_for_selector("#swatch-0 button.dialog-button", timeout=60_000)
        page.get_by_role("tab", name="Upload").click()
        page.locator("#sketch-upload input[type=file]").set_input_files(a.sketch)
        before = page.locator("#palette-hex textarea").input_value()
        page.locator("#reference input[type=file]").set_input_files(a.reference)
        # Colour only once the reference's palette is in the swatches (slow machines queue it).
        page.wait_for_function(f"() => document.querySelector('#palette-hex textarea').value !== '{before}'",
                               timeout=120_000)
        page.wait_for_timeout(1000)
        src = _result_src(page)
        page.locator("#colorize-btn").click()
        _wait_done(page, src)
        semantic = "no role head" not in page.locator("#pin-info").inner_text()
        if pins and semantic:
            img = page.locator("#result img").first
            natural = img.evaluate("e => [e.naturalWidth, e.naturalHeight]")
            for i, (x, y, slot) in enumerate(pins):
                page.locator("#pin-slot label", has_text=slot_label(slot)).first.click()
                box = img.bounding_box()
                img.click(position={"x": (x + 0.5) * box["width"] / natural[0],
                                    "y": (y + 0.5) * box["height"] / natural[1]})
                n = i + 1
                page.wait_for_function(
                    f"() => /{n} pins?\\./.test(document.querySelector('#pin-info')?.innerText || '')"
                    f" || (document.querySelector('#pin-info')?.innerText || '').includes('⚠')",
                    timeout=30_000)
            print(page.locator("#pin-info").inner_text())
            src = _result_src(page)
            page.locator("#colorize-btn").click()
            _wait_done(page, src)
        elif pins:
            print("these weights have no role head: no pins in the screenshot")
        page.wait_for_timeout(2500)  # the live preview (with the pins' markers) catches up
        page.evaluate("window.scrollTo(0, 0)")
        out = Path(a.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))
        if a.full_page:
            page.screenshot(path=str(out.with_name(out.stem + "_full.png")), full_page=True)
        page.set_viewport_size({"width": 420, "height": 900})
        page.wait_for_timeout(800)
        page.evaluate("() => { const e = document.querySelector('#swatch-card-0');"
                      " window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 12); }")
        page.wait_for_timeout(300)
        page.screenshot(path=str(out.with_name(out.stem + "_narrow.png")), full_page=False)
        browser.close()
    print(f"wrote {out}")
    return 0

if __name__ == "__main__":
    sys.exit(main())

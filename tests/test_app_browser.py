"""Drive the app in a real browser (Debian's /usr/bin/chromium through Playwright).

Draws strokes on the canvas, uploads a reference, checks that the 9 swatches
hold the reference's palette (as /extract_palette finds it), edits one swatch, colours the sketch and saves a
screenshot (to tmp; set COLORIZER_UPDATE_SCREENSHOT=1 to refresh docs/screenshot.png).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

from _app_server import ROOT, app_server  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# The reference: nine blocks of the "Sakura" preset's colours, so that extraction is exact.
REF_COLORS = ["#fff5f7", "#fbe3d6", "#f4a7bb", "#e26d8f", "#8c3a5b", "#f9d5e5", "#c2e0c6", "#6b4f4f", "#2e1f27"]
NEW_COLOR = "#1e90ff"


def _rgb_hex(style: str) -> str:
    m = re.search(r"rgb\((\d+),\s*(\d+),\s*(\d+)\)", style or "")
    assert m, f"no rgb() colour in {style!r}"
    return "#" + "".join(f"{int(v):02x}" for v in m.groups())


def _swatches(page) -> list[str]:
    return [_rgb_hex(page.locator(f"#swatch-{i} button.dialog-button").first.get_attribute("style"))
            for i in range(9)]


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    with app_server("default", log_path=tmp / "app.log") as url, sync_api.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp / "profile"), executable_path=CHROMIUM, args=ARGS, headless=True,
            viewport={"width": 1280, "height": 800})
        try:
            page = ctx.new_page()
            page.goto(url, wait_until="domcontentloaded")
            page.wait_for_selector("#swatch-0 button.dialog-button", timeout=30_000)
            yield page, tmp, url
        finally:
            ctx.close()


def _draw(page):
    brush = page.locator('#sketchpad button[aria-label="Brush"]')
    page.wait_for_timeout(800)  # the page selects the brush on load
    canvas = page.locator("#sketchpad canvas").first
    box = canvas.bounding_box()
    assert box and box["width"] > 100
    if page.get_by_text("select the draw tool to start").is_visible():
        brush.click()
        page.keyboard.press("Escape")
    cx, cy, r = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, min(box["width"], box["height"]) / 3

    def stroke(points):
        # Few mouse moves: with software rendering each move over the canvas costs ~1 s.
        page.mouse.move(*points[0])
        page.mouse.down()
        for pt in points[1:]:
            page.mouse.move(*pt)
        page.mouse.up()

    import math
    stroke([(cx + r * math.cos(t / 8 * 2 * math.pi), cy + r * 0.8 * math.sin(t / 8 * 2 * math.pi))
            for t in range(9)])                                                                   # a face
    stroke([(cx - r * 0.4, cy - r * 0.15), (cx - r * 0.1, cy - r * 0.15)])                        # eyes
    stroke([(cx + r * 0.1, cy - r * 0.15), (cx + r * 0.4, cy - r * 0.15)])
    stroke([(cx - r * 0.3, cy + r * 0.3), (cx, cy + r * 0.45), (cx + r * 0.3, cy + r * 0.3)])     # smile
    stroke([(cx - r * 0.9, cy - r * 0.5), (cx - r * 0.4, cy - r * 1.0), (cx + r * 0.4, cy - r * 1.0),
            (cx + r * 0.9, cy - r * 0.5)])                                                        # hair


def _preview_src(page) -> str | None:
    img = page.locator("#preview img")
    return img.first.get_attribute("src") if img.count() else None


def test_draw_reference_swatch_colorize(browser_page):
    page, tmp, url = browser_page
    t_start = time.perf_counter()
    _draw(page)
    print(f"drawing took {time.perf_counter() - t_start:.1f} s")
    # the live preview follows the strokes by itself
    page.wait_for_function("() => document.querySelector('#preview img') !== null", timeout=30_000)
    first_preview = _preview_src(page)
    print(f"first preview at {time.perf_counter() - t_start:.1f} s")

    ref = Image.new("RGB", (90, 90))
    d = ImageDraw.Draw(ref)
    for i, c in enumerate(REF_COLORS):
        x, y = (i % 3) * 30, (i // 3) * 30
        d.rectangle((x, y, x + 29, y + 29), fill=c)
    ref.save(tmp / "reference.png")
    # The swatches get what the API's /extract_palette finds (slot by slot with the role head
    # of the "default" preset, so not simply the 9 block colours with random weights).
    from gradio_client import Client, handle_file
    expected = Client(url, verbose=False).predict(handle_file(str(tmp / "reference.png")),
                                                   api_name="/extract_palette").split(",")
    assert set(expected) & set(REF_COLORS)
    page.locator("#reference input[type=file]").set_input_files(str(tmp / "reference.png"))
    deadline = time.time() + 30
    while _swatches(page) != expected:
        assert time.time() < deadline, f"swatches {_swatches(page)} never became {expected}"
        page.wait_for_timeout(200)
    assert page.locator("#palette-hex textarea").input_value().split(",") == expected

    print(f"reference palette in the swatches at {time.perf_counter() - t_start:.1f} s")
    # edit swatch 3 through its colour dialog's hex field
    page.locator("#swatch-2 button.dialog-button").click()
    print(f"  dialog opened at {time.perf_counter() - t_start:.1f} s")
    field = page.locator("#swatch-2 .color-picker input[type=text]")
    field.fill(NEW_COLOR)
    field.press("Enter")
    page.mouse.click(5, 5)
    print(f"  hex typed at {time.perf_counter() - t_start:.1f} s")
    page.wait_for_function(
        f"() => document.querySelector('#palette-hex textarea').value.split(',')[2] === '{NEW_COLOR}'",
        timeout=15_000)
    assert _swatches(page)[2] == NEW_COLOR
    print(f"swatch edited at {time.perf_counter() - t_start:.1f} s")
    deadline = time.time() + 30
    while _preview_src(page) == first_preview:  # the preview followed the new palette
        assert time.time() < deadline, "the preview did not update after the palette changed"
        page.wait_for_timeout(200)

    print(f"reference + swatch edit done at {time.perf_counter() - t_start:.1f} s")
    t0 = time.perf_counter()
    page.locator("#colorize-btn").click()
    page.wait_for_function("() => document.querySelector('#status')?.innerText.includes('Done')", timeout=45_000)
    page.wait_for_selector("#result img", timeout=10_000)
    print(f"colorize (512 px) round trip in the browser: {time.perf_counter() - t0:.2f} s")
    downloads = page.locator("#downloads").inner_text().replace("\n", "")
    assert "colorized.ora" in downloads and "colorized_layers.zip" in downloads, downloads

    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(500)
    shot = tmp / "screenshot.png"
    page.screenshot(path=str(shot), full_page=False)
    if os.environ.get("COLORIZER_UPDATE_SCREENSHOT") == "1":
        docs = ROOT / "docs"
        docs.mkdir(exist_ok=True)
        page.screenshot(path=str(docs / "screenshot.png"), full_page=False)
    page.set_viewport_size({"width": 420, "height": 900})
    page.wait_for_timeout(500)
    page.screenshot(path=str(tmp / "screenshot_narrow.png"), full_page=True)
    if os.environ.get("COLORIZER_SCREENSHOT_DIR"):
        out = Path(os.environ["COLORIZER_SCREENSHOT_DIR"])
        out.mkdir(parents=True, exist_ok=True)
        for name in ("screenshot.png", "screenshot_narrow.png"):
            (out / name).write_bytes((tmp / name).read_bytes())
    assert Image.open(shot).size == (1280, 800)

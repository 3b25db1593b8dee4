"""Drive the app in a real browser (Debian's /usr/bin/chromium through Playwright).

Draws strokes on the canvas, uploads a reference and checks the 9 labelled swatches
(the reference's palette as /extract_palette finds it, "· default" on the slots it
lacked), edits a swatch in its colour dialog, colours the sketch, clicks a region of the
result to pin it to the hair and sees that region take the hair colour, changes the hair
swatch in its hex box and checks that the result changes only where the hair is, and
downloads the PSD and reads its layers with psd-tools. The server's own results and slot
maps come from its test endpoint /debug_last_result. Saves screenshots to tmp (set
COLORIZER_UPDATE_SCREENSHOT=1 to refresh docs/screenshot.png). Integration tier: ``pytest -m integration tests/test_app_browser.py``.
"""

from __future__ import annotations

import math
import os
import re
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from colorizer.roles import DEFAULT_SLOT_COLORS, SLOT_LABELS

from webapp.browser import CHROMIUM, CHROMIUM_ARGS

if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

from _app_server import ROOT, app_server  # noqa: E402

pytestmark = pytest.mark.integration  # a live server and a browser

# The reference: nine blocks of the "Sakura" preset's colours, so that extraction is exact.
REF_COLORS = ["#fff5f7", "#fbe3d6", "#f4a7bb", "#e26d8f", "#8c3a5b", "#f9d5e5", "#c2e0c6", "#6b4f4f", "#2e1f27"]
NEW_COLOR = "#1e90ff"    # swatch 3 (hair), set in its colour dialog
HAIR_COLOR = "#20c060"   # then in its hex box
HAIR = 2


def _rgb_hex(style: str) -> str:
    m = re.search(r"rgb\((\d+),\s*(\d+),\s*(\d+)\)", style or "")
    assert m, f"no rgb() colour in {style!r}"
    return "#" + "".join(f"{int(v):02x}" for v in m.groups())


def _hex(rgb) -> str:
    return "#" + "".join(f"{int(v):02x}" for v in rgb[:3])


def _swatches(page) -> list[str]:
    return [_rgb_hex(page.locator(f"#swatch-{i} button.dialog-button").first.get_attribute("style"))
            for i in range(9)]


def _labels(page) -> list[str]:
    return [page.locator(f"#swatch-{i} [data-testid=block-info]").first.inner_text().strip() for i in range(9)]


def _until(cond, what: str, timeout: float = 30.0, page=None):
    deadline = time.time() + timeout
    while not cond():
        assert time.time() < deadline, what
        if page is not None:
            page.wait_for_timeout(200)
        else:
            time.sleep(0.2)


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    with app_server("default", log_path=tmp / "app.log") as url, sync_api.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1280, "height": 800}, accept_downloads=True)
        try:
            page = ctx.new_page()
            page.goto(url, wait_until="load")
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


def _colorize(page, client):
    """Press Colorize; the server's result: picture, slot map (arrays), status; and the sketch's lines."""
    before = page.evaluate("() => document.querySelector('#result img')?.getAttribute('src') || ''")
    page.locator("#colorize-btn").click()
    page.wait_for_function(
        "(prev) => { const img = document.querySelector('#result img');"
        " const s = document.querySelector('#status')?.innerText || '';"
        " return img && img.getAttribute('src') !== prev && s.trim().startsWith('Done'); }",
        arg=before, timeout=45_000)
    # the layers and downloads follow the result, written from it
    try:
        page.wait_for_function("() => document.querySelector('#downloads a[download=\"colorized.psd\"]') !== null",
                               timeout=45_000)
    except Exception:
        raise AssertionError(f"no downloads: {page.locator('#downloads').inner_text()!r}, status "
                             f"{page.locator('#status').inner_text()!r}") from None
    slots, image, lines = client.predict(api_name="/debug_last_result")
    _colorize.lines = np.asarray(Image.open(lines).convert("L"))
    return np.asarray(Image.open(image).convert("RGB")), np.asarray(Image.open(slots)), \
        page.locator("#status").inner_text()


def _interior_point(lines: np.ndarray, slots: np.ndarray) -> tuple[int, int]:
    """The pixel nearest the centre of the canvas that is far from any ink and not hair yet."""
    h, w = slots.shape
    dark = lines < 200
    ys, xs = np.mgrid[0:h, 0:w]
    ok = np.ones_like(dark)
    for dy in range(-6, 7):
        for dx in range(-6, 7):
            ok &= ~np.roll(np.roll(dark, dy, 0), dx, 1)
    d = (xs - w // 2) ** 2 + (ys - h // 2) ** 2
    d[~ok | (slots == HAIR)] = 1 << 40
    i = int(d.argmin())
    return i % w, i // w


# about a minute on two CPU cores: the drawing and four colourings at 512 px
def test_swatches_pins_layers(browser_page):
    page, tmp, url = browser_page
    from gradio_client import Client, handle_file

    client = Client(url, verbose=False)
    t_start = time.perf_counter()
    _draw(page)
    print(f"drawing took {time.perf_counter() - t_start:.1f} s")
    # the live preview follows the strokes by itself
    page.wait_for_function("() => document.querySelector('#preview img') !== null", timeout=60_000)
    first_preview = _preview_src(page)
    assert _labels(page) == list(SLOT_LABELS)

    # -- a reference fills the labelled swatches ----------------------------------------
    ref = Image.new("RGB", (90, 90))
    d = ImageDraw.Draw(ref)
    for i, c in enumerate(REF_COLORS):
        x, y = (i % 3) * 30, (i // 3) * 30
        d.rectangle((x, y, x + 29, y + 29), fill=c)
    ref.save(tmp / "reference.png")
    # The swatches get what the API's /extract_palette finds (slot by slot with the role head
    # of the "default" preset, so not simply the 9 block colours with random weights).
    expected = client.predict(handle_file(str(tmp / "reference.png")), api_name="/extract_palette").split(",")
    assert len(expected) == 9
    page.locator("#reference input[type=file]").set_input_files(str(tmp / "reference.png"))
    _until(lambda: _swatches(page) == expected, f"swatches {_swatches(page)} never became {expected}", page=page)
    assert page.locator("#palette-hex textarea").input_value().split(",") == expected
    # a slot the reference lacked holds its default colour and says so
    want = [lab + (" · default" if c == d.lower() and c not in REF_COLORS else "")
            for lab, c, d in zip(SLOT_LABELS, expected, DEFAULT_SLOT_COLORS)]
    _until(lambda: _labels(page) == want, f"labels {_labels(page)} never became {want}", page=page)
    assert [page.locator(f"#hex-{i} input").input_value() for i in range(9)] == expected
    print(f"reference palette in the labelled swatches at {time.perf_counter() - t_start:.1f} s: {_labels(page)}")

    # -- edit the hair swatch through its colour dialog ----------------------------------
    page.locator(f"#swatch-{HAIR} button.dialog-button").click()
    field = page.locator(f"#swatch-{HAIR} .color-picker input[type=text]")
    field.fill(NEW_COLOR)
    field.press("Enter")
    page.mouse.click(5, 5)
    page.wait_for_function(
        f"() => document.querySelector('#palette-hex textarea').value.split(',')[{HAIR}] === '{NEW_COLOR}'",
        timeout=15_000)
    assert _swatches(page)[HAIR] == NEW_COLOR and _labels(page)[HAIR] == "Hair"
    _until(lambda: _preview_src(page) != first_preview, "the preview did not follow the new palette", page=page)

    # flat colours without cel shading: a region's pixels are exactly its swatch (times the ink)
    page.get_by_text("Settings", exact=True).click()
    page.locator("#cel-shading input[type=checkbox]").uncheck()
    page.get_by_text("Settings", exact=True).click()

    t0 = time.perf_counter()
    img_a, slots_a, status = _colorize(page, client)
    print(f"colorize (512 px) round trip in the browser: {time.perf_counter() - t0:.2f} s")
    assert img_a.shape[:2] == slots_a.shape == (512, 512)
    downloads = page.locator("#downloads").inner_text().replace("\n", "")
    assert all(n in downloads for n in ("colorized.psd", "colorized.ora", "colorized_layers.zip")), downloads

    # -- click a region of the result: it is pinned to the hair -------------------------
    x, y = _interior_point(_colorize.lines, slots_a)
    assert _colorize.lines[y, x] == 255 and (x, y) != (0, 0)
    assert slots_a[y, x] != HAIR
    region_was = _hex(img_a[y, x])
    page.locator("#pin-slot label", has_text="Hair").first.click()
    img = page.locator("#result img").first
    box = img.bounding_box()
    natural = img.evaluate("e => [e.naturalWidth, e.naturalHeight]")
    assert natural == [512, 512] and abs(box["width"] - box["height"]) < 2, (box, natural)
    preview_before = _preview_src(page)
    img.click(position={"x": (x + 0.5) * box["width"] / natural[0], "y": (y + 0.5) * box["height"] / natural[1]})
    try:
        page.wait_for_function("() => document.querySelector('#pin-info')?.innerText.includes('1 pin')",
                               timeout=15_000)
    except Exception:
        page.screenshot(path=str(tmp / "no_pin.png"), full_page=True)
        raise AssertionError(f"no pin at ({x}, {y}): {page.locator('#pin-info').inner_text()!r}") from None
    table = page.locator("#pins-table").inner_text()
    assert "Hair" in table, table
    _until(lambda: _preview_src(page) != preview_before, "the preview did not show the pin", page=page)
    img_b, slots_b, status = _colorize(page, client)
    assert "1 pin" in status
    assert slots_b[y, x] == HAIR
    assert _hex(img_b[y, x]) == NEW_COLOR
    region = slots_b == HAIR
    print(f"pinned region at ({x}, {y}): {region_was} -> {_hex(img_b[y, x])}; hair covers {region.mean():.1%}")
    assert region_was != NEW_COLOR

    # -- change the hair swatch in its hex box: only the hair changes --------------------
    # The shown result follows by itself (redrawn from the network's cached output), and so do its downloads.
    result_before = page.evaluate("() => document.querySelector('#result img')?.getAttribute('src') || ''")
    box_field = page.locator(f"#hex-{HAIR} input")
    box_field.fill(HAIR_COLOR)
    box_field.press("Enter")
    page.wait_for_function(
        f"() => document.querySelector('#palette-hex textarea').value.split(',')[{HAIR}] === '{HAIR_COLOR}'",
        timeout=15_000)
    assert _swatches(page)[HAIR] == HAIR_COLOR
    page.wait_for_function("(prev) => document.querySelector('#result img')?.getAttribute('src') !== prev",
                           arg=result_before, timeout=45_000)
    page.wait_for_function("() => document.querySelector('#downloads a[download=\"colorized.psd\"]') !== null",
                           timeout=45_000)
    slots, image, _ = client.predict(api_name="/debug_last_result")
    img_c, slots_c = np.asarray(Image.open(image).convert("RGB")), np.asarray(Image.open(slots))
    assert _hex(img_c[y, x]) == HAIR_COLOR
    hair = (slots_b == HAIR) | (slots_c == HAIR)
    same_part = (slots_b == slots_c) & ~hair
    changed = np.abs(img_b.astype(int) - img_c.astype(int)).max(axis=-1) > 0
    flipped = ((slots_b != slots_c) & ~hair).mean()
    print(f"after the hair edit: {changed[hair].mean():.1%} of the hair changed, {changed[same_part].mean():.2%} of "
          f"the rest; {flipped:.2%} of the pixels changed part (the role head sees the palette)")
    assert changed[slots_b == HAIR].mean() > 0.8  # all but the black ink
    assert not changed[same_part].any()

    # -- the layered PSD ---------------------------------------------------------------
    link = page.locator('#downloads a[download="colorized.psd"]').first
    with page.expect_download(timeout=15_000) as dl:
        link.click()
    psd_path = tmp / "colorized.psd"
    dl.value.save_as(str(psd_path))
    from psd_tools import PSDImage

    psd = PSDImage.open(psd_path)
    layers = {layer.name: layer for layer in psd}
    assert {"Hair", "Shading", "Lines"} <= set(layers), list(layers)
    assert set(layers) - {"Colours (all)", "Shading", "Lines", "Other"} <= set(SLOT_LABELS)
    hair_layer = layers["Hair"]
    px = np.asarray(hair_layer.topil().convert("RGBA"))[y - hair_layer.top, x - hair_layer.left]
    assert px[3] == 255 and _hex(px) == HAIR_COLOR
    assert (psd.width, psd.height) == (512, 512)
    print(f"PSD layers: {list(layers)}; all done at {time.perf_counter() - t_start:.1f} s")

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


def test_layout(browser_page):
    """The preview's caption sits above the picture (never over it or its pin markers) and is whole on a
    420 px window; the Batch tab's drop zone shows its whole text. Runs on the page the test above left
    (a drawing and its preview)."""
    page, tmp, url = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("tab", name="Colorize").first.click()
    page.wait_for_function("() => document.querySelector('#preview img') !== null", timeout=30_000)
    caption = page.locator("#preview-caption")
    image = page.locator("#preview img").first
    assert caption.bounding_box()["y"] + caption.bounding_box()["height"] <= image.bounding_box()["y"] + 1
    # a narrow window: the caption is whole (not cut off), still above the picture
    page.set_viewport_size({"width": 420, "height": 900})
    page.wait_for_timeout(500)
    caption.scroll_into_view_if_needed()
    whole = caption.evaluate("e => { const p = e.querySelector('p') || e; return p.scrollWidth <= p.clientWidth + 1"
                             " && e.getBoundingClientRect().right <= window.innerWidth + 1; }")
    assert whole, "the preview's caption is cut off on a 420 px window"
    assert caption.bounding_box()["y"] + caption.bounding_box()["height"] <= image.bounding_box()["y"] + 1
    # the Batch tab's character drop zone holds its whole text
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("tab", name="Batch").first.click()
    zone = page.locator("#batch-character")
    zone.wait_for(timeout=15_000)
    cut = zone.evaluate("z => { const box = z.getBoundingClientRect(); return [...z.querySelectorAll('*')]"
                        ".filter(e => e.children.length === 0 && e.innerText && e.innerText.trim())"
                        ".some(e => { const r = e.getBoundingClientRect(); return r.height > 0 &&"
                        " (r.top < box.top - 1 || r.bottom > box.bottom + 1); }); }")
    assert not cut, "the character drop zone cuts its own text"
    page.get_by_role("tab", name="Colorize").first.click()

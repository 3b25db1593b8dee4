"""The app's named API endpoints, called with gradio_client against a live server."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PIL import Image, ImageDraw

from colorizer.options import ColorizeOptions
from colorizer.roles import DEFAULT_SLOT_COLORS

pytest.importorskip("gradio")
gradio_client = pytest.importorskip("gradio_client")
from gradio_client import Client, handle_file  # noqa: E402

from _app_server import app_server  # noqa: E402

pytestmark = pytest.mark.integration  # a live server

COLORS = ["#ff0000", "#00aa00", "#0000ff", "#ffff00", "#ff00ff", "#00ffff", "#ffffff", "#808080", "#000000"]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    log = tmp_path_factory.mktemp("app") / "app.log"
    with app_server("default", log_path=log) as url:
        yield Client(url, verbose=False)


@pytest.fixture
def files(tmp_path):
    sk = Image.new("RGB", (160, 120), "white")
    d = ImageDraw.Draw(sk)
    d.ellipse((40, 10, 120, 90), outline="black", width=3)
    d.line((20, 110, 140, 100), fill="black", width=3)
    sk.save(tmp_path / "sketch.png")
    ref = Image.new("RGB", (90, 90))
    for i, c in enumerate(COLORS):
        ImageDraw.Draw(ref).rectangle(((i % 3) * 30, (i // 3) * 30, (i % 3) * 30 + 29, (i // 3) * 30 + 29), fill=c)
    ref.save(tmp_path / "ref.png")
    Image.new("RGB", (64, 64), "white").save(tmp_path / "blank.png")
    (tmp_path / "broken.png").write_bytes(b"\x89PNG not really")
    return tmp_path


def test_named_endpoints(client):
    names = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert {"/colorize", "/extract_palette"} <= names


def test_api_defaults_are_colorize_options(client):
    """view_api's parameter defaults are ColorizeOptions()'s (size None: the weights' own)."""
    params = client.view_api(print_info=False, return_format="dict")["named_endpoints"]["/colorize"]["parameters"]
    by_name = {p["parameter_name"]: p for p in params}
    assert list(by_name)[:3] == ["sketch", "reference", "palette"]
    defaults = ColorizeOptions()
    for name in ("seed", "size", "noise_strength", "keep_lines", "flat", "cel_shading"):
        assert by_name[name]["parameter_has_default"] and by_name[name]["parameter_default"] == getattr(defaults, name)


def _photo_jpeg(path, size=(1600, 1200)):
    """A large JPEG with noisy colour fields: decoding it at draft size changes its pixels."""
    rng = np.random.default_rng(0)
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w]
    a = np.stack([(xx * 255 // w), (yy * 255 // h), ((xx + yy) * 127 // (w + h)) + 64], -1).astype(np.float32)
    a[h // 3: 2 * h // 3, w // 4: w // 2] = (230, 60, 90)
    a[h // 5: h // 2, 2 * w // 3:] = (40, 70, 200)
    a += rng.normal(0, 18, a.shape)
    Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).save(path, quality=85)
    return path


def test_extract_palette_matches_colorize_on_a_big_jpeg(client, files):
    """One extraction path: /extract_palette, /colorize and the UI's reference event agree."""
    ref = _photo_jpeg(files / "photo.jpg")
    extracted = client.predict(handle_file(str(ref)), api_name="/extract_palette")
    _, used, _ = client.predict(handle_file(str(files / "sketch.png")), handle_file(str(ref)), "", 0, 64,
                                api_name="/colorize")
    assert extracted == used
    assert len(set(extracted.split(","))) > 3
    # the UI's reference upload (gr.Image) hands the file itself to the same extraction
    ui = client.predict(handle_file(str(ref)), *([False] * 9), api_name="/reference")
    assert extracted in ui


def _from_reference(palette: str) -> bool:
    """Every colour is one of the reference's, or the default of a slot the reference lacks
    (the "default" preset has a role head: slots are filled by role, here with random weights)."""
    colors = palette.split(",")
    return len(colors) == 9 and all(c in COLORS or c == DEFAULT_SLOT_COLORS[i] for i, c in enumerate(colors))


def test_extract_palette(client, files):
    out = client.predict(handle_file(str(files / "ref.png")), api_name="/extract_palette")
    assert _from_reference(out) and set(out.split(",")) & set(COLORS)


def test_colorize_with_palette_and_reference(client, files):
    t0 = time.perf_counter()
    img, pal, seed = client.predict(handle_file(str(files / "sketch.png")), None, ",".join(COLORS), 7, 256, 1.0,
                                    False, api_name="/colorize")
    latency = time.perf_counter() - t0
    print(f"colorize at 256 px over the API: {latency:.2f} s")
    assert Image.open(img).size == (160, 120)
    assert pal.split(",") == COLORS and seed == 7
    # same seed, same palette -> same picture
    img2, _, _ = client.predict(handle_file(str(files / "sketch.png")), None, ",".join(COLORS), 7, 256, 1.0,
                                False, api_name="/colorize")
    assert Image.open(img).tobytes() == Image.open(img2).tobytes()
    img3, pal3, _ = client.predict(handle_file(str(files / "sketch.png")), handle_file(str(files / "ref.png")), "",
                                   0, 256, 0.0, True, api_name="/colorize")
    assert _from_reference(pal3)
    assert Image.open(img3).size == (160, 120)
    # flat is the 8th argument (default on): off gives the raw network's picture
    raw, _, _ = client.predict(handle_file(str(files / "sketch.png")), None, ",".join(COLORS), 7, 256, 1.0,
                               False, False, api_name="/colorize")
    assert Image.open(raw).tobytes() != Image.open(img).tobytes()


@pytest.mark.parametrize("case, expected", [
    ("blank", "no dark lines"),
    ("broken", "not a picture"),
    ("badhex", "not a colour"),
    ("size", "size must be"),
])
def test_bad_input_gives_clear_error(client, files, case, expected):
    sketch = handle_file(str(files / ("blank.png" if case == "blank" else
                                       "broken.png" if case == "broken" else "sketch.png")))
    palette = "#12345g,#000" if case == "badhex" else ""
    size = 5000 if case == "size" else 256
    with pytest.raises(Exception) as e:
        client.predict(sketch, None, palette, 0, size, 1.0, False, api_name="/colorize")
    assert expected in str(e.value).lower()


def test_colorize_with_hints(client, files):
    """hints (JSON [[x, y, slot], ...]) is an optional argument, before the optional matches: a pin
    sets its region's colour."""
    params = client.view_api(print_info=False, return_format="dict")["named_endpoints"]["/colorize"]["parameters"]
    assert [p["parameter_name"] for p in params[-2:]] == ["hints", "matches"]
    assert all(p["parameter_has_default"] for p in params[-2:])
    sketch = handle_file(str(files / "sketch.png"))
    pal = ",".join(COLORS)
    plain, _, _ = client.predict(sketch, None, pal, 0, 128, 1.0, True, True, False, api_name="/colorize")
    inside = (80, 50)  # inside the sketch's circle
    for slot in (0, 5):
        img, _, _ = client.predict(sketch, None, pal, 0, 128, 1.0, True, True, False, f"[[80, 50, {slot}]]",
                                   api_name="/colorize")
        rgb = np.asarray(Image.open(img).convert("RGB"))[inside[1], inside[0]]
        assert "#%02x%02x%02x" % tuple(rgb) == COLORS[slot]
    # an empty hint list is the older call
    same, _, _ = client.predict(sketch, None, pal, 0, 128, 1.0, True, True, False, "[]", api_name="/colorize")
    assert Image.open(same).tobytes() == Image.open(plain).tobytes()
    for bad, expected in [("[[500, 50, 2]]", "outside"), ("[[80, 50]]", "hint 0"), ("nope", "json list")]:
        with pytest.raises(Exception) as e:
            client.predict(sketch, None, pal, 0, 128, 1.0, True, True, False, bad, api_name="/colorize")
        assert expected in str(e.value).lower()


def test_output_folder_is_removed_when_the_server_stops(tmp_path):
    """The app's /tmp/colorizer-app-* folder goes with the server (stopped by SIGTERM, as the tests do)."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    with app_server("tiny", env={"TMPDIR": str(tmp)}) as url:
        Client(url, verbose=False).predict(handle_file(str(_circle(tmp_path))), api_name="/extract_palette")
        assert list(tmp.glob("colorizer-app-*"))
    assert not list(tmp.glob("colorizer-app-*"))


def _circle(folder):
    im = Image.new("RGB", (64, 64), "white")
    ImageDraw.Draw(im).ellipse((8, 8, 56, 56), fill="#ff0000", outline="black", width=2)
    im.save(folder / "circle.png")
    return folder / "circle.png"

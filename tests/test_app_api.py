"""The app's named API endpoints, called with gradio_client against a live server."""

from __future__ import annotations

import time

import pytest
from PIL import Image, ImageDraw

pytest.importorskip("gradio")
gradio_client = pytest.importorskip("gradio_client")
from gradio_client import Client, handle_file  # noqa: E402

from _app_server import app_server  # noqa: E402

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


def test_extract_palette(client, files):
    out = client.predict(handle_file(str(files / "ref.png")), api_name="/extract_palette")
    assert sorted(out.split(",")) == sorted(COLORS)


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
    assert sorted(pal3.split(",")) == sorted(COLORS)
    assert Image.open(img3).size == (160, 120)
    # flat is the 8th argument (default on): off gives the raw network's picture
    raw, _, _ = client.predict(handle_file(str(files / "sketch.png")), None, ",".join(COLORS), 7, 256, 1.0,
                               False, False, api_name="/colorize")
    assert Image.open(raw).tobytes() != Image.open(img).tobytes()


@pytest.mark.parametrize("case, expected", [
    ("blank", "empty"),
    ("broken", "could not read"),
    ("badhex", "not a colour"),
    ("size", "size must be between"),
])
def test_bad_input_gives_clear_error(client, files, case, expected):
    sketch = handle_file(str(files / ("blank.png" if case == "blank" else
                                       "broken.png" if case == "broken" else "sketch.png")))
    palette = "#12345g,#000" if case == "badhex" else ""
    size = 5000 if case == "size" else 256
    with pytest.raises(Exception) as e:
        client.predict(sketch, None, palette, 0, size, 1.0, False, api_name="/colorize")
    assert expected in str(e.value).lower()

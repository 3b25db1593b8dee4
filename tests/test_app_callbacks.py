"""The app's callbacks, called in-process as methods of ColorizerApp (no server)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

gr = pytest.importorskip("gradio")

from colorizer import Colorizer, preset  # noqa: E402
from colorizer.options import ColorizeOptions  # noqa: E402
from webapp import load_model  # noqa: E402
from webapp.project import Project  # noqa: E402
from webapp.swatches import PALETTE_PRESETS  # noqa: E402
from webapp.ui import SETTINGS, ColorizerApp  # noqa: E402

DEFAULT = list(PALETTE_PRESETS["Default"])
NO_LOCKS = [False] * 9


def settings(**changes) -> list:
    """SETTINGS values for the callbacks: the defaults at 64 px, with ``changes``."""
    d = dict(ColorizeOptions(size=64).to_dict(), **changes)
    return [d[name] for name in SETTINGS]


@pytest.fixture(scope="module")
def app():
    return ColorizerApp(Colorizer.from_random(preset("tiny"), device="cpu"))


class _Progress:
    def tqdm(self, it, desc=None):
        return it


def _sketch(path: Path) -> str:
    im = Image.new("RGB", (80, 64), "white")
    ImageDraw.Draw(im).ellipse((10, 8, 70, 56), outline="black", width=3)
    im.save(path)
    return str(path)


def _pad(path: Path) -> dict:
    return {"background": None, "layers": [], "composite": Image.open(_sketch(path)).convert("RGBA")}


def test_every_event_runs_a_method_of_the_app(app):
    demo = ColorizerApp(app.model).build()
    owners = set()
    for block_fn in demo.fns.values():
        if block_fn.fn is not None and not block_fn.fn.__qualname__.startswith("Examples."):  # gr.Examples' own
            owners.add(type(getattr(block_fn.fn, "__self__", None)).__name__)
    assert owners == {"ColorizerApp"}
    assert {"/colorize", "/extract_palette"} <= set(demo.get_api_info()["named_endpoints"])


def test_reference_respects_locks(app, tmp_path):
    Image.new("RGB", (30, 30), "#ff0000").save(tmp_path / "ref.png")
    locks = [i == 0 for i in range(9)]
    out = app.reference_changed(str(tmp_path / "ref.png"), *DEFAULT, *locks)
    assert out[0] == DEFAULT[0] and all(c == "#ff0000" for c in out[1:9])
    assert out[9].split(",") == out[:9]
    # no reference (cleared): nothing changes
    assert len(app.reference_changed(None, *DEFAULT, *locks)) == 10


def test_reference_uses_the_library_extraction(app, tmp_path):
    ref = Image.new("RGB", (90, 60))
    d = ImageDraw.Draw(ref)
    for i, c in enumerate(PALETTE_PRESETS["Cyber"]):
        d.rectangle(((i % 3) * 30, (i // 3) * 20, (i % 3) * 30 + 29, (i // 3) * 20 + 19), fill=c)
    ref.save(tmp_path / "ref.jpg", quality=95)
    out = app.reference_changed(str(tmp_path / "ref.jpg"), *DEFAULT, *NO_LOCKS)
    assert out[:9] == app.model.extract_palette(str(tmp_path / "ref.jpg")).to_hex()


def test_presets_and_hex_text(app):
    out = app.preset_chosen("Ocean", *DEFAULT, *NO_LOCKS)
    assert out[:9] == list(PALETTE_PRESETS["Ocean"])
    out = app.preset_chosen("Ocean", *DEFAULT, *([True] + [False] * 8))
    assert out[0] == DEFAULT[0] and out[1:9] == list(PALETTE_PRESETS["Ocean"][1:])
    with pytest.raises(gr.Error, match="unknown preset"):
        app.preset_chosen("Nope", *DEFAULT, *NO_LOCKS)
    out = app.hex_submitted("#FFF," * 8 + "#000")
    assert out[:9] == ["#ffffff"] * 8 + ["#000000"] and out[9] == ",".join(out[:9])
    # like the library and the API, a short palette repeats
    assert app.hex_submitted("#fff,#000")[:3] == ["#ffffff", "#000000", "#ffffff"]
    with pytest.raises(gr.Error, match="not a colour|colour"):
        app.hex_submitted("#12345g")
    assert app.swatches_changed(*(["rgba(255, 0, 0, 1)"] + DEFAULT[1:])).split(",")[0] == "#ff0000"


def test_palette_save_load(app):
    f = app.save_palette(*PALETTE_PRESETS["Cyber"])
    path = f.value["path"] if isinstance(f.value, dict) else f.value
    assert app.load_palette(path, *DEFAULT, *NO_LOCKS)[:9] == list(PALETTE_PRESETS["Cyber"])
    locked = app.load_palette(path, *DEFAULT, *([False] * 8 + [True]))
    assert locked[8] == DEFAULT[8] and locked[:8] == list(PALETTE_PRESETS["Cyber"][:8])
    with pytest.raises(gr.Error, match="choose a palette"):
        app.load_palette(None, *DEFAULT, *NO_LOCKS)


def test_colorize_project_round_trip(app, tmp_path):
    pad = _pad(tmp_path / "s.png")
    pal = list(PALETTE_PRESETS["Autumn"])
    values = settings(seed=5, noise_strength=0.7, flat=False)
    img, color, lines, files, status = app.colorize("draw", pad, None, *pal, *values)
    assert "Done" in status and img.size == (80, 64) and color.size == lines.size == (80, 64)
    names = {Path(f).name for f in files}
    assert names == {"colorized_layers.zip", "colorized.ora", "colorized_project.json"}
    proj = [f for f in files if f.endswith(".json")][0]
    assert Project.from_json(proj).options == app.options_from(values)
    out = app.load_project(proj)
    assert out[:9] == pal and out[10:10 + len(SETTINGS)] == values and "seed 5" in out[-1]
    again = app.colorize("draw", pad, None, *out[:9], *out[10:10 + len(SETTINGS)])[0]
    assert again.tobytes() == img.tobytes()
    # flat colours on: a different picture, and the project remembers the setting
    img2, _, _, files2, _ = app.colorize("draw", pad, None, *pal, *settings(seed=5, noise_strength=0.7, flat=True))
    assert img2.tobytes() != img.tobytes()
    out2 = app.load_project([f for f in files2 if f.endswith(".json")][0])
    assert out2[10 + SETTINGS.index("flat")] is True


def test_upload_tab_and_noise_off(app, tmp_path):
    path = _sketch(tmp_path / "u.png")
    img, *_ , status = app.colorize("upload", None, path, *DEFAULT, *settings(noise_strength=0.0))
    assert img.size == (80, 64) and "Done" in status
    assert app.options_from(settings(noise_strength=0.0)).noise == "none"
    assert app.upload_changed(path)[0] == "upload"


def test_empty_canvas_and_missing_upload_errors(app):
    with pytest.raises(gr.Error, match="empty"):
        app.colorize("draw", {"background": None, "layers": [], "composite": None}, None, *DEFAULT, *settings())
    with pytest.raises(gr.Error, match="upload"):
        app.colorize("upload", None, None, *DEFAULT, *settings())
    # the preview stays quiet on an empty canvas
    assert app.preview("draw", None, None, *DEFAULT, *settings()) is None


def test_preview_is_small(app, tmp_path):
    big = Image.new("RGB", (600, 400), "white")
    ImageDraw.Draw(big).ellipse((50, 50, 550, 350), outline="black", width=6)
    pad = {"background": None, "layers": [], "composite": big}
    img = app.preview("draw", pad, None, *DEFAULT, *settings())
    assert max(img.size) == 256


def test_batch(app, tmp_path):
    files = [_sketch(tmp_path / f"s{i}.png") for i in range(3)]
    (tmp_path / "bad.png").write_bytes(b"nope")
    zpath, gallery, msg = app.batch(files + [str(tmp_path / "bad.png")], *PALETTE_PRESETS["Forest"],
                                    *settings(seed=1), progress=_Progress())
    assert len(gallery) == 3 and "Skipped" in msg and "bad.png" in msg
    with zipfile.ZipFile(zpath) as z:
        assert len([n for n in z.namelist() if n.endswith(".png")]) == 3
        proj = json.loads(z.read("project.json"))
        assert proj["palette"] == list(PALETTE_PRESETS["Forest"]) and proj["options"]["seed"] == 1
    with pytest.raises(gr.Error, match="at most"):
        app.batch(files * 11, *DEFAULT, *settings(), progress=_Progress())


def test_without_weights_the_app_explains(tmp_path):
    model, message = load_model(str(tmp_path / "missing"), None)
    assert model is None and "--random-weights" in message
    app = ColorizerApp(None, message)
    with pytest.raises(gr.Error, match="random-weights"):
        app.api_colorize(_sketch(tmp_path / "s.png"), None, "", 0, 256, 1.0, False)
    with pytest.raises(gr.Error, match="random-weights"):
        app.colorize("draw", _pad(tmp_path / "p.png"), None, *DEFAULT, *settings())
    assert app.preview("draw", _pad(tmp_path / "p.png"), None, *DEFAULT, *settings()) is None
    # the palette still works without weights
    Image.new("RGB", (20, 20), "#123456").save(tmp_path / "r.png")
    assert app.api_extract_palette(str(tmp_path / "r.png")).split(",")[0] == "#123456"
    assert app.reference_changed(str(tmp_path / "r.png"), *DEFAULT, *NO_LOCKS)[1] == "#123456"
    ColorizerApp(None, message).build()  # the page still builds, with the warning


def test_weights_folder_is_loaded(tmp_path):
    from colorizer.weights import save_pretrained

    folder = save_pretrained(Colorizer.from_random(preset("tiny")).model, tmp_path / "weights")
    model, message = load_model(str(folder), None)
    assert message is None and model is not None
    app = ColorizerApp(model)
    assert app.weights_id.startswith("weights@")
    img, pal, seed = app.api_colorize(_sketch(tmp_path / "s.png"), None, "#ff0000,#00ff00", 3, 128, 1.0, True)
    assert img.size == (80, 64) and pal.split(",")[:2] == ["#ff0000", "#00ff00"] and seed == 3
    # the API's own defaults: only the sketch is needed
    img, pal, seed = app.api_colorize(_sketch(tmp_path / "s.png"))
    assert pal == ",".join(DEFAULT) and seed == ColorizeOptions().seed
    with pytest.raises(gr.Error, match="not both"):
        app.api_colorize(_sketch(tmp_path / "s.png"), _sketch(tmp_path / "r.png"), "#fff")

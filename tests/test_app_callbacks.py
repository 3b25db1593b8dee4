"""The app's callbacks called in-process (no server): palettes, projects, batch, missing weights."""

from __future__ import annotations

import importlib.util
import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

gr = pytest.importorskip("gradio")

from colorizer import Colorizer, preset  # noqa: E402
from colorizer.app_utils import PRESETS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def app_module():
    spec = importlib.util.spec_from_file_location("colorizer_app", ROOT / "app.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _fns(demo) -> dict:
    return {getattr(bf.fn, "__name__", ""): bf.fn for bf in demo.fns.values() if bf.fn is not None}


@pytest.fixture(scope="module")
def fns(app_module):
    demo = app_module.build_demo(Colorizer.from_random(preset("tiny"), device="cpu"))
    return _fns(demo)


class _Progress:
    def tqdm(self, it, desc=None):
        return it


def _sketch(path: Path) -> str:
    im = Image.new("RGB", (80, 64), "white")
    ImageDraw.Draw(im).ellipse((10, 8, 70, 56), outline="black", width=3)
    im.save(path)
    return str(path)


def test_reference_respects_locks(fns, tmp_path):
    ref = Image.new("RGB", (30, 30), "#ff0000")
    ref.save(tmp_path / "ref.png")
    cur = PRESETS["Default"]
    locks = [i == 0 for i in range(9)]
    out = fns["reference_ui"](str(tmp_path / "ref.png"), *cur, *locks)
    assert out[0] == cur[0] and all(c == "#ff0000" for c in out[1:9])
    assert out[9].split(",") == out[:9]


def test_presets_and_hex_text(fns):
    out = fns["preset_ui"]("Ocean", *PRESETS["Default"], *([False] * 9))
    assert out[:9] == PRESETS["Ocean"]
    out = fns["hex_text_ui"]("#FFF," * 8 + "#000")
    assert out[:9] == ["#ffffff"] * 8 + ["#000000"]
    with pytest.raises(gr.Error, match="exactly 9"):
        fns["hex_text_ui"]("#fff,#000")


def test_palette_save_load(fns):
    f = fns["save_palette_ui"](*PRESETS["Cyber"])
    path = f.value["path"] if isinstance(f.value, dict) else f.value
    out = fns["load_palette_ui"](path)
    assert out[:9] == PRESETS["Cyber"]


def test_colorize_project_round_trip(fns, tmp_path):
    pad = {"background": None, "layers": [], "composite": Image.open(_sketch(tmp_path / "s.png")).convert("RGBA")}
    pal = PRESETS["Autumn"]
    img, color, lines, files, status = fns["colorize_ui"]("draw", pad, None, *pal, 5, 256, 0.7, True, False)
    assert "Done" in status and img.size == (80, 64)
    names = {Path(f).name for f in files}
    assert names == {"colorized_layers.zip", "colorized.ora", "colorized_project.json"}
    proj = [f for f in files if f.endswith(".json")][0]
    out = fns["load_project_ui"](proj)
    assert out[:9] == pal and out[10:15] == [5, 256, 0.7, True, False]
    again = fns["colorize_ui"]("draw", pad, None, *out[:9], *out[10:15])[0]
    assert again.tobytes() == img.tobytes()
    # flat colours on: a different picture, and the project remembers the setting
    img2, _, _, files2, _ = fns["colorize_ui"]("draw", pad, None, *pal, 5, 256, 0.7, True, True)
    assert img2.tobytes() != img.tobytes()
    out2 = fns["load_project_ui"]([f for f in files2 if f.endswith(".json")][0])
    assert out2[14] is True


def test_empty_canvas_and_missing_upload_errors(fns):
    with pytest.raises(gr.Error, match="empty"):
        fns["colorize_ui"]("draw", {"background": None, "layers": [], "composite": None}, None,
                           *PRESETS["Default"], 0, 256, 1.0, False, True)
    with pytest.raises(gr.Error, match="upload"):
        fns["colorize_ui"]("upload", None, None, *PRESETS["Default"], 0, 256, 1.0, False, True)
    # the preview stays quiet on an empty canvas
    assert fns["preview_ui"]("draw", None, None, *PRESETS["Default"], 0, 1.0, False, True) is None


def test_batch(fns, tmp_path):
    files = [_sketch(tmp_path / f"s{i}.png") for i in range(3)]
    (tmp_path / "bad.png").write_bytes(b"nope")
    zpath, gallery, msg = fns["batch_ui"](files + [str(tmp_path / "bad.png")], *PRESETS["Forest"], 1, 256, 1.0, False, True,
                                          progress=_Progress())
    assert len(gallery) == 3 and "Skipped" in msg and "bad.png" in msg
    with zipfile.ZipFile(zpath) as z:
        assert len([n for n in z.namelist() if n.endswith(".png")]) == 3
        assert json.loads(z.read("project.json"))["palette"] == PRESETS["Forest"]


def test_without_weights_the_app_explains(app_module, tmp_path):
    model, message = app_module.load_model(str(tmp_path / "missing"), None)
    assert model is None and "--random-weights" in message
    fns = _fns(app_module.build_demo(None, message))
    with pytest.raises(gr.Error, match="random-weights"):
        fns["api_colorize"](_sketch(tmp_path / "s.png"), None, "", 0, 256, 1.0, False)
    # the palette still works without weights
    Image.new("RGB", (20, 20), "#123456").save(tmp_path / "r.png")
    assert fns["api_extract_palette"](str(tmp_path / "r.png")).split(",")[0] == "#123456"


def test_weights_folder_is_loaded(app_module, tmp_path):
    from colorizer.weights import save_pretrained

    folder = save_pretrained(Colorizer.from_random(preset("tiny")).model, tmp_path / "weights")
    model, message = app_module.load_model(str(folder), None)
    assert message is None and model is not None
    fns = _fns(app_module.build_demo(model))
    img, pal, seed = fns["api_colorize"](_sketch(tmp_path / "s.png"), None, "#ff0000,#00ff00", 3, 128, 1.0, True)
    assert img.size == (80, 64) and pal.split(",")[:2] == ["#ff0000", "#00ff00"] and seed == 3

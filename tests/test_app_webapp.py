"""The app's Gradio-free parts (webapp/): sketchpad values, swatches, exports, project and palette files."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from colorizer import Colorizer, ColorizerError, InputImageError, Palette, PaletteError, preset
from colorizer.options import ColorizeOptions
from colorizer.pipeline import DEFAULT_PALETTE
from colorizer.processing import overlay_lines
from webapp.exports import ink_layer, layered_files, layers_zip
from webapp.model import weights_label
from webapp.project import Project, ProjectError, palette_from_json, palette_to_json
from webapp.sketchpad import APP_LIMITS, check_pixels, sketchpad_to_image
from webapp.swatches import PALETTE_PRESETS, Swatches, strict_palette

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tiny():
    return Colorizer.from_random(preset("tiny"), seed=1, device="cpu")


@pytest.fixture
def result(tiny, sketch_image):
    return tiny(sketch_image, palette=PALETTE_PRESETS["Sakura"], seed=3, size=64, keep_lines=True)


def _stroke_layer(size=(64, 48)):
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(layer).line((5, 5, 50, 40), fill=(0, 0, 0, 255), width=3)
    return layer


def test_library_never_imports_the_app():
    """colorizer/ imports neither gradio nor webapp (checked in a fresh interpreter)."""
    code = ("import sys, colorizer, colorizer.__main__, colorizer.pipeline, colorizer.options;"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('gradio', 'webapp')];"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
    for f in (ROOT / "colorizer").rglob("*.py"):
        text = f.read_text()
        assert "import gradio" not in text and "webapp" not in text, f
    assert not (ROOT / "colorizer" / "app_utils.py").exists()


# -- sketchpad ---------------------------------------------------------------------------

def test_sketchpad_composite_transparent_becomes_white():
    img = sketchpad_to_image({"background": None, "layers": [], "composite": _stroke_layer()})
    assert img.mode == "RGB" and img.size == (64, 48)
    a = np.asarray(img)
    assert (a[0, 63] == 255).all() and a.min() == 0


def test_sketchpad_without_composite_uses_background_and_layers():
    bg = Image.new("RGB", (64, 48), "white")
    img = sketchpad_to_image({"background": bg, "layers": [_stroke_layer()], "composite": None})
    assert np.asarray(img).min() == 0
    arr = np.asarray(_stroke_layer())
    assert sketchpad_to_image({"background": None, "layers": [arr], "composite": None}).size == (64, 48)


@pytest.mark.parametrize("value", [
    {"background": None, "layers": [], "composite": None},
    {"background": None, "layers": [], "composite": Image.new("RGBA", (32, 32), (0, 0, 0, 0))},
    {"background": Image.new("RGB", (32, 32), "white"), "layers": [], "composite": Image.new("RGB", (32, 32), "white")},
    None,
    Image.new("L", (10, 10), 250),
])
def test_empty_canvas_is_a_clear_error(value):
    with pytest.raises(InputImageError, match="empty|no sketch"):
        sketchpad_to_image(value)


def test_sketchpad_accepts_plain_images_and_paths(tmp_path, sketch_image):
    p = tmp_path / "s.png"
    sketch_image.save(p)
    assert sketchpad_to_image(str(p)).size == sketch_image.size
    assert sketchpad_to_image(np.asarray(sketch_image)).size == sketch_image.size


def test_check_pixels_refuses_huge_images(tmp_path):
    p = tmp_path / "big.png"
    Image.new("L", (300, 300), 255).save(p)
    check_pixels(p)
    Image.new("1", (4100, 4100), 1).save(p)  # a small file of too many pixels: refused from its header
    assert p.stat().st_size < 100_000 and 4100 * 4100 > APP_LIMITS.max_pixels
    with pytest.raises(InputImageError, match="Scale it down"):
        check_pixels(p)


# -- swatches ----------------------------------------------------------------------------

def test_presets_are_valid_and_default_is_the_library_palette():
    assert len(PALETTE_PRESETS) >= 4
    for pal in PALETTE_PRESETS.values():
        assert isinstance(pal, Palette) and len(pal) == 9
    assert ",".join(PALETTE_PRESETS["Default"].to_hex()) == DEFAULT_PALETTE.lower()
    assert Swatches.default().hex() == PALETTE_PRESETS["Default"].to_hex()


def test_strict_palette_parses_picker_values():
    got = strict_palette(["#FFF", "rgba(255, 0, 0, 1)"] + ["#000000"] * 7)
    assert got.to_hex() == ["#ffffff", "#ff0000"] + ["#000000"] * 7
    assert strict_palette("rgba(1, 2, 3, 0.5)," + "#abc," * 8).to_hex() == ["#010203"] + ["#aabbcc"] * 8
    with pytest.raises(PaletteError, match="exactly 9"):
        strict_palette("#fff,#000")
    with pytest.raises(PaletteError):
        strict_palette("#zzzzzz," * 9)


def test_swatches_receive_keeps_locked():
    black, white = strict_palette(["#000000"] * 9), strict_palette(["#ffffff"] * 9)
    cur = Swatches(black, tuple(i % 2 == 0 for i in range(9)))
    new = cur.receive(white)
    assert new.hex() == ["#000000" if i % 2 == 0 else "#ffffff" for i in range(9)]
    assert new.locks == cur.locks
    with pytest.raises(PaletteError):
        Swatches(black, (True, False))
    with pytest.raises(PaletteError):
        Swatches(["#000000"] * 9)  # swatches hold a Palette: hex only at the widgets


def test_swatches_text_and_palette():
    from colorizer.roles import DEFAULT_SLOT_COLORS

    s = Swatches(Palette.from_hex("#f00,#0f0"))  # like the library: a short palette takes the slots' defaults
    assert s.hex() == ["#ff0000", "#00ff00", *DEFAULT_SLOT_COLORS[2:]]
    assert s.text.split(",") == s.hex() and s.palette.to_hex() == s.hex()
    assert s.defaults == (False, False) + (True,) * 7 and s.labels[2] == "Hair · default"
    assert s.palette.to_hex() == Swatches(Palette.from_hex(s.text)).hex() and s != Swatches.default()


# -- exports -----------------------------------------------------------------------------

def test_ink_layer_reproduces_multiply_overlay(result):
    over = Image.alpha_composite(result.color.convert("RGBA"), ink_layer(result.lines)).convert("RGB")
    ref = overlay_lines(result.color, result.lines)
    assert np.abs(np.asarray(over, int) - np.asarray(ref, int)).max() <= 1


def test_layered_files_are_the_librarys(result, tmp_path):
    """The app's PSD / ORA are colorizer.layered's (one writer): same layers, same bytes."""
    from colorizer.layered import layered_bytes

    psd, ora = layered_files(result, tmp_path)
    assert (psd.name, ora.name) == ("colorized.psd", "colorized.ora")
    assert psd.read_bytes() == layered_bytes(result, "psd") and ora.read_bytes() == layered_bytes(result, "ora")
    with zipfile.ZipFile(ora) as z:
        assert z.infolist()[0].filename == "mimetype" and z.read("mimetype") == b"image/openraster"
        root = ET.fromstring(z.read("stack.xml"))
        assert [el.get("name") for el in root.iter("layer")] == ["Lines", "Colours"]
    import webapp.exports

    assert not hasattr(webapp.exports, "write_ora")


def test_layers_zip(result, tmp_path):
    proj = Project.create(result.palette, ColorizeOptions(seed=3, size=64), "random")
    path = layers_zip(result, tmp_path / "layers.zip", proj.to_json())
    with zipfile.ZipFile(path) as z:
        assert set(z.namelist()) == {"colored.png", "color_layer.png", "lines.png", "lines_ink.png", "project.json"}
        assert json.loads(z.read("project.json"))["options"]["seed"] == 3
        with Image.open(z.open("colored.png")) as im:
            assert im.tobytes() == result.image.tobytes()


# -- projects ----------------------------------------------------------------------------

def test_project_round_trip_reproduces_result(tiny, sketch_image, tmp_path):
    pal = PALETTE_PRESETS["Ocean"].to_hex()
    opts = ColorizeOptions(seed=11, size=64, noise_strength=0.5, keep_lines=False)
    first = tiny(sketch_image, palette=pal, options=opts)
    proj = Project.create(first.palette, opts, tiny.weights_id, sketch_image)
    f = tmp_path / "p.json"
    f.write_text(proj.to_json())
    back = Project.from_json(str(f))
    assert back.palette.to_hex() == pal and back.options == opts and back.weights_id == tiny.weights_id
    assert back.sketch_sha256 == proj.sketch_sha256 and back.library_version
    again = tiny(sketch_image, palette=back.palette, options=back.options)
    assert again.image.tobytes() == first.image.tobytes()
    assert Project.from_json(f.read_bytes()) == back


def test_project_defaults_come_from_the_options():
    """A file without settings gets ColorizeOptions()'s (not a size of its own)."""
    pal = json.dumps(PALETTE_PRESETS["Ocean"].to_hex())
    v2 = Project.from_json(f'{{"format": "anime-sketch-colorizer-project", "version": 2, "palette": {pal}}}')
    assert v2.options == ColorizeOptions()
    v1 = Project.from_json(f'{{"format": "anime-sketch-colorizer-project", "version": 1, "palette": {pal},'
                           f' "seed": 4, "keep_lines": false}}')
    assert v1.options == ColorizeOptions(seed=4, keep_lines=False)
    # the run-only fields are not written
    d = Project.create(PALETTE_PRESETS["Ocean"], ColorizeOptions(output_size=128), "w").to_dict()
    assert "output_size" not in d["options"] and "allow_empty" not in d["options"]
    assert set(d["options"]) | {"output_size", "allow_empty", "precision"} == set(ColorizeOptions().to_dict())


@pytest.mark.parametrize("text, match", [
    ("not json", "not valid JSON"),
    ('{"format": "something-else"}', "not a project file"),
    ('{"format": "anime-sketch-colorizer-project", "version": 1}', "lacks the field"),
    ('{"format": "anime-sketch-colorizer-project", "version": 1, "palette": ["#fff"]}', "exactly 9"),
    ('{"format": "anime-sketch-colorizer-project", "version": 99, "palette": []}', "newer"),
    ('{"format": "anime-sketch-colorizer-project", "version": 2, "palette": ' + json.dumps(["#fff"] * 9)
     + ', "options": {"flat": "yes"}}', "true or false"),
    ('{"format": "anime-sketch-colorizer-project", "version": 2, "palette": ' + json.dumps(["#fff"] * 9)
     + ', "options": {"wobble": 1}}', "unknown colouring option"),
    ('{"format": "anime-sketch-colorizer-project", "version": 2, "palette": ' + json.dumps(["#fff"] * 9)
     + ', "options": {"noise": "loud"}}', "noise must be"),
])
def test_bad_projects(text, match):
    with pytest.raises(ProjectError, match=match):
        Project.from_json(text.encode())


def test_project_error_is_a_colorizer_error():
    assert issubclass(ProjectError, ColorizerError)


# -- palettes ----------------------------------------------------------------------------

def test_palette_json_round_trip(tmp_path):
    f = tmp_path / "pal.json"
    f.write_text(palette_to_json(strict_palette(["#FFF", "rgba(255, 0, 0, 1)"] + ["#000000"] * 7), name="Mine"))
    assert palette_from_json(str(f)).to_hex() == ["#ffffff", "#ff0000"] + ["#000000"] * 7
    cyber = PALETTE_PRESETS["Cyber"].to_hex()
    assert palette_from_json(json.dumps(cyber).encode()).to_hex() == cyber
    with pytest.raises(ColorizerError):
        palette_from_json(b'{"name": "x"}')
    with pytest.raises(ColorizerError, match="exactly 9"):
        palette_from_json(b'["#fff"]')


def test_weights_label(tmp_path):
    from colorizer.weights import save_pretrained

    folder = save_pretrained(Colorizer.from_random(preset("tiny")).model, tmp_path / "w")
    label = weights_label(str(folder))
    assert label.startswith("w@") and len(label) == len("w@") + 12 and str(tmp_path) not in label
    assert weights_label("random(seed=0)") == "random(seed=0)"


# -- pins, labels ----------------------------------------------------------------------

def test_project_keeps_pins():
    from webapp.pins import Pins

    p = Project.create(PALETTE_PRESETS["Ocean"], ColorizeOptions(seed=2), "w", hints=[(3, 4, 2), (10, 1, 8)])
    back = Project.from_json(p.to_json())
    assert back.hints == [[3, 4, 2], [10, 1, 8]] and Pins.of(back.hints).points == ((3, 4, 2), (10, 1, 8))
    assert Project.from_json(Project.create(PALETTE_PRESETS["Ocean"], ColorizeOptions(), "w").to_json()).hints == []
    pal = json.dumps(PALETTE_PRESETS["Ocean"].to_hex())
    for hints, match in [('[[1, 2]]', "hint 0"), ('[[1, 2, 9]]', "out of range"), ('"x"', "list of"),
                         ('[[-1, 2, 0]]', "0 or more")]:
        with pytest.raises(ProjectError, match=match):
            Project.from_json(f'{{"format": "anime-sketch-colorizer-project", "version": 2, "palette": {pal}, '
                              f'"hints": {hints}}}')


def test_pin_list_parsing_and_history():
    from webapp.pins import PinError, Pins, parse_pin_list

    assert parse_pin_list('[[1.7, 2, "Hair"], {"x": 3, "y": 4, "slot": "eye whites & mouth"}, [5, 6, "4"]]') == \
        [(1, 2, 2), (3, 4, 8), (5, 6, 4)]
    assert parse_pin_list(None) == parse_pin_list("  ") == []
    with pytest.raises(PinError, match="outside the 10x10"):
        parse_pin_list([[10, 2, 1]], size=(10, 10))
    with pytest.raises(PinError, match="three numbers"):
        parse_pin_list([[True, 2, 1]])
    p = Pins().add(1, 1, 2).add(2, 2, 3)
    assert p.rows() == [[1, "Hair", 1, 1], [2, "Eyes", 2, 2]] and p.outside((2, 2)) == [1]
    assert p.undo().points == ((1, 1, 2),) and p.undo().undo().undo().points == ()
    with pytest.raises(PinError, match="at most"):
        q = Pins()
        for i in range(65):
            q = q.add(i, 0, 1)


def test_markers_show_where_the_pins_are():
    from webapp.pins import draw_markers

    base = Image.new("RGB", (200, 100), "white")
    out = draw_markers(base, [(50, 50, 2), (150, 20, 0)], np.array([[0, 0, 255]] * 9))
    a = np.asarray(out, int)
    assert (a[50, 50] != 255).any() and (a[20, 150] != 255).any() and (a[90, 10] == 255).all()
    half = draw_markers(base.resize((100, 50)), [(50, 50, 2)], np.zeros((9, 3)), scale=(0.5, 0.5))
    assert (np.asarray(half, int)[25, 25] != 255).any()


def test_swatch_labels():
    from colorizer.roles import SLOT_LABELS

    s = Swatches.default()
    assert s.labels == list(SLOT_LABELS) and s.labels[2] == "Hair"
    pal = Palette(np.zeros((9, 3), np.uint8), np.zeros(9), defaults=np.arange(9) == 2)
    got = s.receive(pal)
    assert got.labels[2] == "Hair · default" and got.palette.defaults.tolist() == (np.arange(9) == 2).tolist()
    assert got.edited(strict_palette(["#010101"] * 9)).labels[2] == "Hair"

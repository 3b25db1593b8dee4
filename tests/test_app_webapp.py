"""Library helpers behind the app: sketchpad values, ORA / zip exports, project and palette JSON."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
import zipfile

import numpy as np
import pytest
from PIL import Image, ImageDraw

from colorizer import Colorizer, ColorizerError, InputImageError, PaletteError, preset
from colorizer.app_utils import (PRESETS, ProjectError, check_pixels, ink_layer, layers_zip, make_project,
                                 merge_locked, normalize_hex, palette_from_json, palette_to_json,
                                 project_from_json, project_to_json, sketchpad_to_image, weights_label,
                                 write_ora)
from colorizer.processing import overlay_lines


@pytest.fixture(scope="module")
def tiny():
    return Colorizer.from_random(preset("tiny"), seed=1, device="cpu")


@pytest.fixture
def result(tiny, sketch_image):
    return tiny(sketch_image, palette=PRESETS["Sakura"], seed=3, size=64, keep_lines=True)


def _stroke_layer(size=(64, 48)):
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(layer).line((5, 5, 50, 40), fill=(0, 0, 0, 255), width=3)
    return layer


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
    check_pixels(p, limit=300 * 300)
    with pytest.raises(InputImageError, match="Scale it down"):
        check_pixels(p, limit=1000)


# -- exports -----------------------------------------------------------------------------

def test_ink_layer_reproduces_multiply_overlay(result):
    over = Image.alpha_composite(result.color.convert("RGBA"), ink_layer(result.lines)).convert("RGB")
    ref = overlay_lines(result.color, result.lines)
    assert np.abs(np.asarray(over, int) - np.asarray(ref, int)).max() <= 1


def test_ora_structure(result, tmp_path):
    path = write_ora(result, tmp_path / "out.ora")
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        assert infos[0].filename == "mimetype"
        assert infos[0].compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == b"image/openraster"
        names = set(z.namelist())
        assert {"stack.xml", "mergedimage.png", "Thumbnails/thumbnail.png"} <= names
        root = ET.fromstring(z.read("stack.xml"))
        assert root.tag == "image"
        assert (int(root.get("w")), int(root.get("h"))) == result.image.size
        srcs = [el.get("src") for el in root.iter("layer")]
        assert [el.get("name") for el in root.iter("layer")] == ["Lines", "Colour"]
        for src in srcs:
            assert src in names
            with Image.open(z.open(src)) as im:
                assert im.size == result.image.size and im.mode == "RGBA"
        with Image.open(z.open("Thumbnails/thumbnail.png")) as th:
            assert max(th.size) <= 256
        with Image.open(z.open("mergedimage.png")) as merged:
            assert merged.size == result.image.size


def test_layers_zip(result, tmp_path):
    proj = make_project(result.palette, 3, 64, 1.0, True, "random")
    path = layers_zip(result, tmp_path / "layers.zip", proj)
    with zipfile.ZipFile(path) as z:
        assert set(z.namelist()) == {"colored.png", "color_layer.png", "lines.png", "lines_ink.png", "project.json"}
        assert json.loads(z.read("project.json"))["seed"] == 3
        with Image.open(z.open("colored.png")) as im:
            assert im.tobytes() == result.image.tobytes()


# -- projects ----------------------------------------------------------------------------

def test_project_round_trip_reproduces_result(tiny, sketch_image, tmp_path):
    pal = PRESETS["Ocean"]
    first = tiny(sketch_image, palette=pal, seed=11, size=64, noise_strength=0.5, keep_lines=False)
    proj = make_project(first.palette, 11, 64, 0.5, False, tiny.weights_id, sketch_image)
    f = tmp_path / "p.json"
    f.write_text(project_to_json(proj))
    back = project_from_json(str(f))
    assert back["palette"] == pal and back["seed"] == 11 and back["weights_id"] == tiny.weights_id
    assert back["sketch_sha256"] == proj["sketch_sha256"]
    again = tiny(sketch_image, palette=back["palette"], seed=back["seed"], size=back["size"],
                 noise_strength=back["noise_strength"], keep_lines=back["keep_lines"])
    assert again.image.tobytes() == first.image.tobytes()
    assert project_from_json(f.read_bytes()) == back


@pytest.mark.parametrize("text, match", [
    ("not json", "not valid JSON"),
    ('{"format": "something-else"}', "not a project file"),
    ('{"format": "anime-sketch-colorizer-project", "version": 1}', "lacks the field"),
    ('{"format": "anime-sketch-colorizer-project", "version": 1, "palette": ["#fff"]}', "exactly 9"),
    ('{"format": "anime-sketch-colorizer-project", "version": 99, "palette": []}', "newer"),
])
def test_bad_projects(text, match):
    with pytest.raises(ColorizerError, match=match):
        project_from_json(text.encode())


def test_project_error_is_a_colorizer_error():
    assert issubclass(ProjectError, ColorizerError)


# -- palettes ----------------------------------------------------------------------------

def test_palette_json_round_trip(tmp_path):
    f = tmp_path / "pal.json"
    f.write_text(palette_to_json(["#FFF", "rgba(255, 0, 0, 1)"] + ["#000000"] * 7, name="Mine"))
    assert palette_from_json(str(f)) == ["#ffffff", "#ff0000"] + ["#000000"] * 7
    assert palette_from_json(json.dumps(PRESETS["Cyber"]).encode()) == PRESETS["Cyber"]
    with pytest.raises(ColorizerError):
        palette_from_json(b'{"name": "x"}')
    with pytest.raises(PaletteError):
        normalize_hex("#zzzzzz," * 9)


def test_presets_are_valid():
    assert len(PRESETS) >= 4
    for colors in PRESETS.values():
        assert normalize_hex(colors) == colors


def test_merge_locked():
    cur, new = ["#000000"] * 9, ["#ffffff"] * 9
    locks = [i % 2 == 0 for i in range(9)]
    assert merge_locked(cur, new, locks) == ["#000000" if i % 2 == 0 else "#ffffff" for i in range(9)]


def test_weights_label(tmp_path):
    from colorizer.weights import save_pretrained

    folder = save_pretrained(Colorizer.from_random(preset("tiny")).model, tmp_path / "w")
    label = weights_label(str(folder))
    assert label.startswith("w@") and len(label) == len("w@") + 12 and str(tmp_path) not in label
    assert weights_label("random(seed=0)") == "random(seed=0)"

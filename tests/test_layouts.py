"""train.data.layouts: the three dataset layouts users bring, on tiny generated images."""

import pickle

import numpy as np
import pytest
from PIL import Image, ImageDraw

from train.data.layouts import detect_layout, discover_pairs


def _drawing(size=(32, 32), colour=(200, 40, 40)):
    im = Image.new("RGB", size, "white")
    ImageDraw.Draw(im).ellipse((4, 4, size[0] - 5, size[1] - 5), fill=colour, outline="black", width=2)
    return im


def test_folders_layout_matches_names(tmp_path):
    (tmp_path / "sketch").mkdir()
    (tmp_path / "color").mkdir()
    for name in ("a", "b"):
        _drawing().convert("L").save(tmp_path / "sketch" / f"{name}.png")
        _drawing().save(tmp_path / "color" / f"{name}.jpg")  # extension may differ
    _drawing().save(tmp_path / "color" / "orphan.png")  # no sketch: skipped
    assert detect_layout(tmp_path) == "folders"
    pairs = discover_pairs(tmp_path)
    assert [p.id for p in pairs] == ["a", "b"]
    sketch, color = pairs[0].load()
    assert sketch.mode == color.mode == "RGB" and sketch.size == color.size == (32, 32)


def test_kaggle_layout_colour_left_sketch_right(tmp_path):
    for i in range(3):
        im = Image.new("RGB", (64, 32), "white")
        im.paste(Image.new("RGB", (32, 32), (0, 0, 255)), (0, 0))  # colour half: blue
        im.paste(Image.new("RGB", (32, 32), (0, 0, 0)), (32, 0))  # sketch half: black
        im.save(tmp_path / f"{i}.png")
    assert detect_layout(tmp_path) == "kaggle"
    pairs = discover_pairs(tmp_path)
    assert len(pairs) == 3 and pairs[0].layout == "kaggle"
    sketch, color = pairs[1].load()
    assert sketch.size == color.size == (32, 32)
    assert color.getpixel((5, 5)) == (0, 0, 255)
    assert sketch.getpixel((5, 5)) == (0, 0, 0)


def test_colour_only_layout_extracts_lines(tmp_path):
    for i in range(2):
        _drawing((40, 30)).save(tmp_path / f"c{i}.png")
    assert detect_layout(tmp_path) == "color_only"
    pairs = discover_pairs(tmp_path, extract_method="outline")
    sketch, color = pairs[0].load()
    assert color.size == sketch.size == (40, 30) and sketch.mode == "RGB"
    s = np.asarray(sketch.convert("L"))
    assert (s < 128).any() and s[15, 20] == 255 and s[0, 0] == 255
    none_sketch, _ = discover_pairs(tmp_path, extract=False)[0].load()
    assert none_sketch is None


def test_explicit_layout_overrides_detection(tmp_path):
    Image.new("RGB", (64, 32), "white").save(tmp_path / "wide.png")  # looks like Kaggle
    assert detect_layout(tmp_path) == "kaggle"
    pairs = discover_pairs(tmp_path, layout="color_only")
    assert pairs[0].layout == "color_only"
    assert pairs[0].load()[1].size == (64, 32)
    with pytest.raises(ValueError):
        discover_pairs(tmp_path, layout="bogus")


def test_transparent_colour_is_put_on_white(tmp_path):
    Image.new("RGBA", (16, 16), (0, 0, 0, 0)).save(tmp_path / "t.png")
    _, color = discover_pairs(tmp_path, layout="color_only", extract=False)[0].load()
    assert color.getpixel((3, 3)) == (255, 255, 255)


def test_pairs_are_picklable_for_dataloader_workers(tmp_path):
    _drawing().save(tmp_path / "x.png")
    pair = pickle.loads(pickle.dumps(discover_pairs(tmp_path)[0]))
    assert pair.load()[1].size == (32, 32)


def test_empty_folder_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        discover_pairs(tmp_path)

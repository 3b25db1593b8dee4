"""python -m train.eval slot-pictures: the README grid and swatch-edit pictures, on a tiny hand-made check set."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from colorizer.roles import ROLE_INDEX

from train.eval import pictures as SP
from train.eval.cli import main

SIZE = 64


@pytest.fixture
def checkset(tmp_path):
    root = tmp_path / "cs"
    for subset, ids in (("ardentryst", ["a0", "a1"]), ("generator", ["g0", "g1", "g2", "g3"])):
        for d in ("sketch", "color", "labels") + (("reference",) if subset == "generator" else ()):
            (root / subset / d).mkdir(parents=True)
        for i, pid in enumerate(ids):
            color = Image.new("RGB", (SIZE, SIZE), "white")
            sketch = Image.new("L", (SIZE, SIZE), 255)
            labels = Image.new("L", (SIZE, SIZE), ROLE_INDEX["background"])
            box = (8 + i, 8, 40 + i, 56)
            ImageDraw.Draw(color).rectangle(box, fill=(200, 60, 40), outline="black", width=2)
            ImageDraw.Draw(sketch).rectangle(box, outline=0, width=2)
            ImageDraw.Draw(labels).rectangle(box, fill=ROLE_INDEX["hair"])
            for img, ink in ((color, "black"), (sketch, 0), (labels, ROLE_INDEX["line"])):   # two hair regions
                ImageDraw.Draw(img).line((box[0], 36, box[2], 36), fill=ink, width=2)
            color.save(root / subset / "color" / f"{pid}.png")
            sketch.save(root / subset / "sketch" / f"{pid}.png")
            labels.save(root / subset / "labels" / f"{pid}.png")
            if subset == "generator":
                Image.new("RGB", (SIZE, SIZE), (30, 160, 60)).save(root / subset / "reference" / f"{pid}.png")
    (root / "CHECKSET").write_text("check set\n")
    return root


def test_pick_ids_are_evenly_spaced(checkset):
    assert SP.pick_ids(checkset, "generator", 3) == ["g0", "g2", "g3"]
    assert SP.pick_ids(checkset, "ardentryst", 3) == ["a0", "a1"]
    with pytest.raises(SP.PictureError):
        SP.parse_ids("cats:a0")


def test_generator_rows_use_the_other_picture_as_reference(checkset):
    g = SP.load_row(checkset, "generator", "g0")
    a = SP.load_row(checkset, "ardentryst", "a0")
    assert g["reference"].getpixel((0, 0)) == (30, 160, 60) and not g["own_reference"]
    assert a["reference"].getpixel((20, 20)) == (200, 60, 40) and a["own_reference"]


def test_edit_shares_known_answer():
    before = np.zeros((4, 4, 3), np.uint8)
    after = before.copy()
    region = np.zeros((4, 4), bool)
    region[:2] = True                      # 8 pixels in the slot
    after[0] = 200                         # 4 of them change
    after[3, 0] = 5                        # below the threshold: unchanged
    after[3, 1] = 90                       # 1 of the 8 outside changes
    changed, inside, outside = SP.edit_shares(before, after, region)
    assert changed.sum() == 5 and inside == 0.5 and outside == 1 / 8


def test_main_writes_the_three_pictures(checkset, tmp_path, capsys):
    out = tmp_path / "out"
    rc = main(["slot-pictures", "--random-weights", "--checkset", str(checkset), "--out", str(out), "--cell", "48",
                  "--edit-slot", "details", "--backend", "torch"])
    assert rc == 0
    grid = Image.open(out / "slots_grid.png")
    assert grid.size == (4 * 48, SP.HEADER + 5 * 48)          # 2 ardentryst + 3 generator rows
    edit = Image.open(out / "slot_edit.png")
    assert edit.size == (3 * 48, SP.HEADER + 48)
    printed = capsys.readouterr().out
    assert "of the details slot map" in printed and "outside it" in printed
    click = Image.open(out / "slot_click.png")
    assert click.size == (3 * 48, SP.HEADER + 48)
    assert "one click at" in printed and "of the rest of the hair" in printed
    assert (out / "slots_grid.png").stat().st_size < SP.MAX_BYTES


def test_click_needs_a_part_of_two_regions(checkset, tmp_path):
    from colorizer import Colorizer, preset

    c = Colorizer.from_random(preset("default"), backend="torch")
    pic, stats = SP.make_click(c, checkset, ("generator", "g0"), "#3a7bd5", 48, {"size": 64})
    assert stats["to"] not in ("background", "hair") and 0.0 <= stats["changed_in_rest_of_part"] <= 1.0
    x, y = stats["click"]
    assert 8 <= x <= 40 and 8 <= y <= 56
    with pytest.raises(SP.PictureError, match="no skin region"):
        SP.make_click(c, checkset, ("generator", "g0"), "#3a7bd5", 48, {"size": 64}, "skin")


def test_bad_input_is_a_clear_error(checkset, tmp_path, capsys):
    out = ["--out", str(tmp_path / "o")]
    assert main(["slot-pictures", "--random-weights", "--checkset", str(tmp_path)] + out) == 2
    assert "not a check set" in capsys.readouterr().err
    assert main(["slot-pictures", "--random-weights", "--checkset", str(checkset), "--ids", "generator:nope"] + out) == 2
    assert "missing check-set files" in capsys.readouterr().err
    assert main(["slot-pictures", "--weights", str(tmp_path / "none"), "--checkset", str(checkset)] + out) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["slot-pictures", "--random-weights", "--checkset", str(checkset), "--edit-color", "blue!"] + out) == 2
    assert main(["slot-pictures", "--random-weights", "--checkset", str(checkset), "--edit", "generator:g0,generator:g1"] + out) == 2
    assert "one SUBSET:ID" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()

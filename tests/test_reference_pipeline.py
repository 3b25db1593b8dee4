"""The pipeline's reference parts, eyedropper, point matches and spreading corrections (issue 26), end to end
on a tiny untrained model with a role head."""

import json

import numpy as np
import pytest
from PIL import Image, ImageDraw

from colorizer import Colorizer, preset
from colorizer.errors import ColorizerError
from colorizer.layered import layer_stack
from colorizer.matches import MatchError
from colorizer.settings import RenderSettings


@pytest.fixture(scope="module")
def model():
    return Colorizer.from_random(preset("tiny", hints=True, num_roles=11), device="cpu", backend="torch")


def sketch(size=96):
    img = Image.new("L", (size, size), 255)
    d = ImageDraw.Draw(img)
    d.rectangle([8, 8, size - 9, size - 9], outline=0, width=2)
    d.line([size // 2, 8, size // 2, size - 9], fill=0, width=2)
    return img


def reference(size=80):
    rgb = np.full((size, size, 3), 250, np.uint8)
    rgb[:, : size // 2] = (200, 60, 50)
    rgb[10:30, 50:70] = (30, 160, 90)          # a small green "sash"
    return Image.fromarray(rgb)


def test_palette_from_reference_parts_keeps_nine_slots_and_marks_defaults(model):
    parts = Colorizer(model.model, "cpu", backend="torch", render=RenderSettings(reference_parts=True))
    pal = parts.extract_palette(reference())
    assert len(pal) == 9 and pal.defaults is not None and pal.defaults.dtype == bool
    assert pal.to_hex() == parts.reference_parts(reference()).palette.to_hex()
    assert len(model.extract_palette(reference())) == 9


def test_eyedropper_gives_a_reference_tone(model):
    assert model.reference_tone(reference(), 60, 20) == (30, 160, 90)
    assert model.reference_tone(reference(), 5, 70) == (200, 60, 50)
    with pytest.raises(ColorizerError, match="outside"):
        model.reference_tone(reference(), 80, 3)


def test_a_match_paints_its_region_in_the_reference_tone_and_keeps_it_in_a_part_layer(model):
    ref = reference()
    res = model(sketch(), reference=ref, matches=[(20, 48, 60, 20)], seed=0)
    assert res.matches == [(20, 48, 60, 20)]
    json.dumps(res.matches)
    base = np.asarray(res.base)
    assert tuple(base[48, 20]) == (30, 160, 90)
    slot = int(res.slots[48, 20])
    assert slot < 9
    names = [layer.name for layer in layer_stack(res)]
    from colorizer.roles import SLOT_LABELS
    assert SLOT_LABELS[slot] in names and "Other" not in names
    # the other half of the sketch is not the sash's colour unless it took the same part by spreading
    plain = model(sketch(), reference=ref, seed=0)
    assert res.palette.to_hex() == plain.palette.to_hex()


@pytest.mark.parametrize("matches, words", [
    ([(200, 10, 1, 1)], "sketch point"),
    ([(10, 10, 1, 100)], "reference point"),
    ([(10, 10, "x", 1)], "rx must be a number"),
    ([(10, 10, 1)], "x, y, rx, ry"),
])
def test_bad_matches_are_clear_errors(model, matches, words):
    with pytest.raises(MatchError, match=words):
        model(sketch(), reference=reference(), matches=matches)


def test_matches_need_a_reference(model):
    with pytest.raises(MatchError, match="reference"):
        model(sketch(), matches=[(10, 10, 1, 1)])


def test_matches_follow_the_output_size(model):
    res = model(sketch(192), reference=reference(), matches=[(40, 96, 60, 20)], seed=0, output_size=96)
    assert res.matches == [(20, 48, 60, 20)]


def test_a_pin_with_spread_off_moves_its_region_only(model):
    off = Colorizer(model.model, "cpu", backend="torch", render=RenderSettings().replace(
        spread=RenderSettings().spread.__class__(enabled=False)))
    b = off(sketch(), seed=0, hints=[(20, 48, 7)])
    assert b.slots[48, 20] == 7


def test_cli_match(tmp_path, monkeypatch, capsys):
    from colorizer.__main__ import main

    monkeypatch.setenv("COLORIZER_BACKEND", "torch")
    sketch().save(tmp_path / "s.png")
    reference().save(tmp_path / "r.png")
    common = [str(tmp_path / "s.png"), "--random-weights", "default", "--size", "64", "--device", "cpu"]
    assert main(common + ["-r", str(tmp_path / "r.png"), "--match", "20,48,60,20", "-o", str(tmp_path / "o.png")]) == 0
    assert (tmp_path / "o.png").is_file()
    assert main(common + ["-r", str(tmp_path / "r.png"), "--match", "20,48,60", "-o", str(tmp_path / "p.png")]) != 0
    assert "match 0" in capsys.readouterr().err
    assert main(common + ["--match", "20,48,60,20", "-o", str(tmp_path / "q.png")]) != 0
    assert "--match needs --reference" in capsys.readouterr().err


def test_matches_with_an_edited_palette_take_their_own_reference(model):
    pal = model.extract_palette(reference()).replace(2, "#123456")
    res = model(sketch(), palette=pal, match_reference=reference(), matches=[(20, 48, 60, 20)], seed=0)
    assert tuple(np.asarray(res.base)[48, 20]) == (30, 160, 90) and res.palette.to_hex()[2] == "#123456"
    with pytest.raises(MatchError, match="match_reference only with a palette"):
        model(sketch(), reference=reference(), match_reference=reference(), matches=[(20, 48, 60, 20)])

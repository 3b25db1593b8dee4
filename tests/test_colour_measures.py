"""train.eval.colour: the check-set harness's colour measures on tiny inputs with known answers."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image, ImageDraw

from colorizer import Palette
from colorizer.roles import NUM_SLOTS, ROLE_INDEX, SLOT_INDEX, labels_to_slots
from test_evaluate_checkset import HAIR, SIZE, SKIN, TOP, picture
from train.eval import checkset as E
from train.eval import colour as C
from train.eval.methods import build_methods
from train.eval.report import markdown_checkset

RED, DARK_RED, WHITE = (200, 0, 0), (100, 0, 0), (255, 255, 255)
HAIR_S, SKIN_S, TOP_S, EYES_S = (SLOT_INDEX[k] for k in ("hair", "skin", "top", "eyes"))


def test_dominant_colour_is_the_lit_base_tone():
    px = np.array([RED] * 60 + [DARK_RED] * 30 + [WHITE] * 10, np.uint8)
    assert tuple(C.dominant_colour(px)) == RED
    px[:5] = (203, 4, 2)                          # the same bin: the median of the bin
    assert tuple(C.dominant_colour(px)) == RED
    with pytest.raises(ValueError):
        C.dominant_colour(np.zeros((0, 3), np.uint8))


def test_part_colours_and_palette_delta_e():
    rgb = np.zeros((4, 4, 3), np.uint8)
    rgb[:, :2], rgb[:, 2:] = RED, WHITE
    slots = np.full((4, 4), 255, np.uint8)
    slots[:, :2], slots[:, 2] = HAIR_S, SKIN_S
    cols = C.part_colours(rgb, slots, min_pixels=5)
    assert set(cols) == {HAIR_S} and tuple(cols[HAIR_S]) == RED   # skin: 4 pixels, under the minimum
    cols = C.part_colours(rgb, slots, mask=np.ones((4, 4), bool))
    assert set(cols) == {HAIR_S, SKIN_S}
    swatches = np.full((NUM_SLOTS, 3), 128, np.uint8)
    swatches[SKIN_S] = RED                        # the hair's colour sits in the skin's swatch
    true = {0: np.array(WHITE, np.uint8), HAIR_S: np.array(RED, np.uint8)}
    by_slot = C.palette_delta_e(true, swatches, by_slot=True)
    nearest = C.palette_delta_e(true, swatches, by_slot=False)
    assert set(by_slot) == {HAIR_S}               # the background is not a figure part
    assert nearest[HAIR_S] == pytest.approx(0.0) and by_slot[HAIR_S] > 30


def test_colour_accuracy_ignores_which_slot_holds_the_colour():
    slots = np.zeros((2, 4), np.uint8)
    slots[:, :2], slots[:, 2:] = HAIR_S, SKIN_S
    true = {HAIR_S: np.array(HAIR, np.uint8), SKIN_S: np.array(SKIN, np.uint8)}
    out = np.zeros((2, 4, 3), np.uint8)
    out[:, :2], out[:, 2:] = (110, 55, 45), SKIN  # near the hair's colour: right
    right, scored = C.colour_right(out, slots, np.ones((2, 4), bool), true)
    assert right.all() and C.accuracy(right, scored) == 1.0
    out[:, 3] = HAIR                              # two skin pixels painted hair
    right, scored = C.colour_right(out, slots, np.ones((2, 4), bool), true)
    assert C.accuracy(right, scored) == 0.75 and not right[:, 3].any()
    slots[0, 0] = 255                             # ink: not scored
    right, scored = C.colour_right(out, slots, np.ones((2, 4), bool), true)
    assert scored.sum() == 7


def test_parts_of_nearly_one_colour_count_as_one():
    """A near-white shirt painted paper white: nearest to the paper's colour, but the two are one
    colour to the eye (within SAME_DE), so it counts as right; a distinct colour still does not."""
    slots = np.zeros((1, 3), np.uint8)
    slots[0, 1:] = TOP_S
    true = {0: np.array(WHITE, np.uint8), TOP_S: np.array((255, 251, 244), np.uint8), HAIR_S: np.array(HAIR, np.uint8)}
    out = np.array([[WHITE, WHITE, HAIR]], np.uint8)
    right, _ = C.colour_right(out, slots, slots > 0, true)
    assert right.tolist() == [[False, True, False]]
    strict, _ = C.colour_right(out, slots, slots > 0, true, same_de=0.0)
    assert strict.tolist() == [[False, False, False]]


def test_largest_parts_and_match_points():
    slots = np.full((20, 30), 0, np.uint8)
    slots[2:18, 2:12] = HAIR_S                    # 160 px
    slots[5:11, 15:21] = SKIN_S                   # 36 px
    fig = slots > 0
    parts = C.largest_parts(slots, fig, 10)
    assert [p[2] for p in parts] == [HAIR_S, SKIN_S]
    x, y, _ = parts[0]
    assert (x, y) in ((6, 9), (6, 10), (7, 9), (7, 10))   # the hair box's centre
    same = C.match_points(parts, (30, 20), None, (60, 40))
    assert same[0] == (x, y, 2 * x, 2 * y)        # its own reference at twice the size
    ref = np.zeros((40, 40), np.uint8)
    ref[30:40, 0:10] = HAIR_S                     # the hair elsewhere in the reference; no skin there
    m = C.match_points(parts, (30, 20), ref, (40, 40))
    assert len(m) == 1 and m[0][:2] == (x, y) and 0 <= m[0][2] < 10 and 30 <= m[0][3] < 40


def test_click_plan_and_effect():
    slots = np.zeros((10, 10), np.uint8)
    slots[:, :6] = HAIR_S
    regions = np.zeros((10, 10), np.int64)
    regions[:, :4], regions[:, 4:6], regions[:, 6:] = 1, 2, 3
    major = np.array([-1, HAIR_S, HAIR_S, 0])
    scored = slots > 0
    right = np.zeros((10, 10), bool)              # all hair wrong
    x, y, part, clicked = C.click_plan(right, scored, slots, regions, major)
    assert part == HAIR_S and clicked.sum() == 40 and x < 4   # the larger wrong hair region
    before = np.zeros((10, 10, 3), np.uint8)
    after = before.copy()
    right_after = right.copy()
    right_after[:, 4] = True                      # half of the other hair region fixed
    fixed, moved = C.click_effect(before, after, right, right_after, scored, slots, part, clicked)
    assert fixed == 0.5 and moved == 0
    right[:, 5] = True                            # a right pixel column whose colour changes
    after[:, 5] = 255
    fixed, moved = C.click_effect(before, after, right, right, scored, slots, part, clicked)
    assert moved == 10
    assert C.click_plan(np.ones((10, 10), bool), scored, slots, regions, major) is None


def test_summarise_pools_parts_and_confusions():
    conf = np.zeros((NUM_SLOTS, NUM_SLOTS), int)
    conf[2, 2], conf[2, 1] = 3, 1
    a = {"palette_de": {"hair": 5.0, "skin": 20.0}, "colour": 0.5, "colour_pins3": 0.1, "colour_pins10": 0.2,
         "colour_matches3": math.nan, "click_fix": 1.0, "right_changed": 0, "confusion": conf.tolist(),
         "role_acc": 0.75}
    b = {**a, "palette_de": {"hair": 7.0}, "colour": 1.0, "right_changed": 4, "confusion": conf.tolist()}
    row = C.summarise([a, b])
    assert row["palette_de"] == 7.0 and row["palette_within"] == pytest.approx(2 / 3)
    assert row["colour"] == 0.75 and math.isnan(row["colour_matches3"]) and row["right_changed"] == 2
    assert row["any_right_changed"] == 0.5 and row["per_part"]["hair"] == {"de": 6.0, "n": 2}
    assert row["role_acc"] == 0.75 and np.array(row["confusion"])[2, 2] == 6


class SlotPainter:
    """A stand-in for weights that name parts: paints each pixel the swatch of its slot in
    ``paint`` (the truth, or the truth with the hair moved to the eyes' slot); a pin moves its
    region (``spread``: every pixel of the pinned pixel's slot) to the pinned slot. Its palette holds
    each part's colour at the true slot, absent slots green. With ``matches``, a matched point
    paints its part's true colour (the truth, here)."""

    semantic = True
    weights_id = "painter"

    def __init__(self, truth: np.ndarray, paint: np.ndarray, spread: bool):
        self.truth, self.paint, self.spread = truth, paint, spread

    def options(self, **kw):
        from colorizer.options import ColorizeOptions

        return ColorizeOptions(**kw)

    def extract_palette(self, reference):
        rgb = np.asarray(reference.convert("RGB"))
        cols = np.array([rgb[self.truth == k][0] if (self.truth == k).any() else (0, 255, 0)
                         for k in range(NUM_SLOTS)], np.uint8)
        return Palette(cols, np.full(NUM_SLOTS, 1 / NUM_SLOTS))

    def _draw(self, sketch, pal, slots):
        img = np.zeros(slots.shape + (3,), np.uint8)
        for k in range(NUM_SLOTS):
            img[slots == k] = pal.colors[k]
        img[np.asarray(sketch.convert("L")) < 128] = 0
        return SimpleNamespace(image=Image.fromarray(img), slots=slots)

    def batch(self, sketches, palettes=None, options=None, hints=None):
        from train.eval.slot_metrics import sketch_regions

        out = []
        for i, (s, p) in enumerate(zip(sketches, palettes)):
            slots = self.paint.copy()
            regions = sketch_regions(s, 0.5)
            for x, y, k in (hints[i] if hints else []):
                where = (slots == slots[y, x]) if self.spread else (regions == regions[y, x])
                slots = np.where(where, k, slots)
            out.append(self._draw(s, p, slots))
        return out


class MatchingPainter(SlotPainter):
    def __call__(self, sketch, reference=None, options=None, matches=()):
        assert matches and all(len(m) == 4 for m in matches)
        return self._draw(sketch, self.extract_palette(reference), self.truth)


def two_hair_boxes(root):
    """The hand-made picture of test_evaluate_checkset with a second hair box (two hair regions)."""
    (root / "ardentryst").mkdir(parents=True)
    (root / "CHECKSET").write_text("check set\n")
    color, sketch, labels = picture()
    extra = (70, 6, 90, 36)
    for img, fill, line in ((color, HAIR, "black"), (sketch, None, 0),
                            (labels, ROLE_INDEX["hair"], ROLE_INDEX["line"])):
        ImageDraw.Draw(img).rectangle(extra, fill=fill, outline=line, width=2)
    for d, img in (("color", color), ("sketch", sketch), ("labels", labels)):
        (root / "ardentryst" / d).mkdir()
        img.save(root / "ardentryst" / d / "a0.png")
    return E.load_check_picture(root, "ardentryst", "a0", SIZE, index=0, edits=0)


def test_picture_truth_and_its_region_oracle(tmp_path):
    pic = two_hair_boxes(tmp_path / "cs")
    t = pic.colour
    assert t.key == "self" and t.oracle == pytest.approx(1.0)          # closed boxes: the oracle is exact
    assert {k: tuple(v) for k, v in t.colours.items() if k} == {SKIN_S: SKIN, HAIR_S: HAIR, TOP_S: TOP}
    assert [p[2] for p in t.parts] == [TOP_S, HAIR_S, SKIN_S, HAIR_S]  # body, left hair box, head, right hair box
    assert len(t.matches) == 3 and all(m[:2] == m[2:] for m in t.matches)


@pytest.mark.parametrize("spread", [True, False])
def test_scores_of_a_painter_that_misnames_the_hair(tmp_path, spread):
    pic = two_hair_boxes(tmp_path / "cs")
    truth = labels_to_slots(pic.labels)
    paint = np.where(truth == HAIR_S, EYES_S, truth)          # the hair painted with the eyes' green
    good = build_methods({"p": SlotPainter(truth, truth, spread)}, SIZE, baselines=False)[0]
    r = C.score_colour(good, pic)
    assert r["colour"] == 1.0 and r["palette_within"] == 1.0 and r["role_acc"] == 1.0
    assert r["colour_pins3"] == 0.0 and math.isnan(r["click_fix"])  # nothing wrong: no click
    assert math.isnan(r["colour_matches3"])                      # this pipeline takes no matches
    bad = build_methods({"p": SlotPainter(truth, paint, spread)}, SIZE, baselines=False)[0]
    r = C.score_colour(bad, pic)
    hair = (truth == HAIR_S) & pic.colour.scored
    assert r["colour"] == pytest.approx(1 - hair.sum() / pic.colour.scored.sum())
    assert r["role_acc"] == pytest.approx(r["colour"])
    assert r["click_part"] == "hair" and r["right_changed"] == 0
    assert r["click_fix"] == (1.0 if spread else 0.0)            # the other hair box follows, or not
    # pins: the 3 largest parts (body, left hair box, head) fix one hair box (all the hair when spread);
    # 10 pins (all 4 parts) both boxes but, without spread, not the hair in the ink's seal band
    assert r["colour_pins10"] >= r["colour_pins3"] > 0
    if spread:
        assert r["colour_pins3"] == pytest.approx(1 - r["colour"])
    conf = np.array(r["confusion"])
    assert conf[HAIR_S, EYES_S] == hair.sum() and conf[HAIR_S, HAIR_S] == 0
    matcher = build_methods({"m": MatchingPainter(truth, paint, spread)}, SIZE, baselines=False)[0]
    assert C.score_colour(matcher, pic)["colour_matches3"] == pytest.approx(1 - r["colour"])


def test_check_set_tables_carry_the_colour_measures(tmp_path):
    root = tmp_path / "cs"
    pic = two_hair_boxes(root)
    truth = labels_to_slots(pic.labels)
    models = {"p": SlotPainter(truth, np.where(truth == HAIR_S, EYES_S, truth), True)}
    summary = E.evaluate_checkset(models, root, tmp_path / "e", size=SIZE, edits=0, progress=False, cell=32,
                                  subsets=["ardentryst"])
    block = summary["subsets"]["ardentryst"]
    assert block["colour_oracle"] == pytest.approx(1.0)
    rows = {r["method"]: r for r in block["rows"]}
    assert rows["p"]["colour"]["click_fix"] == 1.0 and rows["baseline: flat fill"]["colour"]["confusion"] is None
    md = markdown_checkset(summary)
    assert "### ardentryst: colour measures" in md and "| region oracle (ceiling) | – | – | 1.000 |" in md
    assert "Role accuracy per picture" in md and "| a0 |" in md and "### `p`: pooled accuracy" in md
    off = E.evaluate_checkset(models, root, tmp_path / "f", size=SIZE, edits=0, progress=False, cell=32,
                              subsets=["ardentryst"], colour=False)
    assert "colour measures" not in markdown_checkset(off)

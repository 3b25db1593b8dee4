"""train.eval.slot_metrics on tiny hand-made arrays whose right answers are known."""

import math

import numpy as np
import pytest

from colorizer.roles import IGNORE, LINE, ROLE_INDEX
from train.eval.slot_metrics import (cross_role_accuracy, edit_steer_leak, figure_mask, hint_points,
                                nearest_palette, region_oracle, role_colors, slot_accuracy)

RED, GREEN, BLUE, WHITE, BLACK = (220, 30, 30), (30, 180, 60), (40, 60, 220), (255, 255, 255), (0, 0, 0)
SKIN, HAIR, TOP = ROLE_INDEX["skin"], ROLE_INDEX["hair"], ROLE_INDEX["top"]


def _img(rows):
    return np.array(rows, dtype=np.uint8)


def test_figure_mask_drops_background_line_and_unknown():
    labels = np.array([[0, SKIN, LINE], [HAIR, IGNORE, TOP]], dtype=np.uint8)
    assert figure_mask(labels).tolist() == [[False, True, False], [True, False, True]]
    with pytest.raises(ValueError):
        figure_mask(np.zeros((2, 2, 3)))


def test_nearest_palette_uses_lab_distance():
    # (128, 128, 128) is nearer to mid grey than to either extreme in Lab.
    pal = np.array([BLACK, (119, 119, 119), WHITE])
    assert nearest_palette(np.array([[128, 128, 128], [10, 10, 10], [250, 250, 250]]), pal).tolist() == [1, 0, 2]


def test_slot_accuracy_counts_matching_slots_inside_the_mask():
    pal = np.array([RED, GREEN, BLUE])
    gt = _img([[RED, RED, GREEN, BLUE]])
    # out: right (a shade of red), right, wrong (blue for green), right
    out = _img([[(200, 50, 40), RED, BLUE, (50, 70, 200)]])
    mask = np.ones((1, 4), bool)
    assert slot_accuracy(out, gt, pal, mask) == pytest.approx(0.75)
    mask[0, 2] = False                                  # the wrong pixel is outside the figure
    assert slot_accuracy(out, gt, pal, mask) == pytest.approx(1.0)
    assert math.isnan(slot_accuracy(out, gt, pal, np.zeros((1, 4), bool)))
    with pytest.raises(ValueError):
        slot_accuracy(out, gt[:, :3], pal, mask)
    with pytest.raises(ValueError):
        slot_accuracy(out, gt, np.array([1, 2, 3]), mask)


def _two_boxes():
    """A 20x20 sketch: a black frame split by a vertical black line into two regions."""
    sk = np.full((20, 20), 255, np.uint8)
    sk[0, :] = sk[-1, :] = sk[:, 0] = sk[:, -1] = 0
    sk[:, 10] = 0
    return sk


def test_region_oracle_paints_each_region_its_majority_colour():
    sk = _two_boxes()
    gt = np.zeros((20, 20, 3), np.uint8)
    gt[:, :10] = RED
    gt[:, 10:] = BLUE
    gt[3:6, 3:6] = GREEN           # a minority patch inside the left region
    gt[2:5, 13:15] = WHITE         # and in the right one
    ora = region_oracle(gt, sk, seal=0)
    assert (ora[1:19, 1:10] == RED).all()
    assert (ora[1:19, 11:19] == BLUE).all()
    # With a palette, votes go by slot: the shades below all count for palette red.
    gt2 = gt.copy()
    gt2[1:19, 1:10] = RED
    gt2[1:8, 1:10] = (200, 40, 40)  # 7 rows of a red shade vs 11 of red: red still wins as a slot
    pal = np.array([RED, GREEN, BLUE, WHITE])
    ora2 = region_oracle(gt2, sk, palette_rgb=pal, seal=0)
    assert (ora2[1:19, 1:10] == RED).all()
    mask = np.ones((20, 20), bool)
    assert slot_accuracy(ora2, gt2, pal, mask) < 1.0       # the patches are lost by the oracle
    assert slot_accuracy(ora2, gt2, pal, mask) > 0.9
    # Ink pixels take the colour of the nearest region.
    assert tuple(ora[10, 0]) == RED and tuple(ora[10, 19]) == BLUE


def test_role_colors_and_cross_role_accuracy():
    labels = np.array([[SKIN, SKIN, HAIR, HAIR], [SKIN, SKIN, HAIR, LINE]], np.uint8)
    ref = _img([[RED, RED, BLUE, BLUE], [RED, (210, 40, 40), BLUE, BLACK]])
    colours = role_colors(ref, labels)
    assert colours == {"skin": RED, "hair": BLUE}
    out = _img([[RED, BLUE, BLUE, RED], [RED, RED, BLUE, BLACK]])   # one skin pixel wrong, one hair pixel wrong
    per_role, mean = cross_role_accuracy(out, labels, colours)
    assert per_role == {"skin": pytest.approx(0.75), "hair": pytest.approx(2 / 3)}
    assert mean == pytest.approx(5 / 7)                  # pixel-weighted: (3 + 2) / (4 + 3)
    # Roles of the reference absent from the sketch are left out; none at all gives NaN.
    per_role, mean = cross_role_accuracy(out, labels, {"skin": RED, "eye": GREEN})
    assert set(per_role) == {"skin"}
    per_role, mean = cross_role_accuracy(out, labels, {"eye": GREEN})
    assert per_role == {} and math.isnan(mean)
    with pytest.raises(ValueError):
        cross_role_accuracy(out, labels, {"tail": RED})


def test_edit_steer_leak():
    before = np.zeros((2, 4, 3), np.uint8)
    before[:] = RED
    before[:, 2:] = GREEN
    after = before.copy()
    region = np.zeros((2, 4), bool)
    region[:, :2] = True                       # the edited part: red -> blue
    after[0, 0] = after[1, 0] = BLUE           # 2 of 4 follow the new colour
    after[0, 1] = (180, 40, 90)                # one moved a little, still nearer red
    after[1, 3] = (200, 200, 40)               # a leak outside the region
    after[0, 3] = (35, 182, 64)                # a tiny change (< 10 dE) is no leak
    figure = np.ones((2, 4), bool)
    steer, leak = edit_steer_leak(before, after, region, figure, BLUE, RED)
    assert steer == pytest.approx(0.5)
    assert leak == pytest.approx(0.25)
    # No edited region: steer is undefined; the "rest" is then the old region, where
    # 3 of 4 pixels moved by more than 10 (two to blue, one to a purplish red).
    steer, leak = edit_steer_leak(before, after, np.zeros((2, 4), bool), region, BLUE, RED)
    assert math.isnan(steer) and leak == pytest.approx(0.75)


def test_hint_points_largest_first_deep_inside():
    regions = np.zeros((9, 12), np.int32)
    regions[1:8, 1:8] = 1      # 7x7 square: centre (4, 4)
    regions[1:4, 9:12] = 2     # 3x3 square: centre (2, 10)
    regions[5:6, 9:11] = 3     # 1x2: first pixel (5, 9)
    pts = hint_points(regions, 5)
    assert pts.tolist() == [[4, 4], [2, 10], [5, 9]]
    assert hint_points(regions, 1).tolist() == [[4, 4]]
    assert hint_points(np.zeros((3, 3), np.int32), 2).shape == (0, 2)


def test_hint_points_on_role_labels_splits_components():
    labels = np.full((5, 11), ROLE_INDEX["background"], np.uint8)
    labels[1:4, 1:4] = ROLE_INDEX["eye"]       # two eyes: two regions of one role
    labels[1:4, 7:10] = ROLE_INDEX["eye"]
    labels[:, 5] = LINE
    pts = hint_points(labels, 3, exclude=(0, LINE, IGNORE))
    assert pts.tolist() == [[2, 2], [2, 8]]

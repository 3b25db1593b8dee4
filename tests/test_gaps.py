"""Gap-closing region finders and the region-oracle measure (colorizer.gaps)."""

import numpy as np
from PIL import Image

from colorizer.gaps import GapSettings, closing_segments, find_regions, measure_folder, oracle_accuracy, stroke_ends, trapped_ball


def two_rooms(gap: int = 6):
    """A 64x64 frame split by a wall with a ``gap`` px doorway: two rooms a fill would join."""
    ink = np.zeros((64, 64), bool)
    ink[:2], ink[-2:], ink[:, :2], ink[:, -2:] = True, True, True, True
    ink[:, 31:33] = True
    ink[29:29 + gap, 31:33] = False
    return ink


def test_trapped_ball_keeps_rooms_apart_that_a_flood_joins():
    ink = two_rooms()
    labels, n = trapped_ball(ink, 4)
    assert labels[10, 10] != labels[10, 50] and labels[10, 10] > 0 and labels[10, 50] > 0
    assert (labels[~ink] > 0).all()                      # every paper pixel has a region


def test_gap_close_joins_stroke_ends_across_the_doorway():
    ink = two_rooms()
    assert len(stroke_ends(ink)) >= 2
    seg = closing_segments(ink, 8)
    assert seg[29:35, 31:33].any() and not (seg & ink).any()
    wide_gaps = GapSettings(gap=64)                       # 8 px at 64 px
    labels, _ = find_regions(ink.astype(np.float32), "gap_close", wide_gaps)
    assert labels[10, 10] != labels[10, 50]
    wide, _ = find_regions(two_rooms(30).astype(np.float32), "gap_close", wide_gaps)
    assert wide[10, 10] == wide[10, 50]                  # a gap wider than the setting stays open


def test_oracle_accuracy_known_answer():
    ink = two_rooms(0)
    dark = ink.astype(np.float32)
    slots = np.zeros((64, 64), np.uint8)
    slots[:, 33:] = 2
    slots[:, :31] = 1
    slots[ink] = 0                                        # the lines are no part of the figure
    gt = np.zeros((64, 64, 3), np.uint8)
    gt[slots == 1] = (250, 200, 180)
    gt[slots == 2] = (60, 40, 30)
    split, _ = find_regions(dark, "seal")
    assert oracle_accuracy(split, dark, slots, gt) == 1.0
    one = (~ink).astype(np.int32)                         # one region: half the figure is wrong
    assert abs(oracle_accuracy(one, dark, slots, gt) - 0.5) < 0.05


def test_measure_folder(tmp_path):
    ink = two_rooms()
    for d in ("sketch", "color", "labels"):
        (tmp_path / d).mkdir()
    Image.fromarray(np.where(ink, 0, 255).astype(np.uint8)).save(tmp_path / "sketch" / "a.png")
    lab = np.zeros((64, 64), np.uint8)
    lab[:, :31], lab[:, 33:] = 1, 2                       # skin | hair (role indices)
    lab[ink] = 10                                         # the lines
    Image.fromarray(lab).save(tmp_path / "labels" / "a.png")
    col = np.zeros((64, 64, 3), np.uint8)
    col[lab == 1], col[lab == 2] = (250, 200, 180), (60, 40, 30)
    Image.fromarray(col).save(tmp_path / "color" / "a.png")
    res = measure_folder(tmp_path, settings=GapSettings(ball=40))   # 5 px at 64 px
    assert set(res) == {"seal", "trapped_ball", "gap_close"}
    assert res["trapped_ball"]["ceiling"] > 0.95 and res["seal"]["n"] == 1

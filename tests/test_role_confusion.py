"""python -m train.eval role-confusion on the hand-made check set of test_evaluate_checkset, shipped weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from test_evaluate_checkset import checkset  # noqa: F401  (the fixture)

from train.eval import confusion as RC
from train.eval.cli import main
from train.eval.report import confusion_table

ROOT = Path(__file__).resolve().parents[1]


def test_table_reports_recall_and_the_main_confusion():
    conf = np.zeros((9, 9), np.int64)
    conf[2, 2], conf[2, 7] = 30, 70      # hair: 30 % right, the rest painted as accessory
    conf[1, 1] = 100
    text = "\n".join(confusion_table("w", conf))
    assert "pooled accuracy 0.650 over 200 figure pixels" in text
    assert "| hair | 100 | 0.30 | accessory | 0.70 |" in text and "| skin | 100 | 1.00 | - | 0.00 |" in text


def test_confusion_of_the_shipped_weights_on_a_check_set(checkset, tmp_path):  # noqa: F811
    out, sheet = tmp_path / "rc.md", tmp_path / "rc.png"
    assert main(["role-confusion", "--weights", str(ROOT / "colorizer" / "pretrained"), "--checkset", str(checkset), "--subset", "generator",
                    "--size", "96", "--net-size", "96", "--out", str(out), "--sheet", str(sheet)]) == 0
    text = out.read_text()
    assert "pooled accuracy" in text and "| true slot |" in text
    n = len(list((checkset / "generator" / "sketch").glob("*.png")))
    assert Image.open(sheet).size == (3 * 256, n * 256)
    with pytest.raises(SystemExit):
        main(["role-confusion", "--weights", str(ROOT / "colorizer" / "pretrained"), "--data", str(tmp_path / "nothing")])


def test_close_up_blows_up_the_top_of_the_figure():
    lab = np.zeros((64, 64), np.uint8)
    lab[10:20, 20:30] = 2          # a 10 px "head" near the top
    lab[20:60, 14:36] = 6          # the body below it
    sketch = Image.fromarray(np.where(lab > 0, 200, 255).astype(np.uint8), "L")
    sk, lb = RC.close_up(sketch, Image.fromarray(lab), 4.0)
    lb = np.asarray(lb)
    assert sk.size == (64, 64) and lb.shape == (64, 64)
    assert (lb == 2).mean() > 4 * (lab == 2).mean()   # the head fills far more of the frame
    empty = Image.fromarray(np.zeros((64, 64), np.uint8))
    assert RC.close_up(sketch, empty, 4.0)[0] is sketch  # no figure: unchanged


def test_region_oracle_paints_each_region_its_majority_slot():
    # two boxes of ink outline: the left one all hair, the right one 3/4 skin and 1/4 top
    ink = np.full((64, 64), 255, np.uint8)
    ink[4:60, 4] = ink[4:60, 30] = ink[4:60, 34] = ink[4:60, 60] = 0
    ink[4, 4:31] = ink[59, 4:31] = ink[4, 34:61] = ink[59, 34:61] = 0
    lab = np.zeros((64, 64), np.uint8)
    lab[5:59, 5:30] = 2
    lab[5:59, 35:60] = 1
    lab[45:59, 35:60] = 6
    lab[ink == 0] = 10                                  # the lines
    conf = RC.oracle_confusion([("p", Image.fromarray(ink, "L"), lab)])
    # pixels in the seal band beside the ink belong to no region and are not counted
    assert 0.8 * (lab == 2).sum() < conf[2, 2] == conf[2].sum()           # the hair box is all hair
    assert 0.8 * (lab == 1).sum() < conf[1, 1] == conf[1].sum()           # the skin keeps its slot
    assert 0.8 * (lab == 6).sum() < conf[4, 1] == conf[4].sum()           # the top (slot 4) takes the skin's


def test_slot_confusion_counts_figure_pixels_only():
    lab = np.zeros((4, 4), np.uint8)          # background
    lab[:, 1:] = 2                              # hair
    lab[:, 3] = 10                              # line: not figure
    painted = np.full((4, 4), 2, np.uint8)
    painted[0, 1] = 1                           # one hair pixel painted as skin
    painted[1, 2] = 255                         # one painted with no slot: left out
    conf = RC.slot_confusion(lab, painted)
    assert conf.sum() == 7 and conf[2, 2] == 6 and conf[2, 1] == 1

"""scripts/role_confusion.py on the hand-made check set of test_evaluate_checkset, shipped weights."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from test_evaluate_checkset import checkset  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("role_confusion", ROOT / "scripts" / "role_confusion.py")
RC = importlib.util.module_from_spec(spec)
spec.loader.exec_module(RC)


def test_table_reports_recall_and_the_main_confusion():
    conf = np.zeros((9, 9), np.int64)
    conf[2, 2], conf[2, 7] = 30, 70      # hair: 30 % right, the rest painted as accessory
    conf[1, 1] = 100
    text = "\n".join(RC.table("w", conf))
    assert "pooled accuracy 0.650 over 200 figure pixels" in text
    assert "| hair | 100 | 0.30 | accessory | 0.70 |" in text and "| skin | 100 | 1.00 | - | 0.00 |" in text


def test_confusion_of_the_shipped_weights_on_a_check_set(checkset, tmp_path):  # noqa: F811
    out, sheet = tmp_path / "rc.md", tmp_path / "rc.png"
    assert RC.main(["--weights", str(ROOT / "weights"), "--checkset", str(checkset), "--subset", "generator",
                    "--size", "96", "--net-size", "96", "--out", str(out), "--sheet", str(sheet)]) == 0
    text = out.read_text()
    assert "pooled accuracy" in text and "| true slot |" in text
    n = len(list((checkset / "generator" / "sketch").glob("*.png")))
    assert Image.open(sheet).size == (3 * 256, n * 256)
    with pytest.raises(SystemExit):
        RC.main(["--weights", str(ROOT / "weights"), "--data", str(tmp_path / "nothing")])


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

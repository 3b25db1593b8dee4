"""scripts/neck_sweep.py on the hand-made check set of test_evaluate_checkset."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from test_evaluate_checkset import checkset  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("neck_sweep", ROOT / "scripts" / "neck_sweep.py")
NS = importlib.util.module_from_spec(spec)
spec.loader.exec_module(NS)


def test_own_slot_share_counts_pixels_of_their_regions_majority():
    regions = np.array([[1, 1, 1, 2], [1, 1, 2, 2], [0, 0, 0, 0]])
    slots = np.array([[3, 3, 4, 4], [3, 3, 4, 4], [0, 0, 0, 0]])
    major = np.array([-1, 3, 4])
    figure = np.ones(regions.shape, bool)
    # region 1 holds five pixels, one of them slot 4: 7 of the 8 region pixels agree with their majority
    assert NS.own_slot_share(regions, major, slots, figure) == 7 / 8
    assert np.isnan(NS.own_slot_share(regions, major, slots, np.zeros_like(figure)))


def test_sweep_reports_every_width(checkset, tmp_path, capsys):  # noqa: F811
    out = tmp_path / "sweep.md"
    assert NS.main(["--checkset", str(checkset), "--size", "96", "--necks", "0", "2", "--out", str(out)]) == 0
    text = out.read_text()
    assert "## ardentryst (2 pictures)" in text and "## generator (2 pictures)" in text
    assert text.strip() in capsys.readouterr().out
    for subset in ("ardentryst", "generator"):
        block = text.split(f"## {subset}")[1].split("##")[0]
        rows = [r for r in block.splitlines() if r.startswith("| ") and r[2].isdigit()]
        assert [r.split("|")[1].strip() for r in rows] == ["0", "2"]
        # three boxes drawn apart: the oracle is exact and every region is one part, with or without a cut
        for r in rows:
            oracle, own, n = (float(v) for v in r.split("|")[2:5])
            assert oracle > 0.95 and own == 1.0 and n >= 3


def test_sweep_refuses_an_empty_folder_and_negative_widths(tmp_path):
    assert NS.main(["--checkset", str(tmp_path)]) == 2
    assert NS.main(["--checkset", str(tmp_path), "--necks", "-1"]) == 2

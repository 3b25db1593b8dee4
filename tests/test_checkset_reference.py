"""The check-set harness on the v2 subset: the cross-reference measures take the reference in another
pose or in another outfit (--reference pose|outfit), on a built check set with known answers."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from colorizer.roles import ROLE_INDEX
from test_evaluate_checkset import HalvesColourer
from train.data.checkset import build_checkset
from train.eval import checkset as E
from train.eval.cli import main as cli_main

RED, BLUE, GREEN = (220, 30, 30), (40, 60, 220), (40, 200, 60)


def halves_v2(character, pose, outfit, size, color_style=None, sketch_style=None):
    """Left half skin (red), right half hair: blue in outfit 0, green in outfit 1; a line between."""
    col = np.full((size, size, 3), RED, np.uint8)
    col[:, size // 2:] = GREEN if outfit else BLUE
    sk = np.full((size, size), 255, np.uint8)
    sk[:, size // 2 - 1:size // 2 + 1] = 0
    col[sk < 128] = 0
    lab = np.full((size, size), ROLE_INDEX["skin"], np.uint8)
    lab[:, size // 2:] = ROLE_INDEX["hair"]
    lab[sk < 128] = ROLE_INDEX["line"]
    parts = np.where(lab == ROLE_INDEX["line"], 255, np.where(lab == ROLE_INDEX["skin"], 1, 2)).astype(np.uint8)
    return SimpleNamespace(color=Image.fromarray(col), sketch=Image.fromarray(sk, "L"),
                           labels=Image.fromarray(lab, "L"), parts=Image.fromarray(parts, "L"),
                           color_style=color_style or "cel", sketch_style=sketch_style or "clean")


@pytest.fixture
def v2_checkset(tmp_path):
    root = tmp_path / "cs"
    build_checkset(root, size=64, subsets=["v2"], v2_count=2, generate_v2=halves_v2, progress=False)
    return root


def test_cross_reference_uses_the_chosen_reference(v2_checkset, tmp_path):
    """The perfect colourer paints the hair blue: right against the pose reference (blue hair), wrong
    against the outfit reference (green hair), so cross-reference role accuracy is 1 and then 0.5."""
    pic = E.load_check_picture(v2_checkset, "v2", "v2_1100000", 64, 0, 0, reference="reference_outfit")
    assert np.asarray(pic.reference)[10, 50].tolist() == list(GREEN)
    models = {"perfect": HalvesColourer(True)}
    cross = {}
    for kind in ("pose", "outfit"):
        s = E.evaluate_checkset(models, v2_checkset, tmp_path / kind, size=64, subsets=["v2"], progress=False,
                                baselines=False, colour=False, reference=kind)
        block = s["subsets"]["v2"]
        assert block["n"] == 2 and s["config"]["reference"] == kind
        assert block["reference"] == {"pose": "reference", "outfit": "reference_outfit"}[kind]
        assert block["generator_check"] == "unchecked"          # a stand-in generator
        cross[kind] = {r["method"]: r for r in block["rows"]}["perfect"]["cross"]
        assert f"`{block['reference']}/<id>.png`" in (tmp_path / kind / "results.md").read_text()
    assert cross["pose"] == pytest.approx(1.0) and cross["outfit"] == pytest.approx(0.5)
    with pytest.raises(SystemExit, match="reference kind"):
        E.evaluate_checkset(models, v2_checkset, tmp_path / "x", size=64, subsets=["v2"], progress=False,
                            reference="hat")


def test_command_line_on_the_v2_subset_with_the_outfit_reference(v2_checkset, tmp_path):
    out = tmp_path / "cli"
    assert cli_main(["checkset", "--random-weights", "tiny", "--checkset", str(v2_checkset), "--size", "64",
                     "--subsets", "v2", "--reference", "outfit", "--out", str(out), "--no-progress",
                     "--threads", "1", "--edits", "0"]) == 0
    md = (out / "results.md").read_text()
    assert "## v2 (2 pictures)" in md and "`reference_outfit/<id>.png`" in md and "--check" in md

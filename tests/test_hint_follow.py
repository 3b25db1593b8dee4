"""scripts/hint_follow.py on tiny random weights and hand-made labelled pairs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import torch

from _train_helpers import make_labelled_pairs
from colorizer import preset
from colorizer.generator import Generator
from colorizer.weights import save_pretrained

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("hint_follow", ROOT / "scripts" / "hint_follow.py")
HF = importlib.util.module_from_spec(spec)
spec.loader.exec_module(HF)


def test_hint_follow_runs_and_reports_shares(tmp_path, capsys):
    val = make_labelled_pairs(tmp_path / "val", n=3, size=48)
    from train.data.splits import is_test_id

    names = [n for n in (f"anime-{k}" for k in range(1, 20)) if not is_test_id(n)][:3]   # ids the test guard allows
    for d in ("sketch", "color", "labels"):
        for i, name in enumerate(names):
            (val / d / f"pair{i:03d}.png").rename(val / d / f"{name}.png")
    torch.manual_seed(0)
    save_pretrained(Generator(preset("tiny", hints=True, num_roles=11)), tmp_path / "w")
    assert HF.main(["--weights", str(tmp_path / "w"), "--data", str(val), "--n", "3"]) == 0
    out = capsys.readouterr().out
    assert "hint-swap samples of anime" in out
    line = next(x for x in out.splitlines() if "moved part on the hinted slot" in x)
    moved = float(line.split("hinted slot ")[1].split(";")[0])
    assert 0.0 <= moved <= 1.0 and "with the hints" in line and "without" in line
    assert HF.main(["--weights", str(tmp_path / "w"), "--data", str(val), "--source", "nothing"]) == 2

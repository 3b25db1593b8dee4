"""scripts/inference_variants.py: every variant patches the pipeline and still colours."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

import colorizer.pipeline as P
from colorizer import Colorizer, preset
from colorizer.generator import Generator
from colorizer.roles import NUM_SLOTS

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("inference_variants", ROOT / "scripts" / "inference_variants.py")
IV = importlib.util.module_from_spec(spec)
spec.loader.exec_module(IV)


def reference() -> Image.Image:
    img = Image.new("RGB", (64, 64), "white")
    d = ImageDraw.Draw(img)
    d.rectangle((6, 6, 30, 58), fill=(240, 190, 170), outline="black", width=2)
    d.rectangle((34, 6, 58, 58), fill=(60, 40, 120), outline="black", width=2)
    return img


@pytest.mark.parametrize("variant", IV.VARIANTS)
def test_variant_patches_and_colours(variant, monkeypatch):
    # restore whatever a variant patches
    for name in ("_slot_palette", "run"):
        monkeypatch.setattr(P.Colorizer, name, getattr(P.Colorizer, name))
    monkeypatch.setattr(P, "SEGMENT_SIZE", P.SEGMENT_SIZE)
    torch.manual_seed(0)
    c = Colorizer(Generator(preset("tiny", hints=True, num_roles=11)).eval(), device="cpu", backend="torch")
    before = (P.Colorizer._slot_palette, P.Colorizer.run, P.SEGMENT_SIZE)
    IV.apply(variant)
    after = (P.Colorizer._slot_palette, P.Colorizer.run, P.SEGMENT_SIZE)
    assert (before == after) == (variant == "none")
    calls = []
    forward = c.model.forward
    c.model.forward = lambda *a, **k: calls.append(1) or forward(*a, **k)
    pal = c.extract_palette(reference())
    segment_runs = len(calls)
    assert len(pal) == NUM_SLOTS and pal.defaults is not None
    sketch = reference().convert("L").point(lambda v: 0 if v < 40 else 255)
    out = c(sketch, palette=pal, size=64)
    assert out.image.size == (64, 64) and np.asarray(out.image).std() > 0
    # network runs: one per reference view (two views) and one for the sketch, twice where mirrored
    views = len(P.REFERENCE_VIEWS)
    expect = {"flip-sketch": (views, 2), "flip-reference": (2 * views, 1), "flip-both": (2 * views, 2)}
    assert (segment_runs, len(calls) - segment_runs) == expect.get(variant, (views, 1))


def test_unknown_variant_is_refused():
    with pytest.raises(SystemExit):
        IV.apply("nonsense")
    assert IV.main([]) == 2

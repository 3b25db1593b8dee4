"""Tiny data and configs shared by the tests of the training package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from train.config import TrainConfig


def make_pairs(root: Path, n: int = 4, size: int = 48, seed: int = 0) -> Path:
    """``root/sketch`` + ``root/color`` with ``n`` pairs of outlined coloured ellipses."""
    rng = np.random.default_rng(seed)
    for d in ("sketch", "color"):
        (root / d).mkdir(parents=True, exist_ok=True)
    for i in range(n):
        c = Image.new("RGB", (size, size), "white")
        s = Image.new("RGB", (size, size), "white")
        for _ in range(2):
            x0, y0 = (int(v) for v in rng.integers(0, size // 2, 2))
            x1, y1 = x0 + int(rng.integers(size // 4, size // 2)), y0 + int(rng.integers(size // 4, size // 2))
            col = tuple(int(v) for v in rng.integers(0, 255, 3))
            ImageDraw.Draw(c).ellipse([x0, y0, x1, y1], fill=col, outline="black", width=2)
            ImageDraw.Draw(s).ellipse([x0, y0, x1, y1], outline="black", width=2)
        c.save(root / "color" / f"pair{i:03d}.png")
        s.save(root / "sketch" / f"pair{i:03d}.png")
    return root


def make_labelled_pairs(root: Path, n: int = 4, size: int = 48, seed: int = 0) -> Path:
    """Like :func:`make_pairs`, plus ``root/labels``: ellipses are skin (role 1) and hair (role 2),
    their outlines are line (10), the paper is background (0)."""
    rng = np.random.default_rng(seed)
    for d in ("sketch", "color", "labels"):
        (root / d).mkdir(parents=True, exist_ok=True)
    for i in range(n):
        c = Image.new("RGB", (size, size), "white")
        s = Image.new("RGB", (size, size), "white")
        lab = Image.new("L", (size, size), 0)
        for role in (1, 2):
            x0, y0 = (int(v) for v in rng.integers(0, size // 2, 2))
            x1, y1 = x0 + int(rng.integers(size // 4, size // 2)), y0 + int(rng.integers(size // 4, size // 2))
            col = tuple(int(v) for v in rng.integers(0, 255, 3))
            ImageDraw.Draw(c).ellipse([x0, y0, x1, y1], fill=col, outline="black", width=2)
            ImageDraw.Draw(s).ellipse([x0, y0, x1, y1], outline="black", width=2)
            ImageDraw.Draw(lab).ellipse([x0, y0, x1, y1], fill=role, outline=10, width=2)
        c.save(root / "color" / f"pair{i:03d}.png")
        s.save(root / "sketch" / f"pair{i:03d}.png")
        lab.save(root / "labels" / f"pair{i:03d}.png")
    return root


# A tiny generator and discriminator on 32 px crops, no feature net, one process on the CPU.
TINY = {
    "data.val_path": None, "data.val_images": 2, "data.crop_size": 32, "augment.line_width_prob": 0.0,
    "model.generator_preset": "tiny", "model.d_channels": 8, "model.d_layers": 2,
    "loss.feature.net": "none", "loss.feature.weight": 0.0, "schedule.batch_size": 2, "schedule.steps": 4,
    "compute.num_workers": 0, "compute.device": "cpu", "compute.bf16": False, "compute.channels_last": False,
    "run.checkpoint_every": 2, "run.sample_every": 2, "run.val_every": 0, "run.log_every": 1, "run.seed": 0,
}


def tiny_config(data: Path, options: dict[str, Any] | None = None) -> TrainConfig:
    """:data:`TINY` on the corpus ``data``, then ``options`` ({dotted path: value}, as ``--set``)."""
    return TrainConfig().updated({"data.path": str(data), **TINY, **(options or {})})


def tiny_args(data: Path, options: dict[str, Any] | None = None) -> list[str]:
    """The same as ``python -m train`` arguments (``--set path=value`` for each option)."""
    import json

    out = []
    for k, v in {"data.path": str(data), **TINY, **(options or {})}.items():
        out += ["--set", f"{k}={json.dumps(v)}"]
    return out

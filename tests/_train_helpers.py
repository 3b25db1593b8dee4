"""Tiny data and configs shared by the tests of the training package."""

from __future__ import annotations

from pathlib import Path

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


def tiny_config(data: Path, **overrides) -> TrainConfig:
    d = dict(data=str(data), val_data=None, val_images=2, crop_size=32, batch_size=2, steps=4,
             generator_preset="tiny", feature_net="none", loss_feature=0.0, d_channels=8, d_layers=2,
             num_workers=0, device="cpu", bf16=False, channels_last=False, checkpoint_every=2,
             sample_every=2, val_every=0, log_every=1, line_width_prob=0.0, seed=0)
    d.update(overrides)
    return TrainConfig(**d).validate()

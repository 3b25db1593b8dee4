"""Sample grids: one row per image, columns sketch | palette | output | target."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image


def _rgb(t: torch.Tensor) -> np.ndarray:
    """(3, H, W) in [-1, 1] -> (H, W, 3) uint8."""
    return ((t.detach().float().clamp(-1, 1) + 1) * 127.5).round().byte().permute(1, 2, 0).cpu().numpy()


def palette_strip(palette: torch.Tensor, height: int, width: int) -> np.ndarray:
    """(3K,) palette vector -> (H, W, 3) image of K horizontal bands."""
    cols = ((palette.detach().float().view(-1, 3).clamp(-1, 1) + 1) * 127.5).round().byte().cpu().numpy()
    rows = np.linspace(0, len(cols), height, endpoint=False).astype(int)
    return np.repeat(cols[rows][:, None, :], width, axis=1)


def sample_grid(sketch: torch.Tensor, palette: torch.Tensor, output: torch.Tensor,
                target: torch.Tensor) -> Image.Image:
    rows = []
    for s, p, o, t in zip(sketch, palette, output, target):
        h, w = s.shape[-2:]
        rows.append(np.concatenate([_rgb(s), palette_strip(p, h, max(8, w // 4)), _rgb(o), _rgb(t)], axis=1))
    return Image.fromarray(np.concatenate(rows, axis=0), "RGB")


def save_grid(image: Image.Image, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.png")
    image.save(tmp)
    tmp.replace(path)
    return path

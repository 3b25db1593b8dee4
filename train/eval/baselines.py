"""Trivial colourisers that a trained model has to beat.

Both take the sketch as a uint8 RGB array (H, W, 3) (black lines on white) and a
palette as (K, 3) uint8 colours with (K,) shares, and return a uint8 RGB array of
the same shape:

* :func:`sketch_baseline` - the sketch itself (ignores the palette).
* :func:`flat_fill` - the background (paper connected to the border) stays white,
  every other paper pixel takes the palette's most common non-white colour, and
  line pixels keep the sketch's value.
"""

from __future__ import annotations

import numpy as np

from colorizer.processing import LINE_THRESHOLD, line_mask
from PIL import Image

# A sketch pixel is "line" when its ink darkness (colorizer.processing.line_mask,
# 0 = paper .. 1 = ink) is above colorizer.processing.LINE_THRESHOLD, i.e. grey level below 100.
# A palette colour is "white" (skipped by the flat fill) when every channel is at least this.
WHITE_LEVEL = 230


def line_pixels(sketch: np.ndarray, threshold: float = LINE_THRESHOLD) -> np.ndarray:
    """Boolean (H, W) map of the sketch's line pixels: ``line_mask(sketch) > threshold``."""
    return line_mask(Image.fromarray(np.asarray(sketch, dtype=np.uint8))) > threshold


def sketch_baseline(sketch: np.ndarray, palette: np.ndarray | None = None,
                    shares: np.ndarray | None = None) -> np.ndarray:
    """The sketch as the output (RGB copy)."""
    s = np.asarray(sketch, dtype=np.uint8)
    return np.repeat(s[..., None], 3, axis=-1) if s.ndim == 2 else s[..., :3].copy()


def fill_color(palette: np.ndarray, shares: np.ndarray | None = None,
               white_level: int = WHITE_LEVEL) -> np.ndarray:
    """The palette's most common non-white colour (largest share; ties: first).

    Swatches whose every channel is >= ``white_level`` count as white. A palette
    of only white colours gives its first colour.
    """
    pal = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
    s = np.ones(len(pal)) if shares is None else np.asarray(shares, dtype=np.float64)
    nonwhite = [i for i in range(len(pal)) if pal[i].min() < white_level]
    if not nonwhite:
        return pal[0].copy()
    best = max(nonwhite, key=lambda i: (s[i], -i))
    return pal[best].copy()


def background_mask(lines: np.ndarray) -> np.ndarray:
    """Paper pixels (not ``lines``) 4-connected to the image border."""
    from scipy import ndimage

    paper = ~np.asarray(lines, dtype=bool)
    labels, _ = ndimage.label(paper)  # default structure: 4-connectivity
    border = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    keep = np.unique(border[border > 0])
    return np.isin(labels, keep)


def flat_fill(sketch: np.ndarray, palette: np.ndarray, shares: np.ndarray | None = None,
              threshold: float = LINE_THRESHOLD) -> np.ndarray:
    """Flat-fill baseline: white background, enclosed paper in :func:`fill_color`, lines kept."""
    out = sketch_baseline(sketch)
    lines = line_pixels(out, threshold)
    background = background_mask(lines)
    inside = ~lines & ~background
    out[background] = 255
    out[inside] = fill_color(palette, shares)
    return out


# name -> function(sketch, palette, shares) used by the evaluation harness
BASELINES = {
    "sketch": sketch_baseline,
    "flat fill": flat_fill,
}

__all__ = ["BASELINES", "LINE_THRESHOLD", "background_mask", "fill_color", "flat_fill",
           "line_pixels", "sketch_baseline"]

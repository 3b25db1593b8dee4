"""Generator v2's line art: the clean ink, or lines as users make them.

``clean``: the drawing's own ink. ``xdog`` / ``dog``: lines extracted from the
(painted or cel) colour picture by :func:`train.sketch_styles.xdog_sketch` /
:func:`~train.sketch_styles.dog_sketch`: outlines and the edges of the shading.
``doubled``: every stroke drawn twice, the second pass a little off.
``broken``: pieces of the strokes missing. ``hatched``: the clean ink with
hatching over the shadows. The label map's ``line`` pixels are always the clean
ink's, so every style is aligned with the same labels.
"""

from __future__ import annotations

import cv2
import numpy as np

from train.sketch_styles import add_gaps, dog_sketch, xdog_sketch

__all__ = ["SKETCH_STYLES", "SKETCH_WEIGHTS", "shadow_mask", "make_sketch"]

SKETCH_STYLES = ("clean", "xdog", "dog", "doubled", "broken", "hatched")
SKETCH_WEIGHTS = (3.0, 2.0, 1.0, 1.2, 1.3, 1.5)
MIN_EXTRACTED_INK = 0.3  # extracted lines with less ink than this share of the clean ink's keep the clean ink too


def shadow_mask(fills: np.ndarray, parts: np.ndarray, ignore=(0, 255)) -> np.ndarray:
    """Pixels in cel shadow: darker than the median of their garment region."""
    lum = fills.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    out = np.zeros(parts.shape, bool)
    for pid in np.unique(parts):
        if pid in ignore:
            continue
        m = parts == pid
        out |= m & (lum < np.median(lum[m]) - 8.0)
    return out


def _hatching(shape: tuple[int, int], mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = shape
    k = h / 256.0
    spacing = rng.uniform(3.0, 5.0) * k
    ang = rng.choice([np.pi / 4, -np.pi / 4, np.pi / 3, -np.pi / 5])
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    u = (xx * np.cos(ang) + yy * np.sin(ang)) % spacing
    width = max(0.8, 0.9 * k)
    dark = np.clip(1.0 - np.abs(u - spacing / 2) / width, 0.0, 1.0) * rng.uniform(0.55, 0.9)
    return np.where(mask, 255.0 * (1.0 - dark), 255.0).astype(np.uint8)


def make_sketch(style: str, ink: np.ndarray, color: np.ndarray, fills: np.ndarray, parts: np.ndarray,
                rng: np.random.Generator, second_pass: np.ndarray | None = None) -> np.ndarray:
    """Sketch (H, W) uint8 in ``style`` from the clean ``ink``, the finished ``color`` picture, the
    cel ``fills`` and the ``parts`` map; ``second_pass`` is the ink drawn again off by a little
    (for ``doubled``)."""
    if style not in SKETCH_STYLES:
        raise ValueError(f"sketch style must be one of {SKETCH_STYLES}, got {style!r}")
    k = ink.shape[0] / 256.0
    if style == "clean":
        return ink
    if style in ("xdog", "dog"):
        fn = xdog_sketch if style == "xdog" else dog_sketch
        sig = (0.5, 0.8, 1.2) if style == "xdog" else (0.6, 1.0, 1.6)
        out = fn(color, rng, sigmas=tuple(s * k for s in sig))
        if (out < 128).sum() < MIN_EXTRACTED_INK * (ink < 128).sum():
            out = np.minimum(out, ink)
        return out
    if style == "doubled":
        if second_pass is None:
            raise ValueError("the doubled style needs the second pass of the ink")
        a = rng.uniform(0.45, 0.8)
        ghost = (255.0 - (255.0 - second_pass.astype(np.float32)) * a).astype(np.uint8)
        return np.minimum(ink, ghost)
    if style == "broken":
        out = add_gaps(ink, rng)
        return add_gaps(out, rng) if rng.random() < 0.5 else out
    # hatched: over part of the shadows (a few large patches)
    sh = shadow_mask(fills, parts)
    if rng.random() < 0.7:
        field = cv2.GaussianBlur(rng.standard_normal(ink.shape).astype(np.float32), (0, 0), 20 * k)
        sh &= field > np.float32(rng.uniform(-0.6, 0.2)) * field.std()
    return np.minimum(ink, _hatching(ink.shape, sh, rng))

"""Evaluation metrics for colourised sketches: pure functions on numpy arrays.

Images are uint8 RGB arrays of shape (H, W, 3); the palette functions also accept
flat pixel lists of shape (N, 3), so the harness can compute them on a pixel
subsample. Colour differences are CIEDE2000 in CIELAB (D65) of the sRGB values, both
from :mod:`colorizer.color` (which agrees with ``skimage.color.rgb2lab`` to about 0.01
in Lab and with ``skimage.color.deltaE_ciede2000`` to float precision).

Definitions (the harness, ``python -m train.eval``, averages every per-image value
over the evaluated images):

* **PSNR** - ``10 log10(255^2 / MSE)`` with MSE over all pixels and the three RGB
  channels of output vs ground truth (uint8 scale); ``inf`` for identical images.
* **SSIM** - ``skimage.metrics.structural_similarity`` on the RGB images
  (``channel_axis=-1``, ``data_range=255``, default 7x7 uniform window), i.e. the
  mean of the per-channel SSIM maps.
* **Palette adherence** - the share of the scored pixels (non-line pixels) whose
  colour is within ``ADHERENCE_DE`` (15) CIEDE2000 of at least one palette colour.
* **Palette steer** - see :func:`steer_score`: after one swatch is replaced by a
  far colour, the share of that swatch's region whose colour is nearer (CIEDE2000)
  to the new colour than to the old one.
"""

from __future__ import annotations

import math

import numpy as np

from colorizer.color import delta_e_ciede2000, rgb_to_lab

# A pixel "uses" a palette colour when it is within this CIEDE2000 distance of it.
ADHERENCE_DE = 15.0
# Swatches whose CIELAB chroma sqrt(a*^2 + b*^2) is below this are achromatic
# (white, black, greys) and are never picked for the steer test.
MIN_CHROMA = 20.0
# Saturated candidates for the replacement colour of the steer test: the one
# farthest (CIEDE2000) from the swatch being replaced is used.
STEER_CANDIDATES = np.array([
    (255, 0, 0), (255, 128, 0), (255, 255, 0), (128, 255, 0), (0, 255, 0), (0, 255, 128),
    (0, 255, 255), (0, 128, 255), (0, 0, 255), (128, 0, 255), (255, 0, 255), (255, 0, 128),
], dtype=np.uint8)


# -- image similarity -------------------------------------------------------------------

def psnr(output: np.ndarray, target: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB on the 0..255 scale: ``10 log10(255^2 / MSE)``.

    MSE is the mean squared difference over every pixel and channel; identical
    images give ``inf``.
    """
    a, b = _same_shape(output, target)
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    if mse == 0.0:
        return math.inf
    return 10.0 * math.log10(255.0**2 / mse)


def ssim(output: np.ndarray, target: np.ndarray) -> float:
    """Structural similarity of two RGB uint8 images (skimage, channel_axis=-1, data_range=255)."""
    from skimage.metrics import structural_similarity

    a, b = _same_shape(output, target)
    return float(structural_similarity(a, b, channel_axis=-1, data_range=255))


def _same_shape(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(f"images must have the same shape, got {a.shape} and {b.shape}")
    return a, b


# -- colour helpers ----------------------------------------------------------------------

def to_lab(rgb: np.ndarray) -> np.ndarray:
    """uint8 sRGB (..., 3) -> CIELAB (..., 3) float64 (D65)."""
    return rgb_to_lab(np.asarray(rgb), dtype=np.float64)


def delta_e(lab_a: np.ndarray, lab_b: np.ndarray) -> np.ndarray:
    """CIEDE2000 between every row of ``lab_a`` (N, 3) and of ``lab_b`` (K, 3): (N, K)."""
    a = np.asarray(lab_a, dtype=np.float64).reshape(-1, 1, 3)
    b = np.asarray(lab_b, dtype=np.float64).reshape(1, -1, 3)
    return delta_e_ciede2000(a, b)


def chroma(rgb: np.ndarray) -> np.ndarray:
    """CIELAB chroma ``sqrt(a*^2 + b*^2)`` of uint8 RGB colours (..., 3) -> (...)."""
    lab = to_lab(rgb)
    return np.hypot(lab[..., 1], lab[..., 2])


def _pixels(image: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """The (N, 3) pixels of ``image`` where ``mask`` is true (all pixels without a mask)."""
    px = np.asarray(image).reshape(-1, 3)
    if mask is not None:
        m = np.asarray(mask, dtype=bool).reshape(-1)
        if m.shape[0] != px.shape[0]:
            raise ValueError("mask and image must have the same number of pixels")
        px = px[m]
    return px


def sample_indices(mask: np.ndarray, max_pixels: int, seed: int = 0) -> np.ndarray:
    """Flat indices of at most ``max_pixels`` true pixels of ``mask``, drawn without
    replacement by a seeded generator (all of them, in order, when there are fewer)."""
    idx = np.flatnonzero(np.asarray(mask, dtype=bool))
    if len(idx) > max_pixels:
        rng = np.random.default_rng(seed)
        idx = np.sort(rng.choice(idx, size=max_pixels, replace=False))
    return idx


# -- palette adherence -------------------------------------------------------------------

def palette_adherence(image: np.ndarray, palette: np.ndarray, mask: np.ndarray | None = None,
                      threshold: float = ADHERENCE_DE) -> float:
    """Share of pixels within ``threshold`` CIEDE2000 of at least one palette colour.

    ``image``: uint8 RGB (H, W, 3) or pixels (N, 3); ``palette``: (K, 3) uint8;
    ``mask`` (optional, same leading shape as ``image``): the pixels to score,
    e.g. the non-line pixels. Returns ``nan`` when no pixel is scored.
    """
    px = _pixels(image, mask)
    if len(px) == 0:
        return math.nan
    pal = np.unique(np.asarray(palette, dtype=np.uint8).reshape(-1, 3), axis=0)
    d = delta_e(to_lab(px), to_lab(pal))
    return float(np.mean(d.min(axis=1) <= threshold))


# -- palette steer -----------------------------------------------------------------------

def steer_swatch(palette: np.ndarray, shares: np.ndarray | None = None,
                 min_chroma: float = MIN_CHROMA) -> int | None:
    """Index of the largest-share chromatic swatch (chroma >= ``min_chroma``).

    Swatches with share 0 (repeats filling up a short palette) are skipped. Without
    ``shares`` the first chromatic swatch wins (palettes are stored largest first).
    ``None`` when the palette has no chromatic swatch.
    """
    pal = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
    c = chroma(pal)
    s = np.ones(len(pal)) if shares is None else np.asarray(shares, dtype=np.float64)
    best = None
    for i in range(len(pal)):
        if c[i] >= min_chroma and s[i] > 0 and (best is None or s[i] > s[best]):
            best = i
    return best


def far_color(color, candidates: np.ndarray = STEER_CANDIDATES) -> np.ndarray:
    """The candidate colour with the largest CIEDE2000 from ``color`` (uint8 RGB)."""
    cand = np.asarray(candidates, dtype=np.uint8).reshape(-1, 3)
    d = delta_e(to_lab(np.asarray(color, dtype=np.uint8).reshape(1, 3)), to_lab(cand))[0]
    return cand[int(np.argmax(d))].copy()


def nearest_swatch(image: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """Index of the CIEDE2000-nearest palette colour for each pixel (shape of ``image`` minus 3)."""
    img = np.asarray(image, dtype=np.uint8)
    pal = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
    px = img.reshape(-1, 3)
    # Flat-coloured pictures repeat few colours: compute each distinct colour once.
    uniq, inverse = np.unique(px, axis=0, return_inverse=True)
    nearest = delta_e(to_lab(uniq), to_lab(pal)).argmin(axis=1)
    return nearest[inverse.reshape(-1)].reshape(img.shape[:-1])


def steer_region(target: np.ndarray, palette: np.ndarray, index: int,
                 mask: np.ndarray | None = None) -> np.ndarray:
    """Boolean map of the ground-truth pixels whose nearest swatch is ``index``
    (restricted to ``mask``, e.g. the non-line pixels)."""
    region = nearest_swatch(target, palette) == index
    if mask is not None:
        region &= np.asarray(mask, dtype=bool).reshape(region.shape)
    return region


def steer_score(output: np.ndarray, region: np.ndarray | None, old_color, new_color) -> float:
    """Share of ``region`` pixels of ``output`` nearer (CIEDE2000) to ``new_color`` than to ``old_color``.

    Run on the output for the edited palette this is the *steer*; on the output for
    the unedited palette it is the *steer control* (about 0 for a model that follows
    its palette). ``nan`` when the region is empty.
    """
    px = _pixels(output, region)
    if len(px) == 0:
        return math.nan
    ref = to_lab(np.asarray([old_color, new_color], dtype=np.uint8))
    d = delta_e(to_lab(px), ref)
    return float(np.mean(d[:, 1] < d[:, 0]))


__all__ = [
    "ADHERENCE_DE", "MIN_CHROMA", "STEER_CANDIDATES", "chroma", "delta_e", "far_color",
    "nearest_swatch", "palette_adherence", "psnr", "sample_indices", "ssim", "steer_region",
    "steer_score", "steer_swatch", "to_lab",
]

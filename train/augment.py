"""Colour augmentations that move the target image and its palette together.

The central one is :func:`recolor_clusters`: every pixel of the target is
labelled with its nearest palette colour (in Lab), and some clusters are moved
to a new colour - the cluster centre is rotated in hue, scaled in chroma and
shifted in lightness, and every pixel of the cluster keeps its residual from
the centre, so shading and anti-aliasing survive. The swatch moves by exactly
the same amount. A model trained on this has to follow the swatches region by
region; a global hue rotation alone only teaches it to re-tint the whole figure.
"""

from __future__ import annotations

import numpy as np

# D65 white point and sRGB <-> XYZ matrices.
_WHITE = np.array([0.95047, 1.0, 1.08883])
_RGB2XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                     [0.2126729, 0.7151522, 0.0721750],
                     [0.0193339, 0.1191920, 0.9503041]])
_XYZ2RGB = np.linalg.inv(_RGB2XYZ)


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) uint8 or float 0..255 sRGB -> (..., 3) float CIE Lab."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = lin @ _RGB2XYZ.T / _WHITE
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)


def lab_to_rgb(lab: np.ndarray) -> np.ndarray:
    """(..., 3) Lab -> (..., 3) float sRGB 0..255 (clipped to the gamut)."""
    lab = np.asarray(lab, dtype=np.float64)
    fy = (lab[..., 0] + 16) / 116
    f = np.stack([fy + lab[..., 1] / 500, fy, fy - lab[..., 2] / 200], -1)
    xyz = np.where(f ** 3 > 216 / 24389, f ** 3, (116 * f - 16) / (24389 / 27)) * _WHITE
    lin = np.clip(xyz @ _XYZ2RGB.T, 0.0, 1.0)
    c = np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)
    return np.clip(c * 255.0, 0.0, 255.0)


def nearest_labels(lab_pixels: np.ndarray, lab_palette: np.ndarray) -> np.ndarray:
    """Index of the nearest palette colour for each pixel: (H, W, 3), (K, 3) -> (H, W)."""
    d = ((lab_pixels[..., None, :] - lab_palette) ** 2).sum(-1)
    return d.argmin(-1)


def is_neutral(lab: np.ndarray) -> np.ndarray:
    """True for near-white (paper/background) and near-black (ink) colours."""
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    return ((lab[..., 0] > 90) | (lab[..., 0] < 15)) & (chroma < 10)


def move_lab(lab: np.ndarray, hue_deg: float, chroma_scale: float, dl: float) -> np.ndarray:
    """Rotate the hue, scale the chroma and shift the lightness of Lab colours."""
    t = np.deg2rad(hue_deg)
    a = lab[..., 1] * np.cos(t) - lab[..., 2] * np.sin(t)
    b = lab[..., 1] * np.sin(t) + lab[..., 2] * np.cos(t)
    return np.stack([np.clip(lab[..., 0] + dl, 0, 100), a * chroma_scale, b * chroma_scale], -1)


def recolor_clusters(image: np.ndarray, palette: np.ndarray, rng: np.random.Generator,
                     cluster_prob: float = 0.5, hue_max: float = 180.0,
                     chroma_range: tuple[float, float] = (0.6, 1.5), lightness_max: float = 15.0,
                     neutral_prob: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Move some palette clusters of ``image`` to new colours; return (image, palette).

    ``image``: (H, W, 3) uint8 RGB; ``palette``: (K, 3) uint8 RGB (repeated colours
    allowed). Each distinct swatch is moved with probability ``cluster_prob``
    (``neutral_prob`` for near-white / near-black ones). Pixels keep their Lab
    residual from their cluster centre; the swatch becomes the moved centre.
    """
    img_lab = rgb_to_lab(image)
    pal_lab = rgb_to_lab(palette)
    labels = nearest_labels(img_lab, pal_lab)
    new_pal_lab = pal_lab.copy()
    moved = np.zeros(len(palette), dtype=bool)
    # Identical swatches (palettes padded by repetition) move together.
    _, first = np.unique(palette, axis=0, return_inverse=True)
    first = first.reshape(-1)
    for group in np.unique(first):
        members = np.flatnonzero(first == group)
        p = neutral_prob if is_neutral(pal_lab[members[0]]) else cluster_prob
        if rng.random() >= p:
            continue
        # Grey swatches have no hue to rotate: give them some chroma first.
        centre = pal_lab[members[0]].copy()
        if np.hypot(centre[1], centre[2]) < 5:
            angle = rng.uniform(0, 2 * np.pi)
            centre[1:] = rng.uniform(10, 40) * np.array([np.cos(angle), np.sin(angle)])
        target = move_lab(centre, rng.uniform(-hue_max, hue_max), rng.uniform(*chroma_range),
                          rng.uniform(-lightness_max, lightness_max))
        new_pal_lab[members] = target
        moved[members] = True
    if not moved.any():
        return image, palette
    # Snap the moved swatches to displayable colours, then move pixels by the same offset.
    new_palette = palette.copy()
    new_palette[moved] = np.round(lab_to_rgb(new_pal_lab[moved])).astype(np.uint8)
    offset = rgb_to_lab(new_palette) - pal_lab
    offset[~moved] = 0.0
    out = lab_to_rgb(img_lab + offset[labels])
    keep = ~moved[labels]
    out[keep] = image[keep]
    return np.round(out).astype(np.uint8), new_palette


def shift_hue(image: np.ndarray, palette: np.ndarray, degrees: float) -> tuple[np.ndarray, np.ndarray]:
    """Rotate the hue of image and palette alike (in Lab, lightness kept)."""
    img = np.round(lab_to_rgb(move_lab(rgb_to_lab(image), degrees, 1.0, 0.0))).astype(np.uint8)
    pal = np.round(lab_to_rgb(move_lab(rgb_to_lab(palette), degrees, 1.0, 0.0))).astype(np.uint8)
    return img, pal

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

from colorizer.color import lab_to_rgb, rgb_to_lab

__all__ = ["rgb_to_lab", "lab_to_rgb", "nearest_labels", "is_neutral", "move_lab", "recolor_clusters", "shift_hue"]


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
                     neutral_prob: float = 0.05, labels: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Move some palette clusters of ``image`` to new colours; return (image, palette).

    ``labels``: optional (H, W) palette index of every pixel (a semantic slot map; values
    outside the palette, e.g. 255 for lines, are never moved). Without it every pixel
    belongs to its nearest palette colour.

    ``image``: (H, W, 3) uint8 RGB; ``palette``: (K, 3) uint8 RGB (repeated colours
    allowed). Each distinct swatch is moved with probability ``cluster_prob``
    (``neutral_prob`` for near-white / near-black ones). Pixels keep their Lab
    residual from their cluster centre; the swatch becomes the moved centre.
    """
    img_lab = rgb_to_lab(image)
    pal_lab = rgb_to_lab(palette)
    fixed = None
    if labels is None:
        labels = nearest_labels(img_lab, pal_lab)
    else:
        labels = np.asarray(labels).astype(np.int64)
        fixed = labels >= len(palette)
        labels = np.where(fixed, 0, labels)
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
    if fixed is not None:
        keep |= fixed
    out[keep] = image[keep]
    return np.round(out).astype(np.uint8), new_palette


def shift_hue(image: np.ndarray, palette: np.ndarray, degrees: float) -> tuple[np.ndarray, np.ndarray]:
    """Rotate the hue of image and palette alike (in Lab, lightness kept)."""
    img = np.round(lab_to_rgb(move_lab(rgb_to_lab(image), degrees, 1.0, 0.0))).astype(np.uint8)
    pal = np.round(lab_to_rgb(move_lab(rgb_to_lab(palette), degrees, 1.0, 0.0))).astype(np.uint8)
    return img, pal

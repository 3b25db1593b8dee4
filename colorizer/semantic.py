"""Semantic palettes: fill the 9 slots from a reference picture's own layout.

The reference's 9 K-means colours (:func:`colorizer.palette.extract_palette`) say
*which* colours the picture has; its segmentation into roles (the generator's
role head run on the reference itself) says *where* they are. Every pixel votes
for its role's slot with its nearest K-means colour; a slot takes the colour
that holds most of its pixels. A slot with (almost) no pixels in the reference
keeps a default colour (:data:`colorizer.roles.DEFAULT_SLOT_COLORS`) and is
marked as a default in the palette.
"""

from __future__ import annotations

import numpy as np

from .palette import Palette, hex_to_rgb
from .roles import DEFAULT_SLOT_COLORS, NUM_SLOTS
from .settings import DEFAULT_RENDER

# The shipped share from which a slot counts as present (RenderSettings.min_slot_share).
MIN_SLOT_SHARE = DEFAULT_RENDER.min_slot_share


def default_slot_palette() -> Palette:
    colors = np.array([hex_to_rgb(c) for c in DEFAULT_SLOT_COLORS], np.uint8)
    return Palette(colors, np.zeros(NUM_SLOTS), defaults=np.ones(NUM_SLOTS, bool))


def assign_slots(pixels: np.ndarray, pixel_slots: np.ndarray, kmeans: Palette,
                 num_slots: int = NUM_SLOTS, min_share: float = MIN_SLOT_SHARE) -> Palette:
    """The slot palette of a reference.

    ``pixels``: (N, 3) uint8 reference pixels; ``pixel_slots``: (N,) slot of each
    (255 = line or unknown, not counted); ``kmeans``: the reference's K-means palette;
    ``min_share``: :attr:`colorizer.settings.RenderSettings.min_slot_share`.
    """
    pixels = np.asarray(pixels)
    pixel_slots = np.asarray(pixel_slots)
    centres = kmeans.colors.astype(np.float32)
    d = ((pixels[:, None, :].astype(np.float32) - centres[None]) ** 2).sum(-1)
    nearest = d.argmin(axis=1)
    valid = pixel_slots < num_slots
    k = len(centres)
    votes = np.zeros((num_slots, k), np.int64)
    np.add.at(votes, (pixel_slots[valid].astype(np.int64), nearest[valid]), 1)
    total = max(1, int(valid.sum()))
    base = default_slot_palette()
    colors = base.colors.copy()
    shares = np.zeros(num_slots)
    defaults = np.ones(num_slots, bool)
    for s in range(num_slots):
        n = votes[s].sum()
        if n >= max(1, min_share * total):
            colors[s] = kmeans.colors[int(votes[s].argmax())]
            shares[s] = n / total
            defaults[s] = False
    return Palette(colors, shares, defaults=defaults)


__all__ = ["MIN_SLOT_SHARE", "assign_slots", "default_slot_palette"]

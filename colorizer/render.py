"""Region rendering with semantic slots: one role per line-enclosed region, cel shading.

The role head of the generator gives per-pixel role logits. Here every region
enclosed by the sketch's lines (:func:`colorizer.regions.region_labels`, cut at its
narrow necks when ``neck`` > 0) takes
the slot whose probabilities summed over the region are largest, and is filled
with that slot's palette colour, exactly. A hint pins the region under its point
to its slot. With cel shading, the part of a region where the network's own
output is clearly darker than the rest becomes one shadow tone of the region's
colour: two tones per region, as in anime cel shading. The ink takes the colour
of the nearest region underneath; the pipeline multiplies the sketch's own lines
on top (``keep_lines``).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy import ndimage

from .processing import LINE_THRESHOLD
from .regions import _CROSS, region_labels
from .roles import NUM_SLOTS, ROLE_TO_SLOT, ROLES
from .settings import DEFAULT_RENDER, RenderSettings

@dataclass(frozen=True)
class RegionMap:
    """The regions of a sketch, which depend on its lines only (not on the network): computed
    once per sketch, beside the network run, and reused for every swatch edit."""
    labels: np.ndarray       # (H, W) int32 region labels (0 = ink / seal band)
    n: int                   # number of regions
    nearest: np.ndarray      # (H * W,) flat index of every pixel's nearest region pixel
    has_ink: bool            # some pixel is ink or seal band (label 0)


def region_map(darkness: np.ndarray, seal: int = 1, neck: int = 0, threshold: float = LINE_THRESHOLD) -> RegionMap:
    """The :class:`RegionMap` of a line darkness map ((H, W) in [0, 1]): regions enclosed by the
    ink (darkness > ``threshold``), gaps sealed and regions cut at necks
    (:func:`colorizer.regions.region_labels`)."""
    darkness = np.asarray(darkness)
    labels, n = region_labels(darkness > threshold, seal, neck)
    w = labels.shape[1]
    ink = labels == 0
    if n > 0 and ink.any():
        near = ndimage.distance_transform_edt(ink, return_distances=False, return_indices=True)
        nearest = (near[0] * w + near[1]).ravel()
    else:
        nearest = np.arange(labels.size)
    return RegionMap(labels=labels, n=int(n), nearest=nearest, has_ink=bool(ink.any()))


@dataclass
class RoleRender:
    image: np.ndarray        # (H, W, 3) uint8: flat colours with cel shading
    base: np.ndarray         # (H, W, 3) uint8: flat colours only
    slots: np.ndarray        # (H, W) uint8 slot of every pixel (ink takes its nearest region's)
    shadow: np.ndarray       # (H, W) float32 in [0, 1]: how much of the shadow tone a pixel has
    shadow_ratio: np.ndarray  # (H, W) float32 luma ratio of the shadow tone (1 = none)
    regions: np.ndarray      # (H, W) int32 region labels (0 = ink / seal band)
    region_slots: np.ndarray  # (n + 1,) slot of every region (index 0 unused)


def role_to_slot_matrix(num_roles: int = len(ROLES), num_slots: int = NUM_SLOTS) -> np.ndarray:
    """(num_slots, num_roles) 0/1 matrix summing role probabilities into slots; ``line`` feeds none."""
    m = np.zeros((num_slots, num_roles), np.float32)
    for r, name in enumerate(ROLES[:num_roles]):
        s = ROLE_TO_SLOT.get(name)
        if s is not None and s < num_slots:
            m[s, r] = 1.0
    return m


def slot_probabilities(role_logits: np.ndarray, num_slots: int = NUM_SLOTS) -> np.ndarray:
    """(R, H, W) role logits -> (K, H, W) float32 slot probabilities (softmax over roles, ``line`` dropped)."""
    z = np.asarray(role_logits, np.float32)
    r = z.shape[0]
    flat = z.reshape(r, -1)
    e = np.exp(flat - flat.max(axis=0))
    inv = 1.0 / e.sum(axis=0)
    m = role_to_slot_matrix(r, num_slots)
    out = np.zeros((num_slots, flat.shape[1]), np.float32)
    for k in range(num_slots):  # the 0/1 matrix as sums: a small matmul is far slower here
        for j in np.flatnonzero(m[k]):
            out[k] += e[j]
        out[k] *= inv
    return out.reshape((num_slots,) + z.shape[1:])


def _open_cross(mask: np.ndarray) -> np.ndarray:
    """``scipy.ndimage.binary_opening(mask)`` (3x3 cross, outside the picture counts as empty),
    on OpenCV: the same pixels, far faster (docs/results.md, "Speed")."""
    u = np.ascontiguousarray(mask, dtype=bool).view(np.uint8)
    e = cv2.erode(u, _CROSS, borderType=cv2.BORDER_CONSTANT, borderValue=0)
    return cv2.dilate(e, _CROSS, borderType=cv2.BORDER_CONSTANT, borderValue=0).view(bool)


def _argmax0(p: np.ndarray) -> np.ndarray:
    """``p.argmax(axis=0)`` of a (K, N) array, row by row (contiguous passes; the first maximum
    wins ties, as in NumPy)."""
    best = p[0].copy()
    idx = np.zeros(p.shape[1], np.intp)
    for j in range(1, p.shape[0]):
        idx[p[j] > best] = j
        np.maximum(best, p[j], out=best)
    return idx


def _luma(rgb: np.ndarray) -> np.ndarray:
    c = rgb.astype(np.float32)
    return 0.299 * c[..., 0] + 0.587 * c[..., 1] + 0.114 * c[..., 2]


def render_roles(color: np.ndarray, darkness: np.ndarray, slot_probs: np.ndarray, palette: np.ndarray,
                 pins: list[tuple[int, int, int]] = (), seal: int = 1, neck: int = 0,
                 cel_shading: bool = True, threshold: float = LINE_THRESHOLD, regions: RegionMap | None = None,
                 settings: RenderSettings = DEFAULT_RENDER, corrected=None) -> RoleRender:
    """Fill each region of the sketch with its slot's colour.

    ``color``: (H, W, 3) uint8, the network's colour output at this size;
    ``darkness``: (H, W) line darkness in [0, 1]; ``slot_probs``: (K, H, W)
    (:func:`slot_probabilities`); ``palette``: (K, 3) uint8 slot colours;
    ``pins``: ``(x, y, slot)`` in this picture's pixels - the region under each
    point takes that slot (a point on the ink pins the nearest region).
    ``regions``: the sketch's :func:`region_map` when already computed (it must be the one
    of ``darkness``, ``seal``, ``neck`` and ``threshold``); else it is computed here.
    ``settings``: the cel shading's thresholds (``shadow_*`` fields of :class:`RenderSettings`).
    ``corrected``: the regions' slots and own colours after pins and point matches
    (:func:`colorizer.spread.correct_regions` on this region map); ``pins`` are then not used.
    """
    color = np.asarray(color)
    h, w = darkness.shape
    k = slot_probs.shape[0]
    if color.shape != (h, w, 3) or slot_probs.shape[1:] != (h, w) or palette.shape != (k, 3):
        raise ValueError(f"render_roles: shapes disagree: colour {color.shape}, darkness {darkness.shape}, "
                         f"slot probabilities {slot_probs.shape}, palette {palette.shape}")
    if regions is None:
        regions = region_map(darkness, seal, neck, threshold)
    elif regions.labels.shape != (h, w):
        raise ValueError(f"render_roles: region map {regions.labels.shape} for a {h}x{w} picture")
    labels, n = regions.labels, regions.n
    flat = labels.ravel()
    # Nearest region pixel of every pixel (ink and seal band take their nearest region's colour).
    nearest = regions.nearest
    if corrected is not None:
        region_slots = np.asarray(corrected.region_slots, np.uint8).copy()
        pins = ()
    else:
        votes = np.zeros((n + 1, k), np.float64)
        for s in range(k):
            votes[:, s] = np.bincount(flat, weights=slot_probs[s].ravel(), minlength=n + 1)
        region_slots = votes.argmax(axis=1).astype(np.uint8)
    for x, y, s in pins:
        r = labels[y, x]
        if r == 0:
            r = flat[nearest[y * w + x]]
        if r > 0:
            region_slots[r] = s
    if n == 0:  # all ink: fall back to per-pixel votes
        pix_slots = slot_probs.argmax(axis=0).astype(np.uint8).ravel()
    else:
        pix_slots = region_slots[flat]
        pix_slots = pix_slots[nearest] if regions.has_ink else pix_slots
    slots = pix_slots.reshape(h, w)
    base = palette.astype(np.uint8)[slots]
    if corrected is not None and corrected.region_colors is not None and n > 0:
        # point matches: their regions take the reference's own tone, in their part's slot
        pix_region = flat[nearest] if regions.has_ink else flat
        own = corrected.own_color[pix_region]
        base.reshape(-1, 3)[own] = corrected.region_colors[pix_region[own]]

    shadow = np.zeros((h, w), np.float32)
    ratio = np.ones((h, w), np.float32)
    if cel_shading and n > 0:
        luma = _luma(color).ravel()
        inside = np.flatnonzero(flat > 0)
        reg = flat[inside]
        counts = np.bincount(reg, minlength=n + 1)
        starts = np.concatenate([[0], np.cumsum(counts[1:])[:-1]])
        med = np.zeros(n + 1, np.float32)
        has = counts[1:] > 0
        # per-region median luma in 1/8 steps: one sort of (region, luma) keys (32-bit while they fit:
        # half the time of a 64-bit sort)
        kt = np.int32 if n < 2**31 // 4096 - 1 else np.int64
        keys = np.sort(reg.astype(kt) * 4096 + np.round(luma[inside] * 8).astype(kt))
        mid = starts + (counts[1:] - 1) // 2
        med[1:][has] = (keys[mid[has]] % 4096) / 8.0
        dark = np.zeros(h * w, bool)
        dark[inside] = luma[inside] < med[reg] - settings.shadow_drop
        # A darker patch the role head gives to another part (hair painted into a face) is a
        # part boundary the lines do not show, not a shadow: shade only where the pixel's own
        # most likely slot is its region's.
        dark &= _argmax0(slot_probs.reshape(k, -1)) == pix_slots
        dark = _open_cross(dark.reshape(h, w)).ravel()
        dark &= flat > 0
        dcount = np.bincount(flat[dark], minlength=n + 1)
        dsum = np.bincount(flat[dark], weights=luma[dark], minlength=n + 1)
        ok = (counts >= settings.shadow_min_region) & (dcount >= settings.shadow_min_share * counts) & (dcount > 0)
        ok &= dcount <= 0.75 * counts  # a region that is nearly all "shadow" is just darker
        ok[0] = False
        # Shadow tone: the base colour scaled by the network's own shadow / body luma ratio.
        rel = np.ones(n + 1, np.float32)
        body = np.maximum(med, 1.0)
        rel[ok] = np.clip((dsum[ok] / np.maximum(dcount[ok], 1)) / body[ok], *settings.shadow_ratio)
        sel = dark & ok[flat]
        shadow.ravel()[sel] = 1.0
        ratio.ravel()[sel] = rel[flat[sel]]
    image = np.clip(base.astype(np.float32) * ratio[..., None] + 0.5, 0, 255).astype(np.uint8)
    return RoleRender(image=image, base=base, slots=slots, shadow=shadow, shadow_ratio=ratio,
                      regions=labels.astype(np.int32), region_slots=region_slots)


__all__ = ["RegionMap", "RoleRender", "region_map", "render_roles", "role_to_slot_matrix", "slot_probabilities"]

"""The reference picture part by part: its own flat-colour regions, their parts and base tones.

A reference is a painted picture: every part (hair, skin, a jacket, a sash) is one base tone,
with shadow and highlight tones of the same paint over it. Here the reference is cut into
**tone segments** (neighbouring pixels closer than :attr:`ReferenceSettings.edge_delta_e` in
CIELAB after a 3x3 median, joined 4-connected; the pixels on a tone edge join the nearest
segment). The role head votes per segment, as it does per region on the sketch side
(:func:`colorizer.render.render_roles`): a segment takes the slot (or the ink) whose
probabilities summed over it are largest.

Neighbouring segments of one slot that are shades of one paint (:func:`shades`: hues within
:attr:`ReferenceSettings.shade_hue`, or both grey) are one **patch**: a paint with its shadows
and highlights. The **base tone** of a set of segments (:func:`base_tone`) is the lit tone that
covers most of it: tones are grouped (CIE76 within :attr:`ReferenceSettings.group_delta_e`),
the largest group wins, and a lighter group of the same paint with at least
:attr:`ReferenceSettings.lit_share` of its area wins instead (a shadow that covers more than
the lit part does not make the part dark; a small highlight never wins).

A part's palette colour is the base tone of all its segments: any colour of the picture, not
one of 9 K-means centres. A slot with less than :attr:`ReferenceSettings.min_slot_share` of the
picture's non-ink pixels keeps its default colour and is marked in ``Palette.defaults``. The
eyedropper (:meth:`ReferenceParts.tone_at`) gives the base tone of the patch under a point.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .color import lab_to_rgb, rgb_to_lab
from .errors import ColorizerError
from .palette import Palette
from .regions import nearest_paper
from .semantic import default_slot_palette
from .settings import ReferenceSettings

# The value of ``ReferenceParts.segment_slots`` for a segment the role head calls ink, or that is
# transparent: it counts for no part.
NO_SLOT = 255


@dataclass(frozen=True)
class ReferenceParts:
    """A reference at the size it was segmented at (see the module doc)."""

    size: tuple[int, int]          # (w, h) of the picture the caller's coordinates refer to
    segments: np.ndarray           # (h, w) int32 tone segment of every pixel (0: transparent)
    tones: np.ndarray              # (n + 1, 3) uint8 median colour of every segment
    segment_slots: np.ndarray      # (n + 1,) uint8 slot of every segment (NO_SLOT: ink, transparent)
    patches: np.ndarray            # (n + 1,) int32 patch of every segment
    patch_tones: np.ndarray        # (patches, 3) uint8 base tone of every patch
    palette: Palette               # the 9 slot colours; defaults marks slots the picture lacks

    def _segment_at(self, x: float, y: float) -> int:
        """The segment under a point; on the ink, the most common part segment within 3 px."""
        w, h = self.size
        if not (0 <= x < w and 0 <= y < h):
            raise ColorizerError(f"point ({x}, {y}) is outside the {w}x{h} reference")
        sh, sw = self.segments.shape
        r, c = min(sh - 1, int(y * sh / h)), min(sw - 1, int(x * sw / w))
        s = int(self.segments[r, c])
        if s == 0 or self.segment_slots[s] != NO_SLOT:
            return s
        near = self.segments[max(0, r - 3):r + 4, max(0, c - 3):c + 4].ravel()
        near = near[self.segment_slots[near] != NO_SLOT]
        return int(np.bincount(near).argmax()) if len(near) else s

    def tone_at(self, x: float, y: float) -> tuple[int, int, int]:
        """The base tone (RGB) of the patch under ``(x, y)`` (the reference's own pixels)."""
        s = self._segment_at(x, y)
        if s == 0:
            raise ColorizerError(f"point ({x}, {y}) is on a transparent part of the reference")
        return tuple(int(v) for v in self.patch_tones[self.patches[s]])

    def slot_at(self, x: float, y: float) -> int:
        """The slot of the segment under ``(x, y)``; NO_SLOT where the role head sees ink."""
        return int(self.segment_slots[self._segment_at(x, y)])


def tone_segments(rgb: np.ndarray, opaque: np.ndarray | None = None,
                  edge_delta_e: float = ReferenceSettings.edge_delta_e) -> tuple[np.ndarray, int, np.ndarray]:
    """Flat-colour segments of an (h, w, 3) uint8 picture: ``(labels, n, lab)``, labels 1..n (0 where
    not ``opaque``), ``lab`` the smoothed picture in CIELAB (float32)."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w = rgb.shape[:2]
    lab = rgb_to_lab(cv2.medianBlur(rgb, 3) if min(h, w) >= 3 else rgb, dtype=np.float32)
    edge = np.zeros((h, w), bool)
    dx = np.sqrt(((lab[:, 1:] - lab[:, :-1]) ** 2).sum(-1)) > edge_delta_e
    dy = np.sqrt(((lab[1:] - lab[:-1]) ** 2).sum(-1)) > edge_delta_e
    edge[:, :-1] |= dx
    edge[:-1] |= dy
    keep = np.ones((h, w), bool) if opaque is None else np.asarray(opaque, bool)
    inner = ~edge & keep
    n, labels = cv2.connectedComponents(inner.view(np.uint8), connectivity=4, ltype=cv2.CV_32S)
    if n <= 1:  # one tone edge everywhere (noise): the opaque pixels are one segment
        labels = keep.astype(np.int32)
        return labels, int(keep.any()), lab
    rest = edge & keep
    if rest.any():  # edge pixels join the nearest segment
        near = nearest_paper(labels)
        flat = labels.ravel()
        idx = np.flatnonzero(rest.ravel())
        flat[idx] = flat[near[idx]]
    return labels, int(n) - 1, lab


def segment_medians(values: np.ndarray, labels: np.ndarray, n: int) -> np.ndarray:
    """(n + 1, C) per-segment median of (h, w, C) ``values`` (row 0: label 0's)."""
    flat = labels.ravel()
    v = values.reshape(len(flat), -1)
    order = np.argsort(flat, kind="stable")
    counts = np.bincount(flat, minlength=n + 1)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    mid = starts + np.maximum(counts - 1, 0) // 2
    out = np.zeros((n + 1, v.shape[1]), v.dtype)
    sorted_labels = flat[order]
    for c in range(v.shape[1]):
        col = v[order, c]
        # sort every segment's values inside its own block: one lexsort on (value, label)
        col = col[np.lexsort((col, sorted_labels))]
        out[:, c] = np.where(counts > 0, col[np.minimum(mid, len(col) - 1)], 0)
    return out


def base_tone(lab: np.ndarray, areas: np.ndarray, settings: ReferenceSettings = ReferenceSettings()) -> np.ndarray:
    """The lit base tone (Lab, (3,)) of tones ``lab`` (m, 3) covering ``areas`` (m,) pixels."""
    lab = np.asarray(lab, np.float64).reshape(-1, 3)
    areas = np.asarray(areas, np.float64).reshape(-1)
    if len(lab) == 0 or areas.sum() <= 0:
        raise ValueError("base_tone needs at least one tone with an area")
    order = np.argsort(-areas, kind="stable")
    centres: list[np.ndarray] = []
    weight: list[float] = []
    sums: list[np.ndarray] = []
    for i in order:
        if areas[i] <= 0:
            continue
        c = lab[i]
        j = next((j for j, z in enumerate(centres) if np.linalg.norm(z - c) < settings.group_delta_e), None)
        if j is None:
            centres.append(c.copy())
            weight.append(areas[i])
            sums.append(c * areas[i])
        else:
            weight[j] += areas[i]
            sums[j] += c * areas[i]
    means = [s / w for s, w in zip(sums, weight)]
    best = int(np.argmax(weight))
    pick = best
    for j, (m, wt) in enumerate(zip(means, weight)):
        if (j != best and wt >= settings.lit_share * weight[best] and m[0] > means[pick][0]
                and shades(m, means[best], settings)):
            pick = j
    return means[pick]


def shades(lab_a: np.ndarray, lab_b: np.ndarray, settings: ReferenceSettings = ReferenceSettings()) -> np.ndarray:
    """Whether Lab colours ``lab_a`` and ``lab_b`` (..., 3) are shades of one paint (see the settings)."""
    a, b = np.asarray(lab_a, np.float64), np.asarray(lab_b, np.float64)
    ca, cb = np.hypot(a[..., 1], a[..., 2]), np.hypot(b[..., 1], b[..., 2])
    dh = np.abs(np.degrees(np.arctan2(a[..., 2], a[..., 1]) - np.arctan2(b[..., 2], b[..., 1]))) % 360
    dh = np.minimum(dh, 360 - dh)
    grey = (ca < settings.grey_chroma) & (cb < settings.grey_chroma)
    return grey | ((ca >= settings.grey_chroma) & (cb >= settings.grey_chroma) & (dh <= settings.shade_hue))


def _adjacent_pairs(labels: np.ndarray) -> np.ndarray:
    """(m, 2) distinct pairs of different labels that touch (4-neighbours)."""
    a = np.concatenate([labels[:, :-1].ravel(), labels[:-1].ravel()])
    b = np.concatenate([labels[:, 1:].ravel(), labels[1:].ravel()])
    diff = a != b
    pairs = np.stack([np.minimum(a[diff], b[diff]), np.maximum(a[diff], b[diff])], 1)
    return np.unique(pairs, axis=0) if len(pairs) else pairs.reshape(0, 2)


def reference_parts(rgb: np.ndarray, slot_probs: np.ndarray, opaque: np.ndarray | None = None,
                    size: tuple[int, int] | None = None,
                    settings: ReferenceSettings = ReferenceSettings()) -> ReferenceParts:
    """The :class:`ReferenceParts` of an (h, w, 3) uint8 picture and its (K, h, w) slot probabilities
    (:meth:`colorizer.pipeline.Colorizer.segment`; their sum below 1 is the ink's share).
    ``opaque``: (h, w) bool, False for transparent pixels; ``size``: the (w, h) the caller's
    coordinates refer to (default: the picture's)."""
    rgb = np.asarray(rgb)
    k, h, w = slot_probs.shape
    if rgb.shape != (h, w, 3):
        raise ValueError(f"reference_parts: picture {rgb.shape} and slot probabilities {slot_probs.shape} disagree")
    labels, n, lab = tone_segments(rgb, opaque, settings.edge_delta_e)
    flat = labels.ravel()
    counts = np.bincount(flat, minlength=n + 1).astype(np.float64)
    votes = np.zeros((n + 1, k + 1), np.float64)
    p = slot_probs.reshape(k, -1)
    for s in range(k):
        votes[:, s] = np.bincount(flat, weights=p[s], minlength=n + 1)
    votes[:, k] = counts - votes[:, :k].sum(1)          # the ink's share
    seg_slots = votes.argmax(1)
    seg_slots = np.where(seg_slots == k, NO_SLOT, seg_slots).astype(np.uint8)
    seg_slots[0] = NO_SLOT
    seg_lab = segment_medians(lab, labels, n).astype(np.float64)
    tones = np.clip(np.round(lab_to_rgb(seg_lab)), 0, 255).astype(np.uint8)

    # patches: touching segments of one slot that are shades of one paint
    pairs = _adjacent_pairs(labels)
    if len(pairs):
        a, b = pairs[:, 0], pairs[:, 1]
        same = (seg_slots[a] == seg_slots[b]) & (seg_slots[a] != NO_SLOT) & (a > 0)
        same &= shades(seg_lab[a], seg_lab[b], settings)
        a, b = a[same], b[same]
    else:
        a = b = np.zeros(0, np.int64)
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n + 1, n + 1))
    npatch, patches = connected_components(graph, directed=False)
    patch_tones = np.zeros((npatch, 3), np.uint8)
    order = np.argsort(patches, kind="stable")
    bounds = np.searchsorted(patches[order], np.arange(npatch + 1))
    for q in range(npatch):
        members = order[bounds[q]:bounds[q + 1]]
        if len(members) == 1:
            patch_tones[q] = tones[members[0]]
        else:
            t = base_tone(seg_lab[members], counts[members], settings)
            patch_tones[q] = np.clip(np.round(lab_to_rgb(t)), 0, 255).astype(np.uint8)

    # the palette: each slot's base tone over all its segments
    base = default_slot_palette()
    colors = base.colors.copy()[:k] if k <= len(base.colors) else np.zeros((k, 3), np.uint8)
    shares = np.zeros(k)
    defaults = np.ones(k, bool)
    if settings.vote == "pixel":
        own = p.argmax(0)
        own[p.sum(0) < 0.5] = k
        own[flat == 0] = k
        weights = np.bincount(own * (n + 1) + flat, minlength=(k + 1) * (n + 1)).reshape(k + 1, n + 1)[:k]
    else:
        weights = np.where(seg_slots[None] == np.arange(k)[:, None], counts[None], 0.0)
    total = max(1.0, weights.sum())
    for s in range(k):
        members = np.flatnonzero(weights[s] > 0)
        area = weights[s, members].sum()
        if area >= max(1.0, settings.min_slot_share * total):
            t = base_tone(seg_lab[members], weights[s, members], settings)
            colors[s] = np.clip(np.round(lab_to_rgb(t)), 0, 255).astype(np.uint8)
            shares[s] = area / total
            defaults[s] = False
    palette = Palette(colors, shares, defaults=defaults)
    return ReferenceParts(size=tuple(size) if size is not None else (w, h), segments=labels, tones=tones,
                          segment_slots=seg_slots, patches=patches.astype(np.int32), patch_tones=patch_tones,
                          palette=palette)


def source_size(src) -> tuple[int, int] | None:
    """The (w, h) of an image as a user sees it (EXIF orientation applied), from its header only;
    None when it cannot be read here (the loader then reports the problem)."""
    if isinstance(src, Image.Image):
        return src.size
    if isinstance(src, np.ndarray):
        return (int(src.shape[1]), int(src.shape[0])) if src.ndim >= 2 else None
    try:
        import io

        fp = io.BytesIO(src) if isinstance(src, (bytes, bytearray)) else os.fspath(src)
        with Image.open(fp) as im:
            w, h = im.size
            if im.getexif().get(0x0112, 1) in (5, 6, 7, 8):  # rotated by 90 degrees
                w, h = h, w
            return w, h
    except Exception:
        return None


__all__ = ["NO_SLOT", "ReferenceParts", "ReferenceSettings", "base_tone", "reference_parts", "segment_medians", "shades",
           "source_size", "tone_segments"]

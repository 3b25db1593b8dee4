"""Flat fill: one colour per region enclosed by the sketch's lines.

Illustrators "flat" a drawing before shading it: every closed region of the line
art gets a single colour. :func:`flat_fill` does this to the network's colour
layer. The line art is thresholded, small gaps are sealed by dilating the ink,
and the paper is split into connected regions; a region is cut again where it
narrows to a neck (:func:`split_necks`: a wider gap in an outline leaves two parts
joined only by a corridor as wide as the gap). Each region takes the median of
the network's colours inside it. Where the network painted a region in clearly
different colours over large parts (a gap in an outline joined face and
background, say), the region is split by colour and each large part keeps its
own median, so a leak never paints a whole figure in one colour; small stray
patches are absorbed. The ink band takes the colour of the nearest region, and
on the lines themselves the network's
pixels are blended back in by the sketch's darkness (the pipeline's ``keep_lines``
can still multiply the sketch on top).

This removes the blotches and mottling a small network leaves in large areas,
at the price of the soft shading inside a region (flat art has none).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image
from scipy import ndimage

from .color import delta_e_cie76, rgb_to_lab
from .processing import LINE_THRESHOLD, line_mask
from .settings import DEFAULT_RENDER, RenderSettings


@dataclass(frozen=True)
class FlatFillStats:
    regions: int        # regions found (connected areas of paper)
    split: int          # regions filled with more than one colour (parts far apart in colour)
    flat_fraction: float  # share of the picture's pixels inside some region


_LAB_LUT: np.ndarray | None = None
_CROSS = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))


def _lab_5bit(rgb: np.ndarray) -> np.ndarray:
    """(N, 3) uint8 sRGB -> float32 Lab of the colour rounded to 5 bits per channel
    (a 32**3 lookup table; within about 2 dE of the exact value, plenty for the
    20 dE decisions made here, and ten times faster on large pictures)."""
    global _LAB_LUT
    if _LAB_LUT is None:
        levels = (np.arange(32) * 255 / 31).round().astype(np.uint8)
        grid = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), -1).reshape(-1, 3)
        _LAB_LUT = rgb_to_lab(grid, dtype=np.float32)
    q = (rgb.astype(np.int32) * 31 + 127) // 255
    return _LAB_LUT[(q[:, 0] << 10) | (q[:, 1] << 5) | q[:, 2]]


def region_labels(ink: np.ndarray, seal: int = 1, neck: int = 0) -> tuple[np.ndarray, int]:
    """Label the paper regions of a boolean ink mask, after sealing gaps of up to
    about ``2 * seal`` pixels. With ``neck`` > 0 every region is also cut where the
    paper narrows to less than about ``2 * neck`` pixels between two wider parts
    (:func:`split_necks`). Returns ``(labels, n)``; ink and seal band are 0."""
    ink = np.asarray(ink, dtype=bool)
    if ink.ndim != 2:
        raise ValueError(f"region_labels needs an (H, W) ink mask, got shape {ink.shape}")
    if ink.size == 0:
        return np.zeros(ink.shape, dtype=np.int32), 0
    ink = np.ascontiguousarray(ink).view(np.uint8)
    if seal > 0:  # 4-connected (cross) steps, as scipy.ndimage.binary_dilation's default
        ink = cv2.dilate(ink, _CROSS, iterations=int(seal))
    # 4-connectivity; OpenCV numbers the regions in raster order like scipy.ndimage.label.
    n, labels = cv2.connectedComponents(1 - ink, connectivity=4, ltype=cv2.CV_32S)
    if neck > 0 and n > 1:
        return split_necks(labels, int(n) - 1, int(neck))
    return labels, int(n) - 1


def split_necks(labels: np.ndarray, n: int, neck: int) -> tuple[np.ndarray, int]:
    """Cut regions at their narrow necks: where a gap in the line art lets hair run
    into a face, the paper between them is only as wide as the gap.

    The cores of the paper - pixels more than ``neck`` from any ink - are labelled,
    and each core floods back over its own region (a watershed on flat paper with
    the ink as the highest ground: a breadth-first flood, so every pixel goes to
    the core nearest to it along the paper and two cores of one region meet inside
    the narrow part between them). A region with no core (thinner than ``2 * neck``
    everywhere) stays whole, and a flood never leaves its own region: the ink is
    only reached once all the paper is taken. Returns ``(labels, n)`` like
    :func:`region_labels`, numbered in raster order of the cores (regions without
    a core after them).
    """
    paper = labels > 0
    dist = cv2.distanceTransform(paper.view(np.uint8), cv2.DIST_L2, 5)
    core = (dist > neck).view(np.uint8)
    nc, cores = cv2.connectedComponents(core, connectivity=4, ltype=cv2.CV_32S)
    home = np.zeros(nc + n + 1, np.int64)          # the line-enclosed region of every marker
    inner = core > 0
    home[cores[inner]] = labels[inner]
    per_region = np.bincount(home[1:nc], minlength=n + 1)
    if per_region.max(initial=0) < 2:              # no region has two cores: nothing to cut
        return labels, n
    has_core = per_region > 0
    home[nc:nc + n] = np.arange(1, n + 1)          # marker nc - 1 + r: region r without a core
    markers = cores.copy()
    lone = paper & ~has_core[labels]
    markers[lone] = labels[lone] + nc - 1
    land = np.where(paper, 0, 255).astype(np.uint8)
    cv2.watershed(cv2.merge([land, land, land]), markers)
    out = np.where(paper, markers, 0)
    # Watershed lines (-1, where two floods meet, inside one region) take the largest marker
    # among their 8 neighbours; a pixel left with none of its own region's markers takes the
    # region's own.
    bad = paper & (out <= 0)
    for _ in range(2):
        if not bad.any():
            break
        grown = cv2.dilate(np.where(bad, 0, out).astype(np.float32), np.ones((3, 3), np.uint8))
        out[bad] = grown[bad].astype(np.int32)
        bad = paper & (out <= 0)
    wrong = paper & ((out <= 0) | (home[np.maximum(out, 0)] != labels))
    out[wrong] = labels[wrong] + nc - 1
    used = np.zeros(nc + n + 1, bool)
    used[out[paper]] = True
    used[0] = False
    lut = np.cumsum(used).astype(np.int32)
    lut[~used] = 0
    return lut[out], int(used.sum())


def nearest_paper(labels: np.ndarray) -> np.ndarray:
    """Flat index (``y * W + x``) of the nearest paper pixel (label > 0) to every pixel,
    by exact Euclidean distance (paper pixels map to themselves). Needs some paper."""
    near = ndimage.distance_transform_edt(labels == 0, return_distances=False, return_indices=True)
    return (near[0] * labels.shape[1] + near[1]).ravel()


def flat_size(width: int, height: int, settings: RenderSettings = DEFAULT_RENDER) -> tuple[int, int]:
    """:meth:`RenderSettings.flat_size`: the size flat colours are rendered at."""
    return settings.flat_size(width, height)


def flat_seal(height: int, width: int, settings: RenderSettings = DEFAULT_RENDER) -> int:
    """:meth:`RenderSettings.seal`: gap sealing for a picture of this size (1 step per 256 px by default)."""
    return settings.seal(height, width)


def flat_neck(height: int, width: int, settings: RenderSettings = DEFAULT_RENDER) -> int:
    """:meth:`RenderSettings.neck`: neck width (:func:`split_necks`) for a picture of this size
    (1 px per 64 px of the longer side by default: 8 at 512 px)."""
    return settings.neck(height, width)


def _mode_centres(lab: np.ndarray, depth: int, min_share: float, min_delta_e: float,
                  iters: int = 8) -> list[np.ndarray]:
    """Colour modes of ``lab`` (N, 3): 2-means, applied again to each half (``depth``
    times), splitting only where both halves hold ``min_share`` of the colours and
    their centres are ``min_delta_e`` apart. Returns the mode centres."""
    if depth == 0 or len(lab) < 16:
        return [lab.mean(0)]
    c0 = np.median(lab, axis=0)
    c1 = lab[np.argmax(((lab - c0) ** 2).sum(1))]
    for _ in range(iters):
        side = ((lab - c1) ** 2).sum(1) < ((lab - c0) ** 2).sum(1)
        if side.all() or not side.any():
            return [lab.mean(0)]
        c0, c1 = lab[~side].mean(0), lab[side].mean(0)
    share = side.mean()
    if min(share, 1.0 - share) < min_share or np.linalg.norm(c0 - c1) < min_delta_e:
        return [lab.mean(0)]
    return (_mode_centres(lab[~side], depth - 1, min_share, min_delta_e, iters)
            + _mode_centres(lab[side], depth - 1, min_share, min_delta_e, iters))


def _split_modes(lab: np.ndarray, depth: int, min_share: float, min_delta_e: float,
                 fit_pixels: int = 4096) -> np.ndarray:
    """Mode index of each Lab colour (0 when the colours form one mode). The modes
    are fitted on at most ``fit_pixels`` evenly spaced colours, then every colour
    goes to its nearest mode centre."""
    step = max(1, len(lab) // fit_pixels)
    centres = _mode_centres(lab[::step], depth, min_share, min_delta_e)
    if len(centres) == 1:
        return np.zeros(len(lab), dtype=np.int64)
    c = np.stack(centres).astype(lab.dtype)
    d = (lab * lab).sum(1)[:, None] - 2.0 * lab @ c.T + (c * c).sum(1)[None, :]
    return d.argmin(1)


def flat_fill(color: np.ndarray, darkness: np.ndarray, threshold: float = LINE_THRESHOLD, seal: int = 1, neck: int = 0,
              min_share: float = 0.15, min_picture_share: float = 0.02, delta_e: float = 20.0,
              max_modes: int = 4, check_share: float = 0.05) -> tuple[np.ndarray, FlatFillStats]:
    """Flatten ``color`` region by region.

    ``color``: (H, W, 3) uint8 colour layer; ``darkness``: (H, W) float line
    darkness in [0, 1] of the sketch at the same size (:func:`colorizer.processing.line_mask`).
    ``threshold``: darkness above which a pixel is ink. ``seal``: dilation steps
    that close gaps in the outlines; ``neck``: regions are also cut where they narrow
    to about twice this (:func:`split_necks`; 0: not cut).

    A region normally takes the median of its colours. When more than
    ``check_share`` of its pixels are over ``delta_e`` (CIE76) from that median, it
    is split by colour (2-means in Lab, repeated, at most ``max_modes`` parts):
    a part holding at least ``min_share`` of the region (or ``min_picture_share`` of
    the whole picture), ``delta_e`` away from the rest, keeps its own median colour -
    the case of two areas joined by a gap in an outline, or of a figure drawn open
    to the background - while smaller stray colours (blotches) are absorbed. On the lines
    the network's own pixels are blended back in, weighted by the sketch's
    darkness, so anti-aliased edges stay smooth.
    Returns the new (H, W, 3) uint8 image and :class:`FlatFillStats`.
    """
    color = np.asarray(color)
    darkness = np.asarray(darkness, dtype=np.float32)
    if color.ndim != 3 or color.shape[2] != 3 or color.shape[:2] != darkness.shape:
        raise ValueError(f"flat_fill needs (H, W, 3) colour and (H, W) darkness, got {color.shape} "
                         f"and {darkness.shape}")
    labels, n = region_labels(darkness > threshold, seal, neck)
    h, w = labels.shape
    if n == 0:  # all ink: nothing to flatten
        return color.copy(), FlatFillStats(0, 0, 0.0)
    flat = labels.ravel()
    pix = color.reshape(-1, 3)
    inside = np.flatnonzero(flat > 0)
    # Group the paper pixels by region: region r owns order[starts[r]:starts[r] + counts[r]].
    order = inside[np.argsort(flat[inside], kind="stable")]
    counts = np.bincount(flat[inside], minlength=n + 1)[1:]
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    reg = flat[order] - 1                       # region index of each grouped pixel
    rgb = pix[order]
    # Per-region median of each channel: sort the keys region * 256 + value.
    mid = starts + (counts - 1) // 2
    medians = np.empty((n, 3), dtype=np.float64)
    for ch in range(3):
        medians[:, ch] = np.sort(reg * 256 + rgb[:, ch].astype(np.int64))[mid] & 255
    lab = _lab_5bit(rgb)
    far = delta_e_cie76(lab, rgb_to_lab(medians, dtype=np.float32)[reg]) > delta_e
    far_share = np.bincount(reg, weights=far, minlength=n) / np.maximum(counts, 1)
    fill = medians[reg]                          # colour of each grouped pixel
    depth = max(0, int(np.log2(max(1, max_modes))))
    split = 0
    for r in np.flatnonzero(far_share > check_share):
        sl = slice(starts[r], starts[r] + counts[r])
        share = min(min_share, min_picture_share * h * w / counts[r])
        modes = _split_modes(lab[sl], depth, share, delta_e)
        if modes.max() == 0:
            continue
        split += 1
        part = np.empty((counts[r], 3))
        for m in np.unique(modes):
            sel = modes == m
            part[sel] = np.median(rgb[sl][sel], axis=0)
        fill[sl] = part
    out = np.empty((h * w, 3), dtype=np.float32)
    out[order] = fill
    # Ink and the seal band take the colour of the nearest paper pixel...
    nearest = nearest_paper(labels)
    ink = flat == 0
    out[ink] = out[nearest[ink]]
    out = out.reshape(h, w, 3)
    # ...and the lines themselves are the network's, by the sketch's darkness.
    alpha = np.clip(darkness, 0.0, 1.0)[..., None]
    out = out * (1.0 - alpha) + color.astype(np.float32) * alpha
    stats = FlatFillStats(regions=int(n), split=int(split),
                          flat_fraction=float(len(inside)) / float(h * w))
    return np.clip(out + 0.5, 0, 255).astype(np.uint8), stats


def flatten_image(color: Image.Image, sketch: Image.Image,
                  settings: RenderSettings = DEFAULT_RENDER) -> Image.Image:
    """:func:`flat_fill` on PIL images: ``color`` is brought to the sketch's size (at most
    ``settings.flat_max_side`` on the longer side), flattened with ``settings``' seal and neck,
    and returned at the sketch's size."""
    size = settings.flat_size(*sketch.size)
    col = color.convert("RGB").resize(size, Image.BICUBIC) if color.size != size else color.convert("RGB")
    ske = sketch.resize(size, Image.BILINEAR) if sketch.size != size else sketch
    out, _ = flat_fill(np.asarray(col), line_mask(ske), seal=settings.seal(size[1], size[0]),
                       neck=settings.neck(size[1], size[0]))
    img = Image.fromarray(out, "RGB")
    return img if img.size == sketch.size else img.resize(sketch.size, Image.BICUBIC)


__all__ = ["flatten_image", "FlatFillStats", "flat_fill", "flat_neck", "flat_seal", "flat_size",
           "region_labels", "split_necks"]

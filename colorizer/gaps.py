"""Region finding that closes wider gaps in the line art, and the measure that decides between the ways.

Three ways to cut a sketch's paper into regions (each gives ``(labels, n)`` like
:func:`colorizer.regions.region_labels`, 0 = ink):

* ``"seal"`` - today's: the ink grown by ``seal`` steps, regions cut at necks
  (:func:`colorizer.regions.region_labels`);
* ``"trapped_ball"`` - trapped-ball filling (Zhang et al., "Trapped-ball segmentation",
  IEEE TVCG 2009): a ball of radius ``r`` rolls over the paper; the places it can reach from one
  another are a region, and the paper a ball reaches only by squeezing through a gap narrower
  than ``2 r`` is not part of it. Radii go from :attr:`GapSettings.ball` down to 1; each round
  labels the paper still free, and each region grows back by its radius over free paper only.
  What no ball reaches joins its nearest region;
* ``"gap_close"`` - a line-art fill with a gap distance, as GIMP's and Krita's bucket fill close
  line art: the ends of the strokes (ends of the ink's skeleton) are joined by invisible straight
  segments to the nearest other stroke or stroke end within :attr:`GapSettings.gap` pixels, and
  the paper is cut along them (then cut at necks as today). The segments only separate regions:
  the lines are drawn exactly as they are.

:func:`oracle_accuracy` scores a region map by its ceiling: every region painted with its true
majority part's colour, the lines multiplied on top, and the share of figure pixels whose colour
is nearest to their own part's true colour. :func:`measure_folder` runs it over a folder of
``sketch/``, ``color/`` and ``labels/`` pictures (a check-set subset). More, smaller regions
always raise this ceiling (one region per pixel reaches 1), so it is read beside the region count.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from .color import delta_e_ciede2000, rgb_to_lab
from .processing import line_mask
from .regions import flat_neck, flat_seal, nearest_paper, region_labels, split_necks
from .roles import NUM_SLOTS, labels_to_slots

METHODS = ("seal", "trapped_ball", "gap_close")
_CROSS = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))


@dataclass(frozen=True)
class GapSettings:
    """Sizes of the gap-closing region finders, in pixels of a 512 px picture (scaled with size)."""

    # Largest trapped ball's radius.
    ball: int = 6
    # Longest invisible segment a stroke end is joined by.
    gap: int = 12
    # The paper a ball leaves behind joins its nearest region (see the module doc).

    def scaled(self, height: int, width: int) -> "GapSettings":
        f = max(height, width) / 512
        return GapSettings(ball=max(1, round(self.ball * f)), gap=max(2, round(self.gap * f)))


def _disc(r: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))


def _relabel(labels: np.ndarray) -> tuple[np.ndarray, int]:
    used = np.unique(labels[labels > 0])
    lut = np.zeros(int(labels.max()) + 1, np.int32)
    lut[used] = np.arange(1, len(used) + 1)
    return lut[labels], len(used)


def trapped_ball(ink: np.ndarray, ball: int) -> tuple[np.ndarray, int]:
    """Trapped-ball regions of a boolean ink mask (see the module doc)."""
    ink = np.asarray(ink, bool)
    paper = (~ink).view(np.uint8)
    h, w = ink.shape
    labels = np.zeros((h, w), np.int32)
    n = 0
    for r in range(int(ball), 0, -1):
        free = (paper > 0) & (labels == 0)
        if not free.any():
            break
        # where a ball of radius r fits inside the free paper
        dist = cv2.distanceTransform(free.view(np.uint8), cv2.DIST_L2, 5)
        core = (dist > r).view(np.uint8)
        k, comp = cv2.connectedComponents(core, connectivity=4, ltype=cv2.CV_32S)
        if k <= 1:
            continue
        grown = cv2.dilate(comp.astype(np.float32), _disc(r)).astype(np.int32)  # any core label nearby
        # each free pixel within r of a core takes that core (max label on overlaps: ties are rare)
        take = free & (grown > 0)
        labels[take] = grown[take] + n
        n += k - 1
    left = (paper > 0) & (labels == 0)
    if left.any():  # slivers no ball reached: their own pieces, large ones stay regions
        k, comp = cv2.connectedComponents(left.view(np.uint8), connectivity=4, ltype=cv2.CV_32S)
        sizes = np.bincount(comp.ravel(), minlength=k)
        big = sizes >= max(4, ball * ball)
        big[0] = False
        keep = big[comp]
        labels[keep] = comp[keep] + n
        n += k
        if labels.any():
            small = left & ~keep
            if small.any():
                near = nearest_paper(labels)
                flat = labels.ravel()
                idx = np.flatnonzero(small.ravel())
                flat[idx] = flat[near[idx]]
    return _relabel(labels)


def _skeleton(mask: np.ndarray) -> np.ndarray:
    """One-pixel-wide skeleton of a boolean mask: Zhang-Suen thinning, both sub-steps vectorised."""
    img = np.pad(np.asarray(mask, bool), 1).astype(np.uint8)
    while True:
        changed = False
        for step in (0, 1):
            p2, p3, p4 = img[:-2, 1:-1], img[:-2, 2:], img[1:-1, 2:]
            p5, p6, p7 = img[2:, 2:], img[2:, 1:-1], img[2:, :-2]
            p8, p9 = img[1:-1, :-2], img[:-2, :-2]
            ring = [p2, p3, p4, p5, p6, p7, p8, p9, p2]
            b = sum(ring[:8])
            a = sum(((ring[i] == 0) & (ring[i + 1] == 1)).astype(np.uint8) for i in range(8))
            if step == 0:
                c = (p2 * p4 * p6 == 0) & (p4 * p6 * p8 == 0)
            else:
                c = (p2 * p4 * p8 == 0) & (p2 * p6 * p8 == 0)
            kill = (img[1:-1, 1:-1] == 1) & (b >= 2) & (b <= 6) & (a == 1) & c
            if kill.any():
                img[1:-1, 1:-1][kill] = 0
                changed = True
        if not changed:
            return img[1:-1, 1:-1].astype(bool)


def stroke_ends(ink: np.ndarray) -> np.ndarray:
    """(m, 2) (y, x) ends of the ink's strokes: skeleton pixels with one skeleton neighbour."""
    sk = _skeleton(ink).astype(np.uint8)
    nb = cv2.filter2D(sk, -1, np.ones((3, 3), np.float32), borderType=cv2.BORDER_CONSTANT) - sk
    return np.argwhere((sk > 0) & (nb == 1))


def closing_segments(ink: np.ndarray, gap: int) -> np.ndarray:
    """(H, W) bool: invisible 1 px segments joining every stroke end to the nearest ink pixel of
    another stroke (or farther than ``gap`` along its own) within ``gap`` pixels."""
    ink = np.asarray(ink, bool)
    h, w = ink.shape
    out = np.zeros((h, w), np.uint8)
    ends = stroke_ends(ink)
    if not len(ends):
        return out.astype(bool)
    _, strokes = cv2.connectedComponents(ink.view(np.uint8), connectivity=8, ltype=cv2.CV_32S)
    ys, xs = np.nonzero(ink)
    for y, x in ends:
        y0, y1, x0, x1 = max(0, y - gap), min(h, y + gap + 1), max(0, x - gap), min(w, x + gap + 1)
        win = ink[y0:y1, x0:x1]
        if not win.any():
            continue
        py, px = np.nonzero(win)
        py, px = py + y0, px + x0
        d = np.hypot(py - y, px - x)
        own = strokes[py, px] == strokes[y, x]
        # a pixel of the end's own stroke counts only when it is no near neighbour along the stroke:
        # the geodesic test is approximated by "not within 2 px of the end's own blob around it"
        local = cv2.connectedComponents(win.view(np.uint8), connectivity=8, ltype=cv2.CV_32S)[1]
        same_blob = local[py - y0, px - x0] == local[y - y0, x - x0]
        ok = (d <= gap) & (d > 1.5) & ~(own & same_blob)
        if not ok.any():
            continue
        j = np.flatnonzero(ok)[np.argmin(d[ok])]
        cv2.line(out, (int(x), int(y)), (int(px[j]), int(py[j])), 1, 1, lineType=cv2.LINE_8)
    return (out > 0) & ~ink


def find_regions(darkness: np.ndarray, method: str = "seal", settings: GapSettings = GapSettings(),
                 threshold: float = 0.5) -> tuple[np.ndarray, int]:
    """Regions of a line darkness map ((H, W) in [0, 1]) by ``method`` (:data:`METHODS`)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    ink = np.asarray(darkness) > threshold
    h, w = ink.shape
    seal, neck = flat_seal(h, w), flat_neck(h, w)
    if method == "seal":
        return region_labels(ink, seal, neck)
    st = settings.scaled(h, w)
    if method == "trapped_ball":
        return trapped_ball(ink, st.ball)
    walls = ink | closing_segments(ink, st.gap)
    labels, n = region_labels(walls, seal, 0)
    return split_necks(labels, n, neck) if n > 0 else (labels, n)


def oracle_accuracy(labels: np.ndarray, darkness: np.ndarray, slots: np.ndarray, gt: np.ndarray) -> float:
    """Colour accuracy of the region oracle: every region (``labels`` > 0) in its true majority part's
    colour (the part's median in ``gt``), the ink in its nearest region's, the lines multiplied on
    top; the share of figure pixels (``slots`` 1..8) whose colour is nearest (CIEDE2000) to their own
    part's true colour among all parts' true colours."""
    slots = np.asarray(slots)
    parts = [s for s in range(NUM_SLOTS) if (slots == s).sum() > 0]
    if not parts or labels.max() == 0:
        return float("nan")
    true = np.array([np.median(gt[slots == s], axis=0) for s in parts], np.float64)
    n = int(labels.max())
    flat = labels.ravel()
    sl = slots.ravel()
    ok = (flat > 0) & (sl < NUM_SLOTS)
    index = np.full(NUM_SLOTS, -1)
    index[parts] = np.arange(len(parts))
    votes = np.bincount(flat[ok] * NUM_SLOTS + sl[ok], minlength=(n + 1) * NUM_SLOTS).reshape(n + 1, NUM_SLOTS)
    major = votes.argmax(1)
    colours = np.where((votes.sum(1) > 0)[:, None], true[np.maximum(index[major], 0)], 255.0)
    fill = colours[flat[nearest_paper(labels)]]
    out = fill * (1.0 - np.clip(darkness, 0, 1).ravel()[:, None])
    figure = (sl >= 1) & (sl < NUM_SLOTS)
    px = np.clip(np.round(out[figure]), 0, 255).astype(np.int64)
    uniq, inv = np.unique((px[:, 0] << 16) | (px[:, 1] << 8) | px[:, 2], return_inverse=True)
    ucol = np.stack([uniq >> 16, (uniq >> 8) & 255, uniq & 255], 1)
    d = delta_e_ciede2000(rgb_to_lab(ucol)[:, None], rgb_to_lab(true)[None])   # each distinct colour once
    return float((d.argmin(1)[inv.ravel()] == index[sl[figure]]).mean())


def measure_folder(folder: str | Path, methods=METHODS, size: int | None = None, limit: int | None = None,
                   settings: GapSettings = GapSettings()) -> dict:
    """``{method: {"ceiling": mean oracle accuracy, "seconds": mean time of find_regions, "regions": mean
    count, "n": pictures}}`` over the
    pictures of ``folder`` (``sketch/``, ``color/``, ``labels/`` PNGs of one name; a check-set subset),
    at ``size`` px on the longer side (default: as stored)."""
    from tqdm import tqdm

    folder = Path(folder)
    ids = sorted(p.stem for p in (folder / "labels").glob("*.png"))[:limit]
    if not ids:
        raise FileNotFoundError(f"no labels/*.png under {folder}")
    acc: dict = {m: [] for m in methods}
    secs: dict = {m: [] for m in methods}
    counts: dict = {m: [] for m in methods}
    for pid in tqdm(ids, desc=f"gaps {folder.name}", unit="pic"):
        sketch = Image.open(folder / "sketch" / f"{pid}.png").convert("L")
        color = Image.open(folder / "color" / f"{pid}.png").convert("RGB")
        labels = Image.open(folder / "labels" / f"{pid}.png")
        if size is not None and max(sketch.size) != size:
            f = size / max(sketch.size)
            wh = (max(1, round(sketch.width * f)), max(1, round(sketch.height * f)))
            sketch = sketch.resize(wh, Image.BICUBIC if f > 1 else Image.BILINEAR)
            color, labels = color.resize(wh, Image.BICUBIC), labels.resize(wh, Image.NEAREST)
        dark = line_mask(sketch)
        slots = labels_to_slots(np.asarray(labels))
        gt = np.asarray(color)
        for m in methods:
            t = time.perf_counter()
            lab, n = find_regions(dark, m, settings)
            secs[m].append(time.perf_counter() - t)
            counts[m].append(n)
            acc[m].append(oracle_accuracy(lab, dark, slots, gt))
    return {m: {"ceiling": float(np.nanmean(acc[m])), "seconds": float(np.mean(secs[m])),
                "regions": float(np.mean(counts[m])), "n": len(ids)} for m in methods}


__all__ = ["GapSettings", "METHODS", "closing_segments", "find_regions", "measure_folder", "oracle_accuracy",
           "stroke_ends", "trapped_ball"]

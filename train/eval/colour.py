"""Colour measures of the check-set harness: does each part get its own colour, whatever its slot?

Pure NumPy functions over ``(H, W, 3)`` uint8 sRGB pictures and ``(H, W)`` slot maps
(``colorizer.roles.labels_to_slots``: 255 = ink or unknown), and :func:`score_colour`, which runs
one harness row (``train.eval.methods.Method``) through them on one check picture.

* :func:`dominant_colour` - a part's true colour: the median of the most populated
  16-level-per-channel colour bin of its pixels (the lit base tone of a cel-shaded part, not its
  shadow or highlight).
* :func:`palette_delta_e` - CIEDE2000 between each part's true colour (in the picture the palette
  came from) and its slot's swatch (weights that name parts) or the nearest swatch (others).
* :func:`colour_right` - the pixels whose output colour is nearest (CIE76) to their own part's
  true colour among all parts' true colours (ties count as right, and so do parts whose true
  colours are within :data:`SAME_DE` of each other: a white shirt on white paper); colour accuracy
  is their share of the scored figure pixels. Which slot holds which colour plays no part.
* :func:`largest_parts` - pins for the largest true parts (4-connected areas of one slot), each at
  its centre-most pixel (:func:`centre_point`), to its true slot; :func:`match_points` - point
  matches for them, at the same part's centre-most pixel in the reference.
* :func:`click_plan` / :func:`click_effect` - one pin in the largest wrongly painted region of the
  part with the most wrong pixels; the share of that part's other wrong pixels it fixes, and how
  many right pixels (outside the clicked region) changed colour.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from colorizer.roles import NUM_SLOTS, SLOTS, labels_to_slots

from train.eval import metrics as M
from train.eval import slot_metrics as SM

__all__ = ["WITHIN_DE", "SAME_DE", "PIN_COUNTS", "MATCH_COUNT", "BIN", "ColourTruth", "dominant_colour", "part_colours",
           "palette_delta_e", "colour_right", "accuracy", "centre_point", "parts_by_size", "largest_parts", "match_points", "click_plan", "click_effect",
           "takes_matches", "score_colour"]

WITHIN_DE = 15.0          # a swatch "holds" a part's colour within this CIEDE2000
SAME_DE = 5.0             # parts whose true colours are this close (CIE76) count as one colour
PIN_COUNTS = (3, 10)
MATCH_COUNT = 3
BIN = 16                  # colour bin width per channel of dominant_colour


def dominant_colour(pixels) -> np.ndarray:
    """(3,) uint8: the per-channel median of the pixels in the most populated colour bin
    (bins of :data:`BIN` levels per channel; the first bin in order on ties)."""
    px = np.asarray(pixels, dtype=np.uint8).reshape(-1, 3)
    if not len(px):
        raise ValueError("dominant_colour: no pixels")
    q = (px // BIN).astype(np.int64)
    n = 256 // BIN
    key = (q[:, 0] * n + q[:, 1]) * n + q[:, 2]
    top = int(np.bincount(key, minlength=n ** 3).argmax())
    return np.median(px[key == top], axis=0).round().astype(np.uint8)


def part_colours(rgb, slots, min_pixels: int = 1, mask=None) -> dict[int, np.ndarray]:
    """``{slot: dominant colour}`` of every slot with at least ``min_pixels`` pixels in ``slots``
    (within ``mask`` when given)."""
    rgb, slots = np.asarray(rgb), np.asarray(slots)
    if rgb.shape[:2] != slots.shape:
        raise ValueError(f"picture {rgb.shape[:2]} and slot map {slots.shape} differ in size")
    out = {}
    for s in range(NUM_SLOTS):
        sel = slots == s
        if mask is not None:
            sel &= mask
        if int(sel.sum()) >= max(1, min_pixels):
            out[s] = dominant_colour(rgb[sel])
    return out


def palette_delta_e(true_colours: dict[int, np.ndarray], swatches: np.ndarray, by_slot: bool) -> dict[int, float]:
    """CIEDE2000 between each figure part's true colour (slot 0, the background, left out) and its
    swatch: swatch ``slot`` when ``by_slot`` (weights that name parts), else the nearest one."""
    swatches = np.asarray(swatches, dtype=np.uint8).reshape(-1, 3)
    out = {}
    for s, c in true_colours.items():
        if s == 0:
            continue
        d = M.delta_e(M.to_lab(np.asarray(c, np.uint8)[None]), M.to_lab(swatches))[0]
        out[s] = float(d[s] if by_slot else d.min())
    return out


def colour_right(output, slots, scored, true_colours: dict[int, np.ndarray],
                 same_de: float = SAME_DE) -> tuple[np.ndarray, np.ndarray]:
    """``(right, scored)`` (H, W) bool maps: ``scored`` narrowed to pixels whose true part has a true
    colour; ``right`` the scored pixels whose output colour is nearest (CIE76) to their own part's
    true colour among all parts' true colours - or to a part's whose true colour is within
    ``same_de`` (CIE76) of their own (ties count as right)."""
    out, slots = np.asarray(output), np.asarray(slots)
    if out.shape[:2] != slots.shape:
        raise ValueError(f"output {out.shape[:2]} and slot map {slots.shape} differ in size")
    keys = sorted(true_colours)
    index = np.full(256, -1, np.int64)
    index[keys] = np.arange(len(keys))
    col = index[slots.astype(np.uint8)]
    scored = np.asarray(scored, bool) & (col >= 0)
    right = np.zeros(slots.shape, bool)
    if scored.any():
        cols = SM.lab(np.array([true_colours[k] for k in keys], np.uint8).reshape(-1, 3))
        same = np.sqrt(((cols[:, None] - cols[None]) ** 2).sum(-1)) <= same_de     # (K, K), diagonal True
        px = SM.lab(out[scored])
        d = np.sqrt(((px[:, None, :] - cols[None]) ** 2).sum(-1))
        own = np.where(same[col[scored]], d, np.inf).min(1)
        right[scored] = own <= d.min(1) + 1e-9
    return right, scored


def accuracy(right: np.ndarray, scored: np.ndarray) -> float:
    return float(right[scored].mean()) if scored.any() else math.nan


def centre_point(mask) -> tuple[int, int]:
    """``(x, y)``: the centre-most pixel of a non-empty mask - the deepest (the maximum of its
    Euclidean distance transform, the picture's edge counting as a boundary), the one nearest the
    mask's centroid among equally deep pixels."""
    from scipy import ndimage

    mask = np.asarray(mask, bool)
    dist = ndimage.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1]
    ys, xs = np.nonzero(dist >= dist.max() - 1e-9)
    cy, cx = np.nonzero(mask)
    k = int(np.argmin((ys - cy.mean()) ** 2 + (xs - cx.mean()) ** 2))
    return int(xs[k]), int(ys[k])


def parts_by_size(slots, mask) -> list[tuple[int, np.ndarray]]:
    """``[(slot, area mask)]``: the 4-connected areas of one slot within ``mask``, largest first
    (equal areas in raster order of their first pixel)."""
    from scipy import ndimage

    slots = np.asarray(slots)
    mask = np.asarray(mask, bool) & (slots < NUM_SLOTS)
    out = []
    for s in np.unique(slots[mask]):
        comps, n = ndimage.label(mask & (slots == s))
        for i in range(1, n + 1):
            area = comps == i
            out.append((-int(area.sum()), int(np.argmax(area.ravel())), int(s), area))
    out.sort(key=lambda t: t[:2])
    return [(s, a) for _, _, s, a in out]


def largest_parts(slots, figure, n: int) -> list[tuple[int, int, int]]:
    """``[(x, y, slot)]`` pins for the ``n`` largest true parts (4-connected areas of one slot of
    the figure), largest first, each at its :func:`centre_point`."""
    return [(*centre_point(a), s) for s, a in parts_by_size(slots, figure)[:max(0, n)]]


def match_points(parts: list[tuple[int, int, int]], size: tuple[int, int], ref_slots: np.ndarray | None,
                 ref_size: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    """``[(x, y, rx, ry)]`` point matches for ``parts`` (:func:`largest_parts` at the sketch's
    ``size``): with the reference's slot map, the centre-most pixel of the largest area of the same
    slot there (parts the reference lacks are left out); without one (the picture is its own
    reference), the same point scaled to ``ref_size``."""
    out = []
    w, h = size
    rw, rh = ref_size
    for x, y, s in parts:
        if ref_slots is None:
            out.append((x, y, min(rw - 1, round(x * rw / w)), min(rh - 1, round(y * rh / h))))
            continue
        areas = parts_by_size(ref_slots, np.asarray(ref_slots) == s)
        if areas:
            out.append((x, y, *centre_point(areas[0][1])))
    return out


def click_plan(right, scored, slots, regions, major) -> tuple[int, int, int, np.ndarray] | None:
    """The click on the part (figure slot) with the most wrong pixels: ``(x, y, slot, clicked)``, the
    deepest point of the line-enclosed region (``regions``, 0 = ink; ``major``: each region's true
    majority slot) of that slot holding the most of its wrong pixels, and that region's mask.
    None when no figure pixel is wrong."""
    slots = np.asarray(slots)
    wrong = np.asarray(scored) & ~np.asarray(right) & (slots > 0) & (slots < NUM_SLOTS)
    if not wrong.any():
        return None
    part = int(np.bincount(slots[wrong].astype(np.int64), minlength=NUM_SLOTS).argmax())
    mine = wrong & (slots == part) & (regions > 0) & (major[regions] == part)
    if not mine.any():
        return None
    region = int(np.bincount(regions[mine].astype(np.int64)).argmax())
    clicked = regions == region
    return (*centre_point(clicked), part, clicked)


def click_effect(before, after, right_before, right_after, scored, slots, part: int,
                 clicked) -> tuple[float, int]:
    """``(fixed, right_changed)``: the share of the part's wrong pixels outside the clicked region
    that are right after the click (NaN when there are none), and the number of pixels right before
    (outside the clicked region) whose colour moved by more than ``LEAK_DELTA_E`` (CIE76)."""
    outside = np.asarray(scored) & ~np.asarray(clicked)
    others = outside & ~right_before & (np.asarray(slots) == part)
    fixed = float(right_after[others].mean()) if others.any() else math.nan
    keep = outside & right_before
    moved = 0
    if keep.any():
        d = np.sqrt(((SM.lab(np.asarray(before)[keep]) - SM.lab(np.asarray(after)[keep])) ** 2).sum(-1))
        moved = int((d > SM.LEAK_DELTA_E).sum())
    return fixed, moved


@dataclass
class ColourTruth:
    """What the colour measures need of one check picture (``train.eval.checkset``)."""

    reference: Image.Image            # the picture the palette comes from (generator: reference/<id>.png)
    key: str                          # its palette-cache key: "self" or "reference"
    ref_colours: dict                 # slot -> true colour in that picture
    colours: dict                     # slot -> true colour in the ground truth
    scored: np.ndarray                # (H, W) bool: figure pixels of a part with a true colour
    parts: list                       # (x, y, slot), largest true parts first (max(PIN_COUNTS))
    matches: list                     # (x, y, rx, ry) for the MATCH_COUNT largest parts
    regions: np.ndarray               # (H, W) the sketch's line-enclosed regions (0 = ink)
    major: np.ndarray                 # their true majority slots
    oracle: float = math.nan          # colour accuracy of the region oracle
    oracle_right: np.ndarray = field(default=None, repr=False)


def takes_matches(colorizer) -> bool:
    """Whether the pipeline takes point matches (``Colorizer.__call__(..., matches=...)``)."""
    call = getattr(colorizer, "__call__", None)
    try:
        return call is not None and "matches" in inspect.signature(call).parameters
    except (TypeError, ValueError):
        return False


def score_colour(m, pic, out0=None, result0=None) -> dict:
    """The colour measures of one harness row ``m`` on one check picture ``pic`` (with its
    :class:`ColourTruth` ``pic.colour``): palette ΔE per part and the share within
    :data:`WITHIN_DE`, colour accuracy, colour gain with pins and point matches, click fix and
    right pixels changed, and (weights that name parts) the slot confusion of the sketch.
    ``out0`` / ``result0``: the output with this palette when already made."""
    from train.eval.confusion import slot_confusion

    t = pic.colour
    pal = m.palette(t.reference, (pic.subset, pic.id, t.key))
    if out0 is None:
        outs, results = m.colour_results([pic.sketch], [pal])
        out0, result0 = outs[0], results[0]
    de = palette_delta_e(t.ref_colours, pal.colors, m.parts)
    r: dict = {"palette_de": {SLOTS[s]: v for s, v in de.items()},
               "palette_within": float(np.mean([v <= WITHIN_DE for v in de.values()])) if de else math.nan}
    slots = labels_to_slots(pic.labels)
    right0, scored = colour_right(out0, slots, t.scored, t.colours)
    r["colour"] = accuracy(right0, scored)
    for n in PIN_COUNTS:
        r[f"colour_pins{n}"] = math.nan
    r["colour_matches3"] = r["click_fix"] = r["right_changed"] = math.nan
    r["confusion"] = None
    r["role_acc"] = math.nan
    if not m.parts:
        return r
    if result0 is not None and getattr(result0, "slots", None) is not None:
        conf = slot_confusion(pic.labels, result0.slots)
        r["confusion"] = conf.tolist()
        r["role_acc"] = float(np.trace(conf) / conf.sum()) if conf.sum() else math.nan
    if t.parts:
        outs = m.colour([pic.sketch] * len(PIN_COUNTS), [pal] * len(PIN_COUNTS),
                        hints=[t.parts[:n] for n in PIN_COUNTS])
        for n, o in zip(PIN_COUNTS, outs):
            r[f"colour_pins{n}"] = accuracy(colour_right(o, slots, scored, t.colours)[0], scored) - r["colour"]
    if t.matches and takes_matches(m.colorizer):
        o = m.colour_matched(pic.sketch, t.reference, t.matches[:MATCH_COUNT])
        r["colour_matches3"] = accuracy(colour_right(o, slots, scored, t.colours)[0], scored) - r["colour"]
    plan = click_plan(right0, scored, slots, t.regions, t.major)
    if plan is not None:
        x, y, part, clicked = plan
        after = m.colour([pic.sketch], [pal], hints=[[(x, y, part)]])[0]
        right1, _ = colour_right(after, slots, scored, t.colours)
        r["click_fix"], r["right_changed"] = click_effect(out0, after, right0, right1, scored, slots, part, clicked)
        r["click_part"] = SLOTS[part]
    return r



def summarise(measures: list[dict]) -> dict:
    """One table row from the per-picture :func:`score_colour` results: ``palette_de`` (the median
    ΔE over every part of every picture) and ``palette_within`` (the share of those parts within
    :data:`WITHIN_DE`), the means of the other measures over the pictures, ``any_right_changed``
    (the share of clicked pictures where a right pixel changed), ``per_part`` (median ΔE and count
    per part), the pooled slot ``confusion`` and ``role_acc`` from it (weights that name parts)."""
    from train.eval.report import mean

    des = [(k, v) for r in measures for k, v in r["palette_de"].items()]
    vals = np.array([v for _, v in des], np.float64)
    row = {"palette_de": float(np.median(vals)) if len(vals) else math.nan,
           "palette_within": float((vals <= WITHIN_DE).mean()) if len(vals) else math.nan}
    keys = ["colour"] + [f"colour_pins{n}" for n in PIN_COUNTS] + ["colour_matches3", "click_fix", "right_changed"]
    for k in keys:
        row[k] = mean(r[k] for r in measures)
    changed = [r["right_changed"] for r in measures if math.isfinite(r["right_changed"])]
    row["any_right_changed"] = float(np.mean([c > 0 for c in changed])) if changed else math.nan
    row["per_part"] = {}
    for s in SLOTS:
        v = [x for k, x in des if k == s]
        if v:
            row["per_part"][s] = {"de": float(np.median(v)), "n": len(v)}
    confs = [np.array(r["confusion"]) for r in measures if r.get("confusion") is not None]
    row["confusion"] = sum(confs).tolist() if confs else None
    total = float(np.sum(confs)) if confs else 0.0
    row["role_acc"] = float(np.trace(sum(confs)) / total) if total else math.nan
    row["role_acc_per_picture"] = [r["role_acc"] for r in measures]
    return row

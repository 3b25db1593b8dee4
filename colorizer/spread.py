"""Corrections that spread: a pin or a match also moves the regions the network sees like the clicked one.

The role head gives every pixel a distribution over the parts. Pooled over a line-enclosed region
(:func:`region_features`), it is the region's *signature*. A correction of region ``r`` to slot
``s`` says that the network under-rates ``s`` there. :func:`spread_regions` raises the
probability of ``s`` by the factor that makes ``r`` itself flip (its top probability over its
probability of ``s``, times :attr:`SpreadSettings.margin`, at most
:attr:`SpreadSettings.max_boost`) in every region whose signature is like ``r``'s, scaled down
with the distance of the signatures (Bhattacharyya coefficient from
:attr:`SpreadSettings.similarity`: none, to 1: all), and near it (centroids at most
:attr:`SpreadSettings.reach` of the picture's diagonal apart). A region whose most likely slot
becomes ``s`` moves with the click; a region the network is sure of never does.

The clicked region itself always takes exactly the correction (the region fill of a pin).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .settings import SpreadSettings


@dataclass(frozen=True)
class RegionFeatures:
    """Per-region statistics of the network's output (index 0: the ink, unused)."""

    probs: np.ndarray        # (n + 1, K) mean slot probabilities
    counts: np.ndarray       # (n + 1,) pixels
    centroids: np.ndarray    # (n + 1, 2) mean (x, y)
    diagonal: float          # the picture's diagonal in pixels


def region_features(labels: np.ndarray, n: int, slot_probs: np.ndarray) -> RegionFeatures:
    """The :class:`RegionFeatures` of region labels (h, w) and (K, h, w) slot probabilities."""
    h, w = labels.shape
    k = slot_probs.shape[0]
    if slot_probs.shape[1:] != (h, w):
        raise ValueError(f"region_features: labels {labels.shape} and probabilities {slot_probs.shape} disagree")
    flat = labels.ravel()
    counts = np.bincount(flat, minlength=n + 1).astype(np.float64)
    safe = np.maximum(counts, 1.0)
    probs = np.empty((n + 1, k), np.float64)
    p = slot_probs.reshape(k, -1)
    for s in range(k):
        probs[:, s] = np.bincount(flat, weights=p[s], minlength=n + 1) / safe
    ys, xs = np.divmod(np.arange(h * w), w)
    cent = np.stack([np.bincount(flat, weights=xs, minlength=n + 1) / safe,
                     np.bincount(flat, weights=ys, minlength=n + 1) / safe], 1)
    return RegionFeatures(probs=probs, counts=counts, centroids=cent, diagonal=float(np.hypot(h, w)))


def similarity(features: RegionFeatures, r: int) -> np.ndarray:
    """(n + 1,) Bhattacharyya coefficient of every region's pooled distribution with region ``r``'s
    (each renormalised over the slots, so the ink's share does not count)."""
    p = features.probs / np.maximum(features.probs.sum(1, keepdims=True), 1e-9)
    return np.sqrt(p * p[r][None]).sum(1)


def spread_regions(features: RegionFeatures, region_slots: np.ndarray, r: int, slot: int,
                   settings: SpreadSettings = SpreadSettings()) -> np.ndarray:
    """The regions (ids, ``r`` first) a correction of region ``r`` to ``slot`` moves, given every
    region's slot before it (``region_slots``, (n + 1,))."""
    if not settings.enabled or r <= 0:
        return np.array([r], np.int64)
    sim = similarity(features, r)
    dist = np.hypot(*(features.centroids - features.centroids[r]).T)
    p = features.probs
    top = p[r].max()
    factor = min(settings.max_boost, settings.margin * top / max(p[r, slot], 1e-6))
    weight = np.clip((sim - settings.similarity) / max(1e-6, 1 - settings.similarity), 0, 1)
    boosted = p[:, slot] * factor ** weight
    other = p.copy()
    other[:, slot] = -1
    take = (boosted > other.max(1)) & (region_slots != slot)
    take &= dist <= settings.reach * features.diagonal
    take &= features.counts >= settings.min_pixels
    take[0] = take[r] = False
    return np.concatenate([[r], np.flatnonzero(take)]).astype(np.int64)


def apply_corrections(features: RegionFeatures, region_slots: np.ndarray,
                      corrections: list[tuple[int, int]], settings: SpreadSettings = SpreadSettings()
                      ) -> tuple[np.ndarray, list[np.ndarray]]:
    """Region slots after ``corrections`` (``(region, slot)``, in order): each spreads from the slots
    before any correction, a clicked region keeps its own correction (a later click wins), and a
    region two corrections spread to takes the one whose signature is closer. Returns the new slots
    and, per correction, the regions it moved."""
    before = np.asarray(region_slots).copy()
    out = before.copy()
    best = np.full(len(before), -np.inf)
    moved = []
    clicked = {r for r, _ in corrections if r > 0}
    for r, s in corrections:
        regs = spread_regions(features, before, r, s, settings)
        moved.append(regs)
        sim = similarity(features, r) if r > 0 else np.zeros(len(before))
        for q in regs[1:]:
            if q not in clicked and sim[q] > best[q]:
                best[q] = sim[q]
                out[q] = s
    for r, s in corrections:  # the clicked regions last: exactly what was asked
        if r > 0:
            out[r] = s
    return out, moved


def region_at(labels: np.ndarray, nearest: np.ndarray, x: int, y: int) -> int:
    """The region under ``(x, y)``; on the ink, the nearest region (``nearest``: flat index of every
    pixel's nearest region pixel, :class:`colorizer.render.RegionMap`)."""
    r = int(labels[y, x])
    return r if r > 0 else int(labels.ravel()[nearest[y * labels.shape[1] + x]])


@dataclass(frozen=True)
class Corrected:
    """Region slots and colours after pins and matches."""

    region_slots: np.ndarray            # (n + 1,) uint8 slot of every region
    region_colors: np.ndarray | None    # (n + 1, 3) uint8 own colour of a region (a match), else None
    own_color: np.ndarray | None        # (n + 1,) bool: the regions that have their own colour


def correct_regions(labels: np.ndarray, nearest: np.ndarray, n: int, slot_probs: np.ndarray,
                    pins: list[tuple[int, int, int]] = (), matches: list = (),
                    settings: SpreadSettings = SpreadSettings()) -> Corrected:
    """Every region's slot by the role head's vote (its largest summed slot probability), then
    ``pins`` (``(x, y, slot)``) and ``matches`` (``(x, y, slot or None, (r, g, b))``, the sketch
    point in this picture's pixels), in that order, each spreading (:func:`apply_corrections`). A
    match's regions also take its colour; a match whose slot is None (the reference point is ink)
    keeps the region's slot and does not spread."""
    feats = region_features(labels, n, slot_probs)
    votes = feats.probs * feats.counts[:, None]
    region_slots = votes.argmax(1).astype(np.uint8)
    corrections = [(region_at(labels, nearest, x, y), s) for x, y, s in pins]
    hits = [(region_at(labels, nearest, x, y), s, c) for x, y, s, c in matches]
    corrections += [(r, s) for r, s, _ in hits if s is not None]
    if not corrections and not hits:
        return Corrected(region_slots, None, None)
    out, moved = apply_corrections(feats, region_slots, corrections, settings)
    colors = own = None
    if hits:
        colors = np.zeros((n + 1, 3), np.uint8)
        own = np.zeros(n + 1, bool)
        spread = moved[len(pins):]
        k = 0
        for r, s, c in hits:
            regs = [r] if s is None else spread[k]
            if s is not None:
                k += 1
            regs = [q for q in regs if q == r or out[q] == s]   # a region another click took keeps that one
            colors[regs] = c
            own[regs] = True
        own[0] = False
    return Corrected(out.astype(np.uint8), colors, own)


__all__ = ["Corrected", "RegionFeatures", "SpreadSettings", "apply_corrections", "correct_regions", "region_at",
           "region_features", "similarity", "spread_regions"]

"""Click hints: "this point belongs to slot k".

A hint is ``(x, y, slot)`` in the sketch's own pixel coordinates. Hints do two
things: the network sees them as hint planes (plane ``k`` is 1 on a small disc
around every point pinned to slot ``k``), and flat rendering fills the region
under each point with that slot's colour exactly.
"""

from __future__ import annotations

import itertools
import math
from typing import Iterable, Sequence

import numpy as np
import torch

from .documents import json_kind
from .errors import ColorizerError, shown

# Disc radius of a hint in the network's planes, as a fraction of the longer side
# (about 3 px at 256 px); training draws its hints the same way.
HINT_RADIUS_FRAC = 3 / 256
# Most hints one call takes.
MAX_HINTS = 64


class HintError(ColorizerError):
    """A hint list that cannot be used (wrong shape, outside the picture, bad slot)."""


# A hint list given as JSON text: at most this many bytes (64 hints of three numbers fit easily).
MAX_HINT_TEXT = 4096


def parse_hints(hints, width: int, height: int, num_slots: int) -> list[tuple[int, int, int]]:
    """Validate ``hints`` for a ``width`` x ``height`` sketch: None, an iterable of ``(x, y, slot)``
    (or ``{"x", "y", "slot"}`` dicts), or that list as JSON text (at most :data:`MAX_HINT_TEXT`
    bytes). At most :data:`MAX_HINTS` are read: a longer list is refused before its entries are.

    Returns integer triples; raises :class:`HintError` naming the bad entry.
    """
    if hints is None:
        return []
    if isinstance(hints, (str, bytes)):
        from .documents import DocumentError, JsonLimits, read_json

        try:
            hints = read_json(hints, "hint list", JsonLimits(max_bytes=MAX_HINT_TEXT, max_depth=3,
                                                           max_values=5 * MAX_HINTS + 1))
        except DocumentError as e:
            raise HintError(str(e)) from None
        if hints is None:
            return []
    if isinstance(hints, np.ndarray):
        if hints.size > 3 * (MAX_HINTS + 1):
            raise HintError(f"at most {MAX_HINTS} hints, got {len(hints)}")
        hints = hints.tolist()
    if isinstance(hints, dict) or not isinstance(hints, Iterable):
        raise HintError(f"hints must be a list of (x, y, slot) triples, got {json_kind(hints)}")
    if hasattr(hints, "__len__") and len(hints) > MAX_HINTS:
        raise HintError(f"at most {MAX_HINTS} hints, got {len(hints)}")
    items = list(itertools.islice(hints, MAX_HINTS + 1))
    if len(items) > MAX_HINTS:
        raise HintError(f"at most {MAX_HINTS} hints, got more")
    out = []
    for i, h in enumerate(items):
        if isinstance(h, dict):
            h = (h.get("x"), h.get("y"), h.get("slot"))
        elif isinstance(h, np.ndarray):
            h = h.tolist()
        if isinstance(h, (str, bytes)) or not isinstance(h, Sequence) or len(h) != 3:
            raise HintError(f"hint {i} must be (x, y, slot), got {shown(h)}")
        try:
            x, y, slot = (float(v) for v in h)
        except (TypeError, ValueError, OverflowError):
            raise HintError(f"hint {i} must hold three numbers (x, y, slot) of a sensible size, got {shown(h)}") \
                from None
        if not all(math.isfinite(v) for v in (x, y, slot)):
            raise HintError(f"hint {i} has a number that is not finite: {shown(h)}")
        if slot != int(slot) or not 0 <= slot < num_slots:
            raise HintError(f"hint {i}: slot {shown(h[2])} is out of range 0..{num_slots - 1}")
        if x < 0 or y < 0:
            raise HintError(f"hint {i}: x and y are pixels from the top-left corner, so they cannot be negative; "
                            f"got ({shown(h[0])}, {shown(h[1])})")
        if not (x < width and y < height):
            raise HintError(f"hint {i}: point ({shown(h[0])}, {shown(h[1])}) is outside the {width}x{height} "
                            f"picture (x from 0 to {width - 1}, y from 0 to {height - 1})")
        out.append((int(x), int(y), int(slot)))
    return out


def scale_hints(hints: list[tuple[int, int, int]], src: tuple[int, int], dst: tuple[int, int]
                ) -> list[tuple[int, int, int]]:
    """Hints in a ``src`` (w, h) picture moved to the same place in a ``dst`` (w, h) picture."""
    sx, sy = dst[0] / src[0], dst[1] / src[1]
    return [(min(dst[0] - 1, int((x + 0.5) * sx)), min(dst[1] - 1, int((y + 0.5) * sy)), s) for x, y, s in hints]


def hint_planes_np(hints: list[tuple[int, int, int]], width: int, height: int, num_slots: int,
                   radius: float | None = None) -> np.ndarray:
    """(K, H, W) float32 planes: 1 on a disc around each hint in its slot's plane."""
    planes = np.zeros((num_slots, height, width), np.float32)
    if not hints:
        return planes
    r = max(1.0, (radius if radius is not None else HINT_RADIUS_FRAC * max(width, height)))
    ri = int(math.ceil(r))
    dy, dx = np.mgrid[-ri:ri + 1, -ri:ri + 1]
    disc = (dx * dx + dy * dy) <= r * r
    for x, y, s in hints:
        y0, y1, x0, x1 = max(0, y - ri), min(height, y + ri + 1), max(0, x - ri), min(width, x + ri + 1)
        d = disc[y0 - (y - ri):y1 - (y - ri), x0 - (x - ri):x1 - (x - ri)]
        planes[s, y0:y1, x0:x1][d] = 1.0
    return planes


def hint_planes(hints: list[tuple[int, int, int]], width: int, height: int, num_slots: int,
                radius: float | None = None) -> torch.Tensor:
    """:func:`hint_planes_np` as a (1, K, H, W) tensor."""
    return torch.from_numpy(hint_planes_np(hints, width, height, num_slots, radius))[None]


__all__ = ["HINT_RADIUS_FRAC", "HintError", "MAX_HINTS", "MAX_HINT_TEXT", "hint_planes", "hint_planes_np", "parse_hints", "scale_hints"]

"""Point matches between the reference and the sketch: "this place in the sketch is that place in the reference".

A match is ``(x, y, rx, ry)``: ``(x, y)`` in the sketch's own pixels, ``(rx, ry)`` in the
reference's own pixels. The sketch region under ``(x, y)`` takes the part the reference's
segmentation gives the reference region under ``(rx, ry)`` and that region's base tone
(:meth:`colorizer.reference.ReferenceParts.tone_at`), even when no palette slot holds the tone
(a sash, a belt, a ribbon). In JSON (project files, the API) a match is
``{"x": .., "y": .., "rx": .., "ry": ..}`` or a list of four numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from .errors import ColorizerError

# Most matches one call takes.
MAX_MATCHES = 64
FIELDS = ("x", "y", "rx", "ry")


class MatchError(ColorizerError):
    """A match list that cannot be used (wrong shape, outside a picture, no reference)."""


@dataclass(frozen=True)
class Match:
    """One match in the sketch's and the reference's own pixels."""

    x: int
    y: int
    rx: int
    ry: int

    def to_dict(self) -> dict:
        return {"x": self.x, "y": self.y, "rx": self.rx, "ry": self.ry}


@dataclass(frozen=True)
class ResolvedMatch:
    """A match with what the reference says at its point: the part's slot and the base tone."""

    match: Match
    slot: int | None                # None: the reference point is ink; the region keeps its part
    color: tuple[int, int, int]


def parse_matches(matches, width: int, height: int, reference_size: tuple[int, int] | None) -> list[Match]:
    """Validate ``matches`` (None, or an iterable of ``(x, y, rx, ry)`` or dicts) for a ``width`` x
    ``height`` sketch and a reference of ``reference_size`` (w, h; None: no reference given).
    Raises :class:`MatchError` naming the field and the bad entry."""
    if matches is None:
        return []
    if isinstance(matches, np.ndarray):
        matches = matches.tolist()
    if isinstance(matches, (str, bytes, dict)) or not isinstance(matches, Iterable):
        raise MatchError(f"matches must be a list of (x, y, rx, ry) points, got {type(matches).__name__}")
    items = list(matches)
    if not items:
        return []
    if reference_size is None:
        raise MatchError("matches need a reference picture: give reference=...")
    if len(items) > MAX_MATCHES:
        raise MatchError(f"matches: at most {MAX_MATCHES}, got {len(items)}")
    rw, rh = reference_size
    out = []
    for i, m in enumerate(items):
        if isinstance(m, dict):
            missing = [f for f in FIELDS if f not in m]
            if missing:
                raise MatchError(f"match {i} lacks {', '.join(missing)}: {m!r}")
            m = tuple(m[f] for f in FIELDS)
        elif isinstance(m, np.ndarray):
            m = m.tolist()
        if isinstance(m, (str, bytes)) or not isinstance(m, Sequence) or len(m) != 4:
            raise MatchError(f"match {i} must be (x, y, rx, ry), got {m!r}")
        vals = []
        for name, v in zip(FIELDS, m):
            if isinstance(v, bool):
                raise MatchError(f"match {i}: {name} must be a number, got {v!r}")
            try:
                f = float(v)
            except (TypeError, ValueError):
                raise MatchError(f"match {i}: {name} must be a number, got {v!r}") from None
            if not math.isfinite(f):
                raise MatchError(f"match {i}: {name} is not finite ({v!r})")
            vals.append(f)
        x, y, rx, ry = vals
        if not (0 <= x < width and 0 <= y < height):
            raise MatchError(f"match {i}: sketch point ({m[0]}, {m[1]}) is outside the {width}x{height} sketch")
        if not (0 <= rx < rw and 0 <= ry < rh):
            raise MatchError(f"match {i}: reference point ({m[2]}, {m[3]}) is outside the {rw}x{rh} reference")
        out.append(Match(int(x), int(y), int(rx), int(ry)))
    return out


def scale_matches(matches: list[Match], src: tuple[int, int], dst: tuple[int, int]) -> list[Match]:
    """Matches whose sketch points are in a ``src`` (w, h) picture moved to a ``dst`` (w, h) one."""
    sx, sy = dst[0] / src[0], dst[1] / src[1]
    return [Match(min(dst[0] - 1, int((m.x + 0.5) * sx)), min(dst[1] - 1, int((m.y + 0.5) * sy)), m.rx, m.ry)
            for m in matches]


def resolve_matches(parts, matches: list[Match]) -> list[ResolvedMatch]:
    """What ``parts`` (:class:`colorizer.reference.ReferenceParts`) says at every match's reference point."""
    from .reference import NO_SLOT

    out = []
    for i, m in enumerate(matches):
        try:
            slot = parts.slot_at(m.rx, m.ry)
            color = parts.tone_at(m.rx, m.ry)
        except ColorizerError as e:
            raise MatchError(f"match {i}: {e}") from None
        out.append(ResolvedMatch(m, None if slot == NO_SLOT else slot, color))
    return out


__all__ = ["FIELDS", "MAX_MATCHES", "Match", "MatchError", "ResolvedMatch", "parse_matches", "resolve_matches",
           "scale_matches"]

"""Small 2-D geometry kit for the anime generator: Bezier polylines, affine maps, inked ribbons.

Every shape is a NumPy ``(N, 2)`` float array of points. Shapes are built in a
local space (head space, body space, an eye's space), mapped to the 256-unit
canvas with a 3x3 affine matrix, and only then turned into ink: the width of an
ink stroke is given in canvas units, so lines keep a drawn look at any framing.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

__all__ = [
    "Pen", "cubic", "quad", "affine", "rotate", "scale", "translate", "apply", "ribbon", "taper",
    "outline_widths", "ellipse", "svg_d", "UNITS", "clip_rect", "tube", "unit_normals",
]

# SVG user units per canvas unit: coordinates are written as integers of 1/16 canvas unit.
UNITS = 16


@lru_cache(maxsize=64)
def _bernstein(n: int, degree: int) -> np.ndarray:
    t = np.linspace(0.0, 1.0, n)
    u = 1.0 - t
    if degree == 3:
        return np.stack([u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t], axis=1)
    return np.stack([u * u, 2 * u * t, t * t], axis=1)


def cubic(p0, p1, p2, p3, n: int = 10) -> np.ndarray:
    return _bernstein(n, 3) @ np.array([p0, p1, p2, p3], float)


def quad(p0, p1, p2, n: int = 8) -> np.ndarray:
    return _bernstein(n, 2) @ np.array([p0, p1, p2], float)


def _next(a: np.ndarray) -> np.ndarray:  # np.roll(a, -1, axis=0), cheaper
    return np.concatenate([a[1:], a[:1]])


def _prev(a: np.ndarray) -> np.ndarray:  # np.roll(a, 1, axis=0)
    return np.concatenate([a[-1:], a[:-1]])


@lru_cache(maxsize=256)
def _unit(n: int) -> np.ndarray:
    return np.linspace(0.0, 1.0, n)


class Pen:
    """Polyline builder: ``Pen(x, y).c(...).q(...).to(...).pts()``."""

    def __init__(self, x: float, y: float):
        self._chunks = [np.array([[x, y]], float)]
        self._cur = (float(x), float(y))

    def to(self, x: float, y: float) -> "Pen":
        self._chunks.append(np.array([[x, y]], float))
        self._cur = (float(x), float(y))
        return self

    def c(self, x1, y1, x2, y2, x, y, n: int = 10) -> "Pen":
        self._chunks.append(cubic(self._cur, (x1, y1), (x2, y2), (x, y), n)[1:])
        self._cur = (float(x), float(y))
        return self

    def q(self, cx, cy, x, y, n: int = 8) -> "Pen":
        self._chunks.append(quad(self._cur, (cx, cy), (x, y), n)[1:])
        self._cur = (float(x), float(y))
        return self

    def extend(self, pts) -> "Pen":
        pts = np.asarray(pts, float)
        if len(pts):
            self._chunks.append(pts)
            self._cur = (float(pts[-1, 0]), float(pts[-1, 1]))
        return self

    def pts(self) -> np.ndarray:
        return np.concatenate(self._chunks, axis=0)


def ellipse(cx: float, cy: float, rx: float, ry: float, n: int = 24, a0: float = 0.0, a1: float = 2 * math.pi) -> np.ndarray:
    t = np.linspace(a0, a1, n, endpoint=(a1 - a0) < 2 * math.pi - 1e-9)
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def affine(a=1.0, b=0.0, c=0.0, d=1.0, e=0.0, f=0.0) -> np.ndarray:
    """Matrix of ``x' = a x + c y + e, y' = b x + d y + f`` (SVG's matrix(a b c d e f))."""
    return np.array([[a, c, e], [b, d, f], [0.0, 0.0, 1.0]])


def translate(x: float, y: float) -> np.ndarray:
    return affine(e=x, f=y)


def scale(sx: float, sy: float | None = None) -> np.ndarray:
    return affine(a=sx, d=sx if sy is None else sy)


def rotate(angle: float, cx: float = 0.0, cy: float = 0.0) -> np.ndarray:
    """Rotation by ``angle`` radians (clockwise on screen, y down) about ``(cx, cy)``."""
    co, si = math.cos(angle), math.sin(angle)
    return translate(cx, cy) @ affine(co, si, -si, co) @ translate(-cx, -cy)


def apply(m: np.ndarray, pts) -> np.ndarray:
    p = np.asarray(pts, float)
    return p @ m[:2, :2].T + m[:2, 2]


def _dedup(p: np.ndarray, w: np.ndarray | None = None):
    if len(p) < 2:
        return p, w
    keep = np.ones(len(p), bool)
    keep[1:] = np.hypot(*(p[1:] - p[:-1]).T) > 1e-6
    return p[keep], (w[keep] if w is not None else None)


def _normals(p: np.ndarray, closed: bool) -> np.ndarray:
    if closed:
        t = _next(p) - _prev(p)
    else:
        t = np.empty_like(p)
        t[1:-1] = p[2:] - p[:-2]
        t[0] = p[1] - p[0]
        t[-1] = p[-1] - p[-2]
    n = np.stack([-t[:, 1], t[:, 0]], axis=1)
    ln = np.hypot(n[:, 0], n[:, 1])[:, None]
    return n / np.maximum(ln, 1e-9)


def ribbon(pts, widths, closed: bool = False) -> np.ndarray:
    """Polygon of a stroke along ``pts`` whose full width at point ``i`` is ``widths[i]``.

    Open strokes give one outline (left side out, right side back); closed ones
    give an annulus cut by a slit, which fills correctly with the nonzero rule.
    """
    p = np.asarray(pts, float)
    w = np.broadcast_to(np.asarray(widths, float), (len(p),)).copy()
    if closed and len(p) > 2 and np.hypot(*(p[0] - p[-1])) < 1e-6:
        p, w = p[:-1], w[:-1]
    p, w = _dedup(p, w)
    if len(p) < 2:
        return np.zeros((0, 2))
    n = _normals(p, closed) * (w[:, None] / 2.0)
    left, right = p + n, p - n
    if closed:
        return np.concatenate([left, left[:1], right[:1], right[::-1]], axis=0)
    return np.concatenate([left, right[::-1]], axis=0)


def taper(n: int, w: float, start: float = 0.3, end: float = 0.3, lo: float = 0.0, power: float = 0.7) -> np.ndarray:
    """Width profile of a brush stroke: rises over the first ``start`` share, falls over the last ``end``."""
    t = _unit(n)
    f = np.ones(n)
    if start > 0:
        f = np.minimum(f, t / start)
    if end > 0:
        f = np.minimum(f, (1.0 - t) / end)
    f = np.sin(np.clip(f, 0.0, 1.0) * (math.pi / 2)) ** power
    return w * (lo + (1.0 - lo) * f)


def outline_widths(p: np.ndarray, w: float, rng=None, wobble: float = 0.25, corner: float = 0.45) -> np.ndarray:
    """Widths of a closed outline: slow pressure wobble, thinner where the path turns sharply."""
    n = len(p)
    if n < 3:
        return np.full(n, w)
    d1 = p - _prev(p)
    d2 = _next(p) - p
    a1 = np.arctan2(d1[:, 1], d1[:, 0])
    a2 = np.arctan2(d2[:, 1], d2[:, 0])
    turn = np.abs((a2 - a1 + math.pi) % (2 * math.pi) - math.pi)
    f = 1.0 - corner * np.clip((turn - 0.6) / 1.6, 0.0, 1.0)
    f = np.minimum(f, _prev(f) * 0.5 + 0.5)
    f = np.minimum(f, _next(f) * 0.5 + 0.5)
    if rng is not None and wobble > 0:
        ph = (rng.uniform(0, 2 * math.pi), rng.uniform(0, 2 * math.pi))
        s = np.linspace(0, 2 * math.pi, n, endpoint=False)
        f = f * (1.0 + wobble * (0.6 * np.sin(2 * s + ph[0]) + 0.4 * np.sin(5 * s + ph[1])))
    return w * f



def clip_rect(poly: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """Polygon ``poly`` cut to the rectangle (Sutherland-Hodgman, one pass per side)."""
    p = np.asarray(poly, float)
    for axis, bound, keep_above in ((0, x0, True), (0, x1, False), (1, y0, True), (1, y1, False)):
        n = len(p)
        if n == 0:
            break
        ins = p[:, axis] >= bound if keep_above else p[:, axis] <= bound
        if ins.all():
            continue
        q = _next(p)
        crossing = ins != _next(ins)
        den = q[:, axis] - p[:, axis]
        t = np.where(crossing, (bound - p[:, axis]) / np.where(den == 0, 1.0, den), 0.0)
        out = np.empty((2 * n, 2))
        out[0::2] = p
        out[1::2] = p + t[:, None] * (q - p)
        keep = np.empty(2 * n, bool)
        keep[0::2] = ins
        keep[1::2] = crossing
        p = out[keep]
    return p


def svg_d(*polys: np.ndarray) -> str:
    """SVG path data of closed polygons in canvas units (integers of 1/UNITS)."""
    parts = []
    for poly in polys:
        if len(poly) < 3:
            continue
        a = np.rint(np.asarray(poly) * UNITS).astype(np.int64).ravel().tolist()
        parts.append("M" + " ".join(map(str, a)) + "Z")
    return "".join(parts)


def tube(centre: np.ndarray, widths, cap_start: bool = True, cap_end: bool = True, n_cap: int = 7) -> np.ndarray:
    """Closed outline of a limb along ``centre`` with round caps."""
    c = np.asarray(centre, float)
    w = np.broadcast_to(np.asarray(widths, float), (len(c),))
    t = np.empty_like(c)
    t[1:-1] = c[2:] - c[:-2]
    t[0] = c[1] - c[0]
    t[-1] = c[-1] - c[-2]
    t /= np.maximum(np.hypot(t[:, 0], t[:, 1]), 1e-9)[:, None]
    n = np.stack([-t[:, 1], t[:, 0]], axis=1)
    left = c + n * (w[:, None] / 2)
    right = c - n * (w[:, None] / 2)
    chunks = [left]
    if cap_end:
        phi = np.linspace(0, math.pi, n_cap)[1:-1, None]
        r = w[-1] / 2
        chunks.append(c[-1] + r * (np.cos(phi) * n[-1] + np.sin(phi) * t[-1]))
    chunks.append(right[::-1])
    if cap_start:
        phi = np.linspace(0, math.pi, n_cap)[1:-1, None]
        r = w[0] / 2
        chunks.append(c[0] + r * (-np.cos(phi) * n[0] - np.sin(phi) * t[0]))
    return np.concatenate(chunks, axis=0)


def unit_normals(c: np.ndarray) -> np.ndarray:
    """Unit normals of an open polyline (central differences)."""
    t = np.empty_like(c)
    t[1:-1] = c[2:] - c[:-2]
    t[0] = c[1] - c[0]
    t[-1] = c[-1] - c[-2]
    t /= np.maximum(np.hypot(t[:, 0], t[:, 1]), 1e-9)[:, None]
    return np.stack([-t[:, 1], t[:, 0]], axis=1)

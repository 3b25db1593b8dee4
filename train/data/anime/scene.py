"""The drawing's record: :class:`Scene` collects operations in painter's order, :func:`svgs` writes them.

Operations:

* ``fill``: a part's base shape (its role and colour),
* ``shade``: cel-shadow / highlight shapes clipped to a part (colour only; the label is the part's),
* ``patch``: a tone shape that lies inside a part by construction (colour only, no clip needed),
* ``ink``: a black stroke polygon (tapered ribbon), drawn over the fills before it.

:func:`svgs` writes the three renders: the colour fills (no ink), the ink
"twin" (fills white, ink black: later fills hide earlier ink) and the label
map (each fill in the grey level of its role index, anti-aliasing off). The
colour picture is the fills multiplied by the twin, so the sketch is exactly
the colour picture's ink.
"""

from __future__ import annotations

import random

import numpy as np

from colorizer.roles import ROLE_INDEX
from train.data.anime.geom import UNITS, clip_rect, outline_widths, ribbon, svg_d, taper
from train.data.anime.spec import AnimeSpec, PartColors

__all__ = ["CANVAS", "Scene", "svgs"]

CANVAS = 256.0
class Scene:
    """Painter's-order list of fills, clipped shades, tone patches and ink polygons (canvas units)."""

    def __init__(self, spec: AnimeSpec, lw: float, rng: random.Random):
        self.spec = spec
        self.lw = lw  # outline width in canvas units
        self.rng = rng
        self.ops: list[tuple] = []
        # id(PartColors) -> garment id written by svgs(parts=True) (generator v2's parts map); 0 = none
        self.part_ids: dict[int, int] = {}

    @staticmethod
    def _visible(pts: np.ndarray, margin: float = 4.0) -> bool:
        if len(pts) < 3:
            return False
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        return not (hi[0] < -margin or hi[1] < -margin or lo[0] > CANVAS + margin or lo[1] > CANVAS + margin)

    def fill(self, pts: np.ndarray, pc: PartColors, color: str | None = None, outline: float | None = None,
             wobble: float = 0.25) -> np.ndarray:
        """Fill ``pts`` (canvas) as part ``pc``; ``outline`` = ink width around it (None: no outline)."""
        if self._visible(pts):
            # an outlined fill's edge lies under ink: no anti-aliasing needed (and it matches the labels)
            self.ops.append(("fill", pts, ROLE_INDEX[pc.role], color or pc.base, bool(outline),
                             self.part_ids.get(id(pc), 0)))
            if outline:
                self.outline(pts, outline, wobble)
        return pts

    def outline(self, pts: np.ndarray, w: float, wobble: float = 0.25) -> None:
        self.ink(ribbon(pts, outline_widths(pts, w, self.rng, wobble), closed=True))

    def shade(self, clip: np.ndarray, shapes: list[tuple[np.ndarray, str]]) -> None:
        if not self._visible(clip):
            return
        lo = np.maximum(clip.min(axis=0) - 1.0, -2.0)
        hi = np.minimum(clip.max(axis=0) + 1.0, CANVAS + 2.0)
        cut = [(clip_rect(p, lo[0], lo[1], hi[0], hi[1]), c) for p, c in shapes]  # small clip layers
        cut = [(p, c) for p, c in cut if len(p) >= 3]
        if cut:
            self.ops.append(("shade", clip, cut))

    def patch(self, pts: np.ndarray, color: str) -> None:
        if self._visible(pts):
            self.ops.append(("patch", pts, color))

    def ink(self, poly: np.ndarray) -> None:
        if self._visible(poly, 2.0):
            self.ops.append(("ink", poly))

    def stroke(self, pts: np.ndarray, widths, closed: bool = False) -> None:
        """Ink along canvas points ``pts`` with per-point widths."""
        self.ink(ribbon(pts, widths, closed=closed))

    def line(self, pts: np.ndarray, w: float, start: float = 0.3, end: float = 0.3, lo: float = 0.0) -> None:
        """Tapered brush stroke of peak width ``w`` along ``pts``."""
        if len(pts) >= 2:
            self.stroke(pts, taper(len(pts), w, start, end, lo))


def svgs(scene: Scene, background: str, parts: bool = False) -> tuple[str, str, str]:
    """``(colour, ink twin, labels)`` SVG documents of the scene. ``parts``: the labels' green
    channel holds each fill's garment id (:attr:`Scene.part_ids`), the red its role."""
    size = int(CANVAS * UNITS)
    head = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" height="{size}"'
    bg_rect = f'<rect width="{size}" height="{size}" fill="{{}}"/>'
    col = [head + ">", bg_rect.format(background)]
    ink = [head + ">", bg_rect.format("#fff")]
    lab = [head + ' shape-rendering="crispEdges">', bg_rect.format(f"rgb({ROLE_INDEX['background']},0,0)")]
    nclip = 0
    for op in scene.ops:
        kind = op[0]
        if kind == "fill":
            d = svg_d(op[1])
            crisp = ' shape-rendering="crispEdges"' if op[4] else ""
            col.append(f'<path d="{d}" fill="{op[3]}"{crisp}/>')
            ink.append(f'<path d="{d}" fill="#fff" shape-rendering="crispEdges"/>')
            lab.append(f'<path d="{d}" fill="rgb({op[2]},{op[5] if parts else 0},0)"/>')
        elif kind == "shade":
            nclip += 1
            col.append(f'<clipPath id="c{nclip}"><path d="{svg_d(op[1])}"/></clipPath><g clip-path="url(#c{nclip})">')
            col.extend(f'<path d="{svg_d(p)}" fill="{c}"/>' for p, c in op[2])
            col.append("</g>")
        elif kind == "patch":
            col.append(f'<path d="{svg_d(op[1])}" fill="{op[2]}"/>')
        elif kind == "ink":
            ink.append(f'<path d="{svg_d(op[1])}"/>')
    return "".join(col) + "</svg>", "".join(ink) + "</svg>", "".join(lab) + "</svg>"

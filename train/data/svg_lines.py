"""Line-only twin of an SVG drawing, made by recolouring its markup.

Many vector avatars draw their outlines as dark strokes or as dark filled
shapes on top of the colour fills. Turning every light fill white and every
dark paint black keeps exactly those outlines: the result is the drawing's own
line layer, pixel-aligned with the colour render (a true pair, not an
extraction). Styles without drawn outlines get little from this; the build
falls back to :func:`colorizer.lines.extract_lines` for them.
"""

from __future__ import annotations

import re

__all__ = ["line_twin", "is_dark"]

_NAMED = {"black": (0, 0, 0), "white": (255, 255, 255), "none": None, "transparent": None}
# fill="..." / stroke="..." / stop-color="..." attributes and the same inside style="..."
_ATTR = re.compile(r'\b(fill|stroke|stop-color)\s*=\s*"([^"]*)"')
_CSS = re.compile(r"\b(fill|stroke|stop-color)\s*:\s*([^;\"'}]+)")


def _parse_colour(value: str):
    """Return (r, g, b) for #rgb / #rrggbb / rgb() / a few names; None for none/url/unknown."""
    v = value.strip().lower()
    if v in _NAMED:
        return _NAMED[v]
    if v.startswith("#"):
        h = v[1:]
        if len(h) in (3, 4):
            return tuple(int(c * 2, 16) for c in h[:3])
        if len(h) in (6, 8):
            return tuple(int(h[i : i + 2], 16) for i in (0, 2, 4))
        return None
    m = re.match(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)", v)
    if m:
        return tuple(int(float(x)) for x in m.groups())
    return None


def is_dark(value: str, threshold: float = 0.3) -> bool:
    """True when the paint ``value`` is a colour whose luminance (0..1) is below ``threshold``."""
    rgb = _parse_colour(value)
    if rgb is None:
        return False
    r, g, b = rgb
    return (0.299 * r + 0.587 * g + 0.114 * b) / 255.0 < threshold


def _recolour(prop: str, value: str, dark_threshold: float, strokes_black: bool) -> str:
    v = value.strip()
    low = v.lower()
    if low in ("none", "transparent", "inherit", "currentcolor"):
        return v
    if prop == "stroke" and strokes_black:
        return "#000000"
    if low.startswith("url("):
        return "#ffffff"  # gradients / patterns are shading, never line work
    return "#000000" if is_dark(v, dark_threshold) else "#ffffff"


def line_twin(svg: str, dark_threshold: float = 0.3, strokes_black: bool = True) -> str:
    """Return ``svg`` with light paint turned white and dark paint (and strokes) turned black.

    ``strokes_black`` makes every visible stroke black whatever its colour,
    since in these drawings strokes are line work. Opacity attributes are left
    alone, so translucent shading over white stays white.
    """
    svg = _ATTR.sub(lambda m: f'{m.group(1)}="{_recolour(m.group(1), m.group(2), dark_threshold, strokes_black)}"', svg)
    svg = _CSS.sub(lambda m: f"{m.group(1)}:{_recolour(m.group(1), m.group(2), dark_threshold, strokes_black)}", svg)
    return svg

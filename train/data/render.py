"""Render SVG drawings to square RGB images on a white background (resvg-py)."""

from __future__ import annotations

import io
import re

import resvg_py
from PIL import Image, ImageChops

__all__ = ["render_svg", "square_on_white", "normalise_root_size"]

_PX_PER_UNIT = {"px": 1.0, "pt": 4.0 / 3.0, "pc": 16.0, "mm": 96.0 / 25.4, "cm": 96.0 / 2.54, "in": 96.0}
_ROOT = re.compile(r"<svg\b[^>]*>", re.S)
_SIZE_ATTR = re.compile(r'(\s(?:width|height)\s*=\s*")\s*([0-9.eE+-]+)\s*(px|pt|pc|mm|cm|in)\s*(")')


def normalise_root_size(svg: str) -> str:
    """Rewrite the root ``width``/``height`` given in absolute units (``502pt``, ``210mm``) as pixels.

    Old Inkscape files use such sizes, which resvg rejects as "invalid size";
    in pixels they mean the same viewport.
    """
    m = _ROOT.search(svg)
    if not m:
        return svg

    def to_px(a: re.Match) -> str:
        value = float(a.group(2)) * _PX_PER_UNIT[a.group(3)]
        return f"{a.group(1)}{value:.3f}{a.group(4)}"

    root = _SIZE_ATTR.sub(to_px, m.group(0))
    return svg[: m.start()] + root + svg[m.end() :]


def square_on_white(image: Image.Image, size: int, pad_frac: float = 0.0) -> Image.Image:
    """Fit ``image`` inside a ``size`` x ``size`` white RGB canvas, centred, keeping its aspect.

    Transparent parts become white. ``pad_frac`` leaves that fraction of the
    side free as margin on each side.
    """
    rgba = image.convert("RGBA")
    inner = max(1, round(size * (1.0 - 2.0 * pad_frac)))
    scale = inner / max(rgba.size)
    if abs(scale - 1.0) > 1e-6:
        new = (max(1, round(rgba.width * scale)), max(1, round(rgba.height * scale)))
        rgba = rgba.resize(new, Image.LANCZOS)
    canvas = Image.new("RGBA", (size, size), (255, 255, 255, 255))
    canvas.alpha_composite(rgba, ((size - rgba.width) // 2, (size - rgba.height) // 2))
    return canvas.convert("RGB")


def render_svg(
    svg: str | None = None,
    path: str | None = None,
    size: int = 256,
    pad_frac: float = 0.0,
    fit_content: bool = False,
) -> Image.Image:
    """Render SVG markup (or a file) to a ``size`` x ``size`` RGB image on white.

    The drawing is rendered with its longest side at the target size (so line
    widths are crisp, not resampled), then centred on a white square. With
    ``fit_content`` (for clip art drawn small on a large page) it is rendered
    at twice the size, cropped to its non-white content and scaled to fit.
    """
    if (svg is None) == (path is None):
        raise ValueError("give exactly one of svg or path")
    if fit_content:
        big = render_svg(svg=svg, path=path, size=2 * size)
        bbox = ImageChops.difference(big, Image.new("RGB", big.size, (255, 255, 255))).getbbox()
        return square_on_white(big.crop(bbox) if bbox else big, size, pad_frac=pad_frac)
    kwargs = {"svg_string": svg} if svg is not None else {"svg_path": str(path)}
    inner = max(1, round(size * (1.0 - 2.0 * pad_frac)))
    try:
        png = bytes(resvg_py.svg_to_bytes(width=inner, **kwargs))
    except ValueError as exc:
        if "invalid size" not in str(exc):
            raise
        text = svg if svg is not None else open(path, encoding="utf-8", errors="replace").read()
        kwargs = {"svg_string": normalise_root_size(text)}
        png = bytes(resvg_py.svg_to_bytes(width=inner, **kwargs))
    img = Image.open(io.BytesIO(png))
    if img.height > inner:  # portrait drawing: render again fitting the height
        png = bytes(resvg_py.svg_to_bytes(height=inner, **kwargs))
        img = Image.open(io.BytesIO(png))
    img.load()
    return square_on_white(img, size, pad_frac=pad_frac)

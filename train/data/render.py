"""Render SVG drawings to square RGB images on a white background (resvg-py)."""

from __future__ import annotations

import io

import resvg_py
from PIL import Image

__all__ = ["render_svg", "square_on_white"]


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


def render_svg(svg: str | None = None, path: str | None = None, size: int = 256, pad_frac: float = 0.0) -> Image.Image:
    """Render SVG markup (or a file) to a ``size`` x ``size`` RGB image on white.

    The drawing is rendered with its longest side at the target size (so line
    widths are crisp, not resampled), then centred on a white square.
    """
    if (svg is None) == (path is None):
        raise ValueError("give exactly one of svg or path")
    kwargs = {"svg_string": svg} if svg is not None else {"svg_path": str(path)}
    inner = max(1, round(size * (1.0 - 2.0 * pad_frac)))
    png = bytes(resvg_py.svg_to_bytes(width=inner, **kwargs))
    img = Image.open(io.BytesIO(png))
    if img.height > inner:  # portrait drawing: render again fitting the height
        png = bytes(resvg_py.svg_to_bytes(height=inner, **kwargs))
        img = Image.open(io.BytesIO(png))
    img.load()
    return square_on_white(img, size, pad_frac=pad_frac)

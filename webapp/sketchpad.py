"""What the app accepts as a sketch: Sketchpad values, uploads, and a pixel cap read from the header.

* :func:`sketchpad_to_image` - a Sketchpad / ImageEditor value (``{background, layers,
  composite}``) or any image -> a black-on-white RGB sketch, or a clear error when
  nothing was drawn.
* :func:`check_pixels` - refuse a picture with too many pixels before decoding it.
"""

from __future__ import annotations

import os

import numpy as np
from PIL import Image

from colorizer.errors import InputImageError
from colorizer.processing import _from_array, line_mask, load_image

# The app refuses sketches / references larger than this (pixels), before decoding.
MAX_APP_PIXELS = 4096 * 4096
# A canvas whose darkest line is lighter than this counts as empty.
MIN_INK = 0.1


def check_pixels(path, limit: int = MAX_APP_PIXELS) -> None:
    """Refuse an image file with more than ``limit`` pixels, reading only its header."""
    try:
        with Image.open(path) as im:
            w, h = im.size
    except Exception:
        return  # load_image reports unreadable files with a better message
    if w * h > limit:
        side = int(limit ** 0.5)
        raise InputImageError(f"the image is {w}x{h} pixels; the app takes at most about {side}x{side} "
                              f"({limit // 1_000_000} megapixels). Scale it down and try again.")


def _as_pil(x) -> Image.Image | None:
    if x is None:
        return None
    if isinstance(x, Image.Image):
        return x
    if isinstance(x, np.ndarray):
        return None if x.size == 0 else _from_array(x)
    if isinstance(x, (str, os.PathLike)):
        check_pixels(x)
        return load_image(x, keep_alpha=True)
    raise InputImageError(f"cannot read a sketch from {type(x).__name__}")


def _flatten_on_white(img: Image.Image) -> Image.Image:
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(bg, rgba).convert("RGB")
    return img.convert("RGB")


def _composite(value: dict) -> Image.Image:
    """The composite of an editor value, or its background with the layers pasted on top."""
    img = _as_pil(value.get("composite"))
    if img is not None:
        return img
    bg = _as_pil(value.get("background"))
    layers = [lay for lay in (_as_pil(x) for x in (value.get("layers") or [])) if lay is not None]
    if bg is None and not layers:
        raise InputImageError("the canvas is empty: draw a sketch with the brush or upload one")
    size = bg.size if bg is not None else layers[0].size
    canvas = Image.new("RGBA", size, (255, 255, 255, 255))
    if bg is not None:
        canvas.alpha_composite(bg.convert("RGBA"))
    for layer in layers:
        layer = layer.convert("RGBA")
        if layer.size != size:
            layer = layer.resize(size, Image.NEAREST)
        canvas.alpha_composite(layer)
    return canvas


def sketchpad_to_image(value, min_ink: float = MIN_INK) -> Image.Image:
    """A Sketchpad / ImageEditor value or a plain image (PIL, numpy, path) -> RGB sketch on white.

    Transparent pixels become white. Raises :class:`InputImageError` when nothing was
    drawn (no pixel darker than ``min_ink``).
    """
    if isinstance(value, dict):
        img = _composite(value)
    else:
        img = _as_pil(value)
        if img is None:
            raise InputImageError("no sketch given: draw one on the canvas or upload an image")
    rgb = _flatten_on_white(img)
    if float(line_mask(rgb).max()) < min_ink:
        raise InputImageError("the canvas is empty: draw some dark lines (or upload a sketch) first")
    return rgb


__all__ = ["MAX_APP_PIXELS", "check_pixels", "sketchpad_to_image"]

"""What the app accepts as a picture: the library's guard (:func:`colorizer.processing.check_image`)
with the app's tighter :data:`APP_LIMITS`, and Sketchpad values -> a sketch.

* :func:`check_pixels` - refuse a picture that is too large or no picture, reading only its header.
* :func:`sketchpad_to_image` - a Sketchpad value (``{background, layers, composite}``: the layer
  count and every part's header are checked before any is decoded or composited; the parts the
  browser's canvas sent ahead as blobs are filled in) or any picture -> a black-on-white RGB
  sketch, or a clear error when there is nothing to colour.

Every refusal is an :class:`colorizer.InputImageError` with a message for users.
"""

from __future__ import annotations

from PIL import Image

from colorizer.errors import InputImageError
from colorizer.processing import SKETCHPAD_KEYS, ImageLimits, check_image, line_mask, load_image

# The largest picture the app takes: pixels, longer side, file size, and Sketchpad layers (its canvas sends one).
APP_LIMITS = ImageLimits(max_pixels=4096 * 4096, max_side=8192, max_bytes=10 * 1024 * 1024, max_layers=4)
# A canvas whose darkest line is lighter than this counts as empty.
MIN_INK = 0.1


def check_pixels(src, what: str = "picture") -> None:
    """Refuse a picture file that is too large or not a picture, reading only its header."""
    img = check_image(src, APP_LIMITS, what)
    if img is not src and not isinstance(src, dict):
        img.close()


def _with_blobs(value: dict, blobs) -> dict:
    """An editor value whose parts the browser's canvas sent ahead (Gradio's editor blobs, named by
    the value's id) filled in from ``blobs``."""
    if blobs is None:
        return value
    return {"composite": value.get("composite") or getattr(blobs, "composite", None),
            "background": value.get("background") or getattr(blobs, "background", None),
            "layers": value.get("layers") or list(getattr(blobs, "layers", None) or [])}


def sketchpad_to_image(value, min_ink: float = MIN_INK, blobs=None, source: str = "canvas") -> Image.Image:
    """A Sketchpad value or a picture (file, ``{"path": ...}``, bytes, PIL, array) -> RGB sketch on white.

    Transparent pixels become white. ``source``: "canvas" or "upload", for the message when there
    is nothing to colour. Raises :class:`InputImageError`.
    """
    if isinstance(value, dict) and any(k in value for k in SKETCHPAD_KEYS):
        value = _with_blobs(value, blobs)
        if value.get("composite") is None and value.get("background") is None and not value.get("layers"):
            raise InputImageError("the canvas is empty: draw a sketch with the brush or upload one")
    elif value is None:
        raise InputImageError("no sketch given: draw one on the canvas or upload an image")
    rgb = load_image(value, limits=APP_LIMITS, what="drawing" if source == "canvas" else "sketch")
    if float(line_mask(rgb).max()) < min_ink:
        if source == "canvas":
            raise InputImageError("the canvas is empty: draw some dark lines (or upload a sketch) first")
        raise InputImageError("the uploaded picture has no dark lines: a sketch is dark lines on a light "
                              "background")
    return rgb


__all__ = ["APP_LIMITS", "MIN_INK", "check_pixels", "sketchpad_to_image"]

"""What the app accepts as a picture, checked before anything is decoded or composited.

* :func:`open_picture` - a file (path, bytes, or the ``{"path": ...}`` Gradio sends),
  a PIL image or an array -> a PIL image whose header has been checked: a picture format
  Pillow reads, at most :data:`MAX_PICTURE_BYTES` bytes, :data:`MAX_APP_PIXELS` pixels and
  :data:`MAX_SIDE` pixels a side. Nothing is decoded yet.
* :func:`sketchpad_to_image` - a Sketchpad value (``{background, layers, composite}``, at most
  :data:`MAX_LAYERS` layers, every one checked first) or any picture -> a black-on-white RGB
  sketch, or a clear error when nothing was drawn.
* :func:`check_pixels` - the header check alone, for a file the library reads itself.

Every refusal is an :class:`colorizer.InputImageError` with a message for users.
"""

from __future__ import annotations

import io
import os

import numpy as np
from PIL import Image, UnidentifiedImageError

from colorizer.errors import InputImageError
from colorizer.processing import line_mask, load_image

# The largest picture the app takes (pixels), its longest side, and its file size (bytes).
MAX_APP_PIXELS = 4096 * 4096
MAX_SIDE = 8192
MAX_PICTURE_BYTES = 10 * 1024 * 1024
# The most layers a Sketchpad value may hold (the app's canvas sends one).
MAX_LAYERS = 4
# A canvas whose darkest line is lighter than this counts as empty.
MIN_INK = 0.1
READABLE = "PNG, JPEG, WebP, BMP, GIF or TIFF"


def _limits(w: int, h: int, what: str) -> None:
    if w < 1 or h < 1:
        raise InputImageError(f"the {what} has no pixels ({w}x{h})")
    if w * h > MAX_APP_PIXELS or max(w, h) > MAX_SIDE:
        side = int(MAX_APP_PIXELS ** 0.5)
        raise InputImageError(f"the {what} is {w}x{h} pixels; the app takes at most {side}x{side} "
                              f"({MAX_APP_PIXELS / 1e6:.1f} megapixels, {MAX_SIDE} px a side). "
                              "Scale it down and try again.")


def _file_source(src):
    """A path or bytes from what Gradio hands over: a path, bytes, ``{"path": ...}`` or an object with ``.path``."""
    if isinstance(src, dict):
        src = src.get("path")
    elif hasattr(src, "path") and not isinstance(src, (str, os.PathLike)):
        src = src.path
    return src


def open_picture(src, what: str = "picture") -> Image.Image:
    """``src`` opened lazily and checked (see the module); raises :class:`InputImageError`."""
    if isinstance(src, Image.Image):
        _limits(*src.size, what)
        return src
    if isinstance(src, np.ndarray):
        if src.ndim not in (2, 3) or src.size == 0:
            raise InputImageError(f"the {what} array has shape {src.shape}; expected (H, W) or (H, W, C)")
        _limits(src.shape[1], src.shape[0], what)
        return load_image(src, keep_alpha=True)
    src = _file_source(src)
    if isinstance(src, (bytes, bytearray, memoryview)):
        data = bytes(src)
        if len(data) > MAX_PICTURE_BYTES:
            raise InputImageError(f"the {what} file is {len(data) / 1e6:.1f} MB; the app takes at most "
                                  f"{MAX_PICTURE_BYTES // (1024 * 1024)} MB")
        fh, name = io.BytesIO(data), f"the {what}"
    elif isinstance(src, (str, os.PathLike)):
        path = os.fspath(src)
        name = os.path.basename(path) or what
        try:
            size = os.path.getsize(path)
        except OSError:
            raise InputImageError(f"the {what} file {name} could not be read") from None
        if size > MAX_PICTURE_BYTES:
            raise InputImageError(f"{name} is {size / 1e6:.1f} MB; the app takes pictures of at most "
                                  f"{MAX_PICTURE_BYTES // (1024 * 1024)} MB")
        fh = path
    elif src is None:
        raise InputImageError(f"no {what} given")
    else:
        raise InputImageError(f"cannot read a {what} from {type(src).__name__}")
    try:
        with Image.open(fh) as probe:  # the header only
            w, h = probe.size
            fmt = probe.format
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise InputImageError(f"{name} is not a picture the app can read (SVG, HTML and other files are not "
                              f"pictures): use {READABLE}") from None
    _limits(w, h, what)
    try:
        return Image.open(io.BytesIO(data) if isinstance(fh, io.BytesIO) else fh)
    except Exception:
        raise InputImageError(f"{name} ({fmt}) could not be read; use {READABLE}") from None


def check_pixels(src, what: str = "picture") -> None:
    """Refuse a picture file that is too large or not a picture, reading only its header."""
    img = open_picture(src, what)
    if img is not src:
        img.close()


def decode_picture(src, what: str = "picture") -> Image.Image:
    """``src`` checked by :func:`open_picture`, then decoded by the library (8-bit RGB, or RGBA with its alpha)."""
    img = open_picture(src, what)
    try:
        return load_image(img, keep_alpha=True)
    except InputImageError:
        raise
    except Exception:
        raise InputImageError(f"the {what} could not be decoded (a damaged or cut-off file?); use {READABLE}") \
            from None


def _flatten_on_white(img: Image.Image) -> Image.Image:
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(bg, rgba).convert("RGB")
    return img.convert("RGB")


def _editor_parts(value: dict, blobs=None) -> tuple:
    """(composite, background, layers) of an editor value; ``blobs`` (Gradio's editor blobs: the
    pictures the browser's canvas sent ahead, named by the value's id) fill what the value lacks."""
    composite, background, layers = value.get("composite"), value.get("background"), value.get("layers") or []
    if blobs is not None:
        composite = composite if composite is not None else getattr(blobs, "composite", None)
        background = background if background is not None else getattr(blobs, "background", None)
        layers = layers or list(getattr(blobs, "layers", None) or [])
    if not isinstance(layers, (list, tuple)):
        raise InputImageError("the canvas value's layers must be a list of pictures")
    return composite, background, list(layers)


def _composite(value: dict, blobs=None) -> Image.Image:
    """The composite of an editor value, or its background with the layers pasted on top. The layer
    count and every picture's header are checked before any is decoded."""
    composite, background, layers = _editor_parts(value, blobs)
    if len(layers) > MAX_LAYERS:
        raise InputImageError(f"the canvas sent {len(layers)} layers; the app takes at most {MAX_LAYERS}")
    if composite is not None:
        return decode_picture(composite, "drawing")
    opened = [open_picture(x, "canvas background" if i == 0 else f"canvas layer {i}")
              for i, x in enumerate([background, *layers]) if x is not None]
    if not opened:
        raise InputImageError("the canvas is empty: draw a sketch with the brush or upload one")
    size = opened[0].size
    canvas = Image.new("RGBA", size, (255, 255, 255, 255))
    for i, img in enumerate(opened):
        layer = decode_picture(img, "canvas layer").convert("RGBA")
        if layer.size != size:
            layer = layer.resize(size, Image.NEAREST)
        canvas.alpha_composite(layer)
    return canvas


def sketchpad_to_image(value, min_ink: float = MIN_INK, blobs=None, source: str = "canvas") -> Image.Image:
    """A Sketchpad value or a picture (file, PIL, array) -> RGB sketch on white.

    Transparent pixels become white. ``blobs``: the canvas pictures the browser sent ahead
    (Gradio's editor blobs), for a raw value that names them by id. ``source``: "canvas" or
    "upload", for the message when there is nothing to colour. Raises :class:`InputImageError`.
    """
    if isinstance(value, dict) and not ("path" in value and "composite" not in value):
        img = _composite(value, blobs)
    elif value is None:
        raise InputImageError("no sketch given: draw one on the canvas or upload an image")
    else:
        img = decode_picture(value, "sketch")
    rgb = _flatten_on_white(img)
    if float(line_mask(rgb).max()) < min_ink:
        if source == "canvas":
            raise InputImageError("the canvas is empty: draw some dark lines (or upload a sketch) first")
        raise InputImageError("the uploaded picture has no dark lines: a sketch is dark lines on a light "
                              "background")
    return rgb


__all__ = ["MAX_APP_PIXELS", "MAX_LAYERS", "MAX_PICTURE_BYTES", "MAX_SIDE", "check_pixels", "decode_picture",
           "open_picture", "sketchpad_to_image"]

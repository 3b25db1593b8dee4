"""Reading user images and moving between PIL images and network tensors.

Sketches and references arrive as files, bytes, PIL images or numpy arrays, in
any mode a drawing program writes: RGBA (transparency becomes white), greyscale,
palette, 16-bit, CMYK, with EXIF rotation, animated (first frame). Everything
becomes an 8-bit RGB PIL image or a clear :class:`InputImageError`.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError

from .documents import json_kind
from .errors import ImageLimitError, InputImageError

# Largest side the network runs at; larger requests are clamped.
MAX_SIZE = 1024
MIN_SIZE = 64
# Line darkness (:func:`line_mask`, 0 = paper, 1 = ink) above which a pixel counts as ink: the
# regions of flat colours, the app's pins and the evaluation's line pixels all use it.
LINE_THRESHOLD = 0.5
# The picture formats read (Pillow reads more; these are the ones a drawing is saved in).
READABLE_FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "GIF", "TIFF", "PPM", "TGA")
READABLE = "PNG, JPEG, WebP, BMP, GIF or TIFF"


def _megapixels(n: int) -> str:
    return f"{n / 1e6:.0f}" if n % 1_000_000 == 0 else f"{n / 1e6:.1f}"


@dataclass(frozen=True)
class ImageLimits:
    """What a picture entering the library may be. Checked by :func:`check_image` before anything
    is decoded or composited, so a small file that unpacks to a huge picture (a "decompression
    bomb") or a canvas with many layers cannot exhaust memory. The app passes tighter ones."""
    max_pixels: int = 64_000_000       # width x height
    max_side: int = 16384              # longer side, pixels
    max_bytes: int = 256 * 1024 * 1024  # a file, bytes, or the decoded data of a data URL
    max_layers: int = 16               # layers of a Sketchpad value ({background, layers, composite})

    def check_size(self, width: int, height: int, what: str = "image") -> None:
        if width < 1 or height < 1:
            raise ImageLimitError(f"the {what} has no pixels ({width}x{height})")
        if width * height > self.max_pixels or max(width, height) > self.max_side:
            raise ImageLimitError(
                f"the {what} is {width}x{height} pixels; the limit is {_megapixels(self.max_pixels)} megapixels "
                f"and {self.max_side} px a side. Scale it down first.")

    def check_bytes(self, n: int, name: str = "the image file") -> None:
        if n == 0:
            raise InputImageError(f"{name} is empty (0 bytes)")
        if n > self.max_bytes:
            raise ImageLimitError(f"{name} is {n / 1e6:.1f} MB; the limit is {self.max_bytes / 1e6:.0f} MB")


DEFAULT_LIMITS = ImageLimits()
# The default pixel limit, by its old name.
MAX_INPUT_PIXELS = DEFAULT_LIMITS.max_pixels

ImageLike = "str | os.PathLike | bytes | Image.Image | np.ndarray | dict"
SKETCHPAD_KEYS = ("background", "layers", "composite")


def _data_url(src: str, limits: ImageLimits, what: str) -> bytes:
    head, sep, payload = src.partition(",")
    if not sep or not head.lower().endswith(";base64"):
        raise InputImageError(f"the {what} is a data URL without base64 data ('data:image/png;base64,...')")
    if len(payload) > limits.max_bytes * 4 // 3 + 4:  # before decoding
        raise ImageLimitError(f"the {what} data URL holds more than {limits.max_bytes / 1e6:.0f} MB")
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise InputImageError(f"the {what} data URL is not valid base64") from None
    limits.check_bytes(len(data), f"the {what} data URL")
    return data


def _file(src, limits: ImageLimits, what: str):
    """``src`` (path, bytes, data URL) as something Image.open reads, size-checked; and its name."""
    if isinstance(src, (bytes, bytearray, memoryview)):
        data = bytes(src)
        limits.check_bytes(len(data), f"the {what} file")
        return io.BytesIO(data), f"the {what}"
    if isinstance(src, str) and src[:5].lower() == "data:":
        return io.BytesIO(_data_url(src, limits, what)), f"the {what}"
    text = os.fspath(src)
    if isinstance(text, bytes) or len(text) > 4096 or "\0" in text:
        raise InputImageError(f"the {what} is neither a picture nor the path of one")
    path = Path(text)
    try:
        if not path.is_file():
            raise InputImageError(f"no such image file: {path}")
        limits.check_bytes(path.stat().st_size, f"the {what} file {path}")
    except OSError as e:
        raise InputImageError(f"cannot read the {what} file {path.name}: {e.strerror or 'not readable'}") from None
    return path, path.name


def _open_file(src, limits: ImageLimits, what: str) -> Image.Image:
    fp, name = _file(src, limits, what)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(fp, formats=READABLE_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageLimitError(f"{name} is a picture of more than {Image.MAX_IMAGE_PIXELS / 1e6:.0f} megapixels "
                              f"(a decompression bomb?); the limit is {_megapixels(limits.max_pixels)} megapixels") \
            from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError):
        raise InputImageError(f"could not read {name}: it is not a picture in a format this reads ({READABLE})") \
            from None
    limits.check_size(*img.size, what)
    return img


def _sketchpad(value: dict, limits: ImageLimits, what: str) -> Image.Image:
    """A Sketchpad value: its composite, or its background with its layers on top. The layer count
    and every part's size are checked before any is decoded."""
    layers = value.get("layers") or []
    if not isinstance(layers, (list, tuple)):
        raise InputImageError(f"the {what}'s layers must be a list of pictures, got {json_kind(layers)}")
    if len(layers) > limits.max_layers:
        raise ImageLimitError(f"the {what} has {len(layers)} layers; the limit is {limits.max_layers}")
    composite, background = value.get("composite"), value.get("background")
    parts = [_checked(p, limits, f"{what} layer", nested=True) for p in [background, *layers] if p is not None]
    if composite is not None:
        return _checked(composite, limits, what, nested=True)
    if not parts:
        raise InputImageError(f"the {what} holds no picture (no composite, background or layers)")
    size = parts[0].size
    canvas = Image.new("RGBA", size, (255, 255, 255, 255))
    for part in parts:
        layer = _decoded(part, what).convert("RGBA")
        if layer.size != size:
            layer = layer.crop((0, 0) + size)
        canvas.alpha_composite(layer)
    return canvas


def _checked(src, limits: ImageLimits, what: str, nested: bool = False) -> Image.Image:
    if isinstance(src, Image.Image):
        limits.check_size(*src.size, what)
        return src
    if isinstance(src, np.ndarray):
        return _from_array(src, limits, what)
    if isinstance(src, dict):
        if any(k in src for k in SKETCHPAD_KEYS) and not nested:
            return _sketchpad(src, limits, what)
        ref = src.get("path") or src.get("url")  # a file as Gradio describes it
        if not isinstance(ref, str):
            raise InputImageError(f"the {what} is a dict without a picture ({', '.join(SKETCHPAD_KEYS)} or path)")
        return _open_file(ref, limits, what)
    if isinstance(src, (str, os.PathLike, bytes, bytearray, memoryview)):
        return _open_file(src, limits, what)
    if src is None:
        raise InputImageError(f"no {what} given")
    raise InputImageError(f"cannot read a {what} from a {type(src).__name__}; give a file, bytes, a PIL image "
                          f"or an array")


def check_image(src, limits: ImageLimits = DEFAULT_LIMITS, what: str = "image") -> Image.Image:
    """The guard every picture passes on its way into the library.

    ``src``: a file path, bytes, a ``data:image/...;base64,`` URL, a PIL image, a numpy array, a
    ``{"path": ...}`` file dict, or a Sketchpad value ``{"background", "layers", "composite"}``
    whose parts are any of these. Its file size, pixel count, longer side and layer count are
    checked against ``limits`` before it is decoded or composited; an :class:`ImageLimitError`
    (or another :class:`InputImageError`) says what is wrong. Returns a PIL image: files are
    opened but not decoded yet, PIL images come back as they are, a Sketchpad value composited.
    """
    return _checked(src, limits, what)


def _decoded(img: Image.Image, what: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img.load()
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise InputImageError(f"could not read the {what} (corrupt or truncated?)") from None
    return img


def _from_array(a: np.ndarray, limits: ImageLimits = DEFAULT_LIMITS, what: str = "image") -> Image.Image:
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] not in (1, 3, 4)):
        raise InputImageError(f"an image array must be HxW, HxWx3 or HxWx4, got shape {a.shape}")
    if a.size == 0:
        raise InputImageError("the image array is empty")
    limits.check_size(a.shape[1], a.shape[0], what)
    if a.dtype.kind not in "buif":
        raise InputImageError(f"an image array must hold numbers, got {a.dtype}")
    if a.dtype != np.uint8:
        if np.issubdtype(a.dtype, np.floating):
            if not np.isfinite(a).all():
                raise InputImageError("the image array contains NaN or infinite values")
            a = np.clip(a * 255.0 if a.max() <= 1.0 else a, 0, 255).astype(np.uint8)
        else:
            a = np.clip(a, 0, 255).astype(np.uint8)
    if a.ndim == 2:
        return Image.fromarray(a, "L")
    if a.shape[2] == 1:
        return Image.fromarray(a[..., 0], "L")
    return Image.fromarray(a, "RGB" if a.shape[2] == 3 else "RGBA")


def _sixteen_to_eight(img: Image.Image) -> Image.Image:
    a = np.asarray(img)
    if a.dtype in (np.uint16, np.int32, np.int16) or img.mode.startswith("I"):
        a = a.astype(np.float64)
        top = 65535.0 if a.max() > 255 else 255.0
        return Image.fromarray(np.clip(a / top * 255.0 + 0.5, 0, 255).astype(np.uint8), "L")
    if img.mode == "F":
        a = np.nan_to_num(a.astype(np.float64))
        top = 1.0 if a.max() <= 1.0 else 255.0
        return Image.fromarray(np.clip(a / top * 255.0 + 0.5, 0, 255).astype(np.uint8), "L")
    return img


def load_image(src, background=(255, 255, 255), keep_alpha: bool = False,
               draft: int | None = None, limits: ImageLimits = DEFAULT_LIMITS, what: str = "image") -> Image.Image:
    """Any image a user may have (see :func:`check_image`, which checks it first) -> 8-bit RGB
    (or RGBA with ``keep_alpha``).

    Transparent areas are composited onto ``background`` (white), unless
    ``keep_alpha`` (palette extraction uses that to skip transparent pixels).
    ``draft``: a JPEG file may be decoded at a reduced scale whose sides stay
    at least ``draft`` pixels (for palette extraction, which needs few pixels).
    """
    opened_here = not isinstance(src, Image.Image)
    img = check_image(src, limits, what)
    if opened_here and draft and img.format == "JPEG" and max(img.size) > 2 * draft:
        # Let the JPEG decoder scale by 1/2..1/8 (DCT scaling): several times faster.
        img.draft(img.mode, (draft, draft))
    img = _decoded(img, what)
    try:
        if getattr(img, "is_animated", False):
            img.seek(0)
        try:
            img = ImageOps.exif_transpose(img)
        except Exception:  # a broken EXIF block is no reason to refuse the picture
            pass
        w, h = img.size
        if w < 1 or h < 1:
            raise InputImageError(f"the {what} has no pixels")
        if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
            img = _sixteen_to_eight(img)
        if img.mode == "CMYK":
            img = img.convert("RGB")
        has_alpha = img.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
            img.mode == "P" and "transparency" in img.info) or (img.mode in ("L", "RGB") and "transparency" in img.info)
        if has_alpha:
            rgba = img.convert("RGBA")
            if keep_alpha:
                return rgba
            bg = Image.new("RGBA", rgba.size, tuple(background) + (255,))
            return Image.alpha_composite(bg, rgba).convert("RGB")
        return img.convert("RGB")
    except (OSError, SyntaxError, EOFError) as e:  # a frame or mode that fails to convert
        raise InputImageError(f"could not read the {what} (corrupt or truncated?)") from e


def target_size(width: int, height: int, size: int, multiple: int = 16) -> tuple[int, int]:
    """Working size: the longer side becomes ``size`` (clamped to [MIN_SIZE, MAX_SIZE])
    and both sides are rounded to a multiple of ``multiple``."""
    size = int(max(MIN_SIZE, min(MAX_SIZE, size)))
    scale = size / max(width, height)
    tw = max(multiple, int(round(width * scale / multiple)) * multiple)
    th = max(multiple, int(round(height * scale / multiple)) * multiple)
    return tw, th


# The two conversions below work in NumPy: for one picture, torch's element-wise ops
# cost more in thread hand-offs than in arithmetic (several ms each on a busy CPU).

def to_tensor(img: Image.Image) -> torch.Tensor:
    """RGB PIL -> (3, H, W) float tensor in [-1, 1]."""
    a = np.asarray(img.convert("RGB"), dtype=np.float32).transpose(2, 0, 1)
    return torch.from_numpy(np.ascontiguousarray(a) / np.float32(127.5) - np.float32(1.0))


def to_image(t: torch.Tensor) -> Image.Image:
    """(3, H, W) tensor in [-1, 1] -> RGB PIL."""
    a = t.detach().float().cpu().numpy()
    a = np.rint((np.clip(a, -1.0, 1.0) + 1.0) * 127.5).astype(np.uint8)
    return Image.fromarray(np.ascontiguousarray(a.transpose(1, 2, 0)), "RGB")


def line_mask(sketch: Image.Image, threshold: int = 200) -> np.ndarray:
    """Darkness of the lines in [0, 1] (0 = paper, 1 = ink), from a sketch."""
    g = np.asarray(sketch.convert("L"), dtype=np.float32)
    return np.clip((threshold - g) / threshold, 0.0, 1.0)


def overlay_lines(color: Image.Image, sketch: Image.Image) -> Image.Image:
    """Multiply the sketch's lines onto ``color`` (resized to the sketch's size)."""
    if color.size != sketch.size:
        color = color.resize(sketch.size, Image.BICUBIC)
    c = np.asarray(color.convert("RGB"), dtype=np.float32)
    s = np.asarray(sketch.convert("L"), dtype=np.float32)[..., None] / 255.0
    return Image.fromarray(np.clip(c * s + 0.5, 0, 255).astype(np.uint8), "RGB")

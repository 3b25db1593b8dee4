"""Reading user images and moving between PIL images and network tensors.

Sketches and references arrive as files, bytes, PIL images or numpy arrays, in
any mode a drawing program writes: RGBA (transparency becomes white), greyscale,
palette, 16-bit, CMYK, with EXIF rotation, animated (first frame). Everything
becomes an 8-bit RGB PIL image or a clear :class:`InputImageError`.
"""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import InputImageError

# Largest input we agree to decode (pixels). Larger files are refused before
# decoding so that a "decompression bomb" cannot exhaust memory.
MAX_INPUT_PIXELS = 64_000_000
# Largest side the network runs at; larger requests are clamped.
MAX_SIZE = 1024
MIN_SIZE = 64

ImageLike = "str | os.PathLike | bytes | Image.Image | np.ndarray"


def _open(src, draft: int | None = None) -> Image.Image:
    if isinstance(src, Image.Image):
        return src
    if isinstance(src, np.ndarray):
        return _from_array(src)
    try:
        if isinstance(src, (bytes, bytearray)):
            if len(src) == 0:
                raise InputImageError("the image file is empty (0 bytes)")
            fp = io.BytesIO(src)
            name = "image"
        else:
            path = Path(src)
            if not path.is_file():
                raise InputImageError(f"no such image file: {path}")
            if path.stat().st_size == 0:
                raise InputImageError(f"the image file is empty (0 bytes): {path}")
            fp, name = path, str(path)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(fp)
            w, h = img.size
            if w * h > MAX_INPUT_PIXELS:
                raise InputImageError(
                    f"{name} is {w}x{h} pixels; the limit is {MAX_INPUT_PIXELS // 1_000_000} megapixels."
                    " Scale it down first.")
            if draft and img.format == "JPEG" and max(w, h) > 2 * draft:
                # Let the JPEG decoder scale by 1/2..1/8 (DCT scaling): several times faster.
                img.draft(img.mode, (draft, draft))
            img.load()
        return img
    except InputImageError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise InputImageError(f"could not read the image: {e}") from None
    except (OSError, SyntaxError, ValueError, EOFError) as e:
        raise InputImageError(f"could not read the image (corrupt or truncated?): {e}") from None


def _from_array(a: np.ndarray) -> Image.Image:
    if a.size == 0:
        raise InputImageError("the image array is empty")
    if a.dtype != np.uint8:
        if np.issubdtype(a.dtype, np.floating):
            if not np.isfinite(a).all():
                raise InputImageError("the image array contains NaN or infinite values")
            a = np.clip(a * 255.0 if a.max() <= 1.0 else a, 0, 255).astype(np.uint8)
        else:
            a = np.clip(a, 0, 255).astype(np.uint8)
    if a.ndim == 2:
        return Image.fromarray(a, "L")
    if a.ndim == 3 and a.shape[2] in (1, 3, 4):
        if a.shape[2] == 1:
            return Image.fromarray(a[..., 0], "L")
        return Image.fromarray(a, "RGB" if a.shape[2] == 3 else "RGBA")
    raise InputImageError(f"an image array must be HxW, HxWx3 or HxWx4, got shape {a.shape}")


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
               draft: int | None = None) -> Image.Image:
    """Any image a user may have -> 8-bit RGB (or RGBA with ``keep_alpha``).

    Transparent areas are composited onto ``background`` (white), unless
    ``keep_alpha`` (palette extraction uses that to skip transparent pixels).
    ``draft``: a JPEG file may be decoded at a reduced scale whose sides stay
    at least ``draft`` pixels (for palette extraction, which needs few pixels).
    """
    img = _open(src, draft)
    if getattr(img, "is_animated", False):
        img.seek(0)
    try:
        img = ImageOps.exif_transpose(img)
    except Exception:  # a broken EXIF block is no reason to refuse the picture
        pass
    w, h = img.size
    if w < 1 or h < 1:
        raise InputImageError("the image has no pixels")
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

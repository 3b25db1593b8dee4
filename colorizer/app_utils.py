"""Helpers behind the web app that do not need Gradio.

* :func:`sketchpad_to_image` - a Sketchpad value (``{background, layers,
  composite}``) or any image -> a black-on-white RGB sketch, or a clear error
  when the canvas is empty.
* :func:`layers_zip` and :func:`write_ora` - export a :class:`ColorizeResult`
  as a zip of PNG layers or as an OpenRaster (``.ora``) file.
* :func:`make_project` / :func:`project_to_json` / :func:`project_from_json` -
  a small JSON file (palette, seed, settings, weights id) that reproduces a result.
* :func:`palette_to_json` / :func:`palette_from_json` and :data:`PRESETS` -
  palettes as files and a few named palettes.
* :func:`merge_locked` - keep locked swatches when a new palette arrives.
* :func:`check_pixels` - refuse images with too many pixels before decoding.

Everything raises :class:`colorizer.ColorizerError` subclasses with messages
meant for users.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np
from PIL import Image

from .errors import ColorizerError, InputImageError, PaletteError
from .palette import PALETTE_SIZE, Palette, hex_to_rgb, rgb_to_hex
from .processing import line_mask

PROJECT_FORMAT = "anime-sketch-colorizer-project"
PROJECT_VERSION = 1
PALETTE_FORMAT = "anime-sketch-colorizer-palette"
# The app refuses sketches / references larger than this (pixels), before decoding.
MAX_APP_PIXELS = 4096 * 4096
# Largest project / palette JSON file the app reads.
MAX_JSON_BYTES = 64 * 1024
ORA_MIMETYPE = b"image/openraster"


class ProjectError(ColorizerError):
    """A project or palette file is not one this app wrote (or is damaged)."""


# Named palettes, 9 colours each, ordered like an extracted palette (the
# largest area first: usually the background, then skin, hair, clothes...).
PRESETS: dict[str, list[str]] = {
    "Default": ["#ffffff", "#f6d7c3", "#3b3a4f", "#c8553d", "#5b7db1", "#f2c14e", "#8fb996", "#e8a0b4", "#2b2b2b"],
    "Sakura": ["#fff5f7", "#fbe3d6", "#f4a7bb", "#e26d8f", "#8c3a5b", "#f9d5e5", "#c2e0c6", "#6b4f4f", "#2e1f27"],
    "Ocean": ["#eaf6fb", "#f3dccb", "#1d3557", "#457b9d", "#a8dadc", "#e63946", "#f1faee", "#2a9d8f", "#0b1b2b"],
    "Autumn": ["#fdf3e1", "#f1c9a5", "#6f1d1b", "#bb3e03", "#ee9b00", "#ca6702", "#94a073", "#432818", "#1b1b1b"],
    "Cyber": ["#101020", "#f0c8b4", "#ff2a6d", "#05d9e8", "#d1f7ff", "#7700a6", "#fffb00", "#005678", "#01012b"],
    "Pastel": ["#fdfcfb", "#ffe5d9", "#cdb4db", "#ffc8dd", "#bde0fe", "#a2d2ff", "#caffbf", "#fdffb6", "#6d6875"],
    "Forest": ["#f4f1e8", "#e9c9a8", "#2d4030", "#588157", "#a3b18a", "#dad7cd", "#8b5e34", "#bc6c25", "#1a1f16"],
    "Monochrome": ["#ffffff", "#e6e6e6", "#bfbfbf", "#999999", "#737373", "#4d4d4d", "#333333", "#1a1a1a", "#000000"],
}


# -- images ------------------------------------------------------------------------------

def _as_pil(x) -> Image.Image | None:
    if x is None:
        return None
    if isinstance(x, Image.Image):
        return x
    if isinstance(x, np.ndarray):
        if x.size == 0:
            return None
        from .processing import _from_array
        return _from_array(x)
    if isinstance(x, (str, os.PathLike)):
        check_pixels(x)
        from .processing import load_image
        return load_image(x, keep_alpha=True)
    raise InputImageError(f"cannot read a sketch from {type(x).__name__}")


def _flatten_on_white(img: Image.Image) -> Image.Image:
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(bg, rgba).convert("RGB")
    return img.convert("RGB")


def sketchpad_to_image(value, min_ink: float = 0.1) -> Image.Image:
    """A Sketchpad / ImageEditor value or a plain image -> RGB sketch on white.

    ``value`` may be a dict ``{"background", "layers", "composite"}`` (PIL,
    numpy or file paths) or an image. The composite is used when present,
    otherwise the background with the layers pasted on top. Transparent
    pixels become white. Raises :class:`InputImageError` when nothing was
    drawn (no pixel darker than ``min_ink``).
    """
    if isinstance(value, dict):
        img = _as_pil(value.get("composite"))
        if img is None:
            bg = _as_pil(value.get("background"))
            layers = [_as_pil(layer) for layer in (value.get("layers") or [])]
            layers = [layer for layer in layers if layer is not None]
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
            img = canvas
    else:
        img = _as_pil(value)
        if img is None:
            raise InputImageError("no sketch given: draw one on the canvas or upload an image")
    rgb = _flatten_on_white(img)
    if float(line_mask(rgb).max()) < min_ink:
        raise InputImageError("the canvas is empty: draw some dark lines (or upload a sketch) first")
    return rgb


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


def ink_layer(lines: Image.Image) -> Image.Image:
    """Greyscale lines -> black RGBA ink whose alpha is the darkness (for layer stacks).

    Composited normally over a colour layer it gives exactly the multiply
    overlay that ``keep_lines`` produces.
    """
    g = np.asarray(lines.convert("L"), dtype=np.uint8)
    out = np.zeros(g.shape + (4,), dtype=np.uint8)
    out[..., 3] = 255 - g
    return Image.fromarray(out, "RGBA")


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=False)
    return buf.getvalue()


# -- layer exports -----------------------------------------------------------------------

def layers_zip(result, path: str | os.PathLike, project: dict | None = None) -> Path:
    """Write ``colored.png``, ``color_layer.png``, ``lines.png``, ``lines_ink.png``
    (and ``project.json``) into a zip at ``path``."""
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("colored.png", _png(result.image))
        z.writestr("color_layer.png", _png(result.color))
        z.writestr("lines.png", _png(result.lines.convert("L")))
        z.writestr("lines_ink.png", _png(ink_layer(result.lines)))
        if project is not None:
            z.writestr("project.json", project_to_json(project))
    return path


def write_ora(result, path: str | os.PathLike, thumbnail_side: int = 256) -> Path:
    """Write an OpenRaster file: the line ink layer above the flat colour layer.

    Layout (OpenRaster 0.0.x): ``mimetype`` first and stored uncompressed,
    ``stack.xml``, ``data/*.png`` layers, ``mergedimage.png`` and
    ``Thumbnails/thumbnail.png`` (at most 256 px).
    """
    path = Path(path)
    w, h = result.color.size
    merged = result.image.convert("RGBA")
    thumb = merged.copy()
    thumb.thumbnail((thumbnail_side, thumbnail_side))
    layers = [("Lines", "data/lines.png", ink_layer(result.lines)),
              ("Colour", "data/color.png", result.color.convert("RGBA"))]
    xml = ["<?xml version='1.0' encoding='UTF-8'?>",
           f'<image version="0.0.3" w="{w}" h="{h}" xres="72" yres="72">',
           '  <stack name="root">']
    for name, src, _ in layers:
        xml.append(f'    <layer name={quoteattr(name)} src={quoteattr(src)} x="0" y="0" '
                   'opacity="1.0" visibility="visible" composite-op="svg:src-over"/>')
    xml += ["  </stack>", "</image>", ""]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), ORA_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        z.writestr("stack.xml", "\n".join(xml))
        for _, src, img in layers:
            z.writestr(src, _png(img))
        z.writestr("mergedimage.png", _png(merged))
        z.writestr("Thumbnails/thumbnail.png", _png(thumb))
    return path


# -- projects ----------------------------------------------------------------------------

def image_sha256(img: Image.Image) -> str:
    rgb = img.convert("RGB")
    h = hashlib.sha256(f"{rgb.size[0]}x{rgb.size[1]}:".encode())
    h.update(rgb.tobytes())
    return h.hexdigest()


def weights_label(weights_id: str) -> str:
    """A stable, path-free id for a weights folder: ``<folder name>@<sha256 of the weights, 12 hex>``.

    Ids that are not folders (``random(seed=0)``) are returned unchanged.
    """
    p = Path(str(weights_id))
    f = p / "model.safetensors"
    if not f.is_file():
        return str(weights_id)
    h = hashlib.sha256()
    with open(f, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return f"{p.name}@{h.hexdigest()[:12]}"


def normalize_hex(colors, size: int = PALETTE_SIZE) -> list[str]:
    """Any list/str of colours (hex, '#abc', 'rgba(...)') -> ``size`` lowercase '#rrggbb'."""
    if isinstance(colors, Palette):
        return colors.to_hex()
    if isinstance(colors, str):
        colors = [c for c in colors.split(",") if c.strip()]
    colors = list(colors)
    if len(colors) != size:
        raise PaletteError(f"a palette needs exactly {size} colours, got {len(colors)}")
    return [rgb_to_hex(hex_to_rgb(c)) for c in colors]


def make_project(palette, seed: int | None, size: int, noise_strength: float, keep_lines: bool,
                 weights_id: str, sketch: Image.Image | None = None, flat: bool = False) -> dict:
    """Everything needed to redo a result with the same sketch."""
    from . import __version__

    d = {
        "format": PROJECT_FORMAT,
        "version": PROJECT_VERSION,
        "palette": normalize_hex(palette),
        "seed": None if seed is None else int(seed),
        "size": int(size),
        "noise_strength": float(noise_strength),
        "keep_lines": bool(keep_lines),
        "flat": bool(flat),
        "weights_id": str(weights_id),
        "library_version": __version__,
    }
    if sketch is not None:
        d["sketch_sha256"] = image_sha256(sketch)
    return d


def project_to_json(project: dict) -> str:
    return json.dumps(project, indent=2) + "\n"


def _read_json(src) -> object:
    if isinstance(src, (bytes, bytearray)):
        data = bytes(src)
    elif isinstance(src, (str, os.PathLike)) and not str(src).lstrip().startswith(("{", "[")):
        p = Path(src)
        if not p.is_file():
            raise ProjectError(f"no such file: {p}")
        if p.stat().st_size > MAX_JSON_BYTES:
            raise ProjectError(f"{p.name} is too large for a project or palette file")
        data = p.read_bytes()
    else:
        data = str(src).encode()
    if len(data) > MAX_JSON_BYTES:
        raise ProjectError("the file is too large for a project or palette file")
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ProjectError(f"the file is not valid JSON ({e}); choose a .json file saved by this app") from None


def project_from_json(src) -> dict:
    """Read and validate a project (a path, JSON text or bytes)."""
    d = _read_json(src)
    if not isinstance(d, dict) or d.get("format") != PROJECT_FORMAT:
        raise ProjectError("this is not a project file saved by Anime Sketch Colorizer "
                           "(use 'Download project' to make one)")
    if int(d.get("version", 0)) > PROJECT_VERSION:
        raise ProjectError(f"the project was saved by a newer app (version {d.get('version')}); update the app")
    try:
        seed = d.get("seed")
        out = {
            "format": PROJECT_FORMAT,
            "version": PROJECT_VERSION,
            "palette": normalize_hex(d["palette"]),
            "seed": None if seed is None else int(seed),
            "size": int(d.get("size", 512)),
            "noise_strength": float(d.get("noise_strength", 1.0)),
            "keep_lines": bool(d.get("keep_lines", False)),
            "flat": bool(d.get("flat", False)),
            "weights_id": str(d.get("weights_id", "unknown")),
        }
    except KeyError as e:
        raise ProjectError(f"the project file lacks the field {e}") from None
    except (TypeError, ValueError) as e:
        raise ProjectError(f"the project file has a bad value: {e}") from None
    for k in ("library_version", "sketch_sha256"):
        if k in d:
            out[k] = str(d[k])
    return out


# -- palettes ----------------------------------------------------------------------------

def palette_to_json(colors, name: str = "My palette") -> str:
    return json.dumps({"format": PALETTE_FORMAT, "name": str(name), "colors": normalize_hex(colors)},
                      indent=2) + "\n"


def palette_from_json(src) -> list[str]:
    """Read a palette file: ours, a project file, or a bare JSON list of hex colours."""
    d = _read_json(src)
    if isinstance(d, list):
        colors = d
    elif isinstance(d, dict) and isinstance(d.get("colors"), list):
        colors = d["colors"]
    elif isinstance(d, dict) and isinstance(d.get("palette"), list):
        colors = d["palette"]
    else:
        raise ProjectError('a palette file holds {"colors": ["#rrggbb", ...]} with 9 colours')
    return normalize_hex(colors)


def merge_locked(current: list[str], new: list[str], locks: list[bool]) -> list[str]:
    """``new`` with the swatches whose lock is set kept from ``current``."""
    if not (len(current) == len(new) == len(locks)):
        raise PaletteError("palette lengths differ")
    return [c if lock else n for c, n, lock in zip(current, new, locks)]


__all__ = [
    "MAX_APP_PIXELS", "PRESETS", "ProjectError", "check_pixels", "image_sha256", "ink_layer", "layers_zip",
    "make_project", "merge_locked", "normalize_hex", "palette_from_json", "palette_to_json",
    "project_from_json", "project_to_json", "sketchpad_to_image", "weights_label", "write_ora",
]

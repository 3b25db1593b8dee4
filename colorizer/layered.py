"""Layered exports of a colouring: Photoshop PSD and OpenRaster ORA files.

A painting program (GIMP, Krita, Photoshop, MyPaint...) opens the file as a stack
of layers named in the user's terms, so a colour can be changed part by part.
Bottom to top, for results with semantic slots (semantic weights, flat colours):

======================  ========  =======================================================
layer                   blend     content
======================  ========  =======================================================
``Colours (all)``       normal    ``result.color`` (all colours, shading, no lines);
                                  **hidden**: the role layers above cover every pixel, so
                                  it is there to compare with or to pick colours from
one per slot present    normal    that slot's flat colour where the pixel has that slot,
(``Background``,                  transparent elsewhere; named after
``Skin``, ``Hair``...)            :data:`colorizer.roles.SLOT_LABELS`, in slot order
``Shading``             multiply  the cel-shading tone as a grey multiply factor
                                  (``result.color / result.base``), white elsewhere
``Lines``               multiply  the sketch (greyscale); hidden when the result was made
                                  without ``keep_lines``
======================  ========  =======================================================

Results without slots (weights without a role head, or ``flat=False``) get
``Colours`` (``result.color``) and ``Lines``.

Composited, the visible layers give ``result.image`` within rounding (one or two
levels of 255; exactly so up to :attr:`colorizer.settings.RenderSettings.flat_max_side` px, above
which the flat render is upscaled and the few pixels where two regions meet, under
the ink, may differ a little more). Each file also stores ``result.image`` itself
as its composite, for readers that do not read layers.

Formats and limits:

* **PSD** (Photoshop, version 1 - not PSB) through ``psd-tools``: an RGBA document,
  8 bits, RLE-compressed layers cropped to their content, blend modes ``norm`` and
  ``mul ``, the merged image data set to ``result.image``. The format allows at
  most :data:`PSD_MAX_SIDE` (30000) px per side.
* **ORA** (OpenRaster 0.0.5): a zip with ``mimetype`` first and stored,
  ``stack.xml`` (first child = top layer; ``composite-op`` ``svg:multiply`` or
  ``svg:src-over``, ``visibility`` ``visible``/``hidden``), ``data/NN.png`` layers
  with their ``x``/``y`` offsets, ``mergedimage.png`` and ``Thumbnails/thumbnail.png``
  (at most 256 px). The format sets no size limit; this module refuses more than
  :data:`ORA_MAX_SIDE` (16384) px per side, where one RGBA layer already needs 1 GiB
  in the reading program and a ten-layer stack more than most machines have.

    from colorizer.layered import save_layered
    save_layered(result, "page.psd")      # or "page.ora"
"""

from __future__ import annotations

import io
import os
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from .errors import ColorizerError
from .roles import NUM_SLOTS, SLOT_LABELS

PSD_MAX_SIDE = 30000
ORA_MAX_SIDE = 16384
ORA_THUMBNAIL_SIDE = 256
ORA_MIMETYPE = "image/openraster"
LAYERED_SUFFIXES = (".psd", ".ora")

ALL_COLOURS = "Colours (all)"
COLOURS = "Colours"
SHADING = "Shading"
LINES = "Lines"


@dataclass
class Layer:
    """One layer of the stack: ``image`` is RGBA at the canvas size."""

    name: str
    image: Image.Image
    blend: str = "normal"      # "normal" or "multiply"
    visible: bool = True

    def cropped(self) -> tuple[Image.Image, int, int]:
        """The layer cut to its non-transparent pixels, with its left and top offsets."""
        box = self.image.getchannel("A").getbbox()
        if box is None:  # nothing visible: keep one transparent pixel
            box = (0, 0, 1, 1)
        if box == (0, 0) + self.image.size:
            return self.image, 0, 0
        return self.image.crop(box), box[0], box[1]


def _rgba(rgb: np.ndarray, alpha: np.ndarray | None = None) -> Image.Image:
    h, w = rgb.shape[:2]
    a = np.full((h, w), 255, np.uint8) if alpha is None else alpha.astype(np.uint8)
    return Image.fromarray(np.dstack([rgb.astype(np.uint8), a]), "RGBA")


def _keep_lines(result) -> bool:
    opts = getattr(result, "options", None)
    if opts is not None:
        return bool(opts.keep_lines)
    return np.asarray(result.image.convert("RGB")).tobytes() != np.asarray(result.color.convert("RGB")).tobytes()


def shading_factor(color: np.ndarray, base: np.ndarray) -> np.ndarray:
    """(H, W) uint8 grey multiply factor turning ``base`` into ``color`` (both (H, W, 3) uint8).

    The cel shading scales a pixel's base colour by one ratio for all three channels;
    the least-squares ratio over the channels, times 255, is the factor (255 where the
    pixel is not shaded, or is black, where any factor gives black)."""
    c = color.astype(np.float64)
    b = base.astype(np.float64)
    bb = (b * b).sum(axis=-1)
    cb = (c * b).sum(axis=-1)
    ratio = np.divide(cb, bb, out=np.ones_like(bb), where=bb > 0)
    return np.clip(np.rint(ratio * 255.0), 0, 255).astype(np.uint8)


def layer_stack(result) -> list[Layer]:
    """The layers of a :class:`colorizer.pipeline.ColorizeResult`, bottom to top (see the module doc)."""
    for attr in ("image", "color", "lines"):
        if not isinstance(getattr(result, attr, None), Image.Image):
            raise ColorizerError(f"not a colouring result: {attr!r} is missing or not an image")
    size = result.image.size
    w, h = size
    if result.color.size != size or result.lines.size != size:
        raise ColorizerError(f"the result's layers disagree in size: image {size}, colours {result.color.size}, "
                             f"lines {result.lines.size}")
    color = np.asarray(result.color.convert("RGB"))
    grey = np.asarray(result.lines.convert("L"))
    lines = Layer(LINES, _rgba(np.repeat(grey[..., None], 3, axis=2)), "multiply", _keep_lines(result))
    slots = getattr(result, "slots", None)
    base = getattr(result, "base", None)
    if slots is None or base is None:
        return [Layer(COLOURS, _rgba(color)), lines]
    slots = np.asarray(slots)
    if slots.shape != (h, w) or base.size != size:
        raise ColorizerError(f"the result's slot map {slots.shape} or flat colours {base.size} do not match "
                             f"its {w}x{h} image")
    base_rgb = np.asarray(base.convert("RGB"))
    layers = [Layer(ALL_COLOURS, _rgba(color), visible=False)]
    for s in range(NUM_SLOTS):
        mask = slots == s
        if mask.any():
            layers.append(Layer(SLOT_LABELS[s], _rgba(base_rgb, np.where(mask, 255, 0))))
    unknown = slots >= NUM_SLOTS
    if unknown.any():  # no slot: keep the pixels' colours so the stack still shows them
        layers.append(Layer("Other", _rgba(base_rgb, np.where(unknown, 255, 0))))
    g = shading_factor(color, base_rgb)
    layers.append(Layer(SHADING, _rgba(np.repeat(g[..., None], 3, axis=2)), "multiply"))
    layers.append(lines)
    return layers


def _check_size(result, limit: int, fmt: str) -> None:
    image = getattr(result, "image", None)
    if not isinstance(image, Image.Image):
        raise ColorizerError("not a colouring result: it has no image")
    w, h = image.size
    if max(w, h) > limit:
        raise ColorizerError(f"the picture is {w}x{h} px; a {fmt} file holds at most {limit} px per side. "
                             f"Colour it at a smaller output size or save a PNG.")


# -- PSD -----------------------------------------------------------------------------------
def psd_bytes(result) -> bytes:
    """The layered PSD file of ``result``, as bytes."""
    _check_size(result, PSD_MAX_SIDE, "PSD")
    from psd_tools import PSDImage
    from psd_tools.api.layers import PixelLayer
    from psd_tools.constants import BlendMode

    composite = result.image.convert("RGB").convert("RGBA")
    psd = PSDImage.frompil(composite)
    for layer in layer_stack(result):
        img, left, top = layer.cropped()
        pl = PixelLayer.frompil(img, psd, layer.name, top=top, left=left)
        pl.blend_mode = BlendMode.MULTIPLY if layer.blend == "multiply" else BlendMode.NORMAL
        pl.visible = layer.visible
    # The merged image is result.image itself: set it in the document record (psd-tools
    # documents PSDImage._record as its low-level structure) and write the record, which
    # skips PSDImage.save()'s own re-compositing of the layers (seconds, and not ours).
    record = psd._record
    record.image_data.set_data([band.tobytes() for band in composite.split()], record.header)
    buf = io.BytesIO()
    record.write(buf)
    return buf.getvalue()


# -- ORA -----------------------------------------------------------------------------------
def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=6)
    return buf.getvalue()


def ora_bytes(result) -> bytes:
    """The layered OpenRaster file of ``result``, as bytes."""
    _check_size(result, ORA_MAX_SIDE, "ORA")
    layers = layer_stack(result)
    w, h = result.image.size
    root = ET.Element("image", {"version": "0.0.5", "w": str(w), "h": str(h), "xres": "72", "yres": "72"})
    stack = ET.SubElement(root, "stack")
    files: list[tuple[str, bytes]] = []
    entries = []
    for i, layer in enumerate(layers):
        img, left, top = layer.cropped()
        src = f"data/{i:02d}.png"
        files.append((src, _png(img)))
        entries.append({
            "name": layer.name, "src": src, "x": str(left), "y": str(top),
            "opacity": "1.000", "visibility": "visible" if layer.visible else "hidden",
            "composite-op": "svg:multiply" if layer.blend == "multiply" else "svg:src-over",
        })
    for attrs in reversed(entries):  # stack.xml lists the top layer first
        ET.SubElement(stack, "layer", attrs)
    xml = b"<?xml version='1.0' encoding='UTF-8'?>\n" + ET.tostring(root, encoding="utf-8")
    merged = result.image.convert("RGB")
    thumb = merged.copy()
    thumb.thumbnail((ORA_THUMBNAIL_SIDE, ORA_THUMBNAIL_SIDE), Image.BILINEAR)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        # The mimetype comes first, uncompressed and without extra fields (the OpenRaster rule
        # that lets a reader sniff the type at byte 38).
        z.writestr(zipfile.ZipInfo("mimetype"), ORA_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        z.writestr("stack.xml", xml, compress_type=zipfile.ZIP_DEFLATED)
        for name, data in files:
            z.writestr(name, data, compress_type=zipfile.ZIP_STORED)  # PNGs are compressed already
        z.writestr("mergedimage.png", _png(merged), compress_type=zipfile.ZIP_STORED)
        z.writestr("Thumbnails/thumbnail.png", _png(thumb), compress_type=zipfile.ZIP_STORED)
    return buf.getvalue()


# -- files ---------------------------------------------------------------------------------
def _write_atomic(path: Path, data: bytes) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ColorizerError(f"cannot write {path}: the folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as e:
        raise ColorizerError(f"cannot write {path}: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a saved picture is not (os.umask is not thread-safe)
        os.replace(tmp, path)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise ColorizerError(f"cannot write {path}: {e.strerror or e}") from None


def layered_bytes(result, fmt: str) -> bytes:
    """``fmt`` "psd" or "ora" (a leading dot and any case are fine)."""
    f = str(fmt).lower().lstrip(".")
    if f == "psd":
        return psd_bytes(result)
    if f == "ora":
        return ora_bytes(result)
    raise ColorizerError(f"unknown layered format {fmt!r}; use psd or ora")


def save_layered(result, path: str | os.PathLike) -> Path:
    """Write ``result`` as a layered file, PSD or ORA by the suffix of ``path``; returns the path."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in LAYERED_SUFFIXES:
        raise ColorizerError(f"cannot tell the layered format of {p.name!r}: use a .psd (Photoshop, GIMP, "
                             f"Krita) or .ora (OpenRaster: Krita, MyPaint) file name")
    _write_atomic(p, layered_bytes(result, suffix))
    return p


__all__ = ["ALL_COLOURS", "COLOURS", "LAYERED_SUFFIXES", "LINES", "Layer", "ORA_MAX_SIDE", "PSD_MAX_SIDE",
           "SHADING", "layer_stack", "layered_bytes", "ora_bytes", "psd_bytes",
           "save_layered", "shading_factor"]

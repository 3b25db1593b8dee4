"""Layered downloads of a :class:`colorizer.ColorizeResult`: a zip of PNG layers and OpenRaster.

Both hold the flat colour layer and the line ink above it; composited normally the ink
gives exactly the multiply overlay that ``keep_lines`` produces.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np
from PIL import Image

ORA_MIMETYPE = b"image/openraster"


def ink_layer(lines: Image.Image) -> Image.Image:
    """Greyscale lines -> black RGBA ink whose alpha is the darkness (for layer stacks)."""
    g = np.asarray(lines.convert("L"), dtype=np.uint8)
    out = np.zeros(g.shape + (4,), dtype=np.uint8)
    out[..., 3] = 255 - g
    return Image.fromarray(out, "RGBA")


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=False)
    return buf.getvalue()


def layers_zip(result, path: str | os.PathLike, project_json: str | None = None) -> Path:
    """Write ``colored.png``, ``color_layer.png``, ``lines.png``, ``lines_ink.png``
    (and ``project.json`` when given) into a zip at ``path``."""
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("colored.png", _png(result.image))
        z.writestr("color_layer.png", _png(result.color))
        z.writestr("lines.png", _png(result.lines.convert("L")))
        z.writestr("lines_ink.png", _png(ink_layer(result.lines)))
        if project_json is not None:
            z.writestr("project.json", project_json)
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


__all__ = ["ink_layer", "layers_zip", "write_ora"]

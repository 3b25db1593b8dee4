"""Downloads of a :class:`colorizer.ColorizeResult`: layered PSD / ORA files and a zip of PNG layers.

The PSD and the ORA are the library's (:mod:`colorizer.layered`: a layer per part named
"Skin", "Hair"..., a multiply shading layer and the lines). The zip is for programs that
read no layered files: the picture, the colour layer, the lines and the line ink (black
with the darkness as alpha: composited normally over the colour layer it gives exactly
the multiply overlay that ``keep_lines`` produces).
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

from colorizer.layered import save_layered


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


def layered_files(result, folder: str | os.PathLike, stem: str = "colorized") -> list[Path]:
    """``stem.psd`` and ``stem.ora`` in ``folder``: the library's layered files
    (:func:`colorizer.layered.save_layered`: one layer per part, shading, lines)."""
    folder = Path(folder)
    return [save_layered(result, folder / f"{stem}{ext}") for ext in (".psd", ".ora")]


__all__ = ["ink_layer", "layered_files", "layers_zip"]

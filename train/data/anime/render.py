"""Render a character's three SVGs with resvg and put the picture together: colour, sketch, labels.

The colour picture is the fills multiplied by the ink twin, so its ink is
exactly the sketch; label pixels under ink (sketch grey level below
:data:`LINE_GREY_LEVEL`) are ``line``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import resvg_py
from PIL import Image

from colorizer.roles import LINE
from train.data.anime.draw import draw_character
from train.data.anime.scene import svgs
from train.data.anime.spec import AnimeSpec, Pose, make_pose, make_spec

__all__ = ["AnimeSample", "LINE_GREY_LEVEL", "generate", "rasterize", "render_svgs"]

LINE_GREY_LEVEL = 128  # sketch grey level (0..255) below which a pixel is labelled "line"


@dataclass
class AnimeSample:
    color: Image.Image  # RGB
    sketch: Image.Image  # L, black ink on white
    labels: Image.Image  # L, colorizer.roles indices
    spec: AnimeSpec
    pose: Pose


def rasterize(svg: str, size: int, crisp: bool = False) -> np.ndarray:
    """``svg`` as an (size, size, 3) uint8 RGB array; ``crisp``: anti-aliasing off (label maps)."""
    kw = {"shape_rendering": "crisp_edges"} if crisp else {}
    png = bytes(resvg_py.svg_to_bytes(svg_string=svg, width=size, height=size, skip_system_fonts=True, **kw))
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def render_svgs(seed: int, variant: int = 0, headwear: str = "none", cape: bool = False) -> tuple[str, str, str]:
    """The ``(colour fills, ink, labels)`` SVG documents of one picture."""
    spec = make_spec(seed, headwear, cape)
    pose = make_pose(seed, variant)
    scene = draw_character(spec, pose)
    return svgs(scene, spec.parts["background"].base)


def generate(seed: int, size: int = 256, variant: int = 0, headwear: str = "none", cape: bool = False) -> AnimeSample:
    """Character ``seed`` in picture ``variant`` at ``size`` x ``size`` pixels, optionally wearing
    ``headwear`` (see :data:`train.data.anime.spec.HEADWEAR`) and a ``cape``."""
    if not isinstance(size, int) or isinstance(size, bool) or not 16 <= size <= 4096:
        raise ValueError(f"size must be an integer in 16..4096, got {size!r}")
    spec = make_spec(seed, headwear, cape)
    pose = make_pose(seed, variant)
    scene = draw_character(spec, pose)
    col_svg, ink_svg, lab_svg = svgs(scene, spec.parts["background"].base)
    fills = rasterize(col_svg, size).astype(np.uint16)
    ink = rasterize(ink_svg, size)[..., 0]
    labels = rasterize(lab_svg, size, crisp=True)[..., 0].copy()
    color = ((fills * ink[..., None].astype(np.uint16) + 127) // 255).astype(np.uint8)
    labels[ink < LINE_GREY_LEVEL] = LINE
    return AnimeSample(
        color=Image.fromarray(color, "RGB"),
        sketch=Image.fromarray(np.ascontiguousarray(ink), "L"),
        labels=Image.fromarray(labels, "L"),
        spec=spec,
        pose=pose,
    )

"""Procedural anime characters: colour picture, line art and part labels from one seed.

``generate(seed, size, variant)`` draws character ``seed`` (its identity: hair,
skin, eyes, outfit and colours) in pose ``variant`` (framing, head angle,
expression, arms) as SVG and renders it with resvg three times from the same
geometry:

* the colour fills (cel shading: base colour, one shadow tone, highlights),
* the ink twin (fills white, ink black) = the sketch,
* the labels (each part in the grey level of its role, anti-aliasing off).

The colour picture is the fills multiplied by the sketch, so its ink is exactly
the sketch; label pixels under ink (sketch < 128) are ``line``.

Seeds >= :data:`HELD_OUT_SEED` are reserved for the held-out check set: the
corpus source never lists them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import resvg_py
from PIL import Image

from colorizer.roles import LINE
from train.data.anime.draw import draw_character, svgs
from train.data.anime.spec import AnimeSpec, Pose, make_pose, make_spec

__all__ = ["AnimeSample", "generate", "make_spec", "make_pose", "AnimeSpec", "Pose", "HELD_OUT_SEED",
           "LINE_THRESHOLD", "render_svgs"]

HELD_OUT_SEED = 1_000_000
LINE_THRESHOLD = 128  # sketch grey level below which a pixel is labelled "line"


@dataclass
class AnimeSample:
    color: Image.Image  # RGB
    sketch: Image.Image  # L, black ink on white
    labels: Image.Image  # L, colorizer.roles indices
    spec: AnimeSpec
    pose: Pose


def _render(svg: str, size: int, crisp: bool = False) -> np.ndarray:
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
    fills = _render(col_svg, size).astype(np.uint16)
    ink = _render(ink_svg, size)[..., 0]
    labels = _render(lab_svg, size, crisp=True)[..., 0].copy()
    color = ((fills * ink[..., None].astype(np.uint16) + 127) // 255).astype(np.uint8)
    labels[ink < LINE_THRESHOLD] = LINE
    return AnimeSample(
        color=Image.fromarray(color, "RGB"),
        sketch=Image.fromarray(np.ascontiguousarray(ink), "L"),
        labels=Image.fromarray(labels, "L"),
        spec=spec,
        pose=pose,
    )

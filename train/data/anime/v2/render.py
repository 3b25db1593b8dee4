"""Generator v2's pictures: colour (cel or painted), sketch (clean or as users make it), labels, parts.

:func:`generate_v2` draws ``character`` in ``outfit`` and ``pose`` (and, in
some poses, a companion beside it) and renders the colour fills, the ink twin
and one label render whose red channel is the role and green channel the
garment id. Labels under the clean ink are ``line``; the parts map is 0 on the
background and :data:`~train.data.anime.v2.paint.LINE_ID` under ink.
"""

from __future__ import annotations

import dataclasses
import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image

from colorizer.roles import LINE, ROLE_INDEX
from train.data.anime.geom import UNITS
from train.data.anime.render import LINE_GREY_LEVEL, rasterize
from train.data.anime.scene import CANVAS, Scene, svgs
from train.data.anime.spec import AnimeSpec, make_spec
from train.data.anime.v2.figure import draw_figure
from train.data.anime.v2.lines import SKETCH_STYLES, SKETCH_WEIGHTS, make_sketch
from train.data.anime.v2.paint import LINE_ID, backdrop, paint
from train.data.anime.v2.spec import Outfit, PoseV2, dress_spec, make_outfit, make_pose_v2

__all__ = ["COLOR_STYLES", "AnimeSampleV2", "generate_v2", "PAINTED_PROB"]

COLOR_STYLES = ("cel", "painted")
PAINTED_PROB = 0.6
BACKDROP_PROB = 0.5  # painted pictures: a painted background instead of the flat one


@dataclass
class AnimeSampleV2:
    color: Image.Image  # RGB
    sketch: Image.Image  # L, dark lines on white
    labels: Image.Image  # L, colorizer.roles indices
    parts: Image.Image  # L, garment ids (0 background, 255 line)
    spec: AnimeSpec
    outfit: Outfit
    pose: PoseV2
    color_style: str
    sketch_style: str


def _second_pass(ink_svg: str, size: int, rng: random.Random) -> np.ndarray:
    """The ink drawn again, moved by about a pixel and turned by a fraction of a degree."""
    u = UNITS * CANVAS / size  # SVG units per pixel
    dx, dy = rng.uniform(-1.6, 1.6) * u, rng.uniform(-1.6, 1.6) * u
    c = UNITS * CANVAS / 2
    a = rng.uniform(-0.6, 0.6)
    cut = ink_svg.index("/>") + 2  # after the white page
    doc = (ink_svg[:cut] + f'<g transform="translate({dx:.1f} {dy:.1f}) rotate({a:.2f} {c:.0f} {c:.0f})">'
           + ink_svg[cut:-len("</svg>")] + "</g></svg>")
    return rasterize(doc, size)[..., 0]


def generate_v2(character: int, pose: int = 0, outfit: int = 0, size: int = 256, color_style: str | None = None,
                sketch_style: str | None = None) -> AnimeSampleV2:
    """Character ``character`` wearing outfit ``outfit`` in picture ``pose``, ``size`` px square.
    ``color_style`` (``cel`` / ``painted``) and ``sketch_style`` (one of
    :data:`~train.data.anime.v2.lines.SKETCH_STYLES`) are drawn from the seeds when None."""
    if not isinstance(size, int) or isinstance(size, bool) or not 16 <= size <= 4096:
        raise ValueError(f"size must be an integer in 16..4096, got {size!r}")
    if color_style is not None and color_style not in COLOR_STYLES:
        raise ValueError(f"color_style must be one of {COLOR_STYLES}, got {color_style!r}")
    if sketch_style is not None and sketch_style not in SKETCH_STYLES:
        raise ValueError(f"sketch_style must be one of {SKETCH_STYLES}, got {sketch_style!r}")
    o = make_outfit(character, outfit)
    spec = dress_spec(make_spec(character), o)
    p = make_pose_v2(character, pose)
    style_rng = random.Random(f"anime-v2-style-{character}-{pose}-{outfit}")
    painted = style_rng.random() < PAINTED_PROB
    sk_style = style_rng.choices(SKETCH_STYLES, weights=SKETCH_WEIGHTS)[0]
    color_style = color_style or ("painted" if painted else "cel")
    sketch_style = sketch_style or sk_style

    base = p.base
    lw = float(np.clip(1.55 * math.sqrt(base.scale), 0.9, 2.0))
    lw *= random.Random(f"anime-v2-line-{character}-{pose}-{outfit}").uniform(0.7, 1.4)  # pens differ
    scene = Scene(spec, lw, random.Random(f"anime-v2-ink-{character}-{pose}-{outfit}"))
    ctxs = []
    if p.companion is not None:  # a second character beside the first, in its own outfit and pose
        o2 = make_outfit(p.companion, p.companion_outfit)
        spec2 = dress_spec(make_spec(p.companion), o2)
        p2 = make_pose_v2(p.companion, 1)
        b2 = dataclasses.replace(p2.base, framing=base.framing, scale=base.scale * style_rng.uniform(0.92, 1.05),
                                 cx=256.0 - base.cx, eye_y=base.eye_y + style_rng.uniform(-8, 8))
        p2 = dataclasses.replace(p2, arms=p2.arms if p2.arms != "cheek" else "down", base=b2, companion=None)
        ctxs.append(draw_figure(scene, spec2, o2, p2, figure=1))
    ctxs.append(draw_figure(scene, spec, o, p, figure=0))
    col_svg, ink_svg, lab_svg = svgs(scene, spec.parts["background"].base, parts=True)
    fills = rasterize(col_svg, size)
    ink = rasterize(ink_svg, size)[..., 0]
    lab = rasterize(lab_svg, size, crisp=True)
    labels = lab[..., 0].copy()
    parts = lab[..., 1].copy()
    line = ink < LINE_GREY_LEVEL
    labels[line] = LINE
    parts[line] = LINE_ID

    if color_style == "painted":
        k = size / CANVAS
        cheeks = []
        for ctx in ctxs:
            if ctx.pose.blush or style_rng.random() < 0.6:
                for c in ctx.H(np.array([(-23.0, 19.0), (23.0, 19.0)])):
                    cheeks.append((c[0] * k, c[1] * k, 10.0 * ctx.s * k))
        body = paint(fills, parts, spec.light, style_rng, cheeks, skin=(labels == ROLE_INDEX["skin"]))
        line_tint = style_rng.uniform(0.12, 0.35) if style_rng.random() < 0.5 else 0.0  # coloured line art
        if style_rng.random() < BACKDROP_PROB:
            bg = parts == 0
            body[bg] = backdrop(bg.shape, fills[bg][0] / 255.0 if bg.any() else np.ones(3), style_rng)[bg]
    else:
        body = fills.astype(np.float32) * np.float32(1 / 255)
        line_tint = 0.0
    i = ink.astype(np.float32)[..., None] * np.float32(1 / 255)
    color = np.clip((body * (i + (1.0 - i) * line_tint)) * 255.0 + 0.5, 0, 255).astype(np.uint8)

    srng = np.random.default_rng(style_rng.randrange(1 << 62))
    second = _second_pass(ink_svg, size, style_rng) if sketch_style == "doubled" else None
    sketch = make_sketch(sketch_style, ink, color, fills, parts, srng, second)
    return AnimeSampleV2(color=Image.fromarray(color, "RGB"), sketch=Image.fromarray(np.ascontiguousarray(sketch), "L"),
                         labels=Image.fromarray(labels, "L"), parts=Image.fromarray(parts, "L"), spec=spec, outfit=o,
                         pose=p, color_style=color_style, sketch_style=sketch_style)

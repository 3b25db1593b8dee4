"""Procedural anime characters: colour picture, line art and part labels from one seed.

``generate(seed, size, variant)`` draws character ``seed`` (its identity: hair,
skin, eyes, outfit and colours) in pose ``variant`` (framing, head angle,
expression, arms) as SVG and renders it with resvg three times from the same
geometry:

* the colour fills (cel shading: base colour, one shadow tone, highlights),
* the ink twin (fills white, ink black) = the sketch,
* the labels (each part in the grey level of its role, anti-aliasing off).

The colour picture is the fills multiplied by the sketch, so its ink is exactly
the sketch; label pixels under ink (sketch below :data:`LINE_GREY_LEVEL`) are
``line``.

Modules, by concern: :mod:`.spec` (identity and pose), :mod:`.geom` (2-D
geometry), :mod:`.scene` (operations and SVG output), :mod:`.context` (the
shared drawing context), :mod:`.hair`, :mod:`.face`, :mod:`.clothes`,
:mod:`.body`, :mod:`.accessories` (the parts), :mod:`.draw` (painter's order),
:mod:`.render` (rasterising and compositing), :mod:`.sheet` (contact sheets).
Generator v2 (layered outfits, painted colour, poses, parts maps, extracted line
art) is the subpackage :mod:`.v2`; v1's pictures stay as they are.

Seeds >= :data:`HELD_OUT_SEED` are reserved for the held-out check set: the
corpus source never lists them.
"""

from __future__ import annotations

from train.data.anime.render import LINE_GREY_LEVEL, AnimeSample, generate, rasterize, render_svgs
from train.data.anime.spec import AnimeSpec, Pose, make_pose, make_spec

__all__ = ["AnimeSample", "generate", "make_spec", "make_pose", "AnimeSpec", "Pose", "HELD_OUT_SEED",
           "LINE_GREY_LEVEL", "rasterize", "render_svgs"]

HELD_OUT_SEED = 1_000_000

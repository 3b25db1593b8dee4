"""Draw an anime character: lay out its parts in painter's order as a :class:`~train.data.anime.scene.Scene`.

Back to front: cape, back hair and tails, arms behind the back, legs, neck,
clothes, the arms in front, the head (face, eyes, mouth, side locks, bangs,
brows over the fringe, head ornaments or gear), and last a hand raised to the
face. Each part is a function of its concern's module, sharing one
:class:`~train.data.anime.context.Ctx`.
"""

from __future__ import annotations

import math
import random

import numpy as np

from train.data.anime.accessories import cape, hair_accessories, helmet, hood_up
from train.data.anime.body import arm, arm_layout, legs, neck
from train.data.anime.clothes import clothes
from train.data.anime.context import BodyMap, Ctx, HeadMap
from train.data.anime.face import brow, ears, eyes, face, glasses, nose_mouth
from train.data.anime.geom import rotate, scale, translate
from train.data.anime.hair import (
    ahoge, back_hair, bang_edge, braids, buns, draw_tail, front_hair, side_locks, tail_shape, tails_behind,
)
from train.data.anime.scene import Scene
from train.data.anime.spec import AnimeSpec, Pose

__all__ = ["draw_character", "head"]


def draw_character(spec: AnimeSpec, pose: Pose) -> Scene:
    """Lay out the whole character as a :class:`Scene`."""
    s = pose.scale
    lw = float(np.clip(1.55 * math.sqrt(s), 0.9, 2.0))
    scene = Scene(spec, lw, random.Random(f"anime-ink-{spec.seed}-{pose.framing}-{pose.expression}"))
    g = random.Random(spec.shape_seed)  # identity geometry (same locks in every variant)
    frame = translate(pose.cx, pose.eye_y) @ scale(s)
    body_map = BodyMap(frame)
    head_map = HeadMap(frame @ translate(0.0, 7.0) @ rotate(pose.tilt, 0.0, 48.0), pose.turn)  # +7: a shorter neck
    _draw(Ctx(spec, pose, scene, body_map, head_map, g))
    return scene


def _draw(ctx: Ctx) -> None:
    arms = arm_layout(ctx)
    if ctx.spec.cape:
        cape(ctx)
    back_hair(ctx)
    tails_behind(ctx)
    for side, a in arms.items():
        if a["behind"]:
            arm(ctx, side, a)
    legs(ctx)
    neck(ctx)
    clothes(ctx)
    for side, a in arms.items():
        if not a["behind"] and not a["over_face"]:
            arm(ctx, side, a)
    head(ctx)
    for side, a in arms.items():
        if a["over_face"]:
            arm(ctx, side, a)


def head(ctx: Ctx) -> None:
    sp = ctx.spec
    if sp.tail == "braids":
        braids(ctx)
    if sp.tail == "side_tail":
        side = -1 if (sp.shape_seed % 2) else 1
        centre, widths = tail_shape((side * 40, -8), (side * 60, 10), (side * 58, 70), (side * 46, 20 + sp.tail_len * 0.8), 14, 26)
        draw_tail(ctx, centre, widths)
    ears(ctx)
    ctx.bangs = bang_edge(ctx)
    face_cp = face(ctx)
    # the bangs' shadow on the forehead follows the lock tips (before the eyes: it never covers them)
    edge = ctx.bangs[0]
    fshadow = np.concatenate([edge + np.array([-sp.light * 1.5, 5.0]), [(-ctx.fw - 20, -80), (ctx.fw + 20, -80)]])
    ctx.sc.shade(face_cp, [(ctx.H(fshadow), ctx.P["skin"].shadow)])
    eyes(ctx)
    nose_mouth(ctx)
    if "glasses" in sp.accessories:
        glasses(ctx)
    if sp.tail == "buns" and sp.headwear == "none":
        buns(ctx)
    side_locks(ctx)
    front_hair(ctx)
    for args in ctx.brows:  # anime convention: the brows show over the fringe
        brow(ctx, *args)
    if sp.ahoge and sp.headwear == "none":
        ahoge(ctx)
    if sp.headwear == "none":
        hair_accessories(ctx)
    elif sp.headwear == "helmet":
        helmet(ctx)
    else:
        hood_up(ctx, mask=sp.headwear == "hood_mask")

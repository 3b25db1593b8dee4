"""Generator v2's figure: one character in its outfit and pose, in painter's order, with garment ids.

The body turns as a cylinder for 3/4 views (:class:`TurnedBody`); the head
uses v1's yaw warp. New arm poses beside v1's: arms crossed over the chest, a
book hugged to the chest, a bag on a strap. Long hair may fall in front of the
shoulders and chest; bangs may hang over the eyes.
"""

from __future__ import annotations

import math
import random

import numpy as np

from train.data.anime.accessories import cape
from train.data.anime.body import arm, arm_layout, legs, neck
from train.data.anime.context import Ctx, HeadMap
from train.data.anime.draw import head
from train.data.anime.geom import apply, rotate, scale, translate
from train.data.anime.hair import back_hair, tails_behind
from train.data.anime.scene import Scene
from train.data.anime.spec import AnimeSpec, Pose
from train.data.anime.v2.garments import book, front_locks, hand_bag, outer_layer, outfit_layers, shoulder_bag
from train.data.anime.v2.spec import PART_NAMES, PARTS_PER_FIGURE, Outfit, PoseV2

__all__ = ["TurnedBody", "draw_figure", "garment_id"]


class TurnedBody:
    """Body space -> canvas for a body turned by ``turn`` radians: x on a cylinder of radius ``R``
    (the far side narrows), shifted so the neck stays under the turned head, then the affine map."""

    def __init__(self, m: np.ndarray, turn: float, R: float = 120.0, neck_shift: float = 36.0):
        self.m, self.turn, self.R = m, turn, R
        self.shift = neck_shift * math.sin(turn) - R * math.sin(turn)

    def __call__(self, pts) -> np.ndarray:
        p = np.asarray(pts, float)
        if self.turn:
            phi = np.arcsin(np.clip(p[:, 0] / self.R, -1.0, 1.0))
            x = self.R * np.sin(phi + self.turn) + self.shift
            p = np.stack([x, p[:, 1]], axis=1)
        return apply(self.m, p)


def garment_id(figure: int, part: str) -> int:
    """The parts-map value of ``part`` of figure ``figure`` (0 or 1)."""
    return figure * PARTS_PER_FIGURE + PART_NAMES.index(part) + 1


def _arms(ctx: Ctx, kind: str, r: random.Random) -> dict:
    """v1's arm layout, with the v2 poses laid out here."""
    out = arm_layout(ctx)
    sw = ctx.sw
    active = r.choice([-1, 1])
    for side in (-1, 1):
        S = np.array([side * (sw - 9), 108.0])
        if kind == "crossed":  # forearms folded across the chest, one over the other
            E = S + np.array([side * 10.0, 78.0])
            W = np.array([-side * sw * 0.62, 172.0 + 6 * side * active])
        elif kind == "book" and side == active:
            E = S + np.array([side * 14.0, 80.0])
            W = np.array([-side * 6.0, 178.0])
        else:
            continue
        out[side] = {"S": S, "E": E, "W": W, "behind": False, "over_face": False, "open": False}
    return out


def draw_figure(scene: Scene, spec: AnimeSpec, outfit: Outfit, pose: PoseV2, figure: int = 0,
                base: Pose | None = None) -> Ctx:
    """Add one character to ``scene`` (``base``: its v1 pose, by default ``pose.base``); returns its context."""
    base = base or pose.base
    s = base.scale
    g = random.Random(spec.shape_seed)  # identity geometry (same locks in every picture)
    frame = translate(base.cx, base.eye_y) @ scale(s)
    body = TurnedBody(frame, pose.body_turn)
    head_map = HeadMap(frame @ translate(0.0, 7.0) @ rotate(base.tilt, 0.0, 48.0), base.turn)
    ctx = Ctx(spec, base, scene, body, head_map, g)
    for name, pc in spec.parts.items():
        if name in PART_NAMES:
            scene.part_ids[id(pc)] = garment_id(figure, name)
    r = random.Random(f"anime-v2-figure-{spec.seed}-{outfit.kind}-{pose.arms}-{base.framing}")
    looks = random.Random(f"anime-v2-looks-{spec.seed}")  # per identity: the same in every picture
    ctx.bangs_over_eyes = looks.choice([0.0, 0.0, looks.uniform(8, 16)])
    locks_front = spec.back in ("medium", "long") and looks.random() < 0.65

    arms = _arms(ctx, pose.arms, r)
    if spec.cape:
        cape(ctx)
    back_hair(ctx)
    tails_behind(ctx)
    sleeve = ctx.P["jacket"] if outfit.outer not in ("none", "vest") else ctx.P["top"]
    glove = ctx.P.get("gloves")
    cuff = ctx.P["top"] if outfit.cuffs else None
    folds = outfit.outer != "none" or outfit.sleeves == "long"

    def draw_arm(side):
        arm(ctx, side, arms[side], sleeve=sleeve, glove=glove, cuff=cuff, folds=folds)

    for side, a in arms.items():
        if a["behind"]:
            draw_arm(side)
    legs(ctx)
    neck(ctx)
    outfit_layers(ctx, outfit, r)
    outer_layer(ctx, outfit, r)
    active = 1 if arms[1]["W"][0] < 0 and pose.arms == "book" else -1
    if pose.arms == "bag":
        shoulder_bag(ctx, r.choice([-1, 1]), r)
    if pose.arms == "book":
        book(ctx, np.array([-active * 10.0, 196.0]), r)
    if locks_front and pose.arms == "crossed":
        front_locks(ctx, random.Random(looks.random()))
    order = (-1, 1) if r.random() < 0.5 else (1, -1)
    for side in order:
        a = arms[side]
        if not a["behind"] and not a["over_face"]:
            draw_arm(side)
    if pose.arms == "down" and base.framing != "bust" and r.random() < 0.25:
        side = r.choice([-1, 1])
        hand_bag(ctx, arms[side]["W"], r)
    if locks_front and pose.arms != "crossed":
        front_locks(ctx, random.Random(looks.random()))
    head(ctx)
    for side, a in arms.items():
        if a["over_face"]:
            draw_arm(side)
    return ctx

"""The drawing context shared by the part modules: the character, its pose, the scene and the two maps.

Every part of the figure is drawn by a function ``part(ctx, ...)`` of its
concern's module (:mod:`~train.data.anime.hair`, :mod:`~train.data.anime.face`,
:mod:`~train.data.anime.clothes`, :mod:`~train.data.anime.body`,
:mod:`~train.data.anime.accessories`). Shapes are built in one of two local
spaces and mapped to the canvas by :attr:`Ctx.H` (head space, with the head's
turn and tilt) or :attr:`Ctx.B` (body space).
"""

from __future__ import annotations

import math
import random

import numpy as np

from train.data.anime.geom import apply
from train.data.anime.scene import Scene
from train.data.anime.spec import AnimeSpec, Pose

__all__ = ["Ctx", "HeadMap", "BodyMap"]


class HeadMap:
    """Head space -> canvas: a yaw warp (features move with the turn), then the head's affine map."""

    def __init__(self, m: np.ndarray, turn: float):
        self.m = m
        self.turn = turn

    def __call__(self, pts) -> np.ndarray:
        p = np.asarray(pts, float)
        if self.turn:
            x, y = p[:, 0], p[:, 1]
            z = 40.0 * np.sqrt(np.clip(1.0 - (x / 50.0) ** 2 - ((y + 8.0) / 68.0) ** 2, 0.0, 1.0))
            far = np.clip(x * math.copysign(1.0, self.turn) / 46.0, 0.0, 1.0)
            p = np.stack([x + math.sin(self.turn) * z * (1.0 - 0.85 * far * far), y], axis=1)
        return apply(self.m, p)


class BodyMap:
    """Body space -> canvas: an affine map."""

    def __init__(self, m: np.ndarray):
        self.m = m

    def __call__(self, pts) -> np.ndarray:
        return apply(self.m, pts)


class Ctx:
    """What every part function needs: the identity (``spec``, its ``P`` part colours), the ``pose``,
    the ``sc`` scene, the maps ``H`` (head) and ``B`` (body), the body measures, and the random
    streams of the identity's geometry (the same in every pose)."""

    def __init__(self, spec: AnimeSpec, pose: Pose, scene: Scene, body: BodyMap, head: HeadMap, g: random.Random):
        self.spec, self.pose, self.sc, self.B, self.H = spec, pose, scene, body, head
        self.P = spec.parts
        self.s = pose.scale
        self.lw = scene.lw
        self.girl = spec.look == "girl"
        self.fw = spec.face_width
        self.hr = 50.0 * spec.hair_volume  # hair radius around the skull centre
        self.hcy = -20.0
        self.sw = spec.shoulder
        self.ww = 0.62 * spec.shoulder + (4 if not self.girl else 0)  # waist half width
        self.hw = 0.95 * spec.shoulder if self.girl else 0.8 * spec.shoulder  # hip half width
        # per-identity random numbers drawn once, in a fixed order, so variants agree
        self.hair_rng = random.Random(g.random())
        self.body_rng = random.Random(g.random())
        self.bangs: tuple | None = None  # the bangs' edge (hair.bang_edge), set when the head is drawn
        self.brows: list[tuple] = []  # the brows to draw over the fringe (face.eyes)
        self.bangs_over_eyes = 0.0  # head units lock tips may hang below v1's limit (over the eyes: v2)

    def feat(self, w: float, lo: float) -> float:
        """Width of a facial-feature line: ``w`` head units at this scale, at least ``lo`` canvas units."""
        return max(lo, w * self.s)

"""Draw an anime character as three SVGs of the same geometry: colour fills, ink, part labels.

:class:`Scene` collects drawing operations in painter's order:

* ``fill``: a part's base shape (its role and colour),
* ``shade``: cel-shadow / highlight shapes clipped to a part (colour only; the label is the part's),
* ``patch``: a tone shape that lies inside a part by construction (colour only, no clip needed),
* ``ink``: a black stroke polygon (tapered ribbon), drawn over the fills before it.

:func:`svgs` writes the three renders: the colour fills (no ink), the ink
"twin" (fills white, ink black: later fills hide earlier ink) and the label
map (each fill in the grey level of its role index, anti-aliasing off). The
colour picture is the fills multiplied by the twin, so the sketch is exactly
the colour picture's ink.
"""

from __future__ import annotations

import math
import random

import numpy as np

from colorizer.roles import ROLE_INDEX
from train.data.anime.geom import (
    Pen, apply, clip_rect, ellipse, outline_widths, quad, cubic, ribbon, rotate, scale, svg_d, taper, translate, UNITS,
)
from train.data.anime.spec import AnimeSpec, PartColors, Pose

__all__ = ["Scene", "draw_character", "svgs"]

CANVAS = 256.0


class Scene:
    """Painter's-order list of fills, clipped shades, tone patches and ink polygons (canvas units)."""

    def __init__(self, spec: AnimeSpec, lw: float, rng: random.Random):
        self.spec = spec
        self.lw = lw  # outline width in canvas units
        self.rng = rng
        self.ops: list[tuple] = []

    @staticmethod
    def _visible(pts: np.ndarray, margin: float = 4.0) -> bool:
        if len(pts) < 3:
            return False
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        return not (hi[0] < -margin or hi[1] < -margin or lo[0] > CANVAS + margin or lo[1] > CANVAS + margin)

    def fill(self, pts: np.ndarray, pc: PartColors, color: str | None = None, outline: float | None = None,
             wobble: float = 0.25) -> np.ndarray:
        """Fill ``pts`` (canvas) as part ``pc``; ``outline`` = ink width around it (None: no outline)."""
        if self._visible(pts):
            # an outlined fill's edge lies under ink: no anti-aliasing needed (and it matches the labels)
            self.ops.append(("fill", pts, ROLE_INDEX[pc.role], color or pc.base, bool(outline)))
            if outline:
                self.outline(pts, outline, wobble)
        return pts

    def outline(self, pts: np.ndarray, w: float, wobble: float = 0.25) -> None:
        self.ink(ribbon(pts, outline_widths(pts, w, self.rng, wobble), closed=True))

    def shade(self, clip: np.ndarray, shapes: list[tuple[np.ndarray, str]]) -> None:
        if not self._visible(clip):
            return
        lo = np.maximum(clip.min(axis=0) - 1.0, -2.0)
        hi = np.minimum(clip.max(axis=0) + 1.0, CANVAS + 2.0)
        cut = [(clip_rect(p, lo[0], lo[1], hi[0], hi[1]), c) for p, c in shapes]  # small clip layers
        cut = [(p, c) for p, c in cut if len(p) >= 3]
        if cut:
            self.ops.append(("shade", clip, cut))

    def patch(self, pts: np.ndarray, color: str) -> None:
        if self._visible(pts):
            self.ops.append(("patch", pts, color))

    def ink(self, poly: np.ndarray) -> None:
        if self._visible(poly, 2.0):
            self.ops.append(("ink", poly))

    def stroke(self, pts: np.ndarray, widths, closed: bool = False) -> None:
        """Ink along canvas points ``pts`` with per-point widths."""
        self.ink(ribbon(pts, widths, closed=closed))

    def line(self, pts: np.ndarray, w: float, start: float = 0.3, end: float = 0.3, lo: float = 0.0) -> None:
        """Tapered brush stroke of peak width ``w`` along ``pts``."""
        if len(pts) >= 2:
            self.stroke(pts, taper(len(pts), w, start, end, lo))


def svgs(scene: Scene, background: str) -> tuple[str, str, str]:
    """``(colour, ink twin, labels)`` SVG documents of the scene."""
    size = int(CANVAS * UNITS)
    head = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" height="{size}"'
    bg_rect = f'<rect width="{size}" height="{size}" fill="{{}}"/>'
    col = [head + ">", bg_rect.format(background)]
    ink = [head + ">", bg_rect.format("#fff")]
    lab = [head + ' shape-rendering="crispEdges">', bg_rect.format(f"rgb({ROLE_INDEX['background']},0,0)")]
    nclip = 0
    for op in scene.ops:
        kind = op[0]
        if kind == "fill":
            d = svg_d(op[1])
            crisp = ' shape-rendering="crispEdges"' if op[4] else ""
            col.append(f'<path d="{d}" fill="{op[3]}"{crisp}/>')
            ink.append(f'<path d="{d}" fill="#fff" shape-rendering="crispEdges"/>')
            lab.append(f'<path d="{d}" fill="rgb({op[2]},0,0)"/>')
        elif kind == "shade":
            nclip += 1
            col.append(f'<clipPath id="c{nclip}"><path d="{svg_d(op[1])}"/></clipPath><g clip-path="url(#c{nclip})">')
            col.extend(f'<path d="{svg_d(p)}" fill="{c}"/>' for p, c in op[2])
            col.append("</g>")
        elif kind == "patch":
            col.append(f'<path d="{svg_d(op[1])}" fill="{op[2]}"/>')
        elif kind == "ink":
            ink.append(f'<path d="{svg_d(op[1])}"/>')
    return "".join(col) + "</svg>", "".join(ink) + "</svg>", "".join(lab) + "</svg>"


# ============================================================================= helpers

def _tube(centre: np.ndarray, widths, cap_start: bool = True, cap_end: bool = True, n_cap: int = 7) -> np.ndarray:
    """Closed outline of a limb along ``centre`` with round caps."""
    c = np.asarray(centre, float)
    w = np.broadcast_to(np.asarray(widths, float), (len(c),))
    t = np.empty_like(c)
    t[1:-1] = c[2:] - c[:-2]
    t[0] = c[1] - c[0]
    t[-1] = c[-1] - c[-2]
    t /= np.maximum(np.hypot(t[:, 0], t[:, 1]), 1e-9)[:, None]
    n = np.stack([-t[:, 1], t[:, 0]], axis=1)
    left = c + n * (w[:, None] / 2)
    right = c - n * (w[:, None] / 2)
    chunks = [left]
    if cap_end:
        phi = np.linspace(0, math.pi, n_cap)[1:-1, None]
        r = w[-1] / 2
        chunks.append(c[-1] + r * (np.cos(phi) * n[-1] + np.sin(phi) * t[-1]))
    chunks.append(right[::-1])
    if cap_start:
        phi = np.linspace(0, math.pi, n_cap)[1:-1, None]
        r = w[0] / 2
        chunks.append(c[0] + r * (-np.cos(phi) * n[0] - np.sin(phi) * t[0]))
    return np.concatenate(chunks, axis=0)


def _lock(root_l, root_r, tip, bend: float = 0.0, n: int = 8) -> np.ndarray:
    """Pointed hair lock from two root points to a tip (root_l -> tip -> root_r), edges bowed by ``bend``."""
    root_l, root_r, tip = (np.asarray(p, float) for p in (root_l, root_r, tip))
    mid_l = (root_l + tip) / 2 + np.array([bend, 0.0]) + (root_l - root_r) * 0.12
    mid_r = (root_r + tip) / 2 + np.array([bend, 0.0]) + (root_r - root_l) * 0.12
    a = quad(root_l, mid_l, tip, n)
    b = quad(tip, mid_r, root_r, n)[1:]
    return np.concatenate([a, b], axis=0)


class _Warp:
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


class _Affine:
    def __init__(self, m: np.ndarray):
        self.m = m

    def __call__(self, pts) -> np.ndarray:
        return apply(self.m, pts)


# ============================================================================= character

def draw_character(spec: AnimeSpec, pose: Pose) -> Scene:
    """Lay out the whole character as a :class:`Scene`."""
    s = pose.scale
    lw = float(np.clip(1.55 * math.sqrt(s), 0.9, 2.0))
    scene = Scene(spec, lw, random.Random(f"anime-ink-{spec.seed}-{pose.framing}-{pose.expression}"))
    g = random.Random(spec.shape_seed)  # identity geometry (same locks in every variant)
    frame = translate(pose.cx, pose.eye_y) @ scale(s)
    body = _Affine(frame)
    head = _Warp(frame @ translate(0.0, 7.0) @ rotate(pose.tilt, 0.0, 48.0), pose.turn)  # +7: a shorter neck
    ctx = _Ctx(spec, pose, scene, body, head, g)
    ctx.draw()
    return scene


class _Ctx:
    def __init__(self, spec: AnimeSpec, pose: Pose, scene: Scene, body, head, g: random.Random):
        self.spec, self.pose, self.sc, self.B, self.H, self.g = spec, pose, scene, body, head, g
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

    # ------------------------------------------------------------------ order
    def draw(self) -> None:
        arms = self._arm_layout()
        if self.spec.cape:
            self.cape()
        self.back_hair()
        self.tails_behind()
        for side, a in arms.items():
            if a["behind"]:
                self.arm(side, a)
        self.legs()
        self.neck()
        self.clothes()
        for side, a in arms.items():
            if not a["behind"] and not a["over_face"]:
                self.arm(side, a)
        self.head()
        for side, a in arms.items():
            if a["over_face"]:
                self.arm(side, a)

    # ------------------------------------------------------------------ ink widths
    def feat(self, w: float, lo: float) -> float:
        """Width of a facial-feature line: ``w`` head units at this scale, at least ``lo`` canvas units."""
        return max(lo, w * self.s)

    # ================================================================== hair behind
    def back_hair(self) -> None:
        sp, P, H, r = self.spec, self.P, self.H, random.Random(self.hair_rng.random())
        if sp.back == "none":
            return
        hr, hcy = self.hr + 2, self.hcy
        L = sp.back_len
        flare = {"short": 0.0, "bob": 6.0, "medium": 14.0, "long": 22.0}[sp.back]
        top = np.array([(hr * math.cos(t), hcy + hr * 1.04 * math.sin(t)) for t in np.linspace(math.pi - 0.1, 2 * math.pi + 0.1, 17)])
        x_end = hr + flare
        right = cubic((top[-1][0], top[-1][1]), (hr + flare * 0.4, hcy + 40), (x_end + 2, L * 0.6), (x_end - 4, L), 10 if not sp.wavy else 28)
        if sp.wavy:  # waves below the ears, growing towards the ends
            y = right[:, 1]
            right = right + np.stack([5.0 * np.clip((y - 10) / 60, 0, 1) * np.sin((y - 10) / 17.0 * math.pi), 0 * y], 1)
        n_tips = {"short": 5, "bob": 6, "medium": 6, "long": 7}[sp.back] + r.randint(0, 2)
        xs = np.linspace(x_end - 4, -(x_end - 4), n_tips * 2 + 1)
        bottom = []
        for i, x in enumerate(xs[1:-1], start=1):
            if i % 2 == 1:  # tip
                bottom.append((x + r.uniform(-3, 3), L + r.uniform(-4, 8) - (0 if sp.back != "bob" else 10 * (abs(x) < 30))))
            else:
                bottom.append((x, L - r.uniform(10, 24) * (1.0 if sp.back != "short" else 0.6)))
        left = right[::-1] * np.array([-1.0, 1.0])
        pts = np.concatenate([top, right[1:], np.array(bottom), left], axis=0)
        cp = H(pts)
        self.sc.fill(cp, P["hair"], outline=self.lw)
        # the inner back hair (seen between the side curtains) is in shadow
        inner = np.array([(-self.fw * 0.95, -30), (self.fw * 0.95, -30), (self.fw * 1.1, L + 20), (-self.fw * 1.1, L + 20)])
        side_band = np.array([(-sp.light * (x_end + 10), hcy), (-sp.light * (x_end - 10), hcy + 20),
                              (-sp.light * (x_end - 12), L + 20), (-sp.light * (x_end + 20), L + 20)])
        self.sc.shade(cp, [(H(inner), P["hair"].shadow), (H(side_band), P["hair"].shadow)])
        for k in range(3 if sp.back != "short" else 1):
            x0 = r.choice([-1, 1]) * r.uniform(self.fw + 2, x_end - 2)
            line = quad((x0 * 0.95, 10 + r.uniform(0, 20)), (x0 * 1.04, L * 0.5), (x0 * 0.98, L - r.uniform(12, 26)), 8)
            self.sc.line(H(line), self.lw * 0.55)

    def _tail_shape(self, root, c1, c2, end, w0, wmax, n=18):
        centre = cubic(root, c1, c2, end, n)
        t = np.linspace(0, 1, n)
        widths = w0 + (wmax - w0) * np.sin(np.clip(t / 0.35, 0, 1) * math.pi / 2)
        widths = widths * np.clip((1 - t) / 0.55, 0, 1) ** 0.8 + 0.01
        return centre, widths

    def _draw_tail(self, centre, widths, tie: bool = True):
        P, H = self.P, self.H
        poly = np.concatenate([ribbon(centre, widths)], axis=0)
        cp = H(poly)
        self.sc.fill(cp, P["hair"], outline=self.lw)
        # a shadow along the side away from the light, and strand lines
        off = (widths * 0.28)[:, None]
        nrm = _unit_normals(centre)
        shadow_side = -self.spec.light * np.sign(nrm[:, 0:1] + 1e-6)
        band = np.concatenate([centre + nrm * off * shadow_side, (centre + nrm * (widths[:, None] / 2 + 2) * shadow_side)[::-1]])
        self.sc.shade(cp, [(H(band), P["hair"].shadow)])
        for f in (-0.22, 0.18):
            line = centre[2:-3] + nrm[2:-3] * (widths[2:-3, None] * f)
            self.sc.line(H(line), self.lw * 0.5, 0.3, 0.5)
        if tie and "hair_acc" in P:
            c0 = centre[1]
            e = ellipse(c0[0], c0[1], widths[1] * 0.45, widths[1] * 0.3, 14)
            self.sc.fill(H(e), P["hair_acc"], outline=self.lw * 0.8)

    def tails_behind(self) -> None:
        sp = self.spec
        L = sp.tail_len
        if sp.tail == "ponytail":
            side = 1 if (sp.shape_seed % 2) else -1
            centre, widths = self._tail_shape((side * 22, -66), (side * 70, -84), (side * 88, 10), (side * 64, -60 + L), 12, 30)
            self._draw_tail(centre, widths)
        elif sp.tail == "twin_tails":
            for side in (-1, 1):
                centre, widths = self._tail_shape((side * 40, -54), (side * 86, -62), (side * 96, 50), (side * 74, -40 + L), 14, 34)
                self._draw_tail(centre, widths, tie=False)

    # ================================================================== head
    def head(self) -> None:
        sp = self.spec
        if sp.tail == "braids":
            self.braids()
        if sp.tail == "side_tail":
            side = -1 if (sp.shape_seed % 2) else 1
            centre, widths = self._tail_shape((side * 40, -8), (side * 60, 10), (side * 58, 70), (side * 46, 20 + sp.tail_len * 0.8), 14, 26)
            self._draw_tail(centre, widths)
        self.ears()
        self._bangs = self._bang_edge()
        face = self.face()
        # the bangs' shadow on the forehead follows the lock tips (before the eyes: it never covers them)
        edge = self._bangs[0]
        fshadow = np.concatenate([edge + np.array([-sp.light * 1.5, 5.0]), [(-self.fw - 20, -80), (self.fw + 20, -80)]])
        self.sc.shade(face, [(self.H(fshadow), self.P["skin"].shadow)])
        self.eyes()
        self.nose_mouth()
        if "glasses" in sp.accessories:
            self.glasses()
        if sp.tail == "buns" and sp.headwear == "none":
            self.buns()
        self.side_locks()
        self.front_hair(face)
        for args in self._brows:  # anime convention: the brows show over the fringe
            self._brow(*args)
        if sp.ahoge and sp.headwear == "none":
            self.ahoge()
        if sp.headwear == "none":
            self.hair_accessories()
        elif sp.headwear == "helmet":
            self.helmet()
        else:
            self.hood_up(mask=sp.headwear == "hood_mask")

    def ears(self) -> None:
        fw, H, P = self.fw, self.H, self.P
        for side in (-1, 1):
            e = Pen(side * (fw - 3), -4).c(side * (fw + 7), -10, side * (fw + 9), 14, side * (fw - 1), 19).pts()
            e = np.concatenate([e, [(side * (fw - 5), 8)]])
            self.sc.fill(H(e), P["skin"], outline=self.lw * 0.9)
            self.sc.line(H(quad((side * (fw + 1), -1), (side * (fw + 5), 6), (side * (fw + 1), 13), 6)), self.lw * 0.5)

    def _face_pts(self) -> np.ndarray:
        fw, k = self.fw, self.spec.chin
        cy = 50.0 + 3 * k
        jy, jx = 34.0, fw * 0.62
        p = (Pen(-fw, -45).to(-fw, -2)
             .c(-fw, 14, -fw * 0.96, 22, -jx * 1.06, jy, 8)
             .c(-jx * 0.62, jy + (cy - jy) * 0.55, -2 - 6 * (1 - k), cy - 0.5, 0, cy, 8)
             .c(2 + 6 * (1 - k), cy - 0.5, jx * 0.62, jy + (cy - jy) * 0.55, jx * 1.06, jy, 8)
             .c(fw * 0.96, 22, fw, 14, fw, -2, 8)
             .to(fw, -45)
             .c(fw, -78, -fw, -78, -fw, -45, 8))
        return p.pts()[:-1]

    def face(self) -> np.ndarray:
        P, H = self.P, self.H
        pts = self._face_pts()
        cp = H(pts)
        self.sc.fill(cp, P["skin"], outline=self.lw)
        self._face_pts_local = pts
        return cp

    # ------------------------------------------------------------------ eyes
    def _eye_geom(self, side: int):
        sp = self.spec
        ew = 24.0 * sp.eye_size
        eh = 22.0 * sp.eye_size * sp.eye_height
        ex = side * (self.fw * 0.47 + 0.5)
        tilt = sp.eye_tilt * eh
        return ew, eh, ex, tilt

    def eyes(self) -> None:
        sp, pose = self.spec, self.pose
        expr = pose.expression
        self._brows = []
        for side in (-1, 1):
            ew, eh, ex, tilt = self._eye_geom(side)

            def E(p, side=side, ex=ex):  # eye-local (x towards the outer corner) -> head space
                p = np.asarray(p, float)
                return self.H(np.stack([ex + side * p[:, 0], p[:, 1]], axis=1))

            closed = (expr in ("laugh", "content")) or (expr == "wink" and side == sp.light)
            lash = self.feat(0.15 * ew * (1.0 if self.girl else 0.72), 1.4 if self.girl else 1.1)
            if closed:
                self._closed_eye(E, ew, eh, tilt, lash, happy=(expr != "content"))
            else:
                self._open_eye(E, side, ew, eh, tilt, lash)
            self._brows.append((E, ew, eh, tilt, lash))

    def _closed_eye(self, E, ew, eh, tilt, lash, happy: bool) -> None:
        if happy:
            arc = quad((-0.45 * ew, 0.12 * eh), (0.0, -0.55 * eh), (0.48 * ew, 0.06 * eh - tilt), 12)
        else:
            arc = quad((-0.45 * ew, -0.05 * eh), (0.0, 0.32 * eh), (0.5 * ew, -0.12 * eh - tilt), 12)
        self.sc.line(E(arc), lash * 0.85, 0.25, 0.25, 0.15)
        if self.girl and not happy:
            for k in range(self.spec.lashes):
                a = arc[-1 - 2 * k]
                self.sc.line(E(np.array([a, a + (0.1 * ew, 0.12 * eh + 0.06 * k * eh)])), lash * 0.45, 0.0, 1.0)

    def _open_eye(self, E, side, ew, eh, tilt, lash) -> None:
        sp, pose, P, sc = self.spec, self.pose, self.P, self.sc
        expr = pose.expression
        I = np.array([-0.48 * ew, 0.14 * eh])
        O = np.array([0.5 * ew, -0.04 * eh - tilt])
        lid = 0.24 * eh if expr == "sleepy" else 0.0
        up = cubic(I, (-0.36 * ew, -0.56 * eh + lid), (0.24 * ew, -0.66 * eh + lid), O, 24)
        lo = cubic(I, (-0.24 * ew, 0.56 * eh), (0.3 * ew, 0.56 * eh), O + (0, 0.03 * eh), 24)
        xs = np.linspace(I[0], O[0], 25)
        yu = np.interp(xs, up[:, 0], up[:, 1])
        yl = np.interp(xs, lo[:, 0], lo[:, 1])
        yl = np.maximum(yl, yu)

        def region(top, bot, x=xs):
            ok = bot - top > 1e-3
            if ok.sum() < 2:
                return None
            idx = np.flatnonzero(ok)
            x, top, bot = x[idx[0]: idx[-1] + 1], top[idx[0]: idx[-1] + 1], bot[idx[0]: idx[-1] + 1]
            bot = np.maximum(bot, top)
            return np.concatenate([np.stack([x, top], 1), np.stack([x, bot], 1)[::-1]])

        sclera = region(yu, yl)
        sc.fill(E(sclera), P["eye_white"])
        wshadow = region(yu, np.minimum(yu + 0.2 * eh, yl))
        if wshadow is not None:
            sc.patch(E(wshadow), P["eye_white"].shadow)

        # iris: a tall ellipse cut by the lids
        small = expr == "surprised"
        rx = 0.5 * ew * sp.iris_size * (0.78 if small else 1.0)
        ry = rx * 1.22
        gx = side * pose.gaze * 0.1 * ew
        gy = 0.06 * eh
        xi = np.linspace(max(I[0], gx - rx), min(O[0], gx + rx), 21)
        yu_i = np.interp(xi, xs, yu)
        yl_i = np.interp(xi, xs, yl)

        def ell(cx, cy, ax, ay, x):
            h = ay * np.sqrt(np.clip(1 - ((x - cx) / ax) ** 2, 0, 1))
            return cy - h, cy + h

        et, eb = ell(gx, gy, rx, ry, xi)
        top, bot = np.maximum(yu_i, et), np.minimum(yl_i, eb)
        iris = region(top, bot, xi)
        if iris is None:
            return
        ec = P["eye"]
        sc.fill(E(iris), ec)
        band_bot = np.minimum(bot, gy - 0.12 * ry + 0.35 * ry * (1 - ((xi - gx) / rx) ** 2))
        band = region(top, band_bot, xi)
        if band is not None:
            sc.patch(E(band), ec.shadow)
        low = region(np.maximum(top, gy + 0.3 * ry + 0.28 * ry * ((xi - gx) / rx) ** 2), bot, xi)
        if low is not None:
            sc.patch(E(low), ec.highlight)
        # pupil
        prx, pry = rx * (0.42 if not small else 0.3), ry * (0.5 if not small else 0.36)
        xp = np.linspace(gx - prx, gx + prx, 13)
        pt, pb = ell(gx, gy - 0.05 * ry, prx, pry, xp)
        pupil = region(np.maximum(pt, np.interp(xp, xi, top)), np.minimum(pb, np.interp(xp, xi, bot)), xp)
        if pupil is not None:
            sc.patch(E(pupil), ec.extra[0])
        # sparkles: inside the iris and the lids
        hl = self.spec.light * side  # eye-local x sign of the lit side
        for (ox, oy, rr) in ((hl * 0.38 * rx, -0.38 * ry, 0.3 * rx), (-hl * 0.32 * rx, 0.38 * ry, 0.14 * rx)):
            cx, cy = gx + ox, gy + oy
            xh = np.linspace(cx - rr, cx + rr, 11)
            ht, hb = ell(cx, cy, rr, rr, xh)
            t_ = np.maximum(ht, np.interp(xh, xi, top, left=np.inf, right=np.inf))
            b_ = np.minimum(hb, np.interp(xh, xi, bot, left=-np.inf, right=-np.inf))
            spark = region(t_, b_, xh)
            if spark is not None:
                sc.patch(E(spark), ec.extra[1])
        sc.stroke(E(iris), np.full(len(iris), self.feat(0.018 * ew, 0.45)), closed=True)

        # lash line: thick upper lid with a wing at the outer corner and a hook at the inner one,
        # the lower lid thin (thicker towards the outer corner)
        wing = quad(O, O + (0.13 * ew, -0.02 * eh), O + (0.2 * ew, 0.1 * eh), 5)[1:]
        hook = np.array([I + (0.02 * ew, 0.1 * eh), I + (0.0, 0.03 * eh)])
        upper = np.concatenate([hook, np.stack([xs, yu], 1)[1:], wing])
        n = len(upper)
        t = np.linspace(0, 1, n)
        wu = lash * (0.22 + 0.78 * np.clip((t - 0.05) / 0.5, 0, 1) ** 0.7)
        wu[-5:] *= np.array([1.0, 0.85, 0.65, 0.4, 0.1])
        wu[:2] = lash * np.array([0.08, 0.18])
        sc.stroke(E(upper), wu)
        lower = np.stack([xs, yl], 1)
        tl = np.linspace(0, 1, len(lower))
        wl = lash * (0.12 + 0.22 * np.clip((tl - 0.35) / 0.4, 0, 1)) * np.clip((1 - tl) / 0.06 + 0.3, 0, 1)
        sc.stroke(E(lower), wl)
        if self.girl:
            for k in range(sp.lashes):
                a = O - np.array([0.05 * ew * k, -0.02 * eh * k])
                tip = a + np.array([0.14 * ew, -(0.1 + 0.07 * k) * eh])
                sc.line(E(quad(a, a + (0.1 * ew, -0.02 * eh), tip, 5)), lash * 0.5, 0.0, 1.0)
            if (sp.shape_seed >> 3) % 2:
                crease = quad((0.0, -0.74 * eh + lid), (0.32 * ew, -0.8 * eh + lid), (0.52 * ew, -0.42 * eh - tilt), 8)
                sc.line(E(crease), lash * 0.22, 0.5, 0.3)

    def _brow(self, E, ew, eh, tilt, lash) -> None:
        expr = self.pose.expression
        inner_dy = {"angry": 0.34, "sad": -0.26, "surprised": -0.22, "shy": -0.15}.get(expr, 0.0) * eh
        outer_dy = {"sad": 0.12, "surprised": -0.2, "angry": -0.05}.get(expr, 0.0) * eh
        b = quad((-0.42 * ew, -0.98 * eh + inner_dy), (0.08 * ew, -1.2 * eh + (inner_dy + outer_dy) / 2),
                 (0.55 * ew, -0.94 * eh - tilt * 0.5 + outer_dy), 10)
        self.sc.line(E(b), lash * 0.42, 0.1, 0.55, 0.1)

    # ------------------------------------------------------------------ nose, mouth, blush
    def nose_mouth(self) -> None:
        sp, pose, P, H, sc = self.spec, self.pose, self.P, self.H, self.sc
        L = sp.light
        nose = quad((L * 0.5, 14.5), (L * 1.8, 18), (-L * 1.2, 20.5), 5)
        sc.line(H(nose), self.feat(1.0, 0.7), 0.2, 0.6)
        if pose.blush:
            for side in (-1, 1):
                e = ellipse(side * 23, 19, 8, 3.6, 16)
                sc.shade(self._face_canvas(), [(H(e), P["skin"].extra[0])])
                for k in range(3):
                    x = side * 23 + (k - 1) * 3.6
                    sc.line(H(np.array([(x + 1.4, 17.2), (x - 1.0, 20.8)])), self.feat(0.55, 0.4), 0.2, 0.6)
        expr = pose.expression
        my = 33.0 + 2 * sp.chin
        mw = 10.0 if self.girl else 11.0
        lw = self.feat(1.0, 0.8)
        if expr in ("happy", "laugh", "surprised") or (expr == "angry" and pose.mouth_open > 0.8) or (
                expr == "wink" and pose.mouth_open > 0.75):
            self._open_mouth(my, mw, expr)
        elif expr in ("smile", "content", "wink", "shy"):
            w = mw * (0.75 if expr == "shy" else 1.0)
            sc.line(H(quad((-w / 2, my - 1.2), (0, my + 3.2), (w / 2, my - 1.2), 9)), lw, 0.3, 0.3)
        elif expr in ("sad", "angry"):
            w = mw * 0.7
            sc.line(H(quad((-w / 2, my + 1.2), (0, my - 1.8), (w / 2, my + 1.2), 8)), lw, 0.3, 0.3)
        elif expr == "sleepy":
            sc.line(H(quad((-mw * 0.3, my), (0, my + 0.8), (mw * 0.3, my - 0.3), 6)), lw * 0.9, 0.3, 0.3)
        else:
            sc.line(H(quad((-mw * 0.35, my), (0, my + 1.0), (mw * 0.35, my), 7)), lw, 0.3, 0.3)

    def _face_canvas(self) -> np.ndarray:
        return self.H(self._face_pts())

    def _open_mouth(self, my, mw, expr) -> None:
        P, H, sc = self.P, self.H, self.sc
        o = self.pose.mouth_open
        if expr == "surprised":
            pts = ellipse(0, my + 1.5, mw * 0.22, mw * 0.3 * (0.7 + 0.5 * o), 14)
            sc.fill(H(pts), P["mouth"], outline=self.feat(0.8, 0.7), wobble=0.1)
            return
        w = mw * (0.62 if expr != "laugh" else 0.75)
        h = mw * (0.42 + 0.3 * o) * (1.15 if expr == "laugh" else 1.0)
        if expr == "angry":
            top = quad((-w / 2, my + 0.5), (0, my - 1.5), (w / 2, my + 0.5), 9)
        else:
            top = quad((-w / 2, my - 1.2), (0, my + 0.8), (w / 2, my - 1.2), 9)
        bot = cubic((w / 2, my - 1.2), (w * 0.4, my + h), (-w * 0.4, my + h), (-w / 2, my - 1.2), 11)[1:-1]
        pts = np.concatenate([top, bot])
        cp = H(pts)
        sc.fill(cp, P["mouth"])
        tongue = ellipse(0, my + h * 0.78, w * 0.32, h * 0.32, 14)
        sc.shade(cp, [(H(tongue), P["mouth"].highlight)])
        ww = np.concatenate([taper(len(top), self.feat(1.1, 0.8), 0.15, 0.15, 0.4), np.full(len(bot), self.feat(0.7, 0.6))])
        sc.stroke(cp, ww, closed=True)

    # ------------------------------------------------------------------ glasses
    def glasses(self) -> None:
        P, H, sc = self.P, self.H, self.sc
        for side in (-1, 1):
            ew, eh, ex, tilt = self._eye_geom(side)
            rim = ellipse(ex, -0.05 * eh, 0.72 * ew, 0.55 * eh, 26)
            cr = H(rim)
            ring = ribbon(cr, self.feat(1.6, 1.0), closed=True)
            sc.fill(ring, P["glasses"])
            inner = ribbon(H(ellipse(ex, -0.05 * eh, 0.72 * ew - 0.8, 0.55 * eh - 0.8, 26)), self.feat(0.5, 0.45), closed=True)
            outer = ribbon(H(ellipse(ex, -0.05 * eh, 0.72 * ew + 0.8, 0.55 * eh + 0.8, 26)), self.feat(0.5, 0.45), closed=True)
            sc.ink(inner)
            sc.ink(outer)
        ew, eh, ex, _ = self._eye_geom(1)
        bridge = quad((-ex + 0.72 * ew, -0.1 * eh), (0, -0.3 * eh), (ex - 0.72 * ew, -0.1 * eh), 6)
        sc.line(H(bridge), self.feat(1.4, 0.9), 0.0, 0.0, 1.0)

    # ================================================================== front hair
    def _bang_edge(self):
        """The bangs' lower edge from the right temple to the left one: ``(points, tips, notches, sweep)``.

        The forehead span is cut into locks of uneven width; each lock hangs from
        two notches to a pointed tip, its sides bowed out and leaning with the sweep.
        """
        sp, fw = self.spec, self.fw
        r = random.Random(self.hair_rng.random())
        style = sp.bangs
        nb = {"swept": 5, "even": 6, "parted": 6, "side": 5, "hime": 11, "spiky": 6}[style] + r.randint(0, 2)
        sweep = {"swept": r.choice([-1, 1]) * r.uniform(0.6, 1.0), "side": r.choice([-1, 1]) * 1.0,
                 "spiky": r.uniform(-0.5, 0.5)}.get(style, r.uniform(-0.3, 0.3))
        span = fw * 0.95
        w = np.array([r.uniform(0.7, 1.35) if style != "hime" else r.uniform(0.6, 1.4) for _ in range(nb)])
        if style == "parted":
            w[nb // 2 - 1: nb // 2 + 1] *= 0.8
        cuts = span - 2 * span * np.concatenate([[0.0], np.cumsum(w) / w.sum()])  # nb+1 boundaries, right -> left
        base = sp.bang_len
        tips, notches = [], []
        for i in range(nb):
            xa, xb = cuts[i], cuts[i + 1]
            cx = (xa + xb) / 2
            y = base + r.uniform(-3.5, 3.5) + 4.0 * (w[i] - 1.0)  # wide locks hang lower
            if style == "hime":
                y = base + r.uniform(-0.6, 0.6)
            elif style == "parted":
                y = base - 8 + abs(cx) * 0.32 + r.uniform(-2, 2)
            elif style == "side":
                y = base - 7 + 14 * ((cx * sweep / span + 1) / 2) + r.uniform(-2, 2)
            elif style == "spiky":
                y = base + r.uniform(-7, 5)
            y = min(y, 7.0 if style == "side" else -5.0)  # the eyes stay visible
            tips.append(np.array([cx + sweep * 7.0 * (1 + 0.2 * w[i]), y]))
        for i in range(1, nb):
            depth = {"hime": r.uniform(1.5, 5), "spiky": r.uniform(18, 28), "even": r.uniform(11, 18)}.get(
                style, r.uniform(12, 22))
            if style == "parted" and i == nb // 2:
                depth = 34
            y = min(tips[i - 1][1], tips[i][1]) - depth
            notches.append(np.array([cuts[i] + sweep * 3.0, y]))
        temple_y = 14 + r.uniform(0, 10)
        seq = [np.array([fw - 3.0, -17.0])]
        for i in range(nb):
            seq.append(tips[i])
            if i < nb - 1:
                seq.append(notches[i])
        seq.append(np.array([-fw + 3.0, -17.0]))
        seq.append(np.array([-fw - 4.5, temple_y + r.uniform(-3, 3)]))
        out = [np.array([fw + 4.5, temple_y])]
        for q in seq:
            p = out[-1]
            going_down = q[1] > p[1]
            tip, root = (q, p) if going_down else (p, q)
            outward = math.copysign(1.0, root[0] - tip[0]) if abs(root[0] - tip[0]) > 1e-6 else 0.0
            bulge = 1.0 if style == "hime" else r.uniform(2.0, 3.8)
            # bow outwards near the root, straighten into the point: a cubic with both handles on the root side
            c1 = root + (tip - root) * 0.35 + np.array([outward * bulge + sweep * 1.5, 0.0])
            c2 = root + (tip - root) * 0.72 + np.array([outward * bulge * 0.6 + sweep * 2.5, 0.0])
            seg = cubic(p, c1 if going_down else c2, c2 if going_down else c1, q, 7)[1:]
            out.extend(seg)
        return np.array(out), tips, notches, sweep

    def front_hair(self, face_canvas: np.ndarray) -> None:
        sp, P, H, sc = self.spec, self.P, self.H, self.sc
        r = random.Random(self.hair_rng.random())
        hr, hcy, fw = self.hr, self.hcy, self.fw
        edge, tips, notches, sweep = self._bangs
        theta = np.linspace(math.pi - 0.3, 2 * math.pi + 0.3, 29)
        ph = r.uniform(0, 6.28)
        rad = 1.0 + 0.018 * np.sin(7 * theta + ph)
        if sp.bangs == "spiky":
            rad = rad + 0.1 * np.abs(np.sin(5 * theta + ph)) ** 4 * (np.abs(np.cos(theta)) > 0.25)
        arc = np.stack([hr * rad * np.cos(theta), hcy + hr * 1.04 * rad * np.sin(theta)], axis=1)
        side_r = quad(arc[-1], (fw + 9, arc[-1][1] + 10), edge[0], 5)[1:-1]
        side_l = quad(edge[-1], (-fw - 9, arc[0][1] + 10), arc[0], 5)[1:-1]
        pts = np.concatenate([arc, side_r, edge, side_l])
        cp = H(pts)
        sc.fill(cp, P["hair"], outline=self.lw)
        pc = P["hair"]
        shapes = []
        # strand shadow: a sliver down the shaded side of every lock
        Ls = -sp.light
        locks = list(zip([np.array([fw - 3.0, -17.0])] + notches, tips, notches + [np.array([-fw + 3.0, -17.0])]))
        for right_root, tip, left_root in locks:
            root = right_root if Ls > 0 else left_root
            other = left_root if Ls > 0 else right_root
            mid = root + (tip - root) * 0.55 + (other - root) * 0.22
            shapes.append((H(np.array([root + (0, -14), root + (Ls * 2, -14), tip + (0, 0.5), mid])), pc.shadow))
        # shade under the crown on the side away from the light
        ys = np.linspace(-90, -10, 9)
        shapes.append((H(np.stack([Ls * (hr * 0.8 + 3 * np.sin(ys / 7 + ph)), ys], 1).tolist() + [(Ls * (hr + 20), -10), (Ls * (hr + 20), -90)]), pc.shadow))
        # sheen: a band over the crown, strands hanging from its lower edge
        a0, a1 = math.pi + 0.42, 2 * math.pi - 0.42
        ring_t = np.linspace(a0, a1, 14)
        r_out = hr * 0.84
        top_edge = [(r_out * (1 + 0.04 * (k % 2)) * math.cos(t), hcy + r_out * 1.04 * (1 + 0.04 * (k % 2)) * math.sin(t))
                    for k, t in enumerate(ring_t)]
        low = []
        n_teeth = r.randint(6, 9)
        gaps = np.array([r.uniform(0.6, 1.5) for _ in range(2 * n_teeth)])
        tt = a1 - (a1 - a0) * np.concatenate([[0.0], np.cumsum(gaps) / gaps.sum()])
        for k, t in enumerate(tt):
            rr = hr * (0.73 + r.uniform(-0.02, 0.02) if k % 2 == 0 else 0.72 - r.uniform(0.05, 0.19))
            low.append((rr * math.cos(t), hcy + rr * 1.04 * math.sin(t)))
        sheen = np.array(top_edge + low) + np.array([sp.light * 5.0, 2.0])
        shapes.append((H(sheen), pc.highlight))
        sc.shade(cp, shapes)
        # strand lines: from the notches between locks up towards the crown, and a few on the crown
        crown = np.array([-sweep * 8.0, hcy - hr * 0.6])
        for n in notches:
            if r.random() < 0.85:
                a = n + np.array([0.0, -1.0])
                b = a + (crown - a) * r.uniform(0.3, 0.55)
                sc.line(H(quad(a, (a + b) / 2 + (sweep * 3, 0), b, 7)), self.lw * 0.6, 0.15, 0.7)
        for tip in tips:
            if r.random() < 0.4:
                a = tip + np.array([0.0, -4.0])
                b = a + (crown - a) * 0.25
                sc.line(H(np.array([a, (a + b) / 2 + (sweep, 0), b])), self.lw * 0.45, 0.3, 0.7)
        for _ in range(r.randint(2, 4)):
            t = r.uniform(math.pi + 0.5, 2 * math.pi - 0.5)
            a = np.array([hr * 0.92 * math.cos(t), hcy + hr * 0.96 * math.sin(t)])
            b = a + (np.array([a[0] * 0.5, hcy - 5]) - a) * r.uniform(0.3, 0.5)
            sc.line(H(quad(a, (a + b) / 2 + (2, 0), b, 6)), self.lw * 0.5, 0.2, 0.7)

    def side_locks(self) -> None:
        sp, P, H, sc = self.spec, self.P, self.H, self.sc
        L = sp.side_locks
        if L <= 0:
            return
        r = random.Random(self.hair_rng.random())
        fw = self.fw
        pc = P["hair"]
        for side in (-1, 1):
            w = r.uniform(12, 16) * (1.15 if sp.bangs == "hime" else 1.0)
            long_ = L > 80
            tip = np.array([side * (fw + (7 if long_ else -3) + r.uniform(-2, 2)), L + r.uniform(-5, 5)])
            outer_top = np.array([side * (fw + 10), -24])
            inner_top = np.array([side * (fw + 6 - w), -24])
            if sp.bangs == "hime":  # blunt-cut sidelocks: gently bowed sides, a slanted cut with small notches
                o = cubic(outer_top, (side * (fw + 12), 10), (side * (fw + 10), L * 0.6), (side * (fw + 8), L), 10)
                cut = np.array([(side * (fw + 8 - w * t), L + 2.5 * t + (1.5 if k % 2 else 0.0))
                                for k, t in enumerate(np.linspace(0.0, 1.0, 5))])[1:]
                i = cubic(cut[-1], (side * (fw + 7 - w), L * 0.6), (side * (fw + 6 - w), 10), inner_top, 10)[1:]
                pts = np.concatenate([o, cut, i])
            else:
                # out from under the cap, bulging at the cheek, curving in to a point
                o = cubic(outer_top, (side * (fw + 17), 12), (side * (fw + 13 + 4 * long_), L * 0.62), tip, 12)
                i = cubic(tip, (side * (fw + 1 + 4 * long_ - w * 0.2), L * 0.66), (side * (fw - w + 3), 12), inner_top, 12)[1:]
                pts = np.concatenate([o, i])
            cp = H(pts)
            sc.fill(cp, pc, outline=self.lw)
            shift = np.array([side * w * (0.45 if side == -sp.light else 0.3), 0])
            inner_band = np.concatenate([i[:-1], (i[:-1] + shift)[::-1]])
            sc.shade(cp, [(H(inner_band), pc.shadow)])
            mid = cubic((side * (fw + 4), -6), (side * (fw + 9), 20), (side * (fw + 6 + 3 * long_), L * 0.6), tip + (0, -12), 8)
            sc.line(H(mid), self.lw * 0.55, 0.25, 0.5)

    def ahoge(self) -> None:
        P, H, sc = self.P, self.H, self.sc
        r = random.Random(self.hair_rng.random())
        side = r.choice([-1, 1])
        top_y = self.hcy - self.hr * 1.04
        x0 = r.uniform(-8, 8)
        centre = cubic((x0, top_y + 6), (x0 + side * 2, top_y - 14), (x0 + side * 16, top_y - 24), (x0 + side * 24, top_y - 12), 12)
        widths = taper(12, 5.0, 0.0, 1.0, 0.05) + 0.2
        poly = ribbon(centre, widths)
        sc.fill(H(poly), P["hair"], outline=self.lw * 0.85)

    def buns(self) -> None:
        P, H, sc = self.P, self.H, self.sc
        for side in (-1, 1):
            c = (side * 34.0, self.hcy - self.hr * 0.82)
            cp = H(ellipse(c[0], c[1], 17, 16, 22))
            sc.fill(cp, P["hair"], outline=self.lw)
            sc.line(H(quad((c[0] - 10, c[1] - 4), (c[0], c[1] - 14), (c[0] + 10, c[1] - 5), 7)), self.lw * 0.5)
            sc.shade(cp, [(H(ellipse(c[0] - self.spec.light * 8, c[1] + 6, 14, 12, 16)), P["hair"].shadow)])

    def braids(self) -> None:
        sp, P, H, sc = self.spec, self.P, self.H, self.sc
        L = sp.tail_len
        for side in (-1, 1):
            x0 = side * (self.fw + 3)
            n = max(4, int((L - 20) / 18))
            ys = np.linspace(10, L, n + 1)
            for k in range(n):
                y0, y1 = ys[k], ys[k + 1] + 4
                w = 15 - 4 * k / n
                xm = x0 + side * 3 * math.sin(k * 0.6)
                dx = (w / 2) * (1 if k % 2 else -1) * 0.25
                seg = np.array([(xm + dx, y0), (xm + w / 2, (y0 + y1) / 2 - 2), (xm - dx * 0.5, y1), (xm - w / 2, (y0 + y1) / 2 + 2)])
                seg = np.concatenate([quad(seg[0], (xm + w * 0.6, y0 + 1), seg[1], 4), quad(seg[1], (xm + w * 0.45, y1 - 2), seg[2], 4)[1:],
                                      quad(seg[2], (xm - w * 0.6, y1 - 1), seg[3], 4)[1:], quad(seg[3], (xm - w * 0.45, y0 + 2), seg[0], 4)[1:-1]])
                sc.fill(H(seg), P["hair"], outline=self.lw * 0.85, wobble=0.1)
            y = ys[-1] + 4
            tuft = np.array([(x0 - 6, y), (x0 + 6, y), (x0 + 7, y + 14), (x0 + 2, y + 9), (x0 - 1, y + 16), (x0 - 4, y + 9), (x0 - 7, y + 13)])
            sc.fill(H(tuft), P["hair"], outline=self.lw * 0.8)
            if "hair_acc" in P:
                sc.fill(H(ellipse(x0, y, 6, 3.5, 12)), P["hair_acc"], outline=self.lw * 0.7)

    def hair_accessories(self) -> None:
        sp, P, H, sc = self.spec, self.P, self.H, self.sc
        r = random.Random(self.hair_rng.random())
        hr, hcy = self.hr, self.hcy
        if sp.tail == "twin_tails" and "hair_acc" in P:
            for side in (-1, 1):
                self._bow(np.array([side * 44.0, -52.0]), 12.0, side * 0.5)
        if "bow" in sp.accessories:
            side = r.choice([-1, 1])
            ang = side * r.uniform(0.5, 0.9)
            c = np.array([math.sin(ang) * hr * 0.95, hcy - math.cos(ang) * hr * 0.98])
            self._bow(c, 15.0, ang)
        if "clips" in sp.accessories:
            side = r.choice([-1, 1])
            for k in range(r.choice([1, 2])):
                c = np.array([side * (self.fw * 0.62 + 5 * k), -24.0 + 5 * k])
                clip = ribbon(np.array([c + (-5.5 * side, 2), c + (5.5 * side, -2.5)]), 3.2)
                sc.fill(H(clip), P["hair_acc"], outline=self.lw * 0.7, wobble=0.0)
        if "flower" in sp.accessories:
            side = r.choice([-1, 1])
            c = np.array([side * (hr * 0.8), hcy + 2])
            petals = []
            for k in range(5):
                a = k * 2 * math.pi / 5
                petals.append(ellipse(c[0] + 5 * math.cos(a), c[1] + 5 * math.sin(a), 4.2, 4.2, 10))
            for p in petals:
                sc.fill(H(p), P["hair_acc"], outline=self.lw * 0.6)
            sc.fill(H(ellipse(c[0], c[1], 2.6, 2.6, 10)), P["hair_acc"], P["hair_acc"].highlight, outline=self.lw * 0.5)
        if "headband" in sp.accessories:
            t = np.linspace(math.pi + 0.25, 2 * math.pi - 0.25, 20)
            band = np.stack([hr * 0.98 * np.cos(t), hcy + 4 + hr * 1.0 * np.sin(t)], 1)
            sc.fill(H(ribbon(band, 5.0)), P["hair_acc"], outline=self.lw * 0.8)
        if "cat_ears" in sp.accessories:
            pc = P["cat_ears"]
            for side in (-1, 1):
                b = np.array([side * 20.0, hcy - hr * 0.95])
                ear = np.array([b + (-side * 12, 4), b + (side * 8, -24), b + (side * 16, 6)])
                ear = np.concatenate([quad(ear[0], ear[0] + (side * 4, -16), ear[1], 6), quad(ear[1], ear[2] + (0, -14), ear[2], 6)[1:]])
                cp = H(ear)
                sc.fill(cp, pc, outline=self.lw)
                inner = b + np.array([(-side * 6, 2), (side * 6, -16), (side * 10, 4)])
                sc.shade(cp, [(H(inner), pc.extra[0])])
        if "sunhat" in sp.accessories:
            self.sunhat()
        if "beret" in sp.accessories:
            pc = P["hat"]
            tilt = r.choice([-1, 1]) * 0.25
            c = np.array([tilt * 20, hcy - hr * 0.78])
            blob = ellipse(c[0], c[1], hr * 0.95, hr * 0.42, 26)
            blob = apply(rotate(tilt, c[0], c[1]), blob)
            cp = H(blob)
            sc.fill(cp, pc, outline=self.lw)
            band = apply(rotate(tilt, c[0], c[1]), ellipse(c[0], c[1] + hr * 0.2, hr * 0.9, hr * 0.3, 20, 0.15, math.pi - 0.15))
            sc.shade(cp, [(H(np.concatenate([band, [(c[0] - hr, c[1] + 40), (c[0] + hr, c[1] + 40)]])), pc.shadow)])
            sc.fill(H(ellipse(c[0] + tilt * 10, c[1] - hr * 0.42, 3, 4, 8)), pc, outline=self.lw * 0.7)

    def cape(self) -> None:
        """A cape hanging from the shoulders behind the body, flaring towards a wavy hem (role outer)."""
        sp, P, B, sc = self.spec, self.P, self.B, self.sc
        pc = P["cape"]
        r = random.Random(f"anime-cape-draw-{sp.seed}")
        sw = self.sw
        length = r.uniform(330, 690)
        flare = r.uniform(0.8, 1.6) * sw
        right = cubic((sw - 6, 94), (sw + 8, 110), (sw + flare * 0.7, length * 0.6), (sw + flare, length), 10)
        n = r.randint(3, 6)
        xs = np.linspace(sw + flare, -(sw + flare), 2 * n + 1)
        hem = [(x, length + (r.uniform(-4, 10) if i % 2 else -r.uniform(8, 22))) for i, x in enumerate(xs[1:-1], 1)]
        left = right[::-1] * np.array([-1.0, 1.0])
        top = quad((-sw + 6, 94), (0, 74), (sw - 6, 94), 7)[1:-1]
        cp = B(np.concatenate([top, right, np.array(hem), left]))
        sc.fill(cp, pc, outline=self.lw)
        L = sp.light
        sc.shade(cp, [(B(np.array([(-L * sw * 0.6, 60), (-L * (sw + flare + 20), 60),
                                   (-L * (sw + flare + 20), length + 30), (-L * sw * 0.4, length + 30)])), pc.shadow)])
        for side in (-1, 1):
            for k in range(r.randint(1, 2)):
                x0 = side * (sw + r.uniform(0, 10))
                x1 = side * (sw + flare * r.uniform(0.5, 0.95))
                sc.line(B(quad((x0, 160 + 40 * k), ((x0 + x1) / 2, length * 0.55), (x1, length - 25), 8)), self.lw * 0.55,
                        0.2, 0.5)

    # ================================================================== headwear
    def _headwear_rng(self) -> random.Random:
        return random.Random(f"anime-headwear-draw-{self.spec.seed}")  # same shape in every variant

    def helmet(self) -> None:
        """A metal helmet over the crown with cheek guards and a rim over the brow (role accessory)."""
        sp, P, H, sc = self.spec, self.P, self.H, self.sc
        pc = P["helmet"]
        r = self._headwear_rng()
        hr, hcy, fw = self.hr, self.hcy, self.fw
        R = hr * r.uniform(1.04, 1.12)
        rim_y = r.uniform(-44, -26)           # lower edge of the brow rim
        guard = r.random() < 0.7              # cheek guards down the sides of the face
        y_bot = r.uniform(18, 40) if guard else hcy + r.uniform(4, 14)
        inner_x = fw + r.uniform(0.5, 3.0)
        t = np.linspace(math.pi - 0.08, 2 * math.pi + 0.08, 25)
        dome = np.stack([R * np.cos(t), hcy + R * 1.04 * np.sin(t)], 1)
        right = quad(dome[-1], (R * 1.01, (dome[-1][1] + y_bot) / 2), (R * 0.94, y_bot), 6)[1:]
        inner_r = quad((inner_x, y_bot - 2), (inner_x + 1.5, (rim_y + y_bot) / 2), (fw - 5, rim_y), 6)
        rim = cubic((fw - 5, rim_y), (fw * 0.45, rim_y - 7), (-fw * 0.45, rim_y - 7), (-fw + 5, rim_y), 9)[1:-1]
        inner_l = inner_r[::-1] * np.array([-1.0, 1.0])
        left = right[::-1] * np.array([-1.0, 1.0])
        pts = np.concatenate([dome, right, inner_r, rim, inner_l, left[:-1]])
        cp = H(pts)
        sc.fill(cp, pc, outline=self.lw)
        L = sp.light
        shapes = [(H(np.array([(-L * R * 0.35, hcy - R * 1.2), (-L * (R + 10), hcy - R * 1.2), (-L * (R + 10), y_bot + 10),
                               (-L * R * 0.55, y_bot + 10)])), pc.shadow)]
        shine = apply(rotate(L * 0.5, L * R * 0.42, hcy - R * 0.62), ellipse(L * R * 0.42, hcy - R * 0.62, R * 0.2, R * 0.09, 14))
        shapes.append((H(shine), pc.highlight))
        sc.shade(cp, shapes)
        # a band along the rim and, often, a ridge over the crown
        band = cubic((fw + 1, rim_y + 1), (fw * 0.5, rim_y - 6.5), (-fw * 0.5, rim_y - 6.5), (-fw - 1, rim_y + 1), 12)
        sc.fill(H(ribbon(band, r.uniform(4.5, 7.0))), pc, pc.shadow if r.random() < 0.5 else None, outline=self.lw * 0.8)
        if r.random() < 0.6:
            ridge = np.array([(0.0, rim_y - 9), (0.0, hcy - R * 0.7), (0.0, hcy - R * 1.02)])
            sc.fill(H(_tube(ridge, r.uniform(5, 9))), pc, pc.highlight, outline=self.lw * 0.8)
        if guard and r.random() < 0.5:
            for side in (-1, 1):
                sc.fill(H(ellipse(side * (inner_x + R) / 2, (hcy + y_bot) / 2, 2.4, 2.4, 8)), pc, pc.highlight,
                        outline=self.lw * 0.5)

    def hood_up(self, mask: bool = False) -> None:
        """A cloth hood worn up, framing the face and falling to the shoulders (role outer), with an
        optional mask over the lower face."""
        sp, P, H, sc = self.spec, self.P, self.H, self.sc
        pc = P["hood"]
        r = self._headwear_rng()
        hr, hcy, fw = self.hr, self.hcy, self.fw
        Rx, Ry = hr * r.uniform(1.12, 1.25), hr * r.uniform(1.18, 1.3)
        top = r.uniform(-66, -48)             # top of the face opening
        low = r.uniform(85, 110)              # where the hood meets the shoulders
        t = np.linspace(math.pi, 2 * math.pi, 25)
        dome = np.stack([Rx * np.cos(t), hcy - 4 + Ry * np.sin(t)], 1)
        flare = r.uniform(8, 24)
        right = cubic(dome[-1], (Rx + 2, 30), (Rx + flare * 0.6, low - 30), (Rx + flare, low), 8)[1:]
        hem_r = quad((Rx + flare, low), ((Rx + flare + fw * 0.5) / 2, low + 6), (fw * 0.5, low - 4), 5)[1:]
        open_r = cubic((fw * 0.5, low - 4), (fw * 0.8, 52), (fw + 9, 28), (fw + 8, -8), 8)[1:]
        arch = cubic((fw + 8, -8), (fw + 7, top - 4), (-fw - 7, top - 4), (-fw - 8, -8), 12)[1:-1]
        open_l = open_r[::-1] * np.array([-1.0, 1.0])
        hem_l = hem_r[::-1] * np.array([-1.0, 1.0])
        left = right[::-1] * np.array([-1.0, 1.0])
        pts = np.concatenate([dome, right, hem_r, open_r, arch, open_l[1:], hem_l[1:], left[1:-1]])
        cp = H(pts)
        sc.fill(cp, pc, outline=self.lw)
        # the lining round the opening is in shadow, and so is the side away from the light
        rim = np.concatenate([open_r, arch, open_l[1:]])
        L = sp.light
        shapes = [(H(ribbon(rim, r.uniform(8, 14))), pc.shadow),
                  (H(np.array([(-L * Rx * 0.45, hcy - Ry - 10), (-L * (Rx + flare + 10), hcy - Ry - 10),
                               (-L * (Rx + flare + 10), low + 10), (-L * (Rx * 0.6), low + 10)])), pc.shadow)]
        sc.shade(cp, shapes)
        for side in (-1, 1):
            if r.random() < 0.8:
                a = np.array([side * Rx * r.uniform(0.55, 0.8), hcy - Ry * r.uniform(0.5, 0.75)])
                b = np.array([side * (Rx + flare * r.uniform(0.3, 0.7)), low - r.uniform(10, 30)])
                sc.line(H(quad(a, (a + b) / 2 + (side * 6, 0), b, 7)), self.lw * 0.55, 0.2, 0.6)
        if mask:
            mpc = P["mask"]
            my = r.uniform(12, 22)            # upper edge, under the eyes
            m = (Pen(-fw - 8, my + 2).c(-fw * 0.4, my - 4, fw * 0.4, my - 4, fw + 8, my + 2)
                 .c(fw + 9, 40, fw * 0.5, 62, 0, 66).c(-fw * 0.5, 62, -fw - 9, 40, -fw - 8, my + 2, 8).pts()[:-1])
            cm = H(m)
            sc.fill(cm, mpc, outline=self.lw)
            sc.shade(cm, [(H(np.array([(-L * 4, my - 10), (-L * (fw + 20), my - 10), (-L * (fw + 20), 80), (-L * 8, 80)])),
                           mpc.shadow)])
            for k in range(r.randint(1, 3)):
                y = my + 10 + 9 * k
                sc.line(H(quad((-fw * 0.6, y), (0, y + 5), (fw * 0.6, y), 7)), self.lw * 0.5, 0.3, 0.3)

    def sunhat(self) -> None:
        P, H, sc = self.P, self.H, self.sc
        pc, band_pc = P["hat"], P["hat_band"]
        hr, hcy = self.hr, self.hcy
        r = random.Random(self.hair_rng.random())
        tilt = r.uniform(-0.12, 0.12)
        by = hcy - hr * 0.5
        m = rotate(tilt, 0.0, by)
        brim = apply(m, ellipse(0.0, by, hr * 1.75, hr * 0.36, 32))
        cb = H(brim)
        sc.fill(cb, pc, outline=self.lw)
        sc.shade(cb, [(H(apply(m, ellipse(0.0, by + hr * 0.12, hr * 1.5, hr * 0.22, 24, 0.0, math.pi))), pc.shadow)])
        crown = apply(m, Pen(-hr * 0.78, by).c(-hr * 0.8, by - hr * 0.75, hr * 0.8, by - hr * 0.75, hr * 0.78, by)
                      .q(0.0, by + hr * 0.1, -hr * 0.78, by, 8).pts()[:-1])
        cc = H(crown)
        sc.fill(cc, pc, outline=self.lw)
        sc.shade(cc, [(H(apply(m, np.array([(self.spec.light * -hr * 0.3, by - hr), (-self.spec.light * hr, by - hr),
                                              (-self.spec.light * hr, by + 5), (self.spec.light * -hr * 0.2, by + 5)]))), pc.shadow)])
        band = apply(m, np.concatenate([quad((-hr * 0.8, by - hr * 0.2), (0, by - hr * 0.12), (hr * 0.8, by - hr * 0.2), 9),
                                        quad((hr * 0.79, by - 1), (0, by + hr * 0.09), (-hr * 0.79, by - 1), 9)]))
        sc.fill(H(band), band_pc, outline=self.lw * 0.8)

    def jabot(self) -> None:
        """Cascading frill at the shirt collar (white lace, role outer)."""
        P, B, sc = self.P, self.B, self.sc
        for k, (y, w) in enumerate(((98, 13), (112, 15), (126, 16))):
            scallops = [(w, y)]
            xs = np.linspace(w, -w, 7)
            for i, x in enumerate(xs[1:-1], 1):
                scallops.append((x, y + 12 + (2.5 if i % 2 else 0)))
            pts = np.concatenate([[(-w * 0.5, y - 4), (w * 0.5, y - 4)], scallops, [(-w, y)]])
            sc.fill(B(pts), P["frill"], outline=self.lw * 0.7, wobble=0.05)
            sc.line(B(np.array([(-w * 0.3, y + 3), (-w * 0.4, y + 11)])), self.lw * 0.4)
            sc.line(B(np.array([(w * 0.3, y + 3), (w * 0.4, y + 11)])), self.lw * 0.4)

    def _bow(self, c: np.ndarray, size: float, ang: float) -> None:
        P, H, sc = self.P, self.H, self.sc
        pc = P["hair_acc"]
        m = rotate(ang, c[0], c[1])
        for side in (-1, 1):
            loop = np.array([c + (0, -1.5), c + (side * size, -size * 0.6), c + (side * size * 1.05, size * 0.5), c + (0, 1.5)])
            loop = np.concatenate([quad(loop[0], c + (side * size * 0.5, -size * 0.9), loop[1], 5), quad(loop[1], c + (side * size * 1.25, 0), loop[2], 5)[1:],
                                   quad(loop[2], c + (side * size * 0.5, size * 0.7), loop[3], 5)[1:]])
            cp = H(apply(m, loop))
            sc.fill(cp, pc, outline=self.lw * 0.8)
            sc.shade(cp, [(H(apply(m, np.array([c, c + (side * size * 1.3, size * 0.1), c + (side * size * 1.3, size), c + (0, size)]))), pc.shadow)])
        knot = H(apply(m, ellipse(c[0], c[1], size * 0.24, size * 0.3, 10)))
        sc.fill(knot, pc, outline=self.lw * 0.7)

    # ================================================================== body
    def neck(self) -> None:
        P, B, sc = self.P, self.B, self.sc
        nw = 11.5 if self.girl else 13.5
        pts = (Pen(-nw, 20).to(-nw, 66).c(-nw, 80, -24, 88, -34, 94).to(-30, 150).to(30, 150).to(34, 94)
               .c(24, 88, nw, 80, nw, 66).to(nw, 20).pts())
        cp = B(pts)
        sc.fill(cp, P["skin"], outline=self.lw)
        # shadow under the chin: the jaw line pushed down
        jaw = self._face_pts()
        jaw = jaw[(jaw[:, 1] > 20)]
        jaw = jaw[np.argsort(jaw[:, 0])]
        jaw_c = self.H(jaw + np.array([0.0, 0.0]))
        shifted = jaw_c + np.array([0.0, 7.5 * self.s])
        sh = np.concatenate([shifted, [shifted[-1] + (30 * self.s, -60 * self.s), shifted[0] + (-30 * self.s, -60 * self.s)]])
        sc.shade(cp, [(sh, P["skin"].shadow)])

    def _top_pts(self, hem_y: float, neck: str = "crew", flare: float = 0.0) -> np.ndarray:
        nw = 12.0 if self.girl else 14.0
        sw, ww, hw = self.sw, self.ww, self.hw
        right = (Pen(nw + 2, 84).c(nw + 14, 86, sw - 12, 90, sw, 101)
                 .c(sw + 4, 112, sw - 1, 134, sw - 5, 152)
                 .c(ww + 7, 188, ww, 212, ww + 1, 232)
                 .c(ww + 4, 250, hw * 0.9 + flare, hem_y - 25, hw * 0.92 + flare, hem_y).pts())
        left = right[::-1] * np.array([-1, 1])
        if neck == "crew":
            nk = quad((-nw - 2, 84), (0, 100), (nw + 2, 84), 7)[1:-1]
        elif neck == "v":
            nk = np.array([(-nw * 0.6, 96), (0, 122), (nw * 0.6, 96)])
        elif neck == "deep_v":
            nk = np.array([(-nw * 0.5, 100), (0, 148), (nw * 0.5, 100)])
        else:
            nk = np.zeros((0, 2))
        hem = quad(right[-1], (0, hem_y + 4), left[0], 7)[1:-1]
        return np.concatenate([nk, right, hem, left])

    def _body_shadow(self, cp: np.ndarray, pc: PartColors, extra: list | None = None) -> None:
        L = -self.spec.light
        ys = np.linspace(80, 600, 14)
        cut = np.stack([L * (self.sw * 0.42 + 4 * np.sin(ys / 23)), ys], 1)
        poly = np.concatenate([cut, [(L * 200, 600), (L * 200, 80)]])
        shapes = [(self.B(poly), pc.shadow)] + (extra or [])
        self.sc.shade(cp, shapes)

    def clothes(self) -> None:
        sp = self.spec
        o = sp.outfit
        if o == "dress":
            self.dress()
            return
        if o == "hoodie":
            self.hood()
        tucked = o in ("blazer", "shirt") and sp.bottom in ("pleated", "skirt", "trousers", "shorts")
        if not tucked:
            self.bottom()
        if o == "sailor":
            self.top(hem_y=262, neck="v")
            self.sailor_collar()
        elif o == "blazer":
            self.top(hem_y=280, neck="none")
            self.bottom()
            self.shirt_collar()
            if sp.frills and "frill" in self.P:
                self.jabot()
            else:
                self.neckwear(100)
            self.jacket(lapels=True)
        elif o == "hoodie":
            self.top(hem_y=296, neck="crew", flare=6)
            self.hoodie_details()
        elif o == "tshirt":
            self.top(hem_y=284, neck="crew")
        else:  # shirt
            self.top(hem_y=280, neck="none")
            self.bottom()
            self.shirt_collar()
            if sp.frills and "frill" in self.P:
                self.jabot()
            else:
                self.neckwear(100)
            if "jacket" in self.P:
                self.jacket(lapels=False)
            else:
                B = self.B
                self.sc.line(B(np.array([(0, 104), (0, 230)])), self.lw * 0.5, 0.1, 0.1)
                for y in (125, 160, 195):
                    self.sc.fill(B(ellipse(-3, y, 1.6, 1.6, 8)), self.P["top"], self.P["top"].shadow, outline=self.lw * 0.4)

    def top(self, hem_y: float, neck: str, flare: float = 0.0) -> None:
        pc = self.P["top"]
        pts = self._top_pts(hem_y, neck, flare)
        cp = self.B(pts)
        self.sc.fill(cp, pc, outline=self.lw)
        self._body_shadow(cp, pc, [(self.B(np.array([(-40, 80), (40, 80), (30, 104), (0, 112), (-30, 104)])), pc.shadow)])
        # folds
        L = -self.spec.light
        self.sc.line(self.B(quad((L * self.ww * 0.7, 200), (L * self.ww * 0.5, 240), (L * self.ww * 0.6, hem_y - 4), 6)), self.lw * 0.5, 0.4, 0.2)
        self.sc.line(self.B(quad((-L * self.sw * 0.55, 130), (-L * self.sw * 0.45, 150), (-L * self.sw * 0.35, 168), 5)), self.lw * 0.45, 0.5, 0.5)
        if self.girl:  # the fold under the chest
            for side in (-1, 1):
                self.sc.line(self.B(quad((side * self.sw * 0.12, 156), (side * self.sw * 0.3, 162), (side * self.sw * 0.46, 152), 6)),
                             self.lw * 0.45, 0.4, 0.4)

    def sailor_collar(self) -> None:
        P, B, sc = self.P, self.B, self.sc
        pc = P["collar"]
        sw = self.sw
        nw = 12.0 if self.girl else 14.0
        vy = 160.0
        right = np.array([(0, vy), (sw * 0.52, 128), (sw * 0.9, 104), (sw * 0.6, 90), (nw + 2, 84)])
        right = np.concatenate([quad(right[0], (sw * 0.3, 142), right[1], 4), quad(right[1], (sw * 0.75, 112), right[2], 4)[1:],
                                quad(right[2], (sw * 0.8, 92), right[4], 5)[1:]])
        left = right[::-1] * np.array([-1, 1])
        pts = np.concatenate([right, [(nw * 0.5, 100), (0, vy - 22), (-nw * 0.5, 100)], left[:-1]])
        cp = B(pts)
        sc.fill(cp, pc, outline=self.lw)
        sc.shade(cp, [(B(np.array([(-60, 80), (60, 80), (60, 100), (0, 96), (-60, 100)])), pc.shadow)])
        # stripes along the outer edge
        for off in (4.5, 7.5):
            for side in (-1, 1):
                stripe = np.array([(side * 3, vy - off * 1.4), (side * sw * 0.5, 128 - off), (side * (sw * 0.88 - off), 106 - off * 0.3)])
                stripe = quad(stripe[0], (side * sw * 0.3, 142 - off), stripe[1], 5)
                sc.line(B(stripe), self.lw * 0.45, 0.1, 0.3)
        self.neckwear(vy - 26, kind=self.spec.neckwear)

    def shirt_collar(self) -> None:
        P, B, sc = self.P, self.B, self.sc
        pc = P["top"]
        nw = 12.0 if self.girl else 14.0
        for side in (-1, 1):
            flap = np.array([(side * (nw + 3), 82), (side * (nw + 9), 100), (side * 2, 104), (side * 1, 92)])
            sc.fill(B(flap), pc, outline=self.lw * 0.9, wobble=0.05)

    def neckwear(self, y: float, kind: str | None = None) -> None:
        P, B, sc = self.P, self.B, self.sc
        kind = kind or self.spec.neckwear
        if kind == "none" or "neckwear" not in P:
            return
        pc = P["neckwear"]
        if kind == "tie":
            knot = np.array([(-5, y - 6), (5, y - 6), (3.5, y + 3), (-3.5, y + 3)])
            blade = np.array([(-3.5, y + 2), (3.5, y + 2), (8, y + 92), (0, y + 104), (-8, y + 92)])
            cb = B(blade)
            sc.fill(cb, pc, outline=self.lw * 0.85, wobble=0.05)
            sc.shade(cb, [(B(np.array([(0, y), (12, y), (12, y + 110), (0, y + 110)]) * np.array([-self.spec.light, 1])), pc.shadow)])
            sc.fill(B(knot), pc, outline=self.lw * 0.85, wobble=0.05)
        elif kind == "scarf":
            for side in (-1, 1):
                tail = np.array([(side * 2, y), (side * 14, y + 38), (side * 6, y + 44), (side * -2, y + 6)])
                sc.fill(B(tail), pc, outline=self.lw * 0.8, wobble=0.05)
            sc.fill(B(ellipse(0, y + 1, 7, 6, 12)), pc, outline=self.lw * 0.8)
        else:  # ribbon bow
            c = np.array([0.0, y])
            for side in (-1, 1):
                tail = np.array([c + (side * 1, 2), c + (side * 11, 30), c + (side * 4, 28), c + (side * -1, 4)])
                sc.fill(B(tail), pc, outline=self.lw * 0.8, wobble=0.05)
            for side in (-1, 1):
                loop = np.concatenate([quad(c + (0, -2), c + (side * 14, -14), c + (side * 18, -2), 5),
                                       quad(c + (side * 18, -2), c + (side * 16, 10), c + (0, 2), 5)[1:]])
                cl = B(loop)
                sc.fill(cl, pc, outline=self.lw * 0.8)
                sc.shade(cl, [(B(np.array([c, c + (side * 20, 0), c + (side * 20, 12), c + (0, 12)])), pc.shadow)])
            sc.fill(B(ellipse(c[0], c[1], 4, 4.5, 10)), pc, outline=self.lw * 0.8)

    def jacket(self, lapels: bool) -> None:
        P, B, sc = self.P, self.B, self.sc
        pc = P["jacket"]
        nw = 12.0 if self.girl else 14.0
        sw, ww, hw = self.sw, self.ww, self.hw
        hem = 300.0
        vy = 190.0 if lapels else 120.0
        gap = 0.0 if lapels else 10.0
        for side in (-1, 1):
            outer = (Pen(side * (nw + 3), 84).c(side * (nw + 14), 86, side * (sw - 10), 90, side * (sw + 2), 101)
                     .c(side * (sw + 6), 112, side * (sw + 1), 134, side * (sw - 3), 152)
                     .c(side * (ww + 9), 188, side * (ww + 2), 212, side * (ww + 3), 232)
                     .c(side * (ww + 6), 250, side * (hw * 0.92 + 4), hem - 25, side * (hw * 0.94 + 4), hem).pts())
            inner = np.array([(side * (gap - (2 if side < 0 else -1)), hem + 3), (side * (gap + 1), vy), (side * (nw + 3), 84)])
            pts = np.concatenate([outer, inner[:-1]])
            cp = B(pts)
            sc.fill(cp, pc, outline=self.lw)
            self._body_shadow(cp, pc)
            if lapels:
                lap = np.array([(side * (nw + 3), 84), (side * (nw + 9), 88), (side * 24, 130), (side * 14, 136), (side * 2, vy)])
                if side == -self.spec.light:
                    sc.patch(B(lap), pc.shadow)
                sc.line(B(lap[1:]), self.lw * 0.6, 0.1, 0.1, 0.3)
            sc.line(B(np.array([(side * ww * 0.55, 250), (side * ww * 0.95, 250)])), self.lw * 0.5, 0.2, 0.2)
        if lapels:
            for y in (220, 258):
                sc.fill(B(ellipse(-4, y, 2.6, 2.6, 10)), pc, pc.highlight, outline=self.lw * 0.5)

    def hood(self) -> None:
        pc = self.P["top"]
        pts = Pen(-40, 100).c(-42, 66, -20, 56, 0, 56).c(20, 56, 42, 66, 40, 100).pts()
        cp = self.B(pts)
        self.sc.fill(cp, pc, pc.shadow, outline=self.lw)

    def hoodie_details(self) -> None:
        P, B, sc = self.P, self.B, self.sc
        # rim of the hood around the neckline
        rim = Pen(-30, 88).c(-22, 112, 22, 112, 30, 88).c(22, 102, -22, 102, -30, 88).pts()
        sc.fill(B(rim), P["top"], P["top"].highlight, outline=self.lw * 0.85)
        pc = P["strings"]
        for side in (-1, 1):
            s_ = np.array([(side * 7, 100), (side * 8, 130), (side * 7.5, 158)])
            sc.fill(B(_tube(s_, 2.6)), pc, outline=self.lw * 0.55, wobble=0.0)
        sc.line(B(np.array([(-30, 292), (-23, 238), (23, 238), (30, 292)])), self.lw * 0.6, 0.05, 0.05, 0.5)
        sc.line(B(np.array([(-self.hw * 0.95, 276), (self.hw * 0.95, 276)])), self.lw * 0.5, 0.05, 0.05, 0.5)

    def dress(self) -> None:
        sp, P, B, sc = self.spec, self.P, self.B, self.sc
        pc = P["top"]
        r = self.body_rng
        hem_y = 420 + r.uniform(0, 80)
        flare = self.hw + 30 + r.uniform(0, 25)
        # the bodice's outline, continued into a flared skirt
        nw = 12.0
        right = (Pen(nw + 2, 84).c(nw + 14, 86, self.sw - 12, 90, self.sw, 101)
                 .c(self.sw + 4, 112, self.sw - 1, 134, self.sw - 5, 152)
                 .c(self.ww + 7, 188, self.ww, 212, self.ww + 1, 232)
                 .c(self.ww + 20, 280, flare - 6, hem_y - 60, flare, hem_y).pts())
        left = right[::-1] * np.array([-1, 1])
        n_w = 7
        hem = []
        xs = np.linspace(flare, -flare, 2 * n_w + 1)
        for i, x in enumerate(xs[1:-1], 1):
            hem.append((x, hem_y + (6 if i % 2 else 0) - 8 * (1 - (x / flare) ** 2)))
        neck = quad((-nw - 2, 84), (0, 100), (nw + 2, 84), 7)[1:-1]
        pts = np.concatenate([neck, right, np.array(hem), left])
        if sp.frills:
            fr = np.array([(flare + 4, hem_y - 4)] + [(x * 1.04, y + 10 + 3 * (i % 2)) for i, (x, y) in enumerate(hem)] + [(-flare - 4, hem_y - 4)])
            fr_top = np.array([(-flare * 0.98, hem_y - 14), (flare * 0.98, hem_y - 14)])
            fpts = np.concatenate([fr_top[1:], fr, fr_top[:1]])
            sc.fill(B(fpts), P["frill"], outline=self.lw * 0.8)
        cp = B(pts)
        sc.fill(cp, pc, outline=self.lw)
        folds = []
        for i, x in enumerate(xs[1:-1], 1):
            if i % 2 == 0 and i % 4 == 0:
                folds.append((B(np.array([(x * 0.3, 250), (x * 0.3 + 5, 250), (x + 10, hem_y + 10), (x - 6, hem_y + 10)])), pc.shadow))
        self._body_shadow(cp, pc, folds + [(B(np.array([(-40, 80), (40, 80), (30, 104), (0, 112), (-30, 104)])), pc.shadow)])
        for i, x in enumerate(xs[1:-1], 1):
            if i % 2 == 0:
                sc.line(B(quad((x * 0.3, 262), (x * 0.7, hem_y * 0.7 + 60), (x, hem_y - 2), 7)), self.lw * 0.55, 0.6, 0.1)
        sc.line(B(quad((-self.ww - 1, 232), (0, 238), (self.ww + 1, 232), 6)), self.lw * 0.6, 0.05, 0.05, 0.6)
        if sp.frills and "frill" in P:
            for side in (-1, 1):
                flap = Pen(side * 2, 96).c(side * 6, 110, side * 24, 110, side * 26, 92).c(side * 20, 86, side * 12, 84, side * 2, 92).pts()
                sc.fill(B(flap), P["frill"], outline=self.lw * 0.8)
        if sp.neckwear == "ribbon":
            self.neckwear(100, "ribbon")

    # ------------------------------------------------------------------ lower body
    def legs(self) -> None:
        sp, P, B, sc = self.spec, self.P, self.B, self.sc
        if self.pose.framing == "bust":
            return
        hw = self.hw
        for side in (-1, 1):
            st, kn = self.pose.stance, self.pose.knees
            centre = np.array([(side * hw * 0.48, 300), (side * (hw * 0.42 + st * 0.25 - kn * 0.6), 400),
                               (side * (hw * 0.38 + st * 0.5 - kn), 500), (side * (hw * 0.36 + st * 0.75 - kn * 0.4), 600),
                               (side * (hw * 0.34 + st), 672)])
            widths = np.array([50, 41, 28, 25, 16.5]) * (1.0 if self.girl else 1.1)
            cl = B(_tube(centre, widths, cap_start=False))
            sc.fill(cl, P["skin"], outline=self.lw)
            sc.shade(cl, [(B(np.concatenate([centre + (-sp.light * 6, 0), centre[::-1] + (-sp.light * 40, 0)])), P["skin"].shadow)])
            kx = centre[2][0]
            sc.line(B(np.array([(kx - 4, 500), (kx + 3, 506)])), self.lw * 0.5)
            lw_kind = sp.legwear
            if lw_kind != "none" and "legwear" in P:
                top_y = {"socks": 630, "knee": 470, "thigh": 390, "tights": 300}[lw_kind]
                ys = np.linspace(top_y, 672, 6)
                cx = np.interp(ys, centre[:, 1], centre[:, 0])
                ws = np.interp(ys, centre[:, 1], widths) + 1.5
                cs = B(_tube(np.stack([cx, ys], 1), ws, cap_start=False))
                sc.fill(cs, P["legwear"], outline=self.lw)
                sc.shade(cs, [(B(np.concatenate([np.stack([cx - sp.light * 5, ys], 1), np.stack([cx - sp.light * 40, ys], 1)[::-1]])), P["legwear"].shadow)])
            ax = centre[-1][0]
            shoe = (Pen(ax - 10, 664).c(ax - 14, 690, ax - 12, 708, ax + side * 3, 709)
                    .c(ax + side * 19, 709, ax + 14, 690, ax + 10, 664).pts())
            cs = B(shoe)
            sc.fill(cs, P["shoes"], outline=self.lw)
            sc.shade(cs, [(B(np.array([(side * hw * 0.34 - 20, 690), (side * hw * 0.34 + 20, 690), (side * hw * 0.34 + 20, 720), (side * hw * 0.34 - 20, 720)])), P["shoes"].shadow)])

    def bottom(self) -> None:
        sp, P, B, sc = self.spec, self.P, self.B, self.sc
        if "bottom" not in P or sp.bottom == "none":
            return
        pc = P["bottom"]
        ww, hw = self.ww, self.hw
        r = random.Random(self.body_rng.random())
        if sp.bottom in ("pleated", "skirt"):
            hem_y = 360 + r.uniform(0, 50)
            flare = hw + 18 + r.uniform(0, 20)
            n = 12 if sp.bottom == "pleated" else 6
            top = np.stack([np.linspace(ww + 3, -(ww + 3), n + 1), np.full(n + 1, 228.0)], 1)
            hx = np.linspace(flare, -flare, n + 1)
            hy = hem_y - 6 * (1 - (hx / flare) ** 2) + np.where(np.arange(n + 1) % 2 == 0, 0.0, 5.0 if sp.bottom == "pleated" else 0.0)
            hem = np.stack([hx, hy], 1)
            right = cubic(top[0], (ww + 10, 260), (flare - 4, hem_y - 50), hem[0], 6)
            left = cubic(hem[-1], (-(flare - 4), hem_y - 50), (-(ww + 10), 260), top[-1], 6)
            pts = np.concatenate([top[::-1], right[1:-1], hem, left[1:-1]])
            if sp.frills and "frill" in P:  # a lace petticoat peeking under the hem
                xs_f = np.linspace(flare * 1.03, -flare * 1.03, 2 * n + 1)
                fr = [(x, hem_y + 9 - 6 * (1 - (x / flare) ** 2) + (3 if i % 2 else 0)) for i, x in enumerate(xs_f)]
                sc.fill(B(np.concatenate([[(flare * 0.95, hem_y - 12)], fr, [(-flare * 0.95, hem_y - 12)]])),
                        P["frill"], outline=self.lw * 0.8)
            cp = B(pts)
            sc.fill(cp, pc, outline=self.lw)
            shapes = []
            for i in range(n):
                if (i % 2 == 1 and sp.bottom == "pleated") or (sp.bottom == "skirt" and i in (1, 4)):
                    quad_ = np.array([top[i], top[i + 1], hem[i + 1], hem[i]])
                    shapes.append((B(quad_), pc.shadow))
            L = -sp.light
            shapes.append((B(np.array([(L * ww * 0.5, 226), (L * 200, 226), (L * 200, 500), (L * flare * 0.75, 500)])), pc.shadow))
            sc.shade(cp, shapes)
            for i in range(1, n):
                if sp.bottom == "pleated" or i in (2, 4):
                    a, b = top[i], hem[i]
                    sc.line(B(np.array([a + (b - a) * f for f in np.linspace(0.15, 1.0, 6)])), self.lw * 0.55, 0.7, 0.02, 0.05)
            sc.line(B(np.array([(-ww - 3, 238), (ww + 3, 238)])), self.lw * 0.5, 0.05, 0.05, 0.7)
        else:  # trousers / shorts
            end = 676 if sp.bottom == "trousers" else 392
            for side in (-1, 1):
                leg = np.array([(side * (ww + 3), 228), (side * (hw + 3), 292), (side * (hw * 0.36 + 14 + (0 if end > 500 else 10)), end),
                                (side * (hw * 0.36 - 12 - (0 if end > 500 else 2)), end), (side * 2, 338), (0, 334), (0, 228)])
                if end < 500:
                    leg[2] = (side * (hw + 6), end)
                    leg[3] = (side * 6, end)
                cl = B(leg)
                sc.fill(cl, pc, outline=self.lw, wobble=0.1)
                sc.shade(cl, [(B(np.array([(side * hw * 0.2, 240), (side * 200, 240), (side * 200, 700), (side * hw * 0.25, 700)]) * np.array([1, 1])), pc.shadow)] if side == -sp.light else [])
            sc.line(B(np.array([(-ww - 3, 240), (ww + 3, 240)])), self.lw * 0.5, 0.05, 0.05, 0.7)

    # ------------------------------------------------------------------ arms
    def _arm_layout(self) -> dict:
        pose = self.pose
        r = random.Random(f"arms-{self.spec.seed}-{pose.arms}-{pose.framing}")
        sw, ww = self.sw, self.ww
        out = {}
        active = 1 if r.random() < 0.5 else -1
        for side in (-1, 1):
            S = np.array([side * (sw - 9), 108.0])
            kind = pose.arms
            if kind in ("wave", "cheek") and side != active:
                kind = "down"
            if kind == "down":
                a_u, a_f = r.uniform(0.08, 0.2), r.uniform(0.0, 0.22)
                E = S + 84 * np.array([side * math.sin(a_u), math.cos(a_u)])
                W = E + 74 * np.array([side * math.sin(a_f), math.cos(a_f)])
            elif kind == "wave":
                a_u = r.uniform(0.7, 1.0)
                E = S + 80 * np.array([side * math.sin(a_u), math.cos(a_u)])
                W = E + 70 * np.array([side * 0.25, -1.0]) / math.hypot(0.25, 1.0)
            elif kind == "hip":
                a_u = r.uniform(0.45, 0.6)
                E = S + 82 * np.array([side * math.sin(a_u), math.cos(a_u)])
                W = np.array([side * (ww + 8), 228.0])
            elif kind == "clasp":
                E = S + 90 * np.array([side * math.sin(0.12), math.cos(0.12)])
                W = np.array([side * 9.0, 262.0])
            elif kind == "behind":
                E = S + 90 * np.array([side * math.sin(0.1), math.cos(0.1)])
                W = np.array([side * (ww - 6), 262.0])
            else:  # cheek: hand raised to the face
                E = S + np.array([side * 16.0, 86.0])
                W = np.array([side * (self.fw * 0.85), 44.0])
            out[side] = {"S": S, "E": E, "W": W, "behind": kind == "behind", "over_face": kind == "cheek",
                         "open": kind in ("wave", "cheek")}
        return out

    def arm(self, side: int, a: dict) -> None:
        sp, P, B, sc = self.spec, self.P, self.B, self.sc
        S, E, W = a["S"], a["E"], a["W"]
        centre = np.concatenate([[S], quad(S + (E - S) * 0.6, E, E + (W - E) * 0.4, 5), [W]])
        n = len(centre)
        widths = np.interp(np.linspace(0, 1, n), [0, 0.5, 1], [22, 16, 12.5]) * (1.0 if self.girl else 1.12)
        # hand first (the cuff covers the wrist)
        d = W - E
        d = d / max(np.linalg.norm(d), 1e-6)
        nrm = np.array([-d[1], d[0]])
        def hand_pts(local):  # hand space: u along the forearm, v across
            local = np.asarray(local, float)
            return W + local[:, :1] * d + local[:, 1:2] * nrm

        k_ = 1.0 if self.girl else 1.12
        palm = hand_pts(Pen(-1, 6.5).c(8, 8, 15, 8.8, 21, 5.5).c(25.5, 3, 26, -3, 21.5, -5.8)
                        .c(15, -8.2, 8, -7.6, -1, -6.5).pts() * k_)
        thumb_side = -side if not a["open"] else side
        thumb = hand_pts(Pen(3, thumb_side * 5).c(7, thumb_side * 12.5, 12, thumb_side * 13.5, 15, thumb_side * 10)
                         .c(13, thumb_side * 7.5, 10, thumb_side * 6, 8, thumb_side * 3).pts() * k_)
        fingers = [hand_pts(np.array([(12.5, 2.2), (21.5, 1.8)]) * k_), hand_pts(np.array([(12, -2.0), (20.5, -2.6)]) * k_)]
        # arm, then hand, then the sleeve over the arm
        ca = B(_tube(centre, widths))
        sc.fill(ca, P["skin"], outline=self.lw)
        sc.fill(B(thumb), P["skin"], outline=self.lw * 0.85)
        ch = B(palm)
        sc.fill(ch, P["skin"], outline=self.lw * 0.9)
        for f in fingers:
            sc.line(B(f), self.lw * 0.5, 0.2, 0.5)
        o = sp.outfit
        sleeve_pc = P["jacket"] if ("jacket" in P and o in ("blazer", "shirt")) else P["top"]
        long_ = sp.sleeves == "long"
        t_end = 0.93 if long_ else 0.34
        k = int(round(t_end * (n - 1)))
        sc_centre = np.concatenate([[S + (0, -6)], centre[1:k + 1]]) if k >= 1 else np.array([S + (0, -6), centre[1]])
        if not long_:
            sc_centre = np.array([S + (0, -6), S + (E - S) * 0.5])
        sw_ = (widths[: len(sc_centre)] * 1.25 + 4)
        if o == "dress" and not long_:
            sw_ = sw_ * np.array([1.5, 1.55][: len(sw_)] + [1.2] * max(0, len(sw_) - 2))
        cs = B(_tube(sc_centre, sw_, cap_start=True, cap_end=False))
        sc.fill(cs, sleeve_pc, outline=self.lw)
        shadow_side = -sp.light
        band = np.concatenate([sc_centre + (shadow_side * 3, 0), sc_centre[::-1] + (shadow_side * 30, 0)])
        sc.shade(cs, [(B(band), sleeve_pc.shadow)])
        if long_:
            cuff_c = sc_centre[-1] - (sc_centre[-1] - sc_centre[-2]) * 0.25
            sc.line(B(np.array([cuff_c - nrm * sw_[-1] * 0.5, cuff_c + nrm * sw_[-1] * 0.5])), self.lw * 0.5, 0.05, 0.05, 0.5)


def _unit_normals(c: np.ndarray) -> np.ndarray:
    t = np.empty_like(c)
    t[1:-1] = c[2:] - c[:-2]
    t[0] = c[1] - c[0]
    t[-1] = c[-1] - c[-2]
    t /= np.maximum(np.hypot(t[:, 0], t[:, 1]), 1e-9)[:, None]
    return np.stack([-t[:, 1], t[:, 0]], axis=1)

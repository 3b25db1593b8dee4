"""Accessories and gear: hair ornaments (bows, clips, flower, headband, cat ears, hats), the cape, the helmet and the hood."""

from __future__ import annotations

import math
import random

import numpy as np

from train.data.anime.context import Ctx
from train.data.anime.geom import Pen, apply, cubic, ellipse, quad, ribbon, rotate, tube

__all__ = ["hair_accessories", "cape", "helmet", "hood_up"]


def hair_accessories(ctx: Ctx) -> None:
    sp, P, H, sc = ctx.spec, ctx.P, ctx.H, ctx.sc
    r = random.Random(ctx.hair_rng.random())
    hr, hcy = ctx.hr, ctx.hcy
    if sp.tail == "twin_tails" and "hair_acc" in P:
        for side in (-1, 1):
            _bow(ctx, np.array([side * 44.0, -52.0]), 12.0, side * 0.5)
    if "bow" in sp.accessories:
        side = r.choice([-1, 1])
        ang = side * r.uniform(0.5, 0.9)
        c = np.array([math.sin(ang) * hr * 0.95, hcy - math.cos(ang) * hr * 0.98])
        _bow(ctx, c, 15.0, ang)
    if "clips" in sp.accessories:
        side = r.choice([-1, 1])
        for k in range(r.choice([1, 2])):
            c = np.array([side * (ctx.fw * 0.62 + 5 * k), -24.0 + 5 * k])
            clip = ribbon(np.array([c + (-5.5 * side, 2), c + (5.5 * side, -2.5)]), 3.2)
            sc.fill(H(clip), P["hair_acc"], outline=ctx.lw * 0.7, wobble=0.0)
    if "flower" in sp.accessories:
        side = r.choice([-1, 1])
        c = np.array([side * (hr * 0.8), hcy + 2])
        petals = []
        for k in range(5):
            a = k * 2 * math.pi / 5
            petals.append(ellipse(c[0] + 5 * math.cos(a), c[1] + 5 * math.sin(a), 4.2, 4.2, 10))
        for p in petals:
            sc.fill(H(p), P["hair_acc"], outline=ctx.lw * 0.6)
        sc.fill(H(ellipse(c[0], c[1], 2.6, 2.6, 10)), P["hair_acc"], P["hair_acc"].highlight, outline=ctx.lw * 0.5)
    if "headband" in sp.accessories:
        t = np.linspace(math.pi + 0.25, 2 * math.pi - 0.25, 20)
        band = np.stack([hr * 0.98 * np.cos(t), hcy + 4 + hr * 1.0 * np.sin(t)], 1)
        sc.fill(H(ribbon(band, 5.0)), P["hair_acc"], outline=ctx.lw * 0.8)
    if "cat_ears" in sp.accessories:
        pc = P["cat_ears"]
        for side in (-1, 1):
            b = np.array([side * 20.0, hcy - hr * 0.95])
            ear = np.array([b + (-side * 12, 4), b + (side * 8, -24), b + (side * 16, 6)])
            ear = np.concatenate([quad(ear[0], ear[0] + (side * 4, -16), ear[1], 6), quad(ear[1], ear[2] + (0, -14), ear[2], 6)[1:]])
            cp = H(ear)
            sc.fill(cp, pc, outline=ctx.lw)
            inner = b + np.array([(-side * 6, 2), (side * 6, -16), (side * 10, 4)])
            sc.shade(cp, [(H(inner), pc.extra[0])])
    if "sunhat" in sp.accessories:
        _sunhat(ctx)
    if "beret" in sp.accessories:
        pc = P["hat"]
        tilt = r.choice([-1, 1]) * 0.25
        c = np.array([tilt * 20, hcy - hr * 0.78])
        blob = ellipse(c[0], c[1], hr * 0.95, hr * 0.42, 26)
        blob = apply(rotate(tilt, c[0], c[1]), blob)
        cp = H(blob)
        sc.fill(cp, pc, outline=ctx.lw)
        band = apply(rotate(tilt, c[0], c[1]), ellipse(c[0], c[1] + hr * 0.2, hr * 0.9, hr * 0.3, 20, 0.15, math.pi - 0.15))
        sc.shade(cp, [(H(np.concatenate([band, [(c[0] - hr, c[1] + 40), (c[0] + hr, c[1] + 40)]])), pc.shadow)])
        sc.fill(H(ellipse(c[0] + tilt * 10, c[1] - hr * 0.42, 3, 4, 8)), pc, outline=ctx.lw * 0.7)


def _bow(ctx: Ctx, c: np.ndarray, size: float, ang: float) -> None:
    P, H, sc = ctx.P, ctx.H, ctx.sc
    pc = P["hair_acc"]
    m = rotate(ang, c[0], c[1])
    for side in (-1, 1):
        loop = np.array([c + (0, -1.5), c + (side * size, -size * 0.6), c + (side * size * 1.05, size * 0.5), c + (0, 1.5)])
        loop = np.concatenate([quad(loop[0], c + (side * size * 0.5, -size * 0.9), loop[1], 5), quad(loop[1], c + (side * size * 1.25, 0), loop[2], 5)[1:],
                               quad(loop[2], c + (side * size * 0.5, size * 0.7), loop[3], 5)[1:]])
        cp = H(apply(m, loop))
        sc.fill(cp, pc, outline=ctx.lw * 0.8)
        sc.shade(cp, [(H(apply(m, np.array([c, c + (side * size * 1.3, size * 0.1), c + (side * size * 1.3, size), c + (0, size)]))), pc.shadow)])
    knot = H(apply(m, ellipse(c[0], c[1], size * 0.24, size * 0.3, 10)))
    sc.fill(knot, pc, outline=ctx.lw * 0.7)


def _sunhat(ctx: Ctx) -> None:
    P, H, sc = ctx.P, ctx.H, ctx.sc
    pc, band_pc = P["hat"], P["hat_band"]
    hr, hcy = ctx.hr, ctx.hcy
    r = random.Random(ctx.hair_rng.random())
    tilt = r.uniform(-0.12, 0.12)
    by = hcy - hr * 0.5
    m = rotate(tilt, 0.0, by)
    brim = apply(m, ellipse(0.0, by, hr * 1.75, hr * 0.36, 32))
    cb = H(brim)
    sc.fill(cb, pc, outline=ctx.lw)
    sc.shade(cb, [(H(apply(m, ellipse(0.0, by + hr * 0.12, hr * 1.5, hr * 0.22, 24, 0.0, math.pi))), pc.shadow)])
    crown = apply(m, Pen(-hr * 0.78, by).c(-hr * 0.8, by - hr * 0.75, hr * 0.8, by - hr * 0.75, hr * 0.78, by)
                  .q(0.0, by + hr * 0.1, -hr * 0.78, by, 8).pts()[:-1])
    cc = H(crown)
    sc.fill(cc, pc, outline=ctx.lw)
    sc.shade(cc, [(H(apply(m, np.array([(ctx.spec.light * -hr * 0.3, by - hr), (-ctx.spec.light * hr, by - hr),
                                          (-ctx.spec.light * hr, by + 5), (ctx.spec.light * -hr * 0.2, by + 5)]))), pc.shadow)])
    band = apply(m, np.concatenate([quad((-hr * 0.8, by - hr * 0.2), (0, by - hr * 0.12), (hr * 0.8, by - hr * 0.2), 9),
                                    quad((hr * 0.79, by - 1), (0, by + hr * 0.09), (-hr * 0.79, by - 1), 9)]))
    sc.fill(H(band), band_pc, outline=ctx.lw * 0.8)


def cape(ctx: Ctx) -> None:
    """A cape hanging from the shoulders behind the body, flaring towards a wavy hem (role outer)."""
    sp, P, B, sc = ctx.spec, ctx.P, ctx.B, ctx.sc
    pc = P["cape"]
    r = random.Random(f"anime-cape-draw-{sp.seed}")
    sw = ctx.sw
    length = r.uniform(330, 690)
    flare = r.uniform(0.8, 1.6) * sw
    right = cubic((sw - 6, 94), (sw + 8, 110), (sw + flare * 0.7, length * 0.6), (sw + flare, length), 10)
    n = r.randint(3, 6)
    xs = np.linspace(sw + flare, -(sw + flare), 2 * n + 1)
    hem = [(x, length + (r.uniform(-4, 10) if i % 2 else -r.uniform(8, 22))) for i, x in enumerate(xs[1:-1], 1)]
    left = right[::-1] * np.array([-1.0, 1.0])
    top = quad((-sw + 6, 94), (0, 74), (sw - 6, 94), 7)[1:-1]
    cp = B(np.concatenate([top, right, np.array(hem), left]))
    sc.fill(cp, pc, outline=ctx.lw)
    L = sp.light
    sc.shade(cp, [(B(np.array([(-L * sw * 0.6, 60), (-L * (sw + flare + 20), 60),
                               (-L * (sw + flare + 20), length + 30), (-L * sw * 0.4, length + 30)])), pc.shadow)])
    for side in (-1, 1):
        for k in range(r.randint(1, 2)):
            x0 = side * (sw + r.uniform(0, 10))
            x1 = side * (sw + flare * r.uniform(0.5, 0.95))
            sc.line(B(quad((x0, 160 + 40 * k), ((x0 + x1) / 2, length * 0.55), (x1, length - 25), 8)), ctx.lw * 0.55,
                    0.2, 0.5)


def _headwear_rng(ctx: Ctx) -> random.Random:
    return random.Random(f"anime-headwear-draw-{ctx.spec.seed}")  # same shape in every variant


def helmet(ctx: Ctx) -> None:
    """A metal helmet over the crown with cheek guards and a rim over the brow (role accessory)."""
    sp, P, H, sc = ctx.spec, ctx.P, ctx.H, ctx.sc
    pc = P["helmet"]
    r = _headwear_rng(ctx)
    hr, hcy, fw = ctx.hr, ctx.hcy, ctx.fw
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
    sc.fill(cp, pc, outline=ctx.lw)
    L = sp.light
    shapes = [(H(np.array([(-L * R * 0.35, hcy - R * 1.2), (-L * (R + 10), hcy - R * 1.2), (-L * (R + 10), y_bot + 10),
                           (-L * R * 0.55, y_bot + 10)])), pc.shadow)]
    shine = apply(rotate(L * 0.5, L * R * 0.42, hcy - R * 0.62), ellipse(L * R * 0.42, hcy - R * 0.62, R * 0.2, R * 0.09, 14))
    shapes.append((H(shine), pc.highlight))
    sc.shade(cp, shapes)
    # a band along the rim and, often, a ridge over the crown
    band = cubic((fw + 1, rim_y + 1), (fw * 0.5, rim_y - 6.5), (-fw * 0.5, rim_y - 6.5), (-fw - 1, rim_y + 1), 12)
    sc.fill(H(ribbon(band, r.uniform(4.5, 7.0))), pc, pc.shadow if r.random() < 0.5 else None, outline=ctx.lw * 0.8)
    if r.random() < 0.6:
        ridge = np.array([(0.0, rim_y - 9), (0.0, hcy - R * 0.7), (0.0, hcy - R * 1.02)])
        sc.fill(H(tube(ridge, r.uniform(5, 9))), pc, pc.highlight, outline=ctx.lw * 0.8)
    if guard and r.random() < 0.5:
        for side in (-1, 1):
            sc.fill(H(ellipse(side * (inner_x + R) / 2, (hcy + y_bot) / 2, 2.4, 2.4, 8)), pc, pc.highlight,
                    outline=ctx.lw * 0.5)


def hood_up(ctx: Ctx, mask: bool = False) -> None:
    """A cloth hood worn up, framing the face and falling to the shoulders (role outer), with an
    optional mask over the lower face."""
    sp, P, H, sc = ctx.spec, ctx.P, ctx.H, ctx.sc
    pc = P["hood"]
    r = _headwear_rng(ctx)
    hr, hcy, fw = ctx.hr, ctx.hcy, ctx.fw
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
    sc.fill(cp, pc, outline=ctx.lw)
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
            sc.line(H(quad(a, (a + b) / 2 + (side * 6, 0), b, 7)), ctx.lw * 0.55, 0.2, 0.6)
    if mask:
        mpc = P["mask"]
        my = r.uniform(12, 22)            # upper edge, under the eyes
        m = (Pen(-fw - 8, my + 2).c(-fw * 0.4, my - 4, fw * 0.4, my - 4, fw + 8, my + 2)
             .c(fw + 9, 40, fw * 0.5, 62, 0, 66).c(-fw * 0.5, 62, -fw - 9, 40, -fw - 8, my + 2, 8).pts()[:-1])
        cm = H(m)
        sc.fill(cm, mpc, outline=ctx.lw)
        sc.shade(cm, [(H(np.array([(-L * 4, my - 10), (-L * (fw + 20), my - 10), (-L * (fw + 20), 80), (-L * 8, 80)])),
                       mpc.shadow)])
        for k in range(r.randint(1, 3)):
            y = my + 10 + 9 * k
            sc.line(H(quad((-fw * 0.6, y), (0, y + 5), (fw * 0.6, y), 7)), ctx.lw * 0.5, 0.3, 0.3)

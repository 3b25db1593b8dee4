"""Clothes: tops, collars, neckwear, jackets, the hoodie, the dress and the bottoms, with their folds and cel shadows."""

from __future__ import annotations

import random

import numpy as np

from train.data.anime.context import Ctx
from train.data.anime.geom import Pen, cubic, ellipse, quad, tube
from train.data.anime.spec import PartColors

__all__ = ["clothes", "body_shadow", "top", "sailor_collar", "shirt_collar", "neckwear", "jacket", "hood", "hoodie_details", "dress", "jabot", "bottom"]


def clothes(ctx: Ctx) -> None:
    sp = ctx.spec
    o = sp.outfit
    if o == "dress":
        dress(ctx)
        return
    if o == "hoodie":
        hood(ctx)
    tucked = o in ("blazer", "shirt") and sp.bottom in ("pleated", "skirt", "trousers", "shorts")
    if not tucked:
        bottom(ctx)
    if o == "sailor":
        top(ctx, hem_y=262, neck="v")
        sailor_collar(ctx)
    elif o == "blazer":
        shirt_front(ctx, sp)
        jacket(ctx, lapels=True)
    elif o == "hoodie":
        top(ctx, hem_y=296, neck="crew", flare=6)
        hoodie_details(ctx)
    elif o == "tshirt":
        top(ctx, hem_y=284, neck="crew")
    else:  # shirt
        shirt_front(ctx, sp)
        if "jacket" in ctx.P:
            jacket(ctx, lapels=False)
        else:
            B = ctx.B
            ctx.sc.line(B(np.array([(0, 104), (0, 230)])), ctx.lw * 0.5, 0.1, 0.1)
            for y in (125, 160, 195):
                ctx.sc.fill(B(ellipse(-3, y, 1.6, 1.6, 8)), ctx.P["top"], ctx.P["top"].shadow, outline=ctx.lw * 0.4)


def shirt_front(ctx: Ctx, sp) -> None:
    """A collared shirt: the top, then the bottom over it, the collar and a jabot (where
    the outfit has frills) or neckwear; the blazer and the plain shirt both start with it."""
    top(ctx, hem_y=280, neck="none")
    bottom(ctx)
    shirt_collar(ctx)
    if sp.frills and "frill" in ctx.P:
        jabot(ctx)
    else:
        neckwear(ctx, 100)


def _top_pts(ctx: Ctx, hem_y: float, neck: str = "crew", flare: float = 0.0) -> np.ndarray:
    nw = 12.0 if ctx.girl else 14.0
    sw, ww, hw = ctx.sw, ctx.ww, ctx.hw
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


def body_shadow(ctx: Ctx, cp: np.ndarray, pc: PartColors, extra: list | None = None) -> None:
    L = -ctx.spec.light
    ys = np.linspace(80, 600, 14)
    cut = np.stack([L * (ctx.sw * 0.42 + 4 * np.sin(ys / 23)), ys], 1)
    poly = np.concatenate([cut, [(L * 200, 600), (L * 200, 80)]])
    shapes = [(ctx.B(poly), pc.shadow)] + (extra or [])
    ctx.sc.shade(cp, shapes)


def top(ctx: Ctx, hem_y: float, neck: str, flare: float = 0.0) -> None:
    pc = ctx.P["top"]
    pts = _top_pts(ctx, hem_y, neck, flare)
    cp = ctx.B(pts)
    ctx.sc.fill(cp, pc, outline=ctx.lw)
    body_shadow(ctx, cp, pc, [(ctx.B(np.array([(-40, 80), (40, 80), (30, 104), (0, 112), (-30, 104)])), pc.shadow)])
    # folds
    L = -ctx.spec.light
    ctx.sc.line(ctx.B(quad((L * ctx.ww * 0.7, 200), (L * ctx.ww * 0.5, 240), (L * ctx.ww * 0.6, hem_y - 4), 6)), ctx.lw * 0.5, 0.4, 0.2)
    ctx.sc.line(ctx.B(quad((-L * ctx.sw * 0.55, 130), (-L * ctx.sw * 0.45, 150), (-L * ctx.sw * 0.35, 168), 5)), ctx.lw * 0.45, 0.5, 0.5)
    if ctx.girl:  # the fold under the chest
        for side in (-1, 1):
            ctx.sc.line(ctx.B(quad((side * ctx.sw * 0.12, 156), (side * ctx.sw * 0.3, 162), (side * ctx.sw * 0.46, 152), 6)),
                         ctx.lw * 0.45, 0.4, 0.4)


def sailor_collar(ctx: Ctx) -> None:
    P, B, sc = ctx.P, ctx.B, ctx.sc
    pc = P["collar"]
    sw = ctx.sw
    nw = 12.0 if ctx.girl else 14.0
    vy = 160.0
    right = np.array([(0, vy), (sw * 0.52, 128), (sw * 0.9, 104), (sw * 0.6, 90), (nw + 2, 84)])
    right = np.concatenate([quad(right[0], (sw * 0.3, 142), right[1], 4), quad(right[1], (sw * 0.75, 112), right[2], 4)[1:],
                            quad(right[2], (sw * 0.8, 92), right[4], 5)[1:]])
    left = right[::-1] * np.array([-1, 1])
    pts = np.concatenate([right, [(nw * 0.5, 100), (0, vy - 22), (-nw * 0.5, 100)], left[:-1]])
    cp = B(pts)
    sc.fill(cp, pc, outline=ctx.lw)
    sc.shade(cp, [(B(np.array([(-60, 80), (60, 80), (60, 100), (0, 96), (-60, 100)])), pc.shadow)])
    # stripes along the outer edge
    for off in (4.5, 7.5):
        for side in (-1, 1):
            stripe = np.array([(side * 3, vy - off * 1.4), (side * sw * 0.5, 128 - off), (side * (sw * 0.88 - off), 106 - off * 0.3)])
            stripe = quad(stripe[0], (side * sw * 0.3, 142 - off), stripe[1], 5)
            sc.line(B(stripe), ctx.lw * 0.45, 0.1, 0.3)
    neckwear(ctx, vy - 26, kind=ctx.spec.neckwear)


def shirt_collar(ctx: Ctx) -> None:
    P, B, sc = ctx.P, ctx.B, ctx.sc
    pc = P["top"]
    nw = 12.0 if ctx.girl else 14.0
    for side in (-1, 1):
        flap = np.array([(side * (nw + 3), 82), (side * (nw + 9), 100), (side * 2, 104), (side * 1, 92)])
        sc.fill(B(flap), pc, outline=ctx.lw * 0.9, wobble=0.05)


def neckwear(ctx: Ctx, y: float, kind: str | None = None) -> None:
    P, B, sc = ctx.P, ctx.B, ctx.sc
    kind = kind or ctx.spec.neckwear
    if kind == "none" or "neckwear" not in P:
        return
    pc = P["neckwear"]
    if kind == "tie":
        knot = np.array([(-5, y - 6), (5, y - 6), (3.5, y + 3), (-3.5, y + 3)])
        blade = np.array([(-3.5, y + 2), (3.5, y + 2), (8, y + 92), (0, y + 104), (-8, y + 92)])
        cb = B(blade)
        sc.fill(cb, pc, outline=ctx.lw * 0.85, wobble=0.05)
        sc.shade(cb, [(B(np.array([(0, y), (12, y), (12, y + 110), (0, y + 110)]) * np.array([-ctx.spec.light, 1])), pc.shadow)])
        sc.fill(B(knot), pc, outline=ctx.lw * 0.85, wobble=0.05)
    elif kind == "scarf":
        for side in (-1, 1):
            tail = np.array([(side * 2, y), (side * 14, y + 38), (side * 6, y + 44), (side * -2, y + 6)])
            sc.fill(B(tail), pc, outline=ctx.lw * 0.8, wobble=0.05)
        sc.fill(B(ellipse(0, y + 1, 7, 6, 12)), pc, outline=ctx.lw * 0.8)
    else:  # ribbon bow
        c = np.array([0.0, y])
        for side in (-1, 1):
            tail = np.array([c + (side * 1, 2), c + (side * 11, 30), c + (side * 4, 28), c + (side * -1, 4)])
            sc.fill(B(tail), pc, outline=ctx.lw * 0.8, wobble=0.05)
        for side in (-1, 1):
            loop = np.concatenate([quad(c + (0, -2), c + (side * 14, -14), c + (side * 18, -2), 5),
                                   quad(c + (side * 18, -2), c + (side * 16, 10), c + (0, 2), 5)[1:]])
            cl = B(loop)
            sc.fill(cl, pc, outline=ctx.lw * 0.8)
            sc.shade(cl, [(B(np.array([c, c + (side * 20, 0), c + (side * 20, 12), c + (0, 12)])), pc.shadow)])
        sc.fill(B(ellipse(c[0], c[1], 4, 4.5, 10)), pc, outline=ctx.lw * 0.8)


def jacket(ctx: Ctx, lapels: bool) -> None:
    P, B, sc = ctx.P, ctx.B, ctx.sc
    pc = P["jacket"]
    nw = 12.0 if ctx.girl else 14.0
    sw, ww, hw = ctx.sw, ctx.ww, ctx.hw
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
        sc.fill(cp, pc, outline=ctx.lw)
        body_shadow(ctx, cp, pc)
        if lapels:
            lap = np.array([(side * (nw + 3), 84), (side * (nw + 9), 88), (side * 24, 130), (side * 14, 136), (side * 2, vy)])
            if side == -ctx.spec.light:
                sc.patch(B(lap), pc.shadow)
            sc.line(B(lap[1:]), ctx.lw * 0.6, 0.1, 0.1, 0.3)
        sc.line(B(np.array([(side * ww * 0.55, 250), (side * ww * 0.95, 250)])), ctx.lw * 0.5, 0.2, 0.2)
    if lapels:
        for y in (220, 258):
            sc.fill(B(ellipse(-4, y, 2.6, 2.6, 10)), pc, pc.highlight, outline=ctx.lw * 0.5)


def hood(ctx: Ctx) -> None:
    pc = ctx.P["top"]
    pts = Pen(-40, 100).c(-42, 66, -20, 56, 0, 56).c(20, 56, 42, 66, 40, 100).pts()
    cp = ctx.B(pts)
    ctx.sc.fill(cp, pc, pc.shadow, outline=ctx.lw)


def hoodie_details(ctx: Ctx) -> None:
    P, B, sc = ctx.P, ctx.B, ctx.sc
    # rim of the hood around the neckline
    rim = Pen(-30, 88).c(-22, 112, 22, 112, 30, 88).c(22, 102, -22, 102, -30, 88).pts()
    sc.fill(B(rim), P["top"], P["top"].highlight, outline=ctx.lw * 0.85)
    pc = P["strings"]
    for side in (-1, 1):
        s_ = np.array([(side * 7, 100), (side * 8, 130), (side * 7.5, 158)])
        sc.fill(B(tube(s_, 2.6)), pc, outline=ctx.lw * 0.55, wobble=0.0)
    sc.line(B(np.array([(-30, 292), (-23, 238), (23, 238), (30, 292)])), ctx.lw * 0.6, 0.05, 0.05, 0.5)
    sc.line(B(np.array([(-ctx.hw * 0.95, 276), (ctx.hw * 0.95, 276)])), ctx.lw * 0.5, 0.05, 0.05, 0.5)


def dress(ctx: Ctx) -> None:
    sp, P, B, sc = ctx.spec, ctx.P, ctx.B, ctx.sc
    pc = P["top"]
    r = ctx.body_rng
    hem_y = 420 + r.uniform(0, 80)
    flare = ctx.hw + 30 + r.uniform(0, 25)
    # the bodice's outline, continued into a flared skirt
    nw = 12.0
    right = (Pen(nw + 2, 84).c(nw + 14, 86, ctx.sw - 12, 90, ctx.sw, 101)
             .c(ctx.sw + 4, 112, ctx.sw - 1, 134, ctx.sw - 5, 152)
             .c(ctx.ww + 7, 188, ctx.ww, 212, ctx.ww + 1, 232)
             .c(ctx.ww + 20, 280, flare - 6, hem_y - 60, flare, hem_y).pts())
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
        sc.fill(B(fpts), P["frill"], outline=ctx.lw * 0.8)
    cp = B(pts)
    sc.fill(cp, pc, outline=ctx.lw)
    folds = []
    for i, x in enumerate(xs[1:-1], 1):
        if i % 2 == 0 and i % 4 == 0:
            folds.append((B(np.array([(x * 0.3, 250), (x * 0.3 + 5, 250), (x + 10, hem_y + 10), (x - 6, hem_y + 10)])), pc.shadow))
    body_shadow(ctx, cp, pc, folds + [(B(np.array([(-40, 80), (40, 80), (30, 104), (0, 112), (-30, 104)])), pc.shadow)])
    for i, x in enumerate(xs[1:-1], 1):
        if i % 2 == 0:
            sc.line(B(quad((x * 0.3, 262), (x * 0.7, hem_y * 0.7 + 60), (x, hem_y - 2), 7)), ctx.lw * 0.55, 0.6, 0.1)
    sc.line(B(quad((-ctx.ww - 1, 232), (0, 238), (ctx.ww + 1, 232), 6)), ctx.lw * 0.6, 0.05, 0.05, 0.6)
    if sp.frills and "frill" in P:
        for side in (-1, 1):
            flap = Pen(side * 2, 96).c(side * 6, 110, side * 24, 110, side * 26, 92).c(side * 20, 86, side * 12, 84, side * 2, 92).pts()
            sc.fill(B(flap), P["frill"], outline=ctx.lw * 0.8)
    if sp.neckwear == "ribbon":
        neckwear(ctx, 100, "ribbon")


def jabot(ctx: Ctx) -> None:
    """Cascading frill at the shirt collar (white lace, role outer)."""
    P, B, sc = ctx.P, ctx.B, ctx.sc
    for k, (y, w) in enumerate(((98, 13), (112, 15), (126, 16))):
        scallops = [(w, y)]
        xs = np.linspace(w, -w, 7)
        for i, x in enumerate(xs[1:-1], 1):
            scallops.append((x, y + 12 + (2.5 if i % 2 else 0)))
        pts = np.concatenate([[(-w * 0.5, y - 4), (w * 0.5, y - 4)], scallops, [(-w, y)]])
        sc.fill(B(pts), P["frill"], outline=ctx.lw * 0.7, wobble=0.05)
        sc.line(B(np.array([(-w * 0.3, y + 3), (-w * 0.4, y + 11)])), ctx.lw * 0.4)
        sc.line(B(np.array([(w * 0.3, y + 3), (w * 0.4, y + 11)])), ctx.lw * 0.4)


def bottom(ctx: Ctx) -> None:
    sp, P, B, sc = ctx.spec, ctx.P, ctx.B, ctx.sc
    if "bottom" not in P or sp.bottom == "none":
        return
    pc = P["bottom"]
    ww, hw = ctx.ww, ctx.hw
    r = random.Random(ctx.body_rng.random())
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
                    P["frill"], outline=ctx.lw * 0.8)
        cp = B(pts)
        sc.fill(cp, pc, outline=ctx.lw)
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
                sc.line(B(np.array([a + (b - a) * f for f in np.linspace(0.15, 1.0, 6)])), ctx.lw * 0.55, 0.7, 0.02, 0.05)
        sc.line(B(np.array([(-ww - 3, 238), (ww + 3, 238)])), ctx.lw * 0.5, 0.05, 0.05, 0.7)
    else:  # trousers / shorts
        end = 676 if sp.bottom == "trousers" else 392
        for side in (-1, 1):
            leg = np.array([(side * (ww + 3), 228), (side * (hw + 3), 292), (side * (hw * 0.36 + 14 + (0 if end > 500 else 10)), end),
                            (side * (hw * 0.36 - 12 - (0 if end > 500 else 2)), end), (side * 2, 338), (0, 334), (0, 228)])
            if end < 500:
                leg[2] = (side * (hw + 6), end)
                leg[3] = (side * 6, end)
            cl = B(leg)
            sc.fill(cl, pc, outline=ctx.lw, wobble=0.1)
            sc.shade(cl, [(B(np.array([(side * hw * 0.2, 240), (side * 200, 240), (side * 200, 700), (side * hw * 0.25, 700)]) * np.array([1, 1])), pc.shadow)] if side == -sp.light else [])
        sc.line(B(np.array([(-ww - 3, 240), (ww + 3, 240)])), ctx.lw * 0.5, 0.05, 0.05, 0.7)

"""Generator v2's layered clothes and held objects, drawn with the v1 context and primitives.

Inner layers first (blouse, shirt, sailor top, T-shirt or dress; the bottom
tucked under or over; belts and sashes), then the outer layer: open blazers,
jackets and cardigans that show the blouse between their fronts, closed vests,
open hoodies. Folds are drawn as short ink lines. Held objects: a book hugged
to the chest, a bag on a strap across the body (both role accessory).
"""

from __future__ import annotations

import random

import numpy as np

from train.data.anime.clothes import body_shadow, bottom, dress, jabot, neckwear, sailor_collar, shirt_collar, top
from train.data.anime.context import Ctx
from train.data.anime.geom import Pen, apply, cubic, ellipse, quad, ribbon, rotate, tube
from train.data.anime.v2.spec import Outfit

__all__ = ["outfit_layers", "outer_layer", "book", "shoulder_bag", "hand_bag", "front_locks"]


def _nw(ctx: Ctx) -> float:
    return 12.0 if ctx.girl else 14.0


def _fold(ctx: Ctx, a, b, c, w: float = 0.45) -> None:
    ctx.sc.line(ctx.B(quad(a, b, c, 6)), ctx.lw * w, 0.35, 0.35)


def outfit_layers(ctx: Ctx, o: Outfit, r: random.Random) -> None:
    """Everything under the outer layer: top, bottom, waist piece, collar and neckwear."""
    P = ctx.P
    if o.top == "dress":
        dress(ctx)  # bodice, skirt, frills and its ribbon
        _waist(ctx, o, r, y=228.0)
        return
    tucked = o.bottom in ("pleated", "skirt", "trousers", "shorts") and o.top in ("blouse", "shirt")
    if not tucked:
        bottom(ctx)
    if o.top == "sailor":
        top(ctx, hem_y=262, neck="v")
        sailor_collar(ctx)
    elif o.top == "tshirt":
        top(ctx, hem_y=284, neck="crew")
    else:
        top(ctx, hem_y=280, neck="none")
        bottom(ctx)
        _waist(ctx, o, r, y=230.0)
        shirt_collar(ctx)
        if o.frills and "frill" in P:
            jabot(ctx)
        else:
            neckwear(ctx, 100)
        _folds_top(ctx, r)
        return
    _waist(ctx, o, r, y=236.0 if o.top != "tshirt" else 262.0)
    _folds_top(ctx, r)


def _folds_top(ctx: Ctx, r: random.Random) -> None:
    """A few creases from the waist up the blouse."""
    ww = ctx.ww
    for side in (-1, 1):
        if r.random() < 0.7:
            x = side * ww * r.uniform(0.35, 0.7)
            _fold(ctx, (x, 226), (x * 0.9 + side * 3, 205), (x * 0.8, r.uniform(180, 195)))


def _waist(ctx: Ctx, o: Outfit, r: random.Random, y: float) -> None:
    P, B, sc = ctx.P, ctx.B, ctx.sc
    ww = ctx.ww + 4
    if o.waist == "sash" and "sash" in P:
        pc = P["sash"]
        h = r.uniform(12, 18)
        band = np.array([(-ww, y - h / 2), (ww, y - h / 2 - 1), (ww + 1, y + h / 2 + 1), (-ww - 1, y + h / 2)])
        cb = B(band)
        sc.fill(cb, pc, outline=ctx.lw * 0.85, wobble=0.05)
        sc.shade(cb, [(B(np.array([(-ww - 2, y + 1), (ww + 2, y), (ww + 2, y + h), (-ww - 2, y + h)])), pc.shadow)])
        side = r.choice([-1, 1])
        c = np.array([side * ww * 0.55, y])
        for s2 in (-1, 1):  # tails, then loops, then the knot
            tail = np.array([c + (s2 * 2, 2), c + (s2 * 10 + side * 4, 44), c + (s2 * 2 + side * 6, 40), c + (-s2 * 1, 6)])
            sc.fill(B(tail), pc, outline=ctx.lw * 0.8, wobble=0.05)
        for s2 in (-1, 1):
            loop = np.concatenate([quad(c + (0, -2), c + (s2 * 16, -16), c + (s2 * 20, -2), 5),
                                   quad(c + (s2 * 20, -2), c + (s2 * 17, 11), c + (0, 2), 5)[1:]])
            cl = B(loop)
            sc.fill(cl, pc, outline=ctx.lw * 0.8)
            sc.shade(cl, [(B(np.array([c, c + (s2 * 22, 0), c + (s2 * 22, 14), c + (0, 14)])), pc.shadow)])
        sc.fill(B(ellipse(c[0], c[1], 4.5, 5.5, 10)), pc, outline=ctx.lw * 0.8)
    elif o.waist == "belt" and "belt" in P:
        pc = P["belt"]
        h = r.uniform(7, 10)
        band = np.array([(-ww, y - h / 2), (ww, y - h / 2), (ww + 0.5, y + h / 2), (-ww - 0.5, y + h / 2)])
        sc.fill(B(band), pc, outline=ctx.lw * 0.8, wobble=0.05)
        bx = r.uniform(-3, 3)
        buckle = np.array([(bx - 7, y - h / 2 - 2), (bx + 7, y - h / 2 - 2), (bx + 7, y + h / 2 + 2), (bx - 7, y + h / 2 + 2)])
        sc.fill(B(buckle), P["buckle"], outline=ctx.lw * 0.7, wobble=0.0)
        sc.line(B(np.array([(bx - 2, y), (bx + 4, y)])), ctx.lw * 0.5, 0.1, 0.1, 0.5)


def outer_layer(ctx: Ctx, o: Outfit, r: random.Random) -> None:
    """The outer layer over the inner ones: open blazer / jacket / cardigan / hoodie, or a vest."""
    if o.outer == "none" or "jacket" not in ctx.P:
        return
    if o.outer == "vest":
        _vest(ctx, o, r)
        return
    P, B, sc = ctx.P, ctx.B, ctx.sc
    pc = P["jacket"]
    nw, sw, ww, hw = _nw(ctx), ctx.sw, ctx.ww, ctx.hw
    hem = o.outer_len
    loose = 4.0 if o.outer in ("cardigan", "hoodie") else 2.0
    gap_top = {"blazer": 8.0, "jacket": 10.0, "cardigan": 6.0, "hoodie": 12.0}[o.outer] + r.uniform(0, 6)
    gap_hem = gap_top + r.uniform(8, 22)
    vy = {"blazer": 176.0, "jacket": 130.0, "cardigan": 150.0, "hoodie": 110.0}[o.outer] + r.uniform(-10, 10)
    if o.outer == "hoodie":  # the hood lies behind the neck
        hood_pts = Pen(-44, 104).c(-46, 70, -24, 62, 0, 62).c(24, 62, 46, 70, 44, 104).pts()
        sc.fill(B(hood_pts), pc, pc.shadow, outline=ctx.lw)
    for side in (-1, 1):
        outer = (Pen(side * (nw + 3), 84).c(side * (nw + 14), 86, side * (sw - 10), 90, side * (sw + loose), 101)
                 .c(side * (sw + 4 + loose), 112, side * (sw + loose), 134, side * (sw - 3 + loose), 152)
                 .c(side * (ww + 9 + loose), 188, side * (ww + 2 + loose), 212, side * (ww + 4 + loose), 232)
                 .c(side * (ww + 7 + loose), 250, side * (hw * 0.92 + 4 + loose), hem - 25,
                    side * (hw * 0.94 + 5 + loose), hem).pts())
        hem_line = quad((side * (hw * 0.94 + 5 + loose), hem), (side * (hw * 0.5), hem + 4), (side * gap_hem, hem + 2), 6)[1:]
        front = cubic((side * gap_hem, hem + 2), (side * (gap_hem - 2), hem - 60), (side * (gap_top + 2), vy + 40),
                      (side * gap_top, vy), 8)[1:]
        neck_edge = quad((side * gap_top, vy), (side * (nw + 8), (vy + 84) / 2), (side * (nw + 3), 84), 6)[1:-1]
        pts = np.concatenate([outer, hem_line, front, neck_edge])
        cp = B(pts)
        sc.fill(cp, pc, outline=ctx.lw)
        body_shadow(ctx, cp, pc)
        if o.outer in ("blazer", "jacket"):  # lapels: folded back, in shadow on one side
            lap = np.array([(side * (nw + 3), 84), (side * (nw + 12), 92), (side * (gap_top + 16), vy - 10),
                            (side * gap_top, vy)])
            if side == -ctx.spec.light:
                sc.patch(B(lap), pc.shadow)
            sc.line(B(lap[1:]), ctx.lw * 0.6, 0.1, 0.1, 0.3)
            sc.line(B(np.array([(side * (ww * 0.5), 252), (side * (ww * 0.95), 250)])), ctx.lw * 0.5, 0.2, 0.2)
        elif o.outer == "cardigan":  # ribbed hem and front band
            sc.line(B(quad((side * (hw * 0.92 + 4), hem - 12), (side * hw * 0.5, hem - 8), (side * (gap_hem + 2), hem - 10), 6)),
                    ctx.lw * 0.5, 0.05, 0.05, 0.5)
            sc.line(B(front[:-1] + (side * 5, 0)), ctx.lw * 0.45, 0.1, 0.1, 0.4)
            if side == 1:
                for y in np.linspace(vy + 15, hem - 30, 4):
                    x = gap_top + (gap_hem - gap_top) * (y - vy) / max(hem - vy, 1.0) + 4
                    sc.fill(B(ellipse(x, y, 2.4, 2.4, 10)), pc, pc.highlight, outline=ctx.lw * 0.5)
        elif o.outer == "hoodie" and "strings" in P:
            s_ = np.array([(side * (gap_top + 4), 100), (side * (gap_top + 5), 130), (side * (gap_top + 4), 160)])
            sc.fill(B(tube(s_, 2.6)), P["strings"], outline=ctx.lw * 0.55, wobble=0.0)
        # folds: from the armpit and at the waist
        _fold(ctx, (side * (sw - 6), 150), (side * (sw - 14), 175), (side * (ww + 2), 200))
        if r.random() < 0.6:
            x = side * (ww + 4)
            _fold(ctx, (x, hem - 30), (x + side * 3, hem - 15), (x + side * 8, hem - 2))


def _vest(ctx: Ctx, o: Outfit, r: random.Random) -> None:
    P, B, sc = ctx.P, ctx.B, ctx.sc
    pc = P["jacket"]
    nw, sw, ww = _nw(ctx), ctx.sw, ctx.ww
    hem = o.outer_len
    vy = r.uniform(150, 180)
    for side in (-1, 1):
        pts = (Pen(side * (nw + 2), 86).c(side * (nw + 10), 88, side * (sw - 14), 92, side * (sw - 9), 100)
               .c(side * (sw - 16), 118, side * (sw - 18), 140, side * (ww + 4), 158)
               .c(side * (ww + 7), 190, side * (ww + 2), 215, side * (ww + 4), hem - 10)
               .q(side * (ww * 0.5), hem, side * 1.0, hem + 10)
               .to(side * 1.0, vy).q(side * (nw * 0.6), (vy + 86) / 2, side * (nw + 2), 86, 6).pts())
        cp = B(pts)
        sc.fill(cp, pc, outline=ctx.lw)
        body_shadow(ctx, cp, pc)
        _fold(ctx, (side * (ww * 0.3), hem - 4), (side * (ww * 0.5), hem - 20), (side * (ww * 0.45), hem - 34))
    for y in np.linspace(vy + 14, hem - 12, 3):
        sc.fill(B(ellipse(-3, y, 2.4, 2.4, 10)), pc, pc.highlight, outline=ctx.lw * 0.5)


def book(ctx: Ctx, centre: np.ndarray, r: random.Random) -> None:
    """A book held against the chest (role accessory): the cover, its page edge and spine."""
    P, B, sc = ctx.P, ctx.B, ctx.sc
    pc = P["book"]
    w, h = r.uniform(40, 52), r.uniform(54, 68)
    ang = r.uniform(-0.35, 0.35)
    m = rotate(ang, centre[0], centre[1])
    cx, cy = centre
    pages = apply(m, np.array([(cx - w / 2 + 3, cy - h / 2 + 3), (cx + w / 2 + 3, cy - h / 2 + 3),
                               (cx + w / 2 + 3, cy + h / 2 + 4), (cx - w / 2 + 3, cy + h / 2 + 4)]))
    sc.fill(B(pages), pc, pc.extra[0], outline=ctx.lw * 0.8, wobble=0.05)
    cover = apply(m, np.array([(cx - w / 2, cy - h / 2), (cx + w / 2, cy - h / 2), (cx + w / 2, cy + h / 2),
                               (cx - w / 2, cy + h / 2)]))
    cc = B(cover)
    sc.fill(cc, pc, outline=ctx.lw * 0.9, wobble=0.05)
    sc.shade(cc, [(B(apply(m, np.array([(cx - w / 2 - 2, cy - h / 2 - 2), (cx - w / 2 + 7, cy - h / 2 - 2),
                                         (cx - w / 2 + 7, cy + h / 2 + 2), (cx - w / 2 - 2, cy + h / 2 + 2)]))),
                   pc.shadow)])
    sc.line(B(apply(m, np.array([(cx - w / 2 + 7, cy - h / 2 + 1), (cx - w / 2 + 7, cy + h / 2 - 1)]))), ctx.lw * 0.5,
            0.05, 0.05, 0.6)
    sc.line(B(apply(m, np.array([(cx - w * 0.2, cy - h * 0.2), (cx + w * 0.3, cy - h * 0.2)]))), ctx.lw * 0.45)


def shoulder_bag(ctx: Ctx, side: int, r: random.Random) -> None:
    """A bag at the hip on a strap across the body from the other shoulder (role accessory)."""
    P, B, sc = ctx.P, ctx.B, ctx.sc
    pc = P["bag"]
    sw, hw = ctx.sw, ctx.hw
    strap = np.array([(-side * (sw * 0.55), 94), (0.0, 170), (side * (hw * 0.8), 246)])
    sc.fill(B(ribbon(quad(strap[0], strap[1] + (side * 4, 0), strap[2], 9), r.uniform(4.5, 6.5))), pc,
            outline=ctx.lw * 0.7, wobble=0.05)
    bx, by = side * (hw * 0.95), 262.0
    bw, bh = r.uniform(36, 48), r.uniform(30, 40)
    body = Pen(bx - bw / 2, by - bh / 2).to(bx + bw / 2, by - bh / 2).c(bx + bw / 2 + 2, by, bx + bw / 2, by + bh / 2,
                                                                          bx + bw / 2 - 6, by + bh / 2)
    body = body.to(bx - bw / 2 + 6, by + bh / 2).c(bx - bw / 2, by + bh / 2, bx - bw / 2 - 2, by, bx - bw / 2,
                                                    by - bh / 2).pts()[:-1]
    cb = B(body)
    sc.fill(cb, pc, outline=ctx.lw)
    sc.shade(cb, [(B(np.array([(bx - bw, by + bh * 0.1), (bx + bw, by + bh * 0.1), (bx + bw, by + bh),
                               (bx - bw, by + bh)])), pc.shadow)])
    flap = np.concatenate([[(bx - bw / 2, by - bh / 2)], quad((bx - bw / 2, by - bh / 2 + 12), (bx, by + 4),
                                                              (bx + bw / 2, by - bh / 2 + 12), 7), [(bx + bw / 2, by - bh / 2)]])
    sc.line(B(flap[1:-1]), ctx.lw * 0.55, 0.05, 0.05, 0.6)


def hand_bag(ctx: Ctx, wrist: np.ndarray, r: random.Random) -> None:
    """A bag hanging from a hand (role accessory): two handles and the bag below them."""
    P, B, sc = ctx.P, ctx.B, ctx.sc
    pc = P["bag"]
    bw, bh = r.uniform(40, 56), r.uniform(34, 46)
    x, y = wrist[0], wrist[1] + 26
    for dx in (-bw * 0.22, bw * 0.22):
        handle = quad((x + dx, y), (x + dx * 0.3, wrist[1] - 4), (x - dx * 0.1, wrist[1] + 6), 7)
        sc.line(B(handle), ctx.lw * 0.9, 0.05, 0.05, 0.8)
    body = np.array([(x - bw * 0.42, y), (x + bw * 0.42, y), (x + bw / 2, y + bh), (x - bw / 2, y + bh)])
    cb = B(body)
    sc.fill(cb, pc, outline=ctx.lw)
    side = -ctx.spec.light
    sc.shade(cb, [(B(np.array([(x + side * bw * 0.1, y - 2), (x + side * bw, y - 2), (x + side * bw, y + bh + 2),
                               (x + side * bw * 0.2, y + bh + 2)])), pc.shadow)])


def front_locks(ctx: Ctx, r: random.Random) -> None:
    """Long hair falling over the shoulders and chest, in front of the clothes (head space)."""
    sp, P, H, sc = ctx.spec, ctx.P, ctx.H, ctx.sc
    pc = P["hair"]
    fw = ctx.fw
    L = min(sp.back_len, 300.0) * r.uniform(0.7, 0.95)
    sides = (-1, 1) if r.random() < 0.6 else (r.choice([-1, 1]),)
    for side in sides:
        w0 = r.uniform(18, 26)
        out = r.uniform(10, 26)
        centre = cubic((side * (fw + 4), -6), (side * (fw + 12 + out * 0.5), 50), (side * (fw + out), L * 0.6),
                       (side * (fw + out * 0.6), L), 16)
        t = np.linspace(0, 1, 16)
        widths = w0 * (1.0 - 0.85 * t ** 1.6) + 0.5
        if sp.wavy:
            centre = centre + np.stack([3.5 * np.sin(t * 9.0) * t, 0 * t], 1)
        poly = ribbon(centre, widths)
        cp = H(poly)
        sc.fill(cp, pc, outline=ctx.lw)
        nrm = np.stack([-np.gradient(centre[:, 1]), np.gradient(centre[:, 0])], 1)
        nrm /= np.maximum(np.hypot(nrm[:, 0], nrm[:, 1]), 1e-6)[:, None]
        band = np.concatenate([centre + nrm * (widths[:, None] * 0.1) * -sp.light,
                               (centre + nrm * (widths[:, None] * 0.7) * -sp.light)[::-1]])
        sc.shade(cp, [(H(band), pc.shadow)])
        for f in (-0.2, 0.15):  # strands
            a, b = int(r.uniform(1, 4)), int(r.uniform(11, 15))
            sc.line(H(centre[a:b] + nrm[a:b] * (widths[a:b, None] * f)), ctx.lw * 0.5, 0.3, 0.5)
        tip = centre[-1]
        for k in range(r.randint(0, 2)):  # a stray strand splitting off near the end
            a = centre[10 + k] + nrm[10 + k] * widths[10 + k] * 0.4 * side
            sc.line(H(quad(a, a + (side * 5, 14), tip + (side * (6 + 3 * k), 10 + 4 * k), 6)), ctx.lw * 0.55, 0.2, 0.7)

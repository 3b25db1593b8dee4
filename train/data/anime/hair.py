"""Hair: the back hair, tails, braids and buns, the bangs and the crown, side locks and ahoge."""

from __future__ import annotations

import math
import random

import numpy as np

from train.data.anime.context import Ctx
from train.data.anime.geom import cubic, ellipse, quad, ribbon, taper, unit_normals

__all__ = ["back_hair", "tail_shape", "draw_tail", "tails_behind", "bang_edge", "front_hair", "side_locks", "ahoge", "buns", "braids"]


def back_hair(ctx: Ctx) -> None:
    sp, P, H, r = ctx.spec, ctx.P, ctx.H, random.Random(ctx.hair_rng.random())
    if sp.back == "none":
        return
    hr, hcy = ctx.hr + 2, ctx.hcy
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
    ctx.sc.fill(cp, P["hair"], outline=ctx.lw)
    # the inner back hair (seen between the side curtains) is in shadow
    inner = np.array([(-ctx.fw * 0.95, -30), (ctx.fw * 0.95, -30), (ctx.fw * 1.1, L + 20), (-ctx.fw * 1.1, L + 20)])
    side_band = np.array([(-sp.light * (x_end + 10), hcy), (-sp.light * (x_end - 10), hcy + 20),
                          (-sp.light * (x_end - 12), L + 20), (-sp.light * (x_end + 20), L + 20)])
    ctx.sc.shade(cp, [(H(inner), P["hair"].shadow), (H(side_band), P["hair"].shadow)])
    for k in range(3 if sp.back != "short" else 1):
        x0 = r.choice([-1, 1]) * r.uniform(ctx.fw + 2, x_end - 2)
        line = quad((x0 * 0.95, 10 + r.uniform(0, 20)), (x0 * 1.04, L * 0.5), (x0 * 0.98, L - r.uniform(12, 26)), 8)
        ctx.sc.line(H(line), ctx.lw * 0.55)


def tail_shape(root, c1, c2, end, w0, wmax, n=18):
    centre = cubic(root, c1, c2, end, n)
    t = np.linspace(0, 1, n)
    widths = w0 + (wmax - w0) * np.sin(np.clip(t / 0.35, 0, 1) * math.pi / 2)
    widths = widths * np.clip((1 - t) / 0.55, 0, 1) ** 0.8 + 0.01
    return centre, widths


def draw_tail(ctx: Ctx, centre, widths, tie: bool = True):
    P, H = ctx.P, ctx.H
    poly = np.concatenate([ribbon(centre, widths)], axis=0)
    cp = H(poly)
    ctx.sc.fill(cp, P["hair"], outline=ctx.lw)
    # a shadow along the side away from the light, and strand lines
    off = (widths * 0.28)[:, None]
    nrm = unit_normals(centre)
    shadow_side = -ctx.spec.light * np.sign(nrm[:, 0:1] + 1e-6)
    band = np.concatenate([centre + nrm * off * shadow_side, (centre + nrm * (widths[:, None] / 2 + 2) * shadow_side)[::-1]])
    ctx.sc.shade(cp, [(H(band), P["hair"].shadow)])
    for f in (-0.22, 0.18):
        line = centre[2:-3] + nrm[2:-3] * (widths[2:-3, None] * f)
        ctx.sc.line(H(line), ctx.lw * 0.5, 0.3, 0.5)
    if tie and "hair_acc" in P:
        c0 = centre[1]
        e = ellipse(c0[0], c0[1], widths[1] * 0.45, widths[1] * 0.3, 14)
        ctx.sc.fill(H(e), P["hair_acc"], outline=ctx.lw * 0.8)


def tails_behind(ctx: Ctx) -> None:
    sp = ctx.spec
    L = sp.tail_len
    if sp.tail == "ponytail":
        side = 1 if (sp.shape_seed % 2) else -1
        centre, widths = tail_shape((side * 22, -66), (side * 70, -84), (side * 88, 10), (side * 64, -60 + L), 12, 30)
        draw_tail(ctx, centre, widths)
    elif sp.tail == "twin_tails":
        for side in (-1, 1):
            centre, widths = tail_shape((side * 40, -54), (side * 86, -62), (side * 96, 50), (side * 74, -40 + L), 14, 34)
            draw_tail(ctx, centre, widths, tie=False)


def bang_edge(ctx: Ctx):
    """The bangs' lower edge from the right temple to the left one: ``(points, tips, notches, sweep)``.

    The forehead span is cut into locks of uneven width; each lock hangs from
    two notches to a pointed tip, its sides bowed out and leaning with the sweep.
    """
    sp, fw = ctx.spec, ctx.fw
    r = random.Random(ctx.hair_rng.random())
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
        y = min(y, (7.0 if style == "side" else -5.0) + ctx.bangs_over_eyes)  # the eyes stay visible (v1)
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


def front_hair(ctx: Ctx) -> None:
    sp, P, H, sc = ctx.spec, ctx.P, ctx.H, ctx.sc
    r = random.Random(ctx.hair_rng.random())
    hr, hcy, fw = ctx.hr, ctx.hcy, ctx.fw
    edge, tips, notches, sweep = ctx.bangs
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
    sc.fill(cp, P["hair"], outline=ctx.lw)
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
            sc.line(H(quad(a, (a + b) / 2 + (sweep * 3, 0), b, 7)), ctx.lw * 0.6, 0.15, 0.7)
    for tip in tips:
        if r.random() < 0.4:
            a = tip + np.array([0.0, -4.0])
            b = a + (crown - a) * 0.25
            sc.line(H(np.array([a, (a + b) / 2 + (sweep, 0), b])), ctx.lw * 0.45, 0.3, 0.7)
    for _ in range(r.randint(2, 4)):
        t = r.uniform(math.pi + 0.5, 2 * math.pi - 0.5)
        a = np.array([hr * 0.92 * math.cos(t), hcy + hr * 0.96 * math.sin(t)])
        b = a + (np.array([a[0] * 0.5, hcy - 5]) - a) * r.uniform(0.3, 0.5)
        sc.line(H(quad(a, (a + b) / 2 + (2, 0), b, 6)), ctx.lw * 0.5, 0.2, 0.7)


def side_locks(ctx: Ctx) -> None:
    sp, P, H, sc = ctx.spec, ctx.P, ctx.H, ctx.sc
    L = sp.side_locks
    if L <= 0:
        return
    r = random.Random(ctx.hair_rng.random())
    fw = ctx.fw
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
        sc.fill(cp, pc, outline=ctx.lw)
        shift = np.array([side * w * (0.45 if side == -sp.light else 0.3), 0])
        inner_band = np.concatenate([i[:-1], (i[:-1] + shift)[::-1]])
        sc.shade(cp, [(H(inner_band), pc.shadow)])
        mid = cubic((side * (fw + 4), -6), (side * (fw + 9), 20), (side * (fw + 6 + 3 * long_), L * 0.6), tip + (0, -12), 8)
        sc.line(H(mid), ctx.lw * 0.55, 0.25, 0.5)


def ahoge(ctx: Ctx) -> None:
    P, H, sc = ctx.P, ctx.H, ctx.sc
    r = random.Random(ctx.hair_rng.random())
    side = r.choice([-1, 1])
    top_y = ctx.hcy - ctx.hr * 1.04
    x0 = r.uniform(-8, 8)
    centre = cubic((x0, top_y + 6), (x0 + side * 2, top_y - 14), (x0 + side * 16, top_y - 24), (x0 + side * 24, top_y - 12), 12)
    widths = taper(12, 5.0, 0.0, 1.0, 0.05) + 0.2
    poly = ribbon(centre, widths)
    sc.fill(H(poly), P["hair"], outline=ctx.lw * 0.85)


def buns(ctx: Ctx) -> None:
    P, H, sc = ctx.P, ctx.H, ctx.sc
    for side in (-1, 1):
        c = (side * 34.0, ctx.hcy - ctx.hr * 0.82)
        cp = H(ellipse(c[0], c[1], 17, 16, 22))
        sc.fill(cp, P["hair"], outline=ctx.lw)
        sc.line(H(quad((c[0] - 10, c[1] - 4), (c[0], c[1] - 14), (c[0] + 10, c[1] - 5), 7)), ctx.lw * 0.5)
        sc.shade(cp, [(H(ellipse(c[0] - ctx.spec.light * 8, c[1] + 6, 14, 12, 16)), P["hair"].shadow)])


def braids(ctx: Ctx) -> None:
    sp, P, H, sc = ctx.spec, ctx.P, ctx.H, ctx.sc
    L = sp.tail_len
    for side in (-1, 1):
        x0 = side * (ctx.fw + 3)
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
            sc.fill(H(seg), P["hair"], outline=ctx.lw * 0.85, wobble=0.1)
        y = ys[-1] + 4
        tuft = np.array([(x0 - 6, y), (x0 + 6, y), (x0 + 7, y + 14), (x0 + 2, y + 9), (x0 - 1, y + 16), (x0 - 4, y + 9), (x0 - 7, y + 13)])
        sc.fill(H(tuft), P["hair"], outline=ctx.lw * 0.8)
        if "hair_acc" in P:
            sc.fill(H(ellipse(x0, y, 6, 3.5, 12)), P["hair_acc"], outline=ctx.lw * 0.7)
